"""Human step labels and the change of an edit in words (issue 18); ids stay in the JSON."""

from __future__ import annotations

import pytest

from planner.render.labels import change_words, edit_where, project_label, step_label

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"


def _step(**fields):
    base = {"kind": "edit", "phase": "fix", "name": "com.acme.logging:logging-core", "repo": "acme-logging"}
    return base | fields


@pytest.mark.parametrize(
    ("step", "label"),
    [
        (_step(), "edit acme-logging/logging-core"),
        (_step(kind="build", name="com.acme.billing:billing-service", repo="billing-service"), "build billing-service"),
        (
            _step(kind="publish", name="com.acme.auth:auth-client + com.acme.commons:commons-util", repo="acme-auth"),
            "publish acme-auth/auth-client + commons-util",
        ),
        (_step(kind="deploy", service="billing-service", environment="prod"), "deploy billing-service to prod"),
        (_step(kind="decide", name="legacy-reports", repo=""), "decide legacy-reports"),
        (_step(phase="cleanup"), "clean-up: edit acme-logging/logging-core"),
        (_step(name="@acme/storefront", repo="storefront"), "edit storefront/@acme/storefront"),
    ],
)
def test_step_label(step, label) -> None:
    assert step_label(step) == label


def test_project_label_leaves_out_a_repository_named_as_the_project() -> None:
    assert project_label("com.acme.orders:orders-service", "orders-service") == "orders-service"
    assert project_label("com.acme.logging:logging-core", "acme-logging") == "acme-logging/logging-core"
    assert project_label("requests", None) == "requests"


EDIT = {"location": "pom.xml:32", "from": "2.14.1", "to": "2.17.1", "tool": "maven", "providers": []}


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (EDIT | {"mechanism": "property", "property": "log4j2.version"}, "<log4j2.version> 2.14.1 → 2.17.1"),
        (
            EDIT | {"mechanism": "property", "property": "log4j2.version", "overrides": "acme-parent/pom.xml:9"},
            "override <log4j2.version> 2.14.1 → 2.17.1 (set by acme-parent/pom.xml:9)",
        ),
        (
            EDIT | {"mechanism": "property", "property": "log4jVersion", "tool": "gradle"},
            "log4jVersion 2.14.1 → 2.17.1",
        ),
        (EDIT | {"mechanism": "direct-dependency"}, "log4j-core 2.14.1 → 2.17.1"),
        (
            EDIT | {"mechanism": "dependency-management", "from": None},
            "pin in <dependencyManagement>: log4j-core → 2.17.1",
        ),
        (
            EDIT | {"mechanism": "propagate", "providers": ["pkg:maven/com.acme.logging/logging-core"]},
            "bump logging-core to the new release (brings log4j-core 2.14.1 → 2.17.1)",
        ),
    ],
)
def test_change_in_words(edit, words) -> None:
    assert change_words(_step(), edit, LOG4J) == words


def test_an_edit_names_the_repository_of_its_file() -> None:
    step = _step(repo="acme-auth")
    assert edit_where(step, EDIT | {"repo": "acme-commons"}) == "acme-commons/pom.xml:32"
    assert edit_where(step, EDIT) == "acme-auth/pom.xml:32"  # a plan written before edits carried repo


def test_a_go_mod_edit_says_the_version_as_go_mod_writes_it() -> None:
    """The graph keeps go.mod's ``v1.83.0``; the target is typed ``1.84.0``: both sides read with ``v``."""
    edit = {"mechanism": "direct-dependency", "from": "v1.83.0", "to": "1.84.0", "tool": "go"}
    assert change_words(_step(), edit, "pkg:golang/google.golang.org/grpc") == "grpc v1.83.0 → v1.84.0"


def test_a_relock_edit_says_its_own_command_not_the_whole_step_s() -> None:
    """A pnpm workspace's edit step relocks one member and edits another: each edit in its own words."""
    step = _step(
        kind="edit", change="vite: pnpm update postcss@8.5.27 --lockfile-only (…); docs: postcss 8.5.26 → 8.5.27"
    )
    relock = {"mechanism": "relock", "from": "8.5.26", "to": "8.5.27", "tool": "pnpm", "location": "pnpm-lock.yaml:7"}
    assert (
        change_words(step, relock, "pkg:npm/postcss")
        == "pnpm update postcss@8.5.27 --lockfile-only (postcss 8.5.26 → 8.5.27 in the lockfile)"
    )


def test_an_unknown_mechanism_falls_back_to_the_plan_s_own_words() -> None:
    step = _step(kind="edit", change="regenerate the lockfile")
    assert change_words(step, EDIT | {"mechanism": "lockfile-only"}, LOG4J) == "regenerate the lockfile"


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("github.com/GoogleCloudPlatform/microservices-demo/src/checkoutservice", "checkoutservice"),
        ("go.etcd.io/etcd/client/v3", "client/v3"),
        ("@opentelemetry/core", "@opentelemetry/core"),
        ("org.apache.struts:struts2-core", "struts2-core"),
        ("requests", "requests"),
    ],
)
def test_artifact_of_each_ecosystem_s_names(name, short) -> None:
    from planner.render.labels import artifact

    assert artifact(name) == short


def test_a_long_label_keeps_its_artifact_and_cuts_the_repository() -> None:
    name = "github.com/GoogleCloudPlatform/microservices-demo/src/checkoutservice"
    repo = "GoogleCloudPlatform__microservices-demo"
    assert project_label(name, repo) == "GoogleCloudPlatform__microservices-demo/checkoutservice"
    assert project_label(name, repo, 36) == "GoogleClou…ices-demo/checkoutservice"
