#!/usr/bin/env bash
# Lint every *.cypher file under DIR (default: <repo>/cypher) with Neo4j's own
# Cypher parser (@neo4j-cypher/language-support). See .ci/cypher-lint/lint.mjs.
#
#   bash .ci/cypher-lint.sh [DIR]
#
# The npm package is installed into ${DEPWAVE_CACHE:-$HOME/.cache/depwave}/cypher-lint,
# only when node_modules is missing or .ci/cypher-lint/package.json changed.
# Exit: 0 clean (warnings allowed), 1 Cypher errors, other = setup failure.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src_dir="$script_dir/cypher-lint"
root=$(git -C "$script_dir" rev-parse --show-toplevel 2>/dev/null || (cd "$script_dir/.." && pwd))
cache="${DEPWAVE_CACHE:-$HOME/.cache/depwave}/cypher-lint"

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "cypher-lint: '$tool' not found on PATH" >&2; exit 2; }
done

# Which files?
if [[ $# -ge 1 ]]; then
  dir=$1                       # as given, relative to the caller's cwd
  [[ -d $dir ]] || { echo "cypher-lint: no such directory: $dir" >&2; exit 2; }
else
  cd "$root"
  dir=cypher
  if [[ ! -d $dir ]]; then
    echo "cypher-lint: no $root/cypher directory, nothing to lint"
    exit 0
  fi
fi
files=()
while IFS= read -r -d '' f; do files+=("$f"); done \
  < <(find "$dir" -type f -name '*.cypher' -print0 | LC_ALL=C sort -z)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "cypher-lint: no .cypher files under $dir"
  exit 0
fi

# Install (cached). The stamp is written only after a successful install.
mkdir -p "$cache"
stamp="$cache/.installed-package.json"
if [[ ! -d $cache/node_modules ]] || ! cmp -s "$src_dir/package.json" "$stamp"; then
  echo "cypher-lint: installing npm dependencies into $cache" >&2
  cp "$src_dir/package.json" "$cache/package.json"
  (cd "$cache" && npm install --no-audit --no-fund --no-update-notifier --silent </dev/null)
  cp "$src_dir/package.json" "$stamp"
fi
# lint.mjs must sit next to the cache's node_modules for `import` to resolve it.
cp "$src_dir/lint.mjs" "$cache/lint.mjs"

exec node "$cache/lint.mjs" "${files[@]}" </dev/null
