/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <string.h>

#include "tafel-join.h"
#include "tafel-session-config.h"
#include "tafel-test-util.h"

/* Joining by link and going online: the check the Join dialog runs as you
 * type, the rendezvous hints a board keeps, and the session options a
 * board window builds from the settings, its hints and the environment. */

static char *
sample_link (const char * const *brokers)
{
  guint8 id[TAFEL_BOARD_ID_BYTES] = { 1, 2, 3 }, secret[TAFEL_BOARD_SECRET_BYTES] = { 9, 8, 7 };
  g_autoptr(TafelInvite) invite = tafel_invite_new (id, secret, "Plans", brokers);

  return tafel_invite_to_string (invite);
}

static void
test_parse_link (void)
{
  const char *brokers[] = { "mqtt://127.0.0.1:1883", NULL };
  g_autofree char *link = sample_link (brokers);
  g_autofree char *padded = g_strdup_printf ("  %s\n", link);
  g_autofree char *cut = g_strndup (link, strlen (link) - 5);
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelInvite) invite = NULL;

  invite = tafel_join_parse_link (padded, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (invite->title, ==, "Plans");
  g_assert_cmpstr (invite->brokers[0], ==, "mqtt://127.0.0.1:1883");
  g_clear_pointer (&invite, tafel_invite_free);

  /* Nothing yet: the message says what to do. */
  invite = tafel_join_parse_link (" \t\n", &error);
  g_assert_null (invite);
  g_assert_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_NOT_A_LINK);
  g_assert_nonnull (strstr (error->message, "Paste"));
  g_clear_error (&error);

  /* The parser's own reasons come through, for a person to read. */
  invite = tafel_join_parse_link ("https://example.org/board", &error);
  g_assert_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_NOT_A_LINK);
  g_clear_error (&error);
  invite = tafel_join_parse_link (cut, &error);
  g_assert_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_SECRET);
  g_assert_cmpstr (error->message, !=, "");
  g_clear_error (&error);
}

static void
test_merge_brokers (void)
{
  const char *link[] = { "mqtt://b.example:1883", "mqtts://a.example", NULL };
  const char *board[] = { "mqtts://a.example", "not a broker", "mqtt://c.example", NULL };
  const char *many[] = { "mqtt://d.example", "mqtt://e.example", "mqtt://f.example", NULL };
  g_auto(GStrv) merged = tafel_join_merge_brokers (link, board);
  g_auto(GStrv) capped = tafel_join_merge_brokers ((const char * const *) merged, many);
  g_auto(GStrv) none = tafel_join_merge_brokers (NULL, NULL);

  g_assert_cmpstrv (merged, ((const char *[]) { "mqtt://b.example:1883", "mqtts://a.example",
                                                "mqtt://c.example", NULL }));
  g_assert_cmpuint (g_strv_length (capped), ==, TAFEL_INVITE_MAX_BROKERS);
  g_assert_cmpstr (capped[3], ==, "mqtt://d.example");
  g_assert_cmpuint (g_strv_length (none), ==, 0);
}

static GSettings *
memory_settings (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();

  return g_settings_new_with_backend (SCHEMA_ID, backend);
}

static void
test_session_config (void)
{
  g_autoptr(GSettings) settings = memory_settings ();
  const char *hints[] = { "bogus", "mqtt://hint.example:1884", NULL };
  g_autoptr(TafelSessionConfig) plain = NULL;
  g_autoptr(TafelSessionConfig) hinted = NULL;
  g_autoptr(TafelSessionConfig) again = NULL;
  TafelSessionOptions options;

  g_unsetenv (TAFEL_LOCAL_ADDRESSES_ENV);

  /* The defaults: no broker, the LAN beacon, nothing else. */
  plain = tafel_session_config_new (settings, NULL);
  g_assert_null (plain->broker_url);
  g_assert_true (plain->lan);
  g_assert_null (plain->stun);
  g_assert_null (plain->local_addresses);

  g_settings_set_string (settings, "broker-url", "mqtts://mine.example");
  g_settings_set_string (settings, "broker-username", "me");
  g_settings_set_string (settings, "broker-password", "pw");
  g_settings_set_boolean (settings, "lan-discovery", FALSE);
  g_settings_set_string (settings, "stun-server", "stun.example:3478");
  g_settings_set_string (settings, "turn-server", "turn:turn.example?transport=tcp");
  g_settings_set_string (settings, "turn-username", "tu");
  g_settings_set_string (settings, "turn-password", "tp");
  g_setenv (TAFEL_LOCAL_ADDRESSES_ENV, " 127.0.0.1, ::1 ", TRUE);

  /* The broker the board was shared through wins over your own. */
  hinted = tafel_session_config_new (settings, hints);
  g_assert_cmpstr (hinted->broker_url, ==, "mqtt://hint.example:1884");
  again = tafel_session_config_new (settings, NULL);
  g_assert_cmpstr (again->broker_url, ==, "mqtts://mine.example");
  g_assert_false (tafel_session_config_equal (hinted, again));
  g_assert_false (tafel_session_config_equal (plain, again));

  tafel_session_config_get_options (again, &options);
  g_assert_cmpstr (options.broker_url, ==, "mqtts://mine.example");
  g_assert_cmpstr (options.broker_username, ==, "me");
  g_assert_cmpstr (options.broker_password, ==, "pw");
  g_assert_false (options.lan);
  g_assert_cmpstr (options.stun, ==, "stun.example:3478");
  g_assert_cmpstr (options.turn, ==, "turn:turn.example?transport=tcp");
  g_assert_cmpstr (options.turn_username, ==, "tu");
  g_assert_cmpstr (options.turn_password, ==, "tp");
  g_assert_cmpstrv (options.local_addresses, ((const char *[]) { "127.0.0.1", "::1", NULL }));

  /* The same settings make an equal configuration: no restart needed. */
  {
    g_autoptr(TafelSessionConfig) same = tafel_session_config_new (settings, NULL);
    g_assert_true (tafel_session_config_equal (again, same));
    g_settings_set_string (settings, "turn-password", "changed");
    g_clear_pointer (&same, tafel_session_config_free);
    same = tafel_session_config_new (settings, NULL);
    g_assert_false (tafel_session_config_equal (again, same));
  }

  /* A session can be made from it (it is not started: nothing is sent). */
  {
    g_autofree char *dir = g_dir_make_tmp ("tafel-join-XXXXXX", NULL);
    g_autoptr(TafelIdentity) identity = tafel_identity_new_ephemeral ();
    g_autoptr(GError) error = NULL;
    g_autoptr(TafelBoard) board = tafel_board_create (dir, identity, "Config", &error);
    g_autoptr(TafelSession) session = NULL;

    g_assert_no_error (error);
    session = tafel_session_new (board, &options, &error);
    g_assert_no_error (error);
    g_assert_nonnull (session);
  }

  g_unsetenv (TAFEL_LOCAL_ADDRESSES_ENV);
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/join/parse-link", test_parse_link);
  g_test_add_func ("/tafel/join/merge-brokers", test_merge_brokers);
  g_test_add_func ("/tafel/join/session-config", test_session_config);

  return g_test_run ();
}
