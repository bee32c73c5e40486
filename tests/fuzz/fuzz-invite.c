/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: invite links of versions 1 and 2. Whatever the bytes,
 * parsing either fails with a TAFEL_INVITE_ERROR whose message never holds
 * the secret's text, or succeeds and then formats back to a link that
 * parses to the same invite; the version-1 parser agrees on version-1
 * links and refuses the others; every lower link derives, parses back and
 * allows no more than its source (a seed link never has a title). */
#include "config.h"

#include <string.h>

#include "tafel-invite.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
assert_same (const TafelInvite *a,
             const TafelInvite *b)
{
  g_assert (a->version == b->version);
  g_assert (a->capability == b->capability);
  g_assert (memcmp (a->board_id, b->board_id, TAFEL_BOARD_ID_BYTES) == 0);
  g_assert (memcmp (a->secret, b->secret, TAFEL_BOARD_SECRET_BYTES) == 0);
  g_assert (memcmp (a->key, b->key, TAFEL_KEY_BYTES) == 0);
  g_assert (a->has_anchor == b->has_anchor);
  g_assert (!a->has_anchor || memcmp (a->anchor.bytes, b->anchor.bytes, TAFEL_PUBLIC_KEY_BYTES) == 0);
  g_assert (g_strcmp0 (a->title, b->title) == 0);
  g_assert (g_strv_equal ((const char * const *) a->brokers, (const char * const *) b->brokers));
}

static TafelInvite *
reparse (const TafelInvite *invite)
{
  g_autofree char *link = tafel_invite_to_string (invite);
  g_autoptr(GError) error = NULL;
  TafelInvite *again = tafel_invite_parse_any (link, &error);

  g_assert (again != NULL && error == NULL);
  return again;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) v1_error = NULL;
  g_autoptr(TafelInvite) invite = tafel_invite_parse_any (text, &error);
  g_autoptr(TafelInvite) v1_invite = tafel_invite_parse (text, &v1_error);

  if (invite != NULL && invite->version == 1)
    assert_same (v1_invite, invite);
  else
    g_assert (v1_invite == NULL && v1_error != NULL && v1_error->domain == TAFEL_INVITE_ERROR);

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
          g_assert (strstr (v1_error->message, hash + 1) == NULL || strstr (before, hash + 1) != NULL);
        }
      return 0;
    }

  g_assert (error == NULL);
  g_assert (invite->version == 1 || invite->version == 2);
  g_assert (invite->capability != TAFEL_CAPABILITY_SEED || invite->title == NULL);
  {
    g_autoptr(TafelInvite) again = reparse (invite);

    assert_same (again, invite);
  }

  for (TafelCapability c = TAFEL_CAPABILITY_EDIT; c <= TAFEL_CAPABILITY_SEED; c++)
    {
      g_autoptr(GError) derive_error = NULL;
      g_autoptr(TafelInvite) lower = tafel_invite_derive (invite, c, &derive_error);

      if (!tafel_capability_allows (invite->capability, c))
        {
          g_assert (lower == NULL && derive_error != NULL);
          continue;
        }
      g_assert (lower != NULL && derive_error == NULL);
      g_assert (lower->version == 2 && lower->capability == c);
      g_assert (lower->has_anchor == invite->has_anchor);
      g_assert (c != TAFEL_CAPABILITY_SEED || lower->title == NULL);
      {
        g_autoptr(TafelInvite) again = reparse (lower);

        assert_same (again, lower);
      }
    }
  return 0;
}
