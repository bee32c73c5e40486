/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tafel-board-snapshot.h"
#include "tafel-canvas.h"
#include "tafel-color.h"
#include "tafel-export.h"
#include "tafel-start-page.h"
#include "tafel-thumbnails.h"
#include "tafel-toolbar.h"
#include "tafel-window-private.h"

G_DEFINE_FINAL_TYPE (TafelWindow, tafel_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_BOARD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- Small helpers ------------------------------------------------------- */

static void
on_details_clicked (AdwToast    *toast,
                    TafelWindow *self)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), adw_toast_get_title (toast),
                                   g_object_get_data (G_OBJECT (toast), "tafel-details"));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A problem a person must see: a short title, and the whole reason behind
 * a Details button (toasts have room for one line). */
void
tafel_window_show_error (TafelWindow *self,
                         const char  *title,
                         const char  *details)
{
  AdwToast *toast;

  g_return_if_fail (TAFEL_IS_WINDOW (self));

  toast = adw_toast_new (title);
  /* Errors stay until read. */
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  if (details != NULL)
    {
      adw_toast_set_button_label (toast, _("_Details"));
      g_object_set_data_full (G_OBJECT (toast), "tafel-details", g_strdup (details), g_free);
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_details_clicked), self, 0);
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_note (TafelWindow *self,
           const char  *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
show_error (TafelWindow  *self,
            const char   *what,
            const GError *error)
{
  tafel_window_show_error (self, what, error->message);
}

static void
update_zoom_label (TafelWindow *self)
{
  g_autofree char *label = NULL;

  /* Translators: a zoom level, like "100 %" */
  label = g_strdup_printf (_("%.0f %%"), round (tafel_canvas_get_scale (self->canvas) * 100));
  gtk_button_set_label (self->zoom_level_button, label);
}

static void
update_title (TafelWindow *self)
{
  const char *title = self->board != NULL ? tafel_board_get_title (self->board) : _("Tafel");

  gtk_label_set_label (self->title_label, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  /* Read out as the board's name, with what the button does. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->title_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Rename Board"),
                                  -1);
}

static void
update_actions (TafelWindow *self)
{
  gboolean has_board = self->board != NULL;
  gboolean has_selection = has_board && tafel_canvas_controller_has_selection (self->controller);
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "win.undo", has_board && tafel_history_can_undo (self->history));
  gtk_widget_action_set_enabled (widget, "win.redo", has_board && tafel_history_can_redo (self->history));
  gtk_widget_action_set_enabled (widget, "win.clear-board",
                                 has_board && tafel_board_model_get_n_visible (self->model) > 0);
  gtk_widget_action_set_enabled (widget, "win.zoom-fit",
                                 has_board && tafel_board_model_get_n_visible (self->model) > 0);
  gtk_widget_action_set_enabled (widget, "win.delete-selection", has_selection);
  gtk_widget_action_set_enabled (widget, "win.duplicate", has_selection);
  gtk_widget_action_set_enabled (widget, "win.raise", has_selection);
  gtk_widget_action_set_enabled (widget, "win.lower", has_selection);
  /* With a selection, the tool bar's colour and width change it. */
  {
    GPtrArray *selection = has_selection ? tafel_canvas_controller_get_selection (self->controller) : NULL;
    gboolean only_texts = selection != NULL;

    for (guint i = 0; selection != NULL && i < selection->len; i++)
      only_texts &= tafel_object_get_type (g_ptr_array_index (selection, i)) == TAFEL_OBJECT_TEXT;
    tafel_toolbar_set_selection (self->toolbar, has_selection, only_texts);
  }

  for (const char * const *name = (const char * const[]) { "win.save-as", "win.export", "win.rename",
                                                            "win.close-board", "win.select-all",
                                                            "win.zoom-in", "win.zoom-out", "win.zoom-reset",
                                                            NULL };
       *name != NULL; name++)
    gtk_widget_action_set_enabled (widget, *name, has_board);

  gtk_revealer_set_reveal_child (self->selection_revealer, has_selection);
  tafel_window_net_update_actions (self);
}

/* ---- The board ----------------------------------------------------------- */

static void
on_controller_error (TafelCanvasController *controller,
                     const GError          *error,
                     TafelWindow           *self)
{
  show_error (self, _("A change could not be stored"), error);
}

static void
on_text_error (TafelCanvas  *canvas,
               const GError *error,
               TafelWindow  *self)
{
  show_error (self, _("The text could not be stored"), error);
}

static void
on_canvas_failed (TafelCanvas  *canvas,
                  const char   *what,
                  const GError *error,
                  TafelWindow  *self)
{
  show_error (self, what, error);
}

static void
on_objects_changed (TafelWindow *self)
{
  update_actions (self);
}

static gboolean
map_color (GValue   *value,
           GVariant *variant,
           gpointer  user_data)
{
  g_value_set_string (value, g_variant_get_string (variant, NULL));
  return TRUE;
}

static void
drop_board (TafelWindow *self,
            gboolean     keep_thumbnail)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (self->board == NULL)
    return;

  tafel_window_net_detach (self);

  /* The picture on the start page shows the board as it was left. */
  if (keep_thumbnail && app != NULL)
    tafel_thumbnail_save_async (G_APPLICATION (app), tafel_board_get_log (self->board),
                                tafel_board_get_id_hex (self->board));

  tafel_canvas_finish_text (self->canvas);
  tafel_canvas_set_controller (self->canvas, NULL);

  g_settings_unbind (self->controller, "tool");
  g_settings_unbind (self->controller, "pen-color");
  g_settings_unbind (self->controller, "pen-width");
  g_settings_unbind (self->controller, "highlighter-color");
  g_settings_unbind (self->controller, "highlighter-width");
  g_settings_unbind (self->controller, "text-size");

  g_signal_handlers_disconnect_by_data (self->controller, self);
  g_signal_handlers_disconnect_by_data (self->history, self);
  g_signal_handlers_disconnect_by_data (self->model, self);
  g_signal_handlers_disconnect_by_data (self->board, self);

  g_clear_object (&self->controller);
  g_clear_object (&self->history);
  g_clear_object (&self->model);
  g_clear_object (&self->board);
}

TafelBoard *
tafel_window_get_board (TafelWindow *self)
{
  g_return_val_if_fail (TAFEL_IS_WINDOW (self), NULL);

  return self->board;
}

/* Another device writes under this device's identity, and the board moved
 * to a new one (docs/identity.md): undo follows, to what is drawn under
 * it from now on. */
static void
on_identity_moved (TafelWindow *self)
{
  tafel_history_set_author (self->history,
                            tafel_identity_get_public_key (tafel_board_get_identity (self->board)));
}

void
tafel_window_set_board (TafelWindow *self,
                        TafelBoard  *board)
{
  g_return_if_fail (TAFEL_IS_WINDOW (self));
  g_return_if_fail (board == NULL || TAFEL_IS_BOARD (board));

  if (self->board == board)
    return;

  drop_board (self, TRUE);

  if (board != NULL)
    {
      TafelIdentity *identity = tafel_board_get_identity (board);

      self->board = g_object_ref (board);
      self->model = tafel_board_model_new (tafel_board_get_log (board));
      self->history = tafel_history_new (self->model, tafel_identity_get_public_key (identity));
      self->controller = tafel_canvas_controller_new (board, self->model, self->history);

      g_settings_bind (self->settings, "tool", self->controller, "tool", G_SETTINGS_BIND_GET);
      g_settings_bind_with_mapping (self->settings, "pen-color", self->controller, "pen-color",
                                    G_SETTINGS_BIND_GET, map_color, NULL, NULL, NULL);
      g_settings_bind_with_mapping (self->settings, "highlighter-color", self->controller, "highlighter-color",
                                    G_SETTINGS_BIND_GET, map_color, NULL, NULL, NULL);
      g_settings_bind (self->settings, "pen-width", self->controller, "pen-width", G_SETTINGS_BIND_GET);
      g_settings_bind (self->settings, "highlighter-width", self->controller, "highlighter-width",
                       G_SETTINGS_BIND_GET);
      g_settings_bind (self->settings, "text-size", self->controller, "text-size", G_SETTINGS_BIND_GET);

      g_signal_connect (self->controller, "error", G_CALLBACK (on_controller_error), self);
      g_signal_connect_swapped (self->controller, "notify::has-selection", G_CALLBACK (update_actions), self);
      g_signal_connect_swapped (self->history, "notify::can-undo", G_CALLBACK (update_actions), self);
      g_signal_connect_swapped (self->history, "notify::can-redo", G_CALLBACK (update_actions), self);
      g_signal_connect_swapped (self->model, "objects-changed", G_CALLBACK (on_objects_changed), self);
      g_signal_connect_swapped (self->board, "notify::title", G_CALLBACK (update_title), self);
      g_signal_connect_swapped (self->board, "notify::identity", G_CALLBACK (on_identity_moved), self);

      tafel_canvas_set_controller (self->canvas, self->controller);
      /* Show what is there: the whole drawing, at most at 100 %. */
      tafel_canvas_set_view (self->canvas, &TAFEL_VIEW_INIT);
      if (tafel_board_model_get_n_visible (self->model) > 0)
        tafel_canvas_fit_when_sized (self->canvas);

      gtk_stack_set_visible_child_name (self->stack, "board");
      gtk_widget_grab_focus (GTK_WIDGET (self->canvas));

      tafel_window_net_attach (self);
    }
  else
    gtk_stack_set_visible_child_name (self->stack, "start");

  update_title (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOARD]);
}

void
tafel_window_discard_board (TafelWindow *self)
{
  g_return_if_fail (TAFEL_IS_WINDOW (self));

  if (self->board == NULL)
    return;

  drop_board (self, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "start");
  update_title (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOARD]);
}

TafelStartPage *
tafel_window_get_start_page (TafelWindow *self)
{
  g_return_val_if_fail (TAFEL_IS_WINDOW (self), NULL);

  return self->start_page;
}

gboolean
tafel_window_merge_log (TafelWindow  *self,
                        TafelLog     *log,
                        GError      **error)
{
  g_autoptr(TafelVersionVector) have = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  guint start = 0, added = 0;

  g_return_val_if_fail (TAFEL_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (self->board != NULL, FALSE);

  /* What the file has that the board lacks, per author in runs, exactly as
   * records from a peer. */
  have = tafel_log_dup_version_vector (tafel_board_get_log (self->board));
  missing = tafel_log_dup_missing (log, have);

  while (start < missing->len)
    {
      TafelRecord *first = g_ptr_array_index (missing, start);
      guint end = start + 1;

      while (end < missing->len &&
             memcmp (tafel_record_get_author (g_ptr_array_index (missing, end)),
                     tafel_record_get_author (first), sizeof (TafelPublicKey)) == 0)
        end++;

      if (!tafel_board_receive_run (self->board, (TafelRecord **) missing->pdata + start, end - start, error))
        return FALSE;
      added += end - start;
      start = end;
    }

  if (added > 0)
    {
      g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "%u change from the file added",
                                                               "%u changes from the file added", added),
                                                  added);
      show_note (self, message);
    }
  else
    show_note (self, _("The board already has everything in the file"));

  return TRUE;
}

/* ---- Actions ------------------------------------------------------------- */

static void
undo_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TafelWindow *self = TAFEL_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  tafel_canvas_finish_text (self->canvas);
  if (!tafel_canvas_controller_undo (self->controller, &error))
    show_error (self, _("Could not undo"), error);
}

static void
redo_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TafelWindow *self = TAFEL_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  tafel_canvas_finish_text (self->canvas);
  if (!tafel_canvas_controller_redo (self->controller, &error))
    show_error (self, _("Could not redo"), error);
}

static void
delete_selection_activated (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  TafelWindow *self = TAFEL_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!tafel_canvas_controller_delete_selection (self->controller, &error))
    show_error (self, _("Could not delete"), error);
}

static void
duplicate_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  TafelWindow *self = TAFEL_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!tafel_canvas_controller_duplicate_selection (self->controller, &error))
    show_error (self, _("Could not duplicate"), error);
}

static void
raise_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  TafelWindow *self = TAFEL_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!tafel_canvas_controller_raise_selection (self->controller, &error))
    show_error (self, _("Could not bring to front"), error);
}

static void
lower_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  TafelWindow *self = TAFEL_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!tafel_canvas_controller_lower_selection (self->controller, &error))
    show_error (self, _("Could not send to back"), error);
}

/* The tool bar's colour ("s") or width ("(sd)": the setting's key and the
 * value) for the selection. */
static void
restyle_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TafelWindow *self = TAFEL_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  if (self->board == NULL)
    return;

  if (g_variant_is_of_type (parameter, G_VARIANT_TYPE_STRING))
    {
      guint32 rgba;

      if (tafel_color_parse (g_variant_get_string (parameter, NULL), &rgba))
        ok = tafel_canvas_controller_set_selection_color (self->controller, rgba, &error);
    }
  else
    {
      const char *key;
      double value;

      g_variant_get (parameter, "(&sd)", &key, &value);
      ok = g_str_equal (key, "text-size")
             ? tafel_canvas_controller_set_selection_text_size (self->controller, value, &error)
             : tafel_canvas_controller_set_selection_width (self->controller, value, &error);
    }
  if (!ok)
    show_error (self, _("A change could not be stored"), error);
}

static void
select_all_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  TafelWindow *self = TAFEL_WINDOW (widget);

  /* Selecting is the selection tool's. */
  g_settings_set_enum (self->settings, "tool", TAFEL_CANVAS_TOOL_SELECT);
  tafel_canvas_controller_select_all (self->controller);
}

static void
zoom_in_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  tafel_canvas_zoom_step (TAFEL_WINDOW (widget)->canvas, +1);
}

static void
zoom_out_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  tafel_canvas_zoom_step (TAFEL_WINDOW (widget)->canvas, -1);
}

static void
zoom_reset_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  tafel_canvas_set_scale (TAFEL_WINDOW (widget)->canvas, 1.0);
}

static void
zoom_fit_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  tafel_canvas_zoom_to_fit (TAFEL_WINDOW (widget)->canvas);
}

static void
close_board_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  tafel_window_set_board (TAFEL_WINDOW (widget), NULL);
}

/* ---- Rename -------------------------------------------------------------- */

static void
rename_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TafelWindow *self = TAFEL_WINDOW (widget);

  gtk_menu_button_popup (self->title_button);
}

static void
on_rename_popover_show (TafelWindow *self)
{
  if (self->board == NULL)
    return;

  gtk_editable_set_text (GTK_EDITABLE (self->rename_entry), tafel_board_get_title (self->board));
  gtk_widget_remove_css_class (GTK_WIDGET (self->rename_entry), "error");
  gtk_widget_grab_focus (GTK_WIDGET (self->rename_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->rename_entry), 0, -1);
}

/* Back to drawing: keys like Space and the tool letters go to the board
 * again, not to the title button. */
static gboolean
focus_canvas (gpointer data)
{
  TafelWindow *self = data;

  if (self->board != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
  return G_SOURCE_REMOVE;
}

static void
on_rename_popover_closed (TafelWindow *self)
{
  /* After the popover has handed the focus back to its button. */
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, focus_canvas, g_object_ref (self), g_object_unref);
}

static void
do_rename (TafelWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  if (self->board == NULL)
    return;

  title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->rename_entry))));
  if (!tafel_board_set_title (self->board, title, &error))
    {
      /* Stay open, so the name can be fixed. */
      gtk_widget_add_css_class (GTK_WIDGET (self->rename_entry), "error");
      show_error (self, _("The board could not be renamed"), error);
      return;
    }

  gtk_popover_popdown (self->rename_popover);
}

/* ---- Clear --------------------------------------------------------------- */

static void
on_clear_response (AdwMessageDialog *dialog,
                   const char       *response,
                   TafelWindow      *self)
{
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "clear") || self->controller == NULL)
    return;

  if (!tafel_canvas_controller_clear_board (self->controller, &error))
    show_error (self, _("The board could not be cleared"), error);
}

static void
clear_board_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  TafelWindow *self = TAFEL_WINDOW (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Clear the Board?"),
                                   _("Everything on the board is erased, for everyone who shares it. "
                                     "You can undo this."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "clear", _("C_lear"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "clear", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_clear_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Save As ------------------------------------------------------------- */

/* @file with @suffix added when it does not end in it already. */
static GFile *
with_suffix (GFile      *file,
             const char *suffix)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *lower = NULL;

  if (path == NULL)
    return g_object_ref (file);

  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, suffix))
    return g_object_ref (file);

  {
    g_autofree char *fixed = g_strconcat (path, suffix, NULL);
    return g_file_new_for_path (fixed);
  }
}

static char *
suggested_name (TafelWindow *self,
                const char  *suffix)
{
  g_autofree char *title = g_strdup (tafel_board_get_title (self->board));

  /* File names must not hold a slash. */
  g_strdelimit (title, "/\\", '-');
  return g_strconcat (title, suffix, NULL);
}

static void
on_save_as_response (GtkNativeDialog *dialog,
                     int              response,
                     TafelWindow     *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->board != NULL)
    {
      g_autoptr(GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GFile) file = with_suffix (chosen, ".tafel");
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_file_get_basename (file);

      if (!tafel_board_save_file (self->board, file, &error))
        show_error (self, _("The board could not be saved"), error);
      else
        {
          g_autofree char *message = g_strdup_printf (_("Saved as “%s”"), name);
          show_note (self, message);
        }
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
save_as_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TafelWindow *self = TAFEL_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = suggested_name (self, ".tafel");
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Save Board As"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Tafel boards"));
  gtk_file_filter_add_mime_type (filter, "application/x-tafel");
  gtk_file_filter_add_suffix (filter, "tafel");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_as_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- Export -------------------------------------------------------------- */

typedef struct
{
  TafelBoardSnapshot *snapshot;
  TafelExportFormat   format;
  gboolean            has_rect;
  TafelRect           rect;
  TafelExportOptions  options;
  GFile              *file;
} ExportData;

static void
export_data_free (ExportData *data)
{
  tafel_board_snapshot_free (data->snapshot);
  g_clear_object (&data->file);
  g_free (data);
}

/* Off the main thread, on the board as it was when export was chosen: a
 * large board takes a while, and drawing goes on meanwhile. */
static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelBoardModel) model = tafel_board_snapshot_build (data->snapshot, &error);
  TafelExportOptions options = data->options;
  TafelRect area;

  if (model == NULL ||
      !tafel_export_get_area (model, data->has_rect ? &data->rect : NULL, &area, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A whole board too large for one picture at this scale is made smaller. */
  if (data->format == TAFEL_EXPORT_PNG)
    {
      double pixels = area.width * area.height * options.scale * options.scale;

      if (pixels > TAFEL_EXPORT_MAX_PIXELS)
        options.scale *= sqrt (TAFEL_EXPORT_MAX_PIXELS / pixels) * 0.999;
    }
  options.scale = MIN (options.scale, (TAFEL_EXPORT_MAX_SIDE - 1) / MAX (area.width, area.height));

  if (!tafel_export_to_file_full (model, data->format, data->has_rect ? &data->rect : NULL, &options,
                                  data->file, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
export_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  TafelWindow *self = TAFEL_WINDOW (source);
  ExportData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (data->file);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *what = g_strdup_printf (_("“%s” could not be exported"), name);
      show_error (self, what, error);
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("Exported “%s”"), name);
      show_note (self, message);
    }
}

static const struct
{
  const char        *id;
  TafelExportFormat  format;
  const char        *suffix;
  const char        *mime_type;
  const char        *title;       /* translatable */
  const char        *filter;      /* translatable */
} export_formats[] = {
  { "png", TAFEL_EXPORT_PNG, ".png", "image/png", N_("Export as PNG Image"), N_("PNG images") },
  { "svg", TAFEL_EXPORT_SVG, ".svg", "image/svg+xml", N_("Export as SVG Drawing"), N_("SVG drawings") },
  { "pdf", TAFEL_EXPORT_PDF, ".pdf", "application/pdf", N_("Export as PDF Document"), N_("PDF documents") },
};

/* The choices under the file list: what each format can be asked for. */
static const struct
{
  const char      *id;
  const char      *label;          /* translatable */
  TafelExportPage  page;
  gboolean         landscape;
} export_pages[] = {
  { "fit", N_("The drawing’s size"), TAFEL_EXPORT_PAGE_FIT, FALSE },
  { "a4", N_("A4, portrait"), TAFEL_EXPORT_PAGE_A4, FALSE },
  { "a4-landscape", N_("A4, landscape"), TAFEL_EXPORT_PAGE_A4, TRUE },
  { "letter", N_("Letter, portrait"), TAFEL_EXPORT_PAGE_LETTER, FALSE },
  { "letter-landscape", N_("Letter, landscape"), TAFEL_EXPORT_PAGE_LETTER, TRUE },
};

static void
add_export_choices (GtkFileChooser    *chooser,
                    TafelExportFormat  format)
{
  if (format == TAFEL_EXPORT_PNG)
    {
      gtk_file_chooser_add_choice (chooser, "scale", _("Size"),
                                   (const char *[]) { "1", "2", "4", NULL },
                                   /* Translators: the size of an exported picture */
                                   (const char *[]) { _("Normal (1×)"), _("Double (2×)"), _("Quadruple (4×)"), NULL });
      gtk_file_chooser_set_choice (chooser, "scale", "1");
    }
  if (format == TAFEL_EXPORT_PDF)
    {
      const char *ids[G_N_ELEMENTS (export_pages) + 1] = { NULL };
      const char *labels[G_N_ELEMENTS (export_pages) + 1] = { NULL };

      for (guint i = 0; i < G_N_ELEMENTS (export_pages); i++)
        {
          ids[i] = export_pages[i].id;
          labels[i] = _(export_pages[i].label);
        }
      gtk_file_chooser_add_choice (chooser, "page", _("Page"), ids, labels);
      gtk_file_chooser_set_choice (chooser, "page", "fit");
    }
  else
    {
      /* A boolean choice: a check box. */
      gtk_file_chooser_add_choice (chooser, "transparent", _("Transparent background"), NULL, NULL);
      gtk_file_chooser_set_choice (chooser, "transparent", "false");
    }
}

/* Reads back what add_export_choices() offered (GTK warns about any other). */
static void
export_options_from_choices (GtkFileChooser     *chooser,
                             TafelExportFormat   format,
                             TafelExportOptions *options)
{
  if (format == TAFEL_EXPORT_PNG)
    {
      double scale = g_ascii_strtod (gtk_file_chooser_get_choice (chooser, "scale"), NULL);

      if (scale > 0)
        options->scale = scale;
    }
  if (format == TAFEL_EXPORT_PDF)
    {
      const char *page = gtk_file_chooser_get_choice (chooser, "page");

      for (guint i = 0; i < G_N_ELEMENTS (export_pages); i++)
        if (g_strcmp0 (page, export_pages[i].id) == 0)
          {
            options->page = export_pages[i].page;
            options->landscape = export_pages[i].landscape;
          }
    }
  else
    options->transparent = g_strcmp0 (gtk_file_chooser_get_choice (chooser, "transparent"), "true") == 0;
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    TafelWindow     *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "tafel-format"));

  if (response == GTK_RESPONSE_ACCEPT && self->board != NULL)
    {
      g_autoptr(GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      const char *area = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "area");
      g_autoptr(GTask) task = NULL;
      ExportData *data;

      data = g_new0 (ExportData, 1);
      data->snapshot = tafel_board_snapshot_new (tafel_board_get_log (self->board));
      data->format = export_formats[index].format;
      data->file = with_suffix (chosen, export_formats[index].suffix);
      data->options = TAFEL_EXPORT_OPTIONS_INIT;
      export_options_from_choices (GTK_FILE_CHOOSER (dialog), data->format, &data->options);

      /* The current view comes out as it looks: at its zoom, for pictures. */
      if (g_strcmp0 (area, "view") == 0)
        {
          data->has_rect = TRUE;
          tafel_canvas_get_visible (self->canvas, &data->rect);
          if (data->format == TAFEL_EXPORT_PNG)
            data->options.scale *= tafel_canvas_get_scale (self->canvas) *
                                   gtk_widget_get_scale_factor (GTK_WIDGET (self));
        }

      task = g_task_new (self, NULL, export_done, NULL);
      g_task_set_source_tag (task, on_export_response);
      g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
      g_task_run_in_thread (task, export_thread);
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
export_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TafelWindow *self = TAFEL_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;
  GtkFileChooserNative *dialog;
  guint index = G_N_ELEMENTS (export_formats);

  for (guint i = 0; i < G_N_ELEMENTS (export_formats); i++)
    if (g_str_equal (id, export_formats[i].id))
      index = i;
  if (index == G_N_ELEMENTS (export_formats))
    return;

  name = suggested_name (self, export_formats[index].suffix);
  dialog = gtk_file_chooser_native_new (_(export_formats[index].title), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _(export_formats[index].filter));
  gtk_file_filter_add_mime_type (filter, export_formats[index].mime_type);
  gtk_file_filter_add_suffix (filter, export_formats[index].suffix + 1);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (dialog), "area", _("Export"),
                               (const char *[]) { "board", "view", NULL },
                               (const char *[]) { _("The whole board"), _("What the window shows"), NULL });
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (dialog), "area", "board");
  add_export_choices (GTK_FILE_CHOOSER (dialog), export_formats[index].format);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_object_set_data (G_OBJECT (dialog), "tafel-format", GUINT_TO_POINTER (index));
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- Space pans ---------------------------------------------------------- */

/* Space pans the board whatever has the keyboard focus in the window: a
 * header button focused by a click, or by its menu closing, would take it
 * as a press. Only where text is typed is a space a space; an open
 * popover keeps its keys (Space picks a menu item). */
static gboolean
space_pans (TafelWindow     *self,
            GdkModifierType  state)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (self->board == NULL || g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "board") != 0)
    return FALSE;
  if ((state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) != 0)
    return FALSE;
  if (focus == NULL)
    return TRUE;
  if (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT_VIEW (focus) ||
      gtk_widget_get_ancestor (focus, GTK_TYPE_TEXT_VIEW) != NULL ||
      gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER) != NULL)
    return FALSE;
  return TRUE;
}

static gboolean
on_key_pressed (GtkEventControllerKey *key,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                TafelWindow           *self)
{
  if ((keyval != GDK_KEY_space && keyval != GDK_KEY_KP_Space) || !space_pans (self, state))
    return GDK_EVENT_PROPAGATE;

  tafel_canvas_set_pan_key (self->canvas, TRUE);
  return GDK_EVENT_STOP;
}

static void
on_key_released (GtkEventControllerKey *key,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 TafelWindow           *self)
{
  if (keyval == GDK_KEY_space || keyval == GDK_KEY_KP_Space)
    tafel_canvas_set_pan_key (self->canvas, FALSE);
}

/* A release that goes to another window must not leave the board panning. */
static void
on_is_active_changed (TafelWindow *self)
{
  if (!gtk_window_is_active (GTK_WINDOW (self)))
    tafel_canvas_set_pan_key (self->canvas, FALSE);
}

/* ---- Narrow windows ------------------------------------------------------- */

/* Down to a phone's 360 pixels: the header bar sheds what has another
 * home (Redo is Ctrl+Shift+Z, Share is in the main menu, and who is here
 * is listed in the People panel). The tool bar wraps by itself
 * (tafel-toolbar.ui). */
static void
update_narrow (TafelWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  self->narrow = width > 0 && width < TAFEL_WINDOW_NARROW && !gtk_window_is_maximized (GTK_WINDOW (self));
  gtk_widget_set_visible (self->redo_button, !self->narrow);
  tafel_window_net_update_narrow (self);
}

/* ---- Window -------------------------------------------------------------- */

static gboolean
tafel_window_close_request (GtkWindow *window)
{
  TafelWindow *self = TAFEL_WINDOW (window);
  gboolean maximized = gtk_window_is_maximized (window);

  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  if (!maximized)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }

  tafel_canvas_finish_text (self->canvas);

  /* The board goes with the window, without a notification: the
   * application learns that the window closed from ::window-removed, and
   * whether its board is still where you were is its decision. */
  drop_board (self, TRUE);

  return GTK_WINDOW_CLASS (tafel_window_parent_class)->close_request (window);
}

static void
tafel_window_dispose (GObject *object)
{
  TafelWindow *self = TAFEL_WINDOW (object);

  drop_board (self, FALSE);
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), TAFEL_TYPE_WINDOW);

  G_OBJECT_CLASS (tafel_window_parent_class)->dispose (object);
}

static void
tafel_window_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TafelWindow *self = TAFEL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BOARD:
      g_value_set_object (value, self->board);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
add_tool_key (GtkWidgetClass *widget_class,
              guint           keyval,
              const char     *tool)
{
  gtk_widget_class_add_binding_action (widget_class, keyval, 0, "win.tool", "s", tool);
}

static void
tafel_window_class_init (TafelWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = tafel_window_dispose;
  object_class->get_property = tafel_window_get_property;
  window_class->close_request = tafel_window_close_request;

  properties[PROP_BOARD] =
    g_param_spec_object ("board", NULL, NULL, TAFEL_TYPE_BOARD,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TAFEL_TYPE_CANVAS);
  g_type_ensure (TAFEL_TYPE_START_PAGE);
  g_type_ensure (TAFEL_TYPE_TOOLBAR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/tafel-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, start_page);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, title_button);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, rename_popover);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, rename_entry);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, rename_button);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, selection_revealer);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, toolbar);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, zoom_level_button);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, redo_button);
  tafel_window_net_class_init (widget_class);

  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_activated);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, redo_activated);
  gtk_widget_class_install_action (widget_class, "win.delete-selection", NULL, delete_selection_activated);
  gtk_widget_class_install_action (widget_class, "win.duplicate", NULL, duplicate_activated);
  gtk_widget_class_install_action (widget_class, "win.raise", NULL, raise_activated);
  gtk_widget_class_install_action (widget_class, "win.lower", NULL, lower_activated);
  gtk_widget_class_install_action (widget_class, "win.selection-color", "s", restyle_activated);
  gtk_widget_class_install_action (widget_class, "win.selection-width", "(sd)", restyle_activated);
  gtk_widget_class_install_action (widget_class, "win.select-all", NULL, select_all_activated);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_in_activated);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_out_activated);
  gtk_widget_class_install_action (widget_class, "win.zoom-reset", NULL, zoom_reset_activated);
  gtk_widget_class_install_action (widget_class, "win.zoom-fit", NULL, zoom_fit_activated);
  gtk_widget_class_install_action (widget_class, "win.rename", NULL, rename_activated);
  gtk_widget_class_install_action (widget_class, "win.clear-board", NULL, clear_board_activated);
  gtk_widget_class_install_action (widget_class, "win.close-board", NULL, close_board_activated);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_activated);
  gtk_widget_class_install_action (widget_class, "win.export", "s", export_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_y, GDK_CONTROL_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "win.delete-selection", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "win.delete-selection", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "win.duplicate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "win.raise", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "win.lower", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK, "win.select-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "win.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK, "win.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_exclam, GDK_SHIFT_MASK, "win.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_exclam, 0, "win.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "win.rename", NULL);
  /* "?" shows the shortcuts, as the empty board says (Ctrl+? too). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_question, 0, "win.show-help-overlay", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_question, GDK_SHIFT_MASK, "win.show-help-overlay", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-as", NULL);

  /* Single keys pick tools, as in Excalidraw. They reach the window only
   * when no text field took them first. */
  add_tool_key (widget_class, GDK_KEY_p, "pen");
  add_tool_key (widget_class, GDK_KEY_h, "highlighter");
  add_tool_key (widget_class, GDK_KEY_e, "eraser");
  add_tool_key (widget_class, GDK_KEY_l, "line");
  add_tool_key (widget_class, GDK_KEY_r, "rectangle");
  add_tool_key (widget_class, GDK_KEY_o, "ellipse");
  add_tool_key (widget_class, GDK_KEY_a, "arrow");
  add_tool_key (widget_class, GDK_KEY_t, "text");
  add_tool_key (widget_class, GDK_KEY_v, "select");
  add_tool_key (widget_class, GDK_KEY_s, "select");
}

static void
tafel_window_init (TafelWindow *self)
{
  g_autoptr(GAction) tool_action = NULL;
  g_autoptr(GAction) grid_action = NULL;
  GtkEventController *key;

  gtk_widget_init_template (GTK_WIDGET (self));

  key = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key_pressed), self);
  g_signal_connect (key, "key-released", G_CALLBACK (on_key_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_is_active_changed), NULL);
  g_signal_connect (self, "notify::default-width", G_CALLBACK (update_narrow), NULL);
  g_signal_connect (self, "notify::maximized", G_CALLBACK (update_narrow), NULL);

  self->settings = g_settings_new (SCHEMA_ID);
  tafel_window_net_init (self);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  tool_action = g_settings_create_action (self->settings, "tool");
  g_action_map_add_action (G_ACTION_MAP (self), tool_action);
  grid_action = g_settings_create_action (self->settings, "show-grid");
  g_action_map_add_action (G_ACTION_MAP (self), grid_action);
  g_settings_bind (self->settings, "show-grid", self->canvas, "show-grid", G_SETTINGS_BIND_GET);

  g_signal_connect_swapped (self->canvas, "notify::scale", G_CALLBACK (update_zoom_label), self);
  g_signal_connect (self->canvas, "text-error", G_CALLBACK (on_text_error), self);
  g_signal_connect (self->canvas, "failed", G_CALLBACK (on_canvas_failed), self);
  g_signal_connect_swapped (self->rename_popover, "show", G_CALLBACK (on_rename_popover_show), self);
  g_signal_connect_swapped (self->rename_popover, "closed", G_CALLBACK (on_rename_popover_closed), self);
  g_signal_connect_swapped (self->rename_entry, "activate", G_CALLBACK (do_rename), self);
  g_signal_connect_swapped (self->rename_button, "clicked", G_CALLBACK (do_rename), self);
  update_zoom_label (self);

  if (g_str_equal (PROFILE, "development"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  gtk_stack_set_visible_child_name (self->stack, "start");
  update_title (self);
  update_actions (self);
  update_narrow (self);
}

TafelWindow *
tafel_window_new (GtkApplication *application)
{
  return g_object_new (TAFEL_TYPE_WINDOW,
                       "application", application,
                       NULL);
}
