/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <nice/agent.h>
#include <string.h>

#include "tafel-frame-channel.h"
#include "tafel-link-private.h"
#include "tafel-transport.h"

/**
 * TafelLink:
 *
 * A secure link to one remote peer: one libnice agent (ICE with host,
 * server-reflexive and relayed candidates, trickled over a
 * #TafelSignaling), a reliable stream over it (#TafelTransport), a
 * handshake that proves board membership and identity, then encrypted,
 * length-prefixed frames with a type byte in each direction.
 *
 * Why the link runs a transport of its own over a non-reliable agent
 * rather than libnice's pseudo-TCP is measured and explained in
 * tests/bench/README.md (the `link` benchmark).
 *
 * ## Handshake
 *
 * Both sides send HELLO in the clear: protocol version, a tag naming the
 * board (a hash of its id), and an ephemeral X25519 key. From the two
 * ephemeral keys (crypto_kx; the lower key is the client) come a
 * transcript hash th = H(label ‖ version ‖ board id ‖ client key ‖ server
 * key) and the session keys; each direction's secretstream key is a keyed
 * hash of the kx key and th under a key derived from the board secret, so
 * nobody without the secret can read or write the stream. The first
 * encrypted frame each way is AUTH: the sender's identity key, a MAC of
 * the transcript under a key derived from the board secret, and the
 * identity's Ed25519 signature over the transcript, role and MAC. Roles
 * ('C'/'S') keep a peer from reflecting our own AUTH back at us.
 *
 * ## Frames
 *
 * A link is a #TafelFrameChannel: a frame is a type byte and a payload;
 * types below %TAFEL_LINK_FIRST_USER_TYPE are the link's own. Frames
 * arrive with #TafelFrameChannel::frame, in order; #TafelFrameChannel:writable
 * turns %FALSE while more than 1 MiB waits to go out, so a bulk sender can
 * pause, and #TafelFrameChannel::closed ends the channel.
 *
 * ## Failure
 *
 * Anything wrong closes this link only: its state becomes
 * %TAFEL_LINK_STATE_FAILED, #TafelLink::failed and then
 * #TafelFrameChannel::closed carry the reason (also logged with
 * g_message()), and no frame after the fault is delivered.
 */

#define MAX_PLAIN_FRAME         256
#define MAX_SEALED_FRAME        (1 + TAFEL_LINK_MAX_PAYLOAD + TAFEL_STREAM_ABYTES)
#define MIN_SEALED_FRAME        (1 + TAFEL_STREAM_ABYTES)

/* Send queue above the transport: congested above HIGH until below LOW;
 * sends fail above HARD. */
#define QUEUE_HIGH_WATER        (1024 * 1024)
#define QUEUE_LOW_WATER         (256 * 1024)
#define QUEUE_HARD_LIMIT        (64 * 1024 * 1024)

/* Work done per main loop dispatch before yielding to other sources. */
#define PUMP_MAX_DATAGRAMS      128
#define PUMP_MAX_SEND_BYTES     (4 * 1024 * 1024)
#define PUMP_MAX_FRAMES         256
#define PUMP_MAX_RECV_BYTES     (8 * 1024 * 1024)

/* How long a closed or refusing link keeps running to deliver its last
 * bytes (goodbye, or the handshake the peer needs to see what is wrong). */
#define LINGER_MS               2000

static void tafel_link_channel_iface_init (TafelFrameChannelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TafelLink, tafel_link, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TAFEL_TYPE_FRAME_CHANNEL,
                                                      tafel_link_channel_iface_init))

G_DEFINE_QUARK (tafel-link-error-quark, tafel_link_error)

enum
{
  PROP_0,
  PROP_STATE,
  PROP_PATH,
  N_PROPS,
  PROP_WRITABLE = N_PROPS,
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_CONNECTED,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GType
tafel_link_state_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { TAFEL_LINK_STATE_NEW, "TAFEL_LINK_STATE_NEW", "new" },
    { TAFEL_LINK_STATE_CONNECTING, "TAFEL_LINK_STATE_CONNECTING", "connecting" },
    { TAFEL_LINK_STATE_CONNECTED, "TAFEL_LINK_STATE_CONNECTED", "connected" },
    { TAFEL_LINK_STATE_FAILED, "TAFEL_LINK_STATE_FAILED", "failed" },
    { TAFEL_LINK_STATE_CLOSED, "TAFEL_LINK_STATE_CLOSED", "closed" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static (g_intern_static_string ("TafelLinkState"), values));
  return type;
}

GType
tafel_link_path_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { TAFEL_LINK_PATH_UNKNOWN, "TAFEL_LINK_PATH_UNKNOWN", "unknown" },
    { TAFEL_LINK_PATH_DIRECT, "TAFEL_LINK_PATH_DIRECT", "direct" },
    { TAFEL_LINK_PATH_NAT, "TAFEL_LINK_PATH_NAT", "nat" },
    { TAFEL_LINK_PATH_RELAYED, "TAFEL_LINK_PATH_RELAYED", "relayed" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static (g_intern_static_string ("TafelLinkPath"), values));
  return type;
}

static inline void
put_u32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static inline guint32
get_u32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static void
destroy_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

/* ---- state --------------------------------------------------------------- */

/* Writable: connected, and the queue not above high water (with
 * hysteresis down to low water). */
static void
update_writable (TafelLink *self)
{
  gboolean writable;

  if (self->out_queued >= QUEUE_HIGH_WATER)
    self->congested = TRUE;
  else if (self->out_queued <= QUEUE_LOW_WATER)
    self->congested = FALSE;

  writable = self->state == TAFEL_LINK_STATE_CONNECTED && !self->congested;
  if (writable != self->writable)
    {
      self->writable = writable;
      g_object_notify (G_OBJECT (self), "writable");
    }
}

static void
set_state (TafelLink      *self,
           TafelLinkState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  update_writable (self);
}

void
tafel_link_set_path (TafelLink     *self,
                     TafelLinkPath  path)
{
  if (self->path == path)
    return;
  self->path = path;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
}

/* Drops everything that talks to the network. Emits nothing. */
static void
teardown (TafelLink *self)
{
  /* Acknowledge what we got, so a peer lingering to deliver its last
   * frames (a goodbye) need not wait for its timeout. */
  if (self->agent != NULL && self->transport != NULL && self->ice_ready)
    {
      gsize len = tafel_transport_transmit_ack (self->transport, self->datagram,
                                                TAFEL_TRANSPORT_MAX_DATAGRAM, g_get_monotonic_time ());

      if (len > 0)
        nice_agent_send (self->agent, self->stream_id, 1, len, (const gchar *) self->datagram);
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_signal_handler (&self->signaling_handler, self->signaling);
  destroy_source (&self->connect_timer);
  destroy_source (&self->heartbeat_timer);
  destroy_source (&self->linger_timer);
  destroy_source (&self->pump_source);

  tafel_link_ice_close_agent (self);

  g_clear_pointer (&self->transport, tafel_transport_free);
  g_clear_pointer (&self->push, tafel_stream_free);
  g_clear_pointer (&self->pull, tafel_stream_free);
  g_queue_clear_full (&self->out_queue, (GDestroyNotify) g_bytes_unref);
  self->out_offset = 0;
  self->out_queued = 0;
  g_clear_pointer (&self->frame_buf, g_free);
  tafel_memzero (self->eph_secret, sizeof self->eph_secret);
  tafel_memzero (self->pull_key, sizeof self->pull_key);
}

static void begin_linger (TafelLink *self);

static const char *
describe_refusal (guint8 code)
{
  switch (code)
    {
    case TAFEL_LINK_ERROR_PROTOCOL:
      return _("we broke the link protocol");
    case TAFEL_LINK_ERROR_WRONG_BOARD:
      return _("we are on another board");
    case TAFEL_LINK_ERROR_WRONG_SECRET:
      return _("we do not know the board secret");
    case TAFEL_LINK_ERROR_BAD_SIGNATURE:
      return _("our identity signature is not valid");
    case TAFEL_LINK_ERROR_WRONG_PEER:
      return _("we are not the peer it expected");
    case TAFEL_LINK_ERROR_TAMPERED:
      return _("a frame from us arrived altered, replayed, reordered or cut short");
    case TAFEL_LINK_ERROR_FRAME_TOO_LARGE:
      return _("we sent a frame larger than allowed");
    default:
      return _("it saw an error");
    }
}

/* Errors where the peer is still there and should learn of the refusal:
 * keep sending a moment (the rest of our handshake, so it finds the
 * problem itself, and an authenticated goodbye naming the reason if we
 * can seal one). */
static gboolean
is_refusal (TafelLinkError code)
{
  switch (code)
    {
    case TAFEL_LINK_ERROR_PROTOCOL:
    case TAFEL_LINK_ERROR_WRONG_BOARD:
    case TAFEL_LINK_ERROR_WRONG_SECRET:
    case TAFEL_LINK_ERROR_BAD_SIGNATURE:
    case TAFEL_LINK_ERROR_WRONG_PEER:
    case TAFEL_LINK_ERROR_TAMPERED:
    case TAFEL_LINK_ERROR_FRAME_TOO_LARGE:
      return TRUE;
    default:
      return FALSE;
    }
}

void
tafel_link_fail (TafelLink      *self,
                 TafelLinkError  code,
                 const char     *format,
                 ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (self->state == TAFEL_LINK_STATE_FAILED || self->state == TAFEL_LINK_STATE_CLOSED)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_message ("Link to peer %s failed: %s", self->name, message);
  self->error = g_error_new_literal (TAFEL_LINK_ERROR, code, message);

  g_object_ref (self);
  if (is_refusal (code) && self->ice_ready && self->transport != NULL)
    {
      if (self->push != NULL)
        {
          guint8 reason = code + 1;

          tafel_link_queue_sealed (self, FRAME_GOODBYE, &reason, 1);
        }
      begin_linger (self);
    }
  else
    {
      teardown (self);
    }
  set_state (self, TAFEL_LINK_STATE_FAILED);
  g_signal_emit (self, signals[SIGNAL_FAILED], 0, self->error);
  tafel_frame_channel_emit_closed (TAFEL_FRAME_CHANNEL (self), self->error);
  g_object_unref (self);
}

static void
closed_by_peer (TafelLink *self)
{
  g_debug ("Link to peer %s closed by the peer", self->name);
  g_object_ref (self);
  teardown (self);
  set_state (self, TAFEL_LINK_STATE_CLOSED);
  tafel_frame_channel_emit_closed (TAFEL_FRAME_CHANNEL (self), NULL);
  g_object_unref (self);
}

/* ---- frames out ---------------------------------------------------------- */

static void
queue_bytes (TafelLink *self,
             GBytes    *bytes)
{
  self->out_queued += g_bytes_get_size (bytes);
  g_queue_push_tail (&self->out_queue, bytes);
  update_writable (self);
  tafel_link_schedule_pump (self, 0);
}

void
tafel_link_queue_plain (TafelLink    *self,
                        const guint8 *data,
                        gsize         len)
{
  guint8 *buf = g_malloc (4 + len);

  put_u32 (buf, len);
  memcpy (buf + 4, data, len);
  queue_bytes (self, g_bytes_new_take (buf, 4 + len));
}

/* Seals a whole frame (type byte and payload) for the wire. */
static GBytes *
seal_frame (TafelLink    *self,
            const guint8 *frame,
            gsize         len)
{
  gsize sealed_len = len + TAFEL_STREAM_ABYTES;
  guint8 *buf = g_malloc (4 + sealed_len);

  put_u32 (buf, sealed_len);
  tafel_stream_push (self->push, buf + 4, frame, len);
  return g_bytes_new_take (buf, 4 + sealed_len);
}

static GBytes *
seal (TafelLink    *self,
      guint8        type,
      const guint8 *payload,
      gsize         len)
{
  g_autofree guint8 *frame = g_malloc (1 + len);

  frame[0] = type;
  if (len > 0)
    memcpy (frame + 1, payload, len);
  return seal_frame (self, frame, 1 + len);
}

void
tafel_link_queue_sealed (TafelLink    *self,
                         guint8        type,
                         const guint8 *payload,
                         gsize         len)
{
  queue_bytes (self, seal (self, type, payload, len));
  self->last_frame_sent = g_get_monotonic_time ();
}

/* Moves queued bytes into the transport as far as it has room. */
static void
flush_out_queue (TafelLink *self)
{
  GBytes *head;

  while ((head = g_queue_peek_head (&self->out_queue)) != NULL)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (head, &size);
      gsize taken = tafel_transport_write (self->transport, data + self->out_offset,
                                           size - self->out_offset);

      self->out_offset += taken;
      self->out_queued -= taken;
      if (self->out_offset < size)
        break;
      g_bytes_unref (g_queue_pop_head (&self->out_queue));
      self->out_offset = 0;
    }
  update_writable (self);
}

/* ---- frames in ----------------------------------------------------------- */

/* Handles one whole frame. @data may point into the transport's buffer. */
static void
handle_frame (TafelLink    *self,
              const guint8 *data,
              gsize         len)
{
  g_autoptr(GError) error = NULL;
  guint8 *plain;
  guint8 type;

  switch (self->phase)
    {
    case PHASE_HELLO:
      tafel_link_handshake_receive_hello (self, data, len);
      return;
    case PHASE_HEADER:
      tafel_link_handshake_receive_header (self, data, len);
      return;
    case PHASE_AUTH:
    case PHASE_OPEN:
    default:
      break;
    }

  plain = g_malloc (len - TAFEL_STREAM_ABYTES);
  if (!tafel_stream_pull (self->pull, plain, data, len, &error))
    {
      g_free (plain);
      if (self->phase == PHASE_AUTH)
        tafel_link_fail (self, TAFEL_LINK_ERROR_WRONG_SECRET,
                         _("The peer does not know the board secret (its handshake does not decrypt)"));
      else
        tafel_link_fail (self, TAFEL_LINK_ERROR_TAMPERED,
                         _("A frame from the peer was altered, replayed, reordered or cut short"));
      return;
    }

  type = plain[0];
  if (self->phase == PHASE_AUTH)
    {
      if (type == FRAME_AUTH)
        tafel_link_handshake_receive_auth (self, plain + 1, len - TAFEL_STREAM_ABYTES - 1);
      else
        tafel_link_fail (self, TAFEL_LINK_ERROR_PROTOCOL, _("The peer sent data before authenticating"));
      g_free (plain);
      return;
    }

  switch (type)
    {
    case FRAME_PING:
      g_free (plain);
      break;

    case FRAME_GOODBYE:
      if (len - TAFEL_STREAM_ABYTES == 1)
        {
          g_free (plain);
          closed_by_peer (self);
        }
      else
        {
          guint8 reason = len - TAFEL_STREAM_ABYTES > 1 ? plain[1] : 0;

          g_free (plain);
          tafel_link_fail (self, TAFEL_LINK_ERROR_REFUSED, _("The peer refused the link: %s"),
                           describe_refusal (reason - 1));
        }
      break;

    default:
      if (type < TAFEL_LINK_FIRST_USER_TYPE)
        {
          g_free (plain);
          tafel_link_fail (self, TAFEL_LINK_ERROR_PROTOCOL,
                           _("The peer sent a frame of unknown type %u"), type);
        }
      else
        {
          g_autoptr(GBytes) frame = g_bytes_new_take (plain, len - TAFEL_STREAM_ABYTES);

          tafel_frame_channel_emit_frame (TAFEL_FRAME_CHANNEL (self), frame);
        }
      break;
    }
}

static gboolean
frame_length_ok (TafelLink *self,
                 guint32    len)
{
  if (self->phase == PHASE_HELLO || self->phase == PHASE_HEADER)
    {
      if (len == 0 || len > MAX_PLAIN_FRAME)
        {
          tafel_link_fail (self, TAFEL_LINK_ERROR_PROTOCOL, _("The peer sent a malformed handshake"));
          return FALSE;
        }
    }
  else if (len > MAX_SEALED_FRAME)
    {
      tafel_link_fail (self, TAFEL_LINK_ERROR_FRAME_TOO_LARGE,
                       _("The peer sent a frame of %u bytes; at most %u are allowed"),
                       len, (guint) MAX_SEALED_FRAME);
      return FALSE;
    }
  else if (len < MIN_SEALED_FRAME)
    {
      tafel_link_fail (self, TAFEL_LINK_ERROR_TAMPERED,
                       _("A frame from the peer was altered, replayed, reordered or cut short"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
link_is_live (TafelLink *self)
{
  return self->transport != NULL &&
         (self->state == TAFEL_LINK_STATE_CONNECTING || self->state == TAFEL_LINK_STATE_CONNECTED);
}

/* Parses and handles frames from the stream. Returns whether the budget
 * ran out with more to read. */
static gboolean
read_frames (TafelLink *self)
{
  guint frames = 0;
  gsize bytes = 0;

  while (link_is_live (self) && !self->receive_paused && !self->receive_held && !self->lingering)
    {
      gsize avail;
      const guint8 *data = tafel_transport_peek (self->transport, &avail);
      gsize take;

      if (data == NULL)
        return FALSE;
      if (frames >= PUMP_MAX_FRAMES || bytes >= PUMP_MAX_RECV_BYTES)
        return TRUE;

      if (self->len_have < 4)
        {
          take = MIN (4 - self->len_have, avail);
          memcpy (self->len_buf + self->len_have, data, take);
          self->len_have += take;
          tafel_transport_consume (self->transport, take);
          if (self->len_have < 4)
            continue;

          self->frame_len = get_u32 (self->len_buf);
          self->frame_have = 0;
          if (!frame_length_ok (self, self->frame_len))
            return FALSE;
          continue;
        }

      if (self->frame_have == 0 && avail >= self->frame_len)
        {
          /* The whole frame is in the transport's buffer: use it there. */
          gsize len = self->frame_len;

          self->len_have = 0;
          handle_frame (self, data, len);
          if (self->transport != NULL)
            tafel_transport_consume (self->transport, len);
          frames++;
          bytes += len;
          continue;
        }

      if (self->frame_buf == NULL)
        self->frame_buf = g_malloc (self->frame_len);
      take = MIN (self->frame_len - self->frame_have, avail);
      memcpy (self->frame_buf + self->frame_have, data, take);
      self->frame_have += take;
      tafel_transport_consume (self->transport, take);

      if (self->frame_have == self->frame_len)
        {
          g_autofree guint8 *frame = g_steal_pointer (&self->frame_buf);

          self->len_have = 0;
          self->frame_have = 0;
          handle_frame (self, frame, self->frame_len);
          frames++;
          bytes += self->frame_len;
        }
    }

  return FALSE;
}

/* ---- the pump: moves bytes between frames, transport and agent ----------- */

static gboolean
send_datagrams (TafelLink *self,
                gint64     now)
{
  gsize sent_bytes = 0;

  for (guint i = 0; i < PUMP_MAX_DATAGRAMS && sent_bytes < PUMP_MAX_SEND_BYTES; i++)
    {
      gsize len = tafel_transport_transmit (self->transport, self->datagram,
                                            TAFEL_TRANSPORT_MAX_DATAGRAM, now);

      if (len == 0)
        return FALSE;
      /* A datagram the socket refuses counts as lost; the transport
       * repairs that like any loss. */
      nice_agent_send (self->agent, self->stream_id, 1, len, (const gchar *) self->datagram);
      sent_bytes += len;
    }

  return TRUE;
}

static void finish_linger (TafelLink *self);

static void
pump (TafelLink *self)
{
  gint64 now = g_get_monotonic_time ();
  gboolean more = FALSE;

  g_object_ref (self);

  if (self->transport == NULL)
    goto out;

  if (now >= tafel_transport_get_deadline (self->transport, now))
    tafel_transport_handle_timeout (self->transport, now);

  more = read_frames (self);
  if (self->transport == NULL)
    goto out;

  flush_out_queue (self);
  if (self->ice_ready)
    {
      more |= send_datagrams (self, now);

      if (self->lingering && self->out_queued == 0 &&
          tafel_transport_get_unacked (self->transport) == 0)
        {
          finish_linger (self);
          goto out;
        }

      if (more)
        tafel_link_schedule_pump (self, 0);
      else
        {
          gint64 deadline = tafel_transport_get_deadline (self->transport, g_get_monotonic_time ());

          tafel_link_schedule_pump (self, deadline == G_MAXINT64 ? -1 : deadline);
        }
    }
  else if (more)
    {
      tafel_link_schedule_pump (self, 0);
    }

out:
  g_object_unref (self);
}

static gboolean
pump_dispatch (GSource     *source,
               GSourceFunc  callback,
               gpointer     user_data)
{
  g_source_set_ready_time (source, -1);
  pump (user_data);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs pump_funcs = {
  .dispatch = pump_dispatch,
};

void
tafel_link_schedule_pump (TafelLink *self,
                          gint64     ready_time)
{
  gint64 current;

  if (self->transport == NULL)
    return;

  if (self->pump_source == NULL)
    {
      self->pump_source = g_source_new (&pump_funcs, sizeof (GSource));
      g_source_set_callback (self->pump_source, NULL, self, NULL);
      g_source_set_static_name (self->pump_source, "[tafel] link pump");
      g_source_set_ready_time (self->pump_source, -1);
      g_source_attach (self->pump_source, self->context);
    }

  /* Only ever sooner: the pump recomputes its next deadline each time. */
  current = g_source_get_ready_time (self->pump_source);
  if (ready_time >= 0 && (current < 0 || ready_time < current))
    g_source_set_ready_time (self->pump_source, ready_time);
}

/* ---- timers -------------------------------------------------------------- */

static gboolean
connect_timeout (gpointer data)
{
  TafelLink *self = data;

  g_clear_pointer (&self->connect_timer, g_source_unref);
  tafel_link_fail (self, TAFEL_LINK_ERROR_TIMEOUT,
                   self->ice_ready ? _("The peer did not complete the handshake in time")
                                   : _("No network path to the peer was found in time"));
  return G_SOURCE_REMOVE;
}

static gboolean
heartbeat_tick (gpointer data)
{
  TafelLink *self = data;
  gint64 now = g_get_monotonic_time ();
  gint64 dead_us = (gint64) tafel_link_config_get_dead_timeout (self->config) * 1000;
  gint64 heartbeat_us = (gint64) tafel_link_config_get_heartbeat (self->config) * 1000;

  if (self->state != TAFEL_LINK_STATE_CONNECTED)
    return G_SOURCE_CONTINUE;

  if (now - self->last_received >= dead_us)
    {
      tafel_link_fail (self, TAFEL_LINK_ERROR_PEER_DEAD,
                       _("Nothing was heard from the peer for %.1f seconds"),
                       (now - self->last_received) / 1e6);
      return G_SOURCE_CONTINUE;
    }

  if (now - self->last_frame_sent >= heartbeat_us)
    tafel_link_queue_sealed (self, FRAME_PING, NULL, 0);

  return G_SOURCE_CONTINUE;
}

void
tafel_link_authenticated (TafelLink *self)
{
  guint interval;

  destroy_source (&self->connect_timer);
  self->last_received = g_get_monotonic_time ();

  interval = MIN (tafel_link_config_get_heartbeat (self->config),
                  tafel_link_config_get_dead_timeout (self->config) / 4);
  self->heartbeat_timer = g_timeout_source_new (MAX (interval, 1));
  g_source_set_callback (self->heartbeat_timer, heartbeat_tick, self, NULL);
  g_source_set_static_name (self->heartbeat_timer, "[tafel] link heartbeat");
  g_source_attach (self->heartbeat_timer, self->context);

  self->connected_at = g_get_monotonic_time ();
  g_debug ("Link to peer %s connected: ICE took %.0f ms, the handshake %.0f ms more", self->name,
           (self->ice_ready_at - self->started_at) / 1e3,
           (self->connected_at - self->ice_ready_at) / 1e3);
  set_state (self, TAFEL_LINK_STATE_CONNECTED);
  g_signal_emit (self, signals[SIGNAL_CONNECTED], 0);
}

/* Links of this process still delivering their goodbye. */
static int n_lingering;

static void
finish_linger (TafelLink *self)
{
  if (!self->lingering)
    return;
  self->lingering = FALSE;
  g_atomic_int_dec_and_test (&n_lingering);
  teardown (self);
  /* The reference taken when lingering began. */
  g_object_unref (self);
}

static gboolean
linger_timeout (gpointer data)
{
  TafelLink *self = data;

  g_clear_pointer (&self->linger_timer, g_source_unref);
  finish_linger (self);
  return G_SOURCE_REMOVE;
}

/* Keeps the stream running, holding a reference, until what is queued is
 * acknowledged or LINGER_MS pass; nothing more is delivered meanwhile. */
static void
begin_linger (TafelLink *self)
{
  g_clear_signal_handler (&self->signaling_handler, self->signaling);
  destroy_source (&self->heartbeat_timer);
  destroy_source (&self->connect_timer);
  self->lingering = TRUE;
  g_atomic_int_inc (&n_lingering);
  g_object_ref (self);
  self->linger_timer = g_timeout_source_new (LINGER_MS);
  g_source_set_callback (self->linger_timer, linger_timeout, self, NULL);
  g_source_set_static_name (self->linger_timer, "[tafel] link linger");
  g_source_attach (self->linger_timer, self->context);
  tafel_link_schedule_pump (self, 0);
}

/* ---- GObject ------------------------------------------------------------- */

static void
tafel_link_dispose (GObject *object)
{
  TafelLink *self = TAFEL_LINK (object);

  teardown (self);
  g_clear_object (&self->signaling);

  G_OBJECT_CLASS (tafel_link_parent_class)->dispose (object);
}

static void
tafel_link_finalize (GObject *object)
{
  TafelLink *self = TAFEL_LINK (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->config, tafel_link_config_unref);
  g_clear_pointer (&self->auth, tafel_link_auth_unref);
  g_clear_error (&self->error);
  g_free (self->name);
  g_free (self->stun_ip);
  g_ptr_array_unref (self->turn_ips);
  g_free (self->local_ufrag);
  g_free (self->local_pwd);
  g_free (self->remote_ufrag);
  g_free (self->remote_pwd);
  g_ptr_array_unref (self->local_candidates);
  g_ptr_array_unref (self->pending_candidates);
  g_free (self->datagram);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (tafel_link_parent_class)->finalize (object);
}

static void
tafel_link_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  TafelLink *self = TAFEL_LINK (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_PATH:
      g_value_set_enum (value, self->path);
      break;
    case PROP_WRITABLE:
      g_value_set_boolean (value, self->writable);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tafel_link_class_init (TafelLinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tafel_link_dispose;
  object_class->finalize = tafel_link_finalize;
  object_class->get_property = tafel_link_get_property;

  /**
   * TafelLink:state:
   *
   * Where the link is: new, connecting, connected, failed or closed.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TAFEL_TYPE_LINK_STATE, TAFEL_LINK_STATE_NEW,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * TafelLink:path:
   *
   * The kind of network path in use, for the UI: direct, via NAT, relayed.
   */
  properties[PROP_PATH] =
    g_param_spec_enum ("path", NULL, NULL, TAFEL_TYPE_LINK_PATH, TAFEL_LINK_PATH_UNKNOWN,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_WRITABLE, "writable");

  /**
   * TafelLink::connected:
   * @self: the link
   *
   * The peer is authenticated; frames may be sent.
   */
  signals[SIGNAL_CONNECTED] =
    g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * TafelLink::failed:
   * @self: the link
   * @error: why, in %TAFEL_LINK_ERROR
   *
   * The link gave up or refused the peer. Nothing more is delivered;
   * #TafelFrameChannel::closed follows with the same error.
   */
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
tafel_link_init (TafelLink *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
  tafel_link_ice_init (self);
  g_queue_init (&self->out_queue);
}

/* ---- public API ---------------------------------------------------------- */

/**
 * tafel_link_new:
 * @signaling: how to reach the peer before the link is up
 * @config: STUN/TURN servers and timing
 * @auth: what we prove: board membership and identity
 * @remote: the peer's identity key
 *
 * Creates a link to one peer; tafel_link_start() starts it. Both peers
 * create a link to each other; which side controls ICE follows from
 * comparing the two identity keys. The link runs on the thread-default
 * main context.
 *
 * Returns: (transfer full): a new link
 */
TafelLink *
tafel_link_new (TafelSignaling       *signaling,
                TafelLinkConfig      *config,
                TafelLinkAuth        *auth,
                const TafelPublicKey *remote)
{
  TafelLink *self;
  char name[TAFEL_PUBLIC_KEY_SHORT_HEX_SIZE];
  int order;

  g_return_val_if_fail (TAFEL_IS_SIGNALING (signaling), NULL);
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (auth != NULL, NULL);
  g_return_val_if_fail (remote != NULL, NULL);

  order = memcmp (tafel_link_auth_get_identity (auth)->bytes, remote->bytes, TAFEL_PUBLIC_KEY_BYTES);
  g_return_val_if_fail (order != 0, NULL);

  self = g_object_new (TAFEL_TYPE_LINK, NULL);
  self->signaling = g_object_ref (signaling);
  self->config = tafel_link_config_ref (config);
  self->auth = tafel_link_auth_ref (auth);
  self->remote_key = *remote;
  self->controlling = order > 0;
  self->name = g_strdup (tafel_public_key_to_short_hex (remote, name));

  return self;
}

/**
 * tafel_link_start:
 * @self: a new link
 *
 * Starts finding a path to the peer and authenticating it. The state
 * becomes %TAFEL_LINK_STATE_CONNECTING, then connected or failed.
 */
void
tafel_link_start (TafelLink *self)
{
  g_return_if_fail (TAFEL_IS_LINK (self));
  g_return_if_fail (self->state == TAFEL_LINK_STATE_NEW);

  set_state (self, TAFEL_LINK_STATE_CONNECTING);
  self->started_at = g_get_monotonic_time ();

  self->signaling_handler = g_signal_connect (self->signaling, "message-received",
                                              G_CALLBACK (tafel_link_ice_receive_signal), self);

  self->connect_timer = g_timeout_source_new (tafel_link_config_get_connect_timeout (self->config));
  g_source_set_callback (self->connect_timer, connect_timeout, self, NULL);
  g_source_set_static_name (self->connect_timer, "[tafel] link connect timeout");
  g_source_attach (self->connect_timer, self->context);

  self->transport = tafel_transport_new (tafel_link_config_get_window (self->config));
  self->datagram = g_malloc (TAFEL_TRANSPORT_MAX_DATAGRAM);
  tafel_link_handshake_start (self);
  tafel_link_ice_start (self);
}

/**
 * tafel_link_restart_ice:
 * @self: a connected link
 *
 * Looks for a network path again (an ICE restart), for when the path in
 * use stopped working or the network changed: new ICE credentials, both
 * sides' candidates checked anew. The authenticated stream carries on
 * over the new path; nothing is lost or sent twice. The controlling side
 * restarts; the controlled side asks it to.
 *
 * Returns: %FALSE if the link is not connected
 */
gboolean
tafel_link_restart_ice (TafelLink *self)
{
  g_return_val_if_fail (TAFEL_IS_LINK (self), FALSE);

  if (self->state != TAFEL_LINK_STATE_CONNECTED || self->agent == NULL ||
      self->remote_ufrag == NULL || self->restarting)
    return FALSE;

  tafel_link_ice_restart (self);
  return TRUE;
}

/**
 * tafel_link_send:
 * @self: a connected link
 * @type: the frame type, at least %TAFEL_LINK_FIRST_USER_TYPE
 * @payload: at most %TAFEL_LINK_MAX_PAYLOAD bytes
 * @error: return location for a #GError
 *
 * Queues a frame. Frames arrive in the order sent. The queue has no
 * limit short of a hard one (64 MiB); bulk senders watch
 * #TafelFrameChannel:writable to keep it short.
 *
 * Returns: %FALSE with %TAFEL_LINK_ERROR_NOT_CONNECTED,
 *   %TAFEL_LINK_ERROR_FRAME_TOO_LARGE or %TAFEL_LINK_ERROR_QUEUE_FULL
 */
gboolean
tafel_link_send (TafelLink  *self,
                 guint8      type,
                 GBytes     *payload,
                 GError    **error)
{
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (TAFEL_IS_LINK (self), FALSE);
  g_return_val_if_fail (type >= TAFEL_LINK_FIRST_USER_TYPE, FALSE);
  g_return_val_if_fail (payload != NULL, FALSE);

  if (self->state != TAFEL_LINK_STATE_CONNECTED)
    {
      g_set_error_literal (error, TAFEL_LINK_ERROR, TAFEL_LINK_ERROR_NOT_CONNECTED,
                           _("The link is not connected"));
      return FALSE;
    }

  data = g_bytes_get_data (payload, &len);
  if (len > TAFEL_LINK_MAX_PAYLOAD)
    {
      g_set_error (error, TAFEL_LINK_ERROR, TAFEL_LINK_ERROR_FRAME_TOO_LARGE,
                   _("A frame of %zu bytes is larger than the %d allowed"),
                   len, TAFEL_LINK_MAX_PAYLOAD);
      return FALSE;
    }
  if (self->out_queued >= QUEUE_HARD_LIMIT)
    {
      g_set_error_literal (error, TAFEL_LINK_ERROR, TAFEL_LINK_ERROR_QUEUE_FULL,
                           _("The link’s send queue is full"));
      return FALSE;
    }

  tafel_link_queue_sealed (self, type, data, len);
  return TRUE;
}

static gboolean
emit_closed_later (gpointer data)
{
  tafel_frame_channel_emit_closed (TAFEL_FRAME_CHANNEL (data), NULL);
  return G_SOURCE_REMOVE;
}

/**
 * tafel_link_close:
 * @self: a link
 *
 * Closes the link: a connected link says goodbye to the peer (delivered in
 * the background even if the link is dropped at once). The state becomes
 * %TAFEL_LINK_STATE_CLOSED.
 */
void
tafel_link_close (TafelLink *self)
{
  g_return_if_fail (TAFEL_IS_LINK (self));

  if (self->state == TAFEL_LINK_STATE_FAILED || self->state == TAFEL_LINK_STATE_CLOSED)
    return;

  /* Also when our AUTH is out but the peer's has not arrived yet: the peer
   * may count the link as up already, and would otherwise learn that we
   * left only by its dead-peer timeout. */
  if (self->transport != NULL && self->ice_ready && self->push != NULL)
    {
      tafel_link_queue_sealed (self, FRAME_GOODBYE, NULL, 0);
      begin_linger (self);
    }
  else
    {
      teardown (self);
    }

  set_state (self, TAFEL_LINK_STATE_CLOSED);
  /* Like a channel closed by the peer, but never from within this call. */
  {
    GSource *idle = g_idle_source_new ();

    g_source_set_callback (idle, emit_closed_later, g_object_ref (self), g_object_unref);
    g_source_set_static_name (idle, "[tafel] link closed");
    g_source_attach (idle, self->context);
    g_source_unref (idle);
  }
}

/**
 * tafel_link_get_state:
 * @self: a link
 *
 * Returns: where the link is
 */
TafelLinkState
tafel_link_get_state (TafelLink *self)
{
  g_return_val_if_fail (TAFEL_IS_LINK (self), TAFEL_LINK_STATE_NEW);
  return self->state;
}

/**
 * tafel_link_get_error:
 * @self: a link
 *
 * Returns: (transfer none) (nullable): why the link failed
 */
const GError *
tafel_link_get_error (TafelLink *self)
{
  g_return_val_if_fail (TAFEL_IS_LINK (self), NULL);
  return self->error;
}

/**
 * tafel_link_get_path:
 * @self: a link
 *
 * Returns: the kind of path in use, %TAFEL_LINK_PATH_UNKNOWN before ICE
 *   selected one
 */
TafelLinkPath
tafel_link_get_path (TafelLink *self)
{
  g_return_val_if_fail (TAFEL_IS_LINK (self), TAFEL_LINK_PATH_UNKNOWN);
  return self->path;
}

/**
 * tafel_link_path_to_string:
 * @path: a path kind
 *
 * Returns: a short English name, for logs and `--json` output
 */
const char *
tafel_link_path_to_string (TafelLinkPath path)
{
  switch (path)
    {
    case TAFEL_LINK_PATH_DIRECT:
      return "direct";
    case TAFEL_LINK_PATH_NAT:
      return "nat";
    case TAFEL_LINK_PATH_RELAYED:
      return "relayed";
    case TAFEL_LINK_PATH_UNKNOWN:
    default:
      return "unknown";
    }
}

/**
 * tafel_link_get_remote_key:
 * @self: a link
 *
 * Returns: (transfer none): the peer's identity
 */
const TafelPublicKey *
tafel_link_get_remote_key (TafelLink *self)
{
  g_return_val_if_fail (TAFEL_IS_LINK (self), NULL);
  return &self->remote_key;
}

/**
 * tafel_link_is_controlling:
 * @self: a link
 *
 * Returns: whether this side controls ICE (its identity key is the
 *   greater of the two)
 */
gboolean
tafel_link_is_controlling (TafelLink *self)
{
  g_return_val_if_fail (TAFEL_IS_LINK (self), FALSE);
  return self->controlling;
}

/**
 * tafel_link_get_ice_time:
 * @self: a link
 *
 * How long ICE took to find a path: from tafel_link_start() (resolving the
 * servers, gathering candidates, exchanging them with the peer, the
 * connectivity checks) until the first working candidate pair.
 *
 * Returns: microseconds, or -1 while ICE has found no path yet
 */
gint64
tafel_link_get_ice_time (TafelLink *self)
{
  g_return_val_if_fail (TAFEL_IS_LINK (self), -1);
  return self->ice_ready_at != 0 ? self->ice_ready_at - self->started_at : -1;
}

/**
 * tafel_link_get_connect_time:
 * @self: a link
 *
 * How long the link took to come up: from tafel_link_start() until the
 * handshake authenticated the peer (the ICE time plus the handshake).
 *
 * Returns: microseconds, or -1 while the link has not been connected
 */
gint64
tafel_link_get_connect_time (TafelLink *self)
{
  g_return_val_if_fail (TAFEL_IS_LINK (self), -1);
  return self->connected_at != 0 ? self->connected_at - self->started_at : -1;
}

/**
 * tafel_link_get_send_queue_size:
 * @self: a link
 *
 * Returns: bytes queued and not yet acknowledged by the peer
 */
gsize
tafel_link_get_send_queue_size (TafelLink *self)
{
  g_return_val_if_fail (TAFEL_IS_LINK (self), 0);
  return self->out_queued + (self->transport != NULL ? tafel_transport_get_unacked (self->transport) : 0);
}

/**
 * tafel_link_set_receive_paused:
 * @self: a link
 * @paused: whether to stop taking frames
 *
 * Stops or resumes delivering frames. While paused the peer's sending
 * stops once the window is full, so a busy receiver holds at most a window
 * of data. (Heartbeats still count: a paused link is not dead.)
 */
void
tafel_link_set_receive_paused (TafelLink *self,
                               gboolean   paused)
{
  g_return_if_fail (TAFEL_IS_LINK (self));

  self->receive_paused = paused;
  if (!paused)
    tafel_link_schedule_pump (self, 0);
}

/**
 * tafel_link_get_rtt:
 * @self: a link
 *
 * Returns: the smoothed round-trip time in µs, 0 before it is measured
 */
gint64
tafel_link_get_rtt (TafelLink *self)
{
  TafelTransportStats stats;

  g_return_val_if_fail (TAFEL_IS_LINK (self), 0);
  if (self->transport == NULL)
    return 0;
  tafel_transport_get_stats (self->transport, &stats);
  return stats.srtt_us;
}

/* ---- TafelFrameChannel --------------------------------------------------- */

static gboolean
channel_send (TafelFrameChannel *channel,
              GBytes            *frame)
{
  TafelLink *self = TAFEL_LINK (channel);
  gsize len;
  const guint8 *data = g_bytes_get_data (frame, &len);

  g_return_val_if_fail (len >= 1 && data[0] >= TAFEL_LINK_FIRST_USER_TYPE, FALSE);

  if (self->state != TAFEL_LINK_STATE_CONNECTED || len > 1 + TAFEL_LINK_MAX_PAYLOAD ||
      self->out_queued >= QUEUE_HARD_LIMIT)
    return FALSE;

  queue_bytes (self, seal_frame (self, data, len));
  self->last_frame_sent = g_get_monotonic_time ();
  return TRUE;
}

static gboolean
channel_is_writable (TafelFrameChannel *channel)
{
  return TAFEL_LINK (channel)->writable;
}

static gsize
channel_get_max_frame (TafelFrameChannel *channel)
{
  return 1 + TAFEL_LINK_MAX_PAYLOAD;
}

static void
channel_close (TafelFrameChannel *channel)
{
  tafel_link_close (TAFEL_LINK (channel));
}

static void
channel_set_receive_held (TafelFrameChannel *channel,
                          gboolean           held)
{
  TafelLink *self = TAFEL_LINK (channel);

  self->receive_held = held;
  if (!held)
    tafel_link_schedule_pump (self, 0);
}

static void
tafel_link_channel_iface_init (TafelFrameChannelInterface *iface)
{
  iface->set_receive_held = channel_set_receive_held;
  iface->send = channel_send;
  iface->is_writable = channel_is_writable;
  iface->get_max_frame = channel_get_max_frame;
  iface->close = channel_close;
}

/* ---- hooks for tests and benchmarks -------------------------------------- */

GBytes *
tafel_link_test_seal_frame (TafelLink *self,
                            guint8     type,
                            GBytes    *payload)
{
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (TAFEL_IS_LINK (self), NULL);
  g_return_val_if_fail (self->push != NULL, NULL);

  data = g_bytes_get_data (payload, &len);
  return seal (self, type, data, len);
}

void
tafel_link_test_send_raw (TafelLink *self,
                          GBytes    *bytes)
{
  g_return_if_fail (TAFEL_IS_LINK (self));
  g_return_if_fail (self->transport != NULL);

  queue_bytes (self, g_bytes_ref (bytes));
}

void
tafel_link_test_receive_frame (TafelLink    *self,
                               const guint8 *data,
                               gsize         len)
{
  g_return_if_fail (TAFEL_IS_LINK (self));

  if (self->state == TAFEL_LINK_STATE_FAILED || self->state == TAFEL_LINK_STATE_CLOSED)
    return;
  if (len <= G_MAXUINT32 && frame_length_ok (self, (guint32) len))
    handle_frame (self, data, len);
}

void
tafel_link_set_remote_candidate_filter (TafelLink                *self,
                                        TafelLinkCandidateFilter  filter,
                                        gpointer                  user_data)
{
  g_return_if_fail (TAFEL_IS_LINK (self));

  self->candidate_filter = filter;
  self->candidate_filter_data = user_data;
}

void
tafel_link_get_transport_stats (TafelLink           *self,
                                TafelTransportStats *stats)
{
  g_return_if_fail (TAFEL_IS_LINK (self));

  if (self->transport != NULL)
    tafel_transport_get_stats (self->transport, stats);
  else
    memset (stats, 0, sizeof *stats);
}

NiceAgent *
tafel_link_test_get_agent (TafelLink *self)
{
  g_return_val_if_fail (TAFEL_IS_LINK (self), NULL);
  return self->agent;
}

guint
tafel_link_test_get_stream_id (TafelLink *self)
{
  g_return_val_if_fail (TAFEL_IS_LINK (self), 0);
  return self->stream_id;
}

/**
 * tafel_link_saying_goodbye:
 *
 * Whether closed links of this process are still delivering their goodbye
 * (each for at most about 2 s). A process about to exit runs its main loop
 * until this is %FALSE, so that its peers see it leave at once rather than
 * after their dead-peer timeout.
 *
 * Returns: %TRUE while a closed link lingers
 */
gboolean
tafel_link_saying_goodbye (void)
{
  return g_atomic_int_get (&n_lingering) > 0;
}
