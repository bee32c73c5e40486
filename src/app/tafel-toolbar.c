/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tafel-color.h"
#include "tafel-swatch.h"
#include "tafel-tool.h"
#include "tafel-toolbar.h"

typedef struct
{
  TafelCanvasTool tool;
  const char     *icon_name;
  const char     *label;      /* translatable */
  const char     *tooltip;    /* translatable, names the shortcut key */
} ToolEntry;

static const ToolEntry tools[] = {
  { TAFEL_CANVAS_TOOL_SELECT, "tafel-select-symbolic", N_("Select"), N_("Select (V)") },
  { TAFEL_CANVAS_TOOL_PEN, "tafel-pen-symbolic", N_("Pen"), N_("Pen (P)") },
  { TAFEL_CANVAS_TOOL_HIGHLIGHTER, "tafel-highlighter-symbolic", N_("Highlighter"), N_("Highlighter (H)") },
  { TAFEL_CANVAS_TOOL_ERASER, "tafel-eraser-symbolic", N_("Eraser"), N_("Eraser (E)") },
  { TAFEL_CANVAS_TOOL_LINE, "tafel-line-symbolic", N_("Line"), N_("Line (L) · Shift snaps to 45°") },
  { TAFEL_CANVAS_TOOL_ARROW, "tafel-arrow-symbolic", N_("Arrow"), N_("Arrow (A) · Shift snaps to 45°") },
  { TAFEL_CANVAS_TOOL_RECTANGLE, "tafel-rectangle-symbolic", N_("Rectangle"), N_("Rectangle (R) · Shift draws a square") },
  { TAFEL_CANVAS_TOOL_ELLIPSE, "tafel-ellipse-symbolic", N_("Ellipse"), N_("Ellipse (O) · Shift draws a circle") },
  { TAFEL_CANVAS_TOOL_TEXT, "tafel-text-symbolic", N_("Text"), N_("Text (T)") },
};

/* What the width button sets for each kind of tool. */
typedef struct
{
  const char *key;
  const char *label;        /* translatable */
  double      presets[4];
  double      lower;        /* the GSettings range of the key */
  double      upper;
} WidthKind;

static const WidthKind width_kinds[] = {
  { "pen-width", N_("Stroke Width"), { 1.5, 3, 6, 12 }, 0.5, 64 },
  { "highlighter-width", N_("Highlighter Width"), { 8, 16, 24, 32 }, 2, 96 },
  { "text-size", N_("Text Size"), { 16, 24, 36, 56 }, 6, 200 },
};

/* The width button shows a dot this big for the largest preset. */
#define PREVIEW_MAX 18.0

struct _TafelToolbar
{
  GtkBox              parent_instance;

  GSettings          *settings;
  GSimpleActionGroup *actions;
  const WidthKind    *width_kind;
  gboolean            updating;

  GtkFlowBox         *tools_box;
  GtkMenuButton      *color_button;
  GtkMenuButton      *width_button;
  TafelSwatch        *color_swatch;
  TafelSwatch        *width_swatch;
  GtkGrid            *palette_grid;
  GtkBox             *presets_box;
  GtkScale           *width_scale;
  GtkAdjustment      *width_adjustment;
};

G_DEFINE_FINAL_TYPE (TafelToolbar, tafel_toolbar, GTK_TYPE_BOX)

static TafelCanvasTool
current_tool (TafelToolbar *self)
{
  return g_settings_get_enum (self->settings, "tool");
}

static const char *
color_key (TafelCanvasTool tool)
{
  if (tool == TAFEL_CANVAS_TOOL_HIGHLIGHTER)
    return "highlighter-color";
  if (tafel_canvas_tool_has_ink (tool))
    return "pen-color";
  return NULL;
}

static const WidthKind *
width_kind (TafelCanvasTool tool)
{
  if (tool == TAFEL_CANVAS_TOOL_HIGHLIGHTER)
    return &width_kinds[1];
  if (tool == TAFEL_CANVAS_TOOL_TEXT)
    return &width_kinds[2];
  if (tafel_canvas_tool_has_ink (tool))
    return &width_kinds[0];
  return NULL;
}

static guint32
current_rgba (TafelToolbar *self)
{
  const char *key = color_key (current_tool (self));
  g_autofree char *text = NULL;
  guint32 rgba = 0x000000ff;

  if (key == NULL)
    return 0x77767bff;

  text = g_settings_get_string (self->settings, key);
  if (!tafel_color_parse (text, &rgba))
    rgba = 0x000000ff;
  return rgba;
}

static double
preview_diameter (const WidthKind *kind,
                  double           width)
{
  /* Dots grow with the width, scaled so the largest preset fills the button. */
  return MAX (2.0, PREVIEW_MAX * sqrt (width / kind->presets[3]));
}

static void
rebuild_presets (TafelToolbar *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->presets_box))) != NULL)
    gtk_box_remove (self->presets_box, child);

  if (self->width_kind == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (self->width_kind->presets); i++)
    {
      double width = self->width_kind->presets[i];
      g_autofree char *tooltip = g_strdup_printf ("%g", width);
      GtkWidget *button = gtk_toggle_button_new ();
      GtkWidget *swatch = tafel_swatch_new (current_rgba (self),
                                            preview_diameter (self->width_kind, width));

      gtk_widget_set_size_request (swatch, 24, 24);
      gtk_button_set_child (GTK_BUTTON (button), swatch);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                      -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "toolbar.width");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_double (width));
      gtk_box_append (self->presets_box, button);
    }
}

static void
update (TafelToolbar *self)
{
  TafelCanvasTool tool = current_tool (self);
  const WidthKind *kind = width_kind (tool);
  const char *ckey = color_key (tool);
  guint32 rgba = current_rgba (self);
  GAction *action;

  self->updating = TRUE;

  gtk_widget_set_sensitive (GTK_WIDGET (self->color_button), ckey != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->width_button), kind != NULL);
  tafel_swatch_set_rgba (self->color_swatch, rgba);
  tafel_swatch_set_rgba (self->width_swatch, rgba);

  action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "color");
  if (ckey != NULL)
    {
      g_autofree char *normal = tafel_color_to_string (rgba);
      g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (normal));
    }
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), ckey != NULL);

  if (kind != self->width_kind)
    {
      self->width_kind = kind;
      rebuild_presets (self);
      if (kind != NULL)
        {
          gtk_widget_set_tooltip_text (GTK_WIDGET (self->width_button), _(kind->label));
          gtk_accessible_update_property (GTK_ACCESSIBLE (self->width_button),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, _(kind->label),
                                          -1);
        }
    }
  else
    {
      /* The preset dots take the ink colour. */
      for (GtkWidget *b = gtk_widget_get_first_child (GTK_WIDGET (self->presets_box));
           b != NULL; b = gtk_widget_get_next_sibling (b))
        tafel_swatch_set_rgba (TAFEL_SWATCH (gtk_button_get_child (GTK_BUTTON (b))), rgba);
    }

  action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "width");
  if (kind != NULL)
    {
      double width = g_settings_get_double (self->settings, kind->key);

      g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_double (width));
      tafel_swatch_set_diameter (self->width_swatch, preview_diameter (kind, width));
      /* The slider moves on a log scale: fine steps for thin lines. */
      gtk_adjustment_configure (self->width_adjustment, log (width),
                                log (kind->lower), log (kind->upper),
                                0.01, 0.1, 0);
    }
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), kind != NULL);

  self->updating = FALSE;
}

static void
on_settings_changed (GSettings    *settings,
                     const char   *key,
                     TafelToolbar *self)
{
  update (self);
}

static void
color_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  TafelToolbar *self = user_data;
  const char *key = color_key (current_tool (self));
  guint32 rgba;

  if (key == NULL || !tafel_color_parse (g_variant_get_string (parameter, NULL), &rgba))
    return;

  g_settings_set_string (self->settings, key, g_variant_get_string (parameter, NULL));
  gtk_menu_button_popdown (self->color_button);
}

static void
width_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  TafelToolbar *self = user_data;

  if (self->width_kind == NULL)
    return;

  g_settings_set_double (self->settings, self->width_kind->key,
                         CLAMP (g_variant_get_double (parameter),
                                self->width_kind->lower, self->width_kind->upper));
}

static void
on_custom_color_response (GtkDialog    *dialog,
                          int           response,
                          TafelToolbar *self)
{
  if (response == GTK_RESPONSE_OK)
    {
      const char *key = color_key (current_tool (self));
      GdkRGBA color;

      gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (dialog), &color);
      if (key != NULL)
        {
          guint32 rgba = ((guint32) lround (color.red * 255) << 24) |
                         ((guint32) lround (color.green * 255) << 16) |
                         ((guint32) lround (color.blue * 255) << 8) | 0xff;
          g_autofree char *text = tafel_color_to_string (rgba);

          g_settings_set_string (self->settings, key, text);
        }
    }

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
custom_color_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  TafelToolbar *self = user_data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  guint32 rgba = current_rgba (self);
  GtkWidget *dialog;

  gtk_menu_button_popdown (self->color_button);

  dialog = gtk_color_chooser_dialog_new (_("Custom Colour"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_color_chooser_set_use_alpha (GTK_COLOR_CHOOSER (dialog), FALSE);
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (dialog),
                              &(GdkRGBA) { (rgba >> 24) / 255.f, ((rgba >> 16) & 0xff) / 255.f,
                                           ((rgba >> 8) & 0xff) / 255.f, 1.f });
  /* Open straight on the editor: the palette is what the popover has. */
  g_object_set (dialog, "show-editor", TRUE, NULL);
  g_signal_connect (dialog, "response", G_CALLBACK (on_custom_color_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_width_scale_changed (GtkAdjustment *adjustment,
                        TafelToolbar  *self)
{
  double width;

  if (self->updating || self->width_kind == NULL)
    return;

  /* Two decimals are plenty and keep the setting readable. */
  width = round (exp (gtk_adjustment_get_value (adjustment)) * 100) / 100;
  width = CLAMP (width, self->width_kind->lower, self->width_kind->upper);
  g_settings_set_double (self->settings, self->width_kind->key, width);
}

static char *
format_width (GtkScale *scale,
              double    value,
              gpointer  user_data)
{
  double width = exp (value);

  return g_strdup_printf (width < 10 ? "%.1f" : "%.0f", width);
}

static void
build_tools (TafelToolbar *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      GtkWidget *button = gtk_toggle_button_new ();

      gtk_button_set_icon_name (GTK_BUTTON (button), tools[i].icon_name);
      gtk_widget_add_css_class (button, "flat");
      /* Clicking a tool leaves the keyboard focus on the canvas, so Space
       * and the tool keys keep working there. */
      gtk_widget_set_focus_on_click (button, FALSE);
      gtk_widget_set_tooltip_text (button, _(tools[i].tooltip));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _(tools[i].label),
                                      -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.tool");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                              g_variant_new_string (tafel_canvas_tool_to_nick (tools[i].tool)));
      gtk_flow_box_insert (self->tools_box, button, i);
    }

  /* The buttons take the focus, not the cells around them. */
  for (GtkWidget *cell = gtk_widget_get_first_child (GTK_WIDGET (self->tools_box));
       cell != NULL; cell = gtk_widget_get_next_sibling (cell))
    gtk_widget_set_focusable (cell, FALSE);
}

static void
build_palette (TafelToolbar *self)
{
  const TafelPaletteEntry *palette;
  guint n;

  palette = tafel_color_get_palette (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = tafel_color_to_string (palette[i].rgba);
      GtkWidget *button = gtk_toggle_button_new ();

      gtk_button_set_child (GTK_BUTTON (button), tafel_swatch_new (palette[i].rgba, 0));
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "tafel-palette-swatch");
      gtk_widget_set_tooltip_text (button, _(palette[i].name));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _(palette[i].name),
                                      -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "toolbar.color");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (text));
      gtk_grid_attach (self->palette_grid, button, i % 5, i / 5, 1, 1);
    }
}

static void
tafel_toolbar_dispose (GObject *object)
{
  TafelToolbar *self = TAFEL_TOOLBAR (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->actions);

  gtk_widget_dispose_template (GTK_WIDGET (self), TAFEL_TYPE_TOOLBAR);

  G_OBJECT_CLASS (tafel_toolbar_parent_class)->dispose (object);
}

static void
tafel_toolbar_class_init (TafelToolbarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tafel_toolbar_dispose;

  g_type_ensure (TAFEL_TYPE_SWATCH);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/tafel-toolbar.ui");
  gtk_widget_class_bind_template_child (widget_class, TafelToolbar, tools_box);
  gtk_widget_class_bind_template_child (widget_class, TafelToolbar, color_button);
  gtk_widget_class_bind_template_child (widget_class, TafelToolbar, width_button);
  gtk_widget_class_bind_template_child (widget_class, TafelToolbar, color_swatch);
  gtk_widget_class_bind_template_child (widget_class, TafelToolbar, width_swatch);
  gtk_widget_class_bind_template_child (widget_class, TafelToolbar, palette_grid);
  gtk_widget_class_bind_template_child (widget_class, TafelToolbar, presets_box);
  gtk_widget_class_bind_template_child (widget_class, TafelToolbar, width_scale);
  gtk_widget_class_bind_template_child (widget_class, TafelToolbar, width_adjustment);
}

static void
tafel_toolbar_init (TafelToolbar *self)
{
  static const GActionEntry entries[] = {
    { "color", color_activated, "s", "''", NULL },
    { "width", width_activated, "d", "0.0", NULL },
    { "custom-color", custom_color_activated },
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (SCHEMA_ID);
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), entries, G_N_ELEMENTS (entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "toolbar", G_ACTION_GROUP (self->actions));

  build_tools (self);
  build_palette (self);
  gtk_scale_set_format_value_func (self->width_scale, format_width, NULL, NULL);
  g_signal_connect (self->width_adjustment, "value-changed", G_CALLBACK (on_width_scale_changed), self);
  g_signal_connect (self->settings, "changed", G_CALLBACK (on_settings_changed), self);

  update (self);
}

GtkWidget *
tafel_toolbar_new (void)
{
  return g_object_new (TAFEL_TYPE_TOOLBAR, NULL);
}
