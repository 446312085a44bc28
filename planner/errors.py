"""The one family of depwave errors; the CLI maps each class to an exit code."""

from __future__ import annotations


class DepwaveError(Exception):
    """Base class of every error depwave reports to a user in one sentence."""


class UsageError(DepwaveError):
    """The command line, a parameter or a configuration value is wrong."""


class StoreUnavailable(DepwaveError):
    """The graph store cannot be started or reached."""


class StoreNotDurable(StoreUnavailable):
    """The store took a write but cannot save it to disk (disk full, a failed AOF or RDB write): what
    was written is not durable, so nothing may be reported as loaded or saved."""


class StoreLostWrites(StoreUnavailable):
    """The store accepted a load but does not hold all of it (checked after the loads): the files
    concerned were removed from it so that the next ingest loads them again."""


class FreshBuildFailed(StoreUnavailable):
    """A first ingest built apart (planner/store/embedded_build.py) could not finish: nothing of it was
    kept, the store's graph is as it was."""


class QueryError(DepwaveError):
    """A Cypher query was rejected or failed inside the store."""


class LoadError(DepwaveError):
    """Writing a batch of records into the store failed; the store keeps its previous state."""


class ParseError(DepwaveError):
    """A file cannot be read; the message starts with ``path:line:``."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        super().__init__(f"{path}:{line if line is not None else 0}: {reason}")
