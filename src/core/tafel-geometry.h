/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TafelRect:
 * @x: the left edge
 * @y: the top edge
 * @width: the width, never negative
 * @height: the height, never negative
 *
 * A rectangle on the board, in board units.
 */
typedef struct
{
  double x, y, width, height;
} TafelRect;

double   tafel_point_segment_distance (double           px,
                                       double           py,
                                       double           ax,
                                       double           ay,
                                       double           bx,
                                       double           by,
                                       double          *t);
double   tafel_segment_distance       (double           ax,
                                       double           ay,
                                       double           bx,
                                       double           by,
                                       double           cx,
                                       double           cy,
                                       double           dx,
                                       double           dy,
                                       double          *s);
gboolean tafel_segment_meets_rect     (double           ax,
                                       double           ay,
                                       double           bx,
                                       double           by,
                                       const TafelRect *rect);

G_END_DECLS
