/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tafel-chat-message.h"

G_BEGIN_DECLS

#define TAFEL_TYPE_CHAT_LIST (tafel_chat_list_get_type ())

G_DECLARE_FINAL_TYPE (TafelChatList, tafel_chat_list, TAFEL, CHAT_LIST, GObject)

/* The board model's chat: a GListModel of TafelChatMessage ordered by
 * their records' (lamport, author, seq). Internal to the core. */
TafelChatList *tafel_chat_list_new    (void) G_GNUC_WARN_UNUSED_RESULT;
/* Adds @messages (element-type TafelChatMessage, any order) each at its
 * place, with as few ::items-changed as keep every change exact. */
void           tafel_chat_list_insert (TafelChatList *self,
                                       GPtrArray     *messages);

/* Removes the messages of @author from seq @from_seq on (records the log
 * dropped again). */
void           tafel_chat_list_remove_tail (TafelChatList        *self,
                                            const TafelPublicKey *author,
                                            guint64               from_seq);

G_END_DECLS
