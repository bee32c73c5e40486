#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One identity in two data folders (a copied folder, a restored backup):
# both draw into one board at once while a third peer seeds it. The device
# whose records the network refused says so in plain words, moves to a new
# identity and sends its strokes again under it; at the end every peer
# shows the same board and every stroke drawn on either device is on it.
# (docs/identity.md)
set -u
. "$(dirname "$0")/cli-lib.sh"

start_broker
out=$("$cli" new --data-dir "$work/a" --title "Two devices" --broker "$broker")
id=$(echo "$out" | head -n 1)
link=$(echo "$out" | sed -n 2p)
trace_slice quickdraw 1 30 "$work/before.ndjson"
trace_slice quickdraw 31 40 "$work/a.ndjson"
trace_slice excalidraw 1 40 "$work/b.ndjson"
"$cli" import "$id" --data-dir "$work/a" --trace "$work/before.ndjson" >/dev/null
cp -a "$work/a" "$work/b"
check "the two folders hold one identity" cmp -s "$work/a/identity" "$work/b/identity"
cp "$work/a/identity" "$work/identity.before"

net=(--local-address 127.0.0.1 --json)
"$cli" seed "$link" --data-dir "$work/s" "${net[@]}" >"$work/s.log" 2>&1 & pids+=($!); s_pid=$!

# Both devices draw at once, each until every online peer has its strokes.
"$cli" draw "$link" --data-dir "$work/a" --trace "$work/a.ndjson" --timeout 90 "${net[@]}" >"$work/a.log" 2>&1 &
pids+=($!); a_pid=$!
"$cli" draw "$link" --data-dir "$work/b" --trace "$work/b.ndjson" --timeout 90 "${net[@]}" >"$work/b.log" 2>&1 &
pids+=($!); b_pid=$!
wait $a_pid; a_status=$?
wait $b_pid; b_status=$?
check "the first device's draw ends with every peer holding its strokes" test "$a_status" = 0
check "so does the second's" test "$b_status" = 0

moved=0
for d in a b; do
  [ "$(event_count "$work/$d.log" identity-changed)" -gt 0 ] && moved=$((moved + 1))
done
check "a device finds out that another one writes under its identity" test "$moved" -ge 1

# What the device that moved said, and in which order.
events_in_order () {
  python3 - "$1" <<'EOF'
import json, sys
seen = []
for line in open(sys.argv[1], errors="replace"):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if isinstance(e, dict) and e.get("event") in ("identity-changed", "reissued", "delivered"):
        seen.append(e)
kinds = [e["event"] for e in seen]
if "identity-changed" not in kinds:
    sys.exit(0)      # this device kept the identity
changed = seen[kinds.index("identity-changed")]
assert changed["message"].startswith("Another device is using this identity"), changed
assert changed["former"] != changed["peer"], changed
assert "reissued" in kinds and "delivered" in kinds, kinds
# Its strokes went out again before it said they were delivered.
assert kinds.index("identity-changed") < kinds.index("reissued") < kinds.index("delivered"), kinds
reissued = seen[kinds.index("reissued")]
assert 1 <= reissued["records"] <= 40, reissued
EOF
}
ok_order=1
for d in a b; do events_in_order "$work/$d.log" || ok_order=0; done
check "it says so in plain words, sends its strokes again, then reports them delivered" test "$ok_order" = 1

changed_ids=0
for d in a b; do cmp -s "$work/$d/identity" "$work/identity.before" || changed_ids=$((changed_ids + 1)); done
check "the device that moved has a new identity in its folder; the other kept its own" test "$changed_ids" = "$moved"

# Both devices come back for what the other drew (it is all at the seed).
records_s=$(info_field "$work/s" "$id" records)
"$cli" seed "$link" --data-dir "$work/a" "${net[@]}" >"$work/a2.log" 2>&1 & pids+=($!); a2_pid=$!
"$cli" seed "$link" --data-dir "$work/b" "${net[@]}" >"$work/b2.log" 2>&1 & pids+=($!); b2_pid=$!
check "the first device catches up with the seed ($records_s records)" wait_for 90 synced_to "$work/a2.log" "$records_s"
check "so does the second" wait_for 90 synced_to "$work/b2.log" "$records_s"
kill -TERM $a2_pid $b2_pid $s_pid
wait $a2_pid $b2_pid $s_pid 2>/dev/null

expected=$(( $(wc -l <"$work/before.ndjson") + $(wc -l <"$work/a.ndjson") + $(wc -l <"$work/b.ndjson") ))
all_strokes=1
for d in a b s; do
  [ "$(info_field "$work/$d" "$id" strokes)" = "$expected" ] || all_strokes=0
  [ "$(info_field "$work/$d" "$id" visible)" = "$expected" ] || all_strokes=0
done
check "every stroke drawn on either device is on every peer's board ($expected)" test "$all_strokes" = 1
digest_a=$(info_field "$work/a" "$id" digest)
check "the first device shows the seed's board (digest)" test "$digest_a" = "$(info_field "$work/s" "$id" digest)"
check "so does the second" test "$(info_field "$work/b" "$id" digest)" = "$digest_a"

[ $tap_failed -ne 0 ] && show_logs
done_testing
