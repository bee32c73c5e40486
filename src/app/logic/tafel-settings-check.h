/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TAFEL_SETTINGS_ERROR (tafel_settings_error_quark ())

typedef enum
{
  TAFEL_SETTINGS_ERROR_INVALID,
} TafelSettingsError;

GQuark   tafel_settings_error_quark     (void);

/* Checks of the values the preferences window stores, so that the network
 * code later never meets a malformed one. An empty value is always valid
 * (it means "none" or "automatic"). Errors say what is wrong, for a person. */
gboolean tafel_settings_check_display_name (const char *name,
                                            GError    **error);
/* mqtt://host[:port] or mqtts://host[:port]. */
gboolean tafel_settings_check_broker_url   (const char *url,
                                            GError    **error);
/* host[:port], IPv6 addresses in brackets. */
gboolean tafel_settings_check_stun_server  (const char *server,
                                            GError    **error);
/* turn:host[:port] or turns:host[:port], optionally ?transport=udp|tcp. */
gboolean tafel_settings_check_turn_server  (const char *server,
                                            GError    **error);

G_END_DECLS
