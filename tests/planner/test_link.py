"""The linker: images -> projects, owners -> projects/services, on the real embedded store."""

from __future__ import annotations

from pathlib import Path

from planner.ingest import ingest
from planner.link import built_from_rows, link
from tests.conftest import EXAMPLES


def built_from(store) -> set[tuple[str, str, str]]:
    rows = store.run(
        "MATCH (i:Image)-[b:BUILT_FROM]->(p:Project) WHERE b.source = 'link:built_from' "
        "RETURN i.key AS image, p.key AS project, b.match AS match"
    )
    return {(r["image"], r["project"], r["match"]) for r in rows}


def test_examples_images_to_projects(store, deploy_registry) -> None:
    report = ingest(store, [EXAMPLES])
    assert report.errors == [] and report.warnings == []
    first = link(store)
    assert first.untraceable_images == ["registry.acme.io/legacy-reports:2019.4"]
    assert built_from(store) == {
        (
            "registry.acme.io/billing-service:5.2.0",
            "billing-service/.#pkg:maven/com.acme.billing/billing-service",
            "dockerfile-name",
        ),
        (
            "registry.acme.io/orders-service:1.9.0",
            "orders-service/.#pkg:maven/com.acme.orders/orders-service",
            "dockerfile-name",
        ),
        ("registry.acme.io/storefront:3.4.0", "storefront/.#pkg:npm/%40acme/storefront", "dockerfile-name"),
        (
            "registry.acme.io/recommendations:0.8.0",
            "recommendations/.#pkg:pypi/acme-recommendations",
            "dockerfile-name",
        ),
    }
    stats = store.stats()
    again = link(store)  # idempotent: replaced, not added
    assert store.stats() == stats and again.as_dict() == first.as_dict()
    owners = store.run(
        "MATCH (o:Owner)-[r:OWNS]->(p:Project) WHERE r.source = 'link:owners' AND r.basis = 'codeowners' "
        "RETURN p.key AS project, collect(o.key) AS owners ORDER BY project"
    )
    by_project = {r["project"]: sorted(r["owners"]) for r in owners}
    assert by_project["acme-logging/logging-core#pkg:maven/com.acme.logging/logging-core"] == ["@acme/platform-logging"]
    assert by_project["billing-service/.#pkg:maven/com.acme.billing/billing-service"] == ["@acme/billing"]
    catalog = store.run(
        "MATCH (o:Owner)-[r:OWNS]->(s:Service) WHERE r.basis = 'catalog' RETURN s.key AS s, o.key AS o ORDER BY s"
    )
    assert [(r["s"], r["o"]) for r in catalog] == [
        ("prod/billing-service", "group:default/billing"),
        ("prod/orders-service", "group:default/orders"),
        ("staging/billing-service", "group:default/billing"),
        ("staging/orders-service", "group:default/orders"),
    ]


def test_microservices_demo(store, deploy_registry, corpus: Path) -> None:
    md = corpus / "GoogleCloudPlatform__microservices-demo"
    ingest(store, [md])
    link(store)
    rows = store.run("MATCH (i:Image)-[:BUILT_FROM]->(p:Project) RETURN i.key AS image, p.path AS path ORDER BY image")
    prefix = "us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/"
    released = {r["image"][len(prefix) :].split(":")[0]: r["path"] for r in rows if r["image"].startswith(prefix)}
    bare = {
        r["image"][len("docker.io/library/") :].split(":")[0]: r["path"]
        for r in rows
        if r["image"].startswith("docker.io/library/") and r["image"].endswith(":latest")
    }
    services = [d.name for d in (md / "src").iterdir() if d.is_dir()]
    # every released and every bare (Skaffold) image -> src/<svc>; cartservice's build context (and
    # its .csproj) is src/cartservice/src
    where = {s: ("src/cartservice/src" if s == "cartservice" else f"src/{s}") for s in services}
    assert released == {s: p for s, p in where.items() if s != "shoppingassistantservice"}
    assert bare == where
    untraced = {
        r["image"]
        for r in store.run(
            "MATCH (s:Service)-[:RUNS]->(i:Image) WHERE NOT (i)-[:BUILT_FROM]->() RETURN DISTINCT i.key AS image"
        )
    }
    assert not {i for i in untraced if i.startswith(prefix)}  # all 11 first-party images are traced


def test_built_from_rules_without_store() -> None:
    images = [
        {"image": "r.io/x/api:2", "repository": "r.io/x/api", "runs": ["deploy:k.yaml"]},
        {"image": "r.io/x/lost:1", "repository": "r.io/x/lost", "runs": ["deploy:k.yaml"]},
    ]
    builds = [
        {
            "image": "docker.io/library/api:latest",
            "repository": "docker.io/library/api",
            "repo": "mono",
            "path": "svc/api/docker",
            "dockerfile": None,
            "file": "skaffold.yaml",
            "line": 3,
        }
    ]
    projects = [
        {"project": "mono/svc/api#pkg:npm/api", "repo": "mono", "path": "svc/api", "manifest": "svc/api/package.json"},
        {"project": "mono/.#pkg:npm/root", "repo": "mono", "path": ".", "manifest": "package.json"},
    ]
    rows, lost = built_from_rows(images, builds, [], projects)
    assert [(r["image"], r["project"], r["props"]["match"], r["props"]["path_match"]) for r in rows] == [
        ("r.io/x/api:2", "mono/svc/api#pkg:npm/api", "name", "ancestor")
    ]  # never the repository root
    assert lost == ["r.io/x/lost:1"]
