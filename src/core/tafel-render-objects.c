/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "tafel-board-model-private.h"
#include "tafel-render.h"

/* The objects half of tafel-render.h: content drawn with its transform, as
 * the model holds it. */

static gboolean
apply_transform (cairo_t              *cr,
                 const TafelTransform *t)
{
  cairo_matrix_t m;

  /* A flat or non-finite transform would put cairo into an error state
   * that ends all drawing on @cr; such an object has no area to draw. */
  if (!(fabs (t->sx) > 1e-12) || !(fabs (t->sy) > 1e-12) ||
      !isfinite (t->sx) || !isfinite (t->sy) || !isfinite (t->tx) || !isfinite (t->ty))
    return FALSE;

  cairo_matrix_init (&m, t->sx, 0, 0, t->sy, t->tx, t->ty);
  cairo_transform (cr, &m);
  return TRUE;
}

/**
 * tafel_render_object:
 * @cr: where to draw, in board coordinates
 * @object: what to draw
 *
 * Draws one object with its transform; @cr's state is left as it was.
 */
void
tafel_render_object (cairo_t           *cr,
                     const TafelObject *object)
{
  g_return_if_fail (cr != NULL);
  g_return_if_fail (object != NULL);

  cairo_save (cr);
  if (!apply_transform (cr, tafel_object_get_transform (object)))
    {
      cairo_restore (cr);
      return;
    }

  switch (tafel_object_get_type (object))
    {
    case TAFEL_OBJECT_STROKE:
      {
        TafelStroke stroke = { 0 };

        if (tafel_object_dup_stroke (object, &stroke))
          {
            tafel_render_stroke (cr, &stroke);
            tafel_stroke_clear (&stroke);
          }
      }
      break;

    case TAFEL_OBJECT_SHAPE:
      {
        TafelShape shape;

        if (tafel_object_get_shape (object, &shape))
          tafel_render_shape (cr, &shape);
      }
      break;

    case TAFEL_OBJECT_TEXT:
    default:
      {
        TafelText text = { 0 };

        if (tafel_object_dup_text (object, &text))
          {
            tafel_render_text (cr, &text);
            tafel_text_clear (&text);
          }
      }
      break;
    }

  cairo_restore (cr);
}

/**
 * tafel_render_objects:
 * @cr: the target
 * @view: which part of the board, at what scale
 * @objects: (array length=n_objects): what to draw, bottom first
 * @n_objects: how many
 *
 * Draws @objects through @view: every highlighter stroke first (in order),
 * then all other objects (in order), so highlighter never covers ink.
 */
void
tafel_render_objects (cairo_t             *cr,
                      const TafelView     *view,
                      TafelObject * const *objects,
                      guint                n_objects)
{
  g_return_if_fail (cr != NULL);
  g_return_if_fail (view != NULL);
  g_return_if_fail (objects != NULL || n_objects == 0);

  if (!(view->scale > 0) || !isfinite (view->scale))
    return;

  cairo_save (cr);
  cairo_scale (cr, view->scale, view->scale);
  cairo_translate (cr, -view->x, -view->y);

  for (guint i = 0; i < n_objects; i++)
    if (_tafel_object_is_highlighter (objects[i]))
      tafel_render_object (cr, objects[i]);

  for (guint i = 0; i < n_objects; i++)
    if (!_tafel_object_is_highlighter (objects[i]))
      tafel_render_object (cr, objects[i]);

  cairo_restore (cr);
}
