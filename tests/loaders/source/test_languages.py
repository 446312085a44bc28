"""Kotlin, JavaScript/TypeScript, Python and Go scanners on fixtures modelled on real services;
every expected call site is written by hand: (symbol, line, column, arguments, via)."""

from __future__ import annotations

from loaders.source import scan_source
from tests.conftest import calls_of, scan_fixture


def test_kotlin_companion_lazy_and_aliased_loggers() -> None:
    scan = scan_fixture("notifications/src/main/kotlin/com/acme/notifications/Mailer.kt")
    assert (scan.language, scan.scope, scan.namespace) == ("kotlin", "main", "com.acme.notifications")
    assert [(i.target, i.local, i.kind) for i in scan.imports][:2] == [
        ("org.apache.logging.log4j.LogManager", "LogManager", "type"),
        ("org.apache.logging.log4j.Logger", "Log4jLogger", "type"),
    ]
    assert calls_of(scan) == [
        ("org.apache.logging.log4j.LogManager.getLogger", 12, 38, "data", "import"),
        ("org.slf4j.LoggerFactory.getLogger", 15, 45, "data", "import"),
        ("org.apache.logging.log4j.LogManager.getLogger().info", 18, 13, "data", "field"),  # "$to" interpolates
        ("org.apache.logging.log4j.Logger.warn", 19, 15, "constant", "field"),
        ("org.slf4j.LoggerFactory.getLogger().debug", 20, 13, "data", "field"),
    ]


def test_express_routes_with_require_and_destructuring() -> None:
    scan = scan_fixture("storefront/src/routes/emails.js")
    assert (scan.language, scan.scope) == ("javascript", "main")
    assert [(i.target, i.local, i.kind, i.line) for i in scan.imports] == [
        ("express", "express", "module", 4),
        ("lodash", "_", "module", 5),
        ("lodash.merge", "deepMerge", "member", 6),
    ]
    assert calls_of(scan) == [
        ("express.Router", 8, 24, "none", "import"),
        ("express.Router().post", 11, 8, "data", "local"),
        ("lodash.template", 12, 20, "data", "import"),  # a template from the request body
        ("lodash.merge", 13, 19, "data", "import"),
        ("lodash.template()", 14, 12, "data", "local"),
        ("express.Router().get", 17, 8, "data", "local"),
        ("lodash.template", 18, 19, "constant", "import"),  # a constant template
        ("lodash.template()", 19, 12, "data", "local"),
        ("lodash.escape", 19, 28, "data", "import"),
    ]


def test_typescript_es_imports_and_typed_parameters() -> None:
    scan = scan_fixture("storefront/src/routes/catalog.ts")
    assert scan.language == "typescript"
    assert calls_of(scan) == [
        ("express.Router", 6, 24, "none", "import"),
        ("express.Router().get", 8, 9, "data", "local"),
        ("lodash.clamp", 9, 18, "data", "import"),
        ("express.Response.json", 10, 7, "data", "parameter"),
        ("lodash/pick", 10, 12, "data", "import"),
    ]


def test_javascript_test_files_have_test_scope() -> None:
    scan = scan_fixture("storefront/src/__tests__/emails.test.js")
    assert scan.scope == "test"
    assert calls_of(scan) == [
        ("lodash.template()", 4, 10, "data", "import"),
        ("lodash.template", 4, 12, "constant", "import"),
    ]


def test_python_yaml_load_and_safe_load() -> None:
    loader = scan_fixture("recommendations/recommendations/config_loader.py")
    assert [(i.target, i.local, i.kind, i.line) for i in loader.imports] == [
        ("yaml", "yaml", "module", 2),
        ("flask.request", "request", "member", 3),
        (".models.Model", "Model", "member", 5),
    ]
    assert calls_of(loader) == [
        ("yaml.load", 10, 21, "data", "import"),
        ("yaml.load", 14, 17, "data", "import"),  # request data
        ("yaml.load", 18, 17, "constant", "import"),
    ]
    settings = scan_fixture("recommendations/recommendations/settings.py")
    assert calls_of(settings) == [
        ("yaml.safe_load", 6, 12, "data", "import"),
        ("yaml.safe_load", 6, 33, "data", "import"),
    ]
    test = scan_fixture("recommendations/tests/test_config.py")
    assert test.scope == "test" and calls_of(test) == [("yaml.load", 5, 17, "data", "import")]


def test_go_http_servers_and_http2() -> None:
    main = scan_fixture("gateway/cmd/gateway/main.go")
    assert (main.language, main.namespace) == ("go", "main")
    assert calls_of(main) == [
        ("net/http.NewServeMux", 13, 14, "none", "import"),
        ("os.Getenv", 14, 37, "constant", "import"),
        ("example.com/gateway/internal/h2.Enable", 15, 5, "data", "import"),
        ("log.Fatal", 16, 6, "data", "import"),
        ("net/http.Server.ListenAndServe", 16, 16, "none", "local"),
    ]
    h2 = scan_fixture("gateway/internal/h2/h2.go")
    assert h2.namespace == "h2"
    assert calls_of(h2) == [
        ("golang.org/x/net/http2.ConfigureServer", 12, 15, "data", "import"),
        ("golang.org/x/net/http2.Server.ServeConn", 18, 4, "data", "local"),
    ]
    test = scan_fixture("gateway/cmd/gateway/main_test.go")
    assert test.scope == "test" and calls_of(test) == [("net/http.ListenAndServe", 9, 10, "constant", "import")]


def test_go_aliases_dot_and_blank_imports() -> None:
    src = b"""package main

import (
\tyml "gopkg.in/yaml.v3"
\t. "fmt"
\t_ "embed"
\t"github.com/go-chi/chi/v5"
)

func main() {
\tr := chi.NewRouter()
\tr.Get("/", nil)
\tPrintln(len("x"))
\t_ = yml.Unmarshal(nil, nil)
}
"""
    scan = scan_source(src, "svc/main.go")
    assert [(i.target, i.local, i.kind) for i in scan.imports] == [
        ("gopkg.in/yaml.v3", "yml", "module"),
        ("fmt", None, "dot"),
        ("embed", None, "blank"),
        ("github.com/go-chi/chi/v5", "chi", "module"),
    ]
    assert calls_of(scan) == [
        ("github.com/go-chi/chi/v5.NewRouter", 11, 11, "none", "import"),
        ("github.com/go-chi/chi/v5.NewRouter().Get", 12, 4, "constant", "local"),
        ("fmt.Println", 13, 2, "data", "dot-import"),
        ("gopkg.in/yaml.v3.Unmarshal", 14, 10, "constant", "import"),
    ]


def test_javascript_es_forms() -> None:
    src = b"""import * as L from 'lodash';
import tpl = require('lodash/template');
import { template as t } from 'lodash-es';
import 'polyfill';
export { merge } from 'lodash';
const m = await import('lodash');
L.merge({}, {});
tpl(`hi ${name}`);
t('x');
m.set({}, 'a', 1);
"""
    scan = scan_source(src, "web/src/a.ts")
    assert [(i.target, i.local, i.kind) for i in scan.imports] == [
        ("lodash", "L", "module"),
        ("lodash/template", "tpl", "module"),
        ("lodash-es.template", "t", "member"),
        ("polyfill", None, "blank"),
        ("lodash", None, "re-export"),
        ("lodash", "m", "module"),
    ]
    assert calls_of(scan) == [
        ("lodash.merge", 7, 3, "data", "import"),
        ("lodash/template", 8, 1, "data", "import"),
        ("lodash-es.template", 9, 1, "constant", "import"),
        ("lodash.set", 10, 3, "data", "import"),
    ]


def test_python_aliases_wildcards_and_shadowing() -> None:
    src = b"""import os.path
import xml.etree.ElementTree as ET
from ruamel.yaml import YAML
from lxml.etree import *

class Store:
    def __init__(self):
        self.yaml = YAML(typ="safe")

    def load(self, text):
        return self.yaml.load(text)

def parse(data, path):
    ET.fromstring(data)
    fromstring(data)
    len(data)
    os.path.join(path, "x")
    ET = None
    ET.fromstring(data)
"""
    scan = scan_source(src, "svc/store.py")
    assert calls_of(scan) == [
        ("ruamel.yaml.YAML", 8, 21, "constant", "import"),
        ("ruamel.yaml.YAML.load", 11, 26, "data", "field"),
        ("xml.etree.ElementTree.fromstring", 14, 8, "data", "import"),
        ("lxml.etree.fromstring", 15, 5, "data", "wildcard"),
        ("os.path.join", 17, 13, "data", "import"),
    ]


def test_kotlin_property_inherited_from_another_file() -> None:
    from planner.reachability.inherit import resolve_inherited

    base = scan_source(
        b"package com.acme.a\nimport org.slf4j.Logger\nimport org.slf4j.LoggerFactory\n"
        b"abstract class Base {\n    protected val log: Logger = LoggerFactory.getLogger(javaClass)\n}\n",
        "a/src/main/kotlin/com/acme/a/Base.kt",
    )
    child = scan_source(
        b'package com.acme.a\nclass Child : Base() {\n    fun go(x: String) { log.info("child {}", x) }\n}\n',
        "a/src/main/kotlin/com/acme/a/Child.kt",
    )
    assert [(t.name, t.fields) for t in base.types] == [
        ("com.acme.a.Base", (("log", "org.slf4j.Logger", "org.slf4j"),))
    ]
    assert [(t.name, t.supertypes) for t in child.types] == [("com.acme.a.Child", ("com.acme.a.Base",))]
    assert calls_of(resolve_inherited([base, child])[1]) == [("org.slf4j.Logger.info", 3, 29, "data", "inherited")]


def test_python_module_names_are_seen_by_functions_defined_above_them() -> None:
    src = b"""def load(text):
    return yaml.load(text)


import yaml
"""
    assert calls_of(scan_source(src, "svc/late.py")) == [("yaml.load", 2, 17, "data", "import")]
