/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-core.h"
#include "tafel-identity.h"
#include "tafel-log.h"
#include "tafel-test-util.h"

typedef struct
{
  guint      n_signals;
  guint      n_records;
  GPtrArray *records;        /* everything emitted, in order */
  guint      n_equivocations;
  guint64    last_equivocation_seq;
} Watch;

static void
on_records_added (TafelLog  *log,
                  GPtrArray *records,
                  Watch     *w)
{
  w->n_signals++;
  w->n_records += records->len;
  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (w->records, tafel_record_ref (records->pdata[i]));
}

static void
on_equivocation (TafelLog             *log,
                 const TafelPublicKey *author,
                 guint64               seq,
                 Watch                *w)
{
  w->n_equivocations++;
  w->last_equivocation_seq = seq;
}

static void
watch_init (Watch    *w,
            TafelLog *log)
{
  memset (w, 0, sizeof *w);
  w->records = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  g_signal_connect (log, "records-added", G_CALLBACK (on_records_added), w);
  g_signal_connect (log, "equivocation", G_CALLBACK (on_equivocation), w);
}

static void
watch_clear (Watch *w)
{
  g_clear_pointer (&w->records, g_ptr_array_unref);
}

static gboolean
collect_ids (TafelRecord *record,
             gpointer     user_data)
{
  GByteArray *out = user_data;

  g_byte_array_append (out, tafel_record_get_id (record)->bytes, TAFEL_HASH_BYTES);
  return TRUE;
}

/* The log's content as a byte string: ids in foreach order. */
static GBytes *
log_fingerprint (TafelLog *log)
{
  GByteArray *out = g_byte_array_new ();

  tafel_log_foreach (log, collect_ids, out);
  return g_byte_array_free_to_bytes (out);
}

static void
test_log_in_order (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) chain = tafel_test_chain (id, 10, 1);
  g_autoptr(TafelLog) log = tafel_log_new ();
  const TafelPublicKey *key = tafel_identity_get_public_key (id);
  Watch w;

  watch_init (&w, log);
  for (guint i = 0; i < chain->len; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (tafel_log_add (log, chain->pdata[i], &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (w.n_signals, ==, 10);
  g_assert_cmpuint (tafel_log_get_n_records (log), ==, 10);
  g_assert_cmpuint (tafel_log_get_n_authors (log), ==, 1);
  g_assert_cmpuint (tafel_log_get_head_seq (log, key), ==, 10);
  g_assert_cmpuint (tafel_log_get_max_lamport (log), ==, 10);

  for (guint i = 0; i < chain->len; i++)
    {
      TafelRecord *r = chain->pdata[i];
      g_autoptr(TafelRecord) by_id = tafel_log_lookup (log, tafel_record_get_id (r));
      g_autoptr(TafelRecord) by_seq = tafel_log_lookup_seq (log, key, i + 1);
      g_autoptr(GBytes) a = tafel_record_dup_signed_bytes (r);
      g_autoptr(GBytes) b = tafel_record_dup_signed_bytes (by_id);

      g_assert_nonnull (by_id);
      g_assert_true (g_bytes_equal (a, b));
      g_assert_true (tafel_hash_equal (tafel_record_get_id (by_seq), tafel_record_get_id (r)));
      g_assert_true (tafel_hash_equal (tafel_record_get_prev (by_seq), tafel_record_get_prev (r)));
      /* Only the head keeps its signature. */
      g_assert_true ((tafel_record_get_signature (by_id) != NULL) == (i == chain->len - 1));
    }
  {
    TafelHash missing;

    memset (&missing, 0x42, sizeof missing);
    g_assert_null (tafel_log_lookup (log, &missing));
    g_assert_null (tafel_log_lookup_seq (log, key, 11));
    g_assert_null (tafel_log_lookup_seq (log, key, 0));
  }
  watch_clear (&w);
}

static void
test_log_out_of_order (void)
{
  guint32 seed = g_test_rand_int ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(TafelLog) reference = tafel_log_new ();
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_autoptr(GPtrArray) chains = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GBytes) expected = NULL;

  g_test_message ("seed %u", seed);
  for (guint a = 0; a < 3; a++)
    {
      TafelIdentity *id = tafel_identity_new_ephemeral ();
      GPtrArray *chain = tafel_test_chain (id, 30, a * 100);

      g_ptr_array_add (ids, id);
      g_ptr_array_add (chains, chain);
      for (guint i = 0; i < chain->len; i++)
        {
          g_assert_true (tafel_log_add (reference, chain->pdata[i], NULL));
          g_ptr_array_add (all, chain->pdata[i]);
        }
    }
  expected = log_fingerprint (reference);

  for (guint round = 0; round < 20; round++)
    {
      g_autoptr(TafelLog) log = tafel_log_new ();
      g_autoptr(GBytes) got = NULL;
      Watch w;

      watch_init (&w, log);
      /* Shuffle, with some duplicates sprinkled in. */
      for (guint i = all->len; i > 1; i--)
        {
          guint j = (guint) g_rand_int_range (rand, 0, (gint32) i);
          gpointer t = all->pdata[i - 1];

          all->pdata[i - 1] = all->pdata[j];
          all->pdata[j] = t;
        }
      for (guint i = 0; i < all->len; i++)
        {
          g_autoptr(GError) error = NULL;

          g_assert_true (tafel_log_add (log, all->pdata[i], &error));
          g_assert_no_error (error);
          if (g_rand_int_range (rand, 0, 4) == 0)
            g_assert_true (tafel_log_add (log, all->pdata[g_rand_int_range (rand, 0, (gint32) i + 1)], NULL));
        }
      g_assert_cmpuint (tafel_log_get_n_held (log), ==, 0);
      g_assert_cmpuint (tafel_log_get_n_records (log), ==, 90);
      got = log_fingerprint (log);
      g_assert_true (g_bytes_equal (got, expected));
      /* Each record was announced exactly once, each author in seq order. */
      g_assert_cmpuint (w.n_records, ==, 90);
      g_assert_cmpuint (w.n_equivocations, ==, 0);
      for (guint i = 1; i < w.records->len; i++)
        {
          TafelRecord *prev = w.records->pdata[i - 1], *r = w.records->pdata[i];

          if (memcmp (tafel_record_get_author (prev), tafel_record_get_author (r), TAFEL_PUBLIC_KEY_BYTES) == 0)
            g_assert_cmpuint (tafel_record_get_seq (r), >, tafel_record_get_seq (prev));
        }
      watch_clear (&w);
    }
}

static void
test_log_duplicates (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) chain = tafel_test_chain (id, 5, 2);
  g_autoptr(TafelLog) log = tafel_log_new ();
  Watch w;

  watch_init (&w, log);
  for (guint round = 0; round < 3; round++)
    for (guint i = 0; i < chain->len; i++)
      g_assert_true (tafel_log_add (log, chain->pdata[i], NULL));
  /* A held duplicate, too. */
  {
    g_autoptr(TafelIdentity) other = tafel_identity_new_ephemeral ();
    g_autoptr(GPtrArray) oc = tafel_test_chain (other, 3, 9);

    g_assert_true (tafel_log_add (log, oc->pdata[2], NULL));
    g_assert_true (tafel_log_add (log, oc->pdata[2], NULL));
    g_assert_cmpuint (tafel_log_get_n_held (log), ==, 1);
  }
  g_assert_cmpuint (tafel_log_get_n_records (log), ==, 5);
  g_assert_cmpuint (w.n_records, ==, 5);
  g_assert_cmpuint (w.n_equivocations, ==, 0);
  watch_clear (&w);
}

static void
test_log_equivocation (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) chain = tafel_test_chain (id, 4, 3);
  g_autoptr(GBytes) other_body = tafel_test_stroke_body (9, 999);
  g_autoptr(TafelRecord) fork = NULL;
  g_autoptr(TafelLog) log = tafel_log_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(TafelRecord) kept = NULL;
  Watch w;

  watch_init (&w, log);
  for (guint i = 0; i < 3; i++)
    g_assert_true (tafel_log_add (log, chain->pdata[i], NULL));
  before = log_fingerprint (log);

  /* A second, different, validly signed record 3. */
  fork = tafel_identity_sign_record (id, 3, tafel_record_get_id (chain->pdata[1]), 3,
                                     TAFEL_RECORD_KIND_STROKE, other_body);
  g_assert_false (tafel_log_add (log, fork, &error));
  g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_EQUIVOCATION);
  g_assert_cmpuint (w.n_equivocations, ==, 1);
  g_assert_cmpuint (w.last_equivocation_seq, ==, 3);
  after = log_fingerprint (log);
  g_assert_true (g_bytes_equal (before, after));
  kept = tafel_log_lookup_seq (log, tafel_identity_get_public_key (id), 3);
  g_assert_true (tafel_hash_equal (tafel_record_get_id (kept), tafel_record_get_id (chain->pdata[2])));
  g_clear_error (&error);

  /* An equivocation among held records: two different record 6s. */
  {
    g_autoptr(GPtrArray) more = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
    TafelHash p;
    g_autoptr(TafelRecord) six_a = NULL;
    g_autoptr(TafelRecord) six_b = NULL;
    g_autoptr(GBytes) b1 = tafel_test_stroke_body (4, 1);
    g_autoptr(GBytes) b2 = tafel_test_stroke_body (4, 2);

    memset (&p, 0x55, sizeof p);
    six_a = tafel_identity_sign_record (id, 6, &p, 60, TAFEL_RECORD_KIND_STROKE, b1);
    six_b = tafel_identity_sign_record (id, 6, &p, 60, TAFEL_RECORD_KIND_STROKE, b2);
    g_assert_true (tafel_log_add (log, six_a, NULL));
    g_assert_cmpuint (tafel_log_get_n_held (log), ==, 1);
    g_assert_false (tafel_log_add (log, six_b, &error));
    g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_EQUIVOCATION);
    g_assert_cmpuint (w.n_equivocations, ==, 2);
    g_assert_cmpuint (tafel_log_get_n_held (log), ==, 1);
    g_clear_error (&error);

    /* When 4 and 5 arrive, the held 6 does not link to this 5 (it was
     * signed over another branch): reported, dropped, 4 and 5 kept. */
    g_assert_true (tafel_log_add (log, chain->pdata[3], NULL));
    {
      g_autoptr(GBytes) b5 = tafel_test_stroke_body (4, 5);
      g_autoptr(TafelRecord) five = tafel_identity_sign_record (id, 5, tafel_record_get_id (chain->pdata[3]),
                                                                 50, TAFEL_RECORD_KIND_STROKE, b5);

      g_assert_true (tafel_log_add (log, five, &error));
      g_assert_no_error (error);
    }
    g_assert_cmpuint (w.n_equivocations, ==, 3);
    g_assert_cmpuint (w.last_equivocation_seq, ==, 5);
    g_assert_cmpuint (tafel_log_get_n_held (log), ==, 0);
    g_assert_cmpuint (tafel_log_get_head_seq (log, tafel_identity_get_public_key (id)), ==, 5);
  }
  watch_clear (&w);
}

static void
test_log_forged (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(TafelIdentity) mallory = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) chain = tafel_test_chain (id, 3, 4);
  g_autoptr(TafelLog) log = tafel_log_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  Watch w;

  watch_init (&w, log);
  g_assert_true (tafel_log_add (log, chain->pdata[0], NULL));
  before = log_fingerprint (log);

  /* Record 2 re-signed by someone else. */
  {
    g_autoptr(GBytes) sb = tafel_record_dup_signed_bytes (chain->pdata[1]);
    g_autoptr(TafelRecord) forged = NULL;
    TafelSignature sig;

    tafel_identity_sign (mallory, &sig, g_bytes_get_data (sb, NULL), g_bytes_get_size (sb));
    forged = tafel_record_with_signature (chain->pdata[1], &sig);
    g_assert_false (tafel_log_add (log, forged, &error));
    g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_BAD_SIGNATURE);
    g_clear_error (&error);
  }
  /* Unsigned. */
  {
    g_autoptr(TafelRecord) bare = tafel_record_with_signature (chain->pdata[1], NULL);

    g_assert_false (tafel_log_add (log, bare, &error));
    g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_UNSIGNED);
    g_clear_error (&error);
  }
  /* A forged record of a gap (would be held) is refused too. */
  {
    g_autoptr(GBytes) sb = tafel_record_dup_signed_bytes (chain->pdata[2]);
    g_autoptr(TafelRecord) forged = NULL;
    TafelSignature sig;

    tafel_identity_sign (mallory, &sig, g_bytes_get_data (sb, NULL), g_bytes_get_size (sb));
    forged = tafel_record_with_signature (chain->pdata[2], &sig);
    g_assert_false (tafel_log_add (log, forged, &error));
    g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_BAD_SIGNATURE);
    g_assert_cmpuint (tafel_log_get_n_held (log), ==, 0);
  }
  after = log_fingerprint (log);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_cmpuint (w.n_signals, ==, 1);
  watch_clear (&w);
}

/* A run of @n records where only the last is signed. */
static GPtrArray *
unsigned_run (GPtrArray *chain,
              guint      from,
              guint      n)
{
  GPtrArray *run = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);

  for (guint i = from; i < from + n; i++)
    {
      TafelRecord *r = chain->pdata[i];

      g_ptr_array_add (run, i == from + n - 1 ? tafel_record_ref (r) : tafel_record_with_signature (r, NULL));
    }
  return run;
}

static void
test_log_run (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) chain = tafel_test_chain (id, 50, 5);
  g_autoptr(TafelLog) log = tafel_log_new ();
  g_autoptr(GError) error = NULL;
  Watch w;

  watch_init (&w, log);

  /* 1..20 in one run; then 11..30 overlapping; then 41..50 (held); then
   * 31..40 fills the gap. */
  {
    g_autoptr(GPtrArray) run = unsigned_run (chain, 0, 20);

    g_assert_true (tafel_log_add_run (log, (TafelRecord **) run->pdata, run->len, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (w.n_signals, ==, 1);
    g_assert_cmpuint (w.n_records, ==, 20);
    /* Only the run's last record is announced with a signature. */
    for (guint i = 0; i < 20; i++)
      g_assert_true ((tafel_record_get_signature (w.records->pdata[i]) != NULL) == (i == 19));
  }
  {
    g_autoptr(GPtrArray) run = unsigned_run (chain, 10, 20);

    g_assert_true (tafel_log_add_run (log, (TafelRecord **) run->pdata, run->len, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (w.n_records, ==, 30);
  }
  {
    g_autoptr(GPtrArray) run = unsigned_run (chain, 40, 10);

    g_assert_true (tafel_log_add_run (log, (TafelRecord **) run->pdata, run->len, &error));
    g_assert_cmpuint (tafel_log_get_n_held (log), ==, 10);
    g_assert_cmpuint (tafel_log_get_n_records (log), ==, 30);
  }
  {
    g_autoptr(GPtrArray) run = unsigned_run (chain, 30, 10);

    g_assert_true (tafel_log_add_run (log, (TafelRecord **) run->pdata, run->len, &error));
    g_assert_cmpuint (tafel_log_get_n_held (log), ==, 0);
    g_assert_cmpuint (tafel_log_get_n_records (log), ==, 50);
    g_assert_cmpuint (w.n_records, ==, 50);
  }
  watch_clear (&w);
}

static void
test_log_bad_runs (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(TafelIdentity) other = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) chain = tafel_test_chain (id, 10, 6);
  g_autoptr(GPtrArray) other_chain = tafel_test_chain (other, 10, 7);
  g_autoptr(TafelLog) log = tafel_log_new ();
  g_autoptr(GError) error = NULL;
  Watch w;

  watch_init (&w, log);

  /* One bad link in the middle (record 5 replaced by one signed over a
   * different prev): the whole run is refused. */
  {
    g_autoptr(GPtrArray) run = unsigned_run (chain, 0, 10);
    TafelHash bogus;
    g_autoptr(GBytes) body = tafel_test_stroke_body (5, 5);

    memset (&bogus, 0x77, sizeof bogus);
    tafel_record_unref (run->pdata[4]);
    run->pdata[4] = tafel_identity_sign_record (id, 5, &bogus, 5, TAFEL_RECORD_KIND_STROKE, body);
    g_assert_false (tafel_log_add_run (log, (TafelRecord **) run->pdata, run->len, &error));
    g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_BROKEN_CHAIN);
    g_clear_error (&error);
  }
  /* Last record unsigned. */
  {
    g_autoptr(GPtrArray) run = unsigned_run (chain, 0, 10);
    g_autoptr(TafelRecord) bare = tafel_record_with_signature (run->pdata[9], NULL);

    tafel_record_unref (run->pdata[9]);
    run->pdata[9] = g_steal_pointer (&bare);
    g_assert_false (tafel_log_add_run (log, (TafelRecord **) run->pdata, run->len, &error));
    g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_UNSIGNED);
    g_clear_error (&error);
  }
  /* Last signature forged (signed by another key). */
  {
    g_autoptr(GPtrArray) run = unsigned_run (chain, 0, 10);
    g_autoptr(GBytes) sb = tafel_record_dup_signed_bytes (run->pdata[9]);
    TafelSignature sig;
    TafelRecord *forged;

    tafel_identity_sign (other, &sig, g_bytes_get_data (sb, NULL), g_bytes_get_size (sb));
    forged = tafel_record_with_signature (run->pdata[9], &sig);
    tafel_record_unref (run->pdata[9]);
    run->pdata[9] = forged;
    g_assert_false (tafel_log_add_run (log, (TafelRecord **) run->pdata, run->len, &error));
    g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_BAD_SIGNATURE);
    g_clear_error (&error);
  }
  /* Two authors in one run; a gap; wrong order. */
  {
    TafelRecord *mixed[2] = { chain->pdata[0], other_chain->pdata[1] };
    TafelRecord *gap[2] = { chain->pdata[0], chain->pdata[2] };
    TafelRecord *backwards[2] = { chain->pdata[1], chain->pdata[0] };

    g_assert_false (tafel_log_add_run (log, mixed, 2, &error));
    g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_BAD_RUN);
    g_clear_error (&error);
    g_assert_false (tafel_log_add_run (log, gap, 2, &error));
    g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_BAD_RUN);
    g_clear_error (&error);
    g_assert_false (tafel_log_add_run (log, backwards, 2, &error));
    g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_BAD_RUN);
    g_clear_error (&error);
  }
  /* A clock that does not rise. */
  {
    g_autoptr(GBytes) body = tafel_test_stroke_body (5, 1);
    g_autoptr(TafelRecord) r1 = tafel_identity_sign_record (id, 1, NULL, 5, TAFEL_RECORD_KIND_STROKE, body);
    g_autoptr(TafelRecord) r2 = tafel_identity_sign_record (id, 2, tafel_record_get_id (r1), 5,
                                                            TAFEL_RECORD_KIND_STROKE, body);
    TafelRecord *run[2] = { r1, r2 };

    g_assert_false (tafel_log_add_run (log, run, 2, &error));
    g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_true (tafel_log_add (log, r1, NULL));
    g_assert_false (tafel_log_add (log, r2, &error));
    g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_INVALID);
    g_clear_error (&error);
  }
  /* A known kind with an invalid body, validly signed. */
  {
    g_autoptr(GBytes) body = g_bytes_new_static ("\x00", 1);  /* empty chat */
    g_autoptr(TafelRecord) r = tafel_identity_sign_record (other, 1, NULL, 1, TAFEL_RECORD_KIND_CHAT, body);

    g_assert_false (tafel_log_add (log, r, &error));
    g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_INVALID);
    g_clear_error (&error);
  }
  g_assert_cmpuint (tafel_log_get_n_records (log), ==, 1);
  g_assert_cmpuint (tafel_log_get_n_held (log), ==, 0);
  g_assert_cmpuint (w.n_signals, ==, 1);
  watch_clear (&w);
}

static void
test_log_held_limit (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(TafelLog) log = tafel_log_new ();
  g_autoptr(GPtrArray) run = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  g_autoptr(GBytes) body = g_bytes_new_static ("\x01" "a", 2);
  g_autoptr(GError) error = NULL;
  guint per_author = TAFEL_LOG_MAX_HELD_RECORDS / 2;
  TafelHash prev;

  /* A run starting at seq 2 (so it is held), one record over the per-author
   * limit; only the last is signed. */
  memset (&prev, 0x11, sizeof prev);
  for (guint i = 0; i < per_author + 1; i++)
    {
      TafelRecord *r;

      if (i == per_author)
        r = tafel_identity_sign_record (id, i + 2, &prev, i + 2, TAFEL_RECORD_KIND_CHAT, body);
      else
        r = tafel_record_new (tafel_identity_get_public_key (id), i + 2, &prev, i + 2,
                              TAFEL_RECORD_KIND_CHAT, body, NULL);
      prev = *tafel_record_get_id (r);
      g_ptr_array_add (run, r);
    }
  g_assert_false (tafel_log_add_run (log, (TafelRecord **) run->pdata, run->len, &error));
  g_assert_error (error, TAFEL_LOG_ERROR, TAFEL_LOG_ERROR_HELD_FULL);
  g_assert_cmpuint (tafel_log_get_n_held (log), ==, 0);
  g_clear_error (&error);

  /* At the limit it is held. */
  g_assert_true (tafel_log_add_run (log, (TafelRecord **) run->pdata + 1, run->len - 1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tafel_log_get_n_held (log), ==, per_author);
  g_assert_cmpuint (tafel_log_get_n_records (log), ==, 0);
}

static void
test_version_vector (void)
{
  g_autoptr(TafelLog) log = tafel_log_new ();
  g_autoptr(TafelLog) peer = tafel_log_new ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) chains = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(TafelVersionVector) vv = NULL;
  g_autoptr(TafelVersionVector) peer_vv = NULL;
  g_autoptr(TafelVersionVector) decoded = NULL;
  g_autoptr(GBytes) enc = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GError) error = NULL;

  for (guint a = 0; a < 4; a++)
    {
      TafelIdentity *id = tafel_identity_new_ephemeral ();
      GPtrArray *chain = tafel_test_chain (id, 8, a);

      g_ptr_array_add (ids, id);
      g_ptr_array_add (chains, chain);
      for (guint i = 0; i < chain->len; i++)
        g_assert_true (tafel_log_add (log, chain->pdata[i], NULL));
      /* The peer has 0, 3, 8 or 5 of each. */
      for (guint i = 0; i < (guint[]) { 0, 3, 8, 5 }[a]; i++)
        g_assert_true (tafel_log_add (peer, chain->pdata[i], NULL));
    }

  vv = tafel_log_dup_version_vector (log);
  g_assert_cmpuint (tafel_version_vector_get_size (vv), ==, 4);
  for (guint i = 1; i < 4; i++)
    {
      const TafelPublicKey *a, *b;

      tafel_version_vector_get (vv, i - 1, &a, NULL, NULL);
      tafel_version_vector_get (vv, i, &b, NULL, NULL);
      g_assert_cmpint (memcmp (a, b, TAFEL_PUBLIC_KEY_BYTES), <, 0);
    }

  enc = tafel_version_vector_encode (vv);
  decoded = tafel_version_vector_decode (enc, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tafel_version_vector_get_size (decoded), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      const TafelPublicKey *a, *b;
      const TafelHash *ha, *hb;
      guint64 sa, sb;

      tafel_version_vector_get (vv, i, &a, &sa, &ha);
      tafel_version_vector_get (decoded, i, &b, &sb, &hb);
      g_assert_cmpmem (a, 32, b, 32);
      g_assert_cmpuint (sa, ==, sb);
      g_assert_true (tafel_hash_equal (ha, hb));
    }

  /* What the peer lacks: 8 + 5 + 0 + 3 records, each author's last signed. */
  peer_vv = tafel_log_dup_version_vector (peer);
  missing = tafel_log_dup_missing (log, peer_vv);
  g_assert_cmpuint (missing->len, ==, 16);
  {
    guint i = 0;

    while (i < missing->len)
      {
        guint j = i;

        while (j + 1 < missing->len &&
               memcmp (tafel_record_get_author (missing->pdata[j + 1]),
                       tafel_record_get_author (missing->pdata[i]), 32) == 0)
          j++;
        g_assert_true (tafel_log_add_run (peer, (TafelRecord **) missing->pdata + i, j - i + 1, &error));
        g_assert_no_error (error);
        i = j + 1;
      }
  }
  {
    g_autoptr(GBytes) a = log_fingerprint (log);
    g_autoptr(GBytes) b = log_fingerprint (peer);

    g_assert_true (g_bytes_equal (a, b));
  }

  /* A peer claiming a different head at a seq: that author is skipped. */
  {
    g_autoptr(TafelVersionVector) forked = tafel_version_vector_new ();
    g_autoptr(GPtrArray) none = NULL;
    const TafelPublicKey *key;
    TafelHash bogus;

    memset (&bogus, 1, sizeof bogus);
    tafel_version_vector_get (vv, 0, &key, NULL, NULL);
    tafel_version_vector_set (forked, key, 2, &bogus);
    none = tafel_log_dup_missing (log, forked);
    g_assert_cmpuint (none->len, ==, 3 * 8);
    for (guint i = 0; i < none->len; i++)
      g_assert_cmpint (memcmp (tafel_record_get_author (none->pdata[i]), key, 32), !=, 0);
    g_assert_cmpuint (tafel_version_vector_lookup (forked, key), ==, 2);
    tafel_version_vector_set (forked, key, 0, NULL);
    g_assert_cmpuint (tafel_version_vector_get_size (forked), ==, 0);
  }

  /* Malformed encodings. */
  {
    g_autoptr(TafelVersionVector) copy = tafel_version_vector_copy (vv);
    gsize len = g_bytes_get_size (enc);
    g_autofree guint8 *raw = g_memdup2 (g_bytes_get_data (enc, NULL), len);
    g_autoptr(GBytes) swapped = NULL;
    guint8 tmp[32];

    for (gsize n = 0; n < len; n++)
      {
        g_autoptr(GBytes) t = g_bytes_new (raw, n);
        g_autoptr(TafelVersionVector) d = tafel_version_vector_decode (t, &error);

        g_assert_null (d);
        g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_TRUNCATED);
        g_clear_error (&error);
      }
    /* Authors out of order. */
    memcpy (tmp, raw + 1, 32);
    memmove (raw + 1, raw + 1 + 65, 32);
    memcpy (raw + 1 + 65, tmp, 32);
    swapped = g_bytes_new (raw, len);
    g_assert_null (tafel_version_vector_decode (swapped, &error));
    g_assert_error (error, TAFEL_RECORD_ERROR, TAFEL_RECORD_ERROR_INVALID);
    g_assert_cmpuint (tafel_version_vector_get_size (copy), ==, 4);
  }
}

static gboolean
stop_after_three (TafelRecord *record,
                  gpointer     user_data)
{
  guint *count = user_data;

  return ++*count < 3;
}

static void
test_log_foreach_stops (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) chain = tafel_test_chain (id, 6, 8);
  g_autoptr(TafelLog) log = tafel_log_new ();
  guint count = 0;

  g_assert_true (tafel_log_add_trusted_run (log, (TafelRecord **) chain->pdata, chain->len, NULL));
  tafel_log_foreach (log, stop_after_three, &count);
  g_assert_cmpuint (count, ==, 3);
}

static void
test_log_records_outlive_log (void)
{
  g_autoptr(TafelIdentity) id = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) chain = tafel_test_chain (id, 3, 9);
  TafelLog *log = tafel_log_new ();
  g_autoptr(TafelRecord) r = NULL;

  g_assert_true (tafel_log_add_trusted_run (log, (TafelRecord **) chain->pdata, chain->len, NULL));
  r = tafel_log_lookup_seq (log, tafel_identity_get_public_key (id), 2);
  g_object_unref (log);
  g_assert_true (g_bytes_equal (tafel_record_get_body (r), tafel_record_get_body (chain->pdata[1])));
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/log/in-order", test_log_in_order);
  g_test_add_func ("/tafel/log/out-of-order", test_log_out_of_order);
  g_test_add_func ("/tafel/log/duplicates", test_log_duplicates);
  g_test_add_func ("/tafel/log/equivocation", test_log_equivocation);
  g_test_add_func ("/tafel/log/forged", test_log_forged);
  g_test_add_func ("/tafel/log/run", test_log_run);
  g_test_add_func ("/tafel/log/bad-runs", test_log_bad_runs);
  g_test_add_func ("/tafel/log/held-limit", test_log_held_limit);
  g_test_add_func ("/tafel/log/version-vector", test_version_vector);
  g_test_add_func ("/tafel/log/foreach-stops", test_log_foreach_stops);
  g_test_add_func ("/tafel/log/records-outlive-log", test_log_records_outlive_log);

  return g_test_run ();
}
