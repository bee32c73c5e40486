/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tafel-board.h"
#include "tafel-board-model.h"
#include "tafel-person.h"
#include "tafel-presence.h"

G_BEGIN_DECLS

#define TAFEL_TYPE_PEOPLE (tafel_people_get_type ())

G_DECLARE_FINAL_TYPE (TafelPeople, tafel_people, TAFEL, PEOPLE, GObject)

/* The path a link to @peer takes, for a person to read; %NULL if unknown. */
typedef const char *(*TafelPeoplePathFunc) (const TafelPublicKey *peer,
                                            gpointer              user_data);

/**
 * TafelPeople:
 *
 * Who is on a board, as a #GListModel of #TafelPerson: you first, then
 * the peers online now (from #TafelPresence), then the authors who are
 * offline but published a profile on the board (from the
 * #TafelBoardModel), each group by name. A person's name and colour are
 * what their presence says, else their latest profile record, else a
 * fallback from their key.
 *
 * Signals:
 *  ::person-joined (TafelPerson *): someone came online.
 *  ::person-left (TafelPerson *): someone went offline.
 *  ::presence-changed (const TafelPublicKey *peer, guint changes): any
 *    change of a peer's presence (#TafelPresenceChange), for drawing.
 */
TafelPeople   *tafel_people_new              (TafelBoard           *board,
                                              TafelBoardModel      *model) G_GNUC_WARN_UNUSED_RESULT;

/* The presence of the board's session; %NULL while offline. */
void           tafel_people_set_presence     (TafelPeople          *self,
                                              TafelPresence        *presence);
TafelPresence *tafel_people_get_presence     (TafelPeople          *self);
void           tafel_people_set_path_func    (TafelPeople          *self,
                                              TafelPeoplePathFunc   func,
                                              gpointer              user_data);
/* Asks the path function again (a link came up or changed). */
void           tafel_people_refresh          (TafelPeople          *self);

/* Your own name and colour, as the settings say. The presence shows them
 * at once; a profile record is committed when your latest one on the
 * board differs (@committed tells whether one was). */
gboolean       tafel_people_set_my_profile   (TafelPeople          *self,
                                              const char           *name,
                                              guint32               rgba,
                                              gboolean             *committed,
                                              GError              **error);

TafelPerson   *tafel_people_get_me           (TafelPeople          *self);
/* (transfer none) the listed person with @key, or %NULL */
TafelPerson   *tafel_people_lookup           (TafelPeople          *self,
                                              const TafelPublicKey *key);
/* The name and colour to show for @key, listed or not. */
char          *tafel_people_dup_name         (TafelPeople          *self,
                                              const TafelPublicKey *key) G_GNUC_WARN_UNUSED_RESULT;
guint32        tafel_people_get_rgba         (TafelPeople          *self,
                                              const TafelPublicKey *key);
/* How many others are online now. */
guint          tafel_people_get_n_online     (TafelPeople          *self);

G_END_DECLS
