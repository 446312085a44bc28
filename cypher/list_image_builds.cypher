// list_image_builds.cypher — where images are built: every BUILT_IN edge (linker input).
// Parameters: none.
// Answers: image, repository, repo, path (build context directory), dockerfile, target, file, line.
MATCH (i:Image)-[b:BUILT_IN]->(r:Repo)
RETURN i.key AS image, i.repository AS repository, r.key AS repo, b.path AS path,
       b.dockerfile AS dockerfile, b.target AS target, b.file AS file, b.line AS line
ORDER BY image, repo, path
