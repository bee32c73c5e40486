/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-bytes.h"
#include "tafel-link-auth.h"
#include "tafel-link.h"
#include "tafel-signaling-hub.h"
#include "tafel-sync-private.h"

#include "tafel-net-test-util.h"
#include "tafel-test-replica.h"
#include "tafel-test-util.h"

/* Sync over real links: libnice agents on 127.0.0.1, the handshake and the
 * encrypted stream, as peers use them (the other sync tests use an
 * in-process channel). A late join large enough to fill the transport's
 * window many times over, records of an author who signed two versions
 * arriving from two peers, and a peer whose validly signed run carries a
 * body that is not one. Synthetic strokes, so nothing here skips. */

#define WAIT_MS 60000

typedef struct
{
  TafelSignalingHub *hub;
  TafelLinkConfig   *config;
  guint8             board_id[TAFEL_BOARD_ID_BYTES];
  guint8             secret[TAFEL_BOARD_SECRET_BYTES];
} Fixture;

typedef struct
{
  TafelLink      *a, *b;       /* a's link to b, b's link to a */
  TafelSignaling *sa, *sb;
} RealLink;

static guint links_alive;

static void
link_finalized (gpointer  data,
                GObject  *where_the_object_was)
{
  links_alive--;
}

static TafelLink *
new_link (Fixture        *f,
          TafelSignaling *signaling,
          TafelIdentity  *local,
          TafelIdentity  *remote)
{
  g_autoptr(TafelLinkAuth) auth = tafel_link_auth_new (f->board_id, f->secret, local);
  TafelLink *link = tafel_link_new (signaling, f->config, auth, tafel_identity_get_public_key (remote));

  links_alive++;
  g_object_weak_ref (G_OBJECT (link), link_finalized, NULL);
  return link;
}

static gboolean
both_up (gpointer data)
{
  RealLink *l = data;

  return tafel_link_get_state (l->a) == TAFEL_LINK_STATE_CONNECTED &&
         tafel_link_get_state (l->b) == TAFEL_LINK_STATE_CONNECTED;
}

/* Links @a and @b (replicas with identities of their own) over libnice. */
static RealLink
connect_real (Fixture     *f,
              TestReplica *a,
              TestReplica *b)
{
  RealLink l;

  l.sa = tafel_signaling_hub_connect (f->hub, test_replica_key (a));
  l.sb = tafel_signaling_hub_connect (f->hub, test_replica_key (b));
  l.a = new_link (f, l.sa, a->identity, b->identity);
  l.b = new_link (f, l.sb, b->identity, a->identity);
  tafel_link_start (l.a);
  tafel_link_start (l.b);
  g_assert_true (tafel_test_wait_until (both_up, &l, WAIT_MS));
  return l;
}

/* Their syncs start using the link. */
static void
attach_sync (RealLink    *l,
             TestReplica *a,
             TestReplica *b)
{
  tafel_sync_add_peer (a->sync, test_replica_key (b), TAFEL_FRAME_CHANNEL (l->a));
  tafel_sync_add_peer (b->sync, test_replica_key (a), TAFEL_FRAME_CHANNEL (l->b));
}

static RealLink
link_real (Fixture     *f,
           TestReplica *a,
           TestReplica *b)
{
  RealLink l = connect_real (f, a, b);

  attach_sync (&l, a, b);
  return l;
}

static void
unlink_real (RealLink    *l,
             TestReplica *a,
             TestReplica *b)
{
  tafel_sync_remove_peer (a->sync, test_replica_key (b));
  tafel_sync_remove_peer (b->sync, test_replica_key (a));
  tafel_link_close (l->a);
  tafel_link_close (l->b);
  g_clear_object (&l->a);
  g_clear_object (&l->b);
  g_clear_object (&l->sa);
  g_clear_object (&l->sb);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  static const char *loopback[] = { "127.0.0.1", NULL };
  g_autoptr(GError) error = NULL;

  f->hub = tafel_signaling_hub_new ();
  f->config = tafel_link_config_new ();
  tafel_link_config_set_local_addresses (f->config, loopback, &error);
  g_assert_no_error (error);
  tafel_random_bytes (f->board_id, sizeof f->board_id);
  tafel_random_bytes (f->secret, sizeof f->secret);
}

static gboolean
no_links_left (gpointer data)
{
  return links_alive == 0;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  /* Closed links linger to say goodbye; let them finish. */
  g_assert_true (tafel_test_wait_until (no_links_left, NULL, WAIT_MS));
  g_clear_object (&f->hub);
  g_clear_pointer (&f->config, tafel_link_config_unref);
}

/* ---- a late join ------------------------------------------------------------- */

static void
test_late_join (Fixture       *f,
                gconstpointer  data)
{
  TestReplica *a = test_replica_new (NULL), *b = test_replica_new (NULL);
  TestReplica *both[] = { a, b };
  guint64 frames, bytes, records_ab, records_ba;
  RealLink l;

  test_replica_draw_run (a, 20000);
  test_replica_draw (b, 30);
  l = link_real (f, a, b);
  test_replicas_converge (both, 2, 20030);

  /* Each side sent exactly what the other lacked. */
  g_assert_true (tafel_sync_get_peer_stats (a->sync, test_replica_key (b), &frames, &bytes, &records_ab));
  g_test_message ("a → b: %" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT " bytes, %"
                  G_GUINT64_FORMAT " records", frames, bytes, records_ab);
  g_assert_true (tafel_sync_get_peer_stats (b->sync, test_replica_key (a), NULL, NULL, &records_ba));
  g_assert_cmpuint (records_ab, ==, 20000);
  g_assert_cmpuint (records_ba, ==, 30);

  /* And it goes on live, both ways. */
  test_replica_draw (a, 3);
  test_replica_draw (b, 2);
  test_replicas_converge (both, 2, 20035);
  g_assert_no_error (tafel_link_get_error (l.a));
  g_assert_no_error (tafel_link_get_error (l.b));

  unlink_real (&l, a, b);
  test_replica_free (a);
  test_replica_free (b);
}

/* ---- an author who signed two versions --------------------------------------- */

typedef struct
{
  guint   n;
  guint64 seq;
} Equivocations;

static void
on_equivocation (TafelLog             *log,
                 const TafelPublicKey *author,
                 guint64               seq,
                 Equivocations        *e)
{
  e->n++;
  e->seq = seq;
}

static gboolean
equivocated (gpointer data)
{
  return ((Equivocations *) data)->n > 0;
}

typedef struct
{
  TestReplica **r;
  guint         n;
  guint         records;
} Hold;

static gboolean
all_hold (gpointer data)
{
  Hold *h = data;

  for (guint i = 0; i < h->n; i++)
    if (tafel_log_get_n_records (h->r[i]->log) != h->records || tafel_sync_is_busy (h->r[i]->sync))
      return FALSE;
  return TRUE;
}

/* M signs two versions of its records 6 … 10 and gives one to P, the
 * other to Q; S holds M's shared past. Linked to both at once over real
 * links, S gets both versions: it keeps the one that came first, reports
 * M, drops no link, and everything else converges. */
static void
test_equivocation (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(TafelIdentity) m = tafel_identity_new_ephemeral ();
  TestReplica *mp = test_replica_new (m);
  TestReplica *mq;
  TestReplica *p = test_replica_new (NULL), *q = test_replica_new (NULL), *s = test_replica_new (NULL);
  TestReplica *all[] = { p, q, s };
  g_autoptr(TafelVersionVector) none = tafel_version_vector_new ();
  g_autoptr(TafelRecord) kept = NULL;
  g_autoptr(TafelRecord) at_p = NULL;
  g_autoptr(TafelRecord) at_q = NULL;
  const TafelPublicKey *m_key = tafel_identity_get_public_key (m);
  Equivocations seen = { 0 };
  RealLink sp, sq;

  /* M's shared past, then its two versions. */
  test_replica_draw_run (mp, 5);
  mq = test_replica_new (m);
  {
    g_autoptr(GPtrArray) past = tafel_log_dup_missing (mp->log, none);

    g_assert_true (tafel_log_add_run (mq->log, (TafelRecord **) past->pdata, past->len, NULL));
    g_assert_true (tafel_log_add_run (s->log, (TafelRecord **) past->pdata, past->len, NULL));
  }
  test_replica_draw_run (mp, 5);
  test_replica_draw_run (mq, 5);
  {
    g_autoptr(GPtrArray) version_p = tafel_log_dup_missing (mp->log, none);
    g_autoptr(GPtrArray) version_q = tafel_log_dup_missing (mq->log, none);

    g_assert_true (tafel_log_add_run (p->log, (TafelRecord **) version_p->pdata, version_p->len, NULL));
    g_assert_true (tafel_log_add_run (q->log, (TafelRecord **) version_q->pdata, version_q->len, NULL));
  }
  test_replica_draw (p, 7);
  test_replica_draw (q, 4);
  g_signal_connect (s->log, "equivocation", G_CALLBACK (on_equivocation), &seen);

  /* Both links up before sync says hello on either, so both versions are
   * on their way before S holds one. */
  sp = connect_real (f, s, p);
  sq = connect_real (f, s, q);
  attach_sync (&sp, s, p);
  attach_sync (&sq, s, q);
  g_assert_true (tafel_test_wait_until (equivocated, &seen, WAIT_MS));
  g_assert_cmpuint (seen.seq, ==, 6);

  /* Everything but M's other version reaches everyone. */
  test_replica_draw (s, 1);
  g_assert_true (tafel_test_wait_until (all_hold, &(Hold) { all, 3, 10 + 7 + 4 + 1 }, WAIT_MS));
  g_assert_cmpuint (s->failures->len, ==, 0);
  g_assert_cmpuint (p->failures->len, ==, 0);
  g_assert_cmpuint (q->failures->len, ==, 0);

  /* S kept one whole version; P and Q each kept their own. */
  kept = tafel_log_lookup_seq (s->log, m_key, 10);
  at_p = tafel_log_lookup_seq (p->log, m_key, 10);
  at_q = tafel_log_lookup_seq (q->log, m_key, 10);
  g_assert_false (tafel_hash_equal (tafel_record_get_id (at_p), tafel_record_get_id (at_q)));
  g_assert_true (tafel_hash_equal (tafel_record_get_id (kept), tafel_record_get_id (at_p)) ||
                 tafel_hash_equal (tafel_record_get_id (kept), tafel_record_get_id (at_q)));

  unlink_real (&sp, s, p);
  unlink_real (&sq, s, q);
  test_replica_free (mp);
  test_replica_free (mq);
  test_replica_free (p);
  test_replica_free (q);
  test_replica_free (s);
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

#define ADD(name, func) g_test_add ("/tafel/sync-links/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("late-join", test_late_join);
  ADD ("equivocation", test_equivocation);

  return g_test_run ();
}
