/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n-lib.h>
#include <math.h>

#include "tafel-atomic-file.h"
#include "tafel-export.h"
#include "tafel-render.h"

G_DEFINE_QUARK (tafel-export-error-quark, tafel_export_error)

/**
 * tafel_export_format_for_path:
 * @path: a file name
 * @format: (out): its format
 * @error: return location for a #GError
 *
 * Picks the export format by the file name's extension.
 *
 * Returns: %FALSE with %TAFEL_EXPORT_ERROR_UNSUPPORTED for anything but
 *   .png, .svg and .pdf
 */
gboolean
tafel_export_format_for_path (const char         *path,
                              TafelExportFormat  *format,
                              GError            **error)
{
  const char *dot;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (format != NULL, FALSE);

  dot = strrchr (path, '.');
  if (dot != NULL && g_ascii_strcasecmp (dot, ".png") == 0)
    *format = TAFEL_EXPORT_PNG;
  else if (dot != NULL && g_ascii_strcasecmp (dot, ".svg") == 0)
    *format = TAFEL_EXPORT_SVG;
  else if (dot != NULL && g_ascii_strcasecmp (dot, ".pdf") == 0)
    *format = TAFEL_EXPORT_PDF;
  else
    {
      g_set_error (error, TAFEL_EXPORT_ERROR, TAFEL_EXPORT_ERROR_UNSUPPORTED,
                   _("Cannot export to “%s”: the name must end in .png, .svg or .pdf"), path);
      return FALSE;
    }

  return TRUE;
}

/**
 * tafel_export_get_area:
 * @model: the board
 * @rect: (nullable): the rectangle asked for, or %NULL for the whole board
 * @area: (out): the area an export covers
 * @error: return location for a #GError
 *
 * Returns: %FALSE with %TAFEL_EXPORT_ERROR_EMPTY when the whole board is
 *   asked for and nothing is visible, or %TAFEL_EXPORT_ERROR_INVALID for a
 *   rectangle without area
 */
gboolean
tafel_export_get_area (TafelBoardModel  *model,
                       const TafelRect  *rect,
                       TafelRect        *area,
                       GError          **error)
{
  g_return_val_if_fail (TAFEL_IS_BOARD_MODEL (model), FALSE);
  g_return_val_if_fail (area != NULL, FALSE);

  if (rect != NULL)
    {
      if (!isfinite (rect->x) || !isfinite (rect->y) ||
          !(rect->width > 0) || !(rect->height > 0) ||
          !isfinite (rect->width) || !isfinite (rect->height))
        {
          g_set_error (error, TAFEL_EXPORT_ERROR, TAFEL_EXPORT_ERROR_INVALID,
                       _("Cannot export a %g × %g area: it must have a width and a height"),
                       rect->width, rect->height);
          return FALSE;
        }
      *area = *rect;
      return TRUE;
    }

  if (!tafel_board_model_get_bounds (model, area))
    {
      g_set_error_literal (error, TAFEL_EXPORT_ERROR, TAFEL_EXPORT_ERROR_EMPTY,
                           _("The board is empty: there is nothing to export"));
      return FALSE;
    }

  area->x -= TAFEL_EXPORT_MARGIN;
  area->y -= TAFEL_EXPORT_MARGIN;
  area->width += 2 * TAFEL_EXPORT_MARGIN;
  area->height += 2 * TAFEL_EXPORT_MARGIN;
  return TRUE;
}

static cairo_status_t
append_to_array (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
draw_board (cairo_t         *cr,
            TafelBoardModel *model,
            const TafelRect *area,
            double           scale,
            gboolean         transparent)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new ();
  TafelView view = { scale, area->x, area->y };

  if (!transparent)
    {
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
    }

  tafel_board_model_query (model, area, objects);
  tafel_render_objects (cr, &view, (TafelObject * const *) objects->pdata, objects->len);
}

static gboolean
check_cairo (cairo_status_t   status,
             GError         **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;

  g_set_error (error, TAFEL_EXPORT_ERROR, TAFEL_EXPORT_ERROR_FAILED,
               _("Drawing the export failed: %s"), cairo_status_to_string (status));
  return FALSE;
}

/**
 * tafel_export_page_from_string:
 * @name: "fit", "a4" or "letter", in any case
 * @page: (out): the page
 *
 * Returns: %FALSE when @name is none of them
 */
gboolean
tafel_export_page_from_string (const char      *name,
                               TafelExportPage *page)
{
  static const char *names[] = { "fit", "a4", "letter" };

  g_return_val_if_fail (name != NULL && page != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i]) == 0)
      {
        *page = (TafelExportPage) i;
        return TRUE;
      }
  return FALSE;
}

/* A4 and Letter in points, portrait. */
static void
page_size (TafelExportPage  page,
           gboolean         landscape,
           double          *width,
           double          *height)
{
  double w = page == TAFEL_EXPORT_PAGE_LETTER ? 612.0 : 595.275591;
  double h = page == TAFEL_EXPORT_PAGE_LETTER ? 792.0 : 841.889764;

  *width = landscape ? h : w;
  *height = landscape ? w : h;
}

/**
 * tafel_export_to_bytes_full:
 * @model: the board
 * @format: PNG, SVG or PDF
 * @rect: (nullable): the area on the board, or %NULL for the whole board
 *   with a margin
 * @options: the scale, the background, and a PDF's page
 * @error: return location for a #GError
 *
 * Draws the board, on white unless @options says transparent, with the
 * same renderer as the canvas. A PDF on an A4 or Letter page has the
 * board as large as fits inside %TAFEL_EXPORT_PAGE_MARGIN, centred (the
 * scale then follows from the page). The PNG of a record set is the same
 * bytes wherever and whenever it is made on the same system (fonts).
 *
 * Returns: (transfer full): the encoded file, or %NULL with @error set
 *   (TAFEL_EXPORT_ERROR_EMPTY, _INVALID, _TOO_LARGE or _FAILED)
 */
GBytes *
tafel_export_to_bytes_full (TafelBoardModel          *model,
                            TafelExportFormat         format,
                            const TafelRect          *rect,
                            const TafelExportOptions *options,
                            GError                  **error)
{
  g_autoptr(GByteArray) out = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  TafelRect area;
  double width, height, scale = options->scale;
  double page_width = 0, page_height = 0;
  gboolean on_page = format == TAFEL_EXPORT_PDF && options->page != TAFEL_EXPORT_PAGE_FIT;

  g_return_val_if_fail (TAFEL_IS_BOARD_MODEL (model), NULL);
  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!on_page && (!(scale > 0) || !isfinite (scale)))
    {
      g_set_error (error, TAFEL_EXPORT_ERROR, TAFEL_EXPORT_ERROR_INVALID,
                   _("Cannot export at a scale of %g: it must be above zero"), scale);
      return NULL;
    }

  if (!tafel_export_get_area (model, rect, &area, error))
    return NULL;

  if (on_page)
    {
      /* The board as large as the page takes, inside its margins. */
      page_size (options->page, options->landscape, &page_width, &page_height);
      scale = MIN ((page_width - 2 * TAFEL_EXPORT_PAGE_MARGIN) / area.width,
                   (page_height - 2 * TAFEL_EXPORT_PAGE_MARGIN) / area.height);
      width = page_width;
      height = page_height;
    }
  else
    {
      width = ceil (area.width * scale);
      height = ceil (area.height * scale);
    }
  if (width > TAFEL_EXPORT_MAX_SIDE || height > TAFEL_EXPORT_MAX_SIDE ||
      (format == TAFEL_EXPORT_PNG && width * height > TAFEL_EXPORT_MAX_PIXELS))
    {
      g_set_error (error, TAFEL_EXPORT_ERROR, TAFEL_EXPORT_ERROR_TOO_LARGE,
                   _("The export would be %.0f × %.0f pixels, more than can be made "
                     "(at most %d on a side and %u million pixels): choose a smaller "
                     "scale or area"),
                   width, height, TAFEL_EXPORT_MAX_SIDE, TAFEL_EXPORT_MAX_PIXELS / 1000000);
      return NULL;
    }
  width = MAX (width, 1);
  height = MAX (height, 1);

  out = g_byte_array_new ();

  switch (format)
    {
    case TAFEL_EXPORT_SVG:
      surface = cairo_svg_surface_create_for_stream (append_to_array, out, width, height);
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
      break;

    case TAFEL_EXPORT_PDF:
      surface = cairo_pdf_surface_create_for_stream (append_to_array, out, width, height);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Tafel");
      break;

    case TAFEL_EXPORT_PNG:
    default:
      surface = cairo_image_surface_create (options->transparent ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24,
                                            (int) width, (int) height);
      break;
    }

  cr = cairo_create (surface);
  if (on_page)
    {
      /* White paper, unless transparent; the board centred on it. */
      if (!options->transparent)
        {
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_paint (cr);
        }
      cairo_translate (cr, (page_width - area.width * scale) / 2, (page_height - area.height * scale) / 2);
      cairo_rectangle (cr, 0, 0, area.width * scale, area.height * scale);
      cairo_clip (cr);
    }
  draw_board (cr, model, &area, scale, options->transparent || on_page);
  status = cairo_status (cr);
  cairo_destroy (cr);

  if (status == CAIRO_STATUS_SUCCESS && format == TAFEL_EXPORT_PNG)
    status = cairo_surface_write_to_png_stream (surface, append_to_array, out);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (!check_cairo (status, error))
    return NULL;

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/**
 * tafel_export_to_bytes:
 * @model: the board
 * @format: PNG, SVG or PDF
 * @rect: (nullable): the area on the board, or %NULL for the whole board
 *   with a margin
 * @scale: pixels (PNG, SVG) or points (PDF) per board unit
 * @error: return location for a #GError
 *
 * tafel_export_to_bytes_full() on white, a PDF page the drawing's size.
 *
 * Returns: (transfer full): the encoded file, or %NULL with @error set
 */
GBytes *
tafel_export_to_bytes (TafelBoardModel    *model,
                       TafelExportFormat   format,
                       const TafelRect    *rect,
                       double              scale,
                       GError            **error)
{
  TafelExportOptions options = TAFEL_EXPORT_OPTIONS_INIT;

  options.scale = scale;
  return tafel_export_to_bytes_full (model, format, rect, &options, error);
}

/**
 * tafel_export_to_file_full:
 * @model: the board
 * @format: PNG, SVG or PDF
 * @rect: (nullable): the area on the board, or %NULL for the whole board
 * @options: as for tafel_export_to_bytes_full()
 * @file: where to write
 * @error: return location for a #GError
 *
 * Exports like tafel_export_to_bytes_full() and replaces @file atomically.
 *
 * Returns: %FALSE with @error set, also TAFEL_EXPORT_ERROR_IO when the
 *   file cannot be written
 */
gboolean
tafel_export_to_file_full (TafelBoardModel          *model,
                           TafelExportFormat         format,
                           const TafelRect          *rect,
                           const TafelExportOptions *options,
                           GFile                    *file,
                           GError                  **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (TAFEL_IS_BOARD_MODEL (model), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  bytes = tafel_export_to_bytes_full (model, format, rect, options, error);
  if (bytes == NULL)
    return FALSE;

  if (!tafel_atomic_file_write_gfile (file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                      0666, &local_error))
    {
      g_set_error_literal (error, TAFEL_EXPORT_ERROR, TAFEL_EXPORT_ERROR_IO, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * tafel_export_to_file:
 * @model: the board
 * @format: PNG, SVG or PDF
 * @rect: (nullable): the area on the board, or %NULL for the whole board
 * @scale: pixels (PNG, SVG) or points (PDF) per board unit
 * @file: where to write
 * @error: return location for a #GError
 *
 * tafel_export_to_file_full() on white, a PDF page the drawing's size.
 *
 * Returns: %FALSE with @error set
 */
gboolean
tafel_export_to_file (TafelBoardModel    *model,
                      TafelExportFormat   format,
                      const TafelRect    *rect,
                      double              scale,
                      GFile              *file,
                      GError            **error)
{
  TafelExportOptions options = TAFEL_EXPORT_OPTIONS_INIT;

  options.scale = scale;
  return tafel_export_to_file_full (model, format, rect, &options, file, error);
}
