/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tafel-board-model.h"
#include "tafel-history.h"
#include "tafel-identity.h"
#include "tafel-log.h"
#include "tafel-record.h"

G_BEGIN_DECLS

/* One replica of a board for tests and benchmarks: an identity, its log,
 * a model following the log and the identity's undo history. */
typedef struct
{
  TafelIdentity   *identity;
  TafelLog        *log;
  TafelBoardModel *model;
  TafelHistory    *history;
  guint64          seq;      /* the last seq this identity signed */
  TafelHash        head;     /* and that record's id */
  guint64          lamport;  /* the last lamport it signed */
} TestPeer;

TestPeer    *test_peer_new        (void);
void         test_peer_free       (TestPeer     *peer);
const TafelPublicKey *test_peer_key (TestPeer   *peer);
/* The peer's next record, signed, not added anywhere. @lamport 0 means
 * "1 + the largest the peer has seen". */
TafelRecord *test_peer_sign       (TestPeer     *peer,
                                   guint64       lamport,
                                   guint         kind,
                                   GBytes       *body);
/* Signs and adds to the peer's own log (asserting success). */
TafelRecord *test_peer_commit     (TestPeer     *peer,
                                   guint         kind,
                                   GBytes       *body);
/* test_peer_commit() and tafel_history_push(). */
TafelRecord *test_peer_do         (TestPeer     *peer,
                                   guint         kind,
                                   GBytes       *body);
/* Commits the history's undo (redo), all its records; FALSE when there
 * was nothing to undo (redo). */
gboolean     test_peer_undo       (TestPeer     *peer);
gboolean     test_peer_redo       (TestPeer     *peer);
/* Everything @from has that @to lacks, by version vectors. */
void         test_peer_sync       (TestPeer     *to,
                                   TestPeer     *from);

GBytes      *test_stroke_body     (const TafelPoint *points,
                                   guint             n_points,
                                   float             width,
                                   guint32           rgba,
                                   TafelTool         tool);
/* A straight stroke from (x0, y0) to (x1, y1) with @n points. */
GBytes      *test_line_stroke_body (double  x0,
                                    double  y0,
                                    double  x1,
                                    double  y1,
                                    guint   n,
                                    float   width);
GBytes      *test_shape_body      (TafelShapeKind kind,
                                   double         x1,
                                   double         y1,
                                   double         x2,
                                   double         y2,
                                   float          width,
                                   guint32        stroke_rgba,
                                   guint32        fill_rgba);
GBytes      *test_text_body       (double       x,
                                   double       y,
                                   const char  *text,
                                   float        size,
                                   guint32      rgba);
GBytes      *test_set_body        (const TafelHash *ids,
                                   guint            n_ids);
GBytes      *test_transform_body  (const TafelHash      *ids,
                                   const TafelTransform *transforms,
                                   guint                 n);
/* A clear of everything @log holds. */
GBytes      *test_clear_body      (TafelLog    *log);
GBytes      *test_chat_body       (const char  *text);
GBytes      *test_profile_body    (const char  *name,
                                   guint32      rgba);

/* The real traces: $TAFEL_SHARED_DATA/NAME; skips the test when missing. */
GArray      *test_load_trace      (const char  *name);

char        *test_digest_hex      (TafelBoardModel *model);

G_END_DECLS
