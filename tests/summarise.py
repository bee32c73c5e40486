#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The closing lines of `./run test`: summarise.py BUILD_DIR…

Reads meson's test log (BUILD_DIR/meson-logs/testlog.json) of each build
folder and counts what ran, in TAP test points where a test speaks TAP:
a test program that passes with 3 of its 7 points skipped counts 4 passed
and 3 skipped, not one pass. Each skipped point and each skipped program is
listed with its reason, then one line:

    tests: N passed, N failed, N skipped

A test program that failed counts as at least one failure even when every
point it printed passed (it crashed after them, or timed out).
"""

import json
import re
import sys
from pathlib import Path

# TAP: "ok 3 - name # SKIP reason", "not ok 4 name # TODO why" (GLib, shell).
POINT = re.compile(r"^(not )?ok\b\s*(\d+)?\s*(?:-\s*)?(.*?)\s*$")
DIRECTIVE = re.compile(r"\s*#\s*(SKIP|TODO)\S*\s*(.*)$", re.IGNORECASE)
SKIP_ALL = re.compile(r"^1\.\.0\s*(?:#\s*(?:SKIP\S*)?\s*(.*))?$", re.IGNORECASE)
PASSING = ("OK", "EXPECTEDFAIL")


def count(entry, totals, skipped):
    """Adds one testlog entry to @totals and its skips to @skipped."""
    name = entry.get("name", "?")
    result = entry.get("result", "")
    lines = (entry.get("stdout") or "").splitlines()

    if result == "SKIP":
        reason = next((m.group(1) or "" for m in map(SKIP_ALL.match, lines) if m), "")
        totals["skipped"] += 1
        skipped.append((name, None, reason))
        return

    passed = failed = 0
    for line in lines:
        point = POINT.match(line)
        if point is None:
            if line.startswith("Bail out!"):
                failed += 1
            continue
        text = point.group(3)
        directive = DIRECTIVE.search(text)
        if directive is not None and directive.group(1).upper() == "SKIP":
            totals["skipped"] += 1
            skipped.append((name, text[: directive.start()].strip() or point.group(2),
                            directive.group(2)))
        elif point.group(1) is None or directive is not None:
            passed += 1      # ok, or a "not ok" the test expects (TODO)
        else:
            failed += 1

    if result not in PASSING and failed == 0:
        failed = 1           # crashed, timed out or broke its plan
    if passed + failed == 0 and not any(s[0] == name for s in skipped):
        passed = 1           # a test that is no TAP producer
    totals["passed"] += passed
    totals["failed"] += failed


def summarise(build_dirs):
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    skipped = []
    for build in build_dirs:
        log = Path(build) / "meson-logs" / "testlog.json"
        if not log.is_file():
            continue
        with open(log, encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.strip()
                if line:
                    count(json.loads(line), totals, skipped)

    out = []
    for name, point, reason in skipped:
        where = f"{name}: {point}" if point else f"{name} (all of it)"
        out.append(f"skipped: {where}" + (f": {reason}" if reason else ""))
    out.append("tests: {passed} passed, {failed} failed, {skipped} skipped".format(**totals))
    return out


if __name__ == "__main__":
    print("\n".join(summarise(sys.argv[1:])))
