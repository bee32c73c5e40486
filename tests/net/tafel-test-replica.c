/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tafel-net-test-util.h"
#include "tafel-test-replica.h"
#include "tafel-test-util.h"

#define HIGH_WATER (512 * 1024)
#define WAIT_MS    30000

static void
on_peer_failed (TafelSync            *sync,
                const TafelPublicKey *peer,
                const GError         *error,
                TestReplica          *r)
{
  g_ptr_array_add (r->failures, g_error_copy (error));
}

static void
on_peer_synced (TafelSync            *sync,
                const TafelPublicKey *peer,
                TestReplica          *r)
{
  r->synced++;
}

static void
on_identity_clash (TafelSync            *sync,
                   const TafelPublicKey *peer,
                   TestReplica          *r)
{
  r->clashes++;
}

static void
on_fork_found (TafelSync            *sync,
               const TafelPublicKey *author,
               guint64               from_seq,
               TestReplica          *r)
{
  g_array_append_val (r->forks, from_seq);
}

TestReplica *
test_replica_new (TafelIdentity *identity)
{
  TestReplica *r = g_new0 (TestReplica, 1);

  r->identity = identity != NULL ? g_object_ref (identity) : tafel_identity_new_ephemeral ();
  r->log = tafel_log_new ();
  r->sync = tafel_sync_new (r->log);
  tafel_sync_set_identity (r->sync, tafel_identity_get_public_key (r->identity));
  r->failures = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  r->forks = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_signal_connect (r->sync, "peer-failed", G_CALLBACK (on_peer_failed), r);
  g_signal_connect (r->sync, "peer-synced", G_CALLBACK (on_peer_synced), r);
  g_signal_connect (r->sync, "identity-clash", G_CALLBACK (on_identity_clash), r);
  g_signal_connect (r->sync, "fork-found", G_CALLBACK (on_fork_found), r);
  return r;
}

void
test_replica_free (TestReplica *r)
{
  g_object_unref (r->sync);
  g_object_unref (r->log);
  g_object_unref (r->identity);
  g_ptr_array_unref (r->failures);
  g_array_unref (r->forks);
  g_free (r);
}

const TafelPublicKey *
test_replica_key (TestReplica *r)
{
  return tafel_identity_get_public_key (r->identity);
}

static guint32 next_seed = 1;

static TafelRecord *
next_record (TestReplica *r,
             guint64      lamport,
             gboolean     sign)
{
  const TafelPublicKey *key = test_replica_key (r);
  guint64 seq = tafel_log_get_head_seq (r->log, key) + 1;
  g_autoptr(TafelRecord) prev = seq > 1 ? tafel_log_lookup_seq (r->log, key, seq - 1) : NULL;
  g_autoptr(GBytes) body = tafel_test_stroke_body (8 + next_seed % 40, next_seed);

  next_seed++;
  if (sign)
    return tafel_identity_sign_record (r->identity, seq, prev != NULL ? tafel_record_get_id (prev) : NULL,
                                       lamport, TAFEL_RECORD_KIND_STROKE, body);
  return tafel_record_new (key, seq, prev != NULL ? tafel_record_get_id (prev) : NULL, lamport,
                           TAFEL_RECORD_KIND_STROKE, body, NULL);
}

void
test_replica_draw (TestReplica *r,
                   guint        n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TafelRecord) record = next_record (r, tafel_log_get_max_lamport (r->log) + 1, TRUE);
      g_autoptr(GError) error = NULL;

      g_assert_true (tafel_log_add (r->log, record, &error));
      g_assert_no_error (error);
    }
}

void
test_replica_draw_run (TestReplica *r,
                       guint        n)
{
  g_autoptr(GPtrArray) run = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  g_autoptr(GError) error = NULL;
  const TafelPublicKey *key = test_replica_key (r);
  guint64 seq = tafel_log_get_head_seq (r->log, key);
  guint64 lamport = tafel_log_get_max_lamport (r->log);
  g_autoptr(TafelRecord) head = seq > 0 ? tafel_log_lookup_seq (r->log, key, seq) : NULL;
  TafelHash prev = head != NULL ? *tafel_record_get_id (head) : (TafelHash) { { 0 } };

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) body = tafel_test_stroke_body (8 + next_seed % 40, next_seed);
      TafelRecord *record;

      next_seed++;
      seq++;
      lamport++;
      if (i == n - 1)
        record = tafel_identity_sign_record (r->identity, seq, seq > 1 ? &prev : NULL, lamport,
                                             TAFEL_RECORD_KIND_STROKE, body);
      else
        record = tafel_record_new (key, seq, seq > 1 ? &prev : NULL, lamport, TAFEL_RECORD_KIND_STROKE, body, NULL);
      prev = *tafel_record_get_id (record);
      g_ptr_array_add (run, record);
    }
  g_assert_true (tafel_log_add_trusted_run (r->log, (TafelRecord **) run->pdata, run->len, &error));
  g_assert_no_error (error);
}

TestReplicaLink
test_replica_link (TestReplica *a,
                   TestReplica *b)
{
  TestReplicaLink link;

  tafel_test_channel_new_pair (HIGH_WATER, &link.a, &link.b);
  tafel_sync_add_peer (a->sync, test_replica_key (b), TAFEL_FRAME_CHANNEL (link.a));
  tafel_sync_add_peer (b->sync, test_replica_key (a), TAFEL_FRAME_CHANNEL (link.b));
  return link;
}

void
test_replica_unlink (TestReplicaLink *link)
{
  if (link->a != NULL)
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
  TestReplica **replicas;
  guint         n;
  guint         records;
} Converged;

static gboolean
all_converged (gpointer data)
{
  Converged *c = data;

  for (guint i = 0; i < c->n; i++)
    {
      if (tafel_log_get_n_records (c->replicas[i]->log) != c->records ||
          tafel_sync_is_busy (c->replicas[i]->sync))
        return FALSE;
      if (i > 0 && !vectors_equal (c->replicas[0]->log, c->replicas[i]->log))
        return FALSE;
    }
  return TRUE;
}

void
test_replicas_converge (TestReplica **replicas,
                        guint         n_replicas,
                        guint         n_records)
{
  Converged c = { replicas, n_replicas, n_records };

  if (!tafel_test_wait_until (all_converged, &c, WAIT_MS))
    {
      for (guint i = 0; i < n_replicas; i++)
        g_test_message ("replica %u: %u records, %u held", i, tafel_log_get_n_records (replicas[i]->log),
                        tafel_log_get_n_held (replicas[i]->log));
      g_assert_not_reached ();
    }
  for (guint i = 0; i < n_replicas; i++)
    g_assert_cmpuint (replicas[i]->failures->len, ==, 0);
}
