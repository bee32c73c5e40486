/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tafel-core.h"
#include "tafel-lan-beacon-private.h"
#include "tafel-link-private.h"
#include "tafel-mqtt-rendezvous-private.h"
#include "tafel-session-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* What a peer finds on the MQTT broker's topic or the LAN beacon's port,
 * through the functions the network code calls, in three readings of each
 * input:
 *
 * 1. As it arrives: a datagram at the beacon
 *    (tafel_lan_beacon_open_datagram(): magic, version, the board's tag,
 *    the sealed message) and a message on the board's topic
 *    (tafel_mqtt_rendezvous_open_message()). Nothing opens twice, and what
 *    opens is read as in 2 (without the board secret nothing opens, so
 *    this reaches past the sealing only with a seed made minutes ago).
 * 2. As an opened body, the rendezvous envelope the session reads
 *    (tafel_rendezvous_envelope_parse()) and, in a signal, the link's
 *    signalling message (tafel_link_signal_parse()). What parses encodes
 *    back to the same bytes (the envelope is fixed fields, the signal a
 *    GVariant in normal form), and the signal's strings are within their
 *    limits. The body also goes through both media: sealed by one peer's
 *    beacon and rendezvous, opened by another's, it comes back exactly.
 * 3. As fields: a signal and an envelope built by the sending side's
 *    functions from fields the input gives (strings of any length and
 *    content), parsed back by the receiving side's: each field is what was
 *    built, and a signal is refused exactly when a string is out of its
 *    limits or the type is unknown. */

#define BOARD_BYTE  7

static const char *const mqtt_url = "mqtt://localhost";

/* A dropped message is logged at debug level, thousands a second: only
 * warnings and worse are shown. */
static GLogWriterOutput
quiet (GLogLevelFlags   level,
       const GLogField *fields,
       gsize            n_fields,
       gpointer         user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

/* A broken rule: abort(), which libFuzzer catches and keeps the input for
 * (g_error() raises SIGTRAP, which it does not). */
static void G_GNUC_NORETURN G_GNUC_PRINTF (1, 2)
fail (const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  abort ();
}

/* Two members of one board on both media: @from sends, @to receives. */
typedef struct
{
  TafelLanBeacon      *lan_from, *lan_to;
  TafelMqttRendezvous *mqtt_from, *mqtt_to;
  char                *topic;
} Members;

static void
members_init (Members *m)
{
  guint8 id[TAFEL_BOARD_ID_BYTES], secret[TAFEL_BOARD_SECRET_BYTES];
  g_autoptr(GError) error = NULL;

  memset (id, BOARD_BYTE, sizeof id);
  memset (secret, BOARD_BYTE, sizeof secret);
  m->lan_from = tafel_lan_beacon_new (id, secret, 0);
  m->lan_to = tafel_lan_beacon_new (id, secret, 0);
  m->mqtt_from = tafel_mqtt_rendezvous_new (mqtt_url, NULL, NULL, id, secret, &error);
  if (error != NULL)
    fail ("%s", error->message);
  m->mqtt_to = tafel_mqtt_rendezvous_new (mqtt_url, NULL, NULL, id, secret, &error);
  if (error != NULL)
    fail ("%s", error->message);
  m->topic = tafel_mqtt_topic_for_board (id, secret);
}

static void
members_clear (Members *m)
{
  g_clear_object (&m->lan_from);
  g_clear_object (&m->lan_to);
  g_clear_object (&m->mqtt_from);
  g_clear_object (&m->mqtt_to);
  g_clear_pointer (&m->topic, g_free);
}

/* Sends @body over both media and checks that it arrives, once. */
static void
through_media (Members *m,
               GBytes  *body)
{
  gsize size = g_bytes_get_size (body);

  if (size <= TAFEL_LAN_MAX_BODY)
    {
      g_autoptr(GBytes) datagram = tafel_lan_beacon_seal_datagram (m->lan_from, body);
      g_autoptr(GBytes) opened = tafel_lan_beacon_open_datagram (m->lan_to, g_bytes_get_data (datagram, NULL),
                                                                 g_bytes_get_size (datagram));
      g_autoptr(GBytes) again = tafel_lan_beacon_open_datagram (m->lan_to, g_bytes_get_data (datagram, NULL),
                                                                g_bytes_get_size (datagram));

      if (opened == NULL || !g_bytes_equal (opened, body))
        fail ("A body sent over the LAN beacon did not arrive as it was");
      if (again != NULL)
        fail ("A replayed LAN datagram opened twice");
    }
  if (size <= TAFEL_MQTT_MAX_BODY)
    {
      g_autoptr(GBytes) sealed = tafel_mqtt_rendezvous_seal_message (m->mqtt_from, body);
      g_autoptr(GBytes) opened = tafel_mqtt_rendezvous_open_message (m->mqtt_to, m->topic,
                                                                     g_bytes_get_data (sealed, NULL),
                                                                     g_bytes_get_size (sealed));
      g_autoptr(GBytes) elsewhere = tafel_mqtt_rendezvous_open_message (m->mqtt_to, "tafel/v1/elsewhere",
                                                                        g_bytes_get_data (sealed, NULL),
                                                                        g_bytes_get_size (sealed));

      if (opened == NULL || !g_bytes_equal (opened, body))
        fail ("A body sent over the broker did not arrive as it was");
      if (elsewhere != NULL)
        fail ("A message opened on another topic");
    }
}

static gboolean
signal_fields_valid (guint8      type,
                     const char *ufrag,
                     const char *pwd,
                     const char *known,
                     const char *candidate)
{
  return type >= MSG_CREDENTIALS && type <= MSG_RESTART_REQUEST &&
         strlen (ufrag) >= 1 && strlen (ufrag) <= 256 && strlen (pwd) <= 256 &&
         strlen (known) <= 256 && strlen (candidate) <= 512;
}

/* Reading 2: a signalling message as it arrives. */
static void
check_signal (GBytes *message)
{
  g_auto(TafelLinkSignal) msg = { 0, };
  g_autoptr(GBytes) again = NULL;

  if (!tafel_link_signal_parse (message, &msg))
    return;
  if (!signal_fields_valid (msg.type, msg.ufrag, msg.pwd, msg.known, msg.candidate))
    fail ("A signalling message out of its limits was taken");
  again = tafel_link_signal_build (msg.type, msg.ufrag, msg.pwd, msg.known, msg.candidate);
  if (!g_bytes_equal (again, message))
    fail ("A signalling message that was taken has another encoding");
}

/* Reading 2: an opened body. */
static void
check_body (const guint8 *data,
            gsize         size)
{
  TafelRendezvousEnvelope envelope;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GBytes) again = NULL;

  if (!tafel_rendezvous_envelope_parse (data, size, &envelope))
    {
      if (size >= TAFEL_ENVELOPE_HEADER_BYTES)
        fail ("A whole envelope header was refused");
      return;
    }
  if (size < TAFEL_ENVELOPE_HEADER_BYTES || envelope.payload != data + TAFEL_ENVELOPE_HEADER_BYTES ||
      envelope.payload_len != size - TAFEL_ENVELOPE_HEADER_BYTES)
    fail ("The envelope's payload is not the bytes after its header");
  payload = g_bytes_new (envelope.payload, envelope.payload_len);
  again = tafel_rendezvous_envelope_build (envelope.kind, &envelope.from, &envelope.to, envelope.id,
                                           envelope.payload_len > 0 ? payload : NULL);
  if (g_bytes_get_size (again) != size || memcmp (g_bytes_get_data (again, NULL), data, size) != 0)
    fail ("An envelope did not encode back to itself");

  if (envelope.kind == TAFEL_ENVELOPE_SIGNAL)
    check_signal (payload);
}

/* Reading 3: fields from the input, taken in order; what runs out is 0. */
typedef struct
{
  const guint8 *p;
  gsize         left;
} Fields;

static guint
take_byte (Fields *f)
{
  if (f->left == 0)
    return 0;
  f->left--;
  return *f->p++;
}

static void
take_bytes (Fields *f,
            guint8 *out,
            gsize   n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = take_byte (f);
}

/* A string of up to 700 bytes (beyond every limit), made valid UTF-8
 * without NULs, as the sending side's strings are. */
static char *
take_string (Fields *f)
{
  guint high = take_byte (f);
  gsize len = ((high << 8) | take_byte (f)) % 701;
  g_autofree char *raw = g_malloc0 (len + 1);
  g_autofree char *valid = NULL;
  char *out;

  take_bytes (f, (guint8 *) raw, len);
  for (gsize i = 0; i < len; i++)
    if (raw[i] == '\0')
      raw[i] = 'a';
  valid = g_utf8_make_valid (raw, len);
  /* The replacement character may make it longer: keep it within 700. */
  out = g_strdup (valid);
  while (strlen (out) > 700)
    *g_utf8_prev_char (out + strlen (out)) = '\0';
  return out;
}

static void
check_built (Members      *m,
             const guint8 *data,
             gsize         size)
{
  Fields f = { data, size };
  guint8 type = take_byte (&f) % 7;
  g_autofree char *ufrag = take_string (&f);
  g_autofree char *pwd = take_string (&f);
  g_autofree char *known = take_string (&f);
  g_autofree char *candidate = take_string (&f);
  g_autoptr(GBytes) message = tafel_link_signal_build (type, ufrag, pwd, known, candidate);
  g_auto(TafelLinkSignal) msg = { 0, };
  gboolean valid = signal_fields_valid (type, ufrag, pwd, known, candidate);
  TafelPublicKey from, to;
  guint8 kind = take_byte (&f) % 4;
  guint64 id = 0;
  g_autoptr(GBytes) envelope = NULL;
  TafelRendezvousEnvelope parsed;

  if (tafel_link_signal_parse (message, &msg) != valid)
    fail ("A built signalling message was %s", valid ? "refused" : "taken out of its limits");
  if (valid && (msg.type != type || strcmp (msg.ufrag, ufrag) != 0 || strcmp (msg.pwd, pwd) != 0 ||
                strcmp (msg.known, known) != 0 || strcmp (msg.candidate, candidate) != 0))
    fail ("A built signalling message parsed to other fields");

  take_bytes (&f, from.bytes, sizeof from.bytes);
  take_bytes (&f, to.bytes, sizeof to.bytes);
  take_bytes (&f, (guint8 *) &id, sizeof id);
  envelope = tafel_rendezvous_envelope_build (kind, &from, kind == TAFEL_ENVELOPE_ANNOUNCE ? NULL : &to, id,
                                              kind == TAFEL_ENVELOPE_ANNOUNCE ? NULL : message);
  if (!tafel_rendezvous_envelope_parse (g_bytes_get_data (envelope, NULL), g_bytes_get_size (envelope), &parsed))
    fail ("A built envelope was refused");
  if (parsed.kind != kind || !tafel_key_equal (&parsed.from, &from) || parsed.id != id)
    fail ("A built envelope parsed to other fields");
  if (kind == TAFEL_ENVELOPE_ANNOUNCE)
    {
      static const TafelPublicKey zero = { { 0 } };

      if (!tafel_key_equal (&parsed.to, &zero) || parsed.payload_len != 0)
        fail ("A built announcement parsed with an addressee or a payload");
    }
  else if (!tafel_key_equal (&parsed.to, &to) || parsed.payload_len != g_bytes_get_size (message) ||
           memcmp (parsed.payload, g_bytes_get_data (message, NULL), parsed.payload_len) != 0)
    fail ("A built signal parsed to another addressee or payload");

  through_media (m, envelope);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialised;
  Members m = { 0, };

  if (!initialised)
    {
      if (!tafel_core_init (NULL))
        g_error ("libsodium did not initialise");
      g_log_set_writer_func (quiet, NULL, NULL);
      initialised = TRUE;
    }
  members_init (&m);

  /* 1: as it arrives. Only a message sealed with the board's keys in the
   * last few minutes opens (a seed, freshly made), and only once; what
   * opens goes on as the network's would. */
  {
    g_autoptr(GBytes) lan = tafel_lan_beacon_open_datagram (m.lan_to, data, size);
    g_autoptr(GBytes) mqtt = tafel_mqtt_rendezvous_open_message (m.mqtt_to, m.topic, data, size);
    g_autoptr(GBytes) lan_again = tafel_lan_beacon_open_datagram (m.lan_to, data, size);
    g_autoptr(GBytes) mqtt_again = tafel_mqtt_rendezvous_open_message (m.mqtt_to, m.topic, data, size);

    if (lan_again != NULL || mqtt_again != NULL)
      fail ("A message opened twice");
    if (lan != NULL)
      check_body (g_bytes_get_data (lan, NULL), g_bytes_get_size (lan));
    if (mqtt != NULL)
      check_body (g_bytes_get_data (mqtt, NULL), g_bytes_get_size (mqtt));
  }

  /* 2: as an opened body, through both media and parsed. */
  {
    g_autoptr(GBytes) body = g_bytes_new (data, size);

    through_media (&m, body);
    check_body (data, size);
    check_signal (body);
  }

  /* 3: as fields, built and parsed back. */
  check_built (&m, data, size);

  members_clear (&m);
  return 0;
}
