#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Validates the Flatpak manifest without a Flatpak runtime (none can be
downloaded here): it is valid JSON, names our app id and a GNOME runtime,
asks for no more than the app needs, pins every downloaded source by
sha256, passes only meson options that exist with values they accept, runs
an executable the build installs, and bundles every library the project
depends on that the GNOME runtime does not ship.

Then it shows that each of these checks can fail, on broken copies.

    test-flatpak-manifest.py MANIFEST APP-ID SOURCE-ROOT BUILD-ROOT
"""

import copy
import json
import os
import re
import sys

# What the org.gnome.Platform runtime (and its SDK) ships, by pkg-config
# name. A dependency() that is neither here nor built by a module below
# fails the check: bundle it in the manifest, or add it here if the GNOME
# runtime really ships it. libnice is left out on purpose: the runtime may
# carry one for GStreamer's WebRTC plugin, but Tafel bundles its own so the
# version it runs is the one its manifest names.
RUNTIME_PROVIDES = {
    "threads",
    "glib-2.0", "gobject-2.0", "gio-2.0", "gio-unix-2.0", "gmodule-2.0",
    "json-glib-1.0",
    "cairo", "cairo-gobject", "cairo-pdf", "cairo-png", "cairo-svg",
    "pango", "pangocairo", "gdk-pixbuf-2.0", "graphene-1.0", "librsvg-2.0",
    "gtk4", "libadwaita-1",
    "gnutls", "openssl", "libsoup-3.0", "libxml-2.0", "sqlite3", "zlib",
    "fontconfig", "freetype2", "harfbuzz", "libpng",
}

# Which pkg-config names each bundled module installs.
MODULE_PROVIDES = {
    "libsodium": {"libsodium"},
    "libnice": {"nice"},
    "mosquitto": {"libmosquitto"},
    "qrencode": {"libqrencode"},
}

REQUIRED_FINISH_ARGS = {
    "--share=network",        # peers, the rendezvous broker, STUN and TURN
    "--share=ipc",            # X11 shared memory
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",           # GTK's GL renderer
}

# Broad permissions a whiteboard has no use for.
FORBIDDEN_FINISH_ARGS = re.compile(
    r"^--(filesystem=(home|host|host-os|host-etc)(:.*)?"
    r"|socket=(x11|session-bus|system-bus|ssh-auth|pcsc)"
    r"|device=(all|shm)"
    r"|talk-name=org\.freedesktop\.Flatpak"
    r"|allow=devel)$")

SHA256 = re.compile(r"^[0-9a-f]{64}$")
GIT_COMMIT = re.compile(r"^[0-9a-f]{40}$")
DOWNLOADED = {"archive", "file", "extra-data"}
LOCAL = {"dir", "patch", "script", "shell", "inline"}


def load_json_strict(path):
    def no_duplicates(pairs):
        seen = {}
        for key, value in pairs:
            if key in seen:
                raise ValueError(f"duplicate key “{key}”")
            seen[key] = value
        return seen

    with open(path, encoding="utf-8") as f:
        return json.load(f, object_pairs_hook=no_duplicates)


def walk_modules(modules, base_dir, problems):
    """Yields every module, following nested modules and module files."""
    for module in modules:
        if isinstance(module, str):
            path = os.path.join(base_dir, module)
            try:
                loaded = load_json_strict(path)
            except (OSError, ValueError) as e:
                problems.append(f"module file {module}: {e}")
                continue
            yield from walk_modules([loaded], os.path.dirname(path), problems)
            continue
        yield module, base_dir
        yield from walk_modules(module.get("modules", []), base_dir, problems)


def meson_options(build_root):
    with open(os.path.join(build_root, "meson-info", "intro-buildoptions.json")) as f:
        return {o["name"]: o for o in json.load(f)}


def installed_executables(build_root):
    with open(os.path.join(build_root, "meson-info", "intro-targets.json")) as f:
        return {t["name"] for t in json.load(f)
                if t["type"] == "executable" and t["installed"]}


def project_dependencies(source_root):
    """The pkg-config names of every dependency() in the project's meson files."""
    names = set()
    for dirpath, dirnames, filenames in os.walk(source_root):
        dirnames[:] = [d for d in dirnames
                       if not d.startswith((".", "build", "_build", "subprojects"))]
        if "meson.build" in filenames:
            with open(os.path.join(dirpath, "meson.build"), encoding="utf-8") as f:
                text = f.read()
            names.update(re.findall(r"\bdependency\(\s*'([^']+)'", text))
    return names


def option_problems(opts, options, module_name):
    problems = []
    for opt in opts:
        m = re.match(r"^-D([^=]+)=(.*)$", opt)
        if not m:
            if opt.startswith("-D"):
                problems.append(f"{module_name}: “{opt}” is not -Dname=value")
            continue
        name, value = m.groups()
        if name not in options:
            problems.append(f"{module_name}: -D{name} is not a meson option of this project")
            continue
        option = options[name]
        if option["type"] == "boolean" and value not in ("true", "false"):
            problems.append(f"{module_name}: -D{name} takes true or false, not “{value}”")
        elif option["type"] == "combo" and value not in option.get("choices", []):
            problems.append(f"{module_name}: -D{name} takes one of {option['choices']}, not “{value}”")
        elif option["type"] == "integer" and not re.match(r"^-?[0-9]+$", value):
            problems.append(f"{module_name}: -D{name} takes an integer, not “{value}”")
    return problems


def validate(manifest, base_dir, app_id, source_root, options, executables,
             dependencies, gui_built):
    """Returns the list of problems with MANIFEST (empty when it is fine)."""
    problems = []

    manifest_id = manifest.get("id", manifest.get("app-id"))
    if manifest_id != app_id:
        problems.append(f"the app id is “{manifest_id}”, not {app_id}")
    if manifest.get("runtime") != "org.gnome.Platform":
        problems.append(f"the runtime is “{manifest.get('runtime')}”, not org.gnome.Platform")
    if manifest.get("sdk") != "org.gnome.Sdk":
        problems.append(f"the SDK is “{manifest.get('sdk')}”, not org.gnome.Sdk")
    version = manifest.get("runtime-version")
    if not isinstance(version, str) or not re.match(r"^[0-9]+$", version):
        problems.append(f"the runtime version “{version}” is not a GNOME release such as \"50\"")

    command = manifest.get("command")
    if gui_built and command not in executables:
        problems.append(f"the command “{command}” is not an executable the build installs "
                        f"({', '.join(sorted(executables))})")

    finish_args = manifest.get("finish-args", [])
    for arg in sorted(REQUIRED_FINISH_ARGS - set(finish_args)):
        problems.append(f"finish-args lacks {arg}")
    for arg in finish_args:
        if FORBIDDEN_FINISH_ARGS.match(arg):
            problems.append(f"finish-args asks for {arg}, which Tafel does not need")

    modules = list(walk_modules(manifest.get("modules", []), base_dir, problems))
    if not modules:
        problems.append("there are no modules")
        return problems

    for module, module_dir in modules:
        name = module.get("name", "?")
        sources = module.get("sources", [])
        if not sources:
            problems.append(f"{name}: has no sources")
        for source in sources:
            if isinstance(source, str):
                problems.append(f"{name}: source file references are not supported here ({source})")
                continue
            kind = source.get("type")
            if kind in DOWNLOADED:
                url = source.get("url", "")
                if not url.startswith("https://"):
                    problems.append(f"{name}: {kind} source has no https url ({url or 'none'})")
                if not SHA256.match(source.get("sha256", "")):
                    problems.append(f"{name}: {kind} source {url} is not pinned by a sha256 "
                                    f"(got “{source.get('sha256', '')}”)")
            elif kind == "git":
                if not GIT_COMMIT.match(source.get("commit", "")):
                    problems.append(f"{name}: git source {source.get('url')} is not pinned by a commit")
            elif kind in LOCAL:
                path = source.get("path")
                if path is not None and not os.path.exists(os.path.join(module_dir, path)):
                    problems.append(f"{name}: local {kind} source {path} does not exist")
            else:
                problems.append(f"{name}: unknown source type “{kind}”")
        if module.get("buildsystem") == "meson":
            if name == "tafel":
                problems += option_problems(module.get("config-opts", []), options, name)

    app = modules[-1][0]
    if app.get("name") != "tafel" or app.get("buildsystem") != "meson":
        problems.append("the last module is not tafel built with meson")
    else:
        opts = app.get("config-opts", [])
        if "-Dgui=true" not in opts:
            problems.append("the app module does not build the GUI (-Dgui=true)")
        if "-Ddevelopment=true" in opts:
            problems.append("the app module makes a development build")
        dirs = [s for s in app.get("sources", []) if isinstance(s, dict) and s.get("type") == "dir"]
        if not dirs or os.path.realpath(os.path.join(modules[-1][1], dirs[0]["path"])) != \
                os.path.realpath(source_root):
            problems.append("the app module does not build this source tree")

    bundled = set()
    for module, _ in modules:
        bundled |= MODULE_PROVIDES.get(module.get("name"), set())
    for dep in sorted(dependencies - RUNTIME_PROVIDES - bundled):
        problems.append(f"the project depends on “{dep}”, which no module builds and "
                        f"which is not on this test's list of what the GNOME runtime ships")
    return problems


# Broken copies, each of which must be rejected.
def mutations(manifest):
    def first_archive(m):
        for module in m["modules"]:
            for source in module.get("sources", []):
                if isinstance(source, dict) and source.get("type") == "archive":
                    return source
        raise LookupError("no archive source to break")

    def app(m):
        return m["modules"][-1]

    def drop_sha(m): del first_archive(m)["sha256"]
    def short_sha(m): first_archive(m)["sha256"] = first_archive(m)["sha256"][:63]
    def http_url(m): first_archive(m)["url"] = first_archive(m)["url"].replace("https:", "http:")
    def wrong_id(m): m["id"] = "org.example.NotTafel"
    def wrong_command(m): m["command"] = "tafel-nonexistent"
    def no_network(m): m["finish-args"].remove("--share=network")
    def home_access(m): m["finish-args"].append("--filesystem=home")
    def unknown_option(m): app(m)["config-opts"].append("-Dno-such-option=true")
    def bad_boolean(m): app(m)["config-opts"] = ["-Dgui=yes"]
    def drop_libnice(m): m["modules"] = [x for x in m["modules"] if x.get("name") != "libnice"]
    def old_runtime(m): m["runtime"] = "org.freedesktop.Platform"

    for f in (drop_sha, short_sha, http_url, wrong_id, wrong_command, no_network,
              home_access, unknown_option, bad_boolean, drop_libnice, old_runtime):
        broken = copy.deepcopy(manifest)
        f(broken)
        yield f.__name__.replace("_", " "), broken


def main():
    manifest_path, app_id, source_root, build_root = sys.argv[1:5]
    base_dir = os.path.dirname(os.path.abspath(manifest_path))
    n = 0
    failed = False

    def point(good, description, details=()):
        nonlocal n, failed
        n += 1
        print(f"{'ok' if good else 'not ok'} {n} - {description}")
        for line in details:
            print(f"# {line}")
        failed |= not good

    try:
        manifest = load_json_strict(manifest_path)
    except (OSError, ValueError) as e:
        point(False, f"{manifest_path} is valid JSON", [str(e)])
        print(f"1..{n}")
        return 1
    point(True, f"{os.path.basename(manifest_path)} is valid JSON")

    options = meson_options(build_root)
    executables = installed_executables(build_root)
    dependencies = project_dependencies(source_root)
    gui_built = options.get("gui", {}).get("value") is True
    context = (base_dir, app_id, source_root, options, executables, dependencies, gui_built)

    problems = validate(manifest, *context)
    point(not problems, "the manifest is complete, pinned and minimal", problems)
    if not gui_built:
        n += 1
        print(f"ok {n} # SKIP the command is not checked: this build has -Dgui=false")

    for description, broken in mutations(manifest):
        if description == "wrong command" and not gui_built:
            continue
        found = validate(broken, *context)
        point(bool(found), f"a manifest with “{description}” is rejected",
              found[:1] if found else ["accepted although it is broken"])

    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
