"""Read and parse one candidate file, and count what that gave in the ingest's report."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field

from planner.errors import ParseError
from planner.ingest.candidates import Candidate
from planner.ingest.context import IngestContext
from planner.ingest.reading import read_bytes, read_source
from planner.ingest.report import IngestReport
from planner.model import ParseResult
from planner.safe_text import excerpt, message
from planner.storable import drop_unstorable, might_hold_unstorable
from planner.store.rows import LoadedSource

#: a parse: the loader's result, the file's digest, the other files it read (repo:path)
_Parsed = tuple[ParseResult, str, list[str]]


@dataclass(slots=True)
class Outcome:
    """What reading and parsing one candidate gave: a source to load (``item``, by ``loader``), or why not."""

    item: LoadedSource | None = None
    loader: str | None = None
    unchanged: bool = False
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def parse_one(cand: Candidate, context: IngestContext, known: Mapping[str, dict]) -> Outcome:
    """Read one file, skip it when it and its inputs are unchanged, else parse it (never raises)."""
    try:
        parsed = _parse_bytes(cand, context, known) if cand.loader.reads_bytes else _parse_text(cand, context, known)
    except ParseError as exc:
        return Outcome(error=message(exc))
    except RecursionError:
        return Outcome(error=message(f"{cand.source.display}:0: nested too deeply to read; skipped"))
    except Exception as exc:  # a loader bug must not stop the run
        return Outcome(
            error=message(
                f"{cand.source.display}:0: internal error in the {cand.loader.name} loader "
                f"({type(exc).__name__}: {excerpt(exc, 200)}); skipped"
            )
        )
    if parsed is None:
        return Outcome(unchanged=True)
    result, digest, inputs = parsed
    item = LoadedSource(
        cand.source,
        digest,
        cand.loader.name,
        result,
        str(cand.repo_root),
        inputs,
        context.inputs_digest(inputs) if inputs else None,
    )
    return Outcome(item=item, loader=cand.loader.name, warnings=[message(w) for w in result.warnings])


def _parse_bytes(cand: Candidate, context: IngestContext, known: Mapping[str, dict]) -> _Parsed | None:
    """Source code: judged and scanned by its loader, reads nothing else; None when unchanged."""
    data, digest = read_bytes(cand, context.max_bytes)
    previous = known.get(cand.source.key)
    if previous and previous["sha256"] == digest:
        return None
    return cand.loader.parse_bytes(data, cand.source), digest, []


def _parse_text(cand: Candidate, context: IngestContext, known: Mapping[str, dict]) -> _Parsed | None:
    """A text file, with the other files its loader read through the context; None when it and they are unchanged."""
    text, digest = read_source(cand, context.max_bytes)
    previous = known.get(cand.source.key)
    if (
        previous
        and previous["sha256"] == digest
        and (not previous.get("inputs") or context.inputs_digest(previous["inputs"]) == previous["inputs_sha256"])
    ):
        return None
    context.reads = set()
    result = cand.loader.parse(text, cand.source, context)
    if might_hold_unstorable(text):
        result = drop_unstorable(result, cand.source)
    own = (cand.source.repo, posixpath.normpath(cand.source.path))
    inputs = sorted(f"{r}:{p}" for r, p in context.reads if (r, p) != own)
    return result, digest, inputs


def note(report: IngestReport, outcome: Outcome) -> None:
    """Count a parse outcome in the report (loads are counted apart, in a LoadReport)."""
    if outcome.unchanged:
        report.unchanged += 1
    elif outcome.error is not None:
        report.skipped += 1
        report.errors.append(outcome.error)
    elif outcome.loader is not None:
        report.warnings.extend(outcome.warnings)
        report.by_loader[outcome.loader] += 1
