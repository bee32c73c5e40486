/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tafel-render.h"
#include "tafel-render-private.h"

/* Thin lines straight into an image surface's pixels (see
 * tafel-render-private.h). Zoomed out, nearly every stroke on a big board
 * is thinner than a pixel, and cairo, which scan-converts each stroke's
 * outline at 15 rows a pixel, spends seconds on a screenful of them and
 * still drops the thinnest between its rows. Here a line is its ink: the
 * line is walked a pixel column (or row) at a time and the ink of the
 * part of the line above each column (its length × its width) goes to
 * the two pixels of the column the line runs between, weighted linearly
 * (a tent filter across the line, as Wu's lines); the round ends and
 * lone dots go to the four pixels around them, weighted bilinearly. */

/* A stroke whose box covers more pixels than this goes to cairo instead
 * (its scratch buffers would be too large). */
#define MAX_AREA      (1u << 24)

typedef struct
{
  float   *ink;       /* per pixel of the stroke's box, valid where stamp == gen */
  guint32 *stamp;
  gsize    capacity;  /* of ink and stamp */
  guint32 *touched;   /* pixels with ink in the box, as y << 16 | x */
  gsize    n_touched;
  gsize    touched_capacity;
  guint32  gen;
  TafelRenderDisc *points;  /* the stroke on the device */
  guint    n_points;
  guint    points_capacity;
} Scratch;

static void
scratch_free (gpointer data)
{
  Scratch *s = data;

  g_free (s->ink);
  g_free (s->stamp);
  g_free (s->touched);
  g_free (s->points);
  g_free (s);
}

/* One per thread: tile caches draw on several at once. */
static Scratch *
scratch_get (void)
{
  static GPrivate key = G_PRIVATE_INIT (scratch_free);
  Scratch *s = g_private_get (&key);

  if (s == NULL)
    {
      s = g_new0 (Scratch, 1);
      g_private_set (&key, s);
    }
  return s;
}

static void
scratch_begin (Scratch *s,
               gsize    area)
{
  if (area > s->capacity)
    {
      gsize capacity = MAX (area, 2 * s->capacity);

      g_free (s->ink);
      g_free (s->stamp);
      s->ink = g_new (float, capacity);
      s->stamp = g_new0 (guint32, capacity);
      s->capacity = capacity;
      s->gen = 0;
    }
  if (++s->gen == 0)
    {
      memset (s->stamp, 0, s->capacity * sizeof (guint32));
      s->gen = 1;
    }
  s->n_touched = 0;
}

typedef struct
{
  Scratch *scratch;
  int      x0, y0;   /* the box's first pixel */
  int      w, h;     /* its size */
} Box;

static inline void
add_ink (Box    *box,
         int     x,
         int     y,
         float   ink)
{
  Scratch *s = box->scratch;
  guint32 i;

  x -= box->x0;
  y -= box->y0;
  if ((guint) x >= (guint) box->w || (guint) y >= (guint) box->h || !(ink > 0))
    return;

  i = (guint32) y * (guint32) box->w + (guint32) x;
  if (s->stamp[i] != s->gen)
    {
      s->stamp[i] = s->gen;
      s->ink[i] = ink;
      if (s->n_touched == s->touched_capacity)
        {
          s->touched_capacity = MAX (1024, 2 * s->touched_capacity);
          s->touched = g_renew (guint32, s->touched, s->touched_capacity);
        }
      s->touched[s->n_touched++] = (guint32) y << 16 | (guint32) x;
    }
  else
    {
      s->ink[i] += ink;
    }
}

/* @ink (pixels²) at (@x, @y) (device pixels), split among the four pixels
 * whose centres surround it. */
static inline void
splat (Box    *box,
       double  x,
       double  y,
       double  ink)
{
  double fx = x - 0.5, fy = y - 0.5;
  double ix = floor (fx), iy = floor (fy);
  float ax = (float) (fx - ix), ay = (float) (fy - iy);
  float v = (float) ink;
  int px = (int) ix, py = (int) iy;

  add_ink (box, px, py, v * (1 - ax) * (1 - ay));
  add_ink (box, px + 1, py, v * ax * (1 - ay));
  add_ink (box, px, py + 1, v * (1 - ax) * ay);
  add_ink (box, px + 1, py + 1, v * ax * ay);
}

/* OVER, one pixel at a time, in 8.8 fixed point on two channels at once:
 * d = s·k + d·(1 − k) with the coverage k in 0…256. */
static void
composite (Box             *box,
           guint8          *data,
           int              stride,
           const double     rgb[3],
           double           alpha)
{
  Scratch *s = box->scratch;
  guint32 sr = (guint32) (rgb[0] * 255.0 + 0.5), sg = (guint32) (rgb[1] * 255.0 + 0.5);
  guint32 sb = (guint32) (rgb[2] * 255.0 + 0.5);
  /* The colour opaque, alpha in the top byte: alpha below one is in k. */
  guint32 src_rb = sr << 16 | sb, src_ag = 0xffu << 16 | sg;
  float a = (float) (alpha * 256.0);

  for (gsize t = 0; t < s->n_touched; t++)
    {
      guint32 x = s->touched[t] & 0xffff, y = s->touched[t] >> 16;
      guint32 *pixel = (guint32 *) (data + (gsize) (box->y0 + (int) y) * stride) + box->x0 + (int) x;
      guint32 k = (guint32) (MIN (s->ink[y * (guint32) box->w + x], 1.0f) * a + 0.5f);
      guint32 d, rb, ag;

      if (k == 0)
        continue;
      d = *pixel;
      rb = ((src_rb * k + (d & 0xff00ff) * (256 - k) + 0x800080) >> 8) & 0xff00ff;
      ag = ((src_ag * k + ((d >> 8) & 0xff00ff) * (256 - k) + 0x800080) >> 8) & 0xff00ff;
      *pixel = ag << 8 | rb;
    }
}

/* What _tafel_render_thin_stroke() needs to know of its target, found out
 * once for many strokes between _tafel_render_thin_begin() and _end(). */
typedef struct
{
  cairo_t         *cr;
  gboolean         usable;
  cairo_surface_t *surface;
  double           ox, oy;
  int              clip[4];
  gboolean         batch;     /* between begin and end: flushed once, marked dirty once */
  int              dirty[4];  /* pixels written meanwhile: x0, y0, x1, y1 */
} Target;

static Target *
target_get (void)
{
  static GPrivate key = G_PRIVATE_INIT (g_free);
  Target *t = g_private_get (&key);

  if (t == NULL)
    {
      t = g_new0 (Target, 1);
      g_private_set (&key, t);
    }
  return t;
}

/* The pixel rectangle @cr may draw into, or FALSE when its clip is not
 * one rectangle on whole pixels. */
static gboolean
clip_rect (cairo_t         *cr,
           cairo_surface_t *surface,
           double           ox,
           double           oy,
           int              rect[4])
{
  cairo_rectangle_list_t *list;
  int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  gboolean ok = FALSE;

  /* Without a clip cairo has no rectangle list to give; clipping to the
   * surface first makes one, and keeps a clip that is not a rectangle
   * unrepresentable. */
  cairo_save (cr);
  cairo_identity_matrix (cr);
  cairo_rectangle (cr, -ox, -oy, w, h);
  cairo_clip (cr);
  list = cairo_copy_clip_rectangle_list (cr);
  cairo_restore (cr);

  if (list->status == CAIRO_STATUS_SUCCESS)
    {
      if (list->num_rectangles == 0)
        {
          rect[0] = rect[1] = rect[2] = rect[3] = 0;
          ok = TRUE;
        }
      else if (list->num_rectangles == 1)
        {
          const cairo_rectangle_t *r = &list->rectangles[0];
          double x0 = r->x + ox, y0 = r->y + oy, x1 = x0 + r->width, y1 = y0 + r->height;

          if (x0 == floor (x0) && y0 == floor (y0) && x1 == floor (x1) && y1 == floor (y1))
            {
              rect[0] = (int) MAX (x0, 0);
              rect[1] = (int) MAX (y0, 0);
              rect[2] = (int) MIN (x1, w);
              rect[3] = (int) MIN (y1, h);
              ok = TRUE;
            }
        }
    }
  cairo_rectangle_list_destroy (list);
  return ok;
}

static gboolean
target_init (Target  *t,
             cairo_t *cr)
{
  cairo_surface_t *surface;
  cairo_format_t format;
  double dsx, dsy;

  t->cr = cr;
  t->usable = FALSE;
  t->batch = FALSE;

  if (cairo_status (cr) != CAIRO_STATUS_SUCCESS ||
      cairo_get_operator (cr) != CAIRO_OPERATOR_OVER ||
      cairo_get_antialias (cr) == CAIRO_ANTIALIAS_NONE)
    return FALSE;

  surface = cairo_get_group_target (cr);
  if (cairo_surface_get_type (surface) != CAIRO_SURFACE_TYPE_IMAGE ||
      cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    return FALSE;
  format = cairo_image_surface_get_format (surface);
  if (format != CAIRO_FORMAT_ARGB32 && format != CAIRO_FORMAT_RGB24)
    return FALSE;
  cairo_surface_get_device_scale (surface, &dsx, &dsy);
  if (dsx != 1.0 || dsy != 1.0)
    return FALSE;
  cairo_surface_get_device_offset (surface, &t->ox, &t->oy);
  if (t->ox != floor (t->ox) || t->oy != floor (t->oy) ||
      fabs (t->ox) > G_MAXINT / 2 || fabs (t->oy) > G_MAXINT / 2)
    return FALSE;
  if (!clip_rect (cr, surface, t->ox, t->oy, t->clip))
    return FALSE;

  t->surface = surface;
  t->usable = TRUE;
  return TRUE;
}

/**
 * _tafel_render_thin_begin:
 * @cr: a target
 *
 * Looks at @cr's target and clip once for the strokes drawn into it until
 * _tafel_render_thin_end(); meanwhile the caller changes neither @cr's
 * clip, operator, antialiasing nor group (the transform it may change).
 */
void
_tafel_render_thin_begin (cairo_t *cr)
{
  Target *t = target_get ();

  g_return_if_fail (cr != NULL);

  /* Nested (a stroke drawn for a stroke?): the outer one stays. */
  if (t->cr != NULL)
    return;
  if (target_init (t, cr))
    {
      cairo_surface_flush (t->surface);
      t->batch = TRUE;
      t->dirty[0] = t->dirty[1] = G_MAXINT;
      t->dirty[2] = t->dirty[3] = G_MININT;
    }
}

void
_tafel_render_thin_end (cairo_t *cr)
{
  Target *t = target_get ();

  g_return_if_fail (cr != NULL);

  if (t->cr != cr)
    return;
  if (t->usable && t->dirty[0] < t->dirty[2])
    cairo_surface_mark_dirty_rectangle (t->surface, t->dirty[0] - (int) t->ox, t->dirty[1] - (int) t->oy,
                                        t->dirty[2] - t->dirty[0], t->dirty[3] - t->dirty[1]);
  t->cr = NULL;
  t->batch = FALSE;
}

/* The stroke's points on the device, decimated as tafel_render_stroke()
 * decimates them, into @s->points; their box into @bounds. */
static void
device_points (Scratch              *s,
               const TafelStroke    *stroke,
               const cairo_matrix_t *m,
               double                ox,
               double                oy,
               double                scale,
               TafelRenderBox       *bounds)
{
  double min_step2 = TAFEL_RENDER_DECIMATE_PX * TAFEL_RENDER_DECIMATE_PX;
  gboolean pen = stroke->tool != TAFEL_TOOL_HIGHLIGHTER;
  double r0 = stroke->width * scale / 2 * (pen ? TAFEL_RENDER_PRESSURE_MIN_FACTOR : 1.0);
  double rp = pen ? stroke->width * scale / 2 * TAFEL_RENDER_PRESSURE_SPAN : 0.0;
  guint n = 0;

  if (stroke->n_points > s->points_capacity)
    {
      s->points_capacity = MAX (stroke->n_points, 2 * s->points_capacity);
      s->points = g_renew (TafelRenderDisc, s->points, s->points_capacity);
    }

  *bounds = (TafelRenderBox) { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  for (guint i = 0; i < stroke->n_points; i++)
    {
      const TafelPoint *pt = &stroke->points[i];
      TafelRenderDisc d = {
        m->xx * pt->x + m->xy * pt->y + m->x0 + ox,
        m->yx * pt->x + m->yy * pt->y + m->y0 + oy,
        r0 + rp * _tafel_render_clamp_pressure (pt->pressure),
      };

      if (n > 0)
        {
          TafelRenderDisc *last = &s->points[n - 1];
          double dx = d.x - last->x, dy = d.y - last->y;

          if (dx * dx + dy * dy < min_step2)
            {
              /* As stroke_discs(): the end point replaces a kept
               * neighbour; elsewhere the wider of the two stays. */
              if (i + 1 == stroke->n_points && n > 1)
                *last = (TafelRenderDisc) { d.x, d.y, MAX (d.r, last->r) };
              else
                last->r = MAX (last->r, d.r);
              continue;
            }
        }
      s->points[n++] = d;
    }
  s->n_points = n;

  for (guint i = 0; i < n; i++)
    {
      bounds->x0 = MIN (bounds->x0, s->points[i].x);
      bounds->y0 = MIN (bounds->y0, s->points[i].y);
      bounds->x1 = MAX (bounds->x1, s->points[i].x);
      bounds->y1 = MAX (bounds->y1, s->points[i].y);
    }
}

/* The share of a unit of ink spread by the tent filter (a triangle of
 * half-width one pixel) that lies below @x. */
static inline double
tent_cdf (double x)
{
  if (x <= -1)
    return 0;
  if (x <= 0)
    return (1 + x) * (1 + x) / 2;
  if (x < 1)
    return 1 - (1 - x) * (1 - x) / 2;
  return 1;
}

/* Ink along the straight piece from @a to @b, walked one pixel column
 * (or row, whichever way it runs more) at a time, as Wu draws lines:
 * each column gets the ink of the part of the piece above it, split
 * between the two pixels whose centres the line passes between. The
 * columns' parts add up to the piece exactly, so pieces meeting in a
 * column do not count it twice. */
static inline void
walk (Box                   *box,
      const TafelRenderDisc *a,
      const TafelRenderDisc *b)
{
  double dx = b->x - a->x, dy = b->y - a->y;
  gboolean x_major = fabs (dx) >= fabs (dy);
  double u0 = x_major ? a->x : a->y, u1 = x_major ? b->x : b->y;
  double v0 = x_major ? a->y : a->x;
  double du = u1 - u0, dv = x_major ? dy : dx;
  double per_u, lo, hi;
  int first, last;

  if (du == 0)
    return;   /* no length */

  /* Length of the piece per unit along the major axis. */
  per_u = sqrt (dx * dx + dy * dy) / fabs (du);
  lo = MIN (u0, u1);
  hi = MAX (u0, u1);
  first = (int) floor (lo);
  last = (int) floor (hi);
  if (last >= first + (int) (1u << 20))
    return;   /* longer than any surface: the box check refused it */

  for (int i = first; i <= last; i++)
    {
      double s0 = MAX (lo, (double) i), s1 = MIN (hi, (double) i + 1);
      double part = s1 - s0;
      double t, v, rv;

      if (!(part > 0))
        continue;
      t = ((s0 + s1) / 2 - u0) / du;
      v = v0 + dv * t;
      /* Half the line's extent across the column. */
      rv = (a->r + (b->r - a->r) * t) * per_u;
      if (rv <= 0.5)
        {
          /* Narrower than the tent: the ink goes to the two pixels the
           * centre passes between. */
          double ink = 2 * rv * part;
          double fv = v - 0.5, iv = floor (fv), w = fv - iv;
          int vi = (int) iv;

          if (x_major)
            {
              add_ink (box, i, vi, (float) (ink * (1 - w)));
              add_ink (box, i, vi + 1, (float) (ink * w));
            }
          else
            {
              add_ink (box, vi, i, (float) (ink * (1 - w)));
              add_ink (box, vi + 1, i, (float) (ink * w));
            }
        }
      else
        {
          /* Wider: the line's extent across the column (a box) seen
           * through the tent, pixel by pixel. */
          int j0 = (int) ceil (v - rv - 1.5), j1 = (int) floor (v + rv + 0.5);

          for (int j = j0; j <= j1; j++)
            {
              double c = j + 0.5;
              float ink = (float) (part * (tent_cdf (v + rv - c) - tent_cdf (v - rv - c)));

              if (x_major)
                add_ink (box, i, j, ink);
              else
                add_ink (box, j, i, ink);
            }
        }
    }
}

static gboolean
draw_stroke (Target            *target,
             cairo_t           *cr,
             const TafelStroke *stroke)
{
  cairo_surface_t *surface = target->surface;
  cairo_matrix_t m;
  double scale, reach, rmax = 0;
  const int *clip = target->clip;
  TafelRenderBox bounds;
  const TafelRenderDisc *p;
  guint n;
  Box box;
  guint8 *data;
  double rgb[3] = {
    ((stroke->rgba >> 24) & 0xff) / 255.0,
    ((stroke->rgba >> 16) & 0xff) / 255.0,
    ((stroke->rgba >> 8) & 0xff) / 255.0,
  };
  double alpha = MIN ((stroke->rgba & 0xff) / 255.0,
                      stroke->tool == TAFEL_TOOL_HIGHLIGHTER ? TAFEL_HIGHLIGHTER_MAX_ALPHA : 1.0);

  /* User space to pixels: only scales (either sign), translations and
   * quarter turns keep a round pen round. */
  cairo_get_matrix (cr, &m);
  if (m.xy == 0 && m.yx == 0)
    scale = fabs (m.xx);
  else if (m.xx == 0 && m.yy == 0)
    scale = fabs (m.xy);
  else
    return FALSE;
  if (!(scale > 0) || !isfinite (scale) ||
      fabs (fabs (m.xx + m.xy) - fabs (m.yy + m.yx)) > 1e-9 * scale)
    return FALSE;

  box.scratch = scratch_get ();
  device_points (box.scratch, stroke, &m, target->ox, target->oy, scale, &bounds);
  p = box.scratch->points;
  n = box.scratch->n_points;
  if (!isfinite (bounds.x0) || !isfinite (bounds.y0) || !isfinite (bounds.x1) || !isfinite (bounds.y1))
    return FALSE;
  for (guint i = 0; i < n; i++)
    rmax = MAX (rmax, p[i].r);

  /* The pixels the ink can reach: the tent reaches the pixels whose
   * centres are less than a pixel beyond the line's edge, and the edge
   * is at most r·√2 from the centre across a column; a pixel whose centre
   * is within that reach may lie half a pixel further. */
  reach = 1.5 + 1.5 * rmax;
  if (bounds.x1 + reach < clip[0] || bounds.y1 + reach < clip[1] ||
      bounds.x0 - reach >= clip[2] || bounds.y0 - reach >= clip[3])
    return TRUE;   /* nothing of it is visible */
  box.x0 = (int) MAX (floor (bounds.x0 - reach), clip[0]);
  box.y0 = (int) MAX (floor (bounds.y0 - reach), clip[1]);
  box.w = (int) MIN (floor (bounds.x1 + reach) + 1, clip[2]) - box.x0;
  box.h = (int) MIN (floor (bounds.y1 + reach) + 1, clip[3]) - box.y0;
  if (box.w <= 0 || box.h <= 0)
    return TRUE;
  if ((guint64) box.w * (guint64) box.h > MAX_AREA || box.w > 0xffff || box.h > 0xffff)
    return FALSE;

  scratch_begin (box.scratch, (gsize) box.w * box.h);

  if (n == 1)
    {
      splat (&box, p[0].x, p[0].y, G_PI * p[0].r * p[0].r);
    }
  else
    {
      /* The round ends: half a disc each. */
      splat (&box, p[0].x, p[0].y, G_PI / 2 * p[0].r * p[0].r);
      splat (&box, p[n - 1].x, p[n - 1].y, G_PI / 2 * p[n - 1].r * p[n - 1].r);

      for (guint i = 0; i + 1 < n; i++)
        {
          const TafelRenderDisc *b = &p[i], *c = &p[i + 1];
          double dx = c->x - b->x, dy = c->y - b->y;
          double len2 = dx * dx + dy * dy;

          if (n > 2 && len2 > TAFEL_RENDER_SMOOTH_PX * TAFEL_RENDER_SMOOTH_PX)
            {
              /* Along the spline, as fill_variable_width() cuts it. */
              guint pieces = MIN (TAFEL_RENDER_MAX_SUBDIVISIONS,
                                  (guint) ceil (sqrt (len2) / TAFEL_RENDER_SMOOTH_PX));
              TafelRenderDisc prev = *b;
              double ctl[4];

              _tafel_render_segment_controls (&p[i > 0 ? i - 1 : 0], b, c, &p[i + 2 < n ? i + 2 : n - 1],
                                              &bounds, ctl);
              for (guint k = 1; k <= pieces; k++)
                {
                  TafelRenderDisc next = k == pieces ? *c : _tafel_render_bezier_at (b, ctl, c, (double) k / pieces);

                  walk (&box, &prev, &next);
                  prev = next;
                }
            }
          else
            {
              walk (&box, b, c);
            }
        }
    }

  if (target->batch)
    {
      target->dirty[0] = MIN (target->dirty[0], box.x0);
      target->dirty[1] = MIN (target->dirty[1], box.y0);
      target->dirty[2] = MAX (target->dirty[2], box.x0 + box.w);
      target->dirty[3] = MAX (target->dirty[3], box.y0 + box.h);
    }
  else
    {
      cairo_surface_flush (surface);
    }
  data = cairo_image_surface_get_data (surface);
  composite (&box, data, cairo_image_surface_get_stride (surface), rgb, alpha);
  if (!target->batch)
    cairo_surface_mark_dirty_rectangle (surface, box.x0 - (int) target->ox, box.y0 - (int) target->oy,
                                        box.w, box.h);
  return TRUE;
}

gboolean
_tafel_render_thin_stroke (cairo_t           *cr,
                           const TafelStroke *stroke)
{
  Target *target;

  g_return_val_if_fail (cr != NULL, FALSE);
  g_return_val_if_fail (stroke != NULL, FALSE);

  if (stroke->n_points == 0)
    return TRUE;

  target = target_get ();
  if (target->cr != cr)
    {
      /* Not between begin and end: look at the target just for this. */
      Target once = { 0 };

      if (!target_init (&once, cr))
        return FALSE;
      return draw_stroke (&once, cr, stroke);
    }
  if (!target->usable)
    return FALSE;
  return draw_stroke (target, cr, stroke);
}
