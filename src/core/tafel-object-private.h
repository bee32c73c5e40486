/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tafel-object.h"

G_BEGIN_DECLS

/* Between the model and the renderer; not for the app. */

gboolean          _tafel_object_is_highlighter     (const TafelObject *object);

/* How amend records change the way an object looks: its colour, its
 * width (a text's size) and a text's words. @text is borrowed. */
typedef struct
{
  guint        fields;   /* TAFEL_AMEND_COLOR, _WIDTH, _TEXT */
  guint32      rgba;
  float        width;
  const char  *text;
} TafelLook;

/* @object's look as amended; FALSE (and an empty look) when nothing of it
 * was amended. The text stays valid until the model next changes. */
gboolean          _tafel_object_get_look           (const TafelObject *object,
                                                    TafelLook         *look);
void              _tafel_look_apply_stroke         (const TafelLook   *look,
                                                    TafelStroke       *stroke);
void              _tafel_look_apply_shape          (const TafelLook   *look,
                                                    TafelShape        *shape);
void              _tafel_look_apply_text           (const TafelLook   *look,
                                                    TafelText         *text);
/* The stored body of the object's record: borrowed from the log's storage,
 * valid while the model lives (peek), or holding that storage alive on any
 * thread (dup). */
GBytes           *_tafel_object_peek_body          (const TafelObject *object) G_GNUC_WARN_UNUSED_RESULT;
GBytes           *_tafel_object_dup_body           (const TafelObject *object) G_GNUC_WARN_UNUSED_RESULT;
/* As peek, without making a GBytes: FALSE when the log has no body. */
gboolean          _tafel_object_peek_body_data     (const TafelObject *object,
                                                    const guint8     **data,
                                                    gsize             *len);

G_END_DECLS
