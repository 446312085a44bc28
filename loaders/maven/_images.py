"""Container images a Maven module builds, from its build plugins (the module is then a deployable).

A plugin counts when the module runs it: declared in its own ``<build><plugins>`` (or in one of its
``<profile>``s), or inherited from a parent's ``<build><plugins>`` (unless ``<inherited>false``).
Its configuration is looked up the way Maven merges it, most specific first: the declaration
itself, then ``<pluginManagement>`` of this POM (and of the same profile), then of each parent up
the chain (and of the parent's profile of the same id: ``-PbuildDocker`` activates it in every
POM of the reactor). The first layer that configures a value wins (a child overrides a parent).

Plugins read (values interpolated in the module's context, so a parent's
``${docker.image.prefix}/${project.artifactId}`` names each module's own image):

* Jib ``com.google.cloud.tools:jib-maven-plugin``: ``<to><image>`` (Jib fails without one);
* Spring Boot ``spring-boot-maven-plugin``: ``<image><name>``, else the ``build-image`` goal's default
  ``docker.io/library/<artifactId>:<version>``;
* fabric8 ``io.fabric8:docker-maven-plugin`` and Eclipse JKube: every ``<images><image>`` with a
  ``<build>``: its ``<name>`` (``%a``, ``%g``, ``%v``, ``%l`` placeholders expanded);
* Spotify ``dockerfile-maven-plugin``: ``<repository>`` (``:<tag>``); Spotify ``docker-maven-plugin``:
  ``<imageName>``;
* ``exec-maven-plugin`` running ``docker``/``podman``/``nerdctl`` ``build``/``buildx build`` or
  ``buildah bud``: each ``-t``/``--tag`` value of ``<arguments>`` or ``<commandlineArgs>``.

A ``pom``-packaged POM runs only the plugins it declares itself (an aggregator's inherited image
plugins are for its modules), and Jib and Spring Boot skip it even then.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from loaders.base import SourceContext
from loaders.deploy.image_ref import parse as parse_image
from loaders.maven._xml import Element, XmlError, parse_xml
from planner.model import Image, ImageBuild, Location, Source

Coordinates = tuple[str, str]
JIB = ("com.google.cloud.tools", "jib-maven-plugin")
SPRING_BOOT = ("org.springframework.boot", "spring-boot-maven-plugin")
FABRIC8 = ("io.fabric8", "docker-maven-plugin")
JKUBE = (("org.eclipse.jkube", "kubernetes-maven-plugin"), ("org.eclipse.jkube", "openshift-maven-plugin"))
SPOTIFY_DOCKERFILE = ("com.spotify", "dockerfile-maven-plugin")
SPOTIFY_DOCKER = ("com.spotify", "docker-maven-plugin")
EXEC = ("org.codehaus.mojo", "exec-maven-plugin")
_CONTAINER_TOOLS = {"docker", "podman", "nerdctl", "buildah"}
_FABRIC8_PLACEHOLDER = re.compile(r"%[agvl]")


@dataclass(frozen=True, slots=True)
class Layer:
    """One place that configures a plugin: a ``<plugin>`` element and the file it is written in."""

    plugin: Element
    path: str


@dataclass(frozen=True, slots=True)
class Written:
    """An image name as written, where."""

    text: str
    path: str
    line: int
    plugin: str


def _coords(plugin: Element) -> Coordinates:
    return (plugin.text_of("groupId") or "org.apache.maven.plugins", plugin.text_of("artifactId") or "")


def _plugins(root: Element, *where: str) -> list[Element]:
    return root.path(*where, "plugin")


def _profiles(root: Element, profile: str | None) -> list[Element]:
    if profile is None:
        return []
    return [p for p in root.path("profiles", "profile") if (p.text_of("id") or "default") == profile]


def _management(root: Element, profile: str | None) -> list[Element]:
    """``<pluginManagement>`` plugins of a POM (of the given profile first)."""
    out = [pl for prof in _profiles(root, profile) for pl in _plugins(prof, "build", "pluginManagement", "plugins")]
    return out + _plugins(root, "build", "pluginManagement", "plugins")


def plugin_uses(own: Element, own_path: str, parents: list[tuple[str, Element]], packaging: str) -> list[list[Layer]]:
    """Every plugin the POM runs, each as its configuration layers (most specific first)."""
    declared: list[tuple[Element, str, str | None]] = [(p, own_path, None) for p in _plugins(own, "build", "plugins")]
    for prof in own.path("profiles", "profile"):
        pid = prof.text_of("id") or "default"
        declared += [(p, own_path, pid) for p in _plugins(prof, "build", "plugins")]
    seen = {(_coords(p), profile) for p, _, profile in declared}
    if packaging != "pom":
        for path, root in parents:
            for p in _plugins(root, "build", "plugins"):
                if (p.text_of("inherited") or "").strip().lower() == "false" or (_coords(p), None) in seen:
                    continue
                seen.add((_coords(p), None))
                declared.append((p, path, None))
    uses = []
    for plugin, path, profile in declared:
        coords = _coords(plugin)
        layers = [Layer(plugin, path)]
        for layer_path, root in [(own_path, own), *parents]:
            if layer_path != path or root is not own:
                layers += [Layer(p, layer_path) for p in _plugins(root, "build", "plugins") if _coords(p) == coords]
            layers += [Layer(p, layer_path) for p in _management(root, profile) if _coords(p) == coords]
        uses.append([x for i, x in enumerate(layers) if all(x.plugin is not y.plugin for y in layers[:i])])
    return uses


def _configurations(layers: list[Layer]) -> Iterator[tuple[Element, str]]:
    """Every ``<configuration>`` of the layers (plugin-level, then per execution), most specific first."""
    for layer in layers:
        config = layer.plugin.child("configuration")
        if config is not None:
            yield config, layer.path
        for execution in layer.plugin.path("executions", "execution"):
            config = execution.child("configuration")
            if config is not None:
                yield config, layer.path


def _first(layers: list[Layer], *tags: str) -> tuple[Element, str] | None:
    for config, path in _configurations(layers):
        found = config.path(*tags)
        if found and found[0].text:
            return found[0], path
    return None


def _goals(layers: list[Layer]) -> set[str]:
    return {(g.text or "").strip() for x in layers for g in x.plugin.path("executions", "execution", "goals", "goal")}


def _exec_tags(layers: list[Layer], interpolate: Callable[[str], str | None]) -> Iterator[tuple[str, Element, str]]:
    """``-t`` values of container-build commands run by exec-maven-plugin executions."""
    for config, path in _configurations(layers):
        executable = config.child("executable")
        if executable is None or not executable.text:
            continue
        tool = posixpath.basename(interpolate(executable.text) or executable.text).lower()
        if tool not in _CONTAINER_TOOLS:
            continue
        args = [(a.text, a) for a in config.path("arguments", "argument")]
        line = config.child("commandlineArgs")
        if line is not None and line.text:
            try:
                args += [(t, line) for t in shlex.split(line.text)]
            except ValueError:
                continue
        words = [w for w, _ in args]
        if not any(w in ("build", "bud") for w in words[:3]):
            continue
        for i, (word, element) in enumerate(args):
            if word in ("-t", "--tag") and i + 1 < len(args):
                yield args[i + 1][0], args[i + 1][1], path
            elif word.startswith(("-t=", "--tag=")):
                yield word.split("=", 1)[1], element, path


def _fabric8(text: str, artifact: str, group: str | None, version: str | None) -> str:
    values = {
        "%a": artifact,
        "%g": (group or "").rsplit(".", 1)[-1],
        "%v": version or "latest",
        "%l": "latest" if not version or version.endswith("-SNAPSHOT") else version,
    }
    return _FABRIC8_PLACEHOLDER.sub(lambda m: values[m.group(0)], text)


def written_images(
    layers: list[Layer], interpolate: Callable[[str], str | None], artifact: str, group: str | None, version: str | None
) -> list[Written]:
    """The image names one plugin use builds, as written (the Spring Boot default already filled in)."""
    coords, first = _coords(layers[0].plugin), layers[0]
    out: list[Written] = []
    if coords == JIB:
        if found := _first(layers, "to", "image"):
            out.append(Written(found[0].text, found[1], found[0].line, "jib-maven-plugin"))
    elif coords == SPRING_BOOT:
        if found := _first(layers, "image", "name"):
            out.append(Written(found[0].text, found[1], found[0].line, "spring-boot-maven-plugin"))
        elif _goals(layers) & {"build-image", "build-image-no-fork"}:
            default = f"docker.io/library/{artifact}:{version or 'latest'}"
            out.append(Written(default, first.path, first.plugin.line, "spring-boot-maven-plugin"))
    elif coords == FABRIC8 or coords in JKUBE:
        for config, path in _configurations(layers):
            images = [i for i in config.path("images", "image") if i.child("build") is not None and i.text_of("name")]
            for image in images:
                name = image.child("name")
                out.append(Written(_fabric8(name.text, artifact, group, version), path, name.line, coords[1]))
            if images:
                break
    elif coords == SPOTIFY_DOCKERFILE:
        if found := _first(layers, "repository"):
            tag = _first(layers, "tag")
            text = found[0].text + (f":{tag[0].text}" if tag else "")
            out.append(Written(text, found[1], found[0].line, coords[1]))
    elif coords == SPOTIFY_DOCKER:
        if found := _first(layers, "imageName"):
            out.append(Written(found[0].text, found[1], found[0].line, coords[1]))
    elif coords == EXEC:
        out += [Written(t, p, e.line, "exec-maven-plugin") for t, e, p in _exec_tags(layers, interpolate)]
    return out


def parent_roots(context: SourceContext, repo: str, chain: list[tuple[str, str]]) -> list[tuple[str, Element]]:
    """The parsed parent POMs of the chain (in-ingest parents only, nearest first)."""
    out = []
    for parent_repo, path in chain[1:]:
        text = context.read(parent_repo, path) if parent_repo == repo else None
        if text is None:
            continue
        try:
            out.append((path, parse_xml(text)))
        except XmlError:
            continue
    return out


def maven_images(
    own: Element,
    parents: list[tuple[str, Element]],
    source: Source,
    interpolate: Callable[[str], str | None],
    coordinates: tuple[str | None, str, str | None],
    packaging: str,
) -> tuple[list[Image | ImageBuild], list[tuple[int | None, str]]]:
    """Images the module's build plugins make, as ``Image`` + ``ImageBuild`` records (built in the
    module's directory, located where the name is written), and problems as ``(line, message)``."""
    group, artifact, version = coordinates
    records: dict[str, list[Image | ImageBuild]] = {}
    problems: list[tuple[int | None, str]] = []
    for layers in plugin_uses(own, source.path, parents, packaging):
        if packaging == "pom" and _coords(layers[0].plugin) in (JIB, SPRING_BOOT):
            continue  # both skip a pom-packaged project
        for w in written_images(layers, interpolate, artifact, group, version):
            text = interpolate(w.text.strip())
            ref = parse_image(text) if text else None
            if ref is None:
                where = w.line if w.path == source.path else None
                problems.append((where, f"image {w.text.strip()!r} of {w.plugin} cannot be resolved statically"))
                continue
            build = ImageBuild(ref.key, source.repo, source.directory, None, None, Location(w.path, w.line))
            records.setdefault(ref.key, [ref.record(), build])
    return [r for key in sorted(records) for r in records[key]], problems
