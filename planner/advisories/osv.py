"""The OSV advisory format (https://ossf.github.io/osv-schema/) and readers for files, advisory
database checkouts and OSV's per-ecosystem ``all.zip`` dumps.

Readers never raise on bad content: every file (or zip member) becomes one :class:`OsvItem`
holding the advisory when it is usable and the :class:`Problem` list (``path:line: reason``)
of what was wrong with it: malformed JSON, missing fields, unknown ecosystems, impossible ranges.
"""

from __future__ import annotations

import bisect
import json
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner import ecosystems, versions
from planner import purl as purls
from planner.versions import Range

#: file names of OSV records: ``<DB prefix>-<id>.json`` as the advisory databases name them
OSV_FILE_NAME = re.compile(
    r"(?:GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}"
    r"|(?:GO|PYSEC|RUSTSEC|OSV|MAL|GSD|CVE|BIT|RXSA|DLA|DSA|DTSA|USN|ALSA|RLSA|ALBA|ALEA)-\d{4}-[0-9A-Za-z.-]+"
    r"|(?:CGA|MGASA|openSUSE-SU|SUSE-SU)-[0-9A-Za-z.:-]+"
    r")\.json"
)
MAX_FILE_BYTES = 32 * 1024 * 1024
_AFFECTED_ARRAY = re.compile(r'(?<!\\)"affected"\s*:\s*\[')


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in one advisory file, rendered ``path:line: reason``."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line if self.line is not None else 0}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Package:
    """``affected[].package``: the OSV ecosystem and name, and our versionless purl for it."""

    ecosystem: str
    name: str
    purl: str | None  # normalised versionless purl (planner.purl), None when the ecosystem has no purl type
    given_purl: str | None = None  # ``package.purl`` as the file wrote it


@dataclass(frozen=True, slots=True)
class AffectedPackage:
    """One ``affected[]`` entry. ``ecosystem_specific``/``database_specific``/``severity`` are kept raw."""

    package: Package
    ranges: tuple[Range, ...] = ()
    versions: tuple[str, ...] = ()
    ecosystem_specific: Any = None
    database_specific: Any = None
    severity: Any = None
    line: int | None = None

    def is_affected(self, version: str) -> bool | None:
        """Whether ``version`` of this package is affected (see :func:`planner.versions.is_affected`)."""
        return versions.is_affected(self.package.ecosystem, version, self)

    @property
    def fixed(self) -> tuple[str, ...]:
        """The fixed versions, lowest first."""
        return versions.fixed_versions(self, self.package.ecosystem)

    def matchable(self) -> dict[str, Any]:
        """The OSV JSON needed to evaluate the entry: ecosystem, ranges and versions."""
        return {
            "ecosystem": self.package.ecosystem,
            "ranges": [r.as_json() for r in self.ranges],
            "versions": list(self.versions),
        }


@dataclass(frozen=True, slots=True)
class OsvAdvisory:
    """One OSV record."""

    id: str
    modified: str | None = None
    published: str | None = None
    withdrawn: str | None = None
    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    summary: str | None = None
    details: str | None = None
    affected: tuple[AffectedPackage, ...] = ()
    schema_version: str | None = None
    severity: Any = None
    references: Any = None
    database_specific: Any = None

    def affected_packages(self) -> dict[str, list[AffectedPackage]]:
        """Entries grouped by versionless purl (entries without a purl are left out)."""
        out: dict[str, list[AffectedPackage]] = {}
        for a in self.affected:
            if a.package.purl:
                out.setdefault(a.package.purl, []).append(a)
        return out


@dataclass(frozen=True, slots=True)
class PackageAffects:
    """What one advisory says about one package, its ``affected[]`` entries merged: the OSV ecosystem,
    every range and listed version, the fixed versions (lowest first where the ecosystem orders them)
    and the non-empty ``ecosystem_specific`` objects (vulnerable symbols, for reachability)."""

    package: str  # versionless purl
    ecosystem: str
    ranges: tuple[dict[str, Any], ...]
    versions: tuple[str, ...]
    fixed: tuple[str, ...]
    ecosystem_specific: tuple[dict[str, Any], ...] = ()


def affects_by_package(advisory: OsvAdvisory) -> list[PackageAffects]:
    """The advisory's affected packages, one :class:`PackageAffects` per versionless purl, by purl."""
    out = []
    for package, entries in sorted(advisory.affected_packages().items()):
        ecosystem = entries[0].package.ecosystem
        fixed = list(dict.fromkeys(f for e in entries for f in e.fixed))
        if versions.is_supported(ecosystem):
            fixed = versions.sort_versions(ecosystem, fixed)
        out.append(
            PackageAffects(
                package=package,
                ecosystem=ecosystem,
                ranges=tuple(r.as_json() for e in entries for r in e.ranges),
                versions=tuple(dict.fromkeys(v for e in entries for v in e.versions)),
                fixed=tuple(fixed),
                ecosystem_specific=tuple(
                    e.ecosystem_specific
                    for e in entries
                    if isinstance(e.ecosystem_specific, dict) and e.ecosystem_specific
                ),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class OsvItem:
    """What reading one file or zip member gave: the advisory (None when unusable) and its problems."""

    path: str
    advisory: OsvAdvisory | None
    problems: tuple[Problem, ...] = ()


def package_purl(ecosystem: str, name: str) -> str | None:
    """The versionless purl of an OSV package (``Go``/``stdlib`` -> ``pkg:golang/stdlib``), or None."""
    known = ecosystems.by_osv_name(ecosystem)
    ptype = known.purl_type if known else None
    name = name.strip()
    if ptype is None or not name:
        return None
    namespace: str | None = None
    if ptype == "maven":
        group, sep, artifact = name.partition(":")
        if not sep or not group or not artifact or ":" in artifact:
            return None
        namespace, name = group, artifact
    elif ptype in ("npm", "golang", "composer") and "/" in name:
        namespace, name = name.rsplit("/", 1)
        if not namespace or not name:
            return None
    try:
        return purls.build(ptype, namespace, name).package
    except ValueError:
        return None


def is_osv_file_name(name: str) -> bool:
    """Whether a file name is an OSV record's (``GHSA-xxxx-xxxx-xxxx.json``, ``GO-2023-2102.json``...)."""
    return OSV_FILE_NAME.fullmatch(name) is not None


# -- parsing ------------------------------------------------------------------------------------


class _Lines:
    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.packages = _affected_offsets(text)

    def at(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def key(self, key: str) -> int | None:
        m = re.search(rf'(?<!\\)"{re.escape(key)}"\s*:', self.text)
        return self.at(m.start()) if m else None

    def affected(self, index: int) -> int | None:
        return self.at(self.packages[index]) if index < len(self.packages) else self.key("affected")

    def event(self, index: int, kind: str, version: str) -> int | None:
        start = self.packages[index] if index < len(self.packages) else 0
        pat = re.compile(rf'"{re.escape(kind)}"\s*:\s*{re.escape(json.dumps(version))}')
        m = pat.search(self.text, start)
        return self.at(m.start()) if m else self.affected(index)


def _affected_offsets(text: str) -> list[int]:
    """Start offsets of the items of the top-level ``affected`` array (decoded one by one)."""
    m = _AFFECTED_ARRAY.search(text)
    if m is None:
        return []
    decoder = json.JSONDecoder()
    offsets: list[int] = []
    pos = m.end()
    try:
        while True:
            pos = _skip_ws(text, pos)
            if pos >= len(text) or text[pos] == "]":
                return offsets
            offsets.append(pos)
            _, pos = decoder.raw_decode(text, pos)
            pos = _skip_ws(text, pos)
            if pos < len(text) and text[pos] == ",":
                pos += 1
    except (ValueError, RecursionError):
        return offsets


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _strs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(v for v in value if isinstance(v, str) and v))


def parse_advisory(data: Any, path: str, text: str = "") -> tuple[OsvAdvisory | None, list[Problem]]:
    """Build an advisory from decoded OSV JSON; ``text`` (the file) only serves to find line numbers."""
    lines = _Lines(text)
    problems: list[Problem] = []

    def problem(line: int | None, reason: str) -> None:
        problems.append(Problem(path, line, reason))

    if not isinstance(data, Mapping):
        problem(1, f"not an OSV record: top level is {type(data).__name__}, not an object")
        return None, problems
    ident = _str(data.get("id"))
    if ident is None:
        problem(lines.key("id") or 1, "not an OSV record: no 'id'")
        return None, problems
    if "modified" not in data:
        problem(lines.key("id") or 1, "missing required field 'modified'")
    affected_raw = data.get("affected", [])
    if not isinstance(affected_raw, list):
        problem(lines.key("affected"), "'affected' is not a list; ignored")
        affected_raw = []
    affected = []
    for index, raw in enumerate(affected_raw):
        entry = _affected(raw, index, lines, problem)
        if entry is not None:
            affected.append(entry)
    summary = _str(data.get("summary"))
    return (
        OsvAdvisory(
            id=ident,
            modified=_str(data.get("modified")),
            published=_str(data.get("published")),
            withdrawn=_str(data.get("withdrawn")),
            aliases=_strs(data.get("aliases")),
            related=_strs(data.get("related")),
            summary=summary.strip() if summary else None,
            details=_str(data.get("details")),
            affected=tuple(affected),
            schema_version=_str(data.get("schema_version")),
            severity=data.get("severity"),
            references=data.get("references"),
            database_specific=data.get("database_specific"),
        ),
        problems,
    )


def _affected(raw: Any, index: int, lines: _Lines, problem: Any) -> AffectedPackage | None:
    line = lines.affected(index)
    where = f"affected[{index}]"
    if not isinstance(raw, Mapping):
        problem(line, f"{where} is not an object; skipped")
        return None
    pkg = raw.get("package")
    if not isinstance(pkg, Mapping) or not _str(pkg.get("ecosystem")) or not _str(pkg.get("name")):
        problem(line, f"{where} has no package ecosystem and name; skipped")
        return None
    ecosystem, name = pkg["ecosystem"].strip(), pkg["name"].strip()
    given = _str(pkg.get("purl"))
    purl = package_purl(ecosystem, name)
    if purl is None:
        base = ecosystems.base_osv_name(ecosystem)
        if ecosystems.by_osv_name(base) is None:
            problem(line, f"{where}: unknown ecosystem {ecosystem!r} for {name!r}")
        else:
            problem(line, f"{where}: {name!r} is not a valid {base} package name")
        if given:
            try:
                purl = purls.parse(given).package
            except ValueError:
                purl = None
    ranges: list[Range] = []
    raw_ranges = raw.get("ranges", [])
    if not isinstance(raw_ranges, list):
        problem(line, f"{where}.ranges is not a list; ignored")
        raw_ranges = []
    for r_index, raw_range in enumerate(raw_ranges):
        rng = versions.range_from_json(raw_range)
        if rng is None:
            problem(line, f"{where}.ranges[{r_index}] is not an object; skipped")
            continue
        raw_events = raw_range.get("events")
        if not isinstance(raw_events, list) or len(raw_events) != len(rng.events):
            problem(line, f"{where}.ranges[{r_index}]: malformed events (each must be one of {versions.EVENT_KINDS})")
        for reason, ev in versions.range_issues(ecosystem, rng):
            ev_line = lines.event(index, ev.kind, ev.version) if ev else line
            problem(ev_line, f"{where} ({name}): {reason}")
        ranges.append(rng)
    listed = raw.get("versions", [])
    if not isinstance(listed, list):
        problem(line, f"{where}.versions is not a list; ignored")
    if not ranges and not _strs(listed):
        problem(line, f"{where} ({name}) lists no ranges and no versions")
    return AffectedPackage(
        package=Package(ecosystem, name, purl, given),
        ranges=tuple(ranges),
        versions=_strs(listed),
        ecosystem_specific=raw.get("ecosystem_specific"),
        database_specific=raw.get("database_specific"),
        severity=raw.get("severity"),
        line=line,
    )


def parse_text(text: str, path: str) -> OsvItem:
    """Parse the text of one OSV JSON file."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return OsvItem(path, None, (Problem(path, exc.lineno, f"malformed JSON: {exc.msg}"),))
    except RecursionError:
        return OsvItem(path, None, (Problem(path, 1, "JSON nested too deeply"),))
    advisory, problems = parse_advisory(data, path, text)
    name = path.rsplit("/", 1)[-1]
    if advisory is not None and is_osv_file_name(name) and name[: -len(".json")] != advisory.id:
        problems.append(Problem(path, _Lines(text).key("id"), f"id {advisory.id!r} does not match the file name"))
    return OsvItem(path, advisory, tuple(problems))


def _decode(data: bytes, path: str) -> str | Problem:
    if len(data) > MAX_FILE_BYTES:
        return Problem(path, None, f"file larger than {MAX_FILE_BYTES} bytes; skipped")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Problem(path, data[: exc.start].count(b"\n") + 1, "not UTF-8 text")


def read_file(path: str | Path) -> OsvItem:
    """Read one OSV JSON file."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return OsvItem(str(path), None, (Problem(str(path), None, f"cannot read: {exc.strerror or exc}"),))
    text = _decode(data, str(path))
    if isinstance(text, Problem):
        return OsvItem(str(path), None, (text,))
    return parse_text(text, str(path))


def read_dir(path: str | Path) -> Iterator[OsvItem]:
    """Read every OSV record file under a directory, sorted by path.

    Fits the GitHub Advisory Database (``advisories/github-reviewed/YYYY/MM/GHSA-…/GHSA-….json``),
    the Go vulndb (``data/osv/GO-….json``) and any tree of ``<ID>.json`` files; other files and
    hidden directories are skipped.
    """
    root = Path(path)
    if not root.is_dir():
        yield OsvItem(str(path), None, (Problem(str(path), None, "not a directory"),))
        return
    found = []
    for p in root.rglob("*.json"):
        rel = p.relative_to(root)
        if any(part.startswith(".") for part in rel.parts[:-1]) or not is_osv_file_name(p.name):
            continue
        found.append(p)
    for p in sorted(found):
        yield read_file(p)


def read_zip(path: str | Path) -> Iterator[OsvItem]:
    """Read an OSV dump (``gs://osv-vulnerabilities/<ecosystem>/all.zip``: one ``<ID>.json`` per member)."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        yield OsvItem(str(path), None, (Problem(str(path), None, f"not a readable zip file: {exc}"),))
        return
    with archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir() or not info.filename.lower().endswith(".json"):
                continue
            where = f"{path}!/{info.filename}"
            if info.file_size > MAX_FILE_BYTES:
                yield OsvItem(where, None, (Problem(where, None, f"member larger than {MAX_FILE_BYTES} bytes"),))
                continue
            try:
                with archive.open(info) as fh:
                    data = fh.read(MAX_FILE_BYTES + 1)
            except (OSError, zipfile.BadZipFile, EOFError, RuntimeError, NotImplementedError) as exc:
                yield OsvItem(where, None, (Problem(where, None, f"cannot read zip member: {exc}"),))
                continue
            text = _decode(data, where)
            if isinstance(text, Problem):
                yield OsvItem(where, None, (text,))
            else:
                yield parse_text(text, where)
