/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "tafel-board-list.h"
#include "tafel-board-meta-private.h"

/* ---- TafelBoardInfo ------------------------------------------------------ */

struct _TafelBoardInfo
{
  GObject    parent_instance;
  char      *id_hex;
  char      *title;
  char      *path;
  GDateTime *last_opened;
};

G_DEFINE_FINAL_TYPE (TafelBoardInfo, tafel_board_info, G_TYPE_OBJECT)

static void
tafel_board_info_finalize (GObject *object)
{
  TafelBoardInfo *self = TAFEL_BOARD_INFO (object);

  g_free (self->id_hex);
  g_free (self->title);
  g_free (self->path);
  g_clear_pointer (&self->last_opened, g_date_time_unref);
  G_OBJECT_CLASS (tafel_board_info_parent_class)->finalize (object);
}

static void
tafel_board_info_class_init (TafelBoardInfoClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tafel_board_info_finalize;
}

static void
tafel_board_info_init (TafelBoardInfo *self)
{
}

/**
 * tafel_board_info_get_id_hex:
 * @self: a board info
 *
 * Returns: (transfer none): the board's id in lowercase hex
 */
const char *
tafel_board_info_get_id_hex (TafelBoardInfo *self)
{
  g_return_val_if_fail (TAFEL_IS_BOARD_INFO (self), NULL);
  return self->id_hex;
}

/**
 * tafel_board_info_get_title:
 * @self: a board info
 *
 * Returns: (transfer none): the board's title
 */
const char *
tafel_board_info_get_title (TafelBoardInfo *self)
{
  g_return_val_if_fail (TAFEL_IS_BOARD_INFO (self), NULL);
  return self->title;
}

/**
 * tafel_board_info_get_last_opened:
 * @self: a board info
 *
 * Returns: (transfer none): when the board was last opened (UTC)
 */
GDateTime *
tafel_board_info_get_last_opened (TafelBoardInfo *self)
{
  g_return_val_if_fail (TAFEL_IS_BOARD_INFO (self), NULL);
  return self->last_opened;
}

/**
 * tafel_board_info_get_path:
 * @self: a board info
 *
 * Returns: (transfer none): the board's folder
 */
const char *
tafel_board_info_get_path (TafelBoardInfo *self)
{
  g_return_val_if_fail (TAFEL_IS_BOARD_INFO (self), NULL);
  return self->path;
}

/* ---- The list ------------------------------------------------------------ */

struct _TafelBoardList
{
  GObject    parent_instance;
  char      *data_dir;
  GPtrArray *items;
  GPtrArray *unreadable;  /* Unreadable: boards whose metadata cannot be read */
};

typedef struct
{
  char   *id_hex;
  GError *error;
} Unreadable;

static void
unreadable_free (gpointer data)
{
  Unreadable *u = data;

  g_free (u->id_hex);
  g_error_free (u->error);
  g_free (u);
}

static GType
tafel_board_list_get_item_type (GListModel *model)
{
  return TAFEL_TYPE_BOARD_INFO;
}

static guint
tafel_board_list_get_n_items (GListModel *model)
{
  return TAFEL_BOARD_LIST (model)->items->len;
}

static gpointer
tafel_board_list_get_item (GListModel *model,
                           guint       position)
{
  TafelBoardList *self = TAFEL_BOARD_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (self->items->pdata[position]);
}

static void
tafel_board_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tafel_board_list_get_item_type;
  iface->get_n_items = tafel_board_list_get_n_items;
  iface->get_item = tafel_board_list_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TafelBoardList, tafel_board_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, tafel_board_list_model_init))

static void
tafel_board_list_finalize (GObject *object)
{
  TafelBoardList *self = TAFEL_BOARD_LIST (object);

  g_free (self->data_dir);
  g_ptr_array_unref (self->items);
  g_clear_pointer (&self->unreadable, g_ptr_array_unref);
  G_OBJECT_CLASS (tafel_board_list_parent_class)->finalize (object);
}

static void
tafel_board_list_class_init (TafelBoardListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tafel_board_list_finalize;
}

static void
tafel_board_list_init (TafelBoardList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

static int
compare_info (gconstpointer a,
              gconstpointer b)
{
  TafelBoardInfo *ia = *(TafelBoardInfo * const *) a;
  TafelBoardInfo *ib = *(TafelBoardInfo * const *) b;
  int c = g_date_time_compare (ib->last_opened, ia->last_opened);

  return c != 0 ? c : g_strcmp0 (ia->id_hex, ib->id_hex);
}

static GPtrArray *
scan (const char *data_dir,
      GPtrArray  *unreadable)
{
  g_autofree char *boards = g_build_filename (data_dir, "boards", NULL);
  g_autoptr(GDir) dir = g_dir_open (boards, 0, NULL);
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      guint8 id[TAFEL_BOARD_ID_BYTES];
      g_autofree char *path = NULL;
      g_autofree char *meta_path = NULL;
      g_auto(TafelBoardMeta) meta = { 0 };
      g_autoptr(GError) error = NULL;
      TafelBoardInfo *info;

      if (!tafel_board_id_from_hex (name, id))
        continue;
      path = g_build_filename (boards, name, NULL);
      meta_path = g_build_filename (path, "meta", NULL);
      /* A folder without metadata is not a board yet (the metadata is
       * written last); one whose metadata cannot be read is a board that
       * is damaged, and is named. */
      if (!g_file_test (meta_path, G_FILE_TEST_EXISTS))
        continue;
      if (!tafel_board_meta_read (meta_path, &meta, &error))
        {
          Unreadable *u = g_new0 (Unreadable, 1);

          u->id_hex = g_strdup (name);
          u->error = g_steal_pointer (&error);
          g_ptr_array_add (unreadable, u);
          continue;
        }
      info = g_object_new (TAFEL_TYPE_BOARD_INFO, NULL);
      info->id_hex = g_strdup (name);
      info->title = g_strdup (meta.title);
      info->path = g_steal_pointer (&path);
      info->last_opened = g_date_time_ref (meta.last_opened);
      g_ptr_array_add (items, info);
    }
  g_ptr_array_sort (items, compare_info);
  return items;
}

static void
rescan (TafelBoardList *self)
{
  g_clear_pointer (&self->unreadable, g_ptr_array_unref);
  self->unreadable = g_ptr_array_new_with_free_func (unreadable_free);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  self->items = scan (self->data_dir, self->unreadable);
}

/**
 * tafel_board_list_new:
 * @data_dir: the Tafel data folder
 *
 * Returns: (transfer full): a #GListModel of #TafelBoardInfo, most
 *   recently opened first
 */
GListModel *
tafel_board_list_new (const char *data_dir)
{
  TafelBoardList *self;

  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (TAFEL_TYPE_BOARD_LIST, NULL);
  self->data_dir = g_strdup (data_dir);
  rescan (self);
  return G_LIST_MODEL (self);
}

/**
 * tafel_board_list_reload:
 * @list: a list from tafel_board_list_new()
 *
 * Reads the data folder again and replaces the items (one
 * ::items-changed).
 */
void
tafel_board_list_reload (GListModel *list)
{
  TafelBoardList *self;
  guint removed;

  g_return_if_fail (TAFEL_IS_BOARD_LIST (list));

  self = TAFEL_BOARD_LIST (list);
  removed = self->items->len;
  rescan (self);
  if (removed > 0 || self->items->len > 0)
    g_list_model_items_changed (list, 0, removed, self->items->len);
}

/**
 * tafel_board_list_get_n_unreadable:
 * @list: a list from tafel_board_list_new()
 *
 * Returns: how many board folders have metadata that cannot be read (they
 *   are not among the items)
 */
guint
tafel_board_list_get_n_unreadable (GListModel *list)
{
  g_return_val_if_fail (TAFEL_IS_BOARD_LIST (list), 0);

  return TAFEL_BOARD_LIST (list)->unreadable->len;
}

/**
 * tafel_board_list_get_unreadable:
 * @list: a list from tafel_board_list_new()
 * @i: less than tafel_board_list_get_n_unreadable()
 * @error: (out) (transfer none) (optional): why it cannot be read
 *
 * Returns: (transfer none): the id of an unreadable board
 */
const char *
tafel_board_list_get_unreadable (GListModel    *list,
                                 guint          i,
                                 const GError **error)
{
  Unreadable *u;

  g_return_val_if_fail (TAFEL_IS_BOARD_LIST (list), NULL);
  g_return_val_if_fail (i < TAFEL_BOARD_LIST (list)->unreadable->len, NULL);

  u = TAFEL_BOARD_LIST (list)->unreadable->pdata[i];
  if (error != NULL)
    *error = u->error;
  return u->id_hex;
}
