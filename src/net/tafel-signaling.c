/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tafel-signaling.h"

G_DEFINE_QUARK (tafel-signaling-error-quark, tafel_signaling_error)

G_DEFINE_INTERFACE (TafelSignaling, tafel_signaling, G_TYPE_OBJECT)

enum
{
  MESSAGE_RECEIVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
tafel_signaling_default_init (TafelSignalingInterface *iface)
{
  /**
   * TafelSignaling::message-received:
   * @self: the signalling medium
   * @from: (type gpointer): the sender's identity, a `const TafelPublicKey *`
   * @message: the message
   *
   * A message for the local peer arrived. Every listener sees every
   * message; each picks out what concerns it.
   */
  signals[MESSAGE_RECEIVED] =
    g_signal_new ("message-received",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_BYTES);
}

/**
 * tafel_signaling_send:
 * @self: a signalling medium
 * @to: the recipient's identity
 * @message: at most %TAFEL_SIGNALING_MAX_MESSAGE bytes
 * @error: return location for a #GError
 *
 * Sends a message to one peer, best effort.
 *
 * Returns: %FALSE when the message could not be sent at all
 */
gboolean
tafel_signaling_send (TafelSignaling        *self,
                      const TafelPublicKey  *to,
                      GBytes                *message,
                      GError               **error)
{
  g_return_val_if_fail (TAFEL_IS_SIGNALING (self), FALSE);
  g_return_val_if_fail (to != NULL, FALSE);
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_bytes_get_size (message) > TAFEL_SIGNALING_MAX_MESSAGE)
    {
      g_set_error (error, TAFEL_SIGNALING_ERROR, TAFEL_SIGNALING_ERROR_TOO_LARGE,
                   _("A signalling message of %zu bytes is larger than the %d allowed"),
                   g_bytes_get_size (message), TAFEL_SIGNALING_MAX_MESSAGE);
      return FALSE;
    }

  return TAFEL_SIGNALING_GET_IFACE (self)->send (self, to, message, error);
}

/**
 * tafel_signaling_deliver:
 * @self: a signalling medium
 * @from: the sender's identity
 * @message: the message
 *
 * Hands a received message to the listeners. For implementations.
 */
void
tafel_signaling_deliver (TafelSignaling       *self,
                         const TafelPublicKey *from,
                         GBytes               *message)
{
  g_return_if_fail (TAFEL_IS_SIGNALING (self));
  g_return_if_fail (from != NULL);
  g_return_if_fail (message != NULL);

  g_signal_emit (self, signals[MESSAGE_RECEIVED], 0, from, message);
}
