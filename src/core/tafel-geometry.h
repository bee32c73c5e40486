/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TafelRect:
 * @x: the left edge
 * @y: the top edge
 * @width: the width, never negative
 * @height: the height, never negative
 *
 * A rectangle on the board, in board units.
 */
typedef struct
{
  double x, y, width, height;
} TafelRect;

G_END_DECLS
