/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tafel-color.h"

/* GNOME's palette, one strong shade per hue, plus black and grey. */
static const TafelPaletteEntry palette[] = {
  { 0x241f31ff, N_("Black") },
  { 0x77767bff, N_("Grey") },
  { 0xc01c28ff, N_("Red") },
  { 0xe66100ff, N_("Orange") },
  { 0xf5c211ff, N_("Yellow") },
  { 0x26a269ff, N_("Green") },
  { 0x1c71d8ff, N_("Blue") },
  { 0x62a0eaff, N_("Light Blue") },
  { 0x813d9cff, N_("Purple") },
  { 0x865e3cff, N_("Brown") },
};

gboolean
tafel_color_parse (const char *text,
                   guint32    *rgba)
{
  guint32 value = 0;
  gsize len;

  g_return_val_if_fail (rgba != NULL, FALSE);

  if (text == NULL || text[0] != '#')
    return FALSE;

  len = strlen (text + 1);
  if (len != 6 && len != 8)
    return FALSE;

  for (gsize i = 1; i <= len; i++)
    {
      int digit = g_ascii_xdigit_value (text[i]);
      if (digit < 0)
        return FALSE;
      value = (value << 4) | (guint32) digit;
    }

  *rgba = len == 6 ? (value << 8) | 0xff : value;
  return TRUE;
}

char *
tafel_color_to_string (guint32 rgba)
{
  if ((rgba & 0xff) == 0xff)
    return g_strdup_printf ("#%06x", rgba >> 8);
  return g_strdup_printf ("#%08x", rgba);
}

/* Mirroring HSL lightness while keeping hue and saturation adds the same
 * amount to every channel: c' = c + (1 − max − min). */
guint32
tafel_color_for_dark_paper (guint32 rgba)
{
  int r = (rgba >> 24) & 0xff;
  int g = (rgba >> 16) & 0xff;
  int b = (rgba >> 8) & 0xff;
  int shift = 255 - MAX (r, MAX (g, b)) - MIN (r, MIN (g, b));

  r = CLAMP (r + shift, 0, 255);
  g = CLAMP (g + shift, 0, 255);
  b = CLAMP (b + shift, 0, 255);

  return ((guint32) r << 24) | ((guint32) g << 16) | ((guint32) b << 8) | (rgba & 0xff);
}

void
tafel_color_map_pixels_for_dark_paper (guint8 *data,
                                       int     width,
                                       int     height,
                                       int     stride)
{
  /* On premultiplied channels the shift becomes a − max − min, which needs
   * no division: cheap enough to run over every freshly rendered tile. */
  for (int y = 0; y < height; y++)
    {
      guint32 *row = (guint32 *) (gpointer) (data + (gsize) y * stride);

      for (int x = 0; x < width; x++)
        {
          guint32 p = row[x];
          int a = p >> 24, r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
          int shift;

          if (a == 0)
            continue;

          shift = a - MAX (r, MAX (g, b)) - MIN (r, MIN (g, b));
          r = CLAMP (r + shift, 0, a);
          g = CLAMP (g + shift, 0, a);
          b = CLAMP (b + shift, 0, a);
          row[x] = ((guint32) a << 24) | ((guint32) r << 16) | ((guint32) g << 8) | (guint32) b;
        }
    }
}

const TafelPaletteEntry *
tafel_color_get_palette (guint *n_swatches)
{
  *n_swatches = G_N_ELEMENTS (palette);
  return palette;
}
