/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tafel-frame-channel.h"

G_DEFINE_INTERFACE (TafelFrameChannel, tafel_frame_channel, G_TYPE_OBJECT)

enum {
  FRAME,
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
tafel_frame_channel_default_init (TafelFrameChannelInterface *iface)
{
  g_object_interface_install_property (iface,
    g_param_spec_boolean ("writable", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  signals[FRAME] =
    g_signal_new ("frame", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

gboolean
tafel_frame_channel_send (TafelFrameChannel *self,
                          GBytes            *frame)
{
  g_return_val_if_fail (TAFEL_IS_FRAME_CHANNEL (self), FALSE);
  g_return_val_if_fail (frame != NULL, FALSE);

  return TAFEL_FRAME_CHANNEL_GET_IFACE (self)->send (self, frame);
}

gboolean
tafel_frame_channel_is_writable (TafelFrameChannel *self)
{
  g_return_val_if_fail (TAFEL_IS_FRAME_CHANNEL (self), FALSE);

  return TAFEL_FRAME_CHANNEL_GET_IFACE (self)->is_writable (self);
}

gsize
tafel_frame_channel_get_max_frame (TafelFrameChannel *self)
{
  g_return_val_if_fail (TAFEL_IS_FRAME_CHANNEL (self), 0);

  return TAFEL_FRAME_CHANNEL_GET_IFACE (self)->get_max_frame (self);
}

void
tafel_frame_channel_close (TafelFrameChannel *self)
{
  g_return_if_fail (TAFEL_IS_FRAME_CHANNEL (self));

  TAFEL_FRAME_CHANNEL_GET_IFACE (self)->close (self);
}

/**
 * tafel_frame_channel_set_receive_held:
 * @self: a #TafelFrameChannel
 * @held: whether to hold back incoming frames
 *
 * Stops delivering #TafelFrameChannel::frame while @held, and resumes
 * after; what arrives meanwhile waits (a link stops its peer once its
 * window is full). For a consumer that hands frames to slower work, to
 * bound what waits there. Channels that cannot hold ignore it.
 */
void
tafel_frame_channel_set_receive_held (TafelFrameChannel *self,
                                      gboolean           held)
{
  TafelFrameChannelInterface *iface;

  g_return_if_fail (TAFEL_IS_FRAME_CHANNEL (self));

  iface = TAFEL_FRAME_CHANNEL_GET_IFACE (self);
  if (iface->set_receive_held != NULL)
    iface->set_receive_held (self, held);
}

void
tafel_frame_channel_emit_frame (TafelFrameChannel *self,
                                GBytes            *frame)
{
  g_signal_emit (self, signals[FRAME], 0, frame);
}

void
tafel_frame_channel_emit_closed (TafelFrameChannel *self,
                                 const GError      *reason)
{
  g_signal_emit (self, signals[CLOSED], 0, reason);
}
