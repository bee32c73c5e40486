/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TAFEL_QR_ERROR (tafel_qr_error_quark ())

typedef enum
{
  TAFEL_QR_ERROR_TOO_LONG,  /* more than the largest QR code holds */
  TAFEL_QR_ERROR_FAILED,    /* the encoder failed otherwise */
} TafelQrError;

GQuark tafel_qr_error_quark (void);

/* Light modules around the symbol, as the QR standard asks for (ISO/IEC
 * 18004: four modules), so readers find it on any background. */
#define TAFEL_QR_QUIET_ZONE 4

/**
 * TafelQrCode:
 *
 * The modules of a QR code (error correction level M, byte mode, the
 * smallest version that holds the text), with its quiet zone: a square of
 * @size × @size modules, row by row, TRUE for dark. The same text always
 * gives the same matrix. A plain value; free with tafel_qr_code_free().
 */
typedef struct
{
  guint   version;   /* 1 … 40 */
  guint   size;      /* modules a side, quiet zone included */
  guint8 *modules;   /* size × size, 1 dark, 0 light */
} TafelQrCode;

TafelQrCode *tafel_qr_code_new     (const char        *text,
                                    GError           **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean     tafel_qr_code_is_dark (const TafelQrCode *qr,
                                    guint              x,
                                    guint              y);
void         tafel_qr_code_free    (TafelQrCode       *qr);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelQrCode, tafel_qr_code_free)

G_END_DECLS
