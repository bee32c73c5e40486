/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "tafel-canvas.h"
#include "tafel-core.h"
#include "tafel-stroke-import.h"
#include "tafel-test-util.h"

/* The canvas benchmark: a board of N real strokes (default 100,000: the
 * Quick, Draw! and Excalidraw traces of $TAFEL_SHARED_DATA, cycled), each
 * drawing scaled into a 256-unit cell of a square grid, committed through
 * the core (TafelBoard) and drawn by the app's canvas in a real window on
 * the X server of $DISPLAY (Xvfb under meson).
 *
 * A frame is measured the way GTK makes it: from the frame clock's
 * before-paint to the end of its paint phase: tick callbacks (the pan),
 * layout, the canvas's snapshot (tile textures, overlays) and the GSK
 * renderer drawing the whole window and presenting it. Tiles are rendered on
 * worker threads meanwhile; a frame that still lacked a visible tile is
 * counted as "incomplete" (the canvas showed another zoom level's tiles,
 * or paper, there).
 *
 * Each run also says what its frames were made of:
 *   canvas snapshot   our code: the canvas's snapshot vfunc, timed by
 *                     wrapping it (tile lookups, overlays, the dot grid)
 *   GTK render        the rest of the paint phase: GTK's snapshot of the
 *                     window around the canvas, the GSK renderer, the present
 *   frame interval    from one frame's start to the next: what a person sees
 *                     (the clock asks for 60 frames a second; a frame that
 *                     takes longer than the interval delays the next)
 *   with/without uploads   frames that drew a tile texture for the first
 *                     time (the GL renderer uploads it then) and the others
 *   workers busy/idle frames during which tiles were being rendered
 *   per frame         render nodes and texture nodes the canvas produced,
 *                     and the texels of those textures
 *
 *   pan 100 %    the view at 100 %, panned 6 px right and 2 px down every
 *                frame for N frames, after the first view was complete
 *   pan 100 % back   the same way back: every tile rendered and uploaded
 *   pan empty paper  the same far from any ink: the cost of the window
 *   zoom to fit  the frames from zoom-to-fit until every tile of the whole
 *                board is there
 *   pan fit      a pan at zoom-to-fit (the whole board in the window)
 *   fit cold     time from zoom-to-fit until every tile of the view is
 *                rendered (all 100,000 strokes drawn once)
 *   latency      a pointer sample handed to the canvas controller (as the
 *                canvas does on a GTK motion event) until the end of the
 *                next painted frame that shows it; "work" is that frame's
 *                paint phase alone
 *
 * The environment variable GSK_RENDERER picks GTK's renderer (gl, cairo).
 */

#define CELL        230.0
#define DRAWING     200.0

typedef struct
{
  GArray *samples;   /* double, milliseconds */
} Series;

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static void
print_series (const char *name,
              GArray     *samples,
              const char *extra)
{
  double median, p95, max;

  if (samples->len == 0)
    {
      printf ("%-22s %8s\n", name, "-");
      return;
    }
  median = tafel_test_percentile (samples, 0.5);
  p95 = tafel_test_percentile (samples, 0.95);
  max = tafel_test_percentile (samples, 1.0);
  printf ("%-22s %8u %9.2f %9.2f %9.2f   %s\n", name, samples->len, median, p95, max, extra ? extra : "");
}

/* ---- The board ---------------------------------------------------------------- */

/* The "src" of every line, to keep the strokes of one drawing together. */
static GPtrArray *
read_sources (const char *path)
{
  g_autofree char *data = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *sources = g_ptr_array_new_with_free_func (g_free);

  if (!g_file_get_contents (path, &data, NULL, NULL))
    return sources;

  lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *src = strstr (lines[i], "\"src\":\"");
      const char *end;

      if (lines[i][0] == '\0')
        continue;
      if (src == NULL || (end = strchr (src + 7, '"')) == NULL)
        g_ptr_array_add (sources, g_strdup (""));
      else
        g_ptr_array_add (sources, g_strndup (src + 7, end - src - 7));
    }
  return sources;
}

typedef struct
{
  GArray    *strokes;    /* TafelStroke */
  GPtrArray *sources;
} Trace;

static gboolean
load_trace (const char *name,
            Trace      *trace)
{
  g_autofree char *path = tafel_test_shared_path (name);
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return FALSE;
  trace->strokes = tafel_stroke_import_load_path (path, &error);
  if (trace->strokes == NULL)
    g_error ("%s: %s", path, error->message);
  trace->sources = read_sources (path);
  g_assert_cmpuint (trace->sources->len, ==, trace->strokes->len);
  return TRUE;
}

/* Commits @n strokes: the drawings of the traces one after another (cycled),
 * each scaled uniformly into DRAWING units and put in the next cell of a
 * square grid. */
static guint
fill_board (TafelBoard *board,
            Trace      *traces,
            guint       n_traces,
            guint       n)
{
  /* As wide as the window is, so that zoom-to-fit shows it all. */
  guint columns = (guint) ceil (sqrt (n / 4.4 * 1100.0 / 720.0));
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  guint t = 0, i = 0, cell = 0, points = 0;

  while (bodies->len < n)
    {
      Trace *trace = &traces[t];
      guint start = i, end = i;
      double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE, k;
      double ox = (cell % columns) * CELL, oy = (cell / columns) * CELL;

      /* One drawing: consecutive strokes of the same source. */
      while (end < trace->strokes->len &&
             g_str_equal (g_ptr_array_index (trace->sources, end), g_ptr_array_index (trace->sources, start)))
        end++;

      for (guint s = start; s < end; s++)
        {
          TafelStroke *stroke = &g_array_index (trace->strokes, TafelStroke, s);

          for (guint p = 0; p < stroke->n_points; p++)
            {
              x0 = MIN (x0, stroke->points[p].x);
              y0 = MIN (y0, stroke->points[p].y);
              x1 = MAX (x1, stroke->points[p].x);
              y1 = MAX (y1, stroke->points[p].y);
            }
        }
      k = DRAWING / MAX (MAX (x1 - x0, y1 - y0), 1.0);

      for (guint s = start; s < end && bodies->len < n; s++)
        {
          TafelStroke copy = g_array_index (trace->strokes, TafelStroke, s);

          copy.points = g_memdup2 (copy.points, copy.n_points * sizeof (TafelPoint));
          for (guint p = 0; p < copy.n_points; p++)
            {
              copy.points[p].x = (float) (ox + (copy.points[p].x - x0) * k);
              copy.points[p].y = (float) (oy + (copy.points[p].y - y0) * k);
            }
          copy.width = (float) MAX (copy.width * MIN (k, 1.0), 1.0);
          tafel_stroke_quantise (&copy);
          g_ptr_array_add (bodies, tafel_stroke_encode (&copy));
          points += copy.n_points;
          g_free (copy.points);
        }

      cell++;
      i = end;
      if (i >= trace->strokes->len)
        {
          i = 0;
          t = (t + 1) % n_traces;
        }
    }

  for (guint start = 0; start < bodies->len; start += 5000)
    {
      g_autoptr(GError) error = NULL;

      if (!tafel_board_commit_many (board, TAFEL_RECORD_KIND_STROKE,
                                    (GBytes **) bodies->pdata + start, MIN (5000, bodies->len - start), &error))
        g_error ("commit: %s", error->message);
    }

  printf ("board: %u strokes, %u points, %u drawings in a %u × %u grid of %.0f-unit cells\n",
          bodies->len, points, cell, columns, (cell + columns - 1) / columns, CELL);
  return points;
}

/* ---- Frames ------------------------------------------------------------------- */

/* What one frame was made of. */
typedef struct
{
  double total;       /* before-paint → end of paint: what the main loop spent */
  double layout;      /* before-paint → end of layout (tick callbacks, layout) */
  double canvas;      /* the canvas's snapshot (our code, incl. tile requests) */
  double render;      /* paint phase minus the canvas's snapshot: GTK's
                       * snapshot of the other widgets, the GSK renderer
                       * and the present */
  double interval;    /* since the previous frame began: what a user sees */
  guint  nodes;       /* render nodes the canvas produced */
  guint  textures;    /* texture nodes among them */
  double megapixels;  /* texels of those textures */
  guint  uploads;     /* textures never drawn before (the GL renderer
                       * uploads each on its first frame) */
  gboolean workers;   /* tiles were being rendered on worker threads as the
                       * frame began or ended, or one arrived for it */
} Frame;

typedef struct
{
  GtkWidget       *window;
  TafelCanvas     *canvas;
  GdkFrameClock   *clock;
  double           frame_start;
  double           prev_start;
  double           layout_end;
  Frame            current;
  double           last_paint;      /* duration of the last frame's paint phase */
  guint64          frames;          /* frames painted */
  gboolean         recording;
  GArray          *frame_log;       /* Frame, while recording */
  guint            incomplete;      /* frames with a visible tile missing */
  guint            presented;       /* frames whose presentation time GDK knew */
} Bench;

static Bench *the_bench;
static void (*canvas_snapshot_orig) (GtkWidget *, GtkSnapshot *);

static GQuark
seen_quark (void)
{
  return g_quark_from_static_string ("bench-canvas-seen");
}

static void
count_nodes (GskRenderNode *node,
             Frame         *frame)
{
  if (node == NULL)
    return;
  frame->nodes++;
  switch ((int) gsk_render_node_get_node_type (node))
    {
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        count_nodes (gsk_container_node_get_child (node, i), frame);
      break;
    case GSK_CLIP_NODE:
      count_nodes (gsk_clip_node_get_child (node), frame);
      break;
    case GSK_TRANSFORM_NODE:
      count_nodes (gsk_transform_node_get_child (node), frame);
      break;
    case GSK_OPACITY_NODE:
      count_nodes (gsk_opacity_node_get_child (node), frame);
      break;
    case GSK_BLEND_NODE:
      count_nodes (gsk_blend_node_get_bottom_child (node), frame);
      count_nodes (gsk_blend_node_get_top_child (node), frame);
      break;
    case GSK_TEXTURE_NODE:
      {
        GdkTexture *texture = gsk_texture_node_get_texture (node);

        frame->textures++;
        frame->megapixels += gdk_texture_get_width (texture) * (double) gdk_texture_get_height (texture) / 1e6;
        if (g_object_get_qdata (G_OBJECT (texture), seen_quark ()) == NULL)
          {
            g_object_set_qdata (G_OBJECT (texture), seen_quark (), GINT_TO_POINTER (1));
            frame->uploads++;
          }
      }
      break;
    default:
      break;
    }
}

/* Wraps the canvas's snapshot: times it, and counts what it produced (it
 * snapshots into a node of its own, appended unchanged). */
static void
timed_canvas_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  GtkSnapshot *own = gtk_snapshot_new ();
  GskRenderNode *node;
  double t0 = now_ms ();

  canvas_snapshot_orig (widget, own);
  node = gtk_snapshot_free_to_node (own);
  if (the_bench != NULL)
    {
      the_bench->current.canvas += now_ms () - t0;
      count_nodes (node, &the_bench->current);
    }
  if (node != NULL)
    {
      gtk_snapshot_append_node (snapshot, node);
      gsk_render_node_unref (node);
    }
}

static void
on_before_paint (GdkFrameClock *clock,
                 Bench         *bench)
{
  bench->prev_start = bench->frame_start;
  bench->frame_start = now_ms ();
  bench->layout_end = bench->frame_start;
  memset (&bench->current, 0, sizeof bench->current);
  bench->current.workers = tafel_tile_cache_get_n_pending (tafel_canvas_get_tile_cache (bench->canvas)) > 0;
}

static void
on_layout (GdkFrameClock *clock,
           Bench         *bench)
{
  bench->layout_end = now_ms ();
}

static gboolean
view_complete (Bench *bench)
{
  TafelRect visible;

  tafel_canvas_get_visible (bench->canvas, &visible);
  return tafel_tile_cache_is_current (tafel_canvas_get_tile_cache (bench->canvas),
                                      tafel_canvas_get_view (bench->canvas),
                                      gtk_widget_get_scale_factor (GTK_WIDGET (bench->canvas)),
                                      &visible);
}

static void
on_paint (GdkFrameClock *clock,
          Bench         *bench)
{
  double t = now_ms ();
  Frame *frame = &bench->current;

  bench->last_paint = t - bench->frame_start;
  bench->frames++;
  frame->total = bench->last_paint;
  frame->layout = bench->layout_end - bench->frame_start;
  frame->render = t - bench->layout_end - frame->canvas;
  frame->interval = bench->prev_start > 0 ? bench->frame_start - bench->prev_start : 0;
  /* A display with a compositor tells GDK when a frame was shown; Xvfb
   * without one does not, and the frame interval is all there is. */
  {
    GdkFrameTimings *timings = gdk_frame_clock_get_timings (clock, gdk_frame_clock_get_frame_counter (clock) - 2);

    if (timings != NULL && gdk_frame_timings_get_presentation_time (timings) != 0)
      bench->presented++;
  }
  frame->workers |= tafel_tile_cache_get_n_pending (tafel_canvas_get_tile_cache (bench->canvas)) > 0 ||
                    frame->uploads > 0;
  if (bench->recording)
    {
      g_array_append_val (bench->frame_log, *frame);
      if (!view_complete (bench))
        bench->incomplete++;
    }
}

/* Iterates the main loop until @frames more frames were painted or
 * @timeout_ms passed; returns whether the frames came. */
static gboolean
wait_frames (Bench  *bench,
             guint   frames,
             double  timeout_ms)
{
  guint64 target = bench->frames + frames;
  double deadline = now_ms () + timeout_ms;

  while (bench->frames < target && now_ms () < deadline)
    {
      gtk_widget_queue_draw (GTK_WIDGET (bench->canvas));
      g_main_context_iteration (NULL, TRUE);
    }
  return bench->frames >= target;
}

/* Iterates until every visible tile is rendered; returns the time it took,
 * or a negative value after @timeout_ms. */
static double
wait_complete (Bench  *bench,
               double  timeout_ms)
{
  double start = now_ms (), deadline = start + timeout_ms;

  while (now_ms () < deadline)
    {
      wait_frames (bench, 1, 1000);
      if (view_complete (bench) && tafel_tile_cache_get_n_pending (tafel_canvas_get_tile_cache (bench->canvas)) == 0)
        return now_ms () - start;
    }
  return -1;
}

typedef struct
{
  Bench *bench;
  double dx;
  double dy;
  guint  left;
} Pan;

static gboolean
pan_tick (GtkWidget     *widget,
          GdkFrameClock *clock,
          gpointer       data)
{
  Pan *pan = data;
  TafelView view = *tafel_canvas_get_view (pan->bench->canvas);

  if (pan->left == 0)
    return G_SOURCE_REMOVE;
  pan->left--;
  tafel_view_pan (&view, -pan->dx, -pan->dy);
  tafel_canvas_set_view (pan->bench->canvas, &view);
  return G_SOURCE_CONTINUE;
}

/* The frames of @log for which @keep says so (all if %NULL), one field. */
static GArray *
pick (GArray    *log,
      gsize      offset,
      gboolean (*keep) (const Frame *frame))
{
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < log->len; i++)
    {
      const Frame *frame = &g_array_index (log, Frame, i);
      const char *field = (const char *) frame + offset;
      double value;

      if (keep != NULL && !keep (frame))
        continue;
      if (offset == G_STRUCT_OFFSET (Frame, nodes) || offset == G_STRUCT_OFFSET (Frame, textures) ||
          offset == G_STRUCT_OFFSET (Frame, uploads))
        value = *(const guint *) field;
      else
        value = *(const double *) field;
      g_array_append_val (values, value);
    }
  return values;
}

static gboolean with_uploads (const Frame *frame) { return frame->uploads > 0; }
static gboolean without_uploads (const Frame *frame) { return frame->uploads == 0; }
static gboolean workers_busy (const Frame *frame) { return frame->workers; }
static gboolean workers_idle (const Frame *frame) { return !frame->workers; }
static gboolean not_first (const Frame *frame) { return frame->interval > 0; }

static void
print_pick (const char *name,
            GArray     *log,
            gsize       offset,
            gboolean  (*keep) (const Frame *frame),
            const char *extra)
{
  g_autoptr(GArray) values = pick (log, offset, keep);

  print_series (name, values, extra);
}

/* The frames of a run, and what they were made of. */
static void
print_frames (Bench      *bench,
              const char *name,
              gboolean    detail)
{
  GArray *log = bench->frame_log;
  g_autofree char *extra = g_strdup_printf ("%u of %u frames lacked a tile", bench->incomplete, log->len);
  guint uploads = 0;

  for (guint i = 0; i < log->len; i++)
    uploads += g_array_index (log, Frame, i).uploads;

  print_pick (name, log, G_STRUCT_OFFSET (Frame, total), NULL, extra);
  if (!detail)
    return;
  print_pick ("  canvas snapshot", log, G_STRUCT_OFFSET (Frame, canvas), NULL, "ours: tiles, overlays, grid, tile requests");
  print_pick ("  GTK render", log, G_STRUCT_OFFSET (Frame, render), NULL, "rest of paint: GSK renderer, present");
  print_pick ("  ticks + layout", log, G_STRUCT_OFFSET (Frame, layout), NULL, NULL);
  print_pick ("  frame interval", log, G_STRUCT_OFFSET (Frame, interval), not_first, "frame start to next frame start");
  print_pick ("  with uploads", log, G_STRUCT_OFFSET (Frame, total), with_uploads, "frames showing a tile the first time");
  print_pick ("  without uploads", log, G_STRUCT_OFFSET (Frame, total), without_uploads, NULL);
  print_pick ("  workers busy", log, G_STRUCT_OFFSET (Frame, total), workers_busy, "tiles being rendered meanwhile");
  print_pick ("  workers idle", log, G_STRUCT_OFFSET (Frame, total), workers_idle, NULL);
  {
    g_autoptr(GArray) nodes = pick (log, G_STRUCT_OFFSET (Frame, nodes), NULL);
    g_autoptr(GArray) textures = pick (log, G_STRUCT_OFFSET (Frame, textures), NULL);
    g_autoptr(GArray) mpx = pick (log, G_STRUCT_OFFSET (Frame, megapixels), NULL);

    if (nodes->len > 0)
      {
        printf ("  per frame (median): %.0f canvas nodes, %.0f textures of %.2f Mpx; %u textures uploaded in %u frames\n",
                tafel_test_percentile (nodes, 0.5), tafel_test_percentile (textures, 0.5),
                tafel_test_percentile (mpx, 0.5), uploads, log->len);
      }
  }
}

static void
start_recording (Bench *bench)
{
  g_array_set_size (bench->frame_log, 0);
  bench->incomplete = 0;
  bench->recording = TRUE;
}

static void
run_pan (Bench      *bench,
         const char *name,
         guint       frames,
         double      dx,
         double      dy,
         gboolean    detail)
{
  Pan pan = { bench, dx, dy, frames };
  double deadline = now_ms () + 120000;

  start_recording (bench);
  gtk_widget_add_tick_callback (GTK_WIDGET (bench->canvas), pan_tick, &pan, NULL);
  while (pan.left > 0 && now_ms () < deadline)
    g_main_context_iteration (NULL, TRUE);
  wait_frames (bench, 1, 1000);
  bench->recording = FALSE;

  print_frames (bench, name, detail);
}

/* ---- Latency ----------------------------------------------------------------- */

typedef struct
{
  Bench                 *bench;
  TafelCanvasController *controller;
  double                 sent;
  guint64                frame_at_send;
  guint                  n;
  guint                  wanted;
  double                 x;
  double                 y;
  GArray                *total;
  GArray                *work;
  gboolean               waiting;
  guint32                rand_state;
} Latency;

static void
latency_paint (GdkFrameClock *clock,
               Latency       *lat)
{
  double t = now_ms ();

  /* The frame after the sample: GTK snapshots the canvas in it, with the
   * new point. */
  if (lat->waiting && lat->bench->frames > lat->frame_at_send)
    {
      g_array_append_vals (lat->total, &(double) { t - lat->sent }, 1);
      g_array_append_vals (lat->work, &lat->bench->last_paint, 1);
      lat->waiting = FALSE;
    }
}

static gboolean
latency_send (gpointer data)
{
  Latency *lat = data;
  TafelPointerEvent event = { 0 };
  TafelView view = *tafel_canvas_get_view (lat->bench->canvas);

  if (lat->waiting)
    return G_SOURCE_CONTINUE;

  event.phase = lat->n == 0 ? TAFEL_POINTER_DOWN : TAFEL_POINTER_MOTION;
  event.device = TAFEL_INPUT_PEN;
  event.pressure = 0.5;
  event.time_us = g_get_monotonic_time ();
  lat->x += 3;
  lat->y += (lat->n % 20 < 10) ? 2 : -2;
  tafel_view_to_board (&view, lat->x, lat->y, &event.x, &event.y);

  lat->frame_at_send = lat->bench->frames;
  lat->sent = now_ms ();
  lat->waiting = TRUE;
  tafel_canvas_controller_pointer (lat->controller, &event);
  lat->n++;

  return lat->n < lat->wanted ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* ---- Main --------------------------------------------------------------------- */

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autoptr(TafelIdentity) identity = NULL;
  g_autoptr(TafelBoard) board = NULL;
  g_autoptr(TafelBoardModel) model = NULL;
  g_autoptr(TafelHistory) history = NULL;
  g_autoptr(TafelCanvasController) controller = NULL;
  Trace traces[2] = { { 0 } };
  guint n_traces = 0, n_strokes = 100000, pan_frames = 600;
  gboolean no_grid = FALSE;
  Bench bench = { 0 };
  GskRenderer *renderer;
  double t0, t, cold;
  TafelView view;
  TafelRect bounds;
  GOptionEntry entries[] = {
    { "strokes", 0, 0, G_OPTION_ARG_INT, &n_strokes, "Strokes on the board", "N" },
    { "frames", 0, 0, G_OPTION_ARG_INT, &pan_frames, "Frames per pan", "N" },
    { "no-grid", 0, 0, G_OPTION_ARG_NONE, &no_grid, "Without the dot grid", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— canvas frame times on a large board");

  tafel_test_use_test_tmpdir ();
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }

  if (!gtk_init_check ())
    {
      printf ("SKIP: no display\n");
      return 77;
    }
  if (!tafel_core_init (&error))
    g_error ("%s", error->message);

  if (load_trace ("quickdraw-strokes.ndjson", &traces[n_traces]))
    n_traces++;
  if (load_trace ("excalidraw-strokes.ndjson", &traces[n_traces]))
    n_traces++;
  if (n_traces == 0)
    {
      printf ("SKIP: no traces in $TAFEL_SHARED_DATA\n");
      return 77;
    }

  data_dir = g_dir_make_tmp ("tafel-bench-canvas-XXXXXX", &error);
  g_assert_no_error (error);
  identity = tafel_identity_new_ephemeral ();
  board = tafel_board_create (data_dir, identity, "Bench", &error);
  g_assert_no_error (error);

  t0 = now_ms ();
  fill_board (board, traces, n_traces, n_strokes);
  printf ("commit: %.0f ms\n", now_ms () - t0);
  t0 = now_ms ();
  model = tafel_board_model_new (tafel_board_get_log (board));
  printf ("model: %.0f ms, %u visible objects\n", now_ms () - t0, tafel_board_model_get_n_visible (model));
  history = tafel_history_new (model, tafel_identity_get_public_key (identity));
  controller = tafel_canvas_controller_new (board, model, history);

  /* The canvas's snapshot, timed and counted. */
  {
    GtkWidgetClass *canvas_class = g_type_class_ref (TAFEL_TYPE_CANVAS);

    canvas_snapshot_orig = canvas_class->snapshot;
    canvas_class->snapshot = timed_canvas_snapshot;
    g_type_class_unref (canvas_class);
  }
  the_bench = &bench;
  bench.frame_log = g_array_new (FALSE, FALSE, sizeof (Frame));
  bench.window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (bench.window), 1100, 720);
  bench.canvas = TAFEL_CANVAS (tafel_canvas_new ());
  tafel_canvas_set_controller (bench.canvas, controller);
  tafel_canvas_set_show_grid (bench.canvas, !no_grid);
  gtk_window_set_child (GTK_WINDOW (bench.window), GTK_WIDGET (bench.canvas));
  gtk_window_present (GTK_WINDOW (bench.window));

  /* Until the window shows. */
  t0 = now_ms ();
  while (!gtk_widget_get_mapped (GTK_WIDGET (bench.canvas)) && now_ms () - t0 < 10000)
    g_main_context_iteration (NULL, TRUE);
  bench.clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench.canvas));
  g_signal_connect (bench.clock, "before-paint", G_CALLBACK (on_before_paint), &bench);
  g_signal_connect (bench.clock, "layout", G_CALLBACK (on_layout), &bench);
  g_signal_connect (bench.clock, "paint", G_CALLBACK (on_paint), &bench);
  if (!wait_frames (&bench, 3, 10000))
    g_error ("the window paints no frames");

  renderer = gtk_native_get_renderer (GTK_NATIVE (bench.window));
  printf ("window: %d × %d, scale %d, renderer %s, %u tile threads max\n",
          gtk_widget_get_width (GTK_WIDGET (bench.canvas)), gtk_widget_get_height (GTK_WIDGET (bench.canvas)),
          gtk_widget_get_scale_factor (GTK_WIDGET (bench.canvas)), G_OBJECT_TYPE_NAME (renderer),
          CLAMP (g_get_num_processors (), 1, 4));
  printf ("\n%-22s %8s %9s %9s %9s\n", "frame time (ms)", "frames", "median", "p95", "max");

  /* 100 %: the middle of the board; then back over the same way, every
   * tile already rendered and uploaded. */
  tafel_board_model_get_bounds (model, &bounds);
  view = (TafelView) { 1.0, bounds.x + bounds.width / 2 - 550, bounds.y + bounds.height / 2 - 360 };
  tafel_canvas_set_view (bench.canvas, &view);
  cold = wait_complete (&bench, 60000);
  run_pan (&bench, "pan 100 %", pan_frames, 6, 2, TRUE);
  run_pan (&bench, "pan 100 % back", pan_frames, -6, -2, TRUE);

  /* The same far off the board: what a frame costs with no ink at all. */
  view = (TafelView) { 1.0, bounds.x - 100000, bounds.y - 100000 };
  tafel_canvas_set_view (bench.canvas, &view);
  wait_complete (&bench, 60000);
  run_pan (&bench, "pan empty paper", pan_frames / 2, 6, 2, TRUE);
  view = (TafelView) { 1.0, bounds.x + bounds.width / 2 - 550, bounds.y + bounds.height / 2 - 360 };
  tafel_canvas_set_view (bench.canvas, &view);
  wait_complete (&bench, 60000);

  /* The whole board: the frames from zoom-to-fit until every tile is
   * there (the main loop must not stall meanwhile), then a pan. */
  start_recording (&bench);
  tafel_canvas_zoom_to_fit (bench.canvas);
  t = wait_complete (&bench, 600000);
  bench.recording = FALSE;
  print_frames (&bench, "zoom to fit", TRUE);
  if (bench.frame_log->len > 0)
    printf ("  the first frame after zoom-to-fit: %.2f ms\n", g_array_index (bench.frame_log, Frame, 0).total);
  run_pan (&bench, "pan fit", pan_frames / 2, 3, 1, TRUE);
  printf ("\n%-22s %.0f ms at scale %.3f (the first view at 100 %%: %.0f ms)\n",
          "fit cold (all tiles)", t, tafel_canvas_get_scale (bench.canvas), cold);

  printf ("presentation times: %s\n", bench.presented > 0 ? "reported by the display"
          : "not reported by this display (no compositor): the frame interval is what is seen");

  /* Latency at 100 %, drawing on the board. */
  {
    Latency lat = { 0 };
    double deadline;

    view = (TafelView) { 1.0, bounds.x + 1000, bounds.y + 1000 };
    tafel_canvas_set_view (bench.canvas, &view);
    wait_complete (&bench, 60000);

    lat.bench = &bench;
    lat.controller = controller;
    lat.wanted = 300;
    lat.x = 100;
    lat.y = 300;
    lat.total = g_array_new (FALSE, FALSE, sizeof (double));
    lat.work = g_array_new (FALSE, FALSE, sizeof (double));
    g_signal_connect_after (bench.clock, "paint", G_CALLBACK (latency_paint), &lat);
    /* Samples at 7 ms: not in step with the frames, like a pen at ~140 Hz. */
    g_timeout_add (7, latency_send, &lat);
    deadline = now_ms () + 60000;
    while ((lat.n < lat.wanted || lat.waiting) && now_ms () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_signal_handlers_disconnect_by_func (bench.clock, latency_paint, &lat);

    printf ("\n%-22s %8s %9s %9s %9s\n", "input → frame (ms)", "samples", "median", "p95", "max");
    print_series ("event → painted", lat.total, "waits for the next frame of the clock");
    print_series ("work of that frame", lat.work, "paint phase alone");
    g_array_unref (lat.total);
    g_array_unref (lat.work);

    {
      TafelPointerEvent up = { TAFEL_POINTER_UP, TAFEL_INPUT_PEN, 0, view.x + lat.x, view.y + lat.y, 0.5, 0 };
      tafel_canvas_controller_pointer (controller, &up);
    }
  }

  gtk_window_destroy (GTK_WINDOW (bench.window));
  the_bench = NULL;
  g_array_unref (bench.frame_log);
  for (guint i = 0; i < n_traces; i++)
    {
      g_array_unref (traces[i].strokes);
      g_ptr_array_unref (traces[i].sources);
    }
  g_clear_object (&controller);
  g_clear_object (&history);
  g_clear_object (&model);
  g_clear_object (&board);
  tafel_test_remove_tree (data_dir);

  return 0;
}
