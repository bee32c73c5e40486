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
  ADD ("/tafel/presence/garbage-ignored", test_garbage_ignored);

  return g_test_run ();
}
