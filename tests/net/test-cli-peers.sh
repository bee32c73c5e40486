#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tafel-cli peers given nothing but an invite link (with a broker hint) find
# each other through a real mosquitto on loopback, draw concurrently and
# converge to one board-state digest; hostile messages on the board's topic
# harm nothing; a peer that joins after the author left gets everything.
set -u

tap_n=0; failed=0
ok ()     { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok () { tap_n=$((tap_n + 1)); failed=1; echo "not ok $tap_n - $*"; }
check ()  { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
skip_all () {
  echo "1..0 # SKIP $*"
  case " $* $ARGS " in *" --tap "*) exit 0 ;; esac
  exit 77
}
ARGS="$*"

cli="${TAFEL_BUILD_ROOT:?}/src/cli/tafel-cli"
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$mosquitto" ] || skip_all "mosquitto is not installed"
command -v mosquitto_pub >/dev/null || skip_all "mosquitto_pub is not installed"
shared=${TAFEL_SHARED_DATA:-}

work=$(mktemp -d "${TAFEL_TEST_TMPDIR:-/tmp}/cli-peers.XXXXXX")
pids=()
cleanup () {
  for p in "${pids[@]}" $(jobs -p); do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# wait_for TIMEOUT_S COMMAND…: polls a real condition, bounded.
wait_for () {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nuser root\n' "$port" >"$work/mosquitto.conf"
"$mosquitto" -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
pids+=($!)
wait_for 10 python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" ||
  { echo "Bail out! mosquitto did not start"; exit 1; }

# Slices of the real traces, one per peer; synthetic random walks when the
# shared traces are not there.
if [ -f "$shared/quickdraw-strokes.ndjson" ] && [ -f "$shared/excalidraw-strokes.ndjson" ]; then
  head -n 400 "$shared/quickdraw-strokes.ndjson" >"$work/a.ndjson"
  sed -n '401,700p' "$shared/quickdraw-strokes.ndjson" >"$work/b.ndjson"
  head -n 200 "$shared/excalidraw-strokes.ndjson" >"$work/c.ndjson"
  sed -n '701,900p' "$shared/quickdraw-strokes.ndjson" >"$work/d.ndjson"
else
  echo "# the shared stroke traces are not there: using synthetic strokes"
  for part in a:400 b:300 c:200 d:200; do
    python3 - "${part%%:*}" "${part##*:}" >"$work/${part%%:*}.ndjson" <<'PY'
import json, random, sys
rng = random.Random(sys.argv[1])
for _ in range(int(sys.argv[2])):
    x, y, points = rng.uniform(0, 2000), rng.uniform(0, 2000), []
    for _ in range(rng.randint(10, 80)):
        x += rng.uniform(-6, 6); y += rng.uniform(-6, 6)
        points.append([round(x, 3), round(y, 3), round(rng.uniform(0.2, 1), 3)])
    print(json.dumps({"color": "#1c71d8", "width": 2.0, "points": points}))
PY
  done
fi

echo "1..11"

out=$("$cli" new --data-dir "$work/a" --title "Peers" --broker "mqtt://127.0.0.1:$port")
id=$(echo "$out" | head -n 1)
link=$(echo "$out" | sed -n 2p)
check "new prints an invite link with the broker" \
  grep -q "broker=mqtt%3A%2F%2F127.0.0.1%3A$port" <<<"$link"
# The peers read the link as a server should give it: from a file only its
# owner reads, or on standard input, never from the command line.
(umask 077; echo "$link" >"$work/link")
"$cli" import "$id" --data-dir "$work/a" --trace "$work/a.ndjson" >/dev/null

net=(--local-address 127.0.0.1 --json)
"$cli" seed --link-file "$work/link" --data-dir "$work/a" "${net[@]}" >"$work/a.log" 2>&1 & pids+=($!); a_pid=$!
"$cli" seed - --data-dir "$work/b" "${net[@]}" <"$work/link" >"$work/b.log" 2>&1 & pids+=($!); b_pid=$!

# Two peers draw at once, each until every online peer has its strokes.
"$cli" draw --link-file "$work/link" --data-dir "$work/c" --trace "$work/c.ndjson" --peers 2 "${net[@]}" >"$work/c.log" 2>&1 & pids+=($!); c_pid=$!
"$cli" draw - --data-dir "$work/d" --trace "$work/d.ndjson" --peers 2 "${net[@]}" <"$work/link" >"$work/d.log" 2>&1 & pids+=($!); d_pid=$!
wait $c_pid; c_status=$?
wait $d_pid; d_status=$?
check "a drawing peer delivers to every online peer and exits 0" test "$c_status" = 0
check "a second, concurrent drawing peer does too" test "$d_status" = 0
check "peers report how they are linked" grep -q '"event":"peer-joined".*"candidate":"host"' "$work/b.log"

# Hostile traffic on the board's topic: garbage, and a replay of whatever
# real message an eavesdropper caught. Nobody may fall over.
# (-v prints "topic payload"; the payload is binary, so take the first
# line's first word only.)
topic=$(mosquitto_sub -h 127.0.0.1 -p "$port" -t 'tafel/#' -C 1 -v -W 10 2>/dev/null | head -n 1 | cut -d' ' -f1)
check "the board's traffic is on an opaque topic, not its id" \
  sh -c "case '$topic' in tafel/v1/*$id*|'') exit 1 ;; tafel/v1/?*) exit 0 ;; *) exit 1 ;; esac"
if [ -n "$topic" ]; then
  mosquitto_sub -h 127.0.0.1 -p "$port" -t "$topic" -C 1 -N -W 10 >"$work/caught" 2>/dev/null
  head -c 4096 /dev/urandom >"$work/noise"
  check "garbage, a replayed message and noise are published on the board's topic" sh -c "
    mosquitto_pub -h 127.0.0.1 -p $port -t '$topic' -m 'not a tafel message' &&
    mosquitto_pub -h 127.0.0.1 -p $port -t '$topic' -f '$work/caught' &&
    mosquitto_pub -h 127.0.0.1 -p $port -t '$topic' -f '$work/noise'"
else
  check "garbage, a replayed message and noise are published on the board's topic" false
fi

# The author leaves; a newcomer gets everything from the remaining seed.
kill -TERM $a_pid; wait $a_pid 2>/dev/null
"$cli" seed --link-file - --data-dir "$work/e" "${net[@]}" <"$work/link" >"$work/e.log" 2>&1 & pids+=($!); e_pid=$!
wait_for 60 grep -q '"event":"synced"' "$work/e.log"
check "a late joiner syncs while the author is offline" grep -q '"event":"synced"' "$work/e.log"
kill -TERM $b_pid $e_pid; wait $b_pid $e_pid 2>/dev/null

digest () { "$cli" info "$id" --data-dir "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])'; }
records () { "$cli" info "$id" --data-dir "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])'; }
expected=$(( $(wc -l <"$work/a.ndjson") + $(wc -l <"$work/c.ndjson") + $(wc -l <"$work/d.ndjson") ))
check "the seed that stayed holds every stroke ($expected)" test "$(records "$work/b")" = "$expected"
check "the late joiner holds them too" test "$(records "$work/e")" = "$expected"
check "both show the same board (digest)" test "$(digest "$work/b")" = "$(digest "$work/e")"
secret=${link#*#}
check "no peer warned or repeated the link's secret (given by file and on stdin)" \
  bash -c '! grep -q -e "$1" -e "warning:" "$2"/[abcde].log' _ "$secret" "$work"

if [ $failed -ne 0 ]; then
  for f in "$work"/*.log; do echo "# --- $f"; sed 's/^/# /' "$f" | tail -n 15; done
fi
exit $failed
