"""Docker Compose files (v2/v3 and the Compose Specification).

Each service becomes a ``Service`` in environment ``compose``, namespace = the Compose project
(top-level ``name:``, else the file's directory name, else the repository name), keyed
``compose/<project>/<service>`` so that two repositories' ``web`` services stay apart. Its image:

* ``image:`` as written (``${VAR:-default}`` interpolated with the default; an unset variable
  without default makes the image unusable, with a warning);
* ``build:`` (a context string or ``{context, dockerfile, target, args}``) gives
  ``ImageBuild(image, repo, context, dockerfile, target)``; without ``image:`` the image is named
  as Compose names it, ``<project>-<service>``;
* services that name the same ``image:`` without ``build:`` run that same ``Image`` node, so the
  image that ``base`` builds is the image that ``web`` and ``worker`` run;
* ``extends`` (same file, or another file read through the context) inherits ``image``/``build``.

Profiles do not hide a service (it exists in the file; whether it is started is a run-time choice).
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
from loaders.deploy import image_ref as _image_ref
from loaders.deploy.k8s_manifest import dedupe
from loaders.deploy.yaml_docs import line_of, read_documents
from planner.model import (
    DeployedIn,
    Environment,
    ImageBuild,
    Location,
    ParseResult,
    ParseWarning,
    Record,
    Runs,
    Service,
    Source,
)

ENVIRONMENT = "compose"
_NAME = re.compile(r"^(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def interpolate(value: str) -> str | None:
    """Compose variable interpolation with defaults only; None when a variable has no default."""
    missing = False

    def sub(m: re.Match[str]) -> str:
        nonlocal missing
        if m.group(2) in (":-", "-"):
            return m.group(3) or ""
        missing = True
        return ""

    out = _VAR.sub(sub, value.replace("$$", "\0")).replace("\0", "$")
    return None if missing else out


def project_name(explicit: Any, source: Source) -> str:
    """Compose's project name rules: lower-case, only ``[a-z0-9_-]``."""
    raw = explicit if isinstance(explicit, str) and explicit.strip() else posixpath.basename(source.directory)
    if raw in ("", "."):
        raw = source.repo
    name = re.sub(r"[^a-z0-9_-]", "", raw.lower())
    return name or "default"


class ComposeLoader(Loader):
    """Services, their images and where those images are built, from Compose files."""

    name = "compose"
    file_names = frozenset({"docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"})
    file_globs = ("docker-compose[.-]*.y*ml", "compose[.-]*.y*ml")

    def matches(self, path: str) -> bool:
        """``docker-compose.yml``, ``compose.yaml``, ``docker-compose.<x>.yml`` and friends."""
        return bool(_NAME.match(posixpath.basename(path).lower()))

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """One Service per Compose service."""
        result = ParseResult()
        docs = read_documents(text, source, result.warnings)
        if not docs or not isinstance(docs[0].value, dict):
            return result
        top = docs[0].value
        services = top.get("services")
        if services is None and "version" not in top:  # Compose v1: services at the top level
            services = {k: v for k, v in top.items() if isinstance(v, dict) and ("image" in v or "build" in v)}
        if not isinstance(services, dict):
            return result
        project = project_name(top.get("name"), source)
        records: list[Record] = []
        for name, svc in services.items():
            if not isinstance(svc, dict):
                continue
            resolved = self._extends(svc, services, source, context, result.warnings)
            records += self._service(str(name), resolved, line_of(services, name), project, source, result.warnings)
        result.extend(dedupe(records))
        return result

    def _extends(
        self,
        svc: dict,
        services: dict,
        source: Source,
        context: SourceContext,
        warnings: list[ParseWarning],
        depth: int = 0,
    ) -> dict:
        ext = svc.get("extends")
        if ext is None or depth > 10:
            return svc
        base_name = ext if isinstance(ext, str) else ext.get("service") if isinstance(ext, dict) else None
        other = services
        if isinstance(ext, dict) and isinstance(ext.get("file"), str):
            path = posixpath.normpath(posixpath.join(source.directory, ext["file"]))
            text = context.read(source.repo, path)
            other = {}
            if text is not None:
                docs = read_documents(text, Source(source.repo, path, path), [])
                if docs and isinstance(docs[0].value, dict) and isinstance(docs[0].value.get("services"), dict):
                    other = docs[0].value["services"]
        base = other.get(base_name) if isinstance(base_name, str) else None
        if not isinstance(base, dict):
            warnings.append(ParseWarning(source.display, line_of(svc, "extends"), f"extends {base_name!r}: not found"))
            return svc
        merged = dict(self._extends(base, other, source, context, warnings, depth + 1))
        merged.update({k: v for k, v in svc.items() if k != "extends"})
        return merged

    def _service(
        self, name: str, svc: dict, line: int | None, project: str, source: Source, warnings: list[ParseWarning]
    ) -> list[Record]:
        key = f"{ENVIRONMENT}/{project}/{name}"
        out: list[Record] = [
            Service(key, name, project, ENVIRONMENT, "compose service"),
            Environment(ENVIRONMENT, ENVIRONMENT),
            DeployedIn(key, ENVIRONMENT, Location(source.path, line)),
        ]
        image = svc.get("image")
        build = svc.get("build")
        image_line = line_of(svc, "image") if image is not None else line_of(svc, "build")
        if image is not None:
            written = interpolate(str(image))
            ref = _image_ref.parse(written) if written is not None else None
            if ref is None:
                warnings.append(ParseWarning(source.display, image_line, f"image {image!r} is not usable; skipped"))
                return out
        elif build is not None:
            ref = _image_ref.parse(f"{project}-{name}")
            if ref is None:
                return out
        else:
            warnings.append(ParseWarning(source.display, line, f"service {name!r} has neither image nor build"))
            return out
        out += [ref.record(), Runs(key, ref.key, Location(source.path, image_line), name, "manifest")]
        if build is not None:
            ctx, dockerfile, target = ".", "Dockerfile", None
            if isinstance(build, str):
                ctx = build
            elif isinstance(build, dict):
                ctx = build.get("context") if isinstance(build.get("context"), str) else "."
                dockerfile = build.get("dockerfile") if isinstance(build.get("dockerfile"), str) else "Dockerfile"
                target = build.get("target") if isinstance(build.get("target"), str) else None
                if "dockerfile_inline" in build:
                    dockerfile = None
            ctx = interpolate(ctx) or "."
            if "://" in ctx or ctx.startswith("git@"):
                warnings.append(ParseWarning(source.display, line_of(svc, "build"), f"remote build context {ctx!r}"))
                return out
            path = posixpath.normpath(posixpath.join(source.directory, ctx))
            if path.startswith(".."):
                warnings.append(
                    ParseWarning(source.display, line_of(svc, "build"), "build context outside the repository")
                )
                return out
            df = posixpath.normpath(posixpath.join(path, dockerfile)) if dockerfile else None
            out.append(ImageBuild(ref.key, source.repo, path, df, target, Location(source.path, line_of(svc, "build"))))
        return out
