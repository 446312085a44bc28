"""Exposure verdicts as VEX statements: what ``depwave exposure`` decides, in CycloneDX's words.

The verdicts come from :func:`planner.exposure.assess` (called by the CLI, never re-derived here).
:data:`ANALYSIS` maps each verdict onto CycloneDX 1.6 ``vulnerabilities[].analysis``; the definitions it
relies on (CycloneDX 1.6 JSON schema, ``impactAnalysisState`` and ``impactAnalysisJustification``):

* ``exploitable``: "The vulnerability may be directly or indirectly exploitable."
* ``in_triage``: "The vulnerability is being investigated."
* ``not_affected``: "The component or service is not affected by the vulnerability. Justification
  should be specified for all not_affected cases."
* ``code_not_present``: "The code has been removed or tree-shaked."
* ``code_not_reachable``: "The vulnerable code is not invoked at runtime."

``exposed-test-only`` is ``not_affected`` / ``code_not_reachable``: the affected version is only on
test, dev or build class paths, which CycloneDX's own ``excluded`` scope describes as "not reachable
within a call graph at runtime" (the build machines that run those tests are still exposed: the
detail says so). ``not-exposed`` and ``declared-range-allows`` resolve only versions outside the
affected ranges: the vulnerable code is not in what ships, ``code_not_present``.

The reachability verdicts a later phase adds (``called``, ``imported``, ``not-called``) already have
their rows, so adding them is a change in :mod:`planner.exposure` only.
"""

from __future__ import annotations

from planner import purl as purls
from planner.exposure import ExposureReport
from planner.sbom.model import SbomGraph, VexStatement

#: depwave verdict -> (analysis.state, analysis.justification, analysis.response when a fix exists)
ANALYSIS: dict[str, tuple[str, str | None, str | None]] = {
    "exposed": ("exploitable", None, "update"),
    "exposed-test-only": ("not_affected", "code_not_reachable", None),
    "unknown": ("in_triage", None, None),
    "declared-range-allows": ("not_affected", "code_not_present", None),
    "not-exposed": ("not_affected", "code_not_present", None),
    # reachability (a later phase): the affected function is called / its module imported / never called
    "called": ("exploitable", None, "update"),
    "imported": ("exploitable", None, "update"),
    "not-called": ("not_affected", "code_not_reachable", None),
}


def statements(graph: SbomGraph, report: ExposureReport) -> list[VexStatement]:
    """One statement per project of ``graph`` that ``report`` has a verdict for, sorted by project."""
    refs = {p.key: p.ref for p in ([graph.root] if graph.root else graph.projects)}
    components = {c.ref for c in graph.components}
    advisory = report.advisories[0] if len(report.advisories) == 1 else ", ".join(report.advisories)
    aliases = tuple(sorted({a for item in report.affected for a in item.aliases}))
    summary = next((a.summary for a in report.affected if a.summary), None)
    out = []
    for exposure in report.projects:
        ref = refs.get(exposure.project)
        if ref is None:
            continue
        affected: set[str] = set()
        for item in report.affected:
            p = purls.parse(item.package)
            for e in exposure.evidence:
                if e.kind == "resolves" and e.affected and e.version:
                    key = purls.build(p.type, p.namespace, p.name, e.version).key
                    if key in components:
                        affected.add(key)
        out.append(
            VexStatement(
                advisory=advisory,
                aliases=aliases,
                summary=summary,
                project=exposure.project,
                project_ref=ref,
                verdict=exposure.verdict,
                reason=exposure.reason,
                affected_refs=tuple(sorted(affected)),
                fixed=tuple(exposure.fixed),
                recommended=exposure.recommended,
                change_at=exposure.change_at,
                via=tuple(exposure.via),
            )
        )
    return sorted(out, key=lambda s: (s.advisory, s.project))


def detail(statement: VexStatement) -> str:
    """The analysis detail: depwave's verdict and reason, where to change and what it comes through."""
    parts = [f"depwave verdict {statement.verdict}: {statement.reason}"]
    if statement.verdict == "exposed-test-only":
        parts.append("the build and test machines that run those scopes still load it")
    if statement.via:
        parts.append("through " + ", ".join(statement.via))
    if statement.change_at:
        parts.append(f"change at {statement.change_at}")
    if statement.recommended:
        parts.append(f"fixed in {statement.recommended}")
    return "; ".join(parts)


def advisory_url(advisory: str) -> str | None:
    """Where an advisory id can be read (OSV lists GHSA, CVE, GO, PYSEC, RUSTSEC ... ids); None for a
    ``PURL@RANGE`` target, which names no advisory."""
    if advisory.startswith("pkg:") or " " in advisory or "," in advisory:
        return None
    return f"https://osv.dev/vulnerability/{advisory}"
