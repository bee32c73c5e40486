/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tafel-crypto.h"

G_BEGIN_DECLS

#define TAFEL_TYPE_CHAT_MESSAGE (tafel_chat_message_get_type ())

G_DECLARE_FINAL_TYPE (TafelChatMessage, tafel_chat_message, TAFEL, CHAT_MESSAGE, GObject)

const TafelHash      *tafel_chat_message_get_id      (TafelChatMessage *self);
const TafelPublicKey *tafel_chat_message_get_author  (TafelChatMessage *self);
guint64               tafel_chat_message_get_lamport (TafelChatMessage *self);
const char           *tafel_chat_message_get_text    (TafelChatMessage *self);

G_END_DECLS
