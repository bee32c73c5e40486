/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>

static char *
cli_path (void)
{
  return g_build_filename (g_getenv ("TAFEL_BUILD_ROOT"), "src", "cli", "tafel-cli", NULL);
}

static int
run_cli (const char * const *args,
         char              **out,
         char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_ptr_array_add (argv, cli_path ());
  for (; *args != NULL; args++)
    g_ptr_array_add (argv, g_strdup (*args));
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                out, err, &status, &error);
  g_assert_no_error (error);

  return status;
}

static void
test_cli_version (void)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = run_cli ((const char *[]) { "--version", NULL }, &out, &err);

  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_str_has_prefix (out, "tafel-cli " PACKAGE_VERSION " ("));
  g_assert_nonnull (strstr (out, "libsodium"));
}

static void
test_cli_help (void)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = run_cli ((const char *[]) { "--help", NULL }, &out, &err);

  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "tafel-cli"));
  g_assert_nonnull (strstr (out, "--version"));
}

static void
test_cli_unknown_command (void)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = run_cli ((const char *[]) { "frobnicate", NULL }, &out, &err);

  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (out, ==, "");
  /* One line, naming the offending word. */
  g_assert_nonnull (strstr (err, "frobnicate"));
  g_assert_cmpint (strchr (err, '\n') - err, ==, strlen (err) - 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tafel/cli/version", test_cli_version);
  g_test_add_func ("/tafel/cli/help", test_cli_help);
  g_test_add_func ("/tafel/cli/unknown-command", test_cli_unknown_command);

  return g_test_run ();
}
