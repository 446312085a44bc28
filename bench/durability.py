"""What durable writes cost: ingest time with ``appendfsync always`` against ``everysec``.

Usage::

    python bench/durability.py ORG [--runs 3] [--small examples]

``ORG`` is an organisation made by ``bench/synth.py`` (e.g. ``--repos 40 --projects 400 --edges
100000``). For each fsync policy and each shape, a fresh embedded store in a temp directory:

* ``bulk``: the ingest as it runs (a large ingest loads in bulk mode, AOF off, then waits for the
  AOF rewrite that makes it durable);
* ``per-statement``: the same files with bulk mode switched off, so every load statement goes
  through the AOF (the worst case for ``always``: one fsync per statement);
* ``small``: ``--small`` (examples/ by default) loaded with ``--force``, a small ingest that never
  enters bulk mode.

Prints the median wall time of each and the ratio always/everysec.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from planner.ingest import ingest  # noqa: E402
from planner.store import embedded_server  # noqa: E402
from planner.store.embedded import EmbeddedStore  # noqa: E402


@contextlib.contextmanager
def _no_bulk(self: EmbeddedStore) -> Iterator[None]:
    yield


def one(org: Path, policy: str, shape: str, small: Path) -> float:
    """Seconds of one ingest on a fresh store under ``policy``."""
    embedded_server.APPENDFSYNC = policy
    data = Path(tempfile.mkdtemp(prefix="dw-durability-"))
    original = EmbeddedStore.bulk
    try:
        store = EmbeddedStore(data)
        store.reset()
        if shape == "per-statement":
            EmbeddedStore.bulk = _no_bulk  # type: ignore[method-assign]
        started = time.perf_counter()
        if shape == "small":
            for _ in range(10):
                ingest(store, [small], force=True)
        else:
            ingest(store, [org])
        seconds = time.perf_counter() - started
        store.close()
        return seconds
    finally:
        EmbeddedStore.bulk = original  # type: ignore[method-assign]
        embedded_server.stop(data, save=False)
        shutil.rmtree(data, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("org", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--small", type=Path, default=HERE.parent / "examples")
    args = ap.parse_args(argv)
    for shape in ("bulk", "per-statement", "small"):
        medians = {}
        for policy in ("everysec", "always"):
            times = [one(args.org, policy, shape, args.small) for _ in range(args.runs)]
            medians[policy] = statistics.median(times)
            print(f"{shape:<14} {policy:<9} median {medians[policy]:7.2f} s  runs {[round(t, 2) for t in times]}")
        print(f"{shape:<14} always/everysec {medians['always'] / medians['everysec']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
