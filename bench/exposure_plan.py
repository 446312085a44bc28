"""Exposure and plan end to end on the synthetic 1M-edge organisation (embedded store).

    python bench/synth.py /tmp/org1            # once
    python bench/exposure_plan.py --org /tmp/org1 [--data-dir DIR] [--reuse]

Ingests the org (unless --reuse), then times `dependents` (21 runs), `exposure` for log4j-core < 2.15.0
(7 runs) and the plan (`--package log4j-core --fixed 2.17.1`) under the default policy and with a CI
capacity of 20, each also with ``defer_libraries: false`` (5 runs each), printing p50s, the makespan, its lower bound and the frontier baseline.
"""

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from planner import exposure
from planner.ingest import ingest
from planner.planning import PlanRequest, make_plan
from planner.policy import Policy
from planner.store import embedded_server
from planner.store.embedded import EmbeddedStore

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--org", type=Path, default=Path("/tmp/org1"))
parser.add_argument("--data-dir", type=Path, default=Path("/tmp/dw-bench-plan"))
parser.add_argument("--reuse", action="store_true", help="the data dir already holds the org")
parser.add_argument("--keep", action="store_true", help="leave the embedded server running")
args = parser.parse_args()
s = EmbeddedStore(args.data_dir)
try:
    if not args.reuse:
        s.reset()
        t = time.perf_counter()
        r = ingest(s, [args.org])
        print("ingest", round(time.perf_counter() - t, 1), "s", r.edges, "edges", flush=True)
    from planner.dependents import find_dependents

    for pkg in ("pkg:maven/org.apache.logging.log4j/log4j-core",):
        dt = []
        for _ in range(21):
            t = time.perf_counter()
            d = find_dependents(s, pkg)
            dt.append(time.perf_counter() - t)
        print(
            "dependents",
            pkg,
            "p50",
            round(statistics.median(dt) * 1000),
            "ms p95",
            round(sorted(dt)[int(0.95 * len(dt)) - 1] * 1000),
            "ms",
            len(d.dependents),
            flush=True,
        )
    spec = "pkg:maven/org.apache.logging.log4j/log4j-core@<2.15.0"
    times = []
    for _ in range(7):
        t = time.perf_counter()
        rep = exposure.assess(s, exposure.affected_from_spec(spec))
        times.append(time.perf_counter() - t)
    print("exposure", [round(x, 3) for x in times], "p50", round(statistics.median(times), 3), rep.counts, flush=True)
    req = PlanRequest(package="pkg:maven/org.apache.logging.log4j/log4j-core", fixed="2.17.1")
    policies = (
        ("default (defer_libraries)", Policy()),
        ("default+capacity20", Policy(capacity=20)),
        ("defer_libraries: false", Policy(defer_libraries=False)),
        ("defer_libraries: false+capacity20", Policy(defer_libraries=False, capacity=20)),
    )
    for pol_name, pol in policies:
        ptimes = []
        for _ in range(5):
            t = time.perf_counter()
            res = make_plan(s, req, pol, lambda x: [])
            ptimes.append(time.perf_counter() - t)
        p = res.plan
        print(
            "plan",
            pol_name,
            [round(x, 3) for x in ptimes],
            "p50",
            round(statistics.median(ptimes), 3),
            "steps",
            len(p.steps),
            "makespan",
            p.makespan,
            "lb",
            p.lower_bound,
            "ratio",
            p.ratio,
            "baseline",
            p.baseline.makespan,
            "saved%",
            round(100 * (1 - p.makespan / p.baseline.makespan), 1) if p.baseline.makespan else None,
            "services fixed",
            p.services_fixed,
            "baseline",
            p.baseline.services_fixed,
            "clean-up done",
            p.cleanup_finish,
            flush=True,
        )
    print("maxrss MiB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
finally:
    s.close()
    if not args.keep:
        embedded_server.stop(args.data_dir)
