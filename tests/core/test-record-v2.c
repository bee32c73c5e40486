/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Envelope version 2 and the control bodies (docs/access.md). */
#include "config.h"

#include <string.h>

#include "tafel-core.h"
#include "tafel-identity.h"
#include "tafel-log.h"
#include "tafel-record.h"
#include "tafel-record-private.h"
#include "tafel-test-util.h"

#define KEY_ID   0x5eed1234u
#define TIME_MS  G_GUINT64_CONSTANT (1796000000123)

static guint8 key_b[TAFEL_KEY_BYTES];
static guint8 other_key[TAFEL_KEY_BYTES];

static const guint8 *
lookup_b (guint32  key_id,
          gpointer user_data)
{
  return key_id == KEY_ID ? key_b : NULL;
}

static const guint8 *
lookup_wrong (guint32  key_id,
              gpointer user_data)
{
  return key_id == KEY_ID ? other_key : NULL;
}

static TafelRecord *
make_v2 (TafelIdentity *id,
         guint64        seq,
         guint          kind,
         GBytes        *plain)
{
  TafelHash prev;

  memset (&prev, 0xab, sizeof prev);
  return tafel_identity_sign_record_v2 (id, seq, seq > 1 ? &prev : NULL, 7 * seq, kind, KEY_ID,
                                        key_b, TIME_MS + seq, plain);
}

static TafelRecord *
decode_bytes (GBytes  *enc,
              GError **error)
{
  return tafel_record_decode (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc), error);
}

static void
expect_decode_error (const guint8 *data,
                     gsize         len,
                     gint          code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelRecord) r = tafel_record_decode (data, len, &error);

  g_assert_null (r);
  g_assert_error (error, TAFEL_RECORD_ERROR, code);
  g_assert_nonnull (error->message);
}

/* ---- Sample bodies of every known kind ------------------------------------ */

static void
fill (gpointer p,
      gsize    len,
      guint8   seed)
{
  guint8 *b = p;

  for (gsize i = 0; i < len; i++)
    b[i] = (guint8) (seed + 31 * i);
}

static GBytes *
sample_epoch (void)
{
  TafelEpochMember members[3];
  TafelEpochRemoval removed[1];
  TafelEpoch e = { .epoch = 3, .n_members = 3, .members = members, .n_removed = 1, .removed = removed };

  fill (e.wpk, sizeof e.wpk, 1);
  fill (e.rcheck, sizeof e.rcheck, 2);
  fill (e.scheck, sizeof e.scheck, 3);
  for (guint i = 0; i < 3; i++)
    {
      fill (members[i].key.bytes, TAFEL_PUBLIC_KEY_BYTES, 90 - 10 * i);  /* not sorted */
      members[i].role = (TafelRole) (i * 2);  /* owner, editor, seed */
      fill (members[i].sealed, TAFEL_SEALED_SECRET_BYTES, 40 + i);
    }
  fill (removed[0].key.bytes, TAFEL_PUBLIC_KEY_BYTES, 7);
  removed[0].cut_off = 12;
  return tafel_epoch_encode (&e);
}

static GBytes *
sample_enrol (void)
{
  TafelEnrolVouch vouched[2];
  TafelEnrol e = { .key_id = 0, .n_vouched = 2, .vouched = vouched };

  fill (e.proof.bytes, TAFEL_SIGNATURE_BYTES, 5);
  for (guint i = 0; i < 2; i++)
    {
      fill (vouched[i].author.bytes, TAFEL_PUBLIC_KEY_BYTES, 200 - 50 * i);
      vouched[i].seq = 100 + i;
      fill (vouched[i].head.bytes, TAFEL_HASH_BYTES, 9 + i);
    }
  return tafel_enrol_encode (&e);
}

static GBytes *
sample_role (void)
{
  TafelRoleChange c = { .role = TAFEL_ROLE_ADMIN, .cut_off = 4 };

  fill (c.member.bytes, TAFEL_PUBLIC_KEY_BYTES, 77);
  return tafel_role_change_encode (&c);
}

static GBytes *
sample_member (void)
{
  TafelMemberEntry entries[2];
  TafelMemberSet set = { .n_entries = 2, .entries = entries };

  fill (entries[0].key.bytes, TAFEL_PUBLIC_KEY_BYTES, 60);
  entries[0].role = TAFEL_ROLE_SEED;
  entries[0].key_id = 0;
  fill (entries[1].key.bytes, TAFEL_PUBLIC_KEY_BYTES, 20);
  entries[1].role = TAFEL_ROLE_VIEWER;
  entries[1].key_id = KEY_ID;
  return tafel_member_set_encode (&set);
}

static GBytes *
sample_body (guint kind)
{
  TafelHash ids[2];

  fill (ids[0].bytes, TAFEL_HASH_BYTES, 1);
  fill (ids[1].bytes, TAFEL_HASH_BYTES, 2);

  switch (kind)
    {
    case TAFEL_RECORD_KIND_PROFILE:
      {
        TafelProfile p = { (char *) "Ada", 0x336699ff };
        return tafel_profile_encode (&p);
      }
    case TAFEL_RECORD_KIND_STROKE:
      {
        TafelPoint pts[3] = { { 1, 2, 0.5f }, { 3.5f, 4, 0.5f }, { 8, -2, 0.5f } };
        TafelStroke s = { TAFEL_TOOL_PEN, 0x000000ff, 2.0f, 3, pts };
        return tafel_stroke_encode (&s);
      }
    case TAFEL_RECORD_KIND_SHAPE:
      {
        TafelShape s = { TAFEL_SHAPE_RECTANGLE, 0xff0000ff, 0, 3.0f, 0, 0, 40, 30 };
        return tafel_shape_encode (&s);
      }
    case TAFEL_RECORD_KIND_TEXT:
      {
        TafelText t = { 10, 20, (char *) "Grüße", 16.0f, 0x000000ff };
        return tafel_text_encode (&t);
      }
    case TAFEL_RECORD_KIND_ERASE:
    case TAFEL_RECORD_KIND_RESTORE:
      {
        TafelObjectSet set = { 2, ids };
        return tafel_object_set_encode (&set);
      }
    case TAFEL_RECORD_KIND_TRANSFORM:
      {
        TafelTransform tr[2] = { { 1, 1, 5, 5 }, { 2, 2, 0, 0 } };
        TafelTransformSet set = { 2, ids, tr };
        return tafel_transform_set_encode (&set);
      }
    case TAFEL_RECORD_KIND_CLEAR:
      {
        TafelPublicKey authors[1];
        guint64 seqs[1] = { 3 };
        TafelClear c = { 1, authors, seqs };

        fill (authors[0].bytes, TAFEL_PUBLIC_KEY_BYTES, 4);
        return tafel_clear_encode (&c);
      }
    case TAFEL_RECORD_KIND_CHAT:
      {
        TafelChat c = { (char *) "Hallo, Tafel!" };
        return tafel_chat_encode (&c);
      }
    case TAFEL_RECORD_KIND_AMEND:
      {
        TafelAmendEntry e = { .id = ids[0], .fields = TAFEL_AMEND_COLOR, .rgba = 0x123456ff };
        TafelAmendSet set = { 1, &e };
        return tafel_amend_set_encode (&set);
      }
    case TAFEL_RECORD_KIND_EPOCH:
      return sample_epoch ();
    case TAFEL_RECORD_KIND_ENROL:
      return sample_enrol ();
    case TAFEL_RECORD_KIND_ROLE:
      return sample_role ();
    case TAFEL_RECORD_KIND_MEMBER:
      return sample_member ();
    default:
      return g_bytes_new_static ("opaque bytes of a kind from the future", 38);
    }
}

static const guint all_kinds[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50, 64, 65, 66, 67, 100, 300 };

/* ---- Envelope ------------------------------------------------------------ */

static void
test_v2_round_trip (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();

  for (guint k = 0; k < G_N_ELEMENTS (all_kinds); k++)
    for (guint64 seq = 1; seq <= 2; seq++)
      {
        guint kind = all_kinds[k];
        g_autoptr(GBytes) plain = sample_body (kind);
        g_autoptr(TafelRecord) r = make_v2 (id, seq, kind, plain);
        g_autoptr(GBytes) enc = tafel_record_encode (r);
        g_autoptr(GError) error = NULL;
        g_autoptr(TafelRecord) d = NULL;
        g_autoptr(GBytes) re = NULL;
        g_autoptr(GBytes) opened = NULL;
        g_autoptr(GBytes) signed_bytes = NULL;
        TafelHash want_id;

        g_test_message ("kind %u, seq %" G_GUINT64_FORMAT, kind, seq);
        g_assert_nonnull (plain);
        g_assert_cmpuint (((const guint8 *) g_bytes_get_data (enc, NULL))[0], ==, 2);
        g_assert_cmpuint (g_bytes_get_size (enc), ==, tafel_record_get_encoded_size_for_v2 (
                            seq, 7 * seq, kind, TIME_MS + seq, g_bytes_get_size (plain)));

        d = decode_bytes (enc, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (tafel_record_get_version (d), ==, 2);
        g_assert_cmpuint (tafel_record_get_key_id (d), ==, KEY_ID);
        g_assert_cmpuint (tafel_record_get_time (d), ==, TIME_MS + seq);
        g_assert_cmpuint (tafel_record_get_kind (d), ==, kind);
        g_assert_cmpuint (tafel_record_get_seq (d), ==, seq);
        g_assert_true (tafel_hash_equal (tafel_record_get_id (d), tafel_record_get_id (r)));
        g_assert_true (tafel_record_verify_signature (d, &error));
        g_assert_no_error (error);
        re = tafel_record_encode (d);
        g_assert_true (g_bytes_equal (re, enc));

        /* The id is the hash of the signing context and the envelope up to
         * the signature flag: the ciphertext, for a content kind. */
        signed_bytes = tafel_record_dup_signed_bytes (d);
        g_assert_cmpuint (g_bytes_get_size (signed_bytes), ==,
                          TAFEL_RECORD_SIGNING_CONTEXT_LEN + g_bytes_get_size (enc) - 1 -
                          TAFEL_SIGNATURE_BYTES);
        g_assert_cmpmem ((const guint8 *) g_bytes_get_data (signed_bytes, NULL) +
                         TAFEL_RECORD_SIGNING_CONTEXT_LEN,
                         g_bytes_get_size (signed_bytes) - TAFEL_RECORD_SIGNING_CONTEXT_LEN,
                         g_bytes_get_data (enc, NULL),
                         g_bytes_get_size (enc) - 1 - TAFEL_SIGNATURE_BYTES);
        tafel_hash (&want_id, g_bytes_get_data (signed_bytes, NULL), g_bytes_get_size (signed_bytes));
        g_assert_true (tafel_hash_equal (&want_id, tafel_record_get_id (d)));

        /* Content is ciphertext on the wire; control is plaintext. */
        g_assert_cmpint (tafel_record_is_encrypted (d), ==, TAFEL_RECORD_KIND_IS_CONTENT (kind));
        if (TAFEL_RECORD_KIND_IS_CONTENT (kind))
          g_assert_false (g_bytes_equal (tafel_record_get_body (d), plain));
        else
          g_assert_true (g_bytes_equal (tafel_record_get_body (d), plain));

        opened = tafel_record_open_body (d, lookup_b, NULL, &error);
        g_assert_no_error (error);
        g_assert_true (g_bytes_equal (opened, plain));

        /* A copy with or without the signature keeps every v2 field. */
        {
          g_autoptr(TafelRecord) bare = tafel_record_with_signature (d, NULL);
          g_autoptr(GBytes) bare_enc = tafel_record_encode (bare);
          g_autoptr(TafelRecord) bare_d = decode_bytes (bare_enc, &error);

          g_assert_no_error (error);
          g_assert_cmpuint (tafel_record_get_version (bare), ==, 2);
          g_assert_cmpuint (tafel_record_get_key_id (bare), ==, KEY_ID);
          g_assert_cmpuint (tafel_record_get_time (bare), ==, TIME_MS + seq);
          g_assert_cmpuint (g_bytes_get_size (bare_enc) + TAFEL_SIGNATURE_BYTES, ==,
                            g_bytes_get_size (enc));
          g_assert_true (tafel_hash_equal (tafel_record_get_id (bare_d), tafel_record_get_id (r)));
        }
      }
}

/* The nonce is BLAKE2b-192 keyed with B over every envelope byte before the
 * body, and the body is the plaintext XOR the XChaCha20 stream. */
static void
test_v2_cipher_layout (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(GBytes) plain = sample_body (TAFEL_RECORD_KIND_CHAT);
  g_autoptr(TafelRecord) r1 = make_v2 (id, 1, TAFEL_RECORD_KIND_CHAT, plain);
  g_autoptr(TafelRecord) r2 = make_v2 (id, 2, TAFEL_RECORD_KIND_CHAT, plain);
  g_autoptr(GBytes) enc = tafel_record_encode (r1);
  const guint8 *e = g_bytes_get_data (enc, NULL);
  gsize len = g_bytes_get_size (enc), body_len = g_bytes_get_size (plain);
  gsize header_len = len - 1 - TAFEL_SIGNATURE_BYTES - body_len;
  guint8 nonce[TAFEL_BODY_NONCE_BYTES];
  g_autofree guint8 *dec = g_malloc (body_len);

  tafel_body_nonce (nonce, key_b, e, header_len);
  tafel_body_xor (dec, e + header_len, body_len, nonce, key_b);
  g_assert_cmpmem (dec, body_len, g_bytes_get_data (plain, NULL), body_len);

  /* The key id sits right after the kind, little-endian, then the time. */
  g_assert_cmpuint (tafel_load_u32 (e + 68), ==, KEY_ID);

  /* Equal bodies, different records: different nonces, different bytes. */
  g_assert_false (g_bytes_equal (tafel_record_get_body (r1), tafel_record_get_body (r2)));
}

static void
test_v2_signature_covers_ciphertext (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(GBytes) plain = sample_body (TAFEL_RECORD_KIND_STROKE);
  g_autoptr(TafelRecord) r = make_v2 (id, 1, TAFEL_RECORD_KIND_STROKE, plain);
  g_autoptr(GBytes) enc = tafel_record_encode (r);
  gsize len = g_bytes_get_size (enc);
  gsize sig_flag_at = len - 1 - TAFEL_SIGNATURE_BYTES;
  g_autofree guint8 *buf = g_memdup2 (g_bytes_get_data (enc, NULL), len);

  /* Every bit of every byte before the signature flag: the record either
   * does not decode or its signature fails. A flipped ciphertext bit
   * decodes (nobody can check ciphertext) and fails the signature. */
  for (gsize i = 0; i < sig_flag_at; i++)
    for (guint bit = 0; bit < 8; bit += 3)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(TafelRecord) d = NULL;

        buf[i] ^= 1u << bit;
        d = tafel_record_decode (buf, len, &error);
        if (d != NULL)
          {
            /* A flipped length can, for some ciphertexts, make a record
             * that ends without a signature: unsigned, then. */
            g_assert_false (tafel_record_verify_signature (d, &error));
            g_assert_nonnull (error);
            g_assert_true (error->code == TAFEL_RECORD_ERROR_BAD_SIGNATURE ||
                           error->code == TAFEL_RECORD_ERROR_UNSIGNED);
            g_assert_true (error->code == TAFEL_RECORD_ERROR_BAD_SIGNATURE ||
                           i < sig_flag_at - g_bytes_get_size (plain));
          }
        else if (i >= sig_flag_at - g_bytes_get_size (plain))
          g_assert_not_reached ();  /* the ciphertext always decodes */
        buf[i] ^= 1u << bit;
      }
}

static void
test_v2_keyless (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(GBytes) plain = sample_body (TAFEL_RECORD_KIND_TEXT);
  g_autoptr(TafelRecord) r1 = make_v2 (id, 1, TAFEL_RECORD_KIND_TEXT, plain);
  g_autoptr(GBytes) enc = tafel_record_encode (r1);
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelRecord) d = NULL;
  g_autoptr(GBytes) opened = NULL;
  const char *needle = "Grüße";

  /* A seed peer: decodes, checks the body (nothing to check), the
   * signature, and sees none of the text. */
  d = decode_bytes (enc, &error);
  g_assert_no_error (error);
  g_assert_true (tafel_record_check_body (d, &error));
  g_assert_no_error (error);
  g_assert_true (tafel_record_verify_signature (d, &error));
  g_assert_no_error (error);
  g_assert_null (memmem (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc), needle,
                         strlen (needle)));

  opened = tafel_record_open_body (d, NULL, NULL, &error);
  g_assert_null (opened);
  g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_UNKNOWN_KEY);
  g_clear_error (&error);

  opened = tafel_record_open_body (d, lookup_b, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (memmem (g_bytes_get_data (opened, NULL), g_bytes_get_size (opened), needle,
                            strlen (needle)));
}

static void
test_v2_wrong_key (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  guint kinds[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GBytes) plain = sample_body (kinds[k]);
      g_autoptr(TafelRecord) r = make_v2 (id, 1, kinds[k], plain);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) opened = tafel_record_open_body (r, lookup_wrong, NULL, &error);

      g_test_message ("kind %u", kinds[k]);
      /* Bodies carry no tag (docs/access.md): a wrong key gives random
       * bytes, which almost always fail to parse, but may, rarely, make a
       * valid body of a short kind (seen once in a full run). What is
       * promised is that the plaintext never comes out. */
      if (opened != NULL)
        g_assert_false (g_bytes_equal (opened, plain));
      else
        g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_MALFORMED);
    }

  /* A key for another key id is not asked for this one. */
  {
    g_autoptr(GBytes) plain = sample_body (TAFEL_RECORD_KIND_CHAT);
    g_autoptr(TafelRecord) r = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) opened = NULL;

    r = tafel_identity_sign_record_v2 (id, 1, NULL, 1, TAFEL_RECORD_KIND_CHAT, KEY_ID + 1, key_b,
                                       TIME_MS, plain);
    opened = tafel_record_open_body (r, lookup_b, NULL, &error);
    g_assert_null (opened);
    g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_UNKNOWN_KEY);
  }
}

static void
test_v1_unchanged (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(GBytes) plain = sample_body (TAFEL_RECORD_KIND_CHAT);
  g_autoptr(GBytes) garbage = g_bytes_new_static ("\xff\xfe not an epoch", 15);
  g_autoptr(TafelRecord) r = tafel_identity_sign_record (id, 1, NULL, 1, TAFEL_RECORD_KIND_CHAT, plain);
  g_autoptr(TafelRecord) rc = tafel_identity_sign_record (id, 2, tafel_record_get_id (r), 2,
                                                          TAFEL_RECORD_KIND_EPOCH, garbage);
  g_autoptr(GBytes) enc = tafel_record_encode (r);
  g_autoptr(GBytes) encc = tafel_record_encode (rc);
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelRecord) d = decode_bytes (enc, &error);
  g_autoptr(TafelRecord) dc = NULL;
  g_autoptr(GBytes) opened = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (enc, NULL))[0], ==, 1);
  g_assert_cmpuint (tafel_record_get_version (d), ==, 1);
  g_assert_cmpuint (tafel_record_get_key_id (d), ==, 0);
  g_assert_cmpuint (tafel_record_get_time (d), ==, 0);
  g_assert_false (tafel_record_is_encrypted (d));
  g_assert_true (g_bytes_equal (tafel_record_get_body (d), plain));
  opened = tafel_record_open_body (d, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (opened, plain));

  /* On version 1 a control kind is an unknown kind: kept as it is. */
  g_assert_false (TAFEL_RECORD_KIND_IS_KNOWN ((guint) TAFEL_RECORD_KIND_EPOCH));
  g_assert_true (TAFEL_RECORD_KIND_IS_KNOWN_CONTROL ((guint) TAFEL_RECORD_KIND_EPOCH));
  dc = decode_bytes (encc, &error);
  g_assert_no_error (error);
  g_assert_true (tafel_record_verify_signature (dc, &error));
  g_assert_no_error (error);
}

static void
test_v2_malformed (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(GBytes) plain = sample_body (TAFEL_RECORD_KIND_CHAT);
  g_autoptr(TafelRecord) r = make_v2 (id, 1, TAFEL_RECORD_KIND_CHAT, plain);
  g_autoptr(GBytes) enc = tafel_record_encode (r);
  const guint8 *e = g_bytes_get_data (enc, NULL);
  gsize len = g_bytes_get_size (enc);
  g_autofree guint8 *buf = g_malloc (len + 16);

  for (gsize n = 0; n < len; n++)
    expect_decode_error (e, n, TAFEL_RECORD_ERROR_TRUNCATED);

  memcpy (buf, e, len);
  buf[len] = 0;
  expect_decode_error (buf, len + 1, TAFEL_RECORD_ERROR_MALFORMED);

  /* A newer version names the one this build reads up to. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TafelRecord) d = NULL;

    memcpy (buf, e, len);
    buf[0] = 3;
    d = tafel_record_decode (buf, len, &error);
    g_assert_null (d);
    g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_UNSUPPORTED);
    g_assert_nonnull (strstr (error->message, "3"));
    g_assert_nonnull (strstr (error->message, "2"));
  }

  /* A time beyond 2^53 (offset 72: after kind and key id). */
  {
    guint8 big[512];
    gsize n, time_len = tafel_varint_size (TIME_MS + 1);

    memcpy (big, e, 72);
    n = 72 + tafel_varint_write (big + 72, TAFEL_RECORD_MAX_CLOCK + 1);
    memcpy (big + n, e + 72 + time_len, len - 72 - time_len);
    n += len - 72 - time_len;
    expect_decode_error (big, n, TAFEL_RECORD_ERROR_INVALID);
  }

  /* A control body that does not parse is refused on version 2. */
  {
    g_autoptr(GBytes) bad = g_bytes_new_static ("\x01\x02\x03", 3);
    g_autoptr(TafelRecord) rc = tafel_record_new_v2 (tafel_identity_get_public_key (id), 1, NULL, 1,
                                                     TAFEL_RECORD_KIND_ROLE, 0, TIME_MS, bad, NULL);
    g_autoptr(GBytes) encc = tafel_record_encode (rc);
    g_autoptr(GError) error = NULL;

    expect_decode_error (g_bytes_get_data (encc, NULL), g_bytes_get_size (encc),
                         TAFEL_RECORD_ERROR_TRUNCATED);
    g_assert_false (tafel_record_check_body (rc, &error));
    g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_TRUNCATED);
  }

  /* The size limit counts the v2 fields. */
  {
    gsize body_len = TAFEL_RECORD_MAX_BYTES - 120;
    gsize total = tafel_record_get_encoded_size_for_v2 (1, 1, TAFEL_RECORD_KIND_CHAT, TIME_MS, body_len);

    g_assert_cmpuint (total, ==, tafel_record_get_encoded_size_for (1, 1, TAFEL_RECORD_KIND_CHAT,
                                                                    body_len) +
                                 4 + tafel_varint_size (TIME_MS));
  }
}

/* Version 1 and 2 records of one author form one chain, and the log takes
 * both, handing back the version 2 one with its key id and time (more in
 * test-log-v2.c). */
static void
test_v2_log_takes (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(TafelLog) log = tafel_log_new ();
  g_autoptr(GBytes) plain = sample_body (TAFEL_RECORD_KIND_CHAT);
  g_autoptr(TafelRecord) r1 = tafel_identity_sign_record (id, 1, NULL, 1, TAFEL_RECORD_KIND_CHAT, plain);
  g_autoptr(TafelRecord) r2 = tafel_identity_sign_record_v2 (id, 2, tafel_record_get_id (r1), 2,
                                                             TAFEL_RECORD_KIND_CHAT, KEY_ID, key_b,
                                                             TIME_MS, plain);
  g_autoptr(TafelRecord) back = NULL;
  g_autoptr(GBytes) want = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (tafel_log_add (log, r1, &error));
  g_assert_no_error (error);
  g_assert_true (tafel_hash_equal (tafel_record_get_prev (r2), tafel_record_get_id (r1)));
  g_assert_true (tafel_log_add (log, r2, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tafel_log_get_n_records (log), ==, 2);
  back = tafel_log_lookup (log, tafel_record_get_id (r2));
  g_assert_nonnull (back);
  g_assert_cmpuint (tafel_record_get_version (back), ==, 2);
  g_assert_cmpuint (tafel_record_get_key_id (back), ==, KEY_ID);
  g_assert_cmpuint (tafel_record_get_time (back), ==, TIME_MS);
  want = tafel_record_encode (r2);
  got = tafel_record_encode (back);
  g_assert_true (g_bytes_equal (want, got));
  g_assert_true (tafel_record_verify_signature (back, NULL));
  opened = tafel_record_open_body (back, lookup_b, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (opened, plain));
}

/* ---- Control bodies ------------------------------------------------------ */

typedef gboolean (*DecodeFunc) (GBytes *body, gpointer out, GError **error);
typedef void (*ClearFunc) (gpointer out);

static gboolean
decode_epoch (GBytes *b, gpointer out, GError **error) { return tafel_epoch_decode (b, out, error); }
static gboolean
decode_enrol (GBytes *b, gpointer out, GError **error) { return tafel_enrol_decode (b, out, error); }
static gboolean
decode_role (GBytes *b, gpointer out, GError **error) { return tafel_role_change_decode (b, out, error); }
static gboolean
decode_member (GBytes *b, gpointer out, GError **error) { return tafel_member_set_decode (b, out, error); }

typedef union
{
  TafelEpoch      epoch;
  TafelEnrol      enrol;
  TafelRoleChange role;
  TafelMemberSet  member;
} AnyControl;

static void
clear_any (guint       kind,
           AnyControl *any)
{
  switch (kind)
    {
    case TAFEL_RECORD_KIND_EPOCH: tafel_epoch_clear (&any->epoch); break;
    case TAFEL_RECORD_KIND_ENROL: tafel_enrol_clear (&any->enrol); break;
    case TAFEL_RECORD_KIND_MEMBER: tafel_member_set_clear (&any->member); break;
    default: break;
    }
}

static DecodeFunc
decoder_for (guint kind)
{
  switch (kind)
    {
    case TAFEL_RECORD_KIND_EPOCH: return decode_epoch;
    case TAFEL_RECORD_KIND_ENROL: return decode_enrol;
    case TAFEL_RECORD_KIND_ROLE: return decode_role;
    default: return decode_member;
    }
}

/* Decoding @data as @kind fails with @code, both through the kind's decode()
 * and through a version 2 envelope. */
static void
expect_body_error (guint         kind,
                   const guint8 *data,
                   gsize         len,
                   gint          code)
{
  g_autoptr(GBytes) body = g_bytes_new (data, len);
  g_autoptr(GError) error = NULL;
  AnyControl any;

  g_assert_false (decoder_for (kind) (body, &any, &error));
  g_assert_error (error, TAFEL_RECORD_ERROR, code);
  g_assert_nonnull (error->message);
  g_clear_error (&error);
  g_assert_false (tafel_control_validate_body (kind, data, len, &error));
  g_assert_error (error, TAFEL_RECORD_ERROR, code);
}

static void
test_control_round_trip (void)
{
  guint kinds[] = { 64, 65, 66, 67 };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GBytes) body = sample_body (kinds[k]);
      g_autoptr(GError) error = NULL;
      AnyControl any;
      g_autoptr(GBytes) again = NULL;

      g_assert_true (decoder_for (kinds[k]) (body, &any, &error));
      g_assert_no_error (error);
      switch (kinds[k])
        {
        case TAFEL_RECORD_KIND_EPOCH:
          g_assert_cmpuint (any.epoch.epoch, ==, 3);
          g_assert_cmpuint (any.epoch.n_members, ==, 3);
          g_assert_cmpuint (any.epoch.n_removed, ==, 1);
          g_assert_cmpuint (any.epoch.removed[0].cut_off, ==, 12);
          /* Sorted by key: the samples went in descending. */
          g_assert_cmpuint (any.epoch.members[0].key.bytes[0], ==, 70);
          g_assert_cmpuint (any.epoch.members[0].role, ==, TAFEL_ROLE_SEED);
          g_assert_cmpuint (any.epoch.members[2].role, ==, TAFEL_ROLE_OWNER);
          g_assert_cmpuint (any.epoch.members[2].sealed[0], ==, 40);
          g_assert_cmpuint (any.epoch.wpk[0], ==, 1);
          g_assert_cmpuint (any.epoch.scheck[1], ==, 34);
          again = tafel_epoch_encode (&any.epoch);
          break;
        case TAFEL_RECORD_KIND_ENROL:
          g_assert_cmpuint (any.enrol.n_vouched, ==, 2);
          g_assert_cmpuint (any.enrol.vouched[0].seq, ==, 101);
          g_assert_cmpuint (any.enrol.proof.bytes[0], ==, 5);
          again = tafel_enrol_encode (&any.enrol);
          break;
        case TAFEL_RECORD_KIND_ROLE:
          g_assert_cmpuint (any.role.role, ==, TAFEL_ROLE_ADMIN);
          g_assert_cmpuint (any.role.cut_off, ==, 4);
          again = tafel_role_change_encode (&any.role);
          break;
        default:
          g_assert_cmpuint (any.member.n_entries, ==, 2);
          g_assert_cmpuint (any.member.entries[0].role, ==, TAFEL_ROLE_VIEWER);
          g_assert_cmpuint (any.member.entries[0].key_id, ==, KEY_ID);
          again = tafel_member_set_encode (&any.member);
          break;
        }
      g_assert_true (g_bytes_equal (again, body));
      clear_any (kinds[k], &any);
    }
}

static void
test_control_truncated (void)
{
  guint kinds[] = { 64, 65, 66, 67 };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GBytes) body = sample_body (kinds[k]);
      const guint8 *d = g_bytes_get_data (body, NULL);
      gsize len = g_bytes_get_size (body);
      g_autofree guint8 *buf = g_malloc (len + 1);

      for (gsize n = 0; n < len; n++)
        expect_body_error (kinds[k], d, n, TAFEL_RECORD_ERROR_TRUNCATED);
      memcpy (buf, d, len);
      buf[len] = 0;
      expect_body_error (kinds[k], buf, len + 1, TAFEL_RECORD_ERROR_MALFORMED);
    }
}

/* Offsets in the sample epoch: number (1 byte), 3 × 32 keys, count. */
#define EPOCH_MEMBERS_AT  (1 + 3 * 32 + 1)
#define EPOCH_MEMBER_SIZE (32 + 1 + TAFEL_SEALED_SECRET_BYTES)
#define EPOCH_REMOVED_AT  (EPOCH_MEMBERS_AT + 3 * EPOCH_MEMBER_SIZE + 1)

static void
test_control_epoch_tampered (void)
{
  g_autoptr(GBytes) body = sample_epoch ();
  const guint8 *d = g_bytes_get_data (body, NULL);
  gsize len = g_bytes_get_size (body);
  g_autofree guint8 *buf = g_malloc (len + 64);

  g_assert_cmpuint (d[EPOCH_MEMBERS_AT - 1], ==, 3);
  g_assert_cmpuint (d[EPOCH_REMOVED_AT - 1], ==, 1);

  /* Unknown roles, said as such. */
  for (guint role = 5; role < 256; role += 50)
    {
      g_autoptr(GBytes) bad = NULL;
      g_autoptr(GError) error = NULL;
      TafelEpoch e;

      memcpy (buf, d, len);
      buf[EPOCH_MEMBERS_AT + 32] = (guint8) role;
      expect_body_error (64, buf, len, TAFEL_RECORD_ERROR_INVALID);
      bad = g_bytes_new (buf, len);
      g_assert_false (tafel_epoch_decode (bad, &e, &error));
      g_assert_nonnull (strstr (error->message, "unknown"));
    }

  /* Two people removed, repeated or out of order. */
  {
    TafelEpochRemoval removed[2];
    TafelEpoch e = { .epoch = 1, .n_removed = 2, .removed = removed };
    g_autoptr(GBytes) two = NULL;
    const guint8 *t;
    gsize tlen, at = 1 + 3 * 32 + 1 + 1;
    g_autofree guint8 *tb = NULL;

    fill (removed[0].key.bytes, TAFEL_PUBLIC_KEY_BYTES, 1);
    fill (removed[1].key.bytes, TAFEL_PUBLIC_KEY_BYTES, 2);
    removed[0].cut_off = removed[1].cut_off = 5;
    two = tafel_epoch_encode (&e);
    t = g_bytes_get_data (two, &tlen);
    tb = g_memdup2 (t, tlen);
    g_assert_cmpuint (t[at - 1], ==, 2);
    memcpy (tb + at + 33, t + at, 32);  /* the second equals the first */
    expect_body_error (64, tb, tlen, TAFEL_RECORD_ERROR_INVALID);
    memcpy (tb + at, t + at + 33, 32);  /* swapped */
    memcpy (tb + at + 33, t + at, 32);
    expect_body_error (64, tb, tlen, TAFEL_RECORD_ERROR_INVALID);
  }

  /* Two owners: the first member (a seed) becomes an owner too. */
  memcpy (buf, d, len);
  g_assert_cmpuint (buf[EPOCH_MEMBERS_AT + 32], ==, TAFEL_ROLE_SEED);
  buf[EPOCH_MEMBERS_AT + 32] = TAFEL_ROLE_OWNER;
  expect_body_error (64, buf, len, TAFEL_RECORD_ERROR_INVALID);

  /* A repeated member: the second member's key made equal to the first. */
  memcpy (buf, d, len);
  memcpy (buf + EPOCH_MEMBERS_AT + EPOCH_MEMBER_SIZE, d + EPOCH_MEMBERS_AT, 32);
  expect_body_error (64, buf, len, TAFEL_RECORD_ERROR_INVALID);

  /* Members out of order: swap the first two. */
  memcpy (buf, d, len);
  memcpy (buf + EPOCH_MEMBERS_AT, d + EPOCH_MEMBERS_AT + EPOCH_MEMBER_SIZE, EPOCH_MEMBER_SIZE);
  memcpy (buf + EPOCH_MEMBERS_AT + EPOCH_MEMBER_SIZE, d + EPOCH_MEMBERS_AT, EPOCH_MEMBER_SIZE);
  expect_body_error (64, buf, len, TAFEL_RECORD_ERROR_INVALID);

  /* Someone both kept and removed. */
  memcpy (buf, d, len);
  memcpy (buf + EPOCH_REMOVED_AT, d + EPOCH_MEMBERS_AT, 32);
  expect_body_error (64, buf, len, TAFEL_RECORD_ERROR_INVALID);

  /* Cut-off 0. */
  memcpy (buf, d, len);
  g_assert_cmpuint (buf[EPOCH_REMOVED_AT + 32], ==, 12);
  buf[EPOCH_REMOVED_AT + 32] = 0;
  expect_body_error (64, buf, len, TAFEL_RECORD_ERROR_INVALID);

  /* Epoch 0 removing somebody. */
  memcpy (buf, d, len);
  buf[0] = 0;
  expect_body_error (64, buf, len, TAFEL_RECORD_ERROR_INVALID);

  /* More members than the limit; more than the input holds. */
  {
    guint8 big[EPOCH_MEMBERS_AT + 8];
    gsize n = EPOCH_MEMBERS_AT - 1;

    memcpy (big, d, n);
    n += tafel_varint_write (big + n, TAFEL_EPOCH_MAX_MEMBERS + 1);
    expect_body_error (64, big, n, TAFEL_RECORD_ERROR_TOO_LARGE);
    n = EPOCH_MEMBERS_AT - 1;
    n += tafel_varint_write (big + n, TAFEL_EPOCH_MAX_MEMBERS);
    expect_body_error (64, big, n, TAFEL_RECORD_ERROR_TRUNCATED);
  }
  memcpy (buf, d, len);
  buf[EPOCH_REMOVED_AT - 1] = 0x80;
  buf[EPOCH_REMOVED_AT] = 0x20;  /* 4096 removed */
  expect_body_error (64, buf, len, TAFEL_RECORD_ERROR_TOO_LARGE);

  /* An epoch number beyond 2^53. */
  {
    g_autofree guint8 *big = g_malloc (len + 16);
    gsize n = tafel_varint_write (big, TAFEL_RECORD_MAX_CLOCK + 1);

    memcpy (big + n, d + 1, len - 1);
    expect_body_error (64, big, n + len - 1, TAFEL_RECORD_ERROR_INVALID);
  }
}

static void
test_control_others_tampered (void)
{
  /* enrol: u32 key id, 64 proof, count, then (32 author, varint seq, 32 head). */
  {
    g_autoptr(GBytes) body = sample_enrol ();
    const guint8 *d = g_bytes_get_data (body, NULL);
    gsize len = g_bytes_get_size (body), first = 4 + 64 + 1, size = 32 + 1 + 32;
    g_autofree guint8 *buf = g_malloc (len);

    g_assert_cmpuint (d[first - 1], ==, 2);
    memcpy (buf, d, len);
    buf[first + 32] = 0;  /* seq 0 */
    expect_body_error (65, buf, len, TAFEL_RECORD_ERROR_INVALID);
    memcpy (buf, d, len);
    memcpy (buf + first + size, d + first, 32);  /* a repeated author */
    expect_body_error (65, buf, len, TAFEL_RECORD_ERROR_INVALID);
    memcpy (buf, d, len);
    buf[first - 1] = 0x81;  /* 129 vouched: more than the input holds */
    buf[first] = 0x01;
    expect_body_error (65, buf, len, TAFEL_RECORD_ERROR_TRUNCATED);
    memcpy (buf, d, len);
    buf[first - 1] = 0x81;  /* 4097 vouched: more than the limit */
    buf[first] = 0x20;
    expect_body_error (65, buf, len, TAFEL_RECORD_ERROR_TOO_LARGE);
  }

  /* role: 32 member, u8 role, varint cut-off. */
  {
    g_autoptr(GBytes) body = sample_role ();
    const guint8 *d = g_bytes_get_data (body, NULL);
    gsize len = g_bytes_get_size (body);
    g_autofree guint8 *buf = g_malloc (len);
    guint8 bad_roles[] = { TAFEL_ROLE_OWNER, TAFEL_ROLE_VIEWER, TAFEL_ROLE_SEED, 5, 255 };

    g_assert_cmpuint (len, ==, 34);
    for (guint i = 0; i < G_N_ELEMENTS (bad_roles); i++)
      {
        memcpy (buf, d, len);
        buf[32] = bad_roles[i];
        expect_body_error (66, buf, len, TAFEL_RECORD_ERROR_INVALID);
      }
    memcpy (buf, d, len);
    buf[32] = TAFEL_ROLE_EDITOR;  /* an editor again: fine */
    {
      g_autoptr(GBytes) ok = g_bytes_new (buf, len);
      g_autoptr(GError) error = NULL;
      TafelRoleChange c;

      g_assert_true (tafel_role_change_decode (ok, &c, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (c.role, ==, TAFEL_ROLE_EDITOR);
    }
    buf[33] = 0;  /* cut-off 0 */
    expect_body_error (66, buf, len, TAFEL_RECORD_ERROR_INVALID);
  }

  /* member: count, then (32 key, u8 role, u32 key id). */
  {
    g_autoptr(GBytes) body = sample_member ();
    const guint8 *d = g_bytes_get_data (body, NULL);
    gsize len = g_bytes_get_size (body), size = 32 + 1 + 4;
    g_autofree guint8 *buf = g_malloc (len);
    guint8 bad_roles[] = { TAFEL_ROLE_OWNER, TAFEL_ROLE_ADMIN, TAFEL_ROLE_EDITOR, 7 };

    for (guint i = 0; i < G_N_ELEMENTS (bad_roles); i++)
      {
        memcpy (buf, d, len);
        buf[1 + 32] = bad_roles[i];
        expect_body_error (67, buf, len, TAFEL_RECORD_ERROR_INVALID);
      }
    memcpy (buf, d, len);
    memcpy (buf + 1 + size, d + 1, 32);  /* a repeated key */
    expect_body_error (67, buf, len, TAFEL_RECORD_ERROR_INVALID);
    {
      const guint8 empty[] = { 0 };

      expect_body_error (67, empty, 1, TAFEL_RECORD_ERROR_INVALID);
    }
    memcpy (buf, d, len);
    buf[0] = 0xd1;  /* 2001 entries */
    buf[1] = 0x0f;
    expect_body_error (67, buf, len, TAFEL_RECORD_ERROR_TOO_LARGE);
  }
}

/* Every control record travels whole, through an envelope, and a control
 * body that would pass on version 1 (an unknown kind there) is checked on
 * version 2. */
static void
test_control_in_envelope (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(GBytes) body = sample_member ();
  gsize len = g_bytes_get_size (body);
  g_autofree guint8 *bad = g_memdup2 (g_bytes_get_data (body, NULL), len);
  g_autoptr(GBytes) bad_body = NULL;
  g_autoptr(TafelRecord) v1 = NULL;
  g_autoptr(TafelRecord) v2 = NULL;
  g_autoptr(GBytes) enc1 = NULL;
  g_autoptr(GBytes) enc2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelRecord) d1 = NULL;

  bad[1 + 32] = TAFEL_ROLE_ADMIN;
  bad_body = g_bytes_new (bad, len);
  v1 = tafel_identity_sign_record (id, 1, NULL, 1, TAFEL_RECORD_KIND_MEMBER, bad_body);
  v2 = tafel_identity_sign_record_v2 (id, 1, NULL, 1, TAFEL_RECORD_KIND_MEMBER, 0, NULL, TIME_MS,
                                      bad_body);
  enc1 = tafel_record_encode (v1);
  enc2 = tafel_record_encode (v2);
  d1 = decode_bytes (enc1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (d1);
  expect_decode_error (g_bytes_get_data (enc2, NULL), g_bytes_get_size (enc2),
                       TAFEL_RECORD_ERROR_INVALID);
}

static void
test_key_id_from_record_id (void)
{
  TafelHash h;

  fill (h.bytes, sizeof h.bytes, 0x10);
  g_assert_cmpuint (tafel_key_id_from_record_id (&h), ==,
                    (guint32) h.bytes[0] | (guint32) h.bytes[1] << 8 | (guint32) h.bytes[2] << 16 |
                    (guint32) h.bytes[3] << 24);
}

/* Seeds for the fuzzers, made by the build functions: with
 * TAFEL_WRITE_FUZZ_SEEDS=tests/fuzz/corpus, the control bodies go to
 * fuzz-control/ and version 2 records of every kind to fuzz-record/, each
 * named by its SHA-1 as libFuzzer names its corpus. */
static void
write_seed (const char *dir,
            GBytes     *bytes)
{
  g_autofree char *name = g_compute_checksum_for_bytes (G_CHECKSUM_SHA1, bytes);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (dir, 0755);
  if (!g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    g_error ("%s", error->message);
}

static void
write_fuzz_seeds (const char *root)
{
  g_autofree char *control = g_build_filename (root, "fuzz-control", NULL);
  g_autofree char *record = g_build_filename (root, "fuzz-record", NULL);
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();

  for (guint kind = TAFEL_RECORD_KIND_EPOCH; kind <= TAFEL_RECORD_KIND_MEMBER; kind++)
    {
      g_autoptr(GBytes) body = sample_body (kind);

      write_seed (control, body);
    }
  for (guint k = 0; k < G_N_ELEMENTS (all_kinds); k++)
    {
      g_autoptr(GBytes) plain = sample_body (all_kinds[k]);
      g_autoptr(TafelRecord) r = make_v2 (id, 1 + k, all_kinds[k], plain);
      g_autoptr(GBytes) enc = tafel_record_encode (r);

      write_seed (record, enc);
    }
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

  fill (key_b, sizeof key_b, 0x42);
  fill (other_key, sizeof other_key, 0x43);

  if (g_getenv ("TAFEL_WRITE_FUZZ_SEEDS") != NULL)
    {
      write_fuzz_seeds (g_getenv ("TAFEL_WRITE_FUZZ_SEEDS"));
      return 0;
    }

  g_test_add_func ("/tafel/record-v2/envelope/round-trip", test_v2_round_trip);
  g_test_add_func ("/tafel/record-v2/envelope/cipher-layout", test_v2_cipher_layout);
  g_test_add_func ("/tafel/record-v2/envelope/signature-covers-ciphertext",
                   test_v2_signature_covers_ciphertext);
  g_test_add_func ("/tafel/record-v2/envelope/keyless", test_v2_keyless);
  g_test_add_func ("/tafel/record-v2/envelope/wrong-key", test_v2_wrong_key);
  g_test_add_func ("/tafel/record-v2/envelope/v1-unchanged", test_v1_unchanged);
  g_test_add_func ("/tafel/record-v2/envelope/malformed", test_v2_malformed);
  g_test_add_func ("/tafel/record-v2/envelope/log-takes", test_v2_log_takes);
  g_test_add_func ("/tafel/record-v2/envelope/key-id", test_key_id_from_record_id);
  g_test_add_func ("/tafel/record-v2/control/round-trip", test_control_round_trip);
  g_test_add_func ("/tafel/record-v2/control/truncated", test_control_truncated);
  g_test_add_func ("/tafel/record-v2/control/epoch-tampered", test_control_epoch_tampered);
  g_test_add_func ("/tafel/record-v2/control/others-tampered", test_control_others_tampered);
  g_test_add_func ("/tafel/record-v2/control/in-envelope", test_control_in_envelope);

  return g_test_run ();
}
