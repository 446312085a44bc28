"""`depwave report` on the synthetic 1M-edge organisation: generation time, file size, first paint in Chromium.

    python bench/synth.py /tmp/org1                       # once
    python bench/report.py --org /tmp/org1 [--data-dir DIR] [--reuse] [--out bench/out/report.json]

Ingests the org (unless --reuse), then, 5 times each (p50 reported, wall and CPU time of this process):

* **collect**: what `depwave report --package log4j-core --fixed 2.17.1` reads and computes: exposure, the
  plan (planner/reporting.py, the same calls as `plan` and `versions`), and the documents' JSON form;
* **render**: the HTML from those documents (planner/render/report);
* **cli**: the command itself in a fresh process (`depwave report … -o FILE`), start-up and imports included;
* **first paint**: Debian's Chromium (headless, Playwright, new profile per run) opening the file:
  `first-contentful-paint` from the page's Performance API, and `load` (DOMContentLoaded + scripts).

Then the same for the planner's large synthetic organisation (tests/planner/synthetic_org.py with 1,500
exposed services in staging and prod, capacity 20): no store, the documents are made in memory
(tests/conftest.py `synthetic_report_docs`), so only **render** and **first paint** are measured.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from planner import reporting, version_spread  # noqa: E402
from planner.ingest import ingest  # noqa: E402
from planner.planning import PlanRequest, make_plan  # noqa: E402
from planner.policy import Policy  # noqa: E402
from planner.render.report import render_html  # noqa: E402
from planner.store import embedded_server  # noqa: E402
from planner.store.embedded import EmbeddedStore  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, synthetic_report_docs  # noqa: E402

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"
RUNS = 5


def timed(fn):
    """(result, wall seconds, CPU seconds of this process)."""
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def p50(values):
    return round(statistics.median(values), 3)


def first_paint(path: Path) -> dict:
    """First contentful paint and load of ``path`` in headless Chromium, p50 of RUNS fresh profiles."""
    from playwright.sync_api import sync_playwright

    fcp, load = [], []
    with sync_playwright() as pw:
        for _ in range(RUNS):
            with tempfile.TemporaryDirectory() as profile:
                ctx = pw.chromium.launch_persistent_context(
                    profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                page = ctx.new_page()
                page.goto(path.as_uri(), wait_until="load")
                entries = page.evaluate(
                    "() => ({fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime,"
                    " load: performance.getEntriesByType('navigation')[0].loadEventEnd})"
                )
                fcp.append(entries["fcp"] / 1000)
                load.append(entries["load"] / 1000)
                ctx.close()
    return {"first_contentful_paint_s": p50(fcp), "load_s": p50(load), "runs": RUNS}


def bench_org(args) -> dict:
    """Ingest the org (unless ``args.reuse``), then time collect, render, their parts, the CLI and first paint."""
    embedded_server.start(args.data_dir, wait_s=600)  # a 1M-edge graph takes ~40 s to load on a busy machine
    store = EmbeddedStore(args.data_dir)
    try:
        if not args.reuse:
            store.reset()
            _, wall, _ = timed(lambda: ingest(store, [args.org]))
            print(f"ingest {wall:.1f} s", flush=True)
        request = PlanRequest(package=LOG4J, fixed="2.17.1")
        docs, html, collect, render = _time_collect_and_render(store, request)
        parts = _time_parts(store, request)
        out = Path(tempfile.mkdtemp()) / "org.html"
        out.write_text(html, encoding="utf-8")
        cli = _time_cli(out, args.data_dir)
        plan = docs.plan
        return {
            "org": str(args.org),
            "steps": len(plan["steps"]),
            "projects": len(docs.exposure["projects"]),
            "services": sum(len(p["services"]) for p in docs.exposure["projects"]),
            "bytes": out.stat().st_size,
            "collect_wall_s": p50([w for w, _ in collect]),
            "collect_cpu_s": p50([c for _, c in collect]),
            "render_wall_s": p50([w for w, _ in render]),
            "render_cpu_s": p50([c for _, c in render]),
            **{f"{k}_wall_s": p50([w for w, _ in v]) for k, v in parts.items()},
            **{f"{k}_cpu_s": p50([c for _, c in v]) for k, v in parts.items()},
            "cli_wall_s": p50([w for w, _ in cli]),
            "cli_cpu_s": p50([c for _, c in cli]),
            "chromium": first_paint(out),
        }
    finally:
        if not args.keep:
            embedded_server.stop(args.data_dir)


def _time_collect_and_render(store: EmbeddedStore, request: PlanRequest) -> tuple:
    """RUNS times: ``reporting.collect`` then ``render_html`` of its documents; (the last documents, the
    last HTML, (wall, CPU) of each collect, of each render)."""
    when = datetime.now(UTC).replace(microsecond=0)
    collect, render = [], []
    for _ in range(RUNS):
        docs, w, c = timed(lambda: reporting.collect(store, request, Policy(), lambda a: [], when))
        collect.append((w, c))
        html, w, c = timed(lambda d=docs: render_html(d))
        render.append((w, c))
    return docs, html, collect, render


def _time_parts(store: EmbeddedStore, request: PlanRequest) -> dict[str, list]:
    """What collect is made of, RUNS times each: make_plan (exposure + plan) and versions; (wall, CPU) each."""
    parts = {"plan": [], "versions": []}
    for _ in range(RUNS):
        parts["plan"].append(timed(lambda: make_plan(store, request, Policy(), lambda a: []))[1:])
        parts["versions"].append(timed(lambda: version_spread.version_spread(store, LOG4J))[1:])
    return parts


def _time_cli(out: Path, data_dir: Path) -> list[tuple[float, float]]:
    """``depwave report … -o out`` in a fresh process, RUNS times: (wall, CPU of the child) each."""
    env = dict(os.environ, DEPWAVE_DATA_DIR=str(data_dir))
    cmd = [
        str(Path(sys.executable).parent / "depwave"),
        "report",
        "--package",
        LOG4J,
        "--fixed",
        "2.17.1",
        "-o",
        str(out),
    ]
    cli = []
    for _ in range(RUNS):
        t = time.perf_counter()
        ru0 = os.times()
        subprocess.run(cmd, check=True, env=env, cwd=ROOT)
        ru1 = os.times()
        wall = time.perf_counter() - t
        cli.append((wall, (ru1.children_user - ru0.children_user) + (ru1.children_system - ru0.children_system)))
    return cli


def bench_large() -> dict:
    from planner.waves import build_plan
    from tests.planner.synthetic_org import POLICY, TARGET, synthetic_org

    graph = synthetic_org(projects=10_000, exposed_services=1500)
    plan = build_plan(graph, TARGET, POLICY)
    docs = synthetic_report_docs(graph, plan, datetime(2024, 1, 8, 9, tzinfo=UTC))
    render = [timed(lambda: render_html(docs))[1:] for _ in range(RUNS)]
    out = Path(tempfile.mkdtemp()) / "large.html"
    out.write_text(render_html(docs), encoding="utf-8")
    return {
        "steps": len(plan.steps),
        "services": sum(len(p["services"]) for p in docs.exposure["projects"]),
        "bytes": out.stat().st_size,
        "render_wall_s": p50([w for w, _ in render]),
        "render_cpu_s": p50([c for _, c in render]),
        "chromium": first_paint(out),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--org", type=Path, default=Path("/tmp/org1"))
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/dw-bench-report"))
    parser.add_argument("--reuse", action="store_true", help="the data dir already holds the org")
    parser.add_argument("--keep", action="store_true", help="leave the embedded server running")
    parser.add_argument("--out", type=Path, default=None, help="write the figures here as JSON")
    args = parser.parse_args()
    result = {"load_average": os.getloadavg(), "org": bench_org(args), "large": bench_large()}
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
