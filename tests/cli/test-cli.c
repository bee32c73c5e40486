/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "tafel-board.h"
#include "tafel-bytes.h"
#include "tafel-core.h"
#include "tafel-test-util.h"

static char *
cli_path (void)
{
  return g_build_filename (g_getenv ("TAFEL_BUILD_ROOT"), "src", "cli", "tafel-cli", NULL);
}

static int
run_cli (const char * const *args,
         char              **out,
         char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_ptr_array_add (argv, cli_path ());
  for (; *args != NULL; args++)
    g_ptr_array_add (argv, g_strdup (*args));
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                out, err, &status, &error);
  g_assert_no_error (error);

  return status;
}

/* Runs tafel-cli with @input on its standard input. */
static int
run_cli_input (const char * const *args,
               const char         *input,
               char              **out,
               char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, cli_path ());
  for (; *args != NULL; args++)
    g_ptr_array_add (argv, g_strdup (*args));
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, input, NULL, out, err, &error));
  g_assert_no_error (error);
  return g_subprocess_get_status (process);
}

/* The warning a link with a secret given as an argument gets. */
#define ARGUMENT_WARNING "tafel-cli: warning: a link with its secret was given on the command line"

/* Runs a command that must succeed; returns its output. Its standard error
 * is empty, but for the warning when a link is given as an argument. */
static char *
cli_ok (const char * const *args)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = run_cli (args, &out, &err);
  gboolean link_argument = FALSE;

  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("tafel-cli %s failed: %s", args[0], err);
  for (const char * const *a = args; *a != NULL; a++)
    link_argument |= strstr (*a, "tafel:") != NULL && strchr (*a, '#') != NULL;
  if (link_argument && g_str_has_prefix (err, ARGUMENT_WARNING) && strchr (err, '\n') != NULL)
    memmove (err, strchr (err, '\n') + 1, strlen (strchr (err, '\n') + 1) + 1);
  g_assert_cmpstr (err, ==, "");
  return g_steal_pointer (&out);
}

/* Runs a command that must fail with one line on stderr mentioning @what. */
static void
cli_fails (const char * const *args,
           const char         *what)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = run_cli (args, &out, &err);

  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_str_has_prefix (err, "tafel-cli: "));
  /* One line. */
  g_assert_cmpint (strchr (err, '\n') - err, ==, strlen (err) - 1);
  if (strstr (err, what) == NULL)
    g_error ("“%s” does not mention “%s”", err, what);
}

typedef struct
{
  char *data;   /* a data folder */
  char *tmp;    /* a folder for other files */
  char *trace;
} Fixture;

static const char trace_text[] =
  "{\"src\":\"a\",\"color\":\"#ff0000\",\"width\":2.0,\"points\":[[0,0,0.5],[10,5,0.5],[20,12,0.5]]}\n"
  "{\"color\":\"#00ff0080\",\"width\":4,\"points\":[[100.5,-3.25,0.1],[101,-2,0.9]]}\n"
  "\n"
  "{\"color\":\"#0000ff\",\"points\":[[7,7]]}\n";

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->tmp = g_dir_make_tmp ("tafel-cli-XXXXXX", NULL);
  f->data = g_build_filename (f->tmp, "data", NULL);
  f->trace = g_build_filename (f->tmp, "trace.ndjson", NULL);
  g_assert_true (g_file_set_contents (f->trace, trace_text, -1, NULL));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  tafel_test_remove_tree (f->tmp);
  g_free (f->tmp);
  g_free (f->data);
  g_free (f->trace);
}

static char *
new_board (Fixture    *f,
           const char *title)
{
  g_autofree char *out = title != NULL
    ? cli_ok ((const char *[]) { "new", "--title", title, "--data-dir", f->data, NULL })
    : cli_ok ((const char *[]) { "new", "--data-dir", f->data, NULL });

  /* The id, then the invite link. */
  g_assert_cmpuint (strlen (out), >, 33);
  g_assert_cmpint (out[32], ==, '\n');
  g_assert_true (g_str_has_prefix (out + 33, "tafel://board/v1/"));
  g_assert_true (strncmp (out + 33 + strlen ("tafel://board/v1/"), out, 32) == 0);
  out[32] = '\0';
  return g_steal_pointer (&out);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* ---- General --------------------------------------------------------------------- */

static void
test_cli_version (void)
{
  g_autofree char *out = cli_ok ((const char *[]) { "--version", NULL });

  g_assert_true (g_str_has_prefix (out, "tafel-cli " PACKAGE_VERSION " ("));
  g_assert_nonnull (strstr (out, "libsodium"));
}

static void
test_cli_help (void)
{
  g_autofree char *out = cli_ok ((const char *[]) { "--help", NULL });

  g_assert_nonnull (strstr (out, "tafel-cli"));
  g_assert_nonnull (strstr (out, "--version"));
  for (guint i = 0; i < 5; i++)
    g_assert_nonnull (strstr (out, (const char *[]) { "new", "list", "import", "info", "export" }[i]));
}

static void
test_cli_unknown_command (void)
{
  cli_fails ((const char *[]) { "frobnicate", NULL }, "frobnicate");
}

/* ---- new and list ------------------------------------------------------------------- */

static void
test_cli_new_list (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *empty = cli_ok ((const char *[]) { "list", "--data-dir", f->data, NULL });
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *list;
  struct stat st;

  g_assert_cmpstr (empty, ==, "");
  a = new_board (f, "Küchenplan");
  b = new_board (f, NULL);

  {
    g_autofree char *dir = g_build_filename (f->data, "boards", a, NULL);
    g_autofree char *identity = g_build_filename (f->data, "identity", NULL);

    g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
    g_assert_cmpint (g_stat (identity, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }

  text = cli_ok ((const char *[]) { "list", "--data-dir", f->data, NULL });
  g_assert_nonnull (strstr (text, a));
  g_assert_nonnull (strstr (text, "Küchenplan"));
  /* Most recent first. */
  g_assert_true (strstr (text, b) < strstr (text, a));

  json = cli_ok ((const char *[]) { "list", "--json", "--data-dir", f->data, NULL });
  root = parse_json (json);
  list = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0), "id"), ==, b);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 1), "title"), ==, "Küchenplan");
}

static void
test_cli_new_failures (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *blocker = g_build_filename (f->tmp, "file", NULL);
  g_autofree char *inside = g_build_filename (blocker, "data", NULL);

  cli_fails ((const char *[]) { "new", "extra", "--data-dir", f->data, NULL }, "extra");
  cli_fails ((const char *[]) { "new", "--title", "", "--data-dir", f->data, NULL }, "title");
  cli_fails ((const char *[]) { "new", "--bogus", NULL }, "--bogus");
  cli_fails ((const char *[]) { "list", "--json", "x", "--data-dir", f->data, NULL }, "x");
  /* A data folder that cannot be made. */
  g_assert_true (g_file_set_contents (blocker, "", -1, NULL));
  cli_fails ((const char *[]) { "new", "--data-dir", inside, NULL }, inside);
}

/* ---- import, info, export ------------------------------------------------------------ */

static void
check_info (Fixture    *f,
            const char *board,
            gint64      records,
            gint64      points,
            const char *title)
{
  g_autofree char *json = cli_ok ((const char *[]) { "info", board, "--json", "--data-dir", f->data, NULL });
  g_autofree char *text = cli_ok ((const char *[]) { "info", board, "--data-dir", f->data, NULL });
  g_autoptr(JsonNode) root = parse_json (json);
  JsonObject *o = json_node_get_object (root);

  g_assert_cmpint (json_object_get_int_member (o, "records"), ==, records);
  g_assert_cmpint (json_object_get_int_member (o, "strokes"), ==, records);
  g_assert_cmpint (json_object_get_int_member (o, "points"), ==, points);
  g_assert_cmpint (json_object_get_int_member (o, "authors"), ==, records > 0 ? 1 : 0);
  g_assert_cmpstr (json_object_get_string_member (o, "title"), ==, title);
  g_assert_cmpuint (strlen (json_object_get_string_member (o, "id")), ==, 32);
  g_assert_nonnull (strstr (text, title));
}

static void
test_cli_import_info_export (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *id = new_board (f, "Import");
  g_autofree char *prefix = g_strndup (id, 5);
  g_autofree char *out = NULL;
  g_autofree char *file = g_build_filename (f->tmp, "copy.tafel", NULL);
  g_autofree char *file2 = g_build_filename (f->tmp, "copy2.tafel", NULL);
  struct stat st;

  check_info (f, id, 0, 0, "Import");
  out = cli_ok ((const char *[]) { "import", prefix, "--trace", f->trace, "--data-dir", f->data, NULL });
  g_assert_nonnull (strstr (out, "3"));
  g_assert_nonnull (strstr (out, id));
  check_info (f, id, 3, 6, "Import");
  g_clear_pointer (&out, g_free);
  out = cli_ok ((const char *[]) { "import", id, "--trace", f->trace, "--data-dir", f->data, NULL });
  check_info (f, prefix, 6, 12, "Import");

  /* Export, and read the file back without the data folder. */
  g_clear_pointer (&out, g_free);
  out = cli_ok ((const char *[]) { "export", id, "-o", file, "--data-dir", f->data, NULL });
  g_assert_cmpint (g_stat (file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  check_info (f, file, 6, 12, "Import");
  g_clear_pointer (&out, g_free);
  out = cli_ok ((const char *[]) { "export", file, "-o", file2, "--data-dir", f->data, NULL });
  {
    g_autofree char *a = NULL, *b = NULL;
    gsize la, lb;

    g_assert_true (g_file_get_contents (file, &a, &la, NULL));
    g_assert_true (g_file_get_contents (file2, &b, &lb, NULL));
    g_assert_cmpmem (a, la, b, lb);
  }

  /* Importing into a .tafel file brings the board into another data folder. */
  {
    g_autofree char *other = g_build_filename (f->tmp, "other", NULL);
    g_autofree char *o = cli_ok ((const char *[]) { "import", file, "--trace", f->trace, "--data-dir", other, NULL });
    g_autofree char *json = cli_ok ((const char *[]) { "info", id, "--json", "--data-dir", other, NULL });
    g_autoptr(JsonNode) root = parse_json (json);

    g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "records"), ==, 9);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "authors"), ==, 2);
  }
}

static char *
info_digest (Fixture    *f,
             const char *board)
{
  g_autofree char *json = cli_ok ((const char *[]) { "info", board, "--json", "--data-dir", f->data, NULL });
  g_autoptr(JsonNode) root = parse_json (json);

  return g_strdup (json_object_get_string_member (json_node_get_object (root), "digest"));
}

static void
test_cli_digest_and_images (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *id = new_board (f, "Images");
  g_autofree char *copy = g_build_filename (f->tmp, "copy.tafel", NULL);
  g_autofree char *png = g_build_filename (f->tmp, "board.png", NULL);
  g_autofree char *png2 = g_build_filename (f->tmp, "board-2x.png", NULL);
  g_autofree char *svg = g_build_filename (f->tmp, "board.svg", NULL);
  g_autofree char *pdf = g_build_filename (f->tmp, "board.pdf", NULL);
  g_autofree char *part = g_build_filename (f->tmp, "part.png", NULL);
  g_autofree char *empty_digest = info_digest (f, id);
  g_autofree char *digest = NULL;
  g_autofree char *copy_digest = NULL;
  g_autofree char *out = NULL;

  out = cli_ok ((const char *[]) { "import", id, "--trace", f->trace, "--data-dir", f->data, NULL });
  digest = info_digest (f, id);
  g_assert_cmpuint (strlen (digest), ==, 64);
  g_assert_cmpstr (digest, !=, empty_digest);

  /* The same records elsewhere give the same digest. */
  g_clear_pointer (&out, g_free);
  out = cli_ok ((const char *[]) { "export", id, "-o", copy, "--data-dir", f->data, NULL });
  copy_digest = info_digest (f, copy);
  g_assert_cmpstr (copy_digest, ==, digest);

  g_clear_pointer (&out, g_free);
  out = cli_ok ((const char *[]) { "export", id, "-o", png, "--data-dir", f->data, NULL });
  g_clear_pointer (&out, g_free);
  out = cli_ok ((const char *[]) { "export", copy, "-o", png2, "--scale", "2", "--data-dir", f->data, NULL });
  g_clear_pointer (&out, g_free);
  out = cli_ok ((const char *[]) { "export", id, "-o", svg, "--data-dir", f->data, NULL });
  g_clear_pointer (&out, g_free);
  out = cli_ok ((const char *[]) { "export", id, "-o", pdf, "--data-dir", f->data, NULL });
  g_clear_pointer (&out, g_free);
  out = cli_ok ((const char *[]) { "export", id, "-o", part, "--area", "0,0,20,20", "--data-dir", f->data, NULL });

  {
    g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;
    gsize la, lb, lc, ld, le;
    guint32 w1, h1, w2, h2, wp, hp;

    g_assert_true (g_file_get_contents (png, &a, &la, NULL));
    g_assert_true (g_file_get_contents (png2, &b, &lb, NULL));
    g_assert_true (g_file_get_contents (svg, &c, &lc, NULL));
    g_assert_true (g_file_get_contents (pdf, &d, &ld, NULL));
    g_assert_true (g_file_get_contents (part, &e, &le, NULL));
    g_assert_cmpmem (a, 8, "\x89PNG\r\n\x1a\n", 8);
    g_assert_nonnull (g_strstr_len (c, lc, "<svg"));
    g_assert_true (g_str_has_prefix (d, "%PDF-"));

    /* IHDR width and height, big-endian at offsets 16 and 20. */
    w1 = GUINT32_FROM_BE (*(guint32 *) (a + 16)); h1 = GUINT32_FROM_BE (*(guint32 *) (a + 20));
    w2 = GUINT32_FROM_BE (*(guint32 *) (b + 16)); h2 = GUINT32_FROM_BE (*(guint32 *) (b + 20));
    wp = GUINT32_FROM_BE (*(guint32 *) (e + 16)); hp = GUINT32_FROM_BE (*(guint32 *) (e + 20));
    g_assert_cmpuint (w2, >=, 2 * w1 - 2);
    g_assert_cmpuint (w2, <=, 2 * w1 + 2);
    g_assert_cmpuint (h2, >=, 2 * h1 - 2);
    g_assert_cmpuint (h2, <=, 2 * h1 + 2);
    g_assert_cmpuint (wp, ==, 20);
    g_assert_cmpuint (hp, ==, 20);
  }
}

static void
test_cli_failures (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *id = new_board (f, "Fails");
  g_autofree char *bad_trace = g_build_filename (f->tmp, "bad.ndjson", NULL);
  g_autofree char *garbage = g_build_filename (f->tmp, "garbage.tafel", NULL);
  g_autofree char *missing = g_build_filename (f->tmp, "missing.tafel", NULL);
  g_autofree char *newer = g_build_filename (g_getenv ("TAFEL_SOURCE_ROOT"), "tests", "fixtures", "tafel",
                                             "n_newer_version.tafel", NULL);
  g_autofree char *png = g_build_filename (f->tmp, "out.png", NULL);

  g_assert_true (g_file_set_contents (bad_trace,
                                      "{\"points\":[[1,2,0.5]]}\n{\"points\":[[1,2,0.5],[\"x\",3]]}\n", -1, NULL));
  g_assert_true (g_file_set_contents (garbage, "this is not a board", -1, NULL));

  /* import */
  cli_fails ((const char *[]) { "import", "--data-dir", f->data, NULL }, "no board");
  cli_fails ((const char *[]) { "import", id, "--data-dir", f->data, NULL }, "--trace");
  cli_fails ((const char *[]) { "import", id, "x", "--trace", f->trace, "--data-dir", f->data, NULL }, "“x”");
  cli_fails ((const char *[]) { "import", id, "--trace", bad_trace, "--data-dir", f->data, NULL }, "Line 2");
  cli_fails ((const char *[]) { "import", id, "--trace", missing, "--data-dir", f->data, NULL }, "missing.tafel");
  cli_fails ((const char *[]) { "import", "abcdef", "--trace", f->trace, "--data-dir", f->data, NULL }, "abcdef");
  cli_fails ((const char *[]) { "import", garbage, "--trace", f->trace, "--data-dir", f->data, NULL }, "garbage.tafel");

  /* info */
  cli_fails ((const char *[]) { "info", "--data-dir", f->data, NULL }, "no board");
  cli_fails ((const char *[]) { "info", id, "extra", "--data-dir", f->data, NULL }, "extra");
  cli_fails ((const char *[]) { "info", "not-hex", "--data-dir", f->data, NULL }, "not-hex");
  cli_fails ((const char *[]) { "info", "0123", "--data-dir", f->data, NULL }, "0123");
  cli_fails ((const char *[]) { "info", garbage, "--data-dir", f->data, NULL }, "not a Tafel board file");
  cli_fails ((const char *[]) { "info", missing, "--data-dir", f->data, NULL }, "missing.tafel");
  cli_fails ((const char *[]) { "info", newer, "--data-dir", f->data, NULL }, "newer version");

  /* export */
  cli_fails ((const char *[]) { "export", id, "--data-dir", f->data, NULL }, "-o");
  cli_fails ((const char *[]) { "export", id, "-o", png, "--data-dir", f->data, NULL }, "empty");
  cli_fails ((const char *[]) { "export", id, "-o", "out.jpg", "--data-dir", f->data, NULL }, ".png, .svg or .pdf");
  cli_fails ((const char *[]) { "export", id, "-o", png, "--area", "1,2,3", "--data-dir", f->data, NULL }, "1,2,3");
  cli_fails ((const char *[]) { "export", "--data-dir", f->data, NULL }, "no board");
  cli_fails ((const char *[]) { "export", garbage, "-o", missing, "--data-dir", f->data, NULL }, "garbage.tafel");
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));

  /* Nothing above changed the board. */
  check_info (f, id, 0, 0, "Fails");
}

static void
test_cli_ambiguous_busy (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(TafelIdentity) me = tafel_identity_new_ephemeral ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelBoard) open_board = NULL;
  guint seen[16] = { 0 };
  char shared[2] = { 0, 0 };

  /* 17 boards: two begin with the same digit. */
  for (guint i = 0; i < 17; i++)
    {
      g_autoptr(TafelBoard) b = tafel_board_create (f->data, me, NULL, &error);

      g_assert_no_error (error);
      if (++seen[g_ascii_xdigit_value (tafel_board_get_id_hex (b)[0])] == 2 && shared[0] == 0)
        shared[0] = tafel_board_get_id_hex (b)[0];
    }
  cli_fails ((const char *[]) { "info", shared, "--data-dir", f->data, NULL }, shared);

  /* A board held open by another process: reading it works, writing is
   * refused with a clear reason. */
  open_board = tafel_board_create (f->data, me, "Open", &error);
  g_assert_no_error (error);
  {
    g_autofree char *out = cli_ok ((const char *[]) { "info", tafel_board_get_id_hex (open_board),
                                                      "--data-dir", f->data, NULL });
    g_assert_nonnull (strstr (out, "Open"));
  }
  cli_fails ((const char *[]) { "import", tafel_board_get_id_hex (open_board), "--trace", f->trace,
                                "--data-dir", f->data, NULL },
             "another Tafel program");
}

static char *
info_field (Fixture    *f,
            const char *board,
            const char *member)
{
  g_autofree char *json = cli_ok ((const char *[]) { "info", board, "--json", "--data-dir", f->data, NULL });
  g_autoptr(JsonNode) root = parse_json (json);

  return g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (json_node_get_object (root), member));
}

/* The report, step by step: 200 strokes in one import, the log's
 * last byte damaged; info and import refuse the board and change nothing,
 * repair keeps a backup and what is intact. */
static void
test_cli_damaged_log (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *id = new_board (f, "Damaged");
  g_autofree char *trace = g_build_filename (f->tmp, "200.ndjson", NULL);
  g_autofree char *log = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *after = NULL;
  g_autofree char *out = NULL;
  g_autofree char *records = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  gsize len, after_len;

  for (guint i = 0; i < 200; i++)
    g_string_append_printf (text, "{\"points\":[[%u,0],[%u,7],[%u,9]]}\n", i, i + 3, i + 5);
  g_assert_true (g_file_set_contents (trace, text->str, -1, NULL));
  g_free (cli_ok ((const char *[]) { "import", id, "--trace", trace, "--data-dir", f->data, NULL }));
  log = g_build_filename (f->data, "boards", id, "log", NULL);
  g_assert_true (g_file_get_contents (log, &bytes, &len, NULL));
  bytes[len - 1] ^= 0xff;
  g_assert_true (g_file_set_contents (log, bytes, (gssize) len, NULL));

  cli_fails ((const char *[]) { "info", id, "--data-dir", f->data, NULL }, "damaged");
  cli_fails ((const char *[]) { "info", id, "--data-dir", f->data, NULL }, "tafel-cli repair");
  cli_fails ((const char *[]) { "import", id, "--trace", f->trace, "--data-dir", f->data, NULL }, "damaged");
  g_assert_true (g_file_get_contents (log, &after, &after_len, NULL));
  g_assert_cmpmem (after, after_len, bytes, len);

  out = cli_ok ((const char *[]) { "repair", id, "--data-dir", f->data, NULL });
  g_assert_nonnull (strstr (out, "log.damaged-"));
  /* Every record up to the last signature stored before the damage. */
  records = info_field (f, id, "records");
  g_assert_cmpstr (records, ==, "192");
  g_free (cli_ok ((const char *[]) { "import", id, "--trace", f->trace, "--data-dir", f->data, NULL }));
  g_free (records);
  records = info_field (f, id, "records");
  g_assert_cmpstr (records, ==, "195");

  cli_fails ((const char *[]) { "repair", "--data-dir", f->data, NULL }, "name a board");
  cli_fails ((const char *[]) { "repair", "0000", "--data-dir", f->data, NULL }, "0000");
}

/* export -o over an existing file on a full disk (a small tmpfs): the
 * export fails and the file is left as it was. */
static void
test_cli_export_full_disk (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *reason = NULL;
  g_autofree char *full = tafel_test_full_disk_new (256 * 1024, &reason);
  g_autofree char *id = NULL;
  g_autofree char *out = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *big = g_build_filename (f->tmp, "big.ndjson", NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  gsize before_len, after_len;

  if (full == NULL)
    {
      g_test_skip (reason);
      return;
    }
  id = new_board (f, "Full");
  out = g_build_filename (full, "board.tafel", NULL);
  g_free (cli_ok ((const char *[]) { "export", id, "-o", out, "--data-dir", f->data, NULL }));
  g_assert_true (g_file_get_contents (out, &before, &before_len, NULL));
  g_assert_cmpuint (before_len, >, 0);

  for (guint i = 0; i < 500; i++)
    g_string_append_printf (text, "{\"points\":[[%u,0],[%u,7],[%u,9],[%u,30]]}\n", i, i + 3, i + 5, i);
  g_assert_true (g_file_set_contents (big, text->str, -1, NULL));
  g_free (cli_ok ((const char *[]) { "import", id, "--trace", big, "--data-dir", f->data, NULL }));
  tafel_test_fill_disk (full);

  cli_fails ((const char *[]) { "export", id, "-o", out, "--data-dir", f->data, NULL }, "No space left");
  g_assert_true (g_file_get_contents (out, &after, &after_len, NULL));
  g_assert_cmpmem (after, after_len, before, before_len);
  {
    g_autoptr(GDir) d = g_dir_open (full, 0, NULL);
    guint n = 0;

    while (g_dir_read_name (d) != NULL)
      n++;
    g_assert_cmpuint (n, ==, 2);   /* the file and the filler */
  }
}

/* @n opening brackets: JSON nested @n levels deep. */
static char *
deep_json (gsize n)
{
  char *text = g_malloc (n + 1);

  memset (text, '[', n);
  text[n] = '\0';
  return text;
}

/* A .tafel file whose metadata is @json (checksum and all correct). */
static void
write_tafel_with_meta (const char *path,
                       const char *json)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 version[4];
  TafelHash sum;

  tafel_put_bytes (out, (const guint8 *) "\x89TAFEL\r\n", 8);
  tafel_store_u32 (version, 1);
  tafel_put_bytes (out, version, 4);
  tafel_put_blob (out, json, strlen (json));
  tafel_put_varint (out, 0);
  tafel_hash (&sum, out->data, out->len);
  tafel_put_bytes (out, sum.bytes, TAFEL_HASH_BYTES);
  g_assert_true (g_file_set_contents (path, (const char *) out->data, (gssize) out->len, NULL));
}

/* No error path repeats a board secret: every command that takes a board,
 * with its link pasted as people paste it (spaces, a line break, quotes
 * lost), in every place an argument can go, and broken links too. */
static void
test_cli_no_secret_echoed (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *out = cli_ok ((const char *[]) { "new", "--title", "Secret", "--data-dir", f->data, NULL });
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  const char *id = lines[0];
  const char *link = lines[1];
  const char *secret = strchr (link, '#') + 1;
  g_autofree char *other_link = NULL;
  g_autofree char *png = g_build_filename (f->tmp, "x.png", NULL);
  g_autofree char *missing_dir = g_build_filename (f->tmp, "nothing", NULL);
  g_autoptr(GPtrArray) forms = g_ptr_array_new_with_free_func (g_free);
  guint n_runs = 0;

  g_assert_cmpuint (strlen (secret), ==, 43);
  /* A link to a board that is not in this data folder, same secret. */
  other_link = g_strdup_printf ("tafel://board/v1/00112233445566778899aabbccddeeff#%s", secret);

  g_ptr_array_add (forms, g_strdup (link));
  g_ptr_array_add (forms, g_strdup_printf (" %s", link));
  g_ptr_array_add (forms, g_strdup_printf ("%s\n", link));
  g_ptr_array_add (forms, g_strdup_printf ("\n\t%s  ", link));
  g_ptr_array_add (forms, g_strdup (other_link));
  g_ptr_array_add (forms, g_strdup_printf (" %s", other_link));
  g_ptr_array_add (forms, g_strdup_printf ("tafel://board/v2/%s#%s", id, secret));
  g_ptr_array_add (forms, g_strdup_printf ("tafel://board/v1x/%s#%s", id, secret));
  g_ptr_array_add (forms, g_strdup_printf ("tafel://board/v1/%.20s#%s", id, secret));
  g_ptr_array_add (forms, g_strdup_printf ("tafel://board/v1/%s?title=%%ZZ#%s", id, secret));
  g_ptr_array_add (forms, g_strdup_printf ("tafel://board/v1/%s?broker=http://x#%s", id, secret));
  g_ptr_array_add (forms, g_strdup_printf ("TAFEL://board/v1/%s#%s", id, secret));
  g_ptr_array_add (forms, g_strdup_printf ("“%s”", link));
  g_ptr_array_add (forms, g_strdup_printf ("<%s>", link));

  for (guint i = 0; i < forms->len; i++)
    {
      const char *l = forms->pdata[i];
      const char *const runs[][10] = {
        { "info", l, "extra", "--data-dir", f->data, NULL },
        { "info", id, l, "--data-dir", f->data, NULL },
        { "info", l, "--data-dir", missing_dir, NULL },
        { "info", id, "--data-dir", l, NULL },
        { "info", l, "--json", "--data-dir", f->data, "--bogus", NULL },
        { "import", l, "--data-dir", f->data, NULL },
        { "import", l, "--trace", l, "--data-dir", f->data, NULL },
        { "import", id, l, "--trace", f->trace, "--data-dir", f->data, NULL },
        { "import", l, "--trace", f->trace, "--data-dir", missing_dir, "x", NULL },
        { "export", l, "--data-dir", f->data, NULL },
        { "export", l, "-o", png, "--data-dir", f->data, NULL },
        { "export", l, "-o", "out.jpg", "--data-dir", f->data, NULL },
        { "export", id, "-o", l, "--data-dir", f->data, NULL },
        { "export", id, l, "-o", png, "--data-dir", f->data, NULL },
        { "repair", l, "--data-dir", f->data, NULL },
        { "repair", id, l, "--data-dir", f->data, NULL },
        { "new", l, "--data-dir", f->data, NULL },
        { "new", "--broker", l, "--data-dir", f->data, NULL },
        { "list", l, "--data-dir", f->data, NULL },
        { l, NULL },
        { "seed", l, "extra", "--data-dir", f->data, NULL },
        { "draw", l, "--data-dir", f->data, NULL },
        { "chat", l, "--data-dir", f->data, NULL },
        { "draw", l, "--trace", l, "--data-dir", f->data, NULL },
      };

      for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
        {
          g_autofree char *o = NULL, *e = NULL;
          int status = run_cli (runs[r], &o, &e);

          n_runs++;
          if (g_spawn_check_wait_status (status, NULL) && g_str_equal (runs[r][0], "info"))
            continue;   /* the board was read: no error to look at */
          if (strstr (o, secret) != NULL || strstr (e, secret) != NULL)
            g_error ("tafel-cli %s %s… printed the board secret: %s%s", runs[r][0],
                     runs[r][1] != NULL ? runs[r][1] : "", o, e);
          /* Not even a part of it. */
          {
            g_autofree char *part = g_strndup (secret, 12);

            g_assert_null (strstr (e, part));
          }
        }
    }
  g_test_message ("%u error paths, no secret in any output", n_runs);

  /* A pasted link with a space or a line break around it is the board, not
   * a file of that name. */
  for (guint i = 1; i < 4; i++)
    check_info (f, forms->pdata[i], 0, 0, "Secret");
}

/* Checks that @err is one line, holds @what and nothing of @secret. */
static void
assert_one_line_without (const char *err,
                         const char *what,
                         const char *secret)
{
  g_autofree char *part = g_strndup (secret, 12);

  g_assert_true (g_str_has_prefix (err, "tafel-cli: "));
  g_assert_cmpint (strchr (err, '\n') - err, ==, strlen (err) - 1);
  if (strstr (err, what) == NULL)
    g_error ("“%s” does not mention “%s”", err, what);
  g_assert_null (strstr (err, part));
}

/* A link read from a file or from standard input, kept off the command
 * line where every user of the machine can read it; a link given as an
 * argument gets a warning that does not repeat it. */
static void
test_cli_link_file (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *out = cli_ok ((const char *[]) { "new", "--title", "Kept", "--data-dir", f->data, NULL });
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  const char *id = lines[0];
  const char *link = lines[1];
  const char *secret = strchr (link, '#') + 1;
  g_autofree char *path = g_build_filename (f->tmp, "board.link", NULL);
  g_autofree char *text = g_strdup_printf ("%s\n", link);
  g_autofree char *png = g_build_filename (f->tmp, "board.png", NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);

  /* From a file: no warning (cli_ok wants an empty stderr). */
  {
    g_autofree char *json = cli_ok ((const char *[]) { "info", "--link-file", path, "--json", "--data-dir", f->data, NULL });

    g_assert_nonnull (strstr (json, id));
    g_assert_nonnull (strstr (json, "\"Kept\""));
  }
  g_free (cli_ok ((const char *[]) { "import", "--link-file", path, "--trace", f->trace, "--data-dir", f->data, NULL }));
  g_free (cli_ok ((const char *[]) { "export", "--link-file", path, "-o", png, "--data-dir", f->data, NULL }));
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));

  /* From standard input, as "-" for the board or for the file, with the
   * spaces and line breaks a pasted link comes with. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *o = NULL, *e = NULL;
      g_autofree char *input = g_strdup_printf ("  %s \r\n", link);
      int status = run_cli_input (i == 0 ? (const char *[]) { "info", "-", "--json", "--data-dir", f->data, NULL }
                                         : (const char *[]) { "info", "--link-file", "-", "--json", "--data-dir", f->data, NULL },
                                  input, &o, &e);

      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_cmpstr (e, ==, "");
      g_assert_nonnull (strstr (o, "\"Kept\""));
    }

  /* As an argument: it works, with one warning line that names the way
   * out and not the secret; also with --json, on stderr only. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *o = NULL, *e = NULL;
      int status = run_cli (i == 0 ? (const char *[]) { "info", link, "--data-dir", f->data, NULL }
                                   : (const char *[]) { "info", link, "--json", "--data-dir", f->data, NULL },
                            &o, &e);

      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_true (g_str_has_prefix (e, ARGUMENT_WARNING));
      assert_one_line_without (e, "--link-file", secret);
      g_assert_null (strstr (o, secret));
      if (i == 1)
        json_node_unref (parse_json (o));
    }
  /* Anywhere on the command line, also where it is refused. */
  {
    g_autofree char *o = NULL, *e = NULL;
    int status = run_cli ((const char *[]) { "seed", id, link, "--data-dir", f->data, NULL }, &o, &e);

    g_assert_false (g_spawn_check_wait_status (status, NULL));
    g_assert_true (g_str_has_prefix (e, ARGUMENT_WARNING));
    g_assert_null (strstr (e, secret));
  }
  /* Links of version 2 (edit, view, seed) too, also when refused. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *o = NULL, *e = NULL;
      g_autofree char *v2 = g_strdup_printf ("tafel://board/v2/%s/%s#%s", id,
                                             (const char *[]) { "edit", "view", "seed" }[i], secret);

      run_cli ((const char *[]) { "info", v2, "--data-dir", f->data, NULL }, &o, &e);
      g_assert_true (g_str_has_prefix (e, ARGUMENT_WARNING));
      g_assert_null (strstr (e, secret));
      g_assert_null (strstr (o, secret));
    }
  /* A link without a secret, or an id, gets no warning. */
  g_free (cli_ok ((const char *[]) { "info", id, "--data-dir", f->data, NULL }));

  /* A link file others can read works, with a warning that names the
   * file and not what it holds. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *o = NULL, *e = NULL;
      int status;

      g_assert_cmpint (g_chmod (path, i == 0 ? 0640 : 0604), ==, 0);
      status = run_cli ((const char *[]) { "info", "--link-file", path, "--data-dir", f->data, NULL }, &o, &e);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      assert_one_line_without (e, path, secret);
      g_assert_nonnull (strstr (e, "chmod 600"));
    }
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);

  /* Bad link files: a clear error, a failure status, nothing they hold
   * repeated. */
  {
    g_autofree char *long_text = g_strnfill (5000, 'a');
    g_autofree char *two_lines = g_strdup_printf ("%s\n%s\n", link, link);
    g_autofree char *other_version = g_strdup_printf ("tafel://board/v9/%s#%s\n", id, secret);
    g_autofree char *garbage = g_strdup_printf ("%s\n", secret);
    g_autofree char *with_nul = g_strdup_printf ("%s\n", link);
    struct { const char *content; gssize length; const char *what; } bad[] = {
      { "", 0, "holds no link" },
      { " \n\t\n", -1, "holds no link" },
      { garbage, -1, "does not hold a Tafel link" },
      { two_lines, -1, "does not hold a Tafel link" },
      { with_nul, (gssize) strlen (link) + 1, "does not hold a Tafel link" },
      { long_text, -1, "longer than" },
      { "tafel://board/v1/\xff\xfe\n", -1, "does not hold a Tafel link" },
      { other_version, -1, "version" },
    };
    g_autofree char *missing = g_build_filename (f->tmp, "missing.link", NULL);
    const char *commands[] = { "info", "export", "import", "seed", "draw", "chat" };

    with_nul[strlen (link) - 5] = '\0';
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *o = NULL, *e = NULL;
        int status;

        g_assert_true (g_file_set_contents (path, bad[i].content, bad[i].length, NULL));
        g_assert_cmpint (g_chmod (path, 0600), ==, 0);
        status = run_cli ((const char *[]) { "info", "--link-file", path, "--data-dir", f->data, NULL }, &o, &e);
        g_assert_false (g_spawn_check_wait_status (status, NULL));
        g_assert_cmpstr (o, ==, "");
        assert_one_line_without (e, bad[i].what, secret);

        /* The same on standard input. */
        g_clear_pointer (&o, g_free);
        g_clear_pointer (&e, g_free);
        if (bad[i].length < 0)
          {
            status = run_cli_input ((const char *[]) { "info", "-", "--data-dir", f->data, NULL }, bad[i].content, &o, &e);
            g_assert_false (g_spawn_check_wait_status (status, NULL));
            g_assert_cmpstr (o, ==, "");
            assert_one_line_without (e, bad[i].what, secret);
          }
      }
    /* Every command that takes a board reads --link-file. */
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      {
        g_autofree char *expected = g_strdup_printf ("%s: The link file", commands[i]);

        cli_fails ((const char *[]) { commands[i], "--link-file", missing, "--data-dir", f->data, NULL }, expected);
      }
    /* A board and a link file: which one? */
    cli_fails ((const char *[]) { "info", id, "--link-file", missing, "--data-dir", f->data, NULL }, "not both");
    cli_fails ((const char *[]) { "info", "--data-dir", f->data, NULL }, "--link-file");
  }
}

static void
assert_no_control_bytes (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 && *p != '\n')
      g_error ("a control byte 0x%02x reached the terminal: %s", (guchar) *p, text);
  g_assert_null (strstr (text, "\xc2\x9b"));
  g_assert_null (strstr (text, "\x7f"));
}

/* Control characters never reach a terminal: titles with ESC, BEL or a
 * line break are refused when set, lose them when read from old
 * metadata, and whatever an error repeats is escaped. */
static void
test_cli_control_characters (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *id = new_board (f, "Plain");
  g_autofree char *meta = g_build_filename (f->data, "boards", id, "meta", NULL);
  static const char *const titles[] = { "Clear\x1b[2J", "Bell\a", "Fake\nline", "C1\xc2\x9b""2J" };
  static const char *const hints[] = { "http://broker.example", "mqtt://user:pass@broker.example" };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autofree char *o = NULL, *e = NULL;
      int status = run_cli ((const char *[]) { "new", "--title", titles[i], "--data-dir", f->data, NULL }, &o, &e);

      g_assert_false (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (e, "control characters"));
      assert_no_control_bytes (e);
    }
  for (guint i = 0; i < G_N_ELEMENTS (hints); i++)
    cli_fails ((const char *[]) { "new", "--broker", hints[i], "--data-dir", f->data, NULL }, "broker");

  /* Metadata written before titles were checked. */
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autofree char *json = NULL;
    g_autofree char *info = NULL;
    g_autofree char *list = NULL;

    g_assert_true (json_parser_load_from_file (parser, meta, NULL));
    json_object_set_string_member (json_node_get_object (json_parser_get_root (parser)), "title",
                                   "Plain\x1b[2J\a\nFake line");
    json = json_to_string (json_parser_get_root (parser), FALSE);
    g_assert_true (g_file_set_contents (meta, json, -1, NULL));
    info = cli_ok ((const char *[]) { "info", id, "--data-dir", f->data, NULL });
    list = cli_ok ((const char *[]) { "list", "--data-dir", f->data, NULL });
    assert_no_control_bytes (info);
    assert_no_control_bytes (list);
    g_assert_nonnull (strstr (info, "Plain [2J  Fake line"));
  }

  /* An error that repeats what it was given. */
  {
    g_autofree char *o = NULL, *e = NULL;
    int status = run_cli ((const char *[]) { "info", "\x1b[2J\aboard", "--data-dir", f->data, NULL }, &o, &e);

    g_assert_false (g_spawn_check_wait_status (status, NULL));
    assert_no_control_bytes (e);
    g_assert_nonnull (strstr (e, "\\x1b[2J\\x07board"));
  }
}

/* Numbers a trace cannot hold are refused with the line number, not
 * wrapped (18446744073709551617 was imported as x = 1); a trace that
 * starts with a UTF-8 byte order mark is read. */
static void
test_cli_trace_numbers (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *id = new_board (f, "Numbers");
  g_autofree char *trace = g_build_filename (f->tmp, "numbers.ndjson", NULL);
  static const char *const bad[] = {
    "[[18446744073709551617,0]]",
    "[[0,18446744073709551616]]",
    "[[-9223372036854775809,0]]",
    "[[100000000000000000000000000,0]]",
    "[[1e400,0]]",
    "[[1e26,0]]",
    "[[0,-1e26]]",
    "[[0,0,1e26]]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"points\":[[1,2]]}\n\n{\"points\":%s}\n", bad[i]);

      g_assert_true (g_file_set_contents (trace, text, -1, NULL));
      cli_fails ((const char *[]) { "import", id, "--trace", trace, "--data-dir", f->data, NULL }, "Line 3");
    }
  /* The largest integers json-glib holds are read (and refused for
   * lying outside the board, not as numbers). */
  g_assert_true (g_file_set_contents (trace, "{\"points\":[[9223372036854775807,0]]}\n", -1, NULL));
  cli_fails ((const char *[]) { "import", id, "--trace", trace, "--data-dir", f->data, NULL }, "outside the board");
  g_assert_true (g_file_set_contents (trace, "{\"points\":[[-9223372036854775808,0]]}\n", -1, NULL));
  cli_fails ((const char *[]) { "import", id, "--trace", trace, "--data-dir", f->data, NULL }, "outside the board");
  check_info (f, id, 0, 0, "Numbers");

  g_assert_true (g_file_set_contents (trace, "\xEF\xBB\xBF{\"points\":[[1,2],[3,4e0]]}\n", -1, NULL));
  g_free (cli_ok ((const char *[]) { "import", id, "--trace", trace, "--data-dir", f->data, NULL }));
  check_info (f, id, 1, 2, "Numbers");
}

/* list shows the boards it can read, names on stderr each one it cannot
 * with the reason, and exits 1 (also with --json). */
static void
assert_list_names_unreadable (Fixture    *f,
                              const char *id,
                              const char *why)
{
  g_autofree char *other = new_board (f, "Readable");

  for (guint json = 0; json < 2; json++)
    {
      g_autofree char *out = NULL, *err = NULL;
      int status = run_cli (json ? (const char *[]) { "list", "--json", "--data-dir", f->data, NULL }
                                 : (const char *[]) { "list", "--data-dir", f->data, NULL },
                            &out, &err);

      g_assert_false (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (out, other));
      g_assert_null (strstr (out, id));
      g_assert_true (g_str_has_prefix (err, "tafel-cli: list: board "));
      g_assert_nonnull (strstr (err, id));
      if (strstr (err, why) == NULL)
        g_error ("“%s” does not mention “%s”", err, why);
    }
}

/* JSON nested 100,000 levels deep (160 KB and less) crashed json-glib's
 * recursive parser; every door refuses it with a clear message. */
static void
test_cli_deep_json (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *id = new_board (f, "Deep");
  g_autofree char *deep = deep_json (100000);
  g_autofree char *file = g_build_filename (f->tmp, "deep.tafel", NULL);
  g_autofree char *trace = g_build_filename (f->tmp, "deep.ndjson", NULL);
  g_autofree char *line = g_strdup_printf ("{\"points\":[[1,2]]}\n{\"points\":%s\n", deep);
  g_autofree char *meta = g_build_filename (f->data, "boards", id, "meta", NULL);

  write_tafel_with_meta (file, deep);
  cli_fails ((const char *[]) { "info", file, "--data-dir", f->data, NULL }, "nests more than 32 levels");
  cli_fails ((const char *[]) { "import", file, "--trace", f->trace, "--data-dir", f->data, NULL },
             "nests more than 32 levels");

  g_assert_true (g_file_set_contents (trace, line, -1, NULL));
  cli_fails ((const char *[]) { "import", id, "--trace", trace, "--data-dir", f->data, NULL }, "Line 2");
  cli_fails ((const char *[]) { "import", id, "--trace", trace, "--data-dir", f->data, NULL },
             "nests more than 32 levels");
  check_info (f, id, 0, 0, "Deep");

  /* 32 levels are still read (and refused for what they are). */
  {
    g_autofree char *ok_depth = deep_json (32);

    write_tafel_with_meta (file, ok_depth);
    cli_fails ((const char *[]) { "info", file, "--data-dir", f->data, NULL }, "not a usable Tafel board file");
  }

  g_assert_true (g_file_set_contents (meta, deep, -1, NULL));
  cli_fails ((const char *[]) { "info", id, "--data-dir", f->data, NULL }, "nests more than 32 levels");
  assert_list_names_unreadable (f, id, "nests more than 32 levels");
}

int
main (int    argc,
      char **argv)
{
  tafel_test_private_mounts ();
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/cli/version", test_cli_version);
  g_test_add_func ("/tafel/cli/help", test_cli_help);
  g_test_add_func ("/tafel/cli/unknown-command", test_cli_unknown_command);
  g_test_add ("/tafel/cli/new-list", Fixture, NULL, fixture_set_up, test_cli_new_list, fixture_tear_down);
  g_test_add ("/tafel/cli/new-failures", Fixture, NULL, fixture_set_up, test_cli_new_failures, fixture_tear_down);
  g_test_add ("/tafel/cli/import-info-export", Fixture, NULL, fixture_set_up, test_cli_import_info_export,
              fixture_tear_down);
  g_test_add ("/tafel/cli/digest-and-images", Fixture, NULL, fixture_set_up, test_cli_digest_and_images,
              fixture_tear_down);
  g_test_add ("/tafel/cli/failures", Fixture, NULL, fixture_set_up, test_cli_failures, fixture_tear_down);
  g_test_add ("/tafel/cli/ambiguous-busy", Fixture, NULL, fixture_set_up, test_cli_ambiguous_busy,
              fixture_tear_down);
  g_test_add ("/tafel/cli/damaged-log", Fixture, NULL, fixture_set_up, test_cli_damaged_log, fixture_tear_down);
  g_test_add ("/tafel/cli/no-secret-echoed", Fixture, NULL, fixture_set_up, test_cli_no_secret_echoed,
              fixture_tear_down);
  g_test_add ("/tafel/cli/link-file", Fixture, NULL, fixture_set_up, test_cli_link_file, fixture_tear_down);
  g_test_add ("/tafel/cli/control-characters", Fixture, NULL, fixture_set_up, test_cli_control_characters,
              fixture_tear_down);
  g_test_add ("/tafel/cli/trace-numbers", Fixture, NULL, fixture_set_up, test_cli_trace_numbers, fixture_tear_down);
  g_test_add ("/tafel/cli/deep-json", Fixture, NULL, fixture_set_up, test_cli_deep_json, fixture_tear_down);
  g_test_add ("/tafel/cli/export-full-disk", Fixture, NULL, fixture_set_up, test_cli_export_full_disk,
              fixture_tear_down);

  return g_test_run ();
}
