/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  TAFEL_ATOMIC_FILE_NONE       = 0,
  /* Fail with G_FILE_ERROR_EXIST instead of replacing a file already there. */
  TAFEL_ATOMIC_FILE_NO_CLOBBER = 1 << 0,
} TafelAtomicFileFlags;

/* Writes @data to @path so that @path holds either its old contents or all
 * of @data, never a part: written under a temporary name beside it, made
 * durable (fsync), then renamed over it. On any failure the temporary file
 * is removed and @path is left as it was. Errors are G_FILE_ERROR, with a
 * message that names @path. @mode is taken less the umask. */
gboolean tafel_atomic_file_write        (const char            *path,
                                         gconstpointer          data,
                                         gsize                  len,
                                         int                    mode,
                                         TafelAtomicFileFlags   flags,
                                         GError               **error);
/* The same for a #GFile; one without a local path is written through GIO
 * (which replaces it as atomically as its backend can). */
gboolean tafel_atomic_file_write_gfile  (GFile                 *file,
                                         gconstpointer          data,
                                         gsize                  len,
                                         int                    mode,
                                         GError               **error);

G_END_DECLS
