/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <glib/gi18n-lib.h>

#include "tafel-lan-beacon-private.h"
#include "tafel-sealer.h"

/*
 * Serverless discovery on the local network, in the manner of Syncthing's
 * local discovery: every peer of an open board sends its signalling
 * messages as UDP multicast to a fixed group on every multicast-capable
 * link (IPv4 239.255.84.65 and IPv6 ff12::7461:6665:6c, link-local scope,
 * TTL/hop limit 1), and listens there.
 *
 * Datagram:
 *   "TAFL"  magic
 *   u8      version (1)
 *   16      board tag: a MAC of the board id and the current 10-minute
 *           window under a key derived from the secret. Receivers find
 *           their board without trying every key, and an onlooker cannot
 *           tell which board it is, nor follow one board for long.
 *   …       a #TafelSealer message (key derived from the secret, the tag
 *           as context), so only members read it and replays are dropped.
 */

#define MAGIC           "TAFL"
#define VERSION         1
#define TAG_BYTES       16
#define HEADER_BYTES    (4 + 1 + TAG_BYTES)
#define MAX_DATAGRAM    1232
#define TAG_WINDOW_S    600
#define RESCAN_S        5

static const gsize buckets[] = { 256 - HEADER_BYTES, 640 - HEADER_BYTES, MAX_DATAGRAM - HEADER_BYTES, 0 };

G_STATIC_ASSERT (TAFEL_LAN_MAX_BODY + TAFEL_SEALER_OVERHEAD + HEADER_BYTES <= MAX_DATAGRAM);

typedef struct
{
  GSocketFamily family;
  guint         index;
  char          name[IF_NAMESIZE];
} Link;

struct _TafelLanBeacon
{
  GObject      parent_instance;

  guint8       board_id[TAFEL_BOARD_ID_BYTES];
  guint8       tag_key[TAFEL_KEY_BYTES];
  guint8       seal_key[TAFEL_KEY_BYTES];
  guint16      port;

  GSocket     *socket4;
  GSocket     *socket6;
  GSource     *source4;
  GSource     *source6;
  GArray      *links;      /* Link: joined and used for sending */
  guint        rescan_id;

  /* One sealer per tag window, since the tag is the sealing context. */
  gint64       sealer_window;
  TafelSealer *sealer;
  TafelSealer *previous_sealer;
};

enum {
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TafelLanBeacon, tafel_lan_beacon, G_TYPE_OBJECT)

G_DEFINE_QUARK (tafel-lan-error-quark, tafel_lan_error)

static void
compute_tag (TafelLanBeacon *self,
             gint64          window,
             guint8          tag[TAG_BYTES])
{
  guint8 input[TAFEL_BOARD_ID_BYTES + 8];
  guint8 mac[TAFEL_MAC_BYTES];
  guint64 window_le = GUINT64_TO_LE ((guint64) window);

  memcpy (input, self->board_id, TAFEL_BOARD_ID_BYTES);
  memcpy (input + TAFEL_BOARD_ID_BYTES, &window_le, 8);
  tafel_mac (mac, self->tag_key, input, sizeof input);
  memcpy (tag, mac, TAG_BYTES);
}

static TafelSealer *
sealer_for_window (TafelLanBeacon *self,
                   gint64          window)
{
  guint8 tag[TAG_BYTES];
  g_autofree char *context = NULL;

  compute_tag (self, window, tag);
  context = tafel_hex_encode (tag, TAG_BYTES);

  return tafel_sealer_new (self->seal_key, context, buckets);
}

static gint64
current_window (void)
{
  return g_get_real_time () / G_USEC_PER_SEC / TAG_WINDOW_S;
}

/* Keeps a sealer for the current window and the one before, so messages
 * sent just before a window turns over still open. Replay protection is
 * per sealer; the timestamp check inside bounds a message's life anyway. */
static void
update_sealers (TafelLanBeacon *self)
{
  gint64 window = current_window ();

  if (self->sealer != NULL && window == self->sealer_window)
    return;

  g_clear_pointer (&self->previous_sealer, tafel_sealer_free);
  if (self->sealer != NULL && window == self->sealer_window + 1)
    self->previous_sealer = g_steal_pointer (&self->sealer);
  else
    {
      g_clear_pointer (&self->sealer, tafel_sealer_free);
      self->previous_sealer = sealer_for_window (self, window - 1);
    }
  self->sealer = sealer_for_window (self, window);
  self->sealer_window = window;
}

static gboolean
link_is_joined (TafelLanBeacon *self,
                GSocketFamily   family,
                guint           index)
{
  for (guint i = 0; i < self->links->len; i++)
    {
      Link *link = &g_array_index (self->links, Link, i);
      if (link->family == family && link->index == index)
        return TRUE;
    }
  return FALSE;
}

static void
join_link (TafelLanBeacon *self,
           GSocketFamily   family,
           const char     *name)
{
  GSocket *socket = family == G_SOCKET_FAMILY_IPV4 ? self->socket4 : self->socket6;
  const char *group_text = family == G_SOCKET_FAMILY_IPV4 ? TAFEL_LAN_GROUP_IPV4 : TAFEL_LAN_GROUP_IPV6;
  g_autoptr(GInetAddress) group = g_inet_address_new_from_string (group_text);
  g_autoptr(GError) error = NULL;
  guint index = if_nametoindex (name);
  Link link = { family, index, { 0 } };

  if (socket == NULL || index == 0 || link_is_joined (self, family, index))
    return;

  if (!g_socket_join_multicast_group (socket, group, FALSE, name, &error))
    {
      g_debug ("lan: cannot join %s on %s: %s", group_text, name, error->message);
      return;
    }

  g_strlcpy (link.name, name, sizeof link.name);
  g_array_append_val (self->links, link);
  g_debug ("lan: listening on %s (%s)", name,
           family == G_SOCKET_FAMILY_IPV4 ? "IPv4" : "IPv6");
}

/* Joins the group on every link that is up and multicast-capable; laptops
 * change networks, so this runs again every few seconds. Links that went
 * away stay in the list harmlessly: sending there fails quietly. */
static void
scan_links (TafelLanBeacon *self)
{
  struct ifaddrs *addrs = NULL;

  if (getifaddrs (&addrs) != 0)
    return;

  for (struct ifaddrs *a = addrs; a != NULL; a = a->ifa_next)
    {
      if (a->ifa_addr == NULL || !(a->ifa_flags & IFF_UP) || !(a->ifa_flags & IFF_MULTICAST))
        continue;

      if (a->ifa_addr->sa_family == AF_INET)
        join_link (self, G_SOCKET_FAMILY_IPV4, a->ifa_name);
      else if (a->ifa_addr->sa_family == AF_INET6 &&
               IN6_IS_ADDR_LINKLOCAL (&((struct sockaddr_in6 *) a->ifa_addr)->sin6_addr))
        join_link (self, G_SOCKET_FAMILY_IPV6, a->ifa_name);
    }

  freeifaddrs (addrs);
}

static gboolean
rescan_cb (gpointer user_data)
{
  scan_links (user_data);
  return G_SOURCE_CONTINUE;
}

/**
 * tafel_lan_beacon_open_datagram:
 * @self: a #TafelLanBeacon
 * @data: a datagram from anyone on the network
 * @len: its length
 *
 * Checks the header of a datagram that came to the beacon's port (magic,
 * version, and the board's tag for the current or the previous window)
 * and opens the sealed message in it.
 *
 * Returns: (transfer full) (nullable): the body, or %NULL when the
 *   datagram is not for this board, or garbled, stale or replayed
 */
GBytes *
tafel_lan_beacon_open_datagram (TafelLanBeacon *self,
                                const guint8   *data,
                                gsize           len)
{
  GBytes *body;
  guint8 tag[TAG_BYTES];
  TafelSealer *sealer = NULL;

  g_return_val_if_fail (TAFEL_IS_LAN_BEACON (self), NULL);

  if (len < HEADER_BYTES || memcmp (data, MAGIC, 4) != 0 || data[4] != VERSION)
    return NULL;

  update_sealers (self);
  compute_tag (self, self->sealer_window, tag);
  if (memcmp (data + 5, tag, TAG_BYTES) == 0)
    sealer = self->sealer;
  else
    {
      compute_tag (self, self->sealer_window - 1, tag);
      if (memcmp (data + 5, tag, TAG_BYTES) == 0)
        sealer = self->previous_sealer;
    }
  if (sealer == NULL)
    return NULL;  /* another board, or another window */

  body = tafel_sealer_open (sealer, data + HEADER_BYTES, len - HEADER_BYTES);
  if (body == NULL)
    g_debug ("lan: dropped a datagram that is garbled, stale or replayed");
  return body;
}

static void
handle_datagram (TafelLanBeacon *self,
                 const guint8   *data,
                 gsize           len)
{
  g_autoptr(GBytes) body = tafel_lan_beacon_open_datagram (self, data, len);

  if (body != NULL)
    g_signal_emit (self, signals[MESSAGE], 0, body);
}

static gboolean
socket_readable (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  TafelLanBeacon *self = user_data;
  guint8 buffer[2048];

  /* Drain what is queued, but yield after a bounded batch so a flood of
   * datagrams cannot starve the main loop. */
  for (guint i = 0; i < 64; i++)
    {
      gssize n = g_socket_receive_with_blocking (socket, (char *) buffer, sizeof buffer,
                                                 FALSE, NULL, NULL);
      if (n <= 0)
        break;
      handle_datagram (self, buffer, n);
    }

  return G_SOURCE_CONTINUE;
}

static GSocket *
open_socket (GSocketFamily   family,
             guint16         port,
             GError        **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) any = g_inet_address_new_any (family);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (any, port);

  socket = g_socket_new (family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (socket == NULL)
    return NULL;

  g_socket_set_blocking (socket, FALSE);
  g_socket_set_multicast_loopback (socket, TRUE);
  g_socket_set_multicast_ttl (socket, 1);
  if (family == G_SOCKET_FAMILY_IPV6 &&
      !g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, 1, error))
    return NULL;

  /* allow_reuse sets SO_REUSEADDR and SO_REUSEPORT: several Tafel
   * processes on one machine share the port. */
  if (!g_socket_bind (socket, address, TRUE, error))
    return NULL;

  return g_steal_pointer (&socket);
}

static GSource *
watch_socket (TafelLanBeacon *self,
              GSocket        *socket)
{
  GSource *source = g_socket_create_source (socket, G_IO_IN, NULL);

  g_source_set_callback (source, G_SOURCE_FUNC (socket_readable), self, NULL);
  g_source_set_static_name (source, "[tafel] lan beacon");
  g_source_attach (source, g_main_context_get_thread_default ());
  return source;
}

/**
 * tafel_lan_beacon_new:
 * @board_id: the board id
 * @secret: the board secret
 * @port: the UDP port, or 0 for %TAFEL_LAN_DEFAULT_PORT
 *
 * Returns: (transfer full): a beacon for one board; it touches the network
 *   only from tafel_lan_beacon_start() on
 */
TafelLanBeacon *
tafel_lan_beacon_new (const guint8 board_id[TAFEL_BOARD_ID_BYTES],
                      const guint8 secret[TAFEL_BOARD_SECRET_BYTES],
                      guint16      port)
{
  TafelLanBeacon *self = g_object_new (TAFEL_TYPE_LAN_BEACON, NULL);

  memcpy (self->board_id, board_id, TAFEL_BOARD_ID_BYTES);
  tafel_derive_key (self->tag_key, secret, "tafellnt", 1);
  tafel_derive_key (self->seal_key, secret, "tafellan", 1);
  self->port = port != 0 ? port : TAFEL_LAN_DEFAULT_PORT;

  return self;
}

/**
 * tafel_lan_beacon_start:
 * @self: a #TafelLanBeacon
 * @error: return location for a #GError
 *
 * Opens the IPv4 and IPv6 sockets and joins the group on every suitable
 * link. Succeeds when at least one family works.
 *
 * Returns: %TRUE on success
 */
gboolean
tafel_lan_beacon_start (TafelLanBeacon  *self,
                        GError         **error)
{
  g_autoptr(GError) error4 = NULL;
  g_autoptr(GError) error6 = NULL;

  g_return_val_if_fail (TAFEL_IS_LAN_BEACON (self), FALSE);

  if (self->socket4 != NULL || self->socket6 != NULL)
    return TRUE;

  self->socket4 = open_socket (G_SOCKET_FAMILY_IPV4, self->port, &error4);
  self->socket6 = open_socket (G_SOCKET_FAMILY_IPV6, self->port, &error6);
  if (self->socket4 == NULL && self->socket6 == NULL)
    {
      g_set_error (error, TAFEL_LAN_ERROR, TAFEL_LAN_ERROR_NO_SOCKET,
                   _("Cannot listen on the local network (UDP port %u): %s"),
                   self->port, error4->message);
      return FALSE;
    }

  if (self->socket4 != NULL)
    self->source4 = watch_socket (self, self->socket4);
  if (self->socket6 != NULL)
    self->source6 = watch_socket (self, self->socket6);

  update_sealers (self);
  scan_links (self);
  self->rescan_id = g_timeout_add_seconds (RESCAN_S, rescan_cb, self);

  return TRUE;
}

void
tafel_lan_beacon_stop (TafelLanBeacon *self)
{
  g_return_if_fail (TAFEL_IS_LAN_BEACON (self));

  g_clear_handle_id (&self->rescan_id, g_source_remove);
  if (self->source4 != NULL)
    g_source_destroy (self->source4);
  if (self->source6 != NULL)
    g_source_destroy (self->source6);
  g_clear_pointer (&self->source4, g_source_unref);
  g_clear_pointer (&self->source6, g_source_unref);
  if (self->socket4 != NULL)
    g_socket_close (self->socket4, NULL);
  if (self->socket6 != NULL)
    g_socket_close (self->socket6, NULL);
  g_clear_object (&self->socket4);
  g_clear_object (&self->socket6);
  g_array_set_size (self->links, 0);
}

static gboolean
send_on_link (TafelLanBeacon *self,
              const Link     *link,
              const guint8   *datagram,
              gsize           len)
{
  GSocket *socket = link->family == G_SOCKET_FAMILY_IPV4 ? self->socket4 : self->socket6;
  const char *group_text = link->family == G_SOCKET_FAMILY_IPV4 ? TAFEL_LAN_GROUP_IPV4 : TAFEL_LAN_GROUP_IPV6;
  g_autoptr(GInetAddress) group = g_inet_address_new_from_string (group_text);
  g_autoptr(GSocketAddress) destination = NULL;
  g_autoptr(GError) error = NULL;
  int fd = g_socket_get_fd (socket);
  int ret;

  /* GLib has no per-send interface choice; set the socket's outgoing
   * multicast interface for this link. */
  if (link->family == G_SOCKET_FAMILY_IPV4)
    {
      struct ip_mreqn mreq = { .imr_ifindex = (int) link->index };
      ret = setsockopt (fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof mreq);
      destination = g_inet_socket_address_new (group, self->port);
    }
  else
    {
      int index = (int) link->index;
      ret = setsockopt (fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, sizeof index);
      destination = g_object_new (G_TYPE_INET_SOCKET_ADDRESS,
                                  "address", group, "port", self->port,
                                  "scope-id", link->index, NULL);
    }
  if (ret != 0)
    return FALSE;

  if (g_socket_send_to (socket, destination, (const char *) datagram, len, NULL, &error) < 0)
    {
      g_debug ("lan: cannot send on %s: %s", link->name, error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * tafel_lan_beacon_seal_datagram:
 * @self: a #TafelLanBeacon
 * @body: at most %TAFEL_LAN_MAX_BODY bytes
 *
 * Returns: (transfer full): the datagram that carries @body to the peers
 *   of the board: the header with the current tag, and @body sealed
 */
GBytes *
tafel_lan_beacon_seal_datagram (TafelLanBeacon *self,
                                GBytes         *body)
{
  g_autoptr(GBytes) sealed = NULL;
  guint8 *datagram;
  gsize sealed_len;
  guint8 tag[TAG_BYTES];

  g_return_val_if_fail (TAFEL_IS_LAN_BEACON (self), NULL);
  g_return_val_if_fail (g_bytes_get_size (body) <= TAFEL_LAN_MAX_BODY, NULL);

  update_sealers (self);
  sealed = tafel_sealer_seal (self->sealer, body);
  g_assert (sealed != NULL);
  sealed_len = g_bytes_get_size (sealed);

  datagram = g_malloc (HEADER_BYTES + sealed_len);
  memcpy (datagram, MAGIC, 4);
  datagram[4] = VERSION;
  compute_tag (self, self->sealer_window, tag);
  memcpy (datagram + 5, tag, TAG_BYTES);
  memcpy (datagram + HEADER_BYTES, g_bytes_get_data (sealed, NULL), sealed_len);
  return g_bytes_new_take (datagram, HEADER_BYTES + sealed_len);
}

/**
 * tafel_lan_beacon_publish:
 * @self: a started #TafelLanBeacon
 * @body: at most %TAFEL_LAN_MAX_BODY bytes
 * @error: return location for a #GError
 *
 * Seals @body and sends it to the group on every link.
 *
 * Returns: %TRUE when it went out on at least one link
 */
gboolean
tafel_lan_beacon_publish (TafelLanBeacon  *self,
                          GBytes          *body,
                          GError         **error)
{
  g_autoptr(GBytes) datagram = NULL;
  guint sent = 0;

  g_return_val_if_fail (TAFEL_IS_LAN_BEACON (self), FALSE);

  if (g_bytes_get_size (body) > TAFEL_LAN_MAX_BODY)
    {
      g_set_error (error, TAFEL_LAN_ERROR, TAFEL_LAN_ERROR_TOO_LARGE,
                   "A LAN beacon message holds at most %d bytes, not %zu",
                   TAFEL_LAN_MAX_BODY, g_bytes_get_size (body));
      return FALSE;
    }
  if (self->socket4 == NULL && self->socket6 == NULL)
    {
      g_set_error_literal (error, TAFEL_LAN_ERROR, TAFEL_LAN_ERROR_NOT_STARTED,
                           "The LAN beacon is not started");
      return FALSE;
    }

  datagram = tafel_lan_beacon_seal_datagram (self, body);

  for (guint i = 0; i < self->links->len; i++)
    if (send_on_link (self, &g_array_index (self->links, Link, i),
                      g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram)))
      sent++;

  if (sent == 0)
    {
      g_set_error_literal (error, TAFEL_LAN_ERROR, TAFEL_LAN_ERROR_NO_INTERFACE,
                           _("No local network is available"));
      return FALSE;
    }

  return TRUE;
}

guint
tafel_lan_beacon_get_n_links (TafelLanBeacon *self)
{
  g_return_val_if_fail (TAFEL_IS_LAN_BEACON (self), 0);
  return self->links->len;
}

static void
tafel_lan_beacon_dispose (GObject *object)
{
  tafel_lan_beacon_stop (TAFEL_LAN_BEACON (object));

  G_OBJECT_CLASS (tafel_lan_beacon_parent_class)->dispose (object);
}

static void
tafel_lan_beacon_finalize (GObject *object)
{
  TafelLanBeacon *self = TAFEL_LAN_BEACON (object);

  tafel_memzero (self->tag_key, sizeof self->tag_key);
  tafel_memzero (self->seal_key, sizeof self->seal_key);
  g_clear_pointer (&self->sealer, tafel_sealer_free);
  g_clear_pointer (&self->previous_sealer, tafel_sealer_free);
  g_array_unref (self->links);

  G_OBJECT_CLASS (tafel_lan_beacon_parent_class)->finalize (object);
}

static void
tafel_lan_beacon_class_init (TafelLanBeaconClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tafel_lan_beacon_dispose;
  object_class->finalize = tafel_lan_beacon_finalize;

  /**
   * TafelLanBeacon::message:
   * @body: the opened body (a #GBytes)
   *
   * A message from another peer of the board on the local network.
   */
  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
}

static void
tafel_lan_beacon_init (TafelLanBeacon *self)
{
  self->links = g_array_new (FALSE, TRUE, sizeof (Link));
}
