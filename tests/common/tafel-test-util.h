/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Helpers shared by the unit tests and benchmarks. */

#include <glib.h>

#include "tafel-identity.h"
#include "tafel-record.h"

G_BEGIN_DECLS

/* What every test program does first, in place of g_test_init():
 * temporary folders under $TAFEL_TEST_TMPDIR (tafel_test_use_test_tmpdir()),
 * g_test_init() and the core (its crypto) ready. */
void         tafel_test_init            (int         *argc,
                                         char      ***argv);

/* Makes temporary folders go under $TAFEL_TEST_TMPDIR (set by
 * tests/with-temp-home, removed after each test even when it aborts).
 * Call first thing in main(). */
void         tafel_test_use_test_tmpdir (void);

/* Removes @path and everything under it (symbolic links are removed, not
 * followed). Quietly does what it can. */
void         tafel_test_remove_tree     (const char *path);

/* Expected warnings. g_test_expect_message() does not see structured log
 * messages in GLib 2.74, so a test that expects a warning installs
 * tafel_test_log_writer() (g_log_set_writer_func) and calls
 * tafel_test_expect_warning() before the warning's cause: one warning whose
 * message matches @pattern (g_pattern_match_simple) is then kept out of the
 * log (where G_DEBUG=fatal-warnings would abort), and
 * tafel_test_assert_warned() checks that exactly it came. */
GLogWriterOutput tafel_test_log_writer  (GLogLevelFlags   level,
                                         const GLogField *fields,
                                         gsize            n_fields,
                                         gpointer         user_data);
void         tafel_test_expect_warning  (const char *pattern);
void         tafel_test_assert_warned   (void);

/* The nearest-rank percentile @p (0 < p ≤ 1) of @values (element-type
 * double), which it sorts; 0 when there are none. p = 1 is the maximum. */
double       tafel_test_percentile      (GArray     *values,
                                         double      p);

/* A synthetic trace of long strokes: a correlated random walk (heading and
 * speed drift like a hand's; steps of 0.5 … 8 units, points as unrounded
 * floats), 40 … 100 points a stroke (about 70 on average), with pressure
 * drifting in 0.1 … 1. Deterministic for a seed. (element-type TafelStroke) */
GArray      *tafel_test_random_walk (guint    n_strokes,
                                     guint32  seed);

/* The path of a file in the shared real-trace folder ($TAFEL_SHARED_DATA),
 * or NULL (and the test is skipped by the caller) when it is absent. */
char        *tafel_test_shared_path (const char *name);

/* Real hand-drawn strokes from the shared traces when they are there,
 * otherwise (saying so in the test log) a synthetic random walk of 2,000
 * strokes. (element-type TafelStroke) (transfer full) */
GArray      *tafel_test_load_strokes (void);

/* Every real stroke of the shared traces (QuickDraw and Excalidraw), or
 * NULL when none is there. (element-type TafelStroke) (transfer full) */
GArray      *tafel_test_load_real_strokes (void);

/* The CPU time this process has used, in seconds (benchmarks on a shared
 * machine report CPU time rather than wall time). */
double       tafel_test_cpu_seconds (void);

/* A stroke body from a few fixed points. */
GBytes      *tafel_test_stroke_body (guint    n_points,
                                     guint32  seed);

/* A signed chain of @n records by @id, with stroke bodies; lamport = seq. */
GPtrArray   *tafel_test_chain       (TafelIdentity *id,
                                     guint          n,
                                     guint32        seed);

/* A real full disk: gives this process mounts of its own (call first
 * thing in main(), before any thread starts) so that the folders of
 * tafel_test_full_disk_new() vanish with it. Needs root; without it, a
 * later tafel_test_full_disk_new() says why. */
void         tafel_test_private_mounts  (void);
/* A new folder on a tmpfs of @size bytes, or NULL with *@reason set (to
 * skip with). tafel_test_fill_disk() then fills it to the last byte. */
char        *tafel_test_full_disk_new   (gsize        size,
                                         char       **reason);
void         tafel_test_fill_disk       (const char  *dir);

G_END_DECLS
