"""A base for local fakes of a vendor's HTTP API, the kind each adapter ships for its tests.

:class:`FakeHTTPServer` is a real HTTP server on ``127.0.0.1`` (a free port, a daemon thread)
that logs every request, counts them, and fails or stalls on demand. A subclass keeps the
vendor's state and answers one parsed :class:`Request` at a time in :meth:`FakeHTTPServer.handle`::

    class FakeStatusPage(FakeHTTPServer):
        def handle(self, request: Request) -> Answer:
            if request.method == "GET" and request.path == "/api/status":
                return Answer(200, {"status": "ok"})
            return Answer(404, {"error": "not found"})

    with FakeStatusPage() as server:
        server.fail_next(503)
        ...  # the client's first call gets 503, the next one 200
        assert server.calls("GET", "/api/") == 2

What the server does with each request, in order: it logs it (so a client that gave up waiting
still sees it counted), waits if :meth:`~FakeHTTPServer.stall_next` asked it to, answers an
injected fault if :meth:`~FakeHTTPServer.fail_next` left one for the path, and otherwise calls
``handle`` with the server's lock held; the answer completes the logged request.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar, Self
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["Answer", "FakeHTTPServer", "LoggedRequest", "Request"]


@dataclass(frozen=True, slots=True)
class Request:
    """One request as the fake parsed it.

    ``path`` is percent-decoded; ``query`` keeps the last value of each key (blank values too);
    ``headers`` have lower-case names; ``body`` is the JSON body, the text of a body that is not
    JSON, or None when there is none; ``base`` is the site root the client asked for
    (``http://`` and its ``Host`` header), for absolute links in answers.
    """

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: Any
    base: str


@dataclass(frozen=True, slots=True)
class Answer:
    """What :meth:`FakeHTTPServer.handle` answers.

    ``payload`` is sent as JSON, or as it is when it is bytes; None sends an empty body.
    ``route`` names the path template that served the request (``/issue/{key}``, say), for the
    log: tests can check each route against the vendor's spec.
    """

    status: int
    payload: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    route: str | None = None


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request the fake received and, once it has answered, the answer.

    ``status``, ``response`` (the payload sent) and ``route`` stay None while the request is
    being served (a stalled one, say).
    """

    method: str
    path: str
    query: Mapping[str, str]
    body: Any
    status: int | None = None
    response: Any = None
    route: str | None = None


@dataclass(slots=True)
class _Fault:
    status: int
    headers: Mapping[str, str]
    body: bytes | None
    times: int
    path_prefix: str | None


class FakeHTTPServer(ABC):
    """A fake HTTP API on ``127.0.0.1`` in a daemon thread; use it as a context manager.

    Subclasses implement :meth:`handle` and call ``super().__init__()`` before touching
    :attr:`lock`. Every request is logged in :attr:`requests` as a :class:`LoggedRequest`.
    """

    content_type: ClassVar[str] = "application/json; charset=utf-8"
    """The ``Content-Type`` of every answer with a body."""

    def __init__(self) -> None:
        self.requests: list[LoggedRequest] = []
        self.lock = threading.RLock()
        """Guards the log, the faults and the subclass's state; ``handle`` runs holding it."""
        self._faults: list[_Fault] = []
        self._stalls: list[float] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @abstractmethod
    def handle(self, request: Request) -> Answer:
        """Answer one request from the fake's state (called with :attr:`lock` held)."""

    def fault_payload(self, status: int) -> Any:
        """The JSON body of an injected fault given no ``body``; override for a vendor's shape."""
        return {"error": f"injected {status}"}

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> Self:
        """Start serving on a free port of 127.0.0.1."""
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The site root, such as ``http://127.0.0.1:8123``."""
        if self._server is None:
            raise RuntimeError(f"the {type(self).__name__} is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # --- the log and fault injection ----------------------------------------------------------

    def calls(self, method: str | None = None, path_prefix: str = "") -> int:
        """How many requests matched ``method`` (any, for None) and started with ``path_prefix``."""
        with self.lock:
            return sum(
                1
                for r in self.requests
                if (method is None or r.method == method) and r.path.startswith(path_prefix)
            )

    def reset_log(self) -> None:
        """Forget the logged requests."""
        with self.lock:
            self.requests.clear()

    def fail_next(
        self,
        status: int,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        times: int = 1,
        path_prefix: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests (under ``path_prefix``) with ``status``.

        An error status answers in place of serving the request, with ``body`` (raw bytes:
        malformed JSON is allowed) or :meth:`fault_payload`. A 2xx status serves the request
        (its changes happen) and sends ``status``, ``headers`` and ``body`` (or the real
        answer's body) in place of the real answer.
        """
        with self.lock:
            self._faults.append(_Fault(status, dict(headers or {}), body, times, path_prefix))

    def stall_next(self, seconds: float) -> None:
        """Wait ``seconds`` before answering the next request (for client timeouts)."""
        with self.lock:
            self._stalls.append(seconds)

    # --- serving one request -------------------------------------------------------------------

    def serve(self, request: Request) -> Answer:
        """Log, stall, fail or handle ``request`` (what the server does with each request)."""
        logged = LoggedRequest(request.method, request.path, request.query, request.body)
        with self.lock:
            self.requests.append(logged)
            stall = self._stalls.pop(0) if self._stalls else 0.0
        if stall:
            time.sleep(stall)
        fault = self._take_fault(request.path)
        if fault is not None and not 200 <= fault.status < 300:
            payload = self.fault_payload(fault.status) if fault.body is None else fault.body
            answer = Answer(fault.status, payload, fault.headers)
        else:
            with self.lock:
                answer = self.handle(request)
            if fault is not None:
                payload = answer.payload if fault.body is None else fault.body
                answer = Answer(fault.status, payload, fault.headers, answer.route)
        self._complete(logged, answer)
        return answer

    def _take_fault(self, path: str) -> _Fault | None:
        with self.lock:
            for fault in self._faults:
                if fault.path_prefix is None or path.startswith(fault.path_prefix):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _complete(self, logged: LoggedRequest, answer: Answer) -> None:
        """Put the answer into the logged request (unless the log was reset meanwhile)."""
        done = replace(logged, status=answer.status, response=answer.payload, route=answer.route)
        with self.lock:
            # Searched from the end: the request is almost always the latest one.
            for index in range(len(self.requests) - 1, -1, -1):
                if self.requests[index] is logged:
                    self.requests[index] = done
                    return


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up (a timeout test) is not worth a traceback on stderr."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeHTTPServer
    protocol_version = "HTTP/1.1"
    # One segment per answer: headers and body written apart meet delayed ACKs (40 ms).
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read ``server.requests`` instead."""

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        headers = {name.lower(): value for name, value in self.headers.items()}
        host = self.headers.get("Host") or self.fake.url.removeprefix("http://")
        request = Request(self.command, unquote(parts.path), query, headers, body, f"http://{host}")
        answer = self.fake.serve(request)
        payload = answer.payload
        data = payload if isinstance(payload, bytes) else b"" if payload is None else _json(payload)
        self.send_response(answer.status)
        if data:
            self.send_header("Content-Type", self.fake.content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        # The client may have given up waiting (a timeout test): nothing to answer then.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data)
            self.wfile.flush()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve  # noqa: N815 - http.server's names


def _json(payload: Any) -> bytes:
    return json.dumps(payload).encode("utf-8")
