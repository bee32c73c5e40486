/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <stdio.h>

#include <glib/gi18n.h>

#include "tafel-board-model.h"
#include "tafel-cli-private.h"
#include "tafel-atomic-file.h"
#include "tafel-export.h"

/* tafel-cli export BOARD -o OUT.tafel [--data-dir DIR]: writes a portable
 * copy of a board. */
static gboolean
parse_area (const char *text,
            TafelRect  *area)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  double v[4];

  if (g_strv_length (parts) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      char *end = NULL;

      v[i] = g_ascii_strtod (g_strstrip (parts[i]), &end);
      if (end == parts[i] || *end != '\0' || !isfinite (v[i]))
        return FALSE;
    }
  *area = (TafelRect) { v[0], v[1], v[2], v[3] };
  return TRUE;
}

int
tafel_cli_export (int    argc,
                  char **argv)
{
  g_autofree char *link_file = NULL;
  g_autofree char *name = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *output = NULL;
  g_auto(TafelCliBoard) board = { 0 };
  g_autoptr(GFile) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *area_text = NULL;
  g_autofree char *page_text = NULL;
  TafelExportOptions options = TAFEL_EXPORT_OPTIONS_INIT;
  double dpi = 0;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Where to write (.tafel, .png, .svg or .pdf)"), N_("FILE") },
    { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &options.scale, N_("Pixels (or points) per board unit for images: 1, 2, 4… (default 1)"), N_("SCALE") },
    { "dpi", 0, 0, G_OPTION_ARG_DOUBLE, &dpi, N_("The scale as dots per inch, 96 being 1×"), N_("DPI") },
    { "transparent", 0, 0, G_OPTION_ARG_NONE, &options.transparent, N_("No white background"), NULL },
    { "page", 0, 0, G_OPTION_ARG_STRING, &page_text, N_("A PDF’s paper: fit (the drawing’s size), a4 or letter, with the board scaled onto it"), N_("PAGE") },
    { "landscape", 0, 0, G_OPTION_ARG_NONE, &options.landscape, N_("An A4 or Letter page on its side"), NULL },
    { "area", 0, 0, G_OPTION_ARG_STRING, &area_text, N_("Export only this part of the board"), N_("X,Y,WIDTH,HEIGHT") },
    TAFEL_CLI_LINK_FILE_OPTION (&link_file),
    TAFEL_CLI_DATA_DIR_OPTION (&data_dir),
    { NULL }
  };
  int status;

  if (!tafel_cli_parse_options ("export", "BOARD|--link-file FILE -o FILE", N_("Writes a board to a .tafel file or draws it as a PNG, SVG or PDF image."),
                                entries, &argc, &argv, &data_dir, &status))
    return status;
  name = tafel_cli_board_argument ("export", link_file, argc, argv, &status);
  if (name == NULL)
    return status;
  if (output == NULL)
    return tafel_cli_fail (_("export: no output file given (-o FILE)"));

  out = g_file_new_for_commandline_arg (output);
  if (!g_str_has_suffix (output, ".tafel"))
    {
      g_autoptr(TafelBoardModel) model = NULL;
      TafelExportFormat format;
      TafelRect area;

      if (!tafel_export_format_for_path (output, &format, &error))
        return tafel_cli_fail (_("export: %s"), error->message);
      if (dpi != 0)
        {
          if (!(dpi > 0) || !isfinite (dpi))
            return tafel_cli_fail (_("export: a DPI of %g cannot be drawn; give a number above zero"), dpi);
          options.scale = dpi / 96.0;
        }
      if (page_text != NULL && !tafel_export_page_from_string (page_text, &options.page))
        return tafel_cli_fail (_("export: “%s” is not a page; give fit, a4 or letter"), page_text);
      if (options.page != TAFEL_EXPORT_PAGE_FIT && format != TAFEL_EXPORT_PDF)
        return tafel_cli_fail (_("export: --page applies to PDF files only"));
      if (options.landscape && options.page == TAFEL_EXPORT_PAGE_FIT)
        return tafel_cli_fail (_("export: --landscape needs --page a4 or --page letter"));
      if (area_text != NULL && !parse_area (area_text, &area))
        return tafel_cli_fail (_("export: “%s” is not an area; give X,Y,WIDTH,HEIGHT in board units"), area_text);
      if (!tafel_cli_board_read (data_dir, name, &board, &error))
        return tafel_cli_fail ("%s", error->message);

      model = tafel_board_model_new (board.log);
      if (!tafel_export_to_file_full (model, format, area_text != NULL ? &area : NULL, &options, out, &error))
        return tafel_cli_fail (_("export: %s"), error->message);
      return 0;
    }

  if (area_text != NULL || page_text != NULL || options.transparent || options.landscape || dpi != 0)
    return tafel_cli_fail (_("export: --area, --dpi, --page, --landscape and --transparent apply to images only, not to .tafel files"));
  if (!tafel_cli_board_open (data_dir, name, FALSE, &board, &error))
    return tafel_cli_fail ("%s", error->message);

  if (board.board != NULL)
    {
      if (!tafel_board_save_file (board.board, out, &error))
        return tafel_cli_fail ("%s", error->message);
    }
  else
    {
      /* A .tafel file, verified above, copied as it is (it holds the board
       * secret, so the copy is private too). */
      g_autofree char *contents = NULL;
      gsize len;

      if (!g_file_load_contents (board.file, NULL, &contents, &len, NULL, &error) ||
          !tafel_atomic_file_write_gfile (out, contents, len, 0600, &error))
        return tafel_cli_fail (_("export: %s"), error->message);
    }
  return 0;
}
