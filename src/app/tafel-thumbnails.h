/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tafel-board.h"
#include "tafel-board-list.h"

G_BEGIN_DECLS

/* Small pictures of boards for the start page, rendered by the core
 * renderer off the main thread and kept in $XDG_CACHE_HOME/tafel/thumbnails
 * until the board changes. */

#define TAFEL_THUMBNAIL_WIDTH  480
#define TAFEL_THUMBNAIL_HEIGHT 300

/* Renders @log as it is now and stores it as the thumbnail of board
 * @id_hex, in the background; @application stays alive until it is done. */
void        tafel_thumbnail_save_async  (GApplication        *application,
                                         TafelLog            *log,
                                         const char          *id_hex);
/* The board's picture, rendered if the stored one is missing or older than
 * the board: from @open_log when the board is open in this process, else
 * by reading it from @data_dir (without its lock). A load that comes while
 * the board's picture is being saved waits for the save. The result is
 * %NULL (without error) for a board that shows nothing. */
void        tafel_thumbnail_load_async  (const char          *data_dir,
                                         TafelBoardInfo      *info,
                                         TafelLog            *open_log,
                                         gboolean             dark,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* Removes the stored picture of a deleted board. */
void        tafel_thumbnail_forget      (const char          *id_hex);
GdkTexture *tafel_thumbnail_load_finish (GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
