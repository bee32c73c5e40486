/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tafel-transport.h"
#include "tafel-test-util.h"

/* Two transports over a simulated network with virtual time: delay,
 * jitter (reordering), loss, duplication, a rate-limited bottleneck with a
 * drop-tail queue and outages. Each test moves a stream both ways and
 * checks every byte. Randomness comes from one seed, printed, and taken
 * back from TAFEL_TEST_SEED. */

static guint32 base_seed;

typedef struct
{
  gint64 due;
  gsize  len;
  guint8 data[];
} Datagram;

typedef struct
{
  GQueue   queue;          /* Datagram, by due time */
  gint64   delay;
  gint64   jitter;
  double   loss;
  double   dup;
  double   corrupt;        /* one bit flipped in this share of datagrams */
  guint64  corrupted;
  double   rate;           /* bytes per µs at the bottleneck; 0 = none */
  gsize    queue_limit;    /* bottleneck queue, bytes */
  gint64   link_free_at;
  gint64   down_from;      /* everything sent in [down_from, down_until) is lost */
  gint64   down_until;
  guint64  dropped;
  GRand   *rand;
} Channel;

typedef struct
{
  TafelTransport *t;
  guint64 total;           /* bytes this side sends */
  guint64 written;
  guint64 read;            /* bytes this side received and checked */
  guint8  salt;
  gboolean paused;
  guint64 max_unacked;
} Peer;

static inline guint8
pattern (guint64 offset,
         guint8  salt)
{
  return (guint8) (((offset * 2654435761u) >> 13) ^ salt ^ (offset >> 20));
}

static gint
compare_due (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  const Datagram *x = a, *y = b;

  return (x->due > y->due) - (x->due < y->due);
}

static void
channel_push (Channel      *ch,
              const guint8 *data,
              gsize         len,
              gint64        depart)
{
  Datagram *d = g_malloc (sizeof *d + len);

  d->due = depart + ch->delay + (ch->jitter ? g_rand_int_range (ch->rand, 0, ch->jitter) : 0);
  d->len = len;
  memcpy (d->data, data, len);
  g_queue_insert_sorted (&ch->queue, d, compare_due, NULL);
}

static void
channel_send (Channel      *ch,
              const guint8 *data,
              gsize         len,
              gint64        now)
{
  gint64 depart = now;

  if ((now >= ch->down_from && now < ch->down_until) ||
      (ch->loss > 0 && g_rand_double (ch->rand) < ch->loss))
    {
      ch->dropped++;
      return;
    }

  if (ch->rate > 0)
    {
      gint64 start = MAX (now, ch->link_free_at);
      double backlog = (start - now) * ch->rate;

      if (backlog + len > ch->queue_limit)
        {
          ch->dropped++;
          return;
        }
      ch->link_free_at = start + (gint64) (len / ch->rate) + 1;
      depart = ch->link_free_at;
    }

  if (ch->corrupt > 0 && g_rand_double (ch->rand) < ch->corrupt)
    {
      g_autofree guint8 *damaged = g_memdup2 (data, len);
      guint bit = g_rand_int_range (ch->rand, 0, len * 8);

      damaged[bit / 8] ^= 1 << (bit % 8);
      ch->corrupted++;
      channel_push (ch, damaged, len, depart);
    }
  else
    channel_push (ch, data, len, depart);
  if (ch->dup > 0 && g_rand_double (ch->rand) < ch->dup)
    channel_push (ch, data, len, depart);
}

static void
channel_clear (Channel *ch)
{
  g_queue_clear_full (&ch->queue, g_free);
  g_clear_pointer (&ch->rand, g_rand_free);
}

static void
peer_pump (Peer    *p,
           Channel *out,
           gint64   now)
{
  guint8 buf[TAFEL_TRANSPORT_MAX_DATAGRAM];
  gsize n;

  while (p->written < p->total)
    {
      guint8 chunk[4096];
      gsize want = MIN (sizeof chunk, p->total - p->written);
      gsize taken;

      for (gsize i = 0; i < want; i++)
        chunk[i] = pattern (p->written + i, p->salt);
      taken = tafel_transport_write (p->t, chunk, want);
      p->written += taken;
      if (taken < want)
        break;
    }
  p->max_unacked = MAX (p->max_unacked, tafel_transport_get_unacked (p->t));

  while (!p->paused)
    {
      const guint8 *data = tafel_transport_peek (p->t, &n);

      if (data == NULL)
        break;
      for (gsize i = 0; i < n; i++)
        if (data[i] != pattern (p->read + i, p->salt ^ 0xff))
          g_error ("byte %" G_GUINT64_FORMAT " of the stream is wrong", p->read + i);
      p->read += n;
      tafel_transport_consume (p->t, n);
    }

  while ((n = tafel_transport_transmit (p->t, buf, sizeof buf, now)) > 0)
    channel_send (out, buf, n, now);
}

typedef struct
{
  Peer    a, b;
  Channel ab, ba;
  gint64  now;
  guint64 iterations;
  /* Called once per step, to change conditions over time. */
  void   (*step) (gpointer sim, gint64 now);
} Sim;

static void
sim_init (Sim     *sim,
          guint    test_index,
          gsize    window,
          gsize    datagram,
          guint64  a_to_b,
          guint64  b_to_a)
{
  memset (sim, 0, sizeof *sim);
  sim->a.t = tafel_transport_new (window);
  sim->b.t = tafel_transport_new (window);
  tafel_transport_set_max_datagram (sim->a.t, datagram);
  tafel_transport_set_max_datagram (sim->b.t, datagram);
  sim->a.total = a_to_b;
  sim->b.total = b_to_a;
  /* A sends with salt 0x00, B expects what A sends (its salt ^ 0xff). */
  sim->a.salt = 0x00;
  sim->b.salt = 0xff;
  sim->ab.rand = g_rand_new_with_seed (base_seed + 2 * test_index);
  sim->ba.rand = g_rand_new_with_seed (base_seed + 2 * test_index + 1);
  sim->ab.down_from = sim->ab.down_until = sim->ba.down_from = sim->ba.down_until = -1;
}

static void
sim_clear (Sim *sim)
{
  g_clear_pointer (&sim->a.t, tafel_transport_free);
  g_clear_pointer (&sim->b.t, tafel_transport_free);
  channel_clear (&sim->ab);
  channel_clear (&sim->ba);
}

static gboolean
sim_done (Sim *sim)
{
  return sim->b.read == sim->a.total && sim->a.read == sim->b.total &&
         tafel_transport_get_unacked (sim->a.t) == 0 &&
         tafel_transport_get_unacked (sim->b.t) == 0;
}

static void
deliver_due (Channel        *ch,
             TafelTransport *to,
             gint64          now)
{
  Datagram *d;

  while ((d = g_queue_peek_head (&ch->queue)) != NULL && d->due <= now)
    {
      g_queue_pop_head (&ch->queue);
      tafel_transport_receive (to, d->data, d->len, now);
      g_free (d);
    }
}

/* Runs until both streams arrived and were acknowledged. Returns the
 * virtual time that took, µs. */
static gint64
sim_run (Sim    *sim,
         gint64  time_limit)
{
  while (!sim_done (sim))
    {
      gint64 next = G_MAXINT64;
      Datagram *d;

      peer_pump (&sim->a, &sim->ab, sim->now);
      peer_pump (&sim->b, &sim->ba, sim->now);
      if (sim_done (sim))
        break;

      if ((d = g_queue_peek_head (&sim->ab.queue)) != NULL)
        next = MIN (next, d->due);
      if ((d = g_queue_peek_head (&sim->ba.queue)) != NULL)
        next = MIN (next, d->due);
      next = MIN (next, tafel_transport_get_deadline (sim->a.t, sim->now));
      next = MIN (next, tafel_transport_get_deadline (sim->b.t, sim->now));
      if (sim->step != NULL)
        next = MIN (next, sim->now + 10 * 1000);

      g_assert_cmpint (next, <, G_MAXINT64);  /* something must be pending */
      sim->now = MAX (sim->now, next);
      g_assert_cmpint (sim->now, <, time_limit);
      g_assert_cmpuint (++sim->iterations, <, 20000000);

      if (sim->step != NULL)
        sim->step (sim, sim->now);

      deliver_due (&sim->ab, sim->b.t, sim->now);
      deliver_due (&sim->ba, sim->a.t, sim->now);
      if (sim->now >= tafel_transport_get_deadline (sim->a.t, sim->now))
        tafel_transport_handle_timeout (sim->a.t, sim->now);
      if (sim->now >= tafel_transport_get_deadline (sim->b.t, sim->now))
        tafel_transport_handle_timeout (sim->b.t, sim->now);
    }

  return sim->now;
}

static void
log_stats (Sim        *sim,
           const char *what)
{
  TafelTransportStats sa, sb;

  tafel_transport_get_stats (sim->a.t, &sa);
  tafel_transport_get_stats (sim->b.t, &sb);
  g_test_message ("%s: %.3f s virtual, %" G_GUINT64_FORMAT " iterations; A sent %" G_GUINT64_FORMAT
                  " packets, lost %" G_GUINT64_FORMAT ", probes %" G_GUINT64_FORMAT
                  ", srtt %" G_GINT64_FORMAT " µs; channel drops %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT,
                  what, sim->now / 1e6, sim->iterations, sa.packets_sent, sa.packets_lost,
                  sa.probes_sent, sa.srtt_us, sim->ab.dropped, sim->ba.dropped);
}

static void
test_transport_clean (void)
{
  Sim sim;
  gint64 took;

  sim_init (&sim, 1, 1024 * 1024, 1200, 8 * 1024 * 1024, 3 * 1024 * 1024);
  sim.ab.delay = sim.ba.delay = 10 * 1000;
  took = sim_run (&sim, 60 * G_USEC_PER_SEC);
  log_stats (&sim, "clean");

  g_assert_cmpuint (sim.b.read, ==, sim.a.total);
  g_assert_cmpuint (sim.a.read, ==, sim.b.total);
  /* Nothing is lost on a clean path, so nothing is declared lost. */
  {
    TafelTransportStats stats;

    tafel_transport_get_stats (sim.a.t, &stats);
    g_assert_cmpuint (stats.packets_lost, ==, 0);
    g_assert_cmpint (stats.srtt_us, >=, 20 * 1000);
    g_assert_cmpint (stats.srtt_us, <=, 30 * 1000);
  }
  /* 8 MiB with a 1 MiB window over 20 ms RTT: far below a second. */
  g_assert_cmpint (took, <, G_USEC_PER_SEC);
  sim_clear (&sim);
}

/* A path that damages datagrams (one bit flipped in 2 % of them, headers
 * and payload alike, what a UDP checksum would have let through): each
 * damaged one is dropped by its checksum and resent like a lost one, and
 * every byte of both streams arrives as sent. */
static void
test_transport_damaged (void)
{
  Sim sim;
  TafelTransportStats sa, sb;

  sim_init (&sim, 8, 512 * 1024, 1200, 2 * 1024 * 1024, 1024 * 1024);
  sim.ab.delay = sim.ba.delay = 10 * 1000;
  sim.ab.corrupt = sim.ba.corrupt = 0.02;
  sim_run (&sim, 600 * G_USEC_PER_SEC);
  log_stats (&sim, "damaged");
  tafel_transport_get_stats (sim.a.t, &sa);
  tafel_transport_get_stats (sim.b.t, &sb);
  g_test_message ("damaged datagrams: %" G_GUINT64_FORMAT " + %" G_GUINT64_FORMAT
                  " flipped, %" G_GUINT64_FORMAT " + %" G_GUINT64_FORMAT " dropped by their checksum",
                  sim.ab.corrupted, sim.ba.corrupted, sb.damaged, sa.damaged);

  g_assert_cmpuint (sim.b.read, ==, sim.a.total);
  g_assert_cmpuint (sim.a.read, ==, sim.b.total);
  g_assert_cmpuint (sim.ab.corrupted, >, 0);
  g_assert_cmpuint (sb.damaged, ==, sim.ab.corrupted);
  g_assert_cmpuint (sa.damaged, ==, sim.ba.corrupted);
  sim_clear (&sim);
}

static void
test_transport_lossy (void)
{
  Sim sim;

  sim_init (&sim, 2, 512 * 1024, 1200, 4 * 1024 * 1024, 4 * 1024 * 1024);
  sim.ab.delay = sim.ba.delay = 25 * 1000;
  sim.ab.jitter = sim.ba.jitter = 10 * 1000;   /* heavy reordering */
  sim.ab.loss = sim.ba.loss = 0.05;
  sim.ab.dup = sim.ba.dup = 0.02;
  sim_run (&sim, 600 * G_USEC_PER_SEC);
  log_stats (&sim, "lossy");

  g_assert_cmpuint (sim.b.read, ==, sim.a.total);
  g_assert_cmpuint (sim.a.read, ==, sim.b.total);
  g_assert_cmpuint (sim.ab.dropped, >, 0);
  sim_clear (&sim);
}

static void
test_transport_bottleneck (void)
{
  Sim sim;
  gint64 took;
  double goodput;

  /* 2 MB/s bottleneck, 50 ms RTT, a queue of 64 KiB: slow start overshoots
   * and loses a burst, which must be repaired within a round trip or two
   * rather than one packet per round trip. */
  sim_init (&sim, 3, 4 * 1024 * 1024, 1200, 8 * 1024 * 1024, 0);
  sim.ab.delay = sim.ba.delay = 25 * 1000;
  sim.ab.rate = 2.0;
  sim.ab.queue_limit = 64 * 1024;
  took = sim_run (&sim, 120 * G_USEC_PER_SEC);
  log_stats (&sim, "bottleneck");

  goodput = sim.a.total / (took / 1e6) / 1e6;
  g_test_message ("bottleneck goodput %.2f MB/s of 2.00", goodput);
  g_assert_cmpuint (sim.ab.dropped, >, 0);
  g_assert_cmpfloat (goodput, >, 1.0);
  sim_clear (&sim);
}

static void
test_transport_loopback_datagrams (void)
{
  Sim sim;

  /* Large datagrams, as on loopback, with a little loss. */
  sim_init (&sim, 4, 4 * 1024 * 1024, TAFEL_TRANSPORT_DATAGRAM_LOOPBACK,
            32 * 1024 * 1024, 1024 * 1024);
  sim.ab.delay = sim.ba.delay = 50;
  sim.ab.loss = 0.01;
  sim_run (&sim, 60 * G_USEC_PER_SEC);
  log_stats (&sim, "loopback");
  g_assert_cmpuint (sim.b.read, ==, sim.a.total);
  sim_clear (&sim);
}

static void
pause_reader (gpointer data,
              gint64   now)
{
  Sim *sim = data;

  /* B stops reading for two seconds. */
  sim->b.paused = now >= 100 * 1000 && now < 2100 * 1000;
}

static void
test_transport_flow_control (void)
{
  Sim sim;
  const gsize window = 512 * 1024;

  sim_init (&sim, 5, window, 1200, 6 * 1024 * 1024, 0);
  sim.ab.delay = sim.ba.delay = 5 * 1000;
  sim.step = pause_reader;
  sim_run (&sim, 120 * G_USEC_PER_SEC);
  log_stats (&sim, "flow control");

  g_assert_cmpuint (sim.b.read, ==, sim.a.total);
  /* The sender never buffered more than its window, and the receiver never
   * took more than it allowed: both bounded while B was not reading. */
  g_assert_cmpuint (sim.a.max_unacked, <=, window);
  g_assert_cmpint (sim.now, >, 2100 * 1000);
  sim_clear (&sim);
}

static void
outage (gpointer data,
        gint64   now)
{
  Sim *sim = data;

  if (now >= 200 * 1000 && sim->ab.down_from < 0)
    {
      /* Both directions go dark for three seconds mid-transfer. */
      sim->ab.down_from = sim->ba.down_from = now;
      sim->ab.down_until = sim->ba.down_until = now + 3 * G_USEC_PER_SEC;
    }
}

static void
test_transport_outage (void)
{
  Sim sim;

  sim_init (&sim, 6, 1024 * 1024, 1200, 16 * 1024 * 1024, 0);
  sim.ab.delay = sim.ba.delay = 20 * 1000;
  sim.ab.rate = 10.0;
  sim.ab.queue_limit = 256 * 1024;
  sim.step = outage;
  sim_run (&sim, 120 * G_USEC_PER_SEC);
  log_stats (&sim, "outage");

  g_assert_cmpuint (sim.b.read, ==, sim.a.total);
  g_assert_cmpint (sim.now, >, 3200 * 1000);
  {
    TafelTransportStats stats;

    tafel_transport_get_stats (sim.a.t, &stats);
    g_assert_cmpuint (stats.probes_sent, >, 0);
  }
  sim_clear (&sim);
}

static void
test_transport_garbage (void)
{
  g_autoptr(TafelTransport) t = tafel_transport_new (TAFEL_TRANSPORT_MIN_WINDOW);
  GRand *rand = g_rand_new_with_seed (base_seed + 100);
  guint8 buf[2048];
  gsize n;
  guint8 ack[14 + 16] = { 2 };

  /* An ACK for packets never sent is refused. */
  ack[13] = 1;
  ack[14 + 15] = 5;   /* range [0, 5) */
  g_assert_false (tafel_transport_receive (t, ack, sizeof ack, 0));
  /* Data beyond any window is refused. */
  memset (buf, 0, 17);
  buf[0] = 1;
  buf[9] = 0x7f;
  g_assert_false (tafel_transport_receive (t, buf, 100, 0));
  g_assert_false (tafel_transport_receive (t, buf, 0, 0));

  /* Random datagrams never crash it nor make it loop. */
  for (guint i = 0; i < 20000; i++)
    {
      gsize len = g_rand_int_range (rand, 1, sizeof buf);

      for (gsize j = 0; j < len; j++)
        buf[j] = g_rand_int_range (rand, 0, 256);
      if (i % 2 == 0)
        buf[0] = 1 + i % 4;
      tafel_transport_receive (t, buf, len, i);
      while ((n = tafel_transport_transmit (t, buf, sizeof buf, i)) > 0)
        ;
    }
  g_rand_free (rand);
}

int
main (int    argc,
      char **argv)
{
  const char *seed = g_getenv ("TAFEL_TEST_SEED");

  tafel_test_init (&argc, &argv);

  base_seed = seed != NULL ? (guint32) g_ascii_strtoull (seed, NULL, 10) : g_random_int ();
  g_test_message ("seed %u (set TAFEL_TEST_SEED to repeat)", base_seed);

  g_test_add_func ("/tafel/transport/clean", test_transport_clean);
  g_test_add_func ("/tafel/transport/lossy", test_transport_lossy);
  g_test_add_func ("/tafel/transport/bottleneck", test_transport_bottleneck);
  g_test_add_func ("/tafel/transport/loopback-datagrams", test_transport_loopback_datagrams);
  g_test_add_func ("/tafel/transport/flow-control", test_transport_flow_control);
  g_test_add_func ("/tafel/transport/outage", test_transport_outage);
  g_test_add_func ("/tafel/transport/garbage", test_transport_garbage);
  g_test_add_func ("/tafel/transport/damaged", test_transport_damaged);

  return g_test_run ();
}
