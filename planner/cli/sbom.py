"""`depwave sbom`: CycloneDX or SPDX documents with VEX verdicts."""

from __future__ import annotations

from pathlib import Path

import click

from planner import __version__
from planner.cli.advisories import affected_packages
from planner.cli.app import App, pass_app
from planner.cli.options import osv_options, output_option
from planner.errors import UsageError


@click.command()
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
        affected, problems = affected_packages(app, target, offline, osv_url, cache_dir)
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
