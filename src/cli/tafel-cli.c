/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "tafel-core.h"
#include "tafel-net.h"

#include "tafel-cli-private.h"

static const TafelCliCommand commands[] = {
  { "new", "[--title T]", N_("Create a board and print its id"), tafel_cli_new },
  { "list", "[--json]", N_("The boards in the data folder"), tafel_cli_list },
  { "import", "BOARD|--link-file F --trace F.ndjson", N_("Add a trace’s strokes to a board as yourself"), tafel_cli_import },
  { "info", "BOARD|--link-file F [--json]", N_("What a board holds"), tafel_cli_info },
  { "repair", "BOARD", N_("Repair a board whose log is damaged, keeping a backup"), tafel_cli_repair },
  { "export", "BOARD|--link-file F -o OUT", N_("Write a board to a .tafel file or a PNG, SVG or PDF image"), tafel_cli_export },
  { "seed", "BOARD|--link-file F", N_("Join a board and stay online (an always-on peer)"), tafel_cli_seed },
  { "draw", "BOARD|--link-file F --trace F.ndjson", N_("Join, add a trace’s strokes, wait until every online peer has them"), tafel_cli_draw },
  { "chat", "BOARD|--link-file F --message TEXT", N_("Join, say something in the chat, wait until every online peer has it"), tafel_cli_chat },
  { NULL, NULL, NULL, NULL },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: tafel-cli COMMAND [OPTIONS…]"));
  fprintf (out, "%s\n", _("A headless Tafel peer and tools for Tafel boards."));

  if (commands[0].name != NULL)
    {
      fprintf (out, "\n%s\n", _("Commands:"));
      for (const TafelCliCommand *c = commands; c->name != NULL; c++)
        {
          g_autofree char *synopsis = g_strdup_printf ("%s %s", c->name, c->args);
          fprintf (out, "  %-48s %s\n", synopsis, _(c->summary));
        }
    }

  fprintf (out, "\n%s\n", _("Options:"));
  fprintf (out, "  %-48s %s\n", "-h, --help", _("Show this help"));
  fprintf (out, "  %-48s %s\n", "--version", _("Show the version"));
  fprintf (out, "  %-48s %s\n", "--data-dir DIR", _("Use another data folder (after the command)"));
  fprintf (out, "  %-48s %s\n", "--link-file FILE", _("Read the board’s link from FILE, - for standard input (after the command)"));
  if (commands[0].name != NULL)
    {
      fprintf (out, "\n%s\n", _("BOARD is a board id, a unique beginning of one, a .tafel file, or - to read "
                                  "a link from standard input."));
      fprintf (out, "%s\n", _("Give a link with --link-file FILE or on standard input, never as an argument: "
                                "other users of this machine can read command lines."));
      fprintf (out, "%s\n", _("Run “tafel-cli COMMAND --help” for the options of a command."));
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, tafel_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (!tafel_core_init (&error))
    return tafel_cli_fail ("%s", error->message);

  /* Every user of this machine can read a command line
   * (/proc/PID/cmdline, ps): a board's secret does not belong there. Said
   * once, on stderr, also with --json. */
  for (int i = 1; i < argc; i++)
    if (tafel_cli_carries_secret (argv[i]))
      {
        tafel_cli_warn (_("a link with its secret was given on the command line, where other users of this "
                          "machine can read it; give it with --link-file FILE or on standard input (-) instead"));
        break;
      }

  if (argc < 2)
    {
      print_usage (stderr);
      return 2;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return 0;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      g_autofree char *versions = tafel_net_describe_versions ();
      printf ("tafel-cli %s (%s)\n", PACKAGE_VERSION, versions);
      return 0;
    }

  for (const TafelCliCommand *c = commands; c->name != NULL; c++)
    {
      if (g_str_equal (argv[1], c->name))
        return c->run (argc - 1, argv + 1);
    }

  return tafel_cli_fail (_("“%s” is not a command; see “tafel-cli --help”"), argv[1]);
}
