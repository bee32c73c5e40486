/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-lan-beacon-private.h"
#include "tafel-link-private.h"
#include "tafel-mqtt-rendezvous-private.h"
#include "tafel-session-private.h"
#include "tafel-test-util.h"

/* What a rendezvous message holds, from the wire to the ICE signal, without
 * the network: the LAN beacon's datagram, the broker's message, the
 * session's envelope and the link's signalling message. Each refusal here
 * is one check of the receiving side (tests/fuzz/fuzz-envelope.c fuzzes
 * the same functions). */

static void
board (guint8 id[TAFEL_BOARD_ID_BYTES],
       guint8 secret[TAFEL_BOARD_SECRET_BYTES],
       guint8 byte)
{
  memset (id, byte, TAFEL_BOARD_ID_BYTES);
  memset (secret, byte, TAFEL_BOARD_SECRET_BYTES);
}

static GBytes *
text (const char *s)
{
  return g_bytes_new (s, strlen (s));
}

static GBytes *
open_lan (TafelLanBeacon *beacon,
          const guint8   *data,
          gsize           len)
{
  /* An exact copy, so that AddressSanitizer sees a read past its end. */
  g_autofree guint8 *copy = g_memdup2 (data, len);

  return tafel_lan_beacon_open_datagram (beacon, copy, len);
}

static void
test_lan_datagram (void)
{
  guint8 id[TAFEL_BOARD_ID_BYTES], secret[TAFEL_BOARD_SECRET_BYTES];
  g_autoptr(TafelLanBeacon) from = NULL;
  g_autoptr(TafelLanBeacon) to = NULL;
  g_autoptr(TafelLanBeacon) other = NULL;
  g_autoptr(GBytes) body = text ("a message");
  g_autoptr(GBytes) datagram = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GBytes) elsewhere = NULL;
  g_autofree guint8 *bytes = NULL;
  gsize len;

  board (id, secret, 1);
  from = tafel_lan_beacon_new (id, secret, 0);
  to = tafel_lan_beacon_new (id, secret, 0);
  board (id, secret, 2);
  other = tafel_lan_beacon_new (id, secret, 0);

  datagram = tafel_lan_beacon_seal_datagram (from, body);
  bytes = g_bytes_unref_to_data (g_bytes_ref (datagram), &len);
  g_assert_cmpuint (len, ==, 256);
  g_assert_cmpmem (bytes, 5, "TAFL\x01", 5);

  /* Another board's beacon cannot tell it is a datagram of this board. */
  elsewhere = open_lan (other, bytes, len);
  g_assert_null (elsewhere);

  /* The header: magic, version, and a length that holds it. */
  bytes[0] ^= 1;
  g_assert_null (open_lan (to, bytes, len));
  bytes[0] ^= 1;
  bytes[4] = 2;
  g_assert_null (open_lan (to, bytes, len));
  bytes[4] = 1;
  for (gsize short_len = 0; short_len < 21; short_len++)
    g_assert_null (open_lan (to, bytes, short_len));
  /* The tag. */
  bytes[5 + 15] ^= 1;
  g_assert_null (open_lan (to, bytes, len));
  bytes[5 + 15] ^= 1;

  opened = open_lan (to, bytes, len);
  g_assert_nonnull (opened);
  g_assert_true (g_bytes_equal (opened, body));
  again = open_lan (to, bytes, len);
  g_assert_null (again);
}

static void
test_mqtt_message (void)
{
  guint8 id[TAFEL_BOARD_ID_BYTES], secret[TAFEL_BOARD_SECRET_BYTES];
  g_autoptr(TafelMqttRendezvous) from = NULL;
  g_autoptr(TafelMqttRendezvous) to = NULL;
  g_autoptr(GBytes) body = text ("a message");
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *topic = NULL;

  board (id, secret, 1);
  from = tafel_mqtt_rendezvous_new ("mqtt://localhost", NULL, NULL, id, secret, &error);
  g_assert_no_error (error);
  to = tafel_mqtt_rendezvous_new ("mqtt://localhost", NULL, NULL, id, secret, &error);
  g_assert_no_error (error);
  topic = tafel_mqtt_topic_for_board (id, secret);

  sealed = tafel_mqtt_rendezvous_seal_message (from, body);
  g_assert_cmpuint (g_bytes_get_size (sealed), ==, 256);
  g_assert_null (tafel_mqtt_rendezvous_open_message (to, "tafel/v1/elsewhere", g_bytes_get_data (sealed, NULL),
                                                     g_bytes_get_size (sealed)));
  g_assert_null (tafel_mqtt_rendezvous_open_message (to, topic, g_bytes_get_data (sealed, NULL), 0));

  opened = tafel_mqtt_rendezvous_open_message (to, topic, g_bytes_get_data (sealed, NULL),
                                               g_bytes_get_size (sealed));
  g_assert_nonnull (opened);
  g_assert_true (g_bytes_equal (opened, body));
  again = tafel_mqtt_rendezvous_open_message (to, topic, g_bytes_get_data (sealed, NULL),
                                              g_bytes_get_size (sealed));
  g_assert_null (again);
}

static void
test_envelope (void)
{
  TafelPublicKey from, to;
  static const TafelPublicKey zero = { { 0 } };
  g_autoptr(GBytes) payload = text ("TL\x01 a signal");
  g_autoptr(GBytes) signal_bytes = NULL;
  g_autoptr(GBytes) announce = NULL;
  TafelRendezvousEnvelope e;
  const guint8 *data;
  gsize len;

  memset (from.bytes, 0x11, sizeof from.bytes);
  memset (to.bytes, 0x22, sizeof to.bytes);

  signal_bytes = tafel_rendezvous_envelope_build (TAFEL_ENVELOPE_SIGNAL, &from, &to, 0x0102030405060708, payload);
  data = g_bytes_get_data (signal_bytes, &len);
  g_assert_cmpuint (len, ==, TAFEL_ENVELOPE_HEADER_BYTES + g_bytes_get_size (payload));
  g_assert_true (tafel_rendezvous_envelope_parse (data, len, &e));
  g_assert_cmpuint (e.kind, ==, TAFEL_ENVELOPE_SIGNAL);
  g_assert_true (tafel_key_equal (&e.from, &from));
  g_assert_true (tafel_key_equal (&e.to, &to));
  g_assert_cmpuint (e.id, ==, 0x0102030405060708);
  g_assert_cmpmem (e.payload, e.payload_len, g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));

  announce = tafel_rendezvous_envelope_build (TAFEL_ENVELOPE_ANNOUNCE, &from, NULL, 7, NULL);
  data = g_bytes_get_data (announce, &len);
  g_assert_cmpuint (len, ==, TAFEL_ENVELOPE_HEADER_BYTES);
  g_assert_true (tafel_rendezvous_envelope_parse (data, len, &e));
  g_assert_cmpuint (e.kind, ==, TAFEL_ENVELOPE_ANNOUNCE);
  g_assert_true (tafel_key_equal (&e.to, &zero));
  g_assert_cmpuint (e.payload_len, ==, 0);

  /* A header cut anywhere is refused. */
  for (gsize cut = 0; cut < TAFEL_ENVELOPE_HEADER_BYTES; cut++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, cut);

      g_assert_false (tafel_rendezvous_envelope_parse (copy, cut, &e));
    }
}

/* The signalling message with one field changed. */
typedef struct
{
  guint8      type;
  const char *ufrag, *pwd, *known, *candidate;
} Fields;

static gboolean
parses (const Fields *f)
{
  g_autoptr(GBytes) message = tafel_link_signal_build (f->type, f->ufrag, f->pwd, f->known, f->candidate);
  g_auto(TafelLinkSignal) msg = { 0, };

  if (!tafel_link_signal_parse (message, &msg))
    return FALSE;
  g_assert_cmpuint (msg.type, ==, f->type);
  g_assert_cmpstr (msg.ufrag, ==, f->ufrag);
  g_assert_cmpstr (msg.pwd, ==, f->pwd);
  g_assert_cmpstr (msg.known, ==, f->known);
  g_assert_cmpstr (msg.candidate, ==, f->candidate);
  return TRUE;
}

static gboolean
parses_raw (const guint8 *data,
            gsize         len)
{
  g_autoptr(GBytes) message = g_bytes_new (data, len);
  g_auto(TafelLinkSignal) msg = { 0, };

  return tafel_link_signal_parse (message, &msg);
}

static void
test_link_signal (void)
{
  g_autofree char *s256 = g_strnfill (256, 'u');
  g_autofree char *s257 = g_strnfill (257, 'u');
  g_autofree char *s512 = g_strnfill (512, 'c');
  g_autofree char *s513 = g_strnfill (513, 'c');
  const Fields good = { MSG_CANDIDATE, "q9Xa", "", "h7Tr", "a=candidate:1 1 UDP 2013266431 10.0.0.2 5000 typ host" };
  Fields f;
  g_autoptr(GBytes) message = NULL;
  g_autofree guint8 *bytes = NULL;
  guint8 *candidate;
  gsize len;

  for (guint8 type = MSG_CREDENTIALS; type <= MSG_RESTART_REQUEST; type++)
    {
      f = good;
      f.type = type;
      g_assert_true (parses (&f));
    }
  f = good, f.type = 0;
  g_assert_false (parses (&f));
  f = good, f.type = MSG_RESTART_REQUEST + 1;
  g_assert_false (parses (&f));

  /* The strings' limits, on either side. */
  f = good, f.ufrag = "";
  g_assert_false (parses (&f));
  f = good, f.ufrag = s256;
  g_assert_true (parses (&f));
  f = good, f.ufrag = s257;
  g_assert_false (parses (&f));
  f = good, f.pwd = s256;
  g_assert_true (parses (&f));
  f = good, f.pwd = s257;
  g_assert_false (parses (&f));
  f = good, f.known = s256;
  g_assert_true (parses (&f));
  f = good, f.known = s257;
  g_assert_false (parses (&f));
  f = good, f.candidate = s512;
  g_assert_true (parses (&f));
  f = good, f.candidate = s513;
  g_assert_false (parses (&f));

  /* The header, and the GVariant's normal form. */
  message = tafel_link_signal_build (good.type, good.ufrag, good.pwd, good.known, good.candidate);
  bytes = g_bytes_unref_to_data (g_steal_pointer (&message), &len);
  g_assert_true (parses_raw (bytes, len));
  for (gsize cut = 0; cut < 3; cut++)
    {
      g_autofree guint8 *copy = g_memdup2 (bytes, cut);

      g_assert_false (parses_raw (copy, cut));
    }
  bytes[0] = 'X';
  g_assert_false (parses_raw (bytes, len));
  bytes[0] = 'T';
  bytes[2] = 2;
  g_assert_false (parses_raw (bytes, len));
  bytes[2] = 1;
  /* A candidate that is not UTF-8 is not in normal form (GVariant would
   * read it as "", which is a valid candidate). */
  candidate = memmem (bytes, len, good.candidate, strlen (good.candidate));
  g_assert_nonnull (candidate);
  candidate[0] = 0xff;
  g_assert_false (parses_raw (bytes, len));
  candidate[0] = good.candidate[0];
  g_assert_true (parses_raw (bytes, len));
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/envelope/lan-datagram", test_lan_datagram);
  g_test_add_func ("/tafel/envelope/mqtt-message", test_mqtt_message);
  g_test_add_func ("/tafel/envelope/envelope", test_envelope);
  g_test_add_func ("/tafel/envelope/link-signal", test_link_signal);

  return g_test_run ();
}
