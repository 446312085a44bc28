"""SBOMs: CycloneDX (JSON, XML) and SPDX (JSON, tag-value), and the dependency graph they share."""
