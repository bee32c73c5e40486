/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-canvas-controller.h"
#include "tafel-chat-message.h"
#include "tafel-chat-tracker.h"
#include "tafel-core.h"
#include "tafel-people.h"
#include "tafel-presence-feed.h"
#include "tafel-test-channel.h"
#include "tafel-test-util.h"

/* Who is on a board, as the people panel, the canvas and the chat panel
 * see it: you, peers online (through real presence over an in-process
 * channel) and offline authors with profiles (from real records); your
 * profile published as a record; your stroke in progress, pointer and view
 * fed to presence from the canvas controller; unread chat. */

#define WAIT_MS 5000

typedef struct
{
  char            *dir_a, *dir_b;
  TafelIdentity   *id_a, *id_b, *id_c;
  TafelBoard      *a, *b, *c;       /* one board, three devices */
  TafelBoardModel *model_a;
  TafelPresence   *presence_a, *presence_b;
  TafelTestChannel *ch_a, *ch_b;
  char            *dir_c;
} Fixture;

static gboolean
deadline_reached (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @condition holds or WAIT_MS have passed. */
static gboolean
wait_until (gboolean (*condition) (gpointer data),
            gpointer   data)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (WAIT_MS, deadline_reached, &timed_out);
  gboolean met;

  while (!(met = condition (data)) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return met;
}

/* What @from has that @to lacks, as a peer would send it. */
static void
transfer (TafelBoard *from,
          TafelBoard *to)
{
  g_autoptr(TafelVersionVector) have = tafel_log_dup_version_vector (tafel_board_get_log (to));
  g_autoptr(GPtrArray) missing = tafel_log_dup_missing (tafel_board_get_log (from), have);
  g_autoptr(GError) error = NULL;

  guint start = 0;

  /* Per author, in runs signed at their end. */
  while (start < missing->len)
    {
      guint end = start + 1;

      while (end < missing->len &&
             memcmp (tafel_record_get_author (missing->pdata[end]),
                     tafel_record_get_author (missing->pdata[start]), sizeof (TafelPublicKey)) == 0)
        end++;
      tafel_board_receive_run (to, (TafelRecord **) missing->pdata + start, end - start, &error);
      g_assert_no_error (error);
      start = end;
    }
}

static void
commit (TafelBoard *board,
        guint       kind,
        GBytes     *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelRecord) record = tafel_board_commit (board, kind, body, &error);

  g_assert_no_error (error);
  g_bytes_unref (body);
}

static void
commit_profile (TafelBoard *board,
                const char *name,
                guint32     rgba)
{
  TafelProfile profile = { (char *) name, rgba };

  commit (board, TAFEL_RECORD_KIND_PROFILE, tafel_profile_encode (&profile));
}

static void
commit_chat (TafelBoard *board,
             const char *text)
{
  TafelChat chat = { (char *) text };

  commit (board, TAFEL_RECORD_KIND_CHAT, tafel_chat_encode (&chat));
}

static const TafelPublicKey *
key_of (TafelBoard *board)
{
  return tafel_identity_get_public_key (tafel_board_get_identity (board));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir_a = g_dir_make_tmp ("tafel-people-XXXXXX", NULL);
  f->dir_b = g_dir_make_tmp ("tafel-people-XXXXXX", NULL);
  f->dir_c = g_dir_make_tmp ("tafel-people-XXXXXX", NULL);
  f->id_a = tafel_identity_new_ephemeral ();
  f->id_b = tafel_identity_new_ephemeral ();
  f->id_c = tafel_identity_new_ephemeral ();
  f->a = tafel_board_create (f->dir_a, f->id_a, "People", &error);
  g_assert_no_error (error);
  f->b = tafel_board_join (f->dir_b, f->id_b, tafel_board_get_id (f->a), tafel_board_get_secret (f->a),
                           "People", &error);
  g_assert_no_error (error);
  f->c = tafel_board_join (f->dir_c, f->id_c, tafel_board_get_id (f->a), tafel_board_get_secret (f->a),
                           "People", &error);
  g_assert_no_error (error);
  f->model_a = tafel_board_model_new (tafel_board_get_log (f->a));

  /* A's and B's presence, linked. */
  f->presence_a = tafel_presence_new ();
  f->presence_b = tafel_presence_new ();
  tafel_test_channel_new_pair (1 << 20, &f->ch_a, &f->ch_b);
}

static void
link_presence (Fixture *f)
{
  tafel_presence_add_peer (f->presence_a, key_of (f->b), TAFEL_FRAME_CHANNEL (f->ch_a));
  tafel_presence_add_peer (f->presence_b, key_of (f->a), TAFEL_FRAME_CHANNEL (f->ch_b));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->presence_a);
  g_clear_object (&f->presence_b);
  g_clear_object (&f->ch_a);
  g_clear_object (&f->ch_b);
  g_assert_finalize_object (f->model_a);
  g_assert_finalize_object (f->a);
  g_assert_finalize_object (f->b);
  g_assert_finalize_object (f->c);
  g_clear_object (&f->id_a);
  g_clear_object (&f->id_b);
  g_clear_object (&f->id_c);
  g_free (f->dir_a);
  g_free (f->dir_b);
  g_free (f->dir_c);
}

static TafelPerson *
item (TafelPeople *people,
      guint        i)
{
  g_autoptr(TafelPerson) person = g_list_model_get_item (G_LIST_MODEL (people), i);

  g_assert_nonnull (person);
  /* The list holds its own reference. */
  return person;
}

/* ---- Tests --------------------------------------------------------------------- */

static void
test_alone (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(TafelPeople) people = tafel_people_new (f->a, f->model_a);
  g_autofree char *default_name = tafel_person_default_name ();
  TafelPerson *me;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (people)), ==, 1);
  me = item (people, 0);
  g_assert_true (me == tafel_people_get_me (people));
  g_assert_true (tafel_person_get_is_self (me));
  g_assert_true (tafel_person_get_online (me));
  g_assert_cmpstr (tafel_person_get_name (me), ==, default_name);
  g_assert_cmphex (tafel_person_get_rgba (me), ==, tafel_person_color_for_key (key_of (f->a)));
  g_assert_cmpuint (tafel_people_get_n_online (people), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&people));
}

static void
test_colors_and_names (Fixture       *f,
                       gconstpointer  data)
{
  guint32 ca = tafel_person_color_for_key (key_of (f->a));
  guint32 cb = tafel_person_color_for_key (key_of (f->b));
  g_autofree char *na = tafel_person_fallback_name (key_of (f->a));
  g_autofree char *na2 = tafel_person_fallback_name (key_of (f->a));
  g_autofree char *nb = tafel_person_fallback_name (key_of (f->b));
  g_autofree char *hex = tafel_hex_encode (key_of (f->a)->bytes, TAFEL_PUBLIC_KEY_BYTES);

  /* The same key, the same colour and name; others differ (these two
   * random keys could share a colour only by a 1-in-65536 chance). */
  g_assert_cmphex (ca, ==, tafel_person_color_for_key (key_of (f->a)));
  g_assert_cmphex (ca, !=, cb);
  g_assert_cmphex (ca & 0xff, ==, 0xff);
  g_assert_cmpstr (na, ==, na2);
  g_assert_cmpstr (na, !=, nb);
  {
    g_autofree char *prefix = g_strndup (hex, 6);

    g_assert_nonnull (strstr (na, prefix));
  }

  /* Middle lightness: neither near white nor near black. */
  {
    double r = (ca >> 24) / 255.0, g = ((ca >> 16) & 0xff) / 255.0, b = ((ca >> 8) & 0xff) / 255.0;
    double luma = 0.2126 * r + 0.7152 * g + 0.0722 * b;

    g_assert_cmpfloat (luma, >, 0.1);
    g_assert_cmpfloat (luma, <, 0.75);
  }
}

static void
test_my_profile (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(TafelPeople) people = tafel_people_new (f->a, f->model_a);
  TafelLog *log = tafel_board_get_log (f->a);
  g_autoptr(GError) error = NULL;
  g_autofree char *long_name = NULL;
  const char *stored;
  guint32 rgba;
  gboolean committed;
  guint before = tafel_log_get_n_records (log);

  g_assert_true (tafel_people_set_my_profile (people, "Ada", 0x1c71d8ff, &committed, &error));
  g_assert_no_error (error);
  g_assert_true (committed);
  g_assert_cmpuint (tafel_log_get_n_records (log), ==, before + 1);
  g_assert_true (tafel_board_model_get_profile (f->model_a, key_of (f->a), &stored, &rgba));
  g_assert_cmpstr (stored, ==, "Ada");
  g_assert_cmphex (rgba, ==, 0x1c71d8ff);
  g_assert_cmpstr (tafel_person_get_name (tafel_people_get_me (people)), ==, "Ada");

  /* The same again (the board opened once more): no new record. */
  g_assert_true (tafel_people_set_my_profile (people, "Ada", 0x1c71d8ff, &committed, &error));
  g_assert_false (committed);
  g_assert_cmpuint (tafel_log_get_n_records (log), ==, before + 1);

  /* Another colour: a new record, the latest wins. */
  g_assert_true (tafel_people_set_my_profile (people, "Ada", 0x26a269ff, &committed, &error));
  g_assert_true (committed);
  g_assert_true (tafel_board_model_get_profile (f->model_a, key_of (f->a), NULL, &rgba));
  g_assert_cmphex (rgba, ==, 0x26a269ff);

  /* A name too long for a record is cut at a character boundary. */
  long_name = g_strnfill (TAFEL_NAME_MAX_BYTES - 1, 'x');
  {
    g_autofree char *with_umlaut = g_strconcat (long_name, "ü", NULL);  /* one byte too many */

    g_assert_true (tafel_people_set_my_profile (people, with_umlaut, 0x26a269ff, &committed, &error));
    g_assert_no_error (error);
    g_assert_true (tafel_board_model_get_profile (f->model_a, key_of (f->a), &stored, NULL));
    g_assert_cmpstr (stored, ==, long_name);
  }

  /* You are never listed twice, profile or not. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (people)), ==, 1);
  g_assert_finalize_object (g_steal_pointer (&people));
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

static void
test_offline_authors (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(TafelPeople) people = tafel_people_new (f->a, f->model_a);
  g_autofree char *c_name = NULL;
  g_autofree char *c_fallback = tafel_person_fallback_name (key_of (f->c));
  guint changes = 0;

  g_signal_connect (people, "items-changed", G_CALLBACK (on_items_changed), &changes);

  /* B names itself, C only draws. */
  commit_profile (f->b, "bob", 0xe01b24ff);
  commit (f->b, TAFEL_RECORD_KIND_STROKE, tafel_test_stroke_body (5, 1));
  commit (f->c, TAFEL_RECORD_KIND_STROKE, tafel_test_stroke_body (5, 2));
  transfer (f->b, f->a);
  transfer (f->c, f->a);

  g_assert_cmpuint (changes, >=, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (people)), ==, 2);
  g_assert_true (tafel_person_get_is_self (item (people, 0)));
  g_assert_cmpstr (tafel_person_get_name (item (people, 1)), ==, "bob");
  g_assert_cmphex (tafel_person_get_rgba (item (people, 1)), ==, 0xe01b24ff);
  g_assert_false (tafel_person_get_online (item (people, 1)));
  g_assert_null (tafel_person_get_path (item (people, 1)));

  /* C is not listed, but has a name for the chat and the canvas. */
  c_name = tafel_people_dup_name (people, key_of (f->c));
  g_assert_cmpstr (c_name, ==, c_fallback);
  g_assert_cmphex (tafel_people_get_rgba (people, key_of (f->c)), ==,
                   tafel_person_color_for_key (key_of (f->c)));

  /* C names itself "Alice": sorted by name, case aside, after you. */
  commit_profile (f->c, "Alice", 0x26a269ff);
  transfer (f->c, f->a);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (people)), ==, 3);
  g_assert_cmpstr (tafel_person_get_name (item (people, 1)), ==, "Alice");
  g_assert_cmpstr (tafel_person_get_name (item (people, 2)), ==, "bob");

  /* A rename keeps the person object, so rows stay. */
  {
    TafelPerson *bob = item (people, 2);

    commit_profile (f->b, "Bob", 0xe01b24ff);
    transfer (f->b, f->a);
    g_assert_true (item (people, 2) == bob);
    g_assert_cmpstr (tafel_person_get_name (bob), ==, "Bob");
  }
  g_assert_finalize_object (g_steal_pointer (&people));
}

typedef struct
{
  TafelPeople *people;
  guint        joined, left;
  char        *last_joined, *last_left;
} Watch;

static void
on_joined (TafelPeople *people,
           TafelPerson *person,
           Watch       *w)
{
  w->joined++;
  g_free (w->last_joined);
  w->last_joined = g_strdup (tafel_person_get_name (person));
}

static void
on_left (TafelPeople *people,
         TafelPerson *person,
         Watch       *w)
{
  w->left++;
  g_free (w->last_left);
  w->last_left = g_strdup (tafel_person_get_name (person));
}

static gboolean
someone_joined (gpointer data)
{
  return ((Watch *) data)->joined > 0;
}

static gboolean
someone_left (gpointer data)
{
  return ((Watch *) data)->left > 0;
}

static const char *
path_stub (const TafelPublicKey *peer,
           gpointer              user_data)
{
  return "direct";
}

static gboolean
b_knows_ada (gpointer data)
{
  Fixture *f = data;
  const TafelRemotePresence *remote = tafel_presence_lookup (f->presence_b, key_of (f->a));

  return remote != NULL && g_strcmp0 (remote->name, "Ada") == 0;
}

static void
test_online (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(TafelPeople) people = tafel_people_new (f->a, f->model_a);
  Watch w = { people };
  TafelPerson *b;

  /* B is known offline as "Bob"; online it calls itself "Bea". */
  commit_profile (f->b, "Bob", 0xe01b24ff);
  commit_profile (f->c, "Carl", 0x26a269ff);
  transfer (f->b, f->a);
  transfer (f->c, f->a);
  g_signal_connect (people, "person-joined", G_CALLBACK (on_joined), &w);
  g_signal_connect (people, "person-left", G_CALLBACK (on_left), &w);
  tafel_people_set_path_func (people, path_stub, NULL);
  tafel_people_set_presence (people, f->presence_a);
  g_assert_true (tafel_people_get_presence (people) == f->presence_a);

  tafel_presence_set_profile (f->presence_b, "Bea", 0x9141acff);
  link_presence (f);
  g_assert_true (wait_until (someone_joined, &w));
  g_assert_cmpuint (w.joined, ==, 1);
  g_assert_cmpstr (w.last_joined, ==, "Bea");
  g_assert_cmpuint (tafel_people_get_n_online (people), ==, 1);

  /* You, then online, then offline. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (people)), ==, 3);
  b = item (people, 1);
  g_assert_true (tafel_person_get_online (b));
  g_assert_cmpstr (tafel_person_get_name (b), ==, "Bea");
  g_assert_cmphex (tafel_person_get_rgba (b), ==, 0x9141acff);
  g_assert_cmpstr (tafel_person_get_path (b), ==, "direct");
  g_assert_true (tafel_people_lookup (people, key_of (f->b)) == b);
  g_assert_cmpstr (tafel_person_get_name (item (people, 2)), ==, "Carl");
  g_assert_false (tafel_person_get_online (item (people, 2)));

  /* A's own profile goes to B through presence. */
  {
    gboolean committed;

    g_assert_true (tafel_people_set_my_profile (people, "Ada", 0x1c71d8ff, &committed, NULL));
    g_assert_true (wait_until (b_knows_ada, f));
    g_assert_cmphex (tafel_presence_lookup (f->presence_b, key_of (f->a))->rgba, ==, 0x1c71d8ff);
  }

  /* B goes: offline again under its profile's name. */
  tafel_presence_remove_peer (f->presence_a, key_of (f->b));
  g_assert_true (wait_until (someone_left, &w));
  g_assert_cmpuint (w.left, ==, 1);
  g_assert_cmpuint (tafel_people_get_n_online (people), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (people)), ==, 3);
  g_assert_cmpstr (tafel_person_get_name (item (people, 1)), ==, "Bob");
  g_assert_false (tafel_person_get_online (item (people, 1)));
  g_assert_null (tafel_person_get_path (item (people, 1)));

  tafel_people_set_presence (people, NULL);
  g_free (w.last_joined);
  g_free (w.last_left);
  g_assert_finalize_object (g_steal_pointer (&people));
}

/* You close the board (your presence goes): the others are no longer
 * listed as online, but nobody "left": the one who goes is you, and you
 * are not told that the other person did. */
static void
test_going_offline (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(TafelPeople) people = tafel_people_new (f->a, f->model_a);
  Watch w = { people };

  g_signal_connect (people, "person-joined", G_CALLBACK (on_joined), &w);
  g_signal_connect (people, "person-left", G_CALLBACK (on_left), &w);
  tafel_people_set_presence (people, f->presence_a);
  tafel_presence_set_profile (f->presence_b, "Bea", 0x9141acff);
  link_presence (f);
  g_assert_true (wait_until (someone_joined, &w));
  g_assert_cmpuint (tafel_people_get_n_online (people), ==, 1);

  tafel_people_set_presence (people, NULL);
  g_assert_cmpuint (tafel_people_get_n_online (people), ==, 0);
  g_assert_cmpuint (w.left, ==, 0);
  g_assert_null (w.last_left);

  /* Online again: who is here then is announced as it arrives. */
  tafel_people_set_presence (people, f->presence_a);
  g_assert_cmpuint (w.left, ==, 0);

  /* Bea goes: she, by her name, left. */
  tafel_presence_remove_peer (f->presence_a, key_of (f->b));
  g_assert_true (wait_until (someone_left, &w));
  g_assert_cmpuint (w.left, ==, 1);
  g_assert_cmpstr (w.last_left, ==, "Bea");

  tafel_people_set_presence (people, NULL);
  g_free (w.last_joined);
  g_free (w.last_left);
  g_assert_finalize_object (g_steal_pointer (&people));
}

/* ---- Presence feed --------------------------------------------------------------- */

typedef struct
{
  Fixture *f;
  guint    points;
  gboolean drawing;
} RemoteWait;

static gboolean
b_sees_stroke (gpointer data)
{
  RemoteWait *w = data;
  const TafelRemotePresence *r = tafel_presence_lookup (w->f->presence_b, key_of (w->f->a));

  if (r == NULL)
    return FALSE;
  if (!w->drawing)
    return !r->drawing;
  return r->drawing && r->stroke_points->len == w->points;
}

static gboolean
b_sees_viewport (gpointer data)
{
  RemoteWait *w = data;
  const TafelRemotePresence *r = tafel_presence_lookup (w->f->presence_b, key_of (w->f->a));

  return r != NULL && r->has_viewport && r->viewport.width == 800 && r->has_cursor && r->cursor_x == 42;
}

static void
send_pointer (TafelCanvasController *controller,
              TafelPointerPhase      phase,
              double                 x,
              double                 y,
              gint64                 ms)
{
  TafelPointerEvent event = { phase, TAFEL_INPUT_PEN, 0, x, y, 0.5, ms * 1000 };

  tafel_canvas_controller_pointer (controller, &event);
}

static void
test_presence_feed (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(TafelHistory) history = tafel_history_new (f->model_a, key_of (f->a));
  g_autoptr(TafelCanvasController) controller = tafel_canvas_controller_new (f->a, f->model_a, history);
  g_autoptr(TafelPresenceFeed) feed = tafel_presence_feed_new (controller);
  RemoteWait w = { f, 0, TRUE };
  const TafelRemotePresence *r;
  TafelRect viewport = { -10, 20, 800, 600 };
  const TafelStroke *live;

  /* The view and pointer set before going online arrive once linked. */
  tafel_presence_feed_set_viewport (feed, &viewport);
  tafel_presence_feed_set_cursor (feed, TRUE, 42, 43);
  tafel_presence_feed_set_presence (feed, f->presence_a);
  link_presence (f);
  g_assert_true (wait_until (b_sees_viewport, &w));
  r = tafel_presence_lookup (f->presence_b, key_of (f->a));
  g_assert_cmpfloat (r->viewport.x, ==, -10);
  g_assert_cmpfloat (r->cursor_y, ==, 43);
  g_assert_false (r->drawing);

  /* B sees the stroke grow before the pen is lifted, point for point. */
  tafel_canvas_controller_set_tool (controller, TAFEL_CANVAS_TOOL_PEN);
  send_pointer (controller, TAFEL_POINTER_DOWN, 0, 0, 0);
  for (int i = 1; i <= 20; i++)
    send_pointer (controller, TAFEL_POINTER_MOTION, i * 10, i * 3, i * 8);
  live = tafel_canvas_controller_get_live_stroke (controller);
  g_assert_nonnull (live);
  w.points = live->n_points;
  g_assert_true (wait_until (b_sees_stroke, &w));
  r = tafel_presence_lookup (f->presence_b, key_of (f->a));
  g_assert_cmpfloat (g_array_index (r->stroke_points, TafelPoint, 5).x, ==, live->points[5].x);
  g_assert_cmphex (r->stroke_rgba, ==, live->rgba);

  for (int i = 21; i <= 40; i++)
    send_pointer (controller, TAFEL_POINTER_MOTION, i * 10, 60 - i, i * 8);
  w.points = tafel_canvas_controller_get_live_stroke (controller)->n_points;
  g_assert_true (wait_until (b_sees_stroke, &w));

  /* Lifted: committed, and the stroke in progress is gone for B. */
  send_pointer (controller, TAFEL_POINTER_UP, 400, 20, 400);
  g_assert_cmpuint (tafel_board_model_get_n_visible (f->model_a), ==, 1);
  w.drawing = FALSE;
  g_assert_true (wait_until (b_sees_stroke, &w));

  /* A second stroke starts afresh, and Escape cancels it for B too. */
  send_pointer (controller, TAFEL_POINTER_DOWN, 0, 100, 500);
  send_pointer (controller, TAFEL_POINTER_MOTION, 50, 100, 510);
  send_pointer (controller, TAFEL_POINTER_MOTION, 100, 100, 520);
  w.drawing = TRUE;
  w.points = 3;
  g_assert_true (wait_until (b_sees_stroke, &w));
  g_assert_true (tafel_canvas_controller_cancel (controller));
  w.drawing = FALSE;
  g_assert_true (wait_until (b_sees_stroke, &w));
  g_assert_cmpuint (tafel_board_model_get_n_visible (f->model_a), ==, 1);

  tafel_presence_feed_set_presence (feed, NULL);
  g_assert_finalize_object (g_steal_pointer (&feed));
  g_assert_finalize_object (g_steal_pointer (&controller));
  g_assert_finalize_object (g_steal_pointer (&history));
}

/* ---- Chat ------------------------------------------------------------------------ */

typedef struct
{
  guint     batches;
  GPtrArray *texts;
} Arrivals;

static void
on_arrived (TafelChatTracker *tracker,
            GPtrArray        *messages,
            Arrivals         *arrivals)
{
  arrivals->batches++;
  for (guint i = 0; i < messages->len; i++)
    g_ptr_array_add (arrivals->texts, g_strdup (tafel_chat_message_get_text (messages->pdata[i])));
}

static void
test_chat_tracker (Fixture       *f,
                   gconstpointer  data)
{
  GListModel *chat = tafel_board_model_get_chat (f->model_a);
  g_autoptr(TafelChatTracker) tracker = NULL;
  g_autoptr(TafelChatTracker) late = NULL;
  Arrivals arrivals = { 0, g_ptr_array_new_with_free_func (g_free) };

  /* Read before the tracker was there: not new. */
  commit_chat (f->b, "hello from before");
  transfer (f->b, f->a);
  tracker = tafel_chat_tracker_new (chat, key_of (f->a));
  g_signal_connect (tracker, "arrived", G_CALLBACK (on_arrived), &arrivals);
  g_assert_cmpuint (tafel_chat_tracker_get_unread (tracker), ==, 0);

  /* Your own messages are never unread. */
  commit_chat (f->a, "my own");
  g_assert_cmpuint (tafel_chat_tracker_get_unread (tracker), ==, 0);
  g_assert_cmpuint (arrivals.batches, ==, 0);

  /* Two from B and one from C arrive while the panel is closed. */
  commit_chat (f->b, "one");
  commit_chat (f->b, "two");
  commit_chat (f->c, "three");
  transfer (f->b, f->a);
  transfer (f->c, f->a);
  g_assert_cmpuint (tafel_chat_tracker_get_unread (tracker), ==, 3);
  g_assert_cmpuint (arrivals.texts->len, ==, 3);
  g_assert_cmpuint (arrivals.batches, >=, 1);

  /* Opening the panel reads them; what comes while it is open is read. */
  tafel_chat_tracker_set_reading (tracker, TRUE);
  g_assert_true (tafel_chat_tracker_get_reading (tracker));
  g_assert_cmpuint (tafel_chat_tracker_get_unread (tracker), ==, 0);
  commit_chat (f->c, "four");
  transfer (f->c, f->a);
  g_assert_cmpuint (tafel_chat_tracker_get_unread (tracker), ==, 0);
  g_assert_cmpstr (g_ptr_array_index (arrivals.texts, arrivals.texts->len - 1), ==, "four");

  /* Closed again: counting starts from nothing. */
  tafel_chat_tracker_set_reading (tracker, FALSE);
  commit_chat (f->b, "five");
  transfer (f->b, f->a);
  g_assert_cmpuint (tafel_chat_tracker_get_unread (tracker), ==, 1);

  /* A tracker made now has nothing unread. */
  late = tafel_chat_tracker_new (chat, key_of (f->a));
  g_assert_cmpuint (tafel_chat_tracker_get_unread (late), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (chat), ==, 7);

  g_ptr_array_unref (arrivals.texts);
  g_assert_finalize_object (g_steal_pointer (&tracker));
  g_assert_finalize_object (g_steal_pointer (&late));
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

#define ADD(name, func) g_test_add ("/tafel/people/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("alone", test_alone);
  ADD ("colors-and-names", test_colors_and_names);
  ADD ("my-profile", test_my_profile);
  ADD ("offline-authors", test_offline_authors);
  ADD ("online", test_online);
  ADD ("going-offline", test_going_offline);
  ADD ("presence-feed", test_presence_feed);
  ADD ("chat-tracker", test_chat_tracker);

  return g_test_run ();
}
