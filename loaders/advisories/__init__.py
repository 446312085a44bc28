"""Advisories: OSV JSON records and depwave symbols files."""
