/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TAFEL_LINK_CONFIG_ERROR (tafel_link_config_error_quark ())

typedef enum
{
  TAFEL_LINK_CONFIG_ERROR_BAD_ADDRESS,   /* a host[:port] that does not parse */
  TAFEL_LINK_CONFIG_ERROR_BAD_URL,       /* a TURN URL that does not parse */
} TafelLinkConfigError;

GQuark tafel_link_config_error_quark (void);

typedef enum
{
  TAFEL_TURN_UDP,
  TAFEL_TURN_TCP,
  TAFEL_TURN_TLS,
} TafelTurnTransport;

#define TAFEL_LINK_DEFAULT_CONNECT_TIMEOUT_MS  30000
#define TAFEL_LINK_DEFAULT_HEARTBEAT_MS         2000
#define TAFEL_LINK_DEFAULT_DEAD_MS             10000
#define TAFEL_LINK_DEFAULT_WINDOW              (4 * 1024 * 1024)

/**
 * TafelLinkConfig:
 *
 * How links reach peers: STUN and TURN servers, which local addresses to
 * use, and timing. Shared by all links of a peer; reference counted; not
 * changed while links use it.
 */
typedef struct _TafelLinkConfig TafelLinkConfig;

typedef struct
{
  char               *host;
  guint16             port;
  char               *username;
  char               *password;
  TafelTurnTransport  transport;
} TafelTurnServer;

#define TAFEL_TYPE_LINK_CONFIG (tafel_link_config_get_type ())
GType             tafel_link_config_get_type            (void) G_GNUC_CONST;

TafelLinkConfig  *tafel_link_config_new                 (void) G_GNUC_WARN_UNUSED_RESULT;
TafelLinkConfig  *tafel_link_config_ref                 (TafelLinkConfig     *self);
void              tafel_link_config_unref               (TafelLinkConfig     *self);

gboolean          tafel_link_config_set_stun            (TafelLinkConfig     *self,
                                                         const char          *host_and_port,
                                                         GError             **error);
const char       *tafel_link_config_get_stun_host       (TafelLinkConfig     *self);
guint16           tafel_link_config_get_stun_port       (TafelLinkConfig     *self);

gboolean          tafel_link_config_add_turn            (TafelLinkConfig     *self,
                                                         const char          *url,
                                                         const char          *username,
                                                         const char          *password,
                                                         GError             **error);
guint             tafel_link_config_get_n_turn_servers  (TafelLinkConfig     *self);
const TafelTurnServer *tafel_link_config_get_turn_server (TafelLinkConfig    *self,
                                                         guint                index);

gboolean          tafel_link_config_set_local_addresses (TafelLinkConfig     *self,
                                                         const char * const  *addresses,
                                                         GError             **error);
const char * const *tafel_link_config_get_local_addresses (TafelLinkConfig   *self);

void              tafel_link_config_set_force_relay     (TafelLinkConfig     *self,
                                                         gboolean             force_relay);
gboolean          tafel_link_config_get_force_relay     (TafelLinkConfig     *self);

void              tafel_link_config_set_timeouts        (TafelLinkConfig     *self,
                                                         guint                connect_ms,
                                                         guint                heartbeat_ms,
                                                         guint                dead_ms);
guint             tafel_link_config_get_connect_timeout (TafelLinkConfig     *self);
guint             tafel_link_config_get_heartbeat       (TafelLinkConfig     *self);
guint             tafel_link_config_get_dead_timeout    (TafelLinkConfig     *self);

void              tafel_link_config_set_window          (TafelLinkConfig     *self,
                                                         gsize                window);
gsize             tafel_link_config_get_window          (TafelLinkConfig     *self);

void              tafel_link_config_set_max_datagram    (TafelLinkConfig     *self,
                                                         gsize                size);
gsize             tafel_link_config_get_max_datagram    (TafelLinkConfig     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelLinkConfig, tafel_link_config_unref)

G_END_DECLS
