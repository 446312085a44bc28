"""Which Gradle project a directory is, computed the same way by every Gradle loader.

A Gradle build unit is a project of a build: the directory of a ``settings.gradle(.kts)`` is the
root project, every ``include``-d path a subproject (``:core:data`` lives in ``core/data`` unless
``project(":core:data").projectDir`` says otherwise). The settings, build, lockfile and
dependency-output loaders all describe a project through :func:`loaders.gradle._describe.describe`, which reads the same
files through the context, so they emit the identical ``Project`` record and key:

* **Which build**: the nearest ``settings.gradle(.kts)`` at or above the directory whose build
  includes the directory (so ``build-logic/convention`` belongs to ``build-logic/settings.gradle.kts``,
  an included build, not to the root build); without one, the directory is a build of its own.
* **Name**: the last segment of the project path; the root project is ``rootProject.name``, else the
  settings directory's name (the repository name for the repository root).
* **Group and version** (only static string values): the project's own build script
  (``group = "..."``), else the root script's ``allprojects {}`` (or, for a subproject,
  ``subprojects {}``), else ``gradle.properties`` in the project directory, else the root's.
  This is Gradle's evaluation order (properties first, root script, then the project's script).
* **Key**: ``project_key(repo, dir, pkg:maven/<group>/<name>)`` when the group is known, else
  ``pkg:generic/<root name>/<path segments>`` (``pkg:generic/nowinandroid/core/data``; the root
  project is ``pkg:generic/<root name>``).
* **Manifest**: the project's build script, else the settings file that declares it.
* **Kind**: ``application`` when a plugin id or catalog alias ends in ``application``, ``test`` for
  ``com.android.test``-style plugins, ``library`` for ``java-library``/``*.library``/``kotlin-dsl``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from loaders.gradle import _lex as lex
from planner import purl as purls

#: configurations that resolve a build tool's own classpath, never what the project ships (scope ``build``):
#: the build script, annotation processors and compiler plugins (kapt, ksp, Kotlin compiler classpaths),
#: static analysis (spotbugs, checkstyle, pmd, codenarc, detekt, ktlint, errorprone, Android lint),
#: coverage agents (jacoco), documentation (dokka) and code generators (protobuf) — issue 12, finding 4
_TOOL_CONFIGURATION = re.compile(
    r"(?i)^(?:classpath|buildscript\w*|settings\w*|kapt\w*|ksp\w*|\w*annotationProcessor|lintChecks|lintPublish|"
    r"lintClassPath|detekt\w*|baselineProfile|errorprone\w*|compileOnlyProcessor|coreLibraryDesugaringProcessor|"
    r"checkstyle|pmd\w*|codenarc|jdepend|spotbugs\w*|jacoco\w*|ktlint\w*|protobuf|dokka\w*|"
    r"kotlin\w*CompilerClasspath|kotlin\w*PluginClasspath\w*|kotlinKlibCommonizerClasspath|kotlinBuildToolsApiClasspath)$"
)


def is_tool_configuration(conf: str) -> bool:
    """Whether a Gradle configuration resolves a build tool's classpath (``spotbugs``, ``kapt``,
    ``annotationProcessor``, ``testAnnotationProcessor``, ``jacocoAgent`` ...): scope ``build``."""
    return bool(_TOOL_CONFIGURATION.match(conf))


SETTINGS_FILES = ("settings.gradle.kts", "settings.gradle")
BUILD_FILES = ("build.gradle.kts", "build.gradle")
MAX_SCRIPT_CHARS = 2_000_000
_ACCESSOR_SEPARATORS = str.maketrans("", "", "-_. ")


@lru_cache(maxsize=16384)
def maven_purl(group: str, artifact: str, version: str | None = None) -> str:
    """``purl.maven(...)`` as a key (versioned when a version is given), memoised: building purls is
    the costliest step of a large build script or lockfile. Raises ``ValueError`` like ``purl.maven``."""
    p = purls.maven(group, artifact, version)
    return p.key if version else p.package


def join(directory: str, *names: str) -> str:
    """A normalised repo-relative path (``.`` for the root; never starting with ``./``)."""
    path = posixpath.normpath(posixpath.join(directory, *names)) if names else posixpath.normpath(directory)
    return "." if path in ("", ".") else path


def accessor_key(segments: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The key a type-safe accessor and a project path share: ``data-test`` and ``dataTest`` → ``datatest``."""
    return tuple(s.translate(_ACCESSOR_SEPARATORS).lower() for s in segments)


@dataclass(slots=True)
class Settings:
    """What a ``settings.gradle(.kts)`` says statically."""

    path: str  # repo-relative path of the settings file
    directory: str
    root_name: str | None = None
    projects: dict[str, str] = field(default_factory=dict)  # ":a:b" -> repo-relative dir (includes parents)
    explicit: dict[str, int] = field(default_factory=dict)  # explicitly included path -> line
    included_builds: list[tuple[str, int]] = field(default_factory=list)
    catalogs: dict[str, tuple[str | None, int]] = field(default_factory=dict)  # name -> (toml path, line)
    warnings: list[tuple[int | None, str]] = field(default_factory=list)

    def path_of(self, directory: str) -> str | None:
        """The project path of a directory in this build (``:`` for the root), if it is one."""
        if directory == self.directory:
            return ":"
        for p, d in self.projects.items():
            if d == directory:
                return p
        return None

    def accessors(self) -> dict[tuple[str, ...], str]:
        """``projects.a.bC`` accessor key → project path, for every project of the build."""
        return {accessor_key(p.strip(":").split(":")): p for p in self.projects}

    def catalog_paths(self, exists: Callable[[str], bool]) -> dict[str, str]:
        """Catalog name → repo-relative TOML path, including the default ``libs`` when its file exists."""
        out = {name: path for name, (path, _) in self.catalogs.items() if path}
        default = join(self.directory, "gradle/libs.versions.toml")
        if "libs" not in self.catalogs and exists(default):
            out["libs"] = default
        return out


@lru_cache(maxsize=256)
def parse_settings(text: str, path: str) -> Settings:
    """Parse a settings script (path is repo-relative; its directory is the root project's)."""
    directory = join(posixpath.dirname(path) or ".")
    settings = Settings(path, directory)
    if len(text) > MAX_SCRIPT_CHARS or "\x00" in text:
        settings.warnings.append((1, "not a readable settings script (binary or too large); no projects read"))
        return settings
    script = lex.tokenize(text, path.endswith(".kts"))
    for offset, message in script.problems:
        settings.warnings.append((script.line(offset), message))
    toks = script.tokens
    overrides: dict[str, str] = {}
    i = 0
    while i < len(toks):
        tok = toks[i]
        prev = toks[i - 1] if i else None
        if tok.kind != lex.IDENT or (prev is not None and prev.kind == lex.PUNCT and prev.text == "."):
            i += 1
            continue
        word = tok.text
        if word in ("include", "includeFlat"):
            i = _read_include(script, i, settings, overrides)
        elif word == "rootProject" and _next_is(toks, i + 1, ".", "name"):
            value = _assigned_string(script, i + 3)
            if value is not None:
                settings.root_name = value
            i += 3
        elif word == "project" and _next_is(toks, i + 1, "("):
            _read_project_dir(script, i, settings, overrides)
            i += 1
        elif word == "includeBuild":
            i = _read_include_build(script, i, settings)
        elif word == "versionCatalogs" and _next_is(toks, i + 1, "{"):
            _catalogs(script, i + 1, settings)
            i += 2
        else:
            i += 1
    _layout(settings, overrides)
    return settings


def _read_include(script: lex.Script, i: int, settings: Settings, overrides: dict[str, str]) -> int:
    """Record the projects of an ``include``/``includeFlat`` call at token ``i``; the index after it."""
    toks = script.tokens
    word = toks[i].text
    start, end = _call_args(script, i)
    line = script.token_line(i)
    for a, b in lex.split_top(script, start, end):
        strings = [t for t in toks[a:b] if t.kind == lex.STRING]
        if not strings or any(not s.is_static_string for s in strings):
            settings.warnings.append((line, f"{word} with a computed argument: {script.source_text(a, b)}"))
            continue
        for s in strings:
            _include(settings, overrides, s.value, word == "includeFlat", line)
    return max(end, i + 1)


def _read_project_dir(script: lex.Script, i: int, settings: Settings, overrides: dict[str, str]) -> None:
    """Record ``project(":a").projectDir = ...`` at token ``i`` as a directory override (or warn)."""
    toks = script.tokens
    close = script.match[i + 1]
    arg = toks[i + 2] if i + 2 < len(toks) else None
    if arg is None or not arg.is_static_string or close != i + 3 or not _next_is(toks, close + 1, ".", "projectDir"):
        return
    target = _dir_expression(script, close + 4, settings.directory)
    ppath = _canonical(arg.value)
    if target is None:
        settings.warnings.append(
            (script.token_line(i), f"projectDir of {ppath} is computed; the default directory is used")
        )
    else:
        overrides[ppath] = target


def _read_include_build(script: lex.Script, i: int, settings: Settings) -> int:
    """Record the directory of an ``includeBuild`` call at token ``i``; the index after it."""
    toks = script.tokens
    start, end = _call_args(script, i)
    for a, _b in lex.split_top(script, start, end)[:1]:
        if toks[a].is_static_string:
            settings.included_builds.append((join(settings.directory, toks[a].value), script.token_line(a)))
    return max(end, i + 1)


def _next_is(toks: list[lex.Token], i: int, *texts: str) -> bool:
    for k, t in enumerate(texts):
        j = i + k
        if j >= len(toks) or toks[j].text != t or toks[j].kind == lex.STRING:
            return False
    return True


def _call_args(script: lex.Script, i: int) -> tuple[int, int]:
    """Argument token range of a call at ``i``: ``f(...)`` or Groovy command syntax ``f a, b`` (to the line end)."""
    toks = script.tokens
    if i + 1 < len(toks) and toks[i + 1].kind == lex.PUNCT and toks[i + 1].text == "(":
        return i + 2, min(script.match[i + 1], len(toks))
    return i + 1, statement_end(script, i + 1)


def statement_end(script: lex.Script, i: int) -> int:
    """End (exclusive) of a Groovy/Kotlin statement starting at ``i``: a newline or ``;`` outside brackets,
    unless the line ends with ``,`` or an operator (a continuation), or a ``}`` closing an outer block."""
    toks, match = script.tokens, script.match
    n = len(toks)
    while i < n:
        t = toks[i]
        if t.kind == lex.PUNCT:
            if t.text in "([{":
                i = max(i + 1, match[i] + 1)
                continue
            if t.text in ")]};":
                return i
        elif t.kind == lex.NL:
            prev = toks[i - 1] if i else None
            nxt = toks[i + 1] if i + 1 < n else None
            if prev is not None and prev.kind == lex.PUNCT and prev.text in ",+=.:?&|":
                i += 1
                continue
            if nxt is not None and nxt.kind == lex.PUNCT and nxt.text in ".+?:":
                i += 1  # a chained call or an operator continues on the next line
                continue
            return i
        i += 1
    return n


def _assigned_string(script: lex.Script, i: int) -> str | None:
    toks = script.tokens
    if i < len(toks) and toks[i].text == "=" and toks[i].kind == lex.PUNCT:
        i += 1
    end = statement_end(script, i)
    if end == i + 1 and toks[i].is_static_string:
        return toks[i].value
    return None


def _canonical(project_path: str) -> str:
    return ":" + project_path.strip().strip(":")


def _include(settings: Settings, overrides: dict[str, str], raw: str, flat: bool, line: int) -> None:
    if not raw.strip(":").strip():
        settings.warnings.append((line, f"include of an empty project path {raw!r}; ignored"))
        return
    path = _canonical(raw)
    settings.explicit.setdefault(path, line)
    if flat:
        overrides.setdefault(path, join(settings.directory, "..", path.strip(":").split(":")[-1]))


def _dir_expression(script: lex.Script, i: int, directory: str) -> str | None:
    """The directory of ``= file("x")`` / ``= new File(settingsDir, "x")`` / ``= file("$rootDir/x")``."""
    toks = script.tokens
    if i < len(toks) and toks[i].text == "=":
        i += 1
    end = statement_end(script, i)
    strings = [t for t in toks[i:end] if t.kind == lex.STRING]
    if len(strings) != 1:
        return None
    parts = []
    for p in strings[0].parts:
        if p.is_expr:
            if p.text not in ("rootDir", "settingsDir", "rootProject.projectDir"):
                return None
            continue
        parts.append(p.text)
    rel = "".join(parts).lstrip("/") if strings[0].parts[0].is_expr else "".join(parts)
    if posixpath.isabs(rel):
        return None
    target = join(directory, rel)
    return None if target.startswith("..") and target != ".." and not target.startswith("../") else target


def _catalogs(script: lex.Script, open_idx: int, settings: Settings) -> None:
    toks = script.tokens
    close = min(script.match[open_idx], len(toks))
    for i in range(open_idx + 1, close):
        t = toks[i]
        if t.kind == lex.IDENT and t.text in ("create", "register") and _next_is(toks, i + 1, "("):
            name_tok = toks[i + 2] if i + 2 < len(toks) else None
            if name_tok is None or not name_tok.is_static_string:
                continue
            after = script.match[i + 1] + 1
            path = None
            if after < len(toks) and toks[after].text == "{":
                body_end = min(script.match[after], len(toks))
                for j in range(after + 1, body_end):
                    if toks[j].kind == lex.IDENT and toks[j].text == "files" and _next_is(toks, j + 1, "("):
                        arg = toks[j + 2] if j + 2 < len(toks) else None
                        if arg is not None and arg.is_static_string:
                            path = join(settings.directory, arg.value)
            line = script.token_line(i)
            if path is None:
                settings.warnings.append(
                    (
                        line,
                        f"version catalog {name_tok.value!r} is not read from a local file; "
                        "its aliases stay unresolved",
                    )
                )
            settings.catalogs[name_tok.value] = (path, line)


def _layout(settings: Settings, overrides: dict[str, str]) -> None:
    every: set[str] = set()
    for p in settings.explicit:
        segs = p.strip(":").split(":")
        for k in range(1, len(segs) + 1):
            every.add(":" + ":".join(segs[:k]))
    for p in sorted(every, key=lambda x: (x.count(":"), x)):
        if p in overrides:
            settings.projects[p] = overrides[p]
            continue
        parent, _, last = p.rpartition(":")
        base = settings.projects.get(parent, settings.directory) if parent else settings.directory
        settings.projects[p] = join(base, last)


# ------------------------------------------------------------------------------------ build facts


@dataclass(frozen=True, slots=True)
class BuildFacts:
    """Static facts of a build script that identify its project."""

    group: str | None = None
    version: str | None = None
    all_group: str | None = None  # allprojects { group = ... }
    all_version: str | None = None
    sub_group: str | None = None  # subprojects { group = ... }
    sub_version: str | None = None
    plugins: tuple[str, ...] = ()
    publishes: bool = False


@lru_cache(maxsize=512)
def build_facts(text: str, kotlin: bool) -> BuildFacts:
    """Group, version, plugins and publishing of a build script (static values only)."""
    if len(text) > MAX_SCRIPT_CHARS or "\x00" in text:
        return BuildFacts()
    script = lex.tokenize(text, kotlin)
    toks, match = script.tokens, script.match
    values: dict[tuple[str, str], str] = {}
    plugins: list[str] = []
    publishes = False
    stack: list[tuple[str, int]] = []  # (label, close index)
    i = 0
    while i < len(toks):
        while stack and i >= stack[-1][1]:
            stack.pop()
        t = toks[i]
        if t.kind == lex.PUNCT and t.text == "{":
            label = lex.block_label(script, i)
            stack.append((label, match[i]))
            if label == "plugins":
                plugins.extend(_plugin_ids(script, i + 1, min(match[i], len(toks))))
            elif label == "publishing":
                publishes = True
            i += 1
            continue
        if t.kind == lex.IDENT and t.text in ("group", "version"):
            prev = toks[i - 1] if i else None
            dotted = prev is not None and prev.text == "." and prev.kind == lex.PUNCT
            owner = toks[i - 2].text if dotted and i >= 2 else None
            labels = [s[0] for s in stack]
            where = None
            if not labels and (not dotted or owner == "project"):
                where = "own"
            elif labels in (["allprojects"], ["subprojects"]) and (not dotted or owner in ("project", "it")):
                where = labels[0]
            if where is not None and i + 1 < len(toks) and toks[i + 1].text == "=":
                value = _assigned_string(script, i + 1)
                if value is not None:
                    values.setdefault((where, t.text), value)
        elif t.kind == lex.IDENT and t.text == "apply" and _next_is(toks, i + 1, "plugin"):
            end = statement_end(script, i)
            plugins.extend(s.value for s in toks[i:end] if s.is_static_string)
        i += 1
    publishes = publishes or any("publish" in p for p in plugins)
    return BuildFacts(
        group=values.get(("own", "group")),
        version=values.get(("own", "version")),
        all_group=values.get(("allprojects", "group")),
        all_version=values.get(("allprojects", "version")),
        sub_group=values.get(("subprojects", "group")),
        sub_version=values.get(("subprojects", "version")),
        plugins=tuple(plugins),
        publishes=publishes,
    )


def _plugin_ids(script: lex.Script, start: int, end: int) -> list[str]:
    toks = script.tokens
    ids = []
    i = start
    while i < end:
        t = toks[i]
        at_start = i == start or toks[i - 1].kind == lex.NL or toks[i - 1].text in ";{"
        if t.kind == lex.IDENT and at_start:
            if t.text in ("id", "kotlin") and i + 1 < end:
                nxt = toks[i + 2] if toks[i + 1].text == "(" else toks[i + 1]
                if nxt.is_static_string:
                    ids.append(nxt.value if t.text == "id" else f"org.jetbrains.kotlin.{nxt.value}")
            elif t.text == "alias" and _next_is(toks, i + 1, "("):
                close = min(script.match[i + 1], end)
                names = [x.text for x in toks[i + 2 : close] if x.kind == lex.IDENT]
                if len(names) > 2 and names[1] == "plugins":
                    ids.append(".".join(names[2:]))
            elif t.text not in ("apply", "version"):
                ids.append(t.text)
        i = statement_end(script, i) + 1 if t.kind == lex.IDENT and at_start else i + 1
    return ids


def _kind(plugins: tuple[str, ...]) -> str:
    ids = [p.lower() for p in plugins]
    if any(p in ("application", "com.android.application") or p.endswith(".application") for p in ids):
        return "application"
    if any(p == "com.android.test" or p.endswith(".android.test") for p in ids):
        return "test"
    if any(
        p in ("java-library", "com.android.library", "java-gradle-plugin", "kotlin-dsl", "java-platform")
        or p.endswith(".library")
        for p in ids
    ):
        return "library"
    return "unknown"


def read_properties(text: str | None) -> dict[str, tuple[str, int]]:
    """``key=value`` / ``key: value`` / ``key value`` lines of a ``.properties`` file, with their lines."""
    out: dict[str, tuple[str, int]] = {}
    if not text:
        return out
    lines = text.splitlines()
    no = 0
    while no < len(lines):
        raw = lines[no]
        start = no + 1
        while raw.endswith("\\") and no + 1 < len(lines):
            no += 1
            raw = raw[:-1] + lines[no].lstrip()
        no += 1
        line = raw.strip()
        if not line or line[0] in "#!":
            continue
        for k, ch in enumerate(line):
            if ch in "=: \t" and (k == 0 or line[k - 1] != "\\"):
                key, value = line[:k].strip(), line[k + 1 :].strip()
                break
        else:
            key, value = line, ""
        if key:
            out.setdefault(key, (value, start))
    return out
