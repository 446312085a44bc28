#!/usr/bin/env node
// Lint .cypher files with Neo4j's own Cypher parser + semantic analysis
// (@neo4j-cypher/language-support, lintCypherQuery).
//
//   node lint.mjs FILE...
//
// Prints `path:line:col: severity: message` per diagnostic (1-based line/col).
// Exit 1 if any diagnostic has Error severity, 0 otherwise (warnings are printed
// but never fail), 2 on usage errors.
//
// - `//` comment lines are valid Cypher, so files are linted exactly as written.
// - No database schema is given ({}), so the library does not warn about unknown
//   labels, relationship types, properties, functions or procedures; only syntax
//   and semantic errors (undefined variables, type errors, ...) are reported.
// - "Parameter $x is not defined." errors are dropped: the library raises them for
//   every $param that is not declared in the schema, and ours come from the caller.
// - A file whose leading comment block contains `// dialect: falkordb` is skipped
//   (it only targets the embedded FalkorDB store, whose dialect differs).
// - CYPHER_LINT_VERSION=5|25 picks the default Cypher version (library default: 5);
//   a query's own `CYPHER 25` prefix always wins.
import { readFileSync } from 'node:fs';
import { lintCypherQuery, isNotParamError } from '@neo4j-cypher/language-support';

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };
const FALKOR_RE = /^\s*\/\/\s*dialect\s*:\s*falkordb\b/i;

function isFalkorDialect(text) {
  // Only look at the header: leading blank lines and `//` comment lines.
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    if (!line.trimStart().startsWith('//')) return false;
    if (FALKOR_RE.test(line)) return true;
  }
  return false;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node lint.mjs FILE...');
  process.exit(2);
}

const dbSchema = {};
const version = process.env.CYPHER_LINT_VERSION;
if (version) {
  if (!['5', '25'].includes(version)) {
    console.error(`CYPHER_LINT_VERSION must be 5 or 25, got ${JSON.stringify(version)}`);
    process.exit(2);
  }
  dbSchema.defaultLanguage = `CYPHER ${version}`;
}

let errors = 0;
let warnings = 0;
let linted = 0;
let skipped = 0;

for (const path of files) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    console.log(`${path}:1:1: error: cannot read file: ${e.message}`);
    errors++;
    continue;
  }
  if (isFalkorDialect(text)) {
    console.log(`${path}: skipped (falkordb dialect)`);
    skipped++;
    continue;
  }
  linted++;
  let diagnostics;
  try {
    ({ diagnostics } = lintCypherQuery(text, dbSchema, { consoleCommandsEnabled: false }));
  } catch (e) {
    console.log(`${path}:1:1: error: linter crashed: ${e?.stack ?? e}`);
    errors++;
    continue;
  }
  for (const d of diagnostics.filter(isNotParamError)) {
    const sev = SEVERITY[d.severity] ?? 'error';
    if (sev === 'error') errors++;
    else if (sev === 'warning') warnings++;
    const { line, character } = d.range.start;
    const msg = d.message.replace(/\s*\n\s*/g, ' ');
    console.log(`${path}:${line + 1}:${character + 1}: ${sev}: ${msg}`);
  }
}

console.log(
  `cypher-lint: ${linted} file(s) linted, ${skipped} skipped, ` +
    `${errors} error(s), ${warnings} warning(s)`,
);
process.exit(errors > 0 ? 1 : 0);
