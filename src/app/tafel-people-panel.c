/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tafel-people-panel.h"
#include "tafel-swatch.h"

struct _TafelPeoplePanel
{
  GtkWidget       parent_instance;

  TafelPeople    *people;
  gboolean        following_anyone;
  TafelPublicKey  following;

  GtkListBox     *list;
};

G_DEFINE_FINAL_TYPE (TafelPeoplePanel, tafel_people_panel, GTK_TYPE_WIDGET)

enum {
  FOLLOW,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The parts of a row, kept as object data on it. */
typedef struct
{
  TafelPeoplePanel *panel;    /* unowned */
  TafelPerson      *person;
  TafelSwatch      *swatch;
  GtkLabel         *name;
  GtkLabel         *status;
  GtkImage         *following;
  GtkWidget        *box;
} Row;

static void
row_free (Row *row)
{
  g_clear_object (&row->person);
  g_free (row);
}

static gboolean
is_followed (TafelPeoplePanel *self,
             TafelPerson      *person)
{
  return self->following_anyone &&
         memcmp (tafel_person_get_key (person), &self->following, sizeof (TafelPublicKey)) == 0;
}

static void
update_row (GtkListBoxRow *widget)
{
  Row *row = g_object_get_data (G_OBJECT (widget), "tafel-row");
  TafelPerson *person = row->person;
  gboolean online = tafel_person_get_online (person);
  gboolean self_row = tafel_person_get_is_self (person);
  gboolean followed = is_followed (row->panel, person);
  const char *status;
  g_autofree char *description = NULL;

  tafel_swatch_set_rgba (row->swatch, tafel_person_get_rgba (person));
  gtk_label_set_text (row->name, tafel_person_get_name (person));

  if (self_row)
    status = _("You");
  else if (!online)
    status = _("Offline");
  else if (tafel_person_get_path (person) != NULL)
    status = tafel_person_get_path (person);
  else
    /* Translators: someone reached over the mesh, not over a link of ours */
    status = _("Online");
  gtk_label_set_text (row->status, status);

  if (online)
    gtk_widget_remove_css_class (row->box, "dim-label");
  else
    gtk_widget_add_css_class (row->box, "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (row->following), followed);

  /* Only someone else online has a view to follow. */
  gtk_list_box_row_set_activatable (widget, online && !self_row);
  if (online && !self_row)
    {
      g_autofree char *tooltip = NULL;

      if (followed)
        tooltip = g_strdup_printf (_("Following %s’s view"), tafel_person_get_name (person));
      else
        tooltip = g_strdup_printf (_("Follow %s’s view"), tafel_person_get_name (person));
      gtk_widget_set_tooltip_text (GTK_WIDGET (widget), tooltip);
    }
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (widget), NULL);

  description = followed ? g_strdup_printf ("%s, %s", status, _("followed")) : g_strdup (status);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tafel_person_get_name (person),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  TafelPeoplePanel *self = user_data;
  TafelPerson *person = item;
  GtkWidget *widget, *box, *labels, *swatch, *name, *status, *following;
  Row *row;

  swatch = tafel_swatch_new (tafel_person_get_rgba (person), 0);
  gtk_widget_set_size_request (swatch, 16, 16);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);

  name = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  status = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_label_set_ellipsize (GTK_LABEL (status), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (status, "caption");
  gtk_widget_add_css_class (status, "dim-label");

  labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_box_append (GTK_BOX (labels), name);
  gtk_box_append (GTK_BOX (labels), status);

  following = gtk_image_new_from_icon_name ("view-reveal-symbolic");
  gtk_widget_set_tooltip_text (following, _("You follow this view"));

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_box_append (GTK_BOX (box), following);

  widget = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (widget), box);

  row = g_new0 (Row, 1);
  row->panel = self;
  row->person = g_object_ref (person);
  row->swatch = TAFEL_SWATCH (swatch);
  row->name = GTK_LABEL (name);
  row->status = GTK_LABEL (status);
  row->following = GTK_IMAGE (following);
  row->box = box;
  g_object_set_data_full (G_OBJECT (widget), "tafel-row", row, (GDestroyNotify) row_free);
  g_signal_connect_object (person, "notify", G_CALLBACK (update_row), widget, G_CONNECT_SWAPPED);

  update_row (GTK_LIST_BOX_ROW (widget));
  return widget;
}

static void
on_row_activated (GtkListBox       *list,
                  GtkListBoxRow    *widget,
                  TafelPeoplePanel *self)
{
  Row *row = g_object_get_data (G_OBJECT (widget), "tafel-row");

  if (row != NULL && tafel_person_get_online (row->person) && !tafel_person_get_is_self (row->person))
    g_signal_emit (self, signals[FOLLOW], 0, row->person);
}

void
tafel_people_panel_set_people (TafelPeoplePanel *self,
                               TafelPeople      *people)
{
  g_return_if_fail (TAFEL_IS_PEOPLE_PANEL (self));
  g_return_if_fail (people == NULL || TAFEL_IS_PEOPLE (people));

  if (!g_set_object (&self->people, people))
    return;
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (people), create_row, self, NULL);
}

void
tafel_people_panel_set_following (TafelPeoplePanel     *self,
                                  const TafelPublicKey *key)
{
  GtkWidget *child;

  g_return_if_fail (TAFEL_IS_PEOPLE_PANEL (self));

  self->following_anyone = key != NULL;
  if (key != NULL)
    self->following = *key;

  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_object_get_data (G_OBJECT (child), "tafel-row") != NULL)
      update_row (GTK_LIST_BOX_ROW (child));
}

GtkWidget *
tafel_people_panel_new (void)
{
  return g_object_new (TAFEL_TYPE_PEOPLE_PANEL, NULL);
}

static void
tafel_people_panel_dispose (GObject *object)
{
  TafelPeoplePanel *self = TAFEL_PEOPLE_PANEL (object);
  GtkWidget *child;

  if (self->list != NULL)
    gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->people);
  gtk_widget_dispose_template (GTK_WIDGET (self), TAFEL_TYPE_PEOPLE_PANEL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (tafel_people_panel_parent_class)->dispose (object);
}

static void
tafel_people_panel_class_init (TafelPeoplePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tafel_people_panel_dispose;

  signals[FOLLOW] =
    g_signal_new ("follow", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TAFEL_TYPE_PERSON);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/tafel-people-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, TafelPeoplePanel, list);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tafel_people_panel_init (TafelPeoplePanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
