/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The one place that talks to libsodium. Sizes are fixed by the protocol;
 * they match libsodium's _BYTES constants, which tafel-crypto.c asserts. */
#define TAFEL_HASH_BYTES          32   /* BLAKE2b-256 */
#define TAFEL_PUBLIC_KEY_BYTES    32   /* Ed25519 */
#define TAFEL_SECRET_KEY_BYTES    64   /* Ed25519 (seed + public key) */
#define TAFEL_SIGNATURE_BYTES     64   /* Ed25519 */
#define TAFEL_BOARD_ID_BYTES      16
#define TAFEL_BOARD_SECRET_BYTES  32
#define TAFEL_KEY_BYTES           32   /* symmetric keys (MAC, AEAD, KDF) */
#define TAFEL_MAC_BYTES           32   /* keyed BLAKE2b-256 */
#define TAFEL_KX_PUBLIC_BYTES     32   /* X25519 */
#define TAFEL_KX_SECRET_BYTES     32
#define TAFEL_AEAD_NONCE_BYTES    24   /* XChaCha20-Poly1305 */
#define TAFEL_AEAD_TAG_BYTES      16
#define TAFEL_STREAM_HEADER_BYTES 24   /* secretstream XChaCha20-Poly1305 */
#define TAFEL_STREAM_ABYTES       17

typedef struct { guint8 bytes[TAFEL_HASH_BYTES]; } TafelHash;
typedef struct { guint8 bytes[TAFEL_PUBLIC_KEY_BYTES]; } TafelPublicKey;
typedef struct { guint8 bytes[TAFEL_SIGNATURE_BYTES]; } TafelSignature;

#define TAFEL_CRYPTO_ERROR (tafel_crypto_error_quark ())

typedef enum
{
  TAFEL_CRYPTO_ERROR_FAILED,
  TAFEL_CRYPTO_ERROR_BAD_SIGNATURE,
  TAFEL_CRYPTO_ERROR_BAD_MAC,
  TAFEL_CRYPTO_ERROR_DECRYPT,
  TAFEL_CRYPTO_ERROR_BAD_KEY,
} TafelCryptoError;

GQuark   tafel_crypto_error_quark      (void);

void     tafel_random_bytes            (guint8       *buf,
                                        gsize         len);
guint32  tafel_random_uniform          (guint32       upper_bound);

void     tafel_memzero                 (gpointer      buf,
                                        gsize         len);
gboolean tafel_memequal                (gconstpointer a,
                                        gconstpointer b,
                                        gsize         len);

/* Hashing: BLAKE2b-256, one-shot and incremental. */
void     tafel_hash                    (TafelHash     *out,
                                        gconstpointer  data,
                                        gsize          len);

typedef struct
{
  /* Opaque; large enough and aligned for crypto_generichash_state. */
  guint8 opaque[384] __attribute__ ((aligned (64)));
} TafelHashState;

void     tafel_hash_init               (TafelHashState *state,
                                        const guint8   *key,
                                        gsize           key_len);
void     tafel_hash_update             (TafelHashState *state,
                                        gconstpointer   data,
                                        gsize           len);
void     tafel_hash_final              (TafelHashState *state,
                                        guint8         *out,
                                        gsize           out_len);

/* A 64-bit checksum (SipHash-2-4 under a fixed, public key): finds
 * accidental damage, such as a datagram corrupted on the way; it proves
 * nothing against someone who alters data on purpose. */
guint64  tafel_checksum                (gconstpointer  data,
                                        gsize          len);

gboolean tafel_hash_equal              (const TafelHash *a,
                                        const TafelHash *b);
int      tafel_hash_compare            (const TafelHash *a,
                                        const TafelHash *b);
char    *tafel_hash_to_hex             (const TafelHash *hash) G_GNUC_WARN_UNUSED_RESULT;

/* Ids, keys and secrets in text: lowercase hex, two digits a byte. */
char    *tafel_hex_encode              (gconstpointer    data,
                                        gsize            len) G_GNUC_WARN_UNUSED_RESULT;
gboolean tafel_hex_decode              (const char      *hex,
                                        gssize           hex_len,
                                        guint8          *out,
                                        gsize            len);
/* The first four bytes of a key in hex: enough to tell peers apart in
 * traces and logs. Returns @buf. */
#define TAFEL_PUBLIC_KEY_SHORT_HEX_SIZE 9
const char *tafel_public_key_to_short_hex (const TafelPublicKey *key,
                                           char                  buf[TAFEL_PUBLIC_KEY_SHORT_HEX_SIZE]);

/* GHashTable functions for keys that are a TafelPublicKey or a TafelHash. */
guint    tafel_key_hash                (gconstpointer    key);
gboolean tafel_key_equal               (gconstpointer    a,
                                        gconstpointer    b);

/* Keyed MAC (BLAKE2b-256 with a 32-byte key). */
void     tafel_mac                     (guint8         out[TAFEL_MAC_BYTES],
                                        const guint8    key[TAFEL_KEY_BYTES],
                                        gconstpointer   data,
                                        gsize           len);

/* Derives a subkey for one purpose from a root key. @context is exactly
 * 8 characters, naming the purpose ("boardtop", "handshak", …). */
void     tafel_derive_key              (guint8          out[TAFEL_KEY_BYTES],
                                        const guint8    root[TAFEL_KEY_BYTES],
                                        const char     *context,
                                        guint64         subkey_id);

/* BLAKE2b with an output of @out_len bytes (16 to 64), keyed when @key is
 * not %NULL. The length is a parameter of BLAKE2b, not a truncation. */
void     tafel_hash_sized              (guint8         *out,
                                        gsize           out_len,
                                        const guint8   *key,
                                        gsize           key_len,
                                        gconstpointer   data,
                                        gsize           len);

/* Sealed boxes (crypto_box_seal) to an Ed25519 identity key, through its
 * X25519 form: anyone can seal to a public key, only the holder of its
 * secret key opens. The sealed form is TAFEL_SEAL_OVERHEAD_BYTES longer. */
#define TAFEL_SEAL_OVERHEAD_BYTES 48
/* A secret of 32 bytes sealed to a member's identity. */
#define TAFEL_SEALED_SECRET_BYTES (TAFEL_KEY_BYTES + TAFEL_SEAL_OVERHEAD_BYTES)
gboolean tafel_public_key_is_valid     (const TafelPublicKey *public_key);
gboolean tafel_seal_to_public_key      (guint8               *out,
                                        const TafelPublicKey *recipient,
                                        gconstpointer         plain,
                                        gsize                 len,
                                        GError              **error);
gboolean tafel_seal_open               (guint8               *out,
                                        const guint8          secret_key[TAFEL_SECRET_KEY_BYTES],
                                        gconstpointer         sealed,
                                        gsize                 len,
                                        GError              **error);

/* Ed25519. */
void     tafel_sign_keypair            (TafelPublicKey *public_key,
                                        guint8          secret_key[TAFEL_SECRET_KEY_BYTES]);
/* A key pair derived from a 32-byte seed (fixtures, tests). */
void     tafel_sign_seed_keypair       (TafelPublicKey *public_key,
                                        guint8          secret_key[TAFEL_SECRET_KEY_BYTES],
                                        const guint8    seed[32]);
void     tafel_sign                    (TafelSignature *sig,
                                        const guint8    secret_key[TAFEL_SECRET_KEY_BYTES],
                                        gconstpointer   message,
                                        gsize           len);
gboolean tafel_verify                  (const TafelSignature *sig,
                                        const TafelPublicKey *public_key,
                                        gconstpointer         message,
                                        gsize                 len);
gboolean tafel_secret_key_matches      (const guint8          secret_key[TAFEL_SECRET_KEY_BYTES],
                                        const TafelPublicKey *public_key);

/* X25519 key exchange (crypto_kx): session keys for each direction. */
void     tafel_kx_keypair              (guint8          public_key[TAFEL_KX_PUBLIC_BYTES],
                                        guint8          secret_key[TAFEL_KX_SECRET_BYTES]);
gboolean tafel_kx_session_keys         (gboolean        is_client,
                                        const guint8    my_public[TAFEL_KX_PUBLIC_BYTES],
                                        const guint8    my_secret[TAFEL_KX_SECRET_BYTES],
                                        const guint8    their_public[TAFEL_KX_PUBLIC_BYTES],
                                        guint8          rx[TAFEL_KEY_BYTES],
                                        guint8          tx[TAFEL_KEY_BYTES],
                                        GError        **error);

/* XChaCha20-Poly1305 AEAD with a random nonce; the output is
 * nonce ‖ ciphertext ‖ tag, TAFEL_AEAD_NONCE_BYTES + len + TAFEL_AEAD_TAG_BYTES long. */
GBytes  *tafel_aead_seal               (const guint8    key[TAFEL_KEY_BYTES],
                                        gconstpointer   ad,
                                        gsize           ad_len,
                                        gconstpointer   plain,
                                        gsize           len) G_GNUC_WARN_UNUSED_RESULT;
GBytes  *tafel_aead_open               (const guint8    key[TAFEL_KEY_BYTES],
                                        gconstpointer   ad,
                                        gsize           ad_len,
                                        gconstpointer   sealed,
                                        gsize           len,
                                        GError        **error) G_GNUC_WARN_UNUSED_RESULT;

/* crypto_secretstream_xchacha20poly1305: an ordered, tamper-evident stream
 * of messages in one direction. */
typedef struct _TafelStream TafelStream;

TafelStream *tafel_stream_new_push     (const guint8    key[TAFEL_KEY_BYTES],
                                        guint8          header[TAFEL_STREAM_HEADER_BYTES]) G_GNUC_WARN_UNUSED_RESULT;
TafelStream *tafel_stream_new_pull     (const guint8    key[TAFEL_KEY_BYTES],
                                        const guint8    header[TAFEL_STREAM_HEADER_BYTES],
                                        GError        **error) G_GNUC_WARN_UNUSED_RESULT;
/* Writes len + TAFEL_STREAM_ABYTES bytes to @out. */
void         tafel_stream_push         (TafelStream    *stream,
                                        guint8         *out,
                                        gconstpointer   plain,
                                        gsize           len);
/* Reads len - TAFEL_STREAM_ABYTES bytes to @out; fails on any tampering,
 * replay, reordering or truncation of the stream. */
gboolean     tafel_stream_pull         (TafelStream    *stream,
                                        guint8         *out,
                                        gconstpointer   sealed,
                                        gsize           len,
                                        GError        **error);
void         tafel_stream_free         (TafelStream    *stream);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelStream, tafel_stream_free)

/* Record bodies of envelope version 2 (docs/access.md): XChaCha20 without a
 * tag (the author's signature over the ciphertext is the integrity check),
 * with a nonce derived from the envelope bytes before the body. */
#define TAFEL_BODY_NONCE_BYTES    24   /* XChaCha20 */

/* BLAKE2b-192 keyed with @key over @header: the nonce of one record body. */
void     tafel_body_nonce              (guint8          nonce[TAFEL_BODY_NONCE_BYTES],
                                        const guint8    key[TAFEL_KEY_BYTES],
                                        gconstpointer   header,
                                        gsize           header_len);
/* XChaCha20 (crypto_stream_xchacha20_xor): @out = @in XOR keystream, @len
 * bytes; @out may equal @in. Encrypts and decrypts alike. */
void     tafel_body_xor                (guint8         *out,
                                        gconstpointer   in,
                                        gsize           len,
                                        const guint8    nonce[TAFEL_BODY_NONCE_BYTES],
                                        const guint8    key[TAFEL_KEY_BYTES]);

G_END_DECLS
