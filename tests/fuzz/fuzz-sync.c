/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "tafel-core.h"
#include "tafel-sync.h"
#include "tafel-test-channel.h"
#include "tafel-test-util.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Sync frames from a peer that sends anything: the input is a sequence
 * of frames (a 24-bit length, little endian, then the frame: a RUN chunk
 * is up to 192 KiB) arriving on one
 * channel of a TafelSync that holds a few records. Nothing may crash,
 * hang or leak; the log keeps only what verifies. */

static TafelIdentity *author;
static GPtrArray *chain;

static void
on_failed (TafelSync            *sync,
           const TafelPublicKey *peer,
           const GError         *error,
           gboolean             *failed)
{
  *failed = TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(TafelLog) log = NULL;
  g_autoptr(TafelSync) sync = NULL;
  g_autoptr(TafelTestChannel) ours = NULL;
  g_autoptr(TafelTestChannel) theirs = NULL;
  TafelPublicKey peer;
  gboolean failed = FALSE;
  gsize off = 0;

  if (author == NULL)
    {
      if (!tafel_core_init (NULL))
        g_error ("libsodium did not initialise");
      author = tafel_identity_new_ephemeral ();
      chain = tafel_test_chain (author, 4, 1);
    }

  log = tafel_log_new ();
  if (!tafel_log_add_run (log, (TafelRecord **) chain->pdata, 2, NULL))
    g_error ("The seed records did not integrate");
  sync = tafel_sync_new (log);
  g_signal_connect (sync, "peer-failed", G_CALLBACK (on_failed), &failed);
  tafel_test_channel_new_pair (1024 * 1024, &ours, &theirs);
  memset (peer.bytes, 9, sizeof peer.bytes);
  tafel_sync_add_peer (sync, &peer, TAFEL_FRAME_CHANNEL (ours));

  while (off + 3 <= size && !failed)
    {
      gsize len = data[off] | (data[off + 1] << 8) | ((gsize) data[off + 2] << 16);
      g_autoptr(GBytes) frame = NULL;

      off += 3;
      len = MIN (len, size - off);
      frame = g_bytes_new (data + off, len);
      off += len;
      tafel_frame_channel_send (TAFEL_FRAME_CHANNEL (theirs), frame);
    }

  /* Until everything sent is delivered, verified and integrated (the
   * verifier threads report through the main context); a hang is a
   * finding, caught by libFuzzer's -timeout. */
  while (g_main_context_pending (NULL) || tafel_sync_is_busy (sync))
    g_main_context_iteration (NULL, TRUE);
  tafel_sync_remove_peer (sync, &peer);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return 0;
}
