/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <mosquitto.h>
#include <sodium.h>
#include <unistd.h>

#include "tafel-link.h"
#include "tafel-net.h"
#include "tafel-net-trace.h"

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

/**
 * tafel_net_trace_enabled:
 *
 * Returns: whether TAFEL_NET_TRACE was set (to anything but "0") when
 *   this was first asked
 */
gboolean
tafel_net_trace_enabled (void)
{
  static gsize state = 0;   /* 0 unknown, 1 off, 2 on */

  if (g_once_init_enter (&state))
    {
      const char *value = g_getenv ("TAFEL_NET_TRACE");

      g_once_init_leave (&state, value != NULL && *value != '\0' && g_strcmp0 (value, "0") != 0 ? 2 : 1);
    }
  return state == 2;
}

/**
 * tafel_net_trace_print:
 * @format: a printf() format for what happened
 * @...: its arguments
 *
 * Prints one trace line with the process id and the monotonic time in
 * milliseconds; use TAFEL_NET_TRACE(), which tests for
 * tafel_net_trace_enabled() first.
 */
void
tafel_net_trace_print (const char *format,
                       ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("tafel-trace %d %.3f %s\n", (int) getpid (), g_get_monotonic_time () / 1e3, what);
}

/**
 * tafel_net_is_closing:
 *
 * Whether links this process closed are still delivering their goodbye
 * or releasing their TURN relays.
 *
 * Returns: %TRUE while they are
 */
gboolean
tafel_net_is_closing (void)
{
  return tafel_link_saying_goodbye () || tafel_link_releasing_relays ();
}

static gboolean
closing_deadline_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * tafel_net_finish_closing:
 * @timeout_ms: the longest to wait
 *
 * Runs the default main context until the links this process closed have
 * said goodbye and released their relays (tafel_net_is_closing()), or
 * @timeout_ms passed. For a process about to exit: without it, its peers
 * learn that it left only by their dead-peer timeout, several seconds
 * later, and its relays stay allocated on the TURN server.
 */
void
tafel_net_finish_closing (guint timeout_ms)
{
  gboolean expired = FALSE;
  guint deadline;

  if (!tafel_net_is_closing ())
    return;

  deadline = g_timeout_add (timeout_ms, closing_deadline_cb, &expired);
  while (tafel_net_is_closing () && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (deadline);
}
