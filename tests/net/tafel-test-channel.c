/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tafel-test-channel.h"

#define MAX_FRAME (1024 * 1024)

struct _TafelTestChannel
{
  GObject           parent_instance;
  TafelTestChannel *other;     /* weak */
  GQueue            inbox;     /* GBytes, to be delivered to this end */
  gsize             inbox_bytes;
  gsize             high_water;
  guint             deliver_id;
  gboolean          closed;
  gboolean          held;
  guint             holds;
  gboolean          was_writable;
  guint64           bytes_sent;
  guint             frames_sent;
};

static void channel_iface_init (TafelFrameChannelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TafelTestChannel, tafel_test_channel, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TAFEL_TYPE_FRAME_CHANNEL, channel_iface_init))

enum { PROP_0, PROP_WRITABLE };

static gboolean
is_writable (TafelFrameChannel *channel)
{
  TafelTestChannel *self = TAFEL_TEST_CHANNEL (channel);

  return !self->closed && self->other != NULL && self->other->inbox_bytes <= self->high_water;
}

static void
update_writable (TafelTestChannel *self)
{
  gboolean writable = is_writable (TAFEL_FRAME_CHANNEL (self));

  if (writable != self->was_writable)
    {
      self->was_writable = writable;
      g_object_notify (G_OBJECT (self), "writable");
    }
}

static gboolean
deliver_cb (gpointer user_data)
{
  TafelTestChannel *self = user_data;
  GBytes *frame;
  guint n = 0;

  g_object_ref (self);
  /* A bounded batch per iteration, like a socket read. */
  while (n++ < 16 && !self->closed && !self->held && (frame = g_queue_pop_head (&self->inbox)) != NULL)
    {
      self->inbox_bytes -= g_bytes_get_size (frame);
      tafel_frame_channel_emit_frame (TAFEL_FRAME_CHANNEL (self), frame);
      g_bytes_unref (frame);
    }
  if (self->other != NULL)
    update_writable (self->other);

  if (self->closed || self->held || g_queue_is_empty (&self->inbox))
    {
      self->deliver_id = 0;
      g_object_unref (self);
      return G_SOURCE_REMOVE;
    }
  g_object_unref (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
channel_send (TafelFrameChannel *channel,
              GBytes            *frame)
{
  TafelTestChannel *self = TAFEL_TEST_CHANNEL (channel);
  TafelTestChannel *other = self->other;

  g_assert_cmpuint (g_bytes_get_size (frame), <=, MAX_FRAME);
  if (self->closed || other == NULL || other->closed)
    return FALSE;

  g_queue_push_tail (&other->inbox, g_bytes_ref (frame));
  other->inbox_bytes += g_bytes_get_size (frame);
  self->bytes_sent += g_bytes_get_size (frame);
  self->frames_sent++;
  if (other->deliver_id == 0 && !other->held)
    other->deliver_id = g_idle_add (deliver_cb, other);
  update_writable (self);
  return TRUE;
}

static gsize
channel_get_max_frame (TafelFrameChannel *channel)
{
  return MAX_FRAME;
}

static gboolean
closed_cb (gpointer user_data)
{
  TafelTestChannel *self = user_data;

  tafel_frame_channel_emit_closed (TAFEL_FRAME_CHANNEL (self), NULL);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
close_end (TafelTestChannel *self)
{
  if (self->closed)
    return;
  self->closed = TRUE;
  g_queue_clear_full (&self->inbox, (GDestroyNotify) g_bytes_unref);
  self->inbox_bytes = 0;
  g_idle_add (closed_cb, g_object_ref (self));
}

static void
channel_close (TafelFrameChannel *channel)
{
  TafelTestChannel *self = TAFEL_TEST_CHANNEL (channel);

  close_end (self);
  if (self->other != NULL)
    close_end (self->other);
}

static void
channel_set_receive_held (TafelFrameChannel *channel,
                          gboolean           held)
{
  TafelTestChannel *self = TAFEL_TEST_CHANNEL (channel);

  if (held && !self->held)
    self->holds++;
  self->held = held;
  if (!held && !self->closed && self->deliver_id == 0 && !g_queue_is_empty (&self->inbox))
    self->deliver_id = g_idle_add (deliver_cb, self);
}

static void
channel_iface_init (TafelFrameChannelInterface *iface)
{
  iface->set_receive_held = channel_set_receive_held;
  iface->send = channel_send;
  iface->is_writable = is_writable;
  iface->get_max_frame = channel_get_max_frame;
  iface->close = channel_close;
}

static void
tafel_test_channel_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  g_assert (prop_id == PROP_WRITABLE);
  g_value_set_boolean (value, is_writable (TAFEL_FRAME_CHANNEL (object)));
}

static void
tafel_test_channel_dispose (GObject *object)
{
  TafelTestChannel *self = TAFEL_TEST_CHANNEL (object);

  g_clear_handle_id (&self->deliver_id, g_source_remove);
  if (self->other != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->other), (gpointer *) &self->other);
      self->other = NULL;
    }
  g_queue_clear_full (&self->inbox, (GDestroyNotify) g_bytes_unref);

  G_OBJECT_CLASS (tafel_test_channel_parent_class)->dispose (object);
}

static void
tafel_test_channel_class_init (TafelTestChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tafel_test_channel_dispose;
  object_class->get_property = tafel_test_channel_get_property;
  g_object_class_override_property (object_class, PROP_WRITABLE, "writable");
}

static void
tafel_test_channel_init (TafelTestChannel *self)
{
  g_queue_init (&self->inbox);
  self->was_writable = TRUE;
}

void
tafel_test_channel_new_pair (gsize              high_water,
                             TafelTestChannel **a,
                             TafelTestChannel **b)
{
  *a = g_object_new (TAFEL_TYPE_TEST_CHANNEL, NULL);
  *b = g_object_new (TAFEL_TYPE_TEST_CHANNEL, NULL);
  (*a)->high_water = (*b)->high_water = high_water;
  (*a)->other = *b;
  (*b)->other = *a;
  g_object_add_weak_pointer (G_OBJECT (*b), (gpointer *) &(*a)->other);
  g_object_add_weak_pointer (G_OBJECT (*a), (gpointer *) &(*b)->other);
}

guint64
tafel_test_channel_get_bytes_sent (TafelTestChannel *self)
{
  return self->bytes_sent;
}

guint
tafel_test_channel_get_frames_sent (TafelTestChannel *self)
{
  return self->frames_sent;
}

gboolean
tafel_test_channel_is_closed (TafelTestChannel *self)
{
  return self->closed;
}

/* How often the consumer of this end held back incoming frames. */
guint
tafel_test_channel_get_holds (TafelTestChannel *self)
{
  g_return_val_if_fail (TAFEL_IS_TEST_CHANNEL (self), 0);
  return self->holds;
}
