/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tafel-atomic-file.h"
#include "tafel-identity.h"
#include "tafel-record-private.h"

/* DATA_DIR/identity, mode 0600, 105 bytes:
 *
 *   8   magic "TAFELKEY"
 *   1   format version (1)
 *   64  Ed25519 secret key (seed and public key, as libsodium keeps it)
 *   32  BLAKE2b-256 of the 73 bytes before, to tell damage from a wrong key
 *
 * The file is written to a temporary file created 0600, synced, and then
 * hard-linked into place, so it is never readable by others, never half
 * written, and two processes starting at once cannot replace each other's
 * key: the second link fails and that process loads the first one's key.
 *
 * A key file readable or writable by anyone but its owner is refused
 * (TAFEL_IDENTITY_ERROR_PERMISSIONS) rather than silently fixed: someone
 * else may have read the key, and the person should know. A damaged file
 * is refused (TAFEL_IDENTITY_ERROR_CORRUPT), never replaced by a new key,
 * since a new key would make this device a different author. */

#define IDENTITY_MAGIC   "TAFELKEY"
#define IDENTITY_VERSION 1
#define IDENTITY_SIZE    (8 + 1 + TAFEL_SECRET_KEY_BYTES + TAFEL_HASH_BYTES)

G_DEFINE_QUARK (tafel-identity-error-quark, tafel_identity_error)

static const TafelHash zero_hash;

struct _TafelIdentity
{
  GObject        parent_instance;
  TafelPublicKey public_key;
  guint8         secret_key[TAFEL_SECRET_KEY_BYTES];
};

G_DEFINE_FINAL_TYPE (TafelIdentity, tafel_identity, G_TYPE_OBJECT)

static void
tafel_identity_finalize (GObject *object)
{
  TafelIdentity *self = TAFEL_IDENTITY (object);

  tafel_memzero (self->secret_key, sizeof self->secret_key);
  G_OBJECT_CLASS (tafel_identity_parent_class)->finalize (object);
}

static void
tafel_identity_class_init (TafelIdentityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tafel_identity_finalize;
}

static void
tafel_identity_init (TafelIdentity *self)
{
}

/**
 * tafel_identity_new_ephemeral:
 *
 * A fresh key pair kept only in memory, for tests and benchmarks.
 *
 * Returns: (transfer full): the identity
 */
TafelIdentity *
tafel_identity_new_ephemeral (void)
{
  TafelIdentity *self = g_object_new (TAFEL_TYPE_IDENTITY, NULL);

  tafel_sign_keypair (&self->public_key, self->secret_key);
  return self;
}

static void
serialise (const guint8 secret_key[TAFEL_SECRET_KEY_BYTES],
           guint8       out[IDENTITY_SIZE])
{
  memcpy (out, IDENTITY_MAGIC, 8);
  out[8] = IDENTITY_VERSION;
  memcpy (out + 9, secret_key, TAFEL_SECRET_KEY_BYTES);
  tafel_hash ((TafelHash *) (out + 9 + TAFEL_SECRET_KEY_BYTES), out, 9 + TAFEL_SECRET_KEY_BYTES);
}

static gboolean
fail_io (GError     **error,
         const char  *path,
         int          saved_errno,
         const char  *what)
{
  g_set_error (error, TAFEL_IDENTITY_ERROR, TAFEL_IDENTITY_ERROR_IO,
               "%s “%s”: %s", what, path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
fail_corrupt (GError     **error,
              const char  *path,
              const char  *why)
{
  g_set_error (error, TAFEL_IDENTITY_ERROR, TAFEL_IDENTITY_ERROR_CORRUPT,
               _("The identity key file “%s” is damaged (%s). It was left as it is; "
                 "move it away to start with a new identity."), path, why);
  return FALSE;
}

static TafelIdentity *
load (const char  *path,
      int          fd,
      GError     **error)
{
  struct stat st;
  guint8 buf[IDENTITY_SIZE + 1];
  gssize n = 0;
  TafelHash check;
  g_autoptr(TafelIdentity) self = NULL;

  if (fstat (fd, &st) != 0)
    {
      fail_io (error, path, errno, _("Could not examine the identity key file"));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      fail_corrupt (error, path, _("not a regular file"));
      return NULL;
    }
  if ((st.st_mode & 077) != 0 || st.st_uid != getuid ())
    {
      g_set_error (error, TAFEL_IDENTITY_ERROR, TAFEL_IDENTITY_ERROR_PERMISSIONS,
                   _("The identity key file “%s” can be read or changed by other users "
                     "(mode %04o); make it private with “chmod 600” if only you had access, "
                     "or move it away to start with a new identity"),
                   path, (guint) (st.st_mode & 07777));
      return NULL;
    }

  while ((gsize) n < sizeof buf)
    {
      gssize r = read (fd, buf + n, sizeof buf - (gsize) n);

      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          fail_io (error, path, errno, _("Could not read the identity key file"));
          return NULL;
        }
      if (r == 0)
        break;
      n += r;
    }

  if (n != IDENTITY_SIZE)
    {
      fail_corrupt (error, path, _("wrong size"));
      return NULL;
    }
  if (memcmp (buf, IDENTITY_MAGIC, 8) != 0)
    {
      fail_corrupt (error, path, _("not a Tafel key file"));
      return NULL;
    }
  if (buf[8] != IDENTITY_VERSION)
    {
      fail_corrupt (error, path, buf[8] > IDENTITY_VERSION ? _("written by a newer version of Tafel")
                                                           : _("unknown format version"));
      return NULL;
    }
  tafel_hash (&check, buf, 9 + TAFEL_SECRET_KEY_BYTES);
  if (memcmp (check.bytes, buf + 9 + TAFEL_SECRET_KEY_BYTES, TAFEL_HASH_BYTES) != 0)
    {
      tafel_memzero (buf, sizeof buf);
      fail_corrupt (error, path, _("checksum mismatch"));
      return NULL;
    }

  self = g_object_new (TAFEL_TYPE_IDENTITY, NULL);
  memcpy (self->secret_key, buf + 9, TAFEL_SECRET_KEY_BYTES);
  memcpy (self->public_key.bytes, buf + 9 + TAFEL_SECRET_KEY_BYTES - TAFEL_PUBLIC_KEY_BYTES,
          TAFEL_PUBLIC_KEY_BYTES);
  tafel_memzero (buf, sizeof buf);
  if (!tafel_secret_key_matches (self->secret_key, &self->public_key))
    {
      fail_corrupt (error, path, _("the key pair does not match"));
      return NULL;
    }
  return g_steal_pointer (&self);
}

/* Creates the key file; %NULL with *lost_race set if another process won. */
static TafelIdentity *
create (const char  *path,
        gboolean    *lost_race,
        GError     **error)
{
  g_autoptr(TafelIdentity) self = tafel_identity_new_ephemeral ();
  g_autoptr(GError) local_error = NULL;
  guint8 buf[IDENTITY_SIZE];
  gboolean ok;

  *lost_race = FALSE;
  serialise (self->secret_key, buf);
  /* Never replaces a key file: another process may have made one first. */
  ok = tafel_atomic_file_write (path, buf, sizeof buf, 0600, TAFEL_ATOMIC_FILE_NO_CLOBBER, &local_error);
  tafel_memzero (buf, sizeof buf);
  if (!ok)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_EXIST))
        {
          *lost_race = TRUE;
          return NULL;
        }
      g_set_error (error, TAFEL_IDENTITY_ERROR, TAFEL_IDENTITY_ERROR_IO, "%s: %s",
                   _("Could not create the identity key file"), local_error->message);
      return NULL;
    }
  return g_steal_pointer (&self);
}

/**
 * tafel_identity_load_or_create:
 * @data_dir: the Tafel data folder (created, mode 0700, if missing)
 * @error: return location for a #GError
 *
 * Loads this device's key pair from @data_dir/identity, creating it on first
 * use. A damaged key file fails with TAFEL_IDENTITY_ERROR_CORRUPT and one
 * that others may read with TAFEL_IDENTITY_ERROR_PERMISSIONS; neither is
 * ever replaced.
 *
 * Returns: (transfer full): the identity, or %NULL with @error set
 */
TafelIdentity *
tafel_identity_load_or_create (const char  *data_dir,
                               GError     **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      fail_io (error, data_dir, errno, _("Could not create the data folder"));
      return NULL;
    }
  path = g_build_filename (data_dir, "identity", NULL);

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      int fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

      if (fd >= 0)
        {
          TafelIdentity *self = load (path, fd, error);

          close (fd);
          return self;
        }
      if (errno == ELOOP)
        {
          fail_corrupt (error, path, _("a symbolic link"));
          return NULL;
        }
      if (errno != ENOENT)
        {
          fail_io (error, path, errno, _("Could not open the identity key file"));
          return NULL;
        }

      {
        gboolean lost_race;
        TafelIdentity *self = create (path, &lost_race, error);

        if (self != NULL || !lost_race)
          return self;
        /* Another process created it first: load theirs. */
      }
    }

  fail_io (error, path, EAGAIN, _("Could not create the identity key file"));
  return NULL;
}

/* Writes a fresh key pair over @path (tafel_atomic_file_write(): the file
 * is whole at every moment). The caller holds the lock. */
static TafelIdentity *
replace_file (const char  *path,
              GError     **error)
{
  g_autoptr(TafelIdentity) self = tafel_identity_new_ephemeral ();
  g_autoptr(GError) local_error = NULL;
  guint8 buf[IDENTITY_SIZE];
  gboolean ok;

  serialise (self->secret_key, buf);
  ok = tafel_atomic_file_write (path, buf, sizeof buf, 0600, TAFEL_ATOMIC_FILE_NONE, &local_error);
  tafel_memzero (buf, sizeof buf);
  if (!ok)
    {
      g_set_error (error, TAFEL_IDENTITY_ERROR, TAFEL_IDENTITY_ERROR_IO, "%s: %s",
                   _("Could not replace the identity key file"), local_error->message);
      return NULL;
    }
  return g_steal_pointer (&self);
}

/**
 * tafel_identity_replace:
 * @data_dir: the Tafel data folder
 * @old: the identity this device found another device using too
 * @error: return location for a #GError
 *
 * Gives this device a new identity in @data_dir/identity in place of @old
 * (see docs/identity.md). When the file no longer holds @old (another
 * board or process of this device replaced it first), that identity is
 * returned instead of making yet another one. The old key is not kept.
 *
 * Returns: (transfer full): the identity to write with from now on, or
 *   %NULL with @error set (the file is then unchanged)
 */
TafelIdentity *
tafel_identity_replace (const char     *data_dir,
                        TafelIdentity  *old,
                        GError        **error)
{
  g_autofree char *path = NULL;
  g_autofree char *lock_path = NULL;
  g_autoptr(TafelIdentity) current = NULL;
  TafelIdentity *result;
  int lock_fd;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (TAFEL_IS_IDENTITY (old), NULL);

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      fail_io (error, data_dir, errno, _("Could not create the data folder"));
      return NULL;
    }
  path = g_build_filename (data_dir, "identity", NULL);
  lock_path = g_build_filename (data_dir, ".identity-lock", NULL);

  /* One replacement at a time in this folder, or two boards noticing at
   * once would each make a key and one would be lost. */
  lock_fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (lock_fd < 0)
    {
      fail_io (error, lock_path, errno, _("Could not lock the identity key file"));
      return NULL;
    }
  while (flock (lock_fd, LOCK_EX) != 0)
    if (errno != EINTR)
      {
        int saved = errno;

        close (lock_fd);
        fail_io (error, lock_path, saved, _("Could not lock the identity key file"));
        return NULL;
      }

  current = tafel_identity_load_or_create (data_dir, NULL);
  if (current != NULL && !tafel_key_equal (&current->public_key, &old->public_key))
    result = g_steal_pointer (&current);
  else
    result = replace_file (path, error);

  close (lock_fd);
  return result;
}

/**
 * tafel_identity_get_public_key:
 * @self: an identity
 *
 * Returns: (transfer none): the public key
 */
const TafelPublicKey *
tafel_identity_get_public_key (TafelIdentity *self)
{
  g_return_val_if_fail (TAFEL_IS_IDENTITY (self), NULL);
  return &self->public_key;
}

/**
 * tafel_identity_sign:
 * @self: an identity
 * @sig: (out caller-allocates): the signature
 * @message: (array length=len): what to sign
 * @len: its length
 *
 * Signs @message with this identity's key. Callers must make sure their
 * message cannot be mistaken for another protocol's (records begin with
 * the context "tafel-record\n").
 */
void
tafel_identity_sign (TafelIdentity  *self,
                     TafelSignature *sig,
                     gconstpointer   message,
                     gsize           len)
{
  g_return_if_fail (TAFEL_IS_IDENTITY (self));
  g_return_if_fail (sig != NULL);

  tafel_sign (sig, self->secret_key, message, len);
}

/**
 * tafel_identity_open_sealed:
 * @self: an identity
 * @out: (out caller-allocates): @len - TAFEL_SEAL_OVERHEAD_BYTES bytes
 * @sealed: (array length=len): a sealed box
 * @len: its length
 * @error: return location for a #GError
 *
 * Opens a secret that someone sealed to this identity's public key (a key
 * handed to a member in an `epoch` record, docs/access.md), without the
 * secret key ever leaving the identity.
 *
 * Returns: %TRUE when opened, %FALSE with a #TAFEL_CRYPTO_ERROR when it
 *   was sealed to another key or altered
 */
gboolean
tafel_identity_open_sealed (TafelIdentity  *self,
                            guint8         *out,
                            gconstpointer   sealed,
                            gsize           len,
                            GError        **error)
{
  g_return_val_if_fail (TAFEL_IS_IDENTITY (self), FALSE);
  g_return_val_if_fail (out != NULL && sealed != NULL, FALSE);

  return tafel_seal_open (out, self->secret_key, sealed, len, error);
}

/**
 * tafel_identity_sign_record:
 * @self: an identity
 * @seq: the next seq of this identity
 * @prev: (nullable): the id of record @seq - 1 (%NULL for seq 1)
 * @lamport: the Lamport clock
 * @kind: the record kind
 * @body: the body
 *
 * Builds a record authored by this identity and signs it. The arguments
 * follow the rules of tafel_record_new().
 *
 * Returns: (transfer full): the signed record
 */
TafelRecord *
tafel_identity_sign_record (TafelIdentity   *self,
                            guint64          seq,
                            const TafelHash *prev,
                            guint64          lamport,
                            guint            kind,
                            GBytes          *body)
{
  guint8 stack[1024];
  g_autofree guint8 *heap = NULL;
  guint8 *buf;
  gsize body_len, header_len, total;
  gconstpointer body_data;
  TafelSignature sig;
  TafelHash id;

  g_return_val_if_fail (TAFEL_IS_IDENTITY (self), NULL);
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (seq >= 1 && seq <= TAFEL_RECORD_MAX_CLOCK, NULL);
  g_return_val_if_fail (lamport >= 1 && lamport <= TAFEL_RECORD_MAX_CLOCK, NULL);
  g_return_val_if_fail (kind >= 1, NULL);
  g_return_val_if_fail (seq == 1 ? prev == NULL || tafel_hash_equal (prev, &zero_hash)
                                 : prev != NULL && !tafel_hash_equal (prev, &zero_hash), NULL);

  body_data = g_bytes_get_data (body, &body_len);
  g_return_val_if_fail (body_len <= TAFEL_RECORD_MAX_BYTES, NULL);

  total = TAFEL_RECORD_SIGNING_CONTEXT_LEN + TAFEL_RECORD_HEADER_MAX + body_len;
  buf = total <= sizeof stack ? stack : (heap = g_malloc (total));
  memcpy (buf, TAFEL_RECORD_SIGNING_CONTEXT, TAFEL_RECORD_SIGNING_CONTEXT_LEN);
  header_len = tafel_record_write_header (buf + TAFEL_RECORD_SIGNING_CONTEXT_LEN, &self->public_key,
                                          seq, prev, lamport, kind, body_len);
  if (body_len > 0)
    memcpy (buf + TAFEL_RECORD_SIGNING_CONTEXT_LEN + header_len, body_data, body_len);
  total = TAFEL_RECORD_SIGNING_CONTEXT_LEN + header_len + body_len;
  g_return_val_if_fail (header_len + body_len + 1 + TAFEL_SIGNATURE_BYTES <= TAFEL_RECORD_MAX_BYTES,
                        NULL);

  tafel_hash (&id, buf, total);
  tafel_sign (&sig, self->secret_key, buf, total);

  return tafel_record_new_with_id (&self->public_key, seq, seq > 1 ? prev : NULL, lamport, kind,
                                   body, &sig, &id);
}

/**
 * tafel_identity_sign_record_v2:
 * @self: an identity
 * @seq: the next seq of this identity
 * @prev: (nullable): the id of record @seq - 1 (%NULL for seq 1)
 * @lamport: the Lamport clock
 * @kind: the record kind
 * @key_id: the key id of the epoch the record is written in
 * @body_key: (nullable): the body key B of @key_id; needed for a content kind
 * @time: the wall clock, ms since 1970
 * @plain: the plaintext body
 *
 * Builds a version 2 record authored by this identity, its body encrypted
 * when its kind is content, and signs it over the envelope as sent. The
 * arguments follow the rules of tafel_record_new_v2().
 *
 * Returns: (transfer full): the signed record
 */
TafelRecord *
tafel_identity_sign_record_v2 (TafelIdentity   *self,
                               guint64          seq,
                               const TafelHash *prev,
                               guint64          lamport,
                               guint            kind,
                               guint32          key_id,
                               const guint8    *body_key,
                               guint64          time,
                               GBytes          *plain)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(TafelRecord) unsigned_record = NULL;
  g_autoptr(GBytes) signed_bytes = NULL;
  TafelSignature sig;

  g_return_val_if_fail (TAFEL_IS_IDENTITY (self), NULL);
  g_return_val_if_fail (plain != NULL, NULL);
  g_return_val_if_fail (body_key != NULL || !TAFEL_RECORD_KIND_IS_CONTENT (kind), NULL);

  body = tafel_record_seal_body (&self->public_key, seq, seq > 1 ? prev : NULL, lamport, kind,
                                 key_id, time, body_key, plain);
  unsigned_record = tafel_record_new_v2 (&self->public_key, seq, seq > 1 ? prev : NULL, lamport,
                                         kind, key_id, time, body, NULL);
  g_return_val_if_fail (unsigned_record != NULL, NULL);
  signed_bytes = tafel_record_dup_signed_bytes (unsigned_record);
  tafel_sign (&sig, self->secret_key, g_bytes_get_data (signed_bytes, NULL),
              g_bytes_get_size (signed_bytes));
  return tafel_record_with_signature (unsigned_record, &sig);
}
