/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "tafel-geometry.h"

/* Plane geometry that hit testing, ink smoothing and the renderer share, so
 * that each distance is measured one way everywhere. */

/**
 * tafel_point_segment_distance:
 * @px: x of the point
 * @py: y of the point
 * @ax: x of the segment's start
 * @ay: y of the segment's start
 * @bx: x of the segment's end
 * @by: y of the segment's end
 * @t: (out) (optional): where on the segment the nearest point lies, from
 *   0 at its start to 1 at its end
 *
 * The distance from (@px, @py) to the segment from (@ax, @ay) to
 * (@bx, @by); a segment of length 0 is its one point.
 *
 * Returns: the distance
 */
double
tafel_point_segment_distance (double  px,
                              double  py,
                              double  ax,
                              double  ay,
                              double  bx,
                              double  by,
                              double *t)
{
  double vx = bx - ax, vy = by - ay;
  double len2 = vx * vx + vy * vy;
  double u = 0.0;

  if (len2 > 0)
    u = CLAMP (((px - ax) * vx + (py - ay) * vy) / len2, 0.0, 1.0);
  if (t != NULL)
    *t = u;

  return hypot (px - (ax + u * vx), py - (ay + u * vy));
}

static inline double
cross (double ox,
       double oy,
       double ax,
       double ay,
       double bx,
       double by)
{
  return (ax - ox) * (by - oy) - (ay - oy) * (bx - ox);
}

/**
 * tafel_segment_distance:
 * @ax: x of the first segment's start
 * @ay: y of the first segment's start
 * @bx: x of the first segment's end
 * @by: y of the first segment's end
 * @cx: x of the second segment's start
 * @cy: y of the second segment's start
 * @dx: x of the second segment's end
 * @dy: y of the second segment's end
 * @s: (out) (optional): where on the first segment the nearest point lies,
 *   from 0 at its start to 1 at its end
 *
 * The shortest distance between the segments A–B and C–D: 0 when they
 * cross or touch. Either may have length 0 (a point C = D gives exactly
 * tafel_point_segment_distance() of C to A–B).
 *
 * Returns: the distance
 */
double
tafel_segment_distance (double  ax,
                        double  ay,
                        double  bx,
                        double  by,
                        double  cx,
                        double  cy,
                        double  dx,
                        double  dy,
                        double *s)
{
  double c1, c2, c3, c4;
  double best, d, u;

  /* A click: one distance, not four (hit tests run this per segment). */
  if (cx == dx && cy == dy)
    return tafel_point_segment_distance (cx, cy, ax, ay, bx, by, s);

  c1 = cross (ax, ay, bx, by, cx, cy);
  c2 = cross (ax, ay, bx, by, dx, dy);
  c3 = cross (cx, cy, dx, dy, ax, ay);
  c4 = cross (cx, cy, dx, dy, bx, by);

  /* A proper crossing: C and D on opposite sides of A–B, and A and B on
   * opposite sides of C–D. Where they only touch, one end lies on the other
   * segment and the ends' distances below find that. */
  if (((c1 < 0 && c2 > 0) || (c1 > 0 && c2 < 0)) &&
      ((c3 < 0 && c4 > 0) || (c3 > 0 && c4 < 0)))
    {
      if (s != NULL)
        *s = c3 / (c3 - c4);
      return 0.0;
    }

  /* Otherwise the nearest pair has an end of one segment in it. */
  best = tafel_point_segment_distance (cx, cy, ax, ay, bx, by, &u);
  if (s != NULL)
    *s = u;
  d = tafel_point_segment_distance (dx, dy, ax, ay, bx, by, &u);
  if (d < best)
    {
      best = d;
      if (s != NULL)
        *s = u;
    }
  d = tafel_point_segment_distance (ax, ay, cx, cy, dx, dy, NULL);
  if (d < best)
    {
      best = d;
      if (s != NULL)
        *s = 0.0;
    }
  d = tafel_point_segment_distance (bx, by, cx, cy, dx, dy, NULL);
  if (d < best)
    {
      best = d;
      if (s != NULL)
        *s = 1.0;
    }

  return best;
}

/**
 * tafel_segment_meets_rect:
 * @ax: x of the segment's start
 * @ay: y of the segment's start
 * @bx: x of the segment's end
 * @by: y of the segment's end
 * @rect: a rectangle
 *
 * Whether any point of the segment from (@ax, @ay) to (@bx, @by) lies in
 * @rect, edges included.
 *
 * Returns: %TRUE when they meet
 */
gboolean
tafel_segment_meets_rect (double           ax,
                          double           ay,
                          double           bx,
                          double           by,
                          const TafelRect *rect)
{
  double p[4], q[4];
  double t0 = 0.0, t1 = 1.0;

  g_return_val_if_fail (rect != NULL, FALSE);

  p[0] = -(bx - ax);
  q[0] = ax - rect->x;
  p[1] = bx - ax;
  q[1] = rect->x + rect->width - ax;
  p[2] = -(by - ay);
  q[2] = ay - rect->y;
  p[3] = by - ay;
  q[3] = rect->y + rect->height - ay;

  /* Liang–Barsky: clip the segment's parameter range to each of the four
   * half-planes; it meets the rectangle when some of the range is left. */
  for (guint i = 0; i < 4; i++)
    {
      if (p[i] == 0)
        {
          if (q[i] < 0)
            return FALSE;
          continue;
        }
      if (p[i] < 0)
        t0 = MAX (t0, q[i] / p[i]);
      else
        t1 = MIN (t1, q[i] / p[i]);
      if (t0 > t1)
        return FALSE;
    }

  return TRUE;
}
