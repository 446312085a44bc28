"""Container images a JVM build makes without a Dockerfile: Jib and Spring Boot buildpacks.

Gradle: ``jib { to { image = "..." } }`` (or ``jib.to.image``) and ``bootBuildImage { imageName = "..." }``,
string literals (``${...}`` interpolated when the build script's values are static).

Maven: ``com.google.cloud.tools:jib-maven-plugin`` ``<configuration><to><image>`` and
``org.springframework.boot:spring-boot-maven-plugin`` ``<configuration><image><name>``
(``build-image``). Both default, when no name is configured, to ``<artifactId>:<version>``
(Spring Boot: ``docker.io/library/<artifactId>:<version>``); Jib without ``to.image`` fails the
build, so nothing is emitted then.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from loaders._image_ref import parse as parse_image
from loaders._maven_xml import Element
from planner.model import Image, ImageBuild, Location, Source

JIB = ("com.google.cloud.tools", "jib-maven-plugin")
SPRING_BOOT = ("org.springframework.boot", "spring-boot-maven-plugin")


def maven_images(
    root: Element, source: Source, interpolate: Callable[[str], str | None], artifact: str, version: str | None
) -> tuple[list[Image | ImageBuild], list[tuple[int | None, str]]]:
    """Images the POM's build plugins make, as ``Image`` + ``ImageBuild`` records, and problems."""
    records: list[Image | ImageBuild] = []
    problems: list[tuple[int | None, str]] = []
    plugins = root.path("build", "plugins", "plugin")
    for plugin in plugins:
        coords = (plugin.text_of("groupId") or "org.apache.maven.plugins", plugin.text_of("artifactId") or "")
        config = plugin.child("configuration")
        written: str | None = None
        line = plugin.line
        if coords == JIB:
            to = config.child("to") if config is not None else None
            image = to.child("image") if to is not None else None
            if image is None or not image.text:
                continue
            written, line = image.text, image.line
        elif coords == SPRING_BOOT:
            image = config.child("image") if config is not None else None
            name = image.child("name") if image is not None else None
            if name is not None and name.text:
                written, line = name.text, name.line
            elif any("build-image" in (g.text or "") for g in plugin.path("executions", "execution", "goals", "goal")):
                written = f"docker.io/library/{artifact}:{version or 'latest'}"
            else:
                continue
        else:
            continue
        text = interpolate(written.strip())
        ref = parse_image(text) if text else None
        if ref is None:
            problems.append((line, f"image {written.strip()!r} of {coords[1]} cannot be resolved statically"))
            continue
        records.append(ref.record())
        records.append(ImageBuild(ref.key, source.repo, source.directory, None, None, Location(source.path, line)))
    return records, problems


_GRADLE_PATTERNS = (
    # jib { to { image = "..." } }   /   jib.to.image = "..."   /   to.image.set("...")
    ("jib", re.compile(r"""\bjib\s*\{.*?\bto\s*\{[^{}]*?\bimage\s*(?:=|\.set\s*\()\s*(['"])([^'"\n]+)\1""", re.S)),
    ("jib", re.compile(r"""\bjib\.to\.image\s*=\s*(['"])([^'"\n]+)\1""")),
    # bootBuildImage { imageName = "..." }  /  tasks.named<BootBuildImage>("bootBuildImage") { imageName.set("...") }
    (
        "bootBuildImage",
        re.compile(r"""\bbootBuildImage\b[^{]*\{[^{}]*?\bimageName\s*(?:=|\.set\s*\()\s*(['"])([^'"\n]+)\1""", re.S),
    ),
)


def gradle_images(
    text: str, source: Source, interpolate: Callable[[str], str | None]
) -> tuple[list[Image | ImageBuild], list[tuple[int | None, str]]]:
    """Images a Gradle build script makes with Jib or Spring Boot's ``bootBuildImage``."""
    records: list[Image | ImageBuild] = []
    problems: list[tuple[int | None, str]] = []
    seen: set[str] = set()
    for plugin, pattern in _GRADLE_PATTERNS:
        for m in pattern.finditer(text):
            written = m.group(2).strip()
            line = text.count("\n", 0, m.start(2)) + 1
            value = interpolate(written) if "$" in written else written
            ref = parse_image(value) if value else None
            if ref is None:
                problems.append((line, f"image {written!r} of {plugin} cannot be resolved statically"))
                continue
            if ref.key in seen:
                continue
            seen.add(ref.key)
            records.append(ref.record())
            records.append(ImageBuild(ref.key, source.repo, source.directory, None, None, Location(source.path, line)))
    return records, problems
