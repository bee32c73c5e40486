/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *tafel_net_describe_versions (void) G_GNUC_WARN_UNUSED_RESULT;
gboolean  tafel_net_is_closing        (void);
void      tafel_net_finish_closing    (guint timeout_ms);

G_END_DECLS
