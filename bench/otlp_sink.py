"""An OTLP/HTTP receiver that only counts spans: ``python -m bench.otlp_sink --port P``.

The observability benchmark points Case Graph's OTLP exporter here, so exporting costs
what it costs in production (protobuf encoding, an HTTP POST per batch) without a
collector installed. ``GET /spans`` says how many spans arrived, which shows the exporter
really ran.
"""

from __future__ import annotations

import argparse

import uvicorn
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

PROTOBUF = "application/x-protobuf"


def sink() -> Starlette:
    """The receiver: ``POST /v1/traces`` counts, ``GET /spans`` reports."""
    received = {"spans": 0, "batches": 0}

    async def traces(request: Request) -> Response:
        message = ExportTraceServiceRequest.FromString(await request.body())
        received["batches"] += 1
        scopes = [scope for resource in message.resource_spans for scope in resource.scope_spans]
        received["spans"] += sum(len(scope.spans) for scope in scopes)
        return Response(ExportTraceServiceResponse().SerializeToString(), media_type=PROTOBUF)

    async def spans(request: Request) -> JSONResponse:
        return JSONResponse(received)

    return Starlette(routes=[Route("/v1/traces", traces, methods=["POST"]), Route("/spans", spans)])


def main() -> None:
    """Serve on loopback until stopped."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(sink(), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
