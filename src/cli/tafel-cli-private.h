/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

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

/* Prints "tafel-cli: MESSAGE" to stderr and returns the failure status. */
int tafel_cli_fail (const char *format, ...) G_GNUC_PRINTF (1, 2);

G_END_DECLS
