"""Ingest: discovery, repositories, bad files, and what the report says."""

from __future__ import annotations

import json
import posixpath
from pathlib import Path

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
from planner.ingest import discover, ingest
from planner.model import ParseResult, Project, Source
from tests.conftest import comp, sbom


def good(path: Path, name: str = "app") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sbom(comp(f"pkg:npm/{name}@1.0.0"), [comp("pkg:npm/a@1.0.0")])))


def test_discover_repos_in_an_org_folder_and_skips_build_output(tmp_path: Path) -> None:
    good(tmp_path / "shop" / "web" / "bom.json")
    good(tmp_path / "shop" / "node_modules" / "x" / "bom.json")
    good(tmp_path / "billing" / "target" / "bom.json")
    good(tmp_path / "billing" / "bom.json")
    (tmp_path / "billing" / "README.md").write_text("hi")
    found = {(c.source.repo, c.source.path) for c in discover([tmp_path])}
    assert found == {("shop", "web/bom.json"), ("billing", "bom.json")}


def test_discover_a_git_checkout_is_one_repo_but_never_looks_above_the_walked_path(tmp_path: Path) -> None:
    repo = tmp_path / "checkout"
    (repo / ".git").mkdir(parents=True)
    good(repo / "services" / "a" / "bom.json")
    good(repo / "services" / "b" / "bom.json")
    found = [(c.source.repo, c.source.path) for c in discover([tmp_path])]
    assert found == [("checkout", "services/a/bom.json"), ("checkout", "services/b/bom.json")]
    # walking a folder inside the checkout: what you asked for is the world (an org folder here)
    found = [(c.source.repo, c.source.path) for c in discover([repo / "services"])]
    assert found == [("a", "bom.json"), ("b", "bom.json")]
    assert [c.source.repo for c in discover([repo / "services"], repo="checkout")] == ["checkout", "checkout"]


def test_discover_forced_repo_name(tmp_path: Path) -> None:
    good(tmp_path / "x" / "bom.json")
    assert [(c.source.repo, c.source.path) for c in discover([tmp_path], repo="mono")] == [("mono", "x/bom.json")]


def test_bad_files_are_reported_and_skipped_and_the_rest_loads(store, tmp_path: Path) -> None:
    good(tmp_path / "ok" / "bom.json")
    bad = tmp_path / "broken" / "bom.json"
    bad.parent.mkdir()
    bad.write_text('{"bomFormat": "CycloneDX",\n "components": [\n')
    binary = tmp_path / "bin" / "bom.json"
    binary.parent.mkdir()
    binary.write_bytes(b"\x7fELF\x00\x00\x01" * 100)
    latin = tmp_path / "latin" / "bom.json"
    latin.parent.mkdir()
    latin.write_bytes(b'{"bomFormat": "CycloneDX",\n"x": "caf\xe9"}')
    big = tmp_path / "big" / "bom.json"
    big.parent.mkdir()
    big.write_text(" " * 2_000_000)
    report = ingest(store, [tmp_path], max_bytes=1_000_000)
    assert report.loaded == 1 and report.skipped == 4
    assert report.status == "completed-with-errors"
    errors = sorted(report.errors)
    assert any(e.startswith(f"{bad}:3: malformed JSON") for e in errors)
    assert any(e.startswith(f"{binary}:1: binary file") for e in errors)
    assert any(e.startswith(f"{latin}:2: not valid UTF-8") for e in errors)
    assert any(e.startswith(f"{big}:0: file is 2,000,000 bytes") for e in errors)
    assert store.stats()["nodes"]["Project"] == 1


def test_a_bad_edit_keeps_the_previous_good_state(store, tmp_path: Path) -> None:
    path = tmp_path / "svc" / "bom.json"
    good(path)
    ingest(store, [tmp_path])
    before = store.stats()
    path.write_text("{ truncated")
    report = ingest(store, [tmp_path])
    assert report.skipped == 1 and report.pruned == 0
    assert store.stats() == before


class _IncludeLoader(Loader):
    """A test format: ``*.incl`` files name another file whose first line is their project name."""

    name = "include-test"

    def matches(self, path: str) -> bool:
        return path.endswith(".incl")

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        target = text.strip()
        included = context.read(source.repo, posixpath.join(source.directory, target))
        name = (included or "unknown").splitlines()[0]
        return ParseResult(
            [Project(f"{source.repo}/.#pkg:generic/{name}", name, "generic", source.repo, ".", source.path)]
        )


def test_a_change_to_an_included_file_reloads_the_file_that_read_it(store, tmp_path: Path, monkeypatch) -> None:
    import planner.ingest as ingest_mod

    loader = _IncludeLoader()
    monkeypatch.setattr(ingest_mod.discovery, "loader_for", lambda name, **_: loader if loader.matches(name) else None)
    repo = tmp_path / "r"
    repo.mkdir()
    (repo / "a.incl").write_text("conf/base.txt\n")
    (repo / "conf").mkdir()
    (repo / "conf" / "base.txt").write_text("first\n")
    assert ingest(store, [repo]).loaded == 1
    assert ingest(store, [repo]).unchanged == 1
    (repo / "conf" / "base.txt").write_text("second\n")
    again = ingest(store, [repo])
    assert again.loaded == 1 and again.unchanged == 0
    names = [r["name"] for r in store.run("MATCH (p:Project) RETURN p.name AS name")]
    assert names == ["second"]
    (sha,) = store.query("list_source_digests", {"keys": ["r:a.incl"]})
    assert sha["inputs"] == ["r:conf/base.txt"]


def test_context_serves_nothing_outside_the_repository(tmp_path: Path) -> None:
    from planner.ingest import IngestContext

    repo = tmp_path / "r"
    (repo / "sub").mkdir(parents=True)
    good(repo / "sub" / "bom.json")
    (tmp_path / "secret.txt").write_text("no")
    (repo / "link.txt").symlink_to(tmp_path / "secret.txt")
    ctx = IngestContext(discover([repo], repo="r"), 1_000_000)
    assert ctx.read("r", "sub/bom.json") is not None
    assert ctx.read("r", "../secret.txt") is None
    assert ctx.read("r", "/etc/passwd") is None
    assert ctx.read("r", "link.txt") is None
    assert ctx.read("other", "sub/bom.json") is None
    assert [s.path for s in ctx.sources()] == ["sub/bom.json"]


def test_full_garbage_collections_wait_until_the_ingest_ends(store, tmp_path: Path, monkeypatch) -> None:
    import gc

    from loaders.sbom.cyclonedx_json import CycloneDxJsonLoader
    from planner.ingest.run import INGEST_YOUNG_GC

    good(tmp_path / "a" / "bom.json")
    before = gc.get_threshold()
    seen = []
    real = CycloneDxJsonLoader.parse

    def spy(self, text, source, context=None):
        seen.append(gc.get_threshold())
        return real(self, text, source, context)

    monkeypatch.setattr(CycloneDxJsonLoader, "parse", spy)
    ingest(store, [tmp_path])
    # young collections every INGEST_YOUNG_GC allocations (not 700), the middle as it was, no full ones
    assert seen and seen[0] == (max(before[0], INGEST_YOUNG_GC), before[1], 1 << 30)
    assert gc.get_threshold() == before


def test_vanished_files_are_found_a_page_of_stored_sources_at_a_time(store, tmp_path: Path, monkeypatch) -> None:
    """The prune reads the stored sources in pages (not all at once): small pages find the same files."""
    import shutil

    from planner.ingest import run
    from tests.conftest import EXAMPLES

    org = tmp_path / "examples"
    shutil.copytree(EXAMPLES, org)
    first = ingest(store, [org])
    gone = [
        "acme-logging/logging-core/src/main/java/com/acme/logging/AuditLog.java",
        "billing-service/src/main/java/com/acme/billing/InvoiceService.java",
        "orders-service/src/test/java/com/acme/orders/web/OrderControllerTest.java",
    ]
    for path in gone:
        (org / path).unlink()
    monkeypatch.setattr(run, "PRUNE_PAGE", 2)
    again = ingest(store, [org])
    assert again.pruned == 3 and again.loaded == 0 and again.errors == []
    keys = {
        r["key"] for r in store.query("list_source_digests", {"keys": [c.source.key for c in discover([EXAMPLES])]})
    }
    assert len(keys) == first.loaded - 3
    assert "acme-logging:logging-core/src/main/java/com/acme/logging/AuditLog.java" not in keys
    assert "orders-service:src/test/java/com/acme/orders/web/OrderControllerTest.java" not in keys
    assert "billing-service:src/main/java/com/acme/billing/InvoiceService.java" not in keys
    assert "orders-service:src/main/java/com/acme/orders/web/OrderController.java" in keys


def test_a_repository_moved_inside_the_walked_folder_keeps_its_unchanged_files(store, tmp_path: Path) -> None:
    """The prune knows the files this ingest found by ``repo:path``: a checkout moved to another
    folder under the walked one is unchanged (same key, same content), so nothing of it is forgotten
    although the store still has its old root, where no file is any more."""
    old = tmp_path / "org" / "old" / "svc"
    (old / ".git").mkdir(parents=True)
    good(old / "bom.json")
    good(old / "web" / "bom.json", "web")
    first = ingest(store, [tmp_path / "org"])
    assert first.loaded == 2
    new = tmp_path / "org" / "new" / "svc"
    new.parent.mkdir()
    old.rename(new)
    again = ingest(store, [tmp_path / "org"])
    assert (again.unchanged, again.loaded, again.pruned) == (2, 0, 0)
    keys = {r["key"] for r in store.query("list_source_digests", {"keys": ["svc:bom.json", "svc:web/bom.json"]})}
    assert keys == {"svc:bom.json", "svc:web/bom.json"}


def test_a_colon_in_a_repository_name_does_not_confuse_the_prune(store, tmp_path: Path) -> None:
    """A key is ``repo:path`` and a repository's name may hold a colon: a moved ``team:svc`` keeps
    the file it still has and forgets the one deleted."""
    old = tmp_path / "org" / "old" / "team:svc"
    (old / ".git").mkdir(parents=True)
    good(old / "bom.json")
    good(old / "web" / "bom.json", "web")
    assert ingest(store, [tmp_path / "org"]).loaded == 2
    new = tmp_path / "org" / "new" / "team:svc"
    new.parent.mkdir()
    old.rename(new)
    (new / "bom.json").unlink()
    again = ingest(store, [tmp_path / "org"])
    assert (again.pruned, again.unchanged, again.loaded) == (1, 1, 0)
    keys = {
        r["key"] for r in store.query("list_source_digests", {"keys": ["team:svc:bom.json", "team:svc:web/bom.json"]})
    }
    assert keys == {"team:svc:web/bom.json"}
