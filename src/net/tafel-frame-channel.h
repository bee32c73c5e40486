/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TAFEL_TYPE_FRAME_CHANNEL (tafel_frame_channel_get_type ())

G_DECLARE_INTERFACE (TafelFrameChannel, tafel_frame_channel, TAFEL, FRAME_CHANNEL, GObject)

/**
 * TafelFrameChannel:
 *
 * An ordered, reliable, authenticated channel of frames to one peer: what
 * the sync layer needs from a link. A secure libnice link implements it; so
 * does an in-process pair for tests.
 *
 * Signals:
 *  ::frame (GBytes *frame): a frame arrived, in order.
 *  ::closed (const GError *reason): the channel is gone (reason may be
 *    %NULL for an orderly close). No frame arrives after it.
 * Properties:
 *  ::writable (boolean): %FALSE while the outgoing queue is above its
 *    high-water mark; a producer of bulk data pauses until it is %TRUE again.
 */
struct _TafelFrameChannelInterface
{
  GTypeInterface parent_iface;

  /* Queues @frame; frames are delivered in order. Returns FALSE when the
   * channel is closed. */
  gboolean (*send)        (TafelFrameChannel *self,
                           GBytes            *frame);
  gboolean (*is_writable) (TafelFrameChannel *self);
  gsize    (*get_max_frame) (TafelFrameChannel *self);
  void     (*close)       (TafelFrameChannel *self);
  /* Optional: stops (TRUE) or resumes delivering ::frame, so a consumer
   * that hands frames on to slower work can push back on the sender. */
  void     (*set_receive_held) (TafelFrameChannel *self,
                                gboolean           held);
};

gboolean tafel_frame_channel_send          (TafelFrameChannel *self,
                                            GBytes            *frame);
gboolean tafel_frame_channel_is_writable   (TafelFrameChannel *self);
/* The largest frame the channel carries. */
gsize    tafel_frame_channel_get_max_frame (TafelFrameChannel *self);
void     tafel_frame_channel_close         (TafelFrameChannel *self);
void     tafel_frame_channel_set_receive_held (TafelFrameChannel *self,
                                               gboolean           held);

/* For implementations. */
void     tafel_frame_channel_emit_frame    (TafelFrameChannel *self,
                                            GBytes            *frame);
void     tafel_frame_channel_emit_closed   (TafelFrameChannel *self,
                                            const GError      *reason);

G_END_DECLS
