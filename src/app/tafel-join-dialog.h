/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TAFEL_TYPE_JOIN_DIALOG (tafel_join_dialog_get_type ())

G_DECLARE_FINAL_TYPE (TafelJoinDialog, tafel_join_dialog, TAFEL, JOIN_DIALOG, AdwMessageDialog)

/* Asks for an invite link, saying as it is typed or pasted what is wrong
 * with it, and joins the board it names by activating app.join-link (the
 * application shows it in @parent, the active window, when that shows the
 * start page). A link on the clipboard is filled in. */
GtkWidget *tafel_join_dialog_new (GtkWindow *parent) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
