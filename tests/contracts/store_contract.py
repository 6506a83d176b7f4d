"""The contract every Store must keep; run against SQLite and PostgreSQL unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deescalate.errors import StoreError
from deescalate.obligations.model import (
    Obligation,
    ObligationKind,
    ObligationState,
    Task,
    Transition,
    new_id,
    obligation_key,
)
from deescalate.store.base import LATEST_VERSION, SQLStore

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def make(
    ticket: str = "fake:1", *, due: datetime = NOW, key: str | None = None, task: Task = Task.BREAK
) -> Obligation:
    """A follow-through obligation whose next task is due at ``due``."""
    return Obligation(
        id=new_id(),
        key=key or obligation_key(ObligationKind.FOLLOW_THROUGH, ticket, new_id()),
        kind=ObligationKind.FOLLOW_THROUGH,
        ticket=ticket,
        source="I'll call you back by 3pm.",
        due_at=due,
        action="callback",
        comment_id="c1",
        span=(0, 25),
        next_task=task,
        next_action_at=due,
        created_at=due - timedelta(hours=2),
    )


class StoreContract:
    """Subclasses provide a ``store`` fixture yielding an empty, migrated store."""

    def test_migrated_to_the_latest_version(self, store: SQLStore) -> None:
        """A new store is at the latest schema version."""
        assert store.schema_version() == LATEST_VERSION

    def test_add_and_get_round_trip(self, store: SQLStore) -> None:
        """What goes in comes back, times as aware UTC datetimes."""
        original = make()
        stored, created = store.add(original)
        assert created
        fetched = store.get(original.id)
        assert fetched.due_at == original.due_at
        assert fetched.due_at.tzinfo is not None
        assert (fetched.ticket, fetched.action, fetched.span, fetched.next_task) == (
            "fake:1",
            "callback",
            (0, 25),
            Task.BREAK,
        )
        assert stored.id == original.id

    def test_add_is_idempotent_on_the_key(self, store: SQLStore) -> None:
        """The same promise seen twice is one obligation."""
        first, created_first = store.add(make(key="same"))
        second, created_second = store.add(make(key="same"))
        assert created_first
        assert not created_second
        assert second.id == first.id
        assert len(store.search()) == 1

    def test_get_unknown_is_a_store_error(self, store: SQLStore) -> None:
        """An unknown id is a StoreError naming it."""
        with pytest.raises(StoreError, match="nope"):
            store.get("nope")

    def test_search_filters(self, store: SQLStore) -> None:
        """Filters by state, ticket and due time."""
        store.add(make("fake:1", due=NOW))
        store.add(make("fake:2", due=NOW + timedelta(days=1)))
        kept = store.add(make("fake:2", due=NOW + timedelta(days=2)))[0]
        store.transition(kept.id, Transition(ObligationState.KEPT, "kept"), NOW)
        assert [o.ticket for o in store.search(ticket="fake:2")] == ["fake:2", "fake:2"]
        assert len(store.search(due_before=NOW + timedelta(hours=1))) == 1
        assert [o.id for o in store.search(state=ObligationState.KEPT)] == [kept.id]

    def test_transition_records_history(self, store: SQLStore) -> None:
        """A transition changes the state and adds an event."""
        ob = store.add(make())[0]
        after = store.transition(
            ob.id, Transition(ObligationState.CANCELLED, "cancelled", "no longer needed"), NOW
        )
        assert after.state is ObligationState.CANCELLED
        assert [(e.kind, e.detail) for e in after.history][-1] == ("cancelled", "no longer needed")
        assert store.active_for_ticket("fake:1") == []

    def test_claim_takes_only_due_items_in_due_order(self, store: SQLStore) -> None:
        """Only obligations whose next action is due are claimed, earliest first."""
        late = store.add(make(due=NOW - timedelta(hours=1)))[0]
        early = store.add(make(due=NOW - timedelta(hours=3)))[0]
        store.add(make(due=NOW + timedelta(hours=1)))
        claimed = store.claim_due(NOW, "w1", 10, timedelta(minutes=5))
        assert [o.id for o in claimed] == [early.id, late.id]

    def test_claimed_items_are_not_claimed_again_until_the_lease_expires(
        self, store: SQLStore
    ) -> None:
        """A lease keeps other workers off; an expired lease lets them reclaim (nothing lost)."""
        ob = store.add(make(due=NOW - timedelta(minutes=1)))[0]
        assert [o.id for o in store.claim_due(NOW, "w1", 10, timedelta(minutes=5))] == [ob.id]
        assert store.claim_due(NOW + timedelta(minutes=1), "w2", 10, timedelta(minutes=5)) == []
        reclaimed = store.claim_due(NOW + timedelta(minutes=6), "w2", 10, timedelta(minutes=5))
        assert [o.id for o in reclaimed] == [ob.id]

    def test_complete_needs_the_lease(self, store: SQLStore) -> None:
        """A worker that lost its lease cannot complete; the owner can, once."""
        ob = store.add(make(due=NOW - timedelta(minutes=1)))[0]
        store.claim_due(NOW, "w1", 10, timedelta(minutes=5))
        store.claim_due(NOW + timedelta(minutes=6), "w2", 10, timedelta(minutes=5))
        broken = Transition(ObligationState.BROKEN, "broken")
        assert not store.complete(ob.id, "w1", broken, NOW, task=Task.BREAK)
        assert store.complete(ob.id, "w2", broken, NOW, task=Task.BREAK)
        assert store.get(ob.id).state is ObligationState.BROKEN
        assert store.dispatch_count(ob.id) == 1

    def test_release_reschedules(self, store: SQLStore) -> None:
        """A released obligation is due again at the retry time, not before."""
        ob = store.add(make(due=NOW - timedelta(minutes=1)))[0]
        store.claim_due(NOW, "w1", 10, timedelta(minutes=5))
        assert store.release(ob.id, "w1", NOW + timedelta(minutes=10), "RateLimited")
        assert store.claim_due(NOW + timedelta(minutes=9), "w1", 10, timedelta(minutes=5)) == []
        assert (
            len(store.claim_due(NOW + timedelta(minutes=10), "w1", 10, timedelta(minutes=5))) == 1
        )
        assert any(e.kind == "retry" for e in store.get(ob.id).history)

    def test_final_states_are_never_claimed(self, store: SQLStore) -> None:
        """Kept, broken and cancelled obligations leave the due queue."""
        ob = store.add(make(due=NOW - timedelta(minutes=1)))[0]
        store.transition(ob.id, Transition(ObligationState.KEPT, "kept"), NOW)
        assert store.claim_due(NOW, "w1", 10, timedelta(minutes=5)) == []

    def test_add_many_bulk_loads(self, store: SQLStore) -> None:
        """Bulk loading counts only new obligations."""
        items = [make(f"fake:{i}") for i in range(50)]
        assert store.add_many(items) == 50
        assert store.add_many(items[:10]) == 0

    def test_claim_plan_uses_the_due_index(self, store: SQLStore) -> None:
        """The claim query reads the partial due index, not the whole table."""
        plan = store.explain_claim(NOW, 100)
        assert "obligations_due" in plan

    def test_naive_datetimes_are_refused(self, store: SQLStore) -> None:
        """The store only takes aware datetimes."""
        with pytest.raises(StoreError, match="aware"):
            store.add(make(due=datetime(2026, 3, 2, 10, 0)))
