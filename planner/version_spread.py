"""``depwave versions``: which versions of a package are in use, where, and who declares it without a
resolved version."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from planner import ecosystems, versions
from planner import purl as purls
from planner.errors import UsageError
from planner.locations import location_text
from planner.store.base import Store


@dataclass(slots=True)
class VersionUse:
    """One version of a package and where it is used."""

    version: str
    projects: list[str]
    repos: list[str]
    services: list[str]

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "version": self.version,
            "projects": len(self.projects),
            "repos": len(self.repos),
            "services": len(self.services),
            "project_keys": self.projects,
            "repo_names": self.repos,
            "service_keys": self.services,
        }


@dataclass(slots=True)
class VersionSpread:
    """Every version of a package in use (schema ``depwave.versions/1``)."""

    package: str
    versions: list[VersionUse]
    declared_only: list[dict[str, Any]] = field(default_factory=list)

    @property
    def declared_versions(self) -> list[VersionUse]:
        """The declared-only uses counted per requirement as written (``2.14.1``, ``^4.17.15``): what is in
        use where nothing says what resolves."""
        by: dict[str, list[dict[str, Any]]] = {}
        for d in self.declared_only:
            by.setdefault(str(d.get("range") or "?"), []).append(d)
        return [
            VersionUse(
                version=spec,
                projects=sorted({str(d["project"]) for d in uses}),
                repos=sorted({str(d["repo"]) for d in uses if d.get("repo")}),
                services=sorted({s for d in uses for s in d.get("services") or ()}),
            )
            for spec, uses in sorted(by.items())
        ]

    def as_dict(self) -> dict[str, Any]:
        """JSON form; ``declared_versions`` counts the declared-only uses per requirement as written."""
        return {
            "schema": "depwave.versions/1",
            "package": self.package,
            "versions": [v.as_dict() for v in self.versions],
            "declared_versions": [v.as_dict() for v in self.declared_versions],
            "declared_only": self.declared_only,
        }


def version_spread(store: Store, package: str) -> VersionSpread:
    """Resolved versions of ``package`` with their projects, repos and services, oldest first;
    projects that only declare it (no lockfile or SBOM) are listed with what they declare."""
    p = purls.parse_user(package)
    if p.version:
        raise UsageError(f"{package}: give the package without a version")
    key = p.package
    rows = store.query("list_package_versions", {"package": key})
    keys = sorted({k for r in rows for k in r["projects"]})
    resolved = set(keys)
    declarations = [r for r in store.query("list_declarations", {"package": key}) if r["project"] not in resolved]
    declarers = sorted({str(r["project"]) for r in declarations})
    services: dict[str, set[str]] = {}
    if keys or declarers:
        for row in store.query("list_project_deployments", {"keys": keys + declarers}):
            services.setdefault(row["project"], set()).add(str(row["service"]))
    repos = {r["key"]: r.get("repo") for r in store.query("get_projects", {"keys": declarers})} if declarers else {}
    uses = [
        VersionUse(
            version=str(r["version"]),
            projects=sorted(r["projects"]),
            repos=sorted(r["repos"]),
            services=sorted({s for k in r["projects"] for s in services.get(k, ())}),
        )
        for r in rows
    ]
    known = ecosystems.by_purl_type(p.type)
    ecosystem = known.osv_name if known else ""
    if versions.is_supported(ecosystem):
        order = {v: i for i, v in enumerate(versions.sort_versions(ecosystem, [u.version for u in uses]))}
        uses.sort(key=lambda u: (order.get(u.version, len(order)), u.version))
    declared_only = [
        {
            "project": r["project"],
            "range": r.get("range") or r.get("unresolved"),
            "location": _loc(r),
            "scope": r.get("scope"),
            "repo": repos.get(r["project"]),
            "services": sorted(services.get(r["project"], ())),
        }
        for r in declarations
    ]
    return VersionSpread(key, uses, declared_only)


def _loc(row: dict[str, Any]) -> str | None:
    return location_text(row.get("file"), row.get("line"))
