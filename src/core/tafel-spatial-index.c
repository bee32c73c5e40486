/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "tafel-spatial-index.h"

/* Cell sizes BASE, BASE·4, BASE·16, … Measured on 100,000 real strokes
 * (tests/bench, 58,000 units square): base 64 → 67 bytes an entry, screen
 * query p50 8 µs; 256 → 46 bytes, 4 µs; 1024 → 30 bytes, 3 µs. Larger cells
 * cost memory less (fewer, fuller cells) but scan more entries per cell on
 * dense boards; 256 is a screen tile's size at 100 %. */
#define BASE_CELL   256.0
#define FACTOR      4.0
#define N_LEVELS    8
/* Boxes reaching beyond this go to the list every query checks, so that
 * cell coordinates stay far inside 32 bits. */
#define COORD_LIMIT 1.0e9

typedef struct
{
  gint32   cx, cy;
  guint32  n_entries;
  guint32  n_alloc;
  guint32 *entries;
} Cell;

typedef struct
{
  double   size;
  guint    n_entries;
  guint    n_cells;
  guint    n_cells_alloc;
  Cell    *cells;
  /* Open addressing: cell index + 1, 0 for a free slot. */
  guint32 *slots;
  guint    slot_bits;
} Level;

struct _TafelSpatialIndex
{
  Level                levels[N_LEVELS];
  GArray              *huge;  /* guint32 */
  guint                size;
  TafelSpatialBoxFunc  box_func;
  gpointer             user_data;
};

typedef struct
{
  float x0, y0, x1, y1;
} Box;

static inline Box
entry_box (TafelSpatialIndex *self,
           guint32            id)
{
  const float *b = self->box_func (id, self->user_data);

  return (Box) { b[0], b[1], b[2], b[3] };
}

static inline guint
cell_hash (gint32 cx,
           gint32 cy,
           guint  bits)
{
  guint64 k = ((guint64) (guint32) cx << 32) | (guint32) cy;

  k *= G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  return (guint) (k >> (64 - bits));
}

/* The level an entry belongs on, or -1 for the list of huge entries. */
static int
level_for_box (const Box *b)
{
  double extent = MAX ((double) b->x1 - b->x0, (double) b->y1 - b->y0);
  double size = BASE_CELL;

  if (b->x0 < -COORD_LIMIT || b->y0 < -COORD_LIMIT ||
      b->x1 > COORD_LIMIT || b->y1 > COORD_LIMIT)
    return -1;

  for (int l = 0; l < N_LEVELS; l++, size *= FACTOR)
    if (extent <= size)
      return l;

  return -1;
}

static Cell *
level_lookup (Level  *level,
              gint32  cx,
              gint32  cy)
{
  guint mask;
  guint i;

  if (level->slots == NULL)
    return NULL;

  mask = (1u << level->slot_bits) - 1;
  for (i = cell_hash (cx, cy, level->slot_bits); level->slots[i] != 0; i = (i + 1) & mask)
    {
      Cell *cell = &level->cells[level->slots[i] - 1];

      if (cell->cx == cx && cell->cy == cy)
        return cell;
    }

  return NULL;
}

static void
level_rehash (Level *level,
              guint  bits)
{
  guint mask = (1u << bits) - 1;

  g_free (level->slots);
  level->slots = g_new0 (guint32, 1u << bits);
  level->slot_bits = bits;

  for (guint c = 0; c < level->n_cells; c++)
    {
      guint i = cell_hash (level->cells[c].cx, level->cells[c].cy, bits);

      while (level->slots[i] != 0)
        i = (i + 1) & mask;
      level->slots[i] = c + 1;
    }
}

static Cell *
level_ensure (Level  *level,
              gint32  cx,
              gint32  cy)
{
  Cell *cell = level_lookup (level, cx, cy);
  guint mask;
  guint i;

  if (cell != NULL)
    return cell;

  if (level->n_cells == level->n_cells_alloc)
    {
      level->n_cells_alloc = MAX (16, level->n_cells_alloc * 2);
      level->cells = g_renew (Cell, level->cells, level->n_cells_alloc);
    }

  /* Keep the table at most half full. */
  if (level->slots == NULL || (level->n_cells + 1) * 2 > (1u << level->slot_bits))
    level_rehash (level, level->slots == NULL ? 6 : level->slot_bits + 1);

  cell = &level->cells[level->n_cells];
  *cell = (Cell) { .cx = cx, .cy = cy };

  mask = (1u << level->slot_bits) - 1;
  for (i = cell_hash (cx, cy, level->slot_bits); level->slots[i] != 0; i = (i + 1) & mask)
    ;
  level->slots[i] = ++level->n_cells;

  return cell;
}

static inline void
cell_coords (const Level *level,
             const Box   *b,
             gint32      *cx,
             gint32      *cy)
{
  *cx = (gint32) floor (b->x0 / level->size);
  *cy = (gint32) floor (b->y0 / level->size);
}

/**
 * tafel_spatial_index_new:
 * @box_func: reads an entry's box
 * @user_data: data for @box_func, which must outlive the index
 *
 * Returns: (transfer full): an empty index
 */
TafelSpatialIndex *
tafel_spatial_index_new (TafelSpatialBoxFunc box_func,
                         gpointer            user_data)
{
  TafelSpatialIndex *self;
  double size = BASE_CELL;

  g_return_val_if_fail (box_func != NULL, NULL);

  self = g_new0 (TafelSpatialIndex, 1);
  self->box_func = box_func;
  self->user_data = user_data;
  for (int l = 0; l < N_LEVELS; l++, size *= FACTOR)
    self->levels[l].size = size;
  self->huge = g_array_new (FALSE, FALSE, sizeof (guint32));

  return self;
}

/**
 * tafel_spatial_index_free:
 * @self: (transfer full): an index
 *
 * Frees the index. The ids in it are not touched.
 */
void
tafel_spatial_index_free (TafelSpatialIndex *self)
{
  if (self == NULL)
    return;

  for (int l = 0; l < N_LEVELS; l++)
    {
      Level *level = &self->levels[l];

      for (guint c = 0; c < level->n_cells; c++)
        g_free (level->cells[c].entries);
      g_free (level->cells);
      g_free (level->slots);
    }
  g_array_unref (self->huge);
  g_free (self);
}

/**
 * tafel_spatial_index_insert:
 * @self: an index
 * @id: the entry's id, not yet in the index
 *
 * Adds an entry, at the box the box function gives for it now.
 */
void
tafel_spatial_index_insert (TafelSpatialIndex *self,
                            guint32            id)
{
  Box b;
  int l;

  g_return_if_fail (self != NULL);

  b = entry_box (self, id);
  g_return_if_fail (isfinite (b.x0) && isfinite (b.y0) && isfinite (b.x1) && isfinite (b.y1));
  g_return_if_fail (b.x0 <= b.x1 && b.y0 <= b.y1);

  l = level_for_box (&b);
  if (l < 0)
    {
      g_array_append_val (self->huge, id);
    }
  else
    {
      Level *level = &self->levels[l];
      gint32 cx, cy;
      Cell *cell;

      cell_coords (level, &b, &cx, &cy);
      cell = level_ensure (level, cx, cy);
      if (cell->n_entries == cell->n_alloc)
        {
          cell->n_alloc = MAX (4, cell->n_alloc + cell->n_alloc / 2);
          cell->entries = g_renew (guint32, cell->entries, cell->n_alloc);
        }
      cell->entries[cell->n_entries++] = id;
      level->n_entries++;
    }

  self->size++;
}

/**
 * tafel_spatial_index_remove:
 * @self: an index
 * @id: the entry's id
 *
 * Removes an entry; its box must read as it did at insert().
 *
 * Returns: %TRUE when the entry was there
 */
gboolean
tafel_spatial_index_remove (TafelSpatialIndex *self,
                            guint32            id)
{
  Box b;
  int l;

  g_return_val_if_fail (self != NULL, FALSE);

  b = entry_box (self, id);
  l = level_for_box (&b);

  if (l < 0)
    {
      for (guint i = 0; i < self->huge->len; i++)
        if (g_array_index (self->huge, guint32, i) == id)
          {
            g_array_remove_index_fast (self->huge, i);
            self->size--;
            return TRUE;
          }
    }
  else
    {
      Level *level = &self->levels[l];
      gint32 cx, cy;
      Cell *cell;

      cell_coords (level, &b, &cx, &cy);
      cell = level_lookup (level, cx, cy);
      if (cell == NULL)
        return FALSE;

      for (guint i = 0; i < cell->n_entries; i++)
        if (cell->entries[i] == id)
          {
            cell->entries[i] = cell->entries[--cell->n_entries];
            level->n_entries--;
            self->size--;
            return TRUE;
          }
    }

  return FALSE;
}

/**
 * tafel_spatial_index_get_size:
 * @self: an index
 *
 * Returns: the number of entries
 */
guint
tafel_spatial_index_get_size (TafelSpatialIndex *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->size;
}

gsize
tafel_spatial_index_get_memory (TafelSpatialIndex *self,
                                guint             *n_cells)
{
  gsize bytes = sizeof *self + self->huge->len * sizeof (guint32);
  guint cells = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (int l = 0; l < N_LEVELS; l++)
    {
      const Level *level = &self->levels[l];

      bytes += level->n_cells_alloc * sizeof (Cell);
      bytes += level->slots != NULL ? (sizeof (guint32) << level->slot_bits) : 0;
      for (guint c = 0; c < level->n_cells; c++)
        bytes += level->cells[c].n_alloc * sizeof (guint32);
      cells += level->n_cells;
    }

  if (n_cells != NULL)
    *n_cells = cells;
  return bytes;
}

static inline void
scan_entries (TafelSpatialIndex *self,
              const guint32     *entries,
              guint              n,
              double             qx0,
              double             qy0,
              double             qx1,
              double             qy1,
              GArray            *out)
{
  for (guint i = 0; i < n; i++)
    {
      const float *b = self->box_func (entries[i], self->user_data);

      if (b[0] <= qx1 && b[2] >= qx0 && b[1] <= qy1 && b[3] >= qy0)
        g_array_append_val (out, entries[i]);
    }
}

static inline gint32
clamp_cell (double v)
{
  return (gint32) CLAMP (v, -(double) G_MAXINT32 / 2, (double) G_MAXINT32 / 2);
}

/**
 * tafel_spatial_index_query:
 * @self: an index
 * @rect: the rectangle asked about
 * @out: (element-type guint32): where the ids go
 *
 * Appends the id of every entry whose box intersects @rect, each once, in
 * no particular order. A rectangle with a negative or non-finite size
 * intersects nothing.
 */
void
tafel_spatial_index_query (TafelSpatialIndex *self,
                           const TafelRect   *rect,
                           GArray            *out)
{
  double qx0, qy0, qx1, qy1;

  g_return_if_fail (self != NULL);
  g_return_if_fail (rect != NULL);
  g_return_if_fail (out != NULL);

  qx0 = rect->x;
  qy0 = rect->y;
  qx1 = rect->x + rect->width;
  qy1 = rect->y + rect->height;
  if (!(qx0 <= qx1) || !(qy0 <= qy1))
    return;

  for (int l = 0; l < N_LEVELS; l++)
    {
      const Level *level = &self->levels[l];
      double s = level->size;
      gint32 cx0, cy0, cx1, cy1;
      double n_range;

      if (level->n_entries == 0)
        continue;

      /* An entry here is at most s wide, so its top-left corner lies at
       * most s before the rectangle. */
      cx0 = clamp_cell (floor ((qx0 - s) / s));
      cy0 = clamp_cell (floor ((qy0 - s) / s));
      cx1 = clamp_cell (floor (qx1 / s));
      cy1 = clamp_cell (floor (qy1 / s));
      n_range = ((double) cx1 - cx0 + 1) * ((double) cy1 - cy0 + 1);

      if (n_range >= level->n_cells)
        {
          for (guint c = 0; c < level->n_cells; c++)
            {
              const Cell *cell = &level->cells[c];

              if (cell->cx >= cx0 && cell->cx <= cx1 && cell->cy >= cy0 && cell->cy <= cy1)
                scan_entries (self, cell->entries, cell->n_entries, qx0, qy0, qx1, qy1, out);
            }
        }
      else
        {
          for (gint32 cy = cy0; cy <= cy1; cy++)
            for (gint32 cx = cx0; cx <= cx1; cx++)
              {
                const Cell *cell = level_lookup ((Level *) level, cx, cy);

                if (cell != NULL)
                  scan_entries (self, cell->entries, cell->n_entries, qx0, qy0, qx1, qy1, out);
              }
        }
    }

  scan_entries (self, (const guint32 *) self->huge->data, self->huge->len, qx0, qy0, qx1, qy1, out);
}
