/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tafel-board-meta-private.h"
#include "tafel-invite.h"

#define LINK_PREFIX   "tafel://board/"
#define LINK_VERSION  "v1"
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

/**
 * tafel_invite_parse:
 * @link: an invite link as a person pasted it
 * @error: return location for a #GError
 *
 * Parses an invite link strictly (see #TafelInvite for the grammar).
 * Whitespace around the link is ignored. Every malformed part gives a
 * #TAFEL_INVITE_ERROR saying which part is wrong; messages never contain
 * the secret.
 *
 * Returns: (transfer full): the invite, or %NULL with @error set
 */
TafelInvite *
tafel_invite_parse (const char  *link,
                    GError     **error)
{
  g_autoptr(TafelInvite) invite = NULL;
  g_autofree char *trimmed = NULL;
  const char *p, *id_end, *query = NULL, *fragment;
  gsize len;

  g_return_val_if_fail (link != NULL, NULL);

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
  if (strncmp (p, LINK_VERSION "/", strlen (LINK_VERSION "/")) != 0)
    {
      gsize digits = strspn (p + 1, "0123456789");

      /* Only v2, v3, … can be newer: v0, v01 or v1x are no version at all. */
      if (p[1] == '0' || p[1 + digits] != '/')
        g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_VERSION,
                             _("This is not a valid Tafel link version; the link may have been changed"));
      else
        g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_VERSION,
                             _("This invite link was made by a newer version of Tafel; update Tafel to join the board"));
      return NULL;
    }
  p += strlen (LINK_VERSION "/");

  invite = g_new0 (TafelInvite, 1);
  invite->brokers = g_new0 (char *, 1);

  id_end = p + strcspn (p, "?#");
  if (!tafel_hex_decode (p, id_end - p, invite->board_id, TAFEL_BOARD_ID_BYTES))
    {
      g_set_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_BOARD_ID,
                   _("The board id in the link must be %d lowercase hexadecimal digits"),
                   TAFEL_BOARD_ID_BYTES * 2);
      return NULL;
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

  if (fragment == NULL || fragment[1] == '\0')
    {
      g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_SECRET,
                           _("The link has no secret (the part after “#”); it may have been cut off when it was copied"));
      return NULL;
    }

  fragment++;
  if (!base64url_decode (fragment, strlen (fragment), invite->secret, TAFEL_BOARD_SECRET_BYTES))
    {
      g_set_error_literal (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_SECRET,
                           _("The secret in the link (the part after “#”) is damaged or incomplete"));
      return NULL;
    }

  return g_steal_pointer (&invite);
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

  return invite;
}

static char *
format_link (const TafelInvite *invite)
{
  GString *link = g_string_new (LINK_PREFIX LINK_VERSION "/");
  g_autofree char *id_hex = tafel_invite_dup_board_id_hex (invite);
  char separator = '?';

  g_string_append (link, id_hex);

  for (guint i = 0; invite->brokers[i] != NULL; i++)
    {
      g_autofree char *escaped = g_uri_escape_string (invite->brokers[i], NULL, FALSE);

      g_string_append_printf (link, "%cbroker=%s", separator, escaped);
      separator = '&';
    }

  if (invite->title != NULL && invite->title[0] != '\0')
    {
      g_autofree char *escaped = g_uri_escape_string (invite->title, NULL, FALSE);

      g_string_append_printf (link, "%ctitle=%s", separator, escaped);
    }

  g_string_append_c (link, '#');
  {
    g_autofree char *secret = base64url_encode (invite->secret, TAFEL_BOARD_SECRET_BYTES);

    g_string_append (link, secret);
    tafel_memzero (secret, strlen (secret));
  }

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
  g_free (invite->title);
  g_strfreev (invite->brokers);
  g_free (invite);
}
