"""Is what the embedded server took durable? Its persistence state (``INFO persistence``) read and judged.

Redis keeps accepting writes after it failed to write them to disk in several ways: an append-only
file switched back on after a bulk load whose rewrite failed (the AOF then takes nothing until a
rewrite succeeds), an AOF write error under ``appendfsync everysec``, a failed background RDB save.
Every write path of depwave asks :func:`problem` after writing and, where a rewrite or save it hangs on
is running, :func:`wait_durable` waits for it, so that nothing is reported as loaded or saved that a restart would lose.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from planner.errors import StoreNotDurable

#: how long an ingest waits for the store to write its data to disk after a bulk load
DURABLE_WAIT_S = 600.0
#: bytes of the server log read to find why it failed
_LOG_TAIL_BYTES = 64 * 1024


def problem(info: dict[str, Any]) -> str | None:
    """Why the writes the server holds are not (or may not become) durable, or None.

    ``info`` is ``INFO persistence``. A rewrite or save still running is not a problem here
    (:func:`busy` tells it apart); a failed one is, until a later one succeeds.
    """
    if info.get("aof_last_write_status", "ok") != "ok":
        return "writing its append-only file failed"
    if info.get("rdb_last_bgsave_status", "ok") != "ok":
        return "its last snapshot (RDB save) failed"
    if (
        info.get("aof_enabled")
        and info.get("aof_last_bgrewrite_status", "ok") != "ok"
        and not info.get("aof_rewrite_in_progress")
    ):
        return "rewriting its append-only file failed"
    return None


def busy(info: dict[str, Any]) -> bool:
    """Whether an AOF rewrite or an RDB save is running or scheduled (its outcome is not known yet)."""
    return bool(
        info.get("aof_rewrite_in_progress") or info.get("aof_rewrite_scheduled") or info.get("rdb_bgsave_in_progress")
    )


def awaited(info: dict[str, Any]) -> bool:
    """Whether what the server holds becomes durable only once a running or scheduled write to disk
    ends: an AOF rewrite; an RDB save when the AOF is off (the snapshot is then the file a restart
    reads) or when the last save failed (this one's outcome says whether that is over).

    A save the server's save points started while the AOF is on and current is not waited for: a
    restart reads the AOF, and after every bulk ingest the save points start one at once (the load
    left millions of changes unsaved), 15 s of forked snapshot at 10M edges (BENCHMARKS.md)."""
    if info.get("aof_rewrite_in_progress") or info.get("aof_rewrite_scheduled"):
        return True
    return bool(
        info.get("rdb_bgsave_in_progress")
        and (not info.get("aof_enabled") or info.get("rdb_last_bgsave_status", "ok") != "ok")
    )


def log_reason(data_dir: Path) -> str | None:
    """The last warning the server logged (``pid:M date # message``), e.g. ``No space left on device``."""
    log = Path(data_dir) / "falkordb.log"
    try:
        with open(log, "rb") as fh:
            size = fh.seek(0, 2)
            fh.seek(max(0, size - _LOG_TAIL_BYTES))
            tail = fh.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    warnings = []
    for line in tail:
        head, sep, message = line.partition(" # ")
        if sep and head[:1].isdigit():
            warnings.append(message.strip()[:300])
    # the last one that names a cause ("Write error ... on disk: No space left on device") rather than
    # a consequence ("Background AOF rewrite terminated with error")
    caused = [w for w in warnings if "rror" in w and ": " in w]
    return (caused or warnings or [None])[-1]


def not_durable(data_dir: Path, why: str) -> StoreNotDurable:
    """The error (exit 4) saying what is wrong, what the server logged and what to do."""
    logged = log_reason(data_dir)
    said = f" (its log says: {logged})" if logged else ""
    return StoreNotDurable(
        f"the embedded store cannot save to disk: {why}{said}. What was written since is only in its memory "
        f"and is not reported as done. Free space on the disk of {data_dir} (or fix what the log says), "
        "then run the same command again; `depwave db stop` will not stop the store without saving"
    )


def wait_durable(
    info: Callable[[], dict[str, Any]],
    repair: Callable[[dict[str, Any]], None],
    data_dir: Path,
    timeout_s: float = DURABLE_WAIT_S,
) -> None:
    """Wait while a rewrite or save runs that durability hangs on (:func:`awaited`); when one failed,
    ask for one more (``repair``) once and wait for it; raise :class:`StoreNotDurable` when the data
    still cannot be saved or ``timeout_s`` passes."""
    deadline = time.monotonic() + timeout_s
    repaired = False
    delay = 0.02
    while True:
        state = info()
        if not awaited(state):
            why = problem(state)
            if why is None:
                return
            if repaired:
                raise not_durable(data_dir, why)
            repair(state)
            repaired = True
        elif (
            state.get("aof_rewrite_scheduled")
            and not state.get("aof_rewrite_in_progress")
            and not state.get("rdb_bgsave_in_progress")
            and problem(state)
        ):
            if repaired:  # redis retries a failed rewrite later on its own; the outcome is known now
                raise not_durable(data_dir, problem(state) or "")
            repair(state)
            repaired = True
        if time.monotonic() > deadline:
            raise not_durable(data_dir, f"it was still saving after {timeout_s:.0f} s")
        time.sleep(delay)
        delay = min(delay * 2, 0.5)
