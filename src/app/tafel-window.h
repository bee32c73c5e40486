/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tafel-application.h"

G_BEGIN_DECLS

#define TAFEL_TYPE_WINDOW (tafel_window_get_type ())

G_DECLARE_FINAL_TYPE (TafelWindow, tafel_window, TAFEL, WINDOW, AdwApplicationWindow)

TafelWindow *tafel_window_new (TafelApplication *application) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
