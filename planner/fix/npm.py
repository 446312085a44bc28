"""``package.json``: a dependency's range moved to the fix, or an override for the whole install
(npm ``overrides``, Yarn ``resolutions``, pnpm ``pnpm.overrides``)."""

from __future__ import annotations

import json

from planner import purl as purls
from planner.fix import jsontext
from planner.fix.model import Change, Edit, FixError, on_line
from planner.fix.spec import move
from planner.fix.text import indent_unit

SECTIONS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")
#: build tool -> (path of the override object, mechanism); npm's is the default
OVERRIDES = {
    "npm": (("overrides",), "npm-override"),
    "yarn": (("resolutions",), "yarn-resolution"),
    "pnpm": (("pnpm", "overrides"), "pnpm-override"),
}
_NOT_A_RANGE = ("workspace:", "file:", "link:", "portal:", "git", "http:", "https:", "npm:", "catalog:", "patch:")


def package_name(change: Change) -> str:
    """``@scope/name`` or ``name`` of the change's package."""
    p = purls.parse(change.package)
    if p.type != "npm":
        raise FixError(change.path, change.line, f"{change.package} is not an npm package")
    return f"{p.namespace}/{p.name}" if p.namespace else p.name


def bump(text: str, change: Change) -> Edit:
    """Move the range of the dependency on the package (the one at ``change.line`` when given;
    else the first of dependencies, devDependencies, optionalDependencies; never a peer range
    unless the plan points at it). An alias (``"vue34": "npm:vue@~3.4.38"``) keeps its alias."""
    root = jsontext.parse(text, change.path)
    name = package_name(change)
    alias = f"npm:{name}@".lower()
    found = []
    for section in SECTIONS:
        deps = root.get(section)
        if deps is None or deps.kind != "object":
            continue
        for key, value in deps.members:
            if value.kind != "string":
                continue
            if key.lower() == name.lower() and not str(value.value).startswith("npm:"):
                found.append((section, value, ""))
            elif str(value.value).lower().startswith(alias):
                found.append((section, value, str(value.value)[: len(alias)]))
    found = on_line(found, change.line, lambda f: jsontext.line_of(text, f[1]), change.path, name)
    found = [f for f in found if f[0] != "peerDependencies" or change.line] or found
    if not found:
        raise FixError(change.path, change.line, f"{name} is not a dependency in this package.json")
    section, node, prefix = found[0]
    spec = str(node.value)[len(prefix) :]
    if spec.startswith(_NOT_A_RANGE):
        raise FixError(change.path, jsontext.line_of(text, node), f"{name} is {spec!r}, not a registry range")
    moved = move(spec, change.target, "npm")
    line = jsontext.line_of(text, node)
    if moved.text == spec:
        return Edit(text, "direct-dependency", line, spec, spec)
    notes = (f"{section}: the range {spec} became {moved.text}",) if moved.rewritten else ()
    new = jsontext.replace_string(text, node, prefix + moved.text)
    return Edit(new, "direct-dependency", line, spec, moved.text, notes)


def override(text: str, change: Change, tool: str | None) -> Edit:
    """Pin the package for the whole install with the tool's override field (npm when unknown)."""
    root = jsontext.parse(text, change.path)
    name = package_name(change)
    path, mechanism = OVERRIDES.get(tool or "npm", OVERRIDES["npm"])
    unit = indent_unit(text, "  ")
    obj = root
    for depth, key in enumerate(path):
        child = obj.get(key)
        if child is None:
            value = "{\n" + unit + json.dumps(name) + ": " + json.dumps(change.target) + "\n}"
            for inner in reversed(path[depth + 1 :]):
                value = "{\n" + unit + json.dumps(inner) + ": " + value.replace("\n", "\n" + unit) + "\n}"
            new, line = jsontext.add_member(text, obj, key, value, unit)
            return Edit(new, mechanism, line + len(path) - depth, None, change.target)
        if child.kind != "object":
            raise FixError(change.path, jsontext.line_of(text, child), f'"{key}" is not an object')
        obj = child
    existing = obj.get(name)
    if existing is not None:
        if existing.kind != "string":
            line = jsontext.line_of(text, existing)
            raise FixError(change.path, line, f"the override of {name} is nested; edit it by hand")
        line = jsontext.line_of(text, existing)
        if existing.value == change.target:
            return Edit(text, mechanism, line, change.target, change.target)
        return Edit(
            jsontext.replace_string(text, existing, change.target), mechanism, line, str(existing.value), change.target
        )
    new, line = jsontext.add_member(text, obj, name, json.dumps(change.target), unit)
    return Edit(new, mechanism, line, None, change.target)
