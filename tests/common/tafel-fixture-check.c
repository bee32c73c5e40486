/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tafel-board-private.h"
#include "tafel-bytes.h"
#include "tafel-fixture-check.h"
#include "tafel-log.h"
#include "tafel-record.h"

/* Whatever decodes as an envelope must decode with its kind's own decoder
 * too; a disagreement is a bug, not bad input. */
static void
check_typed_body (TafelRecord *record)
{
  GBytes *body = tafel_record_get_body (record);
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  /* A version 2 content body is ciphertext: fuzz-record opens it with a
   * key and checks what comes out. */
  if (tafel_record_get_version (record) == TAFEL_RECORD_VERSION_2 &&
      TAFEL_RECORD_KIND_IS_CONTENT (tafel_record_get_kind (record)))
    return;

  switch (tafel_record_get_kind (record))
    {
    case TAFEL_RECORD_KIND_PROFILE:
      {
        TafelProfile p;

        ok = tafel_profile_decode (body, &p, &error);
        tafel_profile_clear (&p);
      }
      break;
    case TAFEL_RECORD_KIND_STROKE:
      {
        TafelStroke s;

        ok = tafel_stroke_decode (body, &s, &error);
        tafel_stroke_clear (&s);
      }
      break;
    case TAFEL_RECORD_KIND_SHAPE:
      {
        TafelShape s;

        ok = tafel_shape_decode (body, &s, &error);
      }
      break;
    case TAFEL_RECORD_KIND_TEXT:
      {
        TafelText t;

        ok = tafel_text_decode (body, &t, &error);
        tafel_text_clear (&t);
      }
      break;
    case TAFEL_RECORD_KIND_ERASE:
    case TAFEL_RECORD_KIND_RESTORE:
      {
        TafelObjectSet s;

        ok = tafel_object_set_decode (body, &s, &error);
        tafel_object_set_clear (&s);
      }
      break;
    case TAFEL_RECORD_KIND_TRANSFORM:
      {
        TafelTransformSet s;

        ok = tafel_transform_set_decode (body, &s, &error);
        tafel_transform_set_clear (&s);
      }
      break;
    case TAFEL_RECORD_KIND_CLEAR:
      {
        TafelClear c;

        ok = tafel_clear_decode (body, &c, &error);
        tafel_clear_clear (&c);
      }
      break;
    case TAFEL_RECORD_KIND_CHAT:
      {
        TafelChat c;

        ok = tafel_chat_decode (body, &c, &error);
        tafel_chat_clear (&c);
      }
      break;
    default:
      break;
    }
  if (!ok)
    g_error ("Kind %u: the envelope accepted a body its decoder refuses: %s",
             tafel_record_get_kind (record), error->message);
}

gboolean
tafel_check_record_run (const guint8  *data,
                        gsize          len,
                        GError       **error)
{
  g_autoptr(GPtrArray) run = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  g_autoptr(TafelLog) log = NULL;
  TafelReader r;

  tafel_reader_init (&r, data, len);
  while (!tafel_reader_at_end (&r))
    {
      const guint8 *env;
      gsize env_len;
      TafelRecord *record;

      if (!tafel_read_blob (&r, "framed record", TAFEL_RECORD_MAX_BYTES + 1024, &env, &env_len, error))
        return FALSE;
      record = tafel_record_decode (env, env_len, error);
      if (record == NULL)
        return FALSE;
      check_typed_body (record);
      g_ptr_array_add (run, record);
    }
  if (run->len == 0)
    {
      g_set_error_literal (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_TRUNCATED, "No records");
      return FALSE;
    }

  log = tafel_log_new ();
  return tafel_log_add_run (log, (TafelRecord **) run->pdata, run->len, error);
}

gboolean
tafel_check_tafel_file (const guint8  *data,
                        gsize          len,
                        GError       **error)
{
  g_auto(TafelBoardMeta) meta = { 0 };
  g_autoptr(TafelLog) log = tafel_board_file_parse (data, len, "input", &meta, error);

  return log != NULL;
}
