/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "tafel-gesture-math.h"

void
tafel_one_euro_init (TafelOneEuro *filter,
                     double        min_cutoff,
                     double        beta,
                     double        d_cutoff)
{
  filter->min_cutoff = min_cutoff;
  filter->beta = beta;
  filter->d_cutoff = d_cutoff;
  tafel_one_euro_reset (filter);
}

void
tafel_one_euro_reset (TafelOneEuro *filter)
{
  filter->primed = FALSE;
  filter->x = 0;
  filter->dx = 0;
  filter->t = 0;
}

static double
smoothing_factor (double cutoff,
                  double dt)
{
  double tau = 1.0 / (2 * G_PI * cutoff);

  return 1.0 / (1.0 + tau / dt);
}

double
tafel_one_euro_filter (TafelOneEuro *filter,
                       double        x,
                       double        t)
{
  double dt, dx, a_d, cutoff, a;

  if (!filter->primed)
    {
      filter->primed = TRUE;
      filter->x = x;
      filter->dx = 0;
      filter->t = t;
      return x;
    }

  dt = t - filter->t;
  /* Events with the same timestamp (a backlog delivered at once) carry no
   * speed information: treat them as 1 ms apart rather than dividing by 0. */
  if (dt <= 0)
    dt = 1e-3;

  dx = (x - filter->x) / dt;
  a_d = smoothing_factor (filter->d_cutoff, dt);
  filter->dx = a_d * dx + (1 - a_d) * filter->dx;

  cutoff = filter->min_cutoff + filter->beta * fabs (filter->dx);
  a = smoothing_factor (cutoff, dt);
  filter->x = a * x + (1 - a) * filter->x;
  filter->t = t;

  return filter->x;
}

void
tafel_constrain_shape (TafelShapeKind kind,
                       double         x1,
                       double         y1,
                       double        *x2,
                       double        *y2)
{
  double dx = *x2 - x1;
  double dy = *y2 - y1;

  switch (kind)
    {
    case TAFEL_SHAPE_LINE:
    case TAFEL_SHAPE_ARROW:
      {
        double length = hypot (dx, dy);
        double angle = round (atan2 (dy, dx) / (G_PI / 4)) * (G_PI / 4);

        *x2 = x1 + length * cos (angle);
        *y2 = y1 + length * sin (angle);
        /* cos and sin of multiples of 45° are not exact; make straight
         * lines exactly straight. */
        if (fabs (*x2 - x1) < 1e-9 * MAX (length, 1))
          *x2 = x1;
        if (fabs (*y2 - y1) < 1e-9 * MAX (length, 1))
          *y2 = y1;
      }
      break;

    case TAFEL_SHAPE_RECTANGLE:
    case TAFEL_SHAPE_ELLIPSE:
      {
        double side = MAX (fabs (dx), fabs (dy));

        *x2 = x1 + (dx < 0 ? -side : side);
        *y2 = y1 + (dy < 0 ? -side : side);
      }
      break;

    default:
      break;
    }
}
