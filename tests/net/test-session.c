/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tafel-board-model.h"
#include "tafel-board.h"
#include "tafel-session.h"
#include "tafel-trace.h"

#include "tafel-net-test-util.h"
#include "tafel-test-util.h"

#define WAIT_MS 60000

static const char *loopback[] = { "127.0.0.1", NULL };
static GArray *strokes;
static guint next_stroke;

typedef struct
{
  char            *data_dir;
  TafelIdentity   *identity;
  TafelBoard      *board;
  TafelBoardModel *model;
  TafelSession    *session;
  guint            joined, left;
} Peer;

typedef struct
{
  TafelTestBroker *broker;
  guint8           id[TAFEL_BOARD_ID_BYTES];
  guint8           secret[TAFEL_BOARD_SECRET_BYTES];
  Peer             peers[5];
  guint            n;
} Fixture;

static void
on_joined (TafelSession *s, const TafelPublicKey *key, Peer *p)
{
  p->joined++;
}

static void
on_left (TafelSession *s, const TafelPublicKey *key, const GError *reason, Peer *p)
{
  p->left++;
}

static void
peer_start (Fixture *f,
            Peer    *p)
{
  g_autoptr(GError) error = NULL;
  TafelSessionOptions options = {
    .broker_url = tafel_test_broker_get_url (f->broker),
    .local_addresses = loopback,
    .announce_ms = 500,
  };

  if (p->data_dir == NULL)
    p->data_dir = g_dir_make_tmp ("tafel-session-XXXXXX", NULL);
  if (p->identity == NULL)
    {
      p->identity = tafel_identity_load_or_create (p->data_dir, &error);
      g_assert_no_error (error);
    }
  p->board = tafel_board_join (p->data_dir, p->identity, f->id, f->secret, "Session", &error);
  g_assert_no_error (error);
  p->model = tafel_board_model_new (tafel_board_get_log (p->board));
  p->session = tafel_session_new (p->board, &options, &error);
  g_assert_no_error (error);
  g_signal_connect (p->session, "peer-joined", G_CALLBACK (on_joined), p);
  g_signal_connect (p->session, "peer-left", G_CALLBACK (on_left), p);
  g_assert_true (tafel_session_start (p->session, &error));
  g_assert_no_error (error);
}

static void
peer_stop (Peer *p)
{
  if (p->session != NULL)
    tafel_session_stop (p->session);
  g_clear_object (&p->session);
  g_clear_object (&p->model);
  g_clear_object (&p->board);
}

static void
draw (Peer *p,
      guint n)
{
  for (guint i = 0; i < n; i++)
    {
      TafelStroke *s = &g_array_index (strokes, TafelStroke, next_stroke++ % strokes->len);
      g_autoptr(GBytes) body = tafel_stroke_encode (s);
      g_autoptr(GError) error = NULL;
      g_autoptr(TafelRecord) record = tafel_board_commit (p->board, TAFEL_RECORD_KIND_STROKE, body, &error);

      g_assert_no_error (error);
    }
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *skip = NULL;

  f->broker = tafel_test_broker_start (TAFEL_TEST_BROKER_PLAIN, &skip);
  if (f->broker == NULL)
    {
      g_test_skip (skip);
      return;
    }
  tafel_random_bytes (f->id, sizeof f->id);
  tafel_random_bytes (f->secret, sizeof f->secret);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (f->peers); i++)
    {
      peer_stop (&f->peers[i]);
      g_clear_object (&f->peers[i].identity);
      g_free (f->peers[i].data_dir);
    }
  g_clear_pointer (&f->broker, tafel_test_broker_free);
}

typedef struct
{
  Fixture *f;
  guint    from, to;       /* peers[from..to) */
  guint    records;
} Converge;

static gboolean
converged (gpointer data)
{
  Converge *c = data;
  TafelHash first, digest;

  for (guint i = c->from; i < c->to; i++)
    {
      Peer *p = &c->f->peers[i];

      if (tafel_log_get_n_records (tafel_board_get_log (p->board)) != c->records ||
          tafel_sync_is_busy (tafel_session_get_sync (p->session)))
        return FALSE;
      tafel_board_model_get_digest (p->model, &digest);
      if (i == c->from)
        first = digest;
      else if (!tafel_hash_equal (&first, &digest))
        return FALSE;
    }
  return TRUE;
}

static void
wait_converged (Fixture *f,
                guint    from,
                guint    to,
                guint    records)
{
  Converge c = { f, from, to, records };

  if (!tafel_test_wait_until (converged, &c, WAIT_MS))
    {
      for (guint i = from; i < to; i++)
        g_test_message ("peer %u: %u records, %u peers", i,
                        tafel_log_get_n_records (tafel_board_get_log (f->peers[i].board)),
                        tafel_session_get_n_peers (f->peers[i].session));
      g_assert_not_reached ();
    }
}

typedef struct { Fixture *f; guint from, to, n; } AllLinked;

static gboolean
all_linked (gpointer data)
{
  AllLinked *w = data;

  for (guint i = w->from; i < w->to; i++)
    if (tafel_session_get_n_peers (w->f->peers[i].session) < w->n)
      return FALSE;
  return TRUE;
}

/* Three peers given only the board and the broker find each other, link
 * over libnice on loopback, and converge after drawing concurrently. */
static void
test_three_peers (Fixture       *f,
                  gconstpointer  data)
{
  AllLinked w = { f, 0, 3, 2 };

  if (f->broker == NULL)
    return;

  for (guint i = 0; i < 3; i++)
    {
      peer_start (f, &f->peers[i]);
      draw (&f->peers[i], 40 + 10 * i);
    }
  g_assert_true (tafel_test_wait_until (all_linked, &w, WAIT_MS));
  wait_converged (f, 0, 3, 40 + 50 + 60);

  for (guint round = 0; round < 5; round++)
    for (guint i = 0; i < 3; i++)
      draw (&f->peers[i], 1);
  wait_converged (f, 0, 3, 150 + 15);

  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpint (tafel_session_get_status (f->peers[i].session), ==, TAFEL_SESSION_ONLINE);
      g_assert_cmpuint (f->peers[i].joined, ==, 2);
    }
  {
    g_autoptr(GPtrArray) list = tafel_session_list_peers (f->peers[0].session);
    g_assert_cmpuint (list->len, ==, 2);
    g_assert_cmpstr (tafel_session_get_path_kind (f->peers[0].session, list->pdata[0]), ==, "host");
    for (guint i = 0; i < list->len; i++)
      {
        gint64 ice_us = -1, connect_us = -1;

        g_assert_true (tafel_session_get_link_times (f->peers[0].session, list->pdata[i],
                                                     &ice_us, &connect_us));
        g_assert_cmpint (ice_us, >, 0);
        g_assert_cmpint (connect_us, >=, ice_us);
      }
    /* Nobody is linked to itself. */
    g_assert_false (tafel_session_get_link_times (f->peers[0].session,
                                                  tafel_identity_get_public_key (f->peers[0].identity),
                                                  NULL, NULL));
  }
}

/* A draws, B syncs, A leaves; C joins and gets everything from B. */
static void
test_late_join (Fixture       *f,
                gconstpointer  data)
{
  AllLinked ab = { f, 0, 2, 1 };

  if (f->broker == NULL)
    return;

  peer_start (f, &f->peers[0]);
  draw (&f->peers[0], 300);
  peer_start (f, &f->peers[1]);
  g_assert_true (tafel_test_wait_until (all_linked, &ab, WAIT_MS));
  wait_converged (f, 0, 2, 300);

  peer_stop (&f->peers[0]);
  peer_start (f, &f->peers[2]);
  wait_converged (f, 1, 3, 300);
  g_assert_cmpuint (tafel_session_get_n_peers (f->peers[2].session), ==, 1);
}

static gboolean
peer_left_once (gpointer data)
{
  return ((Peer *) data)->left >= 1;
}

/* A peer that disappears is noticed; when it comes back (restarted with
 * its data), edits made meanwhile on both sides merge. */
static void
test_rejoin (Fixture       *f,
             gconstpointer  data)
{
  AllLinked ab = { f, 0, 2, 1 };

  if (f->broker == NULL)
    return;

  peer_start (f, &f->peers[0]);
  peer_start (f, &f->peers[1]);
  g_assert_true (tafel_test_wait_until (all_linked, &ab, WAIT_MS));
  draw (&f->peers[0], 10);
  wait_converged (f, 0, 2, 10);

  peer_stop (&f->peers[1]);
  g_assert_true (tafel_test_wait_until (peer_left_once, &f->peers[0], WAIT_MS));
  draw (&f->peers[0], 20);

  peer_start (f, &f->peers[1]);
  draw (&f->peers[1], 7);
  g_assert_true (tafel_test_wait_until (all_linked, &ab, WAIT_MS));
  wait_converged (f, 0, 2, 37);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  path = tafel_test_shared_path ("quickdraw-strokes.ndjson");
  if (path == NULL)
    return tafel_test_skip_all (argc, argv, "the shared stroke traces are not there");
  strokes = tafel_trace_load_path (path, &error);
  g_assert_no_error (error);

#define ADD(name, func) g_test_add ("/tafel/session/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("three-peers", test_three_peers);
  ADD ("late-join", test_late_join);
  ADD ("rejoin", test_rejoin);

  status = g_test_run ();
  g_array_unref (strokes);
  return status;
}
