"""The ``depwave`` command line: parse options, call the library, render. Exit codes live in app.py;
one module per command group, registered on the root group in root.py."""

from planner.cli.app import (
    EXIT_COMPLETED_WITH_ERRORS,
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_QUERY,
    EXIT_STORE,
    EXIT_USAGE,
)
from planner.cli.root import cli, main

__all__ = [
    "EXIT_COMPLETED_WITH_ERRORS",
    "EXIT_FINDINGS",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_QUERY",
    "EXIT_STORE",
    "EXIT_USAGE",
    "cli",
    "main",
]
