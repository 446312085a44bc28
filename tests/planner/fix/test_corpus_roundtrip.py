"""Every declaration of the corpus, edited and read back.

For each manifest of ../shared/corpus that an editor handles, the loader that ingests it says which
packages it declares and on which line their version is written. Each such version is moved to
999.0.1 by the editor, and the same loader reads the edited text: the declaration on that line must
now say 999.0.1. The loader is the oracle (not the editor's own idea of what it changed), so an edit
of the wrong token, or one the loader would not see, fails the test. An editor may refuse, but only
for the reasons it was written to refuse for.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from loaders.base import StaticContext
from loaders.registry import loader_for
from planner.errors import ParseError
from planner.fix import editors
from planner.fix.model import OVERRIDE, Change, FixError, NeedsCommand
from planner.model import Constrains, Declared, Resolved, Source

TARGET = "999.0.1"
#: why an editor may refuse a corpus declaration
ALLOWED_REFUSALS = (
    "at this project's own version",  # a module of the same reactor: it moves with the project's version
    "which this POM does not define (a parent POM sets it)",  # ${project.version} managed by a parent
    "the plan's location is off",  # a loader's line is not where the version is written (reported, not guessed)
)


def _manifests(group: Path) -> dict[tuple[str, str], str]:
    files = {}
    for f in sorted(group.rglob("*")):
        rel = f.relative_to(group).as_posix()
        wanted = editors.editor_for(rel) or f.name == "gradle.properties" or f.name.endswith(".versions.toml")
        if f.is_file() and wanted and f.stat().st_size < 3_000_000:
            files[(group.name, rel)] = f.read_text(encoding="utf-8")
    return files


@pytest.mark.corpus
def test_every_edit_is_what_the_loader_reads_back(corpus: Path) -> None:
    outcome: Counter[str] = Counter()  # edited / refused / command, shown when an assertion fails
    formats: Counter[str] = Counter()
    wrong, refused = [], []
    for group in sorted(p for p in corpus.iterdir() if p.is_dir()):
        files = _manifests(group)
        for (repo, path), text in files.items():
            loader, editor = loader_for(path), editors.editor_for(path)
            if loader is None or editor is None:
                continue
            source = Source(repo, path, path)
            try:
                records = loader.parse(text, source, StaticContext(files)).records
            except ParseError:  # a file the ingest skips is in no plan
                continue
            for rec in records:
                where = (rec.version_location or rec.location) if isinstance(rec, Declared) and rec.range else None
                if where is None or where.path != path:
                    continue
                change = Change(path, rec.package, TARGET, current=rec.range, line=where.line)
                try:
                    edit = editors.edit(text, change)
                except NeedsCommand:
                    outcome["command"] += 1
                    continue
                except FixError as exc:
                    outcome["refused"] += 1
                    if not any(reason in str(exc) for reason in ALLOWED_REFUSALS):
                        refused.append(f"{repo}/{exc}")
                    continue
                again = loader.parse(edit.text, source, StaticContext({**files, (repo, path): edit.text})).records
                back = [
                    r.range
                    for r in again
                    if isinstance(r, Declared) and r.package == rec.package and r.location == rec.location
                ]
                if not any(TARGET in (r or "") for r in back):
                    wrong.append(f"{repo}/{path}:{where.line} {rec.package} {rec.range} -> read back as {back}")
                outcome["edited"] += 1
                formats[editor.format] += 1
    assert wrong == [], dict(outcome)
    assert refused == [], dict(outcome)
    # every editor met real declarations (the counts themselves depend on the corpus, not asserted)
    assert set(formats) >= {
        "maven-pom",
        "gradle-build",
        "npm-package-json",
        "pip-requirements",
        "pyproject-toml",
        "cargo-toml",
        "go-mod",
    }


#: a package no corpus file mentions, per editor that can override
PROBES = {
    "maven-pom": "pkg:maven/org.example/probe",
    "gradle-build": "pkg:maven/org.example/probe",
    "npm-package-json": "pkg:npm/probe-pkg",
    "go-mod": "pkg:golang/example.com/probe",
    "pip-requirements": "pkg:pypi/probe-pkg",
}


@pytest.mark.corpus
def test_every_override_is_read_back_as_a_pin(corpus: Path) -> None:
    """An override added to every corpus manifest that has a place for one (Maven dependencyManagement,
    Gradle constraints, npm overrides / Yarn resolutions / pnpm.overrides, go.mod require, a pip pin)
    is read back by the file's loader as a constraint, declaration or resolution of the probe at 9.9.9."""
    unseen, checked = [], 0
    for group in sorted(p for p in corpus.iterdir() if p.is_dir()):
        files = _manifests(group)
        for (repo, path), text in files.items():
            loader, editor = loader_for(path), editors.editor_for(path)
            if loader is None or editor is None or editor.format not in PROBES:
                continue
            source = Source(repo, path, path)
            try:
                loader.parse(text, source, StaticContext(files))
            except ParseError:
                continue
            probe = PROBES[editor.format]
            for tool in ("npm", "yarn", "pnpm") if editor.format == "npm-package-json" else (None,):
                edit = editors.edit(text, Change(path, probe, "9.9.9", OVERRIDE, because=("GHSA-test",)), tool)
                records = loader.parse(edit.text, source, StaticContext({**files, (repo, path): edit.text})).records
                seen = [
                    r
                    for r in records
                    if (isinstance(r, Constrains | Declared) and r.package == probe and r.range in ("9.9.9", "==9.9.9"))
                    or (isinstance(r, Resolved) and r.version in (f"{probe}@9.9.9", f"{probe}@v9.9.9"))
                ]
                checked += 1
                if not seen:
                    unseen.append(f"{repo}/{path} ({tool or editor.format})")
    assert unseen == [] and checked > 0
