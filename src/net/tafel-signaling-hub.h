/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tafel-signaling.h"

G_BEGIN_DECLS

#define TAFEL_TYPE_SIGNALING_HUB (tafel_signaling_hub_get_type ())

G_DECLARE_FINAL_TYPE (TafelSignalingHub, tafel_signaling_hub, TAFEL, SIGNALING_HUB, GObject)

TafelSignalingHub *tafel_signaling_hub_new           (void) G_GNUC_WARN_UNUSED_RESULT;
TafelSignaling    *tafel_signaling_hub_connect       (TafelSignalingHub    *self,
                                                      const TafelPublicKey *key) G_GNUC_WARN_UNUSED_RESULT;
guint64            tafel_signaling_hub_get_delivered (TafelSignalingHub    *self);
guint64            tafel_signaling_hub_get_dropped   (TafelSignalingHub    *self);

G_END_DECLS
