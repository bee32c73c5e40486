/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "bench-join.h"

/* One fresh join by invite link, timed to the first full paint: the
 * joiner of the NAT lab's benchmark (bench-lab.sh), run inside a lab
 * namespace, with the same definition as bench-sync's "join → first
 * paint" (bench-join.c).
 *
 *   bench-lab-join LINK --records N --data-dir DIR [--broker URL]
 *                  [--stun HOST:PORT] [--turn URL] [--lan]
 *                  [--local-address ADDR…] [--timeout S]
 *
 * DIR must not hold a board yet; a new identity is made in it first (not
 * timed). Prints one JSON object on stdout:
 *   {"peer" (the joiner's key),"candidate","path","ice-ms","connect-ms","link-ms","synced-ms",
 *    "paint-ms","painted-ms","records","digest"}
 * and exits 0; 1 when the join did not complete (the reason on stderr,
 * the JSON still printed with what was measured); 2 on bad arguments. */

static void
print_json (TafelIdentity   *identity,
            const BenchJoin *join)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *digest = tafel_hash_to_hex (&join->digest);
  g_autofree char *me = tafel_hex_encode (tafel_identity_get_public_key (identity)->bytes, TAFEL_PUBLIC_KEY_BYTES);
  g_autofree char *text = NULL;
  const struct { const char *name; double value; } times[] = {
    { "ice-ms", join->ice_ms },
    { "connect-ms", join->connect_ms },
    { "link-ms", join->link_ms },
    { "synced-ms", join->synced_ms },
    { "paint-ms", join->paint_ms },
    { "painted-ms", join->painted_ms },
  };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "peer");
  json_builder_add_string_value (b, me);
  json_builder_set_member_name (b, "candidate");
  if (join->candidate != NULL)
    json_builder_add_string_value (b, join->candidate);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "path");
  if (join->path != NULL)
    json_builder_add_string_value (b, join->path);
  else
    json_builder_add_null_value (b);
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      json_builder_set_member_name (b, times[i].name);
      json_builder_add_double_value (b, times[i].value);
    }
  json_builder_set_member_name (b, "records");
  json_builder_add_int_value (b, join->n_records);
  json_builder_set_member_name (b, "digest");
  json_builder_add_string_value (b, digest);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  printf ("%s\n", text);
  fflush (stdout);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *broker = NULL;
  g_autofree char *stun = NULL;
  g_autofree char *turn = NULL;
  g_auto(GStrv) local_addresses = NULL;
  gboolean lan = FALSE;
  int n_records = -1, timeout_s = 60;
  GOptionEntry entries[] = {
    { "records", 0, 0, G_OPTION_ARG_INT, &n_records, "records the seed's board holds", "N" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "the joiner's data folder (no board in it yet)", "DIR" },
    { "broker", 0, 0, G_OPTION_ARG_STRING, &broker, "rendezvous broker (default: the link's)", "URL" },
    { "stun", 0, 0, G_OPTION_ARG_STRING, &stun, "STUN server", "HOST:PORT" },
    { "turn", 0, 0, G_OPTION_ARG_STRING, &turn, "TURN relay", "URL" },
    { "lan", 0, 0, G_OPTION_ARG_NONE, &lan, "use the LAN beacon", NULL },
    { "local-address", 0, 0, G_OPTION_ARG_STRING_ARRAY, &local_addresses, "only this local address for links", "ADDR" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s, "give up after this many seconds (default 60)", "S" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("LINK - one timed join by invite link");
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelIdentity) identity = NULL;
  g_auto(BenchJoin) join = { 0 };
  TafelSessionOptions options = { 0 };
  gboolean complete;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-lab-join: %s\n", error->message);
      return 2;
    }
  if (argc != 2 || n_records < 0 || data_dir == NULL || timeout_s <= 0)
    {
      g_printerr ("bench-lab-join: give one invite LINK, --records N, --data-dir DIR (and a positive --timeout)\n");
      return 2;
    }

  identity = tafel_identity_load_or_create (data_dir, &error);
  if (identity == NULL)
    {
      g_printerr ("bench-lab-join: %s\n", error->message);
      return 1;
    }

  options.broker_url = broker;
  options.lan = lan;
  options.stun = stun;
  options.turn = turn;
  options.local_addresses = (const char * const *) local_addresses;
  complete = bench_join_run (data_dir, identity, argv[1], &options, (guint) n_records,
                             (guint) timeout_s * 1000, &join, &error);
  print_json (identity, &join);
  if (!complete)
    {
      g_printerr ("bench-lab-join: %s\n", error->message);
      return 1;
    }
  return 0;
}
