/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tafel-canvas.h"
#include "tafel-toolbar.h"
#include "tafel-window.h"

struct _TafelWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  AdwToastOverlay      *toast_overlay;
  TafelCanvas          *canvas;
  GtkButton            *zoom_level_button;
};

G_DEFINE_FINAL_TYPE (TafelWindow, tafel_window, ADW_TYPE_APPLICATION_WINDOW)

static void
update_zoom_label (TafelWindow *self)
{
  g_autofree char *label = NULL;

  /* Translators: a zoom level, like "100 %" */
  label = g_strdup_printf (_("%.0f %%"), round (tafel_canvas_get_scale (self->canvas) * 100));
  gtk_button_set_label (self->zoom_level_button, label);
}

static void
zoom_in_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TafelWindow *self = TAFEL_WINDOW (widget);

  tafel_canvas_zoom_step (self->canvas, +1);
}

static void
zoom_out_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  TafelWindow *self = TAFEL_WINDOW (widget);

  tafel_canvas_zoom_step (self->canvas, -1);
}

static void
zoom_reset_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  TafelWindow *self = TAFEL_WINDOW (widget);

  tafel_canvas_set_scale (self->canvas, 1.0);
}

static gboolean
tafel_window_close_request (GtkWindow *window)
{
  TafelWindow *self = TAFEL_WINDOW (window);
  gboolean maximized = gtk_window_is_maximized (window);

  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  if (!maximized)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }

  return GTK_WINDOW_CLASS (tafel_window_parent_class)->close_request (window);
}

static void
tafel_window_dispose (GObject *object)
{
  TafelWindow *self = TAFEL_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tafel_window_parent_class)->dispose (object);
}

static void
add_tool_key (GtkWidgetClass *widget_class,
              guint           keyval,
              const char     *tool)
{
  gtk_widget_class_add_binding_action (widget_class, keyval, 0, "win.tool", "s", tool);
}

static void
tafel_window_class_init (TafelWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = tafel_window_dispose;
  window_class->close_request = tafel_window_close_request;

  g_type_ensure (TAFEL_TYPE_CANVAS);
  g_type_ensure (TAFEL_TYPE_TOOLBAR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/tafel-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, zoom_level_button);

  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_in_activated);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_out_activated);
  gtk_widget_class_install_action (widget_class, "win.zoom-reset", NULL, zoom_reset_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "win.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK, "win.zoom-reset", NULL);

  /* Single keys pick tools, as in Excalidraw. They reach the window only
   * when no text field took them first. */
  add_tool_key (widget_class, GDK_KEY_p, "pen");
  add_tool_key (widget_class, GDK_KEY_h, "highlighter");
  add_tool_key (widget_class, GDK_KEY_e, "eraser");
  add_tool_key (widget_class, GDK_KEY_l, "line");
  add_tool_key (widget_class, GDK_KEY_r, "rectangle");
  add_tool_key (widget_class, GDK_KEY_o, "ellipse");
  add_tool_key (widget_class, GDK_KEY_a, "arrow");
  add_tool_key (widget_class, GDK_KEY_t, "text");
  add_tool_key (widget_class, GDK_KEY_v, "select");
  add_tool_key (widget_class, GDK_KEY_s, "select");
}

static void
tafel_window_init (TafelWindow *self)
{
  g_autoptr(GAction) tool_action = NULL;
  g_autoptr(GAction) grid_action = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (SCHEMA_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  tool_action = g_settings_create_action (self->settings, "tool");
  g_action_map_add_action (G_ACTION_MAP (self), tool_action);
  grid_action = g_settings_create_action (self->settings, "show-grid");
  g_action_map_add_action (G_ACTION_MAP (self), grid_action);
  g_settings_bind (self->settings, "show-grid", self->canvas, "show-grid", G_SETTINGS_BIND_GET);

  g_signal_connect_swapped (self->canvas, "notify::scale", G_CALLBACK (update_zoom_label), self);
  update_zoom_label (self);

  if (g_str_equal (PROFILE, "development"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

TafelWindow *
tafel_window_new (TafelApplication *application)
{
  return g_object_new (TAFEL_TYPE_WINDOW,
                       "application", application,
                       NULL);
}
