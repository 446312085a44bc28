"""Container image references, normalised so that one image written several ways is one key.

The rules follow the Docker reference grammar (``distribution/reference``):

* ``[registry/]path[:tag][@digest]``; the first component is a registry only when it contains a
  ``.`` or a ``:`` or is ``localhost``, otherwise the registry is ``docker.io``;
* ``index.docker.io`` and ``registry-1.docker.io`` are ``docker.io``; a one-component Docker Hub
  path gets ``library/`` (``redis`` is ``docker.io/library/redis``); the registry is lower-cased;
* with neither tag nor digest the tag is ``latest``.

**Key rule**: ``<registry>/<path>@<digest>`` when a digest is present (the tag is then only
informative and kept on the node), else ``<registry>/<path>:<tag>``. So ``redis``,
``docker.io/redis:latest`` and ``index.docker.io/library/redis:latest`` are all
``docker.io/library/redis:latest``, and ``busybox:1.38.0@sha256:fd8d…`` is
``docker.io/library/busybox@sha256:fd8d…``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planner.model import Image

DEFAULT_REGISTRY = "docker.io"
_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"})
_DIGEST = re.compile(r"^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_PATH_COMPONENT = re.compile(r"^[a-zA-Z0-9]+(?:(?:[._]|__|-+)[a-zA-Z0-9]+)*$")
_REGISTRY = re.compile(r"^[a-zA-Z0-9.-]+(?::[0-9]+)?$|^\[[0-9a-fA-F:]+\](?::[0-9]+)?$")
MAX_REFERENCE = 512


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A parsed image reference."""

    registry: str
    path: str
    tag: str | None
    digest: str | None

    @property
    def repository(self) -> str:
        """``registry/path`` without tag or digest, e.g. ``docker.io/library/redis``."""
        return f"{self.registry}/{self.path}"

    @property
    def name(self) -> str:
        """The last path component (``redis``, ``billing-service``): what name-based matching uses."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def key(self) -> str:
        """The graph key (see the module docstring)."""
        return f"{self.repository}@{self.digest}" if self.digest else f"{self.repository}:{self.tag}"

    def record(self) -> Image:
        """The ``Image`` record of this reference."""
        return Image(self.key, self.repository, self.tag, self.digest)

    def with_changes(self, *, repository: str | None = None, tag: str | None = None, digest: str | None = None):
        """A copy with a new repository (``newName``), tag (``newTag``) or digest, as Kustomize rewrites."""
        base = self
        if repository:
            parsed = parse(repository)
            if parsed is None:
                return None
            base = ImageRef(parsed.registry, parsed.path, self.tag, self.digest)
        if digest:
            return ImageRef(base.registry, base.path, tag or base.tag, digest)
        if tag:
            return ImageRef(base.registry, base.path, tag, None)
        return base


def parse(reference: object) -> ImageRef | None:
    """Parse and normalise an image reference; None when it is not a usable literal reference
    (empty, unresolved ``$VAR``/``{{ }}``, spaces, bad syntax)."""
    if not isinstance(reference, str):
        return None
    ref = reference.strip()
    if not ref or len(ref) > MAX_REFERENCE or any(c in ref for c in " \t\n$={}\"'<>|\\,;"):
        return None
    digest = None
    if "@" in ref:
        ref, _, digest = ref.partition("@")
        if not _DIGEST.match(digest):
            return None
        digest = digest.lower()
    tag = None
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        ref, tag = ref[:colon], ref[colon + 1 :]
        if not _TAG.match(tag):
            return None
    parts = ref.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        registry = parts[0].lower()
        if not _REGISTRY.match(registry):
            return None
        path_parts = parts[1:]
    else:
        registry = DEFAULT_REGISTRY
        path_parts = parts
    if registry in _HUB_ALIASES:
        registry = DEFAULT_REGISTRY
        if len(path_parts) == 1:
            path_parts = ["library", *path_parts]
    if not path_parts or not all(_PATH_COMPONENT.match(p) for p in path_parts):
        return None
    if tag is None and digest is None:
        tag = "latest"
    return ImageRef(registry, "/".join(path_parts), tag, digest)


def name_of(repository: str) -> str:
    """The last path component of a repository (``registry.acme.io/billing-service`` -> ``billing-service``)."""
    return repository.rstrip("/").rsplit("/", 1)[-1]


def same_image_name(written: str, candidate: str) -> bool:
    """Kustomize-style match of an ``images[].name`` against a reference as written: equal names, or
    equal after normalisation (``redis`` matches ``docker.io/library/redis``)."""
    if written == candidate:
        return True
    a, b = parse(written), parse(candidate)
    return a is not None and b is not None and a.repository == b.repository
