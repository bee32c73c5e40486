/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tafel-bytes.h"
#include "tafel-log-private.h"
#include "tafel-log.h"
#include "tafel-record-private.h"

/* How the log keeps a board's records small in memory (a board of 7 M
 * points must fit in a few tens of megabytes):
 *
 *  - per author, an array of fixed-size entries indexed by seq - 1: the
 *    record's id, lamport, kind and a pointer to its body;
 *  - a version 2 record (docs/access.md) is marked by the top bit of its
 *    entry's body length (a body is far below 2 GiB), and its key id and
 *    time (u32 and u64, little-endian: ENTRY_V2_EXTRA bytes) sit in the
 *    arena just before its body, so version 1 entries pay nothing;
 *  - bodies are copied, packed as they came, into an arena of 1 MiB chunks
 *    that never move, shared by reference with the GBytes of records
 *    handed out, so a record outlives the log safely;
 *  - prev is not stored: it is the id of the entry before;
 *  - only each author's head keeps its signature, which is all a peer
 *    needs (a run sent to a peer always ends at our head);
 *  - lookups by id go through an open-addressing table of 8-byte slots
 *    naming (author, seq).
 *
 * TafelRecords are built on demand by lookup(), foreach() and
 * dup_missing().
 *
 * Held records (whose predecessor is missing) are kept whole, bounded by
 * TAFEL_LOG_MAX_HELD_RECORDS / _BYTES in total and half of that per
 * author; a record or run that would go beyond is refused with
 * TAFEL_LOG_ERROR_HELD_FULL and changes nothing, so the sender can offer it
 * again once the gap is filled. */

G_DEFINE_QUARK (tafel-log-error-quark, tafel_log_error)

#define ARENA_CHUNK (1024 * 1024)

/* ---- Arena --------------------------------------------------------------- */

typedef struct
{
  gatomicrefcount ref_count;
  GPtrArray      *chunks;
  guint8         *cur;
  gsize           used;
  gsize           size;
} Arena;

static Arena *
arena_new (void)
{
  Arena *arena = g_new0 (Arena, 1);

  g_atomic_ref_count_init (&arena->ref_count);
  arena->chunks = g_ptr_array_new_with_free_func (g_free);
  return arena;
}

static Arena *
arena_ref (Arena *arena)
{
  g_atomic_ref_count_inc (&arena->ref_count);
  return arena;
}

static void
arena_unref (gpointer data)
{
  Arena *arena = data;

  if (g_atomic_ref_count_dec (&arena->ref_count))
    {
      g_ptr_array_unref (arena->chunks);
      g_free (arena);
    }
}

static guint8 *
arena_alloc (Arena *arena,
             gsize  len)
{
  guint8 *p;

  if (len > ARENA_CHUNK / 4)
    {
      p = g_malloc (MAX (len, 1));
      g_ptr_array_add (arena->chunks, p);
    }
  else
    {
      if (arena->cur == NULL || arena->size - arena->used < len)
        {
          arena->cur = g_malloc (ARENA_CHUNK);
          arena->used = 0;
          arena->size = ARENA_CHUNK;
          g_ptr_array_add (arena->chunks, arena->cur);
        }
      p = arena->cur + arena->used;
      arena->used += len;
    }
  return p;
}

/* ---- Authors ------------------------------------------------------------- */

typedef struct
{
  TafelHash     id;
  guint64       lamport;
  const guint8 *body;
  guint32       body_len;  /* | ENTRY_V2 for a version 2 record */
  guint32       kind;
} Entry;

#define ENTRY_V2       0x80000000u
#define ENTRY_V2_EXTRA 12  /* u32 key id, u64 time, before the body */

G_STATIC_ASSERT (TAFEL_RECORD_MAX_BYTES < ENTRY_V2);

static inline gsize
entry_body_len (const Entry *e)
{
  return e->body_len & ~ENTRY_V2;
}

static inline guint
entry_version (const Entry *e)
{
  return (e->body_len & ENTRY_V2) != 0 ? TAFEL_RECORD_VERSION_2 : TAFEL_RECORD_VERSION;
}

static inline guint32
entry_key_id (const Entry *e)
{
  return (e->body_len & ENTRY_V2) != 0 ? tafel_load_u32 (e->body - ENTRY_V2_EXTRA) : 0;
}

static inline guint64
entry_time (const Entry *e)
{
  if ((e->body_len & ENTRY_V2) == 0)
    return 0;
  return tafel_load_u32 (e->body - 8) | ((guint64) tafel_load_u32 (e->body - 4) << 32);
}

typedef struct
{
  guint64      seq;     /* first member: the key of the held table */
  TafelRecord *record;
} Held;

typedef struct
{
  TafelPublicKey key;
  guint          index;
  Entry         *entries;
  gsize          n_entries;
  gsize          cap;
  gboolean       head_signed;
  TafelSignature head_sig;
  GHashTable    *held;   /* seq → Held */
  gsize          held_bytes;
} Author;

static void
held_free (gpointer data)
{
  Held *h = data;

  tafel_record_unref (h->record);
  g_free (h);
}

static void
author_free (gpointer data)
{
  Author *a = data;

  g_free (a->entries);
  g_clear_pointer (&a->held, g_hash_table_unref);
  g_free (a);
}

struct _TafelLog
{
  GObject     parent_instance;

  GHashTable *authors_by_key;  /* TafelPublicKey* → Author* (borrowed) */
  GPtrArray  *authors;         /* Author*, by index, owned */
  GPtrArray  *sorted;          /* Author*, by key */
  Arena      *arena;

  guint64    *slots;           /* the id index; 0 is empty */
  gsize       n_slots;         /* a power of two */
  gsize       n_used;
  guint64     seed;

  guint       n_records;
  guint64     max_lamport;
  guint       n_held;
  gsize       held_bytes;
};

G_DEFINE_FINAL_TYPE (TafelLog, tafel_log, G_TYPE_OBJECT)

enum
{
  SIGNAL_RECORDS_ADDED,
  SIGNAL_EQUIVOCATION,
  SIGNAL_TAIL_DROPPED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
tafel_log_finalize (GObject *object)
{
  TafelLog *self = TAFEL_LOG (object);

  g_clear_pointer (&self->authors_by_key, g_hash_table_unref);
  g_clear_pointer (&self->sorted, g_ptr_array_unref);
  g_clear_pointer (&self->authors, g_ptr_array_unref);
  g_clear_pointer (&self->arena, arena_unref);
  g_clear_pointer (&self->slots, g_free);

  G_OBJECT_CLASS (tafel_log_parent_class)->finalize (object);
}

static void
tafel_log_class_init (TafelLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tafel_log_finalize;

  /**
   * TafelLog::records-added:
   * @log: the log
   * @records: (element-type TafelRecord): the records that just became part
   *   of the log, per author in seq order
   *
   * Emitted once per add call that integrated anything. A record carries a
   * signature here only if that signature was verified (or came through a
   * trusted run); each author's last record in @records always carries
   * one.
   */
  signals[SIGNAL_RECORDS_ADDED] =
    g_signal_new ("records-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);

  /**
   * TafelLog::equivocation:
   * @log: the log
   * @author: (type gpointer): the author's TafelPublicKey
   * @seq: the seq at which two different records were signed
   */
  signals[SIGNAL_EQUIVOCATION] =
    g_signal_new ("equivocation", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_UINT64);

  /**
   * TafelLog::tail-dropped:
   * @log: the log
   * @author: (type gpointer): the author's TafelPublicKey
   * @seq: the first seq that was dropped; the author's head is now @seq - 1
   *
   * Emitted by tafel_log_drop_tail() once the records are gone.
   */
  signals[SIGNAL_TAIL_DROPPED] =
    g_signal_new ("tail-dropped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_UINT64);
}

static void
tafel_log_init (TafelLog *self)
{
  self->authors_by_key = g_hash_table_new (tafel_key_hash, tafel_key_equal);
  self->authors = g_ptr_array_new_with_free_func (author_free);
  self->sorted = g_ptr_array_new ();
  self->arena = arena_new ();
  self->n_slots = 1024;
  self->slots = g_new0 (guint64, self->n_slots);
  tafel_random_bytes ((guint8 *) &self->seed, sizeof self->seed);
}

/**
 * tafel_log_new:
 *
 * Returns: (transfer full): an empty log
 */
TafelLog *
tafel_log_new (void)
{
  return g_object_new (TAFEL_TYPE_LOG, NULL);
}

/* ---- The id index -------------------------------------------------------- */

#define SLOT_SEQ_BITS 40

static inline gsize
slot_hash (TafelLog        *self,
           const TafelHash *id)
{
  guint64 x;

  /* Ids are hashes, but a peer can grind them; the random seed keeps it
   * from aiming at our buckets. */
  memcpy (&x, id->bytes, sizeof x);
  x = (x ^ self->seed) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  return (gsize) (x >> 17) & (self->n_slots - 1);
}

static inline guint64
slot_make (Author  *author,
           guint64  seq)
{
  g_assert (seq >= 1 && seq <= (G_GUINT64_CONSTANT (1) << SLOT_SEQ_BITS));
  return ((guint64) (author->index + 1) << SLOT_SEQ_BITS) | (seq - 1);
}

static inline Entry *
slot_entry (TafelLog  *self,
            guint64    slot,
            Author   **author_out)
{
  Author *author = g_ptr_array_index (self->authors, (slot >> SLOT_SEQ_BITS) - 1);

  if (author_out != NULL)
    *author_out = author;
  return &author->entries[slot & ((G_GUINT64_CONSTANT (1) << SLOT_SEQ_BITS) - 1)];
}

static void
index_insert_slot (TafelLog *self,
                   guint64   slot)
{
  const Entry *e = slot_entry (self, slot, NULL);
  gsize i = slot_hash (self, &e->id);

  while (self->slots[i] != 0)
    i = (i + 1) & (self->n_slots - 1);
  self->slots[i] = slot;
  self->n_used++;
}

static void
index_grow (TafelLog *self)
{
  g_autofree guint64 *old = self->slots;
  gsize n_old = self->n_slots;

  self->n_slots *= 2;
  self->slots = g_new0 (guint64, self->n_slots);
  self->n_used = 0;
  for (gsize i = 0; i < n_old; i++)
    if (old[i] != 0)
      index_insert_slot (self, old[i]);
}

static void
index_insert (TafelLog *self,
              Author   *author,
              guint64   seq)
{
  /* Keep the load below 1/2 so probes stay short. */
  if ((self->n_used + 1) * 2 > self->n_slots)
    index_grow (self);
  index_insert_slot (self, slot_make (author, seq));
}

static Entry *
index_lookup (TafelLog         *self,
              const TafelHash  *id,
              Author          **author,
              guint64          *seq)
{
  gsize i = slot_hash (self, id);

  while (self->slots[i] != 0)
    {
      Entry *e = slot_entry (self, self->slots[i], author);

      if (memcmp (e->id.bytes, id->bytes, TAFEL_HASH_BYTES) == 0)
        {
          if (seq != NULL)
            *seq = (self->slots[i] & ((G_GUINT64_CONSTANT (1) << SLOT_SEQ_BITS) - 1)) + 1;
          return e;
        }
      i = (i + 1) & (self->n_slots - 1);
    }
  return NULL;
}

/* ---- Authors ------------------------------------------------------------- */

static Author *
find_author (TafelLog             *self,
             const TafelPublicKey *key)
{
  return g_hash_table_lookup (self->authors_by_key, key);
}

static Author *
ensure_author (TafelLog             *self,
               const TafelPublicKey *key)
{
  Author *author = find_author (self, key);
  guint lo = 0, hi;

  if (author != NULL)
    return author;

  author = g_new0 (Author, 1);
  author->key = *key;
  author->index = self->authors->len;
  g_ptr_array_add (self->authors, author);
  g_hash_table_insert (self->authors_by_key, &author->key, author);

  hi = self->sorted->len;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      Author *m = g_ptr_array_index (self->sorted, mid);

      if (memcmp (m->key.bytes, key->bytes, TAFEL_PUBLIC_KEY_BYTES) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  g_ptr_array_insert (self->sorted, (gint) lo, author);
  return author;
}

static inline const TafelHash *
author_head_id (Author *author)
{
  return author->n_entries > 0 ? &author->entries[author->n_entries - 1].id : NULL;
}

static inline guint64
author_head_lamport (Author *author)
{
  return author->n_entries > 0 ? author->entries[author->n_entries - 1].lamport : 0;
}

/* Appends the author's next record. The caller has checked it links. */
static void
append_entry (TafelLog              *self,
              Author                *author,
              const TafelHash       *id,
              guint64                lamport,
              guint                  kind,
              guint                  version,
              guint32                key_id,
              guint64                time,
              gconstpointer          body,
              gsize                  body_len,
              const TafelSignature  *sig)
{
  Entry *e;
  guint8 *p;

  g_assert (body_len <= TAFEL_RECORD_MAX_BYTES);
  g_assert (version == TAFEL_RECORD_VERSION || version == TAFEL_RECORD_VERSION_2);

  if (author->n_entries == author->cap)
    {
      author->cap = MAX (16, author->cap * 2);
      author->entries = g_renew (Entry, author->entries, author->cap);
    }
  e = &author->entries[author->n_entries++];
  e->id = *id;
  e->lamport = lamport;
  e->kind = kind;
  e->body_len = (guint32) body_len;
  if (version == TAFEL_RECORD_VERSION_2)
    {
      p = arena_alloc (self->arena, ENTRY_V2_EXTRA + body_len);
      tafel_store_u32 (p, key_id);
      tafel_store_u32 (p + 4, (guint32) time);
      tafel_store_u32 (p + 8, (guint32) (time >> 32));
      p += ENTRY_V2_EXTRA;
      e->body_len |= ENTRY_V2;
    }
  else
    p = arena_alloc (self->arena, body_len);
  if (body_len > 0)
    memcpy (p, body, body_len);
  e->body = p;
  author->head_signed = sig != NULL;
  if (sig != NULL)
    author->head_sig = *sig;

  index_insert (self, author, author->n_entries);
  self->n_records++;
  self->max_lamport = MAX (self->max_lamport, lamport);
}

static void
append_record (TafelLog    *self,
               Author      *author,
               TafelRecord *record)
{
  GBytes *body = tafel_record_get_body (record);

  append_entry (self, author, tafel_record_get_id (record), tafel_record_get_lamport (record),
                tafel_record_get_kind (record), tafel_record_get_version (record),
                tafel_record_get_key_id (record), tafel_record_get_time (record),
                g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                tafel_record_get_signature (record));
}

static TafelRecord *
materialise (TafelLog *self,
             Author   *author,
             guint64   seq)
{
  const Entry *e = &author->entries[seq - 1];
  const TafelHash *prev = seq > 1 ? &author->entries[seq - 2].id : NULL;
  const TafelSignature *sig = seq == author->n_entries && author->head_signed ? &author->head_sig : NULL;
  g_autoptr(GBytes) body = NULL;
  TafelRecord *record;

  body = g_bytes_new_with_free_func (e->body, entry_body_len (e), arena_unref, arena_ref (self->arena));
  if (entry_version (e) == TAFEL_RECORD_VERSION_2)
    record = tafel_record_new_with_id_v2 (&author->key, seq, prev, e->lamport, e->kind,
                                          entry_key_id (e), entry_time (e), body, sig, &e->id);
  else
    record = tafel_record_new_with_id (&author->key, seq, prev, e->lamport, e->kind, body, sig,
                                       &e->id);
  tafel_record_mark_body_checked (record);
  return record;
}

/* ---- Errors -------------------------------------------------------------- */

static gboolean
fail_log (GError     **error,
          gint         code,
          const char  *format,
          ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail_log (GError     **error,
          gint         code,
          const char  *format,
          ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    *error = g_error_new_valist (TAFEL_LOG_ERROR, code, format, args);
  va_end (args);
  return FALSE;
}

static gboolean
equivocation (TafelLog             *self,
              const TafelPublicKey *author,
              guint64               seq,
              GError              **error)
{
  g_signal_emit (self, signals[SIGNAL_EQUIVOCATION], 0, author, seq);
  return fail_log (error, TAFEL_LOG_ERROR_EQUIVOCATION,
                   _("The author signed two different records with seq %" PRIu64),
                   seq);
}

/* ---- Adding -------------------------------------------------------------- */

static void
drop_held (TafelLog *self,
           Author   *author,
           Held     *h)
{
  gsize size = g_bytes_get_size (tafel_record_get_body (h->record));

  self->n_held--;
  self->held_bytes -= size;
  author->held_bytes -= size;
  g_hash_table_remove (author->held, &h->seq);
}

/* Integrates held records of @author that now connect. */
static void
drain_held (TafelLog  *self,
            Author    *author,
            GPtrArray *added)
{
  GHashTableIter iter;
  gpointer value;
  gboolean fork = FALSE;

  if (author->held == NULL || g_hash_table_size (author->held) == 0)
    return;

  /* Held records the head has reached: duplicates, or forks. */
  g_hash_table_iter_init (&iter, author->held);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Held *old = value;
      gsize size;

      if (old->seq > author->n_entries)
        continue;
      if (!tafel_hash_equal (tafel_record_get_id (old->record), &author->entries[old->seq - 1].id))
        fork = TRUE;
      size = g_bytes_get_size (tafel_record_get_body (old->record));
      self->n_held--;
      self->held_bytes -= size;
      author->held_bytes -= size;
      g_hash_table_iter_remove (&iter);
    }
  if (fork)
    g_signal_emit (self, signals[SIGNAL_EQUIVOCATION], 0, &author->key, (guint64) author->n_entries);

  for (;;)
    {
      guint64 next = author->n_entries + 1;
      Held *h = g_hash_table_lookup (author->held, &next);
      TafelRecord *r;

      if (h == NULL)
        break;
      r = h->record;
      if ((next > 1 && !tafel_hash_equal (tafel_record_get_prev (r), author_head_id (author))) ||
          tafel_record_get_lamport (r) <= author_head_lamport (author))
        {
          /* The held chain grows from a different record at the head's seq:
           * the author forked. Keep what we have; drop what hangs off the
           * other branch. */
          g_signal_emit (self, signals[SIGNAL_EQUIVOCATION], 0, &author->key, next - 1);
          self->n_held -= g_hash_table_size (author->held);
          self->held_bytes -= author->held_bytes;
          author->held_bytes = 0;
          g_hash_table_remove_all (author->held);
          break;
        }

      append_record (self, author, r);
      g_ptr_array_add (added, tafel_record_ref (r));
      drop_held (self, author, h);
    }
}

static void
emit_added (TafelLog  *self,
            GPtrArray *added)
{
  if (added->len > 0)
    g_signal_emit (self, signals[SIGNAL_RECORDS_ADDED], 0, added);
}

/* The record as it may travel on: with its signature only where verified. */
static TafelRecord *
passable (TafelRecord *record,
          gboolean     keep_signature)
{
  if (!keep_signature && tafel_record_get_signature (record) != NULL)
    return tafel_record_with_signature (record, NULL);
  return tafel_record_ref (record);
}

static gboolean
add_run_internal (TafelLog     *self,
                  TafelRecord **records,
                  guint         n,
                  gboolean      trusted,
                  GError      **error)
{
  const TafelPublicKey *key;
  TafelRecord *last;
  Author *author;
  guint64 head, first_seq;
  guint start;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) local_error = NULL;

  if (n == 0)
    return TRUE;

  key = tafel_record_get_author (records[0]);
  first_seq = tafel_record_get_seq (records[0]);
  last = records[n - 1];

  /* 1. The run itself: one author, gapless, linked, clocks rising, bodies valid. */
  for (guint i = 0; i < n; i++)
    {
      TafelRecord *r = records[i];

      if (!tafel_key_equal (tafel_record_get_author (r), key))
        return fail_log (error, TAFEL_LOG_ERROR_BAD_RUN, _("A run mixes records of several authors"));
      if (tafel_record_get_seq (r) != first_seq + i)
        return fail_log (error, TAFEL_LOG_ERROR_BAD_RUN,
                         _("A run is not in gapless seq order at record %" PRIu64),
                         tafel_record_get_seq (r));
      if (i > 0)
        {
          if (!tafel_hash_equal (tafel_record_get_prev (r), tafel_record_get_id (records[i - 1])))
            return fail_log (error, TAFEL_LOG_ERROR_BROKEN_CHAIN,
                             _("Record %" PRIu64 " does not link to the record before it"),
                             tafel_record_get_seq (r));
          if (tafel_record_get_lamport (r) <= tafel_record_get_lamport (records[i - 1]))
            return fail_log (error, TAFEL_LOG_ERROR_INVALID,
                             _("The Lamport clock of record %" PRIu64 " does not increase"),
                             tafel_record_get_seq (r));
        }
      if (!tafel_record_check_body (r, &local_error))
        return fail_log (error, TAFEL_LOG_ERROR_INVALID, _("Record %" PRIu64 ": %s"),
                         tafel_record_get_seq (r), local_error->message);
    }

  /* 2. One signature covers the run through the links. */
  if (!trusted)
    {
      if (tafel_record_get_signature (last) == NULL)
        return fail_log (error, TAFEL_LOG_ERROR_UNSIGNED,
                         _("The run ends with record %" PRIu64 ", which carries no signature"),
                         tafel_record_get_seq (last));
      if (!tafel_record_verify_signature (last, NULL))
        return fail_log (error, TAFEL_LOG_ERROR_BAD_SIGNATURE,
                         _("The signature of record %" PRIu64 " does not match its author and content"),
                         tafel_record_get_seq (last));
    }

  /* 3. Against what we hold: duplicates are skipped, differences are forks. */
  author = find_author (self, key);
  head = author != NULL ? author->n_entries : 0;
  for (start = 0; start < n && first_seq + start <= head; start++)
    {
      if (!tafel_hash_equal (tafel_record_get_id (records[start]),
                             &author->entries[first_seq + start - 1].id))
        return equivocation (self, key, first_seq + start, error);
    }
  if (start == n)
    return TRUE;

  added = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);

  if (first_seq + start == head + 1)
    {
      TafelRecord *r = records[start];

      if (start == 0 && head > 0 &&
          !tafel_hash_equal (tafel_record_get_prev (r), author_head_id (author)))
        return fail_log (error, TAFEL_LOG_ERROR_BROKEN_CHAIN,
                         _("Record %" PRIu64 " does not link to the record before it"),
                         tafel_record_get_seq (r));
      if (author != NULL && tafel_record_get_lamport (r) <= author_head_lamport (author))
        return fail_log (error, TAFEL_LOG_ERROR_INVALID,
                         _("The Lamport clock of record %" PRIu64 " does not increase"),
                         tafel_record_get_seq (r));

      author = ensure_author (self, key);
      for (guint i = start; i < n; i++)
        {
          TafelRecord *p = passable (records[i], trusted || i == n - 1);

          append_record (self, author, p);
          g_ptr_array_add (added, p);
        }
      drain_held (self, author, added);
    }
  else
    {
      /* A gap before the run: hold it, within the limits. */
      guint new_count = 0;
      gsize new_bytes = 0;

      for (guint i = start; i < n; i++)
        {
          guint64 seq = first_seq + i;
          Held *h = author != NULL && author->held != NULL ? g_hash_table_lookup (author->held, &seq) : NULL;

          if (h != NULL)
            {
              if (!tafel_hash_equal (tafel_record_get_id (h->record), tafel_record_get_id (records[i])))
                return equivocation (self, key, seq, error);
              /* The same record: keep a verified signature where the held
               * copy has none, so the held records always end signed. */
              if (i == n - 1 && tafel_record_get_signature (records[i]) != NULL &&
                  tafel_record_get_signature (h->record) == NULL)
                {
                  tafel_record_unref (h->record);
                  h->record = tafel_record_ref (records[i]);
                }
            }
          else
            {
              new_count++;
              new_bytes += g_bytes_get_size (tafel_record_get_body (records[i]));
            }
        }
      if (new_count == 0)
        return TRUE;
      if (self->n_held + new_count > TAFEL_LOG_MAX_HELD_RECORDS ||
          self->held_bytes + new_bytes > TAFEL_LOG_MAX_HELD_BYTES ||
          (author != NULL && author->held != NULL &&
           (g_hash_table_size (author->held) + new_count > TAFEL_LOG_MAX_HELD_RECORDS / 2 ||
            author->held_bytes + new_bytes > TAFEL_LOG_MAX_HELD_BYTES / 2)) ||
          new_count > TAFEL_LOG_MAX_HELD_RECORDS / 2 || new_bytes > TAFEL_LOG_MAX_HELD_BYTES / 2)
        return fail_log (error, TAFEL_LOG_ERROR_HELD_FULL,
                         _("Too many records are waiting for earlier ones; offer these again later"));

      author = ensure_author (self, key);
      if (author->held == NULL)
        author->held = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, held_free);
      for (guint i = start; i < n; i++)
        {
          Held *h;
          guint64 seq = first_seq + i;

          if (g_hash_table_contains (author->held, &seq))
            continue;
          h = g_new (Held, 1);
          h->seq = seq;
          h->record = passable (records[i], trusted || i == n - 1);
          g_hash_table_insert (author->held, &h->seq, h);
          author->held_bytes += g_bytes_get_size (tafel_record_get_body (records[i]));
        }
      self->n_held += new_count;
      self->held_bytes += new_bytes;
    }

  emit_added (self, added);
  return TRUE;
}

/**
 * tafel_log_add:
 * @self: a log
 * @record: a record that carries its signature
 * @error: return location for a #GError
 *
 * Adds one record that travels alone (live flooding): its signature, body,
 * hash link and clock are checked. A record whose predecessor is missing is
 * held until it arrives; an exact duplicate is dropped (success).
 *
 * Returns: %TRUE if the record was integrated, held or already known;
 *   otherwise fails with TAFEL_LOG_ERROR and leaves the log unchanged
 */
gboolean
tafel_log_add (TafelLog     *self,
               TafelRecord  *record,
               GError      **error)
{
  g_return_val_if_fail (TAFEL_IS_LOG (self), FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  if (tafel_record_get_signature (record) == NULL)
    return fail_log (error, TAFEL_LOG_ERROR_UNSIGNED,
                     _("Record %" PRIu64 " carries no signature"),
                     tafel_record_get_seq (record));
  return add_run_internal (self, &record, 1, FALSE, error);
}

/**
 * tafel_log_add_run:
 * @self: a log
 * @records: (array length=n_records): one author's records, seq ascending
 *   and gapless
 * @n_records: how many
 * @error: return location for a #GError
 *
 * Adds a run verified by its hash links plus the signature of its last
 * record; other signatures in the run are neither needed nor checked (and
 * are dropped). The run may start at or below the author's head: that part
 * must equal what is held and is skipped. One bad link, clock, body or
 * signature refuses the whole run.
 *
 * Returns: %TRUE on success; otherwise the log is unchanged
 */
gboolean
tafel_log_add_run (TafelLog     *self,
                   TafelRecord **records,
                   guint         n_records,
                   GError      **error)
{
  g_return_val_if_fail (TAFEL_IS_LOG (self), FALSE);
  g_return_val_if_fail (records != NULL || n_records == 0, FALSE);

  return add_run_internal (self, records, n_records, FALSE, error);
}

/**
 * tafel_log_add_trusted_run:
 * @self: a log
 * @records: (array length=n_records): one author's records, seq ascending
 *   and gapless
 * @n_records: how many
 * @error: return location for a #GError
 *
 * Like tafel_log_add_run() for records whose signatures were verified
 * already (this device's own new records, or records read back and checked
 * by the caller): no signature is verified; links, clocks and bodies are.
 * Signatures the records carry are kept as they are.
 *
 * Returns: %TRUE on success; otherwise the log is unchanged
 */
gboolean
tafel_log_add_trusted_run (TafelLog     *self,
                           TafelRecord **records,
                           guint         n_records,
                           GError      **error)
{
  g_return_val_if_fail (TAFEL_IS_LOG (self), FALSE);
  g_return_val_if_fail (records != NULL || n_records == 0, FALSE);

  return add_run_internal (self, records, n_records, TRUE, error);
}

/**
 * tafel_log_drop_tail:
 * @self: a log
 * @author: the author whose records to drop
 * @from_seq: the first seq to drop (≥ 1, at most the author's head)
 * @head_signature: (nullable): the signature of the author's record
 *   @from_seq - 1, the new head; %NULL only when @from_seq is 1
 * @error: return location for a #GError
 *
 * Takes the author's records from @from_seq on out of the log, and every
 * record of the author that is held. Only for records this device wrote
 * itself under an identity another device also used: the network kept the
 * other device's records at those seqs, and this log has to give its own
 * up to take them (see docs/identity.md). Emits ::tail-dropped.
 *
 * Returns: %TRUE on success; %FALSE (TAFEL_LOG_ERROR_INVALID or
 *   _BAD_SIGNATURE) with the log unchanged
 */
gboolean
tafel_log_drop_tail (TafelLog              *self,
                     const TafelPublicKey  *key,
                     guint64                from_seq,
                     const TafelSignature  *head_signature,
                     GError               **error)
{
  Author *author;
  TafelPublicKey copy;

  g_return_val_if_fail (TAFEL_IS_LOG (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  author = find_author (self, key);
  if (author == NULL || from_seq < 1 || from_seq > author->n_entries)
    return fail_log (error, TAFEL_LOG_ERROR_INVALID, _("There are no records from seq %" PRIu64 " to drop"),
                     from_seq);
  if (from_seq > 1)
    {
      g_autoptr(TafelRecord) head = NULL;
      g_autoptr(TafelRecord) signed_head = NULL;

      if (head_signature == NULL)
        return fail_log (error, TAFEL_LOG_ERROR_UNSIGNED,
                         _("The record that becomes the author’s last needs its signature"));
      head = materialise (self, author, from_seq - 1);
      signed_head = tafel_record_with_signature (head, head_signature);
      if (!tafel_record_verify_signature (signed_head, NULL))
        return fail_log (error, TAFEL_LOG_ERROR_BAD_SIGNATURE,
                         _("The signature of record %" PRIu64 " does not match its author and content"),
                         from_seq - 1);
    }

  self->n_records -= (guint) (author->n_entries - (from_seq - 1));
  author->n_entries = from_seq - 1;
  author->head_signed = from_seq > 1;
  if (head_signature != NULL && from_seq > 1)
    author->head_sig = *head_signature;
  if (author->held != NULL)
    {
      self->n_held -= g_hash_table_size (author->held);
      self->held_bytes -= author->held_bytes;
      author->held_bytes = 0;
      g_hash_table_remove_all (author->held);
    }

  /* The id index has no deletion: build it again (this is rare). */
  memset (self->slots, 0, self->n_slots * sizeof *self->slots);
  self->n_used = 0;
  for (guint a = 0; a < self->authors->len; a++)
    {
      Author *each = g_ptr_array_index (self->authors, a);

      for (guint64 seq = 1; seq <= each->n_entries; seq++)
        index_insert_slot (self, slot_make (each, seq));
    }

  /* Clocks rise along each chain, so the largest is at some head. */
  self->max_lamport = 0;
  for (guint a = 0; a < self->authors->len; a++)
    self->max_lamport = MAX (self->max_lamport, author_head_lamport (g_ptr_array_index (self->authors, a)));

  copy = author->key;
  g_signal_emit (self, signals[SIGNAL_TAIL_DROPPED], 0, &copy, from_seq);
  return TRUE;
}

/* ---- Reading back stored records (tafel-log-private.h) ------------------- */

gboolean
tafel_log_append_stored (TafelLog             *self,
                         const TafelPublicKey *key,
                         guint64               lamport,
                         guint                 kind,
                         guint                 version,
                         guint32               key_id,
                         guint64               time,
                         gconstpointer         body,
                         gsize                 body_len,
                         const TafelSignature *sig,
                         GError              **error)
{
  Author *author = find_author (self, key);
  guint64 seq = (author != NULL ? author->n_entries : 0) + 1;
  guint8 header[TAFEL_RECORD_V2_HEADER_MAX];
  gsize header_len;
  TafelHash id;

  if (lamport <= (author != NULL ? author_head_lamport (author) : 0) ||
      lamport > TAFEL_RECORD_MAX_CLOCK || kind == 0 ||
      seq > TAFEL_RECORD_MAX_CLOCK)
    return fail_log (error, TAFEL_LOG_ERROR_INVALID,
                     _("Record %" PRIu64 " has a Lamport clock or kind out of order"), seq);
  /* The payload reader gives only these. */
  g_return_val_if_fail (version == TAFEL_RECORD_VERSION || version == TAFEL_RECORD_VERSION_2, FALSE);
  g_return_val_if_fail (time <= TAFEL_RECORD_MAX_CLOCK && body_len <= TAFEL_RECORD_MAX_BYTES, FALSE);

  if (author == NULL)
    author = ensure_author (self, key);
  if (version == TAFEL_RECORD_VERSION_2)
    header_len = tafel_record_write_header_v2 (header, key, seq, author_head_id (author), lamport,
                                               kind, key_id, time, body_len);
  else
    header_len = tafel_record_write_header (header, key, seq, author_head_id (author), lamport,
                                            kind, body_len);
  if (header_len + body_len + 1 + TAFEL_SIGNATURE_BYTES > TAFEL_RECORD_MAX_BYTES)
    return fail_log (error, TAFEL_LOG_ERROR_INVALID,
                     _("Record %" PRIu64 " is larger than a record may be"), seq);
  tafel_record_compute_id (&id, header, header_len, body, body_len);
  append_entry (self, author, &id, lamport, kind, version, key_id, time, body, body_len, sig);
  return TRUE;
}

gboolean
tafel_log_verify_heads (TafelLog  *self,
                        GError   **error)
{
  for (guint i = 0; i < self->sorted->len; i++)
    {
      Author *author = g_ptr_array_index (self->sorted, i);
      g_autoptr(TafelRecord) head = NULL;

      if (author->n_entries == 0)
        continue;
      if (!author->head_signed)
        return fail_log (error, TAFEL_LOG_ERROR_UNSIGNED,
                         _("The last record of an author carries no signature"));
      head = materialise (self, author, author->n_entries);
      if (!tafel_record_verify_signature (head, NULL))
        return fail_log (error, TAFEL_LOG_ERROR_BAD_SIGNATURE,
                         _("The signature of record %" PRIu64 " does not match its author and content"),
                         author->n_entries);
    }
  return TRUE;
}

gboolean
tafel_log_peek (TafelLog              *self,
                const TafelPublicKey  *key,
                guint64                seq,
                TafelLogEntryView     *view)
{
  Author *author = find_author (self, key);
  const Entry *e;

  if (author == NULL || seq == 0 || seq > author->n_entries)
    return FALSE;
  e = &author->entries[seq - 1];
  view->id = &e->id;
  view->prev = seq > 1 ? &author->entries[seq - 2].id : NULL;
  view->lamport = e->lamport;
  view->kind = e->kind;
  view->version = entry_version (e);
  view->key_id = entry_key_id (e);
  view->time = entry_time (e);
  view->body = e->body;
  view->body_len = entry_body_len (e);
  view->signature = seq == author->n_entries && author->head_signed ? &author->head_sig : NULL;
  return TRUE;
}

const TafelPublicKey *
tafel_log_get_author_key (TafelLog *self,
                          guint     i)
{
  g_return_val_if_fail (i < self->sorted->len, NULL);
  return &((Author *) g_ptr_array_index (self->sorted, i))->key;
}

/* ---- Queries ------------------------------------------------------------- */

guint
tafel_log_get_n_records (TafelLog *self)
{
  g_return_val_if_fail (TAFEL_IS_LOG (self), 0);
  return self->n_records;
}

/* Authors with at least one integrated record. */
guint
tafel_log_get_n_authors (TafelLog *self)
{
  guint n = 0;

  g_return_val_if_fail (TAFEL_IS_LOG (self), 0);

  for (guint i = 0; i < self->authors->len; i++)
    if (((Author *) g_ptr_array_index (self->authors, i))->n_entries > 0)
      n++;
  return n;
}

guint
tafel_log_get_n_held (TafelLog *self)
{
  g_return_val_if_fail (TAFEL_IS_LOG (self), 0);
  return self->n_held;
}

guint64
tafel_log_get_head_seq (TafelLog             *self,
                        const TafelPublicKey *author)
{
  Author *a;

  g_return_val_if_fail (TAFEL_IS_LOG (self), 0);
  g_return_val_if_fail (author != NULL, 0);

  a = find_author (self, author);
  return a != NULL ? a->n_entries : 0;
}

guint64
tafel_log_get_max_lamport (TafelLog *self)
{
  g_return_val_if_fail (TAFEL_IS_LOG (self), 0);
  return self->max_lamport;
}

/**
 * tafel_log_lookup:
 * @self: a log
 * @id: a record id
 *
 * Returns: (transfer full) (nullable): the integrated record with @id; it
 *   carries a signature only if it is its author's head
 */
TafelRecord *
tafel_log_lookup (TafelLog        *self,
                  const TafelHash *id)
{
  Author *author;
  guint64 seq;

  g_return_val_if_fail (TAFEL_IS_LOG (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (index_lookup (self, id, &author, &seq) == NULL)
    return NULL;
  return materialise (self, author, seq);
}

/**
 * tafel_log_lookup_seq:
 * @self: a log
 * @author: an author key
 * @seq: a seq
 *
 * Returns: (transfer full) (nullable): the integrated record, or %NULL
 */
TafelRecord *
tafel_log_lookup_seq (TafelLog             *self,
                      const TafelPublicKey *author,
                      guint64               seq)
{
  Author *a;

  g_return_val_if_fail (TAFEL_IS_LOG (self), NULL);
  g_return_val_if_fail (author != NULL, NULL);

  a = find_author (self, author);
  if (a == NULL || seq == 0 || seq > a->n_entries)
    return NULL;
  return materialise (self, a, seq);
}

/**
 * tafel_log_foreach:
 * @self: a log
 * @func: (scope call): called with each record (borrowed for the call)
 * @user_data: data for @func
 *
 * Visits every integrated record, authors by key, each in seq order, until
 * @func returns %FALSE.
 */
void
tafel_log_foreach (TafelLog            *self,
                   TafelLogForeachFunc  func,
                   gpointer             user_data)
{
  g_return_if_fail (TAFEL_IS_LOG (self));
  g_return_if_fail (func != NULL);

  for (guint i = 0; i < self->sorted->len; i++)
    {
      Author *author = g_ptr_array_index (self->sorted, i);

      for (guint64 seq = 1; seq <= author->n_entries; seq++)
        {
          g_autoptr(TafelRecord) record = materialise (self, author, seq);

          if (!func (record, user_data))
            return;
        }
    }
}

/* ---- Version vectors ----------------------------------------------------- */

typedef struct
{
  TafelPublicKey author;
  guint64        seq;
  TafelHash      head;
} VVEntry;

struct _TafelVersionVector
{
  GArray *entries;  /* VVEntry, sorted by author */
};

TafelVersionVector *
tafel_version_vector_new (void)
{
  TafelVersionVector *vv = g_new (TafelVersionVector, 1);

  vv->entries = g_array_new (FALSE, FALSE, sizeof (VVEntry));
  return vv;
}

TafelVersionVector *
tafel_version_vector_copy (const TafelVersionVector *vv)
{
  TafelVersionVector *copy;

  g_return_val_if_fail (vv != NULL, NULL);

  copy = tafel_version_vector_new ();
  g_array_append_vals (copy->entries, vv->entries->data, vv->entries->len);
  return copy;
}

void
tafel_version_vector_free (TafelVersionVector *vv)
{
  if (vv == NULL)
    return;
  g_array_unref (vv->entries);
  g_free (vv);
}

guint
tafel_version_vector_get_size (const TafelVersionVector *vv)
{
  g_return_val_if_fail (vv != NULL, 0);
  return vv->entries->len;
}

void
tafel_version_vector_get (const TafelVersionVector  *vv,
                          guint                      i,
                          const TafelPublicKey     **author,
                          guint64                   *seq,
                          const TafelHash          **head)
{
  const VVEntry *e;

  g_return_if_fail (vv != NULL);
  g_return_if_fail (i < vv->entries->len);

  e = &g_array_index (vv->entries, VVEntry, i);
  if (author != NULL)
    *author = &e->author;
  if (seq != NULL)
    *seq = e->seq;
  if (head != NULL)
    *head = &e->head;
}

/* The position of @author, or where it would go (as a negative - 1). */
static gint
vv_find (const TafelVersionVector *vv,
         const TafelPublicKey     *author)
{
  guint lo = 0, hi = vv->entries->len;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      int c = memcmp (g_array_index (vv->entries, VVEntry, mid).author.bytes, author->bytes,
                      TAFEL_PUBLIC_KEY_BYTES);

      if (c == 0)
        return (gint) mid;
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return -(gint) lo - 1;
}

static const VVEntry *
vv_lookup_entry (const TafelVersionVector *vv,
                 const TafelPublicKey     *author)
{
  gint i = vv_find (vv, author);

  return i >= 0 ? &g_array_index (vv->entries, VVEntry, i) : NULL;
}

guint64
tafel_version_vector_lookup (const TafelVersionVector *vv,
                             const TafelPublicKey     *author)
{
  const VVEntry *e;

  g_return_val_if_fail (vv != NULL, 0);
  g_return_val_if_fail (author != NULL, 0);

  e = vv_lookup_entry (vv, author);
  return e != NULL ? e->seq : 0;
}

/**
 * tafel_version_vector_set:
 * @vv: a version vector
 * @author: an author key
 * @seq: the last seq of the author's gapless run held; 0 removes the author
 * @head: (nullable): that record's id (must be given when @seq > 0)
 */
void
tafel_version_vector_set (TafelVersionVector   *vv,
                          const TafelPublicKey *author,
                          guint64               seq,
                          const TafelHash      *head)
{
  gint i;

  g_return_if_fail (vv != NULL);
  g_return_if_fail (author != NULL);
  g_return_if_fail (seq == 0 || head != NULL);

  i = vv_find (vv, author);
  if (seq == 0)
    {
      if (i >= 0)
        g_array_remove_index (vv->entries, (guint) i);
      return;
    }
  if (i >= 0)
    {
      VVEntry *e = &g_array_index (vv->entries, VVEntry, i);

      e->seq = seq;
      e->head = *head;
    }
  else
    {
      VVEntry e;

      e.author = *author;
      e.seq = seq;
      e.head = *head;
      g_array_insert_val (vv->entries, (guint) (-i - 1), e);
    }
}

/**
 * tafel_version_vector_encode:
 * @vv: a version vector
 *
 * Encodes @vv as: varint count, then per author (sorted) its 32-byte key,
 * varint seq and 32-byte head id.
 *
 * Returns: (transfer full): the bytes
 */
GBytes *
tafel_version_vector_encode (const TafelVersionVector *vv)
{
  GByteArray *out;

  g_return_val_if_fail (vv != NULL, NULL);

  out = g_byte_array_sized_new (1 + vv->entries->len * 70);
  tafel_put_varint (out, vv->entries->len);
  for (guint i = 0; i < vv->entries->len; i++)
    {
      const VVEntry *e = &g_array_index (vv->entries, VVEntry, i);

      tafel_put_bytes (out, e->author.bytes, TAFEL_PUBLIC_KEY_BYTES);
      tafel_put_varint (out, e->seq);
      tafel_put_bytes (out, e->head.bytes, TAFEL_HASH_BYTES);
    }
  return g_byte_array_free_to_bytes (out);
}

/**
 * tafel_version_vector_decode:
 * @bytes: an encoded version vector
 * @error: return location for a #GError
 *
 * Parses what tafel_version_vector_encode() wrote. Authors must be sorted
 * without repeats and seqs in 1 … TAFEL_RECORD_MAX_CLOCK. Fails with
 * TAFEL_RECORD_ERROR (the binary formats share their errors).
 *
 * Returns: (transfer full): the version vector, or %NULL
 */
TafelVersionVector *
tafel_version_vector_decode (GBytes  *bytes,
                             GError **error)
{
  g_autoptr(TafelVersionVector) vv = NULL;
  TafelReader r;
  guint64 n;
  gsize len;
  gconstpointer data;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &len);
  tafel_reader_init (&r, data, len);
  if (!tafel_read_varint (&r, "number of authors", &n, error))
    return NULL;
  if (n > tafel_reader_remaining (&r) / (TAFEL_PUBLIC_KEY_BYTES + 1 + TAFEL_HASH_BYTES))
    {
      tafel_reader_fail_truncated ("version vector", error);
      return NULL;
    }

  vv = tafel_version_vector_new ();
  for (guint64 i = 0; i < n; i++)
    {
      VVEntry e;

      if (!tafel_read_copy (&r, e.author.bytes, TAFEL_PUBLIC_KEY_BYTES, "author", error) ||
          !tafel_read_varint_range (&r, "seq", 1, TAFEL_RECORD_MAX_CLOCK, &e.seq, error) ||
          !tafel_read_copy (&r, e.head.bytes, TAFEL_HASH_BYTES, "head id", error))
        return NULL;
      if (i > 0 && memcmp (g_array_index (vv->entries, VVEntry, vv->entries->len - 1).author.bytes,
                           e.author.bytes, TAFEL_PUBLIC_KEY_BYTES) >= 0)
        {
          g_set_error_literal (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                               _("The authors of the version vector are not sorted or repeat"));
          return NULL;
        }
      g_array_append_val (vv->entries, e);
    }
  if (!tafel_reader_expect_end (&r, "version vector", error))
    return NULL;
  return g_steal_pointer (&vv);
}

/**
 * tafel_log_dup_version_vector:
 * @self: a log
 *
 * Returns: (transfer full): per author the head seq and id
 */
TafelVersionVector *
tafel_log_dup_version_vector (TafelLog *self)
{
  TafelVersionVector *vv;

  g_return_val_if_fail (TAFEL_IS_LOG (self), NULL);

  vv = tafel_version_vector_new ();
  for (guint i = 0; i < self->sorted->len; i++)
    {
      Author *author = g_ptr_array_index (self->sorted, i);
      VVEntry e;

      if (author->n_entries == 0)
        continue;
      e.author = author->key;
      e.seq = author->n_entries;
      e.head = *author_head_id (author);
      g_array_append_val (vv->entries, e);
    }
  return vv;
}

/**
 * tafel_log_dup_missing:
 * @self: a log
 * @theirs: a peer's version vector
 *
 * Returns: (transfer full) (element-type TafelRecord): what the peer lacks
 */
GPtrArray *
tafel_log_dup_missing (TafelLog                 *self,
                       const TafelVersionVector *theirs)
{
  GPtrArray *out;

  g_return_val_if_fail (TAFEL_IS_LOG (self), NULL);
  g_return_val_if_fail (theirs != NULL, NULL);

  out = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  for (guint i = 0; i < self->sorted->len; i++)
    {
      Author *author = g_ptr_array_index (self->sorted, i);
      const VVEntry *e = vv_lookup_entry (theirs, &author->key);
      guint64 their_seq = e != NULL ? e->seq : 0;

      if (their_seq >= author->n_entries)
        continue;
      if (their_seq > 0 && !tafel_hash_equal (&e->head, &author->entries[their_seq - 1].id))
        continue;
      for (guint64 seq = their_seq + 1; seq <= author->n_entries; seq++)
        g_ptr_array_add (out, materialise (self, author, seq));
    }
  return out;
}

guint
tafel_log_get_n_authors_total (TafelLog *self)
{
  return self->sorted->len;
}
