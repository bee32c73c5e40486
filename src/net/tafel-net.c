/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <mosquitto.h>
#include <sodium.h>

#include "tafel-net.h"

/**
 * tafel_net_describe_versions:
 *
 * Describes the versions of the network libraries this build runs with, for
 * `tafel-cli --version` and bug reports.
 *
 * Returns: (transfer full): a one-line description
 */
char *
tafel_net_describe_versions (void)
{
  int major = 0, minor = 0, revision = 0;

  mosquitto_lib_version (&major, &minor, &revision);

  return g_strdup_printf ("libsodium %s, libmosquitto %d.%d.%d, libnice " NICE_VERSION,
                          sodium_version_string (), major, minor, revision);
}
