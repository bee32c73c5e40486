/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tafel-geometry.h"
#include "tafel-record.h"

G_BEGIN_DECLS

typedef enum
{
  TAFEL_OBJECT_STROKE,
  TAFEL_OBJECT_SHAPE,
  TAFEL_OBJECT_TEXT,
} TafelObjectType;

/**
 * TafelObject:
 *
 * A drawable object of the board (a stroke, shape or text record), as the
 * model currently sees it. Owned by the model; a pointer stays valid for the
 * model's lifetime (objects are never freed while the model lives, only
 * hidden), but its state may change whenever the model emits a signal.
 */
typedef struct _TafelObject TafelObject;

const TafelHash      *tafel_object_get_id        (const TafelObject *object);
TafelObjectType       tafel_object_get_type      (const TafelObject *object);
/* The record behind the object, made on demand from the log's compact
 * storage (transfer full): the model itself keeps no record objects. */
TafelRecord          *tafel_object_dup_record    (const TafelObject *object) G_GNUC_WARN_UNUSED_RESULT;
/* Who made it. */
const TafelPublicKey *tafel_object_get_author    (const TafelObject *object);
/* Z-order, (z, lamport, author, seq): < 0 when @a lies beneath @b. */
int                   tafel_object_compare_order (const TafelObject *a,
                                                  const TafelObject *b);
/* The object's place in the z-order: its lamport unless an amend record
 * restacked it (see TafelAmendFields). */
double                tafel_object_get_z         (const TafelObject *object);
gboolean              tafel_object_is_visible    (const TafelObject *object);
const TafelTransform *tafel_object_get_transform (const TafelObject *object);
/* Bounds on the board with the transform applied and the line width included. */
void                  tafel_object_get_bounds    (const TafelObject *object,
                                                  TafelRect         *bounds);
/* Decoded content in the object's own coordinates (apply the transform to
 * draw). Each returns FALSE when the object is of another type. */
gboolean              tafel_object_dup_stroke    (const TafelObject *object,
                                                  TafelStroke       *stroke);
gboolean              tafel_object_get_shape     (const TafelObject *object,
                                                  TafelShape        *shape);
gboolean              tafel_object_dup_text      (const TafelObject *object,
                                                  TafelText         *text);

/* The body of a new record that draws @object as it shows now, moved by
 * (dx, dy): its transform baked into the content (see
 * tafel_stroke_bake_transform()). %NULL when the body does not decode. */
GBytes               *tafel_object_dup_baked_body (const TafelObject *object,
                                                   double             dx,
                                                   double             dy,
                                                   guint             *kind) G_GNUC_WARN_UNUSED_RESULT;

/* Whether a pointer moving from (x1, y1) to (x2, y2) on the board (the
 * same point twice for a click) passes within @tolerance of the ink. */
gboolean              tafel_object_hit_test      (const TafelObject *object,
                                                  double             x1,
                                                  double             y1,
                                                  double             x2,
                                                  double             y2,
                                                  double             tolerance);

G_END_DECLS
