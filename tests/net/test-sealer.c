/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-sealer.h"
#include "tafel-test-util.h"

static const gsize buckets[] = { 128, 512, 0 };

static TafelSealer *
new_sealer (const guint8 *key)
{
  return tafel_sealer_new (key, "test-context", buckets);
}

static GBytes *
text (const char *s)
{
  return g_bytes_new (s, strlen (s));
}

static void
test_round_trip_and_buckets (void)
{
  guint8 key[TAFEL_KEY_BYTES];
  g_autoptr(TafelSealer) alice = NULL;
  g_autoptr(TafelSealer) bob = NULL;

  tafel_random_bytes (key, sizeof key);
  alice = new_sealer (key);
  bob = new_sealer (key);

  g_assert_cmpuint (tafel_sealer_get_max_body (alice), ==, 512 - TAFEL_SEALER_OVERHEAD);

  for (gsize len = 0; len <= tafel_sealer_get_max_body (alice); len += 7)
    {
      g_autofree guint8 *data = g_malloc (len + 1);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GBytes) sealed = NULL;
      g_autoptr(GBytes) opened = NULL;

      tafel_random_bytes (data, len);
      body = g_bytes_new (data, len);
      sealed = tafel_sealer_seal (alice, body);
      g_assert_nonnull (sealed);
      /* Only the bucket sizes ever show on the wire. */
      g_assert_true (g_bytes_get_size (sealed) == 128 || g_bytes_get_size (sealed) == 512);
      g_assert_true (len + TAFEL_SEALER_OVERHEAD > 128 || g_bytes_get_size (sealed) == 128);
      opened = tafel_sealer_open (bob, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
      g_assert_nonnull (opened);
      g_assert_true (g_bytes_equal (opened, body));
    }

  {
    g_autofree guint8 *big = g_malloc0 (tafel_sealer_get_max_body (alice) + 1);
    g_autoptr(GBytes) too_big = g_bytes_new (big, tafel_sealer_get_max_body (alice) + 1);
    g_autoptr(GBytes) none = tafel_sealer_seal (alice, too_big);
    g_assert_null (none);
  }
}

static void
test_drops (void)
{
  guint8 key[TAFEL_KEY_BYTES], other_key[TAFEL_KEY_BYTES];
  g_autoptr(TafelSealer) alice = NULL;
  g_autoptr(TafelSealer) bob = NULL;
  g_autoptr(TafelSealer) mallory = NULL;
  g_autoptr(TafelSealer) other_context = NULL;
  g_autoptr(GBytes) body = text ("hello");
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GBytes) echo = NULL;
  g_autoptr(GBytes) foreign = NULL;
  g_autoptr(GBytes) wrong_context = NULL;
  g_autofree guint8 *flipped = NULL;
  gsize len;

  tafel_random_bytes (key, sizeof key);
  tafel_random_bytes (other_key, sizeof other_key);
  alice = new_sealer (key);
  bob = new_sealer (key);
  mallory = new_sealer (other_key);
  other_context = tafel_sealer_new (key, "another-context", buckets);

  sealed = tafel_sealer_seal (alice, body);
  len = g_bytes_get_size (sealed);

  /* Alice does not hear her own echo. */
  echo = tafel_sealer_open (alice, g_bytes_get_data (sealed, NULL), len);
  g_assert_null (echo);

  /* A key that is not the board's, or the same key in another context,
   * opens nothing. */
  foreign = tafel_sealer_open (mallory, g_bytes_get_data (sealed, NULL), len);
  g_assert_null (foreign);
  wrong_context = tafel_sealer_open (other_context, g_bytes_get_data (sealed, NULL), len);
  g_assert_null (wrong_context);

  /* Any flipped bit is caught. */
  flipped = g_memdup2 (g_bytes_get_data (sealed, NULL), len);
  for (gsize i = 0; i < len; i += 13)
    {
      g_autoptr(GBytes) tampered = NULL;

      flipped[i] ^= 0x01;
      tampered = tafel_sealer_open (bob, flipped, len);
      g_assert_null (tampered);
      flipped[i] ^= 0x01;
    }

  /* Truncation and garbage. */
  g_assert_null (tafel_sealer_open (bob, g_bytes_get_data (sealed, NULL), 10));
  g_assert_null (tafel_sealer_open (bob, "", 0));

  /* The genuine message opens once; the replay is dropped. */
  opened = tafel_sealer_open (bob, g_bytes_get_data (sealed, NULL), len);
  g_assert_nonnull (opened);
  g_assert_true (g_bytes_equal (opened, body));
  again = tafel_sealer_open (bob, g_bytes_get_data (sealed, NULL), len);
  g_assert_null (again);
}

static void
test_many_distinct_messages (void)
{
  guint8 key[TAFEL_KEY_BYTES];
  g_autoptr(TafelSealer) alice = NULL;
  g_autoptr(TafelSealer) bob = NULL;
  g_autoptr(GBytes) body = text ("same body every time");
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  tafel_random_bytes (key, sizeof key);
  alice = new_sealer (key);
  bob = new_sealer (key);

  /* Equal bodies sent in the same millisecond are still distinct messages,
   * and the replay memory stays bounded past its capacity. */
  for (guint i = 0; i < 10000; i++)
    {
      g_autoptr(GBytes) sealed = tafel_sealer_seal (alice, body);
      g_autoptr(GBytes) opened = tafel_sealer_open (bob, g_bytes_get_data (sealed, NULL),
                                                    g_bytes_get_size (sealed));
      g_assert_nonnull (opened);
      if (i % 1000 == 999)
        g_ptr_array_add (kept, g_steal_pointer (&sealed));
    }

  /* The most recent one is still remembered. */
  {
    GBytes *last = kept->pdata[kept->len - 1];
    g_autoptr(GBytes) replay = tafel_sealer_open (bob, g_bytes_get_data (last, NULL), g_bytes_get_size (last));
    g_assert_null (replay);
  }
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/sealer/round-trip-and-buckets", test_round_trip_and_buckets);
  g_test_add_func ("/tafel/sealer/drops", test_drops);
  g_test_add_func ("/tafel/sealer/many-distinct-messages", test_many_distinct_messages);

  return g_test_run ();
}
