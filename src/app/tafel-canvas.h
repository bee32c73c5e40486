/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tafel-view.h"

G_BEGIN_DECLS

#define TAFEL_TYPE_CANVAS (tafel_canvas_get_type ())

G_DECLARE_FINAL_TYPE (TafelCanvas, tafel_canvas, TAFEL, CANVAS, GtkWidget)

GtkWidget       *tafel_canvas_new            (void) G_GNUC_WARN_UNUSED_RESULT;

const TafelView *tafel_canvas_get_view       (TafelCanvas     *self);
void             tafel_canvas_set_view       (TafelCanvas     *self,
                                              const TafelView *view);
double           tafel_canvas_get_scale      (TafelCanvas     *self);
/* Zooms one preset step in (@direction > 0) or out, around the pointer when
 * it is over the canvas and around the centre otherwise. */
void             tafel_canvas_zoom_step      (TafelCanvas     *self,
                                              int              direction);
/* Sets the zoom around the centre of the canvas. */
void             tafel_canvas_set_scale      (TafelCanvas     *self,
                                              double           scale);
/* Shows all of @bounds (in board units). */
void             tafel_canvas_zoom_to_rect   (TafelCanvas     *self,
                                              const TafelRect *bounds);

gboolean         tafel_canvas_get_show_grid  (TafelCanvas     *self);
void             tafel_canvas_set_show_grid  (TafelCanvas     *self,
                                              gboolean         show_grid);
gboolean         tafel_canvas_get_dark       (TafelCanvas     *self);

G_END_DECLS
