/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean     tafel_core_init          (GError    **error);

const char  *tafel_locale_dir         (void);
char        *tafel_locale_dir_for     (const char *executable,
                                       const char *build_root,
                                       const char *installed) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
