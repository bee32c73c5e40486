/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-stroke-import.h"
#include "tafel-test-peer.h"

TestPeer *
test_peer_new (void)
{
  TestPeer *peer = g_new0 (TestPeer, 1);

  peer->identity = tafel_identity_new_ephemeral ();
  peer->log = tafel_log_new ();
  peer->model = tafel_board_model_new (peer->log);
  peer->history = tafel_history_new (peer->model, tafel_identity_get_public_key (peer->identity));

  return peer;
}

void
test_peer_free (TestPeer *peer)
{
  if (peer == NULL)
    return;

  g_clear_object (&peer->history);
  g_clear_object (&peer->model);
  g_clear_object (&peer->log);
  g_clear_object (&peer->identity);
  g_free (peer);
}

const TafelPublicKey *
test_peer_key (TestPeer *peer)
{
  return tafel_identity_get_public_key (peer->identity);
}

TafelRecord *
test_peer_sign (TestPeer *peer,
                guint64   lamport,
                guint     kind,
                GBytes   *body)
{
  TafelRecord *record;

  if (lamport == 0)
    lamport = MAX (tafel_log_get_max_lamport (peer->log), peer->lamport) + 1;

  record = tafel_identity_sign_record (peer->identity, peer->seq + 1,
                                       peer->seq == 0 ? NULL : &peer->head,
                                       lamport, kind, body);
  g_assert_nonnull (record);
  peer->seq++;
  peer->head = *tafel_record_get_id (record);
  peer->lamport = lamport;

  return record;
}

TafelRecord *
test_peer_commit (TestPeer *peer,
                  guint     kind,
                  GBytes   *body)
{
  g_autoptr(GError) error = NULL;
  TafelRecord *record = test_peer_sign (peer, 0, kind, body);

  tafel_log_add (peer->log, record, &error);
  g_assert_no_error (error);

  return record;
}

TafelRecord *
test_peer_do (TestPeer *peer,
              guint     kind,
              GBytes   *body)
{
  TafelRecord *record = test_peer_commit (peer, kind, body);

  tafel_history_push (peer->history, record);
  return record;
}

gboolean
test_peer_undo (TestPeer *peer)
{
  do
    {
      g_autoptr(GBytes) body = NULL;
      g_autoptr(TafelRecord) record = NULL;
      guint kind;

      if (!tafel_history_prepare_undo (peer->history, &kind, &body))
        return FALSE;
      record = test_peer_commit (peer, kind, body);
      tafel_history_undo_committed (peer->history, record);
    }
  while (tafel_history_undo_needs_more (peer->history));

  return TRUE;
}

gboolean
test_peer_redo (TestPeer *peer)
{
  do
    {
      g_autoptr(GBytes) body = NULL;
      g_autoptr(TafelRecord) record = NULL;
      guint kind;

      if (!tafel_history_prepare_redo (peer->history, &kind, &body))
        return FALSE;
      record = test_peer_commit (peer, kind, body);
      tafel_history_redo_committed (peer->history, record);
    }
  while (tafel_history_redo_needs_more (peer->history));

  return TRUE;
}

void
test_peer_sync (TestPeer *to,
                TestPeer *from)
{
  g_autoptr(TafelVersionVector) theirs = tafel_log_dup_version_vector (to->log);
  g_autoptr(GPtrArray) missing = tafel_log_dup_missing (from->log, theirs);
  guint start = 0;

  /* Per author runs, as the sync protocol sends them. */
  for (guint i = 1; i <= missing->len; i++)
    {
      if (i == missing->len ||
          memcmp (tafel_record_get_author (g_ptr_array_index (missing, i)),
                  tafel_record_get_author (g_ptr_array_index (missing, start)),
                  sizeof (TafelPublicKey)) != 0)
        {
          g_autoptr(GError) error = NULL;

          tafel_log_add_run (to->log, (TafelRecord **) &missing->pdata[start], i - start, &error);
          g_assert_no_error (error);
          start = i;
        }
    }
}

GBytes *
test_stroke_body (const TafelPoint *points,
                  guint             n_points,
                  float             width,
                  guint32           rgba,
                  TafelTool         tool)
{
  TafelStroke stroke = { tool, rgba, width, n_points, (TafelPoint *) points };
  GBytes *body = tafel_stroke_encode (&stroke);

  g_assert_nonnull (body);
  return body;
}

GBytes *
test_line_stroke_body (double x0,
                       double y0,
                       double x1,
                       double y1,
                       guint  n,
                       float  width)
{
  g_autofree TafelPoint *points = g_new (TafelPoint, n);

  for (guint i = 0; i < n; i++)
    {
      double t = n > 1 ? (double) i / (n - 1) : 0.0;

      points[i] = (TafelPoint) { x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, 0.5f };
    }

  return test_stroke_body (points, n, width, 0x000000ff, TAFEL_TOOL_PEN);
}

GBytes *
test_shape_body (TafelShapeKind kind,
                 double         x1,
                 double         y1,
                 double         x2,
                 double         y2,
                 float          width,
                 guint32        stroke_rgba,
                 guint32        fill_rgba)
{
  TafelShape shape = { kind, stroke_rgba, fill_rgba, width, x1, y1, x2, y2 };
  GBytes *body = tafel_shape_encode (&shape);

  g_assert_nonnull (body);
  return body;
}

GBytes *
test_text_body (double      x,
                double      y,
                const char *text,
                float       size,
                guint32     rgba)
{
  TafelText t = { x, y, (char *) text, size, rgba };
  GBytes *body = tafel_text_encode (&t);

  g_assert_nonnull (body);
  return body;
}

GBytes *
test_set_body (const TafelHash *ids,
               guint            n_ids)
{
  TafelObjectSet set = { n_ids, (TafelHash *) ids };
  GBytes *body = tafel_object_set_encode (&set);

  g_assert_nonnull (body);
  return body;
}

GBytes *
test_transform_body (const TafelHash      *ids,
                     const TafelTransform *transforms,
                     guint                 n)
{
  TafelTransformSet set = { n, (TafelHash *) ids, (TafelTransform *) transforms };
  GBytes *body = tafel_transform_set_encode (&set);

  g_assert_nonnull (body);
  return body;
}

GBytes *
test_clear_body (TafelLog *log)
{
  g_autoptr(TafelVersionVector) vv = tafel_log_dup_version_vector (log);
  guint n = tafel_version_vector_get_size (vv);
  g_autofree TafelPublicKey *authors = g_new0 (TafelPublicKey, MAX (n, 1));
  g_autofree guint64 *seqs = g_new0 (guint64, MAX (n, 1));
  TafelClear clear = { n, authors, seqs };
  GBytes *body;

  for (guint i = 0; i < n; i++)
    {
      const TafelPublicKey *author;

      tafel_version_vector_get (vv, i, &author, &seqs[i], NULL);
      authors[i] = *author;
    }

  body = tafel_clear_encode (&clear);
  g_assert_nonnull (body);
  return body;
}

GBytes *
test_chat_body (const char *text)
{
  TafelChat chat = { (char *) text };
  GBytes *body = tafel_chat_encode (&chat);

  g_assert_nonnull (body);
  return body;
}

GBytes *
test_profile_body (const char *name,
                   guint32     rgba)
{
  TafelProfile profile = { (char *) name, rgba };
  GBytes *body = tafel_profile_encode (&profile);

  g_assert_nonnull (body);
  return body;
}

GArray *
test_load_trace (const char *name)
{
  const char *dir = g_getenv ("TAFEL_SHARED_DATA");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  GArray *strokes;

  if (dir == NULL)
    return NULL;

  path = g_build_filename (dir, name, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;

  strokes = tafel_stroke_import_load_path (path, &error);
  g_assert_no_error (error);
  return strokes;
}

char *
test_digest_hex (TafelBoardModel *model)
{
  TafelHash digest;

  tafel_board_model_get_digest (model, &digest);
  return tafel_hash_to_hex (&digest);
}
