"""Kotlin sources: package, imports (``import a.b.C as D``, wildcards) and resolved calls.

Receivers resolve like in Java (imported names, names written in full, declared properties,
constructor and function parameters, ``for`` and ``catch`` variables, lambda parameters), plus
what Kotlin infers: ``val log = LoggerFactory.getLogger(…)`` takes the call's result
(``org.slf4j.LoggerFactory.getLogger()``), ``val x = Foo()`` the constructed type,
``val log by lazy { … }`` the lambda's last expression. Properties of a ``companion object`` are
seen from the whole enclosing class. ``Foo(…)`` of an imported type is recorded as ``Foo.<init>``.
Extension functions and ``it`` are not resolved.
"""

from __future__ import annotations

import re

import tree_sitter
import tree_sitter_kotlin

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
    open_call,
    open_ref,
    text,
)
from loaders.source.jvm import FIELD_NAME, JAVA_LANG, ImportTable
from planner.reachability.records import Import, TypeDeclaration

_LANGUAGE = tree_sitter.Language(tree_sitter_kotlin.language())
_QUERY = tree_sitter.Query(
    _LANGUAGE,
    """
    (package_header) @package
    (import) @import
    (class_declaration) @class
    (object_declaration) @class
    (type_parameter (identifier) @type_name)
    (class_parameter) @class_param
    (property_declaration) @property
    (parameter) @param
    (lambda_parameters (variable_declaration) @lambda_param)
    (for_statement (variable_declaration) @for_var)
    (catch_block) @catch
    (call_expression) @call
    """,
)
#: names Kotlin files see without an import (kotlin.*, kotlin.collections.*, java.lang.* …)
KOTLIN_IMPLICIT = frozenset({
    "Any", "Array", "Boolean", "Byte", "Char", "CharSequence", "Comparable", "Double", "Enum", "Error",
    "Exception", "Float", "Int", "Iterable", "Iterator", "List", "Long", "Map", "MutableList", "MutableMap",
    "MutableSet", "Nothing", "Number", "Pair", "Result", "Sequence", "Set", "Short", "String", "StringBuilder",
    "Throwable", "Triple", "UByte", "UInt", "ULong", "UShort", "Unit", "Lazy", "Regex", "Collection",
    "MutableCollection", "HashMap", "ArrayList", "HashSet", "LinkedHashMap", "LinkedHashSet",
    "IllegalArgumentException", "IllegalStateException", "RuntimeException", "UnsupportedOperationException",
    "NullPointerException", "IndexOutOfBoundsException", "NoSuchElementException", "System", "Thread", "Class",
    "Object", "Math", "Runnable", "Deprecated", "Suppress", "JvmStatic", "JvmField", "JvmOverloads",
    "Volatile", "Synchronized", "Transient", "Throws",
})  # fmt: skip
_CLASS_TYPES = frozenset({"class_declaration", "object_declaration"})
_INTERPOLATION = re.compile(r"\$[A-Za-z_{]")
_CONSTANTS = ConstantRules(
    literals=frozenset(
        {"string_literal", "multiline_string_literal", "number_literal", "float_literal", "character_literal"}
        | {"identifier"}  # true, false and null are identifiers in this grammar; the check below
    ),
    operators=frozenset({"binary_expression", "parenthesized_expression", "unary_expression", "value_argument"}),
    interpolated=lambda n: (
        text(n) not in ("true", "false", "null")
        if n.type == "identifier"
        else n.type.endswith("string_literal")
        and (any(c.type == "interpolation" for c in n.children) or bool(_INTERPOLATION.search(text(n))))
    ),
)


class KotlinScanner(LanguageScanner):
    """``*.kt`` and ``*.kts``."""

    language = "kotlin"
    suffixes = (".kt", ".kts")

    def language_for(self, path: str) -> tree_sitter.Language:
        """The Kotlin grammar."""
        return _LANGUAGE

    def read(self, root: tree_sitter.Node, data: bytes) -> FileFacts:
        """Package, imports and resolved calls of one file."""
        return _KotlinFile(root).facts


class _KotlinFile:
    """One file's name tables and the resolution of its expressions."""

    def __init__(self, root: tree_sitter.Node) -> None:
        caps = tree_sitter.QueryCursor(_QUERY).captures(root)
        self.facts = FileFacts()
        self.imports = ImportTable(KOTLIN_IMPLICIT | JAVA_LANG)
        self.imports.local_types.update(text(n) for n in caps.get("type_name", ()))
        self.names = Names(self._resolve_declaration)
        self.class_names: dict[int, str] = {}
        for node in caps.get("package", ()):
            self.facts.namespace = _qualified_identifier(node)
        for node in caps.get("import", ()):
            self._import(node)
        for node in caps.get("class", ()):
            name = node.child_by_field_name("name")
            if name is not None:
                self.imports.local_types.add(text(name))
        self._declare(caps)
        for node in caps.get("class", ()):
            self._type_declaration(node)
        for node in caps.get("call", ()):
            self._call(node)

    # ------------------------------------------------------------------ imports and declarations

    def _import(self, node: tree_sitter.Node) -> None:
        target = _qualified_identifier(node)
        if not target:
            return
        line = node.start_point[0] + 1
        if any(c.type == "*" for c in node.children):
            self.imports.wildcards.append(target)
            self.facts.imports.append(Import(target, None, "wildcard", line, target))
            return
        alias = next((c for c in node.named_children if c.type == "identifier"), None)
        local = text(alias) if alias is not None else target.rpartition(".")[2]
        ref = self.imports.bind(local, target)
        kind = "type" if target.rpartition(".")[2][:1].isupper() else "member"
        self.facts.imports.append(Import(target, local, kind, line, ref.module))

    def _declare(self, caps: dict[str, list[tree_sitter.Node]]) -> None:
        declare = self.names.declare
        for node in caps.get("class_param", ()):
            cls = _ancestor(node, _CLASS_TYPES) or node
            name = _first(node, "identifier")
            if name is not None:
                declare(text(name), Declaration(cls.start_byte, cls.end_byte, "field", _type_child(node)))
        for node in caps.get("property", ()):
            self._declare_property(node)
        for node in caps.get("param", ()):
            owner = node.parent.parent if node.parent and node.parent.parent else node
            name = _first(node, "identifier")
            if name is not None:
                declare(text(name), Declaration(owner.start_byte, owner.end_byte, "parameter", _type_child(node)))
        for node in caps.get("lambda_param", ()):
            lam = _ancestor(node, ("lambda_literal",)) or node
            name = _first(node, "identifier")
            if name is not None:
                declare(text(name), Declaration(lam.start_byte, lam.end_byte, "parameter", _type_child(node)))
        for node in caps.get("for_var", ()):
            stmt = node.parent or node
            name = _first(node, "identifier")
            if name is not None:
                declare(text(name), Declaration(stmt.start_byte, stmt.end_byte, "local", _type_child(node)))
        for node in caps.get("catch", ()):
            name = _first(node, "identifier")
            if name is not None:
                declare(text(name), Declaration(node.start_byte, node.end_byte, "local", _type_child(node)))

    def _declare_property(self, node: tree_sitter.Node) -> None:
        var = _first(node, "variable_declaration")
        name = _first(var, "identifier") if var is not None else None
        if name is None:
            return
        parent = node.parent
        if parent is not None and parent.type == "class_body":
            scope = parent.parent if parent.parent is not None and parent.parent.type == "companion_object" else parent
            scope = scope.parent if scope.type == "companion_object" and scope.parent is not None else scope
            start, end, kind = scope.start_byte, scope.end_byte, "field"
        elif parent is None or parent.type == "source_file":
            start, end, kind = 0, node.end_byte if parent is None else parent.end_byte, "field"
        else:
            start, end, kind = node.start_byte, parent.end_byte, "local"
        self.names.declare(text(name), Declaration(start, end, kind, _type_child(var), _initializer(node)))

    def _resolve_declaration(self, decl: Declaration) -> Ref | None:
        if decl.type_node is not None:
            return self.type_ref(decl.type_node)
        return self.expr_ref(decl.value_node, 0) if decl.value_node is not None else None

    def _type_declaration(self, node: tree_sitter.Node) -> None:
        supers: list[str] = []
        specs = _first(node, "delegation_specifiers")
        for spec in specs.named_children if specs is not None else ():
            user_type = _find_user_type(spec)
            if user_type is not None:
                ref = self.type_ref(user_type)
                name = _user_type_name(user_type)
                known = ref is not None and ref.via != "wildcard"
                supers.extend([ref.path] if known else self._candidates(name))
        fields: list[tuple[str, str, str]] = []
        for name, decl in self._class_fields(node):
            ref = self.names.ref_of(decl)
            if ref is not None and ref.via != OPEN:
                fields.append((name, ref.path, ref.module))
        self.facts.types.append(TypeDeclaration(self._class_name(node), tuple(dict.fromkeys(supers)), tuple(fields)))

    def _class_fields(self, node: tree_sitter.Node) -> list[tuple[str, Declaration]]:
        """The non-private properties of a class (constructor ``val``/``var`` and body properties)."""
        out: list[tuple[str, Declaration]] = []
        ctor = _first(node, "primary_constructor")
        params = _first(ctor, "class_parameters") if ctor is not None else None
        members = list(params.named_children) if params is not None else []
        body = _first(node, "class_body")
        members += [c for c in body.named_children if c.type == "property_declaration"] if body is not None else []
        for m in members:
            if _is_private(m) or (
                m.type == "class_parameter" and not any(c.type in ("val", "var") for c in m.children)
            ):
                continue
            var = m if m.type == "class_parameter" else _first(m, "variable_declaration")
            name = _first(var, "identifier") if var is not None else None
            decl = self.names.find(text(name), name.start_byte) if name is not None else None
            if decl is not None:
                out.append((text(name), decl))
        return out

    def _class_name(self, node: tree_sitter.Node) -> str:
        known = self.class_names.get(node.id)
        if known is None:
            names = []
            n: tree_sitter.Node | None = node
            while n is not None:
                if n.type in _CLASS_TYPES:
                    name = n.child_by_field_name("name")
                    names.append(text(name) if name is not None else "?")
                n = n.parent
            prefix = [self.facts.namespace] if self.facts.namespace else []
            known = self.class_names[node.id] = ".".join(prefix + names[::-1])
        return known

    def _candidates(self, name: str) -> list[str]:
        nested = [q for q in self.class_names.values() if q.endswith(f".{name}")]
        return [*nested, *self.imports.same_package_candidates(self.facts.namespace, name)]

    # ------------------------------------------------------------------------------ resolution

    def type_ref(self, node: tree_sitter.Node) -> Ref | None:
        """The imported type a type node names, if any."""
        user_type = _find_user_type(node)
        return self.imports.qualified(_user_type_name(user_type)) if user_type is not None else None

    def expr_ref(self, node: tree_sitter.Node, depth: int) -> Ref | None:
        """What an expression stands for, when it resolves through an import."""
        if depth > MAX_CHAIN:
            return None
        t = node.type
        if t == "identifier":
            return self._name_ref(text(node), node.start_byte)
        if t == "navigation_expression":
            return self._navigation(node, depth)
        if t == "call_expression":
            callee, is_type = self._callee(node, depth + 1)
            return None if callee is None else callee if is_type else callee.called()
        if t == "as_expression":
            right = node.child_by_field_name("right")
            return self.type_ref(right) if right is not None else None
        if t in ("parenthesized_expression", "unary_expression") and node.named_child_count >= 1:
            inner = node.child_by_field_name("argument") or node.named_children[0]
            return self.expr_ref(inner, depth + 1)
        return None

    def _name_ref(self, name: str, at: int) -> Ref | None:
        decl = self.names.find(name, at)
        if decl is not None:
            return self.names.ref_of(decl)
        if name in self.imports.names or name in self.imports.local_types:
            return self.imports.type_named(name)
        if FIELD_NAME.match(name):
            return open_ref(name)
        return self.imports.type_named(name) if name[:1].isupper() else None

    def _navigation(self, node: tree_sitter.Node, depth: int) -> Ref | None:
        parts = node.named_children
        if len(parts) != 2 or parts[1].type != "identifier" or any(c.type == "::" for c in node.children):
            return None
        obj, member = parts[0], text(parts[1])
        if obj.type == "this_expression":
            decl = self.names.find(member, node.start_byte, ("field",))
            return self.names.ref_of(decl) if decl is not None else open_ref(member)
        name = _dotted_identifiers(obj)
        if name is not None and name[:1].islower() and self.names.find(name.partition(".")[0], node.start_byte) is None:
            first = name.partition(".")[0]
            qualified = self.imports.qualified(f"{name}.{member}") if first not in self.imports.names else None
            if qualified is not None:
                return qualified
        base = self.expr_ref(obj, depth + 1)
        return base.member(member) if base is not None else None

    def _callee(self, call: tree_sitter.Node, depth: int) -> tuple[Ref | None, bool]:
        """The qualified function a call calls, and whether it constructs a type."""
        fn = call.named_children[0] if call.named_child_count else None
        if fn is None:
            return None, False
        ref = self.expr_ref(fn, depth)
        last = fn if fn.type == "identifier" else fn.named_children[-1] if fn.type == "navigation_expression" else None
        is_type = ref is not None and last is not None and text(last)[:1].isupper() and ref.via != OPEN
        return ref, is_type

    # ----------------------------------------------------------------------------------- calls

    def _call(self, call: tree_sitter.Node) -> None:
        ref, is_type = self._callee(call, 0)
        if ref is None:
            return
        fn = call.named_children[0]
        where = fn.named_children[-1] if fn.type == "navigation_expression" and fn.named_children else fn
        args = [c for c in call.named_children[1:] if c.type in ("value_arguments", "annotated_lambda")]
        values = [a for group in args for a in (group.named_children if group.type == "value_arguments" else [group])]
        kind = argument_kind(values, _CONSTANTS)
        if ref.via == OPEN:
            owners = tuple(self._class_name(n) for n in _ancestors(call, _CLASS_TYPES))
            pending = open_call(ref, owners, where, kind)
            if pending is not None:
                self.facts.open_calls.append(pending)
            return
        self.facts.calls.append(call_site(ref.member("<init>") if is_type else ref, where, kind))


# ------------------------------------------------------------------------------------ helpers


def _first(node: tree_sitter.Node | None, kind: str) -> tree_sitter.Node | None:
    if node is None:
        return None
    return next((c for c in node.named_children if c.type == kind), None)


def _ancestor(node: tree_sitter.Node, kinds) -> tree_sitter.Node | None:
    n = node.parent
    while n is not None and n.type not in kinds:
        n = n.parent
    return n


def _ancestors(node: tree_sitter.Node, kinds) -> list[tree_sitter.Node]:
    out, n = [], node.parent
    while n is not None:
        if n.type in kinds:
            out.append(n)
        n = n.parent
    return out


def _qualified_identifier(node: tree_sitter.Node) -> str:
    q = _first(node, "qualified_identifier") or _first(node, "identifier")
    if q is None:
        return ""
    return ".".join(text(c) for c in q.named_children if c.type == "identifier") if q.named_children else text(q)


def _type_child(node: tree_sitter.Node | None) -> tree_sitter.Node | None:
    if node is None:
        return None
    return next((c for c in node.named_children if c.type in ("user_type", "nullable_type", "non_nullable_type")), None)


def _find_user_type(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The user type inside a type node (through ``T?``, ``T & Any``, supertype wrappers)."""
    n: tree_sitter.Node | None = node
    for _ in range(4):
        if n is None or n.type == "user_type":
            return n
        n = next((c for c in n.named_children if c.type != "value_arguments"), None)
    return None


def _user_type_name(user_type: tree_sitter.Node) -> str:
    return ".".join(text(c) for c in user_type.named_children if c.type == "identifier")


def _dotted_identifiers(node: tree_sitter.Node) -> str | None:
    """``a.b.c`` when a navigation chain is made of plain identifiers only, else None."""
    parts: list[str] = []
    while node.type == "navigation_expression":
        kids = node.named_children
        if len(kids) != 2 or kids[1].type != "identifier":
            return None
        parts.append(text(kids[1]))
        node = kids[0]
    if node.type != "identifier":
        return None
    parts.append(text(node))
    return ".".join(reversed(parts))


def _initializer(prop: tree_sitter.Node) -> tree_sitter.Node | None:
    """A property's value: the expression after ``=``, or the last expression of ``by lazy { … }``."""
    seen_eq = False
    for c in prop.children:
        if c.type == "=":
            seen_eq = True
        elif seen_eq and c.is_named:
            return c
        elif c.type == "property_delegate":
            call = _first(c, "call_expression")
            lam = _first(_first(call, "annotated_lambda"), "lambda_literal") if call is not None else None
            body = [x for x in lam.named_children if x.type not in ("lambda_parameters",)] if lam is not None else []
            return body[-1] if body else None
    return None


def _is_private(node: tree_sitter.Node) -> bool:
    mods = _first(node, "modifiers")
    return mods is not None and "private" in text(mods).split()
