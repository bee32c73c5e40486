/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <nice/agent.h>

#include "tafel-link.h"
#include "tafel-transport.h"

G_BEGIN_DECLS

/* Hooks for tests and benchmarks, not for the app. */

/* Seals a frame as the link would send it, advancing its stream, and
 * returns the bytes that would go on the wire (length prefix included)
 * without sending them. */
GBytes *tafel_link_test_seal_frame       (TafelLink  *self,
                                          guint8      type,
                                          GBytes     *payload) G_GNUC_WARN_UNUSED_RESULT;
/* Puts raw bytes into the outgoing stream, after what is queued. */
void    tafel_link_test_send_raw         (TafelLink  *self,
                                          GBytes     *bytes);

/* Called with each remote candidate before the agent gets it; may change
 * it (a benchmark routes a path through a delay relay so) or return FALSE
 * to drop it. */
typedef gboolean (*TafelLinkCandidateFilter) (NiceCandidate *candidate,
                                              gpointer       user_data);
void    tafel_link_set_remote_candidate_filter (TafelLink               *self,
                                                TafelLinkCandidateFilter filter,
                                                gpointer                 user_data);

void    tafel_link_get_transport_stats   (TafelLink           *self,
                                          TafelTransportStats *stats);

/* (transfer none) (nullable): the link's agent, while it has one. */
NiceAgent *tafel_link_test_get_agent     (TafelLink  *self);
guint      tafel_link_test_get_stream_id (TafelLink  *self);

G_END_DECLS
