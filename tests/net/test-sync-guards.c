/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-bytes.h"
#include "tafel-sync-private.h"

#include "tafel-net-test-util.h"
#include "tafel-test-replica.h"
#include "tafel-test-util.h"

/* Guards of sync that every other test would pass without: the bound on
 * what a peer may leave unverified, the check of every body that comes
 * from the network, and the economy of the protocol (each side sends only
 * what the other lacks, once, and never back to where it came from),
 * counted in records, frames and bytes. */

#define WAIT_MS    30000
#define KIND_NEWER 100     /* a kind this version does not know: any body */

/* ---- a peer we play ---------------------------------------------------------- */

typedef struct
{
  TafelTestChannel *mine;
  TafelTestChannel *theirs;
} Fake;

static Fake
fake_connect (TestReplica *victim)
{
  Fake fake;
  g_autoptr(TafelIdentity) someone = tafel_identity_new_ephemeral ();

  tafel_test_channel_new_pair (1024 * 1024, &fake.mine, &fake.theirs);
  tafel_sync_add_peer (victim->sync, tafel_identity_get_public_key (someone), TAFEL_FRAME_CHANNEL (fake.theirs));
  return fake;
}

static void
fake_send (Fake       *fake,
           GByteArray *frame)
{
  g_autoptr(GBytes) bytes = g_byte_array_free_to_bytes (frame);

  tafel_frame_channel_send (TAFEL_FRAME_CHANNEL (fake->mine), bytes);
}

static void
fake_hello (Fake *fake)
{
  g_autoptr(TafelVersionVector) empty = tafel_version_vector_new ();
  g_autoptr(GBytes) vv = tafel_version_vector_encode (empty);
  GByteArray *frame = g_byte_array_new ();

  tafel_put_u8 (frame, 0x10);
  tafel_put_u8 (frame, 1);
  tafel_put_bytes (frame, g_bytes_get_data (vv, NULL), g_bytes_get_size (vv));
  fake_send (fake, frame);
}

static void
fake_done (Fake *fake)
{
  fake_send (fake, g_byte_array_append (g_byte_array_new (), (const guint8[]) { 0x12 }, 1));
}

static void
fake_clear (Fake *fake)
{
  tafel_frame_channel_close (TAFEL_FRAME_CHANNEL (fake->mine));
  g_clear_object (&fake->mine);
  g_clear_object (&fake->theirs);
}

/* A RUN chunk of @records [@first, @first + @n); the last carries its
 * signature when @final. */
static GByteArray *
run_chunk (GPtrArray *records,
           guint      first,
           guint      n,
           gboolean   final)
{
  GByteArray *frame = g_byte_array_new ();
  TafelRecord *start = records->pdata[first];
  guint64 seq = tafel_record_get_seq (start);

  tafel_put_u8 (frame, 0x11);
  tafel_put_bytes (frame, tafel_record_get_author (start)->bytes, TAFEL_PUBLIC_KEY_BYTES);
  tafel_put_varint (frame, seq);
  if (seq > 1)
    tafel_put_bytes (frame, tafel_record_get_prev (start)->bytes, TAFEL_HASH_BYTES);
  tafel_put_varint (frame, n);
  tafel_put_u8 (frame, final ? 1 : 0);
  for (guint i = first; i < first + n; i++)
    {
      TafelRecord *r = records->pdata[i];
      GBytes *body = tafel_record_get_body (r);

      tafel_put_varint (frame, tafel_record_get_lamport (r));
      tafel_put_varint (frame, tafel_record_get_kind (r));
      tafel_put_varint (frame, g_bytes_get_size (body));
      tafel_put_bytes (frame, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      if (final && i == first + n - 1)
        {
          tafel_put_u8 (frame, 1);
          tafel_put_bytes (frame, tafel_record_get_signature (r)->bytes, TAFEL_SIGNATURE_BYTES);
        }
      else
        tafel_put_u8 (frame, 0);
    }
  return frame;
}

/* A chain of @n records of a newer kind with @body_len-byte bodies; only
 * the last is signed, which covers them all. */
static GPtrArray *
big_chain (TafelIdentity *id,
           guint          n,
           gsize          body_len)
{
  GPtrArray *chain = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  TafelHash prev = { { 0 } };

  for (guint i = 0; i < n; i++)
    {
      guint8 *data = g_malloc (body_len);
      g_autoptr(GBytes) body = NULL;
      TafelRecord *r;

      memset (data, 'a' + i % 26, body_len);
      body = g_bytes_new_take (data, body_len);
      if (i == n - 1)
        r = tafel_identity_sign_record (id, i + 1, i > 0 ? &prev : NULL, i + 1, KIND_NEWER, body);
      else
        r = tafel_record_new (tafel_identity_get_public_key (id), i + 1, i > 0 ? &prev : NULL, i + 1,
                              KIND_NEWER, body, NULL);
      prev = *tafel_record_get_id (r);
      g_ptr_array_add (chain, r);
    }
  return chain;
}

typedef struct
{
  TestReplica *r;
  guint        n;
} Count;

static gboolean
failed_or_synced (gpointer data)
{
  Count *c = data;
  return c->r->failures->len >= c->n || c->r->synced > 0;
}

static gboolean
synced (gpointer data)
{
  Count *c = data;
  return c->r->synced >= c->n && !tafel_sync_is_busy (c->r->sync);
}

/* ---- the bound on unverified records ------------------------------------------ */

/* A peer may leave so many bytes of records in runs it has not ended:
 * beyond, it is dropped and nothing of it is kept. The real bound is 256
 * MiB; a test lowers it to 1 MiB and sends 2.4 MiB of open run. */
static void
test_pending_bound (void)
{
  TestReplica *victim = test_replica_new (NULL);
  g_autoptr(TafelIdentity) mallory = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) chain = big_chain (mallory, 300, 8 * 1024);
  Fake fake;

  tafel_sync_set_pending_max (victim->sync, 1024 * 1024);
  fake = fake_connect (victim);
  fake_hello (&fake);
  for (guint i = 0; i < 3; i++)
    fake_send (&fake, run_chunk (chain, i * 100, 100, FALSE));
  fake_done (&fake);

  g_assert_true (tafel_test_wait_until (failed_or_synced, &(Count) { victim, 1 }, WAIT_MS));
  g_assert_cmpuint (victim->failures->len, ==, 1);
  g_test_message ("dropped: %s", ((GError *) victim->failures->pdata[0])->message);
  g_assert_error ((GError *) victim->failures->pdata[0], TAFEL_SYNC_ERROR, TAFEL_SYNC_ERROR_TOO_MUCH);
  g_assert_cmpuint (victim->synced, ==, 0);
  g_assert_cmpuint (tafel_log_get_n_records (victim->log), ==, 0);
  fake_clear (&fake);

  /* Under the bound, the same kind of run is taken in whole. */
  {
    g_autoptr(TafelIdentity) honest = tafel_identity_new_ephemeral ();
    g_autoptr(GPtrArray) small = big_chain (honest, 100, 8 * 1024);

    fake = fake_connect (victim);
    fake_hello (&fake);
    fake_send (&fake, run_chunk (small, 0, 50, FALSE));
    fake_send (&fake, run_chunk (small, 50, 50, TRUE));
    fake_done (&fake);
    g_assert_true (tafel_test_wait_until (synced, &(Count) { victim, 1 }, WAIT_MS));
    g_assert_cmpuint (victim->failures->len, ==, 1);
    g_assert_cmpuint (tafel_log_get_n_records (victim->log), ==, 100);
    fake_clear (&fake);
  }

  test_replica_free (victim);
}

/* ---- bodies from the network --------------------------------------------------- */

/* A run whose signature is good but whose stroke body is not a stroke: the
 * peer that sent it is dropped for it (forged), not merely ignored, and
 * nothing of the run is kept. */
static void
test_body_check (void)
{
  TestReplica *victim = test_replica_new (NULL);
  g_autoptr(TafelIdentity) mallory = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  g_autoptr(GBytes) good = tafel_test_stroke_body (10, 1);
  g_autoptr(GBytes) bad = g_bytes_new_static ("\xff\xff\xff\xff not a stroke", 18);
  Fake fake;

  {
    g_autoptr(TafelRecord) first = tafel_identity_sign_record (mallory, 1, NULL, 1, TAFEL_RECORD_KIND_STROKE, good);
    TafelRecord *second = tafel_identity_sign_record (mallory, 2, tafel_record_get_id (first), 2,
                                                      TAFEL_RECORD_KIND_STROKE, bad);

    g_assert_false (tafel_record_check_body (second, NULL));
    g_assert_true (tafel_record_verify_signature (second, NULL));
    g_ptr_array_add (chain, g_steal_pointer (&first));
    g_ptr_array_add (chain, second);
  }

  fake = fake_connect (victim);
  fake_hello (&fake);
  fake_send (&fake, run_chunk (chain, 0, 2, TRUE));
  fake_done (&fake);
  g_assert_true (tafel_test_wait_until (failed_or_synced, &(Count) { victim, 1 }, WAIT_MS));
  g_assert_cmpuint (victim->failures->len, ==, 1);
  g_test_message ("dropped: %s", ((GError *) victim->failures->pdata[0])->message);
  g_assert_error ((GError *) victim->failures->pdata[0], TAFEL_SYNC_ERROR, TAFEL_SYNC_ERROR_FORGED);
  g_assert_cmpuint (tafel_log_get_n_records (victim->log), ==, 0);

  fake_clear (&fake);
  test_replica_free (victim);
}

/* ---- economy -------------------------------------------------------------------- */

typedef struct
{
  guint64 frames, bytes, records;
} Sent;

static Sent
sent (TestReplica *from,
      TestReplica *to)
{
  Sent s = { 0 };

  g_assert_true (tafel_sync_get_peer_stats (from->sync, test_replica_key (to), &s.frames, &s.bytes, &s.records));
  return s;
}

/* What @from's records [@first_seq, @last_seq] weigh on the wire at the
 * least: their bodies. */
static guint64
body_bytes (TestReplica *from,
            guint64      first_seq,
            guint64      last_seq)
{
  guint64 total = 0;

  for (guint64 seq = first_seq; seq <= last_seq; seq++)
    {
      g_autoptr(TafelRecord) r = tafel_log_lookup_seq (from->log, test_replica_key (from), seq);

      total += g_bytes_get_size (tafel_record_get_body (r));
    }
  return total;
}

static void
copy_all (TestReplica *from,
          TestReplica *to)
{
  g_autoptr(TafelVersionVector) theirs = tafel_log_dup_version_vector (to->log);
  g_autoptr(GPtrArray) missing = tafel_log_dup_missing (from->log, theirs);
  guint start = 0;

  for (guint i = 1; i <= missing->len; i++)
    if (i == missing->len ||
        !tafel_key_equal (tafel_record_get_author (missing->pdata[i]), tafel_record_get_author (missing->pdata[start])))
      {
        g_assert_true (tafel_log_add_run (to->log, (TafelRecord **) missing->pdata + start, i - start, NULL));
        start = i;
      }
}

/* Two replicas that hold most of each other's records answer each other's
 * hello with only what the other lacks: 10 records one way, 5 the other,
 * and bytes to match; nothing comes back. */
static void
test_hello_answer (void)
{
  TestReplica *a = test_replica_new (NULL), *b = test_replica_new (NULL);
  TestReplica *both[] = { a, b };
  TestReplicaLink link;
  Sent ab, ba;
  guint64 ab_bodies, ba_bodies;

  test_replica_draw_run (a, 990);
  test_replica_draw_run (b, 295);
  copy_all (a, b);
  copy_all (b, a);
  test_replica_draw (a, 10);
  test_replica_draw (b, 5);

  link = test_replica_link (a, b);
  test_replicas_converge (both, 2, 1300);
  g_assert_true (tafel_test_wait_until (synced, &(Count) { a, 1 }, WAIT_MS));
  g_assert_true (tafel_test_wait_until (synced, &(Count) { b, 1 }, WAIT_MS));

  ab = sent (a, b);
  ba = sent (b, a);
  ab_bodies = body_bytes (a, 991, 1000);
  ba_bodies = body_bytes (b, 296, 300);
  g_test_message ("a → b: %" G_GUINT64_FORMAT " records, %" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT
                  " bytes (bodies %" G_GUINT64_FORMAT ")", ab.records, ab.frames, ab.bytes, ab_bodies);
  g_test_message ("b → a: %" G_GUINT64_FORMAT " records, %" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT
                  " bytes (bodies %" G_GUINT64_FORMAT ")", ba.records, ba.frames, ba.bytes, ba_bodies);
  g_assert_cmpuint (ab.records, ==, 10);
  g_assert_cmpuint (ba.records, ==, 5);
  /* HELLO, one RUN, DONE and an ack or two: a handful of frames. */
  g_assert_cmpuint (ab.frames, <=, 6);
  g_assert_cmpuint (ba.frames, <=, 6);
  /* The bodies plus a few dozen bytes a record and two vectors of two
   * authors a frame: nothing like the 990 records already there. */
  g_assert_cmpuint (ab.bytes, >=, ab_bodies);
  g_assert_cmpuint (ab.bytes, <=, ab_bodies + 10 * 96 + ab.frames * 160);
  g_assert_cmpuint (ba.bytes, >=, ba_bodies);
  g_assert_cmpuint (ba.bytes, <=, ba_bodies + 5 * 96 + ba.frames * 160);

  test_replica_unlink (&link);
  test_replica_free (a);
  test_replica_free (b);
}

/* A chain a — b — c, drawing everywhere, live: every record crosses each
 * link once, towards the side that lacks it, and never back. */
static void
test_no_echo (void)
{
  TestReplica *a = test_replica_new (NULL), *b = test_replica_new (NULL), *c = test_replica_new (NULL);
  TestReplica *all[] = { a, b, c };
  TestReplicaLink ab_link, bc_link;
  guint na = 0, nb = 0, nc = 0;

  ab_link = test_replica_link (a, b);
  bc_link = test_replica_link (b, c);
  for (guint round = 0; round < 12; round++)
    {
      guint da = 1 + round % 3, db = round % 2, dc = 2 - round % 3;

      test_replica_draw (a, da);
      test_replica_draw (b, db);
      test_replica_draw (c, dc);
      na += da;
      nb += db;
      nc += dc;
      /* Now and then everything settles; now and then it does not. */
      if (round % 4 == 3)
        test_replicas_converge (all, 3, na + nb + nc);
    }
  test_replicas_converge (all, 3, na + nb + nc);

  g_test_message ("a %u, b %u, c %u records", na, nb, nc);
  g_assert_cmpuint (sent (a, b).records, ==, na);
  g_assert_cmpuint (sent (b, a).records, ==, nb + nc);
  g_assert_cmpuint (sent (b, c).records, ==, na + nb);
  g_assert_cmpuint (sent (c, b).records, ==, nc);

  test_replica_unlink (&ab_link);
  test_replica_unlink (&bc_link);
  test_replica_free (a);
  test_replica_free (b);
  test_replica_free (c);
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/sync/guards/pending-bound", test_pending_bound);
  g_test_add_func ("/tafel/sync/guards/body-check", test_body_check);
  g_test_add_func ("/tafel/sync/economy/hello-answer", test_hello_answer);
  g_test_add_func ("/tafel/sync/economy/no-echo", test_no_echo);

  return g_test_run ();
}
