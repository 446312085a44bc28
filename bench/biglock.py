"""Write a realistic, huge npm ``package-lock.json`` (lockfileVersion 3) for the big-file benchmark.

The shape follows real lockfiles (open-telemetry/opentelemetry-js, pypi/warehouse in the corpus): a
root entry with dependencies/devDependencies/peerDependencies/optionalDependencies, ``node_modules/X``
entries with version, resolved URL, sha512 integrity, license, engines, ``dev``/``optional``/``peer``
flags, their own dependency maps, and nested ``node_modules/X/node_modules/Y`` entries for version
conflicts (about one entry in four is nested, up to three levels deep), some scoped (``@scope/x``).

Seeded and deterministic: the same ``--mb`` and ``--seed`` give the same bytes.

    python bench/biglock.py /tmp/biglock/100mb --mb 100        # writes /tmp/biglock/100mb/package-lock.json
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import random
from pathlib import Path

#: bytes one package entry takes on average (measured on the output): used to pick the entry count
_BYTES_PER_ENTRY = 535


def _name(rng: random.Random, i: int) -> str:
    stem = f"pkg-{i:07d}-{rng.choice(('core', 'util', 'parse', 'http', 'types', 'lite', 'plugin'))}"
    return f"@scope{i % 97}/{stem}" if i % 5 == 0 else stem


def _version(rng: random.Random) -> str:
    return f"{rng.randint(0, 12)}.{rng.randint(0, 30)}.{rng.randint(0, 40)}"


def _integrity(text: str) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(text.encode()).digest()).decode()


def _entry(rng: random.Random, name: str, version: str, names: list[str]) -> dict[str, object]:
    short = name.rsplit("/", 1)[-1]
    entry: dict[str, object] = {
        "version": version,
        "resolved": f"https://registry.npmjs.org/{name}/-/{short}-{version}.tgz",
        "integrity": _integrity(f"{name}@{version}"),
        "license": rng.choice(("MIT", "ISC", "Apache-2.0", "BSD-3-Clause")),
    }
    flag = rng.random()
    if flag < 0.35:
        entry["dev"] = True
    elif flag < 0.40:
        entry["optional"] = True
    elif flag < 0.43:
        entry["peer"] = True
    elif flag < 0.46:
        entry["devOptional"] = True
    deps = {d: f"^{_version(rng)}" for d in rng.sample(names, min(len(names), rng.randint(0, 6)))}
    if deps:
        entry["dependencies"] = dict(sorted(deps.items()))
    if rng.random() < 0.1:
        entry["peerDependencies"] = {rng.choice(names): f">={_version(rng)}"}
    if rng.random() < 0.05:
        entry["optionalDependencies"] = {rng.choice(names): f"~{_version(rng)}"}
    if rng.random() < 0.3:
        entry["engines"] = {"node": f">={rng.randint(10, 20)}"}
    return entry


def generate(mb: float, seed: int = 42) -> dict[str, object]:
    """A lockfile of about ``mb`` megabytes, as a JSON-ready dict."""
    rng = random.Random(seed)
    count = max(10, int(mb * 1_000_000 / _BYTES_PER_ENTRY))
    top = max(10, int(count * 0.75))
    names = [_name(rng, i) for i in range(top)]
    packages: dict[str, object] = {
        "": {
            "name": "big-app",
            "version": "1.0.0",
            "license": "UNLICENSED",
            "dependencies": {n: f"^{_version(rng)}" for n in names[:200]},
            "devDependencies": {n: f"^{_version(rng)}" for n in names[200:300]},
            "peerDependencies": {n: f">={_version(rng)}" for n in names[300:310]},
            "optionalDependencies": {n: f"~{_version(rng)}" for n in names[310:320]},
        }
    }
    for name in names:
        packages[f"node_modules/{name}"] = _entry(rng, name, _version(rng), names)
    nested = 0
    while len(packages) - 1 < count:  # version conflicts: node_modules/a/node_modules/b[/node_modules/c]
        path = f"node_modules/{rng.choice(names)}"
        for _ in range(rng.randint(1, 3)):
            path += f"/node_modules/{rng.choice(names)}"
        if path in packages:
            continue
        packages[path] = _entry(rng, path.rsplit("node_modules/", 1)[1], _version(rng), names)
        nested += 1
    return {"name": "big-app", "version": "1.0.0", "lockfileVersion": 3, "requires": True, "packages": packages}


def main() -> None:
    """Command line: write ``OUT/package-lock.json`` and ``OUT/package.json``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="directory to write package-lock.json into")
    ap.add_argument("--mb", type=float, default=10.0, help="approximate size in megabytes")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    doc = generate(args.mb, args.seed)
    lock = args.out / "package-lock.json"
    with lock.open("w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2)
        fh.write("\n")
    (args.out / "package.json").write_text(json.dumps({"name": "big-app", "version": "1.0.0"}) + "\n")
    entries = len(doc["packages"]) - 1  # type: ignore[arg-type]
    print(f"{lock}: {lock.stat().st_size:,} bytes, {entries:,} package entries")


if __name__ == "__main__":
    main()
