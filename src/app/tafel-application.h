/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tafel-board.h"

G_BEGIN_DECLS

#define TAFEL_TYPE_APPLICATION (tafel_application_get_type ())

G_DECLARE_FINAL_TYPE (TafelApplication, tafel_application, TAFEL, APPLICATION, AdwApplication)

TafelApplication *tafel_application_new            (void) G_GNUC_WARN_UNUSED_RESULT;

const char       *tafel_application_get_data_dir   (TafelApplication *self);
/* This device's identity; %NULL with @error when it cannot be loaded. */
TafelIdentity    *tafel_application_get_identity   (TafelApplication *self,
                                                    GError          **error);
/* (element-type TafelBoardInfo) the boards here, most recently opened first. */
GListModel       *tafel_application_get_boards     (TafelApplication *self);
void              tafel_application_reload_boards  (TafelApplication *self);

/* The window showing board @id_hex, if any. (transfer none) */
GtkWindow        *tafel_application_find_board_window (TafelApplication *self,
                                                       const char       *id_hex);
/* Each of these shows the board in @reuse when given (a window showing
 * the start page), in its own window otherwise, or presents the window
 * that already has it. Errors are shown to the person as toasts. */
void              tafel_application_open_board     (TafelApplication *self,
                                                    const char       *id_hex,
                                                    GtkWindow        *reuse);
void              tafel_application_new_board      (TafelApplication *self,
                                                    GtkWindow        *reuse);
void              tafel_application_open_file      (TafelApplication *self,
                                                    GFile            *file,
                                                    GtkWindow        *reuse);
/* Joins the board an invite link names: presents its window when it is
 * open, opens it when it is known here, makes an empty local copy
 * otherwise (it fills up from the others once online). The link's brokers
 * are kept with the board as rendezvous hints. A bad link is shown as a
 * toast that says what is wrong with it. */
void              tafel_application_join_link      (TafelApplication *self,
                                                    const char       *link,
                                                    GtkWindow        *reuse);
/* Deletes a board (closing its window first). */
gboolean          tafel_application_delete_board   (TafelApplication *self,
                                                    const char       *id_hex,
                                                    GError          **error);
/* Remembers which boards are open, for the next start. */
void              tafel_application_save_open_boards (TafelApplication *self);

G_END_DECLS
