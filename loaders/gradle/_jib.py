"""Container images a Gradle build makes without a Dockerfile: Jib and Spring Boot buildpacks.

``jib { to { image = "..." } }`` (or ``jib.to.image``) and ``bootBuildImage { imageName = "..." }``,
string literals (``${...}`` interpolated when the build script's values are static). Maven's image
plugins are read by :mod:`loaders.maven._images`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from loaders.deploy.image_ref import parse as parse_image
from planner.model import Image, ImageBuild, Location, Source

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
