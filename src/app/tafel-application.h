/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TAFEL_TYPE_APPLICATION (tafel_application_get_type ())

G_DECLARE_FINAL_TYPE (TafelApplication, tafel_application, TAFEL, APPLICATION, AdwApplication)

TafelApplication *tafel_application_new (void) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
