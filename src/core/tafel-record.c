/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tafel-bytes.h"
#include "tafel-record-private.h"
#include "tafel-record.h"

/* The record envelope, version 1:
 *
 *   u8      version   1
 *   32      author    Ed25519 public key
 *   varint  seq       1 … TAFEL_RECORD_MAX_CLOCK
 *   32      prev      id of the author's record seq - 1; zeros iff seq = 1
 *   varint  lamport   1 … TAFEL_RECORD_MAX_CLOCK
 *   varint  kind      1 … 2^32 - 1
 *   varint  body length, then the body
 *   u8      0: no signature, 1: a signature follows
 *   64      signature (if flagged)
 *
 * Varints are minimal LEB128, so a record has exactly one encoding with a
 * signature and one without. The signed bytes are the signing context
 * followed by everything up to the signature flag; the id is their
 * BLAKE2b-256. The whole envelope is at most TAFEL_RECORD_MAX_BYTES.
 *
 * Version 2 (docs/access.md) is the same with two fields after the kind:
 *
 *   u32     key id    little-endian; 0 for epoch 0, else the first 4 bytes
 *                     of the epoch record's id
 *   varint  time      ms since 1970, 0 … TAFEL_RECORD_MAX_CLOCK (a claim)
 *
 * and the body of a content kind (1–63) is XChaCha20 ciphertext under the
 * key id's body key B, with the nonce BLAKE2b-192 keyed with B over every
 * envelope byte before the body. The signature, the id and the limits are
 * those of version 1, over the envelope as it is (the ciphertext), so a
 * peer without the key checks them all. */

G_DEFINE_QUARK (tafel-record-error-quark, tafel_record_error)

struct _TafelRecord
{
  gatomicrefcount ref_count;
  guint           kind;
  guint8          version;
  guint32         key_id;        /* version 2 */
  guint64         time;          /* version 2 */
  gboolean        has_signature;
  gboolean        body_checked;  /* the body passed tafel_record_validate_body() */
  TafelStrokeBox  stroke_box;    /* what that found out about a stroke */
  guint64         seq;
  guint64         lamport;
  GBytes         *body;
  TafelPublicKey  author;
  TafelHash       prev;
  TafelHash       id;
  TafelSignature  signature;
};

static const TafelHash zero_hash;

/* What both envelope versions start with: version, author, seq, prev,
 * lamport and kind. */
static gsize
write_header_start (guint8               *buf,
                    guint8                version,
                    const TafelPublicKey *author,
                    guint64               seq,
                    const TafelHash      *prev,
                    guint64               lamport,
                    guint                 kind)
{
  gsize n = 0;

  buf[n++] = version;
  memcpy (buf + n, author->bytes, TAFEL_PUBLIC_KEY_BYTES);
  n += TAFEL_PUBLIC_KEY_BYTES;
  n += tafel_varint_write (buf + n, seq);
  memcpy (buf + n, prev != NULL ? prev->bytes : zero_hash.bytes, TAFEL_HASH_BYTES);
  n += TAFEL_HASH_BYTES;
  n += tafel_varint_write (buf + n, lamport);
  n += tafel_varint_write (buf + n, kind);
  return n;
}

gsize
tafel_record_write_header (guint8               *buf,
                           const TafelPublicKey *author,
                           guint64               seq,
                           const TafelHash      *prev,
                           guint64               lamport,
                           guint                 kind,
                           gsize                 body_len)
{
  gsize n = write_header_start (buf, TAFEL_RECORD_VERSION, author, seq, prev, lamport, kind);

  n += tafel_varint_write (buf + n, body_len);
  return n;
}

gsize
tafel_record_write_header_v2 (guint8               *buf,
                              const TafelPublicKey *author,
                              guint64               seq,
                              const TafelHash      *prev,
                              guint64               lamport,
                              guint                 kind,
                              guint32               key_id,
                              guint64               time,
                              gsize                 body_len)
{
  gsize n = write_header_start (buf, TAFEL_RECORD_VERSION_2, author, seq, prev, lamport, kind);

  tafel_store_u32 (buf + n, key_id);
  n += 4;
  n += tafel_varint_write (buf + n, time);
  n += tafel_varint_write (buf + n, body_len);
  return n;
}

/* The header of @record as it is encoded, into a buffer of
 * TAFEL_RECORD_V2_HEADER_MAX bytes. */
static gsize
record_write_header (TafelRecord *record,
                     guint8      *buf,
                     gsize        body_len)
{
  if (record->version == TAFEL_RECORD_VERSION_2)
    return tafel_record_write_header_v2 (buf, &record->author, record->seq, &record->prev,
                                         record->lamport, record->kind, record->key_id,
                                         record->time, body_len);
  return tafel_record_write_header (buf, &record->author, record->seq, &record->prev,
                                    record->lamport, record->kind, body_len);
}

void
tafel_record_compute_id (TafelHash     *id,
                         const guint8  *header,
                         gsize          header_len,
                         gconstpointer  body,
                         gsize          body_len)
{
  TafelHashState state;

  tafel_hash_init (&state, NULL, 0);
  tafel_hash_update (&state, TAFEL_RECORD_SIGNING_CONTEXT, TAFEL_RECORD_SIGNING_CONTEXT_LEN);
  tafel_hash_update (&state, header, header_len);
  tafel_hash_update (&state, body, body_len);
  tafel_hash_final (&state, id->bytes, TAFEL_HASH_BYTES);
}

static gsize
encoded_size (guint64 seq,
              guint64 lamport,
              guint   kind,
              gsize   body_len,
              gboolean signed_)
{
  return 1 + TAFEL_PUBLIC_KEY_BYTES + tafel_varint_size (seq) + TAFEL_HASH_BYTES +
         tafel_varint_size (lamport) + tafel_varint_size (kind) +
         tafel_varint_size (body_len) + body_len + 1 +
         (signed_ ? TAFEL_SIGNATURE_BYTES : 0);
}

TafelRecord *
tafel_record_new_with_id (const TafelPublicKey *author,
                          guint64               seq,
                          const TafelHash      *prev,
                          guint64               lamport,
                          guint                 kind,
                          GBytes               *body,
                          const TafelSignature *signature,
                          const TafelHash      *id)
{
  TafelRecord *self = g_new (TafelRecord, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->version = TAFEL_RECORD_VERSION;
  self->key_id = 0;
  self->time = 0;
  self->seq = seq;
  self->lamport = lamport;
  self->body = g_bytes_ref (body);
  self->author = *author;
  self->prev = prev != NULL ? *prev : zero_hash;
  self->id = *id;
  self->has_signature = signature != NULL;
  self->body_checked = FALSE;
  self->stroke_box.valid = FALSE;
  if (signature != NULL)
    self->signature = *signature;
  else
    memset (&self->signature, 0, sizeof self->signature);
  return self;
}

/* tafel_record_new() and tafel_record_new_v2(): checks the rules, builds
 * the record and computes its id over its header and body. */
static TafelRecord *
record_new (guint                 version,
            const TafelPublicKey *author,
            guint64               seq,
            const TafelHash      *prev,
            guint64               lamport,
            guint                 kind,
            guint32               key_id,
            guint64               time,
            GBytes               *body,
            const TafelSignature *signature)
{
  guint8 header[TAFEL_RECORD_V2_HEADER_MAX];
  gsize header_len, body_len, size;
  gconstpointer body_data;
  TafelRecord *self;

  g_return_val_if_fail (author != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (seq >= 1 && seq <= TAFEL_RECORD_MAX_CLOCK, NULL);
  g_return_val_if_fail (lamport >= 1 && lamport <= TAFEL_RECORD_MAX_CLOCK, NULL);
  g_return_val_if_fail (time <= TAFEL_RECORD_MAX_CLOCK, NULL);
  g_return_val_if_fail (kind >= 1, NULL);
  g_return_val_if_fail (seq != 1 || prev == NULL || tafel_hash_equal (prev, &zero_hash), NULL);
  g_return_val_if_fail (seq == 1 || (prev != NULL && !tafel_hash_equal (prev, &zero_hash)), NULL);

  body_data = g_bytes_get_data (body, &body_len);
  size = version == TAFEL_RECORD_VERSION_2
         ? tafel_record_get_encoded_size_for_v2 (seq, lamport, kind, time, body_len)
         : encoded_size (seq, lamport, kind, body_len, TRUE);
  g_return_val_if_fail (size <= TAFEL_RECORD_MAX_BYTES, NULL);

  self = version == TAFEL_RECORD_VERSION_2
         ? tafel_record_new_with_id_v2 (author, seq, prev, lamport, kind, key_id, time, body,
                                        signature, &zero_hash)
         : tafel_record_new_with_id (author, seq, prev, lamport, kind, body, signature, &zero_hash);
  header_len = record_write_header (self, header, body_len);
  tafel_record_compute_id (&self->id, header, header_len, body_data, body_len);
  return self;
}

/**
 * tafel_record_new:
 * @author: the author's public key
 * @seq: the author's sequence number, 1 … TAFEL_RECORD_MAX_CLOCK
 * @prev: (nullable): id of the author's record @seq - 1; %NULL or zeros
 *   for seq 1, never zeros otherwise
 * @lamport: the Lamport clock, 1 … TAFEL_RECORD_MAX_CLOCK
 * @kind: the record kind, ≥ 1 (unknown kinds are allowed)
 * @body: the kind's body
 * @signature: (nullable): the author's signature over the signed bytes
 *
 * Builds a record and computes its id. The encoded envelope must fit
 * TAFEL_RECORD_MAX_BYTES; breaking any of these rules is a programming
 * error. The signature is not checked here.
 *
 * Returns: (transfer full): a new record
 */
TafelRecord *
tafel_record_new (const TafelPublicKey *author,
                  guint64               seq,
                  const TafelHash      *prev,
                  guint64               lamport,
                  guint                 kind,
                  GBytes               *body,
                  const TafelSignature *signature)
{
  return record_new (TAFEL_RECORD_VERSION, author, seq, prev, lamport, kind, 0, 0, body, signature);
}

TafelRecord *
tafel_record_ref (TafelRecord *record)
{
  g_return_val_if_fail (record != NULL, NULL);

  g_atomic_ref_count_inc (&record->ref_count);
  return record;
}

void
tafel_record_unref (TafelRecord *record)
{
  g_return_if_fail (record != NULL);

  if (g_atomic_ref_count_dec (&record->ref_count))
    {
      g_bytes_unref (record->body);
      g_free (record);
    }
}

const TafelHash *
tafel_record_get_id (TafelRecord *record)
{
  g_return_val_if_fail (record != NULL, NULL);
  return &record->id;
}

const TafelPublicKey *
tafel_record_get_author (TafelRecord *record)
{
  g_return_val_if_fail (record != NULL, NULL);
  return &record->author;
}

guint64
tafel_record_get_seq (TafelRecord *record)
{
  g_return_val_if_fail (record != NULL, 0);
  return record->seq;
}

const TafelHash *
tafel_record_get_prev (TafelRecord *record)
{
  g_return_val_if_fail (record != NULL, NULL);
  return &record->prev;
}

guint64
tafel_record_get_lamport (TafelRecord *record)
{
  g_return_val_if_fail (record != NULL, 0);
  return record->lamport;
}

guint
tafel_record_get_kind (TafelRecord *record)
{
  g_return_val_if_fail (record != NULL, 0);
  return record->kind;
}

/**
 * tafel_record_get_body:
 * @record: a record
 *
 * Returns: (transfer none): the body
 */
GBytes *
tafel_record_get_body (TafelRecord *record)
{
  g_return_val_if_fail (record != NULL, NULL);
  return record->body;
}

const TafelSignature *
tafel_record_get_signature (TafelRecord *record)
{
  g_return_val_if_fail (record != NULL, NULL);
  return record->has_signature ? &record->signature : NULL;
}

/**
 * tafel_record_with_signature:
 * @record: a record
 * @signature: (nullable): the signature to attach, or %NULL to drop it
 *
 * Returns: (transfer full): a record with the same content and id as
 *   @record and @signature
 */
TafelRecord *
tafel_record_with_signature (TafelRecord          *record,
                             const TafelSignature *signature)
{
  TafelRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = tafel_record_new_with_id (&record->author, record->seq, &record->prev,
                                   record->lamport, record->kind, record->body,
                                   signature, &record->id);
  copy->version = record->version;
  copy->key_id = record->key_id;
  copy->time = record->time;
  copy->body_checked = record->body_checked;
  copy->stroke_box = record->stroke_box;
  return copy;
}

/**
 * tafel_record_dup_signed_bytes:
 * @record: a record
 *
 * The bytes the signature is made over and the id is the hash of: the
 * signing context "tafel-record\n" followed by the envelope without the
 * signature part.
 *
 * Returns: (transfer full): the signed bytes
 */
GBytes *
tafel_record_dup_signed_bytes (TafelRecord *record)
{
  guint8 header[TAFEL_RECORD_V2_HEADER_MAX];
  gsize header_len, body_len;
  gconstpointer body;
  GByteArray *out;

  g_return_val_if_fail (record != NULL, NULL);

  body = g_bytes_get_data (record->body, &body_len);
  header_len = record_write_header (record, header, body_len);
  out = g_byte_array_sized_new (TAFEL_RECORD_SIGNING_CONTEXT_LEN + header_len + body_len);
  tafel_put_bytes (out, TAFEL_RECORD_SIGNING_CONTEXT, TAFEL_RECORD_SIGNING_CONTEXT_LEN);
  tafel_put_bytes (out, header, header_len);
  tafel_put_bytes (out, body, body_len);
  return g_byte_array_free_to_bytes (out);
}

/**
 * tafel_record_verify_signature:
 * @record: a record
 * @error: return location for a #GError
 *
 * Checks that @record carries a signature by its author over its signed
 * bytes.
 *
 * Returns: %TRUE when the signature is valid; otherwise fails with
 *   TAFEL_RECORD_ERROR_UNSIGNED or TAFEL_RECORD_ERROR_BAD_SIGNATURE
 */
gboolean
tafel_record_verify_signature (TafelRecord  *record,
                               GError      **error)
{
  g_autoptr(GBytes) signed_bytes = NULL;
  gsize len;
  gconstpointer data;

  g_return_val_if_fail (record != NULL, FALSE);

  if (!record->has_signature)
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_UNSIGNED,
                   _("Record %" PRIu64 " carries no signature"), record->seq);
      return FALSE;
    }

  signed_bytes = tafel_record_dup_signed_bytes (record);
  data = g_bytes_get_data (signed_bytes, &len);
  if (!tafel_verify (&record->signature, &record->author, data, len))
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_BAD_SIGNATURE,
                   _("The signature of record %" PRIu64 " does not match its author and content"),
                   record->seq);
      return FALSE;
    }
  return TRUE;
}

/**
 * tafel_record_compare_order:
 * @a: a record
 * @b: another record
 *
 * Orders records by (lamport, author key, seq): the board's z-order and the
 * order of chat messages.
 *
 * Returns: negative, zero or positive as @a sorts before, with or after @b
 */
int
tafel_record_compare_order (TafelRecord *a,
                            TafelRecord *b)
{
  return tafel_order_compare (a->lamport, &a->author, a->seq, b->lamport, &b->author, b->seq);
}

gsize
tafel_record_get_encoded_size (TafelRecord *record)
{
  gsize size = encoded_size (record->seq, record->lamport, record->kind,
                             g_bytes_get_size (record->body), record->has_signature);

  if (record->version == TAFEL_RECORD_VERSION_2)
    size += 4 + tafel_varint_size (record->time);
  return size;
}

/**
 * tafel_record_encode:
 * @record: a record
 *
 * Encodes @record as a self-contained envelope (see the format at the top
 * of this file), with its signature if it carries one.
 *
 * Returns: (transfer full): the envelope
 */
GBytes *
tafel_record_encode (TafelRecord *record)
{
  guint8 header[TAFEL_RECORD_V2_HEADER_MAX];
  gsize header_len, body_len;
  gconstpointer body;
  GByteArray *out;

  g_return_val_if_fail (record != NULL, NULL);

  body = g_bytes_get_data (record->body, &body_len);
  header_len = record_write_header (record, header, body_len);
  out = g_byte_array_sized_new (tafel_record_get_encoded_size (record));
  tafel_put_bytes (out, header, header_len);
  tafel_put_bytes (out, body, body_len);
  tafel_put_u8 (out, record->has_signature ? 1 : 0);
  if (record->has_signature)
    tafel_put_bytes (out, record->signature.bytes, TAFEL_SIGNATURE_BYTES);
  return g_byte_array_free_to_bytes (out);
}

/**
 * tafel_record_decode:
 * @data: (array length=len): an encoded envelope
 * @len: its length
 * @error: return location for a #GError
 *
 * Parses an envelope and checks its structure and limits: version, sizes,
 * canonical numbers, seq and lamport in range, prev zero exactly for seq 1,
 * a known kind's body valid for its kind, nothing after the end. The
 * signature, if any, is not checked (see tafel_record_verify_signature()).
 *
 * Returns: (transfer full): the record, or %NULL with @error set
 */
TafelRecord *
tafel_record_decode (gconstpointer   data,
                     gsize           len,
                     GError        **error)
{
  TafelReader r;
  guint8 version, sig_flag;
  const guint8 *author, *prev, *body;
  guint64 seq, lamport, kind, time = 0;
  guint32 key_id = 0;
  gsize body_len, header_len;
  TafelSignature sig;
  TafelHash id;
  TafelStrokeBox box = { FALSE };
  g_autoptr(GBytes) body_bytes = NULL;
  TafelRecord *record;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len > TAFEL_RECORD_MAX_BYTES)
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_TOO_LARGE,
                   _("The record is %zu bytes long, more than the limit of %d"),
                   len, TAFEL_RECORD_MAX_BYTES);
      return NULL;
    }

  tafel_reader_init (&r, data, len);
  if (!tafel_read_u8 (&r, "record version", &version, error))
    return NULL;
  if (version > TAFEL_RECORD_VERSION_MAX)
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_UNSUPPORTED,
                   _("The record has format version %u; this version of Tafel reads up to %u"),
                   version, TAFEL_RECORD_VERSION_MAX);
      return NULL;
    }
  if (version == 0)
    {
      g_set_error_literal (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_MALFORMED,
                           _("The data is not a record (version 0)"));
      return NULL;
    }

  if (!tafel_read_raw (&r, TAFEL_PUBLIC_KEY_BYTES, "record author", &author, error) ||
      !tafel_read_varint_range (&r, "record seq", 1, TAFEL_RECORD_MAX_CLOCK, &seq, error) ||
      !tafel_read_raw (&r, TAFEL_HASH_BYTES, "record prev", &prev, error) ||
      !tafel_read_varint_range (&r, "record lamport", 1, TAFEL_RECORD_MAX_CLOCK, &lamport, error) ||
      !tafel_read_varint_range (&r, "record kind", 1, G_MAXUINT32, &kind, error))
    return NULL;
  if (version == TAFEL_RECORD_VERSION_2 &&
      (!tafel_read_u32 (&r, "record key id", &key_id, error) ||
       !tafel_read_varint_range (&r, "record time", 0, TAFEL_RECORD_MAX_CLOCK, &time, error)))
    return NULL;
  if (!tafel_read_blob (&r, "record body", TAFEL_RECORD_MAX_BYTES, &body, &body_len, error))
    return NULL;
  header_len = (gsize) (body - (const guint8 *) data);

  if ((seq == 1) != (memcmp (prev, zero_hash.bytes, TAFEL_HASH_BYTES) == 0))
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                   seq == 1 ? _("Record 1 of an author must not name a previous record")
                            : _("Record %" PRIu64 " does not name its previous record"),
                   seq);
      return NULL;
    }

  if (!tafel_read_u8 (&r, "signature flag", &sig_flag, error))
    return NULL;
  if (sig_flag > 1)
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_MALFORMED,
                   _("The record’s signature flag is %u, not 0 or 1"), sig_flag);
      return NULL;
    }
  if (sig_flag == 1 &&
      !tafel_read_copy (&r, sig.bytes, TAFEL_SIGNATURE_BYTES, "record signature", error))
    return NULL;
  if (!tafel_reader_expect_end (&r, "record", error))
    return NULL;

  if (version == TAFEL_RECORD_VERSION_2)
    {
      /* A content body is ciphertext here: the reader who holds its key
       * checks it (tafel_record_open_body()). */
      if (!TAFEL_RECORD_KIND_IS_CONTENT (kind) &&
          !tafel_control_validate_body ((guint) kind, body, body_len, error))
        return NULL;
    }
  else if (!tafel_record_validate_body ((guint) kind, body, body_len, &box, error))
    return NULL;

  tafel_record_compute_id (&id, data, header_len, body, body_len);
  body_bytes = g_bytes_new (body, body_len);
  if (version == TAFEL_RECORD_VERSION_2)
    record = tafel_record_new_with_id_v2 ((const TafelPublicKey *) author, seq,
                                          (const TafelHash *) prev, lamport, (guint) kind,
                                          key_id, time, body_bytes, sig_flag ? &sig : NULL, &id);
  else
    record = tafel_record_new_with_id ((const TafelPublicKey *) author, seq,
                                       (const TafelHash *) prev, lamport, (guint) kind,
                                       body_bytes, sig_flag ? &sig : NULL, &id);
  record->body_checked = TRUE;
  record->stroke_box = box;
  return record;
}

/**
 * tafel_record_check_body:
 * @record: a record
 * @error: return location for a #GError
 *
 * Checks the record's body the way its kind's decode() does (unknown kinds
 * pass), once: the answer is remembered on the record, and decoded records
 * were checked already. A stroke's box of points is remembered with it.
 *
 * Returns: %FALSE when the body breaks its kind's format or limits
 */
gboolean
tafel_record_check_body (TafelRecord  *record,
                         GError      **error)
{
  gsize len;
  gconstpointer data;

  g_return_val_if_fail (record != NULL, FALSE);

  if (record->body_checked)
    return TRUE;
  data = g_bytes_get_data (record->body, &len);
  if (record->version == TAFEL_RECORD_VERSION_2)
    {
      /* Ciphertext cannot be checked without its key: see
       * tafel_record_open_body(). */
      if (!TAFEL_RECORD_KIND_IS_CONTENT (record->kind) &&
          !tafel_control_validate_body (record->kind, data, len, error))
        return FALSE;
    }
  else if (!tafel_record_validate_body (record->kind, data, len, &record->stroke_box, error))
    return FALSE;
  record->body_checked = TRUE;
  return TRUE;
}

const TafelStrokeBox *
tafel_record_get_stroke_box (TafelRecord *record)
{
  g_return_val_if_fail (record != NULL, NULL);

  return record->stroke_box.valid ? &record->stroke_box : NULL;
}

void
tafel_record_mark_body_checked (TafelRecord *record)
{
  record->body_checked = TRUE;
}

/**
 * tafel_record_get_encoded_size_for:
 * @seq: the record's seq
 * @lamport: its Lamport time
 * @kind: its kind
 * @body_len: the length of its body
 *
 * The size of a signed envelope with these fields, so that a record can be
 * held to TAFEL_RECORD_MAX_BYTES before it is built.
 *
 * Returns: the size in bytes
 */
gsize
tafel_record_get_encoded_size_for (guint64 seq,
                                   guint64 lamport,
                                   guint   kind,
                                   gsize   body_len)
{
  return encoded_size (seq, lamport, kind, body_len, TRUE);
}

/* ---- Envelope version 2 -------------------------------------------------- */

TafelRecord *
tafel_record_new_with_id_v2 (const TafelPublicKey *author,
                             guint64               seq,
                             const TafelHash      *prev,
                             guint64               lamport,
                             guint                 kind,
                             guint32               key_id,
                             guint64               time,
                             GBytes               *body,
                             const TafelSignature *signature,
                             const TafelHash      *id)
{
  TafelRecord *self = tafel_record_new_with_id (author, seq, prev, lamport, kind, body,
                                                signature, id);

  self->version = TAFEL_RECORD_VERSION_2;
  self->key_id = key_id;
  self->time = time;
  return self;
}

/**
 * tafel_record_new_v2:
 * @author: the author's public key
 * @seq: the author's sequence number, 1 … TAFEL_RECORD_MAX_CLOCK
 * @prev: (nullable): id of the author's record @seq - 1 (%NULL for seq 1)
 * @lamport: the Lamport clock, 1 … TAFEL_RECORD_MAX_CLOCK
 * @kind: the record kind, ≥ 1
 * @key_id: the key id of the epoch the record belongs to
 * @time: the author's wall clock in ms since 1970, ≤ TAFEL_RECORD_MAX_CLOCK
 * @body: the body as on the wire (ciphertext for a content kind)
 * @signature: (nullable): the author's signature over the signed bytes
 *
 * Builds a version 2 record and computes its id, with the rules of
 * tafel_record_new(). The signature is not checked here.
 *
 * Returns: (transfer full): a new record
 */
TafelRecord *
tafel_record_new_v2 (const TafelPublicKey *author,
                     guint64               seq,
                     const TafelHash      *prev,
                     guint64               lamport,
                     guint                 kind,
                     guint32               key_id,
                     guint64               time,
                     GBytes               *body,
                     const TafelSignature *signature)
{
  return record_new (TAFEL_RECORD_VERSION_2, author, seq, prev, lamport, kind, key_id, time, body,
                     signature);
}

guint
tafel_record_get_version (TafelRecord *record)
{
  g_return_val_if_fail (record != NULL, 0);
  return record->version;
}

guint32
tafel_record_get_key_id (TafelRecord *record)
{
  g_return_val_if_fail (record != NULL, 0);
  return record->key_id;
}

guint64
tafel_record_get_time (TafelRecord *record)
{
  g_return_val_if_fail (record != NULL, 0);
  return record->time;
}

gboolean
tafel_record_is_encrypted (TafelRecord *record)
{
  g_return_val_if_fail (record != NULL, FALSE);
  return record->version == TAFEL_RECORD_VERSION_2 && TAFEL_RECORD_KIND_IS_CONTENT (record->kind);
}

guint32
tafel_key_id_from_record_id (const TafelHash *epoch_record_id)
{
  g_return_val_if_fail (epoch_record_id != NULL, 0);
  return tafel_load_u32 (epoch_record_id->bytes);
}

gsize
tafel_record_get_encoded_size_for_v2 (guint64 seq,
                                      guint64 lamport,
                                      guint   kind,
                                      guint64 time,
                                      gsize   body_len)
{
  return encoded_size (seq, lamport, kind, body_len, TRUE) + 4 + tafel_varint_size (time);
}

/* XORs @len bytes of @in into @out with the key stream of the body of the
 * record whose header (every envelope byte before the body) is @header. */
static void
body_crypt (guint8        *out,
            gconstpointer  in,
            gsize          len,
            const guint8  *header,
            gsize          header_len,
            const guint8  *body_key)
{
  guint8 nonce[TAFEL_BODY_NONCE_BYTES];

  tafel_body_nonce (nonce, body_key, header, header_len);
  tafel_body_xor (out, in, len, nonce, body_key);
}

/**
 * tafel_record_seal_body:
 * @author: the author's public key
 * @seq: the record's seq
 * @prev: (nullable): id of the author's record @seq - 1
 * @lamport: its Lamport time
 * @kind: its kind
 * @key_id: its key id
 * @time: its time
 * @body_key: (nullable): the 32-byte body key B of @key_id; needed for a
 *   content kind
 * @plain: the plaintext body
 *
 * The body of the version 2 record with this header as it goes on the
 * wire: @plain encrypted for a content kind, @plain itself otherwise.
 *
 * Returns: (transfer full): the body
 */
GBytes *
tafel_record_seal_body (const TafelPublicKey *author,
                        guint64               seq,
                        const TafelHash      *prev,
                        guint64               lamport,
                        guint                 kind,
                        guint32               key_id,
                        guint64               time,
                        const guint8         *body_key,
                        GBytes               *plain)
{
  guint8 header[TAFEL_RECORD_V2_HEADER_MAX];
  gsize header_len, len;
  gconstpointer data;
  guint8 *out;

  g_return_val_if_fail (author != NULL, NULL);
  g_return_val_if_fail (plain != NULL, NULL);

  if (!TAFEL_RECORD_KIND_IS_CONTENT (kind))
    return g_bytes_ref (plain);

  g_return_val_if_fail (body_key != NULL, NULL);
  data = g_bytes_get_data (plain, &len);
  header_len = tafel_record_write_header_v2 (header, author, seq, prev, lamport, kind, key_id,
                                             time, len);
  out = g_malloc (MAX (len, 1));
  body_crypt (out, data, len, header, header_len, body_key);
  return g_bytes_new_take (out, len);
}

/**
 * tafel_record_open_body:
 * @record: a record
 * @lookup: (scope call): gives the body key of a key id
 * @user_data: for @lookup
 * @error: return location for a #GError
 *
 * The plaintext of the record's body. For a version 1 record and a
 * plaintext kind, the body itself (@lookup is not called). For an
 * encrypted one, the body decrypted with the key @lookup gives for the
 * record's key id and checked as its kind's decode() does.
 *
 * Returns: (transfer full): the plaintext, or %NULL with
 *   TAFEL_RECORD_ERROR_UNKNOWN_KEY (no key for the key id) or
 *   TAFEL_RECORD_ERROR_MALFORMED (the decrypted body does not parse)
 */
GBytes *
tafel_record_open_body (TafelRecord       *record,
                        TafelBodyKeyFunc   lookup,
                        gpointer           user_data,
                        GError           **error)
{
  guint8 header[TAFEL_RECORD_V2_HEADER_MAX];
  gsize header_len, len;
  gconstpointer data;
  const guint8 *key;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GError) local_error = NULL;
  guint8 *out;
  char author_hex[TAFEL_PUBLIC_KEY_SHORT_HEX_SIZE];

  g_return_val_if_fail (record != NULL, NULL);

  if (!tafel_record_is_encrypted (record))
    return g_bytes_ref (record->body);

  key = lookup != NULL ? lookup (record->key_id, user_data) : NULL;
  if (key == NULL)
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_UNKNOWN_KEY,
                   _("Record %" PRIu64 " of %s is encrypted with key %08" PRIx32
                     ", which this device does not hold"),
                   record->seq, tafel_public_key_to_short_hex (&record->author, author_hex),
                   record->key_id);
      return NULL;
    }

  data = g_bytes_get_data (record->body, &len);
  header_len = record_write_header (record, header, len);
  out = g_malloc (MAX (len, 1));
  body_crypt (out, data, len, header, header_len, key);
  plain = g_bytes_new_take (out, len);

  if (!tafel_record_validate_body (record->kind, out, len, NULL, &local_error))
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_MALFORMED,
                   _("Record %" PRIu64 " of %s does not make sense once decrypted (%s)"),
                   record->seq, tafel_public_key_to_short_hex (&record->author, author_hex),
                   local_error->message);
      return NULL;
    }
  return g_steal_pointer (&plain);
}
