/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tafel-board-list.h"
#include "tafel-board.h"

G_BEGIN_DECLS

#define TAFEL_TYPE_START_PAGE (tafel_start_page_get_type ())

G_DECLARE_FINAL_TYPE (TafelStartPage, tafel_start_page, TAFEL, START_PAGE, GtkWidget)

/* Starts loading the picture of @info for the start page, finished with
 * tafel_thumbnail_load_finish(); FALSE when none can be loaded. */
typedef gboolean (*TafelThumbnailLoader) (TafelBoardInfo      *info,
                                          gboolean             dark,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             callback_data,
                                          gpointer             user_data);

/* What a window shows when it has no board: the recent boards with their
 * pictures, New Board, Join and Open File. It shows the boards it is given
 * (a tafel_board_list_new(), reloaded whenever the page is shown again) and
 * loads their pictures with @loader (@user_data must outlive the
 * page); choosing a board emits ::board-activated (const char *id_hex),
 * confirming that one is to be deleted ::delete-requested (id_hex). */
void tafel_start_page_set_boards (TafelStartPage       *self,
                                  GListModel           *boards,
                                  TafelThumbnailLoader  loader,
                                  gpointer              user_data);

G_END_DECLS
