/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tafel-core.h"
#include "tafel-export.h"
#include "tafel-render.h"
#include "tafel-test-peer.h"
#include "tafel-test-util.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestPeer, test_peer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_surface_t, cairo_surface_destroy)

typedef struct
{
  const guint8 *data;
  gsize         len;
  gsize         pos;
} Reader;

static cairo_status_t
read_bytes (void          *closure,
            unsigned char *out,
            unsigned int   length)
{
  Reader *r = closure;

  if (r->pos + length > r->len)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (out, r->data + r->pos, length);
  r->pos += length;
  return CAIRO_STATUS_SUCCESS;
}

static cairo_surface_t *
png_decode (GBytes *png)
{
  Reader r = { g_bytes_get_data (png, NULL), g_bytes_get_size (png), 0 };
  cairo_surface_t *s = cairo_image_surface_create_from_png_stream (read_bytes, &r);

  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  return s;
}

/* 0xRRGGBB of a pixel (opaque images only). */
static guint32
pixel (cairo_surface_t *s,
       int              x,
       int              y)
{
  const guint8 *row;

  cairo_surface_flush (s);
  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, cairo_image_surface_get_width (s));
  g_assert_cmpint (y, <, cairo_image_surface_get_height (s));
  row = cairo_image_surface_get_data (s) + y * cairo_image_surface_get_stride (s);
  return ((const guint32 *) row)[x] & 0xffffff;
}

static guint
channel (guint32 rgb,
         int     shift)
{
  return (rgb >> shift) & 0xff;
}

/* A board with real strokes (some with pressure), a highlighter, every
 * shape and two texts. */
static TestPeer *
sample_board (void)
{
  TestPeer *peer = test_peer_new ();
  g_autoptr(GArray) strokes = test_load_trace ("excalidraw-strokes.ndjson");
  guint n = 0;

  if (strokes == NULL)
    {
      test_peer_free (peer);
      return NULL;
    }

  for (guint i = 0; i < strokes->len && n < 40; i++)
    {
      TafelStroke *s = &g_array_index (strokes, TafelStroke, i);
      double ox = -s->points[0].x + 60 + (n % 8) * 110;
      double oy = -s->points[0].y + 60 + (n / 8) * 110;
      g_autofree TafelPoint *points = g_new (TafelPoint, s->n_points);
      g_autoptr(GBytes) body = NULL;

      for (guint k = 0; k < s->n_points; k++)
        points[k] = (TafelPoint) { s->points[k].x + ox, s->points[k].y + oy,
                                   0.5 + 0.45 * sin (k * 0.15) };
      body = test_stroke_body (points, s->n_points, MAX (s->width, 2.0f) * 1.5,
                               s->rgba, TAFEL_TOOL_PEN);
      tafel_record_unref (test_peer_commit (peer, TAFEL_RECORD_KIND_STROKE, body));
      n++;
    }

  {
    TafelPoint hl[] = { { 50, 700, 0.5 }, { 300, 690, 0.5 }, { 600, 710, 0.5 } };
    g_autoptr(GBytes) hb = test_stroke_body (hl, 3, 24, 0xf6d32dff, TAFEL_TOOL_HIGHLIGHTER);
    g_autoptr(GBytes) s1 = test_shape_body (TAFEL_SHAPE_RECTANGLE, 650, 600, 900, 750, 3, 0x1c71d8ff, 0);
    g_autoptr(GBytes) s2 = test_shape_body (TAFEL_SHAPE_ELLIPSE, 660, 780, 880, 900, 4, 0xe01b24ff, 0x8ff0a4ff);
    g_autoptr(GBytes) s3 = test_shape_body (TAFEL_SHAPE_ARROW, 60, 800, 400, 880, 3, 0x241f31ff, 0);
    g_autoptr(GBytes) s4 = test_shape_body (TAFEL_SHAPE_LINE, 60, 920, 600, 920, 2, 0x613583ff, 0);
    g_autoptr(GBytes) t1 = test_text_body (420, 760, "Tafel — Grüße!", 36, 0x000000ff);
    g_autoptr(GBytes) t2 = test_text_body (100, 960, "日本語 ✓ e = mc²", 28, 0x1a5fb4ff);

    tafel_record_unref (test_peer_commit (peer, TAFEL_RECORD_KIND_STROKE, hb));
    tafel_record_unref (test_peer_commit (peer, TAFEL_RECORD_KIND_SHAPE, s1));
    tafel_record_unref (test_peer_commit (peer, TAFEL_RECORD_KIND_SHAPE, s2));
    tafel_record_unref (test_peer_commit (peer, TAFEL_RECORD_KIND_SHAPE, s3));
    tafel_record_unref (test_peer_commit (peer, TAFEL_RECORD_KIND_SHAPE, s4));
    tafel_record_unref (test_peer_commit (peer, TAFEL_RECORD_KIND_TEXT, t1));
    tafel_record_unref (test_peer_commit (peer, TAFEL_RECORD_KIND_TEXT, t2));
  }

  return peer;
}

static void
test_png_deterministic (void)
{
  g_autoptr(TestPeer) a = sample_board ();
  g_autoptr(TestPeer) b = NULL;
  g_autoptr(GBytes) p1 = NULL;
  g_autoptr(GBytes) p2 = NULL;
  g_autoptr(GBytes) p3 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(cairo_surface_t) image = NULL;
  TafelRect bounds;

  if (a == NULL)
    {
      g_test_skip ("The shared stroke traces (TAFEL_SHARED_DATA) are not there");
      return;
    }

  p1 = tafel_export_to_bytes (a->model, TAFEL_EXPORT_PNG, NULL, 0.75, &error);
  g_assert_no_error (error);
  p2 = tafel_export_to_bytes (a->model, TAFEL_EXPORT_PNG, NULL, 0.75, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (p1, p2));

  /* Another replica with the same records: the same bytes. */
  b = test_peer_new ();
  test_peer_sync (b, a);
  p3 = tafel_export_to_bytes (b->model, TAFEL_EXPORT_PNG, NULL, 0.75, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (p1, p3));

  /* The whole board plus the margin, at the scale asked for. */
  g_assert_true (tafel_board_model_get_bounds (a->model, &bounds));
  image = png_decode (p1);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==,
                   (int) ceil ((bounds.width + 2 * TAFEL_EXPORT_MARGIN) * 0.75));
  g_assert_cmpint (cairo_image_surface_get_height (image), ==,
                   (int) ceil ((bounds.height + 2 * TAFEL_EXPORT_MARGIN) * 0.75));
  /* White around the drawing. */
  g_assert_cmphex (pixel (image, 0, 0), ==, 0xffffff);

  if (g_getenv ("TAFEL_EXPORT_KEEP") != NULL)
    g_file_set_contents (g_getenv ("TAFEL_EXPORT_KEEP"), g_bytes_get_data (p1, NULL),
                         g_bytes_get_size (p1), NULL);
}

static void
test_export_errors (void)
{
  g_autoptr(TestPeer) a = test_peer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) body = test_line_stroke_body (0, 0, 100, 100, 5, 2);
  g_autofree char *dir = g_dir_make_tmp ("tafel-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "board.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) nowhere = g_file_new_for_path ("/nonexistent-tafel-dir/board.png");
  TafelExportFormat format;

  out = tafel_export_to_bytes (a->model, TAFEL_EXPORT_PNG, NULL, 1, &error);
  g_assert_error (error, TAFEL_EXPORT_ERROR, TAFEL_EXPORT_ERROR_EMPTY);
  g_assert_null (out);
  g_clear_error (&error);

  tafel_record_unref (test_peer_commit (a, TAFEL_RECORD_KIND_STROKE, body));

  g_assert_null (tafel_export_to_bytes (a->model, TAFEL_EXPORT_PNG, NULL, 0, &error));
  g_assert_error (error, TAFEL_EXPORT_ERROR, TAFEL_EXPORT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (tafel_export_to_bytes (a->model, TAFEL_EXPORT_PNG, NULL, NAN, &error));
  g_assert_error (error, TAFEL_EXPORT_ERROR, TAFEL_EXPORT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (tafel_export_to_bytes (a->model, TAFEL_EXPORT_SVG,
                                        &(TafelRect) { 0, 0, 0, 10 }, 1, &error));
  g_assert_error (error, TAFEL_EXPORT_ERROR, TAFEL_EXPORT_ERROR_INVALID);
  g_clear_error (&error);

  /* 132 units at scale 100: 13,200 pixels a side, too many in all. */
  g_assert_null (tafel_export_to_bytes (a->model, TAFEL_EXPORT_PNG, NULL, 100, &error));
  g_assert_error (error, TAFEL_EXPORT_ERROR, TAFEL_EXPORT_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_null (tafel_export_to_bytes (a->model, TAFEL_EXPORT_PDF, NULL, 1000, &error));
  g_assert_error (error, TAFEL_EXPORT_ERROR, TAFEL_EXPORT_ERROR_TOO_LARGE);
  g_clear_error (&error);

  g_assert_false (tafel_export_format_for_path ("board.jpg", &format, &error));
  g_assert_error (error, TAFEL_EXPORT_ERROR, TAFEL_EXPORT_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_false (tafel_export_format_for_path ("png", &format, &error));
  g_assert_error (error, TAFEL_EXPORT_ERROR, TAFEL_EXPORT_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_true (tafel_export_format_for_path ("/tmp/Board.PDF", &format, &error));
  g_assert_cmpint (format, ==, TAFEL_EXPORT_PDF);
  g_assert_true (tafel_export_format_for_path ("x.svg", &format, &error));
  g_assert_cmpint (format, ==, TAFEL_EXPORT_SVG);

  g_assert_false (tafel_export_to_file (a->model, TAFEL_EXPORT_PNG, NULL, 1, nowhere, &error));
  g_assert_error (error, TAFEL_EXPORT_ERROR, TAFEL_EXPORT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent-tafel-dir/board.png"));
  g_clear_error (&error);

  /* A written file; a failed export afterwards leaves it as it was. */
  g_assert_true (tafel_export_to_file (a->model, TAFEL_EXPORT_PNG, NULL, 1, file, &error));
  g_assert_no_error (error);
  {
    g_autofree char *before = NULL, *after = NULL;
    gsize len_before, len_after;

    g_assert_true (g_file_get_contents (path, &before, &len_before, NULL));
    g_assert_true (memcmp (before, "\x89PNG", 4) == 0);
    g_assert_false (tafel_export_to_file (a->model, TAFEL_EXPORT_PNG, NULL, 100, file, &error));
    g_assert_error (error, TAFEL_EXPORT_ERROR, TAFEL_EXPORT_ERROR_TOO_LARGE);
    g_clear_error (&error);
    g_assert_true (g_file_get_contents (path, &after, &len_after, NULL));
    g_assert_cmpmem (before, len_before, after, len_after);
  }

  g_unlink (path);
  g_rmdir (dir);
}

/* ---- Looks ------------------------------------------------------------------------ */

static cairo_surface_t *
render_area (TestPeer        *peer,
             const TafelRect *area,
             double           scale)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = tafel_export_to_bytes (peer->model, TAFEL_EXPORT_PNG, area, scale, &error);

  g_assert_no_error (error);
  return png_decode (png);
}

static int
ink_height (cairo_surface_t *s,
            int              x)
{
  int n = 0;

  for (int y = 0; y < cairo_image_surface_get_height (s); y++)
    if (channel (pixel (s, x, y), 16) < 128)
      n++;

  return n;
}

static void
test_render_pressure (void)
{
  g_autoptr(TestPeer) a = test_peer_new ();
  TafelPoint points[21];
  g_autoptr(GBytes) body = NULL;
  g_autoptr(cairo_surface_t) s = NULL;

  /* Pressure rising from 0 to 1 along a horizontal stroke of width 10. */
  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    points[i] = (TafelPoint) { 10 + i * 10, 50, i / 20.0 };
  body = test_stroke_body (points, G_N_ELEMENTS (points), 10, 0x000000ff, TAFEL_TOOL_PEN);
  tafel_record_unref (test_peer_commit (a, TAFEL_RECORD_KIND_STROKE, body));

  s = render_area (a, &(TafelRect) { 0, 0, 230, 100 }, 1);
  /* Width at pressure p is 10 · (0.25 + 1.5 p): 2.5 at the start, 17.5 at the end. */
  g_assert_cmpint (ink_height (s, 12), <=, 4);
  g_assert_cmpint (ink_height (s, 110), >=, 9);
  g_assert_cmpint (ink_height (s, 110), <=, 11);
  g_assert_cmpint (ink_height (s, 205), >=, 16);
  /* Smoothly: no step bigger than what the pressure ramp allows. */
  for (int x = 15; x < 200; x++)
    g_assert_cmpint (ABS (ink_height (s, x + 1) - ink_height (s, x)), <=, 2);
}

static void
test_render_highlighter_beneath_ink (void)
{
  g_autoptr(TestPeer) a = test_peer_new ();
  g_autoptr(GBytes) ink = test_line_stroke_body (0, 50, 200, 50, 5, 6);
  TafelPoint hl[] = { { 100, 0, 0.5 }, { 100, 100, 0.5 } };
  g_autoptr(GBytes) marker = test_stroke_body (hl, 2, 30, 0xf6d32dff, TAFEL_TOOL_HIGHLIGHTER);
  g_autoptr(cairo_surface_t) s = NULL;
  guint32 under, crossing;

  /* The highlighter comes later (on top in z-order) and still lies beneath. */
  tafel_record_unref (test_peer_commit (a, TAFEL_RECORD_KIND_STROKE, ink));
  tafel_record_unref (test_peer_commit (a, TAFEL_RECORD_KIND_STROKE, marker));

  s = render_area (a, &(TafelRect) { 0, 0, 200, 100 }, 1);
  crossing = pixel (s, 100, 50);
  under = pixel (s, 100, 20);
  g_assert_cmphex (crossing, ==, 0x000000);
  /* Translucent: yellow mixed with the white beneath, not the pure colour. */
  g_assert_cmpuint (channel (under, 16), >=, 0xf0);
  g_assert_cmpuint (channel (under, 0), >, 0x2d + 0x40);
  g_assert_cmpuint (channel (under, 0), <, 0xe0);
}

static void
test_render_shapes_and_text (void)
{
  g_autoptr(TestPeer) a = test_peer_new ();
  g_autoptr(GBytes) rect = test_shape_body (TAFEL_SHAPE_RECTANGLE, 10, 10, 90, 90, 4, 0x0000ffff, 0);
  g_autoptr(GBytes) ellipse = test_shape_body (TAFEL_SHAPE_ELLIPSE, 110, 10, 190, 90, 2, 0x000000ff, 0x00ff00ff);
  g_autoptr(GBytes) arrow = test_shape_body (TAFEL_SHAPE_ARROW, 210, 50, 300, 50, 2, 0xff0000ff, 0);
  g_autoptr(GBytes) text = test_text_body (10, 110, "Tafel", 40, 0x000000ff);
  g_autoptr(cairo_surface_t) s = NULL;
  int dark = 0;

  tafel_record_unref (test_peer_commit (a, TAFEL_RECORD_KIND_SHAPE, rect));
  tafel_record_unref (test_peer_commit (a, TAFEL_RECORD_KIND_SHAPE, ellipse));
  tafel_record_unref (test_peer_commit (a, TAFEL_RECORD_KIND_SHAPE, arrow));
  tafel_record_unref (test_peer_commit (a, TAFEL_RECORD_KIND_TEXT, text));

  s = render_area (a, &(TafelRect) { 0, 0, 320, 180 }, 1);
  g_assert_cmphex (pixel (s, 10, 50), ==, 0x0000ff);   /* rectangle outline */
  g_assert_cmphex (pixel (s, 50, 50), ==, 0xffffff);   /* not filled */
  g_assert_cmphex (pixel (s, 150, 50), ==, 0x00ff00);  /* ellipse fill */
  g_assert_cmphex (pixel (s, 112, 12), ==, 0xffffff);  /* outside the ellipse */
  g_assert_cmphex (pixel (s, 250, 50), ==, 0xff0000);  /* arrow shaft */
  g_assert_cmphex (pixel (s, 290, 53), ==, 0xff0000);  /* its head is wider than the shaft */
  g_assert_cmphex (pixel (s, 250, 53), ==, 0xffffff);

  for (int y = 110; y < 160; y++)
    for (int x = 10; x < 120; x++)
      if (channel (pixel (s, x, y), 8) < 100)
        dark++;
  g_assert_cmpint (dark, >, 200);
}

typedef struct
{
  TafelRenderList *list;
  TafelView        view;
  cairo_surface_t *surface;
} DrawJob;

static gpointer
draw_job (gpointer data)
{
  DrawJob *job = data;
  cairo_t *cr = cairo_create (job->surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  tafel_render_list_draw (job->list, cr, &job->view);
  cairo_destroy (cr);
  return NULL;
}

static void
test_render_list_snapshot (void)
{
  g_autoptr(TestPeer) a = sample_board ();
  g_autoptr(GPtrArray) objects = g_ptr_array_new ();
  g_autoptr(TafelRenderList) list = NULL;
  g_autoptr(cairo_surface_t) direct = NULL;
  g_autoptr(cairo_surface_t) later = NULL;
  g_autoptr(cairo_surface_t) threaded = NULL;
  TafelView view = { 0.5, 0, 0 };
  DrawJob job;
  GThread *thread;
  cairo_t *cr;
  int w = 500, h = 520;

  if (a == NULL)
    {
      g_test_skip ("The shared stroke traces (TAFEL_SHARED_DATA) are not there");
      return;
    }

  tafel_board_model_query (a->model, NULL, objects);
  list = tafel_render_list_new ((TafelObject * const *) objects->pdata, objects->len);
  g_assert_cmpuint (tafel_render_list_get_size (list), ==, objects->len);

  direct = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cr = cairo_create (direct);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  tafel_render_objects (cr, &view, (TafelObject * const *) objects->pdata, objects->len);
  cairo_destroy (cr);

  /* The model changes: everything erased. The snapshot still draws what was. */
  {
    g_autoptr(GBytes) clear = test_clear_body (a->log);

    tafel_record_unref (test_peer_commit (a, TAFEL_RECORD_KIND_CLEAR, clear));
    g_assert_cmpuint (tafel_board_model_get_n_visible (a->model), ==, 0);
  }

  later = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  job = (DrawJob) { list, view, later };
  draw_job (&job);

  /* On another thread, too. */
  threaded = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  job = (DrawJob) { list, view, threaded };
  thread = g_thread_new ("draw", draw_job, &job);
  g_thread_join (thread);

  cairo_surface_flush (direct);
  cairo_surface_flush (later);
  cairo_surface_flush (threaded);
  g_assert_cmpmem (cairo_image_surface_get_data (direct), cairo_image_surface_get_stride (direct) * h,
                   cairo_image_surface_get_data (later), cairo_image_surface_get_stride (later) * h);
  g_assert_cmpmem (cairo_image_surface_get_data (direct), cairo_image_surface_get_stride (direct) * h,
                   cairo_image_surface_get_data (threaded), cairo_image_surface_get_stride (threaded) * h);

  /* And it drew something: not a blank page. */
  {
    int dark = 0;

    for (int y = 0; y < h; y += 2)
      for (int x = 0; x < w; x += 2)
        if (pixel (direct, x, y) != 0xffffff)
          dark++;
    g_assert_cmpint (dark, >, 500);
  }
}

/* ---- Options: scale, transparency, pages ----------------------------------------- */

static gboolean run (const char * const *argv);

/* The alpha of a pixel of an ARGB32 image. */
static guint
alpha (cairo_surface_t *s,
       int              x,
       int              y)
{
  cairo_surface_flush (s);
  return cairo_image_surface_get_data (s)[y * cairo_image_surface_get_stride (s) + x * 4 + 3];
}

/* The MediaBox of a PDF's one page, as cairo writes it: "[ 0 0 W H ]". */
static void
media_box (GBytes *pdf,
           double *width,
           double *height)
{
  const char *box = NULL;
  gsize size = g_bytes_get_size (pdf);
  const char *data = g_bytes_get_data (pdf, NULL);

  /* The PDF holds binary streams: search past their NUL bytes. */
  for (gsize i = 0; i + 9 < size && box == NULL; i++)
    if (memcmp (data + i, "/MediaBox", 9) == 0)
      box = data + i;
  g_assert_nonnull (box);
  g_assert_cmpint (sscanf (box, "/MediaBox [ 0 0 %lf %lf ]", width, height), ==, 2);
}

static void
test_export_options (void)
{
  g_autoptr(TestPeer) a = sample_board ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) one = NULL, two = NULL, dpi = NULL, clear = NULL, a4 = NULL, letter = NULL;
  g_autoptr(cairo_surface_t) i1 = NULL, i2 = NULL, i3 = NULL, it = NULL;
  TafelExportOptions options = TAFEL_EXPORT_OPTIONS_INIT;
  TafelRect area;
  double w, h;

  if (a == NULL)
    {
      g_test_skip ("The shared stroke traces (TAFEL_SHARED_DATA) are not there");
      return;
    }

  /* 2× is twice the pixels on each side; 192 DPI is 2×. */
  one = tafel_export_to_bytes_full (a->model, TAFEL_EXPORT_PNG, NULL, &options, &error);
  g_assert_no_error (error);
  options.scale = 2.0;
  two = tafel_export_to_bytes_full (a->model, TAFEL_EXPORT_PNG, NULL, &options, &error);
  g_assert_no_error (error);
  i1 = png_decode (one);
  i2 = png_decode (two);
  g_assert_true (tafel_export_get_area (a->model, NULL, &area, NULL));
  g_assert_cmpint (cairo_image_surface_get_width (i1), ==, (int) ceil (area.width));
  g_assert_cmpint (cairo_image_surface_get_width (i2), ==, (int) ceil (area.width * 2));
  g_assert_cmpint (cairo_image_surface_get_height (i2), ==, (int) ceil (area.height * 2));
  /* Twice the pixels on a side, but for the rounding up of the last one. */
  g_assert_cmpint (ABS (cairo_image_surface_get_width (i2) - 2 * cairo_image_surface_get_width (i1)), <=, 1);
  g_assert_cmpint (ABS (cairo_image_surface_get_height (i2) - 2 * cairo_image_surface_get_height (i1)), <=, 1);
  options.scale = 192.0 / 96.0;
  dpi = tafel_export_to_bytes_full (a->model, TAFEL_EXPORT_PNG, NULL, &options, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (dpi, two));

  /* Transparent: the corners (the margin) have alpha 0, the ink is there. */
  options.scale = 1.0;
  options.transparent = TRUE;
  clear = tafel_export_to_bytes_full (a->model, TAFEL_EXPORT_PNG, NULL, &options, &error);
  g_assert_no_error (error);
  it = png_decode (clear);
  g_assert_cmpint (cairo_image_surface_get_format (it), ==, CAIRO_FORMAT_ARGB32);
  {
    int iw = cairo_image_surface_get_width (it), ih = cairo_image_surface_get_height (it);
    guint opaque = 0;

    g_assert_cmpuint (alpha (it, 0, 0), ==, 0);
    g_assert_cmpuint (alpha (it, iw - 1, 0), ==, 0);
    g_assert_cmpuint (alpha (it, 0, ih - 1), ==, 0);
    g_assert_cmpuint (alpha (it, iw - 1, ih - 1), ==, 0);
    for (int y = 0; y < ih; y += 2)
      for (int x = 0; x < iw; x += 2)
        opaque += alpha (it, x, y) == 255;
    g_assert_cmpuint (opaque, >, 500);
  }
  /* The opaque export has a white corner (no alpha channel at all). */
  g_assert_cmpint (cairo_image_surface_get_format (i1), ==, CAIRO_FORMAT_RGB24);
  g_assert_cmphex (pixel (i1, 0, 0), ==, 0xffffff);

  /* An A4 page: its media box, with the board scaled to fit its margins. */
  options = TAFEL_EXPORT_OPTIONS_INIT;
  options.page = TAFEL_EXPORT_PAGE_A4;
  a4 = tafel_export_to_bytes_full (a->model, TAFEL_EXPORT_PDF, NULL, &options, &error);
  g_assert_no_error (error);
  media_box (a4, &w, &h);
  g_assert_cmpfloat_with_epsilon (w, 595.28, 0.01);
  g_assert_cmpfloat_with_epsilon (h, 841.89, 0.01);
  /* Letter on its side. */
  options.page = TAFEL_EXPORT_PAGE_LETTER;
  options.landscape = TRUE;
  letter = tafel_export_to_bytes_full (a->model, TAFEL_EXPORT_PDF, NULL, &options, &error);
  g_assert_no_error (error);
  media_box (letter, &w, &h);
  g_assert_cmpfloat_with_epsilon (w, 792, 0.01);
  g_assert_cmpfloat_with_epsilon (h, 612, 0.01);

  /* Scaled to fit: on the page, rasterised, the ink spans the page's
   * width inside the margins (the board is wider than tall). */
  g_assert_cmpfloat (area.width / area.height, >, 612.0 / 792.0);
  {
    g_autofree char *pdftoppm = g_find_program_in_path ("pdftoppm");
    g_autofree char *dir = NULL, *pdf = NULL, *base = NULL, *png = NULL;
    g_autoptr(cairo_surface_t) page = NULL;
    int left = -1, right = -1;

    if (pdftoppm == NULL)
      {
        g_test_message ("pdftoppm is missing: the page is not looked at");
        return;
      }
    dir = g_dir_make_tmp ("tafel-page-XXXXXX", NULL);
    pdf = g_build_filename (dir, "a4.pdf", NULL);
    base = g_build_filename (dir, "a4", NULL);
    png = g_build_filename (dir, "a4-1.png", NULL);
    g_assert_true (g_file_set_contents (pdf, g_bytes_get_data (a4, NULL), g_bytes_get_size (a4), NULL));
    g_assert_true (run ((const char *[]) { pdftoppm, "-r", "72", "-png", pdf, base, NULL }));
    page = cairo_image_surface_create_from_png (png);
    g_assert_cmpint (cairo_surface_status (page), ==, CAIRO_STATUS_SUCCESS);
    g_assert_cmpint (ABS (cairo_image_surface_get_width (page) - 595), <=, 1);
    for (int x = 0; x < 595; x++)
      for (int y = 0; y < cairo_image_surface_get_height (page); y++)
        if ((pixel (page, x, y) & 0xff) < 0xc0)
          {
            if (left < 0)
              left = x;
            right = x;
            break;
          }
    g_test_message ("ink from x=%d to x=%d of 595", left, right);
    /* Inside the 36 pt margins, and more than the page's width less the
     * margins, less the board's own margin and a little. */
    g_assert_cmpint (left, >=, 36 - 1);
    g_assert_cmpint (right, <=, 595 - 36 + 1);
    g_assert_cmpint (right - left, >, 595 - 2 * 36 - 2 * 40);
    g_unlink (png);
    g_unlink (pdf);
    g_rmdir (dir);
  }
}

/* ---- PNG, SVG and PDF agree -------------------------------------------------------- */

static gboolean
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, &error))
    {
      g_test_message ("%s: %s", argv[0], error->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, &error))
    {
      g_test_message ("%s: %s: %s", argv[0], error->message, err);
      return FALSE;
    }
  return TRUE;
}

/* Rasterisers differ at edges (antialiasing, half-pixel glyph placement),
 * so images are compared in blocks of BLOCK × BLOCK pixels, by their mean
 * colour: an edge drawn a little differently moves a block's mean a few
 * levels, a missing or misplaced piece of ink moves it a lot. */
#define BLOCK 12

static void
compare_images (cairo_surface_t *ref,
                cairo_surface_t *other,
                const char      *what)
{
  int w = cairo_image_surface_get_width (ref), h = cairo_image_surface_get_height (ref);
  guint n_blocks = 0, bad = 0, worst = 0;
  double total = 0;

  g_assert_cmpint (cairo_image_surface_get_width (other), ==, w);
  g_assert_cmpint (cairo_image_surface_get_height (other), ==, h);

  for (int by = 0; by + BLOCK <= h; by += BLOCK)
    for (int bx = 0; bx + BLOCK <= w; bx += BLOCK)
      {
        guint d = 0;

        for (int c = 0; c < 24; c += 8)
          {
            int sum_ref = 0, sum_other = 0;

            for (int y = by; y < by + BLOCK; y++)
              for (int x = bx; x < bx + BLOCK; x++)
                {
                  sum_ref += channel (pixel (ref, x, y), c);
                  sum_other += channel (pixel (other, x, y), c);
                }
            d = MAX (d, (guint) ABS (sum_ref - sum_other) / (BLOCK * BLOCK));
          }

        n_blocks++;
        total += d;
        worst = MAX (worst, d);
        if (d > 24)
          {
            bad++;
            if (g_getenv ("TAFEL_AGREE_KEEP") != NULL)
              g_test_message ("block at %d,%d differs by %u", bx, by, d);
          }
      }

  g_test_message ("%s vs PNG: %u blocks of %d × %d, mean difference %.3f, %u differ by more "
                  "than 24 levels, worst %u", what, n_blocks, BLOCK, BLOCK, total / n_blocks, bad, worst);

  g_assert_cmpfloat (total / n_blocks, <, 1.0);
  g_assert_cmpuint (bad, <=, 2);
}

static void
test_formats_agree (void)
{
  g_autoptr(TestPeer) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *png_path = NULL, *svg_path = NULL, *pdf_path = NULL;
  g_autofree char *svg_png = NULL, *pdf_png_base = NULL, *pdf_png = NULL;
  g_autofree char *ws = NULL, *hs = NULL;
  g_autoptr(cairo_surface_t) ref = NULL;
  g_autoptr(cairo_surface_t) from_svg = NULL;
  g_autoptr(cairo_surface_t) from_pdf = NULL;
  const double scale = 0.8;
  const char *formats[] = { "png", "svg", "pdf" };
  TafelExportFormat fmts[] = { TAFEL_EXPORT_PNG, TAFEL_EXPORT_SVG, TAFEL_EXPORT_PDF };
  g_autofree char *rsvg = g_find_program_in_path ("rsvg-convert");
  g_autofree char *pdftoppm = g_find_program_in_path ("pdftoppm");

  if (rsvg == NULL || pdftoppm == NULL)
    {
      g_test_skip ("rsvg-convert (librsvg2-bin) and pdftoppm (poppler-utils) are needed");
      return;
    }
  a = sample_board ();
  if (a == NULL)
    {
      g_test_skip ("The shared stroke traces (TAFEL_SHARED_DATA) are not there");
      return;
    }

  dir = g_dir_make_tmp ("tafel-agree-XXXXXX", &error);
  g_assert_no_error (error);
  png_path = g_build_filename (dir, "board.png", NULL);
  svg_path = g_build_filename (dir, "board.svg", NULL);
  pdf_path = g_build_filename (dir, "board.pdf", NULL);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/board.%s", dir, formats[i]);
      g_autoptr(GFile) file = g_file_new_for_path (path);

      g_assert_true (tafel_export_to_file (a->model, fmts[i], NULL, scale, file, &error));
      g_assert_no_error (error);
    }

  ref = cairo_image_surface_create_from_png (png_path);
  g_assert_cmpint (cairo_surface_status (ref), ==, CAIRO_STATUS_SUCCESS);
  ws = g_strdup_printf ("%d", cairo_image_surface_get_width (ref));
  hs = g_strdup_printf ("%d", cairo_image_surface_get_height (ref));

  svg_png = g_build_filename (dir, "from-svg.png", NULL);
  g_assert_true (run ((const char *[]) { "rsvg-convert", "-b", "white", "-o", svg_png, svg_path, NULL }));
  pdf_png_base = g_build_filename (dir, "from-pdf", NULL);
  pdf_png = g_strconcat (pdf_png_base, ".png", NULL);
  g_assert_true (run ((const char *[]) { "pdftoppm", "-png", "-singlefile", "-r", "72",
                                         "-scale-to-x", ws, "-scale-to-y", hs,
                                         pdf_path, pdf_png_base, NULL }));

  from_svg = cairo_image_surface_create_from_png (svg_png);
  from_pdf = cairo_image_surface_create_from_png (pdf_png);
  g_assert_cmpint (cairo_surface_status (from_svg), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_surface_status (from_pdf), ==, CAIRO_STATUS_SUCCESS);

  compare_images (ref, from_svg, "SVG (rsvg-convert)");
  compare_images (ref, from_pdf, "PDF (pdftoppm)");

  if (g_getenv ("TAFEL_AGREE_KEEP") != NULL)
    {
      g_test_message ("kept in %s", dir);
      return;
    }
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/board.%s", dir, formats[i]);

      g_unlink (path);
    }
  g_unlink (svg_png);
  g_unlink (pdf_png);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/export/png-deterministic", test_png_deterministic);
  g_test_add_func ("/tafel/export/errors", test_export_errors);
  g_test_add_func ("/tafel/export/options", test_export_options);
  g_test_add_func ("/tafel/export/formats-agree", test_formats_agree);
  g_test_add_func ("/tafel/render/pressure", test_render_pressure);
  g_test_add_func ("/tafel/render/highlighter-beneath-ink", test_render_highlighter_beneath_ink);
  g_test_add_func ("/tafel/render/shapes-and-text", test_render_shapes_and_text);
  g_test_add_func ("/tafel/render/list-snapshot", test_render_list_snapshot);

  return g_test_run ();
}
