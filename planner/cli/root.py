"""The root ``depwave`` group: global options, and every command group registered on it."""

from __future__ import annotations

from pathlib import Path

import click

from planner import __version__
from planner.cli import campaign, db, exposure, ingest, lookups, notify, remediation, sbom
from planner.cli.app import App, DepwaveGroup


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


for _command in (
    ingest.ingest,
    lookups.query,
    lookups.dependents,
    lookups.services,
    lookups.versions,
    lookups.usage,
    lookups.why,
    exposure.exposure,
    sbom.sbom,
    remediation.plan,
    remediation.report,
    remediation.fix,
    notify.notify,
    campaign.campaign,
    db.db,
):
    cli.add_command(_command)


def main() -> None:
    """Console entry point."""
    cli(prog_name="depwave")
