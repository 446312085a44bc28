"""plan_input.publishes_by_project: one pass over the links gives what each plan node's scan of them gave."""

from __future__ import annotations

from typing import Any

from planner.plan_input import publishes_by_project

# consumer -> provider links as the exposure report lists them (sorted), with build units by project
LINKS: list[dict[str, Any]] = [
    # core is consumed by its reactor sibling first (no publish for that), then by an outside service
    {"consumer": "r/api#api", "provider": "r/core#core", "package": "pkg:maven/acme/core", "via": "resolves"},
    {"consumer": "svc/a#a", "provider": "r/core#core", "package": "pkg:maven/acme/core", "via": "declares"},
    {"consumer": "svc/b#b", "provider": "r/core#core", "package": "pkg:maven/acme/core-alt", "via": "declares"},
    # a workspace link carries no package: it never names what is published
    {"consumer": "svc/a#a", "provider": "w/util#util", "package": None, "via": "project"},
    # util is consumed only by a sibling of its own build: it publishes nothing
    {"consumer": "w/cli#cli", "provider": "w/util#util", "package": "pkg:npm/util", "via": "resolves"},
    # a provider with no build unit publishes to anyone, siblings or not
    {"consumer": "svc/b#b", "provider": "lib/x#x", "package": "pkg:maven/acme/x", "via": "declares"},
    {"consumer": "svc/b#b", "provider": "lib/y#y", "package": "", "via": "declares"},
]
UNITS: dict[str, dict[str, Any]] = {
    "r/core#core": {"build_unit": "r/api#api"},
    "r/api#api": {"build_unit": "r/api#api"},
    "w/util#util": {"build_unit": "w/cli#cli"},
    "w/cli#cli": {"build_unit": "w/cli#cli"},
    "svc/a#a": {"build_unit": "svc/a#a"},
    "lib/x#x": {},
}


def _scan(project: str, links: list[dict[str, Any]], units: dict[str, dict[str, Any]]) -> str | None:
    """The computation plan_node made for every project before the index (a scan of every link)."""
    unit = units.get(project, {}).get("build_unit")
    return next(
        (
            link.get("package")
            for link in links
            if link["provider"] == project
            and link.get("package")
            and (unit is None or units.get(link["consumer"], {}).get("build_unit") != unit)
        ),
        None,
    )


def test_the_first_link_to_a_consumer_outside_the_build_names_the_package() -> None:
    assert publishes_by_project(LINKS, UNITS) == {
        "r/core#core": "pkg:maven/acme/core",
        "lib/x#x": "pkg:maven/acme/x",
    }


def test_it_answers_as_the_scan_of_every_link_did() -> None:
    projects = {x for link in LINKS for x in (link["consumer"], link["provider"])}
    index = publishes_by_project(LINKS, UNITS)
    assert {p: index.get(p) for p in projects} == {p: _scan(p, LINKS, UNITS) for p in projects}
    reordered = list(reversed(LINKS))  # the first link in the given order wins, in both
    index = publishes_by_project(reordered, UNITS)
    assert index["r/core#core"] == _scan("r/core#core", reordered, UNITS) == "pkg:maven/acme/core-alt"


def test_no_links_no_packages() -> None:
    assert publishes_by_project([], UNITS) == {}
