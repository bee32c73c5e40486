/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "tafel-crypto.h"

G_STATIC_ASSERT (TAFEL_HASH_BYTES == crypto_generichash_BYTES);
G_STATIC_ASSERT (TAFEL_PUBLIC_KEY_BYTES == crypto_sign_PUBLICKEYBYTES);
G_STATIC_ASSERT (TAFEL_SECRET_KEY_BYTES == crypto_sign_SECRETKEYBYTES);
G_STATIC_ASSERT (TAFEL_SIGNATURE_BYTES == crypto_sign_BYTES);
G_STATIC_ASSERT (TAFEL_KEY_BYTES == crypto_kdf_KEYBYTES);
G_STATIC_ASSERT (TAFEL_KEY_BYTES == crypto_generichash_KEYBYTES);
G_STATIC_ASSERT (TAFEL_KX_PUBLIC_BYTES == crypto_kx_PUBLICKEYBYTES);
G_STATIC_ASSERT (TAFEL_KX_SECRET_BYTES == crypto_kx_SECRETKEYBYTES);
G_STATIC_ASSERT (TAFEL_KEY_BYTES == crypto_kx_SESSIONKEYBYTES);
G_STATIC_ASSERT (TAFEL_KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
G_STATIC_ASSERT (TAFEL_AEAD_NONCE_BYTES == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
G_STATIC_ASSERT (TAFEL_AEAD_TAG_BYTES == crypto_aead_xchacha20poly1305_ietf_ABYTES);
G_STATIC_ASSERT (TAFEL_KEY_BYTES == crypto_secretstream_xchacha20poly1305_KEYBYTES);
G_STATIC_ASSERT (TAFEL_STREAM_HEADER_BYTES == crypto_secretstream_xchacha20poly1305_HEADERBYTES);
G_STATIC_ASSERT (TAFEL_STREAM_ABYTES == crypto_secretstream_xchacha20poly1305_ABYTES);
G_STATIC_ASSERT (TAFEL_SEAL_OVERHEAD_BYTES == crypto_box_SEALBYTES);
G_STATIC_ASSERT (TAFEL_KX_PUBLIC_BYTES == crypto_box_PUBLICKEYBYTES);
G_STATIC_ASSERT (TAFEL_KX_SECRET_BYTES == crypto_box_SECRETKEYBYTES);

G_DEFINE_QUARK (tafel-crypto-error-quark, tafel_crypto_error)

struct _TafelStream
{
  crypto_secretstream_xchacha20poly1305_state state;
};

static void
ensure_sodium (void)
{
  /* Idempotent and thread-safe; the core calls it in tafel_core_init() too,
   * but library users such as tests may reach crypto first. */
  if (G_UNLIKELY (sodium_init () < 0))
    g_error ("libsodium could not be initialised");
}

void
tafel_random_bytes (guint8 *buf,
                    gsize   len)
{
  ensure_sodium ();
  randombytes_buf (buf, len);
}

guint32
tafel_random_uniform (guint32 upper_bound)
{
  ensure_sodium ();
  return randombytes_uniform (upper_bound);
}

void
tafel_memzero (gpointer buf,
               gsize    len)
{
  sodium_memzero (buf, len);
}

gboolean
tafel_memequal (gconstpointer a,
                gconstpointer b,
                gsize         len)
{
  return sodium_memcmp (a, b, len) == 0;
}

void
tafel_hash (TafelHash     *out,
            gconstpointer  data,
            gsize          len)
{
  if (crypto_generichash (out->bytes, sizeof out->bytes, data, len, NULL, 0) != 0)
    g_error ("BLAKE2b failed");
}

guint64
tafel_checksum (gconstpointer data,
                gsize         len)
{
  static const guint8 key[crypto_shorthash_siphash24_KEYBYTES] = "tafel checksum!";
  guint8 out[crypto_shorthash_siphash24_BYTES];

  G_STATIC_ASSERT (sizeof out == sizeof (guint64));
  if (crypto_shorthash_siphash24 (out, data, len, key) != 0)
    g_error ("SipHash failed");
  return GUINT64_FROM_LE (*(const guint64 *) out);
}

G_STATIC_ASSERT (sizeof (TafelHashState) >= sizeof (crypto_generichash_state));

void
tafel_hash_init (TafelHashState *state,
                 const guint8   *key,
                 gsize           key_len)
{
  if (crypto_generichash_init ((crypto_generichash_state *) state->opaque,
                               key, key_len, crypto_generichash_BYTES) != 0)
    g_error ("BLAKE2b failed");
}

void
tafel_hash_update (TafelHashState *state,
                   gconstpointer   data,
                   gsize           len)
{
  if (crypto_generichash_update ((crypto_generichash_state *) state->opaque, data, len) != 0)
    g_error ("BLAKE2b failed");
}

void
tafel_hash_final (TafelHashState *state,
                  guint8         *out,
                  gsize           out_len)
{
  g_assert (out_len == crypto_generichash_BYTES);
  if (crypto_generichash_final ((crypto_generichash_state *) state->opaque, out, out_len) != 0)
    g_error ("BLAKE2b failed");
}

gboolean
tafel_hash_equal (const TafelHash *a,
                  const TafelHash *b)
{
  /* Hashes are public identifiers, so an ordinary comparison is fine. */
  return memcmp (a->bytes, b->bytes, TAFEL_HASH_BYTES) == 0;
}

G_STATIC_ASSERT (sizeof (TafelHash) == sizeof (TafelPublicKey));

/**
 * tafel_key_hash:
 * @key: a #TafelPublicKey or a #TafelHash
 *
 * A #GHashFunc for tables keyed by public keys or record ids. Both are
 * uniformly random bytes, so their first four bytes are a good hash.
 *
 * Returns: the hash of @key
 */
guint
tafel_key_hash (gconstpointer key)
{
  guint32 h;

  memcpy (&h, key, sizeof h);
  return h;
}

/**
 * tafel_key_equal:
 * @a: a #TafelPublicKey or a #TafelHash
 * @b: another of the same type
 *
 * A #GEqualFunc to go with tafel_key_hash().
 *
 * Returns: whether @a and @b are the same key
 */
gboolean
tafel_key_equal (gconstpointer a,
                 gconstpointer b)
{
  return memcmp (a, b, sizeof (TafelPublicKey)) == 0;
}

int
tafel_hash_compare (const TafelHash *a,
                    const TafelHash *b)
{
  return memcmp (a->bytes, b->bytes, TAFEL_HASH_BYTES);
}

/**
 * tafel_hash_to_hex:
 * @hash: a hash
 *
 * Returns: (transfer full): @hash in lowercase hex
 */
char *
tafel_hash_to_hex (const TafelHash *hash)
{
  g_return_val_if_fail (hash != NULL, NULL);

  return tafel_hex_encode (hash->bytes, TAFEL_HASH_BYTES);
}

/**
 * tafel_hex_encode:
 * @data: (array length=len): bytes
 * @len: how many
 *
 * Writes @data as lowercase hex, two digits a byte, in time that does not
 * depend on the bytes (board secrets are written this way).
 *
 * Returns: (transfer full): the hex text, NUL-terminated
 */
char *
tafel_hex_encode (gconstpointer data,
                  gsize         len)
{
  char *hex;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (len < G_MAXSIZE / 2, NULL);

  hex = g_malloc (len * 2 + 1);
  sodium_bin2hex (hex, len * 2 + 1, data, len);
  return hex;
}

/**
 * tafel_hex_decode:
 * @hex: (nullable): lowercase hex text
 * @hex_len: its length in bytes, or -1 when it is NUL-terminated
 * @out: (array length=len): where the bytes go
 * @len: how many bytes @hex must hold
 *
 * Reads exactly @len bytes from @hex, which must be 2 · @len lowercase hex
 * digits and nothing else: one spelling for each id. @out may be partly
 * written when this fails.
 *
 * Returns: %FALSE when @hex is %NULL or not such digits
 */
gboolean
tafel_hex_decode (const char *hex,
                  gssize      hex_len,
                  guint8     *out,
                  gsize       len)
{
  g_return_val_if_fail (out != NULL || len == 0, FALSE);

  if (hex == NULL)
    return FALSE;
  if (hex_len < 0)
    hex_len = strlen (hex);
  if ((gsize) hex_len != len * 2)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (hi < 0 || lo < 0 || g_ascii_isupper (hex[2 * i]) || g_ascii_isupper (hex[2 * i + 1]))
        return FALSE;
      out[i] = (guint8) (hi << 4 | lo);
    }

  return TRUE;
}

/**
 * tafel_public_key_to_short_hex:
 * @key: a public key
 * @buf: (out caller-allocates): TAFEL_PUBLIC_KEY_SHORT_HEX_SIZE bytes
 *
 * The first four bytes of @key in lowercase hex, the short name of a peer
 * in traces and logs.
 *
 * Returns: (transfer none): @buf
 */
const char *
tafel_public_key_to_short_hex (const TafelPublicKey *key,
                               char                  buf[TAFEL_PUBLIC_KEY_SHORT_HEX_SIZE])
{
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (buf != NULL, NULL);

  sodium_bin2hex (buf, TAFEL_PUBLIC_KEY_SHORT_HEX_SIZE, key->bytes, (TAFEL_PUBLIC_KEY_SHORT_HEX_SIZE - 1) / 2);
  return buf;
}

void
tafel_mac (guint8        out[TAFEL_MAC_BYTES],
           const guint8  key[TAFEL_KEY_BYTES],
           gconstpointer data,
           gsize         len)
{
  if (crypto_generichash (out, TAFEL_MAC_BYTES, data, len, key, TAFEL_KEY_BYTES) != 0)
    g_error ("BLAKE2b failed");
}

void
tafel_derive_key (guint8        out[TAFEL_KEY_BYTES],
                  const guint8  root[TAFEL_KEY_BYTES],
                  const char   *context,
                  guint64       subkey_id)
{
  g_assert (strlen (context) == crypto_kdf_CONTEXTBYTES);
  if (crypto_kdf_derive_from_key (out, TAFEL_KEY_BYTES, subkey_id, context, root) != 0)
    g_error ("key derivation failed");
}

void
tafel_hash_sized (guint8        *out,
                  gsize          out_len,
                  const guint8  *key,
                  gsize          key_len,
                  gconstpointer  data,
                  gsize          len)
{
  g_assert (out_len >= crypto_generichash_BYTES_MIN && out_len <= crypto_generichash_BYTES_MAX);
  g_assert (key == NULL || (key_len >= crypto_generichash_KEYBYTES_MIN &&
                            key_len <= crypto_generichash_KEYBYTES_MAX));
  if (crypto_generichash (out, out_len, data, len, key, key != NULL ? key_len : 0) != 0)
    g_error ("BLAKE2b failed");
}

/**
 * tafel_public_key_is_valid:
 * @public_key: an Ed25519 public key
 *
 * Whether @public_key is a canonical point of the main subgroup, as every
 * key made by an honest Ed25519 implementation is: low-order points and
 * other encodings that no key pair has are refused.
 *
 * Returns: %TRUE for a usable key
 */
gboolean
tafel_public_key_is_valid (const TafelPublicKey *public_key)
{
  ensure_sodium ();
  return crypto_core_ed25519_is_valid_point (public_key->bytes) == 1;
}

/**
 * tafel_seal_to_public_key:
 * @out: (out caller-allocates): @len + TAFEL_SEAL_OVERHEAD_BYTES bytes
 * @recipient: the Ed25519 key of whoever may open it
 * @plain: (array length=len): what to seal
 * @len: its length
 * @error: return location for a #GError
 *
 * Seals @plain anonymously (crypto_box_seal) to the X25519 form of
 * @recipient. Fails with %TAFEL_CRYPTO_ERROR_BAD_KEY when @recipient is no
 * valid Ed25519 key.
 *
 * Returns: %TRUE when sealed
 */
gboolean
tafel_seal_to_public_key (guint8               *out,
                          const TafelPublicKey *recipient,
                          gconstpointer         plain,
                          gsize                 len,
                          GError              **error)
{
  guint8 x_public[crypto_box_PUBLICKEYBYTES];

  /* The conversion refuses points off the curve, of small order or
   * outside the main subgroup. */
  ensure_sodium ();
  if (crypto_sign_ed25519_pk_to_curve25519 (x_public, recipient->bytes) != 0)
    {
      g_set_error_literal (error, TAFEL_CRYPTO_ERROR, TAFEL_CRYPTO_ERROR_BAD_KEY,
                           "The recipient’s key is not a valid Ed25519 public key");
      return FALSE;
    }
  if (crypto_box_seal (out, plain, len, x_public) != 0)
    g_error ("crypto_box_seal failed");

  return TRUE;
}

/**
 * tafel_seal_open:
 * @out: (out caller-allocates): @len - TAFEL_SEAL_OVERHEAD_BYTES bytes
 * @secret_key: the recipient's Ed25519 secret key (seed and public key)
 * @sealed: (array length=len): what tafel_seal_to_public_key() made
 * @len: its length
 * @error: return location for a #GError
 *
 * Opens a sealed box with the X25519 form of @secret_key. Fails with
 * %TAFEL_CRYPTO_ERROR_DECRYPT when it was sealed to another key, altered
 * or cut short; @out is then untouched.
 *
 * Returns: %TRUE when opened
 */
gboolean
tafel_seal_open (guint8         *out,
                 const guint8    secret_key[TAFEL_SECRET_KEY_BYTES],
                 gconstpointer   sealed,
                 gsize           len,
                 GError        **error)
{
  guint8 x_public[crypto_box_PUBLICKEYBYTES];
  guint8 x_secret[crypto_box_SECRETKEYBYTES];
  g_autofree guint8 *plain = NULL;
  gboolean ok;

  ensure_sodium ();
  if (len < crypto_box_SEALBYTES)
    {
      g_set_error_literal (error, TAFEL_CRYPTO_ERROR, TAFEL_CRYPTO_ERROR_DECRYPT,
                           "The sealed message is too short");
      return FALSE;
    }
  /* libsodium keeps the public key in the second half of the secret key. */
  if (crypto_sign_ed25519_pk_to_curve25519 (x_public, secret_key + crypto_sign_SEEDBYTES) != 0 ||
      crypto_sign_ed25519_sk_to_curve25519 (x_secret, secret_key) != 0)
    {
      g_set_error_literal (error, TAFEL_CRYPTO_ERROR, TAFEL_CRYPTO_ERROR_BAD_KEY,
                           "The secret key has no X25519 form");
      return FALSE;
    }

  /* Opened into a scratch buffer first, so that a failure leaves @out as it was. */
  plain = g_malloc (len - crypto_box_SEALBYTES + 1);
  ok = crypto_box_seal_open (plain, sealed, len, x_public, x_secret) == 0;
  sodium_memzero (x_secret, sizeof x_secret);
  if (!ok)
    {
      g_set_error_literal (error, TAFEL_CRYPTO_ERROR, TAFEL_CRYPTO_ERROR_DECRYPT,
                           "The sealed message was not sealed to this key, or was altered");
      return FALSE;
    }

  memcpy (out, plain, len - crypto_box_SEALBYTES);
  sodium_memzero (plain, len - crypto_box_SEALBYTES);
  return TRUE;
}

void
tafel_sign_keypair (TafelPublicKey *public_key,
                    guint8          secret_key[TAFEL_SECRET_KEY_BYTES])
{
  ensure_sodium ();
  if (crypto_sign_keypair (public_key->bytes, secret_key) != 0)
    g_error ("Ed25519 key generation failed");
}

void
tafel_sign_seed_keypair (TafelPublicKey *public_key,
                         guint8          secret_key[TAFEL_SECRET_KEY_BYTES],
                         const guint8    seed[32])
{
  G_STATIC_ASSERT (crypto_sign_SEEDBYTES == 32);

  ensure_sodium ();
  if (crypto_sign_seed_keypair (public_key->bytes, secret_key, seed) != 0)
    g_error ("Ed25519 key generation failed");
}

void
tafel_sign (TafelSignature *sig,
            const guint8    secret_key[TAFEL_SECRET_KEY_BYTES],
            gconstpointer   message,
            gsize           len)
{
  if (crypto_sign_detached (sig->bytes, NULL, message, len, secret_key) != 0)
    g_error ("Ed25519 signing failed");
}

gboolean
tafel_verify (const TafelSignature *sig,
              const TafelPublicKey *public_key,
              gconstpointer         message,
              gsize                 len)
{
  return crypto_sign_verify_detached (sig->bytes, message, len, public_key->bytes) == 0;
}

gboolean
tafel_secret_key_matches (const guint8          secret_key[TAFEL_SECRET_KEY_BYTES],
                          const TafelPublicKey *public_key)
{
  guint8 derived[TAFEL_PUBLIC_KEY_BYTES];

  if (crypto_sign_ed25519_sk_to_pk (derived, secret_key) != 0)
    return FALSE;
  return sodium_memcmp (derived, public_key->bytes, sizeof derived) == 0;
}

void
tafel_kx_keypair (guint8 public_key[TAFEL_KX_PUBLIC_BYTES],
                  guint8 secret_key[TAFEL_KX_SECRET_BYTES])
{
  ensure_sodium ();
  if (crypto_kx_keypair (public_key, secret_key) != 0)
    g_error ("X25519 key generation failed");
}

gboolean
tafel_kx_session_keys (gboolean      is_client,
                       const guint8  my_public[TAFEL_KX_PUBLIC_BYTES],
                       const guint8  my_secret[TAFEL_KX_SECRET_BYTES],
                       const guint8  their_public[TAFEL_KX_PUBLIC_BYTES],
                       guint8        rx[TAFEL_KEY_BYTES],
                       guint8        tx[TAFEL_KEY_BYTES],
                       GError      **error)
{
  int ret;

  if (is_client)
    ret = crypto_kx_client_session_keys (rx, tx, my_public, my_secret, their_public);
  else
    ret = crypto_kx_server_session_keys (rx, tx, my_public, my_secret, their_public);

  if (ret != 0)
    {
      g_set_error_literal (error, TAFEL_CRYPTO_ERROR, TAFEL_CRYPTO_ERROR_BAD_KEY,
                           "The peer’s key-exchange public key is not acceptable");
      return FALSE;
    }

  return TRUE;
}

GBytes *
tafel_aead_seal (const guint8  key[TAFEL_KEY_BYTES],
                 gconstpointer ad,
                 gsize         ad_len,
                 gconstpointer plain,
                 gsize         len)
{
  gsize out_len = TAFEL_AEAD_NONCE_BYTES + len + TAFEL_AEAD_TAG_BYTES;
  guint8 *out = g_malloc (out_len);
  unsigned long long sealed_len = 0;

  tafel_random_bytes (out, TAFEL_AEAD_NONCE_BYTES);
  if (crypto_aead_xchacha20poly1305_ietf_encrypt (out + TAFEL_AEAD_NONCE_BYTES, &sealed_len,
                                                  plain, len, ad, ad_len, NULL, out, key) != 0)
    g_error ("XChaCha20-Poly1305 encryption failed");
  g_assert (sealed_len == len + TAFEL_AEAD_TAG_BYTES);

  return g_bytes_new_take (out, out_len);
}

GBytes *
tafel_aead_open (const guint8  key[TAFEL_KEY_BYTES],
                 gconstpointer ad,
                 gsize         ad_len,
                 gconstpointer sealed,
                 gsize         len,
                 GError      **error)
{
  const guint8 *in = sealed;
  g_autofree guint8 *out = NULL;
  unsigned long long plain_len = 0;

  if (len < TAFEL_AEAD_NONCE_BYTES + TAFEL_AEAD_TAG_BYTES)
    {
      g_set_error_literal (error, TAFEL_CRYPTO_ERROR, TAFEL_CRYPTO_ERROR_DECRYPT,
                           "The encrypted message is too short");
      return NULL;
    }

  out = g_malloc (len - TAFEL_AEAD_NONCE_BYTES - TAFEL_AEAD_TAG_BYTES + 1);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (out, &plain_len, NULL,
                                                  in + TAFEL_AEAD_NONCE_BYTES,
                                                  len - TAFEL_AEAD_NONCE_BYTES,
                                                  ad, ad_len, in, key) != 0)
    {
      g_set_error_literal (error, TAFEL_CRYPTO_ERROR, TAFEL_CRYPTO_ERROR_DECRYPT,
                           "The message was not sealed with this key, or was altered");
      return NULL;
    }

  return g_bytes_new_take (g_steal_pointer (&out), plain_len);
}

TafelStream *
tafel_stream_new_push (const guint8 key[TAFEL_KEY_BYTES],
                       guint8       header[TAFEL_STREAM_HEADER_BYTES])
{
  TafelStream *stream;

  ensure_sodium ();
  stream = sodium_malloc (sizeof *stream);
  if (stream == NULL)
    g_error ("out of secure memory");
  if (crypto_secretstream_xchacha20poly1305_init_push (&stream->state, header, key) != 0)
    g_error ("secretstream initialisation failed");

  return stream;
}

TafelStream *
tafel_stream_new_pull (const guint8   key[TAFEL_KEY_BYTES],
                       const guint8   header[TAFEL_STREAM_HEADER_BYTES],
                       GError       **error)
{
  TafelStream *stream;

  ensure_sodium ();
  stream = sodium_malloc (sizeof *stream);
  if (stream == NULL)
    g_error ("out of secure memory");
  if (crypto_secretstream_xchacha20poly1305_init_pull (&stream->state, header, key) != 0)
    {
      sodium_free (stream);
      g_set_error_literal (error, TAFEL_CRYPTO_ERROR, TAFEL_CRYPTO_ERROR_DECRYPT,
                           "The stream header is invalid");
      return NULL;
    }

  return stream;
}

void
tafel_stream_push (TafelStream   *stream,
                   guint8        *out,
                   gconstpointer  plain,
                   gsize          len)
{
  if (crypto_secretstream_xchacha20poly1305_push (&stream->state, out, NULL, plain, len,
                                                  NULL, 0,
                                                  crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) != 0)
    g_error ("secretstream encryption failed");
}

gboolean
tafel_stream_pull (TafelStream   *stream,
                   guint8        *out,
                   gconstpointer  sealed,
                   gsize          len,
                   GError       **error)
{
  unsigned char tag = 0;

  if (len < TAFEL_STREAM_ABYTES ||
      crypto_secretstream_xchacha20poly1305_pull (&stream->state, out, NULL, &tag,
                                                  sealed, len, NULL, 0) != 0)
    {
      g_set_error_literal (error, TAFEL_CRYPTO_ERROR, TAFEL_CRYPTO_ERROR_DECRYPT,
                           "A frame was altered, replayed, reordered or cut short");
      return FALSE;
    }

  return TRUE;
}

void
tafel_stream_free (TafelStream *stream)
{
  if (stream != NULL)
    sodium_free (stream);
}

G_STATIC_ASSERT (TAFEL_BODY_NONCE_BYTES == crypto_stream_xchacha20_NONCEBYTES);
G_STATIC_ASSERT (TAFEL_KEY_BYTES == crypto_stream_xchacha20_KEYBYTES);

void
tafel_body_nonce (guint8        nonce[TAFEL_BODY_NONCE_BYTES],
                  const guint8  key[TAFEL_KEY_BYTES],
                  gconstpointer header,
                  gsize         header_len)
{
  tafel_hash_sized (nonce, TAFEL_BODY_NONCE_BYTES, key, TAFEL_KEY_BYTES, header, header_len);
}

void
tafel_body_xor (guint8        *out,
                gconstpointer  in,
                gsize          len,
                const guint8   nonce[TAFEL_BODY_NONCE_BYTES],
                const guint8   key[TAFEL_KEY_BYTES])
{
  if (len == 0)
    return;
  if (crypto_stream_xchacha20_xor (out, in, len, nonce, key) != 0)
    g_error ("XChaCha20 failed");
}
