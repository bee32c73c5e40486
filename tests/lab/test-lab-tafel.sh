#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Tafel through NATs, in the lab's network namespaces (issue "Joining by
# invite link", lab cases a–e). Peers are real tafel-cli processes given only
# the invite link; each case checks the kind of path the link took and that
# every peer ends with the same board (digest), nothing lost.
#
#   a. endpoint-independent NAT on both sides → direct via NAT (srflx)
#   b. symmetric NAT on both sides → through the TURN relay
#   c. UDP blocked at one NAT → TURN over TCP
#   d. two peers on one LAN segment, no broker, no internet → LAN beacon
#   e. the link cut for 20 s, then restored → reconnect and converge
set -u
. "$(dirname "$0")/lab-lib.sh"
lab_require
. "$(dirname "$0")/lab-tafel.sh"
lab_tafel_have seed || skip_all "tafel-cli is not built"
shared=${TAFEL_SHARED_DATA:-}
[ -f "$shared/quickdraw-strokes.ndjson" ] || skip_all "the shared stroke traces are not there"

echo "1..22"
lab_setup eim eim

head -n 150 "$shared/quickdraw-strokes.ndjson" >"$LAB_DIR/t1.ndjson"
sed -n '151,250p' "$shared/quickdraw-strokes.ndjson" >"$LAB_DIR/t2.ndjson"
sed -n '251,330p' "$shared/quickdraw-strokes.ndjson" >"$LAB_DIR/t3.ndjson"

# The seeds hold their board locked, so digests are read after they stop.
stopped_digest () {
  lab_tafel_digest "$1" "$2" "$3"
}

# run_case NAME NAT_A NAT_B EXPECTED_CANDIDATE [EXTRA NET ARGS for a…]
run_case () {
  local name=$1 nat_a=$2 nat_b=$3 expected=$4; shift 4
  local a="$name-a" b="$name-b" link da db candidate
  local net_a=("${LAB_TAFEL_INTERNET[@]}" "$@")

  lab_set_nat a "$nat_a"
  lab_set_nat b "$nat_b"
  link=$(lab_tafel_new "$a" home-a --broker "mqtt://$LAB_PUB_IP:$LAB_MQTT_PORT")
  lab_tafel_import "$a" home-a "$link" "$LAB_DIR/t1.ndjson" >/dev/null
  lab_tafel_seed "$a" home-a "$link" "${net_a[@]}"
  lab_tafel_seed "$b" home-b "$link" "${LAB_TAFEL_INTERNET[@]}"

  if lab_tafel_wait_event "$a" 90 peer-joined; then
    candidate=$(lab_tafel_field "$LAB_TAFEL_EVENT" candidate)
    diag "$name: link path ${candidate:-?} ($(lab_tafel_field "$LAB_TAFEL_EVENT" path))"
    check "$name: the peers link ($nat_a / $nat_b NAT)" true
    check "$name: the link uses a $expected candidate" test "$candidate" = "$expected"
  else
    check "$name: the peers link ($nat_a / $nat_b NAT)" false
    check "$name: the link uses a $expected candidate" false
  fi

  # b draws; draw returns once every online peer (a) has the strokes.
  check "$name: a drawing from b reaches a" \
    lab_tafel_draw "$b-draw" home-b "$link" "$LAB_DIR/t2.ndjson" "${LAB_TAFEL_INTERNET[@]}" --peers 2
  lab_tafel_wait_event "$b" 60 synced >/dev/null 2>&1

  lab_tafel_stop "$a"; lab_tafel_stop "$b"
  da=$(stopped_digest "$a" "$link" home-a)
  db=$(stopped_digest "$b" "$link" home-b)
  check "$name: both peers end with the same board" test -n "$da" -a "$da" = "$db"
}

run_case a eim eim srflx
run_case b symmetric symmetric relay
run_case c udp-blocked eim relay \
  --turn "turn://$LAB_TURN_USER:$LAB_TURN_PASSWORD@$LAB_PUB_IP:$LAB_STUN_PORT?transport=tcp"

# d. One room, no broker, no internet.
link=$(lab_tafel_new d-1 lan-1)
lab_tafel_import d-1 lan-1 "$link" "$LAB_DIR/t1.ndjson" >/dev/null
lab_tafel_seed d-1 lan-1 "$link" "${LAB_TAFEL_LAN[@]}"
lab_tafel_seed d-2 lan-2 "$link" "${LAB_TAFEL_LAN[@]}"
if lab_tafel_wait_event d-1 60 peer-joined; then
  check "d: peers on one LAN find each other with no broker" true
  check "d: they link host to host" test "$(lab_tafel_field "$LAB_TAFEL_EVENT" candidate)" = host
else
  check "d: peers on one LAN find each other with no broker" false
  check "d: they link host to host" false
fi
check "d: the newcomer syncs the board" lab_tafel_wait_event d-2 60 synced
lab_tafel_stop d-1; lab_tafel_stop d-2
d1=$(stopped_digest d-1 "$link" lan-1); d2=$(stopped_digest d-2 "$link" lan-2)
check "d: both end with the same board" test -n "$d1" -a "$d1" = "$d2"

# e. The link is cut for 20 s while b keeps drawing; it comes back and
# nothing is lost.
lab_set_nat a eim; lab_set_nat b eim
link=$(lab_tafel_new e-a home-a --broker "mqtt://$LAB_PUB_IP:$LAB_MQTT_PORT")
lab_tafel_import e-a home-a "$link" "$LAB_DIR/t1.ndjson" >/dev/null
lab_tafel_seed e-a home-a "$link" "${LAB_TAFEL_INTERNET[@]}"
lab_tafel_seed e-b home-b "$link" "${LAB_TAFEL_INTERNET[@]}"
lab_tafel_wait_event e-a 90 peer-joined >/dev/null
lab_tafel_wait_event e-b 60 synced >/dev/null
lab_cut_link a
cut_at=$(lab_now_ms)
check "e: a notices the cut (peer left)" lab_tafel_wait_event e-a 30 peer-left
# Drawn in b's home while a is unreachable: reaches e-b only.
check "e: drawing during the cut reaches the peer still online" \
  lab_tafel_draw e-c home-b "$link" "$LAB_DIR/t3.ndjson" "${LAB_TAFEL_INTERNET[@]}" --peers 1
# The cut lasts 20 s in all; this waits out the rest of it.
rest=$(( 20000 - ($(lab_now_ms) - cut_at) ))
[ "$rest" -gt 0 ] && sleep "$(awk -v ms="$rest" 'BEGIN { printf "%.3f", ms / 1000 }')"
lab_restore_link a
check "e: the peers link again after the cut" lab_tafel_wait_event e-a 120 peer-joined
check "e: a syncs what it missed" lab_tafel_wait_event e-a 60 synced
lab_tafel_stop e-a; lab_tafel_stop e-b
ea=$(stopped_digest e-a "$link" home-a); eb=$(stopped_digest e-b "$link" home-b)
records=$(lab_tafel_cli e-a home-a info "$link" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')
expected=$(( $(wc -l <"$LAB_DIR/t1.ndjson") + $(wc -l <"$LAB_DIR/t3.ndjson") ))
check "e: both end with the same board" test -n "$ea" -a "$ea" = "$eb"
check "e: nothing was lost ($expected records)" test "$records" = "$expected"

exit $tap_failed
