/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "tafel-bytes.h"
#include "tafel-net-trace.h"
#include "tafel-sync-private.h"

/*
 * The sync protocol, on any TafelFrameChannel (frames are ordered and
 * authenticated by the link beneath).
 *
 *   HELLO   0x10  u8 version (1), version vector
 *   RUN     0x11  a chunk of one author's gapless run:
 *                   32 author, varint first_seq, [32 prev if first_seq > 1],
 *                   varint n, u8 flags (bit 0: this chunk ends the run),
 *                   n × { varint lamport, varint kind, varint body length,
 *                         body, u8 has_signature, [64 signature] }
 *   DONE    0x12  every run answering the last HELLO has been sent
 *   VECTOR  0x13  version vector: what the sender now holds (an ack)
 *
 * Both sides send HELLO on link-up. Each answers a HELLO with the runs the
 * other lacks and DONE, and keeps, per peer, an estimate of the peer's
 * vector (raised by what it sends and by what the peer says or sends), so
 * every record that later joins the log is pushed exactly to the peers
 * that lack it: a new local stroke is a run of one. A run's chunks are
 * collected until its end, which carries the signature that (through the
 * hash links) authenticates the whole run; only then is any of it
 * integrated, in slices, from an idle handler with a time budget, so a big
 * late join never blocks the main loop for long. A peer that sends
 * anything malformed or forged is dropped, and nothing unverified from it
 * is kept.
 *
 * Decoding RUN chunks (hashing each record for its id, checking each body)
 * is most of a late join's work, so it runs on verifier threads, one lane
 * per core (up to MAX_LANES): each author's chunks go to one lane, so
 * different authors' runs are verified at once and one author's in order.
 * The main loop numbers every RUN and DONE frame it hands on and handles
 * the outcomes (verified runs, errors, the DONE) strictly in that order,
 * so nothing changes from taking the frames in one by one: after an error
 * nothing later from that link counts. A lane owns its part of the
 * collected runs (an Inbox per peer); the main loop owns everything else.
 * While too many bytes wait for the verifiers, the channel holds back
 * further frames, so the link stops the peer.
 */

#define PROTOCOL_VERSION       1
#define FRAME_HELLO            0x10
#define FRAME_RUN              0x11
#define FRAME_DONE             0x12
#define FRAME_VECTOR           0x13

#define CHUNK_TARGET_BYTES     (192 * 1024)
#define RUN_MAX_RECORDS        100000      /* per chunk */
#define PENDING_MAX_BYTES      (256 * 1024 * 1024)  /* per peer, unverified */
#define PENDING_MAX_AUTHORS    4096
#define INTEGRATE_BUDGET_US    6000
#define SLICE_START            256
#define SLICE_MAX              8192
#define HELLO_INTERVAL_S       30
#define MAX_LANES              4
#define INLINE_MAX_BYTES       (16 * 1024)
#define INBOX_HIGH_WATER       (16 * 1024 * 1024)  /* per peer, waiting for the verifier */
#define INBOX_LOW_WATER        (4 * 1024 * 1024)

G_DEFINE_QUARK (tafel-sync-error-quark, tafel_sync_error)

typedef struct _Peer Peer;
typedef struct _Pipe Pipe;

/* The part of a peer's collected runs that one lane verifies. */
typedef struct
{
  GHashTable     *pending;      /* author (TafelPublicKey *) → PendingRun */
  gsize           bytes;        /* of pending */
  gboolean        failed;       /* it sent something wrong: ignore the rest */
} Lane;

/* One peer's runs being collected. Lane i is touched only by verifier
 * thread i; @dead only by the main loop. */
typedef struct
{
  gatomicrefcount ref_count;
  TafelPublicKey  key;
  Lane            lanes[MAX_LANES];
  gssize          pending_bytes;  /* atomic: all lanes together */
  gint            run_seen;       /* atomic, for the trace */
  gboolean        dead;           /* an error was handled: nothing later counts */
} Inbox;

typedef enum
{
  TASK_RUN,
  TASK_DONE,
} TaskKind;

typedef struct
{
  TaskKind  kind;
  Inbox    *inbox;
  guint     lane;
  guint     seq;              /* the order the main loop handles outcomes in */
  GBytes   *frame;            /* TASK_RUN */
} Task;

typedef enum
{
  RESULT_TAKEN,   /* a chunk collected, its run not complete yet */
  RESULT_RUN,     /* a run complete and verified */
  RESULT_DONE,
  RESULT_ERROR,
} ResultKind;

typedef struct
{
  ResultKind  kind;
  Inbox      *inbox;
  guint       seq;
  gsize       frame_bytes;
  GPtrArray  *records;        /* RESULT_RUN */
  GError     *error;          /* RESULT_ERROR */
} Result;

/* Carries results from the verifier thread to the main loop. */
struct _Pipe
{
  gatomicrefcount ref_count;
  GMutex          lock;
  GQueue          results;    /* Result, under lock */
  GSource        *source;     /* under lock: attached while results wait */
  GMainContext   *context;
  gint            cancelled;  /* atomic: the sync is going away */
  guint           n_lanes;
  TafelSync      *sync;       /* main thread only; NULL once disposed */
};

typedef struct
{
  TafelPublicKey author;
  guint64        next_seq;
  TafelHash      prev;        /* id of the last record collected */
  GPtrArray     *records;     /* TafelRecord */
  gsize          bytes;
} PendingRun;

typedef enum
{
  WORK_SLICE,   /* integrate records (verified) */
  WORK_SYNCED,  /* the peer's answer to our HELLO is all integrated */
  WORK_ACK,     /* tell the peer what we hold now */
} WorkKind;

typedef struct
{
  WorkKind       kind;
  TafelPublicKey peer;
  GPtrArray     *records;     /* WORK_SLICE: one author's run, verified */
  guint          offset;      /* how much of it is integrated already */
} Work;

struct _Peer
{
  TafelSync          *sync;
  TafelPublicKey      key;
  TafelFrameChannel  *channel;
  gulong              frame_handler;
  gulong              closed_handler;
  gulong              writable_handler;
  TafelVersionVector *estimate;   /* what we believe the peer holds */
  TafelVersionVector *acked;      /* what the peer said it holds */
  GQueue              out;        /* OutItem, waiting for the channel */
  Inbox              *inbox;      /* what the verifier collects for us */
  gsize               inbox_bytes;  /* frames handed to the verifier, not yet back */
  gboolean            held;       /* the channel holds back frames */
  gboolean            hello_received;
  guint               hello_id;
  guint               drain_id;
};

struct _TafelSync
{
  GObject     parent_instance;

  TafelLog   *log;
  gulong      added_handler;
  GHashTable *peers;           /* TafelPublicKey * → Peer */
  GQueue      work;            /* Work */
  guint       work_id;
  guint       push_id;
  guint       slice;           /* adaptive slice size */
  Pipe       *pipe;
  GThreadPool *lanes[MAX_LANES];  /* one thread each: a lane verifies in order */
  guint       n_lanes;
  guint       tasks;           /* handed on, outcome not handled yet */
  guint       next_task_seq;
  guint       next_result_seq;
  GHashTable *reorder;         /* seq → Result that came back early */
  gboolean    handling;
  gsize       inbox_high;      /* per peer: hold the channel above this */
  gsize       inbox_low;       /* and let it go below this */
  /* The peer whose records are being integrated, so they are not pushed
   * straight back to it. */
  Peer       *integrating_from;
};

enum {
  PEER_SYNCED,
  PEER_ACKED,
  PEER_FAILED,
  RECORDS_RECEIVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TafelSync, tafel_sync, G_TYPE_OBJECT)

static void schedule_push (TafelSync *self);
static void schedule_work (TafelSync *self);

/* ---- helpers ------------------------------------------------------------------ */

/* The first bytes of a key in hex, to tell peers apart in the trace. */
static const char *
trace_name (const TafelPublicKey *key,
            char                  buf[9])
{
  g_snprintf (buf, 9, "%02x%02x%02x%02x", key->bytes[0], key->bytes[1], key->bytes[2], key->bytes[3]);
  return buf;
}

static void
pending_run_free (PendingRun *run)
{
  g_ptr_array_unref (run->records);
  g_free (run);
}

static void
work_free (Work *work)
{
  g_clear_pointer (&work->records, g_ptr_array_unref);
  g_free (work);
}

static void
vector_raise (TafelVersionVector   *vv,
              const TafelPublicKey *author,
              guint64               seq,
              const TafelHash      *head)
{
  if (tafel_version_vector_lookup (vv, author) < seq)
    tafel_version_vector_set (vv, author, seq, head);
}

static void
vector_merge (TafelVersionVector       *into,
              const TafelVersionVector *from)
{
  for (guint i = 0; i < tafel_version_vector_get_size (from); i++)
    {
      const TafelPublicKey *author;
      const TafelHash *head;
      guint64 seq;

      tafel_version_vector_get (from, i, &author, &seq, &head);
      vector_raise (into, author, seq, head);
    }
}

/* ---- sending ------------------------------------------------------------------ */

/* What waits to go to a peer, in order: a ready frame, or a run of one
 * author's records still in the log, encoded chunk by chunk only as the
 * channel takes them. So answering a hello costs nothing up front, the
 * first chunk leaves at once, and encoding a big answer overlaps with the
 * peer taking in what it has. */
typedef struct
{
  GBytes         *frame;      /* a ready frame, or NULL for a run */
  TafelPublicKey  author;
  guint64         next_seq;   /* the next record to encode */
  guint64         last_seq;
  TafelRecord    *last;       /* the run's signed end, as it was when queued */
} OutItem;

static void
out_item_free (OutItem *item)
{
  g_clear_pointer (&item->frame, g_bytes_unref);
  g_clear_pointer (&item->last, tafel_record_unref);
  g_free (item);
}

static void
put_run_header (GByteArray  *frame,
                TafelRecord *first,
                guint        n,
                gboolean     final)
{
  guint64 seq = tafel_record_get_seq (first);

  tafel_put_u8 (frame, FRAME_RUN);
  tafel_put_bytes (frame, tafel_record_get_author (first)->bytes, TAFEL_PUBLIC_KEY_BYTES);
  tafel_put_varint (frame, seq);
  if (seq > 1)
    tafel_put_bytes (frame, tafel_record_get_prev (first)->bytes, TAFEL_HASH_BYTES);
  tafel_put_varint (frame, n);
  tafel_put_u8 (frame, final ? 1 : 0);
}

static void
put_run_record (GByteArray  *frame,
                TafelRecord *record,
                gboolean     with_signature)
{
  GBytes *body = tafel_record_get_body (record);
  const TafelSignature *sig = tafel_record_get_signature (record);

  tafel_put_varint (frame, tafel_record_get_lamport (record));
  tafel_put_varint (frame, tafel_record_get_kind (record));
  tafel_put_varint (frame, g_bytes_get_size (body));
  tafel_put_bytes (frame, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if (with_signature && sig != NULL)
    {
      tafel_put_u8 (frame, 1);
      tafel_put_bytes (frame, sig->bytes, TAFEL_SIGNATURE_BYTES);
    }
  else
    tafel_put_u8 (frame, 0);
}

/* Encodes the next RUN chunk of @item, of about CHUNK_TARGET_BYTES, and
 * advances it. */
static GBytes *
out_item_next_chunk (Peer    *peer,
                     OutItem *item)
{
  TafelLog *log = peer->sync->log;
  gsize limit = MIN (CHUNK_TARGET_BYTES, tafel_frame_channel_get_max_frame (peer->channel) / 2);
  g_autoptr(GByteArray) body = g_byte_array_sized_new (MIN (limit + 1024, 64 * 1024));
  g_autoptr(TafelRecord) first = NULL;
  GByteArray *frame;
  guint n = 0;

  /* At least one record per chunk; the channel takes any record. */
  while (item->next_seq <= item->last_seq && n < RUN_MAX_RECORDS)
    {
      g_autoptr(TafelRecord) record = item->next_seq == item->last_seq
                                      ? tafel_record_ref (item->last)
                                      : tafel_log_lookup_seq (log, &item->author, item->next_seq);

      if (n > 0 && body->len + g_bytes_get_size (tafel_record_get_body (record)) + 96 >= limit)
        break;
      /* Only the run's last record needs its signature on the wire. */
      put_run_record (body, record, item->next_seq == item->last_seq);
      if (first == NULL)
        first = g_steal_pointer (&record);
      item->next_seq++;
      n++;
    }

  frame = g_byte_array_sized_new (body->len + 96);
  put_run_header (frame, first, n, item->next_seq > item->last_seq);
  g_byte_array_append (frame, body->data, body->len);
  return g_byte_array_free_to_bytes (frame);
}

static gboolean drain_cb (gpointer user_data);

/* Sends what waits while the channel takes it. Encodes at most one run
 * chunk per call and goes on from the main loop, so the link sends each
 * chunk while the next is encoded instead of after a megabyte of them. */
static void
peer_drain (Peer *peer)
{
  OutItem *item;

  while (tafel_frame_channel_is_writable (peer->channel) &&
         (item = g_queue_peek_head (&peer->out)) != NULL)
    {
      g_autoptr(GBytes) frame = NULL;
      gboolean encoded = item->frame == NULL;

      if (item->frame != NULL)
        frame = g_steal_pointer (&item->frame);
      else
        frame = out_item_next_chunk (peer, item);
      if (item->last == NULL || item->next_seq > item->last_seq)
        out_item_free (g_queue_pop_head (&peer->out));
      tafel_frame_channel_send (peer->channel, frame);

      if (encoded && !g_queue_is_empty (&peer->out))
        {
          if (peer->drain_id == 0)
            peer->drain_id = g_idle_add_full (G_PRIORITY_DEFAULT, drain_cb, peer, NULL);
          break;
        }
    }
}

static gboolean
drain_cb (gpointer user_data)
{
  Peer *peer = user_data;

  peer->drain_id = 0;
  peer_drain (peer);
  return G_SOURCE_REMOVE;
}

static void
peer_queue (Peer       *peer,
            GByteArray *frame)
{
  OutItem *item = g_new0 (OutItem, 1);

  item->frame = g_byte_array_free_to_bytes (frame);
  g_queue_push_tail (&peer->out, item);
}

static void
peer_queue_vector_frame (Peer  *peer,
                         guint8 type)
{
  g_autoptr(TafelVersionVector) vv = tafel_log_dup_version_vector (peer->sync->log);
  g_autoptr(GBytes) encoded = tafel_version_vector_encode (vv);
  GByteArray *frame = g_byte_array_sized_new (g_bytes_get_size (encoded) + 2);

  tafel_put_u8 (frame, type);
  if (type == FRAME_HELLO)
    tafel_put_u8 (frame, PROTOCOL_VERSION);
  tafel_put_bytes (frame, g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded));
  peer_queue (peer, frame);
}

/* Queues every run the peer lacks according to our estimate, and raises
 * the estimate accordingly. Runs whose end is not signed yet (an incoming
 * run being integrated right now) wait for the next push. Returns how
 * many runs it queued. */
static guint
peer_push (Peer *peer)
{
  TafelLog *log = peer->sync->log;
  g_autoptr(TafelVersionVector) ours = tafel_log_dup_version_vector (log);
  /* A copy: raising the estimate below may move its entries. */
  g_autoptr(TafelVersionVector) estimate = tafel_version_vector_copy (peer->estimate);
  g_autoptr(GHashTable) their_heads = g_hash_table_new (tafel_key_hash, tafel_key_equal);
  guint queued = 0;

  for (guint i = 0; i < tafel_version_vector_get_size (estimate); i++)
    {
      const TafelPublicKey *author;
      const TafelHash *head;
      guint64 seq;

      tafel_version_vector_get (estimate, i, &author, &seq, &head);
      g_hash_table_insert (their_heads, (gpointer) author, (gpointer) head);
    }

  for (guint i = 0; i < tafel_version_vector_get_size (ours); i++)
    {
      const TafelPublicKey *author;
      const TafelHash *head;
      guint64 our_seq, their_seq;
      g_autoptr(TafelRecord) last = NULL;
      OutItem *item;

      tafel_version_vector_get (ours, i, &author, &our_seq, &head);
      their_seq = tafel_version_vector_lookup (estimate, author);
      if (their_seq >= our_seq)
        continue;
      if (their_seq > 0)
        {
          /* Their head must be ours at that seq, or the author forked and
           * we have nothing to offer them that fits. */
          g_autoptr(TafelRecord) theirs = tafel_log_lookup_seq (log, author, their_seq);
          const TafelHash *their_head = g_hash_table_lookup (their_heads, author);

          if (theirs == NULL || their_head == NULL ||
              !tafel_hash_equal (tafel_record_get_id (theirs), their_head))
            continue;
        }
      last = tafel_log_lookup_seq (log, author, our_seq);
      if (last == NULL || tafel_record_get_signature (last) == NULL)
        continue;

      item = g_new0 (OutItem, 1);
      item->author = *author;
      item->next_seq = their_seq + 1;
      item->last_seq = our_seq;
      item->last = g_steal_pointer (&last);
      g_queue_push_tail (&peer->out, item);
      vector_raise (peer->estimate, author, our_seq, head);
      queued++;
    }
  return queued;
}

static gboolean
push_cb (gpointer user_data)
{
  TafelSync *self = user_data;
  GHashTableIter iter;
  gpointer value;

  self->push_id = 0;
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Peer *peer = value;

      if (!peer->hello_received)
        continue;
      peer_push (peer);
      peer_drain (peer);
    }

  return G_SOURCE_REMOVE;
}

static void
schedule_push (TafelSync *self)
{
  if (self->push_id == 0)
    self->push_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, push_cb, self, NULL);
}

/* ---- failing a peer ----------------------------------------------------------- */

static void peer_free (Peer *peer);

static void
fail_peer (Peer         *peer,
           const GError *error)
{
  TafelSync *self = peer->sync;
  TafelPublicKey key = peer->key;

  g_message ("sync: dropping a peer: %s", error->message);
  tafel_frame_channel_close (peer->channel);
  g_hash_table_remove (self->peers, &key);
  g_signal_emit (self, signals[PEER_FAILED], 0, &key, error);
}

/* ---- receiving ------------------------------------------------------------------ */

static gboolean
handle_hello (Peer          *peer,
              TafelReader   *r,
              GError       **error)
{
  g_autoptr(GBytes) rest = NULL;
  g_autoptr(TafelVersionVector) theirs = NULL;
  guint8 version;

  if (!tafel_read_u8 (r, "sync version", &version, error))
    return FALSE;
  if (version != PROTOCOL_VERSION)
    {
      g_set_error (error, TAFEL_SYNC_ERROR, TAFEL_SYNC_ERROR_VERSION,
                   _("The peer speaks sync version %u; this Tafel speaks %u"),
                   version, PROTOCOL_VERSION);
      return FALSE;
    }

  rest = g_bytes_new (r->p, tafel_reader_remaining (r));
  theirs = tafel_version_vector_decode (rest, error);
  if (theirs == NULL)
    return FALSE;

  vector_merge (peer->estimate, theirs);
  vector_merge (peer->acked, theirs);
  peer->hello_received = TRUE;

  {
    gint64 start = g_get_monotonic_time ();
    guint runs = peer_push (peer);
    char name[9];

    peer_queue (peer, g_byte_array_append (g_byte_array_new (), (const guint8[]) { FRAME_DONE }, 1));
    TAFEL_NET_TRACE ("sync: hello from %s, answering with %u runs (%.3f ms to plan)",
                     trace_name (&peer->key, name), runs, (g_get_monotonic_time () - start) / 1e3);
  }
  peer_drain (peer);
  g_signal_emit (peer->sync, signals[PEER_ACKED], 0, &peer->key);
  return TRUE;
}

static gboolean
handle_vector (Peer          *peer,
               TafelReader   *r,
               GError       **error)
{
  g_autoptr(GBytes) rest = g_bytes_new (r->p, tafel_reader_remaining (r));
  g_autoptr(TafelVersionVector) theirs = tafel_version_vector_decode (rest, error);

  if (theirs == NULL)
    return FALSE;

  vector_merge (peer->estimate, theirs);
  vector_merge (peer->acked, theirs);
  g_signal_emit (peer->sync, signals[PEER_ACKED], 0, &peer->key);
  return TRUE;
}

static void
queue_work (TafelSync            *self,
            WorkKind              kind,
            const TafelPublicKey *key,
            GPtrArray            *records)
{
  Work *work = g_new0 (Work, 1);

  work->kind = kind;
  work->peer = *key;
  work->records = records;
  g_queue_push_tail (&self->work, work);
  schedule_work (self);
}

static gboolean
protocol_error (GError     **error,
                const char  *message)
{
  g_set_error_literal (error, TAFEL_SYNC_ERROR, TAFEL_SYNC_ERROR_PROTOCOL, message);
  return FALSE;
}

/* On the verifier thread: collects one RUN chunk from @frame (read by @r
 * after the type byte) into @inbox; sets @complete to the verified run
 * when the chunk ends one. */
static gboolean
collect_run (Inbox        *inbox,
             Lane         *lane,
             guint         max_authors,
             GBytes       *frame,
             TafelReader  *r,
             GPtrArray   **complete,
             GError      **error)
{
  TafelPublicKey author;
  TafelHash prev;
  guint64 first_seq, n;
  guint8 flags;
  PendingRun *run;
  gssize chunk_bytes = 0;

  if (!tafel_read_copy (r, author.bytes, TAFEL_PUBLIC_KEY_BYTES, "run author", error) ||
      !tafel_read_varint (r, "run start", &first_seq, error))
    return FALSE;
  if (first_seq < 1 || first_seq > TAFEL_RECORD_MAX_CLOCK)
    return protocol_error (error, _("A run starts at an impossible seq"));
  if (first_seq > 1)
    {
      if (!tafel_read_copy (r, prev.bytes, TAFEL_HASH_BYTES, "run link", error))
        return FALSE;
    }
  else
    memset (&prev, 0, sizeof prev);
  if (!tafel_read_varint (r, "run length", &n, error) ||
      !tafel_read_u8 (r, "run flags", &flags, error))
    return FALSE;
  if (n < 1 || n > RUN_MAX_RECORDS || flags > 1)
    return protocol_error (error, _("A run chunk has an impossible length or flags"));

  if (g_atomic_int_compare_and_exchange (&inbox->run_seen, FALSE, TRUE))
    {
      char name[9];

      TAFEL_NET_TRACE ("sync: first run chunk from %s", trace_name (&inbox->key, name));
    }

  run = g_hash_table_lookup (lane->pending, &author);
  if (run != NULL)
    {
      if (run->next_seq != first_seq || !tafel_hash_equal (&run->prev, &prev))
        return protocol_error (error, _("A run chunk does not continue the run before it"));
    }
  else
    {
      if (g_hash_table_size (lane->pending) >= max_authors)
        {
          g_set_error_literal (error, TAFEL_SYNC_ERROR, TAFEL_SYNC_ERROR_TOO_MUCH,
                               _("The peer opened too many runs at once"));
          return FALSE;
        }
      run = g_new0 (PendingRun, 1);
      run->author = author;
      run->next_seq = first_seq;
      run->prev = prev;
      run->records = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
      g_hash_table_insert (lane->pending, &run->author, run);
    }

  for (guint64 i = 0; i < n; i++)
    {
      guint64 lamport, kind, body_len, seq = run->next_seq;
      const guint8 *body_data;
      guint8 has_sig;
      TafelSignature sig;
      g_autoptr(GBytes) body = NULL;
      g_autoptr(TafelRecord) record = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!tafel_read_varint (r, "record clock", &lamport, error) ||
          !tafel_read_varint (r, "record kind", &kind, error) ||
          !tafel_read_varint (r, "record body length", &body_len, error))
        return FALSE;
      if (seq > TAFEL_RECORD_MAX_CLOCK || lamport < 1 || lamport > TAFEL_RECORD_MAX_CLOCK ||
          kind < 1 || kind > G_MAXUINT32 || body_len > TAFEL_RECORD_MAX_BYTES ||
          tafel_record_get_encoded_size_for (seq, lamport, kind, body_len) > TAFEL_RECORD_MAX_BYTES)
        return protocol_error (error, _("A record in a run breaks the limits"));
      if (!tafel_read_raw (r, body_len, "record body", &body_data, error) ||
          !tafel_read_u8 (r, "signature flag", &has_sig, error))
        return FALSE;
      if (has_sig > 1)
        return protocol_error (error, _("A record in a run has a malformed signature flag"));
      if (has_sig && !tafel_read_copy (r, sig.bytes, TAFEL_SIGNATURE_BYTES, "signature", error))
        return FALSE;

      /* A view into the frame, not a copy: the log copies what it keeps
       * into its own storage, so the frame goes once its records have been
       * integrated. */
      body = g_bytes_new_from_bytes (frame, body_data - (const guint8 *) g_bytes_get_data (frame, NULL),
                                     body_len);
      record = tafel_record_new (&author, seq, seq > 1 ? &run->prev : NULL, lamport, (guint) kind,
                                 body, has_sig ? &sig : NULL);
      /* Bodies are checked as chunks arrive, so the final verification and
       * the integration slices do not have to. */
      if (!tafel_record_check_body (record, &local_error))
        {
          g_set_error (error, TAFEL_SYNC_ERROR, TAFEL_SYNC_ERROR_FORGED,
                       _("Record %" PRIu64 " of a run is not valid: %s"), seq, local_error->message);
          return FALSE;
        }

      run->prev = *tafel_record_get_id (record);
      run->next_seq = seq + 1;
      run->bytes += body_len + 64;
      lane->bytes += body_len + 64;
      chunk_bytes += body_len + 64;
      g_ptr_array_add (run->records, g_steal_pointer (&record));
    }

  if (!tafel_reader_at_end (r))
    return protocol_error (error, _("A run chunk has bytes after its records"));

  if (g_atomic_pointer_add (&inbox->pending_bytes, chunk_bytes) + chunk_bytes > PENDING_MAX_BYTES)
    {
      g_set_error_literal (error, TAFEL_SYNC_ERROR, TAFEL_SYNC_ERROR_TOO_MUCH,
                           _("The peer sent more unverified data than Tafel holds for a run"));
      return FALSE;
    }

  if (flags & 1)
    {
      TafelRecord *last = run->records->pdata[run->records->len - 1];
      g_autoptr(GPtrArray) records = g_ptr_array_ref (run->records);
      g_autoptr(GError) local_error = NULL;
      gint64 start = g_get_monotonic_time ();
      char name[9];

      /* Each record's prev is the id of the one before it by construction,
       * so the last record's signature covers the whole run. */
      if (tafel_record_get_signature (last) == NULL)
        {
          g_set_error_literal (error, TAFEL_SYNC_ERROR, TAFEL_SYNC_ERROR_FORGED,
                               _("A run ends without a signature"));
          return FALSE;
        }
      if (!tafel_record_verify_signature (last, &local_error))
        {
          g_set_error (error, TAFEL_SYNC_ERROR, TAFEL_SYNC_ERROR_FORGED,
                       _("A run does not carry its author’s signature: %s"), local_error->message);
          return FALSE;
        }

      TAFEL_NET_TRACE ("sync: run of %u records from %s verified in %.3f ms", records->len,
                       trace_name (&inbox->key, name), (g_get_monotonic_time () - start) / 1e3);
      g_atomic_pointer_add (&inbox->pending_bytes, - (gssize) run->bytes);
      lane->bytes -= run->bytes;
      g_hash_table_remove (lane->pending, &author);

      *complete = g_steal_pointer (&records);
    }

  return TRUE;
}

/* ---- the verifier ------------------------------------------------------------- */

static Inbox *
inbox_new (const TafelPublicKey *key)
{
  Inbox *inbox = g_new0 (Inbox, 1);

  g_atomic_ref_count_init (&inbox->ref_count);
  inbox->key = *key;
  for (guint i = 0; i < MAX_LANES; i++)
    inbox->lanes[i].pending = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, NULL, (GDestroyNotify) pending_run_free);
  return inbox;
}

static Inbox *
inbox_ref (Inbox *inbox)
{
  g_atomic_ref_count_inc (&inbox->ref_count);
  return inbox;
}

static void
inbox_unref (Inbox *inbox)
{
  if (!g_atomic_ref_count_dec (&inbox->ref_count))
    return;
  for (guint i = 0; i < MAX_LANES; i++)
    g_hash_table_unref (inbox->lanes[i].pending);
  g_free (inbox);
}

static void
result_free (Result *result)
{
  g_clear_pointer (&result->inbox, inbox_unref);
  g_clear_pointer (&result->records, g_ptr_array_unref);
  g_clear_error (&result->error);
  g_free (result);
}

static Pipe *
pipe_ref (Pipe *pipe)
{
  g_atomic_ref_count_inc (&pipe->ref_count);
  return pipe;
}

static void
pipe_unref (Pipe *pipe)
{
  if (!g_atomic_ref_count_dec (&pipe->ref_count))
    return;
  g_queue_clear_full (&pipe->results, (GDestroyNotify) result_free);
  g_mutex_clear (&pipe->lock);
  g_main_context_unref (pipe->context);
  g_free (pipe);
}

static void handle_ready (TafelSync *self,
                          Result    *result);

/* On the main loop: handles what the verifier has finished, in order. */
static gboolean
pipe_dispatch (gpointer user_data)
{
  Pipe *pipe = user_data;
  GQueue results = G_QUEUE_INIT;
  Result *result;

  g_mutex_lock (&pipe->lock);
  results = pipe->results;
  g_queue_init (&pipe->results);
  g_clear_pointer (&pipe->source, g_source_unref);
  g_mutex_unlock (&pipe->lock);

  while ((result = g_queue_pop_head (&results)) != NULL)
    {
      if (pipe->sync != NULL)
        handle_ready (pipe->sync, result);
      else
        result_free (result);
    }
  return G_SOURCE_REMOVE;
}

/* On the verifier thread. */
static void
pipe_post (Pipe   *pipe,
           Result *result)
{
  g_mutex_lock (&pipe->lock);
  g_queue_push_tail (&pipe->results, result);
  if (pipe->source == NULL)
    {
      pipe->source = g_idle_source_new ();
      g_source_set_priority (pipe->source, G_PRIORITY_DEFAULT);
      g_source_set_callback (pipe->source, pipe_dispatch, pipe_ref (pipe), (GDestroyNotify) pipe_unref);
      g_source_set_static_name (pipe->source, "[tafel] sync verified");
      g_source_attach (pipe->source, pipe->context);
    }
  g_mutex_unlock (&pipe->lock);
}

/* Verifies @task (transfer full) on its lane: on the lane's thread, or on
 * the main loop when nothing else is under way. */
static Result *
verify (Pipe *pipe,
        Task *task)
{
  Inbox *inbox = task->inbox;
  Lane *lane = &inbox->lanes[task->lane];
  Result *result = g_new0 (Result, 1);

  result->inbox = g_steal_pointer (&task->inbox);
  result->seq = task->seq;
  result->kind = RESULT_TAKEN;
  if (task->frame != NULL)
    result->frame_bytes = g_bytes_get_size (task->frame);

  if (g_atomic_int_get (&pipe->cancelled) || lane->failed)
    ;  /* nothing more from this peer matters */
  else
    {
      g_autoptr(GError) error = NULL;
      TafelReader r;
      guint8 type;

      tafel_reader_init (&r, g_bytes_get_data (task->frame, NULL), g_bytes_get_size (task->frame));
      tafel_read_u8 (&r, "frame type", &type, NULL);
      if (collect_run (inbox, lane, MAX (PENDING_MAX_AUTHORS / pipe->n_lanes, 1), task->frame, &r,
                       &result->records, &error))
        {
          if (result->records != NULL)
            result->kind = RESULT_RUN;
        }
      else
        {
          result->kind = RESULT_ERROR;
          if (error->domain != TAFEL_SYNC_ERROR)
            result->error = g_error_new (TAFEL_SYNC_ERROR, TAFEL_SYNC_ERROR_PROTOCOL,
                                         _("A malformed frame: %s"), error->message);
          else
            result->error = g_steal_pointer (&error);
          /* Nothing unverified from a peer that misbehaves is kept. */
          lane->failed = TRUE;
          g_hash_table_remove_all (lane->pending);
          g_atomic_pointer_add (&inbox->pending_bytes, - (gssize) lane->bytes);
          lane->bytes = 0;
        }
    }

  g_clear_pointer (&task->frame, g_bytes_unref);
  g_free (task);
  return result;
}

/* A lane thread's work: one task at a time, in order. */
static void
verify_task (gpointer data,
             gpointer user_data)
{
  Pipe *pipe = user_data;

  pipe_post (pipe, verify (pipe, data));
}

static void
peer_set_held (Peer     *peer,
               gboolean  held)
{
  if (peer->held == held)
    return;
  peer->held = held;
  tafel_frame_channel_set_receive_held (peer->channel, held);
}

/* Hands a RUN (@frame) to its author's lane, or puts a DONE (@frame NULL)
 * in line after everything handed on before it. */
static void
peer_verify (Peer     *peer,
             TaskKind  kind,
             GBytes   *frame)
{
  TafelSync *self = peer->sync;
  guint seq = self->next_task_seq++;

  self->tasks++;
  if (kind == TASK_DONE)
    {
      Result *result = g_new0 (Result, 1);

      result->kind = RESULT_DONE;
      result->inbox = inbox_ref (peer->inbox);
      result->seq = seq;
      handle_ready (self, result);
    }
  else
    {
      Task *task = g_new0 (Task, 1);
      gsize len;
      const guint8 *data = g_bytes_get_data (frame, &len);

      task->kind = kind;
      task->inbox = inbox_ref (peer->inbox);
      task->seq = seq;
      /* By the author's key, right after the type byte. */
      task->lane = len > TAFEL_PUBLIC_KEY_BYTES ? data[1] % self->n_lanes : 0;
      task->frame = g_bytes_ref (frame);
      peer->inbox_bytes += len;
      if (self->tasks == 1 && len <= INLINE_MAX_BYTES)
        {
          /* Nothing else is under way (no lane is busy), so a small chunk,
           * such as a live stroke, is quicker taken here than across a
           * thread. */
          handle_ready (self, verify (self->pipe, task));
          return;
        }
      g_thread_pool_push (self->lanes[task->lane], task, NULL);
    }

  if (peer->inbox_bytes > self->inbox_high)
    peer_set_held (peer, TRUE);
}

static void
handle_result (TafelSync *self,
               Result    *result)
{
  Peer *peer = g_hash_table_lookup (self->peers, &result->inbox->key);
  gboolean dead = result->inbox->dead;

  self->tasks--;
  /* Results for a link that has gone or been replaced: its verified runs
   * are as good as any, the rest no longer matters. */
  if (peer != NULL && peer->inbox != result->inbox)
    peer = NULL;

  if (peer != NULL)
    {
      peer->inbox_bytes -= result->frame_bytes;
      if (peer->held && peer->inbox_bytes < self->inbox_low)
        peer_set_held (peer, FALSE);
    }

  if (dead)
    return;  /* after an error from this link, in frame order */

  switch (result->kind)
    {
    case RESULT_TAKEN:
      break;

    case RESULT_RUN:
      {
        TafelRecord *last = result->records->pdata[result->records->len - 1];

        if (peer != NULL)
          {
            vector_raise (peer->estimate, tafel_record_get_author (last), tafel_record_get_seq (last),
                          tafel_record_get_id (last));
            g_signal_emit (self, signals[RECORDS_RECEIVED], 0, &peer->key, result->records->len);
          }
        queue_work (self, WORK_SLICE, &result->inbox->key, g_steal_pointer (&result->records));
      }
      break;

    case RESULT_DONE:
      if (peer != NULL)
        queue_work (self, WORK_SYNCED, &peer->key, NULL);
      break;

    case RESULT_ERROR:
      result->inbox->dead = TRUE;
      if (peer != NULL)
        fail_peer (peer, result->error);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Takes @result (transfer full) and handles every outcome that is next
 * in line, in the order the frames came. */
static void
handle_ready (TafelSync *self,
              Result    *result)
{
  g_hash_table_insert (self->reorder, GUINT_TO_POINTER (result->seq), result);
  if (self->handling)
    return;  /* the loop below, further up the stack, takes it */

  /* A handler of what is emitted below may drop the last reference. */
  g_object_ref (self);
  self->handling = TRUE;
  while (g_hash_table_steal_extended (self->reorder, GUINT_TO_POINTER (self->next_result_seq),
                                      NULL, (gpointer *) &result))
    {
      self->next_result_seq++;
      handle_result (self, result);
      result_free (result);
    }
  self->handling = FALSE;
  g_object_unref (self);
}

static void
on_frame (TafelFrameChannel *channel,
          GBytes            *frame,
          Peer              *peer)
{
  g_autoptr(GError) error = NULL;
  TafelReader r;
  guint8 type;
  gboolean ok = TRUE;

  tafel_reader_init (&r, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
  if (!tafel_read_u8 (&r, "frame type", &type, &error))
    ok = FALSE;
  else if (type < TAFEL_SYNC_FRAME_FIRST || type > TAFEL_SYNC_FRAME_LAST)
    return;  /* another layer's frame */
  else if (type != FRAME_HELLO && !peer->hello_received)
    ok = protocol_error (&error, _("The peer sent records before saying hello"));
  else
    switch (type)
      {
      case FRAME_HELLO:
        ok = handle_hello (peer, &r, &error);
        break;
      case FRAME_RUN:
        peer_verify (peer, TASK_RUN, frame);
        break;
      case FRAME_DONE:
        ok = tafel_reader_at_end (&r) || protocol_error (&error, _("A malformed DONE frame"));
        TAFEL_NET_TRACE ("sync: done from %s", trace_name (&peer->key, (char[9]) { 0 }));
        if (ok)
          peer_verify (peer, TASK_DONE, NULL);
        break;
      case FRAME_VECTOR:
        ok = handle_vector (peer, &r, &error);
        break;
      default:
        /* A newer sync frame this version does not know: ignore it. */
        break;
      }

  if (!ok)
    {
      if (error->domain != TAFEL_SYNC_ERROR)
        {
          GError *wrapped = g_error_new (TAFEL_SYNC_ERROR, TAFEL_SYNC_ERROR_PROTOCOL,
                                         _("A malformed frame: %s"), error->message);
          g_clear_error (&error);
          error = wrapped;
        }
      fail_peer (peer, error);
    }
}

static void
on_closed (TafelFrameChannel *channel,
           const GError      *reason,
           Peer              *peer)
{
  TafelPublicKey key = peer->key;

  g_hash_table_remove (peer->sync->peers, &key);
}

static void
on_writable (TafelFrameChannel *channel,
             GParamSpec        *pspec,
             Peer              *peer)
{
  peer_drain (peer);
}

static gboolean
hello_timer (gpointer user_data)
{
  Peer *peer = user_data;

  /* A periodic hello refreshes each side's picture of the other, which
   * repairs whatever a lost push or a held gap left behind. */
  peer_queue_vector_frame (peer, FRAME_HELLO);
  peer_drain (peer);
  return G_SOURCE_CONTINUE;
}

/* ---- integration ----------------------------------------------------------------- */

static void
emit_for_peer (TafelSync            *self,
               guint                 signal,
               const TafelPublicKey *key)
{
  if (g_hash_table_contains (self->peers, key))
    g_signal_emit (self, signals[signal], 0, key);
}

static gboolean
work_cb (gpointer user_data)
{
  TafelSync *self = user_data;
  gint64 begin = g_get_monotonic_time ();
  gint64 deadline = begin + INTEGRATE_BUDGET_US;
  guint integrated = 0;
  Work *work;

  while ((work = g_queue_peek_head (&self->work)) != NULL && g_get_monotonic_time () < deadline)
    {
      if (work->kind == WORK_SLICE)
        {
          guint n = MIN (self->slice, work->records->len - work->offset);
          g_autoptr(GError) error = NULL;
          gint64 start = g_get_monotonic_time ();
          gint64 took;

          self->integrating_from = g_hash_table_lookup (self->peers, &work->peer);
          if (!tafel_log_add_trusted_run (self->log, (TafelRecord **) work->records->pdata + work->offset,
                                          n, &error))
            {
              /* A fork or a full hold queue: not the link's fault. Drop the
               * rest; the next hello offers it again if it still fits. */
              g_message ("sync: could not integrate a run: %s", error->message);
              n = work->records->len - work->offset;
            }
          self->integrating_from = NULL;
          work->offset += n;
          integrated += n;

          /* Aim each slice at a fraction of the budget. */
          took = g_get_monotonic_time () - start;
          if (took < INTEGRATE_BUDGET_US / 4 && self->slice < SLICE_MAX)
            self->slice *= 2;
          else if (took > INTEGRATE_BUDGET_US && self->slice > 16)
            self->slice /= 2;

          if (work->offset < work->records->len)
            continue;
          /* The whole run is in: the peer may hear that we have it. */
          work->kind = WORK_ACK;
          g_clear_pointer (&work->records, g_ptr_array_unref);
        }

      g_queue_pop_head (&self->work);
      if (work->kind == WORK_ACK)
        {
          Peer *peer = g_hash_table_lookup (self->peers, &work->peer);

          /* Coalesce: one ack for a row of runs from the same peer. */
          Work *next = g_queue_peek_head (&self->work);
          if (peer != NULL && (next == NULL || next->kind != WORK_SLICE || !tafel_key_equal (&next->peer, &work->peer)))
            {
              TAFEL_NET_TRACE ("sync: ack to %s", trace_name (&peer->key, (char[9]) { 0 }));
              peer_queue_vector_frame (peer, FRAME_VECTOR);
              peer_drain (peer);
            }
        }
      else if (work->kind == WORK_SYNCED)
        {
          TAFEL_NET_TRACE ("sync: synced with %s", trace_name (&work->peer, (char[9]) { 0 }));
          emit_for_peer (self, PEER_SYNCED, &work->peer);
        }
      work_free (work);
    }

  TAFEL_NET_TRACE ("sync: integrated %u records in %.3f ms (slice %u, %u works left)", integrated,
                   (g_get_monotonic_time () - begin) / 1e3, self->slice, g_queue_get_length (&self->work));

  if (g_queue_is_empty (&self->work))
    {
      self->work_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
schedule_work (TafelSync *self)
{
  if (self->work_id == 0)
    self->work_id = g_idle_add (work_cb, self);
}

static void
on_records_added (TafelLog  *log,
                  GPtrArray *records,
                  TafelSync *self)
{
  schedule_push (self);
}

/* ---- peers ------------------------------------------------------------------------ */

static void
peer_free (Peer *peer)
{
  g_clear_handle_id (&peer->hello_id, g_source_remove);
  g_clear_handle_id (&peer->drain_id, g_source_remove);
  if (peer->held)
    tafel_frame_channel_set_receive_held (peer->channel, FALSE);
  g_clear_signal_handler (&peer->frame_handler, peer->channel);
  g_clear_signal_handler (&peer->closed_handler, peer->channel);
  g_clear_signal_handler (&peer->writable_handler, peer->channel);
  g_clear_object (&peer->channel);
  g_clear_pointer (&peer->estimate, tafel_version_vector_free);
  g_clear_pointer (&peer->acked, tafel_version_vector_free);
  g_queue_clear_full (&peer->out, (GDestroyNotify) out_item_free);
  g_clear_pointer (&peer->inbox, inbox_unref);
  g_free (peer);
}

/**
 * tafel_sync_add_peer:
 * @self: a #TafelSync
 * @peer: the peer's identity key, as its link authenticated it
 * @channel: the link to the peer
 *
 * Starts replicating with @peer: says hello and answers in kind. A peer
 * already present is replaced (a new link after a reconnect).
 */
void
tafel_sync_add_peer (TafelSync            *self,
                     const TafelPublicKey *key,
                     TafelFrameChannel    *channel)
{
  Peer *peer;

  g_return_if_fail (TAFEL_IS_SYNC (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (TAFEL_IS_FRAME_CHANNEL (channel));
  g_return_if_fail (tafel_frame_channel_get_max_frame (channel) >= TAFEL_RECORD_MAX_BYTES + 1024);

  g_hash_table_remove (self->peers, key);

  peer = g_new0 (Peer, 1);
  peer->sync = self;
  peer->key = *key;
  peer->channel = g_object_ref (channel);
  peer->estimate = tafel_version_vector_new ();
  peer->acked = tafel_version_vector_new ();
  peer->inbox = inbox_new (key);
  g_hash_table_insert (self->peers, &peer->key, peer);

  peer->frame_handler = g_signal_connect (channel, "frame", G_CALLBACK (on_frame), peer);
  peer->closed_handler = g_signal_connect (channel, "closed", G_CALLBACK (on_closed), peer);
  peer->writable_handler = g_signal_connect (channel, "notify::writable", G_CALLBACK (on_writable), peer);
  peer->hello_id = g_timeout_add_seconds (HELLO_INTERVAL_S, hello_timer, peer);

  TAFEL_NET_TRACE ("sync: hello to %s", trace_name (key, (char[9]) { 0 }));
  peer_queue_vector_frame (peer, FRAME_HELLO);
  peer_drain (peer);
}

void
tafel_sync_remove_peer (TafelSync            *self,
                        const TafelPublicKey *key)
{
  g_return_if_fail (TAFEL_IS_SYNC (self));

  g_hash_table_remove (self->peers, key);
}

guint
tafel_sync_get_n_peers (TafelSync *self)
{
  g_return_val_if_fail (TAFEL_IS_SYNC (self), 0);

  return g_hash_table_size (self->peers);
}

gboolean
tafel_sync_peer_has (TafelSync            *self,
                     const TafelPublicKey *key,
                     const TafelPublicKey *author,
                     guint64               seq)
{
  Peer *peer;

  g_return_val_if_fail (TAFEL_IS_SYNC (self), FALSE);

  peer = g_hash_table_lookup (self->peers, key);
  return peer != NULL && tafel_version_vector_lookup (peer->acked, author) >= seq;
}

gboolean
tafel_sync_all_peers_have (TafelSync            *self,
                           const TafelPublicKey *author,
                           guint64               seq)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (TAFEL_IS_SYNC (self), FALSE);

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (tafel_version_vector_lookup (((Peer *) value)->acked, author) < seq)
      return FALSE;
  return TRUE;
}

gboolean
tafel_sync_is_busy (TafelSync *self)
{
  g_return_val_if_fail (TAFEL_IS_SYNC (self), FALSE);

  return !g_queue_is_empty (&self->work) || self->tasks > 0;
}

void
tafel_sync_set_inbox_water (TafelSync *self,
                            gsize      high,
                            gsize      low)
{
  g_return_if_fail (TAFEL_IS_SYNC (self));
  g_return_if_fail (low <= high);

  self->inbox_high = high;
  self->inbox_low = low;
}

TafelLog *
tafel_sync_get_log (TafelSync *self)
{
  g_return_val_if_fail (TAFEL_IS_SYNC (self), NULL);

  return self->log;
}

/* ---- GObject ------------------------------------------------------------------------ */

TafelSync *
tafel_sync_new (TafelLog *log)
{
  TafelSync *self;

  g_return_val_if_fail (TAFEL_IS_LOG (log), NULL);

  self = g_object_new (TAFEL_TYPE_SYNC, NULL);
  self->log = g_object_ref (log);
  self->added_handler = g_signal_connect (log, "records-added", G_CALLBACK (on_records_added), self);
  return self;
}

static void
tafel_sync_dispose (GObject *object)
{
  TafelSync *self = TAFEL_SYNC (object);

  if (self->pipe != NULL)
    {
      /* What is queued finishes at once, unread; then nothing posts any
       * more, and what was posted goes unhandled. */
      g_atomic_int_set (&self->pipe->cancelled, 1);
      for (guint i = 0; i < self->n_lanes; i++)
        if (self->lanes[i] != NULL)
          g_thread_pool_free (g_steal_pointer (&self->lanes[i]), FALSE, TRUE);
    }
  if (self->reorder != NULL)
    g_hash_table_remove_all (self->reorder);
  if (self->pipe != NULL)
    {
      GSource *source;

      self->pipe->sync = NULL;
      g_mutex_lock (&self->pipe->lock);
      source = g_steal_pointer (&self->pipe->source);
      g_mutex_unlock (&self->pipe->lock);
      if (source != NULL)
        {
          g_source_destroy (source);
          g_source_unref (source);
        }
      g_clear_pointer (&self->pipe, pipe_unref);
    }
  g_clear_handle_id (&self->work_id, g_source_remove);
  g_clear_handle_id (&self->push_id, g_source_remove);
  g_queue_clear_full (&self->work, (GDestroyNotify) work_free);
  if (self->peers != NULL)
    g_hash_table_remove_all (self->peers);
  if (self->log != NULL)
    g_clear_signal_handler (&self->added_handler, self->log);
  g_clear_object (&self->log);

  G_OBJECT_CLASS (tafel_sync_parent_class)->dispose (object);
}

static void
tafel_sync_finalize (GObject *object)
{
  TafelSync *self = TAFEL_SYNC (object);

  g_hash_table_unref (self->peers);
  g_hash_table_unref (self->reorder);

  G_OBJECT_CLASS (tafel_sync_parent_class)->finalize (object);
}

static void
tafel_sync_class_init (TafelSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tafel_sync_dispose;
  object_class->finalize = tafel_sync_finalize;

  signals[PEER_SYNCED] =
    g_signal_new ("peer-synced", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[PEER_ACKED] =
    g_signal_new ("peer-acked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[PEER_FAILED] =
    g_signal_new ("peer-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_POINTER);
  signals[RECORDS_RECEIVED] =
    g_signal_new ("records-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_UINT);
}

static void
tafel_sync_init (TafelSync *self)
{
  self->peers = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, NULL, (GDestroyNotify) peer_free);
  self->slice = SLICE_START;
  self->inbox_high = INBOX_HIGH_WATER;
  self->inbox_low = INBOX_LOW_WATER;
  g_queue_init (&self->work);
  self->pipe = g_new0 (Pipe, 1);
  g_atomic_ref_count_init (&self->pipe->ref_count);
  g_mutex_init (&self->pipe->lock);
  self->pipe->context = g_main_context_ref_thread_default ();
  self->pipe->sync = self;
  self->n_lanes = CLAMP (g_get_num_processors (), 1, MAX_LANES);
  self->pipe->n_lanes = self->n_lanes;
  for (guint i = 0; i < self->n_lanes; i++)
    self->lanes[i] = g_thread_pool_new (verify_task, self->pipe, 1, FALSE, NULL);
  self->reorder = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) result_free);
}
