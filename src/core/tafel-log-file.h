/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Internal to the core: the board's append-only log file and the compact
 * record payloads it shares with the .tafel file. The format is described
 * at the top of tafel-log-file.c. */

#include <glib.h>

#include "tafel-crypto.h"
#include "tafel-log.h"
#include "tafel-record.h"

G_BEGIN_DECLS

guint32 tafel_crc32c (guint32        crc,
                      gconstpointer  data,
                      gsize          len);

/* ---- Compact record payloads --------------------------------------------- */

/* A stream of records in which every author's records appear in gapless seq
 * order from 1, so seq and prev are implicit and the author is a small
 * index after its first appearance. */

typedef struct _TafelPayloadWriter TafelPayloadWriter;

TafelPayloadWriter *tafel_payload_writer_new      (void);
void                tafel_payload_writer_free     (TafelPayloadWriter   *writer);
/* The seq of the author's last record written (0 if none). */
guint64             tafel_payload_writer_get_seq  (TafelPayloadWriter   *writer,
                                                   const TafelPublicKey *author);
/* Starts a batch: changes are provisional until commit, dropped by abort. */
void                tafel_payload_writer_begin    (TafelPayloadWriter   *writer);
void                tafel_payload_writer_commit   (TafelPayloadWriter   *writer);
void                tafel_payload_writer_abort    (TafelPayloadWriter   *writer);
/* Appends the payload of @record (which must be its author's next) to
 * @out; with @keep_signature the record's signature is stored too. */
void                tafel_payload_writer_put      (TafelPayloadWriter   *writer,
                                                   GByteArray           *out,
                                                   TafelRecord          *record,
                                                   gboolean              keep_signature);

typedef struct _TafelPayloadReader TafelPayloadReader;

TafelPayloadReader *tafel_payload_reader_new      (void);
void                tafel_payload_reader_free     (TafelPayloadReader   *reader);

typedef struct
{
  const TafelPublicKey *author;     /* borrowed from the reader */
  guint64               seq;
  guint64               lamport;
  guint                 kind;
  guint                 version;    /* of the envelope: 1 or 2 */
  guint32               key_id;     /* version 2 only, else 0 */
  guint64               time;       /* version 2 only, else 0 */
  const guint8         *body;       /* borrowed from the payload */
  gsize                 body_len;
  gboolean              has_signature;
  TafelSignature        signature;
} TafelPayload;

/* Parses one payload. With @peek only the author and signature flag are
 * read, and the reader still learns new authors. Errors are
 * TAFEL_RECORD_ERROR. */
gboolean            tafel_payload_reader_parse    (TafelPayloadReader   *reader,
                                                   const guint8         *data,
                                                   gsize                 len,
                                                   gboolean              peek,
                                                   TafelPayload         *out,
                                                   GError              **error);
/* Index of the author of the last parsed payload. */
guint               tafel_payload_reader_get_author_index (TafelPayloadReader *reader);
guint               tafel_payload_reader_get_n_authors    (TafelPayloadReader *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelPayloadWriter, tafel_payload_writer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelPayloadReader, tafel_payload_reader_free)

/* ---- The log file -------------------------------------------------------- */

typedef struct _TafelLogFile TafelLogFile;

/* Creates @path (must not exist) with the header for @board_id, mode 0600,
 * synced. Errors are TAFEL_BOARD_ERROR. */
TafelLogFile *tafel_log_file_create   (const char    *path,
                                       const guint8  *board_id,
                                       GError       **error);
/* Opens and locks @path, reads every record into @log (which must be
 * empty) and verifies them. A torn tail (the file ends inside a frame) is
 * cut off (and the file truncated) with a warning; any other damage, the
 * last frame included, fails with TAFEL_BOARD_ERROR_CORRUPT and leaves the
 * file untouched. Another process
 * holding the board fails with TAFEL_BOARD_ERROR_BUSY. */
TafelLogFile *tafel_log_file_open     (const char    *path,
                                       const guint8  *board_id,
                                       TafelLog      *log,
                                       GError       **error);
/* Reads @path into @log without locking or changing it, beside a process
 * that may be writing: a tail being appended is not loaded. */
gboolean      tafel_log_file_read     (const char    *path,
                                       const guint8  *board_id,
                                       TafelLog      *log,
                                       GError       **error);
void          tafel_log_file_close    (TafelLogFile  *file);
/* Appends @records (per author in seq order, each its author's next) with
 * one write. Each author's last record in @records must carry a signature;
 * the others' signatures are not stored. On failure the file is cut back
 * to where it was and nothing is recorded as written
 * (TAFEL_BOARD_ERROR_IO). */
gboolean      tafel_log_file_append   (TafelLogFile  *file,
                                       TafelRecord  **records,
                                       guint          n_records,
                                       GError       **error);
gboolean      tafel_log_file_sync     (TafelLogFile  *file,
                                       GError       **error);
guint64       tafel_log_file_get_seq  (TafelLogFile         *file,
                                       const TafelPublicKey *author);
/* Keeps the damaged @path as @backup_path and writes a new log of every
 * record still intact and verified (see tafel-log-file.c). */
gboolean      tafel_log_file_repair   (const char    *path,
                                       const guint8  *board_id,
                                       const char    *backup_path,
                                       guint         *n_kept,
                                       guint         *n_dropped,
                                       guint64       *damaged_bytes,
                                       GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelLogFile, tafel_log_file_close)

G_END_DECLS
