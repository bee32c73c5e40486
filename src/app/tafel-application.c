/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tafel-core.h"

#include "tafel-application.h"
#include "tafel-preferences-window.h"
#include "tafel-window.h"

struct _TafelApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (TafelApplication, tafel_application, ADW_TYPE_APPLICATION)

static void
tafel_application_activate (GApplication *application)
{
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (application));
  if (window == NULL)
    window = GTK_WINDOW (tafel_window_new (TAFEL_APPLICATION (application)));

  gtk_window_present (window);
}

static void
tafel_application_startup (GApplication *application)
{
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (tafel_application_parent_class)->startup (application);

  if (!tafel_core_init (&error))
    g_critical ("%s", error->message);
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
tafel_application_quit (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  TafelApplication *self = user_data;
  GList *windows;

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
  { "quit", tafel_application_quit },
};

static void
tafel_application_class_init (TafelApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = tafel_application_activate;
  app_class->startup = tafel_application_startup;
}

static void
tafel_application_init (TafelApplication *self)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
}

TafelApplication *
tafel_application_new (void)
{
  return g_object_new (TAFEL_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}
