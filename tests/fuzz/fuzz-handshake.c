/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "tafel-core.h"
#include "tafel-link-auth.h"
#include "tafel-link-private.h"
#include "tafel-signaling-hub.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The link handshake and the frames after it, from a peer that sends
 * anything. Link A (the one under test) and link B (the peer) do their
 * handshake in memory, without ICE. The first input byte says how far B
 * goes honestly before the rest of the input speaks:
 *   0  nothing: the input frames are A's HELLO, header, … as they come;
 *   1  B's HELLO: then the input frames (a stream header, sealed frames);
 *   2  B's HELLO and stream header: then the input frames are a type byte
 *      and a payload, sealed by B's real stream (an AUTH of any content,
 *      data before authenticating);
 *   3  the whole handshake: A is connected, then the input frames are
 *      sealed by B as in 2 (pings, goodbyes, refusals, unknown types, data).
 * The rest of the input is frames, each a 24-bit length (little endian)
 * and its bytes. Nothing may crash, hang or leak, and before B's own AUTH
 * nothing the input says authenticates A's peer: that needs B's identity
 * key and the board secret with this run's transcript. */

static TafelIdentity *id_a, *id_b;
static TafelSignalingHub *hub;
static TafelSignaling *sig_a, *sig_b;
static TafelLinkConfig *config;
static TafelLinkAuth *auth_a, *auth_b;

/* A refused peer is logged each time, and the fuzzer makes thousands a
 * second: only warnings and worse are shown. */
static GLogWriterOutput
quiet (GLogLevelFlags   level,
       const GLogField *fields,
       gsize            n_fields,
       gpointer         user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

/* The next message @link queued for the wire, without its length. */
static GBytes *
take (TafelLink *link)
{
  g_autoptr(GBytes) wire = g_queue_pop_head (&link->out_queue);
  gsize size;

  if (wire == NULL)
    g_error ("The link queued nothing");
  size = g_bytes_get_size (wire);
  link->out_queued -= size;
  return g_bytes_new_from_bytes (wire, 4, size - 4);
}

static void
give (TafelLink *link,
      GBytes    *frame)
{
  tafel_link_test_receive_frame (link, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(TafelLink) a = NULL;
  g_autoptr(TafelLink) b = NULL;
  g_autoptr(GBytes) hello_a = NULL;
  g_autoptr(GBytes) hello_b = NULL;
  guint mode;
  gsize off = 1;

  if (id_a == NULL)
    {
      guint8 board_id[TAFEL_BOARD_ID_BYTES];
      guint8 secret[TAFEL_BOARD_SECRET_BYTES];

      if (!tafel_core_init (NULL))
        g_error ("libsodium did not initialise");
      /* A failed check of the link's own API is a finding too. */
      g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      g_log_set_writer_func (quiet, NULL, NULL);
      memset (board_id, 1, sizeof board_id);
      memset (secret, 2, sizeof secret);
      id_a = tafel_identity_new_ephemeral ();
      id_b = tafel_identity_new_ephemeral ();
      hub = tafel_signaling_hub_new ();
      sig_a = tafel_signaling_hub_connect (hub, tafel_identity_get_public_key (id_a));
      sig_b = tafel_signaling_hub_connect (hub, tafel_identity_get_public_key (id_b));
      config = tafel_link_config_new ();
      auth_a = tafel_link_auth_new (board_id, secret, id_a);
      auth_b = tafel_link_auth_new (board_id, secret, id_b);
    }
  if (size < 1)
    return 0;
  mode = data[0] % 4;

  a = tafel_link_new (sig_a, config, auth_a, tafel_identity_get_public_key (id_b));
  b = tafel_link_new (sig_b, config, auth_b, tafel_identity_get_public_key (id_a));
  tafel_link_handshake_start (a);
  tafel_link_handshake_start (b);
  hello_a = take (a);
  hello_b = take (b);

  if (mode >= 1)
    give (a, hello_b);
  if (mode >= 2)
    {
      g_autoptr(GBytes) header = NULL;

      give (b, hello_a);
      header = take (b);
      give (a, header);
      if (a->phase != PHASE_AUTH)
        g_error ("An honest stream header was refused");
    }
  if (mode == 3)
    {
      g_autoptr(GBytes) auth = take (b);

      give (a, auth);
      if (tafel_link_get_state (a) != TAFEL_LINK_STATE_CONNECTED)
        g_error ("An honest handshake did not connect");
    }

  while (off + 3 <= size)
    {
      gsize len = data[off] | (data[off + 1] << 8) | ((gsize) data[off + 2] << 16);
      g_autoptr(GBytes) frame = NULL;

      off += 3;
      len = MIN (len, size - off);
      if (mode >= 2 && len >= 1 && b->push != NULL)
        {
          g_autoptr(GBytes) payload = g_bytes_new (data + off + 1, len - 1);
          g_autoptr(GBytes) wire = tafel_link_test_seal_frame (b, data[off], payload);

          frame = g_bytes_new_from_bytes (wire, 4, g_bytes_get_size (wire) - 4);
        }
      else
        frame = g_bytes_new (data + off, len);
      off += len;
      give (a, frame);
      if (mode < 3 && tafel_link_get_state (a) == TAFEL_LINK_STATE_CONNECTED)
        g_error ("A peer authenticated without its identity key");
    }
  /* What A sent, a refusal included, is still queued: dropped with it. */
  return 0;
}
