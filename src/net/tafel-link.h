/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tafel-crypto.h"
#include "tafel-frame-channel.h"
#include "tafel-link-auth.h"
#include "tafel-link-config.h"
#include "tafel-signaling.h"

G_BEGIN_DECLS

#define TAFEL_LINK_ERROR (tafel_link_error_quark ())

/**
 * TafelLinkError:
 * @TAFEL_LINK_ERROR_ICE_FAILED: no network path to the peer was found
 * @TAFEL_LINK_ERROR_TIMEOUT: the link did not come up in time
 * @TAFEL_LINK_ERROR_PROTOCOL: the peer broke the link protocol
 * @TAFEL_LINK_ERROR_WRONG_BOARD: the peer is on another board
 * @TAFEL_LINK_ERROR_WRONG_SECRET: the peer does not know the board secret
 * @TAFEL_LINK_ERROR_BAD_SIGNATURE: the peer's identity signature is forged
 * @TAFEL_LINK_ERROR_WRONG_PEER: a different identity than expected answered
 * @TAFEL_LINK_ERROR_TAMPERED: a frame was altered, replayed, reordered or cut
 * @TAFEL_LINK_ERROR_FRAME_TOO_LARGE: a frame exceeded the size limit
 * @TAFEL_LINK_ERROR_PEER_DEAD: nothing was heard from the peer for too long
 * @TAFEL_LINK_ERROR_PEER_RESTARTED: the peer started a new session
 * @TAFEL_LINK_ERROR_NOT_CONNECTED: sending on a link that is not connected
 * @TAFEL_LINK_ERROR_QUEUE_FULL: the send queue is at its hard limit
 * @TAFEL_LINK_ERROR_REFUSED: the peer closed the link because of an error
 *   it saw on its side
 */
typedef enum
{
  TAFEL_LINK_ERROR_ICE_FAILED,
  TAFEL_LINK_ERROR_TIMEOUT,
  TAFEL_LINK_ERROR_PROTOCOL,
  TAFEL_LINK_ERROR_WRONG_BOARD,
  TAFEL_LINK_ERROR_WRONG_SECRET,
  TAFEL_LINK_ERROR_BAD_SIGNATURE,
  TAFEL_LINK_ERROR_WRONG_PEER,
  TAFEL_LINK_ERROR_TAMPERED,
  TAFEL_LINK_ERROR_FRAME_TOO_LARGE,
  TAFEL_LINK_ERROR_PEER_DEAD,
  TAFEL_LINK_ERROR_PEER_RESTARTED,
  TAFEL_LINK_ERROR_NOT_CONNECTED,
  TAFEL_LINK_ERROR_QUEUE_FULL,
  TAFEL_LINK_ERROR_REFUSED,
} TafelLinkError;

GQuark tafel_link_error_quark (void);

/**
 * TafelLinkState:
 * @TAFEL_LINK_STATE_NEW: not started
 * @TAFEL_LINK_STATE_CONNECTING: finding a path (ICE) and authenticating
 * @TAFEL_LINK_STATE_CONNECTED: authenticated; frames flow both ways
 * @TAFEL_LINK_STATE_FAILED: gave up or refused the peer; see the error
 * @TAFEL_LINK_STATE_CLOSED: closed by either side
 */
typedef enum
{
  TAFEL_LINK_STATE_NEW,
  TAFEL_LINK_STATE_CONNECTING,
  TAFEL_LINK_STATE_CONNECTED,
  TAFEL_LINK_STATE_FAILED,
  TAFEL_LINK_STATE_CLOSED,
} TafelLinkState;

/**
 * TafelLinkPath:
 * @TAFEL_LINK_PATH_UNKNOWN: no path selected yet
 * @TAFEL_LINK_PATH_DIRECT: host to host ("direct")
 * @TAFEL_LINK_PATH_NAT: through a NAT mapping ("via NAT")
 * @TAFEL_LINK_PATH_RELAYED: through a TURN server ("relayed")
 */
typedef enum
{
  TAFEL_LINK_PATH_UNKNOWN,
  TAFEL_LINK_PATH_DIRECT,
  TAFEL_LINK_PATH_NAT,
  TAFEL_LINK_PATH_RELAYED,
} TafelLinkPath;

/* The largest payload one frame carries. */
#define TAFEL_LINK_MAX_PAYLOAD      (1024 * 1024)
/* Frame types below this are the link's own (handshake, heartbeat,
 * goodbye); layers above use the rest. */
#define TAFEL_LINK_FIRST_USER_TYPE  0x10

#define TAFEL_TYPE_LINK_STATE (tafel_link_state_get_type ())
#define TAFEL_TYPE_LINK_PATH  (tafel_link_path_get_type ())
GType tafel_link_state_get_type (void) G_GNUC_CONST;
GType tafel_link_path_get_type  (void) G_GNUC_CONST;

#define TAFEL_TYPE_LINK (tafel_link_get_type ())

G_DECLARE_FINAL_TYPE (TafelLink, tafel_link, TAFEL, LINK, GObject)

TafelLink            *tafel_link_new                 (TafelSignaling       *signaling,
                                                      TafelLinkConfig      *config,
                                                      TafelLinkAuth        *auth,
                                                      const TafelPublicKey *remote) G_GNUC_WARN_UNUSED_RESULT;
void                  tafel_link_start               (TafelLink            *self);
gboolean              tafel_link_send                (TafelLink            *self,
                                                      guint8                type,
                                                      GBytes               *payload,
                                                      GError              **error);
void                  tafel_link_close               (TafelLink            *self);
gboolean              tafel_link_restart_ice         (TafelLink            *self);

TafelLinkState        tafel_link_get_state           (TafelLink            *self);
const GError         *tafel_link_get_error           (TafelLink            *self);
TafelLinkPath         tafel_link_get_path            (TafelLink            *self);
const char           *tafel_link_path_to_string      (TafelLinkPath         path);
const TafelPublicKey *tafel_link_get_remote_key      (TafelLink            *self);
gboolean              tafel_link_is_controlling      (TafelLink            *self);
gint64                tafel_link_get_ice_time        (TafelLink            *self);
gint64                tafel_link_get_connect_time    (TafelLink            *self);

gsize                 tafel_link_get_send_queue_size (TafelLink            *self);

gboolean              tafel_link_releasing_relays    (void);
gboolean              tafel_link_saying_goodbye      (void);
void                  tafel_link_set_receive_paused  (TafelLink            *self,
                                                      gboolean              paused);
gint64                tafel_link_get_rtt             (TafelLink            *self);

G_END_DECLS
