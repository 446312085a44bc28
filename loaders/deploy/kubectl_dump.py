"""Running inventory: ``kubectl get pods,deployments,replicasets -A -o json`` (or ``-o yaml``) dumps.

What really runs outranks what manifests say: every ``RUNS`` edge from a dump has
``origin = "inventory"``. Pods contribute the digest that is actually running
(``status.containerStatuses[].imageID``, ``docker-pullable://…@sha256:…``) joined to the
repository and tag of ``spec.containers[].image``; Deployments, StatefulSets, ReplicaSets… their
pod template images.

**Which environment** (a dump does not say which cluster it came from), first that applies:

1. a ``# depwave: environment=<name>`` comment in the first lines (YAML dumps);
2. the annotation ``depwave.io/environment`` on the top-level ``List`` object;
3. the directory after an ``inventory/`` component of the path (``inventory/prod/pods.json``);
4. the object's namespace;
5. ``default`` (an environment not known).

Recognised by path: a ``.json``/``.yaml``/``.yml`` file under an ``inventory/`` directory, or named
``kubectl-*.json``/``*.kubectl.json`` (or ``.yaml``). A 100,000-object JSON dump is read with one
``json.loads`` and walked once.
"""

from __future__ import annotations

import json
import posixpath
import re
from typing import Any

from loaders.base import EMPTY_CONTEXT, LineIndex, Loader, Precedence, SourceContext
from loaders.deploy import image_ref as _image_ref
from loaders.deploy.k8s_manifest import Workload, emit_workload, service_key, service_name, workloads_in
from loaders.deploy.yaml_docs import read_documents
from planner.errors import ParseError
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

_COMMENT = re.compile(r"^#\s*depwave:\s*environment\s*=\s*([\w.-]+)\s*$", re.M)
_NAME = re.compile(r"^(?:kubectl-.+|.+\.kubectl)\.(?:json|ya?ml)$")
_POD_HASH = re.compile(r"-[a-z0-9]{5,10}$")
ANNOTATION = "depwave.io/environment"


def environment_from_path(path: str) -> str | None:
    """The directory right after an ``inventory`` component, when the file is below it."""
    parts = path.split("/")
    for i, p in enumerate(parts[:-2]):
        if p.lower() == "inventory":
            return parts[i + 1]
    return None


def _digest(image_id: Any) -> str | None:
    if not isinstance(image_id, str) or "@" not in image_id:
        if isinstance(image_id, str) and image_id.startswith("sha256:"):
            return image_id
        return None
    return image_id.rsplit("@", 1)[1]


class KubectlDumpLoader(Loader):
    """What is running, from ``kubectl get -o json|yaml`` output."""

    name = "kubectl-dump"
    file_globs = ("kubectl-*.json", "kubectl-*.y*ml", "*.kubectl.json", "*.kubectl.y*ml")
    other_files = Precedence.LOCATION

    def matches(self, path: str) -> bool:
        """Under ``inventory/`` or named ``kubectl-*.json``/``*.kubectl.json`` (or YAML)."""
        parts = path.lower().split("/")
        base = parts[-1]
        if not base.endswith((".json", ".yaml", ".yml")):
            return False
        return "inventory" in parts[:-1] or bool(_NAME.match(base))

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Services and the images they really run."""
        result = ParseResult()
        objects: list[Any]
        if text.lstrip().startswith(("{", "[")):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ParseError(source.display, exc.lineno, f"malformed JSON: {exc.msg}") from None
            except RecursionError:
                raise ParseError(source.display, 1, "JSON nested too deeply") from None
            objects = data if isinstance(data, list) else [data]
        else:
            objects = [d.value for d in read_documents(text, source, result.warnings)]
        env = None
        m = _COMMENT.search(text[:4096])
        if m:
            env = m.group(1)
        if env is None:
            for obj in objects:
                ann = obj.get("metadata", {}).get("annotations") if isinstance(obj, dict) else None
                if isinstance(ann, dict) and isinstance(ann.get(ANNOTATION), str):
                    env = ann[ANNOTATION]
        env = env or environment_from_path(source.path)
        seen: set[Record] = set()
        records: list[Record] = []
        lines: LineIndex | None = None

        def add(recs: list[Record]) -> None:
            for r in recs:
                if r not in seen:
                    seen.add(r)
                    records.append(r)

        stack = list(reversed(objects))
        while stack:
            obj = stack.pop()
            if not isinstance(obj, dict):
                continue
            kind = obj.get("kind")
            if isinstance(obj.get("items"), list):
                stack.extend(reversed(obj["items"]))
                continue
            if kind == "Pod":
                add(self._pod(obj, env, source))
                continue
            warnings: list[ParseWarning] = []
            for w in workloads_in(obj, source.path, warnings, source.display):
                add(self._inventory(emit_workload(w, environment=env or w.namespace, source=source, warnings=warnings)))
            if warnings:
                lines = lines or LineIndex(text)
                name = (obj.get("metadata") or {}).get("name") if isinstance(obj.get("metadata"), dict) else None
                line = lines.line_of(f'"{name}"') if name else None
                result.warnings += [ParseWarning(w.path, w.line or line, w.message) for w in warnings]
        result.extend(records)
        return result

    @staticmethod
    def _inventory(records: list[Record]) -> list[Record]:
        return [
            Runs(r.service, r.image, r.location, r.container, "inventory") if isinstance(r, Runs) else r
            for r in records
        ]

    def _pod(self, pod: dict, env: str | None, source: Source) -> list[Record]:
        meta = pod.get("metadata") if isinstance(pod.get("metadata"), dict) else {}
        name = meta.get("name") if isinstance(meta.get("name"), str) else None
        if not name:
            return []
        owners = meta.get("ownerReferences")
        fallback = name
        if (
            isinstance(owners, list)
            and owners
            and isinstance(owners[0], dict)
            and isinstance(owners[0].get("name"), str)
        ):
            fallback = owners[0]["name"]
            if owners[0].get("kind") == "ReplicaSet":
                fallback = _POD_HASH.sub("", fallback)
        svc = service_name(pod, fallback)
        ns = meta.get("namespace") if isinstance(meta.get("namespace"), str) else None
        environment = env or ns or DEFAULT_ENVIRONMENT
        key = service_key(svc, env, ns)
        out: list[Record] = [
            Service(key, svc, ns, environment, "Pod"),
            Environment(environment, environment),
            DeployedIn(key, environment, Location(source.path)),
        ]
        status = pod.get("status") if isinstance(pod.get("status"), dict) else {}
        running: dict[str, str] = {}
        for field in ("initContainerStatuses", "containerStatuses"):
            statuses = status.get(field)
            for st in statuses if isinstance(statuses, list) else []:
                if isinstance(st, dict) and isinstance(st.get("name"), str):
                    d = _digest(st.get("imageID"))
                    if d:
                        running[st["name"]] = d
        w: list[Workload] = workloads_in(pod, source.path)
        for c in w[0].containers if w else ():
            ref = _image_ref.parse(c.image)
            if ref is None:
                continue
            digest = running.get(c.name or "")
            if digest and not ref.digest:
                ref = ref.with_changes(digest=digest.lower()) or ref
            out += [ref.record(), Runs(key, ref.key, Location(source.path), c.name, "inventory")]
        return out


__all__ = ["KubectlDumpLoader", "environment_from_path", "posixpath"]
