/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tafel-canvas.h"
#include "tafel-color.h"
#include "tafel-people.h"

/* Grid dots are GRID_SPACING board units apart; when zoomed out far enough
 * that they would crowd closer than GRID_MIN_PIXELS, every other one goes. */
#define GRID_SPACING     24.0
#define GRID_MIN_PIXELS  12.0
#define GRID_DOT_SIZE     2.0
/* Pixels one notch of a mouse wheel scrolls, and the zoom factor of one
 * notch with Ctrl held. */
#define WHEEL_STEP       64.0
#define WHEEL_ZOOM        1.15
/* The stroke being drawn is kept as textures of CHUNK_POINTS points each
 * (overlapping by CHUNK_OVERLAP, so the smoothing joins up), plus the
 * newest points drawn afresh each frame: a frame costs the same however
 * long the stroke is. */
#define CHUNK_POINTS     32
#define CHUNK_OVERLAP     3
/* Overlays are never rendered larger than this many device pixels a side. */
#define MAX_OVERLAY_SIDE 4096
#define ERASER_HOVER_PX   8.0
#define HANDLE_SIZE       8.0
#define MAX_SETTLING     16
/* Someone else's stroke stays drawn after they lifted the pen until its
 * record is on the board and in the tiles, or this long at most. */
#define REMOTE_SETTLE_US  (3 * G_USEC_PER_SEC)
#define REMOTE_TICK_MS    100

typedef struct
{
  GdkTexture *texture;
  double      x;        /* device pixels of the level: board · ds */
  double      y;
  double      width;
  double      height;
} Patch;

/* A stroke someone else is drawing, from their presence. */
typedef struct
{
  TafelPublicKey key;
  TafelStroke    stroke;      /* points owned */
  TafelRect      bounds;
  gint64         begin_us;
  gint64         end_us;
  gboolean       record_seen; /* a record of theirs came after it began */
} RemoteStroke;

/* A just-committed object, drawn by the canvas until the tiles have it, so
 * it never blinks out between pen-up and the tile arriving. */
typedef struct
{
  Patch     patch;
  double    ds;
  TafelRect bounds;
} Settling;

struct _TafelCanvas
{
  GtkWidget              parent_instance;

  TafelView              view;
  gboolean               show_grid;
  gboolean               dark;

  TafelCanvasController *controller;
  TafelTileCache        *tiles;

  /* Navigation. */
  gboolean               space_held;
  gboolean               panning;
  double                 pan_last_x;
  double                 pan_last_y;
  gboolean               pointer_inside;
  double                 pointer_x;
  double                 pointer_y;
  double                 pinch_scale_begin;
  double                 pinch_last_cx;
  double                 pinch_last_cy;

  /* Drawing input in progress from the drag gesture (mouse, touch). */
  gboolean               drawing;
  TafelInputDevice       drawing_device;
  gboolean               stylus_down;

  /* The live stroke. */
  GArray                *chunks;      /* Patch */
  guint                  chunked;     /* points drawn into chunks */
  double                 chunk_ds;

  GArray                *settling;    /* Settling */

  /* The selection drawn while it moves. */
  Patch                  selection_patch;
  double                 selection_ds;
  TafelRect              selection_from;

  /* Others: their cursors and strokes in progress. */
  TafelPeople           *people;
  GHashTable            *remote_live;     /* TafelPublicKey* → RemoteStroke* */
  GPtrArray             *remote_settling; /* RemoteStroke*, lifted */
  GHashTable            *last_object_us;  /* TafelPublicKey* → gint64*, their latest record */
  guint                  remote_tick_id;
  int                    last_width;
  int                    last_height;

  /* Text typed in place. */
  GtkWidget             *editor;
  GtkCssProvider        *editor_css;
  gboolean               fit_pending;
  double                 editor_x;    /* board units */
  double                 editor_y;

  GtkGesture            *drag_primary;
  GtkGesture            *drag_middle;
  GtkGesture            *stylus;
  GtkGesture            *pinch;
};

G_DEFINE_FINAL_TYPE (TafelCanvas, tafel_canvas, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SCALE,
  PROP_SHOW_GRID,
  PROP_DARK,
  N_PROPS
};

enum {
  TEXT_ERROR,
  VIEW_CHANGED,
  NAVIGATED,
  POINTER_MOVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void finish_text         (TafelCanvas *self,
                                 gboolean     commit);
static void update_editor_style (TafelCanvas *self);

static double
device_scale (TafelCanvas *self)
{
  return self->view.scale * gtk_widget_get_scale_factor (GTK_WIDGET (self));
}

static void
patch_clear (Patch *patch)
{
  g_clear_object (&patch->texture);
}

static void
settling_clear (Settling *settling)
{
  patch_clear (&settling->patch);
}

/* Where the pointer is on the board, for the others to see. */
static void
emit_pointer_moved (TafelCanvas *self)
{
  double bx, by;

  tafel_view_to_board (&self->view, self->pointer_x, self->pointer_y, &bx, &by);
  g_signal_emit (self, signals[POINTER_MOVED], 0, bx, by, self->pointer_inside);
}

static void
view_changed (TafelCanvas *self,
              gboolean     scale_changed)
{
  if (self->controller != NULL)
    tafel_canvas_controller_set_scale (self->controller, self->view.scale);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->editor != NULL)
    {
      update_editor_style (self);
      gtk_widget_queue_allocate (GTK_WIDGET (self));
    }
  if (scale_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
  g_signal_emit (self, signals[VIEW_CHANGED], 0);
}

static guint32
ink (TafelCanvas *self,
     guint32      rgba)
{
  return self->dark ? tafel_color_for_dark_paper (rgba) : rgba;
}

/* ---- Patches: pieces of ink rendered into textures ------------------------ */

typedef void (*PatchDraw) (cairo_t *cr, gpointer data);

/* Renders @draw (in board units) over @bounds at device scale @ds into a
 * texture, clipped to @clip (board units) when given. FALSE when nothing
 * is left to draw. */
static gboolean
patch_render (Patch           *patch,
              double           ds,
              const TafelRect *bounds,
              const TafelRect *clip,
              gboolean         map_dark,
              PatchDraw        draw,
              gpointer         data)
{
  double x0 = bounds->x, y0 = bounds->y;
  double x1 = bounds->x + bounds->width, y1 = bounds->y + bounds->height;
  double px0, py0, render_ds = ds;
  int width, height;
  cairo_surface_t *surface;
  cairo_t *cr;
  g_autoptr(GBytes) bytes = NULL;

  if (clip != NULL)
    {
      x0 = MAX (x0, clip->x);
      y0 = MAX (y0, clip->y);
      x1 = MIN (x1, clip->x + clip->width);
      y1 = MIN (y1, clip->y + clip->height);
    }
  if (x1 <= x0 || y1 <= y0)
    return FALSE;

  /* One device pixel of margin for anti-aliasing. */
  px0 = floor (x0 * ds) - 1;
  py0 = floor (y0 * ds) - 1;
  width = (int) (ceil (x1 * ds) + 1 - px0);
  height = (int) (ceil (y1 * ds) + 1 - py0);
  if (width <= 0 || height <= 0)
    return FALSE;

  /* Very large areas are drawn at lower resolution and stretched. */
  if (width > MAX_OVERLAY_SIDE || height > MAX_OVERLAY_SIDE)
    {
      double k = (double) MAX_OVERLAY_SIDE / MAX (width, height);

      render_ds = ds * k;
      width = MAX (1, (int) ceil (width * k));
      height = MAX (1, (int) ceil (height * k));
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  cairo_scale (cr, render_ds / ds, render_ds / ds);
  cairo_translate (cr, -px0, -py0);
  cairo_scale (cr, ds, ds);
  draw (cr, data);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  if (map_dark)
    tafel_color_map_pixels_for_dark_paper (cairo_image_surface_get_data (surface),
                                           width, height, cairo_image_surface_get_stride (surface));

  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface) * height,
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  patch_clear (patch);
  patch->texture = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes,
                                           cairo_image_surface_get_stride (surface));
  patch->x = px0;
  patch->y = py0;
  patch->width = (ceil (x1 * ds) + 1 - px0);
  patch->height = (ceil (y1 * ds) + 1 - py0);
  return TRUE;
}

/* Appends @patch, made at @ds, where it belongs in the current view; the
 * snapshot is in device pixels relative to (origin_x, origin_y). */
static void
patch_append (GtkSnapshot *snapshot,
              const Patch *patch,
              double       origin_x,
              double       origin_y)
{
  if (patch->texture == NULL)
    return;
  gtk_snapshot_append_texture (snapshot, patch->texture,
                               &GRAPHENE_RECT_INIT (patch->x - origin_x, patch->y - origin_y,
                                                    patch->width, patch->height));
}

static void
draw_stroke_cb (cairo_t  *cr,
                gpointer  data)
{
  tafel_render_stroke (cr, data);
}

static void
draw_object_cb (cairo_t  *cr,
                gpointer  data)
{
  tafel_render_object (cr, data);
}

static void
draw_objects_cb (cairo_t  *cr,
                 gpointer  data)
{
  GPtrArray *objects = data;
  TafelView identity = { 1.0, 0.0, 0.0 };

  tafel_render_objects (cr, &identity, (TafelObject * const *) objects->pdata, objects->len);
}

/* ---- The live stroke ---------------------------------------------------------- */

/* The part of the live stroke from @from to @to, as a pen stroke of the
 * mapped, opaque colour: highlighter translucency is applied to the whole
 * group, so the overlaps of chunks do not show. */
static void
live_piece (TafelCanvas       *self,
            const TafelStroke *live,
            guint              from,
            guint              to,
            TafelStroke       *piece)
{
  *piece = *live;
  piece->tool = TAFEL_TOOL_PEN;
  piece->rgba = ink (self, live->rgba) | 0xff;
  piece->points = live->points + from;
  piece->n_points = to - from;
}

static void
chunks_reset (TafelCanvas *self)
{
  g_array_set_size (self->chunks, 0);
  self->chunked = 0;
}

static void
update_chunks (TafelCanvas       *self,
               const TafelStroke *live)
{
  double ds = device_scale (self);

  if (live == NULL)
    {
      chunks_reset (self);
      return;
    }

  /* A new stroke (fewer points than already chunked) or a new zoom. */
  if (live->n_points < self->chunked || ds != self->chunk_ds)
    chunks_reset (self);
  self->chunk_ds = ds;

  while (live->n_points >= self->chunked + CHUNK_POINTS + CHUNK_OVERLAP)
    {
      guint from = self->chunked > CHUNK_OVERLAP ? self->chunked - CHUNK_OVERLAP : 0;
      guint to = self->chunked + CHUNK_POINTS;
      TafelStroke piece;
      TafelRect extents;
      Patch patch = { 0 };

      live_piece (self, live, from, to, &piece);
      tafel_stroke_get_extents (&piece, &extents);
      if (patch_render (&patch, ds, &extents, NULL, FALSE, draw_stroke_cb, &piece))
        g_array_append_val (self->chunks, patch);
      self->chunked = to;
    }
}

static void
snapshot_live_stroke (TafelCanvas       *self,
                      GtkSnapshot       *snapshot,
                      const TafelStroke *live,
                      double             origin_x,
                      double             origin_y)
{
  double ds = device_scale (self);
  float alpha = (live->rgba & 0xff) / 255.f;
  guint from = self->chunked > CHUNK_OVERLAP ? self->chunked - CHUNK_OVERLAP : 0;
  TafelStroke tail;
  TafelRect extents;

  if (live->tool == TAFEL_TOOL_HIGHLIGHTER)
    alpha *= TAFEL_HIGHLIGHTER_MAX_ALPHA;

  gtk_snapshot_push_opacity (snapshot, alpha);

  for (guint i = 0; i < self->chunks->len; i++)
    patch_append (snapshot, &g_array_index (self->chunks, Patch, i), origin_x, origin_y);

  /* The newest points: redrawn each frame, a bounded amount. */
  live_piece (self, live, from, live->n_points, &tail);
  tafel_stroke_get_extents (&tail, &extents);
  {
    double x0 = floor (extents.x * ds) - 1, y0 = floor (extents.y * ds) - 1;
    double x1 = ceil ((extents.x + extents.width) * ds) + 1;
    double y1 = ceil ((extents.y + extents.height) * ds) + 1;
    cairo_t *cr = gtk_snapshot_append_cairo (snapshot,
                                             &GRAPHENE_RECT_INIT (x0 - origin_x, y0 - origin_y,
                                                                  x1 - x0, y1 - y0));

    cairo_translate (cr, -origin_x, -origin_y);
    cairo_scale (cr, ds, ds);
    tafel_render_stroke (cr, &tail);
    cairo_destroy (cr);
  }

  gtk_snapshot_pop (snapshot);
}

/* ---- Settling objects ----------------------------------------------------------- */

static void
on_committed (TafelCanvasController *controller,
              TafelRecord           *record,
              TafelCanvas           *self)
{
  TafelObject *object;
  TafelRect visible;
  Settling settling = { { 0 } };
  guint kind = tafel_record_get_kind (record);

  /* Only what a gesture just drew needs this; copies of a large selection
   * may wait for their tiles. */
  if (kind == TAFEL_RECORD_KIND_TRANSFORM && self->selection_patch.texture != NULL &&
      self->selection_ds == device_scale (self))
    {
      /* A move or resize was dropped: the moved picture stays until the
       * tiles show the objects at their new place. */
      TafelTransform t;
      double ds = self->selection_ds;

      tafel_canvas_controller_get_live_transform (controller, &t);
      settling.patch = self->selection_patch;
      settling.patch.texture = g_object_ref (self->selection_patch.texture);
      settling.patch.x = self->selection_patch.x * t.sx + t.tx * ds;
      settling.patch.y = self->selection_patch.y * t.sy + t.ty * ds;
      settling.patch.width = self->selection_patch.width * t.sx;
      settling.patch.height = self->selection_patch.height * t.sy;
      settling.ds = ds;
      settling.bounds = (TafelRect) { self->selection_from.x * t.sx + t.tx, self->selection_from.y * t.sy + t.ty,
                                      self->selection_from.width * t.sx, self->selection_from.height * t.sy };
      g_array_append_val (self->settling, settling);
      patch_clear (&self->selection_patch);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }

  if ((kind != TAFEL_RECORD_KIND_STROKE && kind != TAFEL_RECORD_KIND_SHAPE && kind != TAFEL_RECORD_KIND_TEXT) ||
      self->settling->len >= MAX_SETTLING)
    return;

  object = tafel_board_model_lookup (tafel_canvas_controller_get_model (controller),
                                     tafel_record_get_id (record));
  if (object == NULL || !tafel_object_is_visible (object))
    return;

  tafel_canvas_get_visible (self, &visible);
  tafel_object_get_bounds (object, &settling.bounds);
  settling.ds = device_scale (self);
  if (patch_render (&settling.patch, settling.ds, &settling.bounds, &visible, self->dark,
                    draw_object_cb, object))
    g_array_append_val (self->settling, settling);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Draws the settling objects whose tiles have not arrived, and forgets
 * the others. */
static void
snapshot_settling (TafelCanvas *self,
                   GtkSnapshot *snapshot,
                   double       origin_x,
                   double       origin_y)
{
  double ds = device_scale (self);
  int scale_factor = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  for (guint i = self->settling->len; i > 0; i--)
    {
      Settling *settling = &g_array_index (self->settling, Settling, i - 1);

      if (settling->ds != ds ||
          tafel_tile_cache_is_current (self->tiles, &self->view, scale_factor, &settling->bounds))
        {
          g_array_remove_index (self->settling, i - 1);
          continue;
        }
    }

  for (guint i = 0; i < self->settling->len; i++)
    patch_append (snapshot, &g_array_index (self->settling, Settling, i).patch, origin_x, origin_y);
}

/* ---- The selection ---------------------------------------------------------------- */

static gboolean
selection_is_moving (TafelCanvas *self)
{
  GPtrArray *selection;

  if (self->controller == NULL)
    return FALSE;

  selection = tafel_canvas_controller_get_selection (self->controller);
  return selection->len > 0 &&
         tafel_canvas_controller_is_hidden (self->controller, g_ptr_array_index (selection, 0));
}

static void
snapshot_moving_selection (TafelCanvas *self,
                           GtkSnapshot *snapshot,
                           double       origin_x,
                           double       origin_y)
{
  GPtrArray *selection = tafel_canvas_controller_get_selection (self->controller);
  double ds = device_scale (self);
  TafelTransform t;
  Patch moved;

  if (!selection_is_moving (self))
    {
      patch_clear (&self->selection_patch);
      return;
    }

  /* Rendered once when the move starts, then only placed. */
  if (self->selection_patch.texture == NULL || self->selection_ds != ds)
    {
      TafelRect bounds = { 0, 0, 0, 0 };

      for (guint i = 0; i < selection->len; i++)
        {
          TafelRect b;

          tafel_object_get_bounds (g_ptr_array_index (selection, i), &b);
          if (i == 0)
            bounds = b;
          else
            {
              double x1 = MAX (bounds.x + bounds.width, b.x + b.width);
              double y1 = MAX (bounds.y + bounds.height, b.y + b.height);

              bounds.x = MIN (bounds.x, b.x);
              bounds.y = MIN (bounds.y, b.y);
              bounds.width = x1 - bounds.x;
              bounds.height = y1 - bounds.y;
            }
        }

      self->selection_ds = ds;
      self->selection_from = bounds;
      if (!patch_render (&self->selection_patch, ds, &bounds, NULL, self->dark, draw_objects_cb, selection))
        return;
    }

  tafel_canvas_controller_get_live_transform (self->controller, &t);
  moved = self->selection_patch;
  moved.x = self->selection_patch.x * t.sx + t.tx * ds;
  moved.y = self->selection_patch.y * t.sy + t.ty * ds;
  moved.width = self->selection_patch.width * t.sx;
  moved.height = self->selection_patch.height * t.sy;
  patch_append (snapshot, &moved, origin_x, origin_y);
}

static void
append_outline (GtkSnapshot           *snapshot,
                const graphene_rect_t *rect,
                const GdkRGBA         *color,
                float                  width)
{
  GskRoundedRect outline;

  gsk_rounded_rect_init_from_rect (&outline, rect, 0);
  gtk_snapshot_append_border (snapshot, &outline,
                              (float[4]) { width, width, width, width },
                              (GdkRGBA[4]) { *color, *color, *color, *color });
}

static void
snapshot_selection_frame (TafelCanvas *self,
                          GtkSnapshot *snapshot)
{
  GdkRGBA accent = { 0.208f, 0.518f, 0.894f, 1.f };   /* Adwaita blue 3 */
  GdkRGBA fill = { 1.f, 1.f, 1.f, 1.f };
  TafelRect bounds, band;
  double x0, y0, x1, y1;

  if (tafel_canvas_controller_get_rubber_band (self->controller, &band))
    {
      GdkRGBA tint = accent;

      tafel_view_to_widget (&self->view, band.x, band.y, &x0, &y0);
      tafel_view_to_widget (&self->view, band.x + band.width, band.y + band.height, &x1, &y1);
      tint.alpha = 0.12f;
      gtk_snapshot_append_color (snapshot, &tint, &GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0));
      append_outline (snapshot, &GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0), &accent, 1);
    }

  if (!tafel_canvas_controller_get_selection_bounds (self->controller, &bounds))
    return;

  tafel_view_to_widget (&self->view, bounds.x, bounds.y, &x0, &y0);
  tafel_view_to_widget (&self->view, bounds.x + bounds.width, bounds.y + bounds.height, &x1, &y1);
  x0 = floor (x0) - 0.5;
  y0 = floor (y0) - 0.5;
  x1 = ceil (x1) + 0.5;
  y1 = ceil (y1) + 0.5;
  append_outline (snapshot, &GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0), &accent, 1);

  /* Corner handles resize. */
  {
    double cx[4] = { x0, x1, x1, x0 }, cy[4] = { y0, y0, y1, y1 };

    for (int i = 0; i < 4; i++)
      {
        graphene_rect_t r = GRAPHENE_RECT_INIT (cx[i] - HANDLE_SIZE / 2, cy[i] - HANDLE_SIZE / 2,
                                                HANDLE_SIZE, HANDLE_SIZE);

        gtk_snapshot_append_color (snapshot, &fill, &r);
        append_outline (snapshot, &r, &accent, 1.5f);
      }
  }
}

/* ---- Others: strokes in progress and cursors ---------------------------------------- */

static void
remote_stroke_free (RemoteStroke *remote)
{
  g_free (remote->stroke.points);
  g_free (remote);
}

static gboolean
remote_tick (gpointer data)
{
  TafelCanvas *self = data;
  int scale_factor = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  gint64 now = g_get_monotonic_time ();
  gboolean dropped = FALSE;

  /* Gone once its record is drawn by the tiles: never a blink between
   * the live stroke and the stored one. */
  for (guint i = self->remote_settling->len; i > 0; i--)
    {
      RemoteStroke *remote = g_ptr_array_index (self->remote_settling, i - 1);

      if (now - remote->end_us > REMOTE_SETTLE_US ||
          (remote->record_seen && self->tiles != NULL &&
           tafel_tile_cache_is_current (self->tiles, &self->view, scale_factor, &remote->bounds)))
        {
          g_ptr_array_remove_index (self->remote_settling, i - 1);
          dropped = TRUE;
        }
    }

  if (dropped)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->remote_settling->len > 0)
    return G_SOURCE_CONTINUE;
  self->remote_tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
remote_settle (TafelCanvas  *self,
               RemoteStroke *remote)
{
  gint64 *last = g_hash_table_lookup (self->last_object_us, &remote->key);

  remote->end_us = g_get_monotonic_time ();
  remote->record_seen = last != NULL && *last >= remote->begin_us;
  tafel_stroke_get_extents (&remote->stroke, &remote->bounds);
  g_ptr_array_add (self->remote_settling, remote);
  if (self->remote_tick_id == 0)
    self->remote_tick_id = g_timeout_add (REMOTE_TICK_MS, remote_tick, self);
}

static void
update_remote_stroke (TafelCanvas          *self,
                      const TafelPublicKey *key)
{
  TafelPresence *presence = self->people != NULL ? tafel_people_get_presence (self->people) : NULL;
  const TafelRemotePresence *state = presence != NULL ? tafel_presence_lookup (presence, key) : NULL;
  RemoteStroke *remote = g_hash_table_lookup (self->remote_live, key);

  if (state == NULL || !state->drawing || state->stroke_points->len == 0)
    {
      if (remote != NULL)
        {
          g_hash_table_steal (self->remote_live, key);
          remote_settle (self, remote);
        }
      return;
    }

  /* Fewer points, or another first one: they began a new stroke. */
  if (remote != NULL &&
      (state->stroke_points->len < remote->stroke.n_points ||
       memcmp (&g_array_index (state->stroke_points, TafelPoint, 0), remote->stroke.points, sizeof (TafelPoint)) != 0))
    {
      g_hash_table_steal (self->remote_live, key);
      remote_settle (self, remote);
      remote = NULL;
    }

  if (remote == NULL)
    {
      remote = g_new0 (RemoteStroke, 1);
      remote->key = *key;
      remote->begin_us = g_get_monotonic_time ();
      g_hash_table_insert (self->remote_live, &remote->key, remote);
    }

  remote->stroke.tool = state->stroke_tool;
  remote->stroke.rgba = state->stroke_rgba;
  remote->stroke.width = state->stroke_width;
  remote->stroke.points = g_renew (TafelPoint, remote->stroke.points, state->stroke_points->len);
  memcpy (remote->stroke.points, state->stroke_points->data, sizeof (TafelPoint) * state->stroke_points->len);
  remote->stroke.n_points = state->stroke_points->len;
}

static void
on_presence_changed (TafelPeople          *people,
                     const TafelPublicKey *key,
                     guint                 changes,
                     TafelCanvas          *self)
{
  if (changes & TAFEL_PRESENCE_STROKE)
    update_remote_stroke (self, key);
  if (changes & (TAFEL_PRESENCE_STROKE | TAFEL_PRESENCE_CURSOR | TAFEL_PRESENCE_PROFILE))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Records arriving: the stroke someone just lifted is now on the board. */
static void
on_objects_changed (TafelBoardModel *model,
                    GPtrArray       *added,
                    GPtrArray       *removed,
                    GPtrArray       *changed,
                    const TafelRect *dirty,
                    TafelCanvas     *self)
{
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; added != NULL && i < added->len; i++)
    {
      const TafelPublicKey *author = tafel_object_get_author (g_ptr_array_index (added, i));
      gint64 *last = g_hash_table_lookup (self->last_object_us, author);

      if (last == NULL)
        {
          TafelPublicKey *key = g_memdup2 (author, sizeof *author);

          last = g_new (gint64, 1);
          g_hash_table_insert (self->last_object_us, key, last);
        }
      *last = now;

      for (guint j = 0; j < self->remote_settling->len; j++)
        {
          RemoteStroke *remote = g_ptr_array_index (self->remote_settling, j);

          if (tafel_key_equal (&remote->key, author))
            remote->record_seen = TRUE;
        }
    }
}

static void
remote_clear (TafelCanvas *self)
{
  g_hash_table_remove_all (self->remote_live);
  g_ptr_array_set_size (self->remote_settling, 0);
  g_hash_table_remove_all (self->last_object_us);
  g_clear_handle_id (&self->remote_tick_id, g_source_remove);
}

static void
snapshot_remote_stroke (TafelCanvas       *self,
                        GtkSnapshot       *snapshot,
                        const TafelStroke *stroke,
                        double             origin_x,
                        double             origin_y)
{
  double ds = device_scale (self);
  TafelStroke mapped = *stroke;
  TafelRect extents;
  double x0, y0, x1, y1;
  cairo_t *cr;

  mapped.rgba = ink (self, stroke->rgba);
  tafel_stroke_get_extents (&mapped, &extents);
  x0 = floor (extents.x * ds) - 1;
  y0 = floor (extents.y * ds) - 1;
  x1 = ceil ((extents.x + extents.width) * ds) + 1;
  y1 = ceil ((extents.y + extents.height) * ds) + 1;
  if (x1 <= x0 || y1 <= y0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x0 - origin_x, y0 - origin_y, x1 - x0, y1 - y0));
  cairo_translate (cr, -origin_x, -origin_y);
  cairo_scale (cr, ds, ds);
  tafel_render_stroke (cr, &mapped);
  cairo_destroy (cr);
}

static void
snapshot_remote_strokes (TafelCanvas *self,
                         GtkSnapshot *snapshot,
                         double       origin_x,
                         double       origin_y)
{
  GHashTableIter iter;
  gpointer value;

  for (guint i = 0; i < self->remote_settling->len; i++)
    snapshot_remote_stroke (self, snapshot, &((RemoteStroke *) g_ptr_array_index (self->remote_settling, i))->stroke,
                            origin_x, origin_y);

  g_hash_table_iter_init (&iter, self->remote_live);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    snapshot_remote_stroke (self, snapshot, &((RemoteStroke *) value)->stroke, origin_x, origin_y);
}

/* A pointer in the person's colour with their name beside it, as in
 * Excalidraw and Figma: the tip at (0, 0). */
static void
snapshot_remote_cursor (TafelCanvas *self,
                        GtkSnapshot *snapshot,
                        double       wx,
                        double       wy,
                        guint32      rgba,
                        const char  *name)
{
  static const double arrow[][2] = {
    { 0, 0 }, { 0, 16 }, { 4.2, 12.2 }, { 7.2, 19 }, { 10, 17.8 }, { 7, 11.2 }, { 12.5, 11.2 },
  };
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), name);
  double r = (rgba >> 24) / 255.0, g = ((rgba >> 16) & 0xff) / 255.0, b = ((rgba >> 8) & 0xff) / 255.0;
  double luma = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  PangoAttrList *attrs = pango_attr_list_new ();
  int text_w, text_h;
  double label_x = 12, label_y = 18, pad_x = 6, pad_y = 2, w, h;
  cairo_t *cr;

  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_width (layout, 200 * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_get_pixel_size (layout, &text_w, &text_h);
  w = label_x + text_w + 2 * pad_x + 2;
  h = label_y + text_h + 2 * pad_y + 2;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (floor (wx) - 2, floor (wy) - 2, w + 4, h + 4));
  cairo_translate (cr, round (wx) + 0.5, round (wy) + 0.5);

  cairo_move_to (cr, arrow[0][0], arrow[0][1]);
  for (guint i = 1; i < G_N_ELEMENTS (arrow); i++)
    cairo_line_to (cr, arrow[i][0], arrow[i][1]);
  cairo_close_path (cr);
  cairo_set_source_rgb (cr, r, g, b);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 1.2);
  cairo_stroke (cr);

  /* The name on a pill of the colour, in black or white, whichever reads. */
  {
    double x = label_x, y = label_y, pw = text_w + 2 * pad_x, ph = text_h + 2 * pad_y, radius = ph / 2;

    cairo_new_sub_path (cr);
    cairo_arc (cr, x + pw - radius, y + radius, radius, -G_PI / 2, G_PI / 2);
    cairo_arc (cr, x + radius, y + radius, radius, G_PI / 2, 3 * G_PI / 2);
    cairo_close_path (cr);
    cairo_set_source_rgb (cr, r, g, b);
    cairo_fill (cr);

    if (luma > 0.6)
      cairo_set_source_rgb (cr, 0, 0, 0);
    else
      cairo_set_source_rgb (cr, 1, 1, 1);
    cairo_move_to (cr, x + pad_x, y + pad_y);
    pango_cairo_show_layout (cr, layout);
  }

  cairo_destroy (cr);
}

static void
snapshot_remote_cursors (TafelCanvas *self,
                         GtkSnapshot *snapshot,
                         double       width,
                         double       height)
{
  TafelPresence *presence = self->people != NULL ? tafel_people_get_presence (self->people) : NULL;
  g_autoptr(GPtrArray) remotes = NULL;

  if (presence == NULL)
    return;

  remotes = tafel_presence_list (presence);
  for (guint i = 0; i < remotes->len; i++)
    {
      const TafelRemotePresence *remote = g_ptr_array_index (remotes, i);
      g_autofree char *name = NULL;
      double wx, wy;

      if (!remote->has_cursor)
        continue;
      tafel_view_to_widget (&self->view, remote->cursor_x, remote->cursor_y, &wx, &wy);
      if (wx < -20 || wy < -20 || wx > width || wy > height)
        continue;
      name = tafel_people_dup_name (self->people, &remote->key);
      snapshot_remote_cursor (self, snapshot, wx, wy, tafel_people_get_rgba (self->people, &remote->key), name);
    }
}

/* ---- Snapshot ------------------------------------------------------------------------ */

static void
snapshot_grid (TafelCanvas *self,
               GtkSnapshot *snapshot,
               double       width,
               double       height)
{
  GdkRGBA dot;
  double spacing = GRID_SPACING;
  double pixels, x0, y0;

  while (spacing * self->view.scale < GRID_MIN_PIXELS)
    spacing *= 2;
  pixels = spacing * self->view.scale;

  /* The dot grid takes the foreground colour at low alpha, so it stays
   * subtle on both the light and the dark style. */
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &dot);
  dot.alpha = 0.18f;

  /* Each dot is its own small colour node: the renderer batches them and
   * fills only the dots, where a repeat node would cost a pass over every
   * pixel of the window (about 10 ms a frame with a software GL). */
  x0 = (ceil (self->view.x / spacing) * spacing - self->view.x) * self->view.scale;
  y0 = (ceil (self->view.y / spacing) * spacing - self->view.y) * self->view.scale;
  for (double y = y0; y < height; y += pixels)
    for (double x = x0; x < width; x += pixels)
      gtk_snapshot_append_color (snapshot, &dot,
                                 &GRAPHENE_RECT_INIT (round (x) - GRID_DOT_SIZE / 2, round (y) - GRID_DOT_SIZE / 2,
                                                      GRID_DOT_SIZE, GRID_DOT_SIZE));
}

static void
snapshot_eraser (TafelCanvas *self,
                 GtkSnapshot *snapshot)
{
  double x, y, radius, wx, wy;
  GdkRGBA color;
  GskRoundedRect circle;

  if (tafel_canvas_controller_get_eraser (self->controller, &x, &y, &radius))
    {
      tafel_view_to_widget (&self->view, x, y, &wx, &wy);
      radius *= self->view.scale;
    }
  else if (self->pointer_inside && !self->panning &&
           tafel_canvas_controller_get_tool (self->controller) == TAFEL_CANVAS_TOOL_ERASER)
    {
      wx = self->pointer_x;
      wy = self->pointer_y;
      radius = ERASER_HOVER_PX;
    }
  else
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &color);
  color.alpha = 0.6f;
  gsk_rounded_rect_init_from_rect (&circle,
                                   &GRAPHENE_RECT_INIT (wx - radius, wy - radius, 2 * radius, 2 * radius),
                                   radius);
  gtk_snapshot_append_border (snapshot, &circle,
                              (float[4]) { 1, 1, 1, 1 },
                              (GdkRGBA[4]) { color, color, color, color });
}

static void
tafel_canvas_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  TafelCanvas *self = TAFEL_CANVAS (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  int scale_factor = gtk_widget_get_scale_factor (widget);
  double ds = device_scale (self);
  double origin_x = floor (self->view.x * ds), origin_y = floor (self->view.y * ds);
  const TafelStroke *live = NULL;
  gboolean live_highlighter;
  TafelShape shape;

  if (width <= 0 || height <= 0)
    return;

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (self->show_grid)
    snapshot_grid (self, snapshot, width, height);

  if (self->controller == NULL)
    {
      gtk_snapshot_pop (snapshot);
      return;
    }

  live = tafel_canvas_controller_get_live_stroke (self->controller);
  update_chunks (self, live);
  live_highlighter = live != NULL && live->tool == TAFEL_TOOL_HIGHLIGHTER;

  /* A highlighter being drawn lies beneath the ink already there, like the
   * committed ones: blended so it darkens paper, not ink (on dark paper,
   * lightens). */
  if (live_highlighter)
    gtk_snapshot_push_blend (snapshot, self->dark ? GSK_BLEND_MODE_SCREEN : GSK_BLEND_MODE_MULTIPLY);

  tafel_tile_cache_snapshot (self->tiles, snapshot, &self->view, width, height, scale_factor);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_scale (snapshot, 1.0 / scale_factor, 1.0 / scale_factor);
  snapshot_settling (self, snapshot, origin_x, origin_y);
  gtk_snapshot_restore (snapshot);

  if (live_highlighter)
    {
      gtk_snapshot_pop (snapshot);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_scale (snapshot, 1.0 / scale_factor, 1.0 / scale_factor);
      snapshot_live_stroke (self, snapshot, live, origin_x, origin_y);
      gtk_snapshot_restore (snapshot);
      gtk_snapshot_pop (snapshot);
    }

  gtk_snapshot_save (snapshot);
  gtk_snapshot_scale (snapshot, 1.0 / scale_factor, 1.0 / scale_factor);

  snapshot_moving_selection (self, snapshot, origin_x, origin_y);

  /* Others' strokes in progress, beneath your own. */
  snapshot_remote_strokes (self, snapshot, origin_x, origin_y);

  if (live != NULL && !live_highlighter)
    snapshot_live_stroke (self, snapshot, live, origin_x, origin_y);

  if (tafel_canvas_controller_get_live_shape (self->controller, &shape))
    {
      TafelRect extents;
      cairo_t *cr;

      shape.stroke_rgba = ink (self, shape.stroke_rgba);
      shape.fill_rgba = ink (self, shape.fill_rgba);
      tafel_shape_get_extents (&shape, &extents);
      cr = gtk_snapshot_append_cairo (snapshot,
                                      &GRAPHENE_RECT_INIT (floor (extents.x * ds) - 1 - origin_x,
                                                           floor (extents.y * ds) - 1 - origin_y,
                                                           ceil (extents.width * ds) + 3,
                                                           ceil (extents.height * ds) + 3));
      cairo_translate (cr, -origin_x, -origin_y);
      cairo_scale (cr, ds, ds);
      tafel_render_shape (cr, &shape);
      cairo_destroy (cr);
    }

  gtk_snapshot_restore (snapshot);

  snapshot_selection_frame (self, snapshot);
  snapshot_eraser (self, snapshot);
  snapshot_remote_cursors (self, snapshot, width, height);

  gtk_snapshot_pop (snapshot);

  if (self->editor != NULL)
    gtk_widget_snapshot_child (widget, self->editor, snapshot);
}

/* ---- Navigation ------------------------------------------------------------------------ */

static void
pan_by (TafelCanvas *self,
        double       dx,
        double       dy)
{
  if (dx == 0 && dy == 0)
    return;
  tafel_view_pan (&self->view, dx, dy);
  g_signal_emit (self, signals[NAVIGATED], 0);
  view_changed (self, FALSE);
}

static void
zoom_at (TafelCanvas *self,
         double       scale,
         double       wx,
         double       wy)
{
  if (tafel_view_set_scale_at (&self->view, scale, wx, wy))
    {
      g_signal_emit (self, signals[NAVIGATED], 0);
      view_changed (self, TRUE);
    }
}

static void
update_cursor (TafelCanvas *self)
{
  const char *name = "crosshair";

  if (self->panning)
    name = "grabbing";
  else if (self->space_held)
    name = "grab";
  else if (self->controller != NULL)
    switch (tafel_canvas_controller_get_tool (self->controller))
      {
      case TAFEL_CANVAS_TOOL_SELECT:
        name = "default";
        break;
      case TAFEL_CANVAS_TOOL_TEXT:
        name = "text";
        break;
      case TAFEL_CANVAS_TOOL_ERASER:
        /* The eraser's circle is the cursor. */
        name = "none";
        break;
      default:
        break;
      }

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), name);
}

static void
pan_begin (TafelCanvas *self,
           double       x,
           double       y)
{
  self->panning = TRUE;
  self->pan_last_x = x;
  self->pan_last_y = y;
  update_cursor (self);
}

static void
pan_update (TafelCanvas *self,
            double       x,
            double       y)
{
  pan_by (self, x - self->pan_last_x, y - self->pan_last_y);
  self->pan_last_x = x;
  self->pan_last_y = y;
}

static void
pan_end (TafelCanvas *self)
{
  self->panning = FALSE;
  update_cursor (self);
}

static void
on_middle_drag_begin (GtkGestureDrag *gesture,
                      double          x,
                      double          y,
                      TafelCanvas    *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  pan_begin (self, x, y);
}

static void
on_middle_drag_update (GtkGestureDrag *gesture,
                       double          dx,
                       double          dy,
                       TafelCanvas    *self)
{
  double sx, sy;

  gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
  pan_update (self, sx + dx, sy + dy);
}

static void
on_middle_drag_end (GtkGestureDrag *gesture,
                    double          dx,
                    double          dy,
                    TafelCanvas    *self)
{
  pan_end (self);
}

/* ---- Drawing input ------------------------------------------------------------------------ */

static TafelInputModifiers
modifiers_from_state (GdkModifierType state)
{
  TafelInputModifiers modifiers = 0;

  if (state & GDK_SHIFT_MASK)
    modifiers |= TAFEL_INPUT_SHIFT;
  if (state & GDK_CONTROL_MASK)
    modifiers |= TAFEL_INPUT_CONTROL;
  if (state & GDK_ALT_MASK)
    modifiers |= TAFEL_INPUT_ALT;
  return modifiers;
}

static void
send_pointer (TafelCanvas       *self,
              TafelPointerPhase  phase,
              TafelInputDevice   device,
              GdkModifierType    state,
              double             wx,
              double             wy,
              double             pressure,
              guint32            time_ms)
{
  TafelPointerEvent event = {
    .phase = phase,
    .device = device,
    .modifiers = modifiers_from_state (state),
    .pressure = pressure,
    .time_us = (gint64) time_ms * 1000,
  };

  tafel_view_to_board (&self->view, wx, wy, &event.x, &event.y);
  tafel_canvas_controller_pointer (self->controller, &event);
}

static TafelInputDevice
device_kind (GtkGesture *gesture)
{
  GdkDevice *device = gtk_gesture_get_device (gesture);

  if (device != NULL && gdk_device_get_source (device) == GDK_SOURCE_TOUCHSCREEN)
    return TAFEL_INPUT_TOUCH;
  return TAFEL_INPUT_MOUSE;
}

static gboolean
device_is_pen (GtkGesture *gesture)
{
  GdkDevice *device = gtk_gesture_get_device (gesture);

  return device != NULL && gdk_device_get_source (device) == GDK_SOURCE_PEN;
}

static void
on_primary_drag_begin (GtkGestureDrag *gesture,
                       double          x,
                       double          y,
                       TafelCanvas    *self)
{
  GtkEventController *controller = GTK_EVENT_CONTROLLER (gesture);

  gtk_widget_grab_focus (GTK_WIDGET (self));

  /* A click outside the text being typed finishes it, and does no more. */
  if (self->editor != NULL)
    {
      finish_text (self, TRUE);
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  if (self->space_held)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      pan_begin (self, x, y);
      return;
    }

  /* A pen is the stylus gesture's. */
  if (device_is_pen (GTK_GESTURE (gesture)) || self->controller == NULL)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->drawing = TRUE;
  self->drawing_device = device_kind (GTK_GESTURE (gesture));
  send_pointer (self, TAFEL_POINTER_DOWN, self->drawing_device,
                gtk_event_controller_get_current_event_state (controller),
                x, y, -1, gtk_event_controller_get_current_event_time (controller));
}

static void
on_primary_drag_update (GtkGestureDrag *gesture,
                        double          dx,
                        double          dy,
                        TafelCanvas    *self)
{
  GtkEventController *controller = GTK_EVENT_CONTROLLER (gesture);
  GdkEvent *event = gtk_event_controller_get_current_event (controller);
  GdkModifierType state = gtk_event_controller_get_current_event_state (controller);
  double sx, sy, x, y;

  gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
  x = sx + dx;
  y = sy + dy;

  if (self->panning)
    {
      pan_update (self, x, y);
      return;
    }
  if (!self->drawing)
    return;

  /* GTK merges the motions of one frame into one event; the merged ones
   * are its history, in surface coordinates: replay them, so that fast
   * strokes keep their shape. */
  if (event != NULL && gdk_event_get_event_type (event) == GDK_MOTION_NOTIFY)
    {
      g_autofree GdkTimeCoord *history = NULL;
      guint n_history = 0;
      double ex, ey;

      history = gdk_event_get_history (event, &n_history);
      if (n_history > 0 && gdk_event_get_position (event, &ex, &ey))
        for (guint i = 0; i < n_history; i++)
          if ((history[i].flags & GDK_AXIS_FLAG_X) && (history[i].flags & GDK_AXIS_FLAG_Y))
            send_pointer (self, TAFEL_POINTER_MOTION, self->drawing_device, state,
                          history[i].axes[GDK_AXIS_X] - ex + x,
                          history[i].axes[GDK_AXIS_Y] - ey + y,
                          -1, history[i].time);
    }

  send_pointer (self, TAFEL_POINTER_MOTION, self->drawing_device, state, x, y, -1,
                gtk_event_controller_get_current_event_time (controller));
}

static void
on_primary_drag_end (GtkGestureDrag *gesture,
                     double          dx,
                     double          dy,
                     TafelCanvas    *self)
{
  GtkEventController *controller = GTK_EVENT_CONTROLLER (gesture);
  double sx, sy;

  if (self->panning)
    {
      pan_end (self);
      return;
    }
  if (!self->drawing)
    return;

  self->drawing = FALSE;
  gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
  send_pointer (self, TAFEL_POINTER_UP, self->drawing_device,
                gtk_event_controller_get_current_event_state (controller),
                sx + dx, sy + dy, -1, gtk_event_controller_get_current_event_time (controller));
}

static void
on_primary_drag_cancel (GtkGesture       *gesture,
                        GdkEventSequence *sequence,
                        TafelCanvas      *self)
{
  if (self->panning)
    pan_end (self);
  if (!self->drawing)
    return;

  /* A second finger turned the touch into a pinch. */
  self->drawing = FALSE;
  send_pointer (self, TAFEL_POINTER_CANCEL, self->drawing_device, 0, 0, 0, -1, 0);
}

static double
stylus_pressure (GtkGestureStylus *gesture)
{
  double pressure;

  if (gtk_gesture_stylus_get_axis (gesture, GDK_AXIS_PRESSURE, &pressure))
    return pressure;
  return -1;
}

static TafelInputDevice
stylus_device (GtkGestureStylus *gesture)
{
  GdkDeviceTool *tool = gtk_gesture_stylus_get_device_tool (gesture);

  if (tool != NULL && gdk_device_tool_get_tool_type (tool) == GDK_DEVICE_TOOL_TYPE_ERASER)
    return TAFEL_INPUT_ERASER;
  return TAFEL_INPUT_PEN;
}

static void
on_stylus_down (GtkGestureStylus *gesture,
                double            x,
                double            y,
                TafelCanvas      *self)
{
  GtkEventController *controller = GTK_EVENT_CONTROLLER (gesture);

  if (self->controller == NULL || self->space_held)
    return;

  /* A tap outside the text being typed finishes it, and does no more. */
  if (self->editor != NULL)
    {
      finish_text (self, TRUE);
      return;
    }

  gtk_widget_grab_focus (GTK_WIDGET (self));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->stylus_down = TRUE;
  send_pointer (self, TAFEL_POINTER_DOWN, stylus_device (gesture),
                gtk_event_controller_get_current_event_state (controller),
                x, y, stylus_pressure (gesture),
                gtk_event_controller_get_current_event_time (controller));
}

static void
on_stylus_motion (GtkGestureStylus *gesture,
                  double            x,
                  double            y,
                  TafelCanvas      *self)
{
  GtkEventController *controller = GTK_EVENT_CONTROLLER (gesture);
  GdkModifierType state = gtk_event_controller_get_current_event_state (controller);
  TafelInputDevice device = stylus_device (gesture);
  g_autofree GdkTimeCoord *backlog = NULL;
  guint n_backlog = 0;

  if (!self->stylus_down)
    {
      /* Hovering: the eraser circle follows. */
      self->pointer_inside = TRUE;
      self->pointer_x = x;
      self->pointer_y = y;
      emit_pointer_moved (self);
      return;
    }

  /* The samples the pen sent since the last motion, oldest first. */
  if (gtk_gesture_stylus_get_backlog (gesture, &backlog, &n_backlog))
    for (guint i = 0; i < n_backlog; i++)
      {
        double pressure = (backlog[i].flags & GDK_AXIS_FLAG_PRESSURE) ? backlog[i].axes[GDK_AXIS_PRESSURE] : -1;

        if ((backlog[i].flags & GDK_AXIS_FLAG_X) && (backlog[i].flags & GDK_AXIS_FLAG_Y))
          send_pointer (self, TAFEL_POINTER_MOTION, device, state,
                        backlog[i].axes[GDK_AXIS_X], backlog[i].axes[GDK_AXIS_Y],
                        pressure, backlog[i].time);
      }

  send_pointer (self, TAFEL_POINTER_MOTION, device, state, x, y, stylus_pressure (gesture),
                gtk_event_controller_get_current_event_time (controller));
}

static void
on_stylus_up (GtkGestureStylus *gesture,
              double            x,
              double            y,
              TafelCanvas      *self)
{
  GtkEventController *controller = GTK_EVENT_CONTROLLER (gesture);

  if (!self->stylus_down)
    return;

  self->stylus_down = FALSE;
  send_pointer (self, TAFEL_POINTER_UP, stylus_device (gesture),
                gtk_event_controller_get_current_event_state (controller),
                x, y, stylus_pressure (gesture),
                gtk_event_controller_get_current_event_time (controller));
}

static void
on_pinch_begin (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                TafelCanvas      *self)
{
  self->pinch_scale_begin = self->view.scale;
  gtk_gesture_get_bounding_box_center (gesture, &self->pinch_last_cx, &self->pinch_last_cy);
}

static void
on_pinch_scale_changed (GtkGestureZoom *gesture,
                        double          scale,
                        TafelCanvas    *self)
{
  double cx, cy;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &cx, &cy))
    return;

  /* Two fingers both zoom (around their centre) and pan (as the centre moves). */
  pan_by (self, cx - self->pinch_last_cx, cy - self->pinch_last_cy);
  self->pinch_last_cx = cx;
  self->pinch_last_cy = cy;
  zoom_at (self, self->pinch_scale_begin * scale, cx, cy);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           TafelCanvas              *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  GdkScrollUnit unit = gtk_event_controller_scroll_get_unit (controller);
  double wx = self->pointer_x, wy = self->pointer_y;

  if (!self->pointer_inside)
    {
      wx = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      wy = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }

  if (state & GDK_CONTROL_MASK)
    {
      /* A wheel notch is one step; touchpads report pixels, which zoom
       * smoothly at about one step per 20 px. */
      double notches = unit == GDK_SCROLL_UNIT_WHEEL ? dy : dy / 20.0;
      zoom_at (self, self->view.scale * pow (WHEEL_ZOOM, -notches), wx, wy);
      return GDK_EVENT_STOP;
    }

  if (unit == GDK_SCROLL_UNIT_WHEEL)
    {
      dx *= WHEEL_STEP;
      dy *= WHEEL_STEP;
      /* Shift turns a plain wheel sideways. */
      if ((state & GDK_SHIFT_MASK) && dx == 0)
        {
          dx = dy;
          dy = 0;
        }
    }

  pan_by (self, -dx, -dy);
  return GDK_EVENT_STOP;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           TafelCanvas              *self)
{
  self->pointer_inside = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
  emit_pointer_moved (self);

  if (self->controller != NULL &&
      tafel_canvas_controller_get_tool (self->controller) == TAFEL_CANVAS_TOOL_ERASER)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *controller,
          TafelCanvas              *self)
{
  self->pointer_inside = FALSE;
  emit_pointer_moved (self);
  if (self->controller != NULL &&
      tafel_canvas_controller_get_tool (self->controller) == TAFEL_CANVAS_TOOL_ERASER)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_key_pressed (GtkEventControllerKey *key,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                TafelCanvas           *self)
{
  GdkModifierType mods = state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK | GDK_ALT_MASK);
  int dx = 0, dy = 0;

  if (keyval == GDK_KEY_space && mods == 0)
    {
      if (!self->space_held)
        {
          self->space_held = TRUE;
          update_cursor (self);
        }
      return GDK_EVENT_STOP;
    }

  if (self->controller == NULL)
    return GDK_EVENT_PROPAGATE;

  if (keyval == GDK_KEY_Shift_L || keyval == GDK_KEY_Shift_R)
    tafel_canvas_controller_set_modifiers (self->controller, modifiers_from_state (state | GDK_SHIFT_MASK));

  if (keyval == GDK_KEY_Escape && mods == 0)
    return tafel_canvas_controller_cancel (self->controller) ? GDK_EVENT_STOP : GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      dx = -1;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      dx = 1;
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      dy = -1;
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      dy = 1;
      break;
    default:
      return GDK_EVENT_PROPAGATE;
    }

  if ((mods & ~GDK_SHIFT_MASK) != 0 || !tafel_canvas_controller_has_selection (self->controller))
    return GDK_EVENT_PROPAGATE;

  {
    g_autoptr(GError) error = NULL;
    /* Shift takes ten steps at once. */
    int step = (mods & GDK_SHIFT_MASK) ? 10 : 1;

    if (!tafel_canvas_controller_nudge_selection (self->controller, dx * step, dy * step, &error))
      g_signal_emit (self, signals[TEXT_ERROR], 0, error);
  }
  return GDK_EVENT_STOP;
}

static void
on_key_released (GtkEventControllerKey *key,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 TafelCanvas           *self)
{
  if (keyval == GDK_KEY_space && self->space_held)
    {
      self->space_held = FALSE;
      update_cursor (self);
    }

  if (self->controller != NULL && (keyval == GDK_KEY_Shift_L || keyval == GDK_KEY_Shift_R))
    tafel_canvas_controller_set_modifiers (self->controller, modifiers_from_state (state & ~GDK_SHIFT_MASK));
}

static void
on_focus_leave (GtkEventControllerFocus *controller,
                TafelCanvas             *self)
{
  /* A release we will never see must not leave the canvas in pan mode. */
  if (self->space_held)
    {
      self->space_held = FALSE;
      update_cursor (self);
    }
}

static void
on_dark_changed (AdwStyleManager *manager,
                 GParamSpec      *pspec,
                 TafelCanvas     *self)
{
  self->dark = adw_style_manager_get_dark (manager);
  if (self->tiles != NULL)
    tafel_tile_cache_set_dark (self->tiles, self->dark);
  chunks_reset (self);
  g_array_set_size (self->settling, 0);
  patch_clear (&self->selection_patch);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DARK]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- Text typed in place ------------------------------------------------------------- */

static void
update_editor_style (TafelCanvas *self)
{
  g_autofree char *css = NULL;
  g_autofree char *color = NULL;
  char size[G_ASCII_DTOSTR_BUF_SIZE];
  double text_size = 24;
  g_autofree char *pen = NULL;
  guint32 rgba = 0x000000ff;

  g_object_get (self->controller, "text-size", &text_size, "pen-color", &pen, NULL);
  tafel_color_parse (pen, &rgba);
  color = tafel_color_to_string (ink (self, rgba));
  g_ascii_formatd (size, sizeof size, "%.2f", text_size * self->view.scale);

  css = g_strdup_printf ("textview.tafel-text-editor, textview.tafel-text-editor text {"
                         " font-family: \"" TAFEL_TEXT_FONT_FAMILY "\"; font-size: %spx;"
                         " color: %s; background: transparent; }",
                         size, color);
  gtk_css_provider_load_from_data (self->editor_css, css, -1);
}

static void
finish_text (TafelCanvas *self,
             gboolean     commit)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GtkWidget *editor = self->editor;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  if (editor == NULL)
    return;

  /* Unset first: removing the widget moves the focus, which calls back. */
  self->editor = NULL;

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  gtk_widget_unparent (editor);
  gtk_widget_grab_focus (GTK_WIDGET (self));

  if (commit && !tafel_canvas_controller_commit_text (self->controller, self->editor_x, self->editor_y,
                                                      text, &error))
    g_signal_emit (self, signals[TEXT_ERROR], 0, error);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_editor_key_pressed (GtkEventControllerKey *key,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       TafelCanvas           *self)
{
  GdkModifierType mods = state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK | GDK_ALT_MASK);

  /* Enter stores the text, Shift+Enter starts a new line, Escape drops it. */
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter) && mods == 0)
    {
      finish_text (self, TRUE);
      return GDK_EVENT_STOP;
    }
  if (keyval == GDK_KEY_Escape)
    {
      finish_text (self, FALSE);
      return GDK_EVENT_STOP;
    }

  return GDK_EVENT_PROPAGATE;
}

static void
on_editor_focus_leave (GtkEventControllerFocus *focus,
                       TafelCanvas             *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  /* Clicking elsewhere keeps what was typed, as in Excalidraw; switching
   * to another window and back goes on typing. */
  if (GTK_IS_WINDOW (root) && !gtk_window_is_active (GTK_WINDOW (root)))
    return;
  finish_text (self, TRUE);
}

static void
on_text_edit_requested (TafelCanvasController *controller,
                        double                 x,
                        double                 y,
                        TafelCanvas           *self)
{
  GtkEventController *key, *focus;
  GtkWidget *editor;

  finish_text (self, TRUE);

  editor = gtk_text_view_new ();
  gtk_widget_add_css_class (editor, "tafel-text-editor");
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (editor), GTK_WRAP_NONE);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (editor), FALSE);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (editor), 0);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (editor), 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (editor),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Text on the board"),
                                  -1);
  gtk_style_context_add_provider (gtk_widget_get_style_context (editor),
                                  GTK_STYLE_PROVIDER (self->editor_css),
                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  key = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_editor_key_pressed), self);
  gtk_widget_add_controller (editor, key);

  focus = gtk_event_controller_focus_new ();
  g_signal_connect (focus, "leave", G_CALLBACK (on_editor_focus_leave), self);
  gtk_widget_add_controller (editor, focus);

  self->editor = editor;
  self->editor_x = x;
  self->editor_y = y;
  update_editor_style (self);
  gtk_widget_set_parent (editor, GTK_WIDGET (self));
  gtk_widget_grab_focus (editor);
}

/* ---- Controller ------------------------------------------------------------------------ */

static void
on_controller_changed (TafelCanvasController *controller,
                       TafelCanvas           *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_hidden_changed (TafelCanvasController *controller,
                   const TafelRect       *dirty,
                   TafelCanvas           *self)
{
  tafel_tile_cache_invalidate (self->tiles, dirty);
  patch_clear (&self->selection_patch);
}

static void
on_tool_changed (TafelCanvas *self)
{
  finish_text (self, TRUE);
  update_cursor (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_tiles_updated (TafelTileCache *tiles,
                  TafelCanvas    *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
filter_hidden (const TafelObject *object,
               gpointer           user_data)
{
  return tafel_canvas_controller_is_hidden (user_data, object);
}

static void
disconnect_controller (TafelCanvas *self)
{
  finish_text (self, FALSE);

  if (self->controller != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->controller, self);
      g_signal_handlers_disconnect_by_data (tafel_canvas_controller_get_model (self->controller), self);
    }
  if (self->tiles != NULL)
    g_signal_handlers_disconnect_by_data (self->tiles, self);
  remote_clear (self);

  g_clear_object (&self->tiles);
  g_clear_object (&self->controller);
  chunks_reset (self);
  g_array_set_size (self->settling, 0);
  patch_clear (&self->selection_patch);
}

void
tafel_canvas_set_controller (TafelCanvas           *self,
                             TafelCanvasController *controller)
{
  g_return_if_fail (TAFEL_IS_CANVAS (self));
  g_return_if_fail (controller == NULL || TAFEL_IS_CANVAS_CONTROLLER (controller));

  if (self->controller == controller)
    return;

  disconnect_controller (self);

  if (controller != NULL)
    {
      self->controller = g_object_ref (controller);
      self->tiles = tafel_tile_cache_new (tafel_canvas_controller_get_model (controller));
      tafel_tile_cache_set_dark (self->tiles, self->dark);
      tafel_tile_cache_set_filter (self->tiles, filter_hidden, controller);
      tafel_canvas_controller_set_scale (controller, self->view.scale);

      g_signal_connect (self->tiles, "updated", G_CALLBACK (on_tiles_updated), self);
      g_signal_connect (controller, "changed", G_CALLBACK (on_controller_changed), self);
      g_signal_connect (controller, "committed", G_CALLBACK (on_committed), self);
      g_signal_connect (controller, "hidden-changed", G_CALLBACK (on_hidden_changed), self);
      g_signal_connect (controller, "text-edit-requested", G_CALLBACK (on_text_edit_requested), self);
      g_signal_connect_swapped (controller, "notify::tool", G_CALLBACK (on_tool_changed), self);
      g_signal_connect_swapped (controller, "notify::text-size", G_CALLBACK (update_editor_style), self);
      g_signal_connect_swapped (controller, "notify::pen-color", G_CALLBACK (update_editor_style), self);
      g_signal_connect (tafel_canvas_controller_get_model (controller), "objects-changed",
                        G_CALLBACK (on_objects_changed), self);
    }

  update_cursor (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tafel_canvas_set_people (TafelCanvas *self,
                         TafelPeople *people)
{
  g_return_if_fail (TAFEL_IS_CANVAS (self));
  g_return_if_fail (people == NULL || TAFEL_IS_PEOPLE (people));

  if (self->people == people)
    return;

  if (self->people != NULL)
    g_signal_handlers_disconnect_by_data (self->people, self);
  g_hash_table_remove_all (self->remote_live);
  g_ptr_array_set_size (self->remote_settling, 0);
  g_set_object (&self->people, people);
  if (people != NULL)
    g_signal_connect (people, "presence-changed", G_CALLBACK (on_presence_changed), self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

TafelCanvasController *
tafel_canvas_get_controller (TafelCanvas *self)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS (self), NULL);

  return self->controller;
}

TafelTileCache *
tafel_canvas_get_tile_cache (TafelCanvas *self)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS (self), NULL);

  return self->tiles;
}

void
tafel_canvas_finish_text (TafelCanvas *self)
{
  g_return_if_fail (TAFEL_IS_CANVAS (self));

  finish_text (self, TRUE);
}

/* ---- Public API ------------------------------------------------------------------------ */

GtkWidget *
tafel_canvas_new (void)
{
  return g_object_new (TAFEL_TYPE_CANVAS, NULL);
}

const TafelView *
tafel_canvas_get_view (TafelCanvas *self)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS (self), NULL);

  return &self->view;
}

void
tafel_canvas_set_view (TafelCanvas     *self,
                       const TafelView *view)
{
  gboolean scale_changed;

  g_return_if_fail (TAFEL_IS_CANVAS (self));
  g_return_if_fail (view != NULL);

  scale_changed = view->scale != self->view.scale;
  self->view = *view;
  self->view.scale = CLAMP (self->view.scale, TAFEL_VIEW_MIN_SCALE, TAFEL_VIEW_MAX_SCALE);
  view_changed (self, scale_changed);
}

double
tafel_canvas_get_scale (TafelCanvas *self)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS (self), 1.0);

  return self->view.scale;
}

void
tafel_canvas_get_visible (TafelCanvas *self,
                          TafelRect   *visible)
{
  g_return_if_fail (TAFEL_IS_CANVAS (self));

  tafel_view_get_visible (&self->view,
                          gtk_widget_get_width (GTK_WIDGET (self)),
                          gtk_widget_get_height (GTK_WIDGET (self)),
                          visible);
}

static void
zoom_center (TafelCanvas *self,
             double      *wx,
             double      *wy)
{
  if (self->pointer_inside)
    {
      *wx = self->pointer_x;
      *wy = self->pointer_y;
    }
  else
    {
      *wx = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      *wy = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }
}

void
tafel_canvas_zoom_step (TafelCanvas *self,
                        int          direction)
{
  double wx, wy;

  g_return_if_fail (TAFEL_IS_CANVAS (self));

  zoom_center (self, &wx, &wy);
  zoom_at (self, tafel_view_step_scale (self->view.scale, direction), wx, wy);
}

void
tafel_canvas_set_scale (TafelCanvas *self,
                        double       scale)
{
  g_return_if_fail (TAFEL_IS_CANVAS (self));

  zoom_at (self, scale,
           gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
           gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

void
tafel_canvas_zoom_to_rect (TafelCanvas     *self,
                           const TafelRect *bounds)
{
  TafelView view = self->view;

  g_return_if_fail (TAFEL_IS_CANVAS (self));

  tafel_view_fit (&view, bounds,
                  gtk_widget_get_width (GTK_WIDGET (self)),
                  gtk_widget_get_height (GTK_WIDGET (self)),
                  48);
  g_signal_emit (self, signals[NAVIGATED], 0);
  tafel_canvas_set_view (self, &view);
}

void
tafel_canvas_fit_when_sized (TafelCanvas *self)
{
  g_return_if_fail (TAFEL_IS_CANVAS (self));

  if (gtk_widget_get_width (GTK_WIDGET (self)) > 0)
    tafel_canvas_zoom_to_fit (self);
  else
    self->fit_pending = TRUE;
}

gboolean
tafel_canvas_zoom_to_fit (TafelCanvas *self)
{
  TafelRect bounds;

  g_return_val_if_fail (TAFEL_IS_CANVAS (self), FALSE);

  if (self->controller == NULL ||
      !tafel_board_model_get_bounds (tafel_canvas_controller_get_model (self->controller), &bounds))
    return FALSE;

  tafel_canvas_zoom_to_rect (self, &bounds);
  return TRUE;
}

gboolean
tafel_canvas_get_show_grid (TafelCanvas *self)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS (self), FALSE);

  return self->show_grid;
}

void
tafel_canvas_set_show_grid (TafelCanvas *self,
                            gboolean     show_grid)
{
  g_return_if_fail (TAFEL_IS_CANVAS (self));

  show_grid = !!show_grid;
  if (self->show_grid == show_grid)
    return;

  self->show_grid = show_grid;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_GRID]);
}

gboolean
tafel_canvas_get_dark (TafelCanvas *self)
{
  g_return_val_if_fail (TAFEL_IS_CANVAS (self), FALSE);

  return self->dark;
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
tafel_canvas_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  TafelCanvas *self = TAFEL_CANVAS (widget);
  int min_w, nat_w, min_h, nat_h;
  double wx, wy;

  if (self->fit_pending && width > 0 && height > 0)
    {
      self->fit_pending = FALSE;
      tafel_canvas_zoom_to_fit (self);
    }

  /* A new size shows another part of the board. */
  if (width != self->last_width || height != self->last_height)
    {
      self->last_width = width;
      self->last_height = height;
      g_signal_emit (self, signals[VIEW_CHANGED], 0);
    }

  if (self->editor == NULL)
    return;

  gtk_widget_measure (self->editor, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat_w, NULL, NULL);
  gtk_widget_measure (self->editor, GTK_ORIENTATION_VERTICAL, -1, &min_h, &nat_h, NULL, NULL);
  tafel_view_to_widget (&self->view, self->editor_x, self->editor_y, &wx, &wy);
  gtk_widget_size_allocate (self->editor,
                            &(GtkAllocation) { (int) round (wx), (int) round (wy),
                                               MAX (nat_w + 24, 48), MAX (nat_h, min_h) },
                            -1);
}

static void
tafel_canvas_dispose (GObject *object)
{
  TafelCanvas *self = TAFEL_CANVAS (object);

  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);
  tafel_canvas_set_people (self, NULL);
  disconnect_controller (self);

  G_OBJECT_CLASS (tafel_canvas_parent_class)->dispose (object);
}

static void
tafel_canvas_finalize (GObject *object)
{
  TafelCanvas *self = TAFEL_CANVAS (object);

  g_clear_pointer (&self->chunks, g_array_unref);
  g_clear_pointer (&self->settling, g_array_unref);
  g_clear_pointer (&self->remote_live, g_hash_table_unref);
  g_clear_pointer (&self->remote_settling, g_ptr_array_unref);
  g_clear_pointer (&self->last_object_us, g_hash_table_unref);
  g_clear_object (&self->editor_css);

  G_OBJECT_CLASS (tafel_canvas_parent_class)->finalize (object);
}

static void
tafel_canvas_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TafelCanvas *self = TAFEL_CANVAS (object);

  switch (prop_id)
    {
    case PROP_SCALE:
      g_value_set_double (value, self->view.scale);
      break;
    case PROP_SHOW_GRID:
      g_value_set_boolean (value, self->show_grid);
      break;
    case PROP_DARK:
      g_value_set_boolean (value, self->dark);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tafel_canvas_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  TafelCanvas *self = TAFEL_CANVAS (object);

  switch (prop_id)
    {
    case PROP_SCALE:
      tafel_canvas_set_scale (self, g_value_get_double (value));
      break;
    case PROP_SHOW_GRID:
      tafel_canvas_set_show_grid (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tafel_canvas_class_init (TafelCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tafel_canvas_dispose;
  object_class->finalize = tafel_canvas_finalize;
  object_class->get_property = tafel_canvas_get_property;
  object_class->set_property = tafel_canvas_set_property;

  widget_class->snapshot = tafel_canvas_snapshot;
  widget_class->size_allocate = tafel_canvas_size_allocate;

  properties[PROP_SCALE] =
    g_param_spec_double ("scale", NULL, NULL,
                         TAFEL_VIEW_MIN_SCALE, TAFEL_VIEW_MAX_SCALE, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_GRID] =
    g_param_spec_boolean ("show-grid", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DARK] =
    g_param_spec_boolean ("dark", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[TEXT_ERROR] =
    g_signal_new ("text-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[VIEW_CHANGED] =
    g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[NAVIGATED] =
    g_signal_new ("navigated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[POINTER_MOVED] =
    g_signal_new ("pointer-moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_BOOLEAN);

  gtk_widget_class_set_css_name (widget_class, "canvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tafel_canvas_init (TafelCanvas *self)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  GtkEventController *controller;

  self->view = TAFEL_VIEW_INIT;
  self->show_grid = TRUE;
  self->dark = adw_style_manager_get_dark (style_manager);
  self->chunks = g_array_new (FALSE, TRUE, sizeof (Patch));
  g_array_set_clear_func (self->chunks, (GDestroyNotify) patch_clear);
  self->settling = g_array_new (FALSE, TRUE, sizeof (Settling));
  g_array_set_clear_func (self->settling, (GDestroyNotify) settling_clear);
  self->remote_live = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, NULL, (GDestroyNotify) remote_stroke_free);
  self->remote_settling = g_ptr_array_new_with_free_func ((GDestroyNotify) remote_stroke_free);
  self->last_object_us = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, g_free, g_free);
  self->editor_css = gtk_css_provider_new ();
  g_signal_connect (style_manager, "notify::dark", G_CALLBACK (on_dark_changed), self);

  gtk_widget_add_css_class (GTK_WIDGET (self), "tafel-canvas");
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Board"),
                                  -1);

  self->stylus = gtk_gesture_stylus_new ();
  g_signal_connect (self->stylus, "down", G_CALLBACK (on_stylus_down), self);
  g_signal_connect (self->stylus, "motion", G_CALLBACK (on_stylus_motion), self);
  g_signal_connect (self->stylus, "up", G_CALLBACK (on_stylus_up), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->stylus));

  self->drag_primary = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->drag_primary), GDK_BUTTON_PRIMARY);
  g_signal_connect (self->drag_primary, "drag-begin", G_CALLBACK (on_primary_drag_begin), self);
  g_signal_connect (self->drag_primary, "drag-update", G_CALLBACK (on_primary_drag_update), self);
  g_signal_connect (self->drag_primary, "drag-end", G_CALLBACK (on_primary_drag_end), self);
  g_signal_connect (self->drag_primary, "cancel", G_CALLBACK (on_primary_drag_cancel), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->drag_primary));

  self->drag_middle = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->drag_middle), GDK_BUTTON_MIDDLE);
  g_signal_connect (self->drag_middle, "drag-begin", G_CALLBACK (on_middle_drag_begin), self);
  g_signal_connect (self->drag_middle, "drag-update", G_CALLBACK (on_middle_drag_update), self);
  g_signal_connect (self->drag_middle, "drag-end", G_CALLBACK (on_middle_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->drag_middle));

  self->pinch = gtk_gesture_zoom_new ();
  g_signal_connect (self->pinch, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (self->pinch, "scale-changed", G_CALLBACK (on_pinch_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->pinch));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  g_signal_connect (controller, "key-released", G_CALLBACK (on_key_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  update_cursor (self);
}
