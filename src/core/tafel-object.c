/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "tafel-board-model-private.h"
#include "tafel-log-private.h"
#include "tafel-render-private.h"
#include "tafel-render.h"

/* A TafelObject is a slot in its model's chunks (see
 * tafel-board-model-private.h); its content stays in the log and is decoded
 * on demand. */

static inline TafelRect
object_rect (const TafelObject *object)
{
  return (TafelRect) {
    object->box[0], object->box[1],
    (double) object->box[2] - object->box[0], (double) object->box[3] - object->box[1],
  };
}

/**
 * tafel_object_get_id:
 * @object: an object
 *
 * Returns: (transfer none): the object's id, the id of its record
 */
const TafelHash *
tafel_object_get_id (const TafelObject *object)
{
  g_return_val_if_fail (object != NULL, NULL);

  return &object->id;
}

/**
 * tafel_object_get_type:
 * @object: an object
 *
 * Returns: whether it is a stroke, a shape or a text
 */
TafelObjectType
tafel_object_get_type (const TafelObject *object)
{
  g_return_val_if_fail (object != NULL, TAFEL_OBJECT_STROKE);

  return object->type;
}

/**
 * tafel_object_dup_record:
 * @object: an object
 *
 * The stroke, shape or text record behind @object, made from the log's
 * storage (the model keeps no record objects).
 *
 * Returns: (transfer full): the record
 */
TafelRecord *
tafel_object_dup_record (const TafelObject *object)
{
  g_return_val_if_fail (object != NULL, NULL);

  return tafel_log_lookup_seq (object->author->model->log, &object->author->key, object->seq);
}

/**
 * tafel_object_get_author:
 * @object: an object
 *
 * Returns: (transfer none): who made it; valid as long as the model
 */
const TafelPublicKey *
tafel_object_get_author (const TafelObject *object)
{
  g_return_val_if_fail (object != NULL, NULL);

  return &object->author->key;
}

/**
 * tafel_object_compare_order:
 * @a: an object
 * @b: another object of the same model
 *
 * Z-order: (z, lamport, author, seq), where z is the object's own lamport
 * unless an amend record restacked it.
 *
 * Returns: negative when @a lies beneath @b, positive above, 0 for the same
 */
int
tafel_object_compare_order (const TafelObject *a,
                            const TafelObject *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, 0);

  return compare_objects (a, b);
}

/**
 * tafel_object_is_visible:
 * @object: an object
 *
 * Returns: whether it is shown (not erased or cleared, or restored since)
 */
gboolean
tafel_object_is_visible (const TafelObject *object)
{
  g_return_val_if_fail (object != NULL, FALSE);

  return (object->flags & OBJECT_VISIBLE) != 0;
}

/**
 * tafel_object_get_transform:
 * @object: an object
 *
 * Returns: (transfer none): its current transform; the identity when none
 *   was ever set
 */
const TafelTransform *
tafel_object_get_transform (const TafelObject *object)
{
  g_return_val_if_fail (object != NULL, NULL);

  return object_transform (object);
}

/**
 * tafel_object_get_bounds:
 * @object: an object
 * @bounds: (out): where it lies on the board
 *
 * The box its ink covers on the board, transform applied and line width
 * included (rounded outwards to float precision).
 */
void
tafel_object_get_bounds (const TafelObject *object,
                         TafelRect         *bounds)
{
  g_return_if_fail (object != NULL);
  g_return_if_fail (bounds != NULL);

  *bounds = object_rect (object);
}

/**
 * tafel_object_get_z:
 * @object: an object
 *
 * Returns: its place in the z-order
 */
double
tafel_object_get_z (const TafelObject *object)
{
  g_return_val_if_fail (object != NULL, 0);

  return object_z (object);
}

/* ---- Amendments ---------------------------------------------------------- */

gboolean
_tafel_object_get_look (const TafelObject *object,
                        TafelLook         *look)
{
  const AmEntry *e;

  *look = (TafelLook) { 0 };
  if ((e = object_amendment (object, TAFEL_AMEND_COLOR)) != NULL)
    {
      look->fields |= TAFEL_AMEND_COLOR;
      look->rgba = e->rgba;
    }
  if ((e = object_amendment (object, TAFEL_AMEND_WIDTH)) != NULL)
    {
      look->fields |= TAFEL_AMEND_WIDTH;
      look->width = e->width;
    }
  /* Only a text has words to change. */
  if (object->type == TAFEL_OBJECT_TEXT && (e = object_amendment (object, TAFEL_AMEND_TEXT)) != NULL)
    {
      look->fields |= TAFEL_AMEND_TEXT;
      look->text = e->text;
    }
  return look->fields != 0;
}

void
_tafel_look_apply_stroke (const TafelLook *look,
                          TafelStroke     *stroke)
{
  if (look->fields & TAFEL_AMEND_COLOR)
    stroke->rgba = look->rgba;
  if (look->fields & TAFEL_AMEND_WIDTH)
    stroke->width = look->width;
}

void
_tafel_look_apply_shape (const TafelLook *look,
                         TafelShape      *shape)
{
  if (look->fields & TAFEL_AMEND_COLOR)
    shape->stroke_rgba = look->rgba;
  if (look->fields & TAFEL_AMEND_WIDTH)
    shape->width = look->width;
}

void
_tafel_look_apply_text (const TafelLook *look,
                        TafelText       *text)
{
  if (look->fields & TAFEL_AMEND_COLOR)
    text->rgba = look->rgba;
  if (look->fields & TAFEL_AMEND_WIDTH)
    text->size = look->width;
  if ((look->fields & TAFEL_AMEND_TEXT) && look->text != NULL)
    {
      g_free (text->text);
      text->text = g_strdup (look->text);
    }
}

/**
 * tafel_object_dup_stroke:
 * @object: an object
 * @stroke: (out caller-allocates): the decoded stroke, free with tafel_stroke_clear()
 *
 * Decodes the stroke's points from its record, in its own coordinates.
 *
 * Returns: %FALSE when @object is not a stroke
 */
gboolean
tafel_object_dup_stroke (const TafelObject *object,
                         TafelStroke       *stroke)
{
  g_autoptr(GBytes) body = NULL;
  TafelLook look;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (stroke != NULL, FALSE);

  if (object->type != TAFEL_OBJECT_STROKE)
    return FALSE;

  body = _tafel_object_peek_body (object);
  if (body == NULL || !tafel_stroke_decode (body, stroke, NULL))
    return FALSE;
  if (_tafel_object_get_look (object, &look))
    _tafel_look_apply_stroke (&look, stroke);
  return TRUE;
}

/**
 * tafel_object_get_shape:
 * @object: an object
 * @shape: (out caller-allocates): the shape
 *
 * Returns: %FALSE when @object is not a shape
 */
gboolean
tafel_object_get_shape (const TafelObject *object,
                        TafelShape        *shape)
{
  g_autoptr(GBytes) body = NULL;
  TafelLook look;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (shape != NULL, FALSE);

  if (object->type != TAFEL_OBJECT_SHAPE)
    return FALSE;

  body = _tafel_object_peek_body (object);
  if (body == NULL || !tafel_shape_decode (body, shape, NULL))
    return FALSE;
  if (_tafel_object_get_look (object, &look))
    _tafel_look_apply_shape (&look, shape);
  return TRUE;
}

/**
 * tafel_object_dup_text:
 * @object: an object
 * @text: (out caller-allocates): the text, free with tafel_text_clear()
 *
 * Returns: %FALSE when @object is not a text
 */
gboolean
tafel_object_dup_text (const TafelObject *object,
                       TafelText         *text)
{
  g_autoptr(GBytes) body = NULL;
  TafelLook look;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (object->type != TAFEL_OBJECT_TEXT)
    return FALSE;

  body = _tafel_object_peek_body (object);
  if (body == NULL || !tafel_text_decode (body, text, NULL))
    return FALSE;
  if (_tafel_object_get_look (object, &look))
    _tafel_look_apply_text (&look, text);
  return TRUE;
}

/**
 * tafel_object_dup_baked_body:
 * @object: an object
 * @dx: how far to move it, board x
 * @dy: how far to move it, board y
 * @kind: (out): the record kind of the body
 *
 * The body of a new record that draws @object as it shows now, moved by
 * (@dx, @dy): its transform is baked into the content (a copy needs no
 * transform record of its own).
 *
 * Returns: (transfer full) (nullable): the body, or %NULL when the
 *   object's own body does not decode
 */
GBytes *
tafel_object_dup_baked_body (const TafelObject *object,
                             double             dx,
                             double             dy,
                             guint             *kind)
{
  const TafelTransform *t;
  TafelTransform moved;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  t = object_transform (object);
  moved = (TafelTransform) { t->sx, t->sy, t->tx + dx, t->ty + dy };

  switch (object->type)
    {
    case TAFEL_OBJECT_STROKE:
      {
        TafelStroke stroke = { 0 };
        GBytes *body;

        if (!tafel_object_dup_stroke (object, &stroke))
          return NULL;
        tafel_stroke_bake_transform (&stroke, &moved);
        body = tafel_stroke_encode (&stroke);
        tafel_stroke_clear (&stroke);
        *kind = TAFEL_RECORD_KIND_STROKE;
        return body;
      }

    case TAFEL_OBJECT_SHAPE:
      {
        TafelShape shape;

        if (!tafel_object_get_shape (object, &shape))
          return NULL;
        tafel_shape_bake_transform (&shape, &moved);
        *kind = TAFEL_RECORD_KIND_SHAPE;
        return tafel_shape_encode (&shape);
      }

    case TAFEL_OBJECT_TEXT:
    default:
      {
        TafelText text = { 0 };
        GBytes *body;

        if (!tafel_object_dup_text (object, &text))
          return NULL;
        tafel_text_bake_transform (&text, &moved);
        body = tafel_text_encode (&text);
        tafel_text_clear (&text);
        *kind = TAFEL_RECORD_KIND_TEXT;
        return body;
      }
    }
}

/**
 * tafel_object_hit_test:
 * @object: an object
 * @x1: board x where the pointer starts
 * @y1: board y where the pointer starts
 * @x2: board x where the pointer ends (@x1 for a click)
 * @y2: board y where the pointer ends (@y1 for a click)
 * @tolerance: how far from the ink still counts, in board units
 *
 * Whether a pointer moving along the segment from (@x1, @y1) to (@x2, @y2)
 * passes within @tolerance of the object's ink: strokes by their polyline
 * and width, shapes by their outline or fill, text anywhere in its box
 * (grown by @tolerance). A click is a segment of length 0; an eraser's
 * sweep between two motion events is measured whole, so that no ink slips
 * between them. Whether the object is visible does not matter here.
 *
 * Under a transform that stretches one axis more than the other, the
 * tolerance is measured along the less stretched one: nothing within
 * @tolerance of the ink is ever missed.
 *
 * Returns: %TRUE on a hit
 */
gboolean
tafel_object_hit_test (const TafelObject *object,
                       double             x1,
                       double             y1,
                       double             x2,
                       double             y2,
                       double             tolerance)
{
  const TafelTransform *t;
  double lx1, ly1, lx2, ly2, ltol;

  g_return_val_if_fail (object != NULL, FALSE);

  t = object_transform (object);
  tolerance = MAX (tolerance, 0.0);

  /* A flat transform leaves nothing drawn (see the renderer). */
  if (fabs (t->sx) < 1e-12 || fabs (t->sy) < 1e-12)
    return FALSE;

  if (object->type == TAFEL_OBJECT_TEXT)
    {
      TafelRect box = object_rect (object);

      box.x -= tolerance;
      box.y -= tolerance;
      box.width += 2 * tolerance;
      box.height += 2 * tolerance;
      return tafel_segment_meets_rect (x1, y1, x2, y2, &box);
    }

  /* Strokes and shapes are measured in their own coordinates. */
  lx1 = (x1 - t->tx) / t->sx;
  ly1 = (y1 - t->ty) / t->sy;
  lx2 = (x2 - t->tx) / t->sx;
  ly2 = (y2 - t->ty) / t->sy;
  ltol = tolerance / MIN (fabs (t->sx), fabs (t->sy));

  switch (object->type)
    {
    case TAFEL_OBJECT_STROKE:
      {
        TafelStroke stroke = { 0 };
        gboolean hit;

        if (!tafel_object_dup_stroke (object, &stroke))
          return FALSE;
        hit = _tafel_stroke_sweep_hits (&stroke, lx1, ly1, lx2, ly2, ltol);
        tafel_stroke_clear (&stroke);
        return hit;
      }

    case TAFEL_OBJECT_SHAPE:
    default:
      {
        TafelShape shape;

        return tafel_object_get_shape (object, &shape) &&
               _tafel_shape_sweep_hits (&shape, lx1, ly1, lx2, ly2, ltol);
      }
    }
}

gboolean
_tafel_object_is_highlighter (const TafelObject *object)
{
  return (object->flags & OBJECT_HIGHLIGHTER) != 0;
}

/* The stored body of @object's record, borrowed from the log's storage
 * (which keeps bodies where they are for the log's lifetime). */
GBytes *
_tafel_object_peek_body (const TafelObject *object)
{
  TafelLogEntryView entry;

  if (!tafel_log_peek (object->author->model->log, &object->author->key, object->seq, &entry))
    return NULL;

  return g_bytes_new_static (entry.body, entry.body_len);
}

gboolean
_tafel_object_peek_body_data (const TafelObject  *object,
                              const guint8      **data,
                              gsize              *len)
{
  TafelLogEntryView entry;

  if (!tafel_log_peek (object->author->model->log, &object->author->key, object->seq, &entry))
    return FALSE;

  *data = entry.body;
  *len = entry.body_len;
  return TRUE;
}

/* The body as the log hands it out with a record: it keeps the storage
 * alive by itself, for use on other threads. */
GBytes *
_tafel_object_dup_body (const TafelObject *object)
{
  g_autoptr(TafelRecord) record = tafel_object_dup_record (object);

  return record != NULL ? g_bytes_ref (tafel_record_get_body (record)) : NULL;
}
