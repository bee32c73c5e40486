/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "tafel-atomic-file.h"
#include "tafel-board-private.h"
#include "tafel-board.h"
#include "tafel-bytes.h"
#include "tafel-json-private.h"
#include "tafel-log-file.h"
#include "tafel-log-private.h"
#include "tafel-record-private.h"

/* The portable board file, *.tafel (application/x-tafel):
 *
 *   8       magic "\x89TAFEL\r\n" (the high byte and CR LF catch transfers
 *           that mangle binary files)
 *   u32     format version (1), little-endian
 *   varint  length of the metadata, then the metadata: UTF-8 JSON
 *           { "version": 1, "id": hex, "secret": hex, "title": string,
 *             "hints": [string…] }
 *   varint  number of records, then per record a varint length and the
 *           compact payload of tafel-log-file.c: authors by key, each
 *           author's records in seq order from 1, and only each author's
 *           last record carrying its signature
 *   32      BLAKE2b-256 of everything before
 *
 * Reading checks magic, version (a newer one fails with
 * TAFEL_BOARD_ERROR_NEWER_VERSION), the checksum (damage or truncation),
 * the metadata, and then every record as if it came from a peer: per author
 * the hash chain, rising clocks, valid bodies and the last record's
 * signature. Only then is anything written to the data folder. The file
 * holds the board secret, so it is written readable by its owner only. */

#define FILE_MAGIC     "\x89TAFEL\r\n"
#define FILE_VERSION   1
#define META_MAX_BYTES (1024 * 1024)

static gboolean
bad_file (GError     **error,
          const char  *name,
          const char  *why)
{
  g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_BAD_FILE,
               _("“%s” is not a usable Tafel board file: %s"), name, why);
  return FALSE;
}

typedef struct
{
  TafelLog           *log;
  TafelPayloadWriter *writer;
  GByteArray         *out;
  GByteArray         *payload;
} SaveData;

static gboolean
save_one (TafelRecord *record,
          gpointer     user_data)
{
  SaveData *d = user_data;
  gboolean last = tafel_record_get_seq (record) ==
                  tafel_log_get_head_seq (d->log, tafel_record_get_author (record));

  g_byte_array_set_size (d->payload, 0);
  tafel_payload_writer_put (d->writer, d->payload, record, last);
  tafel_put_blob (d->out, d->payload->data, d->payload->len);
  return TRUE;
}

GBytes *
tafel_board_file_serialize (const TafelBoardMeta *meta,
                            TafelLog             *log)
{
  g_autoptr(JsonNode) node = tafel_board_meta_to_json (meta, FALSE);
  g_autofree char *json = json_to_string (node, FALSE);
  g_autoptr(TafelPayloadWriter) writer = tafel_payload_writer_new ();
  g_autoptr(GByteArray) payload = g_byte_array_new ();
  GByteArray *out = g_byte_array_new ();
  SaveData d;
  TafelHash sum;
  guint8 version[4];

  tafel_put_bytes (out, FILE_MAGIC, 8);
  tafel_store_u32 (version, FILE_VERSION);
  tafel_put_bytes (out, version, 4);
  tafel_put_blob (out, json, strlen (json));
  tafel_memzero (json, strlen (json));
  tafel_put_varint (out, tafel_log_get_n_records (log));

  d.log = log;
  d.writer = writer;
  d.out = out;
  d.payload = payload;
  tafel_log_foreach (log, save_one, &d);

  tafel_hash (&sum, out->data, out->len);
  tafel_put_bytes (out, sum.bytes, TAFEL_HASH_BYTES);
  return g_byte_array_free_to_bytes (out);
}

/**
 * tafel_board_save_file:
 * @self: a board
 * @file: where to write, usually ending in .tafel
 * @error: return location for a #GError
 *
 * Writes a portable copy of the board: its metadata (id, secret, title,
 * hints) and all its records. The file is replaced atomically and made
 * readable by its owner only, since it holds the board secret.
 *
 * Returns: %TRUE on success; TAFEL_BOARD_ERROR_IO otherwise
 */
gboolean
tafel_board_save_file (TafelBoard  *self,
                       GFile       *file,
                       GError     **error)
{
  TafelBoardMeta meta = { 0 };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (TAFEL_IS_BOARD (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  memcpy (meta.id, tafel_board_get_id (self), TAFEL_BOARD_ID_BYTES);
  memcpy (meta.secret, tafel_board_get_secret (self), TAFEL_BOARD_SECRET_BYTES);
  meta.title = (char *) tafel_board_get_title (self);
  meta.hints = (char **) tafel_board_get_hints (self);
  bytes = tafel_board_file_serialize (&meta, tafel_board_get_log (self));
  tafel_memzero (meta.secret, sizeof meta.secret);

  ok = tafel_atomic_file_write_gfile (file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                      0600, &local_error);
  tafel_memzero ((gpointer) g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (!ok)
    {
      g_set_error_literal (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_IO, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_records (TafelReader  *r,
              const char   *name,
              TafelLog     *log,
              GError      **error)
{
  g_autoptr(TafelPayloadReader) reader = tafel_payload_reader_new ();
  g_autoptr(GPtrArray) run = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  g_autoptr(GError) local_error = NULL;
  guint64 n;

  if (!tafel_read_varint (r, "number of records", &n, &local_error))
    return bad_file (error, name, local_error->message);
  if (n > tafel_reader_remaining (r))
    return bad_file (error, name, _("it claims more records than it holds"));

  for (guint64 i = 0; i <= n; i++)
    {
      const guint8 *data = NULL;
      gsize len;
      TafelPayload pl;

      if (i < n)
        {
          TafelRecord *prev;
          TafelRecord *rec;
          g_autoptr(GBytes) body = NULL;

          if (!tafel_read_blob (r, "record", TAFEL_RECORD_MAX_BYTES + 128, &data, &len, &local_error) ||
              !tafel_payload_reader_parse (reader, data, len, FALSE, &pl, &local_error))
            return bad_file (error, name, local_error->message);

          /* A run ends where the author changes. */
          if (run->len > 0 &&
              !tafel_memequal (tafel_record_get_author (run->pdata[run->len - 1]), pl.author,
                               TAFEL_PUBLIC_KEY_BYTES))
            {
              if (!tafel_log_add_run (log, (TafelRecord **) run->pdata, run->len, &local_error))
                return bad_file (error, name, local_error->message);
              g_ptr_array_set_size (run, 0);
            }

          prev = NULL;
          if (pl.seq > 1)
            {
              if (run->len > 0)
                prev = run->pdata[run->len - 1];
              else
                return bad_file (error, name, _("an author’s records are split up"));
            }
          if (pl.seq == 1 && run->len > 0)
            return bad_file (error, name, _("an author’s records are split up"));

          body = g_bytes_new (pl.body, pl.body_len);
          if ((pl.version == 2 ?
               tafel_record_get_encoded_size_for_v2 (pl.seq, pl.lamport, pl.kind, pl.time, pl.body_len) :
               tafel_record_get_encoded_size_for (pl.seq, pl.lamport, pl.kind, pl.body_len)) > TAFEL_RECORD_MAX_BYTES)
            return bad_file (error, name, _("a record is larger than a record may be"));
          if (pl.version == 2)
            rec = tafel_record_new_v2 (pl.author, pl.seq, prev != NULL ? tafel_record_get_id (prev) : NULL,
                                       pl.lamport, pl.kind, pl.key_id, pl.time, body,
                                       pl.has_signature ? &pl.signature : NULL);
          else
            rec = tafel_record_new (pl.author, pl.seq, prev != NULL ? tafel_record_get_id (prev) : NULL,
                                    pl.lamport, pl.kind, body, pl.has_signature ? &pl.signature : NULL);
          g_ptr_array_add (run, rec);
        }
      else if (run->len > 0)
        {
          if (!tafel_log_add_run (log, (TafelRecord **) run->pdata, run->len, &local_error))
            return bad_file (error, name, local_error->message);
        }
    }
  return TRUE;
}

/**
 * tafel_board_file_load:
 * @file: a .tafel file
 * @title: (out) (optional) (transfer full): the board's title
 * @id: (out caller-allocates) (optional) (array fixed-size=16): the board id
 * @error: return location for a #GError
 *
 * Reads and verifies a .tafel file without touching the data folder.
 * Damage, truncation or another kind of file fails with
 * TAFEL_BOARD_ERROR_BAD_FILE; a file from a newer Tafel with
 * TAFEL_BOARD_ERROR_NEWER_VERSION.
 *
 * Returns: (transfer full): a log holding the file's records, or %NULL
 */
TafelLog *
tafel_board_file_load (GFile    *file,
                       char    **title,
                       guint8   *id,
                       GError  **error)
{
  g_auto(TafelBoardMeta) meta = { 0 };
  TafelLog *log = tafel_board_file_read (file, &meta, error);

  if (log == NULL)
    return NULL;
  if (title != NULL)
    *title = g_strdup (meta.title);
  if (id != NULL)
    memcpy (id, meta.id, TAFEL_BOARD_ID_BYTES);
  return log;
}

TafelLog *
tafel_board_file_parse (const guint8    *data,
                        gsize            len,
                        const char      *name,
                        TafelBoardMeta  *meta,
                        GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(TafelLog) log = NULL;
  const guint8 *json;
  gsize json_len;
  guint32 version;
  TafelReader r;
  TafelHash sum;

  memset (meta, 0, sizeof *meta);
  if (len < 8 + 4 || memcmp (data, FILE_MAGIC, 8) != 0)
    {
      bad_file (error, name, _("it is not a Tafel board file"));
      return NULL;
    }
  version = tafel_load_u32 (data + 8);
  if (version > FILE_VERSION)
    {
      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_NEWER_VERSION,
                   _("“%s” was saved by a newer version of Tafel (file format %u); "
                     "this version reads up to format %u"), name, version, FILE_VERSION);
      return NULL;
    }
  if (version == 0)
    {
      bad_file (error, name, _("it has an invalid format version"));
      return NULL;
    }
  if (len < 8 + 4 + TAFEL_HASH_BYTES)
    {
      bad_file (error, name, _("it is cut short"));
      return NULL;
    }
  len -= TAFEL_HASH_BYTES;
  tafel_hash (&sum, data, len);
  if (memcmp (sum.bytes, data + len, TAFEL_HASH_BYTES) != 0)
    {
      bad_file (error, name, _("it is damaged or cut short (its checksum does not match)"));
      return NULL;
    }

  tafel_reader_init (&r, data + 12, len - 12);
  if (!tafel_read_blob (&r, "metadata", META_MAX_BYTES, &json, &json_len, &local_error))
    {
      bad_file (error, name, local_error->message);
      return NULL;
    }
  if (!tafel_json_load (parser, (const char *) json, json_len, &local_error))
    {
      bad_file (error, name, local_error->message);
      return NULL;
    }
  if (!tafel_board_meta_from_json (json_parser_get_root (parser), FALSE, TAFEL_BOARD_ERROR_BAD_FILE,
                                   meta, &local_error))
    {
      if (g_error_matches (local_error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_NEWER_VERSION))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        bad_file (error, name, local_error->message);
      return NULL;
    }

  log = tafel_log_new ();
  if (!read_records (&r, name, log, error))
    {
      tafel_board_meta_clear (meta);
      return NULL;
    }
  if (!tafel_reader_at_end (&r))
    {
      tafel_board_meta_clear (meta);
      bad_file (error, name, _("unexpected bytes follow the records"));
      return NULL;
    }
  return g_steal_pointer (&log);
}

TafelLog *
tafel_board_file_read (GFile           *file,
                       TafelBoardMeta  *meta,
                       GError         **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *name = g_file_get_parse_name (file);
  g_autoptr(GError) local_error = NULL;
  TafelLog *log;
  gsize len;

  memset (meta, 0, sizeof *meta);
  if (!g_file_load_contents (file, NULL, &contents, &len, NULL, &local_error))
    {
      g_set_error (error, TAFEL_BOARD_ERROR,
                   g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
                     ? TAFEL_BOARD_ERROR_NOT_FOUND : TAFEL_BOARD_ERROR_IO,
                   _("Could not read “%s”: %s"), name, local_error->message);
      return NULL;
    }
  log = tafel_board_file_parse ((const guint8 *) contents, len, name, meta, error);
  tafel_memzero (contents, len);
  return log;
}

/**
 * tafel_board_open_file:
 * @data_dir: the Tafel data folder
 * @identity: this device's identity
 * @file: a .tafel file
 * @error: return location for a #GError
 *
 * Reads and verifies @file, then brings it into the data folder: a board
 * with its id that is already here receives the records it lacks (its
 * title stays); otherwise the board is created from the file. A bad,
 * truncated or newer file changes nothing in the data folder.
 *
 * Returns: (transfer full): the open board, or %NULL
 */
TafelBoard *
tafel_board_open_file (const char     *data_dir,
                       TafelIdentity  *identity,
                       GFile          *file,
                       GError        **error)
{
  g_auto(TafelBoardMeta) meta = { 0 };
  g_autoptr(TafelLog) log = NULL;
  g_autofree char *id_hex = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (TAFEL_IS_IDENTITY (identity), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  log = tafel_board_file_read (file, &meta, error);
  if (log == NULL)
    return NULL;

  id_hex = tafel_board_id_to_hex (meta.id);
  dir = tafel_board_dir (data_dir, id_hex);
  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(TafelBoard) board = tafel_board_open (data_dir, identity, id_hex, error);

      if (board == NULL)
        return NULL;
      if (!tafel_memequal (tafel_board_get_secret (board), meta.secret, TAFEL_BOARD_SECRET_BYTES))
        {
          g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_BAD_FILE,
                       _("A different board with the id %s is already here"), id_hex);
          return NULL;
        }
      if (!tafel_board_merge_log (board, log, error))
        return NULL;
      return g_steal_pointer (&board);
    }

  return tafel_board_create_from (data_dir, identity, &meta, log, error);
}
