/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-bytes.h"
#include "tafel-identity.h"
#include "tafel-log.h"
#include "tafel-sync-private.h"

#include "tafel-net-test-util.h"
#include "tafel-test-channel.h"
#include "tafel-test-util.h"

#define HIGH_WATER (512 * 1024)
#define WAIT_MS    30000

typedef struct
{
  TafelIdentity *identity;
  TafelLog      *log;
  TafelSync     *sync;
  guint64        seq;
  TafelHash      head;
  GPtrArray     *failures;   /* GError copies, from ::peer-failed */
  guint          synced;     /* ::peer-synced count */
} Replica;

static GArray *strokes;      /* TafelStroke, real traces */
static guint   next_stroke;

static void
on_peer_failed (TafelSync            *sync,
                const TafelPublicKey *peer,
                const GError         *error,
                Replica              *r)
{
  g_ptr_array_add (r->failures, g_error_copy (error));
}

static void
on_peer_synced (TafelSync            *sync,
                const TafelPublicKey *peer,
                Replica              *r)
{
  r->synced++;
}

static Replica *
replica_new (void)
{
  Replica *r = g_new0 (Replica, 1);

  r->identity = tafel_identity_new_ephemeral ();
  r->log = tafel_log_new ();
  r->sync = tafel_sync_new (r->log);
  r->failures = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_signal_connect (r->sync, "peer-failed", G_CALLBACK (on_peer_failed), r);
  g_signal_connect (r->sync, "peer-synced", G_CALLBACK (on_peer_synced), r);
  return r;
}

static void
replica_free (Replica *r)
{
  g_object_unref (r->sync);
  g_object_unref (r->log);
  g_object_unref (r->identity);
  g_ptr_array_unref (r->failures);
  g_free (r);
}

static const TafelPublicKey *
key_of (Replica *r)
{
  return tafel_identity_get_public_key (r->identity);
}

/* Commits the next real stroke as @r's own record, as the app would. */
static void
draw (Replica *r,
      guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      TafelStroke *s = &g_array_index (strokes, TafelStroke, next_stroke++ % strokes->len);
      g_autoptr(GBytes) body = tafel_stroke_encode (s);
      g_autoptr(TafelRecord) record = NULL;
      g_autoptr(GError) error = NULL;

      r->seq++;
      record = tafel_identity_sign_record (r->identity, r->seq, r->seq > 1 ? &r->head : NULL,
                                           tafel_log_get_max_lamport (r->log) + 1,
                                           TAFEL_RECORD_KIND_STROKE, body);
      r->head = *tafel_record_get_id (record);
      g_assert_true (tafel_log_add (r->log, record, &error));
      g_assert_no_error (error);
    }
}

/* Like draw(), but only the last record is signed (its signature covers
 * the run through the hash links), so big boards are quick to make. */
static void
draw_run (Replica *r,
          guint    n)
{
  g_autoptr(GPtrArray) run = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  g_autoptr(GError) error = NULL;
  guint64 lamport = tafel_log_get_max_lamport (r->log);

  for (guint i = 0; i < n; i++)
    {
      TafelStroke *s = &g_array_index (strokes, TafelStroke, next_stroke++ % strokes->len);
      g_autoptr(GBytes) body = tafel_stroke_encode (s);
      TafelRecord *record;

      r->seq++;
      if (i == n - 1)
        record = tafel_identity_sign_record (r->identity, r->seq, r->seq > 1 ? &r->head : NULL,
                                             ++lamport, TAFEL_RECORD_KIND_STROKE, body);
      else
        record = tafel_record_new (key_of (r), r->seq, r->seq > 1 ? &r->head : NULL, ++lamport,
                                   TAFEL_RECORD_KIND_STROKE, body, NULL);
      r->head = *tafel_record_get_id (record);
      g_ptr_array_add (run, record);
    }
  g_assert_true (tafel_log_add_trusted_run (r->log, (TafelRecord **) run->pdata, run->len, &error));
  g_assert_no_error (error);
}

typedef struct
{
  TafelTestChannel *a, *b;
} Link;

static Link
link_replicas (Replica *a,
               Replica *b)
{
  Link link;

  tafel_test_channel_new_pair (HIGH_WATER, &link.a, &link.b);
  tafel_sync_add_peer (a->sync, key_of (b), TAFEL_FRAME_CHANNEL (link.a));
  tafel_sync_add_peer (b->sync, key_of (a), TAFEL_FRAME_CHANNEL (link.b));
  return link;
}

static void
unlink_replicas (Link *link)
{
  tafel_frame_channel_close (TAFEL_FRAME_CHANNEL (link->a));
  g_clear_object (&link->a);
  g_clear_object (&link->b);
}

static gboolean
vectors_equal (TafelLog *a,
               TafelLog *b)
{
  g_autoptr(TafelVersionVector) va = tafel_log_dup_version_vector (a);
  g_autoptr(TafelVersionVector) vb = tafel_log_dup_version_vector (b);
  g_autoptr(GBytes) ea = tafel_version_vector_encode (va);
  g_autoptr(GBytes) eb = tafel_version_vector_encode (vb);

  return g_bytes_equal (ea, eb);
}

typedef struct
{
  Replica **replicas;
  guint     n;
  guint     expected_records;
} Converged;

static gboolean
all_converged (gpointer data)
{
  Converged *c = data;

  for (guint i = 0; i < c->n; i++)
    {
      if (tafel_log_get_n_records (c->replicas[i]->log) != c->expected_records ||
          tafel_sync_is_busy (c->replicas[i]->sync))
        return FALSE;
      if (i > 0 && !vectors_equal (c->replicas[0]->log, c->replicas[i]->log))
        return FALSE;
    }
  return TRUE;
}

static void
assert_converged (Replica **replicas,
                  guint     n,
                  guint     expected_records)
{
  Converged c = { replicas, n, expected_records };

  if (!tafel_test_wait_until (all_converged, &c, WAIT_MS))
    {
      for (guint i = 0; i < n; i++)
        g_test_message ("replica %u: %u records, %u held", i,
                        tafel_log_get_n_records (replicas[i]->log),
                        tafel_log_get_n_held (replicas[i]->log));
      g_assert_not_reached ();
    }
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (replicas[i]->failures->len, ==, 0);
}

static void
test_two_replicas (void)
{
  Replica *a = replica_new (), *b = replica_new ();
  Replica *both[] = { a, b };
  Link link;

  draw (a, 300);
  draw (b, 120);
  link = link_replicas (a, b);
  assert_converged (both, 2, 420);
  g_assert_cmpuint (a->synced, ==, 1);
  g_assert_cmpuint (b->synced, ==, 1);

  /* Live: each new stroke travels on its own, and the other side acks it. */
  for (guint i = 0; i < 20; i++)
    {
      draw (i % 2 ? a : b, 1);
      assert_converged (both, 2, 421 + i);
    }

  unlink_replicas (&link);
  replica_free (a);
  replica_free (b);
}

/* Like draw(), with version 2 envelopes (docs/access.md): key id
 * @key_id, encrypted bodies, times that do not follow the clock. */
static void
draw_v2 (Replica *r,
         guint    n,
         guint32  key_id)
{
  static const guint8 body_key[TAFEL_KEY_BYTES] = { 7, 7, 7 };

  for (guint i = 0; i < n; i++)
    {
      TafelStroke *s = &g_array_index (strokes, TafelStroke, next_stroke++ % strokes->len);
      g_autoptr(GBytes) body = tafel_stroke_encode (s);
      g_autoptr(TafelRecord) record = NULL;
      g_autoptr(GError) error = NULL;

      r->seq++;
      record = tafel_identity_sign_record_v2 (r->identity, r->seq, r->seq > 1 ? &r->head : NULL,
                                              tafel_log_get_max_lamport (r->log) + 1,
                                              TAFEL_RECORD_KIND_STROKE, key_id, body_key,
                                              G_GUINT64_CONSTANT (1796000000000) + 1000 * (r->seq % 7),
                                              body);
      r->head = *tafel_record_get_id (record);
      g_assert_true (tafel_log_add (r->log, record, &error));
      g_assert_no_error (error);
    }
}

static gboolean
same_in (TafelRecord *record,
         gpointer     user_data)
{
  g_autoptr(TafelRecord) there = tafel_log_lookup (user_data, tafel_record_get_id (record));
  g_autoptr(GBytes) a = tafel_record_dup_signed_bytes (record);
  g_autoptr(GBytes) b = NULL;

  g_assert_nonnull (there);
  b = tafel_record_dup_signed_bytes (there);
  g_assert_true (g_bytes_equal (a, b));
  g_assert_cmpuint (tafel_record_get_version (record), ==, tafel_record_get_version (there));
  return TRUE;
}

/* Version 2 records, alone and mixed with version 1 in one chain, cross a
 * link as they are: same envelopes, same ids, in big runs and live. */
static void
test_v2_records (void)
{
  Replica *a = replica_new (), *b = replica_new ();
  Replica *both[] = { a, b };
  Link link;

  draw (a, 30);
  draw_v2 (a, 200, 0);
  draw_v2 (a, 20, 0x5eed1234u);
  draw_v2 (b, 150, 0);
  link = link_replicas (a, b);
  assert_converged (both, 2, 400);
  tafel_log_foreach (a->log, same_in, b->log);
  tafel_log_foreach (b->log, same_in, a->log);

  for (guint i = 0; i < 10; i++)
    {
      if (i % 3 == 2)
        draw (i % 2 ? a : b, 1);
      else
        draw_v2 (i % 2 ? a : b, 1, 0x0badcafeu);
      assert_converged (both, 2, 401 + i);
    }
  tafel_log_foreach (a->log, same_in, b->log);
  tafel_log_foreach (b->log, same_in, a->log);

  unlink_replicas (&link);
  replica_free (a);
  replica_free (b);
}

typedef struct
{
  Replica *r;
  Replica *author;
} HasWait;

static gboolean
peers_have_all (gpointer data)
{
  HasWait *w = data;
  return tafel_sync_all_peers_have (w->r->sync, key_of (w->author), w->author->seq);
}

static void
test_acks (void)
{
  Replica *a = replica_new (), *b = replica_new ();
  Replica *both[] = { a, b };
  HasWait w = { a, a };
  Link link = link_replicas (a, b);

  draw (a, 50);
  assert_converged (both, 2, 50);
  /* a learns that b holds everything it drew: what `tafel-cli draw` waits for. */
  g_assert_true (tafel_test_wait_until (peers_have_all, &w, WAIT_MS));
  g_assert_true (tafel_sync_peer_has (a->sync, key_of (b), key_of (a), 50));
  g_assert_false (tafel_sync_peer_has (a->sync, key_of (b), key_of (a), 51));

  unlink_replicas (&link);
  replica_free (a);
  replica_free (b);
}

/* A chain a — b — c — d — e: records cross every link, and concurrent
 * drawing everywhere converges. */
static void
test_chain_of_five (void)
{
  Replica *r[5];
  Link links[4];
  guint total = 0;

  for (guint i = 0; i < 5; i++)
    r[i] = replica_new ();
  for (guint i = 0; i < 4; i++)
    links[i] = link_replicas (r[i], r[i + 1]);

  for (guint round = 0; round < 10; round++)
    for (guint i = 0; i < 5; i++)
      {
        draw (r[i], 1 + (round + i) % 3);
        total += 1 + (round + i) % 3;
      }
  assert_converged (r, 5, total);

  for (guint i = 0; i < 4; i++)
    unlink_replicas (&links[i]);
  for (guint i = 0; i < 5; i++)
    replica_free (r[i]);
}

/* Every author offline: a draws, b syncs, a leaves; c joins b only and
 * gets a's whole board from b. */
static void
test_late_join (void)
{
  Replica *a = replica_new (), *b = replica_new (), *c = replica_new ();
  Replica *ab[] = { a, b }, *bc[] = { b, c };
  Link ab_link, bc_link;

  draw (a, 2000);
  ab_link = link_replicas (a, b);
  assert_converged (ab, 2, 2000);
  unlink_replicas (&ab_link);
  replica_free (a);

  bc_link = link_replicas (b, c);
  assert_converged (bc, 2, 2000);

  unlink_replicas (&bc_link);
  replica_free (b);
  replica_free (c);
}

/* Offline edits on both sides merge on reconnect. */
static void
test_offline_merge (void)
{
  Replica *a = replica_new (), *b = replica_new ();
  Replica *both[] = { a, b };
  Link link = link_replicas (a, b);

  draw (a, 10);
  assert_converged (both, 2, 10);
  unlink_replicas (&link);

  draw (a, 30);
  draw (b, 25);
  g_assert_cmpuint (tafel_log_get_n_records (a->log), ==, 40);
  g_assert_cmpuint (tafel_log_get_n_records (b->log), ==, 35);

  link = link_replicas (a, b);
  assert_converged (both, 2, 65);

  unlink_replicas (&link);
  replica_free (a);
  replica_free (b);
}

/* A big late join travels as many chunks, through a channel that is
 * often full, and is integrated in slices. */
static void
test_large_run (void)
{
  Replica *a = replica_new (), *b = replica_new ();
  Replica *both[] = { a, b };
  Link link;

  draw (a, 30000);
  link = link_replicas (a, b);
  assert_converged (both, 2, 30000);
  g_test_message ("%u frames, %" G_GUINT64_FORMAT " bytes for 30000 strokes",
                  tafel_test_channel_get_frames_sent (link.a),
                  tafel_test_channel_get_bytes_sent (link.a));
  /* More than the channel holds at once: the sender had to wait for it. */
  g_assert_cmpuint (tafel_test_channel_get_bytes_sent (link.a), >, 2 * HIGH_WATER);
  g_assert_cmpuint (tafel_test_channel_get_frames_sent (link.a), >=, 2 + tafel_test_channel_get_bytes_sent (link.a) / (256 * 1024));

  unlink_replicas (&link);
  replica_free (a);
  replica_free (b);
}

/* A late joiner whose verifier falls behind holds the channel back (so the
 * sender waits instead of the joiner buffering without bound), and still
 * gets every record, from several authors at once. */
static void
test_late_join_held (void)
{
  Replica *a = replica_new (), *b = replica_new (), *c = replica_new ();
  Replica *all[] = { a, b, c };
  Replica *ac_pair[] = { a, c };
  Link ab, ac;

  draw (a, 6000);
  draw (b, 6000);
  ab = link_replicas (a, b);
  assert_converged (all, 2, 12000);
  unlink_replicas (&ab);

  /* c joins late; its verifier may have a quarter megabyte waiting. */
  tafel_sync_set_inbox_water (c->sync, 256 * 1024, 64 * 1024);
  ac = link_replicas (a, c);
  assert_converged (all, 3, 12000);
  g_test_message ("c held the channel %u times", tafel_test_channel_get_holds (ac.b));
  g_assert_cmpuint (tafel_test_channel_get_holds (ac.b), >, 0);
  g_assert_cmpuint (c->synced, ==, 1);

  /* And it goes on live. */
  draw (a, 3);
  assert_converged (ac_pair, 2, 12003);

  unlink_replicas (&ac);
  replica_free (a);
  replica_free (b);
  replica_free (c);
}

/* The main loop keeps turning while a big late join is verified and
 * integrated: integration goes in slices from an idle handler, and a 1 ms
 * timer (of a higher priority) runs between them. Counted in records, not
 * in wall-clock time (this machine is shared): the most records that joined
 * the log between two ticks of that timer is a small part of the whole.
 * (Taking the run in on the main loop in one go would make it all of it.)
 * What the gaps cost in milliseconds is measured by the sync benchmark
 * (bench-sync --only join). */
typedef struct
{
  TafelLog *log;
  guint     last;       /* records at the last turn */
  guint     max_step;   /* the most records added between two turns */
  guint     turns;
} Turns;

static gboolean
turn (gpointer data)
{
  Turns *t = data;
  guint n = tafel_log_get_n_records (t->log);

  t->max_step = MAX (t->max_step, n - t->last);
  t->last = n;
  t->turns++;
  return G_SOURCE_CONTINUE;
}

static void
test_main_loop_responsive (void)
{
  Replica *a = replica_new (), *b = replica_new ();
  Replica *both[] = { a, b };
  Turns turns = { b->log };
  guint turn_id;
  Link link;

  draw_run (a, 200000);
  turn_id = g_timeout_add (1, turn, &turns);
  link = link_replicas (a, b);
  assert_converged (both, 2, 200000);
  turn (&turns);
  g_source_remove (turn_id);

  g_test_message ("late join of 200000 strokes: the timer ticked %u times, "
                  "at most %u records joined between two ticks", turns.turns, turns.max_step);
  g_assert_cmpuint (turns.max_step, >, 0);
  /* Half: to fail it, a machine would have to integrate 100,000 records
   * within one turn's 6 ms budget. */
  g_assert_cmpuint (turns.max_step, <=, 200000 / 2);

  unlink_replicas (&link);
  replica_free (a);
  replica_free (b);
}

/* A replica that goes away in the middle of a late join, while its
 * verifier lanes hold work and results wait for the main loop: nothing of
 * it is touched after it is gone (ASan checks that). */
static gboolean
part_integrated (gpointer data)
{
  Replica *r = data;
  guint n = tafel_log_get_n_records (r->log);

  /* Integration goes in slices, so this is seen on the way. */
  return n > 0 && n < 40000;
}

static gboolean
nothing_pending (gpointer data)
{
  return !g_main_context_pending (NULL);
}

static void
test_dispose_mid_sync (void)
{
  Replica *a = replica_new (), *b = replica_new (), *c = replica_new ();
  g_autoptr(TafelVersionVector) empty = tafel_version_vector_new ();
  g_autoptr(GPtrArray) theirs = NULL;
  g_autoptr(GError) error = NULL;
  Link link;

  /* Two authors, so one run is integrated while the other is verified. */
  draw_run (a, 20000);
  draw_run (c, 20000);
  theirs = tafel_log_dup_missing (c->log, empty);
  g_assert_true (tafel_log_add_run (a->log, (TafelRecord **) theirs->pdata, theirs->len, &error));
  g_assert_no_error (error);

  link = link_replicas (a, b);
  g_assert_true (tafel_test_wait_until (part_integrated, b, WAIT_MS));
  g_test_message ("gone with %u of 40000 records integrated", tafel_log_get_n_records (b->log));
  g_assert_true (tafel_sync_is_busy (b->sync));

  replica_free (b);
  unlink_replicas (&link);
  /* Whatever b's lanes and channel had posted to the main loop runs now,
   * and must not reach b. */
  g_assert_true (tafel_test_wait_until (nothing_pending, NULL, WAIT_MS));
  replica_free (a);
  replica_free (c);
}

/* ---- hostile peers ---------------------------------------------------------- */

typedef struct
{
  Replica          *victim;
  TafelTestChannel *mine;     /* the hostile end */
  TafelTestChannel *theirs;
  TafelPublicKey    key;
} Hostile;

static Hostile
hostile_connect (Replica *victim)
{
  Hostile h = { victim };
  g_autoptr(TafelIdentity) fake = tafel_identity_new_ephemeral ();

  h.key = *tafel_identity_get_public_key (fake);
  tafel_test_channel_new_pair (HIGH_WATER, &h.mine, &h.theirs);
  tafel_sync_add_peer (victim->sync, &h.key, TAFEL_FRAME_CHANNEL (h.theirs));
  return h;
}

static void
hostile_send (Hostile    *h,
              GByteArray *frame)
{
  g_autoptr(GBytes) bytes = g_byte_array_free_to_bytes (frame);

  tafel_frame_channel_send (TAFEL_FRAME_CHANNEL (h->mine), bytes);
}

static void
hostile_hello (Hostile *h)
{
  g_autoptr(TafelVersionVector) empty = tafel_version_vector_new ();
  g_autoptr(GBytes) vv = tafel_version_vector_encode (empty);
  GByteArray *frame = g_byte_array_new ();

  tafel_put_u8 (frame, 0x10 /* HELLO */);
  tafel_put_u8 (frame, 1);
  tafel_put_bytes (frame, g_bytes_get_data (vv, NULL), g_bytes_get_size (vv));
  hostile_send (h, frame);
}

/* A RUN frame of @records (one author, gapless); @final marks the run's
 * end, which carries the last record's signature when @sign. */
static GByteArray *
run_frame_full (TafelRecord **records,
                guint         n,
                gboolean      final,
                gboolean      sign)
{
  GByteArray *frame = g_byte_array_new ();
  guint64 first = tafel_record_get_seq (records[0]);

  tafel_put_u8 (frame, 0x11 /* RUN */);
  tafel_put_bytes (frame, tafel_record_get_author (records[0])->bytes, 32);
  tafel_put_varint (frame, first);
  if (first > 1)
    tafel_put_bytes (frame, tafel_record_get_prev (records[0])->bytes, 32);
  tafel_put_varint (frame, n);
  tafel_put_u8 (frame, final ? 1 : 0);
  for (guint i = 0; i < n; i++)
    {
      GBytes *body = tafel_record_get_body (records[i]);
      const TafelSignature *sig = tafel_record_get_signature (records[i]);

      tafel_put_varint (frame, tafel_record_get_lamport (records[i]));
      tafel_put_varint (frame, tafel_record_get_kind (records[i]));
      tafel_put_varint (frame, g_bytes_get_size (body));
      tafel_put_bytes (frame, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      if (sign && i == n - 1 && sig != NULL)
        {
          tafel_put_u8 (frame, 1);
          tafel_put_bytes (frame, sig->bytes, 64);
        }
      else
        tafel_put_u8 (frame, 0);
    }
  return frame;
}

static GByteArray *
run_frame (TafelRecord **records,
           guint         n)
{
  return run_frame_full (records, n, TRUE, TRUE);
}

typedef struct
{
  Replica *r;
  guint    n;
} FailWait;

static gboolean
failed_n (gpointer data)
{
  FailWait *w = data;
  return w->r->failures->len >= w->n;
}

static void
expect_failure (Replica     *victim,
                guint        n,
                TafelSyncError code)
{
  FailWait w = { victim, n };
  GError *error;

  g_assert_true (tafel_test_wait_until (failed_n, &w, WAIT_MS));
  error = victim->failures->pdata[n - 1];
  g_test_message ("peer dropped: %s", error->message);
  g_assert_error (error, TAFEL_SYNC_ERROR, (int) code);
}

static gboolean
not_busy (gpointer data)
{
  return !tafel_sync_is_busy (data);
}

/* A new identity whose key's first byte has the parity @parity (runs are
 * verified in lanes chosen by the author's key). */
static TafelIdentity *
identity_with_parity (guint parity)
{
  for (guint i = 0; i < 1000; i++)
    {
      TafelIdentity *id = tafel_identity_new_ephemeral ();

      if (tafel_identity_get_public_key (id)->bytes[0] % 2 == parity)
        return id;
      g_object_unref (id);
    }
  g_assert_not_reached ();
}

/* Runs of different authors are verified at once, but what a link sent
 * counts in the order it was sent: a good run before a forged one is
 * kept, a good run after it is not (even when another lane verified it
 * first), and the DONE after it never says "synced". */
static void
test_order_after_error (void)
{
  Replica *victim = replica_new ();
  g_autoptr(TafelIdentity) p = identity_with_parity (0);
  g_autoptr(TafelIdentity) q = identity_with_parity (0);
  g_autoptr(TafelIdentity) r = identity_with_parity (1);
  g_autoptr(GPtrArray) p_chain = tafel_test_chain (p, 5, 11);
  g_autoptr(GPtrArray) q_chain = tafel_test_chain (q, 400, 12);
  g_autoptr(GPtrArray) q_other = tafel_test_chain (q, 400, 13);
  g_autoptr(GPtrArray) r_chain = tafel_test_chain (r, 5, 14);
  g_autoptr(GPtrArray) tampered = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  Hostile h = hostile_connect (victim);

  /* q's run is long, so r's short one, in the other lane, is verified
   * while q's is still being checked. */
  for (guint i = 0; i < q_chain->len; i++)
    g_ptr_array_add (tampered, tafel_record_ref (i == 1 ? q_other->pdata[1] : q_chain->pdata[i]));

  hostile_hello (&h);
  hostile_send (&h, run_frame ((TafelRecord **) p_chain->pdata, p_chain->len));
  hostile_send (&h, run_frame ((TafelRecord **) tampered->pdata, tampered->len));
  hostile_send (&h, run_frame ((TafelRecord **) r_chain->pdata, r_chain->len));
  hostile_send (&h, g_byte_array_append (g_byte_array_new (), (const guint8[]) { 0x12 /* DONE */ }, 1));

  expect_failure (victim, 1, TAFEL_SYNC_ERROR_FORGED);
  g_assert_true (tafel_test_wait_until (not_busy, victim->sync, WAIT_MS));
  g_assert_cmpuint (tafel_log_get_head_seq (victim->log, tafel_identity_get_public_key (p)), ==, 5);
  g_assert_cmpuint (tafel_log_get_head_seq (victim->log, tafel_identity_get_public_key (q)), ==, 0);
  g_assert_cmpuint (tafel_log_get_head_seq (victim->log, tafel_identity_get_public_key (r)), ==, 0);
  g_assert_cmpuint (victim->synced, ==, 0);
  g_assert_cmpuint (victim->failures->len, ==, 1);

  g_clear_object (&h.mine);
  g_clear_object (&h.theirs);
  replica_free (victim);
}

static void
test_hostile (void)
{
  Replica *honest = replica_new (), *victim = replica_new ();
  Replica *both[] = { honest, victim };
  g_autoptr(TafelIdentity) mallory = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) chain = tafel_test_chain (mallory, 5, 7);
  Link link = link_replicas (honest, victim);
  guint failures = 0;
  Hostile h;

  draw (honest, 20);
  assert_converged (both, 2, 20);

  /* 1. Garbage after the hello. */
  h = hostile_connect (victim);
  hostile_hello (&h);
  hostile_send (&h, g_byte_array_append (g_byte_array_new (), (const guint8 *) "\x11garbage!", 9));
  expect_failure (victim, ++failures, TAFEL_SYNC_ERROR_PROTOCOL);
  g_clear_object (&h.mine);
  g_clear_object (&h.theirs);

  /* 2. Records before hello. */
  h = hostile_connect (victim);
  hostile_send (&h, run_frame ((TafelRecord **) chain->pdata, chain->len));
  expect_failure (victim, ++failures, TAFEL_SYNC_ERROR_PROTOCOL);
  g_clear_object (&h.mine);
  g_clear_object (&h.theirs);

  /* 3. A run whose last signature does not match: one body swapped. */
  h = hostile_connect (victim);
  hostile_hello (&h);
  {
    g_autoptr(GPtrArray) tampered = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
    g_autoptr(GPtrArray) other = tafel_test_chain (mallory, 5, 99);

    for (guint i = 0; i < chain->len; i++)
      g_ptr_array_add (tampered, tafel_record_ref (i == 2 ? other->pdata[2] : chain->pdata[i]));
    hostile_send (&h, run_frame ((TafelRecord **) tampered->pdata, tampered->len));
  }
  expect_failure (victim, ++failures, TAFEL_SYNC_ERROR_FORGED);
  g_clear_object (&h.mine);
  g_clear_object (&h.theirs);

  /* 4. Records claiming the honest author's key, signed by mallory. */
  h = hostile_connect (victim);
  hostile_hello (&h);
  {
    GByteArray *frame = run_frame ((TafelRecord **) chain->pdata, chain->len);

    memcpy (frame->data + 1, key_of (honest)->bytes, 32);
    hostile_send (&h, frame);
  }
  expect_failure (victim, ++failures, TAFEL_SYNC_ERROR_FORGED);
  g_clear_object (&h.mine);
  g_clear_object (&h.theirs);

  /* 5. A run without any signature. */
  h = hostile_connect (victim);
  hostile_hello (&h);
  hostile_send (&h, run_frame_full ((TafelRecord **) chain->pdata, chain->len, TRUE, FALSE));
  expect_failure (victim, ++failures, TAFEL_SYNC_ERROR_FORGED);
  g_clear_object (&h.mine);
  g_clear_object (&h.theirs);

  /* 6. A flood of open runs that never end. */
  h = hostile_connect (victim);
  hostile_hello (&h);
  for (guint i = 0; i < 4200 && victim->failures->len < failures + 1; i++)
    {
      g_autoptr(TafelIdentity) someone = tafel_identity_new_ephemeral ();
      g_autoptr(GPtrArray) one = tafel_test_chain (someone, 1, i);

      hostile_send (&h, run_frame_full ((TafelRecord **) one->pdata, 1, FALSE, FALSE));
      if (i % 256 == 0)
        g_main_context_iteration (NULL, FALSE);
    }
  expect_failure (victim, ++failures, TAFEL_SYNC_ERROR_TOO_MUCH);
  g_clear_object (&h.mine);
  g_clear_object (&h.theirs);

  /* Nothing of mallory's reached the log, and the honest link still works. */
  g_assert_cmpuint (tafel_log_get_head_seq (victim->log, tafel_identity_get_public_key (mallory)), ==, 0);
  g_assert_cmpuint (tafel_log_get_n_authors (victim->log), ==, 1);
  g_ptr_array_set_size (victim->failures, 0);
  draw (honest, 5);
  draw (victim, 5);
  assert_converged (both, 2, 30);

  unlink_replicas (&link);
  replica_free (honest);
  replica_free (victim);
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);
  strokes = tafel_test_load_strokes ();

  g_test_add_func ("/tafel/sync/two-replicas", test_two_replicas);
  g_test_add_func ("/tafel/sync/acks", test_acks);
  g_test_add_func ("/tafel/sync/v2-records", test_v2_records);
  g_test_add_func ("/tafel/sync/chain-of-five", test_chain_of_five);
  g_test_add_func ("/tafel/sync/late-join", test_late_join);
  g_test_add_func ("/tafel/sync/offline-merge", test_offline_merge);
  g_test_add_func ("/tafel/sync/large-run", test_large_run);
  g_test_add_func ("/tafel/sync/late-join-held", test_late_join_held);
  g_test_add_func ("/tafel/sync/main-loop-responsive", test_main_loop_responsive);
  g_test_add_func ("/tafel/sync/dispose-mid-sync", test_dispose_mid_sync);
  g_test_add_func ("/tafel/sync/hostile", test_hostile);
  g_test_add_func ("/tafel/sync/order-after-error", test_order_after_error);

  {
    int status = g_test_run ();
    g_array_unref (strokes);
    return status;
  }
}
