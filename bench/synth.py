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
import bisect
import collections
import hashlib
import itertools
import json
import random
import shutil
import sys
import time
import uuid
from pathlib import Path

LOG4J_GROUP = "org.apache.logging.log4j"
LOG4J_CORE_VERSIONS = ("2.14.1", "2.17.1")
CHAIN_LEVELS = 9  # lib0 .. lib8
LIB_FRACTION = 0.15
DIRECT_LOG4J_FRACTION = 0.01
SHAPES = ("default", "sbom-heavy")
#: sbom-heavy: share of services that consume the log4j chain's top library
CHAIN_CONSUMER_FRACTION = 0.5
REGISTRY = "registry.synth.io"

# The head of the popularity ranking: real, familiar coordinates (versions are synthetic except
# for log4j-api, whose versions match log4j-core's).
HEAD = [
    ("org.slf4j", "slf4j-api"),
    ("com.fasterxml.jackson.core", "jackson-annotations"),
    ("com.fasterxml.jackson.core", "jackson-core"),
    ("com.fasterxml.jackson.core", "jackson-databind"),
    ("com.google.guava", "guava"),
    ("org.apache.commons", "commons-lang3"),
    ("commons-io", "commons-io"),
    ("io.netty", "netty-common"),
    ("io.netty", "netty-buffer"),
    ("io.netty", "netty-handler"),
    ("org.springframework", "spring-core"),
    (LOG4J_GROUP, "log4j-api"),
    ("org.yaml", "snakeyaml"),
    ("net.bytebuddy", "byte-buddy"),
    ("org.apache.httpcomponents", "httpclient"),
    ("org.springframework", "spring-context"),
    ("io.micrometer", "micrometer-core"),
    ("com.google.protobuf", "protobuf-java"),
    ("io.grpc", "grpc-api"),
    ("junit", "junit"),
]
LOG4J_API_VERSIONS = ("2.14.1", "2.17.1", "2.20.0")
GROUP_PREFIXES = (
    "org.apache", "com.google", "io.netty", "org.springframework", "com.fasterxml", "io.micrometer",
    "org.eclipse", "io.projectreactor", "org.hibernate", "com.squareup", "io.grpc", "org.jetbrains",
    "net.bytebuddy", "org.ow2", "io.opentelemetry", "software.amazon", "com.azure", "org.glassfish",
    "io.vertx", "org.bouncycastle", "com.github", "io.dropwizard", "org.codehaus", "org.jboss",
)  # fmt: skip
WORDS = (
    "core", "api", "util", "commons", "http", "json", "xml", "io", "net", "client", "server",
    "annotations", "logging", "metrics", "cache", "config", "crypto", "codec", "collections",
    "concurrent", "reactive", "stream", "rpc", "proto", "auth", "security", "jdbc", "sql", "orm",
    "validation", "template", "cli", "test", "mock", "assert", "time", "math", "text", "yaml",
    "csv", "compress", "retry", "pool", "queue", "kafka", "redis", "s3", "grpc", "rest", "web",
    "servlet", "tracing", "parser", "runtime", "bind", "schema", "graph", "event", "bus", "plugin",
)  # fmt: skip
SERVICE_WORDS = (
    "orders", "billing", "payments", "catalog", "search", "checkout", "inventory", "shipping",
    "accounts", "profile", "pricing", "reviews", "notifications", "gateway", "reports", "ledger",
    "fraud", "identity", "media", "feeds", "ads", "cart", "tax", "audit", "export", "import",
)  # fmt: skip


class Pool:
    """Third-party packages (ids 0..n-1 by popularity rank), then log4j-core, then internal libs."""

    def __init__(self, rng: random.Random, n: int) -> None:
        self.group: list[str] = []
        self.name: list[str] = []
        self.versions: list[tuple[str, ...]] = []
        self.deps: list[tuple[int, ...]] = []
        seen: set[tuple[str, str]] = set()
        for i in range(n):
            if i < len(HEAD):
                g, a = HEAD[i]
            else:
                while True:
                    g = f"{rng.choice(GROUP_PREFIXES)}.{rng.choice(WORDS)}"
                    a = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}"
                    if (g, a) not in seen:
                        break
            seen.add((g, a))
            self.group.append(g)
            self.name.append(a)
            if (g, a) == (LOG4J_GROUP, "log4j-api"):
                self.versions.append(LOG4J_API_VERSIONS)
            else:
                k = rng.choices((1, 2, 3, 4, 5), weights=(30, 25, 20, 15, 10))[0]
                vs = {(rng.randint(1, 6), rng.randint(0, 20), rng.randint(0, 12)) for _ in range(k)}
                self.versions.append(tuple(f"{a}.{b}.{c}" for a, b, c in sorted(vs)))
            # a few dependencies on packages of lower rank, biased towards the popular core
            if i == 0:
                deps: tuple[int, ...] = ()
            else:
                k = rng.choices((0, 1, 2, 3, 4), weights=(35, 30, 20, 10, 5))[0]
                deps = tuple(sorted({int(i * rng.random() ** 2.5) for _ in range(k)}))
            self.deps.append(deps)
        self.n = n
        # log4j-core: never drawn at random
        self.log4j_core = n
        self.group.append(LOG4J_GROUP)
        self.name.append("log4j-core")
        self.versions.append(LOG4J_CORE_VERSIONS)
        self.deps.append((HEAD.index((LOG4J_GROUP, "log4j-api")),))
        # closures (transitive, including the package itself), deepest-first not required
        self.closure: list[tuple[int, ...]] = []
        for i in range(n + 1):
            seen_c: dict[int, None] = {i: None}
            stack = list(self.deps[i])
            while stack:
                d = stack.pop()
                if d in seen_c:
                    continue
                if d < len(self.closure):  # lower ranks are already closed
                    for x in self.closure[d]:
                        seen_c[x] = None
                else:
                    seen_c[d] = None
                    stack.extend(self.deps[d])
            self.closure.append(tuple(seen_c))
        # popularity for direct picks (log4j-core excluded)
        weights = [1.0 / (i + 8) ** 0.85 for i in range(n)]
        self.cum = list(itertools.accumulate(weights))

    def truncate(self) -> None:
        """Forget internal libraries (before choosing components again)."""
        for lst in (self.group, self.name, self.versions, self.deps):
            del lst[self.n + 1 :]

    def add_internal(self, group: str, name: str, deps: tuple[int, ...]) -> int:
        pid = len(self.group)
        self.group.append(group)
        self.name.append(name)
        self.versions.append(("1.0.0",))
        self.deps.append(deps)
        return pid

    def pick(self, rng: random.Random) -> int:
        return bisect.bisect_left(self.cum, rng.random() * self.cum[-1])

    def purl(self, pid: int, version: str) -> str:
        return f"pkg:maven/{self.group[pid]}/{self.name[pid]}@{version}"


class ProjectSpec:
    __slots__ = ("chain", "comps", "direct", "idx", "kind", "level", "libs", "log4j_direct", "name", "pkg", "repo")

    def __init__(self, idx: int, repo: int, name: str, kind: str) -> None:
        self.idx = idx
        self.repo = repo
        self.name = name
        self.kind = kind  # library | application
        self.level = -1
        self.libs: list[int] = []  # project indexes of consumed internal libraries
        self.comps: dict[int, str] = {}  # package id -> version (the SBOM's components)
        self.pkg = -1  # package id of an internal library
        self.chain: tuple[int, int] | None = None  # (chain, level) for chain members
        self.log4j_direct: str | None = None
        self.direct: tuple[int, ...] = ()  # package ids the project itself depends on


def repo_name(i: int) -> str:
    return f"repo{i:04d}"


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

    # -- projects -> repos: every repo has one project, the rest skewed (a few monorepos) -------
    repo_of = list(range(repos))
    repo_weights = [1.0 / (i + 3) ** 0.7 for i in range(repos)]
    rng.shuffle(repo_weights)
    repo_of += rng.choices(range(repos), weights=repo_weights, k=projects - repos)
    rng.shuffle(repo_of)
    by_repo: dict[int, list[int]] = {}
    for p, r in enumerate(repo_of):
        by_repo.setdefault(r, []).append(p)

    specs: list[ProjectSpec | None] = [None] * projects
    counter = itertools.count()

    def make(p: int, kind: str, name: str | None = None) -> ProjectSpec:
        n = next(counter)
        if name is None:
            base = rng.choice(WORDS) if kind == "library" else rng.choice(SERVICE_WORDS)
            name = f"{'lib' if kind == 'library' else 'svc'}-{base}-{n:05d}"
        s = ProjectSpec(p, repo_of[p], name, kind)
        specs[p] = s
        return s

    # -- log4j chains: lib0..lib8 + one service, each in a different repo ---------------------
    n_chains = 1 if heavy else max(1, projects // 1000)
    chains: list[list[ProjectSpec]] = []
    free = {r: list(ps) for r, ps in by_repo.items()}
    repo_ids = sorted(free)
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
                s = make(p, "library", f"chain{c}-lib{level}")
                s.level = level
            else:
                s = make(p, "application", f"chain{c}-svc")
            s.chain = (c, level)
            members.append(s)
        for k in range(1, CHAIN_LEVELS + 1):
            members[k].libs = [members[k - 1].idx]
        members[0].log4j_direct = LOG4J_CORE_VERSIONS[c % 2]
        chains.append(members)

    # -- the other projects: ~15% libraries in levels 0..4, the rest services -----------------
    rest = [p for p in range(projects) if specs[p] is None]
    for p in rest:
        if rng.random() < LIB_FRACTION:
            s = make(p, "library")
            s.level = rng.choices((0, 1, 2, 3, 4), weights=(40, 25, 15, 12, 8))[0]
        else:
            s = make(p, "application")
            if rng.random() < DIRECT_LOG4J_FRACTION:
                s.log4j_direct = rng.choice(LOG4J_CORE_VERSIONS)
    all_specs: list[ProjectSpec] = specs  # type: ignore[assignment]
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

    # -- components: libraries by level, then services; calibrate sizes to the edge budget --
    order = sorted(all_specs, key=lambda s: (s.level if s.kind == "library" else 99, s.idx))
    # the total grows roughly linearly with the mean target: secant steps, keep the best pass
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

    # -- write ------------------------------------------------------------------------------
    if out.exists():
        for child in out.iterdir():
            if child.is_dir() and child.name.startswith("repo"):
                shutil.rmtree(child)
    out.mkdir(parents=True, exist_ok=True)
    resolves = depends_on = files = 0
    pairs: collections.Counter[tuple[int, str, int]] = collections.Counter()
    reach: dict[str, list[str]] = {v: [] for v in LOG4J_CORE_VERSIONS}
    services_reaching = 0
    users: dict[int, int] = {}
    bytes_written = 0

    def key_of(s: ProjectSpec) -> str:
        repo = repo_name(s.repo)
        group = f"com.synth.{repo}"
        return f"{repo}/.#pkg:maven/{group}/{s.name}" if heavy else _project_key(repo, s.name, group)

    for s in all_specs:
        repo = repo_name(s.repo)
        group = f"com.synth.{repo}"
        text, n_res, stated = _sbom(pool, s, group, seed)
        resolves += n_res
        depends_on += len(stated)
        pairs.update(stated)
        for pid in s.comps:
            users[pid] = users.get(pid, 0) + 1
        v = s.comps.get(pool.log4j_core)
        if v:
            reach[v].append(key_of(s))
            services_reaching += s.kind != "library"
        d = out / repo if heavy else out / repo / s.name
        written = {"bom.json": text}
        if heavy:
            written[".github/CODEOWNERS"] = f"* @synth/team-{repo}\n"
            if s.kind != "library":
                written.update(_deploy_files(s.name))
        for name, content in written.items():
            (d / name).parent.mkdir(parents=True, exist_ok=True)
            data = content.encode()
            bytes_written += len(data)
            (d / name).write_bytes(data)
        files += len(written)

    def pkg_key(pid: int) -> str:
        return f"pkg:maven/{pool.group[pid]}/{pool.name[pid]}"

    third_party_used = [(users.get(i, 0), i) for i in range(pool.n) if users.get(i, 0) > 0]
    leaf = min(third_party_used)[1]  # the least used third-party package (ties: lowest rank)
    median = sorted(third_party_used)[len(third_party_used) // 2][1]
    mid = chains[0][CHAIN_LEVELS // 2]
    deepest = chains[0][CHAIN_LEVELS]
    n_contains = projects
    restated = sorted(pairs.values())
    manifest = {
        "generator": "bench/synth.py",
        "shape": shape,
        "seed": seed,
        "requested": {"repos": repos, "projects": projects, "edges": edges},
        "files": files,
        "pairs": {
            "distinct": len(restated),
            "statements": depends_on,
            "restated_min": restated[0] if restated else 0,
            "restated_median": restated[len(restated) // 2] if restated else 0,
            "restated_max": restated[-1] if restated else 0,
            "restated_by_100_or_more": sum(1 for n in restated if n >= 100),
        },
        "repos": len(by_repo),
        "projects": projects,
        "libraries": sum(1 for s in all_specs if s.kind == "library"),
        "services": sum(1 for s in all_specs if s.kind != "library"),
        "third_party_packages": pool.n,
        "third_party_versions": sum(len(pool.versions[i]) for i in range(pool.n)),
        "total_components": resolves,
        "expected": {
            "resolves_edges": resolves,
            "depends_on_edges": len(restated),
            "depends_on_statements": depends_on,
            "contains_edges": n_contains,
            "describes_edges": projects,
            "published_by_edges": projects,
            # the deploy and ownership files add their own edges: not predicted for sbom-heavy
            "edges_written": None if heavy else resolves + depends_on + 3 * projects,
        },
        "log4j": {
            "package": pkg_key(pool.log4j_core),
            "chains": n_chains,
            "chain_depth": CHAIN_LEVELS + 1,
            "projects_reaching": sum(len(v) for v in reach.values()),
            "projects_reaching_by_version": {k: len(v) for k, v in reach.items()},
            "services_reaching": services_reaching,
            "direct_users": sum(1 for s in all_specs if s.log4j_direct and s.chain is None),
            "deepest_services": [key_of(ch[-1]) for ch in chains],
        },
        "targets": {
            "log4j-core": {"purl": pkg_key(pool.log4j_core), "expected_dependents": users[pool.log4j_core]},
            "mid-chain-lib": {"purl": pkg_key(mid.pkg), "expected_dependents": users.get(mid.pkg, 0)},
            "popular": {"purl": pkg_key(0), "expected_dependents": users.get(0, 0)},
            "median-third-party": {"purl": pkg_key(median), "expected_dependents": users.get(median, 0)},
            "leaf": {"purl": pkg_key(leaf), "expected_dependents": users.get(leaf, 0)},
        },
        "deepest_service": key_of(deepest),
        "bytes": bytes_written,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    manifest["seconds"] = round(time.perf_counter() - started, 2)  # not in the file: same bytes
    return manifest


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


_SCOPE_CUM = (0.92, 0.97)  # required | optional | excluded


def _deploy_files(name: str) -> dict[str, str]:
    """A service's Dockerfile, skaffold.yaml and prod Deployment (the repository root is the project)."""
    image = f"{REGISTRY}/{name}"
    return {
        "Dockerfile": (
            "FROM eclipse-temurin:17-jre\n"
            "WORKDIR /app\n"
            f"COPY target/{name}.jar /app/{name}.jar\n"
            f'ENTRYPOINT ["java", "-jar", "/app/{name}.jar"]\n'
        ),
        "skaffold.yaml": (
            "apiVersion: skaffold/v4beta6\n"
            "kind: Config\n"
            f"metadata:\n  name: {name}\n"
            f"build:\n  artifacts:\n  - image: {image}\n    context: .\n"
            "manifests:\n  rawYaml:\n  - deploy/prod/deployment.yaml\n"
        ),
        "deploy/prod/deployment.yaml": (
            "apiVersion: apps/v1\n"
            "kind: Deployment\n"
            f"metadata:\n  name: {name}\n  namespace: prod\n  labels:\n    app: {name}\n"
            f"spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: {name}\n"
            f"  template:\n    metadata:\n      labels:\n        app: {name}\n"
            f"    spec:\n      containers:\n      - name: server\n        image: {image}:1.0.0\n"
            "        ports:\n        - containerPort: 8080\n"
        ),
    }


def _sbom(pool: Pool, s: ProjectSpec, group: str, seed: int) -> tuple[str, int, list[tuple[int, str, int]]]:
    """The CycloneDX JSON text of one project, its component count and the (package id, version, dependency
    package id) pairs its ``dependencies`` state."""
    rnd = random.Random(f"{seed}:{s.idx}").random  # per project, so scopes do not depend on order
    root = f"pkg:maven/{group}/{s.name}@1.0.0?type=jar"
    serial = uuid.UUID(hashlib.sha256(f"{seed}:{s.idx}".encode()).hexdigest()[:32], version=4)
    purl_of = {pid: f"{pool.purl(pid, v)}?type=jar" for pid, v in s.comps.items()}
    out = [
        "{",
        '  "bomFormat" : "CycloneDX",',
        '  "specVersion" : "1.5",',
        f'  "serialNumber" : "urn:uuid:{serial}",',
        '  "version" : 1,',
        '  "metadata" : {',
        '    "timestamp" : "2024-05-14T09:12:44Z",',
        '    "component" : {',
        f'      "type" : "{s.kind}",',
        f'      "bom-ref" : "{root}",',
        f'      "group" : "{group}",',
        f'      "name" : "{s.name}",',
        '      "version" : "1.0.0",',
        f'      "purl" : "{root}"',
        "    }",
        "  },",
        '  "components" : [',
    ]
    items = sorted(s.comps.items(), key=lambda kv: purl_of[kv[0]])
    last = len(items) - 1
    for i, (pid, v) in enumerate(items):
        r = rnd()
        scope = "required" if r < _SCOPE_CUM[0] else "optional" if r < _SCOPE_CUM[1] else "excluded"
        p = purl_of[pid]
        out.append(
            f'    {{ "type" : "library", "bom-ref" : "{p}", "group" : "{pool.group[pid]}", '
            f'"name" : "{pool.name[pid]}", "version" : "{v}", "scope" : "{scope}", '
            f'"purl" : "{p}" }}{"," if i < last else ""}'
        )
    out.append("  ],")
    out.append('  "dependencies" : [')
    direct = sorted(purl_of[d] for d in s.direct if d in purl_of)
    entries = [f'    {{ "ref" : "{root}", "dependsOn" : [ {", ".join(_q(d) for d in direct)} ] }}']
    stated: list[tuple[int, str, int]] = []
    for pid, v in items:
        deps = sorted(purl_of[d] for d in pool.deps[pid] if d in purl_of)
        stated += [(pid, v, d) for d in pool.deps[pid] if d in purl_of]
        entries.append(f'    {{ "ref" : "{purl_of[pid]}", "dependsOn" : [ {", ".join(_q(d) for d in deps)} ] }}')
    out.append(",\n".join(entries))
    out.append("  ]")
    out.append("}")
    return "\n".join(out) + "\n", len(items), stated


def _q(s: str) -> str:
    return f'"{s}"'


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
