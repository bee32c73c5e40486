/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "tafel-atomic-file.h"
#include "tafel-board.h"
#include "tafel-core.h"
#include "tafel-export.h"
#include "tafel-test-util.h"

/* Every file replaced by Tafel goes through tafel_atomic_file_write(): on
 * a full disk (a real one, a small tmpfs), the file that was there stays as
 * it was and no temporary file is left behind. */

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
assert_contents (const char *path,
                 const char *expected)
{
  g_autofree char *got = NULL;

  g_assert_true (g_file_get_contents (path, &got, NULL, NULL));
  g_assert_cmpstr (got, ==, expected);
}

static void
test_atomic_file_replace (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tafel-atomic-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "file", NULL);
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_assert_true (tafel_atomic_file_write (path, "one", 3, 0600, TAFEL_ATOMIC_FILE_NONE, &error));
  g_assert_no_error (error);
  assert_contents (path, "one");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (tafel_atomic_file_write (path, "two!", 4, 0600, TAFEL_ATOMIC_FILE_NONE, &error));
  assert_contents (path, "two!");

  /* No clobbering: a file that is there stays. */
  g_assert_false (tafel_atomic_file_write (path, "three", 5, 0600, TAFEL_ATOMIC_FILE_NO_CLOBBER, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST);
  g_clear_error (&error);
  assert_contents (path, "two!");
  g_assert_cmpuint (count_files (dir), ==, 1);

  /* A folder that does not exist: an error naming the file. */
  {
    g_autofree char *missing = g_build_filename (dir, "no", "file", NULL);

    g_assert_false (tafel_atomic_file_write (missing, "x", 1, 0600, TAFEL_ATOMIC_FILE_NONE, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_assert_nonnull (strstr (error->message, missing));
  }
  tafel_test_remove_tree (dir);
}

/* A file size limit makes the write fail for real (EFBIG), without root. */
static void
test_atomic_file_size_limit (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tafel-atomic-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "file", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_malloc0 (64 * 1024);
  struct rlimit old, lim;
  void (*old_handler) (int);
  gboolean ok;

  g_assert_true (tafel_atomic_file_write (path, "old contents", 12, 0600, TAFEL_ATOMIC_FILE_NONE, &error));
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old), ==, 0);
  lim = old;
  lim.rlim_cur = 4096;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &lim), ==, 0);
  ok = tafel_atomic_file_write (path, big, 64 * 1024, 0600, TAFEL_ATOMIC_FILE_NONE, &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old), ==, 0);
  signal (SIGXFSZ, old_handler);

  g_assert_false (ok);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED);
  assert_contents (path, "old contents");
  g_assert_cmpuint (count_files (dir), ==, 1);
  tafel_test_remove_tree (dir);
}

static char *
full_disk_or_skip (void)
{
  g_autofree char *reason = NULL;
  char *dir = tafel_test_full_disk_new (512 * 1024, &reason);

  if (dir == NULL)
    g_test_skip (reason);
  return dir;
}

static void
test_atomic_file_full_disk (void)
{
  g_autofree char *dir = full_disk_or_skip ();
  g_autofree char *path = NULL;
  g_autofree char *big = g_malloc0 (64 * 1024);
  g_autoptr(GError) error = NULL;

  if (dir == NULL)
    return;
  path = g_build_filename (dir, "file", NULL);
  g_assert_true (tafel_atomic_file_write (path, "old contents", 12, 0600, TAFEL_ATOMIC_FILE_NONE, &error));
  tafel_test_fill_disk (dir);
  g_assert_false (tafel_atomic_file_write (path, big, 64 * 1024, 0600, TAFEL_ATOMIC_FILE_NONE, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC);
  assert_contents (path, "old contents");
  /* The file and the filler: no temporary file is left. */
  g_assert_cmpuint (count_files (dir), ==, 2);
}

/* Every writer of Tafel's own files on a full disk: board metadata, a
 * .tafel file, an image export, the identity key. */
static void
test_atomic_file_writers (void)
{
  g_autofree char *dir = full_disk_or_skip ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelIdentity) me = tafel_identity_new_ephemeral ();
  g_autoptr(TafelBoard) board = NULL;
  g_autofree char *data = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *meta_before = NULL;
  g_autofree char *tafel = NULL;
  g_autofree char *tafel_before = NULL;
  g_autofree char *png = NULL;
  g_autofree char *png_before = NULL;
  g_autoptr(GFile) tafel_file = NULL;
  g_autoptr(GFile) png_file = NULL;
  g_autoptr(TafelBoardModel) model = NULL;
  gsize tafel_len, png_len;
  guint n_files;

  if (dir == NULL)
    return;
  data = g_build_filename (dir, "data", NULL);
  board = tafel_board_create (data, me, "Before", &error);
  g_assert_no_error (error);
  meta = g_build_filename (tafel_board_get_path (board), "meta", NULL);
  tafel = g_build_filename (dir, "copy.tafel", NULL);
  tafel_file = g_file_new_for_path (tafel);
  png = g_build_filename (dir, "copy.png", NULL);
  png_file = g_file_new_for_path (png);

  /* First versions of each, small; then strokes make the next ones bigger
   * than the space left. */
  g_assert_true (tafel_board_save_file (board, tafel_file, &error));
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GBytes) body = tafel_test_stroke_body (40, i);
      g_autoptr(TafelRecord) r = tafel_board_commit (board, TAFEL_RECORD_KIND_STROKE, body, &error);

      g_assert_no_error (error);
      if (i == 0)
        {
          model = tafel_board_model_new (tafel_board_get_log (board));
          g_assert_true (tafel_export_to_file (model, TAFEL_EXPORT_PNG, NULL, 0.1, png_file, &error));
          g_assert_no_error (error);
          g_clear_object (&model);
        }
    }
  g_assert_true (g_file_get_contents (meta, &meta_before, NULL, NULL));
  g_assert_true (g_file_get_contents (tafel, &tafel_before, &tafel_len, NULL));
  g_assert_true (g_file_get_contents (png, &png_before, &png_len, NULL));
  tafel_test_fill_disk (dir);
  n_files = count_files (dir);

  g_assert_false (tafel_board_set_title (board, "After, with a title much longer than before", &error));
  g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_IO);
  g_clear_error (&error);
  assert_contents (meta, meta_before);

  g_assert_false (tafel_board_save_file (board, tafel_file, &error));
  g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "copy.tafel"));
  g_clear_error (&error);
  {
    g_autofree char *now = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (tafel, &now, &len, NULL));
    g_assert_cmpmem (now, len, tafel_before, tafel_len);
  }

  model = tafel_board_model_new (tafel_board_get_log (board));
  g_assert_false (tafel_export_to_file (model, TAFEL_EXPORT_PNG, NULL, 2.0, png_file, &error));
  g_assert_error (error, TAFEL_EXPORT_ERROR, TAFEL_EXPORT_ERROR_IO);
  g_clear_error (&error);
  {
    g_autofree char *now = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (png, &now, &len, NULL));
    g_assert_cmpmem (now, len, png_before, png_len);
  }

  /* A new identity cannot be stored: no key file, not even an empty one. */
  {
    g_autofree char *other = g_build_filename (dir, "other", NULL);
    g_autofree char *key = g_build_filename (other, "identity", NULL);
    g_autoptr(TafelIdentity) id = NULL;

    g_assert_cmpint (g_mkdir (other, 0700), ==, 0);
    id = tafel_identity_load_or_create (other, &error);
    g_assert_null (id);
    g_assert_error (error, TAFEL_IDENTITY_ERROR, TAFEL_IDENTITY_ERROR_IO);
    g_assert_false (g_file_test (key, G_FILE_TEST_EXISTS));
    g_assert_cmpuint (count_files (other), ==, 0);
    g_rmdir (other);
  }
  g_assert_cmpuint (count_files (dir), ==, n_files);
  g_assert_cmpuint (count_files (tafel_board_get_path (board)), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  tafel_test_private_mounts ();
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/atomic-file/replace", test_atomic_file_replace);
  g_test_add_func ("/tafel/atomic-file/size-limit", test_atomic_file_size_limit);
  g_test_add_func ("/tafel/atomic-file/full-disk", test_atomic_file_full_disk);
  g_test_add_func ("/tafel/atomic-file/writers", test_atomic_file_writers);

  return g_test_run ();
}
