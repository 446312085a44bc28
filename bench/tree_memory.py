"""The memory of a whole process tree over time: what "peak RSS of depwave" has to count when depwave
forks worker processes (a big ingest: one per core).

``TreeMemory(roots)`` samples, every ``interval_s`` on a thread, each named root process and all its
descendants from ``/proc`` and keeps, per tree and for all trees at once, the peak of their summed
memory. A tree is read one of two ways:

* ``pss`` (the default): the sum of PSS (proportional set size: a page shared by n processes counts
  1/n in each, so the pages a forked worker shares with its parent count once). Reading it walks the
  page tables (``smaps_rollup``): ~33 ms of CPU for a 1.5 GB process, so a 0.25 s interval over the
  server and the workers took a quarter of a core from the run it measured.
* ``rss``: the root's own VmRSS from ``status`` (cheap), for the embedded server: one process (its
  short-lived fork that rewrites the append-only file shares its pages and is left out).

Each process's own VmHWM says nothing about a tree: the workers' peaks and the parent's need not
coincide, and their shared pages would count twice. Sampling misses a peak shorter than the interval;
at 0.5 s (the default) it catches the load statements' transients, which last seconds.
"""

from __future__ import annotations

import threading
from pathlib import Path


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (children of all its threads, recursively)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                continue
    return out


def vm_rss_kb(pid: int) -> int:
    """VmRSS of one process in kB, from ``status``; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_rss_kb(pid: int) -> tuple[int, int]:
    """(Pss, Rss) of one process in kB, from ``smaps_rollup``; (0, 0) once it is gone."""
    pss = rss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
            elif line.startswith("Rss:"):
                rss = int(line.split()[1])
    except OSError:
        return 0, 0
    return pss, rss


class TreeMemory:
    """Samples process trees' summed PSS and RSS on a thread; a context manager.

    ``roots`` name the trees, e.g. ``{"depwave": os.getpid(), "server": server_pid}``: the peaks are kept
    per tree and for all of them together (the largest sum seen in one sample: what the machine held at
    once, not the sum of peaks that came at different times). ``rss_only`` names the roots read as
    ``rss`` (see the module docstring); their PSS figures are that RSS."""

    def __init__(self, roots: dict[str, int], interval_s: float = 0.5, rss_only: tuple[str, ...] = ()) -> None:
        self.roots = roots
        self.rss_only = set(rss_only)
        self.interval_s = interval_s
        self.peak_pss_kb: dict[str, int] = dict.fromkeys([*roots, "together"], 0)
        self.peak_rss_kb: dict[str, int] = dict.fromkeys([*roots, "together"], 0)
        self.peak_processes = 0
        self.peak_detail: dict[str, list[int]] = {}  # tree -> each process's MiB at the together peak
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval_s)

    def sample(self) -> None:
        """Read the trees once and keep the peaks."""
        total_pss = total_rss = processes = 0
        detail: dict[str, list[int]] = {}
        for name, root in self.roots.items():
            pss = rss = 0
            if name in self.rss_only:
                pss = rss = vm_rss_kb(root)
                processes += 1
                detail[name] = [pss // 1024]
            else:
                for pid in descendants(root):
                    a, b = pss_rss_kb(pid)
                    pss, rss, processes = pss + a, rss + b, processes + 1
                    detail.setdefault(name, []).append(a // 1024)
            self.peak_pss_kb[name] = max(self.peak_pss_kb[name], pss)
            self.peak_rss_kb[name] = max(self.peak_rss_kb[name], rss)
            total_pss, total_rss = total_pss + pss, total_rss + rss
        self.samples += 1
        if total_pss > self.peak_pss_kb["together"]:
            self.peak_pss_kb["together"], self.peak_processes = total_pss, processes
            self.peak_detail = detail
        self.peak_rss_kb["together"] = max(self.peak_rss_kb["together"], total_rss)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def summary(self) -> dict[str, float | int]:
        """Peaks in MiB: ``<tree>_peak_pss_mb`` / ``_rss_mb`` for each tree and ``together``."""
        out: dict[str, float | int] = {}
        for name in self.peak_pss_kb:
            out[f"{name}_peak_pss_mb"] = round(self.peak_pss_kb[name] / 1024, 1)
            out[f"{name}_peak_rss_mb"] = round(self.peak_rss_kb[name] / 1024, 1)
        out["processes_at_peak"] = self.peak_processes
        out["mb_per_process_at_peak"] = self.peak_detail  # type: ignore[assignment]
        out["samples"] = self.samples
        return out
