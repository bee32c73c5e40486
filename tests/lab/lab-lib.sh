# SPDX-License-Identifier: GPL-3.0-or-later
# The NAT-traversal lab: network namespaces that stand in for the internet,
# two homes behind NAT routers and one LAN with no internet at all. Source
# this from a TAP test script (bash); see README.md in this folder.
#
#   . "$(dirname "$0")/lab-lib.sh"
#   lab_require              # skips the test unless root with ip, nft, …
#   lab_setup eim symmetric  # router kinds of home a and home b
#   lab_run home-a turnutils_stunclient 203.0.113.1
#
# Every namespace is named "tl<PID>-<4 hex>-<short name>", unique per run;
# helpers take the short names: pub, nat-a, home-a, nat-b, home-b, lan-1,
# lan-2. Nothing is created in the namespace this script runs in: veth pairs
# are made directly inside the lab namespaces, and the teardown (trap EXIT,
# also on failure, SIGINT and SIGTERM) stops what the lab started and deletes
# the namespaces, which takes their links, bridges and nft tables with them.

TEST_ARGS="$*"
tap_n=0
tap_failed=0
ok ()     { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok () { tap_n=$((tap_n + 1)); tap_failed=1; echo "not ok $tap_n - $*"; }
diag ()   { printf '%s\n' "$*" | sed 's/^/# /'; }
# Under meson (TAP, --tap) a skipped program exits 0 after a "skip all"
# plan; run by hand it exits 77, the usual "skipped" status.
skip_all () {
  echo "1..0 # SKIP $*"
  case " $TEST_ARGS " in *" --tap "*) exit 0 ;; esac
  exit 77
}
bail ()   { echo "Bail out! $*"; exit 1; }

# check DESCRIPTION COMMAND…: one TAP line, "ok" when COMMAND succeeds. On
# failure the command's output is shown as diagnostics.
check () {
  local what=$1 out; shift
  if out=$("$@" 2>&1); then
    ok "$what"
  else
    not_ok "$what"
    [ -n "$out" ] && diag "$out"
  fi
}

# check_fails DESCRIPTION COMMAND…: "ok" when COMMAND fails.
check_fails () {
  local what=$1 out; shift
  if out=$("$@" 2>&1); then
    not_ok "$what"
    diag "unexpectedly succeeded:"
    [ -n "$out" ] && diag "$out"
  else
    ok "$what"
  fi
}

# The time in milliseconds (bash's EPOCHREALTIME), for bounded waits.
lab_now_ms () { local t=${EPOCHREALTIME/./}; echo $(( t / 1000 )); }

# wait_for TIMEOUT_S COMMAND…: polls COMMAND (every 50 ms) until it succeeds
# or TIMEOUT_S seconds have passed; the only sleeps of the lab are here.
wait_for () {
  local deadline=$(( $(lab_now_ms) + $1 * 1000 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(lab_now_ms)" -ge "$deadline" ] && return 1
    sleep 0.05
  done
}

# ----------------------------------------------------------------------------
# Addresses. 203.0.113.0/24 (TEST-NET-3) is the lab's "internet"; it exists
# only inside the lab namespaces. lab_setup refuses to run on a machine whose
# own network uses that range, so a command that slipped outside a namespace
# could never reach a real host.

LAB_PUB_IP=203.0.113.1         # coturn (STUN, TURN), mosquitto, turnutils_peer
LAB_STUN2_IP=203.0.113.3       # a STUN-only coturn for NAT behaviour checks,
LAB_STUN2_ALT_IP=203.0.113.4   # with its RFC 5780 "other address"
LAB_WAN_IP_a=203.0.113.10
LAB_WAN_IP_b=203.0.113.20
LAB_ROUTER_IP_a=10.0.1.1
LAB_ROUTER_IP_b=10.0.2.1
LAB_HOME_IP_a=10.0.1.2
LAB_HOME_IP_b=10.0.2.2
LAB_LAN_IP_1=169.254.7.1     # IPv4 link-local on the LAN segment
LAB_LAN_IP_2=169.254.7.2
LAB_STUN_PORT=3478
LAB_STUN_ALT_PORT=3479       # the STUN-only coturn's RFC 5780 alternative port
LAB_TURN_USER=tafel
LAB_TURN_PASSWORD=chalk
LAB_TURN_REALM=tafel.test
LAB_RELAY_MIN_PORT=49152
# 100 relay ports unless the script sets more before sourcing this (the
# benchmark does: allocations of links that closed linger until they expire).
LAB_RELAY_MAX_PORT=${LAB_RELAY_MAX_PORT:-49251}
LAB_MQTT_PORT=1883
LAB_ECHO_PORT=3480           # turnutils_peer, the UDP echo server in pub
# "world": the rest of the internet, behind pub's default route. It drops
# every packet it gets, silently (see lab_setup_internet).
LAB_WORLD_GW_IP=198.51.100.2   # TEST-NET-2, world's end of the veth
LAB_WORLD_UP_IP=198.51.100.1   # pub's end

LAB_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_PROBE="$LAB_HERE/lab-probe.py"

LAB_ID="tl$$-$(od -An -N2 -tx2 /dev/urandom | tr -d ' \n')"
LAB_DIR=             # logs and state of this run, made by lab_setup*
LAB_OWN_DIR=
LAB_NAMESPACES=()     # full names, in creation order
LAB_BG_PIDS=()
LAB_BG_COUNT=0
LAB_KIND_a=
LAB_KIND_b=
LAB_TORN_DOWN=
LAB_COTURN_LOG=
LAB_COTURN_NATCHECK_LOG=
LAB_MOSQUITTO_LOG=

# lab_require [lan]: skips the whole test with the reason unless it can run
# here. With "lan", only what lab_setup_lan needs is required.
lab_require () {
  [ "$(id -u)" -eq 0 ] || skip_all "the lab needs root (network namespaces, nftables)"
  local prog progs=(ip nft python3 sysctl timeout od)
  [ "${1:-}" = lan ] || progs+=(turnserver turnutils_stunclient turnutils_uclient turnutils_peer
                                turnutils_natdiscovery mosquitto mosquitto_pub mosquitto_sub ss)
  for prog in "${progs[@]}"; do
    command -v "$prog" >/dev/null 2>&1 || skip_all "$prog is not installed"
  done
  # The lab's "internet" must not be a range this machine really uses.
  if ip -4 addr show | grep -Eq ' inet (203\.0\.113|198\.51\.100)\.' ||
     ip -4 route show | grep -Eq '^(203\.0\.113|198\.51\.100)\.'; then
    skip_all "this machine's own network uses 203.0.113.0/24 or 198.51.100.0/24, the lab's address ranges"
  fi
  local probe="$LAB_ID-probe"
  lab_note_netns_mount
  if ! ip netns add "$probe" 2>/dev/null; then
    lab_release_netns_mount
    skip_all "cannot create network namespaces here"
  fi
  if ! ip netns exec "$probe" nft list tables >/dev/null 2>&1; then
    ip netns del "$probe" 2>/dev/null
    lab_release_netns_mount
    skip_all "nftables does not work in a network namespace here"
  fi
  ip netns del "$probe"
}

# `ip netns add` mounts /run/netns on itself the first time. The lab notes
# whether that mount was there before it started, and takes it away again
# when it made it and no namespace is left, to leave the machine as it was.
lab_note_netns_mount () {
  [ -n "${LAB_NETNS_MOUNT_NOTED:-}" ] && return 0
  LAB_NETNS_MOUNT_NOTED=1
  mountpoint -q /run/netns 2>/dev/null || LAB_NETNS_MOUNTED_BY_US=1
}

lab_release_netns_mount () {
  if [ -n "${LAB_NETNS_MOUNTED_BY_US:-}" ] && [ -z "$(ip netns list 2>/dev/null)" ]; then
    umount /run/netns 2>/dev/null
  fi
  return 0
}

lab_ns () { echo "$LAB_ID-$1"; }

# lab_run NS COMMAND…: runs COMMAND in the lab namespace NS (a short name).
lab_run () {
  local ns=$1; shift
  ip netns exec "$LAB_ID-$ns" "$@"
}

# lab_bg [--name NAME] NS COMMAND…: starts COMMAND in the background in NS,
# remembered for the teardown. Sets LAB_BG_PID, LAB_BG_OUT (its stdout) and
# LAB_BG_ERR (its stderr), both files in LAB_DIR.
lab_bg () {
  local name=
  if [ "$1" = --name ]; then name=$2; shift 2; fi
  local ns=$1; shift
  [ -n "$LAB_DIR" ] || lab_prepare
  LAB_BG_COUNT=$((LAB_BG_COUNT + 1))
  [ -n "$name" ] || name="$ns-$(basename "$1")-$LAB_BG_COUNT"
  LAB_BG_OUT="$LAB_DIR/$name.out"
  LAB_BG_ERR="$LAB_DIR/$name.err"
  # ip netns exec execs COMMAND itself, so $! is COMMAND's own pid.
  ip netns exec "$LAB_ID-$ns" "$@" </dev/null >"$LAB_BG_OUT" 2>"$LAB_BG_ERR" &
  LAB_BG_PID=$!
  LAB_BG_PIDS+=("$LAB_BG_PID")
}

# lab_stop PID: stops one process started by lab_bg (SIGTERM, then SIGKILL
# after 3 s) and reaps it.
lab_stop () {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
  if ! wait_for 3 lab_pid_gone "$pid"; then
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  return 0
}

# lab_wait_exit PID TIMEOUT_S: waits for a process started by lab_bg to end
# and returns its exit status; after TIMEOUT_S it is killed and 124 returned
# (as timeout(1) does). Call it from the main shell, not in $(…): only the
# shell that started a child can collect its status.
lab_wait_exit () {
  local pid=$1
  if ! wait_for "$2" lab_pid_gone "$pid"; then
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 124
  fi
  wait "$pid"
}

# A child that has exited but was not reaped yet still answers kill -0;
# look at its state instead.
lab_pid_gone () {
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 0
  [ -z "$state" ] || [ "$state" = Z ] || [ "$state" = X ]
}

# ----------------------------------------------------------------------------
# Building the topology

lab_add_ns () {
  local full="$LAB_ID-$1"
  ip netns add "$full" || bail "cannot create network namespace $full"
  LAB_NAMESPACES+=("$full")
  ip -n "$full" link set lo up
}

lab_sysctl () {
  local ns=$1; shift
  ip netns exec "$LAB_ID-$ns" sysctl -qw "$@" >/dev/null
}

# lab_veth NS1 IF1 NS2 IF2: a veth pair made inside the lab namespaces.
lab_veth () {
  ip -n "$LAB_ID-$1" link add "$2" type veth peer name "$4" netns "$LAB_ID-$3"
}

# Removes namespaces of earlier lab runs that cannot be running any more:
# their pid is gone and no process is inside. They would not disturb this
# run anyway (every name is new), this only keeps a machine tidy after a
# run that was killed with SIGKILL.
lab_sweep_stale () {
  local ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
    [[ $ns =~ ^tl([0-9]+)-[0-9a-f]{4}-[a-z0-9-]+$ ]] || continue
    pid=${BASH_REMATCH[1]}
    kill -0 "$pid" 2>/dev/null && continue
    [ -z "$(ip netns pids "$ns" 2>/dev/null)" ] || continue
    ip netns del "$ns" 2>/dev/null
  done
}

# lab_setup KIND_A KIND_B: the internet part (pub, both homes) with the given
# router kinds, and the LAN part. See lab_setup_internet and lab_setup_lan.
lab_setup () {
  lab_setup_internet "$1" "$2"
  lab_setup_lan
}

lab_prepare () {
  if [ -z "$LAB_DIR" ]; then
    if [ -n "${TAFEL_TEST_TMPDIR:-}" ]; then
      LAB_DIR="$TAFEL_TEST_TMPDIR/lab"   # removed by tests/with-temp-home
      mkdir -p "$LAB_DIR"
    else
      LAB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tafel-lab.XXXXXX")
      LAB_OWN_DIR=$LAB_DIR
    fi
  fi
  if [ -z "${LAB_TRAP_SET:-}" ]; then
    LAB_TRAP_SET=1
    trap lab_teardown EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    lab_sweep_stale
    lab_note_netns_mount
  fi
}

# lab_setup_internet KIND_A KIND_B: "pub" with coturn and mosquitto on the
# bridge br0 (203.0.113.1; .3 and .4 for NAT checks), and two homes behind NAT routers of the given
# kinds (eim, symmetric or udp-blocked). Returns once coturn and mosquitto
# answer.
lab_setup_internet () {
  local kind_a=$1 kind_b=$2 side
  lab_prepare

  lab_add_ns pub
  lab_sysctl pub net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$(lab_ns pub)" link add br0 type bridge
  ip -n "$(lab_ns pub)" addr add "$LAB_PUB_IP/24" dev br0
  ip -n "$(lab_ns pub)" addr add "$LAB_STUN2_IP/24" dev br0
  ip -n "$(lab_ns pub)" addr add "$LAB_STUN2_ALT_IP/24" dev br0
  ip -n "$(lab_ns pub)" link set br0 up

  # pub's default route leads to "world", which swallows every packet
  # without a word, as the internet does with a datagram to a private
  # address. Without it coturn's sendto() to a peer's private host candidate
  # (ICE pairs our relay with every remote candidate) fails at once with
  # ENETUNREACH, and coturn closes the whole allocation on a failed send:
  # every relayed path would die within milliseconds of its first check.
  # world drops in prerouting, before routing, so it never answers with an
  # ICMP error either.
  lab_add_ns world
  lab_sysctl world net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
    net.ipv4.ip_forward=0
  lab_veth pub world world eth0
  ip -n "$(lab_ns pub)" addr add "$LAB_WORLD_UP_IP/30" dev world
  ip -n "$(lab_ns pub)" link set world up
  ip -n "$(lab_ns world)" addr add "$LAB_WORLD_GW_IP/30" dev eth0
  ip -n "$(lab_ns world)" link set eth0 up
  ip -n "$(lab_ns pub)" route add default via "$LAB_WORLD_GW_IP"
  lab_run world nft -f - <<'EOF' || bail "cannot configure the world namespace"
table inet lab_world {
  chain prerouting {
    type filter hook prerouting priority raw; policy drop;
  }
}
EOF

  for side in a b; do
    local nat="nat-$side" home="home-$side" wan lan router hostip
    eval "wan=\$LAB_WAN_IP_$side router=\$LAB_ROUTER_IP_$side hostip=\$LAB_HOME_IP_$side"
    lab_add_ns "$nat"
    lab_add_ns "$home"
    lab_sysctl "$nat" net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
      net.ipv4.ip_forward=1
    lab_sysctl "$home" net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1

    lab_veth "$nat" wan pub "wan-$side"
    ip -n "$(lab_ns pub)" link set "wan-$side" master br0 up
    ip -n "$(lab_ns "$nat")" addr add "$wan/24" dev wan
    ip -n "$(lab_ns "$nat")" link set wan up
    ip -n "$(lab_ns "$nat")" route add default via "$LAB_PUB_IP"

    lab_veth "$nat" lan "$home" eth0
    ip -n "$(lab_ns "$nat")" addr add "$router/24" dev lan
    ip -n "$(lab_ns "$nat")" link set lan up
    ip -n "$(lab_ns "$home")" addr add "$hostip/24" dev eth0
    ip -n "$(lab_ns "$home")" link set eth0 up
    ip -n "$(lab_ns "$home")" route add default via "$router"
  done
  lab_set_nat a "$kind_a"
  lab_set_nat b "$kind_b"

  lab_start_coturn
  lab_start_mosquitto
  lab_bg --name pub-echo pub turnutils_peer -L "$LAB_PUB_IP" -p "$LAB_ECHO_PORT"
  LAB_ECHO_PID=$LAB_BG_PID
  wait_for 10 lab_listening pub udp "$LAB_PUB_IP" "$LAB_ECHO_PORT" ||
    bail "turnutils_peer did not start: $(cat "$LAB_BG_ERR")"
}

# lab_listening NS udp|tcp ADDR PORT: something in NS listens there.
lab_listening () {
  local flag=-lun
  [ "$2" = tcp ] && flag=-ltn
  lab_run "$1" ss -H "$flag" "src $3:$4" | grep -q .
}

lab_start_coturn () {
  LAB_COTURN_LOG="$LAB_DIR/coturn.log"
  # The STUN and TURN server every peer uses: one address, so no RFC 5780
  # (turnutils_stunclient would otherwise go on to a second test that
  # waits for ever behind a NAT).
  lab_bg --name pub-coturn pub turnserver -n \
    --listening-ip "$LAB_PUB_IP" --listening-port "$LAB_STUN_PORT" \
    --relay-ip "$LAB_PUB_IP" \
    --min-port "$LAB_RELAY_MIN_PORT" --max-port "$LAB_RELAY_MAX_PORT" \
    --lt-cred-mech --user "$LAB_TURN_USER:$LAB_TURN_PASSWORD" --realm "$LAB_TURN_REALM" \
    --fingerprint --no-tls --no-dtls --no-cli --no-rfc5780 \
    --pidfile "$LAB_DIR/coturn.pid" \
    --log-file "$LAB_COTURN_LOG" --simple-log --no-stdout-log --verbose
  LAB_COTURN_PID=$LAB_BG_PID
  local coturn_err=$LAB_BG_ERR

  # A second, STUN-only coturn on two more addresses (and ports 3478 and
  # 3479) with RFC 5780 on: "NAT behaviour discovery" for the lab's own
  # checks (turnutils_natdiscovery, lab-probe.py stun to several servers).
  LAB_COTURN_NATCHECK_LOG="$LAB_DIR/coturn-natcheck.log"
  lab_bg --name pub-coturn-natcheck pub turnserver -n --stun-only \
    --listening-ip "$LAB_STUN2_IP" --listening-ip "$LAB_STUN2_ALT_IP" \
    --listening-port "$LAB_STUN_PORT" --alt-listening-port "$LAB_STUN_ALT_PORT" \
    --no-tls --no-dtls --no-cli \
    --pidfile "$LAB_DIR/coturn-natcheck.pid" \
    --log-file "$LAB_COTURN_NATCHECK_LOG" --simple-log --no-stdout-log
  LAB_COTURN_NATCHECK_PID=$LAB_BG_PID

  # coturn opens its listeners from several threads; wait for all of them.
  wait_for 15 lab_coturn_ready ||
    bail "coturn did not start: $(tail -n 20 "$LAB_COTURN_LOG" "$coturn_err" \
      "$LAB_COTURN_NATCHECK_LOG" "$LAB_BG_ERR" 2>/dev/null)"
}

lab_coturn_ready () {
  lab_listening pub udp "$LAB_PUB_IP" "$LAB_STUN_PORT" &&
  lab_listening pub tcp "$LAB_PUB_IP" "$LAB_STUN_PORT" &&
  lab_listening pub udp "$LAB_STUN2_IP" "$LAB_STUN_PORT" &&
  lab_listening pub udp "$LAB_STUN2_IP" "$LAB_STUN_ALT_PORT" &&
  lab_listening pub udp "$LAB_STUN2_ALT_IP" "$LAB_STUN_PORT" &&
  lab_listening pub udp "$LAB_STUN2_ALT_IP" "$LAB_STUN_ALT_PORT"
}

# lab_turn_unreleased: how many TURN allocations coturn made that were not
# released with a refresh of lifetime 0 (their owner quit or closed its
# link without giving the relay back). Reads coturn's verbose log.
lab_turn_unreleased () {
  local made released
  made=$(grep -o 'session [0-9]*: new' "$LAB_COTURN_LOG" | sort -u | wc -l)
  released=$(grep -o 'session [0-9]*: refreshed, .*lifetime=0' "$LAB_COTURN_LOG" |
             cut -d: -f1 | sort -u | wc -l)
  echo $(( made - released ))
}

# lab_turn_all_released: every TURN allocation so far was released (and
# at least one was made).
lab_turn_all_released () {
  grep -q 'session [0-9]*: new' "$LAB_COTURN_LOG" && [ "$(lab_turn_unreleased)" -eq 0 ]
}

lab_start_mosquitto () {
  LAB_MOSQUITTO_CONF="$LAB_DIR/mosquitto.conf"
  cat >"$LAB_MOSQUITTO_CONF" <<EOF
# The lab's broker: plain MQTT on the lab internet only.
user root
listener $LAB_MQTT_PORT $LAB_PUB_IP
allow_anonymous true
persistence false
log_dest stderr
log_type error
log_type warning
log_type notice
log_type information
log_type subscribe
connection_messages true
EOF
  lab_bg --name pub-mosquitto pub mosquitto -c "$LAB_MOSQUITTO_CONF"
  LAB_MOSQUITTO_PID=$LAB_BG_PID
  LAB_MOSQUITTO_LOG=$LAB_BG_ERR
  wait_for 10 lab_listening pub tcp "$LAB_PUB_IP" "$LAB_MQTT_PORT" ||
    bail "mosquitto did not start: $(cat "$LAB_MOSQUITTO_LOG")"
}

# lab_set_nat SIDE KIND: (re)configures the router of home SIDE (a or b):
#   eim          masquerade; Linux keeps the source port when it can, so one
#                local port maps to one public port whatever the destination
#                (endpoint-independent mapping): srflx candidates work.
#   symmetric    masquerade fully-random: every new flow (new destination)
#                gets a new random public port, so a srflx candidate learnt
#                from STUN is useless to peers and ICE needs the relay.
#   udp-blocked  masquerade, and UDP from the home is dropped: STUN and TURN
#                over UDP fail, TURN over TCP works.
# On every kind the router itself silently drops whatever comes in on its
# WAN side that is not a reply to something the home sent, as home routers
# do. That matters beyond politeness: a packet Linux delivers to the router
# (to no socket) leaves a confirmed conntrack entry behind; when the home
# then sends to that same remote address and port, its mapping clashes with
# the entry and masquerade picks another public port, so an "eim" router
# would map endpoint-dependently exactly when two peers punch holes towards
# each other. Dropped in the input hook, the entry is never confirmed (and
# no ICMP port unreachable goes out, which no home router sends either).
# New kinds apply to new flows; flows the router already tracks keep the
# mapping they had (as with a real router, conntrack state survives).
lab_set_nat () {
  local side=$1 kind=$2 masq fwd=
  case "$kind" in
    eim)         masq="masquerade" ;;
    symmetric)   masq="masquerade fully-random" ;;
    udp-blocked) masq="masquerade"; fwd='iifname "lan" meta l4proto udp counter drop' ;;
    *) bail "unknown router kind '$kind' (eim, symmetric, udp-blocked)" ;;
  esac
  lab_run "nat-$side" nft -f - <<EOF || bail "cannot configure the nat-$side router"
table ip lab_nat
delete table ip lab_nat
table ip lab_nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan" $masq
  }
  chain forward {
    type filter hook forward priority filter; policy accept;
    $fwd
  }
  chain input {
    type filter hook input priority filter; policy accept;
    iifname "wan" ct state != { established, related } drop
  }
}
EOF
  eval "LAB_KIND_$side=\$kind"
}

# lab_cut_link SIDE / lab_restore_link SIDE: the router of home SIDE drops
# (restores) every packet between home and internet, both ways. The
# addresses, routes and NAT state stay, as when a cable is pulled upstream.
lab_cut_link () {
  lab_run "nat-$1" nft -f - <<'EOF'
table inet lab_cut {
  chain forward {
    type filter hook forward priority filter - 10; policy drop;
  }
}
EOF
}

lab_restore_link () {
  lab_run "nat-$1" nft delete table inet lab_cut 2>/dev/null
  return 0
}

# lab_setup_lan: two hosts, lan-1 and lan-2, joined by one veth pair (one
# Ethernet segment) with IPv4 link-local addresses (169.254.7.1/.2) and IPv6
# link-local addresses, multicast on, and no route to anywhere else: no
# default route, no broker, no STUN. Returns once both IPv6 link-local
# addresses are usable (DAD is off, so that is quick).
lab_setup_lan () {
  lab_prepare
  lab_add_ns lan-1
  lab_add_ns lan-2
  local n
  for n in 1 2; do
    lab_sysctl "lan-$n" net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  done
  lab_veth lan-1 eth0 lan-2 eth0
  for n in 1 2; do
    local ip
    eval "ip=\$LAB_LAN_IP_$n"
    ip -n "$(lab_ns "lan-$n")" addr add "$ip/16" dev eth0
    ip -n "$(lab_ns "lan-$n")" link set eth0 multicast on up
  done
  wait_for 10 lab_lan_ready || bail "the LAN link-local IPv6 addresses did not appear"
  LAB_LAN6_1=$(lab_link_local lan-1)
  LAB_LAN6_2=$(lab_link_local lan-2)
}

lab_link_local () {
  lab_run "$1" ip -6 -o addr show dev eth0 scope link |
    awk '$0 !~ /tentative/ { sub("/.*", "", $4); print $4; exit }'
}

lab_lan_ready () {
  [ -n "$(lab_link_local lan-1)" ] && [ -n "$(lab_link_local lan-2)" ]
}

# ----------------------------------------------------------------------------
# Teardown

# lab_teardown: stops every process the lab started (and anything else still
# running inside its namespaces) and deletes the namespaces. Safe to call more
# than once; it runs by itself on exit.
lab_teardown () {
  [ -n "$LAB_TORN_DOWN" ] && return 0
  LAB_TORN_DOWN=1
  local pid ns
  for pid in "${LAB_BG_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in "${LAB_BG_PIDS[@]}"; do
    wait_for 3 lab_pid_gone "$pid" || kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  # Whatever those processes started in turn is still ours.
  for ns in "${LAB_NAMESPACES[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      kill -KILL "$pid" 2>/dev/null
    done
  done
  for ns in "${LAB_NAMESPACES[@]}"; do
    ip netns del "$ns" 2>/dev/null
  done
  lab_release_netns_mount
  [ -n "$LAB_OWN_DIR" ] && [ -z "${LAB_KEEP:-}" ] && rm -rf "$LAB_OWN_DIR"
  return 0
}

# lab_dump_logs: the servers' logs as TAP diagnostics, for failures.
lab_dump_logs () {
  local f
  for f in "$LAB_COTURN_LOG" "$LAB_COTURN_NATCHECK_LOG" "$LAB_MOSQUITTO_LOG" "$@"; do
    [ -n "$f" ] && [ -s "$f" ] || continue
    diag "--- $(basename "$f") (last 30 lines)"
    diag "$(tail -n 30 "$f")"
  done
}
