# SPDX-License-Identifier: GPL-3.0-or-later
"""What a screen reader sees of a running Tafel, for the UI tests.

Reads the accessibility tree (AT-SPI) of the process PID:

  a11y.py dump PID                 every node: role, name, extents
  a11y.py find PID ROLE NAME       "x y w h" (window coordinates) of each
                                   node with that role and name that has a
                                   size, one a line; exit 1 when none
  a11y.py names PID ROLE           the names of the nodes with that role
                                   that have a size, one a line
  a11y.py descriptions PID ROLE    their descriptions (tooltips), likewise
  a11y.py boxes PID ROLE           "x y w h<TAB>name" of each such node
  a11y.py states PID ROLE NAME     the states of the first such node that
                                   has a size (pressed, checked, …)

A node that is not laid out (a hidden stack page, a closed revealer) has
no size, so what has one is what a person can see.
"""
import sys

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402


def application(pid):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and app.get_process_id() == pid:
            return app
    return None


def walk(node, depth=0):
    if node is None:
        return
    yield node, depth
    for i in range(node.get_child_count()):
        yield from walk(node.get_child_at_index(i), depth + 1)


def extents(node):
    try:
        e = node.get_extents(Atspi.CoordType.WINDOW)
        return e.x, e.y, e.width, e.height
    except Exception:  # not a component
        return None


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    command, pid = argv[1], int(argv[2])
    app = application(pid)
    if app is None:
        print(f"no accessible application with process id {pid}", file=sys.stderr)
        return 1

    found = 0
    for node, depth in walk(app):
        try:
            role, name = node.get_role_name(), node.get_name()
        except Exception:  # the node went away while we looked
            continue
        box = extents(node)
        sized = box is not None and box[2] > 0 and box[3] > 0
        if command == "dump":
            where = " ".join(map(str, box)) if box else "-"
            print(f"{'  ' * depth}{role} “{name}” {where}")
        elif command == "find" and sized and role == argv[3] and name == argv[4]:
            print(*box)
            found += 1
        elif command == "names" and sized and role == argv[3]:
            print(name)
            found += 1
        elif command == "states" and sized and role == argv[3] and name == argv[4]:
            states = node.get_state_set().get_states()
            print(" ".join(Atspi.StateType(st).value_nick for st in states))
            return 0
        elif command == "boxes" and sized and role == argv[3]:
            print(*box, end="\t")
            print(name)
            found += 1
        elif command == "descriptions" and sized and role == argv[3]:
            print(node.get_description())
            found += 1
    return 0 if command == "dump" or found else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
