/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "tafel-core.h"
#include "tafel-sealer.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The payloads anyone can put on an MQTT broker's topic or on the LAN
 * beacon's port: both are opened by a TafelSealer with the board's key.
 * The input is opened as it arrives (what does not open is dropped, with
 * nothing read past the authentication) and, so that the fuzzer also
 * reaches past the AEAD, sealed by one sealer and opened by another with
 * the same key: the body comes back exactly, once (a replay is dropped). */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const gsize mqtt_buckets[] = { 256, 1024, 4096, 0 };
  /* As tafel-lan-beacon.c sizes them (its header is 21 bytes). */
  static const gsize lan_buckets[] = { 256 - 21, 640 - 21, 1232 - 21, 0 };
  static gboolean initialised;
  guint8 key[TAFEL_KEY_BYTES];

  if (!initialised)
    {
      if (!tafel_core_init (NULL))
        g_error ("libsodium did not initialise");
      initialised = TRUE;
    }
  memset (key, 7, sizeof key);

  for (guint medium = 0; medium < 2; medium++)
    {
      const gsize *buckets = medium == 0 ? mqtt_buckets : lan_buckets;
      g_autoptr(TafelSealer) from = tafel_sealer_new (key, medium == 0 ? "mqtt" : "lan", buckets);
      g_autoptr(TafelSealer) to = tafel_sealer_new (key, medium == 0 ? "mqtt" : "lan", buckets);
      g_autoptr(GBytes) raw = tafel_sealer_open (to, data, size);
      g_autoptr(GBytes) body = g_bytes_new (data, size);
      g_autoptr(GBytes) sealed = tafel_sealer_seal (from, body);

      if (raw != NULL)
        g_error ("Bytes not sealed with the key opened");
      if (sealed == NULL)
        {
          if (size <= tafel_sealer_get_max_body (from))
            g_error ("A body within the limit was not sealed");
          continue;
        }
      {
        g_autoptr(GBytes) opened = tafel_sealer_open (to, g_bytes_get_data (sealed, NULL),
                                                      g_bytes_get_size (sealed));
        g_autoptr(GBytes) again = tafel_sealer_open (to, g_bytes_get_data (sealed, NULL),
                                                     g_bytes_get_size (sealed));

        if (opened == NULL || !g_bytes_equal (opened, body))
          g_error ("A sealed body did not open to itself");
        if (again != NULL)
          g_error ("A replayed message opened twice");
      }
    }
  return 0;
}
