/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The drawing tools, in the order and with the nicks of the GSettings enum
 * io.github.tafel.Tafel.Tool, so that g_settings_bind() maps them. */
typedef enum
{
  TAFEL_CANVAS_TOOL_PEN,
  TAFEL_CANVAS_TOOL_HIGHLIGHTER,
  TAFEL_CANVAS_TOOL_ERASER,
  TAFEL_CANVAS_TOOL_LINE,
  TAFEL_CANVAS_TOOL_RECTANGLE,
  TAFEL_CANVAS_TOOL_ELLIPSE,
  TAFEL_CANVAS_TOOL_ARROW,
  TAFEL_CANVAS_TOOL_TEXT,
  TAFEL_CANVAS_TOOL_SELECT,
} TafelCanvasTool;

#define TAFEL_CANVAS_N_TOOLS (TAFEL_CANVAS_TOOL_SELECT + 1)

GType tafel_canvas_tool_get_type (void) G_GNUC_CONST;
#define TAFEL_TYPE_CANVAS_TOOL (tafel_canvas_tool_get_type ())

const char *tafel_canvas_tool_to_nick   (TafelCanvasTool  tool);
/* Whether the tool draws with an ink colour and a width (pen, highlighter,
 * shapes, text); the eraser and the selection have neither. */
gboolean    tafel_canvas_tool_has_ink   (TafelCanvasTool  tool);

G_END_DECLS
