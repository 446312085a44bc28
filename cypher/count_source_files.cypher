// count_source_files.cypher — how many SourceFile nodes there are, found by scanning the label.
// Parameters: none.
// Answers: files. Run before a staging SourceFile is deleted (planner/store/source_parts.py): with
// FalkorDB 4.x, deleting that node right after the statements that created and emptied it, with no
// read of the label in between, left the label's other nodes unreadable ("Attempted to access undefined
// attribute", then a server crash on keys(s)); a scan of the label first avoids it.
MATCH (s:SourceFile)
RETURN count(s.key) AS files
