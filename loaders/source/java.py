"""Java sources: package, imports, and calls resolved through imports and declared types.

A receiver resolves when it is an imported type (static call), a name written out in full
(``org.apache.logging.log4j.LogManager.getLogger()``), or a field, local, parameter, catch or
for-each variable, or try resource whose declared type is one (``private static final Logger LOG``;
``var x = new Foo()`` takes the type of the constructor). Names follow Java's lexical scopes:
a local shadows a field from where it is declared to the end of its block, an inner class sees
its outer class's fields. Types from a wildcard import are inferred (``via: wildcard``), since
they may also be ``java.lang`` or same-package types; ``java.lang`` names are never taken from a
wildcard. Fields inherited from a superclass declared in another file are not seen.
"""

from __future__ import annotations

import tree_sitter
import tree_sitter_java

from loaders.source.core import (
    MAX_CHAIN,
    OPEN,
    ConstantRules,
    Declaration,
    FileFacts,
    LanguageScanner,
    Names,
    Ref,
    argument_kind,
    call_site,
    dotted,
    open_call,
    open_ref,
    text,
)
from loaders.source.jvm import FIELD_NAME, JAVA_LANG, ImportTable, package_of
from planner.reachability.records import Import, TypeDeclaration

_LANGUAGE = tree_sitter.Language(tree_sitter_java.language())
_QUERY = tree_sitter.Query(
    _LANGUAGE,
    """
    (package_declaration) @package
    (import_declaration) @import
    (class_declaration name: (identifier) @type_name)
    (interface_declaration name: (identifier) @type_name)
    (enum_declaration name: (identifier) @type_name)
    (record_declaration name: (identifier) @type_name)
    (annotation_type_declaration name: (identifier) @type_name)
    (type_parameter (type_identifier) @type_name)
    (method_declaration name: (identifier) @method_name)
    (field_declaration) @field
    (constant_declaration) @field
    (local_variable_declaration) @local
    (formal_parameter) @param
    (spread_parameter) @param
    (catch_formal_parameter) @catch
    (enhanced_for_statement) @for
    (resource type: (_)) @resource
    (lambda_expression parameters: (identifier) @lambda_param)
    (lambda_expression parameters: (inferred_parameters (identifier) @lambda_param))
    (method_invocation) @call
    (object_creation_expression) @new
    (method_reference) @method_ref
    (class_declaration) @class
    (interface_declaration) @class
    (enum_declaration) @class
    (record_declaration) @class
    """,
)
_CLASS_TYPES = frozenset({"class_declaration", "interface_declaration", "enum_declaration", "record_declaration"})
_LITERALS = frozenset({
    "string_literal", "character_literal", "decimal_integer_literal", "hex_integer_literal",
    "octal_integer_literal", "binary_integer_literal", "decimal_floating_point_literal",
    "hex_floating_point_literal", "true", "false", "null_literal", "class_literal",
})  # fmt: skip
_CONSTANTS = ConstantRules(
    literals=_LITERALS,
    operators=frozenset({"binary_expression", "parenthesized_expression", "unary_expression"}),
)


class JavaScanner(LanguageScanner):
    """``*.java``."""

    language = "java"
    suffixes = (".java",)

    def language_for(self, path: str) -> tree_sitter.Language:
        """The Java grammar."""
        return _LANGUAGE

    def read(self, root: tree_sitter.Node, data: bytes) -> FileFacts:
        """Package, imports and resolved calls of one file."""
        return _JavaFile(root).facts


class _JavaFile:
    """One file's name tables and the resolution of its expressions."""

    def __init__(self, root: tree_sitter.Node) -> None:
        caps = tree_sitter.QueryCursor(_QUERY).captures(root)
        self.facts = FileFacts()
        self.imports = ImportTable(JAVA_LANG)
        self.imports.local_types.update(text(n) for n in caps.get("type_name", ()))
        self.statics: dict[str, Ref] = {}
        self.static_wildcards: list[str] = []
        self.methods = {text(n) for n in caps.get("method_name", ())}
        self.names = Names(self._resolve_declaration)
        self._callees: dict[int, Ref | None] = {}
        for node in caps.get("package", ()):
            name = next((c for c in node.named_children if c.type in ("scoped_identifier", "identifier")), None)
            self.facts.namespace = dotted(name) if name is not None else None
        for node in caps.get("import", ()):
            self._import(node)
        self._declare(caps)
        self.class_names: dict[int, str] = {}
        for node in caps.get("class", ()):
            self._type_declaration(node, caps)
        for node in caps.get("call", ()):
            self._call(node)
        for node in caps.get("new", ()):
            self._new(node)
        for node in caps.get("method_ref", ()):
            self._method_reference(node)

    # ------------------------------------------------------------------ imports and declarations

    def _import(self, node: tree_sitter.Node) -> None:
        kinds = {c.type for c in node.children}
        name = next((c for c in node.named_children if c.type in ("scoped_identifier", "identifier")), None)
        if name is None:
            return
        target = dotted(name)
        line = node.start_point[0] + 1
        static, wildcard = "static" in kinds, "asterisk" in kinds
        if wildcard:
            (self.static_wildcards if static else self.imports.wildcards).append(target)
            kind = "static-wildcard" if static else "wildcard"
            module = package_of(target) if static else target
            self.facts.imports.append(Import(target, None, kind, line, module))
            return
        simple = target.rpartition(".")[2]
        if static:
            ref = self.statics[simple] = Ref(package_of(target.rpartition(".")[0]), target, "static-import")
        else:
            ref = self.imports.bind(simple, target)
        self.facts.imports.append(Import(target, simple, "static" if static else "type", line, ref.module))

    def _class_name(self, node: tree_sitter.Node) -> str:
        """The qualified name of a class declaration (``pkg.Outer.Inner``)."""
        known = self.class_names.get(node.id)
        if known is not None:
            return known
        names = []
        n: tree_sitter.Node | None = node
        while n is not None:
            if n.type in _CLASS_TYPES:
                name = n.child_by_field_name("name")
                names.append(text(name) if name is not None else "?")
            n = n.parent
        prefix = [self.facts.namespace] if self.facts.namespace else []
        qualified = ".".join(prefix + names[::-1])
        self.class_names[node.id] = qualified
        return qualified

    def _type_declaration(self, node: tree_sitter.Node, caps: dict[str, list[tree_sitter.Node]]) -> None:
        supers: list[str] = []
        for c in node.children:
            if c.type in ("superclass", "super_interfaces", "extends_interfaces"):
                types = (
                    c.named_children[0].named_children if c.named_children[0].type == "type_list" else c.named_children
                )
                for t in types:
                    supers.extend(self._super_candidates(t))
        body = node.child_by_field_name("body")
        fields: list[tuple[str, str, str]] = []
        for f in body.named_children if body is not None else ():
            if f.type not in ("field_declaration", "constant_declaration") or _is_private(f):
                continue
            type_node = f.child_by_field_name("type")
            ref = self.type_ref(type_node) if type_node is not None else None
            if ref is None:
                continue
            for d in f.children_by_field_name("declarator"):
                name = d.child_by_field_name("name")
                if name is not None and d.child_by_field_name("dimensions") is None:
                    fields.append((text(name), ref.path, ref.module))
        name = self._class_name(node)
        self.facts.types.append(TypeDeclaration(name, tuple(dict.fromkeys(supers)), tuple(fields)))

    def _super_candidates(self, type_node: tree_sitter.Node) -> list[str]:
        """Every qualified name an ``extends``/``implements`` type may stand for."""
        if type_node.type == "generic_type" and type_node.named_children:
            type_node = type_node.named_children[0]
        ref = self.type_ref(type_node)
        if ref is not None and ref.via != "wildcard":
            return [ref.path, *ref.alternatives]
        if type_node.type != "type_identifier":
            return [ref.path, *ref.alternatives] if ref is not None else []
        name = text(type_node)
        nested = [q for q in self.class_names.values() if q.endswith(f".{name}")]
        return [*nested, *self.imports.same_package_candidates(self.facts.namespace, name)]

    def _owners(self, node: tree_sitter.Node) -> tuple[str, ...]:
        """The classes whose inherited fields a name used at ``node`` may be, innermost first."""
        owners: list[str] = []
        n = node.parent
        while n is not None:
            if n.type in _CLASS_TYPES:
                owners.append(self._class_name(n))
            elif n.type == "object_creation_expression" and any(c.type == "class_body" for c in n.children):
                created = n.child_by_field_name("type")
                ref = self.type_ref(created) if created is not None else None
                if ref is not None:
                    owners.append(ref.path)
                elif created is not None:
                    owners.extend(self._super_candidates(created))
            n = n.parent
        return tuple(owners)

    def _declare(self, caps: dict[str, list[tree_sitter.Node]]) -> None:
        declare = self.names.declare
        for node in caps.get("field", ()):
            scope = node.parent or node
            for d in node.children_by_field_name("declarator"):
                self._declare_declarator(d, scope.start_byte, scope.end_byte, "field", node.child_by_field_name("type"))
        for node in caps.get("local", ()):
            end = node.parent.end_byte if node.parent else node.end_byte
            for d in node.children_by_field_name("declarator"):
                self._declare_declarator(d, node.start_byte, end, "local", node.child_by_field_name("type"))
        for node in caps.get("param", ()):
            owner = node.parent.parent if node.parent and node.parent.parent else node
            name = node.child_by_field_name("name")
            type_node = node.child_by_field_name("type")
            if node.type == "spread_parameter":
                declarator = next((c for c in node.named_children if c.type == "variable_declarator"), None)
                name = declarator.child_by_field_name("name") if declarator else None
                type_node = None  # T... is an array of T
            if name is not None:
                declare(text(name), Declaration(owner.start_byte, owner.end_byte, "parameter", type_node))
        for node in caps.get("catch", ()):
            name, clause = node.child_by_field_name("name"), node.parent or node
            types = [c for c in node.named_children if c.type == "catch_type"]
            single = types[0].named_children if types and len(types[0].named_children) == 1 else []
            if name is not None:
                declare(
                    text(name), Declaration(clause.start_byte, clause.end_byte, "local", single[0] if single else None)
                )
        for node in caps.get("for", ()):
            name = node.child_by_field_name("name")
            if name is not None:
                declare(
                    text(name), Declaration(node.start_byte, node.end_byte, "local", node.child_by_field_name("type"))
                )
        for node in caps.get("resource", ()):
            name, stmt = node.child_by_field_name("name"), node.parent.parent if node.parent else None
            if name is not None and stmt is not None:
                decl = Declaration(node.start_byte, stmt.end_byte, "local", node.child_by_field_name("type"))
                decl.value_node = node.child_by_field_name("value")
                declare(text(name), decl)
        for node in caps.get("lambda_param", ()):
            lam = node.parent if node.parent and node.parent.type == "lambda_expression" else node.parent.parent
            declare(text(node), Declaration(lam.start_byte, lam.end_byte, "parameter"))

    def _declare_declarator(self, d: tree_sitter.Node, start: int, end: int, kind: str, type_node) -> None:
        name = d.child_by_field_name("name")
        if name is None:
            return
        dims = d.child_by_field_name("dimensions")
        decl = Declaration(start, end, kind, None if dims is not None else type_node, d.child_by_field_name("value"))
        self.names.declare(text(name), decl)

    def _resolve_declaration(self, decl: Declaration) -> Ref | None:
        if decl.type_node is not None and text(decl.type_node) != "var":
            return self.type_ref(decl.type_node)
        if decl.value_node is not None and decl.type_node is not None:  # var x = …
            return self.expr_ref(decl.value_node, 0)
        return None

    # ------------------------------------------------------------------------------ resolution

    def type_ref(self, node: tree_sitter.Node) -> Ref | None:
        """The imported type a type node names, if any."""
        t = node.type
        if t == "type_identifier":
            return self.imports.type_named(text(node))
        if t == "generic_type" or t == "annotated_type":
            inner = [c for c in node.named_children if c.type in ("type_identifier", "scoped_type_identifier")]
            return self.type_ref(inner[-1 if t == "annotated_type" else 0]) if inner else None
        if t == "scoped_type_identifier":
            return self.imports.qualified(dotted(node))
        return None

    def expr_ref(self, node: tree_sitter.Node, depth: int) -> Ref | None:
        """What an expression stands for, when it resolves through an import."""
        if depth > MAX_CHAIN:
            return None
        t = node.type
        if t == "identifier":
            return self._name_ref(text(node), node.start_byte)
        if t == "field_access":
            return self._field_access(node, depth)
        if t == "method_invocation":
            callee = self.callee(node, depth + 1)
            return callee.called() if callee is not None else None
        if t in ("object_creation_expression", "cast_expression"):
            type_node = node.child_by_field_name("type")
            return self.type_ref(type_node) if type_node is not None else None
        if t == "parenthesized_expression" and node.named_child_count == 1:
            return self.expr_ref(node.named_children[0], depth + 1)
        return None

    def _name_ref(self, name: str, at: int) -> Ref | None:
        decl = self.names.find(name, at)
        if decl is not None:
            return self.names.ref_of(decl)
        static = self.statics.get(name)
        if static is not None:
            return static
        if name in self.imports.names or name in self.imports.local_types:
            return self.imports.type_named(name)
        if FIELD_NAME.match(name):
            return open_ref(name)
        return self.imports.type_named(name) if name[:1].isupper() else None

    def _field_access(self, node: tree_sitter.Node, depth: int) -> Ref | None:
        obj, fld = node.child_by_field_name("object"), node.child_by_field_name("field")
        if obj is None or fld is None:
            return None
        if obj.type == "this":
            decl = self.names.find(text(fld), node.start_byte, ("field",))
            return self.names.ref_of(decl) if decl is not None else open_ref(text(fld))
        if _is_dotted_name(obj):
            first = dotted(obj).partition(".")[0]
            if first[:1].islower() and self.names.find(first, node.start_byte) is None:
                return self.imports.qualified(dotted(node))
        base = self.expr_ref(obj, depth + 1)
        return base.member(text(fld)) if base is not None else None

    def callee(self, inv: tree_sitter.Node, depth: int = 0) -> Ref | None:
        """The qualified method a ``method_invocation`` calls, when it resolves (each call once:
        the inner calls of a chain are asked for again by the outer ones)."""
        key = inv.id
        if key in self._callees:
            return self._callees[key]
        ref = self._callee(inv, depth)
        self._callees[key] = ref
        return ref

    def _callee(self, inv: tree_sitter.Node, depth: int) -> Ref | None:
        name_node, obj = inv.child_by_field_name("name"), inv.child_by_field_name("object")
        if name_node is None:
            return None
        name = text(name_node)
        if obj is None:
            ref = self.statics.get(name)
            if ref is None and self.static_wildcards and name not in self.methods:
                first, *rest = self.static_wildcards
                ref = Ref(package_of(first), f"{first}.{name}", "wildcard", tuple(f"{w}.{name}" for w in rest))
            return ref
        if obj.type == "super":
            return None
        base = self.expr_ref(obj, depth + 1)
        return base.member(name) if base is not None else None

    # ----------------------------------------------------------------------------------- calls

    def _call(self, inv: tree_sitter.Node) -> None:
        ref = self.callee(inv)
        if ref is None:
            return
        args = inv.child_by_field_name("arguments")
        where = inv.child_by_field_name("name") or inv
        kind = argument_kind(args.named_children if args else (), _CONSTANTS)
        if ref.via == OPEN:
            pending = open_call(ref, self._owners(inv), where, kind)
            if pending is not None:
                self.facts.open_calls.append(pending)
            return
        self.facts.calls.append(call_site(ref, where, kind))

    def _method_reference(self, node: tree_sitter.Node) -> None:
        """``LOG::info`` passed to ``forEach`` is a call of ``Logger.info`` with values from elsewhere."""
        receiver, method = _reference_parts(node)
        if receiver is None or method is None:
            return
        base = self.expr_ref(receiver, 0) if receiver.type in ("identifier", "field_access") else None
        if base is None and receiver.type in ("type_identifier", "scoped_type_identifier", "generic_type"):
            base = self.type_ref(receiver)
        if base is None or base.via == OPEN:
            return
        name = "<init>" if method.type == "new" else text(method)
        self.facts.calls.append(call_site(base.member(name), method, "data"))

    def _new(self, node: tree_sitter.Node) -> None:
        type_node = node.child_by_field_name("type")
        ref = self.type_ref(type_node) if type_node is not None else None
        if ref is None or ref.via == OPEN:
            return
        args = node.child_by_field_name("arguments")
        kind = argument_kind(args.named_children if args else (), _CONSTANTS)
        self.facts.calls.append(call_site(ref.member("<init>"), node, kind))


def _reference_parts(node: tree_sitter.Node) -> tuple[tree_sitter.Node | None, tree_sitter.Node | None]:
    """The receiver (an expression or a type) and the method of ``x::m`` / ``T::new``."""
    named = node.named_children
    method = node.children[-1] if node.children else None
    return (named[0] if named else None), method


def _is_private(declaration: tree_sitter.Node) -> bool:
    """Whether a field declaration says ``private``."""
    mods = next((c for c in declaration.children if c.type == "modifiers"), None)
    return mods is not None and any(c.type == "private" for c in mods.children)


def _is_dotted_name(node: tree_sitter.Node) -> bool:
    """An identifier or a chain of plain field accesses on identifiers (``a.b.c``)."""
    while node.type == "field_access":
        node = node.child_by_field_name("object")
        if node is None:
            return False
    return node.type == "identifier"
