"""Every command's output on examples/ and on corpus repositories is what tests/golden holds (see cases.py).

A failure here means output moved: if on purpose, regenerate (``python -m tests.golden.regenerate``), read
the diff and name the fixed bug in the commit; otherwise it is a regression.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.golden.cases import CORPUS as CORPUS_CASES
from tests.golden.cases import EXAMPLES as EXAMPLE_CASES
from tests.golden.cases import HERE, run_cases
from tests.golden.regenerate import digest


def test_examples_outputs_are_unchanged(tmp_path: Path) -> None:
    moved = []
    for name, text in run_cases(EXAMPLES, EXAMPLE_CASES, tmp_path / "data"):
        golden = HERE / "examples" / f"{name}.out"
        if not golden.exists() or golden.read_text(encoding="utf-8") != text:
            (tmp_path / f"{name}.out").write_text(text, encoding="utf-8")
            moved.append(name)
    assert not moved, f"outputs moved: {moved}; compare tests/golden/examples/NAME.out with {tmp_path}/NAME.out"


@pytest.mark.parametrize("repo", sorted(CORPUS_CASES))
def test_corpus_outputs_are_unchanged(repo: str, corpus: Path, tmp_path: Path) -> None:
    manifest = dict(reversed(line.split("  ", 1)) for line in (HERE / "corpus.sha256").read_text().splitlines() if line)
    moved = []
    for name, text in run_cases(corpus / repo, CORPUS_CASES[repo], tmp_path / "data", corpus):
        if manifest.get(f"{repo}/{name}") != digest(text):
            (tmp_path / f"{name}.out").write_text(text, encoding="utf-8")
            moved.append(name)
    assert not moved, f"{repo}: outputs moved: {moved}; the new ones are in {tmp_path}"
