/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <pango/pangocairo.h>

#include "tafel-geometry.h"
#include "tafel-render.h"
#include "tafel-render-private.h"

#define PRESSURE_MIN_FACTOR TAFEL_RENDER_PRESSURE_MIN_FACTOR
#define PRESSURE_SPAN       TAFEL_RENDER_PRESSURE_SPAN

/* Below this many device pixels of width variation a pen stroke is drawn
 * as one constant-width line: nobody can see the difference, and cairo
 * strokes a line much faster than it fills a union of discs. */
#define WIDTH_VARIATION_PX  0.25
#define DECIMATE_PX         TAFEL_RENDER_DECIMATE_PX
#define SMOOTH_PX           TAFEL_RENDER_SMOOTH_PX
/* How far (device pixels) cairo may flatten curves, arcs and round joins
 * from the true shape: a quarter pixel cannot be seen, and compared with
 * cairo's default of a tenth it makes a zoomed-out board (many tiny round
 * joins) draw five times faster (tests/bench). */
#define TOLERANCE_PX        0.25
#define MAX_SUBDIVISIONS    TAFEL_RENDER_MAX_SUBDIVISIONS

#define ARROW_HEAD_ANGLE    (25.0 * G_PI / 180.0)

static inline void
set_source_rgba32 (cairo_t *cr,
                   guint32  rgba,
                   double   max_alpha)
{
  cairo_set_source_rgba (cr,
                         ((rgba >> 24) & 0xff) / 255.0,
                         ((rgba >> 16) & 0xff) / 255.0,
                         ((rgba >> 8) & 0xff) / 255.0,
                         MIN ((rgba & 0xff) / 255.0, max_alpha));
}

/* Device pixels per user unit, for level-of-detail decisions. */
static double
device_scale (cairo_t *cr)
{
  cairo_matrix_t m;

  cairo_get_matrix (cr, &m);
  return sqrt (fabs (m.xx * m.yy - m.xy * m.yx));
}

#define clamp_pressure _tafel_render_clamp_pressure

/**
 * tafel_stroke_width_at:
 * @stroke: a stroke
 * @pressure: 0..1
 *
 * The width a pen stroke has where the pen pressed with @pressure; the
 * nominal width at 0.5. Highlighters are as wide as their nominal width
 * everywhere.
 *
 * Returns: the width in the stroke's own units
 */
double
tafel_stroke_width_at (const TafelStroke *stroke,
                       float              pressure)
{
  g_return_val_if_fail (stroke != NULL, 0.0);

  if (stroke->tool == TAFEL_TOOL_HIGHLIGHTER)
    return stroke->width;

  return stroke->width * (PRESSURE_MIN_FACTOR + PRESSURE_SPAN * clamp_pressure (pressure));
}

static double
stroke_max_radius (const TafelStroke *stroke)
{
  float pmax = 0.0f;

  if (stroke->tool == TAFEL_TOOL_HIGHLIGHTER)
    return stroke->width / 2.0;

  for (guint i = 0; i < stroke->n_points; i++)
    pmax = MAX (pmax, clamp_pressure (stroke->points[i].pressure));

  return tafel_stroke_width_at (stroke, pmax) / 2.0;
}

/**
 * tafel_stroke_get_extents:
 * @stroke: a stroke
 * @extents: (out): the box its ink covers
 *
 * The box covered by the stroke's ink in its own coordinates: its points
 * grown by the widest half width. Smoothing never leaves the points' box
 * (see segment_controls()).
 */
void
tafel_stroke_get_extents (const TafelStroke *stroke,
                          TafelRect         *extents)
{
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  double r;

  g_return_if_fail (stroke != NULL);
  g_return_if_fail (extents != NULL);

  if (stroke->n_points == 0)
    {
      *extents = (TafelRect) { 0, 0, 0, 0 };
      return;
    }

  for (guint i = 0; i < stroke->n_points; i++)
    {
      x0 = MIN (x0, stroke->points[i].x);
      y0 = MIN (y0, stroke->points[i].y);
      x1 = MAX (x1, stroke->points[i].x);
      y1 = MAX (y1, stroke->points[i].y);
    }

  r = stroke_max_radius (stroke);
  *extents = (TafelRect) { x0 - r, y0 - r, (x1 - x0) + 2 * r, (y1 - y0) + 2 * r };
}

/* ---- Stroke geometry ----------------------------------------------------- */

typedef TafelRenderDisc Disc;

/* The points worth drawing at @min_step user units apart, with their radii.
 * The first and last points always stay. */
static GArray *
stroke_discs (const TafelStroke *stroke,
              double             min_step)
{
  GArray *discs = g_array_sized_new (FALSE, FALSE, sizeof (Disc), stroke->n_points);
  double min_step2 = min_step * min_step;

  for (guint i = 0; i < stroke->n_points; i++)
    {
      const TafelPoint *p = &stroke->points[i];
      Disc d = { p->x, p->y, tafel_stroke_width_at (stroke, p->pressure) / 2.0 };

      if (discs->len > 0)
        {
          Disc *last = &g_array_index (discs, Disc, discs->len - 1);
          double dx = d.x - last->x, dy = d.y - last->y;

          if (dx * dx + dy * dy < min_step2)
            {
              /* Too close: the end point replaces a kept neighbour rather
               * than being lost; elsewhere keep the wider of the two. */
              if (i + 1 == stroke->n_points && discs->len > 1)
                *last = (Disc) { d.x, d.y, MAX (d.r, last->r) };
              else
                last->r = MAX (last->r, d.r);
              continue;
            }
        }

      g_array_append_val (discs, d);
    }

  return discs;
}

typedef TafelRenderBox Box;

static Box
discs_box (GArray *discs)
{
  Box box = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };

  for (guint i = 0; i < discs->len; i++)
    {
      const Disc *d = &g_array_index (discs, Disc, i);

      box.x0 = MIN (box.x0, d->x);
      box.y0 = MIN (box.y0, d->y);
      box.x1 = MAX (box.x1, d->x);
      box.y1 = MAX (box.y1, d->y);
    }

  return box;
}

#define segment_controls _tafel_render_segment_controls
#define bezier_at        _tafel_render_bezier_at

/* A smooth constant-width path through the discs' centres: short segments
 * as lines, long ones as curves. */
static void
draw_path (cairo_t *cr,
           GArray  *discs,
           double   smooth_step)
{
  const Disc *p = (const Disc *) discs->data;
  guint n = discs->len;
  Box box = discs_box (discs);

  cairo_move_to (cr, p[0].x, p[0].y);
  for (guint i = 0; i + 1 < n; i++)
    {
      const Disc *b = &p[i];
      const Disc *c = &p[i + 1];
      double dx = c->x - b->x, dy = c->y - b->y;

      if (n > 2 && dx * dx + dy * dy > smooth_step * smooth_step)
        {
          double ctl[4];

          segment_controls (&p[i > 0 ? i - 1 : 0], b, c, &p[i + 2 < n ? i + 2 : n - 1],
                            &box, ctl);
          cairo_curve_to (cr, ctl[0], ctl[1], ctl[2], ctl[3], c->x, c->y);
        }
      else
        {
          cairo_line_to (cr, c->x, c->y);
        }
    }
}

/* Adds a closed polygon with the orientation cairo_arc() uses (positive
 * signed area), so that under the winding rule every piece adds to, and
 * never cancels, the union. */
static void
add_quad (cairo_t      *cr,
          const double  q[8])
{
  double area = 0.0;

  for (int i = 0; i < 4; i++)
    {
      int j = (i + 1) % 4;
      area += q[2 * i] * q[2 * j + 1] - q[2 * j] * q[2 * i + 1];
    }

  if (area >= 0)
    {
      cairo_move_to (cr, q[0], q[1]);
      cairo_line_to (cr, q[2], q[3]);
      cairo_line_to (cr, q[4], q[5]);
      cairo_line_to (cr, q[6], q[7]);
    }
  else
    {
      cairo_move_to (cr, q[6], q[7]);
      cairo_line_to (cr, q[4], q[5]);
      cairo_line_to (cr, q[2], q[3]);
      cairo_line_to (cr, q[0], q[1]);
    }
  cairo_close_path (cr);
}

/* The region between two discs bounded by their outer common tangents. */
static void
add_tangent_hull (cairo_t    *cr,
                  const Disc *a,
                  const Disc *b)
{
  double dx = b->x - a->x, dy = b->y - a->y;
  double d = sqrt (dx * dx + dy * dy);
  double ux, uy, k, h;
  double n1x, n1y, n2x, n2y;
  double q[8];

  /* One disc inside the other: the larger disc is the hull. */
  if (d <= fabs (a->r - b->r) + 1e-9)
    return;

  ux = dx / d;
  uy = dy / d;
  k = (a->r - b->r) / d;
  h = sqrt (MAX (0.0, 1.0 - k * k));
  n1x = k * ux - h * uy;
  n1y = k * uy + h * ux;
  n2x = k * ux + h * uy;
  n2y = k * uy - h * ux;

  q[0] = a->x + a->r * n1x; q[1] = a->y + a->r * n1y;
  q[2] = b->x + b->r * n1x; q[3] = b->y + b->r * n1y;
  q[4] = b->x + b->r * n2x; q[5] = b->y + b->r * n2y;
  q[6] = a->x + a->r * n2x; q[7] = a->y + a->r * n2y;
  add_quad (cr, q);
}

static void
add_disc (cairo_t    *cr,
          const Disc *d)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, d->x, d->y, d->r, 0, 2 * G_PI);
  cairo_close_path (cr);
}

/* The union of discs along the stroke and the hulls between neighbours,
 * as one path filled once: translucent ink does not darken where the
 * pieces overlap. Long segments are subdivided along the spline first. */
static void
fill_variable_width (cairo_t *cr,
                     GArray  *discs,
                     double   smooth_step)
{
  const Disc *p = (const Disc *) discs->data;
  guint n = discs->len;
  Box box = discs_box (discs);
  Disc prev = p[0];

  cairo_new_path (cr);
  add_disc (cr, &p[0]);

  for (guint i = 0; i + 1 < n; i++)
    {
      const Disc *b = &p[i];
      const Disc *c = &p[i + 1];
      double len = hypot (c->x - b->x, c->y - b->y);
      double ctl[4] = { b->x, b->y, c->x, c->y };
      guint pieces = 1;

      if (n > 2 && len > smooth_step)
        {
          pieces = MIN (MAX_SUBDIVISIONS, (guint) ceil (len / smooth_step));
          segment_controls (&p[i > 0 ? i - 1 : 0], b, c, &p[i + 2 < n ? i + 2 : n - 1],
                            &box, ctl);
        }

      for (guint k = 1; k <= pieces; k++)
        {
          Disc next = k == pieces ? *c : bezier_at (b, ctl, c, (double) k / pieces);

          add_tangent_hull (cr, &prev, &next);
          add_disc (cr, &next);
          prev = next;
        }
    }

  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_WINDING);
  cairo_fill (cr);
}

/**
 * tafel_render_stroke:
 * @cr: where to draw, in the stroke's own coordinates
 * @stroke: the stroke
 *
 * Draws a stroke: see tafel-render.h for how it looks.
 */
void
tafel_render_stroke (cairo_t           *cr,
                     const TafelStroke *stroke)
{
  g_autoptr(GArray) discs = NULL;
  double scale;
  double rmin = G_MAXDOUBLE, rmax = 0.0;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (stroke != NULL);

  if (stroke->n_points == 0 || !(stroke->width > 0))
    return;

  scale = device_scale (cr);
  if (!(scale > 0))
    return;

  /* Thin on the device: drawn straight into the pixels where it can be. */
  if (2 * stroke_max_radius (stroke) * scale <= TAFEL_RENDER_THIN_PX &&
      _tafel_render_thin_stroke (cr, stroke))
    return;

  discs = stroke_discs (stroke, DECIMATE_PX / scale);
  for (guint i = 0; i < discs->len; i++)
    {
      rmin = MIN (rmin, g_array_index (discs, Disc, i).r);
      rmax = MAX (rmax, g_array_index (discs, Disc, i).r);
    }

  cairo_save (cr);
  cairo_set_tolerance (cr, TOLERANCE_PX);
  set_source_rgba32 (cr, stroke->rgba,
                     stroke->tool == TAFEL_TOOL_HIGHLIGHTER ? TAFEL_HIGHLIGHTER_MAX_ALPHA : 1.0);

  if (discs->len == 1)
    {
      cairo_new_path (cr);
      add_disc (cr, &g_array_index (discs, Disc, 0));
      cairo_fill (cr);
    }
  else if ((rmax - rmin) * scale < WIDTH_VARIATION_PX)
    {
      cairo_new_path (cr);
      draw_path (cr, discs, SMOOTH_PX / scale);
      cairo_set_line_width (cr, rmin + rmax);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_stroke (cr);
    }
  else
    {
      fill_variable_width (cr, discs, SMOOTH_PX / scale);
    }

  cairo_restore (cr);
}

/* ---- Shapes -------------------------------------------------------------- */

typedef struct
{
  double tip_x, tip_y;
  double base_x, base_y;   /* where the shaft meets the head */
  double left_x, left_y;
  double right_x, right_y;
} ArrowHead;

static gboolean
arrow_head (const TafelShape *shape,
            ArrowHead        *head)
{
  double dx = shape->x2 - shape->x1, dy = shape->y2 - shape->y1;
  double len = hypot (dx, dy);
  double hl, hw, ux, uy;

  if (!(len > 0))
    return FALSE;

  ux = dx / len;
  uy = dy / len;
  hl = MIN (len * 0.5, 3.0 * shape->width + 10.0);
  hw = hl * tan (ARROW_HEAD_ANGLE);

  head->tip_x = shape->x2;
  head->tip_y = shape->y2;
  head->base_x = shape->x2 - ux * hl;
  head->base_y = shape->y2 - uy * hl;
  head->left_x = head->base_x - uy * hw;
  head->left_y = head->base_y + ux * hw;
  head->right_x = head->base_x + uy * hw;
  head->right_y = head->base_y - ux * hw;

  return TRUE;
}

/**
 * tafel_shape_get_extents:
 * @shape: a shape
 * @extents: (out): the box its ink covers
 *
 * The box covered by the shape's ink, line width and arrow head included.
 */
void
tafel_shape_get_extents (const TafelShape *shape,
                         TafelRect        *extents)
{
  double x0, y0, x1, y1;
  double r;
  ArrowHead head;

  g_return_if_fail (shape != NULL);
  g_return_if_fail (extents != NULL);

  x0 = MIN (shape->x1, shape->x2);
  y0 = MIN (shape->y1, shape->y2);
  x1 = MAX (shape->x1, shape->x2);
  y1 = MAX (shape->y1, shape->y2);

  if (shape->shape == TAFEL_SHAPE_ARROW && arrow_head (shape, &head))
    {
      x0 = MIN (x0, MIN (head.left_x, head.right_x));
      y0 = MIN (y0, MIN (head.left_y, head.right_y));
      x1 = MAX (x1, MAX (head.left_x, head.right_x));
      y1 = MAX (y1, MAX (head.left_y, head.right_y));
    }

  r = MAX (shape->width, 0.0f) / 2.0;
  *extents = (TafelRect) { x0 - r, y0 - r, (x1 - x0) + 2 * r, (y1 - y0) + 2 * r };
}

static void
ellipse_path (cairo_t          *cr,
              const TafelShape *shape)
{
  double cx = (shape->x1 + shape->x2) / 2.0, cy = (shape->y1 + shape->y2) / 2.0;
  double rx = fabs (shape->x2 - shape->x1) / 2.0, ry = fabs (shape->y2 - shape->y1) / 2.0;

  cairo_new_path (cr);
  if (rx < 1e-9 || ry < 1e-9)
    {
      /* Flat: the outline is a line (scaling by zero would break cairo). */
      cairo_move_to (cr, cx - rx, cy - ry);
      cairo_line_to (cr, cx + rx, cy + ry);
      return;
    }

  cairo_save (cr);
  cairo_translate (cr, cx, cy);
  cairo_scale (cr, rx, ry);
  cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
  cairo_close_path (cr);
  cairo_restore (cr);
}

/**
 * tafel_render_shape:
 * @cr: where to draw, in the shape's own coordinates
 * @shape: the shape
 *
 * Draws a shape: the fill (when its alpha is not zero) beneath the outline.
 */
void
tafel_render_shape (cairo_t          *cr,
                    const TafelShape *shape)
{
  ArrowHead head;
  gboolean has_head;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (shape != NULL);

  cairo_save (cr);
  cairo_set_tolerance (cr, TOLERANCE_PX);
  cairo_set_line_width (cr, MAX (shape->width, 0.0f));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  switch (shape->shape)
    {
    case TAFEL_SHAPE_RECTANGLE:
    case TAFEL_SHAPE_ELLIPSE:
      if (shape->shape == TAFEL_SHAPE_RECTANGLE)
        {
          cairo_new_path (cr);
          cairo_rectangle (cr, MIN (shape->x1, shape->x2), MIN (shape->y1, shape->y2),
                           fabs (shape->x2 - shape->x1), fabs (shape->y2 - shape->y1));
        }
      else
        {
          ellipse_path (cr, shape);
        }

      if ((shape->fill_rgba & 0xff) != 0)
        {
          set_source_rgba32 (cr, shape->fill_rgba, 1.0);
          cairo_fill_preserve (cr);
        }
      if (shape->width > 0)
        {
          set_source_rgba32 (cr, shape->stroke_rgba, 1.0);
          cairo_stroke (cr);
        }
      break;

    case TAFEL_SHAPE_ARROW:
    case TAFEL_SHAPE_LINE:
    default:
      has_head = shape->shape == TAFEL_SHAPE_ARROW && arrow_head (shape, &head);
      set_source_rgba32 (cr, shape->stroke_rgba, 1.0);
      cairo_new_path (cr);
      if (has_head)
        {
          /* The shaft ends inside the head; the head is one filled and
           * outlined triangle, so translucent colours do not overlap. */
          cairo_move_to (cr, shape->x1, shape->y1);
          cairo_line_to (cr, head.base_x, head.base_y);
          cairo_move_to (cr, head.tip_x, head.tip_y);
          cairo_line_to (cr, head.left_x, head.left_y);
          cairo_line_to (cr, head.right_x, head.right_y);
          cairo_close_path (cr);
          if (shape->width > 0)
            cairo_stroke_preserve (cr);
          cairo_new_path (cr);
          cairo_move_to (cr, head.tip_x, head.tip_y);
          cairo_line_to (cr, head.left_x, head.left_y);
          cairo_line_to (cr, head.right_x, head.right_y);
          cairo_close_path (cr);
          cairo_fill (cr);
        }
      else if (shape->width > 0)
        {
          cairo_move_to (cr, shape->x1, shape->y1);
          cairo_line_to (cr, shape->x2, shape->y2);
          cairo_stroke (cr);
        }
      break;
    }

  cairo_restore (cr);
}

/* ---- Text ---------------------------------------------------------------- */

static void
context_free (gpointer data)
{
  g_object_unref (data);
}

/* One Pango context per thread, independent of any cairo target: metrics
 * unhinted and glyph positions unrounded, so a layout measures the same at
 * every zoom and the PNG, SVG and PDF exports place glyphs alike. */
static PangoContext *
text_context (void)
{
  static GPrivate key = G_PRIVATE_INIT (context_free);
  PangoContext *context = g_private_get (&key);

  if (context == NULL)
    {
      cairo_font_options_t *options = cairo_font_options_create ();

      context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
      cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
      cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
      cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_GRAY);
      pango_cairo_context_set_font_options (context, options);
      pango_context_set_round_glyph_positions (context, FALSE);
      cairo_font_options_destroy (options);
      g_private_set (&key, context);
    }

  return context;
}

static PangoLayout *
text_layout (const TafelText *text)
{
  PangoLayout *layout = pango_layout_new (text_context ());
  PangoFontDescription *font = pango_font_description_new ();

  pango_font_description_set_family_static (font, TAFEL_TEXT_FONT_FAMILY);
  pango_font_description_set_absolute_size (font, MAX (text->size, 0.0f) * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, text->text != NULL ? text->text : "", -1);

  return layout;
}

/**
 * tafel_text_get_extents:
 * @text: a text
 * @extents: (out): the box its ink and lines cover
 *
 * The box of the laid-out text (its lines and any ink reaching beyond them).
 */
void
tafel_text_get_extents (const TafelText *text,
                        TafelRect       *extents)
{
  g_autoptr(PangoLayout) layout = NULL;
  PangoRectangle ink, logical;
  double x0, y0, x1, y1;

  g_return_if_fail (text != NULL);
  g_return_if_fail (extents != NULL);

  layout = text_layout (text);
  pango_layout_get_extents (layout, &ink, &logical);

  x0 = MIN (ink.x, logical.x);
  y0 = MIN (ink.y, logical.y);
  x1 = MAX (ink.x + ink.width, logical.x + logical.width);
  y1 = MAX (ink.y + ink.height, logical.y + logical.height);

  *extents = (TafelRect) {
    text->x + x0 / PANGO_SCALE, text->y + y0 / PANGO_SCALE,
    (x1 - x0) / PANGO_SCALE, (y1 - y0) / PANGO_SCALE,
  };
}

/**
 * tafel_render_text:
 * @cr: where to draw, in the text's own coordinates
 * @text: the text
 *
 * Draws a text with its first line's top-left corner at its position.
 */
void
tafel_render_text (cairo_t         *cr,
                   const TafelText *text)
{
  g_autoptr(PangoLayout) layout = NULL;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (text != NULL);

  if (!(text->size > 0) || text->text == NULL || text->text[0] == '\0')
    return;

  layout = text_layout (text);
  cairo_save (cr);
  set_source_rgba32 (cr, text->rgba, 1.0);
  cairo_move_to (cr, text->x, text->y);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
}

/* ---- Hit tests ----------------------------------------------------------- */

/* The hit tests take a sweep, the segment (x1, y1)–(x2, y2) a pointer moved
 * along (one point for a click), and measure from the whole segment, so
 * that a fast eraser cannot skip ink between two motion events. */

/* Whether the sweep meets the triangle a, b, c (edges or inside). */
static gboolean
sweep_meets_triangle (double x1,
                      double y1,
                      double x2,
                      double y2,
                      double ax,
                      double ay,
                      double bx,
                      double by,
                      double cx,
                      double cy,
                      double reach)
{
  double det = (by - cy) * (ax - cx) + (cx - bx) * (ay - cy);

  if (det != 0)
    {
      double u = ((by - cy) * (x1 - cx) + (cx - bx) * (y1 - cy)) / det;
      double v = ((cy - ay) * (x1 - cx) + (ax - cx) * (y1 - cy)) / det;

      if (u >= 0 && v >= 0 && 1 - u - v >= 0)
        return TRUE;
    }

  return tafel_segment_distance (ax, ay, bx, by, x1, y1, x2, y2, NULL) <= reach ||
         tafel_segment_distance (bx, by, cx, cy, x1, y1, x2, y2, NULL) <= reach ||
         tafel_segment_distance (cx, cy, ax, ay, x1, y1, x2, y2, NULL) <= reach;
}

gboolean
_tafel_stroke_sweep_hits (const TafelStroke *stroke,
                          double             x1,
                          double             y1,
                          double             x2,
                          double             y2,
                          double             tolerance)
{
  if (stroke->n_points == 1)
    return tafel_point_segment_distance (stroke->points[0].x, stroke->points[0].y, x1, y1, x2, y2, NULL) <=
           tolerance + tafel_stroke_width_at (stroke, stroke->points[0].pressure) / 2.0;

  for (guint i = 0; i + 1 < stroke->n_points; i++)
    {
      const TafelPoint *a = &stroke->points[i], *b = &stroke->points[i + 1];
      double t;
      double d = tafel_segment_distance (a->x, a->y, b->x, b->y, x1, y1, x2, y2, &t);
      double w = tafel_stroke_width_at (stroke, a->pressure + (b->pressure - a->pressure) * t);

      if (d <= tolerance + w / 2.0)
        return TRUE;
    }

  return FALSE;
}

gboolean
_tafel_shape_sweep_hits (const TafelShape *shape,
                         double            x1,
                         double            y1,
                         double            x2,
                         double            y2,
                         double            tolerance)
{
  double reach = tolerance + MAX (shape->width, 0.0f) / 2.0;
  double x0 = MIN (shape->x1, shape->x2), y0 = MIN (shape->y1, shape->y2);
  double x3 = MAX (shape->x1, shape->x2), y3 = MAX (shape->y1, shape->y2);
  gboolean filled = (shape->fill_rgba & 0xff) != 0;

  switch (shape->shape)
    {
    case TAFEL_SHAPE_RECTANGLE:
      /* A sweep that enters the fill crosses the outline or starts inside. */
      if (filled && x1 >= x0 && x1 <= x3 && y1 >= y0 && y1 <= y3)
        return TRUE;
      return tafel_segment_distance (x0, y0, x3, y0, x1, y1, x2, y2, NULL) <= reach ||
             tafel_segment_distance (x3, y0, x3, y3, x1, y1, x2, y2, NULL) <= reach ||
             tafel_segment_distance (x3, y3, x0, y3, x1, y1, x2, y2, NULL) <= reach ||
             tafel_segment_distance (x0, y3, x0, y0, x1, y1, x2, y2, NULL) <= reach;

    case TAFEL_SHAPE_ELLIPSE:
      {
        double cx = (x0 + x3) / 2, cy = (y0 + y3) / 2;
        double rx = (x3 - x0) / 2, ry = (y3 - y0) / 2;
        double px = 0, py = 0;

        if (rx < 1e-9 || ry < 1e-9)
          return tafel_segment_distance (x0, y0, x3, y3, x1, y1, x2, y2, NULL) <= reach;
        if (filled && pow ((x1 - cx) / rx, 2) + pow ((y1 - cy) / ry, 2) <= 1.0)
          return TRUE;

        /* Distance to the outline as a polygon of 128 sides: close enough
         * to the drawn curve for picking. */
        for (int i = 0; i <= 128; i++)
          {
            double a = 2 * G_PI * i / 128;
            double qx = cx + rx * cos (a), qy = cy + ry * sin (a);

            if (i > 0 && tafel_segment_distance (px, py, qx, qy, x1, y1, x2, y2, NULL) <= reach)
              return TRUE;
            px = qx;
            py = qy;
          }
        return FALSE;
      }

    case TAFEL_SHAPE_ARROW:
      {
        ArrowHead head;

        if (arrow_head (shape, &head) &&
            sweep_meets_triangle (x1, y1, x2, y2, head.tip_x, head.tip_y, head.left_x, head.left_y,
                                  head.right_x, head.right_y, reach))
          return TRUE;
      }
      G_GNUC_FALLTHROUGH;

    case TAFEL_SHAPE_LINE:
    default:
      return tafel_segment_distance (shape->x1, shape->y1, shape->x2, shape->y2, x1, y1, x2, y2, NULL) <= reach;
    }
}

/**
 * tafel_stroke_hit_test:
 * @stroke: a stroke
 * @x: x in the stroke's coordinates
 * @y: y in the stroke's coordinates
 * @tolerance: how far from the ink still counts
 *
 * Whether the stroke's ink passes within @tolerance of (@x, @y): the
 * distance to the polyline through its points is at most @tolerance plus
 * half the width there.
 *
 * Returns: %TRUE on a hit
 */
gboolean
tafel_stroke_hit_test (const TafelStroke *stroke,
                       double             x,
                       double             y,
                       double             tolerance)
{
  g_return_val_if_fail (stroke != NULL, FALSE);

  return _tafel_stroke_sweep_hits (stroke, x, y, x, y, tolerance);
}

/**
 * tafel_shape_hit_test:
 * @shape: a shape
 * @x: x in the shape's coordinates
 * @y: y in the shape's coordinates
 * @tolerance: how far from the ink still counts
 *
 * Whether the shape's outline passes within @tolerance of (@x, @y), or the
 * point lies inside a filled rectangle or ellipse.
 *
 * Returns: %TRUE on a hit
 */
gboolean
tafel_shape_hit_test (const TafelShape *shape,
                      double            x,
                      double            y,
                      double            tolerance)
{
  g_return_val_if_fail (shape != NULL, FALSE);

  return _tafel_shape_sweep_hits (shape, x, y, x, y, tolerance);
}
