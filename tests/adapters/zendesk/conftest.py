"""Fixtures: a fake Zendesk per test, and the real adapter (zenpy over HTTP) pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

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


MakeDesk = Callable[..., ZendeskHelpdesk]


@pytest.fixture
def make_desk(server: FakeZendeskServer, clock: Clock) -> Iterator[MakeDesk]:
    """Build more adapters on the fake (settings overridden by keyword); all closed after."""
    built: list[ZendeskHelpdesk] = []

    def make(**overrides: Any) -> ZendeskHelpdesk:
        adapter = ZendeskHelpdesk(
            server.settings(**overrides), clock=clock, sleep=lambda seconds: None
        )
        built.append(adapter)
        return adapter

    yield make
    for adapter in built:
        adapter.close()


@pytest.fixture
def desk(make_desk: MakeDesk) -> ZendeskHelpdesk:
    return make_desk()
