"""The webhook service over HTTP: what each delivery is answered, and what happens to it after."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from deescalate.assessment import Assessor
from deescalate.coach import Coach
from deescalate.errors import RateLimited
from deescalate.helpdesk import Ticket, TicketRef
from deescalate.runtime import Runtime
from deescalate.settings import Settings
from deescalate.store import EntryState
from deescalate.testing import FakeHelpdesk
from tests.server.harness import delivery_body, serve_in_thread, signed, wait_until

ANGRY = "This is the THIRD time I write!!! Nobody listens and I want a refund NOW."


@pytest.fixture(scope="module")
def readers() -> tuple[Assessor, Coach]:
    """One assessor and one coach for the module: building them is the slow part of a runtime."""
    return Assessor(), Coach()


@pytest.fixture
def desk() -> FakeHelpdesk:
    return FakeHelpdesk()


@pytest.fixture
def runtime(
    tmp_path: Path, desk: FakeHelpdesk, readers: tuple[Assessor, Coach]
) -> Iterator[Runtime]:
    assessor, coach = readers
    with Runtime.build(
        Settings(),
        helpdesk=desk,
        database_url=str(tmp_path / "service.db"),
        assessor=assessor,
        coach=coach,
    ) as built:
        yield built


@pytest.fixture
def idle_url(runtime: Runtime) -> Iterator[str]:
    """The service without background processing: what it stores stays in the inbox."""
    with serve_in_thread(runtime, background=False, max_body=4096) as url:
        yield url


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as session:
        yield session


def post(client: httpx.Client, url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return client.post(f"{url}/hooks/fake", content=body, headers=headers)


def metric(client: httpx.Client, url: str, name: str, **labels: str) -> float:
    text = client.get(f"{url}/metrics").text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    raise AssertionError(f"no sample {name} {labels}")


def test_a_new_delivery_is_stored_and_answered_202(
    idle_url: str, client: httpx.Client, runtime: Runtime
) -> None:
    """A signed delivery is in the inbox when the 202 arrives."""
    body = delivery_body("d-1")
    answer = post(client, idle_url, body, signed(body))
    assert answer.status_code == 202
    assert answer.json() == {"delivery": "d-1", "status": "accepted", "events": 1}
    (entry,) = runtime.store.inbox_list()
    assert (entry.delivery.id, entry.ticket, entry.state) == ("d-1", "fake:1", EntryState.PENDING)


def test_a_repeated_delivery_is_answered_200_and_adds_no_work(
    idle_url: str, client: httpx.Client, runtime: Runtime
) -> None:
    """The sender's retry of a stored delivery gets 200 and the inbox still holds one entry."""
    body = delivery_body("d-2")
    assert post(client, idle_url, body, signed(body)).status_code == 202
    again = post(client, idle_url, body, signed(body))
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert len(runtime.store.inbox_list()) == 1


def test_an_unsigned_delivery_is_answered_401_and_not_stored(
    idle_url: str, client: httpx.Client, runtime: Runtime
) -> None:
    """No signature, or a signature made with another secret, is refused."""
    body = delivery_body("d-3")
    assert post(client, idle_url, body, {}).status_code == 401
    forged = post(client, idle_url, body, signed(body, secret="not-the-secret"))
    assert forged.status_code == 401
    assert forged.json() == {"error": "the signature does not verify"}
    assert runtime.store.inbox_list() == []


def test_a_malformed_delivery_is_answered_400_without_echoing_it(
    idle_url: str, client: httpx.Client, runtime: Runtime
) -> None:
    """A signed body that is not a delivery is refused with a short reason, not the body."""
    body = b'{"events": "my private words"}'
    answer = post(client, idle_url, body, signed(body))
    assert answer.status_code == 400
    assert "private" not in answer.text
    assert runtime.store.inbox_list() == []


def test_a_body_over_the_limit_by_content_length_is_answered_413(
    idle_url: str, client: httpx.Client, runtime: Runtime
) -> None:
    """A declared length over max_body is refused before the body is read."""
    body = b"x" * 5000
    answer = post(client, idle_url, body, signed(body))
    assert answer.status_code == 413
    assert runtime.store.inbox_list() == []


def test_a_chunked_body_over_the_limit_is_answered_413(
    idle_url: str, client: httpx.Client, runtime: Runtime
) -> None:
    """A body without Content-Length is refused once the bytes read pass max_body."""

    def chunks() -> Iterator[bytes]:
        for _ in range(64):
            yield b"y" * 1024

    answer = client.post(f"{idle_url}/hooks/fake", content=chunks(), headers={})
    assert answer.request.headers.get("transfer-encoding") == "chunked"
    assert answer.status_code == 413
    assert runtime.store.inbox_list() == []


def test_a_chunked_body_under_the_limit_is_accepted(
    idle_url: str, client: httpx.Client, runtime: Runtime
) -> None:
    """Reading in chunks keeps every byte of a body within the limit."""
    body = delivery_body("d-chunked")
    answer = client.post(
        f"{idle_url}/hooks/fake", content=iter([body[:10], body[10:]]), headers=signed(body)
    )
    assert answer.status_code == 202
    assert runtime.store.inbox_list()[0].delivery.body == body


def test_another_helpdesk_name_is_answered_404(idle_url: str, client: httpx.Client) -> None:
    """Only the runtime's helpdesk has a hook."""
    body = delivery_body("d-4")
    answer = client.post(f"{idle_url}/hooks/zendesk", content=body, headers=signed(body))
    assert answer.status_code == 404


def test_health_and_readiness(idle_url: str, client: httpx.Client) -> None:
    """healthz says the process is up, readyz that the store answers."""
    assert client.get(f"{idle_url}/healthz").json() == {"status": "ok"}
    assert client.get(f"{idle_url}/readyz").status_code == 200


def test_readyz_is_503_when_the_store_is_gone(
    idle_url: str, client: httpx.Client, runtime: Runtime
) -> None:
    """A store that no longer answers makes the service not ready."""
    runtime.store.close()
    answer = client.get(f"{idle_url}/readyz")
    assert answer.status_code == 503
    assert answer.headers["retry-after"]


def test_metrics_count_deliveries_by_outcome_and_the_inbox_by_state(
    idle_url: str, client: httpx.Client
) -> None:
    """Each answer is counted under its outcome; the inbox depth is read from the store."""
    body = delivery_body("d-5")
    post(client, idle_url, body, signed(body))
    post(client, idle_url, body, signed(body))
    post(client, idle_url, body, {})
    assert metric(client, idle_url, "deescalate_deliveries_total", outcome="accepted") == 1
    assert metric(client, idle_url, "deescalate_deliveries_total", outcome="duplicate") == 1
    assert metric(client, idle_url, "deescalate_deliveries_total", outcome="unverified") == 1
    assert metric(client, idle_url, "deescalate_inbox_entries", state="pending") == 1
    assert metric(client, idle_url, "deescalate_obligations", state="open") == 0


def test_a_delivery_ends_with_its_tags_and_note_on_the_ticket(
    runtime: Runtime, desk: FakeHelpdesk, client: httpx.Client
) -> None:
    """The background thread plans the event and the outbox writes the change to the helpdesk."""
    ref = desk.create_ticket("Refund", [("customer", ANGRY)])
    comment = desk.get_ticket(ref).comments[0]
    body = delivery_body("d-6", str(ref), comment_id=comment.id, text=ANGRY)
    with serve_in_thread(runtime, poll=0.1) as url:
        assert post(client, url, body, signed(body)).status_code == 202
        assert wait_until(lambda: any(t.startswith("deescalate-stage-") for t in tags(desk, ref)))
        assert wait_until(lambda: len(desk.notes(ref)) == 1)
        assert (
            metric(client, url, "deescalate_helpdesk_calls_total", method="apply", status="ok") == 1
        )
        assert metric(client, url, "deescalate_pipeline_seconds_count") == 1
    assert runtime.store.inbox_counts()[EntryState.DONE] == 1
    assert runtime.store.outbox_counts()[EntryState.DONE] == 1


class RateLimitedOnce(FakeHelpdesk):
    """A helpdesk whose first ticket read is answered 429 with Retry-After: 30."""

    limited = False

    def get_ticket(self, ref: TicketRef) -> Ticket:
        if not self.limited:
            self.limited = True
            raise RateLimited("slow down", retry_after=30)
        return super().get_ticket(ref)


def test_a_rate_limited_helpdesk_is_counted_and_the_delivery_retried_later(
    tmp_path: Path, readers: tuple[Assessor, Coach], client: httpx.Client
) -> None:
    """A 429 is a rate-limit wait in the metrics, and the delivery waits its Retry-After."""
    desk = RateLimitedOnce()
    body = delivery_body("d-7")
    assessor, coach = readers
    with (
        Runtime.build(
            helpdesk=desk, database_url=str(tmp_path / "s.db"), assessor=assessor, coach=coach
        ) as runtime,
        serve_in_thread(runtime, poll=0.1) as url,
    ):
        assert post(client, url, body, signed(body)).status_code == 202
        assert wait_until(lambda: metric(client, url, "deescalate_rate_limit_waits_total") == 1)
        assert metric(client, url, "deescalate_rate_limit_wait_seconds_total") == 30
        calls = metric(
            client,
            url,
            "deescalate_helpdesk_calls_total",
            method="get_ticket",
            status="rate_limited",
        )
        assert calls == 1
        (entry,) = runtime.store.inbox_list()
    assert (entry.state, entry.attempts) == (EntryState.PENDING, 1)
    assert entry.next_try_at >= entry.updated_at + timedelta(seconds=30)


def tags(desk: FakeHelpdesk, ref: TicketRef) -> frozenset[str]:
    return desk.tickets[ref].tags
