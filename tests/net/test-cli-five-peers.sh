#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Five tafel-cli processes on one board, given only its invite link: a seed
# with strokes already, a peer that draws and stays online (draw --stay),
# and three peers drawing real traces at the same time, one of them at a
# pen's pace (draw --pace). They link up through a real mosquitto on
# loopback, the drawers deliver to the online peers and exit; started again
# as seeds they catch up with whatever they missed, and all five show the
# same board.
set -u
. "$(dirname "$0")/cli-lib.sh"

start_broker

# Slices of the real traces, one per peer.
trace_slice quickdraw 1 300 "$work/a.ndjson"
trace_slice quickdraw 301 400 "$work/c.ndjson"
trace_slice quickdraw 701 400 "$work/d.ndjson"
trace_slice excalidraw 1 40 "$work/e.ndjson"
trace_slice quickdraw 1101 50 "$work/b.ndjson"
expected=$(cat "$work/a.ndjson" "$work/b.ndjson" "$work/c.ndjson" "$work/d.ndjson" "$work/e.ndjson" | wc -l)

out=$("$cli" new --data-dir "$work/a" --title "Five" --broker "$broker")
id=$(echo "$out" | head -n 1)
link=$(echo "$out" | sed -n 2p)
"$cli" import "$id" --data-dir "$work/a" --trace "$work/a.ndjson" >/dev/null
check "the first seed holds its strokes before going online" \
  test "$(info_field "$work/a" "$id" records)" = "$(wc -l <"$work/a.ndjson")"

net=(--local-address 127.0.0.1 --json)
"$cli" seed "$link" --data-dir "$work/a" "${net[@]}" >"$work/a.log" 2>&1 & pids+=($!); a_pid=$!
"$cli" draw "$link" --data-dir "$work/b" --trace "$work/b.ndjson" --stay "${net[@]}" >"$work/b.log" 2>&1 &
pids+=($!); b_pid=$!

# Three peers draw at once, e at a pen's pace (a point a millisecond, shown
# live, each stroke committed as the pen lifts); each exits once every peer
# it is linked to (at least two) has its strokes.
pace=()
for p in c d e; do
  [ "$p" = e ] && pace=(--pace 1)
  "$cli" draw "$link" --data-dir "$work/$p" --trace "$work/$p.ndjson" --peers 2 --timeout 50 \
    "${pace[@]}" "${net[@]}" >"$work/$p-draw.log" 2>&1 &
  eval "${p}_pid=$!"
done
wait "$c_pid"; c_status=$?
wait "$d_pid"; d_status=$?
wait "$e_pid"; e_status=$?
check "drawer c delivered its strokes and exited 0" test "$c_status" = 0
check "drawer d delivered its strokes and exited 0" test "$d_status" = 0
check "drawer e delivered its strokes, drawn at a pen's pace, and exited 0" test "$e_status" = 0
# Paced strokes are committed one at a time, so peers linked meanwhile
# receive them as runs of one.
single_runs_from_e () {
  python3 - "$work/e-draw.log" "$work/a.log" "$work/b.log" <<'EOF_PY'
import json, sys
def events(path):
    for line in open(path, errors="replace"):
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if isinstance(e, dict):
            yield e
me = next(e["peer"] for e in events(sys.argv[1]) if e.get("event") == "started")
n = sum(1 for path in sys.argv[2:] for e in events(path)
        if e.get("event") == "records-received" and e.get("peer") == me and e.get("count") == 1)
sys.exit(0 if n >= 5 else 1)
EOF_PY
}
check "… one by one: peers received them as runs of one" single_runs_from_e
b_delivered () { grep -q '"event":"delivered"' "$work/b.log"; }
check "drawer b delivered its strokes" wait_for 20 b_delivered
check "… and stays online (--stay)" kill -0 "$b_pid"

# The drawers come back as seeds and catch up; every peer reports being in
# sync while holding all the strokes.
for p in c d e; do
  "$cli" seed "$link" --data-dir "$work/$p" "${net[@]}" >"$work/$p.log" 2>&1 & pids+=($!)
  eval "${p}_pid=$!"
done
all_synced () {
  for p in a b c d e; do synced_to "$work/$p.log" "$expected" || return 1; done
}
check "all five report being in sync with $expected records" wait_for 45 all_synced
a_linked_all () { test "$(distinct_peers "$work/a.log")" -ge 4; }
check "the first seed linked with all four others" wait_for 20 a_linked_all

kill -TERM "$a_pid" "$b_pid" "$c_pid" "$d_pid" "$e_pid"
wait "$b_pid"; b_status=$?
wait "$a_pid" "$c_pid" "$d_pid" "$e_pid" 2>/dev/null
check "drawer b, interrupted after delivering, exits 0" test "$b_status" = 0

first=$(info_field "$work/a" "$id" digest)
for p in a b c d e; do
  check "peer $p holds every stroke ($expected)" test "$(info_field "$work/$p" "$id" records)" = "$expected"
  check "peer $p shows the same board (digest)" test "$(info_field "$work/$p" "$id" digest)" = "$first"
done

[ "$tap_failed" = 0 ] || show_logs
done_testing
