/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-crypto.h"
#include "tafel-transport.h"

/* Wire format, integers big-endian:
 *
 *   DATA  u8 1 | u64 packet number | u64 stream offset | payload | check
 *   ACK   u8 2 | u64 max data | u32 ack delay (µs) | u8 n (0..32)
 *         | n × (u64 first, u64 end): received packet numbers [first, end),
 *           highest range first, ranges disjoint | check
 *
 * "check" is tafel_checksum() of everything before it, 8 bytes: a
 * datagram whose check does not match was damaged and is dropped unread.
 *
 * A DATA packet with an empty payload is a probe: it only asks for an ACK.
 * "max data" is the stream offset the receiver lets the sender write up to.
 */

enum
{
  PACKET_DATA = 1,
  PACKET_ACK  = 2,
};

#define DATA_HEADER_BYTES    17
#define CHECK_BYTES          8
#define ACK_HEADER_BYTES     14
#define ACK_RANGE_BYTES      16
#define MAX_ACK_RANGES       32
#define MAX_RECV_PN_RANGES   64
/* Bounds the work a sender of tiny scattered fragments can cause. */
#define MAX_RECV_DATA_RANGES 4096

#define INITIAL_RTT_US       (100 * 1000)
#define GRANULARITY_US       1000
#define MAX_ACK_DELAY_US     5000
#define MIN_PTO_US           (10 * 1000)
#define MAX_PTO_BACKOFF      6     /* keeps probing a stalled path about once a second or two */
#define ACK_EVERY            4
#define PACKET_THRESHOLD     3
#define INITIAL_WINDOW_PACKETS 10
#define MIN_WINDOW_PACKETS   2
#define PACING_BURST_PACKETS 10

#define NO_TIME G_MAXINT64

typedef struct
{
  guint64 start;
  guint64 end;
} Range;

typedef enum
{
  SENT_IN_FLIGHT,
  SENT_ACKED,
  SENT_LOST,
} SentState;

typedef struct
{
  guint64 offset;
  guint32 len;        /* stream bytes */
  guint32 size;       /* datagram bytes */
  gint64  time_sent;
  SentState state;
} SentPacket;

/* A byte ring addressed by stream offset: position 0 is offset @base. */
typedef struct
{
  guint8  *data;
  gsize    cap;
  gsize    head;
  guint64  base;
  gsize    len;       /* bytes held (send side only) */
} Ring;

struct _TafelTransport
{
  gsize    window;
  gsize    max_datagram;

  /* Sending. */
  Ring     send;            /* written and not yet acknowledged */
  guint64  next_offset;     /* first byte never sent */
  guint64  peer_max_data;
  GArray  *acked;           /* Range: acknowledged stream bytes above send.base */
  GArray  *retransmit;      /* Range: unacknowledged bytes to send again */
  SentPacket *sent;         /* ring of packets first_pn .. next_pn - 1 */
  gsize    sent_cap;
  gsize    sent_head;
  guint64  first_pn;
  guint64  next_pn;
  guint64  largest_acked;
  gboolean have_acked;
  gsize    bytes_in_flight;
  gsize    cwnd;
  gsize    ssthresh;
  gint64   recovery_start;
  gint64   srtt;
  gint64   rttvar;
  gint64   min_rtt;
  gint64   latest_rtt;
  gboolean have_rtt;
  gint64   loss_time;
  gint64   last_ack_eliciting_sent;
  guint    pto_count;
  guint    probe_credit;
  gint64   pacing_next;
  gboolean sent_anything;

  /* Receiving. */
  Ring     recv;            /* base is the read offset */
  GArray  *received;        /* Range: stream bytes held at or above recv.base */
  GArray  *recv_pns;        /* Range: packet numbers seen (the latest ranges) */
  guint64  largest_recv_pn;
  gboolean have_recv_pn;
  gint64   largest_recv_time;
  guint    ack_pending;
  gboolean ack_now;
  gint64   ack_deadline;
  gboolean update_pending;
  guint64  max_data_sent;

  TafelTransportStats counters;
};

/* ---- big-endian helpers -------------------------------------------------- */

static inline void
put_u64 (guint8 *p, guint64 v)
{
  for (int i = 7; i >= 0; i--, v >>= 8)
    p[i] = v & 0xff;
}

static inline void
put_u32 (guint8 *p, guint32 v)
{
  for (int i = 3; i >= 0; i--, v >>= 8)
    p[i] = v & 0xff;
}

static inline guint64
get_u64 (const guint8 *p)
{
  guint64 v = 0;

  for (int i = 0; i < 8; i++)
    v = (v << 8) | p[i];
  return v;
}

static inline guint32
get_u32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* ---- range sets: sorted, disjoint, non-adjacent half-open ranges --------- */

static GArray *
range_set_new (void)
{
  return g_array_new (FALSE, FALSE, sizeof (Range));
}

/* The index of the first range whose end is at or after @x. */
static guint
range_set_lower_bound (GArray *set,
                       guint64 x)
{
  guint lo = 0, hi = set->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (set, Range, mid).end < x)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Adds [start, end). Fails, changing nothing, when that would need a new
 * range and the set already holds @max_ranges (0: no limit). */
static gboolean
range_set_add (GArray  *set,
               guint64  start,
               guint64  end,
               guint    max_ranges)
{
  guint i, j;
  Range merged = { start, end };

  if (start >= end)
    return TRUE;

  i = range_set_lower_bound (set, start);
  for (j = i; j < set->len && g_array_index (set, Range, j).start <= end; j++)
    {
      Range *r = &g_array_index (set, Range, j);

      merged.start = MIN (merged.start, r->start);
      merged.end = MAX (merged.end, r->end);
    }

  if (j == i)
    {
      if (max_ranges != 0 && set->len >= max_ranges)
        return FALSE;
      g_array_insert_val (set, i, merged);
    }
  else
    {
      g_array_index (set, Range, i) = merged;
      if (j > i + 1)
        g_array_remove_range (set, i + 1, j - i - 1);
    }

  return TRUE;
}

/* Removes [start, end) from the set. */
static void
range_set_remove (GArray  *set,
                  guint64  start,
                  guint64  end)
{
  guint i;

  if (start >= end)
    return;

  i = range_set_lower_bound (set, start + 1);
  while (i < set->len)
    {
      Range *r = &g_array_index (set, Range, i);

      if (r->start >= end)
        break;

      if (r->start < start && r->end > end)
        {
          /* Split in two. */
          Range tail = { end, r->end };

          r->end = start;
          g_array_insert_val (set, i + 1, tail);
          break;
        }
      else if (r->start < start)
        {
          r->end = start;
          i++;
        }
      else if (r->end > end)
        {
          r->start = end;
          break;
        }
      else
        {
          g_array_remove_index (set, i);
        }
    }
}

static gboolean
range_set_contains (GArray  *set,
                    guint64  x)
{
  guint i = range_set_lower_bound (set, x + 1);

  return i < set->len && g_array_index (set, Range, i).start <= x;
}

/* ---- rings --------------------------------------------------------------- */

static void
ring_reserve (Ring  *ring,
              gsize  need)
{
  gsize cap;
  guint8 *data;

  if (need <= ring->cap)
    return;

  cap = MAX (ring->cap, 16 * 1024);
  while (cap < need)
    cap *= 2;

  data = g_malloc (cap);
  if (ring->cap > 0)
    {
      memcpy (data, ring->data + ring->head, ring->cap - ring->head);
      memcpy (data + ring->cap - ring->head, ring->data, ring->head);
    }
  g_free (ring->data);
  ring->data = data;
  ring->cap = cap;
  ring->head = 0;
}

static void
ring_write_at (Ring          *ring,
               gsize          pos,
               const guint8  *src,
               gsize          n)
{
  gsize idx, first;

  g_assert (pos + n <= ring->cap);
  if (n == 0)
    return;
  idx = (ring->head + pos) % ring->cap;
  first = MIN (n, ring->cap - idx);
  memcpy (ring->data + idx, src, first);
  memcpy (ring->data, src + first, n - first);
}

static void
ring_read_at (Ring   *ring,
              gsize   pos,
              guint8 *dst,
              gsize   n)
{
  gsize idx, first;

  g_assert (pos + n <= ring->cap);
  if (n == 0)
    return;
  idx = (ring->head + pos) % ring->cap;
  first = MIN (n, ring->cap - idx);
  memcpy (dst, ring->data + idx, first);
  memcpy (dst + first, ring->data, n - first);
}

static void
ring_advance (Ring  *ring,
              gsize  n)
{
  if (n == 0)
    return;
  g_assert (ring->cap > 0);
  ring->head = (ring->head + n) % ring->cap;
  ring->base += n;
}

/* ---- sent packets -------------------------------------------------------- */

static inline SentPacket *
sent_slot (TafelTransport *self,
           guint64         pn)
{
  g_assert (pn >= self->first_pn && pn < self->next_pn);
  return &self->sent[(self->sent_head + (pn - self->first_pn)) % self->sent_cap];
}

static SentPacket *
sent_push (TafelTransport *self)
{
  gsize count = self->next_pn - self->first_pn;

  if (count == self->sent_cap)
    {
      gsize cap = MAX (self->sent_cap * 2, 256);
      SentPacket *sent = g_new (SentPacket, cap);

      for (gsize i = 0; i < count; i++)
        sent[i] = self->sent[(self->sent_head + i) % self->sent_cap];
      g_free (self->sent);
      self->sent = sent;
      self->sent_cap = cap;
      self->sent_head = 0;
    }

  self->next_pn++;
  return sent_slot (self, self->next_pn - 1);
}

static void
sent_pop_done (TafelTransport *self)
{
  while (self->first_pn < self->next_pn &&
         sent_slot (self, self->first_pn)->state != SENT_IN_FLIGHT)
    {
      self->sent_head = (self->sent_head + 1) % self->sent_cap;
      self->first_pn++;
    }
}

/* ---- construction -------------------------------------------------------- */

/**
 * tafel_transport_new:
 * @window: the most bytes in flight and buffered in each direction; at
 *   least %TAFEL_TRANSPORT_MIN_WINDOW
 *
 * Creates a transport endpoint. Both ends of a path use one each. Buffers
 * grow as needed up to @window, so an idle transport costs little memory.
 *
 * Returns: (transfer full): a new transport
 */
TafelTransport *
tafel_transport_new (gsize window)
{
  TafelTransport *self;

  g_return_val_if_fail (window >= TAFEL_TRANSPORT_MIN_WINDOW, NULL);

  self = g_new0 (TafelTransport, 1);
  self->window = window;
  self->acked = range_set_new ();
  self->retransmit = range_set_new ();
  self->received = range_set_new ();
  self->recv_pns = range_set_new ();
  self->peer_max_data = TAFEL_TRANSPORT_MIN_WINDOW;
  self->ssthresh = G_MAXSIZE;
  self->recovery_start = G_MININT64;
  self->loss_time = NO_TIME;
  self->ack_deadline = NO_TIME;
  self->pacing_next = G_MININT64;
  self->max_data_sent = TAFEL_TRANSPORT_MIN_WINDOW;
  tafel_transport_set_max_datagram (self, TAFEL_TRANSPORT_DATAGRAM_INTERNET);

  return self;
}

/**
 * tafel_transport_free:
 * @self: (nullable) (transfer full): a transport
 *
 * Frees the transport and everything it buffers.
 */
void
tafel_transport_free (TafelTransport *self)
{
  if (self == NULL)
    return;

  g_free (self->send.data);
  g_free (self->recv.data);
  g_free (self->sent);
  g_array_unref (self->acked);
  g_array_unref (self->retransmit);
  g_array_unref (self->received);
  g_array_unref (self->recv_pns);
  g_free (self);
}

/**
 * tafel_transport_set_max_datagram:
 * @self: a transport
 * @size: the largest datagram to send, between %TAFEL_TRANSPORT_MIN_DATAGRAM
 *   and %TAFEL_TRANSPORT_MAX_DATAGRAM
 *
 * Sets the datagram size for the path in use; the receiver takes any size.
 */
void
tafel_transport_set_max_datagram (TafelTransport *self,
                                  gsize           size)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (size >= TAFEL_TRANSPORT_MIN_DATAGRAM && size <= TAFEL_TRANSPORT_MAX_DATAGRAM);

  self->max_datagram = size;
  if (!self->sent_anything)
    self->cwnd = MIN (INITIAL_WINDOW_PACKETS * size, self->window);
}

/**
 * tafel_transport_get_max_datagram:
 * @self: a transport
 *
 * Returns: the largest datagram it sends
 */
gsize
tafel_transport_get_max_datagram (TafelTransport *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->max_datagram;
}

/* ---- writing and reading the streams ------------------------------------- */

/**
 * tafel_transport_write:
 * @self: a transport
 * @data: (array length=len): bytes to send
 * @len: their number
 *
 * Appends bytes to the outgoing stream, as many as the send buffer has room
 * for (bytes stay buffered until the peer acknowledges them).
 *
 * Returns: how many bytes were taken
 */
gsize
tafel_transport_write (TafelTransport *self,
                       gconstpointer   data,
                       gsize           len)
{
  gsize n;

  g_return_val_if_fail (self != NULL, 0);

  n = MIN (len, self->window - self->send.len);
  if (n == 0)
    return 0;

  ring_reserve (&self->send, self->send.len + n);
  ring_write_at (&self->send, self->send.len, data, n);
  self->send.len += n;

  return n;
}

/**
 * tafel_transport_get_write_space:
 * @self: a transport
 *
 * Returns: how many bytes tafel_transport_write() would take now
 */
gsize
tafel_transport_get_write_space (TafelTransport *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->window - self->send.len;
}

/**
 * tafel_transport_get_unacked:
 * @self: a transport
 *
 * Returns: bytes written and not yet acknowledged by the peer
 */
gsize
tafel_transport_get_unacked (TafelTransport *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->send.len;
}

/**
 * tafel_transport_peek:
 * @self: a transport
 * @len: (out): the number of bytes at the returned address
 *
 * Looks at the next received bytes of the incoming stream, in order. More
 * may be readable after consuming these (the buffer is a ring).
 *
 * Returns: (transfer none) (nullable): the bytes, or %NULL when none are
 *   readable
 */
const guint8 *
tafel_transport_peek (TafelTransport *self,
                      gsize          *len)
{
  const Range *first;
  gsize avail;

  g_return_val_if_fail (self != NULL, NULL);

  *len = 0;
  if (self->received->len == 0)
    return NULL;
  first = &g_array_index (self->received, Range, 0);
  if (first->start > self->recv.base)
    return NULL;

  avail = first->end - self->recv.base;
  *len = MIN (avail, self->recv.cap - self->recv.head);
  return self->recv.data + self->recv.head;
}

/**
 * tafel_transport_consume:
 * @self: a transport
 * @len: how many peeked bytes were used
 *
 * Frees received bytes, which lets the peer send more.
 */
void
tafel_transport_consume (TafelTransport *self,
                         gsize           len)
{
  const Range *first;

  g_return_if_fail (self != NULL);
  if (len == 0)
    return;
  g_return_if_fail (self->received->len > 0);
  first = &g_array_index (self->received, Range, 0);
  g_return_if_fail (first->start <= self->recv.base && self->recv.base + len <= first->end);

  ring_advance (&self->recv, len);
  range_set_remove (self->received, 0, self->recv.base);

  /* Tell a sender that may be waiting for room once a good part is free. */
  if (self->recv.base + self->window - self->max_data_sent >= self->window / 2)
    self->update_pending = TRUE;
}

/* ---- recovery (RFC 9002) ------------------------------------------------- */

static gint64
pto_duration (TafelTransport *self)
{
  gint64 srtt = self->have_rtt ? self->srtt : INITIAL_RTT_US;
  gint64 rttvar = self->have_rtt ? self->rttvar : INITIAL_RTT_US / 2;
  gint64 pto = srtt + MAX (4 * rttvar, GRANULARITY_US) + MAX_ACK_DELAY_US;

  return MAX (pto, MIN_PTO_US) << MIN (self->pto_count, MAX_PTO_BACKOFF);
}

static gsize
min_window (TafelTransport *self)
{
  return MIN_WINDOW_PACKETS * self->max_datagram;
}

static gboolean
flow_blocked (TafelTransport *self)
{
  return self->next_offset < self->send.base + self->send.len &&
         self->next_offset >= self->peer_max_data;
}

static gboolean
has_data_to_send (TafelTransport *self)
{
  return self->retransmit->len > 0 ||
         (self->next_offset < self->send.base + self->send.len &&
          self->next_offset < self->peer_max_data);
}

static gint64
pto_time (TafelTransport *self)
{
  if (self->bytes_in_flight == 0 && !flow_blocked (self))
    return NO_TIME;
  return self->last_ack_eliciting_sent + pto_duration (self);
}

static void
on_congestion_event (TafelTransport *self,
                     gint64          time_sent,
                     gint64          now)
{
  /* One reduction per round trip, however many packets that trip lost. */
  if (time_sent <= self->recovery_start)
    return;

  self->recovery_start = now;
  self->ssthresh = MAX (self->cwnd / 2, min_window (self));
  self->cwnd = self->ssthresh;
}

static void
declare_lost (TafelTransport *self,
              SentPacket     *p)
{
  self->bytes_in_flight -= p->size;
  p->state = SENT_LOST;
  self->counters.packets_lost++;
  if (p->len > 0)
    {
      guint64 start = MAX (p->offset, self->send.base);

      range_set_add (self->retransmit, start, p->offset + p->len, 0);
      /* Whatever of it was acknowledged meanwhile need not go again. */
      for (guint i = range_set_lower_bound (self->acked, start);
           i < self->acked->len && g_array_index (self->acked, Range, i).start < p->offset + p->len;
           i++)
        {
          const Range *a = &g_array_index (self->acked, Range, i);

          range_set_remove (self->retransmit, a->start, a->end);
        }
    }
}

static void
detect_lost (TafelTransport *self,
             gint64          now)
{
  gint64 loss_delay;
  gint64 lost_send_time;
  gint64 largest_lost_time = G_MININT64;
  gboolean any_lost = FALSE;

  self->loss_time = NO_TIME;
  if (!self->have_acked)
    return;

  loss_delay = MAX (self->latest_rtt, self->have_rtt ? self->srtt : INITIAL_RTT_US);
  loss_delay = MAX (loss_delay + loss_delay / 8, GRANULARITY_US);
  lost_send_time = now - loss_delay;

  for (guint64 pn = self->first_pn; pn < self->next_pn && pn < self->largest_acked; pn++)
    {
      SentPacket *p = sent_slot (self, pn);

      if (p->state != SENT_IN_FLIGHT)
        continue;

      if (p->time_sent <= lost_send_time || self->largest_acked >= pn + PACKET_THRESHOLD)
        {
          declare_lost (self, p);
          largest_lost_time = MAX (largest_lost_time, p->time_sent);
          any_lost = TRUE;
        }
      else
        {
          self->loss_time = MIN (self->loss_time, p->time_sent + loss_delay);
        }
    }

  if (any_lost)
    on_congestion_event (self, largest_lost_time, now);

  sent_pop_done (self);
}

static void
on_packet_acked (TafelTransport *self,
                 SentPacket     *p)
{
  guint64 start;

  if (p->state == SENT_IN_FLIGHT)
    {
      self->bytes_in_flight -= p->size;

      if (p->time_sent > self->recovery_start)
        {
          if (self->cwnd < self->ssthresh)
            self->cwnd += p->size;
          else
            self->cwnd += MAX ((gsize) 1, (gsize) self->max_datagram * p->size / self->cwnd);
          self->cwnd = MIN (self->cwnd, self->window);
        }
    }
  p->state = SENT_ACKED;

  start = MAX (p->offset, self->send.base);
  if (start < p->offset + p->len)
    {
      range_set_add (self->acked, start, p->offset + p->len, 0);
      range_set_remove (self->retransmit, start, p->offset + p->len);
    }
}

static void
update_rtt (TafelTransport *self,
            gint64          latest,
            gint64          ack_delay)
{
  self->latest_rtt = latest;
  if (!self->have_rtt)
    {
      self->have_rtt = TRUE;
      self->min_rtt = latest;
      self->srtt = latest;
      self->rttvar = latest / 2;
      return;
    }

  self->min_rtt = MIN (self->min_rtt, latest);
  ack_delay = MIN (ack_delay, MAX_ACK_DELAY_US);
  if (latest >= self->min_rtt + ack_delay)
    latest -= ack_delay;
  self->rttvar = (3 * self->rttvar + ABS (self->srtt - latest)) / 4;
  self->srtt = (7 * self->srtt + latest) / 8;
}

static gboolean
receive_ack (TafelTransport *self,
             const guint8   *buf,
             gsize           len,
             gint64          now)
{
  guint64 max_data;
  gint64 ack_delay;
  guint n;
  guint64 prev_start = G_MAXUINT64;
  gboolean any_new = FALSE;

  if (len < ACK_HEADER_BYTES)
    return FALSE;
  n = buf[13];
  if (n > MAX_ACK_RANGES || len != ACK_HEADER_BYTES + (gsize) n * ACK_RANGE_BYTES + CHECK_BYTES)
    return FALSE;

  /* Validate all ranges before acting on any. */
  for (guint k = 0; k < n; k++)
    {
      const guint8 *r = buf + ACK_HEADER_BYTES + k * ACK_RANGE_BYTES;
      guint64 start = get_u64 (r), end = get_u64 (r + 8);

      if (start >= end || end > self->next_pn || end > prev_start)
        return FALSE;
      prev_start = start;
    }

  max_data = get_u64 (buf + 1);
  ack_delay = get_u32 (buf + 9);
  self->peer_max_data = MAX (self->peer_max_data, max_data);

  for (guint k = 0; k < n; k++)
    {
      const guint8 *r = buf + ACK_HEADER_BYTES + k * ACK_RANGE_BYTES;
      guint64 start = MAX (get_u64 (r), self->first_pn);
      guint64 end = get_u64 (r + 8);

      if (k == 0)
        {
          guint64 largest = end - 1;

          if (largest >= self->first_pn && sent_slot (self, largest)->state == SENT_IN_FLIGHT)
            update_rtt (self, now - sent_slot (self, largest)->time_sent, ack_delay);
          if (!self->have_acked || largest > self->largest_acked)
            {
              self->largest_acked = largest;
              self->have_acked = TRUE;
            }
        }

      for (guint64 pn = start; pn < end; pn++)
        {
          SentPacket *p = sent_slot (self, pn);

          if (p->state == SENT_ACKED)
            continue;
          /* Answers to empty probes (a closed flow-control window) keep
           * the probe timer backing off. */
          any_new |= p->len > 0;
          on_packet_acked (self, p);
        }
    }

  /* Acknowledged bytes at the front leave the send buffer. */
  while (self->acked->len > 0 && g_array_index (self->acked, Range, 0).start <= self->send.base)
    {
      Range first = g_array_index (self->acked, Range, 0);

      if (first.end > self->send.base)
        {
          gsize n_free = first.end - self->send.base;

          ring_advance (&self->send, n_free);
          self->send.len -= n_free;
        }
      g_array_remove_index (self->acked, 0);
    }
  if (self->next_offset < self->send.base)
    self->next_offset = self->send.base;

  if (any_new)
    self->pto_count = 0;

  detect_lost (self, now);
  return TRUE;
}

static gboolean
receive_data (TafelTransport *self,
              const guint8   *buf,
              gsize           len,
              gint64          now)
{
  guint64 pn, offset, end, start;
  gsize payload_len;

  if (len < TAFEL_TRANSPORT_DATA_OVERHEAD)
    return FALSE;

  pn = get_u64 (buf + 1);
  offset = get_u64 (buf + 9);
  payload_len = len - TAFEL_TRANSPORT_DATA_OVERHEAD;
  if (offset > G_MAXUINT64 - payload_len || pn == G_MAXUINT64)
    return FALSE;
  end = offset + payload_len;
  /* Beyond any credit this receiver ever gives. */
  if (end > self->recv.base + self->window)
    return FALSE;

  start = MAX (offset, self->recv.base);
  if (start < end)
    {
      ring_reserve (&self->recv, end - self->recv.base);
      ring_write_at (&self->recv, start - self->recv.base,
                     buf + DATA_HEADER_BYTES + (start - offset), end - start);
      /* Too fragmented to keep: drop it unacknowledged, it will come again. */
      if (!range_set_add (self->received, start, end, MAX_RECV_DATA_RANGES))
        return TRUE;
    }

  if (range_set_contains (self->recv_pns, pn))
    {
      /* A repeat: our acknowledgement may have been lost. */
      self->ack_now = TRUE;
    }
  else
    {
      range_set_add (self->recv_pns, pn, pn + 1, 0);
      if (self->recv_pns->len > MAX_RECV_PN_RANGES)
        g_array_remove_index (self->recv_pns, 0);
      if (self->have_recv_pn && pn != self->largest_recv_pn + 1)
        self->ack_now = TRUE;    /* reordering or a gap: tell the sender at once */
    }

  if (!self->have_recv_pn || pn > self->largest_recv_pn)
    {
      self->largest_recv_pn = pn;
      self->largest_recv_time = now;
      self->have_recv_pn = TRUE;
    }

  self->counters.packets_received++;
  self->ack_pending++;
  if (self->ack_pending >= ACK_EVERY || payload_len == 0)
    self->ack_now = TRUE;
  if (self->ack_deadline == NO_TIME)
    self->ack_deadline = now + MAX_ACK_DELAY_US;

  return TRUE;
}

/**
 * tafel_transport_receive:
 * @self: a transport
 * @datagram: (array length=len): a datagram from the peer
 * @len: its length
 * @now: the current monotonic time, µs
 *
 * Takes one datagram from the path.
 *
 * Returns: %FALSE if the datagram was malformed and was ignored
 */
gboolean
tafel_transport_receive (TafelTransport *self,
                         gconstpointer   datagram,
                         gsize           len,
                         gint64          now)
{
  const guint8 *buf = datagram;
  gboolean taken;

  g_return_val_if_fail (self != NULL, FALSE);

  if (len <= CHECK_BYTES)
    return FALSE;
  if (get_u64 (buf + len - CHECK_BYTES) != tafel_checksum (buf, len - CHECK_BYTES))
    {
      self->counters.damaged++;
      return FALSE;
    }

  switch (buf[0])
    {
    case PACKET_DATA:
      taken = receive_data (self, buf, len, now);
      break;
    case PACKET_ACK:
      taken = receive_ack (self, buf, len, now);
      break;
    default:
      taken = FALSE;
      break;
    }
  if (taken)
    self->counters.bytes_received += len;
  return taken;
}

static gsize
build_ack (TafelTransport *self,
           guint8         *buf,
           gint64          now)
{
  guint n = MIN (self->recv_pns->len, MAX_ACK_RANGES);
  gint64 delay = self->have_recv_pn ? now - self->largest_recv_time : 0;

  n = MIN (n, (self->max_datagram - ACK_HEADER_BYTES - CHECK_BYTES) / ACK_RANGE_BYTES);
  self->max_data_sent = self->recv.base + self->window;

  buf[0] = PACKET_ACK;
  put_u64 (buf + 1, self->max_data_sent);
  put_u32 (buf + 9, (guint32) CLAMP (delay, 0, G_MAXUINT32));
  buf[13] = n;
  for (guint k = 0; k < n; k++)
    {
      const Range *r = &g_array_index (self->recv_pns, Range, self->recv_pns->len - 1 - k);

      put_u64 (buf + ACK_HEADER_BYTES + k * ACK_RANGE_BYTES, r->start);
      put_u64 (buf + ACK_HEADER_BYTES + k * ACK_RANGE_BYTES + 8, r->end);
    }

  self->ack_pending = 0;
  self->ack_now = FALSE;
  self->ack_deadline = NO_TIME;
  self->update_pending = FALSE;

  return ACK_HEADER_BYTES + n * ACK_RANGE_BYTES + CHECK_BYTES;
}

static void
update_pacing (TafelTransport *self,
               gsize           size,
               gint64          now)
{
  gint64 srtt = self->have_rtt ? MAX (self->srtt, 1) : INITIAL_RTT_US;
  /* Faster than the window per round trip, so pacing spreads bursts
   * without becoming the limit. */
  double gain = self->cwnd < self->ssthresh ? 2.0 : 1.25;
  double us_per_byte = (double) srtt / (gain * (double) self->cwnd);
  gint64 burst = (gint64) (us_per_byte * PACING_BURST_PACKETS * self->max_datagram);

  self->pacing_next = MAX (self->pacing_next, now - burst) + (gint64) (us_per_byte * size);
}

static gsize
build_data (TafelTransport *self,
            guint8         *buf,
            gint64          now)
{
  gsize max_payload = self->max_datagram - TAFEL_TRANSPORT_DATA_OVERHEAD;
  gboolean probe = self->probe_credit > 0;
  guint64 offset;
  gsize len;
  SentPacket *p;
  gsize size;

  if (!probe && (self->bytes_in_flight >= self->cwnd || now < self->pacing_next))
    return 0;

  if (self->retransmit->len > 0)
    {
      Range *r = &g_array_index (self->retransmit, Range, 0);

      g_assert (r->start >= self->send.base);
      offset = r->start;
      len = MIN (r->end - r->start, max_payload);
      r->start += len;
      if (r->start >= r->end)
        g_array_remove_index (self->retransmit, 0);
    }
  else if (self->next_offset < self->send.base + self->send.len &&
           self->next_offset < self->peer_max_data)
    {
      offset = self->next_offset;
      len = MIN (max_payload, self->send.base + self->send.len - offset);
      len = MIN (len, self->peer_max_data - offset);
      self->next_offset += len;
    }
  else if (probe)
    {
      offset = self->next_offset;
      len = 0;
    }
  else
    {
      return 0;
    }

  size = TAFEL_TRANSPORT_DATA_OVERHEAD + len;
  p = sent_push (self);
  p->offset = offset;
  p->len = len;
  p->size = size;
  p->time_sent = now;
  p->state = SENT_IN_FLIGHT;

  buf[0] = PACKET_DATA;
  put_u64 (buf + 1, self->next_pn - 1);
  put_u64 (buf + 9, offset);
  ring_read_at (&self->send, offset - self->send.base, buf + DATA_HEADER_BYTES, len);

  self->bytes_in_flight += size;
  self->last_ack_eliciting_sent = now;
  self->sent_anything = TRUE;
  self->counters.packets_sent++;
  self->counters.bytes_sent += size;
  if (probe)
    self->probe_credit--;
  else
    update_pacing (self, size, now);

  return size;
}

/* Ends a datagram of @size bytes (its last CHECK_BYTES left for it) in
 * its checksum. */
static gsize
seal (guint8 *buf,
      gsize   size)
{
  if (size > 0)
    put_u64 (buf + size - CHECK_BYTES, tafel_checksum (buf, size - CHECK_BYTES));
  return size;
}

/**
 * tafel_transport_transmit:
 * @self: a transport
 * @buf: (out caller-allocates) (array length=buf_len): where to put a datagram
 * @buf_len: at least the maximum datagram size
 * @now: the current monotonic time, µs
 *
 * Produces the next datagram to send, if any is due: an acknowledgement,
 * retransmitted data or new data, as congestion control, pacing and the
 * peer's flow control allow. Call it until it returns 0, then again at the
 * deadline or after new input.
 *
 * Returns: the datagram's length, or 0 when nothing is to be sent now
 */
gsize
tafel_transport_transmit (TafelTransport *self,
                          guint8         *buf,
                          gsize           buf_len,
                          gint64          now)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (buf_len >= self->max_datagram, 0);

  if (self->update_pending ||
      (self->ack_pending > 0 && (self->ack_now || now >= self->ack_deadline)))
    return seal (buf, build_ack (self, buf, now));

  return seal (buf, build_data (self, buf, now));
}

/**
 * tafel_transport_transmit_ack:
 * @self: a transport
 * @buf: (out caller-allocates) (array length=buf_len): where to put it
 * @buf_len: at least the maximum datagram size
 * @now: the current monotonic time, µs
 *
 * Produces an acknowledgement now if anything received awaits one, without
 * waiting for the ACK delay: the last datagram before going away, so the
 * peer does not resend what we already have.
 *
 * Returns: the datagram's length, or 0 if there is nothing to acknowledge
 */
gsize
tafel_transport_transmit_ack (TafelTransport *self,
                              guint8         *buf,
                              gsize           buf_len,
                              gint64          now)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (buf_len >= self->max_datagram, 0);

  if (self->ack_pending == 0 && !self->update_pending)
    return 0;
  return seal (buf, build_ack (self, buf, now));
}

/**
 * tafel_transport_get_deadline:
 * @self: a transport
 * @now: the current monotonic time, µs
 *
 * Returns: when the transport next needs tafel_transport_handle_timeout()
 *   or tafel_transport_transmit(), µs; %G_MAXINT64 for never
 */
gint64
tafel_transport_get_deadline (TafelTransport *self,
                              gint64          now)
{
  gint64 deadline = NO_TIME;

  g_return_val_if_fail (self != NULL, NO_TIME);

  if (self->update_pending)
    return now;
  if (self->ack_pending > 0)
    deadline = self->ack_now ? now : self->ack_deadline;

  if (self->loss_time != NO_TIME)
    deadline = MIN (deadline, self->loss_time);
  else
    deadline = MIN (deadline, pto_time (self));

  if (self->probe_credit > 0)
    deadline = now;
  else if (has_data_to_send (self) && self->bytes_in_flight < self->cwnd)
    deadline = MIN (deadline, MAX (now, self->pacing_next));

  return deadline;
}

static void
on_pto (TafelTransport *self)
{
  self->pto_count++;
  self->counters.probes_sent++;
  self->probe_credit = 2;

  /* With no new data to carry the probe, send the oldest unacknowledged
   * data again; the answer tells what else is missing. */
  if (!has_data_to_send (self))
    {
      for (guint64 pn = self->first_pn; pn < self->next_pn; pn++)
        {
          SentPacket *p = sent_slot (self, pn);

          if (p->state == SENT_IN_FLIGHT && p->len > 0)
            {
              range_set_add (self->retransmit, MAX (p->offset, self->send.base),
                             p->offset + p->len, 0);
              break;
            }
        }
    }
}

/**
 * tafel_transport_handle_timeout:
 * @self: a transport
 * @now: the current monotonic time, µs
 *
 * Runs the loss and probe timers; call at the deadline, then transmit.
 */
void
tafel_transport_handle_timeout (TafelTransport *self,
                                gint64          now)
{
  gint64 pto;

  g_return_if_fail (self != NULL);

  if (self->loss_time != NO_TIME)
    {
      if (now >= self->loss_time)
        detect_lost (self, now);
      return;
    }

  pto = pto_time (self);
  if (pto != NO_TIME && now >= pto)
    on_pto (self);
}

/**
 * tafel_transport_get_stats:
 * @self: a transport
 * @stats: (out caller-allocates): where to put the figures
 *
 * Reports counters and the current RTT and congestion window.
 */
void
tafel_transport_get_stats (TafelTransport      *self,
                           TafelTransportStats *stats)
{
  g_return_if_fail (self != NULL);

  *stats = self->counters;
  stats->srtt_us = self->have_rtt ? self->srtt : 0;
  stats->min_rtt_us = self->have_rtt ? self->min_rtt : 0;
  stats->cwnd = self->cwnd;
  stats->bytes_in_flight = self->bytes_in_flight;
}
