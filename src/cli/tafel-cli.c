/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "tafel-core.h"
#include "tafel-net.h"

#include "tafel-cli-private.h"

static const TafelCliCommand commands[] = {
  { NULL, NULL, NULL, NULL },
};

int
tafel_cli_fail (const char *format,
                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "tafel-cli: %s\n", message);
  return 1;
}

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
          fprintf (out, "  %-34s %s\n", synopsis, _(c->summary));
        }
    }

  fprintf (out, "\n%s\n", _("Options:"));
  fprintf (out, "  %-34s %s\n", "-h, --help", _("Show this help"));
  fprintf (out, "  %-34s %s\n", "--version", _("Show the version"));
  if (commands[0].name != NULL)
    fprintf (out, "\n%s\n", _("Run “tafel-cli COMMAND --help” for the options of a command."));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (!tafel_core_init (&error))
    return tafel_cli_fail ("%s", error->message);

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
