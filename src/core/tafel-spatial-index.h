/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tafel-board-model.h"

G_BEGIN_DECLS

/**
 * TafelSpatialIndex:
 *
 * Which entries' bounds intersect a rectangle. Entries are 32-bit ids with
 * an axis-aligned box each; the index neither owns nor interprets the ids.
 *
 * A hierarchical loose grid: an entry lives in exactly one cell, on the
 * level whose cell size is the smallest one at least as large as the entry,
 * in the cell holding the entry's top-left corner. A query visits on each
 * level the cells that can hold an intersecting entry, or, when that range
 * is larger than the level, the level's occupied cells; so its cost grows
 * with the answer and the area asked for, never with the whole board.
 * Entries too large or too far out for the grid sit in one list that every
 * query checks.
 *
 * Boxes are kept as floats rounded outwards, so a query may also report an
 * entry that misses the rectangle by a float rounding step, never miss one.
 * Intersection is closed: touching edges intersect.
 */
typedef struct _TafelSpatialIndex TafelSpatialIndex;

TafelSpatialIndex *tafel_spatial_index_new      (void) G_GNUC_WARN_UNUSED_RESULT;
void               tafel_spatial_index_free     (TafelSpatialIndex *self);

/* @bounds must be the same box at remove() as at insert(); an id is at most
 * once in the index (the caller keeps track). */
void               tafel_spatial_index_insert   (TafelSpatialIndex *self,
                                                 guint32            id,
                                                 const TafelRect   *bounds);
gboolean           tafel_spatial_index_remove   (TafelSpatialIndex *self,
                                                 guint32            id,
                                                 const TafelRect   *bounds);
guint              tafel_spatial_index_get_size (TafelSpatialIndex *self);

/* Appends to @out (element-type guint32) the id of every entry whose box
 * intersects @rect, each once, in no particular order. */
void               tafel_spatial_index_query    (TafelSpatialIndex *self,
                                                 const TafelRect   *rect,
                                                 GArray            *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelSpatialIndex, tafel_spatial_index_free)

G_END_DECLS
