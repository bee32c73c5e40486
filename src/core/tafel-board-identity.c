/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "tafel-board-private.h"
#include "tafel-log-private.h"

/* Moving a board to a new identity when another device turns out to write
 * under the same one (a copied data folder, a restored backup): the design
 * is in docs/identity.md. The network keeps the other device's records at
 * the seqs both devices used; this device gives its own up and signs them
 * again under a fresh identity, so nothing it drew is lost. */

/**
 * tafel_board_replace_identity:
 * @self: a board
 * @error: return location for a #GError
 *
 * Gives this device a fresh identity (saved in the data folder, see
 * tafel_identity_replace()) and signs the board's new records with it from
 * now on. The identity before joins tafel_board_get_former_identities():
 * those of its records the network refused are issued again with
 * tafel_board_reissue() once a peer has said which they are. Notifies
 * #TafelBoard:identity.
 *
 * Returns: %TRUE on success; %FALSE (TAFEL_IDENTITY_ERROR) with nothing
 *   changed
 */
gboolean
tafel_board_replace_identity (TafelBoard  *self,
                              GError     **error)
{
  g_autoptr(TafelIdentity) identity = NULL;

  g_return_val_if_fail (TAFEL_IS_BOARD (self), FALSE);

  identity = tafel_identity_replace (_tafel_board_get_data_dir (self), tafel_board_get_identity (self), error);
  if (identity == NULL)
    return FALSE;
  _tafel_board_swap_identity (self, identity);
  return TRUE;
}

/* The id a record @id of the former identity has after reissuing, or @id
 * itself when it was not reissued. */
static const TafelHash *
mapped (GHashTable      *map,
        const TafelHash *id)
{
  const TafelHash *to = g_hash_table_lookup (map, id);

  return to != NULL ? to : id;
}

/* The body @record gets under the new identity: references to objects
 * reissued before it point at their new ids. A clear names the former
 * identity only up to what stays in the log; the reissued objects it
 * covered are listed in @also_erase for an erase right after it. */
static GBytes *
reissued_body (TafelRecord          *record,
               GHashTable           *map,
               GHashTable           *reissued_seq,
               guint64               from_seq,
               GArray               *also_erase)
{
  GBytes *body = tafel_record_get_body (record);
  const TafelPublicKey *former = tafel_record_get_author (record);

  switch (tafel_record_get_kind (record))
    {
    case TAFEL_RECORD_KIND_ERASE:
    case TAFEL_RECORD_KIND_RESTORE:
      {
        TafelObjectSet set = { 0 };
        GBytes *out;

        if (!tafel_object_set_decode (body, &set, NULL))
          break;
        for (guint i = 0; i < set.n_ids; i++)
          set.ids[i] = *mapped (map, &set.ids[i]);
        out = tafel_object_set_encode (&set);
        tafel_object_set_clear (&set);
        return out;
      }

    case TAFEL_RECORD_KIND_TRANSFORM:
      {
        TafelTransformSet set = { 0 };
        GBytes *out;

        if (!tafel_transform_set_decode (body, &set, NULL))
          break;
        for (guint i = 0; i < set.n_entries; i++)
          set.ids[i] = *mapped (map, &set.ids[i]);
        out = tafel_transform_set_encode (&set);
        tafel_transform_set_clear (&set);
        return out;
      }

    case TAFEL_RECORD_KIND_CLEAR:
      {
        TafelClear clear = { 0 };
        GBytes *out;
        guint n = 0;

        if (!tafel_clear_decode (body, &clear, NULL))
          break;
        for (guint i = 0; i < clear.n_authors; i++)
          {
            if (tafel_key_equal (&clear.authors[i], former))
              {
                GHashTableIter iter;
                gpointer key, value;

                /* What it reached of the reissued objects, by their old seq. */
                g_hash_table_iter_init (&iter, reissued_seq);
                while (g_hash_table_iter_next (&iter, &key, &value))
                  if (*(guint64 *) value <= clear.seqs[i])
                    g_array_append_val (also_erase, *(TafelHash *) key);
                if (from_seq - 1 == 0)
                  continue;
                clear.seqs[i] = MIN (clear.seqs[i], from_seq - 1);
              }
            clear.authors[n] = clear.authors[i];
            clear.seqs[n] = clear.seqs[i];
            n++;
          }
        clear.n_authors = n;
        out = tafel_clear_encode (&clear);
        tafel_clear_clear (&clear);
        return out;
      }

    default:
      break;
    }

  return g_bytes_ref (body);
}

static gboolean
commit_again (TafelBoard  *self,
              guint        kind,
              GBytes      *body,
              TafelHash   *new_id,
              GError     **error)
{
  g_autoptr(TafelRecord) record = tafel_board_commit (self, kind, body, error);

  if (record == NULL)
    return FALSE;
  if (new_id != NULL)
    *new_id = *tafel_record_get_id (record);
  return TRUE;
}

/**
 * tafel_board_reissue:
 * @self: a board
 * @former: one of tafel_board_get_former_identities()
 * @from_seq: the first of @former's records the network refused (a peer
 *   holds another record at that seq); beyond @former's head when none was
 * @n_reissued: (out) (optional): how many records were issued again
 * @error: return location for a #GError
 *
 * Issues @former's records from @from_seq on again under the board's
 * identity, in their order, each object reference among them pointing at
 * the new copies, and then takes the originals out of the log and its file
 * (they would block the records the network kept). The copies are written
 * first, so an interruption at any point loses nothing. @former then
 * leaves the former identities.
 *
 * Returns: %TRUE on success
 */
gboolean
tafel_board_reissue (TafelBoard     *self,
                     TafelIdentity  *former,
                     guint64         from_seq,
                     guint          *n_reissued,
                     GError        **error)
{
  const TafelPublicKey *key;
  TafelLog *log;
  guint64 head;
  g_autoptr(GHashTable) map = NULL;
  g_autoptr(GHashTable) reissued_seq = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  TafelSignature head_signature;
  guint n = 0;

  g_return_val_if_fail (TAFEL_IS_BOARD (self), FALSE);
  g_return_val_if_fail (TAFEL_IS_IDENTITY (former), FALSE);
  g_return_val_if_fail (from_seq >= 1, FALSE);

  if (n_reissued != NULL)
    *n_reissued = 0;
  if (!g_ptr_array_find (tafel_board_get_former_identities (self), former, NULL))
    {
      g_set_error_literal (error, TAFEL_BOARD_ERROR, TAFEL_BOARD_ERROR_INVALID,
                           _("That identity is not one this board wrote under before"));
      return FALSE;
    }

  log = tafel_board_get_log (self);
  key = tafel_identity_get_public_key (former);
  head = tafel_log_get_head_seq (log, key);
  if (from_seq > head)
    {
      _tafel_board_forget_former_identity (self, former);
      return TRUE;
    }

  refused = g_ptr_array_new_with_free_func ((GDestroyNotify) tafel_record_unref);
  for (guint64 seq = from_seq; seq <= head; seq++)
    g_ptr_array_add (refused, tafel_log_lookup_seq (log, key, seq));

  /* The copies first. */
  map = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, g_free, g_free);
  reissued_seq = g_hash_table_new_full (tafel_key_hash, tafel_key_equal, g_free, g_free);
  for (guint i = 0; i < refused->len; i++)
    {
      TafelRecord *record = refused->pdata[i];
      guint kind = tafel_record_get_kind (record);
      g_autoptr(GArray) also_erase = g_array_new (FALSE, FALSE, sizeof (TafelHash));
      g_autoptr(GBytes) body = reissued_body (record, map, reissued_seq, from_seq, also_erase);
      TafelHash new_id;

      if (!commit_again (self, kind, body, &new_id, error))
        return FALSE;
      n++;
      if (kind == TAFEL_RECORD_KIND_STROKE || kind == TAFEL_RECORD_KIND_SHAPE || kind == TAFEL_RECORD_KIND_TEXT)
        {
          guint64 seq = tafel_record_get_seq (record);

          g_hash_table_insert (map, g_memdup2 (tafel_record_get_id (record), sizeof (TafelHash)),
                               g_memdup2 (&new_id, sizeof new_id));
          g_hash_table_insert (reissued_seq, g_memdup2 (&new_id, sizeof new_id), g_memdup2 (&seq, sizeof seq));
        }
      if (also_erase->len > 0)
        {
          TafelObjectSet set = { also_erase->len, (TafelHash *) (gpointer) also_erase->data };
          g_autoptr(GBytes) erase = tafel_object_set_encode (&set);

          if (!commit_again (self, TAFEL_RECORD_KIND_ERASE, erase, NULL, error))
            return FALSE;
        }
    }
  if (!tafel_board_flush (self, error))
    return FALSE;

  /* Then the originals go. The record before them becomes the former
   * identity's last and needs its signature; Ed25519 signs
   * deterministically, so this is the one it had. */
  if (from_seq > 1)
    {
      g_autoptr(TafelRecord) last = tafel_log_lookup_seq (log, key, from_seq - 1);
      g_autoptr(GBytes) bytes = tafel_record_dup_signed_bytes (last);
      gsize len;
      gconstpointer data = g_bytes_get_data (bytes, &len);

      tafel_identity_sign (former, &head_signature, data, len);
    }
  if (!_tafel_board_drop_tail (self, key, from_seq, from_seq > 1 ? &head_signature : NULL, error))
    return FALSE;

  _tafel_board_forget_former_identity (self, former);
  if (n_reissued != NULL)
    *n_reissued = n;
  return TRUE;
}
