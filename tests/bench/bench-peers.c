/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "tafel-net-test-util.h"
#include "tafel-test-util.h"

/* CPU time per peer when several peers draw at once: N tafel-cli
 * processes (default 5) join one board by its invite link through a real
 * mosquitto on loopback and each draws its own slice of the real traces
 * with `draw --stay`. Once every one of them reports that all its peers
 * have its strokes (so every peer holds every stroke), they are stopped,
 * and each one's user and system time is read from wait4().
 *
 *   bench-peers [--peers N] [--strokes N] [--paced-strokes N] [--pace MS]
 *
 * Two runs: all strokes committed at once (a bulk draw: the cost of the
 * work itself), and at a pen's pace (a point every MS ms shown live as
 * presence, each stroke committed as the pen lifts, 50 ms between
 * strokes: what a peer costs while people draw). */

static int opt_peers = 5;
static int opt_strokes = 1000;
static int opt_paced_strokes = 40;
static int opt_pace = 8;

static char *cli_path;
static TafelTestBroker *broker;

typedef struct
{
  char          *dir;
  char          *log;
  GPid           pid;
  int            status;
  struct rusage  usage;
  guint          records;
} Proc;

static char *
run_cli (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status;

  g_ptr_array_add (argv, cli_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("%s %s failed: %s %s", cli_path, args[0], error->message, err != NULL ? err : "");
  return out;
}

/* The lines [first, first + n) of the real trace, cycled, into @path. */
static void
write_slice (char      **lines,
             guint       n_lines,
             guint       first,
             guint       n,
             const char *path)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_string_append (text, lines[(first + i) % n_lines]);
      g_string_append_c (text, '\n');
    }
  if (!g_file_set_contents (path, text->str, text->len, NULL))
    g_error ("Cannot write %s", path);
}

static gboolean
delivered (Proc *p)
{
  g_autofree char *text = NULL;

  return g_file_get_contents (p->log, &text, NULL, NULL) && strstr (text, "\"event\":\"delivered\"") != NULL;
}

static gboolean
exited_early (Proc *p)
{
  return waitpid (p->pid, &p->status, WNOHANG) == p->pid;
}

static void
run (const char *label,
     char      **lines,
     guint       n_lines,
     int         n_strokes,
     int         pace_ms)
{
  g_autofree char *base = g_dir_make_tmp ("bench-peers-XXXXXX", NULL);
  g_autofree char *out = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree char *owner = g_build_filename (base, "owner", NULL);
  g_autofree char *pace = g_strdup_printf ("%d", pace_ms);
  g_autofree char *min_peers = g_strdup_printf ("%d", opt_peers - 1);
  Proc *procs = g_new0 (Proc, opt_peers);
  gint64 t0, t1 = 0, deadline;
  double total_cpu = 0, max_cpu = 0, min_cpu = G_MAXDOUBLE;
  guint board_strokes = (guint) opt_peers * n_strokes;
  gboolean all = FALSE;

  {
    const char *args[] = { "new", "--data-dir", owner, "--title", "Bench", "--broker",
                           tafel_test_broker_get_url (broker), NULL };

    out = run_cli (args);
    parts = g_strsplit (out, "\n", 3);
  }

  t0 = g_get_monotonic_time ();
  for (int i = 0; i < opt_peers; i++)
    {
      Proc *p = &procs[i];
      g_autofree char *trace = g_strdup_printf ("%s/trace-%d.ndjson", base, i);
      g_autoptr(GError) error = NULL;
      const char *argv[] = {
        cli_path, "draw", parts[1], "--data-dir", NULL, "--trace", trace, "--stay",
        "--peers", min_peers, "--pace", pace, "--timeout", "600",
        "--local-address", "127.0.0.1", "--json", NULL,
      };
      int fd;

      p->dir = g_strdup_printf ("%s/peer-%d", base, i);
      p->log = g_strdup_printf ("%s/peer-%d.log", base, i);
      argv[4] = p->dir;
      write_slice (lines, n_lines, (guint) i * n_strokes, n_strokes, trace);
      fd = open (p->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
      g_assert (fd >= 0);
      if (!g_spawn_async_with_fds (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                   &p->pid, -1, fd, -1, &error))
        g_error ("Cannot start %s: %s", cli_path, error->message);
      close (fd);
    }

  /* Bounded: until every peer delivered, one gave up, or 15 minutes. */
  deadline = t0 + 900 * G_USEC_PER_SEC;
  while (!all && g_get_monotonic_time () < deadline)
    {
      all = TRUE;
      for (int i = 0; i < opt_peers; i++)
        {
          if (exited_early (&procs[i]))
            g_error ("Peer %d exited before delivering (see %s)", i, procs[i].log);
          all &= delivered (&procs[i]);
        }
      if (!all)
        g_usleep (20 * 1000);
    }
  t1 = g_get_monotonic_time ();

  for (int i = 0; i < opt_peers; i++)
    kill (procs[i].pid, SIGTERM);
  for (int i = 0; i < opt_peers; i++)
    {
      Proc *p = &procs[i];

      if (wait4 (p->pid, &p->status, 0, &p->usage) != p->pid)
        g_error ("wait4 failed");
      g_spawn_close_pid (p->pid);
    }
  for (int i = 0; i < opt_peers; i++)
    {
      g_autofree char *info = NULL;
      const char *args[] = { "info", parts[0], "--data-dir", procs[i].dir, "--json", NULL };
      const char *r;

      info = run_cli (args);
      r = strstr (info, "\"records\"");
      if (r != NULL)
        r = strchr (r, ':');
      procs[i].records = r != NULL ? (guint) g_ascii_strtoull (r + 1, NULL, 10) : 0;
    }

  printf ("\n## %s: %d peers, %d strokes each (%u on the board)%s\n\n", label, opt_peers, n_strokes,
          board_strokes, all ? "" : " — DID NOT FINISH");
  printf ("From the start of the processes until every peer has every stroke: %.1f s.\n"
          "CPU: user + system time of each process over its whole life (start-up, joining, drawing,\n"
          "sending and receiving, stopping).\n\n", (t1 - t0) / 1e6);
  printf ("| peer | user s | sys s | CPU s | CPU %% of the run | CPU ms per 1,000 strokes on the board | records held |\n");
  printf ("|------|--------|-------|-------|------------------|----------------------------------------|--------------|\n");
  for (int i = 0; i < opt_peers; i++)
    {
      Proc *p = &procs[i];
      double user = p->usage.ru_utime.tv_sec + p->usage.ru_utime.tv_usec / 1e6;
      double sys = p->usage.ru_stime.tv_sec + p->usage.ru_stime.tv_usec / 1e6;
      double cpu = user + sys;

      total_cpu += cpu;
      max_cpu = MAX (max_cpu, cpu);
      min_cpu = MIN (min_cpu, cpu);
      printf ("| %4d | %6.2f | %5.2f | %5.2f | %15.1f %% | %38.0f | %12u |\n", i + 1, user, sys, cpu,
              100 * cpu / ((t1 - t0) / 1e6), cpu * 1000 / (board_strokes / 1000.0), p->records);
    }
  printf ("| mean | | | %5.2f | %15.1f %% | %38.0f | |\n", total_cpu / opt_peers,
          100 * total_cpu / opt_peers / ((t1 - t0) / 1e6),
          total_cpu / opt_peers * 1000 / (board_strokes / 1000.0));
  fflush (stdout);

  for (int i = 0; i < opt_peers; i++)
    {
      g_free (procs[i].dir);
      g_free (procs[i].log);
    }
  g_free (procs);
  tafel_test_remove_tree (base);
}

int
main (int    argc,
      char **argv)
{
  GOptionEntry entries[] = {
    { "peers", 0, 0, G_OPTION_ARG_INT, &opt_peers, "peers drawing at once (default 5)", "N" },
    { "strokes", 0, 0, G_OPTION_ARG_INT, &opt_strokes, "strokes each in the bulk run (default 1000)", "N" },
    { "paced-strokes", 0, 0, G_OPTION_ARG_INT, &opt_paced_strokes, "strokes each at a pen's pace (default 40)", "N" },
    { "pace", 0, 0, G_OPTION_ARG_INT, &opt_pace, "ms between points at a pen's pace (default 8)", "MS" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- CPU time per peer, several peers drawing at once");
  g_autoptr(GError) error = NULL;
  g_autofree char *trace = NULL;
  g_autofree char *skip = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_lines;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (opt_peers < 2 || opt_strokes < 1 || opt_paced_strokes < 0 || opt_pace < 1)
    {
      g_printerr ("--peers must be at least 2, --strokes and --pace at least 1\n");
      return 2;
    }
  tafel_test_use_test_tmpdir ();

  if (g_getenv ("TAFEL_BUILD_ROOT") != NULL)
    cli_path = g_build_filename (g_getenv ("TAFEL_BUILD_ROOT"), "src", "cli", "tafel-cli", NULL);
  else
    {
      g_autofree char *dir = g_path_get_dirname (argv[0]);

      cli_path = g_build_filename (dir, "..", "..", "src", "cli", "tafel-cli", NULL);
    }

  trace = tafel_test_shared_path ("quickdraw-strokes.ndjson");
  if (trace == NULL)
    {
      printf ("SKIP: the shared stroke traces are not there ($TAFEL_SHARED_DATA)\n");
      return 77;
    }
  broker = tafel_test_broker_start (TAFEL_TEST_BROKER_PLAIN, &skip);
  if (broker == NULL)
    {
      printf ("SKIP: %s\n", skip);
      return 77;
    }
  if (!g_file_get_contents (trace, &text, NULL, &error))
    g_error ("%s", error->message);
  g_strchomp (text);
  lines = g_strsplit (text, "\n", -1);
  n_lines = g_strv_length (lines);

  printf ("# CPU time per peer: tafel-cli draw processes on one board, loopback, mosquitto\n");
  run ("All strokes at once (draw)", lines, n_lines, opt_strokes, 0);
  if (opt_paced_strokes > 0)
    {
      g_autofree char *label = g_strdup_printf ("At a pen's pace (draw --pace %d)", opt_pace);

      run (label, lines, n_lines, opt_paced_strokes, opt_pace);
    }

  g_clear_pointer (&broker, tafel_test_broker_free);
  g_free (cli_path);
  return 0;
}
