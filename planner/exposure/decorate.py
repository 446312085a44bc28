"""Decoration: what a responder needs beside the verdict, read after the rules ran — each project's kind,
ecosystem and repository, the services that run it (per environment) and its owners."""

from __future__ import annotations

from typing import Any

from planner import environments
from planner.exposure.report import ProjectExposure
from planner.store.base import PlainParam, Store


def decorate(store: Store, projects: list[ProjectExposure]) -> dict[str, dict[str, Any]]:
    """Fill in ``kind``, ``ecosystem``, ``repo`` (when unknown), ``services`` and ``owners``; the projects'
    ``get_projects`` rows by key (the planner reads their directories and versions too)."""
    keys = PlainParam(sorted({p.project for p in projects}))  # strings only: the store may render it faster
    if not keys:
        return {}
    info = {r["key"]: r for r in store.query("get_projects", {"keys": keys})}
    services: dict[str, list[dict[str, Any]]] = {}
    for row in store.query("list_project_deployments", {"keys": keys}):
        service = {k: row.get(k) for k in ("service", "name", "environment", "image", "origin")}
        service["environment"] = environments.normalise(service["environment"])
        services.setdefault(row["project"], []).append(service)
    owners: dict[str, dict[str, list[str]]] = {}
    for row in store.query("list_project_owners", {"keys": keys}):
        owners.setdefault(row["project"], {}).setdefault(row["via"], []).append(row["owner"])
    for p in projects:
        meta = info.get(p.project, {})
        p.kind = meta.get("kind")
        p.ecosystem = meta.get("ecosystem")
        p.repo = p.repo or meta.get("repo")
        p.services = services.get(p.project, [])
        by = owners.get(p.project, {})
        p.owners = sorted(set(by.get("project") or by.get("repo") or []))
    return info
