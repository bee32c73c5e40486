/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tafel-mqtt-rendezvous.h"

G_BEGIN_DECLS

/* The rendezvous's messages without a broker, for tests and fuzzing: what
 * tafel_mqtt_rendezvous_publish() hands to the broker and what a message
 * from the broker becomes (before the #TafelMqttRendezvous::message
 * signal). */
GBytes *tafel_mqtt_rendezvous_seal_message (TafelMqttRendezvous *self,
                                            GBytes              *body) G_GNUC_WARN_UNUSED_RESULT;
GBytes *tafel_mqtt_rendezvous_open_message (TafelMqttRendezvous *self,
                                            const char          *topic,
                                            gconstpointer        payload,
                                            gsize                len) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
