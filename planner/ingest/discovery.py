"""Which files an ingest reads: walk the given paths, refuse what must not be read, name each file's repository."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from loaders.base import Loader
from loaders.registry import loader_for
from planner.model import Source
from planner.safe_text import message

#: directories never walked: VCS metadata, dependency caches and build output
SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", "bower_components", "target", "build", "dist",
        ".gradle", ".venv", "venv", "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache",
        ".ruff_cache", ".idea", ".terraform", ".next", ".cache",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file some loader handles, with where it lives."""

    file: Path
    source: Source
    loader: Loader
    repo_root: Path


class _RepoFinder:
    """Which repository a file belongs to (see :func:`discover`)."""

    def __init__(self, forced: str | None) -> None:
        self.forced = forced
        self._git: dict[Path, Path | None] = {}

    def git_root(self, directory: Path, walk_root: Path) -> Path | None:
        """The nearest directory with a ``.git`` between ``directory`` and ``walk_root`` (inclusive)."""
        chain = []
        d = directory
        found = None
        while True:
            if d in self._git:
                found = self._git[d]
                break
            chain.append(d)
            if (d / ".git").exists():
                found = d
                break
            if d == walk_root or d.parent == d:
                break
            d = d.parent
        for c in chain:
            self._git[c] = found
        return found

    def repo_root(self, walk_root: Path, file: Path, org_layout: bool) -> Path:
        if self.forced:
            return walk_root
        git = self.git_root(file.parent, walk_root)
        if git is not None:
            return git
        if org_layout:
            rel = file.relative_to(walk_root)
            return walk_root / rel.parts[0] if len(rel.parts) > 1 else walk_root
        return walk_root


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            yield Path(dirpath) / name


def discover(
    paths: Iterable[Path], repo: str | None = None, refused: list[str] | None = None, *, scan: bool = True
) -> list[Candidate]:
    """Every file under ``paths`` that a loader handles, with its repository (source code only
    with ``scan``).

    The repository of a file is, in order: ``repo`` when given (rooted at the walked path); the
    nearest directory with a ``.git`` between the file and the walked path (never above what you
    asked for); the walked directory itself when it has a file a loader handles at its top level;
    otherwise each top-level subdirectory of the walked directory is one repository (an
    organisation folder such as ``examples/``).

    A symbolic link is followed only to a file inside the walked path: a link that leads outside it,
    dangles or loops is never read, and one ``path:0: reason`` line per such file goes to ``refused``.
    """
    out: list[Candidate] = []
    seen: set[Path] = set()
    for given in paths:
        _Walk(Path(given), repo, scan).collect(out, seen, refused)
    return out


class _Walk:
    """One given path of :func:`discover`: its files, where they are walked from, and how repositories are told."""

    def __init__(self, given: Path, repo: str | None, scan: bool) -> None:
        self.repo = repo
        self.scan = scan
        self.finder = _RepoFinder(repo)
        self.root = given.absolute()
        self.shown = given
        if self.root.is_file():
            self.files = [self.root]
            self.walk_root = self.root.parent
            self.org_layout = False
        else:
            self.files = list(_walk(self.root))
            self.walk_root = self.root
            self.org_layout = not any(f.parent == self.root and loader_for(f.name, scan=False) for f in self.files)
        self.real_walk_root = self.walk_root.resolve()
        self.real_roots: dict[Path, Path] = {}

    def collect(self, out: list[Candidate], seen: set[Path], refused: list[str] | None) -> None:
        """Add this path's candidates to ``out`` (each real file once over ``seen``), refusals to ``refused``."""
        walk_root = self.walk_root
        for f in self.files:
            rel_to_walk = f.relative_to(walk_root).as_posix() if f.is_relative_to(walk_root) else f.name
            loader = loader_for(rel_to_walk, scan=self.scan)
            if loader is None:
                continue
            display = str(self.shown / f.relative_to(self.root)) if f != self.root else str(self.shown)
            resolved, reason = self._resolve(f, rel_to_walk)
            if reason is not None:
                if refused is not None:
                    refused.append(message(f"{display}:0: {reason}; not read"))
                continue
            if resolved in seen:
                continue
            seen.add(resolved)
            out.append(self._candidate(f, resolved, display, loader))

    def _resolve(self, f: Path, rel_to_walk: str) -> tuple[Path, str | None]:
        """The real file to read, or why it is refused."""
        # os.walk does not enter symlinked directories: only a symlinked file needs resolving
        resolved = self.real_walk_root / rel_to_walk
        reason = None
        if f.is_symlink():  # a named file may lead anywhere; a walked one stays inside the walked path
            resolved, reason = _follow(f, self.real_walk_root if f != self.root else Path(f.anchor), self.shown)
        elif not f.is_file():
            reason = "not a regular file (a pipe, socket or device)"
        if reason is None and not _utf8(rel_to_walk):
            reason = "file name is not valid UTF-8"
        return resolved, reason

    def _candidate(self, f: Path, resolved: Path, display: str, loader: Loader) -> Candidate:
        repo_root = self.finder.repo_root(self.walk_root, f, self.org_layout)
        real_root = self.real_roots.get(repo_root)
        if real_root is None:
            real_root = self.real_roots[repo_root] = repo_root.resolve()
        name = self.repo or real_root.name
        rel = f.relative_to(repo_root).as_posix() if f.is_relative_to(repo_root) else f.name
        return Candidate(resolved, Source(name, rel, display), loader, real_root)


def _utf8(name: str) -> bool:
    """Whether a file name decoded without lone surrogates (the store keeps only valid text)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _follow(link: Path, real_root: Path, shown: Path) -> tuple[Path, str | None]:
    """Where a symlinked file leads, or why it is not read: it loops, dangles or leaves ``real_root``."""
    try:
        target = link.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 reports a loop so
        return link, "symbolic link loop"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return link, "symbolic link loop"
        return link, f"symbolic link to a file that cannot be read ({exc.strerror or exc})"
    if not target.is_relative_to(real_root):
        return link, f"symbolic link to a file outside {shown} ({target})"
    if not target.is_file():
        return link, "symbolic link to something other than a file"
    return target, None
