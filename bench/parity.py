"""Parity and throughput of depwave's lockfile loaders against cdxgen on the shared corpus.

For every lockfile of the corpus (npm/Yarn/pnpm locks, Poetry/uv/PDM/Pipfile locks, pinned
``requirements*.txt``, ``go.mod`` build lists and ``Cargo.lock``), this script

* parses it with the depwave loader that :func:`loaders.registry.loader_for` picks, with a context
  holding the other files of the same corpus repository (best of N runs, parse only), and takes the
  ``Resolved`` records as a ``(type, name, version)`` set;
* copies it, with the manifest cdxgen needs beside it, into an empty temporary directory and runs
  ``cdxgen -t <js|python|go|rust> --no-install-deps --no-recurse`` with fetching and package
  managers switched off (``CDXGEN_ALLOWED_COMMANDS=ldd``), best of N wall times, and takes the
  ``components`` of its ``bom.json`` as the same kind of set;
* compares the two sets, classifies every difference into an explained category (or
  ``unexplained``), prints a table and writes ``bench/out/parity.json``.

cdxgen is installed on first use with ``npm install --prefix ${DEPWAVE_CACHE:-~/.cache/depwave}/cdxgen``.

Usage::

    /tmp/venv/bin/python bench/parity.py [--corpus ../shared/corpus] [--runs 3] [--only vite]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.base import StaticContext  # noqa: E402
from loaders.registry import loader_for  # noqa: E402
from planner import purl as purls  # noqa: E402
from planner.model import Project, ProjectDependency, Resolved, Source  # noqa: E402

#: (type, normalised name, version or "") — one package version as both tools see it
Item = tuple[str, str, str]

#: lockfile name pattern -> (cdxgen -t type, manifests copied beside it when the repo has them)
LOCKFILES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (r"package-lock\.json", "js", ("package.json",)),
    (r"yarn\.lock", "js", ("package.json",)),
    (r"pnpm-lock\.yaml", "js", ("package.json", "pnpm-workspace.yaml")),
    (r"poetry\.lock", "python", ("pyproject.toml",)),
    (r"uv\.lock", "python", ("pyproject.toml",)),
    (r"pdm\.lock", "python", ("pyproject.toml",)),
    (r"Pipfile\.lock", "python", ("Pipfile",)),
    (r"(.*requirements.*|requirements/.*)\.txt", "python", ()),
    (r"go\.mod", "go", ("go.sum",)),
    (r"Cargo\.lock", "rust", ("Cargo.toml",)),
)

#: an exact ``name==version`` / ``name===version`` pin line in a requirements file
_PIN = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*===?\s*[^\s=,<>!~;\\]+\s*(;|\\|#|$)")

CDXGEN_ENV = {
    "CDXGEN_NO_BANNER": "true",
    "FETCH_LICENSE": "false",
    "CDXGEN_FETCH_PKG_METADATA": "false",
    "GO_FETCH_VCS": "false",
    "CDXGEN_ALLOWED_COMMANDS": "ldd",
    "CDXGEN_DEBUG_MODE": "",
}
CDXGEN_FLAGS = ("--no-install-deps", "--no-recurse", "--no-babel", "--no-validate")


# ----------------------------------------------------------------------------------------------
# cdxgen installation and runs


def cdxgen_binary() -> Path:
    """The cached cdxgen binary, installed with npm into the depwave cache when missing."""
    cache = Path(os.environ.get("DEPWAVE_CACHE") or Path.home() / ".cache" / "depwave") / "cdxgen"
    binary = cache / "node_modules" / ".bin" / "cdxgen"
    if not binary.exists():
        cache.mkdir(parents=True, exist_ok=True)
        print(f"installing @cyclonedx/cdxgen into {cache} ...", file=sys.stderr)
        subprocess.run(
            ["npm", "install", "--prefix", str(cache), "--no-audit", "--no-fund", "@cyclonedx/cdxgen"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return binary


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(CDXGEN_ENV)
    env.pop("CDXGEN_DEBUG_MODE", None)
    return env


def cdxgen_version(binary: Path) -> str:
    """cdxgen's own version line (e.g. ``12.8.4``)."""
    out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, env=_env()).stdout
    m = re.search(r"(\d+\.\d+\.\d+)", out)
    return m.group(1) if m else out.strip()


def cdxgen_startup(binary: Path, runs: int) -> float:
    """Best-of-``runs`` wall time of ``cdxgen --version``: its fixed start-up cost."""
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([str(binary), "--version"], capture_output=True, env=_env(), check=True)
        best = min(best, time.perf_counter() - t)
    return best


def run_cdxgen(binary: Path, cdx_type: str, files: dict[str, Path], runs: int) -> tuple[dict[str, Any], float]:
    """Run cdxgen on a fresh directory holding ``files`` (name -> source); return its BOM and best wall time."""
    best = float("inf")
    bom: dict[str, Any] = {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="parity-") as tmp:
            work = Path(tmp) / "project"
            work.mkdir()
            for name, src in files.items():
                shutil.copyfile(src, work / name)
            out = Path(tmp) / "bom.json"
            cmd = [str(binary), "-t", cdx_type, *CDXGEN_FLAGS, "-o", str(out), str(work)]
            t = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True, env=_env(), cwd=tmp)
            best = min(best, time.perf_counter() - t)
            if proc.returncode != 0 or not out.exists():
                raise RuntimeError(f"cdxgen failed ({proc.returncode}): {proc.stderr[-2000:]}")
            bom = json.loads(out.read_text(encoding="utf-8"))
    return bom, best


# ----------------------------------------------------------------------------------------------
# names as both tools spell them


def _pep503(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def item_of(purl_text: str) -> Item | None:
    """``(type, display name, version)`` of a purl, normalised the way cdxgen names packages."""
    try:
        p = purls.parse(purl_text)
    except ValueError:
        return None
    name = p.display_name
    if p.type == "pypi":
        name = _pep503(name)
    elif p.type == "npm":
        name = name.lower()
    return (p.type, name, p.version or "")


def _walk_components(components: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for c in components:
        yield c
        yield from _walk_components(c.get("components") or ())


def cdxgen_items(bom: dict[str, Any]) -> set[Item]:
    """The package versions of a cdxgen BOM (every component with a purl, nested ones too)."""
    out: set[Item] = set()
    for c in _walk_components(bom.get("components") or ()):
        item = item_of(c.get("purl") or "")
        if item is not None:
            out.add(item)
    return out


@dataclass
class DepwaveView:
    """What one depwave parse says, reduced to what the comparison needs."""

    items: set[Item]
    local_names: set[tuple[str, str]] = field(default_factory=set)  # (type, name) of projects / link targets
    warnings: int = 0


def depwave_view(records: Iterable[object], warnings: int) -> DepwaveView:
    """Resolved records as items; Project and ProjectDependency targets as local (non-registry) names."""
    view = DepwaveView(set(), set(), warnings)
    for r in records:
        if isinstance(r, Resolved):
            item = item_of(r.version)
            if item is not None:
                view.items.add(item)
        elif isinstance(r, Project) and r.purl:
            item = item_of(r.purl)
            if item is not None:
                view.local_names.add(item[:2])
        elif isinstance(r, ProjectDependency) and "#" in r.target:
            item = item_of(r.target.rsplit("#", 1)[1])
            if item is not None:
                view.local_names.add(item[:2])
    return view


# ----------------------------------------------------------------------------------------------
# corpus


class CorpusContext(StaticContext):
    """A StaticContext over one corpus repository whose ``sources()`` lists only recognised files,
    like the ingest's context (``read`` still serves every file of the repository)."""

    def __init__(self, files: dict[tuple[str, str], str], sources: list[Source] | None = None) -> None:
        super().__init__(files)
        self.files = files
        if sources is None:  # computed once, as the ingest does (loaders may call sources() per parse)
            sources = [s for s in super().sources() if loader_for(s.path) is not None]
        self._recognised = sources

    def sources(self) -> list[Source]:
        """Sources some loader recognises."""
        return self._recognised

    def fresh(self) -> CorpusContext:
        """A new context over the same files (nothing a loader attached to the old one carries over)."""
        return CorpusContext(self.files, self._recognised)


def repo_files(repo_dir: Path) -> dict[tuple[str, str], str]:
    """Every UTF-8 text file of a corpus repository keyed ``(repo, relative path)``."""
    out: dict[tuple[str, str], str] = {}
    for p in sorted(repo_dir.rglob("*")):
        if p.is_file():
            try:
                out[(repo_dir.name, p.relative_to(repo_dir).as_posix())] = p.read_bytes().decode("utf-8-sig")
            except UnicodeDecodeError:
                continue
    return out


@dataclass
class Lockfile:
    """One corpus lockfile and what cdxgen needs beside it."""

    repo: str
    path: str  # repo-relative
    cdx_type: str
    copies: dict[str, Path]  # name in the temp dir -> corpus file


def find_lockfiles(corpus: Path) -> list[Lockfile]:
    """The corpus lockfiles this benchmark compares (requirements files only when they pin)."""
    out: list[Lockfile] = []
    for repo_dir in sorted(p for p in corpus.iterdir() if p.is_dir()):
        for f in sorted(repo_dir.rglob("*")):
            if not f.is_file():
                continue
            rel = f.relative_to(repo_dir).as_posix()
            for pattern, cdx_type, manifests in LOCKFILES:
                tail = "/".join(rel.split("/")[-2:]) if pattern.startswith("(.*requirements") else f.name
                if not re.fullmatch(pattern, tail) and not re.fullmatch(pattern, f.name):
                    continue
                if cdx_type == "python" and f.suffix == ".txt":
                    text = f.read_text(encoding="utf-8", errors="replace")
                    if not any(_PIN.match(line) for line in text.splitlines()):
                        break
                    copies = {"requirements.txt": f}
                else:
                    copies = {f.name: f}
                for m in manifests:
                    if (f.parent / m).is_file():
                        copies[m] = f.parent / m
                out.append(Lockfile(repo_dir.name, rel, cdx_type, copies))
                break
    return out


# ----------------------------------------------------------------------------------------------
# evidence read straight from the lockfile (independently of depwave's loaders)


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
                out.add(("pypi", _pep503(pkg.get("name", "")), pkg.get("version", "")))
        project = tomllib.loads(ctx.read(lock.repo, f"{base}pyproject.toml") or "").get("project") or {}
        if project.get("name"):
            out.add(("pypi", _pep503(project["name"]), ""))
    return out


def requirement_facts(lock: Lockfile, text: str, ctx: CorpusContext) -> tuple[set[Item], set[Item]]:
    """For a requirements file: (pins reachable only through ``-r`` includes, ``>=`` lower bounds written here)."""
    lower: set[Item] = set()
    for line in text.splitlines():
        m = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*>=\s*([^\s,;]+)", line)
        if m:
            lower.add(("pypi", _pep503(m.group(1)), m.group(3)))
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
                    included.add(("pypi", _pep503(p.group(1)), p.group(3)))
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


# ----------------------------------------------------------------------------------------------
# the benchmark


def clear_caches() -> None:
    """Clear every ``functools`` cache of depwave's modules (purls, parsed POMs/JSON, …): a cold parse."""
    for name, module in list(sys.modules.items()):
        if not name.startswith(("loaders.", "planner.")) or module is None:
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()


def best_parse(lock: Lockfile, text: str, ctx: CorpusContext, runs: int) -> tuple[Any, float]:
    """Best-of-``runs`` cold depwave parse time (caches cleared, fresh context) and the (last) result."""
    loader = loader_for(lock.path)
    if loader is None:
        raise RuntimeError(f"no depwave loader for {lock.path}")
    source = Source(lock.repo, lock.path, f"{lock.repo}/{lock.path}")
    best = float("inf")
    result = None
    for _ in range(runs):
        clear_caches()
        fresh = ctx.fresh()
        t = time.perf_counter()
        result = loader.parse(text, source, fresh)
        best = min(best, time.perf_counter() - t)
    return result, best


def compare(corpus: Path, runs: int, cdx_runs: int, only: str | None) -> dict[str, Any]:
    """Run the whole comparison; return the JSON-able report."""
    binary = cdxgen_binary()
    startup = cdxgen_startup(binary, cdx_runs)
    locks = [lk for lk in find_lockfiles(corpus) if not only or only in f"{lk.repo}/{lk.path}"]
    contexts: dict[str, CorpusContext] = {}
    rows = []
    for lock in locks:
        if lock.repo not in contexts:
            contexts[lock.repo] = CorpusContext(repo_files(corpus / lock.repo))
        ctx = contexts[lock.repo]
        text = ctx.read(lock.repo, lock.path) or ""
        result, dw_time = best_parse(lock, text, ctx, runs)
        view = depwave_view(result.records, len(result.warnings))
        bom, cdx_time = run_cdxgen(binary, lock.cdx_type, lock.copies, cdx_runs)
        cdx = cdxgen_items(bom)
        dw = view.items
        inter, union = dw & cdx, dw | cdx
        by_name: dict[str, dict[tuple[str, str], list[str]]] = {"depwave": {}, "cdxgen": {}}
        for side, items in (("depwave", dw), ("cdxgen", cdx)):
            for t, n, v in items:
                by_name[side].setdefault((t, n), []).append(v)
        included, lower = requirement_facts(lock, text, ctx) if lock.path.endswith(".txt") else (set(), set())
        ev = {
            "text": text,
            "local": local_packages(lock, text, ctx),
            "dw_local_names": view.local_names,
            "included": included,
            "lower_bounds": lower,
            "go_local": go_local_replacements(text) if lock.path.endswith("go.mod") else set(),
        }
        diffs = classify(cdx - dw, "cdxgen", {**ev, "other_by_name": by_name["depwave"], "other_items": dw})
        diffs += classify(dw - cdx, "depwave", {**ev, "other_by_name": by_name["cdxgen"], "other_items": cdx})
        net = max(cdx_time - startup, 0.0)
        n_local = sum(d["kind"] == "local" for d in diffs)
        rows.append(
            {
                "lockfile": f"{lock.repo}/{lock.path}",
                "loader": loader_for(lock.path).name,  # type: ignore[union-attr]
                "cdxgen_type": lock.cdx_type,
                "copied": sorted(lock.copies),
                "bytes": len(text.encode("utf-8")),
                "depwave": len(dw),
                "cdxgen": len(cdx),
                "identical": len(inter),
                "only_depwave": len(dw - cdx),
                "only_cdxgen": len(cdx - dw),
                "jaccard": len(inter) / len(union) if union else 1.0,
                "registry_jaccard": len(inter) / (len(union) - n_local) if len(union) - n_local else 1.0,
                "exact": dw == cdx,
                "explained_differences": sum(d["category"] != "unexplained" for d in diffs),
                "unexplained_differences": sum(d["category"] == "unexplained" for d in diffs),
                "depwave_warnings": view.warnings,
                "depwave_s": dw_time,
                "cdxgen_wall_s": cdx_time,
                "cdxgen_net_s": net,
                "speedup_wall": cdx_time / dw_time if dw_time else None,
                "speedup_net": net / dw_time if dw_time else None,
                "differences": diffs,
            }
        )
        print(f"  {rows[-1]['lockfile']}: {len(inter)}/{len(union)}", file=sys.stderr)
    return summarise(rows, binary, startup, runs, cdx_runs)


def summarise(rows: list[dict[str, Any]], binary: Path, startup: float, runs: int, cdx_runs: int) -> dict[str, Any]:
    """Totals, category counts, targets."""
    inter = sum(r["identical"] for r in rows)
    union = sum(r["identical"] + r["only_depwave"] + r["only_cdxgen"] for r in rows)
    cats = Counter((d["side"], d["kind"], d["category"]) for r in rows for d in r["differences"])
    unexplained = sum(r["unexplained_differences"] for r in rows)
    explained = sum(r["explained_differences"] for r in rows)
    dw_total = sum(r["depwave_s"] for r in rows)
    wall_total = sum(r["cdxgen_wall_s"] for r in rows)
    net_total = sum(r["cdxgen_net_s"] for r in rows)
    # a second estimate of cdxgen's fixed cost: its fastest run on a lockfile of the same -t type (the
    # smallest one); subtracting it leaves the work that grows with the lockfile
    floors: dict[str, float] = {}
    for r in rows:
        floors[r["cdxgen_type"]] = min(floors.get(r["cdxgen_type"], float("inf")), r["cdxgen_wall_s"])
    for r in rows:
        r["cdxgen_net_floor_s"] = max(r["cdxgen_wall_s"] - floors[r["cdxgen_type"]], 0.0)
        r["speedup_net_floor"] = r["cdxgen_net_floor_s"] / r["depwave_s"] if r["depwave_s"] else None
    floor_total = sum(r["cdxgen_net_floor_s"] for r in rows)
    by_loader: dict[str, dict[str, Any]] = {}
    for r in rows:
        g = by_loader.setdefault(
            r["loader"], {"lockfiles": 0, "bytes": 0, "depwave_s": 0.0, "cdxgen_wall_s": 0.0, "cdxgen_net_s": 0.0}
        )
        g["lockfiles"] += 1
        g["bytes"] += r["bytes"]
        g["depwave_s"] += r["depwave_s"]
        g["cdxgen_wall_s"] += r["cdxgen_wall_s"]
        g["cdxgen_net_s"] += r["cdxgen_net_s"]
        g["cdxgen_net_floor_s"] = g.get("cdxgen_net_floor_s", 0.0) + r["cdxgen_net_floor_s"]
    for g in by_loader.values():
        g["speedup_wall"] = g["cdxgen_wall_s"] / g["depwave_s"]
        g["speedup_net"] = g["cdxgen_net_s"] / g["depwave_s"]
        g["speedup_net_floor"] = g["cdxgen_net_floor_s"] / g["depwave_s"]
    identical_pct = 100.0 * inter / union if union else 100.0
    local = sum(d["kind"] == "local" for r in rows for d in r["differences"])
    registry_pct = 100.0 * inter / (union - local) if union - local else 100.0
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "node": subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip(),
            "cdxgen": cdxgen_version(binary),
            "platform": platform.platform(),
        },
        "settings": {
            "depwave_runs": runs,
            "cdxgen_runs": cdx_runs,
            "cdxgen_env": {k: v for k, v in CDXGEN_ENV.items() if v},
            "cdxgen_flags": list(CDXGEN_FLAGS),
        },
        "cdxgen_startup_s": startup,
        "lockfiles": len(rows),
        "identical": inter,
        "union": union,
        "identical_pct": identical_pct,
        "local_differences": local,
        "registry_union": union - local,
        "registry_identical_pct": registry_pct,
        "exact_lockfiles": sum(r["exact"] for r in rows),
        "mean_lockfile_jaccard_pct": 100.0 * statistics.fmean(r["jaccard"] for r in rows) if rows else 100.0,
        "mean_lockfile_registry_jaccard_pct": (
            100.0 * statistics.fmean(r["registry_jaccard"] for r in rows) if rows else 100.0
        ),
        "exact_registry_lockfiles": sum(r["registry_jaccard"] == 1.0 for r in rows),
        "explained_differences": explained,
        "unexplained_differences": unexplained,
        "categories": {f"only-{side} [{kind}] {cat}": n for (side, kind, cat), n in sorted(cats.items())},
        "rules": {r.name: {"side": r.side, "kind": r.kind, "right": r.right, "why": r.why} for r in RULES},
        "depwave_total_s": dw_total,
        "cdxgen_wall_total_s": wall_total,
        "cdxgen_net_total_s": net_total,
        "speedup_wall": wall_total / dw_total if dw_total else None,
        "speedup_net": net_total / dw_total if dw_total else None,
        "cdxgen_fastest_run_per_type_s": floors,
        "cdxgen_net_floor_total_s": floor_total,
        "speedup_net_floor": floor_total / dw_total if dw_total else None,
        "by_loader": by_loader,
        "targets": {
            "identical_ge_99pct_raw": identical_pct >= 99.0,
            "identical_ge_99pct_registry_packages": registry_pct >= 99.0,
            "every_difference_explained": unexplained == 0,
            "speedup_net_ge_3x": bool(dw_total) and net_total / dw_total >= 3.0,
        },
        "rows": rows,
    }


def print_table(report: dict[str, Any]) -> None:
    """The per-lockfile table and the totals."""
    head = (
        f"{'lockfile':<72} {'dw':>5} {'cdx':>5} {'same':>5} {'-dw':>4} {'-cdx':>4} {'expl':>4} "
        f"{'dw ms':>7} {'cdx ms':>7} {'net ms':>7} {'×net':>6}"
    )
    print(head)
    print("-" * len(head))
    for r in report["rows"]:
        sp = r["speedup_net"]
        print(
            f"{r['lockfile']:<72} {r['depwave']:>5} {r['cdxgen']:>5} {r['identical']:>5} {r['only_depwave']:>4} "
            f"{r['only_cdxgen']:>4} {r['explained_differences']:>4} {r['depwave_s'] * 1000:>7.1f} "
            f"{r['cdxgen_wall_s'] * 1000:>7.0f} {r['cdxgen_net_s'] * 1000:>7.0f} "
            f"{(f'{sp:.1f}' if sp is not None else '-'):>6}"
        )
    print("-" * len(head))
    r = report
    print(
        f"{r['lockfiles']} lockfiles; identical {r['identical']}/{r['union']} = {r['identical_pct']:.2f} %; "
        f"exact match {r['exact_lockfiles']}/{r['lockfiles']} lockfiles; "
        f"mean per-lockfile {r['mean_lockfile_jaccard_pct']:.2f} %"
    )
    print(
        f"registry packages only (the {r['local_differences']} local/workspace components set aside): "
        f"{r['identical']}/{r['registry_union']} = {r['registry_identical_pct']:.2f} %; exact match "
        f"{r['exact_registry_lockfiles']}/{r['lockfiles']} lockfiles; "
        f"mean per-lockfile {r['mean_lockfile_registry_jaccard_pct']:.2f} %"
    )
    print(f"differences: {r['explained_differences']} explained, {r['unexplained_differences']} unexplained")
    for cat, n in r["categories"].items():
        print(f"  {cat}: {n}")
    print(
        f"time: depwave {r['depwave_total_s']:.3f} s, cdxgen wall {r['cdxgen_wall_total_s']:.1f} s, "
        f"net of {r['cdxgen_startup_s']:.2f} s start-up {r['cdxgen_net_total_s']:.1f} s; "
        f"speed-up {r['speedup_net']:.1f}× net ({r['speedup_wall']:.1f}× wall; "
        f"{r['speedup_net_floor']:.1f}× net of its fastest run per -t type)"
    )
    print(
        f"{'by loader':<16} {'files':>5} {'KB':>6} {'dw ms':>8} {'cdx wall':>9} {'×wall':>6} {'×net':>6} {'×floor':>6}"
    )
    for name, g in r["by_loader"].items():
        print(
            f"{name:<16} {g['lockfiles']:>5} {g['bytes'] / 1000:>6.0f} {g['depwave_s'] * 1000:>8.1f} "
            f"{g['cdxgen_wall_s'] * 1000:>9.0f} {g['speedup_wall']:>6.1f} {g['speedup_net']:>6.1f} "
            f"{g['speedup_net_floor']:>6.1f}"
        )
    print("targets:", ", ".join(f"{k}={'met' if v else 'NOT met'}" for k, v in r["targets"].items()))


def main(argv: list[str] | None = None) -> int:
    """Entry point; exit status 0 when every target is met."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--runs", type=int, default=3, help="depwave parses per lockfile (best is kept)")
    ap.add_argument("--cdxgen-runs", type=int, default=3, help="cdxgen runs per lockfile (best is kept)")
    ap.add_argument("--only", help="only lockfiles whose repo/path contains this")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "parity.json")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    report = compare(args.corpus, args.runs, args.cdxgen_runs, args.only)
    print_table(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0 if all(report["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
