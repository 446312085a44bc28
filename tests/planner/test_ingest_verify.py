"""The check after the loads (planner/ingest/verify.py): a store that silently dropped or doubled what a
load sent is caught, the files concerned are loaded again, and a store that keeps dropping them fails
the ingest without leaving them behind as "unchanged"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli.root import cli
from planner.errors import StoreLostWrites
from planner.ingest import ingest
from planner.ingest.verify import find_differences
from planner.store.embedded import EmbeddedStore
from planner.store.rows import Expected
from planner.store.statements import SEP_PARAM, edge_token
from tests.conftest import comp, sbom

SPRING_WEB = "pkg:maven/org.springframework/spring-web@6.1.3"
SPRING_CORE = "pkg:maven/org.springframework/spring-core@6.1.3"
DATABIND = "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.16.1"
JACKSON_CORE = "pkg:maven/com.fasterxml.jackson.core/jackson-core@2.16.1"


def write_org(root: Path) -> None:
    """Two services' SBOMs (as `cyclonedx-maven-plugin` writes them to target/bom.json, committed
    under the repository root): both state jackson-databind -> jackson-core, one DEPENDS_ON pair."""
    checkout = sbom(
        comp("pkg:maven/com.acme/checkout@2.1.0"),
        [comp(SPRING_WEB), comp(SPRING_CORE), comp(DATABIND), comp(JACKSON_CORE)],
        [
            {"ref": "pkg:maven/com.acme/checkout@2.1.0", "dependsOn": [SPRING_WEB, DATABIND]},
            {"ref": SPRING_WEB, "dependsOn": [SPRING_CORE]},
            {"ref": DATABIND, "dependsOn": [JACKSON_CORE]},
        ],
    )
    billing = sbom(
        comp("pkg:maven/com.acme/billing@1.4.0"),
        [comp(DATABIND), comp(JACKSON_CORE)],
        [
            {"ref": "pkg:maven/com.acme/billing@1.4.0", "dependsOn": [DATABIND]},
            {"ref": DATABIND, "dependsOn": [JACKSON_CORE]},
        ],
    )
    for repo, doc in (("checkout", checkout), ("billing", billing)):
        (root / repo).mkdir(parents=True)
        (root / repo / "bom.json").write_text(json.dumps(doc, indent=2))


# what the loads send, written from the documents above: RESOLVES one per versioned component; each SBOM
# also names its repository's project (CONTAINS), its file (DESCRIBES) and the package the project
# publishes (its metadata component: PUBLISHED_BY); DEPENDS_ON one statement per component-to-component
# edge of the dependency graph, one edge per pair
WANT_EDGES = {
    "checkout:bom.json": {"RESOLVES": 4, "CONTAINS": 1, "DESCRIBES": 1, "PUBLISHED_BY": 1},
    "billing:bom.json": {"RESOLVES": 2, "CONTAINS": 1, "DESCRIBES": 1, "PUBLISHED_BY": 1},
}
JACKSON_CORE_PACKAGE = "pkg:maven/com.fasterxml.jackson.core/jackson-core"
# each pair with the length of its statements: "\x1f" source "\x1e" range "\x1e" resolved "\x1e" scope "\x1d"
CHECKOUT_SPRING = 1 + len("checkout:bom.json") + 1 + 0 + 1 + len("6.1.3") + 1 + len("runtime") + 1  # 34
BILLING_JACKSON = 1 + len("billing:bom.json") + 1 + 0 + 1 + len("2.16.1") + 1 + len("runtime") + 1  # 34
CHECKOUT_JACKSON = 1 + len("checkout:bom.json") + 1 + 0 + 1 + len("2.16.1") + 1 + len("runtime") + 1  # 35
WANT_PAIRS = {
    (SPRING_WEB, "pkg:maven/org.springframework/spring-core"): CHECKOUT_SPRING,
    (DATABIND, JACKSON_CORE_PACKAGE): BILLING_JACKSON + CHECKOUT_JACKSON,
}


class Sabotage:
    """Wraps a store: after each load statement it runs ``damage`` (a write) while ``times`` lasts,
    as FalkorDB's fault did — the load answered, part of it missing."""

    def __init__(self, store, damage: str, params: dict, times: int) -> None:
        self.store, self.damage, self.params, self.times = store, damage, params, times
        self.load_prepared_inner = store.load_prepared

    def load_prepared(self, prepared) -> None:
        self.load_prepared_inner(prepared)
        if self.times > 0:
            self.times -= 1
            self.store.run(self.damage, self.params, write=True)


def resolves_of(store, source: str) -> int:
    rows = store.run("MATCH ()-[r:RESOLVES]->() WHERE r.source = $s RETURN count(r) AS n", {"s": source})
    return int(rows[0]["n"])


def depends_on_edges(store) -> list[tuple[str, str, str]]:
    rows = store.run(
        "MATCH (v:Version)-[d:DEPENDS_ON]->(p:Package) RETURN v.key AS v, p.key AS p, d.stated_by AS s ORDER BY v, p"
    )
    return [(r["v"], r["p"], "".join(r["s"]) if isinstance(r["s"], list) else r["s"]) for r in rows]


def test_expected_counts_match_the_documents_and_a_clean_load_has_no_difference(store, tmp_path: Path) -> None:
    write_org(tmp_path)
    report = ingest(store, [tmp_path], scan=False)
    assert report.loaded == 2 and not report.warnings
    assert find_differences(store, Expected(WANT_EDGES, WANT_PAIRS)) == []
    short = {**WANT_EDGES, "checkout:bom.json": {**WANT_EDGES["checkout:bom.json"], "RESOLVES": 5}}
    more = {**WANT_PAIRS, (SPRING_WEB, "pkg:maven/org.springframework/spring-core"): 2 * CHECKOUT_SPRING}
    assert [d.describe() for d in find_differences(store, Expected(short, more))] == [
        f"RESOLVES 4 of 5, DEPENDS_ON {SPRING_WEB} -> pkg:maven/org.springframework/spring-core "
        "statements 34 of 68 characters long"
    ]


def damage_run(store, tmp_path: Path, damage: str, params: dict, times: int, monkeypatch: pytest.MonkeyPatch):
    write_org(tmp_path)
    sabotage = Sabotage(store, damage, params, times)
    monkeypatch.setattr(store, "load_prepared", sabotage.load_prepared)
    return ingest(store, [tmp_path], scan=False)


LOSE_ONE_RESOLVES = "MATCH (:Project)-[r:RESOLVES]->(v:Version {key: $v}) WHERE r.source = 'checkout:bom.json' DELETE r"


def test_a_lost_edge_is_found_and_the_file_loaded_again(store, tmp_path: Path, monkeypatch) -> None:
    report = damage_run(store, tmp_path, LOSE_ONE_RESOLVES, {"v": SPRING_CORE}, 1, monkeypatch)
    assert resolves_of(store, "checkout:bom.json") == 4
    assert resolves_of(store, "billing:bom.json") == 2
    assert report.warnings == [
        f"{tmp_path}/checkout/bom.json:0: the store had not kept all of this file's edges (RESOLVES 3 of 4); "
        "loaded again"
    ]
    assert report.loaded == 2 and report.as_dict()["status"] == "completed-with-warnings"


def test_a_reload_that_loses_again_is_loaded_once_more(store, tmp_path: Path, monkeypatch) -> None:
    # the first load and the first reload both lose the edge; the second reload keeps it
    report = damage_run(store, tmp_path, LOSE_ONE_RESOLVES, {"v": SPRING_CORE}, 2, monkeypatch)
    assert resolves_of(store, "checkout:bom.json") == 4
    assert [w.split(":0: ")[1] for w in report.warnings] == [
        "the store had not kept all of this file's edges (RESOLVES 3 of 4); loaded again"
    ]


def test_a_pair_written_twice_is_found_and_made_one_edge_again(store, tmp_path: Path, monkeypatch) -> None:
    # a second jackson-databind -> jackson-core edge holding only checkout's statement
    double = (
        "MATCH (v:Version {key: $v}), (p:Package {key: $p}) "
        "CREATE (v)-[:DEPENDS_ON {stated_by: $sep.start + 'checkout:bom.json' + $sep.field + $sep.field + "
        "'2.16.1' + $sep.field + 'runtime' + $sep.end, run: 'x'}]->(p)"
    )
    params = {"v": DATABIND, "p": JACKSON_CORE_PACKAGE, "sep": SEP_PARAM}
    report = damage_run(store, tmp_path, double, params, 1, monkeypatch)
    pairs = [(v, p) for v, p, _ in depends_on_edges(store)]
    assert pairs == sorted(set(pairs)) and len(pairs) == 2  # one edge per pair again
    # both files state the doubled pair: both are loaded again
    doubled = f"DEPENDS_ON {DATABIND} -> {JACKSON_CORE_PACKAGE} on 2 edges"
    assert [w.split(" edges (")[1] for w in report.warnings] == [f"{doubled}); loaded again"] * 2
    stated = {p: s for _, p, s in depends_on_edges(store)}
    assert stated[JACKSON_CORE_PACKAGE].count("bom.json") == 2  # both sources, once each


def test_a_lost_statement_token_is_found(store, tmp_path: Path, monkeypatch) -> None:
    cut = "MATCH (:Version {key: $v})-[d:DEPENDS_ON]->() SET d.stated_by = [c IN d.stated_by | replace(c, $token, '')]"
    token = edge_token("billing:bom.json", None, "2.16.1", "runtime")
    report = damage_run(store, tmp_path, cut, {"v": DATABIND, "token": token}, 1, monkeypatch)
    # the check goes by pair (a pair is restated by thousands of files): both files that state it load again
    assert [w.split(":0:")[0] for w in report.warnings] == [
        f"{tmp_path}/billing/bom.json",
        f"{tmp_path}/checkout/bom.json",
    ]
    short = f"DEPENDS_ON {DATABIND} -> {JACKSON_CORE_PACKAGE} statements 35 of 69 characters long"
    assert all(short in w for w in report.warnings)
    stated = {p: s for _, p, s in depends_on_edges(store)}
    assert stated[JACKSON_CORE_PACKAGE].count(token) == 1
    assert stated[JACKSON_CORE_PACKAGE].count("bom.json") == 2


def test_a_store_that_keeps_losing_fails_the_ingest_and_forgets_the_file(store, tmp_path, monkeypatch) -> None:
    with pytest.raises(StoreLostWrites) as caught:
        damage_run(store, tmp_path, LOSE_ONE_RESOLVES, {"v": SPRING_CORE}, 99, monkeypatch)
    text = str(caught.value)
    assert "checkout:bom.json: RESOLVES 3 of 4" in text and "run the same command again" in text
    digests = store.run("MATCH (s:SourceFile) RETURN s.key AS k ORDER BY k")
    assert [r["k"] for r in digests] == ["billing:bom.json"]  # checkout forgotten: not "unchanged" next time
    monkeypatch.undo()
    again = ingest(store, [tmp_path], scan=False)
    assert again.loaded == 1 and again.unchanged == 1 and not again.warnings
    assert resolves_of(store, "checkout:bom.json") == 4


def test_the_cli_exits_4_and_says_which_file(store, data_dir: Path, tmp_path: Path, monkeypatch) -> None:
    write_org(tmp_path)
    inner = EmbeddedStore.load_prepared

    def losing(self, prepared) -> None:  # every load loses the same edge, as a broken store would
        inner(self, prepared)
        self.run(LOSE_ONE_RESOLVES, {"v": SPRING_CORE}, write=True)

    monkeypatch.setattr(EmbeddedStore, "load_prepared", losing)
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "ingest", "--no-scan", str(tmp_path)])
    assert result.exit_code == 4, result.output
    assert "checkout:bom.json: RESOLVES 3 of 4" in result.output


def test_a_store_with_single_string_statements_is_read_pruned_and_appended_to(store, tmp_path: Path) -> None:
    """An earlier depwave kept `stated_by` as one string: the same queries read it as a list of one."""
    write_org(tmp_path)
    ingest(store, [tmp_path], scan=False)
    store.run("MATCH ()-[d:DEPENDS_ON]->() SET d.stated_by = reduce(s = '', c IN d.stated_by | s + c)", write=True)
    assert all(isinstance(r["s"], str) for r in store.run("MATCH ()-[d:DEPENDS_ON]->() RETURN d.stated_by AS s"))
    checkout = edge_token("checkout:bom.json", None, "2.16.1", "runtime")
    billing = edge_token("billing:bom.json", None, "2.16.1", "runtime")
    moved = tmp_path.parent / "billing-away"
    (tmp_path / "billing").rename(moved)  # billing's SBOM is gone: its statement is cut out of the string
    pruned = ingest(store, [tmp_path], scan=False)
    assert pruned.pruned == 1 and not pruned.warnings
    assert {p: s for _, p, s in depends_on_edges(store)}[JACKSON_CORE_PACKAGE] == checkout
    moved.rename(tmp_path / "billing")  # and back: appended as a list's second string
    again = ingest(store, [tmp_path], scan=False)
    assert again.loaded == 1 and not again.warnings  # the check after the load found it whole
    rows = store.run("MATCH (:Version {key: $v})-[d:DEPENDS_ON]->() RETURN d.stated_by AS s", {"v": DATABIND})
    assert rows[0]["s"] == [checkout, billing]
