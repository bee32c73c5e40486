/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tafel-record.h"

G_BEGIN_DECLS

#define TAFEL_LOG_ERROR (tafel_log_error_quark ())

typedef enum
{
  TAFEL_LOG_ERROR_BROKEN_CHAIN,   /* prev does not match the author's record before */
  TAFEL_LOG_ERROR_BAD_SIGNATURE,  /* the signature covering a record or run is wrong */
  TAFEL_LOG_ERROR_UNSIGNED,       /* a record or run that ends without a signature */
  TAFEL_LOG_ERROR_EQUIVOCATION,   /* same author and seq, different content */
  TAFEL_LOG_ERROR_BAD_RUN,        /* a run that is not one author's gapless seq order */
  TAFEL_LOG_ERROR_INVALID,        /* breaks a rule: seq 0, lamport not increasing, … */
  TAFEL_LOG_ERROR_HELD_FULL,      /* too many records already wait for their predecessors */
} TafelLogError;

/* Records whose predecessor is missing are held, at most this many (and
 * this many bytes of bodies) in total, and half of each per author. What
 * would go beyond is refused with TAFEL_LOG_ERROR_HELD_FULL, changing
 * nothing; the sender offers it again once the gap is filled. */
#define TAFEL_LOG_MAX_HELD_RECORDS  100000
#define TAFEL_LOG_MAX_HELD_BYTES    (128 * 1024 * 1024)

GQuark tafel_log_error_quark (void);

/* ---- Version vectors ----------------------------------------------------- */

/**
 * TafelVersionVector:
 *
 * Per author: the last seq of the gapless run held (1..seq) and that
 * record's id. A plain value, sorted by author key.
 */
typedef struct _TafelVersionVector TafelVersionVector;

TafelVersionVector *tafel_version_vector_new      (void) G_GNUC_WARN_UNUSED_RESULT;
TafelVersionVector *tafel_version_vector_copy     (const TafelVersionVector *vv) G_GNUC_WARN_UNUSED_RESULT;
void                tafel_version_vector_free     (TafelVersionVector       *vv);
guint               tafel_version_vector_get_size (const TafelVersionVector *vv);
/* Entry @i in author order; @head may be NULL. */
void                tafel_version_vector_get      (const TafelVersionVector *vv,
                                                   guint                     i,
                                                   const TafelPublicKey    **author,
                                                   guint64                  *seq,
                                                   const TafelHash         **head);
/* 0 for an author not in the vector. */
guint64             tafel_version_vector_lookup   (const TafelVersionVector *vv,
                                                   const TafelPublicKey     *author);
void                tafel_version_vector_set      (TafelVersionVector       *vv,
                                                   const TafelPublicKey     *author,
                                                   guint64                   seq,
                                                   const TafelHash          *head);
GBytes             *tafel_version_vector_encode   (const TafelVersionVector *vv) G_GNUC_WARN_UNUSED_RESULT;
TafelVersionVector *tafel_version_vector_decode   (GBytes                   *bytes,
                                                   GError                  **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelVersionVector, tafel_version_vector_free)

/* ---- The log ------------------------------------------------------------- */

#define TAFEL_TYPE_LOG (tafel_log_get_type ())

G_DECLARE_FINAL_TYPE (TafelLog, tafel_log, TAFEL, LOG, GObject)

/**
 * TafelLog:
 *
 * The set of records of one board, per author a gapless chain 1..n.
 *
 * Records may be added in any order: one whose predecessor is missing is
 * held until the gap is filled; an exact duplicate is dropped; a second,
 * different record for a held (author, seq) is an equivocation: the first
 * is kept, the author is reported through ::equivocation and the call fails
 * with TAFEL_LOG_ERROR_EQUIVOCATION. A refused record changes nothing.
 *
 * Signals:
 *  ::records-added (GPtrArray *records): records that just became part of
 *    the log (gapless), in the order they were integrated: per author in
 *    seq order. Emitted once per add call that integrated anything.
 *  ::equivocation (const TafelPublicKey *author, guint64 seq)
 *  ::tail-dropped (const TafelPublicKey *author, guint64 seq): the
 *    author's records from @seq on were taken out (tafel_log_drop_tail()).
 */

TafelLog           *tafel_log_new                 (void) G_GNUC_WARN_UNUSED_RESULT;

/* A single record that must carry a valid signature (live flooding). */
gboolean            tafel_log_add                 (TafelLog               *self,
                                                   TafelRecord            *record,
                                                   GError                **error);
/* A run of one author's records, seq ascending and gapless; verified by hash
 * links plus the signature of its last record (the others' signatures may be
 * absent). The run may start at or below the author's current head: what is
 * already held is checked for equality and skipped. */
gboolean            tafel_log_add_run             (TafelLog               *self,
                                                   TafelRecord           **records,
                                                   guint                   n_records,
                                                   GError                **error);
/* Records already verified (e.g. read back from this device's own log file
 * after its chain and run signatures were checked): integrates without
 * verifying signatures again, still checking hash links. */
gboolean            tafel_log_add_trusted_run     (TafelLog               *self,
                                                   TafelRecord           **records,
                                                   guint                   n_records,
                                                   GError                **error);

/* Takes an author's own records from @from_seq on out again (see the
 * function's documentation and docs/identity.md). */
gboolean            tafel_log_drop_tail           (TafelLog               *self,
                                                   const TafelPublicKey   *author,
                                                   guint64                 from_seq,
                                                   const TafelSignature   *head_signature,
                                                   GError                **error);

guint               tafel_log_get_n_records       (TafelLog               *self);
guint               tafel_log_get_n_authors       (TafelLog               *self);
guint               tafel_log_get_n_held          (TafelLog               *self);
guint64             tafel_log_get_head_seq        (TafelLog               *self,
                                                   const TafelPublicKey   *author);
/* The largest lamport of any integrated record; a new local record takes this + 1. */
guint64             tafel_log_get_max_lamport     (TafelLog               *self);
/* (transfer full) or %NULL */
TafelRecord        *tafel_log_lookup              (TafelLog               *self,
                                                   const TafelHash        *id) G_GNUC_WARN_UNUSED_RESULT;
TafelRecord        *tafel_log_lookup_seq          (TafelLog               *self,
                                                   const TafelPublicKey   *author,
                                                   guint64                 seq) G_GNUC_WARN_UNUSED_RESULT;

TafelVersionVector *tafel_log_dup_version_vector  (TafelLog               *self) G_GNUC_WARN_UNUSED_RESULT;
/* What a peer with @theirs lacks: per author (in key order) the records after
 * their seq, in seq order. The last record of each author's run carries its
 * signature. Authors where @theirs claims a head we do not share (a different
 * id at that seq) are skipped. (element-type TafelRecord) */
GPtrArray          *tafel_log_dup_missing         (TafelLog               *self,
                                                   const TafelVersionVector *theirs) G_GNUC_WARN_UNUSED_RESULT;

typedef gboolean (*TafelLogForeachFunc) (TafelRecord *record, gpointer user_data);
/* Every integrated record in a deterministic order: authors by key, each in
 * seq order. Stops when @func returns FALSE. */
void                tafel_log_foreach             (TafelLog               *self,
                                                   TafelLogForeachFunc     func,
                                                   gpointer                user_data);

G_END_DECLS
