/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tafel-person.h"

struct _TafelPerson
{
  GObject         parent_instance;

  TafelPublicKey  key;
  gboolean        is_self;
  char           *name;
  guint32         rgba;
  gboolean        online;
  char           *path;
};

G_DEFINE_FINAL_TYPE (TafelPerson, tafel_person, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_RGBA,
  PROP_IS_SELF,
  PROP_ONLINE,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

TafelPerson *
tafel_person_new (const TafelPublicKey *key,
                  gboolean              is_self)
{
  TafelPerson *self;

  g_return_val_if_fail (key != NULL, NULL);

  self = g_object_new (TAFEL_TYPE_PERSON, NULL);
  self->key = *key;
  self->is_self = is_self;
  self->name = tafel_person_fallback_name (key);
  self->rgba = tafel_person_color_for_key (key);
  return self;
}

const TafelPublicKey *
tafel_person_get_key (TafelPerson *self)
{
  g_return_val_if_fail (TAFEL_IS_PERSON (self), NULL);
  return &self->key;
}

gboolean
tafel_person_get_is_self (TafelPerson *self)
{
  g_return_val_if_fail (TAFEL_IS_PERSON (self), FALSE);
  return self->is_self;
}

const char *
tafel_person_get_name (TafelPerson *self)
{
  g_return_val_if_fail (TAFEL_IS_PERSON (self), NULL);
  return self->name;
}

guint32
tafel_person_get_rgba (TafelPerson *self)
{
  g_return_val_if_fail (TAFEL_IS_PERSON (self), 0);
  return self->rgba;
}

gboolean
tafel_person_get_online (TafelPerson *self)
{
  g_return_val_if_fail (TAFEL_IS_PERSON (self), FALSE);
  return self->online;
}

const char *
tafel_person_get_path (TafelPerson *self)
{
  g_return_val_if_fail (TAFEL_IS_PERSON (self), NULL);
  return self->path;
}

gboolean
tafel_person_update (TafelPerson *self,
                     const char  *name,
                     guint32      rgba,
                     gboolean     online,
                     const char  *path)
{
  gboolean changed = FALSE;

  g_return_val_if_fail (TAFEL_IS_PERSON (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->name, name) != 0)
    {
      g_free (self->name);
      self->name = g_strdup (name);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
      changed = TRUE;
    }
  if (self->rgba != rgba)
    {
      self->rgba = rgba;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RGBA]);
      changed = TRUE;
    }
  if (self->online != !!online)
    {
      self->online = !!online;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
      changed = TRUE;
    }
  if (g_strcmp0 (self->path, path) != 0)
    {
      g_free (self->path);
      self->path = g_strdup (path);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
      changed = TRUE;
    }
  g_object_thaw_notify (G_OBJECT (self));

  return changed;
}

/* ---- Names and colours --------------------------------------------------- */

char *
tafel_person_default_name (void)
{
  const char *real = g_get_real_name ();

  /* GLib says "Unknown" when the password database has no real name. */
  if (real != NULL && *real != '\0' && !g_str_equal (real, "Unknown"))
    return g_strdup (real);
  return g_strdup (g_get_user_name ());
}

static double
hue_to_rgb (double p,
            double q,
            double t)
{
  if (t < 0)
    t += 1;
  if (t > 1)
    t -= 1;
  if (t < 1.0 / 6)
    return p + (q - p) * 6 * t;
  if (t < 1.0 / 2)
    return q;
  if (t < 2.0 / 3)
    return p + (q - p) * (2.0 / 3 - t) * 6;
  return p;
}

guint32
tafel_person_color_for_key (const TafelPublicKey *key)
{
  TafelHash hash;
  double h, s = 0.70, l = 0.45, q, p;
  guint32 bits;

  g_return_val_if_fail (key != NULL, 0x000000ff);

  /* The key's hash, not its first bytes, picks the hue. */
  tafel_hash (&hash, key->bytes, sizeof key->bytes);
  bits = ((guint32) hash.bytes[0] << 8) | hash.bytes[1];
  h = bits / 65536.0;

  q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  p = 2 * l - q;
  return ((guint32) lround (hue_to_rgb (p, q, h + 1.0 / 3) * 255) << 24) |
         ((guint32) lround (hue_to_rgb (p, q, h) * 255) << 16) |
         ((guint32) lround (hue_to_rgb (p, q, h - 1.0 / 3) * 255) << 8) |
         0xff;
}

char *
tafel_person_fallback_name (const TafelPublicKey *key)
{
  g_autofree char *hex = NULL;

  g_return_val_if_fail (key != NULL, NULL);

  hex = tafel_hex_encode (key->bytes, TAFEL_PUBLIC_KEY_BYTES);
  /* Translators: someone who has not set a name; %s is the start of their key */
  return g_strdup_printf (_("Anonymous %.6s"), hex);
}

/* ---- GObject ------------------------------------------------------------- */

static void
tafel_person_finalize (GObject *object)
{
  TafelPerson *self = TAFEL_PERSON (object);

  g_free (self->name);
  g_free (self->path);

  G_OBJECT_CLASS (tafel_person_parent_class)->finalize (object);
}

static void
tafel_person_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TafelPerson *self = TAFEL_PERSON (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_RGBA:
      g_value_set_uint (value, self->rgba);
      break;
    case PROP_IS_SELF:
      g_value_set_boolean (value, self->is_self);
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tafel_person_class_init (TafelPersonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tafel_person_finalize;
  object_class->get_property = tafel_person_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RGBA] =
    g_param_spec_uint ("rgba", NULL, NULL, 0, G_MAXUINT32, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IS_SELF] =
    g_param_spec_boolean ("is-self", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tafel_person_init (TafelPerson *self)
{
}
