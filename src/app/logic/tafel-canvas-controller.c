/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "tafel-canvas-controller-private.h"
#include "tafel-color.h"
#include "tafel-render.h"

/* Tolerances on screen, in widget pixels, divided by the scale at use. */
#define ERASER_RADIUS_PX    8.0
#define MIN_POINT_GAP_PX    0.4   /* closer samples add nothing to a stroke */
/* 1€ filter for mouse and touch, tuned on screen pixels: at rest it cuts
 * at 4 Hz, which removes hand tremor and sensor noise; fast strokes open
 * it up so they do not lag. */
#define SMOOTH_MIN_CUTOFF   4.0
#define SMOOTH_BETA         0.02
#define SMOOTH_D_CUTOFF     1.0

G_DEFINE_FINAL_TYPE (TafelCanvasController, tafel_canvas_controller, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TOOL,
  PROP_PEN_COLOR,
  PROP_HIGHLIGHTER_COLOR,
  PROP_PEN_WIDTH,
  PROP_HIGHLIGHTER_WIDTH,
  PROP_TEXT_SIZE,
  PROP_SCALE,
  PROP_HAS_SELECTION,
  N_PROPS
};

enum {
  CHANGED,
  COMMITTED,
  HIDDEN_CHANGED,
  TEXT_EDIT_REQUESTED,
  ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

void
tafel_canvas_controller_emit_changed (TafelCanvasController *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

void
tafel_canvas_controller_emit_hidden_changed (TafelCanvasController *self,
                                             const TafelRect       *dirty)
{
  if (dirty->width > 0 || dirty->height > 0)
    g_signal_emit (self, signals[HIDDEN_CHANGED], 0, dirty);
}

void
tafel_canvas_controller_report_error (TafelCanvasController *self,
                                      const GError          *error)
{
  g_signal_emit (self, signals[ERROR], 0, error);
}

void
tafel_canvas_controller_notify_selection (TafelCanvasController *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_SELECTION]);
  tafel_canvas_controller_emit_changed (self);
}

/* ---- Committing ---------------------------------------------------------- */

static TafelRecord *
commit (TafelCanvasController *self,
        guint                  kind,
        GBytes                *body,
        GError               **error)
{
  TafelRecord *record = tafel_board_commit (self->board, kind, body, error);

  if (record != NULL)
    {
      tafel_history_push (self->history, record);
      g_signal_emit (self, signals[COMMITTED], 0, record);
    }
  return record;
}

/* One user action that takes several records (a duplicate of many objects,
 * an erase beyond one record's limit) is one undo step: records are
 * collected in @done and handed to the history together by
 * tafel_canvas_controller_end_group(). */
gboolean
tafel_canvas_controller_commit_in_group (TafelCanvasController *self,
                                         guint                  kind,
                                         GBytes                *body,
                                         GPtrArray             *done,
                                         GError               **error)
{
  TafelRecord *record = tafel_board_commit (self->board, kind, body, error);

  if (record == NULL)
    return FALSE;
  g_ptr_array_add (done, record);
  g_signal_emit (self, signals[COMMITTED], 0, record);
  return TRUE;
}

void
tafel_canvas_controller_end_group (TafelCanvasController *self,
                                   GPtrArray             *done)
{
  /* Even a group cut short by an error is undoable as far as it got. */
  if (done->len == 1)
    tafel_history_push (self->history, g_ptr_array_index (done, 0));
  else if (done->len > 1)
    tafel_history_push_group (self->history, (TafelRecord **) done->pdata, done->len);
}

GPtrArray *
tafel_canvas_controller_new_group (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
}

gboolean
tafel_canvas_controller_commit_object_set (TafelCanvasController *self,
                                           guint                  kind,
                                           GPtrArray             *objects,
                                           GPtrArray             *done,
                                           GError               **error)
{
  /* One record holds at most TAFEL_SET_MAX_OBJECTS ids. */
  for (guint start = 0; start < objects->len; start += TAFEL_SET_MAX_OBJECTS)
    {
      guint n = MIN (objects->len - start, TAFEL_SET_MAX_OBJECTS);
      g_autofree TafelHash *ids = g_new (TafelHash, n);
      TafelObjectSet set = { n, ids };
      g_autoptr(GBytes) body = NULL;

      for (guint i = 0; i < n; i++)
        ids[i] = *tafel_object_get_id (g_ptr_array_index (objects, start + i));

      body = tafel_object_set_encode (&set);
      if (!tafel_canvas_controller_commit_in_group (self, kind, body, done, error))
        return FALSE;
    }

  return TRUE;
}

/* The whole of an erase as one undo step. */
gboolean
tafel_canvas_controller_erase_objects (TafelCanvasController *self,
                                       GPtrArray             *objects,
                                       GError               **error)
{
  g_autoptr(GPtrArray) done = tafel_canvas_controller_new_group ();
  gboolean ok = tafel_canvas_controller_commit_object_set (self, TAFEL_RECORD_KIND_ERASE, objects, done, error);

  tafel_canvas_controller_end_group (self, done);
  return ok;
}

/* ---- Strokes ------------------------------------------------------------- */

static void
live_stroke_reset (TafelCanvasController *self)
{
  g_array_set_size (self->live_points, 0);
  self->live.points = NULL;
  self->live.n_points = 0;
}

static void
live_stroke_append (TafelCanvasController *self,
                    double                 x,
                    double                 y,
                    float                  pressure)
{
  TafelPoint point = { (float) clamp_coord (x), (float) clamp_coord (y), CLAMP (pressure, 0.f, 1.f) };

  g_array_append_val (self->live_points, point);
  self->live.points = (TafelPoint *) (gpointer) self->live_points->data;
  self->live.n_points = self->live_points->len;
}

static gboolean
commit_live_stroke (TafelCanvasController *self,
                    GError               **error)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(TafelRecord) record = NULL;
  TafelStroke stroke = self->live;

  if (stroke.n_points == 0)
    return TRUE;

  /* The record keeps points on the quantum grid; quantise a copy so the
   * live stroke drawn so far stays as it was. */
  stroke.points = g_memdup2 (stroke.points, sizeof (TafelPoint) * stroke.n_points);
  tafel_stroke_quantise (&stroke);
  body = tafel_stroke_encode (&stroke);
  g_free (stroke.points);

  record = commit (self, TAFEL_RECORD_KIND_STROKE, body, error);
  return record != NULL;
}

static void
stroke_begin (TafelCanvasController   *self,
              const TafelPointerEvent *event,
              gboolean                 highlighter)
{
  float pressure = event->pressure >= 0 ? (float) event->pressure : 0.5f;

  live_stroke_reset (self);
  self->live.tool = highlighter ? TAFEL_TOOL_HIGHLIGHTER : TAFEL_TOOL_PEN;
  self->live.rgba = highlighter ? self->highlighter_rgba : self->pen_rgba;
  self->live.width = (float) (highlighter ? self->highlighter_width : self->pen_width);

  /* A pen's own samples are precise; mouse and touch get smoothed. A
   * highlighter has no pressure: it is as wide everywhere. */
  self->smoothing = event->device == TAFEL_INPUT_MOUSE || event->device == TAFEL_INPUT_TOUCH;
  tafel_one_euro_reset (&self->filter_x);
  tafel_one_euro_reset (&self->filter_y);
  if (self->smoothing || highlighter)
    pressure = 0.5f;

  self->raw_x = event->x;
  self->raw_y = event->y;
  self->raw_pressure = pressure;
  if (self->smoothing)
    {
      double t = event->time_us / 1e6;
      tafel_one_euro_filter (&self->filter_x, event->x * self->scale, t);
      tafel_one_euro_filter (&self->filter_y, event->y * self->scale, t);
    }

  live_stroke_append (self, event->x, event->y, pressure);
  self->gesture = GESTURE_STROKE;
}

static void
stroke_motion (TafelCanvasController   *self,
               const TafelPointerEvent *event)
{
  float pressure = event->pressure >= 0 ? (float) event->pressure : 0.5f;
  double x = event->x, y = event->y;
  const TafelPoint *last;

  if (self->smoothing || self->live.tool == TAFEL_TOOL_HIGHLIGHTER)
    pressure = 0.5f;

  self->raw_x = x;
  self->raw_y = y;
  self->raw_pressure = pressure;

  if (self->smoothing)
    {
      double t = event->time_us / 1e6;
      x = tafel_one_euro_filter (&self->filter_x, x * self->scale, t) / self->scale;
      y = tafel_one_euro_filter (&self->filter_y, y * self->scale, t) / self->scale;
    }

  last = &g_array_index (self->live_points, TafelPoint, self->live_points->len - 1);
  if (hypot (x - last->x, y - last->y) * self->scale < MIN_POINT_GAP_PX &&
      fabsf (pressure - last->pressure) < 0.05f)
    return;

  /* A stroke longer than a record may hold goes on as a second stroke that
   * starts where the first ended. */
  if (self->live.n_points >= TAFEL_STROKE_MAX_POINTS)
    {
      g_autoptr(GError) error = NULL;
      TafelPoint join = *last;

      if (!commit_live_stroke (self, &error))
        tafel_canvas_controller_report_error (self, error);
      live_stroke_reset (self);
      live_stroke_append (self, join.x, join.y, join.pressure);
    }

  live_stroke_append (self, x, y, pressure);
  tafel_canvas_controller_emit_changed (self);
}

static void
stroke_end (TafelCanvasController   *self,
            const TafelPointerEvent *event)
{
  g_autoptr(GError) error = NULL;

  /* The filter trails the pointer a little: end where the pen was lifted. */
  if (self->smoothing && self->live.n_points > 0)
    {
      const TafelPoint *last = &g_array_index (self->live_points, TafelPoint, self->live_points->len - 1);

      if (hypot (self->raw_x - last->x, self->raw_y - last->y) * self->scale >= MIN_POINT_GAP_PX)
        live_stroke_append (self, self->raw_x, self->raw_y, self->raw_pressure);
    }

  self->gesture = GESTURE_NONE;
  if (!commit_live_stroke (self, &error))
    tafel_canvas_controller_report_error (self, error);
  live_stroke_reset (self);
  tafel_canvas_controller_emit_changed (self);
}

/* ---- Shapes -------------------------------------------------------------- */

static TafelShapeKind
shape_kind_for_tool (TafelCanvasTool tool)
{
  switch (tool)
    {
    case TAFEL_CANVAS_TOOL_RECTANGLE:
      return TAFEL_SHAPE_RECTANGLE;
    case TAFEL_CANVAS_TOOL_ELLIPSE:
      return TAFEL_SHAPE_ELLIPSE;
    case TAFEL_CANVAS_TOOL_ARROW:
      return TAFEL_SHAPE_ARROW;
    case TAFEL_CANVAS_TOOL_LINE:
    default:
      return TAFEL_SHAPE_LINE;
    }
}

static void
current_shape (TafelCanvasController *self,
               TafelShape            *shape)
{
  double x2 = self->last_x, y2 = self->last_y;

  if (self->modifiers & TAFEL_INPUT_SHIFT)
    tafel_constrain_shape (self->shape_kind, self->press_x, self->press_y, &x2, &y2);

  *shape = (TafelShape) {
    .shape = self->shape_kind,
    .stroke_rgba = self->pen_rgba,
    .fill_rgba = 0,
    .width = (float) self->pen_width,
    .x1 = self->press_x,
    .y1 = self->press_y,
    .x2 = clamp_coord (x2),
    .y2 = clamp_coord (y2),
  };
}

static void
shape_end (TafelCanvasController *self)
{
  g_autoptr(GError) error = NULL;
  TafelShape shape;

  self->gesture = GESTURE_NONE;
  current_shape (self, &shape);

  /* A click is not a shape. */
  if (hypot (shape.x2 - shape.x1, shape.y2 - shape.y1) * self->scale >= DRAG_THRESHOLD_PX)
    {
      g_autoptr(GBytes) body = tafel_shape_encode (&shape);
      g_autoptr(TafelRecord) record = commit (self, TAFEL_RECORD_KIND_SHAPE, body, &error);

      if (record == NULL)
        tafel_canvas_controller_report_error (self, error);
    }

  tafel_canvas_controller_emit_changed (self);
}

/* ---- Eraser -------------------------------------------------------------- */

static void
erase_along (TafelCanvasController *self,
             double                 x1,
             double                 y1,
             double                 x2,
             double                 y2)
{
  double radius = ERASER_RADIUS_PX / self->scale;
  TafelRect query = {
    MIN (x1, x2) - radius, MIN (y1, y2) - radius,
    fabs (x2 - x1) + 2 * radius, fabs (y2 - y1) + 2 * radius,
  };
  g_autoptr(GPtrArray) candidates = g_ptr_array_new ();
  TafelRect dirty = { 0, 0, 0, 0 };

  tafel_board_model_query (self->model, &query, candidates);
  for (guint i = 0; i < candidates->len; i++)
    {
      TafelObject *object = g_ptr_array_index (candidates, i);
      TafelRect bounds;

      if (g_hash_table_contains (self->pending_erase, object))
        continue;
      /* The sweep between two motion events is tested whole, so no ink
       * thinner than the eraser slips between them. */
      if (!tafel_object_hit_test (object, x1, y1, x2, y2, radius))
        continue;

      g_hash_table_add (self->pending_erase, object);
      tafel_object_get_bounds (object, &bounds);
      rect_union (&dirty, &bounds);
    }

  tafel_canvas_controller_emit_hidden_changed (self, &dirty);
}

static void
erase_end (TafelCanvasController *self)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  TafelRect dirty = { 0, 0, 0, 0 };
  GHashTableIter iter;
  gpointer object;

  self->gesture = GESTURE_NONE;
  self->eraser_shown = FALSE;

  g_hash_table_iter_init (&iter, self->pending_erase);
  while (g_hash_table_iter_next (&iter, &object, NULL))
    g_ptr_array_add (objects, object);

  if (objects->len > 0)
    {
      g_ptr_array_sort (objects, compare_z);
      if (!tafel_canvas_controller_erase_objects (self, objects, &error))
        tafel_canvas_controller_report_error (self, error);
    }

  for (guint i = 0; i < objects->len; i++)
    {
      TafelRect bounds;

      tafel_object_get_bounds (g_ptr_array_index (objects, i), &bounds);
      rect_union (&dirty, &bounds);
    }
  g_hash_table_remove_all (self->pending_erase);
  tafel_canvas_controller_emit_hidden_changed (self, &dirty);
  tafel_canvas_controller_emit_changed (self);
}

/* ---- Pointer dispatch ---------------------------------------------------- */

void
tafel_canvas_controller_cancel_gesture (TafelCanvasController *self)
{
  TafelRect dirty = { 0, 0, 0, 0 };
  GHashTableIter iter;
  gpointer object;

  switch (self->gesture)
    {
    case GESTURE_STROKE:
      live_stroke_reset (self);
      break;

    case GESTURE_ERASE:
      g_hash_table_iter_init (&iter, self->pending_erase);
      while (g_hash_table_iter_next (&iter, &object, NULL))
        {
          TafelRect b;

          tafel_object_get_bounds (object, &b);
          rect_union (&dirty, &b);
        }
      g_hash_table_remove_all (self->pending_erase);
      self->eraser_shown = FALSE;
      tafel_canvas_controller_emit_hidden_changed (self, &dirty);
      break;

    case GESTURE_MOVE:
    case GESTURE_RESIZE:
      self->live_transform = TAFEL_TRANSFORM_IDENTITY;
      tafel_canvas_controller_hide_selection (self, FALSE);
      break;

    default:
      break;
    }

  self->gesture = GESTURE_NONE;
  tafel_canvas_controller_emit_changed (self);
}

void
tafel_canvas_controller_pointer (TafelCanvasController   *self,
                                 const TafelPointerEvent *event)
{
  TafelCanvasTool tool;

  g_return_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self));
  g_return_if_fail (event != NULL);

  if (!isfinite (event->x) || !isfinite (event->y))
    return;

  self->modifiers = event->modifiers;

  if (event->phase == TAFEL_POINTER_CANCEL)
    {
      tafel_canvas_controller_cancel_gesture (self);
      return;
    }

  if (event->phase == TAFEL_POINTER_DOWN)
    {
      /* A press while a gesture is open means we missed its release. */
      if (self->gesture != GESTURE_NONE)
        tafel_canvas_controller_cancel_gesture (self);

      self->press_x = self->last_x = clamp_coord (event->x);
      self->press_y = self->last_y = clamp_coord (event->y);

      tool = event->device == TAFEL_INPUT_ERASER ? TAFEL_CANVAS_TOOL_ERASER : self->tool;
      switch (tool)
        {
        case TAFEL_CANVAS_TOOL_PEN:
        case TAFEL_CANVAS_TOOL_HIGHLIGHTER:
          stroke_begin (self, event, tool == TAFEL_CANVAS_TOOL_HIGHLIGHTER);
          break;

        case TAFEL_CANVAS_TOOL_ERASER:
          self->gesture = GESTURE_ERASE;
          self->eraser_shown = TRUE;
          erase_along (self, event->x, event->y, event->x, event->y);
          break;

        case TAFEL_CANVAS_TOOL_LINE:
        case TAFEL_CANVAS_TOOL_RECTANGLE:
        case TAFEL_CANVAS_TOOL_ELLIPSE:
        case TAFEL_CANVAS_TOOL_ARROW:
          self->shape_kind = shape_kind_for_tool (tool);
          self->gesture = GESTURE_SHAPE;
          break;

        case TAFEL_CANVAS_TOOL_TEXT:
          g_signal_emit (self, signals[TEXT_EDIT_REQUESTED], 0, self->press_x, self->press_y);
          break;

        case TAFEL_CANVAS_TOOL_SELECT:
        default:
          tafel_canvas_controller_select_begin (self, event);
          break;
        }

      tafel_canvas_controller_emit_changed (self);
      return;
    }

  if (self->gesture == GESTURE_NONE)
    return;

  if (self->gesture == GESTURE_STROKE)
    {
      if (event->phase == TAFEL_POINTER_MOTION)
        stroke_motion (self, event);
      else
        {
          stroke_motion (self, event);
          stroke_end (self, event);
        }
      return;
    }

  {
    double x = clamp_coord (event->x), y = clamp_coord (event->y);
    double x0 = self->last_x, y0 = self->last_y;

    self->last_x = x;
    self->last_y = y;

    switch (self->gesture)
      {
      case GESTURE_SHAPE:
        if (event->phase == TAFEL_POINTER_UP)
          shape_end (self);
        else
          tafel_canvas_controller_emit_changed (self);
        break;

      case GESTURE_ERASE:
        erase_along (self, x0, y0, x, y);
        if (event->phase == TAFEL_POINTER_UP)
          erase_end (self);
        else
          tafel_canvas_controller_emit_changed (self);
        break;

      case GESTURE_PRESS_SELECTION:
      case GESTURE_MOVE:
      case GESTURE_RESIZE:
      case GESTURE_RUBBER_BAND:
        if (event->phase == TAFEL_POINTER_UP)
          {
            tafel_canvas_controller_select_motion (self);
            tafel_canvas_controller_select_end (self);
          }
        else
          tafel_canvas_controller_select_motion (self);
        break;

      case GESTURE_NONE:
      case GESTURE_STROKE:
      default:
        break;
      }
  }
}

void
tafel_canvas_controller_set_modifiers (TafelCanvasController *self,
                                       TafelInputModifiers    modifiers)
{
  g_return_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self));

  if (self->modifiers == modifiers)
    return;

  self->modifiers = modifiers;
  if (self->gesture == GESTURE_MOVE || self->gesture == GESTURE_RESIZE)
    tafel_canvas_controller_update_live_transform (self);
  if (self->gesture != GESTURE_NONE)
    tafel_canvas_controller_emit_changed (self);
}

gboolean
tafel_canvas_controller_cancel (TafelCanvasController *self)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  if (self->gesture != GESTURE_NONE)
    {
      tafel_canvas_controller_cancel_gesture (self);
      return TRUE;
    }

  if (self->selection->len > 0)
    {
      tafel_canvas_controller_set_selection (self, NULL);
      return TRUE;
    }

  return FALSE;
}

gboolean
tafel_canvas_controller_is_busy (TafelCanvasController *self)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  return self->gesture != GESTURE_NONE;
}

/* ---- Drawing state ------------------------------------------------------- */

const TafelStroke *
tafel_canvas_controller_get_live_stroke (TafelCanvasController *self)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), NULL);

  if (self->gesture != GESTURE_STROKE || self->live.n_points == 0)
    return NULL;
  return &self->live;
}

gboolean
tafel_canvas_controller_get_live_shape (TafelCanvasController *self,
                                        TafelShape            *shape)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  if (self->gesture != GESTURE_SHAPE)
    return FALSE;
  current_shape (self, shape);
  return TRUE;
}

gboolean
tafel_canvas_controller_get_rubber_band (TafelCanvasController *self,
                                         TafelRect             *rect)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  if (self->gesture != GESTURE_RUBBER_BAND)
    return FALSE;

  rect->x = MIN (self->press_x, self->last_x);
  rect->y = MIN (self->press_y, self->last_y);
  rect->width = fabs (self->last_x - self->press_x);
  rect->height = fabs (self->last_y - self->press_y);
  return TRUE;
}

gboolean
tafel_canvas_controller_get_eraser (TafelCanvasController *self,
                                    double                *x,
                                    double                *y,
                                    double                *radius)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  if (!self->eraser_shown)
    return FALSE;
  *x = self->last_x;
  *y = self->last_y;
  *radius = ERASER_RADIUS_PX / self->scale;
  return TRUE;
}

gboolean
tafel_canvas_controller_is_hidden (TafelCanvasController *self,
                                   const TafelObject     *object)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  if (g_hash_table_contains (self->pending_erase, object) || object == self->editing)
    return TRUE;
  return self->selection_hidden && g_hash_table_contains (self->selected, object);
}

void
tafel_canvas_controller_set_editing (TafelCanvasController *self,
                                     TafelObject           *object)
{
  TafelRect bounds;

  g_return_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self));

  if (self->editing == object)
    return;
  if (self->editing != NULL)
    {
      tafel_object_get_bounds (self->editing, &bounds);
      self->editing = NULL;
      tafel_canvas_controller_emit_hidden_changed (self, &bounds);
    }
  if (object != NULL)
    {
      self->editing = object;
      tafel_object_get_bounds (object, &bounds);
      tafel_canvas_controller_emit_hidden_changed (self, &bounds);
    }
}

/* ---- Commands ------------------------------------------------------------ */

gboolean
tafel_canvas_controller_check_text (const char  *text,
                                    char       **trimmed,
                                    GError     **error)
{
  /* Trailing blank lines and spaces are not part of the text; text that
   * is only blanks is no text at all. */
  g_autofree char *words = g_strchomp (g_strdup (text));

  *trimmed = NULL;
  if (words[strspn (words, " \t\n\r")] == '\0')
    return TRUE;

  if (strlen (words) > TAFEL_TEXT_MAX_BYTES)
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_TOO_LARGE,
                   _("The text is too long: a text may hold at most %d bytes."),
                   TAFEL_TEXT_MAX_BYTES);
      return FALSE;
    }

  *trimmed = g_steal_pointer (&words);
  return TRUE;
}

gboolean
tafel_canvas_controller_commit_text (TafelCanvasController *self,
                                     double                 x,
                                     double                 y,
                                     const char            *text,
                                     GError               **error)
{
  g_autofree char *trimmed = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(TafelRecord) record = NULL;
  TafelText body_text;

  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (!tafel_canvas_controller_check_text (text, &trimmed, error))
    return FALSE;
  if (trimmed == NULL)
    return TRUE;

  body_text = (TafelText) {
    .x = clamp_coord (x),
    .y = clamp_coord (y),
    .text = trimmed,
    .size = (float) self->text_size,
    .rgba = self->pen_rgba,
  };
  body = tafel_text_encode (&body_text);
  record = commit (self, TAFEL_RECORD_KIND_TEXT, body, error);
  return record != NULL;
}

gboolean
tafel_canvas_controller_clear_board (TafelCanvasController *self,
                                     GError               **error)
{
  g_autoptr(TafelVersionVector) seen = NULL;
  g_autofree TafelPublicKey *authors = NULL;
  g_autofree guint64 *seqs = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(TafelRecord) record = NULL;
  TafelClear clear;
  guint n;

  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  if (self->gesture != GESTURE_NONE)
    tafel_canvas_controller_cancel_gesture (self);
  if (tafel_board_model_get_n_visible (self->model) == 0)
    return TRUE;

  /* A clear names what it has seen, per author; strokes drawn meanwhile
   * elsewhere survive it. */
  seen = tafel_log_dup_version_vector (tafel_board_get_log (self->board));
  n = MIN (tafel_version_vector_get_size (seen), TAFEL_CLEAR_MAX_AUTHORS);
  authors = g_new (TafelPublicKey, n);
  seqs = g_new (guint64, n);
  for (guint i = 0; i < n; i++)
    {
      const TafelPublicKey *author;

      tafel_version_vector_get (seen, i, &author, &seqs[i], NULL);
      authors[i] = *author;
    }

  clear = (TafelClear) { n, authors, seqs };
  body = tafel_clear_encode (&clear);
  record = commit (self, TAFEL_RECORD_KIND_CLEAR, body, error);
  if (record == NULL)
    return FALSE;

  tafel_canvas_controller_set_selection (self, NULL);
  return TRUE;
}

static gboolean
undo_or_redo (TafelCanvasController *self,
              gboolean               redo,
              GError               **error)
{
  if (self->gesture != GESTURE_NONE)
    tafel_canvas_controller_cancel_gesture (self);

  /* Most steps take one record; a step over more objects than one record
   * holds takes several rounds. */
  do
    {
      g_autoptr(GBytes) body = NULL;
      g_autoptr(TafelRecord) record = NULL;
      guint kind = 0;
      gboolean ready;

      ready = redo ? tafel_history_prepare_redo (self->history, &kind, &body)
                   : tafel_history_prepare_undo (self->history, &kind, &body);
      if (!ready)
        break;

      record = tafel_board_commit (self->board, kind, body, error);
      if (record == NULL)
        return FALSE;

      if (redo)
        tafel_history_redo_committed (self->history, record);
      else
        tafel_history_undo_committed (self->history, record);
    }
  while (redo ? tafel_history_redo_needs_more (self->history)
              : tafel_history_undo_needs_more (self->history));

  tafel_canvas_controller_emit_changed (self);
  return TRUE;
}

gboolean
tafel_canvas_controller_undo (TafelCanvasController *self,
                              GError               **error)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  return undo_or_redo (self, FALSE, error);
}

gboolean
tafel_canvas_controller_redo (TafelCanvasController *self,
                              GError               **error)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  return undo_or_redo (self, TRUE, error);
}

/* ---- The model changes under us ------------------------------------------ */

static void
on_objects_changed (TafelBoardModel       *model,
                    GPtrArray             *added,
                    GPtrArray             *removed,
                    GPtrArray             *changed,
                    const TafelRect       *dirty,
                    TafelCanvasController *self)
{
  gboolean selection_changed = FALSE;

  /* Whatever became hidden (erased here or by someone else) can be neither
   * selected nor erased again. */
  for (guint i = 0; removed != NULL && i < removed->len; i++)
    {
      TafelObject *object = g_ptr_array_index (removed, i);

      g_hash_table_remove (self->pending_erase, object);
      if (g_hash_table_remove (self->selected, object))
        {
          g_ptr_array_remove (self->selection, object);
          selection_changed = TRUE;
        }
    }

  if (selection_changed)
    {
      if (self->selection->len == 0 && (self->gesture == GESTURE_MOVE ||
                                        self->gesture == GESTURE_RESIZE ||
                                        self->gesture == GESTURE_PRESS_SELECTION))
        tafel_canvas_controller_cancel_gesture (self);
      tafel_canvas_controller_notify_selection (self);
    }
  else if (self->selection->len > 0 && changed != NULL && changed->len > 0)
    tafel_canvas_controller_emit_changed (self);
}

/* ---- Properties ---------------------------------------------------------- */

TafelBoardModel *
tafel_canvas_controller_get_model (TafelCanvasController *self)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), NULL);

  return self->model;
}

TafelCanvasTool
tafel_canvas_controller_get_tool (TafelCanvasController *self)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), TAFEL_CANVAS_TOOL_PEN);

  return self->tool;
}

void
tafel_canvas_controller_set_tool (TafelCanvasController *self,
                                  TafelCanvasTool        tool)
{
  g_return_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self));
  g_return_if_fail (tool < TAFEL_CANVAS_N_TOOLS);

  if (self->tool == tool)
    return;

  if (self->gesture != GESTURE_NONE)
    tafel_canvas_controller_cancel_gesture (self);
  /* The selection belongs to the selection tool. */
  if (tool != TAFEL_CANVAS_TOOL_SELECT)
    tafel_canvas_controller_clear_selection (self);

  self->tool = tool;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOL]);
}

void
tafel_canvas_controller_set_scale (TafelCanvasController *self,
                                   double                 scale)
{
  g_return_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self));
  g_return_if_fail (scale > 0 && isfinite (scale));

  if (self->scale == scale)
    return;

  self->scale = scale;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
}

static void
set_color (char       **field,
           guint32     *rgba,
           const char  *text)
{
  guint32 value;

  /* GSettings might hold anything; keep the last good colour. */
  if (!tafel_color_parse (text, &value))
    return;

  g_free (*field);
  *field = g_strdup (text);
  *rgba = value;
}

static void
tafel_canvas_controller_dispose (GObject *object)
{
  TafelCanvasController *self = TAFEL_CANVAS_CONTROLLER (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->history);
  g_clear_object (&self->model);
  g_clear_object (&self->board);

  G_OBJECT_CLASS (tafel_canvas_controller_parent_class)->dispose (object);
}

static void
tafel_canvas_controller_finalize (GObject *object)
{
  TafelCanvasController *self = TAFEL_CANVAS_CONTROLLER (object);

  g_clear_pointer (&self->live_points, g_array_unref);
  g_clear_pointer (&self->pending_erase, g_hash_table_unref);
  g_clear_pointer (&self->selection, g_ptr_array_unref);
  g_clear_pointer (&self->selected, g_hash_table_unref);
  g_clear_pointer (&self->pen_color, g_free);
  g_clear_pointer (&self->highlighter_color, g_free);

  G_OBJECT_CLASS (tafel_canvas_controller_parent_class)->finalize (object);
}

static void
tafel_canvas_controller_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  TafelCanvasController *self = TAFEL_CANVAS_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_TOOL:
      g_value_set_enum (value, self->tool);
      break;
    case PROP_PEN_COLOR:
      g_value_set_string (value, self->pen_color);
      break;
    case PROP_HIGHLIGHTER_COLOR:
      g_value_set_string (value, self->highlighter_color);
      break;
    case PROP_PEN_WIDTH:
      g_value_set_double (value, self->pen_width);
      break;
    case PROP_HIGHLIGHTER_WIDTH:
      g_value_set_double (value, self->highlighter_width);
      break;
    case PROP_TEXT_SIZE:
      g_value_set_double (value, self->text_size);
      break;
    case PROP_SCALE:
      g_value_set_double (value, self->scale);
      break;
    case PROP_HAS_SELECTION:
      g_value_set_boolean (value, self->selection->len > 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tafel_canvas_controller_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  TafelCanvasController *self = TAFEL_CANVAS_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_TOOL:
      tafel_canvas_controller_set_tool (self, g_value_get_enum (value));
      break;
    case PROP_PEN_COLOR:
      set_color (&self->pen_color, &self->pen_rgba, g_value_get_string (value));
      break;
    case PROP_HIGHLIGHTER_COLOR:
      set_color (&self->highlighter_color, &self->highlighter_rgba, g_value_get_string (value));
      break;
    case PROP_PEN_WIDTH:
      self->pen_width = g_value_get_double (value);
      break;
    case PROP_HIGHLIGHTER_WIDTH:
      self->highlighter_width = g_value_get_double (value);
      break;
    case PROP_TEXT_SIZE:
      self->text_size = g_value_get_double (value);
      break;
    case PROP_SCALE:
      tafel_canvas_controller_set_scale (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tafel_canvas_controller_class_init (TafelCanvasControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tafel_canvas_controller_dispose;
  object_class->finalize = tafel_canvas_controller_finalize;
  object_class->get_property = tafel_canvas_controller_get_property;
  object_class->set_property = tafel_canvas_controller_set_property;

  properties[PROP_TOOL] =
    g_param_spec_enum ("tool", NULL, NULL,
                       TAFEL_TYPE_CANVAS_TOOL, TAFEL_CANVAS_TOOL_PEN,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PEN_COLOR] =
    g_param_spec_string ("pen-color", NULL, NULL, "#1c71d8",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HIGHLIGHTER_COLOR] =
    g_param_spec_string ("highlighter-color", NULL, NULL, "#f5c211",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PEN_WIDTH] =
    g_param_spec_double ("pen-width", NULL, NULL, 0.01, TAFEL_WIDTH_MAX, 3.0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HIGHLIGHTER_WIDTH] =
    g_param_spec_double ("highlighter-width", NULL, NULL, 0.01, TAFEL_WIDTH_MAX, 16.0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXT_SIZE] =
    g_param_spec_double ("text-size", NULL, NULL, 0.5, TAFEL_WIDTH_MAX, 24.0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCALE] =
    g_param_spec_double ("scale", NULL, NULL, 1e-6, 1e6, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_SELECTION] =
    g_param_spec_boolean ("has-selection", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[COMMITTED] =
    g_signal_new ("committed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[HIDDEN_CHANGED] =
    g_signal_new ("hidden-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[TEXT_EDIT_REQUESTED] =
    g_signal_new ("text-edit-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
tafel_canvas_controller_init (TafelCanvasController *self)
{
  self->tool = TAFEL_CANVAS_TOOL_PEN;
  self->pen_color = g_strdup ("#1c71d8");
  self->pen_rgba = 0x1c71d8ff;
  self->highlighter_color = g_strdup ("#f5c211");
  self->highlighter_rgba = 0xf5c211ff;
  self->pen_width = 3.0;
  self->highlighter_width = 16.0;
  self->text_size = 24.0;
  self->scale = 1.0;
  self->live_transform = TAFEL_TRANSFORM_IDENTITY;

  self->live_points = g_array_new (FALSE, FALSE, sizeof (TafelPoint));
  self->pending_erase = g_hash_table_new (NULL, NULL);
  self->selection = g_ptr_array_new ();
  self->selected = g_hash_table_new (NULL, NULL);

  tafel_one_euro_init (&self->filter_x, SMOOTH_MIN_CUTOFF, SMOOTH_BETA, SMOOTH_D_CUTOFF);
  tafel_one_euro_init (&self->filter_y, SMOOTH_MIN_CUTOFF, SMOOTH_BETA, SMOOTH_D_CUTOFF);
}

TafelCanvasController *
tafel_canvas_controller_new (TafelBoard      *board,
                             TafelBoardModel *model,
                             TafelHistory    *history)
{
  TafelCanvasController *self;

  g_return_val_if_fail (TAFEL_IS_BOARD (board), NULL);
  g_return_val_if_fail (TAFEL_IS_BOARD_MODEL (model), NULL);
  g_return_val_if_fail (TAFEL_IS_HISTORY (history), NULL);

  self = g_object_new (TAFEL_TYPE_CANVAS_CONTROLLER, NULL);
  self->board = g_object_ref (board);
  self->model = g_object_ref (model);
  self->history = g_object_ref (history);
  g_signal_connect (model, "objects-changed", G_CALLBACK (on_objects_changed), self);

  return self;
}
