/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tafel-canvas-controller.h"
#include "tafel-gesture-math.h"

G_BEGIN_DECLS

/* Screen distance (widget pixels, divided by the scale at use) under which
 * a press that moves is still a click, or a shape too small to keep. */
#define DRAG_THRESHOLD_PX   3.0

typedef enum
{
  GESTURE_NONE,
  GESTURE_STROKE,
  GESTURE_SHAPE,
  GESTURE_ERASE,
  GESTURE_PRESS_SELECTION,  /* pressed on the selection; a move once it drags */
  GESTURE_MOVE,
  GESTURE_RESIZE,
  GESTURE_RUBBER_BAND,
} Gesture;

/* The controller is split over tafel-canvas-controller.c (strokes, shapes,
 * the eraser, text, undo and the pointer dispatch) and
 * tafel-canvas-controller-select.c (the selection tool and the commands on
 * the selection), which share this structure. */
struct _TafelCanvasController
{
  GObject          parent_instance;

  TafelBoard      *board;
  TafelBoardModel *model;
  TafelHistory    *history;

  TafelCanvasTool  tool;
  guint32          pen_rgba;
  guint32          highlighter_rgba;
  char            *pen_color;
  char            *highlighter_color;
  double           pen_width;
  double           highlighter_width;
  double           text_size;
  double           scale;

  Gesture          gesture;
  TafelInputModifiers modifiers;
  double           press_x;
  double           press_y;
  double           last_x;
  double           last_y;

  /* GESTURE_STROKE */
  TafelStroke      live;
  GArray          *live_points;
  gboolean         smoothing;
  TafelOneEuro     filter_x;
  TafelOneEuro     filter_y;
  double           raw_x;
  double           raw_y;
  float            raw_pressure;

  /* GESTURE_SHAPE */
  TafelShapeKind   shape_kind;

  /* GESTURE_ERASE: object → itself, hidden until the erase is stored. */
  GHashTable      *pending_erase;
  gboolean         eraser_shown;

  /* Selection: objects bottom first, and the same as a set. */
  GPtrArray       *selection;
  GHashTable      *selected;
  gboolean         selection_hidden;
  TafelRect        resize_from;      /* selection bounds when a resize began */
  double           anchor_x;         /* the corner that stays put */
  double           anchor_y;
  double           corner_x;         /* the corner grabbed */
  double           corner_y;
  TafelTransform   live_transform;   /* board → board while moving */

  /* The text being changed in place, not drawn from the board meanwhile. */
  TafelObject     *editing;
};

static inline double
clamp_coord (double v)
{
  return CLAMP (v, -TAFEL_COORD_MAX, TAFEL_COORD_MAX);
}

/* Sorts objects bottom first. */
static inline int
compare_z (gconstpointer a,
           gconstpointer b)
{
  const TafelObject *oa = *(const TafelObject **) a;
  const TafelObject *ob = *(const TafelObject **) b;

  return tafel_object_compare_order (oa, ob);
}

static inline void
rect_union (TafelRect       *acc,
            const TafelRect *r)
{
  double x1, y1, x2, y2;

  if (acc->width <= 0 && acc->height <= 0)
    {
      *acc = *r;
      return;
    }

  x1 = MIN (acc->x, r->x);
  y1 = MIN (acc->y, r->y);
  x2 = MAX (acc->x + acc->width, r->x + r->width);
  y2 = MAX (acc->y + acc->height, r->y + r->height);
  *acc = (TafelRect) { x1, y1, x2 - x1, y2 - y1 };
}

/* tafel-canvas-controller.c */
void       tafel_canvas_controller_emit_changed          (TafelCanvasController *self);
/* Emits ::hidden-changed over @dirty, unless it is empty. */
void       tafel_canvas_controller_emit_hidden_changed   (TafelCanvasController *self,
                                                          const TafelRect       *dirty);
void       tafel_canvas_controller_report_error          (TafelCanvasController *self,
                                                          const GError          *error);
void       tafel_canvas_controller_notify_selection      (TafelCanvasController *self);
/* A group collects the records of one user action for one undo step. */
GPtrArray *tafel_canvas_controller_new_group             (void);
gboolean   tafel_canvas_controller_commit_in_group       (TafelCanvasController *self,
                                                          guint                  kind,
                                                          GBytes                *body,
                                                          GPtrArray             *done,
                                                          GError               **error);
void       tafel_canvas_controller_end_group             (TafelCanvasController *self,
                                                          GPtrArray             *done);
/* Commits @kind records naming @objects, as many as their number needs. */
gboolean   tafel_canvas_controller_commit_object_set     (TafelCanvasController *self,
                                                          guint                  kind,
                                                          GPtrArray             *objects,
                                                          GPtrArray             *done,
                                                          GError               **error);
gboolean   tafel_canvas_controller_erase_objects         (TafelCanvasController *self,
                                                          GPtrArray             *objects,
                                                          GError               **error);
void       tafel_canvas_controller_cancel_gesture        (TafelCanvasController *self);
/* @text without its trailing blanks in @trimmed, %NULL when it is blank;
 * FALSE when it is too long for a text. */
gboolean   tafel_canvas_controller_check_text            (const char            *text,
                                                          char                 **trimmed,
                                                          GError               **error);

/* tafel-canvas-controller-select.c */
/* Selects the visible ones of @objects (nullable: none). */
void       tafel_canvas_controller_set_selection         (TafelCanvasController *self,
                                                          GPtrArray             *objects);
/* Hides the selection from the tiles while it is being moved. */
void       tafel_canvas_controller_hide_selection        (TafelCanvasController *self,
                                                          gboolean               hide);
void       tafel_canvas_controller_select_begin          (TafelCanvasController   *self,
                                                          const TafelPointerEvent *event);
void       tafel_canvas_controller_select_motion         (TafelCanvasController *self);
void       tafel_canvas_controller_select_end            (TafelCanvasController *self);
/* The move or resize in progress, from the pointer and the modifiers. */
void       tafel_canvas_controller_update_live_transform (TafelCanvasController *self);

G_END_DECLS
