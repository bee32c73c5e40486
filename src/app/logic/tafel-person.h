/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tafel-crypto.h"

G_BEGIN_DECLS

#define TAFEL_TYPE_PERSON (tafel_person_get_type ())

G_DECLARE_FINAL_TYPE (TafelPerson, tafel_person, TAFEL, PERSON, GObject)

/**
 * TafelPerson:
 *
 * Someone on a board, as the people panel shows them: their identity key,
 * the name and colour to show (0xRRGGBBAA), whether it is you, whether
 * they are online now and, for a linked peer, the path the link takes
 * ("direct", "via NAT", "relayed", translated). Items of a #TafelPeople.
 *
 * Properties (all notify): ::name, ::rgba, ::is-self, ::online, ::path.
 */
TafelPerson          *tafel_person_new         (const TafelPublicKey *key,
                                                gboolean              is_self) G_GNUC_WARN_UNUSED_RESULT;

const TafelPublicKey *tafel_person_get_key     (TafelPerson          *self);
gboolean              tafel_person_get_is_self (TafelPerson          *self);
const char           *tafel_person_get_name    (TafelPerson          *self);
guint32               tafel_person_get_rgba    (TafelPerson          *self);
gboolean              tafel_person_get_online  (TafelPerson          *self);
/* nullable */
const char           *tafel_person_get_path    (TafelPerson          *self);

/* Each returns whether anything changed. */
gboolean              tafel_person_update      (TafelPerson          *self,
                                                const char           *name,
                                                guint32               rgba,
                                                gboolean              online,
                                                const char           *path);

/* The name to use when none is set: the user's real name, or the login
 * name when the system knows no real name. */
char                 *tafel_person_default_name  (void) G_GNUC_WARN_UNUSED_RESULT;
/* A colour picked from @key: the same key always gives the same colour,
 * saturated and of middle lightness so that it reads on light and dark
 * paper, opaque. */
guint32               tafel_person_color_for_key (const TafelPublicKey *key);
/* What to call someone who has published no name: "Anonymous" and the
 * first digits of their key, so two of them can be told apart. */
char                 *tafel_person_fallback_name (const TafelPublicKey *key) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
