"""Describe the Gradle project of a directory: :func:`describe` (see :mod:`loaders.gradle._project`
for how the build, name, group, version, key, manifest and kind are found)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import lru_cache

from loaders.base import SourceContext
from loaders.gradle._project import (
    BUILD_FILES,
    SETTINGS_FILES,
    BuildFacts,
    Settings,
    _canonical,
    _kind,
    build_facts,
    join,
    parse_settings,
    read_properties,
)
from planner import purl as purls
from planner.model import Project, project_key

# -------------------------------------------------------------------------------------- projects


@dataclass(frozen=True, slots=True)
class GradleProject:
    """A Gradle project as every Gradle loader keys it (see the module docstring)."""

    repo: str
    directory: str
    gradle_path: str  # ":" for a root project
    root_name: str
    group: str | None
    artifact: str
    version: str | None
    manifest: str
    build_file: str | None
    kind: str
    publishes: bool
    settings: Settings | None

    @property
    def package(self) -> purls.Purl:
        """Its versionless purl (maven when the group is known, else generic)."""
        return _project_package(self.group, self.artifact, self.root_name, self.gradle_path)

    @property
    def key(self) -> str:
        """The project key shared by every Gradle loader."""
        return project_key(self.repo, self.directory, self.package.package)

    def record(self) -> Project:
        """The ``Project`` record."""
        p = self.package
        versioned = purls.build(p.type, p.namespace, p.name, self.version) if self.version else p
        name = (
            p.display_name if p.type == "maven" else (self.gradle_path if self.gradle_path != ":" else self.root_name)
        )
        return Project(
            key=self.key,
            name=name,
            ecosystem=p.type,
            repo=self.repo,
            path=self.directory,
            manifest=self.manifest,
            purl=versioned.key,
            version=self.version,
            kind=self.kind,
        )


@lru_cache(maxsize=4096)
def _project_package(group: str | None, artifact: str, root_name: str, gradle_path: str) -> purls.Purl:
    if group:
        try:
            return purls.maven(group, artifact)
        except ValueError:
            pass
    segments = [s for s in gradle_path.split(":") if s.strip()]
    try:
        if not segments:
            return purls.build("generic", None, root_name)
        return purls.build("generic", "/".join([root_name, *segments[:-1]]), segments[-1])
    except ValueError:  # a name no purl can hold: fall back to the directory-free path text
        return purls.build("generic", None, gradle_path.strip(":") or "root")


def locate(repo: str, directory: str, context: SourceContext) -> tuple[Settings | None, str]:
    """The settings of the build that contains ``directory`` and the directory's project path in it."""
    directory = join(directory)
    d = directory
    while True:
        for name in SETTINGS_FILES:
            path = join(d, name)
            text = context.read(repo, path)
            if text is None:
                continue
            settings = parse_settings(text, path)
            project_path = settings.path_of(directory)
            if project_path is not None:
                return settings, project_path
            break
        parent = join(posixpath.dirname(d) or ".")
        if d == "." or parent == d:  # the top (an absolute "/" from a hostile include never reaches ".")
            return None, ":"
        d = parent


def read_build(repo: str, directory: str, context: SourceContext) -> tuple[str | None, str | None]:
    """(path, text) of the build script in a directory, Kotlin first."""
    for name in BUILD_FILES:
        path = join(directory, name)
        text = context.read(repo, path)
        if text is not None:
            return path, text
    return None, None


def describe(repo: str, directory: str, context: SourceContext) -> GradleProject:
    """The Gradle project living in ``directory`` (repo-relative) of ``repo``."""
    directory = join(directory)
    settings, gradle_path = locate(repo, directory, context)
    root_dir = settings.directory if settings else directory
    if settings and settings.root_name:
        root_name = settings.root_name
    else:
        root_name = posixpath.basename(root_dir) if root_dir != "." else repo
    build_path, build_text = read_build(repo, directory, context)
    facts = build_facts(build_text, build_path.endswith(".kts")) if build_text and build_path else BuildFacts()
    root_facts = BuildFacts()
    if root_dir != directory:
        root_path, root_text = read_build(repo, root_dir, context)
        if root_text and root_path:
            root_facts = build_facts(root_text, root_path.endswith(".kts"))
    own_props = read_properties(context.read(repo, join(directory, "gradle.properties")))
    root_props = (
        read_properties(context.read(repo, join(root_dir, "gradle.properties"))) if root_dir != directory else {}
    )

    def pick(attr: str) -> str | None:
        candidates = [getattr(facts, attr), getattr(root_facts, f"all_{attr}")]
        if root_dir == directory:
            candidates = [getattr(facts, attr), getattr(facts, f"all_{attr}")]
        else:
            candidates.append(getattr(root_facts, f"sub_{attr}"))
        candidates += [own_props.get(attr, (None, 0))[0], root_props.get(attr, (None, 0))[0]]
        return next((c.strip() for c in candidates if c and c.strip() and c.strip() != "unspecified"), None)

    segments = [s for s in gradle_path.split(":") if s]
    artifact = segments[-1] if segments else root_name
    manifest = build_path or (settings.path if settings else join(directory, "build.gradle"))
    return GradleProject(
        repo=repo,
        directory=directory,
        gradle_path=gradle_path,
        root_name=root_name,
        group=pick("group"),
        artifact=artifact,
        version=pick("version"),
        manifest=manifest,
        build_file=build_path,
        kind=_kind(facts.plugins),
        publishes=facts.publishes,
        settings=settings,
    )


def describe_path(repo: str, settings: Settings, gradle_path: str, context: SourceContext) -> GradleProject:
    """The project at a Gradle path of a build (its default directory when the settings do not list it)."""
    gradle_path = _canonical(gradle_path) if gradle_path.strip(":") else ":"
    if gradle_path == ":":
        return describe(repo, settings.directory, context)
    directory = settings.projects.get(gradle_path) or join(settings.directory, *gradle_path.strip(":").split(":"))
    return describe(repo, directory, context)


class SelfFirst(SourceContext):
    """A context in which the file being parsed reads as the text given to the loader."""

    def __init__(self, inner: SourceContext, repo: str, path: str, text: str) -> None:
        self._inner, self._repo, self._path, self._text = inner, repo, join(path), text

    def read(self, repo: str, path: str) -> str | None:
        """The loader's own text for its own path, else the inner context's."""
        if repo == self._repo and join(path) == self._path:
            return self._text
        return self._inner.read(repo, path)

    def sources(self):
        """The inner context's sources."""
        return self._inner.sources()
