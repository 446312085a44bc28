"""Kustomize: render a kustomization's workloads statically, the way ``kustomize build`` would for
what depwave needs (which images run where), without running kustomize.

* ``resources``/``bases`` (files and directories with their own kustomization), ``components``
  (applied on top of what is accumulated), ``images`` (``name`` → ``newName``/``newTag``/``digest``/
  ``tagSuffix``, matched on the name as written or after normalisation), ``namespace``,
  ``namePrefix``/``nameSuffix``, strategic-merge patches that ``$patch: delete`` a workload or set a
  container's ``image``. Remote resources (URLs, ``github.com/…``) are warned about, never fetched.
* Only **root** kustomizations emit services: one that no other kustomization of the same
  repository uses as a resource, base or component. A base rendered by overlays therefore yields
  no extra "default" services. The environment is the overlay's directory name when it lives under
  ``overlays/``, ``envs/``, ``environments/`` or ``clusters/``, else the namespace, else ``default``.
"""

from __future__ import annotations

import posixpath
import weakref
from dataclasses import dataclass, field, replace
from typing import Any

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
from loaders.deploy import image_ref as _image_ref
from loaders.deploy.k8s_manifest import POD_SPEC_PATHS, Workload, dedupe, emit_workload, workloads_in
from loaders.deploy.yaml_docs import line_of, load_one, read_documents, text_at
from planner.model import ParseResult, ParseWarning, Record, Source

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
OVERLAY_PARENTS = frozenset({"overlays", "overlay", "envs", "environments", "clusters", "env"})
MAX_DEPTH = 30


@dataclass(slots=True)
class _Item:
    """A workload being rendered: its current images, name and namespace."""

    workload: Workload
    images: list[str]
    name: str
    namespace: str | None
    service: str


@dataclass(slots=True)
class _Refs:
    """What one kustomization file refers to."""

    files: set[str] = field(default_factory=set)
    dirs: set[str] = field(default_factory=set)


_CACHE: weakref.WeakKeyDictionary[SourceContext, dict[tuple[str, str], tuple[str, _Refs]]] = weakref.WeakKeyDictionary()


def is_remote(ref: str) -> bool:
    """A remote resource (URL or ``host/org/repo//path?ref=``)."""
    return "://" in ref or ref.startswith(("github.com/", "gitlab.com/", "bitbucket.org/", "git@")) or "?ref=" in ref


def _join(directory: str, ref: str) -> str | None:
    """Repo-relative normalised path, or None when it leaves the repository."""
    joined = posixpath.normpath(posixpath.join(directory, ref)) if directory != "." else posixpath.normpath(ref)
    if joined.startswith("../") or joined == ".." or joined.startswith("/"):
        return None
    return joined


def find_kustomization(context: SourceContext, repo: str, directory: str) -> tuple[str, str] | None:
    """``(path, text)`` of the kustomization file in ``directory``, if any."""
    for name in KUSTOMIZATION_NAMES:
        path = name if directory == "." else f"{directory}/{name}"
        text = context.read(repo, path)
        if text is not None:
            return path, text
    return None


def _string_list(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _patch_paths(k: dict) -> list[str]:
    out = _string_list(k.get("patchesStrategicMerge"))
    for key in ("patches", "patchesJson6902"):
        items = k.get(key)
        if isinstance(items, list):
            out += [p["path"] for p in items if isinstance(p, dict) and isinstance(p.get("path"), str)]
    return [p for p in out if "\n" not in p]


def _refs_of(context: SourceContext, repo: str, path: str, text: str) -> _Refs:
    refs = _Refs()
    try:
        k = load_one(text)
    except Exception:  # unreadable kustomizations refer to nothing; their own parse warns
        return refs
    if not isinstance(k, dict):
        return refs
    directory = posixpath.dirname(path) or "."
    for ref in _string_list(k.get("resources")) + _string_list(k.get("bases")) + _string_list(k.get("components")):
        if is_remote(ref):
            continue
        target = _join(directory, ref)
        if target is None or target == directory:
            continue
        if find_kustomization(context, repo, target) is not None:
            refs.dirs.add(target)
        else:
            refs.files.add(target)
    for ref in _patch_paths(k):
        target = _join(directory, ref)
        if target is not None:
            refs.files.add(target)
    return refs


def _all_refs(context: SourceContext, repo: str) -> _Refs:
    """Files and directories that the kustomizations of ``repo`` refer to (read through the context,
    so a change to any kustomization re-reads the files that depend on it)."""
    try:
        cache = _CACHE.setdefault(context, {})
    except TypeError:
        cache = {}
    total = _Refs()
    for src in context.sources():
        if src.repo != repo or posixpath.basename(src.path) not in KUSTOMIZATION_NAMES:
            continue
        text = context.read(repo, src.path)
        if text is None:
            continue
        hit = cache.get((repo, src.path))
        if hit is None or hit[0] != text:
            hit = (text, _refs_of(context, repo, src.path, text))
            cache[(repo, src.path)] = hit
        total.files |= hit[1].files
        total.dirs |= hit[1].dirs
    return total


def rendered_files(context: SourceContext, repo: str) -> set[str]:
    """Files of ``repo`` that some kustomization renders (resources and patches)."""
    return _all_refs(context, repo).files


def environment_for(directory: str, namespace: str | None) -> str | None:
    """The overlay directory name under ``overlays/``-like parents, else the namespace."""
    parts = directory.split("/")
    if len(parts) >= 2 and parts[-2].lower() in OVERLAY_PARENTS:
        return parts[-1]
    return namespace


class _Renderer:
    def __init__(self, context: SourceContext, source: Source, warnings: list[ParseWarning]) -> None:
        self.context = context
        self.source = source
        self.repo = source.repo
        self.warnings = warnings

    def warn(self, path: str, line: int | None, message: str) -> None:
        shown = self.source.display if path == self.source.path else f"{self.repo}/{path}"
        self.warnings.append(ParseWarning(shown, line, message))

    def render(self, path: str, text: str, items: list[_Item], stack: tuple[str, ...]) -> list[_Item]:
        directory = posixpath.dirname(path) or "."
        if directory in stack or len(stack) > MAX_DEPTH:
            self.warn(path, 1, "kustomization cycle or nesting too deep; not followed")
            return items
        stack = (*stack, directory)
        docs = read_documents(
            text,
            Source(self.repo, path, self.source.display if path == self.source.path else path),
            self.warnings if path == self.source.path else [],
        )
        k = docs[0].value if docs and isinstance(docs[0].value, dict) else None
        if k is None:
            return items
        out = list(items)
        for key in ("resources", "bases"):
            refs = k.get(key)
            for i, ref in enumerate(_string_list(refs)):
                out += self._resource(path, directory, ref, line_of(refs, i), stack)
        comps = k.get("components")
        for i, ref in enumerate(_string_list(comps)):
            target = _join(directory, ref) if not is_remote(ref) else None
            found = find_kustomization(self.context, self.repo, target) if target else None
            if found is None:
                self.warn(path, line_of(comps, i), f"component {ref!r} not found in the repository; not rendered")
                continue
            out = self.render(found[0], found[1], out, stack)
        out = self._patches(path, directory, k, out)
        out = self._images(k, out)
        ns = k.get("namespace")
        prefix = k.get("namePrefix") if isinstance(k.get("namePrefix"), str) else ""
        suffix = k.get("nameSuffix") if isinstance(k.get("nameSuffix"), str) else ""
        for item in out:
            if isinstance(ns, str) and ns.strip():
                item.namespace = ns.strip()
            if prefix or suffix:
                item.name = f"{prefix}{item.name}{suffix}"
                if not item.workload.from_label:
                    item.service = item.name
        return out

    def _resource(self, path: str, directory: str, ref: str, line: int | None, stack: tuple[str, ...]) -> list[_Item]:
        if is_remote(ref):
            self.warn(path, line, f"remote resource {ref!r} is not fetched; its workloads are unknown")
            return []
        target = _join(directory, ref)
        if target is None:
            self.warn(path, line, f"resource {ref!r} is outside the repository; not read")
            return []
        text = self.context.read(self.repo, target)
        if text is not None:
            items = []
            src = Source(self.repo, target, target)
            for d in read_documents(text, src, []):
                for w in workloads_in(d.value, target):
                    items.append(_Item(w, [c.image for c in w.containers], w.name, w.namespace, w.service))
            return items
        found = find_kustomization(self.context, self.repo, target)
        if found is None:
            self.warn(path, line, f"resource {ref!r} not found in the repository; not rendered")
            return []
        return self.render(found[0], found[1], [], stack)

    def _patches(self, path: str, directory: str, k: dict, items: list[_Item]) -> list[_Item]:
        bodies: list[Any] = []
        for ref in _patch_paths(k):
            target = _join(directory, ref)
            text = self.context.read(self.repo, target) if target else None
            if text is None:
                self.warn(path, line_of(k, "patches"), f"patch {ref!r} not found; not applied")
                continue
            bodies += [d.value for d in read_documents(text, Source(self.repo, target or ref, ref), [])]
        inline = k.get("patches")
        for p in inline if isinstance(inline, list) else []:
            if isinstance(p, dict) and isinstance(p.get("patch"), str):
                bodies += [d.value for d in read_documents(p["patch"], self.source, [])]
        for body in bodies:
            if not isinstance(body, dict) or body.get("kind") not in POD_SPEC_PATHS:
                continue
            name = text_at(body, "metadata", "name")
            matching = [it for it in items if it.workload.kind == body.get("kind") and it.workload.name == name]
            if body.get("$patch") == "delete":
                items = [it for it in items if it not in matching]
                continue
            spec = text_at(body, *POD_SPEC_PATHS[body["kind"]])
            for field_name in ("initContainers", "containers"):
                for c in (spec or {}).get(field_name) or [] if isinstance(spec, dict) else []:
                    if isinstance(c, dict) and isinstance(c.get("image"), str):
                        for it in matching:
                            for i, wc in enumerate(it.workload.containers):
                                if wc.name == c.get("name"):
                                    it.images[i] = c["image"]
        return items

    def _images(self, k: dict, items: list[_Item]) -> list[_Item]:
        rules = k.get("images")
        if not isinstance(rules, list):
            return items
        for item in items:
            for i, image in enumerate(item.images):
                for rule in rules:
                    if isinstance(rule, dict) and isinstance(rule.get("name"), str):
                        image = apply_image_rule(image, rule)
                item.images[i] = image
        return items


def _split_written(image: str) -> tuple[str, str | None, str | None]:
    """``name``, tag, digest of a reference as written (no normalisation)."""
    name, _, digest = image.partition("@")
    slash, colon = name.rfind("/"), name.rfind(":")
    tag = None
    if colon > slash:
        name, tag = name[:colon], name[colon + 1 :]
    return name, tag, digest or None


def apply_image_rule(image: str, rule: dict) -> str:
    """One Kustomize ``images:`` entry applied to a reference as written (unchanged when it does not match)."""
    name, tag, digest = _split_written(image)
    if not _image_ref.same_image_name(rule["name"], name):
        return image
    new_name = rule.get("newName") if isinstance(rule.get("newName"), str) else name
    if isinstance(rule.get("digest"), str):
        return f"{new_name}@{rule['digest']}"
    new_tag = rule.get("newTag")
    if new_tag is not None and not isinstance(new_tag, bool):
        tag, digest = str(new_tag), None
    if isinstance(rule.get("tagSuffix"), str) and tag:
        tag = tag + rule["tagSuffix"]
    out = new_name + (f":{tag}" if tag else "")
    return out + (f"@{digest}" if digest else "")


class KustomizeLoader(Loader):
    """Services rendered by root kustomizations (overlays, standalone components)."""

    name = "kustomize"
    file_names = frozenset(KUSTOMIZATION_NAMES)

    def matches(self, path: str) -> bool:
        """``kustomization.yaml``, ``kustomization.yml`` or ``Kustomization``."""
        return posixpath.basename(path) in KUSTOMIZATION_NAMES

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Render this kustomization when it is a root; emit its services with rewritten images."""
        result = ParseResult()
        docs = read_documents(text, source, result.warnings)
        if not docs or not isinstance(docs[0].value, dict):
            return result
        kind = docs[0].value.get("kind")
        if kind not in (None, "Kustomization", "Component"):
            return result
        directory = source.directory
        if directory in _all_refs(context, source.repo).dirs:
            return result  # rendered by the kustomization that uses it
        renderer = _Renderer(context, source, result.warnings)
        items = renderer.render(source.path, text, [], ())
        records: list[Record] = []
        for item in items:
            env = environment_for(directory, item.namespace)
            images = iter(item.images)
            w = replace(
                item.workload, containers=tuple(replace(c, image=next(images)) for c in item.workload.containers)
            )
            records += emit_workload(
                w, environment=env, source=source, warnings=result.warnings, name=item.service, namespace=item.namespace
            )
        result.extend(dedupe(records))
        return result
