/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gtk/gtk.h>

#include "tafel-test-util.h"

/* What GTK itself costs for a frame like the canvas's, without any of our
 * code: a window of 1100 × 720 covered by square textures (as the canvas
 * covers it with tiles), the textures moved 6 px right and 2 px down every
 * frame (a pan: the whole window is drawn again). Frame times from the
 * frame clock's before-paint to the end of its paint phase, as in
 * bench-canvas.
 *
 * The variants say what would help the canvas: bigger or smaller tiles
 * (fewer or more textures, more or less of them outside the window),
 * opaque tiles, and fewer texture pixels (half the tiles left out; tiles
 * drawn at a quarter of their area), against a window with no texture
 * whose colour changes every frame (the cost of a full redraw alone).
 */

#define WIDTH   1100
#define HEIGHT  720
#define N_TEXTURES 64

typedef struct
{
  const char *name;
  int         tile;        /* pixels; 0: no textures */
  gboolean    opaque;
  gboolean    sparse;      /* leave out every other tile */
  gboolean    small;       /* draw each tile at half its size */
} Variant;

#define BENCH_TYPE_TILES (bench_tiles_get_type ())
G_DECLARE_FINAL_TYPE (BenchTiles, bench_tiles, BENCH, TILES, GtkWidget)

struct _BenchTiles
{
  GtkWidget   parent_instance;
  Variant    *variant;
  GdkTexture *textures[N_TEXTURES];
  guint       frame;
};

G_DEFINE_FINAL_TYPE (BenchTiles, bench_tiles, GTK_TYPE_WIDGET)

static void
bench_tiles_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  BenchTiles *self = (BenchTiles *) widget;
  Variant *variant = self->variant;
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  GdkRGBA paper = { 1, 1, (self->frame % 2) ? 1.0f : 0.98f, 1 };
  guint k = 0;

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_append_color (snapshot, &paper, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (variant->tile > 0)
    {
      int ox = (self->frame * 6) % variant->tile, oy = (self->frame * 2) % variant->tile;

      for (int y = -oy; y < height; y += variant->tile)
        for (int x = -ox; x < width; x += variant->tile, k++)
          {
            double size = variant->small ? variant->tile / 2.0 : variant->tile;

            if (variant->sparse && k % 2 == 1)
              continue;
            gtk_snapshot_append_texture (snapshot, self->textures[k % N_TEXTURES],
                                         &GRAPHENE_RECT_INIT (x, y, size, size));
          }
    }
  gtk_snapshot_pop (snapshot);
}

static void
bench_tiles_dispose (GObject *object)
{
  BenchTiles *self = (BenchTiles *) object;

  for (guint i = 0; i < N_TEXTURES; i++)
    g_clear_object (&self->textures[i]);
  G_OBJECT_CLASS (bench_tiles_parent_class)->dispose (object);
}

static void
bench_tiles_class_init (BenchTilesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = bench_tiles_dispose;
  GTK_WIDGET_CLASS (klass)->snapshot = bench_tiles_snapshot;
}

static void
bench_tiles_init (BenchTiles *self)
{
}

/* Textures like tiles of thin ink: a few strokes on transparent paper
 * (or on white, opaque). */
static GdkTexture *
make_texture (int      size,
              gboolean opaque,
              guint    seed)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GBytes) bytes = NULL;
  GdkTexture *texture;

  if (opaque)
    {
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
    }
  cairo_set_source_rgb (cr, 0.1, 0.3, 0.8);
  cairo_set_line_width (cr, 2);
  for (int i = 0; i < 12; i++)
    {
      cairo_move_to (cr, (seed * 37 + i * 53) % size, (seed * 11 + i * 29) % size);
      cairo_curve_to (cr, (i * 71) % size, (i * 13) % size, (seed * 5 + i * 17) % size, (i * 89) % size,
                      (seed * 23 + i * 7) % size, (seed * 3 + i * 61) % size);
    }
  cairo_stroke (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                       (gsize) cairo_image_surface_get_stride (surface) * size);
  texture = gdk_memory_texture_new (size, size, GDK_MEMORY_DEFAULT, bytes,
                                    cairo_image_surface_get_stride (surface));
  cairo_surface_destroy (surface);
  return texture;
}

typedef struct
{
  BenchTiles *tiles;
  double      start;
  GArray     *times;
  guint       wanted;
} Run;

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static void
on_before_paint (GdkFrameClock *clock,
                 Run           *run)
{
  run->start = now_ms ();
}

static void
on_paint (GdkFrameClock *clock,
          Run           *run)
{
  double t = now_ms () - run->start;

  /* The first frames upload the textures. */
  if (run->tiles->frame > 5)
    g_array_append_val (run->times, t);
}

static gboolean
tick (GtkWidget     *widget,
      GdkFrameClock *clock,
      gpointer       data)
{
  BenchTiles *self = (BenchTiles *) widget;

  self->frame++;
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static void
run_variant (Variant *variant,
             gboolean first,
             guint    frames)
{
  GtkWidget *window = gtk_window_new ();
  BenchTiles *tiles = g_object_new (BENCH_TYPE_TILES, NULL);
  Run run = { tiles, 0, g_array_new (FALSE, FALSE, sizeof (double)), frames };
  GdkFrameClock *clock;
  double deadline, median, p95;

  tiles->variant = variant;
  for (guint i = 0; i < N_TEXTURES && variant->tile > 0; i++)
    tiles->textures[i] = make_texture (variant->tile, variant->opaque, i);

  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (tiles));
  gtk_window_present (GTK_WINDOW (window));
  deadline = now_ms () + 10000;
  while (!gtk_widget_get_mapped (GTK_WIDGET (tiles)) && now_ms () < deadline)
    g_main_context_iteration (NULL, TRUE);

  if (first)
    {
      printf ("GSK renderer %s, window %d × %d, textures moved every frame\n\n",
              G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))), WIDTH, HEIGHT);
      printf ("%-34s %6s %8s %8s %8s\n", "frame time (ms)", "frames", "median", "p95", "max");
    }

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (tiles));
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), &run);
  g_signal_connect (clock, "paint", G_CALLBACK (on_paint), &run);
  gtk_widget_add_tick_callback (GTK_WIDGET (tiles), tick, NULL, NULL);
  deadline = now_ms () + 60000;
  while (run.times->len < frames && now_ms () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_data (clock, &run);

  if (run.times->len > 0)
    {
      median = tafel_test_percentile (run.times, 0.5);
      p95 = tafel_test_percentile (run.times, 0.95);
      printf ("%-34s %6u %8.2f %8.2f %8.2f\n", variant->name, run.times->len, median, p95,
              tafel_test_percentile (run.times, 1.0));
    }
  else
    printf ("%-34s %6s\n", variant->name, "-");

  g_array_unref (run.times);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  Variant variants[] = {
    { "full redraw, no texture", 0, FALSE, FALSE, FALSE },
    { "256 px tiles (as the canvas)", 256, FALSE, FALSE, FALSE },
    { "256 px tiles, opaque", 256, TRUE, FALSE, FALSE },
    { "512 px tiles", 512, FALSE, FALSE, FALSE },
    { "128 px tiles", 128, FALSE, FALSE, FALSE },
    { "64 px tiles", 64, FALSE, FALSE, FALSE },
    { "256 px, every other left out", 256, FALSE, TRUE, FALSE },
    { "256 px drawn at a quarter area", 256, FALSE, FALSE, TRUE },
  };
  guint frames = 300;

  if (argc > 1)
    frames = CLAMP (atoi (argv[1]), 10, 10000);

  if (!gtk_init_check ())
    {
      printf ("SKIP: no display\n");
      return 77;
    }

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    run_variant (&variants[i], i == 0, frames);

  return 0;
}
