/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tafel-canvas-private.h"
#include "tafel-color.h"

/* Grid dots are GRID_SPACING board units apart; when zoomed out far enough
 * that they would crowd closer than GRID_MIN_PIXELS, every other one goes. */
#define GRID_SPACING     24.0
#define GRID_MIN_PIXELS  12.0
#define GRID_DOT_SIZE     2.0
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

/* A just-committed object, drawn by the canvas until the tiles have it, so
 * it never blinks out between pen-up and the tile arriving. */
typedef struct
{
  Patch     patch;
  double    ds;
  TafelRect bounds;
} Settling;

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
  FAILED,
  VIEW_CHANGED,
  NAVIGATED,
  POINTER_MOVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

double
tafel_canvas_device_scale (TafelCanvas *self)
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
void
tafel_canvas_emit_pointer_moved (TafelCanvas *self)
{
  double bx, by;

  tafel_view_to_board (&self->view, self->pointer_x, self->pointer_y, &bx, &by);
  g_signal_emit (self, signals[POINTER_MOVED], 0, bx, by, self->pointer_inside);
}

void
tafel_canvas_emit_error (TafelCanvas  *self,
                         const GError *error)
{
  g_signal_emit (self, signals[TEXT_ERROR], 0, error);
}

void
tafel_canvas_emit_failed (TafelCanvas  *self,
                          const char   *what,
                          const GError *error)
{
  g_signal_emit (self, signals[FAILED], 0, what, error);
}

static void
view_changed (TafelCanvas *self,
              gboolean     scale_changed)
{
  if (self->controller != NULL)
    tafel_canvas_controller_set_scale (self->controller, self->view.scale);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  tafel_canvas_text_update_style (self);
  if (scale_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
  g_signal_emit (self, signals[VIEW_CHANGED], 0);
}

guint32
tafel_canvas_ink (TafelCanvas *self,
                  guint32      rgba)
{
  return self->dark ? tafel_color_for_dark_paper (rgba) : rgba;
}

/* ---- Patches: pieces of ink rendered into textures ----------------------- */

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

/* ---- The live stroke ----------------------------------------------------- */

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
  piece->rgba = tafel_canvas_ink (self, live->rgba) | 0xff;
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
  double ds = tafel_canvas_device_scale (self);

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
  double ds = tafel_canvas_device_scale (self);
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

/* ---- Settling objects ---------------------------------------------------- */

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
      self->selection_ds == tafel_canvas_device_scale (self))
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
  settling.ds = tafel_canvas_device_scale (self);
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
  double ds = tafel_canvas_device_scale (self);
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

/* ---- The selection ------------------------------------------------------- */

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
  double ds = tafel_canvas_device_scale (self);
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

/* ---- Snapshot ------------------------------------------------------------ */

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
  double ds = tafel_canvas_device_scale (self);
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
  tafel_canvas_snapshot_remote_strokes (self, snapshot, origin_x, origin_y);

  if (live != NULL && !live_highlighter)
    snapshot_live_stroke (self, snapshot, live, origin_x, origin_y);

  if (tafel_canvas_controller_get_live_shape (self->controller, &shape))
    {
      TafelRect extents;
      cairo_t *cr;

      shape.stroke_rgba = tafel_canvas_ink (self, shape.stroke_rgba);
      shape.fill_rgba = tafel_canvas_ink (self, shape.fill_rgba);
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
  tafel_canvas_snapshot_remote_cursors (self, snapshot, width, height);

  gtk_snapshot_pop (snapshot);

  gtk_widget_snapshot_child (widget, self->hint, snapshot);
  if (self->editor != NULL)
    gtk_widget_snapshot_child (widget, self->editor, snapshot);
}

/* ---- Style --------------------------------------------------------------- */

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

/* ---- The empty board ----------------------------------------------------- */

/* A new board says where to start; the hint goes as soon as anything is
 * being drawn or typed, and for good once the board shows anything. */
void
tafel_canvas_update_hint (TafelCanvas *self)
{
  gboolean empty = self->controller != NULL &&
                   tafel_board_model_get_n_visible (tafel_canvas_controller_get_model (self->controller)) == 0 &&
                   !tafel_canvas_controller_is_busy (self->controller) &&
                   self->editor == NULL;

  gtk_widget_set_visible (self->hint, empty);
}

/* ---- Controller ---------------------------------------------------------- */

static void
on_controller_changed (TafelCanvasController *controller,
                       TafelCanvas           *self)
{
  tafel_canvas_update_hint (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_hidden_changed (TafelCanvasController *controller,
                   const TafelRect       *dirty,
                   TafelCanvas           *self)
{
  tafel_tile_cache_invalidate (self->tiles, dirty);
  patch_clear (&self->selection_patch);

  /* A picture of something just drawn may show an object that is hidden
   * now (a text opened to be changed, a stroke being erased): the tiles
   * draw that place from here on. */
  for (guint i = self->settling->len; i > 0; i--)
    {
      const TafelRect *b = &g_array_index (self->settling, Settling, i - 1).bounds;

      if (b->x < dirty->x + dirty->width && dirty->x < b->x + b->width &&
          b->y < dirty->y + dirty->height && dirty->y < b->y + b->height)
        g_array_remove_index (self->settling, i - 1);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_tool_changed (TafelCanvas *self)
{
  tafel_canvas_text_finish (self, TRUE);
  tafel_canvas_update_cursor (self);
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
  tafel_canvas_text_finish (self, FALSE);

  if (self->controller != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->controller, self);
      g_signal_handlers_disconnect_by_data (tafel_canvas_controller_get_model (self->controller), self);
    }
  if (self->tiles != NULL)
    g_signal_handlers_disconnect_by_data (self->tiles, self);
  tafel_canvas_remote_clear (self);

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
      g_signal_connect_swapped (controller, "notify::tool", G_CALLBACK (on_tool_changed), self);
      g_signal_connect_swapped (controller, "notify::has-selection",
                                G_CALLBACK (tafel_canvas_clipboard_update_actions), self);
      tafel_canvas_text_connect (self, controller);
      g_signal_connect_swapped (tafel_canvas_controller_get_model (controller), "objects-changed",
                                G_CALLBACK (tafel_canvas_update_hint), self);
      tafel_canvas_remote_watch_model (self, tafel_canvas_controller_get_model (controller));
    }

  tafel_canvas_update_hint (self);
  tafel_canvas_clipboard_update_actions (self);
  tafel_canvas_update_cursor (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
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

  tafel_canvas_text_finish (self, TRUE);
}

/* ---- The view ------------------------------------------------------------ */

void
tafel_canvas_pan_by (TafelCanvas *self,
                     double       dx,
                     double       dy)
{
  if (dx == 0 && dy == 0)
    return;
  tafel_view_pan (&self->view, dx, dy);
  g_signal_emit (self, signals[NAVIGATED], 0);
  view_changed (self, FALSE);
}

void
tafel_canvas_zoom_at (TafelCanvas *self,
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

/* ---- Public API ---------------------------------------------------------- */

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
  tafel_canvas_zoom_at (self, tafel_view_step_scale (self->view.scale, direction), wx, wy);
}

void
tafel_canvas_set_scale (TafelCanvas *self,
                        double       scale)
{
  g_return_if_fail (TAFEL_IS_CANVAS (self));

  tafel_canvas_zoom_at (self, scale,
           gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
           gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

/* The part of the canvas that the widgets floating over it (its siblings
 * in a GtkOverlay: the tool bar, the zoom buttons) leave in sight. */
void
tafel_canvas_get_clear_area (TafelCanvas *self,
                             TafelRect   *area)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkWidget *parent = gtk_widget_get_parent (widget);
  g_autoptr(GArray) obstacles = g_array_new (FALSE, FALSE, sizeof (TafelRect));

  if (GTK_IS_OVERLAY (parent))
    for (GtkWidget *child = gtk_widget_get_first_child (parent); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      {
        graphene_rect_t b;

        /* A hidden revealer may keep its size (a crossfading one does). */
        if (child == widget || !gtk_widget_get_mapped (child) ||
            (GTK_IS_REVEALER (child) && !gtk_revealer_get_child_revealed (GTK_REVEALER (child))) ||
            !gtk_widget_compute_bounds (child, widget, &b))
          continue;
        g_array_append_val (obstacles, ((TafelRect) { b.origin.x, b.origin.y, b.size.width, b.size.height }));
      }

  tafel_view_clear_area (gtk_widget_get_width (widget), gtk_widget_get_height (widget),
                         (const TafelRect *) (gpointer) obstacles->data, obstacles->len, area);
}

void
tafel_canvas_zoom_to_rect (TafelCanvas     *self,
                           const TafelRect *bounds)
{
  TafelView view = self->view;
  TafelRect area;

  g_return_if_fail (TAFEL_IS_CANVAS (self));

  /* Nothing of the board hides under the tool bar or the zoom buttons. */
  tafel_canvas_get_clear_area (self, &area);
  tafel_view_fit_into (&view, bounds, &area, 24);
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

/* ---- GObject ------------------------------------------------------------- */

static gboolean
fit_when_placed (gpointer data)
{
  TafelCanvas *self = data;

  self->fit_id = 0;
  self->fit_pending = FALSE;
  tafel_canvas_zoom_to_fit (self);
  return G_SOURCE_REMOVE;
}

static void
tafel_canvas_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  TafelCanvas *self = TAFEL_CANVAS (widget);

  /* What floats over the canvas is placed after it: fit once all of it
   * has its place. */
  if (self->fit_pending && width > 0 && height > 0 && self->fit_id == 0)
    self->fit_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, fit_when_placed, self, NULL);

  /* A new size shows another part of the board. */
  if (width != self->last_width || height != self->last_height)
    {
      self->last_width = width;
      self->last_height = height;
      g_signal_emit (self, signals[VIEW_CHANGED], 0);
    }

  /* The hint in the middle, as wide as it may be. */
  {
    int min_w, nat_w, min_h, nat_h, w, h;

    gtk_widget_measure (self->hint, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat_w, NULL, NULL);
    w = CLAMP (nat_w, min_w, MAX (width - 48, min_w));
    gtk_widget_measure (self->hint, GTK_ORIENTATION_VERTICAL, w, &min_h, &nat_h, NULL, NULL);
    h = MAX (nat_h, min_h);
    gtk_widget_size_allocate (self->hint,
                              &(GtkAllocation) { (width - w) / 2, (height - h) / 2, w, h }, -1);
  }

  gtk_popover_present (GTK_POPOVER (self->menu));
  tafel_canvas_text_allocate (self);
}

static void
tafel_canvas_dispose (GObject *object)
{
  TafelCanvas *self = TAFEL_CANVAS (object);

  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);
  tafel_canvas_set_people (self, NULL);
  disconnect_controller (self);
  tafel_canvas_text_dispose (self);
  g_clear_pointer (&self->hint, gtk_widget_unparent);
  tafel_canvas_menu_dispose (self);
  g_clear_handle_id (&self->fit_id, g_source_remove);

  G_OBJECT_CLASS (tafel_canvas_parent_class)->dispose (object);
}

static void
tafel_canvas_finalize (GObject *object)
{
  TafelCanvas *self = TAFEL_CANVAS (object);

  g_clear_pointer (&self->chunks, g_array_unref);
  g_clear_pointer (&self->settling, g_array_unref);
  tafel_canvas_remote_finalize (self);
  tafel_canvas_text_finalize (self);

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
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_POINTER);
  signals[VIEW_CHANGED] =
    g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[NAVIGATED] =
    g_signal_new ("navigated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[POINTER_MOVED] =
    g_signal_new ("pointer-moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_BOOLEAN);

  tafel_canvas_clipboard_class_init (widget_class);
  tafel_canvas_menu_class_init (widget_class);
  tafel_canvas_text_class_init (widget_class);

  gtk_widget_class_set_css_name (widget_class, "canvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tafel_canvas_init (TafelCanvas *self)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();

  self->view = TAFEL_VIEW_INIT;
  self->show_grid = TRUE;
  self->dark = adw_style_manager_get_dark (style_manager);
  self->chunks = g_array_new (FALSE, TRUE, sizeof (Patch));
  g_array_set_clear_func (self->chunks, (GDestroyNotify) patch_clear);
  self->settling = g_array_new (FALSE, TRUE, sizeof (Settling));
  g_array_set_clear_func (self->settling, (GDestroyNotify) settling_clear);
  tafel_canvas_remote_init (self);
  tafel_canvas_text_init (self);
  g_signal_connect (style_manager, "notify::dark", G_CALLBACK (on_dark_changed), self);

  gtk_widget_add_css_class (GTK_WIDGET (self), "tafel-canvas");
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Board"),
                                  -1);

  self->hint = gtk_label_new (_("Draw anywhere — press ? for shortcuts"));
  gtk_label_set_wrap (GTK_LABEL (self->hint), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->hint), GTK_JUSTIFY_CENTER);
  gtk_widget_set_can_target (self->hint, FALSE);
  gtk_widget_add_css_class (self->hint, "dim-label");
  gtk_widget_add_css_class (self->hint, "title-3");
  gtk_widget_set_visible (self->hint, FALSE);
  gtk_widget_set_parent (self->hint, GTK_WIDGET (self));

  tafel_canvas_input_init (self);
  tafel_canvas_menu_init (self);
  tafel_canvas_clipboard_init (self);
  tafel_canvas_update_cursor (self);
}
