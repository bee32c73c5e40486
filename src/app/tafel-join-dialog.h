/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tafel-application.h"

G_BEGIN_DECLS

/* Asks for an invite link, saying as it is typed or pasted what is wrong
 * with it, and joins the board it names (in @parent, when that shows the
 * start page). A link on the clipboard is filled in. */
GtkWidget *tafel_join_dialog_present (TafelApplication *application,
                                      GtkWindow        *parent);

G_END_DECLS
