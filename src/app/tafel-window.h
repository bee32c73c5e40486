/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tafel-board.h"
#include "tafel-start-page.h"

G_BEGIN_DECLS

#define TAFEL_TYPE_WINDOW (tafel_window_get_type ())

G_DECLARE_FINAL_TYPE (TafelWindow, tafel_window, TAFEL, WINDOW, AdwApplicationWindow)

/* A window shows one board, or the start page when it has none. Its
 * "board" property changes when a board is shown or closed in it (not when
 * the window itself closes). */
TafelWindow    *tafel_window_new            (GtkApplication   *application) G_GNUC_WARN_UNUSED_RESULT;

TafelBoard     *tafel_window_get_board      (TafelWindow      *self);
void            tafel_window_set_board      (TafelWindow      *self,
                                             TafelBoard       *board);
/* Lets go of the board without keeping its picture (it is being deleted). */
void            tafel_window_discard_board  (TafelWindow      *self);
TafelStartPage *tafel_window_get_start_page (TafelWindow      *self);
/* Adds the records of @log that the board lacks (a .tafel file of this
 * board opened again). */
gboolean        tafel_window_merge_log      (TafelWindow      *self,
                                             TafelLog         *log,
                                             GError          **error);
/* Keeps @brokers (an invite link's, opened again) with the board as its
 * rendezvous hints and goes online again if that changes how. */
void            tafel_window_add_brokers    (TafelWindow        *self,
                                             const char * const *brokers);
/* A toast for an error, with its full reason behind a Details button. */
void            tafel_window_show_error     (TafelWindow      *self,
                                             const char       *title,
                                             const char       *details);

G_END_DECLS
