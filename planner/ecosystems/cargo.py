"""crates.io packages (``pkg:cargo/name``), built with Cargo."""

from __future__ import annotations

from planner.ecosystems import schemes
from planner.ecosystems.record import BuildTool, Ecosystem, Lockfile, Override

_PRECISE = "cargo update -p {name} --precise {version}"

CARGO = BuildTool(
    name="cargo",
    files=("cargo.toml", "cargo.lock"),
    override=Override("cargo-update-precise", _PRECISE),
    verify="cargo tree -i {name}",
    relock=_PRECISE,
    lockfiles=(Lockfile("Cargo.lock", "cargo", _PRECISE),),
    override_within_major=True,
)


def native_range(spec: str) -> str:
    """A Cargo requirement in npm range syntax (univers has no Cargo scheme): a bare version is a caret
    requirement, and comparators are separated by spaces, not commas."""
    caret = "^" + spec if spec and spec[0].isdigit() else spec
    return caret.replace(", ", " ")


def exact_pin(spec: str) -> str:
    """Only ``=1.2.3`` names one version (a bare ``1.2.3`` is ``^1.2.3``)."""
    return spec.removeprefix("=") if spec.startswith("=") else ""


ECOSYSTEM = Ecosystem(
    purl_type="cargo",
    osv_name="crates.io",
    parse_version=schemes.strict_semver,
    range_scheme="npm",
    native_range=native_range,
    exact_pin=exact_pin,
    build_tools=(CARGO,),
)
