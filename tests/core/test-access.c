/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The access rules (src/core/tafel-access.c, docs/access.md), one
 * hand-built scenario per rule. Every scenario is fed in several orders
 * and has to give the same answers in each. */
#include "config.h"

#include <string.h>

#include "access-scenario.h"
#include "tafel-test-util.h"

#define STROKE TAFEL_RECORD_KIND_STROKE

/* Records of one scenario, in the order written. */
static GPtrArray *
records_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
}

/* A TafelAccess fed @records forwards (@order 0), backwards (1) or
 * shuffled by @order as a seed. */
static TafelAccess *
access_fed (Scenario  *sc,
            GPtrArray *records,
            guint      order)
{
  TafelAccess *access = tafel_access_new (sc->board_id, NULL);
  g_autoptr(GPtrArray) copy = g_ptr_array_copy (records, (GCopyFunc) (void (*) (void)) tafel_record_ref, NULL);

  if (order == 1)
    for (guint i = 0; i < copy->len / 2; i++)
      {
        gpointer t = copy->pdata[i];
        copy->pdata[i] = copy->pdata[copy->len - 1 - i];
        copy->pdata[copy->len - 1 - i] = t;
      }
  else if (order > 1)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (order);

      for (guint i = copy->len; i > 1; i--)
        {
          guint j = g_rand_int_range (rand, 0, i);
          gpointer t = copy->pdata[i - 1];
          copy->pdata[i - 1] = copy->pdata[j];
          copy->pdata[j] = t;
        }
    }
  for (guint i = 0; i < copy->len; i++)
    g_assert_true (tafel_access_add_record (access, copy->pdata[i], NULL));
  return access;
}

#define N_ORDERS 6

/* Runs @check on the access fed @records in N_ORDERS orders. */
#define FOR_EACH_ORDER(sc, records, access)                                              \
  for (guint order_ = 0; order_ < N_ORDERS; order_++)                                     \
    for (g_autoptr(TafelAccess) access = access_fed ((sc), (records), order_); access != NULL; \
         tafel_access_free (g_steal_pointer (&access)))

static TafelAccessVerdict
verdict (TafelAccess *access,
         TafelRecord *record)
{
  return tafel_access_check_record (access, record, NULL);
}

static gboolean
has_role (TafelAccess          *access,
          const TafelPublicKey *key,
          TafelRole             expected)
{
  TafelRole role;

  return tafel_access_get_role (access, key, &role) && role == expected;
}

static TafelAccessMember
member (const Writer *w,
        TafelRole     role)
{
  return (TafelAccessMember) { w->key, role };
}

/* ---- The owner -------------------------------------------------------- */

static void
test_genesis (void)
{
  Scenario sc;
  g_autoptr(GPtrArray) records = records_new ();
  Writer mallory;
  g_autoptr(TafelRecord) early = NULL;
  g_autoptr(TafelAccess) empty = NULL;
  TafelAccessMember m;

  g_ptr_array_add (records, scenario_init (&sc, TRUE));
  writer_init (&mallory);
  /* A genesis by someone else: the board id does not come from its key. */
  m = member (&mallory, TAFEL_ROLE_OWNER);
  g_ptr_array_add (records, scenario_epoch (&sc, &mallory, 0, sc.keys0, &m, 1, NULL, 0, 0));
  early = scenario_content (&sc, &sc.owner, 0);

  empty = tafel_access_new (sc.board_id, NULL);
  g_assert_true (tafel_access_add_record (empty, records->pdata[1], NULL));
  g_assert_false (tafel_access_get_owner (empty, NULL));
  g_assert_cmpint (verdict (empty, early), ==, TAFEL_ACCESS_HELD);

  FOR_EACH_ORDER (&sc, records, access)
    {
      TafelPublicKey owner;
      guint64 epoch = 99;
      guint32 key_id = 99;

      g_assert_true (tafel_access_get_owner (access, &owner));
      g_assert_true (tafel_key_equal (&owner, &sc.owner.key));
      g_assert_true (has_role (access, &sc.owner.key, TAFEL_ROLE_OWNER));
      g_assert_false (tafel_access_get_role (access, &mallory.key, NULL));
      g_assert_true (tafel_access_get_current_epoch (access, &epoch, &key_id));
      g_assert_cmpuint (epoch, ==, 0);
      g_assert_cmpuint (key_id, ==, 0);
      g_assert_cmpint (verdict (access, early), ==, TAFEL_ACCESS_AUTHORISED);
      g_assert_cmpint (verdict (access, records->pdata[1]), ==, TAFEL_ACCESS_REFUSED);
    }
  writer_clear (&mallory);
  scenario_clear (&sc);
}

/* The genesis is its author's first record: one at seq 2 anchors nothing. */
static void
test_genesis_first (void)
{
  Scenario sc;
  g_autoptr(TafelRecord) genesis = scenario_init (&sc, TRUE);
  g_autoptr(TafelRecord) stroke = NULL, late = NULL;
  g_autoptr(TafelAccess) access = tafel_access_new (sc.board_id, NULL);
  TafelAccessMember m = member (&sc.owner, TAFEL_ROLE_OWNER);

  sc.owner.seq = 0;
  stroke = scenario_content (&sc, &sc.owner, 0);
  late = scenario_epoch (&sc, &sc.owner, 0, sc.keys0, &m, 1, NULL, 0, 0);
  g_assert_true (tafel_access_add_record (access, stroke, NULL));
  g_assert_true (tafel_access_add_record (access, late, NULL));
  g_assert_false (tafel_access_get_owner (access, NULL));
  g_assert_true (tafel_access_add_record (access, genesis, NULL));
  g_assert_true (tafel_access_get_owner (access, NULL));
  scenario_clear (&sc);
}

/* ---- Enrolment -------------------------------------------------------- */

static void
test_enrol (void)
{
  Scenario sc;
  g_autoptr(GPtrArray) records = records_new ();
  Writer ed, forger, stranger;
  g_autoptr(TafelEpochKeys) other = tafel_epoch_keys_new_random ();
  g_autoptr(TafelRecord) ed_stroke = NULL, forged = NULL, forged_stroke = NULL, stranger_stroke = NULL;
  g_autoptr(TafelRecord) view_forged = NULL;
  TafelSignature proof;

  g_ptr_array_add (records, scenario_init (&sc, TRUE));
  writer_init (&ed);
  writer_init (&forger);
  writer_init (&stranger);
  g_ptr_array_add (records, scenario_enrol (&sc, &ed, sc.keys0, 0, 0));
  ed_stroke = scenario_content (&sc, &ed, 0);
  /* A proof by another board's keys, and one for another author. */
  forged = scenario_enrol (&sc, &forger, other, 0, 0);
  g_ptr_array_add (records, tafel_record_ref (forged));
  forged_stroke = scenario_content (&sc, &forger, 0);
  g_assert_true (tafel_epoch_keys_sign_enrolment (sc.keys0, sc.board_id, &ed.key, 0, &proof));
  view_forged = scenario_enrol_with_proof (&sc, &stranger, 0, &proof);
  g_ptr_array_add (records, tafel_record_ref (view_forged));
  stranger_stroke = scenario_content (&sc, &stranger, 0);

  FOR_EACH_ORDER (&sc, records, access)
    {
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (verdict (access, records->pdata[1]), ==, TAFEL_ACCESS_AUTHORISED);
      g_assert_true (tafel_access_enrolment_is_confirmed (access, tafel_record_get_id (records->pdata[1])));
      g_assert_cmpint (verdict (access, ed_stroke), ==, TAFEL_ACCESS_AUTHORISED);
      g_assert_true (has_role (access, &ed.key, TAFEL_ROLE_EDITOR));

      g_assert_cmpint (tafel_access_check_record (access, forged, &error), ==, TAFEL_ACCESS_REFUSED);
      g_assert_error (error, TAFEL_ACCESS_ERROR, TAFEL_ACCESS_ERROR_BAD_PROOF);
      g_clear_error (&error);
      g_assert_cmpint (tafel_access_check_record (access, forged_stroke, &error), ==, TAFEL_ACCESS_REFUSED);
      g_assert_error (error, TAFEL_ACCESS_ERROR, TAFEL_ACCESS_ERROR_NOT_ENROLLED);
      g_assert_false (tafel_access_get_role (access, &forger.key, NULL));
      g_assert_cmpint (verdict (access, view_forged), ==, TAFEL_ACCESS_REFUSED);
      g_assert_cmpint (verdict (access, stranger_stroke), ==, TAFEL_ACCESS_REFUSED);
    }
  writer_clear (&ed);
  writer_clear (&forger);
  writer_clear (&stranger);
  scenario_clear (&sc);
}

/* An enrolment for an epoch not known yet is held, then counts. */
static void
test_enrol_held (void)
{
  Scenario sc;
  g_autoptr(GPtrArray) records = records_new ();
  g_autoptr(TafelEpochKeys) keys1 = tafel_epoch_keys_new_random ();
  g_autoptr(TafelRecord) epoch1 = NULL, enrol = NULL, stroke = NULL;
  g_autoptr(TafelAccess) access = NULL;
  Writer ed;
  TafelAccessMember members[2];
  guint32 key_id;

  g_ptr_array_add (records, scenario_init (&sc, TRUE));
  writer_init (&ed);
  members[0] = member (&sc.owner, TAFEL_ROLE_OWNER);
  members[1] = member (&ed, TAFEL_ROLE_EDITOR);
  sort_members (members, 2);
  epoch1 = scenario_epoch (&sc, &sc.owner, 1, keys1, members, 2, NULL, 0, 0);
  key_id = tafel_key_id_from_record_id (tafel_record_get_id (epoch1));
  enrol = scenario_enrol (&sc, &ed, keys1, 1, key_id);
  stroke = scenario_content (&sc, &ed, key_id);

  access = access_fed (&sc, records, 0);
  g_assert_true (tafel_access_add_record (access, enrol, NULL));
  g_assert_cmpint (verdict (access, enrol), ==, TAFEL_ACCESS_HELD);
  g_assert_cmpint (verdict (access, stroke), ==, TAFEL_ACCESS_HELD);
  g_assert_true (tafel_access_add_record (access, epoch1, NULL));
  g_assert_cmpint (verdict (access, enrol), ==, TAFEL_ACCESS_AUTHORISED);
  g_assert_cmpint (verdict (access, stroke), ==, TAFEL_ACCESS_AUTHORISED);
  writer_clear (&ed);
  scenario_clear (&sc);
}

/* ---- Admins and removal ------------------------------------------------ */

typedef struct
{
  Scenario        sc;
  GPtrArray      *records;
  Writer          admin, ed;
  TafelEpochKeys *keys1;
} Board;

/* The owner makes `admin` an admin; `admin` and `ed` enrol. */
static void
board_init (Board *b)
{
  g_ptr_array_add (b->records = records_new (), scenario_init (&b->sc, TRUE));
  writer_init (&b->admin);
  writer_init (&b->ed);
  b->keys1 = tafel_epoch_keys_new_random ();
  g_ptr_array_add (b->records, scenario_enrol (&b->sc, &b->admin, b->sc.keys0, 0, 0));
  g_ptr_array_add (b->records, scenario_enrol (&b->sc, &b->ed, b->sc.keys0, 0, 0));
  g_ptr_array_add (b->records, scenario_role (&b->sc, &b->sc.owner, &b->admin.key, TAFEL_ROLE_ADMIN, 1));
}

static void
board_clear (Board *b)
{
  g_ptr_array_unref (b->records);
  writer_clear (&b->admin);
  writer_clear (&b->ed);
  tafel_epoch_keys_free (b->keys1);
  scenario_clear (&b->sc);
}

static void
test_admin_removes_editor (void)
{
  Board b;
  g_autoptr(TafelRecord) before = NULL, after = NULL, epoch1 = NULL;
  TafelAccessMember members[1];
  TafelEpochRemoval removed[2];

  board_init (&b);
  before = scenario_content (&b.sc, &b.ed, 0);          /* ed seq 2 */
  g_ptr_array_add (b.records, tafel_record_ref (before));
  /* It tries to remove the owner too: that never counts. */
  members[0] = member (&b.admin, TAFEL_ROLE_ADMIN);
  removed[0] = (TafelEpochRemoval) { b.ed.key, 2 };
  removed[1] = (TafelEpochRemoval) { b.sc.owner.key, 1 };
  epoch1 = scenario_epoch (&b.sc, &b.admin, 1, b.keys1, members, 1, removed, 2, 0);
  g_ptr_array_add (b.records, tafel_record_ref (epoch1));
  after = scenario_content (&b.sc, &b.ed, 0);           /* ed seq 3 */
  g_ptr_array_add (b.records, tafel_record_ref (after));

  FOR_EACH_ORDER (&b.sc, b.records, access)
    {
      guint64 cut_off = 0, epoch = 0;
      guint32 key_id = 0;
      g_autoptr(GError) error = NULL;

      g_assert_true (has_role (access, &b.admin.key, TAFEL_ROLE_ADMIN));
      g_assert_true (tafel_access_get_cut_off (access, &b.ed.key, &cut_off));
      g_assert_cmpuint (cut_off, ==, 2);
      g_assert_false (tafel_access_get_role (access, &b.ed.key, NULL));
      g_assert_cmpint (verdict (access, before), ==, TAFEL_ACCESS_AUTHORISED);
      g_assert_cmpint (tafel_access_check_record (access, after, &error), ==, TAFEL_ACCESS_CUT_OFF);
      g_assert_error (error, TAFEL_ACCESS_ERROR, TAFEL_ACCESS_ERROR_REMOVED);
      g_assert_true (tafel_access_epoch_is_valid (access, tafel_record_get_id (epoch1)));
      g_assert_false (tafel_access_get_cut_off (access, &b.sc.owner.key, NULL));
      g_assert_true (tafel_access_is_authorised (access, &b.sc.owner.key, 100, STROKE));
      g_assert_true (tafel_access_get_current_epoch (access, &epoch, &key_id));
      g_assert_cmpuint (epoch, ==, 1);
      g_assert_cmpuint (key_id, ==, tafel_key_id_from_record_id (tafel_record_get_id (epoch1)));
    }
  board_clear (&b);
}

/* An admin who never enrolled: its epoch records are stored and count,
 * its content is refused. */
static void
test_admin_without_enrolment (void)
{
  Board b;
  Writer admin2;
  g_autoptr(TafelRecord) epoch1 = NULL, stroke = NULL;
  TafelAccessMember m[2];

  board_init (&b);
  writer_init (&admin2);
  g_ptr_array_add (b.records, scenario_role (&b.sc, &b.sc.owner, &admin2.key, TAFEL_ROLE_ADMIN, 1));
  m[0] = member (&b.sc.owner, TAFEL_ROLE_OWNER);
  m[1] = member (&admin2, TAFEL_ROLE_ADMIN);
  sort_members (m, 2);
  epoch1 = scenario_epoch (&b.sc, &admin2, 1, b.keys1, m, 2, NULL, 0, 0);
  g_ptr_array_add (b.records, tafel_record_ref (epoch1));
  stroke = scenario_content (&b.sc, &admin2, 0);
  FOR_EACH_ORDER (&b.sc, b.records, access)
    {
      g_assert_true (tafel_access_epoch_is_valid (access, tafel_record_get_id (epoch1)));
      g_assert_cmpint (verdict (access, epoch1), ==, TAFEL_ACCESS_AUTHORISED);
      g_assert_cmpint (verdict (access, stroke), ==, TAFEL_ACCESS_REFUSED);
      g_assert_true (has_role (access, &admin2.key, TAFEL_ROLE_ADMIN));
    }
  writer_clear (&admin2);
  board_clear (&b);
}

/* Epoch and role records by someone who is no admin are stored and
 * never in effect. */
static void
test_non_admin_has_no_effect (void)
{
  Board b;
  g_autoptr(TafelRecord) epoch1 = NULL, self_promote = NULL;
  TafelAccessMember m;
  TafelEpochRemoval removed;

  board_init (&b);
  m = member (&b.ed, TAFEL_ROLE_OWNER);
  removed = (TafelEpochRemoval) { b.admin.key, 1 };
  epoch1 = scenario_epoch (&b.sc, &b.ed, 1, b.keys1, &m, 1, &removed, 1, 0);
  g_ptr_array_add (b.records, tafel_record_ref (epoch1));
  self_promote = scenario_role (&b.sc, &b.ed, &b.ed.key, TAFEL_ROLE_ADMIN, 1);
  g_ptr_array_add (b.records, tafel_record_ref (self_promote));

  FOR_EACH_ORDER (&b.sc, b.records, access)
    {
      guint64 epoch = 99;

      /* Stored (its author is an editor) … */
      g_assert_cmpint (verdict (access, epoch1), ==, TAFEL_ACCESS_AUTHORISED);
      g_assert_cmpint (verdict (access, self_promote), ==, TAFEL_ACCESS_AUTHORISED);
      /* … and in effect nowhere. */
      g_assert_false (tafel_access_epoch_is_valid (access, tafel_record_get_id (epoch1)));
      g_assert_true (tafel_access_get_current_epoch (access, &epoch, NULL));
      g_assert_cmpuint (epoch, ==, 0);
      g_assert_false (tafel_access_get_cut_off (access, &b.admin.key, NULL));
      g_assert_true (has_role (access, &b.admin.key, TAFEL_ROLE_ADMIN));
      g_assert_true (has_role (access, &b.ed.key, TAFEL_ROLE_EDITOR));
    }
  board_clear (&b);
}

/* Two admins remove one editor at once: the smallest cut-off wins. */
static void
test_concurrent_removals (void)
{
  Board b;
  Writer admin2;
  g_autoptr(TafelEpochKeys) keys1b = tafel_epoch_keys_new_random ();
  TafelAccessMember members[3];
  TafelEpochRemoval removed;

  board_init (&b);
  writer_init (&admin2);
  g_ptr_array_add (b.records, scenario_enrol (&b.sc, &admin2, b.sc.keys0, 0, 0));
  g_ptr_array_add (b.records, scenario_role (&b.sc, &b.sc.owner, &admin2.key, TAFEL_ROLE_ADMIN, 1));
  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (b.records, scenario_content (&b.sc, &b.ed, 0));  /* ed seq 2 … 5 */
  members[0] = member (&b.sc.owner, TAFEL_ROLE_OWNER);
  members[1] = member (&b.admin, TAFEL_ROLE_ADMIN);
  members[2] = member (&admin2, TAFEL_ROLE_ADMIN);
  sort_members (members, 3);
  removed = (TafelEpochRemoval) { b.ed.key, 5 };
  g_ptr_array_add (b.records, scenario_epoch (&b.sc, &b.admin, 1, b.keys1, members, 3, &removed, 1, 0));
  removed.cut_off = 3;
  g_ptr_array_add (b.records, scenario_epoch (&b.sc, &admin2, 1, keys1b, members, 3, &removed, 1, 0));

  FOR_EACH_ORDER (&b.sc, b.records, access)
    {
      guint64 cut_off = 0;

      g_assert_true (tafel_access_get_cut_off (access, &b.ed.key, &cut_off));
      g_assert_cmpuint (cut_off, ==, 3);
      g_assert_true (tafel_access_is_authorised (access, &b.ed.key, 3, STROKE));
      g_assert_false (tafel_access_is_authorised (access, &b.ed.key, 4, STROKE));
    }
  writer_clear (&admin2);
  board_clear (&b);
}

/* Two epoch records of one number: both valid, the lowest id current;
 * admins then write a follow-up when their member lists differ. */
static void
test_same_number (void)
{
  Board b;
  g_autoptr(TafelEpochKeys) keys1b = tafel_epoch_keys_new_random ();
  g_autoptr(TafelEpochKeys) keys2 = tafel_epoch_keys_new_random ();
  g_autoptr(TafelRecord) first = NULL, second = NULL;
  TafelAccessMember members[3];
  const TafelHash *lowest;

  board_init (&b);
  members[0] = member (&b.sc.owner, TAFEL_ROLE_OWNER);
  members[1] = member (&b.admin, TAFEL_ROLE_ADMIN);
  members[2] = member (&b.ed, TAFEL_ROLE_EDITOR);
  sort_members (members, 3);
  first = scenario_epoch (&b.sc, &b.sc.owner, 1, b.keys1, members, 3, NULL, 0, 0);
  g_ptr_array_add (b.records, tafel_record_ref (first));
  /* The admin's leaves the editor out without removing it. */
  {
    TafelAccessMember two[2] = { member (&b.sc.owner, TAFEL_ROLE_OWNER), member (&b.admin, TAFEL_ROLE_ADMIN) };

    sort_members (two, 2);
    second = scenario_epoch (&b.sc, &b.admin, 1, keys1b, two, 2, NULL, 0, 0);
  }
  g_ptr_array_add (b.records, tafel_record_ref (second));
  lowest = tafel_hash_compare (tafel_record_get_id (first), tafel_record_get_id (second)) < 0
             ? tafel_record_get_id (first) : tafel_record_get_id (second);

  FOR_EACH_ORDER (&b.sc, b.records, access)
    {
      guint32 key_id = 0;
      guint64 epoch = 0, follow = 0;
      g_autoptr(GArray) list = NULL;

      g_assert_true (tafel_access_epoch_is_valid (access, tafel_record_get_id (first)));
      g_assert_true (tafel_access_epoch_is_valid (access, tafel_record_get_id (second)));
      g_assert_true (tafel_access_get_current_epoch (access, &epoch, &key_id));
      g_assert_cmpuint (epoch, ==, 1);
      g_assert_cmpuint (key_id, ==, tafel_key_id_from_record_id (lowest));

      /* The editor is in one list of epoch 1: confirmed. */
      g_assert_true (has_role (access, &b.ed.key, TAFEL_ROLE_EDITOR));
      g_assert_true (tafel_access_needs_follow_up (access, &b.admin.key, &follow, &list));
      g_assert_cmpuint (follow, ==, 2);
      g_assert_cmpuint (list->len, ==, 3);
      for (guint i = 0; i < 3; i++)
        {
          g_assert_true (tafel_key_equal (&g_array_index (list, TafelAccessMember, i).key, &members[i].key));
          g_assert_cmpint (g_array_index (list, TafelAccessMember, i).role, ==, members[i].role);
        }
      g_assert_false (tafel_access_needs_follow_up (access, &b.ed.key, NULL, NULL));
    }

  /* The follow-up settles it. */
  g_ptr_array_add (b.records, scenario_epoch (&b.sc, &b.admin, 2, keys2, members, 3, NULL, 0, 0));
  FOR_EACH_ORDER (&b.sc, b.records, access)
    {
      g_assert_false (tafel_access_needs_follow_up (access, &b.admin.key, NULL, NULL));
      g_assert_false (tafel_access_needs_follow_up (access, &b.sc.owner.key, NULL, NULL));
      g_assert_true (has_role (access, &b.ed.key, TAFEL_ROLE_EDITOR));
    }
  board_clear (&b);
}

/* A newest epoch that still lists someone removed asks for a follow-up:
 * the admin removed the editor in epoch 1, the owner (not knowing) wrote
 * epoch 2 listing it. */
static void
test_follow_up_after_removal (void)
{
  Board b;
  g_autoptr(TafelEpochKeys) keys2 = tafel_epoch_keys_new_random ();
  TafelAccessMember members[3];
  TafelEpochRemoval removed = { { { 0 } }, 1 };

  board_init (&b);
  members[0] = member (&b.sc.owner, TAFEL_ROLE_OWNER);
  members[1] = member (&b.admin, TAFEL_ROLE_ADMIN);
  members[2] = member (&b.ed, TAFEL_ROLE_EDITOR);
  sort_members (members, 3);
  removed.key = b.ed.key;
  {
    TafelAccessMember two[2] = { member (&b.sc.owner, TAFEL_ROLE_OWNER), member (&b.admin, TAFEL_ROLE_ADMIN) };

    sort_members (two, 2);
    g_ptr_array_add (b.records, scenario_epoch (&b.sc, &b.admin, 1, b.keys1, two, 2, &removed, 1, 0));
  }
  g_ptr_array_add (b.records, scenario_epoch (&b.sc, &b.sc.owner, 2, keys2, members, 3, NULL, 0, 0));
  FOR_EACH_ORDER (&b.sc, b.records, access)
    {
      g_autoptr(GArray) list = NULL;
      guint64 epoch = 0;

      g_assert_false (tafel_access_get_role (access, &b.ed.key, NULL));
      g_assert_true (tafel_access_needs_follow_up (access, &b.sc.owner.key, &epoch, &list));
      g_assert_cmpuint (epoch, ==, 3);
      g_assert_cmpuint (list->len, ==, 2);
      for (guint i = 0; i < list->len; i++)
        g_assert_false (tafel_key_equal (&g_array_index (list, TafelAccessMember, i).key, &b.ed.key));
      g_assert_false (tafel_access_needs_follow_up (access, &b.ed.key, NULL, NULL));
    }
  board_clear (&b);
}

/* After a reset, enrolling with the old epoch's edit link gets nobody in. */
static void
test_old_link_after_reset (void)
{
  Board b;
  Writer late;
  g_autoptr(TafelRecord) enrol = NULL, stroke = NULL;
  TafelAccessMember members[3];

  board_init (&b);
  writer_init (&late);
  members[0] = member (&b.sc.owner, TAFEL_ROLE_OWNER);
  members[1] = member (&b.admin, TAFEL_ROLE_ADMIN);
  members[2] = member (&b.ed, TAFEL_ROLE_EDITOR);
  sort_members (members, 3);
  g_ptr_array_add (b.records, scenario_epoch (&b.sc, &b.admin, 1, b.keys1, members, 3, NULL, 0, 0));
  enrol = scenario_enrol (&b.sc, &late, b.sc.keys0, 0, 0);
  g_ptr_array_add (b.records, tafel_record_ref (enrol));
  stroke = scenario_content (&b.sc, &late, 0);

  FOR_EACH_ORDER (&b.sc, b.records, access)
    {
      /* The proof is genuine, so the enrolment is kept … */
      g_assert_cmpint (verdict (access, enrol), ==, TAFEL_ACCESS_AUTHORISED);
      /* … but epoch 1 does not list its author. */
      g_assert_false (tafel_access_enrolment_is_confirmed (access, tafel_record_get_id (enrol)));
      g_assert_cmpint (verdict (access, stroke), ==, TAFEL_ACCESS_REFUSED);
      g_assert_false (tafel_access_get_role (access, &late.key, NULL));
      /* Those listed stay editors. */
      g_assert_true (has_role (access, &b.ed.key, TAFEL_ROLE_EDITOR));
      g_assert_true (tafel_access_is_authorised (access, &b.ed.key, 2, STROKE));
    }
  writer_clear (&late);
  board_clear (&b);
}

/* role records: last writer wins in the owner's seq order; unmaking an
 * admin voids its actions past the record's cut-off. */
static void
test_role_last_writer_wins (void)
{
  Board b;
  g_autoptr(TafelRecord) early = NULL, late = NULL;
  g_autoptr(TafelEpochKeys) keys2 = tafel_epoch_keys_new_random ();
  TafelAccessMember members[2];
  TafelEpochRemoval removed;

  board_init (&b);                                          /* admin: seq 1 enrol */
  members[0] = member (&b.sc.owner, TAFEL_ROLE_OWNER);
  members[1] = member (&b.admin, TAFEL_ROLE_ADMIN);
  sort_members (members, 2);
  early = scenario_epoch (&b.sc, &b.admin, 1, b.keys1, members, 2, NULL, 0, 0);  /* admin seq 2 */
  g_ptr_array_add (b.records, tafel_record_ref (early));
  removed = (TafelEpochRemoval) { b.ed.key, 1 };
  late = scenario_epoch (&b.sc, &b.admin, 2, keys2, members, 2, &removed, 1, 0); /* admin seq 3 */
  g_ptr_array_add (b.records, tafel_record_ref (late));
  /* The owner unmakes the admin (its actions up to seq 2 count), makes it
   * admin again, and unmakes it again: the last, by seq, wins. */
  g_ptr_array_add (b.records, scenario_role (&b.sc, &b.sc.owner, &b.admin.key, TAFEL_ROLE_EDITOR, 2));
  g_ptr_array_add (b.records, scenario_role (&b.sc, &b.sc.owner, &b.admin.key, TAFEL_ROLE_ADMIN, 1));
  g_ptr_array_add (b.records, scenario_role (&b.sc, &b.sc.owner, &b.admin.key, TAFEL_ROLE_EDITOR, 2));

  FOR_EACH_ORDER (&b.sc, b.records, access)
    {
      guint64 epoch = 0;

      g_assert_true (has_role (access, &b.admin.key, TAFEL_ROLE_EDITOR));
      g_assert_true (tafel_access_epoch_is_valid (access, tafel_record_get_id (early)));
      g_assert_false (tafel_access_epoch_is_valid (access, tafel_record_get_id (late)));
      g_assert_false (tafel_access_get_cut_off (access, &b.ed.key, NULL));
      g_assert_true (tafel_access_get_current_epoch (access, &epoch, NULL));
      g_assert_cmpuint (epoch, ==, 1);
      g_assert_false (tafel_access_needs_follow_up (access, &b.admin.key, NULL, NULL));
    }

  /* Made admin again, last: both its records count. */
  g_ptr_array_add (b.records, scenario_role (&b.sc, &b.sc.owner, &b.admin.key, TAFEL_ROLE_ADMIN, 1));
  FOR_EACH_ORDER (&b.sc, b.records, access)
    {
      g_assert_true (has_role (access, &b.admin.key, TAFEL_ROLE_ADMIN));
      g_assert_true (tafel_access_epoch_is_valid (access, tafel_record_get_id (late)));
      g_assert_true (tafel_access_get_cut_off (access, &b.ed.key, NULL));
    }
  board_clear (&b);
}

/* Admin A removes admin B while B removes A: the record with the lower id
 * counts, the other is past its author's cut-off; every order agrees. */
static void
test_removal_loop (void)
{
  Board b;
  Writer b2;
  g_autoptr(TafelEpochKeys) keys1b = tafel_epoch_keys_new_random ();
  g_autoptr(TafelRecord) by_a = NULL, by_b = NULL;
  TafelAccessMember m[2];
  TafelEpochRemoval removed;
  gboolean a_wins;

  board_init (&b);
  writer_init (&b2);
  g_ptr_array_add (b.records, scenario_enrol (&b.sc, &b2, b.sc.keys0, 0, 0));              /* b2 seq 1 */
  g_ptr_array_add (b.records, scenario_role (&b.sc, &b.sc.owner, &b2.key, TAFEL_ROLE_ADMIN, 1));
  m[0] = member (&b.sc.owner, TAFEL_ROLE_OWNER);
  m[1] = member (&b.admin, TAFEL_ROLE_ADMIN);
  sort_members (m, 2);
  removed = (TafelEpochRemoval) { b2.key, 1 };
  by_a = scenario_epoch (&b.sc, &b.admin, 1, b.keys1, m, 2, &removed, 1, 0);             /* admin seq 2 */
  m[0] = member (&b.sc.owner, TAFEL_ROLE_OWNER);
  m[1] = member (&b2, TAFEL_ROLE_ADMIN);
  sort_members (m, 2);
  removed = (TafelEpochRemoval) { b.admin.key, 1 };
  by_b = scenario_epoch (&b.sc, &b2, 1, keys1b, m, 2, &removed, 1, 0);                   /* b2 seq 2 */
  g_ptr_array_add (b.records, tafel_record_ref (by_a));
  g_ptr_array_add (b.records, tafel_record_ref (by_b));
  a_wins = tafel_hash_compare (tafel_record_get_id (by_a), tafel_record_get_id (by_b)) < 0;

  FOR_EACH_ORDER (&b.sc, b.records, access)
    {
      Writer *winner = a_wins ? &b.admin : &b2;
      Writer *loser = a_wins ? &b2 : &b.admin;
      guint64 cut_off = 0;

      g_assert_true (has_role (access, &winner->key, TAFEL_ROLE_ADMIN));
      g_assert_false (tafel_access_get_role (access, &loser->key, NULL));
      g_assert_true (tafel_access_get_cut_off (access, &loser->key, &cut_off));
      g_assert_cmpuint (cut_off, ==, 1);
      g_assert_false (tafel_access_get_cut_off (access, &winner->key, NULL));
      g_assert_true (tafel_access_epoch_is_valid (access, tafel_record_get_id (a_wins ? by_a : by_b)));
      g_assert_false (tafel_access_epoch_is_valid (access, tafel_record_get_id (a_wins ? by_b : by_a)));
    }
  writer_clear (&b2);
  board_clear (&b);
}

/* A removed admin's later epoch records do not count, whatever their
 * number; the owner cannot be removed. */
static void
test_removed_admin_powerless (void)
{
  Board b;
  g_autoptr(TafelEpochKeys) keys2 = tafel_epoch_keys_new_random ();
  g_autoptr(TafelRecord) revenge = NULL, low = NULL;
  TafelAccessMember m[2];
  TafelEpochRemoval removed[2];

  board_init (&b);
  m[0] = member (&b.sc.owner, TAFEL_ROLE_OWNER);
  m[1] = member (&b.ed, TAFEL_ROLE_EDITOR);
  sort_members (m, 2);
  removed[0] = (TafelEpochRemoval) { b.admin.key, 1 };
  g_ptr_array_add (b.records, scenario_epoch (&b.sc, &b.sc.owner, 2, b.keys1, m, 2, removed, 1, 0));
  removed[0] = (TafelEpochRemoval) { b.ed.key, 1 };
  removed[1] = (TafelEpochRemoval) { b.sc.owner.key, 1 };
  {
    TafelAccessMember one = member (&b.admin, TAFEL_ROLE_ADMIN);

    /* one of a lower number than the removal (counted first, then found
     * past the cut-off), one of a higher */
    low = scenario_epoch (&b.sc, &b.admin, 1, keys2, &one, 1, removed, 1, 0);      /* admin seq 2 */
    revenge = scenario_epoch (&b.sc, &b.admin, 3, keys2, &one, 1, removed, 2, 0);  /* admin seq 3 */
  }
  g_ptr_array_add (b.records, tafel_record_ref (low));
  g_ptr_array_add (b.records, tafel_record_ref (revenge));

  FOR_EACH_ORDER (&b.sc, b.records, access)
    {
      guint64 epoch = 0;

      g_assert_false (tafel_access_epoch_is_valid (access, tafel_record_get_id (revenge)));
      g_assert_false (tafel_access_epoch_is_valid (access, tafel_record_get_id (low)));
      g_assert_cmpint (verdict (access, revenge), ==, TAFEL_ACCESS_CUT_OFF);
      g_assert_false (tafel_access_get_cut_off (access, &b.ed.key, NULL));
      g_assert_true (has_role (access, &b.ed.key, TAFEL_ROLE_EDITOR));
      g_assert_false (tafel_access_get_cut_off (access, &b.sc.owner.key, NULL));
      g_assert_true (tafel_access_get_current_epoch (access, &epoch, NULL));
      g_assert_cmpuint (epoch, ==, 2);
    }
  board_clear (&b);
}

/* Viewers and seed peers named by a writer are members; named by a
 * stranger they are not. */
static void
test_member_records (void)
{
  Board b;
  Writer viewer, seed, stranger;

  board_init (&b);
  writer_init (&viewer);
  writer_init (&seed);
  writer_init (&stranger);
  g_ptr_array_add (b.records, scenario_member (&b.sc, &b.ed, &viewer.key, TAFEL_ROLE_VIEWER, 0));
  g_ptr_array_add (b.records, scenario_member (&b.sc, &stranger, &seed.key, TAFEL_ROLE_SEED, 0));
  FOR_EACH_ORDER (&b.sc, b.records, access)
    {
      g_autoptr(GArray) list = tafel_access_dup_members (access);

      g_assert_true (has_role (access, &viewer.key, TAFEL_ROLE_VIEWER));
      g_assert_false (tafel_access_get_role (access, &seed.key, NULL));
      g_assert_cmpuint (list->len, ==, 4);  /* owner, admin, editor, viewer */
    }
  writer_clear (&viewer);
  writer_clear (&seed);
  writer_clear (&stranger);
  board_clear (&b);
}

/* ---- Bad input ---------------------------------------------------------- */

static void
test_garbage_bodies (void)
{
  Scenario sc;
  g_autoptr(TafelRecord) genesis = scenario_init (&sc, TRUE);
  g_autoptr(TafelAccess) access = tafel_access_new (sc.board_id, NULL);
  static const guint kinds[] = { TAFEL_RECORD_KIND_EPOCH, TAFEL_RECORD_KIND_ENROL, TAFEL_RECORD_KIND_ROLE,
                                 TAFEL_RECORD_KIND_MEMBER };
  GBytes *body;
  g_autoptr(GBytes) tampered = NULL;
  g_autoptr(TafelRecord) forged = NULL;
  Writer other;
  gsize len;
  guint8 *copy;

  writer_init (&other);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(GBytes) garbage = g_bytes_new_static ("\xff\xff\xff\xff\xff", 5);
      g_autoptr(TafelRecord) r = scenario_write (&sc, &other, kinds[i], 0, garbage);
      g_autoptr(GError) error = NULL;

      g_assert_false (tafel_access_add_record (access, r, &error));
      g_assert_error (error, TAFEL_ACCESS_ERROR, TAFEL_ACCESS_ERROR_MALFORMED);
    }
  /* The genesis, truncated by one byte: refused. */
  body = tafel_record_get_body (genesis);
  {
    g_autoptr(GBytes) cut = g_bytes_new_from_bytes (body, 0, g_bytes_get_size (body) - 1);
    g_autoptr(TafelRecord) r = scenario_write (&sc, &other, TAFEL_RECORD_KIND_EPOCH, 0, cut);

    g_assert_false (tafel_access_add_record (access, r, NULL));
  }
  /* The genesis with its wpk changed (a re-signed copy by the owner's key
   * would need the owner's secret; this one is the owner's own record, seq
   * 1, with a different wpk): the board id does not match it. */
  len = g_bytes_get_size (body);
  copy = g_memdup2 (g_bytes_get_data (body, NULL), len);
  copy[3] ^= 1;   /* inside the wpk (after the one-byte epoch number) */
  tampered = g_bytes_new_take (copy, len);
  {
    Writer again = sc.owner;

    again.seq = 0;
    forged = scenario_write (&sc, &again, TAFEL_RECORD_KIND_EPOCH, 0, tampered);
  }
  g_assert_true (tafel_access_add_record (access, forged, NULL));
  g_assert_false (tafel_access_get_owner (access, NULL));
  g_assert_cmpuint (tafel_access_get_n_records (access), ==, 1);
  g_assert_true (tafel_access_add_record (access, genesis, NULL));
  g_assert_true (tafel_access_get_owner (access, NULL));
  /* A second copy changes nothing. */
  g_assert_true (tafel_access_add_record (access, genesis, NULL));
  g_assert_cmpuint (tafel_access_get_n_records (access), ==, 2);
  writer_clear (&other);
  scenario_clear (&sc);
}

/* Held enrolments are bounded. */
static void
test_held_bound (void)
{
  Scenario sc;
  g_autoptr(TafelRecord) genesis = scenario_init (&sc, FALSE);
  g_autoptr(TafelAccess) access = tafel_access_new (sc.board_id, NULL);
  TafelSignature proof = { { 0 } };
  g_autoptr(GError) error = NULL;
  Writer w;
  guint i;

  g_assert_true (tafel_access_add_record (access, genesis, NULL));
  writer_init (&w);
  for (i = 0; i < TAFEL_ACCESS_MAX_HELD; i++)
    {
      g_autoptr(TafelRecord) r = NULL;

      w.seq = 0;
      r = scenario_enrol_with_proof (&sc, &w, 1000 + i, &proof);
      g_assert_true (tafel_access_add_record (access, r, NULL));
    }
  {
    g_autoptr(TafelRecord) r = NULL;

    w.seq = 0;
    r = scenario_enrol_with_proof (&sc, &w, 1000 + i, &proof);
    g_assert_false (tafel_access_add_record (access, r, &error));
    g_assert_error (error, TAFEL_ACCESS_ERROR, TAFEL_ACCESS_ERROR_TOO_MANY);
  }
  writer_clear (&w);
  scenario_clear (&sc);
}

/* ---- A board from Tafel 0.1 ---------------------------------------------- */

static void
test_upgrade_owner (void)
{
  guint8 v1_secret[TAFEL_BOARD_SECRET_BYTES];
  guint8 board_id[TAFEL_BOARD_ID_BYTES];
  g_autoptr(TafelEpochKeys) keys0 = NULL;
  g_autoptr(TafelAccess) access = NULL;
  g_autoptr(GBytes) body = g_bytes_new_static ("\x01", 1);
  Writer creator, joiner;
  g_autoptr(TafelRecord) c1 = NULL, c2 = NULL, j1 = NULL, unvouched = NULL, enrol = NULL;
  TafelEnrolVouch vouched[2];
  TafelEnrol e = { 0 };
  g_autoptr(GBytes) enrol_body = NULL;
  Scenario sc = { 0 };

  tafel_random_bytes (v1_secret, sizeof v1_secret);
  tafel_random_bytes (board_id, sizeof board_id);
  keys0 = tafel_epoch_keys_new_from_v1_secret (v1_secret);
  memcpy (sc.board_id, board_id, sizeof board_id);
  writer_init (&creator);
  writer_init (&joiner);
  /* 0.1 records: the creator's at lamport 1 and 3, the joiner's at 2. */
  c1 = tafel_identity_sign_record (creator.identity, 1, NULL, 1, STROKE, body);
  j1 = tafel_identity_sign_record (joiner.identity, 1, NULL, 2, STROKE, body);
  c2 = tafel_identity_sign_record (creator.identity, 2, tafel_record_get_id (c1), 3, STROKE, body);
  unvouched = tafel_identity_sign_record (joiner.identity, 2, tafel_record_get_id (j1), 5, STROKE, body);
  /* The joiner upgrades: it enrols in epoch 0 and vouches for what it holds. */
  vouched[0] = (TafelEnrolVouch) { creator.key, 2, *tafel_record_get_id (c2) };
  vouched[1] = (TafelEnrolVouch) { joiner.key, 1, *tafel_record_get_id (j1) };
  if (memcmp (creator.key.bytes, joiner.key.bytes, TAFEL_PUBLIC_KEY_BYTES) > 0)
    {
      TafelEnrolVouch t = vouched[0];
      vouched[0] = vouched[1];
      vouched[1] = t;
    }
  g_assert_true (tafel_epoch_keys_sign_enrolment (keys0, board_id, &joiner.key, 0, &e.proof));
  e.n_vouched = 2;
  e.vouched = vouched;
  enrol_body = tafel_enrol_encode (&e);
  joiner.seq = 2;
  joiner.prev = *tafel_record_get_id (j1);
  sc.lamport = 4;
  enrol = scenario_write (&sc, &joiner, TAFEL_RECORD_KIND_ENROL, 0, enrol_body);

  access = tafel_access_new (board_id, tafel_epoch_keys_get_write_public_key (keys0));
  g_assert_true (tafel_access_add_record (access, c2, NULL));
  g_assert_true (tafel_access_add_record (access, unvouched, NULL));
  g_assert_true (tafel_access_add_record (access, j1, NULL));
  g_assert_false (tafel_access_get_owner (access, NULL));
  g_assert_true (tafel_access_add_record (access, enrol, NULL));
  /* c1 is not here: lamport 2 (the joiner's) is the first vouched. */
  {
    TafelPublicKey owner;

    g_assert_true (tafel_access_get_owner (access, &owner));
    g_assert_true (tafel_key_equal (&owner, &joiner.key));
  }
  g_assert_true (tafel_access_add_record (access, c1, NULL));
  {
    TafelPublicKey owner;

    g_assert_true (tafel_access_get_owner (access, &owner));
    g_assert_true (tafel_key_equal (&owner, &creator.key));
  }
  g_assert_cmpint (verdict (access, c1), ==, TAFEL_ACCESS_AUTHORISED);
  g_assert_cmpint (verdict (access, c2), ==, TAFEL_ACCESS_AUTHORISED);
  g_assert_cmpint (verdict (access, j1), ==, TAFEL_ACCESS_AUTHORISED);
  g_assert_cmpint (verdict (access, unvouched), ==, TAFEL_ACCESS_REFUSED);
  g_assert_cmpint (verdict (access, enrol), ==, TAFEL_ACCESS_AUTHORISED);
  g_assert_true (has_role (access, &joiner.key, TAFEL_ROLE_EDITOR));

  /* Another enrolment vouches for the joiner's seq 2 with a head that is
   * not that record: it stays uncovered. */
  {
    TafelEnrolVouch bad = { joiner.key, 2, *tafel_record_get_id (c1) };
    TafelEnrol e2 = { 0 };
    g_autoptr(GBytes) b2 = NULL;
    g_autoptr(TafelRecord) r2 = NULL;
    Writer fourth;

    writer_init (&fourth);
    g_assert_true (tafel_epoch_keys_sign_enrolment (keys0, board_id, &fourth.key, 0, &e2.proof));
    e2.n_vouched = 1;
    e2.vouched = &bad;
    b2 = tafel_enrol_encode (&e2);
    r2 = scenario_write (&sc, &fourth, TAFEL_RECORD_KIND_ENROL, 0, b2);
    g_assert_true (tafel_access_add_record (access, r2, NULL));
    g_assert_cmpint (verdict (access, r2), ==, TAFEL_ACCESS_AUTHORISED);
    g_assert_cmpint (verdict (access, unvouched), ==, TAFEL_ACCESS_REFUSED);
    writer_clear (&fourth);
  }

  /* A vouch whose head is not the record at its seq covers nothing. */
  {
    g_autoptr(TafelAccess) other = tafel_access_new (board_id, tafel_epoch_keys_get_write_public_key (keys0));
    g_autoptr(GBytes) wrong_body = NULL;
    g_autoptr(TafelRecord) wrong = NULL;
    Writer third;

    writer_init (&third);
    for (guint i = 0; i < 2; i++)
      vouched[i].head = *tafel_record_get_id (vouched[i].seq == 2 ? c1 : c2);
    g_assert_true (tafel_epoch_keys_sign_enrolment (keys0, board_id, &third.key, 0, &e.proof));
    wrong_body = tafel_enrol_encode (&e);
    wrong = scenario_write (&sc, &third, TAFEL_RECORD_KIND_ENROL, 0, wrong_body);
    g_assert_true (tafel_access_add_record (other, c1, NULL));
    g_assert_true (tafel_access_add_record (other, c2, NULL));
    g_assert_true (tafel_access_add_record (other, j1, NULL));
    g_assert_true (tafel_access_add_record (other, wrong, NULL));
    g_assert_false (tafel_access_get_owner (other, NULL));
    g_assert_cmpint (verdict (other, c1), ==, TAFEL_ACCESS_REFUSED);
    writer_clear (&third);
  }
  writer_clear (&creator);
  writer_clear (&joiner);
}

int
main (int   argc,
      char *argv[])
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/access/genesis", test_genesis);
  g_test_add_func ("/access/genesis-first", test_genesis_first);
  g_test_add_func ("/access/enrol", test_enrol);
  g_test_add_func ("/access/enrol-held", test_enrol_held);
  g_test_add_func ("/access/admin-removes-editor", test_admin_removes_editor);
  g_test_add_func ("/access/admin-without-enrolment", test_admin_without_enrolment);
  g_test_add_func ("/access/non-admin-no-effect", test_non_admin_has_no_effect);
  g_test_add_func ("/access/concurrent-removals", test_concurrent_removals);
  g_test_add_func ("/access/same-number", test_same_number);
  g_test_add_func ("/access/follow-up-after-removal", test_follow_up_after_removal);
  g_test_add_func ("/access/old-link-after-reset", test_old_link_after_reset);
  g_test_add_func ("/access/role-last-writer-wins", test_role_last_writer_wins);
  g_test_add_func ("/access/removal-loop", test_removal_loop);
  g_test_add_func ("/access/removed-admin-powerless", test_removed_admin_powerless);
  g_test_add_func ("/access/member-records", test_member_records);
  g_test_add_func ("/access/garbage-bodies", test_garbage_bodies);
  g_test_add_func ("/access/held-bound", test_held_bound);
  g_test_add_func ("/access/upgrade-owner", test_upgrade_owner);

  return g_test_run ();
}
