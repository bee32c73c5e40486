/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tafel-board-model-private.h"
#include "tafel-log-private.h"
#include "tafel-record-private.h"
#include "tafel-render.h"

typedef struct
{
  TafelObject    *object;
  gboolean        was_visible;
  float           x0, y0, x1, y1;
  TafelTransform  transform;
  guint           n_am;         /* amendments before the batch */
} Touched;

typedef struct
{
  GArray    *touched;      /* Touched */
  GPtrArray *new_objects;  /* TafelObject, borrowed */
  GPtrArray *chat;         /* TafelChatMessage */
  GPtrArray *profiles;     /* AuthorInfo, borrowed */
  gboolean   restacked;    /* an object already in the z-order moved in it */
} Batch;

/* A record as the model reads it: from a TafelRecord of ::records-added
 * or straight from the log's storage when building. */
typedef struct
{
  const TafelHash      *id;
  const TafelPublicKey *author;
  guint64               seq;
  guint64               lamport;
  guint                 kind;
  const guint8         *body;
  gsize                 body_len;
  const TafelStrokeBox *stroke_box;  /* nullable: found out by an earlier check */
} RecordView;

G_DEFINE_FINAL_TYPE (TafelBoardModel, tafel_board_model, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_LOG,
  N_PROPS
};

enum
{
  SIGNAL_OBJECTS_CHANGED,
  SIGNAL_PROFILE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- Small helpers ------------------------------------------------------- */

static inline guint32
hash_prefix (const TafelHash *id)
{
  guint32 h;

  memcpy (&h, id->bytes, sizeof h);
  return h;
}

static inline float
round_down (double v)
{
  float f;

  if (v <= -G_MAXFLOAT)
    return -G_MAXFLOAT;
  if (v >= G_MAXFLOAT)
    return G_MAXFLOAT;
  f = (float) v;
  if ((double) f > v)
    f = nextafterf (f, -INFINITY);
  return f;
}

static inline float
round_up (double v)
{
  float f;

  if (v <= -G_MAXFLOAT)
    return -G_MAXFLOAT;
  if (v >= G_MAXFLOAT)
    return G_MAXFLOAT;
  f = (float) v;
  if ((double) f < v)
    f = nextafterf (f, INFINITY);
  return f;
}

static int
compare_object_ptrs (gconstpointer a,
                     gconstpointer b)
{
  return compare_objects (*(TafelObject **) a, *(TafelObject **) b);
}

static void
view_from_record (RecordView  *view,
                  TafelRecord *record)
{
  GBytes *body = tafel_record_get_body (record);
  gsize len;

  view->id = tafel_record_get_id (record);
  view->author = tafel_record_get_author (record);
  view->seq = tafel_record_get_seq (record);
  view->lamport = tafel_record_get_lamport (record);
  view->kind = tafel_record_get_kind (record);
  view->body = g_bytes_get_data (body, &len);
  view->body_len = len;
  view->stroke_box = tafel_record_get_stroke_box (record);
}

/* x0, y0, x1, y1 for the spatial index. */
static const float *
object_box (guint32  index,
            gpointer user_data)
{
  return object_at (user_data, index)->box;
}

/* ---- Id table ------------------------------------------------------------ */

static TafelObject *
lookup_object (TafelBoardModel *self,
               const TafelHash *id)
{
  guint mask;
  guint i;

  if (self->slots == NULL)
    return NULL;

  mask = (1u << self->slot_bits) - 1;
  for (i = hash_prefix (id) & mask; self->slots[i] != 0; i = (i + 1) & mask)
    {
      TafelObject *object = object_at (self, self->slots[i] - 1);

      if (memcmp (object->id.bytes, id->bytes, TAFEL_HASH_BYTES) == 0)
        return object;
    }

  return NULL;
}

static void
slots_insert (TafelBoardModel *self,
              TafelObject     *object)
{
  guint mask = (1u << self->slot_bits) - 1;
  guint i = hash_prefix (&object->id) & mask;

  while (self->slots[i] != 0)
    i = (i + 1) & mask;
  self->slots[i] = object->index + 1;
}

static void
slots_grow (TafelBoardModel *self)
{
  /* At most two thirds full. */
  if (self->slots != NULL && (self->n_objects + 1) * 3 <= (2u << self->slot_bits))
    return;

  g_free (self->slots);
  self->slot_bits = self->slots == NULL ? 10 : self->slot_bits + 1;
  self->slots = g_new0 (guint32, 1u << self->slot_bits);
  for (guint i = 0; i < self->n_objects; i++)
    if (!(object_at (self, i)->flags & OBJECT_GONE))
      slots_insert (self, object_at (self, i));
}

/* ---- Authors ------------------------------------------------------------- */

static void
author_info_free (gpointer data)
{
  AuthorInfo *info = data;

  g_array_unref (info->clears);
  g_array_unref (info->clears_max);
  g_free (info->profile_name);
  g_free (info);
}

static AuthorInfo *
intern_author (TafelBoardModel      *self,
               const TafelPublicKey *key)
{
  AuthorInfo *info = g_hash_table_lookup (self->author_index, key);

  if (info != NULL)
    return info;

  info = g_new0 (AuthorInfo, 1);
  info->key = *key;
  info->model = self;
  info->clears = g_array_new (FALSE, FALSE, sizeof (ClearEntry));
  info->clears_max = g_array_new (FALSE, FALSE, sizeof (OpKey));
  g_ptr_array_add (self->authors, info);
  g_hash_table_insert (self->author_index, &info->key, info);

  return info;
}

static inline OpKey
view_key (TafelBoardModel  *self,
          const RecordView *view)
{
  return (OpKey) { view->lamport, view->seq, intern_author (self, view->author) };
}

static void
author_add_clear (AuthorInfo  *info,
                  guint64      upto,
                  const OpKey *key)
{
  ClearEntry entry = { upto, *key };
  guint pos = info->clears->len;

  while (pos > 0 && g_array_index (info->clears, ClearEntry, pos - 1).upto > upto)
    pos--;
  g_array_insert_val (info->clears, pos, entry);

  /* Suffix maxima, so that "the latest clear reaching seq s" is one
   * binary search away. */
  g_array_set_size (info->clears_max, info->clears->len);
  for (guint i = info->clears->len; i-- > 0;)
    {
      const OpKey *here = &g_array_index (info->clears, ClearEntry, i).key;
      const OpKey *after = i + 1 < info->clears->len ? &g_array_index (info->clears_max, OpKey, i + 1) : NULL;

      g_array_index (info->clears_max, OpKey, i) =
        after != NULL && compare_keys (after, here) > 0 ? *after : *here;
    }
}

/* The latest clear targeting (author, seq), only among those before
 * @before when that is given; FALSE when there is none. */
static gboolean
clear_winner (AuthorInfo  *info,
              guint64      seq,
              const OpKey *before,
              OpKey       *winner)
{
  guint lo = 0, hi = info->clears->len;
  gboolean found = FALSE;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (info->clears, ClearEntry, mid).upto < seq)
        lo = mid + 1;
      else
        hi = mid;
    }

  if (lo == info->clears->len)
    return FALSE;
  if (before == NULL)
    {
      *winner = g_array_index (info->clears_max, OpKey, lo);
      return TRUE;
    }

  for (guint i = lo; i < info->clears->len; i++)
    {
      const OpKey *k = &g_array_index (info->clears, ClearEntry, i).key;

      if (compare_keys (k, before) < 0 && (!found || compare_keys (k, winner) > 0))
        {
          *winner = *k;
          found = TRUE;
        }
    }

  return found;
}

/* ---- Per-object operations ----------------------------------------------- */

static void
obj_ops_free (ObjOps *ops)
{
  for (guint i = 0; i < ops->n_am; i++)
    g_free (ops->am[i].text);
  g_free (ops->vis);
  g_free (ops->xf);
  g_free (ops->am);
  g_free (ops);
}

static void
ops_insert_vis (ObjOps      *ops,
                const OpKey *key,
                guint        kind)
{
  guint pos = ops->n_vis;

  while (pos > 0 && compare_keys (&ops->vis[pos - 1].key, key) > 0)
    pos--;
  /* A record that names the same object twice counts once. */
  if (pos > 0 && compare_keys (&ops->vis[pos - 1].key, key) == 0)
    return;

  ops->vis = g_renew (VisEntry, ops->vis, ops->n_vis + 1);
  memmove (&ops->vis[pos + 1], &ops->vis[pos], (ops->n_vis - pos) * sizeof *ops->vis);
  ops->vis[pos] = (VisEntry) { *key, kind };
  ops->n_vis++;
}

/* Returns TRUE when the entry is now the winning transform. */
static gboolean
ops_insert_xf (ObjOps               *ops,
               const OpKey          *key,
               const TafelTransform *transform)
{
  guint pos = ops->n_xf;

  while (pos > 0 && compare_keys (&ops->xf[pos - 1].key, key) > 0)
    pos--;
  if (pos > 0 && compare_keys (&ops->xf[pos - 1].key, key) == 0)
    {
      /* Named twice by one record: the later entry counts, as everywhere. */
      ops->xf[pos - 1].transform = *transform;
      return pos == ops->n_xf;
    }

  ops->xf = g_renew (XfEntry, ops->xf, ops->n_xf + 1);
  memmove (&ops->xf[pos + 1], &ops->xf[pos], (ops->n_xf - pos) * sizeof *ops->xf);
  ops->xf[pos] = (XfEntry) { *key, *transform };
  ops->n_xf++;

  return pos == ops->n_xf - 1;
}

static void
ops_insert_am (ObjOps                *ops,
               const OpKey           *key,
               const TafelAmendEntry *entry)
{
  guint pos = ops->n_am;

  while (pos > 0 && compare_keys (&ops->am[pos - 1].key, key) > 0)
    pos--;
  /* An amend set names each object once: the same key again is the same
   * record again. */
  if (pos > 0 && compare_keys (&ops->am[pos - 1].key, key) == 0)
    return;

  ops->am = g_renew (AmEntry, ops->am, ops->n_am + 1);
  memmove (&ops->am[pos + 1], &ops->am[pos], (ops->n_am - pos) * sizeof *ops->am);
  ops->am[pos] = (AmEntry) {
    *key, (guint8) entry->fields, entry->rgba, entry->width,
    (entry->fields & TAFEL_AMEND_TEXT) ? g_strdup (entry->text) : NULL, entry->z,
  };
  ops->n_am++;
}

static ObjOps *
object_ensure_ops (TafelObject *object)
{
  if (object->ops == NULL)
    {
      /* No transform so far: the board bounds are the object's own. */
      object->ops = g_new0 (ObjOps, 1);
      object->ops->lx0 = object->box[0];
      object->ops->ly0 = object->box[1];
      object->ops->lx1 = object->box[2];
      object->ops->ly1 = object->box[3];
    }

  return object->ops;
}

/* Whether the erase, restore and clear records naming @object (only those
 * before @before, when given) leave it visible: the latest decides. */
static gboolean
decide_visible (const TafelObject *object,
                const OpKey       *before)
{
  const VisEntry *explicit = NULL;
  OpKey cleared = { 0 };
  gboolean has_clear;

  if (object->ops != NULL)
    {
      for (guint i = object->ops->n_vis; i-- > 0;)
        if (before == NULL || compare_keys (&object->ops->vis[i].key, before) < 0)
          {
            explicit = &object->ops->vis[i];
            break;
          }
    }

  has_clear = clear_winner (object->author, object->seq, before, &cleared);
  if (has_clear && (explicit == NULL || compare_keys (&cleared, &explicit->key) > 0))
    return FALSE;
  if (explicit != NULL)
    return explicit->kind == TAFEL_RECORD_KIND_RESTORE;
  return TRUE;
}

static void
update_visibility (TafelObject *object)
{
  if (decide_visible (object, NULL))
    object->flags |= OBJECT_VISIBLE;
  else
    object->flags &= ~OBJECT_VISIBLE;
}

static void
update_bounds (TafelObject *object)
{
  const TafelTransform *t = object_transform (object);
  const ObjOps *ops = object->ops;
  double ax, bx, ay, by;

  if (ops == NULL)
    return;

  ax = ops->lx0 * t->sx + t->tx;
  bx = ops->lx1 * t->sx + t->tx;
  ay = ops->ly0 * t->sy + t->ty;
  by = ops->ly1 * t->sy + t->ty;

  object->box[0] = round_down (MIN (ax, bx));
  object->box[2] = round_up (MAX (ax, bx));
  object->box[1] = round_down (MIN (ay, by));
  object->box[3] = round_up (MAX (ay, by));
}

/* A new width or text changes the object's own bounds: they are measured
 * again from its content as amended. */
static void
update_own_bounds (TafelObject *object)
{
  TafelRect extents;
  gboolean ok = FALSE;

  switch (object->type)
    {
    case TAFEL_OBJECT_STROKE:
      {
        TafelStroke stroke = { 0 };

        if ((ok = tafel_object_dup_stroke (object, &stroke)))
          tafel_stroke_get_extents (&stroke, &extents);
        tafel_stroke_clear (&stroke);
      }
      break;

    case TAFEL_OBJECT_SHAPE:
      {
        TafelShape shape;

        if ((ok = tafel_object_get_shape (object, &shape)))
          tafel_shape_get_extents (&shape, &extents);
      }
      break;

    case TAFEL_OBJECT_TEXT:
    default:
      {
        TafelText text = { 0 };

        if ((ok = tafel_object_dup_text (object, &text)))
          tafel_text_get_extents (&text, &extents);
        tafel_text_clear (&text);
      }
      break;
    }

  if (!ok)
    return;

  object_ensure_ops (object);
  object->ops->lx0 = round_down (extents.x);
  object->ops->ly0 = round_down (extents.y);
  object->ops->lx1 = round_up (extents.x + extents.width);
  object->ops->ly1 = round_up (extents.y + extents.height);
  update_bounds (object);
}

static gboolean
ops_change_extents (const ObjOps *ops)
{
  for (guint i = 0; ops != NULL && i < ops->n_am; i++)
    if (ops->am[i].fields & (TAFEL_AMEND_WIDTH | TAFEL_AMEND_TEXT))
      return TRUE;
  return FALSE;
}

/* ---- Batches ------------------------------------------------------------- */

/* Notes @object's state before the batch changes it, and takes it out of
 * the spatial index (which reads the object's bounds) until the batch is
 * done. */
static void
touch (TafelBoardModel *self,
       Batch           *batch,
       TafelObject     *object)
{
  Touched t;

  if (object->flags & OBJECT_TOUCHED)
    return;

  if (object->flags & OBJECT_VISIBLE)
    tafel_spatial_index_remove (self->index, object->index);
  object->flags |= OBJECT_TOUCHED;
  t = (Touched) {
    object, (object->flags & OBJECT_VISIBLE) != 0,
    object->box[0], object->box[1], object->box[2], object->box[3],
    *object_transform (object),
    object->ops != NULL ? object->ops->n_am : 0,
  };
  g_array_append_val (batch->touched, t);
}

static ObjOps *
pending_ops (TafelBoardModel *self,
             const TafelHash *id)
{
  ObjOps *ops = g_hash_table_lookup (self->pending, id);

  if (ops == NULL)
    {
      ops = g_new0 (ObjOps, 1);
      g_hash_table_insert (self->pending, g_memdup2 (id, sizeof *id), ops);
    }

  return ops;
}

static gboolean
local_extents (const RecordView *view,
               TafelRect        *extents,
               gboolean         *highlighter)
{
  g_autoptr(GBytes) body = g_bytes_new_static (view->body, view->body_len);
  g_autoptr(GError) error = NULL;

  *highlighter = FALSE;

  switch (view->kind)
    {
    case TAFEL_RECORD_KIND_STROKE:
      {
        TafelStroke stroke = { 0 };

        if (view->stroke_box != NULL)
          {
            /* The body was checked already, and the check kept the box of
             * its points and its highest pressure: the extents follow from
             * those two corners without decoding every point again (a
             * late join integrates millions). */
            const TafelStrokeBox *box = view->stroke_box;
            TafelPoint corners[2] = {
              { box->x0, box->y0, box->max_pressure },
              { box->x1, box->y1, box->max_pressure },
            };
            TafelStrokeHeader h;
            TafelReader r;

            tafel_reader_init (&r, view->body, view->body_len);
            if (tafel_stroke_decode_header (&r, &h, &error))
              {
                stroke = (TafelStroke) { h.tool, h.rgba, h.width, 2, corners };
                tafel_stroke_get_extents (&stroke, extents);
                *highlighter = stroke.tool == TAFEL_TOOL_HIGHLIGHTER;
                return TRUE;
              }
            break;
          }
        if (!tafel_stroke_decode (body, &stroke, &error))
          break;
        tafel_stroke_get_extents (&stroke, extents);
        *highlighter = stroke.tool == TAFEL_TOOL_HIGHLIGHTER;
        tafel_stroke_clear (&stroke);
        return TRUE;
      }

    case TAFEL_RECORD_KIND_SHAPE:
      {
        TafelShape shape;

        if (!tafel_shape_decode (body, &shape, &error))
          break;
        tafel_shape_get_extents (&shape, extents);
        return TRUE;
      }

    case TAFEL_RECORD_KIND_TEXT:
    default:
      {
        TafelText text = { 0 };

        if (!tafel_text_decode (body, &text, &error))
          break;
        tafel_text_get_extents (&text, extents);
        tafel_text_clear (&text);
        return TRUE;
      }
    }

  /* Kept in the log, not shown; a debug note, not a warning per record. */
  g_debug ("Not showing record %" G_GUINT64_FORMAT " of an author: %s",
           view->seq, error->message);
  return FALSE;
}

static void
add_object (TafelBoardModel  *self,
            Batch            *batch,
            const RecordView *view)
{
  TafelRect extents;
  gboolean highlighter;
  TafelObject *object;
  ObjOps *ops;
  gpointer key;

  if (view->seq > G_MAXUINT32 || lookup_object (self, view->id) != NULL ||
      !local_extents (view, &extents, &highlighter))
    return;

  if ((self->n_objects & CHUNK_MASK) == 0)
    g_ptr_array_add (self->chunks, g_new0 (TafelObject, CHUNK_SIZE));
  slots_grow (self);

  object = object_at (self, self->n_objects);
  *object = (TafelObject) {
    .id = *view->id,
    .author = intern_author (self, view->author),
    .box = {
      round_down (extents.x), round_down (extents.y),
      round_up (extents.x + extents.width), round_up (extents.y + extents.height),
    },
    .lamport = view->lamport,
    .seq = (guint32) view->seq,
    .index = self->n_objects,
    .type = view->kind == TAFEL_RECORD_KIND_STROKE ? TAFEL_OBJECT_STROKE :
            view->kind == TAFEL_RECORD_KIND_SHAPE ? TAFEL_OBJECT_SHAPE :
            TAFEL_OBJECT_TEXT,
    .flags = highlighter ? OBJECT_HIGHLIGHTER : 0,
  };
  self->n_objects++;
  slots_insert (self, object);

  /* Operations that came before their object. */
  if (g_hash_table_steal_extended (self->pending, view->id, &key, (gpointer *) &ops))
    {
      g_free (key);
      object->ops = ops;
      ops->lx0 = object->box[0];
      ops->ly0 = object->box[1];
      ops->lx1 = object->box[2];
      ops->ly1 = object->box[3];
      if (ops_change_extents (ops))
        update_own_bounds (object);
      else
        update_bounds (object);
    }

  /* New objects start out hidden in the batch's view of things. */
  touch (self, batch, object);
  update_visibility (object);
  g_ptr_array_add (batch->new_objects, object);
}

static void
apply_visibility (TafelBoardModel  *self,
                  Batch            *batch,
                  const RecordView *view,
                  GBytes           *body)
{
  TafelObjectSet set = { 0 };
  g_autoptr(GError) error = NULL;
  OpKey key;

  if (!tafel_object_set_decode (body, &set, &error))
    {
      g_debug ("Ignoring an undecodable erase or restore: %s", error->message);
      return;
    }

  key = view_key (self, view);
  for (guint i = 0; i < set.n_ids; i++)
    {
      TafelObject *object = lookup_object (self, &set.ids[i]);

      if (object != NULL)
        {
          touch (self, batch, object);
          ops_insert_vis (object_ensure_ops (object), &key, view->kind);
          update_visibility (object);
        }
      else
        {
          ops_insert_vis (pending_ops (self, &set.ids[i]), &key, view->kind);
        }
    }

  tafel_object_set_clear (&set);
}

static void
apply_clear (TafelBoardModel  *self,
             Batch            *batch,
             const RecordView *view,
             GBytes           *body)
{
  TafelClear clear = { 0 };
  g_autoptr(GError) error = NULL;
  OpKey key;

  if (!tafel_clear_decode (body, &clear, &error))
    {
      g_debug ("Ignoring an undecodable clear: %s", error->message);
      return;
    }

  key = view_key (self, view);
  for (guint i = 0; i < clear.n_authors; i++)
    author_add_clear (intern_author (self, &clear.authors[i]), clear.seqs[i], &key);

  /* Clears are rare: one pass over the objects finds those it reaches
   * (objects arriving later look the clears up themselves). */
  for (guint k = 0; k < self->n_objects; k++)
    {
      TafelObject *object = object_at (self, k);

      if (object->flags & OBJECT_GONE)
        continue;
      for (guint i = 0; i < clear.n_authors; i++)
        if (object->seq <= clear.seqs[i] &&
            memcmp (object->author->key.bytes, clear.authors[i].bytes, TAFEL_PUBLIC_KEY_BYTES) == 0)
          {
            touch (self, batch, object);
            update_visibility (object);
            break;
          }
    }

  tafel_clear_clear (&clear);
}

static void
apply_transform (TafelBoardModel  *self,
                 Batch            *batch,
                 const RecordView *view,
                 GBytes           *body)
{
  TafelTransformSet set = { 0 };
  g_autoptr(GError) error = NULL;
  OpKey key;

  if (!tafel_transform_set_decode (body, &set, &error))
    {
      g_debug ("Ignoring an undecodable transform: %s", error->message);
      return;
    }

  key = view_key (self, view);
  for (guint i = 0; i < set.n_entries; i++)
    {
      TafelObject *object = lookup_object (self, &set.ids[i]);
      TafelTransform t = set.transforms[i];

      /* -0 and 0 are the same transform; keep one spelling of it. */
      t.sx += 0.0;
      t.sy += 0.0;
      t.tx += 0.0;
      t.ty += 0.0;

      if (object != NULL)
        {
          touch (self, batch, object);
          if (ops_insert_xf (object_ensure_ops (object), &key, &t))
            update_bounds (object);
        }
      else
        {
          ops_insert_xf (pending_ops (self, &set.ids[i]), &key, &t);
        }
    }

  tafel_transform_set_clear (&set);
}

static void
apply_amend (TafelBoardModel  *self,
             Batch            *batch,
             const RecordView *view,
             GBytes           *body)
{
  TafelAmendSet set = { 0 };
  g_autoptr(GError) error = NULL;
  OpKey key;

  if (!tafel_amend_set_decode (body, &set, &error))
    {
      g_debug ("Ignoring an undecodable amendment: %s", error->message);
      return;
    }

  key = view_key (self, view);
  for (guint i = 0; i < set.n_entries; i++)
    {
      const TafelAmendEntry *entry = &set.entries[i];
      TafelObject *object = lookup_object (self, &entry->id);

      if (object == NULL)
        {
          ops_insert_am (pending_ops (self, &entry->id), &key, entry);
          continue;
        }

      touch (self, batch, object);
      ops_insert_am (object_ensure_ops (object), &key, entry);
      if (entry->fields & (TAFEL_AMEND_WIDTH | TAFEL_AMEND_TEXT))
        update_own_bounds (object);
      if (entry->fields & TAFEL_AMEND_Z)
        batch->restacked = TRUE;
    }

  tafel_amend_set_clear (&set);
}

static void
apply_profile (TafelBoardModel  *self,
               Batch            *batch,
               const RecordView *view,
               GBytes           *body)
{
  TafelProfile profile = { 0 };
  g_autoptr(GError) error = NULL;
  AuthorInfo *author;
  OpKey key;

  if (!tafel_profile_decode (body, &profile, &error))
    {
      g_debug ("Ignoring an undecodable profile: %s", error->message);
      return;
    }

  key = view_key (self, view);
  author = key.author;
  if (!author->has_profile || compare_keys (&key, &author->profile_key) > 0)
    {
      g_free (author->profile_name);
      author->has_profile = TRUE;
      author->profile_key = key;
      author->profile_name = g_steal_pointer (&profile.name);
      author->profile_rgba = profile.rgba;
      if (!author->profile_changed)
        {
          author->profile_changed = TRUE;
          g_ptr_array_add (batch->profiles, author);
        }
    }

  tafel_profile_clear (&profile);
}

static void
apply_chat (TafelBoardModel  *self,
            Batch            *batch,
            const RecordView *view,
            GBytes           *body)
{
  TafelChat chat = { 0 };
  g_autoptr(GError) error = NULL;

  if (!tafel_chat_decode (body, &chat, &error))
    {
      g_debug ("Ignoring an undecodable chat message: %s", error->message);
      return;
    }

  g_ptr_array_add (batch->chat, _tafel_chat_message_new (view->id, view->author, view->lamport,
                                                         view->seq, g_steal_pointer (&chat.text)));
  tafel_chat_clear (&chat);
}

static void
apply_record (TafelBoardModel  *self,
              Batch            *batch,
              const RecordView *view)
{
  g_autoptr(GBytes) body = NULL;

  switch (view->kind)
    {
    case TAFEL_RECORD_KIND_STROKE:
    case TAFEL_RECORD_KIND_SHAPE:
    case TAFEL_RECORD_KIND_TEXT:
      add_object (self, batch, view);
      return;

    case TAFEL_RECORD_KIND_ERASE:
    case TAFEL_RECORD_KIND_RESTORE:
    case TAFEL_RECORD_KIND_CLEAR:
    case TAFEL_RECORD_KIND_TRANSFORM:
    case TAFEL_RECORD_KIND_AMEND:
    case TAFEL_RECORD_KIND_PROFILE:
    case TAFEL_RECORD_KIND_CHAT:
      break;

    default:
      /* Unknown kinds are a newer version's business: kept, not shown. */
      return;
    }

  body = g_bytes_new_static (view->body, view->body_len);
  switch (view->kind)
    {
    case TAFEL_RECORD_KIND_ERASE:
    case TAFEL_RECORD_KIND_RESTORE:
      apply_visibility (self, batch, view, body);
      break;

    case TAFEL_RECORD_KIND_CLEAR:
      apply_clear (self, batch, view, body);
      break;

    case TAFEL_RECORD_KIND_TRANSFORM:
      apply_transform (self, batch, view, body);
      break;

    case TAFEL_RECORD_KIND_AMEND:
      apply_amend (self, batch, view, body);
      break;

    case TAFEL_RECORD_KIND_PROFILE:
      apply_profile (self, batch, view, body);
      break;

    case TAFEL_RECORD_KIND_CHAT:
    default:
      apply_chat (self, batch, view, body);
      break;
    }
}

static int
compare_indices (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  TafelBoardModel *self = user_data;

  return compare_objects (object_at (self, *(const guint32 *) a), object_at (self, *(const guint32 *) b));
}

/* Objects already placed moved in the z-order (restacking is rare): all
 * of it is sorted again, with the new objects. */
static void
sort_zorder (TafelBoardModel *self,
             GPtrArray       *new_objects)
{
  for (guint i = 0; i < new_objects->len; i++)
    g_array_append_val (self->zorder, ((TafelObject *) g_ptr_array_index (new_objects, i))->index);
  g_array_sort_with_data (self->zorder, compare_indices, self);
  for (guint k = 0; k < self->zorder->len; k++)
    object_at (self, g_array_index (self->zorder, guint32, k))->rank = k;
}

/* Puts the batch's new objects into the z-order and renumbers the ranks
 * that moved: appending costs what was appended, an insertion in the middle
 * one pass over what follows it. */
static void
merge_zorder (TafelBoardModel *self,
              GPtrArray       *new_objects)
{
  guint old_len = self->zorder->len;
  guint first, i, j, k;
  g_autofree guint32 *tail = NULL;
  guint n_tail;

  if (new_objects->len == 0)
    return;

  g_ptr_array_sort (new_objects, compare_object_ptrs);

  /* Where the first new object goes. */
  {
    TafelObject *lowest = g_ptr_array_index (new_objects, 0);
    guint lo = 0, hi = old_len;

    while (lo < hi)
      {
        guint mid = lo + (hi - lo) / 2;

        if (compare_objects (object_at (self, g_array_index (self->zorder, guint32, mid)), lowest) < 0)
          lo = mid + 1;
        else
          hi = mid;
      }
    first = lo;
  }

  n_tail = old_len - first;
  tail = g_memdup2 (&g_array_index (self->zorder, guint32, first), n_tail * sizeof (guint32));
  g_array_set_size (self->zorder, old_len + new_objects->len);

  for (i = 0, j = 0, k = first; i < n_tail || j < new_objects->len; k++)
    {
      TafelObject *object;

      if (j == new_objects->len ||
          (i < n_tail && compare_objects (object_at (self, tail[i]),
                                          g_ptr_array_index (new_objects, j)) < 0))
        object = object_at (self, tail[i++]);
      else
        object = g_ptr_array_index (new_objects, j++);

      g_array_index (self->zorder, guint32, k) = object->index;
      object->rank = k;
    }
}

static inline void
rect_union_floats (TafelRect *dirty,
                   gboolean  *has_dirty,
                   float      x0,
                   float      y0,
                   float      x1,
                   float      y1)
{
  if (!*has_dirty)
    {
      *dirty = (TafelRect) { x0, y0, (double) x1 - x0, (double) y1 - y0 };
      *has_dirty = TRUE;
    }
  else
    {
      double nx0 = MIN (dirty->x, x0), ny0 = MIN (dirty->y, y0);
      double nx1 = MAX (dirty->x + dirty->width, x1), ny1 = MAX (dirty->y + dirty->height, y1);

      *dirty = (TafelRect) { nx0, ny0, nx1 - nx0, ny1 - ny0 };
    }
}

static void
finish_batch (TafelBoardModel *self,
              Batch           *batch,
              gboolean         emit)
{
  g_autoptr(GPtrArray) added = g_ptr_array_new ();
  g_autoptr(GPtrArray) removed = g_ptr_array_new ();
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();
  TafelRect dirty = { 0 };
  gboolean has_dirty = FALSE;

  if (batch->restacked)
    sort_zorder (self, batch->new_objects);
  else
    merge_zorder (self, batch->new_objects);

  for (guint i = 0; i < batch->touched->len; i++)
    {
      Touched *t = &g_array_index (batch->touched, Touched, i);
      TafelObject *object = t->object;
      gboolean now_visible = (object->flags & OBJECT_VISIBLE) != 0;
      /* Amended (recoloured, restacked, …) counts as changed too. */
      gboolean moved = t->x0 != object->box[0] || t->y0 != object->box[1] ||
                       t->x1 != object->box[2] || t->y1 != object->box[3] ||
                       !transform_equal (&t->transform, object_transform (object)) ||
                       t->n_am != (object->ops != NULL ? object->ops->n_am : 0);

      object->flags &= ~OBJECT_TOUCHED;

      if (now_visible)
        tafel_spatial_index_insert (self->index, object->index);

      if (t->was_visible && (!now_visible || moved))
        rect_union_floats (&dirty, &has_dirty, t->x0, t->y0, t->x1, t->y1);
      if (now_visible && (!t->was_visible || moved))
        rect_union_floats (&dirty, &has_dirty, object->box[0], object->box[1], object->box[2], object->box[3]);

      if (!t->was_visible && now_visible)
        g_ptr_array_add (added, object);
      else if (t->was_visible && !now_visible)
        g_ptr_array_add (removed, object);
      else if (t->was_visible && now_visible && moved)
        g_ptr_array_add (changed, object);
    }

  self->n_visible = self->n_visible + added->len - removed->len;

  if (added->len > 0 || removed->len > 0 || changed->len > 0 ||
      batch->chat->len > 0 || batch->profiles->len > 0)
    self->digest_valid = FALSE;
  if (removed->len > 0 || changed->len > 0)
    {
      self->bounds_valid = FALSE;
    }
  else if (added->len > 0 && self->bounds_valid)
    {
      /* Objects only came: the bounds grow to hold them. */
      TafelRect *b = &self->bounds;
      double x0 = b->x, y0 = b->y, x1 = b->x + b->width, y1 = b->y + b->height;

      if (!self->has_bounds)
        {
          x0 = y0 = G_MAXFLOAT;
          x1 = y1 = -G_MAXFLOAT;
        }
      for (guint i = 0; i < added->len; i++)
        {
          const TafelObject *o = g_ptr_array_index (added, i);

          x0 = MIN (x0, o->box[0]);
          y0 = MIN (y0, o->box[1]);
          x1 = MAX (x1, o->box[2]);
          y1 = MAX (y1, o->box[3]);
        }
      *b = (TafelRect) { x0, y0, x1 - x0, y1 - y0 };
      self->has_bounds = TRUE;
    }

  for (guint i = 0; i < batch->profiles->len; i++)
    ((AuthorInfo *) g_ptr_array_index (batch->profiles, i))->profile_changed = FALSE;

  tafel_chat_list_insert (self->chat, batch->chat);

  if (!emit)
    return;

  if (added->len > 0 || removed->len > 0 || changed->len > 0)
    g_signal_emit (self, signals[SIGNAL_OBJECTS_CHANGED], 0, added, removed, changed, &dirty);

  for (guint i = 0; i < batch->profiles->len; i++)
    g_signal_emit (self, signals[SIGNAL_PROFILE_CHANGED], 0,
                   &((AuthorInfo *) g_ptr_array_index (batch->profiles, i))->key);
}

static void
batch_init (Batch *batch)
{
  batch->touched = g_array_new (FALSE, FALSE, sizeof (Touched));
  batch->new_objects = g_ptr_array_new ();
  batch->chat = g_ptr_array_new_with_free_func (g_object_unref);
  batch->profiles = g_ptr_array_new ();
  batch->restacked = FALSE;
}

static void
batch_clear (Batch *batch)
{
  g_array_unref (batch->touched);
  g_ptr_array_unref (batch->new_objects);
  g_ptr_array_unref (batch->chat);
  g_ptr_array_unref (batch->profiles);
}

static void
on_records_added (TafelLog        *log,
                  GPtrArray       *records,
                  TafelBoardModel *self)
{
  Batch batch;

  batch_init (&batch);
  for (guint i = 0; i < records->len; i++)
    {
      RecordView view;

      view_from_record (&view, g_ptr_array_index (records, i));
      apply_record (self, &batch, &view);
    }
  finish_batch (self, &batch, TRUE);
  batch_clear (&batch);
}

/* ---- Records dropped again ----------------------------------------------- */

/* Drops the entries of @author from @from_seq on; TRUE if any went. */
static gboolean
ops_drop_tail (ObjOps     *ops,
               AuthorInfo *author,
               guint64     from_seq)
{
  guint n_vis = 0, n_xf = 0;
  gboolean dropped;

  for (guint i = 0; i < ops->n_vis; i++)
    if (ops->vis[i].key.author != author || ops->vis[i].key.seq < from_seq)
      ops->vis[n_vis++] = ops->vis[i];
  for (guint i = 0; i < ops->n_xf; i++)
    if (ops->xf[i].key.author != author || ops->xf[i].key.seq < from_seq)
      ops->xf[n_xf++] = ops->xf[i];
  dropped = n_vis != ops->n_vis || n_xf != ops->n_xf;
  ops->n_vis = n_vis;
  ops->n_xf = n_xf;
  return dropped;
}

static void
author_drop_clears (AuthorInfo *info,
                    AuthorInfo *author,
                    guint64     from_seq)
{
  guint n = 0;

  for (guint i = 0; i < info->clears->len; i++)
    {
      ClearEntry *e = &g_array_index (info->clears, ClearEntry, i);

      if (e->key.author != author || e->key.seq < from_seq)
        g_array_index (info->clears, ClearEntry, n++) = *e;
    }
  if (n == info->clears->len)
    return;
  g_array_set_size (info->clears, n);
  g_array_set_size (info->clears_max, n);
  for (guint i = n; i-- > 0;)
    {
      const OpKey *here = &g_array_index (info->clears, ClearEntry, i).key;
      const OpKey *after = i + 1 < n ? &g_array_index (info->clears_max, OpKey, i + 1) : NULL;

      g_array_index (info->clears_max, OpKey, i) =
        after != NULL && compare_keys (after, here) > 0 ? *after : *here;
    }
}

/* The author's latest profile among the records the log still holds. */
static void
author_reread_profile (TafelBoardModel *self,
                       AuthorInfo      *info,
                       Batch           *batch)
{
  guint64 head = tafel_log_get_head_seq (self->log, &info->key);

  g_clear_pointer (&info->profile_name, g_free);
  info->has_profile = FALSE;
  for (guint64 seq = head; seq >= 1; seq--)
    {
      TafelLogEntryView entry;
      g_autoptr(GBytes) body = NULL;
      TafelProfile profile = { 0 };

      if (!tafel_log_peek (self->log, &info->key, seq, &entry) || entry.kind != TAFEL_RECORD_KIND_PROFILE)
        continue;
      body = g_bytes_new_static (entry.body, entry.body_len);
      if (!tafel_profile_decode (body, &profile, NULL))
        continue;
      info->has_profile = TRUE;
      info->profile_key = (OpKey) { entry.lamport, seq, info };
      info->profile_name = g_steal_pointer (&profile.name);
      info->profile_rgba = profile.rgba;
      tafel_profile_clear (&profile);
      break;
    }
  if (!info->profile_changed)
    {
      info->profile_changed = TRUE;
      g_ptr_array_add (batch->profiles, info);
    }
}

/* The log took an author's records from @from_seq on out again: the state
 * becomes what the remaining records say, as if those had never come.
 * Objects of the dropped records stay in memory (pointers to them stay
 * valid) but are gone from every list, the z-order and the id table. */
static void
on_tail_dropped (TafelLog             *log,
                 const TafelPublicKey *key,
                 guint64               from_seq,
                 TafelBoardModel      *self)
{
  AuthorInfo *author = g_hash_table_lookup (self->author_index, key);
  GHashTableIter iter;
  gpointer value;
  guint n_rank = 0;
  Batch batch;

  if (author == NULL)
    return;

  batch_init (&batch);

  /* Dropped records undo what they did to every object; note every object
   * first, as a clear may have reached any of them. */
  for (guint k = 0; k < self->n_objects; k++)
    {
      TafelObject *object = object_at (self, k);

      if (object->flags & OBJECT_GONE)
        continue;
      touch (self, &batch, object);
      if (object->author == author && object->seq >= from_seq)
        {
          object->flags = (object->flags | OBJECT_GONE) & ~OBJECT_VISIBLE;
          continue;
        }
      if (object->ops != NULL)
        ops_drop_tail (object->ops, author, from_seq);
    }
  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ObjOps *ops = value;

      ops_drop_tail (ops, author, from_seq);
      if (ops->n_vis == 0 && ops->n_xf == 0)
        g_hash_table_iter_remove (&iter);
    }
  for (guint i = 0; i < self->authors->len; i++)
    author_drop_clears (g_ptr_array_index (self->authors, i), author, from_seq);

  for (guint k = 0; k < self->n_objects; k++)
    {
      TafelObject *object = object_at (self, k);

      if (object->flags & OBJECT_GONE)
        continue;
      update_visibility (object);
      update_bounds (object);
    }

  /* Out of the z-order and the id table. */
  for (guint r = 0; r < self->zorder->len; r++)
    {
      guint32 index = g_array_index (self->zorder, guint32, r);
      TafelObject *object = object_at (self, index);

      if (object->flags & OBJECT_GONE)
        continue;
      object->rank = n_rank;
      g_array_index (self->zorder, guint32, n_rank++) = index;
    }
  g_array_set_size (self->zorder, n_rank);
  memset (self->slots, 0, (1u << self->slot_bits) * sizeof *self->slots);
  for (guint k = 0; k < self->n_objects; k++)
    if (!(object_at (self, k)->flags & OBJECT_GONE))
      slots_insert (self, object_at (self, k));

  if (author->has_profile && author->profile_key.seq >= from_seq)
    author_reread_profile (self, author, &batch);
  tafel_chat_list_remove_tail (self->chat, key, from_seq);

  self->digest_valid = FALSE;
  self->bounds_valid = FALSE;
  finish_batch (self, &batch, TRUE);
  batch_clear (&batch);
}

/* Reads every record straight from the log's storage: no record objects
 * are made for a board of any size. */
static void
build_from_log (TafelBoardModel *self)
{
  guint n_authors = tafel_log_get_n_authors_total (self->log);
  Batch batch;

  batch_init (&batch);
  for (guint a = 0; a < n_authors; a++)
    {
      const TafelPublicKey *author = tafel_log_get_author_key (self->log, a);
      guint64 head = tafel_log_get_head_seq (self->log, author);

      for (guint64 seq = 1; seq <= head; seq++)
        {
          TafelLogEntryView entry;
          RecordView view;

          if (!tafel_log_peek (self->log, author, seq, &entry))
            break;
          view = (RecordView) {
            entry.id, author, seq, entry.lamport, entry.kind, entry.body, entry.body_len, NULL,
          };
          apply_record (self, &batch, &view);
        }
    }
  finish_batch (self, &batch, FALSE);
  batch_clear (&batch);
}

/* ---- GObject ------------------------------------------------------------- */

static void
tafel_board_model_constructed (GObject *object)
{
  TafelBoardModel *self = TAFEL_BOARD_MODEL (object);

  G_OBJECT_CLASS (tafel_board_model_parent_class)->constructed (object);

  g_return_if_fail (TAFEL_IS_LOG (self->log));

  build_from_log (self);
  g_signal_connect_object (self->log, "records-added", G_CALLBACK (on_records_added), self, 0);
  g_signal_connect_object (self->log, "tail-dropped", G_CALLBACK (on_tail_dropped), self, 0);
}

static void
tafel_board_model_dispose (GObject *object)
{
  TafelBoardModel *self = TAFEL_BOARD_MODEL (object);

  if (self->log != NULL)
    g_signal_handlers_disconnect_by_data (self->log, self);
  g_clear_object (&self->log);

  G_OBJECT_CLASS (tafel_board_model_parent_class)->dispose (object);
}

static void
tafel_board_model_finalize (GObject *object)
{
  TafelBoardModel *self = TAFEL_BOARD_MODEL (object);

  for (guint i = 0; i < self->n_objects; i++)
    {
      TafelObject *o = object_at (self, i);

      if (o->ops != NULL)
        obj_ops_free (o->ops);
    }
  g_ptr_array_unref (self->chunks);
  g_free (self->slots);
  g_array_unref (self->zorder);
  g_hash_table_unref (self->author_index);
  g_ptr_array_unref (self->authors);
  g_hash_table_unref (self->pending);
  tafel_spatial_index_free (self->index);
  g_clear_object (&self->chat);

  G_OBJECT_CLASS (tafel_board_model_parent_class)->finalize (object);
}

static void
tafel_board_model_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TafelBoardModel *self = TAFEL_BOARD_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOG:
      g_value_set_object (value, self->log);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tafel_board_model_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TafelBoardModel *self = TAFEL_BOARD_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOG:
      self->log = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tafel_board_model_class_init (TafelBoardModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = tafel_board_model_constructed;
  object_class->dispose = tafel_board_model_dispose;
  object_class->finalize = tafel_board_model_finalize;
  object_class->get_property = tafel_board_model_get_property;
  object_class->set_property = tafel_board_model_set_property;

  properties[PROP_LOG] =
    g_param_spec_object ("log", NULL, NULL, TAFEL_TYPE_LOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TafelBoardModel::objects-changed:
   * @self: the model
   * @added: (element-type TafelObject): objects that became visible
   * @removed: (element-type TafelObject): objects that became hidden
   * @changed: (element-type TafelObject): visible objects whose transform changed
   * @dirty: (type gpointer): a #TafelRect covering old and new bounds of all of them
   *
   * Emitted once per batch of records that changed what is visible.
   */
  signals[SIGNAL_OBJECTS_CHANGED] =
    g_signal_new ("objects-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4,
                  G_TYPE_PTR_ARRAY, G_TYPE_PTR_ARRAY, G_TYPE_PTR_ARRAY, G_TYPE_POINTER);

  /**
   * TafelBoardModel::profile-changed:
   * @self: the model
   * @author: (type gpointer): the #TafelPublicKey whose profile changed
   */
  signals[SIGNAL_PROFILE_CHANGED] =
    g_signal_new ("profile-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
tafel_board_model_init (TafelBoardModel *self)
{
  self->chunks = g_ptr_array_new_with_free_func (g_free);
  self->zorder = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->authors = g_ptr_array_new_with_free_func (author_info_free);
  self->author_index = g_hash_table_new (tafel_key_hash, tafel_key_equal);
  self->pending = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, g_free, (GDestroyNotify) obj_ops_free);
  self->index = tafel_spatial_index_new (object_box, self);
  self->chat = tafel_chat_list_new ();
}

/* ---- Public API ---------------------------------------------------------- */

/**
 * tafel_board_model_new:
 * @log: the records to follow
 *
 * Builds the board state from every record in @log, then follows the log's
 * ::records-added.
 *
 * Returns: (transfer full): a new model
 */
TafelBoardModel *
tafel_board_model_new (TafelLog *log)
{
  g_return_val_if_fail (TAFEL_IS_LOG (log), NULL);

  return g_object_new (TAFEL_TYPE_BOARD_MODEL, "log", log, NULL);
}

/**
 * tafel_board_model_get_log:
 * @self: a model
 *
 * Returns: (transfer none): the log the model follows
 */
TafelLog *
tafel_board_model_get_log (TafelBoardModel *self)
{
  g_return_val_if_fail (TAFEL_IS_BOARD_MODEL (self), NULL);

  return self->log;
}

/**
 * tafel_board_model_lookup:
 * @self: a model
 * @id: an object id (the id of its stroke, shape or text record)
 *
 * Returns: (transfer none) (nullable): the object, visible or not, or
 *   %NULL when the model knows no such object
 */
TafelObject *
tafel_board_model_lookup (TafelBoardModel *self,
                          const TafelHash *id)
{
  g_return_val_if_fail (TAFEL_IS_BOARD_MODEL (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return lookup_object (self, id);
}

/**
 * tafel_board_model_get_n_visible:
 * @self: a model
 *
 * Returns: how many objects are visible
 */
guint
tafel_board_model_get_n_visible (TafelBoardModel *self)
{
  g_return_val_if_fail (TAFEL_IS_BOARD_MODEL (self), 0);

  return self->n_visible;
}

/**
 * tafel_board_model_get_z_range:
 * @self: a model
 * @lowest: (out): the z of the bottom object
 * @highest: (out): the z of the top object
 *
 * Returns: FALSE when the model knows no object
 */
gboolean
tafel_board_model_get_z_range (TafelBoardModel *self,
                               double          *lowest,
                               double          *highest)
{
  g_return_val_if_fail (TAFEL_IS_BOARD_MODEL (self), FALSE);
  g_return_val_if_fail (lowest != NULL && highest != NULL, FALSE);

  if (self->zorder->len == 0)
    return FALSE;
  *lowest = object_z (object_at (self, g_array_index (self->zorder, guint32, 0)));
  *highest = object_z (object_at (self, g_array_index (self->zorder, guint32, self->zorder->len - 1)));
  return TRUE;
}

static int
compare_u32 (gconstpointer a,
             gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return (x > y) - (x < y);
}

/**
 * tafel_board_model_query:
 * @self: a model
 * @rect: (nullable): the rectangle on the board, or %NULL for all
 * @out: (element-type TafelObject): where the objects go
 *
 * Appends the visible objects whose bounds intersect @rect to @out, bottom
 * first in z-order. The spatial index finds them and their z-ranks order
 * them: a sort of the answer when it is small, one pass over a bitmap of
 * ranks when it is a large part of the board.
 */
void
tafel_board_model_query (TafelBoardModel *self,
                         const TafelRect *rect,
                         GPtrArray       *out)
{
  g_autoptr(GArray) ids = NULL;

  g_return_if_fail (TAFEL_IS_BOARD_MODEL (self));
  g_return_if_fail (out != NULL);

  /* Asked for all of the board (zoomed to fit, say): every visible object
   * intersects, in z-order without the index or a sort. */
  if (rect != NULL && self->bounds_valid)
    {
      const TafelRect *b = &self->bounds;

      if (!self->has_bounds)
        return;
      if (rect->x <= b->x && rect->y <= b->y &&
          rect->x + rect->width >= b->x + b->width && rect->y + rect->height >= b->y + b->height)
        rect = NULL;
    }

  if (rect == NULL)
    {
      for (guint r = 0; r < self->zorder->len; r++)
        {
          TafelObject *object = object_at (self, g_array_index (self->zorder, guint32, r));

          if (object->flags & OBJECT_VISIBLE)
            g_ptr_array_add (out, object);
        }
      return;
    }

  ids = g_array_sized_new (FALSE, FALSE, sizeof (guint32), 256);
  tafel_spatial_index_query (self->index, rect, ids);
  if (ids->len == 0)
    return;

  if ((gsize) ids->len * 32 > self->zorder->len)
    {
      guint n_words = (self->zorder->len + 63) / 64;
      g_autofree guint64 *bits = g_new0 (guint64, n_words);

      for (guint i = 0; i < ids->len; i++)
        {
          guint32 rank = object_at (self, g_array_index (ids, guint32, i))->rank;

          bits[rank / 64] |= G_GUINT64_CONSTANT (1) << (rank % 64);
        }

      for (guint w = 0; w < n_words; w++)
        for (guint64 word = bits[w]; word != 0; word &= word - 1)
          {
            guint rank = w * 64 + __builtin_ctzll (word);

            g_ptr_array_add (out, object_at (self, g_array_index (self->zorder, guint32, rank)));
          }
    }
  else
    {
      for (guint i = 0; i < ids->len; i++)
        g_array_index (ids, guint32, i) = object_at (self, g_array_index (ids, guint32, i))->rank;
      g_array_sort (ids, compare_u32);
      for (guint i = 0; i < ids->len; i++)
        g_ptr_array_add (out, object_at (self, g_array_index (self->zorder, guint32,
                                                              g_array_index (ids, guint32, i))));
    }
}

/**
 * tafel_board_model_hit_test:
 * @self: a model
 * @x: board x
 * @y: board y
 * @tolerance: how far from the ink still counts, in board units
 *
 * Finds what a click at (@x, @y) picks: the topmost visible object whose
 * ink passes within @tolerance of the point (strokes by their polyline and
 * width, shapes by their outline or fill, text by its box).
 *
 * Returns: (transfer none) (nullable): the object, or %NULL
 */
TafelObject *
tafel_board_model_hit_test (TafelBoardModel *self,
                            double           x,
                            double           y,
                            double           tolerance)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new ();
  TafelRect probe;

  g_return_val_if_fail (TAFEL_IS_BOARD_MODEL (self), NULL);

  tolerance = MAX (tolerance, 0.0);
  probe = (TafelRect) { x - tolerance, y - tolerance, 2 * tolerance, 2 * tolerance };
  tafel_board_model_query (self, &probe, candidates);

  for (guint i = candidates->len; i-- > 0;)
    {
      TafelObject *object = g_ptr_array_index (candidates, i);

      if (tafel_object_hit_test (object, x, y, x, y, tolerance))
        return object;
    }

  return NULL;
}

/**
 * tafel_board_model_get_bounds:
 * @self: a model
 * @bounds: (out): the union of the visible objects' bounds
 *
 * Returns: %FALSE when nothing is visible (@bounds is then untouched)
 */
gboolean
tafel_board_model_get_bounds (TafelBoardModel *self,
                              TafelRect       *bounds)
{
  g_return_val_if_fail (TAFEL_IS_BOARD_MODEL (self), FALSE);
  g_return_val_if_fail (bounds != NULL, FALSE);

  if (!self->bounds_valid)
    {
      float x0 = G_MAXFLOAT, y0 = G_MAXFLOAT, x1 = -G_MAXFLOAT, y1 = -G_MAXFLOAT;

      self->has_bounds = FALSE;
      for (guint i = 0; i < self->n_objects; i++)
        {
          const TafelObject *o = object_at (self, i);

          if (!(o->flags & OBJECT_VISIBLE))
            continue;
          x0 = MIN (x0, o->box[0]);
          y0 = MIN (y0, o->box[1]);
          x1 = MAX (x1, o->box[2]);
          y1 = MAX (y1, o->box[3]);
          self->has_bounds = TRUE;
        }
      self->bounds = (TafelRect) { x0, y0, (double) x1 - x0, (double) y1 - y0 };
      self->bounds_valid = TRUE;
    }

  if (self->has_bounds)
    *bounds = self->bounds;
  return self->has_bounds;
}

/**
 * tafel_board_model_get_chat:
 * @self: a model
 *
 * Returns: (transfer none): the chat, a #GListModel of #TafelChatMessage
 *   in (lamport, author, seq) order
 */
GListModel *
tafel_board_model_get_chat (TafelBoardModel *self)
{
  g_return_val_if_fail (TAFEL_IS_BOARD_MODEL (self), NULL);

  return G_LIST_MODEL (self->chat);
}

/**
 * tafel_board_model_get_profile:
 * @self: a model
 * @author: whose profile
 * @name: (out) (optional) (transfer none): the display name
 * @rgba: (out) (optional): the colour, 0xRRGGBBAA
 *
 * The latest profile @author published.
 *
 * Returns: %FALSE when the author has published none
 */
gboolean
tafel_board_model_get_profile (TafelBoardModel      *self,
                               const TafelPublicKey *author,
                               const char          **name,
                               guint32              *rgba)
{
  AuthorInfo *info;

  g_return_val_if_fail (TAFEL_IS_BOARD_MODEL (self), FALSE);
  g_return_val_if_fail (author != NULL, FALSE);

  info = g_hash_table_lookup (self->author_index, author);
  if (info == NULL || !info->has_profile)
    return FALSE;

  if (name != NULL)
    *name = info->profile_name;
  if (rgba != NULL)
    *rgba = info->profile_rgba;
  return TRUE;
}

/* ---- Private API --------------------------------------------------------- */

static OpKey
record_key (TafelBoardModel *self,
            TafelRecord     *record)
{
  return (OpKey) {
    tafel_record_get_lamport (record), tafel_record_get_seq (record),
    intern_author (self, tafel_record_get_author (record)),
  };
}

gboolean
_tafel_board_model_visible_before (TafelBoardModel   *self,
                                   const TafelObject *object,
                                   TafelRecord       *op)
{
  OpKey key = record_key (self, op);

  return decide_visible (object, &key);
}

void
_tafel_board_model_transform_before (TafelBoardModel   *self,
                                     const TafelObject *object,
                                     TafelRecord       *op,
                                     TafelTransform    *transform)
{
  OpKey key = record_key (self, op);

  *transform = identity_transform;

  if (object->ops == NULL)
    return;

  for (guint i = object->ops->n_xf; i-- > 0;)
    if (compare_keys (&object->ops->xf[i].key, &key) < 0)
      {
        *transform = object->ops->xf[i].transform;
        return;
      }
}

void
_tafel_board_model_amend_before (TafelBoardModel   *self,
                                 const TafelObject *object,
                                 TafelRecord       *op,
                                 guint              fields,
                                 TafelAmendEntry   *entry)
{
  OpKey key = record_key (self, op);
  guint missing = fields;
  g_autoptr(GBytes) body = _tafel_object_peek_body (object);

  entry->id = object->id;
  entry->fields = fields;

  /* The latest amendment before @op of each property... */
  for (guint i = object->ops != NULL ? object->ops->n_am : 0; i-- > 0 && missing != 0;)
    {
      const AmEntry *e = &object->ops->am[i];
      guint here = e->fields & missing;

      if (here == 0 || compare_keys (&e->key, &key) >= 0)
        continue;
      if (here & TAFEL_AMEND_COLOR)
        entry->rgba = e->rgba;
      if (here & TAFEL_AMEND_WIDTH)
        entry->width = e->width;
      if (here & TAFEL_AMEND_TEXT)
        entry->text = g_strdup (e->text);
      if (here & TAFEL_AMEND_Z)
        entry->z = e->z;
      missing &= ~here;
    }

  /* ...or what the object's own record says. */
  if (missing & TAFEL_AMEND_Z)
    entry->z = (double) object->lamport;
  if ((missing & (TAFEL_AMEND_COLOR | TAFEL_AMEND_WIDTH | TAFEL_AMEND_TEXT)) == 0 || body == NULL)
    return;

  switch (object->type)
    {
    case TAFEL_OBJECT_STROKE:
      {
        TafelStroke stroke = { 0 };

        if (tafel_stroke_decode (body, &stroke, NULL))
          {
            if (missing & TAFEL_AMEND_COLOR)
              entry->rgba = stroke.rgba;
            if (missing & TAFEL_AMEND_WIDTH)
              entry->width = stroke.width;
          }
        tafel_stroke_clear (&stroke);
      }
      break;

    case TAFEL_OBJECT_SHAPE:
      {
        TafelShape shape;

        if (tafel_shape_decode (body, &shape, NULL))
          {
            if (missing & TAFEL_AMEND_COLOR)
              entry->rgba = shape.stroke_rgba;
            if (missing & TAFEL_AMEND_WIDTH)
              entry->width = shape.width;
          }
      }
      break;

    case TAFEL_OBJECT_TEXT:
    default:
      {
        TafelText text = { 0 };

        if (tafel_text_decode (body, &text, NULL))
          {
            if (missing & TAFEL_AMEND_COLOR)
              entry->rgba = text.rgba;
            if (missing & TAFEL_AMEND_WIDTH)
              entry->width = text.size;
            if (missing & TAFEL_AMEND_TEXT)
              entry->text = g_steal_pointer (&text.text);
          }
        tafel_text_clear (&text);
      }
      break;
    }

  /* A stroke has no text to go back to. */
  if ((entry->fields & TAFEL_AMEND_TEXT) && entry->text == NULL)
    entry->fields &= ~TAFEL_AMEND_TEXT;
}

GPtrArray *
_tafel_board_model_dup_cleared (TafelBoardModel *self,
                                TafelRecord     *clear_record)
{
  GPtrArray *out = g_ptr_array_new ();
  TafelClear clear = { 0 };

  if (!tafel_clear_decode (tafel_record_get_body (clear_record), &clear, NULL))
    return out;

  for (guint k = 0; k < self->n_objects; k++)
    {
      TafelObject *object = object_at (self, k);

      if (object->flags & OBJECT_GONE)
        continue;
      for (guint i = 0; i < clear.n_authors; i++)
        if (object->seq <= clear.seqs[i] &&
            memcmp (object->author->key.bytes, clear.authors[i].bytes, TAFEL_PUBLIC_KEY_BYTES) == 0)
          {
            g_ptr_array_add (out, object);
            break;
          }
    }

  tafel_clear_clear (&clear);
  return out;
}

TafelSpatialIndex *
_tafel_board_model_get_index (TafelBoardModel *self)
{
  return self->index;
}

