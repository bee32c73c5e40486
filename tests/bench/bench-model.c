/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cairo.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tafel-board-model-private.h"
#include "tafel-core.h"
#include "tafel-export.h"
#include "tafel-identity.h"
#include "tafel-log.h"
#include "tafel-render.h"
#include "tafel-spatial-index.h"
#include "tafel-stroke-import.h"
#include "tafel-test-util.h"

/* The board model on 100,000 real strokes (Quick, Draw! traces cycled) by
 * four authors: each drawing is put in its own cell of a grid, so the board
 * looks like a wall of sketches about 58,000 units across. Prints a table.
 *
 * A second board holds the same strokes where they were drawn, all on top
 * of each other (as tests/bench/bench-sync does): zoomed to fit, every
 * stroke there is many pixels long.
 *
 *   bench-model [--strokes N] [--png FILE] [--fit-png FILE] [--render-only]
 *               [--boards grid|overlap|both]
 *
 * --png: the board exported at 4000 px; --fit-png: the 1280 × 800
 * zoom-to-fit view as drawn (FILE-overlap.png beside it for the second
 * board); --render-only: only the rendering measures. */

#define N_AUTHORS  4
#define CELL       400.0
#define SCREEN_W   1280
#define SCREEN_H   800

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* CPU time of this thread: on a shared machine it says more about the
 * work done than the wall clock. */
static double
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static gsize
resident_bytes (void)
{
  g_autofree char *statm = NULL;
  unsigned long size = 0, resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
    return 0;
  if (sscanf (statm, "%lu %lu", &size, &resident) != 2)
    return 0;
  return resident * (gsize) sysconf (_SC_PAGESIZE);
}

/* Bytes the allocator has handed out and not got back. */
static gsize
heap_in_use (void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  struct mallinfo2 mi = mallinfo2 ();

  return mi.uordblks + mi.hblkhd;
#else
  return 0;
#endif
}

/* Which drawing each line of the trace belongs to: the "src" member. */
static GPtrArray *
drawing_keys (const char *path)
{
  g_autofree char *data = NULL;
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  char *line, *next;

  if (!g_file_get_contents (path, &data, NULL, NULL))
    return keys;

  for (line = data; *line != '\0'; line = next)
    {
      char *src, *end;

      next = strchr (line, '\n');
      next = next != NULL ? next + 1 : line + strlen (line);
      src = g_strstr_len (line, next - line, "\"src\":\"");
      if (src == NULL)
        continue;
      src += 7;
      end = strchr (src, '"');
      g_ptr_array_add (keys, g_strndup (src, end - src));
    }

  return keys;
}

typedef struct
{
  guint  first, n;  /* strokes of one drawing in the trace */
  double x0, y0;    /* its top-left */
} Drawing;

static GArray *
split_drawings (GArray    *strokes,
                GPtrArray *keys)
{
  GArray *drawings = g_array_new (FALSE, FALSE, sizeof (Drawing));

  for (guint i = 0; i < strokes->len; i++)
    {
      TafelStroke *s = &g_array_index (strokes, TafelStroke, i);
      Drawing *d = drawings->len > 0 ? &g_array_index (drawings, Drawing, drawings->len - 1) : NULL;

      if (d == NULL || i >= keys->len ||
          !g_str_equal (g_ptr_array_index (keys, i), g_ptr_array_index (keys, d->first)))
        {
          Drawing nd = { i, 0, G_MAXDOUBLE, G_MAXDOUBLE };

          g_array_append_val (drawings, nd);
          d = &g_array_index (drawings, Drawing, drawings->len - 1);
        }
      d->n++;
      for (guint k = 0; k < s->n_points; k++)
        {
          d->x0 = MIN (d->x0, s->points[k].x);
          d->y0 = MIN (d->y0, s->points[k].y);
        }
    }

  return drawings;
}

/* Builds the log: records made by four authors as if they drew at the
 * same time (one Lamport clock), integrated as trusted runs. */
static TafelLog *
build_log (GArray   *strokes,
           GArray   *drawings,
           guint     n_strokes,
           gboolean  grid,
           guint    *n_points)
{
  TafelIdentity *ids[N_AUTHORS];
  GPtrArray *runs[N_AUTHORS];
  TafelLog *log = tafel_log_new ();
  guint cols = (guint) ceil (sqrt (n_strokes / 4.7));
  guint made = 0, drawing = 0;

  *n_points = 0;
  for (guint a = 0; a < N_AUTHORS; a++)
    {
      ids[a] = tafel_identity_new_ephemeral ();
      runs[a] = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
    }

  while (made < n_strokes)
    {
      const Drawing *d = &g_array_index (drawings, Drawing, drawing % drawings->len);
      guint a = drawing % N_AUTHORS;
      double ox = grid ? (drawing % cols) * CELL - d->x0 : 0.0;
      double oy = grid ? (drawing / cols) * CELL - d->y0 : 0.0;

      for (guint k = 0; k < d->n && made < n_strokes; k++, made++)
        {
          const TafelStroke *src = &g_array_index (strokes, TafelStroke, d->first + k);
          g_autofree TafelPoint *points = g_new (TafelPoint, src->n_points);
          TafelStroke s = *src;
          g_autoptr(GBytes) body = NULL;
          TafelRecord *prev = runs[a]->len > 0 ? g_ptr_array_index (runs[a], runs[a]->len - 1) : NULL;

          for (guint i = 0; i < src->n_points; i++)
            points[i] = (TafelPoint) { src->points[i].x + ox, src->points[i].y + oy,
                                       src->points[i].pressure };
          s.points = points;
          body = tafel_stroke_encode (&s);
          g_ptr_array_add (runs[a],
                           tafel_record_new (tafel_identity_get_public_key (ids[a]),
                                             runs[a]->len + 1,
                                             prev != NULL ? tafel_record_get_id (prev) : NULL,
                                             made + 1, TAFEL_RECORD_KIND_STROKE, body, NULL));
          *n_points += src->n_points;
        }
      drawing++;
    }

  for (guint a = 0; a < N_AUTHORS; a++)
    {
      g_autoptr(GError) error = NULL;

      if (!tafel_log_add_trusted_run (log, (TafelRecord **) runs[a]->pdata, runs[a]->len, &error))
        g_error ("Building the benchmark log failed: %s", error->message);
      g_ptr_array_unref (runs[a]);
      g_object_unref (ids[a]);
    }

  return log;
}

/* Query and draw one screen into @surface, as a canvas or a tile cache
 * does with a surface it keeps. */
static double
render_view (TafelBoardModel *model,
             cairo_surface_t *surface,
             const TafelView *view,
             guint           *n_objects,
             double          *cpu)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new ();
  cairo_t *cr = cairo_create (surface);
  TafelRect area = { view->x, view->y, SCREEN_W / view->scale, SCREEN_H / view->scale };
  double t0 = now (), c0 = cpu_now (), t;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  tafel_board_model_query (model, &area, objects);
  tafel_render_objects (cr, view, (TafelObject * const *) objects->pdata, objects->len);
  cairo_surface_flush (surface);
  t = now () - t0;
  if (cpu != NULL)
    *cpu = cpu_now () - c0;

  *n_objects = objects->len;
  cairo_destroy (cr);
  return t;
}

static void
save_png (cairo_surface_t *surface,
          const char      *path)
{
  if (cairo_surface_write_to_png (surface, path) != CAIRO_STATUS_SUCCESS)
    g_error ("Could not write %s", path);
}

/* Draws the zoom-to-fit view of @model a few times; saves the last one to
 * @png (nullable). */
static void
bench_render_fit (TafelBoardModel *model,
                  const char      *label,
                  const char      *png)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, SCREEN_W, SCREEN_H);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpus = g_array_new (FALSE, FALSE, sizeof (double));
  TafelRect bounds;
  TafelView fit;
  double scale;
  guint count = 0;

  g_assert_true (tafel_board_model_get_bounds (model, &bounds));
  scale = MIN (SCREEN_W / bounds.width, SCREEN_H / bounds.height);
  fit = (TafelView) { scale, bounds.x, bounds.y };
  for (guint i = 0; i < 5; i++)
    {
      double cpu;
      double t = render_view (model, surface, &fit, &count, &cpu);

      g_array_append_val (times, t);
      g_array_append_val (cpus, cpu);
    }
  printf ("| render 1280 × 800 zoomed to fit, %s (scale %.3f) | p50 %.0f ms, max %.0f ms; "
          "CPU p50 %.0f ms (%u objects) |\n", label, scale,
          tafel_test_percentile (times, 0.5) * 1e3, tafel_test_percentile (times, 1.0) * 1e3,
          tafel_test_percentile (cpus, 0.5) * 1e3, count);

  /* For scale: how much of that decoding the strokes' points alone takes. */
  {
    g_autoptr(GPtrArray) objects = g_ptr_array_new ();
    guint64 points = 0;
    double c0;

    tafel_board_model_query (model, NULL, objects);
    c0 = cpu_now ();
    for (guint i = 0; i < objects->len; i++)
      {
        TafelStroke stroke;

        if (tafel_object_dup_stroke (objects->pdata[i], &stroke))
          {
            points += stroke.n_points;
            tafel_stroke_clear (&stroke);
          }
      }
    printf ("| of which decoding the points (%" G_GUINT64_FORMAT " points) | CPU %.0f ms |\n",
            points, (cpu_now () - c0) * 1e3);
  }
  fflush (stdout);
  if (png != NULL)
    save_png (surface, png);
  cairo_surface_destroy (surface);
}

/* Screens at 100 % at random places. */
static void
bench_render_100 (TafelBoardModel *model,
                  GRand           *rand)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, SCREEN_W, SCREEN_H);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  guint64 total = 0;
  guint n = 200, count;
  TafelRect bounds;

  g_assert_true (tafel_board_model_get_bounds (model, &bounds));
  for (guint i = 0; i < n; i++)
    {
      TafelView view = {
        1.0,
        g_rand_double_range (rand, bounds.x, bounds.x + bounds.width - SCREEN_W),
        g_rand_double_range (rand, bounds.y, bounds.y + bounds.height - SCREEN_H),
      };
      double t = render_view (model, surface, &view, &count, NULL);

      g_array_append_val (times, t);
      total += count;
    }
  printf ("| render 1280 × 800 at 100 %% (query + draw) | p50 %.2f ms, p95 %.2f ms "
           "(%.0f objects on average) |\n", tafel_test_percentile (times, 0.5) * 1e3,
           tafel_test_percentile (times, 0.95) * 1e3, (double) total / n);
  cairo_surface_destroy (surface);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *path = NULL;
  g_autoptr(GArray) strokes = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GArray) drawings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelLog) log = NULL;
  g_autoptr(TafelBoardModel) model = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  const char *png_out = NULL;
  const char *fit_png = NULL;
  gboolean render_only = FALSE;
  const char *boards = "both";
  guint n_strokes = 100000, n_points;
  gsize rss_before, rss_after, heap_before, heap_after, heap_log0, heap_log;
  double t0, build_time, digest_time;
  TafelRect bounds;
  TafelHash digest;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--strokes") && i + 1 < argc)
        n_strokes = (guint) g_ascii_strtoull (argv[++i], NULL, 10);
      else if (g_str_equal (argv[i], "--png") && i + 1 < argc)
        png_out = argv[++i];
      else if (g_str_equal (argv[i], "--fit-png") && i + 1 < argc)
        fit_png = argv[++i];
      else if (g_str_equal (argv[i], "--render-only"))
        render_only = TRUE;
      else if (g_str_equal (argv[i], "--boards") && i + 1 < argc)
        boards = argv[++i];
    }

  if (!tafel_core_init (&error))
    g_error ("%s", error->message);

  path = tafel_test_shared_path ("quickdraw-strokes.ndjson");
  if (path == NULL)
    {
      printf ("bench-model: skipped, the shared traces (TAFEL_SHARED_DATA) are not there\n");
      return 77;
    }
  strokes = tafel_stroke_import_load_path (path, &error);
  if (strokes == NULL)
    g_error ("%s", error->message);
  keys = drawing_keys (path);
  drawings = split_drawings (strokes, keys);

  heap_log0 = heap_in_use ();
  log = build_log (strokes, drawings, n_strokes, TRUE, &n_points);
  heap_log = heap_in_use () - heap_log0;

  /* Model build from a loaded log, and what it keeps resident. */
  rss_before = resident_bytes ();
  heap_before = heap_in_use ();
  t0 = now ();
  model = tafel_board_model_new (log);
  build_time = now () - t0;
  rss_after = resident_bytes ();
  heap_after = heap_in_use ();

  /* Digest: the first one after a change is computed in full. */
  t0 = now ();
  tafel_board_model_get_digest (model, &digest);
  digest_time = now () - t0;

  g_assert_true (tafel_board_model_get_bounds (model, &bounds));

  printf ("\nBoard model benchmark: %u strokes, %u points, %u authors, board %.0f × %.0f units\n\n",
           n_strokes, n_points, N_AUTHORS, bounds.width, bounds.height);
  printf ("| measure | value |\n|---|---|\n");
  printf ("| model build from the loaded log | %.0f ms |\n", build_time * 1e3);
  printf ("| model memory: heap in use | %.1f MB (%.1f bytes per stroke, %.2f per point) |\n",
          (heap_after - heap_before) / 1e6, (double) (heap_after - heap_before) / n_strokes,
          (double) (heap_after - heap_before) / n_points);
  {
    guint n_cells;
    gsize index_bytes = tafel_spatial_index_get_memory (_tafel_board_model_get_index (model), &n_cells);

    printf ("| of which the spatial index | %.1f MB (%.1f bytes per stroke, %u cells) |\n",
            index_bytes / 1e6, (double) index_bytes / n_strokes, n_cells);
  }
  printf ("| model memory: resident growth | %.1f MB (%.2f bytes per point) |\n",
          (rss_after - rss_before) / 1e6, (double) (rss_after - rss_before) / n_points);
  printf ("| for scale: the log's heap (records held in memory) | %.1f MB (%.2f bytes per point) |\n",
          heap_log / 1e6, (double) heap_log / n_points);
  printf ("| digest of the whole board | %.2f ms |\n", digest_time * 1e3);

  /* Screen-sized queries at 100 % at random places on the board. */
  if (!render_only)
    {
      g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GPtrArray) out = g_ptr_array_new ();
      guint64 total = 0;
      guint n = 20000;

      for (guint i = 0; i < n; i++)
        {
          TafelRect r = {
            g_rand_double_range (rand, bounds.x, bounds.x + bounds.width - SCREEN_W),
            g_rand_double_range (rand, bounds.y, bounds.y + bounds.height - SCREEN_H),
            SCREEN_W, SCREEN_H,
          };
          double t;

          g_ptr_array_set_size (out, 0);
          t0 = now ();
          tafel_board_model_query (model, &r, out);
          t = now () - t0;
          g_array_append_val (times, t);
          total += out->len;
        }
      printf ("| query 1280 × 800 at 100 %%, %u random places | p50 %.1f µs, p95 %.1f µs "
               "(%.0f objects on average) |\n", n, tafel_test_percentile (times, 0.5) * 1e6,
               tafel_test_percentile (times, 0.95) * 1e6, (double) total / n);

      g_array_set_size (times, 0);
      for (guint i = 0; i < 20; i++)
        {
          double t;

          g_ptr_array_set_size (out, 0);
          t0 = now ();
          tafel_board_model_query (model, &bounds, out);
          t = now () - t0;
          g_array_append_val (times, t);
        }
      printf ("| query zoom to fit (the whole board) | p50 %.2f ms, p95 %.2f ms (%u objects) |\n",
               tafel_test_percentile (times, 0.5) * 1e3, tafel_test_percentile (times, 0.95) * 1e3, out->len);
    }

  /* Hit tests at random points. */
  if (!render_only)
    {
      g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
      guint hits = 0, n = 20000;

      for (guint i = 0; i < n; i++)
        {
          double x = g_rand_double_range (rand, bounds.x, bounds.x + bounds.width);
          double y = g_rand_double_range (rand, bounds.y, bounds.y + bounds.height);
          double t;

          t0 = now ();
          hits += tafel_board_model_hit_test (model, x, y, 4) != NULL;
          t = now () - t0;
          g_array_append_val (times, t);
        }
      printf ("| hit test, tolerance 4 | p50 %.1f µs, p95 %.1f µs (%u of %u hit) |\n",
               tafel_test_percentile (times, 0.5) * 1e6, tafel_test_percentile (times, 0.95) * 1e6, hits, n);
    }

  /* Rendering a screen into an image surface. */
  bench_render_100 (model, rand);
  if (!g_str_equal (boards, "overlap"))
    bench_render_fit (model, "grid of drawings", fit_png);

  /* The same strokes where they were drawn, on top of each other. */
  if (!g_str_equal (boards, "grid"))
    {
      g_autoptr(TafelLog) overlap_log = NULL;
      g_autoptr(TafelBoardModel) overlap = NULL;
      g_autofree char *overlap_png = NULL;
      guint n;

      if (fit_png != NULL)
        overlap_png = g_strdup_printf ("%.*s-overlap.png",
                                       (int) (g_str_has_suffix (fit_png, ".png") ? strlen (fit_png) - 4
                                                                                  : strlen (fit_png)),
                                       fit_png);
      overlap_log = build_log (strokes, drawings, n_strokes, FALSE, &n);
      overlap = tafel_board_model_new (overlap_log);
      bench_render_fit (overlap, "drawings on top of each other", overlap_png);
    }

  /* Incremental: one more stroke arriving on the big board, then the
   * digest of the changed board. */
  if (!render_only)
    {
      g_autoptr(GArray) add_times = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) digest_times = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(TafelIdentity) me = tafel_identity_new_ephemeral ();
      g_autoptr(TafelRecord) prev = NULL;
      guint64 lamport = tafel_log_get_max_lamport (log);

      for (guint i = 0; i < 200; i++)
        {
          g_autoptr(GBytes) body = tafel_test_stroke_body (60, i);
          TafelRecord *r = tafel_identity_sign_record (me, i + 1,
                                                       prev != NULL ? tafel_record_get_id (prev) : NULL,
                                                       ++lamport, TAFEL_RECORD_KIND_STROKE, body);
          double t;

          t0 = now ();
          if (!tafel_log_add (log, r, &error))
            g_error ("%s", error->message);
          t = now () - t0;
          g_array_append_val (add_times, t);

          t0 = now ();
          tafel_board_model_get_digest (model, &digest);
          t = now () - t0;
          g_array_append_val (digest_times, t);

          g_clear_pointer (&prev, tafel_record_unref);
          prev = r;
        }
      printf ("| one live stroke: verify, integrate, update the model | p50 %.3f ms, p95 %.3f ms |\n",
              tafel_test_percentile (add_times, 0.5) * 1e3, tafel_test_percentile (add_times, 0.95) * 1e3);
      printf ("| digest after that change | p50 %.2f ms, p95 %.2f ms |\n",
              tafel_test_percentile (digest_times, 0.5) * 1e3, tafel_test_percentile (digest_times, 0.95) * 1e3);
    }

  printf ("\n");

  if (png_out != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (png_out);
      double scale = MIN (4000 / bounds.width, 4000 / bounds.height);

      if (!tafel_export_to_file (model, TAFEL_EXPORT_PNG, NULL, scale, file, &error))
        g_error ("%s", error->message);
    }

  return 0;
}
