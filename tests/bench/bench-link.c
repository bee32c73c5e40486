/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <nice/agent.h>
#include <nice/pseudotcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "tafel-test-relay.h"
#include "tafel-identity.h"
#include "tafel-link-private.h"
#include "tafel-signaling-hub.h"

#include "tafel-test-util.h"

/* Link benchmarks, on 127.0.0.1 in one process:
 *
 *   bench-link [--mb N] [--rtt-mb N] [--connections N] [--only loopback|rtt|latency|connect]
 *
 * 1. Throughput on loopback: libnice's reliable agent (raw bytes, its own
 *    pseudo-TCP), a PseudoTcpSocket with 1 MiB buffers over a
 *    non-reliable agent (raw bytes), and TafelLink (64 KiB frames,
 *    encrypted) with the datagram size it picks on loopback and with the
 *    1200-byte datagrams it uses on other paths.
 * 2. The same at 50 ms RTT. This kernel has no netem, so a relay of our
 *    own, in its own thread, forwards the two agents' datagrams with a
 *    delay queue (25 ms each way); each agent is given the relay's port
 *    in place of the other's candidate, so all traffic, connectivity
 *    checks included, goes through it. Optionally with random loss.
 * 3. Frame latency of TafelLink on loopback: small frames echoed back,
 *    round trip p50/p99 (what presence and live strokes see).
 * 4. Connection time (ICE + handshake) of TafelLink on loopback, p50/p95.
 *
 * "cpu" is the process's CPU time (both ends, and the relay thread) over
 * the transfer; the machine is shared, so wall time alone misleads.
 *
 * A transfer that does not finish within its time cap reports the rate
 * of what arrived, marked with '*'. */

#define FRAME_BYTES (64 * 1024)
#define MB (1000.0 * 1000.0)

static guint opt_mb = 50;
static guint opt_rtt_mb = 20;
static guint opt_connections = 30;
static char *opt_only = NULL;

/* --- Results --- */

static double cpu_mark;

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static void
report (const char *what,
        const char *path,
        guint64     bytes,
        double      seconds,
        gboolean    finished)
{
  printf ("  %-48s %-26s %7.1f MB %8.2f s %7.2f s %9.1f MB/s%s\n", what, path, bytes / MB, seconds,
          cpu_seconds () - cpu_mark, bytes / MB / seconds, finished ? "" : " *");
  fflush (stdout);
}

/* --- Raw libnice agents: the reliable agent, or PseudoTcpSocket --- */

typedef enum
{
  RAW_RELIABLE_AGENT,
  RAW_PSEUDO_TCP,
} RawMode;

typedef struct RawSide RawSide;

struct RawSide
{
  RawMode          mode;
  NiceAgent       *agent;
  guint            stream;
  gboolean         gathered;
  gboolean         ready;
  gboolean         sender;
  PseudoTcpSocket *tcp;
  GSource         *clock;
  GQueue           pending;    /* packets written before the path was ready */
  guint64          total;
  guint64          moved;
  gint64           start;
  gint64           end;
};

static guint8 chunk[FRAME_BYTES];

static gboolean
ready_time_dispatch (GSource     *source,
                     GSourceFunc  callback,
                     gpointer     user_data)
{
  g_source_set_ready_time (source, -1);
  return callback (user_data);
}

static GSourceFuncs ready_time_funcs = { .dispatch = ready_time_dispatch };

static void raw_pump (RawSide *side);

static void
raw_adjust_clock (RawSide *side)
{
  guint64 timeout = 0;

  if (!pseudo_tcp_socket_get_next_clock (side->tcp, &timeout))
    return;
  g_source_set_ready_time (side->clock, (gint64) timeout * 1000);
}

static gboolean
raw_clock (gpointer data)
{
  RawSide *side = data;

  pseudo_tcp_socket_notify_clock (side->tcp);
  raw_adjust_clock (side);
  return G_SOURCE_CONTINUE;
}

static void
raw_received (RawSide *side,
              guint    len)
{
  side->moved += len;
  if (side->moved >= side->total && side->end == 0)
    side->end = g_get_monotonic_time ();
}

static void
raw_recv (NiceAgent *agent,
          guint      stream,
          guint      component,
          guint      len,
          gchar     *buf,
          gpointer   data)
{
  RawSide *side = data;

  if (side->mode == RAW_RELIABLE_AGENT)
    raw_received (side, len);
  else
    {
      pseudo_tcp_socket_notify_packet (side->tcp, buf, len);
      raw_adjust_clock (side);
    }
}

static void
raw_pump (RawSide *side)
{
  if (!side->sender || side->start == 0)
    return;

  while (side->moved < side->total)
    {
      guint n = MIN (sizeof chunk, side->total - side->moved);
      gint sent = side->mode == RAW_RELIABLE_AGENT
                  ? nice_agent_send (side->agent, side->stream, 1, n, (const gchar *) chunk)
                  : pseudo_tcp_socket_send (side->tcp, (const char *) chunk, n);

      if (sent <= 0)
        break;
      side->moved += sent;
    }
  if (side->mode == RAW_PSEUDO_TCP)
    raw_adjust_clock (side);
}

static void
raw_writable (NiceAgent *agent,
              guint      stream,
              guint      component,
              gpointer   data)
{
  raw_pump (data);
}

static void
tcp_opened (PseudoTcpSocket *tcp,
            gpointer         data)
{
  RawSide *side = data;

  if (side->sender)
    {
      side->start = g_get_monotonic_time ();
      raw_pump (side);
    }
}

static void
tcp_readable (PseudoTcpSocket *tcp,
              gpointer         data)
{
  static char buf[256 * 1024];
  gint n;

  while ((n = pseudo_tcp_socket_recv (tcp, buf, sizeof buf)) > 0)
    raw_received (data, n);
}

static void
tcp_writable (PseudoTcpSocket *tcp,
              gpointer         data)
{
  raw_pump (data);
}

static void
tcp_closed (PseudoTcpSocket *tcp,
            guint32          error,
            gpointer         data)
{
}

static PseudoTcpWriteResult
tcp_write (PseudoTcpSocket *tcp,
           const gchar     *buf,
           guint32          len,
           gpointer         data)
{
  RawSide *side = data;

  /* Hold what is written before this side's path is ready (as libnice's
   * reliable agent does), rather than lose the handshake. */
  if (!side->ready)
    g_queue_push_tail (&side->pending, g_bytes_new (buf, len));
  else
    nice_agent_send (side->agent, side->stream, 1, len, buf);
  return WR_SUCCESS;
}

static void
raw_state_changed (NiceAgent *agent,
                   guint      stream,
                   guint      component,
                   guint      state,
                   gpointer   data)
{
  RawSide *side = data;
  GBytes *bytes;

  if (state != NICE_COMPONENT_STATE_READY || side->ready)
    return;
  side->ready = TRUE;

  if (side->mode == RAW_RELIABLE_AGENT)
    {
      if (side->sender)
        {
          side->start = g_get_monotonic_time ();
          raw_pump (side);
        }
      return;
    }

  while ((bytes = g_queue_pop_head (&side->pending)) != NULL)
    {
      nice_agent_send (agent, stream, 1, g_bytes_get_size (bytes), g_bytes_get_data (bytes, NULL));
      g_bytes_unref (bytes);
    }
  if (side->sender)
    pseudo_tcp_socket_connect (side->tcp);
  raw_adjust_clock (side);
}

static void
raw_gathered (NiceAgent *agent,
              guint      stream,
              gpointer   data)
{
  ((RawSide *) data)->gathered = TRUE;
}

static void
raw_side_init (RawSide  *side,
               RawMode   mode,
               gboolean  controlling,
               guint64   total)
{
  NiceAddress address;

  memset (side, 0, sizeof *side);
  side->mode = mode;
  side->sender = controlling;
  side->total = total;
  side->agent = nice_agent_new_full (NULL, NICE_COMPATIBILITY_RFC5245,
                                     mode == RAW_RELIABLE_AGENT ? NICE_AGENT_OPTION_RELIABLE : 0);
  g_object_set (side->agent, "controlling-mode", controlling, "upnp", FALSE, "ice-tcp", FALSE, NULL);
  nice_address_init (&address);
  nice_address_set_from_string (&address, "127.0.0.1");
  nice_agent_add_local_address (side->agent, &address);
  side->stream = nice_agent_add_stream (side->agent, 1);
  g_signal_connect (side->agent, "component-state-changed", G_CALLBACK (raw_state_changed), side);
  g_signal_connect (side->agent, "candidate-gathering-done", G_CALLBACK (raw_gathered), side);
  g_signal_connect (side->agent, "reliable-transport-writable", G_CALLBACK (raw_writable), side);
  nice_agent_attach_recv (side->agent, side->stream, 1, NULL, raw_recv, side);

  if (mode == RAW_PSEUDO_TCP)
    {
      PseudoTcpCallbacks callbacks = { side, tcp_opened, tcp_readable, tcp_writable, tcp_closed, tcp_write };

      side->tcp = pseudo_tcp_socket_new (1, &callbacks);
      /* The tuning the issue suggests: large buffers (the window), no
       * Nagle, quick acknowledgements; libnice's segment size. */
      g_object_set (side->tcp, "snd-buf", 1024 * 1024, "rcv-buf", 1024 * 1024,
                    "no-delay", TRUE, "ack-delay", 0, NULL);
      pseudo_tcp_socket_notify_mtu (side->tcp, 1400);
      side->clock = g_source_new (&ready_time_funcs, sizeof (GSource));
      g_source_set_callback (side->clock, raw_clock, side, NULL);
      g_source_set_ready_time (side->clock, -1);
      g_source_attach (side->clock, NULL);
    }

  nice_agent_gather_candidates (side->agent, side->stream);
}

static void
raw_side_clear (RawSide *side)
{
  nice_agent_attach_recv (side->agent, side->stream, 1, NULL, NULL, NULL);
  g_signal_handlers_disconnect_by_data (side->agent, side);
  if (side->clock != NULL)
    {
      g_source_destroy (side->clock);
      g_source_unref (side->clock);
    }
  g_clear_object (&side->tcp);
  g_clear_object (&side->agent);
  g_queue_clear_full (&side->pending, (GDestroyNotify) g_bytes_unref);
}

/* Gives @to the credentials and candidates of @from, with the candidates'
 * port replaced by @via_port unless 0. */
static void
raw_exchange (RawSide *from,
              RawSide *to,
              guint16  via_port)
{
  g_autofree char *ufrag = NULL, *pwd = NULL;
  GSList *candidates;

  nice_agent_get_local_credentials (from->agent, from->stream, &ufrag, &pwd);
  nice_agent_set_remote_credentials (to->agent, to->stream, ufrag, pwd);
  candidates = nice_agent_get_local_candidates (from->agent, from->stream, 1);
  for (GSList *l = candidates; via_port != 0 && l != NULL; l = l->next)
    nice_address_set_port (&((NiceCandidate *) l->data)->addr, via_port);
  nice_agent_set_remote_candidates (to->agent, to->stream, 1, candidates);
  g_slist_free_full (candidates, (GDestroyNotify) nice_candidate_free);
}

static GSocketAddress *
raw_address (RawSide *side)
{
  GSList *candidates = nice_agent_get_local_candidates (side->agent, side->stream, 1);
  GSocketAddress *address = tafel_test_candidate_address (candidates->data);

  g_slist_free_full (candidates, (GDestroyNotify) nice_candidate_free);
  return address;
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
bench_raw (RawMode     mode,
           const char *what,
           const char *path,
           guint64     total,
           TafelTestRelay *relay,
           guint       cap_s)
{
  RawSide a, b;
  gboolean timed_out = FALSE;
  guint cap;
  gint64 end;

  raw_side_init (&a, mode, TRUE, total);
  raw_side_init (&b, mode, FALSE, total);
  while (!a.gathered || !b.gathered)
    g_main_context_iteration (NULL, TRUE);

  if (relay != NULL)
    {
      g_autoptr(GSocketAddress) a_address = raw_address (&a);
      g_autoptr(GSocketAddress) b_address = raw_address (&b);

      tafel_test_relay_set_target (relay, 0, b_address);
      tafel_test_relay_set_target (relay, 1, a_address);
      raw_exchange (&b, &a, tafel_test_relay_get_port (relay, 0));
      raw_exchange (&a, &b, tafel_test_relay_get_port (relay, 1));
    }
  else
    {
      raw_exchange (&b, &a, 0);
      raw_exchange (&a, &b, 0);
    }

  cap = g_timeout_add_seconds (cap_s, set_flag, &timed_out);
  cpu_mark = cpu_seconds ();
  while (b.end == 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (cap);

  end = b.end != 0 ? b.end : g_get_monotonic_time ();
  if (a.start == 0)
    printf ("  %-48s %-26s never connected\n", what, path);
  else
    report (what, path, b.moved, (end - a.start) / 1e6, b.end != 0);

  raw_side_clear (&a);
  raw_side_clear (&b);
}

/* --- TafelLink --- */

typedef struct
{
  TafelLink *link;
  gboolean   connected;
  gboolean   failed;
  guint64    received;
  guint64    total;
  gint64     end;
} LinkSide;


static void
link_connected (TafelLink *link,
                LinkSide  *side)
{
  side->connected = TRUE;
}

static void
link_failed (TafelLink    *link,
             const GError *error,
             LinkSide     *side)
{
  printf ("  link failed: %s\n", error->message);
  side->failed = TRUE;
}

static void
link_frame (TafelLink *link,
            GBytes    *frame,
            LinkSide  *side)
{
  side->received += g_bytes_get_size (frame) - 1;
  if (side->received >= side->total && side->end == 0)
    side->end = g_get_monotonic_time ();
}

typedef struct
{
  TafelSignalingHub *hub;
  TafelIdentity     *ids[2];
  TafelSignaling    *signaling[2];
  TafelLinkAuth     *auth[2];
  LinkSide           sides[2];
} LinkPair;

static void
link_pair_init (LinkPair        *pair,
                TafelLinkConfig *config,
                TafelTestRelay      *relay)
{
  guint8 board[TAFEL_BOARD_ID_BYTES], secret[TAFEL_BOARD_SECRET_BYTES];

  memset (pair, 0, sizeof *pair);
  tafel_random_bytes (board, sizeof board);
  tafel_random_bytes (secret, sizeof secret);
  pair->hub = tafel_signaling_hub_new ();
  for (guint i = 0; i < 2; i++)
    {
      pair->ids[i] = tafel_identity_new_ephemeral ();
      pair->signaling[i] = tafel_signaling_hub_connect (pair->hub, tafel_identity_get_public_key (pair->ids[i]));
      pair->auth[i] = tafel_link_auth_new (board, secret, pair->ids[i]);
    }
  for (guint i = 0; i < 2; i++)
    {
      LinkSide *side = &pair->sides[i];

      side->link = tafel_link_new (pair->signaling[i], config, pair->auth[i],
                                   tafel_identity_get_public_key (pair->ids[1 - i]));
      g_signal_connect (side->link, "connected", G_CALLBACK (link_connected), side);
      g_signal_connect (side->link, "failed", G_CALLBACK (link_failed), side);
      g_signal_connect (side->link, "frame", G_CALLBACK (link_frame), side);
      if (relay != NULL)
        {
          tafel_test_relay_route_link (relay, i, side->link);
        }
    }
}

static void
link_pair_clear (LinkPair *pair)
{
  gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 5;

  for (guint i = 0; i < 2; i++)
    {
      g_signal_handlers_disconnect_by_data (pair->sides[i].link, &pair->sides[i]);
      g_clear_object (&pair->sides[i].link);
      g_clear_object (&pair->signaling[i]);
      g_clear_pointer (&pair->auth[i], tafel_link_auth_unref);
      g_clear_object (&pair->ids[i]);
    }
  g_clear_object (&pair->hub);
  /* Let the agents close. */
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
link_pair_wait_connected (LinkPair *pair,
                          guint     cap_ms)
{
  gboolean timed_out = FALSE;
  guint cap = g_timeout_add (cap_ms, set_flag, &timed_out);

  while (!(pair->sides[0].connected && pair->sides[1].connected) &&
         !pair->sides[0].failed && !pair->sides[1].failed && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (cap);
  return pair->sides[0].connected && pair->sides[1].connected;
}

/* Shrinks the agents' socket buffers to the kernel's usual default, to
 * see the link as it runs where net.core.rmem_max was not raised. */
static void
default_socket_buffers (TafelLink *link)
{
  g_autoptr(GPtrArray) sockets = nice_agent_get_sockets (tafel_link_test_get_agent (link),
                                                         tafel_link_test_get_stream_id (link), 1);

  for (guint i = 0; sockets != NULL && i < sockets->len; i++)
    {
      g_socket_set_option (g_ptr_array_index (sockets, i), SOL_SOCKET, SO_RCVBUF, 212992 / 2, NULL);
      g_socket_set_option (g_ptr_array_index (sockets, i), SOL_SOCKET, SO_SNDBUF, 212992 / 2, NULL);
    }
}

static void
bench_link (const char *what,
            const char *path,
            guint64     total,
            gsize       datagram,
            TafelTestRelay *relay,
            gboolean    default_buffers,
            guint       cap_s)
{
  g_autoptr(TafelLinkConfig) config = tafel_link_config_new ();
  static const char *loopback[] = { "127.0.0.1", NULL };
  LinkPair pair;
  TafelLink *sender;
  guint64 sent = 0;
  gboolean timed_out = FALSE;
  guint cap;
  gint64 start, end;
  TafelTransportStats stats;

  tafel_link_config_set_local_addresses (config, loopback, NULL);
  tafel_link_config_set_max_datagram (config, datagram);
  link_pair_init (&pair, config, relay);
  pair.sides[1].total = total;
  sender = pair.sides[0].link;

  tafel_link_start (pair.sides[0].link);
  tafel_link_start (pair.sides[1].link);
  if (!link_pair_wait_connected (&pair, 20000))
    {
      printf ("  %-48s %-26s never connected\n", what, path);
      link_pair_clear (&pair);
      return;
    }
  if (default_buffers)
    {
      default_socket_buffers (pair.sides[0].link);
      default_socket_buffers (pair.sides[1].link);
    }

  /* Send while the link is not congested, as a sync layer would. */
  cap = g_timeout_add_seconds (cap_s, set_flag, &timed_out);
  start = g_get_monotonic_time ();
  cpu_mark = cpu_seconds ();
  while (pair.sides[1].end == 0 && !timed_out && !pair.sides[0].failed && !pair.sides[1].failed)
    {
      while (sent < total && tafel_frame_channel_is_writable (TAFEL_FRAME_CHANNEL (sender)))
        {
          g_autoptr(GBytes) frame = g_bytes_new_static (chunk, MIN (sizeof chunk, total - sent));

          if (!tafel_link_send (sender, 0x10, frame, NULL))
            break;
          sent += g_bytes_get_size (frame);
        }
      g_main_context_iteration (NULL, TRUE);
    }
  if (!timed_out)
    g_source_remove (cap);
  end = pair.sides[1].end != 0 ? pair.sides[1].end : g_get_monotonic_time ();

  tafel_link_get_transport_stats (sender, &stats);
  report (what, path, pair.sides[1].received, (end - start) / 1e6, pair.sides[1].end != 0);
  printf ("  %-48s   srtt %.2f ms, %" G_GUINT64_FORMAT " packets, %" G_GUINT64_FORMAT " lost, "
          "%" G_GUINT64_FORMAT " probes\n", "", stats.srtt_us / 1e3, stats.packets_sent,
          stats.packets_lost, stats.probes_sent);

  link_pair_clear (&pair);
}

static void
bench_connect (guint n)
{
  g_autoptr(TafelLinkConfig) config = tafel_link_config_new ();
  static const char *loopback[] = { "127.0.0.1", NULL };
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  double p50, p95;

  tafel_link_config_set_local_addresses (config, loopback, NULL);

  for (guint i = 0; i < n; i++)
    {
      LinkPair pair;
      gint64 start;
      double ms;

      link_pair_init (&pair, config, NULL);
      start = g_get_monotonic_time ();
      tafel_link_start (pair.sides[0].link);
      tafel_link_start (pair.sides[1].link);
      if (link_pair_wait_connected (&pair, 20000))
        {
          ms = (g_get_monotonic_time () - start) / 1e3;
          g_array_append_val (times, ms);
        }
      link_pair_clear (&pair);
    }

  if (times->len == 0)
    {
      printf ("  no connection came up\n");
      return;
    }
  p50 = tafel_test_percentile (times, 0.5);
  p95 = tafel_test_percentile (times, 0.95);
  printf ("  TafelLink connection (ICE + handshake), loopback: %u/%u connected, p50 %.1f ms, "
          "p95 %.1f ms, max %.1f ms\n", times->len, n, p50, p95,
          tafel_test_percentile (times, 1.0));
}

/* Echoes every frame straight back. */
static void
echo_frame (TafelLink *link,
            GBytes    *frame,
            gpointer   data)
{
  tafel_frame_channel_send (TAFEL_FRAME_CHANNEL (link), frame);
}

static void
count_frame (TafelLink *link,
             GBytes    *frame,
             guint     *n)
{
  (*n)++;
}

static void
bench_latency (guint rounds)
{
  g_autoptr(TafelLinkConfig) config = tafel_link_config_new ();
  static const char *loopback[] = { "127.0.0.1", NULL };
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GBytes) frame = NULL;
  guint8 bytes[100] = { 0x40 };
  LinkPair pair;
  guint answered = 0;
  double p50, p99;

  tafel_link_config_set_local_addresses (config, loopback, NULL);
  link_pair_init (&pair, config, NULL);
  tafel_link_start (pair.sides[0].link);
  tafel_link_start (pair.sides[1].link);
  if (!link_pair_wait_connected (&pair, 20000))
    {
      printf ("  latency: never connected\n");
      link_pair_clear (&pair);
      return;
    }
  g_signal_connect (pair.sides[1].link, "frame", G_CALLBACK (echo_frame), NULL);
  g_signal_connect (pair.sides[0].link, "frame", G_CALLBACK (count_frame), &answered);
  frame = g_bytes_new (bytes, sizeof bytes);

  for (guint i = 0; i < rounds; i++)
    {
      guint before = answered;
      gint64 start = g_get_monotonic_time ();
      double ms;

      tafel_frame_channel_send (TAFEL_FRAME_CHANNEL (pair.sides[0].link), frame);
      while (answered == before && g_get_monotonic_time () - start < G_USEC_PER_SEC)
        g_main_context_iteration (NULL, TRUE);
      ms = (g_get_monotonic_time () - start) / 1e3;
      g_array_append_val (times, ms);
    }

  p50 = tafel_test_percentile (times, 0.5);
  p99 = tafel_test_percentile (times, 0.99);
  printf ("  TafelLink 100-byte frame round trip, loopback, %u rounds: p50 %.3f ms, p99 %.3f ms, "
          "max %.3f ms\n", rounds, p50, p99, tafel_test_percentile (times, 1.0));
  g_signal_handlers_disconnect_by_func (pair.sides[1].link, echo_frame, NULL);
  g_signal_handlers_disconnect_by_func (pair.sides[0].link, count_frame, &answered);
  link_pair_clear (&pair);
}

static gboolean
want (const char *section)
{
  return opt_only == NULL || g_strcmp0 (opt_only, section) == 0;
}

int
main (int    argc,
      char **argv)
{
  GOptionEntry entries[] = {
    { "mb", 0, 0, G_OPTION_ARG_INT, &opt_mb, "MB per loopback transfer (default 50)", "N" },
    { "rtt-mb", 0, 0, G_OPTION_ARG_INT, &opt_rtt_mb, "MB per 50 ms RTT transfer (default 20)", "N" },
    { "connections", 0, 0, G_OPTION_ARG_INT, &opt_connections, "connections to time (default 30)", "N" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &opt_only, "loopback, rtt, latency or connect", "SECTION" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- link benchmarks");
  g_autoptr(GError) error = NULL;
  guint64 loopback_bytes, rtt_bytes;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  for (gsize i = 0; i < sizeof chunk; i++)
    chunk[i] = (guint8) (i * 7);
  loopback_bytes = (guint64) opt_mb * 1000 * 1000;
  rtt_bytes = (guint64) opt_rtt_mb * 1000 * 1000;

  printf ("Link throughput, one process, 127.0.0.1 (* = did not finish within its time cap)\n");
  printf ("  %-48s %-26s %10s %10s %9s %14s\n", "transport", "path", "moved", "time", "cpu", "rate");

  if (want ("loopback"))
    {
      bench_raw (RAW_RELIABLE_AGENT, "libnice reliable agent (pseudo-TCP), raw", "loopback",
                 loopback_bytes, NULL, 60);
      bench_raw (RAW_PSEUDO_TCP, "PseudoTcpSocket 1 MiB buffers, raw", "loopback",
                 loopback_bytes, NULL, 60);
      bench_link ("TafelLink, encrypted 64 KiB frames", "loopback (64 KiB dgrams)",
                  loopback_bytes, 0, NULL, FALSE, 60);
      bench_link ("TafelLink, encrypted 64 KiB frames", "loopback (1200 B dgrams)",
                  loopback_bytes, 1200, NULL, FALSE, 60);
    }

  if (want ("rtt"))
    {
      TafelTestRelay *relay;

      relay = tafel_test_relay_new (50 * 1000, 0);
      bench_raw (RAW_RELIABLE_AGENT, "libnice reliable agent (pseudo-TCP), raw", "50 ms RTT",
                 rtt_bytes / 2, relay, 30);
      tafel_test_relay_free (relay);

      relay = tafel_test_relay_new (50 * 1000, 0);
      bench_raw (RAW_PSEUDO_TCP, "PseudoTcpSocket 1 MiB buffers, raw", "50 ms RTT",
                 rtt_bytes, relay, 30);
      tafel_test_relay_free (relay);

      relay = tafel_test_relay_new (50 * 1000, 0);
      bench_link ("TafelLink, encrypted 64 KiB frames", "50 ms RTT (1200 B)",
                  rtt_bytes, 1200, relay, FALSE, 60);
      tafel_test_relay_free (relay);

      relay = tafel_test_relay_new (50 * 1000, 0);
      bench_link ("TafelLink, default socket buffers", "50 ms RTT (1200 B)",
                  rtt_bytes, 1200, relay, TRUE, 60);
      tafel_test_relay_free (relay);

      relay = tafel_test_relay_new (50 * 1000, 0.001);
      bench_raw (RAW_PSEUDO_TCP, "PseudoTcpSocket 1 MiB buffers, raw", "50 ms RTT, 0.1% loss",
                 rtt_bytes / 2, relay, 30);
      tafel_test_relay_free (relay);

      relay = tafel_test_relay_new (50 * 1000, 0.001);
      bench_link ("TafelLink, encrypted 64 KiB frames", "50 ms RTT, 0.1% loss",
                  rtt_bytes, 1200, relay, FALSE, 60);
      tafel_test_relay_free (relay);
    }

  if (want ("latency"))
    bench_latency (2000);

  if (want ("connect"))
    bench_connect (opt_connections);

  g_free (opt_only);
  return 0;
}
