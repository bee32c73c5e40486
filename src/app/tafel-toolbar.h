/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TAFEL_TYPE_TOOLBAR (tafel_toolbar_get_type ())

G_DECLARE_FINAL_TYPE (TafelToolbar, tafel_toolbar, TAFEL, TOOLBAR, GtkBox)

/* The floating tool bar: tools (the window's "win.tool" action), the ink
 * colour and the width of the current tool, all kept in GSettings. */
GtkWidget *tafel_toolbar_new (void) G_GNUC_WARN_UNUSED_RESULT;
/* With the selection tool and @has_selection, the colour and width (the
 * text size, when @only_texts) apply to the selection ("win.selection-color",
 * "win.selection-width"). */
void       tafel_toolbar_set_selection (TafelToolbar *self,
                                        gboolean      has_selection,
                                        gboolean      only_texts);

G_END_DECLS
