/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cairo.h>

#include "bench-join.h"
#include "tafel-board.h"
#include "tafel-invite.h"
#include "tafel-render.h"

#define FIT_MARGIN 48

double
bench_first_paint (TafelBoardModel *model)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, BENCH_JOIN_SCREEN_W,
                                                         BENCH_JOIN_SCREEN_H);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GPtrArray) objects = g_ptr_array_new ();
  TafelRect bounds, area;
  TafelView view;
  double avail_w = BENCH_JOIN_SCREEN_W - 2 * FIT_MARGIN, avail_h = BENCH_JOIN_SCREEN_H - 2 * FIT_MARGIN;
  double scale = 1.0;
  gint64 t0 = g_get_monotonic_time ();

  /* The app opens a board zoomed to fit (tafel_view_fit()). */
  if (tafel_board_model_get_bounds (model, &bounds))
    {
      if (bounds.width > 0)
        scale = MIN (scale, avail_w / bounds.width);
      if (bounds.height > 0)
        scale = MIN (scale, avail_h / bounds.height);
      scale = CLAMP (scale, 0.02, 32.0);
      view = (TafelView) { scale, bounds.x + bounds.width / 2 - BENCH_JOIN_SCREEN_W / 2 / scale,
                           bounds.y + bounds.height / 2 - BENCH_JOIN_SCREEN_H / 2 / scale };
    }
  else
    view = (TafelView) { 1.0, 0, 0 };

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  area = (TafelRect) { view.x, view.y, BENCH_JOIN_SCREEN_W / view.scale, BENCH_JOIN_SCREEN_H / view.scale };
  tafel_board_model_query (model, &area, objects);
  tafel_render_objects (cr, &view, (TafelObject * const *) objects->pdata, objects->len);
  cairo_surface_flush (surface);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return (g_get_monotonic_time () - t0) / 1e3;
}

void
bench_join_clear (BenchJoin *join)
{
  g_clear_pointer (&join->candidate, g_free);
  g_clear_pointer (&join->path, g_free);
}

typedef struct
{
  BenchJoin *out;
  gint64     start;
  gboolean   linked;
  gboolean   timed_out;
} Joining;

static void
on_peer_joined (TafelSession         *session,
                const TafelPublicKey *peer,
                Joining              *j)
{
  gint64 ice_us = -1, connect_us = -1;

  if (j->linked)
    return;
  j->linked = TRUE;
  j->out->link_ms = (g_get_monotonic_time () - j->start) / 1e3;
  tafel_session_get_link_times (session, peer, &ice_us, &connect_us);
  j->out->ice_ms = ice_us >= 0 ? ice_us / 1e3 : -1;
  j->out->connect_ms = connect_us >= 0 ? connect_us / 1e3 : -1;
  j->out->candidate = g_strdup (tafel_session_get_path_kind (session, peer));
  j->out->path = g_strdup (tafel_session_describe_path (session, peer));
}

static gboolean
on_deadline (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
bench_join_run (const char                *dir,
                TafelIdentity             *identity,
                const char                *invite_link,
                const TafelSessionOptions *options,
                guint                      n_records,
                guint                      timeout_ms,
                BenchJoin                 *out,
                GError                   **error)
{
  g_autoptr(TafelInvite) invite = NULL;
  g_autoptr(TafelBoard) board = NULL;
  g_autoptr(TafelBoardModel) model = NULL;
  g_autoptr(TafelSession) session = NULL;
  TafelSessionOptions session_options = *options;
  Joining j = { out, g_get_monotonic_time () };
  TafelLog *log;
  TafelSync *sync;
  guint deadline_id;
  gboolean complete = FALSE;

  *out = (BenchJoin) { .link_ms = -1, .ice_ms = -1, .connect_ms = -1, .synced_ms = -1,
                       .paint_ms = -1, .painted_ms = -1 };

  invite = tafel_invite_parse (invite_link, error);
  if (invite == NULL)
    return FALSE;
  board = tafel_board_join (dir, identity, invite->board_id, invite->secret, invite->title, error);
  if (board == NULL)
    return FALSE;
  log = tafel_board_get_log (board);
  model = tafel_board_model_new (log);
  if (session_options.broker_url == NULL)
    session_options.broker_url = invite->brokers[0];
  session = tafel_session_new (board, &session_options, error);
  if (session == NULL)
    return FALSE;
  sync = tafel_session_get_sync (session);
  g_signal_connect (session, "peer-joined", G_CALLBACK (on_peer_joined), &j);
  if (!tafel_session_start (session, error))
    return FALSE;

  deadline_id = g_timeout_add (timeout_ms, on_deadline, &j.timed_out);
  while (!(complete = tafel_log_get_n_records (log) >= n_records && !tafel_sync_is_busy (sync)) &&
         !j.timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!j.timed_out)
    g_source_remove (deadline_id);

  out->n_records = tafel_log_get_n_records (log);
  if (complete)
    {
      out->synced_ms = (g_get_monotonic_time () - j.start) / 1e3;
      out->paint_ms = bench_first_paint (model);
      out->painted_ms = (g_get_monotonic_time () - j.start) / 1e3;
    }
  tafel_board_model_get_digest (model, &out->digest);

  g_signal_handlers_disconnect_by_data (session, &j);
  tafel_session_stop (session);
  {
    /* Let the peers hear the goodbye, as tafel-cli does on exit; a closed
     * link lingers for about 2 s at most. */
    gint64 stop_deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;

    while (tafel_session_is_closing (session) && g_get_monotonic_time () < stop_deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  if (!tafel_board_flush (board, complete ? error : NULL))
    return FALSE;

  if (!complete)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                 "%s after %u ms with %u of %u records",
                 j.linked ? "Not in sync" : "No peer linked", timeout_ms, out->n_records, n_records);
  return complete;
}
