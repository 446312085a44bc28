"""bench/tree_memory.py counts a forked worker's own memory and the pages it shares with its parent once."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from tree_memory import TreeMemory

MB = 2**20


def _touch(size: int) -> bytearray:
    block = bytearray(size)
    for i in range(0, size, 4096):  # resident, page by page
        block[i] = 1
    return block


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="needs Linux /proc")
def test_shared_pages_count_once_and_a_workers_own_memory_counts() -> None:
    shared = _touch(200 * MB)  # in the parent, then shared with the forked child until written
    before = TreeMemory({"tree": os.getpid()})
    before.sample()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child
        own = _touch(150 * MB)
        os.write(write, b"x")
        time.sleep(30)
        del own
        os._exit(0)
    try:
        assert os.read(read, 1) == b"x"
        tree = TreeMemory({"tree": os.getpid(), "server": child}, rss_only=("server",))
        tree.sample()
        pss = tree.peak_pss_kb["tree"] / 1024
        rss = tree.peak_rss_kb["tree"] / 1024
        base = before.peak_pss_kb["tree"] / 1024
        # the child's 150 MB counted, the shared 200 MB once (PSS), twice in the summed RSS
        assert base + 120 < pss < base + 190
        assert rss > pss + 150
        # a root read as RSS: the child alone, its shared and own pages (no descendants)
        assert tree.peak_rss_kb["server"] / 1024 > 330
        assert tree.peak_pss_kb["together"] == tree.peak_pss_kb["tree"] + tree.peak_pss_kb["server"]
    finally:
        os.kill(child, 9)
        os.waitpid(child, 0)
        del shared
