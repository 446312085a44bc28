"""The explicit list of loaders. A file goes to the first loader whose ``matches`` accepts it."""

from __future__ import annotations

from loaders.base import Loader
from loaders.cyclonedx_json import CycloneDxJsonLoader
from loaders.maven_pom import MavenPomLoader
from loaders.maven_tree import MavenDependencyTreeLoader
from loaders.osv_json import OsvJsonLoader

LOADERS: tuple[Loader, ...] = (
    CycloneDxJsonLoader(),
    MavenPomLoader(),
    MavenDependencyTreeLoader(),
    OsvJsonLoader(),
)


def loader_for(path: str) -> Loader | None:
    """The loader that handles the file at this POSIX path (see ``Loader.matches``), or None."""
    for loader in LOADERS:
        if loader.matches(path):
            return loader
    return None
