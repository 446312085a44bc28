// list_package_versions.cypher — the version spread of a package: every version in use, with the
// projects and repositories that resolve it.
// Parameters: $package (versionless purl).
// Answers: version, projects (keys), repos.
MATCH (:Package {key: $package})<-[:VERSION_OF]-(v:Version)<-[:RESOLVES]-(p:Project)
RETURN v.version AS version, collect(DISTINCT p.key) AS projects, collect(DISTINCT p.repo) AS repos
ORDER BY version
