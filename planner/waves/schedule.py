"""The step graph and its passes: one index (:class:`StepGraph`), bottom levels, pool bounds, waves, critical path."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.policy import Policy

if TYPE_CHECKING:
    from planner.waves.steps import StepDraft as _Step

SECONDS_PER_HOUR = 3600  # the scheduler counts whole seconds


def _seconds(hours: float) -> int:
    """Hours as whole seconds (the scheduler's unit)."""
    return round(hours * SECONDS_PER_HOUR)


def _hours(seconds: float) -> float:
    """Seconds as hours rounded to 4 decimals (the plan's unit)."""
    return round(seconds / SECONDS_PER_HOUR, 4)


def _span_bound(durations: Mapping[int, int], cap: int) -> float:
    """The least time ``cap`` slots need for jobs of these durations (duration -> count), whatever the order.

    Two valid bounds, the larger wins: the work spread evenly, ``work / cap``; and, for every duration
    ``d``, the jobs at least ``d`` long: at most ``cap`` run at once, so (a set of intervals with at most
    ``cap`` overlapping fits on ``cap`` lines) one slot runs ``ceil(n / cap)`` of them one after another.
    Three 1 h builds on two slots take 2 h, not 1.5 h."""
    work = sum(d * n for d, n in durations.items())
    best: float = work / cap
    at_least = 0
    for d in sorted(durations, reverse=True):
        at_least += durations[d]
        best = max(best, math.ceil(at_least / cap) * d)
    return best


#: pools with more (distinct head × distinct tail) pairs than this get the one-sided sweeps only
PAIRED_BOUND_LIMIT = 10_000


def _pool_bound(jobs: list[tuple[int, int, int]], cap: int) -> float:
    """Best ``h + span + q`` over the pool's jobs with head ≥ h and tail ≥ q (head: earliest start; tail:
    the longest path after the job), where the span is :func:`_span_bound` of those jobs: none of them
    starts before ``h``, and the last to finish has at least ``q`` to go.

    Every pair of thresholds is tried when the pool has few distinct heads and tails (plans count quarter
    hours, so most do); otherwise heads alone and tails alone (still a valid bound, a looser one)."""
    heads = {j[0] for j in jobs}
    tails = {j[1] for j in jobs}
    if len(heads) * len(tails) > PAIRED_BOUND_LIMIT:
        return max(_one_sided_bound(jobs, cap, 0), _one_sided_bound(jobs, cap, 1))
    best: float = 0
    by_tail: dict[int, Counter[int]] = {}
    ordered = sorted(jobs, key=lambda j: -j[0])
    for k, (h, q, d) in enumerate(ordered):
        by_tail.setdefault(q, Counter())[d] += 1
        if k + 1 < len(ordered) and ordered[k + 1][0] == h:
            continue  # add every job of this head before measuring
        durations: Counter[int] = Counter()
        for tail in sorted(by_tail, reverse=True):
            durations.update(by_tail[tail])
            best = max(best, h + _span_bound(durations, cap) + tail)
    return best


def _one_sided_bound(jobs: list[tuple[int, int, int]], cap: int, side: int) -> float:
    """Best ``min head + span + min tail`` over the jobs with head ≥ h (``side`` 0) or tail ≥ q (1)."""
    best: float = 0
    durations: Counter[int] = Counter()
    least_other = math.inf
    for job in sorted(jobs, key=lambda j: -j[side]):
        durations[job[2]] += 1
        least_other = min(least_other, job[1 - side])
        best = max(best, job[side] + _span_bound(durations, cap) + least_other)
    return best


@dataclass(frozen=True, slots=True)
class StepGraph:
    """One index over a list of steps: positions by id, successor lists, in-degrees and a topological order.

    Dependencies on steps outside the list count as done (they are not edges). Built once per step list and
    shared by every pass over it (earliest starts, bottom levels, the list scheduler, waves, bounds)."""

    steps: Sequence[_Step]
    index: Mapping[str, int]
    succ: tuple[tuple[int, ...], ...]
    indeg: tuple[int, ...]
    order: tuple[int, ...]

    @classmethod
    def of(cls, steps: Sequence[_Step]) -> StepGraph:
        """The index of ``steps`` (an acyclic step graph)."""
        n = len(steps)
        index = {s.id: i for i, s in enumerate(steps)}
        succ: list[list[int]] = [[] for _ in range(n)]
        indeg = [0] * n
        for i, s in enumerate(steps):
            for d in s.deps:
                j = index.get(d)
                if j is not None:
                    succ[j].append(i)
                    indeg[i] += 1
        left = list(indeg)
        order = [i for i in range(n) if left[i] == 0]
        k = 0
        while k < len(order):
            i = order[k]
            k += 1
            for j in succ[i]:
                left[j] -= 1
                if left[j] == 0:
                    order.append(j)
        if len(order) != n:  # pragma: no cover - the step graph is acyclic by construction
            raise AssertionError("the step graph has a cycle")
        return cls(steps, index, tuple(map(tuple, succ)), tuple(indeg), tuple(order))

    def bottom_levels(self) -> list[int]:
        """Longest path (with durations) from each step to the end, its own duration included."""
        bottom = [0] * len(self.steps)
        for i in reversed(self.order):
            bottom[i] = self.steps[i].seconds + max((bottom[j] for j in self.succ[i]), default=0)
        return bottom


def _merge_windows(policy: Policy) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    for f in policy.freeze:
        out.setdefault(f.environment, []).append((_seconds(f.start), _seconds(f.end)))
    for env, windows in out.items():
        merged: list[tuple[int, int]] = []
        for s, e in sorted(windows):
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        out[env] = merged
    return out


def _waves(graph: StepGraph, after: int = 0) -> dict[str, int]:
    """Topological levels (deps outside the graph's steps count as done), numbered from ``after + 1``."""
    steps, index = graph.steps, graph.index
    wave = [after + 1] * len(steps)
    for i in graph.order:
        s = steps[i]
        wave[i] = 1 + max((wave[index[d]] for d in s.deps if d in index), default=after)
    return {s.id: w for s, w in zip(steps, wave, strict=True)}


def _critical_path(steps: list[_Step], start: Mapping[str, int], finish: Mapping[str, int]) -> tuple[str, ...]:
    """A chain of steps ending at the makespan, each starting when its predecessor on the chain finishes."""
    if not steps:
        return ()
    fix = [s for s in steps if s.phase == "fix"]
    if not fix:
        return ()
    by_id = {s.id: s for s in fix}
    last = min(fix, key=lambda s: (-finish[s.id], s.id))
    chain = [last.id]
    while True:
        s = by_id[chain[-1]]
        preds = sorted((d for d in s.deps if d in by_id and finish[d] == start[s.id]), key=lambda d: d)
        if not preds:
            break
        chain.append(preds[0])
    return tuple(reversed(chain))
