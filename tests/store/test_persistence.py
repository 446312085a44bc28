"""Judging the server's persistence state (INFO persistence) and its log: table tests, no server."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.errors import StoreNotDurable
from planner.store import persistence

OK = {
    "aof_enabled": 1,
    "aof_rewrite_in_progress": 0,
    "aof_rewrite_scheduled": 0,
    "aof_last_bgrewrite_status": "ok",
    "aof_last_write_status": "ok",
    "rdb_bgsave_in_progress": 0,
    "rdb_last_bgsave_status": "ok",
}


@pytest.mark.parametrize(
    ("change", "problem", "busy", "awaited"),
    [
        ({}, None, False, False),
        ({"aof_last_write_status": "err"}, "writing its append-only file failed", False, False),
        ({"rdb_last_bgsave_status": "err"}, "its last snapshot (RDB save) failed", False, False),
        # what a full disk left after a bulk load: the rewrite failed and is scheduled again
        (
            {"aof_last_bgrewrite_status": "err", "aof_rewrite_scheduled": 1},
            "rewriting its append-only file failed",
            True,
            True,
        ),
        ({"aof_last_bgrewrite_status": "err", "aof_rewrite_in_progress": 1}, None, True, True),  # being retried
        ({"aof_last_bgrewrite_status": "err", "aof_enabled": 0}, None, False, False),  # an old failure, AOF off
        ({"aof_rewrite_in_progress": 1}, None, True, True),
        # a snapshot the save points started: the AOF, on and current, is what a restart reads
        ({"rdb_bgsave_in_progress": 1}, None, True, False),
        ({"rdb_bgsave_in_progress": 1, "aof_enabled": 0}, None, True, True),  # the snapshot is the only file
        # a retry of a failed snapshot: its outcome says whether the failure is over
        (
            {"rdb_bgsave_in_progress": 1, "rdb_last_bgsave_status": "err"},
            "its last snapshot (RDB save) failed",
            True,
            True,
        ),
    ],
)
def test_problem_busy_and_awaited(change: dict, problem: str | None, busy: bool, awaited: bool) -> None:
    state = OK | change
    assert persistence.problem(state) == problem
    assert persistence.busy(state) is busy
    assert persistence.awaited(state) is awaited


LOG = """\
11998:M 05 Dec 2026 07:38:54.688 * Background append only file rewriting started by pid 12138
12138:C 05 Dec 2026 07:38:54.838 # Write error writing append only file on disk: No space left on device
12138:C 05 Dec 2026 07:38:54.838 * <graph> Deleted 3 virtual keys for graph depwave
11998:M 05 Dec 2026 07:38:54.933 # Background AOF rewrite terminated with error
11998:M 05 Dec 2026 07:38:54.933 * Removing the temp incr aof file temp-appendonly.aof.incr in the background
"""


def test_log_reason_prefers_the_cause(tmp_path: Path) -> None:
    (tmp_path / "falkordb.log").write_text(LOG)
    assert persistence.log_reason(tmp_path) == "Write error writing append only file on disk: No space left on device"
    (tmp_path / "falkordb.log").write_text(LOG.splitlines()[3] + "\n")
    assert persistence.log_reason(tmp_path) == "Background AOF rewrite terminated with error"
    assert persistence.log_reason(tmp_path / "none") is None


def test_wait_durable_repairs_once_then_gives_up(tmp_path: Path) -> None:
    states = iter(
        [OK | {"aof_last_bgrewrite_status": "err", "aof_rewrite_scheduled": 1}, OK | {"aof_rewrite_in_progress": 1}]
    )
    failed = OK | {"aof_last_bgrewrite_status": "err", "aof_rewrite_scheduled": 1}
    repairs: list[dict] = []
    with pytest.raises(StoreNotDurable, match="rewriting its append-only file failed"):
        persistence.wait_durable(lambda: next(states, failed), repairs.append, tmp_path, timeout_s=5)
    assert len(repairs) == 1


def test_wait_durable_returns_when_the_retry_succeeds(tmp_path: Path) -> None:
    states = iter(
        [OK | {"aof_last_bgrewrite_status": "err", "aof_rewrite_scheduled": 1}, OK | {"aof_rewrite_in_progress": 1}]
    )
    repairs: list[dict] = []
    persistence.wait_durable(lambda: next(states, OK), repairs.append, tmp_path, timeout_s=5)
    assert len(repairs) == 1


def test_wait_durable_does_not_wait_for_a_snapshot_while_the_aof_is_current(tmp_path: Path) -> None:
    asked: list[int] = []

    def info() -> dict:
        asked.append(1)
        return OK | {"rdb_bgsave_in_progress": 1}

    persistence.wait_durable(info, lambda state: pytest.fail("nothing to repair"), tmp_path, timeout_s=0.1)
    assert len(asked) == 1


def test_wait_durable_waits_for_the_retry_of_a_failed_snapshot(tmp_path: Path) -> None:
    states = iter(
        [OK | {"rdb_last_bgsave_status": "err"}, OK | {"rdb_last_bgsave_status": "err", "rdb_bgsave_in_progress": 1}]
    )
    repairs: list[dict] = []
    persistence.wait_durable(lambda: next(states, OK), repairs.append, tmp_path, timeout_s=5)
    assert len(repairs) == 1
