/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-people.h"

struct _TafelPeople
{
  GObject              parent_instance;

  TafelBoard          *board;
  TafelBoardModel     *model;
  TafelPublicKey       me_key;
  TafelPerson         *me;
  char                *my_name;
  guint32              my_rgba;

  TafelPresence       *presence;
  TafelPeoplePathFunc  path_func;
  gpointer             path_data;

  GPtrArray           *items;    /* TafelPerson, as listed */
  GHashTable          *online;   /* TafelPublicKey* → TafelPerson*, others online */
};

static void tafel_people_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TafelPeople, tafel_people, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, tafel_people_list_model_init))

enum {
  PERSON_JOINED,
  PERSON_LEFT,
  PRESENCE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_me (TafelPeople          *self,
       const TafelPublicKey *key)
{
  return tafel_key_equal (key, &self->me_key);
}

/* ---- Names and colours --------------------------------------------------- */

static void
resolve (TafelPeople          *self,
         const TafelPublicKey *key,
         char                **name,
         guint32              *rgba)
{
  const TafelRemotePresence *remote = NULL;
  const char *profile_name = NULL;
  guint32 profile_rgba = 0;
  gboolean has_profile;

  if (is_me (self, key))
    {
      *name = g_strdup (self->my_name);
      *rgba = self->my_rgba;
      return;
    }

  if (self->presence != NULL)
    remote = tafel_presence_lookup (self->presence, key);
  has_profile = tafel_board_model_get_profile (self->model, key, &profile_name, &profile_rgba);

  if (remote != NULL && remote->name != NULL && *remote->name != '\0')
    *name = g_strdup (remote->name);
  else if (has_profile && profile_name != NULL && *profile_name != '\0')
    *name = g_strdup (profile_name);
  else
    *name = tafel_person_fallback_name (key);

  if (remote != NULL && remote->rgba != 0)
    *rgba = remote->rgba;
  else if (has_profile && profile_rgba != 0)
    *rgba = profile_rgba;
  else
    *rgba = tafel_person_color_for_key (key);
}

char *
tafel_people_dup_name (TafelPeople          *self,
                       const TafelPublicKey *key)
{
  char *name;
  guint32 rgba;

  g_return_val_if_fail (TAFEL_IS_PEOPLE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  resolve (self, key, &name, &rgba);
  return name;
}

guint32
tafel_people_get_rgba (TafelPeople          *self,
                       const TafelPublicKey *key)
{
  g_autofree char *name = NULL;
  guint32 rgba;

  g_return_val_if_fail (TAFEL_IS_PEOPLE (self), 0);
  g_return_val_if_fail (key != NULL, 0);

  resolve (self, key, &name, &rgba);
  return rgba;
}

/* ---- The list ------------------------------------------------------------ */

static int
compare_people (gconstpointer a,
                gconstpointer b)
{
  TafelPerson *pa = *(TafelPerson **) a;
  TafelPerson *pb = *(TafelPerson **) b;
  g_autofree char *fa = g_utf8_casefold (tafel_person_get_name (pa), -1);
  g_autofree char *fb = g_utf8_casefold (tafel_person_get_name (pb), -1);
  int order = g_utf8_collate (fa, fb);

  if (order != 0)
    return order;
  return memcmp (tafel_person_get_key (pa), tafel_person_get_key (pb), sizeof (TafelPublicKey));
}

/* The person object for @key: the one listed or online now, so that rows
 * and references stay valid, else a new one. */
static TafelPerson *
find_person (TafelPeople          *self,
             const TafelPublicKey *key)
{
  TafelPerson *person = g_hash_table_lookup (self->online, key);

  if (person != NULL)
    return g_object_ref (person);
  for (guint i = 0; i < self->items->len; i++)
    if (tafel_key_equal (tafel_person_get_key (g_ptr_array_index (self->items, i)), key))
      return g_object_ref (g_ptr_array_index (self->items, i));
  return tafel_person_new (key, FALSE);
}

static void
update_person (TafelPeople *self,
               TafelPerson *person,
               gboolean     online)
{
  const TafelPublicKey *key = tafel_person_get_key (person);
  g_autofree char *name = NULL;
  const char *path = NULL;
  guint32 rgba;

  resolve (self, key, &name, &rgba);
  if (online && self->path_func != NULL)
    path = self->path_func (key, self->path_data);
  tafel_person_update (person, name, rgba, online, path);
}

/* Lists who is here now. With @announce, those who came or went since the
 * last time are announced (::person-joined, ::person-left): not when our
 * own presence comes or goes, for then we came or went, not they. */
static void
rebuild (TafelPeople *self,
         gboolean     announce)
{
  g_autoptr(GPtrArray) online = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) offline = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) now_online = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, NULL, g_object_unref);
  g_autoptr(GPtrArray) joined = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) left = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(TafelVersionVector) authors = NULL;
  GHashTableIter iter;
  gpointer key, value;
  gboolean same;

  if (self->presence != NULL)
    {
      g_autoptr(GPtrArray) remotes = tafel_presence_list (self->presence);

      for (guint i = 0; i < remotes->len; i++)
        {
          const TafelRemotePresence *remote = g_ptr_array_index (remotes, i);
          TafelPerson *person;

          if (is_me (self, &remote->key) || g_hash_table_contains (now_online, &remote->key))
            continue;
          person = find_person (self, &remote->key);
          update_person (self, person, TRUE);
          g_ptr_array_add (online, person);
          g_hash_table_insert (now_online, (gpointer) tafel_person_get_key (person), g_object_ref (person));
        }
    }

  /* Authors offline now, who told the board who they are. */
  authors = tafel_log_dup_version_vector (tafel_board_model_get_log (self->model));
  for (guint i = 0; i < tafel_version_vector_get_size (authors); i++)
    {
      const TafelPublicKey *author;
      guint64 seq;
      TafelPerson *person;

      tafel_version_vector_get (authors, i, &author, &seq, NULL);
      if (is_me (self, author) || g_hash_table_contains (now_online, author) ||
          !tafel_board_model_get_profile (self->model, author, NULL, NULL))
        continue;
      person = find_person (self, author);
      update_person (self, person, FALSE);
      g_ptr_array_add (offline, person);
    }

  g_ptr_array_sort (online, compare_people);
  g_ptr_array_sort (offline, compare_people);

  g_ptr_array_add (items, g_object_ref (self->me));
  for (guint i = 0; i < online->len; i++)
    g_ptr_array_add (items, g_object_ref (g_ptr_array_index (online, i)));
  for (guint i = 0; i < offline->len; i++)
    g_ptr_array_add (items, g_object_ref (g_ptr_array_index (offline, i)));

  /* Who came and who went since the last time. */
  g_hash_table_iter_init (&iter, now_online);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (self->online, key))
      g_ptr_array_add (joined, g_object_ref (value));
  g_hash_table_iter_init (&iter, self->online);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (now_online, key))
      {
        /* Who left is named as they were known while here: their presence
         * is gone, and a profile record of theirs may never have come. */
        if (tafel_board_model_get_profile (self->model, key, NULL, NULL))
          update_person (self, value, FALSE);
        else
          {
            g_autofree char *name = g_strdup (tafel_person_get_name (value));

            tafel_person_update (value, name, tafel_person_get_rgba (value), FALSE, NULL);
          }
        g_ptr_array_add (left, g_object_ref (value));
      }

  g_hash_table_unref (self->online);
  self->online = g_steal_pointer (&now_online);

  same = items->len == self->items->len;
  for (guint i = 0; same && i < items->len; i++)
    same = g_ptr_array_index (items, i) == g_ptr_array_index (self->items, i);
  if (!same)
    {
      guint removed = self->items->len;

      g_ptr_array_unref (self->items);
      self->items = g_steal_pointer (&items);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->items->len);
    }

  if (!announce)
    return;
  for (guint i = 0; i < left->len; i++)
    g_signal_emit (self, signals[PERSON_LEFT], 0, g_ptr_array_index (left, i));
  for (guint i = 0; i < joined->len; i++)
    g_signal_emit (self, signals[PERSON_JOINED], 0, g_ptr_array_index (joined, i));
}

/* ---- Presence ------------------------------------------------------------ */

static void
on_peer_changed (TafelPresence        *presence,
                 const TafelPublicKey *peer,
                 guint                 changes,
                 TafelPeople          *self)
{
  if ((changes & TAFEL_PRESENCE_PROFILE) || !g_hash_table_contains (self->online, peer))
    rebuild (self, TRUE);
  g_signal_emit (self, signals[PRESENCE_CHANGED], 0, peer, changes);
}

static void
on_peer_left (TafelPresence        *presence,
              const TafelPublicKey *peer,
              TafelPeople          *self)
{
  TafelPublicKey key = *peer;

  rebuild (self, TRUE);
  g_signal_emit (self, signals[PRESENCE_CHANGED], 0, &key,
                 TAFEL_PRESENCE_CURSOR | TAFEL_PRESENCE_VIEWPORT | TAFEL_PRESENCE_STROKE | TAFEL_PRESENCE_PROFILE);
}

void
tafel_people_set_presence (TafelPeople   *self,
                           TafelPresence *presence)
{
  g_return_if_fail (TAFEL_IS_PEOPLE (self));
  g_return_if_fail (presence == NULL || TAFEL_IS_PRESENCE (presence));

  if (self->presence == presence)
    return;

  if (self->presence != NULL)
    g_signal_handlers_disconnect_by_data (self->presence, self);
  g_set_object (&self->presence, presence);
  if (presence != NULL)
    {
      g_signal_connect (presence, "peer-changed", G_CALLBACK (on_peer_changed), self);
      g_signal_connect (presence, "peer-left", G_CALLBACK (on_peer_left), self);
      tafel_presence_set_profile (presence, self->my_name, self->my_rgba);
    }

  /* Going offline (or online again) changes who we see, not who is here. */
  rebuild (self, FALSE);
}

TafelPresence *
tafel_people_get_presence (TafelPeople *self)
{
  g_return_val_if_fail (TAFEL_IS_PEOPLE (self), NULL);

  return self->presence;
}

void
tafel_people_set_path_func (TafelPeople         *self,
                            TafelPeoplePathFunc  func,
                            gpointer             user_data)
{
  g_return_if_fail (TAFEL_IS_PEOPLE (self));

  self->path_func = func;
  self->path_data = user_data;
  rebuild (self, TRUE);
}

void
tafel_people_refresh (TafelPeople *self)
{
  g_return_if_fail (TAFEL_IS_PEOPLE (self));

  rebuild (self, TRUE);
}

/* ---- You ----------------------------------------------------------------- */

gboolean
tafel_people_set_my_profile (TafelPeople  *self,
                             const char   *name,
                             guint32       rgba,
                             gboolean     *committed,
                             GError      **error)
{
  g_autofree char *fitted = NULL;
  const char *stored_name = NULL;
  guint32 stored_rgba = 0;
  const char *end;

  g_return_val_if_fail (TAFEL_IS_PEOPLE (self), FALSE);
  g_return_val_if_fail (name != NULL && g_utf8_validate (name, -1, NULL), FALSE);

  if (committed != NULL)
    *committed = FALSE;

  /* A profile record holds at most TAFEL_NAME_MAX_BYTES; cut a longer
   * name at a character boundary. */
  end = name + MIN (strlen (name), TAFEL_NAME_MAX_BYTES);
  while (end > name && ((guchar) *end & 0xc0) == 0x80)
    end--;
  fitted = g_strndup (name, end - name);

  g_free (self->my_name);
  self->my_name = g_strdup (fitted);
  self->my_rgba = rgba;
  tafel_person_update (self->me, fitted, rgba, TRUE, NULL);
  if (self->presence != NULL)
    tafel_presence_set_profile (self->presence, fitted, rgba);

  if (tafel_board_model_get_profile (self->model, &self->me_key, &stored_name, &stored_rgba) &&
      g_strcmp0 (stored_name, fitted) == 0 && stored_rgba == rgba)
    return TRUE;

  {
    TafelProfile profile = { fitted, rgba };
    g_autoptr(GBytes) body = tafel_profile_encode (&profile);
    g_autoptr(TafelRecord) record = tafel_board_commit (self->board, TAFEL_RECORD_KIND_PROFILE, body, error);

    if (record == NULL)
      return FALSE;
  }

  if (committed != NULL)
    *committed = TRUE;
  return TRUE;
}

TafelPerson *
tafel_people_get_me (TafelPeople *self)
{
  g_return_val_if_fail (TAFEL_IS_PEOPLE (self), NULL);

  return self->me;
}

TafelPerson *
tafel_people_lookup (TafelPeople          *self,
                     const TafelPublicKey *key)
{
  g_return_val_if_fail (TAFEL_IS_PEOPLE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i < self->items->len; i++)
    if (tafel_key_equal (tafel_person_get_key (g_ptr_array_index (self->items, i)), key))
      return g_ptr_array_index (self->items, i);
  return NULL;
}

guint
tafel_people_get_n_online (TafelPeople *self)
{
  g_return_val_if_fail (TAFEL_IS_PEOPLE (self), 0);

  return g_hash_table_size (self->online);
}

/* ---- GListModel ---------------------------------------------------------- */

static GType
tafel_people_get_item_type (GListModel *model)
{
  return TAFEL_TYPE_PERSON;
}

static guint
tafel_people_get_n_items (GListModel *model)
{
  return TAFEL_PEOPLE (model)->items->len;
}

static gpointer
tafel_people_get_item (GListModel *model,
                       guint       position)
{
  TafelPeople *self = TAFEL_PEOPLE (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
tafel_people_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tafel_people_get_item_type;
  iface->get_n_items = tafel_people_get_n_items;
  iface->get_item = tafel_people_get_item;
}

/* ---- GObject ------------------------------------------------------------- */

static void
on_profile_changed (TafelBoardModel      *model,
                    const TafelPublicKey *author,
                    TafelPeople          *self)
{
  rebuild (self, TRUE);
}

TafelPeople *
tafel_people_new (TafelBoard      *board,
                  TafelBoardModel *model)
{
  TafelPeople *self;

  g_return_val_if_fail (TAFEL_IS_BOARD (board), NULL);
  g_return_val_if_fail (TAFEL_IS_BOARD_MODEL (model), NULL);

  self = g_object_new (TAFEL_TYPE_PEOPLE, NULL);
  self->board = g_object_ref (board);
  self->model = g_object_ref (model);
  self->me_key = *tafel_identity_get_public_key (tafel_board_get_identity (board));
  self->my_name = tafel_person_default_name ();
  self->my_rgba = tafel_person_color_for_key (&self->me_key);
  self->me = tafel_person_new (&self->me_key, TRUE);
  tafel_person_update (self->me, self->my_name, self->my_rgba, TRUE, NULL);

  g_signal_connect (model, "profile-changed", G_CALLBACK (on_profile_changed), self);
  rebuild (self, FALSE);
  return self;
}

static void
tafel_people_dispose (GObject *object)
{
  TafelPeople *self = TAFEL_PEOPLE (object);

  if (self->presence != NULL)
    g_signal_handlers_disconnect_by_data (self->presence, self);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->presence);
  g_clear_object (&self->model);
  g_clear_object (&self->board);
  g_clear_object (&self->me);
  if (self->items != NULL)
    g_ptr_array_set_size (self->items, 0);
  if (self->online != NULL)
    g_hash_table_remove_all (self->online);

  G_OBJECT_CLASS (tafel_people_parent_class)->dispose (object);
}

static void
tafel_people_finalize (GObject *object)
{
  TafelPeople *self = TAFEL_PEOPLE (object);

  g_ptr_array_unref (self->items);
  g_hash_table_unref (self->online);
  g_free (self->my_name);

  G_OBJECT_CLASS (tafel_people_parent_class)->finalize (object);
}

static void
tafel_people_class_init (TafelPeopleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tafel_people_dispose;
  object_class->finalize = tafel_people_finalize;

  signals[PERSON_JOINED] =
    g_signal_new ("person-joined", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TAFEL_TYPE_PERSON);
  signals[PERSON_LEFT] =
    g_signal_new ("person-left", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TAFEL_TYPE_PERSON);
  signals[PRESENCE_CHANGED] =
    g_signal_new ("presence-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_UINT);
}

static void
tafel_people_init (TafelPeople *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->online = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, NULL, g_object_unref);
}
