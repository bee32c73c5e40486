/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "tafel-cli-private.h"
#include "tafel-invite.h"

/* Where a link ends inside a message: at a space or a quotation mark. */
static gboolean
ends_link (const char *p)
{
  static const char *const quotes[] = { "”", "“", "„", "’", "‘", "»", "«" };

  if (*p == '\0' || g_ascii_isspace (*p) || strchr ("\"'<>()", *p) != NULL)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (quotes); i++)
    if (g_str_has_prefix (p, quotes[i]))
      return TRUE;
  return FALSE;
}

/* @message with the secret of every tafel: link in it left out: whatever
 * a message repeats (an argument, a path, a parse error), a board secret
 * never reaches a terminal or a log. The secret is the fragment, which is
 * base64url: it also ends at punctuation that follows it in a message. */
static char *
redact_links (const char *message)
{
  GString *out = g_string_new (NULL);
  const char *p = message;

  while (*p != '\0')
    {
      if (g_ascii_strncasecmp (p, "tafel:", 6) == 0)
        {
          const char *q = p + 6;

          while (!ends_link (q) && *q != '#')
            q++;
          g_string_append_len (out, p, q - p);
          if (*q == '#')
            {
              g_string_append (out, "#…");
              while (!ends_link (q) && strchr (":;,", *q) == NULL)
                q++;
            }
          p = q;
          continue;
        }
      g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}

char *
tafel_cli_printable (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* ESC, BEL, a line break and their kind could clear the terminal or
       * fake lines of output: shown as an escape, never sent. */
      if (g_unichar_iscntrl (c))
        g_string_append_printf (out, c < 0x80 ? "\\x%02x" : "\\u%04x", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
  return g_string_free (out, FALSE);
}

/* Prints "tafel-cli: ", @prefix and the message on one line, whatever the
 * message holds, with nothing a terminal acts on and no link secret. */
static void
print_line (const char *prefix,
            const char *format,
            va_list     args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);
  g_autofree char *safe = NULL;
  g_autofree char *printable = NULL;

  g_strdelimit (message, "\r\n", ' ');
  safe = redact_links (message);
  printable = tafel_cli_printable (safe);
  fprintf (stderr, "tafel-cli: %s%s\n", prefix, printable);
}

int
tafel_cli_fail (const char *format,
                ...)
{
  va_list args;

  va_start (args, format);
  print_line ("", format, args);
  va_end (args);
  return 1;
}

void
tafel_cli_warn (const char *format,
                ...)
{
  /* TRANSLATORS: the beginning of a warning line of tafel-cli. */
  g_autofree char *prefix = g_strdup_printf ("%s ", _("warning:"));
  va_list args;

  va_start (args, format);
  print_line (prefix, format, args);
  va_end (args);
}

gboolean
tafel_cli_carries_secret (const char *arg)
{
  for (const char *p = arg; *p != '\0'; p++)
    if (g_ascii_strncasecmp (p, "tafel:", 6) == 0)
      {
        const char *hash = strchr (p, '#');

        return hash != NULL && hash[1] != '\0' && !g_ascii_isspace (hash[1]);
      }
  return FALSE;
}

static gboolean
names_a_link (const char *name)
{
  return g_ascii_strncasecmp (name, "tafel:", strlen ("tafel:")) == 0;
}

gboolean
tafel_cli_parse_options (const char    *command,
                         const char    *parameters,
                         const char    *summary,
                         GOptionEntry  *entries,
                         int           *argc,
                         char        ***argv,
                         char         **data_dir,
                         int           *status)
{
  g_autofree char *synopsis = g_strdup_printf ("%s %s", command, parameters);
  g_autoptr(GOptionContext) context = g_option_context_new (synopsis);
  g_autoptr(GError) error = NULL;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _(summary));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = tafel_cli_fail ("%s: %s", command, error->message);
      return FALSE;
    }
  /* A pasted link often comes with a space or a line break around it:
   * trimmed as the link parser does, it is taken as the link it is and
   * not as a file name. */
  for (int i = 1; i < *argc; i++)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup ((*argv)[i]));

      if (names_a_link (trimmed))
        g_strstrip ((*argv)[i]);
    }
  if (*data_dir == NULL)
    *data_dir = tafel_default_data_dir ();
  return TRUE;
}

/* A link is some hundred bytes; a file much longer than that is not one. */
#define LINK_FILE_MAX 4096

/* Reads the link from @fd (@path, or NULL for standard input); never
 * repeats what it read in an error. */
static char *
read_link (int          fd,
           const char  *path,
           GError     **error)
{
  g_autofree char *where = path != NULL ? g_strdup_printf (_("The link file “%s”"), path)
                                        : g_strdup (_("Standard input"));
  char buffer[LINK_FILE_MAX + 1];
  gsize length = 0;
  gboolean has_nul;
  g_autofree char *link = NULL;

  while (length < sizeof buffer)
    {
      gssize n = read (fd, buffer + length, sizeof buffer - length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       /* TRANSLATORS: “The link file “F”” or “Standard input”, then why it could not be read. */
                       _("%s could not be read: %s"), where, g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      length += (gsize) n;
    }
  if (length > LINK_FILE_MAX)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("%s is longer than %d bytes: it is not a Tafel link"), where, LINK_FILE_MAX);
      return NULL;
    }
  has_nul = memchr (buffer, '\0', length) != NULL;
  link = g_strstrip (g_strndup (buffer, length));
  if (*link == '\0' && !has_nul)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("%s holds no link"), where);
      return NULL;
    }
  /* One line that starts as a link does; what else it holds is not shown. */
  if (has_nul || !names_a_link (link) || strpbrk (link, "\r\n") != NULL ||
      !g_utf8_validate (link, -1, NULL))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("%s does not hold a Tafel link (tafel://…) on one line"), where);
      return NULL;
    }
  return g_steal_pointer (&link);
}

/* The link in @path ("-": standard input). */
static char *
read_link_file (const char  *path,
                GError     **error)
{
  struct stat st;
  char *link;
  int fd;

  if (g_str_equal (path, "-"))
    return read_link (STDIN_FILENO, NULL, error);

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("The link file “%s” could not be opened: %s"), path, g_strerror (saved));
      return NULL;
    }
  /* As ssh does for keys: a secret others can read is no longer one. */
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && (st.st_mode & (S_IRGRP | S_IROTH)) != 0)
    tafel_cli_warn (_("the link file “%s” can be read by other users of this machine (mode %04o); "
                      "anyone who reads it can open the board: “chmod 600 %s”"),
                    path, (guint) (st.st_mode & 07777), path);
  link = read_link (fd, path, error);
  close (fd);
  return link;
}

char *
tafel_cli_board_argument (const char  *command,
                          const char  *link_file,
                          int          argc,
                          char       **argv,
                          int         *status)
{
  g_autoptr(GError) error = NULL;
  char *link;

  if (link_file != NULL && argc > 1)
    {
      *status = tafel_cli_fail (_("%s: give the board either as an argument or with --link-file, not both"), command);
      return NULL;
    }
  if (link_file == NULL && argc < 2)
    {
      *status = tafel_cli_fail (_("%s: no board given (BOARD, --link-file FILE, or - to read the link from standard input)"),
                                command);
      return NULL;
    }
  if (argc > 2)
    {
      *status = tafel_cli_fail (_("%s: unexpected argument “%s”"), command, argv[2]);
      return NULL;
    }
  if (link_file == NULL && !g_str_equal (argv[1], "-"))
    return g_strdup (argv[1]);

  link = read_link_file (link_file != NULL ? link_file : "-", &error);
  if (link == NULL)
    *status = tafel_cli_fail ("%s: %s", command, error->message);
  return link;
}

static gboolean
names_a_file (const char *name)
{
  return !names_a_link (name) &&
         (g_str_has_suffix (name, ".tafel") || strchr (name, G_DIR_SEPARATOR) != NULL);
}

/* A damaged log names the command that repairs it. */
static gboolean
hint_repair (GError     **error,
             const char  *id)
{
  if (error != NULL && g_error_matches (*error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_DAMAGED_LOG))
    {
      char *message = g_strdup_printf (_("%s Run “tafel-cli repair %s” to repair it."),
                                       (*error)->message, id);

      g_free ((*error)->message);
      (*error)->message = message;
    }
  return FALSE;
}

gboolean
tafel_cli_board_open (const char     *data_dir,
                      const char     *name,
                      gboolean        writable,
                      TafelCliBoard  *out,
                      GError        **error)
{
  memset (out, 0, sizeof *out);

  if (names_a_file (name))
    out->file = g_file_new_for_commandline_arg (name);

  if (out->file != NULL && !writable)
    {
      guint8 id[TAFEL_BOARD_ID_BYTES];

      out->log = tafel_board_file_load (out->file, &out->title, id, error);
      if (out->log == NULL)
        return FALSE;
      out->id_hex = tafel_hex_encode (id, TAFEL_BOARD_ID_BYTES);
      return TRUE;
    }

  {
    g_autoptr(TafelIdentity) identity = NULL;

    /* Reading needs no key; writing signs with this device's identity. */
    if (writable)
      identity = tafel_identity_load_or_create (data_dir, error);
    else
      identity = tafel_identity_new_ephemeral ();
    if (identity == NULL)
      return FALSE;

    if (names_a_link (name))
      {
        g_autoptr(TafelInvite) invite = tafel_invite_parse (name, error);
        g_autofree char *id_hex = NULL;

        if (invite == NULL)
          return FALSE;
        /* Writing joins a board not seen before; reading needs it here. */
        if (writable)
          out->board = tafel_board_join (data_dir, identity, invite->board_id, invite->secret,
                                         invite->title, error);
        else
          {
            id_hex = tafel_invite_dup_board_id_hex (invite);
            out->board = tafel_board_open (data_dir, identity, id_hex, error);
            if (out->board == NULL)
              return hint_repair (error, id_hex);
          }
        if (out->board != NULL && writable && invite->brokers[0] != NULL &&
            (tafel_board_get_hints (out->board) == NULL || tafel_board_get_hints (out->board)[0] == NULL) &&
            !tafel_board_set_hints (out->board, (const char * const *) invite->brokers, error))
          return FALSE;
      }
    else if (out->file != NULL)
      out->board = tafel_board_open_file (data_dir, identity, out->file, error);
    else
      out->board = tafel_board_open (data_dir, identity, name, error);
    if (out->board == NULL && out->file == NULL && !names_a_link (name))
      return hint_repair (error, name);
  }
  if (out->board == NULL)
    return FALSE;
  out->log = g_object_ref (tafel_board_get_log (out->board));
  out->title = g_strdup (tafel_board_get_title (out->board));
  out->id_hex = g_strdup (tafel_board_get_id_hex (out->board));
  return TRUE;
}

/* Like tafel_cli_board_open() for reading only the records: a board in the
 * data folder is read without a lock, so info and image export work while
 * the app or a seed has it open. */
gboolean
tafel_cli_board_read (const char     *data_dir,
                      const char     *name,
                      TafelCliBoard  *out,
                      GError        **error)
{
  g_autofree char *id_hex = NULL;
  guint8 id[TAFEL_BOARD_ID_BYTES];

  if (names_a_file (name))
    return tafel_cli_board_open (data_dir, name, FALSE, out, error);

  memset (out, 0, sizeof *out);
  if (names_a_link (name))
    {
      g_autoptr(TafelInvite) invite = tafel_invite_parse (name, error);

      if (invite == NULL)
        return FALSE;
      id_hex = tafel_invite_dup_board_id_hex (invite);
    }
  out->log = tafel_board_read (data_dir, id_hex != NULL ? id_hex : name, &out->title, id, error);
  if (out->log == NULL)
    return hint_repair (error, id_hex != NULL ? id_hex : name);
  out->id_hex = tafel_hex_encode (id, TAFEL_BOARD_ID_BYTES);
  return TRUE;
}

void
tafel_cli_board_clear (TafelCliBoard *board)
{
  g_clear_object (&board->log);
  g_clear_object (&board->board);
  g_clear_object (&board->file);
  g_clear_pointer (&board->title, g_free);
  g_clear_pointer (&board->id_hex, g_free);
}
