"""Breadth-first walks over dependency graphs, shared by the loaders that compute depths, scopes and
chains."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import TypeVar

N = TypeVar("N", bound=Hashable)


def breadth_first(starts: Iterable[N], successors: Callable[[N], Iterable[N]]) -> Iterator[tuple[N, N | None]]:
    """Each node reachable from ``starts`` once, nearest first, with the node it was first reached
    from (None for a start): the starts in their order, then each node's successors in theirs."""
    seen: set[N] = set()
    queue: deque[N] = deque()
    for node in starts:
        if node not in seen:
            seen.add(node)
            queue.append(node)
            yield node, None
    while queue:
        node = queue.popleft()
        for succ in successors(node):
            if succ not in seen:
                seen.add(succ)
                queue.append(succ)
                yield succ, node
