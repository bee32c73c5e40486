/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "bench-join.h"
#include "tafel-test-relay.h"
#include "tafel-board-model.h"
#include "tafel-board.h"
#include "tafel-invite.h"
#include "tafel-net-trace.h"
#include "tafel-session-private.h"
#include "tafel-stroke-import.h"

#include "tafel-net-test-util.h"
#include "tafel-test-util.h"

/* Replication benchmarks (issues 5 and 6), over loopback, in one process:
 * real TafelSessions that find each other through a real mosquitto, link
 * over libnice, and run sync and presence on the link, each on a
 * TafelBoard on disk with a TafelBoardModel following it.
 *
 *   bench-sync [--strokes N] [--pen-strokes N] [--joins N] [--rtt-strokes N]
 *              [--only latency|join|incremental|rtt|paint]
 *
 * latency      A draws real strokes at a pen rate (a point every 8 ms, 50 ms
 *              between strokes): each point A adds to its live stroke until
 *              B's presence shows it, and each commit (tafel_board_commit)
 *              until B's log has integrated the record.
 * join         a late joiner with an empty board gets N strokes by 4 authors
 *              from one peer: from link-up until every record is verified,
 *              integrated, stored and in the joiner's model. Real traces
 *              cycled (~40 points a stroke) and the synthetic random walk of
 *              tests/common (~70 points a stroke).
 * incremental  the same, when the joiner already holds 90 % of each author.
 * rtt          the late join of the synthetic board at 50 ms RTT: both
 *              links go through a userspace delay relay (tests/net/tafel-test-relay.c) with
 *              1200-byte datagrams, as on the internet.
 * paint        from "join" (parse the invite link, open the board, go
 *              online) to the first full paint (every record integrated and
 *              the zoomed-to-fit view drawn by the core renderer into a
 *              1280 × 800 image surface), repeated; also the time from
 *              going online to the link being up.
 *
 * Both peers run in this one thread (each sync also has a verifier thread
 * that decodes and checks incoming runs), so every time includes the
 * sending peer's work too (reading its log, encoding, encrypting). The
 * "seed process" rows run the seed as `tafel-cli seed` in its own process.
 * TAFEL_NET_TRACE=1 prints timed trace points of link-up, hello, runs,
 * integration slices and acks to stderr, and each row's time span. */

#define N_AUTHORS   4
#define PEN_TICK_US 8000
#define PEN_PAUSE_US 50000
#define MB          (1000.0 * 1000.0)

static guint opt_strokes = 100000;
static guint opt_pen_strokes = 300;
static guint opt_joins = 10;
static guint opt_rtt_strokes = 0;   /* 0: --strokes */
static char *opt_only = NULL;

static TafelTestBroker *broker;
static const char *loopback[] = { "127.0.0.1", NULL };

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* CPU time (user + system) of this process, or of another one by pid:
 * the machine is shared, so wall time says as much about the neighbours as
 * about us. */
static double
cpu_s (GPid pid)
{
  g_autofree char *path = NULL;
  g_autofree char *stat = NULL;
  unsigned long utime = 0, stime = 0;
  const char *p;

  if (pid == 0)
    {
      struct timespec ts;

      clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
      return ts.tv_sec + ts.tv_nsec / 1e9;
    }

  path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  if (!g_file_get_contents (path, &stat, NULL, NULL) || (p = strrchr (stat, ')')) == NULL ||
      sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
    return 0;
  return (double) (utime + stime) / sysconf (_SC_CLK_TCK);
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets closed links say goodbye and their agents go. */
static void
settle (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* ---- board content ------------------------------------------------------------ */

/* N strokes by N_AUTHORS authors, signed, one chain per author. */
typedef struct
{
  GPtrArray *chains[N_AUTHORS];   /* TafelRecord */
  GArray    *points[N_AUTHORS];   /* guint: each record's points */
  guint      n_records;
  guint64    n_points;
  guint64    body_bytes;
} Content;

static Content *
content_new (GArray *strokes,
             guint   n)
{
  Content *c = g_new0 (Content, 1);
  TafelIdentity *ids[N_AUTHORS];

  for (guint a = 0; a < N_AUTHORS; a++)
    {
      ids[a] = tafel_identity_new_ephemeral ();
      c->chains[a] = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
      c->points[a] = g_array_new (FALSE, FALSE, sizeof (guint));
    }
  for (guint i = 0; i < n; i++)
    {
      guint a = i % N_AUTHORS;
      GPtrArray *chain = c->chains[a];
      const TafelStroke *s = &g_array_index (strokes, TafelStroke, i % strokes->len);
      g_autoptr(GBytes) body = tafel_stroke_encode (s);
      const TafelHash *prev = chain->len > 0 ? tafel_record_get_id (chain->pdata[chain->len - 1]) : NULL;

      g_ptr_array_add (chain, tafel_identity_sign_record (ids[a], chain->len + 1, prev, i + 1,
                                                          TAFEL_RECORD_KIND_STROKE, body));
      g_array_append_val (c->points[a], s->n_points);
      c->n_points += s->n_points;
      c->body_bytes += g_bytes_get_size (body);
    }
  for (guint a = 0; a < N_AUTHORS; a++)
    g_object_unref (ids[a]);
  c->n_records = n;
  return c;
}

static void
content_free (Content *c)
{
  for (guint a = 0; a < N_AUTHORS; a++)
    {
      g_ptr_array_unref (c->chains[a]);
      g_array_unref (c->points[a]);
    }
  g_free (c);
}

/* ---- a peer: board on disk, model, session ------------------------------------ */

typedef struct
{
  char            *dir;
  TafelIdentity   *identity;
  TafelBoard      *board;
  TafelBoardModel *model;
  TafelSession    *session;
  gint64           joined_at;   /* first link up, monotonic µs */
  double           joined_cpu;  /* this process's CPU time then */
  GPid             other_pid;   /* a peer process whose CPU time to note too */
  double           other_cpu;
  TafelTestRelay      *relay;
  guint            relay_side;
} Node;

static void
on_joined (TafelSession         *session,
           const TafelPublicKey *peer,
           Node                 *node)
{
  if (node->joined_at == 0)
    {
      node->joined_at = g_get_monotonic_time ();
      node->joined_cpu = cpu_s (0);
      if (node->other_pid != 0)
        node->other_cpu = cpu_s (node->other_pid);
    }
}

static void
route_link (TafelSession         *session,
            TafelLink            *link,
            const TafelPublicKey *peer,
            gpointer              user_data)
{
  Node *node = user_data;

  tafel_test_relay_route_link (node->relay, node->relay_side, link);
}

static Node *
node_new (const guint8 *id,
          const guint8 *secret)
{
  Node *node = g_new0 (Node, 1);
  g_autoptr(GError) error = NULL;

  node->dir = g_dir_make_tmp ("bench-sync-XXXXXX", &error);
  g_assert_no_error (error);
  node->identity = tafel_identity_load_or_create (node->dir, &error);
  g_assert_no_error (error);
  if (id != NULL)
    {
      node->board = tafel_board_join (node->dir, node->identity, id, secret, "Bench", &error);
      g_assert_no_error (error);
      node->model = tafel_board_model_new (tafel_board_get_log (node->board));
    }
  return node;
}

/* The first @percent of each author's chain. */
static void
node_load (Node    *node,
           Content *c,
           guint    percent)
{
  for (guint a = 0; a < N_AUTHORS; a++)
    {
      guint n = (guint) ((guint64) c->chains[a]->len * percent / 100);
      g_autoptr(GError) error = NULL;

      if (n > 0 && !tafel_board_receive_run (node->board, (TafelRecord **) c->chains[a]->pdata, n, &error))
        g_error ("Loading the board failed: %s", error->message);
    }
  if (!tafel_board_flush (node->board, NULL))
    g_error ("Flushing the board failed");
}

static void
node_online (Node       *node,
             const char *broker_url,
             TafelTestRelay *relay,
             guint       relay_side)
{
  g_autoptr(GError) error = NULL;
  TafelSessionOptions options = {
    .broker_url = broker_url,
    .local_addresses = loopback,
  };

  node->session = tafel_session_new (node->board, &options, &error);
  g_assert_no_error (error);
  g_signal_connect (node->session, "peer-joined", G_CALLBACK (on_joined), node);
  if (relay != NULL)
    {
      node->relay = relay;
      node->relay_side = relay_side;
      /* What any internet path carries, also through a TURN relay. */
      tafel_link_config_set_max_datagram (tafel_session_get_link_config (node->session),
                                          TAFEL_TRANSPORT_DATAGRAM_INTERNET);
      tafel_session_set_link_hook (node->session, route_link, node);
    }
  if (!tafel_session_start (node->session, &error))
    g_error ("The session did not start: %s", error->message);
}

static void
node_free (Node *node)
{
  if (node->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (node->session, node);
      tafel_session_stop (node->session);
    }
  g_clear_object (&node->session);
  g_clear_object (&node->model);
  g_clear_object (&node->board);
  g_clear_object (&node->identity);
  tafel_test_remove_tree (node->dir);
  g_free (node->dir);
  g_free (node);
}

static guint
node_n_records (Node *node)
{
  return tafel_log_get_n_records (tafel_board_get_log (node->board));
}

typedef struct
{
  Node  *node;
  guint  n;
} HasAll;

static gboolean
has_all (gpointer data)
{
  HasAll *w = data;

  return node_n_records (w->node) >= w->n &&
         (w->node->session == NULL || !tafel_sync_is_busy (tafel_session_get_sync (w->node->session)));
}

static gboolean
both_joined (gpointer data)
{
  Node **nodes = data;

  return nodes[0]->joined_at != 0 && nodes[1]->joined_at != 0;
}

static gboolean
same_digest (Node *a,
             Node *b)
{
  TafelHash da, db;

  tafel_board_model_get_digest (a->model, &da);
  tafel_board_model_get_digest (b->model, &db);
  return tafel_hash_equal (&da, &db);
}

static void
random_board (guint8 id[TAFEL_BOARD_ID_BYTES],
              guint8 secret[TAFEL_BOARD_SECRET_BYTES])
{
  tafel_random_bytes (id, TAFEL_BOARD_ID_BYTES);
  tafel_random_bytes (secret, TAFEL_BOARD_SECRET_BYTES);
}

static gboolean
want (const char *section)
{
  return opt_only == NULL || g_strcmp0 (opt_only, section) == 0;
}

/* ---- 1. stroke latency ---------------------------------------------------------- */

typedef struct
{
  Node        *a, *b;
  GArray      *strokes;
  guint        first;          /* trace index of the first stroke */
  guint        n_strokes;
  GSource     *timer;

  /* A's side */
  guint        s, k;           /* stroke, next point */
  gint64       due;
  GPtrArray   *point_times;    /* per stroke: GArray of gint64 */
  GArray      *commit_times;   /* gint64 per stroke */
  GArray      *commit_calls;   /* double ms: how long tafel_board_commit took */
  guint64      base_seq;
  gboolean     drawn;

  /* B's side */
  int          b_stroke;       /* the stroke B is watching, -1 none */
  guint        b_seen;
  gboolean     b_drawing;
  guint        mismatches;
  guint        commits_seen;
  GArray      *point_latency;  /* double ms */
  GArray      *commit_latency; /* double ms */
} Pen;

static const TafelStroke *
pen_stroke (Pen  *pen,
            guint s)
{
  return &g_array_index (pen->strokes, TafelStroke, (pen->first + s) % pen->strokes->len);
}

static gboolean
pen_tick (gpointer data)
{
  Pen *pen = data;
  TafelPresence *presence = tafel_session_get_presence (pen->a->session);
  const TafelStroke *stroke;
  GArray *times;

  if (pen->s >= pen->n_strokes)
    {
      pen->drawn = TRUE;
      return G_SOURCE_REMOVE;
    }

  stroke = pen_stroke (pen, pen->s);
  if (pen->k == 0)
    {
      tafel_presence_begin_stroke (presence, stroke->tool, stroke->rgba, stroke->width);
      g_ptr_array_add (pen->point_times, g_array_new (FALSE, FALSE, sizeof (gint64)));
    }
  times = pen->point_times->pdata[pen->s];
  {
    gint64 t = g_get_monotonic_time ();

    g_array_append_val (times, t);
    tafel_presence_add_points (presence, &stroke->points[pen->k], 1);
  }
  pen->k++;

  if (pen->k == stroke->n_points)
    {
      g_autoptr(GBytes) body = tafel_stroke_encode (stroke);
      g_autoptr(GError) error = NULL;
      g_autoptr(TafelRecord) record = NULL;
      gint64 t = g_get_monotonic_time ();
      double call;

      g_array_append_val (pen->commit_times, t);
      record = tafel_board_commit (pen->a->board, TAFEL_RECORD_KIND_STROKE, body, &error);
      g_assert_no_error (error);
      call = (g_get_monotonic_time () - t) / 1e3;
      g_array_append_val (pen->commit_calls, call);
      tafel_presence_end_stroke (presence);
      pen->s++;
      pen->k = 0;
      pen->due += PEN_PAUSE_US;
    }
  else
    pen->due += PEN_TICK_US;

  g_source_set_ready_time (pen->timer, pen->due);
  return G_SOURCE_CONTINUE;
}

static gboolean
ready_time_dispatch (GSource     *source,
                     GSourceFunc  callback,
                     gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs ready_time_funcs = { .dispatch = ready_time_dispatch };

/* B found a new live stroke: which of A's is it? The next one whose first
 * point it shows (a stroke that began and ended within one presence frame
 * is never seen live, and is skipped). */
static int
pen_match_stroke (Pen              *pen,
                  const TafelPoint *first)
{
  for (guint s = pen->b_stroke + 1; s < pen->point_times->len; s++)
    {
      const TafelStroke *stroke = pen_stroke (pen, s);

      if (stroke->points[0].x == first->x && stroke->points[0].y == first->y)
        return (int) s;
    }
  return -1;
}

static void
pen_peer_changed (TafelPresence        *presence,
                  const TafelPublicKey *peer,
                  guint                 changes,
                  Pen                  *pen)
{
  const TafelRemotePresence *remote = tafel_presence_lookup (presence, peer);
  gint64 now = g_get_monotonic_time ();
  const TafelStroke *stroke;
  GArray *times;

  if (remote == NULL || !(changes & TAFEL_PRESENCE_STROKE))
    return;
  if (!remote->drawing || remote->stroke_points->len == 0)
    {
      pen->b_drawing = FALSE;
      return;
    }
  if (!pen->b_drawing || remote->stroke_points->len < pen->b_seen)
    {
      int s = pen_match_stroke (pen, &g_array_index (remote->stroke_points, TafelPoint, 0));

      if (s < 0)
        {
          pen->mismatches++;
          return;
        }
      pen->b_stroke = s;
      pen->b_seen = 0;
      pen->b_drawing = TRUE;
    }

  stroke = pen_stroke (pen, pen->b_stroke);
  times = pen->point_times->pdata[pen->b_stroke];
  for (guint j = pen->b_seen; j < remote->stroke_points->len && j < times->len; j++)
    {
      const TafelPoint *p = &g_array_index (remote->stroke_points, TafelPoint, j);
      double ms = (now - g_array_index (times, gint64, j)) / 1e3;

      if (p->x != stroke->points[j].x || p->y != stroke->points[j].y)
        pen->mismatches++;
      g_array_append_val (pen->point_latency, ms);
    }
  pen->b_seen = remote->stroke_points->len;
}

static void
pen_records_added (TafelLog  *log,
                   GPtrArray *records,
                   Pen       *pen)
{
  const TafelPublicKey *a = tafel_identity_get_public_key (pen->a->identity);
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < records->len; i++)
    {
      TafelRecord *r = records->pdata[i];
      guint64 idx;
      double ms;

      if (memcmp (tafel_record_get_author (r), a, sizeof *a) != 0)
        continue;
      idx = tafel_record_get_seq (r) - pen->base_seq - 1;
      if (idx >= pen->commit_times->len)
        continue;
      ms = (now - g_array_index (pen->commit_times, gint64, idx)) / 1e3;
      g_array_append_val (pen->commit_latency, ms);
      pen->commits_seen++;
    }
}

static gboolean
pen_done (gpointer data)
{
  Pen *pen = data;

  return pen->drawn && pen->commits_seen >= pen->n_strokes;
}

static void
print_latency_row (const char *what,
                   GArray     *ms,
                   guint       expected)
{
  printf ("| %-44s | %6u / %-6u | %7.2f | %7.2f | %7.2f | %7.2f |\n", what, ms->len, expected,
          tafel_test_percentile (ms, 0.5), tafel_test_percentile (ms, 0.9), tafel_test_percentile (ms, 0.99), tafel_test_percentile (ms, 1.0));
}

static void
bench_latency (GArray *strokes)
{
  guint8 id[TAFEL_BOARD_ID_BYTES], secret[TAFEL_BOARD_SECRET_BYTES];
  Node *nodes[2];
  Pen pen = { 0 };
  guint n_points = 0;
  gulong presence_handler, log_handler;
  double t0, took;

  random_board (id, secret);
  nodes[0] = node_new (id, secret);
  nodes[1] = node_new (id, secret);
  node_online (nodes[0], tafel_test_broker_get_url (broker), NULL, 0);
  node_online (nodes[1], tafel_test_broker_get_url (broker), NULL, 0);
  if (!tafel_test_wait_until (both_joined, nodes, 60000))
    g_error ("The peers did not link up");

  pen.a = nodes[0];
  pen.b = nodes[1];
  pen.strokes = strokes;
  pen.first = 1000;
  pen.n_strokes = opt_pen_strokes;
  pen.point_times = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  pen.commit_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  pen.commit_calls = g_array_new (FALSE, FALSE, sizeof (double));
  pen.point_latency = g_array_new (FALSE, FALSE, sizeof (double));
  pen.commit_latency = g_array_new (FALSE, FALSE, sizeof (double));
  pen.b_stroke = -1;
  pen.base_seq = tafel_log_get_head_seq (tafel_board_get_log (nodes[0]->board),
                                         tafel_identity_get_public_key (nodes[0]->identity));
  for (guint s = 0; s < pen.n_strokes; s++)
    n_points += pen_stroke (&pen, s)->n_points;

  presence_handler = g_signal_connect (tafel_session_get_presence (nodes[1]->session), "peer-changed",
                                       G_CALLBACK (pen_peer_changed), &pen);
  log_handler = g_signal_connect (tafel_board_get_log (nodes[1]->board), "records-added",
                                  G_CALLBACK (pen_records_added), &pen);

  pen.timer = g_source_new (&ready_time_funcs, sizeof (GSource));
  g_source_set_callback (pen.timer, pen_tick, &pen, NULL);
  pen.due = g_get_monotonic_time ();
  g_source_set_ready_time (pen.timer, pen.due);
  g_source_attach (pen.timer, NULL);

  t0 = now_s ();
  if (!tafel_test_wait_until (pen_done, &pen, 600000))
    printf ("(did not finish: %u of %u strokes drawn, %u commits seen)\n", pen.s, pen.n_strokes,
            pen.commits_seen);
  took = now_s () - t0;

  printf ("\n## Stroke latency, A → B over one link on loopback (target p99 < 20 ms)\n\n");
  printf ("%u real strokes (%u points), a point every %d ms, %d ms between strokes; %.0f s.\n\n",
          pen.n_strokes, n_points, PEN_TICK_US / 1000, PEN_PAUSE_US / 1000, took);
  printf ("| %-44s | %15s | %7s | %7s | %7s | %7s |\n", "ms", "samples", "median", "p90", "p99", "max");
  printf ("|----------------------------------------------|-----------------|---------|---------|---------|---------|\n");
  print_latency_row ("in-progress point -> B's presence shows it", pen.point_latency, n_points);
  print_latency_row ("commit -> B's log has the record integrated", pen.commit_latency, pen.n_strokes);
  print_latency_row ("(tafel_board_commit itself on A)", pen.commit_calls, pen.n_strokes);
  printf ("\nPoints B showed that differ from A's: %u. Digests equal: %s.\n", pen.mismatches,
          same_digest (nodes[0], nodes[1]) ? "yes" : "NO");

  g_signal_handler_disconnect (tafel_session_get_presence (nodes[1]->session), presence_handler);
  g_signal_handler_disconnect (tafel_board_get_log (nodes[1]->board), log_handler);
  g_source_destroy (pen.timer);
  g_source_unref (pen.timer);
  g_ptr_array_unref (pen.point_times);
  g_array_unref (pen.commit_times);
  g_array_unref (pen.commit_calls);
  g_array_unref (pen.point_latency);
  g_array_unref (pen.commit_latency);
  node_free (nodes[0]);
  node_free (nodes[1]);
  settle (300);
}

/* ---- 2–4. late join, incremental, at 50 ms RTT ------------------------------------ */

/* The longest gap between two ticks of a 1 ms timer: how long the main
 * loop (the app's UI thread) was kept from other work during a join. */
typedef struct
{
  gint64 last;
  gint64 max_gap;
} Ticks;

static gboolean
tick (gpointer data)
{
  Ticks *t = data;
  gint64 now = g_get_monotonic_time ();

  if (t->last != 0)
    t->max_gap = MAX (t->max_gap, now - t->last);
  t->last = now;
  return G_SOURCE_CONTINUE;
}

static void
print_join_header (void)
{
  printf ("Time: from link-up to the last record integrated (wall clock). CPU: user + system time\n"
          "of this process over that span (+ the seed process's, when it runs apart). MB/s: wire\n"
          "bytes (datagrams from the seed, headers included) over the wall time. Gap: the longest\n"
          "the main loop went without turning (a 1 ms timer's ticks) from going online to the end.\n\n");
  printf ("| %-36s | %7s | %9s | %7s | %7s | %13s | %7s | %9s | %8s | %6s | %6s |\n",
          "board", "strokes", "points", "wire MB", "time s", "CPU s", "MB/s", "records/s", "fsync ms", "gap ms", "digest");
  printf ("|--------------------------------------|---------|-----------|---------|---------|---------------|---------|-----------|----------|--------|--------|\n");
}

static char *cli_path;

/* `tafel-cli seed` on the board in @node's folder, in its own process. */
static GPid
spawn_seed (Node *node)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = {
    cli_path, "seed", tafel_board_get_id_hex (node->board), "--data-dir", node->dir,
    "--broker", tafel_test_broker_get_url (broker), "--local-address", "127.0.0.1", NULL,
  };
  GPid pid;

  if (!g_spawn_async (NULL, (char **) argv, NULL,
                      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                      tafel_test_child_dies_with_parent, GINT_TO_POINTER (getpid ()), &pid, &error))
    g_error ("Cannot start %s: %s", cli_path, error->message);
  return pid;
}

static void
stop_process (GPid pid)
{
  int status;

  kill (pid, SIGTERM);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
}

/* The joiner starts with @percent of each author's chain; the seed has
 * all. With @own_process the seed is a `tafel-cli seed` process, so the
 * two sides run on two cores as they would on two machines. */
static void
bench_join (const char *label,
            Content    *content,
            guint       percent,
            gboolean    rtt,
            gboolean    own_process)
{
  guint8 id[TAFEL_BOARD_ID_BYTES], secret[TAFEL_BOARD_SECRET_BYTES];
  TafelTestRelay *relay = rtt ? tafel_test_relay_new (50 * 1000, 0) : NULL;
  Node *nodes[2];
  HasAll w;
  TafelTransportStats stats = { 0 };
  TafelLink *link;
  TafelHash seed_digest, joiner_digest;
  GPid seed_pid = 0;
  gint64 t0, t1;
  double flush_ms, seconds, cpu, seed_cpu = 0;
  guint64 wire;
  guint missing;
  guint64 points = 0;
  gboolean complete;
  g_autofree char *cpu_text = NULL;
  Ticks ticks = { 0 };
  guint tick_id;

  random_board (id, secret);
  nodes[0] = node_new (id, secret);
  nodes[1] = node_new (id, secret);
  node_load (nodes[0], content, 100);
  node_load (nodes[1], content, percent);
  missing = content->n_records - node_n_records (nodes[1]);
  for (guint a = 0; a < N_AUTHORS; a++)
    for (guint i = (guint) ((guint64) content->chains[a]->len * percent / 100); i < content->chains[a]->len; i++)
      points += g_array_index (content->points[a], guint, i);
  tafel_board_model_get_digest (nodes[0]->model, &seed_digest);

  if (own_process)
    {
      seed_pid = spawn_seed (nodes[0]);
      nodes[1]->other_pid = seed_pid;
      /* The process has the board open now; this one lets go of it. */
      g_clear_object (&nodes[0]->model);
      g_clear_object (&nodes[0]->board);
    }
  else
    node_online (nodes[0], tafel_test_broker_get_url (broker), relay, 0);
  tick_id = g_timeout_add (1, tick, &ticks);
  node_online (nodes[1], tafel_test_broker_get_url (broker), relay, 1);

  w = (HasAll) { nodes[1], content->n_records };
  complete = tafel_test_wait_until (has_all, &w, 300000);
  t1 = g_get_monotonic_time ();
  g_source_remove (tick_id);
  cpu = cpu_s (0) - (own_process ? nodes[1]->joined_cpu
                                 : MIN (nodes[0]->joined_cpu ? nodes[0]->joined_cpu : G_MAXDOUBLE,
                                        nodes[1]->joined_cpu));
  if (own_process)
    seed_cpu = cpu_s (seed_pid) - nodes[1]->other_cpu;
  if (own_process)
    t0 = nodes[1]->joined_at;
  else
    {
      t0 = MIN (nodes[0]->joined_at, nodes[1]->joined_at);
      if (t0 == 0)
        t0 = MAX (nodes[0]->joined_at, nodes[1]->joined_at);
    }
  {
    gint64 f0 = g_get_monotonic_time ();

    tafel_board_flush (nodes[1]->board, NULL);
    flush_ms = (g_get_monotonic_time () - f0) / 1e3;
  }

  /* Wire bytes: every datagram from the seed, headers included. */
  if (own_process)
    {
      link = nodes[1]->session != NULL ? tafel_session_get_link (nodes[1]->session, tafel_identity_get_public_key (nodes[0]->identity)) : NULL;
      if (link != NULL)
        tafel_link_get_transport_stats (link, &stats);
      wire = stats.bytes_received;
    }
  else
    {
      link = tafel_session_get_link (nodes[0]->session, tafel_identity_get_public_key (nodes[1]->identity));
      if (link != NULL)
        tafel_link_get_transport_stats (link, &stats);
      wire = stats.bytes_sent;
    }
  seconds = (t1 - t0) / 1e6;
  tafel_board_model_get_digest (nodes[1]->model, &joiner_digest);
  /* For `perf record -k mono` + `perf report --time START,END`. */
  g_debug ("%s: CLOCK_MONOTONIC %.6f,%.6f", label, t0 / 1e6, t1 / 1e6);
  TAFEL_NET_TRACE ("bench: %s: from %.3f to %.3f ms", label, t0 / 1e3, t1 / 1e3);

  if (own_process)
    cpu_text = g_strdup_printf ("%.3f + %.3f", cpu, seed_cpu);
  else
    cpu_text = g_strdup_printf ("%.3f", cpu);
  printf ("| %-36s | %7u | %9" G_GUINT64_FORMAT " | %7.1f | %7.3f | %13s | %7.1f | %9.0f | %8.1f | %6.1f | %6s |%s\n",
          label, missing, points, wire / MB, seconds, cpu_text, wire / MB / seconds, missing / seconds, flush_ms,
          ticks.max_gap / 1e3, tafel_hash_equal (&seed_digest, &joiner_digest) ? "equal" : "DIFFER",
          complete ? "" : " (did not finish)");
  if (rtt)
    printf ("|   (transport: srtt %.1f ms, %" G_GUINT64_FORMAT " packets, %" G_GUINT64_FORMAT " lost, cwnd %.0f KiB)\n",
            stats.srtt_us / 1e3, stats.packets_sent, stats.packets_lost, stats.cwnd / 1024.0);
  fflush (stdout);

  if (seed_pid != 0)
    stop_process (seed_pid);
  node_free (nodes[0]);
  node_free (nodes[1]);
  if (relay != NULL)
    tafel_test_relay_free (relay);
  settle (300);
}

/* ---- 6. join to first full paint ------------------------------------------------- */

/* The joiner side is bench-join.c, shared with the NAT lab's benchmark
 * (tests/bench/bench-lab.sh) so that the figures compare. */
static void
bench_paint (const char *label,
             Content    *content,
             guint       joins)
{
  guint8 id[TAFEL_BOARD_ID_BYTES], secret[TAFEL_BOARD_SECRET_BYTES];
  const char *brokers[] = { tafel_test_broker_get_url (broker), NULL };
  const TafelSessionOptions options = { .local_addresses = loopback };
  g_autoptr(TafelInvite) invite = NULL;
  g_autofree char *link_text = NULL;
  g_autoptr(GArray) link_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) synced_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) paint_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) total_ms = g_array_new (FALSE, FALSE, sizeof (double));
  Node *seed;
  guint ok = 0;

  random_board (id, secret);
  invite = tafel_invite_new (id, secret, "Bench", brokers);
  link_text = tafel_invite_to_string (invite);
  seed = node_new (id, secret);
  node_load (seed, content, 100);
  node_online (seed, tafel_test_broker_get_url (broker), NULL, 0);

  for (guint j = 0; j < joins; j++)
    {
      Node *joiner = node_new (NULL, NULL);   /* an identity, no board yet */
      g_auto(BenchJoin) join = { 0 };
      g_autoptr(GError) error = NULL;

      if (bench_join_run (joiner->dir, joiner->identity, link_text, &options, content->n_records,
                          120000, &join, &error))
        {
          double ms;

          g_array_append_val (link_ms, join.link_ms);
          ms = join.synced_ms - join.link_ms;
          g_array_append_val (synced_ms, ms);
          g_array_append_val (paint_ms, join.paint_ms);
          g_array_append_val (total_ms, join.painted_ms);
          ok++;
        }
      else
        g_printerr ("%s, join %u: %s\n", label, j + 1, error->message);
      node_free (joiner);
      settle (200);
    }

  printf ("| %-30s | %5u/%-3u | %7.0f / %-7.0f | %7.0f / %-7.0f | %6.0f / %-6.0f | %7.0f / %-7.0f |\n",
          label, ok, joins, tafel_test_percentile (link_ms, 0.5), tafel_test_percentile (link_ms, 0.95),
          tafel_test_percentile (synced_ms, 0.5), tafel_test_percentile (synced_ms, 0.95),
          tafel_test_percentile (paint_ms, 0.5), tafel_test_percentile (paint_ms, 0.95),
          tafel_test_percentile (total_ms, 0.5), tafel_test_percentile (total_ms, 0.95));
  fflush (stdout);

  node_free (seed);
  settle (300);
}

/* ---- main ------------------------------------------------------------------------ */

int
main (int    argc,
      char **argv)
{
  GOptionEntry entries[] = {
    { "strokes", 0, 0, G_OPTION_ARG_INT, &opt_strokes, "strokes of the late-join boards (default 100000)", "N" },
    { "pen-strokes", 0, 0, G_OPTION_ARG_INT, &opt_pen_strokes, "strokes drawn at pen rate (default 300)", "N" },
    { "joins", 0, 0, G_OPTION_ARG_INT, &opt_joins, "joins timed to first paint (default 10)", "N" },
    { "rtt-strokes", 0, 0, G_OPTION_ARG_INT, &opt_rtt_strokes, "strokes of the 50 ms RTT join (default --strokes)", "N" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &opt_only, "latency, join, incremental, rtt or paint", "SECTION" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- replication benchmarks");
  g_autoptr(GError) error = NULL;
  g_autofree char *trace = NULL;
  g_autofree char *skip = NULL;
  g_autoptr(GArray) real = NULL;
  g_autoptr(GArray) walk = NULL;
  Content *real_board = NULL, *walk_board = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (opt_rtt_strokes == 0)
    opt_rtt_strokes = opt_strokes;
  if (g_getenv ("TAFEL_BUILD_ROOT") != NULL)
    cli_path = g_build_filename (g_getenv ("TAFEL_BUILD_ROOT"), "src", "cli", "tafel-cli", NULL);
  else
    {
      g_autofree char *dir = g_path_get_dirname (argv[0]);

      cli_path = g_build_filename (dir, "..", "..", "src", "cli", "tafel-cli", NULL);
    }
  tafel_test_use_test_tmpdir ();

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
  real = tafel_stroke_import_load_path (trace, &error);
  g_assert_no_error (error);

  printf ("# Replication over loopback: TafelSessions in one process, mosquitto on 127.0.0.1\n");

  if (want ("latency"))
    bench_latency (real);

  if (want ("join") || want ("incremental") || want ("rtt"))
    {
      double t0 = now_s ();

      walk = tafel_test_random_walk (MAX (opt_strokes, opt_rtt_strokes), 7);
      real_board = content_new (real, opt_strokes);
      walk_board = content_new (walk, MAX (opt_strokes, opt_rtt_strokes));
      printf ("\n(signed the boards: %u + %u strokes, %.1f s)\n", opt_strokes,
              MAX (opt_strokes, opt_rtt_strokes), now_s () - t0);
    }

  if (want ("join"))
    {
      printf ("\n## Late join from one peer: verified, integrated, stored, in the model "
              "(targets ≤ 0.5 s, ≥ 100 MB/s)\n\n");
      print_join_header ();
      bench_join ("real traces", real_board, 0, FALSE, FALSE);
      bench_join ("random walk (~70 pt)", walk_board, 0, FALSE, FALSE);
      bench_join ("real traces, seed process", real_board, 0, FALSE, TRUE);
      bench_join ("random walk (~70 pt), seed process", walk_board, 0, FALSE, TRUE);
    }

  if (want ("incremental"))
    {
      printf ("\n## Incremental sync: the joiner already holds 90 %% (target ≤ 50 ms)\n\n");
      print_join_header ();
      bench_join ("real traces", real_board, 90, FALSE, FALSE);
      bench_join ("random walk", walk_board, 90, FALSE, FALSE);
      bench_join ("real traces, seed process", real_board, 90, FALSE, TRUE);
      bench_join ("random walk, seed process", walk_board, 90, FALSE, TRUE);
    }

  if (want ("rtt"))
    {
      Content *rtt_board = walk_board;

      if (opt_rtt_strokes != opt_strokes)
        rtt_board = content_new (walk, opt_rtt_strokes);
      printf ("\n## Late join at 50 ms RTT (userspace delay relay, 1200-byte datagrams; target ≥ 5 MB/s)\n\n");
      print_join_header ();
      bench_join ("random walk, 50 ms RTT", rtt_board, 0, TRUE, FALSE);
      bench_join ("real traces, 50 ms RTT", real_board, 0, TRUE, FALSE);
      if (rtt_board != walk_board)
        content_free (rtt_board);
    }

  if (want ("paint"))
    {
      printf ("\n## Join by invite link → first full paint, loopback with a broker (ms, p50 / p95)\n\n");
      printf ("From parsing the link to the link up (broker rendezvous, ICE, handshake), to every record\n"
              "integrated, to the zoomed-to-fit 1280 × 800 view drawn into an image surface.\n\n");
      printf ("| %-30s | %9s | %17s | %17s | %15s | %17s |\n", "board", "joins", "link up",
              "synced", "paint", "join → painted");
      printf ("|--------------------------------|-----------|-------------------|-------------------|-----------------|-------------------|\n");
      {
        g_autofree char *label = g_strdup_printf ("%u real strokes", opt_strokes);
        Content *c;

        c = content_new (real, 1000);
        bench_paint ("1,000 real strokes", c, opt_joins);
        content_free (c);
        c = content_new (real, 10000);
        bench_paint ("10,000 real strokes", c, opt_joins);
        content_free (c);
        if (real_board == NULL)
          real_board = content_new (real, opt_strokes);
        bench_paint (label, real_board, MAX (opt_joins / 3, 1));
      }
    }

  g_clear_pointer (&real_board, content_free);
  g_clear_pointer (&walk_board, content_free);
  g_clear_pointer (&broker, tafel_test_broker_free);
  g_free (opt_only);
  g_free (cli_path);
  return 0;
}
