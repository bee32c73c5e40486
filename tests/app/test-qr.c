/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-invite.h"
#include "tafel-qr.h"
#include "tafel-test-util.h"

/* QR codes of invite links, checked without a decoder: the symbol's size
 * fits its version, the quiet zone is light, the three finder patterns and
 * the timing patterns are where the standard puts them, and the same link
 * always gives the same matrix. */

static char *
sample_link (const char *broker)
{
  guint8 id[TAFEL_BOARD_ID_BYTES], secret[TAFEL_BOARD_SECRET_BYTES];
  const char *brokers[] = { broker, NULL };
  g_autoptr(TafelInvite) invite = NULL;

  for (guint i = 0; i < sizeof id; i++)
    id[i] = (guint8) (i * 17 + 3);
  for (guint i = 0; i < sizeof secret; i++)
    secret[i] = (guint8) (255 - i * 7);
  invite = tafel_invite_new (id, secret, "Sketches", broker != NULL ? brokers : NULL);
  return tafel_invite_to_string (invite);
}

/* A finder pattern: a 7×7 dark ring, a light ring, a 3×3 dark centre. */
static void
assert_finder (const TafelQrCode *qr,
               guint              x0,
               guint              y0)
{
  for (guint y = 0; y < 7; y++)
    for (guint x = 0; x < 7; x++)
      {
        gboolean ring = x == 0 || y == 0 || x == 6 || y == 6;
        gboolean centre = x >= 2 && x <= 4 && y >= 2 && y <= 4;

        g_assert_cmpint (tafel_qr_code_is_dark (qr, x0 + x, y0 + y), ==, ring || centre);
      }
}

static void
assert_structure (const TafelQrCode *qr)
{
  guint q = TAFEL_QR_QUIET_ZONE;
  guint symbol = qr->size - 2 * q;

  g_assert_cmpuint (qr->version, >=, 1);
  g_assert_cmpuint (qr->version, <=, 40);
  g_assert_cmpuint (symbol, ==, 17 + 4 * qr->version);

  /* The quiet zone is light all around. */
  for (guint y = 0; y < qr->size; y++)
    for (guint x = 0; x < qr->size; x++)
      if (x < q || y < q || x >= qr->size - q || y >= qr->size - q)
        g_assert_false (tafel_qr_code_is_dark (qr, x, y));

  assert_finder (qr, q, q);
  assert_finder (qr, q + symbol - 7, q);
  assert_finder (qr, q, q + symbol - 7);
  /* The top-left finder's separator is light. */
  for (guint i = 0; i < 8; i++)
    {
      g_assert_false (tafel_qr_code_is_dark (qr, q + 7, q + i));
      g_assert_false (tafel_qr_code_is_dark (qr, q + i, q + 7));
    }

  /* Timing patterns: row 6 and column 6 alternate between the finders. */
  for (guint i = 8; i < symbol - 8; i++)
    {
      g_assert_cmpint (tafel_qr_code_is_dark (qr, q + i, q + 6), ==, i % 2 == 0);
      g_assert_cmpint (tafel_qr_code_is_dark (qr, q + 6, q + i), ==, i % 2 == 0);
    }

  /* Outside the matrix, nothing. */
  g_assert_false (tafel_qr_code_is_dark (qr, qr->size, 0));
  g_assert_false (tafel_qr_code_is_dark (qr, 0, qr->size + 5));
}

static void
test_invite_link (void)
{
  g_autofree char *plain = sample_link (NULL);
  g_autofree char *with_broker = sample_link ("mqtts://broker.example.org:8883");
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelQrCode) small = tafel_qr_code_new (plain, &error);
  g_autoptr(TafelQrCode) large = NULL;
  guint dark = 0;

  g_assert_no_error (error);
  assert_structure (small);
  large = tafel_qr_code_new (with_broker, &error);
  g_assert_no_error (error);
  assert_structure (large);

  /* A longer link needs a larger symbol. */
  g_test_message ("%zu bytes: version %u; %zu bytes: version %u",
                  strlen (plain), small->version, strlen (with_broker), large->version);
  g_assert_cmpuint (large->version, >, small->version);

  /* About half the modules of the data area are dark (masking sees to it). */
  for (guint i = 0; i < small->size * small->size; i++)
    dark += small->modules[i];
  g_assert_cmpuint (dark, >, small->size * small->size / 5);
  g_assert_cmpuint (dark, <, small->size * small->size / 2);
}

static void
test_deterministic (void)
{
  g_autofree char *link = sample_link ("mqtt://127.0.0.1:1883");
  g_autofree char *other_link = sample_link ("mqtt://127.0.0.1:1884");
  g_autoptr(TafelQrCode) a = tafel_qr_code_new (link, NULL);
  g_autoptr(TafelQrCode) b = tafel_qr_code_new (link, NULL);
  g_autoptr(TafelQrCode) c = tafel_qr_code_new (other_link, NULL);

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_nonnull (c);
  g_assert_cmpuint (a->size, ==, b->size);
  g_assert_cmpmem (a->modules, a->size * a->size, b->modules, b->size * b->size);

  /* One digit of difference changes the modules. */
  g_assert_cmpuint (a->size, ==, c->size);
  g_assert_true (memcmp (a->modules, c->modules, a->size * a->size) != 0);
}

static void
test_too_long (void)
{
  /* Beyond version 40 at level M (2331 bytes). */
  g_autofree char *text = g_strnfill (3000, 'x');
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelQrCode) qr = tafel_qr_code_new (text, &error);

  g_assert_null (qr);
  g_assert_error (error, TAFEL_QR_ERROR, TAFEL_QR_ERROR_TOO_LONG);

  /* The longest invite link still fits. */
  {
    g_autofree char *longest = g_strnfill (TAFEL_INVITE_MAX_LENGTH, 'y');
    g_autoptr(TafelQrCode) fits = tafel_qr_code_new (longest, NULL);

    g_assert_nonnull (fits);
    assert_structure (fits);
  }
}

int
main (int    argc,
      char **argv)
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/qr/invite-link", test_invite_link);
  g_test_add_func ("/tafel/qr/deterministic", test_deterministic);
  g_test_add_func ("/tafel/qr/too-long", test_too_long);

  return g_test_run ();
}
