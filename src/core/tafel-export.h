/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tafel-board-model.h"

G_BEGIN_DECLS

#define TAFEL_EXPORT_ERROR (tafel_export_error_quark ())

typedef enum
{
  TAFEL_EXPORT_ERROR_EMPTY,        /* the board shows nothing to export */
  TAFEL_EXPORT_ERROR_TOO_LARGE,    /* the image would be larger than the limits below */
  TAFEL_EXPORT_ERROR_INVALID,      /* a scale or rectangle that cannot be drawn */
  TAFEL_EXPORT_ERROR_UNSUPPORTED,  /* a file name that ends in no known format */
  TAFEL_EXPORT_ERROR_IO,           /* the file could not be written */
  TAFEL_EXPORT_ERROR_FAILED,       /* cairo could not draw or encode */
} TafelExportError;

GQuark tafel_export_error_quark (void);

typedef enum
{
  TAFEL_EXPORT_PNG,
  TAFEL_EXPORT_SVG,
  TAFEL_EXPORT_PDF,
} TafelExportFormat;

/* Board units of white around the whole board. */
#define TAFEL_EXPORT_MARGIN     16.0
/* A PNG has at most this many pixels and no side longer than
 * TAFEL_EXPORT_MAX_SIDE; SVG and PDF pages no side longer than that
 * many points or pixels. */
#define TAFEL_EXPORT_MAX_PIXELS (64u * 1024u * 1024u)
#define TAFEL_EXPORT_MAX_SIDE   32767

/* From the extension of @path: .png, .svg or .pdf (any case). */
gboolean tafel_export_format_for_path (const char         *path,
                                       TafelExportFormat  *format,
                                       GError            **error);

/* The area an export covers: @rect when given, the visible board grown by
 * TAFEL_EXPORT_MARGIN otherwise. */
gboolean tafel_export_get_area        (TafelBoardModel    *model,
                                       const TafelRect    *rect,
                                       TafelRect          *area,
                                       GError            **error);

/* Draws the visible objects in @rect (%NULL: the whole board) at @scale
 * (pixels, or points, per board unit) on white. The same records give the
 * same bytes for PNG. */
GBytes  *tafel_export_to_bytes        (TafelBoardModel    *model,
                                       TafelExportFormat   format,
                                       const TafelRect    *rect,
                                       double              scale,
                                       GError            **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same, written to @file atomically (a failed export leaves an
 * existing file as it was). */
gboolean tafel_export_to_file         (TafelBoardModel    *model,
                                       TafelExportFormat   format,
                                       const TafelRect    *rect,
                                       double              scale,
                                       GFile              *file,
                                       GError            **error);

G_END_DECLS
