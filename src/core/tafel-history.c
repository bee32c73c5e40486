/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-board-model-private.h"
#include "tafel-history.h"

/* Objects per undo or redo record: well inside TAFEL_SET_MAX_OBJECTS and,
 * at 32 bytes an id (64 with a transform), inside TAFEL_RECORD_MAX_BYTES. */
#define MAX_IDS_PER_RECORD        4096
#define MAX_TRANSFORMS_PER_RECORD 2048
/* Amendments carry a text each: the bytes decide where a record ends. */
#define MAX_AMEND_BYTES_PER_RECORD (TAFEL_RECORD_MAX_BYTES / 2)

/* One record's worth of intent, before chunking: hide, show or move a set. */
typedef struct
{
  guint   kind;        /* TAFEL_RECORD_KIND_ERASE, _RESTORE, _TRANSFORM or _AMEND */
  GArray *ids;         /* TafelHash */
  GArray *transforms;  /* TafelTransform, for _TRANSFORM */
  GArray *amends;      /* TafelAmendEntry (text owned), for _AMEND */
} Part;

/* One user action: the parts that undo it and the parts that redo it. */
typedef struct
{
  GPtrArray *undo;  /* Part */
  GPtrArray *redo;  /* Part */
} Step;

/* Where the top step stands while it takes several records. */
typedef struct
{
  guint part;
  guint offset;
} Cursor;

struct _TafelHistory
{
  GObject          parent_instance;

  TafelBoardModel *model;
  TafelPublicKey   me;

  GPtrArray       *undo_stack;  /* Step, top last */
  GPtrArray       *redo_stack;  /* Step, top last */
  Cursor           undo_cursor;
  Cursor           redo_cursor;
};

G_DEFINE_FINAL_TYPE (TafelHistory, tafel_history, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
amend_entry_clear (gpointer data)
{
  g_free (((TafelAmendEntry *) data)->text);
}

static Part *
part_new (guint kind)
{
  Part *part = g_new0 (Part, 1);

  part->kind = kind;
  part->ids = g_array_new (FALSE, FALSE, sizeof (TafelHash));
  if (kind == TAFEL_RECORD_KIND_TRANSFORM)
    part->transforms = g_array_new (FALSE, FALSE, sizeof (TafelTransform));
  if (kind == TAFEL_RECORD_KIND_AMEND)
    {
      part->amends = g_array_new (FALSE, FALSE, sizeof (TafelAmendEntry));
      g_array_set_clear_func (part->amends, amend_entry_clear);
    }

  return part;
}

static void
part_free (gpointer data)
{
  Part *part = data;

  g_array_unref (part->ids);
  g_clear_pointer (&part->transforms, g_array_unref);
  g_clear_pointer (&part->amends, g_array_unref);
  g_free (part);
}

static Step *
step_new (void)
{
  Step *step = g_new0 (Step, 1);

  step->undo = g_ptr_array_new_with_free_func (part_free);
  step->redo = g_ptr_array_new_with_free_func (part_free);

  return step;
}

static void
step_free (gpointer data)
{
  Step *step = data;

  g_ptr_array_unref (step->undo);
  g_ptr_array_unref (step->redo);
  g_free (step);
}

static gboolean
step_is_empty (Step *step)
{
  for (guint i = 0; i < step->undo->len; i++)
    if (((Part *) g_ptr_array_index (step->undo, i))->ids->len > 0)
      return FALSE;

  return TRUE;
}

/* ---- GObject ------------------------------------------------------------- */

static void
tafel_history_dispose (GObject *object)
{
  TafelHistory *self = TAFEL_HISTORY (object);

  g_clear_object (&self->model);

  G_OBJECT_CLASS (tafel_history_parent_class)->dispose (object);
}

static void
tafel_history_finalize (GObject *object)
{
  TafelHistory *self = TAFEL_HISTORY (object);

  g_ptr_array_unref (self->undo_stack);
  g_ptr_array_unref (self->redo_stack);

  G_OBJECT_CLASS (tafel_history_parent_class)->finalize (object);
}

static void
tafel_history_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TafelHistory *self = TAFEL_HISTORY (object);

  switch (prop_id)
    {
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, tafel_history_can_undo (self));
      break;

    case PROP_CAN_REDO:
      g_value_set_boolean (value, tafel_history_can_redo (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tafel_history_class_init (TafelHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tafel_history_dispose;
  object_class->finalize = tafel_history_finalize;
  object_class->get_property = tafel_history_get_property;

  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tafel_history_init (TafelHistory *self)
{
  self->undo_stack = g_ptr_array_new_with_free_func (step_free);
  self->redo_stack = g_ptr_array_new_with_free_func (step_free);
}

/**
 * tafel_history_new:
 * @model: the board
 * @me: whose operations to undo: this device's identity
 *
 * Returns: (transfer full): an empty history
 */
TafelHistory *
tafel_history_new (TafelBoardModel      *model,
                   const TafelPublicKey *me)
{
  TafelHistory *self;

  g_return_val_if_fail (TAFEL_IS_BOARD_MODEL (model), NULL);
  g_return_val_if_fail (me != NULL, NULL);

  self = g_object_new (TAFEL_TYPE_HISTORY, NULL);
  self->model = g_object_ref (model);
  self->me = *me;

  return self;
}

/* ---- Building steps ------------------------------------------------------ */

static void
notify_changes (TafelHistory *self,
                gboolean      could_undo,
                gboolean      could_redo)
{
  if (could_undo != tafel_history_can_undo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  if (could_redo != tafel_history_can_redo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

static gboolean
is_mine (TafelHistory *self,
         TafelRecord  *record)
{
  return memcmp (tafel_record_get_author (record)->bytes, self->me.bytes,
                 TAFEL_PUBLIC_KEY_BYTES) == 0;
}

/* Adds to @step what undoes and redoes @record; FALSE when it is not an
 * undoable kind. */
static gboolean
step_add_record (TafelHistory *self,
                 Step         *step,
                 TafelRecord  *record)
{
  guint kind = tafel_record_get_kind (record);
  Part *undo, *redo;

  switch (kind)
    {
    case TAFEL_RECORD_KIND_STROKE:
    case TAFEL_RECORD_KIND_SHAPE:
    case TAFEL_RECORD_KIND_TEXT:
      undo = part_new (TAFEL_RECORD_KIND_ERASE);
      redo = part_new (TAFEL_RECORD_KIND_RESTORE);
      g_array_append_vals (undo->ids, tafel_record_get_id (record), 1);
      g_array_append_vals (redo->ids, tafel_record_get_id (record), 1);
      break;

    case TAFEL_RECORD_KIND_ERASE:
    case TAFEL_RECORD_KIND_RESTORE:
      {
        TafelObjectSet set = { 0 };

        if (!tafel_object_set_decode (tafel_record_get_body (record), &set, NULL))
          return FALSE;
        undo = part_new (kind == TAFEL_RECORD_KIND_ERASE ? TAFEL_RECORD_KIND_RESTORE
                                                          : TAFEL_RECORD_KIND_ERASE);
        redo = part_new (kind);
        g_array_append_vals (undo->ids, set.ids, set.n_ids);
        g_array_append_vals (redo->ids, set.ids, set.n_ids);
        tafel_object_set_clear (&set);
      }
      break;

    case TAFEL_RECORD_KIND_TRANSFORM:
      {
        TafelTransformSet set = { 0 };

        if (!tafel_transform_set_decode (tafel_record_get_body (record), &set, NULL))
          return FALSE;
        undo = part_new (TAFEL_RECORD_KIND_TRANSFORM);
        redo = part_new (TAFEL_RECORD_KIND_TRANSFORM);
        for (guint i = 0; i < set.n_entries; i++)
          {
            TafelObject *object = tafel_board_model_lookup (self->model, &set.ids[i]);
            TafelTransform before = TAFEL_TRANSFORM_IDENTITY;

            /* Back to where it was just before this move. */
            if (object != NULL)
              _tafel_board_model_transform_before (self->model, object, record, &before);

            g_array_append_vals (undo->ids, &set.ids[i], 1);
            g_array_append_vals (undo->transforms, &before, 1);
            g_array_append_vals (redo->ids, &set.ids[i], 1);
            g_array_append_vals (redo->transforms, &set.transforms[i], 1);
          }
        tafel_transform_set_clear (&set);
      }
      break;

    case TAFEL_RECORD_KIND_AMEND:
      {
        TafelAmendSet set = { 0 };

        if (!tafel_amend_set_decode (tafel_record_get_body (record), &set, NULL))
          return FALSE;
        undo = part_new (TAFEL_RECORD_KIND_AMEND);
        redo = part_new (TAFEL_RECORD_KIND_AMEND);
        for (guint i = 0; i < set.n_entries; i++)
          {
            TafelObject *object = tafel_board_model_lookup (self->model, &set.entries[i].id);
            TafelAmendEntry before = { 0 };

            /* Back to how it looked just before this change; an object
             * this device does not know cannot be changed back. */
            if (object == NULL)
              continue;
            _tafel_board_model_amend_before (self->model, object, record, set.entries[i].fields, &before);
            if (before.fields == 0)
              continue;

            g_array_append_vals (undo->ids, &set.entries[i].id, 1);
            g_array_append_vals (undo->amends, &before, 1);
            g_array_append_vals (redo->ids, &set.entries[i].id, 1);
            g_array_append_vals (redo->amends, &set.entries[i], 1);
            /* The text went to the redo part. */
            set.entries[i].text = NULL;
          }
        tafel_amend_set_clear (&set);
      }
      break;

    case TAFEL_RECORD_KIND_CLEAR:
      {
        g_autoptr(GPtrArray) cleared = _tafel_board_model_dup_cleared (self->model, record);

        /* Exactly what the clear hid: what it targets and was visible
         * just before it. */
        undo = part_new (TAFEL_RECORD_KIND_RESTORE);
        redo = part_new (TAFEL_RECORD_KIND_ERASE);
        for (guint i = 0; i < cleared->len; i++)
          {
            TafelObject *object = g_ptr_array_index (cleared, i);

            if (_tafel_board_model_visible_before (self->model, object, record))
              {
                g_array_append_vals (undo->ids, tafel_object_get_id (object), 1);
                g_array_append_vals (redo->ids, tafel_object_get_id (object), 1);
              }
          }
      }
      break;

    default:
      return FALSE;
    }

  /* Undo goes backwards through a group, redo forwards. */
  g_ptr_array_insert (step->undo, 0, undo);
  g_ptr_array_add (step->redo, redo);
  return TRUE;
}

/**
 * tafel_history_push_group:
 * @self: a history
 * @committed: (array length=n_committed): the records of one user action,
 *   in the order they were committed, all by this history's author
 * @n_committed: how many
 *
 * Records one undoable step made of several records, and clears the redo
 * stack. Call after the records are committed (and so in the model).
 */
void
tafel_history_push_group (TafelHistory  *self,
                          TafelRecord  **committed,
                          guint          n_committed)
{
  gboolean could_undo, could_redo;
  Step *step;

  g_return_if_fail (TAFEL_IS_HISTORY (self));
  g_return_if_fail (committed != NULL || n_committed == 0);

  could_undo = tafel_history_can_undo (self);
  could_redo = tafel_history_can_redo (self);

  step = step_new ();
  for (guint i = 0; i < n_committed; i++)
    {
      if (committed[i] == NULL || !is_mine (self, committed[i]))
        {
          g_critical ("tafel_history_push: record %u is missing or by another author", i);
          continue;
        }
      step_add_record (self, step, committed[i]);
    }

  if (step_is_empty (step))
    {
      /* Nothing an undo could change (a clear of an empty board, a chat
       * message): no step, and the redo stack stays. */
      step_free (step);
      return;
    }

  g_ptr_array_add (self->undo_stack, step);
  g_ptr_array_set_size (self->redo_stack, 0);
  self->undo_cursor = (Cursor) { 0, 0 };
  self->redo_cursor = (Cursor) { 0, 0 };

  notify_changes (self, could_undo, could_redo);
}

/**
 * tafel_history_push:
 * @self: a history
 * @committed: a record of this history's author, just committed
 *
 * Records an ordinary local operation as one undoable step and clears the
 * redo stack.
 */
void
tafel_history_push (TafelHistory *self,
                    TafelRecord  *committed)
{
  g_return_if_fail (TAFEL_IS_HISTORY (self));
  g_return_if_fail (committed != NULL);

  tafel_history_push_group (self, &committed, 1);
}

/**
 * tafel_history_set_author:
 * @self: a history
 * @me: the identity this device writes under now
 *
 * Follows this device to a new identity (tafel_board_replace_identity()):
 * from now on the operations of @me are pushed and undone. The steps
 * recorded so far are dropped, for the records they name may have been
 * issued again under new ids; ::can-undo and ::can-redo are notified when
 * they change.
 */
void
tafel_history_set_author (TafelHistory         *self,
                          const TafelPublicKey *me)
{
  gboolean could_undo, could_redo;

  g_return_if_fail (TAFEL_IS_HISTORY (self));
  g_return_if_fail (me != NULL);

  if (tafel_key_equal (&self->me, me))
    return;
  could_undo = tafel_history_can_undo (self);
  could_redo = tafel_history_can_redo (self);
  self->me = *me;
  g_ptr_array_set_size (self->undo_stack, 0);
  g_ptr_array_set_size (self->redo_stack, 0);
  self->undo_cursor = (Cursor) { 0, 0 };
  self->redo_cursor = (Cursor) { 0, 0 };
  notify_changes (self, could_undo, could_redo);
}

/**
 * tafel_history_can_undo:
 * @self: a history
 *
 * Returns: whether there is a step to undo
 */
gboolean
tafel_history_can_undo (TafelHistory *self)
{
  g_return_val_if_fail (TAFEL_IS_HISTORY (self), FALSE);

  return self->undo_stack->len > 0;
}

/**
 * tafel_history_can_redo:
 * @self: a history
 *
 * Returns: whether there is an undone step to redo
 */
gboolean
tafel_history_can_redo (TafelHistory *self)
{
  g_return_val_if_fail (TAFEL_IS_HISTORY (self), FALSE);

  return self->redo_stack->len > 0;
}

/* ---- Undo and redo ------------------------------------------------------- */

/* How many of @part's entries from @offset on go into one record. */
static guint
part_chunk (const Part *part,
            guint       offset)
{
  guint left = part->ids->len - offset;

  if (part->kind == TAFEL_RECORD_KIND_TRANSFORM)
    return MIN (left, MAX_TRANSFORMS_PER_RECORD);
  if (part->kind != TAFEL_RECORD_KIND_AMEND)
    return MIN (left, MAX_IDS_PER_RECORD);
  return tafel_amend_entries_fit (&g_array_index (part->amends, TafelAmendEntry, offset), left,
                                  MAX_AMEND_BYTES_PER_RECORD);
}

/* Moves @cursor past empty parts; FALSE when the step has no more. */
static gboolean
cursor_settle (GPtrArray *parts,
               Cursor    *cursor)
{
  while (cursor->part < parts->len)
    {
      Part *part = g_ptr_array_index (parts, cursor->part);

      if (cursor->offset < part->ids->len)
        return TRUE;
      cursor->part++;
      cursor->offset = 0;
    }

  return FALSE;
}

static gboolean
prepare (GPtrArray  *parts,
         Cursor      cursor,
         guint      *kind,
         GBytes    **body)
{
  Part *part;
  guint n;

  if (!cursor_settle (parts, &cursor))
    return FALSE;

  part = g_ptr_array_index (parts, cursor.part);
  n = part_chunk (part, cursor.offset);

  *kind = part->kind;
  if (part->kind == TAFEL_RECORD_KIND_AMEND)
    {
      TafelAmendSet set = { n, &g_array_index (part->amends, TafelAmendEntry, cursor.offset) };

      *body = tafel_amend_set_encode (&set);
    }
  else if (part->kind == TAFEL_RECORD_KIND_TRANSFORM)
    {
      TafelTransformSet set = {
        n,
        &g_array_index (part->ids, TafelHash, cursor.offset),
        &g_array_index (part->transforms, TafelTransform, cursor.offset),
      };

      *body = tafel_transform_set_encode (&set);
    }
  else
    {
      TafelObjectSet set = { n, &g_array_index (part->ids, TafelHash, cursor.offset) };

      *body = tafel_object_set_encode (&set);
    }

  return *body != NULL;
}

/* Steps @cursor past one committed record; TRUE when the step is done. */
static gboolean
advance (GPtrArray *parts,
         Cursor    *cursor)
{
  if (cursor_settle (parts, cursor))
    {
      Part *part = g_ptr_array_index (parts, cursor->part);

      cursor->offset += part_chunk (part, cursor->offset);
    }

  return !cursor_settle (parts, cursor);
}

/**
 * tafel_history_prepare_undo:
 * @self: a history
 * @kind: (out): the kind of record to commit
 * @body: (out) (transfer full): its body
 *
 * What to commit to undo the latest step (or its next part, see
 * tafel_history_undo_needs_more()). Changes nothing until
 * tafel_history_undo_committed().
 *
 * Returns: %FALSE when there is nothing to undo
 */
gboolean
tafel_history_prepare_undo (TafelHistory  *self,
                            guint         *kind,
                            GBytes       **body)
{
  Step *step;

  g_return_val_if_fail (TAFEL_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (kind != NULL && body != NULL, FALSE);

  if (self->undo_stack->len == 0)
    return FALSE;

  step = g_ptr_array_index (self->undo_stack, self->undo_stack->len - 1);
  return prepare (step->undo, self->undo_cursor, kind, body);
}

/**
 * tafel_history_undo_committed:
 * @self: a history
 * @committed: the record committed from tafel_history_prepare_undo()
 *
 * The undo record was committed: once a step's last record is, the step
 * moves to the redo stack.
 */
void
tafel_history_undo_committed (TafelHistory *self,
                              TafelRecord  *committed)
{
  gboolean could_undo, could_redo;
  Step *step;

  g_return_if_fail (TAFEL_IS_HISTORY (self));
  g_return_if_fail (committed != NULL && is_mine (self, committed));

  if (self->undo_stack->len == 0)
    return;

  could_undo = tafel_history_can_undo (self);
  could_redo = tafel_history_can_redo (self);

  step = g_ptr_array_index (self->undo_stack, self->undo_stack->len - 1);
  if (advance (step->undo, &self->undo_cursor))
    {
      g_ptr_array_add (self->redo_stack, g_ptr_array_steal_index (self->undo_stack,
                                                                  self->undo_stack->len - 1));
      self->undo_cursor = (Cursor) { 0, 0 };
      self->redo_cursor = (Cursor) { 0, 0 };
    }

  notify_changes (self, could_undo, could_redo);
}

/**
 * tafel_history_prepare_redo:
 * @self: a history
 * @kind: (out): the kind of record to commit
 * @body: (out) (transfer full): its body
 *
 * What to commit to redo the latest undone step (or its next part).
 *
 * Returns: %FALSE when there is nothing to redo
 */
gboolean
tafel_history_prepare_redo (TafelHistory  *self,
                            guint         *kind,
                            GBytes       **body)
{
  Step *step;

  g_return_val_if_fail (TAFEL_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (kind != NULL && body != NULL, FALSE);

  if (self->redo_stack->len == 0)
    return FALSE;

  step = g_ptr_array_index (self->redo_stack, self->redo_stack->len - 1);
  return prepare (step->redo, self->redo_cursor, kind, body);
}

/**
 * tafel_history_redo_committed:
 * @self: a history
 * @committed: the record committed from tafel_history_prepare_redo()
 *
 * The redo record was committed: once a step's last record is, the step
 * moves back to the undo stack.
 */
void
tafel_history_redo_committed (TafelHistory *self,
                              TafelRecord  *committed)
{
  gboolean could_undo, could_redo;
  Step *step;

  g_return_if_fail (TAFEL_IS_HISTORY (self));
  g_return_if_fail (committed != NULL && is_mine (self, committed));

  if (self->redo_stack->len == 0)
    return;

  could_undo = tafel_history_can_undo (self);
  could_redo = tafel_history_can_redo (self);

  step = g_ptr_array_index (self->redo_stack, self->redo_stack->len - 1);
  if (advance (step->redo, &self->redo_cursor))
    {
      g_ptr_array_add (self->undo_stack, g_ptr_array_steal_index (self->redo_stack,
                                                                  self->redo_stack->len - 1));
      self->undo_cursor = (Cursor) { 0, 0 };
      self->redo_cursor = (Cursor) { 0, 0 };
    }

  notify_changes (self, could_undo, could_redo);
}

/**
 * tafel_history_undo_needs_more:
 * @self: a history
 *
 * Returns: %TRUE while the step being undone needs another record
 */
gboolean
tafel_history_undo_needs_more (TafelHistory *self)
{
  g_return_val_if_fail (TAFEL_IS_HISTORY (self), FALSE);

  return self->undo_cursor.part > 0 || self->undo_cursor.offset > 0;
}

/**
 * tafel_history_redo_needs_more:
 * @self: a history
 *
 * Returns: %TRUE while the step being redone needs another record
 */
gboolean
tafel_history_redo_needs_more (TafelHistory *self)
{
  g_return_val_if_fail (TAFEL_IS_HISTORY (self), FALSE);

  return self->redo_cursor.part > 0 || self->redo_cursor.offset > 0;
}
