/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tafel-sync.h"

G_BEGIN_DECLS

/* Sync is split over tafel-sync.c (the protocol: sending, receiving,
 * integrating, the peers) and tafel-sync-verifier.c (the verifier threads
 * that collect and verify incoming runs), which share these structures. */

#define MAX_LANES              4
#define RUN_MAX_RECORDS        100000      /* per chunk */

typedef struct _Peer Peer;
typedef struct _Pipe Pipe;

/* The part of a peer's collected runs that one lane verifies. */
typedef struct
{
  GHashTable     *pending;      /* author (TafelPublicKey *) → PendingRun */
  gsize           bytes;        /* of pending */
  gboolean        failed;       /* it sent something wrong: ignore the rest */
} Lane;

/* One peer's runs being collected. Lane i is touched only by verifier
 * thread i; @dead only by the main loop. */
typedef struct
{
  gatomicrefcount ref_count;
  TafelPublicKey  key;
  Lane            lanes[MAX_LANES];
  gssize          pending_bytes;  /* atomic: all lanes together */
  gint            run_seen;       /* atomic, for the trace */
  gboolean        dead;           /* an error was handled: nothing later counts */
} Inbox;

typedef enum
{
  RESULT_TAKEN,   /* a chunk collected, its run not complete yet */
  RESULT_RUN,     /* a run complete and verified */
  RESULT_DONE,
  RESULT_ERROR,
} ResultKind;

typedef struct
{
  ResultKind  kind;
  Inbox      *inbox;
  guint       seq;
  gsize       frame_bytes;
  GPtrArray  *records;        /* RESULT_RUN */
  GError     *error;          /* RESULT_ERROR */
} Result;

struct _Peer
{
  TafelSync          *sync;
  TafelPublicKey      key;
  TafelFrameChannel  *channel;
  gulong              frame_handler;
  gulong              closed_handler;
  gulong              writable_handler;
  TafelVersionVector *estimate;   /* what we believe the peer holds */
  TafelVersionVector *acked;      /* what the peer said it holds */
  GQueue              out;        /* OutItem, waiting for the channel */
  Inbox              *inbox;      /* what the verifier collects for us */
  gsize               inbox_bytes;  /* frames handed to the verifier, not yet back */
  gboolean            held;       /* the channel holds back frames */
  gboolean            hello_received;
  gboolean            probing;    /* a PROBE is out, about probe_author */
  TafelPublicKey      probe_author;
  GArray             *probe_seqs; /* guint64, what the PROBE asked about */
  GHashTable         *told;       /* authors we told it equivocated (TafelPublicKey *) */
  /* For tests: what went out to this peer. */
  guint64             frames_sent;
  guint64             bytes_sent;
  guint64             records_sent;
  guint               hello_id;
  guint               drain_id;
};

struct _TafelSync
{
  GObject     parent_instance;

  TafelLog   *log;
  gulong      added_handler;
  GHashTable *peers;           /* TafelPublicKey * → Peer */
  GQueue      work;            /* Work */
  guint       work_id;
  guint       push_id;
  guint       slice;           /* adaptive slice size */
  Pipe       *pipe;
  GThreadPool *lanes[MAX_LANES];  /* one thread each: a lane verifies in order */
  guint       n_lanes;
  guint       tasks;           /* handed on, outcome not handled yet */
  guint       next_task_seq;
  guint       next_result_seq;
  GHashTable *reorder;         /* seq → Result that came back early */
  gboolean    handling;
  gsize       inbox_high;      /* per peer: hold the channel above this */
  gsize       inbox_low;       /* and let it go below this */
  /* The peer whose records are being integrated, so they are not pushed
   * straight back to it. */
  Peer       *integrating_from;
  gulong      equivocation_handler;
  gulong      tail_handler;

  /* The identity this device writes as (docs/identity.md), and the former
   * ones whose fork point is still being asked for: Fork by author. */
  gboolean       has_me;
  TafelPublicKey me;
  gboolean       clash_reported;
  GHashTable    *forks;
};

/* tafel-sync.c */
gboolean    tafel_sync_protocol_error (GError              **error,
                                       const char           *message);
/* What a verified run, a DONE or an error from @peer (NULL if its link
 * has gone or been replaced) means for sync, in frame order. */
void        tafel_sync_handle_result  (TafelSync            *self,
                                       Peer                 *peer,
                                       Result               *result);

/* tafel-sync-verifier.c */
void        tafel_sync_verifier_init     (TafelSync            *self);
/* Stops the lanes; what they still post goes unhandled. */
void        tafel_sync_verifier_shutdown (TafelSync            *self);
Inbox      *tafel_sync_inbox_new         (const TafelPublicKey *key);
void        tafel_sync_inbox_unref       (Inbox                *inbox);
/* Hands a RUN (@frame) to its author's lane, or puts a DONE (@frame NULL)
 * in line after everything handed on before it. */
void        tafel_sync_verifier_push     (Peer                 *peer,
                                          GBytes               *frame);

/* For tests: what sync sent to @peer since it was added (frames, their
 * bytes, and records in RUN frames); FALSE when it is not a peer. */
gboolean tafel_sync_get_peer_stats (TafelSync            *self,
                                    const TafelPublicKey *peer,
                                    guint64              *frames,
                                    guint64              *bytes,
                                    guint64              *records);

/* For tests: how many bytes of unverified records one peer may have
 * collected in runs not ended yet (PENDING_MAX_BYTES, 256 MiB, otherwise). */
void tafel_sync_set_pending_max (TafelSync *self,
                                 gsize      bytes);

/* For tests: how many bytes of RUN frames may wait for the verifier
 * before the channel holds back more (@high), and how few before it lets
 * them come again (@low). */
void tafel_sync_set_inbox_water (TafelSync *self,
                                 gsize      high,
                                 gsize      low);

G_END_DECLS
