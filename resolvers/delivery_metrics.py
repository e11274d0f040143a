"""Prometheus metrics of webhook delivery, in prometheus-client's default registry.

``casegraph_webhook_deliveries_total{partner,outcome}`` counts attempts by how they ended
(``delivered``, ``retry``, ``dead``); the histogram times each delivered event from when it
was stored in the feed to the partner's 2xx answer.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

DELIVERIES = Counter(
    "casegraph_webhook_deliveries",
    "Webhook delivery attempts to CRC partners, by outcome (delivered, retry, dead).",
    ["partner", "outcome"],
)
DELIVERY_LATENCY = Histogram(
    "casegraph_webhook_delivery_latency_seconds",
    "Seconds from a case event being stored to its webhook being acknowledged (2xx).",
    ["partner"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, float("inf")),
)
