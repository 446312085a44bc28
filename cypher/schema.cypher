// schema.cypher — Neo4j constraints and indexes (idempotent; run by `depwave db start` and every ingest).
// Parameters: none. Statements are separated by semicolons.
// The FalkorDB variant is schema.falkordb.cypher (its DDL differs: no constraints in Cypher).
// Every source-stamped relationship type has an index on `source` but RESOLVES, whose edges a load finds
// through the SourceFile's `resolves_for` (load_sources.cypher); the last statement drops the index an
// earlier depwave made.
CREATE CONSTRAINT repo_key IF NOT EXISTS FOR (n:Repo) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT sourcefile_key IF NOT EXISTS FOR (n:SourceFile) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT project_key IF NOT EXISTS FOR (n:Project) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT package_key IF NOT EXISTS FOR (n:Package) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT version_key IF NOT EXISTS FOR (n:Version) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT image_key IF NOT EXISTS FOR (n:Image) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT service_key IF NOT EXISTS FOR (n:Service) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT environment_key IF NOT EXISTS FOR (n:Environment) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT owner_key IF NOT EXISTS FOR (n:Owner) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT advisory_key IF NOT EXISTS FOR (n:Advisory) REQUIRE n.key IS UNIQUE;
CREATE INDEX campaign_key IF NOT EXISTS FOR (n:Campaign) ON (n.key);
CREATE INDEX campaign_step_key IF NOT EXISTS FOR (n:CampaignStep) ON (n.key);
CREATE CONSTRAINT symbol_key IF NOT EXISTS FOR (n:Symbol) REQUIRE n.key IS UNIQUE;
CREATE INDEX project_name IF NOT EXISTS FOR (n:Project) ON (n.name);
CREATE INDEX version_package IF NOT EXISTS FOR (n:Version) ON (n.package);
CREATE INDEX contains_source IF NOT EXISTS FOR ()-[r:CONTAINS]-() ON (r.source);
CREATE INDEX describes_source IF NOT EXISTS FOR ()-[r:DESCRIBES]-() ON (r.source);
CREATE INDEX declares_source IF NOT EXISTS FOR ()-[r:DECLARES]-() ON (r.source);
CREATE INDEX constrains_source IF NOT EXISTS FOR ()-[r:CONSTRAINS]-() ON (r.source);
CREATE INDEX uses_project_source IF NOT EXISTS FOR ()-[r:USES_PROJECT]-() ON (r.source);
CREATE INDEX published_by_source IF NOT EXISTS FOR ()-[r:PUBLISHED_BY]-() ON (r.source);
CREATE INDEX built_in_source IF NOT EXISTS FOR ()-[r:BUILT_IN]-() ON (r.source);
CREATE INDEX owns_path_source IF NOT EXISTS FOR ()-[r:OWNS_PATH]-() ON (r.source);
CREATE INDEX project_repo_path IF NOT EXISTS FOR (n:Project) ON (n.repo, n.path);
CREATE INDEX service_name IF NOT EXISTS FOR (n:Service) ON (n.name);
CREATE INDEX sourcefile_project IF NOT EXISTS FOR (n:SourceFile) ON (n.project);
CREATE INDEX built_from_source IF NOT EXISTS FOR ()-[r:BUILT_FROM]-() ON (r.source);
CREATE INDEX runs_source IF NOT EXISTS FOR ()-[r:RUNS]-() ON (r.source);
CREATE INDEX in_source IF NOT EXISTS FOR ()-[r:IN]-() ON (r.source);
CREATE INDEX owns_source IF NOT EXISTS FOR ()-[r:OWNS]-() ON (r.source);
CREATE INDEX affects_source IF NOT EXISTS FOR ()-[r:AFFECTS]-() ON (r.source);
DROP INDEX resolves_source IF EXISTS
