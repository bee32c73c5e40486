/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tafel-core.h"
#include "tafel-test-util.h"
#include "tafel-identity.h"

static char *
new_data_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("tafel-identity-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
test_identity_create_and_load (void)
{
  g_autofree char *base = new_data_dir ();
  g_autofree char *dir = g_build_filename (base, "deeper", "tafel", NULL);
  g_autofree char *path = g_build_filename (dir, "identity", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelIdentity) a = tafel_identity_load_or_create (dir, &error);
  g_autoptr(TafelIdentity) b = NULL;
  struct stat st;

  g_assert_no_error (error);
  g_assert_nonnull (a);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (st.st_size, ==, 105);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  b = tafel_identity_load_or_create (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (tafel_identity_get_public_key (a), 32, tafel_identity_get_public_key (b), 32);

  /* Both sign the same: b holds the same secret key. */
  {
    TafelSignature sa, sb;

    tafel_identity_sign (a, &sa, "m", 1);
    tafel_identity_sign (b, &sb, "m", 1);
    g_assert_cmpmem (&sa, sizeof sa, &sb, sizeof sb);
    g_assert_true (tafel_verify (&sa, tafel_identity_get_public_key (b), "m", 1));
  }
  tafel_test_remove_tree (base);
}

static void
test_identity_ephemeral (void)
{
  g_autoptr(TafelIdentity) a = tafel_identity_new_ephemeral ();
  g_autoptr(TafelIdentity) b = tafel_identity_new_ephemeral ();

  g_assert_cmpint (memcmp (tafel_identity_get_public_key (a), tafel_identity_get_public_key (b), 32), !=, 0);
}

static void
test_identity_permissions (void)
{
  g_autofree char *dir = new_data_dir ();
  g_autofree char *path = g_build_filename (dir, "identity", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelIdentity) a = tafel_identity_load_or_create (dir, &error);
  g_autoptr(TafelIdentity) b = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize len_before, len_after;
  struct stat st;

  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &before, &len_before, NULL));

  /* Readable by the group: refused, and neither fixed nor replaced. */
  g_assert_cmpint (g_chmod (path, 0640), ==, 0);
  b = tafel_identity_load_or_create (dir, &error);
  g_assert_null (b);
  g_assert_error (error, TAFEL_IDENTITY_ERROR, TAFEL_IDENTITY_ERROR_PERMISSIONS);
  g_assert_nonnull (strstr (error->message, "chmod 600"));
  g_clear_error (&error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0640);
  g_assert_true (g_file_get_contents (path, &after, &len_after, NULL));
  g_assert_cmpmem (before, len_before, after, len_after);

  /* Writable by others, too. */
  g_assert_cmpint (g_chmod (path, 0602), ==, 0);
  b = tafel_identity_load_or_create (dir, &error);
  g_assert_error (error, TAFEL_IDENTITY_ERROR, TAFEL_IDENTITY_ERROR_PERMISSIONS);
  g_clear_error (&error);

  /* Made private again: the same key loads. */
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  b = tafel_identity_load_or_create (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (tafel_identity_get_public_key (a), 32, tafel_identity_get_public_key (b), 32);
  tafel_test_remove_tree (dir);
}

static void
check_corrupt (const char   *dir,
               const guint8 *data,
               gsize         len)
{
  g_autofree char *path = g_build_filename (dir, "identity", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelIdentity) id = NULL;
  g_autofree char *after = NULL;
  gsize after_len;

  FILE *f = fopen (path, "wb");

  g_assert_nonnull (f);
  g_assert_cmpuint (fwrite (data, 1, len, f), ==, len);
  g_assert_cmpint (fclose (f), ==, 0);
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  id = tafel_identity_load_or_create (dir, &error);
  g_assert_null (id);
  g_assert_error (error, TAFEL_IDENTITY_ERROR, TAFEL_IDENTITY_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, path));
  /* Never silently replaced by a new key. */
  g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  g_assert_cmpmem (after, after_len, data, len);
}

static void
test_identity_corrupt (void)
{
  g_autofree char *dir = new_data_dir ();
  g_autofree char *path = g_build_filename (dir, "identity", NULL);
  g_autoptr(TafelIdentity) a = tafel_identity_load_or_create (dir, NULL);
  g_autofree guint8 *good = NULL;
  gsize len;

  g_assert_nonnull (a);
  g_assert_true (g_file_get_contents (path, (char **) &good, &len, NULL));

  /* Empty, short, long, wrong magic, newer version, a flipped bit in the key
   * or in the checksum. */
  check_corrupt (dir, good, 0);
  check_corrupt (dir, good, len - 1);
  {
    g_autofree guint8 *longer = g_malloc0 (len + 1);

    memcpy (longer, good, len);
    check_corrupt (dir, longer, len + 1);
  }
  for (gsize i = 0; i < len; i += 7)
    {
      g_autofree guint8 *copy = g_memdup2 (good, len);

      copy[i] ^= 0x10;
      check_corrupt (dir, copy, len);
    }
  {
    g_autofree guint8 *newer = g_memdup2 (good, len);

    newer[8] = 2;
    check_corrupt (dir, newer, len);
  }
  tafel_test_remove_tree (dir);
}

static void
test_identity_symlink (void)
{
  g_autofree char *dir = new_data_dir ();
  g_autofree char *path = g_build_filename (dir, "identity", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelIdentity) id = NULL;

  g_assert_cmpint (symlink ("/etc/hostname", path), ==, 0);
  id = tafel_identity_load_or_create (dir, &error);
  g_assert_null (id);
  g_assert_error (error, TAFEL_IDENTITY_ERROR, TAFEL_IDENTITY_ERROR_CORRUPT);
  tafel_test_remove_tree (dir);
}

static void
test_identity_io_error (void)
{
  g_autofree char *dir = new_data_dir ();
  g_autofree char *blocked = g_build_filename (dir, "not-a-dir", NULL);
  g_autofree char *inside = g_build_filename (blocked, "tafel", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelIdentity) id = NULL;

  g_assert_true (g_file_set_contents (blocked, "x", 1, NULL));
  id = tafel_identity_load_or_create (inside, &error);
  g_assert_null (id);
  g_assert_error (error, TAFEL_IDENTITY_ERROR, TAFEL_IDENTITY_ERROR_IO);
  tafel_test_remove_tree (dir);
}

/* Ids, keys and secrets in text: one lowercase spelling each. */
static void
test_hex (void)
{
  static const guint8 bytes[4] = { 0x00, 0xff, 0x10, 0xab };
  g_autofree char *hex = tafel_hex_encode (bytes, sizeof bytes);
  g_autofree char *empty = tafel_hex_encode (NULL, 0);
  guint8 out[4] = { 0 };
  TafelPublicKey key;
  char short_hex[TAFEL_PUBLIC_KEY_SHORT_HEX_SIZE];

  g_assert_cmpstr (hex, ==, "00ff10ab");
  g_assert_cmpstr (empty, ==, "");
  g_assert_true (tafel_hex_decode (hex, -1, out, sizeof out));
  g_assert_cmpmem (out, sizeof out, bytes, sizeof bytes);

  /* A length picks the digits out of longer text (a link). */
  memset (out, 0, sizeof out);
  g_assert_true (tafel_hex_decode ("00ff10ab?b=x", 8, out, sizeof out));
  g_assert_cmpmem (out, sizeof out, bytes, sizeof bytes);

  /* Uppercase, too short or long, not hex, missing: refused. */
  g_assert_false (tafel_hex_decode ("00FF10AB", -1, out, sizeof out));
  g_assert_false (tafel_hex_decode ("00ff10a", -1, out, sizeof out));
  g_assert_false (tafel_hex_decode ("00ff10abcd", -1, out, sizeof out));
  g_assert_false (tafel_hex_decode ("00ff10ag", -1, out, sizeof out));
  g_assert_false (tafel_hex_decode ("00ff10ab?b=x", -1, out, sizeof out));
  g_assert_false (tafel_hex_decode (NULL, -1, out, sizeof out));

  for (guint i = 0; i < TAFEL_PUBLIC_KEY_BYTES; i++)
    key.bytes[i] = (guint8) (0xf0 + i);
  g_assert_cmpstr (tafel_public_key_to_short_hex (&key, short_hex), ==, "f0f1f2f3");
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/identity/create-and-load", test_identity_create_and_load);
  g_test_add_func ("/tafel/identity/ephemeral", test_identity_ephemeral);
  g_test_add_func ("/tafel/identity/permissions", test_identity_permissions);
  g_test_add_func ("/tafel/identity/corrupt", test_identity_corrupt);
  g_test_add_func ("/tafel/identity/symlink", test_identity_symlink);
  g_test_add_func ("/tafel/identity/io-error", test_identity_io_error);
  g_test_add_func ("/tafel/crypto/hex", test_hex);

  return g_test_run ();
}
