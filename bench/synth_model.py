"""The pieces of bench/synth.py's organisation: the third-party package pool (popularity-ranked Maven
coordinates, versions, a dependency DAG and its closures) and one project's spec as it is drawn."""

from __future__ import annotations

import bisect
import itertools
import random

LOG4J_GROUP = "org.apache.logging.log4j"
LOG4J_CORE_VERSIONS = ("2.14.1", "2.17.1")

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
        """Add an internal library (version 1.0.0) and return its package id."""
        pid = len(self.group)
        self.group.append(group)
        self.name.append(name)
        self.versions.append(("1.0.0",))
        self.deps.append(deps)
        return pid

    def pick(self, rng: random.Random) -> int:
        """A third-party package drawn by popularity (log4j-core never)."""
        return bisect.bisect_left(self.cum, rng.random() * self.cum[-1])

    def purl(self, pid: int, version: str) -> str:
        """The package version's purl."""
        return f"pkg:maven/{self.group[pid]}/{self.name[pid]}@{version}"


class ProjectSpec:
    """One project as drawn: its repository, kind, consumed libraries and SBOM components."""

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
    """The folder name of repository ``i``."""
    return f"repo{i:04d}"
