/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tafel-frame-channel.h"

G_BEGIN_DECLS

#define TAFEL_TYPE_TEST_CHANNEL (tafel_test_channel_get_type ())

G_DECLARE_FINAL_TYPE (TafelTestChannel, tafel_test_channel, TAFEL, TEST_CHANNEL, GObject)

/* Two connected in-process channel ends. Frames are delivered from an idle
 * handler, in order; an end is not writable while more than @high_water
 * bytes wait for the other end to take them. */
void tafel_test_channel_new_pair (gsize              high_water,
                                  TafelTestChannel **a,
                                  TafelTestChannel **b);
/* Frames and bytes this end has sent. */
guint64 tafel_test_channel_get_bytes_sent  (TafelTestChannel *self);
guint   tafel_test_channel_get_frames_sent (TafelTestChannel *self);
gboolean tafel_test_channel_is_closed      (TafelTestChannel *self);
guint   tafel_test_channel_get_holds       (TafelTestChannel *self);

G_END_DECLS
