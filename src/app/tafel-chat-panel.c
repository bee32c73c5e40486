/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tafel-chat-message.h"
#include "tafel-chat-panel.h"
#include "tafel-swatch.h"

struct _TafelChatPanel
{
  GtkWidget          parent_instance;

  TafelBoard        *board;
  TafelBoardModel   *model;
  TafelPeople       *people;
  gboolean           at_bottom;

  GtkScrolledWindow *scroller;
  GtkListBox        *list;
  GtkEntry          *entry;
  GtkButton         *send_button;
};

G_DEFINE_FINAL_TYPE (TafelChatPanel, tafel_chat_panel, GTK_TYPE_WIDGET)

enum {
  ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  TafelPublicKey  author;
  TafelSwatch    *swatch;
  GtkLabel       *name;
} Row;

static void
update_row (TafelChatPanel *self,
            GtkWidget      *widget)
{
  Row *row = g_object_get_data (G_OBJECT (widget), "tafel-row");
  g_autofree char *name = NULL;

  if (row == NULL || self->people == NULL)
    return;
  name = tafel_people_dup_name (self->people, &row->author);
  gtk_label_set_text (row->name, name);
  tafel_swatch_set_rgba (row->swatch, tafel_people_get_rgba (self->people, &row->author));
}

static void
update_rows (TafelChatPanel *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    update_row (self, child);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  TafelChatPanel *self = user_data;
  TafelChatMessage *message = item;
  GtkWidget *widget, *box, *header, *swatch, *name, *text;
  Row *row;

  swatch = tafel_swatch_new (0, 0);
  gtk_widget_set_size_request (swatch, 10, 10);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  name = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name, "heading");
  gtk_widget_add_css_class (name, "caption-heading");

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (header), swatch);
  gtk_box_append (GTK_BOX (header), name);

  text = gtk_label_new (tafel_chat_message_get_text (message));
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (text), 30);
  gtk_widget_set_margin_start (text, 16);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), text);

  widget = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (widget), FALSE);
  gtk_widget_set_focusable (widget, FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (widget), box);

  row = g_new0 (Row, 1);
  row->author = *tafel_chat_message_get_author (message);
  row->swatch = TAFEL_SWATCH (swatch);
  row->name = GTK_LABEL (name);
  g_object_set_data_full (G_OBJECT (widget), "tafel-row", row, g_free);
  update_row (self, widget);

  return widget;
}

/* ---- Scrolling: new messages keep the newest in sight -------------------- */

static void
on_value_changed (GtkAdjustment  *adjustment,
                  TafelChatPanel *self)
{
  self->at_bottom = gtk_adjustment_get_value (adjustment) >=
                    gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) - 4;
}

static void
on_upper_changed (GtkAdjustment  *adjustment,
                  GParamSpec     *pspec,
                  TafelChatPanel *self)
{
  if (self->at_bottom)
    gtk_adjustment_set_value (adjustment,
                              gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
}

/* ---- Sending ------------------------------------------------------------- */

static gboolean
check_entry (TafelChatPanel *self,
             char          **text_out)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  gboolean too_long = strlen (stripped) > TAFEL_TEXT_MAX_BYTES;
  gboolean ok = *stripped != '\0' && !too_long;

  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button), self->board != NULL && ok);
  if (too_long)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->entry), _("The message is too long"));
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->entry), NULL);
    }

  if (text_out != NULL)
    *text_out = ok ? g_steal_pointer (&stripped) : NULL;
  return ok;
}

gboolean
tafel_chat_panel_send (TafelChatPanel *self)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(TafelRecord) record = NULL;

  g_return_val_if_fail (TAFEL_IS_CHAT_PANEL (self), FALSE);

  if (self->board == NULL || !check_entry (self, &text))
    return FALSE;

  body = tafel_chat_encode (&(TafelChat) { text });
  record = tafel_board_commit (self->board, TAFEL_RECORD_KIND_CHAT, body, &error);
  if (record == NULL)
    {
      g_signal_emit (self, signals[ERROR], 0, error);
      return FALSE;
    }

  /* Your own message is always shown. */
  self->at_bottom = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  return TRUE;
}

static void
on_entry_activate (TafelChatPanel *self)
{
  tafel_chat_panel_send (self);
}

static void
on_send_clicked (TafelChatPanel *self)
{
  tafel_chat_panel_send (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static void
on_entry_changed (TafelChatPanel *self)
{
  check_entry (self, NULL);
}

/* ---- Board --------------------------------------------------------------- */

void
tafel_chat_panel_set_board (TafelChatPanel  *self,
                            TafelBoard      *board,
                            TafelBoardModel *model,
                            TafelPeople     *people)
{
  g_return_if_fail (TAFEL_IS_CHAT_PANEL (self));
  g_return_if_fail ((board == NULL) == (model == NULL) && (model == NULL) == (people == NULL));

  if (self->people != NULL)
    g_signal_handlers_disconnect_by_data (self->people, self);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  g_set_object (&self->board, board);
  g_set_object (&self->model, model);
  g_set_object (&self->people, people);

  if (model != NULL)
    {
      self->at_bottom = TRUE;
      gtk_list_box_bind_model (self->list, tafel_board_model_get_chat (model), create_row, self, NULL);
      /* Names and colours follow profiles and presence. */
      g_signal_connect_swapped (people, "items-changed", G_CALLBACK (update_rows), self);
      g_signal_connect_swapped (model, "profile-changed", G_CALLBACK (update_rows), self);
    }
  check_entry (self, NULL);
}

void
tafel_chat_panel_focus_entry (TafelChatPanel *self)
{
  g_return_if_fail (TAFEL_IS_CHAT_PANEL (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

GtkWidget *
tafel_chat_panel_new (void)
{
  return g_object_new (TAFEL_TYPE_CHAT_PANEL, NULL);
}

static void
tafel_chat_panel_dispose (GObject *object)
{
  TafelChatPanel *self = TAFEL_CHAT_PANEL (object);
  GtkWidget *child;

  if (self->list != NULL)
    tafel_chat_panel_set_board (self, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TAFEL_TYPE_CHAT_PANEL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (tafel_chat_panel_parent_class)->dispose (object);
}

static void
tafel_chat_panel_class_init (TafelChatPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tafel_chat_panel_dispose;

  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/tafel-chat-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, TafelChatPanel, scroller);
  gtk_widget_class_bind_template_child (widget_class, TafelChatPanel, list);
  gtk_widget_class_bind_template_child (widget_class, TafelChatPanel, entry);
  gtk_widget_class_bind_template_child (widget_class, TafelChatPanel, send_button);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_send_clicked);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tafel_chat_panel_init (TafelChatPanel *self)
{
  GtkAdjustment *adjustment;
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));

  placeholder = gtk_label_new (_("No messages yet. Say hello!"));
  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 24);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  gtk_list_box_set_placeholder (self->list, placeholder);

  adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect (adjustment, "value-changed", G_CALLBACK (on_value_changed), self);
  g_signal_connect (adjustment, "notify::upper", G_CALLBACK (on_upper_changed), self);
  self->at_bottom = TRUE;
  check_entry (self, NULL);
}
