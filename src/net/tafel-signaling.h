/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tafel-crypto.h"

G_BEGIN_DECLS

#define TAFEL_SIGNALING_ERROR (tafel_signaling_error_quark ())

typedef enum
{
  TAFEL_SIGNALING_ERROR_TOO_LARGE,
  TAFEL_SIGNALING_ERROR_NOT_CONNECTED,
} TafelSignalingError;

GQuark tafel_signaling_error_quark (void);

/* The largest message a signalling medium must carry: an ICE candidate
 * line or credentials with room to spare. */
#define TAFEL_SIGNALING_MAX_MESSAGE 1024

#define TAFEL_TYPE_SIGNALING (tafel_signaling_get_type ())

G_DECLARE_INTERFACE (TafelSignaling, tafel_signaling, TAFEL, SIGNALING, GObject)

/**
 * TafelSignalingInterface:
 * @send: sends @message to the peer with identity @to; returns %FALSE
 *   with @error when it cannot be sent at all (delivery is never promised)
 *
 * How peers reach each other before they have a link: small messages (ICE
 * credentials and candidates, introductions) addressed by identity key.
 * Delivery is best effort and may reorder; whoever uses it resends what
 * matters. Implementations: an in-process hub for tests
 * (#TafelSignalingHub), the MQTT broker, the LAN beacon, and relaying
 * through the mesh.
 *
 * An implementation calls tafel_signaling_deliver() for each message that
 * arrives for its local peer, which emits #TafelSignaling::message-received.
 */
struct _TafelSignalingInterface
{
  GTypeInterface parent_iface;

  gboolean (*send) (TafelSignaling        *self,
                    const TafelPublicKey  *to,
                    GBytes                *message,
                    GError               **error);
};

gboolean tafel_signaling_send    (TafelSignaling        *self,
                                  const TafelPublicKey  *to,
                                  GBytes                *message,
                                  GError               **error);
void     tafel_signaling_deliver (TafelSignaling        *self,
                                  const TafelPublicKey  *from,
                                  GBytes                *message);

G_END_DECLS
