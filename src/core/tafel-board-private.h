/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Internal to the core: what the board and the .tafel file share. */

#include "tafel-board-meta-private.h"
#include "tafel-board.h"

G_BEGIN_DECLS

/* Creates a board from @meta with the given records (verified already),
 * in a new folder. Used by join and by opening a .tafel file. */
TafelBoard *tafel_board_create_from    (const char      *data_dir,
                                        TafelIdentity   *identity,
                                        const TafelBoardMeta *meta,
                                        TafelLog        *records,
                                        GError         **error) G_GNUC_WARN_UNUSED_RESULT;
/* Integrates everything @records has that the board lacks and stores it
 * (one write); refuses, changing nothing, if any author's records differ
 * from the board's at a common seq. */
gboolean    tafel_board_merge_log      (TafelBoard      *self,
                                        TafelLog        *records,
                                        GError         **error);

/* The bytes of a .tafel file holding @meta and @log's records. */
GBytes     *tafel_board_file_serialize (const TafelBoardMeta *meta,
                                        TafelLog        *log) G_GNUC_WARN_UNUSED_RESULT;
/* Parses and verifies the bytes of a .tafel file; @name is for messages. */
TafelLog   *tafel_board_file_parse     (const guint8    *data,
                                        gsize            len,
                                        const char      *name,
                                        TafelBoardMeta  *meta,
                                        GError         **error) G_GNUC_WARN_UNUSED_RESULT;
/* Reads and verifies a .tafel file (see tafel-board-file.c). */
TafelLog   *tafel_board_file_read      (GFile           *file,
                                        TafelBoardMeta  *meta,
                                        GError         **error) G_GNUC_WARN_UNUSED_RESULT;

/* Between tafel-board.c and tafel-board-identity.c. */
const char *_tafel_board_get_data_dir           (TafelBoard           *self);
/* @identity signs from now on; the one before joins the former ones. */
void        _tafel_board_swap_identity          (TafelBoard           *self,
                                                 TafelIdentity        *identity);
void        _tafel_board_forget_former_identity (TafelBoard           *self,
                                                 TafelIdentity        *former);
gboolean    _tafel_board_drop_tail              (TafelBoard           *self,
                                                 const TafelPublicKey *author,
                                                 guint64               from_seq,
                                                 const TafelSignature *head_signature,
                                                 GError              **error);

G_END_DECLS
