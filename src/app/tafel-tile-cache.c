/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#ifdef __linux__
#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "tafel-color.h"
#include "tafel-tile-cache.h"

/* At most this many tiles are kept (256 KiB each), least recently drawn
 * first to go; and at most this many zoom levels. */
#define MAX_TILES           288
#define MAX_LEVELS          4
/* While the zoom keeps changing (a pinch, a run of wheel notches), the
 * canvas scales the tiles it has instead of asking for new ones at every
 * intermediate zoom; it asks once the zoom rested this long. A jump from a
 * rested zoom to one that no level can stand in for (zoom to fit on a large
 * board) asks at once: waiting would only show empty paper longer. */
#define SETTLE_US           (120 * G_TIME_SPAN_MILLISECOND)
/* Tiles asked for at once; more wait, so that tiles which scrolled away
 * meanwhile are never rendered at all. */
#define MAX_IN_FLIGHT       8
/* Tiles beyond the visible ones rendered ahead of a pan. */
#define PREFETCH_RING       1
/* Asking for a tile reads the model on the main thread (the objects over
 * it, a snapshot of each): on a zoomed-out view of a large board that is
 * thousands of objects a tile. It happens after the frame, in an idle,
 * at most this long at a time, so that it never lengthens a frame nor
 * holds up input. */
#define REQUEST_BUDGET_US   (3 * G_TIME_SPAN_MILLISECOND)
/* Tile threads yield the processor to the main thread (and to the GL
 * driver's threads, which with a software renderer draw the frames):
 * rendering ahead must not make the frames it renders ahead for late. */
#define WORKER_NICENESS     10

typedef struct _Tile  Tile;
typedef struct _Level Level;
typedef struct _Job   Job;

/* Shared between the cache and its jobs: the jobs outlive a disposed cache
 * harmlessly, since the cache pointer is cleared on dispose. */
typedef struct
{
  gatomicrefcount  ref_count;
  TafelTileCache  *cache;   /* main thread only */
  GMainContext    *context;
} Shared;

struct _Job
{
  Shared    *shared;
  Level     *level;         /* main thread only; valid while job != NULL on its tile */
  Tile      *tile;
  guint      generation;
  int        cancelled;     /* atomic */

  double           ds;
  double           board_x;
  double           board_y;
  gboolean         dark;
  TafelRenderList *list;    /* what to draw, taken on the main thread */

  /* Results, written by the worker. */
  guint8    *pixels;
  gsize      stride;
  gboolean   empty;
};

struct _Tile
{
  guint64     key;          /* the tile's key in its level's table */
  int         tx;
  int         ty;
  GdkTexture *texture;
  gboolean    rendered;     /* texture (or emptiness) is known */
  gboolean    stale;
  guint       generation;
  Job        *job;
  guint64     last_used;
};

struct _Level
{
  double      ds;
  GHashTable *tiles;        /* packed (tx, ty) → Tile */
  guint64     last_used;
};

struct _TafelTileCache
{
  GObject          parent_instance;

  TafelBoardModel *model;
  Shared          *shared;
  TafelTileFilter  filter;
  gpointer         filter_data;
  gboolean         dark;

  GPtrArray       *levels;  /* Level, most recently used last */
  guint            n_tiles;
  guint            n_in_flight;
  guint64          frame;

  double           wanted_ds;
  gint64           wanted_since;
  gboolean         jumped;      /* wanted_ds came in one step from a rested zoom */
  guint            settle_source;

  /* The tiles the last frame wanted, asked for from request_source. */
  double           request_ds;
  int              request_range[4];
  GSource         *request_source;
};

G_DEFINE_FINAL_TYPE (TafelTileCache, tafel_tile_cache, G_TYPE_OBJECT)

enum {
  UPDATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GThreadPool *pool;

/* ---- Shared state and jobs ----------------------------------------------- */

static Shared *
shared_ref (Shared *shared)
{
  g_atomic_ref_count_inc (&shared->ref_count);
  return shared;
}

static void
shared_unref (Shared *shared)
{
  if (g_atomic_ref_count_dec (&shared->ref_count))
    {
      g_main_context_unref (shared->context);
      g_free (shared);
    }
}

static void
job_free (Job *job)
{
  g_clear_pointer (&job->list, tafel_render_list_unref);
  g_free (job->pixels);
  shared_unref (job->shared);
  g_free (job);
}

static inline guint64
tile_key (int tx,
          int ty)
{
  return ((guint64) (guint32) tx << 32) | (guint32) ty;
}

static gboolean job_done (gpointer data);

/* Runs on a worker thread: draws the job's render list (a snapshot of the
 * objects, taken on the main thread, so the model may change meanwhile)
 * into a new image. */
static void
render_job (gpointer data,
            gpointer user_data)
{
  Job *job = data;
  cairo_surface_t *surface;
  cairo_t *cr;
  TafelView view;
  GSource *source;
#ifdef __linux__
  static GPrivate lowered;

  /* On Linux a thread's nice value is its own (setpriority() on its
   * thread id); failing to lower it only costs smoothness. */
  if (g_private_get (&lowered) == NULL)
    {
      g_private_set (&lowered, GINT_TO_POINTER (1));
      if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), WORKER_NICENESS) != 0)
        g_debug ("Could not lower the priority of a tile thread: %s", g_strerror (errno));
    }
#endif

  job->empty = tafel_render_list_get_size (job->list) == 0;
  if (g_atomic_int_get (&job->cancelled) || job->empty)
    goto done;

  job->stride = cairo_format_stride_for_width (CAIRO_FORMAT_ARGB32, TAFEL_TILE_SIZE);
  job->pixels = g_malloc0 (job->stride * TAFEL_TILE_SIZE);
  surface = cairo_image_surface_create_for_data (job->pixels, CAIRO_FORMAT_ARGB32,
                                                 TAFEL_TILE_SIZE, TAFEL_TILE_SIZE, job->stride);
  cr = cairo_create (surface);
  view = (TafelView) { job->ds, job->board_x, job->board_y };
  tafel_render_list_draw (job->list, cr, &view);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);

  if (job->dark && !g_atomic_int_get (&job->cancelled))
    tafel_color_map_pixels_for_dark_paper (job->pixels, TAFEL_TILE_SIZE, TAFEL_TILE_SIZE, job->stride);

done:
  /* Always through a source: g_main_context_invoke() would run job_done()
   * right here, on this thread, whenever it can acquire the context, as
   * it can between two g_main_context_iteration() calls. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, job_done, job, NULL);
  g_source_set_static_name (source, "[tafel] tile done");
  g_source_attach (source, job->shared->context);
  g_source_unref (source);
}

static void
tile_cancel_job (TafelTileCache *self,
                 Tile           *tile)
{
  if (tile->job == NULL)
    return;

  /* The worker notices and hands the job back; job_done() frees it. */
  g_atomic_int_set (&tile->job->cancelled, TRUE);
  tile->job->tile = NULL;
  tile->job->level = NULL;
  tile->job = NULL;
  self->n_in_flight--;
}

static gboolean
job_done (gpointer data)
{
  Job *job = data;
  TafelTileCache *self = job->shared->cache;
  Tile *tile = job->tile;

  if (self == NULL || tile == NULL || g_atomic_int_get (&job->cancelled) ||
      tile->job != job || tile->generation != job->generation)
    {
      job_free (job);
      return G_SOURCE_REMOVE;
    }

  tile->job = NULL;
  self->n_in_flight--;
  g_clear_object (&tile->texture);

  if (!job->empty && job->pixels != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&job->pixels),
                                                  job->stride * TAFEL_TILE_SIZE);

      /* Cairo's ARGB32 is premultiplied BGRA in memory on little-endian,
       * ARGB on big-endian: GDK_MEMORY_DEFAULT is exactly that. */
      tile->texture = gdk_memory_texture_new (TAFEL_TILE_SIZE, TAFEL_TILE_SIZE,
                                              GDK_MEMORY_DEFAULT, bytes, job->stride);
    }

  tile->rendered = TRUE;
  tile->stale = FALSE;
  job_free (job);

  g_signal_emit (self, signals[UPDATED], 0);
  return G_SOURCE_REMOVE;
}

/* ---- Levels and tiles ---------------------------------------------------- */

static void
level_free (Level *level)
{
  g_hash_table_unref (level->tiles);
  g_free (level);
}

static void
tile_free (TafelTileCache *self,
           Tile           *tile)
{
  tile_cancel_job (self, tile);
  g_clear_object (&tile->texture);
  g_free (tile);
  self->n_tiles--;
}

static void
level_drop (TafelTileCache *self,
            Level          *level)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, level->tiles);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_hash_table_iter_steal (&iter);
      tile_free (self, value);
    }
  g_ptr_array_remove (self->levels, level);
}

static Level *
find_level (TafelTileCache *self,
            double          ds)
{
  for (guint i = 0; i < self->levels->len; i++)
    {
      Level *level = g_ptr_array_index (self->levels, i);

      if (level->ds == ds)
        return level;
    }
  return NULL;
}

static Level *
use_level (TafelTileCache *self,
           double          ds)
{
  Level *level = find_level (self, ds);

  if (level == NULL)
    {
      while (self->levels->len >= MAX_LEVELS)
        level_drop (self, g_ptr_array_index (self->levels, 0));

      level = g_new0 (Level, 1);
      level->ds = ds;
      level->tiles = g_hash_table_new (g_int64_hash, g_int64_equal);
      g_ptr_array_add (self->levels, level);
    }
  else
    {
      guint index;

      /* Most recently used last. */
      if (g_ptr_array_find (self->levels, level, &index))
        g_ptr_array_add (self->levels, g_ptr_array_steal_index (self->levels, index));
    }

  level->last_used = self->frame;
  return level;
}

static Tile *
lookup_tile (Level *level,
             int    tx,
             int    ty)
{
  guint64 key = tile_key (tx, ty);

  return g_hash_table_lookup (level->tiles, &key);
}

static Tile *
ensure_tile (TafelTileCache *self,
             Level          *level,
             int             tx,
             int             ty)
{
  Tile *tile = lookup_tile (level, tx, ty);

  if (tile == NULL)
    {
      tile = g_new0 (Tile, 1);
      tile->key = tile_key (tx, ty);
      tile->tx = tx;
      tile->ty = ty;
      g_hash_table_insert (level->tiles, &tile->key, tile);
      self->n_tiles++;
    }

  return tile;
}

/* Drops the least recently drawn tiles beyond MAX_TILES, never one drawn
 * in the current frame. */
static void
evict (TafelTileCache *self)
{
  while (self->n_tiles > MAX_TILES)
    {
      Level *oldest_level = NULL;
      Tile *oldest = NULL;

      for (guint i = 0; i < self->levels->len; i++)
        {
          Level *level = g_ptr_array_index (self->levels, i);
          GHashTableIter iter;
          gpointer value;

          g_hash_table_iter_init (&iter, level->tiles);
          while (g_hash_table_iter_next (&iter, NULL, &value))
            {
              Tile *tile = value;

              if (oldest == NULL || tile->last_used < oldest->last_used)
                {
                  oldest = tile;
                  oldest_level = level;
                }
            }
        }

      if (oldest == NULL || oldest->last_used >= self->frame)
        return;

      g_hash_table_remove (oldest_level->tiles, &oldest->key);
      tile_free (self, oldest);
    }
}

static gboolean
keep_object (TafelTileCache    *self,
             const TafelObject *object)
{
  return self->filter == NULL || !self->filter (object, self->filter_data);
}

static void
request_tile (TafelTileCache *self,
              Level          *level,
              Tile           *tile)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new ();
  double size = TAFEL_TILE_SIZE / level->ds;
  TafelRect rect = { tile->tx * size, tile->ty * size, size, size };
  Job *job;

  if (pool == NULL)
    {
      int n = CLAMP ((int) g_get_num_processors (), 1, 4);

      pool = g_thread_pool_new (render_job, NULL, n, FALSE, NULL);
    }

  job = g_new0 (Job, 1);
  job->shared = shared_ref (self->shared);
  job->level = level;
  job->tile = tile;
  job->generation = tile->generation;
  job->ds = level->ds;
  job->board_x = rect.x;
  job->board_y = rect.y;
  job->dark = self->dark;

  tafel_board_model_query (self->model, &rect, objects);
  if (self->filter != NULL)
    for (guint i = objects->len; i > 0; i--)
      if (!keep_object (self, g_ptr_array_index (objects, i - 1)))
        g_ptr_array_remove_index (objects, i - 1);
  job->list = tafel_render_list_new ((TafelObject * const *) objects->pdata, objects->len);

  tile->job = job;
  self->n_in_flight++;
  g_thread_pool_push (pool, job, NULL);
}

static gboolean
tile_needs_job (Tile *tile)
{
  return tile->job == NULL && (!tile->rendered || tile->stale);
}

/* ---- Drawing ------------------------------------------------------------- */

typedef struct
{
  int tx0, ty0, tx1, ty1;
} TileRange;

static void
visible_range (double           ds,
               const TafelView *view,
               double           width,
               double           height,
               int              scale_factor,
               TileRange       *range)
{
  double x0 = floor (view->x * ds), y0 = floor (view->y * ds);

  range->tx0 = (int) floor (x0 / TAFEL_TILE_SIZE);
  range->ty0 = (int) floor (y0 / TAFEL_TILE_SIZE);
  range->tx1 = (int) floor ((x0 + width * scale_factor) / TAFEL_TILE_SIZE);
  range->ty1 = (int) floor ((y0 + height * scale_factor) / TAFEL_TILE_SIZE);
}

/* Positions are taken relative to the view's corner in double precision
 * before they become floats: board coordinates reach millions of units,
 * where a float could not place a tile to the pixel. */
static void
append_tile_texture (GtkSnapshot *snapshot,
                     GdkTexture  *texture,
                     double       x,
                     double       y,
                     double       size,
                     double       origin_x,
                     double       origin_y)
{
  gtk_snapshot_append_texture (snapshot, texture,
                               &GRAPHENE_RECT_INIT (x - origin_x, y - origin_y, size, size));
}

/* Fills a tile's place at level @ds from another level's textures. */
static void
draw_fallback (TafelTileCache *self,
               GtkSnapshot    *snapshot,
               double          ds,
               int             tx,
               int             ty,
               Level          *skip,
               double          origin_x,
               double          origin_y)
{
  double x = tx * (double) TAFEL_TILE_SIZE, y = ty * (double) TAFEL_TILE_SIZE;

  /* The most recently used other level that has anything here. */
  for (guint i = self->levels->len; i > 0; i--)
    {
      Level *level = g_ptr_array_index (self->levels, i - 1);
      double k = ds / level->ds;
      double size = TAFEL_TILE_SIZE * k;
      int fx0, fy0, fx1, fy1;
      gboolean drew = FALSE;

      if (level == skip)
        continue;

      fx0 = (int) floor (x / size);
      fy0 = (int) floor (y / size);
      fx1 = (int) floor ((x + TAFEL_TILE_SIZE - 1e-6) / size);
      fy1 = (int) floor ((y + TAFEL_TILE_SIZE - 1e-6) / size);
      /* A far more detailed level would take thousands of tiles to cover
       * this one; it is no use as a stand-in. */
      if ((gint64) (fx1 - fx0 + 1) * (fy1 - fy0 + 1) > 64)
        continue;

      gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (x - origin_x, y - origin_y,
                                                             TAFEL_TILE_SIZE, TAFEL_TILE_SIZE));
      for (int fy = fy0; fy <= fy1; fy++)
        for (int fx = fx0; fx <= fx1; fx++)
          {
            Tile *tile = lookup_tile (level, fx, fy);

            if (tile == NULL || !tile->rendered)
              continue;
            drew = TRUE;
            tile->last_used = self->frame;
            if (tile->texture != NULL)
              append_tile_texture (snapshot, tile->texture, fx * size, fy * size, size,
                                   origin_x, origin_y);
          }
      gtk_snapshot_pop (snapshot);

      if (drew)
        return;
    }
}

/* Whether some level could fill in for level @ds (see draw_fallback()):
 * a coarser one always can, blurred; a finer one if at most about 8 times
 * finer. */
static gboolean
any_stand_in (TafelTileCache *self,
              double          ds)
{
  for (guint i = 0; i < self->levels->len; i++)
    if (((Level *) g_ptr_array_index (self->levels, i))->ds <= 8 * ds)
      return TRUE;
  return FALSE;
}

static gboolean
on_settled (gpointer data)
{
  TafelTileCache *self = data;

  self->settle_source = 0;
  g_signal_emit (self, signals[UPDATED], 0);
  return G_SOURCE_REMOVE;
}

/* Asks for the tiles of @range (nearest the centre first), then for those
 * of a ring around it, up to MAX_IN_FLIGHT at once. Returns %FALSE if it
 * stopped at @deadline (monotonic time) with tiles left to ask for. */
static gboolean
request_range (TafelTileCache  *self,
               Level           *level,
               const TileRange *range,
               gint64           deadline)
{
  int cx = (range->tx0 + range->tx1) / 2, cy = (range->ty0 + range->ty1) / 2;
  int max_ring = MAX (MAX (cx - range->tx0, range->tx1 - cx), MAX (cy - range->ty0, range->ty1 - cy)) + PREFETCH_RING;

  /* Pass 0: the visible tiles; pass 1: the ring beyond them. */
  for (int pass = 0; pass < 2; pass++)
    for (int ring = 0; ring <= max_ring; ring++)
      for (int ty = cy - ring; ty <= cy + ring; ty++)
        for (int tx = cx - ring; tx <= cx + ring; tx++)
          {
            gboolean visible = tx >= range->tx0 && tx <= range->tx1 && ty >= range->ty0 && ty <= range->ty1;
            Tile *tile;

            if (MAX (abs (tx - cx), abs (ty - cy)) != ring || visible != (pass == 0))
              continue;
            if (tx < range->tx0 - PREFETCH_RING || tx > range->tx1 + PREFETCH_RING ||
                ty < range->ty0 - PREFETCH_RING || ty > range->ty1 + PREFETCH_RING)
              continue;

            tile = ensure_tile (self, level, tx, ty);
            tile->last_used = MAX (tile->last_used, self->frame);
            if (tile_needs_job (tile))
              {
                if (self->n_in_flight >= MAX_IN_FLIGHT)
                  return TRUE;
                if (g_get_monotonic_time () >= deadline)
                  return FALSE;
                request_tile (self, level, tile);
              }
          }

  return TRUE;
}

static gboolean
on_request (gpointer data)
{
  TafelTileCache *self = data;
  Level *level = find_level (self, self->request_ds);
  TileRange range = {
    self->request_range[0], self->request_range[1], self->request_range[2], self->request_range[3]
  };

  if (level == NULL ||
      request_range (self, level, &range, g_get_monotonic_time () + REQUEST_BUDGET_US))
    {
      g_clear_pointer (&self->request_source, g_source_unref);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Asks for the tiles of @range after this frame (see REQUEST_BUDGET_US). */
static void
schedule_requests (TafelTileCache  *self,
                   Level           *level,
                   const TileRange *range)
{
  self->request_ds = level->ds;
  self->request_range[0] = range->tx0;
  self->request_range[1] = range->ty0;
  self->request_range[2] = range->tx1;
  self->request_range[3] = range->ty1;
  if (self->request_source == NULL && self->n_in_flight < MAX_IN_FLIGHT)
    {
      self->request_source = g_idle_source_new ();
      g_source_set_priority (self->request_source, G_PRIORITY_DEFAULT_IDLE);
      g_source_set_callback (self->request_source, on_request, self, NULL);
      g_source_set_static_name (self->request_source, "[tafel] tile requests");
      g_source_attach (self->request_source, self->shared->context);
    }
}

/* Cancels work for tiles of other levels, or far from the view: they would
 * only delay the tiles that are wanted now. */
static void
cancel_unwanted (TafelTileCache  *self,
                 Level           *current,
                 const TileRange *range)
{
  for (guint i = 0; i < self->levels->len; i++)
    {
      Level *level = g_ptr_array_index (self->levels, i);
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, level->tiles);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          Tile *tile = value;

          if (tile->job == NULL)
            continue;
          if (level != current ||
              tile->tx < range->tx0 - PREFETCH_RING || tile->tx > range->tx1 + PREFETCH_RING ||
              tile->ty < range->ty0 - PREFETCH_RING || tile->ty > range->ty1 + PREFETCH_RING)
            tile_cancel_job (self, tile);
        }
    }
}

void
tafel_tile_cache_snapshot (TafelTileCache  *self,
                           GtkSnapshot     *snapshot,
                           const TafelView *view,
                           double           width,
                           double           height,
                           int              scale_factor)
{
  double ds = view->scale * scale_factor;
  gint64 now = g_get_monotonic_time ();
  double origin_x, origin_y;
  Level *level;
  TileRange range;
  gboolean settled;

  g_return_if_fail (TAFEL_IS_TILE_CACHE (self));

  self->frame++;

  if (ds != self->wanted_ds)
    {
      self->jumped = now - self->wanted_since >= SETTLE_US;
      self->wanted_ds = ds;
      self->wanted_since = now;
    }
  level = find_level (self, ds);
  settled = level != NULL || self->levels->len == 0 || now - self->wanted_since >= SETTLE_US ||
            (self->jumped && !any_stand_in (self, ds));
  if (settled)
    level = use_level (self, ds);
  else if (self->settle_source == 0)
    self->settle_source = g_timeout_add_full (G_PRIORITY_DEFAULT,
                                              (SETTLE_US - (now - self->wanted_since)) / 1000 + 1,
                                              on_settled, g_object_ref (self), g_object_unref);

  visible_range (ds, view, width, height, scale_factor, &range);

  /* Work in device pixels of this level, the tile grid snapped to whole
   * device pixels so that textures are drawn 1:1, unblurred. */
  origin_x = floor (view->x * ds);
  origin_y = floor (view->y * ds);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_scale (snapshot, 1.0 / scale_factor, 1.0 / scale_factor);

  for (int ty = range.ty0; ty <= range.ty1; ty++)
    for (int tx = range.tx0; tx <= range.tx1; tx++)
      {
        Tile *tile = level != NULL ? lookup_tile (level, tx, ty) : NULL;

        if (tile != NULL)
          tile->last_used = self->frame;

        if (tile != NULL && tile->rendered)
          {
            if (tile->texture != NULL)
              append_tile_texture (snapshot, tile->texture,
                                   tx * (double) TAFEL_TILE_SIZE, ty * (double) TAFEL_TILE_SIZE,
                                   TAFEL_TILE_SIZE, origin_x, origin_y);
          }
        else
          draw_fallback (self, snapshot, ds, tx, ty, level, origin_x, origin_y);
      }

  gtk_snapshot_restore (snapshot);

  if (level != NULL)
    {
      cancel_unwanted (self, level, &range);
      schedule_requests (self, level, &range);
    }

  evict (self);
}

/* ---- Invalidation -------------------------------------------------------- */

void
tafel_tile_cache_invalidate (TafelTileCache  *self,
                             const TafelRect *rect)
{
  g_return_if_fail (TAFEL_IS_TILE_CACHE (self));

  for (guint i = 0; i < self->levels->len; i++)
    {
      Level *level = g_ptr_array_index (self->levels, i);
      GHashTableIter iter;
      gpointer value;
      /* Anti-aliasing reaches a device pixel past the ink. */
      double pad = 1.0 / level->ds;
      double x0 = 0, y0 = 0, x1 = 0, y1 = 0;

      if (rect != NULL)
        {
          x0 = floor ((rect->x - pad) * level->ds / TAFEL_TILE_SIZE);
          y0 = floor ((rect->y - pad) * level->ds / TAFEL_TILE_SIZE);
          x1 = floor ((rect->x + rect->width + pad) * level->ds / TAFEL_TILE_SIZE);
          y1 = floor ((rect->y + rect->height + pad) * level->ds / TAFEL_TILE_SIZE);
        }

      g_hash_table_iter_init (&iter, level->tiles);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          Tile *tile = value;

          if (rect != NULL && (tile->tx < x0 || tile->tx > x1 || tile->ty < y0 || tile->ty > y1))
            continue;

          tile->generation++;
          tile->stale = TRUE;
          tile_cancel_job (self, tile);
        }
    }

  g_signal_emit (self, signals[UPDATED], 0);
}

static void
on_objects_changed (TafelBoardModel *model,
                    GPtrArray       *added,
                    GPtrArray       *removed,
                    GPtrArray       *changed,
                    const TafelRect *dirty,
                    TafelTileCache  *self)
{
  tafel_tile_cache_invalidate (self, dirty);
}

/* ---- Public API ---------------------------------------------------------- */

gboolean
tafel_tile_cache_is_current (TafelTileCache  *self,
                             const TafelView *view,
                             int              scale_factor,
                             const TafelRect *rect)
{
  double ds = view->scale * scale_factor;
  Level *level;
  int x0, y0, x1, y1;

  g_return_val_if_fail (TAFEL_IS_TILE_CACHE (self), FALSE);

  level = find_level (self, ds);
  if (level == NULL)
    return FALSE;

  x0 = (int) floor (rect->x * ds / TAFEL_TILE_SIZE);
  y0 = (int) floor (rect->y * ds / TAFEL_TILE_SIZE);
  x1 = (int) floor ((rect->x + rect->width) * ds / TAFEL_TILE_SIZE);
  y1 = (int) floor ((rect->y + rect->height) * ds / TAFEL_TILE_SIZE);

  for (int ty = y0; ty <= y1; ty++)
    for (int tx = x0; tx <= x1; tx++)
      {
        Tile *tile = lookup_tile (level, tx, ty);

        if (tile == NULL || !tile->rendered || tile->stale)
          return FALSE;
      }

  return TRUE;
}

guint
tafel_tile_cache_get_n_pending (TafelTileCache *self)
{
  g_return_val_if_fail (TAFEL_IS_TILE_CACHE (self), 0);

  return self->n_in_flight;
}

void
tafel_tile_cache_clear (TafelTileCache *self)
{
  g_return_if_fail (TAFEL_IS_TILE_CACHE (self));

  while (self->levels->len > 0)
    level_drop (self, g_ptr_array_index (self->levels, 0));
  g_signal_emit (self, signals[UPDATED], 0);
}

void
tafel_tile_cache_set_filter (TafelTileCache  *self,
                             TafelTileFilter  filter,
                             gpointer         user_data)
{
  g_return_if_fail (TAFEL_IS_TILE_CACHE (self));

  self->filter = filter;
  self->filter_data = user_data;
}

void
tafel_tile_cache_set_dark (TafelTileCache *self,
                           gboolean        dark)
{
  g_return_if_fail (TAFEL_IS_TILE_CACHE (self));

  dark = !!dark;
  if (self->dark == dark)
    return;

  self->dark = dark;
  /* Every tile has the other paper's colours now: none is a fair stand-in. */
  tafel_tile_cache_clear (self);
}

static void
tafel_tile_cache_dispose (GObject *object)
{
  TafelTileCache *self = TAFEL_TILE_CACHE (object);

  if (self->levels != NULL)
    while (self->levels->len > 0)
      level_drop (self, g_ptr_array_index (self->levels, 0));
  g_clear_handle_id (&self->settle_source, g_source_remove);
  if (self->request_source != NULL)
    {
      g_source_destroy (self->request_source);
      g_clear_pointer (&self->request_source, g_source_unref);
    }

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);

  if (self->shared != NULL)
    {
      self->shared->cache = NULL;
      g_clear_pointer (&self->shared, shared_unref);
    }

  G_OBJECT_CLASS (tafel_tile_cache_parent_class)->dispose (object);
}

static void
tafel_tile_cache_finalize (GObject *object)
{
  TafelTileCache *self = TAFEL_TILE_CACHE (object);

  g_clear_pointer (&self->levels, g_ptr_array_unref);

  G_OBJECT_CLASS (tafel_tile_cache_parent_class)->finalize (object);
}

static void
tafel_tile_cache_class_init (TafelTileCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tafel_tile_cache_dispose;
  object_class->finalize = tafel_tile_cache_finalize;

  signals[UPDATED] =
    g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tafel_tile_cache_init (TafelTileCache *self)
{
  self->levels = g_ptr_array_new_with_free_func ((GDestroyNotify) level_free);
  self->shared = g_new0 (Shared, 1);
  g_atomic_ref_count_init (&self->shared->ref_count);
  self->shared->cache = self;
  self->shared->context = g_main_context_ref_thread_default ();
}

TafelTileCache *
tafel_tile_cache_new (TafelBoardModel *model)
{
  TafelTileCache *self;

  g_return_val_if_fail (TAFEL_IS_BOARD_MODEL (model), NULL);

  self = g_object_new (TAFEL_TYPE_TILE_CACHE, NULL);
  self->model = g_object_ref (model);
  g_signal_connect (model, "objects-changed", G_CALLBACK (on_objects_changed), self);

  return self;
}
