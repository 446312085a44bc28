"""Shared pieces of the JavaScript loaders: npm names and purls, dependency specs, projects.

A JavaScript project is keyed by its directory and its npm name (``pkg:npm/%40scope/name``), or
``pkg:generic/<directory name>`` when its package.json has no name, so that package.json,
package-lock.json, yarn.lock and pnpm-lock.yaml of one directory describe one project.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from planner import purl as purls
from planner.model import Project, project_key

#: package.json dependency sections -> (normalised scope, optional)
SECTIONS: dict[str, tuple[str, bool]] = {
    "dependencies": ("runtime", False),
    "optionalDependencies": ("optional", True),
    "peerDependencies": ("peer", False),
    "devDependencies": ("dev", False),
}

_GIT_PREFIXES = ("git://", "git+", "git@", "github:", "gitlab:", "bitbucket:", "gist:")
_SHORTHAND_GIT = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(#.*)?$")
_NAME = re.compile(r"^(@[^/@\s]+/)?[^/@\s][^/@\s]*$")


def is_own_file(path: str, *names: str) -> bool:
    """Whether ``path`` is one of ``names`` and not a copy inside an installed ``node_modules`` tree."""
    parts = path.split("/")
    return parts[-1] in names and "node_modules" not in parts[:-1]


def split_name(name: str) -> tuple[str | None, str]:
    """``@scope/name`` -> ``("@scope", "name")``; ``name`` -> ``(None, "name")``."""
    if name.startswith("@") and "/" in name:
        scope, _, rest = name.partition("/")
        return scope, rest
    return None, name


def valid_name(name: Any) -> bool:
    """Whether ``name`` looks like an npm package name (``x``, ``@s/x``)."""
    return isinstance(name, str) and 0 < len(name) <= 214 and bool(_NAME.match(name))


def npm_purl(name: str, version: str | None = None) -> purls.Purl:
    """The npm purl of a package name (raises ValueError on an unusable name)."""
    if not valid_name(name):
        raise ValueError(f"not an npm package name: {name!r}")
    scope, base = split_name(name)
    return purls.build("npm", scope, base, version or None)


def npm_purl_key(name: str, version: str | None = None) -> str:
    """``npm_purl(name, version).key`` without filling the purl caches (see ``planner.purl.build_key``)."""
    if not valid_name(name):
        raise ValueError(f"not an npm package name: {name!r}")
    scope, base = split_name(name)
    return purls.build_key("npm", scope, base, version or None)


def split_locator(text: str) -> tuple[str, str]:
    """``@s/a@^1`` -> ``("@s/a", "^1")``: split a ``name@range`` at the ``@`` after the name."""
    at = text.find("@", 1)
    if at < 0:
        return text, ""
    return text[:at], text[at + 1 :]


#: pnpm splits a selector ``parent>child`` at a ``>`` that follows neither a space, ``|`` nor ``@``
#: (so ``rollup@>=4.0.0 <4.22.4`` is one package with a range, not a parent ``rollup@``)
_OVERRIDE_DELIMITER = re.compile(r"[^ |@]>")


@dataclass(frozen=True, slots=True)
class OverrideSelector:
    """The key of a pnpm override: which package (in which versions, under which parent) it rewrites."""

    name: str
    range: str | None = None  # the versions of ``name`` it applies to (``>=4.0.0 <4.22.4``); None = all
    parent: str | None = None  # ``parent`` of ``parent>child`` as written (``foo@1``)


def parse_override_selector(selector: str) -> OverrideSelector | None:
    """Parse a pnpm ``overrides`` key the way pnpm does (``@pnpm/parse-overrides``): ``name``,
    ``name@range``, ``parent>name``, ``parent@range>name@range``. None when the target is not an
    npm package name."""
    text = selector.strip()
    parent = None
    if m := _OVERRIDE_DELIMITER.search(text):
        parent, text = text[: m.start() + 1].strip() or None, text[m.end() :].strip()
    name, wanted = split_locator(text)
    if not valid_name(name):
        return None
    return OverrideSelector(name, wanted.strip() or None, parent)


@dataclass(frozen=True, slots=True)
class Spec:
    """A dependency spec as written in package.json, classified."""

    kind: str  # range | workspace | catalog | alias | path | git | url | invalid
    raw: str
    name: str | None = None  # alias: the real package name
    value: str | None = None  # range: the range; workspace: what follows ``workspace:``; catalog: its name; path


def classify(raw: Any) -> Spec:
    """Classify one dependency spec (``^1.2``, ``workspace:^``, ``npm:x@1``, ``file:../x``, git, URL ...)."""
    if not isinstance(raw, str):
        return Spec("invalid", json.dumps(raw) if raw is not None else "null")
    text = raw.strip()
    lower = text.lower()
    if lower.startswith("workspace:"):
        return Spec("workspace", raw, value=text[len("workspace:") :])
    if lower.startswith("catalog:"):
        return Spec("catalog", raw, value=text[len("catalog:") :] or "default")
    if lower.startswith("npm:"):
        name, rng = split_locator(text[4:])
        if not valid_name(name):
            return Spec("invalid", raw)
        return Spec("alias", raw, name=name, value=rng or None)
    for prefix in ("file:", "link:", "portal:"):
        if lower.startswith(prefix):
            return Spec("path", raw, value=text[len(prefix) :])
    if lower.startswith(("./", "../", "/", "~/")) or text in (".", ".."):
        return Spec("path", raw, value=text)
    if lower.startswith(_GIT_PREFIXES) or (_SHORTHAND_GIT.match(text) and not text.startswith("@")):
        return Spec("git", raw)
    if lower.startswith(("http://", "https://")):
        return Spec("url", raw)
    if "patch:" in lower or lower.startswith(("exec:", "jsr:")):
        return Spec("url", raw)
    return Spec("range", raw, value=text)


def join_dir(base: str, rel: str) -> str | None:
    """``base`` joined with the relative directory ``rel``, normalised; None when it leaves the repo."""
    rel = rel.strip()
    if rel.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join("" if base == "." else base, rel or "."))
    if joined == ".." or joined.startswith("../"):
        return None
    return joined or "."


def dir_of(path: str) -> str:
    """The directory of a repo-relative file path, ``.`` for the root."""
    return posixpath.dirname(path) or "."


@lru_cache(maxsize=4096)
def _parse_json_cached(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def read_json(context: Any, repo: str, path: str) -> dict[str, Any] | None:
    """Another file of the ingest as a JSON object through the context (None when absent or bad).

    The parsed value is cached by text and shared: callers must not modify it.
    """
    text = context.read(repo, path)
    if text is None:
        return None
    data = _parse_json_cached(text)
    return data if isinstance(data, dict) else None


def package_key(repo: str, directory: str, name: Any) -> tuple[str, purls.Purl]:
    """The project key and versionless purl of the package in ``directory`` named ``name``."""
    purl = None
    if valid_name(name):
        try:
            purl = npm_purl(name)
        except ValueError:
            purl = None
    if purl is None:
        base = posixpath.basename(directory) if directory not in (".", "") else repo
        purl = purls.build("generic", None, base or "root")
    return project_key(repo, directory, purl.package), purl


def make_project(repo: str, directory: str, manifest: str, name: Any, version: Any, private: bool) -> Project:
    """The Project record of a JavaScript package (see the module docstring for its key)."""
    key, purl = package_key(repo, directory, name)
    ver = version if isinstance(version, str) and version else None
    full = purl
    if ver:
        try:
            full = purls.build(purl.type, purl.namespace, purl.name, ver)
        except ValueError:  # no purl can hold it (an unpaired surrogate from a \ud800 escape): version unknown
            ver = None
    return Project(
        key=key,
        name=purl.display_name,
        ecosystem=purl.type,
        repo=repo,
        path=directory,
        manifest=manifest,
        purl=full.key,
        version=ver,
        kind="application" if private else ("library" if purl.type == "npm" else "unknown"),
    )


_VER = re.compile(r"^v?(\d+)(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:[-+].*)?$")


def _nums(text: str) -> tuple[list[int], int] | None:
    m = _VER.match(text.strip())
    if not m:
        return None
    parts = [g for g in m.groups() if g is not None and g not in ("x", "X", "*")]
    return [int(p) for p in parts] + [0] * (3 - len(parts)), len(parts)


def loosely_satisfies(range_: str, version: str | None) -> bool:
    """Whether ``version`` falls in the npm semver ``range_`` (prereleases ignored).

    Used only to decide whether a plain range names a workspace sibling (npm and Yarn link a
    workspace package when its version satisfies the range); forms it cannot read count as a match.
    """
    if version is None:
        return True
    have = _nums(version)
    if have is None:
        return True
    v = tuple(have[0])
    for alternative in range_.split("||"):
        alt = alternative.strip()
        if alt in ("", "*", "x", "X", "latest") or " - " in alt:
            return True
        ok = True
        for comp in re.sub(r"(>=|<=|>|<|=|\^|~)\s+", r"\1", alt).split():
            op = re.match(r"^(>=|<=|>|<|=|\^|~)?", comp).group(1) or ""
            parsed = _nums(comp[len(op) :])
            if parsed is None:
                return True
            nums, given = parsed
            want = tuple(nums)
            if op in ("", "="):
                ok &= v[:given] == want[:given]
            elif op == ">=":
                ok &= v >= want
            elif op == ">":
                ok &= v > want
            elif op == "<=":
                ok &= v <= want
            elif op == "<":
                ok &= v < want
            elif op == "~":
                ok &= v >= want and v[: min(given, 2)] == want[: min(given, 2)]
            else:  # caret: same left-most non-zero component
                lead = next((i for i, n in enumerate(want[:given]) if n), max(given - 1, 0))
                ok &= v >= want and v[: lead + 1] == want[: lead + 1]
        if ok:
            return True
    return False
