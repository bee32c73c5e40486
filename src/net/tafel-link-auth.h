/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tafel-crypto.h"
#include "tafel-identity.h"

G_BEGIN_DECLS

/**
 * TafelLinkAuth:
 *
 * What a peer proves when a link comes up: that it holds the board secret
 * and which identity it is. Holds keys derived from the secret (never the
 * secret itself) and the identity that signs. Shared by all links to one
 * board; reference counted.
 */
typedef struct _TafelLinkAuth TafelLinkAuth;

#define TAFEL_TYPE_LINK_AUTH (tafel_link_auth_get_type ())
GType                 tafel_link_auth_get_type     (void) G_GNUC_CONST;

TafelLinkAuth        *tafel_link_auth_new          (const guint8   board_id[TAFEL_BOARD_ID_BYTES],
                                                    const guint8   board_secret[TAFEL_BOARD_SECRET_BYTES],
                                                    TafelIdentity *identity) G_GNUC_WARN_UNUSED_RESULT;
TafelLinkAuth        *tafel_link_auth_ref          (TafelLinkAuth *self);
void                  tafel_link_auth_unref        (TafelLinkAuth *self);

const TafelPublicKey *tafel_link_auth_get_identity (TafelLinkAuth *self);
const guint8         *tafel_link_auth_get_board_id (TafelLinkAuth *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelLinkAuth, tafel_link_auth_unref)

G_END_DECLS
