// dialect: falkordb
// schema.falkordb.cypher — FalkorDB indexes (the embedded store). Parameters: none.
// FalkorDB has no CREATE CONSTRAINT in Cypher and no IF NOT EXISTS: the store ignores
// "already indexed" errors. Uniqueness of keys is kept by MERGE in load_sources.cypher.
// Every source-stamped relationship type has an index on `source` but RESOLVES, whose edges a load finds
// through the SourceFile's `resolves_for` (load_sources.cypher); the last statement drops the index an
// earlier depwave made (the store ignores "no such index").
CREATE INDEX FOR (n:Repo) ON (n.key);
CREATE INDEX FOR (n:SourceFile) ON (n.key);
CREATE INDEX FOR (n:Project) ON (n.key, n.name);
CREATE INDEX FOR (n:Package) ON (n.key);
CREATE INDEX FOR (n:Version) ON (n.key, n.package);
CREATE INDEX FOR (n:Image) ON (n.key);
CREATE INDEX FOR (n:Service) ON (n.key);
CREATE INDEX FOR (n:Environment) ON (n.key);
CREATE INDEX FOR (n:Owner) ON (n.key);
CREATE INDEX FOR (n:Advisory) ON (n.key);
CREATE INDEX FOR (n:Campaign) ON (n.key);
CREATE INDEX FOR (n:CampaignStep) ON (n.key);
CREATE INDEX FOR (n:Symbol) ON (n.key);
CREATE INDEX FOR ()-[r:CONTAINS]-() ON (r.source);
CREATE INDEX FOR ()-[r:DESCRIBES]-() ON (r.source);
CREATE INDEX FOR ()-[r:DECLARES]-() ON (r.source);
CREATE INDEX FOR ()-[r:CONSTRAINS]-() ON (r.source);
CREATE INDEX FOR ()-[r:USES_PROJECT]-() ON (r.source);
CREATE INDEX FOR ()-[r:PUBLISHED_BY]-() ON (r.source);
CREATE INDEX FOR ()-[r:BUILT_IN]-() ON (r.source);
CREATE INDEX FOR ()-[r:OWNS_PATH]-() ON (r.source);
CREATE INDEX FOR (n:Project) ON (n.repo, n.path);
CREATE INDEX FOR (n:Service) ON (n.name);
CREATE INDEX FOR (n:SourceFile) ON (n.project);
CREATE INDEX FOR ()-[r:BUILT_FROM]-() ON (r.source);
CREATE INDEX FOR ()-[r:RUNS]-() ON (r.source);
CREATE INDEX FOR ()-[r:IN]-() ON (r.source);
CREATE INDEX FOR ()-[r:OWNS]-() ON (r.source);
CREATE INDEX FOR ()-[r:AFFECTS]-() ON (r.source);
DROP INDEX FOR ()-[r:RESOLVES]-() ON (r.source)
