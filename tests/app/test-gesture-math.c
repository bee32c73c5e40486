/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "tafel-gesture-math.h"
#include "tafel-test-util.h"

static void
test_one_euro_smooths_jitter (void)
{
  TafelOneEuro filter;
  g_autoptr(GRand) rand = g_rand_new_with_seed (4711);
  double raw[240], out[240];
  double raw_rough = 0, out_rough = 0, lag;

  /* A slow, steady movement with ±1 px of noise at 120 Hz. The truth is a
   * straight line, so any bending (second difference) is jitter: the
   * filter must remove most of it, and lag behind by only a few pixels. */
  tafel_one_euro_init (&filter, 4.0, 0.02, 1.0);
  for (int i = 0; i < 240; i++)
    {
      double t = i / 120.0;

      raw[i] = 50 * t + g_rand_double_range (rand, -1, 1);
      out[i] = tafel_one_euro_filter (&filter, raw[i], t);
    }
  for (int i = 2; i < 240; i++)
    {
      raw_rough += fabs (raw[i] - 2 * raw[i - 1] + raw[i - 2]);
      out_rough += fabs (out[i] - 2 * out[i - 1] + out[i - 2]);
    }
  lag = 50 * 239 / 120.0 - out[239];
  g_test_message ("roughness raw %.1f, filtered %.1f; lag %.2f px", raw_rough, out_rough, lag);
  g_assert_cmpfloat (out_rough, <, raw_rough * 0.25);
  g_assert_cmpfloat (fabs (lag), <, 4);
}

static void
test_one_euro_follows_fast (void)
{
  TafelOneEuro filter;
  double out = 0;

  /* A fast flick (3000 px/s): the filtered value lags by little. */
  tafel_one_euro_init (&filter, 4.0, 0.02, 1.0);
  for (int i = 0; i <= 30; i++)
    out = tafel_one_euro_filter (&filter, 3000 * i / 120.0, i / 120.0);
  g_assert_cmpfloat (fabs (out - 3000 * 30 / 120.0), <, 15);
}

static void
test_one_euro_same_time (void)
{
  TafelOneEuro filter;
  double out;

  tafel_one_euro_init (&filter, 4.0, 0.02, 1.0);
  g_assert_cmpfloat (tafel_one_euro_filter (&filter, 10, 1.0), ==, 10);
  out = tafel_one_euro_filter (&filter, 12, 1.0);
  g_assert_true (isfinite (out));
  g_assert_cmpfloat (out, >=, 10);
  g_assert_cmpfloat (out, <=, 12);

  tafel_one_euro_reset (&filter);
  g_assert_cmpfloat (tafel_one_euro_filter (&filter, -5, 2.0), ==, -5);
}

static void
test_constrain_line (void)
{
  double x2, y2;

  /* 30° snaps to 45°, keeping the length. */
  x2 = 10 + 100 * cos (G_PI / 6);
  y2 = 20 + 100 * sin (G_PI / 6);
  tafel_constrain_shape (TAFEL_SHAPE_LINE, 10, 20, &x2, &y2);
  g_assert_cmpfloat_with_epsilon (x2, 10 + 100 * M_SQRT1_2, 1e-9);
  g_assert_cmpfloat_with_epsilon (y2, 20 + 100 * M_SQRT1_2, 1e-9);

  /* 10° snaps to horizontal, exactly. */
  x2 = 100 * cos (G_PI / 18);
  y2 = -100 * sin (G_PI / 18);
  tafel_constrain_shape (TAFEL_SHAPE_ARROW, 0, 0, &x2, &y2);
  g_assert_cmpfloat_with_epsilon (x2, 100, 1e-9);
  g_assert_cmpfloat (y2, ==, 0);

  /* Straight down. */
  x2 = 3;
  y2 = 50;
  tafel_constrain_shape (TAFEL_SHAPE_LINE, 0, 0, &x2, &y2);
  g_assert_cmpfloat (x2, ==, 0);
  g_assert_cmpfloat_with_epsilon (y2, hypot (3, 50), 1e-9);
}

static void
test_constrain_square (void)
{
  double x2 = -30, y2 = 80;

  tafel_constrain_shape (TAFEL_SHAPE_RECTANGLE, 0, 0, &x2, &y2);
  g_assert_cmpfloat (x2, ==, -80);
  g_assert_cmpfloat (y2, ==, 80);

  x2 = 110;
  y2 = 5;
  tafel_constrain_shape (TAFEL_SHAPE_ELLIPSE, 10, 0, &x2, &y2);
  g_assert_cmpfloat (x2, ==, 110);
  g_assert_cmpfloat (y2, ==, 100);
}

int
main (int   argc,
      char *argv[])
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/gesture-math/one-euro/smooths-jitter", test_one_euro_smooths_jitter);
  g_test_add_func ("/tafel/gesture-math/one-euro/follows-fast", test_one_euro_follows_fast);
  g_test_add_func ("/tafel/gesture-math/one-euro/same-time", test_one_euro_same_time);
  g_test_add_func ("/tafel/gesture-math/constrain/line", test_constrain_line);
  g_test_add_func ("/tafel/gesture-math/constrain/square", test_constrain_square);

  return g_test_run ();
}
