/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "tafel-board-list.h"
#include "tafel-cli-private.h"

/* tafel-cli list [--json] [--data-dir DIR]: the boards of the data folder,
 * most recently opened first. A board that cannot be read is named on
 * stderr with the reason, and the exit status is then 1, so a script
 * cannot take a partial list for the whole. */
static int
report_unreadable (GListModel *list)
{
  guint n = tafel_board_list_get_n_unreadable (list);

  fflush (stdout);
  for (guint i = 0; i < n; i++)
    {
      const GError *error = NULL;
      const char *id = tafel_board_list_get_unreadable (list, i, &error);

      tafel_cli_fail (_("list: board %s cannot be read: %s"), id, error->message);
    }
  return n > 0 ? 1 : 0;
}

int
tafel_cli_list (int    argc,
                char **argv)
{
  g_autofree char *data_dir = NULL;
  gboolean json = FALSE;
  g_autoptr(GListModel) list = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    TAFEL_CLI_DATA_DIR_OPTION (&data_dir),
    { NULL }
  };
  int status;
  guint n;

  if (!tafel_cli_parse_options ("list", "", N_("Lists the boards in the data folder, most recently opened first. "
                                              "Boards that cannot be read are named on stderr, and the exit "
                                              "status is then 1."),
                                entries, &argc, &argv, &data_dir, &status))
    return status;
  if (argc > 1)
    return tafel_cli_fail (_("list: unexpected argument “%s”"), argv[1]);

  list = tafel_board_list_new (data_dir);
  n = g_list_model_get_n_items (list);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(TafelBoardInfo) info = g_list_model_get_item (list, i);
          g_autofree char *opened = g_date_time_format_iso8601 (tafel_board_info_get_last_opened (info));

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, tafel_board_info_get_id_hex (info));
          json_builder_set_member_name (b, "title");
          json_builder_add_string_value (b, tafel_board_info_get_title (info));
          json_builder_set_member_name (b, "last-opened");
          json_builder_add_string_value (b, opened);
          json_builder_set_member_name (b, "path");
          json_builder_add_string_value (b, tafel_board_info_get_path (info));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      text = json_to_string (root, TRUE);
      printf ("%s\n", text);
      return report_unreadable (list);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TafelBoardInfo) info = g_list_model_get_item (list, i);
      g_autoptr(GDateTime) local = g_date_time_to_local (tafel_board_info_get_last_opened (info));
      g_autofree char *opened = g_date_time_format (local, "%Y-%m-%d %H:%M");
      g_autofree char *title = tafel_cli_printable (tafel_board_info_get_title (info));

      printf ("%s  %s  %s\n", tafel_board_info_get_id_hex (info), opened, title);
    }
  return report_unreadable (list);
}
