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
 * erase, restore, transform, clear). Clears the redo stack. */
void          tafel_history_push             (TafelHistory         *self,
                                              TafelRecord          *committed);
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

G_END_DECLS
