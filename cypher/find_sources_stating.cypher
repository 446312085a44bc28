// find_sources_stating.cypher — which of some sources state any of some DEPENDS_ON pairs, by their
// SourceFile's `depends_on` entries (the check after a load: the files to load again for a pair found
// wrong).
// Parameters: $sources (source keys, repo:path), $pairs (each `version FIELD package FIELD`, the start of
// an entry), $sep (the separators, planner/store/statements.py).
// Answers: source, pairs (those of $pairs it states) — one row per source stating any.
UNWIND $sources AS key
MATCH (sf:SourceFile {key: key})
WITH sf, [pair IN $pairs WHERE ($sep.end + coalesce(sf.depends_on, '')) CONTAINS ($sep.end + pair)] AS stated
WHERE size(stated) > 0
RETURN sf.key AS source, stated AS pairs
