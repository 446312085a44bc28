"""bench/run.py's verdicts and table: which targets a run met, and the results as text for people."""

from __future__ import annotations

from typing import Any

TARGET_EDGES_PER_S = 50_000
TARGET_P50_MS = 50.0
TARGET_RSS_MB = 1.5e9 / 2**20  # 1.5 GB (decimal) = 1430.5 MiB; figures are MiB


def evaluate(r: dict[str, Any]) -> dict[str, Any]:
    """Each target of the benchmark with the measured value and whether it was met."""
    ing = r["ingest"]
    dep = r["dependents"]
    mem = r["memory"]
    redis_hwm = mem.get("redis_server", {}).get("VmHWM")
    together = mem.get("tree", {}).get("together_peak_pss_mb")
    return {
        "ingest >= 50,000 edges/s": {"value": ing["edges_per_s"], "met": ing["edges_per_s"] >= TARGET_EDGES_PER_S},
        "dependents log4j-core p50 < 50 ms": {
            "value": dep["log4j-core"]["p50_ms"],
            "met": dep["log4j-core"]["p50_ms"] < TARGET_P50_MS,
        },
        "dependents p50 < 50 ms (every target)": {
            "value": {k: v["p50_ms"] for k, v in dep.items()},
            "met": all(v["p50_ms"] < TARGET_P50_MS for v in dep.values()),
        },
        # depwave (this process and its ingest workers, PSS) and the embedded server (RSS) at once, sampled
        # (bench/tree_memory.py); a run from before the sampler has only the per-process peaks
        "peak memory, depwave + store together < 1.5 GB (1430.5 MiB)": {
            "value": together,
            "met": together is not None and together < TARGET_RSS_MB,
        },
        "python peak RSS (this process alone, not its workers)": {"value": mem["python_peak_rss_mb"]},
        **(
            {"redis-server peak RSS (VmHWM)": {"value": redis_hwm}}
            if r["args"].get("store", "embedded") == "embedded"
            else {}
        ),
    }


def table(r: dict[str, Any]) -> str:
    """The results of one run as a text table, section by section."""
    lines = [
        *_header_lines(r),
        *_ingest_lines(r),
        *_reingest_lines(r),
        *_dependents_lines(r),
        *_memory_lines(r),
        *_networkx_lines(r),
        *_targets_lines(r),
    ]
    return "\n".join(lines)


def _header_lines(r: dict[str, Any]) -> list[str]:
    m = r["machine"]
    o = r["org"]
    return [
        f"machine: {m.get('cpu', '?')}, nproc={m['nproc']}, python {m['python']}",
        f"org: {o['repos']:,} repos, {o['projects']:,} projects, {o['total_components']:,} components "
        f"(RESOLVES), {o['expected']['edges_written'] or 0:,} source-stamped edges expected (0 = not predicted)",
    ]


def _ingest_lines(r: dict[str, Any]) -> list[str]:
    i = r["ingest"]
    L = [
        "",
        f"INGEST ({r.get('store', {}).get('store', 'embedded')} store)",
        f"  wall                     {i['seconds']:>12,.2f} s",
        f"  files/s                  {i['files_per_s']:>12,.1f}",
        f"  edges written            {i['edges_written']:>12,}   -> {i['edges_per_s']:,} edges/s",
        f"  RESOLVES                 {i['store_stats']['relationships'].get('RESOLVES', 0):>12,}   -> {i['resolves_per_s']:,} /s",
        f"  relationships in store   {i['relationships_in_store']:>12,}   -> {i['relationships_per_s']:,} /s",
        f"  nodes in store           {i['nodes_in_store']:>12,}",
        f"  checks                   {', '.join(k + ('' if v else ' FAILED') for k, v in i['checks'].items())}",
        "  where the time went:",
    ]
    for k, v in i["breakdown"].items():
        share = 100 * v["s"] / i["seconds"] if i["seconds"] else 0
        L.append(f"    {k:<48} {v['s']:>9,.2f} s {share:5.1f}%  ({v['calls']:,} calls)")
    if i.get("server_ms"):
        L.append(
            "  FalkorDB-reported execution time: "
            + ", ".join(f"{k} {v / 1000:,.1f} s" for k, v in i["server_ms"].items())
        )
    return L


def _reingest_lines(r: dict[str, Any]) -> list[str]:
    g = r["reingest"]
    return [
        "",
        f"RE-INGEST (unchanged)      {g['seconds']:>12,.2f} s   all skipped: {g['all_skipped']}  ({g['files_per_s']:,} files/s)",
    ]


def _dependents_lines(r: dict[str, Any]) -> list[str]:
    nx = r.get("networkx", {})
    L = ["", "DEPENDENTS                       count  expected  depwave p50 / p95 ms   rounds   networkx p50 / p95 ms"]
    for k, v in r["dependents"].items():
        n = nx.get("dependents", {}).get(k, {})
        if "error" in v:
            L.append(f"  {k:<24} ERROR {v['error']}")
            continue
        L.append(
            f"  {k:<24} {v['count']:>9,} {v['expected'] or 0:>9,}  {v['p50_ms']:>10,.1f} / {v['p95_ms']:<9,.1f}"
            f" {v['bfs_rounds']:>6}   {n.get('p50_ms', float('nan')):>10,.2f} / {n.get('p95_ms', float('nan')):<8,.2f}"
            f" (nx count {n.get('count', '?')}; {v['runs']} runs, {v['rows_returned']:,} rows/answer)"
        )
    lg = r["dependents"].get("log4j-core", {})
    L.append(
        f"  log4j-core answer includes the deepest service: {lg.get('includes_deepest_service')} "
        f"(depth {lg.get('deepest_service_depth')}, max depth {lg.get('max_depth')})"
    )
    return L


def _memory_lines(r: dict[str, Any]) -> list[str]:
    mem = r["memory"]
    after_ingest = r["ingest"].get("python_peak_rss_mb_after_ingest", float("nan"))
    L = [
        "",
        "MEMORY",
        f"  python peak RSS          {mem['python_peak_rss_mb']:>10,.1f} MB   (after ingest: "
        f"{after_ingest:,.1f} MB; the rest is dependents answers)",
    ]
    rs = mem.get("redis_server", {})
    if rs:
        L.append(
            f"  redis-server peak RSS    {rs.get('VmHWM', float('nan')):>10,.1f} MB   (RSS at end {rs.get('VmRSS', float('nan')):,.1f} MB)"
        )
    tree = mem.get("tree")
    if tree:
        L.append(
            f"  depwave + store at once  {tree['together_peak_pss_mb']:>10,.1f} MB   (depwave tree PSS "
            f"{tree['depwave_peak_pss_mb']:,.1f}, server RSS {tree.get('server_peak_pss_mb', float('nan')):,.1f}; "
            f"sampled every 0.5 s)"
        )
    gm = mem.get("graph_memory_usage_mb")
    if isinstance(gm, dict):
        L.append(f"  GRAPH.MEMORY USAGE       {gm.get('total_graph_sz_mb', '?'):>10} MB total graph")
    if "used_memory_peak_mb" in mem:
        L.append(f"  redis used_memory_peak   {mem['used_memory_peak_mb']:>10,.1f} MB")
    if "data_dir_mb" in mem:
        L.append(f"  data dir on disk         {mem['data_dir_mb']:>10,.1f} MB (RDB + AOF)")
    return L


def _networkx_lines(r: dict[str, Any]) -> list[str]:
    nx = r.get("networkx", {})
    if "error" in nx:
        return [f"NETWORKX failed: {nx['error']}"]
    if not nx:
        return []
    return [
        "",
        "NETWORKX BASELINE",
        f"  build                    {nx['build_s']:>10,.2f} s   ({nx['edges']:,} distinct edges, {nx['edges_per_s']:,}/s;"
        f" {nx['edge_rows']:,} edge rows, {nx['edge_rows_per_s']:,}/s; json parse {nx['json_parse_s']:.1f} s)",
        f"  peak RSS                 {nx['peak_rss_mb']:>10,.1f} MB   (delta {nx['peak_rss_delta_mb']:,.1f} MB)",
    ]


def _targets_lines(r: dict[str, Any]) -> list[str]:
    L = ["", "TARGETS"]
    for k, v in r["targets"].items():
        verdict = "      " if "met" not in v else "MET   " if v["met"] else "MISSED"  # no "met": a figure
        L.append(f"  {verdict} {k}: {v['value']}")
    L.append(f"embedded server stopped: {r.get('server_stopped')}")
    return L
