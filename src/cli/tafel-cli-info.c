/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include <stdio.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "tafel-board-model.h"
#include "tafel-cli-private.h"

typedef struct
{
  guint   n_strokes;
  guint64 n_points;
  guint   n_bad;
} Counts;

static gboolean
count_record (TafelRecord *record,
              gpointer     user_data)
{
  Counts *c = user_data;

  if (tafel_record_get_kind (record) == TAFEL_RECORD_KIND_STROKE)
    {
      TafelStroke stroke;

      c->n_strokes++;
      if (tafel_stroke_decode (tafel_record_get_body (record), &stroke, NULL))
        {
          c->n_points += stroke.n_points;
          tafel_stroke_clear (&stroke);
        }
      else
        c->n_bad++;
    }
  return TRUE;
}

/* One line of the report: the JSON member and the label of the text form.
 * Every figure info reports goes through this list, the board-state digest
 * from the board model included. */
typedef struct
{
  const char *key;
  const char *label;
  char       *text;     /* a string value, or NULL */
  guint64     number;   /* when text is NULL */
} Field;

static void
field_clear (gpointer data)
{
  g_free (((Field *) data)->text);
}

static void
add_text (GArray     *fields,
          const char *key,
          const char *label,
          const char *text)
{
  Field f = { key, label, g_strdup (text), 0 };

  g_array_append_val (fields, f);
}

static void
add_number (GArray     *fields,
            const char *key,
            const char *label,
            guint64     number)
{
  Field f = { key, label, NULL, number };

  g_array_append_val (fields, f);
}

/* tafel-cli info BOARD [--json] [--data-dir DIR]: what a board holds. */
int
tafel_cli_info (int    argc,
                char **argv)
{
  g_autofree char *link_file = NULL;
  g_autofree char *name = NULL;
  g_autofree char *data_dir = NULL;
  gboolean json = FALSE;
  g_auto(TafelCliBoard) board = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (Field));
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    TAFEL_CLI_LINK_FILE_OPTION (&link_file),
    TAFEL_CLI_DATA_DIR_OPTION (&data_dir),
    { NULL }
  };
  Counts counts = { 0 };
  int status;

  g_array_set_clear_func (fields, field_clear);
  if (!tafel_cli_parse_options ("info", "BOARD|--link-file FILE", N_("Shows what a board holds."),
                                entries, &argc, &argv, &data_dir, &status))
    return status;
  name = tafel_cli_board_argument ("info", link_file, argc, argv, &status);
  if (name == NULL)
    return status;

  if (!tafel_cli_board_read (data_dir, name, &board, &error))
    return tafel_cli_fail ("%s", error->message);

  tafel_log_foreach (board.log, count_record, &counts);
  if (counts.n_bad > 0)
    return tafel_cli_fail (_("%u stroke records of board %s do not decode"), counts.n_bad, board.id_hex);

  add_text (fields, "id", _("Id"), board.id_hex);
  add_text (fields, "title", _("Title"), board.title);
  add_number (fields, "records", _("Records"), tafel_log_get_n_records (board.log));
  add_number (fields, "strokes", _("Strokes"), counts.n_strokes);
  add_number (fields, "points", _("Points"), counts.n_points);
  add_number (fields, "authors", _("Authors"), tafel_log_get_n_authors (board.log));
  {
    g_autoptr(TafelBoardModel) model = tafel_board_model_new (board.log);
    g_autofree char *digest_hex = NULL;
    TafelHash digest;

    tafel_board_model_get_digest (model, &digest);
    digest_hex = tafel_hash_to_hex (&digest);
    add_number (fields, "visible", _("Visible"), tafel_board_model_get_n_visible (model));
    add_text (fields, "digest", _("Digest"), digest_hex);
  }

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      for (guint i = 0; i < fields->len; i++)
        {
          Field *f = &g_array_index (fields, Field, i);

          json_builder_set_member_name (b, f->key);
          if (f->text != NULL)
            json_builder_add_string_value (b, f->text);
          else
            json_builder_add_int_value (b, (gint64) f->number);
        }
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      text = json_to_string (root, TRUE);
      printf ("%s\n", text);
      return 0;
    }

  for (guint i = 0; i < fields->len; i++)
    {
      Field *f = &g_array_index (fields, Field, i);

      if (f->text != NULL)
        {
          g_autofree char *text = tafel_cli_printable (f->text);

          printf ("%-10s %s\n", f->label, text);
        }
      else
        printf ("%-10s %" PRIu64 "\n", f->label, f->number);
    }
  return 0;
}
