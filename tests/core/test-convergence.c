/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tafel-chat-message.h"
#include "tafel-core.h"
#include "tafel-export.h"
#include "tafel-test-peer.h"
#include "tafel-test-util.h"

/* Replicas of one board edit it at random while a simulated network
 * delivers their records late, out of order, twice or not at all, and
 * replicas drop off and come back (then catching up by version vectors).
 * Whenever everyone has caught up, every replica must show the same board:
 * the same digest, the same state as a reference evaluation of the record
 * set in (lamport, author, seq) order, and, at the end, the same PNG. */

#define DEFAULT_ROUNDS   5000
#define LONG_ROUNDS      50000
#define CHECK_EVERY      1000
#define MAX_DELAY        25

static GArray *traces;  /* TafelStroke */

typedef struct
{
  TafelRecord *record;
  guint        due;
} Delivery;

typedef struct
{
  TestPeer *peer;
  gboolean  online;
  GArray   *inbox;  /* Delivery */
} Replica;

typedef struct
{
  GRand     *rand;
  guint      round;   /* the network's clock */
  guint      steps;   /* rounds of the simulation done */
  guint      n;
  Replica   *replicas;
  GPtrArray *objects;  /* TafelRecord: every object record made */
  guint      n_ops;
  guint      n_deliveries;
  guint      n_drops;
  guint      n_syncs;
} Sim;

/* ---- Network ------------------------------------------------------------------ */

static void
enqueue (Sim         *sim,
         Replica     *to,
         TafelRecord *record)
{
  Delivery d = { tafel_record_ref (record), sim->round + g_rand_int_range (sim->rand, 0, MAX_DELAY) };

  g_array_append_val (to->inbox, d);
}

/* Floods a new record to every replica online with the sender. */
static void
broadcast (Sim         *sim,
           Replica     *from,
           TafelRecord *record)
{
  if (!from->online)
    return;

  for (guint i = 0; i < sim->n; i++)
    {
      Replica *to = &sim->replicas[i];
      int fate = g_rand_int_range (sim->rand, 0, 100);

      if (to == from || !to->online)
        continue;

      if (fate < 6)
        {
          sim->n_drops++;  /* lost; a later sync brings it */
          continue;
        }
      enqueue (sim, to, record);
      if (fate >= 94)
        enqueue (sim, to, record);  /* and once more */
    }
}

static void
deliver_some (Sim     *sim,
              Replica *to)
{
  g_autoptr(GPtrArray) due = g_ptr_array_new ();

  /* Everything due, in random order. */
  for (guint i = 0; i < to->inbox->len;)
    {
      Delivery *d = &g_array_index (to->inbox, Delivery, i);

      if (d->due <= sim->round)
        {
          g_ptr_array_add (due, d->record);
          g_array_remove_index_fast (to->inbox, i);
        }
      else
        i++;
    }
  for (guint i = due->len; i > 1; i--)
    {
      guint j = g_rand_int_range (sim->rand, 0, i);
      gpointer t = due->pdata[i - 1];

      due->pdata[i - 1] = due->pdata[j];
      due->pdata[j] = t;
    }

  for (guint i = 0; i < due->len; i++)
    {
      g_autoptr(GError) error = NULL;

      tafel_log_add (to->peer->log, due->pdata[i], &error);
      g_assert_no_error (error);
      tafel_record_unref (due->pdata[i]);
      sim->n_deliveries++;
    }
}

static void
drop_inbox (Replica *r)
{
  for (guint i = 0; i < r->inbox->len; i++)
    tafel_record_unref (g_array_index (r->inbox, Delivery, i).record);
  g_array_set_size (r->inbox, 0);
}

static void
sync_pair (Sim     *sim,
           Replica *a,
           Replica *b)
{
  test_peer_sync (a->peer, b->peer);
  test_peer_sync (b->peer, a->peer);
  sim->n_syncs++;
}

static void
toggle_link (Sim     *sim,
             Replica *r)
{
  if (r->online)
    {
      /* What was in flight to it is lost with the link. */
      r->online = FALSE;
      drop_inbox (r);
      return;
    }

  r->online = TRUE;
  for (guint i = 0; i < sim->n; i++)
    if (&sim->replicas[i] != r && sim->replicas[i].online)
      sync_pair (sim, r, &sim->replicas[i]);
}

/* ---- Operations ------------------------------------------------------------------ */

static TafelRecord *
commit (Sim     *sim,
        Replica *r,
        guint    kind,
        GBytes  *body)
{
  TafelRecord *record = test_peer_commit (r->peer, kind, body);

  broadcast (sim, r, record);
  sim->n_ops++;
  return record;
}

static TafelRecord *
random_known_object (Sim      *sim,
                     Replica  *r,
                     gboolean  want_visible)
{
  for (guint tries = 0; tries < 12 && sim->objects->len > 0; tries++)
    {
      TafelRecord *rec = g_ptr_array_index (sim->objects, g_rand_int_range (sim->rand, 0, sim->objects->len));
      TafelObject *object = tafel_board_model_lookup (r->peer->model, tafel_record_get_id (rec));

      if (object != NULL && tafel_object_is_visible (object) == want_visible)
        return rec;
    }

  return NULL;
}

static GBytes *
random_stroke (Sim *sim)
{
  const TafelStroke *src = &g_array_index (traces, TafelStroke, g_rand_int_range (sim->rand, 0, traces->len));
  g_autofree TafelPoint *points = g_new (TafelPoint, src->n_points);
  double ox = g_rand_double_range (sim->rand, 0, 3000) - src->points[0].x;
  double oy = g_rand_double_range (sim->rand, 0, 3000) - src->points[0].y;
  gboolean highlighter = g_rand_int_range (sim->rand, 0, 10) == 0;
  guint32 colours[] = { 0x000000ff, 0x1c71d8ff, 0xe01b24ff, 0x26a269ff, 0xf6d32dff };

  for (guint i = 0; i < src->n_points; i++)
    points[i] = (TafelPoint) {
      src->points[i].x + ox, src->points[i].y + oy,
      g_rand_boolean (sim->rand) ? src->points[i].pressure : g_rand_double (sim->rand),
    };

  return test_stroke_body (points, src->n_points,
                           highlighter ? 14 : MAX (src->width, 1.0f),
                           colours[g_rand_int_range (sim->rand, 0, G_N_ELEMENTS (colours))],
                           highlighter ? TAFEL_TOOL_HIGHLIGHTER : TAFEL_TOOL_PEN);
}

static void
local_operation (Sim     *sim,
                 Replica *r)
{
  static const char *texts[] = { "Hallo", "Grüße aus Köln", "日本語", "e = mc²", "→ ✓", "Tafel" };
  int roll = g_rand_int_range (sim->rand, 0, 100);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(TafelRecord) record = NULL;
  guint kind;
  double x = g_rand_double_range (sim->rand, 0, 3000), y = g_rand_double_range (sim->rand, 0, 3000);

  if (roll < 30)
    {
      kind = TAFEL_RECORD_KIND_STROKE;
      body = random_stroke (sim);
    }
  else if (roll < 35)
    {
      kind = TAFEL_RECORD_KIND_SHAPE;
      body = test_shape_body (g_rand_int_range (sim->rand, 0, 4), x, y,
                              x + g_rand_double_range (sim->rand, -300, 300),
                              y + g_rand_double_range (sim->rand, -300, 300),
                              g_rand_double_range (sim->rand, 1, 8), 0x3584e4ff,
                              g_rand_boolean (sim->rand) ? 0x99c1f180 : 0);
    }
  else if (roll < 39)
    {
      kind = TAFEL_RECORD_KIND_TEXT;
      body = test_text_body (x, y, texts[g_rand_int_range (sim->rand, 0, G_N_ELEMENTS (texts))],
                             g_rand_double_range (sim->rand, 8, 60), 0x241f31ff);
    }
  else if (roll < 50)
    {
      /* Erase one to three visible objects, anyone's. */
      TafelHash ids[3];
      guint n = 0;

      for (guint k = g_rand_int_range (sim->rand, 1, 4); k > 0; k--)
        {
          TafelRecord *target = random_known_object (sim, r, TRUE);

          if (target != NULL)
            ids[n++] = *tafel_record_get_id (target);
        }
      if (n == 0)
        return;
      kind = TAFEL_RECORD_KIND_ERASE;
      body = test_set_body (ids, n);
    }
  else if (roll < 55)
    {
      TafelRecord *target = random_known_object (sim, r, FALSE);

      if (target == NULL)
        return;
      kind = TAFEL_RECORD_KIND_RESTORE;
      body = test_set_body (tafel_record_get_id (target), 1);
    }
  else if (roll < 63)
    {
      TafelHash ids[3];
      TafelTransform t[3];
      guint n = 0;

      for (guint k = g_rand_int_range (sim->rand, 1, 4); k > 0; k--)
        {
          TafelRecord *target = random_known_object (sim, r, TRUE);

          if (target == NULL)
            continue;
          ids[n] = *tafel_record_get_id (target);
          t[n] = (TafelTransform) {
            g_rand_double_range (sim->rand, 0.5, 2), g_rand_double_range (sim->rand, 0.5, 2),
            g_rand_double_range (sim->rand, -400, 400), g_rand_double_range (sim->rand, -400, 400),
          };
          n++;
        }
      if (n == 0)
        return;
      kind = TAFEL_RECORD_KIND_TRANSFORM;
      body = test_transform_body (ids, t, n);
    }
  else if (roll < 64)
    {
      /* Rare, as on a real board: one operation in 300. */
      if (g_rand_int_range (sim->rand, 0, 3) != 0)
        return;
      kind = TAFEL_RECORD_KIND_CLEAR;
      body = test_clear_body (r->peer->log);
    }
  else if (roll < 72)
    {
      g_autofree char *text = g_strdup_printf ("message %u from %p", sim->round, r);

      kind = TAFEL_RECORD_KIND_CHAT;
      body = test_chat_body (text);
    }
  else if (roll < 75)
    {
      g_autofree char *name = g_strdup_printf ("Replica %u", g_rand_int_range (sim->rand, 0, 1000));

      kind = TAFEL_RECORD_KIND_PROFILE;
      body = test_profile_body (name, g_rand_int (sim->rand) | 0xff);
    }
  else if (roll < 76)
    {
      guint8 junk[16];

      for (guint i = 0; i < sizeof junk; i++)
        junk[i] = g_rand_int (sim->rand);
      kind = 100 + g_rand_int_range (sim->rand, 0, 50);  /* a kind from the future */
      body = g_bytes_new (junk, sizeof junk);
    }
  else
    {
      /* Undo (or redo) of this replica's own latest step: each record of
       * it goes out like any other. */
      gboolean redo = roll >= 90;

      do
        {
          g_autoptr(GBytes) ubody = NULL;
          g_autoptr(TafelRecord) urecord = NULL;
          guint ukind;

          if (!(redo ? tafel_history_prepare_redo (r->peer->history, &ukind, &ubody)
                     : tafel_history_prepare_undo (r->peer->history, &ukind, &ubody)))
            return;
          urecord = commit (sim, r, ukind, ubody);
          if (redo)
            tafel_history_redo_committed (r->peer->history, urecord);
          else
            tafel_history_undo_committed (r->peer->history, urecord);
        }
      while (redo ? tafel_history_redo_needs_more (r->peer->history)
                  : tafel_history_undo_needs_more (r->peer->history));
      return;
    }

  record = commit (sim, r, kind, body);
  tafel_history_push (r->peer->history, record);
  if (kind == TAFEL_RECORD_KIND_STROKE || kind == TAFEL_RECORD_KIND_SHAPE ||
      kind == TAFEL_RECORD_KIND_TEXT)
    g_ptr_array_add (sim->objects, g_steal_pointer (&record));
}

/* ---- Checks ------------------------------------------------------------------------ */

typedef struct
{
  gboolean       visible;
  TafelTransform transform;
} RefObject;

static gboolean
collect (TafelRecord *record,
         gpointer     data)
{
  g_ptr_array_add (data, tafel_record_ref (record));
  return TRUE;
}

static void
profile_free (gpointer data)
{
  tafel_profile_clear (data);
  g_free (data);
}

static int
compare_records (gconstpointer a,
                 gconstpointer b)
{
  return tafel_record_compare_order (*(TafelRecord **) a, *(TafelRecord **) b);
}

static guint
hash_id (gconstpointer key)
{
  guint h;

  memcpy (&h, key, sizeof h);
  return h;
}

static gboolean
equal_id (gconstpointer a,
          gconstpointer b)
{
  return memcmp (a, b, TAFEL_HASH_BYTES) == 0;
}

/* The reference: every record applied in (lamport, author, seq) order,
 * each operation overriding what came before. Valid here because every
 * operation names only objects its author had seen, so it orders after
 * them. Compared with what the incremental model shows. */
static void
check_against_reference (TestPeer *peer)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  g_autoptr(GHashTable) objects = g_hash_table_new_full (hash_id, equal_id, NULL, g_free);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();  /* TafelRecord of objects, z-order */
  g_autoptr(GPtrArray) chat = g_ptr_array_new ();
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  g_autoptr(GHashTable) profiles = g_hash_table_new_full (hash_id, equal_id, NULL, profile_free);
  GListModel *model_chat = tafel_board_model_get_chat (peer->model);
  guint n_visible = 0;

  tafel_log_foreach (peer->log, collect, records);
  g_ptr_array_sort (records, compare_records);

  for (guint i = 0; i < records->len; i++)
    {
      TafelRecord *rec = g_ptr_array_index (records, i);
      GBytes *body = tafel_record_get_body (rec);

      switch (tafel_record_get_kind (rec))
        {
        case TAFEL_RECORD_KIND_STROKE:
        case TAFEL_RECORD_KIND_SHAPE:
        case TAFEL_RECORD_KIND_TEXT:
          {
            RefObject *o = g_new0 (RefObject, 1);

            o->visible = TRUE;
            o->transform = TAFEL_TRANSFORM_IDENTITY;
            g_hash_table_insert (objects, (gpointer) tafel_record_get_id (rec), o);
            g_ptr_array_add (order, rec);
          }
          break;

        case TAFEL_RECORD_KIND_ERASE:
        case TAFEL_RECORD_KIND_RESTORE:
          {
            TafelObjectSet set = { 0 };

            g_assert_true (tafel_object_set_decode (body, &set, NULL));
            for (guint k = 0; k < set.n_ids; k++)
              {
                RefObject *o = g_hash_table_lookup (objects, &set.ids[k]);

                g_assert_nonnull (o);
                o->visible = tafel_record_get_kind (rec) == TAFEL_RECORD_KIND_RESTORE;
              }
            tafel_object_set_clear (&set);
          }
          break;

        case TAFEL_RECORD_KIND_TRANSFORM:
          {
            TafelTransformSet set = { 0 };

            g_assert_true (tafel_transform_set_decode (body, &set, NULL));
            for (guint k = 0; k < set.n_entries; k++)
              {
                RefObject *o = g_hash_table_lookup (objects, &set.ids[k]);

                g_assert_nonnull (o);
                o->transform = set.transforms[k];
              }
            tafel_transform_set_clear (&set);
          }
          break;

        case TAFEL_RECORD_KIND_CLEAR:
          {
            TafelClear clear = { 0 };

            g_assert_true (tafel_clear_decode (body, &clear, NULL));
            for (guint k = 0; k < order->len; k++)
              {
                TafelRecord *obj = g_ptr_array_index (order, k);

                for (guint a = 0; a < clear.n_authors; a++)
                  if (memcmp (&clear.authors[a], tafel_record_get_author (obj), sizeof (TafelPublicKey)) == 0 &&
                      tafel_record_get_seq (obj) <= clear.seqs[a])
                    ((RefObject *) g_hash_table_lookup (objects, tafel_record_get_id (obj)))->visible = FALSE;
              }
            tafel_clear_clear (&clear);
          }
          break;

        case TAFEL_RECORD_KIND_CHAT:
          g_ptr_array_add (chat, rec);
          break;

        case TAFEL_RECORD_KIND_PROFILE:
          {
            TafelProfile *p = g_new0 (TafelProfile, 1);

            /* Later in the order replaces earlier: latest wins. */
            g_assert_true (tafel_profile_decode (body, p, NULL));
            g_hash_table_replace (profiles, (gpointer) tafel_record_get_author (rec), p);
          }
          break;

        default:
          break;
        }
    }

  /* Objects: visibility, transform, and z-order of what is shown. */
  for (guint k = 0; k < order->len; k++)
    {
      TafelRecord *rec = g_ptr_array_index (order, k);
      RefObject *o = g_hash_table_lookup (objects, tafel_record_get_id (rec));
      TafelObject *object = tafel_board_model_lookup (peer->model, tafel_record_get_id (rec));
      const TafelTransform *t;

      g_assert_nonnull (object);
      g_assert_cmpint (tafel_object_is_visible (object), ==, o->visible);
      t = tafel_object_get_transform (object);
      g_assert_cmpfloat (t->sx, ==, o->transform.sx);
      g_assert_cmpfloat (t->sy, ==, o->transform.sy);
      g_assert_cmpfloat (t->tx, ==, o->transform.tx);
      g_assert_cmpfloat (t->ty, ==, o->transform.ty);
      if (o->visible)
        {
          n_visible++;
          g_ptr_array_add (shown, object);
        }
    }
  g_assert_cmpuint (tafel_board_model_get_n_visible (peer->model), ==, n_visible);
  {
    g_autoptr(GPtrArray) all = g_ptr_array_new ();

    tafel_board_model_query (peer->model, NULL, all);
    g_assert_cmpuint (all->len, ==, shown->len);
    for (guint k = 0; k < all->len; k++)
      g_assert_true (all->pdata[k] == shown->pdata[k]);
  }

  /* Chat in order. */
  g_assert_cmpuint (g_list_model_get_n_items (model_chat), ==, chat->len);
  for (guint k = 0; k < chat->len; k++)
    {
      g_autoptr(TafelChatMessage) m = g_list_model_get_item (model_chat, k);

      g_assert_true (tafel_hash_equal (tafel_chat_message_get_id (m),
                                       tafel_record_get_id (g_ptr_array_index (chat, k))));
    }

  /* Profiles: latest wins. */
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, profiles);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        const char *name;
        guint32 rgba;

        g_assert_true (tafel_board_model_get_profile (peer->model, key, &name, &rgba));
        g_assert_cmpstr (name, ==, ((TafelProfile *) value)->name);
        g_assert_cmphex (rgba, ==, ((TafelProfile *) value)->rgba);
      }
  }
}

/* Everyone online, everything delivered, every pair synced: the states
 * must now be equal. */
static void
converge_and_check (Sim      *sim,
                    gboolean  final)
{
  g_autofree char *digest0 = NULL;
  g_autoptr(GBytes) png0 = NULL;

  for (guint i = 0; i < sim->n; i++)
    {
      Replica *r = &sim->replicas[i];

      r->online = TRUE;
      sim->round += MAX_DELAY;
      deliver_some (sim, r);
      drop_inbox (r);
    }

  /* A star: the first gathers everything, then hands it out. */
  for (guint i = 1; i < sim->n; i++)
    sync_pair (sim, &sim->replicas[0], &sim->replicas[i]);
  for (guint i = 1; i < sim->n; i++)
    sync_pair (sim, &sim->replicas[0], &sim->replicas[i]);

  digest0 = test_digest_hex (sim->replicas[0].peer->model);
  check_against_reference (sim->replicas[0].peer);

  for (guint i = 0; i < sim->n; i++)
    {
      TestPeer *p = sim->replicas[i].peer;
      g_autofree char *digest = test_digest_hex (p->model);

      g_assert_cmpuint (tafel_log_get_n_held (p->log), ==, 0);
      g_assert_cmpuint (tafel_log_get_n_records (p->log), ==,
                        tafel_log_get_n_records (sim->replicas[0].peer->log));
      g_assert_cmpstr (digest, ==, digest0);
    }

  if (!final)
    return;

  /* A model built in one go from the final log agrees with the ones that
   * followed every step. */
  {
    g_autoptr(TafelBoardModel) rebuilt = tafel_board_model_new (sim->replicas[sim->n - 1].peer->log);
    g_autofree char *digest = test_digest_hex (rebuilt);

    g_assert_cmpstr (digest, ==, digest0);
  }

  /* And every replica draws the same pixels. */
  for (guint i = 0; i < sim->n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) png = tafel_export_to_bytes (sim->replicas[i].peer->model,
                                                     TAFEL_EXPORT_PNG, NULL, 0.2, &error);

      if (g_error_matches (error, TAFEL_EXPORT_ERROR, TAFEL_EXPORT_ERROR_EMPTY))
        continue;  /* everything erased: nothing to compare */
      g_assert_no_error (error);
      if (png0 == NULL)
        png0 = g_bytes_ref (png);
      else
        g_assert_true (g_bytes_equal (png, png0));
    }
  if (png0 != NULL)
    g_test_message ("every replica exported the same PNG (%" G_GSIZE_FORMAT " bytes)",
                    g_bytes_get_size (png0));

  g_test_message ("%u replicas, %u rounds: %u operations, %u deliveries, %u drops, %u syncs, "
                  "%u records, %u visible objects, digest %.16s",
                  sim->n, sim->steps, sim->n_ops, sim->n_deliveries, sim->n_drops, sim->n_syncs,
                  tafel_log_get_n_records (sim->replicas[0].peer->log),
                  tafel_board_model_get_n_visible (sim->replicas[0].peer->model), digest0);
}

static void
run_seed (guint32 seed,
          guint   rounds)
{
  Sim sim = { 0 };
  guint checks = 0;

  g_test_message ("seed %u (replay: test-convergence --seed %u)", seed, seed);

  sim.rand = g_rand_new_with_seed (seed);
  sim.n = g_rand_int_range (sim.rand, 3, 9);
  sim.replicas = g_new0 (Replica, sim.n);
  sim.objects = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  for (guint i = 0; i < sim.n; i++)
    {
      sim.replicas[i].peer = test_peer_new ();
      sim.replicas[i].online = TRUE;
      sim.replicas[i].inbox = g_array_new (FALSE, FALSE, sizeof (Delivery));
    }

  for (guint step = 0; step < rounds; step++, sim.round++, sim.steps++)
    {
      Replica *r = &sim.replicas[g_rand_int_range (sim.rand, 0, sim.n)];
      int roll = g_rand_int_range (sim.rand, 0, 100);

      if (roll < 50)
        local_operation (&sim, r);
      else if (roll < 94)
        deliver_some (&sim, r);
      else if (roll < 97)
        {
          /* Links break now and then and come back soon. */
          if (!r->online || g_rand_int_range (sim.rand, 0, 3) == 0)
            toggle_link (&sim, r);
        }
      else
        {
          Replica *other = &sim.replicas[g_rand_int_range (sim.rand, 0, sim.n)];

          /* Anti-entropy between two connected replicas brings back what
           * was dropped. */
          if (other != r && r->online && other->online)
            sync_pair (&sim, r, other);
        }

      if ((step + 1) % CHECK_EVERY == 0 && step + 1 < rounds)
        {
          converge_and_check (&sim, FALSE);
          checks++;
        }
    }

  converge_and_check (&sim, TRUE);
  g_test_message ("%u intermediate checks passed", checks);

  for (guint i = 0; i < sim.n; i++)
    {
      drop_inbox (&sim.replicas[i]);
      g_array_unref (sim.replicas[i].inbox);
      test_peer_free (sim.replicas[i].peer);
    }
  g_free (sim.replicas);
  g_ptr_array_unref (sim.objects);
  g_rand_free (sim.rand);
}

typedef struct
{
  guint32 seed;
  guint   rounds;
} SeedCase;

static void
test_seed (gconstpointer data)
{
  const SeedCase *c = data;

  run_seed (c->seed, c->rounds);
}

int
main (int   argc,
      char *argv[])
{
  static const guint32 default_seeds[] = { 20240601, 7, 1337, 424242 };
  g_autoptr(GArray) cases = g_array_new (FALSE, FALSE, sizeof (SeedCase));
  gboolean is_long = FALSE;
  gint64 only_seed = -1;

  /* Our options first: GTest has a --seed of its own (for g_test_rand). */
  {
    int out = 1;

    for (int i = 1; i < argc; i++)
      {
        if (g_str_equal (argv[i], "--long"))
          is_long = TRUE;
        else if (g_str_equal (argv[i], "--seed") && i + 1 < argc)
          only_seed = g_ascii_strtoll (argv[++i], NULL, 10);
        else
          argv[out++] = argv[i];
      }
    argc = out;
    argv[argc] = NULL;
  }

  tafel_test_init (&argc, &argv);

  traces = test_load_trace ("quickdraw-strokes.ndjson");
  if (traces == NULL)
    {
      /* Without the shared real traces, a synthetic random walk. */
      g_test_message ("the shared stroke traces are not there: using synthetic strokes");
      traces = tafel_test_random_walk (2000, 11);
    }

  if (only_seed >= 0)
    {
      SeedCase c = { (guint32) only_seed, is_long ? LONG_ROUNDS : DEFAULT_ROUNDS };

      g_array_append_val (cases, c);
    }
  else if (is_long)
    {
      /* Millions of rounds: 40 seeds of 50,000. */
      for (guint32 s = 1; s <= 40; s++)
        {
          SeedCase c = { s * 7919, LONG_ROUNDS };

          g_array_append_val (cases, c);
        }
    }
  else
    {
      for (guint i = 0; i < G_N_ELEMENTS (default_seeds); i++)
        {
          SeedCase c = { default_seeds[i], DEFAULT_ROUNDS };

          g_array_append_val (cases, c);
        }
    }

  for (guint i = 0; i < cases->len; i++)
    {
      SeedCase *c = &g_array_index (cases, SeedCase, i);
      g_autofree char *path = g_strdup_printf ("/tafel/convergence/seed-%u", c->seed);

      g_test_add_data_func (path, c, test_seed);
    }

  {
    int status = g_test_run ();

    g_array_unref (traces);
    return status;
  }
}
