/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tafel-crypto.h"
#include "tafel-lan-beacon.h"

#include "tafel-net-test-util.h"
#include "tafel-test-util.h"

/* A private network namespace with IPv4 multicast on the loopback link and
 * a veth pair for IPv6 link-local multicast; nothing leaves it. The script
 * waits (bounded) until both veth ends have their link-local address. */
static const char netns_setup[] =
  "ip link set lo up\n"
  "ip link set lo multicast on\n"
  "sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0\n"
  "ip link add tv0 type veth peer name tv1\n"
  "ip link set tv0 up\n"
  "ip link set tv1 up\n"
  "for i in $(seq 100); do\n"
  "  if ip -6 addr show dev tv0 scope link | grep -q inet6 &&\n"
  "     ip -6 addr show dev tv1 scope link | grep -q inet6; then exit 0; fi\n"
  "  sleep 0.05\n"
  "done\n"
  "echo 'veth link-local addresses did not appear' >&2; exit 1\n";

typedef struct
{
  TafelLanBeacon *beacon;
  GPtrArray      *received;
} Peer;

static void
on_message (TafelLanBeacon *beacon,
            GBytes         *body,
            Peer           *peer)
{
  g_ptr_array_add (peer->received, g_bytes_ref (body));
}

static void
peer_init (Peer         *peer,
           const guint8 *board_id,
           const guint8 *secret)
{
  g_autoptr(GError) error = NULL;

  peer->beacon = tafel_lan_beacon_new (board_id, secret, 0);
  peer->received = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_signal_connect (peer->beacon, "message", G_CALLBACK (on_message), peer);
  g_assert_true (tafel_lan_beacon_start (peer->beacon, &error));
  g_assert_no_error (error);
}

static void
peer_clear (Peer *peer)
{
  g_clear_object (&peer->beacon);
  g_clear_pointer (&peer->received, g_ptr_array_unref);
}

typedef struct { Peer *peer; guint count; } CountWait;

static gboolean
received_at_least (gpointer data)
{
  CountWait *w = data;
  return w->peer->received->len >= w->count;
}

static void
send_text (Peer       *peer,
           const char *text)
{
  g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;

  g_assert_true (tafel_lan_beacon_publish (peer->beacon, body, &error));
  g_assert_no_error (error);
}

static void
expect (Peer       *to,
        const char *text)
{
  CountWait w = { to, to->received->len + 1 };
  GBytes *got;

  g_assert_true (tafel_test_wait_until (received_at_least, &w, 5000));
  got = to->received->pdata[w.count - 1];
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), text, strlen (text));
}

static void
test_exchange (void)
{
  guint8 id[TAFEL_BOARD_ID_BYTES], secret[TAFEL_BOARD_SECRET_BYTES], other_secret[TAFEL_BOARD_SECRET_BYTES];
  Peer a = { 0 }, b = { 0 }, other = { 0 };

  tafel_random_bytes (id, sizeof id);
  tafel_random_bytes (secret, sizeof secret);
  tafel_random_bytes (other_secret, sizeof other_secret);

  peer_init (&a, id, secret);
  peer_init (&b, id, secret);
  peer_init (&other, id, other_secret);
  /* lo for IPv4, tv0 and tv1 for IPv6. */
  g_assert_cmpuint (tafel_lan_beacon_get_n_links (a.beacon), ==, 3);

  send_text (&a, "hello from a");
  expect (&b, "hello from a");
  send_text (&b, "hello from b");
  expect (&a, "hello from b");

  /* Another board's beacon, same port, same group: b hears none of it,
   * and a's message sent after it arrives exactly once although it went
   * out on three links. */
  send_text (&other, "not for you");
  send_text (&a, "marker");
  expect (&b, "marker");
  g_assert_cmpuint (b.received->len, ==, 2);
  g_assert_cmpuint (a.received->len, ==, 1);
  g_assert_cmpuint (other.received->len, ==, 0);

  peer_clear (&a);
  peer_clear (&b);
  peer_clear (&other);
}

/* A plain UDP socket in the group, standing in for anyone on the LAN. */
static GSocket *
eavesdropper_new (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (any, TAFEL_LAN_DEFAULT_PORT);
  g_autoptr(GInetAddress) group = g_inet_address_new_from_string (TAFEL_LAN_GROUP_IPV4);
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_join_multicast_group (socket, group, FALSE, "lo", &error);
  g_assert_no_error (error);
  {
    struct ip_mreqn mreq = { .imr_ifindex = (int) if_nametoindex ("lo") };
    g_assert_cmpint (setsockopt (g_socket_get_fd (socket), IPPROTO_IP, IP_MULTICAST_IF,
                                 &mreq, sizeof mreq), ==, 0);
  }
  return g_steal_pointer (&socket);
}

static void
inject (GSocket      *socket,
        const guint8 *data,
        gsize         len)
{
  g_autoptr(GInetAddress) group = g_inet_address_new_from_string (TAFEL_LAN_GROUP_IPV4);
  g_autoptr(GSocketAddress) destination = g_inet_socket_address_new (group, TAFEL_LAN_DEFAULT_PORT);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_socket_send_to (socket, destination, (const char *) data, len, NULL, &error), ==, len);
  g_assert_no_error (error);
}

static void
test_hostile_datagrams (void)
{
  guint8 id[TAFEL_BOARD_ID_BYTES], secret[TAFEL_BOARD_SECRET_BYTES];
  g_autoptr(GSocket) eve = eavesdropper_new ();
  g_autoptr(GError) error = NULL;
  Peer a = { 0 }, b = { 0 };
  guint8 captured[2048];
  gssize captured_len;
  guint8 garbage[300];

  /* Only the IPv4 loopback link is left, so every datagram reaches b
   * through one socket, in order: when the marker arrives, b has already
   * handled everything Eve injected before it. */
  g_assert_cmpint (system ("ip link set tv0 down && ip link set tv1 down"), ==, 0);

  tafel_random_bytes (id, sizeof id);
  tafel_random_bytes (secret, sizeof secret);
  peer_init (&a, id, secret);
  peer_init (&b, id, secret);
  g_assert_cmpuint (tafel_lan_beacon_get_n_links (a.beacon), ==, 1);

  send_text (&a, "genuine");
  expect (&b, "genuine");

  /* Eve saw the datagram go by; what she sees is sealed. */
  g_socket_set_timeout (eve, 5);
  captured_len = g_socket_receive (eve, (char *) captured, sizeof captured, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (captured_len, ==, 256);
  g_assert_null (memmem (captured, captured_len, "genuine", 7));

  /* She replays it, sends garbage with the right magic, a truncated copy,
   * and a copy with one bit flipped. */
  inject (eve, captured, captured_len);
  memcpy (garbage, captured, 21);
  tafel_random_bytes (garbage + 21, sizeof garbage - 21);
  inject (eve, garbage, sizeof garbage);
  inject (eve, captured, 40);
  captured[100] ^= 0x10;
  inject (eve, captured, captured_len);

  send_text (&a, "marker");
  expect (&b, "marker");
  g_assert_cmpuint (b.received->len, ==, 2);

  peer_clear (&a);
  peer_clear (&b);
}

static void
test_ipv6_only (void)
{
  guint8 id[TAFEL_BOARD_ID_BYTES], secret[TAFEL_BOARD_SECRET_BYTES];
  Peer a = { 0 }, b = { 0 };

  /* Without multicast on lo, only the IPv6 link-local path is left. */
  g_assert_cmpint (system ("ip link set lo multicast off"), ==, 0);

  tafel_random_bytes (id, sizeof id);
  tafel_random_bytes (secret, sizeof secret);
  peer_init (&a, id, secret);
  peer_init (&b, id, secret);
  g_assert_cmpuint (tafel_lan_beacon_get_n_links (a.beacon), ==, 2);

  send_text (&a, "over ipv6");
  expect (&b, "over ipv6");
  send_text (&b, "back over ipv6");
  expect (&a, "back over ipv6");

  peer_clear (&a);
  peer_clear (&b);
  g_assert_cmpint (system ("ip link set lo multicast on"), ==, 0);
}

static void
test_too_large (void)
{
  guint8 id[TAFEL_BOARD_ID_BYTES] = { 0 }, secret[TAFEL_BOARD_SECRET_BYTES] = { 0 };
  g_autoptr(TafelLanBeacon) beacon = tafel_lan_beacon_new (id, secret, 0);
  g_autofree guint8 *big = g_malloc0 (TAFEL_LAN_MAX_BODY + 1);
  g_autoptr(GBytes) body = g_bytes_new (big, TAFEL_LAN_MAX_BODY + 1);
  g_autoptr(GError) error = NULL;

  g_assert_false (tafel_lan_beacon_publish (beacon, body, &error));
  g_assert_error (error, TAFEL_LAN_ERROR, TAFEL_LAN_ERROR_TOO_LARGE);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *skip = NULL;

  if (!tafel_test_enter_private_netns (argc, argv, netns_setup, &skip))
    return tafel_test_skip_all (argc, argv, skip);

  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/lan/too-large", test_too_large);
  g_test_add_func ("/tafel/lan/exchange", test_exchange);
  g_test_add_func ("/tafel/lan/ipv6-only", test_ipv6_only);
  /* Last: it takes the IPv6 links down. */
  g_test_add_func ("/tafel/lan/hostile-datagrams", test_hostile_datagrams);

  return g_test_run ();
}
