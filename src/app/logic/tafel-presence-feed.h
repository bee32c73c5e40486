/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tafel-canvas-controller.h"
#include "tafel-presence.h"

G_BEGIN_DECLS

#define TAFEL_TYPE_PRESENCE_FEED (tafel_presence_feed_get_type ())

G_DECLARE_FINAL_TYPE (TafelPresenceFeed, tafel_presence_feed, TAFEL, PRESENCE_FEED, GObject)

/**
 * TafelPresenceFeed:
 *
 * Tells the others what happens on this board window: the stroke the
 * #TafelCanvasController has in progress (begun, grown point by point,
 * ended when it is committed or cancelled), the pointer and the part of
 * the board in view. It remembers the latest of each, so a new presence
 * (the session restarted) gets the current state at once.
 */
TafelPresenceFeed *tafel_presence_feed_new          (TafelCanvasController *controller) G_GNUC_WARN_UNUSED_RESULT;

void               tafel_presence_feed_set_presence (TafelPresenceFeed     *self,
                                                     TafelPresence         *presence);
/* The pointer in board units; @inside is FALSE when it left the board. */
void               tafel_presence_feed_set_cursor   (TafelPresenceFeed     *self,
                                                     gboolean               inside,
                                                     double                 x,
                                                     double                 y);
void               tafel_presence_feed_set_viewport (TafelPresenceFeed     *self,
                                                     const TafelRect       *viewport);

G_END_DECLS
