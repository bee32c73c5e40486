/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "tafel-session-bus.h"
#include "tafel-test-util.h"

/* Tafel's check of the session bus before it starts: a bus that answers,
 * no bus at the address, an empty address, and a socket that takes the
 * connection and never answers, which must cost the deadline and no
 * more. Each case points DBUS_SESSION_BUS_ADDRESS somewhere of its own. */

static char *tmpdir;

static void
point_bus_at (const char *address)
{
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
}

static void
test_nowhere (void)
{
  g_autofree char *address = g_strdup_printf ("unix:path=%s/nobody-here", tmpdir);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  point_bus_at (address);
  g_assert_false (tafel_session_bus_check (5000, &error));
  g_assert_nonnull (error);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
  g_test_message ("nowhere: %s", error->message);
  /* It fails at once, not at the deadline. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
}

static void
test_empty (void)
{
  g_autoptr(GError) error = NULL;

  point_bus_at ("");
  g_assert_false (tafel_session_bus_check (5000, &error));
  g_assert_nonnull (error);
  g_test_message ("empty: %s", error->message);
}

static void
test_deaf (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "deaf", NULL);
  g_autofree char *address = g_strdup_printf ("unix:path=%s", path);
  g_autoptr(GSocketAddress) where = g_unix_socket_address_new (path);
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start, took;

  /* Listens, so the connection is taken (by the kernel), and never says a
   * word. */
  listener = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (listener, where, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_socket_listen (listener, &error));
  g_assert_no_error (error);

  point_bus_at (address);
  start = g_get_monotonic_time ();
  g_assert_false (tafel_session_bus_check (300, &error));
  took = g_get_monotonic_time () - start;
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_test_message ("deaf: %s (after %" G_GINT64_FORMAT " ms)", error->message, took / 1000);
  g_assert_cmpint (took, >=, 300 * 1000);
  /* The deadline and the cancelled attempt's end, with room for a busy
   * machine: not the endless wait of before. */
  g_assert_cmpint (took, <, 10 * G_USEC_PER_SEC);
}

static void
test_bus (void)
{
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *address = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dbus_daemon = g_find_program_in_path ("dbus-daemon");

  if (dbus_daemon == NULL)
    {
      g_test_skip ("dbus-daemon is not installed");
      return;
    }
  daemon = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             "dbus-daemon", "--session", "--nofork", "--print-address=1", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (daemon));
  address = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);

  point_bus_at (address);
  g_assert_true (tafel_session_bus_check (5000, &error));
  g_assert_no_error (error);

  g_subprocess_force_exit (daemon);
  g_assert_true (g_subprocess_wait (daemon, NULL, &error));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  tafel_test_init (&argc, &argv);
  tmpdir = g_dir_make_tmp ("tafel-session-bus-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/tafel/session-bus/nowhere", test_nowhere);
  g_test_add_func ("/tafel/session-bus/empty", test_empty);
  g_test_add_func ("/tafel/session-bus/deaf", test_deaf);
  g_test_add_func ("/tafel/session-bus/bus", test_bus);
  status = g_test_run ();

  tafel_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return status;
}
