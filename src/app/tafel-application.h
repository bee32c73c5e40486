/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TAFEL_TYPE_APPLICATION (tafel_application_get_type ())

G_DECLARE_FINAL_TYPE (TafelApplication, tafel_application, TAFEL, APPLICATION, AdwApplication)

/* The application: it keeps the list of boards here and your identity,
 * makes the windows and wires them up, and remembers which boards are
 * open. The windows, pages and dialogs below it know nothing of it: they
 * talk to it through app.* actions and the signals and properties it
 * watches. */
TafelApplication *tafel_application_new (void) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
