/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tafel-canvas.h"

#define DOT_SPACING 24.0
#define DOT_SIZE     2.0

struct _TafelCanvas
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (TafelCanvas, tafel_canvas, GTK_TYPE_WIDGET)

static void
tafel_canvas_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA dot;

  /* The dot grid takes the foreground colour at low alpha, so it stays
   * subtle on both the light and the dark style. */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &dot);
  dot.alpha = 0.18f;

  for (double y = DOT_SPACING; y < height; y += DOT_SPACING)
    for (double x = DOT_SPACING; x < width; x += DOT_SPACING)
      gtk_snapshot_append_color (snapshot, &dot,
                                 &GRAPHENE_RECT_INIT (x - DOT_SIZE / 2, y - DOT_SIZE / 2,
                                                      DOT_SIZE, DOT_SIZE));
}

static void
tafel_canvas_class_init (TafelCanvasClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = tafel_canvas_snapshot;

  gtk_widget_class_set_css_name (widget_class, "canvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tafel_canvas_init (TafelCanvas *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "tafel-canvas");
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Board"),
                                  -1);
}
