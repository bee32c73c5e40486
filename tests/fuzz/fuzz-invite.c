/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: invite links. Whatever the bytes, parsing either fails
 * with a TAFEL_INVITE_ERROR whose message never holds the secret's text, or
 * succeeds and then formats back to a link that parses to the same invite. */
#include "config.h"

#include <string.h>

#include "tafel-invite.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelInvite) invite = tafel_invite_parse (text, &error);

  if (invite == NULL)
    {
      const char *hash = strchr (text, '#');

      g_assert (error != NULL && error->domain == TAFEL_INVITE_ERROR);
      /* The part after '#' is the secret (43 characters): no message repeats
       * it (unless the same text stands before the '#' too, where messages
       * may quote it). Shorter fragments could match the messages' own
       * words, like “tafel://”. */
      if (hash != NULL && strlen (hash + 1) >= 43)
        {
          g_autofree char *before = g_strndup (text, hash - text);

          g_assert (strstr (error->message, hash + 1) == NULL || strstr (before, hash + 1) != NULL);
        }
      return 0;
    }

  g_assert (error == NULL);
  {
    g_autofree char *link = tafel_invite_to_string (invite);
    g_autoptr(TafelInvite) again = tafel_invite_parse (link, &error);

    g_assert (again != NULL);
    g_assert (memcmp (again->board_id, invite->board_id, TAFEL_BOARD_ID_BYTES) == 0);
    g_assert (memcmp (again->secret, invite->secret, TAFEL_BOARD_SECRET_BYTES) == 0);
    g_assert (g_strcmp0 (again->title, invite->title) == 0);
    g_assert (g_strv_equal ((const char * const *) again->brokers, (const char * const *) invite->brokers));
  }
  return 0;
}
