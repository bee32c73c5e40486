/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tafel-board-model.h"

G_BEGIN_DECLS

#define TAFEL_TYPE_CHAT_TRACKER (tafel_chat_tracker_get_type ())

G_DECLARE_FINAL_TYPE (TafelChatTracker, tafel_chat_tracker, TAFEL, CHAT_TRACKER, GObject)

/**
 * TafelChatTracker:
 *
 * Follows a board's chat (the model's list of #TafelChatMessage) for one
 * person: counts the messages from others that arrive while they are not
 * reading (the chat panel is closed), and reports each batch of new
 * messages from others, for a notification. Messages there already when
 * the tracker was made, and your own, never count.
 *
 * Properties: ::unread (guint, notify).
 * Signals: ::arrived (GPtrArray *messages): new messages from others, in
 *   chat order.
 */
TafelChatTracker *tafel_chat_tracker_new         (GListModel           *chat,
                                                  const TafelPublicKey *me) G_GNUC_WARN_UNUSED_RESULT;

/* While reading, nothing is unread; starting to read clears the count. */
void              tafel_chat_tracker_set_reading (TafelChatTracker     *self,
                                                  gboolean              reading);
gboolean          tafel_chat_tracker_get_reading (TafelChatTracker     *self);
guint             tafel_chat_tracker_get_unread  (TafelChatTracker     *self);

G_END_DECLS
