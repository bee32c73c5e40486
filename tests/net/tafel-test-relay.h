/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <nice/agent.h>

#include "tafel-link-private.h"

G_BEGIN_DECLS

/* A userspace UDP relay between two endpoints on 127.0.0.1 that plays a
 * bad network, for tests and benchmarks: this kernel has no netem. In its
 * own thread it forwards both endpoints' datagrams through a delay queue
 * (half the round trip each way) and may drop, duplicate, reorder and
 * corrupt them. Side 0's traffic enters at port(0) and goes to side 1's
 * real address; side 1's enters at port(1) and goes to side 0. Each side
 * is given the relay's port in place of the other's candidate, so all
 * traffic, connectivity checks included, goes through it. */
typedef struct _TafelTestRelay TafelTestRelay;

/* What the relay does to datagrams, each a probability per datagram. */
typedef struct
{
  double loss;        /* dropped */
  double duplicate;   /* sent twice (the copy a little later) */
  double reorder;     /* held back by up to a round trip more, so later ones overtake it */
  double corrupt;     /* one bit flipped */
} TafelTestRelayImpairments;

typedef struct
{
  guint64 forwarded;    /* datagrams sent on, copies included */
  guint64 dropped;      /* lost on purpose, or with nowhere to go */
  guint64 duplicated;
  guint64 reordered;
  guint64 corrupted;
  guint64 bytes[2];     /* forwarded from side 0, from side 1 */
} TafelTestRelayCounts;

TafelTestRelay *tafel_test_relay_new             (gint64          rtt_us,
                                                  double          loss);
void            tafel_test_relay_free            (TafelTestRelay *relay);
/* Changes what happens to datagrams from now on; deterministic for a seed. */
void            tafel_test_relay_set_impairments (TafelTestRelay                  *relay,
                                                  const TafelTestRelayImpairments *impairments,
                                                  guint32                          seed);
/* The round trip from now on (datagrams already queued keep theirs). */
void            tafel_test_relay_set_rtt         (TafelTestRelay *relay,
                                                  gint64          rtt_us);
/* The port side @side sends to, to reach the other side. */
guint16         tafel_test_relay_get_port        (TafelTestRelay *relay,
                                                  guint           side);
/* What arrives at @side's port goes to @to. */
void            tafel_test_relay_set_target      (TafelTestRelay *relay,
                                                  guint           side,
                                                  GSocketAddress *to);
void            tafel_test_relay_get_counts      (TafelTestRelay *relay,
                                                  guint64        *forwarded,
                                                  guint64        *dropped);
void            tafel_test_relay_get_all_counts  (TafelTestRelay       *relay,
                                                  TafelTestRelayCounts *counts);
/* Routes @link (side @side's link to the other side) through the relay:
 * the remote candidates it learns become the relay's targets, and it is
 * given the relay's port instead. Call before tafel_link_start(). */
void            tafel_test_relay_route_link      (TafelTestRelay *relay,
                                                  guint           side,
                                                  TafelLink      *link);

GSocketAddress *tafel_test_candidate_address     (const NiceCandidate *candidate);

G_END_DECLS
