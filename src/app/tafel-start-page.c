/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tafel-board-list.h"
#include "tafel-start-page.h"
#include "tafel-thumbnail-view.h"
#include "tafel-thumbnails.h"

struct _TafelStartPage
{
  GtkWidget             parent_instance;

  GListModel           *boards;
  gboolean              bound;       /* the cards are made */
  TafelThumbnailLoader  load_thumbnail;
  gpointer              load_thumbnail_data;

  GtkStack             *stack;
  GtkFlowBox           *flow_box;
};

G_DEFINE_FINAL_TYPE (TafelStartPage, tafel_start_page, GTK_TYPE_WIDGET)

enum {
  BOARD_ACTIVATED,
  DELETE_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Per card, kept as object data on the flow box child. */
typedef struct
{
  TafelStartPage *page;            /* unowned */
  TafelBoardInfo *info;
  TafelThumbnailView *picture;
  GCancellable   *cancellable;
  gboolean        loading;
  gboolean        open_when_loaded;
} Card;

static void
card_free (Card *card)
{
  g_cancellable_cancel (card->cancellable);
  g_clear_object (&card->cancellable);
  g_clear_object (&card->info);
  g_free (card);
}

static void
open_card (TafelStartPage *self,
           Card           *card)
{
  /* The thumbnail is read from the board itself, which cannot be open
   * twice at once: open it once the picture is done. */
  if (card->loading)
    {
      card->open_when_loaded = TRUE;
      return;
    }

  g_signal_emit (self, signals[BOARD_ACTIVATED], 0, tafel_board_info_get_id_hex (card->info));
}

/* "Opened 5 minutes ago" and the like. */
static char *
format_last_opened (GDateTime *when)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) today = NULL;
  GTimeSpan ago;
  int days;

  if (when == NULL)
    return g_strdup (_("Never opened"));

  local = g_date_time_to_local (when);
  ago = g_date_time_difference (now, local);
  today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                 g_date_time_get_day_of_month (now), 0, 0, 0);

  if (ago < G_TIME_SPAN_MINUTE)
    return g_strdup (_("Opened just now"));
  if (g_date_time_compare (local, today) >= 0)
    {
      g_autofree char *time = g_date_time_format (local, "%H:%M");
      /* Translators: %s is a time of day like 14:05 */
      return g_strdup_printf (_("Opened today at %s"), time);
    }

  days = (int) ((g_date_time_difference (today, local) + G_TIME_SPAN_DAY - 1) / G_TIME_SPAN_DAY);
  if (days <= 1)
    return g_strdup (_("Opened yesterday"));
  if (days < 7)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Opened %d day ago", "Opened %d days ago", days), days);

  {
    g_autofree char *date = g_date_time_format (local, "%x");
    /* Translators: %s is a date */
    return g_strdup_printf (_("Opened on %s"), date);
  }
}

static void
on_thumbnail_loaded (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Card *card = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = tafel_thumbnail_load_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  card->loading = FALSE;
  if (texture != NULL)
    tafel_thumbnail_view_set_paintable (card->picture, GDK_PAINTABLE (texture));
  else if (error != NULL)
    gtk_widget_set_tooltip_text (GTK_WIDGET (card->picture), error->message);

  if (card->open_when_loaded)
    {
      card->open_when_loaded = FALSE;
      open_card (card->page, card);
    }
}

static void
load_thumbnail (TafelStartPage *self,
                Card           *card)
{
  if (self->load_thumbnail == NULL)
    return;

  card->loading = self->load_thumbnail (card->info,
                                        adw_style_manager_get_dark (adw_style_manager_get_default ()),
                                        card->cancellable, on_thumbnail_loaded, card,
                                        self->load_thumbnail_data);
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    TafelStartPage   *self)
{
  const char *id_hex = g_object_get_data (G_OBJECT (dialog), "tafel-board-id");

  if (!g_str_equal (response, "delete"))
    return;

  g_signal_emit (self, signals[DELETE_REQUESTED], 0, id_hex);
}

static void
on_delete_clicked (GtkButton *button,
                   Card      *card)
{
  TafelStartPage *self = card->page;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (root), NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Delete “%s”?"),
                                     tafel_board_info_get_title (card->info));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("The board and everything on it are removed from this device. "
                                 "People you shared it with keep their copies."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "tafel-board-id",
                          g_strdup (tafel_board_info_get_id_hex (card->info)), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_delete_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
create_card (gpointer item,
             gpointer user_data)
{
  TafelStartPage *self = user_data;
  TafelBoardInfo *info = item;
  g_autofree char *opened = format_last_opened (tafel_board_info_get_last_opened (info));
  g_autofree char *delete_label = g_strdup_printf (_("Delete “%s”"), tafel_board_info_get_title (info));
  GtkWidget *child, *overlay, *box, *frame, *picture, *title, *subtitle, *delete;
  Card *card;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "tafel-board-card");

  frame = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (frame, "tafel-board-paper");
  picture = tafel_thumbnail_view_new (TAFEL_THUMBNAIL_WIDTH / 2, TAFEL_THUMBNAIL_HEIGHT / 2);
  gtk_widget_set_margin_start (picture, 8);
  gtk_widget_set_margin_end (picture, 8);
  gtk_widget_set_margin_top (picture, 8);
  gtk_widget_set_margin_bottom (picture, 8);
  gtk_box_append (GTK_BOX (frame), picture);
  gtk_box_append (GTK_BOX (box), frame);

  title = gtk_label_new (tafel_board_info_get_title (info));
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_set_margin_start (title, 12);
  gtk_widget_set_margin_end (title, 12);
  gtk_widget_set_margin_top (title, 8);
  gtk_box_append (GTK_BOX (box), title);

  subtitle = gtk_label_new (opened);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_set_margin_start (subtitle, 12);
  gtk_widget_set_margin_end (subtitle, 12);
  gtk_widget_set_margin_bottom (subtitle, 10);
  gtk_box_append (GTK_BOX (box), subtitle);

  delete = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_add_css_class (delete, "circular");
  gtk_widget_add_css_class (delete, "osd");
  gtk_widget_set_halign (delete, GTK_ALIGN_END);
  gtk_widget_set_valign (delete, GTK_ALIGN_START);
  gtk_widget_set_margin_top (delete, 6);
  gtk_widget_set_margin_end (delete, 6);
  gtk_widget_set_tooltip_text (delete, _("Delete Board"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (delete),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, delete_label,
                                  -1);

  overlay = gtk_overlay_new ();
  gtk_overlay_set_child (GTK_OVERLAY (overlay), box);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), delete);

  child = gtk_flow_box_child_new ();
  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), overlay);
  gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tafel_board_info_get_title (info),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, opened,
                                  -1);

  card = g_new0 (Card, 1);
  card->page = self;
  card->info = g_object_ref (info);
  card->picture = TAFEL_THUMBNAIL_VIEW (picture);
  card->cancellable = g_cancellable_new ();
  g_object_set_data_full (G_OBJECT (child), "tafel-card", card, (GDestroyNotify) card_free);
  g_signal_connect (delete, "clicked", G_CALLBACK (on_delete_clicked), card);

  load_thumbnail (self, card);

  return child;
}

static void
on_child_activated (GtkFlowBox      *flow_box,
                    GtkFlowBoxChild *child,
                    TafelStartPage  *self)
{
  Card *card = g_object_get_data (G_OBJECT (child), "tafel-card");

  if (card != NULL)
    open_card (self, card);
}

static void
update_stack (TafelStartPage *self)
{
  gboolean empty = self->boards == NULL || g_list_model_get_n_items (self->boards) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "boards");
}

static void
bind_boards (TafelStartPage *self)
{
  gtk_flow_box_bind_model (self->flow_box, self->boards, create_card, self, NULL);
  self->bound = self->boards != NULL;
  update_stack (self);
}

void
tafel_start_page_set_boards (TafelStartPage       *self,
                             GListModel           *boards,
                             TafelThumbnailLoader  loader,
                             gpointer              user_data)
{
  g_return_if_fail (TAFEL_IS_START_PAGE (self));
  g_return_if_fail (boards == NULL || G_IS_LIST_MODEL (boards));

  if (self->boards != NULL)
    g_signal_handlers_disconnect_by_data (self->boards, self);
  g_set_object (&self->boards, boards);
  self->load_thumbnail = loader;
  self->load_thumbnail_data = user_data;
  if (self->boards != NULL)
    g_signal_connect_swapped (self->boards, "items-changed", G_CALLBACK (update_stack), self);

  /* Cards load their pictures, which may open their boards: they are made
   * when the page is first shown, not for a window that goes straight to
   * a board. */
  if (self->bound || gtk_widget_get_mapped (GTK_WIDGET (self)))
    bind_boards (self);
  else
    update_stack (self);
}

static void
on_dark_changed (TafelStartPage *self)
{
  /* The pictures follow the paper: build them again. */
  if (self->bound)
    bind_boards (self);
}

/* Shown again: what is on this device may have changed meanwhile (another
 * program, another window). */
static void
tafel_start_page_map (GtkWidget *widget)
{
  TafelStartPage *self = TAFEL_START_PAGE (widget);

  GTK_WIDGET_CLASS (tafel_start_page_parent_class)->map (widget);
  if (self->boards == NULL)
    return;

  /* Reloaded before the first cards are made, not after: cards made twice
   * would load each picture twice at once, and the second load finds the
   * board locked by the first. */
  tafel_board_list_reload (self->boards);
  if (!self->bound)
    bind_boards (self);
}

static void
tafel_start_page_dispose (GObject *object)
{
  TafelStartPage *self = TAFEL_START_PAGE (object);
  GtkWidget *child;

  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);
  gtk_flow_box_bind_model (self->flow_box, NULL, NULL, NULL, NULL);
  if (self->boards != NULL)
    g_signal_handlers_disconnect_by_data (self->boards, self);
  g_clear_object (&self->boards);

  gtk_widget_dispose_template (GTK_WIDGET (self), TAFEL_TYPE_START_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (tafel_start_page_parent_class)->dispose (object);
}

static void
tafel_start_page_class_init (TafelStartPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tafel_start_page_dispose;
  widget_class->map = tafel_start_page_map;

  signals[BOARD_ACTIVATED] =
    g_signal_new ("board-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[DELETE_REQUESTED] =
    g_signal_new ("delete-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/tafel-start-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TafelStartPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TafelStartPage, flow_box);
}

static void
tafel_start_page_init (TafelStartPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->flow_box, "child-activated", G_CALLBACK (on_child_activated), self);
  g_signal_connect_swapped (adw_style_manager_get_default (), "notify::dark",
                            G_CALLBACK (on_dark_changed), self);
}
