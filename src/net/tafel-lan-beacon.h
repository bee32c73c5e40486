/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tafel-crypto.h"

G_BEGIN_DECLS

#define TAFEL_LAN_ERROR (tafel_lan_error_quark ())

typedef enum
{
  TAFEL_LAN_ERROR_NO_SOCKET,      /* could bind neither IPv4 nor IPv6 */
  TAFEL_LAN_ERROR_NO_INTERFACE,   /* no multicast-capable network interface is up */
  TAFEL_LAN_ERROR_TOO_LARGE,
  TAFEL_LAN_ERROR_NOT_STARTED,
} TafelLanError;

GQuark tafel_lan_error_quark (void);

#define TAFEL_LAN_DEFAULT_PORT  52731
#define TAFEL_LAN_GROUP_IPV4    "239.255.84.65"
#define TAFEL_LAN_GROUP_IPV6    "ff12::7461:6665:6c"
/* Datagrams stay within the IPv6 minimum MTU, so nothing is fragmented. */
#define TAFEL_LAN_MAX_BODY      1136

#define TAFEL_TYPE_LAN_BEACON (tafel_lan_beacon_get_type ())

G_DECLARE_FINAL_TYPE (TafelLanBeacon, tafel_lan_beacon, TAFEL, LAN_BEACON, GObject)

TafelLanBeacon *tafel_lan_beacon_new             (const guint8     board_id[TAFEL_BOARD_ID_BYTES],
                                                  const guint8     secret[TAFEL_BOARD_SECRET_BYTES],
                                                  guint16          port) G_GNUC_WARN_UNUSED_RESULT;
gboolean        tafel_lan_beacon_start           (TafelLanBeacon  *self,
                                                  GError         **error);
void            tafel_lan_beacon_stop            (TafelLanBeacon  *self);
/* Sends @body to every peer of the board on every local network link. */
gboolean        tafel_lan_beacon_publish         (TafelLanBeacon  *self,
                                                  GBytes          *body,
                                                  GError         **error);
/* The links (interface and address family) the beacon listens and sends on. */
guint           tafel_lan_beacon_get_n_links     (TafelLanBeacon  *self);

G_END_DECLS
