/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tafel-access.h"
#include "tafel-keys.h"

/* Membership as a pure function of the records (docs/access.md). Every
 * answer comes from recompute(), which reads the whole set in an order
 * that depends only on the set (record ids, epoch numbers, seqs), never
 * on arrival: so two peers holding the same records agree.
 *
 * recompute() runs in the order the rules depend on each other:
 *   1. the owner (genesis, or the first vouched 0.1 record);
 *   2. the owner's `role` records, last writer wins in the owner's seq;
 *   3. the `epoch` records in effect and the cut-offs they set, greedily
 *      in (number, record id) order (see "Concurrent admin actions" in
 *      docs/access.md for why, and for the loop rule);
 *   4. enrolments, their proofs and whether they are confirmed;
 *   5. viewers and seed peers named by writers. */

G_DEFINE_QUARK (tafel-access-error-quark, tafel_access_error)

typedef struct
{
  TafelRecord    *record;
  TafelHash       id;
  TafelPublicKey  author;
  guint64         seq;
  guint           version;
  guint           kind;
  gboolean        parsed;  /* a known control kind on version 2 */
  union
  {
    TafelEpoch      epoch;
    TafelEnrol      enrol;
    TafelRoleChange role;
    TafelMemberSet  member;
  } body;
} Entry;

typedef enum
{
  ENROL_NONE,        /* not looked at / not an enrolment in effect */
  ENROL_HELD,        /* its key id names no valid epoch (yet) */
  ENROL_BAD,         /* the proof does not verify */
  ENROL_UNCONFIRMED, /* valid proof, missing from a later epoch */
  ENROL_CONFIRMED,
} EnrolStatus;

typedef struct
{
  guint64          number;
  guint32          key_id;
  TafelPublicKey   wpk;
  const Entry     *entry;  /* NULL for a 0.1 board's epoch 0 */
} ValidEpoch;

/* What recompute() learns about one key. */
typedef struct
{
  TafelPublicKey key;
  gboolean       cut;
  guint64        cut_off;
  /* the owner's last role record about this key */
  gboolean       has_role;
  guint64        role_seq;
  TafelRole      role;
  guint64        role_cut_off;
  gboolean       was_admin;   /* an earlier role record made it admin */
  gboolean       enrolled;    /* a confirmed enrolment … */
  guint64        enrol_seq;   /* … at this seq (the lowest) */
  gboolean       held_enrol;
  guint64        held_seq;    /* lowest seq of an enrolment held */
  gboolean       listed;      /* viewer or seed peer named by a writer */
  TafelRole      listed_role;
  guint64        v1_covered;  /* 0.1 records 1 … this are vouched for */
} KeyState;

struct _TafelAccess
{
  guint8          board_id[TAFEL_BOARD_ID_BYTES];
  gboolean        has_anchor;
  TafelPublicKey  anchor;

  GHashTable     *entries;      /* TafelHash * → Entry * */
  GHashTable     *proof_cache;  /* GBytes (enrol id ‖ wpk) → GINT_TO_POINTER (1 + ok) */
  gboolean        dirty;

  /* derived by recompute() */
  gboolean        has_owner;
  TafelPublicKey  owner;
  GArray         *epochs;       /* ValidEpoch, by (number, record id) */
  GHashTable     *keys;         /* TafelPublicKey * → KeyState * */
  GHashTable     *enrol_status; /* TafelHash * → GINT_TO_POINTER (EnrolStatus) */
  GHashTable     *v1_by_seq;    /* GBytes (author ‖ seq) → Entry * */
  guint           n_held;
};

static void
entry_free (Entry *e)
{
  if (e->parsed)
    {
      switch (e->kind)
        {
        case TAFEL_RECORD_KIND_EPOCH:
          tafel_epoch_clear (&e->body.epoch);
          break;
        case TAFEL_RECORD_KIND_ENROL:
          tafel_enrol_clear (&e->body.enrol);
          break;
        case TAFEL_RECORD_KIND_MEMBER:
          tafel_member_set_clear (&e->body.member);
          break;
        default:
          break;
        }
    }
  tafel_record_unref (e->record);
  g_free (e);
}

TafelAccess *
tafel_access_new (const guint8          board_id[TAFEL_BOARD_ID_BYTES],
                  const TafelPublicKey *anchor)
{
  TafelAccess *self;

  g_return_val_if_fail (board_id != NULL, NULL);

  self = g_new0 (TafelAccess, 1);
  memcpy (self->board_id, board_id, TAFEL_BOARD_ID_BYTES);
  if (anchor != NULL)
    {
      self->has_anchor = TRUE;
      self->anchor = *anchor;
    }
  self->entries = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, NULL, (GDestroyNotify) entry_free);
  self->proof_cache = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
  self->epochs = g_array_new (FALSE, FALSE, sizeof (ValidEpoch));
  self->keys = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, NULL, g_free);
  self->enrol_status = g_hash_table_new (tafel_key_hash, tafel_key_equal);
  self->v1_by_seq = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
  self->dirty = TRUE;
  return self;
}

void
tafel_access_free (TafelAccess *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->v1_by_seq);
  g_hash_table_unref (self->enrol_status);
  g_hash_table_unref (self->keys);
  g_array_unref (self->epochs);
  g_hash_table_unref (self->proof_cache);
  g_hash_table_unref (self->entries);
  g_free (self);
}

guint
tafel_access_get_n_records (TafelAccess *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return g_hash_table_size (self->entries);
}

static GBytes *
author_seq_key (const TafelPublicKey *author,
                guint64               seq)
{
  guint8 buf[TAFEL_PUBLIC_KEY_BYTES + 8];

  memcpy (buf, author->bytes, TAFEL_PUBLIC_KEY_BYTES);
  for (guint i = 0; i < 8; i++)
    buf[TAFEL_PUBLIC_KEY_BYTES + i] = (seq >> (8 * i)) & 0xff;
  return g_bytes_new (buf, sizeof buf);
}

static KeyState *
key_state (TafelAccess          *self,
           const TafelPublicKey *key)
{
  KeyState *st = g_hash_table_lookup (self->keys, key);

  if (st == NULL)
    {
      st = g_new0 (KeyState, 1);
      st->key = *key;
      g_hash_table_insert (self->keys, &st->key, st);
    }
  return st;
}

static KeyState *
key_state_lookup (TafelAccess          *self,
                  const TafelPublicKey *key)
{
  return g_hash_table_lookup (self->keys, key);
}

static int
compare_entries_by_id (gconstpointer a,
                       gconstpointer b)
{
  const Entry *ea = *(const Entry * const *) a;
  const Entry *eb = *(const Entry * const *) b;

  return tafel_hash_compare (&ea->id, &eb->id);
}

static int
compare_epoch_entries (gconstpointer a,
                       gconstpointer b)
{
  const Entry *ea = *(const Entry * const *) a;
  const Entry *eb = *(const Entry * const *) b;

  if (ea->body.epoch.epoch != eb->body.epoch.epoch)
    return ea->body.epoch.epoch < eb->body.epoch.epoch ? -1 : 1;
  return tafel_hash_compare (&ea->id, &eb->id);
}

static int
compare_member_key (const void *key,
                    const void *member)
{
  return memcmp (key, ((const TafelEpochMember *) member)->key.bytes, TAFEL_PUBLIC_KEY_BYTES);
}

static const TafelEpochMember *
epoch_find_member (const TafelEpoch     *epoch,
                   const TafelPublicKey *key)
{
  return bsearch (key->bytes, epoch->members, epoch->n_members, sizeof (TafelEpochMember), compare_member_key);
}

/* Whether the owner lets @author's `epoch` record at @seq count. */
static gboolean
is_admin_action (TafelAccess          *self,
                 const TafelPublicKey *author,
                 guint64               seq)
{
  KeyState *st;

  if (self->has_owner && tafel_key_equal (author, &self->owner))
    return TRUE;
  st = key_state_lookup (self, author);
  if (st == NULL || !st->has_role)
    return FALSE;
  if (st->role == TAFEL_ROLE_ADMIN)
    return TRUE;
  return st->was_admin && seq <= st->role_cut_off;
}

static gboolean
verify_proof (TafelAccess          *self,
              const Entry          *e,
              const ValidEpoch     *epoch)
{
  guint8 buf[TAFEL_HASH_BYTES + TAFEL_PUBLIC_KEY_BYTES + 8];
  g_autoptr(GBytes) key = NULL;
  gpointer cached;
  gboolean ok;

  memcpy (buf, e->id.bytes, TAFEL_HASH_BYTES);
  memcpy (buf + TAFEL_HASH_BYTES, epoch->wpk.bytes, TAFEL_PUBLIC_KEY_BYTES);
  for (guint i = 0; i < 8; i++)
    buf[TAFEL_HASH_BYTES + TAFEL_PUBLIC_KEY_BYTES + i] = (epoch->number >> (8 * i)) & 0xff;
  key = g_bytes_new (buf, sizeof buf);
  cached = g_hash_table_lookup (self->proof_cache, key);
  if (cached != NULL)
    return GPOINTER_TO_INT (cached) - 1;

  ok = tafel_enrolment_verify (&epoch->wpk, self->board_id, &e->author, epoch->number, &e->body.enrol.proof);
  g_hash_table_insert (self->proof_cache, g_steal_pointer (&key), GINT_TO_POINTER (1 + ok));
  return ok;
}

/* Whether @author is listed with an edit secret in some valid epoch
 * record of every number above @number. */
static gboolean
listed_in_every_later_epoch (TafelAccess          *self,
                             const TafelPublicKey *author,
                             guint64               number)
{
  guint i = 0;

  while (i < self->epochs->len)
    {
      const ValidEpoch *v = &g_array_index (self->epochs, ValidEpoch, i);
      guint64 m = v->number;
      gboolean found = FALSE;

      if (m <= number)
        {
          i++;
          continue;
        }
      for (; i < self->epochs->len && g_array_index (self->epochs, ValidEpoch, i).number == m; i++)
        {
          const ValidEpoch *w = &g_array_index (self->epochs, ValidEpoch, i);
          const TafelEpochMember *member;

          if (found || w->entry == NULL)
            continue;
          member = epoch_find_member (&w->entry->body.epoch, author);
          if (member != NULL && member->role <= TAFEL_ROLE_EDITOR)
            found = TRUE;
        }
      if (!found)
        return FALSE;
    }
  return TRUE;
}

static void
find_owner (TafelAccess *self,
            GPtrArray   *all)
{
  if (!self->has_anchor)
    {
      /* The genesis: epoch 0, its author's first record, and the board id
       * is BLAKE2b-128 of its author and wpk. all is in id order, so the
       * lowest id wins should one author have forked its seq 1. */
      for (guint i = 0; i < all->len; i++)
        {
          const Entry *e = all->pdata[i];
          guint8 id[TAFEL_BOARD_ID_BYTES];
          TafelPublicKey wpk;

          if (!e->parsed || e->kind != TAFEL_RECORD_KIND_EPOCH || e->body.epoch.epoch != 0 || e->seq != 1)
            continue;
          memcpy (wpk.bytes, e->body.epoch.wpk, TAFEL_PUBLIC_KEY_BYTES);
          tafel_board_id_for_owner (id, &e->author, &wpk);
          if (memcmp (id, self->board_id, TAFEL_BOARD_ID_BYTES) != 0)
            continue;
          self->has_owner = TRUE;
          self->owner = e->author;
          g_array_append_val (self->epochs, ((ValidEpoch) { 0, 0, wpk, e }));
          return;
        }
      return;
    }

  /* A board from Tafel 0.1: epoch 0 is its 0.1 link's, anchored by wpk₀;
   * its owner is the author of the first 0.1 record (lamport, author,
   * seq) that an enrolment with a valid epoch 0 proof vouches for. */
  g_array_append_val (self->epochs, ((ValidEpoch) { 0, 0, self->anchor, NULL }));
  {
    const ValidEpoch *zero = &g_array_index (self->epochs, ValidEpoch, 0);
    GHashTable *covered = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, NULL, g_free);
    const Entry *first = NULL;

    for (guint i = 0; i < all->len; i++)
      {
        const Entry *e = all->pdata[i];

        if (!e->parsed || e->kind != TAFEL_RECORD_KIND_ENROL || e->body.enrol.key_id != 0)
          continue;
        if (!verify_proof (self, e, zero))
          continue;
        for (guint j = 0; j < e->body.enrol.n_vouched; j++)
          {
            const TafelEnrolVouch *v = &e->body.enrol.vouched[j];
            g_autoptr(GBytes) k = author_seq_key (&v->author, v->seq);
            const Entry *head = g_hash_table_lookup (self->v1_by_seq, k);
            guint64 *upto;

            if (head == NULL || !tafel_hash_equal (&head->id, &v->head))
              continue;
            upto = g_hash_table_lookup (covered, &v->author);
            if (upto == NULL)
              {
                upto = g_new0 (guint64, 1);
                g_hash_table_insert (covered, (gpointer) &v->author, upto);
              }
            *upto = MAX (*upto, v->seq);
          }
      }

    for (guint i = 0; i < all->len; i++)
      {
        const Entry *e = all->pdata[i];
        guint64 *upto;
        guint64 la, lb;
        int c;

        if (e->version != 1)
          continue;
        upto = g_hash_table_lookup (covered, &e->author);
        if (upto == NULL || e->seq > *upto)
          continue;
        if (first == NULL)
          {
            first = e;
            continue;
          }
        la = tafel_record_get_lamport (e->record);
        lb = tafel_record_get_lamport (first->record);
        c = la != lb ? (la < lb ? -1 : 1) : memcmp (e->author.bytes, first->author.bytes, TAFEL_PUBLIC_KEY_BYTES);
        if (c == 0)
          c = e->seq < first->seq ? -1 : 1;
        if (c < 0)
          first = e;
      }
    if (first != NULL)
      {
        self->has_owner = TRUE;
        self->owner = first->author;
      }
    g_hash_table_unref (covered);
  }
}

static void
recompute (TafelAccess *self)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GHashTable) excluded = NULL;
  GHashTableIter iter;
  gpointer value;
  guint64 newest = 0;

  if (!self->dirty)
    return;
  self->dirty = FALSE;
  self->has_owner = FALSE;
  g_array_set_size (self->epochs, 0);
  g_hash_table_remove_all (self->keys);
  g_hash_table_remove_all (self->enrol_status);
  self->n_held = 0;

  all = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (all, value);
  g_ptr_array_sort (all, compare_entries_by_id);

  /* 1. The owner. */
  find_owner (self, all);
  if (!self->has_owner)
    return;

  /* 2. Roles: the owner's records only; the last in the owner's seq
   * order wins (lowest id among equal seqs, should the owner fork). */
  for (guint i = 0; i < all->len; i++)
    {
      const Entry *e = all->pdata[i];
      KeyState *st;

      if (!e->parsed || e->kind != TAFEL_RECORD_KIND_ROLE || !tafel_key_equal (&e->author, &self->owner)
          || tafel_key_equal (&e->body.role.member, &self->owner))
        continue;
      st = key_state (self, &e->body.role.member);
      if (st->has_role && e->seq <= st->role_seq)
        continue;
      st->has_role = TRUE;
      st->role_seq = e->seq;
      st->role = e->body.role.role;
      st->role_cut_off = e->body.role.cut_off;
    }
  /* was_admin only counts a role record *before* the last one. */
  g_hash_table_iter_init (&iter, self->keys);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      KeyState *st = value;

      if (!st->has_role || st->role == TAFEL_ROLE_ADMIN)
        continue;
      st->was_admin = FALSE;
      for (guint i = 0; i < all->len; i++)
        {
          const Entry *e = all->pdata[i];

          if (e->parsed && e->kind == TAFEL_RECORD_KIND_ROLE && tafel_key_equal (&e->author, &self->owner)
              && tafel_key_equal (&e->body.role.member, &st->key)
              && e->body.role.role == TAFEL_ROLE_ADMIN && e->seq < st->role_seq)
            st->was_admin = TRUE;
        }
    }

  /* 3. Epoch records in effect, greedily in (number, id) order: one
   * counts when its author may act as an admin at its seq and is not cut
   * off before it by one counted earlier. A record that a later one cuts
   * off after all is excluded and the pass runs again; the excluded set
   * only grows, so this ends. */
  candidates = g_ptr_array_new ();
  for (guint i = 0; i < all->len; i++)
    {
      const Entry *e = all->pdata[i];

      if (e->parsed && e->kind == TAFEL_RECORD_KIND_EPOCH && e->body.epoch.epoch >= 1
          && is_admin_action (self, &e->author, e->seq))
        g_ptr_array_add (candidates, (gpointer) e);
    }
  g_ptr_array_sort (candidates, compare_epoch_entries);
  excluded = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (;;)
    {
      g_autoptr(GHashTable) cuts = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, NULL, g_free);
      g_autoptr(GPtrArray) in_effect = g_ptr_array_new ();
      gboolean again = FALSE;

      for (guint i = 0; i < candidates->len; i++)
        {
          const Entry *e = candidates->pdata[i];
          guint64 *cut;

          if (g_hash_table_contains (excluded, e))
            continue;
          cut = g_hash_table_lookup (cuts, &e->author);
          if (cut != NULL && e->seq > *cut)
            continue;
          g_ptr_array_add (in_effect, (gpointer) e);
          for (guint j = 0; j < e->body.epoch.n_removed; j++)
            {
              const TafelEpochRemoval *r = &e->body.epoch.removed[j];

              if (tafel_key_equal (&r->key, &self->owner))
                continue;  /* the owner can never be removed */
              cut = g_hash_table_lookup (cuts, &r->key);
              if (cut == NULL)
                {
                  cut = g_new (guint64, 1);
                  *cut = r->cut_off;
                  g_hash_table_insert (cuts, (gpointer) &r->key, cut);
                }
              else
                *cut = MIN (*cut, r->cut_off);
            }
        }
      for (guint i = 0; i < in_effect->len; i++)
        {
          const Entry *e = in_effect->pdata[i];
          guint64 *cut = g_hash_table_lookup (cuts, &e->author);

          if (cut != NULL && e->seq > *cut)
            {
              g_hash_table_add (excluded, (gpointer) e);
              again = TRUE;
            }
        }
      if (again)
        continue;

      for (guint i = 0; i < in_effect->len; i++)
        {
          const Entry *e = in_effect->pdata[i];
          ValidEpoch v = { e->body.epoch.epoch, tafel_key_id_from_record_id (&e->id), { { 0 } }, e };

          memcpy (v.wpk.bytes, e->body.epoch.wpk, TAFEL_PUBLIC_KEY_BYTES);
          g_array_append_val (self->epochs, v);
        }
      g_hash_table_iter_init (&iter, cuts);
      {
        gpointer k;

        while (g_hash_table_iter_next (&iter, &k, &value))
          {
            KeyState *st = key_state (self, k);

            st->cut = TRUE;
            st->cut_off = *(guint64 *) value;
          }
      }
      break;
    }
  newest = g_array_index (self->epochs, ValidEpoch, self->epochs->len - 1).number;

  /* 4. Enrolments. */
  for (guint i = 0; i < all->len; i++)
    {
      const Entry *e = all->pdata[i];
      EnrolStatus status = ENROL_HELD;
      guint64 number = 0;
      KeyState *st;

      if (!e->parsed || e->kind != TAFEL_RECORD_KIND_ENROL)
        continue;
      for (guint j = 0; j < self->epochs->len; j++)
        {
          const ValidEpoch *v = &g_array_index (self->epochs, ValidEpoch, j);

          if (v->key_id != e->body.enrol.key_id)
            continue;
          if (verify_proof (self, e, v))
            {
              status = ENROL_UNCONFIRMED;
              number = v->number;
              break;
            }
          status = ENROL_BAD;
        }
      st = key_state (self, &e->author);
      if (status == ENROL_HELD)
        {
          self->n_held++;
          st->held_seq = st->held_enrol ? MIN (st->held_seq, e->seq) : e->seq;
          st->held_enrol = TRUE;
        }
      /* A removed author's enrolment up to its cut-off stands: whoever
       * removed it had seen it (its records up to the cut-off stay). */
      if (status == ENROL_UNCONFIRMED
          && (st->cut ? e->seq <= st->cut_off : listed_in_every_later_epoch (self, &e->author, number)))
        {
          status = ENROL_CONFIRMED;
          st->enrol_seq = st->enrolled ? MIN (st->enrol_seq, e->seq) : e->seq;
          st->enrolled = TRUE;
        }
      g_hash_table_insert (self->enrol_status, (gpointer) &e->id, GINT_TO_POINTER (status));
    }

  /* 0.1 records that confirmed enrolments vouch for. */
  if (self->has_anchor)
    {
      for (guint i = 0; i < all->len; i++)
        {
          const Entry *e = all->pdata[i];

          if (!e->parsed || e->kind != TAFEL_RECORD_KIND_ENROL || e->body.enrol.key_id != 0
              || GPOINTER_TO_INT (g_hash_table_lookup (self->enrol_status, &e->id)) != ENROL_CONFIRMED)
            continue;
          for (guint j = 0; j < e->body.enrol.n_vouched; j++)
            {
              const TafelEnrolVouch *v = &e->body.enrol.vouched[j];
              g_autoptr(GBytes) k = author_seq_key (&v->author, v->seq);
              const Entry *head = g_hash_table_lookup (self->v1_by_seq, k);
              KeyState *st;

              if (head == NULL || !tafel_hash_equal (&head->id, &v->head))
                continue;
              st = key_state (self, &v->author);
              st->v1_covered = MAX (st->v1_covered, v->seq);
            }
        }
    }

  /* 5. Viewers and seed peers: named by a writer in a `member` record, or
   * in a valid epoch record of the newest number. */
  for (guint i = 0; i < all->len; i++)
    {
      const Entry *e = all->pdata[i];

      if (!e->parsed || e->kind != TAFEL_RECORD_KIND_MEMBER
          || !tafel_access_is_authorised (self, &e->author, e->seq, e->kind))
        continue;
      for (guint j = 0; j < e->body.member.n_entries; j++)
        {
          KeyState *st = key_state (self, &e->body.member.entries[j].key);
          TafelRole role = e->body.member.entries[j].role;

          st->listed_role = st->listed ? MIN (st->listed_role, role) : role;
          st->listed = TRUE;
        }
    }
  for (guint i = 0; i < self->epochs->len; i++)
    {
      const ValidEpoch *v = &g_array_index (self->epochs, ValidEpoch, i);

      if (v->number != newest || v->entry == NULL)
        continue;
      for (guint j = 0; j < v->entry->body.epoch.n_members; j++)
        {
          const TafelEpochMember *m = &v->entry->body.epoch.members[j];
          KeyState *st;

          if (m->role < TAFEL_ROLE_VIEWER)
            continue;
          st = key_state (self, &m->key);
          st->listed_role = st->listed ? MIN (st->listed_role, m->role) : m->role;
          st->listed = TRUE;
        }
    }
}

static gboolean
epochs_have_key_id (TafelAccess *self,
                    guint32      key_id)
{
  for (guint i = 0; i < self->epochs->len; i++)
    if (g_array_index (self->epochs, ValidEpoch, i).key_id == key_id)
      return TRUE;
  return FALSE;
}

gboolean
tafel_access_add_record (TafelAccess  *self,
                         TafelRecord  *record,
                         GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  Entry *e;
  gboolean ok = TRUE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (record != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_hash_table_contains (self->entries, tafel_record_get_id (record)))
    return TRUE;

  e = g_new0 (Entry, 1);
  e->record = tafel_record_ref (record);
  e->id = *tafel_record_get_id (record);
  e->author = *tafel_record_get_author (record);
  e->seq = tafel_record_get_seq (record);
  e->version = tafel_record_get_version (record);
  e->kind = tafel_record_get_kind (record);

  if (e->version >= 2 && TAFEL_RECORD_KIND_IS_KNOWN_CONTROL (e->kind))
    {
      GBytes *body = tafel_record_get_body (record);

      switch (e->kind)
        {
        case TAFEL_RECORD_KIND_EPOCH:
          ok = tafel_epoch_decode (body, &e->body.epoch, &local_error);
          break;
        case TAFEL_RECORD_KIND_ENROL:
          ok = tafel_enrol_decode (body, &e->body.enrol, &local_error);
          break;
        case TAFEL_RECORD_KIND_ROLE:
          ok = tafel_role_change_decode (body, &e->body.role, &local_error);
          break;
        case TAFEL_RECORD_KIND_MEMBER:
          ok = tafel_member_set_decode (body, &e->body.member, &local_error);
          break;
        default:
          g_assert_not_reached ();
        }
      if (!ok)
        {
          g_set_error (error, TAFEL_ACCESS_ERROR, TAFEL_ACCESS_ERROR_MALFORMED,
                       _("A control record is damaged: %s"), local_error->message);
          tafel_record_unref (e->record);
          g_free (e);
          return FALSE;
        }
      e->parsed = TRUE;

      /* The bound on held enrolments, against the epochs as last
       * computed (no recompute per record): an enrolment whose key id
       * names none of them counts as held until the next recompute. */
      if (e->kind == TAFEL_RECORD_KIND_ENROL && !epochs_have_key_id (self, e->body.enrol.key_id))
        {
          if (self->n_held >= TAFEL_ACCESS_MAX_HELD)
            {
              g_set_error_literal (error, TAFEL_ACCESS_ERROR, TAFEL_ACCESS_ERROR_TOO_MANY,
                                   _("Too many enrolments are waiting for an epoch that is not known yet"));
              entry_free (e);
              return FALSE;
            }
          self->n_held++;
        }
    }

  /* Content and unknown kinds of version 2 change no answer (the
   * verdict on them reads only what the control records say): nothing
   * to keep, so the cost of a recompute follows the control records,
   * not the board. */
  if (!e->parsed && e->version != 1)
    {
      entry_free (e);
      return TRUE;
    }

  g_hash_table_insert (self->entries, &e->id, e);
  if (e->version == 1)
    {
      GBytes *k = author_seq_key (&e->author, e->seq);
      const Entry *other = g_hash_table_lookup (self->v1_by_seq, k);

      /* Should an author have forked, the lowest id stands for its seq. */
      if (other == NULL || tafel_hash_compare (&e->id, &other->id) < 0)
        g_hash_table_insert (self->v1_by_seq, k, e);
      else
        g_bytes_unref (k);
    }
  if (e->parsed || self->has_anchor)
    self->dirty = TRUE;
  return TRUE;
}

gboolean
tafel_access_get_owner (TafelAccess    *self,
                        TafelPublicKey *owner)
{
  g_return_val_if_fail (self != NULL, FALSE);

  recompute (self);
  if (!self->has_owner)
    return FALSE;
  if (owner != NULL)
    *owner = self->owner;
  return TRUE;
}

gboolean
tafel_access_get_role (TafelAccess          *self,
                       const TafelPublicKey *key,
                       TafelRole            *role)
{
  KeyState *st;
  TafelRole r;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  recompute (self);
  if (!self->has_owner)
    return FALSE;
  if (tafel_key_equal (key, &self->owner))
    r = TAFEL_ROLE_OWNER;
  else
    {
      st = key_state_lookup (self, key);
      if (st == NULL || st->cut)
        return FALSE;
      if (st->has_role && st->role == TAFEL_ROLE_ADMIN)
        r = TAFEL_ROLE_ADMIN;
      else if (st->enrolled || st->v1_covered > 0)
        r = TAFEL_ROLE_EDITOR;
      else if (st->listed)
        r = st->listed_role;
      else
        return FALSE;
    }
  if (role != NULL)
    *role = r;
  return TRUE;
}

static int
compare_members (gconstpointer a,
                 gconstpointer b)
{
  return memcmp (((const TafelAccessMember *) a)->key.bytes, ((const TafelAccessMember *) b)->key.bytes,
                 TAFEL_PUBLIC_KEY_BYTES);
}

GArray *
tafel_access_dup_members (TafelAccess *self)
{
  GArray *members;
  GHashTableIter iter;
  gpointer value;
  TafelAccessMember m;

  g_return_val_if_fail (self != NULL, NULL);

  recompute (self);
  members = g_array_new (FALSE, FALSE, sizeof (TafelAccessMember));
  if (!self->has_owner)
    return members;
  m.key = self->owner;
  m.role = TAFEL_ROLE_OWNER;
  g_array_append_val (members, m);
  g_hash_table_iter_init (&iter, self->keys);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      KeyState *st = value;

      if (tafel_key_equal (&st->key, &self->owner) || !tafel_access_get_role (self, &st->key, &m.role))
        continue;
      m.key = st->key;
      g_array_append_val (members, m);
    }
  g_array_sort (members, compare_members);
  return members;
}

gboolean
tafel_access_get_cut_off (TafelAccess          *self,
                          const TafelPublicKey *key,
                          guint64              *cut_off)
{
  KeyState *st;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  recompute (self);
  st = key_state_lookup (self, key);
  if (st == NULL || !st->cut)
    return FALSE;
  if (cut_off != NULL)
    *cut_off = st->cut_off;
  return TRUE;
}

gboolean
tafel_access_get_current_epoch (TafelAccess *self,
                                guint64     *epoch,
                                guint32     *key_id)
{
  const ValidEpoch *v;
  guint i;

  g_return_val_if_fail (self != NULL, FALSE);

  recompute (self);
  if (self->epochs->len == 0)
    return FALSE;
  /* Sorted by (number, id): the first of the newest number. */
  i = self->epochs->len - 1;
  while (i > 0 && g_array_index (self->epochs, ValidEpoch, i - 1).number
                  == g_array_index (self->epochs, ValidEpoch, i).number)
    i--;
  v = &g_array_index (self->epochs, ValidEpoch, i);
  if (epoch != NULL)
    *epoch = v->number;
  if (key_id != NULL)
    *key_id = v->key_id;
  return TRUE;
}

gboolean
tafel_access_epoch_is_valid (TafelAccess     *self,
                             const TafelHash *epoch_record_id)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (epoch_record_id != NULL, FALSE);

  recompute (self);
  for (guint i = 0; i < self->epochs->len; i++)
    {
      const ValidEpoch *v = &g_array_index (self->epochs, ValidEpoch, i);

      if (v->entry != NULL && tafel_hash_equal (&v->entry->id, epoch_record_id))
        return TRUE;
    }
  return FALSE;
}

gboolean
tafel_access_lookup_key_id (TafelAccess *self,
                            guint32      key_id,
                            guint64     *epoch)
{
  g_return_val_if_fail (self != NULL, FALSE);

  recompute (self);
  for (guint i = 0; i < self->epochs->len; i++)
    {
      const ValidEpoch *v = &g_array_index (self->epochs, ValidEpoch, i);

      if (v->key_id == key_id)
        {
          if (epoch != NULL)
            *epoch = v->number;
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
tafel_access_enrolment_is_confirmed (TafelAccess     *self,
                                     const TafelHash *enrol_record_id)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (enrol_record_id != NULL, FALSE);

  recompute (self);
  return GPOINTER_TO_INT (g_hash_table_lookup (self->enrol_status, enrol_record_id)) == ENROL_CONFIRMED;
}

static TafelAccessVerdict
refuse (GError     **error,
        TafelAccessVerdict verdict,
        TafelAccessError code,
        const char  *message)
{
  g_set_error_literal (error, TAFEL_ACCESS_ERROR, code, message);
  return verdict;
}

/* The status of an enrolment by @author at @seq, ENROL_NONE if none. */
static EnrolStatus
enrol_status_at (TafelAccess          *self,
                 const TafelPublicKey *author,
                 guint64               seq)
{
  GHashTableIter iter;
  gpointer key, value;
  EnrolStatus best = ENROL_NONE;

  g_hash_table_iter_init (&iter, self->enrol_status);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const Entry *e = g_hash_table_lookup (self->entries, key);

      if (e->seq == seq && tafel_key_equal (&e->author, author))
        best = MAX (best, (EnrolStatus) GPOINTER_TO_INT (value));
    }
  return best;
}

static TafelAccessVerdict
check (TafelAccess          *self,
       const TafelPublicKey *author,
       guint64               seq,
       guint                 kind,
       const TafelHash      *enrol_id,
       GError              **error)
{
  KeyState *st;

  if (!self->has_owner)
    return refuse (error, TAFEL_ACCESS_HELD, TAFEL_ACCESS_ERROR_NO_OWNER,
                   _("The board’s owner is not known yet"));
  if (tafel_key_equal (author, &self->owner))
    return TAFEL_ACCESS_AUTHORISED;
  st = key_state_lookup (self, author);
  if (st != NULL && st->cut && seq > st->cut_off)
    return refuse (error, TAFEL_ACCESS_CUT_OFF, TAFEL_ACCESS_ERROR_REMOVED,
                   _("Its author was removed from this board"));

  if (kind == TAFEL_RECORD_KIND_ENROL)
    {
      EnrolStatus status;

      status = enrol_id != NULL
                 ? (EnrolStatus) GPOINTER_TO_INT (g_hash_table_lookup (self->enrol_status, enrol_id))
                 : enrol_status_at (self, author, seq);
      switch (status)
        {
        case ENROL_CONFIRMED:
        case ENROL_UNCONFIRMED:
          return TAFEL_ACCESS_AUTHORISED;
        case ENROL_HELD:
          return refuse (error, TAFEL_ACCESS_HELD, TAFEL_ACCESS_ERROR_HELD,
                         _("This enrolment names an epoch that is not known yet"));
        case ENROL_BAD:
        case ENROL_NONE:
        default:
          return refuse (error, TAFEL_ACCESS_REFUSED, TAFEL_ACCESS_ERROR_BAD_PROOF,
                         _("This enrolment’s proof is not valid: it was not made with the board’s edit link"));
        }
    }

  if (st != NULL && st->enrolled && st->enrol_seq < seq)
    return TAFEL_ACCESS_AUTHORISED;
  /* An admin's `epoch` records may be in effect: they are stored even if
   * the admin never enrolled (the owner made it admin all the same). */
  if (kind == TAFEL_RECORD_KIND_EPOCH && is_admin_action (self, author, seq))
    return TAFEL_ACCESS_AUTHORISED;
  if (st != NULL && st->held_enrol && st->held_seq < seq)
    return refuse (error, TAFEL_ACCESS_HELD, TAFEL_ACCESS_ERROR_HELD,
                   _("This enrolment names an epoch that is not known yet"));
  return refuse (error, TAFEL_ACCESS_REFUSED, TAFEL_ACCESS_ERROR_NOT_ENROLLED,
                 _("Its author is not an editor of this board"));
}

TafelAccessVerdict
tafel_access_check (TafelAccess          *self,
                    const TafelPublicKey *author,
                    guint64               seq,
                    guint                 kind,
                    GError              **error)
{
  g_return_val_if_fail (self != NULL, TAFEL_ACCESS_REFUSED);
  g_return_val_if_fail (author != NULL, TAFEL_ACCESS_REFUSED);
  g_return_val_if_fail (error == NULL || *error == NULL, TAFEL_ACCESS_REFUSED);

  recompute (self);
  return check (self, author, seq, kind, NULL, error);
}

gboolean
tafel_access_is_authorised (TafelAccess          *self,
                            const TafelPublicKey *author,
                            guint64               seq,
                            guint                 kind)
{
  return tafel_access_check (self, author, seq, kind, NULL) == TAFEL_ACCESS_AUTHORISED;
}

TafelAccessVerdict
tafel_access_check_record (TafelAccess  *self,
                           TafelRecord  *record,
                           GError      **error)
{
  const TafelPublicKey *author;
  guint64 seq;

  g_return_val_if_fail (self != NULL, TAFEL_ACCESS_REFUSED);
  g_return_val_if_fail (record != NULL, TAFEL_ACCESS_REFUSED);
  g_return_val_if_fail (error == NULL || *error == NULL, TAFEL_ACCESS_REFUSED);

  recompute (self);
  author = tafel_record_get_author (record);
  seq = tafel_record_get_seq (record);
  if (tafel_record_get_version (record) == 1)
    {
      KeyState *st = key_state_lookup (self, author);

      if (self->has_anchor && st != NULL && seq <= st->v1_covered)
        return TAFEL_ACCESS_AUTHORISED;
      return refuse (error, TAFEL_ACCESS_REFUSED, TAFEL_ACCESS_ERROR_NOT_VOUCHED,
                     _("No enrolment vouches for this record from Tafel 0.1"));
    }
  return check (self, author, seq, tafel_record_get_kind (record),
                tafel_record_get_kind (record) == TAFEL_RECORD_KIND_ENROL ? tafel_record_get_id (record) : NULL,
                error);
}

static gboolean
epoch_lists_same_members (const TafelEpoch *a,
                          const TafelEpoch *b)
{
  if (a->n_members != b->n_members)
    return FALSE;
  for (guint i = 0; i < a->n_members; i++)
    if (!tafel_key_equal (&a->members[i].key, &b->members[i].key) || a->members[i].role != b->members[i].role)
      return FALSE;
  return TRUE;
}

gboolean
tafel_access_needs_follow_up (TafelAccess          *self,
                              const TafelPublicKey *me,
                              guint64              *epoch,
                              GArray              **members)
{
  TafelRole role;
  const TafelEpoch *first = NULL;
  gboolean needed = FALSE;
  guint64 newest;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (me != NULL, FALSE);

  if (!tafel_access_get_role (self, me, &role) || role > TAFEL_ROLE_ADMIN)
    return FALSE;
  newest = g_array_index (self->epochs, ValidEpoch, self->epochs->len - 1).number;
  for (guint i = 0; i < self->epochs->len && !needed; i++)
    {
      const ValidEpoch *v = &g_array_index (self->epochs, ValidEpoch, i);
      const TafelEpoch *body;

      if (v->number != newest || v->entry == NULL)
        continue;
      body = &v->entry->body.epoch;
      if (first == NULL)
        first = body;
      else if (!epoch_lists_same_members (first, body))
        needed = TRUE;
      for (guint j = 0; j < body->n_members && !needed; j++)
        {
          KeyState *st = key_state_lookup (self, &body->members[j].key);

          if (st != NULL && st->cut)
            needed = TRUE;
        }
    }
  if (!needed)
    return FALSE;
  if (epoch != NULL)
    *epoch = newest + 1;
  if (members != NULL)
    *members = tafel_access_dup_members (self);
  return TRUE;
}
