/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-signaling-hub.h"
#include "tafel-net-test-util.h"
#include "tafel-test-util.h"

typedef struct
{
  TafelPublicKey from;
  GBytes        *message;
} Received;

static void
on_message (TafelSignaling       *signaling,
            const TafelPublicKey *from,
            GBytes               *message,
            GPtrArray            *log)
{
  Received *r = g_new0 (Received, 1);

  r->from = *from;
  r->message = g_bytes_ref (message);
  g_ptr_array_add (log, r);
}

static void
received_free (Received *r)
{
  g_bytes_unref (r->message);
  g_free (r);
}

static gboolean
has_n (gpointer data)
{
  GPtrArray **logs = data;

  return logs[0]->len >= 100 && logs[1]->len >= 1;
}

static TafelPublicKey
key (guint8 seed)
{
  TafelPublicKey k;

  memset (k.bytes, seed, sizeof k.bytes);
  return k;
}

static void
test_hub_delivers_in_order (void)
{
  g_autoptr(TafelSignalingHub) hub = tafel_signaling_hub_new ();
  TafelPublicKey ka = key (1), kb = key (2), kc = key (3), nobody = key (9);
  g_autoptr(TafelSignaling) a = tafel_signaling_hub_connect (hub, &ka);
  g_autoptr(TafelSignaling) b = tafel_signaling_hub_connect (hub, &kb);
  g_autoptr(TafelSignaling) c = tafel_signaling_hub_connect (hub, &kc);
  g_autoptr(GPtrArray) log_b = g_ptr_array_new_with_free_func ((GDestroyNotify) received_free);
  g_autoptr(GPtrArray) log_c = g_ptr_array_new_with_free_func ((GDestroyNotify) received_free);
  GPtrArray *logs[2] = { log_b, log_c };
  g_autoptr(GBytes) hello = g_bytes_new_static ("hello", 5);

  g_signal_connect (b, "message-received", G_CALLBACK (on_message), log_b);
  g_signal_connect (c, "message-received", G_CALLBACK (on_message), log_c);

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *text = g_strdup_printf ("%u", i);
      g_autoptr(GBytes) message = g_bytes_new (text, strlen (text));

      g_assert_true (tafel_signaling_send (a, &kb, message, NULL));
    }
  g_assert_true (tafel_signaling_send (b, &kc, hello, NULL));
  g_assert_true (tafel_signaling_send (a, &nobody, hello, NULL));
  /* Never delivered from within send(). */
  g_assert_cmpuint (log_b->len, ==, 0);

  g_assert_true (tafel_test_wait_until (has_n, logs, 5000));
  g_assert_cmpuint (log_b->len, ==, 100);
  for (guint i = 0; i < 100; i++)
    {
      Received *r = g_ptr_array_index (log_b, i);
      g_autofree char *text = g_strdup_printf ("%u", i);

      g_assert_cmpmem (r->from.bytes, 32, ka.bytes, 32);
      g_assert_cmpmem (g_bytes_get_data (r->message, NULL), g_bytes_get_size (r->message),
                       text, strlen (text));
    }
  g_assert_cmpuint (log_c->len, ==, 1);
  g_assert_cmpmem (((Received *) g_ptr_array_index (log_c, 0))->from.bytes, 32, kb.bytes, 32);
  g_assert_cmpuint (tafel_signaling_hub_get_delivered (hub), ==, 101);
  g_assert_cmpuint (tafel_signaling_hub_get_dropped (hub), ==, 1);
}

static void
test_hub_too_large (void)
{
  g_autoptr(TafelSignalingHub) hub = tafel_signaling_hub_new ();
  TafelPublicKey ka = key (1);
  g_autoptr(TafelSignaling) a = tafel_signaling_hub_connect (hub, &ka);
  g_autoptr(GBytes) big = g_bytes_new_take (g_malloc0 (TAFEL_SIGNALING_MAX_MESSAGE + 1),
                                            TAFEL_SIGNALING_MAX_MESSAGE + 1);
  g_autoptr(GError) error = NULL;

  g_assert_false (tafel_signaling_send (a, &ka, big, &error));
  g_assert_error (error, TAFEL_SIGNALING_ERROR, TAFEL_SIGNALING_ERROR_TOO_LARGE);
}

static void
test_hub_port_goes_away (void)
{
  g_autoptr(TafelSignalingHub) hub = tafel_signaling_hub_new ();
  TafelPublicKey ka = key (1), kb = key (2);
  g_autoptr(TafelSignaling) a = tafel_signaling_hub_connect (hub, &ka);
  TafelSignaling *b = tafel_signaling_hub_connect (hub, &kb);
  g_autoptr(GBytes) hello = g_bytes_new_static ("hello", 5);

  /* A message in flight to a port that is gone is dropped, not a crash. */
  g_assert_true (tafel_signaling_send (a, &kb, hello, NULL));
  g_object_unref (b);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (tafel_signaling_hub_get_dropped (hub), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/signaling/hub/in-order", test_hub_delivers_in_order);
  g_test_add_func ("/tafel/signaling/hub/too-large", test_hub_too_large);
  g_test_add_func ("/tafel/signaling/hub/port-goes-away", test_hub_port_goes_away);

  return g_test_run ();
}
