/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tafel-board-model.h"
#include "tafel-identity.h"
#include "tafel-link-auth.h"
#include "tafel-link-private.h"
#include "tafel-log.h"
#include "tafel-signaling-hub.h"
#include "tafel-sync.h"
#include "tafel-transport.h"

#include "tafel-net-test-util.h"
#include "tafel-test-relay.h"
#include "tafel-test-util.h"

/* A late join over a bad network. Two real links (libnice on 127.0.0.1,
 * 1200-byte datagrams as on the internet) go through a userspace relay
 * (tafel-test-relay.c) that plays the network; sync runs on them. A peer
 * with an empty board joins one that holds N strokes (10,000; set
 * TAFEL_BAD_NETWORK_STROKES for more, as the benchmark does): every record
 * arrives, both boards have the same digest, and the link is still up and
 * carries a live stroke afterwards. The throughput at each condition is
 * printed (wire bytes through the relay over the time from link-up to the
 * last record integrated). The only bound on time is the wait's own, so
 * generous that only a hang fails it. */

#define CONNECT_MS   60000
#define TRANSFER_MS  300000
#define N_AUTHORS    4

typedef enum
{
  CONDITION_CLEAN,        /* 5 ms RTT, nothing lost */
  CONDITION_IMPAIRED,     /* 20 ms RTT; 5 % lost, 2 % twice, 5 % reordered, 1 % corrupted */
  CONDITION_RTT_CHANGE,   /* 5 ms RTT, then 300 ms from a quarter of the way */
} Condition;

static GArray *strokes;
static guint   n_strokes = 10000;

typedef struct
{
  TafelIdentity   *identity;
  TafelSignaling  *signaling;
  TafelLog        *log;
  TafelBoardModel *model;
  TafelSync       *sync;
  TafelLink       *link;
  gboolean         connected;
  GError          *error;
} Side;

typedef struct
{
  TafelSignalingHub *hub;
  TafelLinkConfig   *config;
  TafelTestRelay    *relay;
  guint8             board_id[TAFEL_BOARD_ID_BYTES];
  guint8             secret[TAFEL_BOARD_SECRET_BYTES];
  Side               sides[2];    /* 0 holds the board, 1 joins */
  guint64            body_bytes;  /* of the strokes side 0 holds */
} Fixture;

static void
on_connected (TafelLink *link,
              Side      *side)
{
  side->connected = TRUE;
}

static void
on_failed (TafelLink    *link,
           const GError *error,
           Side         *side)
{
  if (side->error == NULL)
    side->error = g_error_copy (error);
}

/* N strokes by N_AUTHORS authors, one signed chain each, into @log. */
static guint64
fill (TafelLog *log,
      guint     n)
{
  guint64 body_bytes = 0;

  for (guint a = 0; a < N_AUTHORS; a++)
    {
      g_autoptr(TafelIdentity) author = tafel_identity_new_ephemeral ();
      g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
      g_autoptr(GError) error = NULL;

      for (guint i = a; i < n; i += N_AUTHORS)
        {
          const TafelStroke *s = &g_array_index (strokes, TafelStroke, i % strokes->len);
          g_autoptr(GBytes) body = tafel_stroke_encode (s);
          const TafelHash *prev = chain->len > 0 ? tafel_record_get_id (chain->pdata[chain->len - 1]) : NULL;

          body_bytes += g_bytes_get_size (body);
          g_ptr_array_add (chain, tafel_identity_sign_record (author, chain->len + 1, prev, i + 1,
                                                              TAFEL_RECORD_KIND_STROKE, body));
        }
      if (chain->len > 0)
        g_assert_true (tafel_log_add_run (log, (TafelRecord **) chain->pdata, chain->len, &error));
      g_assert_no_error (error);
    }
  return body_bytes;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  static const char *loopback[] = { "127.0.0.1", NULL };
  g_autoptr(GError) error = NULL;

  f->hub = tafel_signaling_hub_new ();
  f->config = tafel_link_config_new ();
  tafel_link_config_set_local_addresses (f->config, loopback, &error);
  g_assert_no_error (error);
  /* What any internet path carries, also through a TURN relay. */
  tafel_link_config_set_max_datagram (f->config, TAFEL_TRANSPORT_DATAGRAM_INTERNET);
  tafel_random_bytes (f->board_id, sizeof f->board_id);
  tafel_random_bytes (f->secret, sizeof f->secret);

  for (guint i = 0; i < 2; i++)
    {
      Side *side = &f->sides[i];

      side->identity = tafel_identity_new_ephemeral ();
      side->signaling = tafel_signaling_hub_connect (f->hub, tafel_identity_get_public_key (side->identity));
      side->log = tafel_log_new ();
      side->model = tafel_board_model_new (side->log);
      side->sync = tafel_sync_new (side->log);
    }
  f->body_bytes = fill (f->sides[0].log, n_strokes);
}

static gboolean
links_gone (gpointer data)
{
  return !g_main_context_pending (NULL) && !tafel_link_releasing_relays ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  for (guint i = 0; i < 2; i++)
    {
      Side *side = &f->sides[i];

      if (side->link == NULL)
        continue;
      tafel_sync_remove_peer (side->sync, tafel_identity_get_public_key (f->sides[!i].identity));
      g_signal_handlers_disconnect_by_data (side->link, side);
      tafel_link_close (side->link);
    }
  for (guint i = 0; i < 2; i++)
    {
      Side *side = &f->sides[i];

      g_clear_object (&side->link);
      g_clear_object (&side->sync);
      g_clear_object (&side->model);
      g_clear_object (&side->log);
      g_clear_object (&side->signaling);
      g_clear_object (&side->identity);
      g_clear_error (&side->error);
    }
  g_assert_true (tafel_test_wait_until (links_gone, NULL, 10000));
  g_clear_pointer (&f->relay, tafel_test_relay_free);
  g_clear_object (&f->hub);
  g_clear_pointer (&f->config, tafel_link_config_unref);
}

static gboolean
both_connected (gpointer data)
{
  Fixture *f = data;

  return (f->sides[0].connected && f->sides[1].connected) ||
         f->sides[0].error != NULL || f->sides[1].error != NULL;
}

typedef struct
{
  Fixture *f;
  guint    side;
  guint    n;
} HasAll;

static gboolean
has_all (gpointer data)
{
  HasAll *h = data;
  Side *side = &h->f->sides[h->side];

  return (tafel_log_get_n_records (side->log) >= h->n && !tafel_sync_is_busy (side->sync)) ||
         h->f->sides[0].error != NULL || h->f->sides[1].error != NULL;
}

typedef struct
{
  Fixture *f;
  guint64  bytes;
} Forwarded;

static gboolean
forwarded_from_0 (gpointer data)
{
  Forwarded *w = data;
  TafelTestRelayCounts counts;

  tafel_test_relay_get_all_counts (w->f->relay, &counts);
  return counts.bytes[0] >= w->bytes || tafel_log_get_n_records (w->f->sides[1].log) >= n_strokes;
}

static guint64
wire_bytes (Fixture *f)
{
  TafelTestRelayCounts counts;

  tafel_test_relay_get_all_counts (f->relay, &counts);
  return counts.bytes[0];
}

static void
assert_link_up (Fixture *f)
{
  for (guint i = 0; i < 2; i++)
    {
      g_assert_no_error (f->sides[i].error);
      g_assert_cmpint (tafel_link_get_state (f->sides[i].link), ==, TAFEL_LINK_STATE_CONNECTED);
    }
}

static void
test_late_join (Fixture       *f,
                gconstpointer  data)
{
  Condition condition = GPOINTER_TO_INT (data);
  static const TafelTestRelayImpairments impaired = {
    .loss = 0.05, .duplicate = 0.02, .reorder = 0.05, .corrupt = 0.01,
  };
  const char *names[] = { "clean, 5 ms RTT", "5 % lost, 2 % twice, 5 % reordered, 1 % corrupted, 20 ms RTT",
                          "5 ms RTT, then 300 ms" };
  TafelTestRelayCounts counts;
  TafelTransportStats stats;
  TafelHash da, db;
  gint64 linked_at, switched_at = 0, done_at;
  guint64 switched_bytes = 0, total;
  double seconds;

  f->relay = tafel_test_relay_new ((condition == CONDITION_IMPAIRED ? 20 : 5) * 1000, 0);
  if (condition == CONDITION_IMPAIRED)
    tafel_test_relay_set_impairments (f->relay, &impaired, 7);

  for (guint i = 0; i < 2; i++)
    {
      Side *side = &f->sides[i];
      g_autoptr(TafelLinkAuth) auth = tafel_link_auth_new (f->board_id, f->secret, side->identity);

      side->link = tafel_link_new (side->signaling, f->config, auth,
                                   tafel_identity_get_public_key (f->sides[!i].identity));
      g_signal_connect (side->link, "connected", G_CALLBACK (on_connected), side);
      g_signal_connect (side->link, "failed", G_CALLBACK (on_failed), side);
      tafel_test_relay_route_link (f->relay, i, side->link);
    }
  tafel_link_start (f->sides[0].link);
  tafel_link_start (f->sides[1].link);
  g_assert_true (tafel_test_wait_until (both_connected, f, CONNECT_MS));
  assert_link_up (f);

  linked_at = g_get_monotonic_time ();
  for (guint i = 0; i < 2; i++)
    tafel_sync_add_peer (f->sides[i].sync, tafel_identity_get_public_key (f->sides[!i].identity),
                         TAFEL_FRAME_CHANNEL (f->sides[i].link));

  if (condition == CONDITION_RTT_CHANGE)
    {
      Forwarded w = { f, f->body_bytes / 4 };

      g_assert_true (tafel_test_wait_until (forwarded_from_0, &w, TRANSFER_MS));
      tafel_test_relay_set_rtt (f->relay, 300 * 1000);
      switched_at = g_get_monotonic_time ();
      switched_bytes = wire_bytes (f);
      /* Still under way: the change came mid-transfer. */
      g_assert_cmpuint (tafel_log_get_n_records (f->sides[1].log), <, n_strokes);
    }

  g_assert_true (tafel_test_wait_until (has_all, &(HasAll) { f, 1, n_strokes }, TRANSFER_MS));
  done_at = g_get_monotonic_time ();
  assert_link_up (f);
  g_assert_cmpuint (tafel_log_get_n_records (f->sides[1].log), ==, n_strokes);
  tafel_board_model_get_digest (f->sides[0].model, &da);
  tafel_board_model_get_digest (f->sides[1].model, &db);
  g_assert_true (tafel_hash_equal (&da, &db));

  total = wire_bytes (f);
  seconds = (done_at - linked_at) / 1e6;
  tafel_test_relay_get_all_counts (f->relay, &counts);
  tafel_link_get_transport_stats (f->sides[0].link, &stats);
  g_test_message ("%s: %u strokes (%.2f MB of bodies), %.2f MB on the wire in %.2f s: %.2f MB/s",
                  names[condition], n_strokes, f->body_bytes / 1e6, total / 1e6, seconds,
                  total / 1e6 / seconds);
  if (switched_at != 0)
    g_test_message ("  at 5 ms: %.2f MB in %.2f s (%.2f MB/s); at 300 ms: %.2f MB in %.2f s (%.2f MB/s)",
                    switched_bytes / 1e6, (switched_at - linked_at) / 1e6,
                    switched_bytes / 1e6 / ((switched_at - linked_at) / 1e6),
                    (total - switched_bytes) / 1e6, (done_at - switched_at) / 1e6,
                    (total - switched_bytes) / 1e6 / ((done_at - switched_at) / 1e6));
  g_test_message ("  relay: %" G_GUINT64_FORMAT " forwarded, %" G_GUINT64_FORMAT " dropped, %"
                  G_GUINT64_FORMAT " duplicated, %" G_GUINT64_FORMAT " reordered, %" G_GUINT64_FORMAT
                  " corrupted; sender: srtt %.1f ms, %" G_GUINT64_FORMAT " packets, %" G_GUINT64_FORMAT
                  " declared lost, cwnd %.0f KiB",
                  counts.forwarded, counts.dropped, counts.duplicated, counts.reordered, counts.corrupted,
                  stats.srtt_us / 1e3, stats.packets_sent, stats.packets_lost, stats.cwnd / 1024.0);
  if (condition == CONDITION_IMPAIRED)
    {
      /* The relay did what it was set to. */
      g_assert_cmpuint (counts.dropped, >, 0);
      g_assert_cmpuint (counts.duplicated, >, 0);
      g_assert_cmpuint (counts.reordered, >, 0);
      g_assert_cmpuint (counts.corrupted, >, 0);
    }
  if (condition == CONDITION_RTT_CHANGE)
    g_assert_cmpint (stats.srtt_us, >=, 150 * 1000);

  /* The link survived: a live stroke goes the other way. */
  {
    g_autoptr(GBytes) body = tafel_test_stroke_body (30, 99);
    g_autoptr(TafelRecord) record = tafel_identity_sign_record (f->sides[1].identity, 1, NULL,
                                                                 tafel_log_get_max_lamport (f->sides[1].log) + 1,
                                                                 TAFEL_RECORD_KIND_STROKE, body);
    g_autoptr(GError) error = NULL;

    g_assert_true (tafel_log_add (f->sides[1].log, record, &error));
    g_assert_no_error (error);
    g_assert_true (tafel_test_wait_until (has_all, &(HasAll) { f, 0, n_strokes + 1 }, TRANSFER_MS));
    assert_link_up (f);
  }
}

int
main (int    argc,
      char **argv)
{
  const char *n = g_getenv ("TAFEL_BAD_NETWORK_STROKES");
  int status;

  tafel_test_init (&argc, &argv);
  if (n != NULL && atoi (n) > 0)
    n_strokes = atoi (n);
  strokes = tafel_test_load_strokes ();

#define ADD(path, condition) \
  g_test_add ("/tafel/bad-network/" path, Fixture, GINT_TO_POINTER (condition), \
              fixture_set_up, test_late_join, fixture_tear_down)
  ADD ("clean", CONDITION_CLEAN);
  ADD ("impaired", CONDITION_IMPAIRED);
  ADD ("rtt-change", CONDITION_RTT_CHANGE);

  status = g_test_run ();
  g_array_unref (strokes);
  return status;
}
