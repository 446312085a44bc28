"""Python sources: imports (``import x as y``, ``from x import y as z``, wildcards) and calls
resolved through them.

``import a.b`` binds ``a`` (calls through it keep ``a.b`` as their module); ``import a.b as c``
binds ``c`` to ``a.b``; ``from a import b as c`` binds ``c`` to ``a.b``. Relative imports are
recorded but not followed (they name the project's own modules). Assignments carry values:
``log = logging.getLogger(__name__)`` makes ``log`` the result of ``logging.getLogger()``,
``client = Client()`` of an imported class an instance of it (a capitalised callee is taken as
a class), and so do annotations (``loader: yaml.Loader``), ``with … as x`` and ``self.x = …`` in
a class. A bare call to a name no import or definition explains is attributed to the wildcard
imports (``from x import *``), never to a builtin. Imports inside a function bind only there.
"""

from __future__ import annotations

import builtins

import tree_sitter
import tree_sitter_python

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
    dotted,
    text,
)
from planner.reachability.records import Import

_LANGUAGE = tree_sitter.Language(tree_sitter_python.language())
_QUERY = tree_sitter.Query(
    _LANGUAGE,
    """
    (import_statement) @import
    (import_from_statement) @from
    (function_definition name: (identifier) @def_name) @def
    (class_definition name: (identifier) @class_name)
    (assignment left: (identifier) @assign_name) @assign
    (assignment left: (attribute object: (identifier) @self_name)) @self_assign
    (as_pattern alias: (as_pattern_target (identifier) @with_name)) @with
    (for_statement left: (_) @for_target) @for
    (call) @call
    """,
)
_BUILTINS = frozenset(dir(builtins))
_SCOPES = frozenset({"function_definition", "lambda", "module"})
_CONSTANTS = ConstantRules(
    literals=frozenset({"string", "concatenated_string", "integer", "float", "true", "false", "none", "ellipsis"}),
    operators=frozenset({"binary_operator", "parenthesized_expression", "unary_operator"}),
    interpolated=lambda n: (
        any(c.type == "interpolation" for c in (n.named_children if n.type == "string" else ()))
        or (n.type == "concatenated_string" and any(_CONSTANTS.interpolated(c) for c in n.named_children))
    ),
)


class PythonScanner(LanguageScanner):
    """``*.py`` (and ``*.pyi`` stubs are left out: no calls)."""

    language = "python"
    suffixes = (".py",)

    def language_for(self, path: str) -> tree_sitter.Language:
        """The Python grammar."""
        return _LANGUAGE

    def read(self, root: tree_sitter.Node, data: bytes) -> FileFacts:
        """Imports and resolved calls of one file."""
        return _PythonFile(root).facts


class _PythonFile:
    """One module's bindings and the resolution of its expressions."""

    def __init__(self, root: tree_sitter.Node) -> None:
        caps = tree_sitter.QueryCursor(_QUERY).captures(root)
        self.facts = FileFacts()
        self.names = Names(self._resolve_declaration)
        self.wildcards: list[str] = []
        self.defined = {text(n) for n in caps.get("def_name", ())} | {text(n) for n in caps.get("class_name", ())}
        for node in caps.get("import", ()):
            self._import(node)
        for node in caps.get("from", ()):
            self._import_from(node)
        self._declare(caps)
        for node in caps.get("call", ()):
            self._call(node)

    # ------------------------------------------------------------------------------- bindings

    def _bind(self, local: str, ref: Ref, node: tree_sitter.Node, kind: str, target: str) -> None:
        scope = _scope(node)
        decl = Declaration(_visible_from(node, scope), scope.end_byte, "import", ref=ref, state=2)
        self.names.declare(local, decl)
        self.facts.imports.append(Import(target, local, kind, node.start_point[0] + 1, ref.module))

    def _import(self, node: tree_sitter.Node) -> None:
        for item in node.children_by_field_name("name"):
            if item.type == "aliased_import":
                name, alias = item.child_by_field_name("name"), item.child_by_field_name("alias")
                if name is not None and alias is not None:
                    module = dotted(name)
                    self._bind(text(alias), Ref(module, module, "import"), node, "module", module)
            else:
                module = dotted(item)
                top = module.partition(".")[0]
                self._bind(top, Ref(module, top, "import"), node, "module", module)

    def _import_from(self, node: tree_sitter.Node) -> None:
        source = node.child_by_field_name("module_name")
        if source is None:
            return
        module = dotted(source)
        line = node.start_point[0] + 1
        relative = source.type == "relative_import"
        if any(c.type == "wildcard_import" for c in node.named_children):
            if not relative:
                self.wildcards.append(module)
            self.facts.imports.append(Import(module, None, "wildcard", line, module))
            return
        for item in node.children_by_field_name("name"):
            name_node = item.child_by_field_name("name") if item.type == "aliased_import" else item
            alias = item.child_by_field_name("alias") if item.type == "aliased_import" else None
            if name_node is None:
                continue
            member = dotted(name_node)
            local = text(alias) if alias is not None else member
            target = f"{module}{'' if module.endswith('.') else '.'}{member}"
            if relative:  # the project's own module: recorded and bound to nothing we follow
                scope = _scope(node)
                self.names.declare(local, Declaration(node.start_byte, scope.end_byte, "import", state=2))
                self.facts.imports.append(Import(target, local, "member", line, module))
            else:
                self._bind(local, Ref(module, target, "import"), node, "member", target)

    def _declare(self, caps: dict[str, list[tree_sitter.Node]]) -> None:
        declare = self.names.declare
        for node in caps.get("assign", ()):
            left = node.child_by_field_name("left")
            scope = _scope(node)
            decl = Declaration(_visible_from(node, scope), scope.end_byte, "local", node.child_by_field_name("type"))
            decl.value_node = node.child_by_field_name("right")
            declare(text(left), decl)
        for node in caps.get("self_assign", ()):
            left = node.child_by_field_name("left")
            obj, attr = left.child_by_field_name("object"), left.child_by_field_name("attribute")
            cls = _ancestor(node, ("class_definition",))
            if obj is not None and attr is not None and text(obj) == "self" and cls is not None:
                decl = Declaration(cls.start_byte, cls.end_byte, "field", node.child_by_field_name("type"))
                decl.value_node = node.child_by_field_name("right")
                declare(f"self.{text(attr)}", decl)
        for node in caps.get("def", ()):
            self._declare_parameters(node)
        for node in caps.get("with", ()):
            target = next((c for c in node.named_children if c.type == "as_pattern_target"), None)
            name = target.named_children[0] if target is not None and target.named_children else None
            value = node.named_children[0] if node.named_children else None
            if name is not None and name.type == "identifier":
                scope = _scope(node)
                declare(text(name), Declaration(node.start_byte, scope.end_byte, "local", None, value))
        for node in caps.get("for", ()):
            target = node.child_by_field_name("left")
            for name in _identifiers(target) if target is not None else ():
                declare(text(name), Declaration(node.start_byte, _scope(node).end_byte, "local"))

    def _declare_parameters(self, fn: tree_sitter.Node) -> None:
        params = fn.child_by_field_name("parameters")
        for p in params.named_children if params is not None else ():
            if p.type == "identifier":
                name, type_node = p, None
            else:
                name = p.child_by_field_name("name") or next(
                    (c for c in p.named_children if c.type == "identifier"), None
                )
                type_node = p.child_by_field_name("type")
            if name is not None and name.type == "identifier":
                self.names.declare(text(name), Declaration(fn.start_byte, fn.end_byte, "parameter", type_node))

    def _resolve_declaration(self, decl: Declaration) -> Ref | None:
        if decl.type_node is not None:
            inner = decl.type_node.named_children[0] if decl.type_node.named_children else decl.type_node
            ref = self.expr_ref(inner, 0)
            if ref is not None:
                return ref
        return self.expr_ref(decl.value_node, 0) if decl.value_node is not None else None

    # ------------------------------------------------------------------------------ resolution

    def expr_ref(self, node: tree_sitter.Node, depth: int) -> Ref | None:
        """What an expression stands for, when it resolves through an import."""
        if depth > MAX_CHAIN:
            return None
        t = node.type
        if t == "identifier":
            decl = self.names.find(text(node), node.start_byte)
            return self.names.ref_of(decl) if decl is not None else None
        if t == "attribute":
            obj, attr = node.child_by_field_name("object"), node.child_by_field_name("attribute")
            if obj is None or attr is None:
                return None
            if obj.type == "identifier" and text(obj) == "self":
                decl = self.names.find(f"self.{text(attr)}", node.start_byte)
                if decl is not None:
                    return self.names.ref_of(decl)
            base = self.expr_ref(obj, depth + 1)
            return base.member(text(attr)) if base is not None else None
        if t == "call":
            callee = self.callee(node, depth + 1)
            if callee is None:
                return None
            return callee if callee.path.rpartition(".")[2][:1].isupper() else callee.called()
        if t in ("parenthesized_expression", "await") and node.named_child_count:
            return self.expr_ref(node.named_children[0], depth + 1)
        return None

    def callee(self, call: tree_sitter.Node, depth: int = 0) -> Ref | None:
        """The qualified function or class a ``call`` calls, when it resolves."""
        fn = call.child_by_field_name("function")
        if fn is None:
            return None
        ref = self.expr_ref(fn, depth)
        if ref is None and fn.type == "identifier" and self.wildcards:
            name = text(fn)
            if name not in _BUILTINS and name not in self.defined and self.names.find(name, fn.start_byte) is None:
                first, *rest = self.wildcards
                ref = Ref(first, f"{first}.{name}", "wildcard", tuple(f"{w}.{name}" for w in rest))
        return ref

    def _call(self, call: tree_sitter.Node) -> None:
        ref = self.callee(call)
        if ref is None:
            return
        fn = call.child_by_field_name("function")
        where = fn.child_by_field_name("attribute") if fn is not None and fn.type == "attribute" else fn
        args = call.child_by_field_name("arguments")
        values = []
        for a in args.named_children if args is not None and args.type == "argument_list" else ([args] if args else []):
            values.append(a.child_by_field_name("value") or a if a.type == "keyword_argument" else a)
        self.facts.calls.append(call_site(ref, where or call, argument_kind(values, _CONSTANTS)))


def _scope(node: tree_sitter.Node) -> tree_sitter.Node:
    n = node.parent
    while n is not None and n.type not in _SCOPES:
        n = n.parent
    return n if n is not None else node


def _visible_from(node: tree_sitter.Node, scope: tree_sitter.Node) -> int:
    """Where a name bound at ``node`` is visible from: a module-level name from the top (functions
    defined above it run later, when it is bound), a function-local one from where it is bound."""
    return 0 if scope.type == "module" else node.start_byte


def _ancestor(node: tree_sitter.Node, kinds) -> tree_sitter.Node | None:
    n = node.parent
    while n is not None and n.type not in kinds:
        n = n.parent
    return n


def _identifiers(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    if node.type == "identifier":
        return [node]
    return [c for c in node.named_children if c.type == "identifier"]
