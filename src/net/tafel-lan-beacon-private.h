/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tafel-lan-beacon.h"

G_BEGIN_DECLS

/* The beacon's datagrams without the network, for tests and fuzzing:
 * what tafel_lan_beacon_publish() sends and what its socket does with
 * what arrives (before the #TafelLanBeacon::message signal). */
GBytes *tafel_lan_beacon_seal_datagram (TafelLanBeacon *self,
                                        GBytes         *body) G_GNUC_WARN_UNUSED_RESULT;
GBytes *tafel_lan_beacon_open_datagram (TafelLanBeacon *self,
                                        const guint8   *data,
                                        gsize           len) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
