/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <nice/agent.h>

#include "tafel-link.h"
#include "tafel-transport.h"

G_BEGIN_DECLS

/* A link is split over tafel-link.c (its state, frames in and out, the
 * pump between them and the transport, timers, the public API),
 * tafel-link-ice.c (resolving STUN and TURN servers, the ICE agent and the
 * signalling that trickles its candidates) and tafel-link-handshake.c
 * (HELLO, the session keys and AUTH), which share this structure. */

#define LINK_PROTOCOL_VERSION   1

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

#define TAFEL_LINK_SIGNAL_MAX_ICE_STRING  256
#define TAFEL_LINK_SIGNAL_MAX_CANDIDATE   512

/* A signalling message as tafel_link_signal_parse() found it. */
typedef struct
{
  guint8  type;       /* MSG_* */
  char   *ufrag;      /* 1 to 256 bytes */
  char   *pwd;        /* up to 256 bytes */
  char   *known;      /* up to 256 bytes */
  char   *candidate;  /* up to 512 bytes */
} TafelLinkSignal;

GBytes  *tafel_link_signal_build (guint8           type,
                                  const char      *ufrag,
                                  const char      *pwd,
                                  const char      *known,
                                  const char      *candidate) G_GNUC_WARN_UNUSED_RESULT;
gboolean tafel_link_signal_parse (GBytes          *message,
                                  TafelLinkSignal *msg);
void     tafel_link_signal_clear (TafelLinkSignal *msg);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TafelLinkSignal, tafel_link_signal_clear)

/* Frame types the link uses itself. */
enum
{
  FRAME_AUTH    = 0x00,
  FRAME_PING    = 0x01,
  FRAME_GOODBYE = 0x02,
};

typedef enum
{
  PHASE_HELLO,      /* waiting for the peer's HELLO */
  PHASE_HEADER,     /* waiting for its secretstream header */
  PHASE_AUTH,       /* waiting for its AUTH frame */
  PHASE_OPEN,
} Phase;

/* Called with each remote candidate before the agent gets it; may change
 * it (a benchmark routes a path through a delay relay so) or return FALSE
 * to drop it. */
typedef gboolean (*TafelLinkCandidateFilter) (NiceCandidate *candidate,
                                              gpointer       user_data);

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
  GPtrArray        *pending_candidates; /* candidates before the credentials */
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

/* tafel-link.c */
void tafel_link_fail             (TafelLink      *self,
                                  TafelLinkError  code,
                                  const char     *format,
                                  ...) G_GNUC_PRINTF (3, 4);
void tafel_link_set_path         (TafelLink      *self,
                                  TafelLinkPath   path);
/* The handshake authenticated the peer: heartbeats start, the link is
 * connected. */
void tafel_link_authenticated    (TafelLink      *self);
void tafel_link_schedule_pump    (TafelLink      *self,
                                  gint64          ready_time);
/* Queue a handshake message in the clear, or a sealed frame. */
void tafel_link_queue_plain      (TafelLink      *self,
                                  const guint8   *data,
                                  gsize           len);
void tafel_link_queue_sealed     (TafelLink      *self,
                                  guint8          type,
                                  const guint8   *payload,
                                  gsize           len);

/* tafel-link-ice.c */
void tafel_link_ice_init         (TafelLink      *self);
/* Resolves the STUN and TURN servers, then starts the agent. */
void tafel_link_ice_start        (TafelLink      *self);
void tafel_link_ice_receive_signal (TafelSignaling       *signaling,
                                    const TafelPublicKey *from,
                                    GBytes               *message,
                                    TafelLink            *self);
/* Restarts ICE (controlling side) or asks the peer to (controlled). */
void tafel_link_ice_restart      (TafelLink      *self);
/* Lets the agent go, releasing its TURN allocations in the background. */
void tafel_link_ice_close_agent  (TafelLink      *self);

/* tafel-link-handshake.c */
/* Makes our ephemeral key and sends HELLO. */
void tafel_link_handshake_start  (TafelLink      *self);
void tafel_link_handshake_receive_hello  (TafelLink    *self,
                                          const guint8 *data,
                                          gsize         len);
void tafel_link_handshake_receive_header (TafelLink    *self,
                                          const guint8 *data,
                                          gsize         len);
void tafel_link_handshake_receive_auth   (TafelLink    *self,
                                          const guint8 *data,
                                          gsize         len);

/* Hooks for tests and benchmarks, not for the app. */

/* Seals a frame as the link would send it, advancing its stream, and
 * returns the bytes that would go on the wire (length prefix included)
 * without sending them. */
GBytes *tafel_link_test_seal_frame       (TafelLink  *self,
                                          guint8      type,
                                          GBytes     *payload) G_GNUC_WARN_UNUSED_RESULT;
/* Puts raw bytes into the outgoing stream, after what is queued. */
void    tafel_link_test_send_raw         (TafelLink  *self,
                                          GBytes     *bytes);

/* Handles one whole frame of the peer's stream (without its length) as
 * if it had come over the path, as long as the link has not failed or
 * closed: for fuzzing the handshake and the frames without ICE, with a
 * link that tafel_link_handshake_start() started instead of
 * tafel_link_start(). */
void    tafel_link_test_receive_frame    (TafelLink    *self,
                                          const guint8 *data,
                                          gsize         len);

void    tafel_link_set_remote_candidate_filter (TafelLink               *self,
                                                TafelLinkCandidateFilter filter,
                                                gpointer                 user_data);

void    tafel_link_get_transport_stats   (TafelLink           *self,
                                          TafelTransportStats *stats);

/* (transfer none) (nullable): the link's agent, while it has one. */
NiceAgent *tafel_link_test_get_agent     (TafelLink  *self);
guint      tafel_link_test_get_stream_id (TafelLink  *self);

G_END_DECLS
