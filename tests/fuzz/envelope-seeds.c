/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-core.h"
#include "tafel-lan-beacon-private.h"
#include "tafel-link-private.h"
#include "tafel-mqtt-rendezvous-private.h"
#include "tafel-session-private.h"

/* Writes the seeds of fuzz-envelope into a folder, made by the functions
 * the sending side uses: each kind of signalling message as libnice's
 * strings look, in an envelope as the session sends it, and a few of them
 * as they go on the wire (a LAN datagram, an MQTT message), sealed with the
 * board key of fuzz-envelope.c.
 *   envelope-seeds tests/fuzz/corpus/fuzz-envelope */

#define BOARD_BYTE  7

static const char *folder;

static void
save (const char *name,
      GBytes     *bytes)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    g_error ("%s", error->message);
}

int
main (int    argc,
      char **argv)
{
  static const struct
  {
    const char *name;
    guint8      type;
    const char *ufrag, *pwd, *known, *candidate;
  } signals[] = {
    { "credentials", MSG_CREDENTIALS, "q9Xa", "3kQ0Jd8Bv1mWn2tLx5ZcYp", "", "" },
    { "credentials-known", MSG_CREDENTIALS, "q9Xa", "3kQ0Jd8Bv1mWn2tLx5ZcYp", "h7Tr", "" },
    { "candidate-host", MSG_CANDIDATE, "q9Xa", "", "h7Tr",
      "a=candidate:1 1 UDP 2013266431 192.168.1.20 50617 typ host" },
    { "candidate-host6", MSG_CANDIDATE, "q9Xa", "", "h7Tr",
      "a=candidate:2 1 UDP 2013266430 fe80::1c2b:3aff:fe4d:5e6f 41234 typ host" },
    { "candidate-srflx", MSG_CANDIDATE, "q9Xa", "", "",
      "a=candidate:3 1 UDP 1677721855 203.0.113.7 61001 typ srflx raddr 192.168.1.20 rport 50617" },
    { "candidate-relay", MSG_CANDIDATE, "q9Xa", "", "h7Tr",
      "a=candidate:4 1 UDP 33562367 198.51.100.3 49152 typ relay raddr 203.0.113.7 rport 61001" },
    { "end-of-candidates", MSG_END_OF_CANDIDATES, "q9Xa", "", "h7Tr", "" },
    { "restart", MSG_RESTART, "Vw2e", "Pq8sLm3nB5vC1xZ7aK0dRt", "h7Tr", "q9Xa" },
    { "restart-request", MSG_RESTART_REQUEST, "h7Tr", "", "q9Xa", "" },
  };
  guint8 id[TAFEL_BOARD_ID_BYTES], secret[TAFEL_BOARD_SECRET_BYTES];
  TafelPublicKey from, to;
  g_autoptr(TafelLanBeacon) lan = NULL;
  g_autoptr(TafelMqttRendezvous) mqtt = NULL;
  g_autoptr(GError) error = NULL;

  if (argc != 2)
    g_error ("usage: envelope-seeds FOLDER");
  folder = argv[1];
  if (!tafel_core_init (&error))
    g_error ("%s", error->message);

  memset (id, BOARD_BYTE, sizeof id);
  memset (secret, BOARD_BYTE, sizeof secret);
  lan = tafel_lan_beacon_new (id, secret, 0);
  mqtt = tafel_mqtt_rendezvous_new ("mqtt://localhost", NULL, NULL, id, secret, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < TAFEL_PUBLIC_KEY_BYTES; i++)
    {
      from.bytes[i] = 0x10 + i;
      to.bytes[i] = 0xa0 + i;
    }

  {
    g_autoptr(GBytes) announce = tafel_rendezvous_envelope_build (TAFEL_ENVELOPE_ANNOUNCE, &from, NULL,
                                                                  G_GUINT64_CONSTANT (0x1122334455667788),
                                                                  NULL);
    g_autoptr(GBytes) datagram = tafel_lan_beacon_seal_datagram (lan, announce);
    g_autoptr(GBytes) sealed = tafel_mqtt_rendezvous_seal_message (mqtt, announce);

    save ("announce", announce);
    save ("lan-datagram-announce", datagram);
    save ("mqtt-message-announce", sealed);
  }

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      g_autoptr(GBytes) message = tafel_link_signal_build (signals[i].type, signals[i].ufrag, signals[i].pwd,
                                                           signals[i].known, signals[i].candidate);
      g_autoptr(GBytes) envelope = tafel_rendezvous_envelope_build (TAFEL_ENVELOPE_SIGNAL, &from, &to,
                                                                    G_GUINT64_CONSTANT (0x0102030405060700) + i,
                                                                    message);
      g_autofree char *signal_name = g_strconcat ("signal-", signals[i].name, NULL);
      g_autofree char *envelope_name = g_strconcat ("envelope-", signals[i].name, NULL);
      g_auto(TafelLinkSignal) parsed = { 0, };

      if (!tafel_link_signal_parse (message, &parsed))
        g_error ("The seed %s does not parse", signals[i].name);
      save (signal_name, message);
      save (envelope_name, envelope);
      if (signals[i].type == MSG_CREDENTIALS)
        {
          g_autoptr(GBytes) datagram = tafel_lan_beacon_seal_datagram (lan, envelope);
          g_autoptr(GBytes) sealed = tafel_mqtt_rendezvous_seal_message (mqtt, envelope);
          g_autofree char *datagram_name = g_strconcat ("lan-datagram-", signals[i].name, NULL);
          g_autofree char *sealed_name = g_strconcat ("mqtt-message-", signals[i].name, NULL);

          save (datagram_name, datagram);
          save (sealed_name, sealed);
        }
    }

  return 0;
}
