/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tafel-net-test-util.h"
#include "tafel-test-util.h"

/* Tests clean up on every path: a test that starts a mosquitto (as
 * test-session does) and then aborts on a failed assertion, before any
 * teardown, leaves no mosquitto behind. The test runs itself as that
 * failing test and looks for the broker afterwards. */

#define CHILD_ENV "TAFEL_TEST_CLEANUP_ABORT"

/* Whether @pid is still a running process (a zombie waiting to be reaped
 * by whoever inherited it is not). */
static gboolean
process_runs (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *paren;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  paren = strrchr (stat, ')');
  return paren != NULL && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
}

static gboolean
broker_gone (gpointer data)
{
  return !process_runs (GPOINTER_TO_INT (data));
}

static void
test_broker_dies_with_aborted_test (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[] = { self, NULL };
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), CHILD_ENV, "1", TRUE);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  GPid broker;

  g_assert_nonnull (self);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, &error));
  g_assert_no_error (error);
  if (g_str_has_prefix (out, "skip "))
    {
      g_test_skip (out + 5);
      return;
    }
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGABRT);
  broker = (GPid) g_ascii_strtoll (out, NULL, 10);
  g_assert_cmpint (broker, >, 0);
  g_test_message ("the aborted test's mosquitto was pid %d", (int) broker);

  if (!tafel_test_wait_until (broker_gone, GINT_TO_POINTER (broker), 10000))
    {
      kill (broker, SIGKILL);  /* not to leave it behind ourselves */
      g_assert_not_reached ();
    }
}

/* The failing test: starts a broker, says its pid, aborts. */
static int
abort_with_broker (void)
{
  g_autofree char *skip = NULL;
  TafelTestBroker *broker = tafel_test_broker_start (TAFEL_TEST_BROKER_PLAIN, &skip);

  if (broker == NULL)
    {
      printf ("skip %s", skip);
      return 0;
    }
  printf ("%d\n", (int) tafel_test_broker_get_pid (broker));
  fflush (stdout);
  /* As a failed assertion does; without a core file. */
  setrlimit (RLIMIT_CORE, &(struct rlimit) { 0, 0 });
  abort ();
}

int
main (int    argc,
      char **argv)
{
  if (g_getenv (CHILD_ENV) != NULL)
    return abort_with_broker ();

  tafel_test_init (&argc, &argv);
  g_test_add_func ("/tafel/test/broker-dies-with-aborted-test", test_broker_dies_with_aborted_test);
  return g_test_run ();
}
