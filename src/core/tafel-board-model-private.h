/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <string.h>

#include "tafel-board-model.h"
#include "tafel-chat-list.h"
#include "tafel-chat-message-private.h"
#include "tafel-object-private.h"
#include "tafel-spatial-index.h"

G_BEGIN_DECLS

/* Between the model and the history; not for the app. */

/* Whether @object was visible considering only the erase, restore and clear
 * records that order before @op. */
gboolean          _tafel_board_model_visible_before   (TafelBoardModel   *self,
                                                       const TafelObject *object,
                                                       TafelRecord       *op);
/* The transform @object had considering only transform records before @op. */
void              _tafel_board_model_transform_before (TafelBoardModel   *self,
                                                       const TafelObject *object,
                                                       TafelRecord       *op,
                                                       TafelTransform    *transform);
/* @entry (its id set) filled with the properties @fields had for @object
 * considering only the amend records before @op: the latest amendment of
 * each, or what the object's own record says (its lamport for z). */
void              _tafel_board_model_amend_before     (TafelBoardModel   *self,
                                                       const TafelObject *object,
                                                       TafelRecord       *op,
                                                       guint              fields,
                                                       TafelAmendEntry   *entry);
/* (element-type TafelObject) the objects a clear record targets that the
 * model knows, in no particular order. */
GPtrArray        *_tafel_board_model_dup_cleared      (TafelBoardModel   *self,
                                                       TafelRecord       *clear) G_GNUC_WARN_UNUSED_RESULT;

/* For benchmarks: the model's spatial index. */
struct _TafelSpatialIndex *_tafel_board_model_get_index (TafelBoardModel *self);

/* ---- Between the model's parts ------------------------------------------- */

/* The model's state, shared by tafel-board-model.c (integration and
 * queries), tafel-board-digest.c and tafel-object.c (the objects' own
 * accessors). */

/* Objects live in chunks that never move, so a TafelObject pointer stays
 * valid for the model's lifetime while the model grows. */
#define CHUNK_BITS 10
#define CHUNK_SIZE (1u << CHUNK_BITS)
#define CHUNK_MASK (CHUNK_SIZE - 1)

enum
{
  OBJECT_VISIBLE     = 1 << 0,
  OBJECT_HIGHLIGHTER = 1 << 1,
  OBJECT_TOUCHED     = 1 << 2,  /* already noted in the current batch */
  OBJECT_GONE        = 1 << 3,  /* its record was dropped from the log again */
};

typedef struct _AuthorInfo AuthorInfo;

/* Where a record stands in the order of (lamport, author, seq): all the
 * model keeps of an operation record. Records themselves stay in the log
 * (which stores them compactly); the model never holds on to one. */
typedef struct
{
  guint64     lamport;
  guint64     seq;
  AuthorInfo *author;
} OpKey;

typedef struct
{
  OpKey key;
  guint kind;            /* erase, restore or clear */
} VisEntry;

typedef struct
{
  OpKey          key;
  TafelTransform transform;
} XfEntry;

/* What one amend record says about one object. */
typedef struct
{
  OpKey   key;
  guint8  fields;        /* TafelAmendFields */
  guint32 rgba;
  float   width;
  char   *text;
  double  z;
} AmEntry;

/* What erase, restore, transform and amend records say about one object,
 * each list sorted by key: the last entry wins (for amendments, the last
 * entry that sets a property wins for that property). Kept only for
 * objects that such records name, and for ids not seen yet. (Clears live
 * with their authors, see AuthorInfo.) */
typedef struct
{
  VisEntry *vis;
  XfEntry  *xf;
  AmEntry  *am;
  guint     n_vis;
  guint     n_xf;
  guint     n_am;
  /* The object's own bounds, before its transform. */
  float     lx0, ly0, lx1, ly1;
} ObjOps;

/* Kept small on purpose (88 bytes): no record, no points. Points are
 * decoded from the log on demand. */
struct _TafelObject
{
  TafelHash    id;
  AuthorInfo  *author;
  ObjOps      *ops;
  float        box[4];          /* x0, y0, x1, y1 on the board, transform applied,
                                 * rounded outwards */
  guint64      lamport;
  guint32      seq;             /* an author cannot reach 2^32 records gaplessly */
  guint32      rank;            /* position in the model's z-order */
  guint32      index;           /* position in the model's object chunks */
  guint8       type;
  guint8       flags;
};

typedef struct
{
  guint64 upto;
  OpKey   key;
} ClearEntry;

struct _AuthorInfo
{
  TafelPublicKey   key;
  TafelBoardModel *model;
  GArray          *clears;       /* ClearEntry, by upto */
  GArray          *clears_max;   /* OpKey: [i] is the latest among clears[i..] */
  gboolean         has_profile;
  OpKey            profile_key;
  char            *profile_name;
  guint32          profile_rgba;
  gboolean         profile_changed;
};

struct _TafelBoardModel
{
  GObject            parent_instance;

  TafelLog          *log;

  GPtrArray         *chunks;       /* TafelObject[CHUNK_SIZE] */
  guint              n_objects;
  guint32           *slots;        /* id → object index + 1, open addressing */
  guint              slot_bits;

  GArray            *zorder;       /* guint32 object index, every object */
  guint              n_visible;

  GPtrArray         *authors;      /* AuthorInfo */
  GHashTable        *author_index; /* TafelPublicKey → AuthorInfo */
  GHashTable        *pending;      /* TafelHash → ObjOps, ids not seen yet */

  TafelSpatialIndex *index;
  TafelChatList     *chat;

  gboolean           digest_valid;
  TafelHash          digest;
  gboolean           bounds_valid;
  gboolean           has_bounds;
  TafelRect          bounds;
};

static const TafelTransform identity_transform = { 1.0, 1.0, 0.0, 0.0 };

static inline TafelObject *
object_at (TafelBoardModel *self,
           guint32          index)
{
  return &((TafelObject *) self->chunks->pdata[index >> CHUNK_BITS])[index & CHUNK_MASK];
}

static inline gboolean
transform_equal (const TafelTransform *a,
                 const TafelTransform *b)
{
  return a->sx == b->sx && a->sy == b->sy && a->tx == b->tx && a->ty == b->ty;
}

static inline const TafelTransform *
object_transform (const TafelObject *object)
{
  if (object->ops != NULL && object->ops->n_xf > 0)
    return &object->ops->xf[object->ops->n_xf - 1].transform;

  return &identity_transform;
}

/* (lamport, author, seq). Authors are interned, so equal keys share one
 * AuthorInfo and the key bytes are compared only between two authors. */
static inline int
compare_keys (const OpKey *a,
              const OpKey *b)
{
  return tafel_order_compare (a->lamport, &a->author->key, a->seq, b->lamport, &b->author->key, b->seq);
}

static inline OpKey
object_key (const TafelObject *object)
{
  return (OpKey) { object->lamport, object->seq, object->author };
}

/* The latest amendment of @object that sets @field, or %NULL. */
static inline const AmEntry *
object_amendment (const TafelObject *object,
                  guint              field)
{
  if (object->ops != NULL)
    for (guint i = object->ops->n_am; i-- > 0;)
      if (object->ops->am[i].fields & field)
        return &object->ops->am[i];

  return NULL;
}

/* Where @object lies in the z-order: its own lamport unless restacked. */
static inline double
object_z (const TafelObject *object)
{
  const AmEntry *e = object_amendment (object, TAFEL_AMEND_Z);

  return e != NULL ? e->z : (double) object->lamport;
}

/* Z-order: (z, lamport, author, seq). */
static inline int
compare_objects (const TafelObject *a,
                 const TafelObject *b)
{
  double za = object_z (a), zb = object_z (b);
  OpKey ka, kb;

  if (za != zb)
    return za < zb ? -1 : 1;
  ka = object_key (a);
  kb = object_key (b);
  return compare_keys (&ka, &kb);
}

G_END_DECLS
