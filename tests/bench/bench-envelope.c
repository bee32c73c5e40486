/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <glib/gstdio.h>

#include "tafel-core.h"
#include "tafel-identity.h"
#include "tafel-log-file.h"
#include "tafel-record.h"
#include "tafel-stroke-import.h"
#include "tafel-test-util.h"

/* The record envelope benchmark, version 1 against version 2
 * (docs/access.md): N strokes (default 100,000) of the real traces of
 * $TAFEL_SHARED_DATA, cycled, as one author's chain of stroke records.
 *
 *   bench-envelope [--strokes N]
 *
 *   seal      plaintext stroke body → signed record: v1 signs it, v2
 *             encrypts it (XChaCha20, nonce BLAKE2b-192 over the header)
 *             and signs the ciphertext; then encodes the envelope
 *   open      envelope → decode (limits, v1: body check), verify the
 *             signature, v2: decrypt and check the body
 *   B/pt      bytes per point of the signed envelopes (every record
 *             signed, as it travels alone), and of the bodies alone
 *   at rest   bytes per point of the board's log file (file size / points):
 *             "own" appends each record alone, as strokes drawn on this
 *             device are (every signature stored); "received" appends
 *             the chain in one run, as a sync delivers it (a signature
 *             stored every 32 records or 16 KiB). v2 records carry a
 *             time a stroke's drawing time after the one before (10 ms a
 *             point plus 300 ms), stored as a delta.
 *
 * Times are CPU seconds of this process (the machine is shared); records/s
 * are over CPU time. */

static guint8 body_key[32];

static const guint8 *
lookup (guint32  key_id,
        gpointer user_data)
{
  return key_id == 7 ? body_key : NULL;
}

typedef struct
{
  double seal_cpu;
  double open_cpu;
  guint64 envelope_bytes;
  guint64 rest_own_bytes;
  guint64 rest_received_bytes;
} Result;

/* The size of a log file holding @records, appended @per_append at a
 * time; 0 on failure. */
static guint64
log_file_size (GPtrArray *records,
               guint      per_append)
{
  static const guint8 board_id[16] = { 1, 2, 3 };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-envelope-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(TafelLogFile) file = NULL;
  struct stat st;
  guint64 size = 0;

  if (dir == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 0;
    }
  path = g_build_filename (dir, "log", NULL);
  file = tafel_log_file_create (path, board_id, &error);
  for (guint i = 0; file != NULL && i < records->len; i += per_append)
    if (!tafel_log_file_append (file, (TafelRecord **) records->pdata + i,
                                MIN (per_append, records->len - i), &error))
      break;
  if (error == NULL && file != NULL && tafel_log_file_sync (file, &error) && g_stat (path, &st) == 0)
    size = (guint64) st.st_size;
  if (error != NULL)
    fprintf (stderr, "%s\n", error->message);
  g_clear_pointer (&file, tafel_log_file_close);
  g_unlink (path);
  g_rmdir (dir);
  return size;
}

static gboolean
run (guint          version,
     GBytes       **bodies,
     const guint   *n_points,
     guint          n,
     Result        *res)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) envelopes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  TafelHash prev = { { 0 } };
  guint64 time = (guint64) (g_get_real_time () / 1000);
  double t0;

  t0 = tafel_test_cpu_seconds ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TafelRecord) r = NULL;

      if (version == 1)
        r = tafel_identity_sign_record (id, i + 1, i > 0 ? &prev : NULL, i + 1,
                                        TAFEL_RECORD_KIND_STROKE, bodies[i]);
      else
        r = tafel_identity_sign_record_v2 (id, i + 1, i > 0 ? &prev : NULL, i + 1,
                                           TAFEL_RECORD_KIND_STROKE, 7, body_key,
                                           time, bodies[i]);
      time += 300 + 10 * n_points[i];
      prev = *tafel_record_get_id (r);
      g_ptr_array_add (envelopes, tafel_record_encode (r));
      g_ptr_array_add (records, g_steal_pointer (&r));
    }
  res->seal_cpu = tafel_test_cpu_seconds () - t0;

  res->envelope_bytes = 0;
  t0 = tafel_test_cpu_seconds ();
  for (guint i = 0; i < n; i++)
    {
      GBytes *enc = envelopes->pdata[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(TafelRecord) r = tafel_record_decode (g_bytes_get_data (enc, NULL),
                                                      g_bytes_get_size (enc), &error);
      g_autoptr(GBytes) plain = NULL;

      if (r == NULL || !tafel_record_verify_signature (r, &error) ||
          (plain = tafel_record_open_body (r, lookup, NULL, &error)) == NULL)
        {
          fprintf (stderr, "record %u: %s\n", i + 1, error->message);
          return FALSE;
        }
      if (g_bytes_get_size (plain) != g_bytes_get_size (bodies[i]))
        return FALSE;
      res->envelope_bytes += g_bytes_get_size (enc);
    }
  res->open_cpu = tafel_test_cpu_seconds () - t0;

  res->rest_own_bytes = log_file_size (records, 1);
  res->rest_received_bytes = log_file_size (records, records->len);
  return res->rest_own_bytes > 0 && res->rest_received_bytes > 0;
}

int
main (int    argc,
      char **argv)
{
  guint n = 100000;
  g_autoptr(GArray) real = NULL;
  g_autofree GBytes **bodies = NULL;
  g_autofree guint *n_points = NULL;
  guint64 points = 0, body_bytes = 0;
  Result res[2];

  if (!tafel_core_init (NULL))
    return 1;
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--strokes") && i + 1 < argc)
        n = (guint) g_ascii_strtoull (argv[++i], NULL, 10);
      else
        {
          fprintf (stderr, "usage: %s [--strokes N]\n", argv[0]);
          return 2;
        }
    }
  if (n == 0)
    return 2;

  real = tafel_test_load_real_strokes ();
  if (real == NULL || real->len == 0)
    {
      printf ("(the real traces are not in $TAFEL_SHARED_DATA; nothing to measure)\n");
      return 77;
    }
  tafel_random_bytes (body_key, sizeof body_key);

  bodies = g_new (GBytes *, n);
  n_points = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    {
      TafelStroke *s = &g_array_index (real, TafelStroke, i % real->len);

      bodies[i] = tafel_stroke_encode (s);
      n_points[i] = s->n_points;
      points += s->n_points;
      body_bytes += g_bytes_get_size (bodies[i]);
    }

  for (guint v = 1; v <= 2; v++)
    if (!run (v, bodies, n_points, n, &res[v - 1]))
      return 1;

  printf ("Tafel record envelope: %u real strokes, %" G_GUINT64_FORMAT " points, one author's chain\n\n",
          n, points);
  printf ("%-8s %12s %12s %12s %12s %10s %10s\n", "envelope", "seal", "seal", "open", "open",
          "B/pt", "B/pt");
  printf ("%-8s %12s %12s %12s %12s %10s %10s\n", "", "cpu", "rec/s", "cpu", "rec/s",
          "envelope", "body");
  for (guint v = 0; v < 2; v++)
    printf ("v%-7u %10.2f s %12.0f %10.2f s %12.0f %10.3f %10.3f\n", v + 1, res[v].seal_cpu,
            n / res[v].seal_cpu, res[v].open_cpu, n / res[v].open_cpu,
            (double) res[v].envelope_bytes / points, (double) body_bytes / points);
  printf ("\nv2 - v1: %+.1f bytes a record (key id and time), %+.1f %% seal time, %+.1f %% open time\n",
          (double) (res[1].envelope_bytes - res[0].envelope_bytes) / n,
          100.0 * (res[1].seal_cpu / res[0].seal_cpu - 1), 100.0 * (res[1].open_cpu / res[0].open_cpu - 1));

  printf ("\nAt rest: the board's log file, bytes per point (file size / points)\n\n");
  printf ("%-8s %14s %10s %14s %10s\n", "envelope", "own", "B/pt", "received", "B/pt");
  for (guint v = 0; v < 2; v++)
    printf ("v%-7u %12" G_GUINT64_FORMAT " B %10.3f %12" G_GUINT64_FORMAT " B %10.3f\n", v + 1,
            res[v].rest_own_bytes, (double) res[v].rest_own_bytes / points,
            res[v].rest_received_bytes, (double) res[v].rest_received_bytes / points);
  printf ("\nv2 - v1 at rest: %+.2f bytes a record (own), %+.2f (received)\n",
          ((double) res[1].rest_own_bytes - (double) res[0].rest_own_bytes) / n,
          ((double) res[1].rest_received_bytes - (double) res[0].rest_received_bytes) / n);

  for (guint i = 0; i < n; i++)
    g_bytes_unref (bodies[i]);
  for (guint i = 0; i < real->len; i++)
    tafel_stroke_clear (&g_array_index (real, TafelStroke, i));
  return 0;
}
