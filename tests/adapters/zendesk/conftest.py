"""Fixtures: a fake Zendesk per test, and the real adapter (zenpy over HTTP) pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from deescalate_zendesk import ZendeskHelpdesk
from deescalate_zendesk.testing import FakeZendeskServer

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    """The time both the fake and the adapter see; tests move it by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def server(clock: Clock) -> Iterator[FakeZendeskServer]:
    with FakeZendeskServer(clock=clock) as fake:
        yield fake


@pytest.fixture
def desk(server: FakeZendeskServer, clock: Clock) -> Iterator[ZendeskHelpdesk]:
    adapter = ZendeskHelpdesk(server.settings(), clock=clock, sleep=lambda seconds: None)
    yield adapter
    adapter.close()
