"""Maven: POMs (with parents, BOMs, profiles, interpolation) and dependency:tree output."""
