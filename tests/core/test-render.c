/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cairo.h>
#include <math.h>
#include <string.h>

#include "tafel-geometry.h"
#include "tafel-render.h"
#include "tafel-render-private.h"
#include "tafel-stroke-import.h"
#include "tafel-test-util.h"

/* Level of detail in the renderer: strokes thinner than a pixel on the
 * device are drawn straight into image targets as their measured ink
 * (tafel-render-thin.c); everything else, and every other target, goes
 * through cairo at full detail. These tests hold the fast path to the
 * full-detail drawing. */

#define W 480
#define H 360

typedef enum
{
  TARGET_IMAGE,         /* the fast path where strokes are thin */
  TARGET_IMAGE_BATCH,   /* the same between _tafel_render_thin_begin() and _end() */
  TARGET_FULL_DETAIL,   /* cairo: a clip that is not a rectangle refuses the fast path */
  TARGET_RECORDING,     /* cairo: a recording surface, replayed into an image */
} Target;

/* Strokes to draw: real ones when the shared traces are there, else a
 * random walk; moved so that their box starts at the origin. */
static GArray *
load_strokes (guint      n,
              TafelRect *box)
{
  g_autofree char *path = tafel_test_shared_path ("quickdraw-strokes.ndjson");
  g_autoptr(GError) error = NULL;
  GArray *all = NULL;
  GArray *strokes;
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;

  if (path != NULL)
    {
      all = tafel_stroke_import_load_path (path, &error);
      g_assert_no_error (error);
    }
  else
    {
      all = tafel_test_random_walk (n, 11);
    }
  g_assert_cmpuint (all->len, >=, n);
  g_array_set_clear_func (all, (GDestroyNotify) tafel_stroke_clear);

  strokes = g_array_new (FALSE, FALSE, sizeof (TafelStroke));
  g_array_set_clear_func (strokes, (GDestroyNotify) tafel_stroke_clear);
  for (guint i = 0; i < n; i++)
    {
      TafelStroke s = g_array_index (all, TafelStroke, i);

      s.points = g_memdup2 (s.points, s.n_points * sizeof (TafelPoint));
      for (guint k = 0; k < s.n_points; k++)
        {
          x0 = MIN (x0, s.points[k].x);
          y0 = MIN (y0, s.points[k].y);
          x1 = MAX (x1, s.points[k].x);
          y1 = MAX (y1, s.points[k].y);
        }
      g_array_append_val (strokes, s);
    }
  g_array_unref (all);

  for (guint i = 0; i < n; i++)
    {
      TafelStroke *s = &g_array_index (strokes, TafelStroke, i);

      for (guint k = 0; k < s->n_points; k++)
        {
          s->points[k].x -= x0;
          s->points[k].y -= y0;
        }
    }
  *box = (TafelRect) { 0, 0, x1 - x0, y1 - y0 };
  return strokes;
}

static cairo_surface_t *
white_image (int w,
             int h)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_destroy (cr);
  return surface;
}

static void
draw_strokes (cairo_t           *cr,
              const TafelStroke *strokes,
              guint              n,
              double             scale,
              gboolean           batch)
{
  cairo_save (cr);
  cairo_scale (cr, scale, scale);
  if (batch)
    _tafel_render_thin_begin (cr);
  for (guint i = 0; i < n; i++)
    tafel_render_stroke (cr, &strokes[i]);
  if (batch)
    _tafel_render_thin_end (cr);
  cairo_restore (cr);
}

/* @strokes drawn at @scale into a white W × H image, the way @target says. */
static cairo_surface_t *
render (const TafelStroke *strokes,
        guint              n,
        double             scale,
        Target             target)
{
  cairo_surface_t *image = white_image (W, H);
  cairo_t *cr;

  if (target == TARGET_RECORDING)
    {
      cairo_rectangle_t extents = { 0, 0, W, H };
      cairo_surface_t *recording = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, &extents);

      cr = cairo_create (recording);
      draw_strokes (cr, strokes, n, scale, FALSE);
      cairo_destroy (cr);
      cr = cairo_create (image);
      cairo_set_source_surface (cr, recording, 0, 0);
      cairo_paint (cr);
      cairo_destroy (cr);
      cairo_surface_destroy (recording);
      return image;
    }

  cr = cairo_create (image);
  if (target == TARGET_FULL_DETAIL)
    {
      /* A disc around the whole image: clips nothing, but is no rectangle. */
      cairo_arc (cr, W / 2.0, H / 2.0, W + H, 0, 2 * G_PI);
      cairo_clip (cr);
    }
  draw_strokes (cr, strokes, n, scale, target == TARGET_IMAGE_BATCH);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  return image;
}

#define BLOCK 3

typedef struct
{
  double mean;        /* mean absolute difference per channel, in levels */
  double block_mean;  /* the same between the means of BLOCK × BLOCK blocks:
                       * what the eye sees, not where in a pixel an edge
                       * falls */
  double over_64;     /* share of pixels differing by more than 64 levels */
  double ink_ratio;   /* darkness of @b over darkness of @a */
  double ink_a;       /* darkness of @a: the sum of 255 − value, averaged over
                       * red, green and blue, in levels */
} Diff;

static Diff
compare (cairo_surface_t *a,
         cairo_surface_t *b)
{
  const guint8 *pa = cairo_image_surface_get_data (a), *pb = cairo_image_surface_get_data (b);
  int sa = cairo_image_surface_get_stride (a), sb = cairo_image_surface_get_stride (b);
  int w = cairo_image_surface_get_width (a), h = cairo_image_surface_get_height (a);
  double sum = 0, ink_a = 0, ink_b = 0;
  guint64 over = 0;
  Diff d;

  g_assert_cmpint (w, ==, cairo_image_surface_get_width (b));
  g_assert_cmpint (h, ==, cairo_image_surface_get_height (b));
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guint8 *qa = pa + y * sa + 4 * x, *qb = pb + y * sb + 4 * x;
        int worst = 0;

        for (int c = 0; c < 3; c++)
          {
            int v = ABS ((int) qa[c] - (int) qb[c]);

            sum += v;
            worst = MAX (worst, v);
          }
        over += worst > 64;
        for (int c = 0; c < 3; c++)
          {
            ink_a += (255 - qa[c]) / 3.0;
            ink_b += (255 - qb[c]) / 3.0;
          }
      }

  d.mean = sum / (3.0 * w * h);
  {
    double block_sum = 0;
    int n_blocks = 0;

    for (int by = 0; by + BLOCK <= h; by += BLOCK)
      for (int bx = 0; bx + BLOCK <= w; bx += BLOCK)
        for (int c = 0; c < 3; c++)
          {
            int ma = 0, mb = 0;

            for (int y = by; y < by + BLOCK; y++)
              for (int x = bx; x < bx + BLOCK; x++)
                {
                  ma += pa[y * sa + 4 * x + c];
                  mb += pb[y * sb + 4 * x + c];
                }
            block_sum += fabs ((double) (ma - mb)) / (BLOCK * BLOCK);
            n_blocks += c == 0;
          }
    d.block_mean = block_sum / (3.0 * n_blocks);
  }
  d.over_64 = (double) over / ((double) w * h);
  d.ink_ratio = ink_a > 0 ? ink_b / ink_a : (ink_b > 0 ? G_MAXDOUBLE : 1.0);
  d.ink_a = ink_a;
  g_test_message ("mean difference %.3f levels (%.3f in blocks of %d × %d), %.3f %% of pixels "
                  "by more than 64, ink ratio %.4f", d.mean, d.block_mean, BLOCK, BLOCK,
                  100 * d.over_64, d.ink_ratio);
  return d;
}

static guint8
green_at (cairo_surface_t *s,
          int              x,
          int              y)
{
  return cairo_image_surface_get_data (s)[y * cairo_image_surface_get_stride (s) + 4 * x + 1];
}

/* A scale at which the widest point of @strokes is @px device pixels wide. */
static double
scale_for_width (const TafelStroke *strokes,
                 guint              n,
                 double             px)
{
  double widest = 0;

  for (guint i = 0; i < n; i++)
    for (guint k = 0; k < strokes[i].n_points; k++)
      widest = MAX (widest, tafel_stroke_width_at (&strokes[i], strokes[i].points[k].pressure));
  return px / widest;
}

/* Zoomed out so far that strokes are at most @px wide: the fast path
 * draws what cairo draws at full detail, to the eye. */
static void
check_thin_agrees (gconstpointer data)
{
  double px = *(const double *) data;
  TafelRect box;
  g_autoptr(GArray) strokes = load_strokes (400, &box);
  const TafelStroke *s = (const TafelStroke *) strokes->data;
  double scale = scale_for_width (s, strokes->len, px);
  cairo_surface_t *fast, *full, *batch, *recording;
  double darkness;
  Diff d;

  /* Thin enough for the fast path, and enough of the board on the image
   * for the comparison to mean something. */
  g_assert_cmpfloat (px, <=, TAFEL_RENDER_THIN_PX);
  g_assert_cmpfloat (box.width * scale, >, W / 4.0);

  fast = render (s, strokes->len, scale, TARGET_IMAGE);
  full = render (s, strokes->len, scale, TARGET_FULL_DETAIL);
  batch = render (s, strokes->len, scale, TARGET_IMAGE_BATCH);
  recording = render (s, strokes->len, scale, TARGET_RECORDING);

  if (g_getenv ("TAFEL_TEST_RENDER_SAVE") != NULL)
    {
      g_autofree char *a = g_strdup_printf ("%s/full-%.1f.png", g_getenv ("TAFEL_TEST_RENDER_SAVE"), px);
      g_autofree char *b = g_strdup_printf ("%s/fast-%.1f.png", g_getenv ("TAFEL_TEST_RENDER_SAVE"), px);

      cairo_surface_write_to_png (full, a);
      cairo_surface_write_to_png (fast, b);
    }
  d = compare (full, fast);
  darkness = d.ink_a / (W * H);
  g_test_message ("mean darkness %.2f levels", darkness);
  g_assert_cmpfloat (d.ink_a, >, 255.0 * 500);   /* it drew something */
  /* Edges a little softer, lines placed within a pixel a little
   * differently: seen a few pixels at a time, a few levels where lines
   * are, on average. */
  g_assert_cmpfloat (d.block_mean, <, 0.2 * darkness);
  g_assert_cmpfloat (d.over_64, <, 0.01);
  g_assert_cmpfloat (fabs (d.ink_ratio - 1), <, 0.06);

  /* Batched or not, the same pixels. */
  d = compare (fast, batch);
  g_assert_cmpfloat (d.mean, ==, 0.0);

  /* A recording surface is no image: cairo draws it, at full detail. */
  d = compare (full, recording);
  g_assert_cmpfloat (d.mean, <, 0.5);

  cairo_surface_destroy (fast);
  cairo_surface_destroy (full);
  cairo_surface_destroy (batch);
  cairo_surface_destroy (recording);
}

/* Box-filters @s down by @k in each direction. */
static cairo_surface_t *
downsample (cairo_surface_t *s,
            int              k)
{
  int w = cairo_image_surface_get_width (s) / k, h = cairo_image_surface_get_height (s) / k;
  cairo_surface_t *out = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  const guint8 *src = cairo_image_surface_get_data (s);
  guint8 *dst = cairo_image_surface_get_data (out);
  int ss = cairo_image_surface_get_stride (s), ds = cairo_image_surface_get_stride (out);

  cairo_surface_flush (s);
  cairo_surface_flush (out);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < 4; c++)
        {
          guint sum = 0;

          for (int j = 0; j < k; j++)
            for (int i = 0; i < k; i++)
              sum += src[(y * k + j) * ss + 4 * (x * k + i) + c];
          dst[y * ds + 4 * x + c] = (guint8) ((sum + k * k / 2) / (k * k));
        }
  cairo_surface_mark_dirty (out);
  return out;
}

/* So far out that strokes are a twentieth of a pixel wide: cairo's scan
 * converter, sampling 15 rows a pixel, loses most of such a line; the
 * fast path keeps its ink. The reference is cairo at 16 × the resolution,
 * averaged down. */
static void
test_far_out_keeps_ink (void)
{
  TafelRect box;
  g_autoptr(GArray) strokes = load_strokes (400, &box);
  const TafelStroke *s = (const TafelStroke *) strokes->data;
  double scale = MIN (W / box.width, H / box.height) / 4;
  cairo_surface_t *fast, *big, *reference;
  Diff d;

  /* Sub-pixel strokes. */
  g_assert_cmpfloat (s[0].width * scale, <, 0.25);

  fast = render (s, strokes->len, scale, TARGET_IMAGE);
  big = white_image (W * 8, H * 8);
  {
    cairo_t *cr = cairo_create (big);

    cairo_arc (cr, W * 4.0, H * 4.0, 16.0 * (W + H), 0, 2 * G_PI);
    cairo_clip (cr);
    draw_strokes (cr, s, strokes->len, scale * 8, FALSE);
    cairo_destroy (cr);
  }
  reference = downsample (big, 8);

  d = compare (reference, fast);
  g_assert_cmpfloat (d.ink_a, >, 255.0 * 50);
  g_assert_cmpfloat (fabs (d.ink_ratio - 1), <, 0.15);
  g_assert_cmpfloat (d.mean, <, 2.0);

  cairo_surface_destroy (fast);
  cairo_surface_destroy (big);
  cairo_surface_destroy (reference);
}

/* Strokes far smaller than a pixel are still there, with about the ink
 * they have: a short line and a dot. */
static void
test_tiny_strokes_visible (void)
{
  TafelPoint line_points[] = { { 100, 100, 0.5f }, { 100.4f, 100.2f, 0.5f }, { 100.8f, 100.1f, 0.5f } };
  TafelPoint dot_point[] = { { 300, 300, 0.5f } };
  TafelStroke line = { TAFEL_TOOL_PEN, 0x000000ff, 4.0f, G_N_ELEMENTS (line_points), line_points };
  TafelStroke dot = { TAFEL_TOOL_PEN, 0x000000ff, 4.0f, 1, dot_point };
  const double scale = 0.05;   /* the line is 0.2 px wide and 0.04 px long */
  struct { const TafelStroke *stroke; double ink; } cases[] = {
    /* length × width + the round ends, in device pixels² */
    { &line, (0.45 + 0.41) * scale * 4.0 * scale + G_PI * pow (2.0 * scale, 2) },
    { &dot, G_PI * pow (2.0 * scale, 2) },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      cairo_surface_t *image = render (cases[c].stroke, 1, scale, TARGET_IMAGE);
      double ink = 0;

      for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
          ink += (255 - green_at (image, x, y)) / 255.0;
      g_test_message ("case %u: ink %.5f px², expected %.5f", c, ink, cases[c].ink);
      g_assert_cmpfloat (ink, >, 0);
      /* 8-bit pixels round the faintest ink: allow for a level a pixel. */
      g_assert_cmpfloat (fabs (ink - cases[c].ink), <, 0.25 * cases[c].ink + 4 / 255.0);
      cairo_surface_destroy (image);
    }
}

/* Points closer together than the decimation step are dropped, but the
 * first and last points stay: the line reaches both ends, on both paths. */
static void
test_decimation_keeps_ends (void)
{
  const guint n = 2001;
  g_autofree TafelPoint *points = g_new (TafelPoint, n);
  TafelStroke stroke = { TAFEL_TOOL_PEN, 0x000000ff, 1.0f, n, points };
  Target targets[] = { TARGET_IMAGE, TARGET_FULL_DETAIL };
  double widths[] = { 0.8, 3.0 };

  /* From (20, 50) to (120, 50), a point every 0.05 units, then a last
   * point down to (120.1, 50.1), nearer than the step to the one before. */
  for (guint i = 0; i + 1 < n; i++)
    points[i] = (TafelPoint) { 20 + 0.05f * i, 50, 0.5f };
  points[n - 1] = (TafelPoint) { 120.1f, 50.1f, 0.5f };

  for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
    for (guint wi = 0; wi < G_N_ELEMENTS (widths); wi++)
      {
        cairo_surface_t *image;

        stroke.width = widths[wi];
        image = render (&stroke, 1, 2.0, targets[t]);
        /* Device x from 40 to 240.2 at y 100. */
        g_assert_cmpuint (green_at (image, 40, 99) + green_at (image, 40, 100), <, 2 * 255 - 60);
        g_assert_cmpuint (green_at (image, 239, 99) + green_at (image, 239, 100), <, 2 * 255 - 60);
        g_assert_cmpuint (green_at (image, 140, 99) + green_at (image, 140, 100), <, 2 * 255 - 60);
        /* Nothing beyond the ends. */
        g_assert_cmpuint (green_at (image, 36, 100), ==, 255);
        g_assert_cmpuint (green_at (image, 245, 100), ==, 255);
        cairo_surface_destroy (image);
      }
}

/* A highlighter is at most half opaque however often it passes over a
 * pixel: one stroke's ink is summed before it is composited. */
static void
test_thin_highlighter_no_darkening (void)
{
  const guint n = 400;
  g_autofree TafelPoint *points = g_new (TafelPoint, n);
  TafelStroke stroke = { TAFEL_TOOL_HIGHLIGHTER, 0x000000ff, 1.6f, n, points };
  cairo_surface_t *image;
  guint8 darkest = 255;

  /* A zigzag over the same few pixels, 400 times. */
  for (guint i = 0; i < n; i++)
    points[i] = (TafelPoint) { 100 + (i % 2) * 20, 100 + (i % 3), 0.5f };

  image = render (&stroke, 1, 0.5, TARGET_IMAGE);
  for (int y = 45; y < 56; y++)
    for (int x = 45; x < 66; x++)
      darkest = MIN (darkest, green_at (image, x, y));
  g_test_message ("darkest %u", darkest);
  g_assert_cmpuint (darkest, <, 200);    /* it drew */
  g_assert_cmpuint (darkest, >=, 127);   /* never more than half */
  cairo_surface_destroy (image);
}

/* The fast path draws where cairo would: through a device offset, and
 * only inside a rectangular clip. */
static void
test_thin_offset_and_clip (void)
{
  TafelRect box;
  g_autoptr(GArray) strokes = load_strokes (100, &box);
  const TafelStroke *s = (const TafelStroke *) strokes->data;
  double scale = scale_for_width (s, strokes->len, 0.7);
  cairo_surface_t *plain = render (s, strokes->len, scale, TARGET_IMAGE);
  cairo_surface_t *shifted = white_image (W, H);
  cairo_surface_t *clipped = white_image (W, H);
  cairo_surface_t *translated = white_image (W, H);
  cairo_t *cr;
  int inked = 0;

  /* Drawing through a device offset of (30, 20) lands where drawing
   * translated by (30, 20) does. */
  cairo_surface_set_device_offset (shifted, 30, 20);
  cr = cairo_create (shifted);
  draw_strokes (cr, s, strokes->len, scale, TRUE);
  cairo_destroy (cr);
  cairo_surface_flush (shifted);
  cairo_surface_set_device_offset (shifted, 0, 0);
  cr = cairo_create (translated);
  cairo_translate (cr, 30, 20);
  draw_strokes (cr, s, strokes->len, scale, TRUE);
  cairo_destroy (cr);
  cairo_surface_flush (translated);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        g_assert_cmpuint (green_at (shifted, x, y), ==, green_at (translated, x, y));
        inked += green_at (shifted, x, y) < 255;
      }
  g_assert_cmpint (inked, >, 500);

  cr = cairo_create (clipped);
  cairo_rectangle (cr, 50, 40, 100, 80);
  cairo_clip (cr);
  draw_strokes (cr, s, strokes->len, scale, TRUE);
  cairo_destroy (cr);
  cairo_surface_flush (clipped);
  inked = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        gboolean inside = x >= 50 && x < 150 && y >= 40 && y < 120;
        guint8 want = inside ? green_at (plain, x, y) : 255;

        g_assert_cmpuint (green_at (clipped, x, y), ==, want);
        inked += want < 255;
      }
  g_assert_cmpint (inked, >, 50);

  cairo_surface_destroy (plain);
  cairo_surface_destroy (shifted);
  cairo_surface_destroy (clipped);
  cairo_surface_destroy (translated);
}

/* ---- Geometry ------------------------------------------------------------------ */

static void
test_point_segment_distance (void)
{
  double t = -1;

  /* Beside, before and after a segment; a segment of length 0. */
  g_assert_cmpfloat_with_epsilon (tafel_point_segment_distance (5, 3, 0, 0, 10, 0, &t), 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (t, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (tafel_point_segment_distance (-3, 4, 0, 0, 10, 0, &t), 5, 1e-12);
  g_assert_cmpfloat (t, ==, 0.0);
  g_assert_cmpfloat_with_epsilon (tafel_point_segment_distance (13, 4, 0, 0, 10, 0, &t), 5, 1e-12);
  g_assert_cmpfloat (t, ==, 1.0);
  g_assert_cmpfloat_with_epsilon (tafel_point_segment_distance (3, 4, 0, 0, 0, 0, NULL), 5, 1e-12);
}

static void
test_segment_distance (void)
{
  double s = -1;

  /* Crossing: 0, at the crossing. */
  g_assert_cmpfloat (tafel_segment_distance (0, 0, 10, 0, 4, -5, 4, 5, &s), ==, 0.0);
  g_assert_cmpfloat_with_epsilon (s, 0.4, 1e-12);
  /* Apart: the nearest ends, from either segment. */
  g_assert_cmpfloat_with_epsilon (tafel_segment_distance (0, 0, 10, 0, 4, 2, 4, 5, &s), 2, 1e-12);
  g_assert_cmpfloat_with_epsilon (s, 0.4, 1e-12);
  g_assert_cmpfloat_with_epsilon (tafel_segment_distance (0, 0, 10, 0, 13, -5, 13, 5, &s), 3, 1e-12);
  g_assert_cmpfloat (s, ==, 1.0);
  g_assert_cmpfloat_with_epsilon (tafel_segment_distance (4, 2, 4, 5, 0, 0, 10, 0, &s), 2, 1e-12);
  g_assert_cmpfloat (s, ==, 0.0);
  /* Parallel, and on one line. */
  g_assert_cmpfloat_with_epsilon (tafel_segment_distance (0, 0, 10, 0, 2, 1, 8, 1, NULL), 1, 1e-12);
  g_assert_cmpfloat_with_epsilon (tafel_segment_distance (0, 0, 10, 0, 12, 0, 20, 0, NULL), 2, 1e-12);
  g_assert_cmpfloat_with_epsilon (tafel_segment_distance (0, 0, 10, 0, 5, 0, 20, 0, NULL), 0, 1e-12);
  /* A point is its distance to the segment. */
  g_assert_cmpfloat (tafel_segment_distance (0, 0, 10, 0, 5, 3, 5, 3, &s), ==,
                     tafel_point_segment_distance (5, 3, 0, 0, 10, 0, NULL));
  g_assert_cmpfloat_with_epsilon (s, 0.5, 1e-12);
}

static void
test_segment_meets_rect (void)
{
  TafelRect r = { 10, 10, 20, 10 };

  /* Inside, across without an end inside, touching an edge, beside. */
  g_assert_true (tafel_segment_meets_rect (15, 15, 16, 16, &r));
  g_assert_true (tafel_segment_meets_rect (0, 15, 100, 15, &r));
  g_assert_true (tafel_segment_meets_rect (0, 0, 40, 40, &r));
  g_assert_true (tafel_segment_meets_rect (0, 20, 5, 20, &(TafelRect) { 5, 20, 1, 1 }));
  g_assert_true (tafel_segment_meets_rect (20, 20, 20, 20, &r));
  g_assert_false (tafel_segment_meets_rect (0, 0, 100, 0, &r));
  g_assert_false (tafel_segment_meets_rect (0, 9, 9, 9, &r));
  g_assert_false (tafel_segment_meets_rect (0, 25, 25, 50, &r));
  g_assert_false (tafel_segment_meets_rect (35, 15, 35, 15, &r));
}

int
main (int   argc,
      char *argv[])
{
  static const double widths[] = { 0.8, 1.4 };

  tafel_test_init (&argc, &argv);

  g_test_add_data_func ("/tafel/render/thin-agrees-with-full-detail/0.8px", &widths[0], check_thin_agrees);
  g_test_add_data_func ("/tafel/render/thin-agrees-with-full-detail/1.4px", &widths[1], check_thin_agrees);
  g_test_add_func ("/tafel/render/far-out-keeps-ink", test_far_out_keeps_ink);
  g_test_add_func ("/tafel/render/tiny-strokes-visible", test_tiny_strokes_visible);
  g_test_add_func ("/tafel/render/decimation-keeps-ends", test_decimation_keeps_ends);
  g_test_add_func ("/tafel/render/thin-highlighter-no-darkening", test_thin_highlighter_no_darkening);
  g_test_add_func ("/tafel/render/thin-offset-and-clip", test_thin_offset_and_clip);
  g_test_add_func ("/tafel/geometry/point-segment-distance", test_point_segment_distance);
  g_test_add_func ("/tafel/geometry/segment-distance", test_segment_distance);
  g_test_add_func ("/tafel/geometry/segment-meets-rect", test_segment_meets_rect);

  return g_test_run ();
}
