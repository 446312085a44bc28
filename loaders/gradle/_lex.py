"""A tolerant tokenizer for Gradle build scripts, Groovy and Kotlin DSL alike.

Gradle scripts are programs; depwave never runs them. This module turns a script into tokens
(identifiers, strings with their ``$x`` / ``${expr}`` templates, numbers and punctuation, newlines
kept because Groovy's command syntax ends a statement at the end of a line) and pairs brackets,
so that the loaders can find ``dependencies { ... }`` blocks and read the calls inside them.

Comments are dropped; brackets inside strings and comments do not count. Whatever is malformed
(an unterminated string or comment, a brace that closes nothing or is never closed) becomes a
warning with its line, and the tokens read so far are kept.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

IDENT = "ident"
STRING = "string"
NUMBER = "number"
PUNCT = "punct"
NL = "nl"

_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {")": "(", "]": "[", "}": "{"}
_IDENT_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_IDENT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789")
_BRACKET_NAMES = {"{": "braces", "(": "parentheses", "[": "brackets"}


@dataclass(frozen=True, slots=True)
class Part:
    """One piece of a string literal: literal text, or a template expression (``$x``, ``${x.y()}``)."""

    text: str
    is_expr: bool = False


@dataclass(frozen=True, slots=True)
class Token:
    """A token with its kind, its text as written, its offset and, for strings, its parts."""

    kind: str
    text: str
    offset: int
    parts: tuple[Part, ...] = ()

    @property
    def is_static_string(self) -> bool:
        """A string literal without templates."""
        return self.kind == STRING and not any(p.is_expr for p in self.parts)

    @property
    def value(self) -> str:
        """The literal text of a string without templates (templates kept as written)."""
        return "".join(p.text if not p.is_expr else "${" + p.text + "}" for p in self.parts)


@dataclass(slots=True)
class Script:
    """A tokenized script: tokens, the index of each bracket's partner, and line lookup."""

    text: str
    tokens: list[Token]
    match: list[int]  # index of the partner bracket; -1 for non-brackets; len(tokens) when never closed
    problems: list[tuple[int, str]] = field(default_factory=list)  # (offset, message)
    _starts: list[int] = field(default_factory=list)

    def line(self, offset: int) -> int:
        """1-based line of a character offset."""
        return bisect.bisect_right(self._starts, offset)

    def token_line(self, index: int) -> int:
        """1-based line of token ``index`` (the last line for an index past the end)."""
        if index >= len(self.tokens):
            return self.line(len(self.text))
        return self.line(self.tokens[index].offset)

    def source_text(self, start: int, end: int) -> str:
        """The original text spanned by tokens ``start`` up to (not including) ``end``, on one line."""
        if start >= end or start >= len(self.tokens):
            return ""
        last = self.tokens[min(end, len(self.tokens)) - 1]
        raw = self.text[self.tokens[start].offset : last.offset + len(last.text)]
        return " ".join(raw.split())


def tokenize(text: str, kotlin: bool) -> Script:
    """Tokenize a Groovy (``kotlin=False``) or Kotlin script and pair its brackets."""
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    tokens: list[Token] = []
    problems: list[tuple[int, str]] = []
    _Lexer(text, kotlin, tokens, problems).run()
    script = Script(text, tokens, [-1] * len(tokens), problems, starts)
    _pair(script)
    return script


class _Lexer:
    def __init__(self, text: str, kotlin: bool, tokens: list[Token], problems: list[tuple[int, str]]) -> None:
        self.text = text
        self.n = len(text)
        self.kotlin = kotlin
        self.tokens = tokens
        self.problems = problems

    def run(self) -> None:
        text, n, i = self.text, self.n, 0
        append = self.tokens.append
        while i < n:
            c = text[i]
            if c == "\n":
                if not self.tokens or self.tokens[-1].kind != NL:
                    append(Token(NL, "\n", i))
                i += 1
            elif c in " \t\r\f\ufeff":
                i += 1
            elif c == "/" and text.startswith("//", i):
                j = text.find("\n", i)
                i = n if j < 0 else j
            elif c == "/" and text.startswith("/*", i):
                j = text.find("*/", i + 2)
                if j < 0:
                    self.problems.append((i, "unterminated comment: it runs to the end of the file"))
                    i = n
                else:
                    for k in range(i, j):  # a comment spanning lines still ends a statement
                        if text[k] == "\n":
                            if not self.tokens or self.tokens[-1].kind != NL:
                                append(Token(NL, "\n", k))
                            break
                    i = j + 2
            elif c == '"' or c == "'":
                i = self.string(i)
            elif c in _IDENT_START or (c.isalpha() and c.isidentifier()):
                j = i + 1
                while j < n and (text[j] in _IDENT_CHARS or text[j].isalnum()):
                    j += 1
                append(Token(IDENT, text[i:j], i))
                i = j
            elif c == "`":
                j = text.find("`", i + 1)
                if j < 0 or "\n" in text[i:j]:
                    append(Token(PUNCT, c, i))
                    i += 1
                else:
                    append(Token(IDENT, text[i + 1 : j], i))
                    i = j + 1
            elif c.isdigit():
                j = i + 1
                while j < n and (text[j].isalnum() or text[j] in "._"):
                    j += 1
                append(Token(NUMBER, text[i:j], i))
                i = j
            else:
                append(Token(PUNCT, c, i))
                i += 1

    def string(self, i: int) -> int:
        """Read the string literal starting at ``i``; return the offset after it."""
        text = self.text
        quote = text[i]
        triple = text.startswith(quote * 3, i)
        delim = quote * 3 if triple else quote
        templates = quote == '"' or (self.kotlin and triple)
        if self.kotlin and quote == "'":  # a Kotlin char literal
            templates = False
        j = i + len(delim)
        parts: list[Part] = []
        buf: list[str] = []
        n = self.n
        while True:
            if j >= n or (not triple and text[j] == "\n"):
                self.problems.append((i, "unterminated string literal"))
                end = j
                break
            if text.startswith(delim, j):
                end = j + len(delim)
                while triple and end < n and text[end] == quote:  # """a"""" ends with the last quotes
                    buf.append(quote)
                    end += 1
                break
            c = text[j]
            if c == "\\" and not (self.kotlin and triple):
                if j + 1 < n:
                    nxt = text[j + 1]
                    buf.append({"n": "\n", "t": "\t", "$": "$", "\\": "\\", "'": "'", '"': '"'}.get(nxt, nxt))
                j += 2
                continue
            if c == "$" and templates and j + 1 < n:
                if text[j + 1] == "{":
                    close = _template_end(text, j + 2)
                    if buf:
                        parts.append(Part("".join(buf)))
                        buf = []
                    parts.append(Part(text[j + 2 : close].strip(), True))
                    j = min(close + 1, n)
                    continue
                if text[j + 1] in _IDENT_START:
                    k = j + 2
                    while k < n and text[k] in _IDENT_CHARS:
                        k += 1
                    while not self.kotlin and k + 1 < n and text[k] == "." and text[k + 1] in _IDENT_START:
                        k += 2  # Groovy: "$a.b.c" is a property path
                        while k < n and text[k] in _IDENT_CHARS:
                            k += 1
                    if buf:
                        parts.append(Part("".join(buf)))
                        buf = []
                    parts.append(Part(text[j + 1 : k], True))
                    j = k
                    continue
            buf.append(c)
            j += 1
        if buf or not parts:
            parts.append(Part("".join(buf)))
        self.tokens.append(Token(STRING, text[i:end], i, tuple(parts)))
        return end


def _template_end(text: str, i: int) -> int:
    """Offset of the ``}`` closing a ``${`` template whose body starts at ``i`` (skips nested strings)."""
    depth, n = 1, len(text)
    while i < n:
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            i = j
        elif c == "\n" and depth == 1 and text[i - 1 : i] != "{":
            return i  # an unclosed template ends at the end of its line
        i += 1
    return n


MAX_BRACKET_PROBLEMS = 20


def _pair(script: Script) -> None:
    """Fill ``script.match`` and report brackets that close nothing or are never closed (the first
    :data:`MAX_BRACKET_PROBLEMS`, then a count)."""
    before = len(script.problems)
    tokens, match = script.tokens, script.match
    stack: list[int] = []
    for idx, tok in enumerate(tokens):
        if tok.kind != PUNCT:
            continue
        t = tok.text
        if t in _OPEN:
            stack.append(idx)
        elif t in _CLOSE:
            want = _CLOSE[t]
            if stack and tokens[stack[-1]].text == want:
                open_idx = stack.pop()
                match[open_idx], match[idx] = idx, open_idx
            elif any(tokens[s].text == want for s in stack):
                while tokens[stack[-1]].text != want:
                    bad = stack.pop()
                    match[bad] = idx
                    _unclosed(script, bad)
                open_idx = stack.pop()
                match[open_idx], match[idx] = idx, open_idx
            else:
                script.problems.append(
                    (tok.offset, f"unbalanced {_BRACKET_NAMES[want]}: '{t}' closes nothing; ignored")
                )
    for bad in stack:
        match[bad] = len(tokens)
        _unclosed(script, bad)
    extra = len(script.problems) - before - MAX_BRACKET_PROBLEMS
    if extra > 0:
        kept = sorted(script.problems[before:])[:MAX_BRACKET_PROBLEMS]
        last = kept[-1][0]
        del script.problems[before:]
        script.problems.extend(kept)
        script.problems.append((last, f"unbalanced brackets: {extra} more problem(s) like these not listed"))


def _unclosed(script: Script, idx: int) -> None:
    tok = script.tokens[idx]
    script.problems.append(
        (
            tok.offset,
            f"unbalanced {_BRACKET_NAMES[tok.text]}: '{tok.text}' opened here is never closed; "
            "kept what was parsed up to where it ends",
        )
    )


def split_top(script: Script, start: int, end: int, sep: str = ",") -> list[tuple[int, int]]:
    """Split tokens ``[start, end)`` at top-level ``sep`` punctuation (brackets skipped), dropping newlines."""
    out: list[tuple[int, int]] = []
    tokens, match = script.tokens, script.match
    i, piece = start, start
    while i < end:
        tok = tokens[i]
        if tok.kind == PUNCT and tok.text in _OPEN:
            i = max(i + 1, match[i] + 1)
            continue
        if tok.kind == PUNCT and tok.text == sep:
            out.append((piece, i))
            piece = i + 1
        i += 1
    out.append((piece, end))
    result = []
    for a, b in out:
        while a < b and tokens[a].kind == NL:
            a += 1
        while b > a and tokens[b - 1].kind == NL:
            b -= 1
        if a < b:
            result.append((a, b))
    return result


def block_label(script: Script, open_idx: int) -> str:
    """The name a ``{`` block belongs to: ``dependencies {``, ``project(':x') {`` → ``project``."""
    tokens, match = script.tokens, script.match
    i = open_idx - 1
    while i >= 0 and tokens[i].kind == NL:
        i -= 1
    if i >= 0 and tokens[i].kind == PUNCT and tokens[i].text == ")" and match[i] >= 0:
        i = match[i] - 1
    if i >= 0 and tokens[i].kind == IDENT:
        return tokens[i].text
    if i >= 0 and tokens[i].kind == STRING:
        return tokens[i].value
    return ""


def find_blocks(script: Script, name: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Every ``name { ... }`` block in tokens ``[start, end)``, outermost first: (open index, close index)."""
    tokens = script.tokens
    end = len(tokens) if end is None else end
    found = []
    for i in range(start, end):
        tok = tokens[i]
        if tok.kind == PUNCT and tok.text == "{" and block_label(script, i) == name:
            found.append((i, min(script.match[i], len(tokens))))
    return found


def enclosing_labels(script: Script, index: int) -> list[str]:
    """Labels of the ``{`` blocks that contain token ``index``, outermost first."""
    tokens, match = script.tokens, script.match
    labels = []
    for i in range(index):
        if tokens[i].kind == PUNCT and tokens[i].text == "{" and match[i] > index:
            labels.append(block_label(script, i))
    return labels
