/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tafel-link-auth.h"

G_BEGIN_DECLS

struct _TafelLinkAuth
{
  gatomicrefcount  ref_count;
  guint8           board_id[TAFEL_BOARD_ID_BYTES];
  guint8           board_tag[TAFEL_HASH_BYTES];
  guint8           mac_key[TAFEL_KEY_BYTES];     /* proves the secret in the handshake */
  guint8           stream_key[TAFEL_KEY_BYTES];  /* mixed into the session keys */
  TafelIdentity   *identity;
  TafelPublicKey   claimed;                      /* the identity presented; the signer's but in tests */
};

void tafel_link_auth_test_claim_identity (TafelLinkAuth        *self,
                                          const TafelPublicKey *claimed);

G_END_DECLS
