"""The message-record part of the store contract (run on SQLite, PostgreSQL and memory)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from deescalate.errors import InputError
from deescalate.obligations.model import Obligation, ObligationKind, Task, new_id
from deescalate.records import MessageRecord, MessageRole
from deescalate.stages import Stage
from deescalate.store import Store

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def customer(comment_id: str, at: datetime = NOW, *, ticket: str = "fake:1") -> MessageRecord:
    """An angry customer message on ``ticket``, assigned to Ana."""
    return MessageRecord(
        ticket, comment_id, at, MessageRole.CUSTOMER, Stage.ANGRY, "Ana", ("all-caps", "repeat")
    )


def reply(comment_id: str, at: datetime = NOW, *, ticket: str = "fake:1") -> MessageRecord:
    """An agent reply by Ben that broke one coach rule."""
    return MessageRecord(
        ticket, comment_id, at, MessageRole.AGENT, None, "Ben", ("tells-to-calm-down",),
        ("calm down",),
    )  # fmt: skip


def opened(at: datetime) -> Obligation:
    """A follow-up obligation created at ``at``."""
    return Obligation(
        id=new_id(), key=new_id(), kind=ObligationKind.FOLLOW_UP, ticket="fake:1",
        source="solved", due_at=at + timedelta(days=2), next_task=Task.FOLLOW_UP,
        next_action_at=at + timedelta(days=2), created_at=at,
    )  # fmt: skip


class MessageContract:
    """Subclasses provide ``store``, an empty, migrated store."""

    def test_message_records_round_trip_in_time_order(self, store: Store) -> None:
        """Records come back whole, in time order, times as aware UTC datetimes."""
        berlin = timezone(timedelta(hours=1))
        later = reply("c2", (NOW + timedelta(minutes=5)).astimezone(berlin))
        assert store.record_messages([later, customer("c1")]) == 2
        first, second = store.message_records()
        assert first == customer("c1")
        assert second == reply("c2", NOW + timedelta(minutes=5))
        assert second.at.utcoffset() == timedelta(0)

    def test_a_message_is_recorded_once(self, store: Store) -> None:
        """Recording the same ticket and comment again keeps the first record."""
        store.record_messages([customer("c1")])
        again = MessageRecord("fake:1", "c1", NOW, MessageRole.CUSTOMER, Stage.CALM)
        assert store.record_messages([again, customer("c1", ticket="fake:2")]) == 1
        assert [r.stage for r in store.message_records()] == [Stage.ANGRY, Stage.ANGRY]

    def test_message_records_are_read_over_a_half_open_period(self, store: Store) -> None:
        """``since`` is included and ``until`` is not."""
        store.record_messages([customer(f"c{h}", NOW + timedelta(hours=h)) for h in range(4)])
        found = store.message_records(
            since=NOW + timedelta(hours=1), until=NOW + timedelta(hours=3)
        )
        assert [r.comment_id for r in found] == ["c1", "c2"]

    def test_a_record_in_a_failed_atomic_block_is_not_kept(self, store: Store) -> None:
        """Records written in an atomic block that fails are rolled back with it."""

        def record_then_fail() -> None:
            with store.atomic():
                store.record_messages([customer("c1")])
                raise RuntimeError("abandon")

        with pytest.raises(RuntimeError):
            record_then_fail()
        assert store.message_records() == []

    def test_a_code_with_a_space_is_refused(self, store: Store) -> None:
        """A code that could not be read back as one code is an InputError naming the message."""
        bad = MessageRecord("fake:1", "c1", NOW, MessageRole.AGENT, codes=("two words",))
        with pytest.raises(InputError, match="fake:1/c1"):
            store.record_messages([bad])
        assert store.message_records() == []

    def test_obligations_opened_in_a_period_oldest_first(self, store: Store) -> None:
        """opened_between reads obligations created in the half-open period, oldest first."""
        made = [opened(NOW + timedelta(days=d)) for d in (2, 0, 1, 3)]
        for obligation in made:
            store.add(obligation)
        found = store.opened_between(NOW, NOW + timedelta(days=3))
        assert [o.created_at for o in found] == [NOW + timedelta(days=d) for d in (0, 1, 2)]
