#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Five tafel-cli processes on one board, given only its invite link: two
# seeds (one with strokes already) and three peers drawing real traces at
# the same time. They link up through a real mosquitto on loopback, the
# drawers deliver to the online peers and exit; started again as seeds they
# catch up with whatever they missed, and all five show the same board.
set -u
. "$(dirname "$0")/cli-lib.sh"

start_broker

# Slices of the real traces, one per peer.
q="$shared/quickdraw-strokes.ndjson"
head -n 300 "$q" >"$work/a.ndjson"
sed -n '301,700p' "$q" >"$work/c.ndjson"
sed -n '701,1100p' "$q" >"$work/d.ndjson"
head -n 250 "$shared/excalidraw-strokes.ndjson" >"$work/e.ndjson"
expected=$(cat "$work/a.ndjson" "$work/c.ndjson" "$work/d.ndjson" "$work/e.ndjson" | wc -l)

out=$("$cli" new --data-dir "$work/a" --title "Five" --broker "$broker")
id=$(echo "$out" | head -n 1)
link=$(echo "$out" | sed -n 2p)
"$cli" import "$id" --data-dir "$work/a" --trace "$work/a.ndjson" >/dev/null
check "the first seed holds its strokes before going online" \
  test "$(info_field "$work/a" "$id" records)" = "$(wc -l <"$work/a.ndjson")"

net=(--local-address 127.0.0.1 --json)
"$cli" seed "$link" --data-dir "$work/a" "${net[@]}" >"$work/a.log" 2>&1 & pids+=($!); a_pid=$!
"$cli" seed "$link" --data-dir "$work/b" "${net[@]}" >"$work/b.log" 2>&1 & pids+=($!); b_pid=$!

# Three peers draw at once; each exits once every peer it is linked to
# (at least the two seeds' worth) has its strokes.
for p in c d e; do
  "$cli" draw "$link" --data-dir "$work/$p" --trace "$work/$p.ndjson" --peers 2 --timeout 50 \
    "${net[@]}" >"$work/$p-draw.log" 2>&1 &
  eval "${p}_pid=$!"
done
wait "$c_pid"; c_status=$?
wait "$d_pid"; d_status=$?
wait "$e_pid"; e_status=$?
check "drawer c delivered its strokes and exited 0" test "$c_status" = 0
check "drawer d delivered its strokes and exited 0" test "$d_status" = 0
check "drawer e delivered its strokes and exited 0" test "$e_status" = 0

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
wait "$a_pid" "$b_pid" "$c_pid" "$d_pid" "$e_pid" 2>/dev/null

first=$(info_field "$work/a" "$id" digest)
for p in a b c d e; do
  check "peer $p holds every stroke ($expected)" test "$(info_field "$work/$p" "$id" records)" = "$expected"
  check "peer $p shows the same board (digest)" test "$(info_field "$work/$p" "$id" digest)" = "$first"
done

[ "$tap_failed" = 0 ] || show_logs
done_testing
