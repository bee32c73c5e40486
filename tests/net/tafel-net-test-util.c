/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "tafel-net-test-util.h"
#include "tafel-test-util.h"

struct _TafelTestBroker
{
  TafelTestBrokerFlags flags;
  char    *dir;
  char    *config;
  char    *url;
  char    *ca_file;
  guint16  port;
  GPid     pid;
};

static gboolean
deadline_reached (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
tafel_test_wait_until (gboolean (*condition) (gpointer data),
                       gpointer   data,
                       guint      timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, deadline_reached, &timed_out);
  gboolean met;

  while (!(met = condition (data)) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);
  return met;
}

guint16
tafel_test_free_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
port_accepts (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  g_socket_client_set_timeout (client, 1);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  return connection != NULL;
}

static gboolean
run_shell (const char  *dir,
           const char  *script,
           GError     **error)
{
  const char *argv[] = { "/bin/sh", "-ec", script, NULL };
  g_autofree char *err = NULL;
  int status = 0;

  if (!g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err,
                     &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "%s: ", err);
      return FALSE;
    }
  return TRUE;
}

void
tafel_test_child_dies_with_parent (gpointer parent_pid)
{
  /* Async-signal-safe calls only: this runs between fork and exec. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* The test may have died before the line above took effect. */
  if (getppid () != GPOINTER_TO_INT (parent_pid))
    _exit (127);
}

static gboolean
spawn_broker (TafelTestBroker *broker)
{
  const char *argv[] = { "mosquitto", "-c", broker->config, NULL };
  g_autoptr(GError) error = NULL;
  gint64 deadline;

  if (!g_spawn_async (broker->dir, (char **) argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                      G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                      tafel_test_child_dies_with_parent, GINT_TO_POINTER (getpid ()), &broker->pid, &error))
    {
      g_printerr ("cannot start mosquitto: %s\n", error->message);
      return FALSE;
    }

  /* Ready when it accepts TCP connections; bounded. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!port_accepts (broker->port))
    {
      int status;

      if (waitpid (broker->pid, &status, WNOHANG) == broker->pid)
        {
          broker->pid = 0;
          return FALSE;
        }
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (20 * 1000);
    }

  return TRUE;
}

TafelTestBroker *
tafel_test_broker_start (TafelTestBrokerFlags   flags,
                         char                 **skip_reason)
{
  g_autofree char *mosquitto = g_find_program_in_path ("mosquitto");
  g_autoptr(TafelTestBroker) broker = NULL;
  g_autoptr(GString) config = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  const char *tmp = g_getenv ("TAFEL_TEST_TMPDIR");

  if (mosquitto == NULL)
    mosquitto = g_strdup (g_file_test ("/usr/sbin/mosquitto", G_FILE_TEST_IS_EXECUTABLE)
                          ? "/usr/sbin/mosquitto" : NULL);
  if (mosquitto == NULL)
    {
      *skip_reason = g_strdup ("mosquitto is not installed");
      return NULL;
    }

  broker = g_new0 (TafelTestBroker, 1);
  broker->flags = flags;
  broker->dir = g_build_filename (tmp != NULL ? tmp : g_get_tmp_dir (), "broker-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (broker->dir));
  broker->config = g_build_filename (broker->dir, "mosquitto.conf", NULL);

  if (flags & TAFEL_TEST_BROKER_PASSWORD)
    {
      if (!run_shell (broker->dir, "mosquitto_passwd -c -b passwd tafel chalk", &error))
        {
          *skip_reason = g_strdup_printf ("mosquitto_passwd failed: %s", error->message);
          return NULL;
        }
    }

  if (flags & TAFEL_TEST_BROKER_TLS)
    {
      static const char script[] =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
        "  -keyout ca.key -out ca.crt -days 2 -subj '/CN=Tafel Test CA' 2>/dev/null\n"
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
        "  -keyout server.key -out server.csr -subj '/CN=localhost' 2>/dev/null\n"
        "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext\n"
        "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
        "  -out server.crt -days 2 -extfile san.ext 2>/dev/null\n";
      g_autofree char *openssl = g_find_program_in_path ("openssl");

      if (openssl == NULL)
        {
          *skip_reason = g_strdup ("openssl is not installed");
          return NULL;
        }
      if (!run_shell (broker->dir, script, &error))
        {
          *skip_reason = g_strdup_printf ("making test certificates failed: %s", error->message);
          return NULL;
        }
      broker->ca_file = g_build_filename (broker->dir, "ca.crt", NULL);
    }

  broker->port = tafel_test_free_port ();
  g_string_append_printf (config, "listener %u 127.0.0.1\n", broker->port);
  g_string_append (config, "persistence false\nuser root\n");
  if (flags & TAFEL_TEST_BROKER_PASSWORD)
    g_string_append (config, "allow_anonymous false\npassword_file passwd\n");
  else
    g_string_append (config, "allow_anonymous true\n");
  if (flags & TAFEL_TEST_BROKER_TLS)
    g_string_append (config, "cafile ca.crt\ncertfile server.crt\nkeyfile server.key\n");
  g_assert_true (g_file_set_contents (broker->config, config->str, -1, NULL));

  broker->url = g_strdup_printf ("%s://%s:%u",
                                 (flags & TAFEL_TEST_BROKER_TLS) ? "mqtts" : "mqtt",
                                 (flags & TAFEL_TEST_BROKER_TLS) ? "localhost" : "127.0.0.1",
                                 broker->port);

  if (!spawn_broker (broker))
    {
      *skip_reason = NULL;
      g_error ("mosquitto did not start on port %u", broker->port);
    }

  return g_steal_pointer (&broker);
}

gboolean
tafel_test_broker_restart (TafelTestBroker *broker)
{
  g_assert (broker->pid == 0);
  return spawn_broker (broker);
}

GPid
tafel_test_broker_get_pid (TafelTestBroker *broker)
{
  return broker->pid;
}

void
tafel_test_broker_stop (TafelTestBroker *broker)
{
  int status;

  if (broker->pid == 0)
    return;
  kill (broker->pid, SIGKILL);
  waitpid (broker->pid, &status, 0);
  g_spawn_close_pid (broker->pid);
  broker->pid = 0;
}

void
tafel_test_broker_free (TafelTestBroker *broker)
{
  if (broker == NULL)
    return;
  tafel_test_broker_stop (broker);
  if (broker->dir != NULL)
    tafel_test_remove_tree (broker->dir);
  g_free (broker->dir);
  g_free (broker->config);
  g_free (broker->url);
  g_free (broker->ca_file);
  g_free (broker);
}

guint16
tafel_test_broker_get_port (TafelTestBroker *broker)
{
  return broker->port;
}

const char *
tafel_test_broker_get_url (TafelTestBroker *broker)
{
  return broker->url;
}

const char *
tafel_test_broker_get_ca_file (TafelTestBroker *broker)
{
  return broker->ca_file;
}

gboolean
tafel_test_enter_private_netns (int          argc,
                                char       **argv,
                                const char  *setup_script,
                                char       **skip_reason)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (g_getenv ("TAFEL_TEST_IN_NETNS"), "1") != 0)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autofree char *unshare = g_find_program_in_path ("unshare");

      if (geteuid () != 0)
        {
          *skip_reason = g_strdup ("needs root to create a private network namespace");
          return FALSE;
        }
      if (unshare == NULL)
        {
          *skip_reason = g_strdup ("unshare (util-linux) is not installed");
          return FALSE;
        }

      g_ptr_array_add (args, unshare);
      g_ptr_array_add (args, (char *) "--net");
      g_ptr_array_add (args, (char *) "--");
      for (int i = 0; i < argc; i++)
        g_ptr_array_add (args, argv[i]);
      g_ptr_array_add (args, NULL);

      g_setenv ("TAFEL_TEST_IN_NETNS", "1", TRUE);
      execv (unshare, (char **) args->pdata);
      *skip_reason = g_strdup_printf ("cannot run unshare: %s", g_strerror (errno));
      return FALSE;
    }

  if (!run_shell (NULL, setup_script, &error))
    {
      *skip_reason = g_strdup_printf ("cannot set up the network namespace: %s", error->message);
      return FALSE;
    }

  return TRUE;
}

int
tafel_test_skip_all (int          argc,
                     char       **argv,
                     const char  *reason)
{
  printf ("1..0 # SKIP %s\n", reason);
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--tap"))
      return 0;
  return 77;
}
