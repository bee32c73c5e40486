/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include <stdio.h>

#include <glib/gi18n.h>

#include "tafel-cli-private.h"
#include "tafel-stroke-import.h"

/* tafel-cli import BOARD --trace F.ndjson [--data-dir DIR]: adds the
 * trace's strokes to the board as this device's identity, in one bulk
 * commit (one write, one fsync). */
int
tafel_cli_import (int    argc,
                  char **argv)
{
  g_autofree char *link_file = NULL;
  g_autofree char *name = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *trace = NULL;
  g_auto(TafelCliBoard) board = { 0 };
  g_autoptr(GArray) strokes = NULL;
  g_autoptr(GPtrArray) bodies = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "trace", 0, 0, G_OPTION_ARG_FILENAME, &trace, N_("An NDJSON stroke trace"), N_("FILE") },
    TAFEL_CLI_LINK_FILE_OPTION (&link_file),
    TAFEL_CLI_DATA_DIR_OPTION (&data_dir),
    { NULL }
  };
  guint64 points = 0;
  int status;

  if (!tafel_cli_parse_options ("import", "BOARD|--link-file FILE --trace FILE",
                                N_("Adds the strokes of a trace to a board, as yourself."),
                                entries, &argc, &argv, &data_dir, &status))
    return status;
  name = tafel_cli_board_argument ("import", link_file, argc, argv, &status);
  if (name == NULL)
    return status;
  if (trace == NULL)
    return tafel_cli_fail (_("import: no trace given (--trace FILE)"));

  /* Read the whole trace before touching the board. */
  strokes = tafel_stroke_import_load_path (trace, &error);
  if (strokes == NULL)
    return tafel_cli_fail ("%s: %s", trace, error->message);

  if (!tafel_cli_board_open (data_dir, name, TRUE, &board, &error))
    return tafel_cli_fail ("%s", error->message);

  bodies = g_ptr_array_new_full (strokes->len, (GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < strokes->len; i++)
    {
      TafelStroke *s = &g_array_index (strokes, TafelStroke, i);

      g_ptr_array_add (bodies, tafel_stroke_encode (s));
      points += s->n_points;
    }
  if (!tafel_board_commit_many (board.board, TAFEL_RECORD_KIND_STROKE, (GBytes **) bodies->pdata,
                                bodies->len, &error))
    return tafel_cli_fail ("%s", error->message);

  printf (g_dngettext (GETTEXT_PACKAGE, "Added %u stroke (%" PRIu64 " points) to board %s\n",
                       "Added %u strokes (%" PRIu64 " points) to board %s\n", strokes->len),
          strokes->len, points, board.id_hex);
  return 0;
}
