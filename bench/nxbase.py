"""The in-memory baseline: the same graph in a networkx.DiGraph, built straight from the SBOMs.

Run by ``bench/run.py`` in a child process (so its peak RSS is its own)::

    python bench/nxbase.py ORG_DIR --targets '{"log4j-core": "pkg:maven/...", ...}' [--runs 20]

prints one JSON object on stdout.  Nodes and edges mirror what depwave loads, keyed the same way:

* ``Project -> Version``  (RESOLVES: every component of the project's SBOM)
* ``Version -> Package``  (VERSION_OF)
* ``Version -> Package``  (DEPENDS_ON: the SBOM ``dependencies`` array, component -> component)
* ``Package -> Project``  (PUBLISHED_BY: the project's own purl)

A DiGraph keeps one edge per (u, v) pair, so the DEPENDS_ON edges that many SBOMs repeat are stored
once (depwave stamps one per source).  "What depends on X" is ``nx.ancestors(G, X)`` filtered to
projects: the reverse reachability that ``depwave dependents`` computes.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import resource
import statistics
import sys
import time
from pathlib import Path


def rss_kb() -> int:
    """Current resident set size of this process in KiB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def maxrss_kb() -> int:
    """Peak resident set size of this process in KiB: VmHWM.

    Not ru_maxrss: Linux carries the parent's high-water mark over fork+exec into the child's
    ru_maxrss, so a child of a big process would report the parent's peak.
    """
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _strip(purl: str) -> str:
    """A purl without qualifiers/subpath: the depwave Version (or Package) key."""
    return purl.split("?", 1)[0].split("#", 1)[0]


def _package(version_key: str) -> str:
    head, sep, _ = version_key.rpartition("@")
    return head if sep and "/" in head else version_key


def sbom_files(org: Path) -> list[tuple[str, str, Path]]:
    """(repo, repo-relative directory, file) for every bom.json, in a stable order."""
    out = []
    for dirpath, dirnames, filenames in os.walk(org):
        dirnames.sort()
        if "bom.json" in filenames:
            rel = Path(dirpath).relative_to(org)
            if len(rel.parts) >= 1:
                repo = rel.parts[0]
                directory = "/".join(rel.parts[1:]) or "."
                out.append((repo, directory, Path(dirpath) / "bom.json"))
    return out


def build(org: Path):
    """Parse every SBOM with the json module and build the DiGraph; returns (G, projects, timings)."""
    import networkx as nx

    t0 = time.perf_counter()
    files = sbom_files(org)
    parse_s = 0.0
    edges: list[tuple[str, str]] = []
    projects: set[str] = set()
    for repo, directory, path in files:
        t = time.perf_counter()
        with open(path, "rb") as fh:
            doc = json.load(fh)
        parse_s += time.perf_counter() - t
        root = doc["metadata"]["component"]
        own = _package(_strip(root["purl"]))
        project = f"{repo}/{directory}#{own}"
        projects.add(project)
        edges.append((own, project))  # PUBLISHED_BY
        ref_key: dict[str, str] = {}
        for comp in doc.get("components", ()):
            purl = comp.get("purl")
            if not purl:
                continue
            v = _strip(purl)
            ref_key[comp.get("bom-ref", purl)] = v
            edges.append((project, v))  # RESOLVES
            edges.append((v, _package(v)))  # VERSION_OF
        for dep in doc.get("dependencies", ()):
            src = ref_key.get(dep.get("ref"))
            if src is None:  # the root's own entry
                continue
            for target in dep.get("dependsOn", ()):
                t = ref_key.get(target)
                if t is not None:
                    edges.append((src, _package(t)))  # DEPENDS_ON
    read_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    G = nx.DiGraph()
    G.add_edges_from(edges)
    graph_s = time.perf_counter() - t1
    n_edge_rows = len(edges)
    del edges
    gc.collect()
    return (
        G,
        projects,
        {
            "files": len(files),
            "edge_rows": n_edge_rows,
            "json_parse_s": round(parse_s, 3),
            "read_and_extract_s": round(read_s, 3),
            "graph_build_s": round(graph_s, 3),
        },
    )


def dependents(G, projects: set[str], key: str) -> set[str]:
    """Every project from which ``key`` is reachable."""
    import networkx as nx

    if key not in G:
        return set()
    return {n for n in nx.ancestors(G, key) if n in projects}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("org", type=Path)
    ap.add_argument("--targets", default="{}", help="JSON object: name -> package key")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--check", default=None, help="a project key that must be among the first target's dependents")
    args = ap.parse_args(argv)
    import networkx

    rss0 = rss_kb()
    t0 = time.perf_counter()
    G, projects, timings = build(args.org)
    total_s = time.perf_counter() - t0
    rss_built = rss_kb()
    out: dict = {
        "networkx": networkx.__version__,
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        **timings,
        "build_s": round(total_s, 3),
        "edges_per_s": round(G.number_of_edges() / total_s) if total_s else None,
        "edge_rows_per_s": round(timings["edge_rows"] / total_s) if total_s else None,
        "rss_start_mb": round(rss0 / 1024, 1),
        "rss_after_build_mb": round(rss_built / 1024, 1),
        "dependents": {},
    }
    for name, key in json.loads(args.targets).items():
        found = dependents(G, projects, key)  # warm-up
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            dependents(G, projects, key)
            times.append((time.perf_counter() - t) * 1000)
        entry = {
            "purl": key,
            "count": len(found),
            "runs": len(times),
            "p50_ms": round(statistics.median(times), 3),
            "p95_ms": round(_pct(times, 95), 3),
        }
        if args.check and name == "log4j-core":
            entry["includes_deepest_service"] = args.check in found
        out["dependents"][name] = entry
    peak = maxrss_kb()
    out["peak_rss_mb"] = round(peak / 1024, 1)
    out["peak_rss_delta_mb"] = round((peak - rss0) / 1024, 1)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


def _pct(values: list[float], pct: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, math.ceil(pct / 100 * len(s)) - 1))  # nearest rank
    return s[k]


if __name__ == "__main__":
    sys.exit(main())
