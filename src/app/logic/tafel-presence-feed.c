/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-presence-feed.h"

struct _TafelPresenceFeed
{
  GObject                parent_instance;

  TafelCanvasController *controller;
  TafelPresence         *presence;

  gboolean               has_cursor;
  gboolean               cursor_inside;
  double                 cursor_x, cursor_y;
  gboolean               has_viewport;
  TafelRect              viewport;

  /* The stroke as sent so far. */
  gboolean               sending;
  guint                  sent;
  TafelPoint             first;
  TafelTool              tool;
  guint32                rgba;
  float                  width;
};

G_DEFINE_FINAL_TYPE (TafelPresenceFeed, tafel_presence_feed, G_TYPE_OBJECT)

static gboolean
same_stroke (TafelPresenceFeed *self,
             const TafelStroke *live)
{
  return self->sending && live->n_points >= self->sent &&
         live->points[0].x == self->first.x && live->points[0].y == self->first.y &&
         live->tool == self->tool && live->rgba == self->rgba && live->width == self->width;
}

static void
update_stroke (TafelPresenceFeed *self)
{
  const TafelStroke *live = tafel_canvas_controller_get_live_stroke (self->controller);

  if (self->presence == NULL)
    return;

  if (live == NULL || live->n_points == 0)
    {
      if (self->sending)
        tafel_presence_end_stroke (self->presence);
      self->sending = FALSE;
      return;
    }

  /* A new stroke, also one that goes on from a stroke just committed
   * because it grew past the largest a record holds. */
  if (!same_stroke (self, live))
    {
      if (self->sending)
        tafel_presence_end_stroke (self->presence);
      tafel_presence_begin_stroke (self->presence, live->tool, live->rgba, live->width);
      self->sending = TRUE;
      self->sent = 0;
      self->first = live->points[0];
      self->tool = live->tool;
      self->rgba = live->rgba;
      self->width = live->width;
    }

  if (live->n_points > self->sent)
    {
      tafel_presence_add_points (self->presence, live->points + self->sent, live->n_points - self->sent);
      self->sent = live->n_points;
    }
}

void
tafel_presence_feed_set_presence (TafelPresenceFeed *self,
                                  TafelPresence     *presence)
{
  g_return_if_fail (TAFEL_IS_PRESENCE_FEED (self));
  g_return_if_fail (presence == NULL || TAFEL_IS_PRESENCE (presence));

  if (self->presence == presence)
    return;

  if (self->presence != NULL && self->sending)
    tafel_presence_end_stroke (self->presence);
  self->sending = FALSE;
  g_set_object (&self->presence, presence);
  if (presence == NULL)
    return;

  if (self->has_cursor)
    tafel_presence_set_cursor (presence, self->cursor_inside, self->cursor_x, self->cursor_y);
  if (self->has_viewport)
    tafel_presence_set_viewport (presence, &self->viewport);
  update_stroke (self);
}

void
tafel_presence_feed_set_cursor (TafelPresenceFeed *self,
                                gboolean           inside,
                                double             x,
                                double             y)
{
  g_return_if_fail (TAFEL_IS_PRESENCE_FEED (self));

  if (self->has_cursor && self->cursor_inside == !!inside &&
      self->cursor_x == x && self->cursor_y == y)
    return;

  self->has_cursor = TRUE;
  self->cursor_inside = !!inside;
  self->cursor_x = x;
  self->cursor_y = y;
  if (self->presence != NULL)
    tafel_presence_set_cursor (self->presence, inside, x, y);
}

void
tafel_presence_feed_set_viewport (TafelPresenceFeed *self,
                                  const TafelRect   *viewport)
{
  g_return_if_fail (TAFEL_IS_PRESENCE_FEED (self));
  g_return_if_fail (viewport != NULL);

  if (self->has_viewport && memcmp (&self->viewport, viewport, sizeof *viewport) == 0)
    return;

  self->has_viewport = TRUE;
  self->viewport = *viewport;
  if (self->presence != NULL)
    tafel_presence_set_viewport (self->presence, viewport);
}

static void
on_changed (TafelCanvasController *controller,
            TafelPresenceFeed     *self)
{
  update_stroke (self);
}

TafelPresenceFeed *
tafel_presence_feed_new (TafelCanvasController *controller)
{
  TafelPresenceFeed *self;

  g_return_val_if_fail (TAFEL_IS_CANVAS_CONTROLLER (controller), NULL);

  self = g_object_new (TAFEL_TYPE_PRESENCE_FEED, NULL);
  self->controller = g_object_ref (controller);
  g_signal_connect (controller, "changed", G_CALLBACK (on_changed), self);
  return self;
}

static void
tafel_presence_feed_dispose (GObject *object)
{
  TafelPresenceFeed *self = TAFEL_PRESENCE_FEED (object);

  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  if (self->presence != NULL && self->sending)
    tafel_presence_end_stroke (self->presence);
  self->sending = FALSE;
  g_clear_object (&self->presence);
  g_clear_object (&self->controller);

  G_OBJECT_CLASS (tafel_presence_feed_parent_class)->dispose (object);
}

static void
tafel_presence_feed_class_init (TafelPresenceFeedClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tafel_presence_feed_dispose;
}

static void
tafel_presence_feed_init (TafelPresenceFeed *self)
{
}
