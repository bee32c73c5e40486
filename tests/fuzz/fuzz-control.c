/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "tafel-core.h"
#include "tafel-record.h"
#include "tafel-record-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The control bodies (docs/access.md) from untrusted bytes, each of the
 * four kinds on the same input:
 *  - whatever decodes re-encodes to exactly the input (one body, one
 *    encoding) and decodes again;
 *  - the check a version 2 envelope makes (tafel_control_validate_body())
 *    agrees with decode();
 *  - the same bytes as the body of a version 2 record of that kind decode
 *    as a record exactly when they decode as a body. */
static void
check_kind (guint          kind,
            const uint8_t *data,
            size_t         size)
{
  g_autoptr(GBytes) body = g_bytes_new_static (data, size);
  g_autoptr(GBytes) again = NULL;
  gboolean ok = FALSE;

  switch (kind)
    {
    case TAFEL_RECORD_KIND_EPOCH:
      {
        TafelEpoch e;

        if ((ok = tafel_epoch_decode (body, &e, NULL)))
          {
            again = tafel_epoch_encode (&e);
            tafel_epoch_clear (&e);
          }
      }
      break;
    case TAFEL_RECORD_KIND_ENROL:
      {
        TafelEnrol e;

        if ((ok = tafel_enrol_decode (body, &e, NULL)))
          {
            again = tafel_enrol_encode (&e);
            tafel_enrol_clear (&e);
          }
      }
      break;
    case TAFEL_RECORD_KIND_ROLE:
      {
        TafelRoleChange c;

        if ((ok = tafel_role_change_decode (body, &c, NULL)))
          again = tafel_role_change_encode (&c);
      }
      break;
    default:
      {
        TafelMemberSet set;

        if ((ok = tafel_member_set_decode (body, &set, NULL)))
          {
            again = tafel_member_set_encode (&set);
            tafel_member_set_clear (&set);
          }
      }
      break;
    }

  if (ok && (again == NULL || !g_bytes_equal (again, body)))
    g_error ("A decoded control body of kind %u encodes differently", kind);
  if (ok != tafel_control_validate_body (kind, data, size, NULL))
    g_error ("The check and the decoder of kind %u disagree", kind);

  if (size <= TAFEL_RECORD_MAX_BYTES - 200)
    {
      TafelPublicKey author = { { 7 } };
      g_autoptr(TafelRecord) r = tafel_record_new_v2 (&author, 1, NULL, 1, kind, 0, 1, body, NULL);
      g_autoptr(GBytes) enc = tafel_record_encode (r);
      g_autoptr(TafelRecord) d = tafel_record_decode (g_bytes_get_data (enc, NULL),
                                                      g_bytes_get_size (enc), NULL);

      if ((d != NULL) != ok)
        g_error ("A control body of kind %u and its envelope disagree", kind);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialised;

  if (!initialised)
    {
      if (!tafel_core_init (NULL))
        g_error ("libsodium did not initialise");
      initialised = TRUE;
    }

  for (guint kind = TAFEL_RECORD_KIND_EPOCH; kind <= TAFEL_RECORD_KIND_MEMBER; kind++)
    check_kind (kind, data, size);
  return 0;
}
