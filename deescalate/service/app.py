"""The ASGI app: webhooks in, a durable inbox, health, readiness and metrics.

``POST /hooks/<name>`` answers, always with a short JSON body and never echoing the delivery:

====  ==========================================================================================
202   stored: the delivery is in the inbox and will be processed
200   a delivery with this id was stored before; nothing new to do (a sender's retry)
400   the body cannot be read as a delivery (malformed)
401   the signature does not verify
404   ``<name>`` is not the helpdesk this service runs for
413   the body is over ``max_body`` bytes (by Content-Length, or while reading a chunked body)
503   the store is unavailable for a moment (``Retry-After`` says when to try again)
====  ==========================================================================================

A 2xx answer is sent only after the store has the delivery, so an acknowledged delivery is
never lost. The store is called in a worker thread, never on the event loop.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from deescalate.errors import (
    AdapterError,
    DeescalateError,
    InputError,
    StoreError,
    WebhookVerificationError,
)
from deescalate.service.background import BackgroundProcessor
from deescalate.service.metrics import CONTENT_TYPE, ServiceMetrics

if TYPE_CHECKING:
    from deescalate.inbox import Receipt
    from deescalate.runtime import Runtime

__all__ = ["DEFAULT_MAX_BODY", "build_app"]

log = logging.getLogger("deescalate.service")

DEFAULT_MAX_BODY = 1024 * 1024  # deescalate.service.DEFAULT_MAX_BODY
RETRY_AFTER_SECONDS = 5


class _BodyTooLargeError(Exception):
    """The body is over the limit (raised while reading it)."""


def build_app(
    runtime: Runtime,
    *,
    max_body: int = DEFAULT_MAX_BODY,
    run_worker: bool = True,
    background: bool = True,
    batch: int = 50,
    poll: float = 1.0,
    metrics: ServiceMetrics | None = None,
) -> Starlette:
    """The app for ``runtime``; see :func:`deescalate.service.create_app`."""
    if runtime.inbox is None or runtime.helpdesk is None:
        raise InputError(
            "the service needs a runtime with a helpdesk (Runtime.build(helpdesk=...))"
        )
    if max_body < 1:
        raise InputError(f"max_body must be at least 1 byte, not {max_body}")
    metrics = metrics or ServiceMetrics()
    metrics.instrument(runtime)
    inbox = runtime.inbox
    hook_name = runtime.helpdesk.name
    processor = (
        BackgroundProcessor(runtime, obligations=run_worker, batch=batch, poll=poll)
        if background
        else None
    )

    async def receive(request: Request) -> Response:
        if request.path_params["name"] != hook_name:
            return _refuse(
                metrics, "unknown_hook", 404, f"no webhook named {request.path_params['name']!r}"
            )
        declared = request.headers.get("content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                return _refuse(metrics, "malformed", 400, "Content-Length is not a number")
            if length > max_body:
                return _refuse(
                    metrics, "too_large", 413, f"the body is over the {max_body}-byte limit"
                )
        try:
            body = await _read_body(request, max_body)
        except _BodyTooLargeError:
            return _refuse(metrics, "too_large", 413, f"the body is over the {max_body}-byte limit")
        headers = dict(request.headers)
        try:
            receipt: Receipt = await run_in_threadpool(inbox.receive, headers, body)
        except WebhookVerificationError:
            return _refuse(metrics, "unverified", 401, "the signature does not verify")
        except (AdapterError, InputError) as exc:
            # The adapter's message may quote the body: it goes to DEBUG, never to the sender.
            log.debug("malformed delivery: %s", exc)
            return _refuse(metrics, "malformed", 400, "malformed delivery")
        except StoreError as exc:
            log.warning("delivery not stored, the store is unavailable: %s", exc)
            metrics.count_delivery("unavailable")
            return JSONResponse(
                {"error": "the store is unavailable; retry later"},
                status_code=503,
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        except DeescalateError as exc:
            log.error("delivery refused: %s", exc.__class__.__name__)
            return _refuse(metrics, "error", 500, "internal error")
        if not receipt.new:
            metrics.count_delivery("duplicate")
            log.info("delivery %s already stored", receipt.delivery.id)
            return JSONResponse({"delivery": receipt.delivery.id, "status": "duplicate"})
        metrics.count_delivery("accepted")
        log.debug("delivery %s stored (%d events)", receipt.delivery.id, receipt.events)
        if processor is not None:
            processor.wake()
        return JSONResponse(
            {"delivery": receipt.delivery.id, "status": "accepted", "events": receipt.events},
            status_code=202,
        )

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            await run_in_threadpool(runtime.store.schema_version)
        except Exception as exc:  # anything at all means "not ready", and is logged once here
            log.warning("not ready: the store does not answer: %s", exc.__class__.__name__)
            return JSONResponse(
                {"status": "unavailable", "reason": "the store does not answer"},
                status_code=503,
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        if processor is not None and not processor.running:
            return JSONResponse(
                {"status": "unavailable", "reason": "background processing stopped"},
                status_code=503,
            )
        return JSONResponse({"status": "ready"})

    async def metrics_page(request: Request) -> Response:
        text = await run_in_threadpool(metrics.exposition)
        return Response(text, media_type=CONTENT_TYPE)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if processor is not None:
            processor.start()
        log.info("accepting deliveries at /hooks/%s", hook_name)
        try:
            yield
        finally:
            if processor is not None:
                # Finish the batch in hand; the runtime is closed by whoever built it.
                await run_in_threadpool(processor.stop)

    app = Starlette(
        routes=[
            Route("/hooks/{name}", receive, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics_page, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.metrics = metrics
    app.state.processor = processor
    app.state.runtime = runtime
    return app


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, read in chunks; :class:`_BodyTooLargeError` as soon as more than ``limit`` bytes came."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _BodyTooLargeError
        chunks.append(chunk)
    return b"".join(chunks)


def _refuse(metrics: ServiceMetrics, outcome: str, status: int, reason: str) -> Response:
    metrics.count_delivery(outcome)
    log.info("delivery refused with %d: %s", status, reason)
    return JSONResponse({"error": reason}, status_code=status)
