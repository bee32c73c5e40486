# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers for UI tests: a private Xvfb display, a private D-Bus session, and
# bounded waits on real events. Source this from a test script.

tap_n=0
tap_failed=0
ok ()     { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok () { tap_n=$((tap_n + 1)); tap_failed=1; echo "not ok $tap_n - $*"; }
diag ()   { echo "# $*"; }
# Under meson (TAP, --tap) a skipped program exits 0 after a "skip all"
# plan, which meson counts as skipped; run by hand it exits 77.
TEST_ARGS="$*"
skip_all () {
  echo "1..0 # SKIP $*"
  case " $TEST_ARGS " in *" --tap "*) exit 0 ;; esac
  exit 77
}
bail ()   { echo "Bail out! $*"; exit 1; }

for prog in Xvfb xdotool import dbus-daemon; do
  command -v "$prog" >/dev/null 2>&1 || skip_all "$prog is not installed"
done

build_root=${TAFEL_BUILD_ROOT:?}
tafel="$build_root/src/app/tafel"
work=${TAFEL_TEST_TMPDIR:-$(mktemp -d)}

# Under AddressSanitizer the app runs through a wrapper that preloads
# keep-modules.so (after the sanitizer's runtime, which must come first):
# Mesa unloads its GL driver at exit, and LeakSanitizer would report the
# driver's static data from an unnamed module.
tafel_asan=
libasan=$(ldd "$tafel" 2>/dev/null | awk '/libasan/ { print $3 }')
if [ -n "$libasan" ]; then
  tafel_asan=1
  if [ -n "${TAFEL_KEEP_MODULES:-}" ]; then
    printf '#!/bin/sh\nLD_PRELOAD="%s:%s${LD_PRELOAD:+:$LD_PRELOAD}" exec "%s" "$@"\n' \
      "$libasan" "$TAFEL_KEEP_MODULES" "$tafel" >"$work/tafel-asan"
    chmod +x "$work/tafel-asan"
    tafel="$work/tafel-asan"
  fi
fi
xvfb_pid=
dbus_pid=

# Everything the test started goes on every way out, the app too.
ui_cleanup () {
  for p in $(jobs -p); do kill "$p" 2>/dev/null; done
  [ -n "$dbus_pid" ] && kill "$dbus_pid" 2>/dev/null
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
  wait 2>/dev/null
}
trap ui_cleanup EXIT

# Starts Xvfb on a display it picks itself (-displayfd), so parallel tests
# never collide, and a session bus for GApplication uniqueness.
start_display () {
  local fifo="$work/displayfd" num attempt
  # Two tests starting Xvfb at once can pick the same display number; the
  # loser exits. So check that the server we started answers, and start
  # another if it does not (bounded).
  for attempt in 1 2 3; do
    rm -f "$fifo"
    mkfifo "$fifo"
    Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$fifo" 2>"$work/xvfb.log" &
    xvfb_pid=$!
    num=
    read -r -t 20 num <"$fifo" || num=
    if [ -n "$num" ] && kill -0 "$xvfb_pid" 2>/dev/null &&
       DISPLAY=":$num" timeout 5 xdotool getdisplaygeometry >/dev/null 2>&1 &&
       kill -0 "$xvfb_pid" 2>/dev/null; then
      break
    fi
    kill "$xvfb_pid" 2>/dev/null
    wait "$xvfb_pid" 2>/dev/null
    xvfb_pid=
    num=
  done
  [ -n "$num" ] || bail "Xvfb did not start: $(cat "$work/xvfb.log")"
  export DISPLAY=":$num"
  unset WAYLAND_DISPLAY
  export GDK_BACKEND=x11

  eval "$(dbus-daemon --session --fork --print-address=1 --print-pid=1 | {
    read -r addr; read -r pid; echo "DBUS_SESSION_BUS_ADDRESS='$addr'; dbus_pid=$pid"; })"
  export DBUS_SESSION_BUS_ADDRESS
}

# wait_for TIMEOUT_S COMMAND…: polls COMMAND until it succeeds or time runs out.
wait_for () {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}

# Window id of the first visible window of process PID.
window_of () {
  local ids
  ids=$(timeout 5 xdotool search --onlyvisible --pid "$1" 2>/dev/null) || return 1
  [ -n "$ids" ] || return 1
  echo "${ids%%$'\n'*}"
}

# image_stats PNG: grey standard deviation and number of distinct colours.
image_stats () {
  convert "$1" -colorspace Gray -format '%[fx:standard_deviation] ' info: 2>/dev/null
  convert "$1" -format '%k' info: 2>/dev/null
}

# screenshot_has_content WIN PNG: screenshots WIN into PNG and succeeds when
# the picture is not one flat colour. A window that drew nothing is flat; ours
# has a header bar, text and a dot grid, so its pixels must vary.
screenshot_has_content () {
  timeout 10 import -window "$1" "$2" 2>/dev/null || return 1
  image_stats "$2" | awk '{ exit !($1 > 0.02 && $2 > 16) }'
}

# shot PNG: a screenshot of the window $win into PNG.
shot () {
  timeout 10 import -window "$win" "$1" 2>/dev/null
}

# keep PNG NAME: keeps a screenshot as NAME in $TAFEL_KEEP_SCREENSHOTS, if
# that is set, to look at after the run.
keep () {
  [ -n "${TAFEL_KEEP_SCREENSHOTS:-}" ] && cp "$1" "$TAFEL_KEEP_SCREENSHOTS/$2"
  return 0
}

# ink_pixels PNG [AREA]: how many pixels of AREA (WxH+X+Y; $area unless
# given) have the colour $ink.
ink_pixels () {
  convert "$1" -crop "${2:-$area}" +repage -fuzz 20% \
    -fill black +opaque "$ink" -fill white -opaque "$ink" \
    -format '%[fx:round(mean*w*h)]' info: 2>/dev/null
}

# quit_cleanly APP [TIMEOUT_S]: presses Ctrl+Q and reports, as one TAP
# line, whether APP then exits with status 0 (its log otherwise).
quit_cleanly () {
  timeout 5 xdotool key ctrl+q
  wait_exit "$1" "${2:-20}"
  if [ "$wait_status" = 0 ]; then
    ok "Ctrl+Q quits with status 0"
  else
    not_ok "Ctrl+Q quits with status 0 (got $wait_status)"
    sed 's/^/# /' "$work/tafel.log"
  fi
}

# Gives WIN the keyboard focus (no window manager runs under Xvfb).
focus_window () {
  timeout 5 xdotool windowfocus "$1" 2>/dev/null
  wait_for 5 sh -c "[ \"\$(xdotool getwindowfocus)\" = '$1' ]"
}

# wait_exit PID TIMEOUT_S: waits for PID (a child of this shell) to end and
# sets wait_status to its exit status, or to "timeout" after killing it.
# Call it directly, not in $(…): a subshell cannot wait for its parent's
# children, and bash then reports a made-up status.
wait_exit () {
  local pid=$1 deadline=$(( $(date +%s) + $2 ))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      kill -9 "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
      wait_status=timeout
      return
    fi
    sleep 0.1
  done
  wait "$pid"
  wait_status=$?
}

# ---- What a screen reader sees (tests/ui/a11y.py) --------------------------

# A Python that has the AT-SPI bindings (pyenv's may lack them), or empty.
a11y_python=
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null 2>&1 &&
     "$p" -c 'import gi; gi.require_version("Atspi", "2.0")' >/dev/null 2>&1; then
    a11y_python=$p
    break
  fi
done

# need_a11y: skips the test when the accessibility tree cannot be read;
# else lets the app publish it (the test environment turns it off).
need_a11y () {
  unset GTK_A11Y NO_AT_BRIDGE
  [ -n "$a11y_python" ] || skip_all "no Python with the AT-SPI bindings (gir1.2-atspi-2.0, python3-gi)"
  [ -f /usr/share/dbus-1/services/org.a11y.Bus.service ] ||
    skip_all "the accessibility bus is not installed (at-spi2-core)"
}

# a11y COMMAND PID ARGS…: see a11y.py.
a11y () {
  local command=$1 pid=$2; shift 2
  timeout 20 "$a11y_python" "$(dirname "${BASH_SOURCE[0]}")/a11y.py" "$command" "$pid" "$@" 2>/dev/null
}

# a11y_has PID ROLE NAME: succeeds while a node with ROLE and NAME is shown.
a11y_has () {
  a11y find "$1" "$2" "$3" >/dev/null
}

# start_mosquitto: a mosquitto ($mosquitto) for this test alone, on a free
# loopback port ($port), anonymous and without persistence; its process is
# $mosquitto_pid. Bails when it does not answer within 10 s.
start_mosquitto () {
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" >"$work/mosquitto.conf"
  [ "$(id -u)" = 0 ] && echo "user root" >>"$work/mosquitto.conf"
  "$mosquitto" -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
  mosquitto_pid=$!
  wait_for 10 python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" ||
    bail "mosquitto did not start: $(cat "$work/mosquitto.log")"
}
