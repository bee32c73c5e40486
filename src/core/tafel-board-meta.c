/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "tafel-atomic-file.h"
#include "tafel-board-meta-private.h"
#include "tafel-invite.h"
#include "tafel-json-private.h"

/* A board's metadata: its id, secret, title and hints, kept as JSON in the
 * board's folder (with its dates; the format is described in
 * tafel-board.c) and in .tafel files (without them). */

void
tafel_board_meta_clear (TafelBoardMeta *meta)
{
  tafel_memzero (meta->secret, sizeof meta->secret);
  g_clear_pointer (&meta->title, g_free);
  g_clear_pointer (&meta->hints, g_strfreev);
  g_clear_pointer (&meta->created, g_date_time_unref);
  g_clear_pointer (&meta->last_opened, g_date_time_unref);
}

char *
tafel_board_id_to_hex (const guint8 *id)
{
  return tafel_hex_encode (id, TAFEL_BOARD_ID_BYTES);
}

gboolean
tafel_board_id_from_hex (const char *hex,
                         guint8     *id)
{
  return tafel_hex_decode (hex, -1, id, TAFEL_BOARD_ID_BYTES);
}

char *
tafel_board_dir (const char *data_dir,
                 const char *id_hex)
{
  return g_build_filename (data_dir, "boards", id_hex, NULL);
}

gboolean
tafel_board_check_title (const char  *title,
                         GError     **error)
{
  g_autofree char *stripped = NULL;

  if (title == NULL || !g_utf8_validate (title, -1, NULL))
    {
      g_set_error_literal (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID,
                           _("The title is not valid text"));
      return FALSE;
    }
  stripped = g_strstrip (g_strdup (title));
  if (stripped[0] == '\0')
    {
      g_set_error_literal (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID,
                           _("The title is empty"));
      return FALSE;
    }
  if (strlen (title) > TAFEL_BOARD_TITLE_MAX_BYTES)
    {
      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID,
                   _("The title is longer than %d bytes"), TAFEL_BOARD_TITLE_MAX_BYTES);
      return FALSE;
    }
  /* ESC, BEL or a line break in a title could clear a terminal or fake
   * lines of output wherever it is shown. */
  for (const char *p = title; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_set_error_literal (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID,
                             _("The title contains control characters (such as a line break)"));
        return FALSE;
      }
  return TRUE;
}

gboolean
tafel_board_check_hint (const char  *hint,
                        GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  /* A hint is “lan” or a rendezvous broker, checked as a link's broker is:
   * a hint from a file or a peer is no more trusted than one from a link. */
  if (g_strcmp0 (hint, "lan") == 0)
    return TRUE;
  if (!g_utf8_validate (hint, -1, NULL) || !tafel_broker_url_check (hint, &local_error))
    {
      g_autofree char *shown = g_utf8_make_valid (hint, -1);

      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID,
                   _("The rendezvous hint “%s” is not usable: %s"), shown,
                   local_error != NULL ? local_error->message : _("it is not valid text"));
      return FALSE;
    }
  return TRUE;
}

JsonNode *
tafel_board_meta_to_json (const TafelBoardMeta *meta,
                          gboolean              with_times)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
  g_autofree char *id = tafel_board_id_to_hex (meta->id);
  char *secret = tafel_hex_encode (meta->secret, TAFEL_BOARD_SECRET_BYTES);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, TAFEL_BOARD_META_VERSION);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "secret");
  json_builder_add_string_value (b, secret);
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, meta->title);
  json_builder_set_member_name (b, "hints");
  json_builder_begin_array (b);
  for (guint i = 0; meta->hints != NULL && meta->hints[i] != NULL; i++)
    json_builder_add_string_value (b, meta->hints[i]);
  json_builder_end_array (b);
  if (with_times)
    {
      g_autofree char *created = g_date_time_format_iso8601 (meta->created);
      g_autofree char *opened = g_date_time_format_iso8601 (meta->last_opened);

      json_builder_set_member_name (b, "created");
      json_builder_add_string_value (b, created);
      json_builder_set_member_name (b, "last-opened");
      json_builder_add_string_value (b, opened);
    }
  json_builder_end_object (b);

  tafel_memzero (secret, strlen (secret));
  g_free (secret);
  return json_builder_get_root (b);
}

static const char *
get_string (JsonObject *obj,
            const char *name)
{
  JsonNode *n = json_object_get_member (obj, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static GDateTime *
get_time (JsonObject *obj,
          const char *name)
{
  const char *s = get_string (obj, name);

  return s != NULL ? g_date_time_new_from_iso8601 (s, NULL) : NULL;
}

gboolean
tafel_board_meta_from_json (JsonNode        *node,
                            gboolean         with_times,
                            gint             code,
                            TafelBoardMeta  *meta,
                            GError         **error)
{
  JsonObject *obj;
  JsonNode *version, *hints;
  gint64 v;
  const char *title;

  memset (meta, 0, sizeof *meta);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, TAFEL_BOARD_ERROR, code, _("The board’s metadata is not a JSON object"));
      return FALSE;
    }
  obj = json_node_get_object (node);
  version = json_object_get_member (obj, "version");
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) ||
      json_node_get_value_type (version) != G_TYPE_INT64 || (v = json_node_get_int (version)) < 1)
    {
      g_set_error_literal (error, TAFEL_BOARD_ERROR, code, _("The board’s metadata has no valid version"));
      return FALSE;
    }
  if (v > TAFEL_BOARD_META_VERSION)
    {
      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_NEWER_VERSION,
                   _("The board was saved by a newer version of Tafel (metadata version %" PRId64 ")"), v);
      return FALSE;
    }
  if (!tafel_hex_decode (get_string (obj, "id"), -1, meta->id, TAFEL_BOARD_ID_BYTES) ||
      !tafel_hex_decode (get_string (obj, "secret"), -1, meta->secret, TAFEL_BOARD_SECRET_BYTES))
    {
      g_set_error_literal (error, TAFEL_BOARD_ERROR, code, _("The board’s id or secret is missing or malformed"));
      return FALSE;
    }
  title = get_string (obj, "title");
  if (title != NULL && code != TAFEL_BOARD_ERROR_BAD_FILE && g_utf8_validate (title, -1, NULL))
    {
      /* This device's own metadata, written before titles were checked
       * for control characters: the board stays readable, the title
       * loses them. */
      g_autoptr(GString) clean = g_string_new (NULL);

      for (const char *p = title; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          g_string_append_unichar (clean, g_unichar_iscntrl (c) ? ' ' : c);
        }
      meta->title = g_string_free (g_steal_pointer (&clean), FALSE);
    }
  else
    meta->title = g_strdup (title);
  if (meta->title == NULL || !tafel_board_check_title (meta->title, NULL))
    {
      g_clear_pointer (&meta->title, g_free);
      g_set_error_literal (error, TAFEL_BOARD_ERROR, code, _("The board’s title is missing or invalid"));
      return FALSE;
    }

  hints = json_object_get_member (obj, "hints");
  {
    g_autoptr(GStrvBuilder) sb = g_strv_builder_new ();

    if (hints != NULL)
      {
        JsonArray *a;

        if (!JSON_NODE_HOLDS_ARRAY (hints))
          {
            tafel_board_meta_clear (meta);
            g_set_error_literal (error, TAFEL_BOARD_ERROR, code, _("The board’s hints are not a list"));
            return FALSE;
          }
        a = json_node_get_array (hints);
        for (guint i = 0; i < json_array_get_length (a); i++)
          {
            JsonNode *h = json_array_get_element (a, i);

            g_autoptr(GError) hint_error = NULL;

            if (!JSON_NODE_HOLDS_VALUE (h) || json_node_get_value_type (h) != G_TYPE_STRING ||
                !g_utf8_validate (json_node_get_string (h), -1, NULL))
              {
                tafel_board_meta_clear (meta);
                g_set_error_literal (error, TAFEL_BOARD_ERROR, code, _("A board hint is not text"));
                return FALSE;
              }
            if (i >= TAFEL_INVITE_MAX_BROKERS ||
                !tafel_board_check_hint (json_node_get_string (h), &hint_error))
              {
                /* A file someone sent is refused as a link with that
                 * hint is; this device's own metadata (written before
                 * hints were checked) only loses the hint, never used. */
                if (code == TAFEL_BOARD_ERROR_BAD_FILE)
                  {
                    tafel_board_meta_clear (meta);
                    if (hint_error != NULL)
                      g_propagate_error (error, g_steal_pointer (&hint_error));
                    else
                      g_set_error (error, TAFEL_BOARD_ERROR, code,
                                   _("The board names more than %d rendezvous hints"),
                                   TAFEL_INVITE_MAX_BROKERS);
                    return FALSE;
                  }
                g_debug ("Leaving out a rendezvous hint of the board’s metadata: %s",
                         hint_error != NULL ? hint_error->message : "too many");
                continue;
              }
            g_strv_builder_add (sb, json_node_get_string (h));
          }
      }
    meta->hints = g_strv_builder_end (sb);
  }

  if (with_times)
    {
      meta->created = get_time (obj, "created");
      meta->last_opened = get_time (obj, "last-opened");
      if (meta->created == NULL || meta->last_opened == NULL)
        {
          tafel_board_meta_clear (meta);
          g_set_error_literal (error, TAFEL_BOARD_ERROR, code, _("The board’s dates are missing or malformed"));
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
tafel_board_meta_read (const char      *path,
                       TafelBoardMeta  *meta,
                       GError         **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  gsize len;

  memset (meta, 0, sizeof *meta);
  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error (error, TAFEL_BOARD_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                     ? TAFEL_BOARD_ERROR_CORRUPT : TAFEL_BOARD_ERROR_IO,
                   _("Could not read the board’s metadata: %s"), local_error->message);
      return FALSE;
    }
  if (!tafel_json_load (parser, contents, len, &local_error))
    {
      tafel_memzero (contents, len);
      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_CORRUPT,
                   _("The board’s metadata “%s” is damaged: %s"), path, local_error->message);
      return FALSE;
    }
  tafel_memzero (contents, len);
  return tafel_board_meta_from_json (json_parser_get_root (parser), TRUE, TAFEL_BOARD_ERROR_CORRUPT,
                                     meta, error);
}

gboolean
tafel_board_meta_write (const char            *path,
                        const TafelBoardMeta  *meta,
                        GError               **error)
{
  g_autoptr(JsonNode) node = tafel_board_meta_to_json (meta, TRUE);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = json_to_string (node, TRUE);
  gboolean ok;

  ok = tafel_atomic_file_write (path, text, strlen (text), 0600, TAFEL_ATOMIC_FILE_NONE, &local_error);
  tafel_memzero (text, strlen (text));
  if (!ok)
    {
      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_IO,
                   _("Could not save the board’s metadata: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}
