"""A walk that must place many projects among many resolution rows chooses on keys first and asks the
details of the chosen edges only (planner.dependents._chosen_resolutions); the answer is the one the
full-row query gives. Forced on every package of examples/ by lowering the threshold to 0, with the
walk's end narrowing (planner.unreached) off: on examples/ it leaves most of these steps out."""

from __future__ import annotations

import pytest

import planner.dependents as dependents
from planner import unreached
from planner.ingest import ingest
from tests.conftest import ROOT


def test_choosing_on_keys_gives_the_full_rows_answer(store, monkeypatch: pytest.MonkeyPatch) -> None:
    ingest(store, [ROOT / "examples"])
    packages = sorted(r["k"] for r in store.run("MATCH (p:Package) RETURN p.key AS k"))
    chosen: list[int] = []
    original = dependents._chosen_resolutions

    def counting(*args):
        out = original(*args)
        chosen.append(len(out))
        return out

    monkeypatch.setattr(dependents, "_chosen_resolutions", counting)
    monkeypatch.setattr(unreached, "UNREACHED_MAX", -1)  # never narrowed
    for package in packages:
        monkeypatch.setattr(dependents, "_FILTER_MAX", 10**9)  # never: the full rows, filtered on the server
        full = dependents.find_dependents(store, package, through_publishers=True)
        monkeypatch.setattr(dependents, "_FILTER_MAX", 0)  # always: keys, then the chosen edges' details
        assert dependents.find_dependents(store, package, through_publishers=True) == full, package
    assert len([n for n in chosen if n]) >= 10  # the path ran and placed projects (15 walks on examples/)
