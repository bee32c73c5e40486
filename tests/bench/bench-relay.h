/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <nice/agent.h>

#include "tafel-link-private.h"

G_BEGIN_DECLS

/* A userspace UDP delay relay for benchmarks. This kernel has no netem, so
 * a relay of our own, in its own thread, forwards two endpoints' datagrams
 * through a delay queue (half the round trip each way), optionally
 * dropping some at random. Side 0's traffic enters at port(0) and goes to
 * side 1's real address; side 1's enters at port(1) and goes to side 0.
 * Each side is given the relay's port in place of the other's candidate,
 * so all traffic, connectivity checks included, goes through it. */
typedef struct _BenchRelay BenchRelay;

BenchRelay     *bench_relay_new           (gint64          rtt_us,
                                           double          loss);
void            bench_relay_free          (BenchRelay     *relay);
/* The port side @side sends to, to reach the other side. */
guint16         bench_relay_get_port      (BenchRelay     *relay,
                                           guint           side);
/* What arrives at @side's port goes to @to. */
void            bench_relay_set_target    (BenchRelay     *relay,
                                           guint           side,
                                           GSocketAddress *to);
void            bench_relay_get_counts    (BenchRelay     *relay,
                                           guint64        *forwarded,
                                           guint64        *dropped);
/* Routes @link (side @side's link to the other side) through the relay:
 * the remote candidates it learns become the relay's targets, and it is
 * given the relay's port instead. Call before tafel_link_start(). */
void            bench_relay_route_link    (BenchRelay     *relay,
                                           guint           side,
                                           TafelLink      *link);

GSocketAddress *bench_candidate_address   (const NiceCandidate *candidate);

G_END_DECLS
