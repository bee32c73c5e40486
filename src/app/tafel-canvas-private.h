/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tafel-canvas.h"

G_BEGIN_DECLS

/* A piece of ink rendered into a texture, placed in device pixels. */
typedef struct
{
  GdkTexture *texture;
  double      x;        /* device pixels of the level: board · ds */
  double      y;
  double      width;
  double      height;
} Patch;

/* The canvas is split over tafel-canvas.c (drawing the board, the view,
 * the controller), tafel-canvas-input.c (pointer, pen, touch and keys
 * turned into navigation and controller calls), tafel-canvas-text.c (text
 * typed in place), tafel-canvas-clipboard.c (cut, copy, paste),
 * tafel-canvas-menu.c (the context menu) and tafel-canvas-remote.c (the
 * others' cursors and strokes in progress), which share this structure. */
struct _TafelCanvas
{
  GtkWidget              parent_instance;

  TafelView              view;
  gboolean               show_grid;
  gboolean               dark;

  TafelCanvasController *controller;
  TafelTileCache        *tiles;

  /* Navigation. */
  gboolean               space_held;
  gboolean               panning;
  double                 pan_last_x;
  double                 pan_last_y;
  gboolean               pointer_inside;
  double                 pointer_x;
  double                 pointer_y;
  double                 pinch_scale_begin;
  double                 pinch_last_cx;
  double                 pinch_last_cy;

  /* Drawing input in progress from the drag gesture (mouse, touch). */
  gboolean               drawing;
  TafelInputDevice       drawing_device;
  gboolean               stylus_down;

  /* The live stroke. */
  GArray                *chunks;      /* Patch */
  guint                  chunked;     /* points drawn into chunks */
  double                 chunk_ds;

  GArray                *settling;    /* Settling */

  /* The selection drawn while it moves. */
  Patch                  selection_patch;
  double                 selection_ds;
  TafelRect              selection_from;

  /* Others: their cursors and strokes in progress. */
  TafelPeople           *people;
  GHashTable            *remote_live;     /* TafelPublicKey* → RemoteStroke* */
  GPtrArray             *remote_settling; /* RemoteStroke*, lifted */
  GHashTable            *last_object_us;  /* TafelPublicKey* → gint64*, their latest record */
  guint                  remote_tick_id;
  int                    last_width;
  int                    last_height;

  /* Text typed in place. */
  GtkWidget             *editor;
  GtkCssProvider        *editor_css;
  double                 editor_x;    /* board units */
  double                 editor_y;
  double                 editor_size; /* board units */
  guint32                editor_rgba;
  TafelObject           *editor_object; /* the text being changed, or NULL */
  guint                  editor_leave_id;
  /* The last primary press, to tell a double click. */
  guint32                last_press_ms;
  double                 last_press_x;  /* widget pixels */
  double                 last_press_y;

  gboolean               fit_pending;
  guint                  fit_id;

  /* "Draw anywhere", while the board is empty. */
  GtkWidget             *hint;
  /* The context menu (tafel-canvas-menu.c). */
  GtkWidget             *menu;

  GtkGesture            *drag_primary;
  GtkGesture            *drag_middle;
  GtkGesture            *stylus;
  GtkGesture            *pinch;
};

/* tafel-canvas.c */
double  tafel_canvas_device_scale            (TafelCanvas     *self);
/* @rgba as drawn on the paper shown (mapped for dark paper). */
guint32 tafel_canvas_ink                     (TafelCanvas     *self,
                                              guint32          rgba);
/* The person moved the view by (@dx, @dy) widget pixels. */
void    tafel_canvas_pan_by                  (TafelCanvas     *self,
                                              double           dx,
                                              double           dy);
/* The person zoomed to @scale around (@wx, @wy) in widget pixels. */
void    tafel_canvas_zoom_at                 (TafelCanvas     *self,
                                              double           scale,
                                              double           wx,
                                              double           wy);
void    tafel_canvas_emit_pointer_moved      (TafelCanvas     *self);
/* Shows the empty board's hint, or hides it. */
void    tafel_canvas_update_hint             (TafelCanvas     *self);
/* Emits ::text-error: what the person did could not be stored. */
void    tafel_canvas_emit_error              (TafelCanvas     *self,
                                              const GError    *error);
/* Emits ::failed: @what (for a person) went wrong because of @error. */
void    tafel_canvas_emit_failed             (TafelCanvas     *self,
                                              const char      *what,
                                              const GError    *error);
/* The part of the canvas, in widget pixels, that nothing floating over
 * it hides. */
void    tafel_canvas_get_clear_area          (TafelCanvas     *self,
                                              TafelRect       *area);

/* tafel-canvas-input.c */
/* Adds the gestures and event controllers. */
void    tafel_canvas_input_init              (TafelCanvas     *self);
void    tafel_canvas_update_cursor           (TafelCanvas     *self);

/* tafel-canvas-text.c */
void    tafel_canvas_text_init               (TafelCanvas     *self);
void    tafel_canvas_text_dispose            (TafelCanvas     *self);
void    tafel_canvas_text_finalize           (TafelCanvas     *self);
/* Opens editors for @controller's ::text-edit-requested. */
void    tafel_canvas_text_connect            (TafelCanvas     *self,
                                              TafelCanvasController *controller);
/* Opens the editor on the text @object to change its words; FALSE when
 * it is not a visible text. */
gboolean tafel_canvas_text_edit              (TafelCanvas     *self,
                                              TafelObject     *object);
/* Stores the text being typed (or drops it, @commit FALSE), if any. */
void    tafel_canvas_text_finish             (TafelCanvas     *self,
                                              gboolean         commit);
/* The editor follows the text size, colour and zoom. */
void    tafel_canvas_text_update_style       (TafelCanvas     *self);
void    tafel_canvas_text_allocate           (TafelCanvas     *self);

/* tafel-canvas-clipboard.c */
void    tafel_canvas_clipboard_class_init    (GtkWidgetClass  *widget_class);
void    tafel_canvas_clipboard_init          (TafelCanvas     *self);
/* Cut and copy need a selection, paste something Tafel can paste. */
void    tafel_canvas_clipboard_update_actions (TafelCanvas    *self);

/* tafel-canvas-menu.c */
void    tafel_canvas_menu_class_init         (GtkWidgetClass  *widget_class);
void    tafel_canvas_text_class_init         (GtkWidgetClass  *widget_class);
void    tafel_canvas_menu_init               (TafelCanvas     *self);
void    tafel_canvas_menu_dispose            (TafelCanvas     *self);

/* tafel-canvas-remote.c */
void    tafel_canvas_remote_init             (TafelCanvas     *self);
void    tafel_canvas_remote_finalize         (TafelCanvas     *self);
/* Follows @model's records, to know when a lifted stroke is stored. */
void    tafel_canvas_remote_watch_model      (TafelCanvas     *self,
                                              TafelBoardModel *model);
void    tafel_canvas_remote_clear            (TafelCanvas     *self);
void    tafel_canvas_snapshot_remote_strokes (TafelCanvas     *self,
                                              GtkSnapshot     *snapshot,
                                              double           origin_x,
                                              double           origin_y);
void    tafel_canvas_snapshot_remote_cursors (TafelCanvas     *self,
                                              GtkSnapshot     *snapshot,
                                              double           width,
                                              double           height);

G_END_DECLS
