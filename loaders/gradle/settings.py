"""Gradle settings scripts: ``settings.gradle`` and ``settings.gradle.kts``.

The settings file defines a build: its root project (its own directory, ``rootProject.name``) and
the subprojects it ``include``-s (``include(":a", ":b:c")``, ``include ':a'``, ``includeFlat``), with
``project(":x").projectDir = file("...")`` overrides. This loader emits one ``Project`` for the
root and one per explicitly included subproject, each described by :mod:`loaders.gradle._project`
exactly as the build, lockfile and dependency-output loaders describe it (same key, same fields), so
a subproject without a build script still exists and ``project(":x")`` links have an end.
Intermediate paths that ``include(":a:b")`` creates implicitly (``:a``) are not emitted: they
usually have no build script and declare nothing. ``includeBuild`` builds are separate builds with
their own settings file; version catalogs declared here are read by the build loader.
"""

from __future__ import annotations

import posixpath

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
from loaders.gradle import _describe as gd
from loaders.gradle import _project as gp
from planner.errors import ParseError
from planner.model import ParseResult, ParseWarning, Source


class GradleSettingsLoader(Loader):
    """``settings.gradle`` and ``settings.gradle.kts``."""

    name = "gradle-settings"
    file_names = frozenset(gp.SETTINGS_FILES)

    def matches(self, path: str) -> bool:
        """Exactly ``settings.gradle`` or ``settings.gradle.kts``."""
        return posixpath.basename(path) in gp.SETTINGS_FILES

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """The root project and every included subproject of this build."""
        if "\x00" in text:
            raise ParseError(
                source.display, text.count("\n", 0, text.index("\x00")) + 1, "binary content in a settings script"
            )
        if len(text) > gp.MAX_SCRIPT_CHARS:
            raise ParseError(source.display, 1, f"settings script too large ({len(text)} characters)")
        settings = gp.parse_settings(text, gp.join(source.path))
        result = ParseResult()
        result.warnings.extend(ParseWarning(source.display, line, msg) for line, msg in settings.warnings)
        own = gd.SelfFirst(context, source.repo, gp.join(source.path), text)
        projects = {gd.describe(source.repo, settings.directory, own).record()}
        for path in sorted(settings.explicit):
            directory = settings.projects[path]
            if directory.startswith(("../", "/")) or directory == "..":
                result.warnings.append(
                    ParseWarning(
                        source.display,
                        settings.explicit[path],
                        f"{path} lives outside the repository ({directory}); skipped",
                    )
                )
                continue
            projects.add(gd.describe_path(source.repo, settings, path, own).record())
        result.extend(sorted(projects, key=lambda p: (p.path, p.key)))
        return result
