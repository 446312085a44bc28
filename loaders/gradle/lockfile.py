"""Gradle dependency lockfiles: ``gradle.lockfile`` and legacy ``gradle/dependency-locks/*.lockfile``.

``gradle.lockfile`` (Gradle 6.4+) has one line per locked module, ``group:artifact:version=conf1,conf2``,
and ``empty=conf,...`` for configurations that resolve to nothing; ``buildscript-gradle.lockfile`` and
``settings-gradle.lockfile`` lock the build script and settings classpaths (scope build). The legacy
format (Gradle 4.8-6.x) is one file per configuration, ``gradle/dependency-locks/<conf>.lockfile``,
of plain ``group:artifact:version`` lines. Every entry becomes ``Resolved`` for the Gradle project of
the lockfile's directory (the parent of ``gradle/dependency-locks`` for the legacy layout), keyed
by :mod:`loaders.gradle._project`; ``depth`` is None because lockfiles are flat.

Scope from the configurations an entry is locked for: any runtime classpath of production code →
runtime; only compile classpaths (``compileOnly`` dependencies) → provided; only test classpaths
(``test*``, ``androidTest*``, ``*UnitTest*``) → test; only tool classpaths (annotation processors,
``kapt``/``ksp``, spotbugs, checkstyle, pmd, jacoco, detekt, ktlint, the build script or settings
classpath: :func:`loaders.gradle._project.is_tool_configuration`) → build; otherwise unknown.
``raw_scope`` lists the configurations.
"""

from __future__ import annotations

import posixpath
import re

from loaders.base import EMPTY_CONTEXT, Loader, Precedence, SourceContext
from loaders.gradle import _describe as gd
from loaders.gradle import _project as gp
from planner.errors import ParseError
from planner.model import Location, ParseResult, ParseWarning, Resolved, Source

_COORD = re.compile(r"^([^:=\s]+):([^:=\s]+):([^:=\s]+)$")
_TEST = re.compile(
    r"(?:^test|^androidTest|UnitTest|AndroidTest|TestFixtures|^testFixtures|IntegrationTest|^integrationTest)"
)
_BUILD = re.compile(r"(?i)(?:annotationprocessor|^kapt|^ksp|^classpath$|^buildscript|^settings)")
_RANK = {"runtime": 0, "provided": 1, "build": 2, "test": 3, "unknown": 4}


def _one(conf: str) -> str:
    if gp.is_tool_configuration(conf.rpartition(":")[2]) or _BUILD.search(conf):
        return "build"
    if _TEST.search(conf):
        return "test"
    lower = conf.lower()
    if lower.endswith("runtimeclasspath"):
        return "runtime"
    if lower.endswith("compileclasspath"):
        return "provided"
    return "unknown"


def classpath_scope(confs: list[str] | tuple[str, ...]) -> str:
    """The normalised scope of an entry resolved for these configurations (see the module docstring)."""
    if not confs:
        return "unknown"
    return min((_one(c) for c in confs), key=_RANK.__getitem__)


def project_dir(path: str) -> str:
    """The Gradle project directory a lockfile belongs to."""
    directory = posixpath.dirname(path)
    if directory.endswith("gradle/dependency-locks") or directory == "gradle/dependency-locks":
        directory = posixpath.dirname(posixpath.dirname(directory))
    return gp.join(directory or ".")


def _lockfile_kind(base: str) -> tuple[bool, tuple[str, ...]]:
    """Whether a lockfile of this name is a legacy per-configuration one, and the configurations a
    line without ``=`` belongs to: the legacy file's configuration, ``buildscript``/``settings`` for
    ``<x>-gradle.lockfile``, none for ``gradle.lockfile``."""
    legacy = not (base == "gradle.lockfile" or base.endswith("-gradle.lockfile"))
    if legacy:
        return True, (base.removesuffix(".lockfile"),)
    if base != "gradle.lockfile":
        return False, (base.removesuffix("-gradle.lockfile"),)  # buildscript / settings
    return False, ()


class GradleLockfileLoader(Loader):
    """``gradle.lockfile``, ``*-gradle.lockfile`` and ``gradle/dependency-locks/*.lockfile``."""

    name = "gradle-lockfile"
    file_names = frozenset({"gradle.lockfile"})
    file_globs = ("*-gradle.lockfile",)
    other_files = Precedence.LOCATION

    def matches(self, path: str) -> bool:
        """The per-project lockfile, its buildscript/settings variants, and legacy per-configuration lockfiles."""
        base = posixpath.basename(path)
        if base == "gradle.lockfile" or (base.endswith("-gradle.lockfile") and base != "-gradle.lockfile"):
            return True
        parent = posixpath.dirname(path)
        return (
            base.endswith(".lockfile") and len(base) > len(".lockfile") and parent.endswith("gradle/dependency-locks")
        )

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Each locked module → ``Resolved`` (depth unknown)."""
        if "\x00" in text:
            raise ParseError(
                source.display, text.count("\n", 0, text.index("\x00")) + 1, "binary content in a lockfile"
            )
        legacy, default_confs = _lockfile_kind(posixpath.basename(source.path))
        result = ParseResult()
        project = gd.describe(source.repo, project_dir(source.path), context)
        entries: dict[str, Resolved] = {}
        bad: list[int] = []
        good = 0
        for no, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            coords, eq, confs_text = line.partition("=")
            if coords == "empty" and eq:
                good += 1
                continue
            confs = tuple(c.strip() for c in confs_text.split(",") if c.strip()) if eq else default_confs
            if not legacy and default_confs:
                confs = tuple(f"{default_confs[0]}:{c}" for c in confs) or default_confs
            m = _COORD.match(coords.strip())
            if not m or (eq and not confs and not legacy):
                bad.append(no)
                continue
            try:
                version = gp.maven_purl(m.group(1), m.group(2), m.group(3))
            except ValueError as exc:
                result.warnings.append(ParseWarning(source.display, no, str(exc)))
                continue
            good += 1
            scope = "build" if default_confs and not legacy else classpath_scope(confs)
            rec = Resolved(
                project=project.key,
                version=version,
                scope=scope,
                raw_scope=",".join(confs) or None,
                depth=None,
                location=Location(source.path, no),
            )
            prev = entries.get(version)
            if prev is None or _RANK[rec.scope] < _RANK[prev.scope]:
                entries[version] = rec
        if bad and not good:
            raise ParseError(
                source.display, bad[0], "not a Gradle lockfile: no group:artifact:version=configurations line"
            )
        if bad:
            result.warnings.append(
                ParseWarning(
                    source.display,
                    bad[0],
                    f"{len(bad)} line(s) are not group:artifact:version[=configurations]; skipped",
                )
            )
        result.records.append(project.record())
        result.extend(entries[k] for k in sorted(entries))
        return result
