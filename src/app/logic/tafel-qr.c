/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <qrencode.h>

#include "tafel-qr.h"

G_DEFINE_QUARK (tafel-qr-error-quark, tafel_qr_error)

/* libqrencode keeps no state between calls once built with threads, but
 * Debian's may not be: one encoder at a time. */
G_LOCK_DEFINE_STATIC (encoder);

TafelQrCode *
tafel_qr_code_new (const char  *text,
                   GError     **error)
{
  QRcode *code;
  TafelQrCode *qr;
  int saved_errno;

  g_return_val_if_fail (text != NULL, NULL);

  G_LOCK (encoder);
  errno = 0;
  /* Level M: a link read from a screen needs little correction, and a
   * lower version keeps the modules large. */
  code = QRcode_encodeString8bit (text, 0, QR_ECLEVEL_M);
  saved_errno = errno;
  G_UNLOCK (encoder);

  if (code == NULL)
    {
      if (saved_errno == ERANGE)
        g_set_error (error, TAFEL_QR_ERROR, TAFEL_QR_ERROR_TOO_LONG,
                     _("The text is too long for a QR code (%zu bytes)"), strlen (text));
      else
        g_set_error (error, TAFEL_QR_ERROR, TAFEL_QR_ERROR_FAILED,
                     _("No QR code could be made: %s"), g_strerror (saved_errno));
      return NULL;
    }

  qr = g_new0 (TafelQrCode, 1);
  qr->version = (guint) code->version;
  qr->size = (guint) code->width + 2 * TAFEL_QR_QUIET_ZONE;
  qr->modules = g_malloc0 ((gsize) qr->size * qr->size);
  for (guint y = 0; y < (guint) code->width; y++)
    for (guint x = 0; x < (guint) code->width; x++)
      /* Bit 0 of each byte is the module's colour; the others say what
       * part of the symbol it belongs to. */
      qr->modules[(y + TAFEL_QR_QUIET_ZONE) * qr->size + x + TAFEL_QR_QUIET_ZONE] =
        code->data[y * code->width + x] & 1;

  QRcode_free (code);
  return qr;
}

gboolean
tafel_qr_code_is_dark (const TafelQrCode *qr,
                       guint              x,
                       guint              y)
{
  g_return_val_if_fail (qr != NULL, FALSE);

  if (x >= qr->size || y >= qr->size)
    return FALSE;
  return qr->modules[y * qr->size + x] != 0;
}

void
tafel_qr_code_free (TafelQrCode *qr)
{
  if (qr == NULL)
    return;
  g_free (qr->modules);
  g_free (qr);
}
