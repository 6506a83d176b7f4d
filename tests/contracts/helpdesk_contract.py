"""The contract every Helpdesk adapter must keep: FakeHelpdesk and each real adapter run it.

Subclasses provide three fixtures:

* ``desk``: the adapter under test;
* ``seed``: a callable that creates a ticket with the given ``(role, body)`` public comments and
  returns its reference;
* ``signed``: a callable that, given a ticket reference, a delivery id and a customer comment's
  text, returns ``(headers, body)`` of a correctly signed webhook delivery in the system's own
  format reporting that the customer added the comment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

import pytest

from deescalate.errors import NotFound, WebhookVerificationError
from deescalate.helpdesk import (
    AuthorRole,
    Helpdesk,
    Priority,
    Reminder,
    TicketChange,
    TicketEventKind,
    TicketRef,
    find_note_marker,
)

Seed = Callable[[Sequence[tuple[str, str]]], TicketRef]
Signed = Callable[[TicketRef, str, str], tuple[Mapping[str, str], bytes]]

DUE = datetime(2026, 3, 2, 15, tzinfo=UTC)


class HelpdeskContract:
    def test_is_a_helpdesk(self, desk: Helpdesk) -> None:
        """The adapter satisfies the protocol and has a name."""
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
        assert ticket.comments[0].created_at.tzinfo is not None

    def test_unknown_ticket_is_not_found(self, desk: Helpdesk) -> None:
        """A missing ticket raises NotFound, not the client library's error."""
        with pytest.raises(NotFound):
            desk.get_ticket(TicketRef(desk.name, "999999999"))

    def test_apply_writes_the_whole_change(self, desk: Helpdesk, seed: Seed) -> None:
        """One apply adds and removes tags, posts a private note and sets the priority."""
        ref = seed([("customer", "Hello")])
        desk.apply(ref, TicketChange(add_tags={"deescalate-stage-upset"}))
        change = TicketChange(
            add_tags={"deescalate-stage-angry", "deescalate-handoff"},
            remove_tags={"deescalate-stage-upset"},
            note="Stage: angry. Acknowledge first.",
            priority=Priority.HIGH,
        )
        applied = desk.apply(ref, change, idempotency_key="evt-1")
        assert not applied.replayed
        ticket = desk.get_ticket(ref)
        assert {"deescalate-stage-angry", "deescalate-handoff"} <= ticket.tags
        assert "deescalate-stage-upset" not in ticket.tags
        assert ticket.priority is Priority.HIGH
        notes = [c for c in ticket.comments if not c.public]
        assert len(notes) == 1
        assert notes[0].body.startswith("Stage: angry. Acknowledge first.")
        assert notes[0].author_role is AuthorRole.AGENT

    def test_same_key_writes_nothing_new(self, desk: Helpdesk, seed: Seed) -> None:
        """Applying a change again with its key posts no second note and reports a replay."""
        ref = seed([("customer", "Hello")])
        change = TicketChange(add_tags={"deescalate-stage-angry"}, note="Acknowledge first.")
        desk.apply(ref, change, idempotency_key="evt-2")
        again = desk.apply(ref, change, idempotency_key="evt-2")
        assert again.replayed
        notes = [c for c in desk.get_ticket(ref).comments if not c.public]
        assert len(notes) == 1
        assert find_note_marker(notes[0].body) == "evt-2"

    def test_another_key_posts_another_note(self, desk: Helpdesk, seed: Seed) -> None:
        """Two keys are two notes: the key, not the text, decides what is a repeat."""
        ref = seed([("customer", "Hello")])
        desk.apply(ref, TicketChange(note="Same words."), idempotency_key="evt-3")
        desk.apply(ref, TicketChange(note="Same words."), idempotency_key="evt-4")
        assert len([c for c in desk.get_ticket(ref).comments if not c.public]) == 2

    def test_tags_are_added_once_and_removed(self, desk: Helpdesk, seed: Seed) -> None:
        """Adding a tag twice keeps one; removing an absent tag is fine."""
        ref = seed([("customer", "Hello")])
        desk.apply(ref, TicketChange(add_tags={"deescalate-stage-angry"}))
        desk.apply(ref, TicketChange(add_tags={"deescalate-stage-angry"}))
        assert "deescalate-stage-angry" in desk.get_ticket(ref).tags
        desk.apply(ref, TicketChange(remove_tags={"deescalate-stage-angry", "never-there"}))
        assert "deescalate-stage-angry" not in desk.get_ticket(ref).tags

    def test_tags_outside_the_change_are_kept(self, desk: Helpdesk, seed: Seed) -> None:
        """A change never rewrites the whole tag list: others' tags survive."""
        ref = seed([("customer", "Hello")])
        desk.apply(ref, TicketChange(add_tags={"vip"}))
        desk.apply(ref, TicketChange(add_tags={"deescalate-stage-calm"}))
        assert {"vip", "deescalate-stage-calm"} <= desk.get_ticket(ref).tags

    def test_reminder_marks_the_ticket(self, desk: Helpdesk, seed: Seed) -> None:
        """A reminder leaves its tag on the ticket."""
        ref = seed([("customer", "Hello")])
        desk.apply(ref, TicketChange(reminder=Reminder("deescalate-promise-due", DUE)))
        assert "deescalate-promise-due" in desk.get_ticket(ref).tags

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

    def test_signed_delivery_verifies_and_parses(
        self, desk: Helpdesk, seed: Seed, signed: Signed
    ) -> None:
        """A signed delivery verifies to a Delivery with its id, and parses to a comment event."""
        ref = seed([("customer", "Hello")])
        headers, body = signed(ref, "delivery-1", "Where is my refund?")
        delivery = desk.verify_webhook(headers, body)
        assert delivery.id == "delivery-1"
        assert delivery.system == desk.name
        assert delivery.body == body
        events = desk.parse_delivery(delivery)
        assert [event.ref for event in events] == [ref]
        assert events[0].kind is TicketEventKind.COMMENT_ADDED

    def test_tampered_delivery_is_refused(self, desk: Helpdesk, seed: Seed, signed: Signed) -> None:
        """A body changed after signing raises WebhookVerificationError."""
        ref = seed([("customer", "Hello")])
        headers, body = signed(ref, "delivery-2", "Where is my refund?")
        with pytest.raises(WebhookVerificationError):
            desk.verify_webhook(headers, body.replace(b"refund", b"r3fund"))

    def test_context_manager_closes(self, desk: Helpdesk) -> None:
        """``with`` returns the adapter itself and closes it on the way out."""
        with desk as entered:
            assert entered is desk
