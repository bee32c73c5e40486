/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tafel-crypto.h"
#include "tafel-record.h"

G_BEGIN_DECLS

#define TAFEL_IDENTITY_ERROR (tafel_identity_error_quark ())

typedef enum
{
  TAFEL_IDENTITY_ERROR_CORRUPT,      /* the key file is damaged */
  TAFEL_IDENTITY_ERROR_PERMISSIONS,  /* the key file is readable by others */
  TAFEL_IDENTITY_ERROR_IO,
} TafelIdentityError;

GQuark tafel_identity_error_quark (void);

#define TAFEL_TYPE_IDENTITY (tafel_identity_get_type ())

G_DECLARE_FINAL_TYPE (TafelIdentity, tafel_identity, TAFEL, IDENTITY, GObject)

/* This device's Ed25519 key pair, kept in DATA_DIR/identity (mode 0600):
 * created on first use, loaded afterwards. DATA_DIR is the Tafel data
 * folder ($XDG_DATA_HOME/tafel unless overridden). */
TafelIdentity        *tafel_identity_load_or_create (const char          *data_dir,
                                                     GError             **error) G_GNUC_WARN_UNUSED_RESULT;
/* A new identity in place of @old, which another device uses too
 * (docs/identity.md); the one already there if it is no longer @old. */
TafelIdentity        *tafel_identity_replace        (const char          *data_dir,
                                                     TafelIdentity       *old,
                                                     GError             **error) G_GNUC_WARN_UNUSED_RESULT;
/* An identity that lives only in memory (tests, benchmarks). */
TafelIdentity        *tafel_identity_new_ephemeral  (void) G_GNUC_WARN_UNUSED_RESULT;

const TafelPublicKey *tafel_identity_get_public_key (TafelIdentity       *self);
void                  tafel_identity_sign           (TafelIdentity       *self,
                                                     TafelSignature      *sig,
                                                     gconstpointer        message,
                                                     gsize                len);
/* Opens what tafel_seal_to_public_key() sealed to this identity's key;
 * @out holds @len - TAFEL_SEAL_OVERHEAD_BYTES bytes. */
gboolean              tafel_identity_open_sealed    (TafelIdentity       *self,
                                                     guint8              *out,
                                                     gconstpointer        sealed,
                                                     gsize                len,
                                                     GError             **error);
/* Builds and signs the next record of this identity. */
TafelRecord          *tafel_identity_sign_record    (TafelIdentity       *self,
                                                     guint64              seq,
                                                     const TafelHash     *prev,
                                                     guint64              lamport,
                                                     guint                kind,
                                                     GBytes              *body) G_GNUC_WARN_UNUSED_RESULT;
/* Builds and signs the next record of this identity in envelope version 2
 * (docs/access.md): a content kind's @plain body is encrypted with
 * @body_key, the 32-byte key B of @key_id (ignored for other kinds, may be
 * %NULL there). @time is the wall clock in ms since 1970. */
TafelRecord          *tafel_identity_sign_record_v2 (TafelIdentity       *self,
                                                     guint64              seq,
                                                     const TafelHash     *prev,
                                                     guint64              lamport,
                                                     guint                kind,
                                                     guint32              key_id,
                                                     const guint8        *body_key,
                                                     guint64              time,
                                                     GBytes              *plain) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
