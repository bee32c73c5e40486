/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tafel-board-model.h"
#include "tafel-frame-channel.h"
#include "tafel-record.h"

G_BEGIN_DECLS

/* Frame type bytes 0x20–0x2f belong to presence. */
#define TAFEL_PRESENCE_FRAME_FIRST 0x20
#define TAFEL_PRESENCE_FRAME_LAST  0x2f

/* A peer that sends nothing for this long is offline. */
#define TAFEL_PRESENCE_TIMEOUT_MS  10000
/* At most this many presence frames a second go to each peer. */
#define TAFEL_PRESENCE_MAX_RATE    60

typedef enum
{
  TAFEL_PRESENCE_CURSOR   = 1 << 0,
  TAFEL_PRESENCE_VIEWPORT = 1 << 1,
  TAFEL_PRESENCE_STROKE   = 1 << 2,
  TAFEL_PRESENCE_PROFILE  = 1 << 3,
} TafelPresenceChange;

/**
 * TafelRemotePresence:
 *
 * What a linked peer shows of itself right now. Owned by the
 * #TafelPresence; valid until the peer leaves.
 */
typedef struct
{
  TafelPublicKey key;
  char          *name;         /* nullable, from the peer's presence */
  guint32        rgba;         /* 0 when the peer sent none */
  gboolean       has_cursor;   /* the pointer is over the peer's board */
  double         cursor_x, cursor_y;
  gboolean       has_viewport;
  TafelRect      viewport;     /* the part of the board the peer sees */
  gboolean       drawing;      /* a stroke is in progress */
  TafelTool      stroke_tool;
  guint32        stroke_rgba;
  float          stroke_width;
  GArray        *stroke_points; /* TafelPoint, the stroke so far */
  gint64         last_heard;   /* monotonic µs */
} TafelRemotePresence;

#define TAFEL_TYPE_PRESENCE (tafel_presence_get_type ())

G_DECLARE_FINAL_TYPE (TafelPresence, tafel_presence, TAFEL, PRESENCE, GObject)

/**
 * TafelPresence:
 *
 * Ephemeral state shared with linked peers and never stored: the cursor,
 * the stroke being drawn (growing live on the others' screens), the
 * viewport (for "follow") and the display name and colour. Changes are
 * coalesced to at most %TAFEL_PRESENCE_MAX_RATE frames a second per peer;
 * the first change after a quiet spell goes out at once. A peer silent for
 * %TAFEL_PRESENCE_TIMEOUT_MS is offline.
 *
 * Signals:
 *  ::peer-changed (const TafelPublicKey *peer, guint changes): a
 *    #TafelPresenceChange mask. The first one for a peer means it arrived.
 *  ::peer-left (const TafelPublicKey *peer): timed out or unlinked.
 */
TafelPresence             *tafel_presence_new            (void) G_GNUC_WARN_UNUSED_RESULT;
void                       tafel_presence_add_peer       (TafelPresence        *self,
                                                          const TafelPublicKey *peer,
                                                          TafelFrameChannel    *channel);
void                       tafel_presence_remove_peer    (TafelPresence        *self,
                                                          const TafelPublicKey *peer);
void                       tafel_presence_set_timeout    (TafelPresence        *self,
                                                          guint                 timeout_ms);

/* What this device shows. */
void                       tafel_presence_set_profile    (TafelPresence        *self,
                                                          const char           *name,
                                                          guint32               rgba);
void                       tafel_presence_set_cursor     (TafelPresence        *self,
                                                          gboolean              inside,
                                                          double                x,
                                                          double                y);
void                       tafel_presence_set_viewport   (TafelPresence        *self,
                                                          const TafelRect      *viewport);
void                       tafel_presence_begin_stroke   (TafelPresence        *self,
                                                          TafelTool             tool,
                                                          guint32               rgba,
                                                          float                 width);
void                       tafel_presence_add_points     (TafelPresence        *self,
                                                          const TafelPoint     *points,
                                                          guint                 n_points);
/* The stroke was committed or cancelled. */
void                       tafel_presence_end_stroke     (TafelPresence        *self);

/* What the peers show. */
const TafelRemotePresence *tafel_presence_lookup         (TafelPresence        *self,
                                                          const TafelPublicKey *peer);
/* (element-type TafelRemotePresence) (transfer container) */
GPtrArray                 *tafel_presence_list           (TafelPresence        *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
