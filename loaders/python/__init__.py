"""Python: requirements files, Pipfile(.lock), pyproject.toml, poetry.lock, uv.lock, pdm.lock."""
