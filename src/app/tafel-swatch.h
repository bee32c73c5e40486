/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TAFEL_TYPE_SWATCH (tafel_swatch_get_type ())

G_DECLARE_FINAL_TYPE (TafelSwatch, tafel_swatch, TAFEL, SWATCH, GtkWidget)

/* A round dot of one ink colour (0xRRGGBBAA), as it looks on the canvas in
 * the current style; with a @diameter it shows a stroke width instead of
 * filling its allocation. */
GtkWidget *tafel_swatch_new          (guint32      rgba,
                                      double       diameter) G_GNUC_WARN_UNUSED_RESULT;
guint32    tafel_swatch_get_rgba     (TafelSwatch *self);
void       tafel_swatch_set_rgba     (TafelSwatch *self,
                                      guint32      rgba);
double     tafel_swatch_get_diameter (TafelSwatch *self);
void       tafel_swatch_set_diameter (TafelSwatch *self,
                                      double       diameter);

G_END_DECLS
