/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Byte-level writing and bounds-checked reading for binary formats: the
 * core's (record envelopes, bodies, version vectors, log and .tafel files)
 * and net's messages (sync, presence, session), which use them through
 * this header. Every read either succeeds inside the buffer or fails with
 * TAFEL_RECORD_ERROR_TRUNCATED, _MALFORMED, _INVALID or _TOO_LARGE,
 * naming the field it was reading (@what, a noun phrase such as "stroke
 * width" that the message is built around); nothing ever reads past the
 * end. Integers are little-endian; varints are unsigned LEB128 in their
 * shortest form. All inline: they sit in every decoder's inner loop. */

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gi18n-lib.h>

#include "tafel-record.h"

G_BEGIN_DECLS

/* ---- Writing ------------------------------------------------------------- */

/**
 * tafel_put_u8:
 * @out: where to append
 * @v: the byte
 *
 * Appends one byte. The other tafel_put_*() functions append their value
 * the same way: u32 and u64 little-endian, f32 and f64 as their IEEE bits,
 * varints in their shortest form.
 */
static inline void
tafel_put_u8 (GByteArray *out,
              guint8      v)
{
  g_byte_array_append (out, &v, 1);
}

/**
 * tafel_put_bytes:
 * @out: where to append
 * @data: (array length=len): the bytes
 * @len: how many
 *
 * Appends @len raw bytes (nothing when @len is 0).
 */
static inline void
tafel_put_bytes (GByteArray    *out,
                 gconstpointer  data,
                 gsize          len)
{
  if (len > 0)
    g_byte_array_append (out, data, len);
}

/* Writes @v to @buf (at least 10 bytes) and returns the number of bytes. */
static inline guint
tafel_varint_write (guint8  *buf,
                    guint64  v)
{
  guint n = 0;

  while (v >= 0x80)
    {
      buf[n++] = (guint8) (v | 0x80);
      v >>= 7;
    }
  buf[n++] = (guint8) v;
  return n;
}

static inline guint
tafel_varint_size (guint64 v)
{
  guint n = 1;

  while (v >= 0x80)
    {
      v >>= 7;
      n++;
    }
  return n;
}

static inline void
tafel_put_varint (GByteArray *out,
                  guint64     v)
{
  guint8 buf[10];

  g_byte_array_append (out, buf, tafel_varint_write (buf, v));
}

static inline guint64
tafel_zigzag_encode (gint64 v)
{
  return ((guint64) v << 1) ^ (guint64) (v >> 63);
}

static inline gint64
tafel_zigzag_decode (guint64 v)
{
  return (gint64) (v >> 1) ^ -(gint64) (v & 1);
}

static inline void
tafel_put_u32 (GByteArray *out,
               guint32     v)
{
  guint8 buf[4] = { v, v >> 8, v >> 16, v >> 24 };

  g_byte_array_append (out, buf, 4);
}

static inline void
tafel_put_u64 (GByteArray *out,
               guint64     v)
{
  tafel_put_u32 (out, (guint32) v);
  tafel_put_u32 (out, (guint32) (v >> 32));
}

static inline void
tafel_put_f32 (GByteArray *out,
               float       v)
{
  guint32 bits;

  memcpy (&bits, &v, 4);
  tafel_put_u32 (out, bits);
}

static inline void
tafel_put_f64 (GByteArray *out,
               double      v)
{
  guint64 bits;

  memcpy (&bits, &v, 8);
  tafel_put_u64 (out, bits);
}

/* A length-prefixed byte string. */
/**
 * tafel_put_blob:
 * @out: where to append
 * @data: (array length=len): the bytes
 * @len: how many
 *
 * Appends a byte string with its length in front, as tafel_read_blob()
 * reads it.
 */
static inline void
tafel_put_blob (GByteArray    *out,
                gconstpointer  data,
                gsize          len)
{
  tafel_put_varint (out, len);
  tafel_put_bytes (out, data, len);
}

static inline void
tafel_store_u32 (guint8  *p,
                 guint32  v)
{
  p[0] = v;
  p[1] = v >> 8;
  p[2] = v >> 16;
  p[3] = v >> 24;
}

static inline guint32
tafel_load_u32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

/* ---- Reading ------------------------------------------------------------- */

typedef struct
{
  const guint8 *p;
  const guint8 *end;
} TafelReader;

/**
 * tafel_reader_init:
 * @r: a reader
 * @data: (nullable): the bytes to read, which must outlive @r
 * @len: how many
 *
 * Sets @r up to read @data from its start. The tafel_read_*() functions
 * then each read one field, moving on past it, or fail with an error that
 * names the field; after a failure the reader is not to be used again.
 */
static inline void
tafel_reader_init (TafelReader   *r,
                   gconstpointer  data,
                   gsize          len)
{
  static const guint8 empty[1];

  /* An empty GBytes has no data pointer; NULL + 0 is not valid C. */
  if (data == NULL)
    {
      g_assert (len == 0);
      data = empty;
    }
  r->p = data;
  r->end = r->p + len;
}

/* Sets @r up to read @bytes, which must outlive it. */
static inline TafelReader *
tafel_reader_init_bytes (TafelReader *r,
                         GBytes      *bytes)
{
  gsize len;
  gconstpointer data = g_bytes_get_data (bytes, &len);

  tafel_reader_init (r, data, len);
  return r;
}

/**
 * tafel_reader_remaining:
 * @r: a reader
 *
 * Returns: how many bytes are left to read
 */
static inline gsize
tafel_reader_remaining (const TafelReader *r)
{
  return (gsize) (r->end - r->p);
}

/**
 * tafel_reader_at_end:
 * @r: a reader
 *
 * Returns: whether every byte has been read
 */
static inline gboolean
tafel_reader_at_end (const TafelReader *r)
{
  return r->p == r->end;
}

static inline gboolean
tafel_reader_fail_truncated (const char  *what,
                             GError     **error)
{
  g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_TRUNCATED,
               _("The data ends inside the %s"), what);
  return FALSE;
}

static inline gboolean
tafel_reader_need (TafelReader  *r,
                   gsize         n,
                   const char   *what,
                   GError      **error)
{
  if (G_UNLIKELY (tafel_reader_remaining (r) < n))
    return tafel_reader_fail_truncated (what, error);
  return TRUE;
}

static inline gboolean
tafel_read_u8 (TafelReader  *r,
               const char   *what,
               guint8       *v,
               GError      **error)
{
  if (!tafel_reader_need (r, 1, what, error))
    return FALSE;
  *v = *r->p++;
  return TRUE;
}

/* Borrows @n bytes from the buffer. */
static inline gboolean
tafel_read_raw (TafelReader    *r,
                gsize           n,
                const char     *what,
                const guint8  **data,
                GError        **error)
{
  if (!tafel_reader_need (r, n, what, error))
    return FALSE;
  *data = r->p;
  r->p += n;
  return TRUE;
}

static inline gboolean
tafel_read_copy (TafelReader  *r,
                 gpointer      dest,
                 gsize         n,
                 const char   *what,
                 GError      **error)
{
  const guint8 *data;

  if (!tafel_read_raw (r, n, what, &data, error))
    return FALSE;
  memcpy (dest, data, n);
  return TRUE;
}

/* Canonical LEB128: at most 64 bits, no superfluous zero groups. */
static inline gboolean
tafel_read_varint (TafelReader  *r,
                   const char   *what,
                   guint64      *v,
                   GError      **error)
{
  guint64 result = 0;
  guint shift = 0;

  for (guint i = 0; ; i++)
    {
      guint8 b;

      if (G_UNLIKELY (r->p == r->end))
        return tafel_reader_fail_truncated (what, error);
      b = *r->p++;

      if (G_UNLIKELY (i == 9 && b > 1))
        {
          g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_MALFORMED,
                       _("The %s is a number larger than 64 bits"), what);
          return FALSE;
        }
      result |= (guint64) (b & 0x7f) << shift;
      if (!(b & 0x80))
        {
          if (G_UNLIKELY (b == 0 && i > 0))
            {
              g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_MALFORMED,
                           _("The %s is a number in a non-canonical (overlong) form"), what);
              return FALSE;
            }
          *v = result;
          return TRUE;
        }
      shift += 7;
    }
}

/* A varint that must lie in [min, max]. */
static inline gboolean
tafel_read_varint_range (TafelReader  *r,
                         const char   *what,
                         guint64       min,
                         guint64       max,
                         guint64      *v,
                         GError      **error)
{
  if (!tafel_read_varint (r, what, v, error))
    return FALSE;
  if (G_UNLIKELY (*v < min || *v > max))
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                   _("The %s is %" PRIu64 ", outside %" PRIu64 "…%" PRIu64),
                   what, *v, min, max);
      return FALSE;
    }
  return TRUE;
}

static inline gboolean
tafel_read_zigzag (TafelReader  *r,
                   const char   *what,
                   gint64       *v,
                   GError      **error)
{
  guint64 u;

  if (!tafel_read_varint (r, what, &u, error))
    return FALSE;
  *v = tafel_zigzag_decode (u);
  return TRUE;
}

static inline gboolean
tafel_read_u32 (TafelReader  *r,
                const char   *what,
                guint32      *v,
                GError      **error)
{
  if (!tafel_reader_need (r, 4, what, error))
    return FALSE;
  *v = tafel_load_u32 (r->p);
  r->p += 4;
  return TRUE;
}

static inline gboolean
tafel_read_u64 (TafelReader  *r,
                const char   *what,
                guint64      *v,
                GError      **error)
{
  if (!tafel_reader_need (r, 8, what, error))
    return FALSE;
  *v = (guint64) tafel_load_u32 (r->p) | (guint64) tafel_load_u32 (r->p + 4) << 32;
  r->p += 8;
  return TRUE;
}

/* Floats must be finite: no NaN or infinity survives decoding. */
static inline gboolean
tafel_read_f32 (TafelReader  *r,
                const char   *what,
                float        *v,
                GError      **error)
{
  guint32 bits;

  if (!tafel_read_u32 (r, what, &bits, error))
    return FALSE;
  memcpy (v, &bits, 4);
  if (G_UNLIKELY (!isfinite (*v)))
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                   _("The %s is not a finite number"), what);
      return FALSE;
    }
  return TRUE;
}

static inline gboolean
tafel_read_f64 (TafelReader  *r,
                const char   *what,
                double       *v,
                GError      **error)
{
  guint64 bits;

  if (!tafel_read_u64 (r, what, &bits, error))
    return FALSE;
  memcpy (v, &bits, 8);
  if (G_UNLIKELY (!isfinite (*v)))
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                   _("The %s is not a finite number"), what);
      return FALSE;
    }
  return TRUE;
}

/* A length-prefixed byte string of at most @max bytes, borrowed. */
static inline gboolean
tafel_read_blob (TafelReader    *r,
                 const char     *what,
                 gsize           max,
                 const guint8  **data,
                 gsize          *len,
                 GError        **error)
{
  guint64 n;

  if (!tafel_read_varint (r, what, &n, error))
    return FALSE;
  if (G_UNLIKELY (n > max))
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_TOO_LARGE,
                   _("The %s is %" PRIu64 " bytes long, more than the limit of %zu"),
                   what, n, max);
      return FALSE;
    }
  if (!tafel_read_raw (r, n, what, data, error))
    return FALSE;
  *len = n;
  return TRUE;
}

/**
 * tafel_reader_expect_end:
 * @r: a reader
 * @what: what was read, for the error message
 * @error: return location for a #GError
 *
 * Returns: %FALSE, with TAFEL_RECORD_ERROR_MALFORMED, when bytes are left
 */
static inline gboolean
tafel_reader_expect_end (TafelReader  *r,
                         const char   *what,
                         GError      **error)
{
  if (G_UNLIKELY (!tafel_reader_at_end (r)))
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_MALFORMED,
                   _("%zu unexpected bytes follow the %s"),
                   tafel_reader_remaining (r), what);
      return FALSE;
    }
  return TRUE;
}

G_END_DECLS
