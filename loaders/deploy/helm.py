"""Helm charts: the images a chart's templates deploy with their default values, without a
template engine.

A template (``<chart>/templates/*.yaml``) is rendered by a small, deliberately partial
interpreter: ``if``/``else if``/``else``/``end`` over ``.Values`` paths (with ``not``, ``and``,
``or``, ``eq``, ``ne``), ``with``, ``range`` (body kept once), ``define`` (dropped), and output
pipelines over ``.Values``/``.Chart``/``.Release`` with ``default``, ``quote``, ``lower``,
``upper``, ``trim``, ``toString``; block helpers (``include``, ``toYaml``, ``nindent``…) render as
nothing. A condition it cannot evaluate counts as true (the default install is assumed to deploy
it). ``Chart.yaml`` (``appVersion``) and ``values.yaml`` are read through the context. Values of
``.Release.*`` are unknown, so a Helm service's environment is the namespace its template writes, else
``default`` (``default/<name>``: an environment not known).
"""

from __future__ import annotations

import posixpath
import re
import shlex
from typing import Any

from loaders.base import EMPTY_CONTEXT, Loader, Precedence, SourceContext
from loaders.deploy.k8s_manifest import K8sManifestLoader, dedupe, emit_workload, workloads_in
from loaders.deploy.yaml_docs import load_one, read_documents
from planner.model import ParseResult, ParseWarning, Record, Source

_ACTION = re.compile(r"\{\{-?(.*?)-?\}\}", re.S)
UNRESOLVED = "$(unresolved)"
_BLOCK_FUNCS = frozenset({"include", "toYaml", "nindent", "indent", "template", "tpl", "toJson", "fromYaml"})
_MISSING = object()


def chart_root(path: str) -> str | None:
    """The chart directory of a template path (the parent of its ``templates`` component)."""
    parts = path.split("/")
    if "templates" not in parts[:-1]:
        return None
    i = len(parts) - 2 - parts[-2::-1].index("templates")
    return "/".join(parts[:i]) or "."


def _truthy(value: Any) -> bool:
    return value not in (None, False, 0, "", _MISSING) and value != [] and value != {}


class _Interp:
    """Evaluates the small subset of Go templates described in the module docstring."""

    def __init__(self, values: dict, chart: dict) -> None:
        self.root = {
            "Values": values,
            "Chart": {
                "AppVersion": chart.get("appVersion"),
                "Name": chart.get("name"),
                "Version": chart.get("version"),
            },
            "Release": {"Name": "", "Namespace": "", "Service": "Helm"},
            "Capabilities": {},
        }
        self.scopes: list[Any] = [self.root]

    def lookup(self, token: str) -> Any:
        if token.startswith("$."):
            base, rest = self.root, token[2:]
        elif token == ".":
            return self.scopes[-1]
        elif token.startswith("."):
            base, rest = self.scopes[-1], token[1:]
            if rest.split(".", 1)[0] in ("Values", "Chart", "Release", "Capabilities") and base is not self.root:
                base = self.root
        else:
            return _MISSING
        value = base
        for part in rest.split("."):
            key = {"appVersion": "AppVersion"}.get(part, part)
            if isinstance(value, dict) and key in value:
                value = value[key]
            elif isinstance(value, dict) and part in value:
                value = value[part]
            else:
                return _MISSING
        return value

    def arg(self, token: str) -> Any:
        if token.startswith('"') or token.startswith("'") or token.startswith("`"):
            return token[1:-1] if len(token) >= 2 else ""
        if token in ("true", "false"):
            return token == "true"
        if re.fullmatch(r"-?\d+", token):
            return int(token)
        if token.startswith("(") and token.endswith(")"):
            return self.pipeline(token[1:-1])
        return self.lookup(token)

    def tokens(self, text: str) -> list[str]:
        out, depth, cur, quote = [], 0, "", ""
        for ch in text:
            if quote:
                cur += ch
                if ch == quote:
                    quote = ""
                continue
            if ch in "\"'`":
                quote = ch
                cur += ch
            elif ch == "(":
                depth += 1
                cur += ch
            elif ch == ")":
                depth -= 1
                cur += ch
            elif ch.isspace() and depth == 0:
                if cur:
                    out.append(cur)
                cur = ""
            else:
                cur += ch
        if cur:
            out.append(cur)
        return out

    def pipeline(self, text: str) -> Any:
        """Evaluate ``cmd | cmd …``; returns ``_MISSING`` when unknown."""
        parts = [p for p in re.split(r"\|(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", text)]
        value: Any = _MISSING
        for i, part in enumerate(parts):
            toks = self.tokens(part.strip())
            if not toks:
                return _MISSING
            args = [self.arg(t) for t in toks[1:]] + ([value] if i else [])
            head = toks[0]
            if i == 0 and len(toks) == 1 and not head[0].isalpha():
                value = self.arg(head)
                continue
            value = self.call(head, args)
        return value

    def call(self, name: str, args: list[Any]) -> Any:
        if name == "default":
            if not args:
                return _MISSING
            given = args[-1] if len(args) > 1 else _MISSING
            return given if _truthy(given) else args[0]
        if name in ("quote", "squote", "toString", "trim", "lower", "upper") and args:
            v = args[-1]
            if v is _MISSING:
                return _MISSING
            s = "" if v is None else str(v)
            return {
                "quote": f'"{s}"',
                "squote": f"'{s}'",
                "trim": s.strip(),
                "lower": s.lower(),
                "upper": s.upper(),
            }.get(name, s)
        if name == "not" and args:
            return not _truthy(args[0])
        if name in ("and", "or") and args:
            if any(a is _MISSING for a in args):
                return _MISSING
            return all(_truthy(a) for a in args) if name == "and" else any(_truthy(a) for a in args)
        if name in ("eq", "ne") and len(args) >= 2:
            if any(a is _MISSING for a in args):
                return _MISSING
            same = any(args[0] == a for a in args[1:])
            return same if name == "eq" else not same
        if name == "required" and args:
            return args[-1]
        if name == "printf" and args and isinstance(args[0], str):
            if any(a is _MISSING for a in args[1:]):
                return _MISSING
            try:
                return args[0].replace("%v", "%s").replace("%d", "%s") % tuple(str(a) for a in args[1:])
            except (TypeError, ValueError):
                return _MISSING
        return _MISSING


def _output_action(interp: _Interp, body: str, newlines: str) -> str:
    """What an output action (``{{ .Values.image }}``) stands for; an assignment or a block helper
    stands for nothing but its newlines."""
    first = body.lstrip("(").split(None, 1)[0] if body else ""
    if first in _BLOCK_FUNCS or body.startswith(("$", "/*")) or ":=" in body or "=" in body.split("|")[0]:
        return newlines
    v = interp.pipeline(body)
    return (UNRESOLVED if v is _MISSING else ("" if v is None else str(v))) + newlines


def render(text: str, values: dict, chart: dict) -> str:
    """The template with actions evaluated; line count preserved (dropped text keeps its newlines)."""
    interp = _Interp(values, chart)
    out: list[str] = []
    emit: list[bool] = []  # per open block: whether its current branch is emitted
    kinds: list[str] = []
    decided: list[bool] = []  # per if-chain: a branch was taken already
    pos = 0

    def on() -> bool:
        return all(emit)

    for m in _ACTION.finditer(text):
        chunk = text[pos : m.start()]
        out.append(chunk if on() else "\n" * chunk.count("\n"))
        pos = m.end()
        body = m.group(1).strip()
        newlines = "\n" * m.group(0).count("\n")
        if body.startswith("/*"):
            out.append(newlines)
            continue
        word = body.split(None, 1)[0] if body else ""
        rest = body[len(word) :].strip()
        if word in ("if", "with", "range", "define", "block"):
            if word == "define":
                cond = False
            elif word == "range":
                cond = True
            else:
                v = interp.pipeline(rest) if rest else _MISSING
                cond = True if v is _MISSING else _truthy(v)
                if word == "with":
                    interp.scopes.append(v if v is not _MISSING else {})
            emit.append(cond)
            kinds.append(word)
            decided.append(cond)
        elif word == "else" and emit:
            if rest.startswith("if "):
                v = interp.pipeline(rest[3:])
                cond = (True if v is _MISSING else _truthy(v)) and not decided[-1]
            else:
                cond = not decided[-1]
            emit[-1] = cond
            decided[-1] = decided[-1] or cond
        elif word == "end" and emit:
            emit.pop()
            decided.pop()
            if kinds.pop() == "with" and len(interp.scopes) > 1:
                interp.scopes.pop()
        elif on():
            out.append(_output_action(interp, body, newlines))
            continue
        out.append(newlines)
    tail = text[pos:]
    out.append(tail if on() else "\n" * tail.count("\n"))
    return "".join(out)


def _yaml_map(context: SourceContext, repo: str, path: str) -> dict:
    text = context.read(repo, path)
    if text is None:
        return {}
    try:
        value = load_one(text)
    except Exception:  # an unreadable values.yaml means no values: every lookup is unknown
        return {}
    return value if isinstance(value, dict) else {}


class HelmTemplateLoader(Loader):
    """Workloads and images of a Helm chart's templates, rendered with the chart's default values."""

    name = "helm"
    other_files = Precedence.LOCATION

    def matches(self, path: str) -> bool:
        """A ``.yaml``/``.yml`` file inside a ``templates/`` directory (charts keep them there)."""
        parts = path.split("/")
        return len(parts) >= 2 and "templates" in parts[:-1] and parts[-1].endswith((".yaml", ".yml"))

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Render, then read the workloads; a template of no chart (no ``Chart.yaml``) is read as a
        plain manifest when it is one."""
        root = chart_root(source.path)
        chart_path = "Chart.yaml" if root in (None, ".") else f"{root}/Chart.yaml"
        if root is None or context.read(source.repo, chart_path) is None:
            if "{{" in text:
                return ParseResult()
            return K8sManifestLoader().parse(text, source, context)
        chart = _yaml_map(context, source.repo, chart_path)
        values = _yaml_map(context, source.repo, "values.yaml" if root == "." else f"{root}/values.yaml")
        result = ParseResult()
        try:
            rendered = render(text, values, chart)
        except (RecursionError, ValueError, IndexError) as exc:
            result.warnings.append(ParseWarning(source.display, 1, f"template not understood ({exc}); skipped"))
            return result
        records: list[Record] = []
        for doc in read_documents(rendered, source, result.warnings, template_hint="template not rendered; skipped"):
            for w in workloads_in(doc.value, source.path, result.warnings, source.display):
                records += emit_workload(w, environment=None, source=source, warnings=result.warnings)
        result.extend(dedupe(records))
        return result


__all__ = ["HelmTemplateLoader", "chart_root", "posixpath", "render", "shlex"]
