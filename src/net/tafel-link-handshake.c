/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tafel-link-auth-private.h"
#include "tafel-link-private.h"

/* The link's handshake (see #TafelLink): HELLO in the clear, the session
 * keys from the two ephemeral keys and the board secret, then AUTH, the
 * first sealed frame each way, proving the secret and the identity. */

#define HELLO_MAGIC             "TAFL"
#define HELLO_BYTES             (4 + 1 + TAFEL_HASH_BYTES + TAFEL_KX_PUBLIC_BYTES)
#define AUTH_BYTES              (TAFEL_PUBLIC_KEY_BYTES + TAFEL_MAC_BYTES + TAFEL_SIGNATURE_BYTES)

static void
auth_transcript_mac (TafelLink            *self,
                     guint8                role,
                     const TafelPublicKey *identity,
                     guint8                mac[TAFEL_MAC_BYTES])
{
  guint8 input[4 + 1 + TAFEL_HASH_BYTES + TAFEL_PUBLIC_KEY_BYTES];

  memcpy (input, "auth", 4);
  input[4] = role;
  memcpy (input + 5, self->transcript, TAFEL_HASH_BYTES);
  memcpy (input + 5 + TAFEL_HASH_BYTES, identity->bytes, TAFEL_PUBLIC_KEY_BYTES);
  tafel_mac (mac, self->auth->mac_key, input, sizeof input);
}

static gsize
auth_signed_message (TafelLink            *self,
                     guint8                role,
                     const TafelPublicKey *identity,
                     const guint8          mac[TAFEL_MAC_BYTES],
                     guint8               *out)
{
  static const char label[] = "tafel-link-v1 auth";
  gsize n = 0;

  memcpy (out, label, sizeof label - 1);
  n += sizeof label - 1;
  out[n++] = role;
  memcpy (out + n, self->transcript, TAFEL_HASH_BYTES);
  n += TAFEL_HASH_BYTES;
  memcpy (out + n, identity->bytes, TAFEL_PUBLIC_KEY_BYTES);
  n += TAFEL_PUBLIC_KEY_BYTES;
  memcpy (out + n, mac, TAFEL_MAC_BYTES);
  n += TAFEL_MAC_BYTES;

  return n;
}

void
tafel_link_handshake_start (TafelLink *self)
{
  guint8 hello[HELLO_BYTES];

  tafel_kx_keypair (self->eph_public, self->eph_secret);
  self->phase = PHASE_HELLO;

  memcpy (hello, HELLO_MAGIC, 4);
  hello[4] = LINK_PROTOCOL_VERSION;
  memcpy (hello + 5, self->auth->board_tag, TAFEL_HASH_BYTES);
  memcpy (hello + 5 + TAFEL_HASH_BYTES, self->eph_public, TAFEL_KX_PUBLIC_BYTES);
  tafel_link_queue_plain (self, hello, sizeof hello);
}

static void
stream_key (TafelLink    *self,
            const guint8  kx_key[TAFEL_KEY_BYTES],
            guint8        out[TAFEL_KEY_BYTES])
{
  TafelHashState state;

  tafel_hash_init (&state, self->auth->stream_key, TAFEL_KEY_BYTES);
  tafel_hash_update (&state, kx_key, TAFEL_KEY_BYTES);
  tafel_hash_update (&state, self->transcript, TAFEL_HASH_BYTES);
  tafel_hash_final (&state, out, TAFEL_KEY_BYTES);
}

void
tafel_link_handshake_receive_hello (TafelLink    *self,
                                    const guint8 *data,
                                    gsize         len)
{
  const guint8 *their_eph;
  const guint8 *client_eph, *server_eph;
  guint8 rx[TAFEL_KEY_BYTES], tx[TAFEL_KEY_BYTES], push_key[TAFEL_KEY_BYTES];
  guint8 header[TAFEL_STREAM_HEADER_BYTES];
  guint8 auth[AUTH_BYTES];
  guint8 message[256];
  TafelHashState state;
  TafelSignature sig;
  const TafelPublicKey *identity = &self->auth->claimed;
  g_autoptr(GError) error = NULL;
  gsize message_len;
  guint8 version;
  int order;

  if (len < 5 || memcmp (data, HELLO_MAGIC, 4) != 0)
    {
      tafel_link_fail (self, TAFEL_LINK_ERROR_PROTOCOL,
                       _("The peer does not speak the Tafel link protocol"));
      return;
    }
  version = data[4];
  if (version != LINK_PROTOCOL_VERSION || len != HELLO_BYTES)
    {
      tafel_link_fail (self, TAFEL_LINK_ERROR_PROTOCOL,
                       _("The peer speaks version %u of the link protocol; this is version %u"),
                       version, LINK_PROTOCOL_VERSION);
      return;
    }
  if (!tafel_memequal (data + 5, self->auth->board_tag, TAFEL_HASH_BYTES))
    {
      tafel_link_fail (self, TAFEL_LINK_ERROR_WRONG_BOARD, _("The peer is on another board"));
      return;
    }

  their_eph = data + 5 + TAFEL_HASH_BYTES;
  order = memcmp (self->eph_public, their_eph, TAFEL_KX_PUBLIC_BYTES);
  if (order == 0)
    {
      tafel_link_fail (self, TAFEL_LINK_ERROR_PROTOCOL, _("The peer echoed our own handshake"));
      return;
    }
  self->kx_client = order < 0;
  client_eph = self->kx_client ? self->eph_public : their_eph;
  server_eph = self->kx_client ? their_eph : self->eph_public;

  if (!tafel_kx_session_keys (self->kx_client, self->eph_public, self->eph_secret, their_eph,
                              rx, tx, &error))
    {
      tafel_link_fail (self, TAFEL_LINK_ERROR_PROTOCOL, "%s", error->message);
      return;
    }
  tafel_memzero (self->eph_secret, sizeof self->eph_secret);

  tafel_hash_init (&state, NULL, 0);
  tafel_hash_update (&state, "tafel-link-v1", strlen ("tafel-link-v1"));
  tafel_hash_update (&state, &version, 1);
  tafel_hash_update (&state, self->auth->board_id, TAFEL_BOARD_ID_BYTES);
  tafel_hash_update (&state, client_eph, TAFEL_KX_PUBLIC_BYTES);
  tafel_hash_update (&state, server_eph, TAFEL_KX_PUBLIC_BYTES);
  tafel_hash_final (&state, self->transcript, TAFEL_HASH_BYTES);

  stream_key (self, tx, push_key);
  stream_key (self, rx, self->pull_key);
  tafel_memzero (rx, sizeof rx);
  tafel_memzero (tx, sizeof tx);

  self->push = tafel_stream_new_push (push_key, header);
  tafel_memzero (push_key, sizeof push_key);
  tafel_link_queue_plain (self, header, sizeof header);

  memcpy (auth, identity->bytes, TAFEL_PUBLIC_KEY_BYTES);
  auth_transcript_mac (self, self->kx_client ? 'C' : 'S', identity, auth + TAFEL_PUBLIC_KEY_BYTES);
  message_len = auth_signed_message (self, self->kx_client ? 'C' : 'S', identity,
                                     auth + TAFEL_PUBLIC_KEY_BYTES, message);
  g_assert (message_len <= sizeof message);
  tafel_identity_sign (self->auth->identity, &sig, message, message_len);
  memcpy (auth + TAFEL_PUBLIC_KEY_BYTES + TAFEL_MAC_BYTES, sig.bytes, TAFEL_SIGNATURE_BYTES);
  tafel_link_queue_sealed (self, FRAME_AUTH, auth, sizeof auth);

  self->phase = PHASE_HEADER;
}

void
tafel_link_handshake_receive_header (TafelLink    *self,
                                     const guint8 *data,
                                     gsize         len)
{
  g_autoptr(GError) error = NULL;

  if (len != TAFEL_STREAM_HEADER_BYTES)
    {
      tafel_link_fail (self, TAFEL_LINK_ERROR_PROTOCOL,
                       _("The peer sent a malformed stream header"));
      return;
    }

  self->pull = tafel_stream_new_pull (self->pull_key, data, &error);
  tafel_memzero (self->pull_key, sizeof self->pull_key);
  if (self->pull == NULL)
    {
      tafel_link_fail (self, TAFEL_LINK_ERROR_PROTOCOL, "%s", error->message);
      return;
    }
  self->phase = PHASE_AUTH;
}

void
tafel_link_handshake_receive_auth (TafelLink    *self,
                                   const guint8 *data,
                                   gsize         len)
{
  TafelPublicKey identity;
  TafelSignature sig;
  guint8 role = self->kx_client ? 'S' : 'C';
  guint8 message[256];
  gsize message_len;

  if (len != AUTH_BYTES)
    {
      tafel_link_fail (self, TAFEL_LINK_ERROR_PROTOCOL, _("The peer sent a malformed handshake"));
      return;
    }

  memcpy (identity.bytes, data, TAFEL_PUBLIC_KEY_BYTES);
  {
    guint8 expected[TAFEL_MAC_BYTES];

    auth_transcript_mac (self, role, &identity, expected);
    if (!tafel_memequal (expected, data + TAFEL_PUBLIC_KEY_BYTES, TAFEL_MAC_BYTES))
      {
        tafel_link_fail (self, TAFEL_LINK_ERROR_WRONG_SECRET,
                         _("The peer does not know the board secret"));
        return;
      }
  }

  if (memcmp (identity.bytes, self->remote_key.bytes, TAFEL_PUBLIC_KEY_BYTES) != 0)
    {
      tafel_link_fail (self, TAFEL_LINK_ERROR_WRONG_PEER,
                       _("A different identity than the expected peer answered"));
      return;
    }

  memcpy (sig.bytes, data + TAFEL_PUBLIC_KEY_BYTES + TAFEL_MAC_BYTES, TAFEL_SIGNATURE_BYTES);
  message_len = auth_signed_message (self, role, &identity, data + TAFEL_PUBLIC_KEY_BYTES, message);
  if (!tafel_verify (&sig, &identity, message, message_len))
    {
      tafel_link_fail (self, TAFEL_LINK_ERROR_BAD_SIGNATURE,
                       _("The peer’s identity signature is not valid: it is not who it claims to be"));
      return;
    }

  self->phase = PHASE_OPEN;
  tafel_link_authenticated (self);
}