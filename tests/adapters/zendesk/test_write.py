"""Writing: one PUT per change, its exact body, idempotency, no-op changes, due dates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from deescalate_zendesk import ZendeskHelpdesk
from deescalate_zendesk.testing import FakeZendeskServer

from deescalate.helpdesk import Priority, Reminder, TicketChange, TicketRef
from tests.adapters.zendesk.conftest import MakeDesk

DUE = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)


def ref(ticket_id: int) -> TicketRef:
    return TicketRef("zendesk", str(ticket_id))


def test_a_whole_change_is_one_put(server: FakeZendeskServer, desk: ZendeskHelpdesk) -> None:
    """Tags added and removed, a private note and the priority travel in one update."""
    ticket_id = server.add_ticket("T", [("customer", "a")], tags=["deescalate-stage-upset", "vip"])
    server.reset_log()
    change = TicketChange(
        add_tags={"deescalate-stage-angry"},
        remove_tags={"deescalate-stage-upset"},
        note="Acknowledge first.",
        priority=Priority.HIGH,
    )
    applied = desk.apply(ref(ticket_id), change)
    (put,) = [r for r in server.requests if r.method == "PUT"]
    assert put.path == f"/api/v2/tickets/{ticket_id}.json"
    body = put.body["ticket"]
    assert body["additional_tags"] == ["deescalate-stage-angry"]
    assert body["remove_tags"] == ["deescalate-stage-upset"]
    assert body["comment"] == {"body": "Acknowledge first.", "public": False}
    assert body["priority"] == "high"
    assert "tags" not in body
    assert server.tags(ticket_id) == ["vip", "deescalate-stage-angry"]
    assert applied.calls == 1


def test_common_path_is_three_calls(server: FakeZendeskServer, desk: ZendeskHelpdesk) -> None:
    """Read the ticket, read its comments, write once: the key check reuses the read."""
    ticket_id = server.add_ticket("T", [("customer", "It is broken!!")])
    server.reset_log()
    desk.get_ticket(ref(ticket_id))
    desk.apply(
        ref(ticket_id),
        TicketChange(add_tags={"deescalate-stage-angry"}, note="n"),
        idempotency_key="evt-9",
    )
    assert server.calls() == 3


def test_a_change_that_changes_nothing_is_not_written(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """Adding a tag the ticket just showed, and removing one it lacks, writes nothing."""
    ticket_id = server.add_ticket("T", [("customer", "a")], tags=["deescalate-stage-calm"])
    desk.get_ticket(ref(ticket_id))
    server.reset_log()
    applied = desk.apply(
        ref(ticket_id),
        TicketChange(add_tags={"deescalate-stage-calm"}, remove_tags={"deescalate-stage-angry"}),
    )
    assert server.calls() == 0
    assert applied.calls == 0


def test_empty_change_makes_no_call(server: FakeZendeskServer, desk: ZendeskHelpdesk) -> None:
    """An empty change is not sent."""
    ticket_id = server.add_ticket("T", [("customer", "a")])
    server.reset_log()
    desk.apply(ref(ticket_id), TicketChange())
    assert server.calls() == 0


def test_key_check_reads_comments_when_nothing_was_read(
    make_desk: MakeDesk, server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """Without a recent read, the marker is looked for in the comments before writing."""
    ticket_id = server.add_ticket("T", [("customer", "a")])
    other = make_desk()
    other.apply(ref(ticket_id), TicketChange(note="First."), idempotency_key="evt-1")
    server.reset_log()
    again = desk.apply(ref(ticket_id), TicketChange(note="First."), idempotency_key="evt-1")
    assert again.replayed
    assert server.calls("PUT") == 0
    assert len(server.notes(ticket_id)) == 1


def test_note_ends_with_the_marker(server: FakeZendeskServer, desk: ZendeskHelpdesk) -> None:
    """The posted note's last line is the idempotency marker."""
    ticket_id = server.add_ticket("T", [("customer", "a")])
    desk.apply(ref(ticket_id), TicketChange(note="Stage: angry."), idempotency_key="evt-5")
    (note,) = server.notes(ticket_id)
    assert note["body"].splitlines()[-1] == "[deescalate ref:evt-5]"
    assert note["public"] is False


def test_reminder_due_date_goes_in_the_date_field(
    make_desk: MakeDesk, server: FakeZendeskServer, clock: object
) -> None:
    """The due date is YYYY-MM-DD in the agents' zone; the note keeps the exact time."""
    desk = make_desk(due_field=360001, time_zone="Europe/Berlin")
    ticket_id = server.add_ticket("T", [("customer", "a")])
    desk.apply(ref(ticket_id), TicketChange(reminder=Reminder("deescalate-promise-due", DUE)))
    ticket = server.state.tickets[ticket_id]
    assert ticket["custom_fields"] == [{"id": 360001, "value": "2026-03-03"}]
    assert "deescalate-promise-due" in ticket["tags"]
    (note,) = server.notes(ticket_id)
    assert "2026-03-03T00:30+01:00" in note["body"]


def test_reminder_without_a_field_only_tags_and_notes(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """With no due field configured no custom field is written."""
    ticket_id = server.add_ticket("T", [("customer", "a")])
    server.reset_log()
    desk.apply(ref(ticket_id), TicketChange(reminder=Reminder("deescalate-follow-up-due", DUE)))
    (put,) = [r for r in server.requests if r.method == "PUT"]
    assert "custom_fields" not in put.body["ticket"]
    assert put.body["ticket"]["additional_tags"] == ["deescalate-follow-up-due"]


def test_single_purpose_writes_go_through_apply(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """set_priority and mark_reminder each make one update."""
    ticket_id = server.add_ticket("T", [("customer", "a")])
    server.reset_log()
    desk.set_priority(ref(ticket_id), "urgent")
    desk.mark_reminder(ref(ticket_id), "deescalate-promise-due", DUE)
    assert server.calls("PUT") == 2
    assert server.state.tickets[ticket_id]["priority"] == "urgent"


def test_a_write_that_timed_out_is_not_repeated(
    server: FakeZendeskServer, make_desk: MakeDesk
) -> None:
    """The answer to a note's write never came (timeout), but the note was posted: a retry with
    the same key reads the comments again instead of trusting the earlier read, and posts none."""
    import time

    from deescalate.errors import AdapterError

    desk = make_desk(timeout=0.3)
    ticket_id = server.add_ticket("Router", [("customer", "It drops again!!")])
    ref = TicketRef("zendesk", str(ticket_id))
    desk.get_ticket(ref)  # the read the common path makes just before writing
    server.stall_next(0.8)
    change = TicketChange(add_tags={"deescalate-stage-angry"}, note="Acknowledge first.")
    with pytest.raises(AdapterError, match="timeout"):
        desk.apply(ref, change, idempotency_key="evt-timeout")
    time.sleep(1.0)  # the fake finishes the write it was stalling
    assert desk.apply(ref, change, idempotency_key="evt-timeout").replayed
    assert len(server.notes(ticket_id)) == 1
