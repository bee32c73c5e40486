/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tafel-thumbnail-view.h"

struct _TafelThumbnailView
{
  GtkWidget     parent_instance;

  GdkPaintable *paintable;
  int           width;
  int           height;
};

G_DEFINE_FINAL_TYPE (TafelThumbnailView, tafel_thumbnail_view, GTK_TYPE_WIDGET)

static void
tafel_thumbnail_view_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  TafelThumbnailView *self = TAFEL_THUMBNAIL_VIEW (widget);

  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? self->width : self->height;
}

static void
tafel_thumbnail_view_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  TafelThumbnailView *self = TAFEL_THUMBNAIL_VIEW (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double pw, ph, scale;

  if (self->paintable == NULL)
    return;

  pw = gdk_paintable_get_intrinsic_width (self->paintable);
  ph = gdk_paintable_get_intrinsic_height (self->paintable);
  if (pw <= 0 || ph <= 0)
    return;

  /* Never larger than the picture is: a small drawing stays small. */
  scale = MIN (1.0, MIN (width / pw, height / ph));
  pw *= scale;
  ph *= scale;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (floor ((width - pw) / 2), floor ((height - ph) / 2)));
  gdk_paintable_snapshot (self->paintable, GDK_SNAPSHOT (snapshot), pw, ph);
  gtk_snapshot_restore (snapshot);
}

void
tafel_thumbnail_view_set_paintable (TafelThumbnailView *self,
                                    GdkPaintable       *paintable)
{
  g_return_if_fail (TAFEL_IS_THUMBNAIL_VIEW (self));

  if (g_set_object (&self->paintable, paintable))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
tafel_thumbnail_view_dispose (GObject *object)
{
  TafelThumbnailView *self = TAFEL_THUMBNAIL_VIEW (object);

  g_clear_object (&self->paintable);

  G_OBJECT_CLASS (tafel_thumbnail_view_parent_class)->dispose (object);
}

static void
tafel_thumbnail_view_class_init (TafelThumbnailViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tafel_thumbnail_view_dispose;
  widget_class->measure = tafel_thumbnail_view_measure;
  widget_class->snapshot = tafel_thumbnail_view_snapshot;

  gtk_widget_class_set_css_name (widget_class, "thumbnail");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tafel_thumbnail_view_init (TafelThumbnailView *self)
{
}

GtkWidget *
tafel_thumbnail_view_new (int width,
                          int height)
{
  TafelThumbnailView *self = g_object_new (TAFEL_TYPE_THUMBNAIL_VIEW, NULL);

  self->width = width;
  self->height = height;
  return GTK_WIDGET (self);
}
