/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tafel-board.h"
#include "tafel-bytes.h"
#include "tafel-log-file.h"
#include "tafel-log-private.h"
#include "tafel-record-private.h"

/* The log file: DATA_DIR/boards/<id-hex>/log, mode 0600, append-only.
 *
 * Header (32 bytes):
 *   8   magic "TAFELLOG"
 *   u32 format version (1 or 2), little-endian
 *   16  board id
 *   u32 CRC-32C of the 28 bytes before
 *
 * Format 1 holds version 1 envelopes only, as Tafel 0.1 wrote and reads
 * them; format 2 may also hold version 2 envelopes (docs/access.md). A new
 * file starts in format 1; the first append that holds a version 2 record
 * first rewrites the file as format 2: the same frames, byte for byte,
 * under the new header, in a new file that is synced and locked before it
 * is renamed over the old one (and the directory synced), so the path
 * always names one whole file and the board stays locked. A version 2
 * frame in a file of format 1 is damage. Repair writes format 2 when it
 * keeps a version 2 record, else format 1.
 *
 * Then frames, one per record, in the order the records were integrated
 * (so every author's records appear in gapless seq order from 1):
 *   varint  n       payload length, 1 … FRAME_MAX
 *   u16     low 16 bits of the CRC-32C of the length bytes (finds frames
 *                   quickly when telling a torn tail from damage)
 *   n       payload
 *   u32     CRC-32C of the payload
 *
 * Payload (shared with the .tafel file):
 *   varint  (a << 1) | s   a: the author's index in order of first
 *                          appearance in this file; a equal to the number
 *                          of authors so far introduces a new author, whose
 *                          32-byte key follows. s: a signature is stored.
 *   [32     author key]
 *   varint  lamport minus the author's previous lamport (≥ 1; the first
 *           record's lamport itself)
 *   varint  kind (≥ 1) of a version 1 envelope, or 0: the escape of a
 *           version 2 envelope, followed by
 *             varint  (kind << 1) | k   k: the key id differs from the
 *                                       author's previous version 2
 *                                       record's (0 before the first)
 *             [u32    key id]           when k, little-endian as on the wire
 *             varint  zigzag (time − the author's previous version 2
 *                     record's time (0 before the first)); the result lies
 *                     in 0 … TAFEL_RECORD_MAX_CLOCK
 *   …       body: the rest of the payload, less the signature (as on the
 *           wire: ciphertext for content kinds of version 2)
 *   [64     signature]
 * seq is the author's previous seq + 1 and prev the id of the author's
 * previous record (zeros for seq 1), so the record and its id are rebuilt
 * exactly, version 2 envelopes included. On real strokes a version 2
 * record costs 3 bytes more than a version 1 one at rest: the escape and
 * a two-byte time step (bench-envelope: 3.36 against 3.29 bytes per point
 * with every signature stored).
 *
 * Signatures: each append stores the signature of each author's last
 * record in that append. Every author's last record in the file is
 * therefore signed, and since a signature covers prev, which is the hash
 * of the record before, and so on, that one signature authenticates the
 * author's whole chain. Within an append, a record that carries its
 * signature also stores it once SIGN_EVERY_RECORDS records or
 * SIGN_EVERY_BYTES of payload of its author went by without one, so a
 * damaged byte costs at most that much of a bulk commit when the log is
 * repaired (records between two stored signatures stand or fall
 * together). Records made on this device all carry their signatures; a
 * run from a peer carries only its last, so it is stored with one. One
 * record per commit stores one signature per record. Per-record
 * signatures stay within the storage budget (about 3.3 bytes per point on
 * real strokes with them), so the file is never rewritten to drop them.
 * Frames of either envelope version are bounded, checked, cut when torn
 * and repaired alike.
 *
 * On open, every frame's CRC is checked, every payload parsed, each
 * author's lamport must rise, and each author's last record's signature is
 * verified (one Ed25519 verification per author); bodies are not validated
 * again (they were before being written, and the signature pins them).
 *
 * Only a torn write may be cut: the file ends inside a frame (its length
 * bytes, or a sound frame head whose frame reaches past the end of the
 * file), or everything from a frame's start to the end of the file is
 * zeros (an extension that a crash left unwritten). That frame is cut off
 * with a warning, together with the records after their author's last
 * signature (the rest of the interrupted append, never acknowledged), and
 * the file is truncated there so later appends continue cleanly. A
 * complete frame whose CRC fails, a damaged frame head, or a payload that
 * does not parse is damage wherever it is, the last frame included:
 * opening fails with TAFEL_BOARD_ERROR_CORRUPT and the file is left as it
 * is (TAFEL_BOARD_ERROR_DAMAGED_LOG). tafel_log_file_repair() then keeps
 * the damaged file as a backup and writes a new log of every record it can
 * still verify. */

#define LOG_MAGIC        "TAFELLOG"
#define LOG_VERSION      1  /* a file of version 1 envelopes only */
#define LOG_VERSION_2    2  /* a file that may hold version 2 envelopes */
#define LOG_HEADER_SIZE  32
#define FRAME_MAX        (TAFEL_RECORD_MAX_BYTES + 128)
#define SIGN_EVERY_RECORDS 32
#define SIGN_EVERY_BYTES   (16 * 1024)

/* ---- CRC-32C (Castagnoli), slicing by 8 ---------------------------------- */

static guint32 crc_table[8][256];

static gpointer
crc_init (gpointer data)
{
  for (guint i = 0; i < 256; i++)
    {
      guint32 c = i;

      for (guint k = 0; k < 8; k++)
        c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
      crc_table[0][i] = c;
    }
  for (guint i = 0; i < 256; i++)
    for (guint t = 1; t < 8; t++)
      crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xff];
  return NULL;
}

guint32
tafel_crc32c (guint32       crc,
              gconstpointer data,
              gsize         len)
{
  static GOnce once = G_ONCE_INIT;
  const guint8 *p = data;

  g_once (&once, crc_init, NULL);
  crc = ~crc;
  while (len >= 8)
    {
      guint32 lo = crc ^ tafel_load_u32 (p);
      guint32 hi = tafel_load_u32 (p + 4);

      crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
            crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
            crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
            crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
      p += 8;
      len -= 8;
    }
  while (len-- > 0)
    crc = (crc >> 8) ^ crc_table[0][(crc ^ *p++) & 0xff];
  return ~crc;
}

/* ---- Payload writer ------------------------------------------------------ */

typedef struct
{
  TafelPublicKey key;
  guint          index;
  guint64        seq;
  guint64        lamport;
  guint32        key_id;            /* of its last version 2 record, or 0 */
  guint64        time;              /* of its last version 2 record, or 0 */
  guint          unsigned_records;  /* written since its last stored signature */
  gsize          unsigned_bytes;
} WAuthor;

struct _TafelPayloadWriter
{
  GHashTable *authors;    /* key → WAuthor (owned) */
  guint       n_authors;
  GHashTable *saved;      /* during a batch: key → copy of WAuthor before, or the author itself if new */
  GPtrArray  *created;    /* during a batch: authors new in it */
  guint       saved_n_authors;
};

TafelPayloadWriter *
tafel_payload_writer_new (void)
{
  TafelPayloadWriter *writer = g_new0 (TafelPayloadWriter, 1);

  writer->authors = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, NULL, g_free);
  return writer;
}

void
tafel_payload_writer_free (TafelPayloadWriter *writer)
{
  if (writer == NULL)
    return;
  g_clear_pointer (&writer->saved, g_hash_table_unref);
  g_clear_pointer (&writer->created, g_ptr_array_unref);
  g_hash_table_unref (writer->authors);
  g_free (writer);
}

guint64
tafel_payload_writer_get_seq (TafelPayloadWriter   *writer,
                              const TafelPublicKey *author)
{
  WAuthor *wa = g_hash_table_lookup (writer->authors, author);

  return wa != NULL ? wa->seq : 0;
}

void
tafel_payload_writer_begin (TafelPayloadWriter *writer)
{
  g_assert (writer->saved == NULL);
  writer->saved = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, NULL, g_free);
  writer->created = g_ptr_array_new ();
  writer->saved_n_authors = writer->n_authors;
}

void
tafel_payload_writer_commit (TafelPayloadWriter *writer)
{
  g_clear_pointer (&writer->saved, g_hash_table_unref);
  g_clear_pointer (&writer->created, g_ptr_array_unref);
}

void
tafel_payload_writer_abort (TafelPayloadWriter *writer)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, writer->saved);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      WAuthor *old = value;
      WAuthor *cur = g_hash_table_lookup (writer->authors, &old->key);

      *cur = *old;
    }
  for (guint i = 0; i < writer->created->len; i++)
    g_hash_table_remove (writer->authors, &((WAuthor *) writer->created->pdata[i])->key);
  writer->n_authors = writer->saved_n_authors;
  tafel_payload_writer_commit (writer);
}

static WAuthor *
writer_author (TafelPayloadWriter   *writer,
               const TafelPublicKey *key,
               gboolean             *is_new)
{
  WAuthor *wa = g_hash_table_lookup (writer->authors, key);

  *is_new = FALSE;
  if (wa == NULL)
    {
      wa = g_new0 (WAuthor, 1);
      wa->key = *key;
      wa->index = writer->n_authors++;
      g_hash_table_insert (writer->authors, &wa->key, wa);
      if (writer->created != NULL)
        g_ptr_array_add (writer->created, wa);
      *is_new = TRUE;
    }
  else if (writer->saved != NULL && !g_hash_table_contains (writer->saved, key))
    {
      gboolean created = FALSE;

      for (guint i = 0; writer->created != NULL && i < writer->created->len; i++)
        created |= writer->created->pdata[i] == wa;
      if (!created)
        {
          WAuthor *copy = g_memdup2 (wa, sizeof *wa);

          g_hash_table_insert (writer->saved, &copy->key, copy);
        }
    }
  return wa;
}

static void
count_signature (WAuthor  *wa,
                 gboolean  signed_,
                 gsize     payload_len)
{
  if (signed_)
    {
      wa->unsigned_records = 0;
      wa->unsigned_bytes = 0;
    }
  else
    {
      wa->unsigned_records++;
      wa->unsigned_bytes += payload_len;
    }
}

/* Tells the writer what a file already holds (read back by the reader). */
static void
tafel_payload_writer_learn (TafelPayloadWriter   *writer,
                            const TafelPayload   *pl,
                            gsize                 payload_len)
{
  gboolean is_new;
  WAuthor *wa = writer_author (writer, pl->author, &is_new);
  gboolean has_signature = pl->has_signature;

  wa->seq = pl->seq;
  wa->lamport = pl->lamport;
  if (pl->version == TAFEL_RECORD_VERSION_2)
    {
      wa->key_id = pl->key_id;
      wa->time = pl->time;
    }
  count_signature (wa, has_signature, payload_len);
}

/* Whether the author's next record should store its signature so that no
 * more than SIGN_EVERY_RECORDS records or SIGN_EVERY_BYTES go unsigned. */
static gboolean
tafel_payload_writer_wants_signature (TafelPayloadWriter   *writer,
                                      const TafelPublicKey *key)
{
  WAuthor *wa = g_hash_table_lookup (writer->authors, key);

  return wa != NULL && (wa->unsigned_records + 1 >= SIGN_EVERY_RECORDS ||
                        wa->unsigned_bytes >= SIGN_EVERY_BYTES);
}

void
tafel_payload_writer_put (TafelPayloadWriter *writer,
                          GByteArray         *out,
                          TafelRecord        *record,
                          gboolean            keep_signature)
{
  const TafelPublicKey *key = tafel_record_get_author (record);
  const TafelSignature *sig = keep_signature ? tafel_record_get_signature (record) : NULL;
  GBytes *body = tafel_record_get_body (record);
  gboolean is_new;
  WAuthor *wa = writer_author (writer, key, &is_new);
  guint start = out->len;

  g_assert (tafel_record_get_seq (record) == wa->seq + 1);
  g_assert (tafel_record_get_lamport (record) > wa->lamport);

  tafel_put_varint (out, ((guint64) wa->index << 1) | (sig != NULL ? 1 : 0));
  if (is_new)
    tafel_put_bytes (out, key->bytes, TAFEL_PUBLIC_KEY_BYTES);
  tafel_put_varint (out, tafel_record_get_lamport (record) - wa->lamport);
  if (tafel_record_get_version (record) == TAFEL_RECORD_VERSION_2)
    {
      guint32 key_id = tafel_record_get_key_id (record);
      guint64 time = tafel_record_get_time (record);
      gboolean new_key = key_id != wa->key_id;

      tafel_put_varint (out, 0);
      tafel_put_varint (out, ((guint64) tafel_record_get_kind (record) << 1) | (new_key ? 1 : 0));
      if (new_key)
        {
          guint8 k[4];

          tafel_store_u32 (k, key_id);
          tafel_put_bytes (out, k, 4);
        }
      tafel_put_varint (out, tafel_zigzag_encode ((gint64) time - (gint64) wa->time));
      wa->key_id = key_id;
      wa->time = time;
    }
  else
    tafel_put_varint (out, tafel_record_get_kind (record));
  tafel_put_bytes (out, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if (sig != NULL)
    tafel_put_bytes (out, sig->bytes, TAFEL_SIGNATURE_BYTES);

  wa->seq++;
  wa->lamport = tafel_record_get_lamport (record);
  count_signature (wa, sig != NULL, out->len - start);
}

/* ---- Payload reader ------------------------------------------------------ */

typedef struct
{
  TafelPublicKey key;
  guint64        seq;
  guint64        lamport;
  guint32        key_id;   /* of its last version 2 record, or 0 */
  guint64        time;     /* of its last version 2 record, or 0 */
} RAuthor;

/* Reads the kind, and after the escape (kind 0) the fields of a version 2
 * envelope, given the author's last key id and time. */
static gboolean
read_kind (TafelReader  *r,
           guint32       last_key_id,
           guint64       last_time,
           guint64      *kind,
           guint        *version,
           guint32      *key_id,
           guint64      *time,
           GError      **error)
{
  guint64 v;
  gint64 delta;

  *version = TAFEL_RECORD_VERSION;
  *key_id = 0;
  *time = 0;
  if (!tafel_read_varint_range (r, "record kind", 0, G_MAXUINT32, kind, error))
    return FALSE;
  if (*kind != 0)
    return TRUE;

  *version = TAFEL_RECORD_VERSION_2;
  if (!tafel_read_varint_range (r, "record kind", 2, ((guint64) G_MAXUINT32 << 1) | 1, &v, error))
    return FALSE;
  *kind = v >> 1;
  *key_id = last_key_id;
  if ((v & 1) != 0 && !tafel_read_u32 (r, "record key id", key_id, error))
    return FALSE;
  if (!tafel_read_zigzag (r, "record time", &delta, error))
    return FALSE;
  /* Negated as unsigned: -G_MININT64 does not fit a gint64. */
  if ((delta < 0 && -(guint64) delta > last_time) ||
      (delta > 0 && (guint64) delta > TAFEL_RECORD_MAX_CLOCK - last_time))
    {
      g_set_error_literal (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                           _("A record’s time is beyond the limit"));
      return FALSE;
    }
  *time = (guint64) ((gint64) last_time + delta);
  return TRUE;
}

struct _TafelPayloadReader
{
  GArray     *authors;   /* RAuthor */
  GHashTable *keys;      /* key → index + 1, to refuse an author introduced twice */
  guint       last;
};

TafelPayloadReader *
tafel_payload_reader_new (void)
{
  TafelPayloadReader *reader = g_new0 (TafelPayloadReader, 1);

  reader->authors = g_array_new (FALSE, FALSE, sizeof (RAuthor));
  reader->keys = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, g_free, NULL);
  return reader;
}

void
tafel_payload_reader_free (TafelPayloadReader *reader)
{
  if (reader == NULL)
    return;
  g_array_unref (reader->authors);
  g_hash_table_unref (reader->keys);
  g_free (reader);
}

guint
tafel_payload_reader_get_author_index (TafelPayloadReader *reader)
{
  return reader->last;
}

guint
tafel_payload_reader_get_n_authors (TafelPayloadReader *reader)
{
  return reader->authors->len;
}

gboolean
tafel_payload_reader_parse (TafelPayloadReader  *reader,
                            const guint8        *data,
                            gsize                len,
                            gboolean             peek,
                            TafelPayload        *out,
                            GError             **error)
{
  TafelReader r;
  guint64 head, ref, delta, kind;
  RAuthor *ra;
  gsize rest;
  guint version;
  guint32 key_id;
  guint64 time;

  tafel_reader_init (&r, data, len);
  if (!tafel_read_varint (&r, "record author", &head, error))
    return FALSE;
  ref = head >> 1;
  out->has_signature = (head & 1) != 0;
  if (ref > reader->authors->len)
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_MALFORMED,
                   _("A record names author %" PRIu64 " before it was introduced"), ref);
      return FALSE;
    }
  if (ref == reader->authors->len)
    {
      RAuthor nra = { 0 };

      if (!tafel_read_copy (&r, nra.key.bytes, TAFEL_PUBLIC_KEY_BYTES, "author key", error))
        return FALSE;
      if (g_hash_table_contains (reader->keys, &nra.key))
        {
          g_set_error_literal (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_MALFORMED,
                               _("An author is introduced twice"));
          return FALSE;
        }
      g_array_append_val (reader->authors, nra);
      g_hash_table_insert (reader->keys, g_memdup2 (&nra.key, sizeof nra.key),
                           GUINT_TO_POINTER (reader->authors->len));
    }
  reader->last = (guint) ref;
  ra = &g_array_index (reader->authors, RAuthor, ref);
  out->author = &ra->key;
  if (peek)
    return TRUE;

  if (!tafel_read_varint_range (&r, "lamport step", 1, TAFEL_RECORD_MAX_CLOCK, &delta, error) ||
      !read_kind (&r, ra->key_id, ra->time, &kind, &version, &key_id, &time, error))
    return FALSE;
  if (ra->lamport + delta > TAFEL_RECORD_MAX_CLOCK || ra->seq + 1 > TAFEL_RECORD_MAX_CLOCK)
    {
      g_set_error_literal (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                           _("A record’s clock is beyond the limit"));
      return FALSE;
    }
  rest = tafel_reader_remaining (&r);
  if (out->has_signature)
    {
      if (rest < TAFEL_SIGNATURE_BYTES)
        return tafel_reader_fail_truncated ("record signature", error);
      rest -= TAFEL_SIGNATURE_BYTES;
      memcpy (out->signature.bytes, r.p + rest, TAFEL_SIGNATURE_BYTES);
    }
  if (rest > TAFEL_RECORD_MAX_BYTES)
    {
      g_set_error_literal (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_TOO_LARGE,
                           _("A record is larger than a record may be"));
      return FALSE;
    }
  out->body = r.p;
  out->body_len = rest;
  out->kind = (guint) kind;
  out->version = version;
  out->key_id = key_id;
  out->time = time;
  ra->seq++;
  ra->lamport += delta;
  if (version == TAFEL_RECORD_VERSION_2)
    {
      ra->key_id = key_id;
      ra->time = time;
    }
  out->seq = ra->seq;
  out->lamport = ra->lamport;
  return TRUE;
}

/* ---- Frames -------------------------------------------------------------- */

static void
put_frame (GByteArray   *out,
           const guint8 *payload,
           gsize         len)
{
  guint8 head[12];
  guint n = tafel_varint_write (head, len);
  guint32 hc = tafel_crc32c (0, head, n);
  guint8 crc[4];

  head[n++] = hc & 0xff;
  head[n++] = (hc >> 8) & 0xff;
  g_byte_array_append (out, head, n);
  g_byte_array_append (out, payload, len);
  tafel_store_u32 (crc, tafel_crc32c (0, payload, len));
  g_byte_array_append (out, crc, 4);
}

/* Whether a valid frame starts at @off; on success its payload and the
 * offset after it. */
static gboolean
frame_at (const guint8  *data,
          gsize          size,
          gsize          off,
          const guint8 **payload,
          gsize         *payload_len,
          gsize         *next)
{
  guint64 len = 0;
  guint shift = 0;
  gsize p = off;
  guint32 hc;

  for (;;)
    {
      guint8 b;

      if (p >= size || shift > 21)
        return FALSE;
      b = data[p++];
      len |= (guint64) (b & 0x7f) << shift;
      if (!(b & 0x80))
        {
          if (b == 0 && p - off > 1)
            return FALSE;
          break;
        }
      shift += 7;
    }
  if (len == 0 || len > FRAME_MAX)
    return FALSE;
  if (size - p < 2 || size - p - 2 < len + 4)
    return FALSE;
  hc = tafel_crc32c (0, data + off, p - off);
  if (data[p] != (hc & 0xff) || data[p + 1] != ((hc >> 8) & 0xff))
    return FALSE;
  p += 2;
  if (tafel_load_u32 (data + p + len) != tafel_crc32c (0, data + p, len))
    return FALSE;
  *payload = data + p;
  *payload_len = len;
  *next = p + len + 4;
  return TRUE;
}

/* Whether the frame that fails at @off is the torn end of an interrupted
 * write; if not, @why says what is damaged. */
static gboolean
is_torn_frame (const guint8  *data,
               gsize          size,
               gsize          off,
               const char   **why)
{
  guint64 len = 0;
  guint shift = 0;
  gsize p = off;
  guint32 hc;
  gboolean zeros = TRUE;

  for (gsize i = off; i < size && zeros; i++)
    zeros = data[i] == 0;
  if (zeros)
    return TRUE;

  *why = _("a record’s length is damaged");
  for (;;)
    {
      guint8 b;

      if (p >= size)
        return TRUE;
      if (shift > 21)
        return FALSE;
      b = data[p++];
      len |= (guint64) (b & 0x7f) << shift;
      if (!(b & 0x80))
        break;
      shift += 7;
    }
  if (size - p < 2)
    return TRUE;
  hc = tafel_crc32c (0, data + off, p - off);
  if (len == 0 || len > FRAME_MAX || data[p] != (hc & 0xff) || data[p + 1] != ((hc >> 8) & 0xff))
    return FALSE;
  if (size - p - 2 < len + 4)
    return TRUE;
  *why = _("a record’s checksum does not match");
  return FALSE;
}

/* ---- The log file -------------------------------------------------------- */

struct _TafelLogFile
{
  int                 fd;
  char               *path;
  guint64             size;
  guint32             format;   /* LOG_VERSION or LOG_VERSION_2 */
  TafelPayloadWriter *writer;
};

static gboolean
fail_errno (GError     **error,
            gint         code,
            const char  *path,
            int          saved_errno,
            const char  *what)
{
  g_set_error (error, TAFEL_BOARD_ERROR, code, "%s “%s”: %s", what, path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_all_at (int           fd,
              const guint8 *data,
              gsize         len,
              guint64       offset)
{
  while (len > 0)
    {
      gssize w = pwrite (fd, data, len, (off_t) offset);

      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return FALSE;
      if (w == 0)
        {
          errno = ENOSPC;
          return FALSE;
        }
      data += w;
      len -= (gsize) w;
      offset += (guint64) w;
    }
  return TRUE;
}

static void
sync_dir_of (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

static gboolean
lock_fd (int          fd,
         const char  *path,
         GError     **error)
{
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      if (errno == EWOULDBLOCK)
        g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_BUSY,
                     _("The board is open in another Tafel program (“%s” is locked)"), path);
      else
        fail_errno (error, TAFEL_BOARD_ERROR_IO, path, errno, _("Could not lock the board’s log"));
      return FALSE;
    }
  return TRUE;
}

static void
write_header (guint8        *buf,
              const guint8  *board_id,
              guint32        format)
{
  memcpy (buf, LOG_MAGIC, 8);
  tafel_store_u32 (buf + 8, format);
  memcpy (buf + 12, board_id, TAFEL_BOARD_ID_BYTES);
  tafel_store_u32 (buf + 28, tafel_crc32c (0, buf, 28));
}

TafelLogFile *
tafel_log_file_create (const char    *path,
                       const guint8  *board_id,
                       GError       **error)
{
  g_autoptr(TafelLogFile) file = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp = g_build_filename (dir, ".log-XXXXXX", NULL);
  guint8 header[LOG_HEADER_SIZE];
  int fd;

  /* Written under a temporary name and renamed, so a log file always has
   * its whole header. */
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      fail_errno (error, TAFEL_BOARD_ERROR_IO, tmp, errno, _("Could not create the board’s log"));
      return NULL;
    }
  write_header (header, board_id, LOG_VERSION);
  if (!write_all_at (fd, header, sizeof header, 0) || fsync (fd) != 0 ||
      !lock_fd (fd, path, NULL))
    {
      int saved = errno;

      close (fd);
      g_unlink (tmp);
      fail_errno (error, TAFEL_BOARD_ERROR_IO, path, saved, _("Could not write the board’s log"));
      return NULL;
    }
  if (link (tmp, path) != 0)
    {
      int saved = errno;

      close (fd);
      g_unlink (tmp);
      fail_errno (error, TAFEL_BOARD_ERROR_IO, path, saved, _("Could not create the board’s log"));
      return NULL;
    }
  g_unlink (tmp);
  sync_dir_of (path);

  file = g_new0 (TafelLogFile, 1);
  file->fd = fd;
  file->path = g_strdup (path);
  file->size = LOG_HEADER_SIZE;
  file->format = LOG_VERSION;
  file->writer = tafel_payload_writer_new ();
  return g_steal_pointer (&file);
}

void
tafel_log_file_close (TafelLogFile *file)
{
  if (file == NULL)
    return;
  if (file->fd >= 0)
    close (file->fd);
  g_free (file->path);
  tafel_payload_writer_free (file->writer);
  g_free (file);
}

typedef struct
{
  gsize    first_unsigned;  /* offset of the first frame after the last signed one, or 0 */
  gboolean seen_signed_after;
} TailState;

static gboolean
fail_corrupt (GError     **error,
              const char  *path,
              guint64      offset,
              const char  *why)
{
  g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_DAMAGED_LOG,
               _("The board’s log “%s” is damaged at byte %" PRIu64 " (%s); "
                 "nothing was changed. Repairing it keeps the damaged file as a "
                 "backup and every record that is still intact."), path, offset, why);
  return FALSE;
}

/* Reads and verifies the frames of @data into @log; returns the offset up
 * to which the file is sound, or 0 with @error set. */
static gsize
load_frames (const char         *path,
             const guint8       *data,
             gsize               size,
             guint32             format,
             TafelLog           *log,
             TafelPayloadWriter *writer,
             GError            **error)
{
  g_autoptr(TafelPayloadReader) peek = tafel_payload_reader_new ();
  g_autoptr(TafelPayloadReader) reader = NULL;
  g_autoptr(GArray) tails = g_array_new (FALSE, TRUE, sizeof (TailState));
  gsize off = LOG_HEADER_SIZE, bad = 0, cut;
  gboolean torn = FALSE;

  /* Pass 1: frame integrity, authors, and where each author's signed part
   * ends. */
  while (off < size)
    {
      const guint8 *payload;
      gsize len, next;
      TafelPayload pl;
      g_autoptr(GError) local_error = NULL;
      TailState *ts;

      if (!frame_at (data, size, off, &payload, &len, &next))
        {
          const char *why = NULL;

          if (!is_torn_frame (data, size, off, &why))
            {
              fail_corrupt (error, path, off, why);
              return 0;
            }
          bad = off;
          torn = TRUE;
          break;
        }
      if (!tafel_payload_reader_parse (peek, payload, len, TRUE, &pl, &local_error))
        {
          fail_corrupt (error, path, off, local_error->message);
          return 0;
        }
      if (tails->len < tafel_payload_reader_get_n_authors (peek))
        g_array_set_size (tails, tafel_payload_reader_get_n_authors (peek));
      ts = &g_array_index (tails, TailState, tafel_payload_reader_get_author_index (peek));
      if (pl.has_signature)
        ts->first_unsigned = 0;
      else if (ts->first_unsigned == 0)
        ts->first_unsigned = off;
      off = next;
    }

  cut = torn ? bad : size;

  /* Records after their author's last signature can only be the rest of an
   * interrupted batch: nothing signed may follow them. */
  {
    gsize first_unsigned = cut;

    for (guint i = 0; i < tails->len; i++)
      {
        TailState *ts = &g_array_index (tails, TailState, i);

        if (ts->first_unsigned != 0 && ts->first_unsigned < first_unsigned)
          first_unsigned = ts->first_unsigned;
      }
    if (first_unsigned < cut)
      {
        g_autoptr(TafelPayloadReader) again = tafel_payload_reader_new ();

        /* Re-scan: is there a signed frame at or after first_unsigned? */
        for (off = LOG_HEADER_SIZE; off < cut; )
          {
            const guint8 *payload;
            gsize len, next;
            TafelPayload pl;

            frame_at (data, size, off, &payload, &len, &next);
            tafel_payload_reader_parse (again, payload, len, TRUE, &pl, NULL);
            if (off >= first_unsigned && pl.has_signature)
              {
                fail_corrupt (error, path, first_unsigned,
                              _("records without a signature before signed ones"));
                return 0;
              }
            off = next;
          }
        cut = first_unsigned;
      }
  }

  /* Pass 2: rebuild every record up to the cut. */
  reader = tafel_payload_reader_new ();
  for (off = LOG_HEADER_SIZE; off < cut; )
    {
      const guint8 *payload;
      gsize len, next;
      TafelPayload pl;
      g_autoptr(GError) local_error = NULL;

      frame_at (data, size, off, &payload, &len, &next);
      if (!tafel_payload_reader_parse (reader, payload, len, FALSE, &pl, &local_error) ||
          !tafel_log_append_stored (log, pl.author, pl.lamport, pl.kind, pl.version, pl.key_id,
                                    pl.time, pl.body, pl.body_len,
                                    pl.has_signature ? &pl.signature : NULL, &local_error))
        {
          fail_corrupt (error, path, off, local_error->message);
          return 0;
        }
      /* A file of format 1 stays readable by Tafel 0.1. */
      if (pl.version == TAFEL_RECORD_VERSION_2 && format < LOG_VERSION_2)
        {
          fail_corrupt (error, path, off, _("a version 2 record in a log of format 1"));
          return 0;
        }
      tafel_payload_writer_learn (writer, &pl, len);
      off = next;
    }

  {
    g_autoptr(GError) local_error = NULL;

    if (!tafel_log_verify_heads (log, &local_error))
      {
        fail_corrupt (error, path, LOG_HEADER_SIZE, local_error->message);
        return 0;
      }
  }
  return cut;
}

static TafelLogFile *
open_log (const char    *path,
          const guint8  *board_id,
          TafelLog      *log,
          gboolean       writable,
          GError       **error)
{
  g_autoptr(TafelLogFile) file = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  struct stat st;
  const guint8 *data;
  gsize size, cut;
  guint32 version;

  g_return_val_if_fail (tafel_log_get_n_records (log) == 0, NULL);

  file = g_new0 (TafelLogFile, 1);
  file->fd = open (path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW);
  file->path = g_strdup (path);
  file->writer = tafel_payload_writer_new ();
  if (file->fd < 0)
    {
      fail_errno (error, errno == ENOENT ? TAFEL_BOARD_ERROR_CORRUPT : TAFEL_BOARD_ERROR_IO,
                  path, errno, _("Could not open the board’s log"));
      return NULL;
    }
  if (writable && !lock_fd (file->fd, path, error))
    return NULL;
  if (fstat (file->fd, &st) != 0)
    {
      fail_errno (error, TAFEL_BOARD_ERROR_IO, path, errno, _("Could not read the board’s log"));
      return NULL;
    }
  size = (gsize) st.st_size;
  if (size < LOG_HEADER_SIZE)
    {
      fail_corrupt (error, path, 0, _("the header is missing"));
      return NULL;
    }

  mapped = g_mapped_file_new_from_fd (file->fd, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_IO, "%s", local_error->message);
      return NULL;
    }
  data = (const guint8 *) g_mapped_file_get_contents (mapped);

  version = tafel_load_u32 (data + 8);
  if (memcmp (data, LOG_MAGIC, 8) != 0 || tafel_load_u32 (data + 28) != tafel_crc32c (0, data, 28))
    {
      fail_corrupt (error, path, 0, _("the header is not a Tafel log header"));
      return NULL;
    }
  if (version > LOG_VERSION_2)
    {
      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_NEWER_VERSION,
                   _("The board’s log “%s” was written by a newer version of Tafel (format %u)"),
                   path, version);
      return NULL;
    }
  if (memcmp (data + 12, board_id, TAFEL_BOARD_ID_BYTES) != 0)
    {
      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_CORRUPT,
                   _("The board’s log “%s” belongs to another board; nothing was changed"), path);
      return NULL;
    }

  file->format = version;

  cut = load_frames (path, data, size, version, log, file->writer, error);
  if (cut == 0)
    return NULL;
  g_clear_pointer (&mapped, g_mapped_file_unref);

  /* A reader beside the writing process may see an append in progress:
   * it loads what is complete and leaves the file alone. */
  if (cut < size && writable)
    {
      g_warning ("The board’s log “%s” ends inside a write that was interrupted; "
                 "its %zu bytes after byte %zu were never acknowledged and were cut off",
                 path, size - cut, cut);
      if (ftruncate (file->fd, (off_t) cut) != 0 || fsync (file->fd) != 0)
        {
          fail_errno (error, TAFEL_BOARD_ERROR_IO, path, errno, _("Could not repair the board’s log"));
          return NULL;
        }
    }
  file->size = cut;
  return g_steal_pointer (&file);
}

TafelLogFile *
tafel_log_file_open (const char    *path,
                     const guint8  *board_id,
                     TafelLog      *log,
                     GError       **error)
{
  return open_log (path, board_id, log, TRUE, error);
}

gboolean
tafel_log_file_read (const char    *path,
                     const guint8  *board_id,
                     TafelLog      *log,
                     GError       **error)
{
  g_autoptr(TafelLogFile) file = open_log (path, board_id, log, FALSE, error);

  return file != NULL;
}

static gboolean
read_all_at (int      fd,
             guint8  *data,
             gsize    len,
             guint64  offset)
{
  while (len > 0)
    {
      gssize r = pread (fd, data, len, (off_t) offset);

      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return FALSE;
      if (r == 0)
        {
          errno = EIO;
          return FALSE;
        }
      data += r;
      len -= (gsize) r;
      offset += (guint64) r;
    }
  return TRUE;
}

/* Rewrites a log of format 1 as format 2 before its first version 2
 * record goes in (docs/access.md, "Upgrading"): the same frames under a
 * new header, in a new file that is synced and locked before it is
 * renamed over the old one, so the path always holds one whole file and
 * no other process can take the board in between. On failure the old file
 * is left as it was and stays in use. */
static gboolean
upgrade_to_format_2 (TafelLogFile  *file,
                     GError       **error)
{
  g_autofree char *dir = g_path_get_dirname (file->path);
  g_autofree char *tmp = g_build_filename (dir, ".log-XXXXXX", NULL);
  g_autofree guint8 *buf = g_malloc (1024 * 1024);
  guint64 off = 0;
  int out, saved;

  out = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (out < 0)
    return fail_errno (error, TAFEL_BOARD_ERROR_IO, tmp, errno, _("Could not write the board’s log"));
  while (off < file->size)
    {
      gsize n = (gsize) MIN (file->size - off, 1024 * 1024);

      if (!read_all_at (file->fd, buf, n, off))
        goto failed;
      if (off == 0)
        write_header (buf, buf + 12, LOG_VERSION_2);
      if (!write_all_at (out, buf, n, off))
        goto failed;
      off += n;
    }
  if (fsync (out) != 0 || !lock_fd (out, tmp, NULL) || g_rename (tmp, file->path) != 0)
    goto failed;
  sync_dir_of (file->path);
  close (file->fd);
  file->fd = out;
  file->format = LOG_VERSION_2;
  return TRUE;

failed:
  saved = errno;
  close (out);
  g_unlink (tmp);
  return fail_errno (error, TAFEL_BOARD_ERROR_IO, file->path, saved,
                     _("Could not write the board’s log"));
}

gboolean
tafel_log_file_append (TafelLogFile  *file,
                       TafelRecord  **records,
                       guint          n_records,
                       GError       **error)
{
  g_autoptr(GByteArray) buf = NULL;
  g_autoptr(GByteArray) payload = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autofree gboolean *last = NULL;

  if (n_records == 0)
    return TRUE;

  /* Which record is each author's last in this append. */
  last = g_new0 (gboolean, n_records);
  seen = g_hash_table_new (tafel_key_hash, tafel_key_equal);
  for (guint i = n_records; i-- > 0; )
    {
      const TafelPublicKey *key = tafel_record_get_author (records[i]);

      if (!g_hash_table_contains (seen, key))
        {
          g_hash_table_add (seen, (gpointer) key);
          last[i] = TRUE;
          g_return_val_if_fail (tafel_record_get_signature (records[i]) != NULL, FALSE);
        }
    }

  if (file->format < LOG_VERSION_2)
    for (guint i = 0; i < n_records; i++)
      if (tafel_record_get_version (records[i]) == TAFEL_RECORD_VERSION_2)
        {
          if (!upgrade_to_format_2 (file, error))
            return FALSE;
          break;
        }

  buf = g_byte_array_sized_new (n_records * 128);
  payload = g_byte_array_sized_new (4096);
  tafel_payload_writer_begin (file->writer);
  for (guint i = 0; i < n_records; i++)
    {
      gboolean keep = last[i] ||
                      (tafel_record_get_signature (records[i]) != NULL &&
                       tafel_payload_writer_wants_signature (file->writer,
                                                             tafel_record_get_author (records[i])));

      g_byte_array_set_size (payload, 0);
      tafel_payload_writer_put (file->writer, payload, records[i], keep);
      put_frame (buf, payload->data, payload->len);
    }

  if (!write_all_at (file->fd, buf->data, buf->len, file->size))
    {
      int saved = errno;

      /* Leave no partial frame behind: later appends and the next open see
       * the file as it was. */
      if (ftruncate (file->fd, (off_t) file->size) != 0)
        g_warning ("Could not cut the board’s log “%s” back after a failed write: %s",
                   file->path, g_strerror (errno));
      tafel_payload_writer_abort (file->writer);
      fail_errno (error, TAFEL_BOARD_ERROR_IO, file->path, saved, _("Could not write to the board’s log"));
      return FALSE;
    }
  tafel_payload_writer_commit (file->writer);
  file->size += buf->len;
  return TRUE;
}

gboolean
tafel_log_file_sync (TafelLogFile  *file,
                     GError       **error)
{
  if (fdatasync (file->fd) != 0)
    return fail_errno (error, TAFEL_BOARD_ERROR_IO, file->path, errno, _("Could not save the board’s log"));
  return TRUE;
}

guint64
tafel_log_file_get_seq (TafelLogFile         *file,
                        const TafelPublicKey *author)
{
  return tafel_payload_writer_get_seq (file->writer, author);
}

/* ---- Repair -------------------------------------------------------------- */

/* One author's chain while salvaging: records read since the last one
 * that was verified wait in @pending until a stored signature covers them
 * through the hash links. */
typedef struct
{
  TafelPublicKey key;
  gboolean       broken;    /* a record did not verify: the rest is dropped */
  guint64        seq;
  guint64        lamport;
  guint32        key_id;    /* of its last version 2 record */
  guint64        time;
  TafelHash      prev;
  GPtrArray     *pending;   /* TafelRecord */
} SAuthor;

static void
sauthor_free (gpointer data)
{
  SAuthor *sa = data;

  g_clear_pointer (&sa->pending, g_ptr_array_unref);
  g_free (sa);
}

typedef struct
{
  TafelLog      *log;
  GHashTable    *by_index;  /* index → SAuthor */
  GHashTable    *keys;      /* key → SAuthor (borrowed) */
  GPtrArray     *kept;      /* verified records in file order, with the signatures stored */
  guint          n_read;    /* records read from sound frames */
} Salvage;

static void
salvage_drop (Salvage *s,
              SAuthor *sa)
{
  sa->broken = TRUE;
  g_ptr_array_set_size (sa->pending, 0);
}

/* Reads one sound frame's payload. Unlike the strict reader it cannot
 * trust that no frame before it was lost: an author index it does not
 * know may introduce an author or name one whose introduction was lost,
 * and a known author's record may follow a lost one of its own. Both are
 * settled by the next stored signature: a chain that does not verify is
 * dropped from there on. */
static void
salvage_frame (Salvage      *s,
               const guint8 *data,
               gsize         len)
{
  TafelReader r;
  guint64 head, ref, delta, kind;
  gboolean has_sig;
  TafelSignature sig;
  SAuthor *sa;
  gsize rest;
  guint version;
  guint32 key_id;
  guint64 time;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(TafelRecord) record = NULL;

  tafel_reader_init (&r, data, len);
  if (!tafel_read_varint (&r, "record author", &head, NULL))
    return;
  ref = head >> 1;
  has_sig = (head & 1) != 0;
  sa = g_hash_table_lookup (s->by_index, GUINT_TO_POINTER ((guint) ref));
  if (ref > G_MAXUINT)
    return;
  if (sa == NULL)
    {
      TafelPublicKey key;

      if (!tafel_read_copy (&r, key.bytes, TAFEL_PUBLIC_KEY_BYTES, "author key", NULL))
        return;
      sa = g_new0 (SAuthor, 1);
      sa->key = key;
      sa->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
      /* A key seen before under another index cannot be a true
       * introduction: the index named an author whose introduction was
       * lost. */
      if (g_hash_table_contains (s->keys, &key))
        sa->broken = TRUE;
      else
        g_hash_table_insert (s->keys, &sa->key, sa);
      g_hash_table_insert (s->by_index, GUINT_TO_POINTER ((guint) ref), sa);
    }
  s->n_read++;
  if (sa->broken)
    return;

  if (!tafel_read_varint_range (&r, "lamport step", 1, TAFEL_RECORD_MAX_CLOCK, &delta, NULL) ||
      !read_kind (&r, sa->key_id, sa->time, &kind, &version, &key_id, &time, NULL) ||
      sa->lamport + delta > TAFEL_RECORD_MAX_CLOCK || sa->seq + 1 > TAFEL_RECORD_MAX_CLOCK)
    {
      salvage_drop (s, sa);
      return;
    }
  rest = tafel_reader_remaining (&r);
  if (has_sig)
    {
      if (rest < TAFEL_SIGNATURE_BYTES)
        {
          salvage_drop (s, sa);
          return;
        }
      rest -= TAFEL_SIGNATURE_BYTES;
      memcpy (sig.bytes, r.p + rest, TAFEL_SIGNATURE_BYTES);
    }
  if (rest > TAFEL_RECORD_MAX_BYTES)
    {
      salvage_drop (s, sa);
      return;
    }

  body = g_bytes_new (r.p, rest);
  if (version == TAFEL_RECORD_VERSION_2)
    {
      if (tafel_record_get_encoded_size_for_v2 (sa->seq + 1, sa->lamport + delta, (guint) kind,
                                                time, rest) > TAFEL_RECORD_MAX_BYTES)
        {
          salvage_drop (s, sa);
          return;
        }
      record = tafel_record_new_v2 (&sa->key, sa->seq + 1, sa->seq == 0 ? NULL : &sa->prev,
                                    sa->lamport + delta, (guint) kind, key_id, time, body,
                                    has_sig ? &sig : NULL);
      sa->key_id = key_id;
      sa->time = time;
    }
  else if (tafel_record_get_encoded_size_for (sa->seq + 1, sa->lamport + delta, (guint) kind,
                                              rest) > TAFEL_RECORD_MAX_BYTES)
    {
      salvage_drop (s, sa);
      return;
    }
  else
    record = tafel_record_new (&sa->key, sa->seq + 1, sa->seq == 0 ? NULL : &sa->prev,
                               sa->lamport + delta, (guint) kind, body, has_sig ? &sig : NULL);
  sa->seq++;
  sa->lamport += delta;
  sa->prev = *tafel_record_get_id (record);
  g_ptr_array_add (sa->pending, g_steal_pointer (&record));
  if (has_sig)
    {
      /* The signature covers the pending records through their links; the
       * log checks the links, the signature and the bodies. */
      if (!tafel_log_add_run (s->log, (TafelRecord **) sa->pending->pdata, sa->pending->len, NULL))
        {
          salvage_drop (s, sa);
          return;
        }
      for (guint i = 0; i < sa->pending->len; i++)
        g_ptr_array_add (s->kept, tafel_record_ref (sa->pending->pdata[i]));
      g_ptr_array_set_size (sa->pending, 0);
    }
}

/* Reads every sound frame of @data (skipping damaged bytes) into @log;
 * returns the records kept in file order (with the signatures the file
 * stored, so the new log keeps them), how many records were read and how
 * many bytes were unreadable. */
static GPtrArray *
salvage (const guint8 *data,
         gsize         size,
         TafelLog     *log,
         guint        *n_read,
         guint64      *damaged_bytes)
{
  Salvage s = { 0 };
  gsize off = LOG_HEADER_SIZE;

  s.log = log;
  s.kept = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  s.by_index = g_hash_table_new_full (NULL, NULL, NULL, sauthor_free);
  s.keys = g_hash_table_new (tafel_key_hash, tafel_key_equal);
  *damaged_bytes = 0;
  while (off < size)
    {
      const guint8 *payload;
      gsize len, next;

      if (frame_at (data, size, off, &payload, &len, &next))
        {
          salvage_frame (&s, payload, len);
          off = next;
        }
      else
        {
          (*damaged_bytes)++;
          off++;
        }
    }
  *n_read = s.n_read;
  g_hash_table_unref (s.keys);
  g_hash_table_unref (s.by_index);
  return s.kept;
}

/**
 * tafel_log_file_repair:
 * @path: a damaged log file
 * @board_id: the board it belongs to
 * @backup_path: where the damaged file is kept, which must not exist
 * @n_kept: (out): records in the new log
 * @n_dropped: (out): records read from sound frames but not kept, because
 *   no stored signature that follows them could be verified
 * @damaged_bytes: (out): bytes that were not part of any sound frame
 * @error: return location for a #GError
 *
 * Keeps the damaged file as @backup_path (a hard link to the very same
 * bytes) and replaces @path by a new log of every record that is still
 * intact and verified: each author's chain up to the last stored signature
 * that verifies. Nothing is repaired while another process holds the log
 * (TAFEL_BOARD_ERROR_BUSY).
 */
gboolean
tafel_log_file_repair (const char    *path,
                       const guint8  *board_id,
                       const char    *backup_path,
                       guint         *n_kept,
                       guint         *n_dropped,
                       guint64       *damaged_bytes,
                       GError       **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(TafelLog) log = tafel_log_new ();
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GByteArray) buf = NULL;
  g_autoptr(GByteArray) payload = NULL;
  g_autoptr(TafelPayloadWriter) writer = tafel_payload_writer_new ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp = g_build_filename (dir, ".log-XXXXXX", NULL);
  const guint8 *data;
  gsize size;
  guint n_read;
  int fd, out;

  fd = open (path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return fail_errno (error, TAFEL_BOARD_ERROR_IO, path, errno, _("Could not open the board’s log"));
  if (!lock_fd (fd, path, error))
    {
      close (fd);
      return FALSE;
    }
  mapped = g_mapped_file_new_from_fd (fd, FALSE, NULL);
  data = mapped != NULL ? (const guint8 *) g_mapped_file_get_contents (mapped) : NULL;
  size = mapped != NULL ? g_mapped_file_get_length (mapped) : 0;
  /* The header may be damaged too: the board id comes from the metadata
   * and the header is written anew. */
  if (size > LOG_HEADER_SIZE)
    records = salvage (data, size, log, &n_read, damaged_bytes);
  else
    {
      records = g_ptr_array_new ();
      n_read = 0;
      *damaged_bytes = size;
    }

  buf = g_byte_array_sized_new (LOG_HEADER_SIZE + records->len * 128);
  g_byte_array_set_size (buf, LOG_HEADER_SIZE);
  {
    guint32 format = LOG_VERSION;

    for (guint i = 0; i < records->len; i++)
      if (tafel_record_get_version (records->pdata[i]) == TAFEL_RECORD_VERSION_2)
        format = LOG_VERSION_2;
    write_header (buf->data, board_id, format);
  }
  payload = g_byte_array_new ();
  for (guint i = 0; i < records->len; i++)
    {
      TafelRecord *record = records->pdata[i];

      g_byte_array_set_size (payload, 0);
      tafel_payload_writer_put (writer, payload, record, tafel_record_get_signature (record) != NULL);
      put_frame (buf, payload->data, payload->len);
    }

  out = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (out < 0)
    {
      int saved = errno;

      close (fd);
      return fail_errno (error, TAFEL_BOARD_ERROR_IO, tmp, saved, _("Could not write the board’s log"));
    }
  if (!write_all_at (out, buf->data, buf->len, 0) || fsync (out) != 0)
    {
      int saved = errno;

      close (out);
      g_unlink (tmp);
      close (fd);
      return fail_errno (error, TAFEL_BOARD_ERROR_IO, tmp, saved, _("Could not write the board’s log"));
    }
  close (out);
  /* The backup first: whatever happens next, the damaged bytes are kept. */
  if (link (path, backup_path) != 0)
    {
      int saved = errno;

      g_unlink (tmp);
      close (fd);
      return fail_errno (error, TAFEL_BOARD_ERROR_IO, backup_path, saved,
                         _("Could not keep a backup of the board’s log"));
    }
  if (g_rename (tmp, path) != 0)
    {
      int saved = errno;

      g_unlink (tmp);
      close (fd);
      return fail_errno (error, TAFEL_BOARD_ERROR_IO, path, saved, _("Could not write the board’s log"));
    }
  sync_dir_of (path);
  close (fd);

  *n_kept = records->len;
  *n_dropped = n_read - records->len;
  return TRUE;
}
