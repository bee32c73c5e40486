/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tafel-canvas.h"

/* Grid dots are GRID_SPACING board units apart; when zoomed out far enough
 * that they would crowd closer than GRID_MIN_PIXELS, every other one goes. */
#define GRID_SPACING     24.0
#define GRID_MIN_PIXELS  12.0
#define GRID_DOT_SIZE     2.0
/* Pixels one notch of a mouse wheel scrolls, and the zoom factor of one
 * notch with Ctrl held. */
#define WHEEL_STEP       64.0
#define WHEEL_ZOOM        1.15

struct _TafelCanvas
{
  GtkWidget        parent_instance;

  TafelView        view;
  gboolean         show_grid;
  gboolean         dark;

  /* Navigation state. */
  gboolean         space_held;
  gboolean         panning;
  double           pan_last_x;
  double           pan_last_y;
  gboolean         pointer_inside;
  double           pointer_x;
  double           pointer_y;
  double           pinch_scale_begin;
  double           pinch_last_cx;
  double           pinch_last_cy;

  GtkGesture      *drag_primary;
  GtkGesture      *drag_middle;
  GtkGesture      *pinch;
};

G_DEFINE_FINAL_TYPE (TafelCanvas, tafel_canvas, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SCALE,
  PROP_SHOW_GRID,
  PROP_DARK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
view_changed (TafelCanvas *self,
              gboolean     scale_changed)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (scale_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
}

static void
snapshot_grid (TafelCanvas *self,
               GtkSnapshot *snapshot,
               double       width,
               double       height)
{
  GdkRGBA dot;
  double spacing = GRID_SPACING;
  double pixels, ox, oy;

  while (spacing * self->view.scale < GRID_MIN_PIXELS)
    spacing *= 2;
  pixels = spacing * self->view.scale;

  /* The dot grid takes the foreground colour at low alpha, so it stays
   * subtle on both the light and the dark style. */
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &dot);
  dot.alpha = 0.18f;

  /* Widget position of the first grid line at or left of / above x = 0,
   * half a cell back so the dot sits in the middle of a repeated cell. */
  ox = (floor (self->view.x / spacing) * spacing - self->view.x) * self->view.scale - pixels / 2;
  oy = (floor (self->view.y / spacing) * spacing - self->view.y) * self->view.scale - pixels / 2;

  gtk_snapshot_push_repeat (snapshot,
                            &GRAPHENE_RECT_INIT (0, 0, width, height),
                            &GRAPHENE_RECT_INIT (ox, oy, pixels, pixels));
  gtk_snapshot_append_color (snapshot, &dot,
                             &GRAPHENE_RECT_INIT (ox + pixels / 2 - GRID_DOT_SIZE / 2,
                                                  oy + pixels / 2 - GRID_DOT_SIZE / 2,
                                                  GRID_DOT_SIZE, GRID_DOT_SIZE));
  gtk_snapshot_pop (snapshot);
}

static void
tafel_canvas_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  TafelCanvas *self = TAFEL_CANVAS (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);

  if (width <= 0 || height <= 0)
    return;

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->show_grid)
    snapshot_grid (self, snapshot, width, height);
  gtk_snapshot_pop (snapshot);
}

/* ---- Navigation ---------------------------------------------------------- */

static void
pan_by (TafelCanvas *self,
        double       dx,
        double       dy)
{
  if (dx == 0 && dy == 0)
    return;
  tafel_view_pan (&self->view, dx, dy);
  view_changed (self, FALSE);
}

static void
zoom_at (TafelCanvas *self,
         double       scale,
         double       wx,
         double       wy)
{
  if (tafel_view_set_scale_at (&self->view, scale, wx, wy))
    view_changed (self, TRUE);
}

static void
update_cursor (TafelCanvas *self)
{
  const char *name = NULL;

  if (self->panning)
    name = "grabbing";
  else if (self->space_held)
    name = "grab";
  else
    name = "crosshair";

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), name);
}

static void
pan_begin (TafelCanvas *self,
           double       x,
           double       y)
{
  self->panning = TRUE;
  self->pan_last_x = x;
  self->pan_last_y = y;
  update_cursor (self);
}

static void
pan_update (TafelCanvas *self,
            double       x,
            double       y)
{
  pan_by (self, x - self->pan_last_x, y - self->pan_last_y);
  self->pan_last_x = x;
  self->pan_last_y = y;
}

static void
pan_end (TafelCanvas *self)
{
  self->panning = FALSE;
  update_cursor (self);
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

static void
on_primary_drag_begin (GtkGestureDrag *gesture,
                       double          x,
                       double          y,
                       TafelCanvas    *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));

  if (self->space_held)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      pan_begin (self, x, y);
    }
}

static void
on_primary_drag_update (GtkGestureDrag *gesture,
                        double          dx,
                        double          dy,
                        TafelCanvas    *self)
{
  double sx, sy;

  gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
  if (self->panning)
    pan_update (self, sx + dx, sy + dy);
}

static void
on_primary_drag_end (GtkGestureDrag *gesture,
                     double          dx,
                     double          dy,
                     TafelCanvas    *self)
{
  if (self->panning)
    pan_end (self);
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
  pan_by (self, cx - self->pinch_last_cx, cy - self->pinch_last_cy);
  self->pinch_last_cx = cx;
  self->pinch_last_cy = cy;
  zoom_at (self, self->pinch_scale_begin * scale, cx, cy);
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
      zoom_at (self, self->view.scale * pow (WHEEL_ZOOM, -notches), wx, wy);
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

  pan_by (self, -dx, -dy);
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
}

static void
on_leave (GtkEventControllerMotion *controller,
          TafelCanvas              *self)
{
  self->pointer_inside = FALSE;
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                TafelCanvas           *self)
{
  if (keyval == GDK_KEY_space && (state & GDK_MODIFIER_MASK & ~GDK_LOCK_MASK) == 0)
    {
      if (!self->space_held)
        {
          self->space_held = TRUE;
          update_cursor (self);
        }
      return GDK_EVENT_STOP;
    }

  return GDK_EVENT_PROPAGATE;
}

static void
on_key_released (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 TafelCanvas           *self)
{
  if (keyval == GDK_KEY_space && self->space_held)
    {
      self->space_held = FALSE;
      update_cursor (self);
    }
}

static void
on_focus_leave (GtkEventControllerFocus *controller,
                TafelCanvas             *self)
{
  /* A release we will never see must not leave the canvas in pan mode. */
  if (self->space_held)
    {
      self->space_held = FALSE;
      update_cursor (self);
    }
}

static void
on_dark_changed (AdwStyleManager *manager,
                 GParamSpec      *pspec,
                 TafelCanvas     *self)
{
  self->dark = adw_style_manager_get_dark (manager);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DARK]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- Public API ---------------------------------------------------------- */

GtkWidget *
tafel_canvas_new (void)
{
  return g_object_new (TAFEL_TYPE_CANVAS, NULL);
}

const TafelView *
tafel_canvas_get_view (TafelCanvas *self)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS (self), NULL);

  return &self->view;
}

void
tafel_canvas_set_view (TafelCanvas     *self,
                       const TafelView *view)
{
  gboolean scale_changed;

  g_return_if_fail (TAFEL_IS_CANVAS (self));
  g_return_if_fail (view != NULL);

  scale_changed = view->scale != self->view.scale;
  self->view = *view;
  self->view.scale = CLAMP (self->view.scale, TAFEL_VIEW_MIN_SCALE, TAFEL_VIEW_MAX_SCALE);
  view_changed (self, scale_changed);
}

double
tafel_canvas_get_scale (TafelCanvas *self)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS (self), 1.0);

  return self->view.scale;
}

static void
zoom_center (TafelCanvas *self,
             double      *wx,
             double      *wy)
{
  if (self->pointer_inside)
    {
      *wx = self->pointer_x;
      *wy = self->pointer_y;
    }
  else
    {
      *wx = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      *wy = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }
}

void
tafel_canvas_zoom_step (TafelCanvas *self,
                        int          direction)
{
  double wx, wy;

  g_return_if_fail (TAFEL_IS_CANVAS (self));

  zoom_center (self, &wx, &wy);
  zoom_at (self, tafel_view_step_scale (self->view.scale, direction), wx, wy);
}

void
tafel_canvas_set_scale (TafelCanvas *self,
                        double       scale)
{
  g_return_if_fail (TAFEL_IS_CANVAS (self));

  zoom_at (self, scale,
           gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
           gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

void
tafel_canvas_zoom_to_rect (TafelCanvas     *self,
                           const TafelRect *bounds)
{
  TafelView view = self->view;

  g_return_if_fail (TAFEL_IS_CANVAS (self));

  tafel_view_fit (&view, bounds,
                  gtk_widget_get_width (GTK_WIDGET (self)),
                  gtk_widget_get_height (GTK_WIDGET (self)),
                  48);
  tafel_canvas_set_view (self, &view);
}

gboolean
tafel_canvas_get_show_grid (TafelCanvas *self)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS (self), FALSE);

  return self->show_grid;
}

void
tafel_canvas_set_show_grid (TafelCanvas *self,
                            gboolean     show_grid)
{
  g_return_if_fail (TAFEL_IS_CANVAS (self));

  show_grid = !!show_grid;
  if (self->show_grid == show_grid)
    return;

  self->show_grid = show_grid;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_GRID]);
}

gboolean
tafel_canvas_get_dark (TafelCanvas *self)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS (self), FALSE);

  return self->dark;
}

/* ---- GObject ------------------------------------------------------------- */

static void
tafel_canvas_dispose (GObject *object)
{
  TafelCanvas *self = TAFEL_CANVAS (object);

  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);

  G_OBJECT_CLASS (tafel_canvas_parent_class)->dispose (object);
}

static void
tafel_canvas_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TafelCanvas *self = TAFEL_CANVAS (object);

  switch (prop_id)
    {
    case PROP_SCALE:
      g_value_set_double (value, self->view.scale);
      break;
    case PROP_SHOW_GRID:
      g_value_set_boolean (value, self->show_grid);
      break;
    case PROP_DARK:
      g_value_set_boolean (value, self->dark);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tafel_canvas_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  TafelCanvas *self = TAFEL_CANVAS (object);

  switch (prop_id)
    {
    case PROP_SCALE:
      tafel_canvas_set_scale (self, g_value_get_double (value));
      break;
    case PROP_SHOW_GRID:
      tafel_canvas_set_show_grid (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tafel_canvas_class_init (TafelCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tafel_canvas_dispose;
  object_class->get_property = tafel_canvas_get_property;
  object_class->set_property = tafel_canvas_set_property;

  widget_class->snapshot = tafel_canvas_snapshot;

  properties[PROP_SCALE] =
    g_param_spec_double ("scale", NULL, NULL,
                         TAFEL_VIEW_MIN_SCALE, TAFEL_VIEW_MAX_SCALE, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_GRID] =
    g_param_spec_boolean ("show-grid", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DARK] =
    g_param_spec_boolean ("dark", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "canvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tafel_canvas_init (TafelCanvas *self)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  GtkEventController *controller;

  self->view = TAFEL_VIEW_INIT;
  self->show_grid = TRUE;
  self->dark = adw_style_manager_get_dark (style_manager);
  g_signal_connect (style_manager, "notify::dark", G_CALLBACK (on_dark_changed), self);

  gtk_widget_add_css_class (GTK_WIDGET (self), "tafel-canvas");
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Board"),
                                  -1);

  self->drag_primary = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->drag_primary), GDK_BUTTON_PRIMARY);
  g_signal_connect (self->drag_primary, "drag-begin", G_CALLBACK (on_primary_drag_begin), self);
  g_signal_connect (self->drag_primary, "drag-update", G_CALLBACK (on_primary_drag_update), self);
  g_signal_connect (self->drag_primary, "drag-end", G_CALLBACK (on_primary_drag_end), self);
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

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  update_cursor (self);
}
