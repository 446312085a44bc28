"""How long loaders take on hostile or very large input (the figures unit tests must not assert).

Cases: a ``kubectl get -o json`` dump of 100,000 pods (500 services), a YAML alias bomb in a pnpm
lockfile (refused), and each bad Kubernetes manifest of ``tests/loaders/test_k8s_manifest.py``'s kind
(a warning, never a hang). Each case is parsed ``--runs`` times in this process; the figure is the
wall-clock time of ``Loader.parse`` alone (building the input text is not counted), best and median.

Usage::

    .venv/bin/python bench/loader_limits.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.deploy.k8s_manifest import K8sManifestLoader  # noqa: E402
from loaders.deploy.kubectl_dump import KubectlDumpLoader  # noqa: E402
from loaders.js.pnpm_lock import PnpmLockLoader  # noqa: E402
from planner.errors import ParseError  # noqa: E402
from planner.model import Source  # noqa: E402


def kubectl_dump_text(pods: int, services: int) -> str:
    """A ``kind: List`` dump of ``pods`` running pods spread over ``services`` app labels."""
    items = []
    for i in range(pods):
        items.append(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {
                    "name": f"svc{i % services}-abc12-x{i}",
                    "namespace": "prod",
                    "labels": {"app": f"svc{i % services}"},
                },
                "spec": {"containers": [{"name": "c", "image": "acme/svc:1"}]},
                "status": {"containerStatuses": [{"name": "c", "imageID": "acme/svc@sha256:" + "3" * 64}]},
            }
        )
    return json.dumps({"kind": "List", "items": items})


def alias_bomb_text() -> str:
    """Ten levels of ten aliases each: 10^10 nodes if expanded."""
    doc = ["lockfileVersion: '9.0'\n", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
    prev = "a"
    for name in "bcdefghijk":
        doc.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]\n")
        prev = name
    return "".join(doc)


def _cases() -> list[tuple[str, Callable[[], object]]]:
    dump = kubectl_dump_text(100_000, 500)
    dump_source = Source("r", "inventory/prod/pods.json", "inventory/prod/pods.json")
    bomb = alias_bomb_text()
    bomb_source = Source("r", "pnpm-lock.yaml", "pnpm-lock.yaml")
    deep = "apiVersion: v1\nkind: List\nitems:\n" + "  " * 0 + "- " * 2000 + "x\n"
    k8s_source = Source("r", "k8s/x.yaml", "k8s/x.yaml")

    def refused() -> object:
        try:
            PnpmLockLoader().parse(bomb, bomb_source)
        except ParseError as exc:
            return exc
        raise AssertionError("the alias bomb was not refused")

    return [
        ("kubectl dump, 100,000 pods / 500 services", lambda: KubectlDumpLoader().parse(dump, dump_source)),
        ("pnpm-lock.yaml alias bomb (refused)", refused),
        ("k8s manifest nested 2,000 deep", lambda: K8sManifestLoader().parse(deep, k8s_source)),
    ]


def main() -> None:
    """Print one line per case: best and median seconds of ``--runs`` parses."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for label, run in _cases():
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        print(f"{label:<45} best {min(times):8.3f} s   median {statistics.median(times):8.3f} s   ({args.runs} runs)")


if __name__ == "__main__":
    main()
