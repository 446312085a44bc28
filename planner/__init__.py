"""depwave: a graph-database-backed dependency and deploy-order planner."""

__version__ = "0.1.0"
