/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The record fixtures (tests/fixtures/records) and the record fuzzer take
 * the same input: one or more records, each a varint length followed by a
 * wire envelope. The input is accepted when every envelope decodes
 * (structure, limits, the body of a known kind) and the records, as one
 * run, are accepted by an empty TafelLog (one author, gapless seq, hash
 * links, rising clocks, a valid signature on the last record). */
gboolean tafel_check_record_run (const guint8  *data,
                                 gsize          len,
                                 GError       **error);

/* A .tafel file's bytes, read and verified as tafel_board_open_file()
 * does before it touches the data folder. */
gboolean tafel_check_tafel_file (const guint8  *data,
                                 gsize          len,
                                 GError       **error);

G_END_DECLS
