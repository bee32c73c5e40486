/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "tafel-json-private.h"
#include "tafel-stroke-import.h"

G_DEFINE_QUARK (tafel-stroke-import-error-quark, tafel_stroke_import_error)

static void
clear_stroke (gpointer data)
{
  tafel_stroke_clear (data);
}

static gboolean
parse_colour (const char *s,
              guint32    *rgba)
{
  gsize len;
  guint32 v = 0;

  if (s == NULL || s[0] != '#')
    return FALSE;
  s++;
  len = strlen (s);
  if (len != 6 && len != 8)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      int d = g_ascii_xdigit_value (s[i]);

      if (d < 0)
        return FALSE;
      v = (v << 4) | (guint32) d;
    }
  *rgba = len == 6 ? (v << 8) | 0xff : v;
  return TRUE;
}

static gboolean
fail (GError     **error,
      gint         code,
      guint        line,
      const char  *what)
{
  g_set_error (error, TAFEL_STROKE_IMPORT_ERROR, code, _("Line %u of the trace: %s"), line, what);
  return FALSE;
}

static gboolean
parse_line (JsonParser   *parser,
            const char   *text,
            gsize         len,
            guint         line,
            TafelStroke  *stroke,
            GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *obj;
  JsonNode *node;
  JsonArray *points;
  guint n;

  if (!tafel_json_load (parser, text, len, &local_error))
    return fail (error, TAFEL_STROKE_IMPORT_ERROR_PARSE, line, local_error->message);
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return fail (error, TAFEL_STROKE_IMPORT_ERROR_PARSE, line, _("not a JSON object"));
  obj = json_node_get_object (root);

  stroke->tool = TAFEL_TOOL_PEN;
  stroke->rgba = 0x000000ff;
  stroke->width = 2.0f;
  node = json_object_get_member (obj, "color");
  if (node != NULL &&
      (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
       !parse_colour (json_node_get_string (node), &stroke->rgba)))
    return fail (error, TAFEL_STROKE_IMPORT_ERROR_PARSE, line, _("“color” is not #rrggbb or #rrggbbaa"));
  node = json_object_get_member (obj, "width");
  if (node != NULL)
    {
      double w;

      if (!JSON_NODE_HOLDS_VALUE (node) ||
          (json_node_get_value_type (node) != G_TYPE_DOUBLE &&
           json_node_get_value_type (node) != G_TYPE_INT64))
        return fail (error, TAFEL_STROKE_IMPORT_ERROR_PARSE, line, _("“width” is not a number"));
      w = json_node_get_double (node);
      if (!(w > 0 && w <= TAFEL_WIDTH_MAX))
        return fail (error, TAFEL_STROKE_IMPORT_ERROR_LIMIT, line, _("“width” is out of range"));
      stroke->width = (float) w;
    }

  node = json_object_get_member (obj, "points");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, TAFEL_STROKE_IMPORT_ERROR_PARSE, line, _("“points” is missing or not an array"));
  points = json_node_get_array (node);
  n = json_array_get_length (points);
  if (n == 0)
    return fail (error, TAFEL_STROKE_IMPORT_ERROR_LIMIT, line, _("the stroke has no points"));
  if (n > TAFEL_STROKE_MAX_POINTS)
    return fail (error, TAFEL_STROKE_IMPORT_ERROR_LIMIT, line, _("the stroke has too many points"));

  stroke->n_points = n;
  stroke->points = g_new (TafelPoint, n);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *pn = json_array_get_element (points, i);
      JsonArray *pa;
      guint m;
      double v[3] = { 0, 0, 0.5 };

      if (!JSON_NODE_HOLDS_ARRAY (pn))
        return fail (error, TAFEL_STROKE_IMPORT_ERROR_PARSE, line, _("a point is not an array"));
      pa = json_node_get_array (pn);
      m = json_array_get_length (pa);
      if (m != 2 && m != 3)
        return fail (error, TAFEL_STROKE_IMPORT_ERROR_PARSE, line, _("a point is not [x, y] or [x, y, pressure]"));
      for (guint j = 0; j < m; j++)
        {
          JsonNode *c = json_array_get_element (pa, j);

          if (!JSON_NODE_HOLDS_VALUE (c) ||
              (json_node_get_value_type (c) != G_TYPE_DOUBLE &&
               json_node_get_value_type (c) != G_TYPE_INT64))
            return fail (error, TAFEL_STROKE_IMPORT_ERROR_PARSE, line, _("a point has a value that is not a number"));
          v[j] = json_node_get_double (c);
        }
      if (fabs (v[0]) > TAFEL_COORD_MAX || fabs (v[1]) > TAFEL_COORD_MAX)
        return fail (error, TAFEL_STROKE_IMPORT_ERROR_LIMIT, line, _("a point lies outside the board"));
      if (!(v[2] >= 0 && v[2] <= 1))
        return fail (error, TAFEL_STROKE_IMPORT_ERROR_LIMIT, line, _("a pressure is outside 0…1"));
      stroke->points[i].x = (float) v[0];
      stroke->points[i].y = (float) v[1];
      stroke->points[i].pressure = (float) v[2];
    }
  return TRUE;
}

/**
 * tafel_stroke_import_parse:
 * @data: (array length=len): NDJSON text
 * @len: its length
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type TafelStroke): the strokes, or %NULL
 */
GArray *
tafel_stroke_import_parse (const char  *data,
                   gsize        len,
                   GError     **error)
{
  g_autoptr(GArray) strokes = g_array_new (FALSE, TRUE, sizeof (TafelStroke));
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  const char *p = data, *end = data + len;
  guint line = 0;

  g_array_set_clear_func (strokes, clear_stroke);
  /* Editors on some systems start UTF-8 text with a byte order mark. */
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    p += 3;
  while (p < end)
    {
      const char *nl = memchr (p, '\n', (gsize) (end - p));
      const char *eol = nl != NULL ? nl : end;
      const char *q = p;

      line++;
      while (q < eol && g_ascii_isspace (*q))
        q++;
      if (q < eol)
        {
          TafelStroke stroke = { 0 };

          if (!parse_line (parser, p, (gsize) (eol - p), line, &stroke, error))
            {
              tafel_stroke_clear (&stroke);
              return NULL;
            }
          g_array_append_val (strokes, stroke);
        }
      p = nl != NULL ? nl + 1 : end;
    }
  return g_steal_pointer (&strokes);
}

/**
 * tafel_stroke_import_load:
 * @file: an NDJSON stroke trace
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type TafelStroke): the strokes, or %NULL
 */
GArray *
tafel_stroke_import_load (GFile   *file,
                  GError **error)
{
  g_autofree char *contents = NULL;
  gsize len;

  if (!g_file_load_contents (file, NULL, &contents, &len, NULL, error))
    return NULL;
  return tafel_stroke_import_parse (contents, len, error);
}

GArray *
tafel_stroke_import_load_path (const char  *path,
                       GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return tafel_stroke_import_load (file, error);
}
