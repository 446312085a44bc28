"""Go modules: ``go.mod`` and ``go.work``.

``go.mod``: the ``module`` path is the project (``pkg:golang/<path>``, the ``/vN`` suffix is part
of the path). Since Go 1.17 the ``require`` blocks (direct and ``// indirect``) are the module's
full build list, so every requirement is ``Resolved``: direct ones at depth 1, indirect ones at
depth None (go.mod does not say how deep they are). Direct requirements are also ``Declared``
with the required version as the range. ``replace old [v] => new v`` is a ``Constrains``
(``go-replace``) and the resolved version becomes the replacement; ``replace old => ./dir`` is a
``ProjectDependency`` on the module in that directory (its path read from that directory's
go.mod through the context, else the replaced path), not a registry package. ``go``,
``toolchain``, ``godebug``, ``exclude``, ``retract``, ``tool`` and ``ignore`` record nothing.

``go.work``: a workspace is its own build unit (``go build`` there selects versions across all
used modules jointly), so it becomes a ``pkg:generic/<directory>`` project that uses each ``use``d
module (``ProjectDependency``, raw scope ``use``); its ``replace`` directives apply
workspace-wide and are read as in go.mod.
"""

from __future__ import annotations

import posixpath

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext, expect
from loaders.go.modfile import (
    GO_MOD_VERBS,
    GO_WORK_VERBS,
    Directive,
    Replace,
    go_purl,
    join_dir,
    module_path,
    parse_directives,
    parse_replace,
)
from planner import purl as purls
from planner.errors import ParseError
from planner.model import (
    Constrains,
    Declared,
    Location,
    ParseResult,
    ParseWarning,
    Project,
    ProjectDependency,
    Publishes,
    Record,
    Resolved,
    Source,
    project_key,
)


def module_key(repo: str, directory: str, path: str) -> str:
    """The project key of the Go module ``path`` living in ``directory``."""
    return project_key(repo, directory, go_purl(path).package)


def _target_key(
    repo: str, base_dir: str, target: str, fallback: str | None, context: SourceContext
) -> tuple[str | None, str | None]:
    """(key, problem) of the module in directory ``target`` relative to ``base_dir``."""
    directory = join_dir(base_dir, target)
    if directory is None:
        return None, f"{target} points outside the repository"
    gomod = posixpath.join(directory, "go.mod") if directory != "." else "go.mod"
    text = context.read(repo, gomod)
    path = module_path(text) if text else None
    if path is None:
        path = fallback
    if path is None:
        return None, f"no go.mod for {target} in this ingest ({gomod}); its module path is unknown"
    return module_key(repo, directory, path), None


def _replacements(
    directives: list[Directive], source: Source, warn: list[ParseWarning]
) -> dict[tuple[str, str | None], Replace]:
    out: dict[tuple[str, str | None], Replace] = {}
    for d in directives:
        if d.verb != "replace":
            continue
        rep = parse_replace(d, source, warn)
        if rep is None:
            continue
        key = (rep.old, rep.old_version)
        if key in out:
            warn.append(ParseWarning(source.display, d.line, f"duplicate replacement for {rep.old}; the last one used"))
        out[key] = rep
    return out


def _constrains(project: str, rep: Replace, source: Source) -> Constrains:
    same = rep.new == rep.old
    return Constrains(
        project=project,
        package=go_purl(rep.old).package,
        range=rep.new_version if same else None,
        mechanism="go-replace",
        location=Location(source.path, rep.line),
        unresolved=None if same else f"=> {rep.new} {rep.new_version}",
    )


class GoModLoader(Loader):
    """``go.mod`` files."""

    name = "go-mod"
    file_names = frozenset({"go.mod"})

    def matches(self, path: str) -> bool:
        """Exactly ``go.mod``."""
        return posixpath.basename(path) == "go.mod"

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one go.mod; local replacements are resolved to module projects through ``context``."""
        result = ParseResult()
        warn = result.warnings
        directives = parse_directives(text, source, GO_MOD_VERBS, warn)
        modules = [d for d in directives if d.verb == "module"]
        expect(bool(modules), source, 1, "not a go.mod: no module directive")
        expect(len(modules) == 1, source, modules[-1].line, "more than one module directive")
        expect(len(modules[0].args) == 1, source, modules[0].line, "the module directive takes one module path")
        path = modules[0].args[0]
        try:
            own = go_purl(path)
        except ValueError as exc:
            raise ParseError(source.display, modules[0].line, f"invalid module path {path!r}: {exc}") from None
        project = Project(
            key=project_key(source.repo, source.directory, own.package),
            name=path,
            ecosystem="golang",
            repo=source.repo,
            path=source.directory,
            manifest=source.path,
            purl=own.key,
            kind="unknown",
        )
        records: list[Record] = [project]
        if "." in path.split("/", 1)[0]:  # only a path with a domain can be fetched by others
            records.append(Publishes(project.key, own.package))

        replaces = _replacements(directives, source, warn)
        for rep in replaces.values():
            if not rep.local:
                try:
                    records.append(_constrains(project.key, rep, source))
                except ValueError as exc:
                    warn.append(ParseWarning(source.display, rep.line, str(exc)))

        seen: dict[str, int] = {}
        for d in directives:
            if d.verb != "require":
                continue
            if len(d.args) != 2:
                warn.append(ParseWarning(source.display, d.line, "a requirement needs a module path and a version"))
                continue
            mod, version = d.args
            if mod in seen:
                warn.append(
                    ParseWarning(source.display, d.line, f"{mod} is already required on line {seen[mod]}; ignored")
                )
                continue
            seen[mod] = d.line
            records.extend(self._requirement(project, mod, version, d, replaces, source, context, warn))
        result.extend(_dedupe(records))
        return result

    def _requirement(
        self,
        project: Project,
        mod: str,
        version: str,
        d: Directive,
        replaces: dict[tuple[str, str | None], Replace],
        source: Source,
        context: SourceContext,
        warn: list[ParseWarning],
    ) -> list[Record]:
        rep = replaces.get((mod, version)) or replaces.get((mod, None))
        location = Location(source.path, d.line)
        if rep is not None and rep.local:
            key, problem = _target_key(source.repo, source.directory, rep.new, mod, context)
            if key is None:
                warn.append(ParseWarning(source.display, rep.line, f"local replacement of {mod} skipped: {problem}"))
                return []
            raw = "replace" if not d.indirect else "replace // indirect"
            return [ProjectDependency(project.key, key, rep.spec, "runtime", raw, Location(source.path, rep.line))]
        try:
            declared = go_purl(mod)
            got = go_purl(rep.new, rep.new_version) if rep is not None else go_purl(mod, version)
        except ValueError as exc:
            warn.append(ParseWarning(source.display, d.line, f"invalid module path {mod!r}: {exc}"))
            return []
        out: list[Record] = []
        if d.indirect:
            out.append(Resolved(project.key, got.key, "runtime", "require // indirect", None, (), location))
        else:
            out.append(Declared(project.key, declared.package, version, "runtime", "require", location=location))
            out.append(Resolved(project.key, got.key, "runtime", "require", 1, (got.key,), location))
        return out


class GoWorkLoader(Loader):
    """``go.work`` workspace files."""

    name = "go-work"
    file_names = frozenset({"go.work"})

    def matches(self, path: str) -> bool:
        """Exactly ``go.work``."""
        return posixpath.basename(path) == "go.work"

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one go.work; each ``use`` becomes a link to the module in that directory (via ``context``)."""
        result = ParseResult()
        warn = result.warnings
        directives = parse_directives(text, source, GO_WORK_VERBS, warn)
        directory = source.directory
        name = posixpath.basename(directory) if directory != "." else source.repo
        own = purls.build("generic", None, name or "workspace")
        project = Project(
            key=project_key(source.repo, directory, own.package),
            name=name,
            ecosystem="generic",
            repo=source.repo,
            path=directory,
            manifest=source.path,
            purl=own.key,
            kind="unknown",
        )
        records: list[Record] = [project]
        for d in directives:
            if d.verb != "use":
                continue
            if len(d.args) != 1:
                warn.append(ParseWarning(source.display, d.line, "use takes one directory"))
                continue
            key, problem = _target_key(source.repo, directory, d.args[0], None, context)
            if key is None:
                warn.append(ParseWarning(source.display, d.line, f"use {d.args[0]} skipped: {problem}"))
                continue
            records.append(
                ProjectDependency(project.key, key, d.args[0], "runtime", "use", Location(source.path, d.line))
            )
        for rep in _replacements(directives, source, warn).values():
            if rep.local:
                key, problem = _target_key(source.repo, directory, rep.new, rep.old, context)
                if key is None:
                    warn.append(ParseWarning(source.display, rep.line, f"local replacement skipped: {problem}"))
                    continue
                records.append(
                    ProjectDependency(project.key, key, rep.spec, "runtime", "replace", Location(source.path, rep.line))
                )
            else:
                try:
                    records.append(_constrains(project.key, rep, source))
                except ValueError as exc:
                    warn.append(ParseWarning(source.display, rep.line, str(exc)))
        result.extend(_dedupe(records))
        return result


def _dedupe(records: list[Record]) -> list[Record]:
    """Drop exact duplicates, keep first-seen order (the order of the file)."""
    return list(dict.fromkeys(records))
