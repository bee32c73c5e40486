/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tafel-board-model.h"

G_BEGIN_DECLS

/* Between the model, its chat list, the renderer and the history; not for
 * the app. */

/* Takes @text. */
TafelChatMessage *_tafel_chat_message_new          (const TafelHash      *id,
                                                    const TafelPublicKey *author,
                                                    guint64               lamport,
                                                    guint64               seq,
                                                    char                 *text) G_GNUC_WARN_UNUSED_RESULT;
/* (lamport, author, seq) */
int               _tafel_chat_message_compare      (TafelChatMessage  *a,
                                                    TafelChatMessage  *b);

gboolean          _tafel_object_is_highlighter     (const TafelObject *object);
/* The stored body of the object's record: borrowed from the log's storage,
 * valid while the model lives (peek), or holding that storage alive on any
 * thread (dup). */
GBytes           *_tafel_object_peek_body          (const TafelObject *object) G_GNUC_WARN_UNUSED_RESULT;
GBytes           *_tafel_object_dup_body           (const TafelObject *object) G_GNUC_WARN_UNUSED_RESULT;
/* As peek, without making a GBytes: FALSE when the log has no body. */
gboolean          _tafel_object_peek_body_data     (const TafelObject *object,
                                                    const guint8     **data,
                                                    gsize             *len);

/* Whether @object was visible considering only the erase, restore and clear
 * records that order before @op. */
gboolean          _tafel_board_model_visible_before   (TafelBoardModel   *self,
                                                       const TafelObject *object,
                                                       TafelRecord       *op);
/* The transform @object had considering only transform records before @op. */
void              _tafel_board_model_transform_before (TafelBoardModel   *self,
                                                       const TafelObject *object,
                                                       TafelRecord       *op,
                                                       TafelTransform    *transform);
/* (element-type TafelObject) the objects a clear record targets that the
 * model knows, in no particular order. */
GPtrArray        *_tafel_board_model_dup_cleared      (TafelBoardModel   *self,
                                                       TafelRecord       *clear) G_GNUC_WARN_UNUSED_RESULT;

/* For benchmarks: the model's spatial index. */
struct _TafelSpatialIndex *_tafel_board_model_get_index (TafelBoardModel *self);

G_END_DECLS
