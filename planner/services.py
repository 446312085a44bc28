"""``depwave services [--env prod]``: deployed services → images → projects → repositories → owners.

Services whose images no project builds are **untraceable**: they are listed (with the owners of
the manifest that deploys them, when known), never dropped. When a service has RUNS edges from a
running inventory (a kubectl dump), only those count: what runs outranks what manifests say.

With ``--env X`` the services of X are listed and so are those whose environment is not known
(``default``: no namespace, overlay or inventory label says where they run), marked: they may run in X.

Owners of a service, first that exists: its catalog entry (Backstage, ``basis = "catalog"``), the
owners of the projects its images are built from, the owners of the manifest that declares it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from planner import environments
from planner.store.base import Store

SCHEMA = "depwave.services/1"


@dataclass(slots=True)
class ProjectRef:
    """A project an image is built from."""

    key: str
    name: str | None
    repo: str | None
    match: str | None
    owners: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RunningImage:
    """One image a service runs."""

    key: str
    container: str | None
    origin: str
    location: str | None
    projects: list[ProjectRef] = field(default_factory=list)

    @property
    def traceable(self) -> bool:
        """Built from at least one known project."""
        return bool(self.projects)


@dataclass(slots=True)
class ServiceView:
    """A service with its images, projects and owners."""

    key: str
    name: str
    environment: str | None
    namespace: str | None
    workload: str | None
    origin: str | None
    images: list[RunningImage] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    owner_basis: str | None = None

    @property
    def traceable(self) -> bool:
        """At least one of its images is built from a known project."""
        return any(i.traceable for i in self.images)

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "service": self.key,
            "name": self.name,
            "environment": self.environment,
            "environment_known": environments.is_known(self.environment),
            "namespace": self.namespace,
            "workload": self.workload,
            "origin": self.origin,
            "traceable": self.traceable,
            "owners": self.owners,
            "owner_basis": self.owner_basis,
            "images": [
                {
                    "image": i.key,
                    "container": i.container,
                    "origin": i.origin,
                    "location": i.location,
                    "traceable": i.traceable,
                    "projects": [
                        {"project": p.key, "name": p.name, "repo": p.repo, "match": p.match, "owners": p.owners}
                        for p in i.projects
                    ],
                }
                for i in self.images
            ],
        }


@dataclass(slots=True)
class ServicesResult:
    """The answer of :func:`list_services`."""

    environment: str | None
    services: list[ServiceView] = field(default_factory=list)

    @property
    def untraceable(self) -> list[ServiceView]:
        """Services none of whose images can be traced to a project."""
        return [s for s in self.services if not s.traceable]

    def as_dict(self) -> dict[str, Any]:
        """JSON form, schema ``depwave.services/1``."""
        return {
            "schema": SCHEMA,
            "environment": self.environment,
            "services": [s.as_dict() for s in self.services],
            "untraceable": [s.key for s in self.untraceable],
        }


def list_services(store: Store, env: str | None = None) -> ServicesResult:
    """Every service (of ``env`` when given, and those whose environment is not known) with images, projects
    and owners."""
    rows = store.query("list_services", {})
    services: dict[str, ServiceView] = {}
    images: dict[str, dict[tuple[str, str | None], RunningImage]] = defaultdict(dict)
    for r in rows:
        environment = environments.normalise(r.get("environment"))
        if env and environments.match([environment], env) is None:
            continue
        svc = services.setdefault(
            r["service"],
            ServiceView(r["service"], r["name"], environment, r.get("namespace"), r.get("workload"), None),
        )
        if r.get("image") is None:
            continue
        loc = f"{r['file']}:{r['line']}" if r.get("file") and r.get("line") else r.get("file")
        img = images[svc.key].setdefault(
            (r["image"], r.get("container")),
            RunningImage(r["image"], r.get("container"), r.get("origin") or "manifest", loc),
        )
        if r.get("project") and all(p.key != r["project"] for p in img.projects):
            img.projects.append(ProjectRef(r["project"], r.get("project_name"), r.get("repo"), r.get("match")))
    for key, svc in services.items():
        running = list(images[key].values())
        inventory = [i for i in running if i.origin == "inventory"]
        svc.images = inventory or running
        svc.origin = "inventory" if inventory else ("manifest" if running else None)
    _owners(store, services)
    return ServicesResult(env, [services[k] for k in sorted(services)])


def _owners(store: Store, services: dict[str, ServiceView]) -> None:
    projects = {p.key for s in services.values() for i in s.images for p in i.projects}
    keys = sorted(set(services) | projects)
    by_target: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for i in range(0, len(keys), 1000):
        for r in store.query("list_owners_of", {"keys": keys[i : i + 1000]}):
            owners = by_target[r["target"]][r.get("basis") or "other"]
            if r["owner"] not in owners:
                owners.append(r["owner"])
    for svc in services.values():
        project_owners: list[str] = []
        for img in svc.images:
            for p in img.projects:
                got = by_target[p.key]
                p.owners = sorted(set(got.get("catalog", []) + got.get("codeowners", []) + got.get("other", [])))
                project_owners += p.owners
        own = by_target[svc.key]
        if own.get("catalog"):
            svc.owners, svc.owner_basis = sorted(own["catalog"]), "catalog"
        elif project_owners:
            svc.owners, svc.owner_basis = sorted(set(project_owners)), "project"
        elif own.get("manifest"):
            svc.owners, svc.owner_basis = sorted(own["manifest"]), "manifest"
