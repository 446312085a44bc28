"""How each ecosystem names the module a qualified symbol lives in.

A symbol is written module first (see :mod:`planner.reachability.records`); these functions cut
the module off a symbol written by a person or an advisory, so that imports of it can be found.
"""

from __future__ import annotations

from functools import lru_cache

#: purl type -> what may follow a module name inside a longer name (npm names may hold dots)
SEPARATORS = {"golang": "./", "npm": "/", "maven": ".", "pypi": ".", "cargo": ":"}
ANY_SEPARATOR = "./:"


@lru_cache(maxsize=1 << 16)
def jvm_package(qualified: str) -> str:
    """The package part of a qualified JVM name: the segments before the first capitalised one
    (``org.apache.logging.log4j.Logger`` -> ``org.apache.logging.log4j``); for a name without a
    capitalised segment (a Kotlin top-level function ``org.x.foo``), all but the last segment."""
    parts = qualified.split(".")
    for i, p in enumerate(parts):
        if p[:1].isupper():
            return ".".join(parts[:i]) or qualified
    return ".".join(parts[:-1]) or qualified


def go_import_path(symbol: str) -> str:
    """``golang.org/x/net/http2.Server.ServeConn`` -> ``golang.org/x/net/http2``; ``fmt.Println`` -> ``fmt``."""
    slash = symbol.rfind("/")
    dot = symbol.find(".", slash + 1)
    return symbol if dot < 0 else symbol[:dot]


def npm_module(symbol: str) -> str:
    """``lodash.template`` -> ``lodash``; ``@scope/pkg.fn`` -> ``@scope/pkg``; ``lodash/template`` stays.
    (A package whose name holds a dot, like ``socket.io``, needs the explicit ``module:`` form.)"""
    start = symbol.find("/") + 1 if symbol.startswith("@") else 0
    slash = symbol.find("/", start)
    dot = symbol.find(".", slash + 1 if slash >= 0 else start)
    return symbol if dot < 0 else symbol[:dot]


def python_module(symbol: str) -> str:
    """The top-level module: ``yaml.load`` -> ``yaml``."""
    return symbol.partition(".")[0]


def rust_crate(symbol: str) -> str:
    """``smallvec::SmallVec::insert_many`` -> ``smallvec``."""
    return symbol.partition("::")[0]


_MODULE_OF = {
    "maven": jvm_package,
    "golang": go_import_path,
    "npm": npm_module,
    "pypi": python_module,
    "cargo": rust_crate,
}


def module_of(purl_type: str, symbol: str) -> str:
    """The module of ``symbol`` as the ecosystem of ``purl_type`` names it (the symbol itself when unknown)."""
    fn = _MODULE_OF.get(purl_type)
    return fn(symbol) if fn is not None else symbol


def within(name: str, module: str, separators: str = ANY_SEPARATOR) -> bool:
    """Whether ``name`` is ``module`` or lies inside it (``lodash/template`` in ``lodash``,
    ``org.apache.logging.log4j.core`` in ``org.apache.logging.log4j``); ``separators`` are the
    characters that may follow the module (``/`` only for npm, where ``lodash.template`` is a
    package of its own)."""
    return name == module or (len(name) > len(module) and name.startswith(module) and name[len(module)] in separators)
