"""Read-only questions to the graph: query, dependents, services, versions, usage, why."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from planner.cli.app import App, pass_app
from planner.cli.options import document_output, format_option, wide_option
from planner.errors import UsageError


def _param(value: str) -> tuple[str, Any]:
    if "=" not in value:
        raise UsageError(f"--param {value!r}: expected NAME=VALUE")
    name, raw = value.split("=", 1)
    try:
        return name, json.loads(raw)
    except json.JSONDecodeError:
        return name, raw


@click.command()
@click.argument("query_ref", required=False)
@click.option("-e", "--execute", "cypher", help="Cypher text to run.")
@click.option("-p", "--param", "params", multiple=True, help="NAME=VALUE (VALUE parsed as JSON when it can be).")
@click.option("--write", is_flag=True, help="Allow the query to write (read-only otherwise).")
@click.option("--list", "list_catalog", is_flag=True, help="List the catalog queries and exit.")
@format_option
@wide_option
@pass_app
@document_output
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


@click.command()
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
@document_output
def dependents(app: App, purl: str, depth: int | None, fmt: str, wide: bool) -> None:
    """What depends on PURL (versionless or @version), directly and through internal libraries."""
    from planner.dependents import find_dependents
    from planner.render import dependents_view

    result = find_dependents(app.store(), purl, max_projects=depth, through_publishers=True)
    dependents_view.show(result, fmt, wide, depth)


@click.command()
@click.option(
    "--env",
    "environment",
    default=None,
    help="Only this environment (e.g. prod), and services whose environment is not known (marked).",
)
@format_option
@wide_option
@pass_app
@document_output
def services(app: App, environment: str | None, fmt: str, wide: bool) -> None:
    """Every deployed service: image, the project it is built from, the repository and the owners."""
    from planner.render import emit_json, services_view
    from planner.services import list_services

    result = list_services(app.store(), environment)
    if fmt == "json":
        emit_json(result.as_dict())
    else:
        services_view.show(result, wide)


@click.command()
@click.argument("purl")
@format_option
@wide_option
@pass_app
@document_output
def versions(app: App, purl: str, fmt: str, wide: bool) -> None:
    """Which versions of PURL are in use, and where: counted by project, repository and service."""
    from planner import version_spread
    from planner.render import spread_view

    spread_view.show_versions(version_spread.version_spread(app.store(), purl), fmt, wide)


@click.command()
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
@document_output
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


@click.command()
@click.argument("project")
@click.argument("purl")
@format_option
@wide_option
@pass_app
@document_output
def why(app: App, project: str, purl: str, fmt: str, wide: bool) -> None:
    """Every path by which PROJECT (key, name, repo or a table's label) reaches PURL."""
    from planner import why as why_paths
    from planner.render import spread_view

    spread_view.show_why(why_paths.why(app.store(), project, purl), fmt, wide)
