"""The base of the adapters' fake servers: serving, the request log, injected faults and stalls."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from deescalate.fake_http import Answer, FakeHTTPServer, LoggedRequest, Request


class FakeCounter(FakeHTTPServer):
    """A tiny vendor: ``GET /counter`` reads a number, ``POST /counter`` adds ``{"by": n}``."""

    def __init__(self) -> None:
        super().__init__()
        self.value = 0
        self.handled: list[Request] = []

    def handle(self, request: Request) -> Answer:
        self.handled.append(request)
        if request.path != "/counter":
            return Answer(404, {"error": f"no {request.path}"})
        if request.method == "POST":
            self.value += int(request.body["by"])
            return Answer(201, {"value": self.value}, route="/counter")
        return Answer(200, {"value": self.value, "base": request.base}, route="/counter")


@pytest.fixture
def fake() -> Iterator[FakeCounter]:
    with FakeCounter() as server:
        yield server


def _client(fake: FakeHTTPServer, timeout: float = 5.0) -> httpx.Client:
    return httpx.Client(base_url=fake.url, timeout=timeout)


def test_a_request_reaches_handle_parsed(fake: FakeCounter) -> None:
    """The subclass gets the method, the decoded path, the query, the JSON body and the base."""
    with _client(fake) as client:
        client.post("/coun%74er?a=1&b=&a=2", json={"by": 3}, headers={"X-Trace": "t1"})
    (request,) = fake.handled
    assert (request.method, request.path, request.body) == ("POST", "/counter", {"by": 3})
    assert request.query == {"a": "2", "b": ""}
    assert request.headers["x-trace"] == "t1"
    assert request.base == fake.url


def test_the_answer_is_sent_as_json(fake: FakeCounter) -> None:
    """The status and payload of ``handle``'s answer reach the client as JSON."""
    with _client(fake) as client:
        client.post("/counter", json={"by": 2})
        answer = client.get("/counter")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json; charset=utf-8"
    assert answer.json()["value"] == 2


def test_the_log_holds_each_request_with_its_answer(fake: FakeCounter) -> None:
    """Every request is logged with the status, payload and route it was answered with."""
    with _client(fake) as client:
        client.post("/counter?x=1", json={"by": 5})
        client.get("/nowhere")
    assert fake.requests == [
        LoggedRequest("POST", "/counter", {"x": "1"}, {"by": 5}, 201, {"value": 5}, "/counter"),
        LoggedRequest("GET", "/nowhere", {}, None, 404, {"error": "no /nowhere"}, None),
    ]


def test_calls_count_by_method_and_path_prefix(fake: FakeCounter) -> None:
    """calls() counts all requests, or those of one method under one path prefix."""
    with _client(fake) as client:
        client.get("/counter")
        client.post("/counter", json={"by": 1})
        client.get("/other")
    assert (fake.calls(), fake.calls("GET"), fake.calls("GET", "/count")) == (3, 2, 1)


def test_reset_log_forgets_requests(fake: FakeCounter) -> None:
    """After reset_log the log is empty and counting starts again."""
    with _client(fake) as client:
        client.get("/counter")
        fake.reset_log()
        client.get("/counter")
    assert fake.calls() == 1


def test_an_error_fault_answers_instead_of_serving(fake: FakeCounter) -> None:
    """fail_next(503) answers with the status and headers given, and the request changes nothing."""
    fake.fail_next(503, headers={"Retry-After": "4"})
    with _client(fake) as client:
        failed = client.post("/counter", json={"by": 1})
        served = client.post("/counter", json={"by": 1})
    assert (failed.status_code, failed.headers["retry-after"]) == (503, "4")
    assert failed.json() == {"error": "injected 503"}
    assert served.status_code == 201
    assert fake.value == 1


def test_a_fault_applies_under_its_path_prefix_for_its_times(fake: FakeCounter) -> None:
    """A fault with a path prefix leaves other paths alone and runs out after ``times``."""
    fake.fail_next(429, times=2, path_prefix="/counter")
    with _client(fake) as client:
        statuses = [client.get(path).status_code for path in ("/other", "/counter") * 2]
        statuses.append(client.get("/counter").status_code)
    assert statuses == [404, 429, 404, 429, 200]


def test_a_2xx_fault_serves_then_sends_its_body(fake: FakeCounter) -> None:
    """fail_next(200, body=...) lets the change happen and sends the malformed body instead."""
    fake.fail_next(200, body=b"{not json")
    with _client(fake) as client:
        answer = client.post("/counter", json={"by": 7})
    assert (answer.status_code, answer.content) == (200, b"{not json")
    assert fake.value == 7


class FakeVendorErrors(FakeCounter):
    """A vendor whose errors have another shape."""

    def fault_payload(self, status: int) -> Any:
        return {"errorMessages": [f"status {status}"]}


def test_a_subclass_shapes_injected_errors() -> None:
    """fault_payload gives an injected fault the vendor's error body."""
    with FakeVendorErrors() as fake, _client(fake) as client:
        fake.fail_next(500)
        assert client.get("/counter").json() == {"errorMessages": ["status 500"]}


def test_a_stall_outlasts_the_client_timeout_and_is_still_counted(fake: FakeCounter) -> None:
    """stall_next delays the next answer past the client's timeout; the request is logged."""
    fake.stall_next(0.5)
    with _client(fake, timeout=0.1) as client, pytest.raises(httpx.TimeoutException):
        client.get("/counter")
    assert fake.calls("GET", "/counter") == 1
    with _client(fake) as client:
        assert client.get("/counter").status_code == 200


def test_url_needs_a_running_server() -> None:
    """Asking a stopped fake for its url says it is not running."""
    fake = FakeCounter()
    with pytest.raises(RuntimeError, match="FakeCounter is not running"):
        _ = fake.url
