/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tafel-color.h"
#include "tafel-preferences-window.h"
#include "tafel-settings-check.h"

typedef gboolean (*CheckFunc) (const char *value, GError **error);

/* A text setting whose entry row only stores values that pass its check;
 * while the text does not, the row is marked and the reason shown. */
typedef struct
{
  const char *key;
  CheckFunc   check;
  gsize       row_offset;
  gsize       error_offset;
} CheckedEntry;

struct _TafelPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  AdwEntryRow          *display_name_row;
  GtkLabel             *display_name_error;
  AdwActionRow         *color_row;
  GtkColorButton       *color_button;
  GtkButton            *color_reset_button;
  GtkSwitch            *lan_switch;
  AdwComboRow          *style_row;
  AdwEntryRow          *broker_url_row;
  GtkLabel             *broker_url_error;
  AdwEntryRow          *broker_username_row;
  AdwEntryRow          *broker_password_row;
  AdwEntryRow          *stun_server_row;
  GtkLabel             *stun_server_error;
  AdwEntryRow          *turn_server_row;
  GtkLabel             *turn_server_error;
  AdwEntryRow          *turn_username_row;
  AdwEntryRow          *turn_password_row;
};

G_DEFINE_FINAL_TYPE (TafelPreferencesWindow, tafel_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const CheckedEntry checked_entries[] = {
  { "display-name", tafel_settings_check_display_name,
    G_STRUCT_OFFSET (TafelPreferencesWindow, display_name_row),
    G_STRUCT_OFFSET (TafelPreferencesWindow, display_name_error) },
  { "broker-url", tafel_settings_check_broker_url,
    G_STRUCT_OFFSET (TafelPreferencesWindow, broker_url_row),
    G_STRUCT_OFFSET (TafelPreferencesWindow, broker_url_error) },
  { "stun-server", tafel_settings_check_stun_server,
    G_STRUCT_OFFSET (TafelPreferencesWindow, stun_server_row),
    G_STRUCT_OFFSET (TafelPreferencesWindow, stun_server_error) },
  { "turn-server", tafel_settings_check_turn_server,
    G_STRUCT_OFFSET (TafelPreferencesWindow, turn_server_row),
    G_STRUCT_OFFSET (TafelPreferencesWindow, turn_server_error) },
};

#define ENTRY_ROW(self, e) (*(AdwEntryRow **) G_STRUCT_MEMBER_P ((self), (e)->row_offset))
#define ERROR_LABEL(self, e) (*(GtkLabel **) G_STRUCT_MEMBER_P ((self), (e)->error_offset))

static void
on_checked_entry_changed (GtkEditable            *editable,
                          TafelPreferencesWindow *self)
{
  const CheckedEntry *entry = g_object_get_data (G_OBJECT (editable), "tafel-checked-entry");
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (editable)));
  g_autofree char *stored = NULL;
  g_autoptr(GError) error = NULL;
  GtkLabel *label = ERROR_LABEL (self, entry);

  if (!entry->check (text, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (editable), "error");
      gtk_label_set_text (label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
      return;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
  gtk_widget_set_visible (GTK_WIDGET (label), FALSE);

  stored = g_settings_get_string (self->settings, entry->key);
  if (!g_str_equal (stored, text))
    g_settings_set_string (self->settings, entry->key, text);
}

static void
setup_checked_entry (TafelPreferencesWindow *self,
                     const CheckedEntry     *entry)
{
  AdwEntryRow *row = ENTRY_ROW (self, entry);
  g_autofree char *value = g_settings_get_string (self->settings, entry->key);

  g_object_set_data (G_OBJECT (row), "tafel-checked-entry", (gpointer) entry);
  gtk_editable_set_text (GTK_EDITABLE (row), value);
  g_signal_connect (row, "changed", G_CALLBACK (on_checked_entry_changed), self);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, ERROR_LABEL (self, entry), NULL,
                                  -1);
}

static void
update_color_row (TafelPreferencesWindow *self)
{
  g_autofree char *text = g_settings_get_string (self->settings, "color");
  guint32 rgba;

  if (tafel_color_parse (text, &rgba))
    {
      gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (self->color_button),
                                  &(GdkRGBA) { (rgba >> 24) / 255.f, ((rgba >> 16) & 0xff) / 255.f,
                                               ((rgba >> 8) & 0xff) / 255.f, 1.f });
      adw_action_row_set_subtitle (self->color_row, text);
      gtk_widget_set_visible (GTK_WIDGET (self->color_reset_button), TRUE);
    }
  else
    {
      adw_action_row_set_subtitle (self->color_row, _("Automatic: a colour picked for your device"));
      gtk_widget_set_visible (GTK_WIDGET (self->color_reset_button), FALSE);
    }
}

static void
on_color_set (GtkColorButton         *button,
              TafelPreferencesWindow *self)
{
  g_autofree char *text = NULL;
  GdkRGBA color;
  guint32 rgba;

  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (button), &color);
  rgba = ((guint32) lround (color.red * 255) << 24) |
         ((guint32) lround (color.green * 255) << 16) |
         ((guint32) lround (color.blue * 255) << 8) | 0xff;
  text = tafel_color_to_string (rgba);
  g_settings_set_string (self->settings, "color", text);
}

static void
on_color_reset (GtkButton              *button,
                TafelPreferencesWindow *self)
{
  g_settings_reset (self->settings, "color");
}

static const char * const styles[] = { "system", "light", "dark" };

static gboolean
style_to_row (GValue   *value,
              GVariant *variant,
              gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    if (g_str_equal (nick, styles[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
row_to_style (const GValue       *value,
              const GVariantType *type,
              gpointer            user_data)
{
  guint row = g_value_get_uint (value);

  return row < G_N_ELEMENTS (styles) ? g_variant_new_string (styles[row]) : NULL;
}

static void
tafel_preferences_window_dispose (GObject *object)
{
  TafelPreferencesWindow *self = TAFEL_PREFERENCES_WINDOW (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), TAFEL_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (tafel_preferences_window_parent_class)->dispose (object);
}

static void
tafel_preferences_window_class_init (TafelPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tafel_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/tafel-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TafelPreferencesWindow, display_name_row);
  gtk_widget_class_bind_template_child (widget_class, TafelPreferencesWindow, display_name_error);
  gtk_widget_class_bind_template_child (widget_class, TafelPreferencesWindow, color_row);
  gtk_widget_class_bind_template_child (widget_class, TafelPreferencesWindow, color_button);
  gtk_widget_class_bind_template_child (widget_class, TafelPreferencesWindow, color_reset_button);
  gtk_widget_class_bind_template_child (widget_class, TafelPreferencesWindow, lan_switch);
  gtk_widget_class_bind_template_child (widget_class, TafelPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, TafelPreferencesWindow, broker_url_row);
  gtk_widget_class_bind_template_child (widget_class, TafelPreferencesWindow, broker_url_error);
  gtk_widget_class_bind_template_child (widget_class, TafelPreferencesWindow, broker_username_row);
  gtk_widget_class_bind_template_child (widget_class, TafelPreferencesWindow, broker_password_row);
  gtk_widget_class_bind_template_child (widget_class, TafelPreferencesWindow, stun_server_row);
  gtk_widget_class_bind_template_child (widget_class, TafelPreferencesWindow, stun_server_error);
  gtk_widget_class_bind_template_child (widget_class, TafelPreferencesWindow, turn_server_row);
  gtk_widget_class_bind_template_child (widget_class, TafelPreferencesWindow, turn_server_error);
  gtk_widget_class_bind_template_child (widget_class, TafelPreferencesWindow, turn_username_row);
  gtk_widget_class_bind_template_child (widget_class, TafelPreferencesWindow, turn_password_row);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
tafel_preferences_window_init (TafelPreferencesWindow *self)
{
  g_autofree char *real_name = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (SCHEMA_ID);

  for (guint i = 0; i < G_N_ELEMENTS (checked_entries); i++)
    setup_checked_entry (self, &checked_entries[i]);

  /* Free-form values need no check beyond what GSettings keeps. */
  g_settings_bind (self->settings, "broker-username", self->broker_username_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "broker-password", self->broker_password_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "turn-username", self->turn_username_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "turn-password", self->turn_password_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "lan-discovery", self->lan_switch, "active", G_SETTINGS_BIND_DEFAULT);
  /* The rows are in the order of the Style enum's values. */
  g_settings_bind_with_mapping (self->settings, "style", self->style_row, "selected", G_SETTINGS_BIND_DEFAULT,
                                style_to_row, row_to_style, NULL, NULL);

  /* An empty name means the user's real name; show which one that is. */
  real_name = g_strdup (g_get_real_name ());
  if (real_name[0] == '\0' || g_str_equal (real_name, "Unknown"))
    {
      g_free (real_name);
      real_name = g_strdup (g_get_user_name ());
    }
  {
    g_autofree char *title = g_strdup_printf (_("Display Name (empty: %s)"), real_name);
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->display_name_row), title);
  }

  update_color_row (self);
  g_signal_connect_swapped (self->settings, "changed::color", G_CALLBACK (update_color_row), self);
  g_signal_connect (self->color_button, "color-set", G_CALLBACK (on_color_set), self);
  g_signal_connect (self->color_reset_button, "clicked", G_CALLBACK (on_color_reset), self);
}

GtkWidget *
tafel_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (TAFEL_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
}
