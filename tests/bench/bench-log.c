/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tafel-board.h"
#include "tafel-core.h"
#include "tafel-stroke-import.h"
#include "tafel-test-util.h"

/* The record log benchmark: a board of N strokes (default 100,000) by 4
 * authors, for (a) the real traces of $TAFEL_SHARED_DATA cycled and (b) a
 * synthetic random-walk trace of about 70 points a stroke.
 *
 *   bench-log [--strokes N] [--authors A]
 *
 * Each author has its own copy of the board (its own data folder) and
 * commits its share one record per commit, as a user would (encode the
 * stroke, sign, append, integrate); then the first copy receives the
 * others' records as runs, the way sync delivers them. Figures:
 *
 *   B/pt commit   bytes per point of the authors' log files, where every
 *                 record was committed alone and carries its signature
 *   B/pt merged   bytes per point of the merged board's log file (own
 *                 records signed each, received runs signed once)
 *   create        all commits, one record each, plus a flush (wall and CPU
 *                 time: the machine may be shared)
 *   load          opening the merged board in a fresh process: reading,
 *                 checking every frame, rebuilding ids, verifying the
 *                 authors' head signatures
 *   RSS B/pt      resident memory the open board adds, per point
 *   ingest        decoding the records from wire envelopes and adding them
 *                 as runs (verify + integrate) to an empty log
 *   add_run       the same without decoding: hash links, one signature per
 *                 author, integration
 */

static double
now (void)
{
  return (double) g_get_monotonic_time () / 1e6;
}

static gsize
rss_bytes (void)
{
  g_autofree char *statm = NULL;
  unsigned long size = 0, resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL) ||
      sscanf (statm, "%lu %lu", &size, &resident) != 2)
    return 0;
  return (gsize) resident * (gsize) sysconf (_SC_PAGESIZE);
}

static guint64
file_size (const char *path)
{
  struct stat st;

  return g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
}

/* The child process: open a board, report time and memory. */
static int
run_load (const char *data_dir,
          const char *id)
{
  g_autoptr(TafelIdentity) me = tafel_identity_new_ephemeral ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelBoard) board = NULL;
  gsize rss_before, rss_after;
  double t0, t1, c0, c1;

  rss_before = rss_bytes ();
  t0 = now ();
  c0 = tafel_test_cpu_seconds ();
  board = tafel_board_open (data_dir, me, id, &error);
  c1 = tafel_test_cpu_seconds ();
  t1 = now ();
  rss_after = rss_bytes ();
  if (board == NULL)
    {
      fprintf (stderr, "load failed: %s\n", error->message);
      return 1;
    }
  printf ("%.6f %.6f %" G_GSIZE_FORMAT " %u\n", t1 - t0, c1 - c0, rss_after - rss_before,
          tafel_log_get_n_records (tafel_board_get_log (board)));
  return 0;
}

typedef struct
{
  const char *name;
  guint64     points;
  double      bpp_commit;
  double      bpp_merged;
  double      create_s;
  double      create_cpu;
  double      load_s;
  double      load_cpu;
  double      ingest_cpu;
  double      rss_per_point;
  double      ingest_s;
  double      add_run_s;
  guint       records;
} Row;

static gboolean
spawn_load (const char *self_exe,
            const char *data_dir,
            const char *id,
            Row        *row)
{
  const char *argv[] = { self_exe, "--load", data_dir, id, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  gsize rss;
  guint n;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      fprintf (stderr, "load process failed: %s %s\n", error->message, err != NULL ? err : "");
      return FALSE;
    }
  if (sscanf (out, "%lf %lf %" G_GSIZE_FORMAT " %u", &row->load_s, &row->load_cpu, &rss, &n) != 4 ||
      n != row->records)
    {
      fprintf (stderr, "load process said: %s\n", out);
      return FALSE;
    }
  row->rss_per_point = (double) rss / (double) row->points;
  return TRUE;
}

static gboolean
run_dataset (const char *self_exe,
             const char *name,
             GArray     *strokes,
             guint       n_strokes,
             guint       n_authors,
             Row        *row)
{
  g_autofree char *tmp = g_dir_make_tmp ("tafel-bench-XXXXXX", NULL);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) boards = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *board_id = NULL;
  guint64 commit_bytes = 0;
  double t0, c0;

  memset (row, 0, sizeof *row);
  row->name = name;
  for (guint i = 0; i < n_strokes; i++)
    row->points += g_array_index (strokes, TafelStroke, i % strokes->len).n_points;

  for (guint a = 0; a < n_authors; a++)
    {
      g_autofree char *dir = g_strdup_printf ("%s/author%u", tmp, a);
      TafelIdentity *id = tafel_identity_new_ephemeral ();
      TafelBoard *board;

      if (a == 0)
        board = tafel_board_create (dir, id, name, &error);
      else
        board = tafel_board_join (dir, id, tafel_board_get_id (boards->pdata[0]),
                                  tafel_board_get_secret (boards->pdata[0]), name, &error);
      if (board == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return FALSE;
        }
      g_ptr_array_add (ids, id);
      g_ptr_array_add (boards, board);
      g_ptr_array_add (dirs, g_steal_pointer (&dir));
    }
  board_id = g_strdup (tafel_board_get_id_hex (boards->pdata[0]));

  /* Create: one record per commit, authors taking turns. */
  t0 = now ();
  c0 = tafel_test_cpu_seconds ();
  for (guint i = 0; i < n_strokes; i++)
    {
      TafelStroke *s = &g_array_index (strokes, TafelStroke, i % strokes->len);
      g_autoptr(GBytes) body = tafel_stroke_encode (s);
      g_autoptr(TafelRecord) r = tafel_board_commit (boards->pdata[i % n_authors],
                                                     TAFEL_RECORD_KIND_STROKE, body, &error);

      if (r == NULL)
        {
          fprintf (stderr, "commit failed: %s\n", error->message);
          return FALSE;
        }
    }
  for (guint a = 0; a < n_authors; a++)
    if (!tafel_board_flush (boards->pdata[a], &error))
      return FALSE;
  row->create_cpu = tafel_test_cpu_seconds () - c0;
  row->create_s = now () - t0;

  for (guint a = 0; a < n_authors; a++)
    {
      g_autofree char *path = g_build_filename (tafel_board_get_path (boards->pdata[a]), "log", NULL);

      commit_bytes += file_size (path);
    }
  row->bpp_commit = (double) commit_bytes / (double) row->points;

  /* Author 0 receives everyone else's records as runs. */
  for (guint a = 1; a < n_authors; a++)
    {
      TafelLog *mine = tafel_board_get_log (boards->pdata[0]);
      g_autoptr(TafelVersionVector) vv = tafel_log_dup_version_vector (mine);
      g_autoptr(GPtrArray) missing = tafel_log_dup_missing (tafel_board_get_log (boards->pdata[a]), vv);

      if (!tafel_board_receive_run (boards->pdata[0], (TafelRecord **) missing->pdata, missing->len, &error))
        {
          fprintf (stderr, "receive failed: %s\n", error->message);
          return FALSE;
        }
    }
  if (!tafel_board_flush (boards->pdata[0], &error))
    return FALSE;
  row->records = tafel_log_get_n_records (tafel_board_get_log (boards->pdata[0]));
  {
    g_autofree char *path = g_build_filename (tafel_board_get_path (boards->pdata[0]), "log", NULL);

    row->bpp_merged = (double) file_size (path) / (double) row->points;
  }

  /* Ingest from a peer: every record as a wire envelope, each author's run
   * signed at its end, decoded and added run by run to an empty log. */
  {
    g_autoptr(TafelVersionVector) none = tafel_version_vector_new ();
    g_autoptr(GPtrArray) all = tafel_log_dup_missing (tafel_board_get_log (boards->pdata[0]), none);
    g_autoptr(GPtrArray) wire = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
    g_autoptr(TafelLog) log = tafel_log_new ();
    g_autoptr(TafelLog) log2 = tafel_log_new ();
    g_autoptr(GPtrArray) run = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);

    for (guint i = 0; i < all->len; i++)
      g_ptr_array_add (wire, tafel_record_encode (all->pdata[i]));

    t0 = now ();
    c0 = tafel_test_cpu_seconds ();
    for (guint i = 0; i <= wire->len; i++)
      {
        TafelRecord *r = NULL;

        if (i < wire->len)
          {
            r = tafel_record_decode (g_bytes_get_data (wire->pdata[i], NULL),
                                     g_bytes_get_size (wire->pdata[i]), &error);
            if (r == NULL)
              {
                fprintf (stderr, "decode failed: %s\n", error->message);
                return FALSE;
              }
          }
        if (run->len > 0 &&
            (r == NULL || memcmp (tafel_record_get_author (r), tafel_record_get_author (run->pdata[0]), 32) != 0))
          {
            if (!tafel_log_add_run (log, (TafelRecord **) run->pdata, run->len, &error))
              {
                fprintf (stderr, "add_run failed: %s\n", error->message);
                return FALSE;
              }
            g_ptr_array_set_size (run, 0);
          }
        if (r != NULL)
          g_ptr_array_add (run, r);
      }
    row->ingest_cpu = tafel_test_cpu_seconds () - c0;
    row->ingest_s = now () - t0;
    if (tafel_log_get_n_records (log) != row->records)
      return FALSE;

    /* The same with the records already decoded (bodies checked, ids
     * known): the links, one signature per author and integration alone. */
    {
      guint start = 0;

      t0 = now ();
      for (guint i = 1; i <= all->len; i++)
        if (i == all->len ||
            memcmp (tafel_record_get_author (all->pdata[i]), tafel_record_get_author (all->pdata[start]), 32) != 0)
          {
            if (!tafel_log_add_run (log2, (TafelRecord **) all->pdata + start, i - start, &error))
              return FALSE;
            start = i;
          }
      row->add_run_s = now () - t0;
    }
  }

  g_ptr_array_set_size (boards, 0);
  if (!spawn_load (self_exe, dirs->pdata[0], board_id, row))
    return FALSE;

  tafel_test_remove_tree (tmp);
  return TRUE;
}

static void
print_tables (const Row *rows,
              guint      n_rows)
{
  printf ("%-10s %9s %8s %8s %8s   %s\n", "trace", "points", "B/pt", "B/pt", "RSS", "");
  printf ("%-10s %9s %8s %8s %8s\n", "", "", "commit", "merged", "B/pt");
  for (guint i = 0; i < n_rows; i++)
    printf ("%-10s %9" G_GUINT64_FORMAT " %8.2f %8.2f %8.2f\n", rows[i].name, rows[i].points,
            rows[i].bpp_commit, rows[i].bpp_merged, rows[i].rss_per_point);
  printf ("%-10s %9s %8s %8s %8s\n\n", "target", "", "<= 4", "<= 4", "<= 8");

  printf ("%-10s %16s %16s %26s %10s\n", "", "create + sign", "load + verify", "ingest (decode + add_run)", "add_run");
  printf ("%-10s %8s %7s %8s %7s %9s %8s %7s %10s\n", "trace", "wall", "cpu", "wall", "cpu",
          "rec/s", "Mpts/s", "cpu", "Mpts/s");
  for (guint i = 0; i < n_rows; i++)
    {
      const Row *r = &rows[i];

      printf ("%-10s %6.2f s %5.2f s %6.3f s %5.3f s %9.0f %8.2f %5.2f s %10.1f\n",
              r->name, r->create_s, r->create_cpu, r->load_s, r->load_cpu,
              r->records / r->ingest_s, r->points / r->ingest_s / 1e6, r->ingest_cpu,
              r->points / r->add_run_s / 1e6);
    }
  printf ("%-10s %8s %7s %8s %7s %9s %8s\n", "target", "<= 2.5 s", "", "<= 0.3 s", "", "", ">= 5");
}

int
main (int    argc,
      char **argv)
{
  guint n_strokes = 100000, n_authors = 4;
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GArray) real = NULL;
  g_autoptr(GArray) synthetic = NULL;
  Row rows[2];
  guint n_rows = 0;

  if (!tafel_core_init (NULL))
    return 1;
  if (argc == 4 && g_str_equal (argv[1], "--load"))
    return run_load (argv[2], argv[3]);
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--strokes") && i + 1 < argc)
        n_strokes = (guint) g_ascii_strtoull (argv[++i], NULL, 10);
      else if (g_str_equal (argv[i], "--authors") && i + 1 < argc)
        n_authors = (guint) g_ascii_strtoull (argv[++i], NULL, 10);
      else if (g_ascii_isdigit (argv[i][0]))
        n_strokes = (guint) g_ascii_strtoull (argv[i], NULL, 10);
      else
        {
          fprintf (stderr, "usage: %s [--strokes N] [--authors A]\n", argv[0]);
          return 2;
        }
    }
  if (n_strokes == 0 || n_authors == 0)
    return 2;

  real = tafel_test_load_real_strokes ();
  synthetic = tafel_test_random_walk (MIN (n_strokes, 100000u), 42);

  printf ("Tafel record log: %u strokes by %u authors, one record per commit\n\n", n_strokes, n_authors);
  if (real != NULL && run_dataset (self_exe, "real", real, n_strokes, n_authors, &rows[n_rows]))
    n_rows++;
  else if (real == NULL)
    printf ("(the real traces are not in $TAFEL_SHARED_DATA; only the synthetic trace runs)\n");
  else
    return 1;
  if (!run_dataset (self_exe, "synthetic", synthetic, n_strokes, n_authors, &rows[n_rows]))
    return 1;
  n_rows++;

  print_tables (rows, n_rows);
  return 0;
}
