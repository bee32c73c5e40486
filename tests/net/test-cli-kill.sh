#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A peer killed with SIGKILL in the middle of a large sync loses nothing:
# its log file opens afterwards (`tafel-cli info` works), holds a prefix of
# what it was sent, and once restarted the peer converges with the seed.
# Twice: killed while the records are still arriving (after the first of
# four authors' runs came in), and while they are being integrated and
# written (right after the last run came in).
set -u
. "$(dirname "$0")/cli-lib.sh"

start_broker

# A board of four authors, each with every Quick, Draw! stroke of the
# shared traces (about 73,000 strokes, 3 M points): a sync of several
# runs that takes long enough to be interrupted.
q="$work/strokes.ndjson"
trace_slice quickdraw 1 18352 "$q"
out=$("$cli" new --data-dir "$work/s1" --title "Big" --broker "$broker")
id=$(echo "$out" | head -n 1)
link=$(echo "$out" | sed -n 2p)
"$cli" import "$id" --data-dir "$work/s1" --trace "$q" >/dev/null
for i in 2 3 4; do
  "$cli" export "$id" --data-dir "$work/s$((i - 1))" -o "$work/s$((i - 1)).tafel" >/dev/null &&
    "$cli" import "$work/s$((i - 1)).tafel" --data-dir "$work/s$i" --trace "$q" >/dev/null
done
seed_dir="$work/s4"
expected=$(( 4 * $(wc -l <"$q") ))
check "the seed's board holds four authors' strokes ($expected)" \
  test "$(info_field "$seed_dir" "$id" records)" = "$expected"
check "… by four authors" test "$(info_field "$seed_dir" "$id" authors)" = 4

net=(--local-address 127.0.0.1 --json)
"$cli" seed "$link" --data-dir "$seed_dir" "${net[@]}" >"$work/seed.log" 2>&1 & pids+=($!); seed_pid=$!

# join_and_kill DIR N [WRITING]: joins as a seed and sends it SIGKILL the
# moment it reports its Nth received run (read from its event stream as it
# comes) or, with WRITING, once after that its log file has begun to grow.
join_and_kill () {
  local dir=$1 n=$2 writing=${3:-} fifo="$work/$(basename "$1").fifo" pid count=0 line
  local log_file="$dir/boards/$id/log" size0 i
  mkfifo "$fifo"
  "$cli" seed "$link" --data-dir "$dir" "${net[@]}" >"$fifo" 2>"$dir.err" & pid=$!
  pids+=($pid)
  exec {fd}<"$fifo"
  # Bounded: the process's end of stream (it died or was killed) or 60 s.
  while IFS= read -r -t 60 line <&$fd; do
    printf '%s\n' "$line" >>"$dir.log"
    case $line in
      *'"event":"records-received"'*)
        count=$((count + 1))
        [ "$count" -ge "$n" ] && break
        ;;
    esac
  done
  if [ -n "$writing" ]; then
    size0=$(stat -c %s "$log_file" 2>/dev/null || echo 0)
    for ((i = 0; i < 20000; i++)); do
      [ "$(stat -c %s "$log_file" 2>/dev/null || echo 0)" -gt "$size0" ] && break
    done
  fi
  kill -KILL "$pid" 2>/dev/null
  exec {fd}<&-
  wait "$pid" 2>/dev/null
  echo "$count"
}

# info_records DIR: the records the killed peer's log file holds, or
# "failed" when it does not open.
info_records () {
  info_field "$1" "$id" records 2>"$1.info-err" || echo failed
}

for round in transfer integration; do
  dir="$work/k-$round"
  case $round in
    transfer) got=$(join_and_kill "$dir" 1) n=1 ;;
    # Runs are integrated as soon as each is verified, while later ones
    # still come in: kill once the first one is being written.
    integration) got=$(join_and_kill "$dir" 1 writing) n=1 ;;
  esac
  check "[$round] the peer was killed after its run $n of 4 came in" test "$got" = "$n"
  held=$(info_records "$dir")
  diag "[$round] after SIGKILL the log file holds $held of $expected records"
  check "[$round] the killed peer's log file opens (tafel-cli info works)" test "$held" != failed
  check "[$round] the kill landed before the sync was complete" \
    test "$held" != failed -a "${held:-0}" -lt "$expected"

  # Back online: it converges with the seed. A kill in the middle of an
  # append leaves a torn tail, which the restart cuts off with the warning
  # the core must give; that warning is expected here, so this process runs
  # without the test suite's fatal-warnings.
  G_DEBUG=gc-friendly "$cli" seed "$link" --data-dir "$dir" "${net[@]}" >"$dir-again.log" 2>&1 & pids+=($!); pid=$!
  check "[$round] restarted, it reports being in sync with all $expected records" \
    wait_for 45 synced_to "$dir-again.log" "$expected"
  kill -TERM "$pid"; wait "$pid" 2>/dev/null
  if [ "$round" = integration ]; then
    # Either whole records were on disk already, or the append was cut
    # short and the restart cut its torn tail off (and said so).
    check "[$round] the kill landed while the records were being written" \
      sh -c "[ '${held:-0}' != failed ] && { [ '${held:-0}' -gt 0 ] || grep -q 'was damaged' '$dir-again.log'; }"
  fi
  check "[$round] its log file holds every record" test "$(info_records "$dir")" = "$expected"
done

kill -TERM "$seed_pid"; wait "$seed_pid" 2>/dev/null
seed_digest=$(info_field "$seed_dir" "$id" digest)
check "the first killed peer shows the seed's board (digest)" \
  test "$(info_field "$work/k-transfer" "$id" digest)" = "$seed_digest"
check "the second killed peer too" \
  test "$(info_field "$work/k-integration" "$id" digest)" = "$seed_digest"

[ "$tap_failed" = 0 ] || show_logs
done_testing
