"""Running the real service for tests: in a thread (to share a FakeHelpdesk with the test) or as
a ``deescalate serve`` process (to kill it), on 127.0.0.1 with a port the system picks."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from deescalate.runtime import Runtime
from deescalate.service import create_app
from deescalate.testing import FakeHelpdesk

__all__ = ["ServeProcess", "delivery_body", "serve_in_thread", "signed", "wait_until"]

AT = "2026-03-02T09:00:00+00:00"


def delivery_body(
    delivery_id: str,
    ticket: str = "fake:1",
    *,
    comment_id: str = "c1",
    role: str = "customer",
    text: str = "It broke again.",
) -> bytes:
    """A FakeHelpdesk delivery of one comment-added event."""
    event = {
        "kind": "comment-added",
        "ticket": ticket,
        "at": AT,
        "delivery_id": delivery_id,
        "comment": {"id": comment_id, "author_role": role, "body": text},
    }
    return json.dumps({"delivery_id": delivery_id, "events": [event]}).encode()


def signed(body: bytes, secret: str = "test-secret") -> dict[str, str]:
    """The headers of ``body`` signed as FakeHelpdesk(secret=...) expects."""
    return {**FakeHelpdesk(secret=secret).sign(body), "content-type": "application/json"}


def wait_until(condition: Any, timeout: float = 15.0, step: float = 0.05) -> bool:
    """Poll ``condition()`` until it is true or ``timeout`` seconds pass; returns the last value."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(step)


def _listener() -> socket.socket:
    # IPPROTO_TCP so asyncio sets TCP_NODELAY on the connections (as deescalate serve does).
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.bind(("127.0.0.1", 0))
    listener.listen(512)
    return listener


@contextmanager
def serve_in_thread(runtime: Runtime, **options: Any) -> Iterator[str]:
    """Serve ``create_app(runtime, **options)`` under uvicorn in a thread; yields the base URL."""
    app = create_app(runtime, **options)
    listener = _listener()
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        if not wait_until(lambda: server.started or not thread.is_alive(), timeout=20):
            raise RuntimeError("the service did not start")
        if not thread.is_alive():
            raise RuntimeError("the service stopped while starting")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        listener.close()


_LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")


class ServeProcess:
    """A ``deescalate serve`` process (``--helpdesk fake`` unless told); :attr:`url` once it
    listens. Its log goes beside a SQLite ``db``, or into ``log_dir``."""

    def __init__(
        self,
        db: Path | str,
        *extra: str,
        env: dict[str, str] | None = None,
        helpdesk: str = "fake",
        log_dir: Path | None = None,
    ) -> None:
        folder = log_dir if log_dir is not None else Path(db).parent
        self.log = folder / f"serve.{time.monotonic_ns()}.log"
        self._log_file = self.log.open("wb")
        command: Sequence[str] = (
            sys.executable, "-m", "deescalate.cli", "serve", "--helpdesk", helpdesk,
            "--db", str(db), "--port", "0", "--poll", "0.2", *extra,
        )  # fmt: skip
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=self._log_file,
            env={**os.environ, **(env or {})},
        )
        self.url = self._wait_for_port()

    def _wait_for_port(self) -> str:
        found: list[str] = []

        def listening() -> bool:
            match = _LISTENING.search(self.log.read_text(errors="replace"))
            if match:
                found.append(match.group(1))
            return bool(found) or self.process.poll() is not None

        wait_until(listening, timeout=30)
        if not found:
            self.kill()
            raise RuntimeError(f"deescalate serve did not start:\n{self.log.read_text()[-2000:]}")
        return f"http://127.0.0.1:{found[0]}"

    def wait_ready(self, client: Any) -> None:
        def ready() -> bool:
            try:
                return bool(client.get(f"{self.url}/readyz").status_code == 200)
            except OSError:
                return False

        if not wait_until(ready, timeout=20):
            raise RuntimeError(f"deescalate serve is not ready:\n{self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown of any kind."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)
        self._log_file.close()

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM, then wait for the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        status = self.process.wait(timeout)
        self._log_file.close()
        return status
