"""Source scanning speed and memory (issue 15).

Two measurements, both in CPU time of this process (``time.process_time``): the machine is shared
with other sessions, so wall time says more about them than about depwave.

1. **Java on real code**: every ``*.java`` of ``../shared/sources/apache__jspwiki`` (603 files),
   read from disk and scanned (``planner.reachability.scan_files``), calls on inherited fields
   resolved per module; best of ``--runs`` rounds. Files/s per core = files / CPU seconds.
2. **A synthetic 50,000-file monorepo** (``--files``; written once under ``--tree``, seeded):
   Java, Kotlin, TypeScript, Python and Go files shaped like service code (imports, a logger,
   methods calling imported types). The tree is scanned as a stream while only a per-symbol
   count is kept (what ``depwave usage`` needs); the peak RSS (``ru_maxrss``) is sampled every
   ``--every`` files to show that memory stays flat.

Usage::

    .venv/bin/python bench/scan_speed.py [--sources ../shared/sources] [--runs 5]
        [--tree /tmp/depwave-scan-tree] [--files 50000] [--out bench/out/scan_speed.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import tree_sitter  # noqa: E402

from planner.reachability.inherit import resolve_inherited  # noqa: E402
from planner.reachability.scan_files import scan_files, source_files  # noqa: E402


def rss_mib() -> float:
    """Peak resident set size of this process so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def java_speed(root: Path, runs: int) -> dict:
    """Best-of-``runs`` CPU time to read and scan every Java file under ``root``."""
    files = [f for f in source_files(root) if f.suffix == ".java"]
    size = sum(f.stat().st_size for f in files)
    best, calls, sites = float("inf"), 0, 0
    for _ in range(runs):
        start = time.process_time()
        scans = list(scan_files(files, root))
        modules: dict[str, list] = {}
        for s in scans:
            modules.setdefault(s.path.split("/")[0], []).append(s)
        resolved = [s for group in modules.values() for s in resolve_inherited(group)]
        best = min(best, time.process_time() - start)
        calls = sum(len(s.calls) for s in resolved)
        sites = sum(1 for s in resolved for c in s.calls if c.symbol.startswith("org.apache.logging.log4j.Logger."))
    return {
        "files": len(files),
        "bytes": size,
        "cpu_seconds": round(best, 3),
        "files_per_cpu_second": round(len(files) / best),
        "mb_per_cpu_second": round(size / best / 1e6, 2),
        "call_sites": calls,
        "log4j_logger_call_sites": sites,
    }


# ------------------------------------------------------------------------------ synthetic tree

JAVA = """package com.acme.{svc}.{pkg};

import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.acme.{svc}.model.{Type};

public class {Name} {{
    private static final Logger LOG = LogManager.getLogger({Name}.class);
    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, {Type}> cache;

    public {Name}(Map<String, {Type}> cache) {{
        this.cache = cache;
    }}
{methods}}}
"""
JAVA_METHOD = """
    public {Type} handle{i}(String id, List<String> tags) throws Exception {{
        LOG.debug("handle{i} {{}}", id);
        {Type} item = cache.get(id);
        if (item == null) {{
            LOG.warn("missing " + id);
            item = mapper.readValue(tags.get(0), {Type}.class);
            cache.put(id, item);
        }}
        for (String tag : tags) {{
            LOG.trace("tag {{}}", tag.trim());
        }}
        return item;
    }}
"""
KOTLIN = """package com.acme.{svc}.{pkg}

import org.slf4j.LoggerFactory
import com.acme.{svc}.model.{Type}

class {Name}(private val repo: Map<String, {Type}>) {{
    companion object {{ private val log = LoggerFactory.getLogger({Name}::class.java) }}
{methods}}}
"""
KOTLIN_METHOD = """
    fun find{i}(id: String): {Type}? {{
        log.info("find{i} $id")
        val item = repo[id] ?: return null
        log.debug("found {{}}", item)
        return item
    }}
"""
TS = """import {{ Router, Request, Response }} from 'express';
import _ from 'lodash';
import {{ S3Client, GetObjectCommand }} from '@aws-sdk/client-s3';

const s3 = new S3Client({{ region: 'eu-west-1' }});
export const {name} = Router();
{methods}"""
TS_METHOD = """
{name}.get('/item{i}/:id', async (req: Request, res: Response) => {{
  const key = _.trim(req.params.id);
  const out = await s3.send(new GetObjectCommand({{ Bucket: 'b{i}', Key: key }}));
  res.json(_.pick(out, ['ETag', 'ContentType']));
}});
"""
PY = """import logging
import yaml
from flask import request

log = logging.getLogger(__name__)
{methods}"""
PY_METHOD = """

def handler_{i}(path):
    log.info("handler_{i} %s", path)
    with open(path) as fh:
        data = yaml.safe_load(fh)
    return data.get("{i}", request.args.get("q"))
"""
GO = """package {pkg}

import (
\t"encoding/json"
\t"log"
\t"net/http"
)
{methods}"""
GO_METHOD = """
func Handle{i}(w http.ResponseWriter, r *http.Request) {{
\tvar body map[string]any
\tif err := json.NewDecoder(r.Body).Decode(&body); err != nil {{
\t\tlog.Printf("decode %v", err)
\t\thttp.Error(w, err.Error(), http.StatusBadRequest)
\t\treturn
\t}}
\tjson.NewEncoder(w).Encode(body)
}}
"""
#: (share of files, path template, file template, method template)
KINDS = [
    (0.70, "svc{s}/src/main/java/com/acme/svc{s}/p{p}/{Name}.java", JAVA, JAVA_METHOD),
    (0.10, "svc{s}/src/main/kotlin/com/acme/svc{s}/p{p}/{Name}.kt", KOTLIN, KOTLIN_METHOD),
    (0.10, "web{s}/src/routes/p{p}/{name}.ts", TS, TS_METHOD),
    (0.05, "py{s}/app/p{p}/{name}.py", PY, PY_METHOD),
    (0.05, "go{s}/internal/p{p}/{name}.go", GO, GO_METHOD),
]


def _pick(share: float) -> tuple[float, str, str, str]:
    """The kind of file a draw in [0, 1) falls on."""
    for kind in KINDS:
        if share < kind[0]:
            return kind
        share -= kind[0]
    return KINDS[-1]


def write_tree(root: Path, count: int, seed: int = 42) -> int:
    """Write ``count`` synthetic source files under ``root`` (skipped when already there)."""
    marker = root / f".complete-{count}-{seed}"
    if marker.exists():
        return count
    rng = random.Random(seed)
    for n in range(count):
        _, path_t, file_t, method_t = _pick(rng.random())
        svc, pkg = n % 200, (n // 200) % 25
        name = f"Handler{n}"
        fields = {"svc": f"svc{svc}", "pkg": f"p{pkg}", "Name": name, "name": f"handler{n}", "Type": f"Item{n % 50}"}
        methods = "".join(method_t.format(i=i, **fields) for i in range(rng.randint(3, 9)))
        path = root / path_t.format(s=svc, p=pkg, **fields)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(file_t.format(methods=methods, **fields), encoding="utf-8")
    marker.write_text("ok")
    return count


def stream_memory(root: Path, every: int) -> dict:
    """Scan the tree as a stream, keeping only a per-symbol count; peak RSS every ``every`` files."""
    counts: Counter[str] = Counter()
    by_language: Counter[str] = Counter()
    samples = []
    files = 0
    start = time.process_time()
    for scan in scan_files(source_files(root), root):
        files += 1
        by_language[scan.language] += 1
        counts.update(c.symbol for c in scan.calls)
        if files % every == 0:
            samples.append({"files": files, "peak_rss_mib": round(rss_mib(), 1)})
    cpu = time.process_time() - start
    return {
        "files": files,
        "by_language": dict(by_language),
        "cpu_seconds": round(cpu, 1),
        "files_per_cpu_second": round(files / cpu),
        "distinct_symbols": len(counts),
        "call_sites": sum(counts.values()),
        "rss_samples": samples,
        "peak_rss_mib": round(rss_mib(), 1),
    }


def main() -> None:
    """Run both measurements, print them, write JSON."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sources", type=Path, default=ROOT.parent / "shared" / "sources")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tree", type=Path, default=Path("/tmp/depwave-scan-tree"))
    ap.add_argument("--files", type=int, default=50_000)
    ap.add_argument("--every", type=int, default=5_000)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "scan_speed.json")
    args = ap.parse_args()
    result: dict = {
        "python": platform.python_version(),
        "tree_sitter": tree_sitter.__version__ if hasattr(tree_sitter, "__version__") else "",
        "start_rss_mib": round(rss_mib(), 1),
    }
    jspwiki = args.sources / "apache__jspwiki"
    if jspwiki.exists():
        result["java_jspwiki"] = java_speed(jspwiki, args.runs)
        print("java (jspwiki):", json.dumps(result["java_jspwiki"]))
    else:
        print(f"no {jspwiki}: Java speed on real code skipped")
    if args.files:
        t = time.time()
        write_tree(args.tree, args.files)
        print(f"tree: {args.files:,} files under {args.tree} ({time.time() - t:.0f} s to write or find)")
        result["synthetic_tree"] = stream_memory(args.tree, args.every)
        print("synthetic tree:", json.dumps(result["synthetic_tree"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
