/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tafel-board.h"
#include "tafel-board-model.h"
#include "tafel-people.h"

G_BEGIN_DECLS

#define TAFEL_TYPE_CHAT_PANEL (tafel_chat_panel_get_type ())

G_DECLARE_FINAL_TYPE (TafelChatPanel, tafel_chat_panel, TAFEL, CHAT_PANEL, GtkWidget)

/**
 * TafelChatPanel:
 *
 * The board's chat beside it: the messages in the model's order (a late
 * one lands where it belongs), each with its author's name and colour,
 * wrapped and selectable; an entry that sends a message as a chat record
 * on Enter.
 *
 * Signals: ::error (const GError *): a message could not be stored.
 */
GtkWidget *tafel_chat_panel_new         (void) G_GNUC_WARN_UNUSED_RESULT;
/* All three, or all %NULL. */
void       tafel_chat_panel_set_board   (TafelChatPanel  *self,
                                         TafelBoard      *board,
                                         TafelBoardModel *model,
                                         TafelPeople     *people);
void       tafel_chat_panel_focus_entry (TafelChatPanel  *self);
/* Sends what the entry holds; FALSE (and nothing sent) when it is blank
 * or too long. */
gboolean   tafel_chat_panel_send        (TafelChatPanel  *self);

G_END_DECLS
