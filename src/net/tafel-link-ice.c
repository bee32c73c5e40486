/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <nice/agent.h>
#include <string.h>
#include <sys/socket.h>

#include "tafel-link-private.h"

/* How a link finds a path to its peer: the STUN and TURN servers resolved
 * first, then one libnice agent whose credentials and candidates trickle
 * over the link's #TafelSignaling, and ICE restarts when a path stops
 * working. */

#define MAX_PENDING_CANDIDATES  64

#define MSG_FORMAT "(yssss)"

typedef struct
{
  char *ufrag;
  char *sdp;     /* NULL: end of candidates */
} PendingCandidate;

static void
pending_candidate_free (PendingCandidate *p)
{
  g_free (p->ufrag);
  g_free (p->sdp);
  g_free (p);
}

void
tafel_link_ice_init (TafelLink *self)
{
  self->turn_ips = g_ptr_array_new_with_free_func (g_free);
  self->local_candidates = g_ptr_array_new_with_free_func (g_free);
  self->pending_candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_candidate_free);
}

/* ---- signalling ---------------------------------------------------------- */

/**
 * tafel_link_signal_build:
 * @type: a MSG_ type
 * @ufrag: the sender's ICE ufrag
 * @pwd: its password, or ""
 * @known: the recipient's ufrag as the sender knows it, or ""
 * @candidate: a candidate line, the sender's previous ufrag, or ""
 *
 * The strings are valid UTF-8 (libnice makes them ASCII).
 *
 * Returns: (transfer full): the signalling message
 */
GBytes *
tafel_link_signal_build (guint8      type,
                         const char *ufrag,
                         const char *pwd,
                         const char *known,
                         const char *candidate)
{
  g_autoptr(GVariant) body = NULL;
  g_autoptr(GBytes) body_bytes = NULL;
  g_autoptr(GByteArray) message = g_byte_array_new ();
  const guint8 header[3] = { 'T', 'L', LINK_PROTOCOL_VERSION };

  body = g_variant_ref_sink (g_variant_new (MSG_FORMAT, type, ufrag, pwd, known, candidate));
  body_bytes = g_variant_get_data_as_bytes (body);
  g_byte_array_append (message, header, sizeof header);
  g_byte_array_append (message, g_bytes_get_data (body_bytes, NULL), g_bytes_get_size (body_bytes));
  return g_byte_array_free_to_bytes (g_steal_pointer (&message));
}

static gboolean
valid_ice_string (const char *s,
                  gboolean    may_be_empty)
{
  gsize len = strlen (s);

  return (may_be_empty || len > 0) && len <= TAFEL_LINK_SIGNAL_MAX_ICE_STRING;
}

/**
 * tafel_link_signal_parse:
 * @message: a signalling message from anyone
 * @msg: (out caller-allocates): where the message goes; clear it with
 *   tafel_link_signal_clear() when this returns %TRUE
 *
 * Decodes a message of the link's signalling, as it arrives: of this
 * protocol version, in the normal form of its GVariant (so each message
 * has one encoding), of a known type, with strings within their limits.
 *
 * Returns: %TRUE when @message is such a message
 */
gboolean
tafel_link_signal_parse (GBytes          *message,
                         TafelLinkSignal *msg)
{
  g_autoptr(GVariant) body = NULL;
  g_autoptr(GBytes) body_bytes = NULL;
  const guint8 *data;
  gsize len;
  guint8 type;
  const char *ufrag, *pwd, *known, *candidate;

  data = g_bytes_get_data (message, &len);
  if (len < 3 || data[0] != 'T' || data[1] != 'L' || data[2] != LINK_PROTOCOL_VERSION)
    return FALSE;

  body_bytes = g_bytes_new_from_bytes (message, 3, len - 3);
  body = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (MSG_FORMAT), body_bytes, FALSE));
  if (!g_variant_is_normal_form (body))
    return FALSE;
  g_variant_get (body, "(y&s&s&s&s)", &type, &ufrag, &pwd, &known, &candidate);
  if (!valid_ice_string (ufrag, FALSE) || !valid_ice_string (pwd, TRUE) ||
      !valid_ice_string (known, TRUE) || strlen (candidate) > TAFEL_LINK_SIGNAL_MAX_CANDIDATE)
    return FALSE;
  if (type < MSG_CREDENTIALS || type > MSG_RESTART_REQUEST)
    return FALSE;

  msg->type = type;
  msg->ufrag = g_strdup (ufrag);
  msg->pwd = g_strdup (pwd);
  msg->known = g_strdup (known);
  msg->candidate = g_strdup (candidate);
  return TRUE;
}

void
tafel_link_signal_clear (TafelLinkSignal *msg)
{
  g_clear_pointer (&msg->ufrag, g_free);
  g_clear_pointer (&msg->pwd, g_free);
  g_clear_pointer (&msg->known, g_free);
  g_clear_pointer (&msg->candidate, g_free);
}

static void
send_signal (TafelLink  *self,
             guint8      type,
             const char *candidate)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = tafel_link_signal_build (type, self->local_ufrag,
                                   type == MSG_CREDENTIALS || type == MSG_RESTART ? self->local_pwd : "",
                                   self->remote_ufrag != NULL ? self->remote_ufrag : "",
                                   candidate != NULL ? candidate : "");
  if (!tafel_signaling_send (self->signaling, &self->remote_key, bytes, &error))
    g_debug ("Link to peer %s: could not signal: %s", self->name, error->message);
}

/* Sends our credentials and every candidate so far: to start, and again
 * when the peer shows it has not heard them (it came later, or a message
 * was lost). */
static void
send_all_signals (TafelLink *self)
{
  send_signal (self, MSG_CREDENTIALS, NULL);
  for (guint i = 0; i < self->local_candidates->len; i++)
    send_signal (self, MSG_CANDIDATE, g_ptr_array_index (self->local_candidates, i));
  if (self->gathering_done)
    send_signal (self, MSG_END_OF_CANDIDATES, NULL);
}

static void update_path (TafelLink *self, NiceCandidate *local, NiceCandidate *remote);

static void
add_remote_candidate (TafelLink  *self,
                      const char *sdp)
{
  NiceCandidate *candidate;
  GSList list = { 0, };

  candidate = nice_agent_parse_remote_candidate_sdp (self->agent, self->stream_id, sdp);
  if (candidate == NULL)
    {
      g_debug ("Link to peer %s: ignoring a candidate that does not parse", self->name);
      return;
    }

  if (self->candidate_filter == NULL || self->candidate_filter (candidate, self->candidate_filter_data))
    {
      NiceCandidate *local = NULL, *remote = NULL;

      list.data = candidate;
      nice_agent_set_remote_candidates (self->agent, self->stream_id, 1, &list);
      /* The peer's host address may arrive after a check from it chose it
       * as a peer-reflexive one. */
      if (self->path == TAFEL_LINK_PATH_NAT && candidate->type == NICE_CANDIDATE_TYPE_HOST &&
          nice_agent_get_selected_pair (self->agent, self->stream_id, 1, &local, &remote))
        update_path (self, local, remote);
    }
  nice_candidate_free (candidate);
}

static void
apply_remote_credentials (TafelLink *self)
{
  if (self->agent == NULL || self->remote_ufrag == NULL)
    return;

  nice_agent_set_remote_credentials (self->agent, self->stream_id,
                                     self->remote_ufrag, self->remote_pwd);

  for (guint i = 0; i < self->pending_candidates->len; i++)
    {
      PendingCandidate *p = g_ptr_array_index (self->pending_candidates, i);

      if (g_strcmp0 (p->ufrag, self->remote_ufrag) != 0)
        continue;
      if (p->sdp != NULL)
        add_remote_candidate (self, p->sdp);
      else
        nice_agent_peer_candidate_gathering_done (self->agent, self->stream_id);
    }
  g_ptr_array_set_size (self->pending_candidates, 0);
}

static void
keep_pending_candidate (TafelLink  *self,
                        guint8      type,
                        const char *ufrag,
                        const char *candidate)
{
  PendingCandidate *p;

  if (self->pending_candidates->len >= MAX_PENDING_CANDIDATES)
    return;
  p = g_new0 (PendingCandidate, 1);
  p->ufrag = g_strdup (ufrag);
  p->sdp = type == MSG_CANDIDATE ? g_strdup (candidate) : NULL;
  g_ptr_array_add (self->pending_candidates, p);
}

/* Restarts ICE on our side with new credentials and sends them with our
 * candidates; the stream and its keys carry on over whatever path ICE
 * finds next. */
static void
restart_local_ice (TafelLink *self)
{
  g_clear_pointer (&self->local_ufrag, g_free);
  g_clear_pointer (&self->local_pwd, g_free);
  if (!nice_agent_restart_stream (self->agent, self->stream_id))
    {
      tafel_link_fail (self, TAFEL_LINK_ERROR_ICE_FAILED,
                       _("Could not restart the search for a network path"));
      return;
    }
  nice_agent_get_local_credentials (self->agent, self->stream_id,
                                    &self->local_ufrag, &self->local_pwd);
  g_debug ("Link to peer %s: ICE restart", self->name);
}

static void
start_restart (TafelLink *self)
{
  g_autofree char *old_local = g_strdup (self->local_ufrag);

  restart_local_ice (self);
  if (self->local_ufrag == NULL)
    return;

  /* RESTART names the session it restarts: the peer's ufrag (as "known")
   * and our previous one (in the candidate field). */
  send_signal (self, MSG_RESTART, old_local);
  g_clear_pointer (&self->remote_ufrag, g_free);
  g_clear_pointer (&self->remote_pwd, g_free);
  self->restarting = TRUE;
  for (guint i = 0; i < self->local_candidates->len; i++)
    send_signal (self, MSG_CANDIDATE, g_ptr_array_index (self->local_candidates, i));
  send_signal (self, MSG_END_OF_CANDIDATES, NULL);
}

void
tafel_link_ice_receive_signal (TafelSignaling       *signaling,
                               const TafelPublicKey *from,
                               GBytes               *message,
                               TafelLink            *self)
{
  g_auto(TafelLinkSignal) msg = { 0, };
  guint8 type;
  const char *ufrag, *pwd, *known, *candidate;

  if (memcmp (from->bytes, self->remote_key.bytes, TAFEL_PUBLIC_KEY_BYTES) != 0)
    return;
  if (self->state != TAFEL_LINK_STATE_CONNECTING && self->state != TAFEL_LINK_STATE_CONNECTED)
    return;

  if (!tafel_link_signal_parse (message, &msg))
    {
      g_debug ("Link to peer %s: ignoring a malformed signalling message", self->name);
      return;
    }
  type = msg.type;
  ufrag = msg.ufrag;
  pwd = msg.pwd;
  known = msg.known;
  candidate = msg.candidate;

  switch (type)
    {
    case MSG_RESTART:
      /* The controlling peer restarts the session we share: follow. */
      if (self->agent == NULL || self->state != TAFEL_LINK_STATE_CONNECTED ||
          self->remote_ufrag == NULL || *pwd == '\0' ||
          g_strcmp0 (known, self->local_ufrag) != 0 || g_strcmp0 (candidate, self->remote_ufrag) != 0)
        return;
      restart_local_ice (self);
      if (self->local_ufrag == NULL)
        return;
      g_free (self->remote_ufrag);
      g_free (self->remote_pwd);
      self->remote_ufrag = g_strdup (ufrag);
      self->remote_pwd = g_strdup (pwd);
      apply_remote_credentials (self);
      send_all_signals (self);
      return;

    case MSG_RESTART_REQUEST:
      if (self->controlling && !self->restarting && self->agent != NULL &&
          self->state == TAFEL_LINK_STATE_CONNECTED && g_strcmp0 (ufrag, self->remote_ufrag) == 0 &&
          g_strcmp0 (known, self->local_ufrag) == 0)
        start_restart (self);
      return;

    case MSG_CREDENTIALS:
    case MSG_CANDIDATE:
    case MSG_END_OF_CANDIDATES:
      break;

    default:
      return;
    }

  if (self->remote_ufrag == NULL)
    {
      /* During our restart only the answer to it counts. */
      if (type == MSG_CREDENTIALS && *pwd != '\0' &&
          (!self->restarting || g_strcmp0 (known, self->local_ufrag) == 0))
        {
          self->remote_ufrag = g_strdup (ufrag);
          self->remote_pwd = g_strdup (pwd);
          self->restarting = FALSE;
          apply_remote_credentials (self);
        }
      else if (type != MSG_CREDENTIALS)
        {
          keep_pending_candidate (self, type, ufrag, candidate);
        }
    }
  else if (strcmp (ufrag, self->remote_ufrag) != 0)
    {
      /* New credentials from a peer that does not know ours: it began a
       * new session (it restarted its side from scratch), which this link
       * cannot join. Candidates may run ahead of a restart's credentials,
       * so they wait; other messages of another session are ignored. */
      if (type == MSG_CREDENTIALS && g_strcmp0 (known, self->local_ufrag) != 0)
        {
          tafel_link_fail (self, TAFEL_LINK_ERROR_PEER_RESTARTED,
                           _("The peer started a new session"));
          return;
        }
      if (type != MSG_CREDENTIALS)
        keep_pending_candidate (self, type, ufrag, candidate);
    }
  else if (self->agent != NULL)
    {
      if (type == MSG_CANDIDATE)
        add_remote_candidate (self, candidate);
      else if (type == MSG_END_OF_CANDIDATES)
        nice_agent_peer_candidate_gathering_done (self->agent, self->stream_id);
    }

  if (type == MSG_CREDENTIALS && self->local_ufrag != NULL &&
      g_strcmp0 (known, self->local_ufrag) != 0 &&
      self->state == TAFEL_LINK_STATE_CONNECTING)
    send_all_signals (self);
}

/* ---- the agent ----------------------------------------------------------- */

static gboolean
candidate_is_loopback (NiceCandidate *candidate)
{
  char text[NICE_ADDRESS_STRING_LEN];
  g_autoptr(GInetAddress) address = NULL;

  nice_address_to_string (&candidate->addr, text);
  address = g_inet_address_new_from_string (text);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* Whether @remote is one of the peer's own addresses. A peer-reflexive
 * candidate is an address learnt from a check that came in before the
 * peer's candidates did; it is no sign of NAT when the peer names it as a
 * host candidate too. */
static gboolean
remote_is_host (TafelLink     *self,
                NiceCandidate *remote)
{
  GSList *candidates;
  gboolean found = FALSE;

  if (remote->type == NICE_CANDIDATE_TYPE_HOST)
    return TRUE;
  if (remote->type != NICE_CANDIDATE_TYPE_PEER_REFLEXIVE)
    return FALSE;

  candidates = nice_agent_get_remote_candidates (self->agent, self->stream_id, 1);
  for (GSList *l = candidates; l != NULL && !found; l = l->next)
    {
      NiceCandidate *c = l->data;

      found = c->type == NICE_CANDIDATE_TYPE_HOST && nice_address_equal (&c->addr, &remote->addr);
    }
  g_slist_free_full (candidates, (GDestroyNotify) nice_candidate_free);
  return found;
}

static void
update_path (TafelLink     *self,
             NiceCandidate *local,
             NiceCandidate *remote)
{
  TafelLinkPath path;

  if (local->type == NICE_CANDIDATE_TYPE_RELAYED || remote->type == NICE_CANDIDATE_TYPE_RELAYED)
    path = TAFEL_LINK_PATH_RELAYED;
  else if (local->type == NICE_CANDIDATE_TYPE_HOST && remote_is_host (self, remote))
    path = TAFEL_LINK_PATH_DIRECT;
  else
    path = TAFEL_LINK_PATH_NAT;

  tafel_link_set_path (self, path);
}

static void
on_selected_pair (NiceAgent     *agent,
                  guint          stream_id,
                  guint          component_id,
                  NiceCandidate *local,
                  NiceCandidate *remote,
                  TafelLink     *self)
{
  gsize datagram;

  update_path (self, local, remote);
  datagram = tafel_link_config_get_max_datagram (self->config);
  if (datagram == 0)
    datagram = self->path != TAFEL_LINK_PATH_RELAYED && candidate_is_loopback (local) &&
               candidate_is_loopback (remote)
               ? TAFEL_TRANSPORT_DATAGRAM_LOOPBACK : TAFEL_TRANSPORT_DATAGRAM_INTERNET;
  if (self->transport != NULL)
    tafel_transport_set_max_datagram (self->transport, datagram);

  g_debug ("Link to peer %s: path %s, %zu-byte datagrams", self->name,
           tafel_link_path_to_string (self->path), datagram);
}

static void
enlarge_socket_buffers (TafelLink *self)
{
  g_autoptr(GPtrArray) sockets = nice_agent_get_sockets (self->agent, self->stream_id, 1);
  int size = (int) MIN (tafel_link_config_get_window (self->config), G_MAXINT / 2);

  /* Best effort (the kernel caps it at net.core.rmem_max): room for a
   * window's worth of datagrams makes drops under bursts rarer. */
  for (guint i = 0; sockets != NULL && i < sockets->len; i++)
    {
      GSocket *socket = g_ptr_array_index (sockets, i);

      g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, size, NULL);
      g_socket_set_option (socket, SOL_SOCKET, SO_SNDBUF, size, NULL);
    }
}

static void
on_component_state_changed (NiceAgent *agent,
                            guint      stream_id,
                            guint      component_id,
                            guint      state,
                            TafelLink *self)
{
  g_debug ("Link to peer %s: ICE %s", self->name, nice_component_state_to_string (state));

  switch (state)
    {
    case NICE_COMPONENT_STATE_CONNECTED:
    case NICE_COMPONENT_STATE_READY:
      if (!self->ice_ready)
        {
          self->ice_ready = TRUE;
          self->ice_ready_at = g_get_monotonic_time ();
          enlarge_socket_buffers (self);
          tafel_link_schedule_pump (self, 0);
        }
      break;

    case NICE_COMPONENT_STATE_FAILED:
      tafel_link_fail (self, TAFEL_LINK_ERROR_ICE_FAILED, _("No network path to the peer was found"));
      break;

    default:
      break;
    }
}

static void
on_new_candidate (NiceAgent     *agent,
                  NiceCandidate *candidate,
                  TafelLink     *self)
{
  char *sdp;

  if (candidate->stream_id != self->stream_id)
    return;

  sdp = nice_agent_generate_local_candidate_sdp (agent, candidate);
  g_ptr_array_add (self->local_candidates, sdp);
  send_signal (self, MSG_CANDIDATE, sdp);
}

static void
on_gathering_done (NiceAgent *agent,
                   guint      stream_id,
                   TafelLink *self)
{
  self->gathering_done = TRUE;
  send_signal (self, MSG_END_OF_CANDIDATES, NULL);
}

static void
on_datagram (NiceAgent *agent,
             guint      stream_id,
             guint      component_id,
             guint      len,
             gchar     *buf,
             gpointer   user_data)
{
  TafelLink *self = user_data;
  gint64 now = g_get_monotonic_time ();

  if (self->transport == NULL)
    return;

  /* Only what parses counts as a sign of life. */
  if (tafel_transport_receive (self->transport, buf, len, now))
    self->last_received = now;
  tafel_link_schedule_pump (self, 0);
}

static void
create_agent (TafelLink *self)
{
  const char * const *addresses = tafel_link_config_get_local_addresses (self->config);
  gboolean have_stun = self->stun_ip != NULL;

  self->agent = nice_agent_new_full (self->context, NICE_COMPATIBILITY_RFC5245,
                                     NICE_AGENT_OPTION_ICE_TRICKLE);
  g_object_set (self->agent,
                "controlling-mode", self->controlling,
                "upnp", FALSE,
                "ice-tcp", FALSE,
                "force-relay", tafel_link_config_get_force_relay (self->config),
                NULL);
  if (have_stun)
    g_object_set (self->agent,
                  "stun-server", self->stun_ip,
                  "stun-server-port", (guint) tafel_link_config_get_stun_port (self->config),
                  NULL);

  for (guint i = 0; addresses != NULL && addresses[i] != NULL; i++)
    {
      NiceAddress address;

      nice_address_init (&address);
      if (nice_address_set_from_string (&address, addresses[i]))
        nice_agent_add_local_address (self->agent, &address);
    }

  self->stream_id = nice_agent_add_stream (self->agent, 1);

  for (guint i = 0; i < self->turn_ips->len; i++)
    {
      const TafelTurnServer *server = tafel_link_config_get_turn_server (self->config, i);
      const char *ip = g_ptr_array_index (self->turn_ips, i);
      NiceRelayType type = server->transport == TAFEL_TURN_UDP ? NICE_RELAY_TYPE_TURN_UDP
                           : server->transport == TAFEL_TURN_TCP ? NICE_RELAY_TYPE_TURN_TCP
                           : NICE_RELAY_TYPE_TURN_TLS;

      if (ip != NULL)
        nice_agent_set_relay_info (self->agent, self->stream_id, 1, ip, server->port,
                                   server->username, server->password, type);
    }

  g_signal_connect (self->agent, "component-state-changed",
                    G_CALLBACK (on_component_state_changed), self);
  g_signal_connect (self->agent, "new-candidate-full", G_CALLBACK (on_new_candidate), self);
  g_signal_connect (self->agent, "candidate-gathering-done", G_CALLBACK (on_gathering_done), self);
  g_signal_connect (self->agent, "new-selected-pair-full", G_CALLBACK (on_selected_pair), self);
  nice_agent_attach_recv (self->agent, self->stream_id, 1, self->context, on_datagram, self);

  nice_agent_get_local_credentials (self->agent, self->stream_id,
                                    &self->local_ufrag, &self->local_pwd);
  send_signal (self, MSG_CREDENTIALS, NULL);
  apply_remote_credentials (self);

  if (!nice_agent_gather_candidates (self->agent, self->stream_id))
    tafel_link_fail (self, TAFEL_LINK_ERROR_ICE_FAILED, _("Could not gather network candidates"));
}

/* ---- resolving the servers ----------------------------------------------- */

typedef struct
{
  GWeakRef link;
  guint    index;      /* G_MAXUINT: the STUN server, else a TURN server */
} Resolve;

static void
on_resolved (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Resolve *resolve = user_data;
  g_autoptr(TafelLink) self = g_weak_ref_get (&resolve->link);
  g_autoptr(GError) error = NULL;
  GList *addresses;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  if (self != NULL && !g_cancellable_is_cancelled (self->cancellable))
    {
      char *ip = addresses != NULL ? g_inet_address_to_string (addresses->data) : NULL;

      if (ip == NULL)
        g_message ("Link to peer %s: cannot resolve a %s server, going without it: %s", self->name,
                   resolve->index == G_MAXUINT ? "STUN" : "TURN", error->message);
      if (resolve->index == G_MAXUINT)
        self->stun_ip = ip;
      else
        g_ptr_array_index (self->turn_ips, resolve->index) = ip;

      if (--self->pending_resolves == 0)
        create_agent (self);
    }

  g_resolver_free_addresses (addresses);
  g_weak_ref_clear (&resolve->link);
  g_free (resolve);
}

static void
resolve_host (TafelLink  *self,
              const char *host,
              guint       index)
{
  g_autoptr(GResolver) resolver = NULL;
  Resolve *resolve;

  if (g_hostname_is_ip_address (host))
    {
      if (index == G_MAXUINT)
        self->stun_ip = g_strdup (host);
      else
        g_ptr_array_index (self->turn_ips, index) = g_strdup (host);
      return;
    }

  resolver = g_resolver_get_default ();
  resolve = g_new0 (Resolve, 1);
  g_weak_ref_init (&resolve->link, self);
  resolve->index = index;
  self->pending_resolves++;
  g_main_context_push_thread_default (self->context);
  g_resolver_lookup_by_name_async (resolver, host, self->cancellable, on_resolved, resolve);
  g_main_context_pop_thread_default (self->context);
}

/* Starts with the servers' host names resolved; the agent is created once
 * every lookup has answered. */
void
tafel_link_ice_start (TafelLink *self)
{
  g_ptr_array_set_size (self->turn_ips, tafel_link_config_get_n_turn_servers (self->config));
  if (tafel_link_config_get_stun_host (self->config) != NULL)
    resolve_host (self, tafel_link_config_get_stun_host (self->config), G_MAXUINT);
  for (guint i = 0; i < tafel_link_config_get_n_turn_servers (self->config); i++)
    resolve_host (self, tafel_link_config_get_turn_server (self->config, i)->host, i);

  if (self->pending_resolves == 0)
    create_agent (self);
}

void
tafel_link_ice_restart (TafelLink *self)
{
  if (self->controlling)
    start_restart (self);
  else
    send_signal (self, MSG_RESTART_REQUEST, NULL);
}

/* ---- closing ------------------------------------------------------------- */

/* Agents still telling TURN servers to release their relays. */
static gint n_agents_closing;

static void
agent_closed_cb (GObject      *agent,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_atomic_int_dec_and_test (&n_agents_closing);
}

void
tafel_link_ice_close_agent (TafelLink *self)
{
  if (self->agent == NULL)
    return;

  nice_agent_attach_recv (self->agent, self->stream_id, 1, self->context, NULL, NULL);
  g_signal_handlers_disconnect_by_data (self->agent, self);
  /* The close task keeps the agent alive until TURN allocations are
   * released, so dropping our reference is safe even from one of the
   * agent's own callbacks. */
  g_atomic_int_inc (&n_agents_closing);
  nice_agent_close_async (self->agent, agent_closed_cb, NULL);
  g_clear_object (&self->agent);
}

/**
 * tafel_link_releasing_relays:
 *
 * Whether closed links of this process are still asking their TURN
 * servers to release the relays they allocated. A process about to exit
 * runs its main loop until this is %FALSE (bounded): an allocation that
 * is not released holds a relay port on the server for its whole
 * lifetime (10 minutes).
 *
 * Returns: %TRUE while a relay release is under way
 */
gboolean
tafel_link_releasing_relays (void)
{
  return g_atomic_int_get (&n_agents_closing) > 0;
}
