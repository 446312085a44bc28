"""The differences bench/parity.py explains: evidence read straight from the lockfile (independently of
depwave's loaders) and the rules that put each difference in an explained category (or ``unexplained``)."""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from parity_corpus import CorpusContext, Item, Lockfile, pep503

#: cdxgen's PYTHON_EXCLUDED_COMPONENTS (lib/helpers/utils.js): dropped from every Python BOM
CDXGEN_PYTHON_EXCLUDED = frozenset(
    {
        "pip",
        "setuptools",
        "wheel",
        "conda",
        "conda-build",
        "conda-index",
        "conda-libmamba-solver",
        "conda-package-handling",
        "conda-package-streaming",
        "conda-content-trust",
    }
)


def _json(text: str | None) -> Any:
    try:
        return json.loads(text or "")
    except ValueError:
        return None


def local_packages(lock: Lockfile, text: str, ctx: CorpusContext) -> set[Item]:
    """Packages the lockfile itself marks as local (workspace members, links, path crates, the project itself)."""
    out: set[Item] = set()
    name = lock.path.rsplit("/", 1)[-1]
    base = lock.path.rsplit("/", 1)[0] + "/" if "/" in lock.path else ""
    if name == "package-lock.json":
        packages = (_json(text) or {}).get("packages") or {}
        for key, entry in packages.items():
            if not isinstance(entry, dict) or "node_modules/" in f"/{key}":
                continue
            pkg_name = entry.get("name") or (_json(ctx.read(lock.repo, f"{base}{key}/package.json")) or {}).get("name")
            if pkg_name:
                out.add(("npm", pkg_name.lower(), entry.get("version") or ""))
    elif name == "Cargo.lock":
        data = tomllib.loads(text)
        for pkg in data.get("package") or ():
            if "source" not in pkg:  # a workspace member or a path dependency
                out.add(("cargo", pkg.get("name", ""), pkg.get("version", "")))
    elif name in ("uv.lock", "pdm.lock", "poetry.lock"):
        data = tomllib.loads(text)
        for pkg in data.get("package") or ():
            src = pkg.get("source") or {}
            if isinstance(src, dict) and {"editable", "virtual", "directory", "path"} & set(src):
                out.add(("pypi", pep503(pkg.get("name", "")), pkg.get("version", "")))
        project = tomllib.loads(ctx.read(lock.repo, f"{base}pyproject.toml") or "").get("project") or {}
        if project.get("name"):
            out.add(("pypi", pep503(project["name"]), ""))
    return out


def requirement_facts(lock: Lockfile, text: str, ctx: CorpusContext) -> tuple[set[Item], set[Item]]:
    """For a requirements file: (pins reachable only through ``-r`` includes, ``>=`` lower bounds written here)."""
    lower: set[Item] = set()
    for line in text.splitlines():
        m = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*>=\s*([^\s,;]+)", line)
        if m:
            lower.add(("pypi", pep503(m.group(1)), m.group(3)))
    included: set[Item] = set()
    seen = {lock.path}
    todo = [(lock.path, text)]
    while todo:
        path, body = todo.pop()
        for line in body.splitlines():
            m = re.match(r"^\s*(-r|--requirement)[\s=]+(\S+)", line)
            if not m:
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(path), m.group(2))).replace(os.sep, "/")
            inc = ctx.read(lock.repo, target)
            if inc is None or target in seen:
                continue
            seen.add(target)
            todo.append((target, inc))
            for inc_line in inc.splitlines():
                p = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*===?\s*([^\s;\\]+)", inc_line)
                if p:
                    included.add(("pypi", pep503(p.group(1)), p.group(3)))
    return included, lower


def go_local_replacements(text: str) -> set[str]:
    """Module paths a go.mod replaces with a local directory (``replace X => ./dir`` / ``../dir``)."""
    out: set[str] = set()
    in_block = False
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if line.startswith("replace") and line.endswith("("):
            in_block = True
            continue
        if in_block and line == ")":
            in_block = False
            continue
        if line.startswith("replace "):
            line = line[len("replace ") :].strip()
        elif not in_block:
            continue
        if "=>" in line:
            left, right = (part.split() for part in line.split("=>", 1))
            if left and right and right[0].startswith((".", "/")):
                out.add(left[0])
    return out


def npm_alias_targets(text: str, name: str) -> set[str]:
    """Packages that ``name`` is an alias of in a Yarn/npm lockfile (``name@npm:@scope/real@1.0``)."""
    pattern = re.escape(name) + r"@npm:(@?[^@\s\",]+)@"
    return {m.lower() for m in re.findall(pattern, text, flags=re.IGNORECASE)}


# ----------------------------------------------------------------------------------------------
# classification of differences


@dataclass(frozen=True)
class Rule:
    """An explained category of difference, with a predicate over (item, evidence)."""

    name: str
    side: str  # "cdxgen" | "depwave" | "both"
    why: str
    test: Callable[[Item, dict[str, Any]], bool]
    #: "local" = the item is not a registry package version (a modelling difference, set aside in the
    #: registry-package parity); "disagreement" = both describe registry versions and they disagree
    kind: str = "local"
    #: who is right for a disagreement: "depwave", "cdxgen" or "either"
    right: str = "-"


def _version_spelling(item: Item, ev: dict[str, Any]) -> bool:
    """The other side has the same package at a version that normalises to the same PEP 440 version."""
    if item[0] != "pypi":
        return False
    from packaging.version import InvalidVersion, Version

    try:
        mine = Version(item[2])
    except InvalidVersion:
        return False
    for other in ev["other_by_name"].get(item[:2], ()):
        try:
            if Version(other) == mine:
                return True
        except InvalidVersion:
            continue
    return False


def _npm_alias(item: Item, ev: dict[str, Any]) -> bool:
    return item[0] == "npm" and any(
        ("npm", target, item[2]) in ev["other_items"] for target in npm_alias_targets(ev["text"], item[1])
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "go-replace-local-dir",
        "cdxgen",
        "Go `replace X => ./dir`: cdxgen emits the directory as a versionless `pkg:golang/./dir` component; "
        "depwave records a ProjectDependency on the local module instead of a registry version.",
        lambda item, ev: item[0] == "golang" and item[1].startswith((".", "/")),
    ),
    Rule(
        "go-replaced-by-local-dir",
        "cdxgen",
        "A module that go.mod both requires (at `v3.8.0-alpha.0`) and replaces with a local directory: the build "
        "uses the directory, the required version is never fetched. cdxgen emits the required version as well as "
        "the directory; depwave emits only a ProjectDependency on the local module (depwave is right).",
        lambda item, ev: item[0] == "golang" and item[1] in ev["go_local"],
        kind="disagreement",
        right="depwave",
    ),
    Rule(
        "yarn-berry-workspace",
        "cdxgen",
        "Yarn Berry workspace entries (`@workspace:`, version `0.0.0-use.local`): cdxgen lists workspace packages "
        "as components; depwave models them as Projects/ProjectDependency, not registry versions.",
        lambda item, ev: item[2] == "0.0.0-use.local",
    ),
    Rule(
        "cdxgen-versionless",
        "cdxgen",
        "cdxgen component without a version (pnpm `file:`/`link:` packages get an empty version): "
        "not a resolved registry version; depwave records a ProjectDependency to the local directory.",
        lambda item, ev: item[2] == "" and item[:2] in ev["dw_local_names"],
    ),
    Rule(
        "local-project",
        "cdxgen",
        "A package the lockfile itself marks as local (npm workspace member / `link: true`, Cargo crate without "
        "`source` = workspace member or path crate, uv `editable`/`virtual` source = the project itself): cdxgen "
        "lists it as a component; depwave models it as a Project (the Cargo.toml/package.json/pyproject loaders "
        "emit it) and links to it with ProjectDependency, not as a resolved registry version.",
        lambda item, ev: item in ev["local"],
    ),
    Rule(
        "npm-alias-name",
        "cdxgen",
        "Yarn v1 alias (`name@npm:@scope/real@1.3.0`): the installed package is `@scope/real`; cdxgen also emits "
        "a component under the alias name, depwave records only the real package.",
        _npm_alias,
        kind="disagreement",
        right="depwave",
    ),
    Rule(
        "cdxgen-lower-bound",
        "cdxgen",
        "A requirements line with a lower bound only (`certifi>=2021.5.30`): cdxgen reports the bound as if it were "
        "the installed version; it is not a pin, so depwave records a Declared range and no Resolved version.",
        lambda item, ev: item in ev["lower_bounds"],
        kind="disagreement",
        right="depwave",
    ),
    Rule(
        "cdxgen-drops-build-tools",
        "depwave",
        "cdxgen drops pip, setuptools, wheel and conda* from Python BOMs (PYTHON_EXCLUDED_COMPONENTS); "
        "pip-compile `--allow-unsafe` pins them in the file, and depwave keeps them.",
        lambda item, ev: item[0] == "pypi" and item[1] in CDXGEN_PYTHON_EXCLUDED,
        kind="disagreement",
        right="either",
    ),
    Rule(
        "requirements-include",
        "depwave",
        "A pin reached through `-r other.txt`: depwave follows the include (pip installs it too); cdxgen, given "
        "the one file, does not.",
        lambda item, ev: item in ev["included"],
        kind="disagreement",
        right="depwave",
    ),
    Rule(
        "pep440-spelling",
        "both",
        "Same PyPI version spelled differently on the two sides (PEP 440 normalisation).",
        _version_spelling,
        kind="disagreement",
        right="either",
    ),
)


def classify(only: set[Item], side: str, ev: dict[str, Any]) -> list[dict[str, Any]]:
    """Each difference on one side with its category (first matching rule, else ``unexplained``)."""
    out = []
    for item in sorted(only):
        hit = next((r for r in RULES if r.side in (side, "both") and r.test(item, ev)), None)
        out.append(
            {
                "side": side,
                "type": item[0],
                "name": item[1],
                "version": item[2],
                "category": hit.name if hit else "unexplained",
                "kind": hit.kind if hit else "unexplained",
                "right": hit.right if hit else "?",
            }
        )
    return out
