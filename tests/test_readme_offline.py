"""Every ``depwave`` command in the README's shell blocks, run on examples/ without a network (issue 13,
item 10): each exits as the README says, or the README says it needs the network / your own files.

The commands are read from README.md, so a command added there without a row in :data:`EXPECTED` fails
:func:`test_every_readme_command_has_an_expectation`. They run in README order in one store (the
campaign the runbook starts is the one it marks), as whole ``depwave`` processes, with every HTTP(S)
request sent to a closed port on 127.0.0.1 (the proxy variables httpx honours), so nothing leaves the
machine and a command that needs the network fails the way it would offline.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

README = ROOT / "README.md"
NO_NETWORK = "http://127.0.0.1:9"  # the discard port: nothing listens, a connection is refused at once


@dataclass(frozen=True)
class ReadmeCommand:
    """One ``depwave`` command line of a README shell block."""

    line: int
    text: str  # as written, continuation lines joined, comment dropped
    argv: tuple[str, ...]  # after ``depwave``
    env: dict[str, str] = field(default_factory=dict)  # ``NAME=value`` words before it
    stdout_to: str | None = None  # ``> file``


def readme_commands() -> list[ReadmeCommand]:
    """The README's ``depwave`` commands, in order (a pipe's later commands are not depwave's)."""
    text = README.read_text()
    out = []
    for block in re.finditer(r"```(?:sh|bash|shell)\n(.*?)```", text, re.S):
        first_line = text.count("\n", 0, block.start(1)) + 1
        lines = block.group(1).split("\n")
        i = 0
        while i < len(lines):
            start, logical = i, lines[i]
            while logical.endswith("\\") and i + 1 < len(lines):
                i += 1
                logical = logical[:-1] + " " + lines[i].strip()
            i += 1
            words = shlex.split(logical, comments=True)
            if "|" in words:
                words = words[: words.index("|")]
            env = {}
            while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
                name, _, value = words.pop(0).partition("=")
                env[name] = value
            if not words or words[0] != "depwave":
                continue
            stdout_to = None
            if ">" in words:
                stdout_to = words[words.index(">") + 1]
                words = words[: words.index(">")]
            out.append(ReadmeCommand(first_line + start, " ".join(words), tuple(words[1:]), env, stdout_to))
    return out


@dataclass(frozen=True)
class Expect:
    """What a README command does offline on examples/, written by hand from the README's own words."""

    exit: int
    why: str = ""  # for a command that fails offline: what the README says it needs
    files: tuple[str, ...] = ()  # written by the command (``-o``/``--out``/``>``), relative to the cwd
    absent: tuple[str, ...] = ()  # must not exist afterwards (a failed ``-o``)
    says: str = ""  # a phrase its stderr or stdout must hold


#: README command (as :attr:`ReadmeCommand.text`) → what it does offline, in README order. ``repos/``
#: is examples/, ``~/src`` a copy of examples/ (the checkouts ``--apply`` writes into).
EXPECTED: dict[str, Expect] = {
    "depwave ingest repos/ --format json": Expect(0, files=("ingest.json",)),
    "depwave exposure GHSA-jfh8-c2jp-5v3q --format json -o exposure.json": Expect(1, files=("exposure.json",)),
    # the README: "GHSA-7rjr-3q55-vv33 ... comes from the OSV API, so this line needs the network
    # (offline it exits 2, and -o leaves no plan.json behind)"
    "depwave plan --advisory GHSA-jfh8-c2jp-5v3q --advisory GHSA-7rjr-3q55-vv33 --env prod --format json "
    "-o plan.json": Expect(2, why="OSV API", absent=("plan.json",), says="GHSA-7rjr-3q55-vv33"),
    "depwave campaign start --advisory GHSA-jfh8-c2jp-5v3q --name log4shell": Expect(0),
    "depwave campaign mark edit orders-service in-pr --pr https://github.com/acme/orders-service/pull/12": (
        Expect(0, says="in-pr")
    ),
    "depwave campaign status --format json": Expect(0),
    # --post sends: the README's runbook line needs GitHub (a token and the network)
    "depwave notify --campaign log4shell --format github --github-repo acme/security --post": (
        Expect(2, why="GitHub", says="GITHUB_TOKEN")
    ),
    "depwave campaign export --format markdown": Expect(0, files=("log4shell-record.md",)),
    "depwave report --campaign log4shell -o log4shell.html": Expect(0, files=("log4shell.html",)),
    "depwave ingest repos/": Expect(0),
    "depwave exposure CVE-2021-44228": Expect(1),
    # "your own symbols": a package and a symbols file of the responder's, not in examples/
    "depwave exposure pkg:maven/com.acme/acme-parser@<1.4.2 --symbols incident.yaml": (
        Expect(2, why="your own file", says="incident.yaml")
    ),
    "depwave usage pkg:maven/org.apache.logging.log4j/log4j-api": Expect(0),
    "depwave plan --advisory CVE-2021-44228 --format markdown": Expect(0),
    "depwave plan --advisory GHSA-jfh8-c2jp-5v3q --format json": Expect(0, files=("plan.json",)),
    "depwave fix --plan plan.json --out patches/": (Expect(0, files=("patches/fix.json",))),
    "depwave fix --plan plan.json --apply ~/src": Expect(0),
    "depwave fix --plan plan.json --release pkg:maven/com.acme.logging/logging-core=1.4.1 --out patches/": Expect(0),
    "depwave notify --advisory GHSA-jfh8-c2jp-5v3q": Expect(0),
    "depwave notify --campaign log4shell --format github --github-repo acme/security "
    "--github-repo @acme/platform-logging=acme/logging-core": Expect(0),
    # GITHUB_TOKEN=… is a placeholder, refused as no token (never sent, never echoed)
    "depwave notify --campaign log4shell --format github --github-repo acme/security --post#GITHUB_TOKEN": (
        Expect(2, why="GitHub", says="$GITHUB_TOKEN is not a token")
    ),
    # the webhook URL is a placeholder too; offline nothing can be sent: exit 3
    "depwave notify --campaign log4shell --format slack --post#DEPWAVE_SLACK_WEBHOOK": Expect(3, why="Slack"),
    "depwave notify … --format slack --slack-webhook-env @acme/qa=SLACK_QA --post": (
        Expect(2, why="a placeholder (…) for the options above")
    ),
    "depwave sbom billing-service --vex GHSA-jfh8-c2jp-5v3q -o billing.cdx.json": (
        Expect(0, files=("billing.cdx.json",))
    ),
    "depwave sbom --service prod/billing-service --format spdx-json -o billing.spdx.json": (
        Expect(0, files=("billing.spdx.json",))
    ),
    "depwave sbom --all --name acme --format cyclonedx-xml --spec 1.5 --supplier Acme Corp -o acme.cdx.xml": (
        Expect(0, files=("acme.cdx.xml",))
    ),
    "depwave dependents pkg:maven/org.apache.logging.log4j/log4j-core --format json": Expect(0),
    "depwave ingest examples/": Expect(0),
}


def _key(cmd: ReadmeCommand) -> str:
    """The :data:`EXPECTED` key: the text, and ``#NAME`` for a command run with a variable set."""
    return cmd.text + "".join(f"#{name}" for name in cmd.env)


def test_every_readme_command_has_an_expectation() -> None:
    commands = readme_commands()
    assert len(commands) >= 25  # the parser found the blocks
    assert sorted({_key(c) for c in commands}) == sorted(EXPECTED)


def _offline_env(data_dir: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_PROXY", "_proxy")) and k != "GITHUB_TOKEN"}
    env.update(
        DEPWAVE_DATA_DIR=str(data_dir),
        HOME=str(home),
        HTTP_PROXY=NO_NETWORK,
        HTTPS_PROXY=NO_NETWORK,
        ALL_PROXY=NO_NETWORK,
        NO_PROXY="",
        DEPWAVE_USER="readme",
    )
    env.pop("DEPWAVE_SLACK_WEBHOOK", None)
    return env


def _argv(cmd: ReadmeCommand, home: Path) -> list[str]:
    words = []
    for word in cmd.argv:
        if word in ("repos/", "examples/"):
            word = str(EXAMPLES)
        elif word.startswith("~/"):
            word = str(home / word[2:])
        words.append(word)
    return [sys.executable, "-c", "from planner.cli import main; main()", *words]


def test_readme_commands_work_offline_on_examples(tmp_path: Path) -> None:
    """Each README command, in order, as a whole process without a network: its exit code, the files it
    writes (whole: JSON parses), and no traceback; the ones that need the network say what failed."""
    home, cwd, data = tmp_path / "home", tmp_path / "work", tmp_path / "data"
    cwd.mkdir()
    shutil.copytree(EXAMPLES, home / "src")  # the checkouts `fix --apply ~/src` writes into
    env = _offline_env(data, home)
    results = []
    try:
        for cmd in readme_commands():
            expect = EXPECTED[_key(cmd)]
            run_env = {**env, **cmd.env}
            proc = subprocess.run(_argv(cmd, home), cwd=cwd, env=run_env, capture_output=True, text=True, timeout=300)
            gone = [name for name in expect.absent if not (cwd / name).exists()]
            if cmd.stdout_to is not None:
                (cwd / cmd.stdout_to).write_text(proc.stdout)
            results.append((cmd, expect, proc, gone))
    finally:
        subprocess.run(_argv(ReadmeCommand(0, "", ("db", "stop")), home), env=env, capture_output=True, timeout=120)
    for cmd, expect, proc, gone in results:
        where = f"README.md:{cmd.line}: {cmd.text}\nstdout: {proc.stdout[-800:]}\nstderr: {proc.stderr[-800:]}"
        assert proc.returncode == expect.exit, where
        assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, where
        if expect.says:
            assert expect.says in proc.stderr + proc.stdout, where
        if expect.exit not in (0, 1):
            assert proc.stderr.strip(), where  # a failure says why
        assert gone == list(expect.absent), where  # a failed -o leaves no file behind
    for name in {f for _, e, _, _ in results for f in e.files}:
        assert (cwd / name).is_file() and (cwd / name).stat().st_size > 0, name
    for name in re.findall(r"patches/[\w./-]+\.patch", README.read_text()):  # the README's `git apply` lines
        assert (cwd / name).is_file(), name
    for name in ("ingest.json", "exposure.json", "plan.json", "patches/fix.json", "billing.cdx.json"):
        json.loads((cwd / name).read_text())
    assert (cwd / "log4shell-record.md").read_text().startswith("#")


@pytest.mark.parametrize("needs", sorted({e.why for e in EXPECTED.values() if e.why}))
def test_the_readme_says_what_needs_the_network_or_your_files(needs: str) -> None:
    """A command that cannot work offline on examples/ is one the README presents as needing it."""
    text = README.read_text()
    words = {
        "OSV API": "needs the network",
        "GitHub": "--post",
        "Slack": "--post",
        "your own file": "your own symbols",
        "a placeholder (…) for the options above": "depwave notify …",
    }[needs]
    assert words in text
