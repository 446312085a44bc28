"""The files of bench/synth.py's organisation: one project's CycloneDX SBOM text and a service's
Dockerfile, skaffold.yaml and prod Deployment."""

from __future__ import annotations

import hashlib
import random
import uuid

from synth_model import Pool, ProjectSpec

REGISTRY = "registry.synth.io"

_SCOPE_CUM = (0.92, 0.97)  # required | optional | excluded


def deploy_files(name: str) -> dict[str, str]:
    """A service's Dockerfile, skaffold.yaml and prod Deployment (the repository root is the project)."""
    image = f"{REGISTRY}/{name}"
    return {
        "Dockerfile": (
            "FROM eclipse-temurin:17-jre\n"
            "WORKDIR /app\n"
            f"COPY target/{name}.jar /app/{name}.jar\n"
            f'ENTRYPOINT ["java", "-jar", "/app/{name}.jar"]\n'
        ),
        "skaffold.yaml": (
            "apiVersion: skaffold/v4beta6\n"
            "kind: Config\n"
            f"metadata:\n  name: {name}\n"
            f"build:\n  artifacts:\n  - image: {image}\n    context: .\n"
            "manifests:\n  rawYaml:\n  - deploy/prod/deployment.yaml\n"
        ),
        "deploy/prod/deployment.yaml": (
            "apiVersion: apps/v1\n"
            "kind: Deployment\n"
            f"metadata:\n  name: {name}\n  namespace: prod\n  labels:\n    app: {name}\n"
            f"spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: {name}\n"
            f"  template:\n    metadata:\n      labels:\n        app: {name}\n"
            f"    spec:\n      containers:\n      - name: server\n        image: {image}:1.0.0\n"
            "        ports:\n        - containerPort: 8080\n"
        ),
    }


def sbom_text(pool: Pool, s: ProjectSpec, group: str, seed: int) -> tuple[str, int, list[tuple[int, str, int]]]:
    """The CycloneDX JSON text of one project, its component count and the (package id, version, dependency
    package id) pairs its ``dependencies`` state."""
    rnd = random.Random(f"{seed}:{s.idx}").random  # per project, so scopes do not depend on order
    root = f"pkg:maven/{group}/{s.name}@1.0.0?type=jar"
    serial = uuid.UUID(hashlib.sha256(f"{seed}:{s.idx}".encode()).hexdigest()[:32], version=4)
    purl_of = {pid: f"{pool.purl(pid, v)}?type=jar" for pid, v in s.comps.items()}
    out = [
        "{",
        '  "bomFormat" : "CycloneDX",',
        '  "specVersion" : "1.5",',
        f'  "serialNumber" : "urn:uuid:{serial}",',
        '  "version" : 1,',
        '  "metadata" : {',
        '    "timestamp" : "2024-05-14T09:12:44Z",',
        '    "component" : {',
        f'      "type" : "{s.kind}",',
        f'      "bom-ref" : "{root}",',
        f'      "group" : "{group}",',
        f'      "name" : "{s.name}",',
        '      "version" : "1.0.0",',
        f'      "purl" : "{root}"',
        "    }",
        "  },",
        '  "components" : [',
    ]
    items = sorted(s.comps.items(), key=lambda kv: purl_of[kv[0]])
    last = len(items) - 1
    for i, (pid, v) in enumerate(items):
        r = rnd()
        scope = "required" if r < _SCOPE_CUM[0] else "optional" if r < _SCOPE_CUM[1] else "excluded"
        p = purl_of[pid]
        out.append(
            f'    {{ "type" : "library", "bom-ref" : "{p}", "group" : "{pool.group[pid]}", '
            f'"name" : "{pool.name[pid]}", "version" : "{v}", "scope" : "{scope}", '
            f'"purl" : "{p}" }}{"," if i < last else ""}'
        )
    out.append("  ],")
    out.append('  "dependencies" : [')
    direct = sorted(purl_of[d] for d in s.direct if d in purl_of)
    entries = [f'    {{ "ref" : "{root}", "dependsOn" : [ {", ".join(_q(d) for d in direct)} ] }}']
    stated: list[tuple[int, str, int]] = []
    for pid, v in items:
        deps = sorted(purl_of[d] for d in pool.deps[pid] if d in purl_of)
        stated += [(pid, v, d) for d in pool.deps[pid] if d in purl_of]
        entries.append(f'    {{ "ref" : "{purl_of[pid]}", "dependsOn" : [ {", ".join(_q(d) for d in deps)} ] }}')
    out.append(",\n".join(entries))
    out.append("  ]")
    out.append("}")
    return "\n".join(out) + "\n", len(items), stated


def _q(s: str) -> str:
    return f'"{s}"'
