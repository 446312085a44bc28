// list_constraints.cypher — where projects pin or override a package's version without declaring it
// (Maven dependencyManagement, BOM imports, Gradle constraints, npm overrides, pip constraints ...).
// Parameters: $package (versionless purl).
// Answers: project, range, mechanism, file, line, version_file, version_line, unresolved.
MATCH (p:Project)-[c:CONSTRAINS]->(:Package {key: $package})
RETURN p.key AS project, c.range AS range, c.mechanism AS mechanism, c.file AS file, c.line AS line,
       c.version_file AS version_file, c.version_line AS version_line, c.unresolved AS unresolved
ORDER BY project, file, line
