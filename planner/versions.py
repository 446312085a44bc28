"""Version parsing, ordering and OSV range matching, per ecosystem.

Each ecosystem's parser is its version scheme (:mod:`planner.ecosystems.schemes`). Orderings come from
``univers`` where it is right (Maven ``ComparableVersion``, SemVer 2.0 for
npm / Go / crates.io, RubyGems, NuGet) and from ``packaging`` for PyPI (PEP 440). Where univers
is too lenient or wrong we correct it here, each case pinned by a test in
``tests/planner/test_versions.py``:

* SemVer ecosystems: univers coerces ``1.2``, ``01.2.3``, ``1.0.0.0`` and ``1.0.0-`` into valid
  versions; we accept only strict SemVer 2.0 (plus the ``v`` prefix Go and npm allow) and answer
  "cannot tell" for anything else.
* Maven: univers does not know the ``release`` alias of Maven 3.9 (``1.0.RELEASE`` == ``1.0``);
  we rewrite it to ``ga``, which univers treats as the release qualifier. univers also hashes
  equal Maven versions differently (``2.4`` / ``2.4.0``), so parsed versions here are compared,
  never hashed.
* Packagist: univers compares Composer versions as SemVer (``RC1`` < ``beta1``, ``dev`` >
  ``alpha``), which is wrong, so Packagist is not supported (every answer is ``None``).

OSV evaluation (https://ossf.github.io/osv-schema/#evaluation): a version is affected when it is
listed in ``versions`` or lies in some range; inside a range the events are sorted by version and
walked as a timeline (``introduced`` opens, ``fixed`` closes at the version, ``last_affected``
closes after it), ``introduced: "0"`` sorts before everything and a range with ``limit`` events
only covers versions below one of them. ``GIT`` ranges need a commit graph and are not matchable.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from planner import ecosystems
from planner.ecosystems.schemes import Unparsable, semver_any

#: OSV event kinds, in the order they sort on a tie of versions
EVENT_KINDS = ("introduced", "last_affected", "fixed", "limit")
RANGE_TYPES = ("ECOSYSTEM", "SEMVER", "GIT")

_BRANCH = re.compile(r"\D*?(\d+)(?:\.(\d+))?")
_MAX_LEN = 256


def is_supported(ecosystem: str) -> bool:
    """Whether versions of this OSV ecosystem can be ordered here."""
    known = ecosystems.by_osv_name(ecosystem)
    return known is not None and known.parse_version is not None


@functools.total_ordering
@dataclass(frozen=True, slots=True, eq=False)
class ParsedVersion:
    """A version string with its ecosystem ordering. Compare them; do not hash them."""

    text: str
    value: Any

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ParsedVersion):
            return NotImplemented
        return bool(self.value == other.value)

    def __lt__(self, other: ParsedVersion) -> bool:
        return bool(self.value < other.value)

    __hash__ = None  # type: ignore[assignment]


@functools.lru_cache(maxsize=65536)
def _parse_cached(kind: str, text: str) -> ParsedVersion | None:
    parser = semver_any if kind == "SEMVER" else _parser(kind)
    if parser is None or not isinstance(text, str) or not text or len(text) > _MAX_LEN:
        return None
    try:
        return ParsedVersion(text, parser(text))
    except Exception:  # univers raises its own classes (InvalidNuGetVersion is no ValueError)
        return None


def _parser(ecosystem: str) -> Callable[[str], Any] | None:
    known = ecosystems.by_osv_name(ecosystem)
    return known.parse_version if known else None


def parse(ecosystem: str, version: str) -> ParsedVersion | None:
    """Parse ``version`` under the ordering of an OSV ecosystem; None when it is not a version there."""
    if not isinstance(ecosystem, str) or not isinstance(version, str):
        return None
    return _parse_cached(ecosystems.base_osv_name(ecosystem), version)


def parse_semver(version: str) -> ParsedVersion | None:
    """Parse a strict SemVer 2.0 version (a leading ``v`` allowed), the ordering of OSV ``SEMVER`` ranges."""
    return _parse_cached("SEMVER", version) if isinstance(version, str) else None


def compare(ecosystem: str, a: str, b: str) -> int | None:
    """-1, 0 or 1 as ``a`` sorts before, equal to or after ``b``; None when either does not parse."""
    pa, pb = parse(ecosystem, a), parse(ecosystem, b)
    if pa is None or pb is None:
        return None
    return _cmp(pa, pb)


def _cmp(a: ParsedVersion, b: ParsedVersion) -> int:
    return -1 if a < b else (1 if b < a else 0)


# -- OSV ranges --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Event:
    """One OSV range event: ``kind`` is introduced | fixed | last_affected | limit."""

    kind: str
    version: str


@dataclass(frozen=True, slots=True)
class Range:
    """One OSV ``affected[].ranges[]`` item."""

    type: str
    events: tuple[Event, ...]
    repo: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The OSV JSON form of the range."""
        out: dict[str, Any] = {"type": self.type, "events": [{e.kind: e.version} for e in self.events]}
        if self.repo:
            out["repo"] = self.repo
        return out


def range_from_json(raw: Any) -> Range | None:
    """A :class:`Range` from OSV JSON, keeping every well-formed event; None when it is not a range object."""
    if not isinstance(raw, Mapping):
        return None
    events = []
    items = raw.get("events")
    for item in items if isinstance(items, list) else ():
        if isinstance(item, Mapping) and len(item) == 1:
            ((kind, version),) = item.items()
            if kind in EVENT_KINDS and isinstance(version, str):
                events.append(Event(kind, version))
    repo = raw.get("repo")
    return Range(str(raw.get("type", "")), tuple(events), repo if isinstance(repo, str) else None)


def _entry_parts(entry: Any) -> tuple[list[Range], list[str]]:
    """Ranges and versions of an affected entry: an OSV JSON mapping or an object with those attributes."""
    if isinstance(entry, Mapping):
        raw_ranges, raw_versions = entry.get("ranges") or (), entry.get("versions") or ()
    else:
        raw_ranges, raw_versions = getattr(entry, "ranges", ()), getattr(entry, "versions", ())
    ranges = [r if isinstance(r, Range) else range_from_json(r) for r in raw_ranges or ()]
    versions = [v for v in raw_versions or () if isinstance(v, str)]
    return [r for r in ranges if r is not None], versions


def _parser_for(ecosystem: str, range_type: str) -> Callable[[str], ParsedVersion | None] | None:
    if range_type == "SEMVER":
        return parse_semver
    if range_type == "ECOSYSTEM" and is_supported(ecosystem):
        return functools.partial(parse, ecosystem)
    return None


def _sorted_events(events: Sequence[Event], parser: Callable[[str], ParsedVersion | None]) -> list[tuple[Any, Event]]:
    """Events with their parsed versions, sorted by version ("0" first); raises Unparsable on a bad one."""
    keyed: list[tuple[Any, Event]] = []
    for e in events:
        if e.kind == "introduced" and e.version == "0":
            keyed.append((None, e))
        elif e.kind == "limit" and "*" in e.version:
            continue
        else:
            p = parser(e.version)
            if p is None:
                raise Unparsable(e.version)
            keyed.append((p, e))
    order = EVENT_KINDS.index

    def cmp(a: tuple[Any, Event], b: tuple[Any, Event]) -> int:
        (pa, ea), (pb, eb) = a, b
        c = (pa is not None) - (pb is not None) if pa is None or pb is None else _cmp(pa, pb)
        return c or order(ea.kind) - order(eb.kind)

    return sorted(keyed, key=functools.cmp_to_key(cmp))


def _in_range(v: ParsedVersion, rng: Range, parser: Callable[[str], ParsedVersion | None]) -> bool:
    events = _sorted_events(rng.events, parser)
    limits = [p for p, e in events if e.kind == "limit"]
    if limits and not any(v < lim for lim in limits):
        return False
    vulnerable = False
    for p, e in events:
        if e.kind == "introduced" and (p is None or v >= p):
            vulnerable = True
        elif (e.kind == "fixed" and v >= p) or (e.kind == "last_affected" and v > p):
            vulnerable = False
    return vulnerable


def _listed(ecosystem: str, version: str, listed: Sequence[str]) -> bool:
    if version in listed:
        return True
    v = parse(ecosystem, version)
    if v is None:
        return False
    return any(p is not None and p == v for p in (parse(ecosystem, x) for x in listed))


def is_affected(ecosystem: str, version: str, entry: Any) -> bool | None:
    """Whether ``version`` is affected by one OSV ``affected[]`` entry (JSON mapping or parsed object).

    True when the version is listed in ``versions`` or lies in a range; False when it lies in
    none; None when that cannot be told: the ecosystem is not supported, the version or a range's
    event does not parse, or the only ranges are ``GIT`` ranges (commit graphs) with no
    ``versions`` list to fall back on.
    """
    ranges, versions = _entry_parts(entry)
    if not isinstance(version, str) or not isinstance(ecosystem, str):
        return None
    if versions and _listed(ecosystem, version, versions):
        return True
    unknown = False
    evaluated = bool(versions)
    for rng in ranges:
        if rng.type == "GIT":
            continue
        parser = _parser_for(ecosystem, rng.type)
        v = parser(version) if parser else None
        if parser is None or v is None:
            unknown = True
            continue
        try:
            if _in_range(v, rng, parser):
                return True
        except Unparsable:
            unknown = True
            continue
        evaluated = True
    if unknown or not evaluated:
        return None
    return False


def fixed_versions(entry: Any, ecosystem: str | None = None) -> tuple[str, ...]:
    """The ``fixed`` versions of an entry's non-GIT ranges, deduplicated, lowest first when the
    ecosystem (given, or the entry's ``package.ecosystem``) can order them, else in file order."""
    ranges, _ = _entry_parts(entry)
    if ecosystem is None and isinstance(entry, Mapping) and isinstance(entry.get("package"), Mapping):
        ecosystem = entry["package"].get("ecosystem")
    if ecosystem is None:
        ecosystem = getattr(getattr(entry, "package", None), "ecosystem", None)
    seen: list[str] = []
    for rng in ranges:
        if rng.type == "GIT":
            continue
        seen.extend(e.version for e in rng.events if e.kind == "fixed" and e.version not in seen)
    if isinstance(ecosystem, str) and is_supported(ecosystem):
        return tuple(sort_versions(ecosystem, seen))
    return tuple(seen)


def sort_versions(ecosystem: str, versions: Iterable[str]) -> list[str]:
    """Versions lowest first under the ecosystem's ordering; unparsable ones last, in text order."""
    good: list[tuple[ParsedVersion, str]] = []
    bad: list[str] = []
    for text in versions:
        p = parse(ecosystem, text)
        if p is None:
            bad.append(text)
        else:
            good.append((p, text))
    good.sort(key=functools.cmp_to_key(lambda a, b: _cmp(a[0], b[0])))
    return [t for _, t in good] + sorted(bad)


def branch(version: str) -> tuple[int, int] | None:
    """The release line of a version: its first two numbers (``2.12.1`` -> (2, 12), ``v0.13.0`` -> (0, 13))."""
    m = _BRANCH.match(version) if isinstance(version, str) else None
    if m is None:
        return None
    return int(m.group(1)), int(m.group(2) or 0)


def _affected_by_any(ecosystem: str, version: str, entries: Sequence[Any]) -> bool | None:
    answers = [is_affected(ecosystem, version, e) for e in entries]
    if any(a is True for a in answers):
        return True
    return None if any(a is None for a in answers) else False


def lowest_fixed_above(
    ecosystem: str, version: str, entries: Iterable[Any], *, same_branch: bool = False
) -> str | None:
    """The lowest ``fixed`` version above ``version`` that no entry affects (of every listed advisory).

    Candidates are the ``fixed`` events of all entries; with ``same_branch`` only those on the
    version's release line (same major.minor). None when no candidate clears every entry or the
    versions cannot be ordered.
    """
    entries = list(entries)
    current = parse(ecosystem, version)
    if current is None:
        return None
    line = branch(version)
    candidates = {f for e in entries for f in fixed_versions(e, ecosystem)}
    for cand in sort_versions(ecosystem, candidates):
        p = parse(ecosystem, cand)
        if p is None or not current < p:
            continue
        if same_branch and branch(cand) != line:
            continue
        if _affected_by_any(ecosystem, cand, entries) is False:
            return cand
    return None


def fix_for(ecosystem: str, version: str, entries: Iterable[Any], *, same_branch: bool = False) -> str | None:
    """The version to move to so that no entry affects it: ``version`` itself when it is already clear,
    else :func:`lowest_fixed_above` (on the same major.minor line when ``same_branch``); None when no
    listed fix clears every entry or it cannot be told."""
    entries = list(entries)
    status = _affected_by_any(ecosystem, version, entries)
    if status is False:
        return version
    if status is None and parse(ecosystem, version) is None:
        return None
    return lowest_fixed_above(ecosystem, version, entries, same_branch=same_branch)


# -- checks used by the readers -----------------------------------------------------------------


def range_problems(ecosystem: str, rng: Range) -> list[str]:
    """What is wrong with a range as written: no ``introduced``, both ``fixed`` and
    ``last_affected``, an event version that does not parse, or an impossible interval (a
    ``fixed``/``last_affected`` below the ``introduced`` it closes)."""
    return [reason for reason, _ in range_issues(ecosystem, rng)]


def range_issues(ecosystem: str, rng: Range) -> list[tuple[str, Event | None]]:
    """:func:`range_problems` with the event each problem is about (None for the whole range)."""
    issues: list[tuple[str, Event | None]] = []
    if rng.type not in RANGE_TYPES:
        return [(f"unknown range type {rng.type!r}", None)]
    if rng.type == "GIT" and not rng.repo:
        issues.append(("GIT range without a repo", None))
    if not any(e.kind == "introduced" for e in rng.events):
        issues.append(("range has no 'introduced' event", None))
    kinds = {e.kind for e in rng.events}
    if {"fixed", "last_affected"} <= kinds:
        issues.append(("range has both 'fixed' and 'last_affected' events", None))
    parser = _parser_for(ecosystem, rng.type)
    if rng.type == "GIT" or parser is None:
        return issues
    opened: tuple[ParsedVersion | None, str] | None = None
    for e in rng.events:
        p: ParsedVersion | None = None
        if not ((e.kind == "introduced" and e.version == "0") or (e.kind == "limit" and "*" in e.version)):
            p = parser(e.version)
            if p is None:
                kind = "SemVer" if rng.type == "SEMVER" else ecosystems.base_osv_name(ecosystem)
                issues.append((f"{e.kind} {e.version!r} is not a {kind} version", e))
                continue
        if e.kind == "introduced":
            opened = (p, e.version)
        elif e.kind in ("fixed", "last_affected") and opened is not None:
            low, low_text = opened
            if p is not None and low is not None and (p < low or (e.kind == "fixed" and p == low)):
                issues.append((f"impossible range: {e.kind} {e.version!r} is not above introduced {low_text!r}", e))
            opened = None
    return issues


def decode_entry(ranges_json: Mapping[str, Any] | Sequence[Any]) -> dict[str, Any]:
    """The matchable entry behind an ``AFFECTS.ranges`` value (already ``json.loads``-ed): the loader
    stores ``{"ecosystem", "ranges", "versions"}``; a bare list is read as ranges."""
    if isinstance(ranges_json, Mapping):
        return dict(ranges_json)
    return {"ranges": list(ranges_json), "versions": []}
