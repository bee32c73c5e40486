/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tafel-atomic-file.h"

static gboolean
fail (GError     **error,
      const char  *path,
      int          saved_errno)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               _("Could not write “%s”: %s"), path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         len)
{
  while (len > 0)
    {
      gssize w = write (fd, data, len);

      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return FALSE;
      if (w == 0)
        {
          errno = ENOSPC;
          return FALSE;
        }
      data += w;
      len -= (gsize) w;
    }
  return TRUE;
}

/**
 * tafel_atomic_file_write:
 * @path: the file to write or replace
 * @data: (array length=len): its new contents
 * @len: their size
 * @mode: the new file's permissions before the umask (0600 for a private
 *   file, 0666 for an ordinary one)
 * @flags: #TafelAtomicFileFlags
 * @error: return location for a #GError
 *
 * Replaces @path by @data all at once: only a complete, flushed write is
 * renamed over it. A full disk, a size limit or a write error leaves @path
 * exactly as it was and no temporary file behind.
 *
 * Returns: %TRUE on success
 */
gboolean
tafel_atomic_file_write (const char            *path,
                         gconstpointer          data,
                         gsize                  len,
                         int                    mode,
                         TafelAtomicFileFlags   flags,
                         GError               **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp = NULL;
  int fd, dfd, saved;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  tmp = g_strdup_printf ("%s%s.%s-XXXXXX", dir, G_DIR_SEPARATOR_S, base);
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, mode);
  if (fd < 0)
    return fail (error, path, errno);

  /* Created with @mode less the umask, as open() would. */
  if (!write_all (fd, data, len) || fsync (fd) != 0)
    {
      saved = errno;
      close (fd);
      g_unlink (tmp);
      return fail (error, path, saved);
    }
  if (close (fd) != 0)
    {
      saved = errno;
      g_unlink (tmp);
      return fail (error, path, saved);
    }

  if (flags & TAFEL_ATOMIC_FILE_NO_CLOBBER)
    {
      /* link() fails when @path exists, where rename() would replace it. */
      if (link (tmp, path) != 0)
        {
          saved = errno;
          g_unlink (tmp);
          return fail (error, path, saved);
        }
      g_unlink (tmp);
    }
  else if (g_rename (tmp, path) != 0)
    {
      saved = errno;
      g_unlink (tmp);
      return fail (error, path, saved);
    }

  /* The new name is durable too. */
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0)
    {
      fsync (dfd);
      close (dfd);
    }
  return TRUE;
}

/**
 * tafel_atomic_file_write_gfile:
 * @file: the file to write or replace
 * @data: (array length=len): its new contents
 * @len: their size
 * @mode: the new file's permissions (0600 also makes a GIO replacement
 *   private)
 * @error: return location for a #GError
 *
 * tafel_atomic_file_write() for a #GFile.
 *
 * Returns: %TRUE on success
 */
gboolean
tafel_atomic_file_write_gfile (GFile          *file,
                               gconstpointer   data,
                               gsize           len,
                               int             mode,
                               GError        **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  path = g_file_get_path (file);
  if (path != NULL)
    return tafel_atomic_file_write (path, data, len, mode, TAFEL_ATOMIC_FILE_NONE, error);

  /* No local path (a remote location): GIO's own replacement is all there
   * is. */
  return g_file_replace_contents (file, data, len, NULL, FALSE,
                                  ((mode & 077) == 0 ? G_FILE_CREATE_PRIVATE : G_FILE_CREATE_NONE) |
                                  G_FILE_CREATE_REPLACE_DESTINATION,
                                  NULL, NULL, error);
}
