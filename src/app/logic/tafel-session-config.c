/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tafel-invite.h"
#include "tafel-session-config.h"

/* A string setting, %NULL when empty. */
static char *
get_string (GSettings  *settings,
            const char *key)
{
  g_autofree char *value = g_strstrip (g_settings_get_string (settings, key));

  return *value != '\0' ? g_steal_pointer (&value) : NULL;
}

static char **
local_addresses_from_env (void)
{
  const char *value = g_getenv (TAFEL_LOCAL_ADDRESSES_ENV);
  g_auto(GStrv) parts = NULL;
  GPtrArray *out;

  if (value == NULL)
    return NULL;

  parts = g_strsplit_set (value, ", \t\n", -1);
  out = g_ptr_array_new ();
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_ptr_array_add (out, g_strdup (parts[i]));
  if (out->len == 0)
    {
      g_ptr_array_free (out, TRUE);
      return NULL;
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

TafelSessionConfig *
tafel_session_config_new (GSettings          *settings,
                          const char * const *hints)
{
  TafelSessionConfig *config;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  config = g_new0 (TafelSessionConfig, 1);

  /* The broker the board was shared through is where its people meet,
   * whatever this device uses for its own new boards. */
  for (guint i = 0; hints != NULL && hints[i] != NULL && config->broker_url == NULL; i++)
    if (tafel_broker_url_check (hints[i], NULL))
      config->broker_url = g_strdup (hints[i]);
  if (config->broker_url == NULL)
    config->broker_url = get_string (settings, "broker-url");
  config->broker_username = get_string (settings, "broker-username");
  config->broker_password = get_string (settings, "broker-password");
  config->lan = g_settings_get_boolean (settings, "lan-discovery");
  config->stun = get_string (settings, "stun-server");
  config->turn = get_string (settings, "turn-server");
  config->turn_username = get_string (settings, "turn-username");
  config->turn_password = get_string (settings, "turn-password");
  config->local_addresses = local_addresses_from_env ();

  return config;
}

void
tafel_session_config_get_options (const TafelSessionConfig *config,
                                  TafelSessionOptions      *options)
{
  g_return_if_fail (config != NULL);
  g_return_if_fail (options != NULL);

  *options = (TafelSessionOptions) {
    .broker_url = config->broker_url,
    .broker_username = config->broker_username,
    .broker_password = config->broker_password,
    .lan = config->lan,
    .stun = config->stun,
    .turn = config->turn,
    .turn_username = config->turn_username,
    .turn_password = config->turn_password,
    .local_addresses = (const char * const *) config->local_addresses,
  };
}

static gboolean
strv_equal0 (char **a,
             char **b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strv_equal ((const char * const *) a, (const char * const *) b);
}

gboolean
tafel_session_config_equal (const TafelSessionConfig *a,
                            const TafelSessionConfig *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return g_strcmp0 (a->broker_url, b->broker_url) == 0 &&
         g_strcmp0 (a->broker_username, b->broker_username) == 0 &&
         g_strcmp0 (a->broker_password, b->broker_password) == 0 &&
         a->lan == b->lan &&
         g_strcmp0 (a->stun, b->stun) == 0 &&
         g_strcmp0 (a->turn, b->turn) == 0 &&
         g_strcmp0 (a->turn_username, b->turn_username) == 0 &&
         g_strcmp0 (a->turn_password, b->turn_password) == 0 &&
         strv_equal0 (a->local_addresses, b->local_addresses);
}

void
tafel_session_config_free (TafelSessionConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->broker_url);
  g_free (config->broker_username);
  g_free (config->broker_password);
  g_free (config->stun);
  g_free (config->turn);
  g_free (config->turn_username);
  g_free (config->turn_password);
  g_strfreev (config->local_addresses);
  g_free (config);
}
