/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tafel-board-model.h"
#include "tafel-render.h"

G_BEGIN_DECLS

/* Zoom range: 2 % to 3200 %. */
#define TAFEL_VIEW_MIN_SCALE 0.02
#define TAFEL_VIEW_MAX_SCALE 32.0

/* TafelView (from the core renderer): where the canvas looks at the board,
 * @scale widget pixels per board unit and the board point (@x, @y) shown at
 * the widget's top-left corner. These functions are the navigation maths
 * on it, with no GTK, so navigation is testable without a display. */

#define TAFEL_VIEW_INIT ((TafelView) { 1.0, 0.0, 0.0 })

void     tafel_view_to_board      (const TafelView *view,
                                   double           wx,
                                   double           wy,
                                   double          *bx,
                                   double          *by);
void     tafel_view_to_widget     (const TafelView *view,
                                   double           bx,
                                   double           by,
                                   double          *wx,
                                   double          *wy);
/* The board rectangle a widget of @width × @height shows. */
void     tafel_view_get_visible   (const TafelView *view,
                                   double           width,
                                   double           height,
                                   TafelRect       *visible);
/* Scrolls by (@dx, @dy) widget pixels: content moves with the pointer. */
void     tafel_view_pan           (TafelView       *view,
                                   double           dx,
                                   double           dy);
/* Sets the scale (clamped to the zoom range) so that the board point under
 * widget point (@wx, @wy) stays where it is. Returns whether anything changed. */
gboolean tafel_view_set_scale_at  (TafelView       *view,
                                   double           scale,
                                   double           wx,
                                   double           wy);
gboolean tafel_view_zoom_at       (TafelView       *view,
                                   double           factor,
                                   double           wx,
                                   double           wy);
/* The next preset zoom level above (@direction > 0) or below @scale. */
double   tafel_view_step_scale    (double           scale,
                                   int              direction);
/* Fits @bounds into a widget of @width × @height with @margin pixels free
 * around it, centred, never zooming in beyond 100 %. */
void     tafel_view_fit           (TafelView       *view,
                                   const TafelRect *bounds,
                                   double           width,
                                   double           height,
                                   double           margin);
/* Fits @bounds into @area, a part of the widget (widget pixels), with
 * @margin pixels free around it, centred there, never zooming in beyond
 * 100 %. */
void     tafel_view_fit_into      (TafelView       *view,
                                   const TafelRect *bounds,
                                   const TafelRect *area,
                                   double           margin);
/* The largest part of a widget of @width × @height (as a rectangle in
 * widget pixels) that none of @obstacles covers: what can be seen past
 * what floats over the canvas. */
void     tafel_view_clear_area    (double           width,
                                   double           height,
                                   const TafelRect *obstacles,
                                   guint            n_obstacles,
                                   TafelRect       *area);
/* Shows all of @rect (another window's view of the board) as large as it
 * fits in a widget of @width × @height, centred, at any zoom in the range:
 * what follow mode shows of the person followed. */
void     tafel_view_show_rect     (TafelView       *view,
                                   const TafelRect *rect,
                                   double           width,
                                   double           height);

G_END_DECLS
