/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <sodium.h>

#include "tafel-core.h"

/**
 * tafel_core_init:
 * @error: return location for a #GError
 *
 * Prepares the core for use: initialises libsodium, which picks the fastest
 * implementation of each primitive for this CPU and seeds its random number
 * generator. Safe to call more than once.
 *
 * Returns: %TRUE on success
 */
gboolean
tafel_core_init (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "The cryptography library could not be initialised");
      return FALSE;
    }

  return TRUE;
}

/**
 * tafel_locale_dir_for:
 * @executable: the program's own path, symbolic links resolved
 * @build_root: the meson build folder it was built in
 * @installed: the locale folder of the installation
 *
 * Where the program's translations are. Run from the build tree (`./run`,
 * or `build/src/app/tafel` by hand), before any `meson install`, the
 * catalogues are the ones the build compiled into `BUILD/po`; the
 * installed folder may hold none, or older ones. Installed, or in a
 * Flatpak, the program is outside its build tree.
 *
 * Returns: (transfer full): the folder to pass to bindtextdomain()
 */
char *
tafel_locale_dir_for (const char *executable,
                      const char *build_root,
                      const char *installed)
{
  g_autofree char *prefix = NULL;
  g_autofree char *po = NULL;

  g_return_val_if_fail (installed != NULL, NULL);

  if (executable == NULL || build_root == NULL || *build_root == '\0')
    return g_strdup (installed);

  prefix = g_str_has_suffix (build_root, G_DIR_SEPARATOR_S) ? g_strdup (build_root)
                                                            : g_strconcat (build_root, G_DIR_SEPARATOR_S, NULL);
  po = g_build_filename (build_root, "po", NULL);
  if (g_str_has_prefix (executable, prefix) && g_file_test (po, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&po);
  return g_strdup (installed);
}

/**
 * tafel_locale_dir:
 *
 * Where this program's translations are: tafel_locale_dir_for() for the
 * running executable.
 *
 * Returns: (transfer none): the folder to pass to bindtextdomain()
 */
const char *
tafel_locale_dir (void)
{
  static gsize once;
  static char *dir;

  if (g_once_init_enter (&once))
    {
      g_autofree char *executable = g_file_read_link ("/proc/self/exe", NULL);

      dir = tafel_locale_dir_for (executable, BUILD_ROOT, LOCALEDIR);
      g_once_init_leave (&once, 1);
    }
  return dir;
}
