"""The wave planner: the fastest build → publish → deploy sequence that fixes every exposed project.

Pure functions over a ``networkx.DiGraph``; no store, no CLI, no loader.

Input contract
--------------
Nodes are project keys (``str``) with the attributes of :class:`ProjectAttrs` (all optional except
that a project without ``exposure`` is not exposed and is ignored):

``name``               display name (``group:artifact``, npm name, …); defaults to the key
``repo``               repository name (the unit of per-repo CI capacity and policy overrides)
``kind``               ``library`` | ``application`` | ``service`` | ``test`` | ``unknown``
``ecosystem``          purl type: ``maven``, ``npm``, ``pypi``, ``golang``, ``cargo``, …
``exposure``           ``direct`` (the project itself declares or resolves the vulnerable package),
                       ``transitive`` (only through an internal library), ``test-only``, ``unknown``
                       (version unresolved: a ``decide`` step), ``None`` (not exposed: ignored)
``vulnerable_version`` the vulnerable version it resolves, or ``None``
``edit_location``      ``file:line`` to change, or ``None``
``edit_kind``          ``property`` | ``direct-dependency`` | ``bom-import`` | ``managed`` | ``lockfile-only`` |
                       ``dependency-management`` (a pin overriding a version managed in another repository)
``property``           the property/variable holding the version when ``edit_kind`` is ``property``
``version_from``       ``repo/file:line`` of a POM of another repository that sets the version (a parent's
                       property or managed version, an imported BOM's): the edit overrides it in the
                       project's own POM (``None`` otherwise)
``build_tool``         ``maven`` | ``gradle`` | ``npm`` | ``yarn`` | ``pnpm`` | ``pip`` | ``poetry`` | ``go`` |
                       ``cargo``; inferred from ``edit_location``'s file name, then ``ecosystem``
``publishes``          versionless purl when it is an internal library others consume, else ``None``
``deployments``        list of ``(service, environment)``; empty = not deployed
``owners``             list of owner names
``image_traceable``    ``False`` when the project's image cannot be traced to what runs (default ``True``)
``direct``             with ``test-only``: the project declares or locks the package itself, so it is fixed
                       directly even when it also gets the package through an internal library
``path``               the project's repo-relative directory
``build_unit``         projects with the same value are built together by one build (a Maven reactor, a
                       Gradle multi-project build, a workspace: :mod:`planner.build_units`); ``None``: alone
``build_root``         repo-relative directory the unit's build runs in (the reactor's aggregator POM)

Edges point ``consumer → provider`` (the consumer depends on the internal library project
``provider``) with the attributes of :class:`EdgeAttrs`: ``package`` (the provider's purl),
``scope``, ``pinned`` (default ``True``: the consumer pins an exact version of the provider, so
taking the fix is an edit; ``False``: a relock picks it up) and ``depth``.

The graph attribute ``inventory_gaps`` (optional) lists ``(image, [service, …])`` pairs: third-party images that
run but that nothing traces to a source or SBOM. They are not decisions; the plan carries them as they are.

The :class:`Target` names the vulnerable package (versionless purl), the fixed version chosen by
the caller and per-project overrides of it. ``compare(a, b)`` (negative, zero, positive; may
raise ``ValueError`` when it cannot compare) checks that each fixed version is higher than the
vulnerable one; the default uses :mod:`packaging`.

What the planner does
---------------------
Projects built together (same ``build_unit``) or editing the same ``file:line`` of a repository are one
unit: one edit step changing each line once, one build per build unit, one publish for the members
that others consume, and no wait between members built together. Strongly connected components of
the units are fixed together too (one combined edit/build/publish, durations summed over the builds)
and reported as cycles. Each component gets a strategy:
``direct`` / ``relock`` when it itself resolves the package, else ``propagate`` (wait for each
exposed provider's publish, then bump it) or ``override`` (pin the package with the ecosystem's
mechanism, no wait) as the policy allows; ``decide`` steps stand for what cannot be planned. Steps
are list-scheduled (priority = longest remaining path, ties by id) under org-wide and per-repo CI
capacity and deploy freeze windows; the strategy mix that gives the shortest schedule wins; among
equally short ones, the one that fixes every service soonest, then the one that propagates more. A
lower bound (critical path, and per capacity pool the
best ``head + work / capacity + tail`` over nested job sets, computed on the override-everywhere
relaxation so it bounds every strategy mix) and the frontier baseline (propagate everywhere,
barrier between chain-depth rounds) come with it.

All times are computed in whole seconds and reported in hours rounded to 4 decimals.

Modules
-------
``model``        the public types (this contract, :class:`Plan`, :class:`Step` …)
``projects``     reading and validating project nodes
``build_tools``  which tool builds a project; how it pins, verifies and relocks (the only build-tool knowledge)
``units``        :class:`~planner.waves.units.PlanInput` (the validated input) and the units
``strategy``     a :class:`~planner.waves.strategy.Choice` of strategies: member strategies, change kinds,
                 deferred libraries, release steps
``changes``      one member's change text and edit record
``steps``        pure ``steps_for`` / ``cleanup_steps``: step drafts for a choice, decisions passed in
``schedule``     :class:`~planner.waves.schedule.StepGraph` (the one step-graph index), waves, critical path
``scheduler``    earliest starts, list scheduling under capacity and freezes, the lower bound
``choice``       the candidate strategy mixes, the hybrid, the frontier baseline
``plan``         :func:`build_plan`: choose, bound, clean up, assemble the :class:`Plan`
"""

from __future__ import annotations

from planner.waves.model import (
    EXPOSURES,
    KINDS,
    SCHEMA,
    Baseline,
    Comparator,
    Decision,
    EdgeAttrs,
    Plan,
    ProjectAttrs,
    Step,
    Target,
)
from planner.waves.plan import build_plan

__all__ = [
    "EXPOSURES",
    "KINDS",
    "SCHEMA",
    "Baseline",
    "Comparator",
    "Decision",
    "EdgeAttrs",
    "Plan",
    "ProjectAttrs",
    "Step",
    "Target",
    "build_plan",
]
