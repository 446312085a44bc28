"""Evidence: what the facts say about one project and one affected package, judged against the advisory
(is the resolved or exactly declared version affected? does a declared range admit an affected one?)."""

from __future__ import annotations

from planner import ecosystems, versions
from planner import purl as purls
from planner.ecosystems import Ecosystem
from planner.exposure.facts import PackageFacts
from planner.exposure.report import AffectedPackage, Evidence
from planner.locations import location_text


def evidence_by_project(target: AffectedPackage, facts: PackageFacts) -> dict[str, list[Evidence]]:
    """Each project's evidence about ``target``: its resolutions, then its declarations (whether a version is
    affected is decided once per version: thousands of projects resolve the same few)."""
    evidence: dict[str, list[Evidence]] = {}
    affects: dict[str, bool | None] = {}
    for r in facts.resolutions:
        if r.version not in affects:
            affects[r.version] = target.affects(r.version)
        evidence.setdefault(r.project, []).append(
            Evidence(
                kind="resolves",
                version=r.version,
                spec=None,
                scope=r.scope,
                depth=r.depth,
                affected=affects[r.version],
                location=location_text(r.file, r.line),
                chain=list(r.chain),
            )
        )
    for d in facts.declarations:
        exact = exact_version(target, d.range)
        if exact and exact not in affects:
            affects[exact] = target.affects(exact)
        evidence.setdefault(d.project, []).append(
            Evidence(
                kind="declares",
                version=exact,
                spec=d.range if d.range is not None else d.unresolved,
                scope=d.scope,
                depth=1,
                affected=affects[exact] if exact else None,
                location=location_text(d.file, d.line),
                version_location=location_text(d.version_file, d.version_line),
                version_repo=d.version_repo,
                version_property=d.version_property,
                optional=d.optional,
            )
        )
    return evidence


def exact_version(target: AffectedPackage, spec: str | None) -> str | None:
    """A declared requirement that names one version (Maven/Gradle soft versions, npm exact pins,
    ``==x`` in Python, Go's minimum version), else None."""
    if not spec:
        return None
    ecosystem = _ecosystem(target)
    s = ecosystem.exact_pin(spec.strip()) if ecosystem else spec.strip()
    if not s or any(c in s for c in "^~<>*|[](), "):
        return None
    return s if versions.parse(target.ecosystem, s) is not None else None


def admits(target: AffectedPackage, spec: str, known: set[str]) -> bool | None:
    """Whether a declared range admits some affected version, probing the versions the graph knows,
    the advisory's boundary versions and the range's own lower bounds; None when the range cannot
    be read."""
    from univers.version_range import RANGE_CLASS_BY_SCHEMES

    ecosystem = _ecosystem(target)
    if ecosystem is None or ecosystem.range_scheme is None:
        return None
    try:
        rng = RANGE_CLASS_BY_SCHEMES[ecosystem.range_scheme].from_native(ecosystem.native_range(spec.strip()))
        make = rng.version_class
    except Exception:  # univers raises many kinds of errors on unreadable ranges
        return None
    probes = set(known)
    for r in target.entry.get("ranges") or []:
        for ev in r.get("events") or []:
            probes.update(v for k, v in ev.items() if k in ("introduced", "last_affected") and v != "0")
    probes.update(target.entry.get("versions") or [])
    probes.update(str(c.version) for c in getattr(rng, "constraints", ()) if c.comparator in (">=", "="))
    for v in sorted(probes):
        if not target.affects(v):
            continue
        try:
            if make(v) in rng:
                return True
        except Exception:  # a probe that this scheme cannot read
            continue
    return False


def _ecosystem(target: AffectedPackage) -> Ecosystem | None:
    return ecosystems.by_purl_type(purls.parse(target.package).type)
