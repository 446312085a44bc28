"""Short human names for projects, plan steps and the change a step makes.

Step ids (``edit:acme-logging/logging-core#pkg:maven/com.acme.logging/logging-core``) are stable keys for
scripts and stay in the JSON; people read ``edit acme-logging/logging-core``. Every function here takes a
plan step either as a :class:`~planner.waves.Step` or as its JSON mapping (``depwave fix`` reads plans
from JSON).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from rich.cells import cell_len

from planner import purl as purls
from planner.render.layout import middle


def _get(step: Any, name: str) -> Any:
    return step.get(name) if isinstance(step, Mapping) else getattr(step, name, None)


def artifact(name: str) -> str:
    """The last part of a project or package name: ``com.acme.logging:logging-core`` -> ``logging-core``,
    ``github.com/acme/shop/src/cart`` -> ``cart``, ``github.com/acme/lib/v2`` -> ``lib/v2``; an npm scope is
    kept (``@acme/storefront``)."""
    if ":" in name:
        return name.rsplit(":", 1)[-1]
    if "/" not in name or (name.startswith("@") and name.count("/") == 1):
        return name
    parts = name.rstrip("/").split("/")
    if len(parts) > 1 and re.fullmatch(r"v\d+", parts[-1]):
        return "/".join(parts[-2:])
    return parts[-1]


def package_name(key: str) -> str:
    """A package purl as its short display name (``pkg:maven/org.apache.logging.log4j/log4j-core`` -> log4j-core)."""
    try:
        return artifact(purls.parse(key.split("#", 1)[-1]).display_name)
    except ValueError:
        return key


def project_label(name: str, repo: str | None, limit: int | None = None) -> str:
    """``repo/artifact``, or the artifact alone when it is the repository's name (``billing-service``).

    With ``limit``, a label longer than that has its repository cut in the middle (the artifact is kept)."""
    short = artifact(name)
    if not repo or short == repo:
        return short
    label = f"{repo}/{short}"
    if limit is not None and cell_len(label) > limit:
        room = max(8, limit - cell_len(short) - 1)
        label = f"{middle(repo, room)}/{short}"
    return label


def _unit(step: Any) -> str:
    names = str(_get(step, "name") or "").split(" + ")
    first = project_label(names[0], _get(step, "repo"))
    return " + ".join([first, *(artifact(n) for n in names[1:])])


def step_label(step: Any) -> str:
    """``edit acme-logging/logging-core``, ``deploy billing-service to prod``, ``decide legacy-reports``."""
    kind = str(_get(step, "kind"))
    if kind == "deploy":
        what = f"deploy {_get(step, 'service')} to {_get(step, 'environment')}"
    elif kind == "decide":
        what = f"decide {_get(step, 'name')}"
    else:
        what = f"{kind} {_unit(step)}"
    return f"clean-up: {what}" if _get(step, "phase") == "cleanup" else what


def edit_repo(step: Any, edit: Mapping[str, Any]) -> str:
    """The repository of the file an edit changes (the edit's own, else the step's)."""
    return str(edit.get("repo") or _get(step, "repo") or "")


def edit_where(step: Any, edit: Mapping[str, Any]) -> str:
    """``repo/file:line`` of an edit."""
    repo = edit_repo(step, edit)
    location = edit.get("location") or "(no file)"
    return f"{repo}/{location}" if repo else str(location)


def where_text(repo: str, places: Iterable[tuple[str, str]]) -> str | None:
    """``file:line`` of each place (repository, ``file:line``), comma-separated; each prefixed by its
    repository (``acme-parent: pom.xml:34``) when any is outside ``repo`` (the step's own)."""
    found = list(dict.fromkeys(places))
    if not found:
        return None
    if {r for r, _ in found} == {repo}:
        return ", ".join(loc for _, loc in found)
    return ", ".join(f"{r}: {loc}" for r, loc in found)


def step_where(step: Any) -> str | None:
    """Where a step changes files: its edits' ``file:line``, named by repository when they span several."""
    edits = [e for e in _get(step, "edits") or [] if e.get("location")]
    if not edits:
        return _get(step, "location")
    return where_text(str(_get(step, "repo") or ""), ((edit_repo(step, e), str(e["location"])) for e in edits))


_PINS = {
    "dependency-management": "pin in <dependencyManagement>",
    "gradle-constraint": "pin in a Gradle constraint",
    "npm-override": "pin in package.json overrides",
    "yarn-resolution": "pin in package.json resolutions",
    "pnpm-override": "pin in pnpm.overrides",
    "pip-constraint": "pin in a constraints file",
    "go-require": "require",
}
"""Override mechanisms (``planner.waves``) that pin the package in the consumer, in words."""


def change_words(step: Any, edit: Mapping[str, Any], package: str) -> str:
    """The change one edit makes, in words: ``<log4j2.version> 2.14.1 → 2.17.1``, ``log4j-core 2.14.1 → 2.17.1``."""
    mechanism = str(edit.get("mechanism") or "")
    old, new = edit.get("from"), edit.get("to")
    if edit.get("tool") == "go" and new:
        from planner.buildtools import go_version  # here: the dependents table never needs it

        new = go_version(str(new))  # as go.mod will say it, like ``from``
    arrow = f"{old} → {new}" if old else f"→ {new}"
    name = package_name(package)
    if mechanism == "property" and edit.get("property"):
        prop = edit["property"]
        text = f"<{prop}> {arrow}" if edit.get("tool") == "maven" else f"{prop} {arrow}"
        return f"override {text} (set by {edit['overrides']})" if edit.get("overrides") else text
    if mechanism == "direct-dependency":
        return f"{name} {arrow}"
    if mechanism == "propagate":
        providers = ", ".join(package_name(p) for p in edit.get("providers") or ()) or "the library that brings it"
        return f"bump {providers} to the new release (brings {name} {arrow})"
    if mechanism == "relock" and new:
        from planner.buildtools import relock_command

        command = relock_command(edit.get("tool"), purls.parse(package).display_name, str(new))
        return f"{command} ({name} {arrow} in the lockfile)"
    if mechanism in _PINS:
        text = f"{_PINS[mechanism]}: {name} {arrow}"
        return f"{text} (set by {edit['overrides']})" if edit.get("overrides") else text
    change = _get(step, "change")
    return str(change) if change else f"{mechanism or 'change'}: {name} {arrow}"
