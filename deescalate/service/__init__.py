"""The webhook service behind ``deescalate serve`` (extra ``server``: Starlette, uvicorn and
prometheus-client).

:func:`create_app` turns a :class:`~deescalate.runtime.Runtime` with a helpdesk into an ASGI
app: ``POST /hooks/<name>`` stores verified deliveries in the inbox before answering, a
background thread drains the inbox through the pipeline and writes the outbox (and dispatches
due obligations unless ``run_worker`` is false), and ``/healthz``, ``/readyz`` and ``/metrics``
serve the operators::

    with Runtime.build(Settings(), helpdesk="fake") as runtime:
        app = create_app(runtime)
        uvicorn.run(app)

Nothing here is imported with ``import deescalate``; the web libraries are imported when an
app is made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from deescalate.errors import MissingExtraError

if TYPE_CHECKING:
    from deescalate.runtime import Runtime

__all__ = ["DEFAULT_MAX_BODY", "create_app"]

DEFAULT_MAX_BODY = 1024 * 1024
"""The largest delivery accepted by default (1 MiB); larger ones are answered 413."""


def create_app(
    runtime: Runtime,
    *,
    max_body: int = DEFAULT_MAX_BODY,
    run_worker: bool = True,
    background: bool = True,
    batch: int = 50,
    poll: float = 1.0,
) -> Any:
    """The ASGI app serving ``runtime``'s webhooks (a Starlette app).

    ``max_body`` is the largest body accepted, in bytes. ``background`` runs the inbox, the
    pipeline and the outbox in a thread while the app is up (started and stopped by the ASGI
    lifespan), claiming ``batch`` items at a time and looking every ``poll`` seconds when idle;
    ``run_worker`` adds due obligations to its rounds (false: ``deescalate worker`` processes
    send them). The runtime's helpdesk is wrapped to count calls for ``/metrics``; the runtime is
    not closed by the app.
    """
    try:
        from deescalate.service.app import build_app
    except ImportError as exc:
        raise MissingExtraError("the webhook service", "server") from exc
    return build_app(
        runtime,
        max_body=max_body,
        run_worker=run_worker,
        background=background,
        batch=batch,
        poll=poll,
    )
