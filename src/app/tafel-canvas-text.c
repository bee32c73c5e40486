/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Text typed in place: a text view on the canvas, as large as the text it
 * holds will be on the board, stored through the canvas controller when
 * the person leaves it; for a new text, or for one on the board whose
 * words change. */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tafel-canvas-private.h"
#include "tafel-color.h"
#include "tafel-render.h"

/* Widget pixels of margin around the text's lines in the editor. */
static int
editor_pad (TafelCanvas *self)
{
  return (int) ceil (MAX (2.0, self->editor_size * self->view.scale / 4));
}

void
tafel_canvas_text_update_style (TafelCanvas *self)
{
  g_autofree char *css = NULL;
  g_autofree char *color = NULL;
  char size[G_ASCII_DTOSTR_BUF_SIZE];
  int pad;

  if (self->editor == NULL)
    return;

  /* New text follows the tool bar while it is typed. */
  if (self->controller != NULL && self->editor_object == NULL)
    {
      g_autofree char *pen = NULL;

      g_object_get (self->controller, "text-size", &self->editor_size, "pen-color", &pen, NULL);
      tafel_color_parse (pen, &self->editor_rgba);
    }

  color = tafel_color_to_string (tafel_canvas_ink (self, self->editor_rgba));
  g_ascii_formatd (size, sizeof size, "%.2f", self->editor_size * self->view.scale);
  /* No padding and no line spacing of its own: the text in the editor
   * lies where the board will draw it. */
  css = g_strdup_printf ("textview.tafel-text-editor, textview.tafel-text-editor text {"
                         " font-family: \"" TAFEL_TEXT_FONT_FAMILY "\"; font-size: %spx;"
                         " color: %s; caret-color: %s; background: transparent;"
                         " padding: 0; margin: 0; }",
                         size, color, color);
  gtk_css_provider_load_from_data (self->editor_css, css, -1);

  /* Glyphs reach beyond the text's lines (the hook of a J, accents above
   * capitals); a margin around the lines keeps them in sight. */
  pad = editor_pad (self);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (self->editor), pad);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (self->editor), pad);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (self->editor), pad);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (self->editor), pad);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static char *
dup_editor_text (GtkWidget *editor)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* The size the editor needs for its text, in widget pixels. */
static void
editor_size (TafelCanvas *self,
             int         *width,
             int         *height)
{
  g_autofree char *text = NULL;
  TafelText laid_out;
  TafelRect extents;
  double em, x1, y1;
  int min_w, nat_w, min_h, nat_h, pad;

  g_assert (self->editor != NULL);

  /* The box grows with the text as the board will draw it, at its size
   * and the zoom (the text view alone measures what it has laid out so
   * far, which lags behind the typing), plus room for the caret. */
  text = dup_editor_text (self->editor);
  laid_out = (TafelText) { .x = 0, .y = 0, .text = text, .size = (float) self->editor_size };
  tafel_text_get_extents (&laid_out, &extents);
  em = self->editor_size * self->view.scale;
  x1 = (extents.x + extents.width) * self->view.scale;
  y1 = (extents.y + extents.height) * self->view.scale;

  gtk_widget_measure (self->editor, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat_w, NULL, NULL);
  gtk_widget_measure (self->editor, GTK_ORIENTATION_VERTICAL, -1, &min_h, &nat_h, NULL, NULL);

  pad = editor_pad (self);
  *width = MAX ((int) ceil (x1 + MAX (em / 2, 4.0)) + 2 * pad, MAX (min_w, nat_w));
  *height = MAX ((int) ceil (y1 + 1) + 2 * pad, MAX (min_h, nat_h));
}

void
tafel_canvas_text_allocate (TafelCanvas *self)
{
  double wx, wy;
  int width, height, pad;

  if (self->editor == NULL)
    return;

  editor_size (self, &width, &height);
  tafel_view_to_widget (&self->view, self->editor_x, self->editor_y, &wx, &wy);
  pad = editor_pad (self);
  gtk_widget_size_allocate (self->editor,
                            &(GtkAllocation) { (int) round (wx) - pad, (int) round (wy) - pad, width, height },
                            -1);
}

void
tafel_canvas_text_finish (TafelCanvas *self,
                          gboolean     commit)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GtkWidget *editor = self->editor;
  TafelObject *object = self->editor_object;
  gboolean ok = TRUE;

  if (editor == NULL)
    return;

  /* Unset first: removing the widget moves the focus, which calls back. */
  self->editor = NULL;
  self->editor_object = NULL;
  g_clear_handle_id (&self->editor_leave_id, g_source_remove);

  text = dup_editor_text (editor);
  gtk_widget_unparent (editor);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  tafel_canvas_update_hint (self);
  if (self->controller != NULL)
    tafel_canvas_controller_set_editing (self->controller, NULL);

  /* A text changed in place gets its new words; one that someone erased
   * meanwhile comes back as a new text, so nothing typed is lost. */
  if (commit && self->controller != NULL)
    {
      if (object != NULL && tafel_object_is_visible (object))
        ok = tafel_canvas_controller_edit_text (self->controller, object, text, &error);
      else
        ok = tafel_canvas_controller_commit_text (self->controller, self->editor_x, self->editor_y,
                                                  text, &error);
    }
  if (!ok)
    tafel_canvas_emit_error (self, error);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_editor_key_pressed (GtkEventControllerKey *key,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       TafelCanvas           *self)
{
  GdkModifierType mods = state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK | GDK_ALT_MASK);

  /* Enter stores the text and Shift+Enter starts a new line; Escape, as in
   * Excalidraw, leaves the text and keeps what was typed (undo takes it
   * away). */
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter) &&
      (mods & GDK_SHIFT_MASK) == 0)
    {
      tafel_canvas_text_finish (self, TRUE);
      return GDK_EVENT_STOP;
    }
  if (keyval == GDK_KEY_Escape)
    {
      tafel_canvas_text_finish (self, TRUE);
      return GDK_EVENT_STOP;
    }

  return GDK_EVENT_PROPAGATE;
}

/* The focus left the editor and GTK has finished moving it. */
static gboolean
editor_left (gpointer data)
{
  TafelCanvas *self = data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  self->editor_leave_id = 0;

  /* Switching to another window and back goes on typing; so does a focus
   * that came back. */
  if (self->editor == NULL || gtk_widget_has_focus (self->editor) ||
      (GTK_IS_WINDOW (root) && !gtk_window_is_active (GTK_WINDOW (root))))
    return G_SOURCE_REMOVE;

  /* Clicking elsewhere keeps what was typed, as in Excalidraw. */
  tafel_canvas_text_finish (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
on_editor_focus_leave (GtkEventControllerFocus *focus,
                       TafelCanvas             *self)
{
  /* GTK is in the middle of moving the focus and goes on walking up from
   * the editor afterwards: taking the editor out of the widget tree here
   * pulls it from under GTK, which then loops on the freed widget for
   * ever. So the text is stored just after, once the focus has moved. */
  if (self->editor != NULL && self->editor_leave_id == 0)
    self->editor_leave_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, editor_left, self, NULL);
}

static void
on_editor_changed (TafelCanvas *self)
{
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* Opens an editor at board point (x, y) for a new text, or for @object
 * (nullable) holding @words. */
static void
open_editor (TafelCanvas *self,
             double       x,
             double       y,
             TafelObject *object,
             const char  *words)
{
  GtkEventController *key, *focus;
  GtkWidget *editor;

  editor = gtk_text_view_new ();
  gtk_widget_add_css_class (editor, "tafel-text-editor");
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (editor), GTK_WRAP_NONE);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (editor), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (editor),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Text on the board"),
                                  -1);
  /* Glyphs placed as the board places them (no hinting, unrounded
   * metrics), so the text does not shift or change width when stored. */
  {
    cairo_font_options_t *options = cairo_font_options_create ();

    cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_GRAY);
    gtk_widget_set_font_options (editor, options);
    cairo_font_options_destroy (options);
  }
  gtk_style_context_add_provider (gtk_widget_get_style_context (editor),
                                  GTK_STYLE_PROVIDER (self->editor_css),
                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_signal_connect_swapped (gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor)), "changed",
                            G_CALLBACK (on_editor_changed), self);

  key = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_editor_key_pressed), self);
  gtk_widget_add_controller (editor, key);

  focus = gtk_event_controller_focus_new ();
  g_signal_connect (focus, "leave", G_CALLBACK (on_editor_focus_leave), self);
  gtk_widget_add_controller (editor, focus);

  self->editor = editor;
  self->editor_object = object;
  self->editor_x = x;
  self->editor_y = y;
  if (words != NULL)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor));
      GtkTextIter end;

      gtk_text_buffer_set_text (buffer, words, -1);
      gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_place_cursor (buffer, &end);
    }
  tafel_canvas_text_update_style (self);
  gtk_widget_set_parent (editor, GTK_WIDGET (self));
  gtk_widget_grab_focus (editor);
  tafel_canvas_update_hint (self);
}

static void
on_text_edit_requested (TafelCanvasController *controller,
                        double                 x,
                        double                 y,
                        TafelCanvas           *self)
{
  tafel_canvas_text_finish (self, TRUE);
  open_editor (self, x, y, NULL, NULL);
}

gboolean
tafel_canvas_text_edit (TafelCanvas *self,
                        TafelObject *object)
{
  const TafelTransform *t;
  TafelText text = { 0 };

  if (self->controller == NULL || object == NULL || !tafel_object_is_visible (object) ||
      !tafel_object_dup_text (object, &text))
    return FALSE;

  tafel_canvas_text_finish (self, TRUE);

  /* The editor lies where the board draws the text, at the size and in
   * the colour it has there (a resized text is as large as it looks). */
  t = tafel_object_get_transform (object);
  self->editor_size = text.size * fabs (t->sy);
  self->editor_rgba = text.rgba;
  tafel_canvas_controller_set_editing (self->controller, object);
  open_editor (self, t->sx * text.x + t->tx, t->sy * text.y + t->ty, object, text.text);
  tafel_text_clear (&text);
  return TRUE;
}

void
tafel_canvas_text_connect (TafelCanvas           *self,
                           TafelCanvasController *controller)
{
  g_signal_connect (controller, "text-edit-requested", G_CALLBACK (on_text_edit_requested), self);
  g_signal_connect_swapped (controller, "notify::text-size", G_CALLBACK (tafel_canvas_text_update_style), self);
  g_signal_connect_swapped (controller, "notify::pen-color", G_CALLBACK (tafel_canvas_text_update_style), self);
}

/* Enter on a selected text changes its words. */
static gboolean
edit_selected_text (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   data)
{
  TafelCanvas *self = TAFEL_CANVAS (widget);
  GPtrArray *selection;

  if (self->controller == NULL || self->editor != NULL)
    return FALSE;
  selection = tafel_canvas_controller_get_selection (self->controller);
  if (selection->len != 1 ||
      tafel_object_get_type (g_ptr_array_index (selection, 0)) != TAFEL_OBJECT_TEXT)
    return FALSE;
  return tafel_canvas_text_edit (self, g_ptr_array_index (selection, 0));
}

void
tafel_canvas_text_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Return, 0, edit_selected_text, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Enter, 0, edit_selected_text, NULL);
}

void
tafel_canvas_text_init (TafelCanvas *self)
{
  self->editor_css = gtk_css_provider_new ();
}

void
tafel_canvas_text_dispose (TafelCanvas *self)
{
  tafel_canvas_text_finish (self, FALSE);
  g_clear_handle_id (&self->editor_leave_id, g_source_remove);
}

void
tafel_canvas_text_finalize (TafelCanvas *self)
{
  g_clear_object (&self->editor_css);
}
