"""Seeded synthetic organisation: ~1,000 repos, ~10,000 projects, ~1,000,000 resolved edges.

Usage::

    python bench/synth.py OUT_DIR [--seed 42] [--repos 1000] [--projects 10000] [--edges 1000000]
                          [--shape default|sbom-heavy]

Writes ``OUT_DIR/<repo>/<project>/bom.json`` (CycloneDX 1.5 JSON, the shape the
cyclonedx-maven-plugin emits: ``metadata.component``, ``components`` with purls and scopes, and a
``dependencies`` graph) plus ``OUT_DIR/manifest.json`` with the counts the benchmark checks
against.  The same seed and sizes always give the same bytes.

What the organisation looks like
--------------------------------
* a pool of third-party Maven packages (a few thousand, 1-5 versions each, popularity ~ Zipf);
  package *i* depends on a few packages of lower rank, so the dependency metadata is a DAG whose
  core is the popular packages (``slf4j-api``, ``jackson-*``, ``guava`` ... sit at the top);
* every SBOM is transitively closed, as a real Maven SBOM is: a project lists its direct
  dependencies and everything they pull in, with the ``dependencies`` array saying who depends on
  whom (one entry per component);
* ~15% of projects are internal libraries ``pkg:maven/com.synth.<repo>/<lib>@1.0.0`` arranged in
  levels; a library consumes libraries of lower levels, a service consumes any; a consumer's SBOM
  lists the library *and* every component of the library's own SBOM;
* ``max(1, projects // 1000)`` log4j chains: ``service -> lib8 -> lib7 -> ... -> lib0 ->
  log4j-core`` with each library in a different repo; only ``lib0`` lists
  ``org.apache.logging.log4j:log4j-core`` (2.14.1 in even chains, 2.17.1 in odd ones) in its own
  dependencies; the chain service therefore resolves log4j-core at depth 10;
* ~1% of services use log4j-core directly (mixed 2.14.1 / 2.17.1).

log4j-core is never drawn from the random pool, so the projects that reach it are exactly the
chain consumers and the direct users; the manifest records them.

The SBOM-heavy shape (``--shape sbom-heavy``)
---------------------------------------------
The organisation of issue 16: every repository is one project that ships its own CycloneDX SBOM at
its root (``<repo>/bom.json``, ``--projects`` is ignored: one per repository), restating the whole
dependency graph of the libraries it contains, so the same (version -> package) pairs are stated by
hundreds of files. Third-party packages come from a small pool (a quarter larger than an SBOM, 60..1,000)
in one version each organisation-wide (a shared platform BOM), and one
log4j chain ``lib0 .. lib8`` is consumed by about half of the services, so log4j-core sits 9 levels
below them. Every service also ships a ``Dockerfile``, a ``skaffold.yaml`` (image
``registry.synth.io/<name>``, context ``.``), a prod ``Deployment`` (``deploy/prod/deployment.yaml``,
namespace ``prod``) and every repository a ``.github/CODEOWNERS``. The manifest's ``pairs`` says how
often each pair is restated (min/median/max and how many are stated by at least 100 SBOMs).

``expected.depends_on_edges`` is the number of distinct (version, package) pairs — the DEPENDS_ON
edges in the store, one per pair — and ``expected.depends_on_statements`` the edge records the SBOMs
state (what ``IngestReport.edges`` counts).
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from synth_files import deploy_files, sbom_text
from synth_model import LOG4J_CORE_VERSIONS, SERVICE_WORDS, WORDS, Pool, ProjectSpec, repo_name

CHAIN_LEVELS = 9  # lib0 .. lib8
LIB_FRACTION = 0.15
DIRECT_LOG4J_FRACTION = 0.01
SHAPES = ("default", "sbom-heavy")
#: sbom-heavy: share of services that consume the log4j chain's top library
CHAIN_CONSUMER_FRACTION = 0.5


def generate(
    out: Path,
    seed: int = 42,
    repos: int = 1000,
    projects: int = 10000,
    edges: int = 1_000_000,
    shape: str = "default",
) -> dict:
    """Write the organisation under ``out`` and return the manifest."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r} (expected one of {', '.join(SHAPES)})")
    heavy = shape == "sbom-heavy"
    started = time.perf_counter()
    rng = random.Random(seed)
    repos = max(CHAIN_LEVELS + 1 if heavy else 1, repos)
    projects = repos if heavy else max(repos, projects)
    # sbom-heavy: a pool a quarter larger than an SBOM, so the same packages (and pairs) recur in every SBOM
    pool_size = max(60, min(1000, 5 * edges // (4 * repos))) if heavy else max(200, min(4000, edges // 300))
    pool = Pool(rng, pool_size)
    drawing = _Drawing(rng, _assign_repos(rng, repos, projects))
    chains = _draw_chains(drawing, 1 if heavy else max(1, projects // 1000))
    all_specs = _draw_the_rest(drawing)
    _choose_libraries(rng, all_specs, chains, heavy)
    # components: libraries by level, then services; calibrate sizes to the edge budget
    order = sorted(all_specs, key=lambda s: (s.level if s.kind == "library" else 99, s.idx))
    _calibrate(order, all_specs, pool, seed, edges, heavy)
    written = _write_org(out, all_specs, pool, seed, heavy)
    requested = {"repos": repos, "projects": projects, "edges": edges}
    manifest = _manifest(shape, seed, requested, len(set(drawing.repo_of)), all_specs, pool, chains, written)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    manifest["seconds"] = round(time.perf_counter() - started, 2)  # not in the file: same bytes
    return manifest


def _assign_repos(rng: random.Random, repos: int, projects: int) -> list[int]:
    """Each project's repository: every repo has one project, the rest skewed (a few monorepos)."""
    repo_of = list(range(repos))
    repo_weights = [1.0 / (i + 3) ** 0.7 for i in range(repos)]
    rng.shuffle(repo_weights)
    repo_of += rng.choices(range(repos), weights=repo_weights, k=projects - repos)
    rng.shuffle(repo_of)
    return repo_of


class _Drawing:
    """The projects as they are drawn: a spec per project index, named in the order they are made."""

    def __init__(self, rng: random.Random, repo_of: list[int]) -> None:
        self.rng = rng
        self.repo_of = repo_of
        self.specs: list[ProjectSpec | None] = [None] * len(repo_of)
        self._counter = itertools.count()

    def make(self, p: int, kind: str, name: str | None = None) -> ProjectSpec:
        """The spec of project ``p`` (named ``lib-<word>-<n>`` / ``svc-<word>-<n>`` unless ``name`` is given)."""
        n = next(self._counter)
        if name is None:
            base = self.rng.choice(WORDS) if kind == "library" else self.rng.choice(SERVICE_WORDS)
            name = f"{'lib' if kind == 'library' else 'svc'}-{base}-{n:05d}"
        s = ProjectSpec(p, self.repo_of[p], name, kind)
        self.specs[p] = s
        return s


def _draw_chains(drawing: _Drawing, n_chains: int) -> list[list[ProjectSpec]]:
    """The log4j chains: lib0..lib8 + one service, each in a different repo (while there are enough);
    only lib0 uses log4j-core itself (2.14.1 in even chains, 2.17.1 in odd ones)."""
    rng = drawing.rng
    free: dict[int, list[int]] = {}
    for p, r in enumerate(drawing.repo_of):
        free.setdefault(r, []).append(p)
    repo_ids = sorted(free)
    chains: list[list[ProjectSpec]] = []
    for c in range(n_chains):
        members: list[ProjectSpec] = []
        used_repos: set[int] = set()
        for level in range(CHAIN_LEVELS + 1):
            candidates = [r for r in repo_ids if free[r] and r not in used_repos]
            if not candidates:  # fewer repos than chain members: reuse a repo
                candidates = [r for r in repo_ids if free[r]]
            r = rng.choice(candidates)
            used_repos.add(r)
            p = free[r].pop(rng.randrange(len(free[r])))
            if level < CHAIN_LEVELS:
                s = drawing.make(p, "library", f"chain{c}-lib{level}")
                s.level = level
            else:
                s = drawing.make(p, "application", f"chain{c}-svc")
            s.chain = (c, level)
            members.append(s)
        for k in range(1, CHAIN_LEVELS + 1):
            members[k].libs = [members[k - 1].idx]
        members[0].log4j_direct = LOG4J_CORE_VERSIONS[c % 2]
        chains.append(members)
    return chains


def _draw_the_rest(drawing: _Drawing) -> list[ProjectSpec]:
    """The projects outside the chains: ~15% libraries in levels 0..4, the rest services (~1% of them
    using log4j-core directly); returns every project's spec."""
    rng = drawing.rng
    for p in [p for p, s in enumerate(drawing.specs) if s is None]:
        if rng.random() < LIB_FRACTION:
            s = drawing.make(p, "library")
            s.level = rng.choices((0, 1, 2, 3, 4), weights=(40, 25, 15, 12, 8))[0]
        else:
            s = drawing.make(p, "application")
            if rng.random() < DIRECT_LOG4J_FRACTION:
                s.log4j_direct = rng.choice(LOG4J_CORE_VERSIONS)
    return drawing.specs  # type: ignore[return-value]


def _choose_libraries(
    rng: random.Random, all_specs: list[ProjectSpec], chains: list[list[ProjectSpec]], heavy: bool
) -> None:
    """The internal libraries each project outside the chains consumes: a library some of lower levels,
    a service any (sbom-heavy: about half of the services also the top of the first chain)."""
    libs_by_level: dict[int, list[int]] = {}
    for s in all_specs:
        if s.kind == "library":
            libs_by_level.setdefault(s.level, []).append(s.idx)
    for s in all_specs:
        if s.chain is not None:
            continue
        if s.kind == "library":
            lower = [p for lv in range(s.level) for p in libs_by_level.get(lv, ())]
            if lower:
                s.libs = sorted(set(rng.sample(lower, min(len(lower), rng.choice((1, 1, 2))))))
        else:
            every = [p for lv in sorted(libs_by_level) for p in libs_by_level[lv]]
            k = rng.choices((0, 1, 2, 3, 4), weights=(25, 45, 20, 7, 3))[0]
            if every and k:
                s.libs = sorted(set(rng.sample(every, min(k, len(every)))))
            if heavy and rng.random() < CHAIN_CONSUMER_FRACTION:
                s.libs = sorted({*s.libs, chains[0][CHAIN_LEVELS - 1].idx})


def _calibrate(
    order: list[ProjectSpec], all_specs: list[ProjectSpec], pool: Pool, seed: int, edges: int, heavy: bool
) -> None:
    """Fill every project's components with SBOM sizes scaled so the total comes within 1% of ``edges``.

    The total grows roughly linearly with the mean target: secant steps (at most ten passes), keeping
    the best pass."""
    projects = len(all_specs)
    points: list[tuple[float, int]] = []
    mult = 1.0
    for _ in range(10):
        total = _fill(order, all_specs, pool, seed, edges / projects * mult, heavy)
        points.append((mult, total))
        if abs(total - edges) <= 0.01 * edges:
            break
        if len(points) == 1:
            mult *= edges / total
        else:
            (m0, t0), (m1, t1) = points[-2], points[-1]
            slope = (t1 - t0) / (m1 - m0) if m1 != m0 and t1 != t0 else total / mult
            mult = max(0.05, m1 + (edges - t1) / slope) if slope > 0 else mult * edges / total
    best = min(points, key=lambda pt: abs(pt[1] - edges))
    if best != points[-1]:
        _fill(order, all_specs, pool, seed, edges / projects * best[0], heavy)


@dataclass(slots=True)
class _Written:
    """What writing the organisation's files counted."""

    resolves: int = 0  # components over every SBOM
    depends_on: int = 0  # (version, package) pairs stated over every SBOM
    files: int = 0
    bytes: int = 0
    pairs: collections.Counter[tuple[int, str, int]] = field(default_factory=collections.Counter)
    reach: dict[str, list[str]] = field(default_factory=lambda: {v: [] for v in LOG4J_CORE_VERSIONS})
    services_reaching: int = 0
    users: dict[int, int] = field(default_factory=dict)  # package id -> projects whose SBOM lists it


def _write_org(out: Path, all_specs: list[ProjectSpec], pool: Pool, seed: int, heavy: bool) -> _Written:
    """Write every project's files under ``out`` (after removing the ``repo*`` folders of an earlier run)."""
    if out.exists():
        for child in out.iterdir():
            if child.is_dir() and child.name.startswith("repo"):
                shutil.rmtree(child)
    out.mkdir(parents=True, exist_ok=True)
    w = _Written()
    for s in all_specs:
        repo = repo_name(s.repo)
        text, n_res, stated = sbom_text(pool, s, f"com.synth.{repo}", seed)
        w.resolves += n_res
        w.depends_on += len(stated)
        w.pairs.update(stated)
        for pid in s.comps:
            w.users[pid] = w.users.get(pid, 0) + 1
        v = s.comps.get(pool.log4j_core)
        if v:
            w.reach[v].append(_key_of(s, heavy))
            w.services_reaching += s.kind != "library"
        d = out / repo if heavy else out / repo / s.name
        written = {"bom.json": text}
        if heavy:
            written[".github/CODEOWNERS"] = f"* @synth/team-{repo}\n"
            if s.kind != "library":
                written.update(deploy_files(s.name))
        for name, content in written.items():
            (d / name).parent.mkdir(parents=True, exist_ok=True)
            data = content.encode()
            w.bytes += len(data)
            (d / name).write_bytes(data)
        w.files += len(written)
    return w


def _key_of(s: ProjectSpec, heavy: bool) -> str:
    """The project's key in the store once ingested."""
    repo = repo_name(s.repo)
    group = f"com.synth.{repo}"
    return f"{repo}/.#pkg:maven/{group}/{s.name}" if heavy else _project_key(repo, s.name, group)


def _manifest(
    shape: str,
    seed: int,
    requested: dict[str, int],
    repos: int,
    all_specs: list[ProjectSpec],
    pool: Pool,
    chains: list[list[ProjectSpec]],
    w: _Written,
) -> dict:
    """The manifest: the organisation's counts and what a benchmark should find in the store."""
    heavy = shape == "sbom-heavy"
    projects = len(all_specs)
    restated = sorted(w.pairs.values())
    return {
        "generator": "bench/synth.py",
        "shape": shape,
        "seed": seed,
        "requested": requested,
        "files": w.files,
        "pairs": {
            "distinct": len(restated),
            "statements": w.depends_on,
            "restated_min": restated[0] if restated else 0,
            "restated_median": restated[len(restated) // 2] if restated else 0,
            "restated_max": restated[-1] if restated else 0,
            "restated_by_100_or_more": sum(1 for n in restated if n >= 100),
        },
        "repos": repos,
        "projects": projects,
        "libraries": sum(1 for s in all_specs if s.kind == "library"),
        "services": sum(1 for s in all_specs if s.kind != "library"),
        "third_party_packages": pool.n,
        "third_party_versions": sum(len(pool.versions[i]) for i in range(pool.n)),
        "total_components": w.resolves,
        "expected": {
            "resolves_edges": w.resolves,
            "depends_on_edges": len(restated),
            "depends_on_statements": w.depends_on,
            "contains_edges": projects,
            "describes_edges": projects,
            "published_by_edges": projects,
            # the deploy and ownership files add their own edges: not predicted for sbom-heavy
            "edges_written": None if heavy else w.resolves + w.depends_on + 3 * projects,
        },
        "log4j": {
            "package": _package_key(pool, pool.log4j_core),
            "chains": len(chains),
            "chain_depth": CHAIN_LEVELS + 1,
            "projects_reaching": sum(len(v) for v in w.reach.values()),
            "projects_reaching_by_version": {k: len(v) for k, v in w.reach.items()},
            "services_reaching": w.services_reaching,
            "direct_users": sum(1 for s in all_specs if s.log4j_direct and s.chain is None),
            "deepest_services": [_key_of(ch[-1], heavy) for ch in chains],
        },
        "targets": _targets(pool, chains, w.users),
        "deepest_service": _key_of(chains[0][CHAIN_LEVELS], heavy),
        "bytes": w.bytes,
    }


def _targets(pool: Pool, chains: list[list[ProjectSpec]], users: dict[int, int]) -> dict[str, dict]:
    """The packages a benchmark asks ``dependents`` about, with how many projects list each."""
    third_party_used = [(users.get(i, 0), i) for i in range(pool.n) if users.get(i, 0) > 0]
    leaf = min(third_party_used)[1]  # the least used third-party package (ties: lowest rank)
    median = sorted(third_party_used)[len(third_party_used) // 2][1]
    mid = chains[0][CHAIN_LEVELS // 2]
    return {
        "log4j-core": {"purl": _package_key(pool, pool.log4j_core), "expected_dependents": users[pool.log4j_core]},
        "mid-chain-lib": {"purl": _package_key(pool, mid.pkg), "expected_dependents": users.get(mid.pkg, 0)},
        "popular": {"purl": _package_key(pool, 0), "expected_dependents": users.get(0, 0)},
        "median-third-party": {"purl": _package_key(pool, median), "expected_dependents": users.get(median, 0)},
        "leaf": {"purl": _package_key(pool, leaf), "expected_dependents": users.get(leaf, 0)},
    }


def _package_key(pool: Pool, pid: int) -> str:
    """A pool package's versionless purl."""
    return f"pkg:maven/{pool.group[pid]}/{pool.name[pid]}"


def _fill(
    order: list[ProjectSpec], all_specs: list[ProjectSpec], pool: Pool, seed: int, mean: float, pinned: bool = False
) -> int:
    """Choose every project's components (libraries first); returns the total component count. ``pinned``:
    one version of each third-party package org-wide (a shared platform BOM), as in the SBOM-heavy shape."""
    rng = random.Random(f"{seed}:components")
    pool.truncate()
    total = 0
    for s in order:
        # size target: lognormal (median ~0.83 x mean); libraries are smaller than services
        target = int(min(8 * mean, max(4, rng.lognormvariate(0, 0.6) * mean / 1.2)))
        if s.kind == "library":
            target //= 2
        comps: dict[int, str] = {}
        for lp in s.libs:
            lib = all_specs[lp]
            comps.setdefault(lib.pkg, "1.0.0")
            for pid, v in lib.comps.items():
                comps.setdefault(pid, v)
        direct: list[int] = [all_specs[lp].pkg for lp in s.libs]
        if s.log4j_direct:
            comps[pool.log4j_core] = s.log4j_direct
            for pid in pool.closure[pool.log4j_core][1:]:
                comps.setdefault(pid, pool.versions[pid][-1] if pinned else rng.choice(pool.versions[pid]))
            direct.append(pool.log4j_core)
        tries = 0
        # sbom-heavy: a library names a handful of direct dependencies (its pairs are restated by its consumers)
        # (at most 4 draws per pool package: an SBOM cannot outgrow the pool, however large the target)
        max_tries = (8 if s.kind == "library" else 4 * min(target, pool.n)) if pinned else 200
        chosen = set(direct)
        while (len(comps) < target or tries == 0) and tries < max_tries:
            tries += 1
            # sbom-heavy: every package as likely as any other, so each pair recurs in a similar share of SBOMs
            d = rng.randrange(pool.n) if pinned else pool.pick(rng)
            if d in chosen:
                continue
            chosen.add(d)
            direct.append(d)
            for pid in pool.closure[d]:
                if pid not in comps:
                    vs = pool.versions[pid]
                    comps[pid] = vs[-1] if pinned or len(vs) == 1 or rng.random() < 0.6 else rng.choice(vs)
        s.comps = comps
        s.direct = tuple(direct)
        total += len(comps)
        if s.kind == "library":
            s.pkg = pool.add_internal(f"com.synth.{repo_name(s.repo)}", s.name, s.direct)
    return total


def _project_key(repo: str, directory: str, group: str) -> str:
    # planner.model.project_key(repo, directory, versionless purl); the name is the directory
    return f"{repo}/{directory}#pkg:maven/{group}/{directory}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--repos", type=int, default=1000)
    ap.add_argument("--projects", type=int, default=10000)
    ap.add_argument("--edges", type=int, default=1_000_000)
    ap.add_argument("--shape", choices=SHAPES, default="default", help="sbom-heavy: see the module docstring")
    args = ap.parse_args(argv)
    m = generate(args.out, args.seed, args.repos, args.projects, args.edges, args.shape)
    print(summary(m))
    return 0


def summary(m: dict) -> str:
    """A few lines of counts."""
    lg = m["log4j"]
    return "\n".join(
        [
            f"repos              {m['repos']:>10,}",
            f"projects           {m['projects']:>10,}  ({m['libraries']:,} internal libraries, {m['services']:,} services)",
            f"third-party pkgs   {m['third_party_packages']:>10,}  ({m['third_party_versions']:,} versions)",
            f"total components   {m['total_components']:>10,}  (= expected RESOLVES edges)",
            f"DEPENDS_ON edges   {m['expected']['depends_on_edges']:>10,}  (one per (version, package) pair, expected)",
            f"DEPENDS_ON stated  {m['pairs']['statements']:>10,}  (by the SBOMs; each pair {m['pairs']['restated_min']}"
            f"-{m['pairs']['restated_max']} times, median {m['pairs']['restated_median']};"
            f" {m['pairs']['restated_by_100_or_more']:,} pairs by >= 100)",
            f"edges written      {m['expected']['edges_written'] or 0:>10,}  (expected IngestReport.edges; 0 = not predicted)",
            f"files              {m['files']:>10,}  ({m['shape']} shape)",
            f"reach log4j-core   {lg['projects_reaching']:>10,}  {lg['projects_reaching_by_version']}"
            f" via {lg['chains']} chain(s) of depth {lg['chain_depth']}, {lg['direct_users']} direct users",
            f"size               {m['bytes'] / 1e6:>10,.1f} MB in {m['seconds']} s",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
