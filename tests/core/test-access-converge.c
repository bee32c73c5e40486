/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Convergence fuzz of the access rules (issue 11): each round, random
 * admin actions, role changes, removals, resets, enrolments (some with an
 * old epoch's link, some forged), writes by non-writers and damaged
 * control records, among a few real identities; 3 to 8 replicas get them
 * in random orders and subsets (a partition), then everything (healed).
 * Replicas holding the same set must agree on the owner, every role,
 * every cut-off, the current epoch and the verdict on every record.
 *
 * Pure in memory. The seed is g_test's (replay a failure with --seed);
 * TAFEL_ACCESS_ROUNDS overrides the number of rounds. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "access-scenario.h"
#include "tafel-test-util.h"

#define N_WRITERS   6   /* besides the owner */
#define N_KEYSETS   4
#define MAX_NUMBER  5   /* epoch numbers 0 … MAX_NUMBER */
#define DEFAULT_ROUNDS 10000

typedef struct
{
  Scenario        sc;
  Writer          w[N_WRITERS];
  TafelEpochKeys *keys[N_KEYSETS];
  /* proofs[w][k][n]: writer w's enrolment in epoch n with keyset k */
  TafelSignature  proofs[N_WRITERS][N_KEYSETS][MAX_NUMBER + 1];
} Pool;

typedef struct
{
  guint64 number;
  guint   keyset;
  guint32 key_id;
} Written;

static Writer *
pool_writer (Pool *p,
             guint i)
{
  return i == N_WRITERS ? &p->sc.owner : &p->w[i];
}

static void
pool_init (Pool *p)
{
  TafelRecord *genesis = scenario_init (&p->sc, FALSE);

  tafel_record_unref (genesis);
  /* keyset 0 is the genesis's */
  p->keys[0] = tafel_epoch_keys_copy (p->sc.keys0);
  for (guint k = 1; k < N_KEYSETS; k++)
    p->keys[k] = tafel_epoch_keys_new_random ();
  for (guint i = 0; i < N_WRITERS; i++)
    {
      writer_init (&p->w[i]);
      for (guint k = 0; k < N_KEYSETS; k++)
        for (guint n = 0; n <= MAX_NUMBER; n++)
          g_assert_true (tafel_epoch_keys_sign_enrolment (p->keys[k], p->sc.board_id, &p->w[i].key, n,
                                                          &p->proofs[i][k][n]));
    }
}

static void
pool_clear (Pool *p)
{
  for (guint i = 0; i < N_WRITERS; i++)
    writer_clear (&p->w[i]);
  for (guint k = 0; k < N_KEYSETS; k++)
    tafel_epoch_keys_free (p->keys[k]);
  scenario_clear (&p->sc);
}

/* Writes one round's records into @records (genesis first). */
static void
generate (Pool      *p,
          GRand     *rand,
          GPtrArray *records,
          GPtrArray *garbage)
{
  g_autoptr(GArray) epochs = g_array_new (FALSE, FALSE, sizeof (Written));
  guint n_actions = g_rand_int_range (rand, 6, 16);
  TafelAccessMember owner_m;
  Written w0 = { 0, 0, 0 };

  p->sc.lamport = 0;
  p->sc.owner.seq = 0;
  for (guint i = 0; i < N_WRITERS; i++)
    p->w[i].seq = 0;
  owner_m = (TafelAccessMember) { p->sc.owner.key, TAFEL_ROLE_OWNER };
  g_ptr_array_add (records, scenario_epoch (&p->sc, &p->sc.owner, 0, p->keys[0], &owner_m, 1, NULL, 0, 0));
  g_array_append_val (epochs, w0);

  for (guint a = 0; a < n_actions; a++)
    {
      guint who = g_rand_int_range (rand, 0, N_WRITERS + 1);  /* N_WRITERS: the owner */
      Writer *author = pool_writer (p, who);
      guint action = g_rand_int_range (rand, 0, 100);

      if (action < 25 && who < N_WRITERS)
        {
          /* enrol: with the keys of a written epoch (maybe an old one), or
           * a forged proof (the wrong keyset for that epoch) */
          const Written *e = &g_array_index (epochs, Written, g_rand_int_range (rand, 0, epochs->len));
          guint keyset = g_rand_int_range (rand, 0, 10) == 0 ? (e->keyset + 1) % N_KEYSETS : e->keyset;

          g_ptr_array_add (records, scenario_enrol_with_proof (&p->sc, author, e->key_id,
                                                              &p->proofs[who][keyset][e->number]));
        }
      else if (action < 45)
        {
          g_ptr_array_add (records, scenario_content (&p->sc, author, 0));
        }
      else if (action < 55)
        {
          /* role: mostly by the owner */
          Writer *by = g_rand_int_range (rand, 0, 4) == 0 ? author : &p->sc.owner;
          Writer *target = &p->w[g_rand_int_range (rand, 0, N_WRITERS)];

          g_ptr_array_add (records, scenario_role (&p->sc, by, &target->key,
                                                   g_rand_boolean (rand) ? TAFEL_ROLE_ADMIN : TAFEL_ROLE_EDITOR,
                                                   g_rand_int_range (rand, 1, 6)));
        }
      else if (action < 85)
        {
          /* epoch: a reset or removal by anyone (admins or not), of a
           * number at most one above the newest written */
          TafelAccessMember members[N_WRITERS + 1];
          TafelEpochRemoval removed[N_WRITERS + 1];
          guint n_members = 0, n_removed = 0;
          guint64 newest = 0;
          guint64 number;
          guint keyset = g_rand_int_range (rand, 0, N_KEYSETS);
          TafelRecord *r;
          Written written;

          for (guint i = 0; i < epochs->len; i++)
            newest = MAX (newest, g_array_index (epochs, Written, i).number);
          number = MIN ((guint64) MAX_NUMBER, 1 + (guint64) g_rand_int_range (rand, 0, newest + 1));

          for (guint i = 0; i <= N_WRITERS; i++)
            {
              Writer *m = pool_writer (p, i);
              guint pick = g_rand_int_range (rand, 0, 10);

              if (i == N_WRITERS)
                {
                  if (pick < 8)
                    members[n_members++] = (TafelAccessMember) { m->key, TAFEL_ROLE_OWNER };
                  else if (pick == 9)
                    removed[n_removed++] = (TafelEpochRemoval) { m->key, 1 };  /* never in effect */
                }
              else if (pick < 6)
                members[n_members++] = (TafelAccessMember) { m->key, pick < 2 ? TAFEL_ROLE_ADMIN
                                                                     : pick < 5 ? TAFEL_ROLE_EDITOR
                                                                     : TAFEL_ROLE_VIEWER };
              else if (pick < 8)
                removed[n_removed++] = (TafelEpochRemoval) { m->key, MAX (m->seq, 1) - (pick == 7 && m->seq > 1) };
            }
          r = scenario_epoch (&p->sc, author, number, p->keys[keyset], members, n_members, removed, n_removed, 0);
          written = (Written) { number, keyset, tafel_key_id_from_record_id (tafel_record_get_id (r)) };
          g_array_append_val (epochs, written);
          g_ptr_array_add (records, r);
        }
      else if (action < 93)
        {
          Writer *named = &p->w[g_rand_int_range (rand, 0, N_WRITERS)];

          g_ptr_array_add (records, scenario_member (&p->sc, author, &named->key,
                                                     g_rand_boolean (rand) ? TAFEL_ROLE_VIEWER : TAFEL_ROLE_SEED, 0));
        }
      else
        {
          /* a damaged control record */
          static const guint kinds[] = { TAFEL_RECORD_KIND_EPOCH, TAFEL_RECORD_KIND_ENROL,
                                         TAFEL_RECORD_KIND_ROLE, TAFEL_RECORD_KIND_MEMBER };
          guint8 junk[8];
          g_autoptr(GBytes) body = NULL;

          /* truncated, and a varint that never ends */
          memset (junk, 0xff, sizeof junk);
          body = g_bytes_new (junk, g_rand_int_range (rand, 1, sizeof junk));
          g_ptr_array_add (garbage, scenario_write (&p->sc, author, kinds[g_rand_int_range (rand, 0, 4)], 0, body));
        }
    }
}

static void
shuffle (GPtrArray *array,
         GRand     *rand)
{
  for (guint i = array->len; i > 1; i--)
    {
      guint j = g_rand_int_range (rand, 0, i);
      gpointer t = array->pdata[i - 1];

      array->pdata[i - 1] = array->pdata[j];
      array->pdata[j] = t;
    }
}

static int
compare_records (gconstpointer a,
                 gconstpointer b)
{
  return tafel_hash_compare (tafel_record_get_id (*(TafelRecord * const *) a),
                             tafel_record_get_id (*(TafelRecord * const *) b));
}

/* Everything a replica answers about @records, as one string. */
static char *
digest (TafelAccess *access,
        Pool        *p,
        GPtrArray   *records)
{
  GString *s = g_string_new (NULL);
  g_autoptr(GArray) members = tafel_access_dup_members (access);
  g_autoptr(GPtrArray) sorted = g_ptr_array_copy (records, NULL, NULL);
  TafelPublicKey owner;
  guint64 epoch = 0;
  guint32 key_id = 0;

  g_ptr_array_set_free_func (sorted, NULL);
  g_string_append_printf (s, "owner %d", tafel_access_get_owner (access, &owner));
  tafel_access_get_current_epoch (access, &epoch, &key_id);
  g_string_append_printf (s, " epoch %" G_GUINT64_FORMAT "/%08x members", epoch, key_id);
  for (guint i = 0; i < members->len; i++)
    {
      const TafelAccessMember *m = &g_array_index (members, TafelAccessMember, i);

      g_string_append_printf (s, " %02x%02x:%d", m->key.bytes[0], m->key.bytes[1], m->role);
    }
  g_string_append (s, " cut");
  for (guint i = 0; i <= N_WRITERS; i++)
    {
      guint64 cut_off = 0;

      g_string_append_printf (s, " %d/%" G_GUINT64_FORMAT,
                              tafel_access_get_cut_off (access, &pool_writer (p, i)->key, &cut_off), cut_off);
    }
  g_string_append (s, " verdicts ");
  g_ptr_array_sort (sorted, compare_records);
  for (guint i = 0; i < sorted->len; i++)
    g_string_append_printf (s, "%d", tafel_access_check_record (access, sorted->pdata[i], NULL));
  return g_string_free (s, FALSE);
}

/* Invariants every replica's answers keep, whatever the records. */
static void
check_invariants (TafelAccess *access,
                  Pool        *p,
                  GPtrArray   *records)
{
  for (guint i = 0; i < records->len; i++)
    {
      TafelRecord *r = records->pdata[i];
      const TafelPublicKey *author = tafel_record_get_author (r);
      guint64 cut_off;
      TafelRole role;

      /* nothing past a cut-off is authorised */
      if (tafel_access_get_cut_off (access, author, &cut_off) && tafel_record_get_seq (r) > cut_off)
        g_assert_cmpint (tafel_access_check_record (access, r, NULL), ==, TAFEL_ACCESS_CUT_OFF);
      /* a member's role is one of the five, and a removed key has none */
      if (tafel_access_get_role (access, author, &role))
        {
          g_assert_true (TAFEL_ROLE_IS_KNOWN (role));
          g_assert_false (tafel_access_get_cut_off (access, author, NULL));
        }
    }
  g_assert_false (tafel_access_get_cut_off (access, &p->sc.owner.key, NULL));

  /* The rules, recomputed here from the records and what the replica
   * says is in effect: */
  {
    guint64 owner_seq[N_WRITERS] = { 0 };
    TafelRole last_role[N_WRITERS];
    gboolean ever_admin[N_WRITERS] = { FALSE };
    guint64 min_cut[N_WRITERS + 1];
    guint64 newest = 0, current = 0;
    const TafelHash *current_id = NULL;
    guint32 key_id = 0;

    for (guint i = 0; i <= N_WRITERS; i++)
      min_cut[i] = G_MAXUINT64;
    for (guint i = 0; i < records->len; i++)
      {
        TafelRecord *r = records->pdata[i];
        const TafelPublicKey *author = tafel_record_get_author (r);

        if (tafel_record_get_kind (r) == TAFEL_RECORD_KIND_ROLE && tafel_key_equal (author, &p->sc.owner.key))
          {
            TafelRoleChange change;

            g_assert_true (tafel_role_change_decode (tafel_record_get_body (r), &change, NULL));
            for (guint w = 0; w < N_WRITERS; w++)
              if (tafel_key_equal (&change.member, &p->w[w].key))
                {
                  ever_admin[w] |= change.role == TAFEL_ROLE_ADMIN;
                  if (tafel_record_get_seq (r) > owner_seq[w])
                    {
                      owner_seq[w] = tafel_record_get_seq (r);
                      last_role[w] = change.role;
                    }
                }
          }
      }
    for (guint i = 0; i < records->len; i++)
      {
        TafelRecord *r = records->pdata[i];
        const TafelPublicKey *author = tafel_record_get_author (r);

        if (tafel_record_get_kind (r) == TAFEL_RECORD_KIND_EPOCH
            && tafel_access_epoch_is_valid (access, tafel_record_get_id (r)))
          {
            TafelEpoch epoch;
            gboolean by_admin = tafel_key_equal (author, &p->sc.owner.key);

            /* in effect: by the owner or someone the owner made admin */
            for (guint w = 0; w < N_WRITERS; w++)
              by_admin |= tafel_key_equal (author, &p->w[w].key) && ever_admin[w];
            g_assert_true (by_admin || tafel_record_get_seq (r) == 1);
            /* and stored wherever it is in effect */
            g_assert_cmpint (tafel_access_check_record (access, r, NULL), ==, TAFEL_ACCESS_AUTHORISED);
            g_assert_true (tafel_epoch_decode (tafel_record_get_body (r), &epoch, NULL));
            for (guint j = 0; j < epoch.n_removed; j++)
              for (guint w = 0; w < N_WRITERS; w++)
                if (tafel_key_equal (&epoch.removed[j].key, &p->w[w].key))
                  min_cut[w] = MIN (min_cut[w], epoch.removed[j].cut_off);
            if (epoch.epoch > newest || current_id == NULL
                || (epoch.epoch == newest && tafel_hash_compare (tafel_record_get_id (r), current_id) < 0))
              {
                newest = epoch.epoch;
                current_id = tafel_record_get_id (r);
              }
            tafel_epoch_clear (&epoch);
          }
      }
    /* every cut-off of a valid epoch record applies, the smallest wins */
    for (guint w = 0; w < N_WRITERS; w++)
      {
        guint64 cut_off = 0;
        gboolean cut = tafel_access_get_cut_off (access, &p->w[w].key, &cut_off);
        TafelRole role;

        g_assert_cmpint (cut, ==, min_cut[w] != G_MAXUINT64);
        if (cut)
          g_assert_cmpuint (cut_off, ==, min_cut[w]);
        /* role: the owner's last role record, by seq */
        else if (tafel_access_get_role (access, &p->w[w].key, &role))
          g_assert_cmpint (role == TAFEL_ROLE_ADMIN, ==, owner_seq[w] > 0 && last_role[w] == TAFEL_ROLE_ADMIN);
      }
    /* the current epoch: the newest number, the lowest id among equals */
    g_assert_true (tafel_access_get_current_epoch (access, &current, &key_id));
    g_assert_cmpuint (current, ==, newest);
    g_assert_cmpuint (key_id, ==, newest == 0 ? 0 : tafel_key_id_from_record_id (current_id));
  }
}

static void
test_converge (void)
{
  Pool p;
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  const char *env = g_getenv ("TAFEL_ACCESS_ROUNDS");
  guint rounds = env != NULL ? (guint) atoi (env) : DEFAULT_ROUNDS;
  guint64 n_records = 0, n_refused = 0, n_cut = 0, n_epochs_valid = 0;
  gint64 start = g_get_monotonic_time ();

  pool_init (&p);
  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
      g_autoptr(GPtrArray) garbage = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
      guint n_replicas = g_rand_int_range (rand, 3, 9);
      g_autoptr(GPtrArray) replicas = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_access_free);
      g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
      g_autofree char *first = NULL;
      g_autofree char *partition_a = NULL;
      guint n_control = 0;

      generate (&p, rand, records, garbage);
      n_records += records->len;
      for (guint j = 0; j < records->len; j++)
        n_control += TAFEL_RECORD_KIND_IS_CONTROL (tafel_record_get_kind (records->pdata[j]));

      /* Partition: replica i gets a random subset in a random order;
       * replicas 0 and 1 get the same subset in different orders. */
      for (guint i = 0; i < n_replicas; i++)
        {
          TafelAccess *access = tafel_access_new (p.sc.board_id, NULL);
          g_autoptr(GPtrArray) order = g_ptr_array_copy (records, NULL, NULL);
          GPtrArray *got = g_ptr_array_new ();

          g_ptr_array_set_free_func (order, NULL);
          shuffle (order, rand);
          for (guint j = 0; j < order->len; j++)
            {
              gboolean take = i == 1 ? g_ptr_array_find (g_ptr_array_index (held, 0), order->pdata[j], NULL)
                                     : g_rand_int_range (rand, 0, 3) != 0;

              if (take)
                {
                  g_assert_true (tafel_access_add_record (access, order->pdata[j], NULL));
                  g_ptr_array_add (got, order->pdata[j]);
                }
            }
          for (guint j = 0; j < garbage->len; j++)
            g_assert_false (tafel_access_add_record (access, garbage->pdata[j], NULL));
          g_ptr_array_add (replicas, access);
          g_ptr_array_add (held, got);
        }
      {
        char *a = digest (replicas->pdata[0], &p, records);
        char *b = digest (replicas->pdata[1], &p, records);

        if (g_strcmp0 (a, b) != 0)
          g_error ("round %u: two replicas with the same records disagree:\n%s\n%s", round, a, b);
        g_free (b);
        partition_a = a;
      }

      /* Heal: every replica gets everything, in its own random order. */
      for (guint i = 0; i < n_replicas; i++)
        {
          g_autoptr(GPtrArray) order = g_ptr_array_copy (records, NULL, NULL);
          g_autofree char *d = NULL;

          g_ptr_array_set_free_func (order, NULL);
          shuffle (order, rand);
          for (guint j = 0; j < order->len; j++)
            g_assert_true (tafel_access_add_record (replicas->pdata[i], order->pdata[j], NULL));
          g_assert_cmpuint (tafel_access_get_n_records (replicas->pdata[i]), ==, n_control);
          d = digest (replicas->pdata[i], &p, records);
          if (first == NULL)
            first = g_steal_pointer (&d);
          else if (strcmp (first, d) != 0)
            g_error ("round %u: replicas disagree after healing:\n%s\n%s", round, first, d);
        }
      check_invariants (replicas->pdata[0], &p, records);
      for (guint j = 0; j < records->len; j++)
        {
          TafelRecord *r = records->pdata[j];
          TafelAccessVerdict v = tafel_access_check_record (replicas->pdata[0], r, NULL);

          n_refused += v == TAFEL_ACCESS_REFUSED;
          n_cut += v == TAFEL_ACCESS_CUT_OFF;
          n_epochs_valid += tafel_record_get_kind (r) == TAFEL_RECORD_KIND_EPOCH
                            && tafel_access_epoch_is_valid (replicas->pdata[0], tafel_record_get_id (r));
        }
    }
  pool_clear (&p);

  g_test_message ("%u rounds, %" G_GUINT64_FORMAT " records: %" G_GUINT64_FORMAT " refused, %" G_GUINT64_FORMAT
                  " cut off, %" G_GUINT64_FORMAT " epoch records in effect; %.1f s",
                  rounds, n_records, n_refused, n_cut, n_epochs_valid,
                  (g_get_monotonic_time () - start) / 1e6);
  /* The generator has to reach the rules, not only refusals. */
  if (rounds >= 1000)
    {
      g_assert_cmpuint (n_cut, >, 0);
      g_assert_cmpuint (n_epochs_valid, >, rounds);
      g_assert_cmpuint (n_refused, <, n_records);
    }
}

int
main (int   argc,
      char *argv[])
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/access/converge", test_converge);

  return g_test_run ();
}
