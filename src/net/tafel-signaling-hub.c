/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-signaling-hub.h"

/**
 * TafelSignalingHub:
 *
 * Signalling between peers in one process, for tests and benchmarks: each
 * peer connects a port under its identity key; a message sent to a key
 * reaches the port connected under it then. Messages are delivered in
 * order from the main context the hub was made in, never from within
 * send(), as a network would. Messages to a key nobody holds are dropped.
 */

struct _TafelSignalingHub
{
  GObject       parent_instance;

  GMainContext *context;
  GHashTable   *ports;      /* key bytes → TafelSignalingHubPort (unowned) */
  GQueue        pending;    /* Pending */
  GSource      *source;
  guint64       delivered;
  guint64       dropped;
};

G_DEFINE_FINAL_TYPE (TafelSignalingHub, tafel_signaling_hub, G_TYPE_OBJECT)

#define TAFEL_TYPE_SIGNALING_HUB_PORT (tafel_signaling_hub_port_get_type ())
G_DECLARE_FINAL_TYPE (TafelSignalingHubPort, tafel_signaling_hub_port, TAFEL, SIGNALING_HUB_PORT, GObject)

struct _TafelSignalingHubPort
{
  GObject            parent_instance;

  TafelSignalingHub *hub;
  TafelPublicKey     key;
};

static void tafel_signaling_hub_port_iface_init (TafelSignalingInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TafelSignalingHubPort, tafel_signaling_hub_port, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TAFEL_TYPE_SIGNALING,
                                                      tafel_signaling_hub_port_iface_init))

typedef struct
{
  TafelPublicKey from;
  TafelPublicKey to;
  GBytes        *message;
} Pending;

static void
pending_free (Pending *p)
{
  g_bytes_unref (p->message);
  g_free (p);
}

static gboolean
deliver_pending (gpointer data)
{
  TafelSignalingHub *self = data;
  guint n = self->pending.length;

  g_object_ref (self);
  /* Only what was queued before this round: listeners may send more. */
  for (guint i = 0; i < n; i++)
    {
      Pending *p = g_queue_pop_head (&self->pending);
      TafelSignalingHubPort *port = g_hash_table_lookup (self->ports, p->to.bytes);

      if (port != NULL)
        {
          g_autoptr(TafelSignalingHubPort) hold = g_object_ref (port);

          self->delivered++;
          tafel_signaling_deliver (TAFEL_SIGNALING (hold), &p->from, p->message);
        }
      else
        {
          self->dropped++;
        }
      pending_free (p);
    }

  if (self->pending.length == 0 && self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  g_object_unref (self);

  return G_SOURCE_CONTINUE;
}

static void
hub_enqueue (TafelSignalingHub    *self,
             const TafelPublicKey *from,
             const TafelPublicKey *to,
             GBytes               *message)
{
  Pending *p = g_new0 (Pending, 1);

  p->from = *from;
  p->to = *to;
  p->message = g_bytes_ref (message);
  g_queue_push_tail (&self->pending, p);

  if (self->source == NULL)
    {
      self->source = g_idle_source_new ();
      g_source_set_priority (self->source, G_PRIORITY_DEFAULT);
      g_source_set_callback (self->source, deliver_pending, self, NULL);
      g_source_set_static_name (self->source, "[tafel] signalling hub");
      g_source_attach (self->source, self->context);
    }
}

static gboolean
tafel_signaling_hub_port_send (TafelSignaling        *signaling,
                               const TafelPublicKey  *to,
                               GBytes                *message,
                               GError               **error)
{
  TafelSignalingHubPort *self = TAFEL_SIGNALING_HUB_PORT (signaling);

  hub_enqueue (self->hub, &self->key, to, message);
  return TRUE;
}

static void
tafel_signaling_hub_port_iface_init (TafelSignalingInterface *iface)
{
  iface->send = tafel_signaling_hub_port_send;
}

static void
tafel_signaling_hub_port_finalize (GObject *object)
{
  TafelSignalingHubPort *self = TAFEL_SIGNALING_HUB_PORT (object);

  if (g_hash_table_lookup (self->hub->ports, self->key.bytes) == self)
    g_hash_table_remove (self->hub->ports, self->key.bytes);
  g_clear_object (&self->hub);

  G_OBJECT_CLASS (tafel_signaling_hub_port_parent_class)->finalize (object);
}

static void
tafel_signaling_hub_port_class_init (TafelSignalingHubPortClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tafel_signaling_hub_port_finalize;
}

static void
tafel_signaling_hub_port_init (TafelSignalingHubPort *self)
{
}

static void
tafel_signaling_hub_finalize (GObject *object)
{
  TafelSignalingHub *self = TAFEL_SIGNALING_HUB (object);

  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_source_unref (self->source);
    }
  g_queue_clear_full (&self->pending, (GDestroyNotify) pending_free);
  g_hash_table_unref (self->ports);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (tafel_signaling_hub_parent_class)->finalize (object);
}

static void
tafel_signaling_hub_class_init (TafelSignalingHubClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tafel_signaling_hub_finalize;
}

static void
tafel_signaling_hub_init (TafelSignalingHub *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->ports = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, g_free, NULL);
}

/**
 * tafel_signaling_hub_new:
 *
 * Creates a hub delivering from the thread-default main context.
 *
 * Returns: (transfer full): a new hub
 */
TafelSignalingHub *
tafel_signaling_hub_new (void)
{
  return g_object_new (TAFEL_TYPE_SIGNALING_HUB, NULL);
}

/**
 * tafel_signaling_hub_connect:
 * @self: a hub
 * @key: the identity the port receives for
 *
 * Connects a peer. Messages sent to @key reach the returned port while it
 * lives; a later port for the same key takes over (as a peer impersonating
 * another on a shared medium could).
 *
 * Returns: (transfer full): the peer's signalling port
 */
TafelSignaling *
tafel_signaling_hub_connect (TafelSignalingHub    *self,
                             const TafelPublicKey *key)
{
  TafelSignalingHubPort *port;

  g_return_val_if_fail (TAFEL_IS_SIGNALING_HUB (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  port = g_object_new (TAFEL_TYPE_SIGNALING_HUB_PORT, NULL);
  port->hub = g_object_ref (self);
  port->key = *key;
  g_hash_table_replace (self->ports, g_memdup2 (key->bytes, TAFEL_PUBLIC_KEY_BYTES), port);

  return TAFEL_SIGNALING (port);
}

/**
 * tafel_signaling_hub_get_delivered:
 * @self: a hub
 *
 * Returns: how many messages reached a port
 */
guint64
tafel_signaling_hub_get_delivered (TafelSignalingHub *self)
{
  g_return_val_if_fail (TAFEL_IS_SIGNALING_HUB (self), 0);
  return self->delivered;
}

/**
 * tafel_signaling_hub_get_dropped:
 * @self: a hub
 *
 * Returns: how many messages found no port for their recipient
 */
guint64
tafel_signaling_hub_get_dropped (TafelSignalingHub *self)
{
  g_return_val_if_fail (TAFEL_IS_SIGNALING_HUB (self), 0);
  return self->dropped;
}
