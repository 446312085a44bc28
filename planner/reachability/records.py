"""What a source scan says about one file: its namespace, its imports and its call sites.

These records are what the source scanners (:mod:`loaders.source`) emit and what matching,
usage and (later) the graph load read. They are frozen and hold only plain values.

A *qualified symbol* is written the way the language names it, with the imported module first:

* Java/Kotlin ``org.apache.logging.log4j.Logger.info`` (package, type, member),
* Go ``net/http.Server.ListenAndServe`` (import path, then type and method, as OSV writes them),
* JavaScript/TypeScript ``lodash.template`` (module specifier, then the member path),
* Python ``yaml.load`` (module path, then the member path).

When a receiver is the *result* of a call whose type the scanner cannot know, the call stays in
the name with ``()``: ``org.apache.logging.log4j.LogManager.getLogger().info`` or
``org.apache.logging.log4j.Logger.atInfo().log``. Matching rewrites such chains with the return
types a symbol set declares (:mod:`planner.reachability.symbols`); the scanner never guesses them.
"""

from __future__ import annotations

from dataclasses import dataclass

#: how a file is used: production code or tests (from its path, see loaders.source.core.scope_of)
SCOPES = ("main", "test")
#: what the arguments of a call are: none, constant literals only, or values from elsewhere
ARGUMENT_KINDS = ("none", "constant", "data")


@dataclass(frozen=True, slots=True)
class Import:
    """One imported name.

    ``target`` is what is imported, fully qualified (``org.apache.logging.log4j.Logger``,
    ``lodash``, ``lodash/template``, ``yaml.load``, ``net/http``); for a wildcard import it is the
    package or module whose members all become visible. ``local`` is the name it is bound to in
    the file (None when nothing is bound: wildcards, Go blank and dot imports, side-effect imports).
    ``kind`` is one of ``type`` (Java/Kotlin single-type), ``static`` (Java static member),
    ``wildcard``, ``static-wildcard``, ``module`` (the module object: Python ``import x``, JS
    namespace/default/``require``, Go), ``member`` (a named member: Python ``from x import y``, ES
    named imports, destructured ``require``), ``dot`` (Go ``import . "x"``), ``blank`` (Go
    ``import _ "x"``, bare ``import 'x'``).
    """

    target: str
    local: str | None
    kind: str
    line: int
    module: str  # the imported module or package the target lives in (see CallSite.module)


@dataclass(frozen=True, slots=True)
class CallSite:
    """One call whose callee resolves to a qualified symbol through the file's imports.

    ``module`` is the imported module or package the resolution went through: the Java/Kotlin
    package of the type (``org.apache.logging.log4j``), the Go import path, the JS specifier, the
    Python module as imported. ``via`` says how the receiver was resolved: ``import`` (the callee or
    receiver is an imported name), ``static-import``, ``wildcard`` (through a wildcard import: the
    type may also live elsewhere; other candidates are in ``alternatives``), ``qualified`` (written
    out in full), ``field``, ``local``, ``parameter`` (a declared variable of an imported type or
    assigned from an imported call), ``dot-import``. ``arguments`` is ``none``, ``constant`` (every
    argument is a literal, or literals joined by operators) or ``data``. ``column`` is 1-based,
    counted in UTF-8 bytes as compilers report it.
    """

    symbol: str
    module: str
    line: int
    column: int
    arguments: str
    via: str
    alternatives: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TypeDeclaration:
    """A class or interface a file declares (Java, Kotlin), for calls on inherited fields.

    ``supertypes`` are the qualified names each ``extends``/``implements`` entry may stand for
    (an unimported name may be a same-package type or come from a wildcard import: every candidate
    is listed, the same package first). ``fields`` are the non-private fields whose declared type
    resolves through the file's imports: ``(name, qualified type, module)``.
    """

    name: str
    supertypes: tuple[str, ...] = ()
    fields: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class OpenCall:
    """A call whose receiver is a name the file does not declare, inside a class: perhaps a field
    inherited from a supertype declared in another file (``LOG.warn(…)`` in a subclass).

    ``owners`` are the qualified classes whose fields the name may be (innermost first),
    ``receiver`` the name and ``rest`` the member chain after it (``.warn``, ``.atInfo().log``).
    :func:`planner.reachability.inherit.resolve_inherited` turns them into call sites.
    """

    owners: tuple[str, ...]
    receiver: str
    rest: str
    line: int
    column: int
    arguments: str


@dataclass(frozen=True, slots=True)
class SourceFileScan:
    """Everything a scan says about one source file.

    ``namespace`` is the file's own package or module declaration where the language has one
    (Java/Kotlin ``package``, Go ``package`` clause name). ``types`` and ``open_calls`` let calls on
    fields inherited across files be resolved once a project's files are all scanned. ``skipped``
    holds why nothing was read (too large, minified, generated, binary, no scanner); ``warnings``
    are ``path:line: reason`` lines for anything read only in part.
    """

    path: str
    language: str
    scope: str
    namespace: str | None = None
    imports: tuple[Import, ...] = ()
    calls: tuple[CallSite, ...] = ()
    warnings: tuple[str, ...] = ()
    skipped: str | None = None
    types: tuple[TypeDeclaration, ...] = ()
    open_calls: tuple[OpenCall, ...] = ()

    @property
    def usable(self) -> bool:
        """True when the file was read (not skipped), so its absence of calls means something."""
        return self.skipped is None
