"""What Java and Kotlin share: qualified names, and the table of imported names of a file."""

from __future__ import annotations

import re

from loaders.source.core import Ref
from planner.reachability.naming import jvm_package as package_of

#: public types of java.lang (imported implicitly in Java and Kotlin, so never taken from a wildcard)
JAVA_LANG = frozenset({
    "AbstractMethodError", "Appendable", "ArithmeticException", "ArrayIndexOutOfBoundsException",
    "ArrayStoreException", "AssertionError", "AutoCloseable", "Boolean", "BootstrapMethodError", "Byte",
    "Character", "CharSequence", "Class", "ClassCastException", "ClassCircularityError", "ClassFormatError",
    "ClassLoader", "ClassNotFoundException", "ClassValue", "CloneNotSupportedException", "Cloneable",
    "Comparable", "Deprecated", "Double", "Enum", "EnumConstantNotPresentException", "Error", "Exception",
    "ExceptionInInitializerError", "Float", "FunctionalInterface", "IllegalAccessError",
    "IllegalAccessException", "IllegalArgumentException", "IllegalCallerException",
    "IllegalMonitorStateException", "IllegalStateException", "IllegalThreadStateException",
    "IncompatibleClassChangeError", "IndexOutOfBoundsException", "InheritableThreadLocal",
    "InstantiationError", "InstantiationException", "Integer", "InternalError", "InterruptedException",
    "Iterable", "LayerInstantiationException", "LinkageError", "Long", "MatchException", "Math", "Module",
    "ModuleLayer", "NegativeArraySizeException", "NoClassDefFoundError", "NoSuchFieldError",
    "NoSuchFieldException", "NoSuchMethodError", "NoSuchMethodException", "NullPointerException", "Number",
    "NumberFormatException", "Object", "OutOfMemoryError", "Override", "Package", "Process", "ProcessBuilder",
    "ProcessHandle", "Readable", "Record", "ReflectiveOperationException", "Runnable", "Runtime",
    "RuntimeException", "SafeVarargs", "ScopedValue", "SecurityException", "Short", "StackOverflowError",
    "StackTraceElement", "StackWalker", "StrictMath", "String", "StringBuffer", "StringBuilder",
    "StringIndexOutOfBoundsException", "SuppressWarnings", "System", "Thread", "ThreadDeath", "ThreadGroup",
    "ThreadLocal", "Throwable", "TypeNotPresentException", "UnknownError", "UnsatisfiedLinkError",
    "UnsupportedClassVersionError", "UnsupportedOperationException", "VerifyError", "VirtualMachineError",
    "Void", "WrongThreadException",
})  # fmt: skip
#: a name that reads like a field or variable (``log``, ``m_log``, ``LOG``), not like a Type
FIELD_NAME = re.compile(r"^(?:[a-z_$][\w$]*|[A-Z][A-Z0-9_$]*)$")


class ImportTable:
    """The names a file imports, the wildcard packages it opens and the types it declares itself.

    ``implicit`` are the names every file sees without an import (``java.lang``, Kotlin's default
    imports): they are never taken from a wildcard import.
    """

    def __init__(self, implicit: frozenset[str]) -> None:
        self.names: dict[str, Ref] = {}
        self.wildcards: list[str] = []
        self.local_types: set[str] = set()
        self.implicit = implicit

    def bind(self, name: str, target: str, via: str = "import") -> Ref:
        """Bind ``name`` to the imported ``target``."""
        ref = Ref(package_of(target), target, via)
        self.names[name] = ref
        return ref

    def type_named(self, name: str) -> Ref | None:
        """The type a simple name stands for: imported, else (for a capitalised name that is not
        declared here nor implicit) inferred from the wildcard imports, the first one first."""
        if name in self.local_types:
            return None
        ref = self.names.get(name)
        if ref is not None or name in self.implicit or not self.wildcards or not name[:1].isupper() or "_" in name:
            return ref
        first, *rest = self.wildcards
        return Ref(first, f"{first}.{name}", "wildcard", tuple(f"{w}.{name}" for w in rest))

    def qualified(self, name: str) -> Ref | None:
        """``Outer.Inner`` through an import, or a fully qualified ``org.x.Type``."""
        first, _, rest = name.partition(".")
        head = self.type_named(first) if first in self.names or first[:1].isupper() else None
        if head is not None:
            return head.member(rest) if rest else head
        if first[:1].islower() and any(p[:1].isupper() for p in name.split(".")[1:]):
            return Ref(package_of(name), name, "qualified")
        return None

    def same_package_candidates(self, namespace: str | None, name: str) -> list[str]:
        """Where an unimported type name may live: this package, then each wildcard package."""
        same = f"{namespace}.{name}" if namespace else name
        return [same, *(f"{w}.{name}" for w in self.wildcards)]
