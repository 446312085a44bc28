"""The verdict -> CycloneDX analysis table: every exposure verdict has a row, every value is a word of the
CycloneDX schema (the enums of cyclonedx-python-lib), and the choices are the ones docs/sbom.md justifies."""

from __future__ import annotations

from cyclonedx.model.vulnerability import ImpactAnalysisJustification, ImpactAnalysisResponse, ImpactAnalysisState

from planner.exposure import VERDICTS
from planner.sbom import vex


def test_every_verdict_and_the_reachability_ones_have_a_row() -> None:
    assert set(VERDICTS) | {"called", "imported", "not-called"} == set(vex.ANALYSIS)


def test_rows_are_cyclonedx_words() -> None:
    for state, justification, response in vex.ANALYSIS.values():
        ImpactAnalysisState(state)
        if justification:
            ImpactAnalysisJustification(justification)
        if response:
            ImpactAnalysisResponse(response)


def test_the_mapping() -> None:
    assert vex.ANALYSIS == {
        "exposed": ("exploitable", None, "update"),
        "exposed-test-only": ("not_affected", "code_not_reachable", None),
        "unknown": ("in_triage", None, None),
        "declared-range-allows": ("not_affected", "code_not_present", None),
        "not-exposed": ("not_affected", "code_not_present", None),
        "called": ("exploitable", None, "update"),
        "imported": ("exploitable", None, "update"),
        "not-called": ("not_affected", "code_not_reachable", None),
    }


def test_advisory_urls() -> None:
    assert vex.advisory_url("GHSA-jfh8-c2jp-5v3q") == "https://osv.dev/vulnerability/GHSA-jfh8-c2jp-5v3q"
    assert vex.advisory_url("pkg:maven/org.apache.logging.log4j/log4j-core@<2.15.0") is None
