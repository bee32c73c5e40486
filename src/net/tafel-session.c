/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tafel-bytes.h"
#include "tafel-frame-channel.h"
#include "tafel-lan-beacon.h"
#include "tafel-link.h"
#include "tafel-mqtt-rendezvous.h"
#include "tafel-net-trace.h"
#include "tafel-session-private.h"
#include "tafel-signaling.h"

/*
 * A board online.
 *
 * Finding peers. Every peer announces itself now and then (its identity
 * key, nothing else) on every rendezvous medium it has: the board's topic
 * at the MQTT broker and the LAN beacon, both sealed with keys derived from
 * the board secret. Each side of a pair that hears the other creates a
 * TafelLink to it; ICE signalling travels as addressed messages over the
 * same media and, once a peer has any link, over the mesh: a RELAY frame
 * is passed on towards its addressee, so after the first contact no
 * rendezvous is needed. A peer that links up is told who else we are
 * linked to (PEERS), and links to them through that introduction.
 *
 * Rendezvous envelope (inside the medium's own sealing):
 *   u8 kind (1 ANNOUNCE, 2 SIGNAL), 32 from, 32 to (zeros for ANNOUNCE),
 *   8 message id, payload
 * Session frames on links (types 0x30–0x3f):
 *   RELAY  0x30  32 from, 32 to, u8 hops left, 8 message id, payload
 *   PEERS  0x31  u8 n, n × 32 keys
 *
 * Each connected link (a TafelFrameChannel) carries sync (0x10–0x1f) and
 * presence (0x20–0x2f) besides the session's own frames. A link that fails or closes is
 * retried with exponential backoff while the peer was heard from recently.
 * A peer that sync drops for breaking its rules (forged records, malformed
 * frames, a flood of runs) is refused for the rest of the session.
 *
 * When sync finds another device writing under this device's identity,
 * the session moves the board to a fresh identity, links anew under it,
 * has sync find which of the former identity's records the network
 * refused, and issues those again (docs/identity.md).
 */


#define FRAME_RELAY          0x30
#define FRAME_PEERS          0x31
#define RELAY_HOPS           4
#define MAX_INTRODUCED       64

#define DEFAULT_ANNOUNCE_MS  5000
#define PEER_FORGET_MS       60000
#define MIN_BACKOFF_MS       1000
#define MAX_BACKOFF_MS       30000
#define SEEN_IDS_MAX         2048
/* Frames other than sync's records and acks that a peer may send: a burst
 * of CONTROL_BURST, then CONTROL_RATE a second. Honest peers send a few
 * dozen a second (presence is paced to 60, hellos come every 30 s, mesh
 * frames are rare); a peer far beyond that is flooding and is dropped. */
#define CONTROL_BURST        2000
#define CONTROL_RATE         500
#define SYNC_FRAME_RUN       0x11
#define SYNC_FRAME_VECTOR    0x13

typedef struct _Peer Peer;

/* ---- rendezvous signalling ----------------------------------------------- */

#define TAFEL_TYPE_SESSION_SIGNALING (tafel_session_signaling_get_type ())
G_DECLARE_FINAL_TYPE (TafelSessionSignaling, tafel_session_signaling, TAFEL, SESSION_SIGNALING, GObject)

struct _TafelSessionSignaling
{
  GObject       parent_instance;
  TafelSession *session;   /* weak: the session owns us */
};

static gboolean session_send_signal (TafelSession         *self,
                                     const TafelPublicKey *to,
                                     GBytes               *message,
                                     GError              **error);

static gboolean
session_signaling_send (TafelSignaling        *signaling,
                        const TafelPublicKey  *to,
                        GBytes                *message,
                        GError               **error)
{
  TafelSessionSignaling *self = TAFEL_SESSION_SIGNALING (signaling);

  if (self->session == NULL)
    {
      g_set_error_literal (error, TAFEL_SIGNALING_ERROR, TAFEL_SIGNALING_ERROR_NOT_CONNECTED,
                           "The session is gone");
      return FALSE;
    }
  return session_send_signal (self->session, to, message, error);
}

static void
session_signaling_iface_init (TafelSignalingInterface *iface)
{
  iface->send = session_signaling_send;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TafelSessionSignaling, tafel_session_signaling, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TAFEL_TYPE_SIGNALING, session_signaling_iface_init))

static void
tafel_session_signaling_class_init (TafelSessionSignalingClass *klass)
{
}

static void
tafel_session_signaling_init (TafelSessionSignaling *self)
{
}

/* ---- the session --------------------------------------------------------- */

struct _Peer
{
  TafelSession     *session;
  TafelPublicKey    key;
  TafelLink        *link;
  gulong            connected_handler;
  gulong            failed_handler;
  gulong            closed_handler;
  gulong            frame_handler;
  gboolean          connected;
  gint64            last_heard;   /* announced or introduced, monotonic µs */
  guint             retry_id;
  guint             backoff_ms;
  double            control_budget;  /* frames (token bucket, see on_peer_frame) */
  gint64            control_time;    /* when it was last refilled, monotonic µs */
  guint             flood_id;        /* dropping the peer for a flood */
};

struct _TafelSession
{
  GObject                parent_instance;

  TafelBoard            *board;
  TafelPublicKey         me;
  TafelSync             *sync;
  TafelPresence         *presence;
  TafelLinkAuth         *auth;
  TafelLinkConfig       *config;
  TafelSessionSignaling *signaling;
  TafelMqttRendezvous   *mqtt;
  TafelLanBeacon        *lan;
  gulong                 mqtt_message_handler;
  gulong                 mqtt_status_handler;
  gulong                 mqtt_error_handler;
  gulong                 lan_message_handler;
  gulong                 signaling_handler;

  GHashTable            *peers;        /* TafelPublicKey * → Peer */
  GPtrArray             *closing;      /* TafelLink, weak: still saying goodbye */
  GHashTable            *seen_ids;     /* message ids (guint64) of relays and envelopes */
  GQueue                 seen_order;
  guint                  max_links;
  guint                  announce_ms;
  guint                  announce_id;
  gboolean               running;
  TafelSessionStatus     status;

  GHashTable            *banned;       /* TafelPublicKey * → GError: refused for the session */
  gulong                 failed_handler;
  gulong                 clash_handler;
  gulong                 fork_handler;
  guint                  clash_id;     /* moving to a new identity, from idle */
  GArray                *found;        /* Found: fork points to act on, from idle */
  guint                  found_id;

  TafelSessionLinkHook   link_hook;     /* tests and benchmarks */
  gpointer               link_hook_data;
};

enum {
  PEER_JOINED,
  PEER_LEFT,
  STATUS_CHANGED,
  IDENTITY_CHANGED,
  RECORDS_REISSUED,
  N_SIGNALS
};

typedef struct
{
  TafelPublicKey author;
  guint64        from_seq;
} Found;

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TafelSession, tafel_session, G_TYPE_OBJECT)

static gboolean
key_is_zero (const TafelPublicKey *key)
{
  static const TafelPublicKey zero = { { 0 } };
  return tafel_key_equal (key, &zero);
}

/* Remembers a message id; FALSE when it was seen before. Bounded. */
static gboolean
remember_id (TafelSession *self,
             guint64       id)
{
  guint64 *copy;

  if (g_hash_table_contains (self->seen_ids, &id))
    return FALSE;
  copy = g_memdup2 (&id, sizeof id);
  g_hash_table_add (self->seen_ids, copy);
  g_queue_push_tail (&self->seen_order, copy);
  while (g_queue_get_length (&self->seen_order) > SEEN_IDS_MAX)
    g_hash_table_remove (self->seen_ids, g_queue_pop_head (&self->seen_order));
  return TRUE;
}

static guint64
new_message_id (TafelSession *self)
{
  guint64 id;

  tafel_random_bytes ((guint8 *) &id, sizeof id);
  remember_id (self, id);  /* our own, so echoes are dropped */
  return id;
}

static gboolean
rendezvous_works (TafelSession *self)
{
  return (self->mqtt != NULL && tafel_mqtt_rendezvous_get_status (self->mqtt) == TAFEL_MQTT_STATUS_CONNECTED) ||
         (self->lan != NULL && tafel_lan_beacon_get_n_links (self->lan) > 0);
}

/* Called whenever a link, a rendezvous medium or the set of known peers
 * changes. */
static void
update_status (TafelSession *self)
{
  TafelSessionStatus status = TAFEL_SESSION_OFFLINE;
  gboolean linked = FALSE, linking = FALSE;
  GHashTableIter iter;
  gpointer value;

  if (self->running)
    {
      g_hash_table_iter_init (&iter, self->peers);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          Peer *peer = value;

          linked |= peer->connected;
          linking |= !peer->connected && (peer->link != NULL || peer->retry_id != 0);
        }

      if (linked)
        status = TAFEL_SESSION_ONLINE;
      else if (linking)
        status = TAFEL_SESSION_CONNECTING;
      else if (rendezvous_works (self))
        status = TAFEL_SESSION_ALONE;
      else
        status = TAFEL_SESSION_SEARCHING;
    }

  if (status != self->status)
    {
      self->status = status;
      g_signal_emit (self, signals[STATUS_CHANGED], 0);
    }
}

static guint
n_live_links (TafelSession *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Peer *) value)->link != NULL)
      n++;
  return n;
}

/* ---- sending over the media and the mesh --------------------------------- */

/**
 * tafel_rendezvous_envelope_build:
 * @kind: %TAFEL_ENVELOPE_ANNOUNCE or %TAFEL_ENVELOPE_SIGNAL
 * @from: the sender
 * @to: (nullable): the addressee, %NULL for none
 * @id: the message id
 * @payload: (nullable): what a signal carries
 *
 * Returns: (transfer full): the envelope, for tafel_rendezvous_envelope_parse()
 */
GBytes *
tafel_rendezvous_envelope_build (guint8                kind,
                                 const TafelPublicKey *from,
                                 const TafelPublicKey *to,
                                 guint64               id,
                                 GBytes               *payload)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  static const TafelPublicKey zero = { { 0 } };

  tafel_put_u8 (out, kind);
  tafel_put_bytes (out, from->bytes, TAFEL_PUBLIC_KEY_BYTES);
  tafel_put_bytes (out, (to != NULL ? to : &zero)->bytes, TAFEL_PUBLIC_KEY_BYTES);
  tafel_put_u64 (out, id);
  if (payload != NULL)
    tafel_put_bytes (out, g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/**
 * tafel_rendezvous_envelope_parse:
 * @data: an opened rendezvous message, from any member of the board
 * @len: its length
 * @envelope: (out caller-allocates): its fields; the payload points into @data
 *
 * Reads the envelope's header. What the kind, the addressee and the
 * payload mean is the session's to judge.
 *
 * Returns: %TRUE when @data holds a whole header
 */
gboolean
tafel_rendezvous_envelope_parse (const guint8              *data,
                                 gsize                      len,
                                 TafelRendezvousEnvelope   *envelope)
{
  TafelReader r;

  tafel_reader_init (&r, data, len);
  if (!tafel_read_u8 (&r, "kind", &envelope->kind, NULL) ||
      !tafel_read_copy (&r, envelope->from.bytes, TAFEL_PUBLIC_KEY_BYTES, "from", NULL) ||
      !tafel_read_copy (&r, envelope->to.bytes, TAFEL_PUBLIC_KEY_BYTES, "to", NULL) ||
      !tafel_read_u64 (&r, "id", &envelope->id, NULL))
    return FALSE;
  envelope->payload = r.p;
  envelope->payload_len = tafel_reader_remaining (&r);
  return TRUE;
}

static GBytes *
build_envelope (TafelSession         *self,
                guint8                kind,
                const TafelPublicKey *to,
                GBytes               *payload)
{
  return tafel_rendezvous_envelope_build (kind, &self->me, to, new_message_id (self), payload);
}

/* Publishes on every rendezvous medium that works; TRUE if any took it. */
static gboolean
publish_envelope (TafelSession *self,
                  GBytes       *envelope)
{
  gboolean sent = FALSE;

  if (self->mqtt != NULL && tafel_mqtt_rendezvous_get_status (self->mqtt) == TAFEL_MQTT_STATUS_CONNECTED)
    sent |= tafel_mqtt_rendezvous_publish (self->mqtt, envelope, NULL);
  if (self->lan != NULL)
    sent |= tafel_lan_beacon_publish (self->lan, envelope, NULL);
  return sent;
}

static void
send_relay_frame (Peer                 *via,
                  const TafelPublicKey *from,
                  const TafelPublicKey *to,
                  guint8                hops,
                  guint64               id,
                  const guint8         *payload,
                  gsize                 len)
{
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;

  tafel_put_u8 (frame, FRAME_RELAY);
  tafel_put_bytes (frame, from->bytes, TAFEL_PUBLIC_KEY_BYTES);
  tafel_put_bytes (frame, to->bytes, TAFEL_PUBLIC_KEY_BYTES);
  tafel_put_u8 (frame, hops);
  tafel_put_u64 (frame, id);
  tafel_put_bytes (frame, payload, len);
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&frame));
  tafel_frame_channel_send (TAFEL_FRAME_CHANNEL (via->link), bytes);
}

/* Passes a relay towards @to: straight to it when linked, else to every
 * link but the one it came from. */
static gboolean
relay_over_mesh (TafelSession         *self,
                 Peer                 *came_from,
                 const TafelPublicKey *from,
                 const TafelPublicKey *to,
                 guint8                hops,
                 guint64               id,
                 const guint8         *payload,
                 gsize                 len)
{
  Peer *direct = g_hash_table_lookup (self->peers, to);
  GHashTableIter iter;
  gpointer value;
  gboolean sent = FALSE;

  if (direct != NULL && direct->connected)
    {
      send_relay_frame (direct, from, to, hops, id, payload, len);
      return TRUE;
    }
  if (hops == 0)
    return FALSE;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Peer *peer = value;

      if (peer->connected && peer != came_from)
        {
          send_relay_frame (peer, from, to, hops - 1, id, payload, len);
          sent = TRUE;
        }
    }
  return sent;
}

static gboolean
session_send_signal (TafelSession          *self,
                     const TafelPublicKey  *to,
                     GBytes                *message,
                     GError               **error)
{
  g_autoptr(GBytes) envelope = build_envelope (self, TAFEL_ENVELOPE_SIGNAL, to, message);
  guint64 id;
  gboolean sent;

  memcpy (&id, (const guint8 *) g_bytes_get_data (envelope, NULL) + 65, sizeof id);
  sent = publish_envelope (self, envelope);
  sent |= relay_over_mesh (self, NULL, &self->me, to, RELAY_HOPS, id,
                           g_bytes_get_data (message, NULL), g_bytes_get_size (message));
  if (!sent)
    {
      g_set_error_literal (error, TAFEL_SIGNALING_ERROR, TAFEL_SIGNALING_ERROR_NOT_CONNECTED,
                           _("No way to reach other peers: no broker, no local network and no link"));
      return FALSE;
    }
  return TRUE;
}

/* ---- peers --------------------------------------------------------------- */

static void peer_connect (Peer *peer);

static void
closing_link_gone (gpointer  data,
                   GObject  *where_the_object_was)
{
  TafelSession *self = data;

  g_ptr_array_remove_fast (self->closing, where_the_object_was);
}

static void
peer_drop_link (Peer *peer)
{
  g_clear_handle_id (&peer->flood_id, g_source_remove);
  if (peer->link == NULL)
    return;
  g_clear_signal_handler (&peer->connected_handler, peer->link);
  g_clear_signal_handler (&peer->failed_handler, peer->link);
  g_clear_signal_handler (&peer->closed_handler, peer->link);
  g_clear_signal_handler (&peer->frame_handler, peer->link);
  tafel_link_close (peer->link);
  /* A closed link lives on (its own reference) until the peer has its
   * goodbye; tafel_session_is_closing() tells. */
  g_object_weak_ref (G_OBJECT (peer->link), closing_link_gone, peer->session);
  g_ptr_array_add (peer->session->closing, peer->link);
  g_clear_object (&peer->link);
}

static void
peer_free (Peer *peer)
{
  g_clear_handle_id (&peer->retry_id, g_source_remove);
  peer_drop_link (peer);
  g_free (peer);
}

static gboolean
retry_cb (gpointer user_data)
{
  Peer *peer = user_data;
  TafelSession *self = peer->session;

  peer->retry_id = 0;
  if (!self->running || peer->link != NULL)
    return G_SOURCE_REMOVE;

  /* Forget peers nobody has mentioned for a while; they come back by
   * announcing themselves. */
  if (g_get_monotonic_time () - peer->last_heard > (gint64) PEER_FORGET_MS * 1000)
    {
      TafelPublicKey key = peer->key;
      g_hash_table_remove (self->peers, &key);
      update_status (self);
      return G_SOURCE_REMOVE;
    }

  if (n_live_links (self) < self->max_links)
    peer_connect (peer);
  else
    peer->retry_id = g_timeout_add (peer->backoff_ms, retry_cb, peer);
  return G_SOURCE_REMOVE;
}

static void
peer_schedule_retry (Peer *peer)
{
  guint delay;

  if (peer->retry_id != 0 || !peer->session->running)
    return;
  delay = peer->backoff_ms - peer->backoff_ms / 5 + tafel_random_uniform (peer->backoff_ms * 2 / 5 + 1);
  peer->backoff_ms = MIN (peer->backoff_ms * 2, MAX_BACKOFF_MS);
  peer->retry_id = g_timeout_add (delay, retry_cb, peer);
}

static void
peer_went_down (Peer         *peer,
                const GError *reason)
{
  TafelSession *self = peer->session;
  gboolean was_connected = peer->connected;
  TafelPublicKey key = peer->key;
  const GError *ban = g_hash_table_lookup (self->banned, &key);

  if (ban != NULL)
    reason = ban;
  peer->connected = FALSE;
  tafel_sync_remove_peer (self->sync, &key);
  tafel_presence_remove_peer (self->presence, &key);
  peer_drop_link (peer);

  /* A peer that said goodbye left on purpose: dialling it again would only
   * hold one of the link slots until ICE gives up, and with enough
   * newcomers coming and going those attempts starve the next one. It
   * announces itself when it is back. A link that failed is retried. */
  if (reason == NULL || ban != NULL)
    g_hash_table_remove (self->peers, &key);
  else
    peer_schedule_retry (peer);

  if (was_connected)
    g_signal_emit (self, signals[PEER_LEFT], 0, &key, reason);
  update_status (self);
}

static void
send_peers_frame (TafelSession *self,
                  Peer         *to)
{
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  GHashTableIter iter;
  gpointer value;
  guint8 n = 0;

  tafel_put_u8 (frame, FRAME_PEERS);
  tafel_put_u8 (frame, 0);
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value) && n < MAX_INTRODUCED)
    {
      Peer *peer = value;

      if (peer->connected && peer != to)
        {
          tafel_put_bytes (frame, peer->key.bytes, TAFEL_PUBLIC_KEY_BYTES);
          n++;
        }
    }
  if (n == 0)
    return;
  frame->data[1] = n;
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&frame));
  tafel_frame_channel_send (TAFEL_FRAME_CHANNEL (to->link), bytes);
}

static void peer_discovered (TafelSession *self, const TafelPublicKey *key);

static void
handle_relay (TafelSession *self,
              Peer         *came_from,
              TafelReader  *r)
{
  TafelPublicKey from, to;
  guint8 hops;
  guint64 id;

  if (!tafel_read_copy (r, from.bytes, TAFEL_PUBLIC_KEY_BYTES, "from", NULL) ||
      !tafel_read_copy (r, to.bytes, TAFEL_PUBLIC_KEY_BYTES, "to", NULL) ||
      !tafel_read_u8 (r, "hops", &hops, NULL) || hops > RELAY_HOPS ||
      !tafel_read_u64 (r, "id", &id, NULL) ||
      tafel_reader_remaining (r) > TAFEL_SIGNALING_MAX_MESSAGE)
    return;
  if (!remember_id (self, id) || tafel_key_equal (&from, &self->me))
    return;

  if (tafel_key_equal (&to, &self->me))
    {
      g_autoptr(GBytes) payload = NULL;

      if (g_hash_table_contains (self->banned, &from))
        return;
      payload = g_bytes_new (r->p, tafel_reader_remaining (r));
      /* Someone signals us through the mesh: answer. */
      peer_discovered (self, &from);
      tafel_signaling_deliver (TAFEL_SIGNALING (self->signaling), &from, payload);
      return;
    }

  relay_over_mesh (self, came_from, &from, &to, hops, id, r->p, tafel_reader_remaining (r));
}

static void
handle_peers (TafelSession *self,
              TafelReader  *r)
{
  guint8 n;

  if (!tafel_read_u8 (r, "count", &n, NULL) || n > MAX_INTRODUCED ||
      tafel_reader_remaining (r) != (gsize) n * TAFEL_PUBLIC_KEY_BYTES)
    return;
  for (guint i = 0; i < n; i++)
    {
      TafelPublicKey key;

      tafel_read_copy (r, key.bytes, TAFEL_PUBLIC_KEY_BYTES, "key", NULL);
      peer_discovered (self, &key);
    }
}

static gboolean
drop_flooder_cb (gpointer user_data)
{
  Peer *peer = user_data;
  g_autoptr(GError) error = NULL;

  peer->flood_id = 0;
  error = g_error_new (TAFEL_LINK_ERROR, TAFEL_LINK_ERROR_PROTOCOL,
                       _("The peer sent more than %d control frames in a burst (a flood)"),
                       CONTROL_BURST);
  g_message ("session: dropping a peer: %s", error->message);
  peer_went_down (peer, error);
  return G_SOURCE_REMOVE;
}

/* Spends one control frame of @peer's budget; FALSE when it has none left. */
static gboolean
spend_control_budget (Peer *peer)
{
  gint64 now = g_get_monotonic_time ();

  if (peer->control_time == 0)
    peer->control_budget = CONTROL_BURST;
  else
    peer->control_budget = MIN (CONTROL_BURST, peer->control_budget +
                                (now - peer->control_time) * (double) CONTROL_RATE / G_USEC_PER_SEC);
  peer->control_time = now;
  if (peer->control_budget < 1)
    return FALSE;
  peer->control_budget -= 1;
  return TRUE;
}

static void
on_peer_frame (TafelFrameChannel *channel,
               GBytes            *frame,
               Peer              *peer)
{
  TafelReader r;
  guint8 type;

  tafel_reader_init (&r, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
  if (!tafel_read_u8 (&r, "type", &type, NULL))
    return;

  /* This handler runs before sync's and presence's: a flooder's frames
   * stop here, and it is dropped once the link is out of this dispatch. */
  if (peer->flood_id != 0 ||
      (type != SYNC_FRAME_RUN && type != SYNC_FRAME_VECTOR && !spend_control_budget (peer)))
    {
      g_signal_stop_emission_by_name (channel, "frame");
      if (peer->flood_id == 0)
        {
          tafel_link_set_receive_paused (peer->link, TRUE);
          peer->flood_id = g_idle_add (drop_flooder_cb, peer);
        }
      return;
    }

  if (type == FRAME_RELAY)
    handle_relay (peer->session, peer, &r);
  else if (type == FRAME_PEERS)
    handle_peers (peer->session, &r);
}

static void
on_link_connected (TafelLink *link,
                   Peer      *peer)
{
  TafelSession *self = peer->session;
  GHashTableIter iter;
  gpointer value;

  TAFEL_NET_TRACE ("session: link up to %s", TAFEL_NET_TRACE_PEER (&peer->key));
  peer->connected = TRUE;
  peer->backoff_ms = MIN_BACKOFF_MS;
  peer->frame_handler = g_signal_connect (link, "frame", G_CALLBACK (on_peer_frame), peer);

  tafel_sync_add_peer (self->sync, &peer->key, TAFEL_FRAME_CHANNEL (link));
  tafel_presence_add_peer (self->presence, &peer->key, TAFEL_FRAME_CHANNEL (link));

  /* Introductions both ways: the newcomer learns of our other peers, and
   * they learn of it. */
  send_peers_frame (self, peer);
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value != peer && ((Peer *) value)->connected)
      send_peers_frame (self, value);

  g_signal_emit (self, signals[PEER_JOINED], 0, &peer->key);
  update_status (self);
}

static void
on_link_failed (TafelLink    *link,
                const GError *error,
                Peer         *peer)
{
  g_message ("session: the link to a peer failed: %s", error->message);
  peer_went_down (peer, error);
}

static void
on_link_closed (TafelLink    *link,
                const GError *reason,
                Peer         *peer)
{
  peer_went_down (peer, reason);
}

static void
peer_connect (Peer *peer)
{
  TafelSession *self = peer->session;

  g_assert (peer->link == NULL);

  peer->link = tafel_link_new (TAFEL_SIGNALING (self->signaling), self->config, self->auth, &peer->key);
  peer->connected_handler = g_signal_connect (peer->link, "connected", G_CALLBACK (on_link_connected), peer);
  peer->failed_handler = g_signal_connect (peer->link, "failed", G_CALLBACK (on_link_failed), peer);
  peer->closed_handler = g_signal_connect (peer->link, "closed", G_CALLBACK (on_link_closed), peer);
  if (self->link_hook != NULL)
    self->link_hook (self, peer->link, &peer->key, self->link_hook_data);
  tafel_link_start (peer->link);
  update_status (self);
}

/* A peer announced itself, was introduced, or signalled us: link to it
 * unless we are linked (or trying) already, within the link limit. (While
 * we back off after a failure we do not answer a peer's new attempt at
 * once: a fresh link replaces the other side's, and two sides doing that
 * to each other never settle.) */
static void
peer_discovered (TafelSession         *self,
                 const TafelPublicKey *key)
{
  Peer *peer;

  if (!self->running || tafel_key_equal (key, &self->me) || key_is_zero (key) ||
      g_hash_table_contains (self->banned, key))
    return;

  peer = g_hash_table_lookup (self->peers, key);
  if (peer == NULL)
    {
      peer = g_new0 (Peer, 1);
      peer->session = self;
      peer->key = *key;
      peer->backoff_ms = MIN_BACKOFF_MS;
      g_hash_table_insert (self->peers, &peer->key, peer);
    }
  peer->last_heard = g_get_monotonic_time ();

  if (peer->link == NULL && peer->retry_id == 0 && n_live_links (self) < self->max_links)
    peer_connect (peer);
}

static gboolean announce_cb (gpointer user_data);

/* ---- peers that break sync's rules --------------------------------------- */

static void
on_sync_peer_failed (TafelSync            *sync,
                     const TafelPublicKey *key,
                     const GError         *error,
                     TafelSession         *self)
{
  Peer *peer = g_hash_table_lookup (self->peers, key);

  /* A peer of another sync version may be honest: it gets the usual
   * backoff. Forged records, malformed frames and floods are no accident:
   * such a peer is not let back in while this session lasts. */
  if (!g_error_matches (error, TAFEL_SYNC_ERROR, TAFEL_SYNC_ERROR_VERSION))
    {
      GError *reason = g_error_new (error->domain, error->code, _("Refused for this session: %s"),
                                    error->message);

      g_hash_table_insert (self->banned, g_memdup2 (key, sizeof *key), reason);
    }
  if (peer != NULL)
    peer_went_down (peer, error);
}

/* ---- one identity on two devices ----------------------------------------- */

/* From now on as @identity: every link is made anew under it (a peer keeps
 * one link per identity, and the one we share with the other device is
 * theirs now). */
static void
relink_as (TafelSession  *self,
           TafelIdentity *identity)
{
  GHashTableIter iter;
  gpointer value;
  g_autoptr(GError) reason = g_error_new_literal (TAFEL_LINK_ERROR, TAFEL_LINK_ERROR_PEER_RESTARTED,
                                                  _("This device moved to a new identity"));
  g_autoptr(GPtrArray) left = g_ptr_array_new_with_free_func (g_free);

  self->me = *tafel_identity_get_public_key (identity);
  g_clear_pointer (&self->auth, tafel_link_auth_unref);
  self->auth = tafel_link_auth_new (tafel_board_get_id (self->board), tafel_board_get_secret (self->board),
                                    identity);
  tafel_sync_set_identity (self->sync, &self->me);

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Peer *peer = value;

      if (peer->connected)
        g_ptr_array_add (left, g_memdup2 (&peer->key, sizeof peer->key));
      peer->connected = FALSE;
      tafel_sync_remove_peer (self->sync, &peer->key);
      tafel_presence_remove_peer (self->presence, &peer->key);
    }
  g_hash_table_remove_all (self->peers);
  for (guint i = 0; i < left->len; i++)
    g_signal_emit (self, signals[PEER_LEFT], 0, left->pdata[i], reason);
  update_status (self);
  if (self->running)
    announce_cb (self);
}

static gboolean
clash_cb (gpointer user_data)
{
  TafelSession *self = user_data;
  g_autoptr(TafelIdentity) former = g_object_ref (tafel_board_get_identity (self->board));
  g_autoptr(GError) error = NULL;
  TafelPublicKey former_key = *tafel_identity_get_public_key (former);

  self->clash_id = 0;
  if (!tafel_board_replace_identity (self->board, &error))
    {
      g_warning ("Another device uses this device’s identity, and a new one could not be made: %s",
                 error->message);
      return G_SOURCE_REMOVE;
    }
  relink_as (self, tafel_board_get_identity (self->board));
  tafel_sync_find_fork (self->sync, &former_key);
  g_signal_emit (self, signals[IDENTITY_CHANGED], 0, &former_key, &self->me);
  return G_SOURCE_REMOVE;
}

static void
on_identity_clash (TafelSync            *sync,
                   const TafelPublicKey *peer,
                   TafelSession         *self)
{
  /* Not from within sync's frame handling: the links go. */
  if (self->clash_id == 0)
    self->clash_id = g_idle_add (clash_cb, self);
}

static gboolean
found_cb (gpointer user_data)
{
  TafelSession *self = user_data;
  GPtrArray *formers = tafel_board_get_former_identities (self->board);

  self->found_id = 0;
  while (self->found->len > 0)
    {
      Found found = g_array_index (self->found, Found, 0);
      g_autoptr(GError) error = NULL;
      TafelIdentity *former = NULL;
      guint n = 0;

      g_array_remove_index (self->found, 0);
      for (guint i = 0; i < formers->len && former == NULL; i++)
        if (tafel_key_equal (tafel_identity_get_public_key (formers->pdata[i]), &found.author))
          former = formers->pdata[i];
      if (former == NULL)
        continue;
      if (!tafel_board_reissue (self->board, former, found.from_seq, &n, &error))
        {
          g_warning ("The records another device’s records displaced could not be issued again: %s",
                     error->message);
          continue;
        }
      g_signal_emit (self, signals[RECORDS_REISSUED], 0, n);
    }
  return G_SOURCE_REMOVE;
}

static void
on_fork_found (TafelSync            *sync,
               const TafelPublicKey *author,
               guint64               from_seq,
               TafelSession         *self)
{
  Found found = { *author, from_seq };

  g_array_append_val (self->found, found);
  if (self->found_id == 0)
    self->found_id = g_idle_add (found_cb, self);
}

/* ---- rendezvous input ---------------------------------------------------- */

static void
handle_envelope (TafelSession *self,
                 GBytes       *bytes)
{
  TafelRendezvousEnvelope envelope;

  if (!tafel_rendezvous_envelope_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &envelope))
    return;
  /* The same message may come over the broker, the LAN and the mesh. */
  if (!remember_id (self, envelope.id) || tafel_key_equal (&envelope.from, &self->me))
    return;

  if (envelope.kind == TAFEL_ENVELOPE_ANNOUNCE)
    peer_discovered (self, &envelope.from);
  else if (envelope.kind == TAFEL_ENVELOPE_SIGNAL && tafel_key_equal (&envelope.to, &self->me) &&
           !g_hash_table_contains (self->banned, &envelope.from) &&
           envelope.payload_len <= TAFEL_SIGNALING_MAX_MESSAGE)
    {
      g_autoptr(GBytes) payload = g_bytes_new (envelope.payload, envelope.payload_len);

      peer_discovered (self, &envelope.from);
      tafel_signaling_deliver (TAFEL_SIGNALING (self->signaling), &envelope.from, payload);
    }
}

static void
on_rendezvous_message (GObject      *medium,
                       GBytes       *body,
                       TafelSession *self)
{
  handle_envelope (self, body);
}

static void
on_mqtt_status (TafelMqttRendezvous *mqtt,
                GParamSpec          *pspec,
                TafelSession        *self)
{
  update_status (self);
  /* Announce at once on (re)connecting, so peers need not wait. */
  if (tafel_mqtt_rendezvous_get_status (mqtt) == TAFEL_MQTT_STATUS_CONNECTED)
    {
      g_autoptr(GBytes) envelope = build_envelope (self, TAFEL_ENVELOPE_ANNOUNCE, NULL, NULL);
      tafel_mqtt_rendezvous_publish (mqtt, envelope, NULL);
    }
}

/* A new reason why the broker cannot be reached matters to a person even
 * when the status stays what it was. */
static void
on_mqtt_error (TafelMqttRendezvous *mqtt,
               GParamSpec          *pspec,
               TafelSession        *self)
{
  g_signal_emit (self, signals[STATUS_CHANGED], 0);
}

static gboolean
announce_cb (gpointer user_data)
{
  TafelSession *self = user_data;
  g_autoptr(GBytes) envelope = build_envelope (self, TAFEL_ENVELOPE_ANNOUNCE, NULL, NULL);

  publish_envelope (self, envelope);
  update_status (self);
  return G_SOURCE_CONTINUE;
}

/* ---- public API ---------------------------------------------------------- */

/* Takes a TURN server as RFC 7065 URL plus credentials, or as one URL with
 * the credentials in it (turn://user:password@host:port?transport=tcp), the
 * form people paste from a coturn set-up. */
static gboolean
add_turn (TafelLinkConfig  *config,
          const char       *url,
          const char       *username,
          const char       *password,
          GError          **error)
{
  g_autofree char *user = g_strdup (username);
  g_autofree char *pass = g_strdup (password);
  g_autofree char *plain = NULL;

  if (strstr (url, "://") != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_HAS_PASSWORD, NULL);

      if (uri == NULL || g_uri_get_host (uri) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a TURN server address"), url);
          return FALSE;
        }
      if (g_uri_get_user (uri) != NULL)
        {
          g_free (user);
          user = g_strdup (g_uri_get_user (uri));
        }
      if (g_uri_get_password (uri) != NULL)
        {
          g_free (pass);
          pass = g_strdup (g_uri_get_password (uri));
        }
      plain = g_strdup_printf ("%s:%s%s%d%s%s", g_uri_get_scheme (uri), g_uri_get_host (uri),
                               g_uri_get_port (uri) > 0 ? ":" : "",
                               g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 0,
                               g_uri_get_query (uri) != NULL ? "?" : "",
                               g_uri_get_query (uri) != NULL ? g_uri_get_query (uri) : "");
      if (g_uri_get_port (uri) <= 0)
        {
          g_free (plain);
          plain = g_strdup_printf ("%s:%s%s%s", g_uri_get_scheme (uri), g_uri_get_host (uri),
                                   g_uri_get_query (uri) != NULL ? "?" : "",
                                   g_uri_get_query (uri) != NULL ? g_uri_get_query (uri) : "");
        }
      url = plain;
    }

  if (user == NULL || pass == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The TURN server needs a user name and a password"));
      return FALSE;
    }

  return tafel_link_config_add_turn (config, url, user, pass, error);
}

/**
 * tafel_session_new:
 * @board: the board to take online
 * @options: how to find and reach peers
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a session, not started; %NULL when an option
 *   is malformed (the error says which)
 */
TafelSession *
tafel_session_new (TafelBoard                 *board,
                   const TafelSessionOptions  *options,
                   GError                    **error)
{
  g_autoptr(TafelSession) self = NULL;
  static const TafelSessionOptions defaults = { 0 };

  g_return_val_if_fail (TAFEL_IS_BOARD (board), NULL);

  if (options == NULL)
    options = &defaults;

  self = g_object_new (TAFEL_TYPE_SESSION, NULL);
  self->board = g_object_ref (board);
  self->me = *tafel_identity_get_public_key (tafel_board_get_identity (board));
  self->sync = tafel_sync_new (tafel_board_get_log (board));
  tafel_sync_set_identity (self->sync, &self->me);
  self->failed_handler = g_signal_connect (self->sync, "peer-failed", G_CALLBACK (on_sync_peer_failed), self);
  self->clash_handler = g_signal_connect (self->sync, "identity-clash", G_CALLBACK (on_identity_clash), self);
  self->fork_handler = g_signal_connect (self->sync, "fork-found", G_CALLBACK (on_fork_found), self);
  /* A move to a new identity that an earlier session of this board began. */
  for (guint i = 0; i < tafel_board_get_former_identities (board)->len; i++)
    tafel_sync_find_fork (self->sync,
                          tafel_identity_get_public_key (tafel_board_get_former_identities (board)->pdata[i]));
  self->presence = tafel_presence_new ();
  self->auth = tafel_link_auth_new (tafel_board_get_id (board), tafel_board_get_secret (board),
                                    tafel_board_get_identity (board));
  self->config = tafel_link_config_new ();
  self->max_links = options->max_links != 0 ? options->max_links : TAFEL_SESSION_DEFAULT_MAX_LINKS;
  self->announce_ms = options->announce_ms != 0 ? options->announce_ms : DEFAULT_ANNOUNCE_MS;

  if (options->stun != NULL && *options->stun != '\0' &&
      !tafel_link_config_set_stun (self->config, options->stun, error))
    return NULL;
  if (options->turn != NULL && *options->turn != '\0' &&
      !add_turn (self->config, options->turn, options->turn_username, options->turn_password, error))
    return NULL;

  if (options->local_addresses != NULL &&
      !tafel_link_config_set_local_addresses (self->config, options->local_addresses, error))
    return NULL;
  if (options->connect_timeout_ms != 0)
    tafel_link_config_set_timeouts (self->config, options->connect_timeout_ms,
                                    tafel_link_config_get_heartbeat (self->config),
                                    tafel_link_config_get_dead_timeout (self->config));

  if (options->broker_url != NULL && *options->broker_url != '\0')
    {
      self->mqtt = tafel_mqtt_rendezvous_new (options->broker_url, options->broker_username,
                                              options->broker_password, tafel_board_get_id (board),
                                              tafel_board_get_secret (board), error);
      if (self->mqtt == NULL)
        return NULL;
      if (options->broker_ca_file != NULL)
        tafel_mqtt_rendezvous_set_ca_file (self->mqtt, options->broker_ca_file);
      self->mqtt_message_handler = g_signal_connect (self->mqtt, "message", G_CALLBACK (on_rendezvous_message), self);
      self->mqtt_status_handler = g_signal_connect (self->mqtt, "notify::status", G_CALLBACK (on_mqtt_status), self);
      self->mqtt_error_handler = g_signal_connect (self->mqtt, "notify::last-error", G_CALLBACK (on_mqtt_error), self);
    }

  if (options->lan)
    {
      self->lan = tafel_lan_beacon_new (tafel_board_get_id (board), tafel_board_get_secret (board),
                                        options->lan_port);
      self->lan_message_handler = g_signal_connect (self->lan, "message", G_CALLBACK (on_rendezvous_message), self);
    }

  self->signaling = g_object_new (TAFEL_TYPE_SESSION_SIGNALING, NULL);
  self->signaling->session = self;

  return g_steal_pointer (&self);
}

/**
 * tafel_session_start:
 * @self: a #TafelSession
 * @error: return location for a #GError
 *
 * Goes online: connects to the broker (retrying in the background when it
 * is unreachable), starts the LAN beacon, and announces this peer.
 *
 * Returns: %FALSE only when the LAN beacon was asked for and cannot listen
 *   at all and there is no broker either
 */
gboolean
tafel_session_start (TafelSession  *self,
                     GError       **error)
{
  g_autoptr(GError) lan_error = NULL;

  g_return_val_if_fail (TAFEL_IS_SESSION (self), FALSE);

  if (self->running)
    return TRUE;
  self->running = TRUE;

  if (self->mqtt != NULL)
    tafel_mqtt_rendezvous_start (self->mqtt);
  if (self->lan != NULL && !tafel_lan_beacon_start (self->lan, &lan_error))
    {
      if (self->mqtt == NULL)
        {
          self->running = FALSE;
          g_propagate_error (error, g_steal_pointer (&lan_error));
          return FALSE;
        }
      g_message ("session: %s", lan_error->message);
      g_clear_object (&self->lan);
    }

  self->announce_id = g_timeout_add (self->announce_ms, announce_cb, self);
  announce_cb (self);
  return TRUE;
}

void
tafel_session_stop (TafelSession *self)
{
  g_return_if_fail (TAFEL_IS_SESSION (self));

  if (!self->running)
    return;
  self->running = FALSE;
  g_clear_handle_id (&self->announce_id, g_source_remove);
  g_hash_table_remove_all (self->peers);
  if (self->mqtt != NULL)
    tafel_mqtt_rendezvous_stop (self->mqtt);
  if (self->lan != NULL)
    tafel_lan_beacon_stop (self->lan);
  update_status (self);
}

TafelSync *
tafel_session_get_sync (TafelSession *self)
{
  g_return_val_if_fail (TAFEL_IS_SESSION (self), NULL);
  return self->sync;
}

TafelPresence *
tafel_session_get_presence (TafelSession *self)
{
  g_return_val_if_fail (TAFEL_IS_SESSION (self), NULL);
  return self->presence;
}

TafelSessionStatus
tafel_session_get_status (TafelSession *self)
{
  g_return_val_if_fail (TAFEL_IS_SESSION (self), TAFEL_SESSION_OFFLINE);
  return self->status;
}

const char *
tafel_session_get_broker_error (TafelSession *self)
{
  g_return_val_if_fail (TAFEL_IS_SESSION (self), NULL);
  return self->mqtt != NULL ? tafel_mqtt_rendezvous_get_last_error (self->mqtt) : NULL;
}

/**
 * tafel_session_get_search_reason:
 * @self: a #TafelSession
 *
 * Why the others cannot be found, while the status is
 * %TAFEL_SESSION_SEARCHING: the broker's error, or what is missing.
 *
 * Returns: (nullable): a sentence for a person; %NULL in other states
 */
const char *
tafel_session_get_search_reason (TafelSession *self)
{
  const char *broker_error;

  g_return_val_if_fail (TAFEL_IS_SESSION (self), NULL);

  if (self->status != TAFEL_SESSION_SEARCHING)
    return NULL;

  broker_error = tafel_session_get_broker_error (self);
  if (broker_error != NULL)
    return broker_error;
  if (self->mqtt != NULL)
    return _("Reaching the broker");
  if (self->lan == NULL)
    return _("No broker is set and looking on the local network is off; see Preferences");
  return _("No network: no broker is set, and there is no local network to look on");
}

guint
tafel_session_get_n_peers (TafelSession *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (TAFEL_IS_SESSION (self), 0);

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Peer *) value)->connected)
      n++;
  return n;
}

GPtrArray *
tafel_session_list_peers (TafelSession *self)
{
  GPtrArray *list = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (TAFEL_IS_SESSION (self), list);

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Peer *) value)->connected)
      g_ptr_array_add (list, &((Peer *) value)->key);
  return list;
}

static TafelLinkPath
peer_path (TafelSession         *self,
           const TafelPublicKey *key)
{
  Peer *peer = g_hash_table_lookup (self->peers, key);

  if (peer == NULL || !peer->connected)
    return TAFEL_LINK_PATH_UNKNOWN;
  return tafel_link_get_path (peer->link);
}

const char *
tafel_session_describe_path (TafelSession         *self,
                             const TafelPublicKey *key)
{
  g_return_val_if_fail (TAFEL_IS_SESSION (self), NULL);

  switch (peer_path (self, key))
    {
    case TAFEL_LINK_PATH_DIRECT:
      return _("direct");
    case TAFEL_LINK_PATH_NAT:
      return _("via NAT");
    case TAFEL_LINK_PATH_RELAYED:
      return _("relayed");
    case TAFEL_LINK_PATH_UNKNOWN:
    default:
      return NULL;
    }
}

const char *
tafel_session_get_path_kind (TafelSession         *self,
                             const TafelPublicKey *key)
{
  g_return_val_if_fail (TAFEL_IS_SESSION (self), NULL);

  switch (peer_path (self, key))
    {
    case TAFEL_LINK_PATH_DIRECT:
      return "host";
    case TAFEL_LINK_PATH_NAT:
      return "srflx";
    case TAFEL_LINK_PATH_RELAYED:
      return "relay";
    case TAFEL_LINK_PATH_UNKNOWN:
    default:
      return NULL;
    }
}

/**
 * tafel_session_is_closing:
 * @self: a #TafelSession
 *
 * Whether links the session closed (by tafel_session_stop() or on dropping
 * a peer) are still running to deliver their goodbye, so the peer learns at
 * once that we left rather than after its dead-peer timeout. A process
 * about to exit runs its main loop until this is %FALSE; it takes a round
 * trip, and never longer than a link lingers (about 2 s). It also waits
 * for closed links to release their TURN relays (see
 * tafel_link_releasing_relays()).
 *
 * Returns: %TRUE while a closed link is still saying goodbye or releasing
 *   its relays
 */
gboolean
tafel_session_is_closing (TafelSession *self)
{
  g_return_val_if_fail (TAFEL_IS_SESSION (self), FALSE);

  return self->closing->len > 0 || tafel_link_releasing_relays ();
}

/* ---- hooks for tests and benchmarks -------------------------------------- */

guint
tafel_session_get_n_known_peers (TafelSession *self)
{
  g_return_val_if_fail (TAFEL_IS_SESSION (self), 0);

  return g_hash_table_size (self->peers);
}

void
tafel_session_set_link_hook (TafelSession         *self,
                             TafelSessionLinkHook  hook,
                             gpointer              user_data)
{
  g_return_if_fail (TAFEL_IS_SESSION (self));

  self->link_hook = hook;
  self->link_hook_data = user_data;
}

TafelLinkConfig *
tafel_session_get_link_config (TafelSession *self)
{
  g_return_val_if_fail (TAFEL_IS_SESSION (self), NULL);

  return self->config;
}

TafelLink *
tafel_session_get_link (TafelSession         *self,
                        const TafelPublicKey *peer)
{
  Peer *p;

  g_return_val_if_fail (TAFEL_IS_SESSION (self), NULL);

  p = g_hash_table_lookup (self->peers, peer);
  return p != NULL ? p->link : NULL;
}

/**
 * tafel_session_get_link_times:
 * @self: a session
 * @peer: a linked peer
 * @ice_us: (out) (optional): how long ICE took on the current link to
 *   @peer, in microseconds (see tafel_link_get_ice_time())
 * @connect_us: (out) (optional): how long the current link took to
 *   authenticate the peer, in microseconds (see
 *   tafel_link_get_connect_time())
 *
 * The timing of the link that is up to @peer, measured from when this side
 * started it.
 *
 * Returns: %TRUE if @peer is linked (and the times are set)
 */
gboolean
tafel_session_get_link_times (TafelSession         *self,
                              const TafelPublicKey *key,
                              gint64               *ice_us,
                              gint64               *connect_us)
{
  Peer *peer;

  g_return_val_if_fail (TAFEL_IS_SESSION (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  peer = g_hash_table_lookup (self->peers, key);
  if (peer == NULL || !peer->connected)
    return FALSE;
  if (ice_us != NULL)
    *ice_us = tafel_link_get_ice_time (peer->link);
  if (connect_us != NULL)
    *connect_us = tafel_link_get_connect_time (peer->link);
  return TRUE;
}

/* ---- GObject ------------------------------------------------------------- */

static void
tafel_session_dispose (GObject *object)
{
  TafelSession *self = TAFEL_SESSION (object);

  if (self->peers != NULL)
    tafel_session_stop (self);
  if (self->signaling != NULL)
    self->signaling->session = NULL;
  if (self->mqtt != NULL)
    {
      g_clear_signal_handler (&self->mqtt_message_handler, self->mqtt);
      g_clear_signal_handler (&self->mqtt_status_handler, self->mqtt);
      g_clear_signal_handler (&self->mqtt_error_handler, self->mqtt);
    }
  if (self->lan != NULL)
    g_clear_signal_handler (&self->lan_message_handler, self->lan);
  if (self->sync != NULL)
    {
      g_clear_signal_handler (&self->failed_handler, self->sync);
      g_clear_signal_handler (&self->clash_handler, self->sync);
      g_clear_signal_handler (&self->fork_handler, self->sync);
    }
  g_clear_handle_id (&self->clash_id, g_source_remove);
  g_clear_handle_id (&self->found_id, g_source_remove);
  g_clear_object (&self->mqtt);
  g_clear_object (&self->lan);
  g_clear_object (&self->signaling);
  g_clear_object (&self->presence);
  g_clear_object (&self->sync);
  g_clear_object (&self->board);
  if (self->peers != NULL)
    g_hash_table_remove_all (self->peers);
  while (self->closing->len > 0)
    {
      GObject *link = g_ptr_array_steal_index_fast (self->closing, self->closing->len - 1);

      g_object_weak_unref (link, closing_link_gone, self);
    }

  G_OBJECT_CLASS (tafel_session_parent_class)->dispose (object);
}

static void
tafel_session_finalize (GObject *object)
{
  TafelSession *self = TAFEL_SESSION (object);

  g_hash_table_unref (self->peers);
  g_ptr_array_unref (self->closing);
  g_hash_table_unref (self->seen_ids);
  g_hash_table_unref (self->banned);
  g_array_unref (self->found);
  g_queue_clear (&self->seen_order);
  g_clear_pointer (&self->auth, tafel_link_auth_unref);
  g_clear_pointer (&self->config, tafel_link_config_unref);

  G_OBJECT_CLASS (tafel_session_parent_class)->finalize (object);
}

static void
tafel_session_class_init (TafelSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tafel_session_dispose;
  object_class->finalize = tafel_session_finalize;

  signals[PEER_JOINED] =
    g_signal_new ("peer-joined", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[PEER_LEFT] =
    g_signal_new ("peer-left", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_POINTER);
  signals[STATUS_CHANGED] =
    g_signal_new ("status-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[IDENTITY_CHANGED] =
    g_signal_new ("identity-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_POINTER);
  signals[RECORDS_REISSUED] =
    g_signal_new ("records-reissued", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
tafel_session_init (TafelSession *self)
{
  self->peers = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, NULL, (GDestroyNotify) peer_free);
  self->closing = g_ptr_array_new ();
  self->seen_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->banned = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, g_free, (GDestroyNotify) g_error_free);
  self->found = g_array_new (FALSE, FALSE, sizeof (Found));
  g_queue_init (&self->seen_order);
}
