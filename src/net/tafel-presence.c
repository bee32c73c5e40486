/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tafel-bytes.h"
#include "tafel-presence.h"

/*
 * Presence frames, on the same channels as sync (types 0x20–0x2f):
 *
 *   STATE      0x20  u8 flags, then for each flag set, in this order:
 *                      CURSOR   u8 inside, f32 x, f32 y
 *                      VIEWPORT f32 x, f32 y, f32 width, f32 height
 *                      BEGIN    u32 stroke id, u8 tool, u32 rgba, f32 width
 *                      POINTS   u32 stroke id, varint offset, varint n,
 *                               n × { f32 x, f32 y, u8 pressure }
 *                      END      u32 stroke id
 *                      PROFILE  varint length, UTF-8 name, u32 rgba
 *   KEEPALIVE  0x21  (nothing): "still here" after a quiet spell
 *
 * Each peer is sent only what changed since its last frame: the points of
 * the stroke in progress go as deltas (channels are ordered and reliable),
 * and a peer that links up in the middle of a stroke gets it from its
 * first point. Frames are paced to TAFEL_PRESENCE_MAX_RATE per peer.
 */

#define FRAME_STATE      0x20
#define FRAME_KEEPALIVE  0x21

#define FLAG_CURSOR      (1 << 0)
#define FLAG_VIEWPORT    (1 << 1)
#define FLAG_BEGIN       (1 << 2)
#define FLAG_POINTS      (1 << 3)
#define FLAG_END         (1 << 4)
#define FLAG_PROFILE     (1 << 5)
#define FLAG_ALL         0x3f

#define KEEPALIVE_MS     3000
#define CHECK_MS         1000
#define POINTS_PER_FRAME 4096

typedef struct
{
  TafelPresence     *presence;
  TafelPublicKey     key;
  TafelFrameChannel *channel;
  gulong             frame_handler;
  gulong             closed_handler;

  /* What this peer has been sent. */
  guint64            cursor_gen, viewport_gen, profile_gen;
  guint32            stroke_id;      /* the stroke it knows of, 0 none */
  guint              points_sent;
  gint64             last_sent;      /* monotonic µs */
  guint              flush_id;

  /* What it shows; valid while present. */
  gboolean           present;
  guint32            remote_stroke_id;
  TafelRemotePresence remote;
} Peer;

struct _TafelPresence
{
  GObject     parent_instance;

  GHashTable *peers;        /* TafelPublicKey * → Peer */
  guint       check_id;
  guint       timeout_ms;

  /* Local state, each field with a generation counter. */
  guint64     gen;
  char       *name;
  guint32     rgba;
  guint64     profile_gen;
  gboolean    cursor_inside;
  double      cursor_x, cursor_y;
  guint64     cursor_gen;
  TafelRect   viewport;
  guint64     viewport_gen;
  guint32     stroke_id;    /* current or last stroke; 0 none yet */
  gboolean    drawing;
  TafelTool   stroke_tool;
  guint32     stroke_rgba;
  float       stroke_width;
  GArray     *stroke_points;
};

enum {
  PEER_CHANGED,
  PEER_LEFT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TafelPresence, tafel_presence, G_TYPE_OBJECT)

/* ---- sending ------------------------------------------------------------- */

static gboolean
peer_flush (Peer *peer)
{
  TafelPresence *self = peer->presence;
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  guint8 flags = 0;
  guint points_end = self->stroke_points->len;

  g_byte_array_append (frame, (const guint8[]) { FRAME_STATE, 0 }, 2);

  if (peer->cursor_gen < self->cursor_gen)
    {
      flags |= FLAG_CURSOR;
      tafel_put_u8 (frame, self->cursor_inside);
      tafel_put_f32 (frame, (float) self->cursor_x);
      tafel_put_f32 (frame, (float) self->cursor_y);
    }
  if (peer->viewport_gen < self->viewport_gen)
    {
      flags |= FLAG_VIEWPORT;
      tafel_put_f32 (frame, (float) self->viewport.x);
      tafel_put_f32 (frame, (float) self->viewport.y);
      tafel_put_f32 (frame, (float) self->viewport.width);
      tafel_put_f32 (frame, (float) self->viewport.height);
    }
  if (self->drawing && peer->stroke_id != self->stroke_id)
    {
      flags |= FLAG_BEGIN;
      tafel_put_u32 (frame, self->stroke_id);
      tafel_put_u8 (frame, self->stroke_tool);
      tafel_put_u32 (frame, self->stroke_rgba);
      tafel_put_f32 (frame, self->stroke_width);
      peer->stroke_id = self->stroke_id;
      peer->points_sent = 0;
    }
  if (self->drawing && peer->points_sent < points_end)
    {
      guint n = MIN (points_end - peer->points_sent, POINTS_PER_FRAME);

      flags |= FLAG_POINTS;
      tafel_put_u32 (frame, self->stroke_id);
      tafel_put_varint (frame, peer->points_sent);
      tafel_put_varint (frame, n);
      for (guint i = peer->points_sent; i < peer->points_sent + n; i++)
        {
          const TafelPoint *p = &g_array_index (self->stroke_points, TafelPoint, i);

          tafel_put_f32 (frame, p->x);
          tafel_put_f32 (frame, p->y);
          tafel_put_u8 (frame, (guint8) lrintf (CLAMP (p->pressure, 0.f, 1.f) * 255.f));
        }
      peer->points_sent += n;
    }
  if (!self->drawing && peer->stroke_id != 0)
    {
      flags |= FLAG_END;
      tafel_put_u32 (frame, peer->stroke_id);
      peer->stroke_id = 0;
    }
  if (peer->profile_gen < self->profile_gen)
    {
      gsize len = self->name != NULL ? strlen (self->name) : 0;

      flags |= FLAG_PROFILE;
      tafel_put_varint (frame, len);
      tafel_put_bytes (frame, self->name, len);
      tafel_put_u32 (frame, self->rgba);
    }

  peer->cursor_gen = self->cursor_gen;
  peer->viewport_gen = self->viewport_gen;
  peer->profile_gen = self->profile_gen;

  if (flags == 0)
    return FALSE;

  frame->data[1] = flags;
  {
    g_autoptr(GBytes) bytes = g_byte_array_free_to_bytes (g_steal_pointer (&frame));
    tafel_frame_channel_send (peer->channel, bytes);
  }
  peer->last_sent = g_get_monotonic_time ();

  /* A long stroke may need more than one frame's worth of points. */
  return self->drawing && peer->points_sent < self->stroke_points->len;
}

static gboolean
flush_cb (gpointer user_data)
{
  Peer *peer = user_data;

  peer->flush_id = 0;
  if (peer_flush (peer))
    peer->flush_id = g_timeout_add (1000 / TAFEL_PRESENCE_MAX_RATE, flush_cb, peer);
  return G_SOURCE_REMOVE;
}

/* Sends at once when the peer heard nothing for a frame interval, else at
 * the end of the interval; changes in between ride along. */
static void
schedule_flush (TafelPresence *self)
{
  GHashTableIter iter;
  gpointer value;
  gint64 now = g_get_monotonic_time ();
  gint64 interval = G_USEC_PER_SEC / TAFEL_PRESENCE_MAX_RATE;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Peer *peer = value;
      gint64 due = peer->last_sent + interval;

      if (peer->flush_id != 0)
        continue;
      if (due <= now)
        flush_cb (peer);
      else
        peer->flush_id = g_timeout_add (MAX (1, (guint) ((due - now + 999) / 1000)), flush_cb, peer);
    }
}

/* ---- receiving ----------------------------------------------------------- */

static gboolean
read_coord (TafelReader *r,
            float       *v)
{
  return tafel_read_f32 (r, "coordinate", v, NULL) && isfinite (*v) && fabsf (*v) <= TAFEL_COORD_MAX;
}

static void
peer_arrive (Peer *peer)
{
  if (peer->present)
    return;
  peer->present = TRUE;
  peer->remote.key = peer->key;
  peer->remote.stroke_points = g_array_new (FALSE, FALSE, sizeof (TafelPoint));
}

static void
peer_depart (Peer *peer)
{
  if (!peer->present)
    return;
  peer->present = FALSE;
  g_clear_pointer (&peer->remote.name, g_free);
  g_clear_pointer (&peer->remote.stroke_points, g_array_unref);
  memset (&peer->remote, 0, sizeof peer->remote);
  peer->remote_stroke_id = 0;
  g_signal_emit (peer->presence, signals[PEER_LEFT], 0, &peer->key);
}

/* Parses a STATE frame into @peer's remote state; a malformed frame is
 * ignored whole (presence is ephemeral; the next frame fixes things). */
static guint
handle_state (Peer        *peer,
              TafelReader *r)
{
  TafelRemotePresence next = peer->remote;
  g_autofree char *name = NULL;
  guint32 stroke_id = peer->remote_stroke_id;
  g_autoptr(GArray) new_points = NULL;
  gboolean begin = FALSE, end = FALSE;
  guint changes = 0;
  guint8 flags;

  if (!tafel_read_u8 (r, "flags", &flags, NULL) || (flags & ~FLAG_ALL) != 0)
    return 0;

  if (flags & FLAG_CURSOR)
    {
      guint8 inside;
      float x, y;

      if (!tafel_read_u8 (r, "inside", &inside, NULL) || inside > 1 ||
          !read_coord (r, &x) || !read_coord (r, &y))
        return 0;
      next.has_cursor = inside;
      next.cursor_x = x;
      next.cursor_y = y;
      changes |= TAFEL_PRESENCE_CURSOR;
    }
  if (flags & FLAG_VIEWPORT)
    {
      float x, y, w, h;

      if (!read_coord (r, &x) || !read_coord (r, &y) || !read_coord (r, &w) || !read_coord (r, &h) ||
          w < 0 || h < 0)
        return 0;
      next.has_viewport = TRUE;
      next.viewport = (TafelRect) { x, y, w, h };
      changes |= TAFEL_PRESENCE_VIEWPORT;
    }
  if (flags & FLAG_BEGIN)
    {
      guint8 tool;
      guint32 rgba;
      float width;

      if (!tafel_read_u32 (r, "stroke", &stroke_id, NULL) ||
          !tafel_read_u8 (r, "tool", &tool, NULL) || tool > TAFEL_TOOL_HIGHLIGHTER ||
          !tafel_read_u32 (r, "colour", &rgba, NULL) ||
          !tafel_read_f32 (r, "width", &width, NULL) || !isfinite (width) ||
          width <= 0 || width > TAFEL_WIDTH_MAX)
        return 0;
      next.stroke_tool = tool;
      next.stroke_rgba = rgba;
      next.stroke_width = width;
      begin = TRUE;
      changes |= TAFEL_PRESENCE_STROKE;
    }
  if (flags & FLAG_POINTS)
    {
      guint32 id;
      guint64 offset, n;
      guint have = begin ? 0 : (peer->remote.stroke_points != NULL ? peer->remote.stroke_points->len : 0);

      if (!tafel_read_u32 (r, "stroke", &id, NULL) || id != stroke_id || id == 0 ||
          !tafel_read_varint (r, "offset", &offset, NULL) || offset != have ||
          !tafel_read_varint (r, "count", &n, NULL) || n > POINTS_PER_FRAME ||
          offset + n > TAFEL_STROKE_MAX_POINTS)
        return 0;
      new_points = g_array_sized_new (FALSE, FALSE, sizeof (TafelPoint), n);
      for (guint64 i = 0; i < n; i++)
        {
          TafelPoint p;
          guint8 pressure;

          if (!read_coord (r, &p.x) || !read_coord (r, &p.y) ||
              !tafel_read_u8 (r, "pressure", &pressure, NULL))
            return 0;
          p.pressure = pressure / 255.f;
          g_array_append_val (new_points, p);
        }
      changes |= TAFEL_PRESENCE_STROKE;
    }
  if (flags & FLAG_END)
    {
      guint32 id;

      if (!tafel_read_u32 (r, "stroke", &id, NULL) || id != stroke_id)
        return 0;
      end = TRUE;
      changes |= TAFEL_PRESENCE_STROKE;
    }
  if (flags & FLAG_PROFILE)
    {
      guint64 len;
      const guint8 *data;
      guint32 rgba;

      if (!tafel_read_varint (r, "name length", &len, NULL) || len > TAFEL_NAME_MAX_BYTES ||
          !tafel_read_raw (r, len, "name", &data, NULL) ||
          !g_utf8_validate_len ((const char *) data, len, NULL) ||
          memchr (data, 0, len) != NULL ||
          !tafel_read_u32 (r, "colour", &rgba, NULL))
        return 0;
      name = g_strndup ((const char *) data, len);
      next.rgba = rgba;
      changes |= TAFEL_PRESENCE_PROFILE;
    }
  if (!tafel_reader_at_end (r))
    return 0;

  /* All checked: apply. */
  if (changes & TAFEL_PRESENCE_PROFILE)
    {
      g_free (peer->remote.name);
      next.name = g_steal_pointer (&name);
    }
  next.stroke_points = peer->remote.stroke_points;
  if (begin)
    g_array_set_size (next.stroke_points, 0);
  if (new_points != NULL)
    g_array_append_vals (next.stroke_points, new_points->data, new_points->len);
  if (begin || new_points != NULL)
    next.drawing = TRUE;
  if (end)
    {
      next.drawing = FALSE;
      g_array_set_size (next.stroke_points, 0);
      stroke_id = 0;
    }
  peer->remote = next;
  peer->remote_stroke_id = stroke_id;

  return changes;
}

static void
on_frame (TafelFrameChannel *channel,
          GBytes            *frame,
          Peer              *peer)
{
  TafelReader r;
  guint8 type;
  guint changes = 0;
  gboolean arrived;

  tafel_reader_init (&r, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
  if (!tafel_read_u8 (&r, "type", &type, NULL) ||
      type < TAFEL_PRESENCE_FRAME_FIRST || type > TAFEL_PRESENCE_FRAME_LAST)
    return;

  arrived = !peer->present;
  peer_arrive (peer);
  peer->remote.last_heard = g_get_monotonic_time ();

  if (type == FRAME_STATE)
    changes = handle_state (peer, &r);

  if (arrived)
    changes = TAFEL_PRESENCE_CURSOR | TAFEL_PRESENCE_VIEWPORT | TAFEL_PRESENCE_STROKE | TAFEL_PRESENCE_PROFILE;
  if (changes != 0)
    g_signal_emit (peer->presence, signals[PEER_CHANGED], 0, &peer->key, changes);
}

static void
on_closed (TafelFrameChannel *channel,
           const GError      *reason,
           Peer              *peer)
{
  TafelPublicKey key = peer->key;

  tafel_presence_remove_peer (peer->presence, &key);
}

static gboolean
check_cb (gpointer user_data)
{
  TafelPresence *self = user_data;
  g_autoptr(GPtrArray) gone = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  gint64 now = g_get_monotonic_time ();

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Peer *peer = value;

      if (peer->present && now - peer->remote.last_heard > (gint64) self->timeout_ms * 1000)
        g_ptr_array_add (gone, peer);

      /* Keep our own presence alive on quiet links. */
      if (now - peer->last_sent > KEEPALIVE_MS * 1000)
        {
          /* Static storage: a channel may read the bytes after this
           * returns (a compound literal here would be gone by then). */
          static const guint8 keepalive_frame[] = { FRAME_KEEPALIVE };
          g_autoptr(GBytes) keepalive = g_bytes_new_static (keepalive_frame, sizeof keepalive_frame);

          tafel_frame_channel_send (peer->channel, keepalive);
          peer->last_sent = now;
        }
    }

  for (guint i = 0; i < gone->len; i++)
    peer_depart (gone->pdata[i]);

  return G_SOURCE_CONTINUE;
}

/* ---- peers --------------------------------------------------------------- */

static void
peer_free (Peer *peer)
{
  peer_depart (peer);
  g_clear_handle_id (&peer->flush_id, g_source_remove);
  g_clear_signal_handler (&peer->frame_handler, peer->channel);
  g_clear_signal_handler (&peer->closed_handler, peer->channel);
  g_clear_object (&peer->channel);
  g_free (peer);
}

/**
 * tafel_presence_add_peer:
 * @self: a #TafelPresence
 * @key: the peer's identity key
 * @channel: the link to it
 *
 * Starts sharing presence with @key: it gets our whole state at once.
 */
void
tafel_presence_add_peer (TafelPresence        *self,
                         const TafelPublicKey *key,
                         TafelFrameChannel    *channel)
{
  Peer *peer;

  g_return_if_fail (TAFEL_IS_PRESENCE (self));
  g_return_if_fail (TAFEL_IS_FRAME_CHANNEL (channel));

  tafel_presence_remove_peer (self, key);

  peer = g_new0 (Peer, 1);
  peer->presence = self;
  peer->key = *key;
  peer->channel = g_object_ref (channel);
  peer->frame_handler = g_signal_connect (channel, "frame", G_CALLBACK (on_frame), peer);
  peer->closed_handler = g_signal_connect (channel, "closed", G_CALLBACK (on_closed), peer);
  g_hash_table_insert (self->peers, &peer->key, peer);

  /* Zero generations: everything set so far is news to it. */
  peer->last_sent = g_get_monotonic_time () - G_USEC_PER_SEC;
  schedule_flush (self);
}

void
tafel_presence_remove_peer (TafelPresence        *self,
                            const TafelPublicKey *key)
{
  g_return_if_fail (TAFEL_IS_PRESENCE (self));

  g_hash_table_remove (self->peers, key);
}

void
tafel_presence_set_timeout (TafelPresence *self,
                            guint          timeout_ms)
{
  g_return_if_fail (TAFEL_IS_PRESENCE (self));

  self->timeout_ms = timeout_ms;
}

/* ---- local state --------------------------------------------------------- */

void
tafel_presence_set_profile (TafelPresence *self,
                            const char    *name,
                            guint32        rgba)
{
  g_return_if_fail (TAFEL_IS_PRESENCE (self));
  g_return_if_fail (name == NULL || g_utf8_validate (name, -1, NULL));

  g_free (self->name);
  self->name = NULL;
  if (name != NULL)
    {
      const char *end = name + MIN (strlen (name), TAFEL_NAME_MAX_BYTES);

      /* Cut at a character boundary. */
      while (end > name && ((guchar) *end & 0xc0) == 0x80)
        end--;
      self->name = g_strndup (name, end - name);
    }
  self->rgba = rgba;
  self->profile_gen = ++self->gen;
  schedule_flush (self);
}

void
tafel_presence_set_cursor (TafelPresence *self,
                           gboolean       inside,
                           double         x,
                           double         y)
{
  g_return_if_fail (TAFEL_IS_PRESENCE (self));

  self->cursor_inside = inside;
  self->cursor_x = CLAMP (x, -TAFEL_COORD_MAX, TAFEL_COORD_MAX);
  self->cursor_y = CLAMP (y, -TAFEL_COORD_MAX, TAFEL_COORD_MAX);
  self->cursor_gen = ++self->gen;
  schedule_flush (self);
}

void
tafel_presence_set_viewport (TafelPresence   *self,
                             const TafelRect *viewport)
{
  g_return_if_fail (TAFEL_IS_PRESENCE (self));
  g_return_if_fail (viewport != NULL);

  self->viewport.x = CLAMP (viewport->x, -TAFEL_COORD_MAX, TAFEL_COORD_MAX);
  self->viewport.y = CLAMP (viewport->y, -TAFEL_COORD_MAX, TAFEL_COORD_MAX);
  self->viewport.width = CLAMP (viewport->width, 0, TAFEL_COORD_MAX);
  self->viewport.height = CLAMP (viewport->height, 0, TAFEL_COORD_MAX);
  self->viewport_gen = ++self->gen;
  schedule_flush (self);
}

void
tafel_presence_begin_stroke (TafelPresence *self,
                             TafelTool      tool,
                             guint32        rgba,
                             float          width)
{
  g_return_if_fail (TAFEL_IS_PRESENCE (self));

  self->stroke_id = self->stroke_id == G_MAXUINT32 ? 1 : self->stroke_id + 1;
  self->drawing = TRUE;
  self->stroke_tool = tool;
  self->stroke_rgba = rgba;
  self->stroke_width = CLAMP (width, 0.01f, TAFEL_WIDTH_MAX);
  g_array_set_size (self->stroke_points, 0);
  schedule_flush (self);
}

void
tafel_presence_add_points (TafelPresence    *self,
                           const TafelPoint *points,
                           guint             n_points)
{
  g_return_if_fail (TAFEL_IS_PRESENCE (self));

  if (!self->drawing)
    return;
  n_points = MIN (n_points, TAFEL_STROKE_MAX_POINTS - self->stroke_points->len);
  for (guint i = 0; i < n_points; i++)
    {
      TafelPoint p = points[i];

      p.x = CLAMP (p.x, -TAFEL_COORD_MAX, TAFEL_COORD_MAX);
      p.y = CLAMP (p.y, -TAFEL_COORD_MAX, TAFEL_COORD_MAX);
      g_array_append_val (self->stroke_points, p);
    }
  if (n_points > 0)
    schedule_flush (self);
}

void
tafel_presence_end_stroke (TafelPresence *self)
{
  g_return_if_fail (TAFEL_IS_PRESENCE (self));

  if (!self->drawing)
    return;
  self->drawing = FALSE;
  g_array_set_size (self->stroke_points, 0);
  schedule_flush (self);
}

/* ---- remote state -------------------------------------------------------- */

const TafelRemotePresence *
tafel_presence_lookup (TafelPresence        *self,
                       const TafelPublicKey *key)
{
  Peer *peer;

  g_return_val_if_fail (TAFEL_IS_PRESENCE (self), NULL);

  peer = g_hash_table_lookup (self->peers, key);
  return peer != NULL && peer->present ? &peer->remote : NULL;
}

GPtrArray *
tafel_presence_list (TafelPresence *self)
{
  GPtrArray *list = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (TAFEL_IS_PRESENCE (self), list);

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Peer *) value)->present)
      g_ptr_array_add (list, &((Peer *) value)->remote);
  return list;
}

/* ---- GObject ------------------------------------------------------------- */

TafelPresence *
tafel_presence_new (void)
{
  return g_object_new (TAFEL_TYPE_PRESENCE, NULL);
}

static void
tafel_presence_dispose (GObject *object)
{
  TafelPresence *self = TAFEL_PRESENCE (object);

  g_clear_handle_id (&self->check_id, g_source_remove);
  if (self->peers != NULL)
    g_hash_table_remove_all (self->peers);

  G_OBJECT_CLASS (tafel_presence_parent_class)->dispose (object);
}

static void
tafel_presence_finalize (GObject *object)
{
  TafelPresence *self = TAFEL_PRESENCE (object);

  g_hash_table_unref (self->peers);
  g_array_unref (self->stroke_points);
  g_free (self->name);

  G_OBJECT_CLASS (tafel_presence_parent_class)->finalize (object);
}

static void
tafel_presence_class_init (TafelPresenceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tafel_presence_dispose;
  object_class->finalize = tafel_presence_finalize;

  signals[PEER_CHANGED] =
    g_signal_new ("peer-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_UINT);
  signals[PEER_LEFT] =
    g_signal_new ("peer-left", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
tafel_presence_init (TafelPresence *self)
{
  self->peers = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, NULL, (GDestroyNotify) peer_free);
  self->stroke_points = g_array_new (FALSE, FALSE, sizeof (TafelPoint));
  self->timeout_ms = TAFEL_PRESENCE_TIMEOUT_MS;
  self->check_id = g_timeout_add (CHECK_MS, check_cb, self);
}
