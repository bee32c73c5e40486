/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tafel-chat-message.h"
#include "tafel-color.h"
#include "tafel-invite.h"
#include "tafel-join.h"
#include "tafel-window-private.h"

/* A board window online: its session (restarted when the network settings
 * change), your profile on the board, the people and chat panels, the
 * share popover, the status in the header bar, follow mode, toasts and
 * notifications. */

/* Settings are typed into the preferences letter by letter: act once the
 * typing paused. */
#define SETTLE_MS 1000

static const char * const session_keys[] = {
  "broker-url", "broker-username", "broker-password", "lan-discovery",
  "stun-server", "turn-server", "turn-username", "turn-password",
};

static void start_session    (TafelWindow *self);
static void stop_session     (TafelWindow *self);
static void stop_following   (TafelWindow *self);
static void update_status    (TafelWindow *self);

static void
note (TafelWindow *self,
      const char  *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* ---- Your profile -------------------------------------------------------- */

static void
my_profile (TafelWindow *self,
            char       **name,
            guint32     *rgba)
{
  g_autofree char *display_name = g_strstrip (g_settings_get_string (self->settings, "display-name"));
  g_autofree char *color = g_settings_get_string (self->settings, "color");

  *name = *display_name != '\0' ? g_steal_pointer (&display_name) : tafel_person_default_name ();
  if (!tafel_color_parse (color, rgba))
    *rgba = tafel_person_color_for_key (tafel_identity_get_public_key (tafel_board_get_identity (self->board)));
  /* Your colour is a colour, never see-through. */
  *rgba |= 0xff;
}

static void
publish_profile (TafelWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  guint32 rgba;

  if (self->people == NULL)
    return;

  my_profile (self, &name, &rgba);
  if (!tafel_people_set_my_profile (self->people, name, rgba, NULL, &error))
    tafel_window_show_error (self, _("Your name could not be stored on the board"), error->message);
}

static gboolean
publish_profile_cb (gpointer data)
{
  TafelWindow *self = data;

  self->profile_id = 0;
  publish_profile (self);
  return G_SOURCE_REMOVE;
}

static void
on_profile_setting_changed (TafelWindow *self)
{
  g_clear_handle_id (&self->profile_id, g_source_remove);
  if (self->board != NULL)
    self->profile_id = g_timeout_add (SETTLE_MS, publish_profile_cb, self);
}

/* ---- Status -------------------------------------------------------------- */

static void
update_status (TafelWindow *self)
{
  TafelSessionStatus status = self->session != NULL ? tafel_session_get_status (self->session)
                                                    : TAFEL_SESSION_OFFLINE;
  guint others = self->people != NULL ? tafel_people_get_n_online (self->people) : 0;
  g_autofree char *label = NULL;
  g_autofree char *tooltip = NULL;
  const char *icon;

  /* People whose presence arrived are here, even before the session
   * counts their link as up; a linked peer is here before it says who it
   * is (a headless one may never). */
  if (self->session != NULL)
    others = MAX (others, tafel_session_get_n_peers (self->session));
  if (others > 0)
    status = TAFEL_SESSION_ONLINE;

  switch (status)
    {
    case TAFEL_SESSION_ONLINE:
      icon = "network-transmit-receive-symbolic";
      label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u person", "%u people", others + 1), others + 1);
      tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "You and %u other person are on this board",
                                              "You and %u other people are on this board", others),
                                 others);
      break;

    case TAFEL_SESSION_CONNECTING:
      icon = "network-idle-symbolic";
      label = g_strdup (_("Connecting…"));
      tooltip = g_strdup (_("Someone else is on this board; the link to them is being set up"));
      break;

    case TAFEL_SESSION_ALONE:
      icon = "network-idle-symbolic";
      /* Translators: the board is online, and nobody else has it open */
      label = g_strdup (_("Online · nobody else here yet"));
      tooltip = g_strdup (_("Others who open this board, or its invite link, will find you"));
      break;

    case TAFEL_SESSION_SEARCHING:
      icon = "network-offline-symbolic";
      label = g_strdup (_("Looking for the others…"));
      tooltip = g_strdup (tafel_session_get_search_reason (self->session));
      break;

    case TAFEL_SESSION_OFFLINE:
    default:
      icon = "network-offline-symbolic";
      label = g_strdup (_("Offline"));
      tooltip = g_strdup (self->session_error != NULL ? self->session_error : _("This board is not online"));
      break;
    }

  gtk_image_set_from_icon_name (self->status_icon, icon);
  gtk_label_set_text (self->status_label, label);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_box), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip != NULL ? tooltip : "",
                                  -1);
}

/* ---- The session --------------------------------------------------------- */

static const char *
describe_path (const TafelPublicKey *peer,
               gpointer              user_data)
{
  TafelWindow *self = user_data;

  return self->session != NULL ? tafel_session_describe_path (self->session, peer) : NULL;
}

static void
on_link_changed (TafelWindow *self)
{
  if (self->people != NULL)
    tafel_people_refresh (self->people);
  update_status (self);
}

/* Another device writes under this device's identity (a copied data
 * folder, a restored backup): the session moved this board to a new
 * identity (docs/identity.md). The person learns why the board said
 * something about them, and that nothing is lost; the note stays until
 * read. */
static void
on_identity_changed (TafelSession         *session,
                     const TafelPublicKey *former,
                     const TafelPublicKey *now,
                     TafelWindow          *self)
{
  tafel_window_show_error (self, _("Another device is using your identity"),
                           _("Another device writes on this board under the same identity as this one, "
                             "most likely from a copy of this device’s data folder or a restored backup, "
                             "so your drawings and theirs collided. This device now draws under a new "
                             "identity of its own. Nothing you drew is lost: whatever the others did not "
                             "take from you is sent again under the new identity."));
}

static void
on_records_reissued (TafelSession *session,
                     guint         n,
                     TafelWindow  *self)
{
  g_autofree char *message = NULL;
  AdwToast *toast;

  if (n == 0)
    return;
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u change was sent again under your new identity",
                                          "%u changes were sent again under your new identity", n),
                             n);
  /* The note about the move stays until read, and an ordinary toast would
   * wait behind it: this one goes in front, and the move's note comes back
   * after it. */
  toast = adw_toast_new (message);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
start_session (TafelWindow *self)
{
  g_autoptr(GError) error = NULL;
  TafelSessionOptions options;
  TafelPresence *presence;

  g_clear_pointer (&self->session_config, tafel_session_config_free);
  g_clear_pointer (&self->session_error, g_free);
  self->session_config = tafel_session_config_new (self->settings, tafel_board_get_hints (self->board));
  tafel_session_config_get_options (self->session_config, &options);

  self->session = tafel_session_new (self->board, &options, &error);
  if (self->session == NULL)
    {
      self->session_error = g_strdup (error->message);
      tafel_window_show_error (self, _("The board cannot go online"), error->message);
      update_status (self);
      return;
    }

  g_signal_connect_swapped (self->session, "status-changed", G_CALLBACK (update_status), self);
  g_signal_connect_swapped (self->session, "peer-joined", G_CALLBACK (on_link_changed), self);
  g_signal_connect_swapped (self->session, "peer-left", G_CALLBACK (on_link_changed), self);
  g_signal_connect (self->session, "identity-changed", G_CALLBACK (on_identity_changed), self);
  g_signal_connect (self->session, "records-reissued", G_CALLBACK (on_records_reissued), self);

  presence = tafel_session_get_presence (self->session);
  tafel_people_set_presence (self->people, presence);
  tafel_presence_feed_set_presence (self->feed, presence);

  if (!tafel_session_start (self->session, &error))
    {
      self->session_error = g_strdup (error->message);
      tafel_window_show_error (self, _("The board cannot go online"), error->message);
    }
  update_status (self);
}

static void
stop_session (TafelWindow *self)
{
  g_clear_handle_id (&self->restart_id, g_source_remove);
  if (self->session == NULL)
    return;

  stop_following (self);
  g_signal_handlers_disconnect_by_data (self->session, self);
  tafel_presence_feed_set_presence (self->feed, NULL);
  tafel_people_set_presence (self->people, NULL);
  tafel_session_stop (self->session);
  g_clear_object (&self->session);
}

static gboolean
restart_session_cb (gpointer data)
{
  TafelWindow *self = data;
  g_autoptr(TafelSessionConfig) config = NULL;

  self->restart_id = 0;
  if (self->board == NULL)
    return G_SOURCE_REMOVE;

  /* Only when something that matters to this board changed. */
  config = tafel_session_config_new (self->settings, tafel_board_get_hints (self->board));
  if (self->session != NULL && self->session_config != NULL &&
      tafel_session_config_equal (config, self->session_config))
    return G_SOURCE_REMOVE;

  stop_session (self);
  start_session (self);
  return G_SOURCE_REMOVE;
}

static void
on_session_setting_changed (TafelWindow *self)
{
  g_clear_handle_id (&self->restart_id, g_source_remove);
  if (self->board != NULL)
    self->restart_id = g_timeout_add (SETTLE_MS, restart_session_cb, self);
}

void
tafel_window_add_brokers (TafelWindow        *self,
                          const char * const *brokers)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TAFEL_IS_WINDOW (self));

  if (self->board == NULL)
    return;

  if (!tafel_join_keep_brokers (self->board, brokers, &error))
    tafel_window_show_error (self, _("The board’s broker could not be stored"), error->message);
  /* The session restarts only if the hints change how it goes online. */
  on_session_setting_changed (self);
}

/* ---- People -------------------------------------------------------------- */

static void
on_person_joined (TafelPeople *people,
                  TafelPerson *person,
                  TafelWindow *self)
{
  g_autofree char *message = g_strdup_printf (_("%s joined"), tafel_person_get_name (person));

  note (self, message);
  update_status (self);
}

static void
on_person_left (TafelPeople *people,
                TafelPerson *person,
                TafelWindow *self)
{
  g_autofree char *message = g_strdup_printf (_("%s left"), tafel_person_get_name (person));

  if (self->following && memcmp (tafel_person_get_key (person), &self->followed, sizeof self->followed) == 0)
    stop_following (self);
  note (self, message);
  update_status (self);
}

/* ---- Follow -------------------------------------------------------------- */

static void
apply_follow (TafelWindow *self)
{
  TafelPresence *presence = self->people != NULL ? tafel_people_get_presence (self->people) : NULL;
  const TafelRemotePresence *remote;
  TafelView view;

  if (!self->following || presence == NULL)
    return;
  remote = tafel_presence_lookup (presence, &self->followed);
  if (remote == NULL || !remote->has_viewport)
    return;

  view = *tafel_canvas_get_view (self->canvas);
  tafel_view_show_rect (&view, &remote->viewport,
                        gtk_widget_get_width (GTK_WIDGET (self->canvas)),
                        gtk_widget_get_height (GTK_WIDGET (self->canvas)));
  self->applying_follow = TRUE;
  tafel_canvas_set_view (self->canvas, &view);
  self->applying_follow = FALSE;
}

static void
start_following (TafelWindow *self,
                 TafelPerson *person)
{
  g_autofree char *label = g_strdup_printf (_("Following %s"), tafel_person_get_name (person));

  self->following = TRUE;
  self->followed = *tafel_person_get_key (person);
  gtk_label_set_text (self->follow_label, label);
  gtk_revealer_set_reveal_child (self->follow_revealer, TRUE);
  tafel_people_panel_set_following (self->people_panel, &self->followed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop-following", TRUE);
  apply_follow (self);
}

static void
stop_following (TafelWindow *self)
{
  if (!self->following)
    return;

  self->following = FALSE;
  gtk_revealer_set_reveal_child (self->follow_revealer, FALSE);
  tafel_people_panel_set_following (self->people_panel, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop-following", FALSE);
}

static void
on_follow (TafelPeoplePanel *panel,
           TafelPerson      *person,
           TafelWindow      *self)
{
  if (self->following && memcmp (tafel_person_get_key (person), &self->followed, sizeof self->followed) == 0)
    stop_following (self);
  else
    start_following (self, person);
}

static void
on_presence_changed (TafelPeople          *people,
                     const TafelPublicKey *peer,
                     guint                 changes,
                     TafelWindow          *self)
{
  if (self->following && (changes & TAFEL_PRESENCE_VIEWPORT) &&
      memcmp (peer, &self->followed, sizeof *peer) == 0)
    apply_follow (self);
}

/* Your own pan or zoom ends following. */
static void
on_navigated (TafelWindow *self)
{
  if (!self->applying_follow)
    stop_following (self);
}

static void
on_view_changed (TafelWindow *self)
{
  TafelRect visible;

  if (self->feed == NULL)
    return;
  tafel_canvas_get_visible (self->canvas, &visible);
  tafel_presence_feed_set_viewport (self->feed, &visible);

  /* A new window size shows their view anew. */
  if (self->following && !self->applying_follow)
    apply_follow (self);
}

static void
on_pointer_moved (TafelCanvas *canvas,
                  double       x,
                  double       y,
                  gboolean     inside,
                  TafelWindow *self)
{
  if (self->feed != NULL)
    tafel_presence_feed_set_cursor (self->feed, inside, x, y);
}

static void
stop_following_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  stop_following (TAFEL_WINDOW (widget));
}

/* ---- Chat ---------------------------------------------------------------- */

static char *
notification_id (TafelWindow *self)
{
  return g_strconcat ("chat-", tafel_board_get_id_hex (self->board), NULL);
}

static void
update_chat_badge (TafelWindow *self)
{
  guint unread = self->chat_tracker != NULL ? tafel_chat_tracker_get_unread (self->chat_tracker) : 0;
  g_autofree char *count = unread > 99 ? g_strdup ("99+") : g_strdup_printf ("%u", unread);
  g_autofree char *tooltip = NULL;

  gtk_label_set_text (self->chat_badge, count);
  gtk_widget_set_visible (GTK_WIDGET (self->chat_badge), unread > 0);
  if (unread > 0)
    tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Chat, %u unread message (Ctrl+Shift+C)",
                                            "Chat, %u unread messages (Ctrl+Shift+C)", unread),
                               unread);
  else
    tooltip = g_strdup (_("Chat (Ctrl+Shift+C)"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->chat_button), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->chat_button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip,
                                  -1);
}

static void
on_chat_arrived (TafelChatTracker *tracker,
                 GPtrArray        *messages,
                 TafelWindow      *self)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  /* Only when you would not see it otherwise. Started without a session
   * bus (main.c), there is no notification server to reach: the unread
   * count on the Chat button tells. */
  if (app == NULL || gtk_window_is_active (GTK_WINDOW (self)) || messages->len == 0 ||
      g_application_get_dbus_connection (app) == NULL)
    return;

  if (messages->len == 1)
    {
      TafelChatMessage *message = g_ptr_array_index (messages, 0);
      g_autofree char *name = tafel_people_dup_name (self->people, tafel_chat_message_get_author (message));
      const char *text = tafel_chat_message_get_text (message);

      /* Translators: a notification's title: who wrote, on which board */
      title = g_strdup_printf (_("%s on “%s”"), name, tafel_board_get_title (self->board));
      if (g_utf8_strlen (text, -1) > 200)
        {
          g_autofree char *start = g_utf8_substring (text, 0, 200);
          body = g_strconcat (start, "…", NULL);
        }
      else
        body = g_strdup (text);
    }
  else
    {
      title = g_strdup (tafel_board_get_title (self->board));
      body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new message", "%u new messages", messages->len),
                              messages->len);
    }

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_category (notification, "im.received");
  g_notification_set_default_action_and_target (notification, "app.show-board", "s",
                                                tafel_board_get_id_hex (self->board));
  id = notification_id (self);
  g_application_send_notification (app, id, notification);
}

static void
on_active_changed (TafelWindow *self,
                   GParamSpec  *pspec,
                   gpointer     user_data)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autofree char *id = NULL;

  if (app == NULL || self->board == NULL || !gtk_window_is_active (GTK_WINDOW (self)))
    return;
  id = notification_id (self);
  g_application_withdraw_notification (app, id);
}

static void
on_chat_error (TafelChatPanel *panel,
               const GError   *error,
               TafelWindow    *self)
{
  tafel_window_show_error (self, _("The message could not be sent"), error->message);
}

/* ---- Panels -------------------------------------------------------------- */

/* A narrow window shows one side panel at a time. */
static void
one_panel_if_narrow (TafelWindow     *self,
                     GtkToggleButton *opened,
                     GtkToggleButton *other)
{
  if (self->narrow && gtk_toggle_button_get_active (opened))
    gtk_toggle_button_set_active (other, FALSE);
}

void
tafel_window_net_update_narrow (TafelWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->status_box), !self->narrow);
  gtk_widget_set_visible (GTK_WIDGET (self->share_button), !self->narrow);
  one_panel_if_narrow (self, self->chat_button, self->people_button);
}

static void
on_chat_toggled (TafelWindow *self)
{
  gboolean open = gtk_toggle_button_get_active (self->chat_button);

  one_panel_if_narrow (self, self->chat_button, self->people_button);

  gtk_revealer_set_reveal_child (self->chat_revealer, open);
  if (self->chat_tracker != NULL)
    tafel_chat_tracker_set_reading (self->chat_tracker, open);
  if (open)
    tafel_chat_panel_focus_entry (self->chat_panel);
  else if (self->board != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

static void
on_people_toggled (TafelWindow *self)
{
  one_panel_if_narrow (self, self->people_button, self->chat_button);
  gtk_revealer_set_reveal_child (self->people_revealer, gtk_toggle_button_get_active (self->people_button));
}

static void
toggle_people_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  TafelWindow *self = TAFEL_WINDOW (widget);

  gtk_toggle_button_set_active (self->people_button, !gtk_toggle_button_get_active (self->people_button));
}

static void
toggle_chat_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  TafelWindow *self = TAFEL_WINDOW (widget);

  gtk_toggle_button_set_active (self->chat_button, !gtk_toggle_button_get_active (self->chat_button));
}

/* ---- Share --------------------------------------------------------------- */

static void
on_share_show (TafelWindow *self)
{
  g_autoptr(TafelInvite) invite = NULL;
  g_autofree char *link = NULL;
  g_auto(GStrv) brokers = NULL;
  const char *meeting = self->session_config != NULL ? self->session_config->broker_url : NULL;
  const char *first[] = { meeting, NULL };

  if (self->board == NULL)
    return;

  /* The broker this board meets at goes first. A board shared for the
   * first time keeps it, so that its people meet there even when your
   * own default changes later. */
  brokers = tafel_join_merge_brokers (first, tafel_board_get_hints (self->board));
  if (meeting != NULL &&
      (tafel_board_get_hints (self->board) == NULL || tafel_board_get_hints (self->board)[0] == NULL))
    {
      g_autoptr(GError) error = NULL;

      if (!tafel_board_set_hints (self->board, (const char * const *) brokers, &error))
        tafel_window_show_error (self, _("The board’s broker could not be stored"), error->message);
    }

  invite = tafel_invite_new (tafel_board_get_id (self->board), tafel_board_get_secret (self->board),
                             tafel_board_get_title (self->board), (const char * const *) brokers);
  link = tafel_invite_to_string (invite);
  tafel_share_popover_set_link (self->share_popover, link, meeting);
}

static void
on_share_copied (TafelWindow *self)
{
  note (self, _("Invite link copied"));
}

static void
share_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  gtk_menu_button_popup (TAFEL_WINDOW (widget)->share_button);
}

/* ---- Attach and detach --------------------------------------------------- */

void
tafel_window_net_attach (TafelWindow *self)
{
  const TafelPublicKey *me = tafel_identity_get_public_key (tafel_board_get_identity (self->board));
  TafelRect visible;

  self->people = tafel_people_new (self->board, self->model);
  tafel_people_set_path_func (self->people, describe_path, self);
  g_signal_connect (self->people, "person-joined", G_CALLBACK (on_person_joined), self);
  g_signal_connect (self->people, "person-left", G_CALLBACK (on_person_left), self);
  g_signal_connect (self->people, "presence-changed", G_CALLBACK (on_presence_changed), self);
  publish_profile (self);

  self->feed = tafel_presence_feed_new (self->controller);
  tafel_canvas_get_visible (self->canvas, &visible);
  tafel_presence_feed_set_viewport (self->feed, &visible);

  self->chat_tracker = tafel_chat_tracker_new (tafel_board_model_get_chat (self->model), me);
  tafel_chat_tracker_set_reading (self->chat_tracker, gtk_toggle_button_get_active (self->chat_button));
  g_signal_connect_swapped (self->chat_tracker, "notify::unread", G_CALLBACK (update_chat_badge), self);
  g_signal_connect (self->chat_tracker, "arrived", G_CALLBACK (on_chat_arrived), self);
  update_chat_badge (self);

  tafel_canvas_set_people (self->canvas, self->people);
  tafel_people_panel_set_people (self->people_panel, self->people);
  tafel_chat_panel_set_board (self->chat_panel, self->board, self->model, self->people);

  start_session (self);
}

void
tafel_window_net_detach (TafelWindow *self)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  stop_session (self);
  stop_following (self);
  g_clear_handle_id (&self->profile_id, g_source_remove);
  g_clear_pointer (&self->session_config, tafel_session_config_free);
  g_clear_pointer (&self->session_error, g_free);

  if (app != NULL && self->board != NULL)
    {
      g_autofree char *id = notification_id (self);
      g_application_withdraw_notification (app, id);
    }

  tafel_canvas_set_people (self->canvas, NULL);
  tafel_people_panel_set_people (self->people_panel, NULL);
  tafel_chat_panel_set_board (self->chat_panel, NULL, NULL, NULL);

  if (self->people != NULL)
    g_signal_handlers_disconnect_by_data (self->people, self);
  if (self->chat_tracker != NULL)
    g_signal_handlers_disconnect_by_data (self->chat_tracker, self);
  g_clear_object (&self->feed);
  g_clear_object (&self->chat_tracker);
  g_clear_object (&self->people);
  update_chat_badge (self);
  update_status (self);
}

void
tafel_window_net_update_actions (TafelWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean has_board = self->board != NULL;

  gtk_widget_action_set_enabled (widget, "win.share", has_board);
  gtk_widget_action_set_enabled (widget, "win.toggle-people", has_board);
  gtk_widget_action_set_enabled (widget, "win.toggle-chat", has_board);
  gtk_widget_action_set_enabled (widget, "win.stop-following", has_board && self->following);
}

void
tafel_window_net_init (TafelWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (session_keys); i++)
    {
      g_autofree char *signal = g_strconcat ("changed::", session_keys[i], NULL);
      g_signal_connect_swapped (self->settings, signal, G_CALLBACK (on_session_setting_changed), self);
    }
  g_signal_connect_swapped (self->settings, "changed::display-name", G_CALLBACK (on_profile_setting_changed), self);
  g_signal_connect_swapped (self->settings, "changed::color", G_CALLBACK (on_profile_setting_changed), self);

  g_signal_connect_swapped (self->canvas, "view-changed", G_CALLBACK (on_view_changed), self);
  g_signal_connect_swapped (self->canvas, "navigated", G_CALLBACK (on_navigated), self);
  g_signal_connect (self->canvas, "pointer-moved", G_CALLBACK (on_pointer_moved), self);
  g_signal_connect (self->people_panel, "follow", G_CALLBACK (on_follow), self);
  g_signal_connect (self->chat_panel, "error", G_CALLBACK (on_chat_error), self);
  g_signal_connect_swapped (self->chat_button, "toggled", G_CALLBACK (on_chat_toggled), self);
  g_signal_connect_swapped (self->people_button, "toggled", G_CALLBACK (on_people_toggled), self);
  g_signal_connect_swapped (self->share_popover, "show", G_CALLBACK (on_share_show), self);
  g_signal_connect_swapped (self->share_popover, "copied", G_CALLBACK (on_share_copied), self);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_active_changed), NULL);

  update_chat_badge (self);
  update_status (self);
}

void
tafel_window_net_class_init (GtkWidgetClass *widget_class)
{
  g_type_ensure (TAFEL_TYPE_CHAT_PANEL);
  g_type_ensure (TAFEL_TYPE_PEOPLE_PANEL);
  g_type_ensure (TAFEL_TYPE_SHARE_POPOVER);

  gtk_widget_class_bind_template_child (widget_class, TafelWindow, status_box);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, share_button);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, share_popover);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, people_button);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, chat_button);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, chat_badge);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, people_revealer);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, people_panel);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, chat_revealer);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, chat_panel);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, follow_revealer);
  gtk_widget_class_bind_template_child (widget_class, TafelWindow, follow_label);

  gtk_widget_class_install_action (widget_class, "win.share", NULL, share_activated);
  gtk_widget_class_install_action (widget_class, "win.toggle-people", NULL, toggle_people_activated);
  gtk_widget_class_install_action (widget_class, "win.toggle-chat", NULL, toggle_chat_activated);
  gtk_widget_class_install_action (widget_class, "win.stop-following", NULL, stop_following_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "win.share", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-people", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.toggle-chat", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_C, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.toggle-chat", NULL);
}
