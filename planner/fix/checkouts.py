"""The ingested files, read back from their checkouts only when they are still what was ingested.

``SourceFile`` nodes keep each file's ``sha256`` and the repository ``root`` it was read from;
``depwave fix`` reads a file from there (or from ``ROOT/<repo>/`` with ``--apply ROOT``) and refuses it
when its hash differs: a patch is made against the ingested text or not at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loaders.maven._effective import is_pom_path
from planner.fix.model import FixError
from planner.store.base import Store

MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """An ingested file: where it was read from and its content hash then."""

    repo: str
    path: str
    root: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Context:
    """What ``fix`` needs from the store: the plan's projects and the ingested files."""

    projects: Mapping[str, Mapping[str, Any]]
    files: Mapping[tuple[str, str], SourceInfo]
    poms: tuple[tuple[str, str], ...]


def context(store: Store, plan: Mapping[str, Any]) -> Context:
    """The projects of the plan's steps and every ingested file of their repositories (and every POM,
    for parents in other repositories)."""
    keys = sorted({str(m) for s in plan.get("steps") or [] for m in s.get("members") or []})
    projects = {row["key"]: row for row in store.query("get_projects", {"keys": keys})} if keys else {}
    repos = sorted({str(p["repo"]) for p in projects.values()})
    rows = store.query("list_source_files", {"repos": repos, "loaders": []}) if repos else []
    rows += store.query("list_source_files", {"repos": [], "loaders": ["maven-pom"]})
    files = {(r["repo"], r["path"]): SourceInfo(r["repo"], r["path"], r["root"] or "", r["sha256"] or "") for r in rows}
    poms = tuple(sorted((r["repo"], r["path"]) for r in rows if is_pom_path(r["path"])))
    return Context(projects, files, poms)


class CheckoutError(FixError):
    """An ingested file that cannot be read as ingested (missing, changed, too large, not UTF-8): about
    the checkout, never about what the file declares."""


class Checkouts:
    """Reads ingested files from their checkouts (``ROOT/<repo>/`` when given, else where they were
    ingested), refusing any whose sha256 differs from the ingested one."""

    def __init__(self, files: Mapping[tuple[str, str], SourceInfo], root: Path | None = None) -> None:
        self.files = files
        self.root = root
        self._texts: dict[tuple[str, str], str] = {}

    def location(self, repo: str, path: str) -> Path:
        """Where the file is (or would be) on this machine."""
        info = self.files.get((repo, path))
        base = self.root / repo if self.root is not None else Path(info.root if info else "")
        return base / path

    def read(self, repo: str, path: str) -> str:
        """The file's text as ingested; a :class:`FixError` when it is not."""
        key = (repo, path)
        if key in self._texts:
            return self._texts[key]
        where = f"{repo}/{path}"
        info = self.files.get(key)
        if info is None:
            raise CheckoutError(where, None, "this file was never ingested: depwave only edits files it has read")
        file = self.location(repo, path)
        if not file.is_file():
            raise CheckoutError(where, None, f"missing checkout: {file} does not exist")
        if file.stat().st_size > MAX_BYTES:
            raise CheckoutError(where, None, f"{file} is larger than {MAX_BYTES // (1024 * 1024)} MiB")
        data = file.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != info.sha256:
            raise CheckoutError(
                where,
                None,
                f"{file} changed since it was ingested (sha256 {digest[:12]}…, ingested {info.sha256[:12]}…): "
                "re-ingest and plan again, or check out the ingested revision",
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CheckoutError(where, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        self._texts[key] = text
        return text

    def try_read(self, repo: str, path: str) -> str | None:
        """Like :meth:`read`, None instead of an error (for following parents)."""
        try:
            return self.read(repo, path)
        except FixError:
            return None
