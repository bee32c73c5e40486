/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <string.h>

#include <glib.h>

#include "tafel-crypto.h"

G_BEGIN_DECLS

/* Hard limits. A record beyond any of them is refused wherever it comes
 * from, so no peer can make another allocate without bound. */
#define TAFEL_RECORD_MAX_BYTES      (256 * 1024)  /* encoded envelope */
#define TAFEL_STROKE_MAX_POINTS     20000
#define TAFEL_TEXT_MAX_BYTES        8192          /* UTF-8, text objects and chat */
#define TAFEL_NAME_MAX_BYTES        128           /* UTF-8, profile display name */
#define TAFEL_SET_MAX_OBJECTS       10000         /* erase / restore / transform */
#define TAFEL_CLEAR_MAX_AUTHORS     4096
/* Every coordinate (points, shapes, text) lies within ±TAFEL_COORD_MAX
 * board units; at TAFEL_POINT_QUANTUM that is 2^24 steps, which a float
 * holds exactly. */
#define TAFEL_COORD_MAX             2097152
/* Line widths of strokes and shapes, and text sizes, are in (0, this]. */
#define TAFEL_WIDTH_MAX             4096.0f
/* seq and lamport are at most 2^53, so they survive a trip through JSON and
 * a clock can always step once more without overflow. */
#define TAFEL_RECORD_MAX_CLOCK      (G_GUINT64_CONSTANT (1) << 53)

#define TAFEL_RECORD_ERROR (tafel_record_error_quark ())

typedef enum
{
  TAFEL_RECORD_ERROR_MALFORMED,     /* bytes do not parse as an envelope or body */
  TAFEL_RECORD_ERROR_TRUNCATED,     /* input ends inside a field */
  TAFEL_RECORD_ERROR_TOO_LARGE,     /* beyond one of the hard limits */
  TAFEL_RECORD_ERROR_UNSUPPORTED,   /* a newer envelope version */
  TAFEL_RECORD_ERROR_BAD_SIGNATURE, /* signature does not match author and content */
  TAFEL_RECORD_ERROR_UNSIGNED,      /* a signature is needed here and missing */
  TAFEL_RECORD_ERROR_INVALID,       /* well-formed but breaks a rule (seq 0, bad UTF-8, …) */
  TAFEL_RECORD_ERROR_UNKNOWN_KEY,   /* the body is encrypted with a key this peer does not hold */
} TafelRecordError;

GQuark tafel_record_error_quark (void);

/* Kinds are a varint on the wire. Values not listed are "unknown kinds":
 * kept, stored and forwarded, never shown. */
typedef enum
{
  TAFEL_RECORD_KIND_PROFILE   = 1,
  TAFEL_RECORD_KIND_STROKE    = 2,
  TAFEL_RECORD_KIND_SHAPE     = 3,
  TAFEL_RECORD_KIND_TEXT      = 4,
  TAFEL_RECORD_KIND_ERASE     = 5,
  TAFEL_RECORD_KIND_RESTORE   = 6,
  TAFEL_RECORD_KIND_TRANSFORM = 7,
  TAFEL_RECORD_KIND_CLEAR     = 8,
  TAFEL_RECORD_KIND_CHAT      = 9,
  TAFEL_RECORD_KIND_AMEND     = 10,
} TafelRecordKind;

#define TAFEL_RECORD_KIND_IS_KNOWN(k) ((k) >= TAFEL_RECORD_KIND_PROFILE && (k) <= TAFEL_RECORD_KIND_AMEND)

/* Control kinds (docs/access.md): plaintext on a version 2 envelope, read
 * by every peer, seed peers included. On a version 1 envelope they are
 * unknown kinds like any other (TAFEL_RECORD_KIND_IS_KNOWN() does not
 * change). */
typedef enum
{
  TAFEL_RECORD_KIND_EPOCH  = 64,
  TAFEL_RECORD_KIND_ENROL  = 65,
  TAFEL_RECORD_KIND_ROLE   = 66,
  TAFEL_RECORD_KIND_MEMBER = 67,
} TafelControlKind;

/* Kinds 1–63 are content: encrypted on a version 2 envelope. Kinds 64–127
 * are control, plaintext; so is every kind from 128 on (unknown). */
#define TAFEL_RECORD_KIND_IS_CONTENT(k)       ((k) >= 1 && (k) <= 63)
#define TAFEL_RECORD_KIND_IS_CONTROL(k)       ((k) >= 64 && (k) <= 127)
#define TAFEL_RECORD_KIND_IS_KNOWN_CONTROL(k) ((k) >= TAFEL_RECORD_KIND_EPOCH && (k) <= TAFEL_RECORD_KIND_MEMBER)

/**
 * TafelRecord:
 *
 * One immutable change to a board, by one author: a reference-counted
 * value. Its id is the BLAKE2b-256 of its *signed bytes* (the canonical
 * encoding of author, seq, prev, lamport, kind and body, and on version 2
 * key id and time, without the signature), so the id does not depend on
 * whether a signature is attached.
 *
 * The signature is optional on a record: a gapless run of one author's
 * records is authenticated by the hash chain (each record's prev is the id
 * of the one before) plus one valid signature on the run's last record.
 * A record that travels alone must carry its signature.
 */
typedef struct _TafelRecord TafelRecord;

TafelRecord          *tafel_record_new              (const TafelPublicKey *author,
                                                     guint64               seq,
                                                     const TafelHash      *prev,
                                                     guint64               lamport,
                                                     guint                 kind,
                                                     GBytes               *body,
                                                     const TafelSignature *signature) G_GNUC_WARN_UNUSED_RESULT;
TafelRecord          *tafel_record_ref              (TafelRecord          *record);
void                  tafel_record_unref            (TafelRecord          *record);

const TafelHash      *tafel_record_get_id           (TafelRecord          *record);
const TafelPublicKey *tafel_record_get_author       (TafelRecord          *record);
guint64               tafel_record_get_seq          (TafelRecord          *record);
/* Zeros for seq 1. */
const TafelHash      *tafel_record_get_prev         (TafelRecord          *record);
guint64               tafel_record_get_lamport      (TafelRecord          *record);
guint                 tafel_record_get_kind         (TafelRecord          *record);
GBytes               *tafel_record_get_body         (TafelRecord          *record);
/* %NULL when the record carries none. */
const TafelSignature *tafel_record_get_signature    (TafelRecord          *record);
/* A new record with the same content and @signature attached (or dropped). */
TafelRecord          *tafel_record_with_signature   (TafelRecord          *record,
                                                     const TafelSignature *signature) G_GNUC_WARN_UNUSED_RESULT;

/* ---- Envelope version 2 (docs/access.md) ---------------------------------
 *
 * A version 2 record adds a key id (the epoch whose body key encrypts it)
 * and its author's wall-clock time (ms since 1970; a claim, shown and
 * never ordered by). The body of a content kind is ciphertext: the record,
 * its id, its signature and everything a seed peer checks are about the
 * ciphertext; tafel_record_open_body() gives the plaintext to a reader
 * that holds the key. Version 1 records have version 1, key id 0, time 0
 * and a plaintext body. */

#define TAFEL_RECORD_VERSION     1
/* Envelope version 2 (docs/access.md): key id, time, encrypted content. */
#define TAFEL_RECORD_VERSION_2   2
/* The newest envelope version this build reads. */
#define TAFEL_RECORD_VERSION_MAX 2

/* TAFEL_RECORD_VERSION or TAFEL_RECORD_VERSION_2. */
guint                 tafel_record_get_version      (TafelRecord          *record);
/* 0 on version 1. */
guint32               tafel_record_get_key_id       (TafelRecord          *record);
/* 0 on version 1. */
guint64               tafel_record_get_time         (TafelRecord          *record);
/* Whether the body on the wire is ciphertext (a content kind on version 2). */
gboolean              tafel_record_is_encrypted     (TafelRecord          *record);

/* The key id that names the epoch written by the epoch record with id
 * @epoch_record_id: its first 4 bytes (the envelope stores the key id
 * little-endian, so these are the bytes on the wire). */
guint32               tafel_key_id_from_record_id   (const TafelHash      *epoch_record_id);

/* A version 2 record whose @body is as on the wire (ciphertext for a
 * content kind); the rules of tafel_record_new() apply, @time is at most
 * TAFEL_RECORD_MAX_CLOCK. To write one, see tafel_identity_sign_record_v2(). */
TafelRecord          *tafel_record_new_v2           (const TafelPublicKey *author,
                                                     guint64               seq,
                                                     const TafelHash      *prev,
                                                     guint64               lamport,
                                                     guint                 kind,
                                                     guint32               key_id,
                                                     guint64               time,
                                                     GBytes               *body,
                                                     const TafelSignature *signature) G_GNUC_WARN_UNUSED_RESULT;

/* Encrypts (content kinds) or copies (others) @plain into the body of a
 * version 2 record with this header: for a content kind @body_key (the
 * 32-byte key B of @key_id) is needed, for others it is ignored. */
GBytes               *tafel_record_seal_body        (const TafelPublicKey *author,
                                                     guint64               seq,
                                                     const TafelHash      *prev,
                                                     guint64               lamport,
                                                     guint                 kind,
                                                     guint32               key_id,
                                                     guint64               time,
                                                     const guint8         *body_key,
                                                     GBytes               *plain) G_GNUC_WARN_UNUSED_RESULT;

/* Gives the 32-byte body key B of @key_id, or %NULL when the caller holds
 * none; the bytes stay valid until the call it was passed to returns. */
typedef const guint8 *(*TafelBodyKeyFunc) (guint32  key_id,
                                           gpointer user_data);

/* The plaintext body: the body itself for version 1 and plaintext kinds,
 * otherwise the decrypted body, checked as its kind's decode() does. Fails
 * with TAFEL_RECORD_ERROR_UNKNOWN_KEY when @lookup holds no key for the
 * record's key id, and with TAFEL_RECORD_ERROR_MALFORMED when the
 * decrypted body does not parse (a wrong key, or a faulty writer: the
 * record stays, signed by its author, but shows nothing). A content kind
 * unknown to this build has nothing to check: a wrong key gives bytes that
 * mean nothing, as an unknown kind's body does to this build anyway. */
GBytes               *tafel_record_open_body        (TafelRecord          *record,
                                                     TafelBodyKeyFunc      lookup,
                                                     gpointer              user_data,
                                                     GError              **error) G_GNUC_WARN_UNUSED_RESULT;

/* The size of a signed version 2 envelope with these fields. */
gsize                 tafel_record_get_encoded_size_for_v2 (guint64    seq,
                                                            guint64    lamport,
                                                            guint      kind,
                                                            guint64    time,
                                                            gsize      body_len);

/* The exact bytes the signature and the id are computed over. */
GBytes               *tafel_record_dup_signed_bytes (TafelRecord          *record) G_GNUC_WARN_UNUSED_RESULT;
gboolean              tafel_record_verify_signature (TafelRecord          *record,
                                                     GError              **error);

/* The size of a signed envelope with these fields, to check the limit
 * before building a record. */
gsize                 tafel_record_get_encoded_size_for (guint64       seq,
                                                         guint64       lamport,
                                                         guint         kind,
                                                         gsize         body_len);
/* Validates the record's body once (remembered on the record; decoded
 * records are checked already). */
gboolean              tafel_record_check_body       (TafelRecord          *record,
                                                     GError              **error);

/* Order of the board's z-axis and of chat: (lamport, author, seq). */
int                   tafel_record_compare_order    (TafelRecord          *a,
                                                     TafelRecord          *b);

/**
 * tafel_order_compare:
 * @lamport_a: the Lamport time of the first record
 * @author_a: its author
 * @seq_a: its seq among its author's records
 * @lamport_b: the Lamport time of the second record
 * @author_b: its author
 * @seq_b: its seq
 *
 * The one order of records, by (lamport, author key, seq): the board's
 * z-order, the order of chat messages and of every "latest wins" rule.
 * For those who keep a record's place without the record (the model, chat
 * messages); tafel_record_compare_order() applies it to records. Inline,
 * as the model's integration compares keys in its innermost loops.
 *
 * Returns: -1, 0 or 1 as the first sorts before, with or after the second
 */
static inline int
tafel_order_compare (guint64               lamport_a,
                     const TafelPublicKey *author_a,
                     guint64               seq_a,
                     guint64               lamport_b,
                     const TafelPublicKey *author_b,
                     guint64               seq_b)
{
  if (lamport_a != lamport_b)
    return lamport_a < lamport_b ? -1 : 1;
  if (author_a != author_b)
    {
      int c = memcmp (author_a->bytes, author_b->bytes, TAFEL_PUBLIC_KEY_BYTES);

      if (c != 0)
        return c < 0 ? -1 : 1;
    }
  return (seq_a > seq_b) - (seq_a < seq_b);
}

/* The self-contained wire envelope: version, author, seq, prev, lamport,
 * kind, (version 2: key id, time,) body, optional signature. decode()
 * checks structure and limits, not the signature; it needs no key (the
 * body of a version 2 content kind is not checked: it is ciphertext). */
GBytes               *tafel_record_encode           (TafelRecord          *record) G_GNUC_WARN_UNUSED_RESULT;
TafelRecord          *tafel_record_decode           (gconstpointer         data,
                                                     gsize                 len,
                                                     GError              **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelRecord, tafel_record_unref)

/* ---- Bodies -------------------------------------------------------------- */

/* Each known kind has a plain struct with encode/decode. decode() validates
 * everything (limits, UTF-8, finite numbers) and fails with
 * TAFEL_RECORD_ERROR; clear() frees what the struct owns. Colours are
 * 0xRRGGBBAA. Coordinates are board units (1 unit = 1 px at 100 % zoom),
 * y pointing down. */

typedef enum
{
  TAFEL_TOOL_PEN         = 0,
  TAFEL_TOOL_HIGHLIGHTER = 1,
} TafelTool;

typedef struct
{
  float x;
  float y;
  float pressure;  /* 0..1; 0.5 where the device has none */
} TafelPoint;

/* Points travel packed: quantised (TAFEL_POINT_QUANTUM board units),
 * delta-coded, entropy-packed. decode(encode(p)) equals p rounded to the
 * quantum, and encoding an already-quantised stroke is lossless. */
#define TAFEL_POINT_QUANTUM (1.0 / 8.0)

typedef struct
{
  TafelTool   tool;
  guint32     rgba;
  float       width;     /* nominal width at pressure 0.5 */
  guint       n_points;
  TafelPoint *points;
} TafelStroke;

GBytes  *tafel_stroke_encode  (const TafelStroke *stroke) G_GNUC_WARN_UNUSED_RESULT;
gboolean tafel_stroke_decode  (GBytes            *body,
                               TafelStroke       *stroke,
                               GError           **error);
void     tafel_stroke_clear   (TafelStroke       *stroke);
/* Rounds every point to the quantum the encoding keeps. */
void     tafel_stroke_quantise (TafelStroke      *stroke);

typedef enum
{
  TAFEL_SHAPE_LINE      = 0,
  TAFEL_SHAPE_RECTANGLE = 1,
  TAFEL_SHAPE_ELLIPSE   = 2,
  TAFEL_SHAPE_ARROW     = 3,
} TafelShapeKind;

typedef struct
{
  TafelShapeKind shape;
  guint32        stroke_rgba;
  guint32        fill_rgba;     /* alpha 0: no fill */
  float          width;
  double         x1, y1, x2, y2;  /* line/arrow: from, to; others: opposite corners */
} TafelShape;

GBytes  *tafel_shape_encode   (const TafelShape *shape) G_GNUC_WARN_UNUSED_RESULT;
gboolean tafel_shape_decode   (GBytes           *body,
                               TafelShape       *shape,
                               GError          **error);

typedef struct
{
  double  x, y;       /* top-left of the first line */
  char   *text;       /* UTF-8, at most TAFEL_TEXT_MAX_BYTES */
  float   size;       /* font size in board units */
  guint32 rgba;
} TafelText;

GBytes  *tafel_text_encode    (const TafelText  *text) G_GNUC_WARN_UNUSED_RESULT;
gboolean tafel_text_decode    (GBytes           *body,
                               TafelText        *text,
                               GError          **error);
void     tafel_text_clear     (TafelText        *text);

/* erase and restore: the ids (record ids) of the objects they hide or show. */
typedef struct
{
  guint      n_ids;
  TafelHash *ids;
} TafelObjectSet;

GBytes  *tafel_object_set_encode (const TafelObjectSet *set) G_GNUC_WARN_UNUSED_RESULT;
gboolean tafel_object_set_decode (GBytes               *body,
                                  TafelObjectSet       *set,
                                  GError              **error);
void     tafel_object_set_clear  (TafelObjectSet       *set);

/* An object's transform maps its own coordinates to the board:
 * board = (x * sx + tx, y * sy + ty). The identity is (1, 1, 0, 0). A
 * transform record *sets* each listed object's transform (latest wins). */
typedef struct
{
  double sx, sy, tx, ty;
} TafelTransform;

#define TAFEL_TRANSFORM_IDENTITY ((TafelTransform) { 1.0, 1.0, 0.0, 0.0 })

typedef struct
{
  guint           n_entries;
  TafelHash      *ids;
  TafelTransform *transforms;
} TafelTransformSet;

/* Baking a transform into content: the content then draws with the
 * identity where it drew with @transform before (a copy of a moved object
 * is plain content). Coordinates are clamped to ±TAFEL_COORD_MAX, widths
 * scale by √|sx·sy| and text by |sy|, within the record limits. */
void     tafel_stroke_bake_transform (TafelStroke          *stroke,
                                      const TafelTransform *transform);
void     tafel_shape_bake_transform  (TafelShape           *shape,
                                      const TafelTransform *transform);
void     tafel_text_bake_transform   (TafelText            *text,
                                      const TafelTransform *transform);

GBytes  *tafel_transform_set_encode (const TafelTransformSet *set) G_GNUC_WARN_UNUSED_RESULT;
gboolean tafel_transform_set_decode (GBytes                  *body,
                                     TafelTransformSet       *set,
                                     GError                 **error);
void     tafel_transform_set_clear  (TafelTransformSet       *set);

/* clear: the version vector its author had seen; it erases exactly the
 * objects (author, seq ≤ seen seq) among those. */
typedef struct
{
  guint           n_authors;
  TafelPublicKey *authors;
  guint64        *seqs;
} TafelClear;

GBytes  *tafel_clear_encode   (const TafelClear *clear) G_GNUC_WARN_UNUSED_RESULT;
gboolean tafel_clear_decode   (GBytes           *body,
                               TafelClear       *clear,
                               GError          **error);
void     tafel_clear_clear    (TafelClear       *clear);

/* amend: what existing objects look like, set per object and property:
 * the colour, the width (a stroke's or shape's line width, a text's
 * size), the words of a text and the place in the z-order. Like a
 * transform, the latest record by (lamport, author, seq) wins, here per
 * object *and property*, so any two peers with the same records agree,
 * whatever order they arrived in; two people changing one text at once
 * end with one of the two texts everywhere, never with two copies (which
 * a new text replacing the old one by erase and add would leave), and a
 * colour and a move made at once both stay.
 *
 * The place in the z-order is a number z: objects lie in the order of
 * (z, lamport, author, seq), and an object nobody restacked has its own
 * lamport as z. Bringing to the front sets z just above the highest,
 * sending to the back just below the lowest. */
typedef enum
{
  TAFEL_AMEND_COLOR = 1 << 0,
  TAFEL_AMEND_WIDTH = 1 << 1,
  TAFEL_AMEND_TEXT  = 1 << 2,
  TAFEL_AMEND_Z     = 1 << 3,
} TafelAmendFields;

#define TAFEL_AMEND_ALL (TAFEL_AMEND_COLOR | TAFEL_AMEND_WIDTH | TAFEL_AMEND_TEXT | TAFEL_AMEND_Z)

typedef struct
{
  TafelHash id;
  guint     fields;  /* TafelAmendFields, at least one */
  guint32   rgba;    /* TAFEL_AMEND_COLOR */
  float     width;   /* TAFEL_AMEND_WIDTH: (0, TAFEL_WIDTH_MAX] */
  char     *text;    /* TAFEL_AMEND_TEXT: UTF-8, 1 … TAFEL_TEXT_MAX_BYTES */
  double    z;       /* TAFEL_AMEND_Z: finite, |z| ≤ TAFEL_RECORD_MAX_CLOCK */
} TafelAmendEntry;

typedef struct
{
  guint            n_entries;
  TafelAmendEntry *entries;
} TafelAmendSet;

/* The encoded size of @entry in an amend body, to split a large change
 * over several records. */
gsize    tafel_amend_entry_get_size (const TafelAmendEntry *entry);
/* How many of the @n_entries (at least 1) go into one amend record of at
 * most about @max_bytes (and TAFEL_SET_MAX_OBJECTS entries): at least 1. */
guint    tafel_amend_entries_fit    (const TafelAmendEntry *entries,
                                     guint                  n_entries,
                                     gsize                  max_bytes);
GBytes  *tafel_amend_set_encode (const TafelAmendSet *set) G_GNUC_WARN_UNUSED_RESULT;
gboolean tafel_amend_set_decode (GBytes              *body,
                                 TafelAmendSet       *set,
                                 GError             **error);
void     tafel_amend_set_clear  (TafelAmendSet       *set);

typedef struct
{
  char *text;  /* UTF-8, non-empty, at most TAFEL_TEXT_MAX_BYTES */
} TafelChat;

GBytes  *tafel_chat_encode    (const TafelChat  *chat) G_GNUC_WARN_UNUSED_RESULT;
gboolean tafel_chat_decode    (GBytes           *body,
                               TafelChat        *chat,
                               GError          **error);
void     tafel_chat_clear     (TafelChat        *chat);

typedef struct
{
  char   *name;   /* UTF-8, at most TAFEL_NAME_MAX_BYTES */
  guint32 rgba;
} TafelProfile;

GBytes  *tafel_profile_encode (const TafelProfile *profile) G_GNUC_WARN_UNUSED_RESULT;
gboolean tafel_profile_decode (GBytes             *body,
                               TafelProfile       *profile,
                               GError            **error);
void     tafel_profile_clear  (TafelProfile       *profile);

/* ---- Control bodies (docs/access.md) ------------------------------------ */

/* Control records are plaintext: every peer reads them, seed peers too.
 * Lists are sorted by key without repeats, so a body has one encoding;
 * encode() sorts, and refuses (as a programming error) what decode()
 * refuses. */

typedef enum
{
  TAFEL_ROLE_OWNER  = 0,
  TAFEL_ROLE_ADMIN  = 1,
  TAFEL_ROLE_EDITOR = 2,
  TAFEL_ROLE_VIEWER = 3,
  TAFEL_ROLE_SEED   = 4,
} TafelRole;

#define TAFEL_ROLE_IS_KNOWN(r) ((guint) (r) <= TAFEL_ROLE_SEED)

/* Sealed secrets (TAFEL_SEALED_SECRET_BYTES, tafel-crypto.h) are opaque
 * here: tafel-keys.c seals and opens them. */
#define TAFEL_ACCESS_KEY_BYTES      32            /* wpk, rcheck, scheck */
/* At most this many entries per list of a control record; each list also
 * has to fit the record (TAFEL_RECORD_MAX_BYTES). */
#define TAFEL_EPOCH_MAX_MEMBERS     2000
#define TAFEL_EPOCH_MAX_REMOVED     2000
#define TAFEL_ENROL_MAX_VOUCHED     TAFEL_CLEAR_MAX_AUTHORS
#define TAFEL_MEMBER_MAX_ENTRIES    2000

typedef struct
{
  TafelPublicKey key;
  TafelRole      role;
  guint8         sealed[TAFEL_SEALED_SECRET_BYTES];  /* the secret of its role */
} TafelEpochMember;

typedef struct
{
  TafelPublicKey key;
  guint64        cut_off;  /* their last accepted seq, 1 … TAFEL_RECORD_MAX_CLOCK */
} TafelEpochRemoval;

/* epoch (64): a new set of keys and who holds them. At most one member is
 * the owner, nobody is both a member and removed, and epoch 0 (genesis)
 * removes nobody. */
typedef struct
{
  guint64            epoch;   /* 0 … TAFEL_RECORD_MAX_CLOCK */
  guint8             wpk[TAFEL_ACCESS_KEY_BYTES];
  guint8             rcheck[TAFEL_ACCESS_KEY_BYTES];
  guint8             scheck[TAFEL_ACCESS_KEY_BYTES];
  guint              n_members;
  TafelEpochMember  *members;
  guint              n_removed;
  TafelEpochRemoval *removed;
} TafelEpoch;

GBytes  *tafel_epoch_encode  (const TafelEpoch *epoch) G_GNUC_WARN_UNUSED_RESULT;
gboolean tafel_epoch_decode  (GBytes           *body,
                              TafelEpoch       *epoch,
                              GError          **error);
void     tafel_epoch_clear   (TafelEpoch       *epoch);

/* A Tafel 0.1 author's records that an enrolment vouches for: 1 … seq,
 * the last with id @head. */
typedef struct
{
  TafelPublicKey author;
  guint64        seq;
  TafelHash      head;
} TafelEnrolVouch;

/* enrol (65): its author joins the epoch of @key_id as an editor. */
typedef struct
{
  guint32          key_id;
  TafelSignature   proof;      /* by the epoch's wsk over board id, author, epoch */
  guint            n_vouched;  /* 0 … TAFEL_ENROL_MAX_VOUCHED */
  TafelEnrolVouch *vouched;
} TafelEnrol;

GBytes  *tafel_enrol_encode  (const TafelEnrol *enrol) G_GNUC_WARN_UNUSED_RESULT;
gboolean tafel_enrol_decode  (GBytes           *body,
                              TafelEnrol       *enrol,
                              GError          **error);
void     tafel_enrol_clear   (TafelEnrol       *enrol);

/* role (66): the owner makes @member an admin or an editor again. */
typedef struct
{
  TafelPublicKey member;
  TafelRole      role;     /* TAFEL_ROLE_ADMIN or TAFEL_ROLE_EDITOR */
  guint64        cut_off;  /* 1 … TAFEL_RECORD_MAX_CLOCK: the member's last seq
                            * whose admin actions count */
} TafelRoleChange;

GBytes  *tafel_role_change_encode (const TafelRoleChange *change) G_GNUC_WARN_UNUSED_RESULT;
gboolean tafel_role_change_decode (GBytes                *body,
                                   TafelRoleChange       *change,
                                   GError               **error);

/* member (67): viewers and seed peers its author met. */
typedef struct
{
  TafelPublicKey key;
  TafelRole      role;    /* TAFEL_ROLE_VIEWER or TAFEL_ROLE_SEED */
  guint32        key_id;  /* the epoch they were met in */
} TafelMemberEntry;

typedef struct
{
  guint             n_entries;  /* 1 … TAFEL_MEMBER_MAX_ENTRIES */
  TafelMemberEntry *entries;
} TafelMemberSet;

GBytes  *tafel_member_set_encode (const TafelMemberSet *set) G_GNUC_WARN_UNUSED_RESULT;
gboolean tafel_member_set_decode (GBytes               *body,
                                  TafelMemberSet       *set,
                                  GError              **error);
void     tafel_member_set_clear  (TafelMemberSet       *set);

G_END_DECLS
