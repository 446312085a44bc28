"""Hostile trees: symlinks out of the walked path, symlink loops, pipes, control characters in names.

The repository is laid out like pallets/flask (pyproject.toml, requirements/*.txt, .github/CODEOWNERS);
the hostile part is one link or one name each."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.ingest import discover

PYPROJECT = """[project]
name = "Flask"
version = "3.1.0"
dependencies = [
    "Werkzeug>=3.1",
    "Jinja2>=3.1.2",
]
"""
CODEOWNERS = "* @pallets/maintainers\n/docs/ @pallets/docs\n"


def flask_like(root: Path) -> Path:
    repo = root / "flask"
    (repo / ".git").mkdir(parents=True)
    (repo / ".github").mkdir()
    (repo / "requirements").mkdir()
    (repo / "pyproject.toml").write_text(PYPROJECT)
    (repo / ".github" / "CODEOWNERS").write_text(CODEOWNERS)
    (repo / "requirements" / "docs.txt").write_text("sphinx==8.1.3\npallets-sphinx-themes==2.3.0\n")
    return repo


@pytest.fixture()
def run(store, data_dir: Path):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--store", "embedded", "--data-dir", str(data_dir), *args])

    return invoke


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    """Files beside the walked tree that a link points at (the tester used /etc/passwd)."""
    d = tmp_path / "elsewhere"
    d.mkdir()
    (d / "passwd").write_text("* @root:x:0:0:root:/root:/bin/bash\n/secret/ @daemon:x:1:1\n")
    (d / "requirements.txt").write_text("stolen-internal-package==9.9.9\n")
    return d


def test_links_out_of_the_walked_tree_are_refused_with_a_warning_and_never_read(
    run, tmp_path: Path, outside: Path
) -> None:
    org = tmp_path / "org"
    repo = flask_like(org)
    (repo / ".github" / "CODEOWNERS").unlink()
    (repo / ".github" / "CODEOWNERS").symlink_to(outside / "passwd")
    (repo / "requirements" / "dev.txt").symlink_to(outside / "requirements.txt")
    res = run("ingest", str(org), "--format", "json")
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["loaded"] == 2  # pyproject.toml, requirements/docs.txt
    assert report["warnings"] == [
        f"{org}/flask/.github/CODEOWNERS:0: symbolic link to a file outside {org} ({outside}/passwd); not read",
        f"{org}/flask/requirements/dev.txt:0: symbolic link to a file outside {org} "
        f"({outside}/requirements.txt); not read",
    ]
    owners = run("query", "list_ownership_rules", "--format", "json")
    assert json.loads(owners.stdout)["rows"] == []
    names = run("query", "-e", "MATCH (p:Package) RETURN p.name AS name ORDER BY name", "--format", "json")
    assert {r["name"] for r in json.loads(names.stdout)["rows"]} >= {"werkzeug", "sphinx"}
    assert "stolen-internal-package" not in names.stdout
    assert "root:x" not in res.stdout


def test_a_link_inside_the_walked_tree_is_read_once(tmp_path: Path) -> None:
    repo = flask_like(tmp_path)
    (repo / "requirements" / "tests.txt").write_text("pytest==8.3.3\n")
    (repo / "requirements" / "dev.txt").symlink_to("tests.txt")
    refused: list[str] = []
    found = [c.source.path for c in discover([tmp_path], refused=refused)]
    assert found == ["pyproject.toml", ".github/CODEOWNERS", "requirements/dev.txt", "requirements/docs.txt"]
    assert refused == []


def test_a_self_referencing_link_is_one_warning_and_the_rest_loads(run, tmp_path: Path) -> None:
    repo = flask_like(tmp_path)
    (repo / "pom.xml").symlink_to("pom.xml")
    (repo / "requirements" / "a.txt").symlink_to("b.txt")
    (repo / "requirements" / "b.txt").symlink_to("a.txt")
    (repo / "requirements" / "gone.txt").symlink_to("never-there.txt")
    res = run("ingest", str(tmp_path))
    assert res.exit_code == 0, res.output
    assert "internal error" not in res.output
    as_json = json.loads(run("ingest", str(tmp_path), "--format", "json", "--force").stdout)
    assert as_json["loaded"] == 3
    assert as_json["warnings"] == [
        f"{tmp_path}/flask/pom.xml:0: symbolic link loop; not read",
        f"{tmp_path}/flask/requirements/a.txt:0: symbolic link loop; not read",
        f"{tmp_path}/flask/requirements/b.txt:0: symbolic link loop; not read",
        f"{tmp_path}/flask/requirements/gone.txt:0: symbolic link to a file that cannot be read "
        "(No such file or directory); not read",
    ]


def test_a_named_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    repo = flask_like(tmp_path)
    os.mkfifo(repo / "requirements" / "dev.txt")
    refused: list[str] = []
    found = [c.source.path for c in discover([tmp_path], refused=refused)]
    assert "requirements/dev.txt" not in found
    assert refused == [
        f"{tmp_path}/flask/requirements/dev.txt:0: not a regular file (a pipe, socket or device); not read"
    ]


def test_control_characters_in_file_names_never_reach_the_terminal(run, tmp_path: Path) -> None:
    evil = tmp_path / "svc\x1b]0;owned\x07\nforged.txt:1: all good"
    evil.mkdir()
    (evil / "requirements.txt").write_text("requests==2.32.3\nthis is \x1b[2J not a requirement\n")
    res = run("ingest", str(tmp_path))
    assert "\x1b" not in res.output and "\x07" not in res.output
    lines = [line for line in res.output.splitlines() if "requirements.txt" in line]
    assert len(lines) == 1  # the newline in the directory name did not split the warning
    # the path is shown relative and cut in the middle at 100 columns (issue 18); the reason is the loader's repr()
    assert "requirements.txt:2: invalid requirement 'this is \\x1b[2J" in " ".join(res.output.split())
    (warning,) = json.loads(run("ingest", str(tmp_path), "--force", "--format", "json").stdout)["warnings"]
    assert warning.startswith(f"{tmp_path}/svc\\u001b]0;owned\\u0007\\u000aforged.txt:1: all good/requirements.txt:2:")
    listing = run("query", "-e", "MATCH (r:Repo) RETURN r.key AS repo")
    assert "\x1b" not in listing.output and "\\u001b]0;owned" in listing.output


def test_a_nul_in_one_package_name_drops_that_record_not_the_file(run, tmp_path: Path) -> None:
    app = tmp_path / "web"
    app.mkdir()
    manifest = {"name": "web", "version": "1.0.0", "dependencies": {"left-pad": "^1.3.0", "ev\u0000il": "1.0.0"}}
    lock = {
        "name": "web",
        "version": "1.0.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {
            "": manifest,
            "node_modules/left-pad": {
                "version": "1.3.0",
                "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",
            },
            "node_modules/ev\u0000il": {"version": "1.0.0"},
        },
    }
    (app / "package.json").write_text(json.dumps(manifest, indent=2))
    (app / "package-lock.json").write_text(json.dumps(lock, indent=2))
    res = run("ingest", str(tmp_path), "--format", "json")
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert (report["loaded"], report["errors"]) == (2, [])
    assert report["warnings"] == [
        f"{app}/package-lock.json:0: dropped a Resolved record: 'pkg:npm/ev%00il@1.0.0' holds a NUL character, "
        "which the store cannot keep",
        f"{app}/package.json:6: dropped a Declared record: 'pkg:npm/ev%00il' holds a NUL character, "
        "which the store cannot keep",
    ]
    users = json.loads(run("dependents", "pkg:npm/left-pad", "--format", "json").stdout)
    assert [(d["name"], d["relation"]) for d in users["dependents"]] == [("web", "declares")]


def test_a_candidate_kept_as_text_names_the_real_file_and_the_path_as_given(tmp_path: Path, monkeypatch) -> None:
    """Discovery keeps each file as its repository-relative path; the candidate built from it reads
    the link's target and shows the link as it was walked or named (relative to where you are)."""
    reqs = tmp_path / "org" / "svc" / "requirements"
    reqs.mkdir(parents=True)
    (tmp_path / "org" / "svc" / ".git").mkdir()
    (reqs / "tests.txt").write_text("pytest==8.3.3\n")
    (reqs / "dev.txt").symlink_to("tests.txt")
    monkeypatch.chdir(tmp_path)
    target = str(tmp_path.resolve() / "org" / "svc" / "requirements" / "tests.txt")
    walked = discover([Path("org")])
    assert len(walked) == 1  # tests.txt is the file dev.txt led to: read once, under the first name
    c = walked[0]
    assert (c.file, c.source.repo, c.source.path, c.source.display) == (
        target, "svc", "requirements/dev.txt", "org/svc/requirements/dev.txt"
    )  # fmt: skip
    assert c.repo_root == tmp_path.resolve() / "org" / "svc" and walked[-1] == c and list(walked) == [c]
    (tmp_path / "named").mkdir()
    (tmp_path / "named" / "requirements.txt").symlink_to("../org/svc/requirements/tests.txt")
    named = discover([Path("./named/requirements.txt")])[0]  # a named file's link may lead anywhere
    assert (named.file, named.source.repo, named.source.path, named.source.display) == (
        target, "named", "requirements.txt", "named/requirements.txt"
    )  # fmt: skip


def test_a_separator_character_in_a_name_is_refused(tmp_path: Path) -> None:
    # DEPENDS_ON keeps each source's statement in one string split by U+001C..U+001F: a source key with
    # one of them could not be told apart from its neighbours (planner/store/statements.py)
    repo = flask_like(tmp_path)
    odd = repo / "tools\x1fbuild"
    odd.mkdir()
    (odd / "requirements.txt").write_text("requests==2.32.3\n")
    refused: list[str] = []
    found = [c.source.path for c in discover([tmp_path], refused=refused)]
    assert found == ["pyproject.toml", ".github/CODEOWNERS", "requirements/docs.txt"]
    assert refused == [
        f"{tmp_path}/flask/tools\\u001fbuild/requirements.txt:0: file or repository name has an ASCII separator "
        "character (U+001C to U+001F); not read"
    ]
