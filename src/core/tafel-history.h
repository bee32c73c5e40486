/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tafel-board-model.h"

G_BEGIN_DECLS

#define TAFEL_TYPE_HISTORY (tafel_history_get_type ())

G_DECLARE_FINAL_TYPE (TafelHistory, tafel_history, TAFEL, HISTORY, GObject)

/**
 * TafelHistory:
 *
 * Undo and redo of one author's own operations. Undo never touches another
 * author's work: undoing a stroke erases it, undoing an erase restores what
 * it hid, undoing a move transforms the objects back, undoing a clear
 * restores what the clear hid. Each undo or redo is itself a new record.
 *
 * The caller commits the records: prepare_*() says what to commit,
 * *_committed() is told what was committed.
 *
 * Properties: ::can-undo, ::can-redo (boolean, notify).
 */
TafelHistory *tafel_history_new              (TafelBoardModel      *model,
                                              const TafelPublicKey *me) G_GNUC_WARN_UNUSED_RESULT;
/* Call after committing an ordinary local operation (stroke, shape, text,
 * erase, restore, transform, clear). Clears the redo stack. Profile and
 * chat records are not undoable and are ignored. */
void          tafel_history_push             (TafelHistory         *self,
                                              TafelRecord          *committed);
/* One user action that took several records (a move of more objects than
 * one transform record holds): undone and redone as one step. */
void          tafel_history_push_group       (TafelHistory         *self,
                                              TafelRecord         **committed,
                                              guint                 n_committed);
/* This device moved to a new identity (docs/identity.md): from now on the
 * operations of @me. The steps so far are forgotten: the records they
 * name may have been issued again under other ids. */
void          tafel_history_set_author       (TafelHistory         *self,
                                              const TafelPublicKey *me);
gboolean      tafel_history_can_undo         (TafelHistory         *self);
gboolean      tafel_history_can_redo         (TafelHistory         *self);
/* The record to commit to undo (or redo) the latest operation; FALSE when
 * there is nothing (left) to undo. */
gboolean      tafel_history_prepare_undo     (TafelHistory         *self,
                                              guint                *kind,
                                              GBytes              **body);
void          tafel_history_undo_committed   (TafelHistory         *self,
                                              TafelRecord          *committed);
gboolean      tafel_history_prepare_redo     (TafelHistory         *self,
                                              guint                *kind,
                                              GBytes              **body);
void          tafel_history_redo_committed   (TafelHistory         *self,
                                              TafelRecord          *committed);
/* Most steps take one record. A step that names more objects than one
 * record holds (undoing a large clear) takes several: after
 * undo_committed() (redo_committed()) these say whether the same step needs
 * another prepare/commit round. Callers loop:
 *   do { prepare_undo (); commit; undo_committed (); } while (undo_needs_more ()); */
gboolean      tafel_history_undo_needs_more  (TafelHistory         *self);
gboolean      tafel_history_redo_needs_more  (TafelHistory         *self);

G_END_DECLS
