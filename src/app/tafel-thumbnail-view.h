/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TAFEL_TYPE_THUMBNAIL_VIEW (tafel_thumbnail_view_get_type ())

G_DECLARE_FINAL_TYPE (TafelThumbnailView, tafel_thumbnail_view, TAFEL, THUMBNAIL_VIEW, GtkWidget)

/* A board's picture on the start page: always the same size, the picture
 * scaled down into it, whatever size the picture has. */
GtkWidget *tafel_thumbnail_view_new           (int                 width,
                                               int                 height) G_GNUC_WARN_UNUSED_RESULT;
void       tafel_thumbnail_view_set_paintable (TafelThumbnailView *self,
                                               GdkPaintable       *paintable);

G_END_DECLS
