/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Internal to the core: what the log file and .tafel readers and writers
 * need from TafelLog beyond its public interface. */

#include "tafel-log.h"

G_BEGIN_DECLS

/* Appends the next record of @author (seq = its head + 1, prev = its head)
 * from storage this device wrote itself: the body is not validated again
 * and no signature is verified here (see tafel_log_verify_heads()); the
 * clock must rise. Emits nothing. */
gboolean              tafel_log_append_stored  (TafelLog             *self,
                                                const TafelPublicKey *author,
                                                guint64               lamport,
                                                guint                 kind,
                                                guint                 version,
                                                guint32               key_id,
                                                guint64               time,
                                                gconstpointer         body,
                                                gsize                 body_len,
                                                const TafelSignature *sig,
                                                GError              **error);
/* Verifies the signature on every author's head; with the hash chain this
 * authenticates every record of the log. */
gboolean              tafel_log_verify_heads   (TafelLog             *self,
                                                GError              **error);

/* A borrowed view of an integrated record, valid until the log changes. */
typedef struct
{
  const TafelHash      *id;
  const TafelHash      *prev;       /* NULL for seq 1 */
  guint64               lamport;
  guint                 kind;
  guint                 version;    /* of the envelope: 1 or 2 */
  guint32               key_id;     /* 0 on version 1 */
  guint64               time;       /* 0 on version 1 */
  const guint8         *body;       /* as on the wire: ciphertext for content on version 2 */
  gsize                 body_len;
  const TafelSignature *signature;  /* the head's only */
} TafelLogEntryView;

gboolean              tafel_log_peek           (TafelLog             *self,
                                                const TafelPublicKey *author,
                                                guint64               seq,
                                                TafelLogEntryView    *view);
/* The key of author @i in key order, i < tafel_log_get_n_authors_total(). */
const TafelPublicKey *tafel_log_get_author_key (TafelLog             *self,
                                                guint                 i);
guint                 tafel_log_get_n_authors_total (TafelLog        *self);

G_END_DECLS
