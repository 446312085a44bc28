"""An :class:`SbomGraph` as a CycloneDX 1.4, 1.5 or 1.6 document (JSON or XML), built and serialised with
cyclonedx-python-lib, which also orders every collection: the same graph gives the same bytes."""

from __future__ import annotations

from cyclonedx.model import HashAlgorithm, HashType, Property, XsUri
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentScope, ComponentType
from cyclonedx.model.contact import OrganizationalContact, OrganizationalEntity
from cyclonedx.model.dependency import Dependency
from cyclonedx.model.tool import ToolRepository
from cyclonedx.model.vulnerability import (
    BomTarget,
    ImpactAnalysisJustification,
    ImpactAnalysisResponse,
    ImpactAnalysisState,
    Vulnerability,
    VulnerabilityAnalysis,
    VulnerabilityReference,
    VulnerabilitySource,
)
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion
from packageurl import PackageURL

from planner import hashes
from planner import purl as purls
from planner.sbom import vex
from planner.sbom.model import CYCLONEDX_SCOPE, DocumentInfo, SbomComponent, SbomGraph, SbomProject, VexStatement

SPEC_VERSIONS = {"1.4": SchemaVersion.V1_4, "1.5": SchemaVersion.V1_5, "1.6": SchemaVersion.V1_6}
_SCOPES = {
    "required": ComponentScope.REQUIRED,
    "optional": ComponentScope.OPTIONAL,
    "excluded": ComponentScope.EXCLUDED,
}
_ALGORITHMS = {name: HashAlgorithm(spec[0]) for name, spec in hashes.ALGORITHMS.items()}


def render(graph: SbomGraph, info: DocumentInfo, spec: str = "1.6", fmt: str = "json") -> str:
    """The document text (``fmt`` is ``json`` or ``xml``)."""
    bom = build(graph, info)
    output = OutputFormat.JSON if fmt == "json" else OutputFormat.XML
    return make_outputter(bom, output, SPEC_VERSIONS[spec]).output_as_string(indent=2) + "\n"


def build(graph: SbomGraph, info: DocumentInfo) -> Bom:
    """The cyclonedx-python-lib model of ``graph``."""
    by_ref: dict[str, Component] = {}
    root = _subject_component(graph, info)
    by_ref[root.bom_ref.value or ""] = root
    for project in graph.projects:
        by_ref[project.ref] = _project_component(project, info)
    for component in graph.components:
        by_ref[component.ref] = _component(component, component.ref in graph.dependencies)
    bom = Bom(serial_number=info.serial, metadata=_metadata(graph, info, root))
    bom.components = [c for c in by_ref.values() if c is not root]  # sorted once, not per insertion
    # Dependency objects built directly: Bom.register_dependency searches the graph linearly per call
    bom.dependencies = [
        Dependency(by_ref[ref].bom_ref, [Dependency(by_ref[t].bom_ref) for t in targets if t in by_ref])
        for ref, targets in graph.dependencies.items()
        if ref in by_ref
    ]
    for statement in graph.vex:
        bom.vulnerabilities.add(_vulnerability(statement, by_ref))
    return bom


def _metadata(graph: SbomGraph, info: DocumentInfo, root: Component) -> BomMetaData:
    tools = ToolRepository(
        components=[Component(type=ComponentType.APPLICATION, name="depwave", version=info.tool_version)]
    )
    authors = [OrganizationalContact(name=info.author)] if info.author else []
    supplier = _supplier(graph.root, info)
    return BomMetaData(tools=tools, authors=authors, component=root, supplier=supplier, timestamp=info.timestamp)


def _subject_component(graph: SbomGraph, info: DocumentInfo) -> Component:
    if graph.root is not None:
        return _project_component(graph.root, info, graph.root_ref)
    subject = graph.subject
    props = [Property(name="depwave:subject", value=subject.kind), Property(name="depwave:key", value=subject.key)]
    props += [Property(name=k, value=v) for k, v in subject.details]
    return Component(type=ComponentType.APPLICATION, name=subject.name, bom_ref=graph.root_ref, properties=props)


def _supplier(project: SbomProject | None, info: DocumentInfo) -> OrganizationalEntity | None:
    """``--supplier``, else the project's owners (NTIA: the entity that creates and identifies it)."""
    name = info.supplier or (", ".join(project.owners) if project is not None else None)
    return OrganizationalEntity(name=name) if name else None


def _project_component(project: SbomProject, info: DocumentInfo, ref: str | None = None) -> Component:
    p = _purl(project.purl)
    props = [Property(name="depwave:project", value=project.key)]
    if project.manifest:
        props.append(Property(name="depwave:manifest", value=f"{project.repo}:{project.manifest}"))
    kind = ComponentType.APPLICATION if project.kind in ("application", "service") else ComponentType.LIBRARY
    return Component(
        type=kind,
        name=p.name if p else project.name,
        group=p.namespace if p else None,
        version=(p.version if p else None) or project.version,
        purl=PackageURL.from_string(p.key) if p and p.type != "generic" else None,
        bom_ref=ref or project.ref,
        supplier=_supplier(project, info),
        properties=props,
    )


def _component(component: SbomComponent, graph_known: bool) -> Component:
    p = component.purl
    scope = CYCLONEDX_SCOPE.get(component.scope)
    props = [Property(name="depwave:scope", value=component.scope)]
    if not graph_known:  # cyclonedx-python-lib lists every component in the graph; its empty list means "none"
        props.append(Property(name="depwave:dependencies", value="unknown"))
    props += [Property(name="depwave:source", value=s) for s in component.sources]
    single, several = hashes.one_artifact(component.hashes)
    props += [Property(name="depwave:artifact-hash", value=h) for h in several]
    return Component(
        type=ComponentType.LIBRARY,
        name=p.name,
        group=p.namespace,
        version=p.version,
        purl=PackageURL.from_string(component.ref),
        bom_ref=component.ref,
        scope=_SCOPES[scope] if scope else None,
        hashes=[HashType(alg=_ALGORITHMS[alg], content=d) for alg, d in single if alg in _ALGORITHMS],
        properties=props,
    )


def _vulnerability(statement: VexStatement, by_ref: dict[str, Component]) -> Vulnerability:
    state, justification, response = vex.ANALYSIS[statement.verdict]
    url = vex.advisory_url(statement.advisory)
    refs = [statement.project_ref, *statement.affected_refs]
    return Vulnerability(
        bom_ref=f"{statement.advisory}|{statement.project}",
        id=statement.advisory,
        source=VulnerabilitySource(name="OSV", url=XsUri(url)) if url else None,
        references=[
            VulnerabilityReference(id=a, source=VulnerabilitySource(name="OSV", url=XsUri(vex.advisory_url(a) or "")))
            for a in statement.aliases
            if vex.advisory_url(a)
        ],
        description=statement.summary,
        recommendation=f"upgrade to {statement.recommended}" if statement.recommended else None,
        analysis=VulnerabilityAnalysis(
            state=ImpactAnalysisState(state),
            justification=ImpactAnalysisJustification(justification) if justification else None,
            responses=[ImpactAnalysisResponse(response)] if response and statement.recommended else None,
            detail=vex.detail(statement),
        ),
        affects=[BomTarget(ref=by_ref[r].bom_ref.value or r) for r in refs if r in by_ref],
        properties=[Property(name="depwave:verdict", value=statement.verdict)],
    )


def _purl(text: str | None) -> purls.Purl | None:
    if not text:
        return None
    try:
        return purls.parse(text)
    except ValueError:
        return None
