"""Scheduling a step graph: earliest starts, critical-path list scheduling under CI capacity and freeze
windows, and the lower bound. Knows steps, capacities and windows; nothing about build tools or strategies."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.policy import Policy
from planner.waves.schedule import StepGraph, _merge_windows, _pool_bound

if TYPE_CHECKING:
    from planner.waves.steps import StepDraft as _Step

_Key = tuple[int, int, str]  # ready-queue priority: -bottom level, not urgent, step id


@dataclass(frozen=True, slots=True)
class ScheduleRules:
    """What constrains a schedule: the policy's capacities, its freeze windows (in seconds, merged) and the
    projects whose steps win ties (reachable and in production)."""

    policy: Policy
    freeze: Mapping[str, list[tuple[int, int]]]
    urgent: frozenset[str]

    @classmethod
    def of(cls, policy: Policy, urgent: frozenset[str]) -> ScheduleRules:
        """The rules of one policy."""
        return cls(policy, _merge_windows(policy), urgent)

    def unfrozen(self, s: _Step, t: int) -> int:
        """The earliest start at or after ``t`` such that a deploy does not overlap a freeze window."""
        if s.kind != "deploy" or s.environment not in self.freeze:
            return t
        d = max(s.seconds, 1)
        for ws, we in self.freeze[s.environment]:
            if we <= t:
                continue
            if t + d <= ws:
                break
            t = we
        return t


def heads(graph: StepGraph, rules: ScheduleRules) -> list[int]:
    """Earliest starts with unlimited capacity, freeze windows respected (an exact ASAP schedule)."""
    steps, index = graph.steps, graph.index
    out = [0] * len(steps)
    for i in graph.order:
        s = steps[i]
        t = max((out[index[d]] + steps[index[d]].seconds for d in s.deps if d in index), default=0)
        out[i] = rules.unfrozen(s, t)
    return out


def critical_path_length(graph: StepGraph, rules: ScheduleRules) -> int:
    """The makespan with unlimited capacity (freeze windows respected)."""
    return max((h + s.seconds for h, s in zip(heads(graph, rules), graph.steps, strict=True)), default=0)


class _ListScheduler:
    """The state of one list-scheduling run: ready, pending (frozen), running and capacity-blocked steps."""

    def __init__(self, graph: StepGraph, rules: ScheduleRules) -> None:
        steps = graph.steps
        self.graph = graph
        self.rules = rules
        prio = graph.bottom_levels()
        # ready steps go longest remaining path first; among equals, the steps of production services
        # whose code calls the vulnerable symbols (reachability), then by id
        urgent = rules.urgent
        self.key: list[_Key] = [
            (-prio[i], 0 if any(m in urgent for m in s.members) else 1, s.id) for i, s in enumerate(steps)
        ]
        self.org = rules.policy.capacity
        self.repo_cap: dict[str, int | None] = {}
        for s in steps:
            if s.ci:
                for r in s.repos:
                    if r not in self.repo_cap:
                        self.repo_cap[r] = rules.policy.repo_capacity(r)
        self.start = [0] * len(steps)
        self.finish = [0] * len(steps)
        self.indeg = list(graph.indeg)
        self.ready: list[tuple[_Key, int]] = []
        self.pending: list[tuple[int, _Key, int]] = []
        self.running: list[tuple[int, int]] = []
        self.blocked: dict[str, list[tuple[_Key, int]]] = defaultdict(list)
        self.used = 0
        self.repo_used: dict[str, int] = defaultdict(int)

    def begin(self, i: int, t: int) -> None:
        """Start step ``i`` at ``t``, taking its CI slots."""
        s = self.graph.steps[i]
        self.start[i] = t
        self.finish[i] = t + s.seconds
        heapq.heappush(self.running, (self.finish[i], i))
        if s.ci:
            self.used += 1
            for r in s.repos:
                self.repo_used[r] += 1

    def release(self, i: int, t: int) -> None:
        """Step ``i``'s dependencies are done at ``t``: wait for a window, queue for a slot, or start."""
        s = self.graph.steps[i]
        r = self.rules.unfrozen(s, t)
        if r > t:
            heapq.heappush(self.pending, (r, self.key[i], i))
        elif s.ci:
            heapq.heappush(self.ready, (self.key[i], i))
        else:
            self.begin(i, t)

    def start_ready(self, t: int) -> None:
        """Start ready steps in priority order while org-wide and per-repository slots allow."""
        while self.ready and (self.org is None or self.used < self.org):
            item = heapq.heappop(self.ready)
            i = item[1]
            s = self.graph.steps[i]
            r = self.rules.unfrozen(s, t)
            if r > t:
                heapq.heappush(self.pending, (r, item[0], i))
                continue
            cap = self.repo_cap
            full = next((x for x in s.repos if (c := cap.get(x)) is not None and self.repo_used[x] >= c), None)
            if full is not None:
                heapq.heappush(self.blocked[full], item)
                continue
            self.begin(i, t)

    def complete(self, i: int, t: int) -> None:
        """Step ``i`` finishes at ``t``: free its slots, unblock waiting steps, release its successors."""
        s = self.graph.steps[i]
        if s.ci:
            self.used -= 1
            for r in s.repos:
                self.repo_used[r] -= 1
                waiting = self.blocked.get(r)
                while waiting:
                    item = heapq.heappop(waiting)
                    heapq.heappush(self.ready, item)
                    if len(self.graph.steps[item[1]].repos) == 1:
                        break
        for j in self.graph.succ[i]:
            self.indeg[j] -= 1
            if self.indeg[j] == 0:
                self.release(j, t)

    def run(self, t0: int) -> tuple[list[int], list[int]]:
        """Schedule every step from ``t0``; start and finish per step position."""
        t = t0
        for i in range(len(self.graph.steps)):
            if self.indeg[i] == 0:
                self.release(i, t)
        while True:
            while self.pending and self.pending[0][0] <= t:
                self.release(heapq.heappop(self.pending)[2], t)
            self.start_ready(t)
            if not self.running and not self.pending:
                break
            t = min(self.running[0][0] if self.running else math.inf, self.pending[0][0] if self.pending else math.inf)
            while self.running and self.running[0][0] == t:
                self.complete(heapq.heappop(self.running)[1], t)
        if self.ready or any(self.blocked.values()):
            raise AssertionError("the scheduler left steps unscheduled")  # pragma: no cover
        return self.start, self.finish


def schedule(graph: StepGraph, rules: ScheduleRules, t0: int) -> tuple[list[int], list[int]]:
    """Critical-path list scheduling under CI capacity and freeze windows (deps outside the graph are done)."""
    return _ListScheduler(graph, rules).run(t0)


def lower_bound(graph: StepGraph, rules: ScheduleRules) -> float:
    """Max of the critical path and, per capacity pool, ``head + span + tail`` over the pool's jobs that start
    late and end early (:func:`~planner.waves.schedule._pool_bound`), rounded up to the time grid."""
    steps = graph.steps
    policy = rules.policy
    starts = heads(graph, rules)
    bottoms = graph.bottom_levels()
    best: float = max((h + s.seconds for h, s in zip(starts, steps, strict=True)), default=0)
    pools: dict[str | None, list[int]] = defaultdict(list)
    for i, s in enumerate(steps):
        if not s.ci:
            continue
        if policy.capacity is not None:
            pools[None].append(i)
        for r in s.repos:
            if policy.repo_capacity(r) is not None:
                pools[r].append(i)
    for pool, items in pools.items():
        cap = policy.capacity if pool is None else policy.repo_capacity(pool)
        assert cap is not None
        jobs = [(starts[i], bottoms[i] - steps[i].seconds, steps[i].seconds) for i in items]
        best = max(best, _pool_bound(jobs, cap))
    grid = _time_grid(graph, rules)
    return math.ceil(best / grid - 1e-9) * grid if grid else best


def _time_grid(graph: StepGraph, rules: ScheduleRules) -> int:
    """The greatest common divisor of every duration and freeze-window bound (seconds), 0 for none.

    Any schedule can be shifted left until each step starts at 0, at a window's end or when a step ends
    (a dependency, or the slot it waits for), without finishing later. Its starts and finishes are then
    sums of these numbers, so the shortest makespan is a multiple of their divisor, and a lower bound can
    be rounded up to one: 11.925 h of quarter-hour steps means 12 h."""
    numbers = {s.seconds for s in graph.steps}
    numbers.update(t for windows in rules.freeze.values() for w in windows for t in w)
    return math.gcd(*numbers)
