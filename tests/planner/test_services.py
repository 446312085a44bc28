"""depwave services: service -> image -> project -> repo -> owners, untraceable listed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from planner.ingest import ingest
from planner.link import link
from planner.render.services_view import text as render_text
from planner.services import SCHEMA, list_services
from tests.conftest import EXAMPLES, FIXTURES

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"


def test_examples_prod(store, deploy_registry) -> None:
    ingest(store, [EXAMPLES])
    link(store)
    result = list_services(store, "prod")
    got = {s.name: (s.owners, s.owner_basis, s.traceable) for s in result.services}
    assert got == {
        "billing-service": (["group:default/billing"], "catalog", True),
        "orders-service": (["group:default/orders"], "catalog", True),
        "storefront": (["@acme/storefront"], "project", True),
        "recommendations": (["@acme/data-science"], "project", True),
        "legacy-reports": (["@acme/sre"], "manifest", False),  # listed, not dropped
    }
    doc = result.as_dict()
    assert doc["schema"] == SCHEMA and doc["untraceable"] == ["prod/legacy-reports"]
    json.dumps(doc)
    staging = list_services(store, "staging")
    assert "recommendations" not in {s.name for s in staging.services}  # recommendations only in prod
    assert "UNTRACEABLE" in render_text(result)
    exposed = store.query("find_production_exposure", {"package": LOG4J})
    assert sorted({r["name"] for r in exposed}) == ["billing-service", "orders-service"]
    billing = next(r for r in exposed if r["name"] == "billing-service")
    assert "group:default/billing" in billing["service_owners"] and billing["project_owners"]


def test_inventory_outranks_manifests(store, deploy_registry, tmp_path: Path) -> None:
    org = tmp_path / "org"
    shutil.copytree(EXAMPLES / "deploy", org / "deploy")
    shutil.copytree(EXAMPLES / "billing-service", org / "billing-service")
    inv = org / "deploy" / "inventory" / "prod"
    inv.mkdir(parents=True)
    digest = "sha256:" + "4" * 64
    (inv / "pods.json").write_text(
        json.dumps(
            {
                "kind": "List",
                "items": [
                    {
                        "kind": "Pod",
                        "metadata": {
                            "name": "billing-service-6c9f-abcde",
                            "namespace": "prod",
                            "labels": {"app.kubernetes.io/name": "billing-service"},
                        },
                        "spec": {
                            "containers": [
                                {"name": "billing-service", "image": "registry.acme.io/billing-service:5.1.0"}
                            ]
                        },
                        "status": {
                            "containerStatuses": [
                                {"name": "billing-service", "imageID": f"registry.acme.io/billing-service@{digest}"}
                            ]
                        },
                    }
                ],
            }
        )
    )
    report = ingest(store, [org])
    assert report.errors == []
    link(store)
    billing = next(s for s in list_services(store, "prod").services if s.name == "billing-service")
    assert billing.origin == "inventory"
    assert [i.key for i in billing.images] == [f"registry.acme.io/billing-service@{digest}"]
    assert billing.images[0].projects[0].match == "dockerfile-name"  # a digest of an image named like the repo
    assert billing.traceable


def test_fixture_directory_is_self_contained() -> None:
    assert (FIXTURES / "deploy" / "inventory" / "prod" / "pods.json").is_file()


def test_no_services_is_a_sentence_with_a_newline(store, data_dir: Path) -> None:
    from click.testing import CliRunner

    from planner.cli import cli
    from planner.services import ServicesResult

    assert render_text(ServicesResult(None)).endswith(")\n")  # before: a bare header without a newline
    assert render_text(ServicesResult("prod")).startswith("no deployed services in prod in the graph")
    out = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "services"])
    assert out.exit_code == 0 and out.output.startswith("no deployed services in the graph")
    assert out.output.endswith("\n") and "SERVICE" not in out.output
