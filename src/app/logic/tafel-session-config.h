/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tafel-session.h"

G_BEGIN_DECLS

/* The environment variable that restricts the addresses links use for
 * their host candidates: a list of IP addresses separated by commas or
 * blanks. A knob for development and tests, so that two Tafels on one
 * machine talk over loopback only; people never need it. */
#define TAFEL_LOCAL_ADDRESSES_ENV "TAFEL_LOCAL_ADDRESSES"

/**
 * TafelSessionConfig:
 *
 * How a board window goes online, from the settings (schema
 * io.github.tafel.Tafel: broker-url and its credentials, lan-discovery,
 * stun-server, turn-server and its credentials), the board's own
 * rendezvous hints and %TAFEL_LOCAL_ADDRESSES_ENV. Empty strings are
 * %NULL here. A plain value.
 */
typedef struct
{
  char     *broker_url;       /* the board's first usable hint, else the setting */
  char     *broker_username;
  char     *broker_password;
  gboolean  lan;
  char     *stun;
  char     *turn;
  char     *turn_username;
  char     *turn_password;
  char    **local_addresses;  /* %NULL: every interface */
} TafelSessionConfig;

TafelSessionConfig *tafel_session_config_new         (GSettings                *settings,
                                                      const char * const       *hints) G_GNUC_WARN_UNUSED_RESULT;
/* Fills @options with pointers into @config (valid while it lives). */
void                tafel_session_config_get_options (const TafelSessionConfig *config,
                                                      TafelSessionOptions      *options);
/* Whether a session made from @a would be made the same from @b. */
gboolean            tafel_session_config_equal       (const TafelSessionConfig *a,
                                                      const TafelSessionConfig *b);
void                tafel_session_config_free        (TafelSessionConfig       *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelSessionConfig, tafel_session_config_free)

G_END_DECLS
