"""``depwave sbom``: the graph as CycloneDX (1.4-1.6, JSON/XML) or SPDX 2.3 (JSON/tag-value), with VEX.

Read from the store (:mod:`~planner.sbom.collect`), decide in pure functions
(:mod:`~planner.sbom.assemble`, :mod:`~planner.sbom.vex`), render with each format's own library
(:mod:`~planner.sbom.cyclonedx`, :mod:`~planner.sbom.spdx`). ``docs/sbom.md`` says what every field means
and where it comes from.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from planner.errors import UsageError
from planner.output_file import write_atomically as write_atomically  # the one writer; kept here for callers
from planner.sbom.model import DocumentInfo, SbomGraph

#: format name -> (family, serialisation)
FORMATS = {
    "cyclonedx-json": ("cyclonedx", "json"),
    "cyclonedx-xml": ("cyclonedx", "xml"),
    "spdx-json": ("spdx", "json"),
    "spdx-tagvalue": ("spdx", "tagvalue"),
}


def render(graph: SbomGraph, info: DocumentInfo, fmt: str, spec: str | None) -> str:
    """The document text in ``fmt`` (see :data:`FORMATS`); ``spec`` is the CycloneDX version (1.4-1.6)."""
    family, serialisation = FORMATS[fmt]
    if family == "spdx":
        if spec not in (None, "2.3"):
            raise UsageError(f"--spec {spec}: SPDX output is SPDX 2.3")
        from planner.sbom import spdx

        return spdx.render(graph, info, serialisation)
    from planner.sbom import cyclonedx

    if (spec or "1.6") not in cyclonedx.SPEC_VERSIONS:
        raise UsageError(f"--spec {spec}: CycloneDX output is 1.4, 1.5 or 1.6")
    return cyclonedx.render(graph, info, spec or "1.6", serialisation)


def document_timestamp(text: str | None, environ: dict[str, str] | None = None) -> datetime:
    """``--timestamp`` (ISO 8601), else ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention), else now;
    in UTC, whole seconds."""
    env = os.environ if environ is None else environ
    if text:
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(f"--timestamp {text!r}: expected ISO 8601, e.g. 2026-01-31T12:00:00Z") from None
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).replace(microsecond=0)
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except ValueError:
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r}: expected whole seconds since 1970") from None
    return datetime.now(UTC).replace(microsecond=0)
