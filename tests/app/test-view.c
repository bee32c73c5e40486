/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "tafel-test-util.h"
#include "tafel-view.h"

static void
test_view_round_trip (void)
{
  TafelView view = { 2.5, -100.0, 40.0 };
  double bx, by, wx, wy;

  tafel_view_to_board (&view, 250, 100, &bx, &by);
  g_assert_cmpfloat_with_epsilon (bx, 0.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (by, 80.0, 1e-9);
  tafel_view_to_widget (&view, bx, by, &wx, &wy);
  g_assert_cmpfloat_with_epsilon (wx, 250, 1e-9);
  g_assert_cmpfloat_with_epsilon (wy, 100, 1e-9);
}

static void
test_view_zoom_keeps_point (void)
{
  TafelView view = TAFEL_VIEW_INIT;
  double bx0, by0, bx1, by1;

  tafel_view_pan (&view, 37, -12);
  tafel_view_to_board (&view, 300, 200, &bx0, &by0);
  g_assert_true (tafel_view_zoom_at (&view, 3.0, 300, 200));
  g_assert_cmpfloat_with_epsilon (view.scale, 3.0, 1e-12);
  tafel_view_to_board (&view, 300, 200, &bx1, &by1);
  g_assert_cmpfloat_with_epsilon (bx0, bx1, 1e-9);
  g_assert_cmpfloat_with_epsilon (by0, by1, 1e-9);
}

static void
test_view_clamped (void)
{
  TafelView view = TAFEL_VIEW_INIT;

  tafel_view_set_scale_at (&view, 1000, 0, 0);
  g_assert_cmpfloat (view.scale, ==, TAFEL_VIEW_MAX_SCALE);
  g_assert_false (tafel_view_zoom_at (&view, 2.0, 10, 10));
  tafel_view_set_scale_at (&view, 1e-9, 0, 0);
  g_assert_cmpfloat (view.scale, ==, TAFEL_VIEW_MIN_SCALE);
  g_assert_false (tafel_view_set_scale_at (&view, NAN, 0, 0));
  g_assert_cmpfloat (view.scale, ==, TAFEL_VIEW_MIN_SCALE);
}

static void
test_view_steps (void)
{
  double scale = 1.0;

  g_assert_cmpfloat (tafel_view_step_scale (1.0, +1), ==, 1.25);
  g_assert_cmpfloat (tafel_view_step_scale (1.0, -1), ==, 0.75);
  /* A scale between two levels goes to the neighbouring level, not past it. */
  g_assert_cmpfloat (tafel_view_step_scale (1.1, +1), ==, 1.25);
  g_assert_cmpfloat (tafel_view_step_scale (1.1, -1), ==, 1.0);

  /* Stepping in from the bottom reaches the top in bounded steps and is
   * strictly increasing. */
  scale = TAFEL_VIEW_MIN_SCALE;
  for (int i = 0; i < 100 && scale < TAFEL_VIEW_MAX_SCALE; i++)
    {
      double next = tafel_view_step_scale (scale, +1);
      g_assert_cmpfloat (next, >, scale);
      scale = next;
    }
  g_assert_cmpfloat (scale, ==, TAFEL_VIEW_MAX_SCALE);
  g_assert_cmpfloat (tafel_view_step_scale (TAFEL_VIEW_MAX_SCALE, +1), ==, TAFEL_VIEW_MAX_SCALE);
  g_assert_cmpfloat (tafel_view_step_scale (TAFEL_VIEW_MIN_SCALE, -1), ==, TAFEL_VIEW_MIN_SCALE);
}

static void
test_view_fit (void)
{
  TafelView view = TAFEL_VIEW_INIT;
  TafelRect bounds = { 1000, -500, 4000, 1000 };
  TafelRect visible;
  double wx, wy;

  tafel_view_fit (&view, &bounds, 1000, 800, 50);
  /* 4000 wide into 900 pixels. */
  g_assert_cmpfloat_with_epsilon (view.scale, 900.0 / 4000.0, 1e-12);
  tafel_view_get_visible (&view, 1000, 800, &visible);
  g_assert_cmpfloat (visible.x, <=, bounds.x);
  g_assert_cmpfloat (visible.y, <=, bounds.y);
  g_assert_cmpfloat (visible.x + visible.width, >=, bounds.x + bounds.width);
  g_assert_cmpfloat (visible.y + visible.height, >=, bounds.y + bounds.height);
  /* Centred. */
  tafel_view_to_widget (&view, bounds.x + bounds.width / 2, bounds.y + bounds.height / 2, &wx, &wy);
  g_assert_cmpfloat_with_epsilon (wx, 500, 1e-9);
  g_assert_cmpfloat_with_epsilon (wy, 400, 1e-9);

  /* A small drawing is not blown up beyond 100 %. */
  bounds = (TafelRect) { 0, 0, 10, 10 };
  tafel_view_fit (&view, &bounds, 1000, 800, 50);
  g_assert_cmpfloat (view.scale, ==, 1.0);
}

/* Zoom to fit into the part of the canvas nothing floats over. */
static void
test_view_fit_into (void)
{
  TafelView view = TAFEL_VIEW_INIT;
  TafelRect bounds = { -200, 300, 4000, 2000 };
  TafelRect area = { 100, 80, 800, 600 };
  double wx0, wy0, wx1, wy1;

  tafel_view_fit_into (&view, &bounds, &area, 20);
  /* 4000 wide into 760 pixels (2000 high would take only 560 of them). */
  g_assert_cmpfloat_with_epsilon (view.scale, 760.0 / 4000.0, 1e-12);
  tafel_view_to_widget (&view, bounds.x, bounds.y, &wx0, &wy0);
  tafel_view_to_widget (&view, bounds.x + bounds.width, bounds.y + bounds.height, &wx1, &wy1);
  /* Within the area with its margin, centred in it. */
  g_assert_cmpfloat_with_epsilon (wx0, 120, 1e-9);
  g_assert_cmpfloat_with_epsilon (wx1, 880, 1e-9);
  g_assert_cmpfloat (wy0, >=, 100 - 1e-9);
  g_assert_cmpfloat (wy1, <=, 660 + 1e-9);
  g_assert_cmpfloat_with_epsilon ((wy0 + wy1) / 2, 380, 1e-9);
}

static void
test_view_clear_area (void)
{
  /* A tool bar at the top centre, zoom buttons in the bottom-right corner
   * and a label in the bottom-left one, as the board window has them. */
  TafelRect floating[] = {
    { 340, 12, 420, 50 },
    { 890, 650, 200, 50 },
    { 12, 660, 150, 40 },
  };
  TafelRect area;

  tafel_view_clear_area (1100, 712, floating, G_N_ELEMENTS (floating), &area);
  g_assert_cmpfloat (area.x, ==, 0);
  g_assert_cmpfloat (area.y, ==, 62);
  g_assert_cmpfloat (area.width, ==, 1100);
  g_assert_cmpfloat (area.height, ==, 650 - 62);

  /* Nothing in the way: all of it. Something outside: all of it too. */
  tafel_view_clear_area (1100, 712, NULL, 0, &area);
  g_assert_cmpfloat (area.width, ==, 1100);
  g_assert_cmpfloat (area.height, ==, 712);
  tafel_view_clear_area (1100, 712, &(TafelRect) { 1200, 0, 50, 50 }, 1, &area);
  g_assert_cmpfloat (area.width, ==, 1100);
  g_assert_cmpfloat (area.height, ==, 712);

  /* A panel down the right side takes a strip off the right. */
  tafel_view_clear_area (1000, 700, &(TafelRect) { 700, 0, 300, 700 }, 1, &area);
  g_assert_cmpfloat (area.x, ==, 0);
  g_assert_cmpfloat (area.width, ==, 700);
  g_assert_cmpfloat (area.height, ==, 700);

  /* Something covering everything leaves the whole area, not nothing. */
  tafel_view_clear_area (300, 200, &(TafelRect) { -10, -10, 400, 400 }, 1, &area);
  g_assert_cmpfloat (area.width, ==, 300);
  g_assert_cmpfloat (area.height, ==, 200);
}

/* Follow mode: another window's view shown whole, at whatever zoom that
 * takes, also beyond 100 %. */
static void
test_view_show_rect (void)
{
  TafelView view = TAFEL_VIEW_INIT;
  TafelRect theirs = { 200, 100, 400, 300 };   /* a small window, zoomed in */
  TafelRect visible;
  double wx, wy;

  tafel_view_show_rect (&view, &theirs, 1200, 600);
  /* 300 high into 600 pixels: 200 %; their width fits within ours. */
  g_assert_cmpfloat_with_epsilon (view.scale, 2.0, 1e-12);
  tafel_view_get_visible (&view, 1200, 600, &visible);
  g_assert_cmpfloat_with_epsilon (visible.y, theirs.y, 1e-9);
  g_assert_cmpfloat_with_epsilon (visible.height, theirs.height, 1e-9);
  g_assert_cmpfloat (visible.x, <=, theirs.x);
  g_assert_cmpfloat (visible.x + visible.width, >=, theirs.x + theirs.width);
  tafel_view_to_widget (&view, theirs.x + theirs.width / 2, theirs.y + theirs.height / 2, &wx, &wy);
  g_assert_cmpfloat_with_epsilon (wx, 600, 1e-9);
  g_assert_cmpfloat_with_epsilon (wy, 300, 1e-9);

  /* A huge view is shown down to the smallest zoom, no further. */
  theirs = (TafelRect) { 0, 0, 1e7, 1e7 };
  tafel_view_show_rect (&view, &theirs, 1000, 1000);
  g_assert_cmpfloat (view.scale, ==, TAFEL_VIEW_MIN_SCALE);

  /* A widget with no size yet changes nothing. */
  view = TAFEL_VIEW_INIT;
  tafel_view_show_rect (&view, &theirs, 0, 0);
  g_assert_cmpfloat (view.scale, ==, 1.0);
  g_assert_cmpfloat (view.x, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/view/round-trip", test_view_round_trip);
  g_test_add_func ("/tafel/view/zoom-keeps-point", test_view_zoom_keeps_point);
  g_test_add_func ("/tafel/view/clamped", test_view_clamped);
  g_test_add_func ("/tafel/view/steps", test_view_steps);
  g_test_add_func ("/tafel/view/fit", test_view_fit);
  g_test_add_func ("/tafel/view/fit-into", test_view_fit_into);
  g_test_add_func ("/tafel/view/clear-area", test_view_clear_area);
  g_test_add_func ("/tafel/view/show-rect", test_view_show_rect);

  return g_test_run ();
}
