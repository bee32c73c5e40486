/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

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
 *                 A version 2 envelope (docs/access.md) has kind 0 there,
 *                 then varint kind, u32 key id, varint time.
 *   DONE    0x12  every run answering the last HELLO has been sent
 *   VECTOR  0x13  version vector: what the sender now holds (an ack)
 *   PROBE   0x14  32 author, varint n, n × { varint seq, 32 id }, seqs
 *                 rising: "which of these records of the author do you
 *                 hold?"
 *   FORK    0x15  32 author, u8 what, varint seq, varint head: the answer
 *                 to a PROBE (what 0; seq: the last probed seq whose id
 *                 the sender holds there, 0 if none), or a notice that
 *                 the sender refused a record of the author at seq as an
 *                 equivocation (what 1); head: the sender's head seq of
 *                 the author
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
 * Incoming RUN chunks are collected and verified on threads of their own
 * (tafel-sync-verifier.c).
 *
 * One identity on two devices (docs/identity.md): every HELLO and VECTOR
 * tells what the peer holds of this device's own identity; anything this
 * device did not write is another device's, and ::identity-clash says so.
 * For an identity this device wrote under before, PROBE and FORK find the
 * first seq where the network holds another record than this device's
 * (::fork-found), and this device's records of it are held back meanwhile.
 */

#define PROTOCOL_VERSION       1
#define FRAME_HELLO            0x10
#define FRAME_RUN              0x11
#define FRAME_DONE             0x12
#define FRAME_VECTOR           0x13
#define FRAME_PROBE            0x14
#define FRAME_FORK             0x15

#define FORK_ANSWER            0
#define FORK_NOTICE            1
#define PROBE_MAX              1024

#define CHUNK_TARGET_BYTES     (192 * 1024)
#define INTEGRATE_BUDGET_US    6000
#define SLICE_START            256
#define SLICE_MAX              8192
#define HELLO_INTERVAL_S       30
#define INBOX_HIGH_WATER       (16 * 1024 * 1024)  /* per peer, waiting for the verifier */
#define INBOX_LOW_WATER        (4 * 1024 * 1024)

G_DEFINE_QUARK (tafel-sync-error-quark, tafel_sync_error)

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

enum {
  PEER_SYNCED,
  PEER_ACKED,
  PEER_FAILED,
  RECORDS_RECEIVED,
  IDENTITY_CLASH,
  FORK_FOUND,
  N_SIGNALS
};

/* Where the network's records of a former identity part from ours: agreed
 * up to @lo, something else at @hi (top + 1 while not known). */
typedef struct
{
  TafelPublicKey author;
  guint64        top;      /* our head when the search began */
  guint64        lo;
  guint64        hi;
  gboolean       found;    /* ::fork-found emitted; held until the drop */
} Fork;

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TafelSync, tafel_sync, G_TYPE_OBJECT)

static void schedule_push (TafelSync *self);
static void schedule_work (TafelSync *self);
static void probe_someone (TafelSync *self);

/* ---- helpers ------------------------------------------------------------- */

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

/* ---- sending ------------------------------------------------------------- */

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
  if (tafel_record_get_version (record) == TAFEL_RECORD_VERSION_2)
    {
      guint8 key_id[4];

      tafel_store_u32 (key_id, tafel_record_get_key_id (record));
      tafel_put_varint (frame, 0);
      tafel_put_varint (frame, tafel_record_get_kind (record));
      tafel_put_bytes (frame, key_id, 4);
      tafel_put_varint (frame, tafel_record_get_time (record));
    }
  else
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

  peer->records_sent += n;
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
      peer->frames_sent++;
      peer->bytes_sent += g_bytes_get_size (frame);
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
      /* Our records of a former identity may be the ones the network
       * refused: none leaves until the fork is known. */
      if (g_hash_table_contains (peer->sync->forks, author))
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

/* ---- failing a peer ------------------------------------------------------ */

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
  probe_someone (self);
  g_signal_emit (self, signals[PEER_FAILED], 0, &key, error);
}

/* ---- one identity on two devices ----------------------------------------- */

/* Whether @peer's entry (@seq, @head) for @author is the same chain as ours
 * up to @seq; a @seq beyond our head is not (nothing we can check says it
 * is). */
static gboolean
entry_is_ours (TafelSync            *self,
               const TafelPublicKey *author,
               guint64               seq,
               const TafelHash      *head)
{
  g_autoptr(TafelRecord) ours = NULL;

  if (seq == 0)
    return TRUE;
  ours = tafel_log_lookup_seq (self->log, author, seq);
  return ours != NULL && head != NULL && tafel_hash_equal (tafel_record_get_id (ours), head);
}

static void
report_clash (Peer *peer)
{
  TafelSync *self = peer->sync;

  if (self->clash_reported)
    return;
  self->clash_reported = TRUE;
  g_message ("sync: peer %s holds records of this device's identity that it did not write",
             TAFEL_NET_TRACE_PEER (&peer->key));
  g_signal_emit (self, signals[IDENTITY_CLASH], 0, &peer->key);
}

static void
queue_fork_frame (Peer                 *peer,
                  const TafelPublicKey *author,
                  guint8                what,
                  guint64               seq)
{
  GByteArray *frame = g_byte_array_sized_new (64);

  tafel_put_u8 (frame, FRAME_FORK);
  tafel_put_bytes (frame, author->bytes, TAFEL_PUBLIC_KEY_BYTES);
  tafel_put_u8 (frame, what);
  tafel_put_varint (frame, seq);
  tafel_put_varint (frame, tafel_log_get_head_seq (peer->sync->log, author));
  peer_queue (peer, frame);
  peer_drain (peer);
}

/* Asks @peer which of our records of @fork's author it holds: every seq
 * left in doubt when they are few, else a spread that halves the doubt
 * at every answer. */
static void
send_probe (Peer *peer,
            Fork *fork)
{
  g_autoptr(GArray) seqs = g_array_new (FALSE, FALSE, sizeof (guint64));
  GByteArray *frame;

  if (fork->hi - fork->lo - 1 <= PROBE_MAX)
    {
      for (guint64 seq = fork->lo + 1; seq < fork->hi; seq++)
        g_array_append_val (seqs, seq);
    }
  else
    {
      for (guint64 step = 1; step < fork->hi - fork->lo; step *= 2)
        {
          guint64 seq = fork->hi - step;

          g_array_prepend_val (seqs, seq);
        }
      if (g_array_index (seqs, guint64, 0) != fork->lo + 1)
        {
          guint64 seq = fork->lo + 1;

          g_array_prepend_val (seqs, seq);
        }
    }

  frame = g_byte_array_sized_new (40 + seqs->len * 40);
  tafel_put_u8 (frame, FRAME_PROBE);
  tafel_put_bytes (frame, fork->author.bytes, TAFEL_PUBLIC_KEY_BYTES);
  tafel_put_varint (frame, seqs->len);
  for (guint i = 0; i < seqs->len; i++)
    {
      guint64 seq = g_array_index (seqs, guint64, i);
      g_autoptr(TafelRecord) ours = tafel_log_lookup_seq (peer->sync->log, &fork->author, seq);

      tafel_put_varint (frame, seq);
      tafel_put_bytes (frame, tafel_record_get_id (ours)->bytes, TAFEL_HASH_BYTES);
    }
  peer->probing = TRUE;
  peer->probe_author = fork->author;
  g_array_set_size (peer->probe_seqs, 0);
  g_array_append_vals (peer->probe_seqs, seqs->data, seqs->len);
  peer_queue (peer, frame);
  peer_drain (peer);
}

static void
fork_found (TafelSync *self,
            Fork      *fork,
            guint64    from_seq)
{
  TafelPublicKey author = fork->author;

  TAFEL_NET_TRACE ("sync: the network parts from our records of %s at seq %" G_GUINT64_FORMAT,
                   TAFEL_NET_TRACE_PEER (&author), from_seq);
  fork->found = TRUE;
  /* Nothing of ours was refused: nothing to hold back any more. */
  if (from_seq > fork->top)
    g_hash_table_remove (self->forks, &author);
  g_signal_emit (self, signals[FORK_FOUND], 0, &author, from_seq);
}

/* Probes @peer about every fork whose answer its vector may hold: it
 * holds something of the author other than our records up to the top. */
static void
probe_if_useful (Peer *peer)
{
  TafelSync *self = peer->sync;
  GHashTableIter iter;
  gpointer value;

  if (peer->probing || !peer->hello_received)
    return;
  g_hash_table_iter_init (&iter, self->forks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Fork *fork = value;
      const TafelHash *head = NULL;
      guint64 seq = 0;

      if (fork->found)
        continue;
      for (guint i = 0; i < tafel_version_vector_get_size (peer->acked); i++)
        {
          const TafelPublicKey *author;

          tafel_version_vector_get (peer->acked, i, &author, &seq, &head);
          if (tafel_key_equal (author, &fork->author))
            break;
          seq = 0;
        }
      if (seq == 0 || (seq == fork->top && entry_is_ours (self, &fork->author, seq, head)))
        continue;
      send_probe (peer, fork);
      return;
    }
}

static void
probe_someone (TafelSync *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    probe_if_useful (value);
}

/* What a peer's vector says of our own identity. */
static void
check_own_entry (Peer                     *peer,
                 const TafelVersionVector *theirs)
{
  TafelSync *self = peer->sync;

  if (!self->has_me || self->clash_reported)
    return;
  for (guint i = 0; i < tafel_version_vector_get_size (theirs); i++)
    {
      const TafelPublicKey *author;
      const TafelHash *head;
      guint64 seq;

      tafel_version_vector_get (theirs, i, &author, &seq, &head);
      if (tafel_key_equal (author, &self->me) && !entry_is_ours (self, author, seq, head))
        report_clash (peer);
    }
}

static gboolean
handle_probe (Peer          *peer,
              TafelReader   *r,
              GError       **error)
{
  TafelPublicKey author;
  guint64 n, last = 0, agreed = 0;

  if (!tafel_read_copy (r, author.bytes, TAFEL_PUBLIC_KEY_BYTES, "probe author", error) ||
      !tafel_read_varint (r, "probe length", &n, error))
    return FALSE;
  if (n < 1 || n > PROBE_MAX + 64)
    return tafel_sync_protocol_error (error, _("A probe of impossible length"));
  for (guint64 i = 0; i < n; i++)
    {
      TafelHash id;
      guint64 seq;

      if (!tafel_read_varint (r, "probe seq", &seq, error) ||
          !tafel_read_copy (r, id.bytes, TAFEL_HASH_BYTES, "probe id", error))
        return FALSE;
      if (seq <= last || seq > TAFEL_RECORD_MAX_CLOCK)
        return tafel_sync_protocol_error (error, _("A probe whose seqs do not rise"));
      last = seq;
      if (entry_is_ours (peer->sync, &author, seq, &id))
        agreed = seq;
    }
  if (!tafel_reader_at_end (r))
    return tafel_sync_protocol_error (error, _("A probe with bytes after its end"));
  queue_fork_frame (peer, &author, FORK_ANSWER, agreed);
  return TRUE;
}

static gboolean
handle_fork (Peer          *peer,
             TafelReader   *r,
             GError       **error)
{
  TafelSync *self = peer->sync;
  TafelPublicKey author;
  guint64 seq, head;
  guint8 what;
  Fork *fork;

  if (!tafel_read_copy (r, author.bytes, TAFEL_PUBLIC_KEY_BYTES, "fork author", error) ||
      !tafel_read_u8 (r, "fork kind", &what, error) ||
      !tafel_read_varint (r, "fork seq", &seq, error) ||
      !tafel_read_varint (r, "fork head", &head, error))
    return FALSE;
  if (!tafel_reader_at_end (r) || what > FORK_NOTICE)
    return tafel_sync_protocol_error (error, _("A malformed FORK frame"));

  if (what == FORK_NOTICE)
    {
      /* The peer refused a record of ours as an equivocation. */
      if (self->has_me && tafel_key_equal (&author, &self->me))
        report_clash (peer);
      probe_if_useful (peer);
      return TRUE;
    }

  fork = g_hash_table_lookup (self->forks, &author);
  if (!peer->probing || !tafel_key_equal (&peer->probe_author, &author))
    return TRUE;  /* an answer to a question of an earlier link: no matter */
  peer->probing = FALSE;
  if (fork == NULL || fork->found)
    return TRUE;

  if (seq >= fork->top)
    fork_found (self, fork, fork->top + 1);
  else
    {
      guint64 next = fork->hi;

      fork->lo = MAX (fork->lo, seq);
      /* The first seq we asked about after the one it agreed on. */
      for (guint i = 0; i < peer->probe_seqs->len; i++)
        if (g_array_index (peer->probe_seqs, guint64, i) > seq)
          {
            next = g_array_index (peer->probe_seqs, guint64, i);
            break;
          }
      if (next <= head)
        fork->hi = MIN (fork->hi, next);  /* it holds something else there */
      if (fork->hi == fork->lo + 1)
        fork_found (self, fork, fork->hi);
    }
  if (g_hash_table_contains (self->forks, &author) && !fork->found)
    probe_if_useful (peer);
  return TRUE;
}

/* The log refused a record as an equivocation: its author's device hears
 * of it, if it is linked to us. */
static void
on_equivocation (TafelLog             *log,
                 const TafelPublicKey *author,
                 guint64               seq,
                 TafelSync            *self)
{
  Peer *peer = g_hash_table_lookup (self->peers, author);

  if (self->has_me && tafel_key_equal (author, &self->me) && self->integrating_from != NULL)
    report_clash (self->integrating_from);
  if (peer == NULL || g_hash_table_contains (peer->told, author))
    return;
  g_hash_table_add (peer->told, g_memdup2 (author, sizeof *author));
  queue_fork_frame (peer, author, FORK_NOTICE, seq);
}

/* Our records of @author from @seq on left the log: nothing of them may
 * still go out, and the peers hear what we hold now. */
static void
on_tail_dropped (TafelLog             *log,
                 const TafelPublicKey *author,
                 guint64               seq,
                 TafelSync            *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_remove (self->forks, author);
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Peer *peer = value;
      GList *l = peer->out.head;
      guint64 acked_seq = 0;
      const TafelHash *acked_head = NULL;

      while (l != NULL)
        {
          GList *next = l->next;
          OutItem *item = l->data;

          if (item->frame == NULL && tafel_key_equal (&item->author, author) && item->last_seq >= seq)
            {
              out_item_free (item);
              g_queue_delete_link (&peer->out, l);
            }
          l = next;
        }
      for (guint i = 0; i < tafel_version_vector_get_size (peer->acked); i++)
        {
          const TafelPublicKey *key;
          guint64 s;
          const TafelHash *h;

          tafel_version_vector_get (peer->acked, i, &key, &s, &h);
          if (tafel_key_equal (key, author))
            {
              acked_seq = s;
              acked_head = h;
            }
        }
      tafel_version_vector_set (peer->estimate, author, acked_seq, acked_head);
      if (peer->hello_received)
        {
          peer_queue_vector_frame (peer, FRAME_HELLO);
          peer_drain (peer);
        }
    }
  schedule_push (self);
}

/**
 * tafel_sync_set_identity:
 * @self: a #TafelSync
 * @me: the identity this device writes as
 *
 * Sync then watches what every peer holds of @me: a record this device did
 * not write means another device uses the identity too, and
 * ::identity-clash says so (once per identity).
 */
void
tafel_sync_set_identity (TafelSync            *self,
                         const TafelPublicKey *me)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (TAFEL_IS_SYNC (self));
  g_return_if_fail (me != NULL);

  if (self->has_me && tafel_key_equal (&self->me, me))
    return;
  self->has_me = TRUE;
  self->me = *me;
  self->clash_reported = FALSE;
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Peer *) value)->hello_received)
      check_own_entry (value, ((Peer *) value)->acked);
}

/**
 * tafel_sync_find_fork:
 * @self: a #TafelSync
 * @former: an identity this device wrote under before
 *
 * Finds, by asking the peers that hold records of @former other than
 * ours, the first of our records of @former the network holds another
 * record for, and emits ::fork-found with it (or with our head + 1 when
 * the network refused none). Our records of @former are not offered to
 * anyone meanwhile.
 */
void
tafel_sync_find_fork (TafelSync            *self,
                      const TafelPublicKey *former)
{
  Fork *fork;

  g_return_if_fail (TAFEL_IS_SYNC (self));
  g_return_if_fail (former != NULL);

  if (g_hash_table_contains (self->forks, former))
    return;
  fork = g_new0 (Fork, 1);
  fork->author = *former;
  fork->top = tafel_log_get_head_seq (self->log, former);
  fork->lo = 0;
  fork->hi = fork->top + 1;
  g_hash_table_insert (self->forks, &fork->author, fork);
  if (fork->top == 0)
    {
      fork_found (self, fork, 1);
      return;
    }
  probe_someone (self);
}

/* ---- receiving ----------------------------------------------------------- */

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

  /* A hello is the peer's whole state: where it holds less of an author
   * than we thought, or another record at that seq (it dropped a fork,
   * docs/identity.md), we believe it; everything else only rises. */
  for (guint i = 0; i < tafel_version_vector_get_size (theirs); i++)
    {
      const TafelPublicKey *author;
      const TafelHash *head;
      guint64 seq;
      gboolean lower = FALSE;

      tafel_version_vector_get (theirs, i, &author, &seq, &head);
      for (guint j = 0; j < tafel_version_vector_get_size (peer->estimate); j++)
        {
          const TafelPublicKey *key;
          const TafelHash *known;
          guint64 known_seq;

          tafel_version_vector_get (peer->estimate, j, &key, &known_seq, &known);
          if (tafel_key_equal (key, author))
            {
              lower = seq < known_seq || (seq == known_seq && known != NULL && !tafel_hash_equal (known, head));
              break;
            }
        }
      if (lower)
        tafel_version_vector_set (peer->estimate, author, seq, head);
      tafel_version_vector_set (peer->acked, author, seq, head);
    }
  /* And an author it does not name at all, it holds nothing of. */
  {
    g_autoptr(TafelVersionVector) known = tafel_version_vector_copy (peer->estimate);

    for (guint j = 0; j < tafel_version_vector_get_size (known); j++)
      {
        const TafelPublicKey *key;

        tafel_version_vector_get (known, j, &key, NULL, NULL);
        if (tafel_version_vector_lookup (theirs, key) == 0)
          {
            tafel_version_vector_set (peer->estimate, key, 0, NULL);
            tafel_version_vector_set (peer->acked, key, 0, NULL);
          }
      }
  }
  vector_merge (peer->estimate, theirs);
  peer->hello_received = TRUE;
  check_own_entry (peer, theirs);

  {
    gint64 start = g_get_monotonic_time ();
    guint runs = peer_push (peer);

    peer_queue (peer, g_byte_array_append (g_byte_array_new (), (const guint8[]) { FRAME_DONE }, 1));
    TAFEL_NET_TRACE ("sync: hello from %s, answering with %u runs (%.3f ms to plan)",
                     TAFEL_NET_TRACE_PEER (&peer->key), runs, (g_get_monotonic_time () - start) / 1e3);
  }
  peer_drain (peer);
  g_signal_emit (peer->sync, signals[PEER_ACKED], 0, &peer->key);
  probe_if_useful (peer);
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
  check_own_entry (peer, theirs);
  g_signal_emit (peer->sync, signals[PEER_ACKED], 0, &peer->key);
  probe_if_useful (peer);
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

gboolean
tafel_sync_protocol_error (GError     **error,
                           const char  *message)
{
  g_set_error_literal (error, TAFEL_SYNC_ERROR, TAFEL_SYNC_ERROR_PROTOCOL, message);
  return FALSE;
}

void
tafel_sync_handle_result (TafelSync *self,
                          Peer      *peer,
                          Result    *result)
{
  if (result->inbox->dead)
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
    ok = tafel_sync_protocol_error (&error, _("The peer sent records before saying hello"));
  else
    switch (type)
      {
      case FRAME_HELLO:
        ok = handle_hello (peer, &r, &error);
        break;
      case FRAME_RUN:
        tafel_sync_verifier_push (peer, frame);
        break;
      case FRAME_DONE:
        ok = tafel_reader_at_end (&r) || tafel_sync_protocol_error (&error, _("A malformed DONE frame"));
        TAFEL_NET_TRACE ("sync: done from %s", TAFEL_NET_TRACE_PEER (&peer->key));
        if (ok)
          tafel_sync_verifier_push (peer, NULL);
        break;
      case FRAME_VECTOR:
        ok = handle_vector (peer, &r, &error);
        break;
      case FRAME_PROBE:
        ok = handle_probe (peer, &r, &error);
        break;
      case FRAME_FORK:
        ok = handle_fork (peer, &r, &error);
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
  TafelSync *self = peer->sync;

  g_hash_table_remove (self->peers, &key);
  probe_someone (self);
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

/* ---- integration --------------------------------------------------------- */

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
              TAFEL_NET_TRACE ("sync: ack to %s", TAFEL_NET_TRACE_PEER (&peer->key));
              peer_queue_vector_frame (peer, FRAME_VECTOR);
              peer_drain (peer);
            }
        }
      else if (work->kind == WORK_SYNCED)
        {
          TAFEL_NET_TRACE ("sync: synced with %s", TAFEL_NET_TRACE_PEER (&work->peer));
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

/* ---- peers --------------------------------------------------------------- */

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
  g_clear_pointer (&peer->inbox, tafel_sync_inbox_unref);
  g_clear_pointer (&peer->told, g_hash_table_unref);
  g_clear_pointer (&peer->probe_seqs, g_array_unref);
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
  peer->told = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, g_free, NULL);
  peer->probe_seqs = g_array_new (FALSE, FALSE, sizeof (guint64));
  peer->inbox = tafel_sync_inbox_new (key);
  g_hash_table_insert (self->peers, &peer->key, peer);

  peer->frame_handler = g_signal_connect (channel, "frame", G_CALLBACK (on_frame), peer);
  peer->closed_handler = g_signal_connect (channel, "closed", G_CALLBACK (on_closed), peer);
  peer->writable_handler = g_signal_connect (channel, "notify::writable", G_CALLBACK (on_writable), peer);
  peer->hello_id = g_timeout_add_seconds (HELLO_INTERVAL_S, hello_timer, peer);

  TAFEL_NET_TRACE ("sync: hello to %s", TAFEL_NET_TRACE_PEER (key));
  peer_queue_vector_frame (peer, FRAME_HELLO);
  peer_drain (peer);
}

void
tafel_sync_remove_peer (TafelSync            *self,
                        const TafelPublicKey *key)
{
  g_return_if_fail (TAFEL_IS_SYNC (self));

  if (g_hash_table_remove (self->peers, key))
    probe_someone (self);
}

/* Whether @peer said it holds @author's records up to @seq, and they are
 * ours: a different record at the seq it named (or, for this device's own
 * identity, more records than we wrote) is no delivery. */
static gboolean
acked_has (TafelSync            *self,
           Peer                 *peer,
           const TafelPublicKey *author,
           guint64               seq)
{
  for (guint i = 0; i < tafel_version_vector_get_size (peer->acked); i++)
    {
      const TafelPublicKey *key;
      const TafelHash *head;
      guint64 acked;

      tafel_version_vector_get (peer->acked, i, &key, &acked, &head);
      if (!tafel_key_equal (key, author))
        continue;
      if (acked < seq)
        return FALSE;
      if (acked > tafel_log_get_head_seq (self->log, author))
        return !(self->has_me && tafel_key_equal (author, &self->me));
      return entry_is_ours (self, author, acked, head);
    }
  return seq == 0;
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
  return peer != NULL && acked_has (self, peer, author, seq);
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
    if (!acked_has (self, value, author, seq))
      return FALSE;
  return TRUE;
}

gboolean
tafel_sync_is_busy (TafelSync *self)
{
  g_return_val_if_fail (TAFEL_IS_SYNC (self), FALSE);

  return !g_queue_is_empty (&self->work) || self->tasks > 0;
}

gboolean
tafel_sync_get_peer_stats (TafelSync            *self,
                           const TafelPublicKey *key,
                           guint64              *frames,
                           guint64              *bytes,
                           guint64              *records)
{
  Peer *peer;

  g_return_val_if_fail (TAFEL_IS_SYNC (self), FALSE);

  peer = g_hash_table_lookup (self->peers, key);
  if (peer == NULL)
    return FALSE;
  if (frames != NULL)
    *frames = peer->frames_sent;
  if (bytes != NULL)
    *bytes = peer->bytes_sent;
  if (records != NULL)
    *records = peer->records_sent;
  return TRUE;
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

/* ---- GObject ------------------------------------------------------------- */

TafelSync *
tafel_sync_new (TafelLog *log)
{
  TafelSync *self;

  g_return_val_if_fail (TAFEL_IS_LOG (log), NULL);

  self = g_object_new (TAFEL_TYPE_SYNC, NULL);
  self->log = g_object_ref (log);
  self->added_handler = g_signal_connect (log, "records-added", G_CALLBACK (on_records_added), self);
  self->equivocation_handler = g_signal_connect (log, "equivocation", G_CALLBACK (on_equivocation), self);
  self->tail_handler = g_signal_connect (log, "tail-dropped", G_CALLBACK (on_tail_dropped), self);
  return self;
}

static void
tafel_sync_dispose (GObject *object)
{
  TafelSync *self = TAFEL_SYNC (object);

  tafel_sync_verifier_shutdown (self);
  g_clear_handle_id (&self->work_id, g_source_remove);
  g_clear_handle_id (&self->push_id, g_source_remove);
  g_queue_clear_full (&self->work, (GDestroyNotify) work_free);
  if (self->peers != NULL)
    g_hash_table_remove_all (self->peers);
  if (self->log != NULL)
    {
      g_clear_signal_handler (&self->added_handler, self->log);
      g_clear_signal_handler (&self->equivocation_handler, self->log);
      g_clear_signal_handler (&self->tail_handler, self->log);
    }
  g_clear_object (&self->log);

  G_OBJECT_CLASS (tafel_sync_parent_class)->dispose (object);
}

static void
tafel_sync_finalize (GObject *object)
{
  TafelSync *self = TAFEL_SYNC (object);

  g_hash_table_unref (self->peers);
  g_hash_table_unref (self->reorder);
  g_hash_table_unref (self->forks);

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
  signals[IDENTITY_CLASH] =
    g_signal_new ("identity-clash", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[FORK_FOUND] =
    g_signal_new ("fork-found", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_UINT64);
}

static void
tafel_sync_init (TafelSync *self)
{
  self->peers = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, NULL, (GDestroyNotify) peer_free);
  self->forks = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, NULL, g_free);
  self->slice = SLICE_START;
  self->inbox_high = INBOX_HIGH_WATER;
  self->inbox_low = INBOX_LOW_WATER;
  g_queue_init (&self->work);
  tafel_sync_verifier_init (self);
}
