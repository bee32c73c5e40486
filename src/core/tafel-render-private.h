/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "tafel-record.h"

G_BEGIN_DECLS

/* Between the renderer's files, the objects' hit test and the unit tests;
 * not for the app. */

/* The hit tests of tafel-render.h for a sweep, the segment (x1, y1)–(x2, y2)
 * a pointer moved along, in the content's own coordinates; for
 * tafel_object_hit_test(). */
gboolean _tafel_stroke_sweep_hits (const TafelStroke *stroke,
                                   double             x1,
                                   double             y1,
                                   double             x2,
                                   double             y2,
                                   double             tolerance);
gboolean _tafel_shape_sweep_hits  (const TafelShape  *shape,
                                   double             x1,
                                   double             y1,
                                   double             x2,
                                   double             y2,
                                   double             tolerance);

/* How the renderer draws strokes (see tafel-render.h). */

/* Pressure 0 draws a quarter of the nominal width, 1 draws 1.75 times it;
 * 0.5 (devices without pressure) draws exactly the nominal width. */
#define TAFEL_RENDER_PRESSURE_MIN_FACTOR 0.25
#define TAFEL_RENDER_PRESSURE_SPAN       1.5
/* Points closer than this (device pixels) to the last kept one add nothing
 * visible and are skipped. */
#define TAFEL_RENDER_DECIMATE_PX         0.35
/* Segments longer than this (device pixels) are drawn as curves, cut
 * into at most TAFEL_RENDER_MAX_SUBDIVISIONS pieces where cairo does not
 * draw the curve itself. */
#define TAFEL_RENDER_SMOOTH_PX           4.0
#define TAFEL_RENDER_MAX_SUBDIVISIONS    16
/* Strokes at most this wide on the device (pixels) are drawn by
 * _tafel_render_thin_stroke() where the target allows, not by cairo. */
#define TAFEL_RENDER_THIN_PX             1.5

/* A point of a stroke as drawn: centre and half width. */
typedef struct
{
  double x, y, r;
} TafelRenderDisc;

typedef struct
{
  double x0, y0, x1, y1;
} TafelRenderBox;

static inline float
_tafel_render_clamp_pressure (float p)
{
  /* NaN becomes 0.5: a decoder lets none through, a live preview might. */
  if (!(p >= 0.0f))
    return p < 0.0f ? 0.0f : 0.5f;
  return MIN (p, 1.0f);
}

/* The Bézier control points of the uniform Catmull-Rom spline between b and
 * c (neighbours a and d), pulled into the points' box: the curve then stays
 * inside the box, so smoothing never reaches beyond the stroke's extents.
 * Affine maps commute with it, so it may run in user or device space. */
static inline void
_tafel_render_segment_controls (const TafelRenderDisc *a,
                                const TafelRenderDisc *b,
                                const TafelRenderDisc *c,
                                const TafelRenderDisc *d,
                                const TafelRenderBox  *box,
                                double                 ctl[4])
{
  ctl[0] = CLAMP (b->x + (c->x - a->x) / 6.0, box->x0, box->x1);
  ctl[1] = CLAMP (b->y + (c->y - a->y) / 6.0, box->y0, box->y1);
  ctl[2] = CLAMP (c->x - (d->x - b->x) / 6.0, box->x0, box->x1);
  ctl[3] = CLAMP (c->y - (d->y - b->y) / 6.0, box->y0, box->y1);
}

static inline TafelRenderDisc
_tafel_render_bezier_at (const TafelRenderDisc *b,
                         const double           ctl[4],
                         const TafelRenderDisc *c,
                         double                 t)
{
  double u = 1.0 - t;
  double w0 = u * u * u, w1 = 3 * u * u * t, w2 = 3 * u * t * t, w3 = t * t * t;

  return (TafelRenderDisc) {
    w0 * b->x + w1 * ctl[0] + w2 * ctl[2] + w3 * c->x,
    w0 * b->y + w1 * ctl[1] + w2 * ctl[3] + w3 * c->y,
    b->r + (c->r - b->r) * t,
  };
}

/* Draws @stroke, whose widest point is at most TAFEL_RENDER_THIN_PX wide
 * on the device, straight into the pixels of an image target, much faster
 * than cairo can for lines no wider than a pixel. It is the same stroke
 * as tafel_render_stroke() draws (decimated, smoothed, width following
 * pressure, round ends), its ink measured rather than sampled: every
 * stretch of the line puts its ink (length × width; the ends half discs)
 * into the pixels around it, split bilinearly, so the ink of a line far
 * thinner than a pixel is kept rather than lost between cairo's sample
 * rows. The ink of one stroke is summed before it is composited (OVER)
 * once, so a stroke does not darken where its pieces meet.
 *
 * Returns FALSE, having drawn nothing, when @cr is not something it can
 * draw into directly (not an image surface in ARGB32 or RGB24, an
 * operator other than OVER, no antialiasing, a clip that is not one
 * pixel-aligned rectangle, a device scale, a transform that does not keep
 * circles round, a line spread over too many pixels): the caller then
 * draws it with cairo. */
gboolean _tafel_render_thin_stroke   (cairo_t           *cr,
                                      const TafelStroke *stroke);

/* Around many strokes drawn into @cr: looks at its target and clip once
 * rather than for every stroke. In between, the caller may change @cr's
 * transform but not its clip, operator, antialiasing or group. */
void     _tafel_render_thin_begin    (cairo_t           *cr);
void     _tafel_render_thin_end      (cairo_t           *cr);

G_END_DECLS
