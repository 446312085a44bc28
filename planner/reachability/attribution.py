"""Which package does an imported namespace belong to?

Pure functions; the caller passes what it knows (the modules, packages and internal projects it
has in the graph). Each answer says how sure it is:

* ``exact``: the name says it (a Go import path under a module path, an npm specifier, a
  Python import name the caller's mapping or a distribution's own name gives, a Java package an
  internal project declares);
* ``inferred``: evidence points to one package (a well-known Python mismatch like ``yaml`` ->
  PyYAML, a Maven groupId/artifactId that matches the Java package best);
* ``ambiguous``: several packages fit equally; all are listed in ``candidates``.

No answer (None) means the namespace is the platform's own (Go standard library, Node built-ins)
or nothing the caller knows provides it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from planner import purl as purls
from planner.reachability.records import SourceFileScan

#: import name -> PyPI distribution, where they differ (the distribution's own documentation says
#: which name it installs). Callers add what lockfiles and their own projects reveal.
PYTHON_IMPORT_NAMES = {
    "yaml": "pyyaml",
    "PIL": "pillow",
    "bs4": "beautifulsoup4",
    "sklearn": "scikit-learn",
    "cv2": "opencv-python",
    "dateutil": "python-dateutil",
    "jwt": "pyjwt",
    "OpenSSL": "pyopenssl",
    "Crypto": "pycryptodome",
    "google.protobuf": "protobuf",
    "attr": "attrs",
    "dotenv": "python-dotenv",
    "magic": "python-magic",
    "serial": "pyserial",
    "usb": "pyusb",
    "docx": "python-docx",
    "git": "gitpython",
    "jose": "python-jose",
    "multipart": "python-multipart",
    "ldap": "python-ldap",
    "MySQLdb": "mysqlclient",
    "psycopg2": "psycopg2-binary",
    "zmq": "pyzmq",
    "websocket": "websocket-client",
    "skimage": "scikit-image",
    "fitz": "pymupdf",
}
#: Node.js built-in modules (``node:`` prefixed or bare): no npm package
NODE_BUILTINS = frozenset({
    "assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants", "crypto", "dgram",
    "diagnostics_channel", "dns", "domain", "events", "fs", "http", "http2", "https", "inspector", "module",
    "net", "os", "path", "perf_hooks", "process", "punycode", "querystring", "readline", "repl", "stream",
    "string_decoder", "sys", "timers", "tls", "trace_events", "tty", "url", "util", "v8", "vm", "wasi",
    "worker_threads", "zlib", "test",
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class Attribution:
    """The package a namespace belongs to, and how sure that is."""

    package: str | None
    attribution: str  # exact | inferred | ambiguous
    candidates: tuple[str, ...] = ()


def go_package(import_path: str, modules: Iterable[str]) -> Attribution | None:
    """The Go module whose path is the longest prefix of ``import_path`` (``stdlib`` for a path
    whose first element has no dot, the standard library's rule)."""
    best = max((m for m in modules if import_path == m or import_path.startswith(m + "/")), key=len, default=None)
    if best is not None:
        return Attribution(_go_purl(best), "exact")
    if "." not in import_path.split("/")[0]:
        return Attribution("pkg:golang/stdlib", "exact")
    return None


def _go_purl(module: str) -> str:
    namespace, _, name = module.rpartition("/")
    return purls.build("golang", namespace or None, name).package


def npm_package(specifier: str) -> Attribution | None:
    """The npm package an import specifier names: ``lodash/template`` -> lodash,
    ``@aws-sdk/client-s3/dist`` -> @aws-sdk/client-s3; None for relative paths, URLs and Node built-ins."""
    spec = specifier.strip()
    if not spec or spec.startswith((".", "/", "node:", "http:", "https:", "data:", "#")):
        return None
    parts = spec.split("/")
    if spec.startswith("@"):
        if len(parts) < 2 or not parts[1]:
            return None
        scope, name = parts[0], parts[1]
        return Attribution(purls.build("npm", scope, name).package, "exact")
    if parts[0] in NODE_BUILTINS:
        return None
    return Attribution(purls.build("npm", None, parts[0]).package, "exact")


def python_distribution(
    module: str, distributions: Collection[str], mapping: Mapping[str, str] | None = None
) -> Attribution | None:
    """The PyPI distribution that provides ``module`` (``yaml.constructor`` -> PyYAML).

    ``distributions`` are the (normalised or not) names the project resolves; ``mapping`` maps
    import names to distributions as the caller learnt them (internal projects, installed
    metadata): exact. The longest dotted prefix of ``module`` is looked up first (``google.cloud.storage``
    before ``google``). Then the well-known table and a distribution named like the module:
    inferred when the project resolves it.
    """
    resolved = {_normalise(d) for d in distributions}
    prefixes = [".".join(module.split(".")[:i]) for i in range(module.count(".") + 1, 0, -1)]
    for prefix in prefixes:
        if mapping and prefix in mapping:
            return Attribution(_pypi(mapping[prefix]), "exact")
    for prefix in prefixes:
        known = PYTHON_IMPORT_NAMES.get(prefix)
        if known is not None and _normalise(known) in resolved:
            return Attribution(_pypi(known), "inferred")
        if _normalise(prefix.replace(".", "-")) in resolved:
            return Attribution(_pypi(prefix.replace(".", "-")), "inferred")
    return None


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pypi(name: str) -> str:
    return purls.build("pypi", None, _normalise(name)).package


def declared_namespaces(projects: Mapping[str, Iterable[SourceFileScan]]) -> dict[str, str]:
    """Java/Kotlin package -> the internal artifact (versionless purl) whose sources declare it,
    for :func:`jvm_artifact`'s ``internal``; ``projects`` maps artifacts to their scanned files.
    A package two artifacts declare (a split package) goes to the first in sorted order."""
    out: dict[str, str] = {}
    for artifact in sorted(projects):
        for scan in projects[artifact]:
            if scan.namespace and scan.language in ("java", "kotlin"):
                out.setdefault(scan.namespace, artifact)
    return out


def jvm_artifact(
    namespace: str, internal: Mapping[str, str] | None = None, resolved: Iterable[str] = ()
) -> Attribution | None:
    """The Maven artifact whose code lives in the Java/Kotlin package ``namespace``.

    ``internal`` maps the packages the organisation's own projects declare to their artifacts
    (versionless purls): exact, the longest declared package that holds ``namespace`` winning.
    Otherwise the third-party artifacts the project ``resolved`` are scored by how much of the
    namespace their groupId and artifactId name (``org.apache.logging.log4j`` <-
    ``org.apache.logging.log4j:log4j-api``): the best one is inferred, a tie is ambiguous.
    """
    if internal:
        owners = [p for p in internal if namespace == p or namespace.startswith(p + ".")]
        if owners:
            return Attribution(internal[max(owners, key=len)], "exact")
    scored: dict[str, tuple[int, ...]] = {}
    for purl in resolved:
        score = _jvm_score(namespace, purl)
        if score is not None:
            scored[purl] = score
    if not scored:
        return None
    top = max(scored.values())
    best = sorted(p for p, s in scored.items() if s == top)
    if len(best) == 1:
        return Attribution(best[0], "inferred")
    return Attribution(None, "ambiguous", tuple(best))


def _jvm_score(namespace: str, purl: str) -> tuple[int, ...] | None:
    """How well a Maven artifact fits a Java package, or None when its groupId shares too little.

    In order: shared leading segments of groupId and package (at least two, or all of a
    one-segment groupId); package segments beyond them that the artifactId names; the package's
    last segment among the artifactId's words; an ``api`` artifact (it holds a library's root
    package); fewer words in the artifactId. Words are compared without a plural ``s``
    (``com.fasterxml.jackson.annotation`` is in ``jackson-annotations``).
    """
    try:
        p = purls.parse(purl)
    except ValueError:
        return None
    if p.type != "maven" or not p.namespace:
        return None
    ns, group = namespace.split("."), p.namespace.split(".")
    shared = 0
    while shared < min(len(ns), len(group)) and ns[shared] == group[shared]:
        shared += 1
    if shared < min(2, len(group)):
        return None
    words = {w.removesuffix("s") for w in re.split(r"[-_.]", p.name.lower())}  # annotation ~ annotations
    rest = [s.lower().removesuffix("s") for s in ns[shared:]]
    named = sum(1 for s in rest if s in words)
    return shared, named, int(ns[-1].lower().removesuffix("s") in words), int("api" in words), -len(words)


def package_modules(package: str) -> list[str]:
    """The modules a package provides by its name alone, to find calls whose module no project's
    dependencies attributed (``pkg:pypi/pyyaml`` -> ``yaml``; ``pkg:golang/golang.org/x/net`` ->
    ``golang.org/x/net``); empty for Maven (a Java package is not named by its artifact)."""
    p = purls.parse(package)
    if p.type == "pypi":
        name = _normalise(p.name)
        known = [module for module, dist in PYTHON_IMPORT_NAMES.items() if _normalise(dist) == name]
        return known or [name.replace("-", "_")]
    if p.type == "golang":
        return [f"{p.namespace}/{p.name}" if p.namespace else p.name]
    if p.type == "npm":
        return [f"@{p.namespace.lstrip('@')}/{p.name}" if p.namespace else p.name]
    return []
