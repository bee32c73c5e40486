/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-link-auth-private.h"

G_DEFINE_BOXED_TYPE (TafelLinkAuth, tafel_link_auth, tafel_link_auth_ref, tafel_link_auth_unref)

/**
 * tafel_link_auth_new:
 * @board_id: the board's id
 * @board_secret: the board's secret
 * @identity: this device's identity
 *
 * Prepares what links to this board prove about us.
 *
 * Returns: (transfer full): the credentials
 */
TafelLinkAuth *
tafel_link_auth_new (const guint8   board_id[TAFEL_BOARD_ID_BYTES],
                     const guint8   board_secret[TAFEL_BOARD_SECRET_BYTES],
                     TafelIdentity *identity)
{
  TafelLinkAuth *self;
  TafelHashState state;

  g_return_val_if_fail (board_id != NULL, NULL);
  g_return_val_if_fail (board_secret != NULL, NULL);
  g_return_val_if_fail (TAFEL_IS_IDENTITY (identity), NULL);

  self = g_new0 (TafelLinkAuth, 1);
  g_atomic_ref_count_init (&self->ref_count);
  memcpy (self->board_id, board_id, TAFEL_BOARD_ID_BYTES);

  /* The board tag names the board without the secret, so a peer of
   * another board is told apart from one with a wrong secret. */
  tafel_hash_init (&state, NULL, 0);
  tafel_hash_update (&state, "tafel link board", strlen ("tafel link board"));
  tafel_hash_update (&state, board_id, TAFEL_BOARD_ID_BYTES);
  tafel_hash_final (&state, self->board_tag, sizeof self->board_tag);

  tafel_derive_key (self->mac_key, board_secret, "linkauth", 1);
  tafel_derive_key (self->stream_key, board_secret, "linkstrm", 1);

  self->identity = g_object_ref (identity);
  self->claimed = *tafel_identity_get_public_key (identity);

  return self;
}

/**
 * tafel_link_auth_ref:
 * @self: credentials
 *
 * Returns: (transfer full): @self, with one more reference
 */
TafelLinkAuth *
tafel_link_auth_ref (TafelLinkAuth *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * tafel_link_auth_unref:
 * @self: (transfer full): credentials
 *
 * Drops a reference; the last wipes the keys and frees them.
 */
void
tafel_link_auth_unref (TafelLinkAuth *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_object_unref (self->identity);
  tafel_memzero (self, sizeof *self);
  g_free (self);
}

/**
 * tafel_link_auth_get_identity:
 * @self: credentials
 *
 * Returns: (transfer none): the identity links present
 */
const TafelPublicKey *
tafel_link_auth_get_identity (TafelLinkAuth *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->claimed;
}

/**
 * tafel_link_auth_get_board_id:
 * @self: credentials
 *
 * Returns: (transfer none) (array fixed-size=16): the board id
 */
const guint8 *
tafel_link_auth_get_board_id (TafelLinkAuth *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->board_id;
}

/* Claims another identity than the one that signs: a forger, for tests. */
void
tafel_link_auth_test_claim_identity (TafelLinkAuth        *self,
                                     const TafelPublicKey *claimed)
{
  g_return_if_fail (self != NULL);
  self->claimed = *claimed;
}
