"""Skaffold (``skaffold.yaml``, v1beta…v4, several ``---`` documents): where each image is built.

Every ``build.artifacts[]`` entry becomes ``ImageBuild(image, repo, context, dockerfile, target)``
(``context`` relative to the file, default ``.``; ``docker.dockerfile`` default ``Dockerfile``; Jib,
Buildpacks, ko and custom builders have a context too). Profiles count as well: their
``build.artifacts`` and their JSON patches on ``/build/artifacts/<index>/…`` are resolved by index
against the document's own artifact list (so ``/build/artifacts/7/docker/dockerfile`` in the
microservices-demo ``debug`` profile is currencyservice, whatever the comment says), giving one more
``ImageBuild`` for the patched variant. Skaffold images are relative to the user's default repo,
so their keys are the bare names (``docker.io/library/emailservice:latest``); the linker matches
deployed images to them by name. Manifests are left to the Kubernetes and Kustomize loaders,
except ``rawYaml`` files they do not read (outside deployment directories), which are read here.
"""

from __future__ import annotations

import copy
import posixpath
import re
from typing import Any

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
from loaders.deploy import image_ref as _image_ref
from loaders.deploy.k8s_manifest import dedupe, emit_workload, is_manifest_path, workloads_in
from loaders.deploy.yaml_docs import line_of, read_documents
from planner.model import ImageBuild, Location, ParseResult, ParseWarning, Record, Source

_NAME = re.compile(r"^skaffold(?:[-._][\w.-]+)?\.ya?ml$")


def _join(directory: str, ref: str) -> str:
    return posixpath.normpath(posixpath.join(directory, ref)) if directory != "." else posixpath.normpath(ref)


class SkaffoldLoader(Loader):
    """Images built by Skaffold artifacts, with their build context."""

    name = "skaffold"
    file_names = frozenset({"skaffold.yaml", "skaffold.yml"})
    file_globs = ("skaffold[-._]*.y*ml",)

    def matches(self, path: str) -> bool:
        """``skaffold.yaml`` and variants such as ``skaffold-dev.yaml``."""
        return bool(_NAME.match(posixpath.basename(path)))

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Every artifact of every document and profile."""
        result = ParseResult()
        records: list[Record] = []
        for doc in read_documents(text, source, result.warnings):
            cfg = doc.value
            if not isinstance(cfg, dict) or not str(cfg.get("apiVersion", "")).startswith("skaffold/"):
                continue
            artifacts = (cfg.get("build") or {}).get("artifacts") if isinstance(cfg.get("build"), dict) else None
            artifacts = artifacts if isinstance(artifacts, list) else []
            for i, art in enumerate(artifacts):
                records += self._artifact(art, line_of(artifacts, i), source, result.warnings)
            profiles = cfg.get("profiles")
            for prof in profiles if isinstance(profiles, list) else []:
                if not isinstance(prof, dict):
                    continue
                pbuild = prof.get("build")
                parts = pbuild.get("artifacts") if isinstance(pbuild, dict) else None
                for i, art in enumerate(parts if isinstance(parts, list) else []):
                    records += self._artifact(art, line_of(parts, i), source, result.warnings)
                records += self._patched(prof, artifacts, source, result.warnings)
            records += self._raw_yaml(cfg, source, context, result.warnings)
        result.extend(dedupe(records))
        return result

    def _artifact(self, art: Any, line: int | None, source: Source, warnings: list[ParseWarning]) -> list[Record]:
        if not isinstance(art, dict):
            return []
        ref = _image_ref.parse(art.get("image"))
        if ref is None:
            warnings.append(ParseWarning(source.display, line, f"artifact image {art.get('image')!r} is not usable"))
            return []
        ctx = art.get("context") if isinstance(art.get("context"), str) else "."
        path = _join(source.directory, ctx)
        if path.startswith(".."):
            warnings.append(ParseWarning(source.display, line, f"artifact context {ctx!r} is outside the repository"))
            return []
        docker = art.get("docker") if isinstance(art.get("docker"), dict) else None
        dockerfile = target = None
        if docker is not None or not any(k in art for k in ("jib", "buildpacks", "ko", "bazel", "custom")):
            name = docker.get("dockerfile") if docker and isinstance(docker.get("dockerfile"), str) else "Dockerfile"
            dockerfile = _join(path, name)
            target = docker.get("target") if docker and isinstance(docker.get("target"), str) else None
        return [ref.record(), ImageBuild(ref.key, source.repo, path, dockerfile, target, Location(source.path, line))]

    def _patched(self, prof: dict, artifacts: list, source: Source, warnings: list[ParseWarning]) -> list[Record]:
        patches = prof.get("patches")
        if not isinstance(patches, list):
            return []
        changed: dict[int, tuple[dict, int | None]] = {}
        for j, p in enumerate(patches):
            if not isinstance(p, dict) or not isinstance(p.get("path"), str):
                continue
            m = re.match(r"^/build/artifacts/(\d+|-)(/.*)?$", p["path"])
            if not m:
                continue
            line = line_of(patches, j)
            op = p.get("op")
            if m.group(1) == "-" or not m.group(2):
                if op == "add" and isinstance(p.get("value"), dict):
                    changed[len(artifacts) + j] = (copy.deepcopy(dict(p["value"])), line)
                continue
            index = int(m.group(1))
            if index >= len(artifacts) or not isinstance(artifacts[index], dict):
                warnings.append(ParseWarning(source.display, line, f"profile patch {p['path']} names no artifact"))
                continue
            art, _ = changed.get(index, (copy.deepcopy(dict(artifacts[index])), line))
            keys = [k.replace("~1", "/").replace("~0", "~") for k in m.group(2).strip("/").split("/")]
            node: Any = art
            for k in keys[:-1]:
                if not isinstance(node, dict):
                    break
                node = node.setdefault(k, {}) if op in ("add", "replace") else node.get(k)
            if isinstance(node, dict) and op in ("add", "replace"):
                node[keys[-1]] = p.get("value")
            elif isinstance(node, dict) and op == "remove":
                node.pop(keys[-1], None)
            changed[index] = (art, line)
        out: list[Record] = []
        for art, line in changed.values():
            out += self._artifact(art, line, source, warnings)
        return out

    def _raw_yaml(
        self, cfg: dict, source: Source, context: SourceContext, warnings: list[ParseWarning]
    ) -> list[Record]:
        manifests = cfg.get("manifests") if isinstance(cfg.get("manifests"), dict) else {}
        raw = manifests.get("rawYaml")
        if raw is None and isinstance(cfg.get("deploy"), dict) and isinstance(cfg["deploy"].get("kubectl"), dict):
            raw = cfg["deploy"]["kubectl"].get("manifests")
        out: list[Record] = []
        for ref in raw if isinstance(raw, list) else []:
            if not isinstance(ref, str) or any(c in ref for c in "*?["):
                continue
            path = _join(source.directory, ref)
            if is_manifest_path(path):
                continue  # the Kubernetes loader reads it
            text = context.read(source.repo, path)
            if text is None:
                continue
            for d in read_documents(text, Source(source.repo, path, path), warnings):
                for w in workloads_in(d.value, path, warnings, path):
                    out += emit_workload(w, environment=w.namespace, source=source, warnings=warnings)
        return out
