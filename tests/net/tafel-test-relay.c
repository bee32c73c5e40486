/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "tafel-test-relay.h"

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
  guint     side;
  gsize     len;
  guint8    data[];
} RelayPacket;

typedef struct
{
  TafelTestRelay *relay;
  guint       side;
} Route;

struct _TafelTestRelay
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  GMutex        lock;
  RelayDir      dirs[2];   /* [0]: arrives at port 0, goes to side 1; [1] the reverse */
  Route         routes[2];
  GQueue        queue;     /* RelayPacket, by due time; relay thread only */
  GSource      *timer;
  /* Under the lock: what the relay does. */
  gint64        delay_us;
  TafelTestRelayImpairments impairments;
  GRand        *rand;
  TafelTestRelayCounts counts;
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
relay_arm (TafelTestRelay *relay)
{
  RelayPacket *p = g_queue_peek_head (&relay->queue);

  g_source_set_ready_time (relay->timer, p != NULL ? p->due : -1);
}

static gboolean
relay_flush (gpointer data)
{
  TafelTestRelay *relay = data;
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
        {
          relay->counts.forwarded++;
          relay->counts.bytes[p->side] += p->len;
        }
      else
        relay->counts.dropped++;
      g_mutex_unlock (&relay->lock);
      g_clear_object (&to);
      g_free (p);
    }
  relay_arm (relay);
  return G_SOURCE_CONTINUE;
}

/* Into the queue by due time; most datagrams are due last, so the search
 * starts from the tail. */
static void
relay_enqueue (TafelTestRelay *relay,
               RelayPacket    *p)
{
  GList *l = relay->queue.tail;

  while (l != NULL && ((RelayPacket *) l->data)->due > p->due)
    l = l->prev;
  if (l == NULL)
    g_queue_push_head (&relay->queue, p);
  else
    g_queue_insert_after (&relay->queue, l, p);
}

static RelayPacket *
packet_new (RelayDir     *dir,
            guint         side,
            const guint8 *data,
            gsize         len,
            gint64        due)
{
  RelayPacket *p = g_malloc (sizeof *p + len);

  p->due = due;
  p->dir = dir;
  p->side = side;
  p->len = len;
  memcpy (p->data, data, len);
  return p;
}

static gboolean
relay_receive (GSocket      *socket,
               GIOCondition  condition,
               gpointer      data)
{
  RelayDir *dir = data;
  TafelTestRelay *relay = g_object_get_data (G_OBJECT (socket), "relay");
  guint side = dir == &relay->dirs[0] ? 0 : 1;
  guint8 buf[65536];
  gssize n;

  while ((n = g_socket_receive (socket, (char *) buf, sizeof buf, NULL, NULL)) > 0)
    {
      TafelTestRelayImpairments im;
      gint64 delay, due;
      gboolean drop, duplicate, reorder, corrupt;
      double extra = 0;
      guint flip = 0;

      g_mutex_lock (&relay->lock);
      im = relay->impairments;
      delay = relay->delay_us;
      drop = im.loss > 0 && g_rand_double (relay->rand) < im.loss;
      duplicate = im.duplicate > 0 && g_rand_double (relay->rand) < im.duplicate;
      reorder = im.reorder > 0 && g_rand_double (relay->rand) < im.reorder;
      corrupt = im.corrupt > 0 && g_rand_double (relay->rand) < im.corrupt;
      if (reorder)
        extra = g_rand_double (relay->rand);
      if (corrupt)
        flip = g_rand_int_range (relay->rand, 0, n * 8);
      if (drop)
        relay->counts.dropped++;
      else
        {
          relay->counts.duplicated += duplicate;
          relay->counts.reordered += reorder;
          relay->counts.corrupted += corrupt;
        }
      g_mutex_unlock (&relay->lock);
      if (drop)
        continue;

      if (corrupt)
        buf[flip / 8] ^= 1 << (flip % 8);
      due = g_get_monotonic_time () + delay / 2;
      /* Held back by up to a round trip (at least a few ms), so that the
       * datagrams behind it arrive first. */
      if (reorder)
        due += (gint64) (extra * MAX (delay, 4000)) + 1000;
      relay_enqueue (relay, packet_new (dir, side, buf, n, due));
      if (duplicate)
        relay_enqueue (relay, packet_new (dir, side, buf, n, due + 500));
    }
  relay_arm (relay);
  return G_SOURCE_CONTINUE;
}

static GSocket *
relay_socket (TafelTestRelay *relay)
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
  TafelTestRelay *relay = data;

  g_main_context_push_thread_default (relay->context);
  g_main_loop_run (relay->loop);
  g_main_context_pop_thread_default (relay->context);
  return NULL;
}

TafelTestRelay *
tafel_test_relay_new (gint64 rtt_us,
                 double loss)
{
  TafelTestRelay *relay = g_new0 (TafelTestRelay, 1);

  g_mutex_init (&relay->lock);
  relay->delay_us = rtt_us;
  relay->impairments.loss = loss;
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
tafel_test_relay_free (TafelTestRelay *relay)
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
tafel_test_relay_get_port (TafelTestRelay *relay,
                      guint       side)
{
  return socket_port (relay->dirs[side].in);
}

void
tafel_test_relay_set_target (TafelTestRelay     *relay,
                        guint           side,
                        GSocketAddress *to)
{
  g_mutex_lock (&relay->lock);
  g_set_object (&relay->dirs[side].to, to);
  g_mutex_unlock (&relay->lock);
}

void
tafel_test_relay_get_counts (TafelTestRelay *relay,
                             guint64        *forwarded,
                             guint64        *dropped)
{
  g_mutex_lock (&relay->lock);
  *forwarded = relay->counts.forwarded;
  *dropped = relay->counts.dropped;
  g_mutex_unlock (&relay->lock);
}

void
tafel_test_relay_get_all_counts (TafelTestRelay       *relay,
                                 TafelTestRelayCounts *counts)
{
  g_mutex_lock (&relay->lock);
  *counts = relay->counts;
  g_mutex_unlock (&relay->lock);
}

void
tafel_test_relay_set_impairments (TafelTestRelay                  *relay,
                                  const TafelTestRelayImpairments *impairments,
                                  guint32                          seed)
{
  g_mutex_lock (&relay->lock);
  relay->impairments = *impairments;
  g_rand_set_seed (relay->rand, seed);
  g_mutex_unlock (&relay->lock);
}

void
tafel_test_relay_set_rtt (TafelTestRelay *relay,
                          gint64          rtt_us)
{
  g_mutex_lock (&relay->lock);
  relay->delay_us = rtt_us;
  g_mutex_unlock (&relay->lock);
}

GSocketAddress *
tafel_test_candidate_address (const NiceCandidate *candidate)
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
  g_autoptr(GSocketAddress) real = tafel_test_candidate_address (candidate);

  tafel_test_relay_set_target (route->relay, route->side, real);
  nice_address_set_port (&candidate->addr, tafel_test_relay_get_port (route->relay, route->side));
  return TRUE;
}

void
tafel_test_relay_route_link (TafelTestRelay *relay,
                        guint       side,
                        TafelLink  *link)
{
  g_return_if_fail (side < 2);

  tafel_link_set_remote_candidate_filter (link, route_through_relay, &relay->routes[side]);
}
