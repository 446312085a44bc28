"""Moving a version requirement as written (``^4.17.15``, ``>=2.25``, ``~1.2``, ``==2.25.1``, ``1.2``)
to a target version, keeping its operator: the edit a person would make, and Dependabot's rule for
security updates ("keep the requirement's style, raise its floor to the fix").

Anything more than one comparator (``>=1.2,<2``, ``||`` alternatives, wildcards, tags) is replaced
by the style's plain "at least the target" form (an upper bound is dropped), and the caller says so
in a note: whether the old upper bound still admits the fix is a question for a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: per requirement style: the operators that carry a floor and the form that means "target or later"
_AT_LEAST = {"npm": "^{v}", "cargo": "{v}", "pep440": ">={v}", "poetry": "^{v}", "exact": "{v}"}
_SINGLE = re.compile(r"^(\s*)(\^|~>|~=|~|>=|===|==|=|v)?(\s*)([0-9][0-9A-Za-z.+\-_!]*)(\s*)$")
_WILDCARD = re.compile(r"(^|\.)[xX*](\.|$)")


@dataclass(frozen=True, slots=True)
class Moved:
    """The new requirement text and whether its form had to change (not only its version)."""

    text: str
    rewritten: bool


def move(spec: str, target: str, style: str) -> Moved:
    """``spec`` moved to ``target`` in ``style`` (``npm``, ``cargo``, ``pep440``, ``poetry``, ``exact``)."""
    m = _SINGLE.match(spec)
    if m is not None and not _WILDCARD.search(m.group(4)):
        lead, op, gap, _version, trail = m.groups()
        op = op or ""
        if op in ("", "v") and style == "pep440":  # a bare PEP 440 version is not a requirement
            return Moved(f"{lead}=={target}{trail}", True)
        return Moved(f"{lead}{op}{gap}{target}{trail}", False)
    return Moved(_AT_LEAST[style].format(v=target), True)
