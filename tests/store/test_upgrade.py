"""A store an earlier depwave wrote (DEPENDS_ON statements as aligned lists) is converted by the next ingest.

The oracle is the store a current ingest writes: made legacy by hand (the lists and
``depends_on_versions`` an earlier depwave wrote), converted, it must hold the same statements again —
and forgetting a file afterwards must leave what a fresh ingest without that file writes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planner.errors import StoreUnavailable
from planner.ingest import ingest
from planner.store import upgrade
from planner.store.base import Store
from planner.store.statements import parse_depends_on, parse_stated_by
from planner.store.upgrade import needs_upgrade, upgrade_statements

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def snapshot(store: Store) -> tuple[list, list]:
    """Every DEPENDS_ON edge with its statements (in order), every SourceFile with its entries (sorted)."""
    edges = store.run(
        "MATCH (v:Version)-[d:DEPENDS_ON]->(p:Package) RETURN v.key AS v, p.key AS p, d.stated_by AS s ORDER BY v, p"
    )
    files = store.run("MATCH (s:SourceFile) RETURN s.key AS k, s.depends_on AS d ORDER BY k")
    return (
        [(e["v"], e["p"], parse_stated_by(e["s"])) for e in edges],
        [(f["k"], sorted(parse_depends_on(f["d"]))) for f in files],
    )


def make_legacy(store: Store) -> int:
    """Rewrite the store as an earlier depwave kept it; how many edges have lists now."""
    edges = store.run("MATCH (v:Version)-[d:DEPENDS_ON]->(p:Package) RETURN v.key AS v, p.key AS p, d.stated_by AS s")
    versions: dict[str, set[str]] = {}
    for e in edges:
        statements = parse_stated_by(e["s"])
        for st in statements:
            versions.setdefault(st.source, set()).add(e["v"])
        store.run(
            "MATCH (:Version {key: $v})-[d:DEPENDS_ON]->(:Package {key: $p}) "
            "SET d.stated_by = null, d.sources = $s, d.ranges = $r, d.resolved_versions = $x, d.scopes = $c",
            {
                "v": e["v"],
                "p": e["p"],
                "s": [st.source for st in statements],
                "r": [st.range or "" for st in statements],
                "x": [st.resolved or "" for st in statements],
                "c": [st.scope or "" for st in statements],
            },
            write=True,
        )
    for f in store.run("MATCH (s:SourceFile) RETURN s.key AS k"):
        store.run(
            "MATCH (s:SourceFile {key: $k}) SET s.depends_on = null, s.depends_on_versions = $v",
            {"k": f["k"], "v": sorted(versions.get(f["k"], ()))},
            write=True,
        )
    return len(edges)


def test_an_old_store_is_converted_to_the_statements_a_fresh_ingest_writes(store, tmp_path: Path) -> None:
    ingest(store, [EXAMPLES])
    fresh = snapshot(store)
    shared = [e for e in fresh[0] if len(e[2]) > 1]
    assert shared, "examples/ has pairs several SBOMs state"
    pairs = make_legacy(store)
    assert needs_upgrade(store)
    assert upgrade_statements(store) == pairs
    assert not needs_upgrade(store)
    assert snapshot(store) == fresh
    assert upgrade_statements(store) == 0


class FailingAfter:
    """The store, until its n-th write: then it stops answering (a killed server, as the ingest sees it)."""

    def __init__(self, store: Store, writes: int) -> None:
        self.store, self.left = store, writes

    def query(self, name, params=None):
        return self.store.query(name, params)

    def write(self, name, params=None):
        if self.left == 0:
            raise StoreUnavailable("stopped answering")
        self.left -= 1
        return self.store.write(name, params)


def test_an_upgrade_cut_anywhere_finishes_when_run_again(store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upgrade, "_CHUNK", 4)  # many writes per step: cut inside each step too
    monkeypatch.setattr(upgrade, "_VERSIONS", 25)  # and a few chunks of versions
    ingest(store, [EXAMPLES])
    fresh = snapshot(store)
    make_legacy(store)
    counting = FailingAfter(store, 10**6)
    upgrade_statements(counting)  # type: ignore[arg-type]
    writes = 10**6 - counting.left
    assert writes > 6
    for cut in range(writes):
        make_legacy(store)
        with pytest.raises(StoreUnavailable):
            upgrade_statements(FailingAfter(store, cut))  # type: ignore[arg-type]
        upgrade_statements(store)
        assert snapshot(store) == fresh, f"cut after {cut} of {writes} writes"


def test_ingest_converts_then_forgets_a_file_as_a_fresh_store_would(store, tmp_path: Path) -> None:
    org = tmp_path / "org"
    shutil.copytree(EXAMPLES, org)
    gone = org / "acme-auth" / "bom.json"
    assert gone.exists()
    ingest(store, [org])
    make_legacy(store)
    gone.unlink()
    report = ingest(store, [org])  # converts, then prunes the file
    assert report.pruned == 1
    after = snapshot(store)
    store.reset()
    ingest(store, [org])
    expected = snapshot(store)
    # the same pairs, each stated by the same files the same way (a fresh load may order tokens differently)
    assert [(v, p, sorted(st, key=repr)) for v, p, st in after[0]] == [
        (v, p, sorted(st, key=repr)) for v, p, st in expected[0]
    ]
    assert after[1] == expected[1]
