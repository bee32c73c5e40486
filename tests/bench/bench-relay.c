/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "bench-relay.h"

typedef struct
{
  GSocket        *in;
  GSocket        *out;
  GSocketAddress *to;      /* guarded by the relay's lock */
} RelayDir;

typedef struct
{
  gint64    due;
  RelayDir *dir;
  gsize     len;
  guint8    data[];
} RelayPacket;

typedef struct
{
  BenchRelay *relay;
  guint       side;
} Route;

struct _BenchRelay
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  GMutex        lock;
  RelayDir      dirs[2];   /* [0]: arrives at port 0, goes to side 1; [1] the reverse */
  Route         routes[2];
  GQueue        queue;
  GSource      *timer;
  gint64        delay_us;
  double        loss;
  GRand        *rand;
  guint64       forwarded;
  guint64       dropped;
};

static gboolean
ready_time_dispatch (GSource     *source,
                     GSourceFunc  callback,
                     gpointer     user_data)
{
  g_source_set_ready_time (source, -1);
  return callback (user_data);
}

static GSourceFuncs ready_time_funcs = { .dispatch = ready_time_dispatch };

static void
relay_arm (BenchRelay *relay)
{
  RelayPacket *p = g_queue_peek_head (&relay->queue);

  g_source_set_ready_time (relay->timer, p != NULL ? p->due : -1);
}

static gboolean
relay_flush (gpointer data)
{
  BenchRelay *relay = data;
  gint64 now = g_get_monotonic_time ();
  RelayPacket *p;

  while ((p = g_queue_peek_head (&relay->queue)) != NULL && p->due <= now)
    {
      GSocketAddress *to;
      gboolean sent;

      g_queue_pop_head (&relay->queue);
      g_mutex_lock (&relay->lock);
      to = p->dir->to != NULL ? g_object_ref (p->dir->to) : NULL;
      g_mutex_unlock (&relay->lock);
      sent = to != NULL && g_socket_send_to (p->dir->out, to, (const char *) p->data, p->len, NULL, NULL) > 0;
      g_mutex_lock (&relay->lock);
      if (sent)
        relay->forwarded++;
      else
        relay->dropped++;
      g_mutex_unlock (&relay->lock);
      g_clear_object (&to);
      g_free (p);
    }
  relay_arm (relay);
  return G_SOURCE_CONTINUE;
}

static gboolean
relay_receive (GSocket      *socket,
               GIOCondition  condition,
               gpointer      data)
{
  RelayDir *dir = data;
  BenchRelay *relay = g_object_get_data (G_OBJECT (socket), "relay");
  guint8 buf[65536];
  gssize n;

  while ((n = g_socket_receive (socket, (char *) buf, sizeof buf, NULL, NULL)) > 0)
    {
      RelayPacket *p;

      if (relay->loss > 0 && g_rand_double (relay->rand) < relay->loss)
        {
          g_mutex_lock (&relay->lock);
          relay->dropped++;
          g_mutex_unlock (&relay->lock);
          continue;
        }
      p = g_malloc (sizeof *p + n);
      p->due = g_get_monotonic_time () + relay->delay_us;
      p->dir = dir;
      p->len = n;
      memcpy (p->data, buf, n);
      g_queue_push_tail (&relay->queue, p);
    }
  relay_arm (relay);
  return G_SOURCE_CONTINUE;
}

static GSocket *
relay_socket (BenchRelay *relay)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                  G_SOCKET_PROTOCOL_UDP, NULL);

  g_assert_nonnull (socket);
  g_assert_true (g_socket_bind (socket, address, TRUE, NULL));
  g_socket_set_blocking (socket, FALSE);
  /* The relay stands for the network, not a bottleneck: room to queue. */
  g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, 4 << 20, NULL);
  g_socket_set_option (socket, SOL_SOCKET, SO_SNDBUF, 4 << 20, NULL);
  g_object_set_data (G_OBJECT (socket), "relay", relay);
  return socket;
}

static gpointer
relay_thread (gpointer data)
{
  BenchRelay *relay = data;

  g_main_context_push_thread_default (relay->context);
  g_main_loop_run (relay->loop);
  g_main_context_pop_thread_default (relay->context);
  return NULL;
}

BenchRelay *
bench_relay_new (gint64 rtt_us,
                 double loss)
{
  BenchRelay *relay = g_new0 (BenchRelay, 1);

  g_mutex_init (&relay->lock);
  relay->delay_us = rtt_us / 2;
  relay->loss = loss;
  relay->rand = g_rand_new_with_seed (42);
  relay->context = g_main_context_new ();
  relay->loop = g_main_loop_new (relay->context, FALSE);
  relay->dirs[0].in = relay_socket (relay);
  relay->dirs[1].in = relay_socket (relay);
  relay->dirs[0].out = relay->dirs[1].in;
  relay->dirs[1].out = relay->dirs[0].in;

  for (guint i = 0; i < 2; i++)
    {
      GSource *source = g_socket_create_source (relay->dirs[i].in, G_IO_IN, NULL);

      g_source_set_callback (source, (GSourceFunc) relay_receive, &relay->dirs[i], NULL);
      g_source_attach (source, relay->context);
      g_source_unref (source);
      relay->routes[i] = (Route) { relay, i };
    }
  relay->timer = g_source_new (&ready_time_funcs, sizeof (GSource));
  g_source_set_callback (relay->timer, relay_flush, relay, NULL);
  g_source_set_ready_time (relay->timer, -1);
  g_source_attach (relay->timer, relay->context);

  relay->thread = g_thread_new ("delay relay", relay_thread, relay);
  return relay;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
bench_relay_free (BenchRelay *relay)
{
  g_main_context_invoke (relay->context, quit_loop, relay->loop);
  g_thread_join (relay->thread);
  g_source_destroy (relay->timer);
  g_source_unref (relay->timer);
  g_queue_clear_full (&relay->queue, g_free);
  for (guint i = 0; i < 2; i++)
    {
      g_clear_object (&relay->dirs[i].to);
      g_object_unref (relay->dirs[i].in);
    }
  g_main_loop_unref (relay->loop);
  g_main_context_unref (relay->context);
  g_rand_free (relay->rand);
  g_mutex_clear (&relay->lock);
  g_free (relay);
}

static guint16
socket_port (GSocket *socket)
{
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (socket, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

guint16
bench_relay_get_port (BenchRelay *relay,
                      guint       side)
{
  return socket_port (relay->dirs[side].in);
}

void
bench_relay_set_target (BenchRelay     *relay,
                        guint           side,
                        GSocketAddress *to)
{
  g_mutex_lock (&relay->lock);
  g_set_object (&relay->dirs[side].to, to);
  g_mutex_unlock (&relay->lock);
}

void
bench_relay_get_counts (BenchRelay *relay,
                        guint64    *forwarded,
                        guint64    *dropped)
{
  g_mutex_lock (&relay->lock);
  *forwarded = relay->forwarded;
  *dropped = relay->dropped;
  g_mutex_unlock (&relay->lock);
}

GSocketAddress *
bench_candidate_address (const NiceCandidate *candidate)
{
  struct sockaddr_storage storage;

  nice_address_copy_to_sockaddr (&candidate->addr, (struct sockaddr *) &storage);
  return g_socket_address_new_from_native (&storage, sizeof (struct sockaddr_in));
}

/* The remote candidate's real address becomes the relay's target; the
 * agent is told the relay's port instead. */
static gboolean
route_through_relay (NiceCandidate *candidate,
                     gpointer       user_data)
{
  Route *route = user_data;
  g_autoptr(GSocketAddress) real = bench_candidate_address (candidate);

  bench_relay_set_target (route->relay, route->side, real);
  nice_address_set_port (&candidate->addr, bench_relay_get_port (route->relay, route->side));
  return TRUE;
}

void
bench_relay_route_link (BenchRelay *relay,
                        guint       side,
                        TafelLink  *link)
{
  g_return_if_fail (side < 2);

  tafel_link_set_remote_candidate_filter (link, route_through_relay, &relay->routes[side]);
}
