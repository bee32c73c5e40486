/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tafel-board.h"

G_BEGIN_DECLS

/* One subcommand of tafel-cli. @run gets argv with the command name as
 * argv[0], parses its own options and returns the process exit status.
 * Failures print one line to stderr, saying what went wrong. */
typedef struct
{
  const char *name;
  const char *args;     /* synopsis of the arguments, for --help */
  const char *summary;  /* one line, for --help */
  int       (*run) (int argc, char **argv);
} TafelCliCommand;

/* Prints "tafel-cli: MESSAGE" to stderr, on one line, and returns the
 * failure status. */
int tafel_cli_fail (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* Prints "tafel-cli: warning: MESSAGE" to stderr, on one line, with every
 * link secret left out, as tafel_cli_fail() does. */
void tafel_cli_warn (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* Whether @arg holds a tafel: link with a secret (a #… fragment). */
gboolean tafel_cli_carries_secret (const char *arg);

/* @text for a terminal: control characters (ESC, BEL, line breaks, …)
 * written as escapes such as \x1b, invalid UTF-8 replaced. Everything
 * the CLI prints that came from a board, a file or a peer goes through
 * this. */
char *tafel_cli_printable (const char *text) G_GNUC_WARN_UNUSED_RESULT;

/* The --data-dir option every offline command takes. */
#define TAFEL_CLI_DATA_DIR_OPTION(location) \
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, (location), \
    N_("The Tafel data folder (default: $XDG_DATA_HOME/tafel)"), N_("DIR") }

/* The --link-file option of every command that takes a board: the link is
 * read from a file (or standard input, "-") and not from the command line,
 * where every user of the machine can read it in /proc/PID/cmdline. */
#define TAFEL_CLI_LINK_FILE_OPTION(location) \
  { "link-file", 0, 0, G_OPTION_ARG_FILENAME, (location), \
    N_("Read the board’s link from FILE (- for standard input), not from the command line"), N_("FILE") }

/* The board a command names, after its options are parsed: its one
 * argument (BOARD), the link read from standard input when that argument
 * is "-", or the link read from @link_file ("-": standard input). A link
 * file readable by other users gets a warning. On failure prints one line
 * (never the link) and returns NULL with *status set. */
char *tafel_cli_board_argument (const char  *command,
                                const char  *link_file,
                                int          argc,
                                char       **argv,
                                int         *status) G_GNUC_WARN_UNUSED_RESULT;

/* Parses a command's options; on failure prints one line and returns FALSE
 * with *status set. Fills in the default data folder. */
gboolean tafel_cli_parse_options (const char    *command,
                                  const char    *parameters,
                                  const char    *summary,
                                  GOptionEntry  *entries,
                                  int           *argc,
                                  char        ***argv,
                                  char         **data_dir,
                                  int           *status);

/* A board named on the command line: an id, a unique id prefix, or a
 * .tafel file. Read-only use (info, export) reads a .tafel file without
 * touching the data folder; writing use (import) brings it in. */
typedef struct
{
  TafelBoard *board;     /* NULL for a .tafel file read as it is */
  TafelLog   *log;
  char       *title;
  char       *id_hex;
  GFile      *file;      /* the .tafel file, if one was named */
} TafelCliBoard;

gboolean tafel_cli_board_open   (const char     *data_dir,
                                 const char     *name,
                                 gboolean        writable,
                                 TafelCliBoard  *out,
                                 GError        **error);
gboolean tafel_cli_board_read   (const char     *data_dir,
                                 const char     *name,
                                 TafelCliBoard  *out,
                                 GError        **error);
void     tafel_cli_board_clear  (TafelCliBoard  *board);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TafelCliBoard, tafel_cli_board_clear)

int tafel_cli_new    (int argc, char **argv);
int tafel_cli_list   (int argc, char **argv);
int tafel_cli_import (int argc, char **argv);
int tafel_cli_info   (int argc, char **argv);
int tafel_cli_export (int argc, char **argv);
int tafel_cli_seed   (int argc, char **argv);
int tafel_cli_draw   (int argc, char **argv);
int tafel_cli_chat   (int argc, char **argv);
int tafel_cli_repair (int argc, char **argv);

G_END_DECLS
