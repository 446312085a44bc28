"""depwave.yaml: defaults, the full example, and one-sentence errors naming the key and file:line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from planner.errors import UsageError
from planner.policy import DEFAULT_DURATIONS, Policy, load_policy, parse_policy, parse_policy_text
from tests.planner.plan_fixtures import FIXTURES


def test_defaults():
    p = Policy()
    assert p.allowed("library", "any") == ("propagate",)
    assert p.allowed("service", "any") == ("override", "propagate")
    assert p.duration("build", "any") == 0.5
    assert dict(p.durations) == dict(DEFAULT_DURATIONS)
    assert p.capacity is None and p.repo_capacity("x") is None
    assert p.ci_kinds == {"build", "publish"}
    assert p.production_environments() == ("prod",)
    assert p.never_override_across_major and p.staging_before_prod and not p.cleanup and p.defer_libraries
    assert parse_policy({}) == Policy(source=None)
    assert parse_policy_text("") == Policy(source="depwave.yaml")


def test_full_example():
    p = load_policy(FIXTURES / "full.depwave.yaml")
    assert p.capacity == 20 and p.per_repo == 4 and p.repo_capacity("acme-web") == 1
    assert p.duration("build", "acme-web") == 2.0 and p.duration("build", "other") == 0.5
    assert p.allowed("service", "acme-web") == ("propagate",)
    assert p.allowed("service", "other", ("@acme/payments",)) == ("propagate",)
    assert p.allowed("service", "other", ("@someone",)) == ("override", "propagate")
    assert p.environments == ("dev", "staging", "prod") and p.production_environments() == ("prod",)
    assert p.start == datetime(2024, 1, 8, 9, tzinfo=UTC)
    # 2024-01-12T17:00Z is 4 days 8 hours after the start; the window ends 2024-01-15T08:00Z
    assert [(f.environment, f.start, f.end) for f in p.freeze] == [("prod", 104.0, 167.0), ("staging", 30.0, 32.0)]
    assert p.cleanup and p.defer_libraries and p.test_only == "build"
    assert p.summary()["capacity"] == {"org": 20, "per_repo": 4, "kinds": ["build", "publish"]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("capacity:\n  org: 0\n", r"depwave.yaml:2: capacity.org must be a positive whole number"),
        ("capacity:\n  org: -3\n", r"depwave.yaml:2: capacity.org must be a positive"),
        ("capacity:\n  org: two\n", r"depwave.yaml:2: capacity.org must be a positive"),
        ("capacity:\n  per_repo: 1.5\n", r"depwave.yaml:2: capacity.per_repo"),
        ("capacity:\n  kinds: [build, lunch]\n", r"depwave.yaml:2: capacity.kinds must be a list of step kinds"),
        ("durations:\n  build: -1\n", r"depwave.yaml:2: durations.build must not be negative"),
        ("durations:\n  build: soon\n", r"depwave.yaml:2: durations.build must be a number of hours"),
        ("durations:\n  coffee: 1\n", r"depwave.yaml:2: unknown key durations.coffee"),
        ("stratgies:\n  services: [override]\n", r"depwave.yaml:1: unknown key stratgies"),
        ("strategies:\n  daemons: [override]\n", r"depwave.yaml:2: unknown key strategies.daemons"),
        ("strategies:\n  services: [overide]\n", r"depwave.yaml:2: strategies.services must be a list of strategies"),
        ("strategies: [override]\n", r"depwave.yaml:1: strategies must be a mapping"),
        ("cleanup: yes please\n", r"depwave.yaml:1: cleanup must be true or false"),
        ("\n\ndefer_libraries: 2\n", r"depwave.yaml:3: defer_libraries must be true or false"),
        ("never_override_across_major: 1\n", r"never_override_across_major must be true or false"),
        ("environments: []\n", r"depwave.yaml:1: environments must not be empty"),
        ("environments: [prod, prod]\n", r"environments lists a name twice"),
        ("test_only: maybe\n", r"test_only must be build or exclude"),
        ("version: 2\n", r"depwave.yaml:1: version must be 1"),
        ("repos:\n  web:\n    capacity: 0\n", r"depwave.yaml:3: repos.web.capacity must be a positive"),
        ("repos:\n  web:\n    speed: 3\n", r"depwave.yaml:3: unknown key repos.web.speed"),
        ("owners:\n  '@a':\n    strategies: {libraries: [nope]}\n", r"depwave.yaml:3: owners.@a.strategies.libraries"),
        (
            "freeze:\n  - {environment: prod, start: 5, end: 2}\n",
            r"depwave.yaml:2: freeze.0.end must be after its start",
        ),
        ("freeze:\n  - {environment: prod, start: 5}\n", r"depwave.yaml:2: freeze.0 needs end"),
        (
            "freeze:\n  - {environment: prod, start: 2024-01-01T00:00:00Z, end: 2024-01-02T00:00:00Z}\n",
            r"freeze.0.start is a date-time, so the policy needs a start date-time",
        ),
        ("start: tomorrow\n", r"depwave.yaml:1: start must be an ISO 8601 date-time"),
        ("- just\n- a list\n", r"depwave.yaml:1: the policy must be a mapping"),
        ("capacity: {org: [1\n", r"depwave.yaml:\d+: "),
    ],
)
def test_bad_policies(text, message):
    with pytest.raises(UsageError, match=message) as info:
        parse_policy_text(text)
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(UsageError, match="cannot read the policy file"):
        load_policy(tmp_path / "nope.yaml")


def test_error_names_the_file(tmp_path):
    f = tmp_path / "depwave.yaml"
    f.write_text("# org policy\ncapacity:\n  org: 20\n  per_repo: 0\n")
    with pytest.raises(UsageError, match=rf"^{f}:4: capacity.per_repo must be a positive whole number"):
        load_policy(f)


def test_dict_errors_without_a_file():
    with pytest.raises(UsageError, match=r"^durations.edit must not be negative"):
        parse_policy({"durations": {"edit": -0.5}})
