/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "tafel-bytes.h"
#include "tafel-record-private.h"
#include "tafel-record.h"

/* The bodies of the known kinds other than stroke (tafel-stroke.c). All
 * numbers little-endian, floats IEEE 754 and finite, strings UTF-8 with a
 * varint length and no NUL. Sets are sorted by id (or author key) without
 * repeats, so a set has one encoding; encode() sorts and drops repeats.
 *
 *   profile    blob name (≤ TAFEL_NAME_MAX_BYTES), u32 rgba
 *   shape      u8 shape (0…3), u32 stroke rgba, u32 fill rgba, f32 width,
 *              f64 x1, y1, x2, y2
 *   text       f64 x, y, blob text (1 … TAFEL_TEXT_MAX_BYTES), f32 size, u32 rgba
 *   erase, restore
 *              varint n (1 … TAFEL_SET_MAX_OBJECTS), n × 32-byte ids
 *   transform  varint n (1 … TAFEL_SET_MAX_OBJECTS), n × (32-byte id,
 *              f64 sx, sy, tx, ty)
 *   clear      varint n (0 … TAFEL_CLEAR_MAX_AUTHORS), n × (32-byte author,
 *              varint seq ≥ 1)
 *   chat       blob text (1 … TAFEL_TEXT_MAX_BYTES)
 *   amend      varint n (1 … TAFEL_SET_MAX_OBJECTS), n × (32-byte id,
 *              u8 fields (1 … 15), then those present in this order:
 *              u32 rgba, f32 width, blob text (1 … TAFEL_TEXT_MAX_BYTES),
 *              f64 z)
 */

/* Scales of a transform stay within [1/65536, 65536] in magnitude. */
#define SCALE_MIN (1.0 / 65536.0)
#define SCALE_MAX 65536.0

static gboolean
fail_invalid (GError     **error,
              const char  *message)
{
  g_set_error_literal (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
read_text (TafelReader  *r,
           const char   *what,
           gsize         max,
           gboolean      allow_empty,
           char        **out,
           GError      **error)
{
  const guint8 *data;
  gsize len;

  if (!tafel_read_blob (r, what, max, &data, &len, error))
    return FALSE;
  if (len == 0 && !allow_empty)
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                   _("The %s is empty"), what);
      return FALSE;
    }
  /* With an explicit length, g_utf8_validate() also refuses NUL bytes. */
  if (len > 0 && !g_utf8_validate ((const char *) data, len, NULL))
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                   _("The %s is not valid UTF-8 text"), what);
      return FALSE;
    }
  if (out != NULL)
    *out = g_strndup ((const char *) data, len);
  return TRUE;
}

static gboolean
check_coord (double       v,
             const char  *what,
             GError     **error)
{
  if (fabs (v) > TAFEL_COORD_MAX)
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                   _("The %s %g lies outside the board"), what, v);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_size (float        v,
            const char  *what,
            GError     **error)
{
  if (!(v > 0 && v <= TAFEL_WIDTH_MAX))
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                   _("The %s %g is outside 0…%g"), what, v, TAFEL_WIDTH_MAX);
      return FALSE;
    }
  return TRUE;
}

static GBytes *
finish (GByteArray *out)
{
  return g_byte_array_free_to_bytes (out);
}

static void
put_text (GByteArray *out,
          const char *text)
{
  tafel_put_blob (out, text, strlen (text));
}

/* ---- Profile ------------------------------------------------------------- */

/**
 * tafel_profile_encode:
 * @profile: a profile: a UTF-8 name of at most TAFEL_NAME_MAX_BYTES
 *
 * Returns: (transfer full): the body of a profile record
 */
GBytes *
tafel_profile_encode (const TafelProfile *profile)
{
  GByteArray *out;

  g_return_val_if_fail (profile != NULL && profile->name != NULL, NULL);
  g_return_val_if_fail (strlen (profile->name) <= TAFEL_NAME_MAX_BYTES, NULL);
  g_return_val_if_fail (g_utf8_validate (profile->name, -1, NULL), NULL);

  out = g_byte_array_new ();
  put_text (out, profile->name);
  tafel_put_u32 (out, profile->rgba);
  return finish (out);
}

static gboolean
profile_parse (TafelReader   *r,
               TafelProfile  *profile,
               GError       **error)
{
  g_autofree char *name = NULL;
  guint32 rgba;

  if (!read_text (r, "display name", TAFEL_NAME_MAX_BYTES, TRUE,
                  profile != NULL ? &name : NULL, error) ||
      !tafel_read_u32 (r, "profile colour", &rgba, error) ||
      !tafel_reader_expect_end (r, "profile", error))
    return FALSE;
  if (profile != NULL)
    {
      profile->name = g_steal_pointer (&name);
      profile->rgba = rgba;
    }
  return TRUE;
}

/**
 * tafel_profile_decode:
 * @body: a profile record body
 * @profile: (out caller-allocates): where to put it
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success; free with tafel_profile_clear()
 */
gboolean
tafel_profile_decode (GBytes        *body,
                      TafelProfile  *profile,
                      GError       **error)
{
  TafelReader r;

  g_return_val_if_fail (body != NULL && profile != NULL, FALSE);

  memset (profile, 0, sizeof *profile);
  return profile_parse (tafel_reader_init_bytes (&r, body), profile, error);
}

void
tafel_profile_clear (TafelProfile *profile)
{
  g_return_if_fail (profile != NULL);
  g_clear_pointer (&profile->name, g_free);
}

/* ---- Shape --------------------------------------------------------------- */

/**
 * tafel_shape_encode:
 * @shape: a shape with finite coordinates inside the board and a width in
 *   (0, TAFEL_WIDTH_MAX]
 *
 * Returns: (transfer full): the body of a shape record
 */
GBytes *
tafel_shape_encode (const TafelShape *shape)
{
  GByteArray *out;

  g_return_val_if_fail (shape != NULL, NULL);
  g_return_val_if_fail (shape->shape <= TAFEL_SHAPE_ARROW, NULL);
  g_return_val_if_fail (isfinite (shape->width) && shape->width > 0 &&
                        shape->width <= TAFEL_WIDTH_MAX, NULL);
  g_return_val_if_fail (fabs (shape->x1) <= TAFEL_COORD_MAX && fabs (shape->y1) <= TAFEL_COORD_MAX &&
                        fabs (shape->x2) <= TAFEL_COORD_MAX && fabs (shape->y2) <= TAFEL_COORD_MAX,
                        NULL);

  out = g_byte_array_sized_new (45);
  tafel_put_u8 (out, shape->shape);
  tafel_put_u32 (out, shape->stroke_rgba);
  tafel_put_u32 (out, shape->fill_rgba);
  tafel_put_f32 (out, shape->width);
  tafel_put_f64 (out, shape->x1);
  tafel_put_f64 (out, shape->y1);
  tafel_put_f64 (out, shape->x2);
  tafel_put_f64 (out, shape->y2);
  return finish (out);
}

static gboolean
shape_parse (TafelReader  *r,
             TafelShape   *shape,
             GError      **error)
{
  guint8 kind;
  TafelShape s;

  if (!tafel_read_u8 (r, "shape kind", &kind, error))
    return FALSE;
  if (kind > TAFEL_SHAPE_ARROW)
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                   _("The shape kind %u is unknown"), kind);
      return FALSE;
    }
  s.shape = kind;
  if (!tafel_read_u32 (r, "shape stroke colour", &s.stroke_rgba, error) ||
      !tafel_read_u32 (r, "shape fill colour", &s.fill_rgba, error) ||
      !tafel_read_f32 (r, "shape width", &s.width, error) ||
      !tafel_read_f64 (r, "shape coordinate", &s.x1, error) ||
      !tafel_read_f64 (r, "shape coordinate", &s.y1, error) ||
      !tafel_read_f64 (r, "shape coordinate", &s.x2, error) ||
      !tafel_read_f64 (r, "shape coordinate", &s.y2, error) ||
      !tafel_reader_expect_end (r, "shape", error))
    return FALSE;
  if (!check_size (s.width, "shape width", error) ||
      !check_coord (s.x1, "shape coordinate", error) ||
      !check_coord (s.y1, "shape coordinate", error) ||
      !check_coord (s.x2, "shape coordinate", error) ||
      !check_coord (s.y2, "shape coordinate", error))
    return FALSE;
  if (shape != NULL)
    *shape = s;
  return TRUE;
}

/**
 * tafel_shape_decode:
 * @body: a shape record body
 * @shape: (out caller-allocates): where to put it
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
tafel_shape_decode (GBytes      *body,
                    TafelShape  *shape,
                    GError     **error)
{
  TafelReader r;

  g_return_val_if_fail (body != NULL && shape != NULL, FALSE);

  memset (shape, 0, sizeof *shape);
  return shape_parse (tafel_reader_init_bytes (&r, body), shape, error);
}

/* ---- Text ---------------------------------------------------------------- */

/**
 * tafel_text_encode:
 * @text: a text object: non-empty UTF-8 of at most TAFEL_TEXT_MAX_BYTES
 *
 * Returns: (transfer full): the body of a text record
 */
GBytes *
tafel_text_encode (const TafelText *text)
{
  GByteArray *out;

  g_return_val_if_fail (text != NULL && text->text != NULL, NULL);
  g_return_val_if_fail (text->text[0] != '\0', NULL);
  g_return_val_if_fail (strlen (text->text) <= TAFEL_TEXT_MAX_BYTES, NULL);
  g_return_val_if_fail (g_utf8_validate (text->text, -1, NULL), NULL);
  g_return_val_if_fail (isfinite (text->size) && text->size > 0 && text->size <= TAFEL_WIDTH_MAX, NULL);
  g_return_val_if_fail (fabs (text->x) <= TAFEL_COORD_MAX && fabs (text->y) <= TAFEL_COORD_MAX, NULL);

  out = g_byte_array_new ();
  tafel_put_f64 (out, text->x);
  tafel_put_f64 (out, text->y);
  put_text (out, text->text);
  tafel_put_f32 (out, text->size);
  tafel_put_u32 (out, text->rgba);
  return finish (out);
}

static gboolean
text_parse (TafelReader  *r,
            TafelText    *text,
            GError      **error)
{
  double x, y;
  float size;
  guint32 rgba;
  g_autofree char *str = NULL;

  if (!tafel_read_f64 (r, "text position", &x, error) ||
      !tafel_read_f64 (r, "text position", &y, error) ||
      !read_text (r, "text", TAFEL_TEXT_MAX_BYTES, FALSE, text != NULL ? &str : NULL, error) ||
      !tafel_read_f32 (r, "text size", &size, error) ||
      !tafel_read_u32 (r, "text colour", &rgba, error) ||
      !tafel_reader_expect_end (r, "text", error))
    return FALSE;
  if (!check_coord (x, "text position", error) ||
      !check_coord (y, "text position", error) ||
      !check_size (size, "text size", error))
    return FALSE;
  if (text != NULL)
    {
      text->x = x;
      text->y = y;
      text->text = g_steal_pointer (&str);
      text->size = size;
      text->rgba = rgba;
    }
  return TRUE;
}

/**
 * tafel_text_decode:
 * @body: a text record body
 * @text: (out caller-allocates): where to put it
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success; free with tafel_text_clear()
 */
gboolean
tafel_text_decode (GBytes     *body,
                   TafelText  *text,
                   GError    **error)
{
  TafelReader r;

  g_return_val_if_fail (body != NULL && text != NULL, FALSE);

  memset (text, 0, sizeof *text);
  return text_parse (tafel_reader_init_bytes (&r, body), text, error);
}

void
tafel_text_clear (TafelText *text)
{
  g_return_if_fail (text != NULL);
  g_clear_pointer (&text->text, g_free);
}

/* ---- Object sets (erase, restore) ---------------------------------------- */

static int
compare_hash (gconstpointer a,
              gconstpointer b)
{
  return memcmp (a, b, TAFEL_HASH_BYTES);
}

/**
 * tafel_object_set_encode:
 * @set: 1 … TAFEL_SET_MAX_OBJECTS object ids
 *
 * The ids are written sorted, each once.
 *
 * Returns: (transfer full): the body of an erase or restore record
 */
GBytes *
tafel_object_set_encode (const TafelObjectSet *set)
{
  g_autofree TafelHash *ids = NULL;
  GByteArray *out;
  guint n = 0;

  g_return_val_if_fail (set != NULL, NULL);
  g_return_val_if_fail (set->n_ids >= 1 && set->n_ids <= TAFEL_SET_MAX_OBJECTS, NULL);

  ids = g_memdup2 (set->ids, sizeof (TafelHash) * set->n_ids);
  qsort (ids, set->n_ids, sizeof (TafelHash), compare_hash);
  for (guint i = 0; i < set->n_ids; i++)
    if (n == 0 || !tafel_hash_equal (&ids[n - 1], &ids[i]))
      ids[n++] = ids[i];

  out = g_byte_array_sized_new (3 + n * TAFEL_HASH_BYTES);
  tafel_put_varint (out, n);
  tafel_put_bytes (out, ids, (gsize) n * TAFEL_HASH_BYTES);
  return finish (out);
}

static gboolean
read_count (TafelReader  *r,
            const char   *what,
            guint         min,
            guint         max,
            gsize         item_min_bytes,
            guint        *n,
            GError      **error)
{
  guint64 v;

  if (!tafel_read_varint (r, what, &v, error))
    return FALSE;
  if (v > max)
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_TOO_LARGE,
                   _("The %s is %" PRIu64 ", more than the limit of %u"), what, v, max);
      return FALSE;
    }
  if (v < min)
    {
      g_set_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID,
                   _("The %s is %" PRIu64 ", less than %u"), what, v, min);
      return FALSE;
    }
  /* Cheap early check before allocating for the items. */
  if (v * item_min_bytes > tafel_reader_remaining (r))
    return tafel_reader_fail_truncated (what, error);
  *n = (guint) v;
  return TRUE;
}

gboolean
tafel_record_read_count (TafelReader  *r,
                         const char   *what,
                         guint         min,
                         guint         max,
                         gsize         item_min_bytes,
                         guint        *n,
                         GError      **error)
{
  return read_count (r, what, min, max, item_min_bytes, n, error);
}

static gboolean
object_set_parse (TafelReader     *r,
                  TafelObjectSet  *set,
                  GError         **error)
{
  guint n;
  const guint8 *ids;

  if (!read_count (r, "number of objects", 1, TAFEL_SET_MAX_OBJECTS, TAFEL_HASH_BYTES, &n, error) ||
      !tafel_read_raw (r, (gsize) n * TAFEL_HASH_BYTES, "object ids", &ids, error) ||
      !tafel_reader_expect_end (r, "object set", error))
    return FALSE;
  for (guint i = 1; i < n; i++)
    if (memcmp (ids + (i - 1) * TAFEL_HASH_BYTES, ids + i * TAFEL_HASH_BYTES, TAFEL_HASH_BYTES) >= 0)
      return fail_invalid (error, _("The object ids are not sorted or repeat"));
  if (set != NULL)
    {
      set->n_ids = n;
      set->ids = g_memdup2 (ids, (gsize) n * TAFEL_HASH_BYTES);
    }
  return TRUE;
}

/**
 * tafel_object_set_decode:
 * @body: an erase or restore record body
 * @set: (out caller-allocates): where to put it
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success; the ids come sorted; free with
 *   tafel_object_set_clear()
 */
gboolean
tafel_object_set_decode (GBytes          *body,
                         TafelObjectSet  *set,
                         GError         **error)
{
  TafelReader r;

  g_return_val_if_fail (body != NULL && set != NULL, FALSE);

  memset (set, 0, sizeof *set);
  return object_set_parse (tafel_reader_init_bytes (&r, body), set, error);
}

void
tafel_object_set_clear (TafelObjectSet *set)
{
  g_return_if_fail (set != NULL);
  g_clear_pointer (&set->ids, g_free);
  set->n_ids = 0;
}

/* ---- Transform sets ------------------------------------------------------ */

typedef struct
{
  TafelHash      id;
  TafelTransform t;
} TransformEntry;

static int
compare_entry (gconstpointer a,
               gconstpointer b)
{
  return memcmp (((const TransformEntry *) a)->id.bytes,
                 ((const TransformEntry *) b)->id.bytes, TAFEL_HASH_BYTES);
}

static gboolean
transform_valid (const TafelTransform *t)
{
  return isfinite (t->sx) && isfinite (t->sy) && isfinite (t->tx) && isfinite (t->ty) &&
         fabs (t->sx) >= SCALE_MIN && fabs (t->sx) <= SCALE_MAX &&
         fabs (t->sy) >= SCALE_MIN && fabs (t->sy) <= SCALE_MAX &&
         fabs (t->tx) <= 2.0 * TAFEL_COORD_MAX && fabs (t->ty) <= 2.0 * TAFEL_COORD_MAX;
}

static inline double
bake_coord (double v,
            double scale,
            double offset)
{
  return CLAMP (v * scale + offset, -TAFEL_COORD_MAX, TAFEL_COORD_MAX);
}

/* Lines keep their weight relative to the content's area. */
static inline float
bake_width (float                 width,
            const TafelTransform *t)
{
  return (float) CLAMP (width * sqrt (fabs (t->sx * t->sy)), 0.01, TAFEL_WIDTH_MAX);
}

/**
 * tafel_stroke_bake_transform:
 * @stroke: a decoded stroke, changed in place
 * @transform: the transform to bake in
 *
 * Moves the stroke's points where @transform shows them and scales its
 * width by √|sx·sy|; the points are then quantised as the encoding keeps
 * them.
 */
void
tafel_stroke_bake_transform (TafelStroke          *stroke,
                             const TafelTransform *transform)
{
  g_return_if_fail (stroke != NULL);
  g_return_if_fail (transform != NULL);

  for (guint i = 0; i < stroke->n_points; i++)
    {
      stroke->points[i].x = (float) bake_coord (stroke->points[i].x, transform->sx, transform->tx);
      stroke->points[i].y = (float) bake_coord (stroke->points[i].y, transform->sy, transform->ty);
    }
  stroke->width = bake_width (stroke->width, transform);
  tafel_stroke_quantise (stroke);
}

/**
 * tafel_shape_bake_transform:
 * @shape: a shape, changed in place
 * @transform: the transform to bake in
 *
 * Moves the shape's two points where @transform shows them and scales its
 * line width by √|sx·sy|.
 */
void
tafel_shape_bake_transform (TafelShape           *shape,
                            const TafelTransform *transform)
{
  g_return_if_fail (shape != NULL);
  g_return_if_fail (transform != NULL);

  shape->x1 = bake_coord (shape->x1, transform->sx, transform->tx);
  shape->y1 = bake_coord (shape->y1, transform->sy, transform->ty);
  shape->x2 = bake_coord (shape->x2, transform->sx, transform->tx);
  shape->y2 = bake_coord (shape->y2, transform->sy, transform->ty);
  shape->width = bake_width (shape->width, transform);
}

/**
 * tafel_text_bake_transform:
 * @text: a decoded text, changed in place
 * @transform: the transform to bake in
 *
 * Moves the text's origin where @transform shows it and scales its size by
 * |sy| (text keeps its proportions).
 */
void
tafel_text_bake_transform (TafelText            *text,
                           const TafelTransform *transform)
{
  g_return_if_fail (text != NULL);
  g_return_if_fail (transform != NULL);

  text->x = bake_coord (text->x, transform->sx, transform->tx);
  text->y = bake_coord (text->y, transform->sy, transform->ty);
  text->size = (float) CLAMP (text->size * fabs (transform->sy), 0.5, TAFEL_WIDTH_MAX);
}

/**
 * tafel_transform_set_encode:
 * @set: 1 … TAFEL_SET_MAX_OBJECTS (id, transform) entries; scales in
 *   ±[1/65536, 65536], translations within twice TAFEL_COORD_MAX
 *
 * Entries are written sorted by id; of repeated ids the first is kept.
 *
 * Returns: (transfer full): the body of a transform record
 */
GBytes *
tafel_transform_set_encode (const TafelTransformSet *set)
{
  g_autofree TransformEntry *entries = NULL;
  GByteArray *out;
  guint n = 0;

  g_return_val_if_fail (set != NULL, NULL);
  g_return_val_if_fail (set->n_entries >= 1 && set->n_entries <= TAFEL_SET_MAX_OBJECTS, NULL);

  entries = g_new (TransformEntry, set->n_entries);
  for (guint i = 0; i < set->n_entries; i++)
    {
      g_return_val_if_fail (transform_valid (&set->transforms[i]), NULL);
      entries[i].id = set->ids[i];
      entries[i].t = set->transforms[i];
    }
  /* g_qsort_with_data() is stable, so of repeated ids the first stays first. */
  g_qsort_with_data (entries, set->n_entries, sizeof (TransformEntry),
                     (GCompareDataFunc) compare_entry, NULL);
  for (guint i = 0; i < set->n_entries; i++)
    if (n == 0 || !tafel_hash_equal (&entries[n - 1].id, &entries[i].id))
      entries[n++] = entries[i];

  out = g_byte_array_sized_new (3 + n * (TAFEL_HASH_BYTES + 32));
  tafel_put_varint (out, n);
  for (guint i = 0; i < n; i++)
    {
      tafel_put_bytes (out, entries[i].id.bytes, TAFEL_HASH_BYTES);
      tafel_put_f64 (out, entries[i].t.sx);
      tafel_put_f64 (out, entries[i].t.sy);
      tafel_put_f64 (out, entries[i].t.tx);
      tafel_put_f64 (out, entries[i].t.ty);
    }
  return finish (out);
}

static gboolean
transform_set_parse (TafelReader        *r,
                     TafelTransformSet  *set,
                     GError            **error)
{
  guint n;
  g_autofree TafelHash *ids = NULL;
  g_autofree TafelTransform *transforms = NULL;

  if (!read_count (r, "number of objects", 1, TAFEL_SET_MAX_OBJECTS, TAFEL_HASH_BYTES + 32, &n, error))
    return FALSE;
  ids = g_new (TafelHash, n);
  transforms = g_new (TafelTransform, n);
  for (guint i = 0; i < n; i++)
    {
      TafelTransform *t = &transforms[i];

      if (!tafel_read_copy (r, ids[i].bytes, TAFEL_HASH_BYTES, "object id", error) ||
          !tafel_read_f64 (r, "transform", &t->sx, error) ||
          !tafel_read_f64 (r, "transform", &t->sy, error) ||
          !tafel_read_f64 (r, "transform", &t->tx, error) ||
          !tafel_read_f64 (r, "transform", &t->ty, error))
        return FALSE;
      if (!transform_valid (t))
        return fail_invalid (error, _("A transform scales or moves an object beyond the limits"));
      if (i > 0 && tafel_hash_compare (&ids[i - 1], &ids[i]) >= 0)
        return fail_invalid (error, _("The object ids are not sorted or repeat"));
    }
  if (!tafel_reader_expect_end (r, "transform set", error))
    return FALSE;
  if (set != NULL)
    {
      set->n_entries = n;
      set->ids = g_steal_pointer (&ids);
      set->transforms = g_steal_pointer (&transforms);
    }
  return TRUE;
}

/**
 * tafel_transform_set_decode:
 * @body: a transform record body
 * @set: (out caller-allocates): where to put it
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success; entries come sorted by id; free with
 *   tafel_transform_set_clear()
 */
gboolean
tafel_transform_set_decode (GBytes             *body,
                            TafelTransformSet  *set,
                            GError            **error)
{
  TafelReader r;

  g_return_val_if_fail (body != NULL && set != NULL, FALSE);

  memset (set, 0, sizeof *set);
  return transform_set_parse (tafel_reader_init_bytes (&r, body), set, error);
}

void
tafel_transform_set_clear (TafelTransformSet *set)
{
  g_return_if_fail (set != NULL);
  g_clear_pointer (&set->ids, g_free);
  g_clear_pointer (&set->transforms, g_free);
  set->n_entries = 0;
}

/* ---- Clear --------------------------------------------------------------- */

typedef struct
{
  TafelPublicKey author;
  guint64        seq;
} ClearEntry;

static int
compare_clear_entry (gconstpointer a,
                     gconstpointer b)
{
  return memcmp (((const ClearEntry *) a)->author.bytes,
                 ((const ClearEntry *) b)->author.bytes, TAFEL_PUBLIC_KEY_BYTES);
}

/**
 * tafel_clear_encode:
 * @clear: at most TAFEL_CLEAR_MAX_AUTHORS (author, seq ≥ 1) pairs
 *
 * Entries are written sorted by author; of repeated authors the one with
 * the largest seq is kept.
 *
 * Returns: (transfer full): the body of a clear record
 */
GBytes *
tafel_clear_encode (const TafelClear *clear)
{
  g_autofree ClearEntry *entries = NULL;
  GByteArray *out;
  guint n = 0;

  g_return_val_if_fail (clear != NULL, NULL);
  g_return_val_if_fail (clear->n_authors <= TAFEL_CLEAR_MAX_AUTHORS, NULL);

  entries = g_new (ClearEntry, MAX (clear->n_authors, 1));
  for (guint i = 0; i < clear->n_authors; i++)
    {
      g_return_val_if_fail (clear->seqs[i] >= 1 && clear->seqs[i] <= TAFEL_RECORD_MAX_CLOCK, NULL);
      entries[i].author = clear->authors[i];
      entries[i].seq = clear->seqs[i];
    }
  qsort (entries, clear->n_authors, sizeof (ClearEntry), compare_clear_entry);
  for (guint i = 0; i < clear->n_authors; i++)
    {
      if (n > 0 && memcmp (entries[n - 1].author.bytes, entries[i].author.bytes,
                           TAFEL_PUBLIC_KEY_BYTES) == 0)
        entries[n - 1].seq = MAX (entries[n - 1].seq, entries[i].seq);
      else
        entries[n++] = entries[i];
    }

  out = g_byte_array_new ();
  tafel_put_varint (out, n);
  for (guint i = 0; i < n; i++)
    {
      tafel_put_bytes (out, entries[i].author.bytes, TAFEL_PUBLIC_KEY_BYTES);
      tafel_put_varint (out, entries[i].seq);
    }
  return finish (out);
}

static gboolean
clear_parse (TafelReader  *r,
             TafelClear   *clear,
             GError      **error)
{
  guint n;
  g_autofree TafelPublicKey *authors = NULL;
  g_autofree guint64 *seqs = NULL;

  if (!read_count (r, "number of authors", 0, TAFEL_CLEAR_MAX_AUTHORS, TAFEL_PUBLIC_KEY_BYTES + 1,
                   &n, error))
    return FALSE;
  authors = g_new (TafelPublicKey, MAX (n, 1));
  seqs = g_new (guint64, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      if (!tafel_read_copy (r, authors[i].bytes, TAFEL_PUBLIC_KEY_BYTES, "author", error) ||
          !tafel_read_varint_range (r, "seen seq", 1, TAFEL_RECORD_MAX_CLOCK, &seqs[i], error))
        return FALSE;
      if (i > 0 && memcmp (authors[i - 1].bytes, authors[i].bytes, TAFEL_PUBLIC_KEY_BYTES) >= 0)
        return fail_invalid (error, _("The authors of the clear are not sorted or repeat"));
    }
  if (!tafel_reader_expect_end (r, "clear", error))
    return FALSE;
  if (clear != NULL)
    {
      clear->n_authors = n;
      clear->authors = g_steal_pointer (&authors);
      clear->seqs = g_steal_pointer (&seqs);
    }
  return TRUE;
}

/**
 * tafel_clear_decode:
 * @body: a clear record body
 * @clear: (out caller-allocates): where to put it
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success; authors come sorted; free with
 *   tafel_clear_clear()
 */
gboolean
tafel_clear_decode (GBytes      *body,
                    TafelClear  *clear,
                    GError     **error)
{
  TafelReader r;

  g_return_val_if_fail (body != NULL && clear != NULL, FALSE);

  memset (clear, 0, sizeof *clear);
  return clear_parse (tafel_reader_init_bytes (&r, body), clear, error);
}

void
tafel_clear_clear (TafelClear *clear)
{
  g_return_if_fail (clear != NULL);
  g_clear_pointer (&clear->authors, g_free);
  g_clear_pointer (&clear->seqs, g_free);
  clear->n_authors = 0;
}

/* ---- Chat ---------------------------------------------------------------- */

/**
 * tafel_chat_encode:
 * @chat: a message: non-empty UTF-8 of at most TAFEL_TEXT_MAX_BYTES
 *
 * Returns: (transfer full): the body of a chat record
 */
GBytes *
tafel_chat_encode (const TafelChat *chat)
{
  GByteArray *out;

  g_return_val_if_fail (chat != NULL && chat->text != NULL, NULL);
  g_return_val_if_fail (chat->text[0] != '\0', NULL);
  g_return_val_if_fail (strlen (chat->text) <= TAFEL_TEXT_MAX_BYTES, NULL);
  g_return_val_if_fail (g_utf8_validate (chat->text, -1, NULL), NULL);

  out = g_byte_array_new ();
  put_text (out, chat->text);
  return finish (out);
}

static gboolean
chat_parse (TafelReader  *r,
            TafelChat    *chat,
            GError      **error)
{
  g_autofree char *text = NULL;

  if (!read_text (r, "chat message", TAFEL_TEXT_MAX_BYTES, FALSE, chat != NULL ? &text : NULL, error) ||
      !tafel_reader_expect_end (r, "chat message", error))
    return FALSE;
  if (chat != NULL)
    chat->text = g_steal_pointer (&text);
  return TRUE;
}

/**
 * tafel_chat_decode:
 * @body: a chat record body
 * @chat: (out caller-allocates): where to put it
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success; free with tafel_chat_clear()
 */
gboolean
tafel_chat_decode (GBytes     *body,
                   TafelChat  *chat,
                   GError    **error)
{
  TafelReader r;

  g_return_val_if_fail (body != NULL && chat != NULL, FALSE);

  memset (chat, 0, sizeof *chat);
  return chat_parse (tafel_reader_init_bytes (&r, body), chat, error);
}

void
tafel_chat_clear (TafelChat *chat)
{
  g_return_if_fail (chat != NULL);
  g_clear_pointer (&chat->text, g_free);
}

/* ---- Amend --------------------------------------------------------------- */

static int
compare_amend_entry (gconstpointer a,
                     gconstpointer b)
{
  return memcmp (((const TafelAmendEntry *) a)->id.bytes,
                 ((const TafelAmendEntry *) b)->id.bytes, TAFEL_HASH_BYTES);
}

static gboolean
amend_entry_valid (const TafelAmendEntry *e)
{
  return e->fields != 0 && (e->fields & ~TAFEL_AMEND_ALL) == 0 &&
         (!(e->fields & TAFEL_AMEND_WIDTH) || (e->width > 0 && e->width <= TAFEL_WIDTH_MAX)) &&
         (!(e->fields & TAFEL_AMEND_TEXT) ||
          (e->text != NULL && e->text[0] != '\0' && strlen (e->text) <= TAFEL_TEXT_MAX_BYTES &&
           g_utf8_validate (e->text, -1, NULL))) &&
         (!(e->fields & TAFEL_AMEND_Z) || (isfinite (e->z) && fabs (e->z) <= TAFEL_RECORD_MAX_CLOCK));
}

/**
 * tafel_amend_entry_get_size:
 * @entry: an entry
 *
 * Returns: how many bytes @entry takes in an amend body
 */
gsize
tafel_amend_entry_get_size (const TafelAmendEntry *entry)
{
  gsize size = TAFEL_HASH_BYTES + 1;

  g_return_val_if_fail (entry != NULL, 0);

  if (entry->fields & TAFEL_AMEND_COLOR)
    size += 4;
  if (entry->fields & TAFEL_AMEND_WIDTH)
    size += 4;
  if ((entry->fields & TAFEL_AMEND_TEXT) && entry->text != NULL)
    size += tafel_varint_size (strlen (entry->text)) + strlen (entry->text);
  if (entry->fields & TAFEL_AMEND_Z)
    size += 8;
  return size;
}

guint
tafel_amend_entries_fit (const TafelAmendEntry *entries,
                         guint                  n_entries,
                         gsize                  max_bytes)
{
  gsize bytes = 0;
  guint n = 0;

  g_return_val_if_fail (entries != NULL || n_entries == 0, 0);

  while (n < n_entries && n < TAFEL_SET_MAX_OBJECTS)
    {
      bytes += tafel_amend_entry_get_size (&entries[n]);
      if (n > 0 && bytes > max_bytes)
        break;
      n++;
    }
  return n;
}

/**
 * tafel_amend_set_encode:
 * @set: 1 … TAFEL_SET_MAX_OBJECTS valid entries
 *
 * Entries are written sorted by id; of repeated ids the first is kept.
 *
 * Returns: (transfer full): the body of an amend record
 */
GBytes *
tafel_amend_set_encode (const TafelAmendSet *set)
{
  g_autofree TafelAmendEntry *entries = NULL;
  GByteArray *out;
  guint n = 0;

  g_return_val_if_fail (set != NULL, NULL);
  g_return_val_if_fail (set->n_entries >= 1 && set->n_entries <= TAFEL_SET_MAX_OBJECTS, NULL);

  entries = g_memdup2 (set->entries, set->n_entries * sizeof (TafelAmendEntry));
  for (guint i = 0; i < set->n_entries; i++)
    g_return_val_if_fail (amend_entry_valid (&entries[i]), NULL);
  /* g_qsort_with_data() is stable, so of repeated ids the first stays first. */
  g_qsort_with_data (entries, set->n_entries, sizeof (TafelAmendEntry),
                     (GCompareDataFunc) compare_amend_entry, NULL);
  for (guint i = 0; i < set->n_entries; i++)
    if (n == 0 || !tafel_hash_equal (&entries[n - 1].id, &entries[i].id))
      entries[n++] = entries[i];

  out = g_byte_array_new ();
  tafel_put_varint (out, n);
  for (guint i = 0; i < n; i++)
    {
      const TafelAmendEntry *e = &entries[i];

      tafel_put_bytes (out, e->id.bytes, TAFEL_HASH_BYTES);
      tafel_put_u8 (out, (guint8) e->fields);
      if (e->fields & TAFEL_AMEND_COLOR)
        tafel_put_u32 (out, e->rgba);
      if (e->fields & TAFEL_AMEND_WIDTH)
        tafel_put_f32 (out, e->width);
      if (e->fields & TAFEL_AMEND_TEXT)
        put_text (out, e->text);
      if (e->fields & TAFEL_AMEND_Z)
        tafel_put_f64 (out, e->z + 0.0);
    }
  return finish (out);
}

static void
amend_entry_clear (gpointer data)
{
  g_free (((TafelAmendEntry *) data)->text);
}

static gboolean
amend_entry_parse (TafelReader      *r,
                   gboolean          keep_text,
                   TafelAmendEntry  *e,
                   GError          **error)
{
  guint8 fields;

  if (!tafel_read_copy (r, e->id.bytes, TAFEL_HASH_BYTES, "object id", error) ||
      !tafel_read_u8 (r, "amended properties", &fields, error))
    return FALSE;
  e->fields = fields;
  if (fields == 0 || (fields & ~TAFEL_AMEND_ALL) != 0)
    return fail_invalid (error, _("An amendment names no property, or one this version does not know"));
  if ((fields & TAFEL_AMEND_COLOR) && !tafel_read_u32 (r, "colour", &e->rgba, error))
    return FALSE;
  if ((fields & TAFEL_AMEND_WIDTH) &&
      (!tafel_read_f32 (r, "width", &e->width, error) || !check_size (e->width, "width", error)))
    return FALSE;
  if ((fields & TAFEL_AMEND_TEXT) &&
      !read_text (r, "text", TAFEL_TEXT_MAX_BYTES, FALSE, keep_text ? &e->text : NULL, error))
    return FALSE;
  if (fields & TAFEL_AMEND_Z)
    {
      if (!tafel_read_f64 (r, "place in the z-order", &e->z, error))
        return FALSE;
      if (!(fabs (e->z) <= TAFEL_RECORD_MAX_CLOCK))
        return fail_invalid (error, _("A place in the z-order is beyond the limits"));
      /* -0 and 0 are the same place; keep one spelling of it. */
      e->z += 0.0;
    }
  return TRUE;
}

static gboolean
amend_set_parse (TafelReader    *r,
                 TafelAmendSet  *set,
                 GError        **error)
{
  g_autoptr(GArray) entries = NULL;
  guint n;

  if (!read_count (r, "number of objects", 1, TAFEL_SET_MAX_OBJECTS, TAFEL_HASH_BYTES + 2, &n, error))
    return FALSE;
  entries = g_array_sized_new (FALSE, TRUE, sizeof (TafelAmendEntry), n);
  g_array_set_clear_func (entries, amend_entry_clear);
  for (guint i = 0; i < n; i++)
    {
      TafelAmendEntry *e;

      g_array_set_size (entries, i + 1);
      e = &g_array_index (entries, TafelAmendEntry, i);
      if (!amend_entry_parse (r, set != NULL, e, error))
        return FALSE;
      if (i > 0 && tafel_hash_compare (&g_array_index (entries, TafelAmendEntry, i - 1).id, &e->id) >= 0)
        return fail_invalid (error, _("The object ids are not sorted or repeat"));
    }
  if (!tafel_reader_expect_end (r, "amend set", error))
    return FALSE;
  if (set != NULL)
    {
      /* Handed over without the clear function running on the entries. */
      set->n_entries = entries->len;
      set->entries = (TafelAmendEntry *) (gpointer) g_array_free (g_steal_pointer (&entries), FALSE);
    }
  return TRUE;
}

/**
 * tafel_amend_set_decode:
 * @body: an amend record body
 * @set: (out caller-allocates): where to put it
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success; entries come sorted by id; free with
 *   tafel_amend_set_clear()
 */
gboolean
tafel_amend_set_decode (GBytes         *body,
                        TafelAmendSet  *set,
                        GError        **error)
{
  TafelReader r;

  g_return_val_if_fail (body != NULL && set != NULL, FALSE);

  memset (set, 0, sizeof *set);
  return amend_set_parse (tafel_reader_init_bytes (&r, body), set, error);
}

void
tafel_amend_set_clear (TafelAmendSet *set)
{
  g_return_if_fail (set != NULL);

  for (guint i = 0; i < set->n_entries; i++)
    g_free (set->entries[i].text);
  g_clear_pointer (&set->entries, g_free);
  set->n_entries = 0;
}

/* ---- Validation of any known kind ---------------------------------------- */

gboolean
tafel_record_validate_body (guint           kind,
                            gconstpointer   body,
                            gsize           len,
                            TafelStrokeBox *box,
                            GError        **error)
{
  TafelReader r;

  tafel_reader_init (&r, body, len);
  switch (kind)
    {
    case TAFEL_RECORD_KIND_PROFILE:
      return profile_parse (&r, NULL, error);
    case TAFEL_RECORD_KIND_STROKE:
      {
        TafelStrokeHeader h;

        return tafel_stroke_decode_header (&r, &h, error) &&
               tafel_stroke_decode_points (&r, &h, NULL, box, error);
      }
    case TAFEL_RECORD_KIND_SHAPE:
      return shape_parse (&r, NULL, error);
    case TAFEL_RECORD_KIND_TEXT:
      return text_parse (&r, NULL, error);
    case TAFEL_RECORD_KIND_ERASE:
    case TAFEL_RECORD_KIND_RESTORE:
      return object_set_parse (&r, NULL, error);
    case TAFEL_RECORD_KIND_TRANSFORM:
      return transform_set_parse (&r, NULL, error);
    case TAFEL_RECORD_KIND_CLEAR:
      return clear_parse (&r, NULL, error);
    case TAFEL_RECORD_KIND_CHAT:
      return chat_parse (&r, NULL, error);
    case TAFEL_RECORD_KIND_AMEND:
      return amend_set_parse (&r, NULL, error);
    default:
      return TRUE;
    }
}
