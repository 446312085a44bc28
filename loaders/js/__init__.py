"""JavaScript: package.json (with workspaces), package-lock.json, yarn.lock (v1 and berry), pnpm-lock.yaml."""
