/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tafel-identity.h"
#include "tafel-log.h"
#include "tafel-sync.h"
#include "tafel-test-channel.h"

G_BEGIN_DECLS

/* One replica of a board for the sync tests: an identity, its log and the
 * sync that replicates it, with what sync reported. Two replicas may share
 * an identity (one identity on two devices). */
typedef struct
{
  TafelIdentity *identity;
  TafelLog      *log;
  TafelSync     *sync;
  GPtrArray     *failures;   /* GError copies, from ::peer-failed */
  guint          synced;     /* ::peer-synced */
  guint          clashes;    /* ::identity-clash */
  GArray        *forks;      /* guint64 from ::fork-found, in order */
} TestReplica;

/* A replica with a fresh identity, or @identity (shared, not copied). */
TestReplica *test_replica_new      (TafelIdentity *identity);
void         test_replica_free     (TestReplica   *r);
const TafelPublicKey *test_replica_key (TestReplica *r);
/* Signs @n strokes as the replica's identity, one record each (live), on
 * top of its own head, and adds them to its log. */
void         test_replica_draw     (TestReplica   *r,
                                    guint          n);
/* The same as one run with only its last record signed (quick for big
 * boards). */
void         test_replica_draw_run (TestReplica   *r,
                                    guint          n);

/* Two replicas linked by an in-memory channel pair. */
typedef struct
{
  TafelTestChannel *a, *b;   /* a's end, b's end */
} TestReplicaLink;

TestReplicaLink test_replica_link   (TestReplica     *a,
                                     TestReplica     *b);
void            test_replica_unlink (TestReplicaLink *link);

/* Waits until every replica holds @n records, none is busy and all have
 * the same version vector; asserts that nobody dropped a peer. */
void         test_replicas_converge (TestReplica  **replicas,
                                     guint          n_replicas,
                                     guint          n_records);

G_END_DECLS
