/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tafel-chat-message-private.h"
#include "tafel-record.h"

/**
 * TafelChatMessage:
 *
 * One chat message of a board: an immutable item of the model's chat list.
 *
 * Properties: ::text (string, read-only).
 */
struct _TafelChatMessage
{
  GObject        parent_instance;

  TafelHash      id;
  TafelPublicKey author;
  guint64        lamport;
  guint64        seq;
  char          *text;
};

G_DEFINE_FINAL_TYPE (TafelChatMessage, tafel_chat_message, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tafel_chat_message_finalize (GObject *object)
{
  TafelChatMessage *self = TAFEL_CHAT_MESSAGE (object);

  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (tafel_chat_message_parent_class)->finalize (object);
}

static void
tafel_chat_message_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TafelChatMessage *self = TAFEL_CHAT_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tafel_chat_message_class_init (TafelChatMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tafel_chat_message_finalize;
  object_class->get_property = tafel_chat_message_get_property;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tafel_chat_message_init (TafelChatMessage *self)
{
}

TafelChatMessage *
_tafel_chat_message_new (const TafelHash      *id,
                         const TafelPublicKey *author,
                         guint64               lamport,
                         guint64               seq,
                         char                 *text)
{
  TafelChatMessage *self = g_object_new (TAFEL_TYPE_CHAT_MESSAGE, NULL);

  self->id = *id;
  self->author = *author;
  self->lamport = lamport;
  self->seq = seq;
  self->text = text;

  return self;
}

int
_tafel_chat_message_compare (TafelChatMessage *a,
                             TafelChatMessage *b)
{
  return tafel_order_compare (a->lamport, &a->author, a->seq, b->lamport, &b->author, b->seq);
}

/**
 * tafel_chat_message_get_id:
 * @self: a message
 *
 * Returns: (transfer none): the id of the chat record
 */
const TafelHash *
tafel_chat_message_get_id (TafelChatMessage *self)
{
  g_return_val_if_fail (TAFEL_IS_CHAT_MESSAGE (self), NULL);

  return &self->id;
}

/**
 * tafel_chat_message_get_author:
 * @self: a message
 *
 * Returns: (transfer none): who wrote it
 */
const TafelPublicKey *
tafel_chat_message_get_author (TafelChatMessage *self)
{
  g_return_val_if_fail (TAFEL_IS_CHAT_MESSAGE (self), NULL);

  return &self->author;
}

/**
 * tafel_chat_message_get_lamport:
 * @self: a message
 *
 * Returns: the message's Lamport time, which orders the chat
 */
guint64
tafel_chat_message_get_lamport (TafelChatMessage *self)
{
  g_return_val_if_fail (TAFEL_IS_CHAT_MESSAGE (self), 0);

  return self->lamport;
}

/**
 * tafel_chat_message_get_text:
 * @self: a message
 *
 * Returns: (transfer none): the text, UTF-8
 */
const char *
tafel_chat_message_get_text (TafelChatMessage *self)
{
  g_return_val_if_fail (TAFEL_IS_CHAT_MESSAGE (self), NULL);

  return self->text;
}

guint64
_tafel_chat_message_get_seq (TafelChatMessage *self)
{
  g_return_val_if_fail (TAFEL_IS_CHAT_MESSAGE (self), 0);

  return self->seq;
}
