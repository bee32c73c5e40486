/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tafel-tool.h"

G_DEFINE_ENUM_TYPE (TafelCanvasTool, tafel_canvas_tool,
                    G_DEFINE_ENUM_VALUE (TAFEL_CANVAS_TOOL_PEN, "pen"),
                    G_DEFINE_ENUM_VALUE (TAFEL_CANVAS_TOOL_HIGHLIGHTER, "highlighter"),
                    G_DEFINE_ENUM_VALUE (TAFEL_CANVAS_TOOL_ERASER, "eraser"),
                    G_DEFINE_ENUM_VALUE (TAFEL_CANVAS_TOOL_LINE, "line"),
                    G_DEFINE_ENUM_VALUE (TAFEL_CANVAS_TOOL_RECTANGLE, "rectangle"),
                    G_DEFINE_ENUM_VALUE (TAFEL_CANVAS_TOOL_ELLIPSE, "ellipse"),
                    G_DEFINE_ENUM_VALUE (TAFEL_CANVAS_TOOL_ARROW, "arrow"),
                    G_DEFINE_ENUM_VALUE (TAFEL_CANVAS_TOOL_TEXT, "text"),
                    G_DEFINE_ENUM_VALUE (TAFEL_CANVAS_TOOL_SELECT, "select"))

const char *
tafel_canvas_tool_to_nick (TafelCanvasTool tool)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (TAFEL_TYPE_CANVAS_TOOL);
  GEnumValue *value = g_enum_get_value (klass, tool);

  g_return_val_if_fail (value != NULL, NULL);

  return value->value_nick;
}

gboolean
tafel_canvas_tool_has_ink (TafelCanvasTool tool)
{
  return tool != TAFEL_CANVAS_TOOL_ERASER && tool != TAFEL_CANVAS_TOOL_SELECT;
}
