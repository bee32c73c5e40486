# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers for the tests that run tafel-cli peers: TAP output, a mosquitto
# on a free loopback port, bounded waits, board facts from `info --json`
# and from the --json event logs. Source it from a test script with bash.

. "$(dirname "$0")/../tap.sh"

cli_lib_args=" $* "
# Under meson's TAP protocol a skipped plan must exit 0; by hand, 77.
skip_all () {
  echo "1..0 # SKIP $*"
  case $cli_lib_args in *" --tap "*) exit 0 ;; esac
  exit 77
}

cli="${TAFEL_BUILD_ROOT:?}/src/cli/tafel-cli"
shared=${TAFEL_SHARED_DATA:-}
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$mosquitto" ] || skip_all "mosquitto is not installed"
command -v python3 >/dev/null || skip_all "python3 is not installed"

work=$(mktemp -d "${TAFEL_TEST_TMPDIR:-/tmp}/cli-test.XXXXXX")
pids=()
# Every process the test started goes, on every way out: those it named,
# and any other background job (a draw that was still running when a
# check bailed out).
cli_lib_cleanup () {
  for p in "${pids[@]}" $(jobs -p); do kill -KILL "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work" "$tap_out"
}
trap cli_lib_cleanup EXIT

# wait_for TIMEOUT_S COMMAND…: polls a real condition, bounded.
wait_for () {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}

# start_broker: a mosquitto on a free loopback port; sets $broker.
start_broker () {
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nuser root\n' "$port" >"$work/mosquitto.conf"
  "$mosquitto" -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
  pids+=($!)
  wait_for 10 python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" ||
    { echo "Bail out! mosquitto did not start"; exit 1; }
  broker="mqtt://127.0.0.1:$port"
}

# trace_slice SOURCE FIRST COUNT OUT: strokes FIRST … FIRST+COUNT-1 of the
# shared real traces (SOURCE: quickdraw or excalidraw) into OUT; synthetic
# random walks (seeded by OUT's name) when the shared traces are not there.
trace_slice () {
  local file="$shared/$1-strokes.ndjson"
  if [ -f "$file" ]; then
    sed -n "$2,$(( $2 + $3 - 1 ))p" "$file" >"$4"
  else
    python3 - "$(basename "$4")" "$3" >"$4" <<'EOF_PY'
import json, random, sys
rng = random.Random(sys.argv[1])
for _ in range(int(sys.argv[2])):
    x, y, points = rng.uniform(0, 2000), rng.uniform(0, 2000), []
    for _ in range(rng.randint(10, 80)):
        x += rng.uniform(-6, 6); y += rng.uniform(-6, 6)
        points.append([round(x, 3), round(y, 3), round(rng.uniform(0.2, 1), 3)])
    print(json.dumps({"color": "#1c71d8", "width": 2.0, "points": points}))
EOF_PY
  fi
}

# info_field DIR BOARD FIELD: one member of `tafel-cli info --json`.
info_field () {
  "$cli" info "$2" --data-dir "$1" --json |
    python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$3"
}

# event_count LOG EVENT: how many events of that kind a --json log holds.
event_count () {
  python3 - "$1" "$2" <<'EOF'
import json, sys
n = 0
for line in open(sys.argv[1], errors="replace"):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if isinstance(e, dict) and e.get("event") == sys.argv[2]:
        n += 1
print(n)
EOF
}

# synced_to LOG N: the log reports being in sync with a peer while holding
# N records.
synced_to () {
  python3 - "$1" "$2" <<'EOF'
import json, sys
for line in open(sys.argv[1], errors="replace"):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if isinstance(e, dict) and e.get("event") == "synced" and e.get("records") == int(sys.argv[2]):
        sys.exit(0)
sys.exit(1)
EOF
}

# distinct_peers LOG: how many different peers joined, by the log.
distinct_peers () {
  python3 - "$1" <<'EOF'
import json, sys
peers = set()
for line in open(sys.argv[1], errors="replace"):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if isinstance(e, dict) and e.get("event") == "peer-joined":
        peers.add(e.get("peer"))
print(len(peers))
EOF
}

# show_logs: the tail of every log, as TAP diagnostics (on failure).
show_logs () {
  for f in "$work"/*.log; do
    [ -f "$f" ] || continue
    diag "--- $f" "$(tail -n 15 "$f")"
  done
}
