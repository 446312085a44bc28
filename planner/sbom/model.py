"""What an SBOM says, independent of CycloneDX and SPDX: the subject, its projects, the components they
resolve, the dependency graph between them and the VEX statements; plus the two tables that map
depwave's normalised scopes onto each format's words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from planner import purl as purls

SUBJECT_KINDS = ("project", "service", "organisation")

#: depwave scope -> CycloneDX ``component.scope`` (CycloneDX 1.6 ``scope``: "required: the component is
#: required for runtime"; "optional: ... not capable of being called due to them not being installed";
#: "excluded: ... component usage for test and other non-runtime purposes ... not reachable within a call
#: graph at runtime"). ``unknown`` states no scope: a consumer then assumes ``required``.
CYCLONEDX_SCOPE: dict[str, str | None] = {
    "runtime": "required",
    "provided": "required",  # needed at runtime, supplied by the container (Maven ``provided``)
    "peer": "required",  # needed at runtime, installed by the consumer (npm ``peerDependencies``)
    "optional": "optional",
    "test": "excluded",
    "dev": "excluded",
    "build": "excluded",
    "unknown": None,
}
#: depwave scope -> the SPDX 2.3 relationship ``dependency <TYPE> dependent``; None: ``dependent DEPENDS_ON
#: dependency`` (SPDX 2.3 section 11.1: DEPENDS_ON, TEST_/DEV_/BUILD_/OPTIONAL_/PROVIDED_DEPENDENCY_OF)
SPDX_RELATIONSHIP: dict[str, str | None] = {
    "runtime": None,
    "provided": "PROVIDED_DEPENDENCY_OF",
    "peer": None,
    "optional": "OPTIONAL_DEPENDENCY_OF",
    "test": "TEST_DEPENDENCY_OF",
    "dev": "DEV_DEPENDENCY_OF",
    "build": "BUILD_DEPENDENCY_OF",
    "unknown": None,
}
#: when several resolutions state a component's scope, the one closest to what ships wins; ``unknown``
#: ranks above the non-runtime scopes because it may well be runtime
_SCOPE_RANK = {"runtime": 0, "provided": 1, "peer": 2, "optional": 3, "unknown": 4, "build": 5, "dev": 6, "test": 7}


def stronger_scope(a: str, b: str) -> str:
    """The scope of a component resolved both as ``a`` and as ``b``."""
    return a if _SCOPE_RANK.get(a, 4) <= _SCOPE_RANK.get(b, 4) else b


@dataclass(frozen=True, slots=True)
class Subject:
    """What the SBOM is about: one project, one deployed service, or the whole organisation."""

    kind: str  # project | service | organisation
    key: str  # project key, service key, organisation name
    name: str
    details: tuple[tuple[str, str], ...] = ()  # extra facts shown as properties (environment, image)


@dataclass(frozen=True, slots=True)
class SbomProject:
    """A first-party project: the subject itself, or one of the subject's projects."""

    key: str
    ref: str  # its identifier inside the document (its versioned purl when unique, else its key)
    name: str
    repo: str | None
    path: str | None
    ecosystem: str | None
    kind: str | None
    purl: str | None
    version: str | None
    manifest: str | None
    owners: tuple[str, ...] = ()  # CODEOWNERS / catalog owners: the supplier when no --supplier is given


@dataclass(frozen=True, slots=True)
class SbomComponent:
    """A package version some project resolves."""

    ref: str  # the versioned purl
    purl: purls.Purl
    scope: str  # depwave's normalised scope (the strongest over the resolutions)
    hashes: tuple[str, ...] = ()  # ``alg:hex``
    sources: tuple[str, ...] = ()  # ``repo:path`` of the files that resolve it


@dataclass(frozen=True, slots=True)
class VexStatement:
    """One exposure verdict for one project and one advisory."""

    advisory: str
    aliases: tuple[str, ...]
    summary: str | None
    project: str  # project key
    project_ref: str
    verdict: str
    reason: str
    affected_refs: tuple[str, ...]  # component refs of the affected versions the project resolves itself
    fixed: tuple[str, ...]
    recommended: str | None
    change_at: str | None
    via: tuple[str, ...]


@dataclass(slots=True)
class SbomGraph:
    """The whole content of one SBOM, sorted; the renderers only translate it."""

    subject: Subject
    root: SbomProject | None  # the subject when it is one project
    projects: list[SbomProject]  # the subject's projects (service / organisation), empty for a project
    components: list[SbomComponent]
    dependencies: dict[str, tuple[str, ...]]  # ref -> refs it depends on (every ref listed, sorted)
    vex: list[VexStatement] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def root_ref(self) -> str:
        """The identifier of the subject inside the document."""
        return self.root.ref if self.root is not None else f"depwave:{self.subject.kind}:{self.subject.key}"

    def scopes(self) -> dict[str, str]:
        """ref -> normalised scope of every component."""
        return {c.ref: c.scope for c in self.components}


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """The document's own facts (NTIA: author, timestamp; unique id); fixed by options for stable output."""

    timestamp: datetime
    serial: UUID
    tool_version: str
    author: str | None = None  # who assembles the SBOM (a person or team); depwave is always the tool
    supplier: str | None = None  # the organisation that supplies the subject and its first-party projects
