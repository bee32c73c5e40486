/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tafel-frame-channel.h"
#include "tafel-log.h"

G_BEGIN_DECLS

#define TAFEL_SYNC_ERROR (tafel_sync_error_quark ())

typedef enum
{
  TAFEL_SYNC_ERROR_PROTOCOL,     /* a malformed or out-of-place frame */
  TAFEL_SYNC_ERROR_VERSION,      /* the peer speaks a sync version we do not */
  TAFEL_SYNC_ERROR_FORGED,       /* records whose signature or chain does not hold */
  TAFEL_SYNC_ERROR_TOO_MUCH,     /* beyond a limit (pending bytes, authors) */
} TafelSyncError;

GQuark tafel_sync_error_quark (void);

/* Frame type bytes 0x10–0x1f belong to sync; other layers sharing a
 * channel use their own ranges, and sync ignores types it does not own. */
#define TAFEL_SYNC_FRAME_FIRST 0x10
#define TAFEL_SYNC_FRAME_LAST  0x1f

#define TAFEL_TYPE_SYNC (tafel_sync_get_type ())

G_DECLARE_FINAL_TYPE (TafelSync, tafel_sync, TAFEL, SYNC, GObject)

/**
 * TafelSync:
 *
 * Replicates one board's record log with the peers it is linked to. On a
 * new link both sides exchange version vectors and send each other what
 * the other lacks, author by author in seq order, as runs verified by hash
 * links and one signature; afterwards every record that joins the log is
 * pushed to every peer that does not have it yet. Large incoming runs are
 * integrated in slices from the main loop, so a late join never freezes
 * the UI.
 *
 * Signals:
 *  ::peer-synced (const TafelPublicKey *peer): everything the peer offered
 *    on link-up is integrated here.
 *  ::peer-acked (const TafelPublicKey *peer): the peer reported a newer
 *    version vector (see tafel_sync_peer_has()).
 *  ::peer-failed (const TafelPublicKey *peer, const GError *reason): the
 *    peer broke the protocol or sent forged records; its channel is closed
 *    and it is removed. Nothing unverified from it was stored.
 *  ::records-received (const TafelPublicKey *peer, guint n_records)
 *  ::identity-clash (const TafelPublicKey *peer): @peer holds records of
 *    this device's identity (tafel_sync_set_identity()) that this device
 *    did not write: another device uses the identity too. Emitted once
 *    per identity.
 *  ::fork-found (const TafelPublicKey *author, guint64 from_seq): for a
 *    former identity (tafel_sync_find_fork()), the first of this device's
 *    records the network holds another record for; beyond the head when
 *    none of them was refused.
 */
TafelSync *tafel_sync_new                  (TafelLog             *log) G_GNUC_WARN_UNUSED_RESULT;
void       tafel_sync_add_peer             (TafelSync            *self,
                                            const TafelPublicKey *peer,
                                            TafelFrameChannel    *channel);
void       tafel_sync_remove_peer          (TafelSync            *self,
                                            const TafelPublicKey *peer);
/* Whether @peer confirmed holding @author's records up to @seq. */
gboolean   tafel_sync_peer_has             (TafelSync            *self,
                                            const TafelPublicKey *peer,
                                            const TafelPublicKey *author,
                                            guint64               seq);
/* Whether every linked peer confirmed holding @author's records up to @seq. */
gboolean   tafel_sync_all_peers_have       (TafelSync            *self,
                                            const TafelPublicKey *author,
                                            guint64               seq);
/* The identity this device writes as: sync watches what peers hold of it
 * and emits ::identity-clash when another device writes under it too. */
void       tafel_sync_set_identity         (TafelSync            *self,
                                            const TafelPublicKey *me);
/* Asks the peers, from now on, where the network's records of @former
 * (an identity this device wrote under before) part from this device's,
 * and holds back this device's records of it meanwhile; emits
 * ::fork-found with the answer. */
void       tafel_sync_find_fork            (TafelSync            *self,
                                            const TafelPublicKey *former);
/* Whether incoming records are waiting to be verified or integrated. */
gboolean   tafel_sync_is_busy              (TafelSync            *self);

G_END_DECLS
