/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>
#include <math.h>

#include "tafel-spatial-index.h"
#include "tafel-test-util.h"

typedef struct
{
  TafelRect rect;
  float     box[4];
  gboolean  present;
} Item;

static const float *
item_box (guint32  id,
          gpointer data)
{
  return ((Item *) data)[id].box;
}

/* Quarter-unit coordinates (and multiples of 1024 far out) are exact in a
 * float, so boxes and rectangles agree exactly. */
static void
item_set (Item            *item,
          const TafelRect *rect)
{
  item->rect = *rect;
  item->box[0] = rect->x;
  item->box[1] = rect->y;
  item->box[2] = rect->x + rect->width;
  item->box[3] = rect->y + rect->height;
  g_assert_cmpfloat (item->box[2], ==, rect->x + rect->width);
  g_assert_cmpfloat (item->box[3], ==, rect->y + rect->height);
}

static gboolean
intersects (const TafelRect *a,
            const TafelRect *b)
{
  return a->x <= b->x + b->width && b->x <= a->x + a->width &&
         a->y <= b->y + b->height && b->y <= a->y + a->height;
}

/* Coordinates on a quarter-unit grid are exact in a float, so the index
 * has no rounding slack and must agree with brute force exactly. */
static double
q (GRand  *rand,
   double  lo,
   double  hi)
{
  return floor (g_rand_double_range (rand, lo, hi) * 4.0) / 4.0;
}

static TafelRect
random_rect (GRand *rand)
{
  double span = 5000;
  double size;

  if (g_rand_int_range (rand, 0, 20) == 0)
    {
      /* Beyond the grid; multiples of 1024 are exact floats out there. */
      return (TafelRect) {
        1024 * floor (g_rand_double_range (rand, -3e6, 3e6)),
        1024 * floor (g_rand_double_range (rand, -3e6, 3e6)),
        1024 * g_rand_int_range (rand, 0, 3), 1024 * g_rand_int_range (rand, 0, 3),
      };
    }

  switch (g_rand_int_range (rand, 0, 10))
    {
    case 0: size = q (rand, 0, 3); break;               /* dots */
    case 1: size = q (rand, 1000, 20000); break;        /* big shapes */
    case 2: size = q (rand, 2e6, 4e6); break;           /* beyond the top level */
    default: size = q (rand, 0, 300); break;            /* strokes */
    }

  return (TafelRect) {
    q (rand, -span, span), q (rand, -span, span),
    floor (size * q (rand, 0.25, 1.0) * 4) / 4, floor (size * q (rand, 0.25, 1.0) * 4) / 4,
  };
}

static int
compare_u32 (gconstpointer a,
             gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return (x > y) - (x < y);
}

static void
check_query (TafelSpatialIndex *index,
             Item              *items,
             guint              n_items,
             const TafelRect   *rect)
{
  g_autoptr(GArray) got = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GArray) want = g_array_new (FALSE, FALSE, sizeof (guint32));

  tafel_spatial_index_query (index, rect, got);
  for (guint32 i = 0; i < n_items; i++)
    if (items[i].present && intersects (&items[i].rect, rect))
      g_array_append_val (want, i);

  g_array_sort (got, compare_u32);
  g_assert_cmpuint (got->len, ==, want->len);
  for (guint i = 0; i < got->len; i++)
    g_assert_cmpuint (g_array_index (got, guint32, i), ==, g_array_index (want, guint32, i));
}

static void
test_spatial_brute_force (void)
{
  guint32 seed = g_test_rand_int ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint n_items = 3000;
  g_autofree Item *items = g_new0 (Item, n_items);
  g_autoptr(TafelSpatialIndex) index = tafel_spatial_index_new (item_box, items);
  guint present = 0;

  g_test_message ("seed %u", seed);

  for (guint round = 0; round < 20000; round++)
    {
      guint32 i = g_rand_int_range (rand, 0, n_items);
      int op = g_rand_int_range (rand, 0, 10);

      if (!items[i].present && op < 6)
        {
          TafelRect r = random_rect (rand);

          item_set (&items[i], &r);
          items[i].present = TRUE;
          tafel_spatial_index_insert (index, i);
          present++;
        }
      else if (items[i].present && op < 8)
        {
          g_assert_true (tafel_spatial_index_remove (index, i));
          items[i].present = FALSE;
          present--;
        }
      else if (items[i].present)
        {
          /* Move: remove at the old box, insert at the new one. */
          TafelRect r = random_rect (rand);

          g_assert_true (tafel_spatial_index_remove (index, i));
          item_set (&items[i], &r);
          tafel_spatial_index_insert (index, i);
        }

      g_assert_cmpuint (tafel_spatial_index_get_size (index), ==, present);

      if (round % 50 == 0)
        {
          TafelRect r = random_rect (rand);

          check_query (index, items, n_items, &r);
        }
    }

  /* Screen-sized, huge, degenerate and far-away rectangles. */
  check_query (index, items, n_items, &(TafelRect) { -640, -400, 1280, 800 });
  check_query (index, items, n_items, &(TafelRect) { -1e10, -1e10, 2e10, 2e10 });
  check_query (index, items, n_items, &(TafelRect) { 12.25, -7.5, 0, 0 });
  check_query (index, items, n_items, &(TafelRect) { 2.5e9, 2.5e9, 10, 10 });
}

static void
test_spatial_edges (void)
{
  Item items[3] = { 0 };
  g_autoptr(TafelSpatialIndex) index = tafel_spatial_index_new (item_box, items);
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (guint32));

  item_set (&items[1], &(TafelRect) { 0, 0, 10, 10 });
  tafel_spatial_index_insert (index, 1);

  /* Touching edges intersect; a gap does not. */
  tafel_spatial_index_query (index, &(TafelRect) { 10, 10, 5, 5 }, out);
  g_assert_cmpuint (out->len, ==, 1);
  g_assert_cmpuint (g_array_index (out, guint32, 0), ==, 1);
  g_array_set_size (out, 0);
  tafel_spatial_index_query (index, &(TafelRect) { 10.5, 0, 5, 5 }, out);
  g_assert_cmpuint (out->len, ==, 0);

  /* A negative size asks about nothing. */
  tafel_spatial_index_query (index, &(TafelRect) { 0, 0, -5, 5 }, out);
  g_assert_cmpuint (out->len, ==, 0);

  /* Removing what is not there finds nothing and keeps the rest. */
  g_assert_false (tafel_spatial_index_remove (index, 2));
  g_assert_cmpuint (tafel_spatial_index_get_size (index), ==, 1);
  g_assert_true (tafel_spatial_index_remove (index, 1));
  g_assert_false (tafel_spatial_index_remove (index, 1));
  g_assert_cmpuint (tafel_spatial_index_get_size (index), ==, 0);

  /* A dot, and an entry larger than every level. */
  item_set (&items[0], &(TafelRect) { 5, 5, 0, 0 });
  item_set (&items[2], &(TafelRect) { -1e7, -1e7, 2e7, 2e7 });
  tafel_spatial_index_insert (index, 0);
  tafel_spatial_index_insert (index, 2);
  tafel_spatial_index_query (index, &(TafelRect) { 5, 5, 0, 0 }, out);
  g_assert_cmpuint (out->len, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  tafel_test_init (&argc, &argv);

  g_test_add_func ("/tafel/spatial-index/brute-force", test_spatial_brute_force);
  g_test_add_func ("/tafel/spatial-index/edges", test_spatial_edges);

  return g_test_run ();
}
