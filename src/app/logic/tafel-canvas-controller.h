/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tafel-board.h"
#include "tafel-board-model.h"
#include "tafel-history.h"
#include "tafel-tool.h"

G_BEGIN_DECLS

typedef enum
{
  TAFEL_POINTER_DOWN,
  TAFEL_POINTER_MOTION,
  TAFEL_POINTER_UP,
  /* The gesture was taken away (a second finger began a pinch, the window
   * lost the grab): forget it, commit nothing. */
  TAFEL_POINTER_CANCEL,
} TafelPointerPhase;

typedef enum
{
  TAFEL_INPUT_MOUSE,
  TAFEL_INPUT_PEN,
  TAFEL_INPUT_ERASER,   /* the eraser end of a pen: erases whatever the tool */
  TAFEL_INPUT_TOUCH,
} TafelInputDevice;

typedef enum
{
  TAFEL_INPUT_SHIFT   = 1 << 0,
  TAFEL_INPUT_CONTROL = 1 << 1,
  TAFEL_INPUT_ALT     = 1 << 2,
} TafelInputModifiers;

/**
 * TafelPointerEvent:
 * @x: board units
 * @y: board units
 * @pressure: 0..1, or negative when the device has none
 * @time_us: monotonic time of the event in microseconds
 *
 * One pointer sample, as the canvas widget hands it over: everything the
 * controller needs, nothing of GTK.
 */
typedef struct
{
  TafelPointerPhase   phase;
  TafelInputDevice    device;
  TafelInputModifiers modifiers;
  double              x;
  double              y;
  double              pressure;
  gint64              time_us;
} TafelPointerEvent;

#define TAFEL_TYPE_CANVAS_CONTROLLER (tafel_canvas_controller_get_type ())

G_DECLARE_FINAL_TYPE (TafelCanvasController, tafel_canvas_controller, TAFEL, CANVAS_CONTROLLER, GObject)

/**
 * TafelCanvasController:
 *
 * Turns pointer gestures and editing commands into board records: strokes,
 * shapes, text, erase, transform, clear, and undo/redo through the
 * #TafelHistory. It knows no GTK: the canvas widget converts its events
 * into #TafelPointerEvent and draws what the controller shows in progress
 * (the live stroke, the shape being dragged, the rubber band, the moving
 * selection, the eraser).
 *
 * Properties: ::tool, ::pen-color, ::highlighter-color (strings
 * "#rrggbb[aa]" as GSettings keeps them), ::pen-width, ::highlighter-width,
 * ::text-size, ::scale (widget pixels per board unit, for tolerances given
 * on screen), ::has-selection.
 *
 * Signals:
 *  ::changed: what is in progress changed; redraw.
 *  ::committed (TafelRecord *record): a gesture or command stored @record.
 *  ::hidden-changed (const TafelRect *dirty): objects the canvas must not
 *    draw from its cache (being erased or moved) changed within @dirty.
 *  ::text-edit-requested (double x, double y): the text tool was clicked
 *    at board point (x, y); the widget shows an editor there and commits
 *    with tafel_canvas_controller_commit_text().
 *  ::error (const GError *): a record from a gesture could not be stored.
 */
TafelCanvasController *tafel_canvas_controller_new          (TafelBoard            *board,
                                                             TafelBoardModel       *model,
                                                             TafelHistory          *history) G_GNUC_WARN_UNUSED_RESULT;

TafelBoardModel  *tafel_canvas_controller_get_model         (TafelCanvasController *self);
TafelCanvasTool   tafel_canvas_controller_get_tool          (TafelCanvasController *self);
void              tafel_canvas_controller_set_tool          (TafelCanvasController *self,
                                                             TafelCanvasTool        tool);
void              tafel_canvas_controller_set_scale         (TafelCanvasController *self,
                                                             double                 scale);

/* ---- Input --------------------------------------------------------------- */

void              tafel_canvas_controller_pointer           (TafelCanvasController *self,
                                                             const TafelPointerEvent *event);
/* Shift pressed or released during a gesture changes its constraint. */
void              tafel_canvas_controller_set_modifiers     (TafelCanvasController *self,
                                                             TafelInputModifiers    modifiers);
/* Escape: drops the gesture in progress, or else the selection. Returns
 * whether there was anything to drop. */
gboolean          tafel_canvas_controller_cancel            (TafelCanvasController *self);
/* Whether a gesture is in progress. */
gboolean          tafel_canvas_controller_is_busy           (TafelCanvasController *self);

/* ---- What is in progress, for drawing ------------------------------------ */

/* The stroke being drawn (points in board units), or %NULL. */
const TafelStroke *tafel_canvas_controller_get_live_stroke  (TafelCanvasController *self);
gboolean          tafel_canvas_controller_get_live_shape    (TafelCanvasController *self,
                                                             TafelShape            *shape);
gboolean          tafel_canvas_controller_get_rubber_band   (TafelCanvasController *self,
                                                             TafelRect             *rect);
/* Where the eraser is and its radius, while erasing. */
gboolean          tafel_canvas_controller_get_eraser        (TafelCanvasController *self,
                                                             double                *x,
                                                             double                *y,
                                                             double                *radius);
/* Whether the canvas must leave @object out of its cache: it is being
 * erased, or moved and drawn by the canvas at its live place. */
gboolean          tafel_canvas_controller_is_hidden         (TafelCanvasController *self,
                                                             const TafelObject     *object);

/* ---- Selection ----------------------------------------------------------- */

/* (element-type TafelObject) (transfer none) the selected objects, bottom first. */
GPtrArray        *tafel_canvas_controller_get_selection     (TafelCanvasController *self);
gboolean          tafel_canvas_controller_has_selection     (TafelCanvasController *self);
gboolean          tafel_canvas_controller_is_selected       (TafelCanvasController *self,
                                                             const TafelObject     *object);
/* Bounds of the selection as it is drawn now (with a move or resize in
 * progress applied); FALSE when nothing is selected. */
gboolean          tafel_canvas_controller_get_selection_bounds (TafelCanvasController *self,
                                                                TafelRect             *bounds);
/* The move or resize in progress as a map of board points:
 * board' = board · (sx, sy) + (tx, ty). The identity when none. */
void              tafel_canvas_controller_get_live_transform (TafelCanvasController *self,
                                                              TafelTransform        *transform);
void              tafel_canvas_controller_select_all        (TafelCanvasController *self);
/* The topmost object whose ink is at board point (x, y), within a few
 * pixels on screen; %NULL when none. */
TafelObject      *tafel_canvas_controller_object_at         (TafelCanvasController *self,
                                                             double                 x,
                                                             double                 y);
/* A right click at board point (x, y): the object there becomes the
 * selection, unless it is part of it already; nothing there, nothing is
 * selected. Returns whether anything is selected now. */
gboolean          tafel_canvas_controller_select_at         (TafelCanvasController *self,
                                                             double                 x,
                                                             double                 y);
void              tafel_canvas_controller_clear_selection   (TafelCanvasController *self);
/* The text @object (nullable: none) is being changed in place: the canvas
 * does not draw it from the board meanwhile (see _is_hidden()). */
void              tafel_canvas_controller_set_editing       (TafelCanvasController *self,
                                                             TafelObject           *object);

/* ---- Commands ------------------------------------------------------------ */

/* Each stores its records (and makes them undoable) or fails with the
 * board's error, changing nothing. */

gboolean          tafel_canvas_controller_nudge_selection     (TafelCanvasController *self,
                                                               double                 dx,
                                                               double                 dy,
                                                               GError               **error);
gboolean          tafel_canvas_controller_delete_selection    (TafelCanvasController *self,
                                                               GError               **error);
gboolean          tafel_canvas_controller_duplicate_selection (TafelCanvasController *self,
                                                               GError               **error);
/* Bring to front and send to back: restacks the selection (amend
 * records, so every peer ends with the same order). */
gboolean          tafel_canvas_controller_raise_selection     (TafelCanvasController *self,
                                                               GError               **error);
gboolean          tafel_canvas_controller_lower_selection     (TafelCanvasController *self,
                                                               GError               **error);
/* Recolours the selection. */
gboolean          tafel_canvas_controller_set_selection_color (TafelCanvasController *self,
                                                               guint32                rgba,
                                                               GError               **error);
/* The line width of the selected strokes and shapes. */
gboolean          tafel_canvas_controller_set_selection_width (TafelCanvasController *self,
                                                               double                 width,
                                                               GError               **error);
/* The size of the selected texts. */
gboolean          tafel_canvas_controller_set_selection_text_size (TafelCanvasController *self,
                                                                   double                 size,
                                                                   GError               **error);
/* New words for the text @object, one undo step; the same words store
 * nothing, blank words erase it. */
gboolean          tafel_canvas_controller_edit_text           (TafelCanvasController *self,
                                                               TafelObject           *object,
                                                               const char            *text,
                                                               GError               **error);
/* (element-type TafelClipboardItem) (transfer full) the selection as
 * clipboard items, bottom first. */
GPtrArray        *tafel_canvas_controller_dup_selection_items (TafelCanvasController *self) G_GNUC_WARN_UNUSED_RESULT;
/* Stores @items (element-type TafelClipboardItem) as new objects centred
 * on board point (x, y), as one undo step, and selects them. */
gboolean          tafel_canvas_controller_paste               (TafelCanvasController *self,
                                                               GPtrArray             *items,
                                                               double                 x,
                                                               double                 y,
                                                               GError               **error);
/* Text at board point (x, y) in the current colour and text size; blank
 * text stores nothing and succeeds. */
gboolean          tafel_canvas_controller_commit_text         (TafelCanvasController *self,
                                                               double                 x,
                                                               double                 y,
                                                               const char            *text,
                                                               GError               **error);
/* Erases everything on the board that this device has seen (a clear record). */
gboolean          tafel_canvas_controller_clear_board         (TafelCanvasController *self,
                                                               GError               **error);
gboolean          tafel_canvas_controller_undo                (TafelCanvasController *self,
                                                               GError               **error);
gboolean          tafel_canvas_controller_redo                (TafelCanvasController *self,
                                                               GError               **error);

G_END_DECLS
