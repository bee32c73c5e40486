/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tafel-board-model.h"

G_BEGIN_DECLS

/**
 * TafelSpatialIndex:
 *
 * Which entries' boxes intersect a rectangle. Entries are 32-bit ids; the
 * caller keeps each entry's box (four floats: x0, y0, x1, y1, rounded
 * outwards) and hands the index a function to read it, so the index itself
 * stores 4 bytes an entry.
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
 * Intersection is closed: touching edges intersect.
 */
typedef struct _TafelSpatialIndex TafelSpatialIndex;

/* The box of entry @id: x0, y0, x1, y1. */
typedef const float *(*TafelSpatialBoxFunc) (guint32  id,
                                             gpointer user_data);

TafelSpatialIndex *tafel_spatial_index_new      (TafelSpatialBoxFunc  box_func,
                                                 gpointer             user_data) G_GNUC_WARN_UNUSED_RESULT;
void               tafel_spatial_index_free     (TafelSpatialIndex *self);

/* The entry's box must read the same through the box function from
 * insert() to remove(); to move an entry, remove it, change its box,
 * insert it. An id is at most once in the index (the caller keeps track). */
void               tafel_spatial_index_insert   (TafelSpatialIndex *self,
                                                 guint32            id);
gboolean           tafel_spatial_index_remove   (TafelSpatialIndex *self,
                                                 guint32            id);
guint              tafel_spatial_index_get_size (TafelSpatialIndex *self);
/* Bytes allocated for the index (for benchmarks); @n_cells: cells in use. */
gsize              tafel_spatial_index_get_memory (TafelSpatialIndex *self,
                                                   guint             *n_cells);

/* Appends to @out (element-type guint32) the id of every entry whose box
 * intersects @rect, each once, in no particular order. */
void               tafel_spatial_index_query    (TafelSpatialIndex *self,
                                                 const TafelRect   *rect,
                                                 GArray            *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelSpatialIndex, tafel_spatial_index_free)

G_END_DECLS
