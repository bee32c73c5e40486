/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <gtk/gtk.h>

/* Prints the text on the clipboard of the display and exits 0, or exits 1
 * when there is none (or after 5 s): the UI tests' clipboard reader, as
 * xclip and xsel may not be installed. */

static int status = 1;
static gboolean done;

static void
on_text (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);

  if (text != NULL)
    {
      printf ("%s\n", text);
      status = 0;
    }
  else if (error != NULL)
    fprintf (stderr, "clipboard-text: %s\n", error->message);
  done = TRUE;
}

static gboolean
on_timeout (gpointer data)
{
  fprintf (stderr, "clipboard-text: no answer in time\n");
  done = TRUE;
  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  GdkDisplay *display;

  if (!gtk_init_check ())
    {
      fprintf (stderr, "clipboard-text: no display\n");
      return 2;
    }

  display = gdk_display_get_default ();
  gdk_clipboard_read_text_async (gdk_display_get_clipboard (display), NULL, on_text, NULL);
  g_timeout_add_seconds (5, on_timeout, NULL);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  return status;
}
