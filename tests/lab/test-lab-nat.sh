#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Tafel through NATs, in the lab's network namespaces (issue "Joining by
# invite link", lab cases a, b, c and e; case d, the LAN, is
# test-lab-tafel.sh). Peers are real tafel-cli processes given only the
# invite link and the lab's broker, STUN and TURN servers; each case checks
# the kind of path the link took and that every peer ends with the same
# board (digest), nothing lost.
#
#   a. endpoint-independent NAT on both sides → direct via NAT (srflx)
#   b. symmetric NAT on both sides → through the TURN relay
#   c. UDP blocked at one NAT → TURN over TCP
#   e. the link cut for 20 s, then restored → reconnect and converge
set -u
. "$(dirname "$0")/lab-lib.sh"
lab_require
. "$(dirname "$0")/lab-tafel.sh"
lab_tafel_have seed || skip_all "tafel-cli is not built"
shared=${TAFEL_SHARED_DATA:-}
[ -f "$shared/quickdraw-strokes.ndjson" ] || skip_all "the shared stroke traces are not there"

echo "1..27"
lab_setup_internet eim eim

head -n 150 "$shared/quickdraw-strokes.ndjson" >"$LAB_DIR/t1.ndjson"
sed -n '151,250p' "$shared/quickdraw-strokes.ndjson" >"$LAB_DIR/t2.ndjson"
sed -n '251,330p' "$shared/quickdraw-strokes.ndjson" >"$LAB_DIR/t3.ndjson"
n1=$(wc -l <"$LAB_DIR/t1.ndjson")
n2=$(wc -l <"$LAB_DIR/t2.ndjson")
n3=$(wc -l <"$LAB_DIR/t3.ndjson")

# stopped_info PEER BOARD NS: "DIGEST RECORDS" of PEER's board. The seeds
# hold their board locked, so this runs after they stop.
stopped_info () {
  local out
  out=$(lab_tafel_cli "$1" "$3" info "$2" --json) || return 1
  echo "$(lab_tafel_field "$out" digest) $(lab_tafel_field "$out" records)"
}

# same_board WHAT EXPECTED_RECORDS INFO_A INFO_B: one TAP line each for
# "same digest" and "every record there".
same_board () {
  local what=$1 expected=$2 a=$3 b=$4
  check "$what: both peers end with the same board" test -n "${a%% *}" -a "${a%% *}" = "${b%% *}"
  check "$what: nothing was lost ($expected records on each)" \
    test "${a#* }" = "$expected" -a "${b#* }" = "$expected"
}

# tcp_to_turn NS: a process in NS holds an established TCP connection to
# coturn (TURN over TCP; nothing else in the lab uses TCP port 3478).
tcp_to_turn () {
  lab_run "$1" ss -Htn state established "dst $LAB_PUB_IP:$LAB_STUN_PORT" | grep -q .
}

# run_case NAME NAT_A NAT_B EXPECTED_CANDIDATE [EXTRA NET ARGS for a…]
run_case () {
  local name=$1 nat_a=$2 nat_b=$3 expected=$4; shift 4
  local a="$name-a" b="$name-b" link ia ib candidate started linked=0
  local net_a=("${LAB_TAFEL_INTERNET[@]}" "$@")

  lab_set_nat a "$nat_a"
  lab_set_nat b "$nat_b"
  link=$(lab_tafel_new "$a" home-a --broker "mqtt://$LAB_PUB_IP:$LAB_MQTT_PORT")
  lab_tafel_import "$a" home-a "$link" "$LAB_DIR/t1.ndjson" >/dev/null
  lab_tafel_seed "$a" home-a "$link" "${net_a[@]}"
  started=$(lab_now_ms)
  lab_tafel_seed "$b" home-b "$link" "${LAB_TAFEL_INTERNET[@]}"

  if lab_tafel_wait_event "$a" 90 peer-joined; then
    linked=1
    candidate=$(lab_tafel_field "$LAB_TAFEL_EVENT" candidate)
    diag "$name: linked ${candidate:-?} ($(lab_tafel_field "$LAB_TAFEL_EVENT" path))" \
         "$(( $(lab_now_ms) - started )) ms after the second peer started"
    check "$name: the peers link ($nat_a / $nat_b NAT)" true
    check "$name: the link uses a $expected candidate" test "$candidate" = "$expected"
  else
    check "$name: the peers link ($nat_a / $nat_b NAT)" false
    check "$name: the link uses a $expected candidate" false
    diag "$(tail -n 15 "${LAB_TAFEL_EVENTS[$a]}")"
    diag "$(tail -n 15 "${LAB_TAFEL_LOG[$a]}")"
    diag "$(tail -n 15 "${LAB_TAFEL_LOG[$b]}")"
    lab_dump_logs
  fi
  if [ "$name" = c ]; then
    # home-a sends no UDP at all, so its end of the link can only be a
    # relay reached over TCP; see that connection.
    if [ "$linked" -eq 1 ] && tcp_to_turn home-a; then
      ok "c: a reaches its relay over TCP"
    else
      not_ok "c: a reaches its relay over TCP"
      diag "$(lab_run home-a ss -Htnp 2>&1)"
    fi
  fi

  # A third peer draws in b's home; draw returns once every online peer
  # (a and b) has the strokes.
  check "$name: a drawing made in b's home reaches both peers" \
    lab_tafel_draw "$b-draw" home-b "$link" "$LAB_DIR/t2.ndjson" "${LAB_TAFEL_INTERNET[@]}" --peers 2

  lab_tafel_stop "$a"; lab_tafel_stop "$b"
  # Peers that quit give their TURN relays back rather than leave them
  # allocated on the server for their whole lifetime.
  if wait_for 10 lab_turn_all_released; then
    ok "$name: every TURN relay was released when the peers quit"
  else
    not_ok "$name: every TURN relay was released when the peers quit"
    diag "$(lab_turn_unreleased) of them were not"
  fi
  ia=$(stopped_info "$a" "$link" home-a)
  ib=$(stopped_info "$b" "$link" home-b)
  same_board "$name" $(( n1 + n2 )) "$ia" "$ib"
}

run_case a eim eim srflx
run_case b symmetric symmetric relay
run_case c udp-blocked eim relay \
  --turn "turn://$LAB_TURN_USER:$LAB_TURN_PASSWORD@$LAB_PUB_IP:$LAB_STUN_PORT?transport=tcp"

# e. The link is cut for 20 s while a third peer draws in b's home; it
# comes back and nothing is lost.
lab_set_nat a eim; lab_set_nat b eim
link=$(lab_tafel_new e-a home-a --broker "mqtt://$LAB_PUB_IP:$LAB_MQTT_PORT")
lab_tafel_import e-a home-a "$link" "$LAB_DIR/t1.ndjson" >/dev/null
lab_tafel_seed e-a home-a "$link" "${LAB_TAFEL_INTERNET[@]}"
lab_tafel_seed e-b home-b "$link" "${LAB_TAFEL_INTERNET[@]}"
if lab_tafel_wait_event e-a 90 peer-joined; then
  check "e: before the cut the peers link via NAT" \
    test "$(lab_tafel_field "$LAB_TAFEL_EVENT" candidate)" = srflx
else
  not_ok "e: before the cut the peers link via NAT"
fi
check "e: b has the board before the cut" lab_tafel_wait_event e-b 60 synced
lab_cut_link a
cut_at=$(lab_now_ms)
check "e: a notices the cut (peer left)" lab_tafel_wait_event e-a 30 peer-left
# Drawn in b's home while a is unreachable: reaches e-b only.
check "e: drawing during the cut reaches the peer still online" \
  lab_tafel_draw e-c home-b "$link" "$LAB_DIR/t3.ndjson" "${LAB_TAFEL_INTERNET[@]}" --peers 1
# The cut lasts 20 s in all; this waits out the rest of it (the issue's
# fixed duration, not a wait for an event).
rest=$(( 20000 - ($(lab_now_ms) - cut_at) ))
[ "$rest" -gt 0 ] && sleep "$(awk -v ms="$rest" 'BEGIN { printf "%.3f", ms / 1000 }')"
lab_restore_link a
restored_at=$(lab_now_ms)
if lab_tafel_wait_event e-a 120 peer-joined; then
  diag "e: linked again $(( $(lab_now_ms) - restored_at )) ms after the link came back"
  check "e: the peers link again after the cut, via NAT" \
    test "$(lab_tafel_field "$LAB_TAFEL_EVENT" candidate)" = srflx
else
  not_ok "e: the peers link again after the cut, via NAT"
  diag "$(tail -n 15 "${LAB_TAFEL_LOG[e-a]}")"
fi
check "e: a syncs what it missed" lab_tafel_wait_event e-a 60 synced records=$(( n1 + n3 ))
lab_tafel_stop e-a; lab_tafel_stop e-b
ea=$(stopped_info e-a "$link" home-a)
eb=$(stopped_info e-b "$link" home-b)
same_board e $(( n1 + n3 )) "$ea" "$eb"

exit $tap_failed
