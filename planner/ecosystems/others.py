"""Ecosystems depwave knows without a build tool: their purl type, OSV name and, where it can order
versions, their version scheme. Packagist is not ordered: univers compares Composer versions as SemVer
(``RC1`` < ``beta1``), which is wrong."""

from __future__ import annotations

from planner.ecosystems import schemes
from planner.ecosystems.record import Ecosystem

RUBYGEMS = Ecosystem(purl_type="gem", osv_name="RubyGems", parse_version=schemes.gem, range_scheme="gem")
HEX = Ecosystem(purl_type="hex", osv_name="Hex", parse_version=schemes.strict_semver)
PUB = Ecosystem(purl_type="pub", osv_name="Pub", parse_version=schemes.strict_semver)
PACKAGIST = Ecosystem(purl_type="composer", osv_name="Packagist")
HACKAGE = Ecosystem(purl_type="hackage", osv_name="Hackage")
CRAN = Ecosystem(purl_type="cran", osv_name="CRAN")
CONAN = Ecosystem(purl_type="conan", osv_name="ConanCenter")

ECOSYSTEMS = (RUBYGEMS, HEX, PUB, PACKAGIST, HACKAGE, CRAN, CONAN)
