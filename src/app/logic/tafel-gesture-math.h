/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The maths the canvas controller applies to pointer gestures: smoothing
 * the pointer's path, the Shift constraints on shapes, and the distance
 * the eraser measures. */

#include <glib.h>

#include "tafel-record.h"

G_BEGIN_DECLS

/**
 * TafelOneEuro:
 *
 * The 1€ filter (Casiez, Roussel and Vogel, CHI 2012) on one coordinate:
 * a low-pass filter whose cut-off rises with speed, so that slow, careful
 * movements lose their jitter while fast strokes do not lag behind.
 */
typedef struct
{
  double min_cutoff;  /* Hz at rest */
  double beta;        /* cut-off gained per unit/s of speed */
  double d_cutoff;    /* Hz, for the speed estimate */
  gboolean primed;
  double x;
  double dx;
  double t;           /* seconds */
} TafelOneEuro;

void   tafel_one_euro_init   (TafelOneEuro *filter,
                              double        min_cutoff,
                              double        beta,
                              double        d_cutoff);
void   tafel_one_euro_reset  (TafelOneEuro *filter);
/* Filters @x sampled at @t seconds; time must not go backwards. */
double tafel_one_euro_filter (TafelOneEuro *filter,
                              double        x,
                              double        t);

/* Holding Shift while drawing a shape: lines and arrows snap to multiples
 * of 45°, keeping their length; rectangles become squares and ellipses
 * circles, as large as the larger side. Moves (@x2, @y2). */
void   tafel_constrain_shape (TafelShapeKind kind,
                              double         x1,
                              double         y1,
                              double        *x2,
                              double        *y2);

G_END_DECLS
