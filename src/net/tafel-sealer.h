/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tafel-crypto.h"

G_BEGIN_DECLS

/**
 * TafelSealer:
 *
 * Seals the small signalling messages that travel over shared media (an
 * MQTT broker, the LAN) where anyone can read and write. A message is
 * sealed (XChaCha20-Poly1305) with a key derived from the board secret,
 * bound to a context string as associated data, and padded to one of a few
 * fixed sizes so that its length says little.
 *
 * Sealed plaintext:
 *   u8  version (1)
 *   16  sender instance id (random per sealer; our own echoes are dropped)
 *   u64 timestamp, ms since the epoch, little endian
 *   u64 message id (random)
 *   u16 body length, little endian
 *   body, then zero padding up to the bucket size
 *
 * open() drops what does not open with the key, what is older or newer
 * than the replay window (5 minutes), what it has already seen (sender,
 * message id), and our own messages.
 */
typedef struct _TafelSealer TafelSealer;

#define TAFEL_SEALER_OVERHEAD (1 + 16 + 8 + 8 + 2 + TAFEL_AEAD_NONCE_BYTES + TAFEL_AEAD_TAG_BYTES)

/* @buckets: ascending sealed sizes, 0-terminated; the largest bounds the body. */
TafelSealer *tafel_sealer_new          (const guint8  key[TAFEL_KEY_BYTES],
                                        const char   *context,
                                        const gsize  *buckets) G_GNUC_WARN_UNUSED_RESULT;
void         tafel_sealer_free         (TafelSealer  *sealer);
gsize        tafel_sealer_get_max_body (TafelSealer  *sealer);
const guint8 *tafel_sealer_get_instance (TafelSealer *sealer);
/* (transfer full): the sealed message, or %NULL when @body is too large. */
GBytes      *tafel_sealer_seal         (TafelSealer  *sealer,
                                        GBytes       *body) G_GNUC_WARN_UNUSED_RESULT;
/* (transfer full): the body, or %NULL when the message is to be dropped. */
GBytes      *tafel_sealer_open         (TafelSealer  *sealer,
                                        gconstpointer data,
                                        gsize         len) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelSealer, tafel_sealer_free)

G_END_DECLS
