"""The wave planner's policy: what it may do, how long things take, how much CI there is.

A policy comes from ``depwave.yaml`` (documented in ``docs/policy.md``), read with
``yaml.safe_load`` semantics and validated strictly: an unknown key, a wrong type, a negative
duration or a zero capacity is a one-sentence :class:`~planner.errors.UsageError` naming the key
and, when the file is known, ``file:line``. ``Policy()`` is the default policy.

Pure: no I/O except :func:`load_policy`, which reads the one file it is given.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from planner.errors import UsageError

STRATEGIES = ("propagate", "override", "direct", "relock")
KINDS = ("library", "application", "service", "test", "unknown")
STEP_KINDS = ("edit", "relock", "build", "publish", "deploy", "decide")
DEFAULT_DURATIONS: Mapping[str, float] = {
    "edit": 0.5,
    "build": 0.5,
    "publish": 0.25,
    "deploy": 0.25,
    "relock": 0.25,
    "decide": 1.0,
}
# ``strategies`` keys: the plural form is canonical, the singular is accepted.
_KIND_KEYS = {
    "libraries": "library",
    "library": "library",
    "applications": "application",
    "application": "application",
    "services": "service",
    "service": "service",
    "tests": "test",
    "test": "test",
    "unknown": "unknown",
}
_KIND_NAMES = "libraries, applications, services, tests, unknown"
DEFAULT_STRATEGIES: Mapping[str, tuple[str, ...]] = {
    "library": ("propagate",),
    "application": ("override", "propagate"),
    "service": ("override", "propagate"),
    "test": ("override", "propagate"),
    "unknown": ("propagate",),
}
_TOP_KEYS = (
    "version",
    "strategies",
    "never_override_across_major",
    "test_only",
    "durations",
    "capacity",
    "repos",
    "owners",
    "environments",
    "production",
    "staging_before_prod",
    "freeze",
    "start",
    "cleanup",
    "defer_libraries",
)


@dataclass(frozen=True, slots=True)
class Freeze:
    """No deploy to ``environment`` may run in ``[start, end)`` (hours after the plan start)."""

    environment: str
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class RepoPolicy:
    """Per-repository overrides: allowed strategies per kind, durations, CI jobs in parallel."""

    strategies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    durations: Mapping[str, float] = field(default_factory=dict)
    capacity: int | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    """Everything the planner may and may not do; the defaults are documented in docs/policy.md."""

    strategies: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_STRATEGIES))
    never_override_across_major: bool = True
    test_only: str = "build"  # build | exclude
    durations: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_DURATIONS))
    capacity: int | None = None  # CI jobs in parallel org-wide; None = unlimited
    per_repo: int | None = None  # default CI jobs in parallel per repository; None = unlimited
    ci_kinds: frozenset[str] = frozenset({"build", "publish"})
    repos: Mapping[str, RepoPolicy] = field(default_factory=dict)
    owners: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    environments: tuple[str, ...] = ("staging", "prod")
    production: tuple[str, ...] | None = None  # None = the last of ``environments``
    staging_before_prod: bool = True
    freeze: tuple[Freeze, ...] = ()
    start: datetime | None = None
    cleanup: bool = False
    #: production first: a library fix that no fix-phase step waits for (every consumer overrides or is
    #: deferred too) moves to the clean-up phase, after every production service is fixed
    defer_libraries: bool = True
    source: str | None = None

    def allowed(self, kind: str, repo: str | None, owners: tuple[str, ...] = ()) -> tuple[str, ...]:
        """Strategies allowed for a project: the repo's rule, else the first owner's, else the kind's."""
        rp = self.repos.get(repo or "")
        if rp is not None and kind in rp.strategies:
            return rp.strategies[kind]
        for owner in sorted(owners):
            rules = self.owners.get(owner)
            if rules is not None and kind in rules:
                return rules[kind]
        return self.strategies.get(kind, DEFAULT_STRATEGIES.get(kind, ("propagate",)))

    def duration(self, step_kind: str, repo: str | None) -> float:
        """Hours a step of this kind takes in this repository."""
        rp = self.repos.get(repo or "")
        if rp is not None and step_kind in rp.durations:
            return rp.durations[step_kind]
        return self.durations.get(step_kind, DEFAULT_DURATIONS[step_kind])

    def repo_capacity(self, repo: str) -> int | None:
        """CI jobs this repository may run in parallel (None = unlimited)."""
        rp = self.repos.get(repo)
        if rp is not None and rp.capacity is not None:
            return rp.capacity
        return self.per_repo

    def production_environments(self) -> tuple[str, ...]:
        """The environments that count as production."""
        if self.production is not None:
            return self.production
        return self.environments[-1:]

    def summary(self) -> dict[str, Any]:
        """A JSON-ready, sorted summary (part of the plan output)."""
        return {
            "source": self.source,
            "strategies": {k: list(v) for k, v in sorted(self.strategies.items())},
            "never_override_across_major": self.never_override_across_major,
            "test_only": self.test_only,
            "durations": {k: self.durations.get(k, DEFAULT_DURATIONS[k]) for k in STEP_KINDS},
            "capacity": {"org": self.capacity, "per_repo": self.per_repo, "kinds": sorted(self.ci_kinds)},
            "repos": {
                name: {
                    "strategies": {k: list(v) for k, v in sorted(rp.strategies.items())},
                    "durations": dict(sorted(rp.durations.items())),
                    "capacity": rp.capacity,
                }
                for name, rp in sorted(self.repos.items())
            },
            "owners": {o: {k: list(v) for k, v in sorted(rules.items())} for o, rules in sorted(self.owners.items())},
            "environments": list(self.environments),
            "production": list(self.production_environments()),
            "staging_before_prod": self.staging_before_prod,
            "freeze": [{"environment": f.environment, "start": f.start, "end": f.end} for f in self.freeze],
            "start": self.start.isoformat() if self.start else None,
            "cleanup": self.cleanup,
            "defer_libraries": self.defer_libraries,
        }


def load_policy(path: str | Path) -> Policy:
    """Read and validate a ``depwave.yaml``; a missing or malformed file is a ``UsageError``."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{p}: cannot read the policy file ({exc.strerror or exc})") from exc
    return parse_policy_text(text, str(p))


def parse_policy_text(text: str, source: str = "depwave.yaml") -> Policy:
    """Validate the text of a ``depwave.yaml``; errors name ``source:line`` and the key."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise UsageError(f"{source}:{line}: {problem}") from exc
    lines: dict[tuple[str, ...], int] = {}
    if node is not None:
        _index_lines(node, (), lines)
    return parse_policy({} if data is None else data, source=source, lines=lines)


def parse_policy(data: Any, source: str | None = None, lines: Mapping[tuple[str, ...], int] | None = None) -> Policy:
    """Validate an already-parsed policy mapping (``yaml.safe_load`` output or a dict in tests)."""
    v = _Validator(source, lines or {})
    root = v.mapping(data, ())
    v.known(root, (), _TOP_KEYS)
    if "version" in root and root["version"] != 1:
        v.fail(("version",), "version must be 1")
    strategies = dict(DEFAULT_STRATEGIES)
    strategies.update(v.strategies(root.get("strategies", {}), ("strategies",)))
    durations = dict(DEFAULT_DURATIONS)
    durations.update(v.durations(root.get("durations", {}), ("durations",)))
    cap = v.mapping(root.get("capacity", {}), ("capacity",))
    v.known(cap, ("capacity",), ("org", "per_repo", "kinds"))
    kinds = _ci_kinds(v, cap.get("kinds", ["build", "publish"]))
    repos = _repo_policies(v, root.get("repos", {}))
    owners = _owner_strategies(v, root.get("owners", {}))
    environments = v.names(root.get("environments", ["staging", "prod"]), ("environments",), nonempty=True)
    production = None
    if root.get("production") is not None:
        production = v.names(root["production"], ("production",), nonempty=True)
    test_only = root.get("test_only", "build")
    if test_only not in ("build", "exclude"):
        v.fail(("test_only",), "test_only must be build or exclude")
    start = v.datetime(root.get("start"), ("start",)) if root.get("start") is not None else None
    return Policy(
        strategies=strategies,
        never_override_across_major=v.boolean(
            root.get("never_override_across_major", True), ("never_override_across_major",)
        ),
        test_only=test_only,
        durations=durations,
        capacity=v.capacity(cap.get("org"), ("capacity", "org")),
        per_repo=v.capacity(cap.get("per_repo"), ("capacity", "per_repo")),
        ci_kinds=kinds,
        repos=repos,
        owners=owners,
        environments=environments,
        production=production,
        staging_before_prod=v.boolean(root.get("staging_before_prod", True), ("staging_before_prod",)),
        freeze=v.freezes(root.get("freeze", []), ("freeze",), start),
        start=start,
        cleanup=v.boolean(root.get("cleanup", False), ("cleanup",)),
        defer_libraries=v.boolean(root.get("defer_libraries", True), ("defer_libraries",)),
        source=source,
    )


def _ci_kinds(v: _Validator, kinds: Any) -> frozenset[str]:
    """``capacity.kinds``: the step kinds that take a CI job."""
    if not isinstance(kinds, list) or any(k not in STEP_KINDS for k in kinds):
        v.fail(("capacity", "kinds"), f"capacity.kinds must be a list of step kinds among {', '.join(STEP_KINDS)}")
    return frozenset(kinds)


def _repo_policies(v: _Validator, value: Any) -> dict[str, RepoPolicy]:
    """``repos``: each repository's strategies, durations and capacity."""
    repos: dict[str, RepoPolicy] = {}
    for name, body in v.mapping(value, ("repos",)).items():
        path = ("repos", str(name))
        body = v.mapping(body, path)
        v.known(body, path, ("strategies", "durations", "capacity"))
        repos[str(name)] = RepoPolicy(
            strategies=v.strategies(body.get("strategies", {}), (*path, "strategies")),
            durations=v.durations(body.get("durations", {}), (*path, "durations")),
            capacity=v.capacity(body.get("capacity"), (*path, "capacity")),
        )
    return repos


def _owner_strategies(v: _Validator, value: Any) -> dict[str, Mapping[str, tuple[str, ...]]]:
    """``owners``: each owner's allowed strategies per kind."""
    owners: dict[str, Mapping[str, tuple[str, ...]]] = {}
    for name, body in v.mapping(value, ("owners",)).items():
        path = ("owners", str(name))
        body = v.mapping(body, path)
        v.known(body, path, ("strategies",))
        owners[str(name)] = v.strategies(body.get("strategies", {}), (*path, "strategies"))
    return owners


def _index_lines(node: yaml.Node, path: tuple[str, ...], out: dict[tuple[str, ...], int]) -> None:
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for k, val in node.value:
            key = (*path, str(k.value))
            out[key] = k.start_mark.line + 1
            _index_lines(val, key, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            key = (*path, str(i))
            out[key] = item.start_mark.line + 1
            _index_lines(item, key, out)


class _Validator:
    """Turns a bad value into a one-sentence ``UsageError`` that names the key and ``file:line``."""

    def __init__(self, source: str | None, lines: Mapping[tuple[str, ...], int]) -> None:
        self.source = source
        self.lines = lines

    def fail(self, path: tuple[str, ...], message: str) -> None:
        where = ""
        if self.source is not None:
            line = None
            for i in range(len(path), -1, -1):
                line = self.lines.get(path[:i])
                if line is not None:
                    break
            where = f"{self.source}:{line}: " if line else f"{self.source}: "
        raise UsageError(f"{where}{message}")

    @staticmethod
    def dotted(path: tuple[str, ...]) -> str:
        return ".".join(path) if path else "the policy"

    def mapping(self, value: Any, path: tuple[str, ...]) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(path, f"{self.dotted(path)} must be a mapping, got {type(value).__name__}")
        return value

    def known(self, value: Mapping[str, Any], path: tuple[str, ...], keys: tuple[str, ...]) -> None:
        for k in value:
            if k not in keys:
                self.fail(
                    (*path, str(k)), f"unknown key {self.dotted((*path, str(k)))} (expected one of {', '.join(keys)})"
                )

    def boolean(self, value: Any, path: tuple[str, ...]) -> bool:
        if not isinstance(value, bool):
            self.fail(path, f"{self.dotted(path)} must be true or false, got {value!r}")
        return value

    def number(self, value: Any, path: tuple[str, ...]) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.fail(path, f"{self.dotted(path)} must be a number of hours, got {value!r}")
        return float(value)

    def capacity(self, value: Any, path: tuple[str, ...]) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(path, f"{self.dotted(path)} must be a positive whole number of parallel CI jobs, got {value!r}")
        return value

    def strategies(self, value: Any, path: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for k, allowed in self.mapping(value, path).items():
            kp = (*path, str(k))
            kind = _KIND_KEYS.get(str(k))
            if kind is None:
                self.fail(
                    kp,
                    f"unknown key {self.dotted(kp)} (expected one of {_KIND_NAMES})",
                )
            if not isinstance(allowed, list) or any(s not in STRATEGIES for s in allowed):
                self.fail(kp, f"{self.dotted(kp)} must be a list of strategies among {', '.join(STRATEGIES)}")
            out[kind] = tuple(dict.fromkeys(allowed))
        return out

    def durations(self, value: Any, path: tuple[str, ...]) -> dict[str, float]:
        out: dict[str, float] = {}
        for k, hours in self.mapping(value, path).items():
            kp = (*path, str(k))
            if k not in STEP_KINDS:
                self.fail(kp, f"unknown key {self.dotted(kp)} (expected one of {', '.join(STEP_KINDS)})")
            h = self.number(hours, kp)
            if h < 0:
                self.fail(kp, f"{self.dotted(kp)} must not be negative, got {hours!r}")
            out[str(k)] = h
        return out

    def names(self, value: Any, path: tuple[str, ...], nonempty: bool = False) -> tuple[str, ...]:
        if not isinstance(value, list) or any(not isinstance(x, str) or not x for x in value):
            self.fail(path, f"{self.dotted(path)} must be a list of names")
        if nonempty and not value:
            self.fail(path, f"{self.dotted(path)} must not be empty")
        if len(set(value)) != len(value):
            self.fail(path, f"{self.dotted(path)} lists a name twice")
        return tuple(value)

    def datetime(self, value: Any, path: tuple[str, ...]) -> datetime:
        if isinstance(value, datetime):
            dt = value
        elif isinstance(value, str):
            try:
                dt = datetime.fromisoformat(value)
            except ValueError:
                self.fail(path, f"{self.dotted(path)} must be an ISO 8601 date-time, got {value!r}")
        else:
            self.fail(path, f"{self.dotted(path)} must be an ISO 8601 date-time, got {value!r}")
        return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)

    def moment(self, value: Any, path: tuple[str, ...], start: datetime | None) -> float:
        """Hours after the plan start: a number as is, a date-time relative to ``start``."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self.number(value, path)
        dt = self.datetime(value, path)
        if start is None:
            self.fail(path, f"{self.dotted(path)} is a date-time, so the policy needs a start date-time")
        return (dt - start).total_seconds() / 3600.0

    def freezes(self, value: Any, path: tuple[str, ...], start: datetime | None) -> tuple[Freeze, ...]:
        if not isinstance(value, list):
            self.fail(path, f"{self.dotted(path)} must be a list of windows")
        out = []
        for i, item in enumerate(value):
            ip = (*path, str(i))
            item = self.mapping(item, ip)
            self.known(item, ip, ("environment", "start", "end"))
            for k in ("environment", "start", "end"):
                if k not in item:
                    self.fail(ip, f"{self.dotted(ip)} needs {k}")
            env = item["environment"]
            if not isinstance(env, str) or not env:
                self.fail((*ip, "environment"), f"{self.dotted((*ip, 'environment'))} must be a name")
            s = self.moment(item["start"], (*ip, "start"), start)
            e = self.moment(item["end"], (*ip, "end"), start)
            if e <= s:
                self.fail((*ip, "end"), f"{self.dotted((*ip, 'end'))} must be after its start")
            out.append(Freeze(env, s, e))
        return tuple(sorted(out, key=lambda f: (f.environment, f.start, f.end)))
