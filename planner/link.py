"""The linker: edges that need the whole graph, re-derived after every ingest.

Loaders see one file; some facts need several. After ``ingest()`` loads, :func:`link` derives

* ``(:Image)-[:BUILT_FROM]->(:Project)`` (``source = "link:built_from"``): where each image is built,
  first rule that applies —

  1. ``built_in``: the image itself has ``BUILT_IN`` edges (Compose ``build:``, Skaffold artifacts);
  2. ``repository``: another tag/digest of the same repository has them;
  3. ``name``: a built image has the same last path component (Skaffold/Compose images are
     relative names that a registry prefix and a tag are added to at release time:
     ``emailservice`` → ``us-central1-docker.pkg.dev/…/emailservice:v0.10.6``);
  4. ``dockerfile-name`` (heuristic): a Dockerfile lives in a directory of that name, or at the
     root of a repository of that name.

  With several candidates for rules 3–4, those in the repositories that declare the deployment
  win. The projects are those whose ``path`` is the build context (``path_match = "exact"``), else
  those of the nearest directory above it other than the repository root (``"ancestor"``). An
  image none of this reaches has no ``BUILT_FROM``: it is *untraceable*.
* ``(:Owner)-[:OWNS]->(:Project)`` and ``(:Owner)-[:OWNS]->(:Service)`` (``source = "link:owners"``):
  CODEOWNERS/OWNERS rules applied to each project's manifest path with GitHub/GitLab semantics
  (:func:`owners_for`; ``basis = "codeowners"``); Backstage catalog entries to the services of
  that name in every environment and to the projects of the catalog file's directory
  (``basis = "catalog"``); rules applied to the file that declares a service's image
  (``basis = "manifest"``).
* ``(:Project)-[:RESOLVES_FROM]->(:Project)`` (``source = "link:resolves_from"``): a project's direct
  resolution (``RESOLVES`` of depth 1 or unknown) of a version of a package another project
  publishes, with that edge's package, version, scope, file and line — the first-party links
  ``list_project_links`` reads. A project's ``RESOLVES`` are many (an SBOM states ~1,000) and these
  few; expanding the former for every consumer cost exposure 0.5 s on a 1M-edge SBOM-heavy graph.
  Derived in the server (``link_resolves_from.cypher``, every ``RESOLVES`` into a published
  package's versions once: ~1 s at 1M edges).

Each kind is replaced in one statement (delete the previous derived edges, create the new ones),
so linking is idempotent and atomic per kind. Cost: seven read queries returning one row per
image, build, Dockerfile, project, rule, catalog entry and RUNS edge, then O(projects × rules of
their repository) pattern matches in Python (patterns compiled once); three writes.
"""

from __future__ import annotations

import posixpath
import re
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from planner.store.base import Store

BUILT_FROM_SOURCE = "link:built_from"
OWNERS_SOURCE = "link:owners"
CATALOG_PREFIX = "catalog-info:"
#: GitHub reads the first of these that exists; GitLab: CODEOWNERS, docs/, .gitlab/
CODEOWNERS_PRECEDENCE = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")


@dataclass(slots=True)
class LinkReport:
    """What a link pass wrote."""

    built_from: int = 0
    resolves_from: int = 0
    project_owners: int = 0
    service_owners: int = 0
    untraceable_images: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "built_from": self.built_from,
            "resolves_from": self.resolves_from,
            "project_owners": self.project_owners,
            "service_owners": self.service_owners,
            "untraceable_images": self.untraceable_images,
        }


# -- CODEOWNERS matching ----------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _compile(pattern: str) -> re.Pattern[str] | None:
    p = pattern.strip()
    if not p:
        return None
    dir_only = p.endswith("/")
    p = p.rstrip("/")
    anchored = p.startswith("/") or "/" in p
    p = p.lstrip("/")
    if not p:  # "/" alone: the whole repository
        return re.compile(r"^.*$")
    out = []
    i = 0
    while i < len(p):
        c = p[i]
        if p.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif p.startswith("/**", i) and i + 3 == len(p):
            out.append("/.*")
            i += 3
        elif p.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = p.find("]", i + 1)
            if end == -1:
                out.append(re.escape(c))
                i += 1
            else:
                body = p[i + 1 : end].replace("\\", "\\\\")
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
                i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    body = "".join(out)
    prefix = "^" if anchored else "^(?:.*/)?"
    last = p.rsplit("/", 1)[-1]
    if dir_only:
        suffix = "/.*$"
    elif last.endswith("*") and not last.endswith("**") and "/" in p:
        suffix = "$"  # GitHub: "docs/*" owns docs/x, not docs/sub/x
    else:
        suffix = "(?:/.*)?$"
    try:
        return re.compile(prefix + body + suffix)
    except re.error:
        return None


def codeowners_match(pattern: str, path: str) -> bool:
    """Whether a CODEOWNERS pattern matches a repo-relative file path (gitignore-like rules as
    GitHub documents them: ``*`` within a component, ``**`` across, leading ``/`` or an inner ``/``
    anchors, a trailing ``/`` means a directory and everything below, a plain name matches at any
    depth and everything below a directory of that name, ``docs/*`` only direct children)."""
    rx = _compile(pattern)
    return bool(rx and rx.match(path.lstrip("/")))


@dataclass(frozen=True, slots=True)
class Rule:
    """One ownership rule as read from the graph."""

    owner: str
    kind: str | None
    pattern: str
    order: int
    section: str | None
    source: str
    file: str | None
    line: int | None


def effective_rules(rules: Iterable[Rule]) -> list[Rule]:
    """The rules that apply in one repository: one CODEOWNERS file (the first of
    :data:`CODEOWNERS_PRECEDENCE` present, as GitHub and GitLab pick one) plus every OWNERS file."""
    rules = list(rules)
    by_file: dict[str, list[Rule]] = defaultdict(list)
    owners_files: list[Rule] = []
    for r in rules:
        if (r.section or "").startswith("OWNERS:"):
            owners_files.append(r)
        else:
            by_file[r.file or ""].append(r)
    chosen: list[Rule] = []
    if by_file:
        pick = next((f for f in CODEOWNERS_PRECEDENCE if f in by_file), sorted(by_file)[0])
        chosen = by_file[pick]
    return chosen + owners_files


def owners_for(rules: Iterable[Rule], path: str) -> list[Rule]:
    """The rules that decide who owns ``path``: per section, every owner of the last matching rule
    (the last match wins; a rule without owners — pseudo-owner kind ``none`` — leaves it unowned)."""
    last: dict[str | None, int] = {}
    by_order: dict[tuple[str | None, int], list[Rule]] = defaultdict(list)
    for r in rules:
        by_order[(r.section, r.order)].append(r)
        if codeowners_match(r.pattern, path) and r.order >= last.get(r.section, -1):
            last[r.section] = r.order
    out = []
    for section, order in last.items():
        out += [r for r in by_order[(section, order)] if r.kind != "none"]
    return sorted(out, key=lambda r: (r.section or "", r.owner))


# -- images -> projects -----------------------------------------------------------------------


def _name(repository: str | None) -> str:
    return (repository or "").rstrip("/").rsplit("/", 1)[-1]


def _repo_of_source(source: str | None) -> str | None:
    return source.split(":", 1)[0] if source else None


@dataclass(slots=True)
class _Builds:
    """Where images are built (``BUILT_IN`` rows and Dockerfiles), indexed the ways the rules look them up."""

    by_image: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    by_repository: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    by_name: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    dockerfiles_by_name: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))


def _index_builds(builds: list[dict], dockerfiles: list[dict]) -> _Builds:
    """Builds by image, by repository and by last name component; Dockerfiles by the (lower-case) name
    of their directory, or of their repository when they sit at its root."""
    index = _Builds()
    for b in builds:
        index.by_image[b["image"]].append(b)
        index.by_repository[b.get("repository") or ""].append(b)
        index.by_name[_name(b.get("repository"))].append(b)
    for d in dockerfiles:
        directory = posixpath.dirname(d["path"]) or "."
        name = d["repo"] if directory == "." else posixpath.basename(directory)
        index.dockerfiles_by_name[name.lower()].append(
            {"repo": d["repo"], "path": directory, "dockerfile": d["path"], "file": d["path"], "line": None}
        )
    return index


def _build_candidates(img: dict, index: _Builds) -> tuple[str, list[dict]]:
    """The first rule that finds where ``img`` is built and what it found; for the name rules, the
    candidates in the repositories that run the image win."""
    key, repository = img["image"], img.get("repository")
    match, cands = "built_in", index.by_image.get(key, [])
    if not cands:
        match, cands = "repository", index.by_repository.get(repository or "", []) if repository else []
    if not cands:
        match, cands = "name", index.by_name.get(_name(repository), [])
        if not cands:
            match, cands = "dockerfile-name", index.dockerfiles_by_name.get(_name(repository).lower(), [])
        runs_repos = {_repo_of_source(s) for s in img.get("runs") or [] if s}
        local = [c for c in cands if c["repo"] in runs_repos]
        cands = local or cands
    return match, cands


def _projects_of_context(projects_at: dict[tuple[str, str], list[str]], repo: str, path: str) -> tuple[list[str], str]:
    """The projects whose path is the build context (``exact``), else those of the nearest directory above
    it other than the repository root (``ancestor``)."""
    targets, path_match = projects_at.get((repo, path), []), "exact"
    up = path
    while not targets and up != ".":
        up = posixpath.dirname(up) or "."
        if up == ".":
            break
        targets, path_match = projects_at.get((repo, up), []), "ancestor"
    return targets, path_match


def built_from_rows(
    images: list[dict], builds: list[dict], dockerfiles: list[dict], projects: list[dict]
) -> tuple[list[dict], list[str]]:
    """``BUILT_FROM`` rows (see the module docstring) and the images nothing builds."""
    index = _index_builds(builds, dockerfiles)
    projects_at: dict[tuple[str, str], list[str]] = defaultdict(list)
    for p in projects:
        projects_at[(p["repo"], (p.get("path") or ".").strip("/") or ".")].append(p["project"])
    rows: dict[tuple[str, str], dict] = {}
    untraceable = []
    for img in images:
        key = img["image"]
        match, cands = _build_candidates(img, index)
        linked = False
        for c in cands:
            path = (c.get("path") or ".").strip("/") or "."
            targets, path_match = _projects_of_context(projects_at, c["repo"], path)
            for project in targets:
                linked = True
                props = {
                    "match": match,
                    "build_repo": c["repo"],
                    "build_path": path,
                    "dockerfile": c.get("dockerfile"),
                    "path_match": path_match,
                    "file": c.get("file"),
                    "line": c.get("line"),
                }
                rows.setdefault(
                    (key, project),
                    {"image": key, "project": project, "props": {k: v for k, v in props.items() if v is not None}},
                )
        if not linked and img.get("runs"):
            untraceable.append(key)
    return [rows[k] for k in sorted(rows)], sorted(untraceable)


# -- owners -----------------------------------------------------------------------------------


def owner_rows(
    rules: list[dict], catalog: list[dict], projects: list[dict], services: list[dict]
) -> tuple[list[dict], list[dict]]:
    """``OWNS`` rows to projects and to services (see the module docstring)."""
    by_repo: dict[str, list[Rule]] = defaultdict(list)
    for r in rules:
        by_repo[r["repo"]].append(
            Rule(
                r["owner"],
                r.get("kind"),
                r["pattern"],
                int(r.get("order") or 0),
                r.get("section"),
                r.get("source") or "",
                r.get("file"),
                r.get("line"),
            )
        )
    effective = {repo: effective_rules(rs) for repo, rs in by_repo.items()}
    project_rows: dict[tuple[str, str, str], dict] = {}
    service_rows: dict[tuple[str, str, str], dict] = {}

    def add(target: dict, owner: str, key: str, props: dict) -> None:
        target.setdefault(
            (owner, key, props["basis"]),
            {"owner": owner, "target": key, "props": {k: v for k, v in props.items() if v is not None}},
        )

    for p in projects:
        manifest = p.get("manifest") or posixpath.join(p.get("path") or ".", "")
        for r in owners_for(effective.get(p["repo"], []), posixpath.normpath(manifest)):
            add(
                project_rows,
                r.owner,
                p["project"],
                {"rule": r.pattern, "basis": "codeowners", "section": r.section, "file": r.file, "line": r.line},
            )
    names: dict[str, set[str]] = defaultdict(set)
    for s in services:
        names[s["name"]].add(s["service"])
        repo = _repo_of_source(s.get("source"))
        if repo and s.get("file"):
            for r in owners_for(effective.get(repo, []), s["file"]):
                add(
                    service_rows,
                    r.owner,
                    s["service"],
                    {"rule": r.pattern, "basis": "manifest", "section": r.section, "file": r.file, "line": r.line},
                )
    for c in catalog:
        svc = (c.get("rule") or "")[len(CATALOG_PREFIX) :]
        props = {"rule": c.get("rule"), "basis": "catalog", "file": c.get("file"), "line": c.get("line")}
        for key in names.get(svc, ()):
            add(service_rows, c["owner"], key, props)
        directory = posixpath.dirname(c.get("file") or "") or "."
        for p in projects:
            if p["repo"] == c["repo"] and ((p.get("path") or ".").strip("/") or ".") == directory:
                add(project_rows, c["owner"], p["project"], props)
    return ([project_rows[k] for k in sorted(project_rows)], [service_rows[k] for k in sorted(service_rows)])


def derive_missing_resolves_from(store: Store, run: str | None) -> int:
    """Derive ``RESOLVES_FROM`` when the store has none (written by a depwave from before it existed, so
    an unchanged re-ingest after an upgrade fills it in); how many edges were written. The check is one
    relationship; a store with no first-party resolution at all pays the derivation's scan each time,
    which finds nothing to expand."""
    present = store.query("has_resolves_from")
    if present and present[0].get("present"):
        return 0
    out = store.write("link_resolves_from", {"run": run})
    return int(out[0]["created"]) if out else 0


def link(store: Store, run: str | None = None) -> LinkReport:
    """Re-derive ``BUILT_FROM``, ``RESOLVES_FROM`` and derived ``OWNS`` edges from what the graph holds now."""
    run = run or datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-link-" + secrets.token_hex(3)
    report = LinkReport()
    projects = store.query("list_link_projects")
    rows, report.untraceable_images = built_from_rows(
        store.query("list_link_images"), store.query("list_image_builds"), store.query("list_dockerfiles"), projects
    )
    out = store.write("link_built_from", {"run": run, "rows": rows})
    report.built_from = int(out[0]["created"]) if out else 0
    out = store.write("link_resolves_from", {"run": run})
    report.resolves_from = int(out[0]["created"]) if out else 0
    p_rows, s_rows = owner_rows(
        store.query("list_ownership_rules"),
        store.query("list_catalog_ownership"),
        projects,
        store.query("list_service_manifests"),
    )
    out = store.write("link_owners", {"run": run, "project_rows": p_rows, "service_rows": s_rows})
    if out:
        report.project_owners = int(out[0].get("projects") or 0)
        report.service_owners = int(out[0].get("services") or 0)
    return report
