"""CODEOWNERS (GitHub and GitLab): one ``OwnershipRule`` per rule, in file order.

Where the file lives (root, ``.github/``, ``docs/``, ``.gitlab/``) does not change its patterns:
they are relative to the repository root. Owners are ``@org/team`` (kind ``team``), ``@user``
(``user``), e-mail addresses (``email``) and GitLab ``@@role`` (``role``). GitLab sections
(``[Section]``, ``^[Optional]``, ``[Section][2]``, with default owners after the header) set
``section``; GitHub files have no section. A rule **without owners** (it removes ownership for
what it matches, since the last match wins) is kept with the pseudo-owner ``(unowned)``
(kind ``none``) so that the linker applies it like GitHub does.

The matching itself (gitignore-like, last match wins, per section) is done by the linker,
:func:`planner.link.codeowners_match`.
"""

from __future__ import annotations

import posixpath
import re

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
from planner.model import Location, Owner, OwnershipRule, ParseResult, ParseWarning, Record, Source

UNOWNED = Owner("(unowned)", "(unowned)", "none")
_SECTION = re.compile(r"^\^?\[([^\]]+)\](?:\[(\d+)\])?\s*(.*)$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_RULES = 100_000


def owner_of(token: str) -> Owner | None:
    """The Owner an owner token names, or None when it is not one."""
    if token.startswith("@@") and len(token) > 2:
        return Owner(token, token[2:], "role")
    if token.startswith("@") and len(token) > 1:
        name = token[1:]
        return Owner(token, name, "team" if "/" in name else "user")
    if _EMAIL.match(token):
        return Owner(token.lower(), token, "email")
    return None


def split_rule(line: str) -> tuple[str, list[str]]:
    """``(pattern, owner tokens)`` of one rule line: ``\\ `` and ``\\#`` escapes in the pattern, and
    an unescaped `` #`` starting a trailing comment."""
    pattern = []
    i = 0
    while i < len(line) and not line[i].isspace():
        if line[i] == "\\" and i + 1 < len(line):
            pattern.append(line[i + 1])
            i += 2
            continue
        pattern.append(line[i])
        i += 1
    owners = []
    for tok in line[i:].split():
        if tok.startswith("#"):
            break
        owners.append(tok)
    return "".join(pattern), owners


class CodeownersLoader(Loader):
    """Ownership rules from CODEOWNERS files."""

    name = "codeowners"
    file_names = frozenset({"CODEOWNERS"})

    def matches(self, path: str) -> bool:
        """A file named ``CODEOWNERS``."""
        return posixpath.basename(path) == "CODEOWNERS"

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Owners and their rules, in order."""
        result = ParseResult()
        records: list[Record] = []
        section: str | None = None
        section_owners: list[str] = []
        order = 0
        for n, raw in enumerate(text.split("\n"), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            m = _SECTION.match(line)
            if m:
                rest = m.group(3).split("#", 1)[0].split()
                if all(owner_of(t) for t in rest):  # else a pattern starting with a [class]
                    section = m.group(1).strip()
                    section_owners = rest
                    continue
            pattern, tokens = split_rule(line)
            owners = tokens or section_owners
            if order >= MAX_RULES:
                result.warnings.append(ParseWarning(source.display, n, f"more than {MAX_RULES:,} rules; rest ignored"))
                break
            order += 1
            parsed = []
            for tok in owners:
                o = owner_of(tok)
                if o is None:
                    result.warnings.append(ParseWarning(source.display, n, f"{tok!r} is not an owner; ignored"))
                else:
                    parsed.append(o)
            if not parsed:
                parsed = [UNOWNED]
            for o in parsed:
                records.append(o)
                records.append(OwnershipRule(o.key, source.repo, pattern, order, section, Location(source.path, n)))
        result.extend(dict.fromkeys(records))
        return result
