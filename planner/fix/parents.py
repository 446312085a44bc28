"""Which POM of the parent chain sets a version, across repositories.

A plan's location is ``path:line`` inside *some* repository: for a version a parent POM of another
repository sets, the path names that parent's file, which the consumer's repository does not hold.
The chain is found the way the Maven loader finds it (its own :class:`~loaders.maven._effective.Resolver`,
over the ingested POMs), so the answer is the loader's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from loaders.base import SourceContext
from loaders.maven._effective import Resolver, management_key
from planner.model import Source

Reader = Callable[[str, str], str | None]


class _IngestedPoms(SourceContext):
    """The ingested POMs, read through ``reader`` (which checks each file against its ingested hash)."""

    def __init__(self, poms: Sequence[tuple[str, str]], reader: Reader) -> None:
        self._poms = list(poms)
        self._reader = reader

    def read(self, repo: str, path: str) -> str | None:
        """The POM's text, or None when it cannot be read as ingested."""
        return self._reader(repo, path)

    def sources(self) -> Sequence[Source]:
        """Every ingested POM."""
        return [Source(repo, path, f"{repo}/{path}") for repo, path in self._poms]


class ParentChains:
    """Effective POMs of the ingested files, built once per ``fix`` run (the coordinates index and the
    effective models are shared by every question)."""

    def __init__(self, poms: Sequence[tuple[str, str]], reader: Reader) -> None:
        self._resolver = Resolver(_IngestedPoms(poms, reader), lambda _line, _message: None)

    def property_source(self, repo: str, manifest: str, name: str) -> tuple[str, str, int] | None:
        """``(repo, path, line)`` of the definition of property ``name`` that the POM in ``manifest``
        uses: the first in its parent chain (itself first), or None."""
        resolver = self._resolver
        raw = resolver.read(repo, manifest)
        if raw is None:
            return None
        for ref in resolver.effective((repo, manifest), raw).chain:
            pom = resolver.read(*ref)
            for defined, _value, line in pom.properties if pom is not None else ():
                if defined == name:
                    return ref[0], ref[1], line
        return None

    def same_reactor(self, repo: str, manifest: str, group: str, artifact: str) -> bool:
        """Whether the POM in ``manifest`` depends on ``group:artifact`` at its own version, and a POM of
        the same repository builds that artifact: a module of the same reactor, built from source with
        it, so moving it needs no edit."""
        resolver = self._resolver
        raw = resolver.read(repo, manifest)
        if raw is None:
            return False
        eff = resolver.effective((repo, manifest), raw)
        interp = eff.interpolate
        for dep in raw.dependencies:
            if (interp(dep.group).value, interp(dep.artifact).value) != (group, artifact):
                continue
            if dep.version:
                version = interp(dep.version).value
            else:
                key = management_key(group, artifact, interp(dep.type).value, interp(dep.classifier).value)
                managed = eff.management.get(key)
                version = managed.version.value if managed is not None else None
            found = resolver.find(group, artifact, version, repo) if version else None
            return version == eff.version.value and found is not None and found[0][0] == repo
        return False
