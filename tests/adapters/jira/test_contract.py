"""The helpdesk contract on the Jira adapter, against the fake in Cloud and Data Center modes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest
from deescalate_jira import JiraHelpdesk
from deescalate_jira.testing import FakeJiraServer

from deescalate.helpdesk import TicketRef
from tests.contracts.helpdesk_contract import HelpdeskContract, Seed, Signed


class TestJiraHelpdesk(HelpdeskContract):
    @pytest.fixture
    def seed(self, server: FakeJiraServer) -> Seed:
        def make(comments: Sequence[tuple[str, str]]) -> TicketRef:
            return TicketRef("jira", server.add_issue("A ticket", comments=comments))

        return make

    @pytest.fixture
    def signed(self, server: FakeJiraServer, desk: JiraHelpdesk) -> Signed:
        def make(ref: TicketRef, delivery_id: str, text: str) -> tuple[Mapping[str, str], bytes]:
            comment = server.add_comment(ref.id, "customer", text)
            body = server.comment_event(ref.id, comment)
            return server.signed(body, delivery_id), body

        return make
