/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "tafel-bytes.h"
#include "tafel-record-private.h"
#include "tafel-record.h"

/* The stroke body, version 1:
 *
 *   u8      flags      bit 0: tool (0 pen, 1 highlighter)
 *                      bit 1: pressure varies (else every point has p0)
 *                      bits 2-7: zero
 *   u32     rgba       0xRRGGBBAA, little-endian
 *   f32     width      finite, 0 < width ≤ TAFEL_WIDTH_MAX
 *   varint  n          1 … TAFEL_STROKE_MAX_POINTS
 *   zigzag  x0, y0     first point in quanta (TAFEL_POINT_QUANTUM)
 *   u8      p0         first pressure, 0 … 254 (pressure × 254)
 *   bits    (only when n > 1) a bit stream, most significant bit first,
 *           zero-padded to the end of the body:
 *             2 bits  s: every step of the stroke is a multiple of 2^s quanta
 *                     (strokes recorded in whole pixels have s = 3)
 *             1 bit   predictor for x: 0 step (x[i] - x[i-1]),
 *                                      1 "same velocity" (step - previous step)
 *             1 bit   predictor for y
 *             5 bits  initial Rice parameter for x, then 5 for y
 *             3 bits  initial Rice parameter for pressure (if it varies)
 *           then for each point after the first: the residual of x, of y
 *           (in units of 2^s quanta) and, if pressure varies, the change of
 *           pressure, each zigzag-mapped and Rice-coded with a parameter that
 *           adapts to the running mean of the values before it (as in
 *           LOCO-I/JPEG-LS), so a stroke that speeds up or slows down stays
 *           cheap.
 *
 * A Rice code of v with parameter k is q = v >> k zero bits, a one bit, and
 * the low k bits of v. When q would reach RICE_ESCAPE the code is instead
 * RICE_ESCAPE zero bits, a one bit and v in ESCAPE_BITS bits, so that no
 * value costs more than about 8 bytes. */

#define QUANTA_PER_UNIT   8
#define MAX_Q             (1 << 24)   /* |coordinate| ≤ TAFEL_COORD_MAX */
#define PRESSURE_LEVELS   254
#define RICE_ESCAPE       24
#define ESCAPE_BITS       28
#define MAX_K             26
#define ADAPT_RESET       16

G_STATIC_ASSERT (TAFEL_COORD_MAX * QUANTA_PER_UNIT == MAX_Q);

static inline gint32
quantise_coord (float v)
{
  double q;

  if (G_UNLIKELY (isnan (v)))
    return 0;
  q = rint ((double) v * QUANTA_PER_UNIT);
  if (q > MAX_Q)
    return MAX_Q;
  if (q < -MAX_Q)
    return -MAX_Q;
  return (gint32) q;
}

static inline guint
quantise_pressure (float p)
{
  double q;

  if (G_UNLIKELY (isnan (p)))
    return PRESSURE_LEVELS / 2;
  q = rint ((double) p * PRESSURE_LEVELS);
  if (q < 0)
    return 0;
  if (q > PRESSURE_LEVELS)
    return PRESSURE_LEVELS;
  return (guint) q;
}

static inline float
coord_from_quanta (gint64 q)
{
  return (float) q * (1.0f / QUANTA_PER_UNIT);
}

static inline float
pressure_from_level (guint q)
{
  return (float) q / (float) PRESSURE_LEVELS;
}

/**
 * tafel_stroke_quantise:
 * @stroke: a stroke
 *
 * Rounds every point of @stroke to what the packed encoding keeps:
 * coordinates to TAFEL_POINT_QUANTUM (clamped to ±TAFEL_COORD_MAX; NaN
 * becomes 0), pressure to 1/254 steps in 0…1 (NaN becomes 0.5).
 */
void
tafel_stroke_quantise (TafelStroke *stroke)
{
  g_return_if_fail (stroke != NULL);

  for (guint i = 0; i < stroke->n_points; i++)
    {
      TafelPoint *pt = &stroke->points[i];

      pt->x = coord_from_quanta (quantise_coord (pt->x));
      pt->y = coord_from_quanta (quantise_coord (pt->y));
      pt->pressure = pressure_from_level (quantise_pressure (pt->pressure));
    }
}

/* ---- Adaptive Rice parameter --------------------------------------------- */

typedef struct
{
  guint64 a;  /* sum of recent values */
  guint64 n;  /* number of recent values */
  guint   k;
} Adapt;

static inline void
adapt_init (Adapt *ad,
            guint  k0)
{
  ad->a = G_GUINT64_CONSTANT (1) << k0;
  ad->n = 1;
  ad->k = k0;
}

static inline void
adapt_update (Adapt   *ad,
              guint32  v)
{
  int k;

  ad->a += v;
  ad->n++;
  if (ad->n == ADAPT_RESET)
    {
      ad->a >>= 1;
      ad->n >>= 1;
    }
  /* The smallest k with n·2^k ≥ a, from the bit lengths of a and n. */
  k = (64 - __builtin_clzll (ad->a | 1)) - (64 - __builtin_clzll (ad->n));
  if (k < 0)
    k = 0;
  k += (ad->n << k) < ad->a;
  ad->k = MIN ((guint) k, (guint) MAX_K);
}

/* ---- Bit writer ---------------------------------------------------------- */

typedef struct
{
  guint8  *out;
  gsize    pos;
  guint64  acc;
  guint    n;  /* bits in acc */
} BitWriter;

static inline void
bits_put (BitWriter *w,
          guint64    value,
          guint      count)
{
  g_assert (count <= 32);
  w->acc = (w->acc << count) | value;
  w->n += count;
  while (w->n >= 8)
    {
      w->n -= 8;
      w->out[w->pos++] = (guint8) (w->acc >> w->n);
    }
}

static inline void
bits_flush (BitWriter *w)
{
  if (w->n > 0)
    {
      w->out[w->pos++] = (guint8) (w->acc << (8 - w->n));
      w->n = 0;
    }
}

static inline void
rice_put (BitWriter *w,
          guint32    v,
          guint      k)
{
  guint32 q = v >> k;

  if (q >= RICE_ESCAPE)
    {
      bits_put (w, 1, RICE_ESCAPE + 1);
      bits_put (w, v, ESCAPE_BITS);
      return;
    }
  /* q zeros and a one, split so that no single put exceeds 32 bits. */
  if (q >= 16)
    {
      bits_put (w, 0, 16);
      q -= 16;
    }
  bits_put (w, 1, q + 1);
  if (k > 0)
    bits_put (w, v & ((1u << k) - 1), k);
}

/* ---- Encoder ------------------------------------------------------------- */

/* Residuals of one axis, zigzag-mapped, for a given predictor. */
static void
axis_residuals (const gint32 *q,
                guint         n,
                guint         shift,
                gboolean      second_order,
                guint32      *out)
{
  gint64 prev_step = 0;

  for (guint i = 1; i < n; i++)
    {
      gint64 step = ((gint64) q[i] - q[i - 1]) >> shift;
      gint64 r = second_order ? step - prev_step : step;

      out[i - 1] = (guint32) tafel_zigzag_encode (r);
      prev_step = step;
    }
}

/* A good starting parameter: the Rice parameter of the mean of the first
 * few values, limited to what the header can carry. */
static guint
initial_k (const guint32 *v,
           guint          n,
           guint          max_k)
{
  guint64 sum = 0;
  guint m = MIN (n, 8u);
  guint k = 0;

  for (guint i = 0; i < m; i++)
    sum += v[i];
  while (k < max_k && ((guint64) m << k) < sum)
    k++;
  return k;
}

typedef struct
{
  gboolean second_order;
  guint    k0;
} AxisChoice;

static void
choose_axis (const gint32 *q,
             guint         n,
             guint         shift,
             guint32      *scratch1,
             guint32      *scratch2,
             AxisChoice   *choice,
             guint32     **residuals)
{
  guint64 c1 = 0, c2 = 0;

  /* The predictor with the smaller residuals wins; on the real traces this
   * picks the same as comparing exact coded sizes, at a fraction of the
   * cost. */
  axis_residuals (q, n, shift, FALSE, scratch1);
  axis_residuals (q, n, shift, TRUE, scratch2);
  for (guint i = 0; i < n - 1; i++)
    {
      c1 += scratch1[i];
      c2 += scratch2[i];
    }

  if (c2 < c1)
    {
      choice->second_order = TRUE;
      *residuals = scratch2;
    }
  else
    {
      choice->second_order = FALSE;
      *residuals = scratch1;
    }
  choice->k0 = initial_k (*residuals, n - 1, MAX_K);
}

/**
 * tafel_stroke_encode:
 * @stroke: a stroke with 1 … TAFEL_STROKE_MAX_POINTS points
 *
 * Packs @stroke into a stroke record body. Points are quantised as
 * tafel_stroke_quantise() does; a width that is not finite or outside
 * 0 < width ≤ TAFEL_WIDTH_MAX is a programming error.
 *
 * Returns: (transfer full): the body
 */
GBytes *
tafel_stroke_encode (const TafelStroke *stroke)
{
  guint n;
  g_autofree gint32 *qx = NULL;
  g_autofree gint32 *qy = NULL;
  g_autofree guint8 *qp = NULL;
  g_autofree guint32 *scratch = NULL;
  g_autofree guint8 *out = NULL;
  gboolean pressure_varies = FALSE;
  guint32 or_steps = 0;
  guint shift;
  guint8 header[4 + 4 + 4 + 10 + 10 + 10 + 1];
  gsize hlen = 0;
  gsize cap;
  BitWriter w = { 0 };

  g_return_val_if_fail (stroke != NULL, NULL);
  g_return_val_if_fail (stroke->n_points >= 1, NULL);
  g_return_val_if_fail (stroke->n_points <= TAFEL_STROKE_MAX_POINTS, NULL);
  g_return_val_if_fail (stroke->points != NULL, NULL);
  g_return_val_if_fail (stroke->tool == TAFEL_TOOL_PEN || stroke->tool == TAFEL_TOOL_HIGHLIGHTER, NULL);
  g_return_val_if_fail (isfinite (stroke->width) && stroke->width > 0 &&
                        stroke->width <= TAFEL_WIDTH_MAX, NULL);

  n = stroke->n_points;
  qx = g_new (gint32, n);
  qy = g_new (gint32, n);
  qp = g_new (guint8, n);
  for (guint i = 0; i < n; i++)
    {
      qx[i] = quantise_coord (stroke->points[i].x);
      qy[i] = quantise_coord (stroke->points[i].y);
      qp[i] = quantise_pressure (stroke->points[i].pressure);
      if (i > 0)
        {
          or_steps |= (guint32) (qx[i] - qx[i - 1]) | (guint32) (qy[i] - qy[i - 1]);
          pressure_varies |= qp[i] != qp[0];
        }
    }

  header[hlen++] = (stroke->tool == TAFEL_TOOL_HIGHLIGHTER ? 0x01 : 0) |
                   (pressure_varies ? 0x02 : 0);
  tafel_store_u32 (header + hlen, stroke->rgba);
  hlen += 4;
  {
    guint32 bits;

    memcpy (&bits, &stroke->width, 4);
    tafel_store_u32 (header + hlen, bits);
    hlen += 4;
  }
  hlen += tafel_varint_write (header + hlen, n);
  hlen += tafel_varint_write (header + hlen, tafel_zigzag_encode (qx[0]));
  hlen += tafel_varint_write (header + hlen, tafel_zigzag_encode (qy[0]));
  header[hlen++] = qp[0];

  /* Worst case: every value escaped, plus the stream header. */
  cap = hlen + 8 + (gsize) (n - 1) * 3 * (RICE_ESCAPE + 1 + ESCAPE_BITS + 7) / 8 + 8;
  out = g_malloc (cap);
  memcpy (out, header, hlen);

  if (n > 1)
    {
      AxisChoice cx, cy;
      guint32 *rx, *ry;
      guint kp = 0;

      shift = or_steps == 0 ? 3 : MIN ((guint) __builtin_ctz (or_steps), 3u);
      scratch = g_new (guint32, 4 * (gsize) (n - 1));
      choose_axis (qx, n, shift, scratch, scratch + (n - 1), &cx, &rx);
      choose_axis (qy, n, shift, scratch + 2 * (n - 1), scratch + 3 * (n - 1), &cy, &ry);

      w.out = out;
      w.pos = hlen;
      bits_put (&w, shift, 2);
      bits_put (&w, cx.second_order, 1);
      bits_put (&w, cy.second_order, 1);
      bits_put (&w, cx.k0, 5);
      bits_put (&w, cy.k0, 5);

      if (pressure_varies)
        {
          /* The pressure deltas go in the x scratch slot we did not choose. */
          g_autofree guint32 *pv = g_new (guint32, n - 1);

          for (guint i = 1; i < n; i++)
            pv[i - 1] = (guint32) tafel_zigzag_encode ((gint) qp[i] - (gint) qp[i - 1]);
          kp = initial_k (pv, n - 1, 7);
          bits_put (&w, kp, 3);

          {
            Adapt ax, ay, ap;

            adapt_init (&ax, cx.k0);
            adapt_init (&ay, cy.k0);
            adapt_init (&ap, kp);
            for (guint i = 0; i < n - 1; i++)
              {
                rice_put (&w, rx[i], ax.k);
                adapt_update (&ax, rx[i]);
                rice_put (&w, ry[i], ay.k);
                adapt_update (&ay, ry[i]);
                rice_put (&w, pv[i], ap.k);
                adapt_update (&ap, pv[i]);
              }
          }
        }
      else
        {
          Adapt ax, ay;

          adapt_init (&ax, cx.k0);
          adapt_init (&ay, cy.k0);
          for (guint i = 0; i < n - 1; i++)
            {
              rice_put (&w, rx[i], ax.k);
              adapt_update (&ax, rx[i]);
              rice_put (&w, ry[i], ay.k);
              adapt_update (&ay, ry[i]);
            }
        }
      bits_flush (&w);
      hlen = w.pos;
    }

  g_assert (hlen <= cap);
  return g_bytes_new_take (g_realloc (g_steal_pointer (&out), hlen), hlen);
}

/* ---- Decoder ------------------------------------------------------------- */

typedef struct
{
  const guint8 *p;
  const guint8 *end;
  guint64       buf;    /* next bits, most significant first */
  guint         avail;  /* valid bits in buf (bits past the end read as 0) */
  gsize         overrun; /* zero bits supplied past the end */
} BitReader;

static inline void
bits_refill (BitReader *r)
{
  if (G_LIKELY (r->end - r->p >= 8))
    {
      guint64 word;

      memcpy (&word, r->p, 8);
      word = GUINT64_FROM_BE (word);
      r->buf |= word >> r->avail;
      r->p += (63 - r->avail) >> 3;
      r->avail |= 56;
      return;
    }
  while (r->avail <= 56)
    {
      if (r->p < r->end)
        r->buf |= (guint64) *r->p++ << (56 - r->avail);
      else
        r->overrun += 8;
      r->avail += 8;
    }
}

static inline guint32
bits_take (BitReader *r,
           guint      count)
{
  guint32 v;

  if (count == 0)
    return 0;
  v = (guint32) (r->buf >> (64 - count));
  r->buf <<= count;
  r->avail -= count;
  return v;
}

/* Returns FALSE on a non-canonical escape. Needs ≥ 53 bits available. */
static inline gboolean
rice_get (BitReader *r,
          guint      k,
          guint32   *v)
{
  guint zeros = r->buf == 0 ? 64 : (guint) __builtin_clzll (r->buf);

  if (G_UNLIKELY (zeros >= RICE_ESCAPE))
    {
      r->buf <<= RICE_ESCAPE;
      r->avail -= RICE_ESCAPE;
      if (bits_take (r, 1) != 1)
        return FALSE;
      *v = bits_take (r, ESCAPE_BITS);
      /* Escapes only for values that need them: one encoding per value. */
      return (*v >> k) >= RICE_ESCAPE;
    }

  r->buf <<= zeros + 1;
  r->avail -= zeros + 1;
  *v = ((guint32) zeros << k) | bits_take (r, k);
  return TRUE;
}

static gboolean
fail_points (GError **error)
{
  g_set_error_literal (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_MALFORMED,
                       _("The stroke’s points are not a valid packed point stream"));
  return FALSE;
}

gboolean
tafel_stroke_decode_header (TafelReader        *r,
                            TafelStrokeHeader  *h,
                            GError            **error)
{
  guint8 flags;
  guint64 n;

  if (!tafel_read_u8 (r, "stroke flags", &flags, error))
    return FALSE;
  if (flags & ~0x03)
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_MALFORMED,
                   _("The stroke has unknown flags 0x%02x"), flags);
      return FALSE;
    }
  h->tool = (flags & 0x01) ? TAFEL_TOOL_HIGHLIGHTER : TAFEL_TOOL_PEN;
  h->pressure_varies = (flags & 0x02) != 0;
  if (!tafel_read_u32 (r, "stroke colour", &h->rgba, error) ||
      !tafel_read_f32 (r, "stroke width", &h->width, error))
    return FALSE;
  if (!(h->width > 0 && h->width <= TAFEL_WIDTH_MAX))
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                   _("The stroke width %g is outside 0…%g"), h->width, TAFEL_WIDTH_MAX);
      return FALSE;
    }
  if (!tafel_read_varint (r, "number of points", &n, error))
    return FALSE;
  if (n == 0)
    {
      g_set_error_literal (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                           _("The stroke has no points"));
      return FALSE;
    }
  if (n > TAFEL_STROKE_MAX_POINTS)
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_TOO_LARGE,
                   _("The stroke has %" PRIu64 " points, more than the limit of %d"),
                   n, TAFEL_STROKE_MAX_POINTS);
      return FALSE;
    }
  h->n_points = (guint) n;
  return TRUE;
}

static void
set_box (TafelStrokeBox *box,
         gint64          x0,
         gint64          y0,
         gint64          x1,
         gint64          y1,
         guint           max_level)
{
  /* The conversions are monotonic, so these are exactly the extremes of
   * the decoded floats. */
  box->valid = TRUE;
  box->x0 = coord_from_quanta (x0);
  box->y0 = coord_from_quanta (y0);
  box->x1 = coord_from_quanta (x1);
  box->y1 = coord_from_quanta (y1);
  box->max_pressure = pressure_from_level (max_level);
}

/* Decodes the points after the header into @points (n_points of them), or
 * only checks them when @points is NULL; puts their box into @box
 * (nullable) on success. */
gboolean
tafel_stroke_decode_points (TafelReader             *r,
                            const TafelStrokeHeader *h,
                            TafelPoint              *points,
                            TafelStrokeBox          *box,
                            GError                 **error)
{
  gint64 x, y;
  guint8 p0;
  guint n = h->n_points;
  BitReader br;
  guint shift, kx, ky, kp = 0;
  gboolean so_x, so_y;
  Adapt ax, ay, ap;
  gint64 sx = 0, sy = 0;   /* previous steps */
  gint64 p;
  float pf;
  gint64 x0, y0, x1, y1;   /* the box, in quanta */
  guint max_level;

  if (!tafel_read_zigzag (r, "first point", &x, error) ||
      !tafel_read_zigzag (r, "first point", &y, error) ||
      !tafel_read_u8 (r, "first pressure", &p0, error))
    return FALSE;
  if (x < -MAX_Q || x > MAX_Q || y < -MAX_Q || y > MAX_Q)
    {
      g_set_error_literal (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                           _("A point of the stroke lies outside the board"));
      return FALSE;
    }
  if (p0 > PRESSURE_LEVELS)
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                   _("The stroke’s pressure level %u is above %u"), p0, PRESSURE_LEVELS);
      return FALSE;
    }
  pf = pressure_from_level (p0);
  if (points != NULL)
    {
      points[0].x = coord_from_quanta (x);
      points[0].y = coord_from_quanta (y);
      points[0].pressure = pf;
    }

  if (n == 1)
    {
      if (h->pressure_varies)
        {
          g_set_error_literal (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_MALFORMED,
                               _("A stroke of one point cannot have varying pressure"));
          return FALSE;
        }
      if (box != NULL)
        set_box (box, x, y, x, y, p0);
      return TRUE;
    }
  x0 = x1 = x;
  y0 = y1 = y;
  max_level = p0;

  br.p = r->p;
  br.end = r->end;
  br.buf = 0;
  br.avail = 0;
  br.overrun = 0;
  bits_refill (&br);
  shift = bits_take (&br, 2);
  so_x = bits_take (&br, 1);
  so_y = bits_take (&br, 1);
  kx = bits_take (&br, 5);
  ky = bits_take (&br, 5);
  if (h->pressure_varies)
    kp = bits_take (&br, 3);
  if (kx > MAX_K || ky > MAX_K)
    return fail_points (error);
  adapt_init (&ax, kx);
  adapt_init (&ay, ky);
  adapt_init (&ap, kp);
  p = p0;

  for (guint i = 1; i < n; i++)
    {
      guint32 vx, vy;
      gint64 rx, ry;

      bits_refill (&br);
      if (G_UNLIKELY (!rice_get (&br, ax.k, &vx)))
        return fail_points (error);
      adapt_update (&ax, vx);
      bits_refill (&br);
      if (G_UNLIKELY (!rice_get (&br, ay.k, &vy)))
        return fail_points (error);
      adapt_update (&ay, vy);

      rx = tafel_zigzag_decode (vx);
      ry = tafel_zigzag_decode (vy);
      sx = so_x ? sx + rx : rx;
      sy = so_y ? sy + ry : ry;
      x += sx * (1 << shift);
      y += sy * (1 << shift);
      /* Steps are bounded by the escape width, so x and y stay far from
       * overflow between these checks. */
      if (G_UNLIKELY ((guint64) (x + MAX_Q) > 2 * MAX_Q || (guint64) (y + MAX_Q) > 2 * MAX_Q))
        {
          g_set_error_literal (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                               _("A point of the stroke lies outside the board"));
          return FALSE;
        }
      x0 = MIN (x0, x);
      x1 = MAX (x1, x);
      y0 = MIN (y0, y);
      y1 = MAX (y1, y);

      if (h->pressure_varies)
        {
          guint32 vp;

          bits_refill (&br);
          if (G_UNLIKELY (!rice_get (&br, ap.k, &vp)))
            return fail_points (error);
          adapt_update (&ap, vp);
          p += tafel_zigzag_decode (vp);
          if (G_UNLIKELY ((guint64) p > PRESSURE_LEVELS))
            return fail_points (error);
          pf = pressure_from_level ((guint) p);
          max_level = MAX (max_level, (guint) p);
        }

      if (points != NULL)
        {
          points[i].x = coord_from_quanta (x);
          points[i].y = coord_from_quanta (y);
          points[i].pressure = pf;
        }
    }

  /* The stream must end within the body, padded with zero bits to its last
   * byte, and nothing may follow. */
  {
    gsize unread_bytes = (gsize) (br.end - br.p);
    gsize bits_left = unread_bytes * 8 + br.avail;

    if (br.overrun > bits_left)
      {
        g_set_error_literal (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_TRUNCATED,
                             _("The stroke’s points end early"));
        return FALSE;
      }
    bits_left -= br.overrun;
    if (bits_left >= 8)
      {
        g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_MALFORMED,
                     _("%zu unexpected bytes follow the stroke’s points"),
                     bits_left / 8);
        return FALSE;
      }
    if (bits_left > 0 && (br.buf >> (64 - bits_left)) != 0)
      return fail_points (error);
    r->p = r->end;
  }

  if (box != NULL)
    set_box (box, x0, y0, x1, y1, max_level);
  return TRUE;
}

/**
 * tafel_stroke_decode:
 * @body: a stroke record body
 * @stroke: (out caller-allocates): where to put the stroke
 * @error: return location for a #GError
 *
 * Unpacks a stroke body and checks it: flags, a finite width within
 * limits, 1 … TAFEL_STROKE_MAX_POINTS points inside the board, and nothing
 * after them. Free the points with tafel_stroke_clear().
 *
 * Returns: %TRUE on success; on failure @stroke is left empty
 */
gboolean
tafel_stroke_decode (GBytes       *body,
                     TafelStroke  *stroke,
                     GError      **error)
{
  TafelReader r;
  TafelStrokeHeader h;
  gsize len;
  gconstpointer data;
  g_autofree TafelPoint *points = NULL;

  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (stroke != NULL, FALSE);

  memset (stroke, 0, sizeof *stroke);
  data = g_bytes_get_data (body, &len);
  tafel_reader_init (&r, data, len);
  if (!tafel_stroke_decode_header (&r, &h, error))
    return FALSE;
  points = g_new (TafelPoint, h.n_points);
  if (!tafel_stroke_decode_points (&r, &h, points, NULL, error))
    return FALSE;

  stroke->tool = h.tool;
  stroke->rgba = h.rgba;
  stroke->width = h.width;
  stroke->n_points = h.n_points;
  stroke->points = g_steal_pointer (&points);
  return TRUE;
}

/**
 * tafel_stroke_clear:
 * @stroke: a stroke
 *
 * Frees the points of @stroke and empties it.
 */
void
tafel_stroke_clear (TafelStroke *stroke)
{
  g_return_if_fail (stroke != NULL);

  g_clear_pointer (&stroke->points, g_free);
  stroke->n_points = 0;
}
