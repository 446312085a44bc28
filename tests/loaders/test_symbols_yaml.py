"""The depwave symbols file: a valid file, and each mistake reported at its line."""

from __future__ import annotations

import pytest

from loaders.advisories.symbols_yaml import parse_symbols
from planner.errors import ParseError

VALID = """\
schema: depwave.symbols/1
entries:
  - id: acme-parser
    package: pkg:maven/com.acme/acme-parser
    affected: ">=1.0,<1.4.2"
    symbols:
      - com.acme.parser.Parser.parse*
      - module: com.acme.parser.util
        names: [Eval.run, Eval.compile]
    through:
      - package: pkg:maven/com.acme/acme-api
        requires: [pkg:maven/com.acme/acme-binding]
        symbols: ["com.acme.api.Api.{read,write}"]  # quoted: braces in a flow list
    returns:
      com.acme.api.Apis.get: com.acme.api.Api
    sources: [https://example.com/advisory]
"""


def test_a_valid_file() -> None:
    rules, problems = parse_symbols(VALID, "acme.yaml")
    assert problems == []
    (rule,) = rules
    assert (rule.id, rule.package, rule.affected, rule.origin) == (
        "acme-parser", "pkg:maven/com.acme/acme-parser", ">=1.0,<1.4.2", "acme.yaml:3",
    )  # fmt: skip
    assert rule.symbols.patterns == (
        "com.acme.parser.Parser.parse*", "com.acme.parser.util.Eval.run", "com.acme.parser.util.Eval.compile",
    )  # fmt: skip
    assert rule.symbols.modules == ("com.acme.parser", "com.acme.parser.util")
    (through,) = rule.through
    assert (through.package, through.modules, through.requires) == (
        "pkg:maven/com.acme/acme-api", ("com.acme.api",), ("pkg:maven/com.acme/acme-binding",),
    )  # fmt: skip
    assert rule.returns == (("com.acme.api.Apis.get", "com.acme.api.Api"),)
    assert rule.affects("1.4.1") is True and rule.affects("1.4.2") is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("entries:\n  - package: pkg:npm/x\n    affected: '<1'\n    symbol: [x.y]\n",
         ["f.yaml:4: unknown key 'symbol' in an entry", "f.yaml:2: 'symbols' must be a non-empty list"]),
        ("entries:\n  - package: lodash\n    affected: '<1'\n    symbols: [x]\n",
         ["f.yaml:2: not a package URL"]),
        ("entries:\n  - package: pkg:npm/lodash@4.17.20\n    affected: '<1'\n    symbols: [x]\n",
         ["f.yaml:2: 'package' must be versionless"]),
        ("entries:\n  - package: pkg:npm/lodash\n    symbols: [lodash.x]\n",
         ["f.yaml:2: an entry needs 'affected'"]),
        ("entries:\n  - package: pkg:npm/lodash\n    affected: 'soon'\n    symbols: [lodash.x]\n",
         ["f.yaml:3: affected: "]),
        ("entries:\n  - package: pkg:npm/lodash\n    advisories: [X-1]\n    symbols:\n      - 3\n",
         ["f.yaml:5: a symbol is a qualified name"]),
        ("entries:\n  - package: pkg:npm/lodash\n    advisories: [X-1]\n    symbols: [a]\n    returns: [a]\n",
         ["f.yaml:5: 'returns' maps a callable"]),
    ],
)  # fmt: skip
def test_each_mistake_is_reported_at_its_line(text: str, expected: list[str]) -> None:
    rules, problems = parse_symbols(text, "f.yaml")
    assert rules == []
    assert len(problems) == len(expected)
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(start), problem


def test_a_bad_entry_does_not_hide_the_good_ones() -> None:
    text = VALID + "  - package: pkg:npm/lodash\n    symbols: [lodash.merge]\n"
    rules, problems = parse_symbols(text, "f.yaml")
    assert [r.id for r in rules] == ["acme-parser"] and len(problems) == 1


@pytest.mark.parametrize(
    "text", ["entries: [", "- just\n- a list\n", "entries: {}\n", "a: &a [*a, *a]\nentries: []\n" + "b: " * 1]
)
def test_not_a_symbols_file(text: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_symbols(text, "bad.yaml")
    assert str(err.value).startswith("bad.yaml:")
