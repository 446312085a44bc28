"""What an exposure assessment answers: the affected packages, the evidence, the verdict per project and
the report (schema ``depwave.exposure/1``). Plain data, no store and no rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from planner import inventory, versions

SCHEMA = "depwave.exposure/1"
VERDICTS = ("exposed", "exposed-test-only", "unknown", "declared-range-allows", "not-exposed")
#: verdict -> rank, worst first (0 = exposed)
RANK = {v: i for i, v in enumerate(VERDICTS)}
#: the verdicts that need work (the planner's nodes, the reachability layer's candidates)
NEEDS_WORK = ("exposed", "exposed-test-only", "unknown")


@dataclass(frozen=True, slots=True)
class AffectedPackage:
    """One package an advisory affects, with its OSV ``affected`` entry (ranges + versions)."""

    advisory: str
    package: str  # versionless purl
    ecosystem: str  # OSV ecosystem
    entry: dict[str, Any]
    fixed: tuple[str, ...] = ()
    summary: str | None = None
    aliases: tuple[str, ...] = ()

    def affects(self, version: str) -> bool | None:
        """Whether ``version`` of this package is affected (None: cannot tell)."""
        return versions.is_affected(self.ecosystem, version, self.entry)


@dataclass(slots=True)
class Evidence:
    """One thing the graph says about a project and the package."""

    kind: str  # resolves | declares
    version: str | None  # resolved version, or the declared exact version
    spec: str | None  # as declared (range), for declarations
    scope: str | None
    depth: int | None
    affected: bool | None
    location: str | None
    version_location: str | None = None
    chain: list[str] = field(default_factory=list)
    version_property: str | None = None  # the property defined at version_location (``log4j2.version``)
    optional: bool = False  # a declaration marked optional (Maven ``<optional>true</optional>``)
    #: the repository of version_location when it is not the project's: a property or managed version set
    #: by a parent POM released from another repository (that release cannot be edited from here)
    version_repo: str | None = None

    def own_version_location(self) -> str | None:
        """Where the project's own repository sets the version: the line that sets it, or the declaration
        itself when that line is in another repository (a parent POM or BOM released from there: the project
        overrides the version in its own POM)."""
        if self.version_repo:
            return self.location
        return self.version_location or self.location

    def as_dict(self) -> dict[str, Any]:
        """JSON form (``version_repo`` only when the version is set in another repository)."""
        repo = {"version_repo": self.version_repo} if self.version_repo else {}
        return {
            "kind": self.kind,
            "version": self.version,
            "spec": self.spec,
            "scope": self.scope,
            "depth": self.depth,
            "affected": self.affected,
            "location": self.location,
            "version_location": self.version_location,
            **repo,
            "version_property": self.version_property,
            "chain": self.chain,
        }


@dataclass(slots=True)
class ProjectExposure:
    """The verdict for one project and everything a responder needs to act on it."""

    project: str
    name: str
    repo: str | None
    kind: str | None
    ecosystem: str | None
    verdict: str
    reason: str
    direct: bool
    depth: int | None
    scope: str | None
    versions: list[str]
    path: list[str]
    paths: list[list[str]]
    change_at: str | None
    fixed: list[str]
    recommended: str | None
    via: list[str]  # internal libraries it inherits the verdict from
    services: list[dict[str, Any]] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    environment_unknown: bool = False  # kept by an --env filter although where it runs is not known
    recommended_affected_by: list[str] = field(default_factory=list)  # known advisories affecting `recommended`
    clears_all_known: str | None = None  # lowest version clearing every advisory known for the package
    #: is the vulnerable code called? (planner.reachability.layer; None: not assessed)
    reachability: dict[str, Any] | None = None
    #: the affected packages it has an affected (or unknown) version of, for the reachability layer
    packages: list[str] = field(default_factory=list)
    #: with no version of its own (no lockfile, SBOM or exact declaration), the versions the internal
    #: libraries in ``via`` bring (their own, or what they inherit): ``{version: [library key, …]}``
    versions_via: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON form (schema ``depwave.exposure/1``)."""
        return {
            "project": self.project,
            "name": self.name,
            "repo": self.repo,
            "kind": self.kind,
            "verdict": self.verdict,
            "reason": self.reason,
            "direct": self.direct,
            "depth": self.depth,
            "scope": self.scope,
            "versions": self.versions,
            **({"versions_via": self.versions_via} if self.versions_via else {}),
            "path": self.path,
            "paths": self.paths,
            "change_at": self.change_at,
            "fixed": self.fixed,
            "recommended": self.recommended,
            "recommended_affected_by": self.recommended_affected_by,
            "clears_all_known": self.clears_all_known,
            "via": self.via,
            "services": self.services,
            "owners": self.owners,
            "evidence": [e.as_dict() for e in self.evidence],
            "environment_unknown": self.environment_unknown,
            **({"reachability": self.reachability} if self.reachability is not None else {}),
        }


@dataclass(slots=True)
class ExposureReport:
    """The answer for one advisory (or package + range)."""

    advisories: list[str]
    affected: list[AffectedPackage]
    projects: list[ProjectExposure]
    links: list[dict[str, Any]]  # consumer -> provider edges among the projects (for the planner)
    problems: list[str] = field(default_factory=list)
    environment: str | None = None  # the --env filter applied (planner.environments.keep_environment)
    #: services whose images no repository builds: first-party unknowns and third-party inventory gaps
    untraced: inventory.Untraced = field(default_factory=inventory.Untraced)
    #: the symbol rules the reachability layer used (None: no layer, nothing was scanned)
    reachability_rules: list[str] | None = None
    #: the ``get_projects`` rows of the assessed projects by key, as decoration read them (not in the JSON:
    #: the planner reads each project's directory and version from them instead of asking again)
    project_rows: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    @property
    def counts(self) -> dict[str, int]:
        """How many projects per verdict."""
        out = dict.fromkeys(VERDICTS, 0)
        for p in self.projects:
            out[p.verdict] += 1
        return out

    @property
    def any_exposed(self) -> bool:
        """Whether something is exposed (the CLI exits 1 then)."""
        return any(p.verdict in ("exposed", "exposed-test-only") for p in self.projects)

    def as_dict(self) -> dict[str, Any]:
        """JSON form (schema ``depwave.exposure/1``)."""
        return {
            "schema": SCHEMA,
            "advisories": self.advisories,
            "environment": self.environment,
            "summary": next((a.summary for a in self.affected if a.summary), None),
            "aliases": sorted({x for a in self.affected for x in a.aliases}),
            "packages": [
                {"package": a.package, "ecosystem": a.ecosystem, "advisory": a.advisory, "fixed": list(a.fixed)}
                for a in self.affected
            ],
            "counts": self.counts,
            "exposed": self.any_exposed,
            "projects": [p.as_dict() for p in self.projects],
            "unknown_services": self.untraced.unknown_dicts(),
            "inventory_gaps": [g.as_dict() for g in self.untraced.gaps],
            "problems": self.problems,
            **(self._reachability_summary() if self.reachability_rules is not None else {}),
        }

    def _reachability_summary(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for p in self.projects:
            if p.reachability is not None:
                counts[p.reachability["verdict"]] = counts.get(p.reachability["verdict"], 0) + 1
        return {"reachability": {"rules": self.reachability_rules, "counts": counts}}
