/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TAFEL_TYPE_CANVAS (tafel_canvas_get_type ())

G_DECLARE_FINAL_TYPE (TafelCanvas, tafel_canvas, TAFEL, CANVAS, GtkWidget)

G_END_DECLS
