/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tafel-canvas.h"
#include "tafel-chat-panel.h"
#include "tafel-chat-tracker.h"
#include "tafel-people-panel.h"
#include "tafel-people.h"
#include "tafel-presence-feed.h"
#include "tafel-session-config.h"
#include "tafel-session.h"
#include "tafel-share-popover.h"
#include "tafel-start-page.h"
#include "tafel-window.h"

G_BEGIN_DECLS

/* The window is split over tafel-window.c (the board, drawing, files,
 * export) and tafel-window-net.c (going online: the session, people,
 * chat, share, follow), which share this structure. */
struct _TafelWindow
{
  AdwApplicationWindow   parent_instance;

  GSettings             *settings;

  /* The board shown, and what drawing on it takes. */
  TafelBoard            *board;
  TafelBoardModel       *model;
  TafelHistory          *history;
  TafelCanvasController *controller;

  AdwToastOverlay       *toast_overlay;
  GtkStack              *stack;
  TafelStartPage        *start_page;
  GtkLabel              *title_label;
  GtkMenuButton         *title_button;
  GtkPopover            *rename_popover;
  GtkEntry              *rename_entry;
  GtkButton             *rename_button;
  TafelCanvas           *canvas;
  GtkRevealer           *selection_revealer;
  GtkButton             *zoom_level_button;
  GtkWidget             *redo_button;
  gboolean               narrow;

  /* Online (tafel-window-net.c). */
  TafelSession          *session;
  TafelSessionConfig    *session_config;
  char                  *session_error;
  TafelPeople           *people;
  TafelPresenceFeed     *feed;
  TafelChatTracker      *chat_tracker;
  guint                  restart_id;
  guint                  profile_id;
  gboolean               following;
  TafelPublicKey         followed;
  gboolean               applying_follow;

  GtkBox                *status_box;
  GtkImage              *status_icon;
  GtkLabel              *status_label;
  GtkMenuButton         *share_button;
  TafelSharePopover     *share_popover;
  GtkToggleButton       *people_button;
  GtkToggleButton       *chat_button;
  GtkLabel              *chat_badge;
  GtkRevealer           *people_revealer;
  TafelPeoplePanel      *people_panel;
  GtkRevealer           *chat_revealer;
  TafelChatPanel        *chat_panel;
  GtkRevealer           *follow_revealer;
  GtkLabel              *follow_label;
};

/* Narrower than this, the window sheds what is also elsewhere (the
 * status, Redo, Share) and shows one side panel at a time. */
#define TAFEL_WINDOW_NARROW 600

/* tafel-window-net.c */
void tafel_window_net_class_init (GtkWidgetClass *widget_class);
void tafel_window_net_init       (TafelWindow    *self);
/* The board was set: go online with it. */
void tafel_window_net_attach     (TafelWindow    *self);
/* The board is about to go: offline, panels emptied. */
void tafel_window_net_detach     (TafelWindow    *self);
void tafel_window_net_update_actions (TafelWindow *self);
/* The window became narrow or wide (self->narrow). */
void tafel_window_net_update_narrow  (TafelWindow *self);

G_END_DECLS
