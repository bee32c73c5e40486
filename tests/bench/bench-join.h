/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tafel-board-model.h"
#include "tafel-identity.h"
#include "tafel-session.h"

G_BEGIN_DECLS

/* "Join by invite link → first full paint", the one definition shared by
 * bench-sync (loopback, in one process) and bench-lab-join (a joiner
 * process inside the NAT lab's namespaces), so their figures compare. */

#define BENCH_JOIN_SCREEN_W 1280
#define BENCH_JOIN_SCREEN_H 800

/* Draws the board as the app opens it, zoomed to fit (tafel_view_fit():
 * 48 px margins, scale clamped to 0.02 … 32) into a BENCH_JOIN_SCREEN_W ×
 * BENCH_JOIN_SCREEN_H image surface with the core renderer; returns how
 * long that took, in milliseconds. */
double bench_first_paint (TafelBoardModel *model);

/* One timed join. Every time is in milliseconds from the start (parsing
 * the link); ice_ms and connect_ms are the link's own figures, from when
 * the joiner started ICE on it (tafel_session_get_link_times()). */
typedef struct
{
  double     link_ms;      /* the first peer linked (rendezvous, ICE, handshake) */
  double     ice_ms;       /* ICE on that link */
  double     connect_ms;   /* that link up: ICE and the handshake */
  double     synced_ms;    /* every record integrated and the sync idle */
  double     paint_ms;     /* the first full paint alone */
  double     painted_ms;   /* the first full paint done */
  char      *candidate;    /* "host", "srflx" or "relay" (the joiner's side) */
  char      *path;         /* tafel_session_describe_path() */
  guint      n_records;
  TafelHash  digest;       /* the joiner's board-state digest */
} BenchJoin;

void bench_join_clear (BenchJoin *join);

/* Joins the board of @invite_link as @identity with the data folder @dir
 * (where no board is yet): parses the link, joins the board, opens its
 * model, goes online with @options (when options->broker_url is %NULL,
 * the link's first broker, if any) and waits until the log holds
 * @n_records records and the sync is idle, then paints. The session is
 * stopped and its goodbyes delivered (bounded) before this returns.
 * Returns %FALSE with @error set if the link does not parse, the board
 * cannot be joined or the session started, or @timeout_ms passed first;
 * @out then holds what was measured until then (link_ms < 0: no link). */
gboolean bench_join_run (const char                *dir,
                         TafelIdentity             *identity,
                         const char                *invite_link,
                         const TafelSessionOptions *options,
                         guint                      n_records,
                         guint                      timeout_ms,
                         BenchJoin                 *out,
                         GError                   **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BenchJoin, bench_join_clear)

G_END_DECLS
