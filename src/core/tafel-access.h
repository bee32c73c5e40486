/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tafel-crypto.h"
#include "tafel-record.h"

G_BEGIN_DECLS

/**
 * TafelAccess:
 *
 * The rule book of docs/access.md ("Roles and membership", "Epochs",
 * "What each peer checks") as a pure function of a set of records: feed
 * it records in any order with tafel_access_add_record(); every answer
 * depends only on the set it holds, never on the order they arrived in or
 * on the clock. The records' signatures and hash chains are the log's
 * business: this checks who may write them, not that they are intact.
 *
 * Answers are recomputed lazily after a change, all at once (the cost is
 * in tests/bench/bench-access.c); enrolment proofs are verified once per
 * record and epoch and remembered.
 */
typedef struct _TafelAccess TafelAccess;

#define TAFEL_ACCESS_ERROR (tafel_access_error_quark ())

typedef enum
{
  TAFEL_ACCESS_ERROR_MALFORMED,   /* a control body that does not parse */
  TAFEL_ACCESS_ERROR_TOO_MANY,    /* over the bound of held enrolments */
  TAFEL_ACCESS_ERROR_NO_OWNER,    /* no genesis (or 0.1 records) yet */
  TAFEL_ACCESS_ERROR_REMOVED,     /* past its author's cut-off */
  TAFEL_ACCESS_ERROR_NOT_ENROLLED,/* its author holds no confirmed enrolment */
  TAFEL_ACCESS_ERROR_BAD_PROOF,   /* an enrolment proof that does not verify */
  TAFEL_ACCESS_ERROR_HELD,        /* an enrolment for an epoch not known yet */
  TAFEL_ACCESS_ERROR_NOT_VOUCHED, /* a 0.1 record no enrolment covers */
} TafelAccessError;

GQuark tafel_access_error_quark (void);

/* At most this many enrolments wait for their epoch at once; more are
 * refused (they come again when the epoch is known). */
#define TAFEL_ACCESS_MAX_HELD 4096

/**
 * TafelAccessVerdict:
 * @TAFEL_ACCESS_AUTHORISED: store it and let it take effect (an `epoch`
 *   or `role` record still only counts when its author may do that)
 * @TAFEL_ACCESS_HELD: an enrolment (or a later record of its author)
 *   whose epoch is not known yet, or any record while the owner is not
 *   known (no genesis yet): keep it aside and ask again
 * @TAFEL_ACCESS_CUT_OFF: past its author's cut-off: skip it silently
 * @TAFEL_ACCESS_REFUSED: not authorised: refuse it
 */
typedef enum
{
  TAFEL_ACCESS_AUTHORISED,
  TAFEL_ACCESS_HELD,
  TAFEL_ACCESS_CUT_OFF,
  TAFEL_ACCESS_REFUSED,
} TafelAccessVerdict;

typedef struct
{
  TafelPublicKey key;
  TafelRole      role;
} TafelAccessMember;

/* A new board: its owner is the author of the genesis whose key and wpk
 * give @board_id. A board from Tafel 0.1: @anchor is its wpk of epoch 0
 * (the `a=` of its links) and its owner the author of the first 0.1
 * record (lamport, author, seq) that an enrolment vouches for. */
TafelAccess          *tafel_access_new              (const guint8          board_id[TAFEL_BOARD_ID_BYTES],
                                                     const TafelPublicKey *anchor) G_GNUC_WARN_UNUSED_RESULT;
void                  tafel_access_free             (TafelAccess          *access);

/* Adds a record (version 1 or 2, any kind); a second copy of one (same
 * id) changes nothing. Refuses a version 2 control record whose body does
 * not parse, and an enrolment beyond TAFEL_ACCESS_MAX_HELD waiting ones.
 * Only control records and version 1 records are kept: the others change
 * no answer (ask tafel_access_check_record() about them). */
gboolean              tafel_access_add_record       (TafelAccess          *access,
                                                     TafelRecord          *record,
                                                     GError              **error);
/* The records kept: control records and version 1 records. */
guint                 tafel_access_get_n_records    (TafelAccess          *access);

/* FALSE (and @owner untouched) until the owner is known. */
gboolean              tafel_access_get_owner        (TafelAccess          *access,
                                                     TafelPublicKey       *owner);

/* The role of @key now: FALSE when it is not a member (unknown, or
 * removed). Owner, admin (the owner's last `role` record says so), editor
 * (a confirmed enrolment), viewer or seed peer (named in a `member`
 * record by a writer, or in a valid `epoch` record of the newest number). */
gboolean              tafel_access_get_role         (TafelAccess          *access,
                                                     const TafelPublicKey *key,
                                                     TafelRole            *role);
/* Every member with its role, sorted by key. */
GArray               *tafel_access_dup_members      (TafelAccess          *access) G_GNUC_WARN_UNUSED_RESULT;
/* Whether @key is cut off, and at which seq (the smallest of all valid
 * `epoch` records that remove it). The owner never is. */
gboolean              tafel_access_get_cut_off      (TafelAccess          *access,
                                                     const TafelPublicKey *key,
                                                     guint64              *cut_off);

/* Valid epochs: genesis (or a 0.1 board's epoch 0) and the `epoch`
 * records in effect. The current one is the newest number, the lowest
 * record id among equals. */
gboolean              tafel_access_get_current_epoch (TafelAccess         *access,
                                                      guint64             *epoch,
                                                      guint32             *key_id);
gboolean              tafel_access_epoch_is_valid   (TafelAccess          *access,
                                                     const TafelHash      *epoch_record_id);
/* The number of the valid epoch of @key_id (the lowest if two share it). */
gboolean              tafel_access_lookup_key_id    (TafelAccess          *access,
                                                     guint32               key_id,
                                                     guint64              *epoch);
/* Whether the author of the enrolment with this record id holds it
 * confirmed: listed in some valid `epoch` record of every later number. */
gboolean              tafel_access_enrolment_is_confirmed (TafelAccess     *access,
                                                           const TafelHash *enrol_record_id);

/* Whether a version 2 record by @author at @seq of @kind may be stored
 * (the table "What each peer checks"). */
TafelAccessVerdict    tafel_access_check            (TafelAccess          *access,
                                                     const TafelPublicKey *author,
                                                     guint64               seq,
                                                     guint                 kind,
                                                     GError              **error);
gboolean              tafel_access_is_authorised    (TafelAccess          *access,
                                                     const TafelPublicKey *author,
                                                     guint64               seq,
                                                     guint                 kind);
/* The same for any record, version 1 included (a 0.1 record counts when a
 * confirmed enrolment vouches for it). */
TafelAccessVerdict    tafel_access_check_record     (TafelAccess          *access,
                                                     TafelRecord          *record,
                                                     GError              **error);

/* The follow-up rule: whether @self, an owner or admin, should write a
 * new `epoch` record now because the newest number has records that
 * disagree on who is a member, or one of them names someone removed.
 * Then @members (may be %NULL) is every member known, none removed
 * (TafelAccessMember, sorted by key) and @epoch the number to write. */
gboolean              tafel_access_needs_follow_up  (TafelAccess          *access,
                                                     const TafelPublicKey *self,
                                                     guint64              *epoch,
                                                     GArray              **members);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelAccess, tafel_access_free)

G_END_DECLS
