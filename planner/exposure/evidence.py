"""Evidence: what the facts say about one project and one affected package, judged against the advisory
(is the resolved or exactly declared version affected? does a declared range admit an affected one?)."""

from __future__ import annotations

from planner import purl as purls
from planner import versions
from planner.exposure.facts import PackageFacts
from planner.exposure.report import AffectedPackage, Evidence
from planner.model import location_text

#: purl type -> univers range scheme for declared ranges
_RANGE_SCHEME = {"maven": "maven", "npm": "npm", "pypi": "pypi", "gem": "gem", "nuget": "nuget", "cargo": "npm"}


def evidence_by_project(target: AffectedPackage, facts: PackageFacts) -> dict[str, list[Evidence]]:
    """Each project's evidence about ``target``: its resolutions, then its declarations."""
    evidence: dict[str, list[Evidence]] = {}
    for r in facts.resolutions:
        evidence.setdefault(r.project, []).append(
            Evidence(
                kind="resolves",
                version=r.version,
                spec=None,
                scope=r.scope,
                depth=r.depth,
                affected=target.affects(r.version),
                location=location_text(r.file, r.line),
                chain=list(r.chain),
            )
        )
    for d in facts.declarations:
        exact = exact_version(target, d.range)
        evidence.setdefault(d.project, []).append(
            Evidence(
                kind="declares",
                version=exact,
                spec=d.range if d.range is not None else d.unresolved,
                scope=d.scope,
                depth=1,
                affected=target.affects(exact) if exact else None,
                location=location_text(d.file, d.line),
                version_location=location_text(d.version_file, d.version_line),
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
    s = spec.strip()
    ptype = purls.parse(target.package).type
    if ptype == "pypi":
        s = s.removeprefix("===").removeprefix("==") if s.startswith("==") and "," not in s else s
    if ptype == "npm":
        s = s.removeprefix("=")
    if ptype == "cargo":
        s = s.removeprefix("=") if s.startswith("=") else ""
    if not s or any(c in s for c in "^~<>*|[](), "):
        return None
    return s if versions.parse(target.ecosystem, s) is not None else None


def admits(target: AffectedPackage, spec: str, known: set[str]) -> bool | None:
    """Whether a declared range admits some affected version, probing the versions the graph knows,
    the advisory's boundary versions and the range's own lower bounds; None when the range cannot
    be read."""
    from univers.version_range import RANGE_CLASS_BY_SCHEMES

    ptype = purls.parse(target.package).type
    scheme = _RANGE_SCHEME.get(ptype)
    if scheme is None:
        return None
    native = spec.strip()
    if ptype == "cargo" and native and native[0].isdigit():
        native = "^" + native
    try:
        rng = RANGE_CLASS_BY_SCHEMES[scheme].from_native(native.replace(", ", " ") if ptype == "cargo" else native)
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
