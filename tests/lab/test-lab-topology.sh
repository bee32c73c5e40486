#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Proves the NAT-traversal lab itself right, with real tools: the NAT kinds
# map ports as they claim, coturn serves STUN and TURN over UDP and TCP from
# both homes and relays between them, mosquitto is reachable from the homes
# only, the LAN hosts share multicast and nothing else, a cut link is cut,
# and the teardown leaves nothing behind.
set -u
. "$(dirname "$0")/lab-lib.sh"

lab_require
echo "1..39"

# The host's own network, to compare after the teardown: the lab must not
# change anything outside its namespaces.
host_snapshot () {
  ip -o link show | sed 's/ state [A-Z]* / /'
  ip -o addr show
  ip route show table all
  ip -6 route show table all
  nft list ruleset
  sysctl -n net.ipv4.ip_forward
}
host_before=$(host_snapshot)

# A namespace left behind by an earlier run that was killed: a pid that is
# surely gone, with a bridge and an nft table like ours.
true & dead_pid=$!
wait "$dead_pid"
stale="tl$dead_pid-0000-pub"
ip netns add "$stale"
ip -n "$stale" link add br0 type bridge
ip -n "$stale" addr add 203.0.113.1/24 dev br0
ip netns exec "$stale" nft add table ip lab_nat

started=$(lab_now_ms)
lab_setup eim eim
diag "lab $LAB_ID built in $(( $(lab_now_ms) - started )) ms in $LAB_DIR"

check_fails "a stale namespace of a dead run is swept and does not disturb the new lab" \
  sh -c "ip netns list | grep -q '^$stale'"
if ip netns list | grep -q "^$stale"; then ip netns del "$stale"; fi

# --- STUN: the mapped address is the router's WAN address -------------------

stun_mapped () {  # NS: the "UDP reflexive addr" turnutils_stunclient reports
  lab_run "$1" timeout 10 turnutils_stunclient "$LAB_PUB_IP" 2>&1 |
    sed -n 's/.*UDP reflexive addr: *\([0-9.]*\):[0-9]*.*/\1/p' | head -n 1
}
for side in a b; do
  eval "wan=\$LAB_WAN_IP_$side"
  mapped=$(stun_mapped "home-$side")
  if [ "$mapped" = "$wan" ]; then
    ok "turnutils_stunclient from home-$side sees the router's WAN address $wan"
  else
    not_ok "turnutils_stunclient from home-$side sees the router's WAN address $wan"
    diag "mapped address: '${mapped}'"
  fi
done

# --- Mapping behaviour --------------------------------------------------------

STUN_SERVERS=("$LAB_PUB_IP:$LAB_STUN_PORT" "$LAB_STUN2_IP:$LAB_STUN_PORT"
              "$LAB_STUN2_ALT_IP:$LAB_STUN_ALT_PORT")

# mapped_ports NS: STUN to three server addresses/ports from one local port;
# prints the three mapped ports, one per line. Fails if the mapped IP is not
# the router's WAN address or a server did not answer.
mapped_ports () {
  local out wan
  case "$1" in home-a) wan=$LAB_WAN_IP_a ;; home-b) wan=$LAB_WAN_IP_b ;; esac
  out=$(lab_run "$1" python3 "$LAB_PROBE" stun "${STUN_SERVERS[@]}") || { echo "$out"; return 1; }
  echo "$1: $(echo "$out" | tr '\n' ' ')" >"$LAB_DIR/mapped-$1.txt"
  echo "$out" | awk -v wan="$wan" '
    $1 == "local" { next }
    { split($2, m, ":"); if (m[1] != wan) bad = 1; print m[2] }
    END { exit bad }'
}
distinct () { sort -u | grep -c .; }

eim_check () {  # NS: the same mapped port for all three destinations
  local ports
  ports=$(mapped_ports "$1") || return 1
  [ "$(echo "$ports" | grep -c .)" -eq 3 ] && [ "$(echo "$ports" | distinct)" -eq 1 ]
}
symmetric_check () {  # NS: a different mapped port for each destination
  local ports
  ports=$(mapped_ports "$1") || return 1
  [ "$(echo "$ports" | grep -c .)" -eq 3 ] && [ "$(echo "$ports" | distinct)" -eq 3 ]
}
# natdiscovery NS VERDICT: coturn's own RFC 5780 mapping test agrees.
natdiscovery () {
  local out
  out=$(lab_run "$1" timeout 15 turnutils_natdiscovery -m "$LAB_STUN2_IP" 2>&1)
  echo "$out" | grep -q "NAT with $2 Mapping" || { echo "$out" | tail -n 12; return 1; }
}

check "eim: from home-a, one local port maps to one public port for every destination" eim_check home-a
diag "$(cat "$LAB_DIR/mapped-home-a.txt")"
check "eim: turnutils_natdiscovery calls nat-a endpoint-independent" \
  natdiscovery home-a "Endpoint Independent"

# --- TURN allocations over UDP and TCP from both homes ------------------------

# Each turnutils_uclient allocates a relay on coturn and echoes messages off
# turnutils_peer in pub through it; it takes a few seconds of its own pacing,
# so the four run at once.
declare -A uclient_pid uclient_log
for side in a b; do
  for proto in udp tcp; do
    flags=(-c -n 3)
    [ "$proto" = tcp ] && flags+=(-t)
    lab_bg --name "uclient-$side-$proto" "home-$side" timeout 30 turnutils_uclient "${flags[@]}" \
      -u "$LAB_TURN_USER" -w "$LAB_TURN_PASSWORD" -e "$LAB_PUB_IP" -r "$LAB_ECHO_PORT" "$LAB_PUB_IP"
    uclient_pid[$side-$proto]=$LAB_BG_PID
    uclient_log[$side-$proto]=$LAB_BG_OUT
  done
done
for side in a b; do
  for proto in udp tcp; do
    lab_wait_exit "${uclient_pid[$side-$proto]}" 40
    status=$?
    log=${uclient_log[$side-$proto]}
    # The last summary: "tot_send_msgs=N, tot_recv_msgs=M" for the run.
    sums=$(sed -n 's/.*start_mclient: tot_send_msgs=\([0-9]*\), tot_recv_msgs=\([0-9]*\).*/\1 \2/p' "$log" | tail -n 1)
    if [ "$status" -eq 0 ] && [ -n "$sums" ] && awk '{ exit !($1 > 0 && $1 == $2) }' <<<"$sums"; then
      ok "TURN over ${proto^^} from home-$side: relay allocated, messages echoed back ($sums sent/received)"
    else
      not_ok "TURN over ${proto^^} from home-$side: relay allocated, messages echoed back"
      diag "exit status $status, sent/received: '$sums'"
      diag "$(tail -n 8 "$log")"
    fi
  done
done

# relay_exchange PROTO_A PROTO_B [FIRST_TO_A FIRST_TO_B]: home-a and home-b
# each allocate a relay (over PROTO) and exchange datagrams relay to relay,
# as ICE does when both sides can only use relayed candidates. With
# FIRST_TO_*, each side first relays a few datagrams to that address.
relay_exchange () {
  local dir="$LAB_DIR/relay-$1-$2-$RANDOM" pa pb sa sb tcp_a=() tcp_b=() first_a=() first_b=()
  mkdir -p "$dir"
  [ "$1" = tcp ] && tcp_a=(--tcp)
  [ "$2" = tcp ] && tcp_b=(--tcp)
  [ -n "${3:-}" ] && first_a=(--first-to "$3")
  [ -n "${4:-}" ] && first_b=(--first-to "$4")
  lab_bg --name "relay-a-$1" home-a python3 "$LAB_PROBE" turn-exchange "${tcp_a[@]}" "${first_a[@]}" \
    --server "$LAB_PUB_IP:$LAB_STUN_PORT" --user "$LAB_TURN_USER" --password "$LAB_TURN_PASSWORD" \
    --me a --dir "$dir" --timeout 15
  pa=$LAB_BG_PID; local out_a=$LAB_BG_OUT err_a=$LAB_BG_ERR
  lab_bg --name "relay-b-$2" home-b python3 "$LAB_PROBE" turn-exchange "${tcp_b[@]}" "${first_b[@]}" \
    --server "$LAB_PUB_IP:$LAB_STUN_PORT" --user "$LAB_TURN_USER" --password "$LAB_TURN_PASSWORD" \
    --me b --dir "$dir" --timeout 15
  pb=$LAB_BG_PID; local out_b=$LAB_BG_OUT err_b=$LAB_BG_ERR
  lab_wait_exit "$pa" 20; sa=$?
  lab_wait_exit "$pb" 20; sb=$?
  relay_result="a: $(tr '\n' ' ' <"$out_a")$(tr '\n' ' ' <"$err_a")/ b: $(tr '\n' ' ' <"$out_b")$(tr '\n' ' ' <"$err_b")"
  [ "$sa" -eq 0 ] && [ "$sb" -eq 0 ] &&
    grep -qx "received b" "$out_a" && grep -qx "received a" "$out_b" &&
    grep -q "^relayed $LAB_PUB_IP:" "$out_a" && grep -q "^relayed $LAB_PUB_IP:" "$out_b"
}

if relay_exchange udp udp; then
  ok "home-a and home-b exchange datagrams relay to relay (TURN over UDP)"
else
  not_ok "home-a and home-b exchange datagrams relay to relay (TURN over UDP)"
fi
diag "$relay_result"

# ICE pairs a relay with every candidate of the peer, its private host
# address too. On the internet such a datagram vanishes; the lab's "world"
# must swallow it as quietly, or coturn drops the whole allocation.
if relay_exchange udp udp "$LAB_HOME_IP_b:9" "$LAB_HOME_IP_a:9"; then
  ok "a relay that sent to the other home's private address still relays relay to relay"
else
  not_ok "a relay that sent to the other home's private address still relays relay to relay"
fi
diag "$relay_result"

# punch DELAY_B: home-a and home-b learn their mapped addresses from coturn
# and send to each other's, b only DELAY_B seconds after a started (so a's
# first datagrams reach b's router before b has any mapping towards a).
punch () {
  local dir="$LAB_DIR/punch-$RANDOM" pa pb sa sb
  mkdir -p "$dir"
  lab_bg --name punch-a home-a python3 "$LAB_PROBE" punch --server "$LAB_PUB_IP:$LAB_STUN_PORT" \
    --me a --dir "$dir" --timeout "$2"
  pa=$LAB_BG_PID; local out_a=$LAB_BG_OUT err_a=$LAB_BG_ERR
  lab_bg --name punch-b home-b python3 "$LAB_PROBE" punch --server "$LAB_PUB_IP:$LAB_STUN_PORT" \
    --me b --dir "$dir" --delay "$1" --timeout "$2"
  pb=$LAB_BG_PID; local out_b=$LAB_BG_OUT err_b=$LAB_BG_ERR
  lab_wait_exit "$pa" $(( $2 + 5 )); sa=$?
  lab_wait_exit "$pb" $(( $2 + 5 )); sb=$?
  punch_result="a: $(tr '\n' ' ' <"$out_a")$(tr '\n' ' ' <"$err_a")/ b: $(tr '\n' ' ' <"$out_b")$(tr '\n' ' ' <"$err_b")"
  [ "$sa" -eq 0 ] && [ "$sb" -eq 0 ] && grep -qx "received b" "$out_a" && grep -qx "received a" "$out_b"
}
if punch 1 10; then
  ok "eim: home-a and home-b punch through to each other's mapped address, a's datagrams first"
else
  not_ok "eim: home-a and home-b punch through to each other's mapped address, a's datagrams first"
fi
diag "$punch_result"

# --- mosquitto ----------------------------------------------------------------

# mqtt_trip FROM TO: a message published from home FROM arrives at a
# subscriber in home TO. The publisher waits until the broker logged the
# subscription (a real event), so nothing is retained or repeated.
mqtt_trip () {
  local from=$1 to=$2 topic="lab/$1-to-$2" id="lab-sub-$2-$RANDOM" pid out status
  lab_bg --name "mqtt-sub-$to" "$to" mosquitto_sub -h "$LAB_PUB_IP" -p "$LAB_MQTT_PORT" \
    -i "$id" -t "$topic" -C 1 -W 10
  pid=$LAB_BG_PID; out=$LAB_BG_OUT
  if ! wait_for 10 grep -q "^.*$id 0 $topic\$" "$LAB_MOSQUITTO_LOG"; then
    lab_stop "$pid"; return 1
  fi
  lab_run "$from" mosquitto_pub -h "$LAB_PUB_IP" -p "$LAB_MQTT_PORT" -t "$topic" \
    -m "chalk from $from" || { lab_stop "$pid"; return 1; }
  lab_wait_exit "$pid" 10; status=$?
  [ "$status" -eq 0 ] && [ "$(cat "$out")" = "chalk from $from" ]
}
if mqtt_trip home-a home-b; then ok "MQTT: home-a publishes, home-b receives"
else not_ok "MQTT: home-a publishes, home-b receives"; lab_dump_logs; fi
if mqtt_trip home-b home-a; then ok "MQTT: home-b publishes, home-a receives"
else not_ok "MQTT: home-b publishes, home-a receives"; lab_dump_logs; fi

# --- the LAN ------------------------------------------------------------------

check_fails "lan-1 cannot reach the broker (no route)" \
  lab_run lan-1 timeout 5 mosquitto_pub -h "$LAB_PUB_IP" -p "$LAB_MQTT_PORT" -t lab/x -m x
check_fails "lan-2 has no route to the lab internet" lab_run lan-2 ip route get "$LAB_PUB_IP"
check_fails "lan-1 has no default route, IPv4 or IPv6" \
  sh -c "ip netns exec '$(lab_ns lan-1)' ip route show default | grep -q . ||
         ip netns exec '$(lab_ns lan-1)' ip -6 route show default | grep -q ."
check "the LAN links are up with MULTICAST" sh -c "
  ip -n '$(lab_ns lan-1)' link show eth0 | grep -q '<.*MULTICAST.*UP' &&
  ip -n '$(lab_ns lan-2)' link show eth0 | grep -q '<.*MULTICAST.*UP'"

# mcast GROUP FROM_IP: lan-1 sends one datagram to GROUP, lan-2 (joined to
# it on eth0) receives it, from FROM_IP.
mcast () {
  local group=$1 from=$2 ready="$LAB_DIR/mcast-ready-$RANDOM" pid out status
  lab_bg --name "mcast-recv-$RANDOM" lan-2 python3 "$LAB_PROBE" mcast-recv "$group" 52731 eth0 \
    "$ready" --timeout 10
  pid=$LAB_BG_PID; out=$LAB_BG_OUT
  wait_for 10 test -e "$ready" || { lab_stop "$pid"; return 1; }
  lab_run lan-1 python3 "$LAB_PROBE" mcast-send "$group" 52731 eth0 "hello $group" ||
    { lab_stop "$pid"; return 1; }
  lab_wait_exit "$pid" 10; status=$?
  mcast_result=$(cat "$out" "$LAB_BG_ERR" 2>/dev/null)
  [ "$status" -eq 0 ] && [ "$mcast_result" = "hello $group from $from" ]
}
if mcast 239.255.84.65 "$LAB_LAN_IP_1"; then ok "IPv4 multicast from lan-1 reaches lan-2"
else not_ok "IPv4 multicast from lan-1 reaches lan-2"; diag "$mcast_result"; fi
if mcast ff12::7461:6665:6c "$LAB_LAN6_1"; then ok "IPv6 link-local multicast from lan-1 reaches lan-2"
else not_ok "IPv6 link-local multicast from lan-1 reaches lan-2"; diag "$mcast_result"; fi
diag "lan-1: $LAB_LAN_IP_1 $LAB_LAN6_1, lan-2: $LAB_LAN_IP_2 $LAB_LAN6_2"

# --- symmetric NAT ------------------------------------------------------------

lab_set_nat a symmetric
lab_set_nat b symmetric
check "symmetric: from home-a, each destination gets its own public port" symmetric_check home-a
check "symmetric: from home-b, each destination gets its own public port" symmetric_check home-b
diag "$(cat "$LAB_DIR/mapped-home-a.txt" "$LAB_DIR/mapped-home-b.txt")"
check "symmetric: turnutils_natdiscovery calls nat-b address-and-port dependent" \
  natdiscovery home-b "Address and Port Dependent"
if punch 0 3; then
  not_ok "symmetric: no hole punching between the homes"
else
  ok "symmetric: no hole punching between the homes"
fi
diag "$punch_result"
if relay_exchange udp udp; then
  ok "symmetric on both sides: home-a and home-b still talk relay to relay"
else
  not_ok "symmetric on both sides: home-a and home-b still talk relay to relay"
fi
diag "$relay_result"

# --- UDP blocked --------------------------------------------------------------

lab_set_nat a udp-blocked
check_fails "udp-blocked: STUN over UDP from home-a gets no answer" \
  lab_run home-a python3 "$LAB_PROBE" stun --timeout 1.5 "$LAB_PUB_IP:$LAB_STUN_PORT"
tcp_stun () {
  lab_run home-a python3 "$LAB_PROBE" stun --tcp "$LAB_PUB_IP:$LAB_STUN_PORT" |
    grep -q " $LAB_WAN_IP_a:"
}
check "udp-blocked: STUN over TCP from home-a works and sees $LAB_WAN_IP_a" tcp_stun
turn_allocate () {  # PROTO: a relay for home-a, seen from 203.0.113.10
  local tcp=()
  [ "$1" = tcp ] && tcp=(--tcp)
  lab_run home-a python3 "$LAB_PROBE" turn-allocate "${tcp[@]}" --timeout 2 \
    --server "$LAB_PUB_IP:$LAB_STUN_PORT" --user "$LAB_TURN_USER" --password "$LAB_TURN_PASSWORD" |
    grep -q "^mapped $LAB_WAN_IP_a:"
}
check_fails "udp-blocked: a TURN allocation over UDP from home-a fails" turn_allocate udp
check "udp-blocked: a TURN allocation over TCP from home-a works" turn_allocate tcp
if relay_exchange tcp udp; then
  ok "udp-blocked: home-a (TURN over TCP) and home-b (TURN over UDP) talk relay to relay"
else
  not_ok "udp-blocked: home-a (TURN over TCP) and home-b (TURN over UDP) talk relay to relay"
fi
diag "$relay_result"

# --- cut and restore ----------------------------------------------------------

lab_set_nat a eim
# reach_udp / reach_tcp NS TIMEOUT_S: a STUN answer from coturn. Expected
# answers get a generous bound; expected silences a short one (a late answer
# would still be an answer the cut should have stopped).
reach_udp () { lab_run "$1" python3 "$LAB_PROBE" stun --timeout "$2" "$LAB_PUB_IP:$LAB_STUN_PORT"; }
reach_tcp () { lab_run "$1" python3 "$LAB_PROBE" stun --tcp --timeout "$2" "$LAB_PUB_IP:$LAB_STUN_PORT"; }
check "before the cut, home-a reaches pub over UDP" reach_udp home-a 5
lab_cut_link a
check_fails "cut: home-a cannot reach pub over UDP" reach_udp home-a 1.5
check_fails "cut: home-a cannot reach pub over TCP" reach_tcp home-a 1.5
check "cut: home-b still reaches pub" reach_udp home-b 5
lab_restore_link a
check "restored: home-a reaches pub over UDP again" reach_udp home-a 5
check "restored: home-a reaches pub over TCP again" reach_tcp home-a 5

# --- teardown -----------------------------------------------------------------

[ "$tap_failed" -ne 0 ] && lab_dump_logs
pids=("${LAB_BG_PIDS[@]}")
namespaces=("${LAB_NAMESPACES[@]}")
lab_teardown
left=$(ip netns list | grep "^$LAB_ID-")
if [ -z "$left" ]; then ok "the teardown deletes every lab namespace"
else not_ok "the teardown deletes every lab namespace"; diag "$left"; fi
alive=
for pid in "${pids[@]}"; do lab_pid_gone "$pid" || alive="$alive $pid"; done
if [ -z "$alive" ]; then ok "the teardown stops every process the lab started (${#pids[@]})"
else not_ok "the teardown stops every process the lab started"; diag "still running:$alive"; fi
host_after=$(host_snapshot)
if [ "$host_before" = "$host_after" ]; then
  ok "the host's links, addresses, routes and nftables are as before"
else
  not_ok "the host's links, addresses, routes and nftables are as before"
  diag "$(diff <(echo "$host_before") <(echo "$host_after"))"
fi
diag "${#namespaces[@]} namespaces, total $(( $(lab_now_ms) - started )) ms"

exit $tap_failed
