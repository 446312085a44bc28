"""What an assessment is about: the affected packages of an OSV advisory, of an advisory ingested into
the graph, or of a ``PURL@RANGE`` typed by a user."""

from __future__ import annotations

import json
from typing import Any

from planner import ecosystems, versions
from planner import purl as purls
from planner.advisories.osv import OsvAdvisory, affects_by_package
from planner.errors import UsageError
from planner.exposure.report import AffectedPackage
from planner.store.base import Store


def affected_from_osv(advisory: OsvAdvisory) -> list[AffectedPackage]:
    """The affected packages of a parsed OSV advisory (:mod:`planner.advisories.osv`)."""
    return [
        AffectedPackage(
            advisory.id,
            a.package,
            a.ecosystem,
            {"ranges": list(a.ranges), "versions": list(a.versions)},
            a.fixed,
            advisory.summary,
            tuple(advisory.aliases),
        )
        for a in affects_by_package(advisory)
    ]


def affected_from_store(store: Store, advisory_id: str) -> list[AffectedPackage]:
    """The affected packages of an advisory ingested into the graph (by id or alias)."""
    out = []
    for row in store.query("get_advisory", {"id": advisory_id}):
        entry = versions.decode_entry(json.loads(row["ranges"] or "{}"))
        p = purls.parse(row["package"])
        known = ecosystems.by_purl_type(p.type)
        ecosystem = str(entry.get("ecosystem") or (known.osv_name if known else p.type))
        out.append(
            AffectedPackage(
                row["id"],
                row["package"],
                ecosystem,
                entry,
                tuple(row.get("fixed") or ()),
                row.get("summary"),
                tuple(row.get("aliases") or ()),
            )
        )
    return out


def affected_from_spec(text: str) -> list[AffectedPackage]:
    """``PURL@RANGE``: ``pkg:maven/g/a@<2.15.0``, ``@>=2.0,<2.15.0``, ``@<=2.14.1``, ``@2.14.1``,
    ``@2.14.0|2.14.1`` (a list), turned into an OSV-style entry."""
    if "@" not in text.removeprefix("pkg:"):
        raise UsageError(f"{text!r}: expected PURL@RANGE, e.g. pkg:maven/g/a@<2.15.0")
    base, _, spec = text.rpartition("@")
    p = purls.parse_user(base)
    if p.version:
        raise UsageError(f"{text!r}: the range goes after a versionless purl")
    known = ecosystems.by_purl_type(p.type)
    if known is None or known.parse_version is None:
        raise UsageError(f"{text!r}: no version ordering known for {p.type} packages")
    ecosystem = known.osv_name
    spec = spec.strip()
    if not spec:
        raise UsageError(f"{text!r}: empty range")
    entry: dict[str, Any] = {"ranges": [], "versions": []}
    if any(op in spec for op in "<>="):
        introduced, closing = "0", None
        for part in (s.strip() for s in spec.split(",")):
            if part.startswith(">="):
                introduced = part[2:].strip()
            elif part.startswith("<="):
                closing = {"last_affected": part[2:].strip()}
            elif part.startswith("<"):
                closing = {"fixed": part[1:].strip()}
            elif part.startswith(("=", "==")):
                entry["versions"].append(part.lstrip("=").strip())
            else:
                raise UsageError(f"{text!r}: cannot read {part!r} (use >=, <, <= and commas)")
        events: list[dict[str, str]] = [{"introduced": introduced}]
        if closing:
            events.append(closing)
        entry["ranges"].append({"type": "ECOSYSTEM", "events": events})
    else:
        entry["versions"] = [v.strip() for v in spec.split("|") if v.strip()]
    for v in [e for r in entry["ranges"] for ev in r["events"] for e in ev.values()] + entry["versions"]:
        if v != "0" and versions.parse(ecosystem, v) is None:
            raise UsageError(f"{text!r}: {v!r} is not a {ecosystem} version")
    fixed = tuple(ev["fixed"] for r in entry["ranges"] for ev in r["events"] if "fixed" in ev)
    return [AffectedPackage(f"{p.package}@{spec}", p.package, ecosystem, entry, fixed)]
