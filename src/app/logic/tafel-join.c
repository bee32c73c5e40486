/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tafel-join.h"

TafelInvite *
tafel_join_parse_link (const char  *text,
                       GError     **error)
{
  g_autofree char *link = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  link = g_strstrip (g_strdup (text));
  if (*link == '\0')
    {
      g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_NOT_A_LINK,
                           _("Paste the invite link someone shared with you."));
      return NULL;
    }

  return tafel_invite_parse (link, error);
}

static void
add_brokers (GPtrArray          *out,
             const char * const *urls)
{
  for (guint i = 0; urls != NULL && urls[i] != NULL; i++)
    {
      gboolean seen = FALSE;

      if (out->len >= TAFEL_INVITE_MAX_BROKERS || !tafel_broker_url_check (urls[i], NULL))
        continue;
      for (guint j = 0; j < out->len && !seen; j++)
        seen = g_str_equal (g_ptr_array_index (out, j), urls[i]);
      if (!seen)
        g_ptr_array_add (out, g_strdup (urls[i]));
    }
}

char **
tafel_join_merge_brokers (const char * const *first,
                          const char * const *then)
{
  GPtrArray *out = g_ptr_array_new ();

  add_brokers (out, first);
  add_brokers (out, then);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

gboolean
tafel_join_keep_brokers (TafelBoard          *board,
                         const char * const  *brokers,
                         GError             **error)
{
  g_auto(GStrv) hints = NULL;
  const char * const *old;

  g_return_val_if_fail (TAFEL_IS_BOARD (board), FALSE);

  old = tafel_board_get_hints (board);
  hints = tafel_join_merge_brokers (brokers, old);
  if (old != NULL && g_strv_equal ((const char * const *) hints, old))
    return TRUE;
  if (old == NULL && hints[0] == NULL)
    return TRUE;
  return tafel_board_set_hints (board, (const char * const *) hints, error);
}
