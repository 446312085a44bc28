// list_source_files.cypher — ingested files with where they were read from and their content hash.
// Parameters: $repos (list of repository names; empty = every repository),
//             $loaders (list of loader names; empty = every loader).
// Answers: repo, path, root, sha256, loader — `depwave fix` reads a file only when its sha256 still
// matches the ingested one, and follows Maven parents across repositories through these files.
MATCH (s:SourceFile)
WHERE (size($repos) = 0 OR s.repo IN $repos) AND (size($loaders) = 0 OR s.loader IN $loaders)
RETURN s.repo AS repo, s.path AS path, s.root AS root, s.sha256 AS sha256, s.loader AS loader
ORDER BY repo, path
