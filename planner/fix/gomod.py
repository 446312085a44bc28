"""``go.mod``: the ``require`` of a module moved to the fix (in a block or on a single line), or added.

Go's minimal version selection takes the highest version any ``require`` asks for, so the same edit
is both the direct fix and the override of a transitive module (added ``// indirect``). ``go.sum``
then needs the new module's hashes: ``go mod tidy`` (the caller lists it as the follow-up command).
"""

from __future__ import annotations

import re

from loaders.go.modfile import GO_MOD_VERBS, go_purl, parse_directives
from planner import purl as purls
from planner.buildtools import go_version
from planner.errors import ParseError
from planner.fix.model import Change, Edit, FixError, on_line
from planner.fix.text import Lines, insert_before_line
from planner.model import Source


def module_of(change: Change) -> str:
    """The module path of the change's package."""
    p = purls.parse(change.package)
    if p.type != "golang":
        raise FixError(change.path, change.line, f"{change.package} is not a Go module")
    return f"{p.namespace}/{p.name}" if p.namespace else p.name


def bump(text: str, change: Change) -> Edit:
    """Move the ``require`` of the module (it must be required already)."""
    edit = _move(text, change)
    if edit is None:
        raise FixError(change.path, change.line, f"{module_of(change)} is not required in this go.mod")
    return edit


def override(text: str, change: Change) -> Edit:
    """Require the fixed version: move the module's ``require``, or add one marked ``// indirect``
    (into the block of indirect requirements when there is one)."""
    edit = _move(text, change)
    if edit is not None:
        return Edit(edit.text, "go-require", edit.line, edit.before, edit.after, edit.notes)
    module, version = module_of(change), go_version(change.target)
    lines = Lines(text)
    blocks = _require_blocks(lines)
    indirect = [b for b in blocks if "// indirect" in "".join(lines.line_text(n) for n in range(b[0] + 1, b[1]))]
    if indirect or blocks:
        opening, closing = (indirect or blocks)[-1]
        indent = lines.indent(closing - 1) if closing - 1 > opening else "\t"
        new = insert_before_line(text, closing, [f"{indent}{module} {version} // indirect"])
        return Edit(new, "go-require", closing, None, version)
    at = lines.count + 1
    new = insert_before_line(text, at, ["", f"require {module} {version} // indirect"])
    return Edit(new, "go-require", at + 1, None, version)


def _move(text: str, change: Change) -> Edit | None:
    wanted = purls.parse(change.package).package
    try:
        directives = parse_directives(text, Source("", change.path, change.path), GO_MOD_VERBS, [])
    except ParseError as exc:
        raise FixError(change.path, exc.line, exc.reason) from None
    found = [d for d in directives if d.verb == "require" and len(d.args) >= 2 and _same(d.args[0], wanted)]
    found = on_line(found, change.line, lambda d: d.line, change.path, module_of(change))
    if not found:
        return None
    d = found[0]
    module, old = d.args[0], d.args[1]
    new_version = go_version(change.target)
    if old == new_version:
        return Edit(text, "go-require", d.line, old, old)
    lines = Lines(text)
    raw = lines.line_text(d.line)
    m = re.search(rf"(^|\s){re.escape(module)}\s+({re.escape(old)})(?=\s|$|//)", raw)
    if m is None:
        raise FixError(change.path, d.line, f"cannot find {module} {old} on this line")
    start = lines.start(d.line) + m.start(2)
    return Edit(text[:start] + new_version + text[start + len(old) :], "direct-dependency", d.line, old, new_version)


def _same(module: str, package: str) -> bool:
    try:
        return go_purl(module).package.lower() == package.lower()
    except ValueError:
        return False


def _require_blocks(lines: Lines) -> list[tuple[int, int]]:
    """(line of ``require (``, line of its ``)``) for each require block."""
    out = []
    opening = None
    for n in range(1, lines.count + 1):
        code = lines.line_text(n).split("//", 1)[0].strip()
        if opening is None and re.fullmatch(r"require\s*\(", code):
            opening = n
        elif opening is not None and code == ")":
            out.append((opening, n))
            opening = None
    return out
