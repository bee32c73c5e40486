/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tafel-bytes.h"
#include "tafel-keys.h"

/* The keys of one epoch, as docs/access.md derives them. Every derivation
 * is crypto_kdf (BLAKE2b) from the key one level up, so whoever holds a
 * lower key has no way up: the constructors below start at the level the
 * holder is given and fill in only what lies beneath it. */

#define CONTEXT_CAPABILITY "tafelcap"
#define CONTEXT_BODY       "tafelbod"
#define CONTEXT_CHECK      "tafelchk"
#define CONTEXT_NETWORK    "tafelnet"
#define CONTEXT_UPGRADE    "tafelupg"

#define SUBKEY_READ        1  /* R  from E */
#define SUBKEY_WRITE_SEED  2  /* Ws from E */
#define SUBKEY_SEED        3  /* S  from R */

#define BOARD_ID_CONTEXT     "tafel board"
#define BOARD_ID_CONTEXT_LEN 11

G_STATIC_ASSERT (sizeof TAFEL_ENROL_SIGNING_CONTEXT - 1 == TAFEL_ENROL_SIGNING_CONTEXT_LEN);
G_STATIC_ASSERT (sizeof BOARD_ID_CONTEXT - 1 == BOARD_ID_CONTEXT_LEN);

G_DEFINE_QUARK (tafel-keys-error-quark, tafel_keys_error)

struct _TafelEpochKeys
{
  TafelCapability capability;
  /* Edit level: zero unless capability is EDIT. */
  guint8          edit_secret[TAFEL_KEY_BYTES];
  guint8          write_secret_key[TAFEL_SECRET_KEY_BYTES];
  TafelPublicKey  write_public_key;
  /* Read level: zero for SEED. */
  guint8          read_key[TAFEL_KEY_BYTES];
  guint8          body_key[TAFEL_KEY_BYTES];
  guint8          read_check[TAFEL_CHECK_BYTES];
  /* Seed level: every holder. */
  guint8          seed_secret[TAFEL_KEY_BYTES];
  guint8          seed_check[TAFEL_CHECK_BYTES];
  guint8          network_secret[TAFEL_KEY_BYTES];
};

/**
 * tafel_capability_allows:
 * @have: a capability held
 * @want: a capability asked for
 *
 * Returns: %TRUE when @have allows at least what @want does
 */
gboolean
tafel_capability_allows (TafelCapability have,
                         TafelCapability want)
{
  return have <= want;
}

/**
 * tafel_capability_to_string:
 * @capability: a capability
 *
 * Returns: the word links use for @capability: "edit", "view" or "seed"
 */
const char *
tafel_capability_to_string (TafelCapability capability)
{
  switch (capability)
    {
    case TAFEL_CAPABILITY_EDIT:
      return "edit";
    case TAFEL_CAPABILITY_VIEW:
      return "view";
    case TAFEL_CAPABILITY_SEED:
      return "seed";
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * tafel_capability_from_string:
 * @word: a word from a link
 * @capability: (out): the capability it names
 *
 * Returns: %TRUE when @word is exactly "edit", "view" or "seed"
 */
gboolean
tafel_capability_from_string (const char      *word,
                              TafelCapability *capability)
{
  static const TafelCapability all[] = {
    TAFEL_CAPABILITY_EDIT, TAFEL_CAPABILITY_VIEW, TAFEL_CAPABILITY_SEED,
  };

  g_return_val_if_fail (word != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (g_str_equal (word, tafel_capability_to_string (all[i])))
      {
        *capability = all[i];
        return TRUE;
      }

  return FALSE;
}

static void
fill_from_seed (TafelEpochKeys *keys)
{
  tafel_derive_key (keys->seed_check, keys->seed_secret, CONTEXT_CHECK, 1);
  tafel_derive_key (keys->network_secret, keys->seed_secret, CONTEXT_NETWORK, 1);
}

static void
fill_from_read (TafelEpochKeys *keys)
{
  tafel_derive_key (keys->seed_secret, keys->read_key, CONTEXT_CAPABILITY, SUBKEY_SEED);
  tafel_derive_key (keys->body_key, keys->read_key, CONTEXT_BODY, 1);
  tafel_derive_key (keys->read_check, keys->read_key, CONTEXT_CHECK, 1);
  fill_from_seed (keys);
}

static void
fill_from_edit (TafelEpochKeys *keys)
{
  guint8 write_seed[TAFEL_KEY_BYTES];

  tafel_derive_key (keys->read_key, keys->edit_secret, CONTEXT_CAPABILITY, SUBKEY_READ);
  tafel_derive_key (write_seed, keys->edit_secret, CONTEXT_CAPABILITY, SUBKEY_WRITE_SEED);
  tafel_sign_seed_keypair (&keys->write_public_key, keys->write_secret_key, write_seed);
  tafel_memzero (write_seed, sizeof write_seed);
  fill_from_read (keys);
}

/**
 * tafel_epoch_keys_new:
 * @capability: what @secret is
 * @secret: the edit secret E, the read key R or the seed secret S
 *
 * The keys of an epoch as the holder of @secret sees them: everything
 * derived from it, nothing above it.
 *
 * Returns: (transfer full): the keys
 */
TafelEpochKeys *
tafel_epoch_keys_new (TafelCapability  capability,
                      const guint8     secret[TAFEL_KEY_BYTES])
{
  TafelEpochKeys *keys;

  g_return_val_if_fail (capability >= TAFEL_CAPABILITY_EDIT && capability <= TAFEL_CAPABILITY_SEED,
                        NULL);
  g_return_val_if_fail (secret != NULL, NULL);

  keys = g_new0 (TafelEpochKeys, 1);
  keys->capability = capability;
  switch (capability)
    {
    case TAFEL_CAPABILITY_EDIT:
      memcpy (keys->edit_secret, secret, TAFEL_KEY_BYTES);
      fill_from_edit (keys);
      break;
    case TAFEL_CAPABILITY_VIEW:
      memcpy (keys->read_key, secret, TAFEL_KEY_BYTES);
      fill_from_read (keys);
      break;
    case TAFEL_CAPABILITY_SEED:
      memcpy (keys->seed_secret, secret, TAFEL_KEY_BYTES);
      fill_from_seed (keys);
      break;
    default:
      g_assert_not_reached ();
    }

  return keys;
}

/**
 * tafel_epoch_keys_new_random:
 *
 * The keys of a new epoch (a new board, or a reset): a random edit secret
 * and all that derives from it.
 *
 * Returns: (transfer full): the keys
 */
TafelEpochKeys *
tafel_epoch_keys_new_random (void)
{
  guint8 edit_secret[TAFEL_KEY_BYTES];
  TafelEpochKeys *keys;

  tafel_random_bytes (edit_secret, sizeof edit_secret);
  keys = tafel_epoch_keys_new (TAFEL_CAPABILITY_EDIT, edit_secret);
  tafel_memzero (edit_secret, sizeof edit_secret);

  return keys;
}

/**
 * tafel_epoch_keys_new_from_v1_secret:
 * @v1_secret: the board secret of a board made by Tafel 0.1
 *
 * The keys of epoch 0 of an upgraded 0.1 board: its edit secret is derived
 * from the old secret (so every holder of the 0.1 link computes the same
 * keys), and its write key is the board's anchor.
 *
 * Returns: (transfer full): the keys
 */
TafelEpochKeys *
tafel_epoch_keys_new_from_v1_secret (const guint8 v1_secret[TAFEL_BOARD_SECRET_BYTES])
{
  guint8 edit_secret[TAFEL_KEY_BYTES];
  TafelEpochKeys *keys;

  G_STATIC_ASSERT (TAFEL_BOARD_SECRET_BYTES == TAFEL_KEY_BYTES);
  g_return_val_if_fail (v1_secret != NULL, NULL);

  tafel_derive_key (edit_secret, v1_secret, CONTEXT_UPGRADE, 1);
  keys = tafel_epoch_keys_new (TAFEL_CAPABILITY_EDIT, edit_secret);
  tafel_memzero (edit_secret, sizeof edit_secret);

  return keys;
}

/**
 * tafel_epoch_keys_dup_as:
 * @keys: keys
 * @capability: the capability wanted
 * @error: return location for a #GError
 *
 * The keys of the same epoch as a holder of @capability sees them, for a
 * lower link or a member's sealed secret. Fails with
 * %TAFEL_KEYS_ERROR_CAPABILITY when @capability allows more than @keys do.
 *
 * Returns: (transfer full): the keys, or %NULL with @error set
 */
TafelEpochKeys *
tafel_epoch_keys_dup_as (const TafelEpochKeys  *keys,
                         TafelCapability        capability,
                         GError               **error)
{
  g_return_val_if_fail (keys != NULL, NULL);
  g_return_val_if_fail (capability >= TAFEL_CAPABILITY_EDIT && capability <= TAFEL_CAPABILITY_SEED,
                        NULL);

  if (!tafel_capability_allows (keys->capability, capability))
    {
      g_set_error_literal (error, TAFEL_KEYS_ERROR, TAFEL_KEYS_ERROR_CAPABILITY,
                           _("A lower key cannot give a higher one: a view key gives no edit key, a seed key neither"));
      return NULL;
    }

  switch (capability)
    {
    case TAFEL_CAPABILITY_EDIT:
      return tafel_epoch_keys_new (capability, keys->edit_secret);
    case TAFEL_CAPABILITY_VIEW:
      return tafel_epoch_keys_new (capability, keys->read_key);
    case TAFEL_CAPABILITY_SEED:
      return tafel_epoch_keys_new (capability, keys->seed_secret);
    default:
      g_assert_not_reached ();
    }
}

/**
 * tafel_epoch_keys_copy:
 * @keys: keys
 *
 * Returns: (transfer full): a copy of @keys
 */
TafelEpochKeys *
tafel_epoch_keys_copy (const TafelEpochKeys *keys)
{
  g_return_val_if_fail (keys != NULL, NULL);

  return g_memdup2 (keys, sizeof *keys);
}

void
tafel_epoch_keys_free (TafelEpochKeys *keys)
{
  if (keys == NULL)
    return;

  tafel_memzero (keys, sizeof *keys);
  g_free (keys);
}

TafelCapability
tafel_epoch_keys_get_capability (const TafelEpochKeys *keys)
{
  g_return_val_if_fail (keys != NULL, TAFEL_CAPABILITY_SEED);

  return keys->capability;
}

/**
 * tafel_epoch_keys_get_secret:
 * @keys: keys
 *
 * Returns: the secret that a link or a sealed secret of this capability
 *   carries: E for edit, R for view, S for seed
 */
const guint8 *
tafel_epoch_keys_get_secret (const TafelEpochKeys *keys)
{
  g_return_val_if_fail (keys != NULL, NULL);

  switch (keys->capability)
    {
    case TAFEL_CAPABILITY_EDIT:
      return keys->edit_secret;
    case TAFEL_CAPABILITY_VIEW:
      return keys->read_key;
    case TAFEL_CAPABILITY_SEED:
      return keys->seed_secret;
    default:
      g_assert_not_reached ();
    }
}

/**
 * tafel_epoch_keys_get_edit_secret:
 * @keys: keys
 *
 * Returns: (nullable): E, or %NULL unless @keys allow editing
 */
const guint8 *
tafel_epoch_keys_get_edit_secret (const TafelEpochKeys *keys)
{
  g_return_val_if_fail (keys != NULL, NULL);

  return keys->capability == TAFEL_CAPABILITY_EDIT ? keys->edit_secret : NULL;
}

/**
 * tafel_epoch_keys_get_write_public_key:
 * @keys: keys
 *
 * Returns: (nullable): the epoch's write key wpk as derived from E, or
 *   %NULL unless @keys allow editing (readers learn it from the `epoch`
 *   record, not from their keys)
 */
const TafelPublicKey *
tafel_epoch_keys_get_write_public_key (const TafelEpochKeys *keys)
{
  g_return_val_if_fail (keys != NULL, NULL);

  return keys->capability == TAFEL_CAPABILITY_EDIT ? &keys->write_public_key : NULL;
}

/**
 * tafel_epoch_keys_get_read_key:
 * @keys: keys
 *
 * Returns: (nullable): R, or %NULL for seed keys
 */
const guint8 *
tafel_epoch_keys_get_read_key (const TafelEpochKeys *keys)
{
  g_return_val_if_fail (keys != NULL, NULL);

  return keys->capability <= TAFEL_CAPABILITY_VIEW ? keys->read_key : NULL;
}

/**
 * tafel_epoch_keys_get_body_key:
 * @keys: keys
 *
 * Returns: (nullable): B, the key of record bodies, or %NULL for seed keys
 */
const guint8 *
tafel_epoch_keys_get_body_key (const TafelEpochKeys *keys)
{
  g_return_val_if_fail (keys != NULL, NULL);

  return keys->capability <= TAFEL_CAPABILITY_VIEW ? keys->body_key : NULL;
}

/**
 * tafel_epoch_keys_get_read_check:
 * @keys: keys
 *
 * Returns: (nullable): rcheck, or %NULL for seed keys
 */
const guint8 *
tafel_epoch_keys_get_read_check (const TafelEpochKeys *keys)
{
  g_return_val_if_fail (keys != NULL, NULL);

  return keys->capability <= TAFEL_CAPABILITY_VIEW ? keys->read_check : NULL;
}

/**
 * tafel_epoch_keys_get_seed_secret:
 * @keys: keys
 *
 * Returns: S
 */
const guint8 *
tafel_epoch_keys_get_seed_secret (const TafelEpochKeys *keys)
{
  g_return_val_if_fail (keys != NULL, NULL);

  return keys->seed_secret;
}

/**
 * tafel_epoch_keys_get_seed_check:
 * @keys: keys
 *
 * Returns: scheck
 */
const guint8 *
tafel_epoch_keys_get_seed_check (const TafelEpochKeys *keys)
{
  g_return_val_if_fail (keys != NULL, NULL);

  return keys->seed_check;
}

/**
 * tafel_epoch_keys_get_network_secret:
 * @keys: keys
 *
 * The secret that the rendezvous topic, the signalling seal and the link
 * handshake are keyed from, derived from S so that seed peers meet the
 * others: the net layer takes it where it took the 0.1 board secret.
 *
 * Returns: the network secret
 */
const guint8 *
tafel_epoch_keys_get_network_secret (const TafelEpochKeys *keys)
{
  g_return_val_if_fail (keys != NULL, NULL);

  return keys->network_secret;
}

/**
 * tafel_epoch_keys_matches:
 * @keys: keys
 * @write_public_key: (nullable): the epoch's wpk, as an `epoch` record names it
 * @read_check: (nullable): its rcheck
 * @seed_check: its scheck
 *
 * Whether @keys are the keys of the epoch with these public values, as far
 * as their holder can tell: edit keys check all three, view keys rcheck
 * and scheck, seed keys scheck.
 *
 * Returns: %TRUE when every value @keys can check matches
 */
gboolean
tafel_epoch_keys_matches (const TafelEpochKeys *keys,
                          const TafelPublicKey *write_public_key,
                          const guint8          read_check[TAFEL_CHECK_BYTES],
                          const guint8          seed_check[TAFEL_CHECK_BYTES])
{
  g_return_val_if_fail (keys != NULL, FALSE);
  g_return_val_if_fail (seed_check != NULL, FALSE);

  if (!tafel_memequal (keys->seed_check, seed_check, TAFEL_CHECK_BYTES))
    return FALSE;
  if (keys->capability <= TAFEL_CAPABILITY_VIEW && read_check != NULL &&
      !tafel_memequal (keys->read_check, read_check, TAFEL_CHECK_BYTES))
    return FALSE;
  if (keys->capability == TAFEL_CAPABILITY_EDIT && write_public_key != NULL &&
      !tafel_memequal (keys->write_public_key.bytes, write_public_key->bytes, TAFEL_PUBLIC_KEY_BYTES))
    return FALSE;

  return TRUE;
}

static gsize
enrolment_message (guint8                out[TAFEL_ENROL_SIGNING_CONTEXT_LEN + TAFEL_BOARD_ID_BYTES +
                                             TAFEL_PUBLIC_KEY_BYTES + 8],
                   const guint8          board_id[TAFEL_BOARD_ID_BYTES],
                   const TafelPublicKey *author,
                   guint64               epoch)
{
  guint8 *p = out;

  memcpy (p, TAFEL_ENROL_SIGNING_CONTEXT, TAFEL_ENROL_SIGNING_CONTEXT_LEN);
  p += TAFEL_ENROL_SIGNING_CONTEXT_LEN;
  memcpy (p, board_id, TAFEL_BOARD_ID_BYTES);
  p += TAFEL_BOARD_ID_BYTES;
  memcpy (p, author->bytes, TAFEL_PUBLIC_KEY_BYTES);
  p += TAFEL_PUBLIC_KEY_BYTES;
  tafel_store_u32 (p, (guint32) epoch);
  tafel_store_u32 (p + 4, (guint32) (epoch >> 32));
  p += 8;

  return p - out;
}

/**
 * tafel_epoch_keys_sign_enrolment:
 * @keys: keys
 * @board_id: the board
 * @author: who enrols
 * @epoch: the epoch number of @keys
 * @proof: (out caller-allocates): the proof
 *
 * Proves that @author held this epoch's edit secret: a signature with the
 * epoch's write key over "tafel-enrol\n" ‖ board id ‖ author ‖ epoch (8
 * bytes, little-endian).
 *
 * Returns: %TRUE when signed; %FALSE, @proof untouched, when @keys do not
 *   allow editing
 */
gboolean
tafel_epoch_keys_sign_enrolment (const TafelEpochKeys *keys,
                                 const guint8          board_id[TAFEL_BOARD_ID_BYTES],
                                 const TafelPublicKey *author,
                                 guint64               epoch,
                                 TafelSignature       *proof)
{
  guint8 message[TAFEL_ENROL_SIGNING_CONTEXT_LEN + TAFEL_BOARD_ID_BYTES + TAFEL_PUBLIC_KEY_BYTES + 8];
  gsize len;

  g_return_val_if_fail (keys != NULL && board_id != NULL && author != NULL && proof != NULL, FALSE);

  if (keys->capability != TAFEL_CAPABILITY_EDIT)
    return FALSE;

  len = enrolment_message (message, board_id, author, epoch);
  tafel_sign (proof, keys->write_secret_key, message, len);
  return TRUE;
}

/**
 * tafel_enrolment_verify:
 * @write_public_key: the write key of the epoch
 * @board_id: the board
 * @author: who enrols
 * @epoch: the epoch number
 * @proof: the proof an `enrol` record carries
 *
 * Returns: %TRUE when @proof is tafel_epoch_keys_sign_enrolment()'s for
 *   exactly these values
 */
gboolean
tafel_enrolment_verify (const TafelPublicKey *write_public_key,
                        const guint8          board_id[TAFEL_BOARD_ID_BYTES],
                        const TafelPublicKey *author,
                        guint64               epoch,
                        const TafelSignature *proof)
{
  guint8 message[TAFEL_ENROL_SIGNING_CONTEXT_LEN + TAFEL_BOARD_ID_BYTES + TAFEL_PUBLIC_KEY_BYTES + 8];
  gsize len;

  g_return_val_if_fail (write_public_key != NULL && board_id != NULL && author != NULL &&
                        proof != NULL, FALSE);

  len = enrolment_message (message, board_id, author, epoch);
  return tafel_verify (proof, write_public_key, message, len);
}

/**
 * tafel_epoch_keys_seal:
 * @keys: keys
 * @capability: the capability to hand over: its secret is sealed
 * @member: the member's identity key
 * @out: (out caller-allocates): the sealed secret
 * @error: return location for a #GError
 *
 * Seals the secret of @capability (E, R or S) to @member, for an `epoch`
 * record. Fails with %TAFEL_KEYS_ERROR_CAPABILITY when @keys do not hold
 * it, and %TAFEL_KEYS_ERROR_RECIPIENT when @member is no usable key.
 *
 * Returns: %TRUE when sealed
 */
gboolean
tafel_epoch_keys_seal (const TafelEpochKeys  *keys,
                       TafelCapability        capability,
                       const TafelPublicKey  *member,
                       guint8                 out[TAFEL_SEALED_SECRET_BYTES],
                       GError               **error)
{
  g_autoptr(TafelEpochKeys) handed = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (keys != NULL && member != NULL && out != NULL, FALSE);

  handed = tafel_epoch_keys_dup_as (keys, capability, error);
  if (handed == NULL)
    return FALSE;

  if (!tafel_seal_to_public_key (out, member, tafel_epoch_keys_get_secret (handed), TAFEL_KEY_BYTES,
                                 &local_error))
    {
      g_set_error_literal (error, TAFEL_KEYS_ERROR, TAFEL_KEYS_ERROR_RECIPIENT,
                           _("A key cannot be sealed to this member: its identity key is not valid"));
      return FALSE;
    }

  return TRUE;
}

/**
 * tafel_epoch_keys_open_sealed:
 * @identity: the member's identity
 * @capability: the capability the record names for the member
 * @sealed: the sealed secret
 * @error: return location for a #GError
 *
 * Opens a secret sealed to @identity and derives the keys of that epoch.
 * Whoever calls this should then check the keys against the record's
 * check values (tafel_epoch_keys_matches()): a seal opens only for its
 * member, but nothing in it names the epoch it belongs to.
 *
 * Returns: (transfer full): the keys, or %NULL with a
 *   %TAFEL_KEYS_ERROR_SEALED when @sealed was sealed to someone else or
 *   altered
 */
TafelEpochKeys *
tafel_epoch_keys_open_sealed (TafelIdentity  *identity,
                              TafelCapability capability,
                              const guint8    sealed[TAFEL_SEALED_SECRET_BYTES],
                              GError        **error)
{
  guint8 secret[TAFEL_KEY_BYTES];
  g_autoptr(GError) local_error = NULL;
  TafelEpochKeys *keys;

  g_return_val_if_fail (TAFEL_IS_IDENTITY (identity), NULL);
  g_return_val_if_fail (capability >= TAFEL_CAPABILITY_EDIT && capability <= TAFEL_CAPABILITY_SEED,
                        NULL);
  g_return_val_if_fail (sealed != NULL, NULL);

  if (!tafel_identity_open_sealed (identity, secret, sealed, TAFEL_SEALED_SECRET_BYTES, &local_error))
    {
      g_set_error_literal (error, TAFEL_KEYS_ERROR, TAFEL_KEYS_ERROR_SEALED,
                           _("The board’s new key was not sealed to this identity, or was damaged"));
      return NULL;
    }

  keys = tafel_epoch_keys_new (capability, secret);
  tafel_memzero (secret, sizeof secret);
  return keys;
}

/**
 * tafel_board_id_for_owner:
 * @out: (out caller-allocates): the board id
 * @owner: the owner's identity key
 * @anchor: the write key of the board's epoch 0 (wpk₀)
 *
 * The id of a board made with version-2 keys: BLAKE2b-128 of
 * "tafel board" ‖ owner ‖ wpk₀. Anyone who knows the id can check the
 * owner and epoch 0's write key that a genesis record names.
 */
void
tafel_board_id_for_owner (guint8                out[TAFEL_BOARD_ID_BYTES],
                          const TafelPublicKey *owner,
                          const TafelPublicKey *anchor)
{
  guint8 input[BOARD_ID_CONTEXT_LEN + 2 * TAFEL_PUBLIC_KEY_BYTES];

  g_return_if_fail (out != NULL && owner != NULL && anchor != NULL);

  memcpy (input, BOARD_ID_CONTEXT, BOARD_ID_CONTEXT_LEN);
  memcpy (input + BOARD_ID_CONTEXT_LEN, owner->bytes, TAFEL_PUBLIC_KEY_BYTES);
  memcpy (input + BOARD_ID_CONTEXT_LEN + TAFEL_PUBLIC_KEY_BYTES, anchor->bytes, TAFEL_PUBLIC_KEY_BYTES);
  tafel_hash_sized (out, TAFEL_BOARD_ID_BYTES, NULL, 0, input, sizeof input);
}
