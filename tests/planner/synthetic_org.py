"""A seeded synthetic organisation in the shape of bench/synth.py (10,000 projects, library chains 9 deep),
with the target and policy the large-plan test, the report browser test and bench/report.py plan it with."""

from __future__ import annotations

import random

import networkx as nx

from planner.policy import parse_policy
from planner.waves import Target

TARGET = Target("pkg:maven/org.apache.logging.log4j/log4j-core", "2.17.1")
LEVELS = 9  # lib0 .. lib8


def synthetic_org(
    projects: int = 10_000,
    chains: int = 10,
    exposed_services: int = 250,
    direct: float = 0.01,
    seed: int = 42,
    expose_all: bool = False,
) -> nx.DiGraph:
    """A seeded organisation in the shape of bench/synth.py.

    * ``chains`` log4j chains ``lib8 -> ... -> lib0 -> log4j-core``, each library in its own repository, only
      lib0 declaring log4j-core (a property), every consumer pinning its provider's version;
    * ``exposed_services`` services consuming a chain library (70 % the top of a chain, the rest a random
      level), each deployed to staging and prod; ``direct`` of all projects are services using log4j-core
      directly;
    * every other project (services and libraries, ~1,000 repositories) is not exposed — or, with
      ``expose_all``, consumes a random chain library so that the whole organisation must be rebuilt.
    """
    rnd = random.Random(seed)
    g = nx.DiGraph()
    repos = max(1, projects // 10)

    def add(key: str, kind: str, exposure: str | None, repo: str, **extra) -> None:
        g.add_node(
            key,
            name=f"com.synth:{key}",
            repo=repo,
            kind=kind,
            ecosystem="maven",
            exposure=exposure,
            vulnerable_version="2.14.1" if exposure else None,
            edit_location=f"{key}/pom.xml:42" if exposure else None,  # each project its own POM
            owners=[f"@synth/team{int(repo[1:]) % 50}"],
            **{"edit_kind": "direct-dependency", **extra},
        )

    n = 0
    libs: list[list[str]] = []
    for c in range(chains):
        chain = []
        for level in range(LEVELS):
            key = f"c{c}-lib{level}"
            add(
                key,
                "library",
                "direct" if level == 0 else "transitive",
                f"r{(c * LEVELS + level) % repos}",
                publishes=f"pkg:maven/com.synth/{key}",
                edit_kind="property" if level == 0 else "direct-dependency",
                property="log4j2.version",
            )
            if level:
                g.add_edge(
                    key, chain[-1], package=f"pkg:maven/com.synth/{chain[-1]}", scope="runtime", pinned=True, depth=1
                )
            chain.append(key)
            n += 1
        libs.append(chain)
    for i in range(exposed_services):
        key = f"svc{i}"
        add(key, "service", "transitive", f"r{rnd.randrange(repos)}", deployments=[(key, "staging"), (key, "prod")])
        chain = libs[rnd.randrange(chains)]
        provider = chain[-1] if rnd.random() < 0.7 else chain[rnd.randrange(LEVELS)]
        g.add_edge(key, provider, pinned=True, depth=1)
        n += 1
    for i in range(int(projects * direct)):
        key = f"direct{i}"
        add(key, "service", "direct", f"r{rnd.randrange(repos)}", deployments=[(key, "staging"), (key, "prod")])
        n += 1
    i = 0
    while n < projects:
        key = f"other{i}"
        kind = "library" if rnd.random() < 0.15 else "service"
        if expose_all:
            add(
                key,
                kind,
                "transitive",
                f"r{rnd.randrange(repos)}",
                deployments=[(key, "staging"), (key, "prod")] if kind == "service" else [],
                publishes=f"pkg:maven/com.synth/{key}" if kind == "library" else None,
            )
            chain = libs[rnd.randrange(chains)]
            g.add_edge(key, chain[rnd.randrange(LEVELS)], pinned=True, depth=1)
        else:
            add(key, kind, None, f"r{rnd.randrange(repos)}", deployments=[(key, "prod")] if kind == "service" else [])
        i += 1
        n += 1
    return g


POLICY = parse_policy({"capacity": {"org": 20}, "defer_libraries": False})
