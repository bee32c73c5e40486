/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tafel-board-snapshot.h"
#include "tafel-render.h"

struct _TafelBoardSnapshot
{
  GPtrArray *records;   /* TafelRecord, per author in seq order */
};

TafelBoardSnapshot *
tafel_board_snapshot_new (TafelLog *log)
{
  TafelBoardSnapshot *snapshot;
  g_autoptr(TafelVersionVector) nothing = tafel_version_vector_new ();

  g_return_val_if_fail (TAFEL_IS_LOG (log), NULL);

  snapshot = g_new0 (TafelBoardSnapshot, 1);
  /* Everything a peer who has nothing lacks: every author's records in
   * order, each run ending in a signed record. */
  snapshot->records = tafel_log_dup_missing (log, nothing);
  return snapshot;
}

void
tafel_board_snapshot_free (TafelBoardSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;

  g_ptr_array_unref (snapshot->records);
  g_free (snapshot);
}

TafelBoardModel *
tafel_board_snapshot_build (TafelBoardSnapshot *snapshot,
                            GError            **error)
{
  g_autoptr(TafelLog) log = tafel_log_new ();
  TafelRecord **records = (TafelRecord **) snapshot->records->pdata;
  guint n = snapshot->records->len;
  guint start = 0;

  /* The records come from a log that verified them already: integrate
   * author by author without checking signatures again. */
  while (start < n)
    {
      const TafelPublicKey *author = tafel_record_get_author (records[start]);
      guint end = start + 1;

      while (end < n && memcmp (tafel_record_get_author (records[end]), author,
                                sizeof (TafelPublicKey)) == 0)
        end++;

      if (!tafel_log_add_trusted_run (log, records + start, end - start, error))
        return NULL;
      start = end;
    }

  return tafel_board_model_new (log);
}

cairo_surface_t *
tafel_board_render_thumbnail (TafelBoardModel *model,
                              int              max_width,
                              int              max_height)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new ();
  cairo_surface_t *surface;
  TafelRect bounds;
  TafelView view;
  double scale, margin;
  int width, height;
  cairo_t *cr;

  if (!tafel_board_model_get_bounds (model, &bounds))
    return NULL;

  /* A little paper around the drawing; small drawings are not blown up
   * beyond twice their size. */
  margin = MAX (bounds.width, bounds.height) * 0.04 + 4;
  bounds.x -= margin;
  bounds.y -= margin;
  bounds.width += 2 * margin;
  bounds.height += 2 * margin;
  scale = MIN (max_width / bounds.width, max_height / bounds.height);
  scale = MIN (scale, 2.0);
  width = MAX (1, (int) ceil (bounds.width * scale));
  height = MAX (1, (int) ceil (bounds.height * scale));

  tafel_board_model_query (model, NULL, objects);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  view = (TafelView) { scale, bounds.x, bounds.y };
  tafel_render_objects (cr, &view, (TafelObject * const *) objects->pdata, objects->len);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}
