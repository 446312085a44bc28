"""What the planner needs to know about one project (or one untraced service): the typed hand-off from
the exposure report to :mod:`planner.waves`. The planner's input graph carries it as node attributes
(:meth:`PlanNode.attrs`), the names :mod:`planner.waves` reads and validates."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class PlanNode:
    """One node of the planner's input graph."""

    name: str
    repo: str | None
    kind: str  # application | library | service | test | unknown
    ecosystem: str | None  # purl type
    exposure: str  # direct | transitive | test-only | unknown
    deployments: tuple[tuple[str, str], ...] = ()  # (service, environment)
    owners: tuple[str, ...] = ()
    #: whether the images it runs are traced to a project (False for an untraced first-party service)
    image_traceable: bool = True
    vulnerable_version: str | None = None
    edit_location: str | None = None  # file:line to change
    edit_kind: str | None = None  # property | managed | direct-dependency | lockfile-only
    property: str | None = None  # the property to change when edit_kind is property (``log4j2.version``)
    #: the tool of the lockfile that resolves it (pnpm for a pnpm workspace member, whose own file is a
    #: package.json); None: the planner takes the tool its edit location's file names
    build_tool: str | None = None
    #: where a POM of another repository sets the version (a parent's property, ``acme-parent/pom.xml:9``,
    #: or a managed version there): the edit overrides it in the project's own POM
    version_from: str | None = None
    publishes: str | None = None  # the package it publishes to consumers outside its build
    direct: bool = False  # it declares the package itself
    called: bool = False  # its code calls the vulnerable symbols (reachability)
    path: str | None = None  # its directory in the repository
    build_unit: str | None = None  # the build it is built with (:mod:`planner.build_units`)
    build_root: str | None = None

    def attrs(self) -> dict[str, Any]:
        """The node attributes of the planner's input graph (lists where the graph contract has lists)."""
        out = {name: getattr(self, name) for name in _FIELDS}  # every field is a scalar but these two
        out["deployments"] = [tuple(d) for d in self.deployments]
        out["owners"] = list(self.owners)
        return out


#: the field names, in order (what :func:`dataclasses.asdict` gives, without its deep copy of every value)
_FIELDS = tuple(f.name for f in fields(PlanNode))
