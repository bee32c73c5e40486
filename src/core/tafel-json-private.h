/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

gboolean tafel_json_load (JsonParser  *parser,
                          const char  *data,
                          gsize        len,
                          GError     **error);

G_END_DECLS
