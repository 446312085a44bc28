"""Graph stores behind one small interface; :func:`open_store` picks one from settings."""

from __future__ import annotations

import os
from pathlib import Path

from planner.errors import UsageError
from planner.store.base import Store

STORE_KINDS = ("embedded", "neo4j")


def default_data_dir() -> Path:
    """``$DEPWAVE_DATA_DIR``, else ``$XDG_DATA_HOME/depwave``, else ``~/.local/share/depwave``."""
    if os.environ.get("DEPWAVE_DATA_DIR"):
        return Path(os.environ["DEPWAVE_DATA_DIR"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "depwave"


def open_store(kind: str | None = None, data_dir: Path | None = None, start: bool = True) -> Store:
    """Open the store named by ``kind`` or ``$DEPWAVE_STORE`` (default: embedded)."""
    kind = (kind or os.environ.get("DEPWAVE_STORE") or "embedded").lower()
    if kind == "embedded":
        from planner.store.embedded import EmbeddedStore

        return EmbeddedStore(data_dir or default_data_dir(), start=start)
    if kind == "neo4j":
        from planner.store.neo4j_store import Neo4jStore

        return Neo4jStore.from_env()
    raise UsageError(f"unknown store {kind!r}: choose one of {', '.join(STORE_KINDS)}")
