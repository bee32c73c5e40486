/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "tafel-core.h"
#include "tafel-fixture-check.h"
#include "tafel-record.h"
#include "tafel-record-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Record decoding from untrusted bytes:
 *  - a single envelope, version 1 or 2: whatever decodes re-encodes to
 *    exactly the input (one record, one encoding); a version 2 body opens
 *    only with a key, and then parses or is refused;
 *  - the same bytes as a stroke body: whatever decodes re-encodes
 *    losslessly (decode(encode(points)) == points);
 *  - the same bytes as a framed run, as the fixtures are read. */
static const guint8 *
fixed_key (guint32  key_id,
           gpointer user_data)
{
  static const guint8 key[32] = "a body key the fuzzer holds....";

  return key;
}

/* A version 2 record: without a key, an encrypted body gives nothing and a
 * plaintext one is the body itself; with a key, the decrypted body either
 * parses as its kind or is refused, and the record itself re-encodes as
 * before (decryption does not touch it). A control body that passed the
 * envelope decodes as its kind. */
static void
check_v2 (TafelRecord *record)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) none = tafel_record_open_body (record, NULL, NULL, &error);
  g_autoptr(GBytes) opened = NULL;
  guint kind = tafel_record_get_kind (record);

  if (tafel_record_is_encrypted (record) != (none == NULL))
    g_error ("A version 2 body opened without a key");
  g_clear_error (&error);
  opened = tafel_record_open_body (record, fixed_key, NULL, &error);
  if (opened != NULL && TAFEL_RECORD_KIND_IS_KNOWN (kind) &&
      !tafel_record_validate_body (kind, g_bytes_get_data (opened, NULL),
                                   g_bytes_get_size (opened), NULL, NULL))
    g_error ("An opened body does not parse");
  if (TAFEL_RECORD_KIND_IS_KNOWN_CONTROL (kind) &&
      !tafel_control_validate_body (kind, g_bytes_get_data (tafel_record_get_body (record), NULL),
                                    g_bytes_get_size (tafel_record_get_body (record)), NULL))
    g_error ("A control record passed with a body that does not parse");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialised;
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelRecord) record = NULL;

  if (!initialised)
    {
      if (!tafel_core_init (NULL))
        g_error ("libsodium did not initialise");
      initialised = TRUE;
    }

  record = tafel_record_decode (data, size, &error);
  if (record != NULL)
    {
      g_autoptr(GBytes) again = tafel_record_encode (record);

      if (g_bytes_get_size (again) != size || memcmp (g_bytes_get_data (again, NULL), data, size) != 0)
        g_error ("A decoded record encodes differently");
      tafel_record_verify_signature (record, NULL);
      if (tafel_record_get_version (record) == 2)
        check_v2 (record);
    }
  g_clear_error (&error);

  {
    g_autoptr(GBytes) body = g_bytes_new_static (data, size);
    TafelStroke stroke;

    if (tafel_stroke_decode (body, &stroke, NULL))
      {
        g_autoptr(GBytes) enc = tafel_stroke_encode (&stroke);
        TafelStroke again;

        if (!tafel_stroke_decode (enc, &again, NULL) || again.n_points != stroke.n_points ||
            memcmp (again.points, stroke.points, sizeof (TafelPoint) * stroke.n_points) != 0)
          g_error ("A decoded stroke does not survive encoding again");
        tafel_stroke_clear (&again);
        tafel_stroke_clear (&stroke);
      }
  }

  tafel_check_record_run (data, size, NULL);
  return 0;
}
