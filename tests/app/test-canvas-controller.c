/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "tafel-canvas-controller.h"
#include "tafel-clipboard.h"
#include "tafel-core.h"
#include "tafel-render.h"
#include "tafel-test-util.h"

/* Gestures fed to the canvas controller, as the canvas widget would feed
 * them, must produce the right records on a real board. */

typedef struct
{
  char                  *data_dir;
  TafelIdentity         *identity;
  TafelBoard            *board;
  TafelBoardModel       *model;
  TafelHistory          *history;
  TafelCanvasController *controller;
  GPtrArray             *committed;   /* TafelRecord, in order */
  guint                  n_errors;
} Fixture;

static void
on_committed (TafelCanvasController *controller,
              TafelRecord           *record,
              Fixture               *f)
{
  g_ptr_array_add (f->committed, tafel_record_ref (record));
}

static void
on_error (TafelCanvasController *controller,
          const GError          *error,
          Fixture               *f)
{
  g_test_message ("controller error: %s", error->message);
  f->n_errors++;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->data_dir = g_dir_make_tmp ("tafel-controller-XXXXXX", &error);
  g_assert_no_error (error);
  f->identity = tafel_identity_new_ephemeral ();
  f->board = tafel_board_create (f->data_dir, f->identity, "Test", &error);
  g_assert_no_error (error);
  f->model = tafel_board_model_new (tafel_board_get_log (f->board));
  f->history = tafel_history_new (f->model, tafel_identity_get_public_key (f->identity));
  f->controller = tafel_canvas_controller_new (f->board, f->model, f->history);
  f->committed = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  g_signal_connect (f->controller, "committed", G_CALLBACK (on_committed), f);
  g_signal_connect (f->controller, "error", G_CALLBACK (on_error), f);
  g_object_set (f->controller,
                "pen-color", "#c01c28",
                "pen-width", 4.0,
                "highlighter-color", "#f5c211",
                "highlighter-width", 20.0,
                "text-size", 30.0,
                NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_cmpuint (f->n_errors, ==, 0);

  g_clear_pointer (&f->committed, g_ptr_array_unref);
  g_assert_finalize_object (f->controller);
  g_assert_finalize_object (f->history);
  g_assert_finalize_object (f->model);
  g_assert_finalize_object (f->board);
  g_clear_object (&f->identity);
  tafel_test_remove_tree (f->data_dir);
  g_free (f->data_dir);
}

static void
pointer (Fixture           *f,
         TafelPointerPhase  phase,
         TafelInputDevice   device,
         TafelInputModifiers modifiers,
         double             x,
         double             y,
         double             pressure,
         gint64             time_ms)
{
  TafelPointerEvent event = {
    .phase = phase,
    .device = device,
    .modifiers = modifiers,
    .x = x,
    .y = y,
    .pressure = pressure,
    .time_us = time_ms * 1000,
  };

  tafel_canvas_controller_pointer (f->controller, &event);
}

/* A straight mouse drag from (x1, y1) to (x2, y2) in @steps motions. */
static void
drag (Fixture            *f,
      TafelInputModifiers modifiers,
      double              x1,
      double              y1,
      double              x2,
      double              y2,
      guint               steps)
{
  pointer (f, TAFEL_POINTER_DOWN, TAFEL_INPUT_MOUSE, modifiers, x1, y1, -1, 1000);
  for (guint i = 1; i <= steps; i++)
    pointer (f, TAFEL_POINTER_MOTION, TAFEL_INPUT_MOUSE, modifiers,
             x1 + (x2 - x1) * i / steps, y1 + (y2 - y1) * i / steps, -1, 1000 + 8 * i);
  pointer (f, TAFEL_POINTER_UP, TAFEL_INPUT_MOUSE, modifiers, x2, y2, -1, 1000 + 8 * (steps + 1));
}

static TafelRecord *
last_record (Fixture *f)
{
  g_assert_cmpuint (f->committed->len, >, 0);
  return g_ptr_array_index (f->committed, f->committed->len - 1);
}

static TafelObject *
object_of (Fixture     *f,
           TafelRecord *record)
{
  TafelObject *object = tafel_board_model_lookup (f->model, tafel_record_get_id (record));

  g_assert_nonnull (object);
  return object;
}

static void
test_pen_pressure (Fixture       *f,
                   gconstpointer  data)
{
  TafelStroke stroke = { 0 };
  g_autoptr(GError) error = NULL;
  TafelRecord *record;

  /* A pen stroke along a sine, pressing harder and harder. */
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_PEN);
  pointer (f, TAFEL_POINTER_DOWN, TAFEL_INPUT_PEN, 0, 100, 100, 0.1, 0);
  for (int i = 1; i <= 40; i++)
    pointer (f, TAFEL_POINTER_MOTION, TAFEL_INPUT_PEN, 0,
             100 + 5 * i, 100 + 20 * sin (i / 5.0), 0.1 + 0.02 * i, 5 * i);
  g_assert_nonnull (tafel_canvas_controller_get_live_stroke (f->controller));
  g_assert_cmpuint (tafel_canvas_controller_get_live_stroke (f->controller)->n_points, ==, 41);
  g_assert_cmpuint (f->committed->len, ==, 0);
  pointer (f, TAFEL_POINTER_UP, TAFEL_INPUT_PEN, 0, 305, 100 + 20 * sin (8.2), 0.95, 205);

  g_assert_null (tafel_canvas_controller_get_live_stroke (f->controller));
  g_assert_cmpuint (f->committed->len, ==, 1);
  record = last_record (f);
  g_assert_cmpuint (tafel_record_get_kind (record), ==, TAFEL_RECORD_KIND_STROKE);
  g_assert_true (tafel_stroke_decode (tafel_record_get_body (record), &stroke, &error));
  g_assert_no_error (error);

  g_assert_cmpint (stroke.tool, ==, TAFEL_TOOL_PEN);
  g_assert_cmphex (stroke.rgba, ==, 0xc01c28ff);
  g_assert_cmpfloat (stroke.width, ==, 4.0f);
  /* A pen is not smoothed: every sample is kept where it was, with its
   * pressure (within the codec's quantum). */
  g_assert_cmpuint (stroke.n_points, ==, 42);
  for (int i = 0; i <= 40; i++)
    {
      g_assert_cmpfloat_with_epsilon (stroke.points[i].x, 100 + 5 * i, TAFEL_POINT_QUANTUM);
      g_assert_cmpfloat_with_epsilon (stroke.points[i].y, 100 + 20 * sin (i / 5.0), TAFEL_POINT_QUANTUM);
      g_assert_cmpfloat_with_epsilon (stroke.points[i].pressure, 0.1 + 0.02 * i, 0.01);
    }
  g_assert_cmpfloat_with_epsilon (stroke.points[41].pressure, 0.95, 0.01);
  /* Pressure changes the width along the stroke. */
  g_assert_cmpfloat (tafel_stroke_width_at (&stroke, stroke.points[0].pressure), <,
                     tafel_stroke_width_at (&stroke, stroke.points[41].pressure));
  tafel_stroke_clear (&stroke);

  g_assert_cmpuint (tafel_board_model_get_n_visible (f->model), ==, 1);
}

static void
test_mouse_smoothed (Fixture       *f,
                     gconstpointer  data)
{
  TafelStroke stroke = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  double raw_rough = 0, out_rough = 0, prev_y[2] = { 200, 200 };

  /* A slow horizontal mouse line with a pixel of jitter, 125 Hz. */
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_PEN);
  pointer (f, TAFEL_POINTER_DOWN, TAFEL_INPUT_MOUSE, 0, 0, 200, -1, 0);
  for (int i = 1; i <= 100; i++)
    {
      double y = 200 + g_rand_double_range (rand, -1, 1);

      pointer (f, TAFEL_POINTER_MOTION, TAFEL_INPUT_MOUSE, 0, i * 0.8, y, -1, 8 * i);
      raw_rough += fabs (y - 2 * prev_y[1] + prev_y[0]);
      prev_y[0] = prev_y[1];
      prev_y[1] = y;
    }
  pointer (f, TAFEL_POINTER_UP, TAFEL_INPUT_MOUSE, 0, 80, 200, -1, 808);

  g_assert_cmpuint (f->committed->len, ==, 1);
  g_assert_true (tafel_stroke_decode (tafel_record_get_body (last_record (f)), &stroke, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stroke.n_points, >, 20);

  for (guint i = 0; i < stroke.n_points; i++)
    {
      /* No pressure from a mouse: the nominal 0.5. */
      g_assert_cmpfloat (stroke.points[i].pressure, ==, 0.5f);
      if (i >= 2)
        out_rough += fabs (stroke.points[i].y - 2 * stroke.points[i - 1].y + stroke.points[i - 2].y);
    }
  g_test_message ("roughness raw %.1f, stroke %.1f", raw_rough, out_rough);
  g_assert_cmpfloat (out_rough, <, raw_rough * 0.5);
  /* The stroke ends where the button was released. */
  g_assert_cmpfloat_with_epsilon (stroke.points[stroke.n_points - 1].x, 80, TAFEL_POINT_QUANTUM);
  g_assert_cmpfloat_with_epsilon (stroke.points[stroke.n_points - 1].y, 200, TAFEL_POINT_QUANTUM);
  tafel_stroke_clear (&stroke);
}

static void
test_highlighter (Fixture       *f,
                  gconstpointer  data)
{
  TafelStroke stroke = { 0 };

  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_HIGHLIGHTER);
  pointer (f, TAFEL_POINTER_DOWN, TAFEL_INPUT_PEN, 0, 0, 0, 0.9, 0);
  pointer (f, TAFEL_POINTER_MOTION, TAFEL_INPUT_PEN, 0, 50, 0, 0.2, 10);
  pointer (f, TAFEL_POINTER_UP, TAFEL_INPUT_PEN, 0, 100, 0, 0.7, 20);

  g_assert_true (tafel_stroke_decode (tafel_record_get_body (last_record (f)), &stroke, NULL));
  g_assert_cmpint (stroke.tool, ==, TAFEL_TOOL_HIGHLIGHTER);
  g_assert_cmphex (stroke.rgba, ==, 0xf5c211ff);
  g_assert_cmpfloat (stroke.width, ==, 20.0f);
  /* A highlighter is as wide everywhere. */
  for (guint i = 0; i < stroke.n_points; i++)
    g_assert_cmpfloat (stroke.points[i].pressure, ==, 0.5f);
  tafel_stroke_clear (&stroke);
}

static void
check_shape (Fixture        *f,
             TafelCanvasTool tool,
             TafelInputModifiers modifiers,
             double          x2,
             double          y2,
             TafelShapeKind  kind,
             double          ex2,
             double          ey2)
{
  TafelShape shape;
  guint before = f->committed->len;

  tafel_canvas_controller_set_tool (f->controller, tool);
  drag (f, modifiers, 10, 20, x2, y2, 10);

  g_assert_cmpuint (f->committed->len, ==, before + 1);
  g_assert_cmpuint (tafel_record_get_kind (last_record (f)), ==, TAFEL_RECORD_KIND_SHAPE);
  g_assert_true (tafel_shape_decode (tafel_record_get_body (last_record (f)), &shape, NULL));
  g_assert_cmpint (shape.shape, ==, kind);
  g_assert_cmphex (shape.stroke_rgba, ==, 0xc01c28ff);
  g_assert_cmphex (shape.fill_rgba & 0xff, ==, 0);
  g_assert_cmpfloat (shape.width, ==, 4.0f);
  g_assert_cmpfloat_with_epsilon (shape.x1, 10, 1e-6);
  g_assert_cmpfloat_with_epsilon (shape.y1, 20, 1e-6);
  g_assert_cmpfloat_with_epsilon (shape.x2, ex2, 1e-6);
  g_assert_cmpfloat_with_epsilon (shape.y2, ey2, 1e-6);
}

static void
test_shapes (Fixture       *f,
             gconstpointer  data)
{
  guint before;

  check_shape (f, TAFEL_CANVAS_TOOL_RECTANGLE, 0, 110, 70, TAFEL_SHAPE_RECTANGLE, 110, 70);
  check_shape (f, TAFEL_CANVAS_TOOL_ELLIPSE, 0, 60, 220, TAFEL_SHAPE_ELLIPSE, 60, 220);
  check_shape (f, TAFEL_CANVAS_TOOL_LINE, 0, 200, 33, TAFEL_SHAPE_LINE, 200, 33);
  check_shape (f, TAFEL_CANVAS_TOOL_ARROW, 0, -50, -80, TAFEL_SHAPE_ARROW, -50, -80);

  /* Shift: a square as large as the larger side, a circle, a line snapped
   * to 45° keeping its length, an arrow snapped to horizontal. */
  check_shape (f, TAFEL_CANVAS_TOOL_RECTANGLE, TAFEL_INPUT_SHIFT, 110, 70, TAFEL_SHAPE_RECTANGLE, 110, 120);
  check_shape (f, TAFEL_CANVAS_TOOL_ELLIPSE, TAFEL_INPUT_SHIFT, -30, 40, TAFEL_SHAPE_ELLIPSE, -30, 60);
  check_shape (f, TAFEL_CANVAS_TOOL_LINE, TAFEL_INPUT_SHIFT, 110, 110, TAFEL_SHAPE_LINE,
               10 + hypot (100, 90) * M_SQRT1_2, 20 + hypot (100, 90) * M_SQRT1_2);
  check_shape (f, TAFEL_CANVAS_TOOL_ARROW, TAFEL_INPUT_SHIFT, 110, 30, TAFEL_SHAPE_ARROW, 10 + hypot (100, 10), 20);

  /* Shift pressed in the middle of the drag counts, too. */
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_RECTANGLE);
  pointer (f, TAFEL_POINTER_DOWN, TAFEL_INPUT_MOUSE, 0, 0, 0, -1, 0);
  pointer (f, TAFEL_POINTER_MOTION, TAFEL_INPUT_MOUSE, 0, 40, 90, -1, 10);
  tafel_canvas_controller_set_modifiers (f->controller, TAFEL_INPUT_SHIFT);
  {
    TafelShape live;

    g_assert_true (tafel_canvas_controller_get_live_shape (f->controller, &live));
    g_assert_cmpfloat (live.x2, ==, 90);
    g_assert_cmpfloat (live.y2, ==, 90);
  }
  pointer (f, TAFEL_POINTER_CANCEL, TAFEL_INPUT_MOUSE, 0, 40, 90, -1, 20);

  /* A click is no shape. */
  before = f->committed->len;
  drag (f, 0, 300, 300, 300.5, 300, 1);
  g_assert_cmpuint (f->committed->len, ==, before);
  g_assert_cmpuint (tafel_board_model_get_n_visible (f->model), ==, 8);
}

static TafelRecord *
draw_line_stroke (Fixture *f,
                  double   x1,
                  double   y1,
                  double   x2,
                  double   y2)
{
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_PEN);
  pointer (f, TAFEL_POINTER_DOWN, TAFEL_INPUT_PEN, 0, x1, y1, 0.5, 0);
  for (int i = 1; i <= 10; i++)
    pointer (f, TAFEL_POINTER_MOTION, TAFEL_INPUT_PEN, 0,
             x1 + (x2 - x1) * i / 10, y1 + (y2 - y1) * i / 10, 0.5, 10 * i);
  pointer (f, TAFEL_POINTER_UP, TAFEL_INPUT_PEN, 0, x2, y2, 0.5, 110);
  return last_record (f);
}

static void
test_eraser (Fixture       *f,
             gconstpointer  data)
{
  TafelRecord *a, *b, *c;
  TafelObjectSet set = { 0 };

  /* Three horizontal strokes at y = 0, 100, 200. */
  a = draw_line_stroke (f, 0, 0, 300, 0);
  b = draw_line_stroke (f, 0, 100, 300, 100);
  c = draw_line_stroke (f, 0, 200, 300, 200);

  /* The eraser sweeps down across the first two only, between two of b's
   * samples' x positions, and passes near c without touching it. */
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_ERASER);
  pointer (f, TAFEL_POINTER_DOWN, TAFEL_INPUT_MOUSE, 0, 155, -40, -1, 0);
  pointer (f, TAFEL_POINTER_MOTION, TAFEL_INPUT_MOUSE, 0, 155, 60, -1, 10);
  /* While erasing, the touched stroke is hidden but not yet erased. */
  g_assert_true (tafel_canvas_controller_is_hidden (f->controller, object_of (f, a)));
  g_assert_false (tafel_canvas_controller_is_hidden (f->controller, object_of (f, b)));
  g_assert_cmpuint (tafel_board_model_get_n_visible (f->model), ==, 3);
  pointer (f, TAFEL_POINTER_MOTION, TAFEL_INPUT_MOUSE, 0, 155, 170, -1, 20);
  pointer (f, TAFEL_POINTER_UP, TAFEL_INPUT_MOUSE, 0, 155, 170, -1, 30);

  g_assert_cmpuint (f->committed->len, ==, 4);
  g_assert_cmpuint (tafel_record_get_kind (last_record (f)), ==, TAFEL_RECORD_KIND_ERASE);
  g_assert_true (tafel_object_set_decode (tafel_record_get_body (last_record (f)), &set, NULL));
  g_assert_cmpuint (set.n_ids, ==, 2);
  g_assert_true ((tafel_hash_equal (&set.ids[0], tafel_record_get_id (a)) &&
                  tafel_hash_equal (&set.ids[1], tafel_record_get_id (b))) ||
                 (tafel_hash_equal (&set.ids[1], tafel_record_get_id (a)) &&
                  tafel_hash_equal (&set.ids[0], tafel_record_get_id (b))));
  tafel_object_set_clear (&set);

  g_assert_false (tafel_object_is_visible (object_of (f, a)));
  g_assert_false (tafel_object_is_visible (object_of (f, b)));
  g_assert_true (tafel_object_is_visible (object_of (f, c)));
  g_assert_false (tafel_canvas_controller_is_hidden (f->controller, object_of (f, a)));

  /* The eraser end of a pen erases whatever the tool. */
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_PEN);
  pointer (f, TAFEL_POINTER_DOWN, TAFEL_INPUT_ERASER, 0, 20, 190, 0.5, 0);
  pointer (f, TAFEL_POINTER_MOTION, TAFEL_INPUT_ERASER, 0, 25, 210, 0.5, 10);
  pointer (f, TAFEL_POINTER_UP, TAFEL_INPUT_ERASER, 0, 25, 210, 0.5, 20);
  g_assert_cmpuint (tafel_record_get_kind (last_record (f)), ==, TAFEL_RECORD_KIND_ERASE);
  g_assert_false (tafel_object_is_visible (object_of (f, c)));
  g_assert_cmpuint (tafel_board_model_get_n_visible (f->model), ==, 0);

  /* Erasing nothing stores nothing. */
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_ERASER);
  drag (f, 0, 500, 500, 600, 600, 5);
  g_assert_cmpuint (f->committed->len, ==, 5);
}

static void
test_select_move (Fixture       *f,
                  gconstpointer  data)
{
  TafelRecord *a, *b;
  TafelTransformSet set = { 0 };
  TafelRect before, after;

  a = draw_line_stroke (f, 0, 0, 100, 0);
  b = draw_line_stroke (f, 0, 100, 100, 100);
  tafel_object_get_bounds (object_of (f, a), &before);

  /* Press on a's ink and drag it by (50, 30): one transform record moves
   * a, and only a. */
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_SELECT);
  pointer (f, TAFEL_POINTER_DOWN, TAFEL_INPUT_MOUSE, 0, 40, 1, -1, 0);
  g_assert_true (tafel_canvas_controller_is_selected (f->controller, object_of (f, a)));
  g_assert_false (tafel_canvas_controller_is_selected (f->controller, object_of (f, b)));
  pointer (f, TAFEL_POINTER_MOTION, TAFEL_INPUT_MOUSE, 0, 60, 20, -1, 10);
  /* While it moves, the canvas draws it itself. */
  g_assert_true (tafel_canvas_controller_is_hidden (f->controller, object_of (f, a)));
  pointer (f, TAFEL_POINTER_MOTION, TAFEL_INPUT_MOUSE, 0, 90, 31, -1, 20);
  pointer (f, TAFEL_POINTER_UP, TAFEL_INPUT_MOUSE, 0, 90, 31, -1, 30);

  g_assert_cmpuint (tafel_record_get_kind (last_record (f)), ==, TAFEL_RECORD_KIND_TRANSFORM);
  g_assert_true (tafel_transform_set_decode (tafel_record_get_body (last_record (f)), &set, NULL));
  g_assert_cmpuint (set.n_entries, ==, 1);
  g_assert_true (tafel_hash_equal (&set.ids[0], tafel_record_get_id (a)));
  g_assert_cmpfloat (set.transforms[0].sx, ==, 1);
  g_assert_cmpfloat (set.transforms[0].sy, ==, 1);
  g_assert_cmpfloat_with_epsilon (set.transforms[0].tx, 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (set.transforms[0].ty, 30, 1e-9);
  tafel_transform_set_clear (&set);

  g_assert_false (tafel_canvas_controller_is_hidden (f->controller, object_of (f, a)));
  tafel_object_get_bounds (object_of (f, a), &after);
  g_assert_cmpfloat_with_epsilon (after.x, before.x + 50, 1e-6);
  g_assert_cmpfloat_with_epsilon (after.y, before.y + 30, 1e-6);

  /* Arrow keys nudge by screen pixels: at 200 %, ten steps are 5 units. */
  tafel_canvas_controller_set_scale (f->controller, 2.0);
  g_assert_true (tafel_canvas_controller_nudge_selection (f->controller, 10, 0, NULL));
  tafel_object_get_bounds (object_of (f, a), &after);
  g_assert_cmpfloat_with_epsilon (after.x, before.x + 55, 1e-6);

  /* Undo puts it back step by step. */
  g_assert_true (tafel_canvas_controller_undo (f->controller, NULL));
  g_assert_true (tafel_canvas_controller_undo (f->controller, NULL));
  tafel_object_get_bounds (object_of (f, a), &after);
  g_assert_cmpfloat_with_epsilon (after.x, before.x, 1e-6);
  g_assert_cmpfloat_with_epsilon (after.y, before.y, 1e-6);
}

static void
test_select_rubber_band (Fixture       *f,
                         gconstpointer  data)
{
  TafelRecord *a, *b, *c;
  GPtrArray *selection;

  a = draw_line_stroke (f, 0, 0, 100, 0);
  b = draw_line_stroke (f, 0, 50, 100, 50);
  c = draw_line_stroke (f, 0, 100, 300, 100);

  /* A band around a and b, cutting through c: a and b only. */
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_SELECT);
  drag (f, 0, -20, -20, 150, 120, 5);
  selection = tafel_canvas_controller_get_selection (f->controller);
  g_assert_cmpuint (selection->len, ==, 2);
  g_assert_true (tafel_canvas_controller_is_selected (f->controller, object_of (f, a)));
  g_assert_true (tafel_canvas_controller_is_selected (f->controller, object_of (f, b)));
  g_assert_false (tafel_canvas_controller_is_selected (f->controller, object_of (f, c)));

  /* Delete erases both in one undoable step. */
  g_assert_true (tafel_canvas_controller_delete_selection (f->controller, NULL));
  g_assert_cmpuint (tafel_board_model_get_n_visible (f->model), ==, 1);
  g_assert_false (tafel_canvas_controller_has_selection (f->controller));
  g_assert_true (tafel_canvas_controller_undo (f->controller, NULL));
  g_assert_cmpuint (tafel_board_model_get_n_visible (f->model), ==, 3);

  /* Shift-click adds to a selection; Escape drops it. */
  drag (f, 0, 50, 0, 50, 0, 0);
  g_assert_cmpuint (tafel_canvas_controller_get_selection (f->controller)->len, ==, 1);
  drag (f, TAFEL_INPUT_SHIFT, 250, 100, 250, 100, 0);
  g_assert_cmpuint (tafel_canvas_controller_get_selection (f->controller)->len, ==, 2);
  g_assert_true (tafel_canvas_controller_is_selected (f->controller, object_of (f, c)));
  g_assert_true (tafel_canvas_controller_cancel (f->controller));
  g_assert_false (tafel_canvas_controller_has_selection (f->controller));
}

static void
test_resize (Fixture       *f,
             gconstpointer  data)
{
  TafelRecord *a;
  TafelRect before, after;

  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_RECTANGLE);
  drag (f, 0, 0, 0, 100, 50, 4);
  a = last_record (f);
  tafel_object_get_bounds (object_of (f, a), &before);

  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_SELECT);
  tafel_canvas_controller_select_all (f->controller);
  /* Drag the bottom-right handle so the box doubles in size. */
  drag (f, 0, before.x + before.width, before.y + before.height,
        before.x + 2 * before.width, before.y + 2 * before.height, 4);

  tafel_object_get_bounds (object_of (f, a), &after);
  g_assert_cmpfloat_with_epsilon (after.x, before.x, 1e-6);
  g_assert_cmpfloat_with_epsilon (after.y, before.y, 1e-6);
  g_assert_cmpfloat_with_epsilon (after.width, 2 * before.width, 1e-6);
  g_assert_cmpfloat_with_epsilon (after.height, 2 * before.height, 1e-6);
}

static void
test_undo_redo (Fixture       *f,
                gconstpointer  data)
{
  TafelRecord *a;
  guint n;

  a = draw_line_stroke (f, 0, 0, 100, 0);
  g_assert_true (tafel_history_can_undo (f->history));

  /* Undo of a stroke erases it; redo brings it back. */
  g_assert_true (tafel_canvas_controller_undo (f->controller, NULL));
  g_assert_false (tafel_object_is_visible (object_of (f, a)));
  g_assert_true (tafel_history_can_redo (f->history));
  g_assert_true (tafel_canvas_controller_redo (f->controller, NULL));
  g_assert_true (tafel_object_is_visible (object_of (f, a)));

  /* Undo of an erase restores. */
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_ERASER);
  drag (f, 0, 50, -10, 50, 10, 2);
  g_assert_false (tafel_object_is_visible (object_of (f, a)));
  g_assert_true (tafel_canvas_controller_undo (f->controller, NULL));
  g_assert_true (tafel_object_is_visible (object_of (f, a)));

  /* Clear, with undo. */
  draw_line_stroke (f, 0, 50, 100, 50);
  g_assert_cmpuint (tafel_board_model_get_n_visible (f->model), ==, 2);
  g_assert_true (tafel_canvas_controller_clear_board (f->controller, NULL));
  g_assert_cmpuint (tafel_record_get_kind (last_record (f)), ==, TAFEL_RECORD_KIND_CLEAR);
  g_assert_cmpuint (tafel_board_model_get_n_visible (f->model), ==, 0);
  g_assert_true (tafel_canvas_controller_undo (f->controller, NULL));
  g_assert_cmpuint (tafel_board_model_get_n_visible (f->model), ==, 2);

  /* Duplicate is one step, whatever it copied. */
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_SELECT);
  tafel_canvas_controller_select_all (f->controller);
  g_assert_true (tafel_canvas_controller_duplicate_selection (f->controller, NULL));
  g_assert_cmpuint (tafel_board_model_get_n_visible (f->model), ==, 4);
  g_assert_cmpuint (tafel_canvas_controller_get_selection (f->controller)->len, ==, 2);
  g_assert_true (tafel_canvas_controller_undo (f->controller, NULL));
  g_assert_cmpuint (tafel_board_model_get_n_visible (f->model), ==, 2);

  /* Bring to front: restacked in place, one record, one step. */
  tafel_canvas_controller_select_all (f->controller);
  n = f->committed->len;
  g_assert_true (tafel_canvas_controller_raise_selection (f->controller, NULL));
  g_assert_cmpuint (f->committed->len, ==, n + 1);
  g_assert_cmpuint (tafel_record_get_kind (last_record (f)), ==, TAFEL_RECORD_KIND_AMEND);
  g_assert_cmpuint (tafel_board_model_get_n_visible (f->model), ==, 2);
  g_assert_true (tafel_object_is_visible (object_of (f, a)));
  g_assert_true (tafel_canvas_controller_undo (f->controller, NULL));
  g_assert_true (tafel_object_is_visible (object_of (f, a)));
  g_assert_cmpuint (tafel_board_model_get_n_visible (f->model), ==, 2);

  /* Nothing left to undo ends quietly. */
  while (tafel_history_can_undo (f->history))
    g_assert_true (tafel_canvas_controller_undo (f->controller, NULL));
  g_assert_true (tafel_canvas_controller_undo (f->controller, NULL));
  g_assert_cmpuint (tafel_board_model_get_n_visible (f->model), ==, 0);
}

typedef struct
{
  guint  n;
  double x;
  double y;
} TextRequest;

static void
on_text_edit_requested (TafelCanvasController *controller,
                        double                 x,
                        double                 y,
                        TextRequest           *request)
{
  request->n++;
  request->x = x;
  request->y = y;
}

static void
test_text (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  TafelText text = { 0 };
  TextRequest request = { 0 };
  g_autofree char *huge = g_strnfill (TAFEL_TEXT_MAX_BYTES + 1, 'x');

  /* A click with the text tool asks the canvas for an editor there, and
   * stores nothing yet. */
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_TEXT);
  g_signal_connect (f->controller, "text-edit-requested", G_CALLBACK (on_text_edit_requested), &request);
  pointer (f, TAFEL_POINTER_DOWN, TAFEL_INPUT_MOUSE, 0, 40, 60, -1, 0);
  pointer (f, TAFEL_POINTER_UP, TAFEL_INPUT_MOUSE, 0, 40, 60, -1, 10);
  g_assert_cmpuint (request.n, ==, 1);
  g_assert_cmpfloat (request.x, ==, 40);
  g_assert_cmpfloat (request.y, ==, 60);
  g_assert_cmpuint (f->committed->len, ==, 0);

  /* What was typed: trailing blank lines go. */
  g_assert_true (tafel_canvas_controller_commit_text (f->controller, request.x, request.y,
                                                      "Hallo\nWelt\n\n", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tafel_record_get_kind (last_record (f)), ==, TAFEL_RECORD_KIND_TEXT);
  g_assert_true (tafel_text_decode (tafel_record_get_body (last_record (f)), &text, NULL));
  g_assert_cmpstr (text.text, ==, "Hallo\nWelt");
  g_assert_cmpfloat (text.x, ==, 40);
  g_assert_cmpfloat (text.y, ==, 60);
  g_assert_cmpfloat (text.size, ==, 30.0f);
  g_assert_cmphex (text.rgba, ==, 0xc01c28ff);
  tafel_text_clear (&text);

  /* Blank text is no text. */
  g_assert_true (tafel_canvas_controller_commit_text (f->controller, 0, 0, "  \n ", &error));
  g_assert_cmpuint (f->committed->len, ==, 1);

  /* Too much is refused with a reason. */
  g_assert_false (tafel_canvas_controller_commit_text (f->controller, 0, 0, huge, &error));
  g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_TOO_LARGE);
  g_assert_cmpuint (f->committed->len, ==, 1);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  /* A touch that became a pinch stores nothing. */
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_PEN);
  pointer (f, TAFEL_POINTER_DOWN, TAFEL_INPUT_TOUCH, 0, 0, 0, -1, 0);
  pointer (f, TAFEL_POINTER_MOTION, TAFEL_INPUT_TOUCH, 0, 30, 30, -1, 10);
  g_assert_true (tafel_canvas_controller_is_busy (f->controller));
  pointer (f, TAFEL_POINTER_CANCEL, TAFEL_INPUT_TOUCH, 0, 0, 0, -1, 20);
  g_assert_false (tafel_canvas_controller_is_busy (f->controller));
  g_assert_null (tafel_canvas_controller_get_live_stroke (f->controller));
  g_assert_cmpuint (f->committed->len, ==, 0);
  g_assert_cmpuint (tafel_log_get_n_records (tafel_board_get_log (f->board)), ==, 0);
}

static void
test_long_stroke_splits (Fixture       *f,
                         gconstpointer  data)
{
  TafelStroke first = { 0 }, second = { 0 };

  /* Longer than one record holds: two strokes that meet. */
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_PEN);
  pointer (f, TAFEL_POINTER_DOWN, TAFEL_INPUT_PEN, 0, 0, 0, 0.5, 0);
  for (int i = 1; i < TAFEL_STROKE_MAX_POINTS + 100; i++)
    pointer (f, TAFEL_POINTER_MOTION, TAFEL_INPUT_PEN, 0, i, (i % 2) * 3, 0.5, i);
  pointer (f, TAFEL_POINTER_UP, TAFEL_INPUT_PEN, 0, TAFEL_STROKE_MAX_POINTS + 100, 0, 0.5, 30000);

  g_assert_cmpuint (f->committed->len, ==, 2);
  g_assert_true (tafel_stroke_decode (tafel_record_get_body (g_ptr_array_index (f->committed, 0)), &first, NULL));
  g_assert_true (tafel_stroke_decode (tafel_record_get_body (g_ptr_array_index (f->committed, 1)), &second, NULL));
  g_assert_cmpuint (first.n_points, ==, TAFEL_STROKE_MAX_POINTS);
  g_assert_cmpfloat (first.points[first.n_points - 1].x, ==, second.points[0].x);
  g_assert_cmpfloat (first.points[first.n_points - 1].y, ==, second.points[0].y);
  tafel_stroke_clear (&first);
  tafel_stroke_clear (&second);
}

typedef struct
{
  GBytes *bytes;
  gsize   offset;
} PngReader;

static cairo_status_t
read_png (void          *closure,
          unsigned char *data,
          unsigned int   length)
{
  PngReader *reader = closure;
  gsize size;
  const guint8 *bytes = g_bytes_get_data (reader->bytes, &size);

  if (reader->offset + length > size)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (data, bytes + reader->offset, length);
  reader->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

/* Copy and paste: the selection goes through the clipboard document into
 * this board and into another one, as new objects centred where pasted,
 * each paste one undo step. */
static void
test_copy_paste (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) pasted = NULL;
  g_autoptr(GBytes) document = NULL;
  g_autofree char *other_dir = NULL;
  g_autoptr(TafelBoard) other = NULL;
  g_autoptr(TafelBoardModel) other_model = NULL;
  g_autoptr(TafelHistory) other_history = NULL;
  g_autoptr(TafelCanvasController) other_controller = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  TafelRecord *line;
  TafelRect before, after, copy_bounds;
  TafelText text = { 0 };
  GPtrArray *selection;

  line = draw_line_stroke (f, 0, 0, 100, 0);
  g_assert_true (tafel_canvas_controller_commit_text (f->controller, 0, 40, "Kopie", &error));
  g_assert_no_error (error);
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_SELECT);
  tafel_canvas_controller_select_all (f->controller);
  g_assert_true (tafel_canvas_controller_get_selection_bounds (f->controller, &before));

  /* A moved object is copied where it shows. */
  g_assert_true (tafel_canvas_controller_nudge_selection (f->controller, 10, 0, NULL));
  before.x += 10;

  items = tafel_canvas_controller_dup_selection_items (f->controller);
  g_assert_cmpuint (items->len, ==, 2);

  /* Other apps get the words and a picture of the selection. */
  {
    g_autofree char *words = tafel_clipboard_dup_text (tafel_canvas_controller_get_selection (f->controller));
    g_autoptr(GBytes) png = tafel_clipboard_render_png (tafel_canvas_controller_get_selection (f->controller),
                                                        2.0, &error);
    PngReader reader = { png, 0 };
    cairo_surface_t *picture;

    g_assert_cmpstr (words, ==, "Kopie");
    g_assert_no_error (error);
    picture = cairo_image_surface_create_from_png_stream (read_png, &reader);
    g_assert_cmpint (cairo_surface_status (picture), ==, CAIRO_STATUS_SUCCESS);
    /* Twice the board's size, with a margin. */
    g_assert_cmpint (cairo_image_surface_get_width (picture), >=, 2 * before.width);
    g_assert_cmpint (cairo_image_surface_get_width (picture), <=, 2 * before.width + 40);
    g_assert_cmpint (cairo_image_surface_get_height (picture), >=, 2 * before.height);
    cairo_surface_destroy (picture);
  }
  document = tafel_clipboard_encode (items);
  pasted = tafel_clipboard_decode (document, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pasted->len, ==, 2);

  /* Into the same board, centred on (500, 300): two new objects, selected. */
  g_assert_true (tafel_canvas_controller_paste (f->controller, pasted, 500, 300, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tafel_board_model_get_n_visible (f->model), ==, 4);
  selection = tafel_canvas_controller_get_selection (f->controller);
  g_assert_cmpuint (selection->len, ==, 2);
  g_assert_false (tafel_canvas_controller_is_selected (f->controller, object_of (f, line)));
  g_assert_true (tafel_canvas_controller_get_selection_bounds (f->controller, &after));
  g_assert_cmpfloat_with_epsilon (after.x + after.width / 2, 500, 0.5);
  g_assert_cmpfloat_with_epsilon (after.y + after.height / 2, 300, 0.5);
  g_assert_cmpfloat_with_epsilon (after.width, before.width, 0.5);
  g_assert_cmpfloat_with_epsilon (after.height, before.height, 0.5);

  /* One step undoes the whole paste. */
  g_assert_true (tafel_canvas_controller_undo (f->controller, NULL));
  g_assert_cmpuint (tafel_board_model_get_n_visible (f->model), ==, 2);

  /* Into another board: the same objects, as that board's records. */
  other_dir = g_dir_make_tmp ("tafel-controller-other-XXXXXX", &error);
  g_assert_no_error (error);
  other = tafel_board_create (other_dir, f->identity, "Other", &error);
  g_assert_no_error (error);
  other_model = tafel_board_model_new (tafel_board_get_log (other));
  other_history = tafel_history_new (other_model, tafel_identity_get_public_key (f->identity));
  other_controller = tafel_canvas_controller_new (other, other_model, other_history);
  g_assert_true (tafel_canvas_controller_paste (other_controller, pasted, -200, -100, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tafel_board_model_get_n_visible (other_model), ==, 2);
  g_assert_true (tafel_board_model_get_bounds (other_model, &copy_bounds));
  g_assert_cmpfloat_with_epsilon (copy_bounds.x + copy_bounds.width / 2, -200, 0.5);
  g_assert_cmpfloat_with_epsilon (copy_bounds.y + copy_bounds.height / 2, -100, 0.5);
  tafel_board_model_query (other_model, NULL, found);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_true (tafel_object_dup_text (g_ptr_array_index (found, 1), &text));
  g_assert_cmpstr (text.text, ==, "Kopie");
  g_assert_cmphex (text.rgba, ==, 0xc01c28ff);
  g_assert_cmpfloat (text.size, ==, 30.0f);
  tafel_text_clear (&text);

  g_clear_pointer (&found, g_ptr_array_unref);
  g_assert_finalize_object (g_steal_pointer (&other_controller));
  g_assert_finalize_object (g_steal_pointer (&other_history));
  g_assert_finalize_object (g_steal_pointer (&other_model));
  g_assert_finalize_object (g_steal_pointer (&other));
  tafel_test_remove_tree (other_dir);
}

/* A right click selects what it lands on, keeps a selection it lands in,
 * and on nothing selects nothing. */
static void
test_select_at (Fixture       *f,
                gconstpointer  data)
{
  TafelRecord *a, *b;

  a = draw_line_stroke (f, 0, 0, 100, 0);
  b = draw_line_stroke (f, 0, 100, 100, 100);
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_SELECT);

  g_assert_true (tafel_canvas_controller_object_at (f->controller, 50, 2) == object_of (f, a));
  g_assert_null (tafel_canvas_controller_object_at (f->controller, 50, 50));

  g_assert_true (tafel_canvas_controller_select_at (f->controller, 50, 2));
  g_assert_cmpuint (tafel_canvas_controller_get_selection (f->controller)->len, ==, 1);
  g_assert_true (tafel_canvas_controller_is_selected (f->controller, object_of (f, a)));

  tafel_canvas_controller_select_all (f->controller);
  g_assert_true (tafel_canvas_controller_select_at (f->controller, 50, 101));
  g_assert_cmpuint (tafel_canvas_controller_get_selection (f->controller)->len, ==, 2);

  g_assert_false (tafel_canvas_controller_select_at (f->controller, 50, 50));
  g_assert_false (tafel_canvas_controller_has_selection (f->controller));

  g_assert_true (tafel_canvas_controller_select_at (f->controller, 50, 99));
  g_assert_true (tafel_canvas_controller_is_selected (f->controller, object_of (f, b)));
  g_assert_false (tafel_canvas_controller_is_selected (f->controller, object_of (f, a)));
}

/* The objects of the board, bottom first. */
static GPtrArray *
stack (Fixture *f)
{
  GPtrArray *objects = g_ptr_array_new ();

  tafel_board_model_query (f->model, NULL, objects);
  return objects;
}

static void
test_restack (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  TafelObject *a, *b, *c, *d;

  a = object_of (f, draw_line_stroke (f, 0, 0, 100, 0));
  b = object_of (f, draw_line_stroke (f, 0, 10, 100, 10));
  c = object_of (f, draw_line_stroke (f, 0, 20, 100, 20));
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_SELECT);

  /* a and b to the front (a rubber band over both): above c, in their
   * own order. */
  drag (f, 0, -20, -20, 120, 15, 4);
  g_assert_cmpuint (tafel_canvas_controller_get_selection (f->controller)->len, ==, 2);
  g_assert_true (tafel_canvas_controller_raise_selection (f->controller, NULL));
  g_assert_cmpuint (tafel_record_get_kind (last_record (f)), ==, TAFEL_RECORD_KIND_AMEND);
  after = stack (f);
  g_assert_true (g_ptr_array_index (after, 0) == c);
  g_assert_true (g_ptr_array_index (after, 1) == a);
  g_assert_true (g_ptr_array_index (after, 2) == b);
  g_assert_cmpint (tafel_object_compare_order (c, a), <, 0);

  /* Something drawn after it still lands on top. */
  d = object_of (f, draw_line_stroke (f, 0, 30, 100, 30));
  g_clear_pointer (&after, g_ptr_array_unref);
  after = stack (f);
  g_assert_true (g_ptr_array_index (after, 3) == d);

  /* b to the back. */
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_SELECT);
  g_assert_true (tafel_canvas_controller_select_at (f->controller, 50, 10));
  g_assert_cmpuint (tafel_canvas_controller_get_selection (f->controller)->len, ==, 1);
  g_assert_true (tafel_canvas_controller_lower_selection (f->controller, NULL));
  g_clear_pointer (&after, g_ptr_array_unref);
  after = stack (f);
  g_assert_true (g_ptr_array_index (after, 0) == b);
  g_assert_true (g_ptr_array_index (after, 1) == c);

  /* Undo puts b back where it was, redo to the back again. */
  g_assert_true (tafel_canvas_controller_undo (f->controller, NULL));
  g_clear_pointer (&after, g_ptr_array_unref);
  after = stack (f);
  g_assert_true (g_ptr_array_index (after, 0) == c);
  g_assert_true (g_ptr_array_index (after, 2) == b);
  g_assert_true (tafel_canvas_controller_redo (f->controller, NULL));
  g_clear_pointer (&after, g_ptr_array_unref);
  after = stack (f);
  g_assert_true (g_ptr_array_index (after, 0) == b);

  /* Undoing everything back to the drawing order. */
  while (tafel_history_can_undo (f->history))
    g_assert_true (tafel_canvas_controller_undo (f->controller, NULL));
  g_assert_true (tafel_canvas_controller_redo (f->controller, NULL));
  g_assert_true (tafel_canvas_controller_redo (f->controller, NULL));
  g_assert_true (tafel_canvas_controller_redo (f->controller, NULL));
  before = stack (f);
  g_assert_cmpuint (before->len, ==, 3);
  g_assert_true (g_ptr_array_index (before, 0) == a);
  g_assert_true (g_ptr_array_index (before, 1) == b);
  g_assert_true (g_ptr_array_index (before, 2) == c);
}

static void
test_restyle (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  TafelStroke stroke = { 0 };
  TafelText text = { 0 };
  TafelObject *line, *words, *marker;
  guint n;

  line = object_of (f, draw_line_stroke (f, 0, 0, 100, 0));
  g_assert_true (tafel_canvas_controller_commit_text (f->controller, 0, 50, "Hallo", &error));
  words = object_of (f, last_record (f));
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_HIGHLIGHTER);
  drag (f, 0, 0, 100, 100, 100, 4);
  marker = object_of (f, last_record (f));

  /* Nothing selected, nothing changes. */
  n = f->committed->len;
  g_assert_true (tafel_canvas_controller_set_selection_color (f->controller, 0x1c71d8ff, &error));
  g_assert_cmpuint (f->committed->len, ==, n);

  /* A colour for all, the highlighter's too: one record, one undo step. */
  tafel_canvas_controller_set_tool (f->controller, TAFEL_CANVAS_TOOL_SELECT);
  tafel_canvas_controller_select_all (f->controller);
  g_assert_true (tafel_canvas_controller_set_selection_color (f->controller, 0x1c71d8ff, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->committed->len, ==, n + 1);
  g_assert_cmpuint (tafel_record_get_kind (last_record (f)), ==, TAFEL_RECORD_KIND_AMEND);
  g_assert_true (tafel_object_dup_stroke (line, &stroke));
  g_assert_cmphex (stroke.rgba, ==, 0x1c71d8ff);
  tafel_stroke_clear (&stroke);
  g_assert_true (tafel_object_dup_text (words, &text));
  g_assert_cmphex (text.rgba, ==, 0x1c71d8ff);
  tafel_text_clear (&text);
  g_assert_true (tafel_object_dup_stroke (marker, &stroke));
  g_assert_cmphex (stroke.rgba, ==, 0x1c71d8ff);
  g_assert_cmpint (stroke.tool, ==, TAFEL_TOOL_HIGHLIGHTER);
  tafel_stroke_clear (&stroke);

  /* The same colour again stores nothing. */
  g_assert_true (tafel_canvas_controller_set_selection_color (f->controller, 0x1c71d8ff, &error));
  g_assert_cmpuint (f->committed->len, ==, n + 1);

  /* A width for the lines, a size for the texts. */
  g_assert_true (tafel_canvas_controller_set_selection_width (f->controller, 12, &error));
  g_assert_true (tafel_object_dup_stroke (line, &stroke));
  g_assert_cmpfloat (stroke.width, ==, 12);
  tafel_stroke_clear (&stroke);
  g_assert_true (tafel_object_dup_text (words, &text));
  g_assert_cmpfloat (text.size, ==, 30);
  tafel_text_clear (&text);
  {
    TafelRect small, big;

    tafel_object_get_bounds (words, &small);
    g_assert_true (tafel_canvas_controller_set_selection_text_size (f->controller, 60, &error));
    g_assert_true (tafel_object_dup_text (words, &text));
    g_assert_cmpfloat (text.size, ==, 60);
    tafel_text_clear (&text);
    /* Bigger letters take more room: hit tests and tiles follow. */
    tafel_object_get_bounds (words, &big);
    g_assert_cmpfloat (big.width, >, small.width * 1.5);
  }
  g_assert_cmpuint (f->committed->len, ==, n + 3);

  /* Undo goes back one change at a time. */
  g_assert_true (tafel_canvas_controller_undo (f->controller, NULL));
  g_assert_true (tafel_object_dup_text (words, &text));
  g_assert_cmpfloat (text.size, ==, 30);
  tafel_text_clear (&text);
  g_assert_true (tafel_canvas_controller_undo (f->controller, NULL));
  g_assert_true (tafel_object_dup_stroke (line, &stroke));
  g_assert_cmpfloat (stroke.width, ==, 4);
  g_assert_cmphex (stroke.rgba, ==, 0x1c71d8ff);
  tafel_stroke_clear (&stroke);
  g_assert_true (tafel_canvas_controller_undo (f->controller, NULL));
  g_assert_true (tafel_object_dup_stroke (line, &stroke));
  g_assert_cmphex (stroke.rgba, ==, 0xc01c28ff);
  tafel_stroke_clear (&stroke);
  g_assert_true (tafel_object_dup_text (words, &text));
  g_assert_cmphex (text.rgba, ==, 0xc01c28ff);
  tafel_text_clear (&text);
  g_assert_true (tafel_canvas_controller_redo (f->controller, NULL));
  g_assert_true (tafel_object_dup_stroke (line, &stroke));
  g_assert_cmphex (stroke.rgba, ==, 0x1c71d8ff);
  tafel_stroke_clear (&stroke);
}

static void
test_edit_text (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = g_strnfill (TAFEL_TEXT_MAX_BYTES + 1, 'x');
  TafelText text = { 0 };
  TafelObject *words;
  guint n;

  g_assert_true (tafel_canvas_controller_commit_text (f->controller, 10, 20, "Hallo", &error));
  words = object_of (f, last_record (f));
  n = f->committed->len;

  /* While it is changed in place, the board does not draw it. */
  tafel_canvas_controller_set_editing (f->controller, words);
  g_assert_true (tafel_canvas_controller_is_hidden (f->controller, words));
  tafel_canvas_controller_set_editing (f->controller, NULL);
  g_assert_false (tafel_canvas_controller_is_hidden (f->controller, words));

  /* New words: the same object, one amend record, one undo step. */
  g_assert_true (tafel_canvas_controller_edit_text (f->controller, words, "Hallo Welt\n", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->committed->len, ==, n + 1);
  g_assert_cmpuint (tafel_record_get_kind (last_record (f)), ==, TAFEL_RECORD_KIND_AMEND);
  g_assert_true (tafel_object_dup_text (words, &text));
  g_assert_cmpstr (text.text, ==, "Hallo Welt");
  g_assert_cmpfloat (text.x, ==, 10);
  tafel_text_clear (&text);
  g_assert_cmpuint (tafel_board_model_get_n_visible (f->model), ==, 1);

  /* The same words store nothing; too many are refused. */
  g_assert_true (tafel_canvas_controller_edit_text (f->controller, words, "Hallo Welt", &error));
  g_assert_cmpuint (f->committed->len, ==, n + 1);
  g_assert_false (tafel_canvas_controller_edit_text (f->controller, words, huge, &error));
  g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_cmpuint (f->committed->len, ==, n + 1);

  /* Undo brings the old words back. */
  g_assert_true (tafel_canvas_controller_undo (f->controller, NULL));
  g_assert_true (tafel_object_dup_text (words, &text));
  g_assert_cmpstr (text.text, ==, "Hallo");
  tafel_text_clear (&text);
  g_assert_true (tafel_canvas_controller_redo (f->controller, NULL));

  /* Emptied, the text is erased; undo brings it back with its words. */
  g_assert_true (tafel_canvas_controller_edit_text (f->controller, words, " \n", &error));
  g_assert_false (tafel_object_is_visible (words));
  g_assert_true (tafel_canvas_controller_undo (f->controller, NULL));
  g_assert_true (tafel_object_is_visible (words));
  g_assert_true (tafel_object_dup_text (words, &text));
  g_assert_cmpstr (text.text, ==, "Hallo Welt");
  tafel_text_clear (&text);
}

int
main (int   argc,
      char *argv[])
{
  tafel_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/tafel/canvas-controller/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("pen-pressure", test_pen_pressure);
  ADD ("mouse-smoothed", test_mouse_smoothed);
  ADD ("highlighter", test_highlighter);
  ADD ("shapes", test_shapes);
  ADD ("eraser", test_eraser);
  ADD ("select-move", test_select_move);
  ADD ("select-rubber-band", test_select_rubber_band);
  ADD ("resize", test_resize);
  ADD ("undo-redo", test_undo_redo);
  ADD ("text", test_text);
  ADD ("cancel", test_cancel);
  ADD ("long-stroke-splits", test_long_stroke_splits);
  ADD ("copy-paste", test_copy_paste);
  ADD ("select-at", test_select_at);
  ADD ("restack", test_restack);
  ADD ("restyle", test_restyle);
  ADD ("edit-text", test_edit_text);

  return g_test_run ();
}
