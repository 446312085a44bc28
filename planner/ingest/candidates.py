"""The files an ingest reads, kept as text: one repository-relative path per file; a
:class:`Candidate` is built only when one is asked for.

A 50,000-file monorepo held as one ``Candidate`` per file (a parsed ``pathlib.Path``, a ``Source``
and their strings) cost ≈ 730 bytes a file for the whole ingest; held here it costs the path's
text and six bytes of indices (BENCHMARKS.md, "Ingest memory: discovery kept as text").
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

from loaders.base import Loader
from planner.model import Source


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file some loader handles, with where it lives: ``file`` is the real file to read (as text)."""

    file: str
    source: Source
    loader: Loader
    repo_root: Path


@dataclass(frozen=True, slots=True)
class Repository:
    """One repository as an ingest walked it: its name, its real root, and how its files are shown."""

    name: str
    real_root: Path
    real_text: str  # ``str(real_root)``, joined with a file's path to give the file to read
    display_base: str  # the walked path as given, joined with the repository's place under it


class Candidates(Sequence[Candidate]):
    """The candidates of one ingest in discovery order: a list of paths and two arrays of indices.

    ``candidates[i]`` builds the ``Candidate`` (its file, ``Source`` and loader) from the path and
    its repository; a file reached through a symbolic link, or named on the command line, keeps
    where it leads (how it was given) beside, as the exception it is."""

    def __init__(self) -> None:
        self._paths: list[str] = []
        self._repo = array("I")
        self._loader = array("H")
        self._repos: list[Repository] = []
        self._repo_index: dict[Repository, int] = {}
        self._loaders: list[Loader] = []
        self._loader_index: dict[str, int] = {}
        self._files: dict[int, str] = {}  # a symlinked file: the real file it leads to
        self._displays: dict[int, str] = {}  # a file named on the command line: as it was given

    def repository(self, repo: Repository) -> int:
        """The index of ``repo`` (added when new)."""
        index = self._repo_index.get(repo)
        if index is None:
            index = self._repo_index[repo] = len(self._repos)
            self._repos.append(repo)
        return index

    def add(self, repo: int, path: str, loader: Loader, file: str | None = None, display: str | None = None) -> None:
        """Add the file at ``path`` in repository ``repo``; ``file`` when the real file is elsewhere than
        under the repository's real root, ``display`` when it is not shown under its display base."""
        index = self._loader_index.get(loader.name)
        if index is None:
            index = self._loader_index[loader.name] = len(self._loaders)
            self._loaders.append(loader)
        i = len(self._paths)
        self._paths.append(path)
        self._repo.append(repo)
        self._loader.append(index)
        if file is not None and file != os.path.join(self._repos[repo].real_text, path):
            self._files[i] = file
        if display is not None and display != _display(self._repos[repo].display_base, path):
            self._displays[i] = display

    def __len__(self) -> int:
        return len(self._paths)

    @overload
    def __getitem__(self, i: int) -> Candidate: ...
    @overload
    def __getitem__(self, i: slice) -> list[Candidate]: ...
    def __getitem__(self, i: int | slice) -> Candidate | list[Candidate]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        path = self._paths[i]  # raises IndexError past the end, which ends iteration
        if i < 0:
            i += len(self._paths)
        repo = self._repos[self._repo[i]]
        file = self._files.get(i) or os.path.join(repo.real_text, path)
        display = self._displays.get(i) or _display(repo.display_base, path)
        return Candidate(file, Source(repo.name, path, display), self._loaders[self._loader[i]], repo.real_root)

    def repositories(self) -> Iterator[tuple[str, Path]]:
        """Each repository's name and real root, in the order their first files were found."""
        for repo in self._repos:
            yield repo.name, repo.real_root

    def manifest_sources(self) -> list[Source]:
        """The sources of every file but source code (whose loaders read bytes), in discovery order."""
        manifests = {i for i, loader in enumerate(self._loaders) if not loader.reads_bytes}
        return [self[i].source for i, index in enumerate(self._loader) if index in manifests]

    def keys(self) -> Iterator[str]:
        """Each file's source key (``repo:path``), in discovery order."""
        for path, repo in zip(self._paths, self._repo, strict=True):
            yield f"{self._repos[repo].name}:{path}"

    def paths_by_repository(self) -> dict[str, set[str]]:
        """The paths found in each repository (by name): the sets share this list's strings."""
        out: dict[str, set[str]] = {}
        for path, repo in zip(self._paths, self._repo, strict=True):
            out.setdefault(self._repos[repo].name, set()).add(path)
        return out


def _display(base: str, path: str) -> str:
    """How a file at ``path`` under a repository shown as ``base`` is shown (as ``Path(base) / path`` is)."""
    return path if base == "." else os.path.join(base, path)
