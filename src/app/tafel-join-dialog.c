/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tafel-join-dialog.h"
#include "tafel-join.h"

struct _TafelJoinDialog
{
  AdwMessageDialog  parent_instance;

  GCancellable     *cancellable;

  GtkEntry         *entry;
  GtkLabel         *error_label;
};

G_DEFINE_FINAL_TYPE (TafelJoinDialog, tafel_join_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* Checks the link as it is: the Join button only for a good one, and
 * the reason under the entry for a bad one (nothing while it is empty). */
static gboolean
check_link (TafelJoinDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelInvite) invite = NULL;

  if (*stripped != '\0')
    invite = tafel_join_parse_link (stripped, &error);

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "join", invite != NULL);
  if (error != NULL)
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->entry), "error");
    }
  else
    {
      gtk_label_set_text (self->error_label, "");
      gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
  return invite != NULL;
}

static void
on_changed (TafelJoinDialog *self)
{
  check_link (self);
}

static void
on_response (TafelJoinDialog *self,
             const char      *response)
{
  g_autofree char *link = NULL;

  if (!g_str_equal (response, "join") || !check_link (self))
    return;

  /* The dialog is none of the application's windows, so it reaches the
   * application's actions through the application itself; the window it
   * was opened over is still the active one. */
  link = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry))));
  g_action_group_activate_action (G_ACTION_GROUP (g_application_get_default ()), "join-link",
                                  g_variant_new_string (link));
}

static void
on_activate (TafelJoinDialog *self)
{
  if (!check_link (self))
    return;
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (self), "join");
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_clipboard_text (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TafelJoinDialog *self = user_data;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  g_autoptr(TafelInvite) invite = NULL;

  /* Cancelled when the dialog went: @self is gone then. */
  if (text == NULL)
    return;

  /* Only a link that works, and only into an empty entry. */
  invite = tafel_join_parse_link (text, NULL);
  if (invite != NULL && *gtk_editable_get_text (GTK_EDITABLE (self->entry)) == '\0')
    {
      g_autofree char *stripped = g_strstrip (g_strdup (text));

      gtk_editable_set_text (GTK_EDITABLE (self->entry), stripped);
      gtk_editable_select_region (GTK_EDITABLE (self->entry), 0, -1);
    }
}

static void
tafel_join_dialog_dispose (GObject *object)
{
  TafelJoinDialog *self = TAFEL_JOIN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (tafel_join_dialog_parent_class)->dispose (object);
}

static void
tafel_join_dialog_class_init (TafelJoinDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tafel_join_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/tafel-join-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TafelJoinDialog, entry);
  gtk_widget_class_bind_template_child (widget_class, TafelJoinDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_response);
}

static void
tafel_join_dialog_init (TafelJoinDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->entry),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->error_label, NULL,
                                  -1);
  check_link (self);

  self->cancellable = g_cancellable_new ();
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->cancellable,
                                 on_clipboard_text, self);
}

GtkWidget *
tafel_join_dialog_new (GtkWindow *parent)
{
  return g_object_new (TAFEL_TYPE_JOIN_DIALOG,
                       "transient-for", parent,
                       NULL);
}
