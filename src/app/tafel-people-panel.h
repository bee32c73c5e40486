/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tafel-people.h"

G_BEGIN_DECLS

#define TAFEL_TYPE_PEOPLE_PANEL (tafel_people_panel_get_type ())

G_DECLARE_FINAL_TYPE (TafelPeoplePanel, tafel_people_panel, TAFEL, PEOPLE_PANEL, GtkWidget)

/**
 * TafelPeoplePanel:
 *
 * The side panel of who is on the board (a #TafelPeople): each person's
 * colour and name, and whether it is you, how the link to them goes
 * (direct, via NAT, relayed) or that they are offline (dimmed). Clicking
 * someone online asks to follow their view.
 *
 * Signals: ::follow (TafelPerson *person)
 */
GtkWidget *tafel_people_panel_new           (void) G_GNUC_WARN_UNUSED_RESULT;
void       tafel_people_panel_set_people    (TafelPeoplePanel     *self,
                                             TafelPeople          *people);
/* Marks whom you follow; %NULL for nobody. */
void       tafel_people_panel_set_following (TafelPeoplePanel     *self,
                                             const TafelPublicKey *key);

G_END_DECLS
