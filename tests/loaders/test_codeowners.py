"""CODEOWNERS (GitHub/GitLab) and Kubernetes OWNERS loaders, and the matching the linker applies."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.ownership.codeowners import CodeownersLoader
from loaders.ownership.k8s_owners import K8sOwnersLoader
from planner.link import Rule, codeowners_match, owners_for
from planner.model import Owner, OwnershipRule, Source
from tests.conftest import FIXTURES

LOADER = CodeownersLoader()
TEXT = (FIXTURES / "deploy" / "codeowners" / "CODEOWNERS").read_text()


def parse(text: str, path: str = ".github/CODEOWNERS"):
    return LOADER.parse(text, Source("r", path, path))


def rules_of(res) -> list[Rule]:
    kinds = {o.key: o.kind for o in res.records if isinstance(o, Owner)}
    return [
        Rule(r.owner, kinds[r.owner], r.pattern, r.order, r.section, "r:x", r.location.path, r.location.line)
        for r in res.records
        if isinstance(r, OwnershipRule)
    ]


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("CODEOWNERS", True),
        (".github/CODEOWNERS", True),
        ("docs/CODEOWNERS", True),
        (".gitlab/CODEOWNERS", True),
        ("CODEOWNERS.md", False),
        ("codeowners", False),
        ("OWNERS", False),
    ],
)
def test_matches(path: str, ok: bool) -> None:
    assert LOADER.matches(path) is ok


def test_fixture_rules() -> None:
    res = parse(TEXT)
    rules = [(r.pattern, r.owner, r.order, r.section) for r in res.records if isinstance(r, OwnershipRule)]
    assert rules == [
        ("*", "@acme/platform", 1, None),
        ("/services/api/", "@acme/api", 2, None),
        ("/services/api/", "@jane", 2, None),
        ("docs/*", "docs@acme.example", 3, None),
        ("services/**/README.md", "@acme/writers", 4, None),
        ("#weird", "@acme/hash", 5, None),
        ("generated.txt", "(unowned)", 6, None),
        ("/db/", "@acme/dba", 7, "Database"),  # section default owners
        ("/services/web/", "@acme/web", 8, "Optional Frontend"),
    ]
    kinds = {o.key: o.kind for o in res.records if isinstance(o, Owner)}
    assert kinds["@jane"] == "user" and kinds["@acme/api"] == "team" and kinds["docs@acme.example"] == "email"


@pytest.mark.parametrize(
    ("path", "owners"),
    [
        ("services/api/pom.xml", ["@acme/api", "@jane"]),  # last match wins
        ("services/api/README.md", ["@acme/writers"]),
        ("docs/a.md", ["docs@acme.example"]),
        ("docs/sub/a.md", ["@acme/platform"]),  # docs/* is not recursive
        ("generated.txt", []),  # a rule without owners unowns
        ("db/schema.sql", ["@acme/dba", "@acme/platform"]),  # GitLab: one winner per section
        ("services/web/package.json", ["@acme/platform", "@acme/web"]),
    ],
)
def test_last_match_wins(path: str, owners: list[str]) -> None:
    assert sorted(r.owner for r in owners_for(rules_of(parse(TEXT)), path)) == owners


@pytest.mark.parametrize(
    ("pattern", "path", "ok"),
    [
        ("*", "a/b", True),
        ("/docs/", "src/docs/x", False),
        ("docs/", "src/docs/x", True),
        ("*.js", "a/b.js", True),
        ("/a/**/b", "a/x/y/b", True),
        ("apps", "x/apps/y", True),
        ("/apps", "x/apps/y", False),
        ("a?c", "abc", True),
    ],
)
def test_patterns(pattern: str, path: str, ok: bool) -> None:
    assert codeowners_match(pattern, path) is ok


def test_bad_owner_token_warns() -> None:
    res = parse("*.py not-an-owner @ok\n")
    assert [str(w) for w in res.warnings] == [".github/CODEOWNERS:1: 'not-an-owner' is not an owner; ignored"]


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=string.printable, max_size=300), st.text(alphabet=string.ascii_lowercase + "/.", max_size=30))
def test_fuzz(text: str, path: str) -> None:
    res = parse(text)
    owners_for(rules_of(res), path)


def test_k8s_owners() -> None:
    text = (
        "approvers:\n- alice\n- sig-leads\nreviewers:\n- bob\n"
        "filters:\n  '.*':\n    approvers: [carol]\n  '\\.go$':\n    approvers: [dan]\n"
    )
    res = K8sOwnersLoader().parse(text, Source("r", "pkg/OWNERS", "pkg/OWNERS"))
    rules = [(r.owner, r.pattern, r.section) for r in res.records if isinstance(r, OwnershipRule)]
    assert rules == [
        ("@alice", "/pkg/", "OWNERS:pkg"),
        ("@sig-leads", "/pkg/", "OWNERS:pkg"),
        ("@carol", "/pkg/", "OWNERS:pkg"),
    ]
    assert [str(w) for w in res.warnings] == ["pkg/OWNERS:9: filter '\\\\.go$' (per file) skipped"]


def test_corpus(corpus: Path) -> None:
    md = (corpus / "GoogleCloudPlatform__microservices-demo" / ".github" / "CODEOWNERS").read_text()
    rules = rules_of(parse(md))
    assert sorted(r.owner for r in owners_for(rules, "src/frontend/go.mod")) == [
        "@GoogleCloudPlatform/devrel-flagship-app-maintainers",
        "@yoshi-approver",
    ]
    wh = (corpus / "pypi__warehouse" / ".github" / "CODEOWNERS").read_text()
    expected = sum(1 for ln in wh.splitlines() if ln.strip() and not ln.startswith("#"))
    rules = rules_of(parse(wh))
    assert len({r.order for r in rules}) == expected
    assert owners_for(rules, "warehouse/locale/messages.pot") == []
    assert sorted(r.owner for r in owners_for(rules, "package.json")) == [
        "@pypi/warehouse-frontend",
        "@pypi/warehouse-reviewers",
    ]
    assert [r.owner for r in owners_for(rules, "pyproject.toml")] == ["@pypi/warehouse-reviewers"]
    etcd = corpus / "etcd-io__etcd"
    for f in etcd.rglob("OWNERS"):
        rel = f.relative_to(etcd).as_posix()
        res = K8sOwnersLoader().parse(f.read_text(), Source("etcd", rel, rel))
        listed = 0
        in_approvers = False
        for ln in f.read_text().splitlines():  # independent count of top-level approvers
            if not ln.startswith((" ", "-")):
                in_approvers = ln.startswith("approvers:")
            elif in_approvers and ln.lstrip().startswith("- "):
                listed += 1
        assert len([r for r in res.records if isinstance(r, OwnershipRule)]) == listed, rel
