/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tafel-canvas.h"
#include "tafel-window.h"

struct _TafelWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  TafelCanvas          *canvas;
};

G_DEFINE_FINAL_TYPE (TafelWindow, tafel_window, ADW_TYPE_APPLICATION_WINDOW)

static void
tafel_window_class_init (TafelWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (TAFEL_TYPE_CANVAS);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/tafel-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, canvas);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
tafel_window_init (TafelWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  if (g_str_equal (PROFILE, "development"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

TafelWindow *
tafel_window_new (TafelApplication *application)
{
  return g_object_new (TAFEL_TYPE_WINDOW,
                       "application", application,
                       NULL);
}
