/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "tafel-board-model.h"
#include "tafel-record.h"

G_BEGIN_DECLS

/**
 * TafelView:
 * @scale: device pixels per board unit (1.0 is 100 %)
 * @x: the board x drawn at the device origin
 * @y: the board y drawn at the device origin
 *
 * Where a cairo target looks at the board: device = (board - (x, y)) · scale.
 */
typedef struct
{
  double scale;
  double x, y;
} TafelView;

/* How the renderer draws, in one place so that bounds, hit tests and pixels
 * agree:
 *  - a pen stroke is the union of discs along its points, the disc at a
 *    point as wide as tafel_stroke_width_at() of its pressure, smoothed
 *    between points (Catmull-Rom) when the view is close enough to see it;
 *  - a highlighter stroke has the nominal width everywhere, is at most half
 *    opaque (TAFEL_HIGHLIGHTER_MAX_ALPHA) and, in tafel_render_objects(),
 *    lies beneath all other ink;
 *  - shapes have round joins and caps; an arrow ends in a filled head;
 *  - text is laid out by Pango in TAFEL_TEXT_FONT_FAMILY at the text's size,
 *    with hinting off so that it looks the same at every zoom and in every
 *    export format.
 * Colours are 0xRRGGBBAA, drawn with OVER.
 *
 * Level of detail: points closer than about a third of a device pixel to
 * the last one drawn are skipped (the first and last always stay); a pen
 * stroke whose width varies by less than a quarter pixel is one
 * constant-width line. A stroke at most 1.5 pixels wide on the device, drawn
 * into an image surface, goes straight into its pixels as the ink it
 * covers (tafel-render-thin.c): the same to the eye as cairo's drawing,
 * many times faster, and a stroke far thinner than a pixel stays visible
 * as the faint line it is. Other targets (SVG, PDF, recordings) get
 * cairo's outlines at full detail. */
#define TAFEL_HIGHLIGHTER_MAX_ALPHA 0.5
#define TAFEL_TEXT_FONT_FAMILY      "Sans"

double   tafel_stroke_width_at        (const TafelStroke *stroke,
                                       float              pressure);

/* The box the ink covers, in the content's own coordinates. */
void     tafel_stroke_get_extents     (const TafelStroke *stroke,
                                       TafelRect         *extents);
void     tafel_shape_get_extents      (const TafelShape  *shape,
                                       TafelRect         *extents);
void     tafel_text_get_extents       (const TafelText   *text,
                                       TafelRect         *extents);

/* Whether ink passes within @tolerance of (@x, @y), in the content's own
 * coordinates. Filled shapes are hit inside, text anywhere in its box. */
gboolean tafel_stroke_hit_test        (const TafelStroke *stroke,
                                       double             x,
                                       double             y,
                                       double             tolerance);
gboolean tafel_shape_hit_test         (const TafelShape  *shape,
                                       double             x,
                                       double             y,
                                       double             tolerance);

/* Draw one piece of content in the current user space of @cr (which the
 * caller has set up: view and transform). For live previews (a stroke
 * still being drawn) as much as for the board. */
void     tafel_render_stroke          (cairo_t           *cr,
                                       const TafelStroke *stroke);
void     tafel_render_shape           (cairo_t           *cr,
                                       const TafelShape  *shape);
void     tafel_render_text            (cairo_t           *cr,
                                       const TafelText   *text);

/* Draws @object with its transform in the current user space of @cr. */
void     tafel_render_object          (cairo_t           *cr,
                                       const TafelObject *object);
/* Draws @objects (bottom first, as tafel_board_model_query() returns them)
 * through @view: highlighter strokes first, then the rest in order. @cr's
 * state is left as it was. Needs no GTK and no main loop: safe to call from
 * a worker thread as long as the model is not changed meanwhile. */
void     tafel_render_objects         (cairo_t           *cr,
                                       const TafelView   *view,
                                       TafelObject * const *objects,
                                       guint              n_objects);

/**
 * TafelRenderList:
 *
 * A snapshot of objects to draw: their content (the log's stored bytes,
 * shared, not copied) and transforms at the time it was taken. Take it on
 * the thread that owns the model, draw it on any thread (a tile cache's
 * workers), while the model goes on changing. One owner holds it and
 * frees it with tafel_render_list_unref().
 */
typedef struct _TafelRenderList TafelRenderList;

TafelRenderList *tafel_render_list_new      (TafelObject * const *objects,
                                             guint                n_objects) G_GNUC_WARN_UNUSED_RESULT;
void             tafel_render_list_unref    (TafelRenderList     *list);
guint            tafel_render_list_get_size (TafelRenderList     *list);
void             tafel_render_list_draw     (TafelRenderList     *list,
                                             cairo_t             *cr,
                                             const TafelView     *view);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelRenderList, tafel_render_list_unref)

G_END_DECLS
