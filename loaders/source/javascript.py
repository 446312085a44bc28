"""JavaScript and TypeScript sources: ES imports, ``require``, and calls resolved through them.

Bindings: ``import _ from 'lodash'`` and ``import * as _ from 'lodash'`` bind the module
(``lodash``); ``import { merge as m } from 'lodash'`` binds ``lodash.merge``; ``const _ =
require('lodash')``, ``const { set } = require('lodash')``, ``const { merge: m } = …``,
``import x = require('x')`` (TypeScript) and ``await import('x')`` the same way; ``export … from``
is recorded as an import. Values follow declarations: ``const app = express()`` makes ``app`` the
result of ``express()``, ``new S3Client()`` an instance of ``@aws-sdk/client-s3.S3Client``, a
TypeScript parameter or class field typed with an imported class an instance of it, and
``this.x`` the class field ``x`` (declared, a constructor parameter property, or assigned
``this.x = …``). ``new X()`` is recorded as a call of ``X``. Locals and parameters shadow
imports within their function or block.
"""

from __future__ import annotations

import tree_sitter
import tree_sitter_javascript
import tree_sitter_typescript

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

_JS = tree_sitter.Language(tree_sitter_javascript.language())
_TS = tree_sitter.Language(tree_sitter_typescript.language_typescript())
_TSX = tree_sitter.Language(tree_sitter_typescript.language_tsx())
_PATTERNS = """
    (import_statement) @import
    (export_statement source: (_)) @export
    (variable_declarator) @var
    (formal_parameters) @params
    (arrow_function parameter: (identifier) @arrow_param)
    (assignment_expression left: (member_expression object: (this))) @this_assign
    (call_expression) @call
    (new_expression) @new
"""
_TS_PATTERNS = """
    (public_field_definition) @class_field
"""
_QUERIES = {
    id(_JS): tree_sitter.Query(_JS, _PATTERNS),
    id(_TS): tree_sitter.Query(_TS, _PATTERNS + _TS_PATTERNS),
    id(_TSX): tree_sitter.Query(_TSX, _PATTERNS + _TS_PATTERNS),
}
_SCOPES = frozenset(
    {"statement_block", "program", "for_statement", "for_in_statement", "switch_body", "class_body", "arrow_function"}
)
_FUNCTIONS = frozenset(
    {"function_declaration", "function_expression", "function", "arrow_function", "method_definition",
     "generator_function_declaration", "generator_function"}
)  # fmt: skip
_CONSTANTS = ConstantRules(
    literals=frozenset({"string", "template_string", "number", "true", "false", "null", "undefined", "regex"}),
    operators=frozenset({"binary_expression", "parenthesized_expression", "unary_expression"}),
    interpolated=lambda n: n.type == "template_string" and any(c.type == "template_substitution" for c in n.children),
)


class JavaScriptScanner(LanguageScanner):
    """``*.js``, ``*.jsx``, ``*.mjs``, ``*.cjs``."""

    language = "javascript"
    suffixes = (".js", ".jsx", ".mjs", ".cjs")
    may_be_minified = True

    def language_for(self, path: str) -> tree_sitter.Language:
        """The JavaScript grammar (it reads JSX too)."""
        return _JS

    def read(self, root: tree_sitter.Node, data: bytes) -> FileFacts:
        """Imports and resolved calls of one file."""
        return _ScriptFile(root, _QUERIES[id(_JS)]).facts


class TypeScriptScanner(JavaScriptScanner):
    """``*.ts``, ``*.mts``, ``*.cts`` (not ``*.d.ts`` declarations: they hold no calls)."""

    language = "typescript"
    suffixes = (".ts", ".mts", ".cts")
    grammar = _TS

    def matches(self, path: str) -> bool:
        """TypeScript sources, leaving out declaration files."""
        return path.endswith(self.suffixes) and not path.endswith((".d.ts", ".d.mts", ".d.cts"))

    def language_for(self, path: str) -> tree_sitter.Language:
        """The TypeScript grammar."""
        return self.grammar

    def read(self, root: tree_sitter.Node, data: bytes) -> FileFacts:
        """Imports and resolved calls of one file."""
        return _ScriptFile(root, _QUERIES[id(self.grammar)]).facts


class TsxScanner(TypeScriptScanner):
    """``*.tsx`` (TypeScript with JSX: its own grammar)."""

    suffixes = (".tsx",)
    grammar = _TSX


class _ScriptFile:
    """One file's bindings and the resolution of its expressions."""

    def __init__(self, root: tree_sitter.Node, query: tree_sitter.Query) -> None:
        caps = tree_sitter.QueryCursor(query).captures(root)
        self.facts = FileFacts()
        self.names = Names(self._resolve_declaration)
        self.end = root.end_byte
        for node in caps.get("import", ()):
            self._import(node)
        for node in caps.get("export", ()):
            self._export(node)
        for node in caps.get("var", ()):
            self._declare_variable(node)
        for node in caps.get("params", ()):
            self._declare_parameters(node)
        for node in caps.get("arrow_param", ()):
            fn = node.parent or node
            self.names.declare(text(node), Declaration(fn.start_byte, fn.end_byte, "parameter"))
        for node in caps.get("class_field", ()):
            self._declare_class_field(node)
        for node in caps.get("this_assign", ()):
            self._declare_this_assignment(node)
        for node in caps.get("call", ()):
            self._call(node)
        for node in caps.get("new", ()):
            self._new(node)

    # ------------------------------------------------------------------------------- bindings

    def _bind(self, local: str, ref: Ref, node: tree_sitter.Node, kind: str, target: str) -> None:
        """An import binding, visible in the scope that holds the import statement."""
        scope = _scope(node)
        self.names.declare(local, Declaration(scope.start_byte, scope.end_byte, "import", ref=ref, state=2))
        self.facts.imports.append(Import(target, local, kind, node.start_point[0] + 1, ref.module))

    def _import(self, node: tree_sitter.Node) -> None:
        source = node.child_by_field_name("source")
        clause = next((c for c in node.named_children if c.type in ("import_clause", "import_require_clause")), None)
        if clause is not None and clause.type == "import_require_clause":
            source = clause.child_by_field_name("source")
        spec = _string_value(source)
        if spec is None:
            return
        module = Ref(spec, spec, "import")
        if clause is None:
            self.facts.imports.append(Import(spec, None, "blank", node.start_point[0] + 1, spec))
            return
        for part in clause.named_children:
            if part.type == "identifier":
                self._bind(text(part), module, node, "module", spec)
            elif part.type == "namespace_import":
                name = next((c for c in part.named_children if c.type == "identifier"), None)
                if name is not None:
                    self._bind(text(name), module, node, "module", spec)
            elif part.type == "named_imports":
                for s in part.named_children:
                    name, alias = s.child_by_field_name("name"), s.child_by_field_name("alias")
                    if name is not None:
                        member = _string_value(name) if name.type == "string" else text(name)
                        local = text(alias) if alias is not None else member
                        self._bind(local, module.member(member), node, "member", f"{spec}.{member}")

    def _export(self, node: tree_sitter.Node) -> None:
        spec = _string_value(node.child_by_field_name("source"))
        if spec is not None:
            self.facts.imports.append(Import(spec, None, "re-export", node.start_point[0] + 1, spec))

    def _declare_variable(self, node: tree_sitter.Node) -> None:
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        if name is None:
            return
        scope = _scope(node)
        module = _required_module(value) if value is not None else None
        if name.type == "identifier":
            if module is not None:
                self._bind(text(name), Ref(module, module, "import"), node, "module", module)
                return
            decl = Declaration(node.start_byte, scope.end_byte, "local", _type_of(node), value)
            self.names.declare(text(name), decl)
        elif name.type == "object_pattern":
            for local, member in _destructured(name):
                if module is not None:
                    self._bind(local, Ref(module, f"{module}.{member}", "import"), node, "member", f"{module}.{member}")
                else:
                    self.names.declare(local, Declaration(node.start_byte, scope.end_byte, "local"))

    def _declare_parameters(self, node: tree_sitter.Node) -> None:
        fn = node.parent or node
        for p in node.named_children:
            pattern = p.child_by_field_name("pattern") if p.type in ("required_parameter", "optional_parameter") else p
            if pattern is None:
                continue
            names = [pattern] if pattern.type == "identifier" else _pattern_names(pattern)
            type_node = _type_of(p)
            for n in names:
                self.names.declare(text(n), Declaration(fn.start_byte, fn.end_byte, "parameter", type_node))
            if any(c.type == "accessibility_modifier" for c in p.children) and pattern.type == "identifier":
                body = _ancestor(fn, ("class_body",))
                if body is not None:
                    decl = Declaration(body.start_byte, body.end_byte, "field", type_node)
                    self.names.declare(f"this.{text(pattern)}", decl)

    def _declare_class_field(self, node: tree_sitter.Node) -> None:
        name, body = node.child_by_field_name("name"), node.parent
        if name is not None and body is not None:
            decl = Declaration(
                body.start_byte, body.end_byte, "field", _type_of(node), node.child_by_field_name("value")
            )
            self.names.declare(f"this.{text(name)}", decl)

    def _declare_this_assignment(self, node: tree_sitter.Node) -> None:
        left, body = node.child_by_field_name("left"), _ancestor(node, ("class_body",))
        prop = left.child_by_field_name("property") if left is not None else None
        if prop is not None and body is not None:
            decl = Declaration(body.start_byte, body.end_byte, "field", None, node.child_by_field_name("right"))
            self.names.declare(f"this.{text(prop)}", decl)

    def _resolve_declaration(self, decl: Declaration) -> Ref | None:
        if decl.type_node is not None:
            ref = self._type_ref(decl.type_node)
            if ref is not None:
                return ref
        return self.expr_ref(decl.value_node, 0) if decl.value_node is not None else None

    def _type_ref(self, annotation: tree_sitter.Node) -> Ref | None:
        """An imported class named by a TypeScript type annotation (``: S3Client``, ``: express.Request``)."""
        t = annotation.named_children[0] if annotation.type == "type_annotation" and annotation.named_children else None
        if t is None:
            return None
        if t.type == "generic_type":
            t = t.child_by_field_name("name") or t
        if t.type == "type_identifier":
            return self._lookup(text(t), t.start_byte)
        if t.type == "nested_type_identifier":
            parts = text(t).replace(" ", "").split(".")
            base = self._lookup(parts[0], t.start_byte)
            for p in parts[1:]:
                base = base.member(p) if base is not None else None
            return base
        return None

    # ------------------------------------------------------------------------------ resolution

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
        if t == "member_expression":
            obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
            if obj is None or prop is None:
                return None
            if obj.type == "this":
                return self._lookup(f"this.{text(prop)}", node.start_byte)
            base = self.expr_ref(obj, depth + 1)
            return base.member(text(prop)) if base is not None else None
        if t == "call_expression":
            module = _required_module(node)
            if module is not None:
                return Ref(module, module, "import")
            fn = node.child_by_field_name("function")
            callee = self.expr_ref(fn, depth + 1) if fn is not None else None
            return callee.called() if callee is not None else None
        if t == "new_expression":
            ctor = node.child_by_field_name("constructor")
            return self.expr_ref(ctor, depth + 1) if ctor is not None else None
        if t in ("await_expression", "parenthesized_expression", "non_null_expression", "as_expression",
                 "satisfies_expression") and node.named_child_count:  # fmt: skip
            return self.expr_ref(node.named_children[0], depth + 1)
        return None

    # ----------------------------------------------------------------------------------- calls

    def _call(self, node: tree_sitter.Node) -> None:
        fn = node.child_by_field_name("function")
        if fn is None or fn.type == "import" or (fn.type == "identifier" and text(fn) == "require"):
            return
        ref = self.expr_ref(fn, 0)
        if ref is not None:
            where = fn.child_by_field_name("property") if fn.type == "member_expression" else fn
            self.facts.calls.append(call_site(ref, where or fn, _argument_kind(node)))

    def _new(self, node: tree_sitter.Node) -> None:
        ctor = node.child_by_field_name("constructor")
        ref = self.expr_ref(ctor, 0) if ctor is not None else None
        if ref is not None:
            self.facts.calls.append(call_site(ref, node, _argument_kind(node)))


# ------------------------------------------------------------------------------------ helpers


def _argument_kind(call: tree_sitter.Node) -> str:
    args = call.child_by_field_name("arguments")
    if args is not None and args.type == "template_string":  # tagged template: tag`…`
        return argument_kind([args], _CONSTANTS)
    return argument_kind(args.named_children if args is not None else (), _CONSTANTS)


def _string_value(node: tree_sitter.Node | None) -> str | None:
    """The value of a plain string literal (``'lodash'``), None for anything else."""
    if node is None or node.type != "string":
        return None
    return "".join(text(c) for c in node.named_children if c.type == "string_fragment")


def _required_module(node: tree_sitter.Node | None) -> str | None:
    """``x`` of ``require('x')``, ``import('x')`` or ``await import('x')``."""
    if node is not None and node.type == "await_expression" and node.named_child_count:
        node = node.named_children[0]
    if node is None or node.type != "call_expression":
        return None
    fn, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
    if fn is None or args is None or not (fn.type == "import" or (fn.type == "identifier" and text(fn) == "require")):
        return None
    first = args.named_children[0] if args.named_child_count == 1 else None
    return _string_value(first)


def _destructured(pattern: tree_sitter.Node) -> list[tuple[str, str]]:
    """``(local, member)`` pairs of ``{ a, b: c }`` (nested patterns are left out)."""
    out: list[tuple[str, str]] = []
    for p in pattern.named_children:
        if p.type == "shorthand_property_identifier_pattern":
            out.append((text(p), text(p)))
        elif p.type == "pair_pattern":
            key, value = p.child_by_field_name("key"), p.child_by_field_name("value")
            if key is not None and value is not None and value.type == "identifier":
                out.append((text(value), text(key)))
        elif p.type == "object_assignment_pattern":
            left = p.child_by_field_name("left")
            if left is not None and left.type == "shorthand_property_identifier_pattern":
                out.append((text(left), text(left)))
    return out


def _pattern_names(pattern: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The identifiers a destructuring or rest pattern binds."""
    out: list[tree_sitter.Node] = []
    stack = [pattern]
    while stack:
        n = stack.pop()
        if n.type in ("identifier", "shorthand_property_identifier_pattern"):
            out.append(n)
        elif n.type == "pair_pattern":
            value = n.child_by_field_name("value")
            if value is not None:
                stack.append(value)
        elif n.type in ("object_pattern", "array_pattern", "rest_pattern", "assignment_pattern",
                        "object_assignment_pattern"):  # fmt: skip
            stack.extend(n.named_children[:1] if n.type.endswith("assignment_pattern") else n.named_children)
    return out


def _type_of(node: tree_sitter.Node) -> tree_sitter.Node | None:
    return next((c for c in node.named_children if c.type == "type_annotation"), None)


def _scope(node: tree_sitter.Node) -> tree_sitter.Node:
    """The block or function whose end bounds a declaration made at ``node``."""
    n = node.parent
    while n is not None and n.type not in _SCOPES and n.type not in _FUNCTIONS:
        n = n.parent
    return n if n is not None else node


def _ancestor(node: tree_sitter.Node, kinds) -> tree_sitter.Node | None:
    n = node.parent
    while n is not None and n.type not in kinds:
        n = n.parent
    return n
