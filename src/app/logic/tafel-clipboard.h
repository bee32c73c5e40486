/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tafel-board-model.h"

G_BEGIN_DECLS

/* What Tafel puts on the clipboard for its own objects: a small JSON
 * document, {"tafel-objects": 1, "objects": [{"kind": K, "body": B}, …]},
 * each B the base64 of a stroke, shape or text record body as a new record
 * would carry it (transforms baked in). Other apps get a PNG picture and
 * the plain text of the texts. */
#define TAFEL_CLIPBOARD_MIME_TYPE   "application/x-tafel-objects"
#define TAFEL_CLIPBOARD_VERSION     1
/* What a paste accepts at most. */
#define TAFEL_CLIPBOARD_MAX_BYTES   (64u * 1024u * 1024u)
#define TAFEL_CLIPBOARD_MAX_OBJECTS 100000u

#define TAFEL_CLIPBOARD_ERROR (tafel_clipboard_error_quark ())

typedef enum
{
  TAFEL_CLIPBOARD_ERROR_INVALID,    /* not Tafel objects, or damaged */
  TAFEL_CLIPBOARD_ERROR_TOO_LARGE,  /* beyond the limits above */
  TAFEL_CLIPBOARD_ERROR_VERSION,    /* from a newer Tafel */
} TafelClipboardError;

GQuark tafel_clipboard_error_quark (void);

/**
 * TafelClipboardItem:
 * @kind: %TAFEL_RECORD_KIND_STROKE, _SHAPE or _TEXT
 * @body: the record body, checked to decode
 * @bounds: where it lies on the board, line widths included
 */
typedef struct
{
  guint     kind;
  GBytes   *body;
  TafelRect bounds;
} TafelClipboardItem;

void       tafel_clipboard_item_free     (TafelClipboardItem *item);

/* A clipboard item for @object as it shows now (transform baked in);
 * %NULL when its record does not decode. */
TafelClipboardItem *tafel_clipboard_item_new_for_object (const TafelObject *object) G_GNUC_WARN_UNUSED_RESULT;

/* The clipboard document of @items (element-type TafelClipboardItem), in
 * their order (bottom first). */
GBytes    *tafel_clipboard_encode        (GPtrArray          *items) G_GNUC_WARN_UNUSED_RESULT;
/* (element-type TafelClipboardItem) the items of a clipboard document,
 * every body checked; %NULL with an error for a person to read. */
GPtrArray *tafel_clipboard_decode        (GBytes             *data,
                                          GError            **error) G_GNUC_WARN_UNUSED_RESULT;
/* The union of the items' bounds; FALSE when there are none. */
gboolean   tafel_clipboard_get_bounds    (GPtrArray          *items,
                                          TafelRect          *bounds);
/* @item's body moved by (@dx, @dy) on the board. */
GBytes    *tafel_clipboard_item_dup_moved (const TafelClipboardItem *item,
                                           double                    dx,
                                           double                    dy) G_GNUC_WARN_UNUSED_RESULT;

/* For other apps: the texts of @objects, one after another on lines of
 * their own (%NULL when there is no text among them), and a PNG picture
 * of them on white at @scale pixels per board unit. */
char      *tafel_clipboard_dup_text      (GPtrArray          *objects) G_GNUC_WARN_UNUSED_RESULT;
GBytes    *tafel_clipboard_render_png    (GPtrArray          *objects,
                                          double              scale,
                                          GError            **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TafelClipboardItem, tafel_clipboard_item_free)

G_END_DECLS
