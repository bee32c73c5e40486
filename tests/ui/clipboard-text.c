/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <gio/gunixoutputstream.h>
#include <gtk/gtk.h>

/* Prints the text on the clipboard of the display and exits 0, or exits 1
 * when there is none (or after 5 s): the UI tests' clipboard reader, as
 * xclip and xsel may not be installed. With a MIME type as its argument,
 * it writes the clipboard's bytes in that type to stdout instead.
 *
 *   clipboard-text [MIME-TYPE] */

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

static void
on_spliced (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, &error) >= 0)
    status = 0;
  else
    fprintf (stderr, "clipboard-text: %s\n", error->message);
  done = TRUE;
}

static void
on_stream (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = gdk_clipboard_read_finish (GDK_CLIPBOARD (source), result, NULL, &error);
  g_autoptr(GOutputStream) out = NULL;

  if (stream == NULL)
    {
      fprintf (stderr, "clipboard-text: %s\n", error->message);
      done = TRUE;
      return;
    }
  out = g_unix_output_stream_new (1, FALSE);
  g_output_stream_splice_async (out, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE, G_PRIORITY_DEFAULT,
                                NULL, on_spliced, NULL);
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
  if (argc > 1)
    gdk_clipboard_read_async (gdk_display_get_clipboard (display), (const char *[]) { argv[1], NULL },
                              G_PRIORITY_DEFAULT, NULL, on_stream, NULL);
  else
    gdk_clipboard_read_text_async (gdk_display_get_clipboard (display), NULL, on_text, NULL);
  g_timeout_add_seconds (5, on_timeout, NULL);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  return status;
}
