/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tafel-join-dialog.h"
#include "tafel-join.h"

typedef struct
{
  TafelApplication *application;
  GtkWindow        *parent;       /* weak */
  AdwMessageDialog *dialog;       /* unowned: it owns us */
  GtkEntry         *entry;
  GtkLabel         *error_label;
  GCancellable     *cancellable;
} JoinDialog;

static void
join_dialog_free (JoinDialog *jd)
{
  g_cancellable_cancel (jd->cancellable);
  g_clear_object (&jd->cancellable);
  g_clear_weak_pointer (&jd->parent);
  g_clear_object (&jd->application);
  g_free (jd);
}

/* Checks the link as it is: the Join button only for a good one, and
 * the reason under the entry for a bad one (nothing while it is empty). */
static gboolean
check_link (JoinDialog *jd)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (jd->entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelInvite) invite = NULL;

  if (*stripped != '\0')
    invite = tafel_join_parse_link (stripped, &error);

  adw_message_dialog_set_response_enabled (jd->dialog, "join", invite != NULL);
  if (error != NULL)
    {
      gtk_label_set_text (jd->error_label, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (jd->entry), "error");
    }
  else
    {
      gtk_label_set_text (jd->error_label, "");
      gtk_widget_remove_css_class (GTK_WIDGET (jd->entry), "error");
    }
  gtk_widget_set_visible (GTK_WIDGET (jd->error_label), error != NULL);
  return invite != NULL;
}

static void
on_changed (JoinDialog *jd)
{
  check_link (jd);
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             JoinDialog       *jd)
{
  g_autofree char *link = NULL;

  if (!g_str_equal (response, "join") || !check_link (jd))
    return;

  link = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (jd->entry))));
  tafel_application_join_link (jd->application, link, jd->parent);
}

static void
on_activate (JoinDialog *jd)
{
  if (!check_link (jd))
    return;
  adw_message_dialog_response (jd->dialog, "join");
  gtk_window_close (GTK_WINDOW (jd->dialog));
}

static void
on_clipboard_text (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  JoinDialog *jd = user_data;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  g_autoptr(TafelInvite) invite = NULL;

  if (g_cancellable_is_cancelled (jd->cancellable) || text == NULL)
    return;

  /* Only a link that works, and only into an empty entry. */
  invite = tafel_join_parse_link (text, NULL);
  if (invite != NULL && *gtk_editable_get_text (GTK_EDITABLE (jd->entry)) == '\0')
    {
      g_autofree char *stripped = g_strstrip (g_strdup (text));

      gtk_editable_set_text (GTK_EDITABLE (jd->entry), stripped);
      gtk_editable_select_region (GTK_EDITABLE (jd->entry), 0, -1);
    }
}

GtkWidget *
tafel_join_dialog_present (TafelApplication *application,
                           GtkWindow        *parent)
{
  GtkWidget *dialog, *box, *entry, *error_label;
  JoinDialog *jd;

  g_return_val_if_fail (TAFEL_IS_APPLICATION (application), NULL);

  dialog = adw_message_dialog_new (parent, _("Join a Board"),
                                   _("Paste the invite link someone shared with you."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "join", _("_Join"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "join", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "join");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), "tafel://board/v1/…");
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_URL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Invite Link"),
                                  -1);
  error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (error_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (error_label), 0);
  gtk_label_set_max_width_chars (GTK_LABEL (error_label), 40);
  gtk_widget_add_css_class (error_label, "error");
  gtk_widget_add_css_class (error_label, "caption");
  gtk_widget_set_visible (error_label, FALSE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, error_label, NULL,
                                  -1);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), error_label);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  jd = g_new0 (JoinDialog, 1);
  jd->application = g_object_ref (application);
  g_set_weak_pointer (&jd->parent, parent);
  jd->dialog = ADW_MESSAGE_DIALOG (dialog);
  jd->entry = GTK_ENTRY (entry);
  jd->error_label = GTK_LABEL (error_label);
  jd->cancellable = g_cancellable_new ();
  g_object_set_data_full (G_OBJECT (dialog), "tafel-join-dialog", jd, (GDestroyNotify) join_dialog_free);

  g_signal_connect_swapped (entry, "changed", G_CALLBACK (on_changed), jd);
  g_signal_connect_swapped (entry, "activate", G_CALLBACK (on_activate), jd);
  g_signal_connect (dialog, "response", G_CALLBACK (on_response), jd);
  check_link (jd);

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (dialog), jd->cancellable, on_clipboard_text, jd);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
  return dialog;
}
