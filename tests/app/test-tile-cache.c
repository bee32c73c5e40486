/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <gtk/gtk.h>

#include "tafel-core.h"
#include "tafel-identity.h"
#include "tafel-render.h"
#include "tafel-test-util.h"
#include "tafel-tile-cache.h"

/* The canvas's tile cache on its own (no display needed): tiles come from
 * worker threads with the board's ink in them, follow changes, leave out
 * filtered objects and map ink for dark paper. */

typedef struct
{
  TafelIdentity   *identity;
  TafelLog        *log;
  TafelBoardModel *model;
  TafelTileCache  *cache;
  guint64          seq;
  TafelHash        prev;
  guint            n_updated;
} Fixture;

static void
on_updated (TafelTileCache *cache,
            Fixture        *f)
{
  f->n_updated++;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->identity = tafel_identity_new_ephemeral ();
  f->log = tafel_log_new ();
  f->model = tafel_board_model_new (f->log);
  f->cache = tafel_tile_cache_new (f->model);
  g_signal_connect (f->cache, "updated", G_CALLBACK (on_updated), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->cache);
  g_assert_finalize_object (f->model);
  g_assert_finalize_object (f->log);
  g_assert_finalize_object (f->identity);
}

/* A horizontal black pen stroke from (x1, y) to (x2, y), 6 units wide. */
static TafelRecord *
add_line (Fixture *f,
          double   x1,
          double   x2,
          double   y,
          guint32  rgba)
{
  TafelPoint points[2] = { { (float) x1, (float) y, 0.5f }, { (float) x2, (float) y, 0.5f } };
  TafelStroke stroke = { TAFEL_TOOL_PEN, rgba, 6.0f, 2, points };
  g_autoptr(GBytes) body = tafel_stroke_encode (&stroke);
  g_autoptr(GError) error = NULL;
  TafelRecord *record;

  f->seq++;
  record = tafel_identity_sign_record (f->identity, f->seq, &f->prev, f->seq, TAFEL_RECORD_KIND_STROKE, body);
  f->prev = *tafel_record_get_id (record);
  g_assert_true (tafel_log_add (f->log, record, &error));
  g_assert_no_error (error);
  return record;
}

/* Draws the cache for @view (400 × 300 pixels) and returns the node. */
static GskRenderNode *
snapshot (Fixture         *f,
          const TafelView *view)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  tafel_tile_cache_snapshot (f->cache, snapshot, view, 400, 300, 1);
  return gtk_snapshot_free_to_node (snapshot);
}

/* Iterates until every tile of @view is up to date (bounded). */
static gboolean
wait_current (Fixture         *f,
              const TafelView *view)
{
  TafelRect visible = { view->x, view->y, 400 / view->scale, 300 / view->scale };
  gint64 deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GskRenderNode) node = snapshot (f, view);

      if (tafel_tile_cache_is_current (f->cache, view, 1, &visible) &&
          tafel_tile_cache_get_n_pending (f->cache) == 0)
        return TRUE;
      g_main_context_iteration (NULL, TRUE);
    }
  return FALSE;
}

static void
collect_textures (GskRenderNode *node,
                  GPtrArray     *textures,
                  GArray        *bounds)
{
  switch (gsk_render_node_get_node_type (node))
    {
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        collect_textures (gsk_container_node_get_child (node, i), textures, bounds);
      break;
    case GSK_TRANSFORM_NODE:
      collect_textures (gsk_transform_node_get_child (node), textures, bounds);
      break;
    case GSK_CLIP_NODE:
      collect_textures (gsk_clip_node_get_child (node), textures, bounds);
      break;
    case GSK_TEXTURE_NODE:
      {
        graphene_rect_t r;

        gsk_render_node_get_bounds (node, &r);
        g_ptr_array_add (textures, gsk_texture_node_get_texture (node));
        g_array_append_val (bounds, r);
      }
      break;
    default:
      break;
    }
}

/* The colour the cache shows at widget point (x, y), from its tile
 * textures; 0 where there is no ink. Premultiplied BGRA as a guint32. */
static guint32
pixel_at (Fixture         *f,
          const TafelView *view,
          double           x,
          double           y)
{
  g_autoptr(GskRenderNode) node = snapshot (f, view);
  g_autoptr(GPtrArray) textures = g_ptr_array_new ();
  g_autoptr(GArray) bounds = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));

  collect_textures (node, textures, bounds);
  for (guint i = 0; i < textures->len; i++)
    {
      graphene_rect_t *r = &g_array_index (bounds, graphene_rect_t, i);
      GdkTexture *texture = g_ptr_array_index (textures, i);

      if (graphene_rect_contains_point (r, &GRAPHENE_POINT_INIT (x, y)))
        {
          int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
          g_autofree guint32 *data = g_new (guint32, w * h);
          int px = (int) floor ((x - r->origin.x) * w / r->size.width);
          int py = (int) floor ((y - r->origin.y) * h / r->size.height);

          gdk_texture_download (texture, (guchar *) data, w * 4);
          return data[py * w + px];
        }
    }
  return 0;
}

static void
test_tiles_show_ink (Fixture       *f,
                     gconstpointer  data)
{
  TafelView view = { 1.0, 0, 0 };
  g_autoptr(TafelRecord) a = add_line (f, 20, 380, 100, 0x000000ff);
  guint32 p;

  g_assert_true (wait_current (f, &view));
  g_assert_cmpuint (f->n_updated, >, 0);

  /* Ink on the line, none beside it. */
  p = pixel_at (f, &view, 200, 100);
  g_assert_cmphex (p >> 24, ==, 0xff);
  g_assert_cmphex (p & 0xffffff, ==, 0);
  g_assert_cmphex (pixel_at (f, &view, 200, 130) >> 24, ==, 0);

  /* A new stroke makes its tiles stale; they come back with it. */
  {
    g_autoptr(TafelRecord) b = add_line (f, 20, 380, 200, 0xff0000ff);
    TafelRect visible = { 0, 0, 400, 300 };

    g_assert_false (tafel_tile_cache_is_current (f->cache, &view, 1, &visible));
    g_assert_true (wait_current (f, &view));
    p = pixel_at (f, &view, 200, 200);
    g_assert_cmphex (p, ==, 0xffff0000);
  }

  /* At another zoom, another set of tiles, still right. */
  view = (TafelView) { 2.0, 50, 50 };
  g_assert_true (wait_current (f, &view));
  p = pixel_at (f, &view, (200 - 50) * 2, (100 - 50) * 2);
  g_assert_cmphex (p >> 24, ==, 0xff);
}

static gboolean
hide_first (const TafelObject *object,
            gpointer           user_data)
{
  return tafel_hash_equal (tafel_object_get_id (object), user_data);
}

static void
test_tiles_filter (Fixture       *f,
                   gconstpointer  data)
{
  TafelView view = { 1.0, 0, 0 };
  g_autoptr(TafelRecord) a = add_line (f, 20, 380, 100, 0x000000ff);
  g_autoptr(TafelRecord) b = add_line (f, 20, 380, 200, 0x000000ff);
  TafelHash hidden = *tafel_record_get_id (a);
  TafelRect where = { 0, 90, 400, 20 };

  g_assert_true (wait_current (f, &view));
  g_assert_cmphex (pixel_at (f, &view, 200, 100) >> 24, ==, 0xff);

  /* An object being moved or erased is left out once its tiles are made
   * again; the others stay. */
  tafel_tile_cache_set_filter (f->cache, hide_first, &hidden);
  tafel_tile_cache_invalidate (f->cache, &where);
  g_assert_true (wait_current (f, &view));
  g_assert_cmphex (pixel_at (f, &view, 200, 100) >> 24, ==, 0);
  g_assert_cmphex (pixel_at (f, &view, 200, 200) >> 24, ==, 0xff);
  tafel_tile_cache_set_filter (f->cache, NULL, NULL);
}

static void
test_tiles_dark (Fixture       *f,
                 gconstpointer  data)
{
  TafelView view = { 1.0, 0, 0 };
  g_autoptr(TafelRecord) a = add_line (f, 20, 380, 100, 0x000000ff);

  /* Black ink shows white on dark paper. */
  tafel_tile_cache_set_dark (f->cache, TRUE);
  g_assert_true (wait_current (f, &view));
  g_assert_cmphex (pixel_at (f, &view, 200, 100), ==, 0xffffffff);
  tafel_tile_cache_set_dark (f->cache, FALSE);
  g_assert_true (wait_current (f, &view));
  g_assert_cmphex (pixel_at (f, &view, 200, 100), ==, 0xff000000);
}

static void
test_tiles_empty (Fixture       *f,
                  gconstpointer  data)
{
  TafelView view = { 1.0, 0, 0 };
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GPtrArray) textures = g_ptr_array_new ();
  g_autoptr(GArray) bounds = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));

  /* Empty paper needs no textures at all. */
  g_assert_true (wait_current (f, &view));
  node = snapshot (f, &view);
  if (node != NULL)
    collect_textures (node, textures, bounds);
  g_assert_cmpuint (textures->len, ==, 0);
}

/* Runs what is ready on the main context, without waiting for timeouts. */
static void
dispatch_ready (void)
{
  for (guint i = 0; i < 1000 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

static void
test_tiles_requested_after_frame (Fixture       *f,
                                  gconstpointer  data)
{
  TafelView view = { 1.0, 0, 0 };
  TafelRect visible = { 0, 0, 400, 300 };
  g_autoptr(TafelRecord) a = add_line (f, 20, 380, 100, 0x000000ff);
  g_autoptr(GskRenderNode) node = NULL;
  guint updated = f->n_updated;

  /* Asking for tiles reads the model: that waits until after the frame,
   * so a snapshot itself asks for nothing ... */
  node = snapshot (f, &view);
  g_assert_cmpuint (tafel_tile_cache_get_n_pending (f->cache), ==, 0);
  g_assert_false (tafel_tile_cache_is_current (f->cache, &view, 1, &visible));

  /* ... and the main loop, once idle, does (tiles are on their way, or
   * came already). */
  dispatch_ready ();
  g_assert_true (tafel_tile_cache_get_n_pending (f->cache) > 0 || f->n_updated > updated);
  g_assert_true (wait_current (f, &view));
}

static void
set_true (gpointer data)
{
  *(gboolean *) data = TRUE;
}

static void
test_tiles_jump (Fixture       *f,
                 gconstpointer  data)
{
  TafelView view = { 1.0, 0, 0 };
  TafelView far = { 1.0 / 40, -4000, -4000 };
  g_autoptr(TafelRecord) a = add_line (f, 20, 380, 100, 0x000000ff);
  gboolean rested = FALSE;
  guint updated;

  g_assert_true (wait_current (f, &view));
  /* The zoom rests (the cache takes a zoom as rested after 120 ms). */
  g_timeout_add_once (200, set_true, &rested);
  while (!rested)
    g_main_context_iteration (NULL, TRUE);

  /* Then in one step 40 times smaller, where no tile of 100 % could
   * stand in: the tiles are asked for at once, not after the zoom rested
   * again (which would only show empty paper longer). */
  updated = f->n_updated;
  {
    g_autoptr(GskRenderNode) node = snapshot (f, &far);
  }
  dispatch_ready ();
  g_assert_true (tafel_tile_cache_get_n_pending (f->cache) > 0 || f->n_updated > updated);
  g_assert_true (wait_current (f, &far));
}

int
main (int   argc,
      char *argv[])
{
  tafel_test_init (&argc, &argv);
  /* No display is needed, but GSK registers its node types in gtk_init();
   * asking for one type registers them all. */
  g_type_ensure (GSK_TYPE_TEXTURE_NODE);

  g_test_add ("/tafel/tile-cache/show-ink", Fixture, NULL, fixture_set_up, test_tiles_show_ink, fixture_tear_down);
  g_test_add ("/tafel/tile-cache/filter", Fixture, NULL, fixture_set_up, test_tiles_filter, fixture_tear_down);
  g_test_add ("/tafel/tile-cache/dark", Fixture, NULL, fixture_set_up, test_tiles_dark, fixture_tear_down);
  g_test_add ("/tafel/tile-cache/empty", Fixture, NULL, fixture_set_up, test_tiles_empty, fixture_tear_down);
  g_test_add ("/tafel/tile-cache/requested-after-frame", Fixture, NULL, fixture_set_up,
              test_tiles_requested_after_frame, fixture_tear_down);
  g_test_add ("/tafel/tile-cache/jump", Fixture, NULL, fixture_set_up, test_tiles_jump, fixture_tear_down);

  return g_test_run ();
}
