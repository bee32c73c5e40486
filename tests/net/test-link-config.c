/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-link-config.h"
#include "tafel-test-util.h"

/* Accepted (y_) and refused (n_) STUN addresses and TURN URLs. */

typedef struct
{
  const char *text;
  const char *host;
  guint16     port;
  TafelTurnTransport transport;
} Case;

static const Case y_stun[] = {
  { "stun.example.org", "stun.example.org", 3478 },
  { "stun.example.org:19302", "stun.example.org", 19302 },
  { "127.0.0.1:3478", "127.0.0.1", 3478 },
  { "192.0.2.7", "192.0.2.7", 3478 },
  { "[::1]:5000", "::1", 5000 },
  { "::1", "::1", 3478 },
};

static const char *n_stun[] = {
  "", ":3478", "host:0", "host:65536", "host:port", "stun://host", "user@host",
  "host name", "[::1", "ho$t",
};

static const Case y_turn[] = {
  { "turn:turn.example.org", "turn.example.org", 3478, TAFEL_TURN_UDP },
  { "turn:turn.example.org:3479", "turn.example.org", 3479, TAFEL_TURN_UDP },
  { "turn:127.0.0.1?transport=udp", "127.0.0.1", 3478, TAFEL_TURN_UDP },
  { "turn:127.0.0.1:80?transport=tcp", "127.0.0.1", 80, TAFEL_TURN_TCP },
  { "turns:turn.example.org", "turn.example.org", 5349, TAFEL_TURN_TLS },
  { "turns:turn.example.org:443?transport=tcp", "turn.example.org", 443, TAFEL_TURN_TLS },
  { "turn:[2001:db8::1]:3478", "2001:db8::1", 3478, TAFEL_TURN_UDP },
};

static const char *n_turn[] = {
  "", "turn:", "stun:host", "turn:host?transport=sctp", "turns:host?transport=udp",
  "turn:host:0", "turn:host?foo=bar", "turn:user:pass@host", "host:3478", "turn:host:99999",
  "turn://u:p@", "turn://u:p@host/path", "turn://u:p@host?transport=sctp", "stun://u:p@host",
  "turn://u:p@host:0", "turn://u:p@host#frag", "turns://u:p@host?transport=udp",
};

/* With credentials in the URL (and none given apart). */
static const struct
{
  const char *text;
  const char *host;
  guint16     port;
  TafelTurnTransport transport;
  const char *username;
  const char *password;
} y_turn_uri[] = {
  { "turn://alice:s3cret@turn.example.org", "turn.example.org", 3478, TAFEL_TURN_UDP, "alice", "s3cret" },
  { "turn://alice:s3cret@127.0.0.1:3479?transport=tcp", "127.0.0.1", 3479, TAFEL_TURN_TCP, "alice", "s3cret" },
  { "turns://bob:p%40ss@turn.example.org:443", "turn.example.org", 443, TAFEL_TURN_TLS, "bob", "p@ss" },
  { "turn://carol:x@[::1]:5000", "::1", 5000, TAFEL_TURN_UDP, "carol", "x" },
};

/* No credentials anywhere. */
static const char *n_turn_uri[] = {
  "turn://host", "turn://user@host",
};

static void
test_stun (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (y_stun); i++)
    {
      g_autoptr(TafelLinkConfig) config = tafel_link_config_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("y_stun %s", y_stun[i].text);
      g_assert_true (tafel_link_config_set_stun (config, y_stun[i].text, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (tafel_link_config_get_stun_host (config), ==, y_stun[i].host);
      g_assert_cmpuint (tafel_link_config_get_stun_port (config), ==, y_stun[i].port);
    }

  for (guint i = 0; i < G_N_ELEMENTS (n_stun); i++)
    {
      g_autoptr(TafelLinkConfig) config = tafel_link_config_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("n_stun %s", n_stun[i]);
      g_assert_false (tafel_link_config_set_stun (config, n_stun[i], &error));
      g_assert_error (error, TAFEL_LINK_CONFIG_ERROR, TAFEL_LINK_CONFIG_ERROR_BAD_ADDRESS);
      g_assert_nonnull (strstr (error->message, n_stun[i]));
      g_assert_null (tafel_link_config_get_stun_host (config));
    }
}

static void
test_turn (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (y_turn); i++)
    {
      g_autoptr(TafelLinkConfig) config = tafel_link_config_new ();
      g_autoptr(GError) error = NULL;
      const TafelTurnServer *server;

      g_test_message ("y_turn %s", y_turn[i].text);
      g_assert_true (tafel_link_config_add_turn (config, y_turn[i].text, "user", "pass", &error));
      g_assert_no_error (error);
      g_assert_cmpuint (tafel_link_config_get_n_turn_servers (config), ==, 1);
      server = tafel_link_config_get_turn_server (config, 0);
      g_assert_cmpstr (server->host, ==, y_turn[i].host);
      g_assert_cmpuint (server->port, ==, y_turn[i].port);
      g_assert_cmpint (server->transport, ==, y_turn[i].transport);
      g_assert_cmpstr (server->username, ==, "user");
      g_assert_cmpstr (server->password, ==, "pass");
    }

  for (guint i = 0; i < G_N_ELEMENTS (n_turn); i++)
    {
      g_autoptr(TafelLinkConfig) config = tafel_link_config_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("n_turn %s", n_turn[i]);
      g_assert_false (tafel_link_config_add_turn (config, n_turn[i], "user", "pass", &error));
      g_assert_error (error, TAFEL_LINK_CONFIG_ERROR, TAFEL_LINK_CONFIG_ERROR_BAD_URL);
      g_assert_cmpuint (tafel_link_config_get_n_turn_servers (config), ==, 0);
    }
}

static void
test_turn_uri (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (y_turn_uri); i++)
    {
      g_autoptr(TafelLinkConfig) config = tafel_link_config_new ();
      g_autoptr(GError) error = NULL;
      const TafelTurnServer *server;

      g_test_message ("y_turn_uri %s", y_turn_uri[i].text);
      g_assert_true (tafel_link_config_add_turn (config, y_turn_uri[i].text, NULL, NULL, &error));
      g_assert_no_error (error);
      server = tafel_link_config_get_turn_server (config, 0);
      g_assert_cmpstr (server->host, ==, y_turn_uri[i].host);
      g_assert_cmpuint (server->port, ==, y_turn_uri[i].port);
      g_assert_cmpint (server->transport, ==, y_turn_uri[i].transport);
      g_assert_cmpstr (server->username, ==, y_turn_uri[i].username);
      g_assert_cmpstr (server->password, ==, y_turn_uri[i].password);
    }

  for (guint i = 0; i < G_N_ELEMENTS (n_turn_uri); i++)
    {
      g_autoptr(TafelLinkConfig) config = tafel_link_config_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("n_turn_uri %s", n_turn_uri[i]);
      g_assert_false (tafel_link_config_add_turn (config, n_turn_uri[i], NULL, NULL, &error));
      g_assert_error (error, TAFEL_LINK_CONFIG_ERROR, TAFEL_LINK_CONFIG_ERROR_BAD_URL);
    }

  /* Credentials given apart win over the URL's. */
  {
    g_autoptr(TafelLinkConfig) config = tafel_link_config_new ();

    g_assert_true (tafel_link_config_add_turn (config, "turn://a:b@host", "c", "d", NULL));
    g_assert_cmpstr (tafel_link_config_get_turn_server (config, 0)->username, ==, "c");
    g_assert_cmpstr (tafel_link_config_get_turn_server (config, 0)->password, ==, "d");
  }
}

static void
test_local_addresses (void)
{
  g_autoptr(TafelLinkConfig) config = tafel_link_config_new ();
  g_autoptr(GError) error = NULL;
  const char *good[] = { "127.0.0.1", "::1", NULL };
  const char *bad[] = { "127.0.0.1", "localhost", NULL };

  g_assert_true (tafel_link_config_set_local_addresses (config, good, &error));
  g_assert_cmpstrv (tafel_link_config_get_local_addresses (config), good);
  g_assert_false (tafel_link_config_set_local_addresses (config, bad, &error));
  g_assert_error (error, TAFEL_LINK_CONFIG_ERROR, TAFEL_LINK_CONFIG_ERROR_BAD_ADDRESS);
  /* Unchanged by the refused call. */
  g_assert_cmpstrv (tafel_link_config_get_local_addresses (config), good);
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/link-config/stun", test_stun);
  g_test_add_func ("/tafel/link-config/turn", test_turn);
  g_test_add_func ("/tafel/link-config/turn-uri", test_turn_uri);
  g_test_add_func ("/tafel/link-config/local-addresses", test_local_addresses);

  return g_test_run ();
}
