/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "tafel-core.h"
#include "tafel-fixture-check.h"
#include "tafel-record.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Record decoding from untrusted bytes:
 *  - a single envelope: whatever decodes re-encodes to exactly the input
 *    (one record, one encoding);
 *  - the same bytes as a stroke body: whatever decodes re-encodes
 *    losslessly (decode(encode(points)) == points);
 *  - the same bytes as a framed run, as the fixtures are read. */
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
