/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tafel-color.h"
#include "tafel-test-util.h"

static void
test_color_parse (void)
{
  guint32 rgba = 0;
  g_autofree char *a = NULL, *b = NULL;

  g_assert_true (tafel_color_parse ("#1c71d8", &rgba));
  g_assert_cmphex (rgba, ==, 0x1c71d8ff);
  g_assert_true (tafel_color_parse ("#F5C21180", &rgba));
  g_assert_cmphex (rgba, ==, 0xf5c21180);

  g_assert_false (tafel_color_parse ("", &rgba));
  g_assert_false (tafel_color_parse (NULL, &rgba));
  g_assert_false (tafel_color_parse ("1c71d8", &rgba));
  g_assert_false (tafel_color_parse ("#1c71d", &rgba));
  g_assert_false (tafel_color_parse ("#1c71d8f", &rgba));
  g_assert_false (tafel_color_parse ("#1c71dg", &rgba));
  g_assert_false (tafel_color_parse ("#1c71d8ff00", &rgba));

  a = tafel_color_to_string (0x1c71d8ff);
  g_assert_cmpstr (a, ==, "#1c71d8");
  b = tafel_color_to_string (0xf5c21180);
  g_assert_cmpstr (b, ==, "#f5c21180");
}

static void
test_color_dark_paper (void)
{
  /* Black and white swap, grey stays, saturated hues keep their lightness,
   * alpha is kept. */
  g_assert_cmphex (tafel_color_for_dark_paper (0x000000ff), ==, 0xffffffff);
  g_assert_cmphex (tafel_color_for_dark_paper (0xffffff80), ==, 0x00000080);
  g_assert_cmphex (tafel_color_for_dark_paper (0x808080ff), ==, 0x7f7f7fff);
  g_assert_cmphex (tafel_color_for_dark_paper (0xff0000ff), ==, 0xff0000ff);
  g_assert_cmphex (tafel_color_for_dark_paper (0x00ff00ff), ==, 0x00ff00ff);
  /* Dark blue becomes a light blue of the same hue. */
  g_assert_cmphex (tafel_color_for_dark_paper (0x000080ff), ==, 0x7f7fffff);
}

static void
test_color_dark_pixels (void)
{
  /* Premultiplied ARGB32 as cairo stores it, in native endianness. */
  guint32 pixels[4] = {
    0xff000000,  /* opaque black */
    0x80000000,  /* half-covered black edge */
    0x00000000,  /* nothing */
    0xffff0000,  /* opaque red */
  };

  tafel_color_map_pixels_for_dark_paper ((guint8 *) pixels, 4, 1, sizeof pixels);
  g_assert_cmphex (pixels[0], ==, 0xffffffff);
  /* The edge pixel is white at the same coverage. */
  g_assert_cmphex (pixels[1], ==, 0x80808080);
  g_assert_cmphex (pixels[2], ==, 0x00000000);
  g_assert_cmphex (pixels[3], ==, 0xffff0000);
}

static void
test_color_palette (void)
{
  const TafelPaletteEntry *palette;
  guint n;

  palette = tafel_color_get_palette (&n);
  g_assert_cmpuint (n, >=, 8);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmphex (palette[i].rgba & 0xff, ==, 0xff);
      g_assert_nonnull (palette[i].name);
      for (guint j = 0; j < i; j++)
        g_assert_cmphex (palette[i].rgba, !=, palette[j].rgba);
    }
}

int
main (int   argc,
      char *argv[])
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/color/parse", test_color_parse);
  g_test_add_func ("/tafel/color/dark-paper", test_color_dark_paper);
  g_test_add_func ("/tafel/color/dark-pixels", test_color_dark_pixels);
  g_test_add_func ("/tafel/color/palette", test_color_palette);

  return g_test_run ();
}
