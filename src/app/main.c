/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdio.h>

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "tafel-application.h"
#include "tafel-core.h"

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

int
main (int    argc,
      char **argv)
{
  g_autoptr(TafelApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, tafel_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

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
