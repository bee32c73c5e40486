/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>

#include "tafel-core.h"
#include "tafel-stroke-import.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Stroke traces (NDJSON) from untrusted bytes, as tafel-cli import and
 * draw read them: every stroke accepted lies within the record limits,
 * and a refusal names a line. The JSON loader's own guards (nesting,
 * numbers, trailing text) are reached through it. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) strokes = tafel_stroke_import_parse ((const char *) data, size, &error);

  if (strokes == NULL)
    {
      if (error == NULL || !g_str_has_prefix (error->message, "Line "))
        g_error ("A trace was refused without naming the line");
      return 0;
    }
  for (guint i = 0; i < strokes->len; i++)
    {
      TafelStroke *s = &g_array_index (strokes, TafelStroke, i);

      if (s->n_points == 0 || s->n_points > TAFEL_STROKE_MAX_POINTS ||
          !(s->width > 0 && s->width <= TAFEL_WIDTH_MAX))
        g_error ("A stroke beyond the limits was accepted");
      for (guint k = 0; k < s->n_points; k++)
        if (!(s->points[k].x >= -TAFEL_COORD_MAX && s->points[k].x <= TAFEL_COORD_MAX &&
              s->points[k].y >= -TAFEL_COORD_MAX && s->points[k].y <= TAFEL_COORD_MAX &&
              s->points[k].pressure >= 0 && s->points[k].pressure <= 1))
          g_error ("A point beyond the limits was accepted");
    }
  return 0;
}
