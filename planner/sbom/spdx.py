"""An :class:`SbomGraph` as an SPDX 2.3 document (JSON or tag-value), built and written with spdx-tools.

The writers are asked not to validate: spdx-tools' validator looks every SPDX id up in a list rebuilt per
relationship (quadratic: 90 % of a 1,400-package export, hours for an organisation). The model is typed
(spdx-tools checks every field's type when it is built) and the tests run the full validator
(``validate_full_spdx_document``) on every shape of document depwave writes."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import datetime
from enum import Enum
from typing import Any

from spdx_tools.spdx.model import (
    Actor,
    ActorType,
    Checksum,
    ChecksumAlgorithm,
    CreationInfo,
    Document,
    ExternalPackageRef,
    ExternalPackageRefCategory,
    Package,
    PackagePurpose,
    Relationship,
    RelationshipType,
    SpdxNoAssertion,
)
from spdx_tools.spdx.writer.json import json_writer
from spdx_tools.spdx.writer.tagvalue import tagvalue_writer

from planner import hashes
from planner import purl as purls
from planner.safe_text import escape
from planner.sbom import vex
from planner.sbom.model import SPDX_RELATIONSHIP, DocumentInfo, SbomComponent, SbomGraph, SbomProject, VexStatement

DOCUMENT = "SPDXRef-DOCUMENT"
NAMESPACE_BASE = "https://spdx.org/spdxdocs/depwave"
_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")


def render(graph: SbomGraph, info: DocumentInfo, fmt: str = "json") -> str:
    """The document text (``fmt`` is ``json`` or ``tagvalue``)."""
    document = build(graph, info)
    stream = io.StringIO()
    if fmt == "json":
        json_writer.write_document_to_stream(document, stream, validate=False)
        stream.write("\n")
    else:
        tagvalue_writer.write_document_to_stream(_one_line(document), stream, validate=False)
    return stream.getvalue()


def _one_line(value: Any, seen: set[int] | None = None) -> Any:
    """``value`` (a spdx-tools model) with control characters in every text escaped (planner.safe_text):
    tag-value is one ``Tag: value`` per line, and a newline in a package name read from a file would
    forge a field of its own; ``</text>`` would end a multi-line field early."""
    seen = set() if seen is None else seen
    if isinstance(value, str):
        return escape(value).replace("</text>", "<\\/text>")
    if isinstance(value, list):
        return [_one_line(v, seen) for v in value]
    if id(value) in seen or not hasattr(value, "__dict__") or isinstance(value, Enum | datetime):
        return value
    seen.add(id(value))
    for attr, item in list(vars(value).items()):
        if isinstance(item, str | list) or hasattr(item, "__dict__"):
            setattr(value, attr, _one_line(item, seen))
    return value


def spdx_id(ref: str) -> str:
    """A stable SPDX identifier for a document ref: readable prefix + a digest of the full ref (unique)."""
    text = ref.split("#", 1)[-1].removeprefix("pkg:")
    readable = _UNSAFE.sub("-", text).strip("-")[:60]
    return f"SPDXRef-{readable}-{hashlib.sha256(ref.encode()).hexdigest()[:12]}"


def build(graph: SbomGraph, info: DocumentInfo) -> Document:
    """The spdx-tools model of ``graph``."""
    name = f"{graph.subject.kind}-{graph.subject.name}"
    creators = [Actor(ActorType.TOOL, f"depwave-{info.tool_version}")]
    if info.author:
        creators.append(Actor(ActorType.PERSON, info.author))
    if info.supplier:
        creators.append(Actor(ActorType.ORGANIZATION, info.supplier))
    creation = CreationInfo(
        spdx_version="SPDX-2.3",
        spdx_id=DOCUMENT,
        name=name,
        document_namespace=f"{NAMESPACE_BASE}/{_UNSAFE.sub('-', name)}-{info.serial}",
        creators=creators,
        created=info.timestamp.replace(microsecond=0),
    )
    statements: dict[str, list[VexStatement]] = {}
    for s in graph.vex:
        for ref in (s.project_ref, *s.affected_refs):
            statements.setdefault(ref, []).append(s)
    packages = [_root_package(graph, info, statements)]
    packages += [_project_package(p, info, statements.get(p.ref, [])) for p in graph.projects]
    packages += [_component_package(c, statements.get(c.ref, [])) for c in graph.components]
    relationships = [Relationship(DOCUMENT, RelationshipType.DESCRIBES, spdx_id(graph.root_ref))]
    scopes = graph.scopes()
    for ref, targets in graph.dependencies.items():
        for target in targets:
            relationships.append(_dependency(ref, target, scopes.get(target, "runtime")))
    return Document(creation, packages=packages, relationships=relationships)


def _dependency(ref: str, target: str, scope: str) -> Relationship:
    kind = SPDX_RELATIONSHIP.get(scope)
    if kind is None:
        return Relationship(spdx_id(ref), RelationshipType.DEPENDS_ON, spdx_id(target))
    return Relationship(spdx_id(target), RelationshipType[kind], spdx_id(ref))


def _supplier(project: SbomProject | None, info: DocumentInfo) -> Actor | SpdxNoAssertion:
    """``--supplier``, else the project's owners, else NOASSERTION (SPDX's word for "not known")."""
    name = info.supplier or (", ".join(project.owners) if project is not None else None)
    return Actor(ActorType.ORGANIZATION, name) if name else SpdxNoAssertion()


def _root_package(graph: SbomGraph, info: DocumentInfo, statements: dict[str, list[VexStatement]]) -> Package:
    if graph.root is not None:
        return _project_package(graph.root, info, statements.get(graph.root.ref, []), graph.root_ref)
    subject = graph.subject
    details = "; ".join(f"{k.removeprefix('depwave:')} {v}" for k, v in subject.details)
    return Package(
        spdx_id=spdx_id(graph.root_ref),
        name=subject.name,
        download_location=SpdxNoAssertion(),
        supplier=_supplier(None, info),
        files_analyzed=False,
        primary_package_purpose=PackagePurpose.APPLICATION,
        comment=f"depwave {subject.kind} {subject.key}" + (f" ({details})" if details else ""),
    )


def _project_package(
    project: SbomProject, info: DocumentInfo, statements: list[VexStatement], ref: str | None = None
) -> Package:
    p = purls.parse(project.purl) if project.purl else None
    purpose = PackagePurpose.APPLICATION if project.kind in ("application", "service") else PackagePurpose.LIBRARY
    refs = [_purl_ref(p.key)] if p is not None and p.type != "generic" else []
    return Package(
        spdx_id=spdx_id(ref or project.ref),
        name=p.display_name if p else project.name,
        download_location=SpdxNoAssertion(),
        version=(p.version if p else None) or project.version,
        supplier=_supplier(project, info),
        files_analyzed=False,
        external_references=refs + _security_refs(statements, own=True),
        primary_package_purpose=purpose,
        comment=f"depwave project {project.key}, manifest {project.repo}:{project.manifest}",
    )


def _component_package(component: SbomComponent, statements: list[VexStatement]) -> Package:
    p = component.purl
    single, several = hashes.one_artifact(component.hashes)
    checksums = [Checksum(ChecksumAlgorithm[hashes.ALGORITHMS[alg][1]], d) for alg, d in single]
    where = ", ".join(component.sources) or "the graph"
    artifacts = f"; {len(several)} artifact hashes in the lockfile: {', '.join(several)}" if several else ""
    return Package(
        spdx_id=spdx_id(component.ref),
        name=p.display_name,
        download_location=SpdxNoAssertion(),
        version=p.version,
        supplier=SpdxNoAssertion(),
        files_analyzed=False,
        checksums=checksums,
        external_references=[_purl_ref(component.ref), *_security_refs(statements, own=False)],
        primary_package_purpose=PackagePurpose.LIBRARY,
        comment=f"depwave scope {component.scope}; resolved in {where}{artifacts}",
    )


def _purl_ref(purl: str) -> ExternalPackageRef:
    return ExternalPackageRef(ExternalPackageRefCategory.PACKAGE_MANAGER, "purl", purl)


def _security_refs(statements: list[VexStatement], own: bool) -> list[ExternalPackageRef]:
    """SPDX 2.3 SECURITY ``advisory`` references; the comment carries depwave's verdict (for a project) or
    that this version is affected (for a component)."""
    out = []
    for s in statements:
        url = vex.advisory_url(s.advisory)
        if url is None:
            continue
        if own:
            state, justification, _ = vex.ANALYSIS[s.verdict]
            analysis = f"{state}/{justification}" if justification else state
            comment = f"{analysis} for {s.project}. {vex.detail(s)}"
        else:
            comment = f"affected version ({s.advisory}{', ' + ', '.join(s.aliases) if s.aliases else ''})"
            if s.recommended:
                comment += f"; fixed in {s.recommended}"
        out.append(ExternalPackageRef(ExternalPackageRefCategory.SECURITY, "advisory", url, comment))
    return out
