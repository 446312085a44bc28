"""Maven Central packages (``pkg:maven/group/artifact``), built with Maven or Gradle."""

from __future__ import annotations

from planner.ecosystems import schemes
from planner.ecosystems.record import BuildTool, Ecosystem, Lockfile, Override

MAVEN = BuildTool(
    name="maven",
    files=("pom.xml",),
    override=Override(
        "dependency-management",
        "<dependencyManagement><dependencies><dependency><groupId>{group}</groupId>"
        "<artifactId>{artifact}</artifactId><version>{version}</version></dependency></dependencies>"
        "</dependencyManagement>",
    ),
    verify="mvn dependency:tree -Dincludes={name}",
)
GRADLE = BuildTool(
    name="gradle",
    files=("*.gradle", "*.gradle.kts", "gradle.properties", "libs.versions.toml"),
    override=Override("gradle-constraint", 'dependencies {{ constraints {{ implementation("{name}:{version}") }} }}'),
    verify="./gradlew dependencyInsight --dependency {name}",
    relock="./gradlew dependencies --update-locks {name}",
    lockfiles=(Lockfile("gradle.lockfile", "gradle", "./gradlew dependencies --write-locks"),),
)
ECOSYSTEM = Ecosystem(
    purl_type="maven",
    osv_name="Maven",
    parse_version=schemes.maven,
    range_scheme="maven",
    build_tools=(MAVEN, GRADLE),
)
