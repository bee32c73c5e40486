/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Building boards of signed control and content records for the access
 * rules (docs/access.md): shared by test-access, test-access-converge and
 * bench-access. Header-only, every function static. */
#pragma once

#include <string.h>

#include "tafel-access.h"
#include "tafel-identity.h"
#include "tafel-keys.h"
#include "tafel-record.h"

typedef struct
{
  TafelIdentity *identity;
  TafelPublicKey key;
  guint64        seq;
  TafelHash      prev;
} Writer;

typedef struct
{
  Writer          owner;
  TafelEpochKeys *keys0;
  guint8          board_id[TAFEL_BOARD_ID_BYTES];
  guint64         lamport;
  gboolean        sign;      /* sign each record (slower); else chain only */
  gboolean        real_seals; /* seal secrets; else fill them with noise */
} Scenario;

static G_GNUC_UNUSED void
writer_init (Writer *w)
{
  memset (w, 0, sizeof *w);
  w->identity = tafel_identity_new_ephemeral ();
  w->key = *tafel_identity_get_public_key (w->identity);
}

static G_GNUC_UNUSED void
writer_clear (Writer *w)
{
  g_clear_object (&w->identity);
}

/* The next record of @w. */
static G_GNUC_UNUSED TafelRecord *
scenario_write (Scenario *sc,
                Writer   *w,
                guint     kind,
                guint32   key_id,
                GBytes   *plain)
{
  static const guint8 body_key[TAFEL_KEY_BYTES] = { 7 };
  TafelRecord *r;

  w->seq++;
  sc->lamport++;
  if (sc->sign)
    r = tafel_identity_sign_record_v2 (w->identity, w->seq, w->seq > 1 ? &w->prev : NULL, sc->lamport, kind,
                                       key_id, body_key, 1796000000000 + sc->lamport, plain);
  else
    r = tafel_record_new_v2 (&w->key, w->seq, w->seq > 1 ? &w->prev : NULL, sc->lamport, kind, key_id,
                             1796000000000 + sc->lamport, plain, NULL);
  g_assert_nonnull (r);
  w->prev = *tafel_record_get_id (r);
  return r;
}

static G_GNUC_UNUSED TafelRecord *
scenario_content (Scenario *sc,
                  Writer   *w,
                  guint32   key_id)
{
  g_autoptr(GBytes) body = g_bytes_new_static ("\x01\x02\x03", 3);

  return scenario_write (sc, w, TAFEL_RECORD_KIND_STROKE, key_id, body);
}

static G_GNUC_UNUSED TafelCapability
capability_of_role (TafelRole role)
{
  return role <= TAFEL_ROLE_EDITOR ? TAFEL_CAPABILITY_EDIT
         : role == TAFEL_ROLE_VIEWER ? TAFEL_CAPABILITY_VIEW : TAFEL_CAPABILITY_SEED;
}

/* An epoch record by @w: @keys, the members (key, role) and removals
 * (key, cut-off) given. */
static G_GNUC_UNUSED TafelRecord *
scenario_epoch (Scenario                *sc,
                Writer                  *w,
                guint64                  number,
                const TafelEpochKeys    *keys,
                const TafelAccessMember *members,
                guint                    n_members,
                const TafelEpochRemoval *removed,
                guint                    n_removed,
                guint32                  key_id)
{
  TafelEpoch epoch = { 0 };
  g_autoptr(GBytes) body = NULL;

  epoch.epoch = number;
  memcpy (epoch.wpk, tafel_epoch_keys_get_write_public_key (keys), TAFEL_ACCESS_KEY_BYTES);
  memcpy (epoch.rcheck, tafel_epoch_keys_get_read_check (keys), TAFEL_ACCESS_KEY_BYTES);
  memcpy (epoch.scheck, tafel_epoch_keys_get_seed_check (keys), TAFEL_ACCESS_KEY_BYTES);
  epoch.n_members = n_members;
  epoch.members = g_new0 (TafelEpochMember, MAX (n_members, 1));
  for (guint i = 0; i < n_members; i++)
    {
      epoch.members[i].key = members[i].key;
      epoch.members[i].role = members[i].role;
      if (sc->real_seals)
        g_assert_true (tafel_epoch_keys_seal (keys, capability_of_role (members[i].role), &members[i].key,
                                              epoch.members[i].sealed, NULL));
      else
        memset (epoch.members[i].sealed, 0x5a, TAFEL_SEALED_SECRET_BYTES);
    }
  epoch.n_removed = n_removed;
  epoch.removed = g_memdup2 (removed, sizeof (TafelEpochRemoval) * MAX (n_removed, 1));
  body = tafel_epoch_encode (&epoch);
  tafel_epoch_clear (&epoch);
  return scenario_write (sc, w, TAFEL_RECORD_KIND_EPOCH, key_id, body);
}

static G_GNUC_UNUSED TafelRecord *
scenario_enrol_with_proof (Scenario             *sc,
                           Writer               *w,
                           guint32               key_id,
                           const TafelSignature *proof)
{
  TafelEnrol enrol = { 0 };
  g_autoptr(GBytes) body = NULL;

  enrol.key_id = key_id;
  enrol.proof = *proof;
  body = tafel_enrol_encode (&enrol);
  return scenario_write (sc, w, TAFEL_RECORD_KIND_ENROL, key_id, body);
}

/* @w enrols in epoch @number (key id @key_id) with the edit keys @keys. */
static G_GNUC_UNUSED TafelRecord *
scenario_enrol (Scenario             *sc,
                Writer               *w,
                const TafelEpochKeys *keys,
                guint64               number,
                guint32               key_id)
{
  TafelSignature proof;

  g_assert_true (tafel_epoch_keys_sign_enrolment (keys, sc->board_id, &w->key, number, &proof));
  return scenario_enrol_with_proof (sc, w, key_id, &proof);
}

static G_GNUC_UNUSED TafelRecord *
scenario_role (Scenario             *sc,
               Writer               *w,
               const TafelPublicKey *member,
               TafelRole             role,
               guint64               cut_off)
{
  TafelRoleChange change = { *member, role, cut_off };
  g_autoptr(GBytes) body = tafel_role_change_encode (&change);

  return scenario_write (sc, w, TAFEL_RECORD_KIND_ROLE, 0, body);
}

static G_GNUC_UNUSED TafelRecord *
scenario_member (Scenario             *sc,
                 Writer               *w,
                 const TafelPublicKey *key,
                 TafelRole             role,
                 guint32               key_id)
{
  TafelMemberEntry entry = { *key, role, key_id };
  TafelMemberSet set = { 1, &entry };
  g_autoptr(GBytes) body = tafel_member_set_encode (&set);

  return scenario_write (sc, w, TAFEL_RECORD_KIND_MEMBER, key_id, body);
}

/* A new board: the owner and the genesis record. */
static G_GNUC_UNUSED TafelRecord *
scenario_init (Scenario *sc,
               gboolean  sign)
{
  TafelAccessMember owner;

  memset (sc, 0, sizeof *sc);
  sc->sign = sign;
  sc->real_seals = sign;
  writer_init (&sc->owner);
  sc->keys0 = tafel_epoch_keys_new_random ();
  tafel_board_id_for_owner (sc->board_id, &sc->owner.key, tafel_epoch_keys_get_write_public_key (sc->keys0));
  owner.key = sc->owner.key;
  owner.role = TAFEL_ROLE_OWNER;
  return scenario_epoch (sc, &sc->owner, 0, sc->keys0, &owner, 1, NULL, 0, 0);
}

static G_GNUC_UNUSED void
scenario_clear (Scenario *sc)
{
  writer_clear (&sc->owner);
  g_clear_pointer (&sc->keys0, tafel_epoch_keys_free);
}

static G_GNUC_UNUSED int
compare_access_members (gconstpointer a,
                        gconstpointer b)
{
  return memcmp (((const TafelAccessMember *) a)->key.bytes, ((const TafelAccessMember *) b)->key.bytes,
                 TAFEL_PUBLIC_KEY_BYTES);
}

/* Sorts members by key, as an epoch lists them. */
static G_GNUC_UNUSED void
sort_members (TafelAccessMember *members,
              guint              n)
{
  qsort (members, n, sizeof *members, compare_access_members);
}
