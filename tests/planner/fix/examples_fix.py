"""The advisory and library releases with which the tests run ``depwave fix`` on a copy of examples/."""

from __future__ import annotations

ADVISORY = "GHSA-jfh8-c2jp-5v3q"
RELEASES = (
    "--release",
    "pkg:maven/com.acme.logging/logging-core=1.4.1",
    "--release",
    "pkg:maven/com.acme.commons/commons-util=2.1.1",
    "--release",
    "pkg:maven/com.acme.auth/auth-client=1.2.1",
)
