"""The corpus side of bench/parity.py: which lockfiles are compared (and the files cdxgen gets beside
each), a context over a corpus repository's files, and the ``(type, name, version)`` item both tools'
answers are reduced to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from loaders.base import StaticContext
from loaders.registry import loader_for
from planner.model import Source

#: (type, normalised name, version or "") — one package version as both tools see it
Item = tuple[str, str, str]

#: lockfile name pattern -> (cdxgen -t type, manifests copied beside it when the repo has them)
LOCKFILES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (r"package-lock\.json", "js", ("package.json",)),
    (r"yarn\.lock", "js", ("package.json",)),
    (r"pnpm-lock\.yaml", "js", ("package.json", "pnpm-workspace.yaml")),
    (r"poetry\.lock", "python", ("pyproject.toml",)),
    (r"uv\.lock", "python", ("pyproject.toml",)),
    (r"pdm\.lock", "python", ("pyproject.toml",)),
    (r"Pipfile\.lock", "python", ("Pipfile",)),
    (r"(.*requirements.*|requirements/.*)\.txt", "python", ()),
    (r"go\.mod", "go", ("go.sum",)),
    (r"Cargo\.lock", "rust", ("Cargo.toml",)),
)

#: an exact ``name==version`` / ``name===version`` pin line in a requirements file
_PIN = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*===?\s*[^\s=,<>!~;\\]+\s*(;|\\|#|$)")


def pep503(name: str) -> str:
    """A PyPI name normalised as PEP 503 says (runs of ``-_.`` to ``-``, lower case)."""
    return re.sub(r"[-_.]+", "-", name).lower()


class CorpusContext(StaticContext):
    """A StaticContext over one corpus repository whose ``sources()`` lists only recognised files,
    like the ingest's context (``read`` still serves every file of the repository)."""

    def __init__(self, files: dict[tuple[str, str], str], sources: list[Source] | None = None) -> None:
        super().__init__(files)
        self.files = files
        if sources is None:  # computed once, as the ingest does (loaders may call sources() per parse)
            sources = [s for s in super().sources() if loader_for(s.path) is not None]
        self._recognised = sources

    def sources(self) -> list[Source]:
        """Sources some loader recognises."""
        return self._recognised

    def fresh(self) -> CorpusContext:
        """A new context over the same files (nothing a loader attached to the old one carries over)."""
        return CorpusContext(self.files, self._recognised)


def repo_files(repo_dir: Path) -> dict[tuple[str, str], str]:
    """Every UTF-8 text file of a corpus repository keyed ``(repo, relative path)``."""
    out: dict[tuple[str, str], str] = {}
    for p in sorted(repo_dir.rglob("*")):
        if p.is_file():
            try:
                out[(repo_dir.name, p.relative_to(repo_dir).as_posix())] = p.read_bytes().decode("utf-8-sig")
            except UnicodeDecodeError:
                continue
    return out


@dataclass
class Lockfile:
    """One corpus lockfile and what cdxgen needs beside it."""

    repo: str
    path: str  # repo-relative
    cdx_type: str
    copies: dict[str, Path]  # name in the temp dir -> corpus file


def find_lockfiles(corpus: Path) -> list[Lockfile]:
    """The corpus lockfiles this benchmark compares (requirements files only when they pin)."""
    out: list[Lockfile] = []
    for repo_dir in sorted(p for p in corpus.iterdir() if p.is_dir()):
        for f in sorted(repo_dir.rglob("*")):
            if not f.is_file():
                continue
            rel = f.relative_to(repo_dir).as_posix()
            for pattern, cdx_type, manifests in LOCKFILES:
                tail = "/".join(rel.split("/")[-2:]) if pattern.startswith("(.*requirements") else f.name
                if not re.fullmatch(pattern, tail) and not re.fullmatch(pattern, f.name):
                    continue
                if cdx_type == "python" and f.suffix == ".txt":
                    text = f.read_text(encoding="utf-8", errors="replace")
                    if not any(_PIN.match(line) for line in text.splitlines()):
                        break
                    copies = {"requirements.txt": f}
                else:
                    copies = {f.name: f}
                for m in manifests:
                    if (f.parent / m).is_file():
                        copies[m] = f.parent / m
                out.append(Lockfile(repo_dir.name, rel, cdx_type, copies))
                break
    return out
