# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers for the Tafel lab cases: tafel-cli peers inside the lab's network
# namespaces. Source lab-lib.sh first, then this file.
#
# Assumed tafel-cli interface (DESIGN.md "tafel-cli", issues 5 and 6). The
# helpers rely on exactly this and nothing more:
#
#   tafel-cli COMMAND --data-dir DIR …   every command takes --data-dir; each
#                                        lab peer has its own DIR
#   tafel-cli new --data-dir DIR         creates a board and prints its
#                                        invite link (a "tafel:…" token
#                                        somewhere in stdout, plain or JSON)
#   tafel-cli seed BOARD --data-dir DIR --json [NET…]
#                                        joins BOARD (id, prefix, invite link
#                                        or .tafel file) and stays online
#                                        until SIGTERM; with --json, stdout
#                                        carries one JSON object per line,
#                                        each with an "event" field, e.g.
#                                          {"event":"peer-connected","candidate":"srflx",…}
#                                          {"event":"synced",…}
#                                        ("candidate" is "host", "srflx",
#                                        "prflx" or "relay": the local
#                                        candidate type of the chosen pair)
#   tafel-cli draw BOARD --data-dir DIR --trace F.ndjson [NET…]
#                                        adds the trace's strokes, exits 0
#                                        once every online peer has them
#   tafel-cli import BOARD --data-dir DIR --trace F.ndjson
#   tafel-cli info BOARD --data-dir DIR --json
#                                        prints one JSON object with a
#                                        "digest" field (the board-state
#                                        digest); it may run while a seed
#                                        uses the same DIR
#
#   NET is "--broker mqtt://203.0.113.1:1883 --stun 203.0.113.1:3478
#   --turn turn://tafel:chalk@203.0.113.1:3478" for the homes
#   (LAB_TAFEL_INTERNET) and "--lan" for the LAN hosts (LAB_TAFEL_LAN).
#
# A case, once those commands exist (see README.md):
#
#   lab_setup symmetric symmetric
#   link=$(lab_tafel_new a home-a)
#   lab_tafel_seed a home-a "$link" "${LAB_TAFEL_INTERNET[@]}"
#   lab_tafel_seed b home-b "$link" "${LAB_TAFEL_INTERNET[@]}"
#   lab_tafel_wait_event a 30 peer-connected &&
#     [ "$(lab_tafel_field "$LAB_TAFEL_EVENT" candidate)" = relay ]
#   lab_tafel_draw a home-a "$link" "$TAFEL_SHARED_DATA/…" "${LAB_TAFEL_INTERNET[@]}"
#   digest=$(lab_tafel_wait_converged 30 "$link" a b)

LAB_TAFEL_CLI=${TAFEL_CLI:-${TAFEL_BUILD_ROOT:-}/src/cli/tafel-cli}
LAB_TAFEL_INTERNET=(
  --broker "mqtt://$LAB_PUB_IP:$LAB_MQTT_PORT"
  --stun "$LAB_PUB_IP:$LAB_STUN_PORT"
  --turn "turn://$LAB_TURN_USER:$LAB_TURN_PASSWORD@$LAB_PUB_IP:$LAB_STUN_PORT"
)
LAB_TAFEL_LAN=(--lan)
# Bound of one-shot commands (new, info, import, draw), in seconds.
LAB_TAFEL_TIMEOUT=${LAB_TAFEL_TIMEOUT:-60}

declare -A LAB_TAFEL_PID=() LAB_TAFEL_NS=() LAB_TAFEL_EVENTS=() LAB_TAFEL_LOG=() LAB_TAFEL_MARK=()

# lab_tafel_have COMMAND: tafel-cli is built and knows COMMAND.
lab_tafel_have () {
  [ -x "$LAB_TAFEL_CLI" ] && "$LAB_TAFEL_CLI" "$1" --help >/dev/null 2>&1
}

# lab_tafel_data_dir PEER: the peer's own data folder (made on first use).
lab_tafel_data_dir () {
  local dir="$LAB_DIR/tafel-$1"
  mkdir -p "$dir"
  echo "$dir"
}

# lab_tafel_cli PEER NS COMMAND [ARGS…]: runs one tafel-cli command as PEER in
# namespace NS, bounded by LAB_TAFEL_TIMEOUT.
lab_tafel_cli () {
  local peer=$1 ns=$2 command=$3 dir; shift 3
  dir=$(lab_tafel_data_dir "$peer")
  lab_run "$ns" timeout "$LAB_TAFEL_TIMEOUT" "$LAB_TAFEL_CLI" "$command" --data-dir "$dir" "$@"
}

# lab_tafel_new PEER NS [ARGS…]: creates a board in PEER's data folder and
# prints its invite link.
lab_tafel_new () {
  local out link
  out=$(lab_tafel_cli "$1" "$2" new "${@:3}") || return 1
  link=$(grep -o 'tafel:[^"[:space:]]*' <<<"$out" | head -n 1)
  [ -n "$link" ] || { echo "tafel-cli new printed no tafel: link: $out" >&2; return 1; }
  echo "$link"
}

# lab_tafel_seed PEER NS BOARD [ARGS…]: starts "tafel-cli seed BOARD --json" as
# PEER in NS in the background (stopped by the lab's teardown). ARGS are
# usually "${LAB_TAFEL_INTERNET[@]}" or "${LAB_TAFEL_LAN[@]}". Its events go
# to LAB_TAFEL_EVENTS[PEER], its stderr to LAB_TAFEL_LOG[PEER].
lab_tafel_seed () {
  local peer=$1 ns=$2 board=$3 dir; shift 3
  [ -z "${LAB_TAFEL_PID[$peer]:-}" ] || { echo "peer $peer is already running" >&2; return 1; }
  dir=$(lab_tafel_data_dir "$peer")
  lab_bg --name "tafel-$peer-$LAB_BG_COUNT" "$ns" \
    "$LAB_TAFEL_CLI" seed "$board" --data-dir "$dir" --json "$@"
  LAB_TAFEL_PID[$peer]=$LAB_BG_PID
  LAB_TAFEL_NS[$peer]=$ns
  LAB_TAFEL_EVENTS[$peer]=$LAB_BG_OUT
  LAB_TAFEL_LOG[$peer]=$LAB_BG_ERR
  LAB_TAFEL_MARK[$peer]=0
}

# lab_tafel_stop PEER: SIGTERM to PEER's seed; returns its exit status (124
# when it had to be killed after 10 s). Its events file stays for reading.
lab_tafel_stop () {
  local pid=${LAB_TAFEL_PID[$1]:-} status
  [ -n "$pid" ] || { echo "peer $1 is not running" >&2; return 1; }
  kill -TERM "$pid" 2>/dev/null
  lab_wait_exit "$pid" 10
  status=$?
  LAB_TAFEL_PID[$1]=
  return "$status"
}

# lab_tafel_mark PEER: later waits on PEER only look at events from now on
# (e.g. a second peer-connected after lab_restore_link).
lab_tafel_mark () {
  LAB_TAFEL_MARK[$1]=$(wc -l <"${LAB_TAFEL_EVENTS[$1]}")
}

# lab_tafel_wait_event PEER TIMEOUT_S EVENT [KEY=VALUE…]: waits (bounded) for
# an event of PEER, newer than its mark, with "event" EVENT and the given
# field values (KEY may be a.b for nested fields), puts its JSON line in
# LAB_TAFEL_EVENT and moves the mark past it. Returns 1 on timeout, 2 as soon
# as the peer's process has ended without it; either way with the peer's
# stderr tail on stderr. Call it in the main shell, not in $(…), or the mark
# and LAB_TAFEL_EVENT are lost.
LAB_TAFEL_EVENT=
lab_tafel_wait_event () {
  local peer=$1 timeout=$2 event=$3 out status pid kv matches=()
  shift 3
  for kv in "$@"; do matches+=(--match "$kv"); done
  pid=${LAB_TAFEL_PID[$peer]:-}
  LAB_TAFEL_EVENT=
  out=$(python3 "$LAB_PROBE" wait-event "${LAB_TAFEL_EVENTS[$peer]}" --event "$event" \
          "${matches[@]}" --after "${LAB_TAFEL_MARK[$peer]}" --timeout "$timeout" \
          ${pid:+--pid "$pid"})
  status=$?
  if [ "$status" -ne 0 ]; then
    { echo "peer $peer: no $event event${*:+ with $*}"; tail -n 20 "${LAB_TAFEL_LOG[$peer]}"; } >&2
    return "$status"
  fi
  LAB_TAFEL_MARK[$peer]=${out%% *}
  LAB_TAFEL_EVENT=${out#* }
}

# lab_tafel_events PEER [EVENT]: every event line of PEER (of kind EVENT).
lab_tafel_events () {
  local line
  while IFS= read -r line; do
    [ -z "${2:-}" ] || [ "$(lab_tafel_field "$line" event 2>/dev/null)" = "$2" ] && echo "$line"
  done <"${LAB_TAFEL_EVENTS[$1]}"
}

# lab_tafel_field JSON FIELD: a field (a.b for nested) of one JSON object.
lab_tafel_field () {
  python3 "$LAB_PROBE" json-get "$2" <<<"$1"
}

# lab_tafel_digest PEER BOARD [NS]: PEER's board-state digest ("info --json"),
# run in NS (by default the namespace PEER was seeded in).
lab_tafel_digest () {
  local ns=${3:-${LAB_TAFEL_NS[$1]:-}} out
  [ -n "$ns" ] || { echo "peer $1: no namespace given and never seeded" >&2; return 1; }
  out=$(lab_tafel_cli "$1" "$ns" info "$2" --json) || return 1
  lab_tafel_field "$out" digest
}

# lab_tafel_wait_converged TIMEOUT_S BOARD PEER…: polls (bounded) until every
# PEER reports the same, non-empty digest of BOARD; prints it. On timeout,
# prints each peer's last digest to stderr and returns 1.
lab_tafel_wait_converged () {
  local timeout=$1 board=$2; shift 2
  local deadline=$(( $(lab_now_ms) + timeout * 1000 )) peer first d same
  local -A last=()
  while :; do
    same=1 first=
    for peer in "$@"; do
      d=$(lab_tafel_digest "$peer" "$board" 2>/dev/null) || d=
      last[$peer]=$d
      [ -n "$d" ] || same=0
      [ -z "$first" ] && first=$d
      [ "$d" = "$first" ] || same=0
    done
    if [ "$same" -eq 1 ]; then echo "$first"; return 0; fi
    if [ "$(lab_now_ms)" -ge "$deadline" ]; then
      for peer in "$@"; do echo "peer $peer: digest '${last[$peer]}'" >&2; done
      return 1
    fi
    sleep 0.2
  done
}

# lab_tafel_draw PEER NS BOARD TRACE [ARGS…]: "tafel-cli draw" with TRACE as
# PEER in NS; returns its exit status (bounded by LAB_TAFEL_TIMEOUT).
lab_tafel_draw () {
  local peer=$1 ns=$2 board=$3 trace=$4; shift 4
  lab_tafel_cli "$peer" "$ns" draw "$board" --trace "$trace" "$@" \
    >>"$LAB_DIR/tafel-$peer-draw.out" 2>>"$LAB_DIR/tafel-$peer-draw.err"
}

# lab_tafel_import PEER NS BOARD TRACE: adds TRACE's strokes offline.
lab_tafel_import () {
  lab_tafel_cli "$1" "$2" import "$3" --trace "$4"
}
