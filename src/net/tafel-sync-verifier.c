/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "tafel-bytes.h"
#include "tafel-net-trace.h"
#include "tafel-sync-private.h"

/*
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

#define PENDING_MAX_BYTES      (256 * 1024 * 1024)  /* per peer, unverified */
#define PENDING_MAX_AUTHORS    4096
#define INLINE_MAX_BYTES       (16 * 1024)

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
  gssize          pending_max; /* PENDING_MAX_BYTES, or less for a test */
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

static void
pending_run_free (PendingRun *run)
{
  g_ptr_array_unref (run->records);
  g_free (run);
}

/* ---- collecting runs ----------------------------------------------------- */

/* On the verifier thread: collects one RUN chunk from @frame (read by @r
 * after the type byte) into @inbox; sets @complete to the verified run
 * when the chunk ends one. */
static gboolean
collect_run (Inbox        *inbox,
             Lane         *lane,
             guint         max_authors,
             gssize        pending_max,
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
    return tafel_sync_protocol_error (error, _("A run starts at an impossible seq"));
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
    return tafel_sync_protocol_error (error, _("A run chunk has an impossible length or flags"));

  if (g_atomic_int_compare_and_exchange (&inbox->run_seen, FALSE, TRUE))
    TAFEL_NET_TRACE ("sync: first run chunk from %s", TAFEL_NET_TRACE_PEER (&inbox->key));

  run = g_hash_table_lookup (lane->pending, &author);
  if (run != NULL)
    {
      if (run->next_seq != first_seq || !tafel_hash_equal (&run->prev, &prev))
        return tafel_sync_protocol_error (error, _("A run chunk does not continue the run before it"));
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
      guint64 lamport, kind, body_len, seq = run->next_seq, time = 0;
      guint32 key_id = 0;
      gboolean v2 = FALSE;
      const guint8 *body_data;
      guint8 has_sig;
      TafelSignature sig;
      g_autoptr(GBytes) body = NULL;
      g_autoptr(TafelRecord) record = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!tafel_read_varint (r, "record clock", &lamport, error) ||
          !tafel_read_varint (r, "record kind", &kind, error))
        return FALSE;
      /* Kind 0 escapes a version 2 envelope: kind, key id, time. */
      if (kind == 0)
        {
          v2 = TRUE;
          if (!tafel_read_varint (r, "record kind", &kind, error) ||
              !tafel_read_u32 (r, "record key id", &key_id, error) ||
              !tafel_read_varint (r, "record time", &time, error))
            return FALSE;
        }
      if (!tafel_read_varint (r, "record body length", &body_len, error))
        return FALSE;
      if (seq > TAFEL_RECORD_MAX_CLOCK || lamport < 1 || lamport > TAFEL_RECORD_MAX_CLOCK ||
          kind < 1 || kind > G_MAXUINT32 || body_len > TAFEL_RECORD_MAX_BYTES ||
          time > TAFEL_RECORD_MAX_CLOCK ||
          (v2 ? tafel_record_get_encoded_size_for_v2 (seq, lamport, kind, time, body_len)
              : tafel_record_get_encoded_size_for (seq, lamport, kind, body_len)) > TAFEL_RECORD_MAX_BYTES)
        return tafel_sync_protocol_error (error, _("A record in a run breaks the limits"));
      if (!tafel_read_raw (r, body_len, "record body", &body_data, error) ||
          !tafel_read_u8 (r, "signature flag", &has_sig, error))
        return FALSE;
      if (has_sig > 1)
        return tafel_sync_protocol_error (error, _("A record in a run has a malformed signature flag"));
      if (has_sig && !tafel_read_copy (r, sig.bytes, TAFEL_SIGNATURE_BYTES, "signature", error))
        return FALSE;

      /* A view into the frame, not a copy: the log copies what it keeps
       * into its own storage, so the frame goes once its records have been
       * integrated. */
      body = g_bytes_new_from_bytes (frame, body_data - (const guint8 *) g_bytes_get_data (frame, NULL),
                                     body_len);
      if (v2)
        record = tafel_record_new_v2 (&author, seq, seq > 1 ? &run->prev : NULL, lamport, (guint) kind,
                                      key_id, time, body, has_sig ? &sig : NULL);
      else
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
    return tafel_sync_protocol_error (error, _("A run chunk has bytes after its records"));

  if (g_atomic_pointer_add (&inbox->pending_bytes, chunk_bytes) + chunk_bytes > pending_max)
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
                       TAFEL_NET_TRACE_PEER (&inbox->key), (g_get_monotonic_time () - start) / 1e3);
      g_atomic_pointer_add (&inbox->pending_bytes, - (gssize) run->bytes);
      lane->bytes -= run->bytes;
      g_hash_table_remove (lane->pending, &author);

      *complete = g_steal_pointer (&records);
    }

  return TRUE;
}

/* ---- the verifier threads ------------------------------------------------ */

Inbox *
tafel_sync_inbox_new (const TafelPublicKey *key)
{
  Inbox *inbox = g_new0 (Inbox, 1);

  g_atomic_ref_count_init (&inbox->ref_count);
  inbox->key = *key;
  for (guint i = 0; i < MAX_LANES; i++)
    inbox->lanes[i].pending = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, NULL,
                                                     (GDestroyNotify) pending_run_free);
  return inbox;
}

static Inbox *
inbox_ref (Inbox *inbox)
{
  g_atomic_ref_count_inc (&inbox->ref_count);
  return inbox;
}

void
tafel_sync_inbox_unref (Inbox *inbox)
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
  g_clear_pointer (&result->inbox, tafel_sync_inbox_unref);
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
      if (collect_run (inbox, lane, MAX (PENDING_MAX_AUTHORS / pipe->n_lanes, 1),
                       g_atomic_pointer_get (&pipe->pending_max), task->frame, &r, &result->records, &error))
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

void
tafel_sync_verifier_push (Peer   *peer,
                          GBytes *frame)
{
  TafelSync *self = peer->sync;
  TaskKind kind = frame != NULL ? TASK_RUN : TASK_DONE;
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

/* The verifier has one task less under way, and the peer's channel may
 * take frames again; then sync handles the outcome. */
static void
settle (TafelSync *self,
        Result    *result)
{
  Peer *peer = g_hash_table_lookup (self->peers, &result->inbox->key);

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

  tafel_sync_handle_result (self, peer, result);
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
      settle (self, result);
      result_free (result);
    }
  self->handling = FALSE;
  g_object_unref (self);
}

/* ---- setting up and shutting down ---------------------------------------- */

void
tafel_sync_verifier_init (TafelSync *self)
{
  self->pipe = g_new0 (Pipe, 1);
  g_atomic_ref_count_init (&self->pipe->ref_count);
  g_mutex_init (&self->pipe->lock);
  self->pipe->context = g_main_context_ref_thread_default ();
  self->pipe->sync = self;
  self->n_lanes = CLAMP (g_get_num_processors (), 1, MAX_LANES);
  self->pipe->n_lanes = self->n_lanes;
  self->pipe->pending_max = PENDING_MAX_BYTES;
  for (guint i = 0; i < self->n_lanes; i++)
    self->lanes[i] = g_thread_pool_new (verify_task, self->pipe, 1, FALSE, NULL);
  self->reorder = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) result_free);
}

void
tafel_sync_verifier_shutdown (TafelSync *self)
{
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
}

void
tafel_sync_set_pending_max (TafelSync *self,
                            gsize      bytes)
{
  g_return_if_fail (TAFEL_IS_SYNC (self));

  g_atomic_pointer_set (&self->pipe->pending_max, (gssize) bytes);
}
