"""Kubernetes manifests: multi-document YAML with workloads (Deployment, StatefulSet, DaemonSet,
ReplicaSet, ReplicationController, Job, CronJob, Pod, Argo Rollout) and their containers.

Recognised by path (a ``.yaml``/``.yml`` file under a deployment directory such as ``k8s/``,
``kubernetes-manifests/``, ``deploy/``, ``release/``, ``kustomize/``…) and then by content
(``apiVersion`` + ``kind``): any other YAML file is a silent skip, an empty result.

Each workload becomes one ``Service`` keyed ``<environment or namespace or "default">/<name>``,
with the name from the labels ``app.kubernetes.io/name``, then ``app``, then ``metadata.name``;
the environment is the namespace, and ``default`` (:data:`~planner.model.DEFAULT_ENVIRONMENT`) when
the manifest names none. A file that a Kustomization of the same repository renders
(a resource, component or patch, directly or through directories) emits nothing here: the
Kustomize loader emits those services, with the overlay's environment and rewritten images.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from loaders.base import EMPTY_CONTEXT, Loader, Precedence, SourceContext
from loaders.deploy import image_ref as _image_ref
from loaders.deploy.yaml_docs import YList, YMap, line_of, read_documents, text_at
from planner.model import (
    DEFAULT_ENVIRONMENT,
    DeployedIn,
    Environment,
    Location,
    ParseResult,
    ParseWarning,
    Record,
    Runs,
    Service,
    Source,
)

#: directory names under which YAML files are taken for Kubernetes manifests
MANIFEST_DIRS = frozenset(
    {
        "k8s", "kubernetes", "kubernetes-manifests", "manifests", "deploy", "deployment", "deployments",
        "release", "releases", "kustomize", "istio-manifests", "kube", "overlays", "base", "bases", "components",
        "charts", "gitops", "argocd", "clusters",
    }
)  # fmt: skip
#: workload kinds -> path of the pod spec inside the object
POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "Rollout": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "DeploymentConfig": ("spec", "template", "spec"),
}
_NOT_MANIFESTS = frozenset(
    {"kustomization.yaml", "kustomization.yml", "chart.yaml", "values.yaml", "skaffold.yaml", "pnpm-lock.yaml",
     "pnpm-workspace.yaml", "catalog-info.yaml", "catalog-info.yml", ".pre-commit-config.yaml"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Container:
    """One container of a workload, its image as written and where."""

    name: str | None
    image: str
    line: int | None
    init: bool = False


@dataclass(frozen=True, slots=True)
class Workload:
    """A workload object read from a manifest."""

    kind: str
    name: str
    namespace: str | None
    service: str  # the service name (labels, else metadata.name)
    containers: tuple[Container, ...]
    line: int | None
    path: str  # repo-relative path of the file it was read from
    from_label: bool = False  # the service name comes from a label, not metadata.name


def service_name(obj: dict, fallback: str) -> str:
    """``app.kubernetes.io/name``, then ``app``, then ``k8s-app``, in the object's labels, then in its
    pod template's labels, then ``fallback``."""
    for labels in (text_at(obj, "metadata", "labels"), text_at(obj, "spec", "template", "metadata", "labels")):
        if isinstance(labels, dict):
            for key in ("app.kubernetes.io/name", "app", "k8s-app"):
                value = labels.get(key)
                if isinstance(value, str) and value.strip():
                    return value.strip()
    return fallback


def workloads_in(
    obj: object, path: str, warnings: list[ParseWarning] | None = None, display: str = ""
) -> list[Workload]:
    """The workloads of one document (``kind: List`` items included)."""
    if not isinstance(obj, dict):
        return []
    kind = obj.get("kind")
    if kind == "List" or (isinstance(kind, str) and kind.endswith("List") and isinstance(obj.get("items"), list)):
        items = obj.get("items")
        out: list[Workload] = []
        if isinstance(items, list):
            for item in items:
                out.extend(workloads_in(item, path, warnings, display))
        return out
    if not isinstance(kind, str) or kind not in POD_SPEC_PATHS:
        return []
    name = text_at(obj, "metadata", "name")
    if not isinstance(name, str) or not name.strip():
        if warnings is not None:
            warnings.append(ParseWarning(display or path, line_of(obj), f"{kind} without metadata.name; skipped"))
        return []
    namespace = text_at(obj, "metadata", "namespace")
    spec = text_at(obj, *POD_SPEC_PATHS[kind])
    containers: list[Container] = []
    if isinstance(spec, dict):
        for field, init in (("initContainers", True), ("containers", False)):
            items = spec.get(field)
            if not isinstance(items, list):
                continue
            for c in items:
                if not isinstance(c, dict):
                    continue
                image = c.get("image")
                if image is None:
                    continue
                cname = c.get("name") if isinstance(c.get("name"), str) else None
                containers.append(Container(cname, str(image), line_of(c, "image"), init))
    return [
        Workload(
            kind,
            name.strip(),
            namespace.strip() if isinstance(namespace, str) and namespace.strip() else None,
            service_name(obj, name.strip()),
            tuple(containers),
            line_of(obj),
            path,
            service_name(obj, "") != "",
        )
    ]


def service_key(name: str, environment: str | None, namespace: str | None) -> str:
    """``<environment or namespace or default>/<name>``."""
    return f"{environment or namespace or DEFAULT_ENVIRONMENT}/{name}"


def emit_workload(
    workload: Workload,
    *,
    environment: str | None,
    source: Source,
    warnings: list[ParseWarning],
    origin: str = "manifest",
    rewrite: Callable[[str], str] | None = None,
    name: str | None = None,
    namespace: str | None = None,
) -> list[Record]:
    """Service, Environment, IN and one Image + RUNS per container of a workload. Without an environment
    the namespace is the environment, and without a namespace ``default``: never none."""
    svc_name = name or workload.service
    ns = namespace if namespace is not None else workload.namespace
    key = service_key(svc_name, environment, ns)
    env = environment or ns or DEFAULT_ENVIRONMENT
    out: list[Record] = [
        Service(key, svc_name, ns, env, workload.kind),
        Environment(env, env),
        DeployedIn(key, env, Location(workload.path, workload.line)),
    ]
    for c in workload.containers:
        written = rewrite(c.image) if rewrite else c.image
        ref = _image_ref.parse(written)
        if ref is None:
            warnings.append(
                ParseWarning(
                    source.display if workload.path == source.path else workload.path,
                    c.line,
                    f"image {written!r} is not a literal image reference; skipped",
                )
            )
            continue
        out.append(ref.record())
        out.append(Runs(key, ref.key, Location(workload.path, c.line), c.name, origin))
    return out


def dedupe(records: Iterable[Record]) -> list[Record]:
    """Records once each, in first-seen order."""
    return list(dict.fromkeys(records))


def is_manifest_path(path: str) -> bool:
    """A ``.yaml``/``.yml`` file under one of :data:`MANIFEST_DIRS`."""
    parts = path.lower().split("/")
    base = parts[-1]
    if not base.endswith((".yaml", ".yml")) or base in _NOT_MANIFESTS:
        return False
    return any(p in MANIFEST_DIRS for p in parts[:-1])


class K8sManifestLoader(Loader):
    """Workloads and the images they run, from plain Kubernetes manifests."""

    name = "k8s-manifest"
    other_files = Precedence.LOCATION

    def matches(self, path: str) -> bool:
        """A YAML file under a deployment directory (``k8s/``, ``deploy/``, ``release/``…)."""
        return is_manifest_path(path)

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Services from the workloads of every document; silently empty for non-manifests."""
        from loaders.deploy.kustomize import rendered_files

        result = ParseResult()
        if "apiVersion" not in text or "kind" not in text:
            return result
        docs = read_documents(text, source, result.warnings)
        objects = [d.value for d in docs if isinstance(d.value, dict) and "kind" in d.value and "apiVersion" in d.value]
        if not objects:
            return result
        if source.path in rendered_files(context, source.repo):
            return result
        records: list[Record] = []
        for obj in objects:
            for w in workloads_in(obj, source.path, result.warnings, source.display):
                records += emit_workload(w, environment=w.namespace, source=source, warnings=result.warnings)
        result.extend(dedupe(records))
        return result


__all__ = ["Container", "K8sManifestLoader", "Workload", "YList", "YMap", "emit_workload", "workloads_in"]
