/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tafel-board-meta-private.h"
#include "tafel-invite.h"

#define LINK_PREFIX   "tafel://board/"
#define SECRET_CHARS  43  /* base64url of 32 bytes, no padding */

G_DEFINE_QUARK (tafel-invite-error-quark, tafel_invite_error)

static const char base64url_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static char *
base64url_encode (const guint8 *data,
                  gsize         len)
{
  GString *out = g_string_sized_new ((len * 4 + 2) / 3);
  guint32 acc = 0;
  int bits = 0;

  for (gsize i = 0; i < len; i++)
    {
      acc = (acc << 8) | data[i];
      bits += 8;
      while (bits >= 6)
        {
          bits -= 6;
          g_string_append_c (out, base64url_alphabet[(acc >> bits) & 0x3f]);
        }
    }
  if (bits > 0)
    g_string_append_c (out, base64url_alphabet[(acc << (6 - bits)) & 0x3f]);

  return g_string_free (out, FALSE);
}

/* Strict: only the base64url alphabet, no padding, exactly @out_len bytes,
 * and unused trailing bits zero, so that each secret has one spelling. */
static gboolean
base64url_decode (const char *text,
                  gsize       text_len,
                  guint8     *out,
                  gsize       out_len)
{
  guint32 acc = 0;
  int bits = 0;
  gsize n = 0;

  if (text_len != (out_len * 8 + 5) / 6)
    return FALSE;

  for (gsize i = 0; i < text_len; i++)
    {
      const char *p = memchr (base64url_alphabet, text[i], 64);

      if (p == NULL || text[i] == '\0')
        return FALSE;
      acc = (acc << 6) | (guint32) (p - base64url_alphabet);
      bits += 6;
      if (bits >= 8)
        {
          bits -= 8;
          out[n++] = (acc >> bits) & 0xff;
        }
    }

  return n == out_len && (acc & ((1u << bits) - 1)) == 0;
}

/* The key of a link (the part after '#'): each way it can be wrong has its
 * own message, none of which repeats it. */
static gboolean
decode_secret (const char  *text,
               guint8       out[TAFEL_KEY_BYTES],
               GError     **error)
{
  gsize len = strlen (text);

  if (len < SECRET_CHARS)
    {
      g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_SECRET,
                           _("The secret in the link (the part after “#”) is too short; it may have been cut off when it was copied"));
      return FALSE;
    }
  if (len > SECRET_CHARS)
    {
      g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_SECRET,
                           _("The secret in the link (the part after “#”) is too long; other text may have run into it"));
      return FALSE;
    }
  if (strspn (text, base64url_alphabet) != len)
    {
      g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_SECRET,
                           _("The secret in the link (the part after “#”) holds characters that no Tafel secret has"));
      return FALSE;
    }
  if (!base64url_decode (text, len, out, TAFEL_KEY_BYTES))
    {
      g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_SECRET,
                           _("The secret in the link (the part after “#”) is damaged or incomplete"));
      return FALSE;
    }

  return TRUE;
}

/**
 * tafel_broker_url_check:
 * @url: a broker URL
 * @error: return location for a #GError
 *
 * Checks that @url names an MQTT broker Tafel can use: the scheme mqtt or
 * mqtts, a host, an optional port between 1 and 65535, and nothing else (no
 * user name or password: those belong in the settings, not in links).
 *
 * Returns: %TRUE when @url is usable
 */
gboolean
tafel_broker_url_check (const char  *url,
                        GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *path;

  g_return_val_if_fail (url != NULL, FALSE);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    {
      g_set_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_BROKER,
                   _("“%s” is not a valid broker address"), url);
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "mqtt") != 0 && g_ascii_strcasecmp (scheme, "mqtts") != 0)
    {
      g_set_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_BROKER,
                   _("The broker address must start with mqtt:// or mqtts://, not %s://"), scheme);
      return FALSE;
    }

  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_BROKER,
                   _("The broker address “%s” names no host"), url);
      return FALSE;
    }

  if (g_uri_get_port (uri) == 0)
    {
      g_set_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_BROKER,
                   _("The broker address “%s” has port 0"), url);
      return FALSE;
    }

  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_BROKER,
                           _("A broker address must not contain a user name or password"));
      return FALSE;
    }

  path = g_uri_get_path (uri);
  if ((path[0] != '\0' && !g_str_equal (path, "/")) ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_BROKER,
                   _("The broker address “%s” has extra parts after the host and port"), url);
      return FALSE;
    }

  return TRUE;
}

static gboolean
title_is_acceptable (const char *title)
{
  g_autofree char *stripped = NULL;

  if (!g_utf8_validate (title, -1, NULL) || strlen (title) > TAFEL_INVITE_TITLE_MAX)
    return FALSE;
  /* A blank title is no title; any other is checked as every title is. */
  stripped = g_strstrip (g_strdup (title));
  return stripped[0] == '\0' || tafel_board_check_title (title, NULL);
}

static gboolean
parse_parameters (TafelInvite  *invite,
                  const char   *query,
                  gsize         query_len,
                  GError      **error)
{
  g_autofree char *copy = g_strndup (query, query_len);
  g_auto(GStrv) params = g_strsplit (copy, "&", -1);
  g_autoptr(GPtrArray) brokers = g_ptr_array_new_null_terminated (TAFEL_INVITE_MAX_BROKERS,
                                                                   g_free, TRUE);
  gboolean seen_title = FALSE;

  invite->has_anchor = FALSE;
  for (guint i = 0; params[i] != NULL; i++)
    {
      const char *eq = strchr (params[i], '=');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (eq == NULL || eq == params[i])
        {
          g_set_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_PARAMETER,
                       _("The link has a malformed part “%s” (expected name=value)"), params[i]);
          return FALSE;
        }

      name = g_strndup (params[i], eq - params[i]);
      value = g_uri_unescape_string (eq + 1, NULL);
      if (value == NULL)
        {
          g_set_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_PARAMETER,
                       _("The link’s “%s” part is not properly encoded"), name);
          return FALSE;
        }

      if (g_str_equal (name, "broker"))
        {
          if (brokers->len >= TAFEL_INVITE_MAX_BROKERS)
            {
              g_set_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_PARAMETER,
                           _("The link names more than %d brokers"), TAFEL_INVITE_MAX_BROKERS);
              return FALSE;
            }
          if (!tafel_broker_url_check (value, error))
            return FALSE;
          g_ptr_array_add (brokers, g_steal_pointer (&value));
        }
      else if (g_str_equal (name, "title"))
        {
          if (seen_title)
            {
              g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_PARAMETER,
                                   _("The link has more than one title"));
              return FALSE;
            }
          if (!title_is_acceptable (value))
            {
              g_set_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_PARAMETER,
                           _("The link’s title is not valid text of at most %d bytes"),
                           TAFEL_INVITE_TITLE_MAX);
              return FALSE;
            }
          /* An empty title is no title: links formatted here leave it out. */
          seen_title = TRUE;
          if (value[0] != '\0')
            invite->title = g_steal_pointer (&value);
        }
      else if (invite->version >= 2 && g_str_equal (name, "a"))
        {
          if (invite->has_anchor)
            {
              g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_PARAMETER,
                                   _("The link names more than one anchor (a=)"));
              return FALSE;
            }
          /* The anchor is public, but a damaged one would make every
           * record of the board look forged: refuse it here. */
          if (!base64url_decode (value, strlen (value), invite->anchor.bytes, TAFEL_PUBLIC_KEY_BYTES) ||
              !tafel_public_key_is_valid (&invite->anchor))
            {
              g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_PARAMETER,
                                   _("The link’s anchor (a=) is not a valid board key; the link may have been changed"));
              return FALSE;
            }
          invite->has_anchor = TRUE;
        }
      else if (!g_str_has_prefix (name, "x-"))
        {
          g_autofree char *shown = g_utf8_make_valid (name, -1);

          g_set_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_PARAMETER,
                       _("The link has an unknown part “%s”"), shown);
          return FALSE;
        }
    }

  g_strfreev (invite->brokers);
  invite->brokers = (char **) g_ptr_array_steal (brokers, NULL);
  return TRUE;
}

/* Fills what a version-1 link means in version 2: the edit secret of
 * epoch 0 of the upgraded board and its anchor, both from the 0.1 secret. */
static void
fill_upgraded (TafelInvite *invite)
{
  g_autoptr(TafelEpochKeys) keys = tafel_epoch_keys_new_from_v1_secret (invite->secret);

  invite->version = 1;
  invite->capability = TAFEL_CAPABILITY_EDIT;
  memcpy (invite->key, tafel_epoch_keys_get_edit_secret (keys), TAFEL_KEY_BYTES);
  invite->has_anchor = TRUE;
  invite->anchor = *tafel_epoch_keys_get_write_public_key (keys);
}

/* Parses links of versions 1 to @max_version; later ones are newer. */
static TafelInvite *
parse_link (const char  *link,
            guint        max_version,
            GError     **error)
{
  g_autoptr(TafelInvite) invite = NULL;
  g_autofree char *trimmed = NULL;
  const char *p, *id_end, *query = NULL, *fragment;
  gsize len, digits;
  guint version;

  trimmed = g_strstrip (g_strdup (link));
  len = strlen (trimmed);

  if (len == 0)
    {
      g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_NOT_A_LINK,
                           _("The link is empty"));
      return NULL;
    }

  if (len > TAFEL_INVITE_MAX_LENGTH)
    {
      g_set_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_NOT_A_LINK,
                   _("The link is too long (more than %d characters)"), TAFEL_INVITE_MAX_LENGTH);
      return NULL;
    }

  if (g_ascii_strncasecmp (trimmed, "tafel:", strlen ("tafel:")) != 0)
    {
      g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_NOT_A_LINK,
                           _("This is not a Tafel invite link; those start with “tafel://”"));
      return NULL;
    }

  if (g_ascii_strncasecmp (trimmed, LINK_PREFIX, strlen (LINK_PREFIX)) != 0)
    {
      g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_NOT_A_LINK,
                           _("This Tafel link is not an invite to a board"));
      return NULL;
    }

  p = trimmed + strlen (LINK_PREFIX);
  if (p[0] != 'v' || !g_ascii_isdigit (p[1]))
    {
      g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_VERSION,
                           _("The link has no version; it may have been cut off"));
      return NULL;
    }
  digits = strspn (p + 1, "0123456789");
  /* Only v2, v3, … can be newer: v0, v01 or v1x are no version at all. */
  if (p[1] == '0' || p[1 + digits] != '/')
    {
      g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_VERSION,
                           _("This is not a valid Tafel link version; the link may have been changed"));
      return NULL;
    }
  version = digits == 1 ? (guint) (p[1] - '0') : G_MAXUINT;
  if (version > max_version)
    {
      g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_VERSION,
                           _("This invite link was made by a newer version of Tafel; update Tafel to join the board"));
      return NULL;
    }
  p += 1 + digits + 1;

  invite = g_new0 (TafelInvite, 1);
  invite->brokers = g_new0 (char *, 1);
  invite->version = version;

  id_end = p + strcspn (p, version >= 2 ? "/?#" : "?#");
  if (!tafel_hex_decode (p, id_end - p, invite->board_id, TAFEL_BOARD_ID_BYTES))
    {
      g_set_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_BOARD_ID,
                   _("The board id in the link must be %d lowercase hexadecimal digits"),
                   TAFEL_BOARD_ID_BYTES * 2);
      return NULL;
    }

  if (version >= 2)
    {
      const char *word = id_end + 1;
      g_autofree char *copy = NULL;

      if (*id_end != '/' || strcspn (word, "?#") == 0)
        {
          g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_CAPABILITY,
                               _("The link does not say whether it is for editing, viewing or seeding; it may have been cut off"));
          return NULL;
        }
      id_end = word + strcspn (word, "?#");
      /* Not quoted in the message: a secret pasted in the wrong place
       * would end up there. */
      copy = g_strndup (word, id_end - word);
      if (!tafel_capability_from_string (copy, &invite->capability))
        {
          g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_CAPABILITY,
                               _("The link is not for editing, viewing or seeding; it may have been changed"));
          return NULL;
        }
    }

  fragment = strchr (id_end, '#');
  if (*id_end == '?')
    query = id_end + 1;

  if (query != NULL)
    {
      gsize query_len = fragment != NULL ? (gsize) (fragment - query) : strlen (query);

      if (!parse_parameters (invite, query, query_len, error))
        return NULL;
    }

  /* Whoever stores a board for others must not read its title. */
  if (invite->capability == TAFEL_CAPABILITY_SEED && invite->title != NULL)
    {
      g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_PARAMETER,
                           _("A seed link cannot carry a title: whoever stores the board must not read it"));
      return NULL;
    }

  if (fragment == NULL || fragment[1] == '\0')
    {
      g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_SECRET,
                           _("The link has no secret (the part after “#”); it may have been cut off when it was copied"));
      return NULL;
    }

  if (!decode_secret (fragment + 1, version >= 2 ? invite->key : invite->secret, error))
    return NULL;

  if (version == 1)
    fill_upgraded (invite);

  return g_steal_pointer (&invite);
}

/**
 * tafel_invite_parse:
 * @link: an invite link as a person pasted it
 * @error: return location for a #GError
 *
 * Parses a version-1 link strictly (see #TafelInvite for the grammar);
 * version 2 is refused as a version this function does not know (use
 * tafel_invite_parse_any()). Whitespace around the link is ignored. Every
 * malformed part gives a #TAFEL_INVITE_ERROR saying which part is wrong;
 * messages never contain the secret.
 *
 * Returns: (transfer full): the invite, or %NULL with @error set
 */
TafelInvite *
tafel_invite_parse (const char  *link,
                    GError     **error)
{
  g_return_val_if_fail (link != NULL, NULL);

  return parse_link (link, 1, error);
}

/**
 * tafel_invite_parse_any:
 * @link: an invite link as a person pasted it
 * @error: return location for a #GError
 *
 * Parses a link of version 1 or 2 strictly (see #TafelInvite for the
 * grammar). A version-1 link reads as the edit link of epoch 0 of the
 * upgraded board: @capability edit, @key its edit secret, @anchor its
 * wpk₀, and @secret the 0.1 secret. Every malformed part gives a
 * #TAFEL_INVITE_ERROR saying which part is wrong; messages never contain
 * the key, nor the word in the place of the capability.
 *
 * Returns: (transfer full): the invite, or %NULL with @error set
 */
TafelInvite *
tafel_invite_parse_any (const char  *link,
                        GError     **error)
{
  g_return_val_if_fail (link != NULL, NULL);

  return parse_link (link, 2, error);
}

/**
 * tafel_invite_new:
 * @board_id: the board id
 * @secret: the board secret
 * @title: (nullable): a suggested title
 * @brokers: (nullable) (array zero-terminated=1): broker URLs
 *
 * Returns: (transfer full): a new invite
 */
TafelInvite *
tafel_invite_new (const guint8        board_id[TAFEL_BOARD_ID_BYTES],
                  const guint8        secret[TAFEL_BOARD_SECRET_BYTES],
                  const char         *title,
                  const char * const *brokers)
{
  TafelInvite *invite = g_new0 (TafelInvite, 1);

  memcpy (invite->board_id, board_id, TAFEL_BOARD_ID_BYTES);
  memcpy (invite->secret, secret, TAFEL_BOARD_SECRET_BYTES);
  invite->title = g_strdup (title);
  invite->brokers = brokers != NULL ? g_strdupv ((char **) brokers) : g_new0 (char *, 1);
  fill_upgraded (invite);

  return invite;
}

/**
 * tafel_invite_new_capability:
 * @board_id: the board id
 * @capability: what the link allows
 * @key: the secret of @capability: E, R or S
 * @anchor: (nullable): wpk₀ of a board upgraded from Tafel 0.1, %NULL for
 *   a board made with version-2 keys
 * @title: (nullable): a suggested title; left out of seed links
 * @brokers: (nullable) (array zero-terminated=1): broker URLs
 *
 * Returns: (transfer full): a new version-2 invite
 */
TafelInvite *
tafel_invite_new_capability (const guint8          board_id[TAFEL_BOARD_ID_BYTES],
                             TafelCapability       capability,
                             const guint8          key[TAFEL_KEY_BYTES],
                             const TafelPublicKey *anchor,
                             const char           *title,
                             const char * const   *brokers)
{
  TafelInvite *invite;

  g_return_val_if_fail (board_id != NULL && key != NULL, NULL);
  g_return_val_if_fail (capability >= TAFEL_CAPABILITY_EDIT && capability <= TAFEL_CAPABILITY_SEED,
                        NULL);
  g_return_val_if_fail (anchor == NULL || tafel_public_key_is_valid (anchor), NULL);

  invite = g_new0 (TafelInvite, 1);
  memcpy (invite->board_id, board_id, TAFEL_BOARD_ID_BYTES);
  invite->version = 2;
  invite->capability = capability;
  memcpy (invite->key, key, TAFEL_KEY_BYTES);
  if (anchor != NULL)
    {
      invite->has_anchor = TRUE;
      invite->anchor = *anchor;
    }
  if (capability != TAFEL_CAPABILITY_SEED && title != NULL && title[0] != '\0')
    invite->title = g_strdup (title);
  invite->brokers = brokers != NULL ? g_strdupv ((char **) brokers) : g_new0 (char *, 1);

  return invite;
}

/**
 * tafel_invite_dup_keys:
 * @invite: an invite
 *
 * Returns: (transfer full): the keys of the epoch the link is for, as far
 *   as its capability reaches
 */
TafelEpochKeys *
tafel_invite_dup_keys (const TafelInvite *invite)
{
  g_return_val_if_fail (invite != NULL, NULL);

  return tafel_epoch_keys_new (invite->capability, invite->key);
}

/**
 * tafel_invite_derive:
 * @invite: an invite
 * @capability: what the new link allows
 * @error: return location for a #GError
 *
 * A link to the same board that allows @capability: a view link from an
 * edit link, a seed link from either (or the same capability again, as a
 * version-2 link). The anchor and brokers carry over, the title too but
 * not to a seed link. Fails with %TAFEL_INVITE_ERROR_CAPABILITY when
 * @capability allows more than @invite does.
 *
 * Returns: (transfer full): the version-2 invite, or %NULL with @error set
 */
TafelInvite *
tafel_invite_derive (const TafelInvite  *invite,
                     TafelCapability     capability,
                     GError            **error)
{
  g_autoptr(TafelEpochKeys) keys = NULL;
  g_autoptr(TafelEpochKeys) lower = NULL;

  g_return_val_if_fail (invite != NULL, NULL);
  g_return_val_if_fail (capability >= TAFEL_CAPABILITY_EDIT && capability <= TAFEL_CAPABILITY_SEED,
                        NULL);

  if (!tafel_capability_allows (invite->capability, capability))
    {
      g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_CAPABILITY,
                           _("A link cannot give a link that allows more: a view link gives no edit link, a seed link neither"));
      return NULL;
    }

  keys = tafel_invite_dup_keys (invite);
  lower = tafel_epoch_keys_dup_as (keys, capability, error);
  if (lower == NULL)
    return NULL;

  return tafel_invite_new_capability (invite->board_id, capability, tafel_epoch_keys_get_secret (lower),
                                      invite->has_anchor ? &invite->anchor : NULL,
                                      invite->title, (const char * const *) invite->brokers);
}

static void
append_base64url (GString      *link,
                  const guint8 *data,
                  gsize         len)
{
  g_autofree char *text = base64url_encode (data, len);

  g_string_append (link, text);
  tafel_memzero (text, strlen (text));
}

static char *
format_link (const TafelInvite *invite)
{
  GString *link = g_string_new (LINK_PREFIX);
  g_autofree char *id_hex = tafel_invite_dup_board_id_hex (invite);
  char separator = '?';

  g_string_append_printf (link, "v%u/%s", invite->version, id_hex);
  if (invite->version >= 2)
    {
      g_string_append_printf (link, "/%s", tafel_capability_to_string (invite->capability));
      if (invite->has_anchor)
        {
          g_string_append_printf (link, "%ca=", separator);
          append_base64url (link, invite->anchor.bytes, TAFEL_PUBLIC_KEY_BYTES);
          separator = '&';
        }
    }

  for (guint i = 0; invite->brokers[i] != NULL; i++)
    {
      g_autofree char *escaped = g_uri_escape_string (invite->brokers[i], NULL, FALSE);

      g_string_append_printf (link, "%cbroker=%s", separator, escaped);
      separator = '&';
    }

  if (invite->title != NULL && invite->title[0] != '\0' && invite->capability != TAFEL_CAPABILITY_SEED)
    {
      g_autofree char *escaped = g_uri_escape_string (invite->title, NULL, FALSE);

      g_string_append_printf (link, "%ctitle=%s", separator, escaped);
    }

  g_string_append_c (link, '#');
  append_base64url (link, invite->version >= 2 ? invite->key : invite->secret, TAFEL_KEY_BYTES);

  return g_string_free (link, FALSE);
}

/**
 * tafel_invite_to_string:
 * @invite: an invite
 *
 * Returns: (transfer full): the invite link, secret included
 */
char *
tafel_invite_to_string (const TafelInvite *invite)
{
  g_return_val_if_fail (invite != NULL, NULL);

  return format_link (invite);
}

char *
tafel_invite_dup_board_id_hex (const TafelInvite *invite)
{
  g_return_val_if_fail (invite != NULL, NULL);

  return tafel_hex_encode (invite->board_id, TAFEL_BOARD_ID_BYTES);
}

void
tafel_invite_free (TafelInvite *invite)
{
  if (invite == NULL)
    return;

  tafel_memzero (invite->secret, sizeof invite->secret);
  tafel_memzero (invite->key, sizeof invite->key);
  g_free (invite->title);
  g_strfreev (invite->brokers);
  g_free (invite);
}
