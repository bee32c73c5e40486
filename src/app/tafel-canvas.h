/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tafel-canvas-controller.h"
#include "tafel-people.h"
#include "tafel-tile-cache.h"
#include "tafel-view.h"

G_BEGIN_DECLS

#define TAFEL_TYPE_CANVAS (tafel_canvas_get_type ())

G_DECLARE_FINAL_TYPE (TafelCanvas, tafel_canvas, TAFEL, CANVAS, GtkWidget)

/**
 * TafelCanvas:
 *
 * The board on screen: the committed board from a #TafelTileCache, what
 * the #TafelCanvasController has in progress on top, and the dot grid
 * beneath, through a pannable, zoomable #TafelView. The widget converts
 * GTK input into controller calls and does nothing else with it.
 *
 * It also shows the others on the board (from a #TafelPeople): their
 * cursors with their names, and their strokes in progress, each until its
 * record is drawn.
 *
 * Signals:
 *  ::text-error (const GError *): text typed in place could not be stored.
 *  ::view-changed: the part of the board shown changed (scroll, zoom, size).
 *  ::navigated: the person moved the view (pan, zoom, fit), as opposed to
 *    tafel_canvas_set_view() from the program.
 *  ::pointer-moved (double x, double y, gboolean inside): the pointer in
 *    board units; @inside is FALSE when it left the canvas.
 */
GtkWidget             *tafel_canvas_new            (void) G_GNUC_WARN_UNUSED_RESULT;

void                   tafel_canvas_set_controller (TafelCanvas           *self,
                                                    TafelCanvasController *controller);
/* Who else is on the board, to show their cursors and strokes; nullable. */
void                   tafel_canvas_set_people     (TafelCanvas           *self,
                                                    TafelPeople           *people);
TafelTileCache        *tafel_canvas_get_tile_cache (TafelCanvas           *self);

const TafelView       *tafel_canvas_get_view       (TafelCanvas           *self);
void                   tafel_canvas_set_view       (TafelCanvas           *self,
                                                    const TafelView       *view);
double                 tafel_canvas_get_scale      (TafelCanvas           *self);
/* Zooms one preset step in (@direction > 0) or out, around the pointer when
 * it is over the canvas and around the centre otherwise. */
void                   tafel_canvas_zoom_step      (TafelCanvas           *self,
                                                    int                    direction);
/* Sets the zoom around the centre of the canvas. */
void                   tafel_canvas_set_scale      (TafelCanvas           *self,
                                                    double                 scale);
/* Shows all of @bounds (in board units). */
void                   tafel_canvas_zoom_to_rect   (TafelCanvas           *self,
                                                    const TafelRect       *bounds);
/* Shows the whole board once the canvas has its size (at once when it has
 * one already). */
void                   tafel_canvas_fit_when_sized (TafelCanvas           *self);
/* Shows the whole board; FALSE (and no change) when the board is empty. */
gboolean               tafel_canvas_zoom_to_fit    (TafelCanvas           *self);
/* The board rectangle the canvas shows. */
void                   tafel_canvas_get_visible    (TafelCanvas           *self,
                                                    TafelRect             *visible);

gboolean               tafel_canvas_get_show_grid  (TafelCanvas           *self);
void                   tafel_canvas_set_show_grid  (TafelCanvas           *self,
                                                    gboolean               show_grid);
gboolean               tafel_canvas_get_dark       (TafelCanvas           *self);

/* Whether the pan key (Space) is held: a drag then pans the board. */
void                   tafel_canvas_set_pan_key    (TafelCanvas           *self,
                                                    gboolean               held);

/* Commits text being typed in place, if any. */
void                   tafel_canvas_finish_text    (TafelCanvas           *self);

G_END_DECLS
