"""Dockerfiles and Containerfiles: stages, base images, labels.

A Dockerfile does not name the image it builds, so it emits no graph records of its own: its
``SourceFile`` node (loader ``dockerfile``) is what tells the linker (:mod:`planner.link`) that
its directory builds an image. Deployed images are tied to it by Compose/Skaffold build contexts,
or by name (an image ``…/billing-service`` and a Dockerfile in a directory, or at the root of a
repository, called ``billing-service``). Parsing still checks the file and reports what a reader
would trip over (unknown stage in ``COPY --from``, unresolved ``FROM`` arguments, unterminated
heredocs) as ``path:line`` warnings; :func:`read_dockerfile` gives the structure to other code.

Handled: parser directives (``# escape=``, ``# syntax=``), comments, line continuations, heredocs
(``<<EOF``, ``<<-EOF``, quoted delimiters, several per line), ``ARG`` defaults before the first
``FROM`` substituted into ``FROM`` (``$X``, ``${X}``, ``${X:-d}``, ``${X:+d}``), ``--platform``,
``FROM <stage>``, ``AS name``, ``COPY --from``, ``LABEL k=v …`` (incl. the legacy ``LABEL k v``).
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, field

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
from loaders.deploy import image_ref as _image_ref
from planner.model import ParseResult, ParseWarning, Source

_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$")
_HEREDOC = re.compile(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")
MAX_INSTRUCTIONS = 100_000


@dataclass(slots=True)
class Stage:
    """One ``FROM`` stage."""

    index: int
    base: str  # as written after substitution
    name: str | None
    line: int
    image: _image_ref.ImageRef | None  # None when the base is an earlier stage, ``scratch`` or unresolved
    from_stage: str | None = None
    platform: str | None = None


@dataclass(slots=True)
class DockerfileInfo:
    """What a Dockerfile says."""

    stages: list[Stage] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    copy_from: list[tuple[str, int]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    @property
    def base_images(self) -> list[_image_ref.ImageRef]:
        """External base images, in stage order, once each."""
        out: dict[str, _image_ref.ImageRef] = {}
        for s in self.stages:
            if s.image is not None:
                out.setdefault(s.image.key, s.image)
        for ref, _ in self.copy_from:
            img = _image_ref.parse(ref) if ref not in self.stage_names and not ref.isdigit() else None
            if img is not None:
                out.setdefault(img.key, img)
        return list(out.values())

    @property
    def stage_names(self) -> set[str]:
        """Names given with ``AS``."""
        return {s.name for s in self.stages if s.name}

    @property
    def source_url(self) -> str | None:
        """``org.opencontainers.image.source`` when labelled."""
        return self.labels.get("org.opencontainers.image.source")


def instructions(text: str) -> list[tuple[int, str, str]]:
    """``(line, KEYWORD, arguments)`` with continuations joined and heredoc bodies skipped; the
    heredoc bodies are appended to the arguments after a newline."""
    lines = text.split("\n")
    escape = "\\"
    i = 0
    # parser directives: only at the very top, before any other line
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i].strip())
        if not m:
            break
        if m.group(1).lower() == "escape" and m.group(2) in ("\\", "`"):
            escape = m.group(2)
        i += 1
    out: list[tuple[int, str, str]] = []
    while i < len(lines) and len(out) < MAX_INSTRUCTIONS:
        raw = lines[i]
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        start = i + 1
        parts = []
        cur = raw.rstrip()
        while cur.endswith(escape) and i + 1 < len(lines):
            parts.append(cur[: -len(escape)])
            i += 1
            nxt = lines[i]
            while i + 1 < len(lines) and (not nxt.strip() or nxt.strip().startswith("#")):
                i += 1
                nxt = lines[i]
            cur = nxt.rstrip()
        parts.append(cur[:-1] if cur.endswith(escape) else cur)
        logical = " ".join(p.strip() for p in parts)
        i += 1
        bodies = []
        for m in _HEREDOC.finditer(logical):
            end, strip_tabs = m.group(3), m.group(1) == "-"
            body = []
            while i < len(lines):
                candidate = lines[i].lstrip("\t") if strip_tabs else lines[i]
                i += 1
                if candidate.rstrip("\r") == end:
                    break
                body.append(candidate)
            else:
                out.append((start, "#HEREDOC-UNTERMINATED", end))
            bodies.append("\n".join(body))
        keyword, _, args = logical.strip().partition(" ")
        out.append((start, keyword.upper(), args.strip() + ("\n" + "\n".join(bodies) if bodies else "")))
    return out


def _substitute(value: str, args: dict[str, str]) -> tuple[str, bool]:
    """``$X``/``${X}``/``${X:-d}``/``${X:+d}`` with ``args``; the flag says all variables were known."""
    known = True

    def sub(m: re.Match[str]) -> str:
        nonlocal known
        name = m.group(1) or m.group(4)
        val = args.get(name)
        if m.group(2) == "-":
            return val if val else m.group(3)
        if m.group(2) == "+":
            return m.group(3) if val else ""
        if val is None:
            known = False
            return ""
        return val

    return _VAR.sub(sub, value), known


def _flags(args: str) -> tuple[dict[str, str], list[str]]:
    try:
        words = shlex.split(args, posix=True)
    except ValueError:
        words = args.split()
    flags: dict[str, str] = {}
    rest = []
    for w in words:
        if w.startswith("--") and not rest:
            k, _, v = w[2:].partition("=")
            flags[k] = v
        else:
            rest.append(w)
    return flags, rest


def read_dockerfile(text: str) -> DockerfileInfo:
    """Parse a Dockerfile into :class:`DockerfileInfo` (never raises)."""
    info = DockerfileInfo()
    global_args: dict[str, str] = {}
    for line, kw, args in instructions(text):
        if kw == "#HEREDOC-UNTERMINATED":
            info.warnings.append((line, f"heredoc <<{args} is not terminated"))
        elif kw == "ARG" and not info.stages:
            for word in _flags(args)[1]:
                k, eq, v = word.partition("=")
                global_args[k] = v if eq else global_args.get(k, "")
        elif kw == "FROM":
            flags, words = _flags(args.split("\n", 1)[0])
            if not words:
                info.warnings.append((line, "FROM without an image"))
                continue
            base, complete = _substitute(words[0], global_args)
            name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            stage = Stage(len(info.stages), base, name, line, None, platform=flags.get("platform"))
            if base in info.stage_names:
                stage.from_stage = base
            elif not complete or not base:
                info.warnings.append((line, f"FROM {words[0]}: build argument without a default; base image unknown"))
            elif base.lower() != "scratch":
                stage.image = _image_ref.parse(base)
                if stage.image is None:
                    info.warnings.append((line, f"FROM {base!r} is not a valid image reference"))
            info.stages.append(stage)
        elif kw in ("COPY", "ADD", "RUN"):
            flags, _ = _flags(args.split("\n", 1)[0])
            ref = flags.get("from")
            if kw == "RUN":
                mount = flags.get("mount", "")
                m = re.search(r"(?:^|,)from=([^,]+)", mount)
                ref = m.group(1) if m else None
            if ref:
                info.copy_from.append((ref, line))
                known = ref in info.stage_names or (ref.isdigit() and int(ref) < len(info.stages))
                if not known and _image_ref.parse(ref) is None:
                    info.warnings.append((line, f"{kw} --from={ref}: no such stage or image"))
        elif kw == "LABEL":
            _labels(args.split("\n", 1)[0], info.labels)
    if not info.stages and text.strip():
        info.warnings.append((1, "no FROM instruction: not a Dockerfile, or an incomplete one"))
    return info


def _labels(args: str, out: dict[str, str]) -> None:
    try:
        words = shlex.split(args, posix=True)
    except ValueError:
        return
    if words and "=" not in words[0] and len(words) >= 2:  # legacy LABEL key value
        out[words[0]] = " ".join(words[1:])
        return
    for w in words:
        k, eq, v = w.partition("=")
        if eq:
            out[k] = v


def is_dockerfile_name(name: str) -> bool:
    """``Dockerfile``, ``Dockerfile.<x>``, ``<x>.Dockerfile``, ``Containerfile`` (and ``.<x>``)."""
    lower = name.lower()
    return (
        lower in ("dockerfile", "containerfile")
        or lower.startswith(("dockerfile.", "containerfile."))
        or lower.endswith((".dockerfile", ".containerfile"))
    ) and not lower.endswith((".dockerignore", ".md", ".txt", ".json", ".yaml", ".yml", ".sh", ".py"))


class DockerfileLoader(Loader):
    """Dockerfiles: checked and recorded (as their source file) for the image-build linker."""

    name = "dockerfile"
    file_names = frozenset({"dockerfile", "containerfile"})
    file_globs = ("dockerfile.*", "containerfile.*", "*.dockerfile", "*.containerfile")

    def matches(self, path: str) -> bool:
        """See :func:`is_dockerfile_name`."""
        return is_dockerfile_name(posixpath.basename(path))

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Warnings only (see the module docstring)."""
        info = read_dockerfile(text)
        return ParseResult([], [ParseWarning(source.display, line, msg) for line, msg in info.warnings])
