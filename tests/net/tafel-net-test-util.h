/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Runs the default main context until @condition returns TRUE or
 * @timeout_ms passes; returns whether the condition came true. */
gboolean tafel_test_wait_until (gboolean (*condition) (gpointer data),
                                gpointer   data,
                                guint      timeout_ms);

/* A GSpawnChildSetupFunc for every process a test starts: the child is
 * killed when the test's process dies, whatever way it dies (an
 * assertion's abort, a crash, a timeout's SIGKILL), so nothing a test
 * started outlives it. @parent_pid: GINT_TO_POINTER (getpid ()) of the
 * test. */
void     tafel_test_child_dies_with_parent (gpointer parent_pid);

/* A TCP port on 127.0.0.1 that was free a moment ago. */
guint16  tafel_test_free_port  (void);

typedef struct _TafelTestBroker TafelTestBroker;

typedef enum
{
  TAFEL_TEST_BROKER_PLAIN    = 0,
  TAFEL_TEST_BROKER_PASSWORD = 1 << 0,  /* user "tafel", password "chalk" */
  TAFEL_TEST_BROKER_TLS      = 1 << 1,  /* a CA and server cert made for the test */
} TafelTestBrokerFlags;

/* Starts a real mosquitto on a free loopback port and waits until it
 * accepts connections. Returns %NULL and sets @skip_reason when mosquitto
 * (or openssl, for TLS) is not installed. */
TafelTestBroker *tafel_test_broker_start    (TafelTestBrokerFlags flags,
                                             char               **skip_reason);
/* Starts it again on the same port (after stop()). */
gboolean         tafel_test_broker_restart  (TafelTestBroker     *broker);
void             tafel_test_broker_stop     (TafelTestBroker     *broker);
void             tafel_test_broker_free     (TafelTestBroker     *broker);
guint16          tafel_test_broker_get_port (TafelTestBroker     *broker);
GPid             tafel_test_broker_get_pid  (TafelTestBroker     *broker);
/* mqtt://127.0.0.1:PORT or mqtts://localhost:PORT */
const char      *tafel_test_broker_get_url  (TafelTestBroker     *broker);
/* The CA certificate clients must trust (TLS only). */
const char      *tafel_test_broker_get_ca_file (TafelTestBroker  *broker);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelTestBroker, tafel_test_broker_free)

G_END_DECLS

G_BEGIN_DECLS

/* Reports that the whole test program cannot run here and why: a TAP
 * "skip all" plan. Call it before g_test_init(), which removes --tap from
 * argv. Returns the exit status to use: 0 under meson's TAP
 * protocol (--tap), which then counts the test as skipped, and 77, the
 * automake/meson "skipped" status, when run by hand. */
int      tafel_test_skip_all (int          argc,
                              char       **argv,
                              const char  *reason);

/* Makes the calling test run in a private network namespace of its own
 * (re-executing itself under `unshare --net`), so that its traffic cannot
 * leave the namespace, then runs @setup_script there with /bin/sh. Returns
 * FALSE with @skip_reason when that is impossible here (not root, no
 * unshare). Call first thing in main(). */
gboolean tafel_test_enter_private_netns (int          argc,
                                         char       **argv,
                                         const char  *setup_script,
                                         char       **skip_reason);

G_END_DECLS
