"""The webhook service under load: signed deliveries from a separate process over loopback.

Three processes: this one starts the service (``python -m benchmarks.bench_service serve``: the
real app under uvicorn, the SQLite inbox, a FakeHelpdesk holding the tickets the deliveries
name, due obligations left to workers as with ``--no-worker``), then a load process
(``... load``) that sends every delivery over keep-alive connections and times each answer.

Figures, medians over the runs:

* accepted per second: 2xx answers over the time from the first send to the last 2xx;
* client-side latency p50 / p99, and a text histogram of one run;
* the inbox count against the acknowledged count (they must be equal);
* whether the pipeline keeps up: the time from the last 2xx until every delivery is processed
  and its ticket change written to the helpdesk (which answers at once).

Nothing here is asserted; ``make bench`` prints the figures.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from deescalate.testing import FakeHelpdesk

__all__ = ["run"]

SECRET = "bench-secret"
TICKETS = 200
CUSTOMER = "This is the third time I write!!! Nobody reads my messages and I want my refund now."
BUCKETS_MS = (1, 2, 5, 10, 20, 50, 100, 250)


def _ticket_ids(number: int) -> tuple[str, str]:
    """Ticket ``number``'s id and its one comment's id in a fresh FakeHelpdesk."""
    return str(2 * number + 1), str(2 * number + 2)


def _body(n: int) -> bytes:
    ticket, comment = _ticket_ids(n % TICKETS)
    event = {
        "kind": "comment-added",
        "ticket": f"fake:{ticket}",
        "at": "2026-03-02T09:00:00+00:00",
        "delivery_id": f"bench-{n}",
        "comment": {"id": comment, "author_role": "customer", "body": CUSTOMER},
    }
    return json.dumps({"delivery_id": f"bench-{n}", "events": [event]}).encode()


# --- the service process ---------------------------------------------------------------------


def serve(db: str, processing: bool) -> None:
    """Run the service on a free port (with or without background processing); print the
    port; stop on SIGTERM."""
    import socket

    import uvicorn

    from deescalate.runtime import Runtime
    from deescalate.service import create_app
    from deescalate.settings import Settings

    desk = FakeHelpdesk(secret=SECRET)
    for _ in range(TICKETS):
        desk.create_ticket("Refund", [("customer", CUSTOMER)])
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # TCP_NODELAY
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    with Runtime.build(Settings(), helpdesk=desk, database_url=db) as runtime:
        app = create_app(runtime, run_worker=False, poll=0.2, background=processing)
        config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on")
        server = uvicorn.Server(config)
        signal.signal(signal.SIGTERM, lambda *_: None)  # uvicorn raises it again after stopping
        print(listener.getsockname()[1], flush=True)
        server.run(sockets=[listener])


# --- the load process ------------------------------------------------------------------------


async def _load(port: int, count: int, connections: int) -> dict[str, object]:
    desk = FakeHelpdesk(secret=SECRET)
    requests = []
    for n in range(count):
        body = _body(n)
        signature = desk.sign(body)["x-deescalate-signature"]
        requests.append(
            (
                f"POST /hooks/fake HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"X-Deescalate-Signature: {signature}\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode()
            + body
        )
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    last_ok = 0.0
    queue = iter(requests)

    async def connection() -> None:
        nonlocal last_ok
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for request in queue:
                sent = time.perf_counter()
                writer.write(request)
                status_line = await reader.readline()
                length = 0
                while True:
                    line = await reader.readline()
                    if line in (b"\r\n", b""):
                        break
                    name, _, value = line.decode("latin-1").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                await reader.readexactly(length)
                answered = time.perf_counter()
                status = int(status_line.split()[1])
                statuses[status] = statuses.get(status, 0) + 1
                latencies.append(answered - sent)
                if 200 <= status < 300:
                    last_ok = max(last_ok, answered)
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    accepted = sum(n for status, n in statuses.items() if 200 <= status < 300)
    return {
        "accepted": accepted,
        "statuses": statuses,
        "seconds": last_ok - start,
        "latencies_ms": [round(s * 1000, 3) for s in latencies],
        "finished_at": time.time(),
    }


def load(port: int, count: int, connections: int) -> None:
    print(json.dumps(asyncio.run(_load(port, count, connections))), flush=True)


# --- the orchestration -----------------------------------------------------------------------


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _histogram(latencies: list[float]) -> list[str]:
    edges = [0, *BUCKETS_MS, float("inf")]
    counts = [0] * (len(edges) - 1)
    for value in latencies:
        for i in range(len(counts)):
            if edges[i] <= value < edges[i + 1]:
                counts[i] += 1
                break
    widest = max(counts) or 1
    lines = []
    for i, count in enumerate(counts):
        upper = "inf" if edges[i + 1] == float("inf") else f"{edges[i + 1]:g}"
        label = f"{edges[i]:g}-{upper} ms"
        lines.append(f"  {label:>12} {count:>6} {'#' * round(40 * count / widest)}")
    return lines


def _queue_counts(db: Path) -> tuple[int, int, int]:
    """Inbox entries, inbox entries pending, outbox entries pending."""
    import sqlite3

    with sqlite3.connect(db, timeout=30) as connection:
        total, pending = connection.execute(
            "SELECT COUNT(*), COALESCE(SUM(state = 'pending'), 0) FROM inbox"
        ).fetchone()
        (outbox_pending,) = connection.execute(
            "SELECT COUNT(*) FROM outbox WHERE state = 'pending'"
        ).fetchone()
    return int(total), int(pending), int(outbox_pending)


def _one_run(count: int, connections: int, *, processing: bool = True) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        server = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.bench_service", "serve", str(db), str(processing)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        try:
            assert server.stdout is not None
            port = int(server.stdout.readline())
            _wait_ready(port)
            loaded = subprocess.run(
                [sys.executable, "-m", "benchmarks.bench_service", "load", str(port),
                 str(count), str(connections)],
                capture_output=True, text=True, check=True, env=env,
            )  # fmt: skip
            result: dict[str, object] = json.loads(loaded.stdout)
            finished = float(str(result["finished_at"]))
            stored = _queue_counts(db)[0]
            while processing:
                _, pending, outbox_pending = _queue_counts(db)
                if pending == 0 and outbox_pending == 0:
                    break
                time.sleep(0.05)
            result["drain_seconds"] = max(0.0, time.time() - finished)
            result["stored"] = stored
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(60)
    return result


def _wait_ready(port: int) -> None:
    import http.client

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the service did not become ready")


def run(quick: bool) -> list[str]:
    count = 1_000 if quick else 4_000
    runs = 3
    connections = 16
    results = [_one_run(count, connections) for _ in range(runs)]
    rates = [float(str(r["accepted"])) / float(str(r["seconds"])) for r in results]
    p50s = [_percentile(list(r["latencies_ms"]), 0.50) for r in results]  # type: ignore[call-overload]  # JSON lists
    p99s = [_percentile(list(r["latencies_ms"]), 0.99) for r in results]  # type: ignore[call-overload]  # JSON lists
    drains = [float(str(r["drain_seconds"])) for r in results]
    middle = sorted(range(runs), key=lambda i: rates[i])[runs // 2]
    lines = [
        f"{count:,} signed deliveries on {TICKETS} tickets from a separate process over "
        f"{connections} keep-alive connections, SQLite inbox, --no-worker; medians of {runs}",
        f"accepted per second: {statistics.median(rates):,.0f} "
        f"(runs: {', '.join(f'{r:,.0f}' for r in rates)}; goal 500, aim 2,000)",
        f"client latency: p50 {statistics.median(p50s):.1f} ms, "
        f"p99 {statistics.median(p99s):.1f} ms (goal: p99 under 50 ms)",
        "inbox count == acknowledged: "
        + ", ".join(f"{r['stored']} == {r['accepted']}" for r in results),
        f"pipeline drain after the last 2xx: {statistics.median(drains):.2f} s "
        f"(deliveries planned, notes and tags written to the helpdesk)",
        "latency histogram (median run):",
        *_histogram(list(results[middle]["latencies_ms"])),  # type: ignore[call-overload]  # JSON list
    ]
    # The ceiling: the same load on a service that only receives (the pipeline elsewhere).
    bare = [_one_run(count, connections, processing=False) for _ in range(runs)]
    bare_rates = [float(str(r["accepted"])) / float(str(r["seconds"])) for r in bare]
    bare_p99 = [_percentile(list(r["latencies_ms"]), 0.99) for r in bare]  # type: ignore[call-overload]  # JSON lists
    lines.append(
        f"receiving only (no pipeline in the process): {statistics.median(bare_rates):,.0f}/s, "
        f"p99 {statistics.median(bare_p99):.1f} ms"
    )
    return lines


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3] == "True")
    elif sys.argv[1] == "load":
        load(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
