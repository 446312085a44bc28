"""OSV advisory files (``GHSA-….json``, ``GO-….json``, ``PYSEC-….json``, ``RUSTSEC-….json`` …).

One ``Advisory`` per file and one ``Affects`` per affected package: entries naming the same
package (GHSA-jfh8 lists ``log4j-core`` three times) are merged, which keeps their meaning since
a version is affected when any entry's range or list holds it. ``Affects.ranges`` is the
canonical JSON text of ``{"ecosystem", "ranges", "versions"}`` (see
:func:`planner.versions.decode_entry`), ``Affects.fixed`` the fixed versions, lowest first.
A withdrawn advisory keeps its ``Advisory`` but affects nothing.
"""

from __future__ import annotations

import posixpath

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext, expect, load_json
from planner.advisories import osv
from planner.errors import ParseError
from planner.model import Advisory, Affects, ParseResult, ParseWarning, Source
from planner.store.rows import encode_ranges

#: the advisory-database prefixes of :data:`planner.advisories.osv.OSV_FILE_NAME`, as file-name patterns
_OSV_ID_PREFIXES = (
    "GHSA", "GO", "PYSEC", "RUSTSEC", "OSV", "MAL", "GSD", "CVE", "BIT", "RXSA", "DLA", "DSA", "DTSA", "USN",
    "ALSA", "RLSA", "ALBA", "ALEA", "CGA", "MGASA", "openSUSE-SU", "SUSE-SU",
)  # fmt: skip


class OsvJsonLoader(Loader):
    """OSV JSON records, one advisory per file."""

    name = "osv-json"
    file_globs = tuple(f"{prefix}-*.json" for prefix in _OSV_ID_PREFIXES)

    def matches(self, path: str) -> bool:
        """An OSV id file name: ``GHSA-xxxx-xxxx-xxxx.json``, ``GO-2023-2102.json``, ``PYSEC-…``,
        ``RUSTSEC-…``, ``MAL-…``, ``OSV-…`` anywhere; ``CVE-….json`` only inside an ``osv/`` or
        ``advisories/`` directory (elsewhere it is usually a CVE JSON 5 record, not OSV)."""
        parts = path.split("/")
        base = parts[-1]
        if not osv.is_osv_file_name(base):
            return False
        if base.startswith("CVE-"):
            return any(p.lower() in ("osv", "advisories") for p in parts[:-1])
        return True

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one OSV record (self-contained: the context is not used)."""
        result = ParseResult()
        warn = result.warnings
        data = load_json(text, source, warn)
        expect(isinstance(data, dict), source, 1, "not an OSV record: top level is not an object")
        advisory, problems = osv.parse_advisory(data, source.display, text)
        if advisory is None:
            first = problems[0] if problems else osv.Problem(source.display, 1, "not an OSV record")
            raise ParseError(source.display, first.line, first.reason)
        expect(
            "affected" in data or "withdrawn" in data or "modified" in data,
            source,
            1,
            "not an OSV record: none of 'affected', 'modified', 'withdrawn'",
        )
        warn.extend(ParseWarning(p.path, p.line, p.reason) for p in problems)
        base = posixpath.basename(source.path)
        if osv.is_osv_file_name(base) and base[: -len(".json")] != advisory.id:
            warn.append(ParseWarning(source.display, 1, f"id {advisory.id!r} does not match the file name {base!r}"))
        result.records.append(
            Advisory(
                key=advisory.id,
                summary=advisory.summary,
                aliases=advisory.aliases,
                published=advisory.published,
                modified=advisory.modified,
                withdrawn=advisory.withdrawn,
            )
        )
        if advisory.withdrawn:
            warn.append(ParseWarning(source.display, 1, f"withdrawn on {advisory.withdrawn}: no AFFECTS recorded"))
            return result
        skipped = [a for a in advisory.affected if not a.package.purl]
        for a in skipped:
            warn.append(
                ParseWarning(
                    source.display, a.line, f"{a.package.ecosystem} package {a.package.name!r} skipped: no purl"
                )
            )
        for affects in osv.affects_by_package(advisory):
            result.records.append(_affects(advisory.id, affects))
        return result


def _affects(advisory: str, affects: osv.PackageAffects) -> Affects:
    entry: dict[str, object] = {
        "ecosystem": affects.ecosystem,
        "ranges": list(affects.ranges),
        "versions": list(affects.versions),
    }
    if affects.ecosystem_specific:  # vulnerable symbols (Go imports, GHSA affected_functions …), for reachability
        entry["ecosystem_specific"] = list(affects.ecosystem_specific)
    return Affects(advisory=advisory, package=affects.package, ranges=encode_ranges(entry), fixed=affects.fixed)
