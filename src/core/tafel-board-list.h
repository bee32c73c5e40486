/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The boards in a data folder, as the start page and `tafel-cli list`
 * show them: read from each board's metadata, without opening a log. */

#define TAFEL_TYPE_BOARD_INFO (tafel_board_info_get_type ())

G_DECLARE_FINAL_TYPE (TafelBoardInfo, tafel_board_info, TAFEL, BOARD_INFO, GObject)

const char *tafel_board_info_get_id_hex      (TafelBoardInfo *self);
const char *tafel_board_info_get_title       (TafelBoardInfo *self);
GDateTime  *tafel_board_info_get_last_opened (TafelBoardInfo *self);
const char *tafel_board_info_get_path        (TafelBoardInfo *self);

#define TAFEL_TYPE_BOARD_LIST (tafel_board_list_get_type ())

G_DECLARE_FINAL_TYPE (TafelBoardList, tafel_board_list, TAFEL, BOARD_LIST, GObject)

/* (element-type TafelBoardInfo) the boards in @data_dir, most recently
 * opened first; reload() re-reads the folder. */
GListModel *tafel_board_list_new    (const char  *data_dir) G_GNUC_WARN_UNUSED_RESULT;
void        tafel_board_list_reload (GListModel  *list);
/* Board folders whose metadata is there but cannot be read: not items,
 * but named with the reason, so that nobody is left wondering. */
guint       tafel_board_list_get_n_unreadable (GListModel    *list);
const char *tafel_board_list_get_unreadable   (GListModel    *list,
                                               guint          i,
                                               const GError **error);

G_END_DECLS
