/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tafel-crypto.h"

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
} TafelInviteError;

GQuark tafel_invite_error_quark (void);

#define TAFEL_INVITE_MAX_LENGTH  2048
#define TAFEL_INVITE_MAX_BROKERS 4
#define TAFEL_INVITE_TITLE_MAX   200

/**
 * TafelInvite:
 *
 * What an invite link carries: the board id, the board secret and
 * rendezvous hints. Link grammar, version 1:
 *
 *     tafel://board/v1/ID[?PARAMS]#SECRET
 *
 * - ID: the 16-byte board id as 32 lowercase hex digits.
 * - SECRET: the 32-byte board secret, base64url without padding (43
 *   characters). It sits in the fragment so that it never reaches a web
 *   server or its logs when a link passes through one.
 * - PARAMS: `&`-separated, percent-encoded: `broker=URL` (an mqtt:// or
 *   mqtts:// URL, at most 4) and `title=TEXT` (at most one, a suggested title).
 *   Parameters starting with `x-` are ignored; any other is an error.
 *
 * A plain value; free with tafel_invite_free().
 */
typedef struct
{
  guint8   board_id[TAFEL_BOARD_ID_BYTES];
  guint8   secret[TAFEL_BOARD_SECRET_BYTES];
  char    *title;      /* nullable */
  char   **brokers;    /* NULL-terminated, possibly empty */
} TafelInvite;

TafelInvite *tafel_invite_new         (const guint8  board_id[TAFEL_BOARD_ID_BYTES],
                                       const guint8  secret[TAFEL_BOARD_SECRET_BYTES],
                                       const char   *title,
                                       const char * const *brokers) G_GNUC_WARN_UNUSED_RESULT;
TafelInvite *tafel_invite_parse       (const char   *link,
                                       GError      **error) G_GNUC_WARN_UNUSED_RESULT;
char        *tafel_invite_to_string   (const TafelInvite *invite) G_GNUC_WARN_UNUSED_RESULT;
char        *tafel_invite_dup_board_id_hex (const TafelInvite *invite) G_GNUC_WARN_UNUSED_RESULT;
void         tafel_invite_free        (TafelInvite  *invite);

/* Checks that @url is an MQTT broker URL Tafel can use: mqtt:// or
 * mqtts://, a host, an optional port 1..65535, nothing else. */
gboolean     tafel_broker_url_check   (const char   *url,
                                       GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelInvite, tafel_invite_free)

G_END_DECLS
