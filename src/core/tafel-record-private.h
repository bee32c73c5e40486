/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Internal to the core: pieces of the record codecs that the log, the log
 * file and the .tafel file share. */

#include "tafel-bytes.h"
#include "tafel-record.h"

G_BEGIN_DECLS

/* The signed bytes of a record are this context followed by the envelope up
 * to (not including) the signature flag. The context keeps a record
 * signature from ever being valid as a signature of anything else made with
 * the same identity key (handshake transcripts, …); it is not transmitted. */
#define TAFEL_RECORD_SIGNING_CONTEXT     "tafel-record\n"
#define TAFEL_RECORD_SIGNING_CONTEXT_LEN 13

/* The longest envelope header before the body: version, author, seq, prev,
 * lamport, kind and body length. */
#define TAFEL_RECORD_HEADER_MAX (1 + TAFEL_PUBLIC_KEY_BYTES + 10 + TAFEL_HASH_BYTES + 10 + 10 + 10)
/* The same for version 2, which adds the key id and the time. */
#define TAFEL_RECORD_V2_HEADER_MAX (TAFEL_RECORD_HEADER_MAX + 4 + 10)

/* What checking a stroke's points finds out on the way, so that whoever
 * needs the stroke's extents next need not decode it again: the box of its
 * points and its highest pressure, exactly as tafel_stroke_decode() gives
 * them (the same floats). */
typedef struct
{
  gboolean valid;
  float    x0, y0, x1, y1;
  float    max_pressure;
} TafelStrokeBox;

/* Writes the envelope header (everything before the body) to @buf, which
 * holds TAFEL_RECORD_HEADER_MAX bytes; returns its length. */
gsize        tafel_record_write_header   (guint8               *buf,
                                          const TafelPublicKey *author,
                                          guint64               seq,
                                          const TafelHash      *prev,
                                          guint64               lamport,
                                          guint                 kind,
                                          gsize                 body_len);
/* The same for envelope version 2; @buf holds TAFEL_RECORD_V2_HEADER_MAX
 * bytes. */
gsize        tafel_record_write_header_v2 (guint8               *buf,
                                           const TafelPublicKey *author,
                                           guint64               seq,
                                           const TafelHash      *prev,
                                           guint64               lamport,
                                           guint                 kind,
                                           guint32               key_id,
                                           guint64               time,
                                           gsize                 body_len);
/* The id of a record with this header and body. */
void         tafel_record_compute_id     (TafelHash            *id,
                                          const guint8         *header,
                                          gsize                 header_len,
                                          gconstpointer         body,
                                          gsize                 body_len);
/* Builds a record whose id the caller already computed (with
 * tafel_record_compute_id()). Takes a reference on @body. */
TafelRecord *tafel_record_new_with_id    (const TafelPublicKey *author,
                                          guint64               seq,
                                          const TafelHash      *prev,
                                          guint64               lamport,
                                          guint                 kind,
                                          GBytes               *body,
                                          const TafelSignature *signature,
                                          const TafelHash      *id) G_GNUC_WARN_UNUSED_RESULT;
/* The same for a version 2 envelope; @body is as on the wire (the
 * ciphertext of a content kind). */
TafelRecord *tafel_record_new_with_id_v2 (const TafelPublicKey *author,
                                          guint64               seq,
                                          const TafelHash      *prev,
                                          guint64               lamport,
                                          guint                 kind,
                                          guint32               key_id,
                                          guint64               time,
                                          GBytes               *body,
                                          const TafelSignature *signature,
                                          const TafelHash      *id) G_GNUC_WARN_UNUSED_RESULT;
/* The encoded envelope's size. */
gsize        tafel_record_get_encoded_size (TafelRecord        *record);

/* Checks the body of a known kind the way the kind's decode() does,
 * without building the struct where that can be avoided. Unknown kinds
 * always pass. */
gboolean     tafel_record_validate_body  (guint                 kind,
                                          gconstpointer         body,
                                          gsize                 len,
                                          TafelStrokeBox       *box,
                                          GError              **error);

/* Marks a body as checked (records read back from this device's own log
 * file, whose bodies were checked before they were written). */
void         tafel_record_mark_body_checked (TafelRecord          *record);
/* The box of a stroke record's points, when its body was checked in this
 * process (%NULL otherwise, and for other kinds). */
const TafelStrokeBox *tafel_record_get_stroke_box (TafelRecord    *record);

/* Stroke internals. */
typedef struct
{
  TafelTool tool;
  guint32   rgba;
  float     width;
  guint     n_points;
  gboolean  pressure_varies;
} TafelStrokeHeader;

gboolean     tafel_stroke_decode_header  (TafelReader             *r,
                                          TafelStrokeHeader       *h,
                                          GError                 **error);
/* Decodes the points into @points, or only checks them when it is NULL;
 * fills @box (nullable) either way. */
gboolean     tafel_stroke_decode_points  (TafelReader             *r,
                                          const TafelStrokeHeader *h,
                                          TafelPoint              *points,
                                          TafelStrokeBox          *box,
                                          GError                 **error);

/* Reads a varint count of items in [@min, @max] that each take at least
 * @item_min_bytes, failing early when the rest of the input cannot hold
 * them. */
gboolean     tafel_record_read_count     (TafelReader          *r,
                                          const char           *what,
                                          guint                 min,
                                          guint                 max,
                                          gsize                 item_min_bytes,
                                          guint                *n,
                                          GError              **error);

/* Control bodies (kinds 64–67 on a version 2 envelope): checks the body
 * the way the kind's decode() does. Other kinds pass. */
gboolean     tafel_control_validate_body (guint                 kind,
                                          gconstpointer         body,
                                          gsize                 len,
                                          GError              **error);

G_END_DECLS
