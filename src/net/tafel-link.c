/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <nice/agent.h>
#include <string.h>
#include <sys/socket.h>

#include "tafel-frame-channel.h"
#include "tafel-link-auth-private.h"
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
 * ## Transport choice
 *
 * Measured in one process on 127.0.0.1 with tests/bench/bench-link (50 ms
 * RTT through a delay relay of the benchmark's own; the machine's two
 * cores are shared, so rates vary by ±30 % between runs):
 *
 *   transport                                 loopback     50 ms RTT
 *   libnice reliable agent (pseudo-TCP)       408 MB/s      1.1 MB/s
 *   PseudoTcpSocket, 1 MiB buffers            236 MB/s      0.2 MB/s *
 *   TafelLink (this), encrypted              572 MB/s     19.5 MB/s
 *                                    (1200 B datagrams: 312 MB/s)
 *   (a second run: 305, 234, 588 (302) MB/s; 1.1, 0.2, 17.4 MB/s)
 *
 * - libnice's reliable agent runs its pseudo-TCP with a 60 KiB window that
 *   the agent does not let us change: window ÷ RTT caps it at ~1.2 MB/s
 *   on a 50 ms path.
 * - A PseudoTcpSocket of our own over a non-reliable agent takes larger
 *   buffers, but it has no pacing and no selective acknowledgement: a burst
 *   of losses is repaired one segment per round trip (NewReno), and a lost
 *   handshake segment costs its 1 s minimum RTO. With 1 MiB buffers and the
 *   kernel's default socket buffers (208 KiB) its own bursts overflow the
 *   receiver and it crawls (* 5–7 of 20 MB in 30 s). A prototype with
 *   4 MiB socket receive buffers reached 13 MB/s, but that needs
 *   net.core.rmem_max raised (it is 4 MiB on this machine, 208 KiB by
 *   default), which an app cannot count on.
 * - So the link runs its own transport over plain datagrams of a
 *   non-reliable agent: #TafelTransport, loss recovery and congestion
 *   control after RFC 9002 (QUIC): acknowledgement ranges repair a burst
 *   of losses in about one round trip, packets are paced, the window is
 *   4 MiB by default and flow control stops a sender whose receiver is not
 *   reading. With default socket buffers it still made 7.6–13.5 MB/s at
 *   50 ms over two runs (the in-process benchmark drops datagrams when the
 *   shared machine stalls its one thread).
 *   On a loopback path it sends 64 KiB datagrams, elsewhere 1200 bytes
 *   (safe on any path, also through TURN). Under random loss every
 *   loss-based sender is bound by the same law (Mathis: about 0.9 MB/s at
 *   0.1 % loss and 50 ms with 1200-byte packets); TafelLink and the
 *   PseudoTcpSocket both measure 0.8–0.9 MB/s there.
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

#define LINK_PROTOCOL_VERSION   1
#define HELLO_MAGIC             "TAFL"
#define HELLO_BYTES             (4 + 1 + TAFEL_HASH_BYTES + TAFEL_KX_PUBLIC_BYTES)
#define AUTH_BYTES              (TAFEL_PUBLIC_KEY_BYTES + TAFEL_MAC_BYTES + TAFEL_SIGNATURE_BYTES)
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
#define MAX_PENDING_CANDIDATES  64

/* Frame types the link uses itself. */
enum
{
  FRAME_AUTH    = 0x00,
  FRAME_PING    = 0x01,
  FRAME_GOODBYE = 0x02,
};

/* Signalling messages: "TL", version, then a GVariant (yssss): type, the
 * sender's ICE ufrag, its password (credentials and restart only), the
 * recipient's ufrag as the sender knows it ("" if it does not), and a
 * candidate line (for a restart: the sender's previous ufrag). */
enum
{
  MSG_CREDENTIALS = 1,
  MSG_CANDIDATE   = 2,
  MSG_END_OF_CANDIDATES = 3,
  MSG_RESTART = 4,          /* from the controlling side: new credentials */
  MSG_RESTART_REQUEST = 5,  /* from the controlled side: please restart */
};
#define MSG_FORMAT "(yssss)"

typedef enum
{
  PHASE_HELLO,      /* waiting for the peer's HELLO */
  PHASE_HEADER,     /* waiting for its secretstream header */
  PHASE_AUTH,       /* waiting for its AUTH frame */
  PHASE_OPEN,
} Phase;

typedef struct
{
  char *ufrag;
  char *sdp;     /* NULL: end of candidates */
} PendingCandidate;

struct _TafelLink
{
  GObject           parent_instance;

  GMainContext     *context;
  TafelSignaling   *signaling;
  gulong            signaling_handler;
  TafelLinkConfig  *config;
  TafelLinkAuth    *auth;
  TafelPublicKey    remote_key;
  char             *name;              /* short remote id for logs */
  gboolean          controlling;

  TafelLinkState    state;
  TafelLinkPath     path;
  GError           *error;

  /* Resolving STUN/TURN host names before the agent starts. */
  GCancellable     *cancellable;
  guint             pending_resolves;
  char             *stun_ip;
  GPtrArray        *turn_ips;          /* char*, NULL where unresolved */

  /* ICE. */
  NiceAgent        *agent;
  guint             stream_id;
  char             *local_ufrag;
  char             *local_pwd;
  char             *remote_ufrag;
  char             *remote_pwd;
  GPtrArray        *local_candidates;  /* SDP lines, for resending */
  GPtrArray        *pending_candidates; /* PendingCandidate, before the credentials */
  gboolean          gathering_done;
  gboolean          ice_ready;
  gboolean          restarting;        /* our restart awaits the peer's answer */
  gint64            started_at;        /* monotonic µs of tafel_link_start() */
  gint64            ice_ready_at;      /* ICE found a path; 0 before */
  gint64            connected_at;      /* authenticated; 0 before */
  TafelLinkCandidateFilter candidate_filter;
  gpointer          candidate_filter_data;

  /* The stream. */
  TafelTransport   *transport;
  GSource          *pump_source;
  guint8           *datagram;
  gint64            last_received;

  /* Handshake and frames. */
  Phase             phase;
  guint8            eph_public[TAFEL_KX_PUBLIC_BYTES];
  guint8            eph_secret[TAFEL_KX_SECRET_BYTES];
  guint8            transcript[TAFEL_HASH_BYTES];
  guint8            pull_key[TAFEL_KEY_BYTES];
  gboolean          kx_client;
  TafelStream      *push;
  TafelStream      *pull;

  GQueue            out_queue;         /* GBytes of wire bytes */
  gsize             out_offset;        /* into the head */
  gsize             out_queued;        /* bytes not yet taken by the transport */
  gboolean          congested;
  gboolean          writable;
  gint64            last_frame_sent;

  guint8            len_buf[4];
  gsize             len_have;
  guint8           *frame_buf;
  gsize             frame_len;
  gsize             frame_have;
  gboolean          receive_paused;
  gboolean          receive_held;     /* by the channel's consumer */

  GSource          *connect_timer;
  GSource          *heartbeat_timer;
  GSource          *linger_timer;
  gboolean          lingering;
};

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

static void schedule_pump (TafelLink *self, gint64 ready_time);
static void queue_sealed (TafelLink *self, guint8 type, const guint8 *payload, gsize len);

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
pending_candidate_free (PendingCandidate *p)
{
  g_free (p->ufrag);
  g_free (p->sdp);
  g_free (p);
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

/* --- State --- */

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

/* Agents still telling TURN servers to release their relays. */
static gint n_agents_closing;

static void
agent_closed_cb (GObject      *agent,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_atomic_int_dec_and_test (&n_agents_closing);
}

/**
 * tafel_link_releasing_relays:
 *
 * Whether closed links of this process are still asking their TURN
 * servers to release the relays they allocated. A process about to exit
 * runs its main loop until this is %FALSE (bounded): an allocation that
 * is not released holds a relay port on the server for its whole
 * lifetime (10 minutes).
 *
 * Returns: %TRUE while a relay release is under way
 */
gboolean
tafel_link_releasing_relays (void)
{
  return g_atomic_int_get (&n_agents_closing) > 0;
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

  if (self->agent != NULL)
    {
      nice_agent_attach_recv (self->agent, self->stream_id, 1, self->context, NULL, NULL);
      g_signal_handlers_disconnect_by_data (self->agent, self);
      /* The close task keeps the agent alive until TURN allocations are
       * released, so dropping our reference is safe even from one of the
       * agent's own callbacks. */
      g_atomic_int_inc (&n_agents_closing);
      nice_agent_close_async (self->agent, agent_closed_cb, NULL);
      g_clear_object (&self->agent);
    }

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

static void fail (TafelLink *self, TafelLinkError code, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
fail (TafelLink      *self,
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

          queue_sealed (self, FRAME_GOODBYE, &reason, 1);
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

/* --- Signalling --- */

static void
send_signal (TafelLink  *self,
             guint8      type,
             const char *candidate)
{
  g_autoptr(GVariant) body = NULL;
  g_autoptr(GBytes) body_bytes = NULL;
  g_autoptr(GByteArray) message = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 header[3] = { 'T', 'L', LINK_PROTOCOL_VERSION };

  body = g_variant_ref_sink (g_variant_new (MSG_FORMAT, type,
                                            self->local_ufrag,
                                            type == MSG_CREDENTIALS || type == MSG_RESTART
                                            ? self->local_pwd : "",
                                            self->remote_ufrag != NULL ? self->remote_ufrag : "",
                                            candidate != NULL ? candidate : ""));
  body_bytes = g_variant_get_data_as_bytes (body);
  g_byte_array_append (message, header, sizeof header);
  g_byte_array_append (message, g_bytes_get_data (body_bytes, NULL), g_bytes_get_size (body_bytes));
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&message));

  if (!tafel_signaling_send (self->signaling, &self->remote_key, bytes, &error))
    g_debug ("Link to peer %s: could not signal: %s", self->name, error->message);
}

/* Sends our credentials and every candidate so far: to start, and again
 * when the peer shows it has not heard them (it came later, or a message
 * was lost). */
static void
send_all_signals (TafelLink *self)
{
  send_signal (self, MSG_CREDENTIALS, NULL);
  for (guint i = 0; i < self->local_candidates->len; i++)
    send_signal (self, MSG_CANDIDATE, g_ptr_array_index (self->local_candidates, i));
  if (self->gathering_done)
    send_signal (self, MSG_END_OF_CANDIDATES, NULL);
}

static void set_path (TafelLink *self, NiceCandidate *local, NiceCandidate *remote);

static void
add_remote_candidate (TafelLink  *self,
                      const char *sdp)
{
  NiceCandidate *candidate;
  GSList list = { 0, };

  candidate = nice_agent_parse_remote_candidate_sdp (self->agent, self->stream_id, sdp);
  if (candidate == NULL)
    {
      g_debug ("Link to peer %s: ignoring a candidate that does not parse", self->name);
      return;
    }

  if (self->candidate_filter == NULL || self->candidate_filter (candidate, self->candidate_filter_data))
    {
      NiceCandidate *local = NULL, *remote = NULL;

      list.data = candidate;
      nice_agent_set_remote_candidates (self->agent, self->stream_id, 1, &list);
      /* The peer's host address may arrive after a check from it chose it
       * as a peer-reflexive one. */
      if (self->path == TAFEL_LINK_PATH_NAT && candidate->type == NICE_CANDIDATE_TYPE_HOST &&
          nice_agent_get_selected_pair (self->agent, self->stream_id, 1, &local, &remote))
        set_path (self, local, remote);
    }
  nice_candidate_free (candidate);
}

static void
apply_remote_credentials (TafelLink *self)
{
  if (self->agent == NULL || self->remote_ufrag == NULL)
    return;

  nice_agent_set_remote_credentials (self->agent, self->stream_id,
                                     self->remote_ufrag, self->remote_pwd);

  for (guint i = 0; i < self->pending_candidates->len; i++)
    {
      PendingCandidate *p = g_ptr_array_index (self->pending_candidates, i);

      if (g_strcmp0 (p->ufrag, self->remote_ufrag) != 0)
        continue;
      if (p->sdp != NULL)
        add_remote_candidate (self, p->sdp);
      else
        nice_agent_peer_candidate_gathering_done (self->agent, self->stream_id);
    }
  g_ptr_array_set_size (self->pending_candidates, 0);
}

static gboolean
valid_ice_string (const char *s,
                  gboolean    may_be_empty)
{
  gsize len = strlen (s);

  return (may_be_empty || len > 0) && len <= 256;
}

static void
keep_pending_candidate (TafelLink  *self,
                        guint8      type,
                        const char *ufrag,
                        const char *candidate)
{
  PendingCandidate *p;

  if (self->pending_candidates->len >= MAX_PENDING_CANDIDATES)
    return;
  p = g_new0 (PendingCandidate, 1);
  p->ufrag = g_strdup (ufrag);
  p->sdp = type == MSG_CANDIDATE ? g_strdup (candidate) : NULL;
  g_ptr_array_add (self->pending_candidates, p);
}

/* Restarts ICE on our side with new credentials and sends them with our
 * candidates; the stream and its keys carry on over whatever path ICE
 * finds next. */
static void
restart_local_ice (TafelLink *self)
{
  g_clear_pointer (&self->local_ufrag, g_free);
  g_clear_pointer (&self->local_pwd, g_free);
  if (!nice_agent_restart_stream (self->agent, self->stream_id))
    {
      fail (self, TAFEL_LINK_ERROR_ICE_FAILED, _("Could not restart the search for a network path"));
      return;
    }
  nice_agent_get_local_credentials (self->agent, self->stream_id,
                                    &self->local_ufrag, &self->local_pwd);
  g_debug ("Link to peer %s: ICE restart", self->name);
}

static void
start_restart (TafelLink *self)
{
  g_autofree char *old_local = g_strdup (self->local_ufrag);

  restart_local_ice (self);
  if (self->local_ufrag == NULL)
    return;

  /* RESTART names the session it restarts: the peer's ufrag (as "known")
   * and our previous one (in the candidate field). */
  send_signal (self, MSG_RESTART, old_local);
  g_clear_pointer (&self->remote_ufrag, g_free);
  g_clear_pointer (&self->remote_pwd, g_free);
  self->restarting = TRUE;
  for (guint i = 0; i < self->local_candidates->len; i++)
    send_signal (self, MSG_CANDIDATE, g_ptr_array_index (self->local_candidates, i));
  send_signal (self, MSG_END_OF_CANDIDATES, NULL);
}

static void
on_signal_received (TafelSignaling       *signaling,
                    const TafelPublicKey *from,
                    GBytes               *message,
                    TafelLink            *self)
{
  g_autoptr(GVariant) body = NULL;
  g_autoptr(GBytes) body_bytes = NULL;
  const guint8 *data;
  gsize len;
  guint8 type;
  const char *ufrag, *pwd, *known, *candidate;

  if (memcmp (from->bytes, self->remote_key.bytes, TAFEL_PUBLIC_KEY_BYTES) != 0)
    return;
  if (self->state != TAFEL_LINK_STATE_CONNECTING && self->state != TAFEL_LINK_STATE_CONNECTED)
    return;

  data = g_bytes_get_data (message, &len);
  if (len < 3 || data[0] != 'T' || data[1] != 'L' || data[2] != LINK_PROTOCOL_VERSION)
    return;

  body_bytes = g_bytes_new_from_bytes (message, 3, len - 3);
  body = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (MSG_FORMAT), body_bytes, FALSE));
  if (!g_variant_is_normal_form (body))
    {
      g_debug ("Link to peer %s: ignoring a malformed signalling message", self->name);
      return;
    }
  g_variant_get (body, "(y&s&s&s&s)", &type, &ufrag, &pwd, &known, &candidate);
  if (!valid_ice_string (ufrag, FALSE) || !valid_ice_string (pwd, TRUE) ||
      !valid_ice_string (known, TRUE) || strlen (candidate) > 512)
    return;

  switch (type)
    {
    case MSG_RESTART:
      /* The controlling peer restarts the session we share: follow. */
      if (self->agent == NULL || self->state != TAFEL_LINK_STATE_CONNECTED ||
          self->remote_ufrag == NULL || *pwd == '\0' ||
          g_strcmp0 (known, self->local_ufrag) != 0 || g_strcmp0 (candidate, self->remote_ufrag) != 0)
        return;
      restart_local_ice (self);
      if (self->local_ufrag == NULL)
        return;
      g_free (self->remote_ufrag);
      g_free (self->remote_pwd);
      self->remote_ufrag = g_strdup (ufrag);
      self->remote_pwd = g_strdup (pwd);
      apply_remote_credentials (self);
      send_all_signals (self);
      return;

    case MSG_RESTART_REQUEST:
      if (self->controlling && !self->restarting && self->agent != NULL &&
          self->state == TAFEL_LINK_STATE_CONNECTED && g_strcmp0 (ufrag, self->remote_ufrag) == 0 &&
          g_strcmp0 (known, self->local_ufrag) == 0)
        start_restart (self);
      return;

    case MSG_CREDENTIALS:
    case MSG_CANDIDATE:
    case MSG_END_OF_CANDIDATES:
      break;

    default:
      return;
    }

  if (self->remote_ufrag == NULL)
    {
      /* During our restart only the answer to it counts. */
      if (type == MSG_CREDENTIALS && *pwd != '\0' &&
          (!self->restarting || g_strcmp0 (known, self->local_ufrag) == 0))
        {
          self->remote_ufrag = g_strdup (ufrag);
          self->remote_pwd = g_strdup (pwd);
          self->restarting = FALSE;
          apply_remote_credentials (self);
        }
      else if (type != MSG_CREDENTIALS)
        {
          keep_pending_candidate (self, type, ufrag, candidate);
        }
    }
  else if (strcmp (ufrag, self->remote_ufrag) != 0)
    {
      /* New credentials from a peer that does not know ours: it began a
       * new session (it restarted its side from scratch), which this link
       * cannot join. Candidates may run ahead of a restart's credentials,
       * so they wait; other messages of another session are ignored. */
      if (type == MSG_CREDENTIALS && g_strcmp0 (known, self->local_ufrag) != 0)
        {
          fail (self, TAFEL_LINK_ERROR_PEER_RESTARTED,
                _("The peer started a new session"));
          return;
        }
      if (type != MSG_CREDENTIALS)
        keep_pending_candidate (self, type, ufrag, candidate);
    }
  else if (self->agent != NULL)
    {
      if (type == MSG_CANDIDATE)
        add_remote_candidate (self, candidate);
      else if (type == MSG_END_OF_CANDIDATES)
        nice_agent_peer_candidate_gathering_done (self->agent, self->stream_id);
    }

  if (type == MSG_CREDENTIALS && self->local_ufrag != NULL &&
      g_strcmp0 (known, self->local_ufrag) != 0 &&
      self->state == TAFEL_LINK_STATE_CONNECTING)
    send_all_signals (self);
}

/* --- ICE --- */

static gboolean
candidate_is_loopback (NiceCandidate *candidate)
{
  char text[NICE_ADDRESS_STRING_LEN];
  g_autoptr(GInetAddress) address = NULL;

  nice_address_to_string (&candidate->addr, text);
  address = g_inet_address_new_from_string (text);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* Whether @remote is one of the peer's own addresses. A peer-reflexive
 * candidate is an address learnt from a check that came in before the
 * peer's candidates did; it is no sign of NAT when the peer names it as a
 * host candidate too. */
static gboolean
remote_is_host (TafelLink     *self,
                NiceCandidate *remote)
{
  GSList *candidates;
  gboolean found = FALSE;

  if (remote->type == NICE_CANDIDATE_TYPE_HOST)
    return TRUE;
  if (remote->type != NICE_CANDIDATE_TYPE_PEER_REFLEXIVE)
    return FALSE;

  candidates = nice_agent_get_remote_candidates (self->agent, self->stream_id, 1);
  for (GSList *l = candidates; l != NULL && !found; l = l->next)
    {
      NiceCandidate *c = l->data;

      found = c->type == NICE_CANDIDATE_TYPE_HOST && nice_address_equal (&c->addr, &remote->addr);
    }
  g_slist_free_full (candidates, (GDestroyNotify) nice_candidate_free);
  return found;
}

static void
set_path (TafelLink     *self,
          NiceCandidate *local,
          NiceCandidate *remote)
{
  TafelLinkPath path;

  if (local->type == NICE_CANDIDATE_TYPE_RELAYED || remote->type == NICE_CANDIDATE_TYPE_RELAYED)
    path = TAFEL_LINK_PATH_RELAYED;
  else if (local->type == NICE_CANDIDATE_TYPE_HOST && remote_is_host (self, remote))
    path = TAFEL_LINK_PATH_DIRECT;
  else
    path = TAFEL_LINK_PATH_NAT;

  if (path != self->path)
    {
      self->path = path;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
    }
}

static void
on_selected_pair (NiceAgent     *agent,
                  guint          stream_id,
                  guint          component_id,
                  NiceCandidate *local,
                  NiceCandidate *remote,
                  TafelLink     *self)
{
  gsize datagram;

  set_path (self, local, remote);
  datagram = tafel_link_config_get_max_datagram (self->config);
  if (datagram == 0)
    datagram = self->path != TAFEL_LINK_PATH_RELAYED && candidate_is_loopback (local) &&
               candidate_is_loopback (remote)
               ? TAFEL_TRANSPORT_DATAGRAM_LOOPBACK : TAFEL_TRANSPORT_DATAGRAM_INTERNET;
  if (self->transport != NULL)
    tafel_transport_set_max_datagram (self->transport, datagram);

  g_debug ("Link to peer %s: path %s, %zu-byte datagrams", self->name,
           tafel_link_path_to_string (self->path), datagram);
}

static void
enlarge_socket_buffers (TafelLink *self)
{
  g_autoptr(GPtrArray) sockets = nice_agent_get_sockets (self->agent, self->stream_id, 1);
  int size = (int) MIN (tafel_link_config_get_window (self->config), G_MAXINT / 2);

  /* Best effort (the kernel caps it at net.core.rmem_max): room for a
   * window's worth of datagrams makes drops under bursts rarer. */
  for (guint i = 0; sockets != NULL && i < sockets->len; i++)
    {
      GSocket *socket = g_ptr_array_index (sockets, i);

      g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, size, NULL);
      g_socket_set_option (socket, SOL_SOCKET, SO_SNDBUF, size, NULL);
    }
}

static void
on_component_state_changed (NiceAgent *agent,
                            guint      stream_id,
                            guint      component_id,
                            guint      state,
                            TafelLink *self)
{
  g_debug ("Link to peer %s: ICE %s", self->name, nice_component_state_to_string (state));

  switch (state)
    {
    case NICE_COMPONENT_STATE_CONNECTED:
    case NICE_COMPONENT_STATE_READY:
      if (!self->ice_ready)
        {
          self->ice_ready = TRUE;
          self->ice_ready_at = g_get_monotonic_time ();
          enlarge_socket_buffers (self);
          schedule_pump (self, 0);
        }
      break;

    case NICE_COMPONENT_STATE_FAILED:
      fail (self, TAFEL_LINK_ERROR_ICE_FAILED, _("No network path to the peer was found"));
      break;

    default:
      break;
    }
}

static void
on_new_candidate (NiceAgent     *agent,
                  NiceCandidate *candidate,
                  TafelLink     *self)
{
  char *sdp;

  if (candidate->stream_id != self->stream_id)
    return;

  sdp = nice_agent_generate_local_candidate_sdp (agent, candidate);
  g_ptr_array_add (self->local_candidates, sdp);
  send_signal (self, MSG_CANDIDATE, sdp);
}

static void
on_gathering_done (NiceAgent *agent,
                   guint      stream_id,
                   TafelLink *self)
{
  self->gathering_done = TRUE;
  send_signal (self, MSG_END_OF_CANDIDATES, NULL);
}

static void
on_datagram (NiceAgent *agent,
             guint      stream_id,
             guint      component_id,
             guint      len,
             gchar     *buf,
             gpointer   user_data)
{
  TafelLink *self = user_data;
  gint64 now = g_get_monotonic_time ();

  if (self->transport == NULL)
    return;

  /* Only what parses counts as a sign of life. */
  if (tafel_transport_receive (self->transport, buf, len, now))
    self->last_received = now;
  schedule_pump (self, 0);
}

static void
create_agent (TafelLink *self)
{
  const char * const *addresses = tafel_link_config_get_local_addresses (self->config);
  gboolean have_stun = self->stun_ip != NULL;

  self->agent = nice_agent_new_full (self->context, NICE_COMPATIBILITY_RFC5245,
                                     NICE_AGENT_OPTION_ICE_TRICKLE);
  g_object_set (self->agent,
                "controlling-mode", self->controlling,
                "upnp", FALSE,
                "ice-tcp", FALSE,
                "force-relay", tafel_link_config_get_force_relay (self->config),
                NULL);
  if (have_stun)
    g_object_set (self->agent,
                  "stun-server", self->stun_ip,
                  "stun-server-port", (guint) tafel_link_config_get_stun_port (self->config),
                  NULL);

  for (guint i = 0; addresses != NULL && addresses[i] != NULL; i++)
    {
      NiceAddress address;

      nice_address_init (&address);
      if (nice_address_set_from_string (&address, addresses[i]))
        nice_agent_add_local_address (self->agent, &address);
    }

  self->stream_id = nice_agent_add_stream (self->agent, 1);

  for (guint i = 0; i < self->turn_ips->len; i++)
    {
      const TafelTurnServer *server = tafel_link_config_get_turn_server (self->config, i);
      const char *ip = g_ptr_array_index (self->turn_ips, i);
      NiceRelayType type = server->transport == TAFEL_TURN_UDP ? NICE_RELAY_TYPE_TURN_UDP
                           : server->transport == TAFEL_TURN_TCP ? NICE_RELAY_TYPE_TURN_TCP
                           : NICE_RELAY_TYPE_TURN_TLS;

      if (ip != NULL)
        nice_agent_set_relay_info (self->agent, self->stream_id, 1, ip, server->port,
                                   server->username, server->password, type);
    }

  g_signal_connect (self->agent, "component-state-changed",
                    G_CALLBACK (on_component_state_changed), self);
  g_signal_connect (self->agent, "new-candidate-full", G_CALLBACK (on_new_candidate), self);
  g_signal_connect (self->agent, "candidate-gathering-done", G_CALLBACK (on_gathering_done), self);
  g_signal_connect (self->agent, "new-selected-pair-full", G_CALLBACK (on_selected_pair), self);
  nice_agent_attach_recv (self->agent, self->stream_id, 1, self->context, on_datagram, self);

  nice_agent_get_local_credentials (self->agent, self->stream_id,
                                    &self->local_ufrag, &self->local_pwd);
  send_signal (self, MSG_CREDENTIALS, NULL);
  apply_remote_credentials (self);

  if (!nice_agent_gather_candidates (self->agent, self->stream_id))
    fail (self, TAFEL_LINK_ERROR_ICE_FAILED, _("Could not gather network candidates"));
}

typedef struct
{
  GWeakRef link;
  guint    index;      /* G_MAXUINT: the STUN server, else a TURN server */
} Resolve;

static void
on_resolved (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Resolve *resolve = user_data;
  g_autoptr(TafelLink) self = g_weak_ref_get (&resolve->link);
  g_autoptr(GError) error = NULL;
  GList *addresses;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  if (self != NULL && !g_cancellable_is_cancelled (self->cancellable))
    {
      char *ip = addresses != NULL ? g_inet_address_to_string (addresses->data) : NULL;

      if (ip == NULL)
        g_message ("Link to peer %s: cannot resolve a %s server, going without it: %s", self->name,
                   resolve->index == G_MAXUINT ? "STUN" : "TURN", error->message);
      if (resolve->index == G_MAXUINT)
        self->stun_ip = ip;
      else
        g_ptr_array_index (self->turn_ips, resolve->index) = ip;

      if (--self->pending_resolves == 0)
        create_agent (self);
    }

  g_resolver_free_addresses (addresses);
  g_weak_ref_clear (&resolve->link);
  g_free (resolve);
}

static void
resolve_host (TafelLink  *self,
              const char *host,
              guint       index)
{
  g_autoptr(GResolver) resolver = NULL;
  Resolve *resolve;

  if (g_hostname_is_ip_address (host))
    {
      if (index == G_MAXUINT)
        self->stun_ip = g_strdup (host);
      else
        g_ptr_array_index (self->turn_ips, index) = g_strdup (host);
      return;
    }

  resolver = g_resolver_get_default ();
  resolve = g_new0 (Resolve, 1);
  g_weak_ref_init (&resolve->link, self);
  resolve->index = index;
  self->pending_resolves++;
  g_main_context_push_thread_default (self->context);
  g_resolver_lookup_by_name_async (resolver, host, self->cancellable, on_resolved, resolve);
  g_main_context_pop_thread_default (self->context);
}

/* --- Frames out --- */

static void
queue_bytes (TafelLink *self,
             GBytes    *bytes)
{
  self->out_queued += g_bytes_get_size (bytes);
  g_queue_push_tail (&self->out_queue, bytes);
  update_writable (self);
  schedule_pump (self, 0);
}

static void
queue_plain (TafelLink    *self,
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

static void
queue_sealed (TafelLink    *self,
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

/* --- Handshake --- */

static void
auth_transcript_mac (TafelLink            *self,
                     guint8                role,
                     const TafelPublicKey *identity,
                     guint8                mac[TAFEL_MAC_BYTES])
{
  guint8 input[4 + 1 + TAFEL_HASH_BYTES + TAFEL_PUBLIC_KEY_BYTES];

  memcpy (input, "auth", 4);
  input[4] = role;
  memcpy (input + 5, self->transcript, TAFEL_HASH_BYTES);
  memcpy (input + 5 + TAFEL_HASH_BYTES, identity->bytes, TAFEL_PUBLIC_KEY_BYTES);
  tafel_mac (mac, self->auth->mac_key, input, sizeof input);
}

static gsize
auth_signed_message (TafelLink            *self,
                     guint8                role,
                     const TafelPublicKey *identity,
                     const guint8          mac[TAFEL_MAC_BYTES],
                     guint8               *out)
{
  static const char label[] = "tafel-link-v1 auth";
  gsize n = 0;

  memcpy (out, label, sizeof label - 1);
  n += sizeof label - 1;
  out[n++] = role;
  memcpy (out + n, self->transcript, TAFEL_HASH_BYTES);
  n += TAFEL_HASH_BYTES;
  memcpy (out + n, identity->bytes, TAFEL_PUBLIC_KEY_BYTES);
  n += TAFEL_PUBLIC_KEY_BYTES;
  memcpy (out + n, mac, TAFEL_MAC_BYTES);
  n += TAFEL_MAC_BYTES;

  return n;
}

static void
send_hello (TafelLink *self)
{
  guint8 hello[HELLO_BYTES];

  memcpy (hello, HELLO_MAGIC, 4);
  hello[4] = LINK_PROTOCOL_VERSION;
  memcpy (hello + 5, self->auth->board_tag, TAFEL_HASH_BYTES);
  memcpy (hello + 5 + TAFEL_HASH_BYTES, self->eph_public, TAFEL_KX_PUBLIC_BYTES);
  queue_plain (self, hello, sizeof hello);
}

static void
stream_key (TafelLink    *self,
            const guint8  kx_key[TAFEL_KEY_BYTES],
            guint8        out[TAFEL_KEY_BYTES])
{
  TafelHashState state;

  tafel_hash_init (&state, self->auth->stream_key, TAFEL_KEY_BYTES);
  tafel_hash_update (&state, kx_key, TAFEL_KEY_BYTES);
  tafel_hash_update (&state, self->transcript, TAFEL_HASH_BYTES);
  tafel_hash_final (&state, out, TAFEL_KEY_BYTES);
}

static void
receive_hello (TafelLink    *self,
               const guint8 *data,
               gsize         len)
{
  const guint8 *their_eph;
  const guint8 *client_eph, *server_eph;
  guint8 rx[TAFEL_KEY_BYTES], tx[TAFEL_KEY_BYTES], push_key[TAFEL_KEY_BYTES];
  guint8 header[TAFEL_STREAM_HEADER_BYTES];
  guint8 auth[AUTH_BYTES];
  guint8 message[256];
  TafelHashState state;
  TafelSignature sig;
  const TafelPublicKey *identity = &self->auth->claimed;
  g_autoptr(GError) error = NULL;
  gsize message_len;
  guint8 version;
  int order;

  if (len < 5 || memcmp (data, HELLO_MAGIC, 4) != 0)
    {
      fail (self, TAFEL_LINK_ERROR_PROTOCOL, _("The peer does not speak the Tafel link protocol"));
      return;
    }
  version = data[4];
  if (version != LINK_PROTOCOL_VERSION || len != HELLO_BYTES)
    {
      fail (self, TAFEL_LINK_ERROR_PROTOCOL,
            _("The peer speaks version %u of the link protocol; this is version %u"),
            version, LINK_PROTOCOL_VERSION);
      return;
    }
  if (!tafel_memequal (data + 5, self->auth->board_tag, TAFEL_HASH_BYTES))
    {
      fail (self, TAFEL_LINK_ERROR_WRONG_BOARD, _("The peer is on another board"));
      return;
    }

  their_eph = data + 5 + TAFEL_HASH_BYTES;
  order = memcmp (self->eph_public, their_eph, TAFEL_KX_PUBLIC_BYTES);
  if (order == 0)
    {
      fail (self, TAFEL_LINK_ERROR_PROTOCOL, _("The peer echoed our own handshake"));
      return;
    }
  self->kx_client = order < 0;
  client_eph = self->kx_client ? self->eph_public : their_eph;
  server_eph = self->kx_client ? their_eph : self->eph_public;

  if (!tafel_kx_session_keys (self->kx_client, self->eph_public, self->eph_secret, their_eph,
                              rx, tx, &error))
    {
      fail (self, TAFEL_LINK_ERROR_PROTOCOL, "%s", error->message);
      return;
    }
  tafel_memzero (self->eph_secret, sizeof self->eph_secret);

  tafel_hash_init (&state, NULL, 0);
  tafel_hash_update (&state, "tafel-link-v1", strlen ("tafel-link-v1"));
  tafel_hash_update (&state, &version, 1);
  tafel_hash_update (&state, self->auth->board_id, TAFEL_BOARD_ID_BYTES);
  tafel_hash_update (&state, client_eph, TAFEL_KX_PUBLIC_BYTES);
  tafel_hash_update (&state, server_eph, TAFEL_KX_PUBLIC_BYTES);
  tafel_hash_final (&state, self->transcript, TAFEL_HASH_BYTES);

  stream_key (self, tx, push_key);
  stream_key (self, rx, self->pull_key);
  tafel_memzero (rx, sizeof rx);
  tafel_memzero (tx, sizeof tx);

  self->push = tafel_stream_new_push (push_key, header);
  tafel_memzero (push_key, sizeof push_key);
  queue_plain (self, header, sizeof header);

  memcpy (auth, identity->bytes, TAFEL_PUBLIC_KEY_BYTES);
  auth_transcript_mac (self, self->kx_client ? 'C' : 'S', identity, auth + TAFEL_PUBLIC_KEY_BYTES);
  message_len = auth_signed_message (self, self->kx_client ? 'C' : 'S', identity,
                                     auth + TAFEL_PUBLIC_KEY_BYTES, message);
  g_assert (message_len <= sizeof message);
  tafel_identity_sign (self->auth->identity, &sig, message, message_len);
  memcpy (auth + TAFEL_PUBLIC_KEY_BYTES + TAFEL_MAC_BYTES, sig.bytes, TAFEL_SIGNATURE_BYTES);
  queue_sealed (self, FRAME_AUTH, auth, sizeof auth);

  self->phase = PHASE_HEADER;
}

static void
receive_header (TafelLink    *self,
                const guint8 *data,
                gsize         len)
{
  g_autoptr(GError) error = NULL;

  if (len != TAFEL_STREAM_HEADER_BYTES)
    {
      fail (self, TAFEL_LINK_ERROR_PROTOCOL, _("The peer sent a malformed stream header"));
      return;
    }

  self->pull = tafel_stream_new_pull (self->pull_key, data, &error);
  tafel_memzero (self->pull_key, sizeof self->pull_key);
  if (self->pull == NULL)
    {
      fail (self, TAFEL_LINK_ERROR_PROTOCOL, "%s", error->message);
      return;
    }
  self->phase = PHASE_AUTH;
}

static gboolean heartbeat_tick (gpointer data);

static void
receive_auth (TafelLink    *self,
              const guint8 *data,
              gsize         len)
{
  TafelPublicKey identity;
  TafelSignature sig;
  guint8 role = self->kx_client ? 'S' : 'C';
  guint8 message[256];
  gsize message_len;
  guint interval;

  if (len != AUTH_BYTES)
    {
      fail (self, TAFEL_LINK_ERROR_PROTOCOL, _("The peer sent a malformed handshake"));
      return;
    }

  memcpy (identity.bytes, data, TAFEL_PUBLIC_KEY_BYTES);
  {
    guint8 expected[TAFEL_MAC_BYTES];

    auth_transcript_mac (self, role, &identity, expected);
    if (!tafel_memequal (expected, data + TAFEL_PUBLIC_KEY_BYTES, TAFEL_MAC_BYTES))
      {
        fail (self, TAFEL_LINK_ERROR_WRONG_SECRET, _("The peer does not know the board secret"));
        return;
      }
  }

  if (memcmp (identity.bytes, self->remote_key.bytes, TAFEL_PUBLIC_KEY_BYTES) != 0)
    {
      fail (self, TAFEL_LINK_ERROR_WRONG_PEER,
            _("A different identity than the expected peer answered"));
      return;
    }

  memcpy (sig.bytes, data + TAFEL_PUBLIC_KEY_BYTES + TAFEL_MAC_BYTES, TAFEL_SIGNATURE_BYTES);
  message_len = auth_signed_message (self, role, &identity, data + TAFEL_PUBLIC_KEY_BYTES, message);
  if (!tafel_verify (&sig, &identity, message, message_len))
    {
      fail (self, TAFEL_LINK_ERROR_BAD_SIGNATURE,
            _("The peer’s identity signature is not valid: it is not who it claims to be"));
      return;
    }

  self->phase = PHASE_OPEN;
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

/* --- Frames in --- */

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
      receive_hello (self, data, len);
      return;
    case PHASE_HEADER:
      receive_header (self, data, len);
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
        fail (self, TAFEL_LINK_ERROR_WRONG_SECRET,
              _("The peer does not know the board secret (its handshake does not decrypt)"));
      else
        fail (self, TAFEL_LINK_ERROR_TAMPERED,
              _("A frame from the peer was altered, replayed, reordered or cut short"));
      return;
    }

  type = plain[0];
  if (self->phase == PHASE_AUTH)
    {
      if (type == FRAME_AUTH)
        receive_auth (self, plain + 1, len - TAFEL_STREAM_ABYTES - 1);
      else
        fail (self, TAFEL_LINK_ERROR_PROTOCOL, _("The peer sent data before authenticating"));
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
          fail (self, TAFEL_LINK_ERROR_REFUSED, _("The peer refused the link: %s"),
                describe_refusal (reason - 1));
        }
      break;

    default:
      if (type < TAFEL_LINK_FIRST_USER_TYPE)
        {
          g_free (plain);
          fail (self, TAFEL_LINK_ERROR_PROTOCOL, _("The peer sent a frame of unknown type %u"), type);
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
          fail (self, TAFEL_LINK_ERROR_PROTOCOL, _("The peer sent a malformed handshake"));
          return FALSE;
        }
    }
  else if (len > MAX_SEALED_FRAME)
    {
      fail (self, TAFEL_LINK_ERROR_FRAME_TOO_LARGE,
            _("The peer sent a frame of %u bytes; at most %u are allowed"),
            len, (guint) MAX_SEALED_FRAME);
      return FALSE;
    }
  else if (len < MIN_SEALED_FRAME)
    {
      fail (self, TAFEL_LINK_ERROR_TAMPERED,
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

/* --- The pump: moves bytes between frames, transport and agent --- */

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
        schedule_pump (self, 0);
      else
        {
          gint64 deadline = tafel_transport_get_deadline (self->transport, g_get_monotonic_time ());

          schedule_pump (self, deadline == G_MAXINT64 ? -1 : deadline);
        }
    }
  else if (more)
    {
      schedule_pump (self, 0);
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

static void
schedule_pump (TafelLink *self,
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

/* --- Timers --- */

static gboolean
connect_timeout (gpointer data)
{
  TafelLink *self = data;

  g_clear_pointer (&self->connect_timer, g_source_unref);
  fail (self, TAFEL_LINK_ERROR_TIMEOUT,
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
      fail (self, TAFEL_LINK_ERROR_PEER_DEAD,
            _("Nothing was heard from the peer for %.1f seconds"),
            (now - self->last_received) / 1e6);
      return G_SOURCE_CONTINUE;
    }

  if (now - self->last_frame_sent >= heartbeat_us)
    queue_sealed (self, FRAME_PING, NULL, 0);

  return G_SOURCE_CONTINUE;
}

static void
finish_linger (TafelLink *self)
{
  if (!self->lingering)
    return;
  self->lingering = FALSE;
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
  g_object_ref (self);
  self->linger_timer = g_timeout_source_new (LINGER_MS);
  g_source_set_callback (self->linger_timer, linger_timeout, self, NULL);
  g_source_set_static_name (self->linger_timer, "[tafel] link linger");
  g_source_attach (self->linger_timer, self->context);
  schedule_pump (self, 0);
}

/* --- GObject --- */

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
  self->turn_ips = g_ptr_array_new_with_free_func (g_free);
  self->local_candidates = g_ptr_array_new_with_free_func (g_free);
  self->pending_candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_candidate_free);
  g_queue_init (&self->out_queue);
}

/* --- Public API --- */

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
  self->name = g_strdup_printf ("%02x%02x%02x%02x", remote->bytes[0], remote->bytes[1],
                                remote->bytes[2], remote->bytes[3]);

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
                                              G_CALLBACK (on_signal_received), self);

  self->connect_timer = g_timeout_source_new (tafel_link_config_get_connect_timeout (self->config));
  g_source_set_callback (self->connect_timer, connect_timeout, self, NULL);
  g_source_set_static_name (self->connect_timer, "[tafel] link connect timeout");
  g_source_attach (self->connect_timer, self->context);

  self->transport = tafel_transport_new (tafel_link_config_get_window (self->config));
  self->datagram = g_malloc (TAFEL_TRANSPORT_MAX_DATAGRAM);
  tafel_kx_keypair (self->eph_public, self->eph_secret);
  self->phase = PHASE_HELLO;
  send_hello (self);

  g_ptr_array_set_size (self->turn_ips, tafel_link_config_get_n_turn_servers (self->config));
  if (tafel_link_config_get_stun_host (self->config) != NULL)
    resolve_host (self, tafel_link_config_get_stun_host (self->config), G_MAXUINT);
  for (guint i = 0; i < tafel_link_config_get_n_turn_servers (self->config); i++)
    resolve_host (self, tafel_link_config_get_turn_server (self->config, i)->host, i);

  if (self->pending_resolves == 0)
    create_agent (self);
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

  if (self->controlling)
    start_restart (self);
  else
    send_signal (self, MSG_RESTART_REQUEST, NULL);
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

  queue_sealed (self, type, data, len);
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
      queue_sealed (self, FRAME_GOODBYE, NULL, 0);
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
    schedule_pump (self, 0);
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

/* --- TafelFrameChannel --- */

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
    schedule_pump (self, 0);
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

/* --- Test hooks --- */

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
