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

/* The paper a PDF is printed on: the drawing's own size, or a sheet the
 * board is scaled onto. */
typedef enum
{
  TAFEL_EXPORT_PAGE_FIT,
  TAFEL_EXPORT_PAGE_A4,
  TAFEL_EXPORT_PAGE_LETTER,
} TafelExportPage;

/* Points of margin around the board on an A4 or Letter page. */
#define TAFEL_EXPORT_PAGE_MARGIN 36.0

/**
 * TafelExportOptions:
 * @scale: pixels (PNG, SVG) or points (PDF on the fit page) per board unit
 * @transparent: no white background (PNG, SVG, PDF)
 * @page: the PDF's paper; A4 and Letter scale the board to fit them
 * @landscape: an A4 or Letter page on its side
 */
typedef struct
{
  double          scale;
  gboolean        transparent;
  TafelExportPage page;
  gboolean        landscape;
} TafelExportOptions;

#define TAFEL_EXPORT_OPTIONS_INIT ((TafelExportOptions) { 1.0, FALSE, TAFEL_EXPORT_PAGE_FIT, FALSE })

/* @name: "fit", "a4" or "letter" (any case). */
gboolean tafel_export_page_from_string (const char      *name,
                                        TafelExportPage *page);

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
/* With the options of @options. */
GBytes  *tafel_export_to_bytes_full   (TafelBoardModel          *model,
                                       TafelExportFormat         format,
                                       const TafelRect          *rect,
                                       const TafelExportOptions *options,
                                       GError                  **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean tafel_export_to_file_full    (TafelBoardModel          *model,
                                       TafelExportFormat         format,
                                       const TafelRect          *rect,
                                       const TafelExportOptions *options,
                                       GFile                    *file,
                                       GError                  **error);
/* The same, written to @file atomically (a failed export leaves an
 * existing file as it was). */
gboolean tafel_export_to_file         (TafelBoardModel    *model,
                                       TafelExportFormat   format,
                                       const TafelRect    *rect,
                                       double              scale,
                                       GFile              *file,
                                       GError            **error);

G_END_DECLS
