/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-invite.h"
#include "tafel-test-util.h"

#define FIXTURE_SECRET "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"

static char *
fixtures_dir (void)
{
  return g_build_filename (g_getenv ("TAFEL_SOURCE_ROOT"), "tests", "fixtures", "invites", NULL);
}

static void
test_fixture (gconstpointer data)
{
  const char *path = data;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelInvite) invite = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  invite = tafel_invite_parse (contents, &error);

  if (g_str_has_prefix (base, "y_"))
    {
      g_autofree char *again = NULL;
      g_autoptr(TafelInvite) reparsed = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (invite);
      for (guint i = 0; i < TAFEL_BOARD_SECRET_BYTES; i++)
        g_assert_cmpuint (invite->secret[i], ==, i);

      /* What we print, we read back to the same invite. */
      again = tafel_invite_to_string (invite);
      reparsed = tafel_invite_parse (again, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (reparsed->board_id, TAFEL_BOARD_ID_BYTES, invite->board_id, TAFEL_BOARD_ID_BYTES);
      g_assert_cmpmem (reparsed->secret, TAFEL_BOARD_SECRET_BYTES, invite->secret, TAFEL_BOARD_SECRET_BYTES);
      g_assert_cmpstr (reparsed->title, ==, invite->title);
      g_assert_cmpstrv (reparsed->brokers, invite->brokers);
    }
  else if (g_str_has_prefix (base, "n_"))
    {
      g_assert_null (invite);
      g_assert_error (error, TAFEL_INVITE_ERROR, error->code);
      g_test_message ("%s: %s", base, error->message);
      /* An error for a person: a sentence, and never the secret. */
      g_assert_cmpuint (strlen (error->message), >, 10);
      g_assert_null (strstr (error->message, FIXTURE_SECRET));
      g_assert_null (strstr (error->message, "AAECAwQFBgcICQoL"));
    }
  else
    {
      g_assert_true ((invite == NULL) == (error != NULL));
    }
}

static void
test_expected_codes (void)
{
  static const struct { const char *file; TafelInviteError code; } cases[] = {
    { "n_https.txt", TAFEL_INVITE_ERROR_NOT_A_LINK },
    { "n_newer_version.txt", TAFEL_INVITE_ERROR_VERSION },
    { "n_short_id.txt", TAFEL_INVITE_ERROR_BOARD_ID },
    { "n_uppercase_id.txt", TAFEL_INVITE_ERROR_BOARD_ID },
    { "n_no_secret.txt", TAFEL_INVITE_ERROR_SECRET },
    { "n_truncated_secret.txt", TAFEL_INVITE_ERROR_SECRET },
    { "n_noncanonical_secret.txt", TAFEL_INVITE_ERROR_SECRET },
    { "n_bad_broker_scheme.txt", TAFEL_INVITE_ERROR_BROKER },
    { "n_broker_with_password.txt", TAFEL_INVITE_ERROR_BROKER },
    { "n_unknown_param.txt", TAFEL_INVITE_ERROR_PARAMETER },
    { "n_two_titles.txt", TAFEL_INVITE_ERROR_PARAMETER },
  };
  g_autofree char *dir = fixtures_dir ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (dir, cases[i].file, NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(TafelInvite) invite = NULL;

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      invite = tafel_invite_parse (contents, &error);
      g_assert_null (invite);
      g_assert_error (error, TAFEL_INVITE_ERROR, (int) cases[i].code);
    }
}

/* Only a link from a later version is called newer; v0, v01 and v1x are
 * no version at all. */
static void
test_version_messages (void)
{
  static const struct { const char *file; const char *says; } cases[] = {
    { "n_newer_version.txt", "newer version" },
    { "n_version_zero.txt", "not a valid Tafel link version" },
    { "n_version_suffix.txt", "not a valid Tafel link version" },
    { "n_version_leading_zero.txt", "not a valid Tafel link version" },
  };
  g_autofree char *dir = fixtures_dir ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (dir, cases[i].file, NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(TafelInvite) invite = NULL;

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      invite = tafel_invite_parse (contents, &error);
      g_assert_null (invite);
      g_assert_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_VERSION);
      if (strstr (error->message, cases[i].says) == NULL)
        g_error ("%s: “%s” does not say “%s”", cases[i].file, error->message, cases[i].says);
    }
}

static void
test_round_trip_random (void)
{
  static const char *titles[] = { NULL, "", "Math 9b", "Tafel & Kreide #1 ?=%", "日本語のボード" };

  for (guint round = 0; round < 500; round++)
    {
      guint8 id[TAFEL_BOARD_ID_BYTES], secret[TAFEL_BOARD_SECRET_BYTES];
      const char *brokers_all[] = { "mqtt://127.0.0.1:1883", "mqtts://broker.example.org", NULL };
      const char * const *brokers = (round % 3 == 0) ? NULL : brokers_all + (round % 2);
      g_autoptr(TafelInvite) invite = NULL;
      g_autoptr(TafelInvite) parsed = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *link = NULL;
      const char *title = titles[round % G_N_ELEMENTS (titles)];

      tafel_random_bytes (id, sizeof id);
      tafel_random_bytes (secret, sizeof secret);
      invite = tafel_invite_new (id, secret, title, brokers);
      link = tafel_invite_to_string (invite);
      parsed = tafel_invite_parse (link, &error);
      g_assert_no_error (error);

      g_assert_cmpmem (parsed->board_id, sizeof id, id, sizeof id);
      g_assert_cmpmem (parsed->secret, sizeof secret, secret, sizeof secret);
      g_assert_cmpstr (parsed->title, ==, (title != NULL && *title != '\0') ? title : NULL);
      g_assert_cmpuint (g_strv_length (parsed->brokers), ==, brokers ? g_strv_length ((char **) brokers) : 0);
    }
}

static void
test_broker_urls (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tafel_broker_url_check ("mqtt://localhost:1883", &error));
  g_assert_no_error (error);
  g_assert_true (tafel_broker_url_check ("mqtts://broker.example.org", &error));
  g_assert_no_error (error);
  g_assert_true (tafel_broker_url_check ("mqtt://[::1]:1883/", &error));
  g_assert_no_error (error);

  g_assert_false (tafel_broker_url_check ("localhost:1883", &error));
  g_assert_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_BROKER);
  g_clear_error (&error);
  g_assert_false (tafel_broker_url_check ("ws://broker.example.org", &error));
  g_assert_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_BROKER);
  g_clear_error (&error);
  g_assert_false (tafel_broker_url_check ("mqtt://broker.example.org:70000", &error));
  g_assert_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_BROKER);
  g_clear_error (&error);
  g_assert_false (tafel_broker_url_check ("mqtt://broker.example.org/?q", &error));
  g_assert_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_BROKER);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = NULL;
  g_autoptr(GDir) gdir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  tafel_test_init (&argc, &argv);

  dir = fixtures_dir ();
  gdir = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (gdir);
  while ((name = g_dir_read_name (gdir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (names->len, >, 20);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *test_path = g_strdup_printf ("/tafel/invite/fixture/%s", (char *) names->pdata[i]);
      char *path = g_build_filename (dir, names->pdata[i], NULL);

      g_test_add_data_func_full (test_path, path, test_fixture, g_free);
    }

  g_test_add_func ("/tafel/invite/expected-codes", test_expected_codes);
  g_test_add_func ("/tafel/invite/version-messages", test_version_messages);
  g_test_add_func ("/tafel/invite/round-trip-random", test_round_trip_random);
  g_test_add_func ("/tafel/invite/broker-urls", test_broker_urls);

  return g_test_run ();
}
