/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Cut, copy and paste of objects: Tafel's own clipboard format for Tafel
 * (in this window, another one, another Tafel), a PNG picture and the
 * plain text of the texts for other apps; plain text from other apps is
 * pasted as a text. */
#include "config.h"

#include <glib/gi18n.h>

#include "tafel-canvas-private.h"
#include "tafel-clipboard.h"

/* Copies are pictured at twice the board's size, for sharp pixels. */
#define PNG_SCALE 2.0

/* The clipboard is read in pieces of this many bytes. */
#define READ_CHUNK (64 * 1024)

typedef struct
{
  TafelCanvas  *canvas;   /* weak */
  double        x;        /* where to paste, board units */
  double        y;
  GInputStream *stream;
  GByteArray   *data;
} PasteData;

static void
paste_data_free (PasteData *data)
{
  g_clear_weak_pointer (&data->canvas);
  g_clear_object (&data->stream);
  g_clear_pointer (&data->data, g_byte_array_unref);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PasteData, paste_data_free)

static void
report (TafelCanvas  *self,
        const char   *what,
        const GError *error)
{
  tafel_canvas_emit_failed (self, what, error);
}

/* ---- Copy ---------------------------------------------------------------- */

static gboolean
copy_selection (TafelCanvas *self)
{
  GPtrArray *selection = tafel_canvas_controller_get_selection (self->controller);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GdkContentProvider *providers[3];
  guint n = 0;

  if (selection->len == 0)
    return FALSE;

  items = tafel_canvas_controller_dup_selection_items (self->controller);
  data = tafel_clipboard_encode (items);
  providers[n++] = gdk_content_provider_new_for_bytes (TAFEL_CLIPBOARD_MIME_TYPE, data);

  /* Other apps get a picture, and the words of the texts. */
  png = tafel_clipboard_render_png (selection, PNG_SCALE, &error);
  if (png != NULL)
    providers[n++] = gdk_content_provider_new_for_bytes ("image/png", png);
  else
    g_debug ("No picture of the copy: %s", error->message);
  text = tafel_clipboard_dup_text (selection);
  if (text != NULL)
    providers[n++] = gdk_content_provider_new_typed (G_TYPE_STRING, text);

  {
    g_autoptr(GdkContentProvider) provider = gdk_content_provider_new_union (providers, n);

    gdk_clipboard_set_content (gtk_widget_get_clipboard (GTK_WIDGET (self)), provider);
  }
  return TRUE;
}

static void
copy_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TafelCanvas *self = TAFEL_CANVAS (widget);

  if (self->controller != NULL)
    copy_selection (self);
}

static void
cut_activated (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TafelCanvas *self = TAFEL_CANVAS (widget);
  g_autoptr(GError) error = NULL;

  if (self->controller == NULL || !copy_selection (self))
    return;
  if (!tafel_canvas_controller_delete_selection (self->controller, &error))
    report (self, _("Could not cut"), error);
}

/* ---- Paste --------------------------------------------------------------- */

static void
paste_items (TafelCanvas *self,
             GBytes      *data,
             double       x,
             double       y)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  items = tafel_clipboard_decode (data, &error);
  if (items == NULL)
    {
      report (self, _("Could not paste"), error);
      return;
    }

  /* What is pasted comes selected, ready to be moved: the selection is
   * the selection tool's. */
  gtk_widget_activate_action (GTK_WIDGET (self), "win.tool", "s", "select");
  if (!tafel_canvas_controller_paste (self->controller, items, x, y, &error))
    report (self, _("Could not paste"), error);
}

static void on_objects_read (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data);

/* Reads the next piece of the clipboard into @data (transfer full). */
static void
read_next (PasteData *data)
{
  GInputStream *stream = data->stream;

  g_input_stream_read_bytes_async (stream, READ_CHUNK, G_PRIORITY_DEFAULT, NULL, on_objects_read, data);
}

static void
on_objects_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(PasteData) data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GBytes) bytes = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (data->canvas == NULL || data->canvas->controller == NULL)
    return;
  if (chunk == NULL)
    {
      report (data->canvas, _("Could not paste"), error);
      return;
    }

  if (g_bytes_get_size (chunk) > 0)
    {
      g_byte_array_append (data->data, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
      if (data->data->len > TAFEL_CLIPBOARD_MAX_BYTES)
        {
          g_set_error_literal (&error, TAFEL_CLIPBOARD_ERROR, TAFEL_CLIPBOARD_ERROR_TOO_LARGE,
                               _("What was copied is too large to paste."));
          report (data->canvas, _("Could not paste"), error);
          return;
        }
      read_next (g_steal_pointer (&data));
      return;
    }

  /* The end of the stream: all of it is here. */
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&data->data));
  paste_items (data->canvas, bytes, data->x, data->y);
}

static void
on_objects_stream (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PasteData) data = user_data;
  g_autoptr(GError) error = NULL;

  data->stream = gdk_clipboard_read_finish (GDK_CLIPBOARD (source), result, NULL, &error);
  if (data->canvas == NULL)
    return;
  if (data->stream == NULL)
    {
      report (data->canvas, _("Could not paste"), error);
      return;
    }

  data->data = g_byte_array_new ();
  read_next (g_steal_pointer (&data));
}

static void
on_text_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PasteData) data = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  if (data->canvas == NULL || data->canvas->controller == NULL)
    return;
  if (text == NULL)
    {
      report (data->canvas, _("Could not paste"), error);
      return;
    }

  /* Words from another app become a text on the board. */
  if (!tafel_canvas_controller_commit_text (data->canvas->controller, data->x, data->y, text, &error))
    report (data->canvas, _("Could not paste"), error);
}

static void
paste_at (TafelCanvas *self,
          double       x,
          double       y)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));
  GdkContentFormats *formats = gdk_clipboard_get_formats (clipboard);
  PasteData *data;

  if (self->controller == NULL)
    return;

  tafel_canvas_text_finish (self, TRUE);

  data = g_new0 (PasteData, 1);
  g_set_weak_pointer (&data->canvas, self);
  data->x = x;
  data->y = y;

  if (gdk_content_formats_contain_mime_type (formats, TAFEL_CLIPBOARD_MIME_TYPE))
    gdk_clipboard_read_async (clipboard, (const char *[]) { TAFEL_CLIPBOARD_MIME_TYPE, NULL },
                              G_PRIORITY_DEFAULT, NULL, on_objects_stream, data);
  else if (gdk_content_formats_contain_gtype (formats, G_TYPE_STRING))
    gdk_clipboard_read_text_async (clipboard, NULL, on_text_read, data);
  else
    paste_data_free (data);
}

static void
paste_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  TafelCanvas *self = TAFEL_CANVAS (widget);
  double wx = self->pointer_x, wy = self->pointer_y, x, y;

  /* Where the pointer is; without it, the middle of what is in sight. */
  if (!self->pointer_inside)
    {
      TafelRect area;

      tafel_canvas_get_clear_area (self, &area);
      wx = area.x + area.width / 2;
      wy = area.y + area.height / 2;
    }
  tafel_view_to_board (&self->view, wx, wy, &x, &y);
  paste_at (self, x, y);
}

static void
paste_here_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  double x, y;

  g_variant_get (parameter, "(dd)", &x, &y);
  paste_at (TAFEL_CANVAS (widget), x, y);
}

/* ---- What can be done ---------------------------------------------------- */

void
tafel_canvas_clipboard_update_actions (TafelCanvas *self)
{
  GdkContentFormats *formats = gdk_clipboard_get_formats (gtk_widget_get_clipboard (GTK_WIDGET (self)));
  gboolean selection = self->controller != NULL && tafel_canvas_controller_has_selection (self->controller);
  gboolean can_paste = self->controller != NULL &&
                       (gdk_content_formats_contain_mime_type (formats, TAFEL_CLIPBOARD_MIME_TYPE) ||
                        gdk_content_formats_contain_gtype (formats, G_TYPE_STRING));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "canvas.cut", selection);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "canvas.copy", selection);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "canvas.paste", can_paste);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "canvas.paste-here", can_paste);
}

static void
on_clipboard_changed (TafelCanvas *self)
{
  tafel_canvas_clipboard_update_actions (self);
}

void
tafel_canvas_clipboard_init (TafelCanvas *self)
{
  g_signal_connect_object (gtk_widget_get_clipboard (GTK_WIDGET (self)), "changed",
                           G_CALLBACK (on_clipboard_changed), self, G_CONNECT_SWAPPED);
  tafel_canvas_clipboard_update_actions (self);
}

void
tafel_canvas_clipboard_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "canvas.cut", NULL, cut_activated);
  gtk_widget_class_install_action (widget_class, "canvas.copy", NULL, copy_activated);
  gtk_widget_class_install_action (widget_class, "canvas.paste", NULL, paste_activated);
  gtk_widget_class_install_action (widget_class, "canvas.paste-here", "(dd)", paste_here_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_x, GDK_CONTROL_MASK, "canvas.cut", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "canvas.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "canvas.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, GDK_SHIFT_MASK, "canvas.cut", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Insert, GDK_CONTROL_MASK, "canvas.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Insert, GDK_SHIFT_MASK, "canvas.paste", NULL);
}
