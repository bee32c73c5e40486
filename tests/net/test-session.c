/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tafel-board-model.h"
#include "tafel-board.h"
#include "tafel-chat-message.h"
#include "tafel-link-config.h"
#include "tafel-session.h"
#include "tafel-link-private.h"
#include "tafel-session-private.h"
#include "tafel-test-peer.h"

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
  GPtrArray       *left_keys;    /* TafelPublicKey copies, in order */
  GPtrArray       *left_errors;  /* GError copies (or NULL), in order */
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
free_error (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

static void
on_left (TafelSession *s, const TafelPublicKey *key, const GError *reason, Peer *p)
{
  p->left++;
  if (p->left_keys == NULL)
    {
      p->left_keys = g_ptr_array_new_with_free_func (g_free);
      p->left_errors = g_ptr_array_new_with_free_func (free_error);
    }
  g_ptr_array_add (p->left_keys, g_memdup2 (key, sizeof *key));
  g_ptr_array_add (p->left_errors, reason != NULL ? g_error_copy (reason) : NULL);
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
      g_clear_pointer (&f->peers[i].left_keys, g_ptr_array_unref);
      g_clear_pointer (&f->peers[i].left_errors, g_ptr_array_unref);
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

static gboolean
broker_reached (gpointer data)
{
  Peer *p = data;
  return tafel_session_get_broker_error (p->session) == NULL &&
         tafel_session_get_status (p->session) != TAFEL_SESSION_OFFLINE;
}

static gboolean
broker_lost (gpointer data)
{
  return tafel_session_get_broker_error (((Peer *) data)->session) != NULL;
}

/* The broker is only for finding each other: when it dies, linked peers
 * keep their link and keep syncing; when it comes back, they reconnect to
 * it on their own. */
static void
test_broker_restart (Fixture       *f,
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

  tafel_test_broker_stop (f->broker);
  g_assert_true (tafel_test_wait_until (broker_lost, &f->peers[0], WAIT_MS));
  g_assert_true (tafel_test_wait_until (broker_lost, &f->peers[1], WAIT_MS));

  /* Still linked, still syncing, without the broker. */
  g_assert_cmpuint (tafel_session_get_n_peers (f->peers[0].session), ==, 1);
  g_assert_cmpint (tafel_session_get_status (f->peers[0].session), ==, TAFEL_SESSION_ONLINE);
  draw (&f->peers[1], 15);
  wait_converged (f, 0, 2, 25);
  g_assert_cmpuint (f->peers[0].left, ==, 0);

  g_assert_true (tafel_test_broker_restart (f->broker));
  g_assert_true (tafel_test_wait_until (broker_reached, &f->peers[0], WAIT_MS));
  g_assert_true (tafel_test_wait_until (broker_reached, &f->peers[1], WAIT_MS));
  g_assert_cmpuint (f->peers[0].left, ==, 0);
  draw (&f->peers[0], 5);
  wait_converged (f, 0, 2, 30);
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
  /* It said goodbye: nobody dials it again until it announces itself. */
  g_assert_cmpuint (tafel_session_get_n_known_peers (f->peers[0].session), ==, 0);
  draw (&f->peers[0], 20);

  peer_start (f, &f->peers[1]);
  draw (&f->peers[1], 7);
  g_assert_true (tafel_test_wait_until (all_linked, &ab, WAIT_MS));
  wait_converged (f, 0, 2, 37);
}

/* A board of its own, for tests of one session that needs no peer. */
static TafelBoard *
lone_board (char **data_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelIdentity) identity = NULL;
  TafelBoard *board;

  *data_dir = g_dir_make_tmp ("tafel-session-XXXXXX", NULL);
  identity = tafel_identity_load_or_create (*data_dir, &error);
  g_assert_no_error (error);
  board = tafel_board_create (*data_dir, identity, "Alone", &error);
  g_assert_no_error (error);
  return board;
}

/* TURN servers come as one URL with the credentials in it (tafel-cli
 * --turn) or as an RFC 7065 URL with the credentials apart (settings). */
static void
test_turn_options (void)
{
  static const struct { const char *turn, *user, *password; gboolean ok; } cases[] = {
    { "turn://user:secret@127.0.0.1:3478", NULL, NULL, TRUE },
    { "turns://us%40er:p%3Ass@127.0.0.1", NULL, NULL, TRUE },
    { "turn://user:secret@127.0.0.1:3478?transport=tcp", NULL, NULL, TRUE },
    { "turn:127.0.0.1:3478", "user", "secret", TRUE },
    { "turn:127.0.0.1?transport=tcp", NULL, NULL, FALSE },   /* no credentials */
    { "turn://user:secret@", NULL, NULL, FALSE },
    { "turn://user:secret@127.0.0.1:99999", NULL, NULL, FALSE },
    { "stun:127.0.0.1", NULL, NULL, FALSE },
    { "turn:127.0.0.1?transport=sctp", "u", "p", FALSE },
  };
  g_autofree char *data_dir = NULL;
  g_autoptr(TafelBoard) board = lone_board (&data_dir);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TafelSession) session = NULL;
      TafelSessionOptions options = {
        .turn = cases[i].turn,
        .turn_username = cases[i].user,
        .turn_password = cases[i].password,
        .local_addresses = loopback,
      };

      g_test_message ("TURN %s", cases[i].turn);
      session = tafel_session_new (board, &options, &error);
      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_nonnull (session);
        }
      else
        {
          g_assert_nonnull (error);
          g_test_message ("  %s", error->message);
          g_assert_null (session);
        }
    }
}

static void
on_status_changed (TafelSession *session,
                   guint        *count)
{
  (*count)++;
}

static gboolean
has_broker_error (gpointer data)
{
  return tafel_session_get_broker_error (data) != NULL;
}

/* A broker that cannot be reached is reported, with ::status-changed,
 * although the status stays "offline". */
static void
test_broker_error (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr(TafelBoard) board = lone_board (&data_dir);
  g_autoptr(TafelSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("mqtt://127.0.0.1:%u", tafel_test_free_port ());
  TafelSessionOptions options = { .broker_url = url, .local_addresses = loopback };
  guint changes = 0;

  session = tafel_session_new (board, &options, &error);
  g_assert_no_error (error);
  g_signal_connect (session, "status-changed", G_CALLBACK (on_status_changed), &changes);
  g_assert_true (tafel_session_start (session, &error));
  g_assert_no_error (error);

  g_assert_true (tafel_test_wait_until (has_broker_error, session, WAIT_MS));
  g_assert_cmpuint (changes, >=, 1);
  /* Still looking, and why it finds nobody is the broker's error. */
  g_assert_cmpint (tafel_session_get_status (session), ==, TAFEL_SESSION_SEARCHING);
  g_assert_nonnull (strstr (tafel_session_get_broker_error (session), url));
  g_assert_cmpstr (tafel_session_get_search_reason (session), ==, tafel_session_get_broker_error (session));

  tafel_session_stop (session);
  g_clear_object (&session);}
/* With no broker and no local network search, nobody can be found, and
 * the session says why at once; stopped, it is offline. */
static void
test_status_nothing_to_search (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr(TafelBoard) board = lone_board (&data_dir);
  g_autoptr(TafelSession) session = NULL;
  g_autoptr(GError) error = NULL;
  TafelSessionOptions options = { .local_addresses = loopback };

  session = tafel_session_new (board, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tafel_session_get_status (session), ==, TAFEL_SESSION_OFFLINE);
  g_assert_true (tafel_session_start (session, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tafel_session_get_status (session), ==, TAFEL_SESSION_SEARCHING);
  g_assert_nonnull (strstr (tafel_session_get_search_reason (session), "No broker is set"));

  tafel_session_stop (session);
  g_assert_cmpint (tafel_session_get_status (session), ==, TAFEL_SESSION_OFFLINE);
  g_assert_null (tafel_session_get_search_reason (session));
}

typedef struct
{
  GArray *seen;   /* TafelSessionStatus, each new one in order */
} StatusLog;

static void
on_status_logged (TafelSession *session,
                  StatusLog    *log)
{
  TafelSessionStatus status = tafel_session_get_status (session);

  if (log->seen->len == 0 || g_array_index (log->seen, TafelSessionStatus, log->seen->len - 1) != status)
    g_array_append_val (log->seen, status);
}

static gboolean
status_is (TafelSession       *session,
           TafelSessionStatus  status)
{
  return tafel_session_get_status (session) == status;
}

static gboolean
alone (gpointer data)
{
  return status_is (((Peer *) data)->session, TAFEL_SESSION_ALONE);
}

static gboolean
online (gpointer data)
{
  return status_is (((Peer *) data)->session, TAFEL_SESSION_ONLINE);
}

/* What a person on a board is told: alone once the broker is reached
 * (not "connecting" to nobody, however long nobody comes), connecting
 * while a link to someone is set up, online once linked, and alone again
 * as soon as the other says goodbye. */
static void
test_status_alone (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (TafelSessionStatus));
  StatusLog log = { seen };
  TafelSessionStatus expected[] = { TAFEL_SESSION_CONNECTING, TAFEL_SESSION_ONLINE, TAFEL_SESSION_ALONE };
  gint64 left_at;

  if (f->broker == NULL)
    return;

  peer_start (f, &f->peers[0]);
  g_assert_true (tafel_test_wait_until (alone, &f->peers[0], WAIT_MS));
  g_assert_null (tafel_session_get_search_reason (f->peers[0].session));
  /* Several announce intervals with nobody there: still alone. */
  g_assert_false (tafel_test_wait_until (online, &f->peers[0], 2000));
  g_assert_cmpint (tafel_session_get_status (f->peers[0].session), ==, TAFEL_SESSION_ALONE);

  g_signal_connect (f->peers[0].session, "status-changed", G_CALLBACK (on_status_logged), &log);
  peer_start (f, &f->peers[1]);
  g_assert_true (tafel_test_wait_until (online, &f->peers[0], WAIT_MS));
  g_assert_true (tafel_test_wait_until (online, &f->peers[1], WAIT_MS));

  /* The other leaves: its goodbye takes effect at once, well within the
   * dead-peer timeout of presence (10 s). */
  left_at = g_get_monotonic_time ();
  peer_stop (&f->peers[1]);
  g_assert_true (tafel_test_wait_until (alone, &f->peers[0], 3000));
  g_test_message ("alone again %.0f ms after the other left",
                  (g_get_monotonic_time () - left_at) / 1000.0);
  g_assert_cmpuint (f->peers[0].left, ==, 1);
  g_assert_null (f->peers[0].left_errors->pdata[0]);

  g_signal_handlers_disconnect_by_data (f->peers[0].session, &log);
  g_assert_cmpuint (seen->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < seen->len; i++)
    g_assert_cmpint (g_array_index (seen, TafelSessionStatus, i), ==, expected[i]);
}

/* ---- chat order ------------------------------------------------------------ */

static void
chat (Peer       *p,
      const char *text)
{
  g_autoptr(GBytes) body = test_chat_body (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelRecord) record = tafel_board_commit (p->board, TAFEL_RECORD_KIND_CHAT, body, &error);

  g_assert_no_error (error);
}

/* The chat as the peer's model lists it, one message a line, and checks
 * that the list is in (lamport, author) order. */
static char *
chat_transcript (Peer *p)
{
  GListModel *list = tafel_board_model_get_chat (p->model);
  GString *out = g_string_new (NULL);
  guint64 last_lamport = 0;
  TafelPublicKey last_author = { { 0 } };

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(TafelChatMessage) m = g_list_model_get_item (list, i);
      const TafelPublicKey *author = tafel_chat_message_get_author (m);
      guint64 lamport = tafel_chat_message_get_lamport (m);
      g_autofree char *id = tafel_hash_to_hex (tafel_chat_message_get_id (m));

      g_assert_true (lamport > last_lamport ||
                     (lamport == last_lamport && memcmp (author, &last_author, sizeof *author) >= 0));
      last_lamport = lamport;
      last_author = *author;
      g_string_append_printf (out, "%" G_GUINT64_FORMAT " %.8s %s\n", lamport, id,
                              tafel_chat_message_get_text (m));
    }
  return g_string_free (out, FALSE);
}

static void
assert_same_chat (Fixture *f,
                  guint    from,
                  guint    to,
                  guint    n_messages)
{
  g_autofree char *first = chat_transcript (&f->peers[from]);

  g_assert_cmpuint (g_list_model_get_n_items (tafel_board_model_get_chat (f->peers[from].model)), ==, n_messages);
  for (guint i = from + 1; i < to; i++)
    {
      g_autofree char *other = chat_transcript (&f->peers[i]);

      g_assert_cmpstr (other, ==, first);
    }
}

/* Messages from several peers, sent at the same moment (equal clocks) and
 * in reply to each other, are listed in the same order everywhere, also by
 * a peer that joins after their authors left. */
static void
test_chat_order (Fixture       *f,
                 gconstpointer  data)
{
  AllLinked w = { f, 0, 3, 2 };
  guint n = 0;

  if (f->broker == NULL)
    return;

  for (guint i = 0; i < 3; i++)
    peer_start (f, &f->peers[i]);
  g_assert_true (tafel_test_wait_until (all_linked, &w, WAIT_MS));

  /* Concurrent: nobody has seen the others' messages when sending. */
  for (guint round = 0; round < 4; round++)
    for (guint i = 0; i < 3; i++)
      {
        g_autofree char *text = g_strdup_printf ("round %u from peer %u", round, i);

        chat (&f->peers[i], text);
        n++;
      }
  wait_converged (f, 0, 3, n);
  assert_same_chat (f, 0, 3, n);

  /* Replies, each after the message before it arrived, interleaved with
   * strokes; and one more concurrent burst. */
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *text = g_strdup_printf ("reply %u", i);

      chat (&f->peers[i % 3], text);
      draw (&f->peers[(i + 1) % 3], 1);
      n += 2;
      wait_converged (f, 0, 3, n);
    }
  for (guint i = 0; i < 3; i++)
    chat (&f->peers[i], "at once");
  n += 3;
  wait_converged (f, 0, 3, n);
  assert_same_chat (f, 0, 3, n - 6);

  /* Two of the authors leave; a newcomer gets the same history from the
   * one who stayed. */
  peer_stop (&f->peers[0]);
  peer_stop (&f->peers[2]);
  peer_start (f, &f->peers[3]);
  wait_converged (f, 1, 2, n);
  {
    Converge c = { f, 3, 4, n };

    g_assert_true (tafel_test_wait_until (converged, &c, WAIT_MS));
  }
  {
    g_autofree char *stayed = chat_transcript (&f->peers[1]);
    g_autofree char *late = chat_transcript (&f->peers[3]);

    g_assert_cmpstr (late, ==, stayed);
  }
}

/* ---- the mesh relay's dedupe ------------------------------------------------ */

#define FRAME_RELAY 0x30
#define RELAY_HOPS  4

/* RELAY frames (after the type byte: 32 from, 32 to, u8 hops, 8 id,
 * payload) that came in on one of H's links, by message id. */
typedef struct
{
  guint8 id[8];
  guint  n;
} RelayCount;

static void
count_relay (TafelLink  *link,
             GBytes     *frame,
             RelayCount *counts)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (frame, &len);

  if (len < 1 + 32 + 32 + 1 + 8 || data[0] != FRAME_RELAY)
    return;
  for (RelayCount *c = counts; c->n != G_MAXUINT; c++)
    if (memcmp (data + 1 + 32 + 32 + 1, c->id, 8) == 0)
      c->n++;
}

static void
send_relay (TafelLink            *link,
            const TafelPublicKey *from,
            const TafelPublicKey *to,
            const guint8          id[8])
{
  g_autoptr(GByteArray) payload = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  guint8 hops = RELAY_HOPS;

  g_byte_array_append (payload, from->bytes, TAFEL_PUBLIC_KEY_BYTES);
  g_byte_array_append (payload, to->bytes, TAFEL_PUBLIC_KEY_BYTES);
  g_byte_array_append (payload, &hops, 1);
  g_byte_array_append (payload, id, 8);
  g_byte_array_append (payload, (const guint8 *) "signal", 6);
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&payload));
  g_assert_true (tafel_link_send (link, FRAME_RELAY, bytes, NULL));
}

static gboolean
controls_back (gpointer data)
{
  RelayCount *counts = data;

  return counts[1].n >= 1 && counts[2].n >= 1;
}

static gboolean
any_copy (gpointer data)
{
  return ((RelayCount *) data)[0].n > 0;
}

/* V, A and H are all linked. H sends one RELAY, for a peer nobody is
 * linked to, to both V and A at once. Each passes it on to the other (every
 * link but the one it came from), and each then sees it a second time and
 * must drop it by its message id: nothing comes back to H. Without the
 * dedupe the copies bounce between the three until their hops run out.
 * Two relays addressed to H, sent after it, come straight back and show
 * that V and A have passed the first one on. */
static void
test_relay_dedupe (Fixture       *f,
                   gconstpointer  data)
{
  Peer *v = &f->peers[0], *a = &f->peers[1], *h = &f->peers[2];
  AllLinked w = { f, 0, 3, 2 };
  RelayCount counts[] = { { { 0 } }, { { 0 } }, { { 0 } }, { { 0 }, G_MAXUINT } };
  const TafelPublicKey *h_key;
  TafelPublicKey nobody;
  TafelLink *to_v, *to_a;

  if (f->broker == NULL)
    return;

  for (guint i = 0; i < 3; i++)
    peer_start (f, &f->peers[i]);
  g_assert_true (tafel_test_wait_until (all_linked, &w, WAIT_MS));
  h_key = tafel_identity_get_public_key (h->identity);
  to_v = tafel_session_get_link (h->session, tafel_identity_get_public_key (v->identity));
  to_a = tafel_session_get_link (h->session, tafel_identity_get_public_key (a->identity));
  g_signal_connect (to_v, "frame", G_CALLBACK (count_relay), counts);
  g_signal_connect (to_a, "frame", G_CALLBACK (count_relay), counts);
  for (guint i = 0; i < 3; i++)
    tafel_random_bytes (counts[i].id, sizeof counts[i].id);
  tafel_random_bytes (nobody.bytes, sizeof nobody.bytes);

  send_relay (to_v, h_key, &nobody, counts[0].id);
  send_relay (to_a, h_key, &nobody, counts[0].id);
  send_relay (to_v, h_key, h_key, counts[1].id);
  send_relay (to_a, h_key, h_key, counts[2].id);
  g_assert_true (tafel_test_wait_until (controls_back, counts, WAIT_MS));

  /* V and A have each passed the relay on to the other by now; a copy
   * that came back would take milliseconds. (Nothing is to happen, so
   * this waits its whole bound.) */
  g_assert_false (tafel_test_wait_until (any_copy, counts, 2000));
  g_test_message ("copies of the relay back at H: %u", counts[0].n);
  g_assert_cmpuint (counts[0].n, ==, 0);
  g_assert_cmpuint (counts[1].n, ==, 1);
  g_assert_cmpuint (counts[2].n, ==, 1);

  g_signal_handlers_disconnect_by_data (to_v, counts);
  g_signal_handlers_disconnect_by_data (to_a, counts);
}

/* ---- a hostile member ------------------------------------------------------- */

typedef struct
{
  Peer                 *victim;
  const TafelPublicKey *hostile;
  guint                 after;    /* peer-left events before the attack */
} Dropped;

static gboolean
hostile_dropped (gpointer data)
{
  Dropped *d = data;

  return d->victim->left > d->after &&
         memcmp (d->victim->left_keys->pdata[d->victim->left_keys->len - 1], d->hostile,
                 sizeof (TafelPublicKey)) == 0;
}

typedef struct
{
  Peer *a, *b;
} LinkUp;

static gboolean
connected_to (Peer *from,
              Peer *to)
{
  TafelLink *link = tafel_session_get_link (from->session, tafel_identity_get_public_key (to->identity));

  return link != NULL && tafel_link_get_state (link) == TAFEL_LINK_STATE_CONNECTED;
}

/* Both ends count the link as up. */
static gboolean
link_up (gpointer data)
{
  LinkUp *l = data;

  return connected_to (l->a, l->b) && connected_to (l->b, l->a);
}

typedef enum
{
  ATTACK_FLOOD,
  ATTACK_OVERSIZE,
  ATTACK_GARBAGE,
} Attack;

/* H knows the board secret and links like anyone, then turns on V: a flood
 * of (well-formed) frames, a frame beyond the size limit, garbage after the
 * handshake. Each time V drops its link to H with the reason, its link to
 * the honest peer A stays up, and V and A keep drawing and converging. */
static void
test_hostile_member (Fixture       *f,
                     gconstpointer  data)
{
  Peer *v = &f->peers[0], *a = &f->peers[1], *h = &f->peers[2];
  AllLinked w = { f, 0, 3, 2 };
  const TafelPublicKey *v_key, *h_key;
  static const struct { Attack attack; TafelLinkError code; } attacks[] = {
    { ATTACK_FLOOD, TAFEL_LINK_ERROR_PROTOCOL },
    { ATTACK_OVERSIZE, TAFEL_LINK_ERROR_FRAME_TOO_LARGE },
    { ATTACK_GARBAGE, TAFEL_LINK_ERROR_TAMPERED },
  };
  guint records = 0;

  if (f->broker == NULL)
    return;

  for (guint i = 0; i < 3; i++)
    peer_start (f, &f->peers[i]);
  g_assert_true (tafel_test_wait_until (all_linked, &w, WAIT_MS));
  v_key = tafel_identity_get_public_key (v->identity);
  h_key = tafel_identity_get_public_key (h->identity);

  /* H is a member in good standing at first. */
  draw (h, 10);
  draw (v, 10);
  draw (a, 10);
  records += 30;
  wait_converged (f, 0, 3, records);

  for (guint i = 0; i < G_N_ELEMENTS (attacks); i++)
    {
      LinkUp up = { h, v };
      Dropped d = { v, h_key, v->left };
      TafelLink *link;
      const GError *reason;

      g_test_message ("attack %u", i);
      g_assert_true (tafel_test_wait_until (link_up, &up, WAIT_MS));
      link = tafel_session_get_link (h->session, v_key);

      switch (attacks[i].attack)
        {
        case ATTACK_FLOOD:
          {
            g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

            /* Presence keepalives: valid frames, far beyond any honest rate. */
            for (guint j = 0; j < 20000; j++)
              tafel_link_send (link, 0x21, empty, NULL);
          }
          break;

        case ATTACK_OVERSIZE:
          {
            static const guint8 huge[8] = { 0x00, 0x20, 0x00, 0x00, 1, 2, 3, 4 };  /* 2 MiB */
            g_autoptr(GBytes) raw = g_bytes_new_static (huge, sizeof huge);

            tafel_link_test_send_raw (link, raw);
          }
          break;

        case ATTACK_GARBAGE:
          {
            guint8 *bytes = g_malloc (4 + 200);
            g_autoptr(GBytes) raw = NULL;

            tafel_random_bytes (bytes + 4, 200);
            bytes[0] = bytes[1] = bytes[2] = 0;
            bytes[3] = 200;
            raw = g_bytes_new_take (bytes, 4 + 200);
            tafel_link_test_send_raw (link, raw);
          }
          break;
        }

      /* The honest pair keeps drawing meanwhile. */
      draw (v, 3);
      draw (a, 3);
      records += 6;

      g_assert_true (tafel_test_wait_until (hostile_dropped, &d, WAIT_MS));
      reason = v->left_errors->pdata[v->left_errors->len - 1];
      g_assert_nonnull (reason);
      g_test_message ("V dropped H: %s", reason->message);
      g_assert_error ((GError *) reason, TAFEL_LINK_ERROR, (int) attacks[i].code);

      /* Only H was ever dropped; V and A stay linked and converge (H too,
       * through A). */
      for (guint j = 0; j < v->left_keys->len; j++)
        g_assert_cmpmem (v->left_keys->pdata[j], sizeof (TafelPublicKey), h_key, sizeof (TafelPublicKey));
      g_assert_cmpuint (a->left, ==, 0);
      wait_converged (f, 0, 3, records);
    }
}

int
main (int    argc,
      char **argv)
{
  int status;

  tafel_test_init (&argc, &argv);
  strokes = tafel_test_load_strokes ();

#define ADD(name, func) g_test_add ("/tafel/session/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("three-peers", test_three_peers);
  ADD ("late-join", test_late_join);
  ADD ("rejoin", test_rejoin);
  ADD ("broker-restart", test_broker_restart);
  g_test_add_func ("/tafel/session/turn-options", test_turn_options);
  g_test_add_func ("/tafel/session/broker-error", test_broker_error);
  g_test_add_func ("/tafel/session/status-nothing-to-search", test_status_nothing_to_search);
  ADD ("status-alone", test_status_alone);
  ADD ("chat-order", test_chat_order);
  ADD ("hostile-member", test_hostile_member);
  ADD ("relay-dedupe", test_relay_dedupe);

  status = g_test_run ();
  g_array_unref (strokes);
  return status;
}
