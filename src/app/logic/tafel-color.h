/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Colours are 0xRRGGBBAA, as in the records. */

/* Parses "#rrggbb" or "#rrggbbaa" (case-insensitive). */
gboolean tafel_color_parse          (const char *text,
                                     guint32    *rgba);
/* "#rrggbb" when opaque, "#rrggbbaa" otherwise. */
char    *tafel_color_to_string      (guint32     rgba) G_GNUC_WARN_UNUSED_RESULT;

/*
 * The board is drawn on light paper in the light style and on dark paper
 * in the dark style. Ink keeps its hue and saturation but its HSL lightness
 * is mirrored (L → 1 − L) on dark paper: black ink shows near-white, white
 * shows black, and the saturated colours of the palette (L ≈ 0.5) stay as
 * they are. Exports and other peers always get the true colours.
 */
guint32  tafel_color_for_dark_paper (guint32     rgba);
/* The same mapping, in place, on a cairo ARGB32 image (premultiplied). */
void     tafel_color_map_pixels_for_dark_paper (guint8 *data,
                                                int     width,
                                                int     height,
                                                int     stride);

typedef struct
{
  guint32     rgba;
  const char *name;  /* translatable, for tooltips and accessible names */
} TafelPaletteEntry;

/* The palette offered in the colour popover. */
const TafelPaletteEntry *tafel_color_get_palette (guint *n_swatches);

G_END_DECLS
