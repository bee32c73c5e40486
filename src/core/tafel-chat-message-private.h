/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tafel-chat-message.h"

G_BEGIN_DECLS

/* Between the model and its chat list; not for the app. */

/* Takes @text. */
TafelChatMessage *_tafel_chat_message_new          (const TafelHash      *id,
                                                    const TafelPublicKey *author,
                                                    guint64               lamport,
                                                    guint64               seq,
                                                    char                 *text) G_GNUC_WARN_UNUSED_RESULT;
guint64           _tafel_chat_message_get_seq      (TafelChatMessage  *self);
/* (lamport, author, seq) */
int               _tafel_chat_message_compare      (TafelChatMessage  *a,
                                                    TafelChatMessage  *b);

G_END_DECLS
