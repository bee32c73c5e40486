/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "tafel-invite.h"
#include "tafel-record.h"
#include "tafel-settings-check.h"

G_DEFINE_QUARK (tafel-settings-error-quark, tafel_settings_error)

static gboolean
fail (GError    **error,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError    **error,
      const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    *error = g_error_new_valist (TAFEL_SETTINGS_ERROR, TAFEL_SETTINGS_ERROR_INVALID, format, args);
  va_end (args);

  return FALSE;
}

gboolean
tafel_settings_check_display_name (const char *name,
                                   GError    **error)
{
  g_return_val_if_fail (name != NULL, FALSE);

  if (!g_utf8_validate (name, -1, NULL))
    return fail (error, _("The name is not valid text."));
  if (strlen (name) > TAFEL_NAME_MAX_BYTES)
    return fail (error, _("The name is too long: at most %d bytes."), TAFEL_NAME_MAX_BYTES);
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return fail (error, _("The name must not contain control characters such as line breaks."));

  return TRUE;
}

/* A DNS name (letters, digits, hyphens, dots) or an IP address. */
static gboolean
host_is_valid (const char *host)
{
  gsize label_len = 0;

  if (host == NULL || host[0] == '\0' || strlen (host) > 253)
    return FALSE;
  if (g_hostname_is_ip_address (host))
    return TRUE;

  for (const char *p = host; ; p++)
    {
      if (*p == '.' || *p == '\0')
        {
          if (label_len == 0 || label_len > 63 || p[-1] == '-')
            return FALSE;
          if (*p == '\0')
            return TRUE;
          label_len = 0;
          continue;
        }
      if (!g_ascii_isalnum (*p) && !(*p == '-' && label_len > 0))
        return FALSE;
      label_len++;
    }
}

static gboolean
check_port (const char *text,
            GError    **error)
{
  char *end = NULL;
  guint64 port;

  if (text[0] == '\0' || !g_ascii_isdigit (text[0]))
    return fail (error, _("The port must be a number from 1 to 65535."));
  port = g_ascii_strtoull (text, &end, 10);
  if (*end != '\0' || port < 1 || port > 65535)
    return fail (error, _("The port must be a number from 1 to 65535."));

  return TRUE;
}

/* Splits "host", "host:port", "[v6]" or "[v6]:port". */
static gboolean
check_host_port (const char *text,
                 GError    **error)
{
  g_autofree char *host = NULL;
  const char *port = NULL;

  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');

      if (close == NULL)
        return fail (error, _("An IPv6 address needs a closing “]”."));
      host = g_strndup (text + 1, close - text - 1);
      if (!g_hostname_is_ip_address (host) || strchr (host, ':') == NULL)
        return fail (error, _("“%s” is not an IPv6 address."), host);
      if (close[1] == ':')
        port = close + 2;
      else if (close[1] != '\0')
        return fail (error, _("Only “:port” may follow the address."));
    }
  else
    {
      const char *colon = strchr (text, ':');

      if (colon != NULL && strchr (colon + 1, ':') != NULL)
        return fail (error, _("Write an IPv6 address in brackets, like [2001:db8::1]:3478."));
      host = colon != NULL ? g_strndup (text, colon - text) : g_strdup (text);
      if (colon != NULL)
        port = colon + 1;
      if (host[0] == '\0')
        return fail (error, _("The server name is missing."));
      if (!host_is_valid (host))
        return fail (error, _("“%s” is not a valid server name or address."), host);
    }

  if (port != NULL && !check_port (port, error))
    return FALSE;

  return TRUE;
}

static gboolean
has_space (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isspace (*p))
      return TRUE;
  return FALSE;
}

gboolean
tafel_settings_check_broker_url (const char *url,
                                 GError    **error)
{
  g_autofree char *hostport = NULL;
  const char *rest, *end;

  g_return_val_if_fail (url != NULL, FALSE);

  if (url[0] == '\0')
    return TRUE;
  if (has_space (url))
    return fail (error, _("The address must not contain spaces."));

  if (g_str_has_prefix (url, "mqtt://"))
    rest = url + strlen ("mqtt://");
  else if (g_str_has_prefix (url, "mqtts://"))
    rest = url + strlen ("mqtts://");
  else
    return fail (error, _("The address must start with mqtt:// or, for an encrypted connection, mqtts://."));

  if (strchr (rest, '@') != NULL)
    return fail (error, _("Put the user name and password in their own fields, not in the address."));
  /* A trailing slash is harmless; a path, query or fragment means the
   * address was meant for something else (a web page, a websocket). */
  end = strpbrk (rest, "/?#");
  if (end != NULL && !(end[0] == '/' && end[1] == '\0'))
    return fail (error, _("The address must be only mqtt://host:port, without a path."));

  hostport = end != NULL ? g_strndup (rest, end - rest) : g_strdup (rest);
  if (!check_host_port (hostport, error))
    return FALSE;
  /* The friendly checks above explain the usual mistakes; the core's
   * check is the one every broker address passes, from wherever it comes. */
  {
    g_autoptr(GError) local_error = NULL;

    if (!tafel_broker_url_check (url, &local_error))
      return fail (error, "%s", local_error->message);
  }
  return TRUE;
}

gboolean
tafel_settings_check_stun_server (const char *server,
                                  GError    **error)
{
  g_return_val_if_fail (server != NULL, FALSE);

  if (server[0] == '\0')
    return TRUE;
  if (has_space (server))
    return fail (error, _("The address must not contain spaces."));
  if (strstr (server, "://") != NULL || g_str_has_prefix (server, "stun:"))
    return fail (error, _("Write the STUN server as host:port, like stun.example.org:3478."));

  return check_host_port (server, error);
}

gboolean
tafel_settings_check_turn_server (const char *server,
                                  GError    **error)
{
  g_autofree char *hostport = NULL;
  const char *rest, *query;

  g_return_val_if_fail (server != NULL, FALSE);

  if (server[0] == '\0')
    return TRUE;
  if (has_space (server))
    return fail (error, _("The address must not contain spaces."));

  if (g_str_has_prefix (server, "turn:"))
    rest = server + strlen ("turn:");
  else if (g_str_has_prefix (server, "turns:"))
    rest = server + strlen ("turns:");
  else
    return fail (error, _("The address must start with turn: or, for an encrypted connection, turns:."));

  if (g_str_has_prefix (rest, "//"))
    return fail (error, _("Write turn:host:port, without “//”."));
  if (strchr (rest, '@') != NULL)
    return fail (error, _("Put the user name and password in their own fields, not in the address."));

  query = strchr (rest, '?');
  if (query != NULL)
    {
      if (!g_str_equal (query, "?transport=udp") && !g_str_equal (query, "?transport=tcp"))
        return fail (error, _("Only “?transport=udp” or “?transport=tcp” may follow the address."));
      hostport = g_strndup (rest, query - rest);
    }
  else
    hostport = g_strdup (rest);

  return check_host_port (hostport, error);
}
