/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tafel-chat-list.h"
#include "tafel-chat-message-private.h"

/* Batches up to this size are inserted one message and one signal at a
 * time (a list view then animates nothing it need not); larger ones, such
 * as the backlog of a late join, are merged with a single signal. */
#define MAX_SINGLE_INSERTS 64

struct _TafelChatList
{
  GObject    parent_instance;

  GPtrArray *items;  /* TafelChatMessage, sorted */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TafelChatList, tafel_chat_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return TAFEL_TYPE_CHAT_MESSAGE;
}

static guint
get_n_items (GListModel *model)
{
  return TAFEL_CHAT_LIST (model)->items->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  TafelChatList *self = TAFEL_CHAT_LIST (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
tafel_chat_list_finalize (GObject *object)
{
  TafelChatList *self = TAFEL_CHAT_LIST (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (tafel_chat_list_parent_class)->finalize (object);
}

static void
tafel_chat_list_class_init (TafelChatListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tafel_chat_list_finalize;
}

static void
tafel_chat_list_init (TafelChatList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

TafelChatList *
tafel_chat_list_new (void)
{
  return g_object_new (TAFEL_TYPE_CHAT_LIST, NULL);
}

static int
compare_messages (gconstpointer a,
                  gconstpointer b)
{
  TafelChatMessage *x = *(TafelChatMessage **) a;
  TafelChatMessage *y = *(TafelChatMessage **) b;

  return _tafel_chat_message_compare (x, y);
}

/* The first position whose message orders after @message. */
static guint
upper_bound (GPtrArray        *items,
             TafelChatMessage *message)
{
  guint lo = 0, hi = items->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (compare_messages (&items->pdata[mid], &message) <= 0)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

void
tafel_chat_list_insert (TafelChatList *self,
                        GPtrArray     *messages)
{
  g_autoptr(GPtrArray) sorted = NULL;
  g_autoptr(GPtrArray) merged = NULL;
  guint old_len, first, i, j;

  g_return_if_fail (TAFEL_IS_CHAT_LIST (self));

  if (messages->len == 0)
    return;

  if (messages->len <= MAX_SINGLE_INSERTS)
    {
      for (i = 0; i < messages->len; i++)
        {
          TafelChatMessage *message = g_ptr_array_index (messages, i);
          guint pos = upper_bound (self->items, message);

          g_ptr_array_insert (self->items, pos, g_object_ref (message));
          g_list_model_items_changed (G_LIST_MODEL (self), pos, 0, 1);
        }
      return;
    }

  sorted = g_ptr_array_new_full (messages->len, g_object_unref);
  for (i = 0; i < messages->len; i++)
    g_ptr_array_add (sorted, g_object_ref (g_ptr_array_index (messages, i)));
  g_ptr_array_sort (sorted, compare_messages);

  old_len = self->items->len;
  first = upper_bound (self->items, g_ptr_array_index (sorted, 0));

  merged = g_ptr_array_new_full (old_len + sorted->len, g_object_unref);
  for (i = 0; i < first; i++)
    g_ptr_array_add (merged, g_object_ref (g_ptr_array_index (self->items, i)));
  for (j = 0; i < old_len || j < sorted->len;)
    {
      if (j == sorted->len ||
          (i < old_len && compare_messages (&self->items->pdata[i], &sorted->pdata[j]) <= 0))
        g_ptr_array_add (merged, g_object_ref (g_ptr_array_index (self->items, i++)));
      else
        g_ptr_array_add (merged, g_object_ref (g_ptr_array_index (sorted, j++)));
    }

  g_ptr_array_unref (self->items);
  self->items = g_steal_pointer (&merged);
  g_list_model_items_changed (G_LIST_MODEL (self), first, old_len - first, self->items->len - first);
}

void
tafel_chat_list_remove_tail (TafelChatList        *self,
                             const TafelPublicKey *author,
                             guint64               from_seq)
{
  g_return_if_fail (TAFEL_IS_CHAT_LIST (self));
  g_return_if_fail (author != NULL);

  /* Back to front, so each removal is one exact ::items-changed. */
  for (guint i = self->items->len; i-- > 0;)
    {
      TafelChatMessage *message = g_ptr_array_index (self->items, i);

      if (_tafel_chat_message_get_seq (message) >= from_seq &&
          tafel_key_equal (tafel_chat_message_get_author (message), author))
        {
          g_ptr_array_remove_index (self->items, i);
          g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
        }
    }
}
