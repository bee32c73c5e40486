/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tafel-session-bus.h"

/* GApplication connects to the session bus before a window can show, and
 * waits for it without end: a bus that accepts the connection and never
 * answers (a stopped dbus-daemon, a stale socket that something still
 * listens on) left Tafel with no window and no word. So Tafel asks first,
 * with a deadline, on a connection of its own. */

typedef struct
{
  GDBusConnection *connection;
  GError          *error;
  gboolean         done;
} Probe;

static void
probe_clear (Probe *probe)
{
  if (probe->connection != NULL)
    g_dbus_connection_close_sync (probe->connection, NULL, NULL);
  g_clear_object (&probe->connection);
  g_clear_error (&probe->error);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Probe *probe = user_data;

  probe->connection = g_dbus_connection_new_for_address_finish (result, &probe->error);
  probe->done = TRUE;
  g_rc_box_release_full (probe, (GDestroyNotify) probe_clear);
}

static gboolean
on_deadline (gpointer user_data)
{
  gboolean *passed = user_data;

  *passed = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs @context until @probe is done or @timeout_ms have passed. */
static gboolean
wait_for_probe (GMainContext *context,
                Probe        *probe,
                guint         timeout_ms)
{
  g_autoptr(GSource) deadline = g_timeout_source_new (timeout_ms);
  gboolean passed = FALSE;

  g_source_set_callback (deadline, on_deadline, &passed, NULL);
  g_source_attach (deadline, context);
  while (!probe->done && !passed)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (deadline);
  return probe->done;
}

/**
 * tafel_session_bus_check:
 * @timeout_ms: how long to wait for the bus
 * @error: return location for a #GError
 *
 * Connects to the session bus on a private connection, as GApplication
 * would, and waits at most @timeout_ms for the bus to welcome it.
 *
 * Returns: %TRUE when the session bus answered; else %FALSE with @error
 *   saying why (no address, no bus there, or no answer in time:
 *   %G_IO_ERROR_TIMED_OUT)
 */
gboolean
tafel_session_bus_check (guint    timeout_ms,
                         GError **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *address = NULL;
  Probe *probe;
  gboolean answered, ok;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, error);
  if (address == NULL)
    return FALSE;

  /* One reference for this function, one for the callback, which may come
   * after this function gave up. */
  probe = g_rc_box_new0 (Probe);
  g_main_context_push_thread_default (context);
  g_dbus_connection_new_for_address (address,
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                     G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                     NULL, cancellable, on_connected, g_rc_box_acquire (probe));
  answered = wait_for_probe (context, probe, timeout_ms);
  if (!answered)
    {
      /* Let the attempt go; cancelled, it ends at once. */
      g_cancellable_cancel (cancellable);
      wait_for_probe (context, probe, 1000);
    }
  g_main_context_pop_thread_default (context);

  ok = answered && probe->connection != NULL;
  if (!answered)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                 _("the session bus at “%s” did not answer within %g s"), address, timeout_ms / 1000.0);
  else if (!ok)
    g_propagate_error (error, g_steal_pointer (&probe->error));
  g_rc_box_release_full (probe, (GDestroyNotify) probe_clear);
  return ok;
}
