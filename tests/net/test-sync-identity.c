/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-bytes.h"
#include "tafel-sync-private.h"

#include "tafel-net-test-util.h"
#include "tafel-test-replica.h"
#include "tafel-test-util.h"

/* One identity on two devices, as sync sees it (docs/identity.md): a
 * device learns from its peers' vectors, or from a peer that refused one
 * of its records, that another device writes under its identity; it asks
 * where the network's records part from its own and hears the exact seq;
 * and once it gives its own up, it gets the network's. In-process
 * channels; test-session-identity.c does the same over real links. */

#define WAIT_MS 30000

typedef struct
{
  TestReplica *r;
  guint        n;
} Count;

static gboolean
clashed (gpointer data)
{
  Count *c = data;
  return c->r->clashes >= c->n;
}

static gboolean
fork_found (gpointer data)
{
  Count *c = data;
  return c->r->forks->len >= c->n;
}

static gboolean
synced (gpointer data)
{
  Count *c = data;
  return c->r->synced >= c->n;
}

typedef struct
{
  TestReplica          *r;
  const TafelPublicKey *author;
  guint64               seq;
} Has;

static gboolean
peers_have (gpointer data)
{
  Has *h = data;
  return tafel_sync_all_peers_have (h->r->sync, h->author, h->seq);
}

static gboolean
not_busy (gpointer data)
{
  return !tafel_sync_is_busy (data);
}

/* What a second device holds after copying the first's log: the same
 * records, the same identity. */
static TestReplica *
copy_device (TestReplica *a)
{
  TestReplica *b = test_replica_new (a->identity);
  g_autoptr(TafelVersionVector) none = tafel_version_vector_new ();
  g_autoptr(GPtrArray) all = tafel_log_dup_missing (a->log, none);
  g_autoptr(GError) error = NULL;

  if (all->len > 0)
    g_assert_true (tafel_log_add_run (b->log, (TafelRecord **) all->pdata, all->len, &error));
  g_assert_no_error (error);
  return b;
}

/* The device gives its records from @from_seq on up, as the board does
 * once it issued them again under a new identity. */
static void
drop_own_tail (TestReplica *r,
               guint64      from_seq)
{
  const TafelPublicKey *key = test_replica_key (r);
  g_autoptr(GError) error = NULL;
  TafelSignature sig;

  if (from_seq > 1)
    {
      g_autoptr(TafelRecord) last = tafel_log_lookup_seq (r->log, key, from_seq - 1);
      g_autoptr(GBytes) bytes = tafel_record_dup_signed_bytes (last);
      gsize len;
      gconstpointer data = g_bytes_get_data (bytes, &len);

      tafel_identity_sign (r->identity, &sig, data, len);
    }
  g_assert_true (tafel_log_drop_tail (r->log, key, from_seq, from_seq > 1 ? &sig : NULL, &error));
  g_assert_no_error (error);
}

static gboolean
has_records (gpointer data)
{
  Count *c = data;
  return tafel_log_get_n_records (c->r->log) == c->n && !tafel_sync_is_busy (c->r->sync);
}

/* A and B share an identity and @shared records; A then writes
 * @a_more, B @b_more of its own. The seed S holds A's; B links to S. B
 * hears of the clash, finds the exact seq where its records part from the
 * network's, and after giving its own up gets A's. */
static void
run_fork (guint shared,
          guint a_more,
          guint b_more)
{
  g_autoptr(TafelIdentity) k = tafel_identity_new_ephemeral ();
  TestReplica *a = test_replica_new (k);
  TestReplica *s = test_replica_new (NULL);
  TestReplica *b;
  TestReplica *as[2];
  TestReplicaLink as_link, bs_link;
  const TafelPublicKey *key = tafel_identity_get_public_key (k);
  guint64 b_head = shared + b_more;

  g_test_message ("shared %u, A %u more, B %u more", shared, a_more, b_more);
  if (shared > 0)
    test_replica_draw_run (a, shared);
  b = copy_device (a);
  if (a_more > 0)
    test_replica_draw_run (a, a_more);
  if (b_more > 0)
    test_replica_draw_run (b, b_more);

  as[0] = a;
  as[1] = s;
  as_link = test_replica_link (a, s);
  test_replicas_converge (as, 2, shared + a_more);
  test_replica_unlink (&as_link);
  g_assert_cmpuint (a->clashes, ==, 0);

  bs_link = test_replica_link (b, s);
  g_assert_true (tafel_test_wait_until (clashed, &(Count) { b, 1 }, WAIT_MS));
  g_assert_cmpuint (b->clashes, ==, 1);
  g_assert_cmpuint (s->failures->len, ==, 0);
  g_assert_cmpuint (b->failures->len, ==, 0);
  /* B does not believe S has its records (what `draw` waits for). */
  if (b_more > 0)
    g_assert_false (tafel_sync_all_peers_have (b->sync, key, b_head));

  /* Where do they part? */
  tafel_sync_find_fork (b->sync, key);
  g_assert_true (tafel_test_wait_until (fork_found, &(Count) { b, 1 }, WAIT_MS));
  if (b_more > 0)
    g_assert_cmpuint (g_array_index (b->forks, guint64, 0), ==, shared + 1);
  else
    g_assert_cmpuint (g_array_index (b->forks, guint64, 0), >, b_head);  /* none of B's refused */

  /* Nothing of B's own went to S meanwhile. */
  g_assert_true (tafel_test_wait_until (not_busy, s->sync, WAIT_MS));
  if (a_more > 0)
    {
      g_autoptr(TafelRecord) theirs = tafel_log_lookup_seq (s->log, key, shared + 1);
      g_autoptr(TafelRecord) ours = tafel_log_lookup_seq (a->log, key, shared + 1);

      g_assert_true (tafel_hash_equal (tafel_record_get_id (theirs), tafel_record_get_id (ours)));
    }
  g_assert_cmpuint (tafel_log_get_head_seq (s->log, key), ==, shared + a_more);

  /* B gives its own up and gets A's from S over the same link. */
  if (b_more > 0)
    drop_own_tail (b, shared + 1);
  g_assert_true (tafel_test_wait_until (has_records, &(Count) { b, shared + a_more }, WAIT_MS));
  {
    TestReplica *bs[] = { b, s };

    test_replicas_converge (bs, 2, shared + a_more);
  }

  test_replica_unlink (&bs_link);
  test_replica_free (a);
  test_replica_free (b);
  test_replica_free (s);
}

static void
test_fork_shallow (void)
{
  run_fork (40, 5, 3);
}

/* Deeper than one probe asks about: the search narrows in rounds. */
static void
test_fork_deep (void)
{
  run_fork (3000, 20, 2500);
}

/* Every record of B's is its own: the fork is at seq 1. */
static void
test_fork_at_start (void)
{
  run_fork (0, 7, 9);
}

/* B wrote nothing new, but the network holds records of its identity it
 * never wrote: another device; nothing of B's was refused. */
static void
test_network_ahead (void)
{
  run_fork (30, 12, 0);
}

/* The link's own way to say it: a peer that refused a record of ours as
 * an equivocation tells us, before any vector does. */
static void
on_frame (TafelFrameChannel *channel,
          GBytes            *frame,
          GPtrArray         *types)
{
  const guint8 *data = g_bytes_get_data (frame, NULL);

  g_ptr_array_add (types, GUINT_TO_POINTER (data[0] | (g_bytes_get_size (frame) > 34 ? data[33] << 8 : 0)));
}

static gboolean
has_notice (gpointer data)
{
  GPtrArray *types = data;

  for (guint i = 0; i < types->len; i++)
    if (GPOINTER_TO_UINT (types->pdata[i]) == (0x15 | (1 << 8)))
      return TRUE;
  return FALSE;
}

static void
test_notice (void)
{
  g_autoptr(TafelIdentity) k = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) to_b = g_ptr_array_new ();
  TestReplica *a = test_replica_new (k);
  TestReplica *s = test_replica_new (NULL);
  TestReplica *b;
  TestReplica *bs[2];
  TestReplicaLink link;
  g_autoptr(TafelRecord) theirs = NULL;
  const TafelPublicKey *key = tafel_identity_get_public_key (k);

  test_replica_draw_run (a, 10);
  b = copy_device (a);
  bs[0] = b;
  bs[1] = s;
  {
    g_autoptr(TafelVersionVector) none = tafel_version_vector_new ();
    g_autoptr(GPtrArray) all = tafel_log_dup_missing (a->log, none);

    g_assert_true (tafel_log_add_run (s->log, (TafelRecord **) all->pdata, all->len, NULL));
  }
  link = test_replica_link (b, s);
  g_signal_connect (link.a, "frame", G_CALLBACK (on_frame), to_b);  /* what reaches B */
  test_replicas_converge (bs, 2, 10);
  g_assert_true (tafel_test_wait_until (synced, &(Count) { b, 1 }, WAIT_MS));
  g_assert_true (tafel_test_wait_until (synced, &(Count) { s, 1 }, WAIT_MS));
  g_assert_cmpuint (b->clashes, ==, 0);

  /* A's record 11 reaches S, and B writes its own 11 at the same time. */
  test_replica_draw (a, 1);
  theirs = tafel_log_lookup_seq (a->log, key, 11);
  g_assert_true (tafel_log_add (s->log, theirs, NULL));
  test_replica_draw (b, 1);

  g_assert_true (tafel_test_wait_until (has_notice, to_b, WAIT_MS));
  g_assert_true (tafel_test_wait_until (clashed, &(Count) { b, 1 }, WAIT_MS));
  g_assert_cmpuint (tafel_log_get_head_seq (s->log, key), ==, 11);
  g_assert_false (tafel_sync_all_peers_have (b->sync, key, 11));

  test_replica_unlink (&link);
  test_replica_free (a);
  test_replica_free (b);
  test_replica_free (s);
}

/* A FORK notice alone, from a peer whose vector says nothing amiss, is
 * enough: what the peer refused, another device wrote. */
static void
test_notice_alone (void)
{
  TestReplica *b = test_replica_new (NULL);
  g_autoptr(TafelIdentity) fake = tafel_identity_new_ephemeral ();
  TafelTestChannel *mine, *theirs;
  g_autoptr(TafelVersionVector) vv = tafel_version_vector_new ();
  g_autoptr(GBytes) encoded = tafel_version_vector_encode (vv);
  g_autoptr(GByteArray) hello = g_byte_array_new ();
  g_autoptr(GByteArray) notice = g_byte_array_new ();
  g_autoptr(GBytes) hello_bytes = NULL;
  g_autoptr(GBytes) notice_bytes = NULL;

  test_replica_draw (b, 3);
  tafel_test_channel_new_pair (64 * 1024, &mine, &theirs);
  tafel_sync_add_peer (b->sync, tafel_identity_get_public_key (fake), TAFEL_FRAME_CHANNEL (theirs));

  tafel_put_u8 (hello, 0x10);
  tafel_put_u8 (hello, 1);
  tafel_put_bytes (hello, g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded));
  hello_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&hello));
  tafel_frame_channel_send (TAFEL_FRAME_CHANNEL (mine), hello_bytes);

  tafel_put_u8 (notice, 0x15);
  tafel_put_bytes (notice, test_replica_key (b)->bytes, TAFEL_PUBLIC_KEY_BYTES);
  tafel_put_u8 (notice, 1);
  tafel_put_varint (notice, 3);
  tafel_put_varint (notice, 3);
  notice_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&notice));
  tafel_frame_channel_send (TAFEL_FRAME_CHANNEL (mine), notice_bytes);

  g_assert_true (tafel_test_wait_until (clashed, &(Count) { b, 1 }, WAIT_MS));
  g_assert_cmpuint (b->failures->len, ==, 0);

  tafel_frame_channel_close (TAFEL_FRAME_CHANNEL (mine));
  g_object_unref (mine);
  g_object_unref (theirs);
  test_replica_free (b);
}

/* A peer that holds another record at our head's seq has not got ours,
 * whatever the seq says: no "delivered". */
static void
test_no_false_delivery (void)
{
  g_autoptr(TafelIdentity) k = tafel_identity_new_ephemeral ();
  TestReplica *a = test_replica_new (k);
  TestReplica *s = test_replica_new (NULL);
  TestReplica *b;
  TestReplica *as[2];
  TestReplicaLink link;
  const TafelPublicKey *key = tafel_identity_get_public_key (k);

  test_replica_draw_run (a, 5);
  b = copy_device (a);
  test_replica_draw (a, 3);
  test_replica_draw (b, 3);
  as[0] = a;
  as[1] = s;
  link = test_replica_link (a, s);
  test_replicas_converge (as, 2, 8);
  g_assert_true (tafel_test_wait_until (peers_have, &(Has) { a, key, 8 }, WAIT_MS));
  test_replica_unlink (&link);

  link = test_replica_link (b, s);
  g_assert_true (tafel_test_wait_until (clashed, &(Count) { b, 1 }, WAIT_MS));
  g_assert_false (tafel_sync_peer_has (b->sync, test_replica_key (s), key, 6));
  g_assert_false (tafel_sync_all_peers_have (b->sync, key, 8));

  test_replica_unlink (&link);
  test_replica_free (a);
  test_replica_free (b);
  test_replica_free (s);
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/sync/identity/fork-shallow", test_fork_shallow);
  g_test_add_func ("/tafel/sync/identity/fork-deep", test_fork_deep);
  g_test_add_func ("/tafel/sync/identity/fork-at-start", test_fork_at_start);
  g_test_add_func ("/tafel/sync/identity/network-ahead", test_network_ahead);
  g_test_add_func ("/tafel/sync/identity/notice", test_notice);
  g_test_add_func ("/tafel/sync/identity/notice-alone", test_notice_alone);
  g_test_add_func ("/tafel/sync/identity/no-false-delivery", test_no_false_delivery);

  return g_test_run ();
}
