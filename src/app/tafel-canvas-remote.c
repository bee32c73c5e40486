/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The others on the board as the canvas shows them: their cursors with
 * their names, and their strokes in progress, each kept until its record
 * is drawn by the tiles. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tafel-canvas-private.h"

/* Someone else's stroke stays drawn after they lifted the pen until its
 * record is on the board and in the tiles, or this long at most. */
#define REMOTE_SETTLE_US  (3 * G_USEC_PER_SEC)
#define REMOTE_TICK_MS    100

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

/* ---- Strokes in progress ------------------------------------------------- */

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

/* ---- Drawing them -------------------------------------------------------- */

static void
snapshot_remote_stroke (TafelCanvas       *self,
                        GtkSnapshot       *snapshot,
                        const TafelStroke *stroke,
                        double             origin_x,
                        double             origin_y)
{
  double ds = tafel_canvas_device_scale (self);
  TafelStroke mapped = *stroke;
  TafelRect extents;
  double x0, y0, x1, y1;
  cairo_t *cr;

  mapped.rgba = tafel_canvas_ink (self, stroke->rgba);
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

void
tafel_canvas_snapshot_remote_strokes (TafelCanvas *self,
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

void
tafel_canvas_snapshot_remote_cursors (TafelCanvas *self,
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

/* ---- Following the people and the records -------------------------------- */

void
tafel_canvas_remote_clear (TafelCanvas *self)
{
  g_hash_table_remove_all (self->remote_live);
  g_ptr_array_set_size (self->remote_settling, 0);
  g_hash_table_remove_all (self->last_object_us);
  g_clear_handle_id (&self->remote_tick_id, g_source_remove);
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

void
tafel_canvas_remote_watch_model (TafelCanvas     *self,
                                 TafelBoardModel *model)
{
  g_signal_connect (model, "objects-changed", G_CALLBACK (on_objects_changed), self);
}

void
tafel_canvas_remote_init (TafelCanvas *self)
{
  self->remote_live = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, NULL, (GDestroyNotify) remote_stroke_free);
  self->remote_settling = g_ptr_array_new_with_free_func ((GDestroyNotify) remote_stroke_free);
  self->last_object_us = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, g_free, g_free);
}

void
tafel_canvas_remote_finalize (TafelCanvas *self)
{
  g_clear_pointer (&self->remote_live, g_hash_table_unref);
  g_clear_pointer (&self->remote_settling, g_ptr_array_unref);
  g_clear_pointer (&self->last_object_us, g_hash_table_unref);
}
