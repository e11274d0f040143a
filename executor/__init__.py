"""The planned executor: known documents answered from a compiled plan, not graphql-core.

It is a second executor beside graphql-core, a peer of ``schema/``, wired in as a schema
extension; it reaches nDelius only through the request's ``Context`` loaders and reuses the
resolvers' policy, cursor and argument rules, so both paths give the same answers.
"""

from executor.cache import METRICS, Metrics
from executor.extension import PlannedExecution, Planner, answered_by, planner_extension

__all__ = [
    "METRICS",
    "Metrics",
    "PlannedExecution",
    "Planner",
    "answered_by",
    "planner_extension",
]
