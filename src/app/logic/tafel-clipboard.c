/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <cairo.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "tafel-clipboard.h"
#include "tafel-render.h"

/* Board units of paper around the objects in the PNG picture. */
#define PNG_MARGIN     8.0
/* The picture's longest side at most, in pixels. */
#define PNG_MAX_SIDE   4096.0

G_DEFINE_QUARK (tafel-clipboard-error-quark, tafel_clipboard_error)

void
tafel_clipboard_item_free (TafelClipboardItem *item)
{
  if (item == NULL)
    return;
  g_clear_pointer (&item->body, g_bytes_unref);
  g_free (item);
}

/* @body (a record body of @kind) moved by (dx, dy) on the board, with the
 * extents of the result in @bounds; %NULL when @body does not decode as
 * @kind, or @kind is not a drawn object's. */
static GBytes *
dup_moved (guint       kind,
           GBytes     *body,
           double      dx,
           double      dy,
           TafelRect  *bounds,
           GError    **error)
{
  TafelTransform moved = { 1, 1, dx, dy };

  switch (kind)
    {
    case TAFEL_RECORD_KIND_STROKE:
      {
        TafelStroke stroke = { 0 };
        GBytes *out;

        if (!tafel_stroke_decode (body, &stroke, error))
          return NULL;
        tafel_stroke_bake_transform (&stroke, &moved);
        tafel_stroke_get_extents (&stroke, bounds);
        out = tafel_stroke_encode (&stroke);
        tafel_stroke_clear (&stroke);
        return out;
      }

    case TAFEL_RECORD_KIND_SHAPE:
      {
        TafelShape shape;

        if (!tafel_shape_decode (body, &shape, error))
          return NULL;
        tafel_shape_bake_transform (&shape, &moved);
        tafel_shape_get_extents (&shape, bounds);
        return tafel_shape_encode (&shape);
      }

    case TAFEL_RECORD_KIND_TEXT:
      {
        TafelText text = { 0 };
        GBytes *out;

        if (!tafel_text_decode (body, &text, error))
          return NULL;
        tafel_text_bake_transform (&text, &moved);
        tafel_text_get_extents (&text, bounds);
        out = tafel_text_encode (&text);
        tafel_text_clear (&text);
        return out;
      }

    default:
      g_set_error (error, TAFEL_CLIPBOARD_ERROR, TAFEL_CLIPBOARD_ERROR_INVALID,
                   _("The clipboard holds something other than strokes, shapes and texts."));
      return NULL;
    }
}

TafelClipboardItem *
tafel_clipboard_item_new_for_object (const TafelObject *object)
{
  g_autoptr(TafelClipboardItem) item = g_new0 (TafelClipboardItem, 1);

  g_return_val_if_fail (object != NULL, NULL);

  item->body = tafel_object_dup_baked_body (object, 0, 0, &item->kind);
  if (item->body == NULL)
    return NULL;
  tafel_object_get_bounds (object, &item->bounds);
  return g_steal_pointer (&item);
}

GBytes *
tafel_clipboard_item_dup_moved (const TafelClipboardItem *item,
                                double                    dx,
                                double                    dy)
{
  TafelRect bounds;

  g_return_val_if_fail (item != NULL, NULL);

  return dup_moved (item->kind, item->body, dx, dy, &bounds, NULL);
}

GBytes *
tafel_clipboard_encode (GPtrArray *items)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  gsize length;
  char *text;

  g_return_val_if_fail (items != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tafel-objects");
  json_builder_add_int_value (builder, TAFEL_CLIPBOARD_VERSION);
  json_builder_set_member_name (builder, "objects");
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      const TafelClipboardItem *item = g_ptr_array_index (items, i);
      gsize size;
      const guint8 *data = g_bytes_get_data (item->body, &size);
      g_autofree char *encoded = g_base64_encode (data, size);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_int_value (builder, item->kind);
      json_builder_set_member_name (builder, "body");
      json_builder_add_string_value (builder, encoded);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  return g_bytes_new_take (text, length);
}

static gboolean
fail (GError     **error,
      int          code,
      const char  *message)
{
  g_set_error_literal (error, TAFEL_CLIPBOARD_ERROR, code, message);
  return FALSE;
}

GPtrArray *
tafel_clipboard_decode (GBytes  *data,
                        GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_clipboard_item_free);
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  JsonArray *objects;
  gsize size;
  const char *text;
  gint64 version;

  g_return_val_if_fail (data != NULL, NULL);

  text = g_bytes_get_data (data, &size);
  if (size > TAFEL_CLIPBOARD_MAX_BYTES)
    {
      fail (error, TAFEL_CLIPBOARD_ERROR_TOO_LARGE, _("What was copied is too large to paste."));
      return NULL;
    }
  if (size == 0 || !json_parser_load_from_data (parser, text, (gssize) size, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      fail (error, TAFEL_CLIPBOARD_ERROR_INVALID, _("The clipboard holds no Tafel objects."));
      return NULL;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (root, "tafel-objects") ||
      json_node_get_value_type (json_object_get_member (root, "tafel-objects")) != G_TYPE_INT64)
    {
      fail (error, TAFEL_CLIPBOARD_ERROR_INVALID, _("The clipboard holds no Tafel objects."));
      return NULL;
    }
  version = json_object_get_int_member (root, "tafel-objects");
  if (version != TAFEL_CLIPBOARD_VERSION)
    {
      fail (error, TAFEL_CLIPBOARD_ERROR_VERSION,
            _("These objects were copied from a newer Tafel; update Tafel to paste them."));
      return NULL;
    }
  if (!json_object_has_member (root, "objects") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "objects")))
    {
      fail (error, TAFEL_CLIPBOARD_ERROR_INVALID, _("The copied objects are damaged."));
      return NULL;
    }
  objects = json_object_get_array_member (root, "objects");
  if (json_array_get_length (objects) > TAFEL_CLIPBOARD_MAX_OBJECTS)
    {
      fail (error, TAFEL_CLIPBOARD_ERROR_TOO_LARGE, _("What was copied is too large to paste."));
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (objects); i++)
    {
      JsonNode *node = json_array_get_element (objects, i);
      g_autoptr(TafelClipboardItem) item = g_new0 (TafelClipboardItem, 1);
      g_autoptr(GBytes) body = NULL;
      JsonObject *object;
      const char *encoded;
      guchar *decoded;
      gsize decoded_size;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          fail (error, TAFEL_CLIPBOARD_ERROR_INVALID, _("The copied objects are damaged."));
          return NULL;
        }
      object = json_node_get_object (node);
      if (!json_object_has_member (object, "kind") || !json_object_has_member (object, "body") ||
          json_node_get_value_type (json_object_get_member (object, "kind")) != G_TYPE_INT64 ||
          json_node_get_value_type (json_object_get_member (object, "body")) != G_TYPE_STRING)
        {
          fail (error, TAFEL_CLIPBOARD_ERROR_INVALID, _("The copied objects are damaged."));
          return NULL;
        }

      item->kind = (guint) CLAMP (json_object_get_int_member (object, "kind"), 0, G_MAXUINT);
      encoded = json_object_get_string_member (object, "body");
      decoded = g_base64_decode (encoded, &decoded_size);
      body = g_bytes_new_take (decoded, decoded_size);

      /* Every body must be a record body a peer would accept. */
      item->body = dup_moved (item->kind, body, 0, 0, &item->bounds, &local_error);
      if (item->body == NULL)
        {
          g_set_error (error, TAFEL_CLIPBOARD_ERROR, TAFEL_CLIPBOARD_ERROR_INVALID,
                       _("The copied objects are damaged: %s"), local_error->message);
          return NULL;
        }
      g_ptr_array_add (items, g_steal_pointer (&item));
    }

  return g_steal_pointer (&items);
}

gboolean
tafel_clipboard_get_bounds (GPtrArray *items,
                            TafelRect *bounds)
{
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;

  g_return_val_if_fail (items != NULL, FALSE);

  for (guint i = 0; i < items->len; i++)
    {
      const TafelClipboardItem *item = g_ptr_array_index (items, i);

      x0 = MIN (x0, item->bounds.x);
      y0 = MIN (y0, item->bounds.y);
      x1 = MAX (x1, item->bounds.x + item->bounds.width);
      y1 = MAX (y1, item->bounds.y + item->bounds.height);
    }

  if (items->len == 0)
    return FALSE;
  *bounds = (TafelRect) { x0, y0, x1 - x0, y1 - y0 };
  return TRUE;
}

char *
tafel_clipboard_dup_text (GPtrArray *objects)
{
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean any = FALSE;

  g_return_val_if_fail (objects != NULL, NULL);

  for (guint i = 0; i < objects->len; i++)
    {
      TafelText t = { 0 };

      if (!tafel_object_dup_text (g_ptr_array_index (objects, i), &t))
        continue;
      if (any)
        g_string_append_c (text, '\n');
      g_string_append (text, t.text);
      any = TRUE;
      tafel_text_clear (&t);
    }

  return any ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static cairo_status_t
append_png (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

GBytes *
tafel_clipboard_render_png (GPtrArray  *objects,
                            double      scale,
                            GError    **error)
{
  g_autoptr(GByteArray) png = g_byte_array_new ();
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  cairo_surface_t *surface;
  cairo_status_t status;
  TafelView view;
  cairo_t *cr;
  int width, height;

  g_return_val_if_fail (objects != NULL && objects->len > 0, NULL);
  g_return_val_if_fail (scale > 0, NULL);

  for (guint i = 0; i < objects->len; i++)
    {
      TafelRect b;

      tafel_object_get_bounds (g_ptr_array_index (objects, i), &b);
      x0 = MIN (x0, b.x);
      y0 = MIN (y0, b.y);
      x1 = MAX (x1, b.x + b.width);
      y1 = MAX (y1, b.y + b.height);
    }
  x0 -= PNG_MARGIN;
  y0 -= PNG_MARGIN;
  x1 += PNG_MARGIN;
  y1 += PNG_MARGIN;

  /* A large selection comes out smaller, not as a huge picture. */
  scale = MIN (scale, PNG_MAX_SIDE / MAX (x1 - x0, y1 - y0));
  width = MAX (1, (int) ceil ((x1 - x0) * scale));
  height = MAX (1, (int) ceil ((y1 - y0) * scale));

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  view = (TafelView) { scale, x0, y0 };
  tafel_render_objects (cr, &view, (TafelObject * const *) objects->pdata, objects->len);
  cairo_destroy (cr);

  status = cairo_surface_write_to_png_stream (surface, append_png, png);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, TAFEL_CLIPBOARD_ERROR, TAFEL_CLIPBOARD_ERROR_TOO_LARGE,
                   _("The picture of what was copied could not be made: %s"),
                   cairo_status_to_string (status));
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}
