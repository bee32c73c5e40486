/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <sodium.h>

#include "tafel-core.h"

/**
 * tafel_core_init:
 * @error: return location for a #GError
 *
 * Prepares the core for use: initialises libsodium, which picks the fastest
 * implementation of each primitive for this CPU and seeds its random number
 * generator. Safe to call more than once.
 *
 * Returns: %TRUE on success
 */
gboolean
tafel_core_init (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "The cryptography library could not be initialised");
      return FALSE;
    }

  return TRUE;
}
