"""The contract every Helpdesk adapter must keep; run against the fake now, the adapters later.

Subclasses provide a ``desk`` fixture and a ``seed`` fixture: a callable that creates a ticket
with the given ``(role, body)`` comments and returns its reference.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import pytest

from deescalate.errors import NotFound
from deescalate.helpdesk import AuthorRole, Helpdesk, TicketRef

Seed = Callable[[Sequence[tuple[str, str]]], TicketRef]


class HelpdeskContract:
    def test_is_a_helpdesk(self, desk: Helpdesk) -> None:
        """The adapter satisfies the protocol."""
        assert isinstance(desk, Helpdesk)
        assert desk.name

    def test_reads_a_ticket_with_its_comments(self, desk: Helpdesk, seed: Seed) -> None:
        """Comments come back in order with their author role and visibility."""
        ref = seed(
            [("customer", "The router drops every evening."), ("agent", "I'm sorry, I'll check.")]
        )
        ticket = desk.get_ticket(ref)
        assert ticket.ref == ref
        assert [c.author_role for c in ticket.comments] == [AuthorRole.CUSTOMER, AuthorRole.AGENT]
        assert all(c.public for c in ticket.comments)
        assert ticket.comments[0].body == "The router drops every evening."

    def test_unknown_ticket_is_not_found(self, desk: Helpdesk) -> None:
        """A missing ticket raises NotFound, not the client library's error."""
        with pytest.raises(NotFound):
            desk.get_ticket(TicketRef(desk.name, "999999999"))

    def test_tags_are_added_once_and_removed(self, desk: Helpdesk, seed: Seed) -> None:
        """Adding a tag twice keeps one; removing an absent tag is fine."""
        ref = seed([("customer", "Hello")])
        desk.add_tags(ref, ["deescalate-angry", "deescalate-angry"])
        desk.add_tags(ref, ["deescalate-angry"])
        assert "deescalate-angry" in desk.get_ticket(ref).tags
        desk.remove_tags(ref, ["deescalate-angry", "never-there"])
        assert "deescalate-angry" not in desk.get_ticket(ref).tags

    def test_internal_notes_are_private_and_idempotent(self, desk: Helpdesk, seed: Seed) -> None:
        """A note is not public; the same idempotency key posts it once."""
        ref = seed([("customer", "Hello")])
        desk.post_internal_note(ref, "Suggested reply: acknowledge first.", idempotency_key="k1")
        desk.post_internal_note(ref, "Suggested reply: acknowledge first.", idempotency_key="k1")
        notes = [c for c in desk.get_ticket(ref).comments if not c.public]
        assert len(notes) == 1
        assert notes[0].author_role is AuthorRole.AGENT

    def test_reminder_marks_the_ticket(self, desk: Helpdesk, seed: Seed) -> None:
        """A reminder leaves its tag on the ticket."""
        ref = seed([("customer", "Hello")])
        desk.mark_reminder(ref, "deescalate-promise-due", datetime(2026, 3, 2, 15, tzinfo=UTC))
        assert "deescalate-promise-due" in desk.get_ticket(ref).tags

    def test_priority_can_be_raised(self, desk: Helpdesk, seed: Seed) -> None:
        """set_priority changes the ticket's priority."""
        ref = seed([("customer", "Hello")])
        desk.set_priority(ref, "high")
        assert desk.get_ticket(ref).priority == "high"

    def test_macros_are_upserted_by_name(self, desk: Helpdesk) -> None:
        """Upserting a macro twice updates it in place."""
        first = desk.upsert_macro("deescalate: apology", "I'm so sorry.", public=True)
        second = desk.upsert_macro("deescalate: apology", "I'm truly sorry.", public=True)
        assert first == second

    def test_changed_since_returns_a_cursor(self, desk: Helpdesk, seed: Seed) -> None:
        """A backfill lists changed tickets and a cursor to continue from."""
        ref = seed([("customer", "Hello")])
        changed, cursor = desk.changed_since(None)
        assert ref in changed
        assert cursor
