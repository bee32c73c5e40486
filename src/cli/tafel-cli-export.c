/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "tafel-cli-private.h"

/* tafel-cli export BOARD -o OUT.tafel [--data-dir DIR]: writes a portable
 * copy of a board. */
int
tafel_cli_export (int    argc,
                  char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *output = NULL;
  g_auto(TafelCliBoard) board = { 0 };
  g_autoptr(GFile) out = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Where to write (.tafel)"), N_("FILE") },
    TAFEL_CLI_DATA_DIR_OPTION (&data_dir),
    { NULL }
  };
  int status;

  if (!tafel_cli_parse_options ("export", "BOARD -o FILE", N_("Writes a board to a file."),
                                entries, &argc, &argv, &data_dir, &status))
    return status;
  if (argc < 2)
    return tafel_cli_fail (_("export: no board given"));
  if (argc > 2)
    return tafel_cli_fail (_("export: unexpected argument “%s”"), argv[2]);
  if (output == NULL)
    return tafel_cli_fail (_("export: no output file given (-o FILE)"));
  if (!g_str_has_suffix (output, ".tafel"))
    return tafel_cli_fail (_("export: cannot write “%s”: this version exports to .tafel files only"), output);

  if (!tafel_cli_board_open (data_dir, argv[1], FALSE, &board, &error))
    return tafel_cli_fail ("%s", error->message);

  out = g_file_new_for_commandline_arg (output);
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
          !g_file_replace_contents (out, contents, len, NULL, FALSE,
                                    G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                    NULL, NULL, &error))
        return tafel_cli_fail (_("export: %s"), error->message);
    }
  return 0;
}
