"""The ``depwave`` command line: parse options, call the library, render. Exit codes live here."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from planner import __version__
from planner.errors import DepwaveError, LoadError, QueryError, StoreUnavailable, UsageError

# One table of exit codes (README "Exit codes" repeats it).
EXIT_OK = 0
EXIT_FINDINGS = 1  # something exposed (exposure, plan)
EXIT_USAGE = 2  # bad command line, parameter or configuration
EXIT_COMPLETED_WITH_ERRORS = 3  # some inputs were skipped; everything else was done
EXIT_STORE = 4  # the store cannot be started or reached
EXIT_QUERY = 5  # the store rejected a query or a load
EXIT_INTERNAL = 70  # a bug in depwave

_EXIT_FOR = (
    (UsageError, EXIT_USAGE),
    (StoreUnavailable, EXIT_STORE),
    (QueryError, EXIT_QUERY),
    (LoadError, EXIT_QUERY),
)


class App:
    """Settings shared by every command, and the store opened on first use."""

    def __init__(self, store_kind: str | None, data_dir: Path | None) -> None:
        self.store_kind = store_kind
        self.data_dir = data_dir
        self._store = None

    def store(self, start: bool = True):
        """The configured store (embedded by default), opened once."""
        if self._store is None:
            from planner.store import open_store

            self._store = open_store(self.store_kind, self.data_dir, start=start)
        return self._store

    def close(self) -> None:
        """Close the store connection."""
        if self._store is not None:
            self._store.close()


pass_app = click.make_pass_decorator(App)


class DepwaveGroup(click.Group):
    """Maps domain errors to one sentence on stderr and an exit code from the table above; escapes control
    characters in everything a command prints (planner.safe_text)."""

    def invoke(self, ctx: click.Context) -> Any:
        from planner.safe_text import terminal_streams

        with terminal_streams():  # control characters from files never reach the terminal raw
            return self._invoke(ctx)

    def _invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DepwaveError as exc:
            click.echo(f"depwave: {exc}", err=True)
            ctx.exit(next((code for cls, code in _EXIT_FOR if isinstance(exc, cls)), EXIT_USAGE))
        except BrokenPipeError:  # `depwave ... | head`: the reader went away; not an error
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed stream until exit
            ctx.exit(EXIT_OK)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("DEPWAVE_DEBUG"):
                raise
            click.echo(f"depwave: internal error: {type(exc).__name__}: {exc} (DEPWAVE_DEBUG=1 shows where)", err=True)
            ctx.exit(EXIT_INTERNAL)


def output_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``-o/--output FILE`` on document commands: written whole, and only when the command succeeds."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write the document to FILE instead of stdout (whole, and only when the command succeeds).",
    )(f)


def format_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--format table|json`` on every command."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
        help="Output for people (table) or scripts (json, stable schema).",
    )(f)


@click.group(cls=DepwaveGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    "store_kind",
    type=click.Choice(["embedded", "neo4j"]),
    envvar="DEPWAVE_STORE",
    default=None,
    help="Graph store [env DEPWAVE_STORE; default embedded].",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="DEPWAVE_DATA_DIR",
    default=None,
    help="Embedded store directory [env DEPWAVE_DATA_DIR; default $XDG_DATA_HOME/depwave].",
)
@click.version_option(__version__, prog_name="depwave")
@click.pass_context
def cli(ctx: click.Context, store_kind: str | None, data_dir: Path | None) -> None:
    """depwave: what depends on a vulnerable package, and how to get every service onto a fix."""
    ctx.obj = App(store_kind, data_dir)
    ctx.call_on_close(ctx.obj.close)


def wide_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--wide``: every column in full, whatever the terminal's width (tables only)."""
    return click.option(
        "--wide", is_flag=True, help="Show every column in full, without fitting the table to the terminal."
    )(f)


# --------------------------------------------------------------------------------------- ingest


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--repo", help="Treat everything under PATHS as this one repository.")
@click.option("--force", is_flag=True, help="Re-read files even when their content is unchanged.")
@click.option("--no-prune", is_flag=True, help="Keep files that disappeared from a walked repository.")
@click.option("--strict", is_flag=True, help="Also exit 3 when files loaded with warnings.")
@click.option("--allow-errors", is_flag=True, help="Exit 0 even when some files had to be skipped.")
@click.option("--max-file-size", type=int, default=64, show_default=True, help="Skip files larger than this (MiB).")
@click.option("--no-scan", is_flag=True, help="Do not scan source code (imports and call sites) for reachability.")
@format_option
@pass_app
def ingest(
    app: App,
    paths: tuple[Path, ...],
    repo: str | None,
    force: bool,
    no_prune: bool,
    strict: bool,
    allow_errors: bool,
    max_file_size: int,
    no_scan: bool,
    fmt: str,
) -> None:
    """Read manifests, lockfiles, SBOMs and source code under PATHS into the graph."""
    from planner import ingest as ingest_mod
    from planner.render import ingest_view

    if max_file_size < 1:
        raise UsageError("--max-file-size must be at least 1 MiB")
    store = app.store()
    with ingest_view.progress(enabled=fmt == "table") as tick:
        report = ingest_mod.ingest(
            store,
            list(paths),
            repo=repo,
            force=force,
            prune=not no_prune,
            max_bytes=max_file_size * 1024 * 1024,
            progress=tick,
            scan=not no_scan,
        )
    stats = store.stats()
    if fmt == "json":
        from planner.render import emit_json

        emit_json({"schema": "depwave.ingest/1", **report.as_dict(), "graph": stats})
    else:
        ingest_view.show(report, stats)
    if (report.errors and not allow_errors) or (strict and report.warnings):
        sys.exit(EXIT_COMPLETED_WITH_ERRORS)


# ---------------------------------------------------------------------------------------- query


def _param(value: str) -> tuple[str, Any]:
    if "=" not in value:
        raise UsageError(f"--param {value!r}: expected NAME=VALUE")
    name, raw = value.split("=", 1)
    try:
        return name, json.loads(raw)
    except json.JSONDecodeError:
        return name, raw


@cli.command()
@click.argument("query_ref", required=False)
@click.option("-e", "--execute", "cypher", help="Cypher text to run.")
@click.option("-p", "--param", "params", multiple=True, help="NAME=VALUE (VALUE parsed as JSON when it can be).")
@click.option("--write", is_flag=True, help="Allow the query to write (read-only otherwise).")
@click.option("--list", "list_catalog", is_flag=True, help="List the catalog queries and exit.")
@format_option
@wide_option
@pass_app
def query(
    app: App,
    query_ref: str | None,
    cypher: str | None,
    params: tuple[str, ...],
    write: bool,
    list_catalog: bool,
    fmt: str,
    wide: bool,
) -> None:
    """Run Cypher: -e TEXT, a .cypher FILE, or the NAME of a catalog query (docs/queries.md)."""
    from planner import catalog
    from planner.render import query_view

    if list_catalog:
        query_view.show([{"name": n, "about": catalog.summary(n)} for n in catalog.names()], fmt, wide)
        return
    if bool(cypher) == bool(query_ref):
        raise UsageError("give either -e CYPHER or one FILE / catalog query name")
    if cypher is None:
        assert query_ref is not None
        if os.path.isfile(query_ref):
            cypher = Path(query_ref).read_text(encoding="utf-8")
        elif query_ref in catalog.names():
            cypher = catalog.text(query_ref)
        else:
            raise UsageError(f"{query_ref!r} is neither a file nor a catalog query (depwave query --list)")
    rows = app.store().run(cypher, dict(_param(p) for p in params), write=write)
    query_view.show(rows, fmt, wide)


# ----------------------------------------------------------------------------------- dependents


@cli.command()
@click.argument("purl")
@click.option(
    "--depth",
    type=int,
    default=None,
    help="Follow chains through at most N projects (1: the projects that declare or resolve PURL themselves, "
    "at any depth of their own lockfile or SBOM; the depth column counts dependency edges).",
)
@format_option
@wide_option
@pass_app
def dependents(app: App, purl: str, depth: int | None, fmt: str, wide: bool) -> None:
    """What depends on PURL (versionless or @version), directly and through internal libraries."""
    from planner.dependents import find_dependents
    from planner.render import dependents_view

    result = find_dependents(app.store(), purl, max_projects=depth, through_publishers=True)
    dependents_view.show(result, fmt, wide)


# ------------------------------------------------------------------------------------- services


@cli.command()
@click.option(
    "--env",
    "environment",
    default=None,
    help="Only this environment (e.g. prod), and services whose environment is not known (marked).",
)
@format_option
@wide_option
@pass_app
def services(app: App, environment: str | None, fmt: str, wide: bool) -> None:
    """Every deployed service: image, the project it is built from, the repository and the owners."""
    from planner.render import emit_json, services_view
    from planner.services import list_services

    result = list_services(app.store(), environment)
    if fmt == "json":
        emit_json(result.as_dict())
    else:
        services_view.show(result, wide)


# ------------------------------------------------------------------------------------- exposure


def _affected(app: App, target: str, offline: bool, osv_url: str | None, cache_dir: Path | None):
    """ADVISORY_ID | FILE | PURL@RANGE -> affected packages (store first, then the OSV API)."""
    from planner import exposure
    from planner.advisories import osv

    if os.path.isfile(target):
        item = osv.read_file(target)
        if item.advisory is None:
            raise UsageError("; ".join(str(p) for p in item.problems) or f"{target}: not an OSV advisory")
        return exposure.affected_from_osv(item.advisory), [str(p) for p in item.problems]
    if target.startswith("pkg:"):
        return exposure.affected_from_spec(target), []
    found = exposure.affected_from_store(app.store(), target)
    if found:
        return found, []
    from planner.advisories.osv_api import DEFAULT_BASE_URL, OsvClient, OsvError

    cache = cache_dir or (app.data_dir or _default_data_dir()) / "osv-cache"
    try:
        with OsvClient(
            osv_url or os.environ.get("DEPWAVE_OSV_URL") or DEFAULT_BASE_URL, cache_dir=cache, offline=offline
        ) as client:
            advisory = client.get_vuln(target)
    except OsvError as exc:
        raise UsageError(f"{target} is not in the graph and the OSV API could not provide it: {exc}") from exc
    return exposure.affected_from_osv(advisory), []


def _default_data_dir() -> Path:
    from planner.store import default_data_dir

    return default_data_dir()


def osv_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options for commands that may fetch advisories from the OSV API."""
    f = click.option("--offline", is_flag=True, help="Never call the OSV API; use the graph and the cache only.")(f)
    f = click.option("--osv-url", default=None, help="OSV API base URL [env DEPWAVE_OSV_URL; default api.osv.dev].")(f)
    f = click.option(
        "--cache-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="OSV response cache [default: <data dir>/osv-cache].",
    )(f)
    return f


def symbols_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--symbols FILE``: a responder's vulnerable symbols (docs/reachability.md)."""
    return click.option(
        "--symbols",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="Vulnerable symbols file (depwave.symbols/1) for the reachability layer.",
    )(f)


def _reachability(app: App, report: Any, targets: list[str], symbols: Path | None) -> None:
    """Add the reachability layer (called / imported / not-called / not-scanned) to an exposure report."""
    from planner.reachability import layer

    extra, problems = layer.symbols_file_rules(str(symbols) if symbols else None)
    report.problems.extend(problems)
    rules = layer.rules_for_report(report, [*layer.osv_file_rules(targets), *extra])
    layer.add_reachability(app.store(), report, rules)


@cli.command()
@click.argument("target")
@click.option(
    "--env",
    "environment",
    default=None,
    help="Only what runs in this environment (e.g. prod), and what runs where no environment is known (marked).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "sarif", "markdown"]),
    default="table",
    show_default=True,
    help="Table for people, JSON for scripts, SARIF for code scanning, Markdown for tickets.",
)
@wide_option
@symbols_option
@output_option
@osv_options
@pass_app
def exposure(
    app: App,
    target: str,
    environment: str | None,
    fmt: str,
    wide: bool,
    symbols: Path | None,
    output: Path | None,
    offline: bool,
    osv_url: str | None,
    cache_dir: Path | None,
) -> None:
    """Are we exposed to TARGET (an advisory id or alias, an OSV file, or PURL@RANGE)? Exit 1 if so."""
    from planner.output_file import capture_stdout

    with capture_stdout(output, success_codes=(EXIT_OK, EXIT_FINDINGS)):
        _exposure(app, target, environment, fmt, wide, symbols, offline, osv_url, cache_dir)


def _exposure(
    app: App,
    target: str,
    environment: str | None,
    fmt: str,
    wide: bool,
    symbols: Path | None,
    offline: bool,
    osv_url: str | None,
    cache_dir: Path | None,
) -> None:
    from planner import exposure as exposure_mod
    from planner.render import exposure_view

    affected, problems = _affected(app, target, offline, osv_url, cache_dir)
    if not affected:
        raise UsageError(f"{target} affects no package depwave can look up")
    report = exposure_mod.assess(app.store(), affected)
    report.problems = problems + report.problems
    _reachability(app, report, [target], symbols)
    if environment:
        from planner.environments import keep_environment

        keep_environment(report, environment)
    exposure_view.show(report, fmt, wide)
    if report.any_exposed:
        sys.exit(EXIT_FINDINGS)


@cli.command()
@click.argument("purl")
@format_option
@wide_option
@pass_app
def versions(app: App, purl: str, fmt: str, wide: bool) -> None:
    """Which versions of PURL are in use, and where: counted by project, repository and service."""
    from planner import spread
    from planner.render import spread_view

    spread_view.show_versions(spread.version_spread(app.store(), purl), fmt, wide)


@cli.command()
@click.argument("purl")
@click.option("--project", "projects", multiple=True, help="Only calls from this project (key or name; repeatable).")
@click.option("--repo", "repos", multiple=True, help="Only calls from this repository (repeatable).")
@click.option(
    "--scope",
    type=click.Choice(["main", "test", "all"]),
    default="main",
    show_default=True,
    help="Production code, tests, or both.",
)
@click.option("--limit", type=int, default=20, show_default=True, help="Functions shown in the table (0: all).")
@click.option(
    "--symbols",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A symbols file whose 'returns' rewrite call chains (the curated ones always apply).",
)
@format_option
@wide_option
@pass_app
def usage(
    app: App,
    purl: str,
    projects: tuple[str, ...],
    repos: tuple[str, ...],
    scope: str,
    limit: int,
    symbols: Path | None,
    fmt: str,
    wide: bool,
) -> None:
    """The most used functions of PURL across the organisation: calls, projects, repositories, where."""
    from planner import purl as purls
    from planner.reachability import layer
    from planner.reachability.curated import curated_rules
    from planner.reachability.stored import package_usage
    from planner.render import usage_view

    package = purls.parse_user(purl).package
    extra, problems = layer.symbols_file_rules(str(symbols) if symbols else None)
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)
    returns = [pair for rule in [*curated_rules(), *extra] for pair in rule.returns]
    scopes = ["main", "test"] if scope == "all" else [scope]
    rows = package_usage(app.store(), package, projects=projects, repos=repos, scopes=scopes, returns=returns)
    usage_view.show(package, scopes, rows, fmt, limit or None, wide)


@cli.command()
@click.argument("project")
@click.argument("purl")
@format_option
@wide_option
@pass_app
def why(app: App, project: str, purl: str, fmt: str, wide: bool) -> None:
    """Every path by which PROJECT (key, name or repo) reaches PURL."""
    from planner import spread
    from planner.render import spread_view

    spread_view.show_why(spread.why(app.store(), project, purl), fmt, wide)


# ----------------------------------------------------------------------------------------- sbom


@cli.command()
@click.argument("project", required=False)
@click.option(
    "--service", default=None, help="A deployed service (key or name): the projects its images are built from."
)
@click.option("--all", "organisation", is_flag=True, help="The whole organisation: every project in the graph.")
@click.option("--name", default="organisation", show_default=True, help="The organisation's name (with --all).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["cyclonedx-json", "cyclonedx-xml", "spdx-json", "spdx-tagvalue"]),
    default="cyclonedx-json",
    show_default=True,
)
@click.option("--spec", default=None, help="CycloneDX version: 1.4, 1.5 or 1.6 [default 1.6]; SPDX is 2.3.")
@click.option("--vex", "advisories", multiple=True, help="Add the exposure verdicts for this advisory (repeatable).")
@output_option
@click.option(
    "--author", envvar="DEPWAVE_SBOM_AUTHOR", default=None, help="Who assembles the SBOM [env DEPWAVE_SBOM_AUTHOR]."
)
@click.option(
    "--supplier", envvar="DEPWAVE_SBOM_SUPPLIER", default=None, help="Your organisation [env DEPWAVE_SBOM_SUPPLIER]."
)
@click.option("--timestamp", default=None, help="Document time, ISO 8601 [default SOURCE_DATE_EPOCH, else now].")
@click.option(
    "--serial-number",
    envvar="DEPWAVE_SBOM_SERIAL",
    default=None,
    help="Document UUID [env DEPWAVE_SBOM_SERIAL; default random].",
)
@osv_options
@pass_app
def sbom(
    app: App,
    project: str | None,
    service: str | None,
    organisation: bool,
    name: str,
    fmt: str,
    spec: str | None,
    advisories: tuple[str, ...],
    output: Path | None,
    author: str | None,
    supplier: str | None,
    timestamp: str | None,
    serial_number: str | None,
    offline: bool,
    osv_url: str | None,
    cache_dir: Path | None,
) -> None:
    """An SBOM (CycloneDX or SPDX) of PROJECT, a --service or --all, with VEX verdicts for --vex advisories."""
    import uuid

    from planner import exposure as exposure_mod
    from planner import sbom as sbom_mod
    from planner.sbom import collect, vex
    from planner.sbom.model import DocumentInfo

    if sum(bool(x) for x in (project, service, organisation)) != 1:
        raise UsageError("name exactly one of PROJECT, --service NAME or --all")
    try:
        serial = uuid.UUID(serial_number) if serial_number else uuid.uuid4()
    except ValueError:
        raise UsageError(f"--serial-number {serial_number!r}: not a UUID") from None
    from planner.campaign import who

    info = DocumentInfo(sbom_mod.document_timestamp(timestamp), serial, __version__, author or who(), supplier)
    store = app.store()
    if project:
        subject, projects = collect.for_project(store, project)
    elif service:
        subject, projects = collect.for_service(store, service)
    else:
        subject, projects = collect.for_organisation(store, name)
    graph = collect.collect(store, subject, projects)
    for target in advisories:
        affected, problems = _affected(app, target, offline, osv_url, cache_dir)
        if not affected:
            raise UsageError(f"{target} affects no package depwave can look up")
        graph.vex += vex.statements(graph, exposure_mod.assess(store, affected))
        graph.problems += problems
    text = sbom_mod.render(graph, info, fmt, spec)
    if output is None:
        click.echo(text, nl=False)
    else:
        from planner.output_file import write_atomically

        write_atomically(output, text)
    for problem in graph.problems:
        click.echo(f"depwave: {problem}", err=True)


# ----------------------------------------------------------------------------------------- plan


def plan_request_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """What to plan: advisories or a package and fixed version, the scope and the policy (plan, campaign)."""
    for option in reversed(
        (
            click.option("--advisory", "advisories", multiple=True, help="Advisory id/alias or OSV file (repeatable)."),
            click.option("--package", "package", default=None, help="The vulnerable package (versionless purl)."),
            click.option(
                "--fixed",
                default=None,
                help="The version to move to (required with --package; with --advisory, default the lowest "
                "version that clears every advisory).",
            ),
            click.option(
                "--same-branch",
                is_flag=True,
                help="Prefer a fix on each project's own release line (2.12.x -> 2.12.4).",
            ),
            click.option(
                "--env", "environment", default=None, help="Only what production (or this environment) needs."
            ),
            click.option(
                "--repo", "repos", multiple=True, help="Only these repositories (and the libraries they need)."
            ),
            click.option(
                "--owner", "owners", multiple=True, help="Only projects of these owners (and what they need)."
            ),
            click.option(
                "--policy",
                "policy_path",
                type=click.Path(dir_okay=False, path_type=Path),
                default=None,
                help="Policy file [default: ./depwave.yaml when present].",
            ),
        )
    ):
        f = option(f)
    return f


@cli.command()
@plan_request_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "mermaid", "dot"]),
    default="text",
    show_default=True,
    help="Summary, JSON for runbooks (schema depwave.plan/1), Markdown runbook, Mermaid or DOT graph.",
)
@symbols_option
@output_option
@osv_options
@pass_app
def plan(
    app: App,
    advisories: tuple[str, ...],
    package: str | None,
    fixed: str | None,
    same_branch: bool,
    environment: str | None,
    repos: tuple[str, ...],
    owners: tuple[str, ...],
    policy_path: Path | None,
    fmt: str,
    symbols: Path | None,
    output: Path | None,
    offline: bool,
    osv_url: str | None,
    cache_dir: Path | None,
) -> None:
    """The fastest safe build -> publish -> deploy sequence that puts every exposed project on a fix."""
    from planner.output_file import write_atomically
    from planner.planning import PlanRequest, make_plan
    from planner.render import plan_view

    request = PlanRequest(advisories, package, fixed, same_branch, environment, repos, owners)
    policy = _policy(policy_path)
    from planner.reachability.layer import symbols_file_rules

    rules, problems = symbols_file_rules(str(symbols) if symbols else None)
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)
    result = make_plan(app.store(), request, policy, _resolver(app, offline, osv_url, cache_dir), symbols=rules)
    text = plan_view.render(result.plan, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text)


@cli.command()
@plan_request_options
@click.option("--campaign", "campaign_name", default=None, help="Report on this campaign: states, now line, re-plan.")
@output_option
@osv_options
@pass_app
def report(
    app: App,
    advisories: tuple[str, ...],
    package: str | None,
    fixed: str | None,
    same_branch: bool,
    environment: str | None,
    repos: tuple[str, ...],
    owners: tuple[str, ...],
    policy_path: Path | None,
    campaign_name: str | None,
    output: Path | None,
    offline: bool,
    osv_url: str | None,
    cache_dir: Path | None,
) -> None:
    """One self-contained HTML incident report: headline, exposure, Gantt chart, paths, owners (docs/report.md)."""
    from planner import reporting
    from planner.output_file import write_atomically
    from planner.planning import PlanRequest
    from planner.render.report import render_html
    from planner.sbom import document_timestamp

    if not campaign_name and not advisories and not (package and fixed):
        raise UsageError(
            "give --advisory ID|FILE (repeatable), --package PURL with --fixed VERSION, or --campaign NAME"
        )
    request = PlanRequest(advisories, package, fixed, same_branch, environment, repos, owners)
    docs = reporting.collect(
        app.store(),
        request,
        _policy(policy_path),
        _resolver(app, offline, osv_url, cache_dir),
        document_timestamp(None),
        campaign_name,
    )
    text = render_html(docs, environment)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text)


def _policy(path: Path | None):
    from planner.policy import Policy, load_policy

    if path is None and Path("depwave.yaml").is_file():
        path = Path("depwave.yaml")
    return load_policy(path) if path else Policy()


def _resolver(app: App, offline: bool, osv_url: str | None, cache_dir: Path | None):
    def resolve(target: str):
        return _affected(app, target, offline, osv_url, cache_dir)[0]

    return resolve


# ------------------------------------------------------------------------------------------ fix


def _release(value: str) -> tuple[str, str]:
    purl, sep, version = value.rpartition("=")
    if not sep or not purl or not version:
        raise UsageError(f"--release {value!r}: expected PURL=VERSION")
    from planner import purl as purls

    return purls.parse_user(purl).package, version


def _read_plan(path: Path) -> dict[str, Any]:
    from planner.waves import SCHEMA

    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: not a plan: {exc}") from None
    if not isinstance(plan, dict) or plan.get("schema") != SCHEMA:
        raise UsageError(f"{path}: not a plan (expected schema {SCHEMA}, from depwave plan --format json)")
    return plan


@cli.command()
@plan_request_options
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Patch this plan (depwave plan --format json) instead of planning now.",
)
@click.option("--release", "releases", multiple=True, help="PURL=VERSION an internal library was released as.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write the patches here: <repo>/<wave>-<kind>-<name>.patch, and fix.json.",
)
@click.option(
    "--apply",
    "apply_root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Apply them to the checkouts under ROOT (ROOT/<repo>/...).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@osv_options
@pass_app
def fix(
    app: App,
    advisories: tuple[str, ...],
    package: str | None,
    fixed: str | None,
    same_branch: bool,
    environment: str | None,
    repos: tuple[str, ...],
    owners: tuple[str, ...],
    policy_path: Path | None,
    plan_file: Path | None,
    releases: tuple[str, ...],
    out_dir: Path | None,
    apply_root: Path | None,
    fmt: str,
    offline: bool,
    osv_url: str | None,
    cache_dir: Path | None,
) -> None:
    """One ready-to-apply patch per edit step of a plan (exit 3 when some step could not be patched)."""
    from planner.fix import checkouts as fix_checkouts
    from planner.fix import result as fix_result
    from planner.fix import run as fix_run
    from planner.render import fix_view, plan_view

    if plan_file is not None:
        if advisories or package:
            raise UsageError("give either --plan FILE or --advisory/--package, not both")
        plan = _read_plan(plan_file)
    else:
        from planner.planning import PlanRequest, make_plan

        request = PlanRequest(advisories, package, fixed, same_branch, environment, repos, owners)
        result = make_plan(app.store(), request, _policy(policy_path), _resolver(app, offline, osv_url, cache_dir))
        plan = plan_view.as_dict(result.plan)
    store = app.store()
    ctx = fix_checkouts.context(store, plan)
    checkouts = fix_checkouts.Checkouts(ctx.files, apply_root)
    outcome = fix_run.make_fix(plan, ctx, checkouts, dict(_release(r) for r in releases))
    if apply_root is not None:
        fix_result.apply_patches(outcome, checkouts)
    if out_dir is not None:
        fix_result.write_patches(outcome, out_dir, lambda: fix_view.to_json(outcome))
    from planner.render.labels import step_label

    labels = {str(s.get("id")): step_label(s) for s in plan.get("steps") or [] if isinstance(s, dict)}
    fix_view.show(outcome, fmt, show_diffs=out_dir is None and apply_root is None, labels=labels)
    if outcome.errors:
        sys.exit(EXIT_COMPLETED_WITH_ERRORS)


# --------------------------------------------------------------------------------------- notify


@cli.command()
@plan_request_options
@click.option("--campaign", "campaign_name", default=None, help="Notify about what remains of this campaign.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "github", "slack"]),
    default="markdown",
    show_default=True,
    help="Markdown for a tracker, or the JSON payloads of the GitHub issues API / a Slack incoming webhook.",
)
@click.option("--dry-run/--post", "dry_run", default=True, help="Print what would be sent [default], or send it.")
@click.option("--github-repo", "github_repos", multiple=True, metavar="[OWNER=]ORG/REPO", help="Where issues go.")
@click.option(
    "--github-api",
    envvar="DEPWAVE_GITHUB_API",
    default="https://api.github.com",
    show_default=True,
    help="The GitHub REST API [env DEPWAVE_GITHUB_API] (GitHub Enterprise: https://HOST/api/v3).",
)
@click.option(
    "--slack-webhook-env",
    "slack_envs",
    multiple=True,
    metavar="[OWNER=]ENV",
    help="The environment variable holding the webhook URL [default DEPWAVE_SLACK_WEBHOOK].",
)
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help="Seconds per request.")
@osv_options
@pass_app
def notify(
    app: App,
    advisories: tuple[str, ...],
    package: str | None,
    fixed: str | None,
    same_branch: bool,
    environment: str | None,
    repos: tuple[str, ...],
    owners: tuple[str, ...],
    policy_path: Path | None,
    campaign_name: str | None,
    fmt: str,
    dry_run: bool,
    github_repos: tuple[str, ...],
    github_api: str,
    slack_envs: tuple[str, ...],
    timeout: float,
    offline: bool,
    osv_url: str | None,
    cache_dir: Path | None,
) -> None:
    """One message per owner with their steps in wave order: where, the change, the patch, how to verify it
    and when it is due (exit 3 when some message could not be sent)."""
    from datetime import UTC, datetime

    from planner.notify import post as notify_post
    from planner.notify import render as notify_render
    from planner.notify import send as notify_send
    from planner.notify.messages import build
    from planner.render import emit_json

    if not dry_run and fmt == "markdown":
        raise UsageError("--post sends --format github or --format slack (Markdown is for pasting)")
    github = notify_send.PerOwner.parse(github_repos, "--github-repo")
    slack = notify_send.PerOwner.parse(slack_envs, "--slack-webhook-env")
    token = notify_send.github_token(os.environ) if not dry_run and fmt == "github" else ""
    if token and notify_post.plain_http(github_api):
        raise UsageError(f"--github-api {github_api}: give an https:// URL (the token would travel in clear)")
    plan, fix_doc, states, issues = _notify_inputs(
        app,
        campaign_name,
        (advisories, package, fixed, same_branch, environment, repos, owners),
        policy_path,
        (offline, osv_url, cache_dir),
    )
    messages = build(plan, fix_doc, datetime.now(UTC).replace(second=0, microsecond=0), states, owners, campaign_name)
    if not messages:
        click.echo("depwave: no step to notify anyone about", err=True)
        return
    if dry_run:
        if fmt == "markdown":
            click.echo("\n".join(notify_render.markdown(m) for m in messages), nl=False)
        else:
            emit_json(notify_send.dry_run(messages, fmt, github, slack, issues))
        return
    poster = notify_post.Poster(timeout_s=timeout)
    if fmt == "github":
        outcomes = notify_send.to_github(messages, github, github_api, token, poster)
    else:
        outcomes = notify_send.to_slack(messages, slack, os.environ, poster, issues)
    _record_notifications(app, campaign_name, outcomes)
    for o in outcomes:
        if o.sent.ok:
            click.echo(f"sent {o.owner} ({len(o.steps)} steps){': ' + o.sent.url if o.sent.url else ''}")
        else:
            click.echo(f"depwave: not sent: {o.sent.error}", err=True)
    if not all(o.sent.ok for o in outcomes):
        sys.exit(EXIT_COMPLETED_WITH_ERRORS)


def _notify_inputs(
    app: App, campaign_name: str | None, request_args: tuple[Any, ...], policy_path: Path | None, osv: tuple[Any, ...]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str] | None, dict[str, str]]:
    """The plan (a campaign's re-plan of what remains, or a new one), its patches, the campaign's step
    states and the issue URLs already recorded on its steps."""
    from planner.fix import checkouts as fix_checkouts
    from planner.fix import run as fix_run
    from planner.render import plan_view

    store = app.store()
    resolve = _resolver(app, *osv)
    states: dict[str, str] | None = None
    issues: dict[str, str] = {}
    if campaign_name is not None:
        if request_args[0] or request_args[1]:
            raise UsageError("give either --campaign NAME or --advisory/--package, not both")
        from planner import campaign as campaign_mod

        st = campaign_mod.status(store, campaign_name, resolve)
        plan = plan_view.as_dict(st.plan)
        states = {s["id"]: s["state"] for s in st.steps}
        issues = {s["id"]: s["issue"] for s in st.steps if s.get("issue")}
    else:
        from planner.planning import PlanRequest, make_plan

        plan = plan_view.as_dict(make_plan(store, PlanRequest(*request_args), _policy(policy_path), resolve).plan)
    ctx = fix_checkouts.context(store, plan)
    fix_doc = fix_run.make_fix(plan, ctx, fix_checkouts.Checkouts(ctx.files)).as_dict()
    return plan, fix_doc, states, issues


def _record_notifications(app: App, campaign_name: str | None, outcomes: list[Any]) -> None:
    """Keep each created issue's URL on the campaign's steps it covers (with an event)."""
    if campaign_name is None:
        return
    from planner import campaign as campaign_mod

    links = [
        {"id": step, "issue": o.sent.url, "note": f"depwave notify: issue for {o.owner}"}
        for o in outcomes
        if o.sent.ok and o.sent.url
        for step in o.steps
    ]
    campaign_mod.link_issues(app.store(), campaign_name, links)


# ------------------------------------------------------------------------------------- campaign


@cli.group()
def campaign() -> None:
    """A traceable remediation record: the plan and each step's state, kept in the graph."""


@campaign.command("start")
@click.option("--name", default=None, help="Campaign name [default: the advisories and today's date].")
@click.option(
    "--replace",
    is_flag=True,
    help="Re-plan an existing campaign of that name, keeping its start, step states, links and history.",
)
@plan_request_options
@click.option("--by", default=None, help="Who starts it [env DEPWAVE_USER; default the login name].")
@format_option
@osv_options
@pass_app
def campaign_start(
    app: App,
    name: str | None,
    replace: bool,
    advisories: tuple[str, ...],
    package: str | None,
    fixed: str | None,
    same_branch: bool,
    environment: str | None,
    repos: tuple[str, ...],
    owners: tuple[str, ...],
    policy_path: Path | None,
    by: str | None,
    fmt: str,
    offline: bool,
    osv_url: str | None,
    cache_dir: Path | None,
) -> None:
    """Plan and record a campaign (every step starts as todo); a name in use needs --replace."""
    from planner import campaign as campaign_mod
    from planner.planning import PlanRequest
    from planner.render import emit_json, plan_view

    request = PlanRequest(advisories, package, fixed, same_branch, environment, repos, owners)
    policy = _policy(policy_path)
    text = Path(policy.source).read_text(encoding="utf-8") if policy.source and Path(policy.source).is_file() else None
    started = campaign_mod.start(
        app.store(), name, request, policy, text, _resolver(app, offline, osv_url, cache_dir), by, replace
    )
    plan = started.result.plan
    if fmt == "json":
        emit_json(
            {
                "schema": campaign_mod.SCHEMA,
                "campaign": started.key,
                "replaced": started.replaced,
                "counts": started.counts,
                "plan": json.loads(plan_view.render(plan, "json")),
            }
        )
    else:
        if started.replaced:
            counts = ", ".join(f"{n} {k}" for k, n in started.counts.items())
            click.echo(f"campaign {started.key} re-planned: {len(plan.steps)} steps ({counts}); history kept")
        else:
            click.echo(f"campaign {started.key}: {len(plan.steps)} steps recorded as todo")
        click.echo(plan_view.render(plan, "text"), nl=False)


@campaign.command("mark")
@click.argument("step")
@click.argument("state", type=click.Choice(["todo", "in-pr", "done", "failed", "blocked", "bot-error"]))
@click.option("--campaign", "campaign_name", default=None, help="Campaign name [default: the most recent].")
@click.option("--by", default=None, help="Who marks it [env DEPWAVE_USER; default the login name].")
@click.option("--note", default=None, help="A note for the record (reason, context).")
@click.option("--pr", default=None, help="The pull request's URL, kept on the step.")
@click.option("--issue", default=None, help="The tracker issue's URL, kept on the step.")
@format_option
@pass_app
def campaign_mark(
    app: App,
    step: str,
    state: str,
    campaign_name: str | None,
    by: str | None,
    note: str | None,
    pr: str | None,
    issue: str | None,
    fmt: str,
) -> None:
    """Set the STATE of STEP (an id from `campaign status`)."""
    from planner import campaign as campaign_mod
    from planner.render import emit_json

    row = campaign_mod.mark(app.store(), campaign_name, step, state, by, note, pr, issue)
    if fmt == "json":
        emit_json({"schema": campaign_mod.SCHEMA, **row})
    else:
        links = " ".join(f"{k} {row[k]}" for k in ("pr", "issue") if row.get(k))
        click.echo(f"{row['campaign']}: {row['id']} {row['previous']} -> {row['state']}{' ' + links if links else ''}")


@campaign.command("status")
@click.option("--campaign", "campaign_name", default=None, help="Campaign name [default: the most recent].")
@click.option("--owner", default=None, help="Only this owner's steps (the plan still covers every step).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@osv_options
@pass_app
def campaign_status(
    app: App,
    campaign_name: str | None,
    owner: str | None,
    fmt: str,
    offline: bool,
    osv_url: str | None,
    cache_dir: Path | None,
) -> None:
    """Where a campaign stands; what remains is re-planned on the graph as it is now."""
    from planner import campaign as campaign_mod
    from planner.render import campaign_view, emit_json, plan_view

    st = campaign_mod.status(app.store(), campaign_name, _resolver(app, offline, osv_url, cache_dir), owner)
    if fmt == "json":
        emit_json(st.as_dict(json.loads(plan_view.render(st.plan, "json"))))
    elif fmt == "markdown":
        click.echo(campaign_view.status_markdown(st), nl=False)
    else:
        click.echo(campaign_view.status_text(st), nl=False)


@campaign.command("export")
@click.option("--campaign", "campaign_name", default=None, help="Campaign name [default: the most recent].")
@click.option("--format", "fmt", type=click.Choice(["json", "markdown"]), default="json", show_default=True)
@pass_app
def campaign_export(app: App, campaign_name: str | None, fmt: str) -> None:
    """The whole record for auditors: every step with state and links, every change with who and when."""
    from planner import campaign as campaign_mod
    from planner.render import campaign_view, emit_json

    doc = campaign_mod.history(app.store(), campaign_name)
    if fmt == "json":
        emit_json(doc)
    else:
        click.echo(campaign_view.history_markdown(doc), nl=False)


# ------------------------------------------------------------------------------------------- db


@cli.group()
def db() -> None:
    """Start, stop, inspect or empty the graph store."""


@db.command("start")
@format_option
@pass_app
def db_start(app: App, fmt: str) -> None:
    """Start the embedded store (or check Neo4j answers) and create the schema."""
    store = app.store()
    store.ensure_schema()
    _show_status(store.describe() | {"running": True}, fmt)


@db.command("stop")
@click.option(
    "--no-save", is_flag=True, help="Stop without saving: what is not yet on disk is lost (when saving fails)."
)
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Give up after this many seconds.")
@format_option
@pass_app
def db_stop(app: App, no_save: bool, timeout: float, fmt: str) -> None:
    """Stop the embedded store, saving it to disk (exit 4, store left running, when it cannot save)."""
    from planner.store import default_data_dir, embedded_server

    kind = app.store_kind or os.environ.get("DEPWAVE_STORE") or "embedded"
    if kind != "embedded":
        raise UsageError("Neo4j is not started by depwave: stop it with `docker compose down`")
    if timeout <= 0:
        raise UsageError("--timeout must be more than 0 seconds")
    data_dir = app.data_dir or default_data_dir()
    stopped = embedded_server.stop(data_dir, save=not no_save, timeout_s=timeout)
    info = {"store": "embedded", "data_dir": str(data_dir), "stopped": stopped, "saved": stopped and not no_save}
    _show_status(info | {"running": False}, fmt)


@db.command("status")
@format_option
@pass_app
def db_status(app: App, fmt: str) -> None:
    """Is the store running? (exit 4 when it is not)."""
    try:
        info = app.store(start=False).describe() | {"running": True}
    except StoreUnavailable as exc:
        _show_status({"running": False, "reason": str(exc)}, fmt)
        sys.exit(EXIT_STORE)
    _show_status(info, fmt)


@db.command("stats")
@format_option
@pass_app
def db_stats(app: App, fmt: str) -> None:
    """Node counts per label and relationship counts per type."""
    from planner.render import emit_json, ingest_view

    stats = app.store().stats()
    if fmt == "json":
        emit_json({"schema": "depwave.stats/1", **stats})
    else:
        ingest_view.show_stats(stats)


@db.command("reset")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def db_reset(app: App, yes: bool) -> None:
    """Delete the whole graph."""
    if not yes and not click.confirm("Delete the whole depwave graph?", default=False):
        raise UsageError("reset cancelled")
    app.store().reset()
    click.echo("graph deleted")


def _show_status(info: dict[str, Any], fmt: str) -> None:
    from planner.render import emit_json

    if fmt == "json":
        emit_json({"schema": "depwave.db/1", **info})
    else:
        for k, v in info.items():
            click.echo(f"{k}: {v}")


# ----------------------------------------------------------------------------------------- main


def main() -> None:
    """Console entry point."""
    cli(prog_name="depwave")
