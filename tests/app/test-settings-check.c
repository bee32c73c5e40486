/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tafel-settings-check.h"
#include "tafel-test-util.h"

typedef gboolean (*CheckFunc) (const char *value, GError **error);

static void
expect (CheckFunc   check,
        const char *value,
        gboolean    valid)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = check (value, &error);

  if (ok != valid)
    g_error ("“%s” should be %s", value, valid ? "accepted" : "refused");
  if (!ok)
    {
      g_assert_error (error, TAFEL_SETTINGS_ERROR, TAFEL_SETTINGS_ERROR_INVALID);
      g_assert_cmpstr (error->message, !=, "");
      g_autofree char *escaped = g_strescape (value, NULL);
      g_test_message ("%s → %s", escaped, error->message);
    }
  else
    g_assert_no_error (error);
}

static void
test_check_broker (void)
{
  CheckFunc f = tafel_settings_check_broker_url;

  expect (f, "", TRUE);
  expect (f, "mqtt://localhost", TRUE);
  expect (f, "mqtt://localhost:1883", TRUE);
  expect (f, "mqtts://broker.example.org:8883/", TRUE);
  expect (f, "mqtt://127.0.0.1:1883", TRUE);
  expect (f, "mqtt://[::1]:1883", TRUE);

  expect (f, "broker.example.org", FALSE);
  expect (f, "http://broker.example.org", FALSE);
  expect (f, "mqtt://", FALSE);
  expect (f, "mqtt://:1883", FALSE);
  expect (f, "mqtt://host:0", FALSE);
  expect (f, "mqtt://host:65536", FALSE);
  expect (f, "mqtt://host:12ab", FALSE);
  expect (f, "mqtt://user:pw@host", FALSE);
  expect (f, "mqtt://host/path", FALSE);
  expect (f, "mqtt://host?x=1", FALSE);
  expect (f, "mqtt://bad_host", FALSE);
  expect (f, "mqtt://-bad.example", FALSE);
  expect (f, "mqtt://a..b", FALSE);
  expect (f, "mqtt://host name", FALSE);
  expect (f, "mqtt://::1:1883", FALSE);
  expect (f, "mqtt://[::1", FALSE);
}

static void
test_check_stun (void)
{
  CheckFunc f = tafel_settings_check_stun_server;

  expect (f, "", TRUE);
  expect (f, "stun.example.org", TRUE);
  expect (f, "stun.example.org:3478", TRUE);
  expect (f, "192.0.2.1:19302", TRUE);
  expect (f, "[2001:db8::1]:3478", TRUE);

  expect (f, "stun:stun.example.org:3478", FALSE);
  expect (f, "stun://stun.example.org", FALSE);
  expect (f, "stun.example.org:", FALSE);
  expect (f, "stun.example.org:99999", FALSE);
  expect (f, "2001:db8::1", FALSE);
  expect (f, "[not-v6]:3478", FALSE);
  expect (f, "[2001:db8::1]x", FALSE);
}

static void
test_check_turn (void)
{
  CheckFunc f = tafel_settings_check_turn_server;

  expect (f, "", TRUE);
  expect (f, "turn:turn.example.org", TRUE);
  expect (f, "turn:turn.example.org:3478", TRUE);
  expect (f, "turns:turn.example.org:5349", TRUE);
  expect (f, "turn:turn.example.org:3478?transport=tcp", TRUE);
  expect (f, "turn:[2001:db8::1]:3478?transport=udp", TRUE);

  expect (f, "turn.example.org:3478", FALSE);
  expect (f, "turn://turn.example.org", FALSE);
  expect (f, "turn:user@turn.example.org", FALSE);
  expect (f, "turn:turn.example.org?transport=sctp", FALSE);
  expect (f, "turn:turn.example.org:3478?foo", FALSE);
  expect (f, "turn:", FALSE);
}

static void
test_check_display_name (void)
{
  CheckFunc f = tafel_settings_check_display_name;
  g_autofree char *long_name = g_strnfill (129, 'a');
  g_autofree char *max_name = g_strnfill (128, 'a');

  expect (f, "", TRUE);
  expect (f, "Ada Lovelace", TRUE);
  expect (f, "Jürgen 🦊", TRUE);
  expect (f, max_name, TRUE);

  expect (f, long_name, FALSE);
  expect (f, "two\nlines", FALSE);
  expect (f, "tab\there", FALSE);
  expect (f, "\xff\xfe", FALSE);
}

int
main (int   argc,
      char *argv[])
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/settings-check/broker", test_check_broker);
  g_test_add_func ("/tafel/settings-check/stun", test_check_stun);
  g_test_add_func ("/tafel/settings-check/turn", test_check_turn);
  g_test_add_func ("/tafel/settings-check/display-name", test_check_display_name);

  return g_test_run ();
}
