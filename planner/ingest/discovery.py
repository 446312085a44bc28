"""Which files an ingest reads: walk the given paths, refuse what must not be read, name each file's repository."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from pathlib import Path

from loaders.base import Loader
from loaders.registry import loader_for
from planner.ingest.candidates import Candidates, Repository
from planner.safe_text import message
from planner.store.statements import key_is_storable

#: directories never walked: VCS metadata, dependency caches and build output
SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", "bower_components", "target", "build", "dist",
        ".gradle", ".venv", "venv", "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache",
        ".ruff_cache", ".idea", ".terraform", ".next", ".cache",
    }
)  # fmt: skip


class _RepoFinder:
    """Which repository a file belongs to (see :func:`discover`); directories are kept as text."""

    def __init__(self, forced: str | None) -> None:
        self.forced = forced
        self._git: dict[str, str | None] = {}  # a walked directory: its nearest directory with a .git

    def git_root(self, directory: str, walk_root: str) -> str | None:
        """The nearest directory with a ``.git`` between ``directory`` and ``walk_root`` (inclusive)."""
        chain = []
        d = directory
        found = None
        while True:
            if d in self._git:
                found = self._git[d]
                break
            chain.append(d)
            if os.path.exists(os.path.join(d, ".git")):
                found = d
                break
            parent = os.path.dirname(d)
            if d == walk_root or parent == d:
                break
            d = parent
        for c in chain:
            self._git[c] = found
        return found

    def repo_root(self, walk_root: str, directory: str, rel_to_walk: str, org_layout: bool) -> str:
        """The root of the repository of the file at ``rel_to_walk`` (in ``directory``) under ``walk_root``."""
        if self.forced:
            return walk_root
        git = self.git_root(directory, walk_root)
        if git is not None:
            return git
        if org_layout:
            first, sep, _ = rel_to_walk.partition("/")
            return os.path.join(walk_root, first) if sep else walk_root
        return walk_root


def discover(
    paths: Iterable[Path], repo: str | None = None, refused: list[str] | None = None, *, scan: bool = True
) -> Candidates:
    """Every file under ``paths`` that a loader handles, with its repository (source code only
    with ``scan``), in walk order: directories and files sorted by name, a directory's files
    before its subdirectories.

    The repository of a file is, in order: ``repo`` when given (rooted at the walked path); the
    nearest directory with a ``.git`` between the file and the walked path (never above what you
    asked for); the walked directory itself when it has a file a loader handles at its top level;
    otherwise each top-level subdirectory of the walked directory is one repository (an
    organisation folder such as ``examples/``).

    A symbolic link is followed only to a file inside the walked path: a link that leads outside it,
    dangles or loops is never read, and one ``path:0: reason`` line per such file goes to ``refused``.
    The files are kept as text (:class:`Candidates`); no list of every file of the walk is held.
    """
    out = Candidates()
    seen: set[str] = set()  # the real files found, as text: each is read once
    for given in paths:
        _Walk(Path(given), repo, scan, out).collect(seen, refused)
    return out


class _Walk:
    """One given path of :func:`discover`: its files, where they are walked from, and how repositories are told."""

    def __init__(self, given: Path, repo: str | None, scan: bool, out: Candidates) -> None:
        self.repo = repo
        self.scan = scan
        self.out = out
        self.finder = _RepoFinder(repo)
        self.root = given.absolute()
        self.shown = given
        self.named = self.root.is_file()
        if self.named:
            self.walk_root = self.root.parent
            self.org_layout = False
        else:
            self.walk_root = self.root
            top = next(os.walk(self.root), None)  # the first directory os.walk lists is the root
            self.org_layout = not any(loader_for(name, scan=False) for name in (top[2] if top else ()))
        self.real_walk_root = self.walk_root.resolve()
        self.real_text = str(self.real_walk_root)
        self.walk_text = str(self.walk_root)
        self.repos: dict[str, tuple[int, str]] = {}  # a repository's root: its index and place under the walk
        self.names: dict[int, str] = {}  # a repository's index: its name

    def collect(self, seen: set[str], refused: list[str] | None) -> None:
        """Add this path's candidates (each real file once over ``seen``), refusals to ``refused``."""
        if self.named:
            loader = loader_for(self.root.name, scan=self.scan)
            if loader is not None:
                self._file(self.root, self.root.name, loader, seen, refused)
            return
        root_text = str(self.root)
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            rel_dir = _posix(os.path.relpath(dirpath, root_text)) if dirpath != root_text else ""
            directory = Path(dirpath)
            for name in sorted(filenames):
                rel_to_walk = f"{rel_dir}/{name}" if rel_dir else name
                loader = loader_for(rel_to_walk, scan=self.scan)
                if loader is not None:
                    self._file(directory / name, rel_to_walk, loader, seen, refused)

    def _file(self, f: Path, rel_to_walk: str, loader: Loader, seen: set[str], refused: list[str] | None) -> None:
        """Add one file a loader handles, unless it may not be read or was found already."""
        resolved, reason = self._resolve(f, rel_to_walk)
        if reason is not None:
            if refused is not None:
                display = str(self.shown) if self.named else str(self.shown / rel_to_walk)
                refused.append(message(f"{display}:0: {reason}; not read"))
            return
        if resolved in seen:
            return
        seen.add(resolved)
        repo_root = self.finder.repo_root(self.walk_text, os.path.dirname(f), rel_to_walk, self.org_layout)
        found = self.repos.get(repo_root)
        if found is None:
            found = self.repos[repo_root] = self._repository(repo_root)
        index, prefix = found
        rel = rel_to_walk[len(prefix) + 1 :] if prefix else rel_to_walk
        if not key_is_storable(self.names[index] + rel):
            if refused is not None:
                display = str(self.shown) if self.named else str(self.shown / rel_to_walk)
                refused.append(message(f"{display}:0: {SEPARATOR_IN_NAME}; not read"))
            return
        self.out.add(index, rel, loader, resolved, str(self.shown) if self.named else None)

    def _repository(self, repo_root: str) -> tuple[int, str]:
        """A repository's index in the candidates, and where it is under the walked path (POSIX, "" for there)."""
        prefix = "" if repo_root == self.walk_text else _posix(os.path.relpath(repo_root, self.walk_text))
        real_root = Path(repo_root).resolve()
        display_base = self.shown / prefix if not self.named else self.shown.parent
        repo = Repository(self.repo or real_root.name, real_root, str(real_root), str(display_base))
        index = self.out.repository(repo)
        self.names[index] = repo.name
        return index, prefix

    def _resolve(self, f: Path, rel_to_walk: str) -> tuple[str, str | None]:
        """The real file to read (as text), or why it is refused."""
        # os.walk does not enter symlinked directories: only a symlinked file needs resolving
        resolved = os.path.join(self.real_text, rel_to_walk)
        reason = None
        if f.is_symlink():  # a named file may lead anywhere; a walked one stays inside the walked path
            target, reason = _follow(f, self.real_walk_root if f != self.root else Path(f.anchor), self.shown)
            resolved = str(target)
        elif not f.is_file():
            reason = "not a regular file (a pipe, socket or device)"
        if reason is None and not _utf8(rel_to_walk):
            reason = "file name is not valid UTF-8"
        return resolved, reason


#: why a file whose repository or path has one of the characters DEPENDS_ON's statement strings use
#: between fields (planner/store/statements.py) is not read: its statements could not be told apart
SEPARATOR_IN_NAME = "file or repository name has an ASCII separator character (U+001C to U+001F)"


def _posix(rel: str) -> str:
    return rel if os.sep == "/" else rel.replace(os.sep, "/")


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
