"""DEPENDS_ON keeps its statements in ``stated_by`` followed by ``stated_by_tail``: a load's string goes to
the tail, which moves onto ``stated_by`` at once while that has fewer than 8 strings, else once the tail
has 8 itself (so a popular pair's long list is not copied by every load). Loading a file again, pruning
it, the check after the loads and the reads see both lists as one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import planner.ingest as ingest_mod
from planner.ingest import ingest
from planner.store.embedded import EmbeddedStore
from planner.store.statements import parse_stated_by
from tests.conftest import comp, sbom

CORE = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
API = "pkg:maven/org.apache.logging.log4j/log4j-api"
FILES = 20


def write_org(root: Path, n: int) -> None:
    """svc00..svc<n-1>, each an application SBOM whose graph says log4j-core 2.14.1 depends on log4j-api:
    the same (version, package) pair stated by every file, as the SBOMs of an organisation restate it."""
    for i in range(n):
        d = root / f"svc{i:02d}"
        d.mkdir(parents=True)
        me = f"pkg:maven/com.acme/svc{i:02d}@1.0.0"
        doc = sbom(
            comp(me),
            [comp(CORE), comp(f"{API}@2.14.1")],
            [{"ref": me, "dependsOn": [CORE]}, {"ref": CORE, "dependsOn": [f"{API}@2.14.1"]}],
        )
        (d / "bom.json").write_text(json.dumps(doc))


def lists(store: EmbeddedStore) -> tuple[list[str], list[str]]:
    """The sources in the pair's ``stated_by`` and in its ``stated_by_tail``, in stored order."""
    rows = store.run(
        "MATCH (:Version {key: $v})-[d:DEPENDS_ON]->(:Package {key: $p}) "
        "RETURN d.stated_by AS head, d.stated_by_tail AS tail",
        {"v": CORE, "p": API},
    )
    assert len(rows) == 1, "one edge per pair"
    return (
        [s.source.split(":")[0] for s in parse_stated_by(rows[0]["head"])],
        [s.source.split(":")[0] for s in parse_stated_by(rows[0]["tail"])],
    )


def svc(*numbers: int) -> list[str]:
    """The repositories svc<i> of ``numbers``, in order."""
    return [f"svc{i:02d}" for i in numbers]


@pytest.fixture()
def one_file_a_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_mod.batches, "BATCH_SOURCES", 1)  # every file its own load statement


def test_the_tail_takes_the_loads_once_stated_by_has_eight(
    store: EmbeddedStore, tmp_path: Path, one_file_a_load
) -> None:
    write_org(tmp_path / "org", FILES)
    report = ingest(store, [tmp_path / "org"])
    assert report.loaded == FILES and not report.errors
    assert not [w for w in report.warnings if "loaded again" in w]  # the check counts the tail too
    # loads 1-8 went onto stated_by one by one; 9-16 filled the tail, which then moved; 17-20 wait in it
    assert lists(store) == (svc(*range(16)), svc(16, 17, 18, 19))


@pytest.fixture()
def loaded(store: EmbeddedStore, tmp_path: Path, one_file_a_load) -> Path:
    """The organisation of FILES SBOMs, ingested one file a load."""
    org = tmp_path / "org"
    write_org(org, FILES)
    ingest(store, [org])
    return org


def test_loading_a_file_again_cuts_its_token_from_either_list(store: EmbeddedStore, loaded: Path) -> None:
    org = loaded
    for i in (3, 18):  # one token in stated_by, one in the tail
        path = org / f"svc{i:02d}" / "bom.json"
        path.write_text(path.read_text() + "\n")
    report = ingest(store, [org])
    assert report.loaded == 2 and not report.errors
    assert not [w for w in report.warnings if "loaded again" in w]
    # svc03's load cut its old token and made the lists one (19), then added its new one to the tail;
    # svc18's load did the same: 19 in stated_by (svc03's new token last), svc18's new one in the tail
    kept = [i for i in range(FILES) if i not in (3, 18)]
    assert lists(store) == (svc(*kept, 3), svc(18))


def test_pruning_files_cuts_their_tokens_from_either_list(store: EmbeddedStore, loaded: Path) -> None:
    org = loaded
    for i in (0, 19):
        (org / f"svc{i:02d}" / "bom.json").unlink()
    report = ingest(store, [org])
    assert report.pruned == 2
    assert lists(store) == (svc(*range(1, 19)), [])
    statements = store.query("count_pair_edges", {"versions": [CORE]})
    assert [(r["edges"], r["length"] > 0) for r in statements] == [(1, True)]


def test_a_string_lost_from_the_tail_is_found_by_the_check(
    store: EmbeddedStore, tmp_path: Path, one_file_a_load, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_org(tmp_path / "org", FILES)
    inner, loads = EmbeddedStore.load_prepared, []

    def losing(self: EmbeddedStore, prepared) -> None:  # the last load's string goes missing from the tail
        inner(self, prepared)
        loads.append(1)
        if len(loads) == FILES:
            self.run(
                "MATCH (:Version {key: $v})-[d:DEPENDS_ON]->() SET d.stated_by_tail = d.stated_by_tail[0..-1]",
                {"v": CORE},
                write=True,
            )

    monkeypatch.setattr(EmbeddedStore, "load_prepared", losing)
    report = ingest(store, [tmp_path / "org"])
    # the check goes by pair: every file that states it is loaded again, and nothing is missing after
    again = [w for w in report.warnings if "loaded again" in w]
    assert len(again) == FILES and all(f"DEPENDS_ON {CORE} -> {API} statements" in w for w in again)
    head, tail = lists(store)
    assert sorted(head + tail) == svc(*range(FILES))


def test_a_file_loaded_in_parts_moves_the_tail_when_it_is_swapped_in(
    store: EmbeddedStore, tmp_path: Path, one_file_a_load, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file here is "big" (loaded in parts under a staging key, then swapped in): its part adds its
    string to the tail, and the swap renames the staged tokens and writes the two lists back as one."""
    from planner.store import source_parts

    monkeypatch.setattr(source_parts, "PART_RECORDS", 3)  # an SBOM here has 6 records: two parts each
    write_org(tmp_path / "org", FILES)
    report = ingest(store, [tmp_path / "org"])
    assert report.loaded == FILES and not report.errors
    assert not [w for w in report.warnings if "loaded again" in w]
    assert lists(store) == (svc(*range(FILES)), [])
    assert store.query("list_staged_sources") == []
