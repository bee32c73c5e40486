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
 * BLAKE2b-256. The whole envelope is at most TAFEL_RECORD_MAX_BYTES. */

G_DEFINE_QUARK (tafel-record-error-quark, tafel_record_error)

struct _TafelRecord
{
  gatomicrefcount ref_count;
  guint           kind;
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

gsize
tafel_record_write_header (guint8               *buf,
                           const TafelPublicKey *author,
                           guint64               seq,
                           const TafelHash      *prev,
                           guint64               lamport,
                           guint                 kind,
                           gsize                 body_len)
{
  gsize n = 0;

  buf[n++] = TAFEL_RECORD_VERSION;
  memcpy (buf + n, author->bytes, TAFEL_PUBLIC_KEY_BYTES);
  n += TAFEL_PUBLIC_KEY_BYTES;
  n += tafel_varint_write (buf + n, seq);
  memcpy (buf + n, prev != NULL ? prev->bytes : zero_hash.bytes, TAFEL_HASH_BYTES);
  n += TAFEL_HASH_BYTES;
  n += tafel_varint_write (buf + n, lamport);
  n += tafel_varint_write (buf + n, kind);
  n += tafel_varint_write (buf + n, body_len);
  return n;
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
  guint8 header[TAFEL_RECORD_HEADER_MAX];
  gsize header_len;
  gsize body_len;
  gconstpointer body_data;
  TafelHash id;

  g_return_val_if_fail (author != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (seq >= 1 && seq <= TAFEL_RECORD_MAX_CLOCK, NULL);
  g_return_val_if_fail (lamport >= 1 && lamport <= TAFEL_RECORD_MAX_CLOCK, NULL);
  g_return_val_if_fail (kind >= 1, NULL);
  g_return_val_if_fail (seq != 1 || prev == NULL || tafel_hash_equal (prev, &zero_hash), NULL);
  g_return_val_if_fail (seq == 1 || (prev != NULL && !tafel_hash_equal (prev, &zero_hash)), NULL);

  body_data = g_bytes_get_data (body, &body_len);
  g_return_val_if_fail (encoded_size (seq, lamport, kind, body_len, TRUE) <= TAFEL_RECORD_MAX_BYTES,
                        NULL);

  header_len = tafel_record_write_header (header, author, seq, prev, lamport, kind, body_len);
  tafel_record_compute_id (&id, header, header_len, body_data, body_len);

  return tafel_record_new_with_id (author, seq, prev, lamport, kind, body, signature, &id);
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
  guint8 header[TAFEL_RECORD_HEADER_MAX];
  gsize header_len, body_len;
  gconstpointer body;
  GByteArray *out;

  g_return_val_if_fail (record != NULL, NULL);

  body = g_bytes_get_data (record->body, &body_len);
  header_len = tafel_record_write_header (header, &record->author, record->seq, &record->prev,
                                          record->lamport, record->kind, body_len);
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
  return encoded_size (record->seq, record->lamport, record->kind,
                       g_bytes_get_size (record->body), record->has_signature);
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
  guint8 header[TAFEL_RECORD_HEADER_MAX];
  gsize header_len, body_len;
  gconstpointer body;
  GByteArray *out;

  g_return_val_if_fail (record != NULL, NULL);

  body = g_bytes_get_data (record->body, &body_len);
  header_len = tafel_record_write_header (header, &record->author, record->seq, &record->prev,
                                          record->lamport, record->kind, body_len);
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
  guint64 seq, lamport, kind;
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
  if (version > TAFEL_RECORD_VERSION)
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_UNSUPPORTED,
                   _("The record has format version %u; this version of Tafel reads up to %u"),
                   version, TAFEL_RECORD_VERSION);
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
      !tafel_read_varint_range (&r, "record kind", 1, G_MAXUINT32, &kind, error) ||
      !tafel_read_blob (&r, "record body", TAFEL_RECORD_MAX_BYTES, &body, &body_len, error))
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

  if (!tafel_record_validate_body ((guint) kind, body, body_len, &box, error))
    return NULL;

  tafel_record_compute_id (&id, data, header_len, body, body_len);
  body_bytes = g_bytes_new (body, body_len);
  record = tafel_record_new_with_id ((const TafelPublicKey *) author, seq, (const TafelHash *) prev,
                                     lamport, (guint) kind, body_bytes,
                                     sig_flag ? &sig : NULL, &id);
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
  if (!tafel_record_validate_body (record->kind, data, len, &record->stroke_box, error))
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
