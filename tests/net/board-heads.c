/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "tafel-board.h"
#include "tafel-core.h"
#include "tafel-log.h"

/* board-heads DATA_DIR BOARD: what a board folder holds of each author,
 * read without locking (also while a peer has the board open): one line
 * per author, its key in hex and the last seq of its gapless run. For the
 * churn test, which checks that every record a peer acknowledged is held
 * by every peer still online. */
int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelLog) log = NULL;
  g_autoptr(TafelVersionVector) vv = NULL;

  if (argc != 3)
    {
      fprintf (stderr, "usage: %s DATA_DIR BOARD\n", argv[0]);
      return 2;
    }
  if (!tafel_core_init (&error) ||
      (log = tafel_board_read (argv[1], argv[2], NULL, NULL, &error)) == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  vv = tafel_log_dup_version_vector (log);
  for (guint i = 0; i < tafel_version_vector_get_size (vv); i++)
    {
      const TafelPublicKey *author;
      guint64 seq;
      g_autofree char *hex = NULL;

      tafel_version_vector_get (vv, i, &author, &seq, NULL);
      hex = tafel_hash_to_hex ((const TafelHash *) author);
      printf ("%s %" G_GUINT64_FORMAT "\n", hex, seq);
    }
  return 0;
}
