/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The canvas's input: the mouse, pen, touch and keys turned into
 * navigation and into calls to the canvas controller. */
#include "config.h"

#include <math.h>

#include "tafel-canvas-private.h"

/* Pixels one notch of a mouse wheel scrolls, and the zoom factor of one
 * notch with Ctrl held. */
#define WHEEL_STEP       64.0
#define WHEEL_ZOOM        1.15

/* ---- Navigation ---------------------------------------------------------- */

void
tafel_canvas_update_cursor (TafelCanvas *self)
{
  const char *name = "crosshair";

  if (self->panning)
    name = "grabbing";
  else if (self->space_held)
    name = "grab";
  else if (self->controller != NULL)
    switch (tafel_canvas_controller_get_tool (self->controller))
      {
      case TAFEL_CANVAS_TOOL_SELECT:
        name = "default";
        break;
      case TAFEL_CANVAS_TOOL_TEXT:
        name = "text";
        break;
      case TAFEL_CANVAS_TOOL_ERASER:
        /* The eraser's circle is the cursor. */
        name = "none";
        break;
      default:
        break;
      }

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), name);
}

/* Space is held: the window sees it wherever the keyboard focus is (see
 * tafel-window.c), so that it pans rather than pressing a focused button. */
void
tafel_canvas_set_pan_key (TafelCanvas *self,
                          gboolean     held)
{
  g_return_if_fail (TAFEL_IS_CANVAS (self));

  if (self->space_held == !!held)
    return;
  self->space_held = !!held;
  tafel_canvas_update_cursor (self);
}

static void
pan_begin (TafelCanvas *self,
           double       x,
           double       y)
{
  self->panning = TRUE;
  self->pan_last_x = x;
  self->pan_last_y = y;
  tafel_canvas_update_cursor (self);
}

static void
pan_update (TafelCanvas *self,
            double       x,
            double       y)
{
  tafel_canvas_pan_by (self, x - self->pan_last_x, y - self->pan_last_y);
  self->pan_last_x = x;
  self->pan_last_y = y;
}

static void
pan_end (TafelCanvas *self)
{
  self->panning = FALSE;
  tafel_canvas_update_cursor (self);
}

static void
on_middle_drag_begin (GtkGestureDrag *gesture,
                      double          x,
                      double          y,
                      TafelCanvas    *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  pan_begin (self, x, y);
}

static void
on_middle_drag_update (GtkGestureDrag *gesture,
                       double          dx,
                       double          dy,
                       TafelCanvas    *self)
{
  double sx, sy;

  gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
  pan_update (self, sx + dx, sy + dy);
}

static void
on_middle_drag_end (GtkGestureDrag *gesture,
                    double          dx,
                    double          dy,
                    TafelCanvas    *self)
{
  pan_end (self);
}

/* ---- Pointer, pen, touch and keys ---------------------------------------- */

static TafelInputModifiers
modifiers_from_state (GdkModifierType state)
{
  TafelInputModifiers modifiers = 0;

  if (state & GDK_SHIFT_MASK)
    modifiers |= TAFEL_INPUT_SHIFT;
  if (state & GDK_CONTROL_MASK)
    modifiers |= TAFEL_INPUT_CONTROL;
  if (state & GDK_ALT_MASK)
    modifiers |= TAFEL_INPUT_ALT;
  return modifiers;
}

static void
send_pointer (TafelCanvas       *self,
              TafelPointerPhase  phase,
              TafelInputDevice   device,
              GdkModifierType    state,
              double             wx,
              double             wy,
              double             pressure,
              guint32            time_ms)
{
  TafelPointerEvent event = {
    .phase = phase,
    .device = device,
    .modifiers = modifiers_from_state (state),
    .pressure = pressure,
    .time_us = (gint64) time_ms * 1000,
  };

  tafel_view_to_board (&self->view, wx, wy, &event.x, &event.y);
  tafel_canvas_controller_pointer (self->controller, &event);
}

static TafelInputDevice
device_kind (GtkGesture *gesture)
{
  GdkDevice *device = gtk_gesture_get_device (gesture);

  if (device != NULL && gdk_device_get_source (device) == GDK_SOURCE_TOUCHSCREEN)
    return TAFEL_INPUT_TOUCH;
  return TAFEL_INPUT_MOUSE;
}

static gboolean
device_is_pen (GtkGesture *gesture)
{
  GdkDevice *device = gtk_gesture_get_device (gesture);

  return device != NULL && gdk_device_get_source (device) == GDK_SOURCE_PEN;
}

static gboolean
text_tool_active (TafelCanvas *self)
{
  return self->controller != NULL &&
         tafel_canvas_controller_get_tool (self->controller) == TAFEL_CANVAS_TOOL_TEXT;
}

/* The text under widget point (x, y) when this press changes one: the
 * second of a double click on it. (A single click with the text tool
 * opens a new text, wherever it lands.) */
static TafelObject *
text_to_edit (TafelCanvas *self,
              double       x,
              double       y,
              guint32      time_ms)
{
  GtkSettings *settings = gtk_widget_get_settings (GTK_WIDGET (self));
  int double_time = 400, double_distance = 5;
  gboolean double_click;
  TafelObject *object;
  double bx, by;

  g_object_get (settings, "gtk-double-click-time", &double_time,
                "gtk-double-click-distance", &double_distance, NULL);
  double_click = self->last_press_ms != 0 && time_ms - self->last_press_ms <= (guint32) double_time &&
                 fabs (x - self->last_press_x) <= double_distance &&
                 fabs (y - self->last_press_y) <= double_distance;
  self->last_press_ms = time_ms;
  self->last_press_x = x;
  self->last_press_y = y;

  if (self->controller == NULL || !double_click)
    return NULL;
  tafel_view_to_board (&self->view, x, y, &bx, &by);
  object = tafel_canvas_controller_object_at (self->controller, bx, by);
  if (object == NULL || tafel_object_get_type (object) != TAFEL_OBJECT_TEXT)
    return NULL;
  /* A double click is the second press: the first one may have begun
   * something (a selection); it ends here. */
  tafel_canvas_controller_cancel (self->controller);
  self->last_press_ms = 0;
  return object;
}

static void
on_primary_drag_begin (GtkGestureDrag *gesture,
                       double          x,
                       double          y,
                       TafelCanvas    *self)
{
  GtkEventController *controller = GTK_EVENT_CONTROLLER (gesture);
  TafelObject *text;

  /* A click outside the text being typed stores it first (which hands the
   * focus back to the canvas). With the text tool, the click goes on to
   * open the next text where it landed; otherwise it does no more. */
  if (self->editor != NULL)
    {
      /* This press counts as the last one: a press on a text right after
       * it is not the second half of a double click with an older press
       * there (which would open that text again). */
      self->last_press_ms = gtk_event_controller_get_current_event_time (controller);
      self->last_press_x = x;
      self->last_press_y = y;
      tafel_canvas_text_finish (self, TRUE);
      if (!text_tool_active (self) || self->space_held)
        {
          gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
          return;
        }
    }

  gtk_widget_grab_focus (GTK_WIDGET (self));

  if (self->space_held)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      pan_begin (self, x, y);
      return;
    }

  /* A pen is the stylus gesture's. */
  if (device_is_pen (GTK_GESTURE (gesture)) || self->controller == NULL)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  text = text_to_edit (self, x, y, gtk_event_controller_get_current_event_time (controller));
  if (text != NULL && tafel_canvas_text_edit (self, text))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->drawing = TRUE;
  self->drawing_device = device_kind (GTK_GESTURE (gesture));
  send_pointer (self, TAFEL_POINTER_DOWN, self->drawing_device,
                gtk_event_controller_get_current_event_state (controller),
                x, y, -1, gtk_event_controller_get_current_event_time (controller));
}

static void
on_primary_drag_update (GtkGestureDrag *gesture,
                        double          dx,
                        double          dy,
                        TafelCanvas    *self)
{
  GtkEventController *controller = GTK_EVENT_CONTROLLER (gesture);
  GdkEvent *event = gtk_event_controller_get_current_event (controller);
  GdkModifierType state = gtk_event_controller_get_current_event_state (controller);
  double sx, sy, x, y;

  gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
  x = sx + dx;
  y = sy + dy;

  if (self->panning)
    {
      pan_update (self, x, y);
      return;
    }
  if (!self->drawing)
    return;

  /* GTK merges the motions of one frame into one event; the merged ones
   * are its history, in surface coordinates: replay them, so that fast
   * strokes keep their shape. */
  if (event != NULL && gdk_event_get_event_type (event) == GDK_MOTION_NOTIFY)
    {
      g_autofree GdkTimeCoord *history = NULL;
      guint n_history = 0;
      double ex, ey;

      history = gdk_event_get_history (event, &n_history);
      if (n_history > 0 && gdk_event_get_position (event, &ex, &ey))
        for (guint i = 0; i < n_history; i++)
          if ((history[i].flags & GDK_AXIS_FLAG_X) && (history[i].flags & GDK_AXIS_FLAG_Y))
            send_pointer (self, TAFEL_POINTER_MOTION, self->drawing_device, state,
                          history[i].axes[GDK_AXIS_X] - ex + x,
                          history[i].axes[GDK_AXIS_Y] - ey + y,
                          -1, history[i].time);
    }

  send_pointer (self, TAFEL_POINTER_MOTION, self->drawing_device, state, x, y, -1,
                gtk_event_controller_get_current_event_time (controller));
}

static void
on_primary_drag_end (GtkGestureDrag *gesture,
                     double          dx,
                     double          dy,
                     TafelCanvas    *self)
{
  GtkEventController *controller = GTK_EVENT_CONTROLLER (gesture);
  double sx, sy;

  if (self->panning)
    {
      pan_end (self);
      return;
    }
  if (!self->drawing)
    return;

  self->drawing = FALSE;
  gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
  send_pointer (self, TAFEL_POINTER_UP, self->drawing_device,
                gtk_event_controller_get_current_event_state (controller),
                sx + dx, sy + dy, -1, gtk_event_controller_get_current_event_time (controller));
}

static void
on_primary_drag_cancel (GtkGesture       *gesture,
                        GdkEventSequence *sequence,
                        TafelCanvas      *self)
{
  if (self->panning)
    pan_end (self);
  if (!self->drawing)
    return;

  /* A second finger turned the touch into a pinch. */
  self->drawing = FALSE;
  send_pointer (self, TAFEL_POINTER_CANCEL, self->drawing_device, 0, 0, 0, -1, 0);
}

static double
stylus_pressure (GtkGestureStylus *gesture)
{
  double pressure;

  if (gtk_gesture_stylus_get_axis (gesture, GDK_AXIS_PRESSURE, &pressure))
    return pressure;
  return -1;
}

static TafelInputDevice
stylus_device (GtkGestureStylus *gesture)
{
  GdkDeviceTool *tool = gtk_gesture_stylus_get_device_tool (gesture);

  if (tool != NULL && gdk_device_tool_get_tool_type (tool) == GDK_DEVICE_TOOL_TYPE_ERASER)
    return TAFEL_INPUT_ERASER;
  return TAFEL_INPUT_PEN;
}

static void
on_stylus_down (GtkGestureStylus *gesture,
                double            x,
                double            y,
                TafelCanvas      *self)
{
  GtkEventController *controller = GTK_EVENT_CONTROLLER (gesture);

  if (self->controller == NULL || self->space_held)
    return;

  /* A tap outside the text being typed stores it; with the text tool it
   * goes on to open the next text there. */
  if (self->editor != NULL)
    {
      /* This press counts as the last one: a press on a text right after
       * it is not the second half of a double click with an older press
       * there (which would open that text again). */
      self->last_press_ms = gtk_event_controller_get_current_event_time (controller);
      self->last_press_x = x;
      self->last_press_y = y;
      tafel_canvas_text_finish (self, TRUE);
      if (!text_tool_active (self))
        return;
    }

  gtk_widget_grab_focus (GTK_WIDGET (self));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->stylus_down = TRUE;
  send_pointer (self, TAFEL_POINTER_DOWN, stylus_device (gesture),
                gtk_event_controller_get_current_event_state (controller),
                x, y, stylus_pressure (gesture),
                gtk_event_controller_get_current_event_time (controller));
}

static void
on_stylus_motion (GtkGestureStylus *gesture,
                  double            x,
                  double            y,
                  TafelCanvas      *self)
{
  GtkEventController *controller = GTK_EVENT_CONTROLLER (gesture);
  GdkModifierType state = gtk_event_controller_get_current_event_state (controller);
  TafelInputDevice device = stylus_device (gesture);
  g_autofree GdkTimeCoord *backlog = NULL;
  guint n_backlog = 0;

  if (!self->stylus_down)
    {
      /* Hovering: the eraser circle follows. */
      self->pointer_inside = TRUE;
      self->pointer_x = x;
      self->pointer_y = y;
      tafel_canvas_emit_pointer_moved (self);
      return;
    }

  /* The samples the pen sent since the last motion, oldest first. */
  if (gtk_gesture_stylus_get_backlog (gesture, &backlog, &n_backlog))
    for (guint i = 0; i < n_backlog; i++)
      {
        double pressure = (backlog[i].flags & GDK_AXIS_FLAG_PRESSURE) ? backlog[i].axes[GDK_AXIS_PRESSURE] : -1;

        if ((backlog[i].flags & GDK_AXIS_FLAG_X) && (backlog[i].flags & GDK_AXIS_FLAG_Y))
          send_pointer (self, TAFEL_POINTER_MOTION, device, state,
                        backlog[i].axes[GDK_AXIS_X], backlog[i].axes[GDK_AXIS_Y],
                        pressure, backlog[i].time);
      }

  send_pointer (self, TAFEL_POINTER_MOTION, device, state, x, y, stylus_pressure (gesture),
                gtk_event_controller_get_current_event_time (controller));
}

static void
on_stylus_up (GtkGestureStylus *gesture,
              double            x,
              double            y,
              TafelCanvas      *self)
{
  GtkEventController *controller = GTK_EVENT_CONTROLLER (gesture);

  if (!self->stylus_down)
    return;

  self->stylus_down = FALSE;
  send_pointer (self, TAFEL_POINTER_UP, stylus_device (gesture),
                gtk_event_controller_get_current_event_state (controller),
                x, y, stylus_pressure (gesture),
                gtk_event_controller_get_current_event_time (controller));
}

static void
on_pinch_begin (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                TafelCanvas      *self)
{
  self->pinch_scale_begin = self->view.scale;
  gtk_gesture_get_bounding_box_center (gesture, &self->pinch_last_cx, &self->pinch_last_cy);
}

static void
on_pinch_scale_changed (GtkGestureZoom *gesture,
                        double          scale,
                        TafelCanvas    *self)
{
  double cx, cy;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &cx, &cy))
    return;

  /* Two fingers both zoom (around their centre) and pan (as the centre moves). */
  tafel_canvas_pan_by (self, cx - self->pinch_last_cx, cy - self->pinch_last_cy);
  self->pinch_last_cx = cx;
  self->pinch_last_cy = cy;
  tafel_canvas_zoom_at (self, self->pinch_scale_begin * scale, cx, cy);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           TafelCanvas              *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  GdkScrollUnit unit = gtk_event_controller_scroll_get_unit (controller);
  double wx = self->pointer_x, wy = self->pointer_y;

  if (!self->pointer_inside)
    {
      wx = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      wy = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }

  if (state & GDK_CONTROL_MASK)
    {
      /* A wheel notch is one step; touchpads report pixels, which zoom
       * smoothly at about one step per 20 px. */
      double notches = unit == GDK_SCROLL_UNIT_WHEEL ? dy : dy / 20.0;
      tafel_canvas_zoom_at (self, self->view.scale * pow (WHEEL_ZOOM, -notches), wx, wy);
      return GDK_EVENT_STOP;
    }

  if (unit == GDK_SCROLL_UNIT_WHEEL)
    {
      dx *= WHEEL_STEP;
      dy *= WHEEL_STEP;
      /* Shift turns a plain wheel sideways. */
      if ((state & GDK_SHIFT_MASK) && dx == 0)
        {
          dx = dy;
          dy = 0;
        }
    }

  tafel_canvas_pan_by (self, -dx, -dy);
  return GDK_EVENT_STOP;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           TafelCanvas              *self)
{
  self->pointer_inside = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
  tafel_canvas_emit_pointer_moved (self);

  if (self->controller != NULL &&
      tafel_canvas_controller_get_tool (self->controller) == TAFEL_CANVAS_TOOL_ERASER)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *controller,
          TafelCanvas              *self)
{
  self->pointer_inside = FALSE;
  tafel_canvas_emit_pointer_moved (self);
  if (self->controller != NULL &&
      tafel_canvas_controller_get_tool (self->controller) == TAFEL_CANVAS_TOOL_ERASER)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_key_pressed (GtkEventControllerKey *key,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                TafelCanvas           *self)
{
  GdkModifierType mods = state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK | GDK_ALT_MASK);
  int dx = 0, dy = 0;

  if (self->controller == NULL)
    return GDK_EVENT_PROPAGATE;

  if (keyval == GDK_KEY_Shift_L || keyval == GDK_KEY_Shift_R)
    tafel_canvas_controller_set_modifiers (self->controller, modifiers_from_state (state | GDK_SHIFT_MASK));

  if (keyval == GDK_KEY_Escape && mods == 0)
    return tafel_canvas_controller_cancel (self->controller) ? GDK_EVENT_STOP : GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      dx = -1;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      dx = 1;
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      dy = -1;
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      dy = 1;
      break;
    default:
      return GDK_EVENT_PROPAGATE;
    }

  if ((mods & ~GDK_SHIFT_MASK) != 0 || !tafel_canvas_controller_has_selection (self->controller))
    return GDK_EVENT_PROPAGATE;

  {
    g_autoptr(GError) error = NULL;
    /* Shift takes ten steps at once. */
    int step = (mods & GDK_SHIFT_MASK) ? 10 : 1;

    if (!tafel_canvas_controller_nudge_selection (self->controller, dx * step, dy * step, &error))
      tafel_canvas_emit_error (self, error);
  }
  return GDK_EVENT_STOP;
}

static void
on_key_released (GtkEventControllerKey *key,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 TafelCanvas           *self)
{
  if (self->controller != NULL && (keyval == GDK_KEY_Shift_L || keyval == GDK_KEY_Shift_R))
    tafel_canvas_controller_set_modifiers (self->controller, modifiers_from_state (state & ~GDK_SHIFT_MASK));
}

/* ---- Setup --------------------------------------------------------------- */

void
tafel_canvas_input_init (TafelCanvas *self)
{
  GtkEventController *controller;

  self->stylus = gtk_gesture_stylus_new ();
  g_signal_connect (self->stylus, "down", G_CALLBACK (on_stylus_down), self);
  g_signal_connect (self->stylus, "motion", G_CALLBACK (on_stylus_motion), self);
  g_signal_connect (self->stylus, "up", G_CALLBACK (on_stylus_up), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->stylus));

  self->drag_primary = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->drag_primary), GDK_BUTTON_PRIMARY);
  g_signal_connect (self->drag_primary, "drag-begin", G_CALLBACK (on_primary_drag_begin), self);
  g_signal_connect (self->drag_primary, "drag-update", G_CALLBACK (on_primary_drag_update), self);
  g_signal_connect (self->drag_primary, "drag-end", G_CALLBACK (on_primary_drag_end), self);
  g_signal_connect (self->drag_primary, "cancel", G_CALLBACK (on_primary_drag_cancel), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->drag_primary));

  self->drag_middle = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->drag_middle), GDK_BUTTON_MIDDLE);
  g_signal_connect (self->drag_middle, "drag-begin", G_CALLBACK (on_middle_drag_begin), self);
  g_signal_connect (self->drag_middle, "drag-update", G_CALLBACK (on_middle_drag_update), self);
  g_signal_connect (self->drag_middle, "drag-end", G_CALLBACK (on_middle_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->drag_middle));

  self->pinch = gtk_gesture_zoom_new ();
  g_signal_connect (self->pinch, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (self->pinch, "scale-changed", G_CALLBACK (on_pinch_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->pinch));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  g_signal_connect (controller, "key-released", G_CALLBACK (on_key_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

}
