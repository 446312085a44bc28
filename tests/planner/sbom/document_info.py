"""A fixed DocumentInfo (time, serial, tool, author, supplier) so exported SBOMs are the same bytes every run."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from planner.sbom.model import DocumentInfo

INFO = DocumentInfo(
    timestamp=datetime(2026, 1, 31, 12, 0, tzinfo=UTC),
    serial=uuid.UUID("6f0e3b8e-1111-4222-8333-444455556666"),
    tool_version="0.1.0",
    author="Release Engineering",
    supplier="Acme Corp",
)
