/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tafel-link-config.h"
#include "tafel-transport.h"

G_DEFINE_QUARK (tafel-link-config-error-quark, tafel_link_config_error)

struct _TafelLinkConfig
{
  gatomicrefcount   ref_count;

  char             *stun_host;
  guint16           stun_port;
  GPtrArray        *turn_servers;     /* TafelTurnServer */
  GStrv             local_addresses;
  gboolean          force_relay;
  guint             connect_ms;
  guint             heartbeat_ms;
  guint             dead_ms;
  gsize             window;
  gsize             max_datagram;
};

G_DEFINE_BOXED_TYPE (TafelLinkConfig, tafel_link_config, tafel_link_config_ref, tafel_link_config_unref)

static void
turn_server_free (TafelTurnServer *server)
{
  g_free (server->host);
  g_free (server->username);
  g_free (server->password);
  g_free (server);
}

/**
 * tafel_link_config_new:
 *
 * Creates a configuration with no STUN or TURN server, every local address,
 * and default timing: connect within 30 s, heartbeat every 2 s, a peer is
 * dead after 10 s of silence, a 4 MiB window.
 *
 * Returns: (transfer full): a new configuration
 */
TafelLinkConfig *
tafel_link_config_new (void)
{
  TafelLinkConfig *self = g_new0 (TafelLinkConfig, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->turn_servers = g_ptr_array_new_with_free_func ((GDestroyNotify) turn_server_free);
  self->connect_ms = TAFEL_LINK_DEFAULT_CONNECT_TIMEOUT_MS;
  self->heartbeat_ms = TAFEL_LINK_DEFAULT_HEARTBEAT_MS;
  self->dead_ms = TAFEL_LINK_DEFAULT_DEAD_MS;
  self->window = TAFEL_LINK_DEFAULT_WINDOW;

  return self;
}

/**
 * tafel_link_config_ref:
 * @self: a configuration
 *
 * Returns: (transfer full): @self, with one more reference
 */
TafelLinkConfig *
tafel_link_config_ref (TafelLinkConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * tafel_link_config_unref:
 * @self: (transfer full): a configuration
 *
 * Drops a reference; the last frees it.
 */
void
tafel_link_config_unref (TafelLinkConfig *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->stun_host);
  g_ptr_array_unref (self->turn_servers);
  g_strfreev (self->local_addresses);
  g_free (self);
}

/* Splits "host", "host:port", "[v6]:port" or a bare IPv6 address. */
static gboolean
parse_host_port (const char  *text,
                 guint16      default_port,
                 char       **host,
                 guint16     *port)
{
  g_autoptr(GSocketConnectable) address = NULL;
  const char *hostname;

  if (text == NULL || *text == '\0' || strchr (text, '/') != NULL || strchr (text, '@') != NULL)
    return FALSE;

  address = g_network_address_parse (text, default_port, NULL);
  if (address == NULL)
    return FALSE;

  hostname = g_network_address_get_hostname (G_NETWORK_ADDRESS (address));
  if (hostname == NULL || *hostname == '\0' || g_network_address_get_port (G_NETWORK_ADDRESS (address)) == 0)
    return FALSE;
  if (!g_hostname_is_ip_address (hostname))
    {
      for (const char *p = hostname; *p != '\0'; p++)
        if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
          return FALSE;
    }

  *host = g_strdup (hostname);
  *port = g_network_address_get_port (G_NETWORK_ADDRESS (address));
  return TRUE;
}

/**
 * tafel_link_config_set_stun:
 * @self: a configuration
 * @host_and_port: (nullable): `host`, `host:port` or `[ipv6]:port`; the
 *   port defaults to 3478; %NULL for no STUN server
 * @error: return location for a #GError
 *
 * Sets the STUN server used to learn server-reflexive candidates (the
 * address a NAT maps us to).
 *
 * Returns: %FALSE with %TAFEL_LINK_CONFIG_ERROR_BAD_ADDRESS if it does not
 *   parse
 */
gboolean
tafel_link_config_set_stun (TafelLinkConfig  *self,
                            const char       *host_and_port,
                            GError          **error)
{
  g_autofree char *host = NULL;
  guint16 port = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  if (host_and_port != NULL && !parse_host_port (host_and_port, 3478, &host, &port))
    {
      g_set_error (error, TAFEL_LINK_CONFIG_ERROR, TAFEL_LINK_CONFIG_ERROR_BAD_ADDRESS,
                   _("“%s” is not a STUN server address (host or host:port)"), host_and_port);
      return FALSE;
    }

  g_free (self->stun_host);
  self->stun_host = g_steal_pointer (&host);
  self->stun_port = port;
  return TRUE;
}

/**
 * tafel_link_config_get_stun_host:
 * @self: a configuration
 *
 * Returns: (nullable): the STUN server's host, %NULL for none
 */
const char *
tafel_link_config_get_stun_host (TafelLinkConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->stun_host;
}

/**
 * tafel_link_config_get_stun_port:
 * @self: a configuration
 *
 * Returns: the STUN server's port, 0 for none
 */
guint16
tafel_link_config_get_stun_port (TafelLinkConfig *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->stun_port;
}

static gboolean
bad_turn_url (GError     **error,
              const char  *url,
              const char  *why)
{
  g_set_error (error, TAFEL_LINK_CONFIG_ERROR, TAFEL_LINK_CONFIG_ERROR_BAD_URL,
               _("“%s” is not a TURN URL: %s"), url, why);
  return FALSE;
}

/* turn[s]://user:password@host[:port][?transport=udp|tcp] */
static gboolean
parse_turn_uri (const char          *url,
                char               **host,
                guint16             *port,
                char               **username,
                char               **password,
                TafelTurnTransport  *transport,
                GError             **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_HAS_PASSWORD, NULL);
  const char *scheme, *query, *path;
  gint uri_port;

  if (uri == NULL)
    return bad_turn_url (error, url, _("it does not parse as a URL"));

  scheme = g_uri_get_scheme (uri);
  if (g_strcmp0 (scheme, "turn") == 0)
    *transport = TAFEL_TURN_UDP;
  else if (g_strcmp0 (scheme, "turns") == 0)
    *transport = TAFEL_TURN_TLS;
  else
    return bad_turn_url (error, url, _("it must start with turn: or turns:"));

  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return bad_turn_url (error, url, _("it names no host"));
  path = g_uri_get_path (uri);
  if (path != NULL && *path != '\0' && strcmp (path, "/") != 0)
    return bad_turn_url (error, url, _("a TURN URL has no path"));
  if (g_uri_get_fragment (uri) != NULL)
    return bad_turn_url (error, url, _("a TURN URL has no fragment"));

  query = g_uri_get_query (uri);
  if (g_strcmp0 (query, "transport=tcp") == 0)
    *transport = *transport == TAFEL_TURN_TLS ? TAFEL_TURN_TLS : TAFEL_TURN_TCP;
  else if (query != NULL && !(g_strcmp0 (query, "transport=udp") == 0 && *transport == TAFEL_TURN_UDP))
    return bad_turn_url (error, url, _("only ?transport=udp or ?transport=tcp may follow the address"));

  uri_port = g_uri_get_port (uri);
  if (uri_port == 0 || uri_port > 65535)
    return bad_turn_url (error, url, _("the port is not between 1 and 65535"));

  *host = g_strdup (g_uri_get_host (uri));
  *port = uri_port > 0 ? uri_port : *transport == TAFEL_TURN_TLS ? 5349 : 3478;
  *username = g_strdup (g_uri_get_user (uri));
  *password = g_strdup (g_uri_get_password (uri));
  return TRUE;
}

/**
 * tafel_link_config_add_turn:
 * @self: a configuration
 * @url: `turn:host[:port][?transport=udp|tcp]` or `turns:host[:port]`
 *   (RFC 7065), or the same with credentials in URL form,
 *   `turn://user:password@host[:port][?transport=tcp]`; the port
 *   defaults to 3478 (turn) or 5349 (turns)
 * @username: (nullable): the TURN user name; %NULL to take it from @url
 * @password: (nullable): the TURN password; %NULL to take it from @url
 * @error: return location for a #GError
 *
 * Adds a TURN server to relay through when no direct path works.
 *
 * Returns: %FALSE with %TAFEL_LINK_CONFIG_ERROR_BAD_URL if @url does not
 *   parse or no user name and password are given
 */
gboolean
tafel_link_config_add_turn (TafelLinkConfig  *self,
                            const char       *url,
                            const char       *username,
                            const char       *password,
                            GError          **error)
{
  g_autofree char *host = NULL;
  g_autofree char *url_username = NULL;
  g_autofree char *url_password = NULL;
  TafelTurnTransport transport;
  guint16 port = 0;
  TafelTurnServer *server;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (url != NULL, FALSE);

  if (strstr (url, "://") != NULL)
    {
      if (!parse_turn_uri (url, &host, &port, &url_username, &url_password, &transport, error))
        return FALSE;
    }
  else
    {
      g_autofree char *host_part = NULL;
      const char *rest, *query;

      if (g_str_has_prefix (url, "turn:"))
        {
          rest = url + strlen ("turn:");
          transport = TAFEL_TURN_UDP;
        }
      else if (g_str_has_prefix (url, "turns:"))
        {
          rest = url + strlen ("turns:");
          transport = TAFEL_TURN_TLS;
        }
      else
        return bad_turn_url (error, url, _("it must start with turn: or turns:"));

      query = strchr (rest, '?');
      host_part = query != NULL ? g_strndup (rest, query - rest) : g_strdup (rest);
      if (!parse_host_port (host_part, transport == TAFEL_TURN_TLS ? 5349 : 3478, &host, &port))
        return bad_turn_url (error, url, _("the address is not a host or host:port"));

      if (query != NULL)
        {
          if (g_strcmp0 (query, "?transport=tcp") == 0)
            transport = transport == TAFEL_TURN_TLS ? TAFEL_TURN_TLS : TAFEL_TURN_TCP;
          else if (!(g_strcmp0 (query, "?transport=udp") == 0 && transport == TAFEL_TURN_UDP))
            return bad_turn_url (error, url,
                                 _("only ?transport=udp or ?transport=tcp may follow the address"));
        }
    }

  if (username == NULL)
    username = url_username;
  if (password == NULL)
    password = url_password;
  if (username == NULL || password == NULL)
    return bad_turn_url (error, url, _("a TURN server needs a user name and a password"));

  server = g_new0 (TafelTurnServer, 1);
  server->host = g_steal_pointer (&host);
  server->port = port;
  server->username = g_strdup (username);
  server->password = g_strdup (password);
  server->transport = transport;
  g_ptr_array_add (self->turn_servers, server);

  return TRUE;
}

/**
 * tafel_link_config_get_n_turn_servers:
 * @self: a configuration
 *
 * Returns: how many TURN servers there are
 */
guint
tafel_link_config_get_n_turn_servers (TafelLinkConfig *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->turn_servers->len;
}

/**
 * tafel_link_config_get_turn_server:
 * @self: a configuration
 * @index: which server
 *
 * Returns: (transfer none): the server
 */
const TafelTurnServer *
tafel_link_config_get_turn_server (TafelLinkConfig *self,
                                   guint            index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->turn_servers->len, NULL);
  return g_ptr_array_index (self->turn_servers, index);
}

/**
 * tafel_link_config_set_local_addresses:
 * @self: a configuration
 * @addresses: (nullable) (array zero-terminated=1): IP addresses to gather
 *   host candidates on; %NULL for every interface's
 * @error: return location for a #GError
 *
 * Restricts links to some local addresses (tests keep to 127.0.0.1).
 *
 * Returns: %FALSE with %TAFEL_LINK_CONFIG_ERROR_BAD_ADDRESS if one is not an
 *   IP address
 */
gboolean
tafel_link_config_set_local_addresses (TafelLinkConfig    *self,
                                       const char * const *addresses,
                                       GError            **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; addresses != NULL && addresses[i] != NULL; i++)
    {
      if (!g_hostname_is_ip_address (addresses[i]))
        {
          g_set_error (error, TAFEL_LINK_CONFIG_ERROR, TAFEL_LINK_CONFIG_ERROR_BAD_ADDRESS,
                       _("“%s” is not an IP address"), addresses[i]);
          return FALSE;
        }
    }

  g_strfreev (self->local_addresses);
  self->local_addresses = g_strdupv ((char **) addresses);
  return TRUE;
}

/**
 * tafel_link_config_get_local_addresses:
 * @self: a configuration
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the
 *   addresses, or %NULL for all
 */
const char * const *
tafel_link_config_get_local_addresses (TafelLinkConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *) self->local_addresses;
}

/**
 * tafel_link_config_set_force_relay:
 * @self: a configuration
 * @force_relay: whether to use relayed candidates only
 *
 * Makes links go through a TURN server even when a direct path exists
 * (privacy: peers never learn each other's addresses; also tests).
 */
void
tafel_link_config_set_force_relay (TafelLinkConfig *self,
                                   gboolean         force_relay)
{
  g_return_if_fail (self != NULL);
  self->force_relay = force_relay;
}

/**
 * tafel_link_config_get_force_relay:
 * @self: a configuration
 *
 * Returns: whether links use relayed candidates only
 */
gboolean
tafel_link_config_get_force_relay (TafelLinkConfig *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->force_relay;
}

/**
 * tafel_link_config_set_timeouts:
 * @self: a configuration
 * @connect_ms: how long ICE and the handshake may take
 * @heartbeat_ms: how often an idle link says it is alive
 * @dead_ms: silence after which the peer counts as gone; more than
 *   @heartbeat_ms
 *
 * Sets the link's timing.
 */
void
tafel_link_config_set_timeouts (TafelLinkConfig *self,
                                guint            connect_ms,
                                guint            heartbeat_ms,
                                guint            dead_ms)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (connect_ms > 0 && heartbeat_ms > 0);
  g_return_if_fail (dead_ms > heartbeat_ms);

  self->connect_ms = connect_ms;
  self->heartbeat_ms = heartbeat_ms;
  self->dead_ms = dead_ms;
}

/**
 * tafel_link_config_get_connect_timeout:
 * @self: a configuration
 *
 * Returns: how long ICE and the handshake may take, ms
 */
guint
tafel_link_config_get_connect_timeout (TafelLinkConfig *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->connect_ms;
}

/**
 * tafel_link_config_get_heartbeat:
 * @self: a configuration
 *
 * Returns: how often an idle link says it is alive, ms
 */
guint
tafel_link_config_get_heartbeat (TafelLinkConfig *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->heartbeat_ms;
}

/**
 * tafel_link_config_get_dead_timeout:
 * @self: a configuration
 *
 * Returns: the silence after which a peer counts as gone, ms
 */
guint
tafel_link_config_get_dead_timeout (TafelLinkConfig *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->dead_ms;
}

/**
 * tafel_link_config_set_window:
 * @self: a configuration
 * @window: bytes in flight per direction, at least 256 KiB
 *
 * Bounds what a link sends before the peer acknowledges it, and so its
 * throughput: window ÷ round-trip time. 4 MiB allows 80 MB/s at 50 ms.
 */
void
tafel_link_config_set_window (TafelLinkConfig *self,
                              gsize            window)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (window >= TAFEL_TRANSPORT_MIN_WINDOW);
  self->window = window;
}

/**
 * tafel_link_config_get_window:
 * @self: a configuration
 *
 * Returns: bytes in flight per direction
 */
gsize
tafel_link_config_get_window (TafelLinkConfig *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->window;
}

/**
 * tafel_link_config_set_max_datagram:
 * @self: a configuration
 * @size: the datagram size to use; 0 to choose by path (large on loopback,
 *   1200 bytes elsewhere)
 *
 * Overrides the datagram size (benchmarks emulate internet paths on
 * loopback with it).
 */
void
tafel_link_config_set_max_datagram (TafelLinkConfig *self,
                                    gsize            size)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (size == 0 ||
                    (size >= TAFEL_TRANSPORT_MIN_DATAGRAM && size <= TAFEL_TRANSPORT_MAX_DATAGRAM));
  self->max_datagram = size;
}

/**
 * tafel_link_config_get_max_datagram:
 * @self: a configuration
 *
 * Returns: the datagram size, 0 when chosen by path
 */
gsize
tafel_link_config_get_max_datagram (TafelLinkConfig *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->max_datagram;
}
