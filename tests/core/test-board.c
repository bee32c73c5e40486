/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "tafel-board.h"
#include "tafel-board-list.h"
#include "tafel-bytes.h"
#include "tafel-core.h"
#include "tafel-log-file.h"
#include "tafel-test-util.h"

/* ---- Helpers --------------------------------------------------------------------- */

static char *
new_data_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("tafel-board-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* Every file under @dir, path → contents, for before/after comparisons. */
static void
snapshot_into (GHashTable *snap,
               const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      char *contents = NULL;
      gsize len;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          snapshot_into (snap, path);
          continue;
        }
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      g_hash_table_insert (snap, g_steal_pointer (&path), g_bytes_new_take (contents, len));
    }
}

static GHashTable *
snapshot (const char *dir)
{
  GHashTable *snap = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);

  snapshot_into (snap, dir);
  return snap;
}

static void
assert_same_snapshot (GHashTable *a,
                      GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  g_assert_cmpuint (g_hash_table_size (a), ==, g_hash_table_size (b));
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GBytes *other = g_hash_table_lookup (b, key);

      g_assert_nonnull (other);
      g_assert_true (g_bytes_equal (value, other));
    }
}

static gboolean
collect (TafelRecord *record,
         gpointer     user_data)
{
  GByteArray *out = user_data;
  g_autoptr(GBytes) sb = tafel_record_dup_signed_bytes (record);

  g_byte_array_append (out, tafel_record_get_id (record)->bytes, TAFEL_HASH_BYTES);
  g_byte_array_append (out, g_bytes_get_data (sb, NULL), g_bytes_get_size (sb));
  return TRUE;
}

/* The log's whole content (ids and signed bytes in foreach order). */
static GBytes *
fingerprint (TafelLog *log)
{
  GByteArray *out = g_byte_array_new ();

  tafel_log_foreach (log, collect, out);
  return g_byte_array_free_to_bytes (out);
}

static char *
log_path (TafelBoard *board)
{
  return g_build_filename (tafel_board_get_path (board), "log", NULL);
}

static void
commit_strokes (TafelBoard *board,
                guint       n,
                guint32     seed)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) body = tafel_test_stroke_body (5 + i % 30, seed + i);
      g_autoptr(GError) error = NULL;
      g_autoptr(TafelRecord) r = tafel_board_commit (board, TAFEL_RECORD_KIND_STROKE, body, &error);

      g_assert_no_error (error);
      g_assert_nonnull (r);
    }
}

/* ---- Fixture -------------------------------------------------------------------- */

/* Two devices, each with an identity and a data folder of its own, and a
 * board that the first one created (titled by the test's data, NULL for
 * the default title). */
typedef struct
{
  char          *data;    /* my data folder */
  char          *data2;   /* the peer's */
  TafelIdentity *me;
  TafelIdentity *peer;
  TafelBoard    *board;   /* NULL in the tests that make their own boards */
  char          *id;      /* the board's id in hex */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->data = new_data_dir ();
  f->data2 = new_data_dir ();
  f->me = tafel_identity_new_ephemeral ();
  f->peer = tafel_identity_new_ephemeral ();
}

static void
fixture_set_up_board (Fixture       *f,
                      gconstpointer  title)
{
  g_autoptr(GError) error = NULL;

  fixture_set_up (f, NULL);
  f->board = tafel_board_create (f->data, f->me, title, &error);
  g_assert_no_error (error);
  f->id = g_strdup (tafel_board_get_id_hex (f->board));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->board);
  g_free (f->id);
  g_clear_object (&f->me);
  g_clear_object (&f->peer);
  tafel_test_remove_tree (f->data);
  tafel_test_remove_tree (f->data2);
  g_free (f->data);
  g_free (f->data2);
}

/* ---- Tests ------------------------------------------------------------------------- */

static void
test_board_create_open (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  struct stat st;

  g_assert_cmpuint (strlen (f->id), ==, 32);
  g_assert_cmpstr (tafel_board_get_title (f->board), ==, "Skizzen");

  /* Private files. */
  {
    g_autofree char *meta = g_build_filename (tafel_board_get_path (f->board), "meta", NULL);
    g_autofree char *log = log_path (f->board);

    g_assert_cmpint (g_stat (tafel_board_get_path (f->board), &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0700);
    g_assert_cmpint (g_stat (meta, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    g_assert_cmpint (g_stat (log, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }

  commit_strokes (f->board, 25, 1);
  {
    g_autoptr(GBytes) body = g_bytes_new_static ("\x05" "hallo", 6);
    g_autoptr(TafelRecord) r = tafel_board_commit (f->board, TAFEL_RECORD_KIND_CHAT, body, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (tafel_record_get_seq (r), ==, 26);
    g_assert_cmpuint (tafel_record_get_lamport (r), ==, 26);
  }
  /* A bad body of a known kind is refused before anything is written. */
  {
    g_autoptr(GBytes) body = g_bytes_new_static ("\x00", 1);
    g_autoptr(TafelRecord) r = tafel_board_commit (f->board, TAFEL_RECORD_KIND_CHAT, body, &error);

    g_assert_null (r);
    g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID);
    g_clear_error (&error);
  }
  before = fingerprint (tafel_board_get_log (f->board));
  g_clear_object (&f->board);

  /* By full id, by prefix, in upper case. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *arg = i == 0 ? g_strdup (f->id)
                             : i == 1 ? g_strndup (f->id, 6)
                             : g_ascii_strup (f->id, -1);
      g_autoptr(GBytes) after = NULL;

      f->board = tafel_board_open (f->data, f->me, arg, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (tafel_board_get_id_hex (f->board), ==, f->id);
      g_assert_cmpstr (tafel_board_get_title (f->board), ==, "Skizzen");
      g_assert_cmpuint (tafel_log_get_n_records (tafel_board_get_log (f->board)), ==, 26 + i);
      after = fingerprint (tafel_board_get_log (f->board));
      g_assert_true (g_bytes_equal (before, after));
      /* Continue where we left off. */
      commit_strokes (f->board, 1, 100 + i);
      g_clear_object (&f->board);
      g_clear_pointer (&before, g_bytes_unref);
      f->board = tafel_board_open (f->data, f->me, f->id, &error);
      before = fingerprint (tafel_board_get_log (f->board));
      g_clear_object (&f->board);
    }

  /* Not there, not an id, empty. */
  f->board = tafel_board_open (f->data, f->me, "0123456789abcdef0123456789abcdef", &error);
  if (f->board == NULL)
    {
      g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_NOT_FOUND);
      g_clear_error (&error);
    }
  g_clear_object (&f->board);
  f->board = tafel_board_open (f->data, f->me, "xyz", &error);
  g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  f->board = tafel_board_open (f->data, f->me, "", &error);
  g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID);
  g_clear_error (&error);
}

static void
test_board_ambiguous (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint first_digit[16] = { 0 };
  char shared = 0;

  /* 17 boards: two must share a first hex digit. */
  for (guint i = 0; i < 17; i++)
    {
      g_autoptr(TafelBoard) b = tafel_board_create (f->data, f->me, NULL, &error);

      g_assert_no_error (error);
      if (++first_digit[g_ascii_xdigit_value (tafel_board_get_id_hex (b)[0])] == 2 && shared == 0)
        shared = tafel_board_get_id_hex (b)[0];
    }
  g_assert_cmpint (shared, !=, 0);
  {
    char prefix[2] = { shared, 0 };
    g_autoptr(TafelBoard) b = tafel_board_open (f->data, f->me, prefix, &error);

    g_assert_null (b);
    g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_AMBIGUOUS);
  }
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

static void
test_board_title_hints (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *too_long = g_strnfill (TAFEL_BOARD_TITLE_MAX_BYTES + 1, 'x');
  const char *hints[] = { "mqtts://broker.example:8883", "lan", NULL };
  guint notified = 0;

  g_assert_cmpstr (tafel_board_get_title (f->board), !=, "");
  g_signal_connect (f->board, "notify::title", G_CALLBACK (on_notify), &notified);

  g_assert_true (tafel_board_set_title (f->board, "Neuer Titel ✏️", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_true (tafel_board_set_title (f->board, "Neuer Titel ✏️", &error));
  g_assert_cmpuint (notified, ==, 1);

  g_assert_false (tafel_board_set_title (f->board, "   ", &error));
  g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (tafel_board_set_title (f->board, too_long, &error));
  g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (tafel_board_set_title (f->board, "\xff\xfe", &error));
  g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpstr (tafel_board_get_title (f->board), ==, "Neuer Titel ✏️");

  g_assert_true (tafel_board_set_hints (f->board, hints, &error));
  g_clear_object (&f->board);

  f->board = tafel_board_open (f->data, f->me, f->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tafel_board_get_title (f->board), ==, "Neuer Titel ✏️");
  g_assert_cmpstrv (tafel_board_get_hints (f->board), hints);

  {
    g_autoptr(TafelBoard) b = tafel_board_create (f->data, f->me, "", &error);

    g_assert_null (b);
    g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID);
  }
}

static void
test_board_busy_delete (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_strdup (tafel_board_get_path (f->board));

  {
    g_autoptr(TafelBoard) again = tafel_board_open (f->data, f->me, f->id, &error);

    g_assert_null (again);
    g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_BUSY);
    g_clear_error (&error);
  }
  g_assert_false (tafel_board_delete (f->data, f->id, &error));
  g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_BUSY);
  g_clear_error (&error);

  g_clear_object (&f->board);
  g_assert_false (tafel_board_delete (f->data, "abc", &error));
  g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (tafel_board_delete (f->data, f->id, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_assert_false (tafel_board_delete (f->data, f->id, &error));
  g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_NOT_FOUND);
}

static void
on_items_changed (GListModel *list,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

static void
test_board_list (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) list = tafel_board_list_new (f->data);
  char *ids[3] = { NULL };
  guint changed = 0;

  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
  g_assert_true (g_list_model_get_item_type (list) == TAFEL_TYPE_BOARD_INFO);
  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), &changed);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *title = g_strdup_printf ("Board %u", i);
      g_autoptr(TafelBoard) b = tafel_board_create (f->data, f->me, title, &error);

      g_assert_no_error (error);
      ids[i] = g_strdup (tafel_board_get_id_hex (b));
    }
  /* Open board 0 last: it comes first. */
  {
    g_autoptr(TafelBoard) b = tafel_board_open (f->data, f->me, ids[0], &error);

    g_assert_no_error (error);
  }
  tafel_board_list_reload (list);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 3);
  {
    const guint order[3] = { 0, 2, 1 };

    for (guint i = 0; i < 3; i++)
      {
        g_autoptr(TafelBoardInfo) info = g_list_model_get_item (list, i);
        g_autofree char *title = g_strdup_printf ("Board %u", order[i]);

        g_assert_cmpstr (tafel_board_info_get_id_hex (info), ==, ids[order[i]]);
        g_assert_cmpstr (tafel_board_info_get_title (info), ==, title);
        g_assert_nonnull (tafel_board_info_get_last_opened (info));
        g_assert_true (g_file_test (tafel_board_info_get_path (info), G_FILE_TEST_IS_DIR));
      }
  }
  /* A folder that is not a board is not listed. */
  {
    g_autofree char *junk = g_build_filename (f->data, "boards", "00000000000000000000000000000000", NULL);

    g_assert_cmpint (g_mkdir (junk, 0700), ==, 0);
    tafel_board_list_reload (list);
    g_assert_cmpuint (g_list_model_get_n_items (list), ==, 3);
  }
  for (guint i = 0; i < 3; i++)
    g_free (ids[i]);
}

/* A large sync integrates a verified run in slices, so the log holds an
 * author's records without a signature on the last one for a while, and
 * other authors' records may be stored in between. The file must reopen
 * whenever the board is closed: the unsigned part waits in memory. */
static void
test_board_sliced_run (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(TafelIdentity) third = tafel_identity_new_ephemeral ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelBoard) other = NULL;
  g_autoptr(GPtrArray) run = NULL;
  g_autoptr(GPtrArray) third_chain = tafel_test_chain (third, 3, 77);

  other = tafel_board_join (f->data2, f->peer, tafel_board_get_id (f->board), tafel_board_get_secret (f->board),
                            NULL, &error);
  g_assert_no_error (error);
  commit_strokes (other, 30, 5);
  {
    g_autoptr(TafelVersionVector) empty = tafel_version_vector_new ();
    run = tafel_log_dup_missing (tafel_board_get_log (other), empty);
  }
  g_assert_cmpuint (run->len, ==, 30);
  g_assert_nonnull (tafel_record_get_signature (run->pdata[29]));

  /* First slice: unsigned at its end. Then another author's signed run. */
  g_assert_true (tafel_log_add_trusted_run (tafel_board_get_log (f->board), (TafelRecord **) run->pdata, 10, &error));
  g_assert_no_error (error);
  g_assert_true (tafel_board_receive_run (f->board, (TafelRecord **) third_chain->pdata, 3, &error));
  g_assert_no_error (error);
  commit_strokes (f->board, 2, 6);

  /* Closed now, as by a crash between slices: the file reopens, with the
   * signed records and without the dangling slice. */
  g_assert_true (tafel_board_flush (f->board, &error));
  g_assert_no_error (error);
  g_clear_object (&f->board);
  f->board = tafel_board_open (f->data, f->me, f->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tafel_log_get_n_records (tafel_board_get_log (f->board)), ==, 5);
  g_assert_cmpuint (tafel_log_get_head_seq (tafel_board_get_log (f->board),
                                            tafel_identity_get_public_key (f->peer)), ==, 0);

  /* This time all slices arrive: the last one carries the signature, and
   * everything is stored. */
  g_assert_true (tafel_log_add_trusted_run (tafel_board_get_log (f->board), (TafelRecord **) run->pdata, 10, &error));
  g_assert_true (tafel_log_add_trusted_run (tafel_board_get_log (f->board), (TafelRecord **) run->pdata + 10, 10, &error));
  /* A flush between slices stores nothing of the unsigned part. */
  g_assert_true (tafel_board_flush (f->board, &error));
  g_assert_no_error (error);
  commit_strokes (f->board, 1, 7);
  g_assert_true (tafel_log_add_trusted_run (tafel_board_get_log (f->board), (TafelRecord **) run->pdata + 20, 10, &error));
  g_assert_no_error (error);
  g_clear_object (&f->board);
  f->board = tafel_board_open (f->data, f->me, f->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tafel_log_get_n_records (tafel_board_get_log (f->board)), ==, 36);
  g_assert_cmpuint (tafel_log_get_head_seq (tafel_board_get_log (f->board),
                                            tafel_identity_get_public_key (f->peer)), ==, 30);
  for (guint i = 0; i < run->len; i++)
    {
      g_autoptr(TafelRecord) stored = tafel_log_lookup_seq (tafel_board_get_log (f->board),
                                                            tafel_identity_get_public_key (f->peer), i + 1);

      g_assert_true (tafel_hash_equal (tafel_record_get_id (stored), tafel_record_get_id (run->pdata[i])));
    }

  /* A run whose first slice came before a reopen, and the rest after it
   * from another sync: stored whole again. */
  g_clear_object (&f->board);
  tafel_test_remove_tree (f->data);
  g_mkdir (f->data, 0700);
  f->board = tafel_board_join (f->data, f->me, tafel_board_get_id (other), tafel_board_get_secret (other),
                               NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tafel_log_add_trusted_run (tafel_board_get_log (f->board), (TafelRecord **) run->pdata, 25, &error));
  g_assert_true (tafel_board_receive_run (f->board, (TafelRecord **) run->pdata, 30, &error));
  g_assert_no_error (error);
  g_clear_object (&f->board);
  f->board = tafel_board_open (f->data, f->me, f->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tafel_log_get_head_seq (tafel_board_get_log (f->board),
                                            tafel_identity_get_public_key (f->peer)), ==, 30);
}

static void
test_board_receive (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelBoard) other = NULL;
  g_autoptr(GBytes) expected = NULL;

  other = tafel_board_join (f->data2, f->peer, tafel_board_get_id (f->board), tafel_board_get_secret (f->board),
                            NULL, &error);
  g_assert_no_error (error);
  commit_strokes (f->board, 10, 1);
  commit_strokes (other, 20, 2);

  /* The peer's records as one run (only the last signed), and as singles. */
  {
    g_autoptr(TafelVersionVector) vv = tafel_log_dup_version_vector (tafel_board_get_log (f->board));
    g_autoptr(GPtrArray) missing = tafel_log_dup_missing (tafel_board_get_log (other), vv);

    g_assert_cmpuint (missing->len, ==, 20);
    /* Only record 20 is signed: a run ending at 12 is refused. */
    g_assert_false (tafel_board_receive_run (f->board, (TafelRecord **) missing->pdata, 12, &error));
    g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_UNSIGNED);
    g_assert_cmpuint (tafel_log_get_n_records (tafel_board_get_log (f->board)), ==, 10);
    g_assert_cmpuint (tafel_log_get_n_held (tafel_board_get_log (f->board)), ==, 0);
  }
  g_clear_error (&error);
  {
    g_autoptr(TafelVersionVector) vv = tafel_log_dup_version_vector (tafel_board_get_log (f->board));
    g_autoptr(GPtrArray) missing = tafel_log_dup_missing (tafel_board_get_log (other), vv);

    g_assert_true (tafel_board_receive_run (f->board, (TafelRecord **) missing->pdata, missing->len, &error));
    g_assert_no_error (error);
  }
  commit_strokes (f->board, 3, 50);
  {
    g_autoptr(GPtrArray) more = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);

    for (guint i = 0; i < 5; i++)
      {
        g_autoptr(GBytes) body = tafel_test_stroke_body (6, 900 + i);

        g_ptr_array_add (more, tafel_board_commit (other, TAFEL_RECORD_KIND_STROKE, body, &error));
      }
    /* Out of order: 4 is held until 1..3 arrive. */
    g_assert_true (tafel_board_receive (f->board, more->pdata[4], &error));
    for (guint i = 0; i < 4; i++)
      g_assert_true (tafel_board_receive (f->board, more->pdata[i], &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (tafel_log_get_n_records (tafel_board_get_log (f->board)), ==, 38);
  expected = fingerprint (tafel_board_get_log (f->board));
  g_assert_true (tafel_board_flush (f->board, &error));
  g_clear_object (&f->board);

  f->board = tafel_board_open (f->data, f->me, f->id, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) got = fingerprint (tafel_board_get_log (f->board));

    g_assert_true (g_bytes_equal (expected, got));
  }
  g_assert_cmpuint (tafel_log_get_n_authors (tafel_board_get_log (f->board)), ==, 2);

  /* Joining again with the right secret opens it; a wrong secret is refused. */
  g_clear_object (&f->board);
  {
    guint8 secret[TAFEL_BOARD_SECRET_BYTES];
    guint8 board_id[TAFEL_BOARD_ID_BYTES];
    g_autoptr(TafelBoard) b = NULL;

    memcpy (board_id, tafel_board_get_id (other), sizeof board_id);
    memcpy (secret, tafel_board_get_secret (other), sizeof secret);
    b = tafel_board_join (f->data, f->me, board_id, secret, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (tafel_log_get_n_records (tafel_board_get_log (b)), ==, 38);
    g_clear_object (&b);
    secret[0] ^= 1;
    b = tafel_board_join (f->data, f->me, board_id, secret, NULL, &error);
    g_assert_null (b);
    g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID);
  }
  g_clear_object (&other);
}

static void
test_board_commit_many (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GBytes) expected = NULL;

  for (guint i = 0; i < 500; i++)
    g_ptr_array_add (bodies, tafel_test_stroke_body (10 + i % 50, i));
  commit_strokes (f->board, 2, 9);
  g_assert_true (tafel_board_commit_many (f->board, TAFEL_RECORD_KIND_STROKE, (GBytes **) bodies->pdata,
                                          bodies->len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tafel_log_get_n_records (tafel_board_get_log (f->board)), ==, 502);
  g_assert_cmpuint (tafel_log_get_max_lamport (tafel_board_get_log (f->board)), ==, 502);
  expected = fingerprint (tafel_board_get_log (f->board));
  g_clear_object (&f->board);

  f->board = tafel_board_open (f->data, f->me, f->id, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) got = fingerprint (tafel_board_get_log (f->board));

    g_assert_true (g_bytes_equal (expected, got));
  }
}

/* Frame offsets of a log file: reads the lengths the way the format says. */
static GArray *
frame_offsets (const guint8 *data,
               gsize         len)
{
  GArray *offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize off = 32;

  while (off < len)
    {
      guint64 n = 0;
      guint shift = 0;
      gsize p = off;

      g_array_append_val (offsets, off);
      for (;;)
        {
          guint8 b = data[p++];

          n |= (guint64) (b & 0x7f) << shift;
          if (!(b & 0x80))
            break;
          shift += 7;
        }
      off = p + 2 + n + 4;
    }
  g_assert_cmpuint (off, ==, len);
  return offsets;
}

static void
write_file (const char   *path,
            const guint8 *data,
            gsize         len)
{
  g_assert_true (g_file_set_contents_full (path, (const char *) data, (gssize) len,
                                           G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
}

static void
test_board_torn_tail (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = log_path (f->board);
  g_autofree guint8 *good = NULL;
  g_autoptr(GArray) offsets = NULL;
  g_autoptr(GBytes) first_nine = NULL;
  gsize len, last;

  commit_strokes (f->board, 9, 1);
  first_nine = fingerprint (tafel_board_get_log (f->board));
  commit_strokes (f->board, 1, 77);
  g_clear_object (&f->board);
  g_assert_true (g_file_get_contents (path, (char **) &good, &len, NULL));
  offsets = frame_offsets (good, len);
  g_assert_cmpuint (offsets->len, ==, 10);
  last = g_array_index (offsets, gsize, 9);

  /* Cut the last frame at every byte: the first nine records survive, the
   * file is truncated to them, and a reopen needs no repair. */
  for (gsize cut = last + 1; cut < len; cut++)
    {
      g_autoptr(GBytes) got = NULL;
      struct stat st;

      write_file (path, good, cut);
      tafel_test_expect_warning ("*cut off*");
      f->board = tafel_board_open (f->data, f->me, f->id, &error);
      g_assert_no_error (error);
      tafel_test_assert_warned ();
      got = fingerprint (tafel_board_get_log (f->board));
      g_assert_true (g_bytes_equal (got, first_nine));
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_size, ==, last);
      /* Appending after the repair is clean. */
      if (cut == len - 1)
        commit_strokes (f->board, 1, 500);
      g_clear_object (&f->board);
    }
  f->board = tafel_board_open (f->data, f->me, f->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tafel_log_get_n_records (tafel_board_get_log (f->board)), ==, 10);
  g_clear_object (&f->board);

  /* A tail of zeros, as a crash on some file systems leaves. */
  {
    g_autofree guint8 *zeros = g_malloc0 (len + 4096);

    memcpy (zeros, good, len);
    write_file (path, zeros, len + 4096);
    tafel_test_expect_warning ("*cut off*");
    f->board = tafel_board_open (f->data, f->me, f->id, &error);
    g_assert_no_error (error);
    tafel_test_assert_warned ();
    g_assert_cmpuint (tafel_log_get_n_records (tafel_board_get_log (f->board)), ==, 10);
    g_clear_object (&f->board);
  }
}

static void
test_board_torn_batch (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = log_path (f->board);
  g_autoptr(GPtrArray) chain = tafel_test_chain (f->peer, 8, 3);
  g_autofree guint8 *good = NULL;
  g_autoptr(GArray) offsets = NULL;
  gsize len;

  commit_strokes (f->board, 2, 1);
  /* The peer's 8 records arrive as one run: one append, one signature. */
  {
    g_autoptr(GPtrArray) run = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);

    for (guint i = 0; i < 8; i++)
      g_ptr_array_add (run, i == 7 ? tafel_record_ref (chain->pdata[i])
                                   : tafel_record_with_signature (chain->pdata[i], NULL));
    g_assert_true (tafel_board_receive_run (f->board, (TafelRecord **) run->pdata, 8, &error));
    g_assert_no_error (error);
  }
  g_clear_object (&f->board);
  g_assert_true (g_file_get_contents (path, (char **) &good, &len, NULL));
  offsets = frame_offsets (good, len);
  g_assert_cmpuint (offsets->len, ==, 10);

  /* Torn inside the batch, at a frame boundary: the unsigned records of the
   * peer cannot be verified and are cut with the rest of the batch. */
  for (guint k = 3; k < 10; k++)
    {
      gsize cut = g_array_index (offsets, gsize, k);
      struct stat st;

      write_file (path, good, cut);
      tafel_test_expect_warning ("*cut off*");
      f->board = tafel_board_open (f->data, f->me, f->id, &error);
      g_assert_no_error (error);
      tafel_test_assert_warned ();
      g_assert_cmpuint (tafel_log_get_n_records (tafel_board_get_log (f->board)), ==, 2);
      g_assert_cmpuint (tafel_log_get_head_seq (tafel_board_get_log (f->board),
                                                tafel_identity_get_public_key (f->peer)), ==, 0);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_size, ==, g_array_index (offsets, gsize, 2));
      g_clear_object (&f->board);
    }
}

static void
test_board_corrupt_middle (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = log_path (f->board);
  g_autofree guint8 *good = NULL;
  g_autoptr(GArray) offsets = NULL;
  gsize len;

  commit_strokes (f->board, 10, 1);
  g_clear_object (&f->board);
  g_assert_true (g_file_get_contents (path, (char **) &good, &len, NULL));
  offsets = frame_offsets (good, len);

  /* One flipped byte in every position of frame 4 (and in the header):
   * refused as corrupt, the file untouched. */
  for (gsize pos = 0; pos < g_array_index (offsets, gsize, 5); pos++)
    {
      g_autofree guint8 *bad = g_memdup2 (good, len);
      g_autofree guint8 *after = NULL;
      gsize after_len;

      if (pos >= 32 && pos < g_array_index (offsets, gsize, 4))
        continue;
      bad[pos] ^= 0x5a;
      write_file (path, bad, len);
      f->board = tafel_board_open (f->data, f->me, f->id, &error);
      g_assert_null (f->board);
      g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_DAMAGED_LOG);
      g_assert_nonnull (strstr (error->message, "damaged"));
      g_clear_error (&error);
      g_assert_true (g_file_get_contents (path, (char **) &after, &after_len, NULL));
      g_assert_cmpmem (after, after_len, bad, len);
    }

  /* A newer log format. */
  {
    g_autofree guint8 *newer = g_memdup2 (good, len);

    newer[8] = 2;
    write_file (path, newer, len);
    f->board = tafel_board_open (f->data, f->me, f->id, &error);
    g_assert_null (f->board);
    /* The header CRC no longer matches either: damaged, not newer. */
    g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_DAMAGED_LOG);
    g_clear_error (&error);
  }

  /* A damaged metadata file. */
  {
    g_autofree char *meta = g_build_filename (f->data, "boards", f->id, "meta", NULL);

    write_file (path, good, len);
    g_assert_true (g_file_set_contents (meta, "{\"version\": 1, \"id\": 3", -1, NULL));
    f->board = tafel_board_open (f->data, f->me, f->id, &error);
    g_assert_null (f->board);
    g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_CORRUPT);
    g_clear_error (&error);
  }

  /* Another board's metadata in this board's folder: opening and the
   * lock-free read both refuse it. */
  {
    g_autofree char *meta = g_build_filename (f->data, "boards", f->id, "meta", NULL);
    g_autoptr(TafelBoard) other = tafel_board_create (f->data, f->me, "Other", &error);
    g_autofree char *other_meta = NULL;
    g_autofree char *contents = NULL;
    g_autoptr(TafelLog) read = NULL;

    g_assert_no_error (error);
    other_meta = g_build_filename (tafel_board_get_path (other), "meta", NULL);
    g_assert_true (g_file_get_contents (other_meta, &contents, NULL, NULL));
    g_assert_true (g_file_set_contents (meta, contents, -1, NULL));

    f->board = tafel_board_open (f->data, f->me, f->id, &error);
    g_assert_null (f->board);
    g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_CORRUPT);
    g_assert_nonnull (strstr (error->message, "names another board"));
    g_clear_error (&error);

    read = tafel_board_read (f->data, f->id, NULL, NULL, &error);
    g_assert_null (read);
    g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_CORRUPT);
    g_assert_nonnull (strstr (error->message, "names another board"));
  }
}

static void
test_board_forged_log (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = log_path (f->board);
  g_autofree guint8 *good = NULL;
  g_autoptr(GArray) offsets = NULL;
  gsize len;

  commit_strokes (f->board, 4, 1);
  g_clear_object (&f->board);
  g_assert_true (g_file_get_contents (path, (char **) &good, &len, NULL));
  offsets = frame_offsets (good, len);

  /* Change a body byte of record 2 and fix up the frame CRC: the frame is
   * sound but the chain no longer matches the signature at the head. */
  {
    gsize off = g_array_index (offsets, gsize, 1);
    gsize next = g_array_index (offsets, gsize, 2);
    guint8 plen = good[off];   /* a one-byte length */
    guint8 *payload = good + off + 3;
    guint32 crc;

    g_assert_cmpuint (off + 3 + plen + 4, ==, next);
    payload[plen - 70] ^= 0x01;  /* inside the body, before the signature */
    crc = tafel_crc32c (0, payload, plen);
    payload[plen] = crc & 0xff;
    payload[plen + 1] = (crc >> 8) & 0xff;
    payload[plen + 2] = (crc >> 16) & 0xff;
    payload[plen + 3] = crc >> 24;
    write_file (path, good, len);
  }
  f->board = tafel_board_open (f->data, f->me, f->id, &error);
  g_assert_null (f->board);
  g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_DAMAGED_LOG);
}

/* One check for titles and hints, wherever they come from: set by a
 * person, read from this device's metadata, or from a .tafel file. */
static void
test_board_title_hint_checks (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  static const char *const bad_titles[] = { "Clear\x1b[2J", "Bell\a", "Two\nlines", "Tab\there",
                                            "C1 \xc2\x9b""31m", "Del\x7f" };
  static const char *const bad_hints[] = { "http://broker.example", "mqtt://user:pass@broker.example",
                                           "mqtt://broker.example/path", "mqtt://", "", "\xff",
                                           "lan2", "mqtts://h:0" };
  g_autofree char *meta_path = g_build_filename (f->data, "boards", f->id, "meta", NULL);
  g_autofree char *files = g_dir_make_tmp ("tafel-files-XXXXXX", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad_titles); i++)
    {
      g_assert_false (tafel_board_set_title (f->board, bad_titles[i], &error));
      g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID);
      g_clear_error (&error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_hints); i++)
    {
      const char *hints[] = { "lan", bad_hints[i], NULL };

      g_assert_false (tafel_board_set_hints (f->board, hints, &error));
      g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID);
      g_clear_error (&error);
    }
  {
    const char *five[] = { "lan", "mqtt://a", "mqtt://b", "mqtt://c", "mqtt://d", NULL };

    g_assert_false (tafel_board_set_hints (f->board, five, &error));
    g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID);
    g_clear_error (&error);
  }
  g_assert_cmpstr (tafel_board_get_title (f->board), ==, "Checks");

  /* A .tafel file with such a title or hint is refused as a link is. */
  {
    g_autofree char *good = g_build_filename (files, "good.tafel", NULL);
    g_autoptr(GFile) gf = g_file_new_for_path (good);
    g_autofree char *contents = NULL;
    gsize len;

    g_assert_true (tafel_board_save_file (f->board, gf, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
    for (guint k = 0; k < 2; k++)
      {
        /* The metadata blob's text, replaced by one with a bad field. */
        g_autoptr(TafelLog) log = NULL;
        g_autofree char *json = k == 0
          ? g_strdup_printf ("{\"version\":1,\"id\":\"%s\",\"secret\":\"%064d\",\"title\":\"A\\u001b[2J\",\"hints\":[]}", f->id, 0)
          : g_strdup_printf ("{\"version\":1,\"id\":\"%s\",\"secret\":\"%064d\",\"title\":\"A\",\"hints\":[\"mqtt://u:p@h\"]}", f->id, 0);
        g_autoptr(GByteArray) out = g_byte_array_new ();
        g_autofree char *bad = g_build_filename (files, "bad.tafel", NULL);
        g_autoptr(GFile) bf = g_file_new_for_path (bad);
        guint8 version[4];
        TafelHash sum;

        tafel_put_bytes (out, (const guint8 *) "\x89TAFEL\r\n", 8);
        tafel_store_u32 (version, 1);
        tafel_put_bytes (out, version, 4);
        tafel_put_blob (out, json, strlen (json));
        tafel_put_varint (out, 0);
        tafel_hash (&sum, out->data, out->len);
        tafel_put_bytes (out, sum.bytes, TAFEL_HASH_BYTES);
        write_file (bad, out->data, out->len);
        log = tafel_board_file_load (bf, NULL, NULL, &error);
        g_assert_null (log);
        g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_BAD_FILE);
        g_test_message ("%s", error->message);
        g_clear_error (&error);
      }
  }

  /* This device's own metadata, written before these checks: the board
   * still opens, the title without its control characters, the unusable
   * hint left out. */
  {
    g_autofree char *json = NULL;
    const char *lan[] = { "lan", NULL };

    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *obj;
    JsonArray *hints = json_array_new ();

    g_clear_object (&f->board);
    g_assert_true (json_parser_load_from_file (parser, meta_path, NULL));
    obj = json_node_get_object (json_parser_get_root (parser));
    json_object_set_string_member (obj, "title", "Old\x1b[2Jtitle");
    json_array_add_string_element (hints, "lan");
    json_array_add_string_element (hints, "http://x");
    json_object_set_array_member (obj, "hints", hints);
    json = json_to_string (json_parser_get_root (parser), FALSE);
    g_assert_nonnull (strstr (json, "\\u001b"));
    g_assert_true (g_file_set_contents (meta_path, json, -1, NULL));
    f->board = tafel_board_open (f->data, f->me, f->id, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (tafel_board_get_title (f->board), ==, "Old [2Jtitle");
    g_assert_cmpstrv (tafel_board_get_hints (f->board), lan);
  }
  tafel_test_remove_tree (files);
}

/* Commits @n strokes as one batch (one append). */
static void
commit_batch (TafelBoard *board,
              guint       n,
              guint32     seed)
{
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (bodies, tafel_test_stroke_body (5 + i % 30, seed + i));
  g_assert_true (tafel_board_commit_many (board, TAFEL_RECORD_KIND_STROKE, (GBytes **) bodies->pdata,
                                          n, &error));
  g_assert_no_error (error);
}

static void
assert_damaged (Fixture      *f,
                const char   *path,
                const guint8 *bad,
                gsize         len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelLog) read = NULL;
  g_autofree guint8 *after = NULL;
  gsize after_len;

  f->board = tafel_board_open (f->data, f->me, f->id, &error);
  g_assert_null (f->board);
  g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_DAMAGED_LOG);
  g_clear_error (&error);
  read = tafel_board_read (f->data, f->id, NULL, NULL, &error);
  g_assert_null (read);
  g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_DAMAGED_LOG);
  g_assert_true (g_file_get_contents (path, (char **) &after, &after_len, NULL));
  g_assert_cmpmem (after, after_len, bad, len);
}

/* A complete last frame that fails its checksum is damage, not a torn
 * write: nothing is cut, the board does not open, and the next write
 * cannot destroy the batch. */
static void
test_board_damaged_last_frame (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *path = log_path (f->board);
  g_autofree guint8 *good = NULL;
  g_autoptr(GArray) offsets = NULL;
  gsize len, last;

  commit_batch (f->board, 200, 1);
  g_clear_object (&f->board);
  g_assert_true (g_file_get_contents (path, (char **) &good, &len, NULL));
  offsets = frame_offsets (good, len);
  g_assert_cmpuint (offsets->len, ==, 200);
  last = g_array_index (offsets, gsize, 199);

  /* Its last byte damaged, and one bit flipped at every position of the
   * last frame. */
  for (gsize pos = last; pos < len; pos++)
    for (guint bit = 0; bit < 8; bit += pos == len - 1 ? 1 : 7)
      {
        g_autofree guint8 *bad = g_memdup2 (good, len);

        bad[pos] ^= 1u << bit;
        write_file (path, bad, len);
        assert_damaged (f, path, bad, len);
      }
  {
    g_autofree guint8 *bad = g_memdup2 (good, len);

    bad[len - 1] ^= 0xff;
    write_file (path, bad, len);
    assert_damaged (f, path, bad, len);
  }
}

static guint
count_signed (const guint8 *data,
              gsize         len,
              GArray       *offsets)
{
  g_autoptr(TafelPayloadReader) reader = tafel_payload_reader_new ();
  guint n = 0;

  for (guint i = 0; i < offsets->len; i++)
    {
      gsize off = g_array_index (offsets, gsize, i);
      gsize end = i + 1 < offsets->len ? g_array_index (offsets, gsize, i + 1) : len;
      gsize head = off;
      TafelPayload pl;

      while (data[head] & 0x80)
        head++;
      head += 3;   /* the last length byte and the two check bytes */
      g_assert_true (tafel_payload_reader_parse (reader, data + head, end - head - 4, TRUE, &pl, NULL));
      n += pl.has_signature;
    }
  return n;
}

/* Repair keeps the damaged file as a backup, keeps every record it can
 * verify, and a bulk commit stores enough signatures that one damaged byte
 * costs a few records, not the batch. */
static void
test_board_repair (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = log_path (f->board);
  g_autofree guint8 *good = NULL;
  g_autoptr(GArray) offsets = NULL;
  g_autoptr(GPtrArray) chain = tafel_test_chain (f->peer, 40, 3);
  g_autoptr(TafelLog) whole = NULL;
  g_autoptr(GBytes) whole_print = NULL;
  gsize len;
  guint n_signed;

  commit_batch (f->board, 200, 1);
  /* A peer's run: one signature for all of it. */
  {
    g_autoptr(GPtrArray) run = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);

    for (guint i = 0; i < 40; i++)
      g_ptr_array_add (run, i == 39 ? tafel_record_ref (chain->pdata[i])
                                    : tafel_record_with_signature (chain->pdata[i], NULL));
    g_assert_true (tafel_board_receive_run (f->board, (TafelRecord **) run->pdata, 40, &error));
    g_assert_no_error (error);
  }
  commit_strokes (f->board, 3, 900);
  g_clear_object (&f->board);
  whole = tafel_board_read (f->data, f->id, NULL, NULL, &error);
  g_assert_no_error (error);
  whole_print = fingerprint (whole);
  g_assert_true (g_file_get_contents (path, (char **) &good, &len, NULL));
  offsets = frame_offsets (good, len);
  g_assert_cmpuint (offsets->len, ==, 243);
  /* 200 in one batch store a signature at least every 32 records; the
   * peer's run stores one, the three single commits three. */
  n_signed = count_signed (good, len, offsets);
  g_assert_cmpuint (n_signed, >=, 200 / 32 + 1 + 3);

  /* One damaged byte in the middle of the batch, in record 100. */
  {
    g_autofree guint8 *bad = g_memdup2 (good, len);
    g_autofree guint8 *backup = NULL;
    g_autofree char *meta_dir = g_build_filename (f->data, "boards", f->id, "log.damaged-", NULL);
    g_autofree char *meta = g_build_filename (f->data, "boards", f->id, "meta", NULL);
    g_autofree char *meta_before = NULL;
    g_autofree char *meta_after = NULL;
    gsize backup_len;
    g_auto(TafelBoardRepair) repair = { 0 };
    TafelLog *log;

    bad[g_array_index (offsets, gsize, 100) + 10] ^= 0x10;
    write_file (path, bad, len);
    assert_damaged (f, path, bad, len);
    g_assert_true (g_file_get_contents (meta, &meta_before, NULL, NULL));

    g_assert_true (tafel_board_repair (f->data, f->id, &repair, &error));
    g_assert_no_error (error);
    /* The backup holds the damaged bytes as they were. */
    g_assert_true (g_str_has_prefix (repair.backup_path, meta_dir));
    g_assert_true (g_file_get_contents (repair.backup_path, (char **) &backup, &backup_len, NULL));
    g_assert_cmpmem (backup, backup_len, bad, len);
    g_assert_true (g_file_get_contents (meta, &meta_after, NULL, NULL));
    g_assert_cmpstr (meta_before, ==, meta_after);

    /* My chain is kept up to the last stored signature before the damage
     * (record 101 of the batch; a signature is stored at least every 32
     * records), the peer's run whole. My records after the damage cannot
     * follow a hole in the chain: peers send them again by sync. */
    g_assert_cmpuint (repair.n_kept, ==, 96 + 40);
    g_assert_cmpuint (repair.n_kept + repair.n_dropped, ==, 242);
    g_assert_cmpuint (repair.damaged_bytes, >, 0);

    f->board = tafel_board_open (f->data, f->me, f->id, &error);
    g_assert_no_error (error);
    log = tafel_board_get_log (f->board);
    g_assert_cmpuint (tafel_log_get_n_records (log), ==, repair.n_kept);
    g_assert_cmpuint (tafel_log_get_head_seq (log, tafel_identity_get_public_key (f->peer)), ==, 40);
    g_assert_cmpuint (tafel_log_get_head_seq (log, tafel_identity_get_public_key (f->me)), ==, 96);

    /* What a peer holding the whole board sends on sync (what the repaired
     * board lacks) brings it back to the board as it was. */
    {
      g_autoptr(TafelVersionVector) vv = tafel_log_dup_version_vector (log);
      g_autoptr(GPtrArray) missing = tafel_log_dup_missing (whole, vv);
      g_autoptr(GBytes) after = NULL;

      g_assert_cmpuint (missing->len, ==, 243 - 136);
      g_assert_true (tafel_board_receive_run (f->board, (TafelRecord **) missing->pdata, missing->len, &error));
      g_assert_no_error (error);
      after = fingerprint (tafel_board_get_log (f->board));
      g_assert_true (g_bytes_equal (after, whole_print));
    }
    /* The board takes new records again, and they are kept. */
    commit_strokes (f->board, 2, 5000);
    g_clear_object (&f->board);
    f->board = tafel_board_open (f->data, f->me, f->id, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (tafel_log_get_n_records (tafel_board_get_log (f->board)), ==, 243 + 2);
    g_clear_object (&f->board);
  }

  /* A damaged byte inside the peer's run loses that run (it carries one
   * signature) and nothing else; the peer sends it again on sync. */
  {
    g_autofree guint8 *bad = g_memdup2 (good, len);
    g_auto(TafelBoardRepair) repair = { 0 };

    bad[g_array_index (offsets, gsize, 220) + 5] ^= 0x01;
    write_file (path, bad, len);
    g_assert_true (tafel_board_repair (f->data, f->id, &repair, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (repair.n_kept, ==, 203);
    f->board = tafel_board_open (f->data, f->me, f->id, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (tafel_log_get_head_seq (tafel_board_get_log (f->board),
                                              tafel_identity_get_public_key (f->peer)), ==, 0);
    g_clear_object (&f->board);
  }

  /* Repairing a board that another process has open is refused. */
  {
    g_auto(TafelBoardRepair) repair = { 0 };

    f->board = tafel_board_open (f->data, f->me, f->id, &error);
    g_assert_no_error (error);
    g_assert_false (tafel_board_repair (f->data, f->id, &repair, &error));
    g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_BUSY);
    g_assert_null (repair.backup_path);
  }
}

static void
test_board_full_disk (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = log_path (f->board);
  g_autoptr(GPtrArray) chain = tafel_test_chain (f->peer, 3, 4);
  g_autoptr(GBytes) before_log = NULL;
  g_autofree guint8 *before = NULL;
  g_autofree guint8 *after = NULL;
  gsize before_len, after_len;
  struct rlimit old, lim;
  void (*old_handler) (int);

  commit_strokes (f->board, 5, 1);
  before_log = fingerprint (tafel_board_get_log (f->board));
  g_assert_true (g_file_get_contents (path, (char **) &before, &before_len, NULL));

  /* The file may not grow more than 10 bytes: the next frame is cut short
   * by the kernel (EFBIG), as on a full disk. */
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old), ==, 0);
  lim = old;
  lim.rlim_cur = before_len + 10;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &lim), ==, 0);
  {
    g_autoptr(GBytes) body = tafel_test_stroke_body (40, 5);
    g_autoptr(TafelRecord) r = tafel_board_commit (f->board, TAFEL_RECORD_KIND_STROKE, body, &error);
    g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

    g_assert_null (r);
    g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_IO);
    g_clear_error (&error);

    for (guint i = 0; i < 3; i++)
      g_ptr_array_add (bodies, tafel_test_stroke_body (40, i));
    g_assert_false (tafel_board_commit_many (f->board, TAFEL_RECORD_KIND_STROKE, (GBytes **) bodies->pdata,
                                             bodies->len, &error));
    g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_IO);
    g_clear_error (&error);

    /* Nothing was integrated, and the file is exactly as before. */
    {
      g_autoptr(GBytes) now = fingerprint (tafel_board_get_log (f->board));

      g_assert_true (g_bytes_equal (now, before_log));
    }
    g_assert_true (g_file_get_contents (path, (char **) &after, &after_len, NULL));
    g_assert_cmpmem (after, after_len, before, before_len);
    g_clear_pointer (&after, g_free);

    /* Records from a peer are integrated, but storing them fails. */
    g_assert_false (tafel_board_receive (f->board, chain->pdata[0], &error));
    g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_IO);
    g_clear_error (&error);
    g_assert_cmpuint (tafel_log_get_n_records (tafel_board_get_log (f->board)), ==, 6);
    g_assert_false (tafel_board_flush (f->board, &error));
    g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_IO);
    g_clear_error (&error);
    g_assert_true (g_file_get_contents (path, (char **) &after, &after_len, NULL));
    g_assert_cmpmem (after, after_len, before, before_len);
    g_clear_pointer (&after, g_free);
  }
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old), ==, 0);
  signal (SIGXFSZ, old_handler);

  /* Space again: the next record brings the missing one along. */
  g_assert_true (tafel_board_receive (f->board, chain->pdata[1], &error));
  g_assert_no_error (error);
  commit_strokes (f->board, 1, 99);
  {
    g_autoptr(GBytes) expected = fingerprint (tafel_board_get_log (f->board));
    g_autoptr(GBytes) got = NULL;

    g_clear_object (&f->board);
    f->board = tafel_board_open (f->data, f->me, f->id, &error);
    g_assert_no_error (error);
    got = fingerprint (tafel_board_get_log (f->board));
    g_assert_true (g_bytes_equal (expected, got));
    g_assert_cmpuint (tafel_log_get_n_records (tafel_board_get_log (f->board)), ==, 8);
  }
}

static void
test_board_tafel_file (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *files = new_data_dir ();
  g_autofree char *path = g_build_filename (files, "board.tafel", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = NULL;
  const char *hints[] = { "lan", NULL };
  struct stat st;

  commit_strokes (f->board, 30, 1);
  {
    g_autoptr(GPtrArray) chain = tafel_test_chain (f->peer, 7, 5);

    g_assert_true (tafel_board_receive_run (f->board, (TafelRecord **) chain->pdata, chain->len, &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr(GBytes) body = g_bytes_new_static ("opaque body of a future kind", 28);
    g_autoptr(TafelRecord) r = tafel_board_commit (f->board, 77, body, &error);

    g_assert_no_error (error);
  }
  g_assert_true (tafel_board_set_hints (f->board, hints, &error));
  g_assert_true (tafel_board_save_file (f->board, file, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  expected = fingerprint (tafel_board_get_log (f->board));

  /* Into an empty data folder: the same board. */
  {
    g_autoptr(TafelBoard) copy = tafel_board_open_file (f->data2, f->peer, file, &error);
    g_autoptr(GBytes) got = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (tafel_board_get_id_hex (copy), ==, f->id);
    g_assert_cmpstr (tafel_board_get_title (copy), ==, "Export me");
    g_assert_cmpmem (tafel_board_get_secret (copy), 32, tafel_board_get_secret (f->board), 32);
    g_assert_cmpstrv (tafel_board_get_hints (copy), hints);
    got = fingerprint (tafel_board_get_log (copy));
    g_assert_true (g_bytes_equal (expected, got));

    /* And it survives its own reopening. */
    g_clear_object (&copy);
    copy = tafel_board_open (f->data2, f->peer, f->id, &error);
    g_assert_no_error (error);
    g_clear_pointer (&got, g_bytes_unref);
    got = fingerprint (tafel_board_get_log (copy));
    g_assert_true (g_bytes_equal (expected, got));

    /* The copy grows; the original merges the file saved from it. */
    commit_strokes (copy, 4, 70);
    g_assert_true (tafel_board_save_file (copy, file, &error));
    g_clear_pointer (&expected, g_bytes_unref);
    expected = fingerprint (tafel_board_get_log (copy));
  }
  g_clear_object (&f->board);
  {
    g_autoptr(TafelBoard) merged = tafel_board_open_file (f->data, f->me, file, &error);
    g_autoptr(GBytes) got = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (tafel_board_get_title (merged), ==, "Export me");
    got = fingerprint (tafel_board_get_log (merged));
    g_assert_true (g_bytes_equal (expected, got));
    g_clear_object (&merged);
    merged = tafel_board_open (f->data, f->me, f->id, &error);
    g_clear_pointer (&got, g_bytes_unref);
    got = fingerprint (tafel_board_get_log (merged));
    g_assert_true (g_bytes_equal (expected, got));
  }

  /* tafel_board_file_load() reads without importing. */
  {
    g_autofree char *title = NULL;
    guint8 board_id[TAFEL_BOARD_ID_BYTES];
    g_autoptr(TafelLog) log = tafel_board_file_load (file, &title, board_id, &error);
    g_autoptr(GBytes) got = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (title, ==, "Export me");
    got = fingerprint (log);
    g_assert_true (g_bytes_equal (expected, got));
  }

  tafel_test_remove_tree (files);
}

static void
expect_bad_file (const char   *data,
                 const char   *path,
                 const guint8 *contents,
                 gsize         len,
                 gint          code)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(TafelIdentity) me = tafel_identity_new_ephemeral ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelBoard) board = NULL;
  g_autoptr(GHashTable) before = snapshot (data);
  g_autoptr(GHashTable) after = NULL;

  write_file (path, contents, len);
  board = tafel_board_open_file (data, me, file, &error);
  g_assert_null (board);
  g_assert_error (error, TAFEL_BOARD_ERROR, code);
  g_assert_null (strchr (error->message, '\n'));
  after = snapshot (data);
  assert_same_snapshot (before, after);
}

static void
test_board_tafel_file_bad (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *files = new_data_dir ();
  g_autofree char *path = g_build_filename (files, "board.tafel", NULL);
  g_autofree char *bad_path = g_build_filename (files, "bad.tafel", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *good = NULL;
  gsize len;

  commit_strokes (f->board, 5, 1);
  g_assert_true (tafel_board_save_file (f->board, file, &error));
  g_clear_object (&f->board);
  g_assert_true (g_file_get_contents (path, (char **) &good, &len, NULL));

  /* Garbage, empty, truncated at every length, a flipped byte anywhere. */
  expect_bad_file (f->data, bad_path, (const guint8 *) "PK\x03\x04 this is a zip", 19, TAFEL_BOARD_ERROR_BAD_FILE);
  expect_bad_file (f->data, bad_path, (const guint8 *) "", 0, TAFEL_BOARD_ERROR_BAD_FILE);
  for (gsize n = 12; n < len; n += 1 + n / 16)
    expect_bad_file (f->data, bad_path, good, n, TAFEL_BOARD_ERROR_BAD_FILE);
  for (gsize pos = 12; pos < len; pos += 1 + pos / 8)
    {
      g_autofree guint8 *copy = g_memdup2 (good, len);

      copy[pos] ^= 0x20;
      expect_bad_file (f->data, bad_path, copy, len, TAFEL_BOARD_ERROR_BAD_FILE);
    }
  /* A newer format version. */
  {
    g_autofree guint8 *newer = g_memdup2 (good, len);

    newer[8] = 2;
    expect_bad_file (f->data, bad_path, newer, len, TAFEL_BOARD_ERROR_NEWER_VERSION);
  }
  /* A file that does not exist. */
  {
    g_autofree char *missing = g_build_filename (files, "missing.tafel", NULL);
    g_autoptr(GFile) mf = g_file_new_for_path (missing);
    g_autoptr(TafelBoard) b = tafel_board_open_file (f->data, f->me, mf, &error);

    g_assert_null (b);
    g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_NOT_FOUND);
  }
  tafel_test_remove_tree (files);
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);
  g_log_set_writer_func (tafel_test_log_writer, NULL, NULL);

#define ADD(path, func) \
  g_test_add ("/tafel/board/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
#define ADD_BOARD(path, title, func) \
  g_test_add ("/tafel/board/" path, Fixture, title, fixture_set_up_board, func, fixture_tear_down)

  ADD_BOARD ("create-open", "Skizzen", test_board_create_open);
  ADD ("ambiguous", test_board_ambiguous);
  ADD_BOARD ("title-hints", NULL, test_board_title_hints);
  ADD_BOARD ("busy-delete", "A", test_board_busy_delete);
  ADD ("list", test_board_list);
  ADD_BOARD ("receive", "Shared", test_board_receive);
  ADD_BOARD ("sliced-run", "Sliced", test_board_sliced_run);
  ADD_BOARD ("commit-many", "Bulk", test_board_commit_many);
  ADD_BOARD ("torn-tail", "Torn", test_board_torn_tail);
  ADD_BOARD ("torn-batch", "Batch", test_board_torn_batch);
  ADD_BOARD ("corrupt-middle", "Middle", test_board_corrupt_middle);
  ADD_BOARD ("forged-log", "Forged", test_board_forged_log);
  ADD_BOARD ("title-hint-checks", "Checks", test_board_title_hint_checks);
  ADD_BOARD ("damaged-last-frame", "Last", test_board_damaged_last_frame);
  ADD_BOARD ("repair", "Repair", test_board_repair);
  ADD_BOARD ("full-disk", "Full", test_board_full_disk);
  ADD_BOARD ("tafel-file", "Export me", test_board_tafel_file);
  ADD_BOARD ("tafel-file-bad", "Source", test_board_tafel_file_bad);

  return g_test_run ();
}
