/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-core.h"
#include "tafel-board-model-private.h"
#include "tafel-test-peer.h"
#include "tafel-test-util.h"

/* The board-state digest is every multi-peer test's proof of convergence,
 * so it must see everything a person sees: here, two boards that differ
 * in one visible attribute only (a transform's each component, whether an
 * object shows, the order objects lie in, a stroke's colour or width, a
 * text, a profile's name or colour, a chat message) have different
 * digests, and boards that show the same have the same one. A stroke's
 * colour and width and a text's words enter the digest through the
 * object's id, the hash of the signed record that holds them; each check
 * was seen to fail with its part of the digest left out. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestPeer, test_peer_free)

/* Two replicas of one author (one identity), so that equal records are
 * equal on both. */
typedef struct
{
  TestPeer *a;
  TestPeer *b;
} Pair;

static Pair
pair_new (void)
{
  Pair p = { test_peer_new (), test_peer_new () };

  g_object_unref (p.b->identity);
  p.b->identity = g_object_ref (p.a->identity);
  return p;
}

static void
pair_free (Pair *p)
{
  test_peer_free (p->a);
  test_peer_free (p->b);
}

/* Commits the same record on both. */
static TafelRecord *
both (Pair    *p,
      guint64  lamport,
      guint    kind,
      GBytes  *body)
{
  TafelRecord *record = test_peer_sign (p->a, lamport, kind, body);
  g_autoptr(TafelRecord) again = test_peer_sign (p->b, lamport, kind, body);

  g_assert_true (tafel_hash_equal (tafel_record_get_id (record), tafel_record_get_id (again)));
  g_assert_true (tafel_log_add (p->a->log, record, NULL));
  g_assert_true (tafel_log_add (p->b->log, again, NULL));
  return record;
}

static void
one (TestPeer *peer,
     guint64   lamport,
     guint     kind,
     GBytes   *body)
{
  g_autoptr(TafelRecord) record = test_peer_sign (peer, lamport, kind, body);

  g_assert_true (tafel_log_add (peer->log, record, NULL));
}

static void
assert_digests (Pair     *p,
                gboolean  equal)
{
  g_autofree char *da = test_digest_hex (p->a->model);
  g_autofree char *db = test_digest_hex (p->b->model);

  if (equal)
    g_assert_cmpstr (da, ==, db);
  else
    g_assert_cmpstr (da, !=, db);
}

/* ---- transforms: each component on its own ---------------------------------- */

static void
check_transform (const TafelTransform *t,
                 gboolean              equal)
{
  Pair p = pair_new ();
  g_autoptr(GBytes) body = test_line_stroke_body (0, 0, 100, 50, 6, 3);
  g_autoptr(TafelRecord) stroke = both (&p, 1, TAFEL_RECORD_KIND_STROKE, body);
  TafelTransform base = { 2, 0.5, 10, -20 };
  g_autoptr(GBytes) xa = test_transform_body (tafel_record_get_id (stroke), &base, 1);
  g_autoptr(GBytes) xb = test_transform_body (tafel_record_get_id (stroke), t, 1);

  one (p.a, 2, TAFEL_RECORD_KIND_TRANSFORM, xa);
  one (p.b, 2, TAFEL_RECORD_KIND_TRANSFORM, xb);
  assert_digests (&p, equal);
  pair_free (&p);
}

static void
test_translation_x (void)
{
  check_transform (&(TafelTransform) { 2, 0.5, 10.125, -20 }, FALSE);
}

static void
test_translation_y (void)
{
  check_transform (&(TafelTransform) { 2, 0.5, 10, -19 }, FALSE);
}

static void
test_scale_x (void)
{
  check_transform (&(TafelTransform) { 3, 0.5, 10, -20 }, FALSE);
}

static void
test_scale_y (void)
{
  check_transform (&(TafelTransform) { 2, 0.25, 10, -20 }, FALSE);
}

/* The same transform by another record: the board looks the same. */
static void
test_same_transform (void)
{
  check_transform (&(TafelTransform) { 2, 0.5, 10, -20 }, TRUE);
}

/* Moved, or never moved at all. */
static void
test_moved_or_not (void)
{
  Pair p = pair_new ();
  g_autoptr(GBytes) body = test_line_stroke_body (0, 0, 100, 50, 6, 3);
  g_autoptr(TafelRecord) stroke = both (&p, 1, TAFEL_RECORD_KIND_STROKE, body);
  TafelTransform moved = { 1, 1, 0, 1 };
  TafelTransform back = { 1, 1, 0, 0 };
  g_autoptr(GBytes) there = test_transform_body (tafel_record_get_id (stroke), &moved, 1);
  g_autoptr(GBytes) home = test_transform_body (tafel_record_get_id (stroke), &back, 1);

  one (p.a, 2, TAFEL_RECORD_KIND_TRANSFORM, there);
  assert_digests (&p, FALSE);
  /* Moved back where it was: the same board as never moved. */
  one (p.a, 3, TAFEL_RECORD_KIND_TRANSFORM, home);
  assert_digests (&p, TRUE);
  pair_free (&p);
}

/* ---- visibility ---------------------------------------------------------------- */

static void
test_visibility (void)
{
  Pair p = pair_new ();
  g_autoptr(GBytes) b1 = test_line_stroke_body (0, 0, 10, 10, 4, 2);
  g_autoptr(GBytes) b2 = test_line_stroke_body (20, 0, 30, 10, 4, 2);
  g_autoptr(TafelRecord) s1 = both (&p, 1, TAFEL_RECORD_KIND_STROKE, b1);
  g_autoptr(TafelRecord) s2 = both (&p, 2, TAFEL_RECORD_KIND_STROKE, b2);
  g_autoptr(GBytes) erase = test_set_body (tafel_record_get_id (s2), 1);
  g_autoptr(GBytes) restore = test_set_body (tafel_record_get_id (s2), 1);

  one (p.a, 3, TAFEL_RECORD_KIND_ERASE, erase);
  assert_digests (&p, FALSE);
  one (p.a, 4, TAFEL_RECORD_KIND_RESTORE, restore);
  assert_digests (&p, TRUE);
  (void) s1;
  pair_free (&p);
}

/* ---- z-order --------------------------------------------------------------------- */

/* The same two crossing strokes, one above the other or below it. On main
 * an object's place in z-order follows from its record (lamport, author),
 * so two boards holding the same records always stack them alike: the
 * test reorders one model's stack directly. Once records can raise or
 * lower an object, the same check applies to a board that received one. */
static void
test_z_order (void)
{
  Pair p = pair_new ();
  g_autoptr(GBytes) b1 = test_line_stroke_body (0, 0, 50, 50, 4, 8);
  g_autoptr(GBytes) b2 = test_line_stroke_body (0, 50, 50, 0, 4, 8);
  g_autoptr(TafelRecord) s1 = both (&p, 1, TAFEL_RECORD_KIND_STROKE, b1);
  g_autoptr(TafelRecord) s2 = both (&p, 2, TAFEL_RECORD_KIND_STROKE, b2);
  GArray *zorder = p.b->model->zorder;
  guint32 bottom;

  assert_digests (&p, TRUE);
  g_assert_cmpuint (zorder->len, ==, 2);
  bottom = g_array_index (zorder, guint32, 0);
  g_array_index (zorder, guint32, 0) = g_array_index (zorder, guint32, 1);
  g_array_index (zorder, guint32, 1) = bottom;
  p.b->model->digest_valid = FALSE;
  g_assert_cmpuint (tafel_board_model_get_n_visible (p.b->model), ==, 2);
  assert_digests (&p, FALSE);
  (void) s1;
  (void) s2;
  pair_free (&p);
}

/* ---- what an object looks like ---------------------------------------------------- */

static void
check_stroke_look (guint32 rgba_b,
                   float   width_b)
{
  Pair p = pair_new ();
  TafelPoint points[] = { { 0, 0, 0.5f }, { 10, 5, 0.5f }, { 20, 0, 0.5f } };
  g_autoptr(GBytes) ba = test_stroke_body (points, 3, 2.0f, 0x1c71d8ff, TAFEL_TOOL_PEN);
  g_autoptr(GBytes) bb = test_stroke_body (points, 3, width_b, rgba_b, TAFEL_TOOL_PEN);

  one (p.a, 1, TAFEL_RECORD_KIND_STROKE, ba);
  one (p.b, 1, TAFEL_RECORD_KIND_STROKE, bb);
  assert_digests (&p, FALSE);
  pair_free (&p);
}

static void
test_colour (void)
{
  check_stroke_look (0xe01b24ff, 2.0f);
}

static void
test_width (void)
{
  check_stroke_look (0x1c71d8ff, 2.5f);
}

static void
test_text (void)
{
  Pair p = pair_new ();
  g_autoptr(GBytes) ta = test_text_body (5, 5, "Tafel", 16, 0x000000ff);
  g_autoptr(GBytes) tb = test_text_body (5, 5, "Tafe1", 16, 0x000000ff);

  one (p.a, 1, TAFEL_RECORD_KIND_TEXT, ta);
  one (p.b, 1, TAFEL_RECORD_KIND_TEXT, tb);
  assert_digests (&p, FALSE);
  pair_free (&p);
}

/* ---- people and chat ----------------------------------------------------------------- */

static void
test_profile_name (void)
{
  Pair p = pair_new ();
  g_autoptr(GBytes) pa = test_profile_body ("Ada", 0x26a269ff);
  g_autoptr(GBytes) pb = test_profile_body ("Ida", 0x26a269ff);

  one (p.a, 1, TAFEL_RECORD_KIND_PROFILE, pa);
  one (p.b, 1, TAFEL_RECORD_KIND_PROFILE, pb);
  assert_digests (&p, FALSE);
  pair_free (&p);
}

static void
test_profile_colour (void)
{
  Pair p = pair_new ();
  g_autoptr(GBytes) pa = test_profile_body ("Ada", 0x26a269ff);
  g_autoptr(GBytes) pb = test_profile_body ("Ada", 0x26a26aff);

  one (p.a, 1, TAFEL_RECORD_KIND_PROFILE, pa);
  one (p.b, 1, TAFEL_RECORD_KIND_PROFILE, pb);
  assert_digests (&p, FALSE);
  pair_free (&p);
}

/* The latest profile counts, not every profile ever published. */
static void
test_profile_latest (void)
{
  Pair p = pair_new ();
  g_autoptr(GBytes) old = test_profile_body ("Ad", 0x000000ff);
  g_autoptr(GBytes) now = test_profile_body ("Ada", 0x26a269ff);

  one (p.a, 1, TAFEL_RECORD_KIND_PROFILE, old);
  one (p.a, 2, TAFEL_RECORD_KIND_PROFILE, now);
  one (p.b, 1, TAFEL_RECORD_KIND_PROFILE, now);
  assert_digests (&p, TRUE);
  pair_free (&p);
}

static void
test_chat (void)
{
  Pair p = pair_new ();
  g_autoptr(GBytes) ca = test_chat_body ("see you at nine");
  g_autoptr(GBytes) cb = test_chat_body ("see you at ten");

  one (p.a, 1, TAFEL_RECORD_KIND_CHAT, ca);
  one (p.b, 1, TAFEL_RECORD_KIND_CHAT, cb);
  assert_digests (&p, FALSE);
  pair_free (&p);

  /* A message, or none. */
  p = pair_new ();
  one (p.a, 1, TAFEL_RECORD_KIND_CHAT, ca);
  assert_digests (&p, FALSE);
  pair_free (&p);
}

/* What nobody sees does not count: a record of a newer kind. */
static void
test_unseen (void)
{
  Pair p = pair_new ();
  g_autoptr(GBytes) stroke = test_line_stroke_body (0, 0, 10, 10, 3, 2);
  g_autoptr(GBytes) newer = g_bytes_new_static ("from the future", 15);
  g_autoptr(TafelRecord) s = both (&p, 1, TAFEL_RECORD_KIND_STROKE, stroke);

  one (p.a, 2, 100, newer);
  assert_digests (&p, TRUE);
  pair_free (&p);
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/digest/translation-x", test_translation_x);
  g_test_add_func ("/tafel/digest/translation-y", test_translation_y);
  g_test_add_func ("/tafel/digest/scale-x", test_scale_x);
  g_test_add_func ("/tafel/digest/scale-y", test_scale_y);
  g_test_add_func ("/tafel/digest/same-transform", test_same_transform);
  g_test_add_func ("/tafel/digest/moved-or-not", test_moved_or_not);
  g_test_add_func ("/tafel/digest/visibility", test_visibility);
  g_test_add_func ("/tafel/digest/z-order", test_z_order);
  g_test_add_func ("/tafel/digest/colour", test_colour);
  g_test_add_func ("/tafel/digest/width", test_width);
  g_test_add_func ("/tafel/digest/text", test_text);
  g_test_add_func ("/tafel/digest/profile-name", test_profile_name);
  g_test_add_func ("/tafel/digest/profile-colour", test_profile_colour);
  g_test_add_func ("/tafel/digest/profile-latest", test_profile_latest);
  g_test_add_func ("/tafel/digest/chat", test_chat);
  g_test_add_func ("/tafel/digest/unseen", test_unseen);

  return g_test_run ();
}
