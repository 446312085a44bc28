"""From what a user names (advisory id, OSV file, PURL@RANGE, policy file) to what the library takes."""

from __future__ import annotations

import os
from pathlib import Path

from planner.cli.app import App
from planner.errors import UsageError


def affected_packages(app: App, target: str, offline: bool, osv_url: str | None, cache_dir: Path | None):
    """ADVISORY_ID | FILE | PURL@RANGE -> affected packages (store first, then the OSV API)."""
    from planner import exposure
    from planner.advisories import osv

    if os.path.isfile(target):
        item = osv.read_file(target)
        if item.advisory is None:
            raise UsageError("; ".join(str(p) for p in item.problems) or f"{target}: not an OSV advisory")
        return exposure.affected_from_osv(item.advisory), [str(p) for p in item.problems]
    if target.startswith("pkg:"):
        return exposure.affected_from_spec(target), []
    found = exposure.affected_from_store(app.store(), target)
    if found:
        return found, []
    from planner.advisories.osv_api import DEFAULT_BASE_URL, OsvClient, OsvError

    cache = cache_dir or (app.data_dir or _default_data_dir()) / "osv-cache"
    try:
        with OsvClient(
            osv_url or os.environ.get("DEPWAVE_OSV_URL") or DEFAULT_BASE_URL, cache_dir=cache, offline=offline
        ) as client:
            advisory = client.get_vuln(target)
    except OsvError as exc:
        raise UsageError(f"{target} is not in the graph and the OSV API could not provide it: {exc}") from exc
    return exposure.affected_from_osv(advisory), []


def _default_data_dir() -> Path:
    from planner.store import default_data_dir

    return default_data_dir()


def policy_or_default(path: Path | None):
    """The policy in PATH, else ./depwave.yaml when present, else the default policy."""
    from planner.policy import Policy, load_policy

    if path is None and Path("depwave.yaml").is_file():
        path = Path("depwave.yaml")
    return load_policy(path) if path else Policy()


def advisory_resolver(app: App, offline: bool, osv_url: str | None, cache_dir: Path | None):
    """A function from an advisory target to its affected packages, for the planner."""

    def resolve(target: str):
        return affected_packages(app, target, offline, osv_url, cache_dir)[0]

    return resolve
