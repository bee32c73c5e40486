/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TAFEL_TYPE_PREFERENCES_WINDOW (tafel_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (TafelPreferencesWindow, tafel_preferences_window, TAFEL, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *tafel_preferences_window_new (GtkWindow *parent) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
