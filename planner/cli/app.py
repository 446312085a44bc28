"""What every command shares: the exit code table, the App (settings and the store opened once) and
the root group class that maps domain errors to exit codes."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

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
            click.echo(_error_lines(f"depwave: {exc}"), err=True)
            ctx.exit(next((code for cls, code in _EXIT_FOR if isinstance(exc, cls)), EXIT_USAGE))
        except BrokenPipeError:  # `depwave ... | head`: the reader went away; not an error
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed stream until exit
            ctx.exit(EXIT_OK)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("DEPWAVE_DEBUG"):
                raise
            message = f"depwave: internal error: {type(exc).__name__}: {exc} (DEPWAVE_DEBUG=1 shows where)"
            click.echo(_error_lines(message), err=True)
            ctx.exit(EXIT_INTERNAL)


def _error_lines(message: str) -> str:
    """An error message wrapped between words at the terminal's width (when one is known: COLUMNS or a
    terminal), later lines indented; a word longer than a line (a URL, a path) is kept whole rather than cut."""
    import textwrap

    from planner.render.layout import known_width

    width = known_width(sys.stderr)
    if width is None:  # a pipe or a log: the one line, for grep
        return message
    out: list[str] = []
    for line in message.splitlines() or [""]:
        indent = line[: len(line) - len(line.lstrip())]
        wrapped = textwrap.wrap(
            line, width, subsequent_indent=indent + "  ", break_long_words=False, break_on_hyphens=False
        )
        out += wrapped or [line]
    return "\n".join(out)
