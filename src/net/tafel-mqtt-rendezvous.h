/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tafel-crypto.h"

G_BEGIN_DECLS

#define TAFEL_MQTT_ERROR (tafel_mqtt_error_quark ())

typedef enum
{
  TAFEL_MQTT_ERROR_BAD_URL,
  TAFEL_MQTT_ERROR_NOT_CONNECTED,
  TAFEL_MQTT_ERROR_TOO_LARGE,
  TAFEL_MQTT_ERROR_CONNECT,        /* could not reach or talk to the broker */
  TAFEL_MQTT_ERROR_REFUSED,        /* the broker refused us (credentials, …) */
} TafelMqttError;

GQuark tafel_mqtt_error_quark (void);

typedef enum
{
  TAFEL_MQTT_STATUS_STOPPED,
  TAFEL_MQTT_STATUS_CONNECTING,
  TAFEL_MQTT_STATUS_CONNECTED,
  TAFEL_MQTT_STATUS_WAITING,       /* lost or refused; a retry is scheduled */
} TafelMqttStatus;

/* The largest body one message carries. */
#define TAFEL_MQTT_MAX_BODY 3968

#define TAFEL_TYPE_MQTT_RENDEZVOUS (tafel_mqtt_rendezvous_get_type ())

G_DECLARE_FINAL_TYPE (TafelMqttRendezvous, tafel_mqtt_rendezvous, TAFEL, MQTT_RENDEZVOUS, GObject)

TafelMqttRendezvous *tafel_mqtt_rendezvous_new         (const char           *broker_url,
                                                        const char           *username,
                                                        const char           *password,
                                                        const guint8          board_id[TAFEL_BOARD_ID_BYTES],
                                                        const guint8          secret[TAFEL_BOARD_SECRET_BYTES],
                                                        GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void                 tafel_mqtt_rendezvous_set_ca_file (TafelMqttRendezvous  *self,
                                                        const char           *ca_file);
void                 tafel_mqtt_rendezvous_set_max_backoff (TafelMqttRendezvous *self,
                                                        guint                 max_backoff_ms);
void                 tafel_mqtt_rendezvous_start       (TafelMqttRendezvous  *self);
void                 tafel_mqtt_rendezvous_stop        (TafelMqttRendezvous  *self);
TafelMqttStatus      tafel_mqtt_rendezvous_get_status  (TafelMqttRendezvous  *self);
/* Why the last connection attempt failed, for a person; %NULL when none did. */
const char          *tafel_mqtt_rendezvous_get_last_error (TafelMqttRendezvous *self);
/* Seals @body and publishes it on the board's topic. Fails when not connected. */
gboolean             tafel_mqtt_rendezvous_publish     (TafelMqttRendezvous  *self,
                                                        GBytes               *body,
                                                        GError              **error);

/* The topic a board's messages travel on: derived from id and secret, so
 * the broker learns neither. */
char                *tafel_mqtt_topic_for_board        (const guint8          board_id[TAFEL_BOARD_ID_BYTES],
                                                        const guint8          secret[TAFEL_BOARD_SECRET_BYTES]) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
