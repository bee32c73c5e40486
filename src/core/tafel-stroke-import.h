/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tafel-record.h"

G_BEGIN_DECLS

/* Importing strokes from a trace (not net's timing trace): NDJSON, one
 * stroke a line,
 * {"color":"#rrggbb","width":2.0,"points":[[x,y,pressure],...]} (extra
 * members such as "src" are ignored; pressure may be left out and is then
 * 0.5; the colour may carry alpha as #rrggbbaa). Used by tafel-cli import,
 * tests and benchmarks. */

#define TAFEL_STROKE_IMPORT_ERROR (tafel_stroke_import_error_quark ())

typedef enum
{
  TAFEL_STROKE_IMPORT_ERROR_PARSE,    /* a line is not JSON or not a stroke */
  TAFEL_STROKE_IMPORT_ERROR_LIMIT,    /* a stroke beyond the record limits */
} TafelStrokeImportError;

GQuark     tafel_stroke_import_error_quark (void);

/* (element-type TafelStroke) every stroke of the trace, in file order;
 * free with g_array_unref() (the points are freed with it). Errors name the
 * line. Strokes with more than TAFEL_STROKE_MAX_POINTS points, no points, a
 * width outside (0, TAFEL_WIDTH_MAX] or non-finite numbers are errors. */
GArray    *tafel_stroke_import_load_path   (const char  *path,
                                            GError     **error) G_GNUC_WARN_UNUSED_RESULT;
GArray    *tafel_stroke_import_load        (GFile       *file,
                                            GError     **error) G_GNUC_WARN_UNUSED_RESULT;
GArray    *tafel_stroke_import_parse       (const char  *data,
                                            gsize        len,
                                            GError     **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
