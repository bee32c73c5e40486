/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "tafel-cli-private.h"

/* tafel-cli repair BOARD [--data-dir DIR]: repairs a board whose log is
 * damaged, keeping the damaged log as a backup. */
int
tafel_cli_repair (int    argc,
                  char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(TafelBoardRepair) repair = { 0 };
  GOptionEntry entries[] = {
    TAFEL_CLI_DATA_DIR_OPTION (&data_dir),
    { NULL }
  };
  int status;

  if (!tafel_cli_parse_options ("repair", "BOARD",
                                N_("Repairs a board whose log is damaged: the damaged log is kept "
                                   "as a backup, every record that is still intact is kept, and "
                                   "peers fill in the rest when the board is next online."),
                                entries, &argc, &argv, &data_dir, &status))
    return status;
  if (argc < 2)
    return tafel_cli_fail (_("repair: name a board (its id or the beginning of it)"));
  if (argc > 2)
    return tafel_cli_fail (_("repair: unexpected argument “%s”"), argv[2]);

  if (!tafel_board_repair (data_dir, argv[1], &repair, &error))
    return tafel_cli_fail ("%s", error->message);

  printf (_("Kept %u records; %u could not be verified and %" PRIu64 " bytes were unreadable.\n"),
          repair.n_kept, repair.n_dropped, repair.damaged_bytes);
  printf (_("The damaged log is kept as %s\n"), repair.backup_path);
  return 0;
}
