/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tafel-clipboard.h"
#include "tafel-core.h"
#include "tafel-test-util.h"

/* The clipboard document: what Tafel writes it reads back unchanged, and
 * anything else (another app's JSON, a newer Tafel's document, damaged
 * bodies, too much) is refused with a reason, never pasted. */

static TafelClipboardItem *
item_new (guint   kind,
          GBytes *body)
{
  TafelClipboardItem *item = g_new0 (TafelClipboardItem, 1);

  item->kind = kind;
  item->body = g_bytes_ref (body);
  return item;
}

static GPtrArray *
sample_items (void)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_clipboard_item_free);
  TafelPoint points[] = { { 0, 0, 0.5f }, { 10, 5, 0.5f }, { 20, 0, 0.5f } };
  TafelStroke stroke = { TAFEL_TOOL_PEN, 0x1c71d8ff, 3, G_N_ELEMENTS (points), points };
  TafelShape shape = { TAFEL_SHAPE_RECTANGLE, 0xc01c28ff, 0, 2, 100, 100, 150, 130 };
  TafelText text = { 40, 60, (char *) "Grüße", 24, 0x000000ff };
  g_autoptr(GBytes) a = tafel_stroke_encode (&stroke);
  g_autoptr(GBytes) b = tafel_shape_encode (&shape);
  g_autoptr(GBytes) c = tafel_text_encode (&text);

  g_ptr_array_add (items, item_new (TAFEL_RECORD_KIND_STROKE, a));
  g_ptr_array_add (items, item_new (TAFEL_RECORD_KIND_SHAPE, b));
  g_ptr_array_add (items, item_new (TAFEL_RECORD_KIND_TEXT, c));
  return items;
}

static void
test_round_trip (void)
{
  g_autoptr(GPtrArray) items = sample_items ();
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GBytes) document = tafel_clipboard_encode (items);
  g_autoptr(GError) error = NULL;
  TafelRect bounds;

  back = tafel_clipboard_decode (document, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, items->len);
  for (guint i = 0; i < items->len; i++)
    {
      TafelClipboardItem *x = g_ptr_array_index (items, i), *y = g_ptr_array_index (back, i);

      g_assert_cmpuint (x->kind, ==, y->kind);
      g_assert_true (g_bytes_equal (x->body, y->body));
    }

  /* Their bounds: from the stroke at the origin to the rectangle. */
  g_assert_true (tafel_clipboard_get_bounds (back, &bounds));
  g_assert_cmpfloat (bounds.x, <, 0);
  g_assert_cmpfloat (bounds.x + bounds.width, >, 150);
  g_assert_cmpfloat (bounds.y + bounds.height, >, 130);
}

static void
test_moved (void)
{
  g_autoptr(GPtrArray) items = sample_items ();
  g_autoptr(GBytes) moved = NULL;
  TafelText text = { 0 };
  TafelShape shape;

  moved = tafel_clipboard_item_dup_moved (g_ptr_array_index (items, 1), 10, -20);
  g_assert_true (tafel_shape_decode (moved, &shape, NULL));
  g_assert_cmpfloat (shape.x1, ==, 110);
  g_assert_cmpfloat (shape.y1, ==, 80);
  g_assert_cmpfloat (shape.x2, ==, 160);
  g_assert_cmpfloat (shape.y2, ==, 110);
  g_clear_pointer (&moved, g_bytes_unref);

  moved = tafel_clipboard_item_dup_moved (g_ptr_array_index (items, 2), -40, 5);
  g_assert_true (tafel_text_decode (moved, &text, NULL));
  g_assert_cmpfloat (text.x, ==, 0);
  g_assert_cmpfloat (text.y, ==, 65);
  g_assert_cmpstr (text.text, ==, "Grüße");
  tafel_text_clear (&text);
}

static void
assert_refused (const char *json,
                int         code)
{
  g_autoptr(GBytes) data = g_bytes_new (json, strlen (json));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = tafel_clipboard_decode (data, &error);

  g_test_message ("%s → %s", json, error != NULL ? error->message : "(accepted)");
  g_assert_null (items);
  g_assert_error (error, TAFEL_CLIPBOARD_ERROR, code);
}

static void
assert_refused_quietly (const char *json,
                        int         code)
{
  g_autoptr(GBytes) data = g_bytes_new (json, strlen (json));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = tafel_clipboard_decode (data, &error);

  g_assert_null (items);
  g_assert_error (error, TAFEL_CLIPBOARD_ERROR, code);
}

static void
test_refused (void)
{
  g_autoptr(GPtrArray) items = sample_items ();
  g_autoptr(GBytes) erase = NULL;
  g_autofree char *erase_b64 = NULL;
  g_autofree char *json = NULL;
  TafelHash id = { { 1 } };
  TafelObjectSet set = { 1, &id };

  assert_refused ("", TAFEL_CLIPBOARD_ERROR_INVALID);
  assert_refused ("not json", TAFEL_CLIPBOARD_ERROR_INVALID);
  assert_refused ("[1, 2]", TAFEL_CLIPBOARD_ERROR_INVALID);
  assert_refused ("{\"objects\": []}", TAFEL_CLIPBOARD_ERROR_INVALID);
  assert_refused ("{\"tafel-objects\": \"1\", \"objects\": []}", TAFEL_CLIPBOARD_ERROR_INVALID);
  assert_refused ("{\"tafel-objects\": 2, \"objects\": []}", TAFEL_CLIPBOARD_ERROR_VERSION);
  assert_refused ("{\"tafel-objects\": 1}", TAFEL_CLIPBOARD_ERROR_INVALID);
  assert_refused ("{\"tafel-objects\": 1, \"objects\": [3]}", TAFEL_CLIPBOARD_ERROR_INVALID);
  assert_refused ("{\"tafel-objects\": 1, \"objects\": [{\"kind\": 2}]}", TAFEL_CLIPBOARD_ERROR_INVALID);
  /* A body that is no stroke. */
  assert_refused ("{\"tafel-objects\": 1, \"objects\": [{\"kind\": 2, \"body\": \"AAAA\"}]}",
                  TAFEL_CLIPBOARD_ERROR_INVALID);
  assert_refused ("{\"tafel-objects\": 1, \"objects\": [{\"kind\": 4, \"body\": \"!!\"}]}",
                  TAFEL_CLIPBOARD_ERROR_INVALID);

  /* Records that are not drawn objects are not pasted, even valid ones. */
  erase = tafel_object_set_encode (&set);
  erase_b64 = g_base64_encode (g_bytes_get_data (erase, NULL), g_bytes_get_size (erase));
  json = g_strdup_printf ("{\"tafel-objects\": 1, \"objects\": [{\"kind\": %d, \"body\": \"%s\"}]}",
                          TAFEL_RECORD_KIND_ERASE, erase_b64);
  assert_refused (json, TAFEL_CLIPBOARD_ERROR_INVALID);

  /* More objects than a paste takes. */
  {
    g_autoptr(GString) many = g_string_new ("{\"tafel-objects\": 1, \"objects\": [{}");

    for (guint i = 0; i < TAFEL_CLIPBOARD_MAX_OBJECTS; i++)
      g_string_append (many, ",{}");
    g_string_append (many, "]}");
    assert_refused_quietly (many->str, TAFEL_CLIPBOARD_ERROR_TOO_LARGE);
  }

  /* More bytes than a paste takes. */
  {
    gsize size = TAFEL_CLIPBOARD_MAX_BYTES + 1;
    g_autoptr(GBytes) huge = g_bytes_new_take (g_malloc0 (size), size);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) none = tafel_clipboard_decode (huge, &error);

    g_assert_null (none);
    g_assert_error (error, TAFEL_CLIPBOARD_ERROR, TAFEL_CLIPBOARD_ERROR_TOO_LARGE);
  }
}

int
main (int   argc,
      char *argv[])
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/clipboard/round-trip", test_round_trip);
  g_test_add_func ("/tafel/clipboard/moved", test_moved);
  g_test_add_func ("/tafel/clipboard/refused", test_refused);

  return g_test_run ();
}
