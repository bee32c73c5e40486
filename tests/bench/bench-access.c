/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/access-scenario.h"
#include "tafel-core.h"
#include "tafel-test-util.h"

/* The access rules (src/core/tafel-access.c, docs/access.md):
 *
 *   bench-access
 *
 *   check        tafel_access_is_authorised() on a board of N members,
 *                per record (200,000 calls over 10,000 content records)
 *   cold         a new TafelAccess fed every control record of the board
 *                (genesis, N−1 enrolments, admin roles, a reset listing
 *                everyone), then asked for the members: includes
 *                verifying every enrolment proof once
 *   recompute    one more control record (a `member` record), then the
 *                members again: the recompute after a change, with the
 *                proofs already verified
 *   epoch bytes  the encoded envelope (signed) of the `epoch` record that
 *                removes 1 of 30 members (29 sealed secrets, 1 cut-off)
 *
 * Times are CPU seconds of this process (the machine is shared). */

typedef struct
{
  Scenario   sc;
  Writer    *members;  /* n − 1, besides the owner */
  guint      n;
  GPtrArray *control;
  GPtrArray *content;
} Board;

static void
board_build (Board *b,
             guint  n)
{
  g_autoptr(TafelEpochKeys) keys1 = tafel_epoch_keys_new_random ();
  g_autofree TafelAccessMember *list = g_new (TafelAccessMember, n);

  b->n = n;
  b->control = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  b->content = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  g_ptr_array_add (b->control, scenario_init (&b->sc, TRUE));
  b->members = g_new0 (Writer, n - 1);
  list[0] = (TafelAccessMember) { b->sc.owner.key, TAFEL_ROLE_OWNER };
  for (guint i = 0; i < n - 1; i++)
    {
      writer_init (&b->members[i]);
      g_ptr_array_add (b->control, scenario_enrol (&b->sc, &b->members[i], b->sc.keys0, 0, 0));
      list[i + 1] = (TafelAccessMember) { b->members[i].key, i < 3 ? TAFEL_ROLE_ADMIN : TAFEL_ROLE_EDITOR };
      if (i < 3)
        g_ptr_array_add (b->control, scenario_role (&b->sc, &b->sc.owner, &b->members[i].key, TAFEL_ROLE_ADMIN, 1));
    }
  sort_members (list, n);
  /* The reset: sealing to every member is what it costs to write. */
  g_ptr_array_add (b->control, scenario_epoch (&b->sc, &b->sc.owner, 1, keys1, list, n, NULL, 0, 0));
  b->sc.sign = FALSE;  /* content: chained, not each signed (not checked here) */
  for (guint i = 0; i < 10000; i++)
    g_ptr_array_add (b->content, scenario_content (&b->sc, &b->members[i % (n - 1)], 0));
}

static void
board_clear (Board *b)
{
  for (guint i = 0; i < b->n - 1; i++)
    writer_clear (&b->members[i]);
  g_free (b->members);
  g_ptr_array_unref (b->control);
  g_ptr_array_unref (b->content);
  scenario_clear (&b->sc);
}

static void
run (guint n)
{
  Board b;
  g_autoptr(TafelAccess) access = NULL;
  g_autoptr(GArray) members = NULL;
  g_autoptr(GArray) again = NULL;
  g_autoptr(TafelRecord) extra = NULL;
  Writer viewer;
  double t0, cold, recompute, check;
  guint calls = 0, ok = 0;
  const guint reps = 5;

  board_build (&b, n);

  t0 = tafel_test_cpu_seconds ();
  access = tafel_access_new (b.sc.board_id, NULL);
  for (guint i = 0; i < b.control->len; i++)
    g_assert_true (tafel_access_add_record (access, b.control->pdata[i], NULL));
  members = tafel_access_dup_members (access);
  cold = tafel_test_cpu_seconds () - t0;
  g_assert_cmpuint (members->len, ==, n);

  writer_init (&viewer);
  b.sc.sign = TRUE;
  recompute = 0;
  for (guint r = 0; r < reps; r++)
    {
      g_autoptr(TafelRecord) named = scenario_member (&b.sc, &b.members[3], &viewer.key, TAFEL_ROLE_VIEWER, 0);
      g_autoptr(GArray) list = NULL;

      t0 = tafel_test_cpu_seconds ();
      g_assert_true (tafel_access_add_record (access, named, NULL));
      list = tafel_access_dup_members (access);
      recompute += tafel_test_cpu_seconds () - t0;
      g_assert_cmpuint (list->len, ==, n + 1);
    }
  recompute /= reps;

  t0 = tafel_test_cpu_seconds ();
  for (guint r = 0; r < 20; r++)
    for (guint i = 0; i < b.content->len; i++)
      {
        TafelRecord *rec = b.content->pdata[i];

        ok += tafel_access_is_authorised (access, tafel_record_get_author (rec), tafel_record_get_seq (rec),
                                          tafel_record_get_kind (rec));
        calls++;
      }
  check = tafel_test_cpu_seconds () - t0;
  g_assert_cmpuint (ok, ==, calls);

  printf ("| %7u | %14.3f | %7.1f | %12.3f |\n", n, check / calls * 1e6, cold * 1e3, recompute * 1e3);
  writer_clear (&viewer);
  board_clear (&b);
}

static gsize
epoch_bytes (void)
{
  Scenario sc;
  g_autoptr(TafelRecord) genesis = scenario_init (&sc, TRUE);
  g_autoptr(TafelEpochKeys) keys1 = tafel_epoch_keys_new_random ();
  g_autoptr(TafelRecord) epoch = NULL;
  g_autoptr(GBytes) encoded = NULL;
  TafelAccessMember list[29];
  Writer w[29];
  TafelEpochRemoval removed;
  gsize size;

  list[0] = (TafelAccessMember) { sc.owner.key, TAFEL_ROLE_OWNER };
  for (guint i = 1; i < 29; i++)
    {
      writer_init (&w[i]);
      list[i] = (TafelAccessMember) { w[i].key, TAFEL_ROLE_EDITOR };
    }
  writer_init (&w[0]);
  removed = (TafelEpochRemoval) { w[0].key, 1234 };
  sort_members (list, 29);
  sc.owner.seq = 1000;  /* a board in use: seq and lamport of a few digits */
  sc.lamport = 100000;
  epoch = scenario_epoch (&sc, &sc.owner, 3, keys1, list, 29, &removed, 1, 0);
  encoded = tafel_record_encode (epoch);
  size = g_bytes_get_size (encoded);
  for (guint i = 0; i < 29; i++)
    writer_clear (&w[i]);
  scenario_clear (&sc);
  return size;
}

int
main (int   argc,
      char *argv[])
{
  tafel_test_init (&argc, &argv);

  printf ("| members | check µs/record | cold ms | recompute ms |\n");
  printf ("|---------|----------------|---------|--------------|\n");
  run (30);
  run (300);
  printf ("\nepoch record removing 1 of 30 members: %" G_GSIZE_FORMAT " bytes (signed envelope)\n", epoch_bytes ());
  return 0;
}
