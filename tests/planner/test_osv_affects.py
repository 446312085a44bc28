"""osv.affects_by_package: one advisory's affected[] entries merged per package (shared by the exposure
assessment of an OSV file and the osv-json loader)."""

from __future__ import annotations

from planner.advisories import osv

ADVISORY = {
    "id": "GHSA-test",
    "modified": "2026-01-01T00:00:00Z",
    "affected": [
        {
            "package": {"ecosystem": "Maven", "name": "org.example:lib"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0"}, {"fixed": "2.10.1"}]}],
            "versions": ["2.0", "2.1"],
        },
        {
            "package": {"ecosystem": "Maven", "name": "org.example:lib"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"fixed": "1.9"}]}],
            "versions": ["2.1", "1.0"],
            "ecosystem_specific": {"affected_functions": ["org.example.Lib.run"]},
        },
        {
            "package": {"ecosystem": "npm", "name": "a-lib"},
            "ranges": [],
            "versions": ["1.0.0"],
            "ecosystem_specific": {},
        },
    ],
}


def test_entries_of_one_package_are_merged_and_packages_sorted() -> None:
    advisory, problems = osv.parse_advisory(ADVISORY, "GHSA-test.json")
    assert advisory is not None and problems == []
    maven, npm = osv.affects_by_package(advisory)
    assert maven.package == "pkg:maven/org.example/lib"
    assert maven.ecosystem == "Maven"
    assert [r["events"][0]["introduced"] for r in maven.ranges] == ["2.0", "1.0"]
    assert maven.versions == ("2.0", "2.1", "1.0")  # listed once, in order of appearance
    assert maven.fixed == ("1.9", "2.10.1")  # Maven order, not text order
    assert maven.ecosystem_specific == ({"affected_functions": ["org.example.Lib.run"]},)
    assert (npm.package, npm.fixed, npm.ecosystem_specific) == ("pkg:npm/a-lib", (), ())
