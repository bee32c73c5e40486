/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tafel-core.h"
#include "tafel-test-peer.h"
#include "tafel-test-util.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestPeer, test_peer_free)

static gboolean
visible (TestPeer    *peer,
         TafelRecord *record)
{
  TafelObject *object = tafel_board_model_lookup (peer->model, tafel_record_get_id (record));

  g_assert_nonnull (object);
  return tafel_object_is_visible (object);
}

static TafelRecord *
draw (TestPeer *peer,
      double    x)
{
  g_autoptr(GBytes) body = test_line_stroke_body (x, 0, x + 30, 30, 4, 2);

  return test_peer_do (peer, TAFEL_RECORD_KIND_STROKE, body);
}

static void
test_undo_redo_stroke (void)
{
  g_autoptr(TestPeer) a = test_peer_new ();
  g_autoptr(TafelRecord) s1 = draw (a, 0);
  g_autoptr(TafelRecord) s2 = draw (a, 100);
  guint n_records;

  g_assert_true (tafel_history_can_undo (a->history));
  g_assert_false (tafel_history_can_redo (a->history));

  /* Undo goes back one step at a time, newest first. */
  g_assert_true (test_peer_undo (a));
  g_assert_false (visible (a, s2));
  g_assert_true (visible (a, s1));
  g_assert_true (tafel_history_can_redo (a->history));

  g_assert_true (test_peer_undo (a));
  g_assert_false (visible (a, s1));
  g_assert_false (tafel_history_can_undo (a->history));

  /* Nothing more to undo: no record is made. */
  n_records = tafel_log_get_n_records (a->log);
  g_assert_false (test_peer_undo (a));
  g_assert_cmpuint (tafel_log_get_n_records (a->log), ==, n_records);

  /* Redo re-applies in the order undone. */
  g_assert_true (test_peer_redo (a));
  g_assert_true (visible (a, s1));
  g_assert_false (visible (a, s2));
  g_assert_true (test_peer_redo (a));
  g_assert_true (visible (a, s2));
  g_assert_false (tafel_history_can_redo (a->history));
  g_assert_false (test_peer_redo (a));
}

static void
test_undo_erase_and_restore (void)
{
  g_autoptr(TestPeer) a = test_peer_new ();
  g_autoptr(TestPeer) b = test_peer_new ();
  g_autoptr(TafelRecord) mine = draw (a, 0);
  g_autoptr(TafelRecord) theirs = draw (b, 100);
  TafelHash ids[2];
  g_autoptr(GBytes) set = NULL;

  /* a erases its own stroke and b's: undo restores both, redo erases
   * both again. */
  test_peer_sync (a, b);
  ids[0] = *tafel_record_get_id (mine);
  ids[1] = *tafel_record_get_id (theirs);
  set = test_set_body (ids, 2);
  tafel_record_unref (test_peer_do (a, TAFEL_RECORD_KIND_ERASE, set));
  g_assert_false (visible (a, mine));
  g_assert_false (visible (a, theirs));

  g_assert_true (test_peer_undo (a));
  g_assert_true (visible (a, mine));
  g_assert_true (visible (a, theirs));
  g_assert_true (test_peer_redo (a));
  g_assert_false (visible (a, mine));
  g_assert_false (visible (a, theirs));

  /* Undo of a restore erases again. */
  g_assert_true (test_peer_undo (a));  /* the erase: restored */
  tafel_record_unref (test_peer_do (a, TAFEL_RECORD_KIND_ERASE, set));
  tafel_record_unref (test_peer_do (a, TAFEL_RECORD_KIND_RESTORE, set));
  g_assert_true (visible (a, theirs));
  g_assert_true (test_peer_undo (a));
  g_assert_false (visible (a, theirs));
  g_assert_false (visible (a, mine));

  /* b's history holds nothing of a's. */
  g_assert_true (tafel_history_can_undo (b->history));
  test_peer_sync (b, a);
  g_assert_true (test_peer_undo (b));  /* b's stroke */
  g_assert_false (test_peer_undo (b));
}

static void
test_undo_transform (void)
{
  g_autoptr(TestPeer) a = test_peer_new ();
  g_autoptr(TafelRecord) s = draw (a, 0);
  TafelTransform t1 = { 1, 1, 50, 0 };
  TafelTransform t2 = { 2, 2, 50, 80 };
  g_autoptr(GBytes) b1 = test_transform_body (tafel_record_get_id (s), &t1, 1);
  g_autoptr(GBytes) b2 = test_transform_body (tafel_record_get_id (s), &t2, 1);
  TafelObject *object = tafel_board_model_lookup (a->model, tafel_record_get_id (s));

  tafel_record_unref (test_peer_do (a, TAFEL_RECORD_KIND_TRANSFORM, b1));
  tafel_record_unref (test_peer_do (a, TAFEL_RECORD_KIND_TRANSFORM, b2));
  g_assert_cmpfloat (tafel_object_get_transform (object)->ty, ==, 80);

  /* Back to the previous transform, then to the identity. */
  g_assert_true (test_peer_undo (a));
  g_assert_cmpfloat (tafel_object_get_transform (object)->sx, ==, 1);
  g_assert_cmpfloat (tafel_object_get_transform (object)->tx, ==, 50);
  g_assert_cmpfloat (tafel_object_get_transform (object)->ty, ==, 0);
  g_assert_true (test_peer_undo (a));
  g_assert_cmpfloat (tafel_object_get_transform (object)->tx, ==, 0);
  g_assert_cmpfloat (tafel_object_get_transform (object)->sx, ==, 1);

  /* Redo: forward again. */
  g_assert_true (test_peer_redo (a));
  g_assert_cmpfloat (tafel_object_get_transform (object)->tx, ==, 50);
  g_assert_true (test_peer_redo (a));
  g_assert_cmpfloat (tafel_object_get_transform (object)->sx, ==, 2);
  g_assert_cmpfloat (tafel_object_get_transform (object)->ty, ==, 80);
  g_assert_true (visible (a, s));
}

static void
test_undo_clear (void)
{
  g_autoptr(TestPeer) a = test_peer_new ();
  g_autoptr(TestPeer) b = test_peer_new ();
  g_autoptr(TafelRecord) s1 = draw (a, 0);
  g_autoptr(TafelRecord) s2 = draw (a, 100);
  g_autoptr(TafelRecord) other = draw (b, 200);
  g_autoptr(TafelRecord) late = NULL;
  g_autoptr(GBytes) set = test_set_body (tafel_record_get_id (s1), 1);
  g_autoptr(GBytes) clear = NULL;

  /* s1 was already erased when a clears: undoing the clear brings back
   * s2 and b's stroke, not s1. */
  test_peer_sync (a, b);
  tafel_record_unref (test_peer_do (a, TAFEL_RECORD_KIND_ERASE, set));
  clear = test_clear_body (a->log);
  tafel_record_unref (test_peer_do (a, TAFEL_RECORD_KIND_CLEAR, clear));
  g_assert_cmpuint (tafel_board_model_get_n_visible (a->model), ==, 0);

  /* b draws concurrently: the clear does not hide it, undo does not touch it. */
  late = draw (b, 300);
  test_peer_sync (a, b);
  g_assert_true (visible (a, late));

  g_assert_true (test_peer_undo (a));
  g_assert_false (visible (a, s1));
  g_assert_true (visible (a, s2));
  g_assert_true (visible (a, other));
  g_assert_true (visible (a, late));

  /* Redo hides exactly those again. */
  g_assert_true (test_peer_redo (a));
  g_assert_false (visible (a, s2));
  g_assert_false (visible (a, other));
  g_assert_true (visible (a, late));

  /* Undo the clear, then the erase: s1 too. */
  g_assert_true (test_peer_undo (a));
  g_assert_true (test_peer_undo (a));
  g_assert_true (visible (a, s1));
  g_assert_cmpuint (tafel_board_model_get_n_visible (a->model), ==, 4);

  /* A clear of an empty board is not a step. */
  {
    g_autoptr(TestPeer) e = test_peer_new ();
    g_autoptr(GBytes) nothing = test_clear_body (e->log);

    tafel_record_unref (test_peer_do (e, TAFEL_RECORD_KIND_CLEAR, nothing));
    g_assert_false (tafel_history_can_undo (e->history));
  }
}

static void
test_large_clear (void)
{
  g_autoptr(TestPeer) a = test_peer_new ();
  g_autoptr(GBytes) clear = NULL;
  guint n = 9000;  /* more than one restore record holds */
  guint rounds = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) body = test_line_stroke_body (i, 0, i, 10, 2, 1);

      tafel_record_unref (test_peer_commit (a, TAFEL_RECORD_KIND_STROKE, body));
    }
  clear = test_clear_body (a->log);
  tafel_record_unref (test_peer_do (a, TAFEL_RECORD_KIND_CLEAR, clear));
  g_assert_cmpuint (tafel_board_model_get_n_visible (a->model), ==, 0);

  do
    {
      g_autoptr(GBytes) body = NULL;
      g_autoptr(TafelRecord) record = NULL;
      guint kind;

      g_assert_true (tafel_history_prepare_undo (a->history, &kind, &body));
      g_assert_cmpuint (kind, ==, TAFEL_RECORD_KIND_RESTORE);
      record = test_peer_commit (a, kind, body);
      tafel_history_undo_committed (a->history, record);
      rounds++;
      g_assert_cmpuint (rounds, <=, 10);
    }
  while (tafel_history_undo_needs_more (a->history));

  g_assert_cmpuint (rounds, >, 1);
  g_assert_cmpuint (tafel_board_model_get_n_visible (a->model), ==, n);
  g_assert_false (tafel_history_can_undo (a->history));
  g_assert_true (test_peer_redo (a));
  g_assert_cmpuint (tafel_board_model_get_n_visible (a->model), ==, 0);
}

static void
test_new_op_clears_redo (void)
{
  g_autoptr(TestPeer) a = test_peer_new ();
  g_autoptr(TafelRecord) s1 = draw (a, 0);
  g_autoptr(TafelRecord) s2 = NULL;

  g_assert_true (test_peer_undo (a));
  g_assert_true (tafel_history_can_redo (a->history));
  s2 = draw (a, 100);
  g_assert_false (tafel_history_can_redo (a->history));
  g_assert_false (test_peer_redo (a));
  g_assert_false (visible (a, s1));

  /* Chat and profile are not steps and leave redo alone. */
  g_assert_true (test_peer_undo (a));
  g_assert_true (tafel_history_can_redo (a->history));
  {
    g_autoptr(GBytes) chat = test_chat_body ("hi");

    tafel_record_unref (test_peer_do (a, TAFEL_RECORD_KIND_CHAT, chat));
  }
  g_assert_true (tafel_history_can_redo (a->history));
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_notify (void)
{
  g_autoptr(TestPeer) a = test_peer_new ();
  g_autoptr(TafelRecord) s1 = NULL;
  g_autoptr(TafelRecord) s2 = NULL;
  guint undo_notes = 0, redo_notes = 0;
  gboolean value;

  g_signal_connect (a->history, "notify::can-undo", G_CALLBACK (count_notify), &undo_notes);
  g_signal_connect (a->history, "notify::can-redo", G_CALLBACK (count_notify), &redo_notes);

  s1 = draw (a, 0);
  g_assert_cmpuint (undo_notes, ==, 1);
  s2 = draw (a, 10);
  g_assert_cmpuint (undo_notes, ==, 1);  /* still TRUE: no notify */
  g_assert_true (test_peer_undo (a));
  g_assert_cmpuint (undo_notes, ==, 1);
  g_assert_cmpuint (redo_notes, ==, 1);
  g_assert_true (test_peer_undo (a));
  g_assert_cmpuint (undo_notes, ==, 2);
  g_assert_cmpuint (redo_notes, ==, 1);

  g_object_get (a->history, "can-undo", &value, NULL);
  g_assert_false (value);
  g_object_get (a->history, "can-redo", &value, NULL);
  g_assert_true (value);
}

static void
test_undo_after_someone_else_erased (void)
{
  g_autoptr(TestPeer) a = test_peer_new ();
  g_autoptr(TestPeer) b = test_peer_new ();
  g_autoptr(TafelRecord) s = draw (a, 0);
  g_autoptr(GBytes) set = test_set_body (tafel_record_get_id (s), 1);
  guint n_before;
  g_autofree char *digest_before = NULL;
  g_autofree char *digest_after = NULL;

  test_peer_sync (b, a);
  tafel_record_unref (test_peer_commit (b, TAFEL_RECORD_KIND_ERASE, set));
  test_peer_sync (a, b);
  g_assert_false (visible (a, s));

  /* Undoing my stroke still makes a record; the board looks the same. */
  n_before = tafel_log_get_n_records (a->log);
  digest_before = test_digest_hex (a->model);
  g_assert_true (test_peer_undo (a));
  g_assert_cmpuint (tafel_log_get_n_records (a->log), ==, n_before + 1);
  digest_after = test_digest_hex (a->model);
  g_assert_cmpstr (digest_before, ==, digest_after);
  g_assert_false (visible (a, s));

  /* And redo restores it: my latest word on my stroke. */
  g_assert_true (test_peer_redo (a));
  g_assert_true (visible (a, s));
  test_peer_sync (b, a);
  g_assert_true (visible (b, s));
}

static void
test_group (void)
{
  g_autoptr(TestPeer) a = test_peer_new ();
  g_autoptr(TafelRecord) s1 = NULL;
  g_autoptr(TafelRecord) s2 = NULL;
  TafelRecord *group[2];
  TafelTransform t = { 1, 1, 10, 10 };
  g_autoptr(GBytes) b1 = NULL;
  g_autoptr(GBytes) b2 = NULL;
  g_autoptr(TafelRecord) x1 = NULL;
  g_autoptr(TafelRecord) x2 = NULL;

  {
    g_autoptr(GBytes) body = test_line_stroke_body (0, 0, 5, 5, 2, 1);

    s1 = test_peer_commit (a, TAFEL_RECORD_KIND_STROKE, body);
    s2 = test_peer_commit (a, TAFEL_RECORD_KIND_STROKE, body);
  }
  b1 = test_transform_body (tafel_record_get_id (s1), &t, 1);
  b2 = test_transform_body (tafel_record_get_id (s2), &t, 1);
  x1 = test_peer_commit (a, TAFEL_RECORD_KIND_TRANSFORM, b1);
  x2 = test_peer_commit (a, TAFEL_RECORD_KIND_TRANSFORM, b2);
  group[0] = x1;
  group[1] = x2;
  tafel_history_push_group (a->history, group, 2);

  /* One undo moves both back. */
  g_assert_true (test_peer_undo (a));
  g_assert_cmpfloat (tafel_object_get_transform (tafel_board_model_lookup (a->model, tafel_record_get_id (s1)))->tx, ==, 0);
  g_assert_cmpfloat (tafel_object_get_transform (tafel_board_model_lookup (a->model, tafel_record_get_id (s2)))->tx, ==, 0);
  g_assert_false (tafel_history_can_undo (a->history));
}

/* The device moved to a new identity (docs/identity.md): its history
 * follows, undoes what it draws from then on, and forgets the steps of
 * the former identity. Without the move, pushing a record of the new
 * identity is refused as another author's. */
static void
test_new_author (void)
{
  g_autoptr(TestPeer) a = test_peer_new ();
  g_autoptr(TafelRecord) before = draw (a, 0);
  g_autoptr(TafelRecord) after = NULL;
  g_autoptr(TafelIdentity) fresh = tafel_identity_new_ephemeral ();
  guint notified = 0;

  g_assert_true (tafel_history_can_undo (a->history));
  g_signal_connect (a->history, "notify::can-undo", G_CALLBACK (count_notify), &notified);
  g_set_object (&a->identity, fresh);
  a->seq = 0;
  tafel_history_set_author (a->history, tafel_identity_get_public_key (fresh));
  g_assert_cmpuint (notified, ==, 1);
  g_assert_false (tafel_history_can_undo (a->history));
  g_assert_false (tafel_history_can_redo (a->history));

  after = draw (a, 100);
  g_assert_true (tafel_history_can_undo (a->history));
  g_assert_true (test_peer_undo (a));
  g_assert_false (visible (a, after));
  g_assert_true (visible (a, before));
  g_assert_false (tafel_history_can_undo (a->history));
  g_assert_true (test_peer_redo (a));
  g_assert_true (visible (a, after));
}

int
main (int   argc,
      char *argv[])
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/history/stroke", test_undo_redo_stroke);
  g_test_add_func ("/tafel/history/erase-and-restore", test_undo_erase_and_restore);
  g_test_add_func ("/tafel/history/transform", test_undo_transform);
  g_test_add_func ("/tafel/history/clear", test_undo_clear);
  g_test_add_func ("/tafel/history/large-clear", test_large_clear);
  g_test_add_func ("/tafel/history/new-op-clears-redo", test_new_op_clears_redo);
  g_test_add_func ("/tafel/history/notify", test_notify);
  g_test_add_func ("/tafel/history/undo-after-erased-by-other", test_undo_after_someone_else_erased);
  g_test_add_func ("/tafel/history/group", test_group);
  g_test_add_func ("/tafel/history/new-author", test_new_author);

  return g_test_run ();
}
