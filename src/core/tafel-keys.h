/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tafel-crypto.h"
#include "tafel-identity.h"

G_BEGIN_DECLS

/**
 * TafelCapability:
 * @TAFEL_CAPABILITY_EDIT: read and write (holds the edit secret E)
 * @TAFEL_CAPABILITY_VIEW: read only (holds the read key R)
 * @TAFEL_CAPABILITY_SEED: store, verify and forward; reads nothing (holds
 *   the seed secret S)
 *
 * What a link or a member's sealed secret allows (docs/access.md). Each
 * is derived one way from the one above it; a smaller value allows more.
 */
typedef enum
{
  TAFEL_CAPABILITY_EDIT = 1,
  TAFEL_CAPABILITY_VIEW = 2,
  TAFEL_CAPABILITY_SEED = 3,
} TafelCapability;

#define TAFEL_KEYS_ERROR (tafel_keys_error_quark ())

typedef enum
{
  TAFEL_KEYS_ERROR_CAPABILITY,  /* asked for more than the keys hold */
  TAFEL_KEYS_ERROR_RECIPIENT,   /* a member key nothing can be sealed to */
  TAFEL_KEYS_ERROR_SEALED,      /* a sealed secret that does not open */
} TafelKeysError;

GQuark tafel_keys_error_quark (void);

/* The public check values of an epoch (rcheck, scheck). */
#define TAFEL_CHECK_BYTES         TAFEL_KEY_BYTES
/* Signed before the fields of an enrolment proof. */
#define TAFEL_ENROL_SIGNING_CONTEXT     "tafel-enrol\n"
#define TAFEL_ENROL_SIGNING_CONTEXT_LEN 12

gboolean         tafel_capability_allows          (TafelCapability       have,
                                                   TafelCapability       want);
const char      *tafel_capability_to_string       (TafelCapability       capability);
gboolean         tafel_capability_from_string     (const char           *word,
                                                   TafelCapability      *capability);

/**
 * TafelEpochKeys:
 *
 * The keys of one epoch of a board that one holder can compute: all of
 * them from the edit secret E, all but E and the write key pair from the
 * read key R, only the seed secret S and what comes from it from S
 * (docs/access.md has the derivations). Getters of keys the holder cannot
 * compute return %NULL; nothing here computes upwards. Secrets are wiped
 * when the keys are freed.
 */
typedef struct _TafelEpochKeys TafelEpochKeys;

TafelEpochKeys        *tafel_epoch_keys_new_random          (void) G_GNUC_WARN_UNUSED_RESULT;
TafelEpochKeys        *tafel_epoch_keys_new                 (TafelCapability       capability,
                                                             const guint8          secret[TAFEL_KEY_BYTES]) G_GNUC_WARN_UNUSED_RESULT;
TafelEpochKeys        *tafel_epoch_keys_new_from_v1_secret  (const guint8          v1_secret[TAFEL_BOARD_SECRET_BYTES]) G_GNUC_WARN_UNUSED_RESULT;
TafelEpochKeys        *tafel_epoch_keys_dup_as              (const TafelEpochKeys *keys,
                                                             TafelCapability       capability,
                                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
TafelEpochKeys        *tafel_epoch_keys_copy                (const TafelEpochKeys *keys) G_GNUC_WARN_UNUSED_RESULT;
void                   tafel_epoch_keys_free                (TafelEpochKeys       *keys);

TafelCapability        tafel_epoch_keys_get_capability      (const TafelEpochKeys *keys);
/* The one secret the capability holds: E, R or S. */
const guint8          *tafel_epoch_keys_get_secret          (const TafelEpochKeys *keys);
const guint8          *tafel_epoch_keys_get_edit_secret     (const TafelEpochKeys *keys);
const TafelPublicKey  *tafel_epoch_keys_get_write_public_key (const TafelEpochKeys *keys);
const guint8          *tafel_epoch_keys_get_read_key        (const TafelEpochKeys *keys);
const guint8          *tafel_epoch_keys_get_body_key        (const TafelEpochKeys *keys);
const guint8          *tafel_epoch_keys_get_read_check      (const TafelEpochKeys *keys);
const guint8          *tafel_epoch_keys_get_seed_secret     (const TafelEpochKeys *keys);
const guint8          *tafel_epoch_keys_get_seed_check      (const TafelEpochKeys *keys);
const guint8          *tafel_epoch_keys_get_network_secret  (const TafelEpochKeys *keys);

gboolean               tafel_epoch_keys_matches             (const TafelEpochKeys *keys,
                                                             const TafelPublicKey *write_public_key,
                                                             const guint8          read_check[TAFEL_CHECK_BYTES],
                                                             const guint8          seed_check[TAFEL_CHECK_BYTES]);

gboolean               tafel_epoch_keys_sign_enrolment      (const TafelEpochKeys *keys,
                                                             const guint8          board_id[TAFEL_BOARD_ID_BYTES],
                                                             const TafelPublicKey *author,
                                                             guint64               epoch,
                                                             TafelSignature       *proof);
gboolean               tafel_enrolment_verify               (const TafelPublicKey *write_public_key,
                                                             const guint8          board_id[TAFEL_BOARD_ID_BYTES],
                                                             const TafelPublicKey *author,
                                                             guint64               epoch,
                                                             const TafelSignature *proof);

gboolean               tafel_epoch_keys_seal                (const TafelEpochKeys *keys,
                                                             TafelCapability       capability,
                                                             const TafelPublicKey *member,
                                                             guint8                out[TAFEL_SEALED_SECRET_BYTES],
                                                             GError              **error);
TafelEpochKeys        *tafel_epoch_keys_open_sealed         (TafelIdentity        *identity,
                                                             TafelCapability       capability,
                                                             const guint8          sealed[TAFEL_SEALED_SECRET_BYTES],
                                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;

void                   tafel_board_id_for_owner             (guint8                out[TAFEL_BOARD_ID_BYTES],
                                                             const TafelPublicKey *owner,
                                                             const TafelPublicKey *anchor);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelEpochKeys, tafel_epoch_keys_free)

G_END_DECLS
