/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tafel-core.h"
#include "tafel-identity.h"
#include "tafel-record.h"
#include "tafel-record-private.h"
#include "tafel-stroke-import.h"
#include "tafel-test-util.h"

static TafelRecord *
make_record (TafelIdentity *id,
             guint64        seq,
             guint          kind,
             GBytes        *body)
{
  TafelHash prev;

  memset (&prev, 0xab, sizeof prev);
  return tafel_identity_sign_record (id, seq, seq > 1 ? &prev : NULL, 7 * seq, kind, body);
}

static GBytes *
chat_body (const char *text)
{
  TafelChat chat = { (char *) text };

  return tafel_chat_encode (&chat);
}

/* ---- Envelope -------------------------------------------------------------- */

static void
test_envelope_round_trip (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(GBytes) body = chat_body ("Hallo, Tafel!");

  for (guint64 seq = 1; seq <= 3; seq++)
    {
      g_autoptr(TafelRecord) r = make_record (id, seq * 1000, TAFEL_RECORD_KIND_CHAT, body);
      g_autoptr(TafelRecord) unsigned_r = tafel_record_with_signature (r, NULL);
      g_autoptr(GBytes) enc = tafel_record_encode (r);
      g_autoptr(GBytes) enc2 = tafel_record_encode (unsigned_r);
      g_autoptr(GError) error = NULL;
      g_autoptr(TafelRecord) d = NULL;
      g_autoptr(TafelRecord) d2 = NULL;
      g_autoptr(GBytes) re = NULL;

      d = tafel_record_decode (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc), &error);
      g_assert_no_error (error);
      g_assert_true (tafel_hash_equal (tafel_record_get_id (d), tafel_record_get_id (r)));
      g_assert_cmpuint (tafel_record_get_seq (d), ==, seq * 1000);
      g_assert_cmpuint (tafel_record_get_lamport (d), ==, 7 * seq * 1000);
      g_assert_cmpuint (tafel_record_get_kind (d), ==, TAFEL_RECORD_KIND_CHAT);
      g_assert_true (g_bytes_equal (tafel_record_get_body (d), body));
      g_assert_cmpmem (tafel_record_get_author (d), TAFEL_PUBLIC_KEY_BYTES,
                       tafel_identity_get_public_key (id), TAFEL_PUBLIC_KEY_BYTES);
      g_assert_cmpmem (tafel_record_get_prev (d), TAFEL_HASH_BYTES,
                       tafel_record_get_prev (r), TAFEL_HASH_BYTES);
      g_assert_nonnull (tafel_record_get_signature (d));
      g_assert_true (tafel_record_verify_signature (d, &error));
      g_assert_no_error (error);
      re = tafel_record_encode (d);
      g_assert_true (g_bytes_equal (re, enc));

      /* Without a signature: same id, 65 bytes shorter, and refused by verify. */
      g_assert_cmpuint (g_bytes_get_size (enc2) + TAFEL_SIGNATURE_BYTES, ==, g_bytes_get_size (enc));
      d2 = tafel_record_decode (g_bytes_get_data (enc2, NULL), g_bytes_get_size (enc2), &error);
      g_assert_no_error (error);
      g_assert_true (tafel_hash_equal (tafel_record_get_id (d2), tafel_record_get_id (r)));
      g_assert_null (tafel_record_get_signature (d2));
      g_assert_false (tafel_record_verify_signature (d2, &error));
      g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_UNSIGNED);
    }
}

static void
test_envelope_id_is_hash_of_signed_bytes (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(GBytes) body = chat_body ("x");
  g_autoptr(TafelRecord) r = make_record (id, 2, TAFEL_RECORD_KIND_CHAT, body);
  g_autoptr(GBytes) sb = tafel_record_dup_signed_bytes (r);
  g_autoptr(GBytes) enc = tafel_record_encode (r);
  TafelHash h;

  tafel_hash (&h, g_bytes_get_data (sb, NULL), g_bytes_get_size (sb));
  g_assert_true (tafel_hash_equal (&h, tafel_record_get_id (r)));
  /* The signed bytes are the context plus the envelope up to the signature flag. */
  g_assert_cmpmem ((const guint8 *) g_bytes_get_data (sb, NULL) + 13, g_bytes_get_size (sb) - 13,
                   g_bytes_get_data (enc, NULL), g_bytes_get_size (sb) - 13);
  g_assert_true (tafel_verify (tafel_record_get_signature (r), tafel_identity_get_public_key (id),
                               g_bytes_get_data (sb, NULL), g_bytes_get_size (sb)));
}

static void
test_envelope_tampered (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(TafelIdentity) other = tafel_identity_new_ephemeral ();
  g_autoptr(GBytes) body = chat_body ("pay 10 €");
  g_autoptr(TafelRecord) r = make_record (id, 5, TAFEL_RECORD_KIND_CHAT, body);
  g_autoptr(GBytes) enc = tafel_record_encode (r);
  gsize len = g_bytes_get_size (enc);
  guint n_flipped = 0;

  /* Flip every bit of the signed part in turn: each either no longer
   * decodes or no longer verifies. */
  for (gsize i = 0; i < len - 1 - TAFEL_SIGNATURE_BYTES; i++)
    for (guint bit = 0; bit < 8; bit++)
      {
        g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (enc, NULL), len);
        g_autoptr(TafelRecord) d = NULL;
        g_autoptr(GError) error = NULL;

        copy[i] ^= 1u << bit;
        d = tafel_record_decode (copy, len, &error);
        if (d == NULL)
          {
            g_assert_nonnull (error);
            continue;
          }
        g_assert_false (tafel_record_verify_signature (d, &error));
        g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_BAD_SIGNATURE);
        n_flipped++;
      }
  g_assert_cmpuint (n_flipped, >, 100);

  /* Someone else's signature on my record. */
  {
    g_autoptr(GBytes) sb = tafel_record_dup_signed_bytes (r);
    g_autoptr(TafelRecord) forged = NULL;
    g_autoptr(GError) error = NULL;
    TafelSignature sig;

    tafel_identity_sign (other, &sig, g_bytes_get_data (sb, NULL), g_bytes_get_size (sb));
    forged = tafel_record_with_signature (r, &sig);
    g_assert_false (tafel_record_verify_signature (forged, &error));
    g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_BAD_SIGNATURE);
  }
}

typedef struct
{
  const char *name;
  gint        code;
} Expect;

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

static void
test_envelope_malformed (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(GBytes) body = chat_body ("hello");
  g_autoptr(TafelRecord) r1 = make_record (id, 1, TAFEL_RECORD_KIND_CHAT, body);
  g_autoptr(GBytes) enc = tafel_record_encode (r1);
  const guint8 *e = g_bytes_get_data (enc, NULL);
  gsize len = g_bytes_get_size (enc);
  g_autofree guint8 *buf = g_malloc (len + 16);

  /* Truncated at every length. */
  for (gsize n = 0; n < len; n++)
    expect_decode_error (e, n, TAFEL_RECORD_ERROR_TRUNCATED);

  /* Trailing garbage. */
  memcpy (buf, e, len);
  buf[len] = 0;
  expect_decode_error (buf, len + 1, TAFEL_RECORD_ERROR_MALFORMED);

  /* Newer version; version 0. */
  memcpy (buf, e, len);
  buf[0] = 3;
  expect_decode_error (buf, len, TAFEL_RECORD_ERROR_UNSUPPORTED);
  buf[0] = 0;
  expect_decode_error (buf, len, TAFEL_RECORD_ERROR_MALFORMED);

  /* seq 0 (offset 33 holds the one-byte seq). */
  memcpy (buf, e, len);
  g_assert_cmpuint (buf[33], ==, 1);
  buf[33] = 0;
  expect_decode_error (buf, len, TAFEL_RECORD_ERROR_INVALID);

  /* Overlong seq: 0x81 0x00 instead of 0x01. */
  memcpy (buf, e, 33);
  buf[33] = 0x81;
  buf[34] = 0x00;
  memcpy (buf + 35, e + 34, len - 34);
  expect_decode_error (buf, len + 1, TAFEL_RECORD_ERROR_MALFORMED);

  /* Seq 1 with a non-zero prev. */
  memcpy (buf, e, len);
  buf[34] = 1;
  expect_decode_error (buf, len, TAFEL_RECORD_ERROR_INVALID);

  /* Signature flag 2. */
  memcpy (buf, e, len);
  buf[len - 1 - TAFEL_SIGNATURE_BYTES] = 2;
  expect_decode_error (buf, len, TAFEL_RECORD_ERROR_MALFORMED);

  /* Lamport 0 (offset 66, after the 32-byte prev). */
  memcpy (buf, e, len);
  g_assert_cmpuint (buf[66], ==, 7);
  buf[66] = 0;
  expect_decode_error (buf, len, TAFEL_RECORD_ERROR_INVALID);

  /* Kind 0. */
  memcpy (buf, e, len);
  buf[67] = 0;
  expect_decode_error (buf, len, TAFEL_RECORD_ERROR_INVALID);

  /* A body length beyond the data. */
  memcpy (buf, e, len);
  buf[68] = 0x7f;
  expect_decode_error (buf, len, TAFEL_RECORD_ERROR_TRUNCATED);

  /* A 65-bit varint as lamport. */
  {
    guint8 big[200];
    gsize n = 0;

    memcpy (big, e, 66);
    n = 66;
    for (guint i = 0; i < 9; i++)
      big[n++] = 0xff;
    big[n++] = 0x02;
    memcpy (big + n, e + 67, len - 67);
    n += len - 67;
    expect_decode_error (big, n, TAFEL_RECORD_ERROR_MALFORMED);
  }

  /* Larger than the limit. */
  {
    g_autofree guint8 *huge = g_malloc0 (TAFEL_RECORD_MAX_BYTES + 1);

    huge[0] = 1;
    expect_decode_error (huge, TAFEL_RECORD_MAX_BYTES + 1, TAFEL_RECORD_ERROR_TOO_LARGE);
  }
}

static void
test_envelope_unknown_kind (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(GBytes) body = g_bytes_new_static ("\xff\x00 anything", 11);
  g_autoptr(TafelRecord) r = make_record (id, 3, 4242, body);
  g_autoptr(GBytes) enc = tafel_record_encode (r);
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelRecord) d = tafel_record_decode (g_bytes_get_data (enc, NULL),
                                                  g_bytes_get_size (enc), &error);

  g_assert_no_error (error);
  g_assert_cmpuint (tafel_record_get_kind (d), ==, 4242);
  g_assert_false (TAFEL_RECORD_KIND_IS_KNOWN (tafel_record_get_kind (d)));
  g_assert_true (g_bytes_equal (tafel_record_get_body (d), body));
  g_assert_true (tafel_record_verify_signature (d, &error));
}

static void
test_envelope_known_kind_bad_body (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(GBytes) body = g_bytes_new_static ("\x05" "ab\xff\xfe" "c", 6);
  g_autoptr(TafelRecord) r = make_record (id, 3, TAFEL_RECORD_KIND_CHAT, body);
  g_autoptr(GBytes) enc = tafel_record_encode (r);

  expect_decode_error (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc),
                       TAFEL_RECORD_ERROR_INVALID);
}

static void
test_compare_order (void)
{
  g_autoptr(TafelIdentity) a = tafel_identity_new_ephemeral ();
  g_autoptr(TafelIdentity) b = tafel_identity_new_ephemeral ();
  g_autoptr(GBytes) body = chat_body ("o");
  g_autoptr(TafelRecord) a1 = tafel_identity_sign_record (a, 1, NULL, 5, TAFEL_RECORD_KIND_CHAT, body);
  g_autoptr(TafelRecord) b1 = tafel_identity_sign_record (b, 1, NULL, 5, TAFEL_RECORD_KIND_CHAT, body);
  g_autoptr(TafelRecord) b2 = tafel_identity_sign_record (b, 2, tafel_record_get_id (b1), 4,
                                                          TAFEL_RECORD_KIND_CHAT, body);
  int key_order = memcmp (tafel_identity_get_public_key (a), tafel_identity_get_public_key (b),
                          TAFEL_PUBLIC_KEY_BYTES) < 0 ? -1 : 1;

  g_assert_cmpint (tafel_record_compare_order (a1, a1), ==, 0);
  g_assert_cmpint (tafel_record_compare_order (a1, b1), ==, key_order);
  g_assert_cmpint (tafel_record_compare_order (b1, a1), ==, -key_order);
  g_assert_cmpint (tafel_record_compare_order (b2, a1), ==, -1);
  g_assert_cmpint (tafel_record_compare_order (b1, b2), ==, 1);

  /* The order of keys kept without their records: equal authors at
   * different addresses are one author, and seq decides. */
  {
    TafelPublicKey k1 = *tafel_identity_get_public_key (a), k2 = k1;

    g_assert_cmpint (tafel_order_compare (5, &k1, 1, 5, &k2, 2), ==, -1);
    g_assert_cmpint (tafel_order_compare (5, &k1, 2, 5, &k2, 1), ==, 1);
    g_assert_cmpint (tafel_order_compare (5, &k1, 2, 5, &k2, 2), ==, 0);
    g_assert_cmpint (tafel_order_compare (4, &k1, 9, 5, &k2, 1), ==, -1);
    g_assert_cmpint (tafel_order_compare (5, &k1, 1, 5, tafel_identity_get_public_key (b), 1), ==, key_order);
  }
}

/* ---- Bodies ------------------------------------------------------------------ */

static void
test_body_profile (void)
{
  TafelProfile p = { (char *) "Jürgen 🎨", 0xe01b24ff }, d;
  g_autoptr(GBytes) b = tafel_profile_encode (&p);
  g_autoptr(GError) error = NULL;

  g_assert_true (tafel_profile_decode (b, &d, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (d.name, ==, p.name);
  g_assert_cmphex (d.rgba, ==, p.rgba);
  tafel_profile_clear (&d);

  {
    /* Bad UTF-8, too long, trailing bytes. */
    g_autoptr(GBytes) bad = g_bytes_new_static ("\x02\xc3\x28" "\0\0\0\0", 7);
    g_autofree guint8 *longname = g_malloc (2 + TAFEL_NAME_MAX_BYTES + 1 + 4);
    g_autoptr(GBytes) lb = NULL;
    g_autoptr(GBytes) trailing = g_bytes_new_static ("\x01" "a" "\0\0\0\0" "x", 7);

    g_assert_false (tafel_profile_decode (bad, &d, &error));
    g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID);
    g_clear_error (&error);

    longname[0] = 0x81;  /* 129 */
    longname[1] = 0x01;
    memset (longname + 2, 'a', TAFEL_NAME_MAX_BYTES + 1);
    memset (longname + 2 + TAFEL_NAME_MAX_BYTES + 1, 0, 4);
    lb = g_bytes_new (longname, 2 + TAFEL_NAME_MAX_BYTES + 1 + 4);
    g_assert_false (tafel_profile_decode (lb, &d, &error));
    g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_TOO_LARGE);
    g_clear_error (&error);

    g_assert_false (tafel_profile_decode (trailing, &d, &error));
    g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_MALFORMED);
    g_assert_null (d.name);
  }
}

static void
test_body_shape (void)
{
  for (guint k = TAFEL_SHAPE_LINE; k <= TAFEL_SHAPE_ARROW; k++)
    {
      TafelShape s = { k, 0x112233ff, 0x44556600 + k, 2.5f, -10.5, 20.25, 300.125, -4000.0 }, d;
      g_autoptr(GBytes) b = tafel_shape_encode (&s);
      g_autoptr(GError) error = NULL;

      g_assert_true (tafel_shape_decode (b, &d, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (&d, sizeof d, &s, sizeof s);
    }

  {
    TafelShape s = { TAFEL_SHAPE_RECTANGLE, 0, 0, 1.0f, 0, 0, 1, 1 }, d;
    g_autoptr(GBytes) b = tafel_shape_encode (&s);
    g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (b, NULL), g_bytes_get_size (b));
    double nan = NAN;
    g_autoptr(GBytes) nb = NULL;
    g_autoptr(GError) error = NULL;

    memcpy (copy + 13, &nan, 8);  /* x1 */
    nb = g_bytes_new (copy, g_bytes_get_size (b));
    g_assert_false (tafel_shape_decode (nb, &d, &error));
    g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID);
    g_clear_error (&error);
    g_clear_pointer (&nb, g_bytes_unref);

    memcpy (copy, g_bytes_get_data (b, NULL), g_bytes_get_size (b));
    copy[0] = 4;  /* unknown shape */
    nb = g_bytes_new (copy, g_bytes_get_size (b));
    g_assert_false (tafel_shape_decode (nb, &d, &error));
    g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID);
    g_clear_error (&error);
    g_clear_pointer (&nb, g_bytes_unref);

    nb = g_bytes_new (g_bytes_get_data (b, NULL), g_bytes_get_size (b) - 1);
    g_assert_false (tafel_shape_decode (nb, &d, &error));
    g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_TRUNCATED);
  }
}

static void
test_body_text (void)
{
  TafelText t = { 12.5, -3.0, (char *) "Zeile 1\nZeile 2 — ß", 18.0f, 0x000000ff }, d;
  g_autoptr(GBytes) b = tafel_text_encode (&t);
  g_autoptr(GError) error = NULL;

  g_assert_true (tafel_text_decode (b, &d, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (d.x, ==, t.x);
  g_assert_cmpfloat (d.y, ==, t.y);
  g_assert_cmpstr (d.text, ==, t.text);
  g_assert_cmpfloat (d.size, ==, t.size);
  g_assert_cmphex (d.rgba, ==, t.rgba);
  tafel_text_clear (&d);

  {
    /* A text of TAFEL_TEXT_MAX_BYTES is fine, one byte more is not. */
    g_autofree char *max = g_strnfill (TAFEL_TEXT_MAX_BYTES, 'a');
    TafelText big = { 0, 0, max, 10.0f, 0 };
    g_autoptr(GBytes) bb = tafel_text_encode (&big);
    GByteArray *over = g_byte_array_new ();
    g_autoptr(GBytes) ob = NULL;
    guint8 varint[3] = { 0x81, 0x80, 0x02 };  /* 8193 */

    g_assert_true (tafel_text_decode (bb, &d, &error));
    tafel_text_clear (&d);

    g_byte_array_append (over, g_bytes_get_data (bb, NULL), 16);
    g_byte_array_append (over, varint, 3);
    g_byte_array_append (over, (const guint8 *) max, TAFEL_TEXT_MAX_BYTES);
    g_byte_array_append (over, (const guint8 *) "a\0\0\x20\x41\0\0\0\0", 9);
    ob = g_byte_array_free_to_bytes (over);
    g_assert_false (tafel_text_decode (ob, &d, &error));
    g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_TOO_LARGE);
  }
}

static void
test_body_object_set (void)
{
  TafelHash ids[3];
  TafelObjectSet s = { 3, ids }, d;
  g_autoptr(GBytes) b = NULL;
  g_autoptr(GError) error = NULL;

  memset (&ids[0], 0x30, sizeof ids[0]);
  memset (&ids[1], 0x10, sizeof ids[1]);
  memset (&ids[2], 0x30, sizeof ids[2]);   /* a repeat */
  b = tafel_object_set_encode (&s);
  g_assert_cmpuint (g_bytes_get_size (b), ==, 1 + 2 * 32);
  g_assert_true (tafel_object_set_decode (b, &d, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (d.n_ids, ==, 2);
  g_assert_true (tafel_hash_equal (&d.ids[0], &ids[1]));
  g_assert_true (tafel_hash_equal (&d.ids[1], &ids[0]));
  tafel_object_set_clear (&d);

  {
    /* Unsorted on the wire; empty; a count beyond the data. */
    guint8 raw[1 + 64];
    g_autoptr(GBytes) rb = NULL;

    raw[0] = 2;
    memset (raw + 1, 0x30, 32);
    memset (raw + 33, 0x10, 32);
    rb = g_bytes_new (raw, sizeof raw);
    g_assert_false (tafel_object_set_decode (rb, &d, &error));
    g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID);
    g_clear_error (&error);
    g_clear_pointer (&rb, g_bytes_unref);

    raw[0] = 0;
    rb = g_bytes_new (raw, 1);
    g_assert_false (tafel_object_set_decode (rb, &d, &error));
    g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID);
    g_clear_error (&error);
    g_clear_pointer (&rb, g_bytes_unref);

    raw[0] = 3;
    rb = g_bytes_new (raw, sizeof raw);
    g_assert_false (tafel_object_set_decode (rb, &d, &error));
    g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_TRUNCATED);
  }
}

static void
test_body_transform_set (void)
{
  TafelHash ids[2];
  TafelTransform t[2] = { { 2.0, 0.5, 10.0, -20.0 }, TAFEL_TRANSFORM_IDENTITY };
  TafelTransformSet s = { 2, ids, t }, d;
  g_autoptr(GBytes) b = NULL;
  g_autoptr(GError) error = NULL;

  memset (&ids[0], 0x99, sizeof ids[0]);
  memset (&ids[1], 0x11, sizeof ids[1]);
  b = tafel_transform_set_encode (&s);
  g_assert_true (tafel_transform_set_decode (b, &d, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (d.n_entries, ==, 2);
  g_assert_true (tafel_hash_equal (&d.ids[0], &ids[1]));
  g_assert_cmpmem (&d.transforms[0], sizeof (TafelTransform), &t[1], sizeof (TafelTransform));
  g_assert_cmpmem (&d.transforms[1], sizeof (TafelTransform), &t[0], sizeof (TafelTransform));
  tafel_transform_set_clear (&d);

  {
    /* A zero scale is refused. */
    g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (b, NULL), g_bytes_get_size (b));
    g_autoptr(GBytes) zb = NULL;

    memset (copy + 1 + 32, 0, 8);
    zb = g_bytes_new (copy, g_bytes_get_size (b));
    g_assert_false (tafel_transform_set_decode (zb, &d, &error));
    g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID);
  }
}

/* Decodes @bytes (@len) as an amend body: TRUE when accepted. */
static gboolean
amend_accepts (const guint8 *bytes,
               gsize         len)
{
  g_autoptr(GBytes) b = g_bytes_new (bytes, len);
  g_autoptr(GError) error = NULL;
  TafelAmendSet d;
  gboolean ok = tafel_amend_set_decode (b, &d, &error);

  if (ok)
    tafel_amend_set_clear (&d);
  else
    g_assert_true (error != NULL && error->domain == TAFEL_RECORD_ERROR);
  g_assert_true (tafel_record_validate_body (TAFEL_RECORD_KIND_AMEND, bytes, len, NULL, NULL) == ok);
  return ok;
}

static void
test_body_amend (void)
{
  TafelAmendEntry e[3] = {
    { .fields = TAFEL_AMEND_ALL, .rgba = 0x11223344, .width = 7.5f, .text = (char *) "Grüße", .z = -2.25 },
    { .fields = TAFEL_AMEND_Z, .z = -0.0 },
    { .fields = TAFEL_AMEND_COLOR, .rgba = 0xffffffff },
  };
  TafelAmendSet s = { 3, e }, d;
  g_autoptr(GBytes) b = NULL;
  g_autoptr(GError) error = NULL;
  gsize size = 1;

  memset (&e[0].id, 0x99, sizeof e[0].id);
  memset (&e[1].id, 0x11, sizeof e[1].id);
  memset (&e[2].id, 0x99, sizeof e[2].id);   /* repeat: the first stays */
  b = tafel_amend_set_encode (&s);
  g_assert_true (tafel_amend_set_decode (b, &d, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (d.n_entries, ==, 2);
  g_assert_true (tafel_hash_equal (&d.entries[0].id, &e[1].id));
  g_assert_cmpuint (d.entries[0].fields, ==, TAFEL_AMEND_Z);
  g_assert_true (d.entries[0].z == 0 && !signbit (d.entries[0].z));
  g_assert_null (d.entries[0].text);
  g_assert_cmpuint (d.entries[1].fields, ==, TAFEL_AMEND_ALL);
  g_assert_cmphex (d.entries[1].rgba, ==, 0x11223344);
  g_assert_cmpfloat (d.entries[1].width, ==, 7.5f);
  g_assert_cmpstr (d.entries[1].text, ==, "Grüße");
  g_assert_cmpfloat (d.entries[1].z, ==, -2.25);
  for (guint i = 0; i < d.n_entries; i++)
    size += tafel_amend_entry_get_size (&d.entries[i]);
  g_assert_cmpuint (size, ==, g_bytes_get_size (b));
  tafel_amend_set_clear (&d);

  {
    /* One entry by hand: id, fields, then the fields in order. */
    guint8 raw[1 + 32 + 1 + 8];
    double z = 5;

    raw[0] = 1;
    memset (raw + 1, 0x42, 32);
    raw[33] = TAFEL_AMEND_Z;
    memcpy (raw + 34, &z, 8);
    /* (The f64 is little-endian on the wire, as on this machine.) */
    g_assert_true (amend_accepts (raw, sizeof raw));
    /* No property, or one this version does not know. */
    raw[33] = 0;
    g_assert_false (amend_accepts (raw, sizeof raw));
    raw[33] = 0x10 | TAFEL_AMEND_Z;
    g_assert_false (amend_accepts (raw, sizeof raw));
    raw[33] = TAFEL_AMEND_Z;
    /* A z beyond the clock's limit, or not a number. */
    z = 2 * (double) TAFEL_RECORD_MAX_CLOCK;
    memcpy (raw + 34, &z, 8);
    g_assert_false (amend_accepts (raw, sizeof raw));
    z = NAN;
    memcpy (raw + 34, &z, 8);
    g_assert_false (amend_accepts (raw, sizeof raw));
    /* Cut short, or nothing at all. */
    g_assert_false (amend_accepts (raw, sizeof raw - 1));
    raw[0] = 0;
    g_assert_false (amend_accepts (raw, 1));
  }

  {
    /* Splitting a large change: by bytes, by count, never nothing. */
    g_autofree char *words = g_strnfill (8000, 'w');
    g_autofree TafelAmendEntry *many = g_new0 (TafelAmendEntry, TAFEL_SET_MAX_OBJECTS + 5);
    TafelAmendEntry big[3];

    for (guint i = 0; i < 3; i++)
      big[i] = (TafelAmendEntry) { .fields = TAFEL_AMEND_TEXT, .text = words };
    g_assert_cmpuint (tafel_amend_entries_fit (big, 3, 10000), ==, 1);
    g_assert_cmpuint (tafel_amend_entries_fit (big, 3, 20000), ==, 2);
    g_assert_cmpuint (tafel_amend_entries_fit (big, 3, 100), ==, 1);
    for (guint i = 0; i < TAFEL_SET_MAX_OBJECTS + 5; i++)
      many[i] = (TafelAmendEntry) { .fields = TAFEL_AMEND_Z };
    g_assert_cmpuint (tafel_amend_entries_fit (many, TAFEL_SET_MAX_OBJECTS + 5, G_MAXSIZE), ==,
                      TAFEL_SET_MAX_OBJECTS);
  }

  {
    /* Width 0 and an empty text are no values. */
    guint8 raw[1 + 32 + 1 + 4];
    float zero = 0;

    raw[0] = 1;
    memset (raw + 1, 0x42, 32);
    raw[33] = TAFEL_AMEND_WIDTH;
    memcpy (raw + 34, &zero, 4);
    g_assert_false (amend_accepts (raw, sizeof raw));
    raw[33] = TAFEL_AMEND_TEXT;
    raw[34] = 0;
    g_assert_false (amend_accepts (raw, 35));
  }
}

static void
test_body_clear (void)
{
  TafelPublicKey authors[3];
  guint64 seqs[3] = { 5, 1000000, 7 };
  TafelClear c = { 3, authors, seqs }, d;
  g_autoptr(GBytes) b = NULL;
  g_autoptr(GError) error = NULL;

  memset (&authors[0], 0xcc, sizeof authors[0]);
  memset (&authors[1], 0x01, sizeof authors[1]);
  memset (&authors[2], 0xcc, sizeof authors[2]);   /* repeat: the larger seq wins */
  b = tafel_clear_encode (&c);
  g_assert_true (tafel_clear_decode (b, &d, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (d.n_authors, ==, 2);
  g_assert_cmpuint (d.seqs[0], ==, 1000000);
  g_assert_cmpuint (d.seqs[1], ==, 7);
  tafel_clear_clear (&d);

  {
    TafelClear empty = { 0, NULL, NULL };
    g_autoptr(GBytes) eb = tafel_clear_encode (&empty);

    g_assert_true (tafel_clear_decode (eb, &d, &error));
    g_assert_cmpuint (d.n_authors, ==, 0);
    tafel_clear_clear (&d);
  }
}

static void
test_body_chat (void)
{
  TafelChat d;
  g_autoptr(GBytes) b = chat_body ("Grüße 👋");
  g_autoptr(GBytes) empty = g_bytes_new_static ("\x00", 1);
  g_autoptr(GBytes) nul = g_bytes_new_static ("\x03" "a\0b", 4);
  g_autoptr(GError) error = NULL;

  g_assert_true (tafel_chat_decode (b, &d, &error));
  g_assert_cmpstr (d.text, ==, "Grüße 👋");
  tafel_chat_clear (&d);

  g_assert_false (tafel_chat_decode (empty, &d, &error));
  g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (tafel_chat_decode (nul, &d, &error));
  g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID);
}

/* ---- Points ------------------------------------------------------------------ */

static void
check_stroke_round_trip (TafelStroke *s)
{
  g_autoptr(GBytes) b = tafel_stroke_encode (s);
  g_autoptr(GError) error = NULL;
  TafelStroke d;
  TafelStroke q = *s;

  q.points = g_memdup2 (s->points, sizeof (TafelPoint) * s->n_points);
  tafel_stroke_quantise (&q);

  g_assert_true (tafel_stroke_decode (b, &d, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (d.n_points, ==, s->n_points);
  g_assert_cmpuint (d.tool, ==, s->tool);
  g_assert_cmphex (d.rgba, ==, s->rgba);
  g_assert_cmpfloat (d.width, ==, s->width);
  g_assert_cmpmem (d.points, sizeof (TafelPoint) * d.n_points, q.points, sizeof (TafelPoint) * q.n_points);

  /* Encoding what came out is lossless and gives the same bytes. */
  {
    g_autoptr(GBytes) b2 = tafel_stroke_encode (&d);

    g_assert_true (g_bytes_equal (b, b2));
  }
  tafel_stroke_clear (&d);
  g_free (q.points);
}

static void
test_points_traces (void)
{
  const char *names[] = { "quickdraw-strokes.ndjson", "excalidraw-strokes.ndjson" };
  guint n_traces = 0;

  for (guint t = 0; t < G_N_ELEMENTS (names); t++)
    {
      g_autofree char *path = tafel_test_shared_path (names[t]);
      g_autoptr(GArray) strokes = NULL;
      g_autoptr(GError) error = NULL;
      guint64 points = 0, bytes = 0;

      if (path == NULL)
        continue;
      strokes = tafel_stroke_import_load_path (path, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < strokes->len; i++)
        {
          TafelStroke *s = &g_array_index (strokes, TafelStroke, i);
          g_autoptr(GBytes) b = tafel_stroke_encode (s);

          check_stroke_round_trip (s);
          points += s->n_points;
          bytes += g_bytes_get_size (b);
        }
      g_test_message ("%s: %u strokes, %" G_GUINT64_FORMAT " points, %.3f body bytes per point",
                      names[t], strokes->len, points, (double) bytes / (double) points);
      n_traces++;
    }
  if (n_traces == 0)
    g_test_skip ("The shared traces ($TAFEL_SHARED_DATA) are not here");
}

static void
test_points_random_walk (void)
{
  g_autoptr(GArray) strokes = tafel_test_random_walk (2000, 7);

  for (guint i = 0; i < strokes->len; i++)
    check_stroke_round_trip (&g_array_index (strokes, TafelStroke, i));
}

static void
test_points_edge_cases (void)
{
  guint32 seed = g_test_rand_int ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  TafelPoint pts[64];
  TafelStroke s = { TAFEL_TOOL_HIGHLIGHTER, 0xffff0080, 12.0f, 1, pts };

  g_test_message ("seed %u", seed);

  /* One point; NaN becomes 0 and 0.5; clamping at the board's edge. */
  pts[0] = (TafelPoint) { NAN, -1e30f, NAN };
  check_stroke_round_trip (&s);
  {
    TafelStroke q = s;
    TafelPoint p = pts[0];

    q.points = &p;
    tafel_stroke_quantise (&q);
    g_assert_cmpfloat (p.x, ==, 0.0f);
    g_assert_cmpfloat (p.y, ==, -(float) TAFEL_COORD_MAX);
    g_assert_cmpfloat (p.pressure, ==, 0.5f);
  }

  /* Identical points; jumps across the whole board (escapes); tiny steps. */
  s.n_points = 64;
  for (guint i = 0; i < 64; i++)
    pts[i] = (TafelPoint) { 5.0f, 5.0f, 0.5f };
  check_stroke_round_trip (&s);
  for (guint i = 0; i < 64; i++)
    pts[i] = (TafelPoint) { (i % 2) ? TAFEL_COORD_MAX : -TAFEL_COORD_MAX,
                            (i % 3) ? -TAFEL_COORD_MAX : TAFEL_COORD_MAX,
                            (i % 2) ? 1.0f : 0.0f };
  check_stroke_round_trip (&s);
  for (guint i = 0; i < 64; i++)
    pts[i] = (TafelPoint) { 0.125f * i, -0.125f * (i % 7), 0.5f };
  check_stroke_round_trip (&s);

  /* Random mixtures of both. */
  for (guint round = 0; round < 2000; round++)
    {
      double scale = pow (2.0, g_rand_int_range (rand, -3, 22));

      s.n_points = (guint) g_rand_int_range (rand, 1, 65);
      for (guint i = 0; i < s.n_points; i++)
        {
          pts[i].x = (float) CLAMP (g_rand_double_range (rand, -scale, scale), -3e6, 3e6);
          pts[i].y = (float) CLAMP (g_rand_double_range (rand, -scale, scale), -3e6, 3e6);
          pts[i].pressure = (float) g_rand_double_range (rand, -0.2, 1.2);
        }
      check_stroke_round_trip (&s);
    }

  /* The largest stroke fits a record. */
  {
    g_autofree TafelPoint *many = g_new (TafelPoint, TAFEL_STROKE_MAX_POINTS);
    TafelStroke big = { TAFEL_TOOL_PEN, 0, 1.0f, TAFEL_STROKE_MAX_POINTS, many };
    g_autoptr(GBytes) b = NULL;

    for (guint i = 0; i < TAFEL_STROKE_MAX_POINTS; i++)
      many[i] = (TafelPoint) { (i % 2) ? TAFEL_COORD_MAX : -TAFEL_COORD_MAX,
                               (float) g_rand_double_range (rand, -TAFEL_COORD_MAX, TAFEL_COORD_MAX),
                               (float) g_rand_double (rand) };
    check_stroke_round_trip (&big);
    b = tafel_stroke_encode (&big);
    g_test_message ("worst-case stroke: %" G_GSIZE_FORMAT " bytes", g_bytes_get_size (b));
    g_assert_cmpuint (g_bytes_get_size (b) + 200, <, TAFEL_RECORD_MAX_BYTES);
  }
}

static void
test_points_quantise_idempotent (void)
{
  g_autoptr(GArray) strokes = tafel_test_random_walk (200, 3);

  for (guint i = 0; i < strokes->len; i++)
    {
      TafelStroke *s = &g_array_index (strokes, TafelStroke, i);
      g_autofree TafelPoint *once = NULL;

      tafel_stroke_quantise (s);
      once = g_memdup2 (s->points, sizeof (TafelPoint) * s->n_points);
      tafel_stroke_quantise (s);
      g_assert_cmpmem (once, sizeof (TafelPoint) * s->n_points, s->points, sizeof (TafelPoint) * s->n_points);
      for (guint j = 0; j < s->n_points; j++)
        g_assert_cmpfloat (s->points[j].x * 8.0f, ==, rintf (s->points[j].x * 8.0f));
    }
}

static void
test_points_damaged (void)
{
  g_autoptr(GArray) strokes = tafel_test_random_walk (20, 11);
  guint32 seed = g_test_rand_int ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

  g_test_message ("seed %u", seed);
  for (guint i = 0; i < strokes->len; i++)
    {
      g_autoptr(GBytes) b = tafel_stroke_encode (&g_array_index (strokes, TafelStroke, i));
      const guint8 *data = g_bytes_get_data (b, NULL);
      gsize len = g_bytes_get_size (b);

      /* Every truncation fails cleanly. */
      for (gsize n = 0; n < len; n++)
        {
          g_autoptr(GBytes) t = g_bytes_new (data, n);
          g_autoptr(GError) error = NULL;
          TafelStroke d;

          g_assert_false (tafel_stroke_decode (t, &d, &error));
          g_assert_nonnull (error);
          g_assert_null (d.points);
        }
      /* Trailing bytes fail. */
      {
        g_autofree guint8 *more = g_malloc0 (len + 1);
        g_autoptr(GBytes) t = NULL;
        g_autoptr(GError) error = NULL;
        TafelStroke d;

        memcpy (more, data, len);
        t = g_bytes_new (more, len + 1);
        g_assert_false (tafel_stroke_decode (t, &d, &error));
        g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_MALFORMED);
      }
      /* Random damage never crashes; whatever decodes is within limits. */
      for (guint round = 0; round < 200; round++)
        {
          g_autofree guint8 *copy = g_memdup2 (data, len);
          g_autoptr(GBytes) t = NULL;
          g_autoptr(GError) error = NULL;
          TafelStroke d;

          for (guint k = 0; k < 1 + round % 4; k++)
            copy[g_rand_int_range (rand, 0, (gint32) len)] ^= (guint8) g_rand_int_range (rand, 1, 256);
          t = g_bytes_new (copy, len);
          if (tafel_stroke_decode (t, &d, &error))
            {
              for (guint j = 0; j < d.n_points; j++)
                {
                  g_assert_cmpfloat (fabsf (d.points[j].x), <=, TAFEL_COORD_MAX);
                  g_assert_cmpfloat (fabsf (d.points[j].y), <=, TAFEL_COORD_MAX);
                  g_assert_cmpfloat (d.points[j].pressure, >=, 0.0f);
                  g_assert_cmpfloat (d.points[j].pressure, <=, 1.0f);
                }
              tafel_stroke_clear (&d);
            }
          else
            g_assert_nonnull (error);
        }
    }
}

static void
test_points_limits (void)
{
  /* A header claiming TAFEL_STROKE_MAX_POINTS + 1 points, zero points, a
   * zero or NaN width. */
  guint8 raw[32] = { 0, 0, 0, 0, 0xff };
  float w = 2.0f;
  g_autoptr(GBytes) b = NULL;
  g_autoptr(GError) error = NULL;
  TafelStroke d;
  gsize n;

  memcpy (raw + 5, &w, 4);
  n = 9;
  raw[n++] = 0xa1;  /* 20001 = 0x4e21 */
  raw[n++] = 0x9c;
  raw[n++] = 0x01;
  b = g_bytes_new (raw, n + 4);
  g_assert_false (tafel_stroke_decode (b, &d, &error));
  g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_clear_pointer (&b, g_bytes_unref);

  raw[9] = 0;
  b = g_bytes_new (raw, 14);
  g_assert_false (tafel_stroke_decode (b, &d, &error));
  g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&b, g_bytes_unref);

  w = NAN;
  memcpy (raw + 5, &w, 4);
  raw[9] = 1;
  b = g_bytes_new (raw, 13);
  g_assert_false (tafel_stroke_decode (b, &d, &error));
  g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&b, g_bytes_unref);

  w = 0.0f;
  memcpy (raw + 5, &w, 4);
  b = g_bytes_new (raw, 13);
  g_assert_false (tafel_stroke_decode (b, &d, &error));
  g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID);
}

/* Baking a transform into content, the rule behind copies of moved
 * objects. */
static void
test_bake_transform (void)
{
  TafelTransform t = { 2, 0.5, 10, -20 };
  TafelPoint points[2] = { { 1, 4, 0.5f }, { 3, 8, 1.0f } };
  TafelStroke stroke = { TAFEL_TOOL_PEN, 0xff, 3, 2, points };
  TafelShape shape = { TAFEL_SHAPE_RECTANGLE, 0xff, 0, 3, 1, 4, 3, 8 };
  TafelText text = { 1, 4, (char *) "Wort", 20, 0xff };
  TafelTransform far = { 65536, 65536, 0, 0 };
  TafelShape huge = { TAFEL_SHAPE_LINE, 0xff, 0, 3000, -100, 0, 100, 0 };

  /* Points move where the transform shows them; widths keep their weight
   * (√|sx·sy| = 1 here), text scales with sy. */
  tafel_stroke_bake_transform (&stroke, &t);
  g_assert_cmpfloat_with_epsilon (points[0].x, 12, 1e-3);
  g_assert_cmpfloat_with_epsilon (points[0].y, -18, 1e-3);
  g_assert_cmpfloat_with_epsilon (points[1].x, 16, 1e-3);
  g_assert_cmpfloat_with_epsilon (points[1].y, -16, 1e-3);
  g_assert_cmpfloat (points[1].pressure, ==, 1.0f);
  g_assert_cmpfloat_with_epsilon (stroke.width, 3, 1e-6);

  tafel_shape_bake_transform (&shape, &t);
  g_assert_cmpfloat (shape.x1, ==, 12);
  g_assert_cmpfloat (shape.y1, ==, -18);
  g_assert_cmpfloat (shape.x2, ==, 16);
  g_assert_cmpfloat (shape.y2, ==, -16);
  g_assert_cmpfloat_with_epsilon (shape.width, 3, 1e-6);

  tafel_text_bake_transform (&text, &t);
  g_assert_cmpfloat (text.x, ==, 12);
  g_assert_cmpfloat (text.y, ==, -18);
  g_assert_cmpfloat_with_epsilon (text.size, 10, 1e-6);

  /* The result stays within the record limits, so that it encodes. */
  tafel_shape_bake_transform (&huge, &far);
  g_assert_cmpfloat (huge.x1, ==, -TAFEL_COORD_MAX);
  g_assert_cmpfloat (huge.x2, ==, TAFEL_COORD_MAX);
  g_assert_cmpfloat (huge.width, ==, TAFEL_WIDTH_MAX);
  {
    g_autoptr(GBytes) body = tafel_shape_encode (&huge);

    g_assert_nonnull (body);
  }
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/record/envelope/round-trip", test_envelope_round_trip);
  g_test_add_func ("/tafel/record/envelope/id", test_envelope_id_is_hash_of_signed_bytes);
  g_test_add_func ("/tafel/record/envelope/tampered", test_envelope_tampered);
  g_test_add_func ("/tafel/record/envelope/malformed", test_envelope_malformed);
  g_test_add_func ("/tafel/record/envelope/unknown-kind", test_envelope_unknown_kind);
  g_test_add_func ("/tafel/record/envelope/known-kind-bad-body", test_envelope_known_kind_bad_body);
  g_test_add_func ("/tafel/record/compare-order", test_compare_order);
  g_test_add_func ("/tafel/record/body/profile", test_body_profile);
  g_test_add_func ("/tafel/record/body/shape", test_body_shape);
  g_test_add_func ("/tafel/record/body/text", test_body_text);
  g_test_add_func ("/tafel/record/body/object-set", test_body_object_set);
  g_test_add_func ("/tafel/record/body/transform-set", test_body_transform_set);
  g_test_add_func ("/tafel/record/body/amend", test_body_amend);
  g_test_add_func ("/tafel/record/body/clear", test_body_clear);
  g_test_add_func ("/tafel/record/body/chat", test_body_chat);
  g_test_add_func ("/tafel/record/body/bake-transform", test_bake_transform);
  g_test_add_func ("/tafel/record/points/traces", test_points_traces);
  g_test_add_func ("/tafel/record/points/random-walk", test_points_random_walk);
  g_test_add_func ("/tafel/record/points/edge-cases", test_points_edge_cases);
  g_test_add_func ("/tafel/record/points/quantise-idempotent", test_points_quantise_idempotent);
  g_test_add_func ("/tafel/record/points/damaged", test_points_damaged);
  g_test_add_func ("/tafel/record/points/limits", test_points_limits);

  return g_test_run ();
}
