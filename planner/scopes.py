"""Scope transitivity: which dependencies a package passes on to the projects that consume it.

One rule for every walk (``dependents``, ``exposure``, ``why``, ``versions`` and the plan built on
exposure): a project reaches a package through a chain of dependency edges; its **own** first edge may
have any scope (a ``test`` dependency is on its test classpath), but every edge *after* it is an edge of
a dependency, and only the scopes the ecosystem passes on to consumers carry the package further
(docs/model.md, *Scope transitivity*). Scopes are the normalised ones of :data:`SCOPES`;
the ecosystem is the purl type of the package the edge points at (Gradle and Maven share ``maven``).
"""

from __future__ import annotations

#: Normalised scope classes shared by every ecosystem (``planner.model`` records carry them). The raw scope
#: as the ecosystem names it (``compile``, ``devDependencies``, ``required`` ...) is kept beside it as
#: ``raw_scope``.
SCOPES = ("runtime", "provided", "optional", "peer", "test", "dev", "build", "unknown")
NON_RUNTIME_SCOPES = frozenset({"test", "dev", "build"})

#: purl type -> the normalised scopes a dependency does NOT pass on to its consumers. Maven: ``test``,
#: ``provided`` and ``<optional>true</optional>`` are never transitive (its scope mediation table), nor are
#: Gradle's ``compileOnly`` (provided), ``test*`` and tool classpaths (build). npm: ``devDependencies`` of
#: a dependency are never installed; optional and peer dependencies are. Python: dev groups and extras
#: (``optional``: only installed when the consumer asks for the extra). Cargo: ``dev-dependencies`` only
#: (``build-dependencies`` of a dependency are compiled for its build script: they stay, as ``build``;
#: an ``optional`` crate is there whenever a feature turns it on, which Cargo.lock cannot tell, so it
#: stays too). Go: test-only modules. Anything else: test, dev and build.
NOT_PASSED_ON: dict[str, frozenset[str]] = {
    "maven": frozenset({"test", "dev", "build", "provided", "optional"}),
    "npm": frozenset({"test", "dev", "build"}),
    "pypi": frozenset({"test", "dev", "build", "optional"}),
    "cargo": frozenset({"test", "dev"}),
    "golang": frozenset({"test", "dev", "build"}),
}
_DEFAULT = frozenset({"test", "dev", "build"})
#: purl types whose ``optional`` flag on a declaration means "not passed on" (Maven ``<optional>``)
_OPTIONAL_FLAG_CUTS = frozenset({"maven", "pypi"})


def ecosystem_of(key: str) -> str:
    """The purl type of a package, version or project key (``repo/dir#pkg:maven/g/a`` -> ``maven``)."""
    purl = key.rpartition("#")[2] if "#" in key else key
    return purl.removeprefix("pkg:").partition("/")[0]


def passes_on(ecosystem: str, scope: str | None, optional: bool | None = False) -> bool:
    """Whether a dependency edge of this scope carries its target on to whoever depends on its source.

    An unknown or missing scope passes (a filter must never turn "exposed" into "safe").
    """
    if optional and ecosystem in _OPTIONAL_FLAG_CUTS:
        return False
    return (scope or "runtime") not in NOT_PASSED_ON.get(ecosystem, _DEFAULT)


def compose(outer: str | None, inner: str | None) -> str:
    """The scope a consumer gets a package in, through its own edge (``outer``) to a dependency that
    passes the package on in ``inner``: a non-runtime scope on either side wins (``test`` x anything =
    ``test``; Cargo's ``build`` passed on stays ``build``), then ``provided``, then ``unknown``."""
    a, b = outer or "runtime", inner or "runtime"
    for s in (a, b):
        if s in NON_RUNTIME_SCOPES:
            return s
    for weaker in ("provided", "unknown", "optional", "peer"):
        if weaker in (a, b):
            return weaker
    return "runtime"
