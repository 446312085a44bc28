"""The explicit list of editors: which file format each handles and what it can do.

A file goes to the editor of the loader that reads it (:func:`loaders.registry.loader_for`), so a
file depwave ingests as a ``pom.xml`` is edited as one; ``gradle.properties``, which the Gradle
loader reads through its context rather than on its own, is matched by name.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from loaders.registry import loader_for
from planner.fix import cargo, catalog, gomod, gradle, maven, npm, pyproject, requirements
from planner.fix.model import OVERRIDE, OVERRIDE_PROPERTY, Change, Edit, FixError


@dataclass(frozen=True, slots=True)
class Editor:
    """The edits one file format supports: ``bump`` always; ``override`` where the format can pin a
    package it does not declare (``None``: it cannot)."""

    format: str
    bump: Callable[[str, Change], Edit]
    override: Callable[[str, Change, str | None], Edit] | None = None


EDITORS: tuple[Editor, ...] = (
    Editor("maven-pom", maven.bump, lambda text, change, _tool: maven.override(text, change)),
    Editor("gradle-build", gradle.bump, lambda text, change, _tool: gradle.override(text, change)),
    Editor("gradle-catalog", catalog.bump),
    Editor("gradle-properties", gradle.bump_property),
    Editor("npm-package-json", npm.bump, npm.override),
    Editor("pyproject-toml", pyproject.bump),
    Editor("pip-requirements", requirements.bump, lambda text, change, _tool: requirements.override(text, change)),
    Editor("cargo-toml", cargo.bump),
    Editor("go-mod", gomod.bump, lambda text, change, _tool: gomod.override(text, change)),
)
_BY_FORMAT = {e.format: e for e in EDITORS}


def editor_for(path: str) -> Editor | None:
    """The editor for the file at this repo-relative POSIX path, or None when depwave cannot edit it."""
    if posixpath.basename(path) == "gradle.properties":
        return _BY_FORMAT["gradle-properties"]
    loader = loader_for(path)
    return _BY_FORMAT.get(loader.name) if loader is not None else None


def edit(text: str, change: Change, tool: str | None = None) -> Edit:
    """Make ``change`` in ``text`` with the editor for ``change.path`` (``tool``: the build tool, which
    picks the override field of a ``package.json``)."""
    editor = editor_for(change.path)
    if editor is None:
        raise FixError(change.path, change.line, "depwave cannot edit this kind of file")
    if change.action == OVERRIDE_PROPERTY:
        if editor.format != "maven-pom":
            raise FixError(change.path, change.line, "only a POM overrides its parent's properties")
        return maven.override_property(text, change)
    if change.action == OVERRIDE:
        if editor.override is None:
            raise FixError(change.path, change.line, f"a {editor.format} file has no way to override a version")
        return editor.override(text, change, tool)
    return editor.bump(text, change)
