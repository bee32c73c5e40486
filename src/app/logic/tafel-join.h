/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tafel-board.h"
#include "tafel-invite.h"

G_BEGIN_DECLS

/* An invite link as a person pastes it: blanks around it (a line break
 * copied along from a chat) do not count. Fails with the parser's error,
 * or with TAFEL_INVITE_ERROR_NOT_A_LINK when there is no text at all. */
TafelInvite *tafel_join_parse_link    (const char          *text,
                                       GError             **error) G_GNUC_WARN_UNUSED_RESULT;

/* The broker URLs of @first, then those of @then, each once, leaving out
 * any that is not a usable broker URL, at most TAFEL_INVITE_MAX_BROKERS:
 * rendezvous hints to keep with a board or to put in a link. Either list
 * may be %NULL. (transfer full) */
char       **tafel_join_merge_brokers (const char * const  *first,
                                       const char * const  *then) G_GNUC_WARN_UNUSED_RESULT;

/* Keeps @brokers (an invite link's) with @board as its rendezvous hints,
 * ahead of those it had; stores nothing when that changes nothing. FALSE
 * with @error when the board's metadata could not be written. */
gboolean     tafel_join_keep_brokers  (TafelBoard          *board,
                                       const char * const  *brokers,
                                       GError             **error);

G_END_DECLS
