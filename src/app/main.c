/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdio.h>

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "tafel-application.h"
#include "tafel-core.h"
#include "tafel-session-bus.h"

static gboolean
wants_display (int    argc,
               char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h") ||
          g_str_has_prefix (argv[i], "--help-") || g_str_equal (argv[i], "--version"))
        return FALSE;
    }
  return TRUE;
}

/* Without a session bus that answers, Tafel starts anyway and says so in
 * one line. GLib then runs it as a separate instance; the empty address
 * makes GApplication and GTK give up on the bus at once instead of
 * waiting on one that does not answer. GTK's accessibility is found
 * through the session bus, and GTK 4.8 cannot publish the widgets of an
 * application that is not on it (it logs criticals), so it is off. */
static void
start_without_a_bus_if_needed (void)
{
  g_autoptr(GError) error = NULL;

  if (tafel_session_bus_check (TAFEL_SESSION_BUS_TIMEOUT_MS, &error))
    return;

  fprintf (stderr, "tafel: ");
  fprintf (stderr, _("no D-Bus session bus (%s); starting anyway, as a separate instance "
                     "without desktop notifications"), error->message);
  fprintf (stderr, "\n");
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "", TRUE);
  g_setenv ("GTK_A11Y", "none", TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(TafelApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, tafel_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (wants_display (argc, argv))
    start_without_a_bus_if_needed ();

  /* GTK would print a warning and exit on its own; say it plainly instead. */
  if (wants_display (argc, argv) && !gtk_init_check ())
    {
      fprintf (stderr, "tafel: %s\n",
               _("cannot open a display; Tafel is a graphical app and needs a Wayland or X11 session"));
      return 1;
    }

  app = tafel_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
