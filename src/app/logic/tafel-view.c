/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "tafel-view.h"

/* The levels Ctrl+plus and Ctrl+minus step through, as in image viewers. */
static const double zoom_steps[] = {
  0.02, 0.03, 0.05, 0.07, 0.10, 0.15, 0.20, 0.25, 0.33, 0.50, 0.67, 0.75,
  1.00, 1.25, 1.50, 2.00, 3.00, 4.00, 6.00, 8.00, 12.0, 16.0, 24.0, 32.0,
};

void
tafel_view_to_board (const TafelView *view,
                     double           wx,
                     double           wy,
                     double          *bx,
                     double          *by)
{
  *bx = view->x + wx / view->scale;
  *by = view->y + wy / view->scale;
}

void
tafel_view_to_widget (const TafelView *view,
                      double           bx,
                      double           by,
                      double          *wx,
                      double          *wy)
{
  *wx = (bx - view->x) * view->scale;
  *wy = (by - view->y) * view->scale;
}

void
tafel_view_get_visible (const TafelView *view,
                        double           width,
                        double           height,
                        TafelRect       *visible)
{
  visible->x = view->x;
  visible->y = view->y;
  visible->width = width / view->scale;
  visible->height = height / view->scale;
}

void
tafel_view_pan (TafelView *view,
                double     dx,
                double     dy)
{
  view->x -= dx / view->scale;
  view->y -= dy / view->scale;
}

gboolean
tafel_view_set_scale_at (TafelView *view,
                         double     scale,
                         double     wx,
                         double     wy)
{
  double bx, by;

  if (!isfinite (scale))
    return FALSE;

  scale = CLAMP (scale, TAFEL_VIEW_MIN_SCALE, TAFEL_VIEW_MAX_SCALE);
  if (scale == view->scale)
    return FALSE;

  tafel_view_to_board (view, wx, wy, &bx, &by);
  view->scale = scale;
  view->x = bx - wx / scale;
  view->y = by - wy / scale;

  return TRUE;
}

gboolean
tafel_view_zoom_at (TafelView *view,
                    double     factor,
                    double     wx,
                    double     wy)
{
  return tafel_view_set_scale_at (view, view->scale * factor, wx, wy);
}

double
tafel_view_step_scale (double scale,
                       int    direction)
{
  /* A level within 1 % of the current scale counts as the current one, so
   * that a scale reached by pinching steps on to the next distinct level. */
  if (direction > 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (zoom_steps); i++)
        if (zoom_steps[i] > scale * 1.01)
          return zoom_steps[i];
      return TAFEL_VIEW_MAX_SCALE;
    }
  else
    {
      for (guint i = G_N_ELEMENTS (zoom_steps); i > 0; i--)
        if (zoom_steps[i - 1] < scale / 1.01)
          return zoom_steps[i - 1];
      return TAFEL_VIEW_MIN_SCALE;
    }
}

void
tafel_view_fit_into (TafelView       *view,
                     const TafelRect *bounds,
                     const TafelRect *area,
                     double           margin)
{
  double avail_w = MAX (area->width - 2 * margin, 1.0);
  double avail_h = MAX (area->height - 2 * margin, 1.0);
  double scale = 1.0;

  if (bounds->width > 0)
    scale = MIN (scale, avail_w / bounds->width);
  if (bounds->height > 0)
    scale = MIN (scale, avail_h / bounds->height);
  scale = CLAMP (scale, TAFEL_VIEW_MIN_SCALE, TAFEL_VIEW_MAX_SCALE);

  /* The centre of @bounds at the centre of @area. */
  view->scale = scale;
  view->x = bounds->x + bounds->width / 2 - (area->x + area->width / 2) / scale;
  view->y = bounds->y + bounds->height / 2 - (area->y + area->height / 2) / scale;
}

void
tafel_view_fit (TafelView       *view,
                const TafelRect *bounds,
                double           width,
                double           height,
                double           margin)
{
  tafel_view_fit_into (view, bounds, &(TafelRect) { 0, 0, width, height }, margin);
}

void
tafel_view_clear_area (double           width,
                       double           height,
                       const TafelRect *obstacles,
                       guint            n_obstacles,
                       TafelRect       *area)
{
  *area = (TafelRect) { 0, 0, MAX (width, 0), MAX (height, 0) };

  /* Each obstacle in the way cuts the area down to the largest of the four
   * pieces beside it: above, below, left or right of it. A tool bar along
   * the top takes a strip off the top, buttons in a corner the bottom. */
  for (guint i = 0; i < n_obstacles; i++)
    {
      const TafelRect *o = &obstacles[i];
      double ax1 = area->x + area->width, ay1 = area->y + area->height;
      double ox1 = o->x + o->width, oy1 = o->y + o->height;
      TafelRect pieces[4];
      double best = -1;
      guint best_i = 0;

      if (o->width <= 0 || o->height <= 0 ||
          ox1 <= area->x || o->x >= ax1 || oy1 <= area->y || o->y >= ay1)
        continue;

      pieces[0] = (TafelRect) { area->x, area->y, area->width, o->y - area->y };
      pieces[1] = (TafelRect) { area->x, oy1, area->width, ay1 - oy1 };
      pieces[2] = (TafelRect) { area->x, area->y, o->x - area->x, area->height };
      pieces[3] = (TafelRect) { ox1, area->y, ax1 - ox1, area->height };
      for (guint j = 0; j < G_N_ELEMENTS (pieces); j++)
        {
          double size = MAX (pieces[j].width, 0) * MAX (pieces[j].height, 0);

          if (size > best)
            {
              best = size;
              best_i = j;
            }
        }

      /* Nothing is left beside an obstacle that covers everything: keep
       * the whole area rather than none. */
      if (best > 0)
        *area = pieces[best_i];
    }
}

void
tafel_view_show_rect (TafelView       *view,
                      const TafelRect *rect,
                      double           width,
                      double           height)
{
  double scale = view->scale;

  if (width <= 0 || height <= 0)
    return;

  if (rect->width > 0 && rect->height > 0)
    scale = MIN (width / rect->width, height / rect->height);
  else if (rect->width > 0)
    scale = width / rect->width;
  else if (rect->height > 0)
    scale = height / rect->height;
  scale = CLAMP (scale, TAFEL_VIEW_MIN_SCALE, TAFEL_VIEW_MAX_SCALE);

  view->scale = scale;
  view->x = rect->x + rect->width / 2 - width / 2 / scale;
  view->y = rect->y + rect->height / 2 - height / 2 / scale;
}
