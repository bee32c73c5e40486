/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TafelTransport:
 *
 * A reliable, ordered byte stream in each direction over an unreliable
 * datagram path (a libnice component in non-reliable mode). It does no I/O
 * and reads no clock: the caller feeds it received datagrams and the time,
 * asks it for datagrams to send, and wakes it at its deadline. That keeps it
 * testable with a simulated network and virtual time.
 *
 * Why not libnice's reliable mode or a PseudoTcpSocket: see tafel-link.c.
 *
 * Loss recovery and congestion control follow RFC 9002 (QUIC): packet
 * numbers are never reused, so every acknowledgement gives an unambiguous
 * RTT sample; acknowledgements carry ranges, so a burst of losses is
 * repaired in one round trip instead of one segment per round trip;
 * NewReno congestion control with pacing; a probe timeout for tail loss.
 * The receiver advertises how far the sender may write (flow control), so a
 * receiver that stops reading stops the sender without unbounded buffering.
 *
 * Datagrams are not authenticated here: the stream they carry is (by
 * crypto_secretstream in the link), so forged data only breaks the stream
 * and closes the link. Each datagram ends in a checksum, so one damaged on
 * the way (by a path that corrupts what a UDP checksum lets through) is
 * dropped like a lost one instead of breaking the stream.
 */
typedef struct _TafelTransport TafelTransport;

/* Bytes of a DATA datagram that are not payload (header and checksum). */
#define TAFEL_TRANSPORT_DATA_OVERHEAD (17 + 8)
/* Datagram sizes: what any IPv4/IPv6 path carries unfragmented (also
 * through a TURN relay), and what loopback carries. */
#define TAFEL_TRANSPORT_DATAGRAM_INTERNET 1200
#define TAFEL_TRANSPORT_DATAGRAM_LOOPBACK 65000
#define TAFEL_TRANSPORT_MIN_DATAGRAM      576
#define TAFEL_TRANSPORT_MAX_DATAGRAM      65000
/* Every receiver accepts this much before it has said otherwise. */
#define TAFEL_TRANSPORT_MIN_WINDOW        (256 * 1024)

typedef struct
{
  guint64 packets_sent;
  guint64 packets_received;
  guint64 packets_lost;       /* declared lost (and their data resent) */
  guint64 probes_sent;        /* probe timeouts */
  guint64 bytes_sent;         /* datagram bytes, including headers */
  guint64 bytes_received;     /* datagram bytes taken, including headers */
  guint64 damaged;            /* datagrams dropped for a wrong checksum */
  gint64  srtt_us;            /* smoothed round-trip time; 0 before a sample */
  gint64  min_rtt_us;
  gsize   cwnd;               /* congestion window, bytes */
  gsize   bytes_in_flight;
} TafelTransportStats;

TafelTransport *tafel_transport_new              (gsize          window) G_GNUC_WARN_UNUSED_RESULT;
void            tafel_transport_free             (TafelTransport *self);

void            tafel_transport_set_max_datagram (TafelTransport *self,
                                                  gsize          size);
gsize           tafel_transport_get_max_datagram (TafelTransport *self);

gsize           tafel_transport_write            (TafelTransport *self,
                                                  gconstpointer  data,
                                                  gsize          len);
gsize           tafel_transport_get_write_space  (TafelTransport *self);
gsize           tafel_transport_get_unacked      (TafelTransport *self);

const guint8   *tafel_transport_peek             (TafelTransport *self,
                                                  gsize         *len);
void            tafel_transport_consume          (TafelTransport *self,
                                                  gsize          len);

gboolean        tafel_transport_receive          (TafelTransport *self,
                                                  gconstpointer  datagram,
                                                  gsize          len,
                                                  gint64         now);
gsize           tafel_transport_transmit         (TafelTransport *self,
                                                  guint8        *buf,
                                                  gsize          buf_len,
                                                  gint64         now);
gsize           tafel_transport_transmit_ack     (TafelTransport *self,
                                                  guint8        *buf,
                                                  gsize          buf_len,
                                                  gint64         now);
gint64          tafel_transport_get_deadline     (TafelTransport *self,
                                                  gint64         now);
void            tafel_transport_handle_timeout   (TafelTransport *self,
                                                  gint64         now);

void            tafel_transport_get_stats        (TafelTransport *self,
                                                  TafelTransportStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelTransport, tafel_transport_free)

G_END_DECLS
