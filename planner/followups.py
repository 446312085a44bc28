"""Follow-up advisories: is the recommended fix itself affected by another advisory the graph knows?

Log4Shell is the classic case: GHSA-jfh8-c2jp-5v3q is fixed in 2.15.0, but 2.15.0 is affected by
GHSA-7rjr-3q55-vv33 (fixed in 2.16.0), which is affected by GHSA-p6xc-xr62-6r2g (fixed in 2.17.0). A
responder who moves to the advisory's own fix ships a vulnerable version again. For every project
with a recommended fix, :func:`follow_ups` names the other ingested advisories that still affect it
and the lowest version that clears every advisory known for the package.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from planner import versions
from planner.store.base import Store


@dataclass(frozen=True, slots=True)
class KnownAdvisory:
    """One ingested advisory's affected entry for a package."""

    advisory: str
    entry: dict[str, Any]


def known_advisories(store: Store, package: str) -> list[KnownAdvisory]:
    """Every advisory in the graph that affects ``package`` (withdrawn ones left out)."""
    out = []
    for row in store.query("list_package_advisories", {"package": package}):
        if row.get("withdrawn"):
            continue
        entry = versions.decode_entry(json.loads(row.get("ranges") or "{}"))
        out.append(KnownAdvisory(str(row["id"]), entry))
    return out


def follow_ups(
    ecosystem: str,
    recommended: str | None,
    current: Sequence[str],
    listed: Sequence[dict[str, Any]],
    known: Sequence[KnownAdvisory],
) -> tuple[list[str], str | None]:
    """The known advisories that still affect ``recommended``, and (when there are any) the lowest version
    above the ``current`` versions that clears them and the ``listed`` entries; None when no known fix does
    or the versions cannot be compared."""
    if not recommended or not versions.is_supported(ecosystem):
        return [], None
    still = sorted({k.advisory for k in known if versions.is_affected(ecosystem, recommended, k.entry)})
    if not still:
        return [], None
    entries = [*listed, *(k.entry for k in known)]
    fixes = [versions.fix_for(ecosystem, v, entries) for v in current] if current else []
    if not current:
        fixes = [versions.fix_for(ecosystem, recommended, entries)]
    if not fixes or any(f is None for f in fixes):
        return still, None
    return still, versions.sort_versions(ecosystem, [f for f in fixes if f])[-1]
