"""``go.sum``: checksums, not the build list.

go.sum keeps a hash for every module version the go command ever consulted (old versions seen
during minimal version selection, ``/go.mod``-only entries for modules whose go.mod was read),
so its versions are a superset of what the build uses. It therefore creates no ``Resolved``
edges. It contributes:

* the module's ``Project`` (same key as the go.mod beside it, read through the context), so the
  file is attached to the project it belongs to;
* a cross-check: one aggregated warning listing required (or replacement) module versions of that
  go.mod which have no go.sum line at all — a go.sum that is out of date with its go.mod;
* one aggregated warning for malformed lines.

The build list itself comes from go.mod (:mod:`loaders.go.mod`).
"""

from __future__ import annotations

import posixpath

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
from loaders.go.mod import GoModLoader
from planner import purl as purls
from planner.errors import ParseError
from planner.model import ParseResult, ParseWarning, Project, Resolved, Source


def read_go_sum(text: str) -> tuple[set[tuple[str, str]], list[int]]:
    """The ``(module, version)`` pairs with a line (``/go.mod`` suffix removed) and the malformed lines."""
    pairs: set[tuple[str, str]] = set()
    bad: list[int] = []
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 3 or ":" not in fields[2] or "\x00" in line:
            bad.append(number)
            continue
        module, version, _hash = fields
        pairs.add((module, version.removesuffix("/go.mod")))
    return pairs, bad


class GoSumLoader(Loader):
    """``go.sum`` files (a cross-check of the go.mod beside them)."""

    name = "go-sum"
    file_names = frozenset({"go.sum"})

    def matches(self, path: str) -> bool:
        """Exactly ``go.sum`` (``go.work.sum`` holds workspace-only checksums and is not read)."""
        return posixpath.basename(path) == "go.sum"

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Check one go.sum against the go.mod of its directory (read through ``context``)."""
        result = ParseResult()
        warn = result.warnings
        pairs, bad = read_go_sum(text)
        if bad:
            if not pairs:
                raise ParseError(source.display, bad[0], "not a go.sum: no 'module version hash' line")
            warn.append(
                ParseWarning(
                    source.display, bad[0], f"{len(bad)} malformed line(s) ignored (expected 'module version hash')"
                )
            )
        gomod_path = posixpath.join(source.directory, "go.mod") if source.directory != "." else "go.mod"
        gomod = context.read(source.repo, gomod_path)
        if gomod is None:
            warn.append(
                ParseWarning(
                    source.display, None, f"no {gomod_path} in this ingest: nothing to check this go.sum against"
                )
            )
            return result
        try:
            mod = GoModLoader().parse(gomod, Source(source.repo, gomod_path, gomod_path), context)
        except ParseError as exc:
            warn.append(ParseWarning(source.display, None, f"{gomod_path} is unreadable ({exc.reason}); not checked"))
            return result
        result.extend(r for r in mod.records if isinstance(r, Project))
        missing: list[str] = []
        for rec in mod.records:
            if isinstance(rec, Resolved):
                p = purls.parse(rec.version)
                module = f"{p.namespace}/{p.name}" if p.namespace else p.name
                if (module, p.version or "") not in pairs:
                    missing.append(f"{module}@{p.version}")
        if missing:
            warn.append(
                ParseWarning(
                    source.display,
                    None,
                    f"{len(missing)} module version(s) in {gomod_path} have no go.sum line, e.g. {sorted(missing)[0]}"
                    " (go.sum is out of date: run 'go mod tidy')",
                )
            )
        return result
