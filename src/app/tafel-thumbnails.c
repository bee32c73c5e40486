/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "tafel-atomic-file.h"
#include "tafel-board-snapshot.h"
#include "tafel-color.h"
#include "tafel-thumbnails.h"

static char *
thumbnail_path (const char *id_hex)
{
  g_autofree char *name = g_strconcat (id_hex, ".png", NULL);

  return g_build_filename (g_get_user_cache_dir (), "tafel", "thumbnails", name, NULL);
}

static cairo_status_t
append_png (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static gboolean
write_png (cairo_surface_t *surface,
           const char      *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GByteArray) png = g_byte_array_new ();

  if (g_mkdir_with_parents (dir, 0700) != 0)
    return FALSE;
  /* Replaced whole, so a reader never sees half a picture and a full disk
   * leaves the old one. The temporary file has a name of its own, so the
   * thread saving a board just closed and another window's start page
   * loading it at the same time do not write into one file. */
  if (cairo_surface_write_to_png_stream (surface, append_png, png) != CAIRO_STATUS_SUCCESS)
    return FALSE;
  return tafel_atomic_file_write (path, png->data, png->len, 0600, TAFEL_ATOMIC_FILE_NONE, NULL);
}

/* A thumbnail of a board that shows nothing is an empty file. */
static gboolean
write_empty (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    return FALSE;
  return tafel_atomic_file_write (path, "", 0, 0600, TAFEL_ATOMIC_FILE_NONE, NULL);
}

/* ---- Saving -------------------------------------------------------------- */

/* Boards whose picture is being saved. A start page asking for a board
 * that was closed a moment ago waits for the picture of what was on
 * screen, instead of racing the save and drawing from the data folder
 * what the log may not hold yet. Used on the main thread only. */
typedef struct
{
  guint      saves;   /* saves of this board under way */
  GPtrArray *loads;   /* GTasks waiting for them */
} PendingSave;

static GHashTable *pending_saves;   /* id_hex → PendingSave */

static void
pending_save_free (PendingSave *pending)
{
  g_ptr_array_unref (pending->loads);
  g_free (pending);
}

static void load_thread (GTask *, gpointer, gpointer, GCancellable *);

typedef struct
{
  TafelBoardSnapshot *snapshot;
  char               *path;
} SaveData;

static void
save_data_free (SaveData *data)
{
  tafel_board_snapshot_free (data->snapshot);
  g_free (data->path);
  g_free (data);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelBoardModel) model = tafel_board_snapshot_build (data->snapshot, &error);
  cairo_surface_t *surface;

  if (model == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  surface = tafel_board_render_thumbnail (model, TAFEL_THUMBNAIL_WIDTH, TAFEL_THUMBNAIL_HEIGHT);
  if (surface != NULL)
    {
      write_png (surface, data->path);
      cairo_surface_destroy (surface);
    }
  else
    write_empty (data->path);

  g_task_return_boolean (task, TRUE);
}

static void
save_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autofree char *id_hex = user_data;
  PendingSave *pending = g_hash_table_lookup (pending_saves, id_hex);

  g_assert (pending != NULL && pending->saves > 0);
  if (--pending->saves == 0)
    {
      g_autoptr(GPtrArray) loads = g_ptr_array_ref (pending->loads);

      g_hash_table_remove (pending_saves, id_hex);
      for (guint i = 0; i < loads->len; i++)
        g_task_run_in_thread (g_ptr_array_index (loads, i), load_thread);
    }
  g_application_release (G_APPLICATION (source));
}

void
tafel_thumbnail_save_async (GApplication *application,
                            TafelLog     *log,
                            const char   *id_hex)
{
  g_autoptr(GTask) task = NULL;
  PendingSave *pending;
  SaveData *data;

  g_return_if_fail (G_IS_APPLICATION (application));
  g_return_if_fail (TAFEL_IS_LOG (log));

  data = g_new0 (SaveData, 1);
  data->snapshot = tafel_board_snapshot_new (log);
  data->path = thumbnail_path (id_hex);

  if (pending_saves == NULL)
    pending_saves = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) pending_save_free);
  pending = g_hash_table_lookup (pending_saves, id_hex);
  if (pending == NULL)
    {
      pending = g_new0 (PendingSave, 1);
      pending->loads = g_ptr_array_new_with_free_func (g_object_unref);
      g_hash_table_insert (pending_saves, g_strdup (id_hex), pending);
    }
  pending->saves++;

  g_application_hold (application);
  task = g_task_new (application, NULL, save_done, g_strdup (id_hex));
  g_task_set_source_tag (task, tafel_thumbnail_save_async);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_thread);
}

/* ---- Loading ------------------------------------------------------------- */

typedef struct
{
  char               *data_dir;
  char               *id_hex;
  char               *board_dir;
  TafelBoardSnapshot *snapshot;   /* when the board is open here */
  gboolean            dark;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->data_dir);
  g_free (data->id_hex);
  g_free (data->board_dir);
  tafel_board_snapshot_free (data->snapshot);
  g_free (data);
}

/* When a file last changed, in nanoseconds: whole seconds would let a
 * picture stored in the same second as a later stroke pass for current. */
static gint64
mtime_ns (const GStatBuf *st)
{
  return (gint64) st->st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st->st_mtim.tv_nsec;
}

/* The newest change to any file of the board. */
static gint64
board_mtime (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  gint64 newest = 0;

  if (d == NULL)
    return G_MAXINT64;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (g_stat (path, &st) == 0)
        newest = MAX (newest, mtime_ns (&st));
    }
  return newest;
}

static GdkTexture *
texture_from_surface (cairo_surface_t *surface,
                      gboolean         dark)
{
  g_autoptr(GBytes) bytes = NULL;
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);

  cairo_surface_flush (surface);
  if (dark)
    tafel_color_map_pixels_for_dark_paper (cairo_image_surface_get_data (surface), width, height, stride);
  bytes = g_bytes_new (cairo_image_surface_get_data (surface), (gsize) stride * height);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes, stride);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autofree char *path = thumbnail_path (data->id_hex);
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelBoardModel) model = NULL;
  g_autoptr(TafelLog) log = NULL;
  cairo_surface_t *surface = NULL;
  GStatBuf st;

  /* A stored picture newer than every file of the board will do. On a
   * tie (timestamps are only as fine as the kernel's clock tick) the board
   * may have changed after the picture: draw it again. */
  if (data->snapshot == NULL && g_stat (path, &st) == 0 &&
      mtime_ns (&st) > board_mtime (data->board_dir))
    {
      if (st.st_size == 0)
        {
          g_task_return_pointer (task, NULL, NULL);
          return;
        }
      surface = cairo_image_surface_create_from_png (path);
      if (cairo_surface_status (surface) == CAIRO_STATUS_SUCCESS &&
          cairo_image_surface_get_format (surface) == CAIRO_FORMAT_ARGB32)
        {
          g_task_return_pointer (task, texture_from_surface (surface, data->dark), g_object_unref);
          cairo_surface_destroy (surface);
          return;
        }
      cairo_surface_destroy (surface);
      surface = NULL;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  if (data->snapshot != NULL)
    model = tafel_board_snapshot_build (data->snapshot, &error);
  else
    {
      /* Read without the board's lock: a window may be letting go of it
       * at this moment, or opening it again. */
      log = tafel_board_read (data->data_dir, data->id_hex, NULL, NULL, &error);
      if (log != NULL)
        model = tafel_board_model_new (log);
    }
  if (model == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  surface = tafel_board_render_thumbnail (model, TAFEL_THUMBNAIL_WIDTH, TAFEL_THUMBNAIL_HEIGHT);
  if (surface == NULL)
    {
      write_empty (path);
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  write_png (surface, path);
  g_task_return_pointer (task, texture_from_surface (surface, data->dark), g_object_unref);
  cairo_surface_destroy (surface);
}

void
tafel_thumbnail_load_async (const char          *data_dir,
                            TafelBoardInfo      *info,
                            TafelLog            *open_log,
                            gboolean             dark,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PendingSave *pending;
  LoadData *data;

  g_return_if_fail (data_dir != NULL);
  g_return_if_fail (TAFEL_IS_BOARD_INFO (info));

  data = g_new0 (LoadData, 1);
  data->data_dir = g_strdup (data_dir);
  data->id_hex = g_strdup (tafel_board_info_get_id_hex (info));
  data->board_dir = g_strdup (tafel_board_info_get_path (info));
  data->snapshot = open_log != NULL ? tafel_board_snapshot_new (open_log) : NULL;
  data->dark = dark;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tafel_thumbnail_load_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);

  pending = pending_saves != NULL ? g_hash_table_lookup (pending_saves, data->id_hex) : NULL;
  if (pending != NULL)
    g_ptr_array_add (pending->loads, g_steal_pointer (&task));
  else
    g_task_run_in_thread (task, load_thread);
}

GdkTexture *
tafel_thumbnail_load_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tafel_thumbnail_forget (const char *id_hex)
{
  g_autofree char *path = thumbnail_path (id_hex);

  g_unlink (path);
}
