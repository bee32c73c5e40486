#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The helpers of lab-tafel.sh do what they promise, checked against a small
# stand-in for tafel-cli that speaks the interface documented at the top of
# lab-tafel.sh (the real online commands are not needed, nor called): peers
# run in the namespace they are given with the arguments they are given,
# events are matched by field, marks and bounds hold, a dead peer is noticed
# at once, and digests are compared until they agree.
set -u
. "$(dirname "$0")/lab-lib.sh"
lab_require lan
. "$(dirname "$0")/lab-tafel.sh"

echo "1..14"
lab_setup_lan

# The stand-in: "seed" copies every file DATA_DIR/emit-N (in order, once) to
# stdout, so the test decides when which event appears; "info" prints the
# digest stored in DATA_DIR/digest.
fake="$LAB_DIR/fake-tafel-cli"
cat >"$fake" <<'EOF'
#!/usr/bin/env bash
command=$1; shift
dir= json= rest=()
while [ $# -gt 0 ]; do
  case "$1" in
    --help) exit 0 ;;
    --data-dir) dir=$2; shift 2 ;;
    --json) json=1; shift ;;
    *) rest+=("$1"); shift ;;
  esac
done
case "$command" in
  new) echo "board 00112233445566778899aabbccddeeff: tafel:v1/00112233445566778899aabbccddeeff#c2VjcmV0" ;;
  info) touch "$dir/info-asked"
        [ -n "$json" ] && [ -f "$dir/digest" ] && echo "{\"records\": 3, \"digest\": \"$(cat "$dir/digest")\"}" ;;
  seed)
    trap 'echo "{\"event\": \"stopping\"}"; exit 0' TERM
    echo "{\"event\": \"started\", \"netns\": \"$(ip netns identify)\", \"args\": \"${rest[*]}\"}"
    echo "a line that is not JSON"
    n=1
    for _ in $(seq 1200); do        # at most 60 s
      while [ -f "$dir/emit-$n" ]; do cat "$dir/emit-$n"; n=$((n + 1)); done
      sleep 0.05 & wait $!
    done ;;
  *) exit 2 ;;
esac
EOF
chmod +x "$fake"
LAB_TAFEL_CLI=$fake

emit () {  # PEER JSON: make PEER's stand-in print JSON as its next event
  local dir
  dir=$(lab_tafel_data_dir "$1")
  printf '%s\n' "$2" >"$dir/emit-tmp" && mv "$dir/emit-tmp" "$dir/emit-$(( $(ls "$dir" | grep -c '^emit-[0-9]') + 1 ))"
}
elapsed_ms () { echo $(( $(lab_now_ms) - $1 )); }
# Wall-clock bounds on this shared machine are generous: only a wait that
# hangs (or that runs to a much longer timeout) fails them. What the waits
# cost is not measured here.

link=$(lab_tafel_new a lan-1)
if [ "$link" = "tafel:v1/00112233445566778899aabbccddeeff#c2VjcmV0" ]; then
  ok "lab_tafel_new prints the invite link"
else
  not_ok "lab_tafel_new prints the invite link"; diag "got '$link'"
fi

lab_tafel_seed a lan-1 "$link" "${LAB_TAFEL_LAN[@]}"
lab_tafel_seed b lan-2 "$link" "${LAB_TAFEL_LAN[@]}"
if lab_tafel_wait_event a 10 started &&
   [ "$(lab_tafel_field "$LAB_TAFEL_EVENT" netns)" = "$(lab_ns lan-1)" ]; then
  ok "a seed runs in the namespace it is given"
else
  not_ok "a seed runs in the namespace it is given"; diag "$LAB_TAFEL_EVENT"
fi
args=$(lab_tafel_field "$LAB_TAFEL_EVENT" args 2>/dev/null)
if [ "$args" = "$link --lan" ]; then ok "a seed gets the board and the network arguments"
else not_ok "a seed gets the board and the network arguments"; diag "args: '$args'"; fi
lab_tafel_wait_event b 10 started
check "the second seed runs in its own namespace" \
  test "$(lab_tafel_field "$LAB_TAFEL_EVENT" netns)" = "$(lab_ns lan-2)"

emit a '{"event": "peer-connected", "candidate": "host", "peer": {"name": "b"}}'
emit a '{"event": "peer-connected", "candidate": "relay", "peer": {"name": "c"}}'
if lab_tafel_wait_event a 10 peer-connected candidate=relay peer.name=c &&
   [ "$(lab_tafel_field "$LAB_TAFEL_EVENT" candidate)" = relay ]; then
  ok "an event is found by its fields, nested ones too"
else
  not_ok "an event is found by its fields, nested ones too"; diag "$LAB_TAFEL_EVENT"
fi

t0=$(lab_now_ms)
if lab_tafel_wait_event a 1 peer-connected candidate=host 2>/dev/null; then
  not_ok "events before the mark are not found again"
else
  status=$?
  if [ "$status" -eq 1 ] && [ "$(elapsed_ms "$t0")" -lt 30000 ]; then
    ok "events before the mark are not found again, and the wait is bounded ($(elapsed_ms "$t0") ms)"
  else
    not_ok "events before the mark are not found again, and the wait is bounded"
    diag "status $status after $(elapsed_ms "$t0") ms"
  fi
fi

emit a '{"event": "peer-connected", "candidate": "srflx"}'
if lab_tafel_wait_event a 10 peer-connected; then ok "a new event after the mark is found"
else not_ok "a new event after the mark is found"; fi
emit a '{"event": "synced", "records": 12, "complete": true}'
lab_tafel_wait_event a 10 synced records=12 complete=true
check "numbers and booleans match as in JSON" test "$(lab_tafel_field "$LAB_TAFEL_EVENT" records)" = 12

# Digests: different, then equal.
echo aaaa >"$(lab_tafel_data_dir a)/digest"
echo bbbb >"$(lab_tafel_data_dir b)/digest"
t0=$(lab_now_ms)
if lab_tafel_wait_converged 1 "$link" a b 2>"$LAB_DIR/converged.err"; then
  not_ok "different digests are not convergence"
else
  if [ "$(elapsed_ms "$t0")" -lt 30000 ] && grep -q "peer b: digest 'bbbb'" "$LAB_DIR/converged.err"; then
    ok "different digests are not convergence; the wait is bounded and says why"
  else
    not_ok "different digests are not convergence; the wait is bounded and says why"
    diag "$(elapsed_ms "$t0") ms; $(cat "$LAB_DIR/converged.err")"
  fi
fi
# b catches up while the helper is already waiting: once it has asked b
# for its digest.
rm -f "$(lab_tafel_data_dir b)/info-asked"
( wait_for 10 test -f "$(lab_tafel_data_dir b)/info-asked"
  echo aaaa >"$(lab_tafel_data_dir b)/digest.tmp"; mv "$(lab_tafel_data_dir b)/digest.tmp" "$(lab_tafel_data_dir b)/digest" ) &
catch_up=$!
digest=$(lab_tafel_wait_converged 10 "$link" a b)
wait "$catch_up"
check "equal digests are convergence, and the digest is printed" test "$digest" = aaaa

pid_b=${LAB_TAFEL_PID[b]}
if lab_tafel_stop b && lab_pid_gone "$pid_b"; then ok "lab_tafel_stop stops a seed (SIGTERM, exit status 0)"
else not_ok "lab_tafel_stop stops a seed (SIGTERM, exit status 0)"; fi
check "what a stopped seed printed can still be read" \
  lab_tafel_wait_event b 5 stopping

# A peer that dies is noticed at once, not after the whole timeout (of
# 120 s: half of it is a generous "at once").
kill -KILL "${LAB_TAFEL_PID[a]}"
t0=$(lab_now_ms)
lab_tafel_wait_event a 120 peer-connected 2>/dev/null
status=$?
if [ "$status" -eq 2 ] && [ "$(elapsed_ms "$t0")" -lt 60000 ]; then
  ok "waiting on a dead seed ends at once ($(elapsed_ms "$t0") ms)"
else
  not_ok "waiting on a dead seed ends at once"; diag "status $status after $(elapsed_ms "$t0") ms"
fi

lab_tafel_seed c lan-1 "$link" "${LAB_TAFEL_LAN[@]}"
pid_c=${LAB_TAFEL_PID[c]}
lab_teardown
check "the teardown stops seeds still running" lab_pid_gone "$pid_c"

exit $tap_failed
