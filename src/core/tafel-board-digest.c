/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-board-model-private.h"

/* The model's digest: a hash of the canonical visible state, so that
 * replicas can tell cheaply whether they show the same board. */

typedef struct
{
  TafelHashState state;
  guint8         buf[16384];
  gsize          len;
} DigestWriter;

static inline void
digest_put (DigestWriter  *w,
            gconstpointer  data,
            gsize          len)
{
  if (w->len + len > sizeof w->buf)
    {
      tafel_hash_update (&w->state, w->buf, w->len);
      w->len = 0;
    }
  if (len > sizeof w->buf)
    {
      tafel_hash_update (&w->state, data, len);
      return;
    }
  memcpy (w->buf + w->len, data, len);
  w->len += len;
}

static inline void
digest_put_u64 (DigestWriter *w,
                guint64       v)
{
  guint64 le = GUINT64_TO_LE (v);

  digest_put (w, &le, sizeof le);
}

static inline void
digest_put_double (DigestWriter *w,
                   double        v)
{
  guint64 bits;

  v += 0.0;
  memcpy (&bits, &v, sizeof bits);
  digest_put_u64 (w, bits);
}

static int
compare_authors_by_key (gconstpointer a,
                        gconstpointer b)
{
  const AuthorInfo *x = *(AuthorInfo **) a, *y = *(AuthorInfo **) b;

  return memcmp (x->key.bytes, y->key.bytes, TAFEL_PUBLIC_KEY_BYTES);
}

/* The canonical encoding, version 1:
 *   "tafel-board-state-1" NUL
 *   u64 n, then per visible object in z-order: id, then a flag byte: bit
 *     0x01 when the transform is not the identity, then sx, sy, tx, ty as
 *     IEEE doubles; bit 0x02 when amend records changed the object, then
 *     u8 the properties changed and the latest of each: u64 rgba, double
 *     width, u64 length and text, double z (a board nobody amended
 *     digests as before amend records existed)
 *   u64 n, then per chat message in order: id
 *   u64 n, then per author with a profile, by key: key, u64 rgba,
 *     u64 name length, name
 * integers little-endian. */
static void
compute_digest (TafelBoardModel *self,
                TafelHash       *digest)
{
  static const char tag[] = "tafel-board-state-1";
  g_autofree DigestWriter *w = g_new0 (DigestWriter, 1);
  g_autoptr(GPtrArray) profiles = g_ptr_array_new ();
  GListModel *chat = G_LIST_MODEL (self->chat);
  guint n_chat = g_list_model_get_n_items (chat);

  tafel_hash_init (&w->state, NULL, 0);
  digest_put (w, tag, sizeof tag);

  digest_put_u64 (w, self->n_visible);
  for (guint r = 0; r < self->zorder->len; r++)
    {
      const TafelObject *object = object_at (self, g_array_index (self->zorder, guint32, r));
      const TafelTransform *t;
      guint8 flag;

      if (!(object->flags & OBJECT_VISIBLE))
        continue;

      digest_put (w, object->id.bytes, TAFEL_HASH_BYTES);
      t = object_transform (object);
      flag = transform_equal (t, &identity_transform) ? 0 : 1;
      if (object->ops != NULL && object->ops->n_am > 0)
        flag |= 2;
      digest_put (w, &flag, 1);
      if (flag & 1)
        {
          digest_put_double (w, t->sx);
          digest_put_double (w, t->sy);
          digest_put_double (w, t->tx);
          digest_put_double (w, t->ty);
        }
      if (flag & 2)
        {
          const AmEntry *color = object_amendment (object, TAFEL_AMEND_COLOR);
          const AmEntry *width = object_amendment (object, TAFEL_AMEND_WIDTH);
          const AmEntry *text = object_amendment (object, TAFEL_AMEND_TEXT);
          const AmEntry *z = object_amendment (object, TAFEL_AMEND_Z);
          guint8 fields = (color != NULL ? TAFEL_AMEND_COLOR : 0) | (width != NULL ? TAFEL_AMEND_WIDTH : 0) |
                          (text != NULL ? TAFEL_AMEND_TEXT : 0) | (z != NULL ? TAFEL_AMEND_Z : 0);

          digest_put (w, &fields, 1);
          if (color != NULL)
            digest_put_u64 (w, color->rgba);
          if (width != NULL)
            digest_put_double (w, width->width);
          if (text != NULL)
            {
              digest_put_u64 (w, strlen (text->text));
              digest_put (w, text->text, strlen (text->text));
            }
          if (z != NULL)
            digest_put_double (w, z->z);
        }
    }

  digest_put_u64 (w, n_chat);
  for (guint i = 0; i < n_chat; i++)
    {
      g_autoptr(TafelChatMessage) message = g_list_model_get_item (chat, i);

      digest_put (w, tafel_chat_message_get_id (message), TAFEL_HASH_BYTES);
    }

  for (guint i = 0; i < self->authors->len; i++)
    if (((AuthorInfo *) g_ptr_array_index (self->authors, i))->has_profile)
      g_ptr_array_add (profiles, g_ptr_array_index (self->authors, i));
  g_ptr_array_sort (profiles, compare_authors_by_key);

  digest_put_u64 (w, profiles->len);
  for (guint i = 0; i < profiles->len; i++)
    {
      const AuthorInfo *info = g_ptr_array_index (profiles, i);
      gsize name_len = info->profile_name != NULL ? strlen (info->profile_name) : 0;

      digest_put (w, info->key.bytes, TAFEL_PUBLIC_KEY_BYTES);
      digest_put_u64 (w, info->profile_rgba);
      digest_put_u64 (w, name_len);
      if (name_len > 0)
        digest_put (w, info->profile_name, name_len);
    }

  tafel_hash_update (&w->state, w->buf, w->len);
  tafel_hash_final (&w->state, digest->bytes, TAFEL_HASH_BYTES);
}

/**
 * tafel_board_model_get_digest:
 * @self: a model
 * @digest: (out): the digest
 *
 * A BLAKE2b-256 hash of the canonical visible state: the visible objects in
 * z-order with their transforms, the chat messages in order and the
 * profiles by author. Two models whose logs hold the same records report
 * the same digest, whatever order the records arrived in. Computed when
 * first asked after a change, then kept.
 */
void
tafel_board_model_get_digest (TafelBoardModel *self,
                              TafelHash       *digest)
{
  g_return_if_fail (TAFEL_IS_BOARD_MODEL (self));
  g_return_if_fail (digest != NULL);

  if (!self->digest_valid)
    {
      compute_digest (self, &self->digest);
      self->digest_valid = TRUE;
    }

  *digest = self->digest;
}
