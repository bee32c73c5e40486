/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "tafel-cli-private.h"

/* tafel-cli new [--title T] [--data-dir DIR]: creates a board and prints
 * its id. */
int
tafel_cli_new (int    argc,
               char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *title = NULL;
  g_autoptr(TafelIdentity) identity = NULL;
  g_autoptr(TafelBoard) board = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("The board’s title"), N_("TITLE") },
    TAFEL_CLI_DATA_DIR_OPTION (&data_dir),
    { NULL }
  };
  int status;

  if (!tafel_cli_parse_options ("new", "", N_("Creates a board and prints its id."),
                                entries, &argc, &argv, &data_dir, &status))
    return status;
  if (argc > 1)
    return tafel_cli_fail (_("new: unexpected argument “%s”"), argv[1]);

  identity = tafel_identity_load_or_create (data_dir, &error);
  if (identity == NULL)
    return tafel_cli_fail ("%s", error->message);
  board = tafel_board_create (data_dir, identity, title, &error);
  if (board == NULL)
    return tafel_cli_fail ("%s", error->message);

  printf ("%s\n", tafel_board_get_id_hex (board));
  return 0;
}
