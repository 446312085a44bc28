"""Are we exposed? From affected package versions to verdicts per project, with paths, places to
change, fixes, services and owners.

The assessment runs in steps, each its own module:

1. :mod:`~planner.exposure.targets` — the affected packages (an OSV advisory, one in the graph, a
   ``PURL@RANGE``);
2. :mod:`~planner.exposure.facts` — one read of the typed facts per package from the store;
3. :mod:`~planner.exposure.rules` — the pure verdict rules (with :mod:`~planner.exposure.evidence`,
   :mod:`~planner.exposure.project_graph` and :mod:`~planner.exposure.fixes`);
4. :mod:`~planner.exposure.decorate` — services and owners; then the services nobody traces
   (:mod:`planner.inventory`). The reachability layer (:mod:`planner.reachability.layer`) and
   environment filters (:mod:`planner.environments`) run on the report afterwards.

Verdicts, worst first: ``exposed`` (an affected version at runtime), ``exposed-test-only`` (only
in test/dev/build scopes), ``unknown`` (a version that cannot be resolved or compared),
``declared-range-allows`` (a declared range admits an affected version but what is resolved is
safe), ``not-exposed``. No project that reaches the package is ever silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable

from planner import inventory
from planner.exposure import rules
from planner.exposure.decorate import decorate
from planner.exposure.facts import ExposureFacts, read_facts
from planner.exposure.project_graph import MAX_PATHS
from planner.exposure.report import (
    RANK,
    SCHEMA,
    VERDICTS,
    AffectedPackage,
    Evidence,
    ExposureReport,
    ProjectExposure,
)
from planner.exposure.targets import affected_from_osv, affected_from_spec, affected_from_store
from planner.store.base import Store

__all__ = [
    "MAX_PATHS",
    "RANK",
    "SCHEMA",
    "VERDICTS",
    "AffectedPackage",
    "Evidence",
    "ExposureFacts",
    "ExposureReport",
    "ProjectExposure",
    "affected_from_osv",
    "affected_from_spec",
    "affected_from_store",
    "assess",
]


def assess(store: Store, affected: Iterable[AffectedPackage]) -> ExposureReport:
    """Every project that reaches an affected package, with its verdict: facts read, rules applied,
    projects decorated with services and owners."""
    affected = list(affected)
    judged = rules.assess(read_facts(store, affected), affected)
    info = decorate(store, judged.projects)
    return ExposureReport(
        advisories=sorted({a.advisory for a in affected}),
        affected=affected,
        projects=judged.projects,
        links=judged.links,
        problems=judged.problems,
        untraced=inventory.untraced(store, in_use=bool(judged.projects)),
        project_rows=info,
    )
