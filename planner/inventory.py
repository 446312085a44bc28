"""Deployed images no ingested repository builds: first-party unknowns, and third-party inventory gaps.

``depwave services`` lists every service whose image cannot be traced to a project. For an advisory
they split in two, the same way in ``exposure`` and ``plan``:

* **first-party** images (built by a Dockerfile, Compose or Skaffold file of the organisation, pushed to a
  registry path where the organisation builds images, or to a private registry): what they contain is
  genuinely unknown, so when the affected package is used anywhere in
  the organisation each such service is an ``unknown`` for its owners (a ``decide`` step in the plan);
* **third-party** images (Docker official images ``docker.io/library/…``, and other namespaces of public
  registries the organisation does not build to: ``ollama/ollama``, ``quay.io/…``): an *inventory gap*,
  listed once (image → services), not a decision per image. depwave cannot see inside them; scan them
  or add their SBOMs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from planner import environments
from planner.services import ServiceView, list_services
from planner.store.base import Store

#: registries that serve public images (the first path component of a normalised image key)
PUBLIC_REGISTRIES = frozenset(
    {
        "docker.io",
        "quay.io",
        "ghcr.io",
        "gcr.io",
        "registry.k8s.io",
        "k8s.gcr.io",
        "mcr.microsoft.com",
        "public.ecr.aws",
        "registry.gitlab.com",
        "docker.elastic.co",
        "nvcr.io",
        "cgr.dev",
    }
)
#: Docker Hub's official images: never an organisation's own
OFFICIAL_IMAGES = "docker.io/library"


def repository(image: str) -> str:
    """``registry/path`` of a normalised image key (``registry/path:tag`` or ``registry/path@digest``)."""
    base = image.split("@", 1)[0]
    head, _, last = base.rpartition("/")
    return f"{head}/{last.split(':', 1)[0]}" if head else last.split(":", 1)[0]


def namespace(image: str) -> str:
    """The registry and path above the image's name (``registry.acme.io``, ``docker.io/library``)."""
    return repository(image).rpartition("/")[0]


def is_first_party(image: str, own_namespaces: set[str], built: frozenset[str] | set[str] = frozenset()) -> bool:
    """Whether an image no project is traced to is the organisation's own (see the module docstring):
    ``built`` are the images the organisation builds, ``own_namespaces`` where it pushes them."""
    if image in built:
        return True
    ns = namespace(image)
    if ns == OFFICIAL_IMAGES:
        return False
    if ns in own_namespaces:
        return True
    return ns.split("/", 1)[0] not in PUBLIC_REGISTRIES


@dataclass(frozen=True, slots=True)
class InventoryGap:
    """A third-party image that runs but is traced to no source or SBOM."""

    image: str
    services: tuple[str, ...]  # service keys
    environments: tuple[str, ...] = ()  # the environment of each service, in the same order

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"image": self.image, "services": list(self.services)}


@dataclass(slots=True)
class Untraced:
    """Services whose images no repository builds, split into first-party unknowns and third-party gaps."""

    unknown: list[ServiceView] = field(default_factory=list)
    gaps: list[InventoryGap] = field(default_factory=list)

    def in_environment(self, environment: str | None) -> Untraced:
        """Only what may run in ``environment`` (it, or an environment that is not known)."""
        if not environment:
            return self
        unknown = [s for s in self.unknown if environments.match([s.environment], environment)]
        gaps = []
        for gap in self.gaps:
            kept = [
                (k, e)
                for k, e in zip(gap.services, gap.environments, strict=True)
                if environments.match([e], environment)
            ]
            if kept:
                gaps.append(InventoryGap(gap.image, tuple(k for k, _ in kept), tuple(e for _, e in kept)))
        return Untraced(unknown, gaps)

    def unknown_dicts(self) -> list[dict[str, Any]]:
        """The first-party unknowns in JSON form."""
        return [
            {
                "service": s.key,
                "name": s.name,
                "environment": s.environment,
                "images": [i.key for i in s.images],
                "owners": s.owners,
            }
            for s in self.unknown
        ]


def untraced(store: Store, in_use: bool = True) -> Untraced:
    """Every untraceable service of the graph, split (see the module docstring). ``in_use``: the package
    is used somewhere in the organisation; when it is not, no first-party image can be suspected of it."""
    services = list_services(store)
    built = {str(r["image"]) for r in store.query("list_image_builds") if r.get("image")}
    own = {namespace(i.key) for s in services.services for i in s.images if i.traceable}
    own |= {namespace(image) for image in built}
    own.discard(OFFICIAL_IMAGES)
    out = Untraced()
    by_image: dict[str, list[tuple[str, str]]] = {}
    for svc in services.untraceable:
        images = [i.key for i in svc.images]
        if not images or any(is_first_party(i, own, built) for i in images):  # no image known: nothing says whose
            if in_use:
                out.unknown.append(svc)
            continue
        for image in images:
            by_image.setdefault(image, []).append((svc.key, environments.normalise(svc.environment)))
    for image, pairs in sorted(by_image.items()):
        pairs.sort()
        out.gaps.append(InventoryGap(image, tuple(k for k, _ in pairs), tuple(e for _, e in pairs)))
    return out
