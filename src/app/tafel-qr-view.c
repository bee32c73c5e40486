/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tafel-qr.h"
#include "tafel-qr-view.h"

/* Pixels a module takes, at least: a link of a few hundred bytes makes a
 * symbol of 60 to 80 modules, some 250 to 330 pixels. */
#define MODULE_PIXELS 4

struct _TafelQrView
{
  GtkWidget    parent_instance;

  char        *text;
  TafelQrCode *qr;
};

G_DEFINE_FINAL_TYPE (TafelQrView, tafel_qr_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
tafel_qr_view_new (void)
{
  return g_object_new (TAFEL_TYPE_QR_VIEW, NULL);
}

void
tafel_qr_view_set_text (TafelQrView *self,
                        const char  *text)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TAFEL_IS_QR_VIEW (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);
  g_clear_pointer (&self->qr, tafel_qr_code_free);
  if (text != NULL)
    {
      self->qr = tafel_qr_code_new (text, &error);
      if (self->qr == NULL)
        g_warning ("%s", error->message);
    }

  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

const char *
tafel_qr_view_get_text (TafelQrView *self)
{
  g_return_val_if_fail (TAFEL_IS_QR_VIEW (self), NULL);

  return self->text;
}

static void
tafel_qr_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  TafelQrView *self = TAFEL_QR_VIEW (widget);
  int side = self->qr != NULL ? (int) self->qr->size * MODULE_PIXELS : 0;

  *minimum = *natural = side;
}

static void
tafel_qr_view_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  TafelQrView *self = TAFEL_QR_VIEW (widget);
  const GdkRGBA light = { 1, 1, 1, 1 }, dark = { 0, 0, 0, 1 };
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  double module, x0, y0;
  guint size;

  if (self->qr == NULL)
    return;

  size = self->qr->size;
  module = MAX (1, floor (MIN (width, height) / (double) size));
  x0 = floor ((width - module * size) / 2);
  y0 = floor ((height - module * size) / 2);

  gtk_snapshot_append_color (snapshot, &light, &GRAPHENE_RECT_INIT (x0, y0, module * size, module * size));

  /* One rectangle per run of dark modules in a row. */
  for (guint y = 0; y < size; y++)
    {
      guint x = 0;

      while (x < size)
        {
          guint start;

          if (!tafel_qr_code_is_dark (self->qr, x, y))
            {
              x++;
              continue;
            }
          start = x;
          while (x < size && tafel_qr_code_is_dark (self->qr, x, y))
            x++;
          gtk_snapshot_append_color (snapshot, &dark,
                                     &GRAPHENE_RECT_INIT (x0 + start * module, y0 + y * module,
                                                          (x - start) * module, module));
        }
    }
}

static void
tafel_qr_view_finalize (GObject *object)
{
  TafelQrView *self = TAFEL_QR_VIEW (object);

  g_free (self->text);
  g_clear_pointer (&self->qr, tafel_qr_code_free);

  G_OBJECT_CLASS (tafel_qr_view_parent_class)->finalize (object);
}

static void
tafel_qr_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, TAFEL_QR_VIEW (object)->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tafel_qr_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_TEXT:
      tafel_qr_view_set_text (TAFEL_QR_VIEW (object), g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tafel_qr_view_class_init (TafelQrViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tafel_qr_view_finalize;
  object_class->get_property = tafel_qr_view_get_property;
  object_class->set_property = tafel_qr_view_set_property;
  widget_class->measure = tafel_qr_view_measure;
  widget_class->snapshot = tafel_qr_view_snapshot;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "qrcode");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tafel_qr_view_init (TafelQrView *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("QR code of the invite link"),
                                  -1);
}
