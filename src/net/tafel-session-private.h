/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tafel-link.h"
#include "tafel-session.h"

G_BEGIN_DECLS

/* The rendezvous envelope, inside the sealing of the MQTT broker and the
 * LAN beacon: u8 kind, 32 from, 32 to (zeros for an announcement),
 * u64 message id, payload (a signal's). */
#define TAFEL_ENVELOPE_ANNOUNCE       1
#define TAFEL_ENVELOPE_SIGNAL         2
#define TAFEL_ENVELOPE_HEADER_BYTES   (1 + 32 + 32 + 8)

typedef struct
{
  guint8          kind;
  TafelPublicKey  from;
  TafelPublicKey  to;
  guint64         id;
  const guint8   *payload;
  gsize           payload_len;
} TafelRendezvousEnvelope;

GBytes  *tafel_rendezvous_envelope_build (guint8                    kind,
                                          const TafelPublicKey     *from,
                                          const TafelPublicKey     *to,
                                          guint64                   id,
                                          GBytes                   *payload) G_GNUC_WARN_UNUSED_RESULT;
gboolean tafel_rendezvous_envelope_parse (const guint8             *data,
                                          gsize                     len,
                                          TafelRendezvousEnvelope  *envelope);

/* Hooks for tests and benchmarks, not for the app. */

/* Called with every link the session creates, before it starts: a
 * benchmark routes it through a delay relay
 * (tafel_link_set_remote_candidate_filter()), a test plays a hostile peer
 * with it. */
typedef void (*TafelSessionLinkHook) (TafelSession         *session,
                                      TafelLink            *link,
                                      const TafelPublicKey *peer,
                                      gpointer              user_data);

void             tafel_session_set_link_hook   (TafelSession         *self,
                                                TafelSessionLinkHook  hook,
                                                gpointer              user_data);
/* (transfer none): the configuration every new link gets; changes apply
 * to links created afterwards. */
TafelLinkConfig *tafel_session_get_link_config (TafelSession         *self);
/* (transfer none) (nullable): the current link to @peer, connected or not. */
TafelLink       *tafel_session_get_link        (TafelSession         *self,
                                                const TafelPublicKey *peer);
/* The peers the session knows of: linked, linking, or to be retried. */
guint            tafel_session_get_n_known_peers (TafelSession       *self);

G_END_DECLS
