"""The explicit list of loaders. A file goes to the first loader whose ``matches`` accepts it."""

from __future__ import annotations

from loaders.base import Loader
from loaders.cyclonedx_json import CycloneDxJsonLoader

LOADERS: tuple[Loader, ...] = (CycloneDxJsonLoader(),)


def loader_for(filename: str) -> Loader | None:
    """The loader that handles a file of this name, or None."""
    for loader in LOADERS:
        if loader.matches(filename):
            return loader
    return None
