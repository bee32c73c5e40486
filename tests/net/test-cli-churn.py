#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Churn: eight tafel-cli peers on one board, real processes linked over
libnice on loopback and finding each other through a real mosquitto, keep
joining, drawing and quitting for a while (--seconds, 180 by default):

  test-cli-churn.py [--tap] [--seconds N] [--seed N]

Two peers (the anchors) stay online throughout. The six others, one action
at a time at random: one that is offline joins (`tafel-cli draw --stay`
with a few real strokes), and its strokes count as acknowledged once it
reports them delivered to every online peer; one that is online quits, by
SIGTERM (it must exit 0) or by SIGKILL; now and then one is killed the
moment it has committed its strokes, before anyone has them. Every wait is
for the event (read from the peers' --json event logs), bounded.

At the end every peer still online holds every record any peer
acknowledged, author by author (tests/net/board-heads reads each board
folder), and they all show the same board (digest). The anchors' resident
memory (VmRSS) at the start and at the end is reported, and must not have
grown by more than half plus 24 MiB: a leak per link, join or record over
hundreds of them would.

Randomness comes from --seed (printed; random if not given)."""

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

parser = argparse.ArgumentParser()
parser.add_argument("--tap", action="store_true")
parser.add_argument("--seconds", type=float, default=float(os.environ.get("TAFEL_CHURN_SECONDS", 180)))
parser.add_argument("--seed", type=int, default=None)
opts = parser.parse_args()

N_PEERS = 8
ANCHORS = (0, 1)
JOIN_TIMEOUT = 90          # s: join, link, deliver
STOP_TIMEOUT = 30          # s: a SIGTERM'd peer says goodbye and exits
CONVERGE_TIMEOUT = 120     # s

n_points = 0
failed = False


def ok(text):
    global n_points
    n_points += 1
    print(f"ok {n_points} - {text}", flush=True)


def not_ok(text):
    global n_points, failed
    n_points += 1
    failed = True
    print(f"not ok {n_points} - {text}", flush=True)


def check(text, condition):
    (ok if condition else not_ok)(text)
    return condition


def diag(text):
    for line in str(text).splitlines():
        print(f"# {line}", flush=True)


def skip_all(reason):
    print(f"1..0 # SKIP {reason}")
    sys.exit(0 if opts.tap else 77)


def wait_until(condition, timeout, step=0.05):
    """Polls @condition (a real event) until it holds or @timeout seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result or time.monotonic() >= deadline:
            return result
        time.sleep(step)


build_root = os.environ.get("TAFEL_BUILD_ROOT")
if build_root is None:
    skip_all("TAFEL_BUILD_ROOT is not set (run it through meson)")
cli = os.path.join(build_root, "src", "cli", "tafel-cli")
board_heads = os.path.join(build_root, "tests", "net", "board-heads")
mosquitto = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
if not os.access(mosquitto, os.X_OK):
    skip_all("mosquitto is not installed")

seed = opts.seed if opts.seed is not None else random.randrange(1 << 31)
rng = random.Random(seed)
diag(f"seed {seed} (--seed {seed} repeats the choices), {opts.seconds:.0f} s of churn")

work = tempfile.mkdtemp(prefix="churn-", dir=os.environ.get("TAFEL_TEST_TMPDIR"))
processes = []


def cleanup():
    for p in processes:
        if p.poll() is None:
            p.kill()
            p.wait()
    shutil.rmtree(work, ignore_errors=True)


# ---- a broker on loopback -------------------------------------------------

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
with open(os.path.join(work, "mosquitto.conf"), "w") as f:
    f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    if os.geteuid() == 0:
        f.write("user root\n")
broker_log = open(os.path.join(work, "mosquitto.log"), "w")
processes.append(subprocess.Popen([mosquitto, "-c", os.path.join(work, "mosquitto.conf")],
                                  stdout=broker_log, stderr=subprocess.STDOUT))


def broker_up():
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
        return True
    except OSError:
        return False


if not wait_until(broker_up, 10):
    cleanup()
    print("Bail out! mosquitto did not start")
    sys.exit(1)

# ---- strokes: real traces, a few per draw ---------------------------------

shared = os.environ.get("TAFEL_SHARED_DATA", "")
trace = os.path.join(shared, "quickdraw-strokes.ndjson")
if os.path.isfile(trace):
    with open(trace) as f:
        strokes = [line for _, line in zip(range(4000), f)]
else:
    diag("the shared traces are not there: synthetic strokes")
    strokes = []
    for _ in range(4000):
        x, y, points = rng.uniform(0, 2000), rng.uniform(0, 2000), []
        for _ in range(rng.randint(10, 60)):
            x += rng.uniform(-6, 6)
            y += rng.uniform(-6, 6)
            points.append([round(x, 3), round(y, 3), 0.5])
        strokes.append(json.dumps({"color": "#1c71d8", "width": 2.0, "points": points}) + "\n")
next_stroke = 0
n_traces = 0


def new_trace():
    global next_stroke, n_traces
    n = rng.randint(3, 15)
    n_traces += 1
    path = os.path.join(work, f"trace-{n_traces}.ndjson")
    with open(path, "w") as f:
        for i in range(n):
            f.write(strokes[(next_stroke + i) % len(strokes)])
    next_stroke += n
    return path


# ---- the board and its peers ----------------------------------------------

out = subprocess.run([cli, "new", "--data-dir", os.path.join(work, "peer-0"), "--title", "Churn",
                      "--broker", f"mqtt://127.0.0.1:{port}"], capture_output=True, text=True)
if out.returncode != 0:
    cleanup()
    print(f"Bail out! tafel-cli new failed: {out.stderr}")
    sys.exit(1)
board_id, link = out.stdout.splitlines()[:2]

# A SIGKILL may cut a write short; the restart cuts the torn tail off with
# a warning, which must not abort it as the suite's fatal-warnings would.
peer_env = dict(os.environ, G_DEBUG="gc-friendly")
# Under AddressSanitizer freed memory waits in a quarantine of up to
# 256 MiB before it is reused, which would grow any process's RSS: the two
# anchors, whose memory is measured, run without it (LeakSanitizer still
# checks every peer that ends by SIGTERM, which must exit 0).
anchor_env = dict(peer_env)
ldd = subprocess.run(["ldd", cli], capture_output=True, text=True)
if "libasan" in ldd.stdout:
    anchor_env["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=0"
    diag("AddressSanitizer: the anchors run without its quarantine")


def events(path, start=0):
    """The JSON events of a log from byte @start on, and where it ends."""
    found = []
    try:
        with open(path, "rb") as f:
            f.seek(start)
            data = f.read()
    except FileNotFoundError:
        return found, start
    end = start + data.rfind(b"\n") + 1
    for line in data[: end - start].splitlines():
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if isinstance(e, dict):
            found.append(e)
    return found, end


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class Peer:
    def __init__(self, index):
        self.index = index
        self.dir = os.path.join(work, f"peer-{index}")
        self.log = os.path.join(work, f"peer-{index}.log")
        self.process = None
        self.key = None
        self.offset = 0         # where this run's events start in the log
        self.runs = 0

    def online(self):
        return self.process is not None and self.process.poll() is None

    def start(self):
        self.offset = os.path.getsize(self.log) if os.path.exists(self.log) else 0
        self.runs += 1
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                [cli, "draw", link, "--data-dir", self.dir, "--trace", new_trace(), "--stay",
                 "--peers", "1", "--timeout", str(JOIN_TIMEOUT), "--local-address", "127.0.0.1", "--json"],
                stdout=log, stderr=subprocess.STDOUT,
                env=anchor_env if self.index in ANCHORS else peer_env)
        processes.append(self.process)

    def run_events(self):
        return events(self.log, self.offset)[0]

    def wait_event(self, name, timeout):
        """The first event @name of this run, or None when the process ended
        or @timeout passed first."""
        def found():
            for e in self.run_events():
                if e.get("event") == "started" and self.key is None:
                    self.key = e.get("peer")
                if e.get("event") == name:
                    return e
            if self.process.poll() is not None:
                return "exited"
            return None
        e = wait_until(found, timeout)
        if e == "exited":
            # Read once more: the event may have come with the end.
            e = next((x for x in self.run_events() if x.get("event") == name), None)
        return e

    def stop(self, sig):
        self.process.send_signal(sig)
        try:
            return self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return "hung"


peers = [Peer(i) for i in range(N_PEERS)]
acked = {}                # author key (hex) → the highest seq a peer acknowledged
counts = {"joins": 0, "delivered": 0, "term": 0, "kill": 0, "kill_before_ack": 0, "undelivered": 0}
problems = []


def join(peer, kill_after_commit=False):
    peer.start()
    counts["joins"] += 1
    if kill_after_commit:
        drawn = peer.wait_event("drawn", JOIN_TIMEOUT)
        peer.stop(signal.SIGKILL)
        counts["kill"] += 1
        counts["kill_before_ack"] += 1
        return drawn is not None
    delivered = peer.wait_event("delivered", JOIN_TIMEOUT)
    if delivered is None:
        counts["undelivered"] += 1
        problems.append(f"peer {peer.index}, run {peer.runs}: never delivered its strokes "
                        f"({'exited ' + str(peer.process.returncode) if not peer.online() else 'still online'})")
        return False
    drawn = next(e for e in peer.run_events() if e.get("event") == "drawn")
    acked[peer.key] = max(acked.get(peer.key, 0), int(drawn["records"]))
    counts["delivered"] += 1
    return True


try:
    # The anchors first: each delivers to the other.
    for i in ANCHORS:
        peers[i].start()
        counts["joins"] += 1
    anchors_delivered = all(peers[i].wait_event("delivered", JOIN_TIMEOUT) for i in ANCHORS)
    if not check("the two anchors link and deliver their first strokes", anchors_delivered):
        raise SystemExit
    for i in ANCHORS:
        drawn = next(e for e in peers[i].run_events() if e.get("event") == "drawn")
        acked[peers[i].key] = int(drawn["records"])
        counts["delivered"] += 1
    rss_start = {i: rss_kib(peers[i].process.pid) for i in ANCHORS}

    started = time.monotonic()
    churners = [p for p in peers if p.index not in ANCHORS]
    while time.monotonic() - started < opts.seconds:
        peer = rng.choice(churners)
        if peer.online():
            if rng.random() < 0.5:
                status = peer.stop(signal.SIGTERM)
                counts["term"] += 1
                if status != 0:
                    problems.append(f"peer {peer.index}, run {peer.runs}: SIGTERM ended it with {status}")
            else:
                peer.stop(signal.SIGKILL)
                counts["kill"] += 1
        else:
            join(peer, kill_after_commit=rng.random() < 0.15)
    churn_s = time.monotonic() - started

    diag(f"{churn_s:.0f} s of churn: {counts['joins']} joins, {counts['delivered']} draws delivered, "
         f"{counts['term']} quits by SIGTERM, {counts['kill']} by SIGKILL "
         f"({counts['kill_before_ack']} right after committing, before delivering)")
    check(f"peers joined, drew and quit by SIGTERM and SIGKILL ({counts['joins']} joins, "
          f"{counts['term']} + {counts['kill']} quits)",
          counts["joins"] >= 3 and counts["term"] >= 1 and counts["kill"] >= 1)
    check("every peer that was not killed first delivered its strokes; every SIGTERM ended with 0",
          not problems)
    for p in problems:
        diag(p)

    # Every peer still online holds every acknowledged record, and all show
    # the same board.
    survivors = [p for p in peers if p.online()]
    diag(f"still online: peers {', '.join(str(p.index) for p in survivors)}; "
         f"acknowledged: {sum(acked.values())} records by {len(acked)} authors")

    def heads(peer):
        out = subprocess.run([board_heads, peer.dir, board_id], capture_output=True, text=True)
        if out.returncode != 0:
            return {}
        return {k: int(v) for k, v in (line.split() for line in out.stdout.splitlines())}

    def digest(peer):
        out = subprocess.run([cli, "info", board_id, "--data-dir", peer.dir, "--json"],
                             capture_output=True, text=True)
        try:
            return json.loads(out.stdout)["digest"]
        except (ValueError, KeyError):
            return None

    def missing(peer):
        h = heads(peer)
        return {k[:8]: (h.get(k, 0), seq) for k, seq in acked.items() if h.get(k, 0) < seq}

    def all_hold_everything():
        return all(not missing(p) for p in survivors) and len({digest(p) for p in survivors}) == 1

    converged = wait_until(all_hold_everything, CONVERGE_TIMEOUT, step=0.5)
    for p in survivors:
        check(f"peer {p.index} holds every record acknowledged by anyone", not missing(p))
        if missing(p):
            diag(f"peer {p.index} lacks (author: held, acknowledged) {missing(p)}")
    check(f"the {len(survivors)} peers still online show the same board (digest)",
          converged and len({digest(p) for p in survivors}) == 1)

    rss_end = {i: rss_kib(peers[i].process.pid) for i in ANCHORS}
    for i in ANCHORS:
        start_kib, end_kib = rss_start[i], rss_end[i]
        diag(f"anchor {i}: VmRSS {start_kib / 1024:.1f} MiB at the start, {end_kib / 1024:.1f} MiB "
             f"after {churn_s:.0f} s and {counts['joins']} joins")
        check(f"anchor {i}'s memory stays flat ({start_kib // 1024} → {end_kib // 1024} MiB)",
              start_kib is not None and end_kib is not None and end_kib <= start_kib * 1.5 + 24 * 1024)
    for p in survivors:
        if p.index not in ANCHORS:
            diag(f"peer {p.index}: VmRSS {(rss_kib(p.process.pid) or 0) / 1024:.1f} MiB at the end "
                 f"(run {p.runs})")

    for p in survivors:
        check(f"peer {p.index} stops cleanly on SIGTERM", p.stop(signal.SIGTERM) == 0)
except SystemExit:
    pass
finally:
    if failed:
        for p in peers:
            diag(f"--- peer {p.index}")
            try:
                with open(p.log, errors="replace") as f:
                    diag("".join(f.readlines()[-8:]))
            except OSError:
                pass
    cleanup()

print(f"1..{n_points}")
sys.exit(1 if failed else 0)
