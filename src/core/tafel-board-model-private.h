/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tafel-board-model.h"

G_BEGIN_DECLS

/* Between the model, its chat list, the renderer and the history; not for
 * the app. */

TafelChatMessage *_tafel_chat_message_new          (TafelRecord       *record,
                                                    char              *text) G_GNUC_WARN_UNUSED_RESULT;
TafelRecord      *_tafel_chat_message_get_record   (TafelChatMessage  *self);

gboolean          _tafel_object_is_highlighter     (const TafelObject *object);

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

G_END_DECLS
