/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-keys.h"
#include "tafel-test-util.h"

/* The keys of epoch 0 of a 0.1 board whose secret is the bytes 0..31,
 * computed outside Tafel (Python's hashlib BLAKE2b with salt and person,
 * which is what crypto_kdf_derive_from_key does, and the cryptography
 * package's Ed25519) from the formulas of docs/access.md. */
#define KAT_E      "a4a705d158469f618f95e945f94523b9661235c5938d229433505cd42fd24d6a"
#define KAT_R      "b13bed54081e907a0be1dc0c1a027363f57842d9fad7ad27c9faf3cfa45e38eb"
#define KAT_S      "7b5f18776749bbd13abfc3ea687f13a5a765c68c517cb7bc8a980cf8628e37c4"
#define KAT_B      "4412adec59636cf5805478c2b3e9a5066d6a205a11d9e95653b362ed7bef0994"
#define KAT_RCHECK "feaed2c1bc622cbe27bfee11539333d8e0d9e11c3a5e8d5a84ee1fd2c363b77c"
#define KAT_SCHECK "e62e86ba3d8bb57c3829a3a2e6927ced44117e87b61c6af554d881fba290764e"
#define KAT_N      "da85550032239a13df99958c29f03b725e665aa2da4904f74c76a76d36a1c7bf"
#define KAT_WPK    "6601aff62b32c63a1ec8aaea9bd4b6d5737ee47d3656c05717772f95ecba2585"
/* BLAKE2b-128 ("tafel board" ‖ 32 × 0xaa ‖ KAT_WPK) */
#define KAT_BOARD_ID "a61387a2b2ed6eb06805f8c2d5d2bbbf"

static void
assert_hex (const guint8 *bytes,
            gsize         len,
            const char   *expected)
{
  g_autofree char *hex = NULL;

  g_assert_nonnull (bytes);
  hex = tafel_hex_encode (bytes, len);
  g_assert_cmpstr (hex, ==, expected);
}

static void
v1_fixture_secret (guint8 secret[TAFEL_BOARD_SECRET_BYTES])
{
  for (guint i = 0; i < TAFEL_BOARD_SECRET_BYTES; i++)
    secret[i] = i;
}

static void
assert_same_keys (const TafelEpochKeys *a,
                  const TafelEpochKeys *b)
{
  g_assert_cmpint (tafel_epoch_keys_get_capability (a), ==, tafel_epoch_keys_get_capability (b));
  g_assert_cmpmem (tafel_epoch_keys_get_secret (a), TAFEL_KEY_BYTES, tafel_epoch_keys_get_secret (b), TAFEL_KEY_BYTES);
  g_assert_cmpmem (tafel_epoch_keys_get_seed_secret (a), TAFEL_KEY_BYTES,
                   tafel_epoch_keys_get_seed_secret (b), TAFEL_KEY_BYTES);
  g_assert_cmpmem (tafel_epoch_keys_get_seed_check (a), TAFEL_CHECK_BYTES,
                   tafel_epoch_keys_get_seed_check (b), TAFEL_CHECK_BYTES);
  g_assert_cmpmem (tafel_epoch_keys_get_network_secret (a), TAFEL_KEY_BYTES,
                   tafel_epoch_keys_get_network_secret (b), TAFEL_KEY_BYTES);
  if (tafel_epoch_keys_get_read_key (a) != NULL)
    {
      g_assert_cmpmem (tafel_epoch_keys_get_read_key (a), TAFEL_KEY_BYTES,
                       tafel_epoch_keys_get_read_key (b), TAFEL_KEY_BYTES);
      g_assert_cmpmem (tafel_epoch_keys_get_body_key (a), TAFEL_KEY_BYTES,
                       tafel_epoch_keys_get_body_key (b), TAFEL_KEY_BYTES);
      g_assert_cmpmem (tafel_epoch_keys_get_read_check (a), TAFEL_CHECK_BYTES,
                       tafel_epoch_keys_get_read_check (b), TAFEL_CHECK_BYTES);
    }
  if (tafel_epoch_keys_get_edit_secret (a) != NULL)
    g_assert_cmpmem (tafel_epoch_keys_get_write_public_key (a), TAFEL_PUBLIC_KEY_BYTES,
                     tafel_epoch_keys_get_write_public_key (b), TAFEL_PUBLIC_KEY_BYTES);
}

/* The derivations are the ones docs/access.md writes down, byte for byte. */
static void
test_known_answers (void)
{
  guint8 v1_secret[TAFEL_BOARD_SECRET_BYTES];
  g_autoptr(TafelEpochKeys) keys = NULL;
  TafelPublicKey owner;
  guint8 board_id[TAFEL_BOARD_ID_BYTES];

  v1_fixture_secret (v1_secret);
  keys = tafel_epoch_keys_new_from_v1_secret (v1_secret);

  g_assert_cmpint (tafel_epoch_keys_get_capability (keys), ==, TAFEL_CAPABILITY_EDIT);
  assert_hex (tafel_epoch_keys_get_edit_secret (keys), TAFEL_KEY_BYTES, KAT_E);
  assert_hex (tafel_epoch_keys_get_secret (keys), TAFEL_KEY_BYTES, KAT_E);
  assert_hex (tafel_epoch_keys_get_read_key (keys), TAFEL_KEY_BYTES, KAT_R);
  assert_hex (tafel_epoch_keys_get_seed_secret (keys), TAFEL_KEY_BYTES, KAT_S);
  assert_hex (tafel_epoch_keys_get_body_key (keys), TAFEL_KEY_BYTES, KAT_B);
  assert_hex (tafel_epoch_keys_get_read_check (keys), TAFEL_CHECK_BYTES, KAT_RCHECK);
  assert_hex (tafel_epoch_keys_get_seed_check (keys), TAFEL_CHECK_BYTES, KAT_SCHECK);
  assert_hex (tafel_epoch_keys_get_network_secret (keys), TAFEL_KEY_BYTES, KAT_N);
  assert_hex (tafel_epoch_keys_get_write_public_key (keys)->bytes, TAFEL_PUBLIC_KEY_BYTES, KAT_WPK);

  memset (owner.bytes, 0xaa, sizeof owner.bytes);
  tafel_board_id_for_owner (board_id, &owner, tafel_epoch_keys_get_write_public_key (keys));
  assert_hex (board_id, sizeof board_id, KAT_BOARD_ID);
}

static void
test_deterministic (void)
{
  guint8 secret[TAFEL_KEY_BYTES];

  for (guint round = 0; round < 50; round++)
    {
      g_autoptr(TafelEpochKeys) a = NULL;
      g_autoptr(TafelEpochKeys) b = NULL;
      g_autoptr(TafelEpochKeys) c = NULL;
      g_autoptr(TafelEpochKeys) d = NULL;

      tafel_random_bytes (secret, sizeof secret);
      a = tafel_epoch_keys_new (TAFEL_CAPABILITY_EDIT, secret);
      b = tafel_epoch_keys_new (TAFEL_CAPABILITY_EDIT, secret);
      assert_same_keys (a, b);

      /* The same board upgraded twice from its 0.1 secret: the same keys. */
      c = tafel_epoch_keys_new_from_v1_secret (secret);
      d = tafel_epoch_keys_new_from_v1_secret (secret);
      assert_same_keys (c, d);
      /* The upgrade derives E; it does not take the old secret as E. */
      g_assert_false (tafel_memequal (tafel_epoch_keys_get_edit_secret (c), secret, TAFEL_KEY_BYTES));

      tafel_memzero (secret, sizeof secret);
    }
}

static void
test_random_keys_differ (void)
{
  g_autoptr(TafelEpochKeys) a = tafel_epoch_keys_new_random ();
  g_autoptr(TafelEpochKeys) b = tafel_epoch_keys_new_random ();

  g_assert_cmpint (tafel_epoch_keys_get_capability (a), ==, TAFEL_CAPABILITY_EDIT);
  g_assert_false (tafel_memequal (tafel_epoch_keys_get_edit_secret (a),
                                  tafel_epoch_keys_get_edit_secret (b), TAFEL_KEY_BYTES));
  g_assert_false (tafel_memequal (tafel_epoch_keys_get_seed_check (a),
                                  tafel_epoch_keys_get_seed_check (b), TAFEL_CHECK_BYTES));
}

/* Every key of an epoch is a different value: none is another under a
 * second name, so that handing out one never hands out another. */
static void
test_values_differ (void)
{
  g_autoptr(TafelEpochKeys) keys = tafel_epoch_keys_new_random ();
  const guint8 *values[] = {
    tafel_epoch_keys_get_edit_secret (keys),
    tafel_epoch_keys_get_write_public_key (keys)->bytes,
    tafel_epoch_keys_get_read_key (keys),
    tafel_epoch_keys_get_body_key (keys),
    tafel_epoch_keys_get_read_check (keys),
    tafel_epoch_keys_get_seed_secret (keys),
    tafel_epoch_keys_get_seed_check (keys),
    tafel_epoch_keys_get_network_secret (keys),
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    for (guint j = i + 1; j < G_N_ELEMENTS (values); j++)
      if (memcmp (values[i], values[j], 32) == 0)
        g_error ("key %u and key %u are the same value", i, j);
}

/* What a view key yields is what the edit key yields below it, and
 * nothing above: no E, no write key, no way to ask for them. */
static void
test_view_is_one_way (void)
{
  g_autoptr(TafelEpochKeys) edit = tafel_epoch_keys_new_random ();
  g_autoptr(TafelEpochKeys) view = NULL;
  g_autoptr(TafelEpochKeys) from_r = NULL;
  g_autoptr(TafelEpochKeys) up = NULL;
  g_autoptr(TafelEpochKeys) copy = NULL;
  g_autoptr(GError) error = NULL;
  TafelSignature proof;
  guint8 board_id[TAFEL_BOARD_ID_BYTES] = { 1 };

  view = tafel_epoch_keys_dup_as (edit, TAFEL_CAPABILITY_VIEW, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tafel_epoch_keys_get_capability (view), ==, TAFEL_CAPABILITY_VIEW);
  g_assert_cmpmem (tafel_epoch_keys_get_secret (view), TAFEL_KEY_BYTES,
                   tafel_epoch_keys_get_read_key (edit), TAFEL_KEY_BYTES);

  /* R alone, as a view link gives it, derives the same keys. */
  from_r = tafel_epoch_keys_new (TAFEL_CAPABILITY_VIEW, tafel_epoch_keys_get_read_key (edit));
  assert_same_keys (view, from_r);
  g_assert_cmpmem (tafel_epoch_keys_get_body_key (from_r), TAFEL_KEY_BYTES,
                   tafel_epoch_keys_get_body_key (edit), TAFEL_KEY_BYTES);
  g_assert_cmpmem (tafel_epoch_keys_get_seed_secret (from_r), TAFEL_KEY_BYTES,
                   tafel_epoch_keys_get_seed_secret (edit), TAFEL_KEY_BYTES);

  g_assert_null (tafel_epoch_keys_get_edit_secret (from_r));
  g_assert_null (tafel_epoch_keys_get_write_public_key (from_r));
  g_assert_false (tafel_epoch_keys_sign_enrolment (from_r, board_id,
                                                   tafel_epoch_keys_get_write_public_key (edit), 0, &proof));

  up = tafel_epoch_keys_dup_as (from_r, TAFEL_CAPABILITY_EDIT, &error);
  g_assert_null (up);
  g_assert_error (error, TAFEL_KEYS_ERROR, TAFEL_KEYS_ERROR_CAPABILITY);

  /* A copy is no way up either. */
  copy = tafel_epoch_keys_copy (from_r);
  g_assert_null (tafel_epoch_keys_get_edit_secret (copy));
  assert_same_keys (copy, from_r);
}

/* A seed key yields S's check value and the network secret: no R, no B. */
static void
test_seed_is_one_way (void)
{
  g_autoptr(TafelEpochKeys) edit = tafel_epoch_keys_new_random ();
  g_autoptr(TafelEpochKeys) seed = NULL;
  g_autoptr(TafelEpochKeys) from_s = NULL;
  g_autoptr(TafelEpochKeys) up = NULL;
  g_autoptr(GError) error = NULL;

  seed = tafel_epoch_keys_dup_as (edit, TAFEL_CAPABILITY_SEED, &error);
  g_assert_no_error (error);
  from_s = tafel_epoch_keys_new (TAFEL_CAPABILITY_SEED, tafel_epoch_keys_get_seed_secret (edit));
  assert_same_keys (seed, from_s);
  g_assert_cmpmem (tafel_epoch_keys_get_network_secret (from_s), TAFEL_KEY_BYTES,
                   tafel_epoch_keys_get_network_secret (edit), TAFEL_KEY_BYTES);

  g_assert_null (tafel_epoch_keys_get_edit_secret (from_s));
  g_assert_null (tafel_epoch_keys_get_write_public_key (from_s));
  g_assert_null (tafel_epoch_keys_get_read_key (from_s));
  g_assert_null (tafel_epoch_keys_get_body_key (from_s));
  g_assert_null (tafel_epoch_keys_get_read_check (from_s));

  up = tafel_epoch_keys_dup_as (from_s, TAFEL_CAPABILITY_VIEW, &error);
  g_assert_null (up);
  g_assert_error (error, TAFEL_KEYS_ERROR, TAFEL_KEYS_ERROR_CAPABILITY);
  g_clear_error (&error);
  up = tafel_epoch_keys_dup_as (from_s, TAFEL_CAPABILITY_EDIT, &error);
  g_assert_null (up);
  g_assert_error (error, TAFEL_KEYS_ERROR, TAFEL_KEYS_ERROR_CAPABILITY);
}

static void
test_capability_words (void)
{
  TafelCapability capability = 0;

  g_assert_true (tafel_capability_from_string ("edit", &capability));
  g_assert_cmpint (capability, ==, TAFEL_CAPABILITY_EDIT);
  g_assert_true (tafel_capability_from_string ("view", &capability));
  g_assert_cmpint (capability, ==, TAFEL_CAPABILITY_VIEW);
  g_assert_true (tafel_capability_from_string ("seed", &capability));
  g_assert_cmpint (capability, ==, TAFEL_CAPABILITY_SEED);
  g_assert_false (tafel_capability_from_string ("Edit", &capability));
  g_assert_false (tafel_capability_from_string ("edi", &capability));
  g_assert_false (tafel_capability_from_string ("", &capability));
  g_assert_cmpstr (tafel_capability_to_string (TAFEL_CAPABILITY_VIEW), ==, "view");

  g_assert_true (tafel_capability_allows (TAFEL_CAPABILITY_EDIT, TAFEL_CAPABILITY_SEED));
  g_assert_true (tafel_capability_allows (TAFEL_CAPABILITY_VIEW, TAFEL_CAPABILITY_VIEW));
  g_assert_false (tafel_capability_allows (TAFEL_CAPABILITY_VIEW, TAFEL_CAPABILITY_EDIT));
  g_assert_false (tafel_capability_allows (TAFEL_CAPABILITY_SEED, TAFEL_CAPABILITY_VIEW));
}

/* Keys against an epoch record's public values: each holder checks what it
 * can compute, and a key of another epoch never matches. */
static void
test_matches (void)
{
  g_autoptr(TafelEpochKeys) edit = tafel_epoch_keys_new_random ();
  g_autoptr(TafelEpochKeys) other = tafel_epoch_keys_new_random ();
  g_autoptr(TafelEpochKeys) view = tafel_epoch_keys_dup_as (edit, TAFEL_CAPABILITY_VIEW, NULL);
  g_autoptr(TafelEpochKeys) seed = tafel_epoch_keys_dup_as (edit, TAFEL_CAPABILITY_SEED, NULL);
  const TafelPublicKey *wpk = tafel_epoch_keys_get_write_public_key (edit);
  const guint8 *rcheck = tafel_epoch_keys_get_read_check (edit);
  const guint8 *scheck = tafel_epoch_keys_get_seed_check (edit);
  const TafelPublicKey *other_wpk = tafel_epoch_keys_get_write_public_key (other);
  const guint8 *other_rcheck = tafel_epoch_keys_get_read_check (other);
  const guint8 *other_scheck = tafel_epoch_keys_get_seed_check (other);

  g_assert_true (tafel_epoch_keys_matches (edit, wpk, rcheck, scheck));
  g_assert_true (tafel_epoch_keys_matches (view, wpk, rcheck, scheck));
  g_assert_true (tafel_epoch_keys_matches (seed, wpk, rcheck, scheck));

  /* Each value that a holder can check is checked. */
  g_assert_false (tafel_epoch_keys_matches (edit, other_wpk, rcheck, scheck));
  g_assert_false (tafel_epoch_keys_matches (edit, wpk, other_rcheck, scheck));
  g_assert_false (tafel_epoch_keys_matches (edit, wpk, rcheck, other_scheck));
  g_assert_false (tafel_epoch_keys_matches (view, wpk, other_rcheck, scheck));
  g_assert_false (tafel_epoch_keys_matches (view, wpk, rcheck, other_scheck));
  g_assert_false (tafel_epoch_keys_matches (seed, wpk, rcheck, other_scheck));

  /* What a holder cannot compute, it cannot check. */
  g_assert_true (tafel_epoch_keys_matches (view, other_wpk, rcheck, scheck));
  g_assert_true (tafel_epoch_keys_matches (seed, other_wpk, other_rcheck, scheck));
}

static void
test_enrolment_proof (void)
{
  g_autoptr(TafelEpochKeys) keys = tafel_epoch_keys_new_random ();
  g_autoptr(TafelEpochKeys) other = tafel_epoch_keys_new_random ();
  g_autoptr(TafelIdentity) author = tafel_identity_new_ephemeral ();
  g_autoptr(TafelIdentity) someone = tafel_identity_new_ephemeral ();
  const TafelPublicKey *author_key = tafel_identity_get_public_key (author);
  const TafelPublicKey *wpk = tafel_epoch_keys_get_write_public_key (keys);
  guint8 board_id[TAFEL_BOARD_ID_BYTES], other_board[TAFEL_BOARD_ID_BYTES];
  TafelSignature proof, tampered;

  tafel_random_bytes (board_id, sizeof board_id);
  memcpy (other_board, board_id, sizeof board_id);
  other_board[15] ^= 1;

  g_assert_true (tafel_epoch_keys_sign_enrolment (keys, board_id, author_key, 7, &proof));
  g_assert_true (tafel_enrolment_verify (wpk, board_id, author_key, 7, &proof));

  /* Bound to the epoch's write key, the board, the author and the epoch. */
  g_assert_false (tafel_enrolment_verify (tafel_epoch_keys_get_write_public_key (other),
                                          board_id, author_key, 7, &proof));
  g_assert_false (tafel_enrolment_verify (wpk, other_board, author_key, 7, &proof));
  g_assert_false (tafel_enrolment_verify (wpk, board_id, tafel_identity_get_public_key (someone), 7, &proof));
  g_assert_false (tafel_enrolment_verify (wpk, board_id, author_key, 6, &proof));
  g_assert_false (tafel_enrolment_verify (wpk, board_id, author_key, 7 + (G_GUINT64_CONSTANT (1) << 32), &proof));

  /* Any altered bit of the proof is refused. */
  for (guint i = 0; i < TAFEL_SIGNATURE_BYTES; i++)
    {
      tampered = proof;
      tampered.bytes[i] ^= 1u << (i % 8);
      g_assert_false (tafel_enrolment_verify (wpk, board_id, author_key, 7, &tampered));
    }
}

/* A role secret sealed to a member opens with that member's identity only,
 * gives the keys of the role sealed, and refuses any altered byte. */
static void
test_seal (void)
{
  g_autoptr(TafelEpochKeys) keys = tafel_epoch_keys_new_random ();
  g_autoptr(TafelIdentity) member = tafel_identity_new_ephemeral ();
  g_autoptr(TafelIdentity) stranger = tafel_identity_new_ephemeral ();
  static const TafelCapability roles[] = {
    TAFEL_CAPABILITY_EDIT, TAFEL_CAPABILITY_VIEW, TAFEL_CAPABILITY_SEED,
  };

  for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
    {
      guint8 sealed[TAFEL_SEALED_SECRET_BYTES], again[TAFEL_SEALED_SECRET_BYTES];
      g_autoptr(GError) error = NULL;
      g_autoptr(TafelEpochKeys) opened = NULL;
      g_autoptr(TafelEpochKeys) expected = tafel_epoch_keys_dup_as (keys, roles[r], NULL);

      g_assert_true (tafel_epoch_keys_seal (keys, roles[r], tafel_identity_get_public_key (member),
                                            sealed, &error));
      g_assert_no_error (error);
      /* The secret itself is not in the seal. */
      g_assert_null (memmem (sealed, sizeof sealed, tafel_epoch_keys_get_secret (expected), TAFEL_KEY_BYTES));
      /* Sealing is randomised: the same secret twice gives two seals. */
      g_assert_true (tafel_epoch_keys_seal (keys, roles[r], tafel_identity_get_public_key (member),
                                            again, NULL));
      g_assert_false (memcmp (sealed, again, sizeof sealed) == 0);

      opened = tafel_epoch_keys_open_sealed (member, roles[r], sealed, &error);
      g_assert_no_error (error);
      assert_same_keys (opened, expected);
      g_assert_true (tafel_epoch_keys_matches (opened, tafel_epoch_keys_get_write_public_key (keys),
                                               tafel_epoch_keys_get_read_check (keys),
                                               tafel_epoch_keys_get_seed_check (keys)));
      g_clear_pointer (&opened, tafel_epoch_keys_free);

      opened = tafel_epoch_keys_open_sealed (stranger, roles[r], sealed, &error);
      g_assert_null (opened);
      g_assert_error (error, TAFEL_KEYS_ERROR, TAFEL_KEYS_ERROR_SEALED);
      g_clear_error (&error);

      for (guint i = 0; i < sizeof sealed; i++)
        {
          guint8 tampered[TAFEL_SEALED_SECRET_BYTES];

          memcpy (tampered, sealed, sizeof sealed);
          tampered[i] ^= 0x80 >> (i % 8);
          opened = tafel_epoch_keys_open_sealed (member, roles[r], tampered, &error);
          if (opened != NULL)
            g_error ("a seal altered at byte %u still opened", i);
          g_assert_error (error, TAFEL_KEYS_ERROR, TAFEL_KEYS_ERROR_SEALED);
          g_clear_error (&error);
        }
    }
}

/* A holder seals only what it holds, and only to a real key. */
static void
test_seal_refused (void)
{
  g_autoptr(TafelEpochKeys) edit = tafel_epoch_keys_new_random ();
  g_autoptr(TafelEpochKeys) view = tafel_epoch_keys_dup_as (edit, TAFEL_CAPABILITY_VIEW, NULL);
  g_autoptr(TafelIdentity) member = tafel_identity_new_ephemeral ();
  g_autoptr(GError) error = NULL;
  guint8 sealed[TAFEL_SEALED_SECRET_BYTES];
  TafelPublicKey low_order = { { 0 } };
  TafelPublicKey noncanonical;

  g_assert_false (tafel_epoch_keys_seal (view, TAFEL_CAPABILITY_EDIT, tafel_identity_get_public_key (member),
                                         sealed, &error));
  g_assert_error (error, TAFEL_KEYS_ERROR, TAFEL_KEYS_ERROR_CAPABILITY);
  g_clear_error (&error);

  /* The all-zero key is a point of order 4; all 0xff is no canonical encoding. */
  g_assert_false (tafel_public_key_is_valid (&low_order));
  g_assert_false (tafel_epoch_keys_seal (edit, TAFEL_CAPABILITY_VIEW, &low_order, sealed, &error));
  g_assert_error (error, TAFEL_KEYS_ERROR, TAFEL_KEYS_ERROR_RECIPIENT);
  g_clear_error (&error);
  memset (noncanonical.bytes, 0xff, sizeof noncanonical.bytes);
  g_assert_false (tafel_epoch_keys_seal (edit, TAFEL_CAPABILITY_VIEW, &noncanonical, sealed, &error));
  g_assert_error (error, TAFEL_KEYS_ERROR, TAFEL_KEYS_ERROR_RECIPIENT);
  g_clear_error (&error);

  g_assert_true (tafel_public_key_is_valid (tafel_identity_get_public_key (member)));
  g_assert_true (tafel_public_key_is_valid (tafel_epoch_keys_get_write_public_key (edit)));
}

/* The identity opens a sealed box of any length; a short or altered one
 * fails and leaves the output as it was. */
static void
test_identity_open_sealed (void)
{
  g_autoptr(TafelIdentity) member = tafel_identity_new_ephemeral ();
  g_autoptr(GError) error = NULL;
  static const char message[] = "a role secret of any length";
  guint8 sealed[sizeof message + TAFEL_SEAL_OVERHEAD_BYTES];
  guint8 out[sizeof message];

  g_assert_true (tafel_seal_to_public_key (sealed, tafel_identity_get_public_key (member),
                                           message, sizeof message, &error));
  g_assert_no_error (error);
  g_assert_true (tafel_identity_open_sealed (member, out, sealed, sizeof sealed, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (out, sizeof out, message, sizeof message);

  for (gsize len = 0; len < TAFEL_SEAL_OVERHEAD_BYTES; len++)
    {
      memset (out, 0xaa, sizeof out);
      g_assert_false (tafel_identity_open_sealed (member, out, sealed, len, &error));
      g_assert_error (error, TAFEL_CRYPTO_ERROR, TAFEL_CRYPTO_ERROR_DECRYPT);
      g_clear_error (&error);
    }

  sealed[sizeof sealed - 1] ^= 1;
  memset (out, 0xaa, sizeof out);
  g_assert_false (tafel_identity_open_sealed (member, out, sealed, sizeof sealed, &error));
  g_assert_error (error, TAFEL_CRYPTO_ERROR, TAFEL_CRYPTO_ERROR_DECRYPT);
  for (gsize i = 0; i < sizeof out; i++)
    g_assert_cmpuint (out[i], ==, 0xaa);
}

/* The id of a new board names its owner and its first write key. */
static void
test_board_id (void)
{
  g_autoptr(TafelEpochKeys) keys = tafel_epoch_keys_new_random ();
  g_autoptr(TafelEpochKeys) other = tafel_epoch_keys_new_random ();
  g_autoptr(TafelIdentity) owner = tafel_identity_new_ephemeral ();
  g_autoptr(TafelIdentity) someone = tafel_identity_new_ephemeral ();
  const TafelPublicKey *wpk = tafel_epoch_keys_get_write_public_key (keys);
  guint8 id[TAFEL_BOARD_ID_BYTES], again[TAFEL_BOARD_ID_BYTES];
  guint8 by_other[TAFEL_BOARD_ID_BYTES], other_anchor[TAFEL_BOARD_ID_BYTES];

  tafel_board_id_for_owner (id, tafel_identity_get_public_key (owner), wpk);
  tafel_board_id_for_owner (again, tafel_identity_get_public_key (owner), wpk);
  g_assert_cmpmem (id, sizeof id, again, sizeof again);

  tafel_board_id_for_owner (by_other, tafel_identity_get_public_key (someone), wpk);
  tafel_board_id_for_owner (other_anchor, tafel_identity_get_public_key (owner),
                            tafel_epoch_keys_get_write_public_key (other));
  g_assert_false (memcmp (id, by_other, sizeof id) == 0);
  g_assert_false (memcmp (id, other_anchor, sizeof id) == 0);
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/keys/known-answers", test_known_answers);
  g_test_add_func ("/tafel/keys/deterministic", test_deterministic);
  g_test_add_func ("/tafel/keys/random-keys-differ", test_random_keys_differ);
  g_test_add_func ("/tafel/keys/values-differ", test_values_differ);
  g_test_add_func ("/tafel/keys/view-is-one-way", test_view_is_one_way);
  g_test_add_func ("/tafel/keys/seed-is-one-way", test_seed_is_one_way);
  g_test_add_func ("/tafel/keys/capability-words", test_capability_words);
  g_test_add_func ("/tafel/keys/matches", test_matches);
  g_test_add_func ("/tafel/keys/enrolment-proof", test_enrolment_proof);
  g_test_add_func ("/tafel/keys/seal", test_seal);
  g_test_add_func ("/tafel/keys/seal-refused", test_seal_refused);
  g_test_add_func ("/tafel/keys/identity-open-sealed", test_identity_open_sealed);
  g_test_add_func ("/tafel/keys/board-id", test_board_id);

  return g_test_run ();
}
