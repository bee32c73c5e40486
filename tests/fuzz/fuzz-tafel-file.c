/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "tafel-board-private.h"
#include "tafel-core.h"
#include "tafel-log.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static gboolean
collect (TafelRecord *record,
         gpointer     user_data)
{
  g_byte_array_append (user_data, tafel_record_get_id (record)->bytes, TAFEL_HASH_BYTES);
  return TRUE;
}

static GBytes *
ids (TafelLog *log)
{
  GByteArray *out = g_byte_array_new ();

  tafel_log_foreach (log, collect, out);
  return g_byte_array_free_to_bytes (out);
}

static void
check (const uint8_t *data,
       size_t         size)
{
  g_auto(TafelBoardMeta) meta = { { 0 } };
  g_autoptr(TafelLog) log = NULL;

  log = tafel_board_file_parse (data, size, "input", &meta, NULL);
  if (log != NULL)
    {
      g_autoptr(GBytes) saved = tafel_board_file_serialize (&meta, log);
      g_auto(TafelBoardMeta) meta2 = { { 0 } };
      g_autoptr(TafelLog) log2 = tafel_board_file_parse (g_bytes_get_data (saved, NULL),
                                                         g_bytes_get_size (saved), "again", &meta2, NULL);
      g_autoptr(GBytes) a = NULL;
      g_autoptr(GBytes) b = NULL;

      if (log2 == NULL)
        g_error ("A loaded .tafel file does not load again once saved");
      a = ids (log);
      b = ids (log2);
      if (!g_bytes_equal (a, b) || g_strcmp0 (meta.title, meta2.title) != 0 ||
          memcmp (meta.id, meta2.id, sizeof meta.id) != 0 ||
          memcmp (meta.secret, meta2.secret, sizeof meta.secret) != 0)
        g_error ("A .tafel file changes when saved again");
    }
}

/* .tafel loading from untrusted bytes: whatever is accepted is saved and
 * read back to the same records and metadata. The input is tried as it is
 * and, so that the fuzzer reaches past the checksum, with a correct
 * checksum appended. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialised;
  g_autofree guint8 *sealed = g_malloc (size + TAFEL_HASH_BYTES);

  if (!initialised)
    {
      if (!tafel_core_init (NULL))
        g_error ("libsodium did not initialise");
      initialised = TRUE;
    }

  check (data, size);
  if (size > 0)
    memcpy (sealed, data, size);
  tafel_hash ((TafelHash *) (sealed + size), sealed, size);
  check (sealed, size + TAFEL_HASH_BYTES);
  return 0;
}
