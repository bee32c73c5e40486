/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "tafel-bytes.h"
#include "tafel-record-private.h"
#include "tafel-record.h"

/* The bodies of the control kinds (docs/access.md), plaintext on a
 * version 2 envelope. Lists are sorted by key without repeats, so a body
 * has one encoding. Roles are one byte (TafelRole).
 *
 *   epoch   varint epoch (0 … TAFEL_RECORD_MAX_CLOCK), 32 wpk, 32 rcheck,
 *           32 scheck,
 *           varint n (0 … TAFEL_EPOCH_MAX_MEMBERS),
 *             n × (32 key, u8 role, 80 sealed secret),
 *           varint m (0 … TAFEL_EPOCH_MAX_REMOVED; 0 in epoch 0),
 *             m × (32 key, varint cut-off seq ≥ 1)
 *           at most one member is the owner; no key is both a member and
 *           removed
 *   enrol   u32 key id, 64 proof,
 *           varint n (0 … TAFEL_ENROL_MAX_VOUCHED),
 *             n × (32 author, varint seq ≥ 1, 32 head)
 *   role    32 member, u8 role (admin or editor), varint cut-off seq ≥ 1
 *   member  varint n (1 … TAFEL_MEMBER_MAX_ENTRIES),
 *             n × (32 key, u8 role (viewer or seed), u32 key id)
 */

static gboolean
fail_invalid (GError     **error,
              const char  *message)
{
  g_set_error_literal (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID, message);
  return FALSE;
}

static int
compare_keys (const TafelPublicKey *a,
              const TafelPublicKey *b)
{
  return memcmp (a->bytes, b->bytes, TAFEL_PUBLIC_KEY_BYTES);
}

/* Reads a role byte and checks it is one of @allowed (a bit per role). */
static gboolean
read_role (TafelReader  *r,
           guint         allowed,
           TafelRole    *role,
           GError      **error)
{
  guint8 v;

  if (!tafel_read_u8 (r, "role", &v, error))
    return FALSE;
  if (!TAFEL_ROLE_IS_KNOWN (v))
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                   _("The role %u is unknown"), v);
      return FALSE;
    }
  if ((allowed & (1u << v)) == 0)
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                   _("The role %u is not allowed in this record"), v);
      return FALSE;
    }
  *role = (TafelRole) v;
  return TRUE;
}

#define ROLES_ALL         0x1fu
#define ROLES_ROLE_CHANGE ((1u << TAFEL_ROLE_ADMIN) | (1u << TAFEL_ROLE_EDITOR))
#define ROLES_MET         ((1u << TAFEL_ROLE_VIEWER) | (1u << TAFEL_ROLE_SEED))

/* ---- Epoch --------------------------------------------------------------- */

static int
compare_epoch_member (gconstpointer a,
                      gconstpointer b)
{
  return compare_keys (&((const TafelEpochMember *) a)->key, &((const TafelEpochMember *) b)->key);
}

static int
compare_epoch_removal (gconstpointer a,
                       gconstpointer b)
{
  return compare_keys (&((const TafelEpochRemoval *) a)->key,
                       &((const TafelEpochRemoval *) b)->key);
}

/* Whether @key is among the @n sorted @removed. */
static gboolean
is_removed (const TafelPublicKey    *key,
            const TafelEpochRemoval *removed,
            guint                    n)
{
  TafelEpochRemoval probe = { .key = *key };

  return n > 0 && bsearch (&probe, removed, n, sizeof *removed, compare_epoch_removal) != NULL;
}

/**
 * tafel_epoch_encode:
 * @epoch: an epoch: members and removed people without repeats, roles
 *   known, at most one owner, nobody both a member and removed, cut-offs
 *   ≥ 1, nobody removed in epoch 0
 *
 * Returns: (transfer full): the body of an epoch record
 */
GBytes *
tafel_epoch_encode (const TafelEpoch *epoch)
{
  g_autofree TafelEpochMember *members = NULL;
  g_autofree TafelEpochRemoval *removed = NULL;
  GByteArray *out;
  guint owners = 0;

  g_return_val_if_fail (epoch != NULL, NULL);
  g_return_val_if_fail (epoch->epoch <= TAFEL_RECORD_MAX_CLOCK, NULL);
  g_return_val_if_fail (epoch->n_members <= TAFEL_EPOCH_MAX_MEMBERS, NULL);
  g_return_val_if_fail (epoch->n_removed <= TAFEL_EPOCH_MAX_REMOVED, NULL);
  g_return_val_if_fail (epoch->epoch > 0 || epoch->n_removed == 0, NULL);

  members = g_memdup2 (epoch->members, MAX (epoch->n_members, 1) * sizeof *members);
  removed = g_memdup2 (epoch->removed, MAX (epoch->n_removed, 1) * sizeof *removed);
  if (epoch->n_members > 0)
    qsort (members, epoch->n_members, sizeof *members, compare_epoch_member);
  if (epoch->n_removed > 0)
    qsort (removed, epoch->n_removed, sizeof *removed, compare_epoch_removal);
  for (guint i = 0; i < epoch->n_removed; i++)
    {
      g_return_val_if_fail (removed[i].cut_off >= 1 && removed[i].cut_off <= TAFEL_RECORD_MAX_CLOCK,
                            NULL);
      g_return_val_if_fail (i == 0 || compare_keys (&removed[i - 1].key, &removed[i].key) != 0, NULL);
    }
  for (guint i = 0; i < epoch->n_members; i++)
    {
      g_return_val_if_fail (TAFEL_ROLE_IS_KNOWN (members[i].role), NULL);
      g_return_val_if_fail (i == 0 || compare_keys (&members[i - 1].key, &members[i].key) != 0, NULL);
      g_return_val_if_fail (!is_removed (&members[i].key, removed, epoch->n_removed), NULL);
      owners += members[i].role == TAFEL_ROLE_OWNER;
    }
  g_return_val_if_fail (owners <= 1, NULL);

  out = g_byte_array_new ();
  tafel_put_varint (out, epoch->epoch);
  tafel_put_bytes (out, epoch->wpk, TAFEL_ACCESS_KEY_BYTES);
  tafel_put_bytes (out, epoch->rcheck, TAFEL_ACCESS_KEY_BYTES);
  tafel_put_bytes (out, epoch->scheck, TAFEL_ACCESS_KEY_BYTES);
  tafel_put_varint (out, epoch->n_members);
  for (guint i = 0; i < epoch->n_members; i++)
    {
      tafel_put_bytes (out, members[i].key.bytes, TAFEL_PUBLIC_KEY_BYTES);
      tafel_put_u8 (out, members[i].role);
      tafel_put_bytes (out, members[i].sealed, TAFEL_SEALED_SECRET_BYTES);
    }
  tafel_put_varint (out, epoch->n_removed);
  for (guint i = 0; i < epoch->n_removed; i++)
    {
      tafel_put_bytes (out, removed[i].key.bytes, TAFEL_PUBLIC_KEY_BYTES);
      tafel_put_varint (out, removed[i].cut_off);
    }
  return g_byte_array_free_to_bytes (out);
}

static gboolean
epoch_parse (TafelReader  *r,
             TafelEpoch   *epoch,
             GError      **error)
{
  TafelEpoch e = { 0 };
  g_autofree TafelEpochMember *members = NULL;
  g_autofree TafelEpochRemoval *removed = NULL;
  guint owners = 0;

  if (!tafel_read_varint_range (r, "epoch number", 0, TAFEL_RECORD_MAX_CLOCK, &e.epoch, error) ||
      !tafel_read_copy (r, e.wpk, TAFEL_ACCESS_KEY_BYTES, "write key", error) ||
      !tafel_read_copy (r, e.rcheck, TAFEL_ACCESS_KEY_BYTES, "read check", error) ||
      !tafel_read_copy (r, e.scheck, TAFEL_ACCESS_KEY_BYTES, "seed check", error) ||
      !tafel_record_read_count (r, "number of members", 0, TAFEL_EPOCH_MAX_MEMBERS,
                                TAFEL_PUBLIC_KEY_BYTES + 1 + TAFEL_SEALED_SECRET_BYTES,
                                &e.n_members, error))
    return FALSE;

  members = g_new (TafelEpochMember, MAX (e.n_members, 1));
  for (guint i = 0; i < e.n_members; i++)
    {
      if (!tafel_read_copy (r, members[i].key.bytes, TAFEL_PUBLIC_KEY_BYTES, "member key", error) ||
          !read_role (r, ROLES_ALL, &members[i].role, error) ||
          !tafel_read_copy (r, members[i].sealed, TAFEL_SEALED_SECRET_BYTES, "sealed secret", error))
        return FALSE;
      if (i > 0 && compare_keys (&members[i - 1].key, &members[i].key) >= 0)
        return fail_invalid (error, _("The members of the epoch are not sorted or repeat"));
      if (members[i].role == TAFEL_ROLE_OWNER && ++owners > 1)
        return fail_invalid (error, _("The epoch names more than one owner"));
    }

  if (!tafel_record_read_count (r, "number of removed people", 0, TAFEL_EPOCH_MAX_REMOVED,
                                TAFEL_PUBLIC_KEY_BYTES + 1, &e.n_removed, error))
    return FALSE;
  if (e.epoch == 0 && e.n_removed > 0)
    return fail_invalid (error, _("The first epoch of a board removes somebody"));
  removed = g_new (TafelEpochRemoval, MAX (e.n_removed, 1));
  for (guint i = 0; i < e.n_removed; i++)
    {
      if (!tafel_read_copy (r, removed[i].key.bytes, TAFEL_PUBLIC_KEY_BYTES, "removed key", error) ||
          !tafel_read_varint_range (r, "cut-off seq", 1, TAFEL_RECORD_MAX_CLOCK,
                                    &removed[i].cut_off, error))
        return FALSE;
      if (i > 0 && compare_keys (&removed[i - 1].key, &removed[i].key) >= 0)
        return fail_invalid (error, _("The people removed by the epoch are not sorted or repeat"));
    }
  if (!tafel_reader_expect_end (r, "epoch", error))
    return FALSE;

  for (guint i = 0; i < e.n_members; i++)
    if (is_removed (&members[i].key, removed, e.n_removed))
      return fail_invalid (error, _("The epoch both keeps and removes a member"));

  if (epoch != NULL)
    {
      *epoch = e;
      epoch->members = g_steal_pointer (&members);
      epoch->removed = g_steal_pointer (&removed);
    }
  return TRUE;
}

/**
 * tafel_epoch_decode:
 * @body: an epoch record body
 * @epoch: (out caller-allocates): where to put it
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success; lists come sorted by key; free with
 *   tafel_epoch_clear()
 */
gboolean
tafel_epoch_decode (GBytes      *body,
                    TafelEpoch  *epoch,
                    GError     **error)
{
  TafelReader r;

  g_return_val_if_fail (body != NULL && epoch != NULL, FALSE);

  memset (epoch, 0, sizeof *epoch);
  return epoch_parse (tafel_reader_init_bytes (&r, body), epoch, error);
}

void
tafel_epoch_clear (TafelEpoch *epoch)
{
  g_return_if_fail (epoch != NULL);

  g_clear_pointer (&epoch->members, g_free);
  g_clear_pointer (&epoch->removed, g_free);
  epoch->n_members = 0;
  epoch->n_removed = 0;
}

/* ---- Enrol --------------------------------------------------------------- */

static int
compare_vouch (gconstpointer a,
               gconstpointer b)
{
  return compare_keys (&((const TafelEnrolVouch *) a)->author,
                       &((const TafelEnrolVouch *) b)->author);
}

/**
 * tafel_enrol_encode:
 * @enrol: an enrolment: vouched authors without repeats, seqs ≥ 1
 *
 * Returns: (transfer full): the body of an enrol record
 */
GBytes *
tafel_enrol_encode (const TafelEnrol *enrol)
{
  g_autofree TafelEnrolVouch *vouched = NULL;
  GByteArray *out;

  g_return_val_if_fail (enrol != NULL, NULL);
  g_return_val_if_fail (enrol->n_vouched <= TAFEL_ENROL_MAX_VOUCHED, NULL);

  vouched = g_memdup2 (enrol->vouched, MAX (enrol->n_vouched, 1) * sizeof *vouched);
  if (enrol->n_vouched > 0)
    qsort (vouched, enrol->n_vouched, sizeof *vouched, compare_vouch);
  for (guint i = 0; i < enrol->n_vouched; i++)
    {
      g_return_val_if_fail (vouched[i].seq >= 1 && vouched[i].seq <= TAFEL_RECORD_MAX_CLOCK, NULL);
      g_return_val_if_fail (i == 0 || compare_keys (&vouched[i - 1].author, &vouched[i].author) != 0,
                            NULL);
    }

  out = g_byte_array_new ();
  tafel_put_u32 (out, enrol->key_id);
  tafel_put_bytes (out, enrol->proof.bytes, TAFEL_SIGNATURE_BYTES);
  tafel_put_varint (out, enrol->n_vouched);
  for (guint i = 0; i < enrol->n_vouched; i++)
    {
      tafel_put_bytes (out, vouched[i].author.bytes, TAFEL_PUBLIC_KEY_BYTES);
      tafel_put_varint (out, vouched[i].seq);
      tafel_put_bytes (out, vouched[i].head.bytes, TAFEL_HASH_BYTES);
    }
  return g_byte_array_free_to_bytes (out);
}

static gboolean
enrol_parse (TafelReader  *r,
             TafelEnrol   *enrol,
             GError      **error)
{
  TafelEnrol e = { 0 };
  g_autofree TafelEnrolVouch *vouched = NULL;

  if (!tafel_read_u32 (r, "key id", &e.key_id, error) ||
      !tafel_read_copy (r, e.proof.bytes, TAFEL_SIGNATURE_BYTES, "enrolment proof", error) ||
      !tafel_record_read_count (r, "number of vouched authors", 0, TAFEL_ENROL_MAX_VOUCHED,
                                TAFEL_PUBLIC_KEY_BYTES + 1 + TAFEL_HASH_BYTES, &e.n_vouched, error))
    return FALSE;
  vouched = g_new (TafelEnrolVouch, MAX (e.n_vouched, 1));
  for (guint i = 0; i < e.n_vouched; i++)
    {
      if (!tafel_read_copy (r, vouched[i].author.bytes, TAFEL_PUBLIC_KEY_BYTES, "vouched author",
                            error) ||
          !tafel_read_varint_range (r, "vouched seq", 1, TAFEL_RECORD_MAX_CLOCK, &vouched[i].seq,
                                    error) ||
          !tafel_read_copy (r, vouched[i].head.bytes, TAFEL_HASH_BYTES, "vouched head", error))
        return FALSE;
      if (i > 0 && compare_keys (&vouched[i - 1].author, &vouched[i].author) >= 0)
        return fail_invalid (error, _("The authors vouched for are not sorted or repeat"));
    }
  if (!tafel_reader_expect_end (r, "enrolment", error))
    return FALSE;

  if (enrol != NULL)
    {
      *enrol = e;
      enrol->vouched = g_steal_pointer (&vouched);
    }
  return TRUE;
}

/**
 * tafel_enrol_decode:
 * @body: an enrol record body
 * @enrol: (out caller-allocates): where to put it
 * @error: return location for a #GError
 *
 * Checks the structure only: whether the proof is valid needs the epoch's
 * write key.
 *
 * Returns: %TRUE on success; free with tafel_enrol_clear()
 */
gboolean
tafel_enrol_decode (GBytes      *body,
                    TafelEnrol  *enrol,
                    GError     **error)
{
  TafelReader r;

  g_return_val_if_fail (body != NULL && enrol != NULL, FALSE);

  memset (enrol, 0, sizeof *enrol);
  return enrol_parse (tafel_reader_init_bytes (&r, body), enrol, error);
}

void
tafel_enrol_clear (TafelEnrol *enrol)
{
  g_return_if_fail (enrol != NULL);

  g_clear_pointer (&enrol->vouched, g_free);
  enrol->n_vouched = 0;
}

/* ---- Role ---------------------------------------------------------------- */

/**
 * tafel_role_change_encode:
 * @change: a role change: admin or editor, cut-off ≥ 1
 *
 * Returns: (transfer full): the body of a role record
 */
GBytes *
tafel_role_change_encode (const TafelRoleChange *change)
{
  GByteArray *out;

  g_return_val_if_fail (change != NULL, NULL);
  g_return_val_if_fail (change->role == TAFEL_ROLE_ADMIN || change->role == TAFEL_ROLE_EDITOR,
                        NULL);
  g_return_val_if_fail (change->cut_off >= 1 && change->cut_off <= TAFEL_RECORD_MAX_CLOCK, NULL);

  out = g_byte_array_new ();
  tafel_put_bytes (out, change->member.bytes, TAFEL_PUBLIC_KEY_BYTES);
  tafel_put_u8 (out, change->role);
  tafel_put_varint (out, change->cut_off);
  return g_byte_array_free_to_bytes (out);
}

static gboolean
role_change_parse (TafelReader      *r,
                   TafelRoleChange  *change,
                   GError          **error)
{
  TafelRoleChange c;

  if (!tafel_read_copy (r, c.member.bytes, TAFEL_PUBLIC_KEY_BYTES, "member key", error) ||
      !read_role (r, ROLES_ROLE_CHANGE, &c.role, error) ||
      !tafel_read_varint_range (r, "cut-off seq", 1, TAFEL_RECORD_MAX_CLOCK, &c.cut_off, error) ||
      !tafel_reader_expect_end (r, "role change", error))
    return FALSE;
  if (change != NULL)
    *change = c;
  return TRUE;
}

/**
 * tafel_role_change_decode:
 * @body: a role record body
 * @change: (out caller-allocates): where to put it
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
tafel_role_change_decode (GBytes           *body,
                          TafelRoleChange  *change,
                          GError          **error)
{
  TafelReader r;

  g_return_val_if_fail (body != NULL && change != NULL, FALSE);

  memset (change, 0, sizeof *change);
  return role_change_parse (tafel_reader_init_bytes (&r, body), change, error);
}

/* ---- Member -------------------------------------------------------------- */

static int
compare_member_entry (gconstpointer a,
                      gconstpointer b)
{
  return compare_keys (&((const TafelMemberEntry *) a)->key,
                       &((const TafelMemberEntry *) b)->key);
}

/**
 * tafel_member_set_encode:
 * @set: 1 … TAFEL_MEMBER_MAX_ENTRIES viewers or seed peers, without
 *   repeats
 *
 * Returns: (transfer full): the body of a member record
 */
GBytes *
tafel_member_set_encode (const TafelMemberSet *set)
{
  g_autofree TafelMemberEntry *entries = NULL;
  GByteArray *out;

  g_return_val_if_fail (set != NULL, NULL);
  g_return_val_if_fail (set->n_entries >= 1 && set->n_entries <= TAFEL_MEMBER_MAX_ENTRIES, NULL);

  entries = g_memdup2 (set->entries, set->n_entries * sizeof *entries);
  qsort (entries, set->n_entries, sizeof *entries, compare_member_entry);
  for (guint i = 0; i < set->n_entries; i++)
    {
      g_return_val_if_fail (entries[i].role == TAFEL_ROLE_VIEWER ||
                            entries[i].role == TAFEL_ROLE_SEED, NULL);
      g_return_val_if_fail (i == 0 || compare_keys (&entries[i - 1].key, &entries[i].key) != 0, NULL);
    }

  out = g_byte_array_new ();
  tafel_put_varint (out, set->n_entries);
  for (guint i = 0; i < set->n_entries; i++)
    {
      tafel_put_bytes (out, entries[i].key.bytes, TAFEL_PUBLIC_KEY_BYTES);
      tafel_put_u8 (out, entries[i].role);
      tafel_put_u32 (out, entries[i].key_id);
    }
  return g_byte_array_free_to_bytes (out);
}

static gboolean
member_set_parse (TafelReader     *r,
                  TafelMemberSet  *set,
                  GError         **error)
{
  guint n;
  g_autofree TafelMemberEntry *entries = NULL;

  if (!tafel_record_read_count (r, "number of members", 1, TAFEL_MEMBER_MAX_ENTRIES,
                                TAFEL_PUBLIC_KEY_BYTES + 1 + 4, &n, error))
    return FALSE;
  entries = g_new (TafelMemberEntry, n);
  for (guint i = 0; i < n; i++)
    {
      if (!tafel_read_copy (r, entries[i].key.bytes, TAFEL_PUBLIC_KEY_BYTES, "member key", error) ||
          !read_role (r, ROLES_MET, &entries[i].role, error) ||
          !tafel_read_u32 (r, "key id", &entries[i].key_id, error))
        return FALSE;
      if (i > 0 && compare_keys (&entries[i - 1].key, &entries[i].key) >= 0)
        return fail_invalid (error, _("The members met are not sorted or repeat"));
    }
  if (!tafel_reader_expect_end (r, "member record", error))
    return FALSE;
  if (set != NULL)
    {
      set->n_entries = n;
      set->entries = g_steal_pointer (&entries);
    }
  return TRUE;
}

/**
 * tafel_member_set_decode:
 * @body: a member record body
 * @set: (out caller-allocates): where to put it
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success; entries come sorted by key; free with
 *   tafel_member_set_clear()
 */
gboolean
tafel_member_set_decode (GBytes          *body,
                         TafelMemberSet  *set,
                         GError         **error)
{
  TafelReader r;

  g_return_val_if_fail (body != NULL && set != NULL, FALSE);

  memset (set, 0, sizeof *set);
  return member_set_parse (tafel_reader_init_bytes (&r, body), set, error);
}

void
tafel_member_set_clear (TafelMemberSet *set)
{
  g_return_if_fail (set != NULL);

  g_clear_pointer (&set->entries, g_free);
  set->n_entries = 0;
}

/* ---- Validation ---------------------------------------------------------- */

gboolean
tafel_control_validate_body (guint           kind,
                             gconstpointer   body,
                             gsize           len,
                             GError        **error)
{
  TafelReader r;

  tafel_reader_init (&r, body, len);
  switch (kind)
    {
    case TAFEL_RECORD_KIND_EPOCH:
      return epoch_parse (&r, NULL, error);
    case TAFEL_RECORD_KIND_ENROL:
      return enrol_parse (&r, NULL, error);
    case TAFEL_RECORD_KIND_ROLE:
      return role_change_parse (&r, NULL, error);
    case TAFEL_RECORD_KIND_MEMBER:
      return member_set_parse (&r, NULL, error);
    default:
      return TRUE;
    }
}
