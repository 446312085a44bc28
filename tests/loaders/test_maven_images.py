"""Images a Maven module builds with its own or inherited build plugins (issue 12, finding 5)."""

from __future__ import annotations

import pytest

from loaders.base import StaticContext
from loaders.maven.pom import MavenPomLoader
from planner.model import ImageBuild, Source
from tests.conftest import FIXTURES

LOADER = MavenPomLoader()
PETCLINIC = FIXTURES / "maven" / "petclinic"


def builds(files: dict[str, str], path: str) -> list[tuple[str, str, str, int | None]]:
    """``(image, build path, file, line)`` of every ImageBuild parsed from ``path`` (others in the context)."""
    ctx = StaticContext({("acme", k): v for k, v in files.items()})
    result = LOADER.parse(files[path], Source("acme", path, path), ctx)
    assert result.warnings == []
    return sorted(
        (b.image, b.path, b.location.path, b.location.line) for b in result.records if isinstance(b, ImageBuild)
    )


def test_petclinic_modules_build_the_image_named_in_the_root_profile() -> None:
    """Each module declares exec-maven-plugin in its ``buildDocker`` profile; the root's profile of
    the same id manages ``docker build -t ${docker.image.prefix}/${project.artifactId}``."""
    files = {p.relative_to(PETCLINIC).as_posix(): p.read_text() for p in PETCLINIC.rglob("pom.xml")}
    assert builds(files, "spring-petclinic-customers-service/pom.xml") == [
        (
            "docker.io/springcommunity/spring-petclinic-customers-service:latest",
            "spring-petclinic-customers-service",
            "pom.xml",
            80,  # the <argument> after -t in the root pom
        )
    ]
    assert builds(files, "spring-petclinic-api-gateway/pom.xml")[0][0] == (
        "docker.io/springcommunity/spring-petclinic-api-gateway:latest"
    )
    assert builds(files, "pom.xml") == []  # the aggregator builds no image of its own


PARENT = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.acme.shop</groupId>
  <artifactId>shop-parent</artifactId>
  <version>1.4.0</version>
  <packaging>pom</packaging>
  <properties><registry>ghcr.io/acme</registry></properties>
  <build>
    <pluginManagement>
      <plugins>
        {managed}
      </plugins>
    </pluginManagement>
    <plugins>
      {inherited}
    </plugins>
  </build>
</project>
"""

CHILD = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>com.acme.shop</groupId>
    <artifactId>shop-parent</artifactId>
    <version>1.4.0</version>
  </parent>
  <artifactId>orders</artifactId>
  <build>
    <plugins>
      {own}
    </plugins>
  </build>
</project>
"""

JIB = "<plugin><groupId>com.google.cloud.tools</groupId><artifactId>jib-maven-plugin</artifactId>{body}</plugin>"
FABRIC8 = """<plugin><groupId>io.fabric8</groupId><artifactId>docker-maven-plugin</artifactId>
  <configuration><images>
    <image><name>%g/%a:%l</name><build><contextDir>${project.basedir}</contextDir></build></image>
    <image><name>postgres:14</name><run><ports><port>5432:5432</port></ports></run></image>
  </images></configuration></plugin>"""
SPOTIFY = """<plugin><groupId>com.spotify</groupId><artifactId>dockerfile-maven-plugin</artifactId>
  <configuration><repository>${registry}/${project.artifactId}</repository><tag>${project.version}</tag></configuration>
</plugin>"""
SPOTIFY_OLD = """<plugin><groupId>com.spotify</groupId><artifactId>docker-maven-plugin</artifactId>
  <configuration><imageName>acme/${project.artifactId}</imageName></configuration></plugin>"""
EXEC_LINE = """<plugin><groupId>org.codehaus.mojo</groupId><artifactId>exec-maven-plugin</artifactId>
  <executions><execution><id>image</id><goals><goal>exec</goal></goals><configuration>
    <executable>podman</executable>
    <commandlineArgs>build --tag=${registry}/${project.artifactId}:${project.version} .</commandlineArgs>
  </configuration></execution></executions></plugin>"""
EXEC_NOT_A_BUILD = """<plugin><groupId>org.codehaus.mojo</groupId><artifactId>exec-maven-plugin</artifactId>
  <configuration><executable>docker</executable>
    <arguments><argument>push</argument><argument>-t</argument><argument>x/y</argument></arguments>
  </configuration></plugin>"""
BOOT = """<plugin><groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId>
  {body}</plugin>"""


@pytest.mark.parametrize(
    ("managed", "inherited", "own", "expected"),
    [
        pytest.param(  # the child overrides the managed <to><image> of the parent
            JIB.format(body="<configuration><to><image>${registry}/base</image></to></configuration>"),
            "",
            JIB.format(body="<configuration><to><image>${registry}/${project.artifactId}</image></to></configuration>"),
            [("ghcr.io/acme/orders:latest", "child")],
            id="jib-child-overrides-managed",
        ),
        pytest.param(  # declared bare in the child, configured in the parent's pluginManagement
            JIB.format(body="<configuration><to><image>${registry}/${project.artifactId}</image></to></configuration>"),
            "",
            JIB.format(body=""),
            [("ghcr.io/acme/orders:latest", "parent")],
            id="jib-managed",
        ),
        pytest.param(  # a plugin of the parent's <build><plugins> runs in every child
            "",
            BOOT.format(body="<executions><execution><goals><goal>build-image</goal></goals></execution></executions>"),
            "",
            [("docker.io/library/orders:1.4.0", "parent")],
            id="spring-boot-inherited-default-name",
        ),
        pytest.param(
            "",
            BOOT.format(
                body="<inherited>false</inherited><configuration><image><name>x/y</name></image></configuration>"
            ),
            "",
            [],
            id="not-inherited",
        ),
        pytest.param(FABRIC8, "", FABRIC8, [("docker.io/shop/orders:1.4.0", "child")], id="fabric8-built-images-only"),
        pytest.param("", "", SPOTIFY, [("ghcr.io/acme/orders:1.4.0", "child")], id="spotify-dockerfile"),
        pytest.param("", SPOTIFY_OLD, "", [("docker.io/acme/orders:latest", "parent")], id="spotify-docker"),
        pytest.param("", "", EXEC_LINE, [("ghcr.io/acme/orders:1.4.0", "child")], id="exec-podman-commandline"),
        pytest.param("", "", EXEC_NOT_A_BUILD, [], id="exec-docker-push-is-not-a-build"),
    ],
)
def test_image_plugins(managed: str, inherited: str, own: str, expected: list[tuple[str, str]]) -> None:
    files = {
        "pom.xml": PARENT.format(managed=managed, inherited=inherited),
        "orders/pom.xml": CHILD.format(own=own),
    }
    got = [
        (image, "parent" if file == "pom.xml" else "child") for image, path, file, _ in builds(files, "orders/pom.xml")
    ]
    assert got == expected
    assert all(path == "orders" for _, path, _, _ in builds(files, "orders/pom.xml"))
