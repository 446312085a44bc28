"""The root ``depwave`` group: global options, and every command, imported only when it is run.

:data:`COMMANDS` names each command's module; ``depwave dependents`` imports ``planner.cli.lookups``
and nothing of ``plan``, ``campaign`` or ``notify``. ``depwave --help`` loads every command to list it,
so each command's short help stays in one place: its own docstring."""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from planner import __version__
from planner.cli.app import App, DepwaveGroup

#: every command on the root group: its name -> ``module:attribute`` of its click command
COMMANDS = {
    "ingest": "planner.cli.ingest:ingest",
    "query": "planner.cli.lookups:query",
    "dependents": "planner.cli.lookups:dependents",
    "services": "planner.cli.lookups:services",
    "versions": "planner.cli.lookups:versions",
    "usage": "planner.cli.lookups:usage",
    "why": "planner.cli.lookups:why",
    "exposure": "planner.cli.exposure:exposure",
    "sbom": "planner.cli.sbom:sbom",
    "plan": "planner.cli.remediation:plan",
    "report": "planner.cli.remediation:report",
    "fix": "planner.cli.remediation:fix",
    "notify": "planner.cli.notify:notify",
    "campaign": "planner.cli.campaign:campaign",
    "db": "planner.cli.db:db",
}


class LazyGroup(DepwaveGroup):
    """A group whose commands are imported from :data:`COMMANDS` when first asked for (run, or listed)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, sorted (as click lists them)."""
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command called ``cmd_name``, importing its module the first time."""
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attribute = COMMANDS[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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


def main() -> None:
    """Console entry point."""
    cli(prog_name="depwave")
