"""Go sources: package clause, imports (aliases, dot and blank imports) and calls resolved
through them, named the way OSV's Go records name symbols: ``net/http.ListenAndServe`` for a
function, ``golang.org/x/net/http2.Server.ServeConn`` for a method.

An import without an alias binds the package's name, which Go takes from the package clause of
the imported code: depwave guesses it from the path (last element, without a ``/vN`` major
version, a ``.vN`` suffix, a ``go-`` prefix or a ``-go``/``.go`` suffix), which holds for the
vast majority of modules. Variables take the type they are declared with (``var s http.Server``,
parameters ``s *http.Server``), of a composite literal (``&http.Server{…}``, ``new(http.Server)``)
or the result of a call (``srv := pkg.New()`` -> ``pkg.New()``); ``x, err := f()`` gives ``x``
the call's result. Struct fields are not followed. A call to a name the file does not define is
attributed to the dot imports (``via: dot-import``), never to a builtin.
"""

from __future__ import annotations

import re

import tree_sitter
import tree_sitter_go

from loaders.source.core import (
    MAX_CHAIN,
    ConstantRules,
    Declaration,
    FileFacts,
    LanguageScanner,
    Names,
    Ref,
    argument_kind,
    call_site,
    text,
)
from planner.reachability.records import Import

_LANGUAGE = tree_sitter.Language(tree_sitter_go.language())
_QUERY = tree_sitter.Query(
    _LANGUAGE,
    """
    (package_clause (package_identifier) @package)
    (import_spec) @import
    (function_declaration name: (identifier) @func_name)
    (type_spec name: (type_identifier) @type_name)
    (short_var_declaration) @short_var
    (var_spec) @var
    (parameter_declaration) @param
    (variadic_parameter_declaration) @param
    (range_clause) @range
    (call_expression) @call
    """,
)
_BUILTINS = frozenset({
    "append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max", "min", "new",
    "panic", "print", "println", "real", "recover",
})  # fmt: skip
_SCOPES = frozenset(
    {"block", "function_declaration", "method_declaration", "func_literal", "if_statement", "for_statement",
     "expression_switch_statement", "type_switch_statement", "select_statement", "source_file",
     "expression_case", "default_case", "communication_case", "type_case"}
)  # fmt: skip
_LITERALS = frozenset({
    "interpreted_string_literal", "raw_string_literal", "int_literal", "float_literal", "imaginary_literal",
    "rune_literal", "true", "false", "nil", "iota",
})  # fmt: skip
_CONSTANTS = ConstantRules(
    literals=_LITERALS,
    operators=frozenset({"binary_expression", "parenthesized_expression", "unary_expression"}),
)
_MAJOR = re.compile(r"^v\d+$")


def package_name(import_path: str) -> str:
    """The name a Go package is most likely declared with, from its import path
    (``gopkg.in/yaml.v3`` -> ``yaml``, ``github.com/go-chi/chi/v5`` -> ``chi``)."""
    parts = import_path.split("/")
    last = parts[-1]
    if _MAJOR.match(last) and len(parts) > 1:
        last = parts[-2]
    last = re.sub(r"\.v\d+$", "", last)
    last = re.sub(r"^go-", "", last)
    last = re.sub(r"[-.]go$", "", last)
    return last.replace("-", "_").replace(".", "_")


class GoScanner(LanguageScanner):
    """``*.go``."""

    language = "go"
    suffixes = (".go",)

    def language_for(self, path: str) -> tree_sitter.Language:
        """The Go grammar."""
        return _LANGUAGE

    def read(self, root: tree_sitter.Node, data: bytes) -> FileFacts:
        """Package clause, imports and resolved calls of one file."""
        return _GoFile(root).facts


class _GoFile:
    """One file's bindings and the resolution of its expressions."""

    def __init__(self, root: tree_sitter.Node) -> None:
        caps = tree_sitter.QueryCursor(_QUERY).captures(root)
        self.facts = FileFacts()
        self.names = Names(self._resolve_declaration)
        self.end = root.end_byte
        self.dot_imports: list[str] = []
        self.defined = {text(n) for n in caps.get("func_name", ())} | {text(n) for n in caps.get("type_name", ())}
        for node in caps.get("package", ()):
            self.facts.namespace = text(node)
        for node in caps.get("import", ()):
            self._import(node)
        self._declare(caps)
        for node in caps.get("call", ()):
            self._call(node)

    def _import(self, spec: tree_sitter.Node) -> None:
        path_node, name_node = spec.child_by_field_name("path"), spec.child_by_field_name("name")
        if path_node is None:
            return
        path = text(path_node).strip('"`')
        line = spec.start_point[0] + 1
        if name_node is not None and name_node.type == "dot":
            self.dot_imports.append(path)
            self.facts.imports.append(Import(path, None, "dot", line, path))
        elif name_node is not None and name_node.type == "blank_identifier":
            self.facts.imports.append(Import(path, None, "blank", line, path))
        else:
            local = text(name_node) if name_node is not None else package_name(path)
            ref = Ref(path, path, "import")
            self.names.declare(local, Declaration(0, self.end, "import", ref=ref, state=2))
            self.facts.imports.append(Import(path, local, "module", line, path))

    def _declare(self, caps: dict[str, list[tree_sitter.Node]]) -> None:
        for node in caps.get("short_var", ()):
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            self._declare_names(node, left.named_children if left else [], None, right.named_children if right else [])
        for node in caps.get("var", ()):
            names = node.children_by_field_name("name")
            value = node.child_by_field_name("value")
            self._declare_names(node, names, node.child_by_field_name("type"), value.named_children if value else [])
        for node in caps.get("param", ()):
            fn = node.parent.parent if node.parent and node.parent.parent else node
            type_node = node.child_by_field_name("type")
            variadic = node.type == "variadic_parameter_declaration"
            for name in node.children_by_field_name("name"):
                decl = Declaration(fn.start_byte, fn.end_byte, "parameter", None if variadic else type_node)
                self.names.declare(text(name), decl)
        for node in caps.get("range", ()):
            left = node.child_by_field_name("left")
            stmt = node.parent or node
            for name in left.named_children if left is not None else ():
                self.names.declare(text(name), Declaration(stmt.start_byte, stmt.end_byte, "local"))

    def _declare_names(self, node: tree_sitter.Node, names, type_node, values) -> None:
        scope = _scope(node)
        start = 0 if scope.type == "source_file" else node.start_byte
        for i, name in enumerate(names):
            if name.type != "identifier" or text(name) == "_":
                continue
            value = values[i] if len(values) == len(names) else values[0] if len(values) == 1 and i == 0 else None
            self.names.declare(text(name), Declaration(start, scope.end_byte, "local", type_node, value))

    def _resolve_declaration(self, decl: Declaration) -> Ref | None:
        if decl.type_node is not None:
            return self.type_ref(decl.type_node)
        return self.expr_ref(decl.value_node, 0) if decl.value_node is not None else None

    def type_ref(self, node: tree_sitter.Node) -> Ref | None:
        """The imported type a type node names (through pointers and generics), if any."""
        for _ in range(4):
            if node.type in ("pointer_type", "generic_type", "parenthesized_type") and node.named_child_count:
                node = node.child_by_field_name("type") or node.named_children[0]
            else:
                break
        if node.type != "qualified_type":
            return None
        pkg, name = node.child_by_field_name("package"), node.child_by_field_name("name")
        if pkg is None or name is None:
            return None
        base = self._lookup(text(pkg), node.start_byte)
        return base.member(text(name)) if base is not None else None

    def _lookup(self, name: str, at: int) -> Ref | None:
        decl = self.names.find(name, at)
        return self.names.ref_of(decl) if decl is not None else None

    def expr_ref(self, node: tree_sitter.Node, depth: int) -> Ref | None:
        """What an expression stands for, when it resolves through an import."""
        if depth > MAX_CHAIN:
            return None
        t = node.type
        if t == "identifier":
            return self._lookup(text(node), node.start_byte)
        if t == "selector_expression":
            operand, fld = node.child_by_field_name("operand"), node.child_by_field_name("field")
            base = self.expr_ref(operand, depth + 1) if operand is not None else None
            return base.member(text(fld)) if base is not None and fld is not None else None
        if t == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "identifier" and text(fn) == "new":
                args = node.child_by_field_name("arguments")
                first = args.named_children[0] if args is not None and args.named_child_count else None
                return self.type_ref(first) if first is not None else None
            callee = self.callee(node, depth + 1)
            return callee.called() if callee is not None else None
        if t == "composite_literal":
            type_node = node.child_by_field_name("type")
            return self.type_ref(type_node) if type_node is not None else None
        if t in ("unary_expression", "parenthesized_expression") and node.named_child_count:
            inner = node.child_by_field_name("operand") or node.named_children[0]
            return self.expr_ref(inner, depth + 1)
        return None

    def callee(self, call: tree_sitter.Node, depth: int = 0) -> Ref | None:
        """The qualified function or method a call calls, when it resolves."""
        fn = call.child_by_field_name("function")
        if fn is None:
            return None
        ref = self.expr_ref(fn, depth)
        if ref is None and fn.type == "identifier" and self.dot_imports:
            name = text(fn)
            if name not in _BUILTINS and name not in self.defined and self.names.find(name, fn.start_byte) is None:
                first, *rest = self.dot_imports
                ref = Ref(first, f"{first}.{name}", "dot-import", tuple(f"{w}.{name}" for w in rest))
        return ref

    def _call(self, call: tree_sitter.Node) -> None:
        fn = call.child_by_field_name("function")
        if fn is not None and fn.type == "identifier" and text(fn) in _BUILTINS:
            return
        ref = self.callee(call)
        if ref is None:
            return
        where = fn.child_by_field_name("field") if fn is not None and fn.type == "selector_expression" else fn
        args = call.child_by_field_name("arguments")
        kind = argument_kind(args.named_children if args is not None else (), _CONSTANTS)
        self.facts.calls.append(call_site(ref, where or call, kind))


def _scope(node: tree_sitter.Node) -> tree_sitter.Node:
    n = node.parent
    while n is not None and n.type not in _SCOPES:
        n = n.parent
    return n if n is not None else node
