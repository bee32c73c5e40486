/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "tafel-cli-private.h"
#include "tafel-invite.h"

/* tafel-cli new [--title T] [--broker URL] [--data-dir DIR]: creates a
 * board and prints its id, then its invite link (with the broker as a
 * rendezvous hint, when one is given). */
int
tafel_cli_new (int    argc,
               char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *title = NULL;
  g_autofree char *broker = NULL;
  g_autoptr(TafelInvite) invite = NULL;
  g_autofree char *link = NULL;
  g_autoptr(TafelIdentity) identity = NULL;
  g_autoptr(TafelBoard) board = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("The board’s title"), N_("TITLE") },
    { "broker", 0, 0, G_OPTION_ARG_STRING, &broker, N_("A rendezvous broker to name in the invite link"), N_("URL") },
    TAFEL_CLI_DATA_DIR_OPTION (&data_dir),
    { NULL }
  };
  int status;

  if (!tafel_cli_parse_options ("new", "", N_("Creates a board and prints its id and invite link."),
                                entries, &argc, &argv, &data_dir, &status))
    return status;
  if (argc > 1)
    return tafel_cli_fail (_("new: unexpected argument “%s”"), argv[1]);

  if (broker != NULL && !tafel_broker_url_check (broker, &error))
    return tafel_cli_fail (_("new: %s"), error->message);

  identity = tafel_identity_load_or_create (data_dir, &error);
  if (identity == NULL)
    return tafel_cli_fail ("%s", error->message);
  board = tafel_board_create (data_dir, identity, title, &error);
  if (board == NULL)
    return tafel_cli_fail ("%s", error->message);

  if (broker != NULL)
    {
      const char *hints[] = { broker, NULL };

      if (!tafel_board_set_hints (board, hints, &error))
        return tafel_cli_fail ("%s", error->message);
    }

  invite = tafel_invite_new (tafel_board_get_id (board), tafel_board_get_secret (board),
                             tafel_board_get_title (board), tafel_board_get_hints (board));
  link = tafel_invite_to_string (invite);
  printf ("%s\n%s\n", tafel_board_get_id_hex (board), link);
  return 0;
}
