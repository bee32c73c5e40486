/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How long Tafel waits for the session bus to answer before it starts
 * without it. A working bus answers in milliseconds. */
#define TAFEL_SESSION_BUS_TIMEOUT_MS 5000

gboolean tafel_session_bus_check (guint    timeout_ms,
                                  GError **error);

G_END_DECLS
