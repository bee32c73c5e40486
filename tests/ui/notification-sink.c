/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <gio/gio.h>
#include <glib-unix.h>

/* A desktop notification server for the UI tests, on the test's own
 * session bus: owns org.freedesktop.Notifications and prints each
 * notification as "notify<TAB>SUMMARY<TAB>BODY" (and "close<TAB>ID"), one
 * line each. Prints "ready" once it owns the name; SIGTERM ends it. */

static const char introspection[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/><arg type='u' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "    <method name='GetServerInformation'>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static GMainLoop *loop;
static guint32 next_id = 1;

static void
on_method_call (GDBusConnection       *connection,
                const char            *sender,
                const char            *object_path,
                const char            *interface_name,
                const char            *method_name,
                GVariant              *parameters,
                GDBusMethodInvocation *invocation,
                gpointer               user_data)
{
  if (g_str_equal (method_name, "Notify"))
    {
      const char *summary, *body;
      guint32 replaces;

      g_variant_get_child (parameters, 1, "u", &replaces);
      g_variant_get_child (parameters, 3, "&s", &summary);
      g_variant_get_child (parameters, 4, "&s", &body);
      printf ("notify\t%s\t%s\n", summary, body);
      fflush (stdout);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", replaces != 0 ? replaces : next_id++));
    }
  else if (g_str_equal (method_name, "CloseNotification"))
    {
      guint32 id;

      g_variant_get (parameters, "(u)", &id);
      printf ("close\t%u\n", id);
      fflush (stdout);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    {
      const char *caps[] = { "body", "actions", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ssss)", "notification-sink", "Tafel tests",
                                                                      "1", "1.2"));
}

static const GDBusInterfaceVTable vtable = { on_method_call, NULL, NULL, { 0 } };

static void
on_bus_acquired (GDBusConnection *connection,
                 const char      *name,
                 gpointer         user_data)
{
  GDBusNodeInfo *info = user_data;
  g_autoptr(GError) error = NULL;

  if (g_dbus_connection_register_object (connection, "/org/freedesktop/Notifications", info->interfaces[0],
                                         &vtable, NULL, NULL, &error) == 0)
    {
      fprintf (stderr, "notification-sink: %s\n", error->message);
      g_main_loop_quit (loop);
    }
}

static void
on_name_acquired (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  printf ("ready\n");
  fflush (stdout);
}

static void
on_name_lost (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  fprintf (stderr, "notification-sink: could not own %s\n", name);
  g_main_loop_quit (loop);
}

static gboolean
on_quit (gpointer data)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  GDBusNodeInfo *info = g_dbus_node_info_new_for_xml (introspection, &error);
  guint owner;

  if (info == NULL)
    {
      fprintf (stderr, "notification-sink: %s\n", error->message);
      return 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
  owner = g_bus_own_name (G_BUS_TYPE_SESSION, "org.freedesktop.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                          on_bus_acquired, on_name_acquired, on_name_lost, info, NULL);
  g_unix_signal_add (SIGTERM, on_quit, NULL);
  g_unix_signal_add (SIGINT, on_quit, NULL);
  g_main_loop_run (loop);

  g_bus_unown_name (owner);
  g_main_loop_unref (loop);
  g_dbus_node_info_unref (info);
  return 0;
}
