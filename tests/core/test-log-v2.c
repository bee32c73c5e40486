/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Version 2 records (docs/access.md) in the log and in the log file: kept
 * losslessly, mixed with version 1, and every guarantee of the file
 * (torn tail, damage, repair, formats) holds for them. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "tafel-board-meta-private.h"
#include "tafel-board-private.h"
#include "tafel-board.h"
#include "tafel-bytes.h"
#include "tafel-core.h"
#include "tafel-identity.h"
#include "tafel-log-file.h"
#include "tafel-log-private.h"
#include "tafel-log.h"
#include "tafel-record-private.h"
#include "tafel-test-util.h"

#define KEY_A  0x5eed1234u
#define KEY_B  0x0badcafeu
#define T0     G_GUINT64_CONSTANT (1796000000123)

static const guint8 board_id[TAFEL_BOARD_ID_BYTES] = {
  0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
};
static guint8 key_b[TAFEL_KEY_BYTES];

/* ---- Records ------------------------------------------------------------- */

/* Appends the next record of @id to @chain: version 1 with @v1, else
 * version 2 with @key_id and @time; lamport is 3 × seq. */
static TafelRecord *
chain_add (GPtrArray     *chain,
           TafelIdentity *id,
           gboolean       v1,
           guint32        key_id,
           guint64        time)
{
  guint64 seq = chain->len + 1;
  TafelRecord *prev = chain->len > 0 ? chain->pdata[chain->len - 1] : NULL;
  g_autoptr(GBytes) body = tafel_test_stroke_body (4 + seq % 20, (guint32) seq);
  TafelRecord *r;

  if (v1)
    r = tafel_identity_sign_record (id, seq, prev != NULL ? tafel_record_get_id (prev) : NULL,
                                    3 * seq, TAFEL_RECORD_KIND_STROKE, body);
  else
    r = tafel_identity_sign_record_v2 (id, seq, prev != NULL ? tafel_record_get_id (prev) : NULL,
                                       3 * seq, TAFEL_RECORD_KIND_STROKE, key_id, key_b, time, body);
  g_assert_nonnull (r);
  g_ptr_array_add (chain, r);
  return r;
}

/* Three version 1 records, then version 2 ones whose key id changes, and
 * whose time jumps back, to 0 and to the limit. */
static GPtrArray *
mixed_chain (TafelIdentity *id)
{
  GPtrArray *chain = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  static const struct { guint32 key_id; guint64 time; } v2[] = {
    { 0, T0 }, { 0, T0 + 250 }, { KEY_A, T0 + 251 }, { KEY_A, T0 - 100000 }, { KEY_B, 0 },
    { KEY_B, TAFEL_RECORD_MAX_CLOCK }, { KEY_A, TAFEL_RECORD_MAX_CLOCK }, { KEY_A, T0 + 9 },
  };

  for (guint i = 0; i < 3; i++)
    chain_add (chain, id, TRUE, 0, 0);
  for (guint i = 0; i < G_N_ELEMENTS (v2); i++)
    chain_add (chain, id, FALSE, v2[i].key_id, v2[i].time);
  return chain;
}

/* An author whose records are all version 2, from seq 1. */
static GPtrArray *
v2_chain (TafelIdentity *id,
          guint          n)
{
  GPtrArray *chain = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);

  for (guint i = 0; i < n; i++)
    chain_add (chain, id, FALSE, KEY_A, T0 + 1000 * i);
  return chain;
}

/* The record the log holds at (author, seq) encodes to exactly @want's
 * envelope (signature aside: the log keeps its head's only). */
static void
assert_same_record (TafelLog    *log,
                    TafelRecord *want)
{
  g_autoptr(TafelRecord) got = tafel_log_lookup_seq (log, tafel_record_get_author (want),
                                                     tafel_record_get_seq (want));
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;
  TafelLogEntryView view;

  g_assert_nonnull (got);
  g_assert_cmpuint (tafel_record_get_version (got), ==, tafel_record_get_version (want));
  g_assert_cmpuint (tafel_record_get_key_id (got), ==, tafel_record_get_key_id (want));
  g_assert_cmpuint (tafel_record_get_time (got), ==, tafel_record_get_time (want));
  g_assert_true (tafel_hash_equal (tafel_record_get_id (got), tafel_record_get_id (want)));
  a = tafel_record_dup_signed_bytes (got);
  b = tafel_record_dup_signed_bytes (want);
  g_assert_true (g_bytes_equal (a, b));
  if (tafel_record_get_signature (got) != NULL)
    {
      g_autoptr(GBytes) ea = tafel_record_encode (got);
      g_autoptr(GBytes) eb = tafel_record_encode (want);

      g_assert_true (g_bytes_equal (ea, eb));
      g_assert_true (tafel_record_verify_signature (got, NULL));
    }

  g_assert_true (tafel_log_peek (log, tafel_record_get_author (want), tafel_record_get_seq (want), &view));
  g_assert_cmpuint (view.version, ==, tafel_record_get_version (want));
  g_assert_cmpuint (view.key_id, ==, tafel_record_get_key_id (want));
  g_assert_cmpuint (view.time, ==, tafel_record_get_time (want));
  g_assert_cmpmem (view.body, view.body_len, g_bytes_get_data (tafel_record_get_body (want), NULL),
                   g_bytes_get_size (tafel_record_get_body (want)));
}

static gboolean
digest_one (TafelRecord *record,
            gpointer     user_data)
{
  g_autoptr(GBytes) bytes = tafel_record_encode (record);

  g_checksum_update (user_data, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return TRUE;
}

/* Every record in foreach order, whole envelopes. */
static char *
log_digest (TafelLog *log)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  tafel_log_foreach (log, digest_one, sum);
  return g_strdup (g_checksum_get_string (sum));
}

static void
add_run (TafelLog  *log,
         GPtrArray *chain,
         guint      from,
         guint      to)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tafel_log_add_run (log, (TafelRecord **) chain->pdata + from, to - from, &error));
  g_assert_no_error (error);
}

/* ---- Files --------------------------------------------------------------- */

static char *
tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("tafel-log-v2-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static guint32
file_format (const char *path)
{
  g_autofree guint8 *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, (char **) &data, &len, NULL));
  g_assert_cmpuint (len, >=, 32);
  return tafel_load_u32 (data + 8);
}

static void
append (TafelLogFile *file,
        GPtrArray    *chain,
        guint         from,
        guint         to)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tafel_log_file_append (file, (TafelRecord **) chain->pdata + from, to - from, &error));
  g_assert_no_error (error);
  g_assert_true (tafel_log_file_sync (file, &error));
  g_assert_no_error (error);
}

static void
write_file (const char   *path,
            const guint8 *data,
            gsize         len)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) len, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
}

/* Offsets of the frames after the header. */
static GArray *
frame_offsets (const guint8 *data,
               gsize         len)
{
  GArray *offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize off = 32;

  while (off < len)
    {
      guint64 n = 0;
      guint shift = 0;
      gsize p = off;

      for (;;)
        {
          guint8 b = data[p++];

          n |= (guint64) (b & 0x7f) << shift;
          if (!(b & 0x80))
            break;
          shift += 7;
        }
      g_array_append_val (offsets, off);
      off = p + 2 + n + 4;
    }
  g_assert_cmpuint (off, ==, len);
  return offsets;
}

/* A log file at @dir/log of @mine (mixed) and @theirs (version 2 only),
 * in three appends: version 1 first, so the file starts in format 1. */
static char *
write_mixed_file (const char *dir,
                  GPtrArray  *mine,
                  GPtrArray  *theirs)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "log", NULL);
  g_autoptr(TafelLogFile) file = tafel_log_file_create (path, board_id, &error);

  g_assert_no_error (error);
  append (file, mine, 0, 3);
  g_assert_cmpuint (file_format (path), ==, 1);
  append (file, mine, 3, 7);
  g_assert_cmpuint (file_format (path), ==, 2);
  append (file, theirs, 0, theirs->len);
  append (file, mine, 7, mine->len - 1);
  append (file, mine, mine->len - 1, mine->len);
  return path;
}

/* ---- Tests --------------------------------------------------------------- */

/* The log hands back version 2 records exactly: key id, time, id,
 * envelope, signature. */
static void
test_memory (void)
{
  g_autoptr(TafelIdentity) me = tafel_identity_new_ephemeral ();
  g_autoptr(TafelIdentity) other = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) mine = mixed_chain (me);
  g_autoptr(GPtrArray) theirs = v2_chain (other, 5);
  g_autoptr(TafelLog) log = tafel_log_new ();
  g_autoptr(TafelVersionVector) empty = tafel_version_vector_new ();
  g_autoptr(GPtrArray) missing = NULL;

  add_run (log, mine, 0, 4);
  add_run (log, mine, 4, mine->len);
  for (guint i = 0; i < theirs->len; i++)
    add_run (log, theirs, i, i + 1);
  g_assert_cmpuint (tafel_log_get_n_records (log), ==, mine->len + theirs->len);
  for (guint i = 0; i < mine->len; i++)
    assert_same_record (log, mine->pdata[i]);
  for (guint i = 0; i < theirs->len; i++)
    assert_same_record (log, theirs->pdata[i]);

  /* What sync sends: the same envelopes, ending at a signed head. */
  missing = tafel_log_dup_missing (log, empty);
  g_assert_cmpuint (missing->len, ==, mine->len + theirs->len);
  for (guint i = 0; i < missing->len; i++)
    {
      TafelRecord *r = missing->pdata[i];
      GPtrArray *chain = tafel_key_equal (tafel_record_get_author (r), tafel_identity_get_public_key (me)) ? mine : theirs;
      TafelRecord *want = chain->pdata[tafel_record_get_seq (r) - 1];

      g_assert_true (tafel_hash_equal (tafel_record_get_id (r), tafel_record_get_id (want)));
      g_assert_cmpuint (tafel_record_get_version (r), ==, tafel_record_get_version (want));
    }

  /* A second log fed from the first's records takes them all. */
  {
    g_autoptr(TafelLog) copy = tafel_log_new ();
    g_autofree char *d1 = log_digest (log);
    g_autofree char *d2 = NULL;

    for (guint i = 0; i < missing->len; )
      {
        guint j = i + 1;

        while (j < missing->len &&
               tafel_key_equal (tafel_record_get_author (missing->pdata[j]),
                                tafel_record_get_author (missing->pdata[i])))
          j++;
        add_run (copy, missing, i, j);
        i = j;
      }
    d2 = log_digest (copy);
    g_assert_cmpstr (d1, ==, d2);
  }

  /* Still refused: a version 2 record whose body is not what it signed. */
  {
    TafelRecord *last = mine->pdata[mine->len - 1];
    g_autoptr(GBytes) bad_body = g_bytes_new_static ("xx", 2);
    g_autoptr(TafelRecord) forged = tafel_record_new_v2 (tafel_record_get_author (last),
                                                         tafel_record_get_seq (last) + 1,
                                                         tafel_record_get_id (last),
                                                         tafel_record_get_lamport (last) + 1,
                                                         TAFEL_RECORD_KIND_STROKE, KEY_A, T0,
                                                         bad_body, tafel_record_get_signature (last));
    g_autoptr(GError) error = NULL;

    g_assert_false (tafel_log_add (log, forged, &error));
    g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_BAD_SIGNATURE);
  }
}

/* Appended to the file, read back, appended to again after the reopen
 * (the writer learns each author's last key id and time), read back. */
static void
test_file_roundtrip (void)
{
  g_autoptr(TafelIdentity) me = tafel_identity_new_ephemeral ();
  g_autoptr(TafelIdentity) other = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) mine = mixed_chain (me);
  g_autoptr(GPtrArray) theirs = v2_chain (other, 6);
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = NULL;
  g_autoptr(TafelLog) want = tafel_log_new ();
  g_autofree char *want_digest = NULL;
  g_autoptr(GError) error = NULL;

  add_run (want, mine, 0, mine->len);
  add_run (want, theirs, 0, theirs->len);
  want_digest = log_digest (want);
  path = write_mixed_file (dir, mine, theirs);

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(TafelLog) log = tafel_log_new ();
      g_autoptr(TafelLog) read = tafel_log_new ();
      g_autoptr(TafelLogFile) file = tafel_log_file_open (path, board_id, log, &error);
      g_autofree char *got = NULL;
      g_autofree char *got_read = NULL;

      g_assert_no_error (error);
      g_assert_true (tafel_log_file_read (path, board_id, read, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (tafel_log_get_n_records (log), ==, mine->len + theirs->len);
      for (guint i = 0; i < mine->len; i++)
        assert_same_record (log, mine->pdata[i]);
      for (guint i = 0; i < theirs->len; i++)
        assert_same_record (log, theirs->pdata[i]);
      got = log_digest (log);
      got_read = log_digest (read);
      g_assert_cmpstr (got, ==, want_digest);
      g_assert_cmpstr (got_read, ==, want_digest);
      if (round == 1)
        break;

      /* More of both after the reopen: same key id, another one, a time
       * far back; both authors in one append. */
      {
        g_autoptr(GPtrArray) batch = g_ptr_array_new ();

        chain_add (mine, me, FALSE, KEY_A, T0 + 5);
        chain_add (mine, me, FALSE, KEY_B, 17);
        chain_add (theirs, other, FALSE, KEY_A, T0 + 100000);
        chain_add (theirs, other, TRUE, 0, 0);
        g_ptr_array_add (batch, mine->pdata[mine->len - 2]);
        g_ptr_array_add (batch, mine->pdata[mine->len - 1]);
        g_ptr_array_add (batch, theirs->pdata[theirs->len - 2]);
        g_ptr_array_add (batch, theirs->pdata[theirs->len - 1]);
        append (file, batch, 0, batch->len);
        add_run (want, mine, mine->len - 2, mine->len);
        add_run (want, theirs, theirs->len - 2, theirs->len);
        g_free (want_digest);
        want_digest = log_digest (want);
      }
    }
  g_assert_cmpuint (file_format (path), ==, 2);
  tafel_test_remove_tree (dir);
}

/* A file that today's Tafel wrote (format 1) opens unchanged, keeps format
 * 1 for version 1 records, and is rewritten once into format 2 by its
 * first version 2 record: the same frames under a new header, with the
 * board still locked. */
static void
test_format1_fixture (void)
{
  g_autofree char *fixture = g_build_filename (g_getenv ("TAFEL_SOURCE_ROOT"), "tests", "fixtures",
                                               "logs", "format1.tafel-log", NULL);
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "log", NULL);
  g_autofree guint8 *orig = NULL;
  g_autofree guint8 *before = NULL;
  g_autofree guint8 *after = NULL;
  gsize orig_len, after_len, v1_len;
  g_autoptr(TafelIdentity) me = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) mine = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *digest = NULL;

  g_assert_true (g_file_get_contents (fixture, (char **) &orig, &orig_len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tafel_load_u32 (orig + 8), ==, 1);
  write_file (path, orig, orig_len);

  {
    g_autoptr(TafelLog) log = tafel_log_new ();
    g_autoptr(TafelLogFile) file = tafel_log_file_open (path, board_id, log, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (tafel_log_get_n_records (log), ==, 12);
    g_assert_cmpuint (tafel_log_get_n_authors (log), ==, 2);
    digest = log_digest (log);
    chain_add (mine, me, TRUE, 0, 0);
    append (file, mine, 0, 1);
  }
  /* Opening changed nothing; a version 1 record keeps format 1. */
  g_assert_cmpuint (file_format (path), ==, 1);
  g_assert_true (g_file_get_contents (path, (char **) &before, &v1_len, NULL));
  g_assert_cmpuint (v1_len, >, orig_len);
  g_assert_cmpmem (before, orig_len, orig, orig_len);

  {
    g_autoptr(TafelLog) log = tafel_log_new ();
    g_autoptr(TafelLog) other = tafel_log_new ();
    g_autoptr(TafelLogFile) file = tafel_log_file_open (path, board_id, log, &error);
    g_autoptr(TafelLogFile) second = NULL;

    g_assert_no_error (error);
    chain_add (mine, me, FALSE, KEY_A, T0);
    append (file, mine, 1, 2);
    g_assert_cmpuint (file_format (path), ==, 2);
    /* The new file is the one locked. */
    second = tafel_log_file_open (path, board_id, other, &error);
    g_assert_null (second);
    g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_BUSY);
    g_clear_error (&error);
    /* Appends after the upgrade go to the new file. */
    chain_add (mine, me, FALSE, KEY_A, T0 + 1);
    append (file, mine, 2, 3);
  }

  /* Every frame of the old file is still there, byte for byte, and only
   * the header (format and its CRC) changed. */
  g_assert_true (g_file_get_contents (path, (char **) &after, &after_len, NULL));
  g_assert_cmpuint (after_len, >, v1_len);
  g_assert_cmpmem (after, 8, before, 8);
  g_assert_cmpuint (tafel_load_u32 (after + 8), ==, 2);
  g_assert_cmpmem (after + 12, 16, before + 12, 16);
  g_assert_cmpmem (after + 32, v1_len - 32, before + 32, v1_len - 32);
  g_assert_cmpuint (tafel_crc32c (0, after, 28), ==, tafel_load_u32 (after + 28));

  {
    g_autoptr(TafelLog) log = tafel_log_new ();
    g_autoptr(TafelLogFile) file = tafel_log_file_open (path, board_id, log, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (tafel_log_get_n_records (log), ==, 15);
    for (guint i = 0; i < mine->len; i++)
      assert_same_record (log, mine->pdata[i]);
  }
  tafel_test_remove_tree (dir);
}

/* A file of format 1 never holds a version 2 record: one that does is
 * damage (Tafel 0.1 would misread it). */
static void
test_format1_refuses_v2 (void)
{
  g_autoptr(TafelIdentity) me = tafel_identity_new_ephemeral ();
  g_autoptr(TafelIdentity) other = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) mine = mixed_chain (me);
  g_autoptr(GPtrArray) theirs = v2_chain (other, 2);
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = write_mixed_file (dir, mine, theirs);
  g_autofree guint8 *data = NULL;
  gsize len;
  g_autoptr(TafelLog) log = tafel_log_new ();
  g_autoptr(TafelLogFile) file = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, (char **) &data, &len, NULL));
  tafel_store_u32 (data + 8, 1);
  tafel_store_u32 (data + 28, tafel_crc32c (0, data, 28));
  write_file (path, data, len);
  file = tafel_log_file_open (path, board_id, log, &error);
  g_assert_null (file);
  g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_DAMAGED_LOG);

  /* A newer format than 2 is not read. */
  g_clear_error (&error);
  g_clear_object (&log);
  log = tafel_log_new ();
  tafel_store_u32 (data + 8, 3);
  tafel_store_u32 (data + 28, tafel_crc32c (0, data, 28));
  write_file (path, data, len);
  file = tafel_log_file_open (path, board_id, log, &error);
  g_assert_null (file);
  g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_NEWER_VERSION);
  tafel_test_remove_tree (dir);
}

/* Damage in any version 2 frame, the last included, is found, and the
 * file is left alone; a torn last frame cuts only that frame. */
static void
test_damage_and_torn (void)
{
  g_autoptr(TafelIdentity) me = tafel_identity_new_ephemeral ();
  g_autoptr(TafelIdentity) other = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) mine = mixed_chain (me);
  g_autoptr(GPtrArray) theirs = v2_chain (other, 3);
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = write_mixed_file (dir, mine, theirs);
  g_autofree guint8 *good = NULL;
  g_autoptr(GArray) offsets = NULL;
  gsize len, last;
  g_autoptr(GError) error = NULL;
  guint n = mine->len + theirs->len;

  g_assert_true (g_file_get_contents (path, (char **) &good, &len, NULL));
  offsets = frame_offsets (good, len);
  g_assert_cmpuint (offsets->len, ==, n);

  /* Frames 3 … are version 2 (the first three are mine's version 1). */
  for (guint f = 3; f < n; f++)
    {
      gsize start = g_array_index (offsets, gsize, f);
      gsize end = f + 1 < n ? g_array_index (offsets, gsize, f + 1) : len;
      g_autofree guint8 *bad = g_memdup2 (good, len);
      g_autofree guint8 *kept = NULL;
      g_autoptr(TafelLog) log = tafel_log_new ();
      g_autoptr(TafelLogFile) file = NULL;
      gsize kept_len;

      /* A byte of the payload, just after the frame head (the escape and
       * the version 2 fields sit there). */
      bad[start + 4 + (f % 4)] ^= 0x10;
      g_assert_cmpuint (start + 4 + (f % 4), <, end - 4);
      write_file (path, bad, len);
      file = tafel_log_file_open (path, board_id, log, &error);
      g_assert_null (file);
      g_assert_error (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_DAMAGED_LOG);
      g_clear_error (&error);
      g_assert_true (g_file_get_contents (path, (char **) &kept, &kept_len, NULL));
      g_assert_cmpmem (kept, kept_len, bad, len);
    }

  /* The last append is one version 2 record: cut it at every byte. */
  last = g_array_index (offsets, gsize, n - 1);
  for (gsize cut = last + 1; cut < len; cut++)
    {
      g_autoptr(TafelLog) log = tafel_log_new ();
      g_autoptr(TafelLogFile) file = NULL;
      struct stat st;

      write_file (path, good, cut);
      tafel_test_expect_warning ("*cut off*");
      file = tafel_log_file_open (path, board_id, log, &error);
      g_assert_no_error (error);
      tafel_test_assert_warned ();
      g_assert_cmpuint (tafel_log_get_n_records (log), ==, n - 1);
      for (guint i = 0; i + 1 < mine->len; i++)
        assert_same_record (log, mine->pdata[i]);
      for (guint i = 0; i < theirs->len; i++)
        assert_same_record (log, theirs->pdata[i]);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_size, ==, last);
    }
  tafel_test_remove_tree (dir);
}

/* Repair keeps every version 2 record still covered by a signature that
 * verifies, and writes a file of format 2. */
static void
test_repair (void)
{
  g_autoptr(TafelIdentity) me = tafel_identity_new_ephemeral ();
  g_autoptr(TafelIdentity) other = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) mine = mixed_chain (me);
  g_autoptr(GPtrArray) theirs = v2_chain (other, 4);
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = write_mixed_file (dir, mine, theirs);
  g_autofree char *backup = g_build_filename (dir, "log.damaged", NULL);
  g_autofree guint8 *data = NULL;
  g_autoptr(GArray) offsets = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelLog) log = tafel_log_new ();
  g_autoptr(TafelLogFile) file = NULL;
  guint n_kept, n_dropped;
  guint64 damaged;
  gsize len, f;

  g_assert_true (g_file_get_contents (path, (char **) &data, &len, NULL));
  offsets = frame_offsets (data, len);
  /* The last frame of theirs: frames 7 … 10 are theirs. */
  f = g_array_index (offsets, gsize, 10);
  data[f + 5] ^= 0xff;
  write_file (path, data, len);

  g_assert_true (tafel_log_file_repair (path, board_id, backup, &n_kept, &n_dropped, &damaged, &error));
  g_assert_no_error (error);
  /* Theirs had one signature stored, on the damaged last record. */
  g_assert_cmpuint (n_kept, ==, mine->len);
  g_assert_cmpuint (n_dropped, ==, 3);
  g_assert_cmpuint (file_format (path), ==, 2);
  file = tafel_log_file_open (path, board_id, log, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tafel_log_get_n_records (log), ==, mine->len);
  for (guint i = 0; i < mine->len; i++)
    assert_same_record (log, mine->pdata[i]);
  tafel_test_remove_tree (dir);
}

static void
put_test_frame (GByteArray   *out,
                const guint8 *payload,
                gsize         len)
{
  guint8 head[12];
  guint n = tafel_varint_write (head, len);
  guint32 hc = tafel_crc32c (0, head, n);
  guint8 crc[4];

  head[n++] = hc & 0xff;
  head[n++] = (hc >> 8) & 0xff;
  g_byte_array_append (out, head, n);
  g_byte_array_append (out, payload, len);
  tafel_store_u32 (crc, tafel_crc32c (0, payload, len));
  g_byte_array_append (out, crc, 4);
}

/* Repair reads frames with less trust than opening: a sound frame whose
 * body fits the limit but whose envelope would not is dropped, not built
 * (version 1 and 2 alike). */
static void
test_repair_oversized (void)
{
  for (guint version = 1; version <= 2; version++)
    {
      g_autofree char *dir = tmp_dir ();
      g_autofree char *path = g_build_filename (dir, "log", NULL);
      g_autofree char *backup = g_build_filename (dir, "log.damaged", NULL);
      g_autoptr(GByteArray) file = g_byte_array_new ();
      g_autoptr(GByteArray) payload = g_byte_array_new ();
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *body = g_malloc0 (TAFEL_RECORD_MAX_BYTES - 10);
      guint8 key[TAFEL_PUBLIC_KEY_BYTES], sig[TAFEL_SIGNATURE_BYTES], header[32];
      guint n_kept = 99, n_dropped = 99;
      guint64 damaged;

      memcpy (header, "TAFELLOG", 8);
      tafel_store_u32 (header + 8, version);
      memcpy (header + 12, board_id, 16);
      tafel_store_u32 (header + 28, tafel_crc32c (0, header, 28));
      g_byte_array_append (file, header, 32);
      memset (key, 9, sizeof key);
      memset (sig, 3, sizeof sig);
      tafel_put_varint (payload, 1);             /* author 0, new, signed */
      tafel_put_bytes (payload, key, sizeof key);
      tafel_put_varint (payload, 1);             /* lamport */
      if (version == 2)
        {
          tafel_put_varint (payload, 0);
          tafel_put_varint (payload, TAFEL_RECORD_KIND_STROKE << 1);
          tafel_put_varint (payload, tafel_zigzag_encode ((gint64) T0));
        }
      else
        tafel_put_varint (payload, TAFEL_RECORD_KIND_STROKE);
      tafel_put_bytes (payload, body, TAFEL_RECORD_MAX_BYTES - 10);
      tafel_put_bytes (payload, sig, sizeof sig);
      put_test_frame (file, payload->data, payload->len);
      write_file (path, file->data, file->len);

      g_assert_true (tafel_log_file_repair (path, board_id, backup, &n_kept, &n_dropped, &damaged, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (n_kept, ==, 0);
      g_assert_cmpuint (n_dropped, ==, 1);
      g_assert_cmpuint (damaged, ==, 0);
      tafel_test_remove_tree (dir);
    }
}

/* The .tafel file shares the payloads: version 2 records survive a save
 * and a load. */
static void
test_tafel_file (void)
{
  g_autoptr(TafelIdentity) me = tafel_identity_new_ephemeral ();
  g_autoptr(TafelIdentity) other = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) mine = mixed_chain (me);
  g_autoptr(GPtrArray) theirs = v2_chain (other, 5);
  g_autoptr(TafelLog) log = tafel_log_new ();
  g_autoptr(TafelLog) back = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(TafelBoardMeta) meta = { { 0 } };
  g_auto(TafelBoardMeta) meta_back = { { 0 } };
  g_autofree char *want = NULL;
  g_autofree char *got = NULL;
  const char *hints[] = { NULL };

  memset (meta.id, 0x5e, sizeof meta.id);
  memset (meta.secret, 0x7a, sizeof meta.secret);
  meta.title = g_strdup ("v2");
  meta.hints = g_strdupv ((char **) hints);
  add_run (log, mine, 0, mine->len);
  add_run (log, theirs, 0, theirs->len);
  bytes = tafel_board_file_serialize (&meta, log);
  back = tafel_board_file_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "v2.tafel",
                                 &meta_back, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  want = log_digest (log);
  got = log_digest (back);
  g_assert_cmpstr (got, ==, want);
  for (guint i = 0; i < mine->len; i++)
    assert_same_record (back, mine->pdata[i]);
}

/* Payloads that misuse the escape are refused. */
static void
test_payload_guards (void)
{
  static const struct { const char *name; guint8 bytes[16]; gsize len; } cases[] = {
    /* author 0 new is too long to spell here: use a known author. */
    { "kind 0 after the escape", { 0x00, 0x01, 0x00, 0x00, 0x00 }, 5 },
    { "time before 0", { 0x00, 0x01, 0x00, 0x04, 0x01 }, 5 },
    { "key id cut short", { 0x00, 0x01, 0x00, 0x05, 0xaa, 0xbb }, 6 },
    { "time beyond the limit", { 0x00, 0x01, 0x00, 0x04, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x04 }, 13 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TafelPayloadReader) reader = tafel_payload_reader_new ();
      g_autoptr(GByteArray) p = g_byte_array_new ();
      g_autoptr(GError) error = NULL;
      TafelPayload pl;
      guint8 key[TAFEL_PUBLIC_KEY_BYTES];

      g_test_message ("%s", cases[i].name);
      /* Introduce author 0 with a valid version 1 record first. */
      memset (key, 7, sizeof key);
      tafel_put_varint (p, 0);
      tafel_put_bytes (p, key, sizeof key);
      tafel_put_varint (p, 1);
      tafel_put_varint (p, 200);
      g_assert_true (tafel_payload_reader_parse (reader, p->data, p->len, FALSE, &pl, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (pl.version, ==, 1);
      g_assert_false (tafel_payload_reader_parse (reader, cases[i].bytes, cases[i].len, FALSE, &pl, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == TAFEL_RECORD_ERROR);
    }

  /* The limit itself is fine. */
  {
    g_autoptr(TafelPayloadReader) reader = tafel_payload_reader_new ();
    g_autoptr(GByteArray) p = g_byte_array_new ();
    g_autoptr(GError) error = NULL;
    TafelPayload pl;
    guint8 key[TAFEL_PUBLIC_KEY_BYTES];

    memset (key, 7, sizeof key);
    tafel_put_varint (p, 0);
    tafel_put_bytes (p, key, sizeof key);
    tafel_put_varint (p, 1);
    tafel_put_varint (p, 0);
    tafel_put_varint (p, 200 << 1);
    tafel_put_varint (p, tafel_zigzag_encode ((gint64) TAFEL_RECORD_MAX_CLOCK));
    g_assert_true (tafel_payload_reader_parse (reader, p->data, p->len, FALSE, &pl, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (pl.version, ==, 2);
    g_assert_cmpuint (pl.kind, ==, 200);
    g_assert_cmpuint (pl.key_id, ==, 0);
    g_assert_cmpuint (pl.time, ==, TAFEL_RECORD_MAX_CLOCK);
    g_assert_cmpuint (pl.body_len, ==, 0);
  }
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);
  g_log_set_writer_func (tafel_test_log_writer, NULL, NULL);
  tafel_random_bytes (key_b, sizeof key_b);

  g_test_add_func ("/tafel/log-v2/memory", test_memory);
  g_test_add_func ("/tafel/log-v2/file-roundtrip", test_file_roundtrip);
  g_test_add_func ("/tafel/log-v2/format1-fixture", test_format1_fixture);
  g_test_add_func ("/tafel/log-v2/format1-refuses-v2", test_format1_refuses_v2);
  g_test_add_func ("/tafel/log-v2/damage-and-torn", test_damage_and_torn);
  g_test_add_func ("/tafel/log-v2/repair", test_repair);
  g_test_add_func ("/tafel/log-v2/repair-oversized", test_repair_oversized);
  g_test_add_func ("/tafel/log-v2/tafel-file", test_tafel_file);
  g_test_add_func ("/tafel/log-v2/payload-guards", test_payload_guards);
  return g_test_run ();
}
