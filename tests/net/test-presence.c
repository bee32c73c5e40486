/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-crypto.h"
#include "tafel-presence.h"

#include "tafel-net-test-util.h"
#include "tafel-test-util.h"
#include "tafel-test-channel.h"

typedef struct
{
  TafelPresence    *a, *b;
  TafelPublicKey    key_a, key_b;
  TafelTestChannel *ch_a, *ch_b;
  guint             b_changes;     /* ::peer-changed at b */
  guint             b_left;
  guint             b_max_points_seen_while_drawing;
} Fixture;

static void
on_b_changed (TafelPresence        *presence,
              const TafelPublicKey *peer,
              guint                 changes,
              Fixture              *f)
{
  const TafelRemotePresence *remote = tafel_presence_lookup (presence, peer);

  f->b_changes++;
  if (remote->drawing)
    f->b_max_points_seen_while_drawing = MAX (f->b_max_points_seen_while_drawing, remote->stroke_points->len);
}

static void
on_b_left (TafelPresence        *presence,
           const TafelPublicKey *peer,
           Fixture              *f)
{
  f->b_left++;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  tafel_random_bytes (f->key_a.bytes, sizeof f->key_a.bytes);
  tafel_random_bytes (f->key_b.bytes, sizeof f->key_b.bytes);
  f->a = tafel_presence_new ();
  f->b = tafel_presence_new ();
  g_signal_connect (f->b, "peer-changed", G_CALLBACK (on_b_changed), f);
  g_signal_connect (f->b, "peer-left", G_CALLBACK (on_b_left), f);
  tafel_test_channel_new_pair (1 << 20, &f->ch_a, &f->ch_b);
  tafel_presence_add_peer (f->a, &f->key_b, TAFEL_FRAME_CHANNEL (f->ch_a));
  tafel_presence_add_peer (f->b, &f->key_a, TAFEL_FRAME_CHANNEL (f->ch_b));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->a);
  g_clear_object (&f->b);
  g_clear_object (&f->ch_a);
  g_clear_object (&f->ch_b);
}

typedef struct { Fixture *f; double x, y; } CursorWait;

static gboolean
b_sees_cursor (gpointer data)
{
  CursorWait *w = data;
  const TafelRemotePresence *r = tafel_presence_lookup (w->f->b, &w->f->key_a);
  return r != NULL && r->has_cursor && r->cursor_x == w->x && r->cursor_y == w->y;
}

static void
test_cursor_and_profile (Fixture       *f,
                         gconstpointer  data)
{
  CursorWait w = { f, 120.5, -40.25 };
  const TafelRemotePresence *r;

  tafel_presence_set_profile (f->a, "Ada", 0xe01b24ff);
  tafel_presence_set_cursor (f->a, TRUE, w.x, w.y);
  g_assert_true (tafel_test_wait_until (b_sees_cursor, &w, 5000));

  r = tafel_presence_lookup (f->b, &f->key_a);
  g_assert_cmpstr (r->name, ==, "Ada");
  g_assert_cmpuint (r->rgba, ==, 0xe01b24ff);

  /* Many moves in a burst: b ends at the last one, after few frames. */
  {
    guint frames_before = tafel_test_channel_get_frames_sent (f->ch_a);
    gint64 start = g_get_monotonic_time ();
    guint frames;
    double elapsed_s;

    for (int i = 0; i < 500; i++)
      tafel_presence_set_cursor (f->a, TRUE, i, i);
    w.x = w.y = 499;
    g_assert_true (tafel_test_wait_until (b_sees_cursor, &w, 5000));
    frames = tafel_test_channel_get_frames_sent (f->ch_a) - frames_before;
    elapsed_s = (g_get_monotonic_time () - start) / 1e6;
    g_test_message ("500 cursor moves → %u frames in %.3f s", frames, elapsed_s);
    /* Coalesced to the frame rate: at most one frame per interval, plus one. */
    g_assert_cmpuint (frames, <=, 2 + (guint) (elapsed_s * TAFEL_PRESENCE_MAX_RATE));
  }
}

typedef struct { Fixture *f; guint n; } PointsWait;

static gboolean
b_sees_points (gpointer data)
{
  PointsWait *w = data;
  const TafelRemotePresence *r = tafel_presence_lookup (w->f->b, &w->f->key_a);
  return r != NULL && r->drawing && r->stroke_points->len >= w->n;
}

static gboolean
b_sees_no_stroke (gpointer data)
{
  Fixture *f = data;
  const TafelRemotePresence *r = tafel_presence_lookup (f->b, &f->key_a);
  return r != NULL && !r->drawing;
}

static void
test_stroke_in_progress (Fixture       *f,
                         gconstpointer  data)
{
  const TafelRemotePresence *r;
  PointsWait w = { f, 0 };

  tafel_presence_begin_stroke (f->a, TAFEL_TOOL_PEN, 0x1c71d8ff, 3.f);
  for (guint i = 0; i < 300; i++)
    {
      TafelPoint p = { i * 0.5f, i * 0.25f, (i % 100) / 100.f };

      tafel_presence_add_points (f->a, &p, 1);
      /* b sees the stroke grow while the pen is still down. */
      if (i % 50 == 49)
        {
          w.n = i + 1;
          g_assert_true (tafel_test_wait_until (b_sees_points, &w, 5000));
        }
    }

  r = tafel_presence_lookup (f->b, &f->key_a);
  g_assert_cmpuint (r->stroke_points->len, ==, 300);
  g_assert_cmpuint (r->stroke_tool, ==, TAFEL_TOOL_PEN);
  g_assert_cmpuint (r->stroke_rgba, ==, 0x1c71d8ff);
  for (guint i = 0; i < 300; i++)
    {
      TafelPoint *p = &g_array_index (r->stroke_points, TafelPoint, i);

      g_assert_cmpfloat (p->x, ==, i * 0.5f);
      g_assert_cmpfloat (p->y, ==, i * 0.25f);
      g_assert_cmpfloat_with_epsilon (p->pressure, (i % 100) / 100.f, 1.f / 255.f);
    }
  g_assert_cmpuint (f->b_max_points_seen_while_drawing, >=, 250);

  tafel_presence_end_stroke (f->a);
  g_assert_true (tafel_test_wait_until (b_sees_no_stroke, f, 5000));
}

/* A peer that links up in the middle of a stroke gets it from its first point. */
static void
test_join_mid_stroke (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(TafelPresence) c = tafel_presence_new ();
  g_autoptr(TafelTestChannel) to_c = NULL, from_a = NULL;
  TafelPublicKey key_c;
  TafelPoint points[40];
  const TafelRemotePresence *r;

  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    points[i] = (TafelPoint) { i, i, 0.5f };
  tafel_presence_begin_stroke (f->a, TAFEL_TOOL_HIGHLIGHTER, 0xf6d32d80, 12.f);
  tafel_presence_add_points (f->a, points, G_N_ELEMENTS (points));

  tafel_random_bytes (key_c.bytes, sizeof key_c.bytes);
  tafel_test_channel_new_pair (1 << 20, &to_c, &from_a);
  tafel_presence_add_peer (f->a, &key_c, TAFEL_FRAME_CHANNEL (to_c));
  tafel_presence_add_peer (c, &f->key_a, TAFEL_FRAME_CHANNEL (from_a));

  {
    PointsWait w = { f, 40 };
    Fixture shadow = *f;
    shadow.b = c;
    w.f = &shadow;
    g_assert_true (tafel_test_wait_until (b_sees_points, &w, 5000));
  }
  r = tafel_presence_lookup (c, &f->key_a);
  g_assert_cmpuint (r->stroke_points->len, ==, 40);
  g_assert_cmpuint (r->stroke_tool, ==, TAFEL_TOOL_HIGHLIGHTER);
  g_assert_cmpfloat (g_array_index (r->stroke_points, TafelPoint, 0).x, ==, 0.f);
}

static gboolean
b_left_once (gpointer data)
{
  return ((Fixture *) data)->b_left >= 1;
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  CursorWait w = { f, 1, 2 };

  tafel_presence_set_timeout (f->b, 1500);
  tafel_presence_set_cursor (f->a, TRUE, 1, 2);
  g_assert_true (tafel_test_wait_until (b_sees_cursor, &w, 5000));

  /* a goes silent: it vanishes without a goodbye. */
  g_clear_object (&f->a);
  g_assert_true (tafel_test_wait_until (b_left_once, f, 5000));
  g_assert_null (tafel_presence_lookup (f->b, &f->key_a));
}

/* The real timeout (TAFEL_PRESENCE_TIMEOUT_MS, 10 s) and the keepalive that
 * keeps a quiet peer present, at their real values. b has two peers: a is
 * there but has nothing new to say; c goes silent without a goodbye (its
 * channel stays open, as when its process hangs). c is gone once it has
 * been silent for the whole timeout, not before, and soon after; a stays
 * through two and a half timeouts on keepalives alone. */
typedef struct
{
  TafelPublicKey key;
  gint64         left_at;     /* monotonic µs, 0 while present */
} Departure;

static void
on_departure (TafelPresence        *presence,
              const TafelPublicKey *peer,
              Departure            *d)
{
  if (tafel_key_equal (peer, &d->key) && d->left_at == 0)
    d->left_at = g_get_monotonic_time ();
}

static gboolean
has_left (gpointer data)
{
  return ((Departure *) data)->left_at != 0;
}

static void
test_timeout_real (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(TafelPresence) c = tafel_presence_new ();
  g_autoptr(TafelTestChannel) c_to_b = NULL, b_from_c = NULL;
  TafelPublicKey key_c;
  Departure a_left = { f->key_a }, c_left = { { { 0 } } };
  CursorWait seen_a = { f, 3, 4 };
  gint64 c_last_heard, idle_from;
  guint a_frames;
  double c_gone_s, idle_s;

  tafel_random_bytes (key_c.bytes, sizeof key_c.bytes);
  c_left.key = key_c;
  tafel_test_channel_new_pair (1 << 20, &c_to_b, &b_from_c);
  tafel_presence_add_peer (c, &f->key_b, TAFEL_FRAME_CHANNEL (c_to_b));
  tafel_presence_add_peer (f->b, &key_c, TAFEL_FRAME_CHANNEL (b_from_c));
  g_signal_connect (f->b, "peer-left", G_CALLBACK (on_departure), &a_left);
  g_signal_connect (f->b, "peer-left", G_CALLBACK (on_departure), &c_left);

  tafel_presence_set_cursor (f->a, TRUE, 3, 4);
  tafel_presence_set_cursor (c, TRUE, 5, 6);
  g_assert_true (tafel_test_wait_until (b_sees_cursor, &seen_a, 5000));
  {
    Fixture shadow = *f;
    CursorWait seen_c = { &shadow, 5, 6 };

    shadow.key_a = key_c;
    g_assert_true (tafel_test_wait_until (b_sees_cursor, &seen_c, 5000));
  }

  /* c goes silent; a has nothing more to say from here on. */
  g_clear_object (&c);
  c_last_heard = tafel_presence_lookup (f->b, &key_c)->last_heard;
  idle_from = g_get_monotonic_time ();
  a_frames = tafel_test_channel_get_frames_sent (f->ch_a);

  g_assert_true (tafel_test_wait_until (has_left, &c_left, TAFEL_PRESENCE_TIMEOUT_MS * 3));
  c_gone_s = (c_left.left_at - c_last_heard) / 1e6;
  g_test_message ("c was gone %.2f s after b last heard from it (timeout %d ms)", c_gone_s,
                  TAFEL_PRESENCE_TIMEOUT_MS);
  g_assert_null (tafel_presence_lookup (f->b, &key_c));
  /* Not before the timeout; after it, only a hang would take this long. */
  g_assert_cmpfloat (c_gone_s, >=, TAFEL_PRESENCE_TIMEOUT_MS / 1e3);
  g_assert_cmpfloat (c_gone_s, <, TAFEL_PRESENCE_TIMEOUT_MS / 1e3 * 2.5);

  /* Two and a half timeouts of a's silence in all: a stays. (The time is
   * the scenario here, not a wait for an event.) */
  g_assert_false (tafel_test_wait_until (has_left, &a_left,
                                         TAFEL_PRESENCE_TIMEOUT_MS * 5 / 2 -
                                         (g_get_monotonic_time () - idle_from) / 1000));
  idle_s = (g_get_monotonic_time () - idle_from) / 1e6;
  a_frames = tafel_test_channel_get_frames_sent (f->ch_a) - a_frames;
  g_test_message ("a stayed present through %.1f s of idleness on %u keepalives", idle_s, a_frames);
  g_assert_cmpfloat (idle_s, >=, TAFEL_PRESENCE_TIMEOUT_MS / 1e3 * 2.5);
  g_assert_nonnull (tafel_presence_lookup (f->b, &f->key_a));
  g_assert_cmpuint (f->b_left, ==, 1);
  /* Keepalives, not a stream of frames: a few per timeout. */
  g_assert_cmpuint (a_frames, >=, 2);
  g_assert_cmpuint (a_frames, <=, (guint) idle_s + 1);

  g_signal_handlers_disconnect_by_data (f->b, &a_left);
  g_signal_handlers_disconnect_by_data (f->b, &c_left);
}

static void
test_garbage_ignored (Fixture       *f,
                      gconstpointer  data)
{
  static const guint8 bad[][12] = {
    { 0x20, 0xff },                             /* unknown flags */
    { 0x20, 0x01, 0x02, 0, 0, 0, 0, 0, 0 },     /* inside flag 2, truncated */
    { 0x20, 0x08, 1, 0, 0, 0, 0x00, 0x05 },     /* points for no stroke */
    { 0x20, 0x01, 0x01, 0x00, 0x00, 0xc0, 0x7f, 0, 0, 0, 0 }, /* NaN */
  };
  CursorWait w = { f, 7, 8 };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) frame = g_bytes_new (bad[i], sizeof bad[i]);
      tafel_frame_channel_send (TAFEL_FRAME_CHANNEL (f->ch_a), frame);
    }
  tafel_presence_set_cursor (f->a, TRUE, 7, 8);
  g_assert_true (tafel_test_wait_until (b_sees_cursor, &w, 5000));
  g_assert_false (tafel_presence_lookup (f->b, &f->key_a)->drawing);
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/tafel/presence/cursor-and-profile", test_cursor_and_profile);
  ADD ("/tafel/presence/stroke-in-progress", test_stroke_in_progress);
  ADD ("/tafel/presence/join-mid-stroke", test_join_mid_stroke);
  ADD ("/tafel/presence/timeout", test_timeout);
  ADD ("/tafel/presence/timeout-real", test_timeout_real);
  ADD ("/tafel/presence/garbage-ignored", test_garbage_ignored);

  return g_test_run ();
}
