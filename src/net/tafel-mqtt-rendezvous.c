/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <mosquitto.h>

#include "tafel-invite.h"
#include "tafel-mqtt-rendezvous-private.h"
#include "tafel-sealer.h"

/*
 * Rendezvous over an MQTT broker.
 *
 * Every peer of a board subscribes to one topic derived from the board id
 * and secret, and publishes small signalling messages there, sealed by a
 * #TafelSealer (see tafel-sealer.h) with the topic as context: the broker
 * sees only opaque bytes of a few fixed sizes, and replays, foreign and
 * garbage messages are dropped.
 *
 * libmosquitto runs inside the GLib main loop: a GSource watches its
 * socket (asking for writability only while it has data queued) and a
 * one-second timer drives its keep-alive; only the blocking connect (DNS,
 * TCP, TLS) runs in a worker thread, after which the main context owns the
 * connection again.
 */

#define KEEPALIVE_S            30
#define MIN_BACKOFF_MS         500
#define DEFAULT_MAX_BACKOFF_MS 30000

static const gsize buckets[] = { 256, 1024, 4096, 0 };

G_STATIC_ASSERT (TAFEL_MQTT_MAX_BODY + TAFEL_SEALER_OVERHEAD <= 4096);

struct _TafelMqttRendezvous
{
  GObject          parent_instance;

  char            *url;
  char            *host;
  int              port;
  gboolean         tls;
  char            *username;
  char            *password;
  char            *ca_file;

  char            *topic;
  TafelSealer     *sealer;

  struct mosquitto *mosq;
  TafelMqttStatus  status;
  char            *last_error;
  gboolean         running;
  gboolean         connect_in_flight;
  gboolean         ever_connected;
  gboolean         refused;

  GSource         *io_source;
  guint            misc_id;
  guint            retry_id;
  guint            backoff_ms;
  guint            max_backoff_ms;
};

enum {
  PROP_0,
  PROP_STATUS,
  PROP_LAST_ERROR,
  N_PROPS
};

enum {
  MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TafelMqttRendezvous, tafel_mqtt_rendezvous, G_TYPE_OBJECT)

G_DEFINE_QUARK (tafel-mqtt-error-quark, tafel_mqtt_error)

static void schedule_retry (TafelMqttRendezvous *self);
static void begin_connect  (TafelMqttRendezvous *self);

/* ---- the socket source --------------------------------------------------- */

typedef struct
{
  GSource              source;
  gpointer             fd_tag;
  GIOCondition         events;  /* what fd_tag polls for now */
  TafelMqttRendezvous *self;   /* not a reference: the source dies first */
} MqttSource;

static gboolean
mqtt_source_prepare (GSource *source,
                     int     *timeout)
{
  MqttSource *ms = (MqttSource *) source;
  GIOCondition events = G_IO_IN | G_IO_HUP | G_IO_ERR;

  if (mosquitto_want_write (ms->self->mosq))
    events |= G_IO_OUT;
  /* Only on a change: g_source_modify_unix_fd() wakes the main context up,
   * and doing that from every prepare kept the loop from ever sleeping
   * (a whole core busy while online). */
  if (events != ms->events)
    {
      g_source_modify_unix_fd (source, ms->fd_tag, events);
      ms->events = events;
    }

  *timeout = -1;
  return FALSE;
}

static gboolean
mqtt_source_check (GSource *source)
{
  MqttSource *ms = (MqttSource *) source;

  return g_source_query_unix_fd (source, ms->fd_tag) != 0;
}

static void
set_status (TafelMqttRendezvous *self,
            TafelMqttStatus      status)
{
  if (self->status == status)
    return;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
set_last_error (TafelMqttRendezvous *self,
                const char          *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
drop_connection_sources (TafelMqttRendezvous *self)
{
  if (self->io_source != NULL)
    {
      g_source_destroy (self->io_source);
      g_clear_pointer (&self->io_source, g_source_unref);
    }
  g_clear_handle_id (&self->misc_id, g_source_remove);
}

static char *
describe_mosquitto_error (int rc)
{
  if (rc == MOSQ_ERR_ERRNO)
    return g_strdup (g_strerror (errno));
  if (rc == MOSQ_ERR_TLS)
    return g_strdup (_("the secure connection failed (certificate not trusted, or not a TLS port)"));
  return g_strdup (mosquitto_strerror (rc));
}

static void
connection_lost (TafelMqttRendezvous *self,
                 const char          *reason)
{
  drop_connection_sources (self);
  if (self->mosq != NULL)
    mosquitto_disconnect (self->mosq);

  if (self->refused)
    {
      /* Keep the broker's own reason; retry slowly, it will likely refuse again. */
      self->refused = FALSE;
      self->backoff_ms = self->max_backoff_ms;
    }
  else if (reason != NULL)
    {
      g_autofree char *message = NULL;

      if (self->status == TAFEL_MQTT_STATUS_CONNECTED)
        message = g_strdup_printf (_("Lost the connection to the broker %s: %s"), self->url, reason);
      else
        message = g_strdup_printf (_("Cannot connect to the broker %s: %s"), self->url, reason);
      g_message ("%s", message);
      set_last_error (self, message);
    }

  if (self->running)
    schedule_retry (self);
  else
    set_status (self, TAFEL_MQTT_STATUS_STOPPED);
}

static gboolean
mqtt_source_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  MqttSource *ms = (MqttSource *) source;
  TafelMqttRendezvous *self = ms->self;
  GIOCondition revents = g_source_query_unix_fd (source, ms->fd_tag);
  int rc = MOSQ_ERR_SUCCESS;

  g_object_ref (self);

  if (revents & (G_IO_IN | G_IO_HUP | G_IO_ERR))
    rc = mosquitto_loop_read (self->mosq, 16);
  if (rc == MOSQ_ERR_SUCCESS && self->io_source == source &&
      ((revents & G_IO_OUT) || mosquitto_want_write (self->mosq)))
    rc = mosquitto_loop_write (self->mosq, 16);

  if (rc != MOSQ_ERR_SUCCESS && self->io_source == source)
    {
      g_autofree char *reason = describe_mosquitto_error (rc);
      connection_lost (self, reason);
    }

  g_object_unref (self);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs mqtt_source_funcs = {
  mqtt_source_prepare,
  mqtt_source_check,
  mqtt_source_dispatch,
  NULL, NULL, NULL,
};

static gboolean
misc_tick (gpointer user_data)
{
  TafelMqttRendezvous *self = user_data;
  int rc = mosquitto_loop_misc (self->mosq);

  if (rc != MOSQ_ERR_SUCCESS)
    {
      g_autofree char *reason = describe_mosquitto_error (rc);

      self->misc_id = 0;
      connection_lost (self, reason);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
attach_connection_sources (TafelMqttRendezvous *self)
{
  MqttSource *ms;
  int fd = mosquitto_socket (self->mosq);

  g_assert (self->io_source == NULL);
  g_assert (fd >= 0);

  self->io_source = g_source_new (&mqtt_source_funcs, sizeof (MqttSource));
  ms = (MqttSource *) self->io_source;
  ms->self = self;
  ms->events = G_IO_IN | G_IO_HUP | G_IO_ERR;
  ms->fd_tag = g_source_add_unix_fd (self->io_source, fd, ms->events);
  g_source_set_static_name (self->io_source, "[tafel] mqtt socket");
  g_source_attach (self->io_source, g_main_context_get_thread_default ());

  self->misc_id = g_timeout_add_seconds (1, misc_tick, self);
}

/* ---- connecting ---------------------------------------------------------- */

static void
connect_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  TafelMqttRendezvous *self = source_object;
  int rc;

  /* The main context does not touch self->mosq while this runs. */
  rc = mosquitto_connect (self->mosq, self->host, self->port, KEEPALIVE_S);
  if (rc == MOSQ_ERR_ERRNO)
    g_task_return_new_error (task, TAFEL_MQTT_ERROR, TAFEL_MQTT_ERROR_CONNECT,
                             "%s", g_strerror (errno));
  else if (rc != MOSQ_ERR_SUCCESS)
    {
      g_autofree char *reason = describe_mosquitto_error (rc);
      g_task_return_new_error (task, TAFEL_MQTT_ERROR, TAFEL_MQTT_ERROR_CONNECT, "%s", reason);
    }
  else
    g_task_return_boolean (task, TRUE);
}

static void
connect_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  TafelMqttRendezvous *self = TAFEL_MQTT_RENDEZVOUS (object);
  g_autoptr(GError) error = NULL;

  self->connect_in_flight = FALSE;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = g_strdup_printf (_("Cannot reach the broker %s: %s"),
                                                  self->url, error->message);
      g_message ("%s", message);
      set_last_error (self, message);
      if (self->running)
        schedule_retry (self);
      else
        set_status (self, TAFEL_MQTT_STATUS_STOPPED);
      return;
    }

  if (!self->running)
    {
      mosquitto_disconnect (self->mosq);
      set_status (self, TAFEL_MQTT_STATUS_STOPPED);
      return;
    }

  /* Connected at the TCP/TLS level; the broker's CONNACK arrives through
   * the socket source and on_connect() finishes the job. */
  attach_connection_sources (self);
}

static void
begin_connect (TafelMqttRendezvous *self)
{
  g_autoptr(GTask) task = NULL;

  g_assert (!self->connect_in_flight);

  self->retry_id = 0;
  set_status (self, TAFEL_MQTT_STATUS_CONNECTING);
  self->connect_in_flight = TRUE;

  task = g_task_new (self, NULL, connect_done, NULL);
  g_task_set_source_tag (task, begin_connect);
  g_task_run_in_thread (task, connect_in_thread);
}

static gboolean
retry_cb (gpointer user_data)
{
  TafelMqttRendezvous *self = user_data;

  self->retry_id = 0;
  if (self->running && !self->connect_in_flight)
    begin_connect (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (TafelMqttRendezvous *self)
{
  guint delay;

  set_status (self, TAFEL_MQTT_STATUS_WAITING);
  if (self->retry_id != 0 || self->connect_in_flight)
    return;

  /* Exponential backoff with ±20 % jitter, so that many peers losing one
   * broker do not all come back in the same instant. */
  delay = self->backoff_ms;
  delay = delay - delay / 5 + tafel_random_uniform (delay * 2 / 5 + 1);
  self->backoff_ms = MIN (self->backoff_ms * 2, self->max_backoff_ms);

  self->retry_id = g_timeout_add (delay, retry_cb, self);
}

/* ---- libmosquitto callbacks (called from loop_read/write/misc) ----------- */

static void
on_connect (struct mosquitto *mosq,
            void             *obj,
            int               rc)
{
  TafelMqttRendezvous *self = obj;

  if (rc != 0)
    {
      g_autofree char *message = g_strdup_printf (_("The broker %s refused the connection: %s"),
                                                  self->url, mosquitto_connack_string (rc));
      g_message ("%s", message);
      set_last_error (self, message);
      /* The broker closes the connection next; the loss handler retries. */
      self->refused = TRUE;
      return;
    }

  rc = mosquitto_subscribe (mosq, NULL, self->topic, 0);
  if (rc != MOSQ_ERR_SUCCESS)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot subscribe at the broker %s: %s"),
                                                  self->url, mosquitto_strerror (rc));
      set_last_error (self, message);
      return;
    }

  self->backoff_ms = MIN_BACKOFF_MS;
  self->ever_connected = TRUE;
  set_last_error (self, NULL);
  set_status (self, TAFEL_MQTT_STATUS_CONNECTED);
}

static void
on_disconnect (struct mosquitto *mosq,
               void             *obj,
               int               rc)
{
  /* The read/write/misc call that led here also returns an error, and the
   * dispatcher handles the loss there. */
}

/**
 * tafel_mqtt_rendezvous_open_message:
 * @self: a #TafelMqttRendezvous
 * @topic: the topic the broker delivered the message on
 * @payload: the message, from anyone who can publish at the broker
 * @len: its length
 *
 * Returns: (transfer full) (nullable): the body, or %NULL when the message
 *   is on another topic, foreign, garbled, stale or replayed
 */
GBytes *
tafel_mqtt_rendezvous_open_message (TafelMqttRendezvous *self,
                                    const char          *topic,
                                    gconstpointer        payload,
                                    gsize                len)
{
  GBytes *body;

  g_return_val_if_fail (TAFEL_IS_MQTT_RENDEZVOUS (self), NULL);

  if (g_strcmp0 (topic, self->topic) != 0)
    return NULL;

  /* Anyone can publish on a broker; what does not open with the board's
   * key, or is stale or replayed, is noise or an attack and is dropped
   * without a fuss. */
  body = tafel_sealer_open (self->sealer, payload, len);
  if (body == NULL)
    g_debug ("mqtt: dropped a message that is foreign, garbled, stale or replayed");
  return body;
}

/**
 * tafel_mqtt_rendezvous_seal_message:
 * @self: a #TafelMqttRendezvous
 * @body: at most %TAFEL_MQTT_MAX_BODY bytes
 *
 * Returns: (transfer full): @body sealed with the board key and padded to
 *   a bucket size, as it goes to the broker
 */
GBytes *
tafel_mqtt_rendezvous_seal_message (TafelMqttRendezvous *self,
                                    GBytes              *body)
{
  GBytes *sealed;

  g_return_val_if_fail (TAFEL_IS_MQTT_RENDEZVOUS (self), NULL);
  g_return_val_if_fail (g_bytes_get_size (body) <= TAFEL_MQTT_MAX_BODY, NULL);

  sealed = tafel_sealer_seal (self->sealer, body);
  g_assert (sealed != NULL);
  return sealed;
}

static void
on_message (struct mosquitto                *mosq,
            void                            *obj,
            const struct mosquitto_message  *msg)
{
  TafelMqttRendezvous *self = obj;
  g_autoptr(GBytes) body = NULL;

  if (msg->payloadlen <= 0)
    return;
  body = tafel_mqtt_rendezvous_open_message (self, msg->topic, msg->payload, msg->payloadlen);
  if (body != NULL)
    g_signal_emit (self, signals[MESSAGE], 0, body);
}

/* ---- public API ---------------------------------------------------------- */

char *
tafel_mqtt_topic_for_board (const guint8 board_id[TAFEL_BOARD_ID_BYTES],
                            const guint8 secret[TAFEL_BOARD_SECRET_BYTES])
{
  guint8 topic_key[TAFEL_KEY_BYTES];
  guint8 mac[TAFEL_MAC_BYTES];
  g_autofree char *mac_hex = NULL;

  tafel_derive_key (topic_key, secret, "tafeltop", 1);
  tafel_mac (mac, topic_key, board_id, TAFEL_BOARD_ID_BYTES);
  tafel_memzero (topic_key, sizeof topic_key);
  mac_hex = tafel_hex_encode (mac, 16);

  return g_strconcat ("tafel/v1/", mac_hex, NULL);
}

/**
 * tafel_mqtt_rendezvous_new:
 * @broker_url: mqtt://host[:port] or mqtts://host[:port]
 * @username: (nullable): user name at the broker
 * @password: (nullable): password at the broker
 * @board_id: the board id
 * @secret: the board secret
 * @error: return location for a #GError
 *
 * Creates a rendezvous for one board on one broker. Nothing happens on the
 * network before tafel_mqtt_rendezvous_start().
 *
 * Returns: (transfer full): the rendezvous, or %NULL when @broker_url is
 *   not a usable broker address
 */
TafelMqttRendezvous *
tafel_mqtt_rendezvous_new (const char    *broker_url,
                           const char    *username,
                           const char    *password,
                           const guint8   board_id[TAFEL_BOARD_ID_BYTES],
                           const guint8   secret[TAFEL_BOARD_SECRET_BYTES],
                           GError       **error)
{
  g_autoptr(TafelMqttRendezvous) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (broker_url != NULL, NULL);

  if (!tafel_broker_url_check (broker_url, &local_error))
    {
      g_set_error_literal (error, TAFEL_MQTT_ERROR, TAFEL_MQTT_ERROR_BAD_URL, local_error->message);
      return NULL;
    }
  uri = g_uri_parse (broker_url, G_URI_FLAGS_NONE, NULL);

  self = g_object_new (TAFEL_TYPE_MQTT_RENDEZVOUS, NULL);
  self->url = g_strdup (broker_url);
  self->host = g_strdup (g_uri_get_host (uri));
  self->tls = g_ascii_strcasecmp (g_uri_get_scheme (uri), "mqtts") == 0;
  self->port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : (self->tls ? 8883 : 1883);
  self->username = (username != NULL && *username != '\0') ? g_strdup (username) : NULL;
  self->password = (password != NULL && *password != '\0') ? g_strdup (password) : NULL;
  self->topic = tafel_mqtt_topic_for_board (board_id, secret);
  {
    guint8 key[TAFEL_KEY_BYTES];

    tafel_derive_key (key, secret, "tafelrdv", 1);
    self->sealer = tafel_sealer_new (key, self->topic, buckets);
    tafel_memzero (key, sizeof key);
  }

  return g_steal_pointer (&self);
}

void
tafel_mqtt_rendezvous_set_ca_file (TafelMqttRendezvous *self,
                                   const char          *ca_file)
{
  g_return_if_fail (TAFEL_IS_MQTT_RENDEZVOUS (self));
  g_return_if_fail (self->mosq == NULL);

  g_free (self->ca_file);
  self->ca_file = g_strdup (ca_file);
}

void
tafel_mqtt_rendezvous_set_max_backoff (TafelMqttRendezvous *self,
                                       guint                max_backoff_ms)
{
  g_return_if_fail (TAFEL_IS_MQTT_RENDEZVOUS (self));

  self->max_backoff_ms = MAX (max_backoff_ms, MIN_BACKOFF_MS);
  self->backoff_ms = MIN (self->backoff_ms, self->max_backoff_ms);
}

/**
 * tafel_mqtt_rendezvous_start:
 * @self: a #TafelMqttRendezvous
 *
 * Connects to the broker and keeps connecting: when the broker is
 * unreachable or the connection drops, it retries with exponential backoff
 * until tafel_mqtt_rendezvous_stop(). Watch #TafelMqttRendezvous:status.
 */
void
tafel_mqtt_rendezvous_start (TafelMqttRendezvous *self)
{
  g_return_if_fail (TAFEL_IS_MQTT_RENDEZVOUS (self));

  if (self->running)
    return;
  self->running = TRUE;

  if (self->mosq == NULL)
    {
      g_autofree char *client_id = NULL;
      const guint8 *instance = tafel_sealer_get_instance (self->sealer);
      g_autofree char *instance_hex = tafel_hex_encode (instance, 16);

      client_id = g_strdup_printf ("tafel-%.16s", instance_hex);

      self->mosq = mosquitto_new (client_id, TRUE, self);
      if (self->mosq == NULL)
        g_error ("out of memory creating an MQTT client");
      mosquitto_int_option (self->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
      mosquitto_connect_callback_set (self->mosq, on_connect);
      mosquitto_disconnect_callback_set (self->mosq, on_disconnect);
      mosquitto_message_callback_set (self->mosq, on_message);
      if (self->username != NULL)
        mosquitto_username_pw_set (self->mosq, self->username, self->password);
      if (self->tls)
        {
          int rc = mosquitto_tls_set (self->mosq, self->ca_file,
                                      self->ca_file == NULL ? "/etc/ssl/certs" : NULL,
                                      NULL, NULL, NULL);
          if (rc != MOSQ_ERR_SUCCESS)
            {
              g_autofree char *message = g_strdup_printf (_("Cannot set up a secure connection to %s: %s"),
                                                          self->url, mosquitto_strerror (rc));
              set_last_error (self, message);
            }
        }
    }

  if (!self->connect_in_flight)
    begin_connect (self);
}

void
tafel_mqtt_rendezvous_stop (TafelMqttRendezvous *self)
{
  g_return_if_fail (TAFEL_IS_MQTT_RENDEZVOUS (self));

  self->running = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);

  if (self->io_source != NULL)
    {
      drop_connection_sources (self);
      mosquitto_disconnect (self->mosq);
      /* Flush the DISCONNECT packet if the socket takes it right away. */
      mosquitto_loop_write (self->mosq, 1);
    }

  if (!self->connect_in_flight)
    set_status (self, TAFEL_MQTT_STATUS_STOPPED);
}

TafelMqttStatus
tafel_mqtt_rendezvous_get_status (TafelMqttRendezvous *self)
{
  g_return_val_if_fail (TAFEL_IS_MQTT_RENDEZVOUS (self), TAFEL_MQTT_STATUS_STOPPED);
  return self->status;
}

const char *
tafel_mqtt_rendezvous_get_last_error (TafelMqttRendezvous *self)
{
  g_return_val_if_fail (TAFEL_IS_MQTT_RENDEZVOUS (self), NULL);
  return self->last_error;
}

/**
 * tafel_mqtt_rendezvous_publish:
 * @self: a #TafelMqttRendezvous
 * @body: at most %TAFEL_MQTT_MAX_BODY bytes
 * @error: return location for a #GError
 *
 * Seals @body with the board key, pads it to a fixed bucket size and
 * publishes it on the board's topic (QoS 0, not retained).
 *
 * Returns: %TRUE when the message was handed to the broker connection
 */
gboolean
tafel_mqtt_rendezvous_publish (TafelMqttRendezvous  *self,
                               GBytes               *body,
                               GError              **error)
{
  g_autoptr(GBytes) sealed = NULL;
  gsize body_len;
  int rc;

  g_return_val_if_fail (TAFEL_IS_MQTT_RENDEZVOUS (self), FALSE);
  g_return_val_if_fail (body != NULL, FALSE);

  body_len = g_bytes_get_size (body);
  if (body_len > TAFEL_MQTT_MAX_BODY)
    {
      g_set_error (error, TAFEL_MQTT_ERROR, TAFEL_MQTT_ERROR_TOO_LARGE,
                   "A rendezvous message holds at most %d bytes, not %zu",
                   TAFEL_MQTT_MAX_BODY, body_len);
      return FALSE;
    }

  if (self->status != TAFEL_MQTT_STATUS_CONNECTED)
    {
      g_set_error (error, TAFEL_MQTT_ERROR, TAFEL_MQTT_ERROR_NOT_CONNECTED,
                   _("Not connected to the broker %s"), self->url);
      return FALSE;
    }

  sealed = tafel_mqtt_rendezvous_seal_message (self, body);

  rc = mosquitto_publish (self->mosq, NULL, self->topic, (int) g_bytes_get_size (sealed),
                          g_bytes_get_data (sealed, NULL), 0, false);
  if (rc != MOSQ_ERR_SUCCESS)
    {
      g_autofree char *reason = describe_mosquitto_error (rc);
      g_set_error (error, TAFEL_MQTT_ERROR, TAFEL_MQTT_ERROR_NOT_CONNECTED,
                   _("Could not publish to the broker %s: %s"), self->url, reason);
      return FALSE;
    }

  return TRUE;
}

/* ---- GObject ------------------------------------------------------------- */

static void
tafel_mqtt_rendezvous_dispose (GObject *object)
{
  TafelMqttRendezvous *self = TAFEL_MQTT_RENDEZVOUS (object);

  /* A connect thread holds a reference, so none runs by now. */
  g_assert (!self->connect_in_flight);

  self->running = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  drop_connection_sources (self);

  G_OBJECT_CLASS (tafel_mqtt_rendezvous_parent_class)->dispose (object);
}

static void
tafel_mqtt_rendezvous_finalize (GObject *object)
{
  TafelMqttRendezvous *self = TAFEL_MQTT_RENDEZVOUS (object);

  if (self->mosq != NULL)
    {
      mosquitto_disconnect (self->mosq);
      mosquitto_destroy (self->mosq);
    }
  g_clear_pointer (&self->sealer, tafel_sealer_free);
  if (self->password != NULL)
    tafel_memzero (self->password, strlen (self->password));
  g_free (self->url);
  g_free (self->host);
  g_free (self->username);
  g_free (self->password);
  g_free (self->ca_file);
  g_free (self->topic);
  g_free (self->last_error);

  G_OBJECT_CLASS (tafel_mqtt_rendezvous_parent_class)->finalize (object);
}

static void
tafel_mqtt_rendezvous_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  TafelMqttRendezvous *self = TAFEL_MQTT_RENDEZVOUS (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_int (value, self->status);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tafel_mqtt_rendezvous_class_init (TafelMqttRendezvousClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tafel_mqtt_rendezvous_dispose;
  object_class->finalize = tafel_mqtt_rendezvous_finalize;
  object_class->get_property = tafel_mqtt_rendezvous_get_property;

  properties[PROP_STATUS] =
    g_param_spec_int ("status", NULL, NULL,
                      TAFEL_MQTT_STATUS_STOPPED, TAFEL_MQTT_STATUS_WAITING,
                      TAFEL_MQTT_STATUS_STOPPED,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TafelMqttRendezvous::message:
   * @body: the opened body (a #GBytes)
   *
   * A message from another peer of the board: authentic, fresh and not
   * seen before.
   */
  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);

  mosquitto_lib_init ();
}

static void
tafel_mqtt_rendezvous_init (TafelMqttRendezvous *self)
{
  self->backoff_ms = MIN_BACKOFF_MS;
  self->max_backoff_ms = DEFAULT_MAX_BACKOFF_MS;
}
