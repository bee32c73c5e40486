/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tafel-crypto.h"
#include "tafel-mqtt-rendezvous.h"

#include "tafel-net-test-util.h"
#include "tafel-test-util.h"

typedef struct
{
  TafelMqttRendezvous *rdv;
  GPtrArray           *received;  /* GBytes */
} Peer;

typedef struct
{
  TafelTestBroker *broker;
  guint8           board_id[TAFEL_BOARD_ID_BYTES];
  guint8           secret[TAFEL_BOARD_SECRET_BYTES];
  Peer             a, b;
} Fixture;

static void
on_message (TafelMqttRendezvous *rdv,
            GBytes              *body,
            Peer                *peer)
{
  g_ptr_array_add (peer->received, g_bytes_ref (body));
}

static void
peer_init (Peer                *peer,
           Fixture             *fixture,
           const char          *username,
           const char          *password,
           const char          *ca_file)
{
  g_autoptr(GError) error = NULL;

  peer->rdv = tafel_mqtt_rendezvous_new (tafel_test_broker_get_url (fixture->broker),
                                         username, password,
                                         fixture->board_id, fixture->secret, &error);
  g_assert_no_error (error);
  if (ca_file != NULL)
    tafel_mqtt_rendezvous_set_ca_file (peer->rdv, ca_file);
  tafel_mqtt_rendezvous_set_max_backoff (peer->rdv, 1000);
  peer->received = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_signal_connect (peer->rdv, "message", G_CALLBACK (on_message), peer);
}

static void
peer_clear (Peer *peer)
{
  if (peer->rdv != NULL)
    tafel_mqtt_rendezvous_stop (peer->rdv);
  g_clear_object (&peer->rdv);
  g_clear_pointer (&peer->received, g_ptr_array_unref);
}

static gboolean
is_connected (gpointer data)
{
  return tafel_mqtt_rendezvous_get_status (((Peer *) data)->rdv) == TAFEL_MQTT_STATUS_CONNECTED;
}

static gboolean
is_not_connected (gpointer data)
{
  return tafel_mqtt_rendezvous_get_status (((Peer *) data)->rdv) != TAFEL_MQTT_STATUS_CONNECTED;
}

static gboolean
has_error (gpointer data)
{
  return tafel_mqtt_rendezvous_get_last_error (((Peer *) data)->rdv) != NULL;
}

typedef struct { Peer *peer; guint count; } CountWait;

static gboolean
received_at_least (gpointer data)
{
  CountWait *w = data;
  return w->peer->received->len >= w->count;
}

static void
connect_peer (Peer *peer)
{
  tafel_mqtt_rendezvous_start (peer->rdv);
  g_assert_true (tafel_test_wait_until (is_connected, peer, 10000));
}

static void
send_text (Peer       *peer,
           const char *text)
{
  g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;

  g_assert_true (tafel_mqtt_rendezvous_publish (peer->rdv, body, &error));
  g_assert_no_error (error);
}

static void
assert_received (Peer       *peer,
                 guint       index,
                 const char *text)
{
  GBytes *body;

  g_assert_cmpuint (peer->received->len, >, index);
  body = peer->received->pdata[index];
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), text, strlen (text));
}

/* Sends from @from and waits for it at @to: a subscription on the broker is
 * asynchronous, so retry a few times until the first message goes through. */
static void
exchange (Peer       *from,
          Peer       *to,
          const char *text)
{
  CountWait w = { to, to->received->len + 1 };

  for (int attempt = 0; attempt < 20; attempt++)
    {
      send_text (from, text);
      if (tafel_test_wait_until (received_at_least, &w, 500))
        break;
    }
  g_assert_cmpuint (to->received->len, ==, w.count);
  assert_received (to, w.count - 1, text);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  TafelTestBrokerFlags flags = GPOINTER_TO_INT (data);
  g_autofree char *skip = NULL;

  fixture->broker = tafel_test_broker_start (flags, &skip);
  if (fixture->broker == NULL)
    {
      g_test_skip (skip);
      return;
    }
  tafel_random_bytes (fixture->board_id, sizeof fixture->board_id);
  tafel_random_bytes (fixture->secret, sizeof fixture->secret);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  peer_clear (&fixture->a);
  peer_clear (&fixture->b);
  g_clear_pointer (&fixture->broker, tafel_test_broker_free);
}

static void
test_exchange (Fixture       *fixture,
               gconstpointer  data)
{
  Peer other = { 0 };
  g_autoptr(GError) error = NULL;
  guint8 other_secret[TAFEL_BOARD_SECRET_BYTES];

  if (fixture->broker == NULL)
    return;

  peer_init (&fixture->a, fixture, NULL, NULL, NULL);
  peer_init (&fixture->b, fixture, NULL, NULL, NULL);

  /* Same board id, different secret: another board as far as anyone knows. */
  tafel_random_bytes (other_secret, sizeof other_secret);
  other.rdv = tafel_mqtt_rendezvous_new (tafel_test_broker_get_url (fixture->broker), NULL, NULL,
                                         fixture->board_id, other_secret, &error);
  g_assert_no_error (error);
  other.received = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_signal_connect (other.rdv, "message", G_CALLBACK (on_message), &other);

  connect_peer (&fixture->a);
  connect_peer (&fixture->b);
  connect_peer (&other);

  exchange (&fixture->a, &fixture->b, "hello from a");
  exchange (&fixture->b, &fixture->a, "hello from b");
  /* Own echoes are dropped, and the other board hears nothing of ours:
   * once b got a's second message, a message for "other" would have come. */
  send_text (&other, "to myself");
  exchange (&fixture->a, &fixture->b, "hello again from a");
  g_assert_cmpuint (other.received->len, ==, 0);
  /* a never hears its own messages, b only a's: no echoes, no duplicates. */
  for (guint i = 0; i < fixture->a.received->len; i++)
    assert_received (&fixture->a, i, "hello from b");
  for (guint i = 0; i + 1 < fixture->b.received->len; i++)
    assert_received (&fixture->b, i, "hello from a");

  peer_clear (&other);
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* A connected rendezvous with nothing to do lets the main loop sleep: it
 * wakes the loop only for its own timers and the broker's traffic. (It
 * once woke the loop from every iteration, keeping a core busy.) */
static void
test_idle_sleeps (Fixture       *fixture,
                  gconstpointer  data)
{
  gboolean done = FALSE;
  guint iterations = 0;

  if (fixture->broker == NULL)
    return;

  peer_init (&fixture->a, fixture, NULL, NULL, NULL);
  peer_init (&fixture->b, fixture, NULL, NULL, NULL);
  connect_peer (&fixture->a);
  connect_peer (&fixture->b);
  exchange (&fixture->a, &fixture->b, "settled");

  g_timeout_add (1000, set_flag, &done);
  while (!done && iterations < 1000000)
    {
      g_main_context_iteration (NULL, TRUE);
      iterations++;
    }
  g_test_message ("%u main loop iterations in one idle second", iterations);
  g_assert_cmpuint (iterations, <, 100);
}

static void
test_not_connected (void)
{
  guint8 id[TAFEL_BOARD_ID_BYTES] = { 0 }, secret[TAFEL_BOARD_SECRET_BYTES] = { 0 };
  g_autoptr(TafelMqttRendezvous) rdv = NULL;
  g_autoptr(GBytes) body = g_bytes_new_static ("x", 1);
  g_autoptr(GError) error = NULL;

  rdv = tafel_mqtt_rendezvous_new ("http://example.org", NULL, NULL, id, secret, &error);
  g_assert_null (rdv);
  g_assert_error (error, TAFEL_MQTT_ERROR, TAFEL_MQTT_ERROR_BAD_URL);
  g_clear_error (&error);

  rdv = tafel_mqtt_rendezvous_new ("mqtt://127.0.0.1:9", NULL, NULL, id, secret, &error);
  g_assert_no_error (error);
  g_assert_false (tafel_mqtt_rendezvous_publish (rdv, body, &error));
  g_assert_error (error, TAFEL_MQTT_ERROR, TAFEL_MQTT_ERROR_NOT_CONNECTED);
}

/* Runs a mosquitto client program to completion (bounded). */
static void
run_client (const char * const *argv,
            char              **out)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static gboolean
child_exited (gpointer data)
{
  GPid pid = *(GPid *) data;
  int status;

  return waitpid (pid, &status, WNOHANG) == pid;
}

static void
test_hostile_messages (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *mosquitto_pub = g_find_program_in_path ("mosquitto_pub");
  g_autofree char *mosquitto_sub = g_find_program_in_path ("mosquitto_sub");
  g_autofree char *topic = NULL;
  g_autofree char *port = NULL;
  g_autofree char *captured_path = NULL;
  g_autofree char *foreign_path = NULL;
  g_autofree char *captured = NULL;
  gsize captured_len = 0;
  GPid sub_pid;
  int sub_out;
  g_autoptr(GError) error = NULL;
  guint received_before;

  if (fixture->broker == NULL)
    return;
  if (mosquitto_pub == NULL || mosquitto_sub == NULL)
    {
      g_test_skip ("mosquitto_pub and mosquitto_sub are not installed");
      return;
    }

  peer_init (&fixture->a, fixture, NULL, NULL, NULL);
  peer_init (&fixture->b, fixture, NULL, NULL, NULL);
  connect_peer (&fixture->a);
  connect_peer (&fixture->b);
  exchange (&fixture->a, &fixture->b, "warm-up");

  topic = tafel_mqtt_topic_for_board (fixture->board_id, fixture->secret);
  port = g_strdup_printf ("%u", tafel_test_broker_get_port (fixture->broker));

  /* Capture a genuine message off the wire, as an eavesdropper would. */
  {
    const char *argv[] = { "mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-t", topic,
                           "-C", "1", "-N", NULL };
    g_autoptr(GIOChannel) channel = NULL;
    CountWait w = { &fixture->b, fixture->b.received->len + 1 };

    g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                             G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                             tafel_test_child_dies_with_parent, GINT_TO_POINTER (getpid ()),
                                             &sub_pid, NULL, &sub_out, NULL, &error));
    g_assert_no_error (error);

    /* mosquitto_sub subscribes asynchronously: publish until it has one. */
    for (int attempt = 0; attempt < 40 && !child_exited (&sub_pid); attempt++)
      {
        send_text (&fixture->a, "genuine");
        tafel_test_wait_until (child_exited, &sub_pid, 250);
      }
    g_spawn_close_pid (sub_pid);
    channel = g_io_channel_unix_new (sub_out);
    g_io_channel_set_close_on_unref (channel, TRUE);
    g_io_channel_set_encoding (channel, NULL, NULL);
    g_assert_cmpint (g_io_channel_read_to_end (channel, &captured, &captured_len, &error), ==, G_IO_STATUS_NORMAL);
    g_assert_cmpuint (captured_len, ==, 256);  /* a short body lands in the smallest bucket */

    g_assert_true (tafel_test_wait_until (received_at_least, &w, 5000));
  }

  captured_path = g_build_filename (g_get_tmp_dir (), "tafel-captured-XXXXXX", NULL);
  g_close (g_mkstemp (captured_path), NULL);
  g_assert_true (g_file_set_contents (captured_path, captured, captured_len, NULL));

  /* A message sealed for another board, published on this board's topic. */
  {
    guint8 other_key[TAFEL_KEY_BYTES];
    guint8 plain[256 - TAFEL_AEAD_NONCE_BYTES - TAFEL_AEAD_TAG_BYTES] = { 1 };
    g_autoptr(GBytes) sealed = NULL;

    tafel_random_bytes (other_key, sizeof other_key);
    sealed = tafel_aead_seal (other_key, topic, strlen (topic), plain, sizeof plain);
    foreign_path = g_build_filename (g_get_tmp_dir (), "tafel-foreign-XXXXXX", NULL);
    g_close (g_mkstemp (foreign_path), NULL);
    g_assert_true (g_file_set_contents (foreign_path, g_bytes_get_data (sealed, NULL),
                                        g_bytes_get_size (sealed), NULL));
  }

  received_before = fixture->b.received->len;
  {
    const char *garbage[] = { "mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-t", topic,
                              "-m", "this is not a tafel message", NULL };
    const char *empty[] = { "mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-t", topic,
                            "-n", NULL };
    const char *replay[] = { "mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-t", topic,
                             "-f", captured_path, NULL };
    const char *foreign[] = { "mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-t", topic,
                              "-f", foreign_path, NULL };

    run_client (garbage, NULL);
    run_client (empty, NULL);
    run_client (replay, NULL);
    run_client (foreign, NULL);
  }

  /* The broker handled those before this one; once it arrives, none of
   * them did. */
  {
    CountWait w = { &fixture->b, received_before + 1 };

    send_text (&fixture->a, "marker");
    g_assert_true (tafel_test_wait_until (received_at_least, &w, 5000));
    g_assert_cmpuint (fixture->b.received->len, ==, received_before + 1);
    assert_received (&fixture->b, received_before, "marker");
  }

  g_unlink (captured_path);
  g_unlink (foreign_path);
}

static void
test_bucket_sizes (Fixture       *fixture,
                   gconstpointer  data)
{
  static const gsize sizes[] = { 0, 1, 200, 221, 222, 900, 3968 };
  g_autofree guint8 *big = g_malloc0 (TAFEL_MQTT_MAX_BODY + 1);
  g_autoptr(GBytes) too_big = NULL;
  g_autoptr(GError) error = NULL;

  if (fixture->broker == NULL)
    return;

  peer_init (&fixture->a, fixture, NULL, NULL, NULL);
  peer_init (&fixture->b, fixture, NULL, NULL, NULL);
  connect_peer (&fixture->a);
  connect_peer (&fixture->b);
  exchange (&fixture->a, &fixture->b, "warm-up");

  /* Bodies of every size arrive whole. */
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GBytes) body = NULL;
      CountWait w = { &fixture->b, fixture->b.received->len + 1 };
      GBytes *got;

      g_test_message ("sending %" G_GSIZE_FORMAT " bytes", sizes[i]);
      tafel_random_bytes (big, sizes[i]);
      body = g_bytes_new (big, sizes[i]);
      g_assert_true (tafel_mqtt_rendezvous_publish (fixture->a.rdv, body, &error));
      g_assert_no_error (error);
      g_assert_true (tafel_test_wait_until (received_at_least, &w, 5000));
      g_test_message ("body of %" G_GSIZE_FORMAT " bytes arrived", sizes[i]);
      got = fixture->b.received->pdata[w.count - 1];
      g_assert_true (g_bytes_equal (got, body));
    }

  too_big = g_bytes_new (big, TAFEL_MQTT_MAX_BODY + 1);
  g_assert_false (tafel_mqtt_rendezvous_publish (fixture->a.rdv, too_big, &error));
  g_assert_error (error, TAFEL_MQTT_ERROR, TAFEL_MQTT_ERROR_TOO_LARGE);
}

static void
test_broker_restart (Fixture       *fixture,
                     gconstpointer  data)
{
  if (fixture->broker == NULL)
    return;

  peer_init (&fixture->a, fixture, NULL, NULL, NULL);
  peer_init (&fixture->b, fixture, NULL, NULL, NULL);
  connect_peer (&fixture->a);
  connect_peer (&fixture->b);
  exchange (&fixture->a, &fixture->b, "before");

  tafel_test_broker_stop (fixture->broker);
  g_assert_true (tafel_test_wait_until (is_not_connected, &fixture->a, 10000));
  g_assert_true (tafel_test_wait_until (is_not_connected, &fixture->b, 10000));
  g_assert_nonnull (tafel_mqtt_rendezvous_get_last_error (fixture->a.rdv));

  g_assert_true (tafel_test_broker_restart (fixture->broker));
  g_assert_true (tafel_test_wait_until (is_connected, &fixture->a, 15000));
  g_assert_true (tafel_test_wait_until (is_connected, &fixture->b, 15000));
  g_assert_null (tafel_mqtt_rendezvous_get_last_error (fixture->a.rdv));

  exchange (&fixture->a, &fixture->b, "after");
  exchange (&fixture->b, &fixture->a, "and back");
}

static void
test_password (Fixture       *fixture,
               gconstpointer  data)
{
  Peer wrong = { 0 };

  if (fixture->broker == NULL)
    return;

  peer_init (&wrong, fixture, "tafel", "cheese", NULL);
  tafel_mqtt_rendezvous_start (wrong.rdv);
  g_assert_true (tafel_test_wait_until (has_error, &wrong, 10000));
  g_test_message ("wrong password: %s", tafel_mqtt_rendezvous_get_last_error (wrong.rdv));
  g_assert_nonnull (strstr (tafel_mqtt_rendezvous_get_last_error (wrong.rdv), "refused"));
  g_assert_cmpint (tafel_mqtt_rendezvous_get_status (wrong.rdv), !=, TAFEL_MQTT_STATUS_CONNECTED);
  peer_clear (&wrong);

  peer_init (&fixture->a, fixture, "tafel", "chalk", NULL);
  peer_init (&fixture->b, fixture, "tafel", "chalk", NULL);
  connect_peer (&fixture->a);
  connect_peer (&fixture->b);
  exchange (&fixture->a, &fixture->b, "with a password");
}

static void
test_tls (Fixture       *fixture,
          gconstpointer  data)
{
  Peer untrusting = { 0 };

  if (fixture->broker == NULL)
    return;

  /* Without the test CA the broker's certificate is not trusted. */
  peer_init (&untrusting, fixture, NULL, NULL, NULL);
  tafel_mqtt_rendezvous_start (untrusting.rdv);
  g_assert_true (tafel_test_wait_until (has_error, &untrusting, 10000));
  g_test_message ("untrusted: %s", tafel_mqtt_rendezvous_get_last_error (untrusting.rdv));
  g_assert_cmpint (tafel_mqtt_rendezvous_get_status (untrusting.rdv), !=, TAFEL_MQTT_STATUS_CONNECTED);
  peer_clear (&untrusting);

  peer_init (&fixture->a, fixture, NULL, NULL, tafel_test_broker_get_ca_file (fixture->broker));
  peer_init (&fixture->b, fixture, NULL, NULL, tafel_test_broker_get_ca_file (fixture->broker));
  connect_peer (&fixture->a);
  connect_peer (&fixture->b);
  exchange (&fixture->a, &fixture->b, "over tls");
  exchange (&fixture->b, &fixture->a, "and back over tls");
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

#define ADD(path, flags, func) \
  g_test_add (path, Fixture, GINT_TO_POINTER (flags), fixture_setup, func, fixture_teardown)

  g_test_add_func ("/tafel/mqtt/not-connected", test_not_connected);
  ADD ("/tafel/mqtt/exchange", TAFEL_TEST_BROKER_PLAIN, test_exchange);
  ADD ("/tafel/mqtt/idle-sleeps", TAFEL_TEST_BROKER_PLAIN, test_idle_sleeps);
  ADD ("/tafel/mqtt/hostile-messages", TAFEL_TEST_BROKER_PLAIN, test_hostile_messages);
  ADD ("/tafel/mqtt/bucket-sizes", TAFEL_TEST_BROKER_PLAIN, test_bucket_sizes);
  ADD ("/tafel/mqtt/broker-restart", TAFEL_TEST_BROKER_PLAIN, test_broker_restart);
  ADD ("/tafel/mqtt/password", TAFEL_TEST_BROKER_PASSWORD, test_password);
  ADD ("/tafel/mqtt/tls", TAFEL_TEST_BROKER_TLS, test_tls);

  return g_test_run ();
}
