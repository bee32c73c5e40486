/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The selection tool (pick, rubber band, move, resize) and the commands on
 * the selection (nudge, delete, duplicate, copy and paste, bring to
 * front). */
#include "config.h"

#include <math.h>

#include "tafel-canvas-controller-private.h"
#include "tafel-clipboard.h"

/* Tolerances on screen, in widget pixels, divided by the scale at use. */
#define HIT_TOLERANCE_PX    6.0   /* clicking an object */
#define HANDLE_RADIUS_PX   10.0   /* grabbing a selection corner */
#define NUDGE_PX            1.0
/* Duplicates land this far (board units) below and right of the original. */
#define DUPLICATE_OFFSET   16.0

/* ---- Moving and resizing as records -------------------------------------- */

/* Composes @live (board → board) after @object_transform (content → board). */
static TafelTransform
compose (const TafelTransform *live,
         const TafelTransform *object_transform)
{
  return (TafelTransform) {
    live->sx * object_transform->sx,
    live->sy * object_transform->sy,
    live->sx * object_transform->tx + live->tx,
    live->sy * object_transform->ty + live->ty,
  };
}

static gboolean
commit_transforms (TafelCanvasController *self,
                   GPtrArray             *objects,
                   const TafelTransform  *live,
                   GPtrArray             *done,
                   GError               **error)
{
  for (guint start = 0; start < objects->len; start += TAFEL_SET_MAX_OBJECTS)
    {
      guint n = MIN (objects->len - start, TAFEL_SET_MAX_OBJECTS);
      g_autofree TafelHash *ids = g_new (TafelHash, n);
      g_autofree TafelTransform *transforms = g_new (TafelTransform, n);
      TafelTransformSet set = { n, ids, transforms };
      g_autoptr(GBytes) body = NULL;

      for (guint i = 0; i < n; i++)
        {
          const TafelObject *object = g_ptr_array_index (objects, start + i);

          ids[i] = *tafel_object_get_id (object);
          transforms[i] = compose (live, tafel_object_get_transform (object));
        }

      body = tafel_transform_set_encode (&set);
      if (!tafel_canvas_controller_commit_in_group (self, TAFEL_RECORD_KIND_TRANSFORM, body, done, error))
        return FALSE;
    }

  return TRUE;
}

/* The whole of a move or resize as one undo step. */
static gboolean
transform_objects (TafelCanvasController *self,
                   GPtrArray             *objects,
                   const TafelTransform  *live,
                   GError               **error)
{
  g_autoptr(GPtrArray) done = tafel_canvas_controller_new_group ();
  gboolean ok = commit_transforms (self, objects, live, done, error);

  tafel_canvas_controller_end_group (self, done);
  return ok;
}

/* ---- The selection ------------------------------------------------------- */

void
tafel_canvas_controller_set_selection (TafelCanvasController *self,
                                       GPtrArray             *objects)
{
  g_ptr_array_set_size (self->selection, 0);
  g_hash_table_remove_all (self->selected);

  if (objects != NULL)
    for (guint i = 0; i < objects->len; i++)
      {
        gpointer object = g_ptr_array_index (objects, i);

        if (tafel_object_is_visible (object) && g_hash_table_add (self->selected, object))
          g_ptr_array_add (self->selection, object);
      }

  g_ptr_array_sort (self->selection, compare_z);
  tafel_canvas_controller_notify_selection (self);
}

static void
toggle_selected (TafelCanvasController *self,
                 TafelObject           *object)
{
  if (g_hash_table_remove (self->selected, object))
    g_ptr_array_remove (self->selection, object);
  else
    {
      g_hash_table_add (self->selected, object);
      g_ptr_array_add (self->selection, object);
      g_ptr_array_sort (self->selection, compare_z);
    }
  tafel_canvas_controller_notify_selection (self);
}

/* Bounds of the selection as stored, without a move in progress. */
static gboolean
stored_selection_bounds (TafelCanvasController *self,
                         TafelRect             *bounds)
{
  *bounds = (TafelRect) { 0, 0, 0, 0 };

  for (guint i = 0; i < self->selection->len; i++)
    {
      TafelRect r;

      tafel_object_get_bounds (g_ptr_array_index (self->selection, i), &r);
      rect_union (bounds, &r);
    }

  return self->selection->len > 0;
}

void
tafel_canvas_controller_hide_selection (TafelCanvasController *self,
                                        gboolean               hide)
{
  TafelRect bounds;

  if (self->selection_hidden == hide)
    return;

  self->selection_hidden = hide;
  if (stored_selection_bounds (self, &bounds))
    tafel_canvas_controller_emit_hidden_changed (self, &bounds);
}

/* ---- The selection tool -------------------------------------------------- */

static gboolean
rect_contains_rect (const TafelRect *outer,
                    const TafelRect *inner)
{
  return inner->x >= outer->x && inner->y >= outer->y &&
         inner->x + inner->width <= outer->x + outer->width &&
         inner->y + inner->height <= outer->y + outer->height;
}

/* Which corner of the selection bounds is at (x, y): 0 top-left, 1 top-right,
 * 2 bottom-right, 3 bottom-left; -1 none. */
static int
handle_at (TafelCanvasController *self,
           double                 x,
           double                 y)
{
  double r = HANDLE_RADIUS_PX / self->scale;
  TafelRect b;

  if (!stored_selection_bounds (self, &b))
    return -1;

  {
    double cx[4] = { b.x, b.x + b.width, b.x + b.width, b.x };
    double cy[4] = { b.y, b.y, b.y + b.height, b.y + b.height };

    for (int i = 0; i < 4; i++)
      if (hypot (x - cx[i], y - cy[i]) <= r)
        return i;
  }

  return -1;
}

void
tafel_canvas_controller_select_begin (TafelCanvasController   *self,
                                      const TafelPointerEvent *event)
{
  gboolean extend = (event->modifiers & TAFEL_INPUT_SHIFT) != 0;
  double tolerance = HIT_TOLERANCE_PX / self->scale;
  int handle = extend ? -1 : handle_at (self, event->x, event->y);
  TafelRect bounds;
  TafelObject *hit;

  self->live_transform = TAFEL_TRANSFORM_IDENTITY;

  if (handle >= 0)
    {
      stored_selection_bounds (self, &bounds);
      self->resize_from = bounds;
      self->corner_x = (handle == 1 || handle == 2) ? bounds.x + bounds.width : bounds.x;
      self->corner_y = (handle >= 2) ? bounds.y + bounds.height : bounds.y;
      self->anchor_x = (handle == 1 || handle == 2) ? bounds.x : bounds.x + bounds.width;
      self->anchor_y = (handle >= 2) ? bounds.y : bounds.y + bounds.height;
      self->gesture = GESTURE_RESIZE;
      tafel_canvas_controller_hide_selection (self, TRUE);
      return;
    }

  hit = tafel_board_model_hit_test (self->model, event->x, event->y, tolerance);

  if (extend)
    {
      if (hit != NULL)
        {
          toggle_selected (self, hit);
          self->gesture = GESTURE_NONE;
        }
      else
        self->gesture = GESTURE_RUBBER_BAND;
      return;
    }

  if (hit != NULL && !g_hash_table_contains (self->selected, hit))
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new ();

      g_ptr_array_add (one, hit);
      tafel_canvas_controller_set_selection (self, one);
    }

  if (hit != NULL ||
      (stored_selection_bounds (self, &bounds) &&
       event->x >= bounds.x - tolerance && event->x <= bounds.x + bounds.width + tolerance &&
       event->y >= bounds.y - tolerance && event->y <= bounds.y + bounds.height + tolerance))
    {
      self->gesture = GESTURE_PRESS_SELECTION;
      return;
    }

  if (self->selection->len > 0)
    tafel_canvas_controller_set_selection (self, NULL);
  self->gesture = GESTURE_RUBBER_BAND;
}

void
tafel_canvas_controller_update_live_transform (TafelCanvasController *self)
{
  double dx = self->last_x - self->press_x;
  double dy = self->last_y - self->press_y;

  if (self->gesture == GESTURE_MOVE)
    {
      /* Shift keeps a move horizontal or vertical. */
      if (self->modifiers & TAFEL_INPUT_SHIFT)
        {
          if (fabs (dx) >= fabs (dy))
            dy = 0;
          else
            dx = 0;
        }
      self->live_transform = (TafelTransform) { 1, 1, dx, dy };
    }
  else if (self->gesture == GESTURE_RESIZE)
    {
      double w = self->corner_x - self->anchor_x;
      double h = self->corner_y - self->anchor_y;
      /* A zero-width selection (a vertical line) only scales the other way. */
      double kx = fabs (w) > 1e-9 ? (self->last_x - self->anchor_x) / w : 1;
      double ky = fabs (h) > 1e-9 ? (self->last_y - self->anchor_y) / h : 1;

      /* Resizing does not mirror: the dragged corner stops at the anchor. */
      kx = MAX (kx, 0.02);
      ky = MAX (ky, 0.02);
      /* Shift keeps the proportions. */
      if (self->modifiers & TAFEL_INPUT_SHIFT)
        kx = ky = MAX (kx, ky);
      if (fabs (w) <= 1e-9)
        kx = 1;
      if (fabs (h) <= 1e-9)
        ky = 1;

      self->live_transform = (TafelTransform) {
        kx, ky, self->anchor_x - self->anchor_x * kx, self->anchor_y - self->anchor_y * ky,
      };
    }
}

void
tafel_canvas_controller_select_motion (TafelCanvasController *self)
{
  switch (self->gesture)
    {
    case GESTURE_PRESS_SELECTION:
      if (hypot (self->last_x - self->press_x, self->last_y - self->press_y) * self->scale < DRAG_THRESHOLD_PX)
        return;
      self->gesture = GESTURE_MOVE;
      tafel_canvas_controller_hide_selection (self, TRUE);
      G_GNUC_FALLTHROUGH;

    case GESTURE_MOVE:
    case GESTURE_RESIZE:
      tafel_canvas_controller_update_live_transform (self);
      break;

    case GESTURE_RUBBER_BAND:
    default:
      break;
    }

  tafel_canvas_controller_emit_changed (self);
}

void
tafel_canvas_controller_select_end (TafelCanvasController *self)
{
  g_autoptr(GError) error = NULL;
  Gesture gesture = self->gesture;

  self->gesture = GESTURE_NONE;

  switch (gesture)
    {
    case GESTURE_PRESS_SELECTION:
      {
        /* A click on an object of a larger selection selects only it. */
        TafelObject *hit = tafel_board_model_hit_test (self->model, self->press_x, self->press_y,
                                                       HIT_TOLERANCE_PX / self->scale);

        if (hit != NULL && self->selection->len > 1)
          {
            g_autoptr(GPtrArray) one = g_ptr_array_new ();

            g_ptr_array_add (one, hit);
            tafel_canvas_controller_set_selection (self, one);
          }
      }
      break;

    case GESTURE_MOVE:
    case GESTURE_RESIZE:
      {
        TafelTransform live = self->live_transform;
        gboolean identity = live.sx == 1 && live.sy == 1 && live.tx == 0 && live.ty == 0;

        /* The live transform stays until the records are stored, so that
         * the canvas can keep showing the objects where they were dropped
         * until its tiles have them there. */
        if (!identity)
          {
            g_autoptr(GPtrArray) objects = g_ptr_array_copy (self->selection, NULL, NULL);

            if (!transform_objects (self, objects, &live, &error))
              tafel_canvas_controller_report_error (self, error);
          }
        self->live_transform = TAFEL_TRANSFORM_IDENTITY;
        tafel_canvas_controller_hide_selection (self, FALSE);
      }
      break;

    case GESTURE_RUBBER_BAND:
      {
        TafelRect band;
        g_autoptr(GPtrArray) found = g_ptr_array_new ();
        g_autoptr(GPtrArray) inside = g_ptr_array_new ();

        band.x = MIN (self->press_x, self->last_x);
        band.y = MIN (self->press_y, self->last_y);
        band.width = fabs (self->last_x - self->press_x);
        band.height = fabs (self->last_y - self->press_y);
        if (band.width * self->scale >= DRAG_THRESHOLD_PX || band.height * self->scale >= DRAG_THRESHOLD_PX)
          {
            /* Objects wholly inside the band are selected, as in Inkscape
             * and Excalidraw. */
            tafel_board_model_query (self->model, &band, found);
            if (self->modifiers & TAFEL_INPUT_SHIFT)
              g_ptr_array_extend (inside, self->selection, NULL, NULL);
            for (guint i = 0; i < found->len; i++)
              {
                TafelObject *object = g_ptr_array_index (found, i);
                TafelRect b;

                tafel_object_get_bounds (object, &b);
                if (rect_contains_rect (&band, &b))
                  g_ptr_array_add (inside, object);
              }
            tafel_canvas_controller_set_selection (self, inside);
          }
      }
      break;

    default:
      break;
    }

  tafel_canvas_controller_emit_changed (self);
}

/* ---- What the selection shows -------------------------------------------- */

static TafelRect
transform_rect (const TafelTransform *t,
                const TafelRect      *r)
{
  double x1 = r->x * t->sx + t->tx, x2 = (r->x + r->width) * t->sx + t->tx;
  double y1 = r->y * t->sy + t->ty, y2 = (r->y + r->height) * t->sy + t->ty;

  return (TafelRect) { MIN (x1, x2), MIN (y1, y2), fabs (x2 - x1), fabs (y2 - y1) };
}

GPtrArray *
tafel_canvas_controller_get_selection (TafelCanvasController *self)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), NULL);

  return self->selection;
}

gboolean
tafel_canvas_controller_has_selection (TafelCanvasController *self)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  return self->selection->len > 0;
}

gboolean
tafel_canvas_controller_is_selected (TafelCanvasController *self,
                                     const TafelObject     *object)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  return g_hash_table_contains (self->selected, object);
}

gboolean
tafel_canvas_controller_get_selection_bounds (TafelCanvasController *self,
                                              TafelRect             *bounds)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  if (!stored_selection_bounds (self, bounds))
    return FALSE;
  *bounds = transform_rect (&self->live_transform, bounds);
  return TRUE;
}

void
tafel_canvas_controller_get_live_transform (TafelCanvasController *self,
                                            TafelTransform        *transform)
{
  g_return_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self));

  *transform = self->live_transform;
}

/* ---- Commands on the selection ------------------------------------------- */

void
tafel_canvas_controller_select_all (TafelCanvasController *self)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();

  g_return_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self));

  if (self->gesture != GESTURE_NONE)
    tafel_canvas_controller_cancel_gesture (self);
  tafel_board_model_query (self->model, NULL, all);
  tafel_canvas_controller_set_selection (self, all);
}

void
tafel_canvas_controller_clear_selection (TafelCanvasController *self)
{
  g_return_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self));

  if (self->selection->len > 0)
    tafel_canvas_controller_set_selection (self, NULL);
}

TafelObject *
tafel_canvas_controller_object_at (TafelCanvasController *self,
                                   double                 x,
                                   double                 y)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), NULL);

  return tafel_board_model_hit_test (self->model, x, y, HIT_TOLERANCE_PX / self->scale);
}

gboolean
tafel_canvas_controller_select_at (TafelCanvasController *self,
                                   double                 x,
                                   double                 y)
{
  TafelObject *hit;

  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  if (self->gesture != GESTURE_NONE)
    tafel_canvas_controller_cancel_gesture (self);

  /* On the selection it stays as it is, so its menu acts on all of it. */
  hit = tafel_canvas_controller_object_at (self, x, y);
  if (hit != NULL && g_hash_table_contains (self->selected, hit))
    return TRUE;

  if (hit != NULL)
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new ();

      g_ptr_array_add (one, hit);
      tafel_canvas_controller_set_selection (self, one);
      return TRUE;
    }

  tafel_canvas_controller_clear_selection (self);
  return FALSE;
}

gboolean
tafel_canvas_controller_nudge_selection (TafelCanvasController *self,
                                         double                 dx,
                                         double                 dy,
                                         GError               **error)
{
  g_autoptr(GPtrArray) objects = NULL;
  TafelTransform live;

  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  if (self->selection->len == 0 || self->gesture != GESTURE_NONE)
    return TRUE;

  /* Steps are screen pixels, so a nudge looks the same at every zoom. */
  live = (TafelTransform) { 1, 1, dx * NUDGE_PX / self->scale, dy * NUDGE_PX / self->scale };
  objects = g_ptr_array_copy (self->selection, NULL, NULL);
  if (!transform_objects (self, objects, &live, error))
    return FALSE;

  tafel_canvas_controller_emit_changed (self);
  return TRUE;
}

gboolean
tafel_canvas_controller_delete_selection (TafelCanvasController *self,
                                          GError               **error)
{
  g_autoptr(GPtrArray) objects = NULL;

  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  if (self->selection->len == 0 || self->gesture != GESTURE_NONE)
    return TRUE;

  objects = g_ptr_array_copy (self->selection, NULL, NULL);
  if (!tafel_canvas_controller_erase_objects (self, objects, error))
    return FALSE;

  tafel_canvas_controller_set_selection (self, NULL);
  return TRUE;
}

/* Stores @items moved by (dx, dy) into @done, and selects what they
 * became. */
static gboolean
commit_items (TafelCanvasController *self,
              GPtrArray             *items,
              double                 dx,
              double                 dy,
              GPtrArray             *done,
              GError               **error)
{
  g_autoptr(GPtrArray) copies = g_ptr_array_new ();
  gboolean ok = TRUE;

  for (guint i = 0; i < items->len && ok; i++)
    {
      const TafelClipboardItem *item = g_ptr_array_index (items, i);
      g_autoptr(GBytes) body = NULL;
      TafelObject *copy;

      body = (dx == 0 && dy == 0) ? g_bytes_ref (item->body) : tafel_clipboard_item_dup_moved (item, dx, dy);
      if (body == NULL)
        continue;

      ok = tafel_canvas_controller_commit_in_group (self, item->kind, body, done, error);
      if (!ok)
        break;

      copy = tafel_board_model_lookup (self->model, tafel_record_get_id (g_ptr_array_index (done, done->len - 1)));
      if (copy != NULL)
        g_ptr_array_add (copies, copy);
    }

  tafel_canvas_controller_set_selection (self, copies);
  return ok;
}

GPtrArray *
tafel_canvas_controller_dup_selection_items (TafelCanvasController *self)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_clipboard_item_free);

  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), items);

  for (guint i = 0; i < self->selection->len; i++)
    {
      TafelClipboardItem *item = tafel_clipboard_item_new_for_object (g_ptr_array_index (self->selection, i));

      if (item != NULL)
        g_ptr_array_add (items, item);
    }
  return items;
}

/* Stores a copy of every selected object, moved by (dx, dy), into @done,
 * and selects the copies. */
static gboolean
copy_selection (TafelCanvasController *self,
                double                 dx,
                double                 dy,
                GPtrArray             *done,
                GError               **error)
{
  g_autoptr(GPtrArray) items = tafel_canvas_controller_dup_selection_items (self);

  return commit_items (self, items, dx, dy, done, error);
}

gboolean
tafel_canvas_controller_paste (TafelCanvasController *self,
                               GPtrArray             *items,
                               double                 x,
                               double                 y,
                               GError               **error)
{
  g_autoptr(GPtrArray) done = NULL;
  TafelRect bounds;
  gboolean ok;

  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);
  g_return_val_if_fail (items != NULL, FALSE);

  if (!tafel_clipboard_get_bounds (items, &bounds))
    return TRUE;
  if (self->gesture != GESTURE_NONE)
    tafel_canvas_controller_cancel_gesture (self);

  /* What was copied lands centred on (x, y), all of it one undo step. */
  done = tafel_canvas_controller_new_group ();
  ok = commit_items (self, items,
                     clamp_coord (x) - (bounds.x + bounds.width / 2),
                     clamp_coord (y) - (bounds.y + bounds.height / 2),
                     done, error);
  tafel_canvas_controller_end_group (self, done);
  return ok;
}

gboolean
tafel_canvas_controller_duplicate_selection (TafelCanvasController *self,
                                             GError               **error)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  g_autoptr(GPtrArray) done = NULL;
  gboolean ok;

  if (self->selection->len == 0 || self->gesture != GESTURE_NONE)
    return TRUE;

  done = tafel_canvas_controller_new_group ();
  ok = copy_selection (self, DUPLICATE_OFFSET, DUPLICATE_OFFSET, done, error);
  tafel_canvas_controller_end_group (self, done);
  return ok;
}

/* ---- Amending: colour, width, text, z-order ----------------------------- */

/* An amend record stays well inside TAFEL_RECORD_MAX_BYTES. */
#define MAX_AMEND_BYTES (TAFEL_RECORD_MAX_BYTES / 2)

/* Commits @entries (TafelAmendEntry) into @done, as many records as their
 * number and size need. */
static gboolean
commit_amends (TafelCanvasController *self,
               GArray                *entries,
               GPtrArray             *done,
               GError               **error)
{
  guint start = 0;

  while (start < entries->len)
    {
      TafelAmendEntry *first = &g_array_index (entries, TafelAmendEntry, start);
      guint n = tafel_amend_entries_fit (first, entries->len - start, MAX_AMEND_BYTES);
      g_autoptr(GBytes) body = NULL;

      body = tafel_amend_set_encode (&(TafelAmendSet) { n, first });
      if (!tafel_canvas_controller_commit_in_group (self, TAFEL_RECORD_KIND_AMEND, body, done, error))
        return FALSE;
      start += n;
    }

  return TRUE;
}

/* Commits @entries as one undo step. */
static gboolean
amend_objects (TafelCanvasController *self,
               GArray                *entries,
               GError               **error)
{
  g_autoptr(GPtrArray) done = NULL;
  gboolean ok;

  if (entries->len == 0)
    return TRUE;

  done = tafel_canvas_controller_new_group ();
  ok = commit_amends (self, entries, done, error);
  tafel_canvas_controller_end_group (self, done);
  tafel_canvas_controller_notify_selection (self);
  return ok;
}

/* The colour and width @object shows now. */
static gboolean
object_look (const TafelObject *object,
             guint32           *rgba,
             double            *width)
{
  switch (tafel_object_get_type (object))
    {
    case TAFEL_OBJECT_STROKE:
      {
        TafelStroke stroke = { 0 };

        if (!tafel_object_dup_stroke (object, &stroke))
          return FALSE;
        *rgba = stroke.rgba;
        *width = stroke.width;
        tafel_stroke_clear (&stroke);
        return TRUE;
      }

    case TAFEL_OBJECT_SHAPE:
      {
        TafelShape shape;

        if (!tafel_object_get_shape (object, &shape))
          return FALSE;
        *rgba = shape.stroke_rgba;
        *width = shape.width;
        return TRUE;
      }

    case TAFEL_OBJECT_TEXT:
    default:
      {
        TafelText text = { 0 };

        if (!tafel_object_dup_text (object, &text))
          return FALSE;
        *rgba = text.rgba;
        *width = text.size;
        tafel_text_clear (&text);
        return TRUE;
      }
    }
}

static GArray *
amend_array_new (void)
{
  return g_array_new (FALSE, TRUE, sizeof (TafelAmendEntry));
}

gboolean
tafel_canvas_controller_set_selection_color (TafelCanvasController *self,
                                             guint32                rgba,
                                             GError               **error)
{
  g_autoptr(GArray) entries = amend_array_new ();

  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  if (self->gesture != GESTURE_NONE)
    return TRUE;

  for (guint i = 0; i < self->selection->len; i++)
    {
      const TafelObject *object = g_ptr_array_index (self->selection, i);
      TafelAmendEntry entry = { *tafel_object_get_id (object), TAFEL_AMEND_COLOR, rgba };
      guint32 old;
      double width;

      if (!object_look (object, &old, &width))
        continue;
      if (entry.rgba != old)
        g_array_append_val (entries, entry);
    }

  return amend_objects (self, entries, error);
}

/* Sets the width of strokes and shapes (@for_text FALSE) or the size of
 * texts (@for_text TRUE) in the selection. */
static gboolean
set_selection_width (TafelCanvasController *self,
                     double                 width,
                     gboolean               for_text,
                     GError               **error)
{
  g_autoptr(GArray) entries = amend_array_new ();

  if (self->gesture != GESTURE_NONE || !(width > 0))
    return TRUE;

  width = MIN (width, TAFEL_WIDTH_MAX);
  for (guint i = 0; i < self->selection->len; i++)
    {
      const TafelObject *object = g_ptr_array_index (self->selection, i);
      TafelAmendEntry entry = { *tafel_object_get_id (object), TAFEL_AMEND_WIDTH, .width = (float) width };
      guint32 rgba;
      double old;

      if ((tafel_object_get_type (object) == TAFEL_OBJECT_TEXT) != for_text ||
          !object_look (object, &rgba, &old))
        continue;
      if ((float) old != entry.width)
        g_array_append_val (entries, entry);
    }

  return amend_objects (self, entries, error);
}

gboolean
tafel_canvas_controller_set_selection_width (TafelCanvasController *self,
                                             double                 width,
                                             GError               **error)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  return set_selection_width (self, width, FALSE, error);
}

gboolean
tafel_canvas_controller_set_selection_text_size (TafelCanvasController *self,
                                                 double                 size,
                                                 GError               **error)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  return set_selection_width (self, size, TRUE, error);
}

/* Restacks the selection, keeping its own order, above everything
 * (@to_front) or beneath everything. The z values stay within the
 * Lamport clock: the front is at most one above the highest z, which no
 * record's clock here is below, so anything drawn later still lands on
 * top (see TafelAmendFields). */
static gboolean
restack_selection (TafelCanvasController *self,
                   gboolean               to_front,
                   GError               **error)
{
  g_autoptr(GArray) entries = amend_array_new ();
  double lowest, highest;
  guint n = self->selection->len;

  if (n == 0 || self->gesture != GESTURE_NONE ||
      !tafel_board_model_get_z_range (self->model, &lowest, &highest))
    return TRUE;

  for (guint k = 0; k < n; k++)
    {
      const TafelObject *object = g_ptr_array_index (self->selection, k);
      TafelAmendEntry entry = { *tafel_object_get_id (object), TAFEL_AMEND_Z };

      /* Bottom first: k = 0 … n - 1 over (highest, highest + 1] or
       * [lowest - 1, lowest). */
      entry.z = to_front ? highest + (double) (k + 1) / n : lowest - 1 + (double) k / n;
      g_array_append_val (entries, entry);
    }

  return amend_objects (self, entries, error);
}

gboolean
tafel_canvas_controller_raise_selection (TafelCanvasController *self,
                                         GError               **error)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  return restack_selection (self, TRUE, error);
}

gboolean
tafel_canvas_controller_lower_selection (TafelCanvasController *self,
                                         GError               **error)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);

  return restack_selection (self, FALSE, error);
}

gboolean
tafel_canvas_controller_edit_text (TafelCanvasController *self,
                                   TafelObject           *object,
                                   const char            *text,
                                   GError               **error)
{
  g_autofree char *trimmed = NULL;
  TafelText old = { 0 };
  gboolean same;

  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (self), FALSE);
  g_return_val_if_fail (object != NULL && text != NULL, FALSE);

  if (!tafel_object_dup_text (object, &old))
    return TRUE;
  if (!tafel_canvas_controller_check_text (text, &trimmed, error))
    {
      tafel_text_clear (&old);
      return FALSE;
    }
  same = g_strcmp0 (trimmed, old.text) == 0;
  tafel_text_clear (&old);
  if (same)
    return TRUE;

  /* Emptied, the text is gone: erased, one undo step that brings it back. */
  if (trimmed == NULL)
    {
      g_autoptr(GPtrArray) objects = g_ptr_array_new ();

      g_ptr_array_add (objects, object);
      return tafel_canvas_controller_erase_objects (self, objects, error);
    }

  /* A new text replacing the old one (erase and add) would leave two
   * copies when two people change it at once; an amend record keeps the
   * one object and the latest words win everywhere. */
  {
    g_autoptr(GArray) entries = amend_array_new ();
    TafelAmendEntry entry = { *tafel_object_get_id (object), TAFEL_AMEND_TEXT, .text = trimmed };

    g_array_append_val (entries, entry);
    return amend_objects (self, entries, error);
  }
}
