/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tafel-board-model.h"
#include "tafel-render.h"

G_BEGIN_DECLS

/* Tiles are this many device pixels square. */
#define TAFEL_TILE_SIZE 256

typedef gboolean (*TafelTileFilter) (const TafelObject *object,
                                     gpointer           user_data);

#define TAFEL_TYPE_TILE_CACHE (tafel_tile_cache_get_type ())

G_DECLARE_FINAL_TYPE (TafelTileCache, tafel_tile_cache, TAFEL, TILE_CACHE, GObject)

/**
 * TafelTileCache:
 *
 * The committed board, rendered by the core renderer into square tiles per
 * zoom level and kept as textures. Tiles are rendered on worker threads
 * (at a lower priority than the main thread) from the immutable records;
 * the model is only read on the main thread, when a tile is asked for,
 * which happens after the frame that wanted it, in an idle that takes at
 * most a few milliseconds at a time. So the main loop never waits for a
 * large board; until a tile is ready the canvas shows the same area from
 * another zoom level, or the tile's previous contents.
 *
 * Changes (the model's ::objects-changed, and tafel_tile_cache_invalidate())
 * mark the tiles they touch as stale; they are rendered again in the
 * background, and the stale texture is shown until then.
 *
 * Signals: ::updated: a tile arrived; redraw.
 */
TafelTileCache *tafel_tile_cache_new         (TafelBoardModel  *model) G_GNUC_WARN_UNUSED_RESULT;

/* Objects for which @filter returns TRUE are left out of new tiles (being
 * erased or moved: the canvas draws them itself). */
void            tafel_tile_cache_set_filter  (TafelTileCache   *self,
                                              TafelTileFilter   filter,
                                              gpointer          user_data);
/* Dark paper: ink is mapped with tafel_color_for_dark_paper(). */
void            tafel_tile_cache_set_dark    (TafelTileCache   *self,
                                              gboolean          dark);
/* Marks the tiles over @rect (board units; %NULL: all) stale. */
void            tafel_tile_cache_invalidate  (TafelTileCache   *self,
                                              const TafelRect  *rect);

/* Draws the board as the cache has it for @view over @width × @height
 * widget pixels at @scale_factor device pixels per widget pixel, and asks
 * for the tiles it lacks (once the main loop is idle). */
void            tafel_tile_cache_snapshot    (TafelTileCache   *self,
                                              GtkSnapshot      *snapshot,
                                              const TafelView  *view,
                                              double            width,
                                              double            height,
                                              int               scale_factor);
/* Whether every tile over @rect (board units) at @view's zoom is present
 * and up to date. */
gboolean        tafel_tile_cache_is_current  (TafelTileCache   *self,
                                              const TafelView  *view,
                                              int               scale_factor,
                                              const TafelRect  *rect);
/* Tiles asked for and not yet rendered. */
guint           tafel_tile_cache_get_n_pending (TafelTileCache *self);
/* Forget every tile (memory pressure, tests). */
void            tafel_tile_cache_clear       (TafelTileCache   *self);

G_END_DECLS
