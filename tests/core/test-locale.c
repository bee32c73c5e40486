/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include <glib/gstdio.h>

#include "tafel-core.h"
#include "tafel-test-util.h"

/* Run from its build tree, a program takes the catalogues built there. */
static void
test_build_tree (void)
{
  g_autofree char *root = g_dir_make_tmp ("tafel-locale-XXXXXX", NULL);
  g_autofree char *po = g_build_filename (root, "po", NULL);
  g_autofree char *exe = g_build_filename (root, "src", "app", "tafel", NULL);
  g_autofree char *dir = NULL;

  g_assert_cmpint (g_mkdir (po, 0700), ==, 0);
  dir = tafel_locale_dir_for (exe, root, "/usr/share/locale");
  g_assert_cmpstr (dir, ==, po);

  g_assert_cmpint (g_rmdir (po), ==, 0);
  g_assert_cmpint (g_rmdir (root), ==, 0);
}

/* Installed, it takes the installed ones; a folder whose name merely
 * begins like the build folder's is not in it; a build tree without
 * catalogues (never built) has none to offer. */
static void
test_installed (void)
{
  g_autofree char *root = g_dir_make_tmp ("tafel-locale-XXXXXX", NULL);
  g_autofree char *po = g_build_filename (root, "po", NULL);
  g_autofree char *sibling = g_strconcat (root, "-other/src/app/tafel", NULL);
  g_autofree char *inside = g_build_filename (root, "src", "app", "tafel", NULL);
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

  a = tafel_locale_dir_for ("/usr/bin/tafel", root, "/usr/share/locale");
  g_assert_cmpstr (a, ==, "/usr/share/locale");
  b = tafel_locale_dir_for (inside, root, "/usr/share/locale");
  g_assert_cmpstr (b, ==, "/usr/share/locale");

  g_assert_cmpint (g_mkdir (po, 0700), ==, 0);
  c = tafel_locale_dir_for (sibling, root, "/app/share/locale");
  g_assert_cmpstr (c, ==, "/app/share/locale");
  d = tafel_locale_dir_for (NULL, root, "/app/share/locale");
  g_assert_cmpstr (d, ==, "/app/share/locale");

  g_assert_cmpint (g_rmdir (po), ==, 0);
  g_assert_cmpint (g_rmdir (root), ==, 0);
}

/* This very build: its programs find a German catalogue that the build
 * compiled, and it translates. */
static void
test_this_build (void)
{
  g_autofree char *exe = g_build_filename (BUILD_ROOT, "src", "app", "tafel", NULL);
  g_autofree char *dir = tafel_locale_dir_for (exe, BUILD_ROOT, LOCALEDIR);
  g_autofree char *mo = g_build_filename (dir, "de", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  g_autofree char *po = g_build_filename (BUILD_ROOT, "po", NULL);
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (dir, ==, po);
  file = g_mapped_file_new (mo, FALSE, &error);
  g_assert_no_error (error);
  /* A gettext catalogue, in either byte order. */
  g_assert_cmpuint (g_mapped_file_get_length (file), >, 28);
  g_assert_true (memcmp (g_mapped_file_get_contents (file), "\xde\x12\x04\x95", 4) == 0 ||
                 memcmp (g_mapped_file_get_contents (file), "\x95\x04\x12\xde", 4) == 0);
  /* The string the window of a new board is titled with, in German.
   * LANGUAGE works in any locale but plain C. */
  if (setlocale (LC_ALL, "C.UTF-8") == NULL)
    {
      g_test_skip ("the C.UTF-8 locale is missing");
      return;
    }
  g_setenv ("LANGUAGE", "de", TRUE);
  g_assert_nonnull (bindtextdomain (GETTEXT_PACKAGE, dir));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "Untitled Board"), ==, "Unbenannte Tafel");
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/locale/build-tree", test_build_tree);
  g_test_add_func ("/tafel/locale/installed", test_installed);
  g_test_add_func ("/tafel/locale/this-build", test_this_build);

  return g_test_run ();
}
