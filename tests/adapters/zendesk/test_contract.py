"""The Helpdesk contract suite, run against the real adapter and the fake Zendesk."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest
from deescalate_zendesk import ZendeskHelpdesk
from deescalate_zendesk.testing import FakeZendeskServer

from deescalate.helpdesk import TicketRef
from tests.contracts.helpdesk_contract import HelpdeskContract, Seed, Signed


class TestZendeskHelpdesk(HelpdeskContract):
    @pytest.fixture
    def seed(self, server: FakeZendeskServer) -> Seed:
        def make(comments: Sequence[tuple[str, str]]) -> TicketRef:
            return TicketRef("zendesk", str(server.add_ticket("A ticket", comments)))

        return make

    @pytest.fixture
    def signed(self, server: FakeZendeskServer) -> Signed:
        def make(ref: TicketRef, delivery_id: str, text: str) -> tuple[Mapping[str, str], bytes]:
            return server.comment_added_delivery(int(ref.id), text, event_id=delivery_id)

        return make


def test_desk_fixture_is_the_zendesk_adapter(desk: ZendeskHelpdesk) -> None:
    """The suite above runs on ZendeskHelpdesk, registered as 'zendesk'."""
    assert desk.name == "zendesk"
