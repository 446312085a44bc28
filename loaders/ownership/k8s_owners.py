"""Kubernetes-style ``OWNERS`` files (YAML): the approvers of a directory.

Each file becomes rules for its own directory, pattern ``/<dir>/`` (``*`` at the repository root)
in CODEOWNERS syntax so the linker matches them the same way. Owners are inherited from parent
directories in this scheme, so every OWNERS file is its own ``section`` (``OWNERS:<dir>``): the
linker unions the sections that match, which is that inheritance. ``approvers`` own;
``reviewers`` do not. ``filters`` with the catch-all ``.*`` count like top-level approvers; other
filters (per file-name regular expressions) are reported and skipped. ``options.no_parent_owners``
cannot be expressed as rules and is reported. Aliases (``OWNERS_ALIASES``) are kept as written.
"""

from __future__ import annotations

import posixpath

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
from loaders.deploy.yaml_docs import line_of, read_documents
from loaders.ownership.codeowners import owner_of
from planner.model import Location, Owner, OwnershipRule, ParseResult, ParseWarning, Record, Source


def _owner(name: str) -> Owner:
    token = name if name.startswith("@") or "@" in name else f"@{name}"
    return owner_of(token) or Owner(token, name, "user")


class K8sOwnersLoader(Loader):
    """Approvers from Kubernetes ``OWNERS`` files."""

    name = "k8s-owners"
    file_names = frozenset({"OWNERS"})

    def matches(self, path: str) -> bool:
        """A file named ``OWNERS``."""
        return posixpath.basename(path) == "OWNERS"

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """One rule per approver for this directory."""
        result = ParseResult()
        docs = read_documents(text, source, result.warnings)
        if not docs or not isinstance(docs[0].value, dict):
            return result
        data = docs[0].value
        directory = source.directory
        pattern = "*" if directory == "." else f"/{directory}/"
        section = f"OWNERS:{directory}"
        approvers: list[tuple[str, int | None]] = []
        value = data.get("approvers")
        if isinstance(value, list):
            approvers += [(str(v), line_of(value, i)) for i, v in enumerate(value) if isinstance(v, str | int)]
        filters = data.get("filters")
        if isinstance(filters, dict):
            for regex, body in filters.items():
                if not isinstance(body, dict) or not isinstance(body.get("approvers"), list):
                    continue
                if regex == ".*":
                    lst = body["approvers"]
                    approvers += [(str(v), line_of(lst, i)) for i, v in enumerate(lst) if isinstance(v, str)]
                else:
                    result.warnings.append(
                        ParseWarning(source.display, line_of(filters, regex), f"filter {regex!r} (per file) skipped")
                    )
        options = data.get("options")
        if isinstance(options, dict) and options.get("no_parent_owners"):
            result.warnings.append(
                ParseWarning(
                    source.display,
                    line_of(options, "no_parent_owners"),
                    "no_parent_owners: parent directories' approvers are still applied",
                )
            )
        records: list[Record] = []
        for order, (name, line) in enumerate(approvers, 1):
            o = _owner(name.strip())
            records += [o, OwnershipRule(o.key, source.repo, pattern, order, section, Location(source.path, line))]
        result.extend(dict.fromkeys(records))
        return result
