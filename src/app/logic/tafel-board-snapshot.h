/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "tafel-board-model.h"
#include "tafel-log.h"

G_BEGIN_DECLS

/*
 * A board at one moment, for work off the main thread (export, thumbnails)
 * while the board itself goes on changing: its records are immutable and
 * shared, so taking them is cheap; a worker rebuilds a log and a model of
 * its own from them.
 */
typedef struct _TafelBoardSnapshot TafelBoardSnapshot;

/* On the main thread: the records of @log, per author in runs. */
TafelBoardSnapshot *tafel_board_snapshot_new     (TafelLog           *log) G_GNUC_WARN_UNUSED_RESULT;
void                tafel_board_snapshot_free    (TafelBoardSnapshot *snapshot);
/* In any thread: a model of the snapshot's records, owned by the caller
 * and only to be used in that thread. */
TafelBoardModel    *tafel_board_snapshot_build   (TafelBoardSnapshot *snapshot,
                                                  GError            **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelBoardSnapshot, tafel_board_snapshot_free)

/* A picture of the whole board in at most @max_width × @max_height
 * pixels (transparent paper; %NULL when the board shows nothing). */
cairo_surface_t    *tafel_board_render_thumbnail (TafelBoardModel    *model,
                                                  int                 max_width,
                                                  int                 max_height) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
