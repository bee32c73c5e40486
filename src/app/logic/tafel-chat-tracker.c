/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-chat-message.h"
#include "tafel-chat-tracker.h"

struct _TafelChatTracker
{
  GObject         parent_instance;

  GListModel     *chat;
  TafelPublicKey  me;
  gboolean        reading;
  guint           unread;
};

G_DEFINE_FINAL_TYPE (TafelChatTracker, tafel_chat_tracker, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_UNREAD,
  N_PROPS
};

enum {
  ARRIVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_unread (TafelChatTracker *self,
            guint             unread)
{
  if (self->unread == unread)
    return;
  self->unread = unread;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD]);
}

static void
on_items_changed (GListModel       *chat,
                  guint             position,
                  guint             removed,
                  guint             added,
                  TafelChatTracker *self)
{
  g_autoptr(GPtrArray) arrived = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TafelChatMessage) message = g_list_model_get_item (chat, i);

      if (memcmp (tafel_chat_message_get_author (message), &self->me, sizeof self->me) != 0)
        g_ptr_array_add (arrived, g_steal_pointer (&message));
    }

  if (arrived->len == 0)
    return;

  if (!self->reading)
    set_unread (self, self->unread + arrived->len);
  g_signal_emit (self, signals[ARRIVED], 0, arrived);
}

void
tafel_chat_tracker_set_reading (TafelChatTracker *self,
                                gboolean          reading)
{
  g_return_if_fail (TAFEL_IS_CHAT_TRACKER (self));

  self->reading = !!reading;
  if (self->reading)
    set_unread (self, 0);
}

gboolean
tafel_chat_tracker_get_reading (TafelChatTracker *self)
{
  g_return_val_if_fail (TAFEL_IS_CHAT_TRACKER (self), FALSE);

  return self->reading;
}

guint
tafel_chat_tracker_get_unread (TafelChatTracker *self)
{
  g_return_val_if_fail (TAFEL_IS_CHAT_TRACKER (self), 0);

  return self->unread;
}

TafelChatTracker *
tafel_chat_tracker_new (GListModel           *chat,
                        const TafelPublicKey *me)
{
  TafelChatTracker *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (chat), NULL);
  g_return_val_if_fail (me != NULL, NULL);

  self = g_object_new (TAFEL_TYPE_CHAT_TRACKER, NULL);
  self->chat = g_object_ref (chat);
  self->me = *me;
  g_signal_connect (chat, "items-changed", G_CALLBACK (on_items_changed), self);
  return self;
}

static void
tafel_chat_tracker_dispose (GObject *object)
{
  TafelChatTracker *self = TAFEL_CHAT_TRACKER (object);

  if (self->chat != NULL)
    g_signal_handlers_disconnect_by_data (self->chat, self);
  g_clear_object (&self->chat);

  G_OBJECT_CLASS (tafel_chat_tracker_parent_class)->dispose (object);
}

static void
tafel_chat_tracker_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TafelChatTracker *self = TAFEL_CHAT_TRACKER (object);

  switch (prop_id)
    {
    case PROP_UNREAD:
      g_value_set_uint (value, self->unread);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tafel_chat_tracker_class_init (TafelChatTrackerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tafel_chat_tracker_dispose;
  object_class->get_property = tafel_chat_tracker_get_property;

  properties[PROP_UNREAD] =
    g_param_spec_uint ("unread", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ARRIVED] =
    g_signal_new ("arrived", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
}

static void
tafel_chat_tracker_init (TafelChatTracker *self)
{
}
