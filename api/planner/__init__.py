"""The planned executor: known documents answered from a compiled plan, not graphql-core.

It lives in ``api/`` because it is an execution engine wired in as a schema extension;
it reaches nDelius only through the request's ``Context`` loaders and reuses the
resolvers' policy, cursor and argument rules, so both paths give the same answers.
"""

from api.planner.cache import METRICS, Metrics
from api.planner.extension import PlannedExecution, Planner, planner_extension, planner_metrics

__all__ = [
    "METRICS",
    "Metrics",
    "PlannedExecution",
    "Planner",
    "planner_extension",
    "planner_metrics",
]
