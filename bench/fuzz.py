"""Fuzz every loader with mutated real files: no input may crash a loader or hang it.

Seeds are the files each loader handles in examples/, tests/fixtures/ and (when present) the shared
corpus, dispatched as the ingest does (``loader_for`` on the repository-relative path; fixture names
such as ``v6.pnpm-lock.yaml`` by what follows their first dot). Each input is a seed put through one to
four mutations, byte-level (flip, insert, delete, duplicate, truncate, splice with another seed) or
structural (duplicate/drop/swap lines, deep nesting, hostile tokens: ``${``, ``{{``, entities, NUL,
ESC, surrogates, huge numbers, very long strings; for JSON, YAML and XML seeds a well-formed document
with a value of the wrong type, a key removed or a hostile string), then decoded as the ingest would (UTF-8,
undecodable bytes replaced).

An input passes when ``parse`` returns a ParseResult (whose warnings render) or raises ParseError;
RecursionError counts as handled (the ingest reports it as one ``nested too deeply`` error). Anything
else is a crash; an input that takes over ``--budget`` seconds is a hang. Crashing inputs are saved to
``bench/out/fuzz/<loader>-<n>.txt``.

Usage::

    .venv/bin/python bench/fuzz.py [--per-loader 10000] [--seed 1] [--budget 5] [--loader NAME ...]

The test suite runs the same mutations on a small seeded slice (tests/loaders/test_fuzz.py).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pickle
import random
import signal
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from loaders.base import EMPTY_CONTEXT, Loader  # noqa: E402
from loaders.registry import LOADERS, loader_for  # noqa: E402
from planner.errors import ParseError  # noqa: E402
from planner.model import ParseResult, Source  # noqa: E402

#: a seed is cut to this many characters (at a line end): big lockfiles cost time, not coverage
SEED_CHARS = 24_000
PROJECT_SEED_ROOTS = (ROOT / "examples", ROOT / "tests" / "fixtures")
CORPUS = Path(os.environ.get("DEPWAVE_CORPUS", ROOT.parent / "shared" / "corpus"))
_SKIP = {".git", "node_modules", "__pycache__"}

#: tokens that mean something to some format or to the code that reads it
TOKENS = (
    "\x00", "\x1b[2J", "\x1b]0;x\x07", "\r", "\n", "\t", "\ud800", "\u202e", "\ufeff", "${", "${x}", "${${x}}",
    "{{", "{{ .Values.x }}", "}}", "<!ENTITY x 'y'>", "&x;", "&#0;", "<![CDATA[", "]]>", "<!--", "-->", "<", ">",
    "/>", "&", '"', "'", "\\", "\\u0000", "\\ud800", "%00", "[", "]", "{", "}", ":", "- ", "*a", "&a ", "!!python/object",
    "---", "...", "#", "@", "@@", "==", ">=", "~=", "^", "~", "|", "||", "&&", "$", "pkg:", "pkg:maven/a/b@", "%",
    "-1", "0", "1e309", "99999999999999999999999999", "NaN", "true", "null", "[]", "{}", '""', "x" * 5000, "..",
    "../../etc/passwd", "/", "=", ";", ",", "()", "(", ")", "project(':x')", "platform(", "<dependency>",
    "<version>", "</project>", "[[package]]", "[tool.poetry]", "require (", "replace", "=>", "// indirect",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Seed:
    """A real file a loader handles: where it came from and its (possibly cut) text."""

    path: str
    text: str


def _cut(text: str) -> str:
    if len(text) <= SEED_CHARS:
        return text
    end = text.rfind("\n", 0, SEED_CHARS)
    return text[: end + 1 if end > 0 else SEED_CHARS]


def _dispatch(rel: str) -> Loader | None:
    loader = loader_for(rel)
    if loader is None:
        name = rel.rsplit("/", 1)[-1]
        if "." in name:
            loader = loader_for(rel[: len(rel) - len(name)] + name.split(".", 1)[1])
    return loader


def _files(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP)
        for name in sorted(filenames):
            yield Path(dirpath) / name


def collect_seeds(roots: tuple[Path, ...]) -> dict[str, list[Seed]]:
    """Loader name -> its seeds under ``roots`` (in a stable order)."""
    out: dict[str, list[Seed]] = {loader.name: [] for loader in LOADERS}
    for root in roots:
        if not root.is_dir():
            continue
        for file in _files(root):
            rel = file.relative_to(root).as_posix()
            loader = _dispatch(rel)
            if loader is None or file.is_symlink():
                continue
            try:
                text = file.read_bytes().decode("utf-8", errors="replace")
            except OSError:
                continue
            out[loader.name].append(Seed(f"{root.name}/{rel}", _cut(text)))
    return out


# ------------------------------------------------------------------------------------------ mutators


def _span(rng: random.Random, n: int) -> tuple[int, int]:
    a = rng.randrange(n + 1)
    return a, min(n, a + rng.choice((1, 2, 4, 16, 64, 512)))


def flip_bytes(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    """A few random bytes changed."""
    b = bytearray(data)
    for _ in range(rng.choice((1, 2, 8))):
        if b:
            b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b)


def insert_token(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    """A hostile token inserted somewhere."""
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(TOKENS).encode("utf-8", "surrogatepass") + data[at:]


def delete_span(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    """A span removed."""
    a, b = _span(rng, len(data))
    return data[:a] + data[b:]


def duplicate_span(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    """A span repeated (up to 50 times)."""
    a, b = _span(rng, len(data))
    return data[:b] + data[a:b] * rng.choice((1, 2, 50)) + data[b:]


def truncate(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    """The file cut short."""
    return data[: rng.randrange(len(data) + 1)]


def splice(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    """The head of this seed and the tail of another."""
    other = rng.choice(pool) if pool else data
    return data[: rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1) :]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def line_ops(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    """Lines duplicated, dropped, swapped or re-indented."""
    lines = _lines(data)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    op = rng.randrange(4)
    if op == 0:
        lines.insert(j, lines[i])
    elif op == 1:
        del lines[i]
    elif op == 2:
        lines[i], lines[j] = lines[j], lines[i]
    else:
        lines[i] = b" " * rng.choice((1, 2, 7)) + lines[i].lstrip()
    return b"".join(lines)


def nest(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    """Very deep nesting of the format's brackets or indentation."""
    depth = rng.choice((50, 500, 5000))
    opener, closer = rng.choice(((b"[", b"]"), (b"{", b"}"), (b"<a>", b"</a>"), (b"(", b")"), (b"- ", b"")))
    at = rng.randrange(len(data) + 1)
    return data[:at] + opener * depth + closer * depth + data[at:]


def swap_value(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    """A quoted value replaced with a hostile token (structure kept, content wrong)."""
    quote = rng.choice((b'"', b"'", b">"))
    starts = [k for k in range(len(data)) if data[k : k + 1] == quote][:2000]
    if len(starts) < 2:
        return insert_token(rng, data, pool)
    k = rng.randrange(len(starts) - 1)
    token = rng.choice(TOKENS).encode("utf-8", "surrogatepass")
    return data[: starts[k] + 1] + token + data[starts[k + 1] :]


_TREES: dict[bytes, tuple[str, object] | None] = {}
#: values a structural mutation puts where the format expects something else
ODD_VALUES: tuple[object, ...] = (None, 0, -1, 1.5, 10**30, True, "", [], {}, [None], {"": None}, "x" * 3000)


def _parse_tree(data: bytes) -> tuple[str, object] | None:
    """The seed as a tree: JSON, else YAML (mappings and lists only), else XML; None for other formats."""
    if data in _TREES:
        return _TREES[data]
    tree: tuple[str, object] | None = None
    text = data.decode("utf-8", errors="replace")
    try:
        tree = ("json", json.loads(text))
    except (ValueError, RecursionError):
        try:
            import yaml

            docs = list(yaml.load_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
            if any(isinstance(d, dict | list) for d in docs):
                tree = ("yaml", docs)
        except Exception:
            try:
                from defusedxml import ElementTree

                tree = ("xml", ElementTree.fromstring(text))
            except Exception:
                tree = None
    if len(_TREES) < 5000:
        _TREES[data] = tree
    return tree


def _nodes(value: object, out: list[tuple[object, object]]) -> None:
    """Every (container, key) in a JSON/YAML tree."""
    if isinstance(value, dict):
        for k in list(value):
            out.append((value, k))
            _nodes(value[k], out)
    elif isinstance(value, list):
        for i in range(len(value)):
            out.append((value, i))
            _nodes(value[i], out)


def tree_mutate(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    """Well-formed JSON/YAML/XML with the wrong content: a value of another type, a key removed, a list
    where a mapping was, a hostile string; other formats (and trees too deep to copy) get a hostile token."""
    try:
        return _tree_mutate(rng, data, pool)
    except (RecursionError, UnicodeError, ValueError, TypeError, ImportError):  # e.g. YAML cannot dump a surrogate
        return insert_token(rng, data, pool)


def _tree_mutate(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    import copy

    # only seeds are parsed (once each): a mutated text is rarely well-formed, and parsing it costs more
    # than the loader does
    parsed = _parse_tree(data) if data in _TREES or data in pool else None
    if parsed is None:
        return insert_token(rng, data, pool)
    kind, tree = parsed
    if kind == "xml":
        from xml.etree import ElementTree as ET

        root = copy.deepcopy(tree)
        elements = list(root.iter())
        el = rng.choice(elements)
        op = rng.randrange(4)
        if op == 0:
            el.text = rng.choice(TOKENS)
        elif op == 1 and len(el):
            el.remove(rng.choice(list(el)))
        elif op == 2:
            el.set(rng.choice(("version", "name", "id", "ref", "scope")), rng.choice(TOKENS))
        else:
            el.append(copy.deepcopy(rng.choice(elements)))
        return ET.tostring(root, encoding="unicode").encode("utf-8", "surrogatepass")
    tree = pickle.loads(pickle.dumps(tree))  # a copy, several times faster than deepcopy
    for _ in range(rng.choice((1, 1, 3))):
        nodes: list[tuple[object, object]] = []
        _nodes(tree, nodes)
        if not nodes:
            break
        container, key = rng.choice(nodes)
        op = rng.randrange(5)
        if op == 0 and isinstance(container, dict):
            del container[key]
        elif op == 1:
            container[key] = [container[key]]  # type: ignore[index]
        elif op == 2:
            container[key] = rng.choice(TOKENS)  # type: ignore[index]
        elif op == 3 and isinstance(container, dict):
            container[rng.choice(TOKENS)] = container[key]
        else:
            container[key] = copy.deepcopy(rng.choice(ODD_VALUES))  # type: ignore[index]
    if kind == "json":
        return json.dumps(tree, indent=rng.choice((None, 2))).encode("utf-8", "surrogatepass")
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump_all(tree, Dumper=dumper, allow_unicode=True).encode("utf-8", "surrogatepass")


MUTATORS: tuple[Callable[[random.Random, bytes, list[bytes]], bytes], ...] = (
    tree_mutate, tree_mutate, tree_mutate,
    flip_bytes, insert_token, delete_span, duplicate_span, truncate, splice, line_ops, nest, swap_value,
    swap_value, insert_token, line_ops,
)  # fmt: skip


def mutate(rng: random.Random, seed: str, pool: list[bytes]) -> str:
    """One fuzz input from ``seed``: one to four mutations, then decoded as the ingest would."""
    data = seed.encode("utf-8", "surrogatepass")
    for _ in range(rng.choice((1, 1, 2, 3, 4))):
        data = rng.choice(MUTATORS)(rng, data, pool)
    text = data.decode("utf-8", errors="replace")
    return text[1:] if text.startswith("\ufeff") else text


# ------------------------------------------------------------------------------------------- running


class Hang(Exception):
    """An input took longer than the budget."""


@contextlib.contextmanager
def _budget(seconds: float) -> Iterator[None]:
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def alarm(signum, frame):
        raise Hang(f"over {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check(loader: Loader, path: str, text: str, budget: float = 0) -> str | None:
    """None when ``loader`` handles ``text`` (records, or a ParseError); else what went wrong."""
    source = Source("fuzz", path, path)
    try:
        with _budget(budget):
            result = loader.parse(text, source, EMPTY_CONTEXT)
            if not isinstance(result, ParseResult):
                return f"returned {type(result).__name__}, not a ParseResult"
            for warning in result.warnings:
                str(warning)
    except (ParseError, RecursionError):
        return None
    except Hang as exc:
        return f"hang: {exc}"
    except Exception as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        where = next(
            (f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames) if "/loaders/" in f.filename), "?"
        )
        return f"{type(exc).__name__} at {where}: {str(exc)[:200]}"
    return None


@dataclass(slots=True)
class LoaderRun:
    """What fuzzing one loader found."""

    loader: str
    seeds: int
    inputs: int = 0
    seconds: float = 0.0
    failures: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)


def fuzz_loader(loader: Loader, seeds: list[Seed], inputs: int, rng: random.Random, budget: float = 0) -> LoaderRun:
    """``inputs`` mutated seeds through ``loader``; failures counted by kind, one example input each."""
    run = LoaderRun(loader.name, len(seeds))
    if not seeds:
        return run
    pool = [s.text.encode("utf-8", "surrogatepass") for s in seeds]
    started = time.perf_counter()
    for _ in range(inputs):
        seed = rng.choice(seeds)
        text = mutate(rng, seed.text, pool)
        problem = check(loader, seed.path, text, budget)
        run.inputs += 1
        if problem is not None:
            run.failures[problem] += 1
            run.examples.setdefault(problem, text)
    run.seconds = time.perf_counter() - started
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-loader", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=float, default=5.0, help="seconds one input may take")
    parser.add_argument("--loader", action="append", default=[], help="only these loaders (repeatable)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "out" / "fuzz.json")
    args = parser.parse_args(argv)
    seeds = collect_seeds((*PROJECT_SEED_ROOTS, args.corpus))
    out_dir = args.json.parent / "fuzz"
    total_inputs, total_failures, started = 0, 0, time.perf_counter()
    results = []
    print(f"{'loader':24} {'seeds':>6} {'inputs':>8} {'seconds':>8} {'inputs/s':>9} failures")
    for loader in LOADERS:
        if args.loader and loader.name not in args.loader:
            continue
        run = fuzz_loader(
            loader, seeds[loader.name], args.per_loader, random.Random(f"{args.seed}:{loader.name}"), args.budget
        )
        failures = sum(run.failures.values())
        total_inputs += run.inputs
        total_failures += failures
        rate = run.inputs / run.seconds if run.seconds else 0
        print(f"{run.loader:24} {run.seeds:6} {run.inputs:8} {run.seconds:8.1f} {rate:9.0f} {failures}", flush=True)
        for n, (problem, count) in enumerate(run.failures.most_common()):
            print(f"    {count:6} x {problem}")
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / f"{run.loader}-{n}.txt").write_text(
                run.examples[problem], encoding="utf-8", errors="surrogatepass"
            )
        results.append({"loader": run.loader, "seeds": run.seeds, "inputs": run.inputs, "seconds": round(run.seconds, 1),
                        "failures": dict(run.failures)})  # fmt: skip
    seconds = time.perf_counter() - started
    print(f"total: {total_inputs} inputs, {total_failures} failures, {seconds:.0f} s")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"seed": args.seed, "per_loader": args.per_loader, "inputs": total_inputs,
                                     "failures": total_failures, "seconds": round(seconds), "loaders": results}, indent=2))  # fmt: skip
    return 1 if total_failures else 0


if __name__ == "__main__":
    sys.exit(main())
