/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "tafel-color.h"
#include "tafel-swatch.h"

struct _TafelSwatch
{
  GtkWidget parent_instance;

  guint32   rgba;
  double    diameter;
};

G_DEFINE_FINAL_TYPE (TafelSwatch, tafel_swatch, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RGBA,
  PROP_DIAMETER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tafel_swatch_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  TafelSwatch *self = TAFEL_SWATCH (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double size = MIN (width, height);
  guint32 rgba = self->rgba;
  GskRoundedRect circle;
  GdkRGBA color, border;

  if (self->diameter > 0)
    size = CLAMP (self->diameter, 2.0, size);

  if (adw_style_manager_get_dark (adw_style_manager_get_default ()))
    rgba = tafel_color_for_dark_paper (rgba);

  color = (GdkRGBA) { (rgba >> 24) / 255.f, ((rgba >> 16) & 0xff) / 255.f,
                      ((rgba >> 8) & 0xff) / 255.f, (rgba & 0xff) / 255.f };
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &border);
  border.alpha = 0.25f;

  gsk_rounded_rect_init_from_rect (&circle,
                                   &GRAPHENE_RECT_INIT ((width - size) / 2, (height - size) / 2,
                                                        size, size),
                                   size / 2);
  gtk_snapshot_push_rounded_clip (snapshot, &circle);
  gtk_snapshot_append_color (snapshot, &color, &circle.bounds);
  gtk_snapshot_pop (snapshot);

  /* Only a dot large enough gets an outline, so that pale colours still
   * show on pale buttons but thin width previews stay crisp. */
  if (size >= 8)
    gtk_snapshot_append_border (snapshot, &circle,
                                (float[4]) { 1, 1, 1, 1 },
                                (GdkRGBA[4]) { border, border, border, border });
}

static void
on_dark_changed (TafelSwatch *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GtkWidget *
tafel_swatch_new (guint32 rgba,
                  double  diameter)
{
  return g_object_new (TAFEL_TYPE_SWATCH,
                       "rgba", rgba,
                       "diameter", diameter,
                       NULL);
}

guint32
tafel_swatch_get_rgba (TafelSwatch *self)
{
  g_return_val_if_fail (TAFEL_IS_SWATCH (self), 0);

  return self->rgba;
}

void
tafel_swatch_set_rgba (TafelSwatch *self,
                       guint32      rgba)
{
  g_return_if_fail (TAFEL_IS_SWATCH (self));

  if (self->rgba == rgba)
    return;

  self->rgba = rgba;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RGBA]);
}

double
tafel_swatch_get_diameter (TafelSwatch *self)
{
  g_return_val_if_fail (TAFEL_IS_SWATCH (self), 0);

  return self->diameter;
}

void
tafel_swatch_set_diameter (TafelSwatch *self,
                           double       diameter)
{
  g_return_if_fail (TAFEL_IS_SWATCH (self));

  if (self->diameter == diameter)
    return;

  self->diameter = diameter;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIAMETER]);
}

static void
tafel_swatch_dispose (GObject *object)
{
  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), object);

  G_OBJECT_CLASS (tafel_swatch_parent_class)->dispose (object);
}

static void
tafel_swatch_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TafelSwatch *self = TAFEL_SWATCH (object);

  switch (prop_id)
    {
    case PROP_RGBA:
      g_value_set_uint (value, self->rgba);
      break;
    case PROP_DIAMETER:
      g_value_set_double (value, self->diameter);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tafel_swatch_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  TafelSwatch *self = TAFEL_SWATCH (object);

  switch (prop_id)
    {
    case PROP_RGBA:
      tafel_swatch_set_rgba (self, g_value_get_uint (value));
      break;
    case PROP_DIAMETER:
      tafel_swatch_set_diameter (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tafel_swatch_class_init (TafelSwatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tafel_swatch_dispose;
  object_class->get_property = tafel_swatch_get_property;
  object_class->set_property = tafel_swatch_set_property;
  widget_class->snapshot = tafel_swatch_snapshot;

  properties[PROP_RGBA] =
    g_param_spec_uint ("rgba", NULL, NULL, 0, G_MAXUINT32, 0x000000ff,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIAMETER] =
    g_param_spec_double ("diameter", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "swatch");
}

static void
tafel_swatch_init (TafelSwatch *self)
{
  self->rgba = 0x000000ff;
  gtk_widget_set_size_request (GTK_WIDGET (self), 20, 20);
  g_signal_connect_swapped (adw_style_manager_get_default (), "notify::dark",
                            G_CALLBACK (on_dark_changed), self);
}
