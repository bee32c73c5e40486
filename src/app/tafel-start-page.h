/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TAFEL_TYPE_START_PAGE (tafel_start_page_get_type ())

G_DECLARE_FINAL_TYPE (TafelStartPage, tafel_start_page, TAFEL, START_PAGE, GtkWidget)

/* What a window shows when it has no board: the recent boards with their
 * pictures, New Board and Open File. Boards are opened through the
 * application, in the window the page is in. */
void tafel_start_page_refresh (TafelStartPage *self);

G_END_DECLS
