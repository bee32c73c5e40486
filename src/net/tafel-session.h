/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tafel-board.h"
#include "tafel-presence.h"
#include "tafel-sync.h"

G_BEGIN_DECLS

/* Frame type bytes 0x30–0x3f belong to the session (mesh). */
#define TAFEL_SESSION_FRAME_FIRST 0x30
#define TAFEL_SESSION_FRAME_LAST  0x3f

/* Direct links kept at most; beyond, records reach the rest by flooding. */
#define TAFEL_SESSION_DEFAULT_MAX_LINKS 8

/**
 * TafelSessionStatus:
 * @TAFEL_SESSION_OFFLINE: not started, or stopped
 * @TAFEL_SESSION_SEARCHING: started, but no way of finding the others
 *   works (yet): the broker is being reached or cannot be, none is set,
 *   and there is no local network to look on; see
 *   tafel_session_get_search_reason()
 * @TAFEL_SESSION_ALONE: the others can find us, and nobody else is here
 * @TAFEL_SESSION_CONNECTING: someone is here (or was, and is tried
 *   again), and a link to them is being set up
 * @TAFEL_SESSION_ONLINE: linked to at least one peer
 *
 * Where a board online is, for a person to be told.
 */
typedef enum
{
  TAFEL_SESSION_OFFLINE,
  TAFEL_SESSION_SEARCHING,
  TAFEL_SESSION_ALONE,
  TAFEL_SESSION_CONNECTING,
  TAFEL_SESSION_ONLINE,
} TafelSessionStatus;

/**
 * TafelSessionOptions:
 *
 * How a session finds and reaches peers. Strings are borrowed for the
 * call to tafel_session_new().
 */
typedef struct
{
  const char *broker_url;       /* nullable: mqtt:// or mqtts:// */
  const char *broker_username;  /* nullable */
  const char *broker_password;  /* nullable */
  const char *broker_ca_file;   /* nullable: trust this CA for mqtts:// */
  gboolean    lan;              /* use the LAN beacon */
  guint16     lan_port;         /* 0: the default port */
  const char *stun;             /* nullable: host:port */
  const char *turn;             /* nullable: turn[s]:host[:port][?transport=tcp] (RFC 7065),
                                 * or turn[s]://user:password@host[:port][?transport=tcp] */
  const char *turn_username;    /* nullable, unless the URL carries it */
  const char *turn_password;    /* nullable, unless the URL carries it */
  const char * const *local_addresses; /* nullable: restrict ICE host candidates (tests) */
  guint       connect_timeout_ms; /* 0: the link default */
  guint       max_links;        /* 0: TAFEL_SESSION_DEFAULT_MAX_LINKS */
  guint       announce_ms;      /* 0: the default announce interval */
} TafelSessionOptions;

#define TAFEL_TYPE_SESSION (tafel_session_get_type ())

G_DECLARE_FINAL_TYPE (TafelSession, tafel_session, TAFEL, SESSION, GObject)

/**
 * TafelSession:
 *
 * A board online: finds the other peers of the board through the MQTT
 * broker, the LAN beacon and the mesh itself, keeps a secure link to each
 * (up to a limit), replicates the record log over them (#TafelSync) and
 * shares presence (#TafelPresence). Links that drop are reconnected with
 * backoff.
 *
 * Signals:
 *  ::peer-joined (const TafelPublicKey *peer): a link came up.
 *  ::peer-left (const TafelPublicKey *peer, const GError *reason): the
 *    reason is %NULL when the peer said goodbye. A peer that broke sync's
 *    rules (forged records, malformed frames) is refused for the rest of
 *    the session, and its reason says so.
 *  ::status-changed: the status or the reason behind it changed; see
 *    tafel_session_get_status(), tafel_session_get_search_reason() and
 *    tafel_session_get_broker_error().
 *  ::identity-changed (const TafelPublicKey *former, const TafelPublicKey
 *    *now): another device writes under this device's identity too (a
 *    copied data folder, a restored backup); the board moved to the new
 *    identity @now (docs/identity.md).
 *  ::records-reissued (guint n): the records of the former identity that
 *    the network refused (it kept the other device's) were issued again
 *    under the new one; nothing drawn is lost.
 */
TafelSession       *tafel_session_new              (TafelBoard                *board,
                                                    const TafelSessionOptions *options,
                                                    GError                   **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean            tafel_session_start            (TafelSession              *self,
                                                    GError                   **error);
void                tafel_session_stop             (TafelSession              *self);
/* Closed links still delivering their goodbye: run the main loop until
 * FALSE before exiting (see the function's documentation). */
gboolean            tafel_session_is_closing       (TafelSession              *self);

TafelSync          *tafel_session_get_sync         (TafelSession              *self);
TafelPresence      *tafel_session_get_presence     (TafelSession              *self);
TafelSessionStatus  tafel_session_get_status       (TafelSession              *self);
/* Why the broker is not reachable, for a person; %NULL when it is or none is set. */
const char         *tafel_session_get_broker_error (TafelSession              *self);
/* Why nobody can be found, for a person, while %TAFEL_SESSION_SEARCHING. */
const char         *tafel_session_get_search_reason (TafelSession             *self);
guint               tafel_session_get_n_peers      (TafelSession              *self);
/* (element-type TafelPublicKey) (transfer container) the linked peers */
GPtrArray          *tafel_session_list_peers       (TafelSession              *self) G_GNUC_WARN_UNUSED_RESULT;
/* "direct", "via NAT", "relayed" (translated) for a linked peer, or %NULL. */
const char         *tafel_session_describe_path    (TafelSession              *self,
                                                    const TafelPublicKey      *peer);
/* "host", "srflx" or "relay": the candidate type the link to @peer uses. */
const char         *tafel_session_get_path_kind    (TafelSession              *self,
                                                    const TafelPublicKey      *peer);
gboolean            tafel_session_get_link_times   (TafelSession              *self,
                                                    const TafelPublicKey      *peer,
                                                    gint64                    *ice_us,
                                                    gint64                    *connect_us);

G_END_DECLS
