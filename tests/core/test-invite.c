/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-invite.h"
#include "tafel-test-util.h"

#define FIXTURE_SECRET "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
/* The edit secret and anchor of the board whose 0.1 secret is the bytes
 * 0..31 (computed outside Tafel; see test-keys.c). */
#define FIXTURE_UPGRADED_E  "a4a705d158469f618f95e945f94523b9661235c5938d229433505cd42fd24d6a"
#define FIXTURE_ANCHOR      "6601aff62b32c63a1ec8aaea9bd4b6d5737ee47d3656c05717772f95ecba2585"
#define FIXTURE_ANCHOR_B64  "ZgGv9isyxjoeyKrqm9S21XN-5H02VsBXF3cvley6JYU"

static void
assert_same_invite (const TafelInvite *a,
                    const TafelInvite *b)
{
  g_assert_cmpuint (a->version, ==, b->version);
  g_assert_cmpint (a->capability, ==, b->capability);
  g_assert_cmpmem (a->board_id, TAFEL_BOARD_ID_BYTES, b->board_id, TAFEL_BOARD_ID_BYTES);
  g_assert_cmpmem (a->secret, TAFEL_BOARD_SECRET_BYTES, b->secret, TAFEL_BOARD_SECRET_BYTES);
  g_assert_cmpmem (a->key, TAFEL_KEY_BYTES, b->key, TAFEL_KEY_BYTES);
  g_assert_cmpint (a->has_anchor, ==, b->has_anchor);
  g_assert_cmpmem (a->anchor.bytes, TAFEL_PUBLIC_KEY_BYTES, b->anchor.bytes, TAFEL_PUBLIC_KEY_BYTES);
  g_assert_cmpstr (a->title, ==, b->title);
  g_assert_cmpstrv (a->brokers, b->brokers);
}

static void
assert_hex (const guint8 *bytes,
            gsize         len,
            const char   *expected)
{
  g_autofree char *hex = tafel_hex_encode (bytes, len);

  g_assert_cmpstr (hex, ==, expected);
}

static char *
fixtures_dir (void)
{
  return g_build_filename (g_getenv ("TAFEL_SOURCE_ROOT"), "tests", "fixtures", "invites", NULL);
}

static void
test_fixture (gconstpointer data)
{
  const char *path = data;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) v1_error = NULL;
  g_autoptr(TafelInvite) invite = NULL;
  g_autoptr(TafelInvite) v1_invite = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  invite = tafel_invite_parse_any (contents, &error);
  /* The version-1 parser reads what parse_any reads, as long as it is a
   * version-1 link, and nothing else. */
  v1_invite = tafel_invite_parse (contents, &v1_error);
  if (invite != NULL && invite->version == 1)
    {
      g_assert_no_error (v1_error);
      assert_same_invite (v1_invite, invite);
    }
  else
    {
      g_assert_null (v1_invite);
      g_assert_nonnull (v1_error);
      g_assert_null (strstr (v1_error->message, FIXTURE_SECRET));
    }

  if (g_str_has_prefix (base, "y_"))
    {
      g_autofree char *again = NULL;
      g_autoptr(TafelInvite) reparsed = NULL;
      const guint8 *key;

      g_assert_no_error (error);
      g_assert_nonnull (invite);
      key = invite->version == 1 ? invite->secret : invite->key;
      for (guint i = 0; i < TAFEL_KEY_BYTES; i++)
        g_assert_cmpuint (key[i], ==, i);
      if (invite->version == 2)
        g_assert_true (tafel_memequal (invite->secret, (guint8[TAFEL_BOARD_SECRET_BYTES]) { 0 },
                                       TAFEL_BOARD_SECRET_BYTES));
      if (invite->has_anchor)
        assert_hex (invite->anchor.bytes, TAFEL_PUBLIC_KEY_BYTES, FIXTURE_ANCHOR);
      if (invite->capability == TAFEL_CAPABILITY_SEED)
        g_assert_null (invite->title);

      /* What we print, we read back to the same invite. */
      again = tafel_invite_to_string (invite);
      reparsed = tafel_invite_parse_any (again, &error);
      g_assert_no_error (error);
      assert_same_invite (reparsed, invite);
    }
  else if (g_str_has_prefix (base, "n_"))
    {
      g_assert_null (invite);
      g_assert_error (error, TAFEL_INVITE_ERROR, error->code);
      g_test_message ("%s: %s", base, error->message);
      /* An error for a person: a sentence, and never the secret. */
      g_assert_cmpuint (strlen (error->message), >, 10);
      g_assert_null (strstr (error->message, FIXTURE_SECRET));
      g_assert_null (strstr (error->message, "AAECAwQFBgcICQoL"));
    }
  else
    {
      g_assert_true ((invite == NULL) == (error != NULL));
    }
}

static void
test_expected_codes (void)
{
  static const struct { const char *file; TafelInviteError code; } cases[] = {
    { "n_v2_no_capability.txt", TAFEL_INVITE_ERROR_CAPABILITY },
    { "n_v2_empty_capability.txt", TAFEL_INVITE_ERROR_CAPABILITY },
    { "n_v2_unknown_capability.txt", TAFEL_INVITE_ERROR_CAPABILITY },
    { "n_v2_uppercase_capability.txt", TAFEL_INVITE_ERROR_CAPABILITY },
    { "n_v2_secret_as_capability.txt", TAFEL_INVITE_ERROR_CAPABILITY },
    { "n_v2_capability_trailing_slash.txt", TAFEL_INVITE_ERROR_CAPABILITY },
    { "n_v2_no_key.txt", TAFEL_INVITE_ERROR_SECRET },
    { "n_v2_empty_key.txt", TAFEL_INVITE_ERROR_SECRET },
    { "n_v2_short_key.txt", TAFEL_INVITE_ERROR_SECRET },
    { "n_v2_long_key.txt", TAFEL_INVITE_ERROR_SECRET },
    { "n_v2_padded_key.txt", TAFEL_INVITE_ERROR_SECRET },
    { "n_v2_standard_base64_key.txt", TAFEL_INVITE_ERROR_SECRET },
    { "n_v2_noncanonical_key.txt", TAFEL_INVITE_ERROR_SECRET },
    { "n_v2_seed_title.txt", TAFEL_INVITE_ERROR_PARAMETER },
    { "n_v2_two_anchors.txt", TAFEL_INVITE_ERROR_PARAMETER },
    { "n_v2_empty_anchor.txt", TAFEL_INVITE_ERROR_PARAMETER },
    { "n_v2_short_anchor.txt", TAFEL_INVITE_ERROR_PARAMETER },
    { "n_v2_low_order_anchor.txt", TAFEL_INVITE_ERROR_PARAMETER },
    { "n_v2_noncanonical_anchor.txt", TAFEL_INVITE_ERROR_PARAMETER },
    { "n_v2_hex_anchor.txt", TAFEL_INVITE_ERROR_PARAMETER },
    { "n_v2_unknown_param.txt", TAFEL_INVITE_ERROR_PARAMETER },
    { "n_v2_long_id.txt", TAFEL_INVITE_ERROR_BOARD_ID },
    { "n_v1_anchor.txt", TAFEL_INVITE_ERROR_PARAMETER },
    { "n_v3_newer_version.txt", TAFEL_INVITE_ERROR_VERSION },
    { "n_https.txt", TAFEL_INVITE_ERROR_NOT_A_LINK },
    { "n_short_id.txt", TAFEL_INVITE_ERROR_BOARD_ID },
    { "n_uppercase_id.txt", TAFEL_INVITE_ERROR_BOARD_ID },
    { "n_no_secret.txt", TAFEL_INVITE_ERROR_SECRET },
    { "n_truncated_secret.txt", TAFEL_INVITE_ERROR_SECRET },
    { "n_noncanonical_secret.txt", TAFEL_INVITE_ERROR_SECRET },
    { "n_bad_broker_scheme.txt", TAFEL_INVITE_ERROR_BROKER },
    { "n_broker_with_password.txt", TAFEL_INVITE_ERROR_BROKER },
    { "n_unknown_param.txt", TAFEL_INVITE_ERROR_PARAMETER },
    { "n_two_titles.txt", TAFEL_INVITE_ERROR_PARAMETER },
  };
  g_autofree char *dir = fixtures_dir ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (dir, cases[i].file, NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(TafelInvite) invite = NULL;

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      invite = tafel_invite_parse_any (contents, &error);
      g_assert_null (invite);
      if (!g_error_matches (error, TAFEL_INVITE_ERROR, (int) cases[i].code))
        g_error ("%s: code %d (%s), not %d", cases[i].file, error->code, error->message, cases[i].code);
    }
}

/* Each way a key or capability can be wrong says so in its own words. */
static void
test_key_messages (void)
{
  static const struct { const char *file; const char *says; } cases[] = {
    { "n_v2_no_capability.txt", "does not say whether" },
    { "n_v2_empty_capability.txt", "does not say whether" },
    { "n_v2_unknown_capability.txt", "is not for editing, viewing or seeding" },
    { "n_v2_secret_as_capability.txt", "is not for editing, viewing or seeding" },
    { "n_v2_no_key.txt", "has no secret" },
    { "n_v2_short_key.txt", "too short" },
    { "n_truncated_secret.txt", "too short" },
    { "n_v2_long_key.txt", "too long" },
    { "n_v2_padded_key.txt", "too long" },
    { "n_v2_standard_base64_key.txt", "characters that no Tafel secret has" },
    { "n_v2_noncanonical_key.txt", "damaged" },
    { "n_noncanonical_secret.txt", "damaged" },
    { "n_v2_seed_title.txt", "seed link cannot carry a title" },
    { "n_v2_two_anchors.txt", "more than one anchor" },
    { "n_v2_low_order_anchor.txt", "anchor (a=) is not a valid" },
    { "n_v2_noncanonical_anchor.txt", "anchor (a=) is not a valid" },
    { "n_v1_anchor.txt", "unknown part" },
  };
  g_autofree char *dir = fixtures_dir ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (dir, cases[i].file, NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(TafelInvite) invite = NULL;

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      invite = tafel_invite_parse_any (contents, &error);
      g_assert_null (invite);
      g_assert_nonnull (error);
      if (strstr (error->message, cases[i].says) == NULL)
        g_error ("%s: “%s” does not say “%s”", cases[i].file, error->message, cases[i].says);
    }
}

/* Only a link from a later version is called newer; v0, v01 and v1x are
 * no version at all. The version-1 parser calls version 2 newer. */
static void
test_version_messages (void)
{
  static const struct { const char *file; guint parser; const char *says; } cases[] = {
    { "n_newer_version.txt", 1, "newer version" },
    { "n_v3_newer_version.txt", 1, "newer version" },
    { "n_v3_newer_version.txt", 2, "newer version" },
    { "n_v12_newer_version.txt", 1, "newer version" },
    { "n_v12_newer_version.txt", 2, "newer version" },
    { "n_v21_newer_version.txt", 2, "newer version" },
    { "n_version_zero.txt", 1, "not a valid Tafel link version" },
    { "n_version_zero.txt", 2, "not a valid Tafel link version" },
    { "n_version_suffix.txt", 1, "not a valid Tafel link version" },
    { "n_version_suffix.txt", 2, "not a valid Tafel link version" },
    { "n_version_leading_zero.txt", 1, "not a valid Tafel link version" },
    { "n_version_leading_zero.txt", 2, "not a valid Tafel link version" },
    { "y_v2_edit.txt", 1, "newer version" },
  };
  g_autofree char *dir = fixtures_dir ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (dir, cases[i].file, NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(TafelInvite) invite = NULL;

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      invite = cases[i].parser == 1 ? tafel_invite_parse (contents, &error)
                                    : tafel_invite_parse_any (contents, &error);
      g_assert_null (invite);
      g_assert_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_VERSION);
      if (strstr (error->message, cases[i].says) == NULL)
        g_error ("%s: “%s” does not say “%s”", cases[i].file, error->message, cases[i].says);
    }
}

static void
test_round_trip_random (void)
{
  static const char *titles[] = { NULL, "", "Math 9b", "Tafel & Kreide #1 ?=%", "日本語のボード" };

  for (guint round = 0; round < 500; round++)
    {
      guint8 id[TAFEL_BOARD_ID_BYTES], secret[TAFEL_BOARD_SECRET_BYTES];
      const char *brokers_all[] = { "mqtt://127.0.0.1:1883", "mqtts://broker.example.org", NULL };
      const char * const *brokers = (round % 3 == 0) ? NULL : brokers_all + (round % 2);
      g_autoptr(TafelInvite) invite = NULL;
      g_autoptr(TafelInvite) parsed = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *link = NULL;
      const char *title = titles[round % G_N_ELEMENTS (titles)];

      tafel_random_bytes (id, sizeof id);
      tafel_random_bytes (secret, sizeof secret);
      invite = tafel_invite_new (id, secret, title, brokers);
      link = tafel_invite_to_string (invite);
      parsed = tafel_invite_parse (link, &error);
      g_assert_no_error (error);

      g_assert_cmpmem (parsed->board_id, sizeof id, id, sizeof id);
      g_assert_cmpmem (parsed->secret, sizeof secret, secret, sizeof secret);
      g_assert_cmpstr (parsed->title, ==, (title != NULL && *title != '\0') ? title : NULL);
      g_assert_cmpuint (g_strv_length (parsed->brokers), ==, brokers ? g_strv_length ((char **) brokers) : 0);
    }
}

/* A 0.1 link is the edit link of epoch 0 of its upgraded board: the same
 * edit secret and anchor every time, from the old secret alone. */
static void
test_v1_upgrade (void)
{
  g_autofree char *dir = fixtures_dir ();
  g_autofree char *path = g_build_filename (dir, "y_minimal.txt", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TafelInvite) a = NULL;
  g_autoptr(TafelInvite) b = NULL;
  g_autoptr(TafelInvite) made = NULL;
  g_autoptr(TafelEpochKeys) keys = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  a = tafel_invite_parse_any (contents, &error);
  g_assert_no_error (error);
  b = tafel_invite_parse (contents, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (a->version, ==, 1);
  g_assert_cmpint (a->capability, ==, TAFEL_CAPABILITY_EDIT);
  assert_hex (a->key, TAFEL_KEY_BYTES, FIXTURE_UPGRADED_E);
  g_assert_true (a->has_anchor);
  assert_hex (a->anchor.bytes, TAFEL_PUBLIC_KEY_BYTES, FIXTURE_ANCHOR);
  assert_same_invite (a, b);

  /* The anchor is the write key of the keys the link gives. */
  keys = tafel_invite_dup_keys (a);
  g_assert_cmpmem (tafel_epoch_keys_get_write_public_key (keys)->bytes, TAFEL_PUBLIC_KEY_BYTES,
                   a->anchor.bytes, TAFEL_PUBLIC_KEY_BYTES);

  /* A board that makes its own 0.1 link gets the same. */
  made = tafel_invite_new (a->board_id, a->secret, NULL, NULL);
  assert_same_invite (made, a);
}

static void
test_v2_round_trip_random (void)
{
  static const char *titles[] = { NULL, "", "Math 9b", "Tafel & Kreide #1 ?=%", "日本語のボード" };
  g_autoptr(TafelEpochKeys) anchor_keys = tafel_epoch_keys_new_random ();

  for (guint round = 0; round < 600; round++)
    {
      guint8 id[TAFEL_BOARD_ID_BYTES], key[TAFEL_KEY_BYTES];
      const char *brokers_all[] = { "mqtt://127.0.0.1:1883", "mqtts://broker.example.org", NULL };
      const char * const *brokers = (round % 3 == 0) ? NULL : brokers_all + (round % 2);
      TafelCapability capability = TAFEL_CAPABILITY_EDIT + round % 3;
      const TafelPublicKey *anchor = (round / 3) % 2 ? tafel_epoch_keys_get_write_public_key (anchor_keys) : NULL;
      const char *title = titles[(round / 6) % G_N_ELEMENTS (titles)];
      g_autoptr(TafelInvite) invite = NULL;
      g_autoptr(TafelInvite) parsed = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *link = NULL;
      g_autofree char *expected_start = NULL;
      g_autofree char *id_hex = NULL;

      tafel_random_bytes (id, sizeof id);
      tafel_random_bytes (key, sizeof key);
      invite = tafel_invite_new_capability (id, capability, key, anchor, title, brokers);
      link = tafel_invite_to_string (invite);

      id_hex = tafel_invite_dup_board_id_hex (invite);
      expected_start = g_strdup_printf ("tafel://board/v2/%s/%s", id_hex, tafel_capability_to_string (capability));
      g_assert_true (g_str_has_prefix (link, expected_start));
      g_assert_cmpint (strstr (link, "a=") != NULL, ==, anchor != NULL);

      parsed = tafel_invite_parse_any (link, &error);
      g_assert_no_error (error);
      assert_same_invite (parsed, invite);
      g_assert_cmpuint (parsed->version, ==, 2);
      g_assert_cmpint (parsed->capability, ==, capability);
      g_assert_cmpmem (parsed->key, sizeof key, key, sizeof key);
      /* A seed link never carries the title. */
      if (capability == TAFEL_CAPABILITY_SEED || title == NULL || *title == '\0')
        g_assert_null (parsed->title);
      else
        g_assert_cmpstr (parsed->title, ==, title);
    }
}

/* Each link gives the lower ones: the keys of a view link are the edit
 * link's read level, a seed link's its seed level; never the reverse. */
static void
test_derive (void)
{
  g_autoptr(TafelEpochKeys) keys = tafel_epoch_keys_new_random ();
  g_autoptr(TafelEpochKeys) anchor_keys = tafel_epoch_keys_new_random ();
  const char *brokers[] = { "mqtt://127.0.0.1:1883", NULL };
  guint8 id[TAFEL_BOARD_ID_BYTES];
  g_autoptr(TafelInvite) edit = NULL;
  g_autoptr(TafelInvite) view = NULL;
  g_autoptr(TafelInvite) seed = NULL;
  g_autoptr(TafelInvite) seed_from_view = NULL;
  g_autoptr(TafelInvite) up = NULL;
  g_autoptr(TafelInvite) same = NULL;
  g_autoptr(GError) error = NULL;

  tafel_random_bytes (id, sizeof id);
  edit = tafel_invite_new_capability (id, TAFEL_CAPABILITY_EDIT, tafel_epoch_keys_get_edit_secret (keys),
                                      tafel_epoch_keys_get_write_public_key (anchor_keys), "Math 9b", brokers);

  view = tafel_invite_derive (edit, TAFEL_CAPABILITY_VIEW, &error);
  g_assert_no_error (error);
  g_assert_cmpint (view->capability, ==, TAFEL_CAPABILITY_VIEW);
  g_assert_cmpmem (view->key, TAFEL_KEY_BYTES, tafel_epoch_keys_get_read_key (keys), TAFEL_KEY_BYTES);
  g_assert_cmpmem (view->board_id, sizeof id, id, sizeof id);
  g_assert_cmpstr (view->title, ==, "Math 9b");
  g_assert_cmpstrv (view->brokers, edit->brokers);
  g_assert_true (view->has_anchor);
  g_assert_cmpmem (view->anchor.bytes, TAFEL_PUBLIC_KEY_BYTES, edit->anchor.bytes, TAFEL_PUBLIC_KEY_BYTES);

  seed = tafel_invite_derive (edit, TAFEL_CAPABILITY_SEED, &error);
  g_assert_no_error (error);
  g_assert_cmpint (seed->capability, ==, TAFEL_CAPABILITY_SEED);
  g_assert_cmpmem (seed->key, TAFEL_KEY_BYTES, tafel_epoch_keys_get_seed_secret (keys), TAFEL_KEY_BYTES);
  g_assert_null (seed->title);
  g_assert_true (seed->has_anchor);
  g_assert_cmpstrv (seed->brokers, edit->brokers);

  seed_from_view = tafel_invite_derive (view, TAFEL_CAPABILITY_SEED, &error);
  g_assert_no_error (error);
  assert_same_invite (seed_from_view, seed);

  same = tafel_invite_derive (view, TAFEL_CAPABILITY_VIEW, &error);
  g_assert_no_error (error);
  assert_same_invite (same, view);

  up = tafel_invite_derive (view, TAFEL_CAPABILITY_EDIT, &error);
  g_assert_null (up);
  g_assert_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_CAPABILITY);
  g_clear_error (&error);
  up = tafel_invite_derive (seed, TAFEL_CAPABILITY_VIEW, &error);
  g_assert_null (up);
  g_assert_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_CAPABILITY);
  g_clear_error (&error);
  up = tafel_invite_derive (seed, TAFEL_CAPABILITY_EDIT, &error);
  g_assert_null (up);
  g_assert_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_CAPABILITY);
}

/* From a 0.1 link: version-2 links of the upgraded board, with its anchor. */
static void
test_derive_from_v1 (void)
{
  guint8 id[TAFEL_BOARD_ID_BYTES], secret[TAFEL_BOARD_SECRET_BYTES];
  g_autoptr(TafelInvite) v1 = NULL;
  g_autoptr(TafelInvite) edit = NULL;
  g_autoptr(TafelInvite) view = NULL;
  g_autoptr(TafelEpochKeys) keys = NULL;
  g_autofree char *view_link = NULL;

  tafel_random_bytes (id, sizeof id);
  tafel_random_bytes (secret, sizeof secret);
  v1 = tafel_invite_new (id, secret, "Physik", NULL);
  keys = tafel_epoch_keys_new_from_v1_secret (secret);

  edit = tafel_invite_derive (v1, TAFEL_CAPABILITY_EDIT, NULL);
  g_assert_cmpuint (edit->version, ==, 2);
  g_assert_cmpmem (edit->key, TAFEL_KEY_BYTES, tafel_epoch_keys_get_edit_secret (keys), TAFEL_KEY_BYTES);
  g_assert_true (edit->has_anchor);
  g_assert_cmpmem (edit->anchor.bytes, TAFEL_PUBLIC_KEY_BYTES,
                   tafel_epoch_keys_get_write_public_key (keys)->bytes, TAFEL_PUBLIC_KEY_BYTES);
  /* The 0.1 secret stays with the 0.1 link. */
  g_assert_null (memmem (edit, sizeof *edit, secret, sizeof secret));

  view = tafel_invite_derive (v1, TAFEL_CAPABILITY_VIEW, NULL);
  view_link = tafel_invite_to_string (view);
  g_assert_nonnull (strstr (view_link, "/view?a="));
  g_assert_cmpmem (view->key, TAFEL_KEY_BYTES, tafel_epoch_keys_get_read_key (keys), TAFEL_KEY_BYTES);
}

/* Whether @link holds @secret in any form a link could: base64url (at any
 * offset, whatever surrounds it) or hex. */
static gboolean
link_holds (const char   *link,
            const guint8 *secret)
{
  g_autofree char *hex = tafel_hex_encode (secret, TAFEL_KEY_BYTES);
  gsize len = strlen (link);

  if (strstr (link, hex) != NULL)
    return TRUE;
  for (gsize i = 0; i + 43 <= len; i++)
    {
      g_autofree char *window = g_strdup_printf ("tafel://board/v2/00000000000000000000000000000000/seed#%.43s",
                                                 link + i);
      g_autoptr(TafelInvite) decoded = tafel_invite_parse_any (window, NULL);

      if (decoded != NULL && memcmp (decoded->key, secret, TAFEL_KEY_BYTES) == 0)
        return TRUE;
    }
  return FALSE;
}

/* A view link carries no E and no write key seed; a seed link no E, R, B
 * nor rcheck, and not the title: its bytes hold only S. */
static void
test_lower_links_carry_no_higher_key (void)
{
  for (guint round = 0; round < 20; round++)
    {
      g_autoptr(TafelEpochKeys) keys = tafel_epoch_keys_new_random ();
      g_autoptr(TafelEpochKeys) anchor_keys = tafel_epoch_keys_new_random ();
      const char *brokers[] = { "mqtt://127.0.0.1:1883", NULL };
      guint8 id[TAFEL_BOARD_ID_BYTES];
      g_autoptr(TafelInvite) edit = NULL;
      g_autoptr(TafelInvite) view = NULL;
      g_autoptr(TafelInvite) seed = NULL;
      g_autofree char *edit_link = NULL;
      g_autofree char *view_link = NULL;
      g_autofree char *seed_link = NULL;
      guint8 write_seed[TAFEL_KEY_BYTES];

      tafel_random_bytes (id, sizeof id);
      edit = tafel_invite_new_capability (id, TAFEL_CAPABILITY_EDIT, tafel_epoch_keys_get_edit_secret (keys),
                                          round % 2 ? tafel_epoch_keys_get_write_public_key (anchor_keys) : NULL,
                                          "Geheime Pläne", brokers);
      view = tafel_invite_derive (edit, TAFEL_CAPABILITY_VIEW, NULL);
      seed = tafel_invite_derive (edit, TAFEL_CAPABILITY_SEED, NULL);
      edit_link = tafel_invite_to_string (edit);
      view_link = tafel_invite_to_string (view);
      seed_link = tafel_invite_to_string (seed);

      /* The search finds what is there. */
      g_assert_true (link_holds (edit_link, tafel_epoch_keys_get_edit_secret (keys)));
      g_assert_true (link_holds (view_link, tafel_epoch_keys_get_read_key (keys)));
      g_assert_true (link_holds (seed_link, tafel_epoch_keys_get_seed_secret (keys)));

      /* Ws, the seed of the write key pair, computed here as docs/access.md
       * says, since no getter hands it out. */
      tafel_derive_key (write_seed, tafel_epoch_keys_get_edit_secret (keys), "tafelcap", 2);
      g_assert_false (link_holds (edit_link, write_seed));
      g_assert_false (link_holds (view_link, write_seed));
      g_assert_false (link_holds (seed_link, write_seed));
      g_assert_false (link_holds (view_link, tafel_epoch_keys_get_edit_secret (keys)));
      g_assert_false (link_holds (seed_link, tafel_epoch_keys_get_edit_secret (keys)));
      g_assert_false (link_holds (seed_link, tafel_epoch_keys_get_read_key (keys)));
      g_assert_false (link_holds (seed_link, tafel_epoch_keys_get_body_key (keys)));
      g_assert_false (link_holds (seed_link, tafel_epoch_keys_get_read_check (keys)));
      g_assert_null (strstr (seed_link, "title="));
      g_assert_null (strstr (seed_link, "Geheime"));
      g_assert_null (strstr (seed_link, "Geheime%20Pl%C3%A4ne"));

      /* What the seed link gives, parsed, is S and nothing above it. */
      {
        g_autoptr(TafelInvite) parsed = tafel_invite_parse_any (seed_link, NULL);
        g_autoptr(TafelEpochKeys) seed_keys = tafel_invite_dup_keys (parsed);
        g_autoptr(TafelEpochKeys) view_keys = tafel_invite_dup_keys (view);

        g_assert_cmpmem (parsed->key, TAFEL_KEY_BYTES, tafel_epoch_keys_get_seed_secret (keys), TAFEL_KEY_BYTES);
        g_assert_null (tafel_epoch_keys_get_read_key (seed_keys));
        g_assert_null (tafel_epoch_keys_get_body_key (seed_keys));
        g_assert_null (tafel_epoch_keys_get_edit_secret (view_keys));
        g_assert_cmpmem (tafel_epoch_keys_get_body_key (view_keys), TAFEL_KEY_BYTES,
                         tafel_epoch_keys_get_body_key (keys), TAFEL_KEY_BYTES);
      }
    }
}

/* Even a seed invite that someone gave a title formats without it. */
static void
test_seed_link_never_has_title (void)
{
  guint8 id[TAFEL_BOARD_ID_BYTES] = { 0 }, key[TAFEL_KEY_BYTES] = { 0 };
  g_autoptr(TafelInvite) seed = tafel_invite_new_capability (id, TAFEL_CAPABILITY_SEED, key, NULL, "Plan", NULL);
  g_autofree char *link = NULL;
  g_autoptr(TafelInvite) parsed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (seed->title);
  seed->title = g_strdup ("Plan");
  link = tafel_invite_to_string (seed);
  g_assert_null (strstr (link, "Plan"));
  parsed = tafel_invite_parse_any (link, &error);
  g_assert_no_error (error);
  g_assert_null (parsed->title);
}

static void
test_broker_urls (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tafel_broker_url_check ("mqtt://localhost:1883", &error));
  g_assert_no_error (error);
  g_assert_true (tafel_broker_url_check ("mqtts://broker.example.org", &error));
  g_assert_no_error (error);
  g_assert_true (tafel_broker_url_check ("mqtt://[::1]:1883/", &error));
  g_assert_no_error (error);

  g_assert_false (tafel_broker_url_check ("localhost:1883", &error));
  g_assert_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_BROKER);
  g_clear_error (&error);
  g_assert_false (tafel_broker_url_check ("ws://broker.example.org", &error));
  g_assert_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_BROKER);
  g_clear_error (&error);
  g_assert_false (tafel_broker_url_check ("mqtt://broker.example.org:70000", &error));
  g_assert_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_BROKER);
  g_clear_error (&error);
  g_assert_false (tafel_broker_url_check ("mqtt://broker.example.org/?q", &error));
  g_assert_error (error, TAFEL_INVITE_ERROR, TAFEL_INVITE_ERROR_BROKER);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = NULL;
  g_autoptr(GDir) gdir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  tafel_test_init (&argc, &argv);

  dir = fixtures_dir ();
  gdir = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (gdir);
  while ((name = g_dir_read_name (gdir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (names->len, >, 20);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *test_path = g_strdup_printf ("/tafel/invite/fixture/%s", (char *) names->pdata[i]);
      char *path = g_build_filename (dir, names->pdata[i], NULL);

      g_test_add_data_func_full (test_path, path, test_fixture, g_free);
    }

  g_test_add_func ("/tafel/invite/expected-codes", test_expected_codes);
  g_test_add_func ("/tafel/invite/version-messages", test_version_messages);
  g_test_add_func ("/tafel/invite/key-messages", test_key_messages);
  g_test_add_func ("/tafel/invite/round-trip-random", test_round_trip_random);
  g_test_add_func ("/tafel/invite/broker-urls", test_broker_urls);
  g_test_add_func ("/tafel/invite/v1-upgrade", test_v1_upgrade);
  g_test_add_func ("/tafel/invite/v2-round-trip-random", test_v2_round_trip_random);
  g_test_add_func ("/tafel/invite/derive", test_derive);
  g_test_add_func ("/tafel/invite/seed-link-never-has-title", test_seed_link_never_has_title);
  g_test_add_func ("/tafel/invite/derive-from-v1", test_derive_from_v1);
  g_test_add_func ("/tafel/invite/lower-links-carry-no-higher-key", test_lower_links_carry_no_higher_key);

  return g_test_run ();
}
