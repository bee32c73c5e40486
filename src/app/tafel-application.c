/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tafel-net.h"
#include "tafel-core.h"

#include "tafel-application.h"
#include "tafel-board-list.h"
#include "tafel-join-dialog.h"
#include "tafel-join.h"
#include "tafel-preferences-window.h"
#include "tafel-start-page.h"
#include "tafel-thumbnails.h"
#include "tafel-window.h"

struct _TafelApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  char           *data_dir;
  TafelIdentity  *identity;
  GListModel     *boards;
  gboolean        quitting;
};

G_DEFINE_FINAL_TYPE (TafelApplication, tafel_application, ADW_TYPE_APPLICATION)

/* ---- Boards and windows -------------------------------------------------- */

static const char *
tafel_application_get_data_dir (TafelApplication *self)
{
  g_return_val_if_fail (TAFEL_IS_APPLICATION (self), NULL);

  if (self->data_dir == NULL)
    self->data_dir = tafel_default_data_dir ();
  return self->data_dir;
}

static TafelIdentity *
tafel_application_get_identity (TafelApplication  *self,
                                GError           **error)
{
  g_return_val_if_fail (TAFEL_IS_APPLICATION (self), NULL);

  if (self->identity == NULL)
    self->identity = tafel_identity_load_or_create (tafel_application_get_data_dir (self), error);
  return self->identity;
}

static GListModel *
tafel_application_get_boards (TafelApplication *self)
{
  g_return_val_if_fail (TAFEL_IS_APPLICATION (self), NULL);

  if (self->boards == NULL)
    self->boards = tafel_board_list_new (tafel_application_get_data_dir (self));
  return self->boards;
}

static void
tafel_application_reload_boards (TafelApplication *self)
{
  g_return_if_fail (TAFEL_IS_APPLICATION (self));

  if (self->boards != NULL)
    tafel_board_list_reload (self->boards);
}

static GtkWindow *
tafel_application_find_board_window (TafelApplication *self,
                                     const char       *id_hex)
{
  g_return_val_if_fail (TAFEL_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (id_hex != NULL, NULL);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      TafelBoard *board;

      if (!TAFEL_IS_WINDOW (l->data))
        continue;
      board = tafel_window_get_board (l->data);
      if (board != NULL && g_ascii_strcasecmp (tafel_board_get_id_hex (board), id_hex) == 0)
        return l->data;
    }

  return NULL;
}

/* A window to show a board in: @reuse if it shows no board, else the
 * active window if it shows the start page, else a new one. */
static TafelWindow *
window_for_board (TafelApplication *self,
                  GtkWindow        *reuse)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (TAFEL_IS_WINDOW (reuse) && tafel_window_get_board (TAFEL_WINDOW (reuse)) == NULL)
    return TAFEL_WINDOW (reuse);
  if (reuse == NULL && TAFEL_IS_WINDOW (active) && tafel_window_get_board (TAFEL_WINDOW (active)) == NULL)
    return TAFEL_WINDOW (active);
  return tafel_window_new (GTK_APPLICATION (self));
}

/* Where to tell the person that something failed. */
static void
show_error (TafelApplication *self,
            GtkWindow        *reuse,
            const char       *title,
            const GError     *error)
{
  GtkWindow *window = reuse;

  if (!TAFEL_IS_WINDOW (window))
    window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (!TAFEL_IS_WINDOW (window))
    window = GTK_WINDOW (tafel_window_new (GTK_APPLICATION (self)));

  tafel_window_show_error (TAFEL_WINDOW (window), title, error != NULL ? error->message : NULL);
  gtk_window_present (window);
}

static void
show_board (TafelApplication *self,
            TafelBoard       *board,
            GtkWindow        *reuse)
{
  TafelWindow *window = window_for_board (self, reuse);

  tafel_window_set_board (window, board);
  gtk_window_present (GTK_WINDOW (window));
}

static void tafel_application_open_board (TafelApplication *self,
                                          const char       *id_hex,
                                          GtkWindow        *reuse);

static void
on_repair_response (AdwMessageDialog *dialog,
                    const char       *response,
                    TafelApplication *self)
{
  const char *id_hex = g_object_get_data (G_OBJECT (dialog), "tafel-board-id");
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));
  g_autoptr(GError) error = NULL;
  g_auto(TafelBoardRepair) repair = { 0 };

  if (!g_str_equal (response, "repair"))
    return;
  if (!tafel_board_repair (tafel_application_get_data_dir (self), id_hex, &repair, &error))
    {
      show_error (self, parent, _("The board could not be repaired"), error);
      return;
    }
  tafel_application_open_board (self, id_hex, parent);
}

/* A board whose log on this device is damaged: say so in plain words and
 * offer the repair, which keeps the damaged file and everything intact. */
static void
offer_repair (TafelApplication *self,
              GtkWindow        *reuse,
              const char       *id_hex,
              const GError     *error)
{
  GtkWindow *parent = reuse;
  GtkWidget *dialog;

  if (!TAFEL_IS_WINDOW (parent))
    parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (!TAFEL_IS_WINDOW (parent))
    parent = GTK_WINDOW (tafel_window_new (GTK_APPLICATION (self)));
  gtk_window_present (parent);

  dialog = adw_message_dialog_new (parent, _("This Board’s Saved Copy Is Damaged"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), "%s\n\n%s",
                                  _("Part of this board as saved on this device cannot be read, "
                                    "so Tafel has not opened it and has changed nothing. Repairing "
                                    "it keeps the damaged file as a backup, keeps everything that "
                                    "is still intact, and gets the rest back from the people you "
                                    "share the board with when it is next online."),
                                  error->message);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Not Now"),
                                    "repair", _("_Repair"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "repair",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "repair");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "tafel-board-id", g_strdup (id_hex), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_repair_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
tafel_application_open_board (TafelApplication *self,
                              const char       *id_hex,
                              GtkWindow        *reuse)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelBoard) board = NULL;
  TafelIdentity *identity;
  GtkWindow *existing;

  g_return_if_fail (TAFEL_IS_APPLICATION (self));
  g_return_if_fail (id_hex != NULL);

  existing = tafel_application_find_board_window (self, id_hex);
  if (existing != NULL)
    {
      gtk_window_present (existing);
      return;
    }

  identity = tafel_application_get_identity (self, &error);
  if (identity != NULL)
    board = tafel_board_open (tafel_application_get_data_dir (self), identity, id_hex, &error);
  if (board == NULL && g_error_matches (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_DAMAGED_LOG))
    {
      offer_repair (self, reuse, id_hex, error);
      return;
    }
  if (board == NULL)
    {
      show_error (self, reuse, _("The board could not be opened"), error);
      return;
    }

  show_board (self, board, reuse);
}

static void
tafel_application_new_board (TafelApplication *self,
                             GtkWindow        *reuse)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelBoard) board = NULL;
  TafelIdentity *identity;

  g_return_if_fail (TAFEL_IS_APPLICATION (self));

  identity = tafel_application_get_identity (self, &error);
  if (identity != NULL)
    board = tafel_board_create (tafel_application_get_data_dir (self), identity,
                                /* Translators: the title of a new board */
                                _("Untitled Board"), &error);
  if (board == NULL)
    {
      show_error (self, reuse, _("No new board could be made"), error);
      return;
    }

  show_board (self, board, reuse);
}

static void
tafel_application_open_file (TafelApplication *self,
                             GFile            *file,
                             GtkWindow        *reuse)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelLog) file_log = NULL;
  g_autoptr(TafelBoard) board = NULL;
  g_autofree char *name = NULL;
  guint8 id[TAFEL_BOARD_ID_BYTES];
  TafelIdentity *identity;
  GtkWindow *existing = NULL;

  g_return_if_fail (TAFEL_IS_APPLICATION (self));
  g_return_if_fail (G_IS_FILE (file));

  name = g_file_get_basename (file);

  /* A file of a board that is open here is merged into its window; any
   * other is imported into the data folder (merged with the board of the
   * same id, if any) and opened. */
  file_log = tafel_board_file_load (file, NULL, id, &error);
  if (file_log != NULL)
    {
      g_autofree char *id_hex = tafel_hex_encode (id, TAFEL_BOARD_ID_BYTES);

      existing = tafel_application_find_board_window (self, id_hex);
    }
  if (file_log == NULL)
    {
      g_autofree char *title = g_strdup_printf (_("“%s” could not be opened"), name);
      show_error (self, reuse, title, error);
      return;
    }

  if (existing != NULL)
    {
      if (!tafel_window_merge_log (TAFEL_WINDOW (existing), file_log, &error))
        {
          g_autofree char *title = g_strdup_printf (_("“%s” could not be opened"), name);
          show_error (self, existing, title, error);
        }
      gtk_window_present (existing);
      return;
    }

  identity = tafel_application_get_identity (self, &error);
  if (identity != NULL)
    board = tafel_board_open_file (tafel_application_get_data_dir (self), identity, file, &error);
  if (board == NULL)
    {
      g_autofree char *title = g_strdup_printf (_("“%s” could not be opened"), name);
      show_error (self, reuse, title, error);
      return;
    }

  show_board (self, board, reuse);
}

static void
tafel_application_join_link (TafelApplication *self,
                             const char       *link,
                             GtkWindow        *reuse)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelInvite) invite = NULL;
  g_autoptr(TafelBoard) board = NULL;
  g_autofree char *id_hex = NULL;
  TafelIdentity *identity;
  GtkWindow *existing;

  g_return_if_fail (TAFEL_IS_APPLICATION (self));
  g_return_if_fail (link != NULL);

  invite = tafel_join_parse_link (link, &error);
  if (invite == NULL)
    {
      show_error (self, reuse, _("This invite link cannot be used"), error);
      return;
    }

  /* A board open here already: just show it, meeting at the link's
   * brokers too. */
  id_hex = tafel_invite_dup_board_id_hex (invite);
  existing = tafel_application_find_board_window (self, id_hex);
  if (existing != NULL)
    {
      tafel_window_add_brokers (TAFEL_WINDOW (existing), (const char * const *) invite->brokers);
      gtk_window_present (existing);
      return;
    }

  identity = tafel_application_get_identity (self, &error);
  if (identity != NULL)
    board = tafel_board_join (tafel_application_get_data_dir (self), identity, invite->board_id,
                              invite->secret, invite->title, &error);
  if (board == NULL)
    {
      show_error (self, reuse, _("The board could not be joined"), error);
      return;
    }

  /* Kept with the board before it goes online. */
  if (!tafel_join_keep_brokers (board, (const char * const *) invite->brokers, &error))
    show_error (self, reuse, _("The board’s broker could not be stored"), error);
  show_board (self, board, reuse);
}

static void
tafel_application_save_open_boards (TafelApplication *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;

  g_return_if_fail (TAFEL_IS_APPLICATION (self));

  /* While quitting, windows close one by one: the list taken before is
   * the one to keep. */
  if (self->quitting)
    return;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (TAFEL_IS_WINDOW (l->data) && tafel_window_get_board (l->data) != NULL)
      g_strv_builder_add (builder, tafel_board_get_id_hex (tafel_window_get_board (l->data)));

  ids = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "open-boards", (const char * const *) ids);
}

static gboolean
tafel_application_delete_board (TafelApplication  *self,
                                const char        *id_hex,
                                GError           **error)
{
  GtkWindow *existing;
  gboolean ok;

  g_return_val_if_fail (TAFEL_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (id_hex != NULL, FALSE);

  /* The board's window lets go of it first (it holds the board's lock). */
  existing = tafel_application_find_board_window (self, id_hex);
  if (existing != NULL)
    tafel_window_discard_board (TAFEL_WINDOW (existing));

  ok = tafel_board_delete (tafel_application_get_data_dir (self), id_hex, error);
  if (ok)
    tafel_thumbnail_forget (id_hex);
  tafel_application_reload_boards (self);
  tafel_application_save_open_boards (self);
  return ok;
}

/* ---- What the windows show ----------------------------------------------- */

/* A start page's pictures: from the board's window when it is open here (a
 * board cannot be opened twice), else from the board in the data folder. */
static gboolean
load_thumbnail (TafelBoardInfo      *info,
                gboolean             dark,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             callback_data,
                gpointer             user_data)
{
  TafelApplication *self = user_data;
  GtkWindow *open_window;
  TafelLog *open_log = NULL;

  open_window = tafel_application_find_board_window (self, tafel_board_info_get_id_hex (info));
  if (open_window != NULL)
    open_log = tafel_board_get_log (tafel_window_get_board (TAFEL_WINDOW (open_window)));

  tafel_thumbnail_load_async (tafel_application_get_data_dir (self), info, open_log, dark,
                              cancellable, callback, callback_data);
  return TRUE;
}

static void
on_board_activated (TafelStartPage   *page,
                    const char       *id_hex,
                    TafelApplication *self)
{
  tafel_application_open_board (self, id_hex, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (page))));
}

static void
on_delete_requested (TafelStartPage   *page,
                     const char       *id_hex,
                     TafelApplication *self)
{
  g_autoptr(GError) error = NULL;

  if (!tafel_application_delete_board (self, id_hex, &error))
    show_error (self, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (page))),
                _("The board could not be deleted"), error);
}

/* A board was shown or closed in a window: the start pages show when it
 * was opened, and the next start reopens it. */
static void
on_window_board_changed (TafelWindow      *window,
                         GParamSpec       *pspec,
                         TafelApplication *self)
{
  TafelBoard *board = tafel_window_get_board (window);

  /* A renamed board shows its new name on the start pages. */
  if (board != NULL)
    {
      g_signal_handlers_disconnect_by_func (board, tafel_application_reload_boards, self);
      g_signal_connect_object (board, "notify::title", G_CALLBACK (tafel_application_reload_boards),
                               self, G_CONNECT_SWAPPED);
    }

  tafel_application_reload_boards (self);
  tafel_application_save_open_boards (self);
}

static void
tafel_application_window_added (GtkApplication *application,
                                GtkWindow      *window)
{
  TafelApplication *self = TAFEL_APPLICATION (application);

  GTK_APPLICATION_CLASS (tafel_application_parent_class)->window_added (application, window);

  if (!TAFEL_IS_WINDOW (window))
    return;

  g_signal_connect_object (window, "notify::board", G_CALLBACK (on_window_board_changed), self, 0);
  {
    TafelStartPage *page = tafel_window_get_start_page (TAFEL_WINDOW (window));

    tafel_start_page_set_boards (page, tafel_application_get_boards (self), load_thumbnail, self);
    g_signal_connect_object (page, "board-activated", G_CALLBACK (on_board_activated), self, 0);
    g_signal_connect_object (page, "delete-requested", G_CALLBACK (on_delete_requested), self, 0);
  }
}

/* Closing the last window with a board quits Tafel: that board is where
 * you were, and stays remembered. Closing one of several forgets it. */
static void
tafel_application_window_removed (GtkApplication *application,
                                  GtkWindow      *window)
{
  TafelApplication *self = TAFEL_APPLICATION (application);

  GTK_APPLICATION_CLASS (tafel_application_parent_class)->window_removed (application, window);

  /* The other windows' start pages drew that board's card from the open
   * board when the list was last loaded (blank, for a board just made);
   * now it is closed, they load it again from the board as it was left. */
  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    if (TAFEL_IS_WINDOW (l->data))
      {
        tafel_application_reload_boards (self);
        break;
      }

  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    if (TAFEL_IS_WINDOW (l->data) && tafel_window_get_board (l->data) != NULL)
      {
        tafel_application_save_open_boards (self);
        return;
      }
}

/* ---- GApplication -------------------------------------------------------- */

static void
restore_or_start (TafelApplication *self)
{
  g_auto(GStrv) ids = g_settings_get_strv (self->settings, "open-boards");
  gboolean any = FALSE;

  /* Where you were: every board that was open when Tafel last quit. */
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TafelBoard) board = NULL;
      TafelIdentity *identity;

      if (tafel_application_find_board_window (self, ids[i]) != NULL)
        continue;

      identity = tafel_application_get_identity (self, &error);
      if (identity != NULL)
        board = tafel_board_open (tafel_application_get_data_dir (self), identity, ids[i], &error);
      if (board == NULL)
        {
          /* A board deleted meanwhile is simply not reopened. */
          if (g_error_matches (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_DAMAGED_LOG))
            {
              offer_repair (self, NULL, ids[i], error);
              any = TRUE;
            }
          else if (!g_error_matches (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_NOT_FOUND))
            {
              show_error (self, NULL, _("A board could not be reopened"), error);
              any = TRUE;
            }
          continue;
        }

      show_board (self, board, NULL);
      any = TRUE;
    }

  if (!any)
    gtk_window_present (GTK_WINDOW (tafel_window_new (GTK_APPLICATION (self))));
}

static void
tafel_application_activate (GApplication *application)
{
  TafelApplication *self = TAFEL_APPLICATION (application);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (application));
  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  restore_or_start (self);
}

static void
tafel_application_open (GApplication  *application,
                        GFile        **files,
                        int            n_files,
                        const char    *hint)
{
  TafelApplication *self = TAFEL_APPLICATION (application);
  gboolean any = FALSE;

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);

      /* Invite links, from `tafel LINK`, a browser or a chat app (the
       * desktop file handles x-scheme-handler/tafel). */
      if (uri != NULL && g_ascii_strncasecmp (uri, "tafel:", 6) == 0)
        {
          tafel_application_join_link (self, uri, NULL);
          any = TRUE;
          continue;
        }

      if (!g_file_is_native (files[i]))
        {
          g_message ("Not a file or an invite link, not opened: %s", uri);
          continue;
        }

      tafel_application_open_file (self, files[i], NULL);
      any = TRUE;
    }

  if (!any && gtk_application_get_active_window (GTK_APPLICATION (self)) == NULL)
    restore_or_start (self);
}

/* Light, dark, or as the system says (Preferences). */
static void
apply_style (TafelApplication *self)
{
  static const AdwColorScheme schemes[] = {
    ADW_COLOR_SCHEME_DEFAULT, ADW_COLOR_SCHEME_FORCE_LIGHT, ADW_COLOR_SCHEME_FORCE_DARK,
  };
  guint style = g_settings_get_enum (self->settings, "style");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      schemes[MIN (style, G_N_ELEMENTS (schemes) - 1)]);
}

static void
tafel_application_startup (GApplication *application)
{
  TafelApplication *self = TAFEL_APPLICATION (application);
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (tafel_application_parent_class)->startup (application);

  if (!tafel_core_init (&error))
    g_critical ("%s", error->message);

  self->settings = g_settings_new (SCHEMA_ID);
  apply_style (self);
  g_signal_connect_swapped (self->settings, "changed::style", G_CALLBACK (apply_style), self);
}

static void
tafel_application_shutdown (GApplication *application)
{
  /* The boards' peers see you leave at once: the closed links deliver
   * their goodbye before the process ends (else the others would count
   * you as here until their dead-peer timeout). */
  tafel_net_finish_closing (3000);

  /* Settings are written in the background; make sure they are out before
   * the process ends, or the next start would not know where you were. */
  g_settings_sync ();

  G_APPLICATION_CLASS (tafel_application_parent_class)->shutdown (application);
}

static void
tafel_application_about (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  TafelApplication *self = user_data;
  static const char *developers[] = { "The Tafel developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-icon", APP_ID,
                        "application-name", _("Tafel"),
                        "developer-name", _("The Tafel developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Draw together on one board, peer to peer"),
                        "website", "https://github.com/tafel/tafel",
                        "issue-url", "https://github.com/tafel/tafel/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: put your names here, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
tafel_application_preferences (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  TafelApplication *self = user_data;
  GtkWidget *window;

  window = tafel_preferences_window_new (gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (GTK_WINDOW (window));
}

static void
tafel_application_new_board_action (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  TafelApplication *self = user_data;

  tafel_application_new_board (self, NULL);
}

static void
tafel_application_new_window (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  TafelApplication *self = user_data;

  gtk_window_present (GTK_WINDOW (tafel_window_new (GTK_APPLICATION (self))));
}

static void
on_open_response (GtkNativeDialog  *dialog,
                  int               response,
                  TafelApplication *self)
{
  GtkWindow *parent = gtk_native_dialog_get_transient_for (dialog);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        tafel_application_open_file (self, file, parent);
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
tafel_application_open_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  TafelApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *dialog;

  /* Through the portal when there is one, so it works in the Flatpak. */
  dialog = gtk_file_chooser_native_new (_("Open Board"), parent, GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Tafel boards"));
  gtk_file_filter_add_mime_type (filter, "application/x-tafel");
  gtk_file_filter_add_suffix (filter, "tafel");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
tafel_application_join_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  TafelApplication *self = user_data;
  GtkWidget *dialog;

  dialog = tafel_join_dialog_new (gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* An invite link chosen in the join dialog: joined in the window it was
 * asked for in, when that shows the start page. */
static void
tafel_application_join_link_action (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  TafelApplication *self = user_data;

  tafel_application_join_link (self, g_variant_get_string (parameter, NULL),
                               gtk_application_get_active_window (GTK_APPLICATION (self)));
}

/* A chat notification was clicked: the board's window comes forward. */
static void
tafel_application_show_board (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  TafelApplication *self = user_data;

  tafel_application_open_board (self, g_variant_get_string (parameter, NULL), NULL);
}

static void
tafel_application_quit (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  TafelApplication *self = user_data;
  GList *windows;

  /* Remember every open board before the windows close one by one. */
  tafel_application_save_open_boards (self);
  self->quitting = TRUE;

  /* Closing each window first lets it store its state on the way out. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free (windows);

  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "about", tafel_application_about },
  { "preferences", tafel_application_preferences },
  { "new-board", tafel_application_new_board_action },
  { "new-window", tafel_application_new_window },
  { "open", tafel_application_open_action },
  { "join", tafel_application_join_action },
  { "join-link", tafel_application_join_link_action, "s" },
  { "show-board", tafel_application_show_board, "s" },
  { "quit", tafel_application_quit },
};

static void
tafel_application_dispose (GObject *object)
{
  TafelApplication *self = TAFEL_APPLICATION (object);

  g_clear_object (&self->boards);
  g_clear_object (&self->identity);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->data_dir, g_free);

  G_OBJECT_CLASS (tafel_application_parent_class)->dispose (object);
}

static void
tafel_application_class_init (TafelApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_app_class = GTK_APPLICATION_CLASS (klass);

  object_class->dispose = tafel_application_dispose;

  app_class->activate = tafel_application_activate;
  app_class->open = tafel_application_open;
  app_class->startup = tafel_application_startup;
  app_class->shutdown = tafel_application_shutdown;

  gtk_app_class->window_added = tafel_application_window_added;
  gtk_app_class->window_removed = tafel_application_window_removed;
}

static void
tafel_application_init (TafelApplication *self)
{
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.new-board", { "<Control>n", NULL } },
    { "app.new-window", { "<Control><Shift>n", NULL } },
    { "app.open", { "<Control>o", NULL } },
    { "app.join", { "<Control>j", NULL } },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);
}

TafelApplication *
tafel_application_new (void)
{
  return g_object_new (TAFEL_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}
