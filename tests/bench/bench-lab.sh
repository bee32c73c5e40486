#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Join by invite link → first full paint, in the NAT lab (issue "Joining by
# invite link", Benchmarks). Builds the lab of tests/lab once (needs root),
# puts a `tafel-cli seed` holding a board of real strokes in one place and
# times N fresh joins from another, each by bench-lab-join: a new data
# folder and identity, a new session and ICE agent, given only the invite
# link (and the lab's STUN/TURN servers). The joiner is bench-join.c, the
# same code as bench-sync's "join → first paint" on loopback, so the
# figures compare.
#
#   loopback  seed and joiner in pub on 127.0.0.1, the lab's broker
#   a         EIM NAT on both sides → direct via NAT (srflx)
#   b         symmetric NAT on both sides → through the TURN relay (UDP)
#   c         UDP blocked at the seed's NAT → TURN over TCP (relay)
#   d         one LAN segment, no broker, no internet → LAN beacon (host)
#
# Each join must link with the expected kind of path, on the joiner's side
# and on the seed's (as tests/lab/test-lab-nat.sh checks), and end with the
# seed's board (same digest, every record); otherwise the benchmark fails
# (exit 1) after printing the table.
#
#   bench-lab.sh --joiner PATH [--cli PATH] [--joins N] [--strokes "1000 10000"]
#                [--cases "loopback a b c d"] [--seed-max-links N]
#
# The joins come one after another to one seed per case and board, as
# newcomers to a board that is in use; --seed-max-links gives the seed's
# tafel-cli seed --max-links (default: the product's).
#
# Exits 77 (skipped) with the reason when not root or a program is missing.
set -u

joiner=${TAFEL_BUILD_ROOT:+$TAFEL_BUILD_ROOT/tests/bench/bench-lab-join}
cli=${TAFEL_BUILD_ROOT:+$TAFEL_BUILD_ROOT/src/cli/tafel-cli}
joins=10
sizes="1000 10000"
cases="loopback a b c d"
seed_max_links=
join_timeout=60
while [ $# -gt 0 ]; do
  case "$1" in
    --joiner) joiner=$2; shift 2 ;;
    --cli) cli=$2; shift 2 ;;
    --joins) joins=$2; shift 2 ;;
    --strokes) sizes=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    --seed-max-links) seed_max_links=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-lab.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ $joins =~ ^[1-9][0-9]*$ ]] || { echo "bench-lab.sh: --joins must be a positive number" >&2; exit 2; }
[[ -z $seed_max_links || $seed_max_links =~ ^[1-9][0-9]*$ ]] ||
  { echo "bench-lab.sh: --seed-max-links must be a positive number" >&2; exit 2; }
for s in $sizes; do
  [[ $s =~ ^[1-9][0-9]*$ ]] || { echo "bench-lab.sh: --strokes takes positive numbers" >&2; exit 2; }
done
for c in $cases; do
  case "$c" in loopback|a|b|c|d) ;; *) echo "bench-lab.sh: unknown case '$c'" >&2; exit 2 ;; esac
done

export TAFEL_CLI=$cli
# A relayed link's TURN allocations outlive it (seen here: after one
# relayed join, with both processes gone, coturn still holds both sides'
# relays until they expire), so the lab's usual 100 relay ports run out
# within a few dozen relayed joins; this run has 1,000, still far fewer
# than a real TURN server's.
LAB_RELAY_MAX_PORT=50151
. "$(dirname "$0")/../lab/lab-lib.sh"
lab_require
. "$(dirname "$0")/../lab/lab-tafel.sh"
lab_tafel_have seed || skip_all "tafel-cli is not built (${cli:-give --cli PATH})"
[ -n "$joiner" ] && [ -x "$joiner" ] || skip_all "bench-lab-join is not built (${joiner:-give --joiner PATH})"

bench_started=$(lab_now_ms)
lab_setup eim eim
[ -z "${LAB_KEEP:-}" ] || echo "# the lab's logs stay in $LAB_DIR"
results="$LAB_DIR/results.tsv"
: >"$results"

# The boards' strokes: the first N real strokes of the shared traces, or a
# synthetic random walk when they are not there.
trace_source=
shared=${TAFEL_SHARED_DATA:-}
if [ -f "$shared/quickdraw-strokes.ndjson" ]; then
  trace_source="real strokes (quickdraw-strokes.ndjson)"
else
  trace_source="synthetic random-walk strokes (the shared traces are not there)"
fi
make_trace () {
  local n=$1 out=$2 real="$shared/quickdraw-strokes.ndjson" have k
  if [ -f "$real" ]; then
    # As bench-sync does, the traces are cycled for boards larger than them.
    have=$(wc -l <"$real")
    for ((k = 0; k < n; k += have)); do cat "$real"; done | head -n "$n" >"$out"
    return 0
  fi
  python3 - "$n" >"$out" <<'EOF'
import json, math, random, sys
r = random.Random(7)
for _ in range(int(sys.argv[1])):
    x, y, h = r.uniform(0, 4000), r.uniform(0, 3000), r.uniform(0, 2 * math.pi)
    pts = []
    for _ in range(r.randint(40, 100)):
        h += r.uniform(-0.3, 0.3); x += 3 * math.cos(h); y += 3 * math.sin(h)
        pts.append([round(x, 2), round(y, 2), 0.5])
    print(json.dumps({"src": "synthetic", "color": "#1c71d8", "width": 3.0, "points": pts}))
EOF
}

# board_info PEER NS BOARD: "RECORDS DIGEST" of a board (the seed not running).
board_info () {
  local out
  out=$(lab_tafel_cli "$1" "$2" info "$3" --json) || return 1
  echo "$(lab_tafel_field "$out" records) $(lab_tafel_field "$out" digest)"
}

# Up to two boards per size, made offline: one whose link names the lab's
# broker (loopback, a, b, c) and one whose link names none (d, the LAN).
declare -A link=() records=() digest=()
broker="mqtt://$LAB_PUB_IP:$LAB_MQTT_PORT"
nets=
[[ " $cases " =~ \ (loopback|a|b|c)\  ]] && nets+=" inet"
[[ " $cases " == *" d "* ]] && nets+=" lan"
for size in $sizes; do
  make_trace "$size" "$LAB_DIR/strokes-$size.ndjson"
  for net in $nets; do
    peer="seed-$net-$size"
    if [ "$net" = inet ]; then
      l=$(lab_tafel_new "$peer" home-a --broker "$broker") || bail "tafel-cli new failed"
    else
      l=$(lab_tafel_new "$peer" lan-1) || bail "tafel-cli new failed"
    fi
    lab_tafel_import "$peer" home-a "$l" "$LAB_DIR/strokes-$size.ndjson" >/dev/null ||
      bail "tafel-cli import of $size strokes failed"
    read -r r d <<<"$(board_info "$peer" home-a "$l")"
    [ -n "$r" ] && [ -n "$d" ] || bail "tafel-cli info gave no records or digest"
    link[$net-$size]=$l records[$net-$size]=$r digest[$net-$size]=$d
  done
done

turn_udp="turn://$LAB_TURN_USER:$LAB_TURN_PASSWORD@$LAB_PUB_IP:$LAB_STUN_PORT"
turn_tcp="$turn_udp?transport=tcp"
stun="$LAB_PUB_IP:$LAB_STUN_PORT"

# run_case CASE SIZE: NATs as the case needs, the seed started, then N
# joins; one line per join into $results.
run_case () {
  local name=$1 size=$2 net=inet seed_ns=home-a join_ns=home-b expected expected_seed=
  local seed_net=() join_net=() peer j dir out rc me seed_candidate failures=0
  case "$name" in
    loopback)
      seed_ns=pub join_ns=pub expected=host
      seed_net=(--broker "$broker" --local-address 127.0.0.1)
      join_net=(--local-address 127.0.0.1) ;;
    a)
      lab_set_nat a eim; lab_set_nat b eim; expected=srflx
      seed_net=(--broker "$broker" --stun "$stun" --turn "$turn_udp")
      join_net=(--stun "$stun" --turn "$turn_udp") ;;
    b)
      lab_set_nat a symmetric; lab_set_nat b symmetric; expected=relay
      seed_net=(--broker "$broker" --stun "$stun" --turn "$turn_udp")
      join_net=(--stun "$stun" --turn "$turn_udp") ;;
    c)
      lab_set_nat a udp-blocked; lab_set_nat b eim; expected=relay
      seed_net=(--broker "$broker" --stun "$stun" --turn "$turn_tcp")
      join_net=(--stun "$stun" --turn "$turn_udp") ;;
    d)
      net=lan seed_ns=lan-1 join_ns=lan-2 expected=host
      seed_net=(--lan) join_net=(--lan) ;;
  esac
  peer="seed-$net-$size"
  expected_seed=${expected_seed:-$expected}
  [ -z "$seed_max_links" ] || seed_net+=(--max-links "$seed_max_links")

  lab_tafel_seed "$peer" "$seed_ns" "${link[$net-$size]}" "${seed_net[@]}"
  # Ready once it looks for peers (its broker connected, or its beacon up).
  if ! lab_tafel_wait_event "$peer" 30 status status=connecting; then
    lab_tafel_stop "$peer"
    bail "case $name: the seed did not come online"
  fi

  for ((j = 1; j <= joins; j++)); do
    dir="$LAB_DIR/joiner-$name-$size-$j"
    mkdir -p "$dir"
    out=$(lab_run "$join_ns" timeout $((join_timeout + 15)) "$joiner" "${link[$net-$size]}" \
            --records "${records[$net-$size]}" --data-dir "$dir" --timeout "$join_timeout" \
            "${join_net[@]}" 2>>"$LAB_DIR/joiner-$name-$size.err")
    rc=$?
    seed_candidate=-
    me=
    [ -z "$out" ] || me=$(lab_tafel_field "$out" peer 2>/dev/null)
    if [ -n "$me" ] && lab_tafel_wait_event "$peer" 15 peer-joined "peer=$me" 2>/dev/null; then
      seed_candidate=$(lab_tafel_field "$LAB_TAFEL_EVENT" candidate)
      # The joiner said goodbye as it left; the next join starts afresh.
      lab_tafel_wait_event "$peer" 15 peer-left "peer=$me" 2>/dev/null ||
        echo "case $name, join $j: the seed did not see the joiner leave" >&2
    fi
    [ -n "$out" ] || out=null
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$size" "$expected" "$expected_seed" "$seed_candidate" \
      "${records[$net-$size]}" "${digest[$net-$size]}" "$rc" "$out" >>"$results"
    rm -rf "$dir"
    if [ "$rc" -ne 0 ]; then
      echo "case $name, $size strokes, join $j failed (exit $rc):" >&2
      tail -n 5 "$LAB_DIR/joiner-$name-$size.err" >&2
      tail -n 5 "${LAB_TAFEL_LOG[$peer]}" >&2
      failures=$((failures + 1))
      # Bounded: a case that keeps failing is given up.
      [ "$failures" -ge 3 ] && { echo "case $name: giving up after 3 failed joins" >&2; break; }
    fi
  done
  lab_tafel_stop "$peer"
}

for size in $sizes; do
  for name in $cases; do
    run_case "$name" "$size"
  done
done

echo "# Join by invite link → first full paint, in the NAT lab ($joins fresh joins per row, ms, p50 / p95)"
echo "# Boards: $trace_source, imported by one tafel-cli seed; the joiner's side is bench-join.c"
echo "# (as in bench-sync \"paint\"): parse the link, join, go online, every record integrated,"
echo "# the zoomed-to-fit 1280 × 800 view drawn by the core renderer into an image surface."
echo "# ICE and link up are the joiner's link's own times, from when it started ICE; the join → …"
echo "# times count from parsing the link (so they include the rendezvous)."
[ -z "$seed_max_links" ] || echo "# The seeds ran with --max-links $seed_max_links."
echo
python3 - "$results" <<'EOF'
import json, sys
from collections import Counter, OrderedDict

labels = {
    "loopback": "loopback, broker",
    "a": "a: EIM NAT, STUN",
    "b": "b: symmetric NAT, TURN",
    "c": "c: UDP blocked, TURN/TCP",
    "d": "d: LAN beacon",
}
def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(p * len(v)))]
def cell(values, width=6):
    if not values:
        return "%*s" % (2 * width + 3, "-")
    return "%*.0f / %-*.0f" % (width, pct(values, 0.5), width, pct(values, 0.95))
def kinds(names, n):
    return ", ".join(k if c == n else "%s×%d" % (k, c) for k, c in Counter(names).items())

rows = OrderedDict()
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t", 8)
    try:
        out = json.loads(f[8]) or {}
    except ValueError:
        out = {}
    rows.setdefault((f[0], f[1]), []).append({
        "expected": f[2], "expected-seed": f[3], "seed": f[4], "records": int(f[5]),
        "digest": f[6], "rc": int(f[7]), "out": out})

def problem(j):
    out = j["out"]
    if j["rc"] != 0:
        return "the joiner exited with %d" % j["rc"]
    if out.get("candidate") != j["expected"]:
        return "joiner's candidate %s, want %s" % (out.get("candidate"), j["expected"])
    if j["expected-seed"] != "*" and j["seed"] != j["expected-seed"]:
        return "seed's candidate %s, want %s" % (j["seed"], j["expected-seed"])
    if out.get("records") != j["records"] or out.get("digest") != j["digest"]:
        return "the joiner's board differs (%s records, digest %.12s…; want %d, %.12s…)" % (
            out.get("records"), out.get("digest"), j["records"], j["digest"])
    return None

failed = False
print("| %-24s | %7s | %-26s | %5s | %-15s | %-15s | %-15s | %-15s | %-15s | %-13s |" % (
    "case", "strokes", "candidate (J / S)", "joins", "ICE", "link up", "join → link",
    "join → synced", "join → painted", "paint alone"))
print("|" + "|".join("-" * w for w in (26, 9, 28, 7, 17, 17, 17, 17, 17, 15)) + "|")
notes = []
for (case, size), joins in rows.items():
    ok = [j for j in joins if problem(j) is None]
    col = lambda key: [j["out"][key] for j in ok]
    cand = "%s / %s" % (kinds([j["out"].get("candidate") or "-" for j in joins], len(joins)),
                        kinds([j["seed"] for j in joins], len(joins)))
    print("| %-24s | %7s | %-26s | %2d/%-2d | %s | %s | %s | %s | %s | %s |" % (
        labels[case], "{:,}".format(int(size)), cand, len(ok), len(joins),
        cell(col("ice-ms")), cell(col("connect-ms")), cell(col("link-ms")),
        cell(col("synced-ms")), cell(col("painted-ms")), cell(col("paint-ms"), 5)))
    slow = ["%.1f s" % (j["out"]["link-ms"] / 1000) for j in ok if j["out"]["link-ms"] > 5000]
    if slow:
        notes.append("# %s, %s strokes: %d of %d joins waited more than 5 s for the link (%s)" % (
            labels[case], size, len(slow), len(joins), ", ".join(slow)))
    for i, j in enumerate(joins):
        why = problem(j)
        if why is not None:
            failed = True
            notes.append("# FAILED: %s, %s strokes, join %d: %s" % (labels[case], size, i + 1, why))
print()
print("# Candidate: the path kind on the joiner's / the seed's side (tafel_session_get_path_kind:")
print("# relay if either end is a relay, host if both are host candidates, else srflx). Asserted:")
print("# loopback host, a srflx, b relay, c relay, d host (both sides).")
for n in notes:
    print(n)
sys.exit(1 if failed else 0)
EOF
status=$?
echo
echo "# $(( ($(lab_now_ms) - bench_started) / 1000 )) s in all; load: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
