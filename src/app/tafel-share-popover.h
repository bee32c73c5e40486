/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TAFEL_TYPE_SHARE_POPOVER (tafel_share_popover_get_type ())

G_DECLARE_FINAL_TYPE (TafelSharePopover, tafel_share_popover, TAFEL, SHARE_POPOVER, GtkPopover)

/**
 * TafelSharePopover:
 *
 * What the Share button shows: the board's invite link, a button that
 * copies it, the link as a QR code, and a word on what the link gives
 * away (the board's secret) and where people meet (the broker).
 *
 * Signals: ::copied: the link was put on the clipboard.
 */
GtkWidget  *tafel_share_popover_new      (void) G_GNUC_WARN_UNUSED_RESULT;
/* @broker: where peers meet, or %NULL when no broker is set. */
void        tafel_share_popover_set_link (TafelSharePopover *self,
                                          const char        *link,
                                          const char        *broker);
/* Puts the link on the clipboard, as the Copy button does. */
void        tafel_share_popover_copy     (TafelSharePopover *self);

G_END_DECLS
