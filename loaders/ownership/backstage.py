"""Backstage software catalog files (``catalog-info.yaml``, multi-document).

A ``Component`` with ``spec.owner`` gives ``Owner`` (``group:default/billing``: the entity
reference with Backstage's defaults, kind ``group`` and namespace ``default``, filled in) and
``Owns(owner, "Repo", repo, rule="catalog-info:<service>")``. The graph has no key for "the
services named X in every environment" nor for the project in this directory until the other
files are loaded, so the linker (:mod:`planner.link`) turns that edge into ``OWNS`` edges to the
``Service`` nodes called ``<service>`` (any environment) and to the projects of the file's
directory. ``<service>`` is the ``backstage.io/kubernetes-id`` annotation, else the
``app.kubernetes.io/name``/``app`` value of ``backstage.io/kubernetes-label-selector``, else the
entity name. ``System``, ``API``, ``Resource`` owners give ``Owner`` nodes only; ``Group`` and
``User`` entities describe owners themselves.
"""

from __future__ import annotations

import posixpath
import re

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
from loaders.deploy.yaml_docs import line_of, read_documents, text_at
from planner.model import Location, Owner, Owns, ParseResult, ParseWarning, Record, Source

RULE_PREFIX = "catalog-info:"
_NAMES = ("catalog-info.yaml", "catalog-info.yml")
_SELECTOR = re.compile(r"(?:^|,)\s*(?:app\.kubernetes\.io/name|app)\s*=\s*([\w.-]+)")


def entity_ref(ref: str, default_kind: str = "group") -> tuple[str, str, str]:
    """``(kind, namespace, name)`` of an entity reference such as ``group:default/x`` or ``x``."""
    kind, _, rest = ref.partition(":") if ":" in ref else (default_kind, "", ref)
    namespace, _, name = rest.rpartition("/")
    return kind.lower(), (namespace or "default").lower(), name.lower()


def owner_record(ref: str) -> Owner:
    """The Owner of an ``spec.owner`` reference."""
    kind, ns, name = entity_ref(ref)
    return Owner(f"{kind}:{ns}/{name}", name, "user" if kind == "user" else "group")


def service_of(entity: dict) -> str | None:
    """The Kubernetes service name a component maps to (see the module docstring)."""
    ann = text_at(entity, "metadata", "annotations")
    if isinstance(ann, dict):
        kid = ann.get("backstage.io/kubernetes-id")
        if isinstance(kid, str) and kid.strip():
            return kid.strip()
        sel = ann.get("backstage.io/kubernetes-label-selector")
        if isinstance(sel, str):
            m = _SELECTOR.search(sel)
            if m:
                return m.group(1)
    name = text_at(entity, "metadata", "name")
    return name.strip() if isinstance(name, str) and name.strip() else None


class BackstageLoader(Loader):
    """Owners of components from Backstage catalog files."""

    name = "backstage"
    file_names = frozenset(_NAMES)

    def matches(self, path: str) -> bool:
        """``catalog-info.yaml`` / ``.yml``."""
        return posixpath.basename(path) in _NAMES

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Owners and ownership of components."""
        result = ParseResult()
        records: list[Record] = []
        for doc in read_documents(text, source, result.warnings):
            e = doc.value
            if not isinstance(e, dict) or not str(e.get("apiVersion", "")).startswith("backstage.io/"):
                continue
            kind = e.get("kind")
            owner = text_at(e, "spec", "owner")
            if kind in ("Group", "User"):
                name = text_at(e, "metadata", "name")
                if isinstance(name, str):
                    records.append(owner_record(f"{kind.lower()}:{name}"))
                continue
            if not isinstance(owner, str) or not owner.strip():
                if kind == "Component":
                    result.warnings.append(ParseWarning(source.display, doc.line, "Component without spec.owner"))
                continue
            o = owner_record(owner.strip())
            records.append(o)
            if kind != "Component":
                continue
            svc = service_of(e)
            if svc is None:
                result.warnings.append(ParseWarning(source.display, doc.line, "Component without metadata.name"))
                continue
            line = line_of(e.get("spec"), "owner", doc.line)
            records.append(Owns(o.key, "Repo", source.repo, f"{RULE_PREFIX}{svc}", Location(source.path, line)))
        result.extend(dict.fromkeys(records))
        return result
