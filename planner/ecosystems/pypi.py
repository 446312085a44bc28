"""PyPI packages (``pkg:pypi/name``), built with pip (pip-tools), Poetry, uv, PDM or Pipenv."""

from __future__ import annotations

from planner.ecosystems import schemes
from planner.ecosystems.record import BuildTool, Ecosystem, Lockfile, Override

_CONSTRAINT = Override("pip-constraint", "{name}=={version} in a constraints file (pip install -c constraints.txt)")

PIP = BuildTool(
    name="pip",
    files=(
        "pipfile",
        "pipfile.lock",
        "setup.py",
        "setup.cfg",
        "pyproject.toml",
        "*requirements*.txt",
        "*constraints*.txt",
    ),
    override=_CONSTRAINT,
    verify="pip show {name}",
    relock="pip-compile --upgrade-package {name}=={version}",
)
POETRY = BuildTool(
    name="poetry",
    files=("poetry.lock",),
    override=_CONSTRAINT,
    verify="poetry show {name}",
    relock="poetry update --lock {name}",
    lockfiles=(Lockfile("poetry.lock", "poetry", "poetry lock"),),
)
#: https://docs.astral.sh/uv/concepts/projects/sync/ (``--upgrade-package <package>==<version>``) and
#: https://docs.astral.sh/uv/reference/settings/#constraint-dependencies
UV = BuildTool(
    name="uv",
    files=("uv.lock",),
    override=Override("uv-constraint", 'pyproject.toml [tool.uv] constraint-dependencies = ["{name}=={version}"]'),
    verify="uv tree --invert --package {name}",
    relock="uv lock --upgrade-package {name}=={version}",
    lockfiles=(Lockfile("uv.lock", "uv", "uv lock"),),
)
#: https://pdm-project.org/latest/usage/config/#override-the-resolved-package-versions (``pdm update
#: --no-sync`` rewrites the lockfile without installing)
PDM = BuildTool(
    name="pdm",
    files=("pdm.lock",),
    override=Override("pdm-override", 'pyproject.toml [tool.pdm.resolution.overrides] {name} = "=={version}"'),
    verify="pdm list --tree --reverse {name}",
    relock="pdm update --no-sync {name}",
    lockfiles=(Lockfile("pdm.lock", "pdm", "pdm lock"),),
)
PIPENV = BuildTool(
    name="pipenv",
    relock="pipenv upgrade {name}=={version}",
    lockfiles=(Lockfile("Pipfile.lock", "pipenv", "pipenv lock"),),
)


def exact_pin(spec: str) -> str:
    """``==1.2`` and ``===1.2`` name one version (``==1.2,!=1.3`` does not)."""
    return spec.removeprefix("===").removeprefix("==") if spec.startswith("==") and "," not in spec else spec


ECOSYSTEM = Ecosystem(
    purl_type="pypi",
    osv_name="PyPI",
    parse_version=schemes.pep440,
    range_scheme="pypi",
    exact_pin=exact_pin,
    build_tools=(PIP, POETRY, UV, PDM, PIPENV),
)
