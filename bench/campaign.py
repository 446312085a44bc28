"""How long recording a large campaign takes: ``save_campaign`` of N steps into a fresh embedded store,
the same again (what ``campaign start --replace`` does), and marking steps.

    python bench/campaign.py --steps 8000 [--no-index]

``--no-index`` drops the Campaign / CampaignStep key indexes first, to show what they are for: without
them every MERGE of a step scans every recorded step, so saving a campaign again is quadratic.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from planner.store import embedded_server
from planner.store.embedded import EmbeddedStore

DROP = ("DROP INDEX FOR (n:CampaignStep) ON (n.key)", "DROP INDEX FOR (n:Campaign) ON (n.key)")


def steps(n: int) -> list[dict[str, object]]:
    """N steps shaped like the planner's (edit steps over 300 repositories, 7 waves)."""
    return [
        {
            "key": f"bench/edit:r{i % 300}/p{i}",
            "props": {
                "id": f"edit:r{i % 300}/p{i}",
                "kind": "edit",
                "project": f"p{i}",
                "repo": f"r{i % 300}",
                "service": None,
                "environment": None,
                "wave": i % 7,
                "change": "<log4j2.version>2.17.1</log4j2.version>",
                "location": "pom.xml:32",
                "owners": [f"@acme/team{i % 40}"],
            },
        }
        for i in range(n)
    ]


def main() -> None:
    """Run the benchmark and print one line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=8000)
    ap.add_argument("--no-index", action="store_true")
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="depwave-bench-campaign-"))
    store = EmbeddedStore(data)
    try:
        store.reset()
        store.ensure_schema()
        if args.no_index:
            for q in DROP:
                store.run(q, {}, write=True)
        params = {"key": "bench", "at": "2026-12-05T08:00:00+00:00", "by": "bench", "props": {"package": "p"}}
        rows = steps(args.steps)
        t = time.perf_counter()
        store.write("save_campaign", {**params, "steps": rows})
        save = time.perf_counter() - t
        t = time.perf_counter()
        store.write("save_campaign", {**params, "steps": rows})
        again = time.perf_counter() - t
        t = time.perf_counter()
        for row in rows[:: max(1, args.steps // 100)]:
            mark = {"campaign": "bench", "id": row["props"]["id"], "state": "done", "at": "x", "by": "bench"}  # type: ignore[index]
            store.write("mark_campaign_step", {**mark, "note": None, "pr": None, "issue": None})
        marks = time.perf_counter() - t
        index = "without indexes" if args.no_index else "with indexes"
        print(f"{args.steps} steps {index}: save {save:.2f} s, save again {again:.2f} s, 100 marks {marks:.2f} s")
    finally:
        store.close()
        embedded_server.stop(data)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
