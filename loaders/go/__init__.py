"""Go: go.mod, go.work and go.sum."""
