/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The canvas's context menu: a right click (or the Menu key, Shift+F10)
 * on an object selects it and offers what can be done with the
 * selection; on the empty board, pasting and selecting all. */
#include "config.h"

#include <glib/gi18n.h>

#include "tafel-canvas-private.h"

static void
append_item (GMenu      *section,
             const char *label,
             const char *action,
             GVariant   *target,
             const char *accel)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, target);
  /* Shown beside the item; the keys themselves are bindings elsewhere. */
  if (accel != NULL)
    g_menu_item_set_attribute (item, "accel", "s", accel);
  g_menu_append_item (section, item);
}

/* The menu for a click at board point (x, y): Paste puts things there. */
static GMenuModel *
build_menu (double x,
            double y)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) edit = g_menu_new ();
  g_autoptr(GMenu) order = g_menu_new ();
  g_autoptr(GMenu) all = g_menu_new ();

  append_item (edit, _("Cu_t"), "canvas.cut", NULL, "<Control>x");
  append_item (edit, _("_Copy"), "canvas.copy", NULL, "<Control>c");
  append_item (edit, _("_Paste"), "canvas.paste-here", g_variant_new ("(dd)", x, y), "<Control>v");
  append_item (edit, _("_Duplicate"), "win.duplicate", NULL, "<Control>d");
  append_item (edit, _("De_lete"), "win.delete-selection", NULL, "Delete");
  append_item (order, _("Bring to _Front"), "win.raise", NULL, "Home");
  append_item (order, _("Send to _Back"), "win.lower", NULL, "End");
  append_item (all, _("Select _All"), "win.select-all", NULL, "<Control>a");

  g_menu_append_section (menu, NULL, G_MENU_MODEL (edit));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (order));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (all));
  return G_MENU_MODEL (menu);
}

/* Opens the menu pointing at widget point (wx, wy). */
static void
popup_at (TafelCanvas *self,
          double       wx,
          double       wy)
{
  g_autoptr(GMenuModel) model = NULL;
  double x, y;

  tafel_view_to_board (&self->view, wx, wy, &x, &y);
  model = build_menu (x, y);
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->menu), model);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu),
                               &(GdkRectangle) { (int) wx, (int) wy, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static void
on_secondary_pressed (GtkGestureClick *gesture,
                      int              n_press,
                      double           wx,
                      double           wy,
                      TafelCanvas     *self)
{
  double x, y;

  if (self->controller == NULL)
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  tafel_canvas_text_finish (self, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self));

  /* A right click on an object is about that object: it is selected, with
   * the selection tool, whose the selection is. */
  tafel_view_to_board (&self->view, wx, wy, &x, &y);
  if (tafel_canvas_controller_object_at (self->controller, x, y) != NULL &&
      tafel_canvas_controller_get_tool (self->controller) != TAFEL_CANVAS_TOOL_SELECT)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.tool", "s", "select");
  tafel_canvas_controller_select_at (self->controller, x, y);

  popup_at (self, wx, wy);
}

static void
context_menu_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  TafelCanvas *self = TAFEL_CANVAS (widget);
  TafelRect bounds;
  double wx, wy;

  if (self->controller == NULL)
    return;

  /* From the keyboard: at the selection, or at the pointer, or in the
   * middle of what is in sight. */
  if (tafel_canvas_controller_get_selection_bounds (self->controller, &bounds))
    tafel_view_to_widget (&self->view, bounds.x + bounds.width / 2, bounds.y + bounds.height / 2, &wx, &wy);
  else if (self->pointer_inside)
    {
      wx = self->pointer_x;
      wy = self->pointer_y;
    }
  else
    {
      tafel_canvas_get_clear_area (self, &bounds);
      wx = bounds.x + bounds.width / 2;
      wy = bounds.y + bounds.height / 2;
    }
  popup_at (self, wx, wy);
}

void
tafel_canvas_menu_init (TafelCanvas *self)
{
  GtkGesture *secondary = gtk_gesture_click_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (secondary), GDK_BUTTON_SECONDARY);
  g_signal_connect (secondary, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (secondary));

  self->menu = gtk_popover_menu_new_from_model (NULL);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
  gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->menu, GTK_WIDGET (self));
}

void
tafel_canvas_menu_dispose (TafelCanvas *self)
{
  g_clear_pointer (&self->menu, gtk_widget_unparent);
}

void
tafel_canvas_menu_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "canvas.context-menu", NULL, context_menu_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "canvas.context-menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "canvas.context-menu", NULL);
}
