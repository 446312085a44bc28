"""The syntax shared by ``go.mod`` and ``go.work`` (golang.org/x/mod/modfile), with line numbers.

A file is a sequence of directives ``verb arg...``; a verb may open a block ``verb (`` whose lines
each carry the verb's arguments until ``)``. ``//`` starts a comment (outside quoted strings);
a trailing ``// indirect`` (or ``// indirect; ...``) marks an indirect requirement. Arguments are
bare tokens, ``"interpreted"`` or `` `raw` `` strings, and the ``=>`` arrow of ``replace``.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
from dataclasses import dataclass

from planner import purl as purls
from planner.errors import ParseError
from planner.model import ParseWarning, Source

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`|=>|[()]|//.*|[^\s()"`]+?(?==>|//|[\s()"`]|$)|\S')
GO_MOD_VERBS = frozenset(
    {"module", "go", "toolchain", "godebug", "require", "exclude", "replace", "retract", "tool", "ignore"}
)
GO_WORK_VERBS = frozenset({"go", "toolchain", "godebug", "use", "replace"})


@dataclass(frozen=True, slots=True)
class Directive:
    """One directive line: its verb, its arguments (strings unquoted), its line and trailing comment."""

    verb: str
    args: tuple[str, ...]
    line: int
    comment: str = ""

    @property
    def indirect(self) -> bool:
        """Whether the trailing comment marks an indirect requirement."""
        c = self.comment.strip()
        return c == "indirect" or c.startswith("indirect;")


def _unquote(token: str, source: Source, line: int) -> str:
    if token.startswith("`"):
        return token[1:-1]
    if token.startswith('"'):
        try:
            value = json.loads(token)
        except ValueError:
            raise ParseError(source.display, line, f"invalid quoted string {token}") from None
        return str(value)
    return token


def parse_directives(text: str, source: Source, verbs: frozenset[str], warn: list[ParseWarning]) -> list[Directive]:
    """Parse the text into directives; structural errors raise ``ParseError`` with the line."""
    out: list[Directive] = []
    block: tuple[str, int] | None = None
    unknown: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        if "\x00" in raw:
            raise ParseError(source.display, number, "binary data in a Go module file")
        tokens = _TOKEN.findall(raw)
        comment = ""
        if tokens and tokens[-1].startswith("//"):
            comment = tokens.pop()[2:]
        if not tokens:
            continue
        for tok in tokens:
            if (tok.startswith('"') and (len(tok) < 2 or not tok.endswith('"'))) or (
                tok.startswith("`") and (len(tok) < 2 or not tok.endswith("`"))
            ):
                raise ParseError(source.display, number, "unterminated quoted string")
        if block is not None:
            if tokens == [")"]:
                block = None
                continue
            if "(" in tokens or ")" in tokens:
                raise ParseError(source.display, number, f"unexpected parenthesis inside the {block[0]} block")
            out.append(Directive(block[0], tuple(_unquote(t, source, number) for t in tokens), number, comment))
            continue
        verb = tokens[0]
        if verb in ("(", ")") or verb.startswith(('"', "`")):
            raise ParseError(source.display, number, f"unexpected {verb!r}: expected a directive")
        if verb not in verbs:
            unknown.setdefault(verb, number)
        rest = tokens[1:]
        if rest == ["("]:
            block = (verb, number)
            continue
        if rest == ["(", ")"]:
            continue
        if "(" in rest or ")" in rest:
            raise ParseError(source.display, number, f"unexpected parenthesis in the {verb} directive")
        out.append(Directive(verb, tuple(_unquote(t, source, number) for t in rest), number, comment))
    if block is not None:
        raise ParseError(source.display, block[1], f"the {block[0]} block opened here is never closed")
    for verb, number in sorted(unknown.items(), key=lambda kv: kv[1]):
        warn.append(ParseWarning(source.display, number, f"unknown directive {verb!r} ignored"))
    return [d for d in out if d.verb in verbs]


def module_path(text: str) -> str | None:
    """The ``module`` path of a go.mod text, or None (never raises: for reading other modules)."""
    for raw in text.splitlines():
        tokens = _TOKEN.findall(raw)
        if len(tokens) >= 2 and tokens[0] == "module":
            tok = tokens[1]
            if tok.startswith(('"', "`")):
                tok = tok[1:-1]
            return tok or None
        if len(tokens) >= 2 and tokens[0] == "module" and tokens[1] == "(":
            return None
    return None


def is_local_path(path: str) -> bool:
    """A replacement target that is a directory (``./x``, ``../x``, ``/abs``, ``C:\\x``), not a module."""
    return (
        path.startswith(("./", "../", "/", ".\\", "..\\")) or path in (".", "..") or bool(re.match(r"^[A-Za-z]:", path))
    )


@functools.lru_cache(maxsize=65536)
def go_purl(path: str, version: str | None = None) -> purls.Purl:
    """``pkg:golang/<module path>@<version>``; the major-version suffix (``/v3``) is part of the path."""
    namespace, _, name = path.rpartition("/")
    return purls.build("golang", namespace or None, name, version)


def join_dir(directory: str, relative: str) -> str | None:
    """The repo-relative directory ``relative`` points at from ``directory``; None if it leaves the repo."""
    rel = relative.replace("\\", "/")
    if rel.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join("" if directory == "." else directory, rel))
    if joined == ".." or joined.startswith("../"):
        return None
    return joined or "."


@dataclass(frozen=True, slots=True)
class Replace:
    """``old [version] => new [version]``; ``new`` is a directory when ``new_version`` is None."""

    old: str
    old_version: str | None
    new: str
    new_version: str | None
    line: int

    @property
    def local(self) -> bool:
        """Whether the replacement is a directory rather than a module."""
        return self.new_version is None

    @property
    def spec(self) -> str:
        """The directive as written, without the verb."""
        left = f"{self.old} {self.old_version}" if self.old_version else self.old
        right = f"{self.new} {self.new_version}" if self.new_version else self.new
        return f"{left} => {right}"


def parse_replace(d: Directive, source: Source, warn: list[ParseWarning]) -> Replace | None:
    """Read a ``replace`` directive; a malformed one is a warning and None."""
    args = list(d.args)
    if "=>" not in args:
        warn.append(ParseWarning(source.display, d.line, "replace without '=>' ignored"))
        return None
    i = args.index("=>")
    left, right = args[:i], args[i + 1 :]
    if len(left) not in (1, 2) or len(right) not in (1, 2):
        warn.append(ParseWarning(source.display, d.line, "malformed replace directive ignored"))
        return None
    if len(right) == 1 and not is_local_path(right[0]):
        warn.append(
            ParseWarning(source.display, d.line, f"replacement {right[0]!r} is neither a directory nor module@version")
        )
        return None
    if len(right) == 2 and is_local_path(right[0]):
        warn.append(ParseWarning(source.display, d.line, f"a directory replacement ({right[0]}) takes no version"))
        return None
    return Replace(
        left[0], left[1] if len(left) == 2 else None, right[0], right[1] if len(right) == 2 else None, d.line
    )
