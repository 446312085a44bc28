"""A first ingest into an empty embedded store, built with ``GRAPH.BULK`` instead of load statements.

The load statement (``load_sources.cypher``) replaces what each source said before: it looks every
endpoint up by key, merges the DEPENDS_ON pairs and appends to their lists of statements. Into an
empty store there is nothing to replace, and at 10M edges those statements cost the server 200 s of
CPU where FalkorDB's bulk insert builds the same graph in a tenth of that (BENCHMARKS.md, "A first
ingest built in bulk"). So the first large ingest builds the graph under a key of its own and renames
it over the store's graph once every file is in (:mod:`planner.store.embedded_build`).

The graph is the one the load statements would make, property for property:

* a worker turns its batch (a :class:`~planner.store.rows.GraphBatch`, the same rows) into a
  :class:`BulkPart`: node rows as they are, relationships with their properties already encoded and
  their endpoints still keys;
* this process (:class:`FreshBuild`) numbers the nodes in the order it first sees them (the ids the
  server gives a new graph's nodes), adds the ids to the relationships and sends each part as one
  ``GRAPH.BULK`` call;
* what the statements merge over the whole ingest waits for the end: each DEPENDS_ON pair is one edge
  whose ``stated_by`` lists every load's statements of it, in load order; a node that a later batch
  states again with other properties (a project two files describe) gets them from a load statement
  over the built graph, ``SET n += props`` as the statements would have done.

No list goes through ``GRAPH.BULK``, which keeps a leaked copy of every string of a list it stores
(:func:`_is_list`): RESOLVES chains and hashes and the pairs' statements go packed into one string and a
query splits them; any other list is set by the load statement at the end.

Package, Version and Repo properties come from the key alone, so their restatements are left out.
Nothing is numbered twice: the build is the only writer of its graph, and it renames it over the
store's only while that is still empty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from planner.store import bulk_encoding as enc
from planner.store.relationships import EDGE_SETS_BY_NAME, PER_SOURCE_MERGING_ENDS, VERSION_OF
from planner.store.rows import GraphBatch
from planner.store.statements import FIELD, LIST, SEP_PARAM

#: labels whose properties follow from the key: a node stated again brings nothing new (and a SourceFile
#: is stated by its own source, in one batch)
KEY_DERIVED = frozenset({"Package", "Version", "Repo", "SourceFile"})
#: RESOLVES properties, in the order the load statement sets them
RESOLVES_PROPERTIES = ("source", "run", "file", "scope", "raw_scope", "depth", "chain", "line", "hashes")
#: bytes of DEPENDS_ON edges per ``GRAPH.BULK`` call at the end (redis takes arguments up to 512 MB)
DEPENDS_ON_CALL_BYTES = 64 << 20

_FIELD, _LIST = FIELD.encode(), LIST.encode()


@dataclass(slots=True)
class NodeRows:
    """One label's node rows of a part: each row's key, its values but lists in the order of ``names``
    (key, the rows' properties, run), unless its label is :data:`KEY_DERIVED` its properties (for a node
    an earlier part made) and its list properties (set by a load statement at the end: see
    :func:`_is_list`)."""

    names: tuple[str, ...]
    rows: list[tuple[str, bytes, dict[str, Any] | None, dict[str, Any] | None]]


@dataclass(slots=True)
class EdgeRows:
    """One relationship set's rows of a part: endpoints as keys, properties encoded."""

    name: str
    names: tuple[str, ...]  # the header's property names
    rows: list[tuple[str, str, bytes]]


@dataclass(slots=True)
class ResolvesGroup:
    """The RESOLVES rows of one (project, source, file): what they share encoded once."""

    project: str
    shared: bytes  # source, run and file
    versions: list[str]
    bodies: list[bytes]  # each edge's other properties


@dataclass(slots=True)
class BulkPart:
    """One batch, ready for :meth:`FreshBuild.add` (picklable: made in a worker)."""

    nodes: dict[str, NodeRows] = field(default_factory=dict)
    version_of: list[tuple[str, str]] = field(default_factory=list)
    edges: list[EdgeRows] = field(default_factory=list)
    resolves: list[ResolvesGroup] = field(default_factory=list)
    #: (version, package, this batch's statements of the pair, UTF-8)
    depends_on: list[tuple[str, str, bytes]] = field(default_factory=list)
    #: relationship rows with a list property, by set: made by a load statement at the end
    later_edges: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: why the batch cannot be built (a value the format cannot carry); the store rejects it then, as
    #: it rejects a statement it cannot parse, and the files are loaded one by one
    rejected: str | None = None


def bulk_part(batch: GraphBatch, run: str) -> BulkPart:
    """The part a batch makes (see the module docstring); a value the bulk format cannot carry (a NUL
    in a string, which the load statement cannot carry either) makes it a rejected part."""
    try:
        return _part(batch, run)
    except enc.Unencodable as exc:
        return BulkPart(rejected=str(exc))
    except UnicodeEncodeError:  # a lone surrogate, which a load statement cannot encode either
        return BulkPart(rejected="a string that is not valid Unicode")


def _part(batch: GraphBatch, run: str) -> BulkPart:
    part = BulkPart()
    run_value = enc.string(run)
    for label, rows in batch.nodes.items():
        if rows:
            if label == "SourceFile":
                rows = {k: batch.sourcefile_props(k, props) for k, props in rows.items()}
            part.nodes[label] = _node_rows(label, rows, run_value)
    part.version_of = sorted(batch.version_of)
    for name, rows in batch.edges.items():
        plain = [row for row in rows if not any(_is_list(v) for v in row["props"].values())]
        if len(plain) < len(rows):
            part.later_edges[name] = [row for row in rows if any(_is_list(v) for v in row["props"].values())]
        if plain:
            part.edges.append(_edge_rows(name, plain, run_value))
    for (project, source, file), packed in batch.resolves.items():
        part.resolves.append(_resolves_group(project, source, file, packed, run_value))
    for version, packages in batch.depends_on.items():
        for package, stated in packages.items():
            statements = batch._append(version, package, stated).encode()
            if b"\x00" in statements:
                raise enc.Unencodable("a string with a NUL character")
            part.depends_on.append((version, package, statements))
    return part


def _is_list(value: Any) -> bool:
    """Whether a property is a list: GRAPH.BULK keeps a leaked copy of every string in a list it stores
    (FalkorDB 4.x: 26,417 bytes an edge against 13,617 for the same 40 strings set by Cypher), so a build
    sends lists apart: RESOLVES chains and hashes and DEPENDS_ON statements packed into one string and
    split by a statement (unpack_built_*.falkordb.cypher), any other list set by a load statement at the end."""
    return isinstance(value, list | tuple)


def _node_rows(label: str, rows: dict[str, dict[str, Any]], run_value: bytes) -> NodeRows:
    names: list[str] = []
    for props in rows.values():
        names.extend(k for k, v in props.items() if k not in names and not _is_list(v))
    kept = label not in KEY_DERIVED
    out = []
    for key in sorted(rows):
        props = rows[key]
        lists = {k: v for k, v in props.items() if _is_list(v)} or None
        scalars = {k: v for k, v in props.items() if not _is_list(v)} if lists else props
        body = enc.string(key) + enc.properties(names, scalars) + run_value
        out.append((key, body, props if kept else None, lists))
    return NodeRows(("key", *names, "run"), out)


def _edge_rows(name: str, rows: list[dict[str, Any]], run_value: bytes) -> EdgeRows:
    """A relationship set's rows: its declared properties (and any other a row has), source, run."""
    names = list(EDGE_SETS_BY_NAME[name].properties)
    for row in rows:
        names.extend(k for k in row["props"] if k not in names)
    out = [
        (row["src"], row["dst"], enc.properties(names, row["props"]) + enc.string(row["source"]) + run_value)
        for row in rows
    ]
    return EdgeRows(name, (*names, "source", "run"), out)


def _resolves_group(project: str, source: str, file: str | None, packed: list[str], run_value: bytes) -> ResolvesGroup:
    """The group's edges from their packed rows (record_rows.resolution_row), read as the load statement
    reads them: '' is null, depth and line are integers; chain and hashes stay packed (a query makes them
    lists)."""
    shared = enc.string(source) + run_value + enc.value(file)
    versions, bodies = [], []
    string, integer, null = _text, enc.integer, enc.NULL
    for row in packed:
        data = row.encode()
        if b"\x00" in data:
            raise enc.Unencodable("a string with a NUL character")
        version, scope, raw_scope, depth, chain, line, hashes = data.split(_FIELD)
        versions.append(version.decode())
        bodies.append(
            b"".join(
                (
                    string(scope) if scope else null,
                    string(raw_scope) if raw_scope else null,
                    integer(int(depth)) if depth else null,
                    string(chain) if chain else null,  # packed: unpack_built_resolves.falkordb makes it a list
                    integer(int(line)) if line else null,
                    string(hashes) if hashes else null,
                )
            )
        )
    return ResolvesGroup(project, shared, versions, bodies)


def _text(data: bytes) -> bytes:
    return b"\x03" + data + b"\x00"


Send = Callable[[int, int, list[bytes], list[bytes]], None]
#: a catalog query run on the graph being built: (name, parameters)
Run = Callable[[str, dict[str, Any]], object]
#: versions a statement of unpack_built_statements.falkordb.cypher splits the DEPENDS_ON statements of
UNPACK_VERSIONS = 2_000


class FreshBuild:
    """The ingesting process's side of a fresh build: node ids, the parts' calls, what waits for the end."""

    def __init__(self, run: str, send: Send, query: Run) -> None:
        self.run = run
        self.send = send  # (nodes, edges, node tokens, edge tokens) -> one GRAPH.BULK call
        self.query = query
        self.ids: dict[str, dict[str, int]] = {}
        self.next_id = 0
        self.version_of: set[str] = set()  # versions whose VERSION_OF was sent
        #: (version, package) -> every load's statements of it in load order, UTF-8, between LIST
        #: separators: one buffer a pair, not a string object per load (~0.6 GB wait here at 10M edges)
        self.pairs: dict[tuple[str, str], bytearray] = {}
        #: label -> key -> the properties set by a load statement at the end: list properties, and those
        #: a later batch states of a node already built
        self.later: dict[str, dict[str, dict[str, Any]]] = {}
        self.later_edges: dict[str, list[dict[str, Any]]] = {}

    def add(self, part: BulkPart) -> None:
        """Number the part's new nodes and send them with its relationships; keep its DEPENDS_ON
        statements for :meth:`depends_on_calls`."""
        node_tokens: list[bytes] = []
        created = self._nodes(part, node_tokens)
        edge_tokens: list[bytes] = []
        bare: list[tuple[str, str]] = []
        edges = self._edges(part, edge_tokens, bare)
        created += self._bare_nodes(bare, node_tokens)
        pairs = self.pairs
        for version, package, statements in part.depends_on:
            held = pairs.get((version, package))
            if held is None:
                pairs[(version, package)] = bytearray(statements)
            else:
                held += _LIST
                held += statements
        for name, rows in part.later_edges.items():
            self.later_edges.setdefault(name, []).extend(rows)
        if node_tokens or edge_tokens:
            self.send(created, edges, node_tokens, edge_tokens)
        if part.resolves:
            projects = sorted({group.project for group in part.resolves})
            self.query("unpack_built_resolves.falkordb", {"projects": projects, "sep": SEP_PARAM})

    def _new_id(self, label: str, key: str) -> int:
        known = self.ids.setdefault(label, {})
        known[key] = node_id = self.next_id
        self.next_id += 1
        return node_id

    def _nodes(self, part: BulkPart, tokens: list[bytes]) -> int:
        created = 0
        for label, nodes in part.nodes.items():
            known = self.ids.setdefault(label, {})
            fresh = []
            for key, body, props, lists in nodes.rows:
                if key not in known:
                    self._new_id(label, key)
                    fresh.append(body)
                    if lists is not None:
                        self.later.setdefault(label, {}).setdefault(key, {}).update(lists)
                elif props is not None:
                    self.later.setdefault(label, {}).setdefault(key, {}).update(props)
            if fresh:
                tokens.append(enc.header(label, nodes.names) + b"".join(fresh))
                created += len(fresh)
        return created

    def _bare_nodes(self, bare: list[tuple[str, str]], tokens: list[bytes]) -> int:
        """Nodes a relationship merges by key alone, before any row states them: one token per run of
        one label, in the order they were numbered (the server numbers a call's nodes in its order)."""
        start = 0
        for i in range(1, len(bare) + 1):
            if i == len(bare) or bare[i][0] != bare[start][0]:
                keys = b"".join(enc.string(key) for _, key in bare[start:i])
                tokens.append(enc.header(bare[start][0], ["key"]) + keys)
                start = i
        return len(bare)

    def _end(self, label: str, key: str, bare: list[tuple[str, str]] | None) -> int | None:
        """A node's id; with ``bare``, a node merged by key is numbered (and made) when new."""
        node_id = self.ids.get(label, {}).get(key)
        if node_id is None and bare is not None:
            node_id = self._new_id(label, key)
            bare.append((label, key))
        return node_id

    def _edges(self, part: BulkPart, tokens: list[bytes], bare: list[tuple[str, str]]) -> int:
        pack = enc.ENDS.pack
        count = 0
        rows = []
        for version, package in part.version_of:
            if version in self.version_of:
                continue
            v, p = self._end(VERSION_OF[1], version, None), self._end(VERSION_OF[2], package, None)
            if v is not None and p is not None:
                self.version_of.add(version)
                rows.append(pack(v, p))
        if rows:
            tokens.append(enc.header(VERSION_OF[0], []) + b"".join(rows))
            count += len(rows)
        for edge_rows in part.edges:
            spec = EDGE_SETS_BY_NAME[edge_rows.name]
            merged = bare if spec.merge == PER_SOURCE_MERGING_ENDS else None
            out = []
            for src, dst, body in edge_rows.rows:
                a, b = self._end(spec.start, src, merged), self._end(spec.end, dst, merged)
                if a is not None and b is not None:  # the statement's MATCH finds no node: no edge
                    out.append(pack(a, b) + body)
            if out:
                tokens.append(enc.header(spec.type, edge_rows.names) + b"".join(out))
                count += len(out)
        if part.resolves:
            out = self._resolves(part.resolves, bare)
            tokens.append(enc.header("RESOLVES", RESOLVES_PROPERTIES) + b"".join(out))
            count += len(out)
        return count

    def _resolves(self, groups: list[ResolvesGroup], bare: list[tuple[str, str]]) -> list[bytes]:
        pack = enc.ENDS.pack
        versions = self.ids.get("Version", {})
        out = []
        for group in groups:
            start = self._end("Project", group.project, bare)
            shared = group.shared
            for version, body in zip(group.versions, group.bodies, strict=True):
                end = versions.get(version)
                if end is not None:
                    out.append(pack(start, end) + shared + body)
        return out

    def depends_on_calls(self) -> Iterator[tuple[int, list[bytes]]]:
        """The DEPENDS_ON edges, one per pair with every load's statements of it in load order (packed
        into one string: :meth:`unpack_statements` makes it a list): ``(edges, [token])`` per call of at
        most :data:`DEPENDS_ON_CALL_BYTES`."""
        versions, packages = self.ids.get("Version", {}), self.ids.get("Package", {})
        head = enc.header("DEPENDS_ON", ["stated_by", "run"])
        run = enc.string(self.run)
        pack = enc.ENDS.pack
        out: list[bytes] = []
        size = 0
        for (version, package), statements in self.pairs.items():
            v, p = versions.get(version), packages.get(package)
            if v is None or p is None:
                continue
            edge = pack(v, p) + _text(bytes(statements)) + run
            out.append(edge)
            size += len(edge)
            if size >= DEPENDS_ON_CALL_BYTES:
                yield len(out), [head + b"".join(out)]
                out, size = [], 0
        if out:
            yield len(out), [head + b"".join(out)]

    def unpack_statements(self) -> None:
        """Make each DEPENDS_ON edge's packed statements the list they are (a load's string each)."""
        versions = sorted({version for version, _ in self.pairs})
        for i in range(0, len(versions), UNPACK_VERSIONS):
            chunk = versions[i : i + UNPACK_VERSIONS]
            self.query("unpack_built_statements.falkordb", {"versions": chunk, "sep": SEP_PARAM})

    def later_batch(self) -> GraphBatch | None:
        """What a load statement sets at the end (no sources): list properties of nodes, what later batches
        restated of nodes already built, relationships with a list property."""
        if not self.later and not self.later_edges:
            return None
        batch = GraphBatch(adds_sourcefile_extras=False)
        for label, rows in self.later.items():
            batch.nodes[label].update(rows)
        for name, rows in self.later_edges.items():
            batch.edges[name].extend(rows)
        return batch
