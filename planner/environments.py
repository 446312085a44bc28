"""Which environment a service runs in, and what an ``--env`` filter keeps.

A service whose deployment names no environment (plain ``kubernetes-manifests/*.yaml`` without a
namespace or an overlay, a Helm chart, an unlabelled kubectl dump) is in
:data:`DEFAULT_ENVIRONMENT`: ``default``, the namespace ``kubectl apply`` would use. That
is an explicit value in every output, but not a *known* environment: it may be production. So a filter
on environment X keeps what runs in X **and** what runs somewhere unknown, marked as such. A filter never
turns "exposed" into "safe".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.exposure import ExposureReport

#: The environment of a service whose deployment names none (plain manifests without namespace or
#: overlay, a Helm chart, an unlabelled kubectl dump): the namespace ``kubectl apply`` would use. It is
#: not a known environment: an ``--env`` filter keeps such services, marked. (``planner.model`` re-exports
#: it for the loaders; it is defined here so that reading the graph does not import the records.)
DEFAULT_ENVIRONMENT = "default"

IN = "in"  # runs in the environment asked for
UNKNOWN = "unknown"  # runs where no environment is known: it may be the one asked for
#: kinds of project that run somewhere by themselves (libraries and tests run inside them)
RUNNABLE_KINDS = frozenset({"application", "service"})


def normalise(environment: str | None) -> str:
    """The environment as every output shows it: never empty (graphs ingested before environments were
    always set may still hold none)."""
    return environment or DEFAULT_ENVIRONMENT


def is_known(environment: str | None) -> bool:
    """Whether a deployment says which environment it is (``default`` and none do not)."""
    return normalise(environment) != DEFAULT_ENVIRONMENT


def match(environments: Iterable[str | None], wanted: str) -> str | None:
    """:data:`IN` when one of ``environments`` is ``wanted``, else :data:`UNKNOWN` when one of them is not a
    known environment, else None (it runs only in other, known environments, or nowhere)."""
    envs = [normalise(e) for e in environments]
    if wanted in envs:
        return IN
    if any(not is_known(e) for e in envs):
        return UNKNOWN
    return None


def project_match(kind: str | None, environments: Iterable[str | None], wanted: str) -> str | None:
    """:func:`match` for a project: an application or service that no known deployment runs may run in
    ``wanted`` too (:data:`UNKNOWN`); a library or test project runs inside its consumers."""
    envs = list(environments)
    if not envs:
        return UNKNOWN if kind in RUNNABLE_KINDS else None
    return match(envs, wanted)


def keep_environment(report: ExposureReport, environment: str) -> None:
    """Scope an exposure report to one environment: the projects that run there, and those whose environment
    is unknown (marked ``environment_unknown``); libraries and tests come with the services that run them."""
    kept = []
    for p in report.projects:
        found = project_match(p.kind, [s.get("environment") for s in p.services], environment)
        if found is None:
            continue
        p.environment_unknown = found == UNKNOWN
        kept.append(p)
    report.projects = kept
    report.environment = environment
    report.untraced = report.untraced.in_environment(environment)
