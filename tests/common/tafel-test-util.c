/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tafel-core.h"
#include "tafel-stroke-import.h"
#include "tafel-test-util.h"

static double
gauss (GRand *r)
{
  double u = g_rand_double (r), v = g_rand_double (r);

  return sqrt (-2.0 * log (u + 1e-300)) * cos (2.0 * G_PI * v);
}

static void
clear_stroke (gpointer data)
{
  tafel_stroke_clear (data);
}

void
tafel_test_use_test_tmpdir (void)
{
  const char *dir = g_getenv ("TAFEL_TEST_TMPDIR");

  if (dir != NULL)
    g_setenv ("TMPDIR", dir, TRUE);
}

void
tafel_test_init (int    *argc,
                 char ***argv)
{
  g_autoptr(GError) error = NULL;

  tafel_test_use_test_tmpdir ();
  g_test_init (argc, argv, NULL);
  if (!tafel_core_init (&error))
    g_error ("%s", error->message);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static const char *expected_pattern;
static guint expected_warnings, seen_warnings;

GLogWriterOutput
tafel_test_log_writer (GLogLevelFlags   level,
                       const GLogField *fields,
                       gsize            n_fields,
                       gpointer         user_data)
{
  if ((level & G_LOG_LEVEL_WARNING) && expected_warnings > 0)
    for (gsize i = 0; i < n_fields; i++)
      if (g_str_equal (fields[i].key, "MESSAGE") &&
          g_pattern_match_simple (expected_pattern, fields[i].value))
        {
          expected_warnings--;
          seen_warnings++;
          return G_LOG_WRITER_HANDLED;
        }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

void
tafel_test_expect_warning (const char *pattern)
{
  expected_pattern = pattern;
  expected_warnings = 1;
  seen_warnings = 0;
}

void
tafel_test_assert_warned (void)
{
  g_assert_cmpuint (seen_warnings, ==, 1);
  g_assert_cmpuint (expected_warnings, ==, 0);
  seen_warnings = 0;
}

double
tafel_test_percentile (GArray *values,
                       double  p)
{
  guint rank;

  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_double);
  rank = (guint) ceil (p * values->len);
  return g_array_index (values, double, CLAMP (rank, 1, values->len) - 1);
}

void
tafel_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        tafel_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

GArray *
tafel_test_random_walk (guint   n_strokes,
                        guint32 seed)
{
  g_autoptr(GRand) r = g_rand_new_with_seed (seed);
  GArray *strokes = g_array_sized_new (FALSE, TRUE, sizeof (TafelStroke), n_strokes);

  g_array_set_clear_func (strokes, clear_stroke);
  for (guint s = 0; s < n_strokes; s++)
    {
      TafelStroke st = { 0 };
      guint n = 40 + (guint) g_rand_int_range (r, 0, 61);
      double x = g_rand_double_range (r, 0, 4000), y = g_rand_double_range (r, 0, 3000);
      double heading = g_rand_double_range (r, 0, 2 * G_PI), speed = 3, p = 0.5;

      st.tool = TAFEL_TOOL_PEN;
      st.rgba = 0x1c71d8ff;
      st.width = 3.0f;
      st.n_points = n;
      st.points = g_new (TafelPoint, n);
      for (guint i = 0; i < n; i++)
        {
          st.points[i].x = (float) x;
          st.points[i].y = (float) y;
          st.points[i].pressure = (float) p;
          heading += gauss (r) * 0.25;
          speed = CLAMP (speed + gauss (r) * 0.4, 0.5, 8.0);
          x += speed * cos (heading);
          y += speed * sin (heading);
          p = CLAMP (p + gauss (r) * 0.03, 0.1, 1.0);
        }
      g_array_append_val (strokes, st);
    }
  return strokes;
}

char *
tafel_test_shared_path (const char *name)
{
  const char *dir = g_getenv ("TAFEL_SHARED_DATA");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return NULL;
  path = g_build_filename (dir, name, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return NULL;
  return g_steal_pointer (&path);
}

GArray *
tafel_test_load_strokes (void)
{
  g_autofree char *path = tafel_test_shared_path ("quickdraw-strokes.ndjson");
  g_autoptr(GError) error = NULL;
  GArray *strokes;

  if (path == NULL)
    {
      g_test_message ("the shared stroke traces are not there: using synthetic strokes");
      return tafel_test_random_walk (2000, 7);
    }
  strokes = tafel_stroke_import_load_path (path, &error);
  g_assert_no_error (error);
  return strokes;
}

GArray *
tafel_test_load_real_strokes (void)
{
  const char *names[] = { "quickdraw-strokes.ndjson", "excalidraw-strokes.ndjson" };
  GArray *all = NULL;

  for (guint t = 0; t < G_N_ELEMENTS (names); t++)
    {
      g_autofree char *path = tafel_test_shared_path (names[t]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) strokes = NULL;

      if (path == NULL)
        continue;
      strokes = tafel_stroke_import_load_path (path, &error);
      if (strokes == NULL)
        {
          g_printerr ("%s\n", error->message);
          continue;
        }
      if (all == NULL)
        all = g_array_new (FALSE, TRUE, sizeof (TafelStroke));
      /* Move the strokes over; their points now belong to @all. */
      g_array_append_vals (all, strokes->data, strokes->len);
      g_array_set_clear_func (strokes, NULL);
    }
  return all;
}

double
tafel_test_cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

GBytes *
tafel_test_stroke_body (guint   n_points,
                        guint32 seed)
{
  g_autoptr(GArray) strokes = tafel_test_random_walk (1, seed);
  TafelStroke *s = &g_array_index (strokes, TafelStroke, 0);

  s->n_points = MIN (s->n_points, n_points);
  return tafel_stroke_encode (s);
}

GPtrArray *
tafel_test_chain (TafelIdentity *id,
                  guint          n,
                  guint32        seed)
{
  GPtrArray *chain = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) body = tafel_test_stroke_body (3 + i % 5, seed + i);
      const TafelHash *prev = i > 0 ? tafel_record_get_id (g_ptr_array_index (chain, i - 1)) : NULL;

      g_ptr_array_add (chain, tafel_identity_sign_record (id, i + 1, prev, i + 1,
                                                          TAFEL_RECORD_KIND_STROKE, body));
    }
  return chain;
}

static char *private_mounts_failed;

void
tafel_test_private_mounts (void)
{
  if (geteuid () != 0)
    private_mounts_failed = g_strdup ("mounting a small tmpfs needs root");
  else if (unshare (CLONE_NEWNS) != 0)
    private_mounts_failed = g_strdup_printf ("unshare(CLONE_NEWNS): %s", g_strerror (errno));
  else if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    private_mounts_failed = g_strdup_printf ("making the mounts private: %s", g_strerror (errno));
}

char *
tafel_test_full_disk_new (gsize   size,
                          char  **reason)
{
  g_autofree char *options = g_strdup_printf ("size=%" G_GSIZE_FORMAT ",mode=0700", size);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  if (private_mounts_failed != NULL)
    {
      *reason = g_strdup (private_mounts_failed);
      return NULL;
    }
  dir = g_dir_make_tmp ("tafel-full-XXXXXX", &error);
  g_assert_no_error (error);
  /* Mounted in this process's own mount namespace: it goes away with the
   * process, whichever way it ends. */
  if (mount ("tafel-test", dir, "tmpfs", MS_NOSUID | MS_NODEV, options) != 0)
    {
      *reason = g_strdup_printf ("mounting a tmpfs: %s", g_strerror (errno));
      g_rmdir (dir);
      return NULL;
    }
  return g_steal_pointer (&dir);
}

void
tafel_test_fill_disk (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "filler", NULL);
  static const char block[4096];
  int fd = open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  gsize written = 0;

  g_assert_cmpint (fd, >=, 0);
  /* Bounded by the size of the tmpfs; small writes at the end use up the
   * last bytes of a partly used page. */
  for (gsize chunk = sizeof block; chunk > 0; )
    {
      gssize w = write (fd, block, chunk);

      if (w > 0)
        written += (gsize) w;
      else if (errno == ENOSPC)
        chunk /= 2;
      else
        g_error ("filling %s: %s", dir, g_strerror (errno));
      g_assert_cmpuint (written, <, 1024 * 1024 * 1024);
    }
  close (fd);
}
