/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "tafel-identity.h"
#include "tafel-link-auth-private.h"
#include "tafel-link-private.h"
#include "tafel-log.h"
#include "tafel-signaling-hub.h"
#include "tafel-stroke-import.h"
#include "tafel-sync.h"
#include "tafel-net-test-util.h"
#include "tafel-test-util.h"

/* Real libnice agents on 127.0.0.1 in one process, signalling through an
 * in-process hub. Every wait runs the main loop until the event or a
 * deadline. */

#define WAIT_MS 10000

typedef struct
{
  TafelIdentity  *identity;
  TafelSignaling *signaling;
} Peer;

/* What one link reported. */
typedef struct
{
  TafelLink  *link;
  gboolean    connected;
  gint64      connected_at; /* monotonic µs when ::connected came */
  gboolean    closed;      /* the channel closed, in order */
  GError     *error;       /* from ::failed */
  GError     *closed_reason;
  guint       n_closed;
  GPtrArray  *frames;      /* GBytes, type in the first byte */
  guint       congested_on;
  guint       congested_off;
} Watch;

typedef struct
{
  TafelSignalingHub *hub;
  TafelLinkConfig   *config;
  guint8             board_id[TAFEL_BOARD_ID_BYTES];
  guint8             secret[TAFEL_BOARD_SECRET_BYTES];
} Fixture;

/* Links not yet finalized (a closed link lingers to deliver its goodbye). */
static guint links_alive;

static void
link_finalized (gpointer  data,
                GObject  *where_the_object_was)
{
  links_alive--;
}

static TafelLink *
track (TafelLink *link)
{
  links_alive++;
  g_object_weak_ref (G_OBJECT (link), link_finalized, NULL);
  return link;
}

static void
peer_init (Peer    *peer,
           Fixture *fixture)
{
  peer->identity = tafel_identity_new_ephemeral ();
  peer->signaling = tafel_signaling_hub_connect (fixture->hub, tafel_identity_get_public_key (peer->identity));
}

static void
peer_clear (Peer *peer)
{
  g_clear_object (&peer->signaling);
  g_clear_object (&peer->identity);
}

static void
on_connected (TafelLink *link,
              Watch     *watch)
{
  watch->connected = TRUE;
  watch->connected_at = g_get_monotonic_time ();
}

static void
on_failed (TafelLink    *link,
           const GError *error,
           Watch        *watch)
{
  g_assert_null (watch->error);
  watch->error = g_error_copy (error);
}

static void
on_closed (TafelLink    *link,
           const GError *reason,
           Watch        *watch)
{
  /* Once, and after a failure with the failure's reason. */
  g_assert_cmpuint (watch->n_closed++, ==, 0);
  if (reason == NULL)
    watch->closed = TRUE;
  else
    watch->closed_reason = g_error_copy (reason);
}

static void
on_frame (TafelLink *link,
          GBytes    *frame,
          Watch     *watch)
{
  g_assert_cmpuint (watch->n_closed, ==, 0);
  g_ptr_array_add (watch->frames, g_bytes_ref (frame));
}

static void
on_writable (TafelLink  *link,
             GParamSpec *pspec,
             Watch      *watch)
{
  /* Only the turns while connected count: congestion and relief. */
  if (tafel_link_get_state (link) != TAFEL_LINK_STATE_CONNECTED || !watch->connected)
    return;
  if (!tafel_frame_channel_is_writable (TAFEL_FRAME_CHANNEL (link)))
    watch->congested_on++;
  else
    watch->congested_off++;
}

static void
watch_init (Watch     *watch,
            TafelLink *link)
{
  memset (watch, 0, sizeof *watch);
  watch->link = link;
  watch->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_signal_connect (link, "connected", G_CALLBACK (on_connected), watch);
  g_signal_connect (link, "failed", G_CALLBACK (on_failed), watch);
  g_signal_connect (link, "closed", G_CALLBACK (on_closed), watch);
  g_signal_connect (link, "frame", G_CALLBACK (on_frame), watch);
  g_signal_connect (link, "notify::writable", G_CALLBACK (on_writable), watch);
}

static void
watch_clear (Watch *watch)
{
  if (watch->link != NULL)
    g_signal_handlers_disconnect_by_data (watch->link, watch);
  g_clear_object (&watch->link);
  g_clear_error (&watch->error);
  g_clear_error (&watch->closed_reason);
  g_clear_pointer (&watch->frames, g_ptr_array_unref);
}

static TafelLink *
make_link (Fixture      *fixture,
           Peer         *local,
           Peer         *remote,
           const guint8 *board_id,
           const guint8 *secret)
{
  g_autoptr(TafelLinkAuth) auth = tafel_link_auth_new (board_id != NULL ? board_id : fixture->board_id,
                                                       secret != NULL ? secret : fixture->secret,
                                                       local->identity);

  return track (tafel_link_new (local->signaling, fixture->config, auth,
                                tafel_identity_get_public_key (remote->identity)));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  static const char *loopback[] = { "127.0.0.1", NULL };
  g_autoptr(GError) error = NULL;

  fixture->hub = tafel_signaling_hub_new ();
  fixture->config = tafel_link_config_new ();
  tafel_link_config_set_local_addresses (fixture->config, loopback, &error);
  g_assert_no_error (error);
  /* Short heartbeats so dead peers are noticed quickly in tests. */
  tafel_link_config_set_timeouts (fixture->config, 8000, 100, 1000);
  tafel_random_bytes (fixture->board_id, sizeof fixture->board_id);
  tafel_random_bytes (fixture->secret, sizeof fixture->secret);
}

static gboolean
no_links_and_no_events (gpointer data)
{
  return links_alive == 0 && !g_main_context_pending (NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  /* Let lingering links and closing agents finish, so nothing leaks. */
  g_assert_true (tafel_test_wait_until (no_links_and_no_events, NULL, 5000));
  g_clear_object (&fixture->hub);
  g_clear_pointer (&fixture->config, tafel_link_config_unref);
}

static gboolean
both_connected (gpointer data)
{
  Watch *w = data;

  return (w[0].connected && w[1].connected) || w[0].error != NULL || w[1].error != NULL;
}

static gboolean
both_failed (gpointer data)
{
  Watch *w = data;

  return w[0].error != NULL && w[1].error != NULL;
}

static gboolean
has_error (gpointer data)
{
  return ((Watch *) data)->error != NULL;
}

typedef struct
{
  Watch *watch;
  guint  n;
} FrameCount;

static gboolean
has_frames (gpointer data)
{
  FrameCount *c = data;

  return c->watch->frames->len >= c->n || c->watch->error != NULL;
}

/* A connected pair: w[0] is a's link to b, w[1] b's link to a. */
static void
connect_pair (Fixture *fixture,
              Peer    *a,
              Peer    *b,
              Watch   *w)
{
  watch_init (&w[0], make_link (fixture, a, b, NULL, NULL));
  watch_init (&w[1], make_link (fixture, b, a, NULL, NULL));
  tafel_link_start (w[0].link);
  tafel_link_start (w[1].link);
  g_assert_true (tafel_test_wait_until (both_connected, w, WAIT_MS));
  g_assert_no_error (w[0].error);
  g_assert_no_error (w[1].error);
  g_assert_cmpint (tafel_link_get_state (w[0].link), ==, TAFEL_LINK_STATE_CONNECTED);
  g_assert_cmpint (tafel_link_get_state (w[1].link), ==, TAFEL_LINK_STATE_CONNECTED);
}

static GBytes *
numbered_payload (guint index,
                  gsize len)
{
  guint8 *data = g_malloc (MAX (len, 4));

  for (gsize i = 0; i < len; i++)
    data[i] = (guint8) (index * 31 + i * 7);
  if (len >= 4)
    {
      data[0] = index >> 24;
      data[1] = index >> 16;
      data[2] = index >> 8;
      data[3] = index;
    }
  return g_bytes_new_take (data, len);
}

static void
assert_frame (GBytes *frame,
              guint8  type,
              GBytes *payload)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (frame, &len);

  g_assert_cmpuint (len, ==, 1 + g_bytes_get_size (payload));
  g_assert_cmpuint (data[0], ==, type);
  g_assert_cmpmem (data + 1, len - 1, g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
}

static gsize
frame_size (guint index)
{
  /* Empty, tiny, odd, datagram-sized and the 1 MiB maximum. */
  static const gsize sizes[] = { 0, 1, 5, 1199, 1200, 4096, 65000, 65536, 300001,
                                 TAFEL_LINK_MAX_PAYLOAD };

  return sizes[index % G_N_ELEMENTS (sizes)];
}

static void
test_link_exchange (Fixture       *fixture,
                    gconstpointer  data)
{
  Peer a, b;
  Watch w[2];
  const guint n_ab = 60, n_ba = 25;
  FrameCount count;

  peer_init (&a, fixture);
  peer_init (&b, fixture);
  connect_pair (fixture, &a, &b, w);

  g_assert_cmpint (tafel_link_get_path (w[0].link), ==, TAFEL_LINK_PATH_DIRECT);
  g_assert_true (tafel_link_is_controlling (w[0].link) != tafel_link_is_controlling (w[1].link));

  for (guint i = 0; i < n_ab; i++)
    {
      g_autoptr(GBytes) payload = numbered_payload (i, frame_size (i));
      g_autoptr(GError) error = NULL;

      g_assert_true (tafel_link_send (w[0].link, TAFEL_LINK_FIRST_USER_TYPE + i % 3, payload, &error));
      g_assert_no_error (error);
    }
  /* The other way through the frame-channel interface, as sync uses it:
   * the type is the frame's first byte. */
  g_assert_cmpuint (tafel_frame_channel_get_max_frame (TAFEL_FRAME_CHANNEL (w[1].link)), ==,
                    1 + TAFEL_LINK_MAX_PAYLOAD);
  g_assert_true (tafel_frame_channel_is_writable (TAFEL_FRAME_CHANNEL (w[1].link)));
  for (guint i = 0; i < n_ba; i++)
    {
      g_autoptr(GBytes) payload = numbered_payload (1000 + i, frame_size (i + 3));
      g_autoptr(GByteArray) frame = g_byte_array_new ();
      g_autoptr(GBytes) frame_bytes = NULL;
      guint8 type = 0xff;

      g_byte_array_append (frame, &type, 1);
      g_byte_array_append (frame, g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
      frame_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&frame));
      g_assert_true (tafel_frame_channel_send (TAFEL_FRAME_CHANNEL (w[1].link), frame_bytes));
    }

  count = (FrameCount) { &w[1], n_ab };
  g_assert_true (tafel_test_wait_until (has_frames, &count, WAIT_MS));
  count = (FrameCount) { &w[0], n_ba };
  g_assert_true (tafel_test_wait_until (has_frames, &count, WAIT_MS));
  g_assert_no_error (w[0].error);
  g_assert_no_error (w[1].error);

  /* Every frame, in order, intact. */
  g_assert_cmpuint (w[1].frames->len, ==, n_ab);
  for (guint i = 0; i < n_ab; i++)
    {
      g_autoptr(GBytes) payload = numbered_payload (i, frame_size (i));

      assert_frame (g_ptr_array_index (w[1].frames, i), TAFEL_LINK_FIRST_USER_TYPE + i % 3, payload);
    }
  g_assert_cmpuint (w[0].frames->len, ==, n_ba);
  for (guint i = 0; i < n_ba; i++)
    {
      g_autoptr(GBytes) payload = numbered_payload (1000 + i, frame_size (i + 3));

      assert_frame (g_ptr_array_index (w[0].frames, i), 0xff, payload);
    }

  g_assert_cmpint (tafel_link_get_rtt (w[0].link), >, 0);

  watch_clear (&w[0]);
  watch_clear (&w[1]);
  peer_clear (&a);
  peer_clear (&b);
}

static void
test_link_send_limits (Fixture       *fixture,
                       gconstpointer  data)
{
  Peer a, b;
  Watch w[2];
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) big = g_bytes_new_take (g_malloc0 (TAFEL_LINK_MAX_PAYLOAD + 1),
                                            TAFEL_LINK_MAX_PAYLOAD + 1);
  g_autoptr(GBytes) small = g_bytes_new_static ("x", 1);
  g_autoptr(TafelLink) unstarted = NULL;

  peer_init (&a, fixture);
  peer_init (&b, fixture);

  unstarted = make_link (fixture, &a, &b, NULL, NULL);
  g_assert_false (tafel_link_send (unstarted, TAFEL_LINK_FIRST_USER_TYPE, small, &error));
  g_assert_error (error, TAFEL_LINK_ERROR, TAFEL_LINK_ERROR_NOT_CONNECTED);
  g_clear_error (&error);

  connect_pair (fixture, &a, &b, w);
  g_assert_false (tafel_link_send (w[0].link, TAFEL_LINK_FIRST_USER_TYPE, big, &error));
  g_assert_error (error, TAFEL_LINK_ERROR, TAFEL_LINK_ERROR_FRAME_TOO_LARGE);
  g_assert_cmpint (tafel_link_get_state (w[0].link), ==, TAFEL_LINK_STATE_CONNECTED);

  watch_clear (&w[0]);
  watch_clear (&w[1]);
  peer_clear (&a);
  peer_clear (&b);
}

/* Both sides refuse each other and nothing is delivered. */
static void
assert_refused_both_ways (Fixture        *fixture,
                          Watch          *w,
                          TafelLinkError  code)
{
  g_assert_true (tafel_test_wait_until (both_failed, w, WAIT_MS));
  g_assert_error (w[0].error, TAFEL_LINK_ERROR, code);
  g_assert_error (w[1].error, TAFEL_LINK_ERROR, code);
  /* The channel closes with the same reason. */
  g_assert_error (w[0].closed_reason, TAFEL_LINK_ERROR, code);
  g_assert_error (w[1].closed_reason, TAFEL_LINK_ERROR, code);
  g_assert_false (w[0].connected);
  g_assert_false (w[1].connected);
  g_assert_cmpuint (w[0].frames->len, ==, 0);
  g_assert_cmpuint (w[1].frames->len, ==, 0);
  g_assert_cmpint (tafel_link_get_state (w[0].link), ==, TAFEL_LINK_STATE_FAILED);
  g_assert_cmpint (tafel_link_get_error (w[1].link)->code, ==, code);
}

static void
test_link_wrong_secret (Fixture       *fixture,
                        gconstpointer  data)
{
  Peer a, b;
  Watch w[2];
  guint8 other_secret[TAFEL_BOARD_SECRET_BYTES];

  peer_init (&a, fixture);
  peer_init (&b, fixture);
  memcpy (other_secret, fixture->secret, sizeof other_secret);
  other_secret[7] ^= 0x01;

  watch_init (&w[0], make_link (fixture, &a, &b, NULL, NULL));
  watch_init (&w[1], make_link (fixture, &b, &a, NULL, other_secret));
  tafel_link_start (w[0].link);
  tafel_link_start (w[1].link);
  assert_refused_both_ways (fixture, w, TAFEL_LINK_ERROR_WRONG_SECRET);

  watch_clear (&w[0]);
  watch_clear (&w[1]);
  peer_clear (&a);
  peer_clear (&b);
}

/* The MAC over the transcript proves the secret on its own. A peer whose
 * session keys are right, so that its handshake decrypts, but whose MAC key
 * is not (it does not know the secret the MAC is keyed with) is refused as
 * one without the secret, both ways; the identity signature alone, which
 * such a peer makes correctly, must not let it in. */
static void
test_link_wrong_secret_mac (Fixture       *fixture,
                            gconstpointer  data)
{
  Peer a, b;
  Watch w[2];
  g_autoptr(TafelLinkAuth) auth = NULL;

  peer_init (&a, fixture);
  peer_init (&b, fixture);
  auth = tafel_link_auth_new (fixture->board_id, fixture->secret, b.identity);
  auth->mac_key[5] ^= 0x10;

  watch_init (&w[0], make_link (fixture, &a, &b, NULL, NULL));
  watch_init (&w[1], track (tafel_link_new (b.signaling, fixture->config, auth,
                                            tafel_identity_get_public_key (a.identity))));
  tafel_link_start (w[0].link);
  tafel_link_start (w[1].link);
  assert_refused_both_ways (fixture, w, TAFEL_LINK_ERROR_WRONG_SECRET);
  /* Found by the MAC, not by a handshake that does not decrypt. */
  g_assert_null (strstr (w[0].error->message, "decrypt"));
  g_assert_null (strstr (w[1].error->message, "decrypt"));

  watch_clear (&w[0]);
  watch_clear (&w[1]);
  peer_clear (&a);
  peer_clear (&b);
}

static void
test_link_wrong_board (Fixture       *fixture,
                       gconstpointer  data)
{
  Peer a, b;
  Watch w[2];
  guint8 other_board[TAFEL_BOARD_ID_BYTES];

  peer_init (&a, fixture);
  peer_init (&b, fixture);
  memcpy (other_board, fixture->board_id, sizeof other_board);
  other_board[0] ^= 0x80;

  watch_init (&w[0], make_link (fixture, &a, &b, NULL, NULL));
  watch_init (&w[1], make_link (fixture, &b, &a, other_board, NULL));
  tafel_link_start (w[0].link);
  tafel_link_start (w[1].link);
  assert_refused_both_ways (fixture, w, TAFEL_LINK_ERROR_WRONG_BOARD);

  watch_clear (&w[0]);
  watch_clear (&w[1]);
  peer_clear (&a);
  peer_clear (&b);
}

/* An honest pair next to the misbehaving one keeps working. */
static void
assert_pair_works (Watch *w,
                   guint  tag)
{
  g_autoptr(GBytes) payload = numbered_payload (tag, 70000);
  FrameCount count = { &w[1], w[1].frames->len + 1 };

  g_assert_cmpint (tafel_link_get_state (w[0].link), ==, TAFEL_LINK_STATE_CONNECTED);
  g_assert_true (tafel_link_send (w[0].link, 0x42, payload, NULL));
  g_assert_true (tafel_test_wait_until (has_frames, &count, WAIT_MS));
  g_assert_no_error (w[1].error);
  assert_frame (g_ptr_array_index (w[1].frames, w[1].frames->len - 1), 0x42, payload);
}

static void
test_link_forged_identity (Fixture       *fixture,
                           gconstpointer  data)
{
  Peer a, b, c, d, forger;
  Watch honest[2], w[2];
  g_autoptr(TafelLinkAuth) forged = NULL;

  peer_init (&a, fixture);
  peer_init (&b, fixture);
  peer_init (&c, fixture);
  peer_init (&d, fixture);
  connect_pair (fixture, &c, &d, honest);

  /* The forger knows the board secret and claims to be A (in signalling
   * and in its handshake) but holds only its own key, not A's. */
  forger.identity = tafel_identity_new_ephemeral ();
  forger.signaling = tafel_signaling_hub_connect (fixture->hub, tafel_identity_get_public_key (a.identity));
  forged = tafel_link_auth_new (fixture->board_id, fixture->secret, forger.identity);
  tafel_link_auth_test_claim_identity (forged, tafel_identity_get_public_key (a.identity));

  watch_init (&w[0], track (tafel_link_new (forger.signaling, fixture->config, forged,
                                            tafel_identity_get_public_key (b.identity))));
  watch_init (&w[1], make_link (fixture, &b, &a, NULL, NULL));
  tafel_link_start (w[0].link);
  tafel_link_start (w[1].link);

  g_assert_true (tafel_test_wait_until (has_error, &w[1], WAIT_MS));
  g_assert_error (w[1].error, TAFEL_LINK_ERROR, TAFEL_LINK_ERROR_BAD_SIGNATURE);
  g_assert_false (w[1].connected);
  g_assert_cmpuint (w[1].frames->len, ==, 0);
  /* The forger is told it was refused. */
  g_assert_true (tafel_test_wait_until (has_error, &w[0], WAIT_MS));
  g_assert_error (w[0].error, TAFEL_LINK_ERROR, TAFEL_LINK_ERROR_REFUSED);

  assert_pair_works (honest, 1);

  watch_clear (&w[0]);
  watch_clear (&w[1]);
  watch_clear (&honest[0]);
  watch_clear (&honest[1]);
  peer_clear (&forger);
  peer_clear (&a);
  peer_clear (&b);
  peer_clear (&c);
  peer_clear (&d);
}

static void
test_link_wrong_peer (Fixture       *fixture,
                      gconstpointer  data)
{
  Peer a, b, impostor;
  Watch w[2];

  peer_init (&a, fixture);
  peer_init (&b, fixture);

  /* A member of the board with its own valid identity answers in A's
   * place (it took over A's signalling address). */
  impostor.identity = tafel_identity_new_ephemeral ();
  impostor.signaling = tafel_signaling_hub_connect (fixture->hub, tafel_identity_get_public_key (a.identity));

  watch_init (&w[0], make_link (fixture, &impostor, &b, NULL, NULL));
  watch_init (&w[1], make_link (fixture, &b, &a, NULL, NULL));
  tafel_link_start (w[0].link);
  tafel_link_start (w[1].link);

  g_assert_true (tafel_test_wait_until (has_error, &w[1], WAIT_MS));
  g_assert_error (w[1].error, TAFEL_LINK_ERROR, TAFEL_LINK_ERROR_WRONG_PEER);
  g_assert_false (w[1].connected);

  watch_clear (&w[0]);
  watch_clear (&w[1]);
  peer_clear (&impostor);
  peer_clear (&a);
  peer_clear (&b);
}

typedef enum
{
  ATTACK_FLIP_BIT,
  ATTACK_REPLAY,
  ATTACK_REORDER,
  ATTACK_TRUNCATE,
  ATTACK_OVERSIZE,
  ATTACK_GARBAGE,
  ATTACK_INTERNAL_TYPE,
} Attack;

static GBytes *
concat (GBytes *a,
        GBytes *b)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();

  g_byte_array_append (out, g_bytes_get_data (a, NULL), g_bytes_get_size (a));
  g_byte_array_append (out, g_bytes_get_data (b, NULL), g_bytes_get_size (b));
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
test_link_attack (Fixture       *fixture,
                  gconstpointer  data)
{
  Attack attack = GPOINTER_TO_INT (data);
  Peer a, b, c, d;
  Watch w[2], honest[2];
  g_autoptr(GBytes) p1 = numbered_payload (1, 5000);
  g_autoptr(GBytes) p2 = numbered_payload (2, 6000);
  g_autoptr(GBytes) f1 = NULL;
  g_autoptr(GBytes) f2 = NULL;
  g_autoptr(GBytes) raw = NULL;
  guint expected_frames = 0;
  TafelLinkError expected = TAFEL_LINK_ERROR_TAMPERED;
  FrameCount count;

  peer_init (&a, fixture);
  peer_init (&b, fixture);
  peer_init (&c, fixture);
  peer_init (&d, fixture);
  connect_pair (fixture, &c, &d, honest);
  connect_pair (fixture, &a, &b, w);

  /* A good frame first: it must arrive, and the attack must not undo it. */
  g_assert_true (tafel_link_send (w[0].link, 0x10, p1, NULL));
  count = (FrameCount) { &w[1], 1 };
  g_assert_true (tafel_test_wait_until (has_frames, &count, WAIT_MS));

  /* Two genuine frames, sealed in order but held back. */
  if (attack != ATTACK_INTERNAL_TYPE)
    {
      f1 = tafel_link_test_seal_frame (w[0].link, 0x11, p1);
      f2 = tafel_link_test_seal_frame (w[0].link, 0x12, p2);
    }

  switch (attack)
    {
    case ATTACK_FLIP_BIT:
      {
        gsize len;
        guint8 *bytes = g_bytes_unref_to_data (g_steal_pointer (&f1), &len);

        bytes[4 + 100] ^= 0x04;   /* inside the ciphertext */
        raw = g_bytes_new_take (bytes, len);
      }
      break;

    case ATTACK_REPLAY:
      /* The first copy is fine; the second is a replay. */
      raw = concat (f1, f1);
      expected_frames = 1;
      break;

    case ATTACK_REORDER:
      raw = concat (f2, f1);
      break;

    case ATTACK_TRUNCATE:
      {
        gsize len;
        guint8 *bytes = g_bytes_unref_to_data (g_steal_pointer (&f1), &len);
        guint32 cut = len - 4 - 9;

        /* The frame loses its last 9 bytes; the length prefix says so. */
        bytes[0] = cut >> 24;
        bytes[1] = cut >> 16;
        bytes[2] = cut >> 8;
        bytes[3] = cut;
        {
          g_autoptr(GBytes) cut_frame = g_bytes_new_take (bytes, len - 9);

          raw = concat (cut_frame, f2);
        }
      }
      break;

    case ATTACK_OVERSIZE:
      {
        static const guint8 huge[8] = { 0x00, 0x20, 0x00, 0x00, 1, 2, 3, 4 };  /* 2 MiB */

        raw = g_bytes_new_static (huge, sizeof huge);
        expected = TAFEL_LINK_ERROR_FRAME_TOO_LARGE;
      }
      break;

    case ATTACK_GARBAGE:
      {
        guint8 *bytes = g_malloc (4 + 200);

        tafel_random_bytes (bytes + 4, 200);
        bytes[0] = bytes[1] = bytes[2] = 0;
        bytes[3] = 200;
        raw = g_bytes_new_take (bytes, 4 + 200);
      }
      break;

    case ATTACK_INTERNAL_TYPE:
      {
        /* Authentic, but of a type only the link itself may use. */
        raw = tafel_link_test_seal_frame (w[0].link, 0x07, p1);
        expected = TAFEL_LINK_ERROR_PROTOCOL;
      }
      break;
    }

  tafel_link_test_send_raw (w[0].link, raw);
  g_assert_true (tafel_test_wait_until (has_error, &w[1], WAIT_MS));
  g_assert_error (w[1].error, TAFEL_LINK_ERROR, expected);
  g_assert_cmpint (tafel_link_get_state (w[1].link), ==, TAFEL_LINK_STATE_FAILED);

  /* The good frame, plus the one genuine copy of a replay; nothing else. */
  g_assert_cmpuint (w[1].frames->len, ==, 1 + expected_frames);
  assert_frame (g_ptr_array_index (w[1].frames, 0), 0x10, p1);
  if (expected_frames == 1)
    assert_frame (g_ptr_array_index (w[1].frames, 1), 0x11, p1);

  /* The sending side hears why, in an authenticated goodbye. */
  g_assert_true (tafel_test_wait_until (has_error, &w[0], WAIT_MS));
  g_assert_error (w[0].error, TAFEL_LINK_ERROR, TAFEL_LINK_ERROR_REFUSED);

  /* Sending on the failed link is refused; the honest pair is unharmed. */
  g_assert_false (tafel_link_send (w[1].link, 0x10, p1, NULL));
  assert_pair_works (honest, 7);

  watch_clear (&w[0]);
  watch_clear (&w[1]);
  watch_clear (&honest[0]);
  watch_clear (&honest[1]);
  peer_clear (&a);
  peer_clear (&b);
  peer_clear (&c);
  peer_clear (&d);
}

static void
test_link_dead_peer (Fixture       *fixture,
                     gconstpointer  data)
{
  Peer a, b;
  Watch w[2];
  gint64 start, took;
  guint dead_ms = tafel_link_config_get_dead_timeout (fixture->config);

  peer_init (&a, fixture);
  peer_init (&b, fixture);
  connect_pair (fixture, &a, &b, w);

  /* B vanishes without a goodbye: its agent and sockets go away. */
  start = g_get_monotonic_time ();
  watch_clear (&w[1]);

  /* Noticed by the heartbeat timeout: not early; late only by what a
   * loaded machine adds (the bound is for a hang). */
  g_assert_true (tafel_test_wait_until (has_error, &w[0], dead_ms + 3 * WAIT_MS));
  took = g_get_monotonic_time () - start;
  g_assert_error (w[0].error, TAFEL_LINK_ERROR, TAFEL_LINK_ERROR_PEER_DEAD);
  g_test_message ("dead peer noticed after %.2f s (dead timeout %.2f s)", took / 1e6, dead_ms / 1e3);
  g_assert_cmpint (took, >=, (gint64) dead_ms * 1000 * 9 / 10);

  watch_clear (&w[0]);
  peer_clear (&a);
  peer_clear (&b);
}

static void
test_link_idle_stays_alive (Fixture       *fixture,
                            gconstpointer  data)
{
  Peer a, b;
  Watch w[2];
  guint dead_ms = tafel_link_config_get_dead_timeout (fixture->config);

  peer_init (&a, fixture);
  peer_init (&b, fixture);
  connect_pair (fixture, &a, &b, w);

  /* Idle for two and a half dead timeouts: heartbeats keep it up. */
  g_assert_false (tafel_test_wait_until (both_failed, w, dead_ms * 5 / 2));
  g_assert_no_error (w[0].error);
  g_assert_no_error (w[1].error);
  assert_pair_works (w, 3);

  watch_clear (&w[0]);
  watch_clear (&w[1]);
  peer_clear (&a);
  peer_clear (&b);
}

static gboolean
is_closed (gpointer data)
{
  return ((Watch *) data)->closed;
}

static void
test_link_goodbye (Fixture       *fixture,
                   gconstpointer  data)
{
  Peer a, b;
  Watch w[2];
  g_autoptr(GBytes) last = numbered_payload (9, 20000);
  g_autoptr(GBytes) last_frame = g_bytes_new_static ("\x20x", 2);

  peer_init (&a, fixture);
  peer_init (&b, fixture);
  connect_pair (fixture, &a, &b, w);

  /* A sends a last frame, closes and drops the link at once; the frame
   * and the goodbye still arrive. */
  g_assert_true (tafel_link_send (w[0].link, 0x20, last, NULL));
  tafel_frame_channel_close (TAFEL_FRAME_CHANNEL (w[0].link));
  g_assert_cmpint (tafel_link_get_state (w[0].link), ==, TAFEL_LINK_STATE_CLOSED);
  g_assert_false (tafel_frame_channel_is_writable (TAFEL_FRAME_CHANNEL (w[0].link)));
  g_assert_false (tafel_frame_channel_send (TAFEL_FRAME_CHANNEL (w[0].link), last_frame));
  /* Its own channel reports the close too, but not from within close(). */
  g_assert_false (w[0].closed);
  g_assert_true (tafel_test_wait_until (is_closed, &w[0], WAIT_MS));
  watch_clear (&w[0]);

  g_assert_true (tafel_test_wait_until (is_closed, &w[1], WAIT_MS));
  g_assert_no_error (w[1].error);
  g_assert_cmpuint (w[1].frames->len, ==, 1);
  assert_frame (g_ptr_array_index (w[1].frames, 0), 0x20, last);
  g_assert_cmpint (tafel_link_get_state (w[1].link), ==, TAFEL_LINK_STATE_CLOSED);

  watch_clear (&w[1]);
  peer_clear (&a);
  peer_clear (&b);
}

static gboolean
is_congested (gpointer data)
{
  return ((Watch *) data)->congested_on > 0;
}

typedef struct
{
  Watch *w;
  guint  expect;
} Drain;

static gboolean
drained_and_received (gpointer data)
{
  Drain *d = data;

  return (d->w[0].congested_off > 0 && d->w[1].frames->len >= d->expect) ||
         d->w[0].error != NULL || d->w[1].error != NULL;
}

static void
test_link_backpressure (Fixture       *fixture,
                        gconstpointer  data)
{
  Peer a, b;
  Watch w[2];
  guint sent = 0;
  gsize window = tafel_link_config_get_window (fixture->config);

  peer_init (&a, fixture);
  peer_init (&b, fixture);
  connect_pair (fixture, &a, &b, w);

  /* B stops reading. A sends 256 KiB frames until the link says it is
   * congested: that must happen after about a window, not never. */
  tafel_link_set_receive_paused (w[1].link, TRUE);
  while (!w[0].congested_on)
    {
      g_autoptr(GBytes) payload = numbered_payload (sent, 256 * 1024);

      g_assert_cmpuint (sent, <, 2 * window / (256 * 1024) + 16);
      g_assert_true (tafel_link_send (w[0].link, 0x30, payload, NULL));
      sent++;
      /* Let the transport run so the window fills. */
      tafel_test_wait_until (is_congested, &w[0], 20);
    }
  g_test_message ("congested after %u frames of 256 KiB (window %zu)", sent, window);
  g_assert_cmpuint (w[1].frames->len, ==, 0);
  g_assert_false (tafel_frame_channel_is_writable (TAFEL_FRAME_CHANNEL (w[0].link)));

  /* B resumes: everything arrives and A's queue drains below low water. */
  tafel_link_set_receive_paused (w[1].link, FALSE);
  g_assert_true (tafel_test_wait_until (drained_and_received, &(Drain) { w, sent }, WAIT_MS));
  g_assert_no_error (w[0].error);
  g_assert_no_error (w[1].error);
  g_assert_cmpuint (w[1].frames->len, ==, sent);
  g_assert_true (tafel_frame_channel_is_writable (TAFEL_FRAME_CHANNEL (w[0].link)));
  for (guint i = 0; i < sent; i++)
    {
      g_autoptr(GBytes) payload = numbered_payload (i, 256 * 1024);

      assert_frame (g_ptr_array_index (w[1].frames, i), 0x30, payload);
    }

  watch_clear (&w[0]);
  watch_clear (&w[1]);
  peer_clear (&a);
  peer_clear (&b);
}

static gboolean
a_has_signalled (gpointer data)
{
  /* Credentials, at least one candidate, end of candidates. */
  return tafel_signaling_hub_get_delivered (data) >= 3;
}

static void
test_link_late_peer (Fixture       *fixture,
                     gconstpointer  data)
{
  Peer a, b;
  Watch w[2];

  peer_init (&a, fixture);
  peer_init (&b, fixture);

  /* A starts alone; its credentials and candidates reach nobody. B's link
   * comes later and must still get them. */
  watch_init (&w[0], make_link (fixture, &a, &b, NULL, NULL));
  tafel_link_start (w[0].link);
  g_assert_true (tafel_test_wait_until (a_has_signalled, fixture->hub, WAIT_MS));

  watch_init (&w[1], make_link (fixture, &b, &a, NULL, NULL));
  tafel_link_start (w[1].link);
  g_assert_true (tafel_test_wait_until (both_connected, w, WAIT_MS));
  g_assert_no_error (w[0].error);
  g_assert_no_error (w[1].error);
  assert_pair_works (w, 4);

  watch_clear (&w[0]);
  watch_clear (&w[1]);
  peer_clear (&a);
  peer_clear (&b);
}

/* A starts before B, which comes only once A has signalled all it has (the
 * two sides of a pair hear each other's announcements apart): they still
 * link, and each link reports how long ICE and the whole connection took
 * from its own start. */
static void
test_link_timing (Fixture       *fixture,
                  gconstpointer  data)
{
  Peer a, b;
  Watch w[2];
  gint64 a_started, b_started, done;

  peer_init (&a, fixture);
  peer_init (&b, fixture);

  watch_init (&w[0], make_link (fixture, &a, &b, NULL, NULL));
  g_assert_cmpint (tafel_link_get_ice_time (w[0].link), ==, -1);
  g_assert_cmpint (tafel_link_get_connect_time (w[0].link), ==, -1);
  a_started = g_get_monotonic_time ();
  tafel_link_start (w[0].link);
  g_assert_true (tafel_test_wait_until (a_has_signalled, fixture->hub, WAIT_MS));
  g_assert_cmpint (tafel_link_get_ice_time (w[0].link), ==, -1);
  g_assert_null (w[0].error);

  watch_init (&w[1], make_link (fixture, &b, &a, NULL, NULL));
  b_started = g_get_monotonic_time ();
  tafel_link_start (w[1].link);
  g_assert_true (tafel_test_wait_until (both_connected, w, WAIT_MS));
  done = g_get_monotonic_time ();
  g_assert_no_error (w[0].error);
  g_assert_no_error (w[1].error);

  for (guint i = 0; i < 2; i++)
    {
      gint64 started = i == 0 ? a_started : b_started;
      gint64 ice = tafel_link_get_ice_time (w[i].link);
      gint64 connect = tafel_link_get_connect_time (w[i].link);

      g_test_message ("link %u: ICE %.1f ms, connected after %.1f ms", i, ice / 1e3, connect / 1e3);
      g_assert_cmpint (ice, >, 0);
      g_assert_cmpint (connect, >=, ice);
      g_assert_cmpint (connect, <=, done - started);
      /* Counted up to ::connected, from this link's own start: what the
       * test saw, less only the signal's own way (a generous bound, so
       * that only another starting point fails it). */
      g_assert_cmpint (started + connect, <=, w[i].connected_at);
      g_assert_cmpint (w[i].connected_at - (started + connect), <, G_USEC_PER_SEC / 2);
    }
  /* A could not find a path before B existed. */
  g_assert_cmpint (tafel_link_get_ice_time (w[0].link), >=, b_started - a_started);
  g_assert_cmpint (tafel_link_get_ice_time (w[1].link), <=, done - b_started);
  assert_pair_works (w, 3);

  watch_clear (&w[0]);
  watch_clear (&w[1]);
  peer_clear (&a);
  peer_clear (&b);
}

static void
test_link_connect_timeout (Fixture       *fixture,
                           gconstpointer  data)
{
  Peer a, b;
  Watch w;
  g_autoptr(TafelLinkConfig) config = tafel_link_config_new ();
  g_autoptr(TafelLinkAuth) auth = NULL;
  static const char *loopback[] = { "127.0.0.1", NULL };

  peer_init (&a, fixture);
  peer_init (&b, fixture);
  g_assert_true (tafel_link_config_set_local_addresses (config, loopback, NULL));
  tafel_link_config_set_timeouts (config, 700, 100, 1000);
  auth = tafel_link_auth_new (fixture->board_id, fixture->secret, a.identity);

  /* B never answers. */
  watch_init (&w, track (tafel_link_new (a.signaling, config, auth,
                                         tafel_identity_get_public_key (b.identity))));
  tafel_link_start (w.link);
  g_assert_true (tafel_test_wait_until (has_error, &w, WAIT_MS));
  g_assert_error (w.error, TAFEL_LINK_ERROR, TAFEL_LINK_ERROR_TIMEOUT);

  watch_clear (&w);
  peer_clear (&a);
  peer_clear (&b);
}

static void
test_link_peer_restarted (Fixture       *fixture,
                          gconstpointer  data)
{
  Peer a, b;
  Watch w[2], again[2];

  peer_init (&a, fixture);
  peer_init (&b, fixture);
  connect_pair (fixture, &a, &b, w);

  /* B's link goes away and B starts a new one: A's old link learns that
   * from B's new credentials and gives up at once rather than waiting
   * for the heartbeat; a new link then connects. */
  watch_clear (&w[1]);
  watch_init (&again[1], make_link (fixture, &b, &a, NULL, NULL));
  tafel_link_start (again[1].link);
  g_assert_true (tafel_test_wait_until (has_error, &w[0], WAIT_MS));
  g_assert_error (w[0].error, TAFEL_LINK_ERROR, TAFEL_LINK_ERROR_PEER_RESTARTED);

  watch_init (&again[0], make_link (fixture, &a, &b, NULL, NULL));
  tafel_link_start (again[0].link);
  g_assert_true (tafel_test_wait_until (both_connected, again, WAIT_MS));
  g_assert_no_error (again[0].error);
  assert_pair_works (again, 5);

  watch_clear (&w[0]);
  watch_clear (&again[0]);
  watch_clear (&again[1]);
  peer_clear (&a);
  peer_clear (&b);
}

/* A coturn of the test's own on 127.0.0.1, or NULL (and a skip) without one. */
typedef struct
{
  GSubprocess *process;
  char        *dir;
  guint16      port;
} Turn;

/* Whether a STUN binding request to the server is answered: it is up. */
static gboolean
stun_answers (guint16 port)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                            G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) server = g_inet_socket_address_new (loopback, port);
  guint8 request[20] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42 };
  guint8 reply[512];

  tafel_random_bytes (request + 8, 12);
  if (g_socket_send_to (socket, server, (const char *) request, sizeof request, NULL, NULL) < 0)
    return FALSE;
  if (!g_socket_condition_timed_wait (socket, G_IO_IN, 100 * 1000, NULL, NULL))
    return FALSE;
  return g_socket_receive (socket, (char *) reply, sizeof reply, NULL, NULL) >= 20 &&
         reply[0] == 0x01 && reply[1] == 0x01;
}

static Turn *
turn_start (void)
{
  g_autofree char *program = g_find_program_in_path ("turnserver");
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL, *min_port = NULL, *max_port = NULL, *userdb = NULL, *pidfile = NULL;
  g_autofree char *log = NULL;
  gint64 deadline;
  Turn *turn;

  if (program == NULL)
    return NULL;

  turn = g_new0 (Turn, 1);
  /* Under the test's own temporary folder when run by meson, so nothing
   * stays behind even if the test aborts. */
  turn->dir = g_build_filename (g_getenv ("TAFEL_TEST_TMPDIR") != NULL ? g_getenv ("TAFEL_TEST_TMPDIR")
                                                                       : g_get_tmp_dir (),
                                "tafel-turn-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (turn->dir));
  turn->port = tafel_test_free_port ();
  port = g_strdup_printf ("--listening-port=%u", turn->port);
  /* Relay ports of our own, apart from the listening port. */
  min_port = g_strdup_printf ("--min-port=%u", 49152 + turn->port % 8000);
  max_port = g_strdup_printf ("--max-port=%u", 49152 + turn->port % 8000 + 200);
  userdb = g_strdup_printf ("--userdb=%s/turndb", turn->dir);
  pidfile = g_strdup_printf ("--pidfile=%s/turn.pid", turn->dir);
  log = g_strdup_printf ("--log-file=%s/turn.log", turn->dir);

  {
    g_autoptr(GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);

    /* Gone with the test, also when an assertion aborts it. */
    g_subprocess_launcher_set_child_setup (launcher, tafel_test_child_dies_with_parent,
                                           GINT_TO_POINTER (getpid ()), NULL);
    turn->process = g_subprocess_launcher_spawn (launcher, &error,
                                                 program, "-n", "--listening-ip=127.0.0.1", port,
                                                 "--relay-ip=127.0.0.1", min_port, max_port,
                                                 "--lt-cred-mech", "--user=tafel:chalk", "--realm=tafel.test",
                                                 "--no-tls", "--no-dtls", "--no-cli", "--allow-loopback-peers",
                                                 log, userdb, pidfile, NULL);
  }
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  while (!stun_answers (turn->port))
    g_assert_cmpint (g_get_monotonic_time (), <, deadline);
  return turn;
}

static void
turn_stop (Turn *turn)
{
  g_subprocess_force_exit (turn->process);
  g_subprocess_wait (turn->process, NULL, NULL);
  g_object_unref (turn->process);
  {
    g_autoptr(GFile) dir = g_file_new_for_path (turn->dir);
    g_autoptr(GFileEnumerator) children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                     G_FILE_QUERY_INFO_NONE, NULL, NULL);
    GFileInfo *info;

    while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
      {
        g_autoptr(GFile) child = g_file_get_child (dir, g_file_info_get_name (info));

        g_file_delete (child, NULL, NULL);
        g_object_unref (info);
      }
    g_file_delete (dir, NULL, NULL);
  }
  g_free (turn->dir);
  g_free (turn);
}

static void
test_link_turn (Fixture       *fixture,
                gconstpointer  data)
{
  const char *transport = data;
  Turn *turn = turn_start ();
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  Peer a, b;
  Watch w[2];
  g_autoptr(GBytes) back = numbered_payload (77, 300000);
  FrameCount count;

  if (turn == NULL)
    {
      g_test_skip ("coturn (turnserver) is not installed");
      return;
    }

  url = g_strdup_printf ("turn:127.0.0.1:%u?transport=%s", turn->port, transport);
  g_assert_true (tafel_link_config_add_turn (fixture->config, url, "tafel", "chalk", &error));
  g_assert_no_error (error);
  tafel_link_config_set_force_relay (fixture->config, TRUE);

  peer_init (&a, fixture);
  peer_init (&b, fixture);
  connect_pair (fixture, &a, &b, w);
  g_assert_cmpint (tafel_link_get_path (w[0].link), ==, TAFEL_LINK_PATH_RELAYED);
  g_assert_cmpint (tafel_link_get_path (w[1].link), ==, TAFEL_LINK_PATH_RELAYED);

  assert_pair_works (w, 8);
  g_assert_true (tafel_link_send (w[1].link, 0x55, back, NULL));
  count = (FrameCount) { &w[0], 1 };
  g_assert_true (tafel_test_wait_until (has_frames, &count, WAIT_MS));
  assert_frame (g_ptr_array_index (w[0].frames, 0), 0x55, back);

  watch_clear (&w[0]);
  watch_clear (&w[1]);
  peer_clear (&a);
  peer_clear (&b);
  /* The agents release their allocations before the server goes. */
  g_assert_true (tafel_test_wait_until (no_links_and_no_events, NULL, 5000));
  turn_stop (turn);
}

/* The sync layer on real links: a late joiner gets a board of real
 * strokes, then a live edit flows back. */
typedef struct
{
  TafelLog  *log;
  TafelSync *sync;
  guint64    seq;
  TafelHash  head;
} Replica;

static void
replica_draw (Replica       *r,
              TafelIdentity *identity,
              GArray        *strokes,
              guint          first,
              guint          n)
{
  for (guint i = 0; i < n; i++)
    {
      TafelStroke *stroke = &g_array_index (strokes, TafelStroke, (first + i) % strokes->len);
      g_autoptr(GBytes) body = tafel_stroke_encode (stroke);
      g_autoptr(TafelRecord) record = NULL;
      g_autoptr(GError) error = NULL;

      r->seq++;
      record = tafel_identity_sign_record (identity, r->seq, r->seq > 1 ? &r->head : NULL,
                                           tafel_log_get_max_lamport (r->log) + 1,
                                           TAFEL_RECORD_KIND_STROKE, body);
      r->head = *tafel_record_get_id (record);
      g_assert_true (tafel_log_add (r->log, record, &error));
      g_assert_no_error (error);
    }
}

typedef struct
{
  Replica *r;
  guint    n;
} HasRecords;

static gboolean
has_records (gpointer data)
{
  HasRecords *h = data;

  return tafel_log_get_n_records (h->r->log) >= h->n && !tafel_sync_is_busy (h->r->sync);
}

static void
test_link_carries_sync (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *path = tafel_test_shared_path ("quickdraw-strokes.ndjson");
  g_autoptr(GArray) strokes = NULL;
  g_autoptr(GError) error = NULL;
  Replica ra = { 0 }, rb = { 0 };
  Peer a, b;
  Watch w[2];
  const guint n = 3000;

  if (path == NULL)
    {
      g_test_skip ("the shared stroke traces are not there");
      return;
    }
  strokes = tafel_stroke_import_load_path (path, &error);
  g_assert_no_error (error);

  peer_init (&a, fixture);
  peer_init (&b, fixture);
  ra.log = tafel_log_new ();
  rb.log = tafel_log_new ();
  ra.sync = tafel_sync_new (ra.log);
  rb.sync = tafel_sync_new (rb.log);
  replica_draw (&ra, a.identity, strokes, 0, n);

  connect_pair (fixture, &a, &b, w);
  tafel_sync_add_peer (ra.sync, tafel_identity_get_public_key (b.identity), TAFEL_FRAME_CHANNEL (w[0].link));
  tafel_sync_add_peer (rb.sync, tafel_identity_get_public_key (a.identity), TAFEL_FRAME_CHANNEL (w[1].link));

  g_assert_true (tafel_test_wait_until (has_records, &(HasRecords) { &rb, n }, 30000));
  g_assert_cmpuint (tafel_log_get_n_records (rb.log), ==, n);

  replica_draw (&rb, b.identity, strokes, n, 5);
  g_assert_true (tafel_test_wait_until (has_records, &(HasRecords) { &ra, n + 5 }, 30000));
  g_assert_cmpuint (tafel_log_get_n_records (ra.log), ==, n + 5);
  g_assert_no_error (w[0].error);
  g_assert_no_error (w[1].error);

  tafel_sync_remove_peer (ra.sync, tafel_identity_get_public_key (b.identity));
  tafel_sync_remove_peer (rb.sync, tafel_identity_get_public_key (a.identity));
  g_clear_object (&ra.sync);
  g_clear_object (&rb.sync);
  g_clear_object (&ra.log);
  g_clear_object (&rb.log);
  watch_clear (&w[0]);
  watch_clear (&w[1]);
  peer_clear (&a);
  peer_clear (&b);
}

static char *
local_ufrag (TafelLink *link)
{
  char *ufrag = NULL, *pwd = NULL;

  g_assert_true (nice_agent_get_local_credentials (tafel_link_test_get_agent (link),
                                                   tafel_link_test_get_stream_id (link),
                                                   &ufrag, &pwd));
  g_free (pwd);
  return ufrag;
}

typedef struct
{
  TafelLink  *links[2];
  char       *before[2];
} Restarted;

static gboolean
both_restarted_and_ready (gpointer data)
{
  Restarted *r = data;

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *now = local_ufrag (r->links[i]);
      NiceComponentState state = nice_agent_get_component_state (tafel_link_test_get_agent (r->links[i]),
                                                                 tafel_link_test_get_stream_id (r->links[i]), 1);

      if (g_strcmp0 (now, r->before[i]) == 0 || state != NICE_COMPONENT_STATE_READY)
        return FALSE;
    }
  return TRUE;
}

static void
test_link_restart_ice (Fixture       *fixture,
                       gconstpointer  data)
{
  gboolean from_controlled = GPOINTER_TO_INT (data);
  Peer a, b;
  Watch w[2];
  Restarted r;
  guint asker;

  peer_init (&a, fixture);
  peer_init (&b, fixture);
  connect_pair (fixture, &a, &b, w);

  r.links[0] = w[0].link;
  r.links[1] = w[1].link;
  r.before[0] = local_ufrag (w[0].link);
  r.before[1] = local_ufrag (w[1].link);

  /* Frames sent before, while and after ICE restarts all arrive. */
  assert_pair_works (w, 10);
  asker = tafel_link_is_controlling (w[0].link) != from_controlled ? 0 : 1;
  g_assert_true (tafel_link_restart_ice (w[asker].link));
  {
    g_autoptr(GBytes) during = numbered_payload (11, 100000);
    FrameCount count = { &w[1], w[1].frames->len + 1 };

    g_assert_true (tafel_link_send (w[0].link, 0x43, during, NULL));
    g_assert_true (tafel_test_wait_until (both_restarted_and_ready, &r, WAIT_MS));
    g_assert_true (tafel_test_wait_until (has_frames, &count, WAIT_MS));
    assert_frame (g_ptr_array_index (w[1].frames, w[1].frames->len - 1), 0x43, during);
  }
  assert_pair_works (w, 12);
  g_assert_no_error (w[0].error);
  g_assert_no_error (w[1].error);
  g_assert_cmpint (tafel_link_get_state (w[0].link), ==, TAFEL_LINK_STATE_CONNECTED);
  g_assert_cmpint (tafel_link_get_state (w[1].link), ==, TAFEL_LINK_STATE_CONNECTED);

  g_free (r.before[0]);
  g_free (r.before[1]);
  watch_clear (&w[0]);
  watch_clear (&w[1]);
  peer_clear (&a);
  peer_clear (&b);
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/tafel/link/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
#define ADD_ATTACK(path, attack) \
  g_test_add ("/tafel/link/attack/" path, Fixture, GINT_TO_POINTER (attack), \
              fixture_set_up, test_link_attack, fixture_tear_down)

  ADD ("exchange", test_link_exchange);
  ADD ("send-limits", test_link_send_limits);
  ADD ("wrong-secret", test_link_wrong_secret);
  ADD ("wrong-secret-mac", test_link_wrong_secret_mac);
  ADD ("wrong-board", test_link_wrong_board);
  ADD ("forged-identity", test_link_forged_identity);
  ADD ("wrong-peer", test_link_wrong_peer);
  ADD_ATTACK ("flipped-bit", ATTACK_FLIP_BIT);
  ADD_ATTACK ("replay", ATTACK_REPLAY);
  ADD_ATTACK ("reorder", ATTACK_REORDER);
  ADD_ATTACK ("truncate", ATTACK_TRUNCATE);
  ADD_ATTACK ("oversize", ATTACK_OVERSIZE);
  ADD_ATTACK ("garbage", ATTACK_GARBAGE);
  ADD_ATTACK ("internal-type", ATTACK_INTERNAL_TYPE);
  ADD ("dead-peer", test_link_dead_peer);
  ADD ("idle-stays-alive", test_link_idle_stays_alive);
  ADD ("goodbye", test_link_goodbye);
  ADD ("backpressure", test_link_backpressure);
  ADD ("late-peer", test_link_late_peer);
  ADD ("timing", test_link_timing);
  ADD ("connect-timeout", test_link_connect_timeout);
  ADD ("peer-restarted", test_link_peer_restarted);
  ADD ("carries-sync", test_link_carries_sync);
  g_test_add ("/tafel/link/restart-ice/controlling", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_link_restart_ice, fixture_tear_down);
  g_test_add ("/tafel/link/restart-ice/controlled", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_link_restart_ice, fixture_tear_down);
  g_test_add ("/tafel/link/turn/udp", Fixture, "udp", fixture_set_up, test_link_turn, fixture_tear_down);
  g_test_add ("/tafel/link/turn/tcp", Fixture, "tcp", fixture_set_up, test_link_turn, fixture_tear_down);

  return g_test_run ();
}
