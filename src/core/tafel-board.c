/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tafel-board-private.h"
#include "tafel-board.h"
#include "tafel-invite.h"
#include "tafel-log-file.h"
#include "tafel-log-private.h"
#include "tafel-record-private.h"

/* A board on disk: DATA_DIR/boards/<id-hex>/ (mode 0700) holds
 *
 *   log   the append-only record log (format in tafel-log-file.c), locked
 *         while a TafelBoard has it open, so two processes never append to
 *         the same board;
 *   meta  JSON, mode 0600, replaced atomically:
 *         { "version": 1, "id": hex, "secret": hex, "title": string,
 *           "hints": [string…], "created": ISO 8601, "last-opened": ISO 8601 }
 *
 * Local records are appended (one write) before they are integrated;
 * records integrated from peers are appended from the log's
 * ::records-added handler. What could not be written (a full disk) stays
 * in memory and is written first by the next append, by flush() or when the
 * board is closed; the file never holds a partial frame. */

G_DEFINE_QUARK (tafel-board-error-quark, tafel_board_error)

struct _TafelBoard
{
  GObject        parent_instance;

  char          *data_dir;
  char          *dir;
  char          *meta_path;
  char          *id_hex;
  TafelBoardMeta meta;

  TafelIdentity *identity;
  /* Identities this board wrote under that another device used too, whose
   * refused records are still to be issued again (docs/identity.md). */
  GPtrArray     *former_identities;
  TafelLog      *log;
  TafelLogFile  *file;
  gulong         added_handler;
  GError        *store_error;  /* the last failure to store integrated records */
  /* Per author (TafelPublicKey * → GPtrArray of TafelRecord): integrated
   * records the file lacks, kept from ::records-added while their run's
   * signed end has not come, so storing the run does not have to look
   * each one up again. Only a shortcut: collect_unstored() is the truth. */
  GHashTable    *unstored;
};

G_DEFINE_FINAL_TYPE (TafelBoard, tafel_board, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_TITLE,
  PROP_IDENTITY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const TafelHash zero_hash;

char *
tafel_default_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "tafel", NULL);
}

/* ---- The object ---------------------------------------------------------- */

static gboolean store_unstored (TafelBoard  *self,
                                TafelRecord **extra,
                                guint         n_extra,
                                GError      **error);

static void
tafel_board_dispose (GObject *object)
{
  TafelBoard *self = TAFEL_BOARD (object);

  if (self->file != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!store_unstored (self, NULL, 0, &error))
        g_warning ("Records of board %s could not be saved before closing it: %s",
                   self->id_hex, error->message);
      g_clear_pointer (&self->file, tafel_log_file_close);
    }
  if (self->log != NULL && self->added_handler != 0)
    g_clear_signal_handler (&self->added_handler, self->log);
  g_clear_pointer (&self->unstored, g_hash_table_unref);
  g_clear_object (&self->log);
  g_clear_object (&self->identity);
  g_clear_pointer (&self->former_identities, g_ptr_array_unref);

  G_OBJECT_CLASS (tafel_board_parent_class)->dispose (object);
}

static void
tafel_board_finalize (GObject *object)
{
  TafelBoard *self = TAFEL_BOARD (object);

  tafel_board_meta_clear (&self->meta);
  g_free (self->data_dir);
  g_free (self->dir);
  g_free (self->meta_path);
  g_free (self->id_hex);
  g_clear_error (&self->store_error);

  G_OBJECT_CLASS (tafel_board_parent_class)->finalize (object);
}

static void
tafel_board_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TafelBoard *self = TAFEL_BOARD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->meta.title);
      break;
    case PROP_IDENTITY:
      g_value_set_object (value, self->identity);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tafel_board_class_init (TafelBoardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tafel_board_dispose;
  object_class->finalize = tafel_board_finalize;
  object_class->get_property = tafel_board_get_property;

  /**
   * TafelBoard:title:
   *
   * The board's title; change it with tafel_board_set_title().
   */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * TafelBoard:identity:
   *
   * The identity new records are signed with. It changes only when this
   * device finds another device writing under it too
   * (tafel_board_replace_identity()).
   */
  properties[PROP_IDENTITY] =
    g_param_spec_object ("identity", NULL, NULL, TAFEL_TYPE_IDENTITY,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tafel_board_init (TafelBoard *self)
{
  self->former_identities = g_ptr_array_new_with_free_func (g_object_unref);
}

/* ---- Storing ------------------------------------------------------------- */

/* Adds to @batch the records of @key the log holds and the file lacks.
 *
 * Each append stores the signature of each author's last record in it, and
 * the file must end every author's chain with a signed record. A run that
 * a large sync integrates in slices has no signature on its end until its
 * last slice: while the author's head is unsigned, its unstored records
 * stay in the log only (lost in a crash, and fetched again by the next
 * sync); the append after the last slice stores them all. */
static void
collect_unstored (TafelBoard           *self,
                  const TafelPublicKey *key,
                  GPtrArray            *batch)
{
  guint64 head = tafel_log_get_head_seq (self->log, key);
  guint64 stored = tafel_log_file_get_seq (self->file, key);
  g_autoptr(TafelRecord) last = NULL;

  if (head <= stored)
    return;
  last = tafel_log_lookup_seq (self->log, key, head);
  if (tafel_record_get_signature (last) == NULL)
    return;

  for (guint64 seq = stored + 1; seq < head; seq++)
    g_ptr_array_add (batch, tafel_log_lookup_seq (self->log, key, seq));
  g_ptr_array_add (batch, g_steal_pointer (&last));
}

/* Appends, in one write, every integrated record the file lacks followed by
 * @extra (the next records of their authors, not yet integrated). */
static gboolean
store_unstored (TafelBoard   *self,
                TafelRecord **extra,
                guint         n_extra,
                GError      **error)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);

  for (guint i = 0; i < tafel_log_get_n_authors_total (self->log); i++)
    collect_unstored (self, tafel_log_get_author_key (self->log, i), batch);
  for (guint i = 0; i < n_extra; i++)
    g_ptr_array_add (batch, tafel_record_ref (extra[i]));

  if (batch->len == 0)
    return TRUE;
  if (!tafel_log_file_append (self->file, (TafelRecord **) batch->pdata, batch->len, error))
    return FALSE;
  g_clear_error (&self->store_error);
  return TRUE;
}

static guint
key_hash (gconstpointer key)
{
  guint h;

  memcpy (&h, ((const TafelPublicKey *) key)->bytes, sizeof h);
  return h;
}

static gboolean
key_equal (gconstpointer a,
           gconstpointer b)
{
  return memcmp (a, b, TAFEL_PUBLIC_KEY_BYTES) == 0;
}

/* Adds to @batch what the file lacks of @key's records, given @records
 * [start, end) (all by @key, rising seq, just integrated). A run comes in
 * slices, and the file takes an author's records only up to a signed one:
 * the slices before the signed end are kept aside, and when it comes they
 * are stored as they are, so a big sync does not look each record up in
 * the log again. Anything else falls back to collect_unstored(). */
static void
collect_unstored_from (TafelBoard           *self,
                       const TafelPublicKey *key,
                       TafelRecord         **records,
                       guint                 start,
                       guint                 end,
                       GPtrArray            *batch)
{
  guint64 head = tafel_log_get_head_seq (self->log, key);
  guint64 stored = tafel_log_file_get_seq (self->file, key);
  GPtrArray *kept = g_hash_table_lookup (self->unstored, key);
  TafelRecord *first = records[start];
  TafelRecord *last = records[end - 1];
  guint64 expected;

  /* What was kept must still follow what the file holds. */
  if (kept != NULL && kept->len > 0 && tafel_record_get_seq (kept->pdata[0]) != stored + 1)
    g_ptr_array_set_size (kept, 0);
  expected = stored + 1 + (kept != NULL ? kept->len : 0);

  if (tafel_record_get_seq (first) != expected || tafel_record_get_seq (last) != head ||
      tafel_record_get_seq (last) - tafel_record_get_seq (first) != end - 1 - start)
    {
      if (kept != NULL)
        g_ptr_array_set_size (kept, 0);
      collect_unstored (self, key, batch);
      return;
    }

  if (tafel_record_get_signature (last) == NULL)
    {
      /* Not storable yet: keep it for when the signed end comes. */
      if (kept == NULL)
        {
          TafelPublicKey *k = g_memdup2 (key, sizeof *key);

          kept = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
          g_hash_table_insert (self->unstored, k, kept);
        }
      for (guint i = start; i < end; i++)
        g_ptr_array_add (kept, tafel_record_ref (records[i]));
      return;
    }

  if (kept != NULL)
    {
      for (guint i = 0; i < kept->len; i++)
        g_ptr_array_add (batch, tafel_record_ref (kept->pdata[i]));
      g_hash_table_remove (self->unstored, key);
    }
  for (guint i = start; i < end; i++)
    g_ptr_array_add (batch, tafel_record_ref (records[i]));
}

static void
on_records_added (TafelLog   *log,
                  GPtrArray  *records,
                  TafelBoard *self)
{
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GError) error = NULL;
  gboolean any = FALSE;
  guint start;

  /* Our own commits are stored already: the common case costs a lookup. */
  for (guint i = 0; i < records->len && !any; i++)
    any = tafel_record_get_seq (records->pdata[i]) >
          tafel_log_file_get_seq (self->file, tafel_record_get_author (records->pdata[i]));
  if (!any)
    return;

  /* The records come in runs of one author each (usually a single run). */
  batch = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  seen = g_ptr_array_new ();
  for (start = 0; start < records->len;)
    {
      const TafelPublicKey *key = tafel_record_get_author (records->pdata[start]);
      guint end = start + 1;
      gboolean done = FALSE;

      while (end < records->len &&
             memcmp (tafel_record_get_author (records->pdata[end])->bytes, key->bytes, TAFEL_PUBLIC_KEY_BYTES) == 0)
        end++;
      for (guint k = 0; k < seen->len && !done; k++)
        done = memcmp (((const TafelPublicKey *) seen->pdata[k])->bytes, key->bytes, TAFEL_PUBLIC_KEY_BYTES) == 0;
      if (!done)
        {
          g_ptr_array_add (seen, (gpointer) key);
          collect_unstored_from (self, key, (TafelRecord **) records->pdata, start, end, batch);
        }
      start = end;
    }

  if (batch->len == 0)
    return;
  if (!tafel_log_file_append (self->file, (TafelRecord **) batch->pdata, batch->len, &error))
    {
      g_clear_error (&self->store_error);
      self->store_error = g_steal_pointer (&error);
    }
  else
    g_clear_error (&self->store_error);
}

static TafelBoard *
board_new (const char           *data_dir,
           TafelIdentity        *identity,
           const TafelBoardMeta *meta,
           TafelLog             *log,
           TafelLogFile         *file)
{
  TafelBoard *self = g_object_new (TAFEL_TYPE_BOARD, NULL);

  self->data_dir = g_strdup (data_dir);
  self->id_hex = tafel_board_id_to_hex (meta->id);
  self->dir = tafel_board_dir (data_dir, self->id_hex);
  self->meta_path = g_build_filename (self->dir, "meta", NULL);
  memcpy (self->meta.id, meta->id, TAFEL_BOARD_ID_BYTES);
  memcpy (self->meta.secret, meta->secret, TAFEL_BOARD_SECRET_BYTES);
  self->meta.title = g_strdup (meta->title);
  self->meta.hints = g_strdupv (meta->hints);
  self->meta.created = g_date_time_ref (meta->created);
  self->meta.last_opened = g_date_time_ref (meta->last_opened);
  self->identity = g_object_ref (identity);
  self->log = g_object_ref (log);
  self->file = file;
  self->unstored = g_hash_table_new_full (key_hash, key_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->added_handler = g_signal_connect (self->log, "records-added", G_CALLBACK (on_records_added), self);
  return self;
}

/* ---- Creating and opening ------------------------------------------------ */

static gboolean
make_dirs (const char  *data_dir,
           GError     **error)
{
  g_autofree char *boards = g_build_filename (data_dir, "boards", NULL);

  if (g_mkdir_with_parents (boards, 0700) != 0)
    {
      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_IO,
                   _("Could not create the folder “%s”: %s"), boards, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static void
remove_board_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

TafelBoard *
tafel_board_create_from (const char           *data_dir,
                         TafelIdentity        *identity,
                         const TafelBoardMeta *meta,
                         TafelLog             *records,
                         GError              **error)
{
  g_autofree char *id_hex = tafel_board_id_to_hex (meta->id);
  g_autofree char *dir = tafel_board_dir (data_dir, id_hex);
  g_autofree char *log_path = g_build_filename (dir, "log", NULL);
  g_autofree char *meta_path = g_build_filename (dir, "meta", NULL);
  g_autoptr(TafelLogFile) file = NULL;
  g_autoptr(TafelLog) log = tafel_log_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  TafelBoardMeta m = *meta;

  if (!make_dirs (data_dir, error))
    return NULL;
  if (g_mkdir (dir, 0700) != 0)
    {
      g_set_error (error, TAFEL_BOARD_ERROR, errno == EEXIST ? TAFEL_BOARD_ERROR_INVALID : TAFEL_BOARD_ERROR_IO,
                   _("Could not create the board folder “%s”: %s"), dir, g_strerror (errno));
      return NULL;
    }

  /* The log first, then the metadata: a folder without metadata is not
   * listed, so a crash in between leaves no half board behind. */
  file = tafel_log_file_create (log_path, meta->id, error);
  if (file == NULL)
    {
      remove_board_dir (dir);
      return NULL;
    }

  if (records != NULL && tafel_log_get_n_records (records) > 0)
    {
      g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
      g_autoptr(TafelVersionVector) none = tafel_version_vector_new ();
      g_autoptr(GPtrArray) missing = tafel_log_dup_missing (records, none);
      guint start = 0;

      if (!tafel_log_file_append (file, (TafelRecord **) missing->pdata, missing->len, error) ||
          !tafel_log_file_sync (file, error))
        {
          g_clear_pointer (&file, tafel_log_file_close);
          remove_board_dir (dir);
          return NULL;
        }
      for (guint i = 1; i <= missing->len; i++)
        if (i == missing->len ||
            memcmp (tafel_record_get_author (missing->pdata[i]),
                    tafel_record_get_author (missing->pdata[start]), TAFEL_PUBLIC_KEY_BYTES) != 0)
          {
            if (!tafel_log_add_trusted_run (log, (TafelRecord **) missing->pdata + start, i - start, error))
              g_return_val_if_reached (NULL);
            start = i;
          }
    }

  if (m.created == NULL)
    m.created = now;
  m.last_opened = now;
  if (!tafel_board_meta_write (meta_path, &m, error))
    {
      g_clear_pointer (&file, tafel_log_file_close);
      remove_board_dir (dir);
      return NULL;
    }

  return board_new (data_dir, identity, &m, log, g_steal_pointer (&file));
}

/**
 * tafel_board_create:
 * @data_dir: the Tafel data folder
 * @identity: this device's identity
 * @title: (nullable): the title; %NULL for a default one
 * @error: return location for a #GError
 *
 * Creates a new board with a random id and secret.
 *
 * Returns: (transfer full): the open board, or %NULL (TAFEL_BOARD_ERROR_INVALID
 *   for a bad title, _IO if the disk refuses)
 */
TafelBoard *
tafel_board_create (const char     *data_dir,
                    TafelIdentity  *identity,
                    const char     *title,
                    GError        **error)
{
  TafelBoardMeta meta = { 0 };
  TafelBoard *board;
  const char *no_hints[] = { NULL };

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (TAFEL_IS_IDENTITY (identity), NULL);

  if (title == NULL)
    title = _("Untitled board");
  if (!tafel_board_check_title (title, error))
    return NULL;

  tafel_random_bytes (meta.id, sizeof meta.id);
  tafel_random_bytes (meta.secret, sizeof meta.secret);
  meta.title = (char *) title;
  meta.hints = (char **) no_hints;
  board = tafel_board_create_from (data_dir, identity, &meta, NULL, error);
  tafel_memzero (meta.secret, sizeof meta.secret);
  return board;
}

static gboolean
is_board_name (const char *name)
{
  guint8 id[TAFEL_BOARD_ID_BYTES];

  return tafel_board_id_from_hex (name, id);
}

/* Finds the board folder name for a full id or a unique prefix. */
static char *
resolve (const char  *data_dir,
         const char  *id_or_prefix,
         GError     **error)
{
  g_autofree char *boards = g_build_filename (data_dir, "boards", NULL);
  g_autofree char *prefix = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *found = NULL;
  guint n_found = 0;
  const char *name;

  if (id_or_prefix == NULL || id_or_prefix[0] == '\0')
    {
      g_set_error_literal (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID,
                           _("No board id was given"));
      return NULL;
    }
  prefix = g_ascii_strdown (id_or_prefix, -1);
  for (const char *p = prefix; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p))
      {
        g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_NOT_FOUND,
                     _("“%s” is not a board id"), id_or_prefix);
        return NULL;
      }
  if (strlen (prefix) > TAFEL_BOARD_ID_BYTES * 2)
    {
      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_NOT_FOUND,
                   _("“%s” is longer than a board id"), id_or_prefix);
      return NULL;
    }

  dir = g_dir_open (boards, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      if (!is_board_name (name) || !g_str_has_prefix (name, prefix))
        continue;
      n_found++;
      g_free (found);
      found = g_strdup (name);
    }

  if (n_found == 0)
    {
      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_NOT_FOUND,
                   _("There is no board “%s” in %s"), id_or_prefix, data_dir);
      return NULL;
    }
  if (n_found > 1)
    {
      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_AMBIGUOUS,
                   _("“%s” is the beginning of %u board ids; give more of it"), id_or_prefix, n_found);
      return NULL;
    }
  return g_steal_pointer (&found);
}

/* Reads the metadata in the board folder @dir and checks that it names the
 * board @id_hex, the folder's name. */
static gboolean
read_dir_meta (const char      *dir,
               const char      *id_hex,
               TafelBoardMeta  *meta,
               GError         **error)
{
  g_autofree char *meta_path = g_build_filename (dir, "meta", NULL);
  g_autofree char *meta_id = NULL;

  if (!tafel_board_meta_read (meta_path, meta, error))
    return FALSE;
  meta_id = tafel_board_id_to_hex (meta->id);
  if (!g_str_equal (meta_id, id_hex))
    {
      tafel_board_meta_clear (meta);
      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_CORRUPT,
                   _("The metadata of board %s names another board"), id_hex);
      return FALSE;
    }
  return TRUE;
}

static TafelBoard *
open_dir (const char     *data_dir,
          TafelIdentity  *identity,
          const char     *id_hex,
          GError        **error)
{
  g_autofree char *dir = tafel_board_dir (data_dir, id_hex);
  g_autofree char *meta_path = g_build_filename (dir, "meta", NULL);
  g_autofree char *log_path = g_build_filename (dir, "log", NULL);
  g_auto(TafelBoardMeta) meta = { 0 };
  g_autoptr(TafelLog) log = tafel_log_new ();
  g_autoptr(TafelLogFile) file = NULL;
  TafelBoard *self;

  if (!read_dir_meta (dir, id_hex, &meta, error))
    return NULL;
  file = tafel_log_file_open (log_path, meta.id, log, error);
  if (file == NULL)
    return NULL;

  /* Remember when it was opened (for the list of boards). Failing to is no
   * reason to refuse the board. */
  g_clear_pointer (&meta.last_opened, g_date_time_unref);
  meta.last_opened = g_date_time_new_now_utc ();
  {
    g_autoptr(GError) local_error = NULL;

    if (!tafel_board_meta_write (meta_path, &meta, &local_error))
      g_debug ("Could not record when board %s was opened: %s", id_hex, local_error->message);
  }

  self = board_new (data_dir, identity, &meta, log, g_steal_pointer (&file));
  return self;
}

/**
 * tafel_board_open:
 * @data_dir: the Tafel data folder
 * @identity: this device's identity
 * @id_or_prefix: a board id in hex, or a unique prefix of one
 * @error: return location for a #GError
 *
 * Opens a board of the data folder, reading back and verifying its log
 * (see tafel-log-file.c), and records when it was opened.
 *
 * Returns: (transfer full): the board, or %NULL with TAFEL_BOARD_ERROR_NOT_FOUND,
 *   _AMBIGUOUS, _CORRUPT, _NEWER_VERSION, _BUSY or _IO
 */
TafelBoard *
tafel_board_open (const char     *data_dir,
                  TafelIdentity  *identity,
                  const char     *id_or_prefix,
                  GError        **error)
{
  g_autofree char *id_hex = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (TAFEL_IS_IDENTITY (identity), NULL);

  id_hex = resolve (data_dir, id_or_prefix, error);
  if (id_hex == NULL)
    return NULL;
  return open_dir (data_dir, identity, id_hex, error);
}

void
tafel_board_repair_clear (TafelBoardRepair *repair)
{
  g_clear_pointer (&repair->backup_path, g_free);
}

/**
 * tafel_board_repair:
 * @data_dir: the Tafel data folder
 * @id_or_prefix: a board id in hex, or a unique prefix of one
 * @repair: (out caller-allocates): what was kept, dropped and backed up;
 *   clear with tafel_board_repair_clear()
 * @error: return location for a #GError
 *
 * Repairs a board whose log is damaged: the damaged log stays beside the
 * new one as `log.damaged-<time>`, and the new log holds every record that
 * is still intact and verified (each author's chain up to the last stored
 * signature that verifies). What was lost comes back from peers by sync.
 *
 * Returns: %TRUE on success; TAFEL_BOARD_ERROR_NOT_FOUND, _AMBIGUOUS,
 *   _CORRUPT (the metadata is damaged), _BUSY or _IO otherwise
 */
gboolean
tafel_board_repair (const char        *data_dir,
                    const char        *id_or_prefix,
                    TafelBoardRepair  *repair,
                    GError           **error)
{
  g_autofree char *id_hex = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *stamp = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_auto(TafelBoardMeta) meta = { 0 };

  g_return_val_if_fail (data_dir != NULL, FALSE);
  g_return_val_if_fail (repair != NULL, FALSE);

  memset (repair, 0, sizeof *repair);
  id_hex = resolve (data_dir, id_or_prefix, error);
  if (id_hex == NULL)
    return FALSE;
  dir = tafel_board_dir (data_dir, id_hex);
  log_path = g_build_filename (dir, "log", NULL);
  if (!read_dir_meta (dir, id_hex, &meta, error))
    return FALSE;

  stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *name = i == 0 ? g_strdup_printf ("log.damaged-%s", stamp)
                                     : g_strdup_printf ("log.damaged-%s-%u", stamp, i);

      g_free (repair->backup_path);
      repair->backup_path = g_build_filename (dir, name, NULL);
      if (!g_file_test (repair->backup_path, G_FILE_TEST_EXISTS))
        break;
    }
  if (!tafel_log_file_repair (log_path, meta.id, repair->backup_path, &repair->n_kept,
                              &repair->n_dropped, &repair->damaged_bytes, error))
    {
      tafel_board_repair_clear (repair);
      return FALSE;
    }
  return TRUE;
}

/**
 * tafel_board_read:
 * @data_dir: the Tafel data folder
 * @id_or_prefix: a board id or a unique prefix of one
 * @title: (out) (optional) (transfer full): the board's title
 * @id: (out caller-allocates) (optional): the board id, %TAFEL_BOARD_ID_BYTES
 * @error: return location for a #GError
 *
 * Reads a board's records and title without opening it for writing: no
 * lock is taken and nothing on disk changes, so this works while the app
 * or a `tafel-cli seed` has the board open (a record being written at that
 * moment is simply not part of what is read).
 *
 * Returns: (transfer full): a log with the board's records, or %NULL
 */
TafelLog *
tafel_board_read (const char  *data_dir,
                  const char  *id_or_prefix,
                  char       **title,
                  guint8      *id,
                  GError     **error)
{
  g_autofree char *id_hex = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *log_path = NULL;
  g_auto(TafelBoardMeta) meta = { 0 };
  g_autoptr(TafelLog) log = tafel_log_new ();

  g_return_val_if_fail (data_dir != NULL, NULL);

  id_hex = resolve (data_dir, id_or_prefix, error);
  if (id_hex == NULL)
    return NULL;
  dir = tafel_board_dir (data_dir, id_hex);
  log_path = g_build_filename (dir, "log", NULL);
  if (!read_dir_meta (dir, id_hex, &meta, error))
    return NULL;
  if (!tafel_log_file_read (log_path, meta.id, log, error))
    return NULL;

  if (title != NULL)
    *title = g_strdup (meta.title);
  if (id != NULL)
    memcpy (id, meta.id, TAFEL_BOARD_ID_BYTES);
  return g_steal_pointer (&log);
}

/**
 * tafel_board_join:
 * @data_dir: the Tafel data folder
 * @identity: this device's identity
 * @id: the board id
 * @secret: the board secret
 * @title: (nullable): a title for a new local copy (%NULL for a default)
 * @error: return location for a #GError
 *
 * Opens the board if it is here (its secret must match), creates an empty
 * local copy otherwise.
 *
 * Returns: (transfer full): the board, or %NULL
 */
TafelBoard *
tafel_board_join (const char     *data_dir,
                  TafelIdentity  *identity,
                  const guint8    id[TAFEL_BOARD_ID_BYTES],
                  const guint8    secret[TAFEL_BOARD_SECRET_BYTES],
                  const char     *title,
                  GError        **error)
{
  g_autofree char *id_hex = NULL;
  g_autofree char *dir = NULL;
  TafelBoardMeta meta = { 0 };
  const char *no_hints[] = { NULL };
  TafelBoard *board;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (TAFEL_IS_IDENTITY (identity), NULL);
  g_return_val_if_fail (id != NULL && secret != NULL, NULL);

  id_hex = tafel_board_id_to_hex (id);
  dir = tafel_board_dir (data_dir, id_hex);
  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      board = open_dir (data_dir, identity, id_hex, error);
      if (board != NULL && !tafel_memequal (board->meta.secret, secret, TAFEL_BOARD_SECRET_BYTES))
        {
          g_object_unref (board);
          g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID,
                       _("A different board with the id %s is already here"), id_hex);
          return NULL;
        }
      return board;
    }

  if (title == NULL)
    title = _("Shared board");
  if (!tafel_board_check_title (title, error))
    return NULL;
  memcpy (meta.id, id, TAFEL_BOARD_ID_BYTES);
  memcpy (meta.secret, secret, TAFEL_BOARD_SECRET_BYTES);
  meta.title = (char *) title;
  meta.hints = (char **) no_hints;
  board = tafel_board_create_from (data_dir, identity, &meta, NULL, error);
  tafel_memzero (meta.secret, sizeof meta.secret);
  return board;
}

/**
 * tafel_board_delete:
 * @data_dir: the Tafel data folder
 * @id_hex: the board's full id in hex
 * @error: return location for a #GError
 *
 * Deletes a board's folder (log and metadata). A board open in a process
 * fails with TAFEL_BOARD_ERROR_BUSY.
 *
 * Returns: %TRUE on success
 */
gboolean
tafel_board_delete (const char  *data_dir,
                    const char  *id_hex,
                    GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *lower = NULL;
  guint8 id[TAFEL_BOARD_ID_BYTES];
  int fd;

  g_return_val_if_fail (data_dir != NULL, FALSE);
  g_return_val_if_fail (id_hex != NULL, FALSE);

  lower = g_ascii_strdown (id_hex, -1);
  if (!tafel_board_id_from_hex (lower, id))
    {
      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID,
                   _("“%s” is not a full board id"), id_hex);
      return FALSE;
    }
  dir = tafel_board_dir (data_dir, lower);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_NOT_FOUND,
                   _("There is no board “%s” in %s"), id_hex, data_dir);
      return FALSE;
    }

  /* Hold the board's lock while deleting, so an open board is not pulled
   * from under its process. */
  log_path = g_build_filename (dir, "log", NULL);
  fd = open (log_path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fd >= 0 && flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_BUSY,
                   _("The board %s is open in a Tafel program"), lower);
      return FALSE;
    }
  remove_board_dir (dir);
  if (fd >= 0)
    close (fd);
  if (g_file_test (dir, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_IO,
                   _("Could not delete the board folder “%s”"), dir);
      return FALSE;
    }
  return TRUE;
}

/* ---- Accessors ----------------------------------------------------------- */

const guint8 *
tafel_board_get_id (TafelBoard *self)
{
  g_return_val_if_fail (TAFEL_IS_BOARD (self), NULL);
  return self->meta.id;
}

const char *
tafel_board_get_id_hex (TafelBoard *self)
{
  g_return_val_if_fail (TAFEL_IS_BOARD (self), NULL);
  return self->id_hex;
}

const guint8 *
tafel_board_get_secret (TafelBoard *self)
{
  g_return_val_if_fail (TAFEL_IS_BOARD (self), NULL);
  return self->meta.secret;
}

const char *
tafel_board_get_title (TafelBoard *self)
{
  g_return_val_if_fail (TAFEL_IS_BOARD (self), NULL);
  return self->meta.title;
}

/**
 * tafel_board_set_title:
 * @self: a board
 * @title: the new title: non-blank UTF-8 of at most TAFEL_BOARD_TITLE_MAX_BYTES
 * @error: return location for a #GError
 *
 * Renames the board (saved in its metadata, which is written first).
 *
 * Returns: %TRUE on success
 */
gboolean
tafel_board_set_title (TafelBoard  *self,
                       const char  *title,
                       GError     **error)
{
  TafelBoardMeta m;

  g_return_val_if_fail (TAFEL_IS_BOARD (self), FALSE);

  if (!tafel_board_check_title (title, error))
    return FALSE;
  if (g_str_equal (title, self->meta.title))
    return TRUE;
  m = self->meta;
  m.title = (char *) title;
  if (!tafel_board_meta_write (self->meta_path, &m, error))
    return FALSE;
  g_free (self->meta.title);
  self->meta.title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  return TRUE;
}

const char *
tafel_board_get_path (TafelBoard *self)
{
  g_return_val_if_fail (TAFEL_IS_BOARD (self), NULL);
  return self->dir;
}

/**
 * tafel_board_get_log:
 * @self: a board
 *
 * Returns: (transfer none): the board's record log
 */
TafelLog *
tafel_board_get_log (TafelBoard *self)
{
  g_return_val_if_fail (TAFEL_IS_BOARD (self), NULL);
  return self->log;
}

/**
 * tafel_board_get_identity:
 * @self: a board
 *
 * Returns: (transfer none): the identity local records are signed with
 */
TafelIdentity *
tafel_board_get_identity (TafelBoard *self)
{
  g_return_val_if_fail (TAFEL_IS_BOARD (self), NULL);
  return self->identity;
}

const char * const *
tafel_board_get_hints (TafelBoard *self)
{
  g_return_val_if_fail (TAFEL_IS_BOARD (self), NULL);
  return (const char * const *) self->meta.hints;
}

gboolean
tafel_board_set_hints (TafelBoard          *self,
                       const char * const  *hints,
                       GError             **error)
{
  TafelBoardMeta m;
  const char *none[] = { NULL };

  g_return_val_if_fail (TAFEL_IS_BOARD (self), FALSE);

  if (hints == NULL)
    hints = none;
  for (guint i = 0; hints[i] != NULL; i++)
    {
      if (i >= TAFEL_INVITE_MAX_BROKERS)
        {
          g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID,
                       _("A board has at most %d rendezvous hints"), TAFEL_INVITE_MAX_BROKERS);
          return FALSE;
        }
      if (!tafel_board_check_hint (hints[i], error))
        return FALSE;
    }
  m = self->meta;
  m.hints = (char **) hints;
  if (!tafel_board_meta_write (self->meta_path, &m, error))
    return FALSE;
  g_strfreev (self->meta.hints);
  self->meta.hints = g_strdupv ((char **) hints);
  return TRUE;
}

/* ---- Moving to a new identity (tafel-board-identity.c) ------------------- */

const char *
_tafel_board_get_data_dir (TafelBoard *self)
{
  return self->data_dir;
}

void
_tafel_board_swap_identity (TafelBoard    *self,
                            TafelIdentity *identity)
{
  g_ptr_array_add (self->former_identities, g_steal_pointer (&self->identity));
  self->identity = g_object_ref (identity);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDENTITY]);
}

void
_tafel_board_forget_former_identity (TafelBoard    *self,
                                     TafelIdentity *former)
{
  g_ptr_array_remove (self->former_identities, former);
}

/**
 * tafel_board_get_former_identities:
 * @self: a board
 *
 * Returns: (transfer none) (element-type TafelIdentity): identities this
 *   board wrote under before tafel_board_replace_identity(), whose refused
 *   records are still to be issued again with tafel_board_reissue()
 */
GPtrArray *
tafel_board_get_former_identities (TafelBoard *self)
{
  g_return_val_if_fail (TAFEL_IS_BOARD (self), NULL);
  return self->former_identities;
}

/* Writes the log file anew without @author's records from @from_seq on
 * (@head_signature signs the record that becomes its last), synced, and
 * renamed over the old one; then takes those records out of the log. On
 * failure the file and the log are as they were. */
gboolean
_tafel_board_drop_tail (TafelBoard           *self,
                        const TafelPublicKey *author,
                        guint64               from_seq,
                        const TafelSignature *head_signature,
                        GError              **error)
{
  g_autofree char *log_path = g_build_filename (self->dir, "log", NULL);
  g_autofree char *new_path = g_build_filename (self->dir, "log.rewrite", NULL);
  g_autoptr(TafelLog) stored = tafel_log_new ();
  g_autoptr(TafelVersionVector) none = tafel_version_vector_new ();
  g_autoptr(GPtrArray) keep = NULL;
  g_autoptr(TafelLogFile) file = NULL;

  /* What the file holds, read back as it is (its heads signed), less the
   * dropped records. */
  if (!store_unstored (self, NULL, 0, error) || !tafel_log_file_sync (self->file, error) ||
      !tafel_log_file_read (log_path, self->meta.id, stored, error))
    return FALSE;
  if (tafel_log_get_head_seq (stored, author) >= from_seq &&
      !tafel_log_drop_tail (stored, author, from_seq, head_signature, error))
    return FALSE;
  keep = tafel_log_dup_missing (stored, none);

  g_unlink (new_path);  /* a leftover of an interrupted rewrite */
  file = tafel_log_file_create (new_path, self->meta.id, error);
  if (file == NULL)
    return FALSE;
  if (!tafel_log_file_append (file, (TafelRecord **) keep->pdata, keep->len, error) ||
      !tafel_log_file_sync (file, error))
    {
      g_unlink (new_path);
      return FALSE;
    }
  if (g_rename (new_path, log_path) != 0)
    {
      int saved = errno;

      g_unlink (new_path);
      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_IO,
                   _("Could not replace the board’s log “%s”: %s"), log_path, g_strerror (saved));
      return FALSE;
    }
  tafel_log_file_close (self->file);
  self->file = g_steal_pointer (&file);
  g_hash_table_remove (self->unstored, author);

  if (!tafel_log_drop_tail (self->log, author, from_seq, head_signature, error))
    g_return_val_if_reached (FALSE);  /* the file said the same a moment ago */
  return TRUE;
}

/* ---- Committing ---------------------------------------------------------- */

static GPtrArray *
sign_next (TafelBoard  *self,
           guint        kind,
           GBytes     **bodies,
           guint        n_bodies,
           GError     **error)
{
  const TafelPublicKey *me = tafel_identity_get_public_key (self->identity);
  g_autoptr(GPtrArray) records = g_ptr_array_new_full (n_bodies, (GDestroyNotify) tafel_record_unref);
  guint64 seq = tafel_log_get_head_seq (self->log, me);
  guint64 lamport = tafel_log_get_max_lamport (self->log);
  TafelHash prev = zero_hash;
  TafelLogEntryView view;

  if (kind == 0)
    {
      g_set_error_literal (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID, _("Record kind 0 does not exist"));
      return NULL;
    }
  if (seq > 0 && tafel_log_peek (self->log, me, seq, &view))
    prev = *view.id;
  if (lamport + n_bodies > TAFEL_RECORD_MAX_CLOCK || seq + n_bodies > TAFEL_RECORD_MAX_CLOCK)
    {
      g_set_error_literal (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID,
                           _("The board’s clock has run out"));
      return NULL;
    }

  for (guint i = 0; i < n_bodies; i++)
    {
      TafelRecord *r;
      g_autoptr(GError) local_error = NULL;

      if (bodies[i] == NULL ||
          g_bytes_get_size (bodies[i]) + TAFEL_RECORD_HEADER_MAX + 1 + TAFEL_SIGNATURE_BYTES > TAFEL_RECORD_MAX_BYTES)
        {
          g_set_error_literal (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID,
                               _("A record body is missing or too large"));
          return NULL;
        }
      r = tafel_identity_sign_record (self->identity, seq + 1 + i, seq + i > 0 ? &prev : NULL,
                                      lamport + 1 + i, kind, bodies[i]);
      g_ptr_array_add (records, r);
      if (!tafel_record_check_body (r, &local_error))
        {
          g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID,
                       _("The record body is not valid: %s"), local_error->message);
          return NULL;
        }
      prev = *tafel_record_get_id (r);
    }
  return g_steal_pointer (&records);
}

static gboolean
commit_records (TafelBoard  *self,
                GPtrArray   *records,
                gboolean     sync,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  /* Written before anyone can see them; nothing is integrated if the disk
   * refuses. */
  if (!store_unstored (self, (TafelRecord **) records->pdata, records->len, error))
    return FALSE;
  if (sync && !tafel_log_file_sync (self->file, error))
    return FALSE;
  if (!tafel_log_add_trusted_run (self->log, (TafelRecord **) records->pdata, records->len, &local_error))
    {
      /* Only possible if someone else added our own records meanwhile. */
      g_set_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID,
                   _("The new record could not join the board: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * tafel_board_commit:
 * @self: a board
 * @kind: the record kind
 * @body: its body (known kinds are validated)
 * @error: return location for a #GError
 *
 * Signs the next record of this device's identity (seq = head + 1,
 * prev = head, lamport = the largest seen + 1), appends it to the log file
 * and then integrates it. If the disk refuses (TAFEL_BOARD_ERROR_IO),
 * nothing is integrated and the file is as it was.
 *
 * Returns: (transfer full): the record, or %NULL
 */
TafelRecord *
tafel_board_commit (TafelBoard  *self,
                    guint        kind,
                    GBytes      *body,
                    GError     **error)
{
  g_autoptr(GPtrArray) records = NULL;

  g_return_val_if_fail (TAFEL_IS_BOARD (self), NULL);
  g_return_val_if_fail (body != NULL, NULL);

  records = sign_next (self, kind, &body, 1, error);
  if (records == NULL || !commit_records (self, records, FALSE, error))
    return NULL;
  return tafel_record_ref (records->pdata[0]);
}

/**
 * tafel_board_commit_many:
 * @self: a board
 * @kind: the record kind
 * @bodies: (array length=n_bodies): the bodies
 * @n_bodies: how many
 * @error: return location for a #GError
 *
 * Commits many records at once (a bulk import): each is signed, all are
 * written with one write and one fsync, then integrated as one run.
 *
 * Returns: %TRUE on success; on failure nothing is integrated
 */
gboolean
tafel_board_commit_many (TafelBoard  *self,
                         guint        kind,
                         GBytes     **bodies,
                         guint        n_bodies,
                         GError     **error)
{
  g_autoptr(GPtrArray) records = NULL;

  g_return_val_if_fail (TAFEL_IS_BOARD (self), FALSE);
  g_return_val_if_fail (bodies != NULL || n_bodies == 0, FALSE);

  if (n_bodies == 0)
    return TRUE;
  records = sign_next (self, kind, bodies, n_bodies, error);
  return records != NULL && commit_records (self, records, TRUE, error);
}

static gboolean
receive_done (TafelBoard  *self,
              gboolean     ok,
              GError      *log_error,
              GError     **error)
{
  if (!ok)
    {
      g_propagate_error (error, log_error);
      return FALSE;
    }
  if (self->store_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->store_error));
      return FALSE;
    }
  return TRUE;
}

/**
 * tafel_board_receive:
 * @self: a board
 * @record: a signed record from a peer
 * @error: return location for a #GError
 *
 * Adds @record to the log (see tafel_log_add()) and stores what was
 * integrated. Fails with TAFEL_LOG_ERROR if the log refuses the record,
 * and with TAFEL_BOARD_ERROR_IO if it was integrated but could not be
 * written yet (it is written with the next append or flush).
 *
 * Returns: %TRUE on success
 */
gboolean
tafel_board_receive (TafelBoard   *self,
                     TafelRecord  *record,
                     GError      **error)
{
  GError *log_error = NULL;
  gboolean ok;

  g_return_val_if_fail (TAFEL_IS_BOARD (self), FALSE);

  g_clear_error (&self->store_error);
  ok = tafel_log_add (self->log, record, &log_error);
  return receive_done (self, ok, log_error, error);
}

/**
 * tafel_board_receive_run:
 * @self: a board
 * @records: (array length=n_records): one author's gapless run
 * @n_records: how many
 * @error: return location for a #GError
 *
 * Like tafel_board_receive() for a run (see tafel_log_add_run()).
 *
 * Returns: %TRUE on success
 */
gboolean
tafel_board_receive_run (TafelBoard   *self,
                         TafelRecord **records,
                         guint         n_records,
                         GError      **error)
{
  GError *log_error = NULL;
  gboolean ok;

  g_return_val_if_fail (TAFEL_IS_BOARD (self), FALSE);

  g_clear_error (&self->store_error);
  ok = tafel_log_add_run (self->log, records, n_records, &log_error);
  return receive_done (self, ok, log_error, error);
}

/**
 * tafel_board_flush:
 * @self: a board
 * @error: return location for a #GError
 *
 * Writes what an earlier failure left unwritten and makes everything
 * written so far durable (fsync).
 *
 * Returns: %TRUE on success
 */
gboolean
tafel_board_flush (TafelBoard  *self,
                   GError     **error)
{
  g_return_val_if_fail (TAFEL_IS_BOARD (self), FALSE);

  return store_unstored (self, NULL, 0, error) && tafel_log_file_sync (self->file, error);
}

gboolean
tafel_board_merge_log (TafelBoard  *self,
                       TafelLog    *records,
                       GError     **error)
{
  g_autoptr(TafelVersionVector) mine = tafel_log_dup_version_vector (self->log);
  g_autoptr(TafelVersionVector) theirs = tafel_log_dup_version_vector (records);
  g_autoptr(GPtrArray) missing = NULL;
  guint start = 0;

  /* Refuse before changing anything if any author differs at a common seq. */
  for (guint i = 0; i < tafel_version_vector_get_size (theirs); i++)
    {
      const TafelPublicKey *key;
      guint64 their_seq, common;
      TafelLogEntryView a, b;

      tafel_version_vector_get (theirs, i, &key, &their_seq, NULL);
      common = MIN (their_seq, tafel_version_vector_lookup (mine, key));
      if (common > 0 &&
          (!tafel_log_peek (self->log, key, common, &a) || !tafel_log_peek (records, key, common, &b) ||
           !tafel_hash_equal (a.id, b.id)))
        {
          g_set_error_literal (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_BAD_FILE,
                               _("The file’s records contradict the board’s: an author signed two different versions"));
          return FALSE;
        }
    }

  missing = tafel_log_dup_missing (records, mine);
  for (guint i = 1; i <= missing->len; i++)
    if (i == missing->len ||
        memcmp (tafel_record_get_author (missing->pdata[i]),
                tafel_record_get_author (missing->pdata[start]), TAFEL_PUBLIC_KEY_BYTES) != 0)
      {
        if (!tafel_board_receive_run (self, (TafelRecord **) missing->pdata + start, i - start, error))
          return FALSE;
        start = i;
      }
  return tafel_board_flush (self, error);
}
