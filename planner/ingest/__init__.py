"""Walk paths, read files through the loader registry, and load what they say into a store.

Each file is a *source* keyed ``repo:path``. Loading replaces everything a source said before
(one atomic statement per batch of sources), skips files whose content hash is unchanged, and
never lets one bad file stop the run: it is reported as ``path:line: reason`` and skipped, and
the store keeps that file's previous state.

One module per job: ``discovery`` (walk with refusals), ``candidates`` (the files found, kept as
text), ``digests`` (what the store remembers of each file), ``reading`` (safe open, size limits),
``context`` (other files a loader may read), ``parse`` (one file), ``batches`` (the one batcher),
``loads`` (into the store, with per-source fallback), ``pipeline`` (in-process loads, one in flight),
``workers`` (forked parsing for large ingests), ``report`` and ``run`` (the whole ingest).
"""

from planner.ingest.batches import BATCH_ROWS, BATCH_SOURCES, Batch, cut_batches
from planner.ingest.candidates import Candidate, Candidates
from planner.ingest.context import IngestContext
from planner.ingest.discovery import SKIP_DIRS, discover
from planner.ingest.parse import Outcome, parse_one
from planner.ingest.reading import DEFAULT_MAX_BYTES, read_bytes, read_source
from planner.ingest.report import IngestReport, LoadReport
from planner.ingest.run import ingest, new_run_id
from planner.ingest.workers import CHUNK_FILES, WORKER_MIN_FILES, Progress, chunks

_parse_one = parse_one  # the name tests used before the split
_chunks = chunks

__all__ = [
    "BATCH_ROWS",
    "BATCH_SOURCES",
    "CHUNK_FILES",
    "DEFAULT_MAX_BYTES",
    "SKIP_DIRS",
    "WORKER_MIN_FILES",
    "Batch",
    "Candidate",
    "Candidates",
    "IngestContext",
    "IngestReport",
    "LoadReport",
    "Outcome",
    "Progress",
    "chunks",
    "cut_batches",
    "discover",
    "ingest",
    "new_run_id",
    "parse_one",
    "read_bytes",
    "read_source",
]
