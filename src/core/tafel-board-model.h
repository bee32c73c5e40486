/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tafel-geometry.h"
#include "tafel-log.h"
#include "tafel-object.h"
#include "tafel-record.h"

G_BEGIN_DECLS

#define TAFEL_TYPE_BOARD_MODEL (tafel_board_model_get_type ())

G_DECLARE_FINAL_TYPE (TafelBoardModel, tafel_board_model, TAFEL, BOARD_MODEL, GObject)

/**
 * TafelBoardModel:
 *
 * The board state as a pure function of the set of records in a #TafelLog:
 * objects with their visibility (erase/restore/clear: the latest by
 * (lamport, author, seq) wins per object), transforms (latest wins), the
 * z-order (lamport, author, seq), chat in order and profiles (latest wins).
 * Any two models whose logs hold the same records are equal, whatever the
 * order the records arrived in, and report the same digest.
 *
 * The model follows the log's ::records-added and updates incrementally,
 * and its ::tail-dropped (records taken out again, see docs/identity.md).
 *
 * Signals:
 *  ::objects-changed (GPtrArray *added, GPtrArray *removed,
 *                     GPtrArray *changed, const TafelRect *dirty):
 *    TafelObject pointers that became visible, became hidden, or changed
 *    transform; @dirty covers the old and new bounds of all of them.
 *  ::profile-changed (const TafelPublicKey *author)
 *  The chat list model emits ::items-changed as messages arrive (a message
 *  may land in the middle when it is older than ones already shown).
 */
TafelBoardModel *tafel_board_model_new               (TafelLog          *log) G_GNUC_WARN_UNUSED_RESULT;
TafelLog        *tafel_board_model_get_log           (TafelBoardModel   *self);

/* Any object the model knows, visible or not; %NULL when unknown. */
TafelObject     *tafel_board_model_lookup            (TafelBoardModel   *self,
                                                      const TafelHash   *id);
guint            tafel_board_model_get_n_visible     (TafelBoardModel   *self);
/* Appends the visible objects whose bounds intersect @rect (all of them
 * when @rect is %NULL) to @out, bottom first in z-order. Uses the spatial
 * index: cost grows with the answer, not with the board. */
void             tafel_board_model_query             (TafelBoardModel   *self,
                                                      const TafelRect   *rect,
                                                      GPtrArray         *out);
/* The topmost visible object whose ink passes within @tolerance of (x, y). */
TafelObject     *tafel_board_model_hit_test          (TafelBoardModel   *self,
                                                      double             x,
                                                      double             y,
                                                      double             tolerance);
/* Union of the bounds of the visible objects; FALSE when there are none. */
gboolean         tafel_board_model_get_bounds        (TafelBoardModel   *self,
                                                      TafelRect         *bounds);
/* The lowest and highest z (see tafel_object_get_z()) of the objects the
 * model knows, visible or not; FALSE when it knows none. */
gboolean         tafel_board_model_get_z_range       (TafelBoardModel   *self,
                                                      double            *lowest,
                                                      double            *highest);

/* (element-type TafelChatMessage) ordered by (lamport, author, seq). */
GListModel      *tafel_board_model_get_chat          (TafelBoardModel   *self);
/* Latest profile of @author; FALSE when the author has none. The strings
 * are owned by the model. */
gboolean         tafel_board_model_get_profile       (TafelBoardModel   *self,
                                                      const TafelPublicKey *author,
                                                      const char       **name,
                                                      guint32           *rgba);

/* Hash of the canonical visible state: visible objects in z-order with
 * their transforms, chat, profiles. Equal on replicas with equal record sets. */
void             tafel_board_model_get_digest        (TafelBoardModel   *self,
                                                      TafelHash         *digest);

G_END_DECLS
