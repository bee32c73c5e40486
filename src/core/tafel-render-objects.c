/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "tafel-object-private.h"
#include "tafel-bytes.h"
#include "tafel-record-private.h"
#include "tafel-render.h"
#include "tafel-render-private.h"

/* The objects half of tafel-render.h: content drawn with its transform, as
 * the model holds it, directly or from a snapshot. */

static gboolean
apply_transform (cairo_t              *cr,
                 const TafelTransform *t)
{
  cairo_matrix_t m;

  /* A flat or non-finite transform would put cairo into an error state
   * that ends all drawing on @cr; such an object has no area to draw. */
  if (!(fabs (t->sx) > 1e-12) || !(fabs (t->sy) > 1e-12) ||
      !isfinite (t->sx) || !isfinite (t->sy) || !isfinite (t->tx) || !isfinite (t->ty))
    return FALSE;

  cairo_matrix_init (&m, t->sx, 0, 0, t->sy, t->tx, t->ty);
  cairo_transform (cr, &m);
  return TRUE;
}

typedef struct
{
  TafelPoint *points;
  guint       capacity;
} PointBuffer;

static void
point_buffer_free (gpointer data)
{
  PointBuffer *b = data;

  g_free (b->points);
  g_free (b);
}

/* Decodes a stroke body into @stroke, its points in a buffer of this
 * thread's that the next call reuses: no allocation per stroke. */
static gboolean
decode_stroke (const guint8 *data,
               gsize         len,
               TafelStroke  *stroke)
{
  static GPrivate key = G_PRIVATE_INIT (point_buffer_free);
  PointBuffer *b = g_private_get (&key);
  TafelReader r;
  TafelStrokeHeader h;

  tafel_reader_init (&r, data, len);
  if (!tafel_stroke_decode_header (&r, &h, NULL))
    return FALSE;
  if (b == NULL)
    {
      b = g_new0 (PointBuffer, 1);
      g_private_set (&key, b);
    }
  if (h.n_points > b->capacity)
    {
      b->capacity = MAX (h.n_points, 2 * b->capacity);
      g_free (b->points);
      b->points = g_new (TafelPoint, b->capacity);
    }
  if (!tafel_stroke_decode_points (&r, &h, b->points, NULL, NULL))
    return FALSE;

  *stroke = (TafelStroke) { h.tool, h.rgba, h.width, h.n_points, b->points };
  return TRUE;
}

/* Decodes @data (@len bytes) as @type and draws it with @transform, as
 * @look (nullable) amends it. */
static void
draw_content (cairo_t              *cr,
              TafelObjectType       type,
              const guint8         *data,
              gsize                 len,
              const TafelTransform *transform,
              const TafelLook      *look)
{
  cairo_save (cr);
  if (!apply_transform (cr, transform))
    {
      cairo_restore (cr);
      return;
    }

  switch (type)
    {
    case TAFEL_OBJECT_STROKE:
      {
        TafelStroke stroke;

        if (decode_stroke (data, len, &stroke))
          {
            if (look != NULL)
              _tafel_look_apply_stroke (look, &stroke);
            tafel_render_stroke (cr, &stroke);
          }
      }
      break;

    case TAFEL_OBJECT_SHAPE:
      {
        g_autoptr(GBytes) body = g_bytes_new_static (data, len);
        TafelShape shape;

        if (tafel_shape_decode (body, &shape, NULL))
          {
            if (look != NULL)
              _tafel_look_apply_shape (look, &shape);
            tafel_render_shape (cr, &shape);
          }
      }
      break;

    case TAFEL_OBJECT_TEXT:
    default:
      {
        g_autoptr(GBytes) body = g_bytes_new_static (data, len);
        TafelText text = { 0 };

        if (tafel_text_decode (body, &text, NULL))
          {
            if (look != NULL)
              _tafel_look_apply_text (look, &text);
            tafel_render_text (cr, &text);
            tafel_text_clear (&text);
          }
      }
      break;
    }

  cairo_restore (cr);
}

/**
 * tafel_render_object:
 * @cr: where to draw, in board coordinates
 * @object: what to draw
 *
 * Draws one object with its transform; @cr's state is left as it was.
 */
void
tafel_render_object (cairo_t           *cr,
                     const TafelObject *object)
{
  const guint8 *data;
  gsize len;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (object != NULL);

  if (_tafel_object_peek_body_data (object, &data, &len))
    {
      TafelLook look;
      gboolean amended = _tafel_object_get_look (object, &look);

      draw_content (cr, tafel_object_get_type (object), data, len, tafel_object_get_transform (object),
                    amended ? &look : NULL);
    }
}

static void
begin_view (cairo_t         *cr,
            const TafelView *view)
{
  cairo_save (cr);
  cairo_scale (cr, view->scale, view->scale);
  cairo_translate (cr, -view->x, -view->y);
  _tafel_render_thin_begin (cr);
}

static void
end_view (cairo_t *cr)
{
  _tafel_render_thin_end (cr);
  cairo_restore (cr);
}

/**
 * tafel_render_objects:
 * @cr: the target
 * @view: which part of the board, at what scale
 * @objects: (array length=n_objects): what to draw, bottom first
 * @n_objects: how many
 *
 * Draws @objects through @view: every highlighter stroke first (in order),
 * then all other objects (in order), so highlighter never covers ink.
 */
void
tafel_render_objects (cairo_t             *cr,
                      const TafelView     *view,
                      TafelObject * const *objects,
                      guint                n_objects)
{
  g_return_if_fail (cr != NULL);
  g_return_if_fail (view != NULL);
  g_return_if_fail (objects != NULL || n_objects == 0);

  if (!(view->scale > 0) || !isfinite (view->scale))
    return;

  begin_view (cr, view);

  for (guint i = 0; i < n_objects; i++)
    if (_tafel_object_is_highlighter (objects[i]))
      tafel_render_object (cr, objects[i]);

  for (guint i = 0; i < n_objects; i++)
    if (!_tafel_object_is_highlighter (objects[i]))
      tafel_render_object (cr, objects[i]);

  end_view (cr);
}

/* ---- Snapshots ----------------------------------------------------------- */

typedef struct
{
  GBytes         *body;  /* holds the log's storage alive, not the log */
  TafelTransform  transform;
  TafelLook       look;  /* its text owned by the item */
  guint8          type;
  guint8          highlighter;
} Item;

struct _TafelRenderList
{
  guint n_items;
  Item  items[];
};

/**
 * tafel_render_list_new:
 * @objects: (array length=n_objects): what to draw, bottom first
 * @n_objects: how many
 *
 * Takes a snapshot of @objects as they are now (content and transform),
 * for drawing later or on another thread while the model goes on changing.
 * Call it where the model lives (the main thread).
 *
 * Returns: (transfer full): the snapshot
 */
TafelRenderList *
tafel_render_list_new (TafelObject * const *objects,
                       guint                n_objects)
{
  TafelRenderList *list;
  guint n = 0;

  g_return_val_if_fail (objects != NULL || n_objects == 0, NULL);

  list = g_malloc (sizeof *list + (gsize) n_objects * sizeof (Item));

  for (guint i = 0; i < n_objects; i++)
    {
      GBytes *body = _tafel_object_dup_body (objects[i]);
      TafelLook look;

      if (body == NULL)
        continue;
      _tafel_object_get_look (objects[i], &look);
      /* The words of an amended text go with the snapshot: the model may
       * change (and free them) while a worker draws. */
      look.text = g_strdup (look.text);
      list->items[n++] = (Item) {
        body, *tafel_object_get_transform (objects[i]), look,
        tafel_object_get_type (objects[i]), _tafel_object_is_highlighter (objects[i]),
      };
    }
  list->n_items = n;

  return list;
}

/**
 * tafel_render_list_unref:
 * @list: (transfer full): a snapshot
 *
 * Frees the snapshot (its one owner is done with it).
 */
void
tafel_render_list_unref (TafelRenderList *list)
{
  g_return_if_fail (list != NULL);

  for (guint i = 0; i < list->n_items; i++)
    {
      g_bytes_unref (list->items[i].body);
      g_free ((char *) list->items[i].look.text);
    }
  g_free (list);
}

/**
 * tafel_render_list_get_size:
 * @list: a snapshot
 *
 * Returns: how many objects it holds
 */
guint
tafel_render_list_get_size (TafelRenderList *list)
{
  g_return_val_if_fail (list != NULL, 0);

  return list->n_items;
}

/**
 * tafel_render_list_draw:
 * @list: a snapshot
 * @cr: the target
 * @view: which part of the board, at what scale
 *
 * Draws the snapshot exactly as tafel_render_objects() would have drawn
 * its objects when it was taken. Touches neither the model nor the log:
 * safe on any thread; one list may be drawn by several threads at once.
 */
void
tafel_render_list_draw (TafelRenderList *list,
                        cairo_t         *cr,
                        const TafelView *view)
{
  g_return_if_fail (list != NULL);
  g_return_if_fail (cr != NULL);
  g_return_if_fail (view != NULL);

  if (!(view->scale > 0) || !isfinite (view->scale))
    return;

  begin_view (cr, view);

  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < list->n_items; i++)
      {
        const Item *item = &list->items[i];

        if (item->highlighter == (pass == 0))
          {
            gsize len;
            const guint8 *data = g_bytes_get_data (item->body, &len);

            draw_content (cr, item->type, data, len, &item->transform,
                          item->look.fields != 0 ? &item->look : NULL);
          }
      }

  end_view (cr);
}
