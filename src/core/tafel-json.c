/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
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

/* Returns the offset just past the JSON value that starts at @start: an
 * object or array up to its closing bracket (brackets inside strings do not
 * count), a string up to its closing quote, or a bare word (number, true,
 * false, null) up to the next space or punctuation. A value that is not
 * closed ends at @len. This only finds where the value ends, and where it
 * first nests deeper than MAX_DEPTH (*@too_deep, else 0); json-glib checks
 * that it is well-formed. */
static gsize
end_of_value (const char *data,
              gsize       len,
              gsize       start,
              gsize      *too_deep)
{
  gsize depth = 0;
  gboolean in_string = FALSE;

  if (data[start] != '{' && data[start] != '[' && data[start] != '"')
    {
      gsize i = start;

      while (i < len && !is_json_space (data[i]) && strchr ("{}[],:\"", data[i]) == NULL)
        i++;
      return MAX (i, start + 1);
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
 * document Tafel reads is a single value) and nesting more than 32 levels
 * deep (json-glib recurses per level, so deep nesting overflows its
 * stack).
 *
 * Returns: %TRUE if @data was one JSON value and @parser now holds it
 */
gboolean
tafel_json_load (JsonParser  *parser,
                 const char  *data,
                 gsize        len,
                 GError     **error)
{
  gsize i = 0, too_deep = 0;

  g_return_val_if_fail (JSON_IS_PARSER (parser), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  while (i < len && is_json_space (data[i]))
    i++;
  if (i < len)
    {
      i = end_of_value (data, len, i, &too_deep);
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
