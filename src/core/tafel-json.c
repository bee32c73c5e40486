/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "tafel-json-private.h"

/* json-glib's parser recurses once per level of nesting: 100,000 “[” ran
 * it out of stack. No document Tafel reads nests deeper than a few levels
 * (a trace line's points are three). */
#define MAX_DEPTH 32

static gboolean
is_json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Whether the number token @p (@n bytes) is one json-glib reads as
 * written: an integer within gint64 (json-glib wraps larger ones, so
 * 18446744073709551617 read as 1) or a finite double. */
static gboolean
number_in_range (const char *p,
                 gsize       n)
{
  static const char max[] = "9223372036854775807";
  gboolean negative = n > 0 && p[0] == '-';
  gsize i = negative ? 1 : 0;
  gsize digits;

  for (gsize k = 0; k < n; k++)
    if (p[k] == '.' || p[k] == 'e' || p[k] == 'E')
      {
        g_autofree char *copy = g_strndup (p, n);

        return isfinite (g_ascii_strtod (copy, NULL));
      }
  while (i < n - 1 && p[i] == '0')
    i++;
  digits = n - i;
  if (digits != strlen (max))
    return digits < strlen (max);
  /* Same length: compare as text; -9223372036854775808 fits too. */
  {
    int c = strncmp (p + i, max, digits);

    return c <= 0 || (negative && strncmp (p + i, "9223372036854775808", digits) == 0);
  }
}

/* Returns the offset just past the JSON value that starts at @start: an
 * object or array up to its closing bracket (brackets inside strings do not
 * count), a string up to its closing quote, or a bare word (number, true,
 * false, null) up to the next space or punctuation. A value that is not
 * closed ends at @len. This only finds where the value ends, and where it
 * first nests deeper than MAX_DEPTH (*@too_deep, else 0); json-glib checks
 * that it is well-formed. */
static gsize
end_of_word (const char *data,
             gsize       len,
             gsize       start)
{
  gsize i = start;

  while (i < len && !is_json_space (data[i]) && strchr ("{}[],:\"", data[i]) == NULL)
    i++;
  return MAX (i, start + 1);
}

static gsize
end_of_value (const char *data,
              gsize       len,
              gsize       start,
              gsize      *too_deep,
              gsize      *bad_number)
{
  gsize depth = 0;
  gboolean in_string = FALSE;

  if (data[start] != '{' && data[start] != '[' && data[start] != '"')
    {
      gsize end = end_of_word (data, len, start);

      if ((data[start] == '-' || g_ascii_isdigit (data[start])) &&
          !number_in_range (data + start, end - start))
        *bad_number = start + 1;
      return end;
    }

  for (gsize i = start; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            {
              in_string = FALSE;
              if (depth == 0)
                return i + 1;
            }
          continue;
        }
      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '{':
        case '[':
          if (++depth > MAX_DEPTH)
            {
              *too_deep = i + 1;
              return len;
            }
          break;
        case '}':
        case ']':
          if (--depth == 0)
            return i + 1;
          break;
        default:
          if (c == '-' || g_ascii_isdigit (c))
            {
              gsize end = end_of_word (data, len, i);

              if (!number_in_range (data + i, end - i))
                {
                  *bad_number = i + 1;
                  return len;
                }
              i = end - 1;
            }
          break;
        }
    }
  return len;
}

/**
 * tafel_json_load:
 * @parser: a parser
 * @data: (array length=len): untrusted JSON text
 * @len: the length of @data
 * @error: return location for a #GError
 *
 * Like json_parser_load_from_data(), but refuses before json-glib sees
 * them text after the top-level value (json-glib 1.6 leaks the value it
 * has built when such text follows it, for example “[][]”, and every JSON
 * document Tafel reads is a single value), nesting more than 32 levels
 * deep (json-glib recurses per level, so deep nesting overflows its
 * stack), and numbers json-glib cannot hold (it wraps integers beyond
 * 64 bits, and reads too large a double as infinity).
 *
 * Returns: %TRUE if @data was one JSON value and @parser now holds it
 */
gboolean
tafel_json_load (JsonParser  *parser,
                 const char  *data,
                 gsize        len,
                 GError     **error)
{
  gsize i = 0, too_deep = 0, bad_number = 0;

  g_return_val_if_fail (JSON_IS_PARSER (parser), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  while (i < len && is_json_space (data[i]))
    i++;
  if (i < len)
    {
      i = end_of_value (data, len, i, &too_deep, &bad_number);
      if (bad_number != 0)
        {
          g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                       _("A number is out of range (at byte %" PRIu64 ")"), (guint64) bad_number);
          return FALSE;
        }
      if (too_deep != 0)
        {
          g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                       _("The JSON text nests more than %u levels deep (at byte %" PRIu64 ")"),
                       MAX_DEPTH, (guint64) too_deep);
          return FALSE;
        }
      for (; i < len; i++)
        if (!is_json_space (data[i]))
          {
            g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                         _("Unexpected text after the end of the JSON value (at byte %" PRIu64 ")"),
                         (guint64) i + 1);
            return FALSE;
          }
    }
  return json_parser_load_from_data (parser, data, (gssize) len, error);
}
