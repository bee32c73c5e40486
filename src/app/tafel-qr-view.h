/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TAFEL_TYPE_QR_VIEW (tafel_qr_view_get_type ())

G_DECLARE_FINAL_TYPE (TafelQrView, tafel_qr_view, TAFEL, QR_VIEW, GtkWidget)

/**
 * TafelQrView:
 *
 * A QR code of a text (an invite link), dark modules on white with its
 * quiet zone, whatever the style: phone cameras read it off the screen.
 * Each module is a whole number of pixels.
 *
 * Properties: ::text (string).
 */
GtkWidget  *tafel_qr_view_new      (void) G_GNUC_WARN_UNUSED_RESULT;
void        tafel_qr_view_set_text (TafelQrView *self,
                                    const char  *text);
const char *tafel_qr_view_get_text (TafelQrView *self);

G_END_DECLS
