"""The effective model of a POM, as far as it can be known from the files of one ingest.

Parents are found the way Maven finds them: through ``<relativePath>`` (default ``../pom.xml``),
then by coordinates among the POMs of the ingest; a parent in neither place is external (a
repository artifact we do not fetch). Properties and ``<dependencyManagement>`` are inherited
down the chain, then interpolated in the context of the POM being read (so ``${project.version}``
in a parent means the child's version, as in Maven). BOM imports found in the ingest are applied
with their own effective management; the others are recorded as external BOMs.
"""

from __future__ import annotations

import posixpath
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from loaders.base import SourceContext
from loaders.maven._interpolate import Definition, Interpolator, Value
from loaders.maven._model import NotAPom, RawDependency, RawPom, XmlError, read_raw
from planner.model import Location

Key = tuple[str, str, str, str]  # groupId, artifactId, type, classifier
PomRef = tuple[str, str]  # repo, path


def is_pom_path(path: str) -> bool:
    """``pom.xml`` and ``*.pom``; not generated copies (shade's ``dependency-reduced-pom.xml``,
    ``effective-pom.xml``, ``.flattened-pom.xml``) nor the copies jars embed under ``META-INF/maven``."""
    lower = path.lower()
    name = posixpath.basename(lower)
    if "meta-inf/maven/" in lower:
        return False
    return name == "pom.xml" or (name.endswith(".pom") and len(name) > 4)


@dataclass(frozen=True, slots=True)
class Managed:
    """One effective ``<dependencyManagement>`` entry."""

    key: Key
    version: Value
    scope: str | None
    location: Location
    imported_from: str | None = None  # g:a:v of the in-ingest BOM it came from


@dataclass(frozen=True, slots=True)
class ExternalBom:
    """A BOM import whose POM is not in the ingest."""

    group: str
    artifact: str
    version: Value
    location: Location

    @property
    def coordinates(self) -> str:
        """``g:a:v`` (``g:a:${expr}`` when the version is unresolved)."""
        return f"{self.group}:{self.artifact}:{self.version.value or self.version.unresolved or '?'}"


@dataclass(slots=True)
class Effective:
    """What the loader needs from the effective model of one POM."""

    ref: PomRef
    raw: RawPom
    interpolate: Interpolator
    group: Value
    artifact: str | None
    version: Value
    management: dict[Key, Managed] = field(default_factory=dict)
    external_boms: list[ExternalBom] = field(default_factory=list)
    external_parent: str | None = None  # g:a:v
    chain: list[PomRef] = field(default_factory=list)


def management_key(group: str, artifact: str, type_: str | None, classifier: str | None) -> Key:
    """Maven's management key: ``groupId:artifactId:type[:classifier]`` (type defaults to jar)."""
    return (group, artifact, type_ or "jar", classifier or "")


class _Index:
    """Raw coordinates -> POM files of the ingest, built once per context."""

    def __init__(self, context: SourceContext, is_pom: Callable[[str], bool]) -> None:
        self.by_gav: dict[tuple[str, str, str], list[PomRef]] = {}
        for src in context.sources():
            if not is_pom(src.path):
                continue
            text = context.peek(src.repo, src.path)
            if text is None:
                continue
            try:
                raw = read_raw(text)
            except (XmlError, NotAPom):
                continue
            coords = raw_coordinates(raw)
            if coords is not None:
                self.by_gav.setdefault(coords, []).append((src.repo, src.path))


_INDEXES: weakref.WeakKeyDictionary[SourceContext, _Index] = weakref.WeakKeyDictionary()


def raw_coordinates(raw: RawPom) -> tuple[str, str, str] | None:
    """``(g, a, v)`` as written (inherited from ``<parent>`` when absent), own properties applied."""
    parent = raw.parent
    group = raw.group or (parent.group if parent else None)
    version = raw.version or (parent.version if parent else None)
    if not group or not raw.artifact or not version:
        return None
    defs = {n: Definition(v, None) for n, v, _ in raw.properties}
    defs["project.version"] = Definition(version, None)
    defs["project.groupId"] = Definition(group, None)
    interp = Interpolator(defs, lambda _m: None)
    return (interp(group).value or group, interp(raw.artifact).value or raw.artifact, interp(version).value or version)


class Resolver:
    """Builds effective models for the POM being parsed and the POMs it reaches (memoised per parse)."""

    def __init__(self, context: SourceContext, warn: Callable[[int | None, str], None]) -> None:
        self.context = context
        self.warn = warn
        self._memo: dict[PomRef, Effective] = {}

    # ----------------------------------------------------------------------------- finding files

    def read(self, repo: str, path: str) -> RawPom | None:
        """The raw POM at ``path`` in ``repo`` through the context, or None (absent or unusable)."""
        text = self.context.read(repo, path)
        if text is None:
            return None
        try:
            return read_raw(text)
        except (XmlError, NotAPom):
            return None

    def peek(self, repo: str, path: str) -> RawPom | None:
        """Like :meth:`read` without recording the file as an input (for scanning candidates)."""
        text = self.context.peek(repo, path)
        if text is None:
            return None
        try:
            return read_raw(text)
        except (XmlError, NotAPom):
            return None

    def find(self, group: str, artifact: str, version: str, prefer_repo: str) -> tuple[PomRef, RawPom] | None:
        """A POM of the ingest with these coordinates (same repository first)."""
        try:
            index = _INDEXES.get(self.context)
            if index is None:
                index = _INDEXES[self.context] = _Index(self.context, is_pom_path)
        except TypeError:  # a context that cannot be weakly referenced: index it for this parse only
            index = _Index(self.context, is_pom_path)
        refs = sorted(index.by_gav.get((group, artifact, version), ()), key=lambda r: (r[0] != prefer_repo, r))
        for repo, path in refs:
            raw = self.read(repo, path)  # read again so the ingest records the dependency on it
            if raw is not None:
                return (repo, path), raw
        return None

    def parent(self, ref: PomRef, raw: RawPom) -> tuple[PomRef, RawPom] | None:
        """The parent POM inside the ingest (relativePath, then coordinates), or None when external."""
        p = raw.parent
        if p is None or not p.group or not p.artifact or not p.version:
            return None
        own = {n: Definition(v, None) for n, v, _ in raw.properties}
        version = Interpolator(own, lambda _m: None)(p.version).value or p.version
        repo, path = ref
        rel = "../pom.xml" if p.relative_path is None else p.relative_path.strip()
        if rel:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), rel))
            if not target.lower().endswith((".xml", ".pom")):
                target = posixpath.join(target, "pom.xml")
            if not target.startswith("../") and target != path:
                candidate = self.read(repo, target)
                if candidate is not None and raw_coordinates(candidate) == (p.group, p.artifact, version):
                    return (repo, target), candidate
        return self.find(p.group, p.artifact, version, repo)

    # ---------------------------------------------------------------------------- effective model

    def effective(self, ref: PomRef, raw: RawPom, imports: tuple[PomRef, ...] = ()) -> Effective:
        """The effective model of the POM ``ref`` (``imports`` = BOMs being imported, for cycles)."""
        if ref in self._memo:
            return self._memo[ref]
        chain: list[tuple[PomRef, RawPom]] = [(ref, raw)]
        external_parent = None
        seen = {ref}
        current_ref, current = ref, raw
        while current.parent is not None:
            found = self.parent(current_ref, current)
            p = current.parent
            if found is None:
                external_parent = f"{p.group or '?'}:{p.artifact or '?'}:{p.version or '?'}"
                break
            if found[0] in seen:
                names = " -> ".join(r[1] for r, _ in chain) + f" -> {found[0][1]}"
                self.warn(raw.parent.line if raw.parent else None, f"parent cycle {names}; inheritance stops there")
                break
            seen.add(found[0])
            chain.append(found)
            current_ref, current = found

        definitions: dict[str, Definition] = {}
        for (repo, path), r in reversed(chain):
            elsewhere = _other_repo(repo, ref)
            for name, value, line in r.properties:
                definitions[name] = Definition(value, Location(path, line, elsewhere))
        definitions.update(self._builtins(ref[1], chain))
        interp = Interpolator(definitions, lambda m: self.warn(None, m))
        eff = Effective(
            ref=ref,
            raw=raw,
            interpolate=interp,
            group=interp.lookup("project.groupId"),
            artifact=raw.artifact,
            version=interp.lookup("project.version"),
            external_parent=external_parent,
            chain=[r for r, _ in chain],
        )
        self._memo[ref] = eff  # before imports: a BOM importing its importer sees a partial model
        bom_imports: list[tuple[RawDependency, Location]] = []
        for (repo, path), r in chain:
            elsewhere = _other_repo(repo, ref)
            for dep in r.management:
                entry = self.managed(dep, path, interp, elsewhere)
                if entry is None:
                    continue
                if entry.key[2] == "pom" and (entry.scope or "") == "import":
                    bom_imports.append((dep, Location(path, dep.line, elsewhere)))
                    continue
                eff.management.setdefault(entry.key, entry)
        for dep, where in bom_imports:
            self._import(eff, dep, where, (*imports, ref))
        return eff

    def managed(self, dep: RawDependency, path: str, interp: Interpolator, repo: str | None = None) -> Managed | None:
        """A management entry interpolated with ``interp``; None when its coordinates do not resolve.
        ``repo``: the repository of ``path`` when it is not the interpolating POM's."""
        group = interp(dep.group).value
        artifact = interp(dep.artifact).value
        if not group or not artifact or "${" in group + artifact:
            return None
        scope = interp(dep.scope).value if dep.scope else None
        version_where = Location(path, dep.version_line, repo) if dep.version_line else None
        return Managed(
            key=management_key(group, artifact, interp(dep.type).value, interp(dep.classifier).value),
            version=interp(dep.version, version_where),
            scope=scope,
            location=Location(path, dep.line, repo),
        )

    def _import(self, eff: Effective, dep: RawDependency, where: Location, imports: tuple[PomRef, ...]) -> None:
        interp = eff.interpolate
        group, artifact = interp(dep.group).value or "", interp(dep.artifact).value or ""
        version = interp(dep.version, Location(where.path, dep.version_line, where.repo) if dep.version_line else None)
        found = self.find(group, artifact, version.value, eff.ref[0]) if version.value else None
        if found is None:
            eff.external_boms.append(ExternalBom(group, artifact, version, where))
            return
        bom_ref, bom_raw = found
        if bom_ref in imports:
            self.warn(None, f"BOM import cycle through {bom_ref[1]} ({where}); import skipped")
            return
        bom = self.effective(bom_ref, bom_raw, imports)
        origin = f"{group}:{artifact}:{version.value}"
        for key, entry in bom.management.items():
            if key not in eff.management:
                at = _rebased(entry.location, bom_ref[0], eff.ref[0])
                value = replace(entry.version, origin=_rebased(entry.version.origin, bom_ref[0], eff.ref[0]))
                eff.management[key] = Managed(key, value, entry.scope, at, origin)
        eff.external_boms.extend(b for b in bom.external_boms if b not in eff.external_boms)

    @staticmethod
    def _builtins(path: str, chain: list[tuple[PomRef, RawPom]]) -> dict[str, Definition]:
        """``project.*`` pseudo-properties of the first POM of ``chain`` (group/version from ``<parent>``
        when the POM does not set them)."""
        raw = chain[0][1]
        parent = raw.parent
        out: dict[str, Definition] = {}
        for name, own, own_line, inherited in (
            ("groupId", raw.group, raw.group_line, parent.group if parent else None),
            ("version", raw.version, raw.version_line, parent.version if parent else None),
        ):
            if own:
                out[f"project.{name}"] = Definition(own, Location(path, own_line))
            elif inherited and parent is not None:
                out[f"project.{name}"] = Definition(inherited, Location(path, parent.line))
        if raw.artifact:
            out["project.artifactId"] = Definition(raw.artifact, Location(path, raw.artifact_line))
        out["project.packaging"] = Definition(raw.packaging or "jar", None)
        if parent is not None:
            for name, value in (
                ("groupId", parent.group),
                ("artifactId", parent.artifact),
                ("version", parent.version),
            ):
                if value:
                    out[f"project.parent.{name}"] = Definition(value, Location(path, parent.line))
        return out


def _other_repo(repo: str, ref: PomRef) -> str | None:
    """``repo`` when it is not the repository of the POM ``ref`` (a parent released from elsewhere)."""
    return None if repo == ref[0] else repo


def _rebased(loc: Location | None, from_repo: str, to_repo: str) -> Location | None:
    """A location read in a POM of ``from_repo`` as seen from a POM of ``to_repo``."""
    if loc is None:
        return None
    repo = loc.repo or from_repo
    return replace(loc, repo=None if repo == to_repo else repo)
