/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tafel-board.h"
#include "tafel-chat-message.h"
#include "tafel-core.h"
#include "tafel-test-peer.h"
#include "tafel-test-util.h"

/* A device that finds another one writing under its identity gives its own
 * records from the fork on up and signs them again under a new identity
 * (docs/identity.md). These tests hold the core parts of that to account:
 * the log drops an author's tail, the model shows what the remaining
 * records say, and a board issues the dropped records again, on disk too,
 * losing nothing. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestPeer, test_peer_free)

static TafelSignature
signature_of (TafelIdentity *identity,
              TafelLog      *log,
              guint64        seq)
{
  g_autoptr(TafelRecord) record = tafel_log_lookup_seq (log, tafel_identity_get_public_key (identity), seq);
  g_autoptr(GBytes) bytes = tafel_record_dup_signed_bytes (record);
  TafelSignature sig;
  gsize len;
  gconstpointer data = g_bytes_get_data (bytes, &len);

  tafel_identity_sign (identity, &sig, data, len);
  return sig;
}

static void
on_tail_dropped (TafelLog             *log,
                 const TafelPublicKey *author,
                 guint64               seq,
                 guint64              *seen)
{
  *seen = seq;
}

static void
test_log_drop_tail (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(TafelLog) log = tafel_log_new ();
  g_autoptr(GPtrArray) chain = tafel_test_chain (id, 10, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelVersionVector) vv = NULL;
  const TafelPublicKey *key = tafel_identity_get_public_key (id);
  TafelSignature sig, wrong;
  guint64 dropped = 0;

  g_assert_true (tafel_log_add_run (log, (TafelRecord **) chain->pdata, 10, &error));
  g_assert_no_error (error);
  g_signal_connect (log, "tail-dropped", G_CALLBACK (on_tail_dropped), &dropped);
  sig = signature_of (id, log, 6);

  /* A head without its signature, or with another record's, is refused
   * and changes nothing. */
  g_assert_false (tafel_log_drop_tail (log, key, 7, NULL, &error));
  g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_UNSIGNED);
  g_clear_error (&error);
  wrong = signature_of (id, log, 5);
  g_assert_false (tafel_log_drop_tail (log, key, 7, &wrong, &error));
  g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);
  g_assert_false (tafel_log_drop_tail (log, key, 11, &sig, &error));
  g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (tafel_log_get_n_records (log), ==, 10);
  g_assert_cmpuint (dropped, ==, 0);

  g_assert_true (tafel_log_drop_tail (log, key, 7, &sig, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dropped, ==, 7);
  g_assert_cmpuint (tafel_log_get_n_records (log), ==, 6);
  g_assert_cmpuint (tafel_log_get_head_seq (log, key), ==, 6);
  g_assert_cmpuint (tafel_log_get_max_lamport (log), ==, 6);
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(TafelRecord) found = tafel_log_lookup (log, tafel_record_get_id (chain->pdata[i]));

      g_assert_true ((found != NULL) == (i < 6));
    }
  vv = tafel_log_dup_version_vector (log);
  g_assert_cmpuint (tafel_version_vector_lookup (vv, key), ==, 6);

  /* The new head is signed, so it travels alone and ends a run. */
  {
    g_autoptr(TafelRecord) head = tafel_log_lookup_seq (log, key, 6);

    g_assert_nonnull (tafel_record_get_signature (head));
    g_assert_true (tafel_record_verify_signature (head, NULL));
  }

  /* The dropped seqs take other records now: no equivocation. */
  {
    g_autoptr(TafelRecord) other = NULL;
    g_autoptr(GBytes) body = tafel_test_stroke_body (5, 99);
    TafelHash prev = *tafel_record_get_id (chain->pdata[5]);

    other = tafel_identity_sign_record (id, 7, &prev, 7, TAFEL_RECORD_KIND_STROKE, body);
    g_assert_true (tafel_log_add (log, other, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (tafel_log_get_head_seq (log, key), ==, 7);
  }

  /* All of an author's records may go. */
  g_assert_true (tafel_log_drop_tail (log, key, 1, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tafel_log_get_n_records (log), ==, 0);
}

/* A board with a bit of everything by two authors: @k's records from
 * @k_fork on touch @a's objects and their own. Returns @k's records. */
static GPtrArray *
build_two_authors (TestPeer *a,
                   TestPeer *k,
                   guint     n_k)
{
  GPtrArray *mine = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  g_autoptr(TafelRecord) a1 = NULL;
  g_autoptr(TafelRecord) a2 = NULL;
  g_autoptr(TafelRecord) a3 = NULL;

  {
    g_autoptr(GBytes) b1 = test_line_stroke_body (0, 0, 100, 0, 5, 2);
    g_autoptr(GBytes) b2 = test_line_stroke_body (0, 50, 100, 50, 5, 2);
    g_autoptr(GBytes) b3 = test_text_body (10, 10, "hello", 12, 0x112233ff);

    a1 = test_peer_commit (a, TAFEL_RECORD_KIND_STROKE, b1);
    a2 = test_peer_commit (a, TAFEL_RECORD_KIND_STROKE, b2);
    a3 = test_peer_commit (a, TAFEL_RECORD_KIND_TEXT, b3);
  }
  test_peer_sync (k, a);

  for (guint i = 0; i < n_k; i++)
    {
      g_autoptr(GBytes) body = NULL;
      guint kind;

      switch (i % 8)
        {
        case 0:
          kind = TAFEL_RECORD_KIND_STROKE;
          body = test_line_stroke_body (i, 200, i + 50, 250, 4, 1 + i % 3);
          break;
        case 1:
          kind = TAFEL_RECORD_KIND_ERASE;
          body = test_set_body (tafel_record_get_id (a1), 1);
          break;
        case 2:
          {
            TafelTransform t = { 1, 1, 10.0 * i, 5 };

            kind = TAFEL_RECORD_KIND_TRANSFORM;
            body = test_transform_body (tafel_record_get_id (a2), &t, 1);
          }
          break;
        case 3:
          kind = TAFEL_RECORD_KIND_PROFILE;
          body = test_profile_body (i < 8 ? "Kim" : "Kim B.", 0x3355aaff + i);
          break;
        case 4:
          kind = TAFEL_RECORD_KIND_CHAT;
          body = test_chat_body ("hi");
          break;
        case 5:
          kind = TAFEL_RECORD_KIND_RESTORE;
          body = test_set_body (tafel_record_get_id (a1), 1);
          break;
        case 6:
          {
            /* A transform of k's own latest stroke. */
            TafelTransform t = { 2, 2, 0, 0 };
            TafelRecord *own = mine->pdata[mine->len - 6];

            kind = TAFEL_RECORD_KIND_TRANSFORM;
            body = test_transform_body (tafel_record_get_id (own), &t, 1);
          }
          break;
        default:
          kind = TAFEL_RECORD_KIND_CLEAR;
          body = test_clear_body (k->log);
          break;
        }
      g_ptr_array_add (mine, test_peer_commit (k, kind, body));
    }
  (void) a3;
  return mine;
}

/* Whatever seq the tail is dropped from, the model then equals one built
 * from the remaining records only. */
static void
test_model_drop_tail (void)
{
  const guint n_k = 24;

  for (guint from = 1; from <= n_k; from++)
    {
      g_autoptr(TestPeer) a = test_peer_new ();
      g_autoptr(TestPeer) k = test_peer_new ();
      g_autoptr(TestPeer) fresh = test_peer_new ();
      g_autoptr(GPtrArray) mine = build_two_authors (a, k, n_k);
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *got = NULL;
      TafelSignature sig;

      /* The model that never saw the dropped records. */
      test_peer_sync (fresh, a);
      if (from > 1)
        {
          g_assert_true (tafel_log_add_trusted_run (fresh->log, (TafelRecord **) mine->pdata, from - 1, &error));
          g_assert_no_error (error);
          sig = signature_of (k->identity, k->log, from - 1);
        }
      expected = test_digest_hex (fresh->model);

      g_assert_true (tafel_log_drop_tail (k->log, test_peer_key (k), from, from > 1 ? &sig : NULL, &error));
      g_assert_no_error (error);
      got = test_digest_hex (k->model);
      g_assert_cmpstr (got, ==, expected);
      g_assert_cmpuint (tafel_board_model_get_n_visible (k->model), ==,
                        tafel_board_model_get_n_visible (fresh->model));
      g_assert_cmpuint (g_list_model_get_n_items (tafel_board_model_get_chat (k->model)), ==,
                        g_list_model_get_n_items (tafel_board_model_get_chat (fresh->model)));
      for (guint i = from - 1; i < mine->len; i++)
        g_assert_null (tafel_board_model_lookup (k->model, tafel_record_get_id (mine->pdata[i])));

      /* The model goes on from there as usual. */
      {
        g_autoptr(GBytes) body = test_line_stroke_body (7, 7, 70, 70, 3, 2);
        g_autoptr(TafelRecord) late = test_peer_commit (a, TAFEL_RECORD_KIND_STROKE, body);
        g_autofree char *d1 = NULL;
        g_autofree char *d2 = NULL;

        g_assert_true (tafel_log_add (k->log, late, NULL));
        g_assert_true (tafel_log_add (fresh->log, late, NULL));
        d1 = test_digest_hex (k->model);
        d2 = test_digest_hex (fresh->model);
        g_assert_cmpstr (d1, ==, d2);
      }
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

/* What a person sees of a board's content: per visible object, its body
 * and transform, whoever signed it; sorted, so order does not count. */
static GPtrArray *
content_of (TafelBoardModel *model)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new ();
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  GListModel *chat = tafel_board_model_get_chat (model);

  tafel_board_model_query (model, NULL, objects);
  for (guint i = 0; i < objects->len; i++)
    {
      TafelObject *object = objects->pdata[i];
      g_autoptr(TafelRecord) record = tafel_object_dup_record (object);
      const TafelTransform *t = tafel_object_get_transform (object);
      g_autofree char *body = g_base64_encode (g_bytes_get_data (tafel_record_get_body (record), NULL),
                                               g_bytes_get_size (tafel_record_get_body (record)));

      g_ptr_array_add (out, g_strdup_printf ("%s %g %g %g %g", body, t->sx, t->sy, t->tx, t->ty));
    }
  for (guint i = 0; i < g_list_model_get_n_items (chat); i++)
    {
      g_autoptr(TafelChatMessage) message = g_list_model_get_item (chat, i);
      g_autofree char *text = NULL;

      g_object_get (message, "text", &text, NULL);
      g_ptr_array_add (out, g_strdup_printf ("chat %s", text));
    }
  g_ptr_array_sort (out, compare_strings);
  return out;
}

static void
assert_same_content (GPtrArray *a,
                     GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (a->pdata[i], ==, b->pdata[i]);
}

static void
test_board_reissue (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tafel-reissue-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelIdentity) old = tafel_identity_load_or_create (dir, &error);
  g_autoptr(TafelBoard) board = NULL;
  g_autoptr(TafelBoardModel) model = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) strokes = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  g_autofree char *digest = NULL;
  g_autofree char *id_hex = NULL;
  const TafelPublicKey *old_key;
  g_autoptr(TafelIdentity) now = NULL;
  guint n = 0;
  const guint fork = 4;

  g_assert_no_error (error);
  old_key = tafel_identity_get_public_key (old);
  board = tafel_board_create (dir, old, "Fork", &error);
  g_assert_no_error (error);
  id_hex = g_strdup (tafel_board_get_id_hex (board));
  model = tafel_board_model_new (tafel_board_get_log (board));

  /* Records 1 … 3 the network shares; 4 … on only this device wrote. */
  for (guint i = 0; i < 6; i++)
    {
      g_autoptr(GBytes) body = test_line_stroke_body (0, 10.0 * i, 100, 10.0 * i, 4, 2);

      g_ptr_array_add (strokes, tafel_board_commit (board, TAFEL_RECORD_KIND_STROKE, body, &error));
      g_assert_no_error (error);
    }
  {
    TafelTransform t = { 1, 1, 30, 0 };
    g_autoptr(GBytes) move = test_transform_body (tafel_record_get_id (strokes->pdata[4]), &t, 1);
    g_autoptr(GBytes) erase = test_set_body (tafel_record_get_id (strokes->pdata[5]), 1);
    g_autoptr(GBytes) chat = test_chat_body ("still here?");
    g_autoptr(GBytes) clear = test_clear_body (tafel_board_get_log (board));
    g_autoptr(GBytes) last = test_line_stroke_body (5, 5, 9, 9, 3, 2);
    g_autoptr(TafelRecord) r1 = tafel_board_commit (board, TAFEL_RECORD_KIND_TRANSFORM, move, NULL);
    g_autoptr(TafelRecord) r2 = tafel_board_commit (board, TAFEL_RECORD_KIND_ERASE, erase, NULL);
    g_autoptr(TafelRecord) r3 = tafel_board_commit (board, TAFEL_RECORD_KIND_CHAT, chat, NULL);
    g_autoptr(TafelRecord) r4 = NULL;
    g_autoptr(TafelRecord) r5 = NULL;

    /* Show the one erased again, then clear what was seen, then draw on. */
    {
      g_autoptr(GBytes) restore = test_set_body (tafel_record_get_id (strokes->pdata[5]), 1);
      g_autoptr(TafelRecord) r = tafel_board_commit (board, TAFEL_RECORD_KIND_RESTORE, restore, NULL);

      g_assert_nonnull (r);
    }
    g_clear_pointer (&clear, g_bytes_unref);
    clear = test_clear_body (tafel_board_get_log (board));
    r4 = tafel_board_commit (board, TAFEL_RECORD_KIND_CLEAR, clear, NULL);
    r5 = tafel_board_commit (board, TAFEL_RECORD_KIND_STROKE, last, NULL);
    g_assert_nonnull (r1);
    g_assert_nonnull (r2);
    g_assert_nonnull (r3);
    g_assert_nonnull (r4);
    g_assert_nonnull (r5);
  }
  before = content_of (model);

  /* A new identity: in the data folder too. */
  g_assert_true (tafel_board_replace_identity (board, &error));
  g_assert_no_error (error);
  now = g_object_ref (tafel_board_get_identity (board));
  g_assert_false (tafel_key_equal (tafel_identity_get_public_key (now), old_key));
  {
    g_autoptr(TafelIdentity) loaded = tafel_identity_load_or_create (dir, &error);

    g_assert_no_error (error);
    g_assert_true (tafel_key_equal (tafel_identity_get_public_key (loaded), tafel_identity_get_public_key (now)));
  }
  g_assert_cmpuint (tafel_board_get_former_identities (board)->len, ==, 1);

  /* The board's identity drew on meanwhile. */
  {
    g_autoptr(GBytes) body = test_line_stroke_body (300, 300, 400, 300, 4, 3);
    g_autoptr(TafelRecord) r = tafel_board_commit (board, TAFEL_RECORD_KIND_STROKE, body, &error);

    g_assert_no_error (error);
    g_assert_true (tafel_key_equal (tafel_record_get_author (r), tafel_identity_get_public_key (now)));
  }
  g_ptr_array_unref (before);
  before = content_of (model);

  g_assert_true (tafel_board_reissue (board, g_ptr_array_index (tafel_board_get_former_identities (board), 0),
                                      fork, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tafel_board_get_former_identities (board)->len, ==, 0);
  g_assert_cmpuint (n, ==, 9);
  g_assert_cmpuint (tafel_log_get_head_seq (tafel_board_get_log (board), old_key), ==, fork - 1);

  /* Nothing anyone sees was lost. */
  after = content_of (model);
  assert_same_content (before, after);
  digest = test_digest_hex (model);

  /* And the file says the same. */
  g_clear_object (&model);
  g_clear_object (&board);
  board = tafel_board_open (dir, now, id_hex, &error);
  g_assert_no_error (error);
  model = tafel_board_model_new (tafel_board_get_log (board));
  {
    g_autofree char *reopened = test_digest_hex (model);
    g_autoptr(GPtrArray) again = content_of (model);

    g_assert_cmpstr (reopened, ==, digest);
    assert_same_content (before, again);
  }
  g_assert_cmpuint (tafel_log_get_head_seq (tafel_board_get_log (board), old_key), ==, fork - 1);

  /* What the other device wrote at the freed seqs joins without a fork. */
  {
    g_autoptr(GBytes) body = test_line_stroke_body (1, 1, 2, 2, 3, 2);
    g_autoptr(TafelRecord) theirs = tafel_identity_sign_record (old, fork, tafel_record_get_id (strokes->pdata[fork - 2]),
                                                                 1000, TAFEL_RECORD_KIND_STROKE, body);

    g_assert_true (tafel_board_receive (board, theirs, &error));
    g_assert_no_error (error);
  }

  g_clear_object (&model);
  g_clear_object (&board);
  tafel_test_remove_tree (dir);
}

/* Two boards (or processes) of one device finding out at once: the second
 * takes the identity the first made rather than making another. */
static void
test_identity_replace_once (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tafel-identity-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelIdentity) old = tafel_identity_load_or_create (dir, &error);
  g_autoptr(TafelIdentity) first = NULL;
  g_autoptr(TafelIdentity) second = NULL;
  g_autofree char *path = g_build_filename (dir, "identity", NULL);
  GStatBuf st;

  g_assert_no_error (error);
  first = tafel_identity_replace (dir, old, &error);
  g_assert_no_error (error);
  second = tafel_identity_replace (dir, old, &error);
  g_assert_no_error (error);
  g_assert_false (tafel_key_equal (tafel_identity_get_public_key (first), tafel_identity_get_public_key (old)));
  g_assert_true (tafel_key_equal (tafel_identity_get_public_key (first), tafel_identity_get_public_key (second)));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  tafel_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/log/drop-tail", test_log_drop_tail);
  g_test_add_func ("/tafel/board-model/drop-tail", test_model_drop_tail);
  g_test_add_func ("/tafel/board/reissue", test_board_reissue);
  g_test_add_func ("/tafel/identity/replace-once", test_identity_replace_once);

  return g_test_run ();
}
