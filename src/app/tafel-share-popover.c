/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tafel-qr-view.h"
#include "tafel-share-popover.h"

struct _TafelSharePopover
{
  GtkPopover   parent_instance;

  char        *link;

  TafelQrView *qr_view;
  GtkEntry    *link_entry;
  GtkButton   *copy_button;
  GtkLabel    *rendezvous_label;
};

G_DEFINE_FINAL_TYPE (TafelSharePopover, tafel_share_popover, GTK_TYPE_POPOVER)

enum {
  COPIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GtkWidget *
tafel_share_popover_new (void)
{
  return g_object_new (TAFEL_TYPE_SHARE_POPOVER, NULL);
}

void
tafel_share_popover_set_link (TafelSharePopover *self,
                              const char        *link,
                              const char        *broker)
{
  g_return_if_fail (TAFEL_IS_SHARE_POPOVER (self));
  g_return_if_fail (link != NULL);

  g_free (self->link);
  self->link = g_strdup (link);
  gtk_editable_set_text (GTK_EDITABLE (self->link_entry), link);
  tafel_qr_view_set_text (self->qr_view, link);

  if (broker != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("People meet through the broker %s."), broker);
      gtk_label_set_text (self->rendezvous_label, text);
    }
  else
    gtk_label_set_text (self->rendezvous_label,
                        _("No broker is set, so only people on your local network can join. "
                          "Choose a broker in Preferences to meet over the internet."));
}

void
tafel_share_popover_copy (TafelSharePopover *self)
{
  g_return_if_fail (TAFEL_IS_SHARE_POPOVER (self));

  if (self->link == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->link);
  g_signal_emit (self, signals[COPIED], 0);
}

static void
on_copy_clicked (TafelSharePopover *self)
{
  tafel_share_popover_copy (self);
}

/* Enter copies the link at once. */
static void
tafel_share_popover_map (GtkWidget *widget)
{
  TafelSharePopover *self = TAFEL_SHARE_POPOVER (widget);

  GTK_WIDGET_CLASS (tafel_share_popover_parent_class)->map (widget);
  gtk_widget_grab_focus (GTK_WIDGET (self->copy_button));
}

static void
tafel_share_popover_finalize (GObject *object)
{
  TafelSharePopover *self = TAFEL_SHARE_POPOVER (object);

  g_free (self->link);

  G_OBJECT_CLASS (tafel_share_popover_parent_class)->finalize (object);
}

static void
tafel_share_popover_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TAFEL_TYPE_SHARE_POPOVER);

  G_OBJECT_CLASS (tafel_share_popover_parent_class)->dispose (object);
}

static void
tafel_share_popover_class_init (TafelSharePopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tafel_share_popover_dispose;
  object_class->finalize = tafel_share_popover_finalize;
  widget_class->map = tafel_share_popover_map;

  signals[COPIED] =
    g_signal_new ("copied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (TAFEL_TYPE_QR_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/tafel-share-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, TafelSharePopover, qr_view);
  gtk_widget_class_bind_template_child (widget_class, TafelSharePopover, link_entry);
  gtk_widget_class_bind_template_child (widget_class, TafelSharePopover, copy_button);
  gtk_widget_class_bind_template_child (widget_class, TafelSharePopover, rendezvous_label);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clicked);
}

static void
tafel_share_popover_init (TafelSharePopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
