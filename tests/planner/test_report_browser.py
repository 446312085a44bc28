"""``depwave report`` opened in headless Chromium (Debian's package, driven by Playwright).

Checked as a reader would: no console errors, no network request, the figures equal the JSON
documents', filters and search change what is shown, keyboard use, print styles, hostile names stay
text. Screenshots go to the test's tmp dir (the path is printed; ``pytest -s`` shows it).
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import expect

from planner.cli import cli
from planner.render.report import render_html
from planner.waves import build_plan
from tests.conftest import EXAMPLES, synthetic_report_docs
from tests.planner.synthetic_org import POLICY, TARGET, synthetic_org

ADVISORY = str(EXAMPLES / "security" / "advisories" / "GHSA-jfh8-c2jp-5v3q.json")


@pytest.fixture()
def run(store, data_dir: Path, monkeypatch, libraries_in_fix_phase: Path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704704400")  # 2024-01-08 09:00 UTC
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--data-dir", str(data_dir), *args])

    return invoke


class Page:
    """One page load with every console message, page error and request recorded."""

    def __init__(self, chromium, path: Path) -> None:
        self.page = chromium.new_page()
        self.problems: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.problems.append(m.text))
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog {d.message}"), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)

    def text(self, selector: str) -> str:
        return self.page.inner_text(selector).strip()

    def visible(self, selector: str) -> int:
        """How many match and are not hidden by a filter (whether their group is open or not)."""
        return self.page.eval_on_selector_all(selector, "els => els.filter(e => !e.closest('.hidden')).length")

    def choose(self, dimension: str, label: str) -> None:
        self.page.select_option(f'select[data-filter="{dimension}"]', label=label)

    def close(self) -> None:
        assert self.problems == [], self.problems
        assert self.requests == [self.url], self.requests  # the file itself and nothing else
        self.page.close()


def test_examples_report_in_chromium(run, chromium, tmp_path: Path) -> None:
    assert run("ingest", str(EXAMPLES)).exit_code == 0
    out = tmp_path / "examples.html"
    res = run("report", "--advisory", ADVISORY, "-o", str(out))
    assert res.exit_code == 0, res.output
    plan = json.loads(run("plan", "--advisory", ADVISORY, "--format", "json").output)
    exposure = json.loads(run("exposure", ADVISORY, "--format", "json").output)
    page = Page(chromium, out)
    # the figures are the JSON's ...
    assert page.text('[data-json="plan.services_fixed"]') == f"{plan['services_fixed']:g} h"
    assert page.text('[data-json="plan.baseline.services_fixed"]') == f"{plan['baseline']['services_fixed']:g} h"
    assert page.text('[data-json="plan.makespan"]') == f"{plan['makespan']:g} h"
    assert page.text('[data-json="plan.steps.length"]') == str(len(plan["steps"]))
    for verdict, n in exposure["counts"].items():
        if n:
            assert page.text(f'[data-json="exposure.counts.{verdict}"]') == str(n)
    # ... and what examples/ was built to show (by hand): billing-service and orders-service run in prod;
    # an override fixes each in edit 0.5 + build 0.5 + staging 0.25 + prod 0.25 = 1.5 h; 20 steps;
    # owners from CODEOWNERS and catalog-info.yaml: @acme/{billing,commons,identity,orders,platform-logging,
    # platform-web,qa,sre}, group:default/{billing,orders}
    assert page.text('[data-json="exposed-prod"]') == "2"
    assert page.text('[data-json="plan.services_fixed"]') == "1.5 h"
    assert page.text('[data-json="plan.steps.length"]') == "20"
    assert page.text('[data-json="owners"]') == "10"
    # a project is listed under each of its owners: logging-core 1, orders-service 2 (@acme/orders,
    # group:default/orders), commons-util 2, auth-client 1, platform-web 1, billing-service 2, integration-tests 1
    assert page.visible("#exposure tr.fi") == 10
    assert page.page.locator("svg.gantt rect[data-step]").count() == 20
    assert page.page.locator("svg.gantt rect.cp").count() == len(plan["critical_path"])
    page.page.screenshot(path=str(tmp_path / "examples.png"), full_page=True)
    print(f"screenshot: {tmp_path / 'examples.png'}")

    # filters: orders' steps are edit, build, deploy staging, deploy prod
    page.choose("owner", "@acme/orders")
    assert page.visible("#exposure tr.fi") == 1
    assert page.visible("#owners tr.fi") == 4
    assert page.page.locator("svg.gantt rect[data-step]:not(.dim)").count() == 4
    page.choose("environment", "prod")  # edits and builds belong to every environment; staging's deploy goes
    assert page.visible("#owners tr.fi") == 3
    page.page.click("#reset")
    # a locator wait, not wait_for_function: the report's CSP forbids the eval that one needs
    expect(page.page.locator("tr.fi.hidden")).to_have_count(0)
    # search: build.gradle is only orders-service's change location (its exposure row and its edit step,
    # each under both of its owners)
    page.page.fill("#q", "build.gradle")
    assert page.visible("#exposure tr.fi") == 2 and page.visible("#owners tr.fi") == 2
    assert page.text("#shown").startswith("4 of ")
    page.page.fill("#q", "")
    # keyboard: Tab from the search box reaches the owner menu; arrow keys choose an owner
    page.page.focus("#q")
    page.page.keyboard.press("Tab")
    assert page.page.evaluate("document.activeElement.dataset.filter") == "owner"
    page.page.keyboard.press("ArrowDown")  # the first owner: @acme/billing (billing-service)
    assert page.visible("#exposure tr.fi") == 1
    assert page.visible("#owners tr.fi") == 4
    # print: no filter bar
    page.page.emulate_media(media="print")
    assert page.page.is_hidden("#filters")
    page.close()

    # --env prod scopes the plan (integration-tests' edit and build are not needed for prod: 18 steps; staging
    # deploys stay, staging comes before prod) and preselects the environment filter, which hides them
    res = run("report", "--advisory", ADVISORY, "--env", "prod", "-o", str(out))
    assert res.exit_code == 0, res.output
    page = Page(chromium, out)
    chosen = page.page.eval_on_selector('select[data-filter="environment"]', "s => s.selectedOptions[0].text")
    assert chosen == "prod"
    assert page.text('[data-json="plan.steps.length"]') == "18"
    assert page.page.locator("#owners tr.fi", has_text="deploy staging").count() == 2 * 2  # two services, 2 owners
    assert page.page.locator("#owners tr.fi.hidden").count() == 4  # exactly those: the rest is prod or every env
    assert page.visible("#exposure tr.fi") == 10  # exposure keeps every project: libraries belong to every env
    page.close()


def test_campaign_report_shows_states_and_now(run, chromium, tmp_path: Path, monkeypatch) -> None:
    assert run("ingest", str(EXAMPLES)).exit_code == 0
    monkeypatch.delenv("SOURCE_DATE_EPOCH")  # the campaign is created now; the report is made now
    assert run("campaign", "start", "--advisory", ADVISORY, "--name", "log4shell").exit_code == 0
    edit = "edit:acme-logging/logging-core#pkg:maven/com.acme.logging/logging-core"
    build = "build:acme-logging/logging-core#pkg:maven/com.acme.logging/logging-core"
    assert run("campaign", "mark", edit, "done").exit_code == 0
    assert run("campaign", "mark", build, "in-pr").exit_code == 0
    bot = "build:billing-service/.#pkg:maven/com.acme.billing/billing-service"
    assert run("campaign", "mark", bot, "bot-error").exit_code == 0
    out = tmp_path / "campaign.html"
    res = run("report", "--campaign", "log4shell", "-o", str(out))
    assert res.exit_code == 0, res.output
    page = Page(chromium, out)
    assert page.page.locator("svg.gantt line.now").count() == 1
    assert page.page.locator("svg.gantt rect.st-done").count() == 1
    assert page.page.locator("svg.gantt rect.st-in-pr").count() == 1
    assert page.page.locator("svg.gantt rect.st-bot-error").count() == 1
    # todo steps are split: the 3 other first-wave edits and the decide step wait for nothing
    assert (
        page.text('[data-json="campaign.statuses"]')
        == "13 awaiting-parents, 4 awaiting-pr, 1 in-pr, 1 done, 1 bot-error"
    )
    assert page.page.locator(f'#owners tr[data-step="{edit}"] .st-done').count() == 1
    billing_edit = "edit:billing-service/.#pkg:maven/com.acme.billing/billing-service"
    assert page.page.locator(f'#owners tr[data-step="{billing_edit}"] .st-awaiting-pr').count() >= 1
    assert page.page.locator(f'#owners tr[data-step="{bot}"] .st-bot-error').count() >= 1
    page.page.screenshot(path=str(tmp_path / "campaign.png"), full_page=True)
    print(f"screenshot: {tmp_path / 'campaign.png'}")
    page.close()
    wrong = run("report", "--campaign", "log4shell", "--advisory", "GHSA-7rjr-3q55-vv33")
    assert wrong.exit_code == 2 and "leave out --advisory" in wrong.output


HOSTILE_REPO = '<img src=x onerror="window.pwned=1">'
HOSTILE_NAME = '"><script>window.pwned=2</script>'


def test_hostile_names_stay_text_in_the_browser(run, chromium, tmp_path: Path) -> None:
    """A repository directory and a component name carrying markup, loaded like any other files."""
    org = tmp_path / "org"
    shutil.copytree(EXAMPLES, org)
    repo = org / HOSTILE_REPO
    repo.mkdir()
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {"component": {"type": "application", "name": HOSTILE_NAME, "purl": "pkg:maven/evil/app@1.0"}},
        "components": [
            {
                "type": "library",
                "name": "log4j-core",
                "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                "bom-ref": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            }
        ],
    }
    (repo / "bom.json").write_text(json.dumps(bom), encoding="utf-8")
    assert run("ingest", str(org)).exit_code == 0
    out = tmp_path / "hostile.html"
    assert run("report", "--advisory", ADVISORY, "-o", str(out)).exit_code == 0
    page = Page(chromium, out)
    assert page.page.evaluate("window.pwned") is None
    assert page.page.locator("img").count() == 0
    assert page.page.locator("script").count() == 1
    assert HOSTILE_REPO in page.page.text_content("#exposure")  # as text, in the (closed) no-owner group
    page.close()


def test_synthetic_org_of_1500_services_stays_readable(chromium, tmp_path: Path) -> None:
    """The planner's synthetic organisation (10 library chains 9 deep, 1,500 exposed services in
    staging and prod, 50 teams): a row per team, closed groups, filters on 6,000+ steps."""
    graph = synthetic_org(projects=3000, exposed_services=1500)
    plan = build_plan(graph, TARGET, POLICY)
    assert len(plan.steps) > 4000
    docs = synthetic_report_docs(graph, plan, datetime(2024, 1, 8, 9, tzinfo=UTC))
    out = tmp_path / "synthetic.html"
    out.write_text(render_html(docs), encoding="utf-8")
    assert out.stat().st_size < 5_000_000
    page = Page(chromium, out)
    rows = page.page.locator("svg.gantt g.row").count()
    assert rows == 50  # more than 40 repositories: one row per team (@synth/team0 .. team49)
    assert page.text('[data-json="plan.steps.length"]') == str(len(plan.steps))
    assert page.text('[data-json="exposed-prod"]') == "1530"  # 1,500 chain services + 1 % of 3,000 direct
    assert page.page.locator("#owners details.grp[open]").count() == 6  # the rest open on demand
    page.choose("owner", "@synth/team7")
    n = page.visible("#owners tr.fi")
    assert 0 < n == sum(1 for s in plan.steps if "@synth/team7" in s.owners)
    page.page.screenshot(path=str(tmp_path / "synthetic.png"), full_page=False)
    print(f"screenshot: {tmp_path / 'synthetic.png'}")
    page.close()
    if os.environ.get("DEPWAVE_REPORT_SHOTS"):
        shutil.copytree(tmp_path, os.environ["DEPWAVE_REPORT_SHOTS"], dirs_exist_ok=True)


def test_report_needs_a_target_and_leaves_no_file_when_it_fails(run, tmp_path: Path) -> None:
    assert run("ingest", str(EXAMPLES)).exit_code == 0
    res = run("report")
    assert res.exit_code == 2 and "--advisory" in res.output
    out = tmp_path / "r.html"
    res = run("report", "--advisory", "GHSA-0000-0000-0000", "--offline", "-o", str(out))
    assert res.exit_code == 2 and not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no temporary file left behind either
    res = run("report", "--advisory", ADVISORY)  # without -o: the HTML on stdout
    assert res.exit_code == 0 and res.output.startswith("<!DOCTYPE html>")
