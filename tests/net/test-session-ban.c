/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "tafel-board.h"
#include "tafel-bytes.h"
#include "tafel-invite.h"
#include "tafel-link-private.h"
#include "tafel-session-private.h"

#include "tafel-net-test-util.h"
#include "tafel-test-util.h"

/* A member that sends forged records is dropped and stays out: the victim
 * refuses its identity on that board for the rest of the session however
 * often it comes back, and says why it left (the reason `tafel-cli --json`
 * prints in its peer-left event, checked with a real tafel-cli seed).
 * Real libnice links on loopback, real mosquitto. */

#define WAIT_MS 60000

static const char *loopback[] = { "127.0.0.1", NULL };

typedef struct
{
  char          *data_dir;
  TafelIdentity *identity;
  TafelBoard    *board;
  TafelSession  *session;
  GPtrArray     *joined;       /* TafelPublicKey copies */
  GPtrArray     *left;         /* TafelPublicKey copies */
  GPtrArray     *reasons;      /* GError copies or NULL, as left */
  guint          links_made;   /* by the link hook */
} Member;

static void
on_joined (TafelSession *s, const TafelPublicKey *key, Member *m)
{
  g_ptr_array_add (m->joined, g_memdup2 (key, sizeof *key));
}

static void
free_error (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

static void
on_left (TafelSession *s, const TafelPublicKey *key, const GError *reason, Member *m)
{
  g_ptr_array_add (m->left, g_memdup2 (key, sizeof *key));
  g_ptr_array_add (m->reasons, reason != NULL ? g_error_copy (reason) : NULL);
}

static void
count_link (TafelSession         *session,
            TafelLink            *link,
            const TafelPublicKey *peer,
            gpointer              user_data)
{
  ((Member *) user_data)->links_made++;
}

static void
member_start (Member          *m,
              TafelTestBroker *broker,
              const guint8    *id,
              const guint8    *secret)
{
  g_autoptr(GError) error = NULL;
  TafelSessionOptions options = {
    .broker_url = tafel_test_broker_get_url (broker),
    .local_addresses = loopback,
    .announce_ms = 300,
    .connect_timeout_ms = 2000,
  };

  m->data_dir = g_dir_make_tmp ("tafel-ban-XXXXXX", NULL);
  m->identity = tafel_identity_load_or_create (m->data_dir, &error);
  g_assert_no_error (error);
  m->board = tafel_board_join (m->data_dir, m->identity, id, secret, "Ban", &error);
  g_assert_no_error (error);
  m->session = tafel_session_new (m->board, &options, &error);
  g_assert_no_error (error);
  m->joined = g_ptr_array_new_with_free_func (g_free);
  m->left = g_ptr_array_new_with_free_func (g_free);
  m->reasons = g_ptr_array_new_with_free_func (free_error);
  g_signal_connect (m->session, "peer-joined", G_CALLBACK (on_joined), m);
  g_signal_connect (m->session, "peer-left", G_CALLBACK (on_left), m);
  tafel_session_set_link_hook (m->session, count_link, m);
  g_assert_true (tafel_session_start (m->session, &error));
  g_assert_no_error (error);
}

static void
member_clear (Member *m)
{
  if (m->session != NULL)
    tafel_session_stop (m->session);
  g_clear_object (&m->session);
  g_clear_object (&m->board);
  g_clear_object (&m->identity);
  if (m->data_dir != NULL)
    tafel_test_remove_tree (m->data_dir);
  g_clear_pointer (&m->data_dir, g_free);
  g_clear_pointer (&m->joined, g_ptr_array_unref);
  g_clear_pointer (&m->left, g_ptr_array_unref);
  g_clear_pointer (&m->reasons, g_ptr_array_unref);
}

static guint
count_key (GPtrArray            *keys,
           const TafelPublicKey *key)
{
  guint n = 0;

  for (guint i = 0; i < keys->len; i++)
    n += tafel_key_equal (keys->pdata[i], key);
  return n;
}

typedef struct
{
  Member               *m;
  GPtrArray            *keys;
  const TafelPublicKey *key;
  guint                 n;
} KeyCount;

static gboolean
key_seen (gpointer data)
{
  KeyCount *c = data;
  return count_key (c->keys, c->key) >= c->n;
}

static gboolean
linked (gpointer data)
{
  Member **pair = data;
  TafelLink *link = tafel_session_get_link (pair[0]->session, tafel_identity_get_public_key (pair[1]->identity));

  return tafel_session_get_n_peers (pair[0]->session) == 1 && link != NULL &&
         tafel_link_get_state (link) == TAFEL_LINK_STATE_CONNECTED;
}

typedef struct
{
  Member               *h;
  guint                 n;
  Member               *v;
  const TafelPublicKey *h_key;
} Tries;

/* H tried @n times, or V let it in again. */
static gboolean
tried_or_back (gpointer data)
{
  Tries *t = data;
  return t->h->links_made >= t->n || count_key (t->v->joined, t->h_key) > 1;
}

/* A forged run: a chain whose middle record was swapped, so its last
 * signature covers other content. */
static GBytes *
forged_run (void)
{
  g_autoptr(TafelIdentity) mallory = tafel_identity_new_ephemeral ();
  g_autoptr(GPtrArray) chain = tafel_test_chain (mallory, 4, 1);
  g_autoptr(GPtrArray) other = tafel_test_chain (mallory, 4, 2);
  GByteArray *frame = g_byte_array_new ();

  tafel_put_bytes (frame, tafel_identity_get_public_key (mallory)->bytes, TAFEL_PUBLIC_KEY_BYTES);
  tafel_put_varint (frame, 1);
  tafel_put_varint (frame, 4);
  tafel_put_u8 (frame, 1);
  for (guint i = 0; i < 4; i++)
    {
      TafelRecord *r = i == 2 ? other->pdata[2] : chain->pdata[i];
      GBytes *body = tafel_record_get_body (r);

      tafel_put_varint (frame, tafel_record_get_lamport (r));
      tafel_put_varint (frame, tafel_record_get_kind (r));
      tafel_put_varint (frame, g_bytes_get_size (body));
      tafel_put_bytes (frame, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      if (i == 3)
        {
          tafel_put_u8 (frame, 1);
          tafel_put_bytes (frame, tafel_record_get_signature (chain->pdata[3])->bytes, TAFEL_SIGNATURE_BYTES);
        }
      else
        tafel_put_u8 (frame, 0);
    }
  return g_byte_array_free_to_bytes (frame);
}

static void
test_forger_stays_out (void)
{
  g_autofree char *skip = NULL;
  g_autoptr(TafelTestBroker) broker = tafel_test_broker_start (TAFEL_TEST_BROKER_PLAIN, &skip);
  Member v = { 0 }, h = { 0 };
  Member *vh[] = { &v, &h }, *hv[] = { &h, &v };
  guint8 id[TAFEL_BOARD_ID_BYTES], secret[TAFEL_BOARD_SECRET_BYTES];
  const TafelPublicKey *h_key;
  const GError *reason;
  guint tries_before;

  if (broker == NULL)
    {
      g_test_skip (skip);
      return;
    }
  tafel_random_bytes (id, sizeof id);
  tafel_random_bytes (secret, sizeof secret);
  member_start (&v, broker, id, secret);
  member_start (&h, broker, id, secret);
  h_key = tafel_identity_get_public_key (h.identity);

  g_assert_true (tafel_test_wait_until (linked, vh, WAIT_MS));
  g_assert_true (tafel_test_wait_until (linked, hv, WAIT_MS));
  g_assert_cmpuint (count_key (v.joined, h_key), ==, 1);

  /* H turns forger. */
  {
    g_autoptr(GBytes) run = forged_run ();
    TafelLink *link = tafel_session_get_link (h.session, tafel_identity_get_public_key (v.identity));

    g_assert_true (tafel_link_send (link, 0x11, run, NULL));
  }
  g_assert_true (tafel_test_wait_until (key_seen, &(KeyCount) { &v, v.left, h_key, 1 }, WAIT_MS));
  reason = v.reasons->pdata[v.reasons->len - 1];
  g_assert_nonnull (reason);
  g_test_message ("V dropped H: %s", reason->message);
  g_assert_error ((GError *) reason, TAFEL_SYNC_ERROR, TAFEL_SYNC_ERROR_FORGED);
  g_assert_nonnull (strstr (reason->message, "Refused for this session"));

  /* H comes back again and again (it hears V announce every 300 ms);
   * V never lets it in. */
  tries_before = h.links_made;
  g_assert_true (tafel_test_wait_until (tried_or_back, &(Tries) { &h, tries_before + 3, &v, h_key }, WAIT_MS));
  g_test_message ("H tried %u more times", h.links_made - tries_before);
  g_assert_cmpuint (count_key (v.joined, h_key), ==, 1);
  g_assert_cmpuint (tafel_session_get_n_peers (v.session), ==, 0);
  g_assert_cmpuint (tafel_log_get_n_records (tafel_board_get_log (v.board)), ==, 0);

  member_clear (&h);
  member_clear (&v);
}

/* ---- the same, told by tafel-cli ------------------------------------------ */

/* The lines a tafel-cli prints, read as they come. */
typedef struct
{
  GDataInputStream *in;
  GPtrArray        *lines;
  gboolean          eof;
} CliOutput;

static void read_next (CliOutput *o);

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  CliOutput *o = data;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, NULL);

  if (line == NULL)
    {
      o->eof = TRUE;
      return;
    }
  g_ptr_array_add (o->lines, line);
  read_next (o);
}

static void
read_next (CliOutput *o)
{
  g_data_input_stream_read_line_async (o->in, G_PRIORITY_DEFAULT, NULL, on_line, o);
}

static gboolean
cli_eof (gpointer data)
{
  return ((CliOutput *) data)->eof;
}

typedef struct
{
  CliOutput  *o;
  const char *event;
  const char *peer;     /* nullable: any */
  char       *reason;   /* out: the event's reason, or NULL */
  gboolean    found;
} EventWait;

/* The CLI printed a --json @event (for @peer). */
static gboolean
event_seen (gpointer data)
{
  EventWait *w = data;

  for (guint i = 0; i < w->o->lines->len && !w->found; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *event;

      if (!json_parser_load_from_data (parser, w->o->lines->pdata[i], -1, NULL) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        continue;
      event = json_node_get_object (json_parser_get_root (parser));
      if (g_strcmp0 (json_object_get_string_member_with_default (event, "event", ""), w->event) != 0 ||
          (w->peer != NULL &&
           g_strcmp0 (json_object_get_string_member_with_default (event, "peer", ""), w->peer) != 0))
        continue;
      w->found = TRUE;
      if (json_object_has_member (event, "reason") &&
          JSON_NODE_HOLDS_VALUE (json_object_get_member (event, "reason")))
        w->reason = g_strdup (json_object_get_string_member (event, "reason"));
    }
  return w->found;
}

static gboolean
has_joined (gpointer data)
{
  return ((Member *) data)->joined->len > 0;
}

/* `tafel-cli seed --json` says why it dropped a forger: its peer-left
 * event carries the reason, not null. */
static void
test_forger_cli_reason (void)
{
  g_autofree char *skip = NULL;
  g_autoptr(TafelTestBroker) broker = tafel_test_broker_start (TAFEL_TEST_BROKER_PLAIN, &skip);
  const char *build_root = g_getenv ("TAFEL_BUILD_ROOT");
  g_autofree char *cli = NULL;
  g_autofree char *cli_dir = NULL;
  g_autofree char *link_text = NULL;
  g_autofree char *h_hex = NULL;
  g_autoptr(TafelInvite) invite = NULL;
  g_autoptr(GSubprocess) seed = NULL;
  g_autoptr(GError) error = NULL;
  CliOutput out = { 0 };
  Member h = { 0 };
  guint8 id[TAFEL_BOARD_ID_BYTES], secret[TAFEL_BOARD_SECRET_BYTES];
  const char *brokers[2] = { NULL, NULL };
  EventWait joined = { &out, "peer-joined", NULL, NULL, FALSE };
  EventWait left = { &out, "peer-left", NULL, NULL, FALSE };

  if (broker == NULL)
    {
      g_test_skip (skip);
      return;
    }
  if (build_root == NULL)
    {
      g_test_skip ("TAFEL_BUILD_ROOT is not set (run under meson test)");
      return;
    }
  cli = g_build_filename (build_root, "src", "cli", "tafel-cli", NULL);
  tafel_random_bytes (id, sizeof id);
  tafel_random_bytes (secret, sizeof secret);
  brokers[0] = tafel_test_broker_get_url (broker);
  invite = tafel_invite_new (id, secret, "Ban", brokers);
  link_text = tafel_invite_to_string (invite);
  cli_dir = g_dir_make_tmp ("tafel-ban-cli-XXXXXX", NULL);

  {
    g_autoptr(GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);

    /* Gone with the test, also when an assertion aborts it. */
    g_subprocess_launcher_set_child_setup (launcher, tafel_test_child_dies_with_parent,
                                           GINT_TO_POINTER (getpid ()), NULL);
    seed = g_subprocess_launcher_spawn (launcher, &error, cli, "seed", link_text, "--data-dir", cli_dir,
                                        "--local-address", "127.0.0.1", "--json", NULL);
  }
  g_assert_no_error (error);
  out.lines = g_ptr_array_new_with_free_func (g_free);
  out.in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (seed));
  read_next (&out);

  member_start (&h, broker, id, secret);
  h_hex = tafel_hex_encode (tafel_identity_get_public_key (h.identity)->bytes, TAFEL_PUBLIC_KEY_BYTES);
  joined.peer = h_hex;
  left.peer = h_hex;
  g_assert_true (tafel_test_wait_until (event_seen, &joined, WAIT_MS));
  g_assert_true (tafel_test_wait_until (has_joined, &h, WAIT_MS));

  {
    g_autoptr(GBytes) run = forged_run ();
    TafelLink *link = tafel_session_get_link (h.session, h.joined->pdata[0]);

    g_assert_nonnull (link);
    g_assert_true (tafel_link_send (link, 0x11, run, NULL));
  }
  g_assert_true (tafel_test_wait_until (event_seen, &left, WAIT_MS));
  g_test_message ("tafel-cli: peer-left, reason %s", left.reason != NULL ? left.reason : "null");
  g_assert_nonnull (left.reason);
  g_assert_nonnull (strstr (left.reason, "Refused for this session"));

  member_clear (&h);
  g_subprocess_send_signal (seed, SIGTERM);
  g_assert_true (tafel_test_wait_until (cli_eof, &out, WAIT_MS));
  g_assert_true (g_subprocess_wait (seed, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&out.in);
  g_ptr_array_unref (out.lines);
  g_free (joined.reason);
  g_free (left.reason);
  tafel_test_remove_tree (cli_dir);
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/session/forger-stays-out", test_forger_stays_out);
  g_test_add_func ("/tafel/session/forger-cli-reason", test_forger_cli_reason);

  return g_test_run ();
}
