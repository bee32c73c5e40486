/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tafel-identity.h"
#include "tafel-log.h"
#include "tafel-record.h"

G_BEGIN_DECLS

#define TAFEL_BOARD_ERROR (tafel_board_error_quark ())

typedef enum
{
  TAFEL_BOARD_ERROR_NOT_FOUND,     /* no board with that id (or prefix) */
  TAFEL_BOARD_ERROR_AMBIGUOUS,     /* a prefix that matches several boards */
  TAFEL_BOARD_ERROR_CORRUPT,       /* damaged metadata, or a log that is not this board's */
  TAFEL_BOARD_ERROR_BAD_FILE,      /* a .tafel file that is not one, or is damaged */
  TAFEL_BOARD_ERROR_NEWER_VERSION, /* written by a newer Tafel */
  TAFEL_BOARD_ERROR_IO,            /* the disk refused (full, read-only, …) */
  TAFEL_BOARD_ERROR_INVALID,       /* an argument that breaks a rule (empty title, …) */
  TAFEL_BOARD_ERROR_BUSY,          /* another process has the board open */
  TAFEL_BOARD_ERROR_DAMAGED_LOG,   /* the log is damaged: tafel_board_repair() */
} TafelBoardError;

/* Titles are non-blank UTF-8 of at most this many bytes. */
#define TAFEL_BOARD_TITLE_MAX_BYTES 256

GQuark tafel_board_error_quark (void);

/* The folder every board lives under: $XDG_DATA_HOME/tafel (the CLI's
 * --data-dir replaces it). Boards are in DATA_DIR/boards/<board-id-hex>/. */
char *tafel_default_data_dir (void) G_GNUC_WARN_UNUSED_RESULT;

#define TAFEL_TYPE_BOARD (tafel_board_get_type ())

G_DECLARE_FINAL_TYPE (TafelBoard, tafel_board, TAFEL, BOARD, GObject)

/**
 * TafelBoard:
 *
 * One board on this device: its id, secret and title, its record log, and
 * the files that keep them (an append-only log file and a metadata file,
 * mode 0600). Every local change is signed and appended to the log file
 * before anyone else can see it; records received from peers are appended
 * as they are integrated.
 *
 * Properties: ::title (string, notify), ::identity (TafelIdentity, notify).
 */
TafelBoard    *tafel_board_create          (const char         *data_dir,
                                            TafelIdentity      *identity,
                                            const char         *title,
                                            GError            **error) G_GNUC_WARN_UNUSED_RESULT;
/* Opens by full hex id or a unique prefix of one. A torn tail of the log
 * file (a crash mid-write) is cut off with a warning; any other damage
 * fails with TAFEL_BOARD_ERROR_DAMAGED_LOG and changes nothing on disk (see
 * tafel_board_repair()). */
TafelBoard    *tafel_board_open            (const char         *data_dir,
                                            TafelIdentity      *identity,
                                            const char         *id_or_prefix,
                                            GError            **error) G_GNUC_WARN_UNUSED_RESULT;
/* What tafel_board_repair() did. */
typedef struct
{
  guint    n_kept;         /* records in the repaired log */
  guint    n_dropped;      /* records read but not kept: no signature after them verified */
  guint64  damaged_bytes;  /* bytes that were not part of any sound record */
  char    *backup_path;    /* the damaged log, kept as it was */
} TafelBoardRepair;

void           tafel_board_repair_clear    (TafelBoardRepair   *repair);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TafelBoardRepair, tafel_board_repair_clear)

/* Repairs a board whose log is damaged (TAFEL_BOARD_ERROR_DAMAGED_LOG on open):
 * keeps the damaged log beside it as a backup and writes a new log of every
 * record still intact and verified; peers fill in the rest by sync. */
gboolean       tafel_board_repair          (const char         *data_dir,
                                            const char         *id_or_prefix,
                                            TafelBoardRepair   *repair,
                                            GError            **error);
/* Reads a board's records and title without locking or changing anything,
 * also while another process has the board open. */
TafelLog      *tafel_board_read            (const char         *data_dir,
                                            const char         *id_or_prefix,
                                            char              **title,
                                            guint8             *id,
                                            GError            **error) G_GNUC_WARN_UNUSED_RESULT;
/* A board known by id and secret (from an invite link): opens it when it is
 * already here, creates an empty local copy otherwise. */
TafelBoard    *tafel_board_join            (const char         *data_dir,
                                            TafelIdentity      *identity,
                                            const guint8        id[TAFEL_BOARD_ID_BYTES],
                                            const guint8        secret[TAFEL_BOARD_SECRET_BYTES],
                                            const char         *title,
                                            GError            **error) G_GNUC_WARN_UNUSED_RESULT;
/* Reads a portable .tafel file into the data folder (merging into the board
 * of the same id if there is one) and opens it. */
TafelBoard    *tafel_board_open_file       (const char         *data_dir,
                                            TafelIdentity      *identity,
                                            GFile              *file,
                                            GError            **error) G_GNUC_WARN_UNUSED_RESULT;
/* Reads and verifies a .tafel file without touching any data folder:
 * a new log with its records, and optionally its title and board id.
 * (Used to inspect or export a file; open_file() imports it.) */
TafelLog      *tafel_board_file_load       (GFile              *file,
                                            char              **title,
                                            guint8             *id,
                                            GError            **error) G_GNUC_WARN_UNUSED_RESULT;
/* Writes a portable .tafel file: all records plus metadata. Atomic. */
gboolean       tafel_board_save_file       (TafelBoard         *self,
                                            GFile              *file,
                                            GError            **error);
gboolean       tafel_board_delete          (const char         *data_dir,
                                            const char         *id_hex,
                                            GError            **error);

const guint8  *tafel_board_get_id          (TafelBoard         *self);
const char    *tafel_board_get_id_hex      (TafelBoard         *self);
const guint8  *tafel_board_get_secret      (TafelBoard         *self);
const char    *tafel_board_get_title       (TafelBoard         *self);
gboolean       tafel_board_set_title       (TafelBoard         *self,
                                            const char         *title,
                                            GError            **error);
const char    *tafel_board_get_path        (TafelBoard         *self);
TafelLog      *tafel_board_get_log         (TafelBoard         *self);
TafelIdentity *tafel_board_get_identity    (TafelBoard         *self);
/* Rendezvous hints kept with the board (broker URLs, …); NULL-terminated. */
const char * const *tafel_board_get_hints  (TafelBoard         *self);
gboolean       tafel_board_set_hints       (TafelBoard         *self,
                                            const char * const *hints,
                                            GError            **error);

/* Signs the next record of this device's identity with @kind and @body,
 * appends it to the log file, then integrates it. (transfer full) */
TafelRecord   *tafel_board_commit          (TafelBoard         *self,
                                            guint               kind,
                                            GBytes             *body,
                                            GError            **error) G_GNUC_WARN_UNUSED_RESULT;
/* Commits many records at once (bulk import): one write, one fsync. */
gboolean       tafel_board_commit_many     (TafelBoard         *self,
                                            guint               kind,
                                            GBytes            **bodies,
                                            guint               n_bodies,
                                            GError            **error);

/* Records from a peer: verified, integrated and stored (see #TafelLog). */
gboolean       tafel_board_receive         (TafelBoard         *self,
                                            TafelRecord        *record,
                                            GError            **error);
gboolean       tafel_board_receive_run     (TafelBoard         *self,
                                            TafelRecord       **records,
                                            guint               n_records,
                                            GError            **error);

/* Another device writes under this board's identity too: move to a fresh
 * one, and issue the former identity's refused records again under it
 * (docs/identity.md). */
gboolean       tafel_board_replace_identity (TafelBoard        *self,
                                             GError           **error);
/* (element-type TafelIdentity) (transfer none) */
GPtrArray     *tafel_board_get_former_identities (TafelBoard   *self);
gboolean       tafel_board_reissue         (TafelBoard         *self,
                                            TafelIdentity      *former,
                                            guint64             from_seq,
                                            guint              *n_reissued,
                                            GError            **error);

/* Makes sure everything written so far is on disk (fsync). */
gboolean       tafel_board_flush           (TafelBoard         *self,
                                            GError            **error);

G_END_DECLS
