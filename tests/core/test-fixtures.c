/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tafel-core.h"
#include "tafel-test-util.h"
#include "tafel-fixture-check.h"

typedef gboolean (*CheckFunc) (const guint8 *data, gsize len, GError **error);

static char *
fixtures_dir (const char *sub)
{
  return g_build_filename (g_getenv ("TAFEL_SOURCE_ROOT"), "tests", "fixtures", sub, NULL);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
list_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  return names;
}

static void
run_corpus (const char *sub,
            CheckFunc   check,
            guint       min_y,
            guint       min_n)
{
  g_autofree char *dir = fixtures_dir (sub);
  g_autoptr(GPtrArray) names = list_dir (dir);
  guint n_y = 0, n_n = 0, n_i = 0;

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *data = NULL;
      g_autoptr(GError) error = NULL;
      gsize len;
      gboolean ok;

      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      ok = check ((const guint8 *) data, len, &error);
      if (g_str_has_prefix (name, "y_"))
        {
          if (!ok)
            g_error ("%s was refused: %s", name, error->message);
          n_y++;
        }
      else if (g_str_has_prefix (name, "n_"))
        {
          if (ok)
            g_error ("%s was accepted", name);
          g_assert_nonnull (error);
          g_assert_nonnull (error->message);
          g_test_message ("%s: %s", name, error->message);
          n_n++;
        }
      else if (g_str_has_prefix (name, "i_"))
        {
          g_assert_true (ok == (error == NULL));
          g_test_message ("%s: %s", name, ok ? "accepted" : error->message);
          n_i++;
        }
      else
        g_error ("%s: fixture names start with y_, n_ or i_", name);
    }
  g_assert_cmpuint (n_y, >=, min_y);
  g_assert_cmpuint (n_n, >=, min_n);
  g_test_message ("%s: %u accepted, %u refused, %u either", sub, n_y, n_n, n_i);
}

static void
test_fixtures_records (void)
{
  run_corpus ("records", tafel_check_record_run, 9, 40);
}

static void
test_fixtures_tafel (void)
{
  run_corpus ("tafel", tafel_check_tafel_file, 2, 10);
}

/* The generator still writes exactly the committed corpus. */
static void
test_fixtures_reproducible (void)
{
  g_autofree char *gen = g_build_filename (g_getenv ("TAFEL_BUILD_ROOT"), "tests", "fixtures",
                                           "gen-fixtures", NULL);
  g_autofree char *out = g_dir_make_tmp ("tafel-fixtures-XXXXXX", NULL);
  const char *argv[] = { gen, out, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  for (guint s = 0; s < 2; s++)
    {
      const char *sub = s == 0 ? "records" : "tafel";
      g_autofree char *committed = fixtures_dir (sub);
      g_autofree char *fresh = g_build_filename (out, sub, NULL);
      g_autoptr(GPtrArray) a = list_dir (committed);
      g_autoptr(GPtrArray) b = list_dir (fresh);

      g_assert_cmpuint (a->len, ==, b->len);
      for (guint i = 0; i < a->len; i++)
        {
          g_autofree char *pa = g_build_filename (committed, a->pdata[i], NULL);
          g_autofree char *pb = g_build_filename (fresh, b->pdata[i], NULL);
          g_autofree char *da = NULL;
          g_autofree char *db = NULL;
          gsize la, lb;

          g_assert_cmpstr (a->pdata[i], ==, b->pdata[i]);
          g_assert_true (g_file_get_contents (pa, &da, &la, NULL));
          g_assert_true (g_file_get_contents (pb, &db, &lb, NULL));
          if (la != lb || memcmp (da, db, la) != 0)
            g_error ("%s/%s differs from what gen-fixtures writes now; regenerate the corpus",
                     sub, (char *) a->pdata[i]);
          g_unlink (pb);
        }
      g_rmdir (fresh);
    }
  g_rmdir (out);
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/fixtures/records", test_fixtures_records);
  g_test_add_func ("/tafel/fixtures/tafel", test_fixtures_tafel);
  g_test_add_func ("/tafel/fixtures/reproducible", test_fixtures_reproducible);

  return g_test_run ();
}
