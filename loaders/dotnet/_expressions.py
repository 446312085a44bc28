"""MSBuild properties and conditions: ``$(X)`` expansion and the three-valued ``Condition`` reading."""

from __future__ import annotations

import re
from dataclasses import dataclass

from planner.model import Location

MAX_VALUE = 10_000  # characters of one expanded property: ``$(A)$(A)`` chains double at each step
MAX_CONDITION_DEPTH = 64
MAX_TOKENS = 2_000  # of one condition

#: set by the build, not the files: unknown in a condition unless a file defines them
_BUILD_TIME = frozenset(
    {
        "configuration",
        "platform",
        "targetframework",
        "targetframeworkidentifier",
        "targetframeworkversion",
        "targetplatformidentifier",
        "runtimeidentifier",
        "os",
        "buildinginsidevisualstudio",
        "designtimebuild",
        "continuousintegrationbuild",
        "ci",
        "tf_build",
        "github_actions",
        "officialbuild",
        "msbuildruntimetype",
        "netcoresdkversion",
    }
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")

# -- properties and expansion -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prop:
    """A property: its expanded value (None when not static), the text as written, where it is set."""

    value: str | None
    raw: str
    origin: Location | None


@dataclass(frozen=True, slots=True)
class Expanded:
    """The result of expanding ``$(...)`` in a text."""

    text: str | None  # None: some part is not static
    origin: Location | None = None  # where the first property it uses is set


def _balanced(text: str, start: int) -> int:
    """The index just past the ``)`` closing the ``(`` at ``start`` (len(text) when unbalanced)."""
    depth = 0
    quote = ""
    for i in range(start, len(text)):
        c = text[i]
        if quote:
            if c == quote:
                quote = ""
        elif c in "'`\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def expand(raw: str, props: dict[str, Prop], *, undefined: str | None = None) -> Expanded:
    """Expand ``$(Name)`` references; ``undefined`` is what an undefined property expands to
    (None: the result is not static). Property functions and item references are never static."""
    if "$(" not in raw and "@(" not in raw and "%(" not in raw:
        return Expanded(raw)
    if "@(" in raw or "%(" in raw:
        return Expanded(None)
    out: list[str] = []
    origin: Location | None = None
    static = True
    i = 0
    size = 0
    while i < len(raw):
        j = raw.find("$(", i)
        if j < 0:
            out.append(raw[i:])
            break
        out.append(raw[i:j])
        end = _balanced(raw, j + 1)
        inner = raw[j + 2 : end - 1].strip() if end <= len(raw) and raw[end - 1 : end] == ")" else None
        i = end
        if inner is None or not _NAME.fullmatch(inner):
            static = False
            continue
        name = inner.lower()
        prop = props.get(name)
        if prop is None:
            if undefined is None or name in _BUILD_TIME:
                static = False
                continue
            value = undefined
        else:
            if prop.value is None:
                static = False
                continue
            value = prop.value
            origin = origin or prop.origin
        size += len(value)
        if size > MAX_VALUE:
            return Expanded(None)
        out.append(value)
    return Expanded("".join(out) if static else None, origin)


# -- conditions --------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(==|!=|<=|>=|<|>|\(|\)|!)|('[^']*')|(\$\()|([^\s()!=<>']+))", re.DOTALL)


class _Unknown(Exception):
    """The condition cannot be read (syntax beyond this evaluator)."""


class _Condition:
    """A recursive-descent reader of MSBuild condition expressions, three-valued (None = unknown)."""

    def __init__(self, text: str, props: dict[str, Prop]) -> None:
        self.props = props
        self.tokens: list[str] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None:
                if text[pos:].isspace():
                    break
                raise _Unknown(text)
            if len(self.tokens) > MAX_TOKENS:
                raise _Unknown("too long")
            if m.group(3):  # an unquoted $(...) operand
                start = m.start(3)
                end = _balanced(text, start + 1)
                self.tokens.append("'" + text[start:end] + "'")
                pos = end
                continue
            self.tokens.append(m.group(1) or m.group(2) or m.group(4))
            pos = m.end()
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise _Unknown("unexpected end")
        self.i += 1
        return tok

    def run(self) -> bool | None:
        if not self.tokens:
            return True
        value = self.disjunction(0)
        if self.peek() is not None:
            raise _Unknown("trailing tokens")
        return _as_bool(value)

    def disjunction(self, depth: int) -> bool | str | None:
        left = self.conjunction(depth)
        while (self.peek() or "").lower() == "or":
            self.take()
            right = _as_bool(self.conjunction(depth))
            lb = _as_bool(left)
            left = True if (lb is True or right is True) else (None if (lb is None or right is None) else False)
        return left

    def conjunction(self, depth: int) -> bool | str | None:
        left = self.negation(depth)
        while (self.peek() or "").lower() == "and":
            self.take()
            right = _as_bool(self.negation(depth))
            lb = _as_bool(left)
            left = False if (lb is False or right is False) else (None if (lb is None or right is None) else True)
        return left

    def negation(self, depth: int) -> bool | str | None:
        if self.peek() == "!":
            if depth > MAX_CONDITION_DEPTH:
                raise _Unknown("nested too deeply")
            self.take()
            value = _as_bool(self.negation(depth + 1))
            return None if value is None else not value
        return self.comparison(depth)

    def comparison(self, depth: int) -> bool | str | None:
        left = self.operand(depth)
        op = self.peek()
        if op not in ("==", "!=", "<", ">", "<=", ">="):
            return left
        self.take()
        right = self.operand(depth)
        if left is None or right is None or isinstance(left, bool) or isinstance(right, bool):
            return None
        if op in ("==", "!="):
            return (left.lower() == right.lower()) == (op == "==")
        try:
            a, b = float(left), float(right)
        except ValueError:
            return None
        return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]

    def operand(self, depth: int) -> bool | str | None:
        if depth > MAX_CONDITION_DEPTH:
            raise _Unknown("nested too deeply")
        tok = self.take()
        if tok == "(":
            value = self.disjunction(depth + 1)
            if self.take() != ")":
                raise _Unknown("unbalanced")
            return value
        if tok.startswith("'"):
            return expand(tok[1:-1], self.props, undefined="").text
        if self.peek() == "(":  # a function: Exists(), HasTrailingSlash() ... depends on the disk
            self.take()
            level = 1
            while level:
                t = self.take()
                level += {"(": 1, ")": -1}.get(t, 0)
            return None
        if tok in (")", "!", "==", "!=", "<", ">", "<=", ">="):
            raise _Unknown("operator where an operand belongs")
        return expand(tok, self.props, undefined="").text


def _as_bool(value: bool | str | None) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    low = value.strip().lower()
    if low in ("true", "on", "yes"):
        return True
    if low in ("false", "off", "no"):
        return False
    return None


def evaluate_condition(text: str, props: dict[str, Prop]) -> bool | None:
    """True/False when a condition is static under ``props``, None when it depends on the build."""
    try:
        return _Condition(text, props).run()
    except _Unknown:
        return None
