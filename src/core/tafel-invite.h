/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tafel-crypto.h"
#include "tafel-keys.h"

G_BEGIN_DECLS

#define TAFEL_INVITE_ERROR (tafel_invite_error_quark ())

typedef enum
{
  TAFEL_INVITE_ERROR_NOT_A_LINK,    /* not a tafel: link at all */
  TAFEL_INVITE_ERROR_VERSION,       /* a link version this Tafel does not know */
  TAFEL_INVITE_ERROR_BOARD_ID,      /* missing or malformed board id */
  TAFEL_INVITE_ERROR_SECRET,        /* missing or malformed secret */
  TAFEL_INVITE_ERROR_PARAMETER,     /* a malformed, unknown or repeated parameter */
  TAFEL_INVITE_ERROR_BROKER,        /* a broker hint that is not a usable MQTT URL */
  TAFEL_INVITE_ERROR_CAPABILITY,    /* no edit, view or seed, or a link asked for more than it allows */
} TafelInviteError;

GQuark tafel_invite_error_quark (void);

#define TAFEL_INVITE_MAX_LENGTH  2048
#define TAFEL_INVITE_MAX_BROKERS 4
#define TAFEL_INVITE_TITLE_MAX   200

/**
 * TafelInvite:
 *
 * What an invite link carries: the board id, a capability with its key
 * and rendezvous hints (docs/access.md). Link grammar, version 2:
 *
 *     tafel://board/v2/ID/CAPABILITY[?PARAMS]#KEY
 *
 * - ID: the 16-byte board id as 32 lowercase hex digits.
 * - CAPABILITY: `edit`, `view` or `seed`.
 * - KEY: the edit secret E, the read key R or the seed secret S (32 bytes),
 *   base64url without padding (43 characters). It sits in the fragment so
 *   that it never reaches a web server or its logs when a link passes
 *   through one.
 * - PARAMS: `&`-separated, percent-encoded: `broker=URL` (an mqtt:// or
 *   mqtts:// URL, at most 4), `title=TEXT` (at most one, a suggested title;
 *   never on a seed link) and `a=KEY` (at most one: the anchor wpk₀ of a
 *   board upgraded from Tafel 0.1, base64url like KEY). Parameters
 *   starting with `x-` are ignored; any other is an error.
 *
 * Version 1, the links of Tafel 0.1, is `tafel://board/v1/ID[?PARAMS]#SECRET`
 * with the board secret and no `a=`: it reads as the edit link of epoch 0
 * of the upgraded board, whose keys derive from SECRET.
 *
 * A plain value; free with tafel_invite_free().
 */
typedef struct
{
  guint8   board_id[TAFEL_BOARD_ID_BYTES];
  guint8   secret[TAFEL_BOARD_SECRET_BYTES];  /* version 1 only; zero on version 2 */
  char    *title;      /* nullable; always NULL on seed links */
  char   **brokers;    /* NULL-terminated, possibly empty */

  guint            version;                  /* 1 or 2 */
  TafelCapability  capability;               /* edit for every version-1 link */
  guint8           key[TAFEL_KEY_BYTES];      /* E, R or S as @capability says */
  gboolean         has_anchor;               /* a board upgraded from Tafel 0.1 */
  TafelPublicKey   anchor;                   /* its wpk₀ when @has_anchor */
} TafelInvite;

/* Version-1 links (Tafel 0.1): what the app and the CLI join with until
 * they move to the keys of docs/access.md. tafel_invite_parse() refuses
 * version 2 as a version it does not know. */
TafelInvite *tafel_invite_new         (const guint8  board_id[TAFEL_BOARD_ID_BYTES],
                                       const guint8  secret[TAFEL_BOARD_SECRET_BYTES],
                                       const char   *title,
                                       const char * const *brokers) G_GNUC_WARN_UNUSED_RESULT;
TafelInvite *tafel_invite_parse       (const char   *link,
                                       GError      **error) G_GNUC_WARN_UNUSED_RESULT;
char        *tafel_invite_to_string   (const TafelInvite *invite) G_GNUC_WARN_UNUSED_RESULT;
char        *tafel_invite_dup_board_id_hex (const TafelInvite *invite) G_GNUC_WARN_UNUSED_RESULT;
void         tafel_invite_free        (TafelInvite  *invite);

/* Version-2 links and the capabilities they carry. */
TafelInvite *tafel_invite_new_capability (const guint8          board_id[TAFEL_BOARD_ID_BYTES],
                                       TafelCapability       capability,
                                       const guint8          key[TAFEL_KEY_BYTES],
                                       const TafelPublicKey *anchor,
                                       const char           *title,
                                       const char * const   *brokers) G_GNUC_WARN_UNUSED_RESULT;
TafelInvite *tafel_invite_parse_any   (const char   *link,
                                       GError      **error) G_GNUC_WARN_UNUSED_RESULT;
TafelInvite *tafel_invite_derive      (const TafelInvite *invite,
                                       TafelCapability    capability,
                                       GError           **error) G_GNUC_WARN_UNUSED_RESULT;
TafelEpochKeys *tafel_invite_dup_keys (const TafelInvite *invite) G_GNUC_WARN_UNUSED_RESULT;

/* Checks that @url is an MQTT broker URL Tafel can use: mqtt:// or
 * mqtts://, a host, an optional port 1..65535, nothing else. */
gboolean     tafel_broker_url_check   (const char   *url,
                                       GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelInvite, tafel_invite_free)

G_END_DECLS
