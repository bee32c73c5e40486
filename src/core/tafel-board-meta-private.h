/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Internal to the core: a board's metadata (tafel-board-meta.c), which the
 * board, the board list and the .tafel file read and write. */

#include <json-glib/json-glib.h>

#include "tafel-board.h"

G_BEGIN_DECLS

#define TAFEL_BOARD_META_VERSION 1

typedef struct
{
  guint8     id[TAFEL_BOARD_ID_BYTES];
  guint8     secret[TAFEL_BOARD_SECRET_BYTES];
  char      *title;
  char     **hints;        /* never NULL */
  GDateTime *created;      /* NULL in .tafel metadata */
  GDateTime *last_opened;  /* NULL in .tafel metadata */
} TafelBoardMeta;

void        tafel_board_meta_clear     (TafelBoardMeta  *meta);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TafelBoardMeta, tafel_board_meta_clear)
/* With @with_times, created and last-opened are written too. */
JsonNode   *tafel_board_meta_to_json   (const TafelBoardMeta *meta,
                                        gboolean         with_times);
/* @code is the error code for a bad document (CORRUPT for the data folder,
 * BAD_FILE for .tafel files). */
gboolean    tafel_board_meta_from_json (JsonNode        *node,
                                        gboolean         with_times,
                                        gint             code,
                                        TafelBoardMeta  *meta,
                                        GError         **error);
gboolean    tafel_board_meta_read      (const char      *path,
                                        TafelBoardMeta  *meta,
                                        GError         **error);
gboolean    tafel_board_meta_write     (const char      *path,
                                        const TafelBoardMeta *meta,
                                        GError         **error);
/* A rendezvous hint from anywhere (a link, a file, the metadata, a
 * person) is “lan” or a broker URL as tafel_broker_url_check() accepts
 * it. */
gboolean    tafel_board_check_hint     (const char      *hint,
                                        GError         **error);
gboolean    tafel_board_check_title    (const char      *title,
                                        GError         **error);

char       *tafel_board_id_to_hex      (const guint8    *id) G_GNUC_WARN_UNUSED_RESULT;
gboolean    tafel_board_id_from_hex    (const char      *hex,
                                        guint8          *id);
char       *tafel_board_dir            (const char      *data_dir,
                                        const char      *id_hex) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
