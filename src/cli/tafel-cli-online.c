/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>

#include "tafel-board-model.h"
#include "tafel-cli-private.h"
#include "tafel-invite.h"
#include "tafel-session.h"
#include "tafel-stroke-import.h"

/* tafel-cli seed and draw: a board online, headless.
 *
 * With --json every event is one JSON object on its own line of stdout,
 * with an "event" member and "ms", the milliseconds since the command
 * started:
 *   started          board, peer (our key)
 *   status           status ("offline", "searching", "alone", "connecting", "online"),
 *                    reason (why nobody can be found, while searching), broker-error
 *   peer-joined      peer, candidate ("host", "srflx", "relay"), path,
 *                    ice-ms (how long ICE took on this link, from when this
 *                    side started it), link-ms (until the peer was
 *                    authenticated)
 *   peer-left        peer, reason (null when the peer said goodbye)
 *   records-received peer, count
 *   synced           peer, records, digest (the board-state digest once all
 *                    the peer offered on link-up is integrated)
 *   drawn            records, strokes (draw: committed)
 *   said             seq (chat: the message committed)
 *   delivered        peers (draw, chat: every linked peer has our records)
 *   identity-changed former, peer (the new key), message: another device
 *                    writes under this identity too; this one moved to a
 *                    new identity (docs/identity.md)
 *   reissued         records, message: the former identity's records the
 *                    network refused were issued again under the new one
 * Without --json the same events are printed as short sentences. */

typedef struct
{
  char     *broker;
  char     *broker_user;
  char     *broker_password;
  char     *broker_ca;
  gboolean  lan;
  int       lan_port;
  char     *stun;
  char     *turn;
  char    **local_addresses;
  gboolean  json;
  int       max_links;
} NetOptions;

static void
net_options_clear (NetOptions *o)
{
  g_free (o->broker);
  g_free (o->broker_user);
  g_free (o->broker_password);
  g_free (o->broker_ca);
  g_free (o->stun);
  g_free (o->turn);
  g_strfreev (o->local_addresses);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NetOptions, net_options_clear)

#define NET_OPTION_ENTRIES(o) \
  { "broker", 0, 0, G_OPTION_ARG_STRING, &(o)->broker, N_("Rendezvous broker (mqtt:// or mqtts://)"), N_("URL") }, \
  { "broker-user", 0, 0, G_OPTION_ARG_STRING, &(o)->broker_user, N_("User name at the broker"), N_("NAME") }, \
  { "broker-password", 0, 0, G_OPTION_ARG_STRING, &(o)->broker_password, N_("Password at the broker"), N_("PASSWORD") }, \
  { "broker-ca", 0, 0, G_OPTION_ARG_FILENAME, &(o)->broker_ca, N_("Trust this CA certificate for mqtts://"), N_("FILE") }, \
  { "lan", 0, 0, G_OPTION_ARG_NONE, &(o)->lan, N_("Find peers on the local network, without a server"), NULL }, \
  { "lan-port", 0, 0, G_OPTION_ARG_INT, &(o)->lan_port, N_("UDP port of the LAN beacon"), N_("PORT") }, \
  { "stun", 0, 0, G_OPTION_ARG_STRING, &(o)->stun, N_("STUN server"), N_("HOST:PORT") }, \
  { "turn", 0, 0, G_OPTION_ARG_STRING, &(o)->turn, N_("TURN relay, turn://USER:PASSWORD@HOST:PORT[?transport=tcp]"), N_("URL") }, \
  { "local-address", 0, 0, G_OPTION_ARG_STRING_ARRAY, &(o)->local_addresses, N_("Use only this local address for links (repeatable)"), N_("ADDRESS") }, \
  { "max-links", 0, 0, G_OPTION_ARG_INT, &(o)->max_links, N_("Direct links to keep at most"), N_("N") }, \
  { "json", 0, 0, G_OPTION_ARG_NONE, &(o)->json, N_("Print events as JSON lines"), NULL }

typedef struct
{
  NetOptions        *options;
  TafelBoard        *board;
  TafelBoardModel   *model;
  TafelSession      *session;
  GMainLoop         *loop;
  int                status;
  gint64             started_us;  /* monotonic, when the command started */
} Online;

static char *
key_hex (const TafelPublicKey *key)
{
  return tafel_hex_encode (key->bytes, TAFEL_PUBLIC_KEY_BYTES);
}

/* Prints one event: a JSON line, or a sentence. @members are name/value
 * string pairs, NULL-terminated; numbers are given as strings starting
 * with '#'. */
static void
emit (Online     *o,
      const char *event,
      const char *sentence,
      ...)
{
  va_list args;
  const char *name;

  if (!o->options->json)
    {
      if (sentence != NULL)
        {
          g_autofree char *line = tafel_cli_printable (sentence);

          printf ("%s\n", line);
        }
      fflush (stdout);
      return;
    }

  {
    g_autoptr(JsonBuilder) b = json_builder_new ();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "event");
    json_builder_add_string_value (b, event);
    va_start (args, sentence);
    while ((name = va_arg (args, const char *)) != NULL)
      {
        const char *value = va_arg (args, const char *);

        json_builder_set_member_name (b, name);
        if (value == NULL)
          json_builder_add_null_value (b);
        else if (value[0] == '#')
          json_builder_add_int_value (b, g_ascii_strtoll (value + 1, NULL, 10));
        else
          json_builder_add_string_value (b, value);
      }
    va_end (args);
    json_builder_set_member_name (b, "ms");
    json_builder_add_int_value (b, (g_get_monotonic_time () - o->started_us) / 1000);
    json_builder_end_object (b);
    root = json_builder_get_root (b);
    text = json_to_string (root, FALSE);
    printf ("%s\n", text);
    fflush (stdout);
  }
}

static char *
digest_hex (Online *o)
{
  TafelHash digest;

  tafel_board_model_get_digest (o->model, &digest);
  return tafel_hash_to_hex (&digest);
}

static void
on_peer_joined (TafelSession         *session,
                const TafelPublicKey *peer,
                Online               *o)
{
  g_autofree char *hex = key_hex (peer);
  const char *path = tafel_session_describe_path (session, peer);
  g_autofree char *sentence = g_strdup_printf (_("Peer %.12s joined (%s)"), hex, path != NULL ? path : "?");
  g_autofree char *ice_ms = NULL;
  g_autofree char *link_ms = NULL;
  gint64 ice_us = -1, connect_us = -1;

  tafel_session_get_link_times (session, peer, &ice_us, &connect_us);
  ice_ms = g_strdup_printf ("#%" G_GINT64_FORMAT, ice_us >= 0 ? ice_us / 1000 : -1);
  link_ms = g_strdup_printf ("#%" G_GINT64_FORMAT, connect_us >= 0 ? connect_us / 1000 : -1);
  emit (o, "peer-joined", sentence, "peer", hex,
        "candidate", tafel_session_get_path_kind (session, peer),
        "path", path, "ice-ms", ice_ms, "link-ms", link_ms, NULL);
}

static void
on_peer_left (TafelSession         *session,
              const TafelPublicKey *peer,
              const GError         *reason,
              Online               *o)
{
  g_autofree char *hex = key_hex (peer);
  /* Without --json too, a peer that was dropped says why (a forger is
   * refused for the session, a link that failed is retried). */
  g_autofree char *sentence = reason != NULL ? g_strdup_printf (_("Peer %.12s left: %s"), hex, reason->message)
                                             : g_strdup_printf (_("Peer %.12s left"), hex);

  emit (o, "peer-left", sentence, "peer", hex, "reason", reason != NULL ? reason->message : NULL, NULL);
}

static void
on_records_received (TafelSync            *sync,
                     const TafelPublicKey *peer,
                     guint                 n,
                     Online               *o)
{
  g_autofree char *hex = key_hex (peer);
  g_autofree char *count = g_strdup_printf ("#%u", n);

  emit (o, "records-received", NULL, "peer", hex, "count", count, NULL);
}

static void
on_peer_synced (TafelSync            *sync,
                const TafelPublicKey *peer,
                Online               *o)
{
  g_autofree char *hex = key_hex (peer);
  g_autofree char *digest = digest_hex (o);
  g_autofree char *records = g_strdup_printf ("#%u", tafel_log_get_n_records (tafel_board_get_log (o->board)));
  g_autofree char *sentence = g_strdup_printf (_("In sync with peer %.12s: %u records"), hex,
                                               tafel_log_get_n_records (tafel_board_get_log (o->board)));

  emit (o, "synced", sentence, "peer", hex, "records", records, "digest", digest, NULL);
}

static void
on_status_changed (TafelSession *session,
                   Online       *o)
{
  static const char *names[] = { "offline", "searching", "alone", "connecting", "online" };
  TafelSessionStatus status = tafel_session_get_status (session);

  emit (o, "status", NULL, "status", names[status],
        "reason", tafel_session_get_search_reason (session),
        "broker-error", tafel_session_get_broker_error (session), NULL);
}

static void
on_identity_changed (TafelSession         *session,
                     const TafelPublicKey *former,
                     const TafelPublicKey *now,
                     Online               *o)
{
  g_autofree char *former_hex = key_hex (former);
  g_autofree char *now_hex = key_hex (now);
  g_autofree char *sentence =
    g_strdup_printf (_("Another device is using this identity (%.12s) too, so their records and "
                       "ours collide. This device now writes as a new identity, %.12s; "
                       "nothing drawn here is lost."), former_hex, now_hex);

  emit (o, "identity-changed", sentence, "former", former_hex, "peer", now_hex, "message", sentence, NULL);
}

static void
on_records_reissued (TafelSession *session,
                     guint         n,
                     Online       *o)
{
  g_autofree char *count = g_strdup_printf ("#%u", n);
  g_autofree char *sentence =
    g_strdup_printf (g_dngettext (NULL, "%u record the other device’s had displaced was sent again "
                                        "under the new identity",
                                  "%u records the other device’s had displaced were sent again "
                                  "under the new identity", n), n);

  emit (o, "reissued", sentence, "records", count, "message", sentence, NULL);
}

static gboolean
on_quit_signal (gpointer user_data)
{
  Online *o = user_data;

  g_main_loop_quit (o->loop);
  return G_SOURCE_CONTINUE;
}

/* Opens BOARD (an id, a prefix, a .tafel file or an invite link) for
 * writing, and goes online with it. */
static gboolean
online_start (Online      *o,
              const char  *data_dir,
              const char  *name,
              GError     **error)
{
  g_autoptr(TafelIdentity) identity = NULL;
  g_autofree char *link_broker = NULL;
  g_autofree char *me = NULL;
  TafelSessionOptions options = { 0 };

  identity = tafel_identity_load_or_create (data_dir, error);
  if (identity == NULL)
    return FALSE;

  {
    g_auto(TafelCliBoard) board = { 0 };

    if (!tafel_cli_board_open (data_dir, name, TRUE, &board, error))
      return FALSE;
    o->board = g_object_ref (board.board);
  }

  /* A link's broker takes precedence over the board's stored hints. */
  if (g_ascii_strncasecmp (name, "tafel:", 6) == 0)
    {
      g_autoptr(TafelInvite) invite = tafel_invite_parse (name, NULL);

      if (invite != NULL && invite->brokers[0] != NULL)
        link_broker = g_strdup (invite->brokers[0]);
    }

  /* The broker: given, or the link's, or the board's hint. */
  if (o->options->broker == NULL)
    {
      const char * const *hints = tafel_board_get_hints (o->board);

      if (link_broker != NULL)
        o->options->broker = g_steal_pointer (&link_broker);
      else if (hints != NULL && hints[0] != NULL && tafel_broker_url_check (hints[0], NULL))
        o->options->broker = g_strdup (hints[0]);
    }
  if (o->options->broker == NULL && !o->options->lan)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("no way to find peers: give --broker URL or --lan"));
      return FALSE;
    }

  options.broker_url = o->options->broker;
  options.broker_username = o->options->broker_user;
  options.broker_password = o->options->broker_password;
  options.broker_ca_file = o->options->broker_ca;
  options.lan = o->options->lan;
  options.lan_port = (guint16) CLAMP (o->options->lan_port, 0, G_MAXUINT16);
  options.stun = o->options->stun;
  options.turn = o->options->turn;
  options.local_addresses = (const char * const *) o->options->local_addresses;
  options.max_links = (guint) MAX (o->options->max_links, 0);

  o->model = tafel_board_model_new (tafel_board_get_log (o->board));
  o->session = tafel_session_new (o->board, &options, error);
  if (o->session == NULL)
    return FALSE;

  g_signal_connect (o->session, "peer-joined", G_CALLBACK (on_peer_joined), o);
  g_signal_connect (o->session, "peer-left", G_CALLBACK (on_peer_left), o);
  g_signal_connect (o->session, "status-changed", G_CALLBACK (on_status_changed), o);
  g_signal_connect (o->session, "identity-changed", G_CALLBACK (on_identity_changed), o);
  g_signal_connect (o->session, "records-reissued", G_CALLBACK (on_records_reissued), o);
  g_signal_connect (tafel_session_get_sync (o->session), "records-received", G_CALLBACK (on_records_received), o);
  g_signal_connect (tafel_session_get_sync (o->session), "peer-synced", G_CALLBACK (on_peer_synced), o);

  if (!tafel_session_start (o->session, error))
    return FALSE;

  me = key_hex (tafel_identity_get_public_key (identity));
  {
    g_autofree char *sentence = g_strdup_printf (_("Board %s online as %.12s"),
                                                 tafel_board_get_id_hex (o->board), me);
    emit (o, "started", sentence, "board", tafel_board_get_id_hex (o->board), "peer", me, NULL);
  }

  g_unix_signal_add (SIGINT, on_quit_signal, o);
  g_unix_signal_add (SIGTERM, on_quit_signal, o);
  return TRUE;
}

static void
online_finish (Online *o)
{
  g_autoptr(GError) error = NULL;

  if (o->session != NULL)
    {
      gint64 deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;

      tafel_session_stop (o->session);
      /* Let the peers hear our goodbye, so they see us leave at once and
       * not only after their dead-peer timeout. (A closed link lingers
       * for at most about 2 s; the deadline only guards that.) */
      while (tafel_session_is_closing (o->session) && g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, TRUE);
    }
  if (o->board != NULL && !tafel_board_flush (o->board, &error))
    {
      tafel_cli_fail ("%s", error->message);
      o->status = 1;
    }
  g_clear_object (&o->session);
  g_clear_object (&o->model);
  g_clear_object (&o->board);
  g_clear_pointer (&o->loop, g_main_loop_unref);
}

/* tafel-cli seed BOARD [options]: stays online and keeps the board
 * available to everyone, until interrupted. */
int
tafel_cli_seed (int    argc,
                char **argv)
{
  g_autofree char *link_file = NULL;
  g_autofree char *name = NULL;
  g_autofree char *data_dir = NULL;
  g_auto(NetOptions) net = { 0 };
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    NET_OPTION_ENTRIES (&net),
    TAFEL_CLI_LINK_FILE_OPTION (&link_file),
    TAFEL_CLI_DATA_DIR_OPTION (&data_dir),
    { NULL }
  };
  Online o = { &net, .started_us = g_get_monotonic_time () };
  int status;

  if (!tafel_cli_parse_options ("seed", "BOARD|--link-file FILE", N_("Joins a board and stays online, keeping it available to everyone."),
                                entries, &argc, &argv, &data_dir, &status))
    return status;
  name = tafel_cli_board_argument ("seed", link_file, argc, argv, &status);
  if (name == NULL)
    return status;

  o.loop = g_main_loop_new (NULL, FALSE);
  if (!online_start (&o, data_dir, name, &error))
    {
      online_finish (&o);
      return tafel_cli_fail (_("seed: %s"), error->message);
    }
  g_main_loop_run (o.loop);
  online_finish (&o);
  return o.status;
}

/* How a paced draw moves: a point every --pace milliseconds, shown live as
 * presence, the stroke committed as the pen lifts, then a pause. */
#define PEN_LIFT_MS 50

typedef struct
{
  Online      *online;
  guint64      head;
  int          min_peers;
  gboolean     stay;
  int          timeout_s;
  guint        timeout_id;
  gboolean     timed_out;
  gboolean     done;
  gboolean     chat;        /* a message, not strokes */
  GError      *error;

  /* Drawing at a pen's pace. */
  GArray      *strokes;     /* TafelStroke */
  GPtrArray   *bodies;      /* GBytes, encoded strokes */
  int          pace_ms;
  gboolean     drawing;
  guint        stroke, point;
  gint64       due;
  GSource     *pen;
} DrawWait;

static void
check_delivered (DrawWait *w)
{
  Online *o = w->online;
  TafelSync *sync = tafel_session_get_sync (o->session);
  const TafelPublicKey *me = tafel_identity_get_public_key (tafel_board_get_identity (o->board));

  /* While records of a former identity wait to be issued again, what we
   * wrote is not all out yet. */
  if (w->done || w->drawing || w->error != NULL ||
      tafel_board_get_former_identities (o->board)->len > 0 ||
      (int) tafel_session_get_n_peers (o->session) < w->min_peers ||
      !tafel_sync_all_peers_have (sync, me, w->head))
    return;

  w->done = TRUE;
  g_clear_handle_id (&w->timeout_id, g_source_remove);
  {
    g_autofree char *peers = g_strdup_printf ("#%u", tafel_session_get_n_peers (o->session));
    g_autofree char *sentence = g_strdup_printf (w->chat ? _("Every online peer (%u) has the message")
                                                         : _("Every online peer (%u) has the strokes"),
                                                 tafel_session_get_n_peers (o->session));
    emit (o, "delivered", sentence, "peers", peers, NULL);
  }
  /* With --stay, keep the board available until interrupted. */
  if (!w->stay)
    g_main_loop_quit (o->loop);
}

static void
on_peer_acked (TafelSync            *sync,
               const TafelPublicKey *peer,
               DrawWait             *w)
{
  check_delivered (w);
}

static void
on_draw_peer_joined (TafelSession         *session,
                     const TafelPublicKey *peer,
                     DrawWait             *w)
{
  check_delivered (w);
}

/* What we drew went out again under the new identity: that is what the
 * peers must have now. */
static void
on_draw_reissued (TafelSession *session,
                  guint         n,
                  DrawWait     *w)
{
  TafelBoard *board = w->online->board;

  if (!w->drawing)
    w->head = tafel_log_get_head_seq (tafel_board_get_log (board),
                                      tafel_identity_get_public_key (tafel_board_get_identity (board)));
  check_delivered (w);
}

/* A peer that leaves no longer needs our strokes: the rest may have them
 * all by now. */
static void
on_draw_peer_left (TafelSession         *session,
                   const TafelPublicKey *peer,
                   const GError         *reason,
                   DrawWait             *w)
{
  check_delivered (w);
}

static gboolean
on_draw_timeout (gpointer user_data)
{
  DrawWait *w = user_data;

  w->timeout_id = 0;
  w->timed_out = TRUE;
  g_main_loop_quit (w->online->loop);
  return G_SOURCE_REMOVE;
}

/* Everything is committed: say so, and wait for the peers. */
static void
finish_drawing (DrawWait *w)
{
  Online *o = w->online;

  w->drawing = FALSE;
  w->head = tafel_log_get_head_seq (tafel_board_get_log (o->board),
                                    tafel_identity_get_public_key (tafel_board_get_identity (o->board)));
  {
    g_autofree char *records = g_strdup_printf ("#%" PRIu64, w->head);
    g_autofree char *count = g_strdup_printf ("#%u", w->bodies->len);
    g_autofree char *sentence = g_strdup_printf (_("Drew %u strokes"), w->bodies->len);
    emit (o, "drawn", sentence, "records", records, "strokes", count, NULL);
  }
  w->timeout_id = g_timeout_add_seconds (w->timeout_s, on_draw_timeout, w);
  check_delivered (w);
}

static gboolean
pen_dispatch (GSource     *source,
              GSourceFunc  callback,
              gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs pen_funcs = { .dispatch = pen_dispatch };

/* One tick of a paced draw: the next point of the stroke in progress. */
static gboolean
pen_tick (gpointer user_data)
{
  DrawWait *w = user_data;
  TafelPresence *presence = tafel_session_get_presence (w->online->session);
  const TafelStroke *stroke = &g_array_index (w->strokes, TafelStroke, w->stroke);

  if (w->point == 0)
    tafel_presence_begin_stroke (presence, stroke->tool, stroke->rgba, stroke->width);
  tafel_presence_add_points (presence, &stroke->points[w->point], 1);

  if (++w->point < stroke->n_points)
    w->due += (gint64) w->pace_ms * 1000;
  else
    {
      g_autoptr(TafelRecord) record = tafel_board_commit (w->online->board, TAFEL_RECORD_KIND_STROKE,
                                                          w->bodies->pdata[w->stroke], &w->error);

      tafel_presence_end_stroke (presence);
      if (record == NULL)
        {
          g_main_loop_quit (w->online->loop);
          return G_SOURCE_REMOVE;
        }
      w->point = 0;
      if (++w->stroke == w->bodies->len)
        {
          finish_drawing (w);
          return G_SOURCE_REMOVE;
        }
      w->due += PEN_LIFT_MS * 1000;
    }

  g_source_set_ready_time (w->pen, w->due);
  return G_SOURCE_CONTINUE;
}

/* tafel-cli draw BOARD --trace F.ndjson [options]: joins, adds the trace's
 * strokes as yourself (all at once, or at a pen's pace with --pace), and
 * exits once every online peer has them (or, with --stay, stays online). */
int
tafel_cli_draw (int    argc,
                char **argv)
{
  g_autofree char *link_file = NULL;
  g_autofree char *name = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *trace_path = NULL;
  g_auto(NetOptions) net = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) strokes = NULL;
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  int min_peers = 1, timeout_s = 120, pace_ms = 0;
  gboolean stay = FALSE;
  GOptionEntry entries[] = {
    { "trace", 0, 0, G_OPTION_ARG_FILENAME, &trace_path, N_("An NDJSON stroke trace"), N_("FILE") },
    { "peers", 0, 0, G_OPTION_ARG_INT, &min_peers, N_("Wait for at least this many peers (default 1)"), N_("N") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s, N_("Give up waiting for the peers after this many seconds (default 120)"), N_("SECONDS") },
    { "pace", 0, 0, G_OPTION_ARG_INT, &pace_ms, N_("Draw at a pen’s pace: a point every MS milliseconds, shown live; each stroke is committed as the pen lifts"), N_("MS") },
    { "stay", 0, 0, G_OPTION_ARG_NONE, &stay, N_("Stay online once every peer has the strokes, until interrupted"), NULL },
    NET_OPTION_ENTRIES (&net),
    TAFEL_CLI_LINK_FILE_OPTION (&link_file),
    TAFEL_CLI_DATA_DIR_OPTION (&data_dir),
    { NULL }
  };
  Online o = { &net, .started_us = g_get_monotonic_time () };
  DrawWait w = { &o };
  int status;

  if (!tafel_cli_parse_options ("draw", "BOARD|--link-file FILE --trace F.ndjson",
                                N_("Joins a board, adds a trace’s strokes as yourself, and waits until every online peer has them."),
                                entries, &argc, &argv, &data_dir, &status))
    return status;
  name = tafel_cli_board_argument ("draw", link_file, argc, argv, &status);
  if (name == NULL)
    return status;
  if (trace_path == NULL)
    return tafel_cli_fail (_("draw: no trace given (--trace FILE)"));
  if (min_peers < 0 || timeout_s <= 0)
    return tafel_cli_fail (_("draw: --peers must not be negative and --timeout must be positive"));
  if (pace_ms < 0 || pace_ms > 10000)
    return tafel_cli_fail (_("draw: --pace must be 0 … 10000 milliseconds"));

  strokes = tafel_stroke_import_load_path (trace_path, &error);
  if (strokes == NULL)
    return tafel_cli_fail (_("draw: %s"), error->message);
  for (guint i = 0; i < strokes->len; i++)
    g_ptr_array_add (bodies, tafel_stroke_encode (&g_array_index (strokes, TafelStroke, i)));

  o.loop = g_main_loop_new (NULL, FALSE);
  if (!online_start (&o, data_dir, name, &error))
    {
      online_finish (&o);
      return tafel_cli_fail (_("draw: %s"), error->message);
    }

  w.min_peers = min_peers;
  w.stay = stay;
  w.timeout_s = timeout_s;
  w.strokes = strokes;
  w.bodies = bodies;
  w.pace_ms = pace_ms;
  g_signal_connect (tafel_session_get_sync (o.session), "peer-acked", G_CALLBACK (on_peer_acked), &w);
  g_signal_connect (o.session, "peer-joined", G_CALLBACK (on_draw_peer_joined), &w);
  g_signal_connect (o.session, "peer-left", G_CALLBACK (on_draw_peer_left), &w);
  g_signal_connect (o.session, "records-reissued", G_CALLBACK (on_draw_reissued), &w);

  if (pace_ms > 0 && bodies->len > 0)
    {
      w.drawing = TRUE;
      w.due = g_get_monotonic_time ();
      w.pen = g_source_new (&pen_funcs, sizeof (GSource));
      g_source_set_callback (w.pen, pen_tick, &w, NULL);
      g_source_set_ready_time (w.pen, w.due);
      g_source_attach (w.pen, NULL);
    }
  else
    {
      if (bodies->len > 0 &&
          !tafel_board_commit_many (o.board, TAFEL_RECORD_KIND_STROKE, (GBytes **) bodies->pdata,
                                    bodies->len, &error))
        {
          online_finish (&o);
          return tafel_cli_fail (_("draw: %s"), error->message);
        }
      finish_drawing (&w);
    }

  if (!w.done || w.stay)
    g_main_loop_run (o.loop);

  if (w.pen != NULL)
    {
      g_source_destroy (w.pen);
      g_clear_pointer (&w.pen, g_source_unref);
    }
  g_clear_handle_id (&w.timeout_id, g_source_remove);
  if (w.error != NULL)
    {
      online_finish (&o);
      status = tafel_cli_fail (_("draw: %s"), w.error->message);
      g_clear_error (&w.error);
      return status;
    }
  if (!w.done)
    {
      guint n = tafel_session_get_n_peers (o.session);

      online_finish (&o);
      if (!w.timed_out)
        return tafel_cli_fail (_("draw: interrupted before every peer had the strokes"));
      if ((int) n < min_peers)
        return tafel_cli_fail (_("draw: timed out after %d s with %u of %d peers online"), timeout_s, n, min_peers);
      return tafel_cli_fail (_("draw: timed out after %d s before every peer had the strokes"), timeout_s);
    }
  online_finish (&o);
  return o.status;
}

/* tafel-cli chat BOARD --message TEXT [options]: joins, says TEXT in the
 * board's chat as yourself, and exits once every online peer has it. */
int
tafel_cli_chat (int    argc,
                char **argv)
{
  g_autofree char *link_file = NULL;
  g_autofree char *name = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *message = NULL;
  g_auto(NetOptions) net = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(TafelRecord) record = NULL;
  int min_peers = 1, timeout_s = 120;
  GOptionEntry entries[] = {
    { "message", 'm', 0, G_OPTION_ARG_STRING, &message, N_("What to say"), N_("TEXT") },
    { "peers", 0, 0, G_OPTION_ARG_INT, &min_peers, N_("Wait for at least this many peers (default 1)"), N_("N") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s, N_("Give up after this many seconds (default 120)"), N_("SECONDS") },
    NET_OPTION_ENTRIES (&net),
    TAFEL_CLI_LINK_FILE_OPTION (&link_file),
    TAFEL_CLI_DATA_DIR_OPTION (&data_dir),
    { NULL }
  };
  Online o = { &net };
  DrawWait w = { &o };
  guint timeout_id;
  int status;

  if (!tafel_cli_parse_options ("chat", "BOARD|--link-file FILE --message TEXT",
                                N_("Joins a board, says something in its chat as yourself, and waits until every online peer has it."),
                                entries, &argc, &argv, &data_dir, &status))
    return status;
  name = tafel_cli_board_argument ("chat", link_file, argc, argv, &status);
  if (name == NULL)
    return status;
  if (message == NULL || *g_strstrip (message) == '\0')
    return tafel_cli_fail (_("chat: no message given (--message TEXT)"));
  if (strlen (message) > TAFEL_TEXT_MAX_BYTES)
    return tafel_cli_fail (_("chat: the message is longer than %d bytes"), TAFEL_TEXT_MAX_BYTES);
  if (min_peers < 0 || timeout_s <= 0)
    return tafel_cli_fail (_("chat: --peers must not be negative and --timeout must be positive"));

  o.loop = g_main_loop_new (NULL, FALSE);
  if (!online_start (&o, data_dir, name, &error))
    {
      online_finish (&o);
      return tafel_cli_fail (_("chat: %s"), error->message);
    }

  body = tafel_chat_encode (&(TafelChat) { message });
  record = tafel_board_commit (o.board, TAFEL_RECORD_KIND_CHAT, body, &error);
  if (record == NULL)
    {
      online_finish (&o);
      return tafel_cli_fail (_("chat: %s"), error->message);
    }
  w.head = tafel_record_get_seq (record);
  w.min_peers = min_peers;
  w.chat = TRUE;
  {
    g_autofree char *seq = g_strdup_printf ("#%" PRIu64, w.head);
    emit (&o, "said", _("Said it"), "seq", seq, NULL);
  }

  g_signal_connect (tafel_session_get_sync (o.session), "peer-acked", G_CALLBACK (on_peer_acked), &w);
  g_signal_connect (o.session, "peer-joined", G_CALLBACK (on_draw_peer_joined), &w);
  g_signal_connect (o.session, "peer-left", G_CALLBACK (on_draw_peer_left), &w);
  g_signal_connect (o.session, "records-reissued", G_CALLBACK (on_draw_reissued), &w);
  timeout_id = g_timeout_add_seconds (timeout_s, on_draw_timeout, &w);
  check_delivered (&w);
  if (!w.done)
    g_main_loop_run (o.loop);
  if (!w.done)
    {
      guint n = tafel_session_get_n_peers (o.session);

      online_finish (&o);
      if ((int) n < min_peers)
        return tafel_cli_fail (_("chat: timed out after %d s with %u of %d peers online"), timeout_s, n, min_peers);
      return tafel_cli_fail (_("chat: timed out after %d s before every peer had the message"), timeout_s);
    }
  g_source_remove (timeout_id);
  online_finish (&o);
  return o.status;
}
