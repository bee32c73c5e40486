/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tafel-crypto.h"

G_BEGIN_DECLS

/* Timing trace points for finding where replication time goes. Set
 * TAFEL_NET_TRACE=1 in the environment and each point prints one line to
 * stderr: "tafel-trace PID MONOTONIC-MS what". Both sides of a link on one
 * machine share the clock, so the lines of two processes merge by time.
 * Off, a trace point costs one branch. */

gboolean tafel_net_trace_enabled (void);
void     tafel_net_trace_print   (const char *format,
                                  ...) G_GNUC_PRINTF (1, 2);

#define TAFEL_NET_TRACE(...)                          \
  G_STMT_START {                                      \
    if (G_UNLIKELY (tafel_net_trace_enabled ()))      \
      tafel_net_trace_print (__VA_ARGS__);            \
  } G_STMT_END

/* A peer's short name for a trace line (valid for the whole statement). */
#define TAFEL_NET_TRACE_PEER(key) \
  tafel_public_key_to_short_hex ((key), (char[TAFEL_PUBLIC_KEY_SHORT_HEX_SIZE]) { 0 })

G_END_DECLS
