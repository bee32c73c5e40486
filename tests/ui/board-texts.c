/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "tafel-board.h"
#include "tafel-board-model.h"
#include "tafel-core.h"

/* Prints the texts a board shows, bottom first, one a line, a new line in
 * a text as "\n" and a backslash as "\\": what the UI tests compare with
 * what they typed. Reads the board without locking it, so the app may
 * have it open.
 *
 * With --style, each line goes on with a tab, the colour as rrggbbaa, a
 * tab and the size.
 *
 *   board-texts [--style] DATA-DIR BOARD-ID-OR-PREFIX */

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelLog) log = NULL;
  g_autoptr(TafelBoardModel) model = NULL;
  g_autoptr(GPtrArray) objects = g_ptr_array_new ();
  gboolean style = argc > 1 && g_str_equal (argv[1], "--style");

  if (style)
    {
      argv++;
      argc--;
    }
  if (argc != 3)
    {
      fprintf (stderr, "usage: board-texts [--style] DATA-DIR BOARD\n");
      return 2;
    }

  if (!tafel_core_init (&error))
    {
      fprintf (stderr, "board-texts: %s\n", error->message);
      return 1;
    }
  log = tafel_board_read (argv[1], argv[2], NULL, NULL, &error);
  if (log == NULL)
    {
      fprintf (stderr, "board-texts: %s\n", error->message);
      return 1;
    }

  model = tafel_board_model_new (log);
  tafel_board_model_query (model, NULL, objects);
  for (guint i = 0; i < objects->len; i++)
    {
      TafelText text = { 0 };

      if (!tafel_object_dup_text (g_ptr_array_index (objects, i), &text))
        continue;
      for (const char *c = text.text; *c != '\0'; c++)
        if (*c == '\n')
          fputs ("\\n", stdout);
        else if (*c == '\\')
          fputs ("\\\\", stdout);
        else
          putchar (*c);
      if (style)
        printf ("\t%08x\t%g", text.rgba, text.size);
      putchar ('\n');
      tafel_text_clear (&text);
    }

  return 0;
}
