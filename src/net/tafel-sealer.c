/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-sealer.h"

#define VERSION          1
#define HEADER_BYTES     (1 + 16 + 8 + 8 + 2)
#define SEAL_BYTES       (TAFEL_AEAD_NONCE_BYTES + TAFEL_AEAD_TAG_BYTES)
#define REPLAY_WINDOW_MS (5 * 60 * 1000)
#define SEEN_MAX         4096
#define SEEN_KEY_BYTES   24
#define MAX_BUCKETS      8

G_STATIC_ASSERT (TAFEL_SEALER_OVERHEAD == HEADER_BYTES + SEAL_BYTES);

struct _TafelSealer
{
  guint8      key[TAFEL_KEY_BYTES];
  char       *context;
  gsize       buckets[MAX_BUCKETS];
  guint       n_buckets;
  guint8      instance[16];
  /* (sender ‖ message id) → arrival time in ms */
  GHashTable *seen;
};

static guint
seen_hash (gconstpointer key)
{
  guint h;

  /* The random message id is a good hash already. */
  memcpy (&h, (const guint8 *) key + 16, sizeof h);
  return h;
}

static gboolean
seen_equal (gconstpointer a,
            gconstpointer b)
{
  return memcmp (a, b, SEEN_KEY_BYTES) == 0;
}

TafelSealer *
tafel_sealer_new (const guint8  key[TAFEL_KEY_BYTES],
                  const char   *context,
                  const gsize  *buckets)
{
  TafelSealer *sealer = g_new0 (TafelSealer, 1);

  memcpy (sealer->key, key, TAFEL_KEY_BYTES);
  sealer->context = g_strdup (context);
  for (; *buckets != 0; buckets++)
    {
      g_assert (sealer->n_buckets < MAX_BUCKETS);
      g_assert (*buckets > TAFEL_SEALER_OVERHEAD);
      g_assert (sealer->n_buckets == 0 || *buckets > sealer->buckets[sealer->n_buckets - 1]);
      sealer->buckets[sealer->n_buckets++] = *buckets;
    }
  g_assert (sealer->n_buckets > 0);
  tafel_random_bytes (sealer->instance, sizeof sealer->instance);
  sealer->seen = g_hash_table_new_full (seen_hash, seen_equal, g_free, g_free);

  return sealer;
}

void
tafel_sealer_free (TafelSealer *sealer)
{
  if (sealer == NULL)
    return;
  tafel_memzero (sealer->key, sizeof sealer->key);
  g_free (sealer->context);
  g_hash_table_unref (sealer->seen);
  g_free (sealer);
}

gsize
tafel_sealer_get_max_body (TafelSealer *sealer)
{
  return sealer->buckets[sealer->n_buckets - 1] - TAFEL_SEALER_OVERHEAD;
}

const guint8 *
tafel_sealer_get_instance (TafelSealer *sealer)
{
  return sealer->instance;
}

GBytes *
tafel_sealer_seal (TafelSealer *sealer,
                   GBytes      *body)
{
  g_autofree guint8 *plain = NULL;
  gsize body_len = g_bytes_get_size (body);
  gsize bucket = 0, plain_len;
  guint64 timestamp;
  guint16 len16;

  for (guint i = 0; i < sealer->n_buckets; i++)
    if (body_len + TAFEL_SEALER_OVERHEAD <= sealer->buckets[i])
      {
        bucket = sealer->buckets[i];
        break;
      }
  if (bucket == 0)
    return NULL;

  plain_len = bucket - SEAL_BYTES;
  plain = g_malloc0 (plain_len);
  plain[0] = VERSION;
  memcpy (plain + 1, sealer->instance, sizeof sealer->instance);
  timestamp = GUINT64_TO_LE ((guint64) (g_get_real_time () / 1000));
  memcpy (plain + 17, &timestamp, sizeof timestamp);
  tafel_random_bytes (plain + 25, 8);
  len16 = GUINT16_TO_LE ((guint16) body_len);
  memcpy (plain + 33, &len16, sizeof len16);
  if (body_len > 0)
    memcpy (plain + HEADER_BYTES, g_bytes_get_data (body, NULL), body_len);

  return tafel_aead_seal (sealer->key, sealer->context, strlen (sealer->context), plain, plain_len);
}

static void
forget_old (TafelSealer *sealer,
            gint64       horizon)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, sealer->seen);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (*(gint64 *) value < horizon)
      g_hash_table_iter_remove (&iter);
}

/* Remembers (sender, message id); FALSE when it was seen before. The table
 * is bounded: what is past the replay window is forgotten first, since the
 * timestamp check refuses it anyway. */
static gboolean
remember (TafelSealer  *sealer,
          const guint8  key[SEEN_KEY_BYTES],
          gint64        now_ms)
{
  if (g_hash_table_contains (sealer->seen, key))
    return FALSE;

  if (g_hash_table_size (sealer->seen) >= SEEN_MAX)
    forget_old (sealer, now_ms - REPLAY_WINDOW_MS);
  if (g_hash_table_size (sealer->seen) >= SEEN_MAX)
    forget_old (sealer, now_ms - REPLAY_WINDOW_MS / 4);
  if (g_hash_table_size (sealer->seen) >= SEEN_MAX)
    g_hash_table_remove_all (sealer->seen);

  g_hash_table_insert (sealer->seen,
                       g_memdup2 (key, SEEN_KEY_BYTES),
                       g_memdup2 (&now_ms, sizeof now_ms));
  return TRUE;
}

GBytes *
tafel_sealer_open (TafelSealer   *sealer,
                   gconstpointer  data,
                   gsize          len)
{
  g_autoptr(GBytes) plain = NULL;
  const guint8 *p;
  gsize plain_len;
  guint64 timestamp_le;
  gint64 timestamp, now_ms;
  guint16 body_len;
  guint8 seen_key[SEEN_KEY_BYTES];

  plain = tafel_aead_open (sealer->key, sealer->context, strlen (sealer->context), data, len, NULL);
  if (plain == NULL)
    return NULL;

  p = g_bytes_get_data (plain, &plain_len);
  if (plain_len < HEADER_BYTES || p[0] != VERSION)
    return NULL;
  if (memcmp (p + 1, sealer->instance, sizeof sealer->instance) == 0)
    return NULL;

  memcpy (&timestamp_le, p + 17, sizeof timestamp_le);
  timestamp = (gint64) GUINT64_FROM_LE (timestamp_le);
  now_ms = g_get_real_time () / 1000;
  if (timestamp < now_ms - REPLAY_WINDOW_MS || timestamp > now_ms + REPLAY_WINDOW_MS)
    return NULL;

  memcpy (&body_len, p + 33, sizeof body_len);
  body_len = GUINT16_FROM_LE (body_len);
  if (body_len > plain_len - HEADER_BYTES)
    return NULL;

  memcpy (seen_key, p + 1, 16);
  memcpy (seen_key + 16, p + 25, 8);
  if (!remember (sealer, seen_key, now_ms))
    return NULL;

  return g_bytes_new_from_bytes (plain, HEADER_BYTES, body_len);
}
