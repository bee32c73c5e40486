/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include <glib-unix.h>

#include "tafel-core.h"
#include "tafel-invite.h"
#include "tafel-net.h"
#include "tafel-session.h"

/* A peer for the UI tests that shows itself the way a Tafel window does:
 * joins the board of an invite link (through the link's broker, on
 * loopback), calls itself "Ada Remote" in purple, puts its pointer and its
 * view far from the origin, and holds a red stroke in progress there
 * (never committed). SIGUSR1 lifts the pen without storing the stroke;
 * SIGTERM ends it. Prints "linked" when a peer links, "lifted" after
 * SIGUSR1.
 *
 *   presence-peer LINK DATA-DIR */

#define NAME         "Ada Remote"
#define COLOR        0x9141acff
#define STROKE_COLOR 0xe01b24ff

static TafelPresence *presence;
static GMainLoop *loop;

static void
on_peer_joined (TafelSession         *session,
                const TafelPublicKey *peer,
                gpointer              data)
{
  printf ("linked\n");
  fflush (stdout);
}

static void
on_peer_left (TafelSession         *session,
              const TafelPublicKey *peer,
              const GError         *reason,
              gpointer              data)
{
  printf ("unlinked\n");
  fflush (stdout);
}

static gboolean
on_lift (gpointer data)
{
  tafel_presence_end_stroke (presence);
  printf ("lifted\n");
  fflush (stdout);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_quit (gpointer data)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelInvite) invite = NULL;
  g_autoptr(TafelIdentity) identity = NULL;
  g_autoptr(TafelBoard) board = NULL;
  g_autoptr(TafelSession) session = NULL;
  const char *local[] = { "127.0.0.1", NULL };
  TafelSessionOptions options = { 0 };
  TafelRect viewport = { 2400, 1800, 800, 500 };
  TafelPoint points[80];

  if (argc != 3)
    {
      fprintf (stderr, "usage: presence-peer LINK DATA-DIR\n");
      return 2;
    }
  if (!tafel_core_init (&error) ||
      (invite = tafel_invite_parse (argv[1], &error)) == NULL ||
      (identity = tafel_identity_load_or_create (argv[2], &error)) == NULL ||
      (board = tafel_board_join (argv[2], identity, invite->board_id, invite->secret, invite->title, &error)) == NULL)
    {
      fprintf (stderr, "presence-peer: %s\n", error->message);
      return 1;
    }

  options.broker_url = invite->brokers[0];
  options.local_addresses = local;
  session = tafel_session_new (board, &options, &error);
  if (session == NULL)
    {
      fprintf (stderr, "presence-peer: %s\n", error->message);
      return 1;
    }

  presence = tafel_session_get_presence (session);
  tafel_presence_set_profile (presence, NAME, COLOR);
  tafel_presence_set_viewport (presence, &viewport);
  tafel_presence_set_cursor (presence, TRUE, 3050, 2050);
  tafel_presence_begin_stroke (presence, TAFEL_TOOL_PEN, STROKE_COLOR, 6.f);
  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    points[i] = (TafelPoint) { 2500 + i * 6.f, 2050 + 40 * sinf (i / 6.f), 0.5f };
  tafel_presence_add_points (presence, points, G_N_ELEMENTS (points));

  g_signal_connect (session, "peer-joined", G_CALLBACK (on_peer_joined), NULL);
  g_signal_connect (session, "peer-left", G_CALLBACK (on_peer_left), NULL);
  if (!tafel_session_start (session, &error))
    {
      fprintf (stderr, "presence-peer: %s\n", error->message);
      return 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGUSR1, on_lift, NULL);
  g_unix_signal_add (SIGTERM, on_quit, NULL);
  g_unix_signal_add (SIGINT, on_quit, NULL);
  g_main_loop_run (loop);
  g_main_loop_unref (loop);

  tafel_session_stop (session);
  /* Its goodbye reaches the others before it exits. */
  tafel_net_finish_closing (3000);
  return 0;
}
