// list_declarations.cypher — every project that declares a package directly in a manifest.
// Parameters: $package (versionless purl).
// Answers: project, range (as written, effective after interpolation), scope, raw_scope, optional,
// file, line (the declaration), version_file, version_line (where the version is set), version_repo (its
// repository, when another: a parent POM's), version_property (the property defined there), unresolved,
// profile — one row per DECLARES edge.
MATCH (p:Project)-[d:DECLARES]->(:Package {key: $package})
RETURN p.key AS project, d.range AS range, d.scope AS scope, d.raw_scope AS raw_scope, d.optional AS optional,
       d.file AS file, d.line AS line, d.version_file AS version_file, d.version_line AS version_line,
       d.version_repo AS version_repo, d.version_property AS version_property, d.unresolved AS unresolved, d.profile AS profile
ORDER BY project, file, line
